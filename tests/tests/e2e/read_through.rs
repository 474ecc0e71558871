//! The read-through rule, proven by counting the gRPC calls that reach the events service
//! through a counting proxy: once an anonymous HTTP query has warmed the entity cache, the
//! same query over HTTP costs no call, while over WebSocket it makes its lookup every
//! time, through every by-id path (a root field, a nested field, federation `_entities`);
//! and a mutation's answer makes its lookup too.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use glocal_e2e::{Stack, spawn_stack_with};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::support::{Calls, counting_proxy};

const GET_EVENT: &str = "/glocal.events.v1.EventsService/GetEvent";
const BATCH_GET_EVENTS: &str = "/glocal.events.v1.EventsService/BatchGetEvents";
const LIST_SERIES: &str = "/glocal.events.v1.EventsService/ListSeries";

/// A root field: `event(id)` (`GetEvent`).
const ROOT: &str = "query($id: ID!) { event(id: $id) { id title(lang: EN) } }";

/// A nested field: the event's series (`ListSeries`; the event itself is read too).
const NESTED: &str = "query($id: ID!) { event(id: $id) { id series { id code } } }";

/// Federation: `_entities` (`BatchGetEvents`).
const ENTITIES: &str = r#"query($id: ID!) { _entities(representations: [{ __typename: "Event", id: $id }]) {
    ... on Event { id title(lang: EN) } } }"#;

/// Waits until every outbox row of the events service has been relayed, so no change
/// event of the set-up drops a cache entry the test relies on.
async fn outbox_drained(stack: &Stack) {
    for _ in 0..200 {
        let (unpublished, _) = glocal_kit::metrics::outbox_lag(&stack.events_db)
            .await
            .expect("outbox lag");
        if unpublished == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the events outbox was not relayed");
}

/// Runs `query` anonymously over HTTP; answers its data and the calls of `method` it cost.
async fn over_http(
    stack: &Stack,
    calls: &Calls,
    method: &str,
    query: &str,
    id: &str,
) -> (Value, usize) {
    calls.take();
    let answer = stack.gql(None, query, json!({ "id": id })).await;
    assert!(answer.body.get("errors").is_none(), "{:#}", answer.body);
    let cost = calls.take().get(method).copied().unwrap_or(0);
    (answer.body["data"].clone(), cost)
}

/// Repeats `query` over HTTP until it is answered from the cache (no call of `method`).
async fn warm(stack: &Stack, calls: &Calls, method: &str, query: &str, id: &str) -> Value {
    for _ in 0..50 {
        let (data, cost) = over_http(stack, calls, method, query, id).await;
        if cost == 0 {
            return data;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("`{query}` was never answered from the cache");
}

/// Runs `query` anonymously over a new GraphQL WebSocket (`graphql-transport-ws`);
/// answers its data and the calls of `method` it cost.
async fn over_websocket(
    stack: &Stack,
    calls: &Calls,
    method: &str,
    query: &str,
    id: &str,
) -> (Value, usize) {
    let url = format!("{}/graphql", stack.base_url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("ws request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("WebSocket handshake");
    let init = json!({ "type": "connection_init", "payload": {} });
    socket
        .send(Message::Text(init.to_string().into()))
        .await
        .expect("send connection_init");
    calls.take();
    let subscribe = json!({ "id": "1", "type": "subscribe",
        "payload": { "query": query, "variables": { "id": id } } });
    socket
        .send(Message::Text(subscribe.to_string().into()))
        .await
        .expect("send subscribe");
    let mut data = None;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("an answer over the WebSocket")
            .expect("the connection stays open")
            .expect("a message");
        let Message::Text(text) = message else {
            continue;
        };
        let message: Value = serde_json::from_str(&text).expect("JSON message");
        match message["type"].as_str() {
            Some("connection_ack") => {}
            Some("next") => {
                let payload = &message["payload"];
                assert!(payload.get("errors").is_none(), "{payload:#}");
                data = Some(payload["data"].clone());
            }
            Some("complete") => break,
            _ => panic!("unexpected message {message:#}"),
        }
    }
    let cost = calls.take().get(method).copied().unwrap_or(0);
    (data.expect("a `next` before `complete`"), cost)
}

#[tokio::test]
async fn websocket_operations_and_mutation_answers_never_read_the_entity_cache() {
    let calls = Calls::default();
    let stack = spawn_stack_with(|s| {
        s.gateway.events_url = counting_proxy(s.events.listen, &calls);
    })
    .await;
    let staff = stack.staff("staff-events");

    // A public event of a series.
    let q = "mutation($input: CreateEventSeriesInput!) { createEventSeries(input: $input) { id } }";
    let series = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": {
                "idempotencyKey": "s1", "code": "EXCHANGE-FORUM", "kind": "FORUM",
                "title": { "en": "Forum for Vitalizing International Exchange" },
                "description": { "en": "Expert presentations, debate, Q&A" }
            } }),
        )
        .await;
    let series_id = series.data()["createEventSeries"]["id"].clone();
    let input = |key: &str| {
        json!({
            "idempotencyKey": key, "kind": "FORUM", "seriesId": series_id,
            "title": { "en": "Forum on local festivals" },
            "description": { "en": "Expert presentations, debate and Q&A" },
            "hostCountry": "KR", "hostCity": "Seoul",
            "hostOrganization": "Governors Association of Korea", "venue": "Korea Press Center",
            "timeZone": "Asia/Seoul", "startDate": "2030-08-26", "endDate": "2030-08-27",
            "workingLanguages": ["ko", "en"], "capacity": 10
        })
    };
    let q = "mutation($input: CreateEventInput!) { createEvent(input: $input) { id version } }";
    let created = stack
        .gql(Some(&staff), q, json!({ "input": input("e1") }))
        .await;
    let event = created.data()["createEvent"].clone();
    let id = event["id"].as_str().unwrap().to_owned();
    let q =
        "mutation($input: ChangeEventStateInput!) { changeEventState(input: $input) { state } }";
    let published = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": { "id": id, "version": event["version"], "action": "PUBLISH" } }),
        )
        .await;
    assert_eq!(published.data()["changeEventState"]["state"], "PUBLISHED");
    outbox_drained(&stack).await;

    // Each by-id path: warm over HTTP, then over WebSocket the same query makes its call
    // (the same answer), while over HTTP it still does not.
    for (query, method) in [
        (ROOT, GET_EVENT),
        (NESTED, LIST_SERIES),
        (ENTITIES, BATCH_GET_EVENTS),
    ] {
        let cached = warm(&stack, &calls, method, query, &id).await;
        let (seen, cost) = over_websocket(&stack, &calls, method, query, &id).await;
        assert_eq!(seen, cached, "{query}");
        assert!(
            cost >= 1,
            "over WebSocket `{query}` was answered from the entity cache"
        );
        let (_, cost) = over_http(&stack, &calls, method, query, &id).await;
        assert_eq!(cost, 0, "over HTTP `{query}` is answered from the cache");
    }

    // A mutation's answer: a new event of the (cached) series reads the series.
    warm(&stack, &calls, LIST_SERIES, NESTED, &id).await;
    let q = "mutation($input: CreateEventInput!) { createEvent(input: $input) { id series { id code } } }";
    calls.take();
    let created = stack
        .gql(Some(&staff), q, json!({ "input": input("e2") }))
        .await;
    assert_eq!(
        created.data()["createEvent"]["series"]["code"],
        "EXCHANGE-FORUM"
    );
    let cost = calls.take().get(LIST_SERIES).copied().unwrap_or(0);
    assert!(
        cost >= 1,
        "a mutation's answer was read from the entity cache"
    );
}
