//! Tokens from an OpenID Connect provider: the discovery document
//! (`{issuer}/.well-known/openid-configuration`) names the JWKS, whose RSA and EC keys
//! verify RS256/ES256 (and RS384/RS512/PS256/ES384) bearer tokens.
//!
//! Keys are cached. A token whose `kid` is unknown makes the gateway fetch the JWKS again
//! — once: refetches are at least `jwks_refresh_min_interval_ms` apart and concurrent
//! callers share one fetch — so a provider's key rotation is picked up at once while a
//! flood of forged `kid`s cannot turn the gateway against the provider. Keys older than
//! `jwks_max_age_ms` are fetched again on next use; a failed fetch keeps the old keys.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use glocal_kit::Caller;
use glocal_kit::config::AuthSettings;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::{Mutex, RwLock};

/// The token algorithms accepted from the provider (asymmetric only: HS256 is for
/// development tokens, never for an OIDC issuer's).
const ALGORITHMS: [Algorithm; 6] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// Why an OIDC token was refused, or the keys could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The token is malformed, badly signed, expired, or for someone else.
    #[error("invalid token: {0}")]
    Invalid(String),
    /// No key of the provider has the token's `kid` (even after a refetch).
    #[error("no key `{0}` in the provider's JWKS")]
    UnknownKey(String),
    /// The discovery document or the JWKS could not be fetched or read.
    #[error("cannot fetch the provider's keys: {0}")]
    Fetch(String),
}

/// The part of the discovery document the gateway reads.
#[derive(Debug, Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

/// A usable key: what verifies, and the algorithms it may verify.
struct Key {
    decoding: DecodingKey,
    algorithms: Vec<Algorithm>,
}

/// The cached keys by `kid` (keys without a `kid` under the empty string).
#[derive(Default)]
struct Keys {
    by_kid: HashMap<String, std::sync::Arc<Key>>,
    fetched_at: Option<Instant>,
}

/// When keys were last fetched (or tried), for the refetch rate limit.
#[derive(Default)]
struct Fetches {
    last_attempt: Option<Instant>,
    jwks_uri: Option<String>,
}

/// Verifies bearer tokens of one OpenID Connect issuer.
pub struct OidcVerifier {
    issuer: String,
    audience: String,
    leeway: u64,
    roles_claim: String,
    org_claim: String,
    min_interval: Duration,
    max_age: Duration,
    http: reqwest::Client,
    keys: RwLock<Keys>,
    fetches: Mutex<Fetches>,
}

