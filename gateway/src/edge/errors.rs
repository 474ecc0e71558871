//! The edge's own answers: a GraphQL-shaped error response (`{"errors":[{"message",
//! "extensions":{"code"}}]}`) for requests refused before the schema runs (authentication,
//! rate limits, malformed requests), and the response media types of GraphQL over HTTP
//! they are written in.

use axum::response::{IntoResponse, Response};
use glocal_kit::error::ErrorCode;
use http::{HeaderMap, HeaderValue, StatusCode, header};

/// The media type of the GraphQL-over-HTTP specification.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// A response media type the endpoint can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`.
    GraphQLResponseJson,
    /// `application/json`.
    Json,
}

impl MediaType {
    /// The `Content-Type` value.
    pub const fn as_str(self) -> &'static str {
        match self {
            MediaType::GraphQLResponseJson => GRAPHQL_RESPONSE_JSON,
            MediaType::Json => "application/json",
        }
    }
}

/// The media type to answer with, from the `Accept` headers; `None` when neither JSON
/// type is acceptable. No `Accept`, `*/*` and `application/*` mean `application/json`;
/// among equal qualities the first listed wins.
pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let values: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let accept = values.join(",");
    if accept.trim().is_empty() {
        return Some(MediaType::Json);
    }
    let mut best: Option<(f32, MediaType)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let candidate = match media.as_str() {
            GRAPHQL_RESPONSE_JSON => MediaType::GraphQLResponseJson,
            "application/json" | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, candidate));
        }
    }
    best.map(|(_, media)| media)
}

/// A GraphQL-shaped error response (`{"errors":[{"message","extensions":{"code"}}]}`) as
/// `application/json`.
pub fn error_response(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    error_response_as(status, code, message, MediaType::Json)
}

/// A GraphQL-shaped error response in `media`.
pub fn error_response_as(
    status: StatusCode,
    code: ErrorCode,
    message: &str,
    media: MediaType,
) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] });
    json_response(status, media, &body)
}

pub(crate) fn json_response(
    status: StatusCode,
    media: MediaType,
    body: &serde_json::Value,
) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.as_str()),
    );
    response
}
