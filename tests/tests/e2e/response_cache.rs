//! The response cache (issue 14 item 5, ADR 0053): an anonymous public read is answered from
//! the cache (`glocal-cache: hit`) with an ETag and `Cache-Control`, `If-None-Match` gets 304,
//! a change made through another replica drops exactly the answers that showed it (an entity
//! read and a list) within the change stream's delay, nothing private or caller-scoped is
//! ever stored, and with Redis down the in-process tier still serves.

use std::time::{Duration, Instant};

use glocal_e2e::{Stack, spawn_stack, spawn_stack_with};
use glocal_kit::config::Secret;
use glocal_kit::testing::RedisServer;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::events::open_event;

const EVENT: &str = "query($id: ID!) { event(id: $id) { id state seatsTaken title(lang: EN) } }";
const EVENTS: &str = "{ events(first: 100) { edges { node { id state } } } }";

/// One GET of `/graphql` at `base_url`: status, headers and body.
async fn get(
    stack: &Stack,
    base_url: &str,
    token: Option<&str>,
    query: &str,
    variables: &Value,
    if_none_match: Option<&str>,
) -> (u16, HeaderMap, Value) {
    let mut request = stack.http().get(format!("{base_url}/graphql")).query(&[
        ("query", query.to_owned()),
        ("variables", variables.to_string()),
    ]);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    if let Some(etag) = if_none_match {
        request = request.header("if-none-match", etag);
    }
    let response = request.send().await.expect("gateway reachable");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = if status == 304 {
        Value::Null
    } else {
        response.json().await.expect("a JSON body")
    };
    (status, headers, body)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Asks until `done` holds for an answer (at most 10 s, the change stream's delay with room
/// to spare); answers the last one.
async fn until(
    stack: &Stack,
    base_url: &str,
    query: &str,
    variables: &Value,
    done: impl Fn(&HeaderMap, &Value) -> bool,
) -> (HeaderMap, Value) {
    let started = Instant::now();
    loop {
        let (status, headers, body) = get(stack, base_url, None, query, variables, None).await;
        assert_eq!(status, 200, "{body}");
        if done(&headers, &body) {
            return (headers, body);
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not seen within 10 s: {} {body}",
            header(&headers, "glocal-cache")
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the events service relayed its outbox, then a little longer so the change
/// events reach the gateways: an answer stored before a late event would be dropped by it.
async fn settled(stack: &Stack) {
    for _ in 0..200 {
        let (unpublished, _) = glocal_kit::metrics::outbox_lag(&stack.events_db)
            .await
            .expect("outbox lag");
        if unpublished == 0 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the events outbox was not relayed");
}

fn ids(body: &Value) -> Vec<String> {
    body["data"]["events"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_change_through_another_replica_drops_exactly_the_answers_that_showed_it() {
    let stack = spawn_stack().await;
    let replica = stack.start_replica().await;
    let staff = stack.staff("staff-events");
    let shown = open_event(&stack, &staff, "cache-shown", 20).await;
    let other = open_event(&stack, &staff, "cache-other", 20).await;
    let id = json!({ "id": shown["id"] });
    let other_id = json!({ "id": other["id"] });
    settled(&stack).await;

    // Filled on the first replica, then served.
    let (first, body) = until(&stack, &stack.base_url, EVENT, &id, |_, b| {
        b["data"]["event"]["state"] == "REGISTRATION_OPEN"
    })
    .await;
    let etag = header(&first, "etag").to_owned();
    assert!(
        etag.starts_with('"'),
        "a public answer has an ETag: {first:?}"
    );
    assert_eq!(
        header(&first, "cache-control"),
        "public, max-age=0, must-revalidate"
    );
    let (_, again, same) = get(&stack, &stack.base_url, None, EVENT, &id, None).await;
    assert_eq!(header(&again, "glocal-cache"), "hit");
    assert_eq!(same, body);
    assert_eq!(header(&again, "etag"), etag);
    let (status, unchanged, _) = get(&stack, &stack.base_url, None, EVENT, &id, Some(&etag)).await;
    assert_eq!(status, 304, "If-None-Match with the current ETag");
    assert_eq!(header(&unchanged, "etag"), etag);
    // The other event's answer and the list are cached too.
    until(&stack, &stack.base_url, EVENT, &other_id, |h, b| {
        header(h, "glocal-cache") == "hit" && b["data"]["event"]["state"] == "REGISTRATION_OPEN"
    })
    .await;
    let (_, list) = until(&stack, &stack.base_url, EVENTS, &json!({}), |h, b| {
        header(h, "glocal-cache") == "hit" && ids(b).len() == 2
    })
    .await;
    assert_eq!(ids(&list).len(), 2);

    // A change made through the other replica.
    let close =
        "mutation($input: ChangeEventStateInput!) { changeEventState(input: $input) { state } }";
    let input =
        json!({ "id": shown["id"], "version": shown["version"], "action": "CLOSE_REGISTRATION" });
    let closed = stack
        .gql_at(
            &replica.base_url,
            Some(&staff),
            close,
            json!({ "input": input }),
        )
        .await;
    assert_eq!(
        closed.data()["changeEventState"]["state"],
        "REGISTRATION_CLOSED"
    );
    let (fresh, body) = until(&stack, &stack.base_url, EVENT, &id, |_, b| {
        b["data"]["event"]["state"] == "REGISTRATION_CLOSED"
    })
    .await;
    assert_eq!(header(&fresh, "glocal-cache"), "miss");
    assert_ne!(header(&fresh, "etag"), etag, "a new answer, a new ETag");
    assert_eq!(body["data"]["event"]["id"], shown["id"]);
    let (status, _, _) = get(&stack, &stack.base_url, None, EVENT, &id, Some(&etag)).await;
    assert_eq!(status, 200, "the old ETag no longer matches");
    // The list showed the changed event: dropped too.
    let (_, list) = until(&stack, &stack.base_url, EVENTS, &json!({}), |_, b| {
        b["data"]["events"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["node"]["id"] == shown["id"] && e["node"]["state"] == "REGISTRATION_CLOSED")
    })
    .await;
    assert_eq!(ids(&list).len(), 2);
    // The other event's own answer did not show the change: still served from the cache.
    let (_, kept, body) = get(&stack, &stack.base_url, None, EVENT, &other_id, None).await;
    assert_eq!(header(&kept, "glocal-cache"), "hit");
    assert_eq!(body["data"]["event"]["state"], "REGISTRATION_OPEN");

    // A new event joins the cached list.
    let third = open_event(&stack, &staff, "cache-third", 5).await;
    until(&stack, &stack.base_url, EVENTS, &json!({}), |_, b| {
        ids(b).contains(&third["id"].as_str().unwrap_or_default().to_owned())
    })
    .await;
    replica.stop().await;
}

#[tokio::test]
async fn nothing_private_or_caller_scoped_is_ever_stored() {
    let stack = spawn_stack().await;
    let staff = stack.staff("staff-events");
    let event = open_event(&stack, &staff, "cache-private", 20).await;
    let id = json!({ "id": event["id"] });

    // A caller with a token: not a candidate, and no cache may keep it.
    for _ in 0..2 {
        let (status, headers, body) =
            get(&stack, &stack.base_url, Some(&staff), EVENT, &id, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(header(&headers, "glocal-cache"), "bypass");
        assert_eq!(header(&headers, "cache-control"), "private, no-store");
        assert!(headers.get("etag").is_none());
    }
    // An anonymous read that reaches a portal-only field (contributions are not in the
    // public graph) runs every time.
    let portal_only = "query($id: ID!) { event(id: $id) { id contributions { id } } }";
    for _ in 0..3 {
        let (status, headers, body) =
            get(&stack, &stack.base_url, None, portal_only, &id, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(header(&headers, "glocal-cache"), "miss", "{body}");
        assert_eq!(header(&headers, "cache-control"), "private, no-store");
    }
    // A caller-scoped root field is not even a candidate.
    let (_, headers, _) = get(
        &stack,
        &stack.base_url,
        None,
        "{ me { subject } }",
        &json!({}),
        None,
    )
    .await;
    assert_eq!(header(&headers, "glocal-cache"), "bypass");
    // A mutation answer is never cached.
    let answer = stack
        .http()
        .post(stack.graphql_url())
        .bearer_auth(&staff)
        .json(&json!({ "query": "mutation($i: ChangeEventStateInput!) { changeEventState(input: $i) { state } }",
            "variables": { "i": { "id": event["id"], "version": event["version"], "action": "CLOSE_REGISTRATION" } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(header(answer.headers(), "glocal-cache"), "bypass");
    // An answer with an error (no such event id format) is not stored.
    let bad = json!({ "id": "not-a-uuid" });
    for _ in 0..2 {
        let (_, headers, body) = get(&stack, &stack.base_url, None, EVENT, &bad, None).await;
        assert!(body["errors"].is_array(), "{body}");
        assert_ne!(header(&headers, "glocal-cache"), "hit");
    }
}

#[tokio::test]
async fn with_redis_down_the_in_process_tier_still_serves() {
    let mut redis = RedisServer::started(true);
    let url = redis.url();
    let stack = spawn_stack_with(move |s| s.redis.url = Secret::new(url)).await;
    let staff = stack.staff("staff-events");
    let event = open_event(&stack, &staff, "cache-down", 20).await;
    let id = json!({ "id": event["id"] });
    settled(&stack).await;
    until(&stack, &stack.base_url, EVENT, &id, |h, b| {
        header(h, "glocal-cache") == "hit" && b["data"]["event"]["state"] == "REGISTRATION_OPEN"
    })
    .await;

    redis.stop();
    // Another answer (the list) is computed, kept in process and served from there.
    let (_, first) = until(&stack, &stack.base_url, EVENTS, &json!({}), |_, b| {
        ids(b).contains(&event["id"].as_str().unwrap_or_default().to_owned())
    })
    .await;
    let (status, headers, body) =
        get(&stack, &stack.base_url, None, EVENTS, &json!({}), None).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "glocal-cache"), "hit", "{body}");
    assert_eq!(ids(&body), ids(&first));
    let ready: Value = stack
        .http()
        .get(format!("{}/readyz", stack.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap_or(Value::Null);
    assert_eq!(
        ready["cache"], "local",
        "served while Redis is down: {ready}"
    );
    redis.start();
}
