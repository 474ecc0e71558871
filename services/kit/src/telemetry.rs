//! Telemetry: `tracing` with an env filter, human-readable logs in development and JSON in
//! production (each line carrying the OpenTelemetry `trace_id` and `span_id` of the span it
//! was logged in), and OTLP trace export when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the
//! exporter reads the other standard `OTEL_*` variables itself).
//!
//! Spans always get OpenTelemetry ids, exported or not, so log lines of one GraphQL
//! operation share a trace id across the gateway and the services. Exported spans have
//! their own filter (`telemetry.trace_filter`), independent of `log.filter`: by default it
//! adds sea-orm's span of every SQL statement and transaction, which are made only while
//! spans are exported.

use std::sync::{Arc, OnceLock};

use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::FilterExt as _;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{LogFormat, Settings};

/// Flushes spans still buffered when dropped; keep it alive for the life of `main`.
#[must_use = "dropping the guard stops trace export"]
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl TelemetryGuard {
    /// Exports every finished span still buffered (for tests and short-lived commands).
    pub fn flush(&self) {
        if let Some(provider) = &self.provider {
            let _ = provider.force_flush();
        }
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take() {
            let _ = provider.shutdown();
        }
    }
}

/// Errors of telemetry setup.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The log filter does not parse.
    #[error("log.filter: {0}")]
    Filter(String),
    /// The trace filter does not parse.
    #[error("telemetry.trace_filter: {0}")]
    TraceFilter(String),
    /// The OTLP exporter could not be built.
    #[error("OTLP exporter: {0}")]
    Exporter(String),
    /// A global subscriber was already installed.
    #[error("telemetry already initialised")]
    AlreadyInitialised,
}

/// The spans left out when nothing is exported (they override the trace filter's own).
const UNEXPORTED_OFF: &str = "sea_orm::driver=off,sea_orm::database::transaction=off";

/// Where finished spans go.
enum Export<'a> {
    /// Nowhere: spans still get ids for the logs.
    Nowhere,
    /// OTLP/gRPC to the endpoint the standard `OTEL_*` variables name.
    FromEnvironment,
    /// OTLP/gRPC to this endpoint.
    To(&'a str),
}

/// Installs the global subscriber for a process whose components are named `service_name`.
/// `otlp_endpoint` is the value of `OTEL_EXPORTER_OTLP_ENDPOINT`, if set: when it is
/// non-empty, spans are exported over OTLP/gRPC, configured by the standard `OTEL_*`
/// variables (endpoint, headers, timeout, compression).
pub fn init(
    settings: &Settings,
    service_name: &str,
    otlp_endpoint: Option<&str>,
) -> Result<TelemetryGuard, TelemetryError> {
    let export = match otlp_endpoint.filter(|e| !e.trim().is_empty()) {
        Some(_) => Export::FromEnvironment,
        None => Export::Nowhere,
    };
    install(settings, service_name, export)
}

/// Like [`init`], exporting to `endpoint` (e.g. `http://127.0.0.1:4317`) whatever the
/// environment says: for tests with an in-process collector, and for embedding.
pub fn init_exporting_to(
    settings: &Settings,
    service_name: &str,
    endpoint: &str,
) -> Result<TelemetryGuard, TelemetryError> {
    install(settings, service_name, Export::To(endpoint))
}

fn install(
    settings: &Settings,
    service_name: &str,
    export: Export<'_>,
) -> Result<TelemetryGuard, TelemetryError> {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let log_filter = EnvFilter::try_new(&settings.log.filter)
        .map_err(|e| TelemetryError::Filter(e.to_string()))?;
    let exporting = !matches!(export, Export::Nowhere);
    // Spans nobody exports only lend their ids to log lines: without an exporter no span is
    // made per SQL statement or transaction (issue 14: they cost every service call CPU).
    let trace_filter = if exporting {
        settings.telemetry.trace_filter.clone()
    } else {
        format!("{},{UNEXPORTED_OFF}", settings.telemetry.trace_filter)
    };
    let trace_filter = EnvFilter::try_new(&trace_filter)
        .map_err(|e| TelemetryError::TraceFilter(e.to_string()))?;
    let dispatch = DispatchSlot::default();
    let fmt = match settings.log_format() {
        LogFormat::Pretty => tracing_subscriber::fmt::layer()
            .with_target(false)
            .with_filter(log_filter)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .map_event_format(|inner| WithTraceIds {
                inner,
                dispatch: dispatch.clone(),
            })
            .with_filter(log_filter)
            .boxed(),
    };

    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(service_name.to_owned())
        .build();
    let mut builder = SdkTracerProvider::builder().with_resource(resource);
    match export {
        Export::Nowhere => {}
        Export::FromEnvironment => {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .build()
                .map_err(|e| TelemetryError::Exporter(e.to_string()))?;
            builder = builder.with_batch_exporter(exporter);
        }
        Export::To(endpoint) => {
            use opentelemetry_otlp::WithExportConfig as _;
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .build()
                .map_err(|e| TelemetryError::Exporter(e.to_string()))?;
            builder = builder.with_batch_exporter(exporter);
        }
    }
    let provider = builder.build();
    let otel = otel_layer(
        provider.tracer(service_name.to_owned()),
        trace_filter,
        exporting,
    );
    tracing_subscriber::registry()
        .with(fmt)
        .with(otel)
        .with(dispatch)
        .try_init()
        .map_err(|_| TelemetryError::AlreadyInitialised)?;
    if exporting {
        opentelemetry::global::set_tracer_provider(provider.clone());
    }
    Ok(TelemetryGuard {
        provider: Some(provider),
    })
}

