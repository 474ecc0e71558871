//! Automatic persisted queries over real HTTP, GET and POST: an unknown hash asks for the
//! query (`PERSISTED_QUERY_NOT_FOUND`), a query with its hash is stored and run, a wrong
//! hash is 400; stored in Redis (shared by replicas) or in-process.

mod support;

use glocal_gateway::apq::sha256_hex;
use glocal_kit::config::Secret;
use serde_json::{Value, json};
use support::{Gateway, Reply, closed_url, post, serve};

const QUERY: &str = "query Probe { __typename }";

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn get(gateway: &Gateway, params: &[(&str, String)]) -> Reply {
    support::reply(
        support::client()
            .get(gateway.graphql())
            .query(params)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn redis_gateway(prefix: &str) -> Gateway {
    let mut settings = support::settings(&closed_url().await);
    settings.redis.url = Secret::new(glocal_kit::testing::redis_url());
    settings.redis.key_prefix = prefix.to_owned();
    serve(settings).await
}

/// The protocol as Apollo clients run it, against `gateway`, for `query` named `name`.
async fn round_trip(gateway: &Gateway, query: &str, name: &str) {
    let hash = sha256_hex(query);
    // 1. The hash alone: not known yet.
    let r = post(
        &gateway.graphql(),
        &json!({ "extensions": persisted(&hash) }),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.codes(), ["PERSISTED_QUERY_NOT_FOUND"]);
    assert_eq!(r.body["errors"][0]["message"], "PersistedQueryNotFound");
    assert!(r.body.get("data").is_none());
    // 2. The query with its hash: stored and run.
    let r = post(
        &gateway.graphql(),
        &json!({ "query": query, "extensions": persisted(&hash) }),
        None,
    )
    .await;
    assert_eq!(r.body["data"]["__typename"], "Query", "{}", r.body);
    // 3. The hash alone now runs the query, over POST and GET.
    let r = post(
        &gateway.graphql(),
        &json!({ "extensions": persisted(&hash) }),
        None,
    )
    .await;
    assert_eq!(r.body["data"]["__typename"], "Query", "{}", r.body);
    let r = get(
        gateway,
        &[
            ("extensions", persisted(&hash).to_string()),
            ("operationName", name.to_owned()),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["data"]["__typename"], "Query", "{}", r.body);
}

#[tokio::test]
async fn persisted_queries_in_process() {
    let gateway = serve(support::settings(&closed_url().await)).await;
    round_trip(&gateway, QUERY, "Probe").await;
}

#[tokio::test]
async fn persisted_queries_in_redis_are_shared_by_replicas() {
    let prefix = glocal_kit::testing::redis_prefix();
    let (one, two) = (redis_gateway(&prefix).await, redis_gateway(&prefix).await);
    let query = "query Shared { __typename me { subject } }";
    round_trip(&one, query, "Shared").await;
    let hash = sha256_hex(query);
    // Registered through one replica, known to the other.
    let r = get(&two, &[("extensions", persisted(&hash).to_string())]).await;
    assert_eq!(r.body["data"]["__typename"], "Query", "{}", r.body);
    // Stored under the deployment's prefix.
    let client = redis::Client::open(glocal_kit::testing::redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let key = format!("{prefix}gateway:apq:{hash}");
    let stored: Option<String> = redis::cmd("GET")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some(query));
    let ttl: i64 = redis::cmd("TTL")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(ttl > 0 && ttl <= 86_400, "{ttl}");
    let _: () = redis::cmd("DEL")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn wrong_hashes_and_versions_are_400() {
    let gateway = serve(support::settings(&closed_url().await)).await;
    let wrong = sha256_hex("{ somethingElse }");
    let r = post(
        &gateway.graphql(),
        &json!({ "query": QUERY, "extensions": persisted(&wrong) }),
        None,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.codes(), ["BAD_USER_INPUT"]);
    // The mismatched query was not stored under the wrong hash.
    let r = post(
        &gateway.graphql(),
        &json!({ "extensions": persisted(&wrong) }),
        None,
    )
    .await;
    assert_eq!(r.codes(), ["PERSISTED_QUERY_NOT_FOUND"]);

    for extensions in [
        json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256_hex(QUERY) } }),
        json!({ "persistedQuery": { "version": 1, "sha256Hash": "not-hex" } }),
        json!({ "persistedQuery": "nonsense" }),
    ] {
        let r = post(
            &gateway.graphql(),
            &json!({ "extensions": extensions }),
            None,
        )
        .await;
        assert_eq!(r.status, 400, "{extensions}: {}", r.body);
        assert_eq!(r.codes(), ["BAD_USER_INPUT"]);
    }
}

#[tokio::test]
async fn a_persisted_mutation_is_still_post_only() {
    let gateway = serve(support::settings(&closed_url().await)).await;
    let mutation = r#"mutation { deleteRoutingRule(id: "1") }"#;
    let hash = sha256_hex(mutation);
    let r = post(
        &gateway.graphql(),
        &json!({ "query": mutation, "extensions": persisted(&hash) }),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = get(&gateway, &[("extensions", persisted(&hash).to_string())]).await;
    assert_eq!(r.status, 405, "{}", r.body);
    assert_eq!(r.header("allow"), "POST");
}
