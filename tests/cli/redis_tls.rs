//! Redis over TLS (`rediss://`): a real `redis-server` serving TLS only, on loopback, with a
//! certificate from a private CA that the `openssl` command makes for the test. A service's
//! outbox relay (`glocal serve research`, the real binary) publishes its change events into
//! it when the CA is trusted the way an operator trusts one — `SSL_CERT_FILE` names its PEM
//! bundle — and publishes nothing to a server whose certificate it cannot verify. Every Redis
//! client of the project (cache, relay, notifier, rate limiter, change streams) is made by
//! the same `redis::Client::open`, so this holds for each.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use glocal_kit::testing::TestDatabase;

use super::glocal;

/// A child process killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("openssl is required for the TLS test");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA and, signed by it, a certificate for `localhost` and 127.0.0.1: (CA, cert, key).
fn ca_and_server_cert(dir: &Path, name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let file = |suffix: &str| dir.join(format!("{name}-{suffix}"));
    let (ca_key, ca, key, csr, cert, ext) = (
        file("ca.key"),
        file("ca.pem"),
        file("server.key"),
        file("server.csr"),
        file("server.pem"),
        file("san.ext"),
    );
    run(Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", &format!("/CN=glocal test CA {name}")])
        .arg("-keyout")
        .arg(&ca_key)
        .arg("-out")
        .arg(&ca));
    run(Command::new("openssl")
        .args([
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&csr));
    std::fs::write(&ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\n").unwrap();
    run(Command::new("openssl")
        .args(["x509", "-req", "-days", "2", "-CAcreateserial", "-in"])
        .arg(&csr)
        .arg("-CA")
        .arg(&ca)
        .arg("-CAkey")
        .arg(&ca_key)
        .arg("-extfile")
        .arg(&ext)
        .arg("-out")
        .arg(&cert));
    (ca, cert, key)
}

/// `redis-server` with TLS only (`--port 0`), on a free port, until dropped.
fn tls_redis(ca: &Path, cert: &Path, key: &Path) -> (Running, u16) {
    let port = free_port();
    let child = Command::new("redis-server")
        .args(["--port", "0", "--bind", "127.0.0.1", "--save", ""])
        .args(["--appendonly", "no", "--tls-auth-clients", "no"])
        .args(["--tls-port", &port.to_string()])
        .arg("--tls-cert-file")
        .arg(cert)
        .arg("--tls-key-file")
        .arg(key)
        .arg("--tls-ca-cert-file")
        .arg(ca)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server is required (Debian's, built with TLS)");
    let server = Running(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "redis-server did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

/// `glocal serve research` on `db` with its relay publishing to `redis_url`, trusting `ca`.
fn serve_research(db: &str, redis_url: &str, prefix: &str, ca: &Path) -> Running {
    Running(
        glocal()
            .args(["serve", "research"])
            .env("GLOCAL_LOG__FILTER", "warn")
            .env("GLOCAL_RESEARCH__DATABASE_URL", db)
            .env(
                "GLOCAL_RESEARCH__LISTEN",
                format!("127.0.0.1:{}", free_port()),
            )
            .env("GLOCAL_METRICS__ENABLED", "false")
            .env("GLOCAL_REDIS__URL", redis_url)
            .env("GLOCAL_REDIS__KEY_PREFIX", prefix)
            .env("GLOCAL_OUTBOX__POLL_INTERVAL_MS", "100")
            .env("SSL_CERT_FILE", ca)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// How many change events the research stream holds, read over TLS trusting `ca` (the
/// test's own client is given the CA directly rather than through the environment).
async fn stream_length(port: u16, ca: &Path, prefix: &str) -> usize {
    let client = redis::Client::build_with_tls(
        format!("rediss://localhost:{port}/"),
        redis::TlsCertificates {
            client_tls: None,
            root_cert: Some(std::fs::read(ca).unwrap()),
        },
    )
    .unwrap();
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("the test's own TLS connection");
    redis::cmd("XLEN")
        .arg(glocal_kit::outbox::stream_key(prefix, "research"))
        .query_async(&mut conn)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_outbox_relay_publishes_over_rediss_only_to_a_verified_server() {
    let dir = std::env::temp_dir().join(format!("glocal-redis-tls-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ca, cert, key) = ca_and_server_cert(&dir, "trusted");
    let (other_ca, _, _) = ca_and_server_cert(&dir, "other");
    let (_redis, port) = tls_redis(&ca, &cert, &key);
    let url = format!("rediss://localhost:{port}/");
    let prefix = format!("glocal-test:{}:", uuid::Uuid::new_v4().simple());

    // The demo library: its seeding goes through the service, so the outbox holds events.
    let db = TestDatabase::postgres().await;
    let migrated = glocal()
        .args(["migrate", "research"])
        .env("GLOCAL_LOG__FILTER", "warn")
        .env("GLOCAL_RESEARCH__DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let conn = sea_orm::Database::connect(&db.url).await.unwrap();
    assert!(glocal_research::demo::seed_demo(&conn).await.unwrap());
    let _ = conn.close().await;

    // Trusting another CA, the relay cannot verify the server: nothing is published.
    let mut distrusting = serve_research(&db.url, &url, &prefix, &other_ca);
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        stream_length(port, &ca, &prefix).await,
        0,
        "events reached a server whose certificate no trusted CA signed"
    );
    let _ = distrusting.0.kill();
    let mut log = String::new();
    std::io::Read::read_to_string(&mut distrusting.0.stdout.take().unwrap(), &mut log).unwrap();
    assert!(
        log.to_lowercase().contains("certificate"),
        "the relay must try and be refused for the certificate: {log}"
    );
    drop(distrusting);

    // Trusting the server's CA, every seeded event arrives over TLS.
    let _trusting = serve_research(&db.url, &url, &prefix, &ca);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let published = stream_length(port, &ca, &prefix).await;
        if published > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the relay published nothing over rediss:// in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}
