//! Signed caller identity between components (docs/adr/0014-signed-caller-identity.md).
//!
//! The gateway (the only holder of the signing key) signs the caller of every gRPC call —
//! or "anonymous" — as a short-lived Ed25519 JWT in the `glocal-caller-token` metadata.
//! Every service verifies it with the public keys it is configured with (several at once,
//! so a key is rotated without downtime), refuses a call whose token is missing, forged,
//! expired or signed by an unknown key with UNAUTHENTICATED, and replaces whatever
//! `glocal-caller-*` metadata the call carried by the verified claims: a process that reaches
//! a service's port cannot claim to be anybody.
//!
//! Without configured keys a process uses the **development key pair**, whose private half is
//! in this file: fine on a laptop, refused in production by the configuration check.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::SigningKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::caller::{Caller, CallerError, Role};

/// The metadata key of the signed caller token.
pub const TOKEN_METADATA: &str = "glocal-caller-token";
/// The `iss` of every caller token.
pub const ISSUER: &str = "glocal-gateway";
/// The `aud` of every caller token.
pub const AUDIENCE: &str = "glocal-services";
/// How long a caller token is valid.
pub const TOKEN_TTL: Duration = Duration::from_secs(120);
/// Accepted clock skew between components (seconds).
const LEEWAY_S: u64 = 5;
/// Entries a signer or verifier cache holds before it starts over.
const CACHE_CAP: usize = 10_000;

/// The development key pair's private seed. Public knowledge: never use it in production.
const DEVELOPMENT_SEED: [u8; 32] = *b"glocal-development-identity-key!";

/// Why identity keys could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// Not base64, or not the right length.
    #[error("{what}: {message}")]
    Invalid {
        /// Which key.
        what: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// The claims of a caller token. `sub` is absent for an anonymous call.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    org: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    locale: Option<String>,
}

/// A new key pair: (private key, public key), each base64 text as the configuration takes
/// them (`grpc.identity_signing_key`, one entry of `grpc.identity_keys`).
pub fn generate() -> Result<(String, String), KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Invalid {
        what: "random source",
        message: e.to_string(),
    })?;
    let key = SigningKey::from_bytes(&seed);
    Ok((
        STANDARD.encode(seed),
        URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
    ))
}

/// The public key (base64url, as `grpc.identity_keys` lists it) of a private key.
pub fn public_key_of(private: &str) -> Result<String, KeyError> {
    let seed = decode_seed(private)?;
    Ok(URL_SAFE_NO_PAD.encode(SigningKey::from_bytes(&seed).verifying_key().to_bytes()))
}

/// The development key pair's public key.
pub fn development_public_key() -> String {
    URL_SAFE_NO_PAD.encode(
        SigningKey::from_bytes(&DEVELOPMENT_SEED)
            .verifying_key()
            .to_bytes(),
    )
}

fn decode_seed(private: &str) -> Result<[u8; 32], KeyError> {
    let bytes = STANDARD
        .decode(private.trim())
        .map_err(|e| KeyError::Invalid {
            what: "grpc.identity_signing_key",
            message: format!("not base64: {e}"),
        })?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyError::Invalid {
        what: "grpc.identity_signing_key",
        message: format!("{} bytes, an Ed25519 private key is 32", bytes.len()),
    })
}

/// PKCS#8 v1 DER of an Ed25519 private key (RFC 8410), as `EncodingKey::from_ed_der` takes it.
fn pkcs8(seed: &[u8; 32]) -> Vec<u8> {
    const PREFIX: [u8; 16] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    let mut der = PREFIX.to_vec();
    der.extend_from_slice(seed);
    der
}

/// Signs callers into tokens; a token is reused for half its lifetime (one signature per
/// caller a minute, not one per call).
pub struct Signer {
    key: EncodingKey,
    cache: Mutex<HashMap<Option<Caller>, (String, Instant)>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer with `private` (base64 of the 32-byte Ed25519 seed); empty: the development key.
    pub fn new(private: &str) -> Result<Signer, KeyError> {
        if private.trim().is_empty() {
            return Ok(Signer::development());
        }
        Ok(Signer::from_seed(&decode_seed(private)?))
    }

    /// The signer of the development key.
    pub fn development() -> Signer {
        Signer::from_seed(&DEVELOPMENT_SEED)
    }

