//! Operational endpoints: `/healthz` (liveness: the process answers), `/readyz`
//! (readiness, with each service's and each service database's `grpc.health.v1` status,
//! naming what is down) and `/metrics` (Prometheus text).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use glocal_kit::Shutdown;
use glocal_kit::shutdown::ShutdownTrigger;
use http::{HeaderValue, StatusCode, header};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use super::AppState;

/// Set when shutdown starts: `/readyz` then reports the gateway not ready, WebSocket
/// upgrades are refused, and the open GraphQL WebSockets complete their subscriptions and
/// close ([`crate::edge::ws`]). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Draining {
    trigger: Arc<ShutdownTrigger>,
    signal: Shutdown,
    sockets: Arc<Sockets>,
}

/// The GraphQL WebSockets open now.
#[derive(Debug, Default)]
struct Sockets {
    open: std::sync::atomic::AtomicUsize,
    closed: tokio::sync::Notify,
}

/// Counts one open WebSocket until dropped.
#[derive(Debug)]
pub struct SocketGuard(Arc<Sockets>);

impl Drop for SocketGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
        self.0.closed.notify_waiters();
    }
}

impl Default for Draining {
    fn default() -> Draining {
        let (trigger, signal) = glocal_kit::shutdown::channel();
        Draining {
            trigger: Arc::new(trigger),
            signal,
            sockets: Arc::default(),
        }
    }
}

impl Draining {
    /// Marks the gateway as draining.
    pub fn start(&self) {
        self.trigger.trigger();
    }

    /// True once shutdown has started.
    pub fn is_draining(&self) -> bool {
        self.signal.is_triggered()
    }

    /// Resolves when draining starts.
    pub fn signal(&self) -> Shutdown {
        self.signal.clone()
    }

    /// Counts a WebSocket as open until the guard is dropped.
    pub fn socket_opened(&self) -> SocketGuard {
        self.sockets.open.fetch_add(1, Ordering::SeqCst);
        SocketGuard(self.sockets.clone())
    }

    /// How many WebSockets are open.
    pub fn open_sockets(&self) -> usize {
        self.sockets.open.load(Ordering::SeqCst)
    }

    /// Waits until every WebSocket has closed, at most `deadline`; the number still open.
    pub async fn sockets_closed(&self, deadline: std::time::Duration) -> usize {
        let wait = async {
            loop {
                let closed = self.sockets.closed.notified();
                if self.open_sockets() == 0 {
                    return;
                }
                closed.await;
            }
        };
        let _ = tokio::time::timeout(deadline, wait).await;
        self.open_sockets()
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
/// [`glocal_kit::grpc::DATABASE_HEALTH`]), `down`: every dependency that is not serving,
/// named `<service>` or `<service>.database`, and the cache tier in use (`"cache":
/// "shared"` on Redis, `"local"` while Redis does not answer: never a reason to leave
/// rotation). A service that is down fails only its own fields, so it does not take the
/// gateway out of rotation; operators alert on the body (or on UNAVAILABLE errors in
/// `/metrics`).
///
/// Once shutdown starts it answers 503 `{"status":"draining"}`, so load balancers stop
/// sending new requests while in-flight ones finish.
pub async fn readyz(
    State(state): State<Arc<AppState>>,
    draining: Option<axum::Extension<Draining>>,
) -> Response {
    if draining.is_some_and(|d| d.is_draining()) {
        let body = serde_json::json!({ "status": "draining" });
        return (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
    }
    let checks = state
        .services
        .health_targets()
        .map(|(name, service, channel)| {
            let timeout = std::time::Duration::from_millis(state.settings.readiness_timeout_ms);
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
    let cache = state.entities.cache().tier().as_str();
    let body = serde_json::json!({
        "status": "ready",
        "cache": cache,
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
