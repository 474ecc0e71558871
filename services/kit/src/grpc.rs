//! gRPC plumbing every component shares: the server bootstrap (health, reflection, trace
//! context extraction, per-method metrics, signed caller verification, graceful drain,
//! readiness that follows the database) and the client side (channels, signed caller and
//! trace context injection).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use opentelemetry::propagation::{Extractor, Injector};
use tokio::net::TcpListener;
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tonic::service::Routes;
use tonic::transport::{Channel, Endpoint};
use tonic_health::ServingStatus;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::caller::Caller;
use crate::config::GrpcSettings;
use crate::shutdown::Shutdown;

pub mod adapter;
pub use adapter::{bad, caller, from_opt_ts, from_ts, parse_ts, period_in, period_out, status, ts};

/// Errors of the gRPC bootstrap.
#[derive(Debug, thiserror::Error)]
pub enum GrpcError {
    /// The reflection service could not be built.
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// The server failed.
    #[error("gRPC server: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// A client endpoint URL is invalid.
    #[error("invalid endpoint `{0}`")]
    Endpoint(String),
    /// The trusted caller-token keys (`grpc.identity_keys`) do not parse.
    #[error(transparent)]
    Identity(#[from] crate::identity::KeyError),
}

/// The `grpc.health.v1` name under which a service reports its database alone (SERVING
/// while `SELECT 1` answers), so that a readiness check can say which dependency is down.
pub const DATABASE_HEALTH: &str = "glocal.database";

/// How often the database behind a server is checked, and how long one check may take.
pub const DATABASE_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Serves `routes` (the component's services) on `listener` together with
/// `grpc.health.v1` and server reflection, until `shutdown` resolves.
///
/// Every call but health checks and reflection must carry a caller token signed by a key of
/// `grpc.identity_keys` ([`IdentityLayer`]).
///
/// On shutdown every service named in `service_names` (and the server as a whole) turns
/// NOT_SERVING; after `shutdown_delay_ms` the listener closes and in-flight calls get
/// `drain_timeout_ms` to finish.
pub async fn serve(
    listener: TcpListener,
    routes: Routes,
    service_names: &[&str],
    settings: &GrpcSettings,
    shutdown: Shutdown,
) -> Result<(), GrpcError> {
    serve_inner(listener, routes, service_names, settings, None, shutdown).await
}

/// [`serve`] for a service over `db`: readiness follows the database. A cheap `SELECT 1`
/// every [`DATABASE_CHECK_INTERVAL`] (bounded by the same) decides; while it fails the
/// server and every named service report NOT_SERVING (and [`DATABASE_HEALTH`] says why),
/// and each call fails at once with UNAVAILABLE and a retry hint instead of waiting for
/// its deadline on a pool that cannot connect.
pub async fn serve_with_database(
    listener: TcpListener,
    routes: Routes,
    service_names: &[&str],
    settings: &GrpcSettings,
    db: sea_orm::DatabaseConnection,
    shutdown: Shutdown,
) -> Result<(), GrpcError> {
    serve_inner(
        listener,
        routes,
        service_names,
        settings,
        Some(db),
        shutdown,
    )
    .await
}

/// Whether the database answers `SELECT 1` within [`DATABASE_CHECK_INTERVAL`].
pub async fn database_answers(db: &sea_orm::DatabaseConnection) -> bool {
    matches!(
        tokio::time::timeout(DATABASE_CHECK_INTERVAL, db.ping()).await,
        Ok(Ok(()))
    )
}

/// Checks `db` every [`DATABASE_CHECK_INTERVAL`], keeping `up` and the health statuses of
/// the server, `names` and [`DATABASE_HEALTH`] in step with it.
async fn watch_database(
    db: sea_orm::DatabaseConnection,
    up: Arc<AtomicBool>,
    reporter: tonic_health::server::HealthReporter,
    names: Vec<String>,
) {
    let mut last = true;
    loop {
        tokio::time::sleep(DATABASE_CHECK_INTERVAL).await;
        let now = database_answers(&db).await;
        up.store(now, Ordering::Relaxed);
        if now == last {
            continue;
        }
        last = now;
        let status = if now {
            tracing::info!("database answers again: reporting SERVING");
            ServingStatus::Serving
        } else {
            tracing::warn!("database unreachable: reporting NOT_SERVING, failing calls fast");
            ServingStatus::NotServing
        };
        metrics::gauge!("grpc_server_database_up").set(f64::from(u8::from(now)));
        reporter.set_service_status("", status).await;
        reporter.set_service_status(DATABASE_HEALTH, status).await;
        for name in &names {
            reporter.set_service_status(name.as_str(), status).await;
        }
    }
}

async fn serve_inner(
    listener: TcpListener,
    routes: Routes,
    service_names: &[&str],
    settings: &GrpcSettings,
    db: Option<sea_orm::DatabaseConnection>,
    shutdown: Shutdown,
) -> Result<(), GrpcError> {
    let (reporter, health) = tonic_health::server::health_reporter();
    for name in service_names {
        reporter
            .set_service_status(*name, ServingStatus::Serving)
            .await;
    }
    let up = Arc::new(AtomicBool::new(true));
    let watcher = match db {
        Some(db) => {
            reporter
                .set_service_status(DATABASE_HEALTH, ServingStatus::Serving)
                .await;
            metrics::gauge!("grpc_server_database_up").set(1.0);
            let names = service_names.iter().map(|n| (*n).to_owned()).collect();
            Some(tokio::spawn(watch_database(
                db,
                up.clone(),
                reporter.clone(),
                names,
            )))
        }
        None => None,
    };
    let watching = AbortOnDrop(watcher);
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(glocal_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let routes = routes.add_service(health).add_service(reflection);
    let identity = IdentityLayer::new(crate::identity::Verifier::new(&settings.identity_keys)?);

    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    // Accepted connections get TCP_NODELAY: without it Nagle's algorithm holds each small
    // response until the client's delayed ACK (~40 ms per call on Linux).
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    let server = tonic::transport::Server::builder()
        .trace_fn(server_span)
        .layer(MetricsLayer)
        .layer(identity)
        .layer(FailFastLayer { up })
        .layer(crate::outbox::ActorLayer)
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming, async {
            let _ = stop_rx.await;
        });
    tokio::pin!(server);

    tokio::select! {
        result = &mut server => return result.map_err(GrpcError::from),
        () = shutdown.wait() => {}
    }
    tracing::info!("gRPC server shutting down: reporting NOT_SERVING");
    drop(watching);
    reporter
        .set_service_status("", ServingStatus::NotServing)
        .await;
    for name in service_names {
        reporter
            .set_service_status(*name, ServingStatus::NotServing)
            .await;
    }
    let delay = Duration::from_millis(settings.shutdown_delay_ms);
    tokio::select! {
        result = &mut server => return result.map_err(GrpcError::from),
        () = tokio::time::sleep(delay) => {}
    }
    let _ = stop_tx.send(());
    match tokio::time::timeout(
        Duration::from_millis(settings.drain_timeout_ms),
        &mut server,
    )
    .await
    {
        Ok(result) => result.map_err(GrpcError::from),
        Err(_) => {
            tracing::warn!(
                drain_timeout_ms = settings.drain_timeout_ms,
                "in-flight calls did not finish before the drain deadline"
            );
            Ok(())
        }
    }
}

/// Aborts the database watcher when serving ends, however it ends.
struct AbortOnDrop(Option<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.abort();
        }
    }
}

