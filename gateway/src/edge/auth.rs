//! Authentication at the edge: a bearer JWT becomes a [`Caller`]. No `Authorization`
//! header means an anonymous caller; an invalid or expired token is refused with 401 and a
//! GraphQL error (`UNAUTHENTICATED`) before any resolver runs.
//!
//! Two kinds of token are accepted: RS256/ES256 tokens of the configured OpenID Connect
//! issuer (keys from its JWKS, see [`crate::edge::oidc`]), and — in development only — HS256
//! tokens signed with `auth.jwt_secret` (`glocal token`, `glocal dev`). In production an
//! HS256 token is refused whatever its secret.
//!
//! The caller goes into the GraphQL context ([`Identity`]) and from there into the gRPC
//! metadata of every service call.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use glocal_kit::Caller;
use glocal_kit::caller::DevTokens;
use glocal_kit::config::{Environment, Settings};
use glocal_kit::error::ErrorCode;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use jsonwebtoken::Algorithm;

use crate::edge::errors::error_response;
use crate::edge::oidc::{OidcError, OidcVerifier};

pub use crate::upstream::Identity;

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

/// Verifies bearer tokens: the OIDC issuer's, and the development HS256 tokens outside
/// production.
#[derive(Debug, Default)]
pub struct Authenticator {
    dev: Option<DevTokens>,
    oidc: Option<Arc<OidcVerifier>>,
}

impl Authenticator {
    /// The verifiers `settings` call for: OIDC when `auth.oidc_issuer` is set, development
    /// tokens unless the environment is production.
    pub fn new(settings: &Settings) -> Result<Authenticator, OidcError> {
        let dev = (settings.environment != Environment::Production).then(|| {
            DevTokens::new(
                settings.auth.jwt_secret.expose().as_bytes(),
                &settings.auth.issuer,
                &settings.auth.audience,
            )
        });
        let oidc = OidcVerifier::new(&settings.auth)?.map(Arc::new);
        Ok(Authenticator { dev, oidc })
    }

    /// Only development tokens (tests and tools).
    pub fn dev(tokens: DevTokens) -> Authenticator {
        Authenticator {
            dev: Some(tokens),
            oidc: None,
        }
    }

    /// The OIDC verifier, when an issuer is configured.
    pub fn oidc(&self) -> Option<&Arc<OidcVerifier>> {
        self.oidc.as_ref()
    }

    /// The caller of `token`, by the verifier its algorithm calls for.
    async fn verify(&self, token: &str) -> Result<Caller, String> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
        if header.alg == Algorithm::HS256 {
            let dev = self
                .dev
                .as_ref()
                .ok_or("HS256 development tokens are not accepted here")?;
            return dev.verify(token).map_err(|e| e.to_string());
        }
        if OidcVerifier::handles(&header) {
            let oidc = self.oidc.as_ref().ok_or("no OIDC issuer is configured")?;
            return oidc.verify(token).await.map_err(|e| e.to_string());
        }
        Err(format!("algorithm {:?} is not accepted", header.alg))
    }

    /// The caller named by `headers`' bearer token; `Ok(None)` without an `Authorization`
    /// header.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Option<Caller>, AuthError> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Ok(None);
        };
        let value = value.to_str().map_err(|_| AuthError::Malformed)?;
        let (scheme, token) = value.trim().split_once(' ').ok_or(AuthError::Malformed)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(AuthError::Malformed);
        }
        match self.verify(token.trim()).await {
            Ok(caller) => Ok(Some(caller)),
            Err(error) => {
                tracing::info!(%error, "bearer token refused");
                Err(AuthError::InvalidToken)
            }
        }
    }
}

/// Middleware: authenticates the request and stores its [`Identity`] as an extension.
pub async fn layer(
    State(authenticator): State<Arc<Authenticator>>,
    mut request: Request,
    next: Next,
) -> Response {
    match authenticator.authenticate(request.headers()).await {
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

    #[tokio::test]
    async fn bearer_tokens_become_callers() {
        let tokens = DevTokens::new(b"0123456789abcdef", "glocal-dev", "glocal");
        let caller = Caller::new("u1", "Kim", "11000", [Role::LocalOfficial]);
        let token = tokens.mint(&caller, std::time::Duration::from_secs(60));
        let auth = Authenticator::dev(tokens);
        assert_eq!(auth.authenticate(&HeaderMap::new()).await, Ok(None));
        assert_eq!(
            auth.authenticate(&headers(&format!("Bearer {token}")))
                .await,
            Ok(Some(caller))
        );
        assert_eq!(
            auth.authenticate(&headers(&format!("Basic {token}"))).await,
            Err(AuthError::Malformed)
        );
        assert_eq!(
            auth.authenticate(&headers("Bearer nope")).await,
            Err(AuthError::InvalidToken)
        );
    }

    #[tokio::test]
    async fn production_refuses_development_tokens() {
        let mut settings = Settings::default();
        let caller = Caller::new("u1", "Kim", "11000", [Role::LocalOfficial]);
        let token = DevTokens::new(
            settings.auth.jwt_secret.expose().as_bytes(),
            &settings.auth.issuer,
            &settings.auth.audience,
        )
        .mint(&caller, std::time::Duration::from_secs(60));
        let bearer = headers(&format!("Bearer {token}"));
        let development = Authenticator::new(&settings).unwrap();
        assert_eq!(development.authenticate(&bearer).await, Ok(Some(caller)));
        settings.environment = Environment::Production;
        settings.auth.oidc_issuer = "https://id.example.org".into();
        let production = Authenticator::new(&settings).unwrap();
        assert_eq!(
            production.authenticate(&bearer).await,
            Err(AuthError::InvalidToken)
        );
    }
}
