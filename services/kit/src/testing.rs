//! Test support shared by every crate's tests: a fresh PostgreSQL database per test and a
//! unique Redis key prefix, against the real servers (never mocks).
//!
//! `GLOCAL_TEST_DATABASE_URL` names the PostgreSQL server's admin database
//! (default `postgres://postgres@127.0.0.1:5432/postgres`); `GLOCAL_TEST_REDIS_URL` the
//! Redis server (default `redis://127.0.0.1:6379`).

use sea_orm::{ConnectionTrait, Database};

use crate::paging::{Page, PageRequest};

/// Prefix of every database the tests create, so a test run can sweep leftovers.
pub const TEST_DB_PREFIX: &str = "glocal_test_";

/// The admin URL of the test PostgreSQL server.
pub fn postgres_admin_url() -> String {
    std::env::var("GLOCAL_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The test Redis server.
pub fn redis_url() -> String {
    std::env::var("GLOCAL_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A key prefix no other test uses.
pub fn redis_prefix() -> String {
    format!("glocal-test:{}:", uuid::Uuid::new_v4().simple())
}

/// Pages through a list one item at a time, then once past its end, and asserts that every
/// page, the empty one past the end included, counts all `expected` matches and that the
/// pages hold `expected` items in all. A page's count rides in its own statement and past
/// the last match is counted apart ([`crate::store::page_with_total`]), so both are asked.
///
/// # Panics
/// When a page counts otherwise, or the pages hold another number of items.
pub async fn assert_every_page_counts<T>(
    expected: u64,
    list: impl AsyncFn(PageRequest) -> Page<T>,
) {
    let mut after = None;
    let mut seen = 0_u64;
    loop {
        let page = list(PageRequest {
            first: 1,
            after: after.clone(),
        })
        .await;
        assert_eq!(page.total_count, expected, "the page after {after:?}");
        seen += page.items.len() as u64;
        let Some(last) = page.cursors.last().cloned() else {
            break;
        };
        after = Some(last);
        if !page.has_next_page {
            let past = list(PageRequest {
                first: 1,
                after: after.clone(),
            })
            .await;
            assert!(past.items.is_empty(), "nothing past the last page");
            assert_eq!(past.total_count, expected, "past the last page");
            break;
        }
    }
    assert_eq!(seen, expected, "items on all pages");
}

/// How many rows `table` holds (tests count audit, outbox and entity rows with it).
///
/// # Panics
/// When the query fails: a test's table name is a constant.
pub async fn count_rows(db: &impl ConnectionTrait, table: &str) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count rows")
        .expect("a count row");
    row.try_get("", "n").expect("a count")
}

/// A PostgreSQL database of one test's own, dropped when this value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// URL of the new database.
    pub url: String,
    name: String,
    admin: String,
}

impl TestDatabase {
    /// Creates a new empty database on the test server.
    pub async fn postgres() -> TestDatabase {
        let admin = postgres_admin_url();
        let name = format!("{TEST_DB_PREFIX}{}", uuid::Uuid::new_v4().simple());
        let conn = Database::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("test PostgreSQL at {admin} is not reachable: {e}"));
        conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create test database");
        let _ = conn.close().await;
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        TestDatabase {
            url: format!("{base}/{name}"),
            name,
            admin,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.name.clone();
        // Drop needs async I/O: do it on a runtime of its own, off the test's runtime, and
        // do not wait for it (terminating the pools' backends takes seconds). A database
        // whose drop did not finish before the process exited is swept by `scripts/test`.
        std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(conn) = Database::connect(&admin).await {
                    let _ = conn
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    let _ = conn.close().await;
                }
            });
        });
    }
}

/// Runs each named scenario of a service's tests on both backends: a `postgres` module
/// (a fresh [`TestDatabase`] per test) and a `sqlite` module (`sqlite::memory:`). A
/// scenario is `async fn name(env: Env)`, given `Env::new(db).await` of the calling module;
/// those listed after `db:` take the `DatabaseConnection` itself.
///
/// The short form runs PostgreSQL tests on a two-worker runtime and SQLite tests on the
/// current thread; the long form names each backend's `#[tokio::test]` arguments:
///
/// ```text
/// glocal_kit::on_both_backends!(scoping, demo_seeds_once);
/// glocal_kit::on_both_backends!(
///     postgres(flavor = "multi_thread", worker_threads = 4),
///     sqlite(flavor = "multi_thread", worker_threads = 2);
///     env: [rotation_rule, scoping];
///     db: [demo_seeds_an_empty_database]
/// );
/// ```
#[macro_export]
macro_rules! on_both_backends {
    (
        postgres $pg:tt, sqlite $sq:tt;
        env: [$($name:ident),* $(,)?]
        $(; db: [$($plain:ident),* $(,)?])? $(;)?
    ) => {
        mod postgres {
            $(
                #[tokio::test $pg]
                async fn $name() {
                    let test_db = $crate::testing::TestDatabase::postgres().await;
                    let db = $crate::db::connect(&test_db.url).await.unwrap();
                    super::$name(super::Env::new(db.clone()).await).await;
                    let _ = db.close().await;
                    drop(test_db);
                }
            )*
            $($(
                #[tokio::test $pg]
                async fn $plain() {
                    let test_db = $crate::testing::TestDatabase::postgres().await;
                    let db = $crate::db::connect(&test_db.url).await.unwrap();
                    super::$plain(db.clone()).await;
                    let _ = db.close().await;
                    drop(test_db);
                }
            )*)?
        }

        mod sqlite {
            $(
                #[tokio::test $sq]
                async fn $name() {
                    let db = $crate::db::connect("sqlite::memory:").await.unwrap();
                    super::$name(super::Env::new(db).await).await;
                }
            )*
            $($(
                #[tokio::test $sq]
                async fn $plain() {
                    let db = $crate::db::connect("sqlite::memory:").await.unwrap();
                    super::$plain(db).await;
                }
            )*)?
        }
    };
    ($($name:ident),* $(,)?) => {
        $crate::on_both_backends!(
            postgres(flavor = "multi_thread", worker_threads = 2), sqlite();
            env: [$($name),*]
        );
    };
}