/// A tower layer that answers every call but health checks and reflection at once with
/// UNAVAILABLE (and the retry hint) while `up` is false: the database is unreachable.
#[derive(Debug, Clone)]
pub struct FailFastLayer {
    up: Arc<AtomicBool>,
}

impl<S> tower::Layer<S> for FailFastLayer {
    type Service = FailFast<S>;
    fn layer(&self, inner: S) -> Self::Service {
        FailFast {
            inner,
            up: self.up.clone(),
        }
    }
}

/// The service of [`FailFastLayer`].
#[derive(Debug, Clone)]
pub struct FailFast<S> {
    inner: S,
    up: Arc<AtomicBool>,
}

impl<S, B> tower::Service<http::Request<B>> for FailFast<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let path = req.uri().path();
        let exempt = path.starts_with("/grpc.health.") || path.starts_with("/grpc.reflection.");
        if !exempt && !self.up.load(Ordering::Relaxed) {
            let status = crate::error::unavailable(
                "database unavailable, retry later",
                crate::error::DEFAULT_RETRY_AFTER,
            );
            return Box::pin(std::future::ready(Ok(status.into_http())));
        }
        Box::pin(self.inner.call(req))
    }
}

/// The span of one incoming call, a child of the caller's W3C trace context.
fn server_span(req: &http::Request<()>) -> tracing::Span {
    let path = req.uri().path();
    let name = path.trim_start_matches('/');
    let (service, method) = name.split_once('/').unwrap_or((name, ""));
    let span = tracing::info_span!(
        "grpc.server",
        otel.name = %name,
        otel.kind = "server",
        rpc.system = "grpc",
        rpc.service = %service,
        rpc.method = %method,
    );
    crate::telemetry::set_remote_parent(&span, req.headers());
    span
}

