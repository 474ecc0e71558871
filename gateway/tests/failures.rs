//! Failure behaviour over real HTTP with the real requests service (on its own PostgreSQL
//! database): when Redis is down or silent, reads go to the services, writes succeed and
//! the gateway stays ready; when a service is down or stopped, only its fields fail with
//! UNAVAILABLE and the rest of the response arrives; when a service's database is
//! unreachable, the service reports NOT_SERVING, fails calls at once with UNAVAILABLE, and
//! `/readyz` names the database.

mod support;

use std::time::Duration;

use glocal_kit::Settings;
use glocal_kit::caller::DevTokens;
use glocal_kit::config::Secret;
use glocal_kit::shutdown::ShutdownTrigger;
use glocal_kit::testing::TestDatabase;
use serde_json::json;
use support::{Gateway, closed_url, post, query, serve};

/// The real requests service with the directory loaded, until dropped.
struct Requests {
    url: String,
    stop: ShutdownTrigger,
    _db: TestDatabase,
}

async fn requests_service() -> Requests {
    requests_service_via(|url| url.to_owned()).await
}

/// [`requests_service`], connecting to its database through the URL `route` makes of the
/// real one (e.g. through a proxy that can be cut).
async fn requests_service_via(route: impl FnOnce(&str) -> String) -> Requests {
    let database = TestDatabase::postgres().await;
    let db = glocal_kit::db::connect(&route(&database.url))
        .await
        .unwrap();
    glocal_requests::migrate(&db).await.unwrap();
    glocal_requests::demo::seed_directory(&db).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, shutdown) = glocal_kit::shutdown::channel();
    let mut settings = Settings::default();
    settings.grpc.drain_timeout_ms = 500;
    tokio::spawn(async move {
        let _ = glocal_requests::serve(db, &settings, listener, shutdown).await;
    });
    Requests {
        url,
        stop,
        _db: database,
    }
}

fn official_token() -> String {
    let s = Settings::default();
    let seoul = glocal_requests::demo::demo_callers()
        .into_iter()
        .find(|c| c.subject == "official-seoul")
        .unwrap();
    DevTokens::new(
        s.auth.jwt_secret.expose().as_bytes(),
        &s.auth.issuer,
        &s.auth.audience,
    )
    .mint(&seoul, Duration::from_secs(300))
}

/// A Redis URL whose server accepts connections and never answers.
async fn silent_redis() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    url
}

/// A TCP proxy to the test Redis that can be cut, as if Redis went away (the machine's
/// Redis itself keeps running for the other tests).
struct RedisProxy {
    url: String,
    cut: tokio::sync::watch::Sender<bool>,
}

async fn redis_proxy() -> RedisProxy {
    let real = glocal_kit::testing::redis_url();
    let target = real
        .trim_start_matches("redis://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}", listener.local_addr().unwrap());
    let (cut, watch) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let mut stop = watch.clone();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((mut client, _)) = accepted else { return };
                    let (target, mut stop) = (target.clone(), watch.clone());
                    tokio::spawn(async move {
                        let Ok(mut server) = tokio::net::TcpStream::connect(&target).await else {
                            return;
                        };
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = stop.wait_for(|cut| *cut) => {}
                        }
                    });
                }
                _ = stop.wait_for(|cut| *cut) => return,
            }
        }
    });
    RedisProxy { url, cut }
}

/// A TCP proxy to `target` (`host:port`) that can be cut (every connection closed, new
/// ones closed at once: the database went away) and restored.
struct CuttableProxy {
    addr: std::net::SocketAddr,
    cut: tokio::sync::watch::Sender<bool>,
}

fn cuttable_proxy(target: String) -> CuttableProxy {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    let (cut, watch) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let (target, mut stop) = (target.clone(), watch.clone());
            if *stop.borrow() {
                continue;
            }
            tokio::spawn(async move {
                let Ok(mut server) = tokio::net::TcpStream::connect(&target).await else {
                    return;
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                    _ = stop.wait_for(|cut| *cut) => {}
                }
            });
        }
    });
    CuttableProxy { addr, cut }
}

