//! Live subscriptions over a real WebSocket (`graphql-transport-ws`) against the running
//! stack: a requester sees the mid-response arrive live, the department's staff see it in
//! their queue, and an official of another local government subscribing to the same
//! request gets NOT_FOUND and nothing else; every subscription cell of the authorization
//! matrix is checked as every role. Events travel outbox → relay → Redis Stream →
//! gateway → subscriber.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use glocal_e2e::{Stack, spawn_stack};
use glocal_gateway::authz::{Access, MATRIX, Role, Root};
use glocal_kit::{Caller, Role as KitRole};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::{act, assignee_token, submit};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What a connection ended with, when the server closed it.
#[derive(Debug)]
pub(crate) enum Closed {
    /// Close frame code and reason.
    Frame(u16, String),
}

/// A GraphQL WebSocket client speaking `graphql-transport-ws`.
pub(crate) struct Client {
    socket: Socket,
}

impl Client {
    /// Opens `ws://…/graphql`, sends `connection_init` with `payload`, and answers the
    /// server's first message: `Ok` after `connection_ack`, `Err` when it closed instead.
    async fn connect(stack: &Stack, payload: Value) -> Result<Client, Closed> {
        Client::connect_to(&stack.base_url, payload).await
    }

    /// Like [`Client::connect`], to the gateway at `base_url`.
    pub(crate) async fn connect_to(base_url: &str, payload: Value) -> Result<Client, Closed> {
        let url = format!("{}/graphql", base_url.replacen("http", "ws", 1));
        let mut request = url.into_client_request().expect("ws request");
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        let (socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("WebSocket handshake");
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            "graphql-transport-ws"
        );
        let mut client = Client { socket };
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        match client.next_message(Duration::from_secs(10)).await {
            Ok(Some(m)) if m["type"] == "connection_ack" => Ok(client),
            Ok(other) => panic!("expected connection_ack, got {other:?}"),
            Err(closed) => Err(closed),
        }
    }

    /// Connects with a bearer token in the `connection_init` payload.
    async fn with_token(stack: &Stack, token: &str) -> Client {
        Client::connect(stack, json!({ "Authorization": format!("Bearer {token}") }))
            .await
            .expect("connection accepted")
    }

    pub(crate) async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .expect("send");
    }

    /// Starts operation `id`.
    pub(crate) async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "id": id, "type": "subscribe",
            "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The next JSON message within `wait` (`Ok(None)` when none came), or how the
    /// connection was closed.
    pub(crate) async fn next_message(&mut self, wait: Duration) -> Result<Option<Value>, Closed> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let next = match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return Ok(None),
                Ok(next) => next,
            };
            match next {
                Some(Ok(Message::Text(text))) => {
                    return Ok(Some(serde_json::from_str(&text).expect("JSON message")));
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new()));
                    return Err(Closed::Frame(code, reason));
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => panic!("WebSocket error: {error}"),
                None => return Err(Closed::Frame(1006, String::new())),
            }
        }
    }

    /// The payloads of operation `id`'s `next` messages until one satisfies `done`.
    pub(crate) async fn until(&mut self, id: &str, done: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while tokio::time::Instant::now() < deadline {
            let Ok(Some(m)) = self.next_message(Duration::from_secs(1)).await else {
                continue;
            };
            assert_eq!(m["id"], id, "{m:#}");
            assert_eq!(m["type"], "next", "{m:#}");
            seen.push(m["payload"].clone());
            if done(&m["payload"]) {
                return seen;
            }
        }
        panic!("operation {id} did not deliver the expected message; saw {seen:#?}");
    }
}

pub(crate) const UPDATED: &str = "subscription($id: ID!) { serviceRequestUpdated(id: $id) {
    id state version title responses { kind body } } }";

const QUEUE: &str = "subscription($d: String) { serviceRequestQueue(departmentCode: $d) {
    id state department { code } } }";