/// A tower layer that counts every call served (`grpc_server_requests_total` by service,
/// method and status code) and records its duration (`grpc_server_request_duration_seconds`
/// by service and method, until the response headers: the whole call for unary methods).
#[derive(Debug, Clone, Copy, Default)]
pub struct MetricsLayer;

impl<S> tower::Layer<S> for MetricsLayer {
    type Service = MetricsService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        MetricsService { inner }
    }
}

/// The service of [`MetricsLayer`].
#[derive(Debug, Clone)]
pub struct MetricsService<S> {
    inner: S,
}

impl<S, B, R> tower::Service<http::Request<B>> for MetricsService<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let path = req.uri().path().to_owned();
        let started = Instant::now();
        let call = self.inner.call(req);
        Box::pin(async move {
            let result = call.await;
            let code = match &result {
                Ok(response) => response
                    .headers()
                    .get("grpc-status")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<i32>().ok())
                    .map_or(tonic::Code::Ok, tonic::Code::from_i32),
                Err(_) => tonic::Code::Internal,
            };
            let (service, method) = match path.trim_start_matches('/').split_once('/') {
                // Unknown paths are the client's choice: keep them out of the label space.
                Some((service, method)) if code != tonic::Code::Unimplemented => {
                    (service.to_owned(), method.to_owned())
                }
                _ => ("unknown".to_owned(), "unknown".to_owned()),
            };
            metrics::counter!(
                "grpc_server_requests_total",
                "service" => service.clone(),
                "method" => method.clone(),
                "code" => code_name(code),
            )
            .increment(1);
            metrics::histogram!(
                "grpc_server_request_duration_seconds",
                "service" => service,
                "method" => method,
            )
            .record(started.elapsed().as_secs_f64());
            result
        })
    }
}

/// A tower layer that admits a call only with a valid caller token
/// ([`crate::identity::TOKEN_METADATA`]) and replaces every `glocal-caller-*` header by what
/// the verified token says, so handlers read a caller nobody could forge. Health checks and
/// reflection need no token. A refused call is answered UNAUTHENTICATED and counted.
#[derive(Debug, Clone)]
pub struct IdentityLayer {
    verifier: std::sync::Arc<crate::identity::Verifier>,
}

impl IdentityLayer {
    /// A layer trusting `verifier`'s keys.
    pub fn new(verifier: crate::identity::Verifier) -> Self {
        IdentityLayer {
            verifier: std::sync::Arc::new(verifier),
        }
    }
}

impl<S> tower::Layer<S> for IdentityLayer {
    type Service = IdentityService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        IdentityService {
            inner,
            verifier: self.verifier.clone(),
        }
    }
}

/// The service of [`IdentityLayer`].
#[derive(Debug, Clone)]
pub struct IdentityService<S> {
    inner: S,
    verifier: std::sync::Arc<crate::identity::Verifier>,
}