impl std::fmt::Debug for OidcVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcVerifier")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl OidcVerifier {
    /// A verifier for `settings.oidc_issuer`; `None` when no issuer is configured. Nothing
    /// is fetched until [`OidcVerifier::refresh`] or the first token.
    pub fn new(settings: &AuthSettings) -> Result<Option<OidcVerifier>, OidcError> {
        let issuer = settings.oidc_issuer.trim();
        if issuer.is_empty() {
            return Ok(None);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(settings.oidc_timeout_ms))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| OidcError::Fetch(e.to_string()))?;
        Ok(Some(OidcVerifier {
            issuer: issuer.to_owned(),
            audience: settings.audience.clone(),
            leeway: settings.leeway_secs,
            roles_claim: settings.roles_claim.clone(),
            org_claim: settings.org_claim.clone(),
            min_interval: Duration::from_millis(settings.jwks_refresh_min_interval_ms),
            max_age: Duration::from_millis(settings.jwks_max_age_ms),
            http,
            keys: RwLock::default(),
            fetches: Mutex::default(),
        }))
    }

    /// The issuer whose tokens this verifies.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// True when `token`'s header names an algorithm this verifier handles.
    pub fn handles(header: &jsonwebtoken::Header) -> bool {
        ALGORITHMS.contains(&header.alg)
    }

    /// Verifies `token` (signature by the issuer's key, `iss`, `aud`, `exp`, `nbf`) and
    /// returns its caller.
    pub async fn verify(&self, token: &str) -> Result<Caller, OidcError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|e| OidcError::Invalid(e.to_string()))?;
        if !Self::handles(&header) {
            return Err(OidcError::Invalid(format!(
                "algorithm {:?} is not accepted",
                header.alg
            )));
        }
        let kid = header.kid.unwrap_or_default();
        let key = self.key(&kid).await?;
        if !key.algorithms.contains(&header.alg) {
            return Err(OidcError::Invalid(format!(
                "key `{kid}` does not verify {:?}",
                header.alg
            )));
        }
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = self.leeway;
        let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token,
            &key.decoding,
            &validation,
        )
        .map_err(|e| OidcError::Invalid(e.to_string()))?;
        glocal_kit::caller::caller_from_claims(&data.claims, &self.roles_claim, &self.org_claim)
            .map_err(|e| OidcError::Invalid(e.to_string()))
    }

    /// The key named `kid`: from the cache while it is fresh, else after one (rate-limited)
    /// fetch.
    async fn key(&self, kid: &str) -> Result<std::sync::Arc<Key>, OidcError> {
        let requested = Instant::now();
        {
            let keys = self.keys.read().await;
            let fresh = keys
                .fetched_at
                .is_some_and(|at| at.elapsed() < self.max_age);
            if let Some(key) = lookup(&keys, kid)
                && fresh
            {
                return Ok(key);
            }
        }
        if let Err(error) = self.refresh_since(requested).await {
            tracing::warn!(%error, issuer = %self.issuer, "OIDC keys not refreshed");
        }
        let keys = self.keys.read().await;
        lookup(&keys, kid).ok_or_else(|| OidcError::UnknownKey(kid.to_owned()))
    }

    /// Fetches the discovery document and the JWKS now (subject to the refetch interval),
    /// e.g. to warm the cache at start-up.
    pub async fn refresh(&self) -> Result<(), OidcError> {
        self.refresh_since(Instant::now()).await
    }

    /// Fetches the keys unless another fetch started after `requested` (that one is as
    /// good) or the last attempt is younger than the refetch interval.
    async fn refresh_since(&self, requested: Instant) -> Result<(), OidcError> {
        let mut fetches = self.fetches.lock().await;
        if let Some(last) = fetches.last_attempt
            && (last >= requested || last.elapsed() < self.min_interval)
        {
            return Ok(());
        }
        fetches.last_attempt = Some(Instant::now());
        let jwks_uri = match fetches.jwks_uri.clone() {
            Some(uri) => uri,
            None => {
                let uri = self.discover().await?;
                fetches.jwks_uri = Some(uri.clone());
                uri
            }
        };
        let set = match self.fetch_jwks(&jwks_uri).await {
            Ok(set) => set,
            Err(error) => {
                // The provider may have moved its JWKS: discover again next time.
                fetches.jwks_uri = None;
                return Err(error);
            }
        };
        let by_kid = usable_keys(&set);
        tracing::info!(issuer = %self.issuer, keys = by_kid.len(), "OIDC keys fetched");
        metrics::counter!("oidc_jwks_fetches_total").increment(1);
        let mut keys = self.keys.write().await;
        keys.by_kid = by_kid;
        keys.fetched_at = Some(Instant::now());
        Ok(())
    }

    /// The JWKS URI of the issuer's discovery document, whose `issuer` must be ours.
    async fn discover(&self) -> Result<String, OidcError> {
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.issuer.trim_end_matches('/')
        );
        let discovery: Discovery = self.get_json(&url).await?;
        if discovery.issuer != self.issuer {
            return Err(OidcError::Fetch(format!(
                "the discovery document names issuer `{}`, not `{}`",
                discovery.issuer, self.issuer
            )));
        }
        Ok(discovery.jwks_uri)
    }

    async fn fetch_jwks(&self, uri: &str) -> Result<JwkSet, OidcError> {
        self.get_json(uri).await
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, OidcError> {
        let response = self
            .http
            .get(url)
            .header(http::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| OidcError::Fetch(format!("{url}: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            return Err(OidcError::Fetch(format!("{url}: HTTP {status}")));
        }
        response
            .json::<T>()
            .await
            .map_err(|e| OidcError::Fetch(format!("{url}: {e}")))
    }
}

fn lookup(keys: &Keys, kid: &str) -> Option<std::sync::Arc<Key>> {
    if let Some(key) = keys.by_kid.get(kid) {
        return Some(key.clone());
    }
    // A token without `kid` is fine when the provider has exactly one key.
    if kid.is_empty() && keys.by_kid.len() == 1 {
        return keys.by_kid.values().next().cloned();
    }
    None
}

/// The signing keys of `set` that this gateway can use, by `kid`.
fn usable_keys(set: &JwkSet) -> HashMap<String, std::sync::Arc<Key>> {
    let mut out = HashMap::new();
    for jwk in &set.keys {
        if jwk
            .common
            .public_key_use
            .as_ref()
            .is_some_and(|u| *u != jsonwebtoken::jwk::PublicKeyUse::Signature)
        {
            continue;
        }
        let algorithms = algorithms_of(jwk);
        if algorithms.is_empty() {
            continue;
        }
        match DecodingKey::from_jwk(jwk) {
            Ok(decoding) => {
                let kid = jwk.common.key_id.clone().unwrap_or_default();
                out.insert(
                    kid,
                    std::sync::Arc::new(Key {
                        decoding,
                        algorithms,
                    }),
                );
            }
            Err(error) => {
                tracing::warn!(%error, kid = ?jwk.common.key_id, "unusable key in the JWKS");
            }
        }
    }
    out
}

/// The algorithms a JWK may verify: its `alg` when it names one, else every algorithm of
/// its key type (and curve).
fn algorithms_of(jwk: &Jwk) -> Vec<Algorithm> {
    let family: Vec<Algorithm> = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => vec![
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
        ],
        AlgorithmParameters::EllipticCurve(p) => match p.curve {
            EllipticCurve::P256 => vec![Algorithm::ES256],
            EllipticCurve::P384 => vec![Algorithm::ES384],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    match jwk.common.key_algorithm {
        None => family,
        Some(alg) => named_algorithm(alg)
            .filter(|a| family.contains(a))
            .into_iter()
            .collect(),
    }
}

fn named_algorithm(alg: KeyAlgorithm) -> Option<Algorithm> {
    Some(match alg {
        KeyAlgorithm::RS256 => Algorithm::RS256,
        KeyAlgorithm::RS384 => Algorithm::RS384,
        KeyAlgorithm::RS512 => Algorithm::RS512,
        KeyAlgorithm::PS256 => Algorithm::PS256,
        KeyAlgorithm::ES256 => Algorithm::ES256,
        KeyAlgorithm::ES384 => Algorithm::ES384,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwk(value: serde_json::Value) -> Jwk {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn keys_verify_only_their_own_algorithms() {
        let ec = serde_json::json!({ "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA" });
        assert_eq!(algorithms_of(&jwk(ec.clone())), [Algorithm::ES256]);
        let mut named = ec;
        named["alg"] = "RS256".into();
        assert!(
            algorithms_of(&jwk(named)).is_empty(),
            "an EC key cannot claim RS256"
        );
        let rsa = serde_json::json!({ "kty": "RSA", "n": "AQAB", "e": "AQAB", "alg": "RS256" });
        assert_eq!(algorithms_of(&jwk(rsa)), [Algorithm::RS256]);
        let hmac = serde_json::json!({ "kty": "oct", "k": "c2VjcmV0" });
        assert!(algorithms_of(&jwk(hmac)).is_empty(), "no symmetric keys");
    }

    #[test]
    fn only_asymmetric_algorithms_are_handled() {
        assert!(OidcVerifier::handles(&jsonwebtoken::Header::new(
            Algorithm::RS256
        )));
        assert!(OidcVerifier::handles(&jsonwebtoken::Header::new(
            Algorithm::ES256
        )));
        assert!(!OidcVerifier::handles(&jsonwebtoken::Header::new(
            Algorithm::HS256
        )));
    }
}
