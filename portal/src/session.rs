//! Who is signed in, and the forms they may send: one encrypted, authenticated cookie
//! (`glocal_session`, HttpOnly, SameSite=Lax, Secure outside development) holds the person's
//! token and a random CSRF token; every `POST` must carry that CSRF token as its `_csrf` field
//! (session-bound, rotated at sign-in), or it is refused with a page saying so (ADR 0031).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, Key, PrivateCookieJar, SameSite};
use base64::Engine;
use glocal_kit::i18n::Lang;
use serde::{Deserialize, Serialize};

use crate::PortalState;
use crate::i18n::{LANG_COOKIE, negotiate};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "glocal_session";
/// The form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// Largest form body the portal reads.
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The signed-in person, as the session remembers them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Person {
    /// Token subject.
    pub subject: String,
    /// Display name.
    pub name: String,
    /// Organisation (a local government's code, or the bureau's).
    pub org: String,
    /// Whether they act for the bureau (staff or administrator).
    pub bureau: bool,
    /// Whether they are a bureau administrator (the routing rules' page is theirs).
    #[serde(default)]
    pub admin: bool,
    /// The bearer token sent to the gateway.
    pub token: String,
    /// The refresh token of an OpenID Connect sign-in, when the provider gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<String>,
    /// When `token` expires (seconds since the epoch), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

/// What the session cookie holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    /// The token every form must echo.
    pub csrf: String,
    /// The signed-in person, if any.
    pub person: Option<Person>,
}

impl Session {
    /// A new anonymous session with a fresh CSRF token.
    pub fn anonymous() -> Session {
        Session {
            csrf: random_token(),
            person: None,
        }
    }

    /// The session of `person`, with a new CSRF token (rotated at sign-in).
    pub fn signed_in(person: Person) -> Session {
        Session {
            csrf: random_token(),
            person: Some(person),
        }
    }
}

/// 32 random bytes, base64url.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The cookie key: SHA-512 of the configured key (at least 32 bytes, checked at start), or
/// of the public development key.
pub fn cookie_key(configured: &str) -> Key {
    use sha2::Digest;
    let material = if configured.is_empty() {
        "glocal-portal-development-cookie-key-not-for-production"
    } else {
        configured
    };
    Key::from(&sha2::Sha512::digest(material.as_bytes()))
}

/// What a request carries through the portal: its session, language and whether the session
/// cookie must be (re)written.
#[derive(Debug, Clone)]
pub struct Visit {
    /// The session.
    pub session: Session,
    /// The language to answer in.
    pub lang: Lang,
}

/// The session cookie holding `session`.
pub fn session_cookie(state: &PortalState, session: &Session) -> Cookie<'static> {
    let value = serde_json::to_string(session).expect("a session serializes");
    Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies)
        .build()
}

/// The session cookie jar of `headers` with `session` written into it.
pub fn write_session(
    state: &PortalState,
    headers: &http::HeaderMap,
    session: &Session,
) -> PrivateCookieJar {
    PrivateCookieJar::from_headers(headers, state.key.clone()).add(session_cookie(state, session))
}

/// Middleware: reads (or starts) the session, picks the language, refuses a `POST` whose
/// `_csrf` does not match the session's, and writes a new session's cookie.
pub async fn layer(State(state): State<PortalState>, request: Request, next: Next) -> Response {
    let headers = request.headers().clone();
    let jar = PrivateCookieJar::from_headers(&headers, state.key.clone());
    let existing = jar
        .get(SESSION_COOKIE)
        .and_then(|c| serde_json::from_str::<Session>(c.value()).ok());
    let fresh = existing.is_none();
    let mut session = existing.unwrap_or_else(Session::anonymous);
    let renewed = renew(&state, &mut session, request.uri().path()).await;
    let plain = CookieJar::from_headers(&headers);
    let lang = negotiate(
        plain.get(LANG_COOKIE).map(|c| c.value()),
        headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let visit = Visit {
        session: session.clone(),
        lang,
    };

    let (mut parts, body) = request.into_parts();
    let multipart = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    let body = if parts.method == http::Method::POST && multipart {
        // A file's form is not read here (it may be large): its handler checks the CSRF
        // token, the form's first part, before it reads the file. Only those routes take one.
        if fresh || !takes_files(parts.uri.path()) {
            tracing::info!(path = %parts.uri.path(), "form refused: a file form where none is taken, or without a session");
            let response = crate::pages::csrf_refused(&state, &visit);
            return (write_session(&state, &headers, &session), response).into_response();
        }
        body
    } else if parts.method == http::Method::POST {
        let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
            Ok(b) => b,
            Err(_) => return crate::pages::too_large(&state, &visit),
        };
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let sent = fields
            .iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.as_str());
        if fresh || !sent.is_some_and(|s| constant_time_eq(s.as_bytes(), session.csrf.as_bytes())) {
            tracing::info!(path = %parts.uri.path(), "form refused: CSRF token missing or wrong");
            let response = crate::pages::csrf_refused(&state, &visit);
            return (write_session(&state, &headers, &session), response).into_response();
        }
        Body::from(bytes)
    } else {
        body
    };
    let ip = visitor_ip(&state, &parts);
    // A page read by someone who must sign in first: where to come back to afterwards.
    let asked = (parts.method == http::Method::GET)
        .then(|| parts.uri.path_and_query().map(|p| p.as_str().to_owned()))
        .flatten()
        .filter(|p| crate::pages::return_path(p).is_some());
    parts.extensions.insert(visit);
    let mut response = crate::api::VISITOR
        .scope(ip, next.run(Request::from_parts(parts, body)))
        .await;
    if let Some(asked) = asked
        && response
            .extensions()
            .get::<crate::pages::NeedsSignIn>()
            .is_some()
        && let Ok(location) = format!("/sign-in?next={}", crate::pages::url_encode(&asked)).parse()
    {
        response
            .headers_mut()
            .insert(http::header::LOCATION, location);
    }
    if (fresh || renewed) && !sets_session(&response) {
        (write_session(&state, &headers, &session), response).into_response()
    } else {
        response
    }
}

