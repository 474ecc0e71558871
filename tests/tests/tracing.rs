//! One trace per GraphQL operation, end to end: a real request over HTTP to the gateway,
//! its one operation span, through DataLoader batches and gRPC to the requests service, down
//! to its SQL statements and the gateway's Redis reads, exported over OTLP to an in-process
//! collector.
//!
//! This binary installs the process-wide subscriber with OTLP export, so it is a test
//! binary of its own (the other end-to-end tests log without export).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_opentelemetry_collector::{ExportedSpan, FakeCollectorServer};
use glocal_kit::config::Settings;
use serde_json::json;

/// The trace id the client sends in `traceparent`, so the operation's trace is easy to find.
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
/// The client's own span id (the parent of the gateway's root span).
const CLIENT_SPAN_ID: &str = "00f067aa0ba902b7";

/// The span of the traced GraphQL operation (`query Traced`).
const OPERATION: &str = "query Traced";

/// Spans of one trace, by span id.
struct Trace<'a>(HashMap<&'a str, &'a ExportedSpan>);

impl<'a> Trace<'a> {
    fn of(spans: &'a [ExportedSpan], trace_id: &str) -> Trace<'a> {
        Trace(
            spans
                .iter()
                .filter(|s| s.trace_id == trace_id)
                .map(|s| (s.span_id.as_str(), s))
                .collect(),
        )
    }

    fn named(&self, name: &str) -> Vec<&'a ExportedSpan> {
        self.0
            .values()
            .copied()
            .filter(|s| s.name == name)
            .collect()
    }

    /// True when `ancestor` is on `span`'s parent chain.
    fn descends_from(&self, span: &ExportedSpan, ancestor: &ExportedSpan) -> bool {
        let mut parent = span.parent_span_id.as_str();
        for _ in 0..64 {
            if parent == ancestor.span_id {
                return true;
            }
            match self.0.get(parent) {
                Some(p) => parent = p.parent_span_id.as_str(),
                None => return false,
            }
        }
        false
    }

    /// The gRPC server spans of `method` (`glocal.requests.v1.RequestsService/<method>`).
    fn grpc_server(&self, method: &str) -> Vec<&'a ExportedSpan> {
        self.named(&format!("glocal.requests.v1.RequestsService/{method}"))
    }

    /// Whether every span the test expects has arrived.
    fn complete(&self) -> bool {
        !self.named("POST /graphql").is_empty()
            && !self.named(OPERATION).is_empty()
            && !self.grpc_server("ListRequests").is_empty()
            && !self.grpc_server("BatchGetLocalGovernments").is_empty()
            && self.0.values().any(|s| is_sql(s))
            && self.0.values().any(|s| is_redis(s))
    }
}

/// The string attribute `key` of `span` (the collector keeps each value in its `Debug` form,
/// `Some(AnyValue { value: Some(StringValue("…")) })`).
fn text<'a>(span: &'a ExportedSpan, key: &str) -> Option<&'a str> {
    let value = span.attributes.get(key)?;
    let start = value.find("StringValue(\"")? + "StringValue(\"".len();
    let end = start + value[start..].find('"')?;
    Some(&value[start..end])
}

/// The client span of one Redis command (the entity cache reads with GET or MGET).
fn is_redis(span: &ExportedSpan) -> bool {
    matches!(span.name.as_str(), "GET" | "MGET" | "SETEX" | "SET" | "DEL")
}