impl<S, B> tower::Service<http::Request<B>> for IdentityService<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: http::Request<B>) -> Self::Future {
        let path = req.uri().path();
        if path.starts_with("/grpc.health.v1.") || path.starts_with("/grpc.reflection.") {
            return Box::pin(self.inner.call(req));
        }
        match admit(&self.verifier, req.headers_mut()) {
            Ok(()) => Box::pin(self.inner.call(req)),
            Err(status) => {
                metrics::counter!("grpc_server_unauthenticated_total").increment(1);
                tracing::warn!(path = %req.uri().path(), reason = status.message(), "call refused: caller token");
                Box::pin(async move { Ok(status.into_http()) })
            }
        }
    }
}

/// Verifies the call's caller token and rewrites its caller headers from the token.
fn admit(
    verifier: &crate::identity::Verifier,
    headers: &mut http::HeaderMap,
) -> Result<(), tonic::Status> {
    let token = headers
        .get(crate::identity::TOKEN_METADATA)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| tonic::Status::unauthenticated("caller token missing"))?;
    let caller = verifier
        .verify(token)
        .map_err(|e| tonic::Status::unauthenticated(format!("caller token refused: {e}")))?;
    let forged: Vec<http::HeaderName> = headers
        .keys()
        .filter(|k| k.as_str().starts_with("glocal-caller-"))
        .cloned()
        .collect();
    for name in forged {
        headers.remove(name);
    }
    if let Some(caller) = caller {
        let mut md = MetadataMap::new();
        caller.to_metadata(&mut md);
        headers.extend(md.into_headers());
    }
    Ok(())
}

/// The canonical upper-case name of a gRPC status code (`OK`, `NOT_FOUND`, …).
pub fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code;
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// Reads W3C trace context from HTTP headers.
pub(crate) struct HeaderExtractor<'a>(pub(crate) &'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

struct MetadataInjector<'a>(&'a mut MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(k), Ok(v)) = (
            MetadataKey::from_bytes(key.as_bytes()),
            MetadataValue::try_from(value.as_str()),
        ) {
            self.0.insert(k, v);
        }
    }
}

/// Writes the current span's W3C trace context into outgoing call metadata.
pub fn inject_trace_context(md: &mut MetadataMap) {
    let cx = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|p| {
        p.inject_context(&cx, &mut MetadataInjector(md))
    });
}

/// Builds an outgoing request: the message, the caller (`None`: anonymous) signed by this
/// process's [`crate::identity::signer`], the trace context and a deadline.
pub fn request<T>(message: T, caller: Option<&Caller>, timeout: Duration) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    sign_caller(req.metadata_mut(), caller);
    inject_trace_context(req.metadata_mut());
    req.set_timeout(timeout);
    req
}

/// Writes the signed caller token (`None`: anonymous) into outgoing call metadata.
pub fn sign_caller(md: &mut MetadataMap, caller: Option<&Caller>) {
    let token = crate::identity::signer().token(caller);
    if let Ok(v) = MetadataValue::try_from(token.as_str()) {
        md.insert(crate::identity::TOKEN_METADATA, v);
    }
}

/// Whether `service` (`""` for the whole server) on `channel` answers SERVING on
/// `grpc.health.v1`; an unreachable server or unknown service is an error.
pub async fn is_serving(
    channel: Channel,
    service: &str,
    timeout: Duration,
) -> Result<bool, tonic::Status> {
    let mut client = tonic_health::pb::health_client::HealthClient::new(channel);
    let request = request(
        tonic_health::pb::HealthCheckRequest {
            service: service.to_owned(),
        },
        None,
        timeout,
    );
    let status = client.check(request).await?.into_inner().status();
    Ok(status == tonic_health::pb::health_check_response::ServingStatus::Serving)
}

/// A lazily connecting, reusable channel to `url` (connections are made on first use
/// and re-made after failures).
pub fn channel(url: &str, connect_timeout: Duration) -> Result<Channel, GrpcError> {
    let endpoint =
        Endpoint::from_shared(url.to_owned()).map_err(|_| GrpcError::Endpoint(url.to_owned()))?;
    Ok(endpoint
        .connect_timeout(connect_timeout)
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_while_idle(true)
        .connect_lazy())
}
