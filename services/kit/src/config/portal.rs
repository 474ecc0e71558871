//! The portal's section (`[portal]`): the web pages people use, a client of the gateway.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::Secret;

/// The portal (`[portal]`): server-rendered pages for officials and bureau staff, talking
/// only to the gateway's public `/graphql` with the signed-in person's token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortalSettings {
    /// HTTP listen address.
    pub listen: SocketAddr,
    /// Base URL of the gateway (`{gateway_url}/graphql` is called).
    pub gateway_url: String,
    /// Key the session cookie is encrypted and authenticated with (at least 32 bytes);
    /// empty in development = a fixed development key (refused in production).
    pub cookie_key: Secret,
    /// The portal's public base URL (links in notices point here; `https://` makes cookies
    /// `Secure` in development too).
    pub public_url: String,
    /// Deadline of each call to the gateway (ms).
    pub gateway_timeout_ms: u64,
    /// The portal's client id at the OpenID Connect provider of `auth.oidc_issuer`; empty =
    /// no OpenID Connect sign-in (required in production). The provider redirects back to
    /// `{public_url}/auth/callback`.
    pub oidc_client_id: String,
    /// The client's secret (sent with HTTP Basic to the token endpoint); empty = a public
    /// client, protected by PKCE alone.
    pub oidc_client_secret: Secret,
    /// Scopes asked for, space-separated (`openid` is always asked).
    pub oidc_scopes: String,
    /// Header that carries the visitor's address when the portal is behind a proxy (e.g.
    /// `x-forwarded-for`, its last entry is used); empty = the TCP peer. The portal passes
    /// the visitor's address on to the gateway (`x-forwarded-for`), so that the gateway's
    /// anonymous rate limit counts each visitor, not each portal pod.
    pub client_ip_header: String,
}

impl Default for PortalSettings {
    fn default() -> Self {
        PortalSettings {
            listen: SocketAddr::from(([0, 0, 0, 0], 8081)),
            gateway_url: "http://127.0.0.1:8080".into(),
            cookie_key: Secret::default(),
            public_url: "http://127.0.0.1:8081".into(),
            gateway_timeout_ms: 15_000,
            oidc_client_id: String::new(),
            oidc_client_secret: Secret::default(),
            oidc_scopes: "openid profile email".into(),
            client_ip_header: String::new(),
        }
    }
}