    fn from_seed(seed: &[u8; 32]) -> Signer {
        Signer {
            key: EncodingKey::from_ed_der(&pkcs8(seed)),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// A token naming `caller` (`None`: an anonymous call), valid for [`TOKEN_TTL`].
    pub fn token(&self, caller: Option<&Caller>) -> String {
        let now = Instant::now();
        let key = caller.cloned();
        if let Some((token, fresh_until)) = self.lock().get(&key)
            && *fresh_until > now
        {
            return token.clone();
        }
        let token = self.sign(caller, chrono::Utc::now().timestamp());
        let mut cache = self.lock();
        if cache.len() >= CACHE_CAP {
            cache.clear();
        }
        cache.insert(key, (token.clone(), now + TOKEN_TTL / 2));
        token
    }

    /// Signs a token issued at `iat` (seconds since the epoch).
    fn sign(&self, caller: Option<&Caller>, iat: i64) -> String {
        let ttl = i64::try_from(TOKEN_TTL.as_secs()).unwrap_or(120);
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat,
            exp: iat + ttl,
            sub: caller.map(|c| c.subject.clone()),
            name: caller.map(|c| c.name.clone()).unwrap_or_default(),
            org: caller.map(|c| c.org.clone()).unwrap_or_default(),
            roles: caller
                .map(|c| c.roles.iter().map(|r| r.as_str().to_owned()).collect())
                .unwrap_or_default(),
            email: caller.and_then(|c| c.email.clone()),
            locale: caller.and_then(|c| c.locale.clone()),
        };
        // Encoding known claims with a valid Ed25519 key cannot fail.
        jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &self.key).unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Option<Caller>, (String, Instant)>> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The `aud` of signed file links (upload and download links the gateway hands out; ADR
/// 0022): never accepted as a caller token, and caller tokens are never accepted as links.
pub const LINK_AUDIENCE: &str = "glocal-file-link";

/// The claims of a signed file link: the caller it acts for, what it is for (`purpose`,
/// e.g. `upload`) and what it names (`target`, e.g. a request id and a file name).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LinkClaims {
    #[serde(flatten)]
    caller: Claims,
    purpose: String,
    target: Vec<String>,
}

impl Signer {
    /// A link token acting for `caller`, for `purpose` on `target`, valid for `ttl`.
    pub fn link(
        &self,
        caller: &Caller,
        purpose: &str,
        target: Vec<String>,
        ttl: Duration,
    ) -> String {
        let iat = chrono::Utc::now().timestamp();
        let claims = LinkClaims {
            caller: Claims {
                iss: ISSUER.into(),
                aud: LINK_AUDIENCE.into(),
                iat,
                exp: iat + i64::try_from(ttl.as_secs()).unwrap_or(300),
                sub: Some(caller.subject.clone()),
                name: caller.name.clone(),
                org: caller.org.clone(),
                roles: caller.roles.iter().map(|r| r.as_str().to_owned()).collect(),
                email: caller.email.clone(),
                locale: caller.locale.clone(),
            },
            purpose: purpose.to_owned(),
            target,
        };
        // Encoding known claims with a valid Ed25519 key cannot fail.
        jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &self.key).unwrap_or_default()
    }
}

/// Verifies the links a gateway signed with its own key (every replica has the same key).
pub struct LinkVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for LinkVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkVerifier").finish_non_exhaustive()
    }
}