#[tokio::test]
async fn the_requester_and_the_queue_receive_the_mid_response_live_and_no_one_else() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let busan = stack.official("official-busan", "26000");
    let submitted = submit(&stack, &seoul, "k-live").await;
    let r = submitted.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap().to_owned();
    let department = r["department"]["code"].as_str().unwrap().to_owned();
    let staff = assignee_token(&stack, &r).await;

    let mut requester = Client::with_token(&stack, &seoul).await;
    requester.subscribe("1", UPDATED, json!({ "id": id })).await;
    let mut queue = Client::with_token(&stack, &staff).await;
    queue
        .subscribe("q", QUEUE, json!({ "d": department }))
        .await;
    let mut other = Client::with_token(&stack, &busan).await;
    other.subscribe("x", UPDATED, json!({ "id": id })).await;

    // Another local government's official is refused at once, as over HTTP.
    let refused = other
        .next_message(Duration::from_secs(10))
        .await
        .expect("open")
        .expect("an answer");
    assert_eq!(refused["type"], "next", "{refused:#}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refused:#}"
    );
    assert!(refused["payload"]["data"].is_null(), "{refused:#}");
    let complete = other.next_message(Duration::from_secs(5)).await.unwrap();
    assert_eq!(complete.unwrap()["type"], "complete");

    // Let the subscriptions reach the event hub before the change.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let body = "Interpreter booked; the name follows.";
    let mid = act(
        &stack,
        &staff,
        "sendMidResponse",
        json!({ "id": id, "version": r["version"], "body": body,
            "expectedCompletionAt": "2030-12-01T09:00:00Z" }),
    )
    .await;
    assert_eq!(mid.data()["sendMidResponse"]["state"], "MID_RESPONDED");

    let seen = requester
        .until("1", |p| {
            p["data"]["serviceRequestUpdated"]["state"] == "MID_RESPONDED"
        })
        .await;
    let last = &seen.last().unwrap()["data"]["serviceRequestUpdated"];
    assert_eq!(last["id"], id.as_str());
    assert_eq!(last["responses"][0]["kind"], "MID_RESPONSE");
    assert_eq!(last["responses"][0]["body"], body);

    let queued = queue
        .until("q", |p| {
            p["data"]["serviceRequestQueue"]["id"] == id.as_str()
                && p["data"]["serviceRequestQueue"]["state"] == "MID_RESPONDED"
        })
        .await;
    assert!(
        queued
            .iter()
            .all(|p| p["data"]["serviceRequestQueue"]["department"]["code"] == department.as_str())
    );

    // The other official received nothing after its refusal: no id, no title, no body.
    let after = other.next_message(Duration::from_secs(2)).await.unwrap();
    assert!(after.is_none(), "leaked: {after:#?}");
}

