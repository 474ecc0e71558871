//! Live updates of a request's page over the gateway's subscriptions (issue 20): the page's
//! script opens a WebSocket to the portal (`GET /requests/{id}/live`: same origin, the
//! session cookie), and the portal subscribes to the gateway's
//! `serviceRequestUpdated(id)` over `graphql-transport-ws` as the signed-in person (their
//! token stays on the server, never in the page's script). Each update reaches the browser as
//! a text message with the request's new version; the script then reads the page again and
//! replaces what changed. When the socket cannot open or closes, the script falls back to
//! reading the page every few seconds; without JavaScript, reloading shows the same.

use std::time::Duration;

use axum::Extension;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as Upstream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::PortalState;
use crate::session::Visit;

/// The subscription the portal runs for a request's page.
const UPDATED: &str = "subscription($id: ID!) { serviceRequestUpdated(id: $id) { version } }";

/// How long the gateway may take to accept the connection.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// `GET /requests/{id}/live`: a WebSocket that says each new version of request `id`
/// (signed-in people only; 401 otherwise).
pub async fn request_live(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    Path(id): Path<String>,
    ws: WebSocketUpgrade,
) -> Response {
    let Some(person) = visit.session.person.clone() else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let url = state.api.ws_url();
    // The upgraded socket runs in a task of its own: take the visitor's address along.
    let visitor = crate::api::visitor();
    ws.on_upgrade(move |socket| async move {
        if let Err(error) = relay(socket, &url, &person.token, &id, visitor).await {
            tracing::debug!(%error, "live updates ended");
        }
    })
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Subscribes upstream and passes each update's version on until either side closes.
async fn relay(
    mut browser: WebSocket,
    url: &str,
    token: &str,
    id: &str,
    visitor: Option<std::net::IpAddr>,
) -> Result<(), BoxError> {
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
    if let Some(ip) = visitor {
        request
            .headers_mut()
            .insert("x-forwarded-for", ip.to_string().parse()?);
    }
    let (mut upstream, _) =
        tokio::time::timeout(HANDSHAKE, tokio_tungstenite::connect_async(request)).await??;
    let send = |v: Value| Upstream::Text(v.to_string().into());
    upstream
        .send(send(json!({
            "type": "connection_init",
            "payload": { "Authorization": format!("Bearer {token}") }
        })))
        .await?;
    upstream
        .send(send(json!({
            "id": "1",
            "type": "subscribe",
            "payload": { "query": UPDATED, "variables": { "id": id } }
        })))
        .await?;
    loop {
        tokio::select! {
            from_gateway = upstream.next() => {
                let Some(message) = from_gateway else { break };
                let text = match message? {
                    Upstream::Text(text) => text,
                    Upstream::Close(_) => break,
                    _ => continue,
                };
                let message: Value = serde_json::from_str(&text)?;
                match message["type"].as_str() {
                    Some("next") => {
                        let version = &message["payload"]["data"]["serviceRequestUpdated"]["version"];
                        if let Some(version) = version.as_i64() {
                            browser.send(Message::Text(version.to_string().into())).await?;
                        }
                    }
                    Some("ping") => upstream.send(send(json!({ "type": "pong" }))).await?,
                    Some("error" | "complete") => break,
                    _ => {}
                }
            }
            from_browser = browser.recv() => {
                match from_browser {
                    None | Some(Ok(Message::Close(_)) | Err(_)) => {
                        let _ = upstream.send(send(json!({ "id": "1", "type": "complete" }))).await;
                        break;
                    }
                    Some(Ok(_)) => {}
                }
            }
        }
    }
    let _ = upstream.close(None).await;
    let _ = browser.send(Message::Close(None)).await;
    Ok(())
}