impl LinkVerifier {
    /// A verifier of the links signed with `private` (empty: the development key).
    pub fn new(private: &str) -> Result<LinkVerifier, KeyError> {
        let seed = if private.trim().is_empty() {
            DEVELOPMENT_SEED
        } else {
            decode_seed(private)?
        };
        let public = SigningKey::from_bytes(&seed).verifying_key();
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[LINK_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_S;
        Ok(LinkVerifier {
            key: DecodingKey::from_ed_der(public.as_bytes()),
            validation,
        })
    }

    /// The caller and target of a link for `purpose`; an error for a forged, expired or
    /// other-purpose link.
    pub fn verify(&self, token: &str, purpose: &str) -> Result<(Caller, Vec<String>), CallerError> {
        let (caller, _, target) = self.verify_for(token, &[purpose])?;
        Ok((caller, target))
    }

    /// The caller, purpose and target of a link for any of `purposes` (a route that serves
    /// several owner kinds); an error for a forged, expired or other-purpose link.
    pub fn verify_for(
        &self,
        token: &str,
        purposes: &[&str],
    ) -> Result<(Caller, String, Vec<String>), CallerError> {
        let claims = jsonwebtoken::decode::<LinkClaims>(token, &self.key, &self.validation)
            .map_err(|e| CallerError::InvalidToken(e.to_string()))?
            .claims;
        if !purposes.contains(&claims.purpose.as_str()) {
            return Err(CallerError::InvalidToken(format!(
                "a {} link, not a {} link",
                claims.purpose,
                purposes.join(" or ")
            )));
        }
        let caller = to_caller(claims.caller)?
            .ok_or_else(|| CallerError::InvalidToken("a link names a caller".into()))?;
        Ok((caller, claims.purpose, claims.target))
    }
}

static SIGNER: OnceLock<Signer> = OnceLock::new();

/// Makes `signer` the one this process signs its outgoing calls with (the gateway does this
/// at start-up with `grpc.identity_signing_key`; a process runs one gateway). The first
/// installation wins and a later one is refused (false); without one, calls are signed with
/// the development key.
pub fn install_signer(signer: Signer) -> bool {
    SIGNER.set(signer).is_ok()
}

/// The signer of this process's outgoing calls.
pub fn signer() -> &'static Signer {
    SIGNER.get_or_init(Signer::development)
}