#[tokio::test]
async fn subscriptions_follow_the_authorization_matrix() {
    let stack = spawn_stack().await;

    // A token that does not verify closes the connection during `connection_init`.
    match Client::connect(&stack, json!({ "Authorization": "Bearer not-a-token" })).await {
        Err(Closed::Frame(code, reason)) => {
            assert_eq!(code, 1002, "{reason}");
            assert!(reason.contains("token"), "{reason}");
        }
        Ok(_) => panic!("an invalid token was accepted"),
    }

    // The same token in the handshake's `Authorization` header is refused before the upgrade
    // with HTTP 401, as docs/api.md says (not a 1002 close: there is no WebSocket yet).
    let url = format!("{}/graphql", stack.base_url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("ws request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    request
        .headers_mut()
        .insert("authorization", "Bearer not-a-token".parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401, "{response:?}");
        }
        Err(other) => panic!("expected HTTP 401 before the upgrade, got {other}"),
        Ok(_) => panic!("a bad token in the handshake header was upgraded"),
    }

    // A request of Seoul's, routed to a department with an assignee.
    let seoul = stack.official("official-seoul", "11000");
    let submitted = submit(&stack, &seoul, "k-matrix").await;
    let r = submitted.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap().to_owned();
    let staff = assignee_token(&stack, &r).await;
    let tokens = [
        (Role::Anonymous, None),
        (Role::LocalOfficial, Some(seoul)),
        (Role::BureauStaff, Some(staff.clone())),
        (Role::BureauAdmin, Some(stack.admin())),
        (
            Role::Partner,
            Some(stack.token(&Caller::new(
                "sub-partner",
                "Partner",
                "JP",
                [KitRole::Partner],
            ))),
        ),
    ];

    // Every subscription root field of the matrix, as every role: a denied cell is refused
    // at once with UNAUTHENTICATED (anonymous) or FORBIDDEN; any other cell subscribes and
    // then receives the request's next change.
    let rules: Vec<_> = MATRIX
        .iter()
        .filter(|r| r.root == Root::Subscription && r.service == "requests")
        .collect();
    assert_eq!(rules.len(), 2, "the requests subscriptions of the schema");
    // The only other subscription is the notifier's inbox feed, open to every signed-in
    // person for their own notices.
    assert_eq!(
        MATRIX
            .iter()
            .filter(|r| r.root == Root::Subscription && r.service != "requests")
            .map(|r| r.field)
            .collect::<Vec<_>>(),
        ["notificationReceived"]
    );
    let mut accepted = Vec::new();
    for rule in &rules {
        let (query, variables) = match rule.field {
            "serviceRequestUpdated" => (UPDATED, json!({ "id": id })),
            "serviceRequestQueue" => (QUEUE, json!({ "d": null })),
            other => panic!("no operation for subscription {other}"),
        };
        for (role, token) in &tokens {
            let mut client = match token {
                Some(token) => Client::with_token(&stack, token).await,
                None => Client::connect(&stack, json!({})).await.expect("ack"),
            };
            client.subscribe("s", query, variables.clone()).await;
            let first = client.next_message(Duration::from_millis(700)).await;
            let cell = format!("{} as {}", rule.field, role.as_str());
            match rule.access_of(*role) {
                Access::Denied => {
                    let m = first
                        .expect("open")
                        .unwrap_or_else(|| panic!("{cell}: no refusal"));
                    let wanted = if *role == Role::Anonymous {
                        "UNAUTHENTICATED"
                    } else {
                        "FORBIDDEN"
                    };
                    assert_eq!(
                        m["payload"]["errors"][0]["extensions"]["code"], wanted,
                        "{cell}: {m:#}"
                    );
                }
                _ => {
                    // Open: quiet, or already delivering (the submission's own event may
                    // arrive after the subscription started), never an error.
                    let delivering =
                        |m: &Value| m["type"] == "next" && m["payload"]["errors"].is_null();
                    assert!(
                        matches!(&first, Ok(None))
                            || matches!(&first, Ok(Some(m)) if delivering(m)),
                        "{cell}: expected an open subscription, got {first:?}"
                    );
                    accepted.push((cell, rule.field, client));
                }
            }
        }
    }
    assert_eq!(accepted.len(), 5, "allowed and scoped cells");

    tokio::time::sleep(Duration::from_millis(300)).await;
    let mid = act(
        &stack,
        &staff,
        "sendMidResponse",
        json!({ "id": id, "version": r["version"], "body": "On it.",
            "expectedCompletionAt": "2030-12-01T09:00:00Z" }),
    )
    .await;
    assert_eq!(mid.data()["sendMidResponse"]["state"], "MID_RESPONDED");
    for (cell, field, mut client) in accepted {
        let seen = client
            .until("s", |p| {
                p["data"][field]["id"] == id.as_str()
                    && p["data"][field]["state"] == "MID_RESPONDED"
            })
            .await;
        assert!(!seen.is_empty(), "{cell}");
    }
}

#[tokio::test]
async fn without_redis_the_in_process_bus_feeds_subscriptions() {
    // `glocal dev`: no Redis; the relay and the gateway share the process-wide bus.
    let stack = glocal_e2e::spawn_stack_with(|s| s.redis.url = Default::default()).await;
    let seoul = stack.official("official-seoul", "11000");
    let submitted = submit(&stack, &seoul, "k-bus").await;
    let r = submitted.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap().to_owned();
    let staff = assignee_token(&stack, &r).await;

    let mut requester = Client::with_token(&stack, &seoul).await;
    requester.subscribe("1", UPDATED, json!({ "id": id })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mid = act(
        &stack,
        &staff,
        "sendMidResponse",
        json!({ "id": id, "version": r["version"], "body": "On it.",
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
