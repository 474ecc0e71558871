//! GraphQL documents and helpers shared by the end-to-end tests, and a counting gRPC proxy
//! (the batching and caching tests put it between the gateway and a service).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use glocal_e2e::{Gql, Stack};
use serde_json::{Value, json};
use tonic::transport::{Channel, Endpoint};
use tower::ServiceExt;

/// Every field of a ServiceRequest the tests look at.
pub const REQUEST_FIELDS: &str = "id number type title state version routing overdue
  requester { subject localGovernment { code } }
  localGovernment { code name(lang: EN) }
  department { code } assignee { id name }
  firstResponseDueAt resolutionDueAt expectedCompletionAt rejectReason
  details { __typename ... on InterpretationTranslationDetails { mode sourceLanguage targetLanguage } }
  responses { kind body author { subject } }
  history { action from to note }";

/// Submits the standard interpretation request for `org` with `key`.
pub async fn submit(stack: &Stack, token: &str, key: &str) -> Gql {
    let q = format!(
        "mutation($input: SubmitServiceRequestInput!) {{ submitServiceRequest(input: $input) {{ {REQUEST_FIELDS} }} }}"
    );
    stack
        .gql(
            Some(token),
            &q,
            json!({ "input": interpretation_input(key) }),
        )
        .await
}

/// A valid interpretation request.
pub fn interpretation_input(key: &str) -> Value {
    json!({
        "idempotencyKey": key,
        "type": "INTERPRETATION_TRANSLATION",
        "title": "Interpreter for the Osaka delegation",
        "description": "Korean-Japanese interpretation for the sister-city meeting.",
        "details": { "interpretationTranslation": {
            "mode": "INTERPRETATION", "sourceLanguage": "ko", "targetLanguage": "ja",
            "startDate": "2030-12-10", "endDate": "2030-12-11", "venue": "Seoul City Hall", "online": false
        } }
    })
}

/// Every contribution of the `events` page in `data`, event after event.
pub fn page_contributions(data: &Value) -> Vec<Value> {
    data["events"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .flat_map(|e| {
            e["node"]["contributions"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

/// Links every contribution on the first page of events (as `admin` sees it) to the
/// practices `ids`, and returns those contributions (`id`, `version` before the link).
pub async fn link_every_contribution(stack: &Stack, admin: &str, ids: &Value) -> Vec<Value> {
    let listed = stack
        .gql(
            Some(admin),
            "{ events(first: 20) { edges { node { contributions { id version } } } } }",
            json!({}),
        )
        .await;
    let contributions = page_contributions(listed.data());
    for c in &contributions {
        let input = json!({ "id": c["id"], "version": c["version"], "practiceIds": ids });
        stack
            .gql(
                Some(admin),
                "mutation($input: LinkPracticesInput!) { linkContributionPractices(input: $input) { id } }",
                json!({ "input": input }),
            )
            .await
            .data();
    }
    contributions
}

/// Runs a workflow mutation `name(input: $input)` and returns the response.
pub async fn act(stack: &Stack, token: &str, name: &str, input: Value) -> Gql {
    let q = format!(
        "mutation($input: {}Input!) {{ {name}(input: $input) {{ {REQUEST_FIELDS} }} }}",
        capitalize(name)
    );
    stack.gql(Some(token), &q, json!({ "input": input })).await
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Reads one request.
pub async fn get(stack: &Stack, token: &str, id: &str) -> Gql {
    let q = format!("query($id: ID!) {{ serviceRequest(id: $id) {{ {REQUEST_FIELDS} }} }}");
    stack.gql(Some(token), &q, json!({ "id": id })).await
}

/// A token for the staff member the request is assigned to.
pub async fn assignee_token(stack: &Stack, request: &Value) -> String {
    let staff_id = request["assignee"]["id"]
        .as_str()
        .expect("request has an assignee");
    let subject = stack.staff_subject(staff_id).await;
    stack.staff(&subject)
}

/// The action names of a request's history, in order.
pub fn actions(request: &Value) -> Vec<String> {
    request["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_owned())
        .collect()
}

// ---- a counting gRPC proxy (batching and caching tests) ----

/// The gRPC methods a counting proxy forwarded, by path (`/package.Service/Method`).
#[derive(Clone, Default)]
pub struct Calls(Arc<Mutex<Vec<String>>>);

impl Calls {
    /// How many times each method was called since the last `take`.
    pub fn take(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for path in self.0.lock().unwrap().drain(..) {
            *counts.entry(path).or_insert(0) += 1;
        }
        counts
    }
}

#[derive(Clone)]
struct GrpcProxy {
    upstream: Channel,
    calls: Calls,
}

/// Forwards one gRPC call to the upstream service, counting it.
async fn forward(State(proxy): State<GrpcProxy>, request: Request) -> Response {
    proxy
        .calls
        .0
        .lock()
        .unwrap()
        .push(request.uri().path().to_owned());
    match proxy
        .upstream
        .oneshot(request.map(tonic::body::Body::new))
        .await
    {
        Ok(response) => response.map(axum::body::Body::new),
        Err(error) => (axum::http::StatusCode::BAD_GATEWAY, error.to_string()).into_response(),
    }
}

/// A counting h2c proxy to the gRPC server at `upstream` on a port of its own; answers
/// its URL.
pub fn counting_proxy(upstream: SocketAddr, calls: &Calls) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind proxy");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("proxy addr");
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    let proxy = GrpcProxy {
        upstream: Endpoint::from_shared(format!("http://{upstream}"))
            .expect("upstream URL")
            .connect_lazy(),
        calls: calls.clone(),
    };
    let router = axum::Router::new().fallback(forward).with_state(proxy);
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .add_routes(tonic::service::Routes::from(router))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
            .await
            .expect("proxy serves");
    });
    format!("http://{addr}")
}