async fn gateway(requests: &Requests, redis_url: String) -> Gateway {
    let mut settings = support::settings(&closed_url().await);
    settings.gateway.requests_url = requests.url.clone();
    settings.redis.url = Secret::new(redis_url);
    settings.redis.key_prefix = glocal_kit::testing::redis_prefix();
    serve(settings).await
}

/// A write, then reads of what it wrote and of the cached directory, as the Seoul official;
/// none may fail.
async fn write_and_read(gateway: &Gateway, case: &str) {
    let token = official_token();
    let r = post(
        &gateway.graphql(),
        &json!({ "query": SUBMIT, "variables": { "key": uuid::Uuid::new_v4().to_string() } }),
        Some(&token),
    )
    .await;
    assert!(r.body.get("errors").is_none(), "{case}: {}", r.body);
    let id = r.body["data"]["submitServiceRequest"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = format!(
        r#"{{ serviceRequest(id: "{id}") {{ id localGovernment {{ code name(lang: EN) }} }} localGovernments {{ code }} }}"#
    );
    for _ in 0..2 {
        let r = query(gateway, &read, Some(&token)).await;
        assert!(r.body.get("errors").is_none(), "{case}: {}", r.body);
        assert_eq!(
            r.body["data"]["serviceRequest"]["id"],
            id.as_str(),
            "{case}: {}",
            r.body
        );
        assert_eq!(
            r.body["data"]["serviceRequest"]["localGovernment"]["code"],
            "11000"
        );
        let codes = r.body["data"]["localGovernments"].as_array().unwrap();
        assert!(codes.iter().any(|c| c["code"] == "11000"), "{case}");
    }
}

async fn assert_ready(gateway: &Gateway, case: &str) {
    let ready = support::reply(
        support::client()
            .get(format!("{}/readyz", gateway.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ready.status, 200, "{case}: {}", ready.body);
    assert_eq!(ready.body["services"]["requests"], "SERVING", "{case}");
}

const SUBMIT: &str = r#"mutation($key: String!) { submitServiceRequest(input: {
    idempotencyKey: $key, type: GENERAL_INQUIRY, title: "Sister-city contacts",
    description: "Who handles sister-city affairs in Osaka?",
    details: { generalInquiry: { topic: "sister cities" } } }) { id state } }"#;

#[tokio::test]
async fn without_redis_reads_and_writes_work_and_the_gateway_stays_ready() {
    let requests = requests_service().await;
    let down = closed_url().await.replace("http://", "redis://");
    for (case, redis_url) in [("Redis down", down), ("Redis silent", silent_redis().await)] {
        let gateway = gateway(&requests, redis_url).await;
        assert_ready(&gateway, case).await;
        write_and_read(&gateway, case).await;
    }
}

