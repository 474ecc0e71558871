//! Outgoing gRPC calls as the gateway makes them: a lazily connecting channel and a request
//! carrying the caller (or "anonymous") as a caller token signed with the development key, as
//! `glocal_kit::identity` signs and verifies them, and a deadline. Kept here, not taken from
//! `glocal-kit`, so this small binary does not build the database stack; the benchmark runs
//! the services with the development key.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use tonic::metadata::MetadataValue;
use tonic::transport::{Channel, Endpoint};

/// The development key's seed (`glocal_kit::identity`'s; public knowledge, never used in
/// production).
const DEVELOPMENT_SEED: [u8; 32] = *b"glocal-development-identity-key!";

/// Who a call is made as.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Subject.
    pub subject: String,
    /// Display name.
    pub name: String,
    /// Organisation code (a local government's, or `GAOK` for the bureau).
    pub org: String,
    /// Role names, comma-separated (`local_official`, `bureau_staff`, …).
    pub roles: &'static str,
}

/// A lazily connecting channel to `url`.
pub fn channel(url: &str) -> anyhow::Result<Channel> {
    Ok(Endpoint::from_shared(url.to_owned())?
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .connect_lazy())
}

/// A request with `caller` (none: anonymous) signed into its metadata and a deadline.
pub fn request<T>(message: T, caller: Option<&Caller>, timeout: Duration) -> tonic::Request<T> {
    static ANONYMOUS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let mut req = tonic::Request::new(message);
    // The load client's anonymous calls share one token, as the gateway's do.
    let token = match caller {
        None => ANONYMOUS.get_or_init(|| caller_token(None)).clone(),
        Some(_) => caller_token(caller),
    };
    if let Ok(v) = MetadataValue::try_from(token.as_str()) {
        req.metadata_mut().insert("glocal-caller-token", v);
    }
    req.set_timeout(timeout);
    req
}

/// An Ed25519 caller token for `caller`, valid for an hour (a run is shorter).
fn caller_token(caller: Option<&Caller>) -> String {
    // PKCS#8 v1 of an Ed25519 seed (RFC 8410).
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&DEVELOPMENT_SEED);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut claims = serde_json::json!({
        "iss": "glocal-gateway", "aud": "glocal-services", "iat": now, "exp": now + 3600,
    });
    if let Some(c) = caller {
        claims["sub"] = c.subject.clone().into();
        claims["name"] = c.name.clone().into();
        claims["org"] = c.org.clone().into();
        claims["roles"] = c.roles.split(',').collect::<Vec<_>>().into();
    }
    jsonwebtoken::encode(
        &Header::new(Algorithm::EdDSA),
        &claims,
        &EncodingKey::from_ed_der(&der),
    )
    .unwrap_or_default()
}
