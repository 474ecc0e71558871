//! The portal's own metrics (served on `metrics.portal_listen` by `glocal serve portal`,
//! scraped like the services' metrics ports): each page answered, by route and status, and
//! each call to the gateway, by operation and outcome, with their durations.
//!
//! | metric | labels |
//! | --- | --- |
//! | `portal_http_requests_total` | `route` (the matched pattern, e.g. `/requests/{id}`), `status` |
//! | `portal_http_request_duration_seconds` | `route` |
//! | `portal_gateway_calls_total` | `operation` (e.g. `RequestPage`), `outcome` (`ok` or the error's code) |
//! | `portal_gateway_call_duration_seconds` | `operation` |

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

use crate::api::ApiError;

/// Counts and times each request the portal answers, by its route's pattern (never the path
/// itself: ids would make a series per request); an unknown path is `other`.
pub async fn record(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!("portal_http_request_duration_seconds", "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("portal_http_requests_total", "route" => route, "status" => status)
        .increment(1);
    response
}

/// Counts and times one call to the gateway's `/graphql` as `operation`.
pub fn gateway_call<T>(operation: &'static str, started: Instant, result: &Result<T, ApiError>) {
    let outcome = match result {
        Ok(_) => "ok",
        Err(e) => e.code(),
    };
    metrics::histogram!("portal_gateway_call_duration_seconds", "operation" => operation)
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("portal_gateway_calls_total", "operation" => operation, "outcome" => outcome)
        .increment(1);
}