/// The OpenTelemetry layer, filtered by `trace_filter`. When nothing is `exporting`, it
/// records only what log lines take from it (each span's ids, ADR 0060): events do not become
/// span events (it sees spans alone, so an event no log line shows, such as the access log's
/// `INFO` line under `warn`, costs nothing), and spans keep no busy and idle times or end
/// (taken at every poll of an instrumented future), no code location or thread, and make no
/// OpenTelemetry context current on each entry (nothing of ours reads it: propagation takes a
/// span's context from the span).
fn otel_layer<S>(
    tracer: opentelemetry_sdk::trace::SdkTracer,
    trace_filter: EnvFilter,
    exporting: bool,
) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_tracked_inactivity(exporting)
        .with_context_activation(exporting)
        .with_location(exporting)
        .with_threads(exporting)
        .with_filter(
            trace_filter.and(tracing_subscriber::filter::filter_fn(move |meta| {
                exporting || meta.is_span()
            })),
        )
}

/// Makes `span` a child of the W3C trace context in `headers` (`traceparent`), when there
/// is one: an incoming request then continues its caller's trace.
pub fn set_remote_parent(span: &tracing::Span, headers: &http::HeaderMap) {
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;
    let parent = opentelemetry::global::get_text_map_propagator(|p| {
        p.extract(&crate::grpc::HeaderExtractor(headers))
    });
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
}

/// For tests: logs to the test writer at `warn` (or `RUST_LOG`), once per process.
pub fn init_for_test() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
        let _ = tracing_subscriber::registry()
            .with(filter)
            .with(tracing_subscriber::fmt::layer().with_test_writer())
            .try_init();
    });
}

/// The OpenTelemetry trace and span ids (lower-case hex) of the span `event` was
/// recorded in, if that span has a valid OpenTelemetry context.
fn trace_ids<S, N>(
    ctx: &FmtContext<'_, S, N>,
    event: &Event<'_>,
    dispatch: &DispatchSlot,
) -> Option<(String, String)>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    let id = event
        .parent()
        .cloned()
        .or_else(|| ctx.lookup_current().map(|span| span.id()))?;
    // Not `dispatcher::get_default`: inside event dispatch it answers the no-op dispatcher.
    let dispatch = dispatch.0.get()?.upgrade()?;
    let cx = tracing_opentelemetry::get_otel_context(&id, &dispatch)?;
    let span = cx.span();
    let sc = span.span_context();
    sc.is_valid()
        .then(|| (sc.trace_id().to_string(), sc.span_id().to_string()))
}

/// Remembers the dispatcher the subscriber is registered with, so the event formatter can
/// reach the OpenTelemetry layer's span data.
#[derive(Clone, Default)]
struct DispatchSlot(Arc<OnceLock<tracing::dispatcher::WeakDispatch>>);

impl<S: Subscriber> Layer<S> for DispatchSlot {
    fn on_register_dispatch(&self, dispatch: &tracing::Dispatch) {
        let _ = self.0.set(dispatch.downgrade());
    }
}

/// A JSON event format that prepends `"trace_id"` and `"span_id"` to each line logged
/// inside a span.
struct WithTraceIds<F> {
    inner: F,
    dispatch: DispatchSlot,
}

impl<S, N, F> FormatEvent<S, N> for WithTraceIds<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let Some((trace_id, span_id)) = trace_ids(ctx, event, &self.dispatch) else {
            return self.inner.format_event(ctx, writer, event);
        };
        let mut line = String::new();
        self.inner
            .format_event(ctx, Writer::new(&mut line), event)?;
        match line.strip_prefix('{') {
            Some(rest) => {
                let sep = if rest.starts_with('}') { "" } else { "," };
                write!(
                    writer,
                    "{{\"trace_id\":\"{trace_id}\",\"span_id\":\"{span_id}\"{sep}{rest}"
                )
            }
            None => writer.write_str(&line),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use tracing_opentelemetry::OpenTelemetrySpanExt as _;

    use super::*;

    /// A `MakeWriter` into a shared buffer.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn json_log_lines_carry_the_spans_trace_and_span_ids() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let provider = SdkTracerProvider::builder().build();
        let dispatch = DispatchSlot::default();
        let slot = dispatch.clone();
        let subscriber = tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .map_event_format(move |inner| WithTraceIds {
                        inner,
                        dispatch: slot,
                    })
                    .with_writer(move || writer.clone()),
            )
            // As `install` builds it when nothing exports (ADR 0060): ids only.
            .with(otel_layer(
                provider.tracer("test"),
                EnvFilter::new("info"),
                false,
            ))
            .with(dispatch);
        let expected = tracing::subscriber::with_default(subscriber, || {
            tracing::info!("outside any span");
            let span = tracing::info_span!("operation");
            let _entered = span.enter();
            tracing::info!(answer = 42, "inside");
            let cx = span.context();
            let sc = cx.span().span_context().clone();
            (sc.trace_id().to_string(), sc.span_id().to_string())
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].get("trace_id").is_none(), "{text}");
        assert_eq!(lines[1]["trace_id"], expected.0.as_str(), "{text}");
        assert_eq!(lines[1]["span_id"], expected.1.as_str(), "{text}");
        assert_eq!(lines[1]["answer"], 42, "{text}");
    }
}
