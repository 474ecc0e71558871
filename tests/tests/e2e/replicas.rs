//! Several gateway replicas over one Redis and the same services: a subscription sees a
//! change made through another replica; a replica started while Redis is down joins the
//! shared tier (persisted queries, entities) when Redis appears; a cold start after every
//! replica was down applies the changes published meanwhile, and a gap it cannot bridge (a
//! trimmed stream) drops the shared entities instead of serving them stale; SIGTERM
//! completes every subscription and closes each WebSocket with 1001 before the process
//! exits; and change events survive a Redis restart (append-only file) for a consumer
//! that was down meanwhile.

use std::time::Duration;

use glocal_e2e::{Stack, spawn_stack, spawn_stack_with};
use glocal_kit::config::Secret;
use glocal_kit::testing::RedisServer;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::subscriptions::{Client, Closed, UPDATED};
use crate::support::{act, assignee_token, submit};

const CREATE: &str =
    "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }";

const ADD_CONTACT: &str = "mutation($i: AddContactInput!) { addContact(input: $i) {
    id contacts { name } } }";

const READ: &str = "query($id: ID!) { organisation(id: $id) { id contacts { name } } }";

/// The contact names of organisation `id` as the public reads it through `base_url`.
async fn contacts(stack: &Stack, base_url: &str, id: &str) -> Vec<String> {
    let read = stack
        .gql_at(base_url, None, READ, json!({ "id": id }))
        .await;
    read.data()["organisation"]["contacts"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|c| c["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until every outbox row of the research service has been relayed.
async fn research_relayed(stack: &Stack) {
    for _ in 0..200 {
        let (unpublished, _) = glocal_kit::metrics::outbox_lag(&stack.research_db)
            .await
            .expect("outbox lag");
        if unpublished == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the research outbox was not relayed");
}

/// A public organisation with one contact (Sato), created through the stack's gateway,
/// read until the shared cache holds its public view; answers its id.
async fn cached_organisation(stack: &Stack, key: &str) -> String {
    let staff = stack.staff("staff-network");
    let input = json!({
        "idempotencyKey": key, "kind": "FOREIGN_LOCAL_GOVERNMENT",
        "name": { "en": format!("City of {key}") }, "originalLanguage": "EN",
        "country": "JP", "public": true,
        "contacts": [{ "name": "Sato" }]
    });
    let made = stack.gql(Some(&staff), CREATE, json!({ "i": input })).await;
    let id = made.data()["createOrganisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    research_relayed(stack).await;
    // Let the creation's event reach the gateway, then fill the shared cache.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(contacts(stack, &stack.base_url, &id).await, ["Sato"]);
    assert_eq!(contacts(stack, &stack.base_url, &id).await, ["Sato"]);
    id
}

/// Adds contact Tanaka to `id` through a replica that cannot reach Redis (so no replica
/// reads the change event), waits until the event is in the stream, and stops that
/// replica.
async fn change_while_no_replica_reads(stack: &Stack, id: &str) {
    let unreachable = RedisServer::new(false);
    let writer = stack
        .start_replica_with(|s| s.redis.url = Secret::new(unreachable.url()))
        .await;
    let staff = stack.staff("staff-network");
    let added = stack
        .gql_at(
            &writer.base_url,
            Some(&staff),
            ADD_CONTACT,
            json!({ "i": { "organisationId": id, "contact": { "name": "Tanaka" } } }),
        )
        .await;
    assert_eq!(
        added.data()["addContact"]["contacts"],
        json!([{ "name": "Sato" }, { "name": "Tanaka" }])
    );
    research_relayed(stack).await;
    writer.stop().await;
}

#[tokio::test]
async fn a_subscription_on_one_replica_sees_a_change_made_through_another() {
    let stack = spawn_stack().await;
    let replica = stack.start_replica().await;
    let seoul = stack.official("official-seoul", "11000");
    let submitted = submit(&stack, &seoul, "k-replicas").await;
    let r = submitted.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap().to_owned();
    let staff = assignee_token(&stack, &r).await;

    let mut requester = Client::connect_to(
        &replica.base_url,
        json!({ "Authorization": format!("Bearer {seoul}") }),
    )
    .await
    .expect("connection accepted");
    requester.subscribe("1", UPDATED, json!({ "id": id })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The change goes through the stack's own gateway, the other replica.
    let mid = act(
        &stack,
        &staff,
        "sendMidResponse",
        json!({ "id": id, "version": r["version"], "body": "Booked.",
            "expectedCompletionAt": "2030-12-01T09:00:00Z" }),
    )
    .await;
    assert_eq!(mid.data()["sendMidResponse"]["state"], "MID_RESPONDED");
    requester
        .until("1", |p| {
            p["data"]["serviceRequestUpdated"]["state"] == "MID_RESPONDED"
        })
        .await;
}

#[tokio::test]
async fn a_replica_started_without_redis_joins_the_shared_tier_when_redis_appears() {
    const QUERY: &str = "query Mine { __typename }";
    let mut redis = RedisServer::started(true);
    let url = redis.url();
    let stack = spawn_stack_with(move |s| s.redis.url = Secret::new(url)).await;

    redis.stop();
    let started = std::time::Instant::now();
    let late = stack.start_replica().await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "start-up does not wait for Redis: {:?}",
        started.elapsed()
    );
    assert_eq!(late.readyz().await["cache"], "local");
    let metrics = stack
        .http()
        .get(format!("{}/metrics", late.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("cache_tier{tier=\"local\"}"), "{metrics}");

    redis.start();
    assert!(
        late.wait_for_tier("shared", Duration::from_secs(15)).await,
        "the late replica joins the shared tier: {}",
        late.readyz().await
    );

    // A query persisted on one replica runs by its hash on the other, both ways.
    let persisted = |hash: &str| json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let hash = sha256_hex(QUERY);
    let register = |base: String| {
        let body = json!({ "query": QUERY, "extensions": persisted(&hash) });
        let http = stack.http().clone();
        async move {
            http.post(format!("{base}/graphql"))
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let by_hash = |base: String, hash: String| {
        let body = json!({ "extensions": persisted(&hash) });
        let http = stack.http().clone();
        async move {
            let answer: Value = http
                .post(format!("{base}/graphql"))
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            answer
        }
    };
    // (The first command after Redis came back may fail on a connection Redis closed and
    // count as a miss: clients resend the query after PERSISTED_QUERY_NOT_FOUND, as here.)
    let mut last = Value::Null;
    for _ in 0..20 {
        assert!(register(late.base_url.clone()).await.status().is_success());
        last = by_hash(stack.base_url.clone(), hash.clone()).await;
        if last["data"]["__typename"] == "Query" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ready: Value = stack
        .http()
        .get(format!("{}/readyz", stack.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        last["data"]["__typename"] == "Query",
        "a query persisted on the late replica runs on the other: {last:#} {ready:#} {:#}",
        late.readyz().await
    );

    let other = sha256_hex("query Theirs { __typename }");
    let mut crossed = false;
    for _ in 0..20 {
        assert!(register_on(stack.http(), &stack.base_url, "query Theirs { __typename }").await);
        let answer = by_hash(late.base_url.clone(), other.clone()).await;
        if answer["data"]["__typename"] == "Query" {
            crossed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        crossed,
        "a query persisted on the other replica runs on the late one"
    );
}

/// Sends `query` with its hash to `base_url`; true when it ran.
async fn register_on(http: &reqwest::Client, base_url: &str, query: &str) -> bool {
    let body = json!({ "query": query,
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256_hex(query) } } });
    http.post(format!("{base_url}/graphql"))
        .json(&body)
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_cold_start_applies_the_changes_published_while_every_replica_was_down() {
    let mut stack = spawn_stack().await;
    let id = cached_organisation(&stack, "cold").await;

    stack.stop_gateway().await;
    change_while_no_replica_reads(&stack, &id).await;

    let a = stack.start_replica().await;
    let b = stack.start_replica().await;
    for replica in [&a, &b] {
        assert_eq!(
            contacts(&stack, &replica.base_url, &id).await,
            ["Sato", "Tanaka"],
            "a replica must not serve the entry the change made stale"
        );
    }
}

#[tokio::test]
async fn a_gap_in_the_streams_drops_the_shared_entries_instead_of_serving_them() {
    let mut stack = spawn_stack().await;
    let id = cached_organisation(&stack, "gap").await;

    stack.stop_gateway().await;
    change_while_no_replica_reads(&stack, &id).await;
    // The stream loses the change before any replica read it (trimmed).
    let client = redis::Client::open(stack.settings.redis.url.expose()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let stream = glocal_kit::outbox::stream_key(&stack.settings.redis.key_prefix, "research");
    let _: i64 = redis::cmd("XTRIM")
        .arg(&stream)
        .arg("MAXLEN")
        .arg(0)
        .query_async(&mut conn)
        .await
        .unwrap();

    let replica = stack.start_replica().await;
    assert_eq!(
        contacts(&stack, &replica.base_url, &id).await,
        ["Sato", "Tanaka"]
    );
}

#[tokio::test]
async fn sigterm_completes_every_subscription_and_closes_the_socket_with_1001() {
    let stack = spawn_stack().await;
    let replica = stack
        .start_replica_with(|s| s.grpc.shutdown_delay_ms = 300)
        .await;
    let seoul = stack.official("official-seoul", "11000");
    let submitted = submit(&stack, &seoul, "k-sigterm").await;
    let id = submitted.data()["submitServiceRequest"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut clients = Vec::new();
    for n in 0..3 {
        let mut client = Client::connect_to(
            &replica.base_url,
            json!({ "Authorization": format!("Bearer {seoul}") }),
        )
        .await
        .expect("connection accepted");
        client
            .subscribe(&format!("s{n}"), UPDATED, json!({ "id": id }))
            .await;
        clients.push(client);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    let base_url = replica.base_url.clone();
    let stopping = tokio::spawn(replica.stop());
    // While draining, no new WebSocket is accepted.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let upgrade =
        tokio_tungstenite::connect_async(format!("{}/graphql", base_url.replacen("http", "ws", 1)))
            .await;
    assert!(upgrade.is_err(), "a draining replica refuses new sockets");

    for (n, client) in clients.iter_mut().enumerate() {
        // (The subscription's first `next`, the request as it is, may come first.)
        let complete = loop {
            let message = client
                .next_message(Duration::from_secs(10))
                .await
                .expect("complete before the close")
                .expect("a message");
            if message["type"] != "next" {
                break message;
            }
        };
        assert_eq!(complete["type"], "complete", "{complete:#}");
        assert_eq!(complete["id"], format!("s{n}"));
        match client.next_message(Duration::from_secs(10)).await {
            Err(Closed::Frame(code, _)) => assert_eq!(code, 1001),
            other => panic!("expected a close frame 1001, got {other:?}"),
        }
    }
    let took = stopping.await.unwrap();
    assert!(took < Duration::from_secs(10), "{took:?}");
}

/// The notices of `recipient` in the notifier's database.
async fn notices_of(stack: &Stack, recipient: &str) -> i64 {
    let backend = stack.notifier_db.get_database_backend();
    let row = stack
        .notifier_db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) AS n FROM notice WHERE recipient = '{recipient}'"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

async fn wait_notices(stack: &Stack, recipient: &str, n: i64) {
    for _ in 0..300 {
        if notices_of(stack, recipient).await == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{recipient} has {} notices, expected {n}",
        notices_of(stack, recipient).await
    );
}

#[tokio::test]
async fn a_consumer_down_while_redis_restarts_still_sees_every_change() {
    let mut redis = RedisServer::started(true);
    let url = redis.url();
    let mut stack = spawn_stack_with(move |s| s.redis.url = Secret::new(url)).await;
    let seoul = stack.official("official-seoul", "11000");
    submit(&stack, &seoul, "k-durable-0").await.data();
    wait_notices(&stack, "official-seoul", 1).await;

    // The notifier is down; changes are published; Redis restarts (SIGTERM, as a rollout
    // does); then the notifier comes back.
    stack.kill_notifier();
    for i in 1..=3 {
        submit(&stack, &seoul, &format!("k-durable-{i}"))
            .await
            .data();
    }
    for _ in 0..200 {
        let (unpublished, _) = glocal_kit::metrics::outbox_lag(&stack.requests_db)
            .await
            .unwrap();
        if unpublished == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    redis.stop();
    redis.start();
    stack.start_notifier();
    wait_notices(&stack, "official-seoul", 4).await;
}
