//! GraphQL over WebSocket on `GET /graphql` (an upgrade request; any other GET is GraphQL
//! over HTTP): the `graphql-transport-ws` protocol (and the legacy `graphql-ws`) through
//! async-graphql-axum, serving queries, mutations and the subscriptions of
//! [`crate::schema::subscriptions`].
//!
//! The subscriber is authenticated once per connection: by the handshake's
//! `Authorization` header (checked by the route's auth layer like any request), or —
//! since browsers cannot set headers on a WebSocket — by `{"Authorization": "Bearer …"}`
//! in the `connection_init` payload. A token that does not verify closes the connection
//! (close code 1002 with the reason). Every operation of the connection then runs as that
//! caller.

use std::sync::Arc;

use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::{FromRequestParts, Request, State, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, header};

use super::AppState;
use crate::edge::auth::{Authenticator, Identity};
use crate::schema::language::{Language, RequestLanguage};
use crate::upstream::entity_cache::ReadThrough;

/// How long a `graphql-ws` client may leave a keep-alive ping unanswered.
const KEEPALIVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// `GET /graphql`: a WebSocket upgrade becomes a GraphQL WebSocket connection; anything
/// else is GraphQL over HTTP ([`crate::edge::http::graphql_get`]).
pub async fn graphql_get(state: State<Arc<AppState>>, request: Request) -> Response {
    let upgrade = request
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !upgrade {
        return crate::edge::http::graphql_get(state, request).await;
    }
    let State(state) = state;
    let (mut parts, _) = request.into_parts();
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &()).await {
        Ok(protocol) => protocol,
        Err(rejection) => return rejection.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let identity = parts
        .extensions
        .get::<Identity>()
        .cloned()
        .unwrap_or_default();
    let language = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or_default();
    metrics::counter!("gateway_websocket_connections_total").increment(1);
    // The connection keeps what it needs, not the whole state: dropping the state when the
    // gateway stops is what completes the subscriptions.
    let schema = state.schema.clone();
    let authenticator = state.authenticator.clone();
    drop(state);
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let identity = match token_of(&payload) {
                        Some(value) => Identity(
                            authenticate(&authenticator, value)
                                .await
                                .map_err(async_graphql::Error::new)?,
                        ),
                        None => identity,
                    };
                    let mut data = Data::default();
                    data.insert(identity);
                    // Operations over the socket include mutations, whose answers must show
                    // what they changed: every by-id read on this path goes to the services
                    // (the loaders' `LoaderBase::of` honours the mark).
                    data.insert(ReadThrough);
                    data.insert(RequestLanguage(language));
                    Ok(data)
                })
                .keepalive_timeout(KEEPALIVE_TIMEOUT)
                .serve()
                .await;
        })
}

/// The `Authorization` value of a `connection_init` payload (any letter case).
fn token_of(payload: &serde_json::Value) -> Option<&str> {
    payload
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.as_str())
}

/// The caller of an `Authorization` value, as the HTTP auth layer would decide.
async fn authenticate(
    authenticator: &Authenticator,
    value: &str,
) -> Result<Option<glocal_kit::Caller>, String> {
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(value).map_err(|_| "malformed Authorization".to_owned())?;
    headers.insert(header::AUTHORIZATION, value);
    authenticator
        .authenticate(&headers)
        .await
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_from_the_init_payload_in_any_case() {
        let payload = serde_json::json!({ "authorization": "Bearer abc" });
        assert_eq!(token_of(&payload), Some("Bearer abc"));
        let payload = serde_json::json!({ "Authorization": "Bearer abc" });
        assert_eq!(token_of(&payload), Some("Bearer abc"));
        assert_eq!(token_of(&serde_json::json!({})), None);
        assert_eq!(token_of(&serde_json::Value::Null), None);
    }
}
