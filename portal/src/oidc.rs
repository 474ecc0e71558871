//! Production sign-in: the OpenID Connect authorization code flow with PKCE (RFC 7636)
//! against the provider of `auth.oidc_issuer`, through the `openidconnect` crate (ADR 0043).
//!
//! `start` makes a fresh `state`, nonce and PKCE verifier, which the portal keeps in a
//! short-lived encrypted cookie, and the provider's authorization URL. `finish` checks the
//! callback's `state`, exchanges the code with the verifier, verifies the ID token
//! (signature against the provider's keys, issuer, audience, expiry, nonce) and reads the
//! person from its claims (`auth.roles_claim`, `auth.org_claim`, as the gateway does). The
//! access token is what the portal sends to the gateway; `refresh` renews it before it
//! expires, once per refresh token however many requests of a page ask at the same moment.
//!
//! The provider's metadata and keys are discovered on first use and kept for
//! `auth.jwks_max_age_ms`; an ID token signed with a key the portal does not know makes it
//! discover again once (a provider's key rotation).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use glocal_kit::Caller;
use glocal_kit::config::Settings;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, Scope,
    SignatureVerificationError, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, OnceCell, RwLock};

use crate::session::constant_time_eq;

/// The client as discovery makes it: authorization endpoint known, token and user-info
/// endpoints as the provider's metadata says.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How long a refresh's result is shared with requests that present the same refresh token.
const REFRESH_SHARED_FOR: Duration = Duration::from_secs(60);

/// Why a sign-in or a refresh failed (said to the person as "sign-in failed", logged in full).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider's discovery document or keys could not be fetched or read.
    #[error("cannot discover the OpenID Connect provider: {0}")]
    Discovery(String),
    /// The callback's `state` is not the one this browser was sent with.
    #[error("the callback's state does not match the sign-in this browser started")]
    State,
    /// The provider answered the authorization request with an error.
    #[error("the provider refused the sign-in: {0}")]
    Refused(String),
    /// The code (or a refresh token) could not be exchanged for tokens.
    #[error("token request failed: {0}")]
    Exchange(String),
    /// The token response has no ID token, or it does not verify.
    #[error("the ID token is missing or invalid: {0}")]
    IdToken(String),
}

/// What the portal keeps between sending the browser to the provider and its return.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    /// The `state` sent (CSRF protection of the callback).
    pub state: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
}

/// Tokens of a signed-in person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// Sent to the gateway as the bearer token.
    pub access: String,
    /// Renews `access`, when the provider gave one.
    pub refresh: Option<String>,
    /// When `access` expires (seconds since the epoch), when the provider said.
    pub expires_at: Option<i64>,
}

/// A shared refresh: the first request presenting a refresh token runs it, the others wait.
type SharedRefresh = Arc<OnceCell<Result<Tokens, String>>>;

/// The portal's OpenID Connect client.
pub struct Oidc {
    issuer: String,
    client_id: String,
    client_secret: Option<String>,
    redirect: RedirectUrl,
    scopes: Vec<String>,
    roles_claim: String,
    org_claim: String,
    max_age: Duration,
    http: reqwest::Client,
    client: RwLock<Option<(Arc<Client>, Instant)>>,
    refreshes: Mutex<HashMap<String, (Instant, SharedRefresh)>>,
}

