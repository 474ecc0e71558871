//! The gateway's spans of GraphQL work: one per operation ([`OperationSpans`]), named and
//! typed as OpenTelemetry's GraphQL conventions say (`query GetEvent`,
//! `graphql.operation.name`, `graphql.operation.type`) with its outcome
//! (`graphql.outcome`: `ok`, `error` when a field failed, `rejected` when it never ran), the
//! child of the HTTP request's span and the parent of every gRPC call and DataLoader batch
//! it makes, over HTTP and WebSocket alike; and, for debugging only, one per resolved field
//! ([`FieldSpans`], behind `telemetry.field_spans`). Subscriptions have no operation span:
//! each event they deliver is traced where it comes from. A document refused before it
//! parses (document limits) has none either: the HTTP request's span and the
//! `graphql_operations_total` metric record it.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
    NextRequest, NextResolve, NextValidation, ResolveInfo,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{
    Request, Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};
use tracing::Instrument;
use tracing::field::Empty;

/// The schema extension that traces each query and mutation as one span. It must come
/// after [`crate::edge::limits::DocumentLimits`], which parses the document once it passed
/// the checks that keep the parser safe: the span is named after the operation the parsed
/// document selects.
pub struct OperationSpans;

impl ExtensionFactory for OperationSpans {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationSpan::default())
    }
}

/// One operation's span, from the moment its document is known.
#[derive(Default)]
struct OperationSpan {
    span: OnceLock<tracing::Span>,
    /// Whether the outcome is recorded.
    finished: AtomicBool,
}

impl OperationSpan {
    /// Records how the operation ended, once: `rejected` before it ran, else `ok` or
    /// `error`.
    fn finish(&self, outcome: &'static str) {
        if self.finished.swap(true, Ordering::Relaxed) {
            return;
        }
        if let Some(span) = self.span.get() {
            span.record("graphql.outcome", outcome);
            if outcome != "ok" {
                span.record("otel.status_code", "ERROR");
            }
        }
    }

    /// `fut` inside the operation's span, if it has one; a failure rejects the operation.
    async fn within<T>(&self, fut: impl Future<Output = ServerResult<T>>) -> ServerResult<T> {
        let result = match self.span.get() {
            Some(span) => fut.instrument(span.clone()).await,
            None => fut.await,
        };
        if result.is_err() {
            self.finish("rejected");
        }
        result
    }
}

/// What a span tells of the operation `name` of `doc` (the only one when `name` is absent):
/// its type, its name, and the span's name, `{type} {name}` or `{type}`; `None` for a
/// subscription (its events are traced where they come from). A document that selects no
/// operation gets a span without a type.
fn describe<'a>(
    doc: Option<&'a ExecutableDocument>,
    name: Option<&'a str>,
) -> Option<(Option<&'static str>, Option<&'a str>, String)> {
    let selected = doc.and_then(|doc| {
        let mut operations = doc.operations.iter();
        match name {
            Some(name) => operations.find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
            None => operations
                .next()
                .filter(|_| doc.operations.iter().nth(1).is_none()),
        }
    });
    let ty = match selected.map(|(_, op)| op.node.ty) {
        Some(OperationType::Subscription) => return None,
        Some(OperationType::Query) => Some("query"),
        Some(OperationType::Mutation) => Some("mutation"),
        None => None,
    };
    let name = selected.and_then(|(n, _)| n.map(|n| n.as_str())).or(name);
    let span_name = match (ty, name) {
        (Some(ty), Some(name)) => format!("{ty} {name}"),
        (Some(ty), None) => ty.to_owned(),
        (None, _) => "GraphQL operation".to_owned(),
    };
    Some((ty, name, span_name))
}

#[async_graphql::async_trait::async_trait]
impl Extension for OperationSpan {
    /// Over HTTP, the whole request: an operation that ended without an outcome (e.g. an
    /// unknown operation name, refused between validation and execution) was rejected.
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        self.finish("rejected");
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let name = request.operation_name.clone();
        if let Some((ty, name, span_name)) = describe(request.parsed_query().ok(), name.as_deref())
        {
            let _ = self.span.set(tracing::info_span!(
                "graphql.operation",
                otel.name = span_name.as_str(),
                graphql.operation.name = name,
                graphql.operation.type = ty,
                graphql.outcome = Empty,
                otel.status_code = Empty,
            ));
        }
        self.within(next.run(ctx, request)).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        self.within(next.run(ctx, query, variables)).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = match self.span.get() {
            Some(span) => next.run(ctx).instrument(span.clone()).await,
            None => next.run(ctx).await,
        };
        if result.is_err() {
            self.finish("rejected");
        }
        result
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let Some(span) = self.span.get() else {
            return next.run(ctx, operation_name).await;
        };
        let response = next.run(ctx, operation_name).instrument(span.clone()).await;
        self.finish(if response.errors.is_empty() {
            "ok"
        } else {
            "error"
        });
        response
    }
}

/// The schema extension that traces every resolved field as a span of its own, named by
/// its path (`telemetry.field_spans`, for debugging: it costs CPU on every field).
pub struct FieldSpans;

impl ExtensionFactory for FieldSpans {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldSpans)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for FieldSpans {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let span = tracing::info_span!(
            "graphql.field",
            otel.name = %info.path_node,
            graphql.field.parent_type = info.parent_type,
            graphql.field.return_type = info.return_type,
        );
        next.run(ctx, info).instrument(span).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_named_after_the_operation_that_runs() {
        let doc = async_graphql::parser::parse_query(
            "query A { me { subject } } mutation B { x } subscription C { y }",
        )
        .unwrap();
        let named = |name| describe(Some(&doc), name);
        assert_eq!(
            named(Some("A")),
            Some((Some("query"), Some("A"), "query A".to_owned()))
        );
        assert_eq!(
            named(Some("B")),
            Some((Some("mutation"), Some("B"), "mutation B".to_owned()))
        );
        assert_eq!(named(Some("C")), None, "no span for a subscription");
        // No name for a document of several operations, or a name it lacks: no type.
        assert_eq!(
            named(None),
            Some((None, None, "GraphQL operation".to_owned()))
        );
        assert_eq!(
            named(Some("Z")),
            Some((None, Some("Z"), "GraphQL operation".to_owned()))
        );
        let anonymous = async_graphql::parser::parse_query("{ __typename }").unwrap();
        assert_eq!(
            describe(Some(&anonymous), None),
            Some((Some("query"), None, "query".to_owned()))
        );
        assert_eq!(
            describe(None, Some("A")),
            Some((None, Some("A"), "GraphQL operation".to_owned()))
        );
    }
}