// Every cache command has a deadline (`glocal_kit::cache::DEFAULT_DEADLINE`), so while the
// connection manager reconnects a request only waits for the deadline, never for Redis.
#[tokio::test]
async fn redis_going_away_while_running_changes_nothing_visible() {
    let requests = requests_service().await;
    let proxy = redis_proxy().await;
    let gateway = gateway(&requests, proxy.url.clone()).await;
    write_and_read(&gateway, "Redis up").await;

    proxy.cut.send(true).unwrap();
    let started = std::time::Instant::now();
    assert_ready(&gateway, "Redis gone").await;
    write_and_read(&gateway, "Redis gone").await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_service_down_fails_only_its_own_fields() {
    let requests = requests_service().await;
    let gateway = gateway(&requests, String::new()).await;
    let token = official_token();

    // Research (and every other service but requests) is unreachable.
    let r = query(
        &gateway,
        "{ localGovernments { code } practices(first: 1) { totalCount } me { subject } }",
        Some(&token),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["data"]["localGovernments"].as_array().unwrap().len() > 1);
    assert_eq!(r.body["data"]["me"]["subject"], "official-seoul");
    assert_eq!(r.body["data"]["practices"], serde_json::Value::Null);
    assert_eq!(r.codes(), ["UNAVAILABLE"], "{}", r.body);
    assert_eq!(r.body["errors"][0]["path"], json!(["practices"]));

    // Now the requests service stops too: its fields fail, the gateway still answers.
    requests.stop.trigger();
    tokio::time::sleep(Duration::from_millis(700)).await;
    let r = query(
        &gateway,
        "{ localGovernments { code } me { subject } }",
        Some(&token),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["data"]["me"]["subject"], "official-seoul");
    assert_eq!(r.body["data"]["localGovernments"], serde_json::Value::Null);
    assert_eq!(r.codes(), ["UNAVAILABLE"], "{}", r.body);
    let ready = support::client()
        .get(format!("{}/readyz", gateway.url))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
}

/// The health `service` of the server at `url` reports.
async fn health(url: &str, service: &str) -> i32 {
    let channel = glocal_kit::grpc::channel(url, Duration::from_secs(2)).unwrap();
    let mut client = tonic_health::pb::health_client::HealthClient::new(channel);
    client
        .check(tonic_health::pb::HealthCheckRequest {
            service: service.to_owned(),
        })
        .await
        .map_or(-1, |r| r.into_inner().status)
}

/// Polls `check` every 100 ms for up to `within`; true once it holds.
async fn eventually<F: std::future::Future<Output = bool>>(
    within: Duration,
    mut check: impl FnMut() -> F,
) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < within {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn a_service_without_its_database_is_not_serving_and_fails_fast() {
    use tonic_health::pb::health_check_response::ServingStatus;
    let mut proxy = None;
    let requests = requests_service_via(|url| {
        // postgres://user@host:port/db → the same through a proxy on another port.
        let (scheme_user, rest) = url.split_once('@').unwrap();
        let (host_port, db) = rest.split_once('/').unwrap();
        let p = cuttable_proxy(host_port.to_owned());
        let routed = format!("{scheme_user}@{}/{db}", p.addr);
        proxy = Some(p);
        routed
    })
    .await;
    let proxy = proxy.unwrap();
    let gateway = gateway(&requests, String::new()).await;
    let token = official_token();
    let name = glocal_requests::SERVICE_NAME;
    assert_eq!(
        health(&requests.url, name).await,
        ServingStatus::Serving as i32
    );
    let r = query(&gateway, "{ localGovernments { code } }", Some(&token)).await;
    assert!(r.body.get("errors").is_none(), "{}", r.body);

    // The database goes away: within a few seconds the service says so.
    proxy.cut.send(true).unwrap();
    let url = requests.url.clone();
    assert!(
        eventually(Duration::from_secs(5), || {
            let url = url.clone();
            async move { health(&url, name).await == ServingStatus::NotServing as i32 }
        })
        .await,
        "the service never reported NOT_SERVING"
    );
    assert_eq!(
        health(&requests.url, glocal_kit::grpc::DATABASE_HEALTH).await,
        ServingStatus::NotServing as i32
    );
    // Calls fail at once with UNAVAILABLE and a retry hint, not after the 5 s deadline.
    let started = std::time::Instant::now();
    let r = query(
        &gateway,
        "{ localGovernments { code } me { subject } }",
        Some(&token),
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.codes(), ["UNAVAILABLE"], "{}", r.body);
    assert_eq!(
        r.body["errors"][0]["extensions"]["retryAfterMs"], 1000,
        "{}",
        r.body
    );
    assert_eq!(r.body["data"]["me"]["subject"], "official-seoul");
    // `/readyz` names the dependency that is down.
    let ready = support::reply(
        support::client()
            .get(format!("{}/readyz", gateway.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(
        ready.body["services"]["requests"], "NOT_SERVING",
        "{}",
        ready.body
    );
    assert_eq!(
        ready.body["databases"]["requests"], "NOT_SERVING",
        "{}",
        ready.body
    );
    let down = ready.body["down"].as_array().unwrap();
    assert!(down.contains(&json!("requests.database")), "{}", ready.body);

    // The database comes back: so does the service.
    proxy.cut.send(false).unwrap();
    assert!(
        eventually(Duration::from_secs(8), || {
            let url = url.clone();
            async move { health(&url, name).await == ServingStatus::Serving as i32 }
        })
        .await,
        "the service never reported SERVING again"
    );
    assert!(
        eventually(Duration::from_secs(8), || async {
            let r = query(&gateway, "{ localGovernments { code } }", Some(&token)).await;
            r.body.get("errors").is_none()
        })
        .await,
        "calls never succeeded again"
    );
}
