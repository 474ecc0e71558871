//! Who is calling: the identity the gateway establishes from a bearer token and passes
//! to services in gRPC metadata (signed: [`crate::identity`]), and the dev HS256 tokens
//! `glocal token` mints.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tonic::metadata::{BinaryMetadataValue, MetadataMap, MetadataValue};

const SUB: &str = "glocal-caller-sub";
const ORG: &str = "glocal-caller-org";
const ROLES: &str = "glocal-caller-roles";
const NAME: &str = "glocal-caller-name-bin";
const EMAIL: &str = "glocal-caller-email";
const LOCALE: &str = "glocal-caller-locale";

/// A role a caller can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// An official of one local government: sees and acts for it only.
    LocalOfficial,
    /// Bureau staff: their department's queue.
    BureauStaff,
    /// Bureau administrator: everything.
    BureauAdmin,
    /// A partner organisation: public data only.
    Partner,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [
        Role::LocalOfficial,
        Role::BureauStaff,
        Role::BureauAdmin,
        Role::Partner,
    ];

    /// The role's name in tokens and metadata.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::LocalOfficial => "local_official",
            Role::BureauStaff => "bureau_staff",
            Role::BureauAdmin => "bureau_admin",
            Role::Partner => "partner",
        }
    }

    /// Parses a role name.
    pub fn parse(s: &str) -> Result<Role, CallerError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| CallerError::UnknownRole(s.to_owned()))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Caller {
    /// Stable subject id (the token's `sub`).
    pub subject: String,
    /// Display name.
    pub name: String,
    /// Organisation: a local government's standard code, or the bureau's own code for staff.
    pub org: String,
    /// Roles, deduplicated and sorted.
    pub roles: Vec<Role>,
    /// E-mail address from the token's standard `email` claim, when it has one.
    pub email: Option<String>,
    /// Preferred language from the token's standard `locale` claim (e.g. `ko`, `en-GB`).
    pub locale: Option<String>,
}

/// Why a caller could not be read or a token not accepted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CallerError {
    /// A role name outside [`Role::ALL`].
    #[error("unknown role `{0}`")]
    UnknownRole(String),
    /// Caller metadata present but malformed.
    #[error("malformed caller metadata: {0}")]
    Malformed(&'static str),
    /// The bearer token is invalid or expired.
    #[error("invalid token: {0}")]
    InvalidToken(String),
}

impl Caller {
    /// Builds a caller, normalising its roles.
    pub fn new(
        subject: impl Into<String>,
        name: impl Into<String>,
        org: impl Into<String>,
        roles: impl IntoIterator<Item = Role>,
    ) -> Self {
        let mut roles: Vec<Role> = roles.into_iter().collect();
        roles.sort();
        roles.dedup();
        Caller {
            subject: subject.into(),
            name: name.into(),
            org: org.into(),
            roles,
            email: None,
            locale: None,
        }
    }

    /// The same caller with the contact its token carries (`email`, `locale` claims; empty
    /// values count as absent).
    pub fn with_contact(mut self, email: Option<String>, locale: Option<String>) -> Self {
        self.email = email.filter(|e| !e.trim().is_empty());
        self.locale = locale.filter(|l| !l.trim().is_empty());
        self
    }

    /// True when the caller holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Writes the caller into gRPC request metadata.
    pub fn to_metadata(&self, md: &mut MetadataMap) {
        if let Ok(v) = MetadataValue::try_from(self.subject.as_str()) {
            md.insert(SUB, v);
        }
        if let Ok(v) = MetadataValue::try_from(self.org.as_str()) {
            md.insert(ORG, v);
        }
        let roles = self
            .roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",");
        if let Ok(v) = MetadataValue::try_from(roles.as_str()) {
            md.insert(ROLES, v);
        }
        md.insert_bin(NAME, BinaryMetadataValue::from_bytes(self.name.as_bytes()));
        for (key, value) in [(EMAIL, &self.email), (LOCALE, &self.locale)] {
            if let Some(v) = value
                .as_deref()
                .and_then(|v| MetadataValue::try_from(v).ok())
            {
                md.insert(key, v);
            }
        }
    }

    /// Reads the caller from gRPC request metadata; `Ok(None)` for an anonymous call.
    pub fn from_metadata(md: &MetadataMap) -> Result<Option<Caller>, CallerError> {
        let Some(sub) = md.get(SUB) else {
            return Ok(None);
        };
        let subject = sub
            .to_str()
            .map_err(|_| CallerError::Malformed("subject"))?
            .to_owned();
        if subject.is_empty() {
            return Err(CallerError::Malformed("subject"));
        }
        let org = md
            .get(ORG)
            .map(|v| v.to_str().map(str::to_owned))
            .transpose()
            .map_err(|_| CallerError::Malformed("org"))?
            .unwrap_or_default();
        let roles_raw = md
            .get(ROLES)
            .map(|v| v.to_str().map(str::to_owned))
            .transpose()
            .map_err(|_| CallerError::Malformed("roles"))?
            .unwrap_or_default();
        let roles = roles_raw
            .split(',')
            .filter(|s| !s.is_empty())
            .map(Role::parse)
            .collect::<Result<Vec<_>, _>>()?;
        let name = match md.get_bin(NAME) {
            Some(v) => {
                let bytes = v.to_bytes().map_err(|_| CallerError::Malformed("name"))?;
                String::from_utf8(bytes.to_vec()).map_err(|_| CallerError::Malformed("name"))?
            }
            None => String::new(),
        };
        let text = |key: &str| md.get(key).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(Some(
            Caller::new(subject, name, org, roles).with_contact(text(EMAIL), text(LOCALE)),
        ))
    }
}