/// The visitor's address: the last entry of the configured header (the one the portal's
/// own proxy added), else the TCP peer.
fn visitor_ip(state: &PortalState, parts: &http::request::Parts) -> Option<std::net::IpAddr> {
    let forwarded = state.client_ip_header.as_ref().and_then(|name| {
        parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|v| v.trim().parse::<std::net::IpAddr>().ok())
            .next_back()
    });
    forwarded.or_else(|| {
        parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
    })
}

/// Whether `path` takes a file form (`multipart/form-data`): a new request with its files,
/// `/requests`, and a request's attachments, `/requests/{id}/attach`.
fn takes_files(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    matches!(parts.as_slice(), ["", "requests"])
        || matches!(parts.as_slice(), ["", "requests", id, "attach"] if !id.is_empty())
}

/// The first part of a file form must be the CSRF token: whether `sent` is this session's.
pub fn csrf_matches(session: &Session, sent: &str) -> bool {
    constant_time_eq(sent.as_bytes(), session.csrf.as_bytes())
}

/// Renew the access token this long before it expires (seconds).
const RENEW_BEFORE_SECS: i64 = 30;

/// Renews the signed-in person's access token when it expires within
/// [`RENEW_BEFORE_SECS`], with their refresh token; signs them out when it cannot be
/// renewed. Whether the session changed (and its cookie must be written).
async fn renew(state: &PortalState, session: &mut Session, path: &str) -> bool {
    if path.starts_with("/static/") || path == "/healthz" {
        return false;
    }
    let Some(person) = session.person.as_mut() else {
        return false;
    };
    let Some(expires_at) = person.expires_at else {
        return false;
    };
    if chrono::Utc::now().timestamp() + RENEW_BEFORE_SECS < expires_at {
        return false;
    }
    let renewed = match (&state.oidc, &person.refresh) {
        (Some(oidc), Some(refresh)) => match oidc.refresh(refresh).await {
            Ok(tokens) => Some(tokens),
            Err(e) => {
                tracing::info!(subject = %person.subject, error = %e, "signed out: the access token could not be renewed");
                None
            }
        },
        _ => None,
    };
    match renewed {
        Some(tokens) => {
            person.token = tokens.access;
            person.refresh = tokens.refresh;
            person.expires_at = tokens.expires_at;
        }
        None => session.person = None,
    }
    true
}

/// Whether `response` writes the session cookie itself (signing in or out).
fn sets_session(response: &Response) -> bool {
    response
        .headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .any(|v| {
            let v = v.as_bytes();
            v.starts_with(SESSION_COOKIE.as_bytes()) && v.get(SESSION_COOKIE.len()) == Some(&b'=')
        })
}

/// Equality that takes the same time wherever the first difference is.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_long() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }

    #[test]
    fn only_the_submission_and_attachment_routes_take_files() {
        assert!(takes_files("/requests"));
        assert!(takes_files("/requests/abc/attach"));
        assert!(!takes_files("/requests/new"));
        assert!(!takes_files("/requests/"));
        assert!(!takes_files("/requests//attach"));
        assert!(!takes_files("/requests/abc/reply"));
        assert!(!takes_files("/requests/abc/attach/x"));
        assert!(!takes_files("/me/erasure"));
    }

    #[test]
    fn equal_only_when_equal() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
