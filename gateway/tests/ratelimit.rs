//! Rate limiting per caller over real HTTP against the real Redis (a key prefix per test):
//! 429 with `Retry-After` over the limit, separate counts per subject and per client IP,
//! a new window after the old one ends, and requests passing when Redis is down.

mod support;

use std::time::{Duration, Instant};

use glocal_kit::Settings;
use glocal_kit::caller::{Caller, DevTokens, Role};
use glocal_kit::config::Secret;
use support::{Gateway, Reply, closed_url, query, serve};

const Q: &str = "{ me { subject } }";

fn token(subject: &str) -> String {
    let s = Settings::default();
    DevTokens::new(
        s.auth.jwt_secret.expose().as_bytes(),
        &s.auth.issuer,
        &s.auth.audience,
    )
    .mint(
        &Caller::new(subject, "Kim", "11000", [Role::LocalOfficial]),
        Duration::from_secs(300),
    )
}

async fn limited(redis_url: String, window_ms: u64) -> (Gateway, String) {
    let prefix = glocal_kit::testing::redis_prefix();
    let mut settings = support::settings(&closed_url().await);
    settings.redis.url = Secret::new(redis_url);
    settings.redis.key_prefix = prefix.clone();
    settings.gateway.rate_limit_requests = 3;
    settings.gateway.rate_limit_anonymous_requests = 2;
    settings.gateway.rate_limit_window_ms = window_ms;
    settings.gateway.client_ip_header = "x-forwarded-for".into();
    (serve(settings).await, prefix)
}

fn assert_limited(r: &Reply, window_secs: u64) {
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.codes(), ["UNAVAILABLE"]);
    let retry_after: u64 = r
        .header("retry-after")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=window_secs).contains(&retry_after), "{retry_after}");
}

async fn anonymous(gateway: &Gateway, ip: &str) -> Reply {
    support::reply(
        support::client()
            .post(gateway.graphql())
            .header("x-forwarded-for", format!("198.51.100.1, {ip}"))
            .json(&serde_json::json!({ "query": Q }))
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn each_caller_has_its_own_limit_in_redis() {
    let (gateway, prefix) = limited(glocal_kit::testing::redis_url(), 60_000).await;
    let (kim, lee) = (token("u-kim"), token("u-lee"));
    for _ in 0..3 {
        let r = query(&gateway, Q, Some(&kim)).await;
        assert_eq!(r.body["data"]["me"]["subject"], "u-kim", "{}", r.body);
    }
    assert_limited(&query(&gateway, Q, Some(&kim)).await, 60);
    // Another subject is counted on its own.
    let r = query(&gateway, Q, Some(&lee)).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Anonymous callers are counted by IP (the proxy's last X-Forwarded-For entry).
    for _ in 0..2 {
        assert_eq!(anonymous(&gateway, "203.0.113.7").await.status, 200);
    }
    assert_limited(&anonymous(&gateway, "203.0.113.7").await, 60);
    assert_eq!(anonymous(&gateway, "203.0.113.8").await.status, 200);

    // The counters live in Redis under the configured prefix, with the window's expiry.
    let client = redis::Client::open(glocal_kit::testing::redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let key = format!("{prefix}gateway:ratelimit:sub:u-kim");
    let count: u64 = redis::cmd("GET")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(count, 4);
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(ttl > 0 && ttl <= 60_000, "{ttl}");
    let ip_key = format!("{prefix}gateway:ratelimit:ip:203.0.113.7");
    let exists: bool = redis::cmd("EXISTS")
        .arg(&ip_key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(exists);
    let _: () = redis::cmd("DEL")
        .arg(&key)
        .arg(&ip_key)
        .arg(format!("{prefix}gateway:ratelimit:sub:u-lee"))
        .arg(format!("{prefix}gateway:ratelimit:ip:203.0.113.8"))
        .query_async(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_new_window_starts_when_the_old_one_ends() {
    let (gateway, _) = limited(glocal_kit::testing::redis_url(), 700).await;
    let kim = token("u-kim");
    for _ in 0..3 {
        assert_eq!(query(&gateway, Q, Some(&kim)).await.status, 200);
    }
    assert_limited(&query(&gateway, Q, Some(&kim)).await, 1);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(query(&gateway, Q, Some(&kim)).await.status, 200);
}

#[tokio::test]
async fn requests_pass_when_redis_is_down() {
    // Nothing listens there.
    let closed = closed_url().await.replace("http://", "redis://");
    let (gateway, _) = limited(closed, 60_000).await;
    let kim = token("u-kim");
    let started = Instant::now();
    for _ in 0..6 {
        let r = query(&gateway, Q, Some(&kim)).await;
        assert_eq!(r.body["data"]["me"]["subject"], "u-kim", "{}", r.body);
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // A Redis that accepts connections and never answers: requests still pass, each
    // waiting at most the limiter's short deadline.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let (gateway, _) = limited(url, 60_000).await;
    let started = Instant::now();
    for _ in 0..6 {
        let r = query(&gateway, Q, Some(&kim)).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