/// sea-orm's span of one SQL statement.
fn is_sql(span: &ExportedSpan) -> bool {
    matches!(
        span.name.as_str(),
        "query_all" | "query_one" | "execute" | "execute_unprepared" | "stream"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_graphql_operation_is_one_trace_from_gateway_to_sql_and_redis() {
    let mut collector = FakeCollectorServer::start()
        .await
        .expect("in-process OTLP collector");
    let mut settings = Settings::default();
    settings.log.filter = "warn".into();
    let guard = Arc::new(
        glocal_kit::telemetry::init_exporting_to(&settings, "glocal-e2e", &collector.endpoint())
            .expect("telemetry installs once in this binary"),
    );

    let stack = glocal_e2e::spawn_stack().await;
    let official = stack.official("trace-official", "11000");

    // A request to list, so the list resolves its local government through the DataLoader.
    let q = "mutation($input: SubmitServiceRequestInput!) { submitServiceRequest(input: $input) { id } }";
    let input = json!({ "input": {
        "idempotencyKey": "trace-1",
        "type": "INTERPRETATION_TRANSLATION",
        "title": "Interpreter for the Osaka delegation",
        "description": "Korean-Japanese interpretation for the sister-city meeting.",
        "details": { "interpretationTranslation": {
            "mode": "INTERPRETATION", "sourceLanguage": "ko", "targetLanguage": "ja",
            "startDate": "2030-12-10", "endDate": "2030-12-11", "venue": "Seoul City Hall", "online": false
        } }
    } });
    let submitted = stack.gql(Some(&official), q, input).await;
    submitted.data();

    let response = stack
        .http()
        .post(stack.graphql_url())
        .bearer_auth(&official)
        .header("traceparent", format!("00-{TRACE_ID}-{CLIENT_SPAN_ID}-01"))
        .json(&json!({ "query": "query Traced { serviceRequests(first: 5) { totalCount edges { node { number localGovernment { code name } } } } }" }))
        .send()
        .await
        .expect("gateway reachable");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON body");
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(
        body["data"]["serviceRequests"]["edges"][0]["node"]["localGovernment"]["code"],
        "11000"
    );

    // Collect until every expected span of the operation has arrived (the batch exporter
    // sends every few seconds; flushing speeds that up).
    let flusher = {
        let guard = guard.clone();
        tokio::task::spawn_blocking(move || guard.flush())
    };
    let mut spans = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(40);
    while Instant::now() < deadline && !Trace::of(&spans, TRACE_ID).complete() {
        spans.extend(
            collector
                .exported_spans(1, Duration::from_millis(500))
                .await,
        );
    }
    let _ = flusher.await;
    let trace = Trace::of(&spans, TRACE_ID);
    let names: Vec<&str> = trace.0.values().map(|s| s.name.as_str()).collect();
    assert!(trace.complete(), "incomplete trace; spans: {names:?}");

    // The gateway's root span continues the client's context.
    let root = trace.named("POST /graphql")[0];
    assert_eq!(root.parent_span_id, CLIENT_SPAN_ID);
    assert_eq!(root.kind, "SPAN_KIND_SERVER");

    // Under it, one span for the GraphQL operation: named after it, with its type and
    // outcome; no span per resolved field (`telemetry.field_spans` is off by default), nor
    // the parse/validation/execute spans of async-graphql's own extension, nor a span per
    // DataLoader load.
    let operations = trace.named(OPERATION);
    assert_eq!(operations.len(), 1, "spans: {names:?}");
    let operation = operations[0];
    assert_eq!(operation.parent_span_id, root.span_id);
    assert_eq!(text(operation, "graphql.operation.name"), Some("Traced"));
    assert_eq!(text(operation, "graphql.operation.type"), Some("query"));
    assert_eq!(text(operation, "graphql.outcome"), Some("ok"));
    for name in [
        "graphql.field",
        "field",
        "parse",
        "validation",
        "execute",
        "request",
    ] {
        assert!(
            trace.named(name).is_empty(),
            "a `{name}` span in the trace; spans: {names:?}"
        );
    }

    // gateway → gRPC → requests service, also through the DataLoader's spawned batch.
    for method in ["ListRequests", "BatchGetLocalGovernments"] {
        for server in trace.grpc_server(method) {
            assert_eq!(server.kind, "SPAN_KIND_SERVER");
            assert!(
                trace.descends_from(server, operation),
                "{method} server span is not under the operation's span; spans: {names:?}"
            );
        }
    }

    // → SQL inside the service's handler.
    let list = trace.grpc_server("ListRequests")[0];
    assert!(
        trace
            .0
            .values()
            .any(|s| is_sql(s) && trace.descends_from(s, list)),
        "no SQL span under ListRequests; spans: {names:?}"
    );

    // → Redis, from the gateway's local-government cache.
    for redis in trace.0.values().filter(|s| is_redis(s)) {
        assert_eq!(redis.kind, "SPAN_KIND_CLIENT");
        assert!(trace.descends_from(redis, operation));
    }

    // An operation without a client context is a trace of its own, rooted at the gateway.
    let roots: Vec<&ExportedSpan> = spans
        .iter()
        .filter(|s| s.name == "POST /graphql" && s.trace_id != TRACE_ID)
        .collect();
    if let Some(mutation) = roots.first() {
        assert!(
            mutation.parent_span_id.is_empty() || mutation.parent_span_id == "0000000000000000"
        );
    }
}
