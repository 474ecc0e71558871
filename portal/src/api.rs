//! The portal's only way to data: the gateway's public `/graphql` over HTTP, with the
//! signed-in person's token and the page's language (so the API's messages come localized).

use std::time::Duration;

use glocal_kit::i18n::Lang;
use graphql_client::GraphQLQuery;
use serde::Deserialize;

tokio::task_local! {
    /// The address of the visitor a request of the portal serves: every call to the gateway
    /// made while serving it says so in `x-forwarded-for` (the gateway's anonymous rate
    /// limit then counts visitors, not portal pods).
    pub static VISITOR: Option<std::net::IpAddr>;
}

/// The visitor's address, when serving one.
pub(crate) fn visitor() -> Option<std::net::IpAddr> {
    VISITOR.try_with(|v| *v).ok().flatten()
}

/// A client of the gateway's `/graphql`.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    url: String,
}

/// Why an operation did not answer data.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The gateway refused the input; `field` names the input field when it said which.
    #[error("bad input on {field:?}: {message}")]
    BadInput {
        /// The input field (`title`, `details.overseasVisit.delegationSize`), if named.
        field: Option<String>,
        /// The gateway's message, in the language asked, without its `field: ` prefix.
        message: String,
    },
    /// The token is missing, expired or refused.
    #[error("not signed in: {0}")]
    Unauthenticated(String),
    /// The caller may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// There is no such thing (or the caller may not see it).
    #[error("not found: {0}")]
    NotFound(String),
    /// The request changed meanwhile or the action does not fit its state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The gateway's rate limit: too many requests from this visitor for now.
    #[error("rate limited: {0}")]
    RateLimited(String),
    /// Any other error the gateway answered, with its code.
    #[error("{code}: {message}")]
    Other {
        /// `extensions.code`.
        code: String,
        /// The message.
        message: String,
    },
    /// The gateway could not be reached or answered something that is not GraphQL.
    #[error("gateway unreachable: {0}")]
    Transport(String),
}

impl ApiError {
    /// The message a person reads.
    pub fn message(&self) -> &str {
        match self {
            ApiError::BadInput { message, .. }
            | ApiError::Unauthenticated(message)
            | ApiError::Forbidden(message)
            | ApiError::NotFound(message)
            | ApiError::Conflict(message)
            | ApiError::RateLimited(message)
            | ApiError::Other { message, .. }
            | ApiError::Transport(message) => message,
        }
    }

    /// The error's code as the portal's metrics count it: the gateway's `extensions.code`
    /// (`UNAVAILABLE`, `INTERNAL`; any other unexpected code is `OTHER`), or `TRANSPORT` when
    /// the gateway was not reached or did not answer GraphQL.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadInput { .. } => "BAD_USER_INPUT",
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::RateLimited(_) => "RATE_LIMITED",
            ApiError::Other { code, .. } => match code.as_str() {
                "UNAVAILABLE" => "UNAVAILABLE",
                "INTERNAL" => "INTERNAL",
                _ => "OTHER",
            },
            ApiError::Transport(_) => "TRANSPORT",
        }
    }
}

#[derive(Deserialize)]
struct GqlError {
    message: String,
    #[serde(default)]
    extensions: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct GqlResponse<T> {
    data: Option<T>,
    #[serde(default)]
    errors: Vec<GqlError>,
}

/// Deadline of one file's upload through the portal (large files over slow links).
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);

impl Api {
    /// A client of `{gateway_url}/graphql` with a deadline per call.
    pub fn new(gateway_url: &str, timeout: Duration) -> Result<Api, reqwest::Error> {
        Ok(Api {
            http: reqwest::Client::builder().timeout(timeout).build()?,
            url: format!("{}/graphql", gateway_url.trim_end_matches('/')),
        })
    }

