//! Install, upgrade and rollback as the chart runs them (ADR 0020), with the real binary on
//! real PostgreSQL: `glocal migrate` is the only writer of a schema and serialises with other
//! migrators; `glocal serve` never migrates, refuses a database behind its release, and keeps
//! serving over a newer release's schema (a `helm rollback`) with data-only credentials.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use glocal_kit::caller::DevTokens;
use glocal_kit::config::DEV_JWT_SECRET;
use glocal_kit::testing::{TestDatabase, count_rows, postgres_admin_url};
use glocal_kit::{Caller, Role};
use sea_orm::{ConnectionTrait, Database};

use super::glocal;

const SERVICES: [&str; 5] = ["requests", "training", "events", "research", "notifier"];

/// A child process killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Three `glocal migrate` processes at once on five empty databases (what `kubectl apply -k`
/// does with a Job per replica, or several operators at once): every one exits 0, and each
/// database holds every migration exactly once. Without the advisory lock two of three fail
/// on a duplicate type or table.
#[tokio::test(flavor = "multi_thread")]
async fn three_concurrent_migrators_on_empty_databases_all_succeed() {
    let mut databases = Vec::new();
    for _ in SERVICES {
        databases.push(TestDatabase::postgres().await);
    }
    let migrators: Vec<Child> = (0..3)
        .map(|_| {
            let mut cmd = glocal();
            cmd.arg("migrate").env("GLOCAL_LOG__FILTER", "warn");
            for (service, db) in SERVICES.iter().zip(&databases) {
                cmd.env(
                    format!("GLOCAL_{}__DATABASE_URL", service.to_uppercase()),
                    &db.url,
                );
            }
            cmd.stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for migrator in migrators {
        let out = migrator.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a concurrent `glocal migrate` failed ({:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for (service, db) in SERVICES.iter().zip(&databases) {
        let table = format!("{service}_migrations");
        let conn = Database::connect(&db.url).await.unwrap();
        let rows = count_rows(&conn, &table).await;
        let distinct: i64 = conn
            .query_one_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                format!("SELECT COUNT(DISTINCT version) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "n")
            .unwrap();
        assert!(rows >= 2, "{service}: {rows} migrations");
        assert_eq!(rows, distinct, "a migration recorded twice");
        let _ = conn.close().await;
    }
}

/// `glocal serve` over a database the migration Job has not migrated exits 75 naming the
/// command to run, and creates nothing.
#[tokio::test(flavor = "multi_thread")]
async fn serve_refuses_a_database_behind_its_release_without_migrating_it() {
    let db = TestDatabase::postgres().await;
    let out = glocal()
        .args(["serve", "requests"])
        .env("GLOCAL_LOG__FILTER", "off")
        .env("GLOCAL_REQUESTS__DATABASE_URL", &db.url)
        .env(
            "GLOCAL_REQUESTS__LISTEN",
            format!("127.0.0.1:{}", free_port()),
        )
        .env("GLOCAL_METRICS__ENABLED", "false")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(75), "{stderr}");
    assert!(stderr.contains("glocal migrate requests"), "{stderr}");
    let conn = Database::connect(&db.url).await.unwrap();
    let tables: i64 = conn
        .query_one_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = 'public'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap();
    assert_eq!(tables, 0, "serve created tables");
    let _ = conn.close().await;
}

/// A rollback: the next release's migration job has run (an extra applied migration this
/// binary does not know, with the expand step it made: a new nullable column), and this
/// release's `glocal serve requests` runs over it with a role that has data rights only (no
/// CREATE on schema public). It becomes SERVING and answers real calls (the gateway's
/// `departments` query reads through it over gRPC).
#[tokio::test(flavor = "multi_thread")]
async fn an_older_release_serves_a_newer_schema_with_data_only_credentials() {
    let db = TestDatabase::postgres().await;
    let migrated = glocal()
        .args(["migrate", "requests"])
        .env("GLOCAL_LOG__FILTER", "warn")
        .env("GLOCAL_REQUESTS__MIGRATION_DATABASE_URL", &db.url)
        // The data URL is not what migrate uses when a migration URL is set.
        .env(
            "GLOCAL_REQUESTS__DATABASE_URL",
            "postgres://nobody@127.0.0.1:1/nothing",
        )
        .output()
        .unwrap();
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let owner = Database::connect(&db.url).await.unwrap();
    glocal_requests::demo::seed_directory(&owner).await.unwrap();

    // The next release: expand (a nullable column) and its migration row.
    for sql in [
        "ALTER TABLE outbox ADD COLUMN next_release_note text NULL",
        "INSERT INTO requests_migrations (version, applied_at) VALUES ('m20270101_000002_next_release', 1798761600)",
    ] {
        owner.execute_unprepared(sql).await.unwrap();
    }

    // A role with data rights only.
    let role = format!("glocal_test_role_{}", uuid::Uuid::new_v4().simple());
    let database = db.url.rsplit('/').next().unwrap().to_owned();
    let admin = Database::connect(&postgres_admin_url()).await.unwrap();
    admin
        .execute_unprepared(&format!("CREATE ROLE {role} LOGIN PASSWORD 'data-only'"))
        .await
        .unwrap();
    for sql in [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC".to_owned(),
        format!("GRANT CONNECT ON DATABASE \"{database}\" TO {role}"),
        format!("GRANT USAGE ON SCHEMA public TO {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"),
    ] {
        owner.execute_unprepared(&sql).await.unwrap();
    }
    let data_url = {
        let admin_url = postgres_admin_url();
        let (scheme, rest) = admin_url.split_once("://").unwrap();
        let host = rest.split_once('@').map_or(rest, |(_, h)| h);
        let host = host.split_once('/').map_or(host, |(h, _)| h);
        format!("{scheme}://{role}:data-only@{host}/{database}")
    };
    let data = Database::connect(&data_url).await.unwrap();
    assert!(
        data.execute_unprepared("CREATE TABLE intruder (x int)")
            .await
            .is_err(),
        "the data role must not be able to create tables"
    );
    let _ = data.close().await;

    let port = free_port();
    let service = Running(
        glocal()
            .args(["serve", "requests"])
            .env("GLOCAL_LOG__FILTER", "warn")
            .env("GLOCAL_REQUESTS__DATABASE_URL", &data_url)
            .env("GLOCAL_REQUESTS__LISTEN", format!("127.0.0.1:{port}"))
            .env("GLOCAL_METRICS__ENABLED", "false")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let url = format!("http://127.0.0.1:{port}");
    let until = Instant::now() + Duration::from_secs(30);
    let mut service = service;
    loop {
        if let Some(status) = service.0.try_wait().unwrap() {
            panic!("glocal serve requests exited over the newer schema: {status}");
        }
        let channel = glocal_kit::grpc::channel(&url, Duration::from_secs(1)).unwrap();
        if let Ok(true) = glocal_kit::grpc::is_serving(
            channel,
            glocal_requests::SERVICE_NAME,
            Duration::from_secs(1),
        )
        .await
        {
            break;
        }
        assert!(Instant::now() < until, "requests never became SERVING");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A real call through the gateway, over gRPC, to the old release's process.
    let mut settings = glocal_kit::Settings::default();
    settings.gateway.requests_url = url;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gateway = format!("http://{}/graphql", listener.local_addr().unwrap());
    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let served = {
        let settings = settings.clone();
        tokio::spawn(async move { glocal_gateway::run(&settings, listener, shutdown).await })
    };
    let token = DevTokens::new(DEV_JWT_SECRET.as_bytes(), "glocal-dev", "glocal").mint(
        &Caller::new("rollback-test", "", "11000", vec![Role::LocalOfficial]),
        Duration::from_secs(600),
    );
    let body: serde_json::Value = reqwest::Client::new()
        .post(&gateway)
        .bearer_auth(token)
        .json(&serde_json::json!({ "query": "{ departments { code } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    let departments = body["data"]["departments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!departments.is_empty(), "{body}");
    trigger.trigger();
    let _ = served.await;
    drop(service);

    let _ = owner
        .execute_unprepared(&format!("DROP OWNED BY {role}"))
        .await;
    let _ = owner.close().await;
    let _ = admin
        .execute_unprepared(&format!("DROP ROLE IF EXISTS {role}"))
        .await;
    let _ = admin.close().await;
}

/// A Redis URL the outbox relay cannot use (a scheme no Redis client supports) keeps the
/// service from ever serving: it exits 64 naming the
/// relay instead of reporting SERVING while change events pile up.
#[tokio::test(flavor = "multi_thread")]
async fn a_service_whose_outbox_relay_cannot_start_never_serves() {
    let db = TestDatabase::postgres().await;
    let migrated = glocal()
        .args(["migrate", "training"])
        .env("GLOCAL_LOG__FILTER", "off")
        .env("GLOCAL_TRAINING__DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(migrated.status.success());
    let out = glocal()
        .args(["serve", "training"])
        .env("GLOCAL_LOG__FILTER", "off")
        .env("GLOCAL_TRAINING__DATABASE_URL", &db.url)
        .env(
            "GLOCAL_TRAINING__LISTEN",
            format!("127.0.0.1:{}", free_port()),
        )
        .env("GLOCAL_METRICS__ENABLED", "false")
        .env("GLOCAL_REDIS__URL", "unix-but-not-really://127.0.0.1:1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(64), "{stderr}");
    assert!(stderr.contains("outbox relay cannot start"), "{stderr}");
}
