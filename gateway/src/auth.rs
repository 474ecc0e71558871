//! Authentication at the edge: a bearer JWT becomes a [`Caller`]. No `Authorization`
//! header means an anonymous caller; an invalid or expired token is refused with 401 and a
//! GraphQL error (`UNAUTHENTICATED`) before any resolver runs.
//!
//! The caller goes into the GraphQL context ([`Identity`]) and from there into the gRPC
//! metadata of every service call.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use glocal_kit::Caller;
use glocal_kit::caller::DevTokens;
use glocal_kit::error::ErrorCode;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::http::error_response;

/// The authenticated caller of one request, `None` when anonymous (request extension and
/// GraphQL request data).
#[derive(Debug, Clone, Default)]
pub struct Identity(pub Option<Caller>);

/// Why a request's credentials were refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    /// The header is not `Bearer <token>`.
    #[error("the Authorization header must be `Bearer <token>`")]
    Malformed,
    /// The token's signature, issuer, audience or expiry is wrong.
    #[error("invalid or expired token")]
    InvalidToken,
}

/// The caller named by `headers`' bearer token; `Ok(None)` without an `Authorization` header.
pub fn authenticate(headers: &HeaderMap, tokens: &DevTokens) -> Result<Option<Caller>, AuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AuthError::Malformed)?;
    let (scheme, token) = value.trim().split_once(' ').ok_or(AuthError::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AuthError::Malformed);
    }
    match tokens.verify(token.trim()) {
        Ok(caller) => Ok(Some(caller)),
        Err(error) => {
            tracing::info!(%error, "bearer token refused");
            Err(AuthError::InvalidToken)
        }
    }
}

/// Middleware: authenticates the request and stores its [`Identity`] as an extension.
pub async fn layer(
    State(tokens): State<Arc<DevTokens>>,
    mut request: Request,
    next: Next,
) -> Response {
    match authenticate(request.headers(), &tokens) {
        Ok(caller) => {
            request.extensions_mut().insert(Identity(caller));
            next.run(request).await
        }
        Err(error) => {
            let mut response = error_response(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthenticated,
                &error.to_string(),
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glocal_kit::Role;

    fn headers(auth: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(auth).unwrap());
        h
    }

    #[test]
    fn bearer_tokens_become_callers() {
        let tokens = DevTokens::new(b"0123456789abcdef", "glocal-dev", "glocal");
        let caller = Caller::new("u1", "Kim", "11000", [Role::LocalOfficial]);
        let token = tokens.mint(&caller, std::time::Duration::from_secs(60));
        assert_eq!(authenticate(&HeaderMap::new(), &tokens), Ok(None));
        assert_eq!(
            authenticate(&headers(&format!("Bearer {token}")), &tokens),
            Ok(Some(caller))
        );
        assert_eq!(
            authenticate(&headers(&format!("Basic {token}")), &tokens),
            Err(AuthError::Malformed)
        );
        assert_eq!(
            authenticate(&headers("Bearer nope"), &tokens),
            Err(AuthError::InvalidToken)
        );
    }
}