    /// The gateway's GraphQL endpoint as a WebSocket URL (`ws://…/graphql`), where its
    /// subscriptions are served.
    pub fn ws_url(&self) -> String {
        if let Some(rest) = self.url.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = self.url.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            self.url.clone()
        }
    }

    /// Sends a file's bytes to an upload link of the gateway (an `AttachmentUpload`'s `url`),
    /// at the link's path on the gateway this portal calls: the public URL the link names
    /// need not be reachable from where the portal runs. The gateway's refusal (too large,
    /// a type it does not take, an expired link) comes back like an operation's.
    pub async fn upload(
        &self,
        link: &str,
        media_type: &str,
        lang: Lang,
        body: reqwest::Body,
    ) -> Result<(), ApiError> {
        let path = reqwest::Url::parse(link)
            .ok()
            .map(|u| u.path().to_owned())
            .filter(|p| p.starts_with("/files/upload/"))
            .ok_or_else(|| ApiError::Transport("not an upload link of the gateway".into()))?;
        let base = self.url.trim_end_matches("/graphql");
        let mut request = self
            .http
            .put(format!("{base}{path}"))
            .timeout(UPLOAD_TIMEOUT)
            .header(http::header::CONTENT_TYPE, media_type)
            .header(http::header::ACCEPT_LANGUAGE, lang.as_str());
        if let Some(ip) = visitor() {
            request = request.header("x-forwarded-for", ip.to_string());
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let text = response.text().await.unwrap_or_default();
        match serde_json::from_str::<GqlResponse<serde_json::Value>>(&text)
            .ok()
            .and_then(|r| r.errors.into_iter().next())
        {
            Some(error) => Err(classify(error)),
            None => Err(ApiError::Transport(format!("HTTP {status}"))),
        }
    }

    /// Runs operation `Q` with `variables` as the holder of `token`, asking for `lang`.
    pub async fn run<Q: GraphQLQuery>(
        &self,
        token: Option<&str>,
        lang: Lang,
        variables: Q::Variables,
    ) -> Result<Q::ResponseData, ApiError> {
        let body = Q::build_query(variables);
        let operation = body.operation_name;
        let started = std::time::Instant::now();
        let result = self.call::<Q>(token, lang, body).await;
        crate::metrics::gateway_call(operation, started, &result);
        result
    }

    async fn call<Q: GraphQLQuery>(
        &self,
        token: Option<&str>,
        lang: Lang,
        body: graphql_client::QueryBody<Q::Variables>,
    ) -> Result<Q::ResponseData, ApiError> {
        let mut request = self
            .http
            .post(&self.url)
            .header(http::header::ACCEPT_LANGUAGE, lang.as_str())
            .json(&body);
        if let Some(ip) = visitor() {
            request = request.header("x-forwarded-for", ip.to_string());
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        // Errors first: a failed field may leave `data` with nulls where the schema promises
        // values, which the typed response cannot hold.
        let parsed: GqlResponse<serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
            tracing::warn!(%status, error = %e, "the gateway answered something that is not GraphQL");
            ApiError::Transport(format!("HTTP {status}"))
        })?;
        if let Some(error) = parsed.errors.into_iter().next() {
            return Err(classify(error));
        }
        let data = parsed
            .data
            .ok_or_else(|| ApiError::Transport(format!("HTTP {status} without data")))?;
        serde_json::from_value(data).map_err(|e| {
            tracing::warn!(%status, error = %e, "the gateway answered something that is not this operation's response");
            ApiError::Transport(format!("HTTP {status}"))
        })
    }
}

fn classify(error: GqlError) -> ApiError {
    let ext = error.extensions.unwrap_or_default();
    let code = ext["code"].as_str().unwrap_or("INTERNAL").to_owned();
    if ext["reason"].as_str() == Some("RATE_LIMITED") {
        return ApiError::RateLimited(error.message);
    }
    let field = ext["field"].as_str().map(str::to_owned);
    let message = error.message;
    match code.as_str() {
        "BAD_USER_INPUT" => {
            // The message keeps its leading `field: ` (docs/api.md): the page shows it by the field.
            let message = match &field {
                Some(f) => message
                    .strip_prefix(&format!("{f}: "))
                    .map(str::to_owned)
                    .unwrap_or(message),
                None => message,
            };
            ApiError::BadInput { field, message }
        }
        "UNAUTHENTICATED" => ApiError::Unauthenticated(message),
        "FORBIDDEN" => ApiError::Forbidden(message),
        "NOT_FOUND" => ApiError::NotFound(message),
        "CONFLICT" => ApiError::Conflict(message),
        _ => ApiError::Other { code, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(v: serde_json::Value) -> ApiError {
        classify(serde_json::from_value(v).unwrap())
    }

    #[test]
    fn a_field_error_keeps_its_field_and_loses_the_prefix() {
        let e = error(json!({"message": "title: is required",
            "extensions": {"code": "BAD_USER_INPUT", "field": "title"}}));
        match e {
            ApiError::BadInput { field, message } => {
                assert_eq!(field.as_deref(), Some("title"));
                assert_eq!(message, "is required");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn codes_map_to_kinds() {
        assert!(matches!(
            error(json!({"message": "no", "extensions": {"code": "FORBIDDEN"}})),
            ApiError::Forbidden(_)
        ));
        assert!(matches!(
            error(json!({"message": "gone", "extensions": {"code": "NOT_FOUND"}})),
            ApiError::NotFound(_)
        ));
        assert!(matches!(
            error(json!({"message": "x"})),
            ApiError::Other { .. }
        ));
    }
}