/// Verifies caller tokens against the configured public keys; a verified token is
/// remembered until it expires, so a caller's calls cost one verification a minute.
pub struct Verifier {
    keys: Vec<DecodingKey>,
    validation: Validation,
    cache: Mutex<HashMap<String, (Option<Caller>, Instant)>>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier trusting each public key of `keys` (base64url, comma-separated); empty:
    /// the development key.
    pub fn new(keys: &str) -> Result<Verifier, KeyError> {
        let mut decoded = Vec::new();
        for key in keys.split(',').map(str::trim).filter(|k| !k.is_empty()) {
            let bytes = URL_SAFE_NO_PAD
                .decode(key.trim_end_matches('='))
                .map_err(|e| KeyError::Invalid {
                    what: "grpc.identity_keys",
                    message: format!("`{key}` is not base64url: {e}"),
                })?;
            let point = <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyError::Invalid {
                what: "grpc.identity_keys",
                message: format!(
                    "`{key}` is {} bytes, an Ed25519 public key is 32",
                    bytes.len()
                ),
            })?;
            ed25519_dalek::VerifyingKey::from_bytes(&point).map_err(|_| KeyError::Invalid {
                what: "grpc.identity_keys",
                message: format!("`{key}` is not an Ed25519 public key"),
            })?;
            decoded.push(DecodingKey::from_ed_der(&bytes));
        }
        if decoded.is_empty() {
            let public = SigningKey::from_bytes(&DEVELOPMENT_SEED).verifying_key();
            decoded.push(DecodingKey::from_ed_der(public.as_bytes()));
        }
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = LEEWAY_S;
        validation.validate_nbf = true;
        Ok(Verifier {
            keys: decoded,
            validation,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The caller a token names (`None`: anonymous), or why it is refused.
    pub fn verify(&self, token: &str) -> Result<Option<Caller>, CallerError> {
        let now = Instant::now();
        {
            let cache = self.lock();
            if let Some((caller, until)) = cache.get(token)
                && *until > now
            {
                return Ok(caller.clone());
            }
        }
        let mut last = None;
        for key in &self.keys {
            match jsonwebtoken::decode::<Claims>(token, key, &self.validation) {
                Ok(data) => {
                    let claims = data.claims;
                    let remaining = claims.exp - chrono::Utc::now().timestamp();
                    let caller = to_caller(claims)?;
                    let mut cache = self.lock();
                    if cache.len() >= CACHE_CAP {
                        cache.clear();
                    }
                    let keep = Duration::from_secs(u64::try_from(remaining).unwrap_or(0));
                    cache.insert(token.to_owned(), (caller.clone(), now + keep));
                    return Ok(caller);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(CallerError::InvalidToken(
            last.map_or_else(|| "no key".to_owned(), |e| e.to_string()),
        ))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Option<Caller>, Instant)>> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn to_caller(claims: Claims) -> Result<Option<Caller>, CallerError> {
    let Some(subject) = claims.sub else {
        return Ok(None);
    };
    if subject.is_empty() {
        return Err(CallerError::InvalidToken("empty subject".into()));
    }
    let roles = claims
        .roles
        .iter()
        .map(|r| Role::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(
        Caller::new(subject, claims.name, claims.org, roles)
            .with_contact(claims.email, claims.locale),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn official() -> Caller {
        Caller::new("kim", "김민지", "11000", [Role::LocalOfficial])
            .with_contact(Some("kim@seoul.example".into()), Some("ko".into()))
    }

    #[test]
    fn a_signed_caller_round_trips_and_anonymous_is_signed_too() {
        let signer = Signer::development();
        let verifier = Verifier::new("").unwrap();
        let token = signer.token(Some(&official()));
        assert_eq!(verifier.verify(&token).unwrap(), Some(official()));
        assert_eq!(verifier.verify(&signer.token(None)).unwrap(), None);
        // Reused while fresh: one signature per caller, not per call.
        assert_eq!(signer.token(Some(&official())), token);
    }

    #[test]
    fn links_round_trip_for_their_purpose_only() {
        let signer = Signer::development();
        let links = LinkVerifier::new("").unwrap();
        let ttl = Duration::from_secs(60);
        let link = signer.link(
            &official(),
            "upload",
            vec!["r1".into(), "a.pdf".into()],
            ttl,
        );
        let (caller, target) = links.verify(&link, "upload").unwrap();
        assert_eq!(caller, official());
        assert_eq!(target, vec!["r1", "a.pdf"]);
        assert!(links.verify(&link, "download").is_err());
        // A caller token is not a link, a link is not a caller token.
        assert!(
            links
                .verify(&signer.token(Some(&official())), "upload")
                .is_err()
        );
        assert!(Verifier::new("").unwrap().verify(&link).is_err());
        // Another gateway's links, and expired ones, are refused.
        let (private, _) = generate().unwrap();
        let stranger = Signer::new(&private)
            .unwrap()
            .link(&official(), "upload", vec![], ttl);
        assert!(links.verify(&stranger, "upload").is_err());
        assert!(
            LinkVerifier::new(&private)
                .unwrap()
                .verify(&stranger, "upload")
                .is_ok()
        );
    }

    #[test]
    fn other_keys_expired_tokens_and_hs256_are_refused() {
        let (private, public) = generate().unwrap();
        assert_eq!(public_key_of(&private).unwrap(), public);
        let stranger = Signer::new(&private).unwrap();
        let verifier = Verifier::new("").unwrap();
        assert!(verifier.verify(&stranger.token(Some(&official()))).is_err());

        let expired = Signer::development().sign(Some(&official()), 1_000_000_000);
        assert!(verifier.verify(&expired).is_err());

        // Algorithm confusion: an HS256 token keyed with the public key is not EdDSA.
        let hs = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &serde_json::json!({"iss": ISSUER, "aud": AUDIENCE, "exp": 4_000_000_000i64,
                                "iat": 0, "sub": "admin", "roles": ["bureau_admin"]}),
            &EncodingKey::from_secret(development_public_key().as_bytes()),
        )
        .unwrap();
        assert!(verifier.verify(&hs).is_err());
        assert!(verifier.verify("not.a.token").is_err());
    }

    #[test]
    fn rotation_trusts_every_listed_key() {
        let (old_private, old_public) = generate().unwrap();
        let (new_private, new_public) = generate().unwrap();
        let both = Verifier::new(&format!("{old_public}, {new_public}")).unwrap();
        for private in [&old_private, &new_private] {
            let token = Signer::new(private).unwrap().token(Some(&official()));
            assert_eq!(both.verify(&token).unwrap(), Some(official()));
        }
        let new_only = Verifier::new(&new_public).unwrap();
        let old_token = Signer::new(&old_private).unwrap().token(None);
        assert!(new_only.verify(&old_token).is_err());
    }

    #[test]
    fn bad_keys_name_the_setting() {
        let err = Verifier::new("abc").unwrap_err();
        assert!(err.to_string().contains("grpc.identity_keys"), "{err}");
        let err = Signer::new("!!").unwrap_err();
        assert!(
            err.to_string().contains("grpc.identity_signing_key"),
            "{err}"
        );
        assert!(Signer::new(&STANDARD.encode([7u8; 16])).is_err());
    }
}