/// The claims of a token from an OpenID Connect provider, already verified (signature,
/// issuer, audience, expiry), as a caller: `sub`; `name` (or `preferred_username`); the
/// organisation from `org_claim`; roles from `roles_claim`, an array or a space-separated
/// string. Roles Glocal does not know (a provider's own, such as `offline_access`) are
/// ignored: they grant nothing.
pub fn caller_from_claims(
    claims: &serde_json::Map<String, serde_json::Value>,
    roles_claim: &str,
    org_claim: &str,
) -> Result<Caller, CallerError> {
    let text = |key: &str| claims.get(key).and_then(serde_json::Value::as_str);
    let subject = text("sub")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| CallerError::InvalidToken("no subject".into()))?;
    let name = text("name").or_else(|| text("preferred_username"));
    let org = text(org_claim).unwrap_or_default();
    let names: Vec<&str> = match claims.get(roles_claim) {
        Some(serde_json::Value::Array(items)) => {
            items.iter().filter_map(serde_json::Value::as_str).collect()
        }
        Some(serde_json::Value::String(s)) => s.split_whitespace().collect(),
        _ => Vec::new(),
    };
    let roles = names.into_iter().filter_map(|r| Role::parse(r).ok());
    Ok(
        Caller::new(subject, name.unwrap_or_default(), org, roles).with_contact(
            text("email").map(str::to_owned),
            text("locale").map(str::to_owned),
        ),
    )
}

/// The JWT claims Glocal reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Subject.
    pub sub: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Organisation code.
    #[serde(default)]
    pub org: String,
    /// Role names.
    #[serde(default)]
    pub roles: Vec<String>,
    /// E-mail address (the standard OpenID Connect claim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Preferred language (the standard OpenID Connect claim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Not before, seconds since the epoch (a token is refused until then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// Mints and verifies HS256 tokens with the development secret.
#[derive(Clone)]
pub struct DevTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: String,
}

