//! gRPC plumbing every component shares: the server bootstrap (health, reflection, trace
//! context extraction, graceful drain) and the client side (channels, caller and trace
//! context injection).

use std::time::Duration;

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
}

/// Serves `routes` (the component's services) on `listener` together with
/// `grpc.health.v1` and server reflection, until `shutdown` resolves.
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
    let (reporter, health) = tonic_health::server::health_reporter();
    for name in service_names {
        reporter
            .set_service_status(*name, ServingStatus::Serving)
            .await;
    }
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(glocal_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let routes = routes.add_service(health).add_service(reflection);

    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    let server = tonic::transport::Server::builder()
        .trace_fn(server_span)
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

/// The span of one incoming call, a child of the caller's W3C trace context.
fn server_span(req: &http::Request<()>) -> tracing::Span {
    let path = req.uri().path();
    let span = tracing::info_span!("grpc.server", otel.name = %path.trim_start_matches('/'), rpc.system = "grpc", otel.kind = "server");
    let parent = opentelemetry::global::get_text_map_propagator(|p| {
        p.extract(&HeaderExtractor(req.headers()))
    });
    let _ = span.set_parent(parent);
    span
}

struct HeaderExtractor<'a>(&'a http::HeaderMap);

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

/// Builds an outgoing request: the message, the caller (if any), the trace context and a deadline.
pub fn request<T>(message: T, caller: Option<&Caller>, timeout: Duration) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    if let Some(caller) = caller {
        caller.to_metadata(req.metadata_mut());
    }
    inject_trace_context(req.metadata_mut());
    req.set_timeout(timeout);
    req
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
