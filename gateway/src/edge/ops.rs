//! Operational endpoints: `/healthz` (liveness: the process answers), `/readyz`
//! (readiness, with each service's and each service database's `grpc.health.v1` status,
//! naming what is down) and `/metrics` (Prometheus text).

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use super::AppState;

/// Set when shutdown starts: `/readyz` then reports the gateway not ready.
#[derive(Debug, Clone, Default)]
pub struct Draining(Arc<std::sync::atomic::AtomicBool>);

impl Draining {
    /// Marks the gateway as draining.
    pub fn start(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// True once shutdown has started.
    pub fn is_draining(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The root span of one HTTP request (the root of a GraphQL operation's trace, or a child of
/// the client's `traceparent` when it sends one).
pub fn http_span<B>(request: &http::Request<B>) -> tracing::Span {
    let span = tracing::info_span!(
        "http.request",
        otel.name = %format_args!("{} {}", request.method(), request.uri().path()),
        otel.kind = "server",
        http.request.method = %request.method(),
        url.path = %request.uri().path(),
    );
    glocal_kit::telemetry::set_remote_parent(&span, request.headers());
    span
}

/// `GET /healthz`: always 200 while the process runs.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: 200 while the gateway serves, with each service's `grpc.health.v1`
/// status in the JSON body, its database's (`databases`, what the service reports under
/// [`glocal_kit::grpc::DATABASE_HEALTH`]), and `down`: every dependency that is not
/// serving, named `<service>` or `<service>.database`. A service that is down fails only
/// its own fields, so it does not take the gateway out of rotation; operators alert on the
/// body (or on UNAVAILABLE errors in `/metrics`).
///
/// Once shutdown starts it answers 503 `{"status":"draining"}`, so load balancers stop
/// sending new requests while in-flight ones finish.
pub async fn readyz(
    State(state): State<Arc<AppState>>,
    draining: Option<axum::Extension<Draining>>,
) -> Response {
    if draining.is_some_and(|d| d.0.is_draining()) {
        let body = serde_json::json!({ "status": "draining" });
        return (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
    }
    let checks = state
        .services
        .health_targets()
        .map(|(name, service, channel)| {
            let timeout = state.services.timeout;
            async move {
                let (service, database) = futures::future::join(
                    service_status(channel.clone(), service, timeout),
                    database_status(channel, timeout),
                )
                .await;
                (name, service, database)
            }
        });
    let mut services = serde_json::Map::new();
    let mut databases = serde_json::Map::new();
    let mut down = Vec::new();
    for (name, service, database) in futures::future::join_all(checks).await {
        let service = match service {
            Ok(s) => s.as_str_name().to_owned(),
            Err(e) => {
                tracing::debug!(service = name, code = ?e.code(), "service health check failed");
                "UNREACHABLE".to_owned()
            }
        };
        if service != "SERVING" {
            down.push(serde_json::Value::String(name.to_owned()));
        }
        services.insert(name.to_owned(), serde_json::Value::String(service));
        if let Some(database) = database {
            if database != "SERVING" {
                down.push(serde_json::Value::String(format!("{name}.database")));
            }
            databases.insert(name.to_owned(), serde_json::Value::String(database));
        }
    }
    let body = serde_json::json!({
        "status": "ready",
        "services": services,
        "databases": databases,
        "down": down,
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// The health of `service` by name, or of its whole server when it does not register the name.
async fn service_status(
    channel: tonic::transport::Channel,
    service: &'static str,
    timeout: std::time::Duration,
) -> Result<ServingStatus, tonic::Status> {
    let mut client = HealthClient::new(channel);
    let check = |service: &str| {
        glocal_kit::grpc::request(
            HealthCheckRequest {
                service: service.to_owned(),
            },
            None,
            timeout,
        )
    };
    let response = match client.check(check(service)).await {
        Err(status) if status.code() == tonic::Code::NotFound => client.check(check("")).await?,
        other => other?,
    };
    Ok(response.into_inner().status())
}

/// What `channel`'s server reports for its database: `SERVING`, `NOT_SERVING`, or
/// `None` when the server is unreachable or reports no database (an older build).
async fn database_status(
    channel: tonic::transport::Channel,
    timeout: std::time::Duration,
) -> Option<String> {
    let mut client = HealthClient::new(channel);
    let request = glocal_kit::grpc::request(
        HealthCheckRequest {
            service: glocal_kit::grpc::DATABASE_HEALTH.to_owned(),
        },
        None,
        timeout,
    );
    let response = client.check(request).await.ok()?;
    Some(response.into_inner().status().as_str_name().to_owned())
}

/// `GET /metrics`: every metric of this process in the Prometheus text format.
pub async fn metrics() -> Response {
    let mut response = glocal_kit::metrics::render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