impl std::fmt::Debug for DevTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevTokens")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl DevTokens {
    /// Keys from the shared secret, with the issuer and audience every token must carry.
    pub fn new(secret: &[u8], issuer: &str, audience: &str) -> Self {
        DevTokens {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }

    /// Mints a token for `caller`, valid for `ttl`.
    pub fn mint(&self, caller: &Caller, ttl: std::time::Duration) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: caller.subject.clone(),
            name: caller.name.clone(),
            org: caller.org.clone(),
            roles: caller.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            email: caller.email.clone(),
            locale: caller.locale.clone(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
            nbf: None,
        };
        // Encoding HS256 claims with a valid key cannot fail.
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .unwrap_or_default()
    }

    /// Verifies signature, issuer, audience, expiry and not-before (30 s leeway each) and
    /// returns the caller.
    pub fn verify(&self, token: &str) -> Result<Caller, CallerError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.leeway = 30;
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|e| CallerError::InvalidToken(e.to_string()))?;
        let c = data.claims;
        if c.sub.is_empty() {
            return Err(CallerError::InvalidToken("empty subject".into()));
        }
        let roles = c
            .roles
            .iter()
            .map(|r| Role::parse(r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Caller::new(c.sub, c.name, c.org, roles).with_contact(c.email, c.locale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn official() -> Caller {
        Caller::new("u1", "김민지", "11000", [Role::LocalOfficial])
    }

    #[test]
    fn metadata_round_trip_keeps_unicode_name() {
        let mut md = MetadataMap::new();
        official().to_metadata(&mut md);
        assert_eq!(Caller::from_metadata(&md).unwrap(), Some(official()));
    }

    #[test]
    fn contact_claims_travel_in_tokens_and_metadata() {
        let caller = official().with_contact(Some("kim@example.kr".into()), Some("ko".into()));
        let tokens = DevTokens::new(b"secret", "glocal-dev", "glocal");
        let token = tokens.mint(&caller, std::time::Duration::from_secs(60));
        assert_eq!(tokens.verify(&token).unwrap(), caller);
        let mut md = MetadataMap::new();
        caller.to_metadata(&mut md);
        assert_eq!(Caller::from_metadata(&md).unwrap(), Some(caller));
        let claims =
            serde_json::json!({ "sub": "u3", "email": "lee@example.org", "locale": "en-GB" });
        let c = caller_from_claims(claims.as_object().unwrap(), "roles", "org").unwrap();
        assert_eq!(
            (c.email.as_deref(), c.locale.as_deref()),
            (Some("lee@example.org"), Some("en-GB"))
        );
    }

    #[test]
    fn no_metadata_is_anonymous() {
        assert_eq!(Caller::from_metadata(&MetadataMap::new()).unwrap(), None);
    }

    #[test]
    fn unknown_role_in_metadata_is_rejected() {
        let mut md = MetadataMap::new();
        md.insert(SUB, "u1".parse().unwrap());
        md.insert(ROLES, "local_official,root".parse().unwrap());
        assert_eq!(
            Caller::from_metadata(&md),
            Err(CallerError::UnknownRole("root".into()))
        );
    }

    #[test]
    fn token_round_trip_and_wrong_secret_or_audience() {
        let tokens = DevTokens::new(b"secret", "glocal-dev", "glocal");
        let token = tokens.mint(&official(), std::time::Duration::from_secs(60));
        assert_eq!(tokens.verify(&token).unwrap(), official());
        let other = DevTokens::new(b"other", "glocal-dev", "glocal");
        assert!(matches!(
            other.verify(&token),
            Err(CallerError::InvalidToken(_))
        ));
        let other_aud = DevTokens::new(b"secret", "glocal-dev", "someone-else");
        assert!(other_aud.verify(&token).is_err());
    }

    #[test]
    fn oidc_claims_become_a_caller_and_unknown_roles_grant_nothing() {
        let claims = serde_json::json!({
            "sub": "u1", "preferred_username": "kim", "org": "11000",
            "roles": ["local_official", "offline_access"]
        });
        let caller = caller_from_claims(claims.as_object().unwrap(), "roles", "org").unwrap();
        assert_eq!(
            caller,
            Caller::new("u1", "kim", "11000", [Role::LocalOfficial])
        );
        let claims = serde_json::json!({ "sub": "u2", "name": "Lee", "groups": "bureau_staff partner", "dept": "GAOK" });
        let caller = caller_from_claims(claims.as_object().unwrap(), "groups", "dept").unwrap();
        assert_eq!(
            caller,
            Caller::new("u2", "Lee", "GAOK", [Role::BureauStaff, Role::Partner])
        );
        let claims = serde_json::json!({ "sub": "" });
        assert!(caller_from_claims(claims.as_object().unwrap(), "roles", "org").is_err());
    }

    #[test]
    fn expired_token_is_rejected() {
        let tokens = DevTokens::new(b"secret", "glocal-dev", "glocal");
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: "u1".into(),
            name: String::new(),
            org: "11000".into(),
            roles: vec![],
            email: None,
            locale: None,
            iss: "glocal-dev".into(),
            aud: "glocal".into(),
            iat: now - 7200,
            exp: now - 3600,
            nbf: None,
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(b"secret"),
        )
        .unwrap();
        assert!(tokens.verify(&token).is_err());
    }

    #[test]
    fn a_token_not_valid_yet_is_rejected() {
        let tokens = DevTokens::new(b"secret", "glocal-dev", "glocal");
        let now = chrono::Utc::now().timestamp();
        let with_nbf = |nbf: i64| {
            let claims = Claims {
                sub: "u1".into(),
                name: String::new(),
                org: "11000".into(),
                roles: vec![],
                email: None,
                locale: None,
                iss: "glocal-dev".into(),
                aud: "glocal".into(),
                iat: now,
                exp: now + 7200,
                nbf: Some(nbf),
            };
            jsonwebtoken::encode(
                &Header::new(Algorithm::HS256),
                &claims,
                &EncodingKey::from_secret(b"secret"),
            )
            .unwrap()
        };
        assert!(matches!(
            tokens.verify(&with_nbf(now + 3600)),
            Err(CallerError::InvalidToken(_))
        ));
        // Within the leeway, and in the past, it is valid.
        assert!(tokens.verify(&with_nbf(now + 10)).is_ok());
        assert!(tokens.verify(&with_nbf(now - 60)).is_ok());
    }
}
