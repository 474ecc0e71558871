//! Tests of the `glocal` binary as a newcomer uses it: `glocal token` and `glocal dev`
//! (a real process on SQLite files, queried over HTTP, stopped with SIGTERM); `upgrades`:
//! migrate, serve, upgrade and rollback on PostgreSQL; `redis_tls`: the outbox relay over
//! `rediss://`; `import`: `glocal import local-governments`.

mod import;
mod redis_tls;
mod upgrades;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use glocal_kit::Role;
use glocal_kit::caller::DevTokens;
use glocal_kit::config::DEV_JWT_SECRET;

fn glocal() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_glocal"));
    // Only what the test sets: no GLOCAL_* from the developer's shell.
    for (k, _) in std::env::vars() {
        if k.starts_with("GLOCAL_") || k.starts_with("OTEL_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

#[test]
fn token_mints_a_dev_jwt_the_gateway_accepts() {
    let out = glocal()
        .args([
            "token",
            "--role",
            "local_official",
            "--org",
            "11000",
            "--sub",
            "u1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    let caller = DevTokens::new(DEV_JWT_SECRET.as_bytes(), "glocal-dev", "glocal")
        .verify(token.trim())
        .unwrap();
    assert_eq!(caller.subject, "u1");
    assert_eq!(caller.org, "11000");
    assert_eq!(caller.roles, vec![Role::LocalOfficial]);
}

#[test]
fn a_partner_token_names_the_partner_organisation() {
    let org = "6f1c0d1e-5a0b-4c2e-9a57-2f3e4b5c6d7e";
    let out = glocal()
        .args([
            "token",
            "--role",
            "partner",
            "--org",
            org,
            "--sub",
            "osaka-router",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let caller = DevTokens::new(DEV_JWT_SECRET.as_bytes(), "glocal-dev", "glocal")
        .verify(String::from_utf8(out.stdout).unwrap().trim())
        .unwrap();
    assert_eq!(
        (caller.org.as_str(), caller.roles),
        (org, vec![Role::Partner])
    );
    let (code, stderr) = exit_of(
        &["token", "--role", "partner", "--org", "JP", "--sub", "p"],
        &[],
    );
    assert_eq!(code, Some(64), "{stderr}");
    assert!(stderr.contains("partner organisation's id"), "{stderr}");
}

#[test]
fn token_with_an_unknown_role_is_a_usage_error() {
    let out = glocal()
        .args([
            "token", "--role", "emperor", "--org", "11000", "--sub", "u1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role `emperor`"));
}

#[test]
fn unknown_config_key_exits_64_naming_it() {
    let out = glocal()
        .env("GLOCAL_GATEWAY__LISTN", "x")
        .args(["token", "--role", "partner", "--org", "x", "--sub", "p"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("listn"));
}

/// Runs `glocal` with `args` (and `env`) and returns its exit code and stderr.
fn exit_of(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = glocal();
    cmd.args(args).env("GLOCAL_LOG__FILTER", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn usage_errors_exit_64_as_the_readme_says() {
    for args in [
        &["frobnicate"][..],
        &["token", "--role", "partner", "--sub", "p"],
        &["dev", "--listen", "not-an-address"],
        &["serve", "nope"],
        &[],
    ] {
        let (code, stderr) = exit_of(args, &[]);
        assert_eq!(code, Some(64), "glocal {args:?}: {stderr}");
        assert!(!stderr.is_empty(), "glocal {args:?} says why");
    }
}

#[test]
fn help_and_version_exit_0() {
    for args in [&["--help"][..], &["--version"], &["token", "--help"]] {
        let out = glocal().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "glocal {args:?}");
        assert!(!out.stdout.is_empty(), "glocal {args:?} prints to stdout");
    }
}

#[test]
fn production_gateway_without_an_oidc_issuer_exits_64() {
    let (code, stderr) = exit_of(
        &["serve", "gateway"],
        &[
            ("GLOCAL_ENVIRONMENT", "production"),
            ("GLOCAL_GATEWAY__LISTEN", "127.0.0.1:0"),
        ],
    );
    assert_eq!(code, Some(64), "{stderr}");
    assert!(stderr.contains("invalid configuration"), "{stderr}");
}

#[test]
fn production_portal_without_its_own_cookie_key_exits_64() {
    let (code, stderr) = exit_of(
        &["serve", "portal"],
        &[
            ("GLOCAL_ENVIRONMENT", "production"),
            ("GLOCAL_PORTAL__LISTEN", "127.0.0.1:0"),
        ],
    );
    assert_eq!(code, Some(64), "{stderr}");
    assert!(stderr.contains("portal.cookie_key"), "{stderr}");
}

#[test]
fn production_components_without_caller_identity_keys_exit_64() {
    let production = ("GLOCAL_ENVIRONMENT", "production");
    let (code, stderr) = exit_of(
        &["serve", "gateway"],
        &[
            production,
            ("GLOCAL_GATEWAY__LISTEN", "127.0.0.1:0"),
            (
                "GLOCAL_AUTH__OIDC_ISSUER",
                "https://id.example.org/realms/glocal",
            ),
        ],
    );
    assert_eq!(code, Some(64), "{stderr}");
    assert!(stderr.contains("grpc.identity_signing_key"), "{stderr}");

    let (code, stderr) = exit_of(
        &["serve", "requests"],
        &[production, ("GLOCAL_REQUESTS__LISTEN", "127.0.0.1:0")],
    );
    assert_eq!(code, Some(64), "{stderr}");
    assert!(stderr.contains("grpc.identity_keys"), "{stderr}");

    let (code, stderr) = exit_of(
        &["serve", "events"],
        &[("GLOCAL_GRPC__IDENTITY_KEYS", "bm90LWEta2V5")],
    );
    assert_eq!(code, Some(64), "{stderr}");
    assert!(stderr.contains("an Ed25519 public key is 32"), "{stderr}");
}

#[test]
fn keygen_prints_a_pair_whose_halves_belong_together() {
    let out = glocal().arg("keygen").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {text}"))
            .to_owned()
    };
    let private = value("GLOCAL_GRPC__IDENTITY_SIGNING_KEY");
    let public = value("GLOCAL_GRPC__IDENTITY_KEYS");
    assert_eq!(
        glocal_kit::identity::public_key_of(&private).unwrap(),
        public
    );
    let second = glocal().arg("keygen").output().unwrap().stdout;
    assert_ne!(
        String::from_utf8(second).unwrap(),
        text,
        "every pair is new"
    );
}

/// The safe loopback commands the docs show (`glocal token …`, `glocal schema`), as inline
/// code or in fenced blocks of README.md and docs/*.md, each with its optional `[…]` parts
/// left out.
fn documented_commands() -> Vec<(String, Vec<String>)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files = vec!["README.md".to_owned()];
    for entry in std::fs::read_dir(format!("{root}/docs")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".md") {
            files.push(format!("docs/{name}"));
        }
    }
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        for piece in text.split('`') {
            let line = piece.lines().next().unwrap_or_default().trim();
            let Some(rest) = line.strip_prefix("glocal ") else {
                continue;
            };
            let mut args = Vec::new();
            let mut optional = 0;
            for word in rest.split_whitespace() {
                optional += word.matches('[').count();
                if optional == 0 {
                    args.push(word.to_owned());
                }
                optional -= word.matches(']').count();
            }
            let safe = match args.first().map(String::as_str) {
                Some("schema") => args.len() == 1,
                Some("token") => args.len() > 1,
                _ => false,
            };
            if safe {
                found.push((file.clone(), args));
            }
        }
    }
    found
}

#[test]
fn the_documented_token_and_schema_commands_run() {
    let commands = documented_commands();
    assert!(
        commands
            .iter()
            .any(|(_, a)| a.contains(&"staff-japan-sato".to_owned())),
        "the README shows how to mint the walkthrough's staff token: {commands:?}"
    );
    assert!(
        commands.iter().any(|(_, a)| a[0] == "schema"),
        "{commands:?}"
    );
    let tokens = DevTokens::new(DEV_JWT_SECRET.as_bytes(), "glocal-dev", "glocal");
    let demo = glocal_requests::demo::demo_callers();
    for (file, args) in commands {
        let out = glocal().args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{file}: glocal {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        if args[0] == "schema" {
            let documented = std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/docs/schema.graphql"
            ))
            .unwrap();
            assert_eq!(
                stdout, documented,
                "glocal schema prints docs/schema.graphql"
            );
            continue;
        }
        let caller = tokens.verify(stdout.trim()).unwrap();
        if caller.roles.contains(&Role::BureauStaff) {
            assert!(
                demo.iter().any(|c| c.subject == caller.subject),
                "{file}: the staff subject {} is a demo staff member",
                caller.subject
            );
        }
    }
}

struct Dev(Child);

impl Drop for Dev {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_starts_everything_with_demo_data_and_stops_on_sigterm() {
    let data_dir = std::env::temp_dir().join(format!("glocal-dev-{}", uuid::Uuid::new_v4()));
    let child = glocal()
        .args([
            "dev",
            "--listen",
            "127.0.0.1:0",
            "--portal-listen",
            "127.0.0.1:0",
            "--data-dir",
        ])
        .arg(&data_dir)
        .env("GLOCAL_LOG__FILTER", "warn")
        // README: `glocal dev` sets up its own topology whatever the configuration says: the
        // gateway's configured listen address, a service's database URL and Redis are ignored
        // (none of these could be used: a port nobody may bind, a database that does not exist,
        // a Redis that does not answer).
        .env("GLOCAL_GATEWAY__LISTEN", "192.0.2.1:1")
        .env(
            "GLOCAL_REQUESTS__DATABASE_URL",
            "postgres://nobody@127.0.0.1:1/nothing",
        )
        .env("GLOCAL_REDIS__URL", "redis://127.0.0.1:1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut dev = Dev(child);
    let stdout = dev.0.stdout.take().unwrap();

    // Read the welcome text: the GraphiQL URL and the demo tokens.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut url = None;
    let mut portal = None;
    let mut official_token = None;
    let mut expect_token = false;
    while Instant::now() < deadline && (url.is_none() || official_token.is_none()) {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(1)) else {
            continue;
        };
        if let Some(u) = line.trim().strip_prefix("Portal:") {
            portal = u.split_whitespace().next().map(str::to_owned);
        } else if let Some(u) = line.trim().strip_prefix("GraphiQL:") {
            assert!(portal.is_some(), "dev prints the portal's URL first");
            url = Some(u.trim().to_owned());
        } else if expect_token {
            official_token = Some(line.trim().to_owned());
            expect_token = false;
        } else if line.contains("local_official") && line.contains("org 11000") {
            expect_token = true;
        }
    }
    let url = url.expect("dev prints the GraphiQL URL");
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.contains("192.0.2.1"),
        "dev listens on --listen, not gateway.listen: {url}"
    );
    let token = official_token.expect("dev prints a demo token for a Seoul official");

    // The portal answers at the URL printed first, offering the demo people, in Korean.
    let portal = portal.expect("dev prints the portal's URL");
    let sign_in = reqwest::get(format!("{}sign-in", portal)).await.unwrap();
    assert_eq!(sign_in.status(), 200);
    let html = sign_in.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"ko\">") && html.contains("official-seoul"),
        "{html}"
    );

    let http = reqwest::Client::new();
    let page = http
        .get(&url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("graphiql")
    );

    let resp: serde_json::Value = http
        .post(&url)
        .bearer_auth(&token)
        .json(&serde_json::json!({ "query": "{ serviceRequests(first: 50) { totalCount edges { node { number localGovernment { code } } } } departments { code } localGovernments { code } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(resp.get("errors").is_none(), "{resp:#}");
    assert!(
        resp["data"]["departments"].as_array().unwrap().len() >= 3,
        "demo departments: {resp:#}"
    );
    assert_eq!(
        resp["data"]["localGovernments"].as_array().unwrap().len(),
        243,
        "dev loads data/local-governments.csv"
    );
    let edges = resp["data"]["serviceRequests"]["edges"].as_array().unwrap();
    assert!(!edges.is_empty(), "demo requests for Seoul: {resp:#}");
    assert!(
        edges
            .iter()
            .all(|e| e["node"]["localGovernment"]["code"] == "11000"),
        "an official sees only their own: {resp:#}"
    );

    assert!(
        data_dir.join("requests.db").exists(),
        "SQLite file under the data dir"
    );

    let pid = dev.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = dev.0.try_wait().unwrap() {
            assert!(status.success(), "dev exits cleanly on SIGTERM: {status}");
            break;
        }
        assert!(Instant::now() < deadline, "dev did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = std::fs::remove_dir_all(data_dir);
}

/// Graceful rollout: SIGTERM turns every component not-ready (the gateway's `/readyz` is
/// 503, services report NOT_SERVING) for `grpc.shutdown_delay_ms`, a request already in
/// flight at SIGTERM still completes, and the process exits cleanly within the deadline.
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_turns_not_ready_and_finishes_in_flight_requests() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let data_dir = std::env::temp_dir().join(format!("glocal-drain-{}", uuid::Uuid::new_v4()));
    let child = glocal()
        .args([
            "dev",
            "--listen",
            "127.0.0.1:0",
            "--portal-listen",
            "127.0.0.1:0",
            "--data-dir",
        ])
        .arg(&data_dir)
        .env("GLOCAL_LOG__FILTER", "warn")
        .env("GLOCAL_GRPC__SHUTDOWN_DELAY_MS", "2000")
        .env("GLOCAL_GRPC__DRAIN_TIMEOUT_MS", "5000")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut dev = Dev(child);
    let stdout = dev.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut url, mut requests_addr, mut token, mut expect_token) = (None, None, None, false);
    while Instant::now() < deadline && (url.is_none() || requests_addr.is_none() || token.is_none())
    {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(1)) else {
            continue;
        };
        if let Some(u) = line.trim().strip_prefix("GraphiQL:") {
            url = Some(u.trim().to_owned());
        } else if let Some(addr) = line.trim().strip_prefix("requests:") {
            requests_addr = addr
                .trim()
                .strip_prefix("gRPC on")
                .map(|a| a.trim().to_owned());
        } else if expect_token {
            token = Some(line.trim().to_owned());
            expect_token = false;
        } else if line.contains("local_official") && line.contains("org 11000") {
            expect_token = true;
        }
    }
    let url = url.expect("dev prints the GraphiQL URL");
    let requests_addr = requests_addr.expect("dev prints the requests service's address");
    let token = token.expect("dev prints a demo token");
    let gateway = url
        .trim_start_matches("http://")
        .trim_end_matches("/graphql")
        .to_owned();

    // A request in flight at SIGTERM: headers and half of the body sent before it.
    let body = serde_json::json!({ "query": "{ departments { code } }" }).to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut stream = tokio::net::TcpStream::connect(&gateway).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {gateway}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let pid = dev.0.id().to_string();
    let terminated = Instant::now();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    tokio::time::sleep(Duration::from_millis(400)).await;

    // Not ready: the gateway's readiness and the service's gRPC health.
    let ready = reqwest::get(format!("http://{gateway}/readyz"))
        .await
        .unwrap();
    assert_eq!(ready.status(), 503, "gateway still ready after SIGTERM");
    let channel =
        glocal_kit::grpc::channel(&format!("http://{requests_addr}"), Duration::from_secs(2))
            .unwrap();
    let serving = glocal_kit::grpc::is_serving(
        channel,
        "glocal.requests.v1.RequestsService",
        Duration::from_secs(2),
    )
    .await;
    assert!(
        matches!(serving, Ok(false)),
        "requests service must report NOT_SERVING after SIGTERM: {serving:?}"
    );

    // The in-flight request completes.
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        stream.read_to_string(&mut response),
    )
    .await
    .expect("in-flight request answered")
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"departments\""), "{response}");
    assert!(!response.contains("\"errors\""), "{response}");

    // Then it exits cleanly, after the not-ready delay and well within the drain deadline.
    loop {
        if let Some(status) = dev.0.try_wait().unwrap() {
            assert!(status.success(), "clean exit on SIGTERM: {status}");
            break;
        }
        assert!(
            terminated.elapsed() < Duration::from_secs(15),
            "did not stop within the grace period"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        terminated.elapsed() >= Duration::from_millis(2000),
        "stopped before the not-ready delay ended: {:?}",
        terminated.elapsed()
    );
    let _ = std::fs::remove_dir_all(data_dir);
}