impl Oidc {
    /// The client of `settings` (`portal.oidc_*`, `auth.oidc_issuer`), or `None` when no
    /// client id is configured.
    pub fn from_settings(settings: &Settings) -> Result<Option<Oidc>, OidcError> {
        let p = &settings.portal;
        let client_id = p.oidc_client_id.trim();
        if client_id.is_empty() {
            return Ok(None);
        }
        let redirect = RedirectUrl::new(format!(
            "{}/auth/callback",
            p.public_url.trim_end_matches('/')
        ))
        .map_err(|e| OidcError::Discovery(format!("portal.public_url: {e}")))?;
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer point the portal elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_millis(settings.auth.oidc_timeout_ms))
            .build()
            .map_err(|e| OidcError::Discovery(e.to_string()))?;
        let secret = p.oidc_client_secret.expose();
        Ok(Some(Oidc {
            issuer: settings
                .auth
                .oidc_issuer
                .trim()
                .trim_end_matches('/')
                .into(),
            client_id: client_id.into(),
            client_secret: (!secret.is_empty()).then(|| secret.to_owned()),
            redirect,
            scopes: p
                .oidc_scopes
                .split_whitespace()
                .filter(|s| *s != "openid")
                .map(str::to_owned)
                .collect(),
            roles_claim: settings.auth.roles_claim.clone(),
            org_claim: settings.auth.org_claim.clone(),
            max_age: Duration::from_millis(settings.auth.jwks_max_age_ms),
            http,
            client: RwLock::new(None),
            refreshes: Mutex::new(HashMap::new()),
        }))
    }

    /// The client from the provider's metadata, discovered now when there is none, it is
    /// older than `auth.jwks_max_age_ms`, or `again` asks for it.
    async fn client(&self, again: bool) -> Result<Arc<Client>, OidcError> {
        if !again
            && let Some((client, at)) = self.client.read().await.as_ref()
            && at.elapsed() < self.max_age
        {
            return Ok(client.clone());
        }
        let issuer =
            IssuerUrl::new(self.issuer.clone()).map_err(|e| OidcError::Discovery(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Discovery(error_chain(&e)))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.client_id.clone()),
            self.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect.clone());
        let client = Arc::new(client);
        *self.client.write().await = Some((client.clone(), Instant::now()));
        Ok(client)
    }

    /// Where to send the browser, and what to keep until it comes back.
    pub async fn start(&self) -> Result<(String, Pending), OidcError> {
        let client = self.client(false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok((
            url.to_string(),
            Pending {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
            },
        ))
    }

    /// The person and their tokens, from the callback's `code` and `state` and what
    /// [`Oidc::start`] kept.
    pub async fn finish(
        &self,
        pending: &Pending,
        code: &str,
        state: &str,
    ) -> Result<(Caller, Tokens), OidcError> {
        if !constant_time_eq(state.as_bytes(), pending.state.as_bytes()) {
            return Err(OidcError::State);
        }
        let client = self.client(false).await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Discovery(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Exchange(error_chain(&e)))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| OidcError::IdToken("the token response has no id_token".into()))?;
        let nonce = Nonce::new(pending.nonce.clone());
        if let Err(e) = id_token.claims(&client.id_token_verifier(), &nonce) {
            let unknown_key = matches!(
                e,
                ClaimsVerificationError::SignatureVerification(
                    SignatureVerificationError::NoMatchingKey
                )
            );
            if !unknown_key {
                return Err(OidcError::IdToken(e.to_string()));
            }
            // A key the portal has not seen: the provider rotated its keys.
            let client = self.client(true).await?;
            id_token
                .claims(&client.id_token_verifier(), &nonce)
                .map_err(|e| OidcError::IdToken(e.to_string()))?;
        }
        // Verified above; its claims as JSON, for the provider's own (roles, organisation).
        let claims = payload(&id_token.to_string())?;
        let caller =
            glocal_kit::caller::caller_from_claims(&claims, &self.roles_claim, &self.org_claim)
                .map_err(|e| OidcError::IdToken(e.to_string()))?;
        Ok((caller, tokens_of(&response, None)))
    }

    /// New tokens for `refresh`. Requests that present the same refresh token within a
    /// minute share one exchange (a provider that rotates refresh tokens refuses the second
    /// use of one, and may end the whole sign-in).
    pub async fn refresh(&self, refresh: &str) -> Result<Tokens, OidcError> {
        let shared = {
            let mut refreshes = self.refreshes.lock().await;
            refreshes.retain(|_, (at, _)| at.elapsed() < REFRESH_SHARED_FOR);
            refreshes
                .entry(refresh.to_owned())
                .or_insert_with(|| (Instant::now(), Arc::new(OnceCell::new())))
                .1
                .clone()
        };
        shared
            .get_or_init(|| async {
                self.exchange_refresh(refresh)
                    .await
                    .map_err(|e| e.to_string())
            })
            .await
            .clone()
            .map_err(OidcError::Exchange)
    }

    async fn exchange_refresh(&self, refresh: &str) -> Result<Tokens, OidcError> {
        let client = self.client(false).await?;
        let response = client
            .exchange_refresh_token(&RefreshToken::new(refresh.to_owned()))
            .map_err(|e| OidcError::Discovery(e.to_string()))?
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Exchange(error_chain(&e)))?;
        Ok(tokens_of(&response, Some(refresh)))
    }
}

/// The tokens of a token response; a refresh response without a new refresh token keeps
/// the one it was made with.
fn tokens_of(response: &impl OAuth2TokenResponse, used: Option<&str>) -> Tokens {
    let now = chrono::Utc::now().timestamp();
    Tokens {
        access: response.access_token().secret().clone(),
        refresh: response
            .refresh_token()
            .map(|r| r.secret().clone())
            .or_else(|| used.map(str::to_owned)),
        expires_at: response
            .expires_in()
            .map(|d| now + i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2)),
    }
}

/// The claims of a compact JWT (its second part), as JSON.
fn payload(jwt: &str) -> Result<serde_json::Map<String, serde_json::Value>, OidcError> {
    let part = jwt
        .split('.')
        .nth(1)
        .ok_or_else(|| OidcError::IdToken("not a compact JWT".into()))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| OidcError::IdToken(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| OidcError::IdToken(e.to_string()))
}

/// An error and its sources, for the log.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_of_a_jwt_is_read() {
        let body =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"sub":"a","org":"11"}"#);
        let claims = payload(&format!("e30.{body}.sig")).unwrap();
        assert_eq!(claims["org"], "11");
        assert!(payload("nodots").is_err());
    }

    #[test]
    fn no_client_id_means_no_oidc() {
        let settings = Settings::default();
        assert!(Oidc::from_settings(&settings).unwrap().is_none());
        let mut settings = Settings::default();
        settings.portal.oidc_client_id = "glocal-portal".into();
        settings.auth.oidc_issuer = "https://id.example.org/realms/glocal/".into();
        settings.portal.oidc_scopes = "openid profile  email".into();
        let oidc = Oidc::from_settings(&settings).unwrap().unwrap();
        assert_eq!(oidc.issuer, "https://id.example.org/realms/glocal");
        assert_eq!(oidc.scopes, ["profile", "email"]);
        assert_eq!(
            oidc.redirect.as_str(),
            "http://127.0.0.1:8081/auth/callback"
        );
    }
}
