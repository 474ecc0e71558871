//! What the gateway's real-HTTP tests share: a gateway served on 127.0.0.1:0 (stopped when
//! dropped), an address nothing listens on, and a small client.
#![allow(dead_code)] // each test binary uses its own part

use std::time::Duration;

use glocal_kit::Settings;
use glocal_kit::shutdown::ShutdownTrigger;
use serde_json::Value;

/// A gateway serving real HTTP until dropped.
pub struct Gateway {
    /// `http://127.0.0.1:port`.
    pub url: String,
    _stop: ShutdownTrigger,
}

impl Gateway {
    /// `{url}/graphql`.
    pub fn graphql(&self) -> String {
        format!("{}/graphql", self.url)
    }

    /// `http://127.0.0.1:port/subgraph`, the partner graph.
    pub fn subgraph(&self) -> String {
        format!("{}/subgraph", self.url)
    }
}

/// Serves a gateway with `settings` and waits until it answers.
pub async fn serve(settings: Settings) -> Gateway {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, shutdown) = glocal_kit::shutdown::channel();
    tokio::spawn(async move {
        if let Err(error) = glocal_gateway::run(&settings, listener, shutdown).await {
            panic!("gateway failed: {error}");
        }
    });
    for _ in 0..100 {
        if client().get(format!("{url}/healthz")).send().await.is_ok() {
            return Gateway { url, _stop: stop };
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the gateway did not start");
}

/// Settings whose services are all at `url` (usually [`closed_url`]).
pub fn settings(url: &str) -> Settings {
    let mut s = Settings::default();
    s.gateway.requests_url = url.to_owned();
    s.gateway.training_url = url.to_owned();
    s.gateway.events_url = url.to_owned();
    s.gateway.research_url = url.to_owned();
    s.gateway.grpc_timeout_ms = 2_000;
    s
}

/// A URL nothing listens on.
pub async fn closed_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// An HTTP client with a deadline.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// One answer: status, headers and the JSON body.
pub struct Reply {
    /// HTTP status.
    pub status: reqwest::StatusCode,
    /// Response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body as JSON (`null` when it is not JSON).
    pub body: Value,
}

impl Reply {
    /// `extensions.code` of every error.
    pub fn codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        e["extensions"]["code"]
                            .as_str()
                            .unwrap_or("<none>")
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A header's value, or "".
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

/// Reads `response` into a [`Reply`].
pub async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}

/// POSTs `body` (JSON) to `url` with an optional bearer token.
pub async fn post(url: &str, body: &Value, bearer: Option<&str>) -> Reply {
    let mut request = client().post(url).json(body);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    reply(request.send().await.unwrap()).await
}

/// POSTs `{ query }` to `gateway`.
pub async fn query(gateway: &Gateway, query: &str, bearer: Option<&str>) -> Reply {
    post(
        &gateway.graphql(),
        &serde_json::json!({ "query": query }),
        bearer,
    )
    .await
}
