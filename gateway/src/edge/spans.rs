//! The gateway's spans of GraphQL work: one per operation ([`OperationSpan`]), named and
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
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Request, Response, ServerResult, Value};
use tracing::Instrument;
use tracing::field::Empty;

/// One operation's span, from the moment its document is known: the part of
/// [`crate::edge::operation::OperationHooks`] that traces each query and mutation as one
/// span. It is named once the document passed the checks that keep the parser safe
/// ([`OperationSpan::start`], after the document limits): the span is named after the
/// operation the parsed document selects.
#[derive(Default)]
pub(crate) struct OperationSpan {
    span: OnceLock<tracing::Span>,
    /// Whether the outcome is recorded.
    finished: AtomicBool,
}

impl OperationSpan {
    /// Records how the operation ended, once: `rejected` before it ran, else `ok` or
    /// `error`.
    pub(crate) fn finish(&self, outcome: &'static str) {
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

    /// Opens the span of the operation `request` selects (none for a subscription).
    pub(crate) fn start(&self, request: &mut Request) {
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
    }

    /// `fut` inside the operation's span, if it has one; a failure rejects the operation.
    pub(crate) async fn within<T, E>(
        &self,
        fut: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        let result = match self.span.get() {
            Some(span) => fut.instrument(span.clone()).await,
            None => fut.await,
        };
        if result.is_err() {
            self.finish("rejected");
        }
        result
    }

    /// The execution `fut` inside the operation's span; its outcome is `ok` without errors,
    /// else `error`.
    pub(crate) async fn execute(&self, fut: impl Future<Output = Response>) -> Response {
        let Some(span) = self.span.get() else {
            return fut.await;
        };
        let response = fut.instrument(span.clone()).await;
        self.finish(if response.errors.is_empty() {
            "ok"
        } else {
            "error"
        });
        response
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
