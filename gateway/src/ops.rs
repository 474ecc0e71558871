//! Operational endpoints: `/healthz` (liveness: the process answers), `/readyz`
//! (readiness: the requests service's `grpc.health.v1` reports SERVING) and `/metrics`
//! (Prometheus text).

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::AppState;

/// The gRPC service whose health `/readyz` checks.
pub const REQUESTS_SERVICE: &str = "glocal.requests.v1.RequestsService";

/// `GET /healthz`: always 200 while the process runs.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: 200 when the requests service is SERVING, else 503.
pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    match requests_status(&state).await {
        Ok(ServingStatus::Serving) => (StatusCode::OK, "ready").into_response(),
        Ok(status) => {
            tracing::info!(
                status = status.as_str_name(),
                "requests service is not serving"
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "requests service not serving",
            )
                .into_response()
        }
        Err(status) => {
            tracing::info!(code = ?status.code(), message = status.message(), "requests service health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "requests service unreachable",
            )
                .into_response()
        }
    }
}

/// The health of the requests service by name, or of its whole server when it does not
/// register the name.
async fn requests_status(state: &AppState) -> Result<ServingStatus, tonic::Status> {
    let mut client = HealthClient::new(state.channel.clone());
    let check = |service: &str| {
        glocal_kit::grpc::request(
            HealthCheckRequest {
                service: service.to_owned(),
            },
            None,
            state.services.timeout,
        )
    };
    let response = match client.check(check(REQUESTS_SERVICE)).await {
        Err(status) if status.code() == tonic::Code::NotFound => client.check(check("")).await?,
        other => other?,
    };
    Ok(response.into_inner().status())
}

/// `GET /metrics`: every metric of this process in the Prometheus text format.
pub async fn metrics() -> Response {
    let mut response = glocal_kit::metrics::prometheus().render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