/// A `redis-server` of one test's own (the binary named by `GLOCAL_TEST_REDIS_SERVER`,
/// default `redis-server`), on a free loopback port with its data in a temporary directory,
/// for tests that stop, restart or start Redis late. It is killed (and its directory
/// removed) when dropped; the shared test Redis is never touched.
#[derive(Debug)]
pub struct RedisServer {
    port: u16,
    dir: std::path::PathBuf,
    append_only: bool,
    child: Option<std::process::Child>,
}

impl RedisServer {
    /// A server not started yet (its URL is known, nothing answers there).
    ///
    /// # Panics
    /// When no port or directory can be had.
    pub fn new(append_only: bool) -> RedisServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!("glocal-redis-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        RedisServer {
            port,
            dir,
            append_only,
            child: None,
        }
    }

    /// A server started now (append-only persistence when `append_only`).
    pub fn started(append_only: bool) -> RedisServer {
        let mut server = RedisServer::new(append_only);
        server.start();
        server
    }

    /// `redis://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server (on its port and directory) and waits until it accepts
    /// connections.
    ///
    /// # Panics
    /// When `redis-server` cannot run or does not listen within 10 s.
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "already started");
        let binary =
            std::env::var("GLOCAL_TEST_REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
        let appendonly = if self.append_only { "yes" } else { "no" };
        let child = std::process::Command::new(binary)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .arg("--dir")
            .arg(&self.dir)
            .args(["--appendonly", appendonly, "--appendfsync", "everysec"])
            .args([
                "--save",
                "",
                "--protected-mode",
                "no",
                "--loglevel",
                "warning",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server runs (install redis-server)");
        self.child = Some(child);
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(std::time::Instant::now() < until, "redis-server listens");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Stops the server as an operator's restart does (SIGTERM: it writes its append-only
    /// file and exits) and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }

    /// Kills the server (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An S3-compatible server on loopback for the file-storage tests: moto's server (PyPI
/// `moto[server]`, which `scripts/test` installs into the checkout's `.venv`;
/// `GLOCAL_TEST_S3_PYTHON` names its Python), with one empty bucket. A test that cannot start
/// it fails. Stopped when dropped.
pub struct S3Server {
    child: std::process::Child,
    /// `http://127.0.0.1:{port}`.
    pub endpoint: String,
    /// The bucket made for the test.
    pub bucket: String,
}

impl S3Server {
    /// Starts a server on a free port, waits until it answers and makes a bucket.
    pub async fn start() -> S3Server {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let python = std::env::var("GLOCAL_TEST_S3_PYTHON")
            .or_else(|_| std::env::var("GLOCAL_TEST_SMTP_PYTHON"))
            .unwrap_or_else(|_| format!("{}/../../.venv/bin/python", env!("CARGO_MANIFEST_DIR")));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = std::process::Command::new(&python)
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p"])
            .arg(port.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start the S3 server with {python} (run scripts/test to install moto[server]): {e}")
            });
        let server = S3Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            bucket: format!("glocal-test-{}", uuid::Uuid::new_v4().simple()),
        };
        for _ in 0..600 {
            if let Ok(mut conn) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
                let put = format!(
                    "PUT /{} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    server.bucket
                );
                conn.write_all(put.as_bytes())
                    .await
                    .expect("create the bucket");
                let mut answer = Vec::new();
                let _ = conn.read_to_end(&mut answer).await;
                let answer = String::from_utf8_lossy(&answer);
                assert!(
                    answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"),
                    "the S3 server refused to create a bucket: {answer}"
                );
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the S3 server ({python} -m moto.server) did not start on port {port} within 30 s");
    }

    /// Storage settings pointing at this server's bucket.
    pub fn settings(&self) -> crate::config::StorageSettings {
        crate::config::StorageSettings {
            url: format!("s3://{}", self.bucket),
            endpoint: self.endpoint.clone(),
            region: "us-east-1".into(),
            access_key_id: crate::config::Secret::new("test"),
            secret_access_key: crate::config::Secret::new("test"),
            allow_http: true,
            ..crate::config::StorageSettings::default()
        }
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
