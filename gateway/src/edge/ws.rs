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
//!
//! When the gateway drains (SIGTERM) it refuses new upgrades (503), every subscription ends
//! with `complete` (a `subscribe` sent meanwhile completes at once), and once the
//! connection has no operation left the gateway sends a close frame 1001 (going away);
//! `run` waits for the sockets to close within `grpc.drain_timeout_ms`. Clients resubscribe
//! (to another replica) and re-read what they show.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::extract::{FromRequestParts, Request, State, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use glocal_kit::Shutdown;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use super::AppState;
use super::ops::Draining;
use crate::edge::auth::{Authenticator, Identity};
use crate::schema::language::{Language, RequestLanguage};
use crate::upstream::entity_cache::ReadThrough;

/// The close code of a gateway that goes away (RFC 6455: going away).
pub const GOING_AWAY: u16 = 1001;

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
    let draining = request.extensions().get::<Draining>().cloned();
    if draining.as_ref().is_some_and(Draining::is_draining) {
        let mut response = (StatusCode::SERVICE_UNAVAILABLE, "draining").into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    }
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
    // gateway stops also completes the subscriptions.
    let schema = state.schema.clone();
    let authenticator = state.authenticator.clone();
    drop(state);
    let guard = draining.as_ref().map(Draining::socket_opened);
    let closing = draining.map(|d| d.signal());
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let _open = guard;
            let (sink, stream) = socket.split();
            let active = Operations::default();
            let input = {
                let active = active.clone();
                stream.inspect(move |message| {
                    if let Ok(Message::Text(text)) = message {
                        active.client_sent(text);
                    }
                })
            };
            let input = input.take_until(active.clone().drained(closing.clone()));
            let (tx, rx) = futures::channel::mpsc::unbounded::<Message>();
            let output = {
                let active = active.clone();
                tx.with(move |message: Message| {
                    if let Message::Text(text) = &message {
                        active.server_sent(text);
                    }
                    futures::future::ready(Ok::<_, futures::channel::mpsc::SendError>(message))
                })
            };
            let graphql = GraphQLWebSocket::new_with_pair(output, input, schema, protocol)
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
                .serve();
            let ((), ()) = tokio::join!(graphql, forward(rx, sink, closing));
        })
}

/// Writes what the GraphQL side sends to the socket; when it is done because the gateway
/// drains, ends with a close frame 1001.
async fn forward(
    mut messages: futures::channel::mpsc::UnboundedReceiver<Message>,
    mut sink: futures::stream::SplitSink<WebSocket, Message>,
    closing: Option<Shutdown>,
) {
    let mut closed = false;
    while let Some(message) = messages.next().await {
        closed = matches!(message, Message::Close(_));
        if sink.send(message).await.is_err() {
            return;
        }
    }
    if !closed && closing.is_some_and(|c| c.is_triggered()) {
        let frame = CloseFrame {
            code: GOING_AWAY,
            reason: "going away".into(),
        };
        let _ = sink.send(Message::Close(Some(frame))).await;
        metrics::counter!("gateway_websocket_drained_total").increment(1);
    }
    let _ = sink.close().await;
}

/// The operations of one connection that have not ended yet (by id), read off the protocol
/// messages both ways.
#[derive(Clone, Default)]
struct Operations(Arc<Mutex<HashSet<String>>>);

/// The `type` and `id` of a protocol message.
fn kind_and_id(text: &str) -> Option<(String, String)> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        r#type: String,
        id: Option<String>,
    }
    let envelope: Envelope = serde_json::from_str(text).ok()?;
    Some((envelope.r#type, envelope.id?))
}

impl Operations {
    fn set(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A client message: `subscribe` (`start`) opens an operation, `complete` (`stop`) ends it.
    fn client_sent(&self, text: &str) {
        match kind_and_id(text) {
            Some((kind, id)) if kind == "subscribe" || kind == "start" => {
                self.set().insert(id);
            }
            Some((kind, id)) if kind == "complete" || kind == "stop" => {
                self.set().remove(&id);
            }
            _ => {}
        }
    }

    /// A server message: `complete` or `error` ends an operation.
    fn server_sent(&self, text: &str) {
        if let Some((kind, id)) = kind_and_id(text)
            && (kind == "complete" || kind == "error")
        {
            self.set().remove(&id);
        }
    }

    /// Resolves once `closing` has fired and no operation is left (never without `closing`).
    async fn drained(self, closing: Option<Shutdown>) {
        let Some(closing) = closing else {
            return std::future::pending().await;
        };
        closing.wait().await;
        while !self.set().is_empty() {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
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
