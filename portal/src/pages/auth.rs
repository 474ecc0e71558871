//! Signing in and out, and choosing a language. Production sign-in is OpenID Connect's
//! authorization code flow with PKCE ([`crate::oidc`]): `/sign-in/oidc` sends the browser to
//! the provider and `/auth/callback` takes it back. In development the sign-in page also
//! lists the demo people ([`crate::DevSignIn`]).

use std::time::Duration;

use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, PrivateCookieJar, SameSite};
use glocal_kit::Role;
use glocal_kit::i18n::Lang;
use serde::{Deserialize, Serialize};

use super::{Page, local_path, message, render, return_path};
use crate::PortalState;
use crate::i18n::{LANG_COOKIE, Words};
use crate::oidc::Pending;
use crate::session::{Person, SESSION_COOKIE, Session, Visit, session_cookie};

/// The cookie holding a started OpenID Connect sign-in ([`Pending`]) until the provider
/// sends the browser back: encrypted, HttpOnly, SameSite=Lax (the callback is a top-level
/// navigation from the provider), ten minutes.
const PENDING_COOKIE: &str = "glocal_oidc";
/// How long a started sign-in may take.
const PENDING_FOR: time::Duration = time::Duration::minutes(10);
/// Largest session cookie a browser keeps whole (RFC 6265 asks browsers for at least 4096
/// bytes per cookie, name and attributes included).
const MAX_SESSION_COOKIE: usize = 4000;

/// How long a development sign-in lasts.
const DEV_SESSION: Duration = Duration::from_secs(12 * 3600);

/// One person offered on the development sign-in page.
pub struct DemoPerson {
    /// Token subject (the form's value).
    pub subject: String,
    /// Display name.
    pub name: String,
    /// What they are: role and organisation.
    pub what: String,
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    /// The frame.
    pub page: Page,
    /// The demo people, in development.
    pub people: Vec<DemoPerson>,
    /// Whether signing in through the OpenID Connect provider is offered.
    pub oidc: bool,
    /// The page to come back to once signed in.
    pub next: Option<String>,
}

/// `GET /sign-in?next=/page`.
pub async fn sign_in_page(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Query(next): Query<Next>,
) -> Response {
    let w = Words(visit.lang);
    if state.dev_sign_in.is_none() && state.oidc.is_none() {
        return message(
            &visit,
            &uri,
            StatusCode::SERVICE_UNAVAILABLE,
            "sign-in-title",
            w.t("sign-in-unavailable"),
            None,
        );
    }
    let people = state
        .dev_sign_in
        .iter()
        .flat_map(|dev| &dev.people)
        .map(|c| DemoPerson {
            subject: c.subject.clone(),
            name: c.name.clone(),
            what: c
                .roles
                .iter()
                .map(|r| w.t(&format!("role-{}", r.as_str())))
                .collect::<Vec<_>>()
                .join(", ")
                + " · "
                + &c.org,
        })
        .collect();
    render(
        StatusCode::OK,
        &SignInPage {
            page: Page::new(&visit, &uri, "sign-in-title"),
            people,
            oidc: state.oidc.is_some(),
            next: next.back().map(str::to_owned),
        },
    )
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    subject: String,
    next: Option<String>,
}

/// `POST /sign-in`: signs in as one of the demo people (development only).
pub async fn sign_in(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<SignInForm>,
) -> Response {
    let w = Words(visit.lang);
    let caller = state.dev_sign_in.as_ref().and_then(|dev| {
        dev.people
            .iter()
            .find(|c| c.subject == form.subject)
            .map(|c| (dev, c))
    });
    let Some((dev, caller)) = caller else {
        return message(
            &visit,
            &uri,
            StatusCode::BAD_REQUEST,
            "sign-in-title",
            w.t("sign-in-unknown"),
            Some(("/sign-in".into(), w.t("sign-in-title"))),
        );
    };
    let person = person_of(caller, dev.tokens.mint(caller, DEV_SESSION), None, None);
    tracing::info!(subject = %person.subject, "signed in (development)");
    let session = Session::signed_in(person);
    let back = form.next.as_deref().and_then(return_path).unwrap_or("/");
    (
        jar(&state, &headers).add(session_cookie(&state, &session)),
        Redirect::to(back),
    )
        .into_response()
}

/// `POST /sign-out`.
pub async fn sign_out(State(state): State<PortalState>, headers: HeaderMap) -> Response {
    (
        jar(&state, &headers).add(session_cookie(&state, &Session::anonymous())),
        Redirect::to("/sign-in"),
    )
        .into_response()
}

/// The session's person for `caller`, signed in with `token`.
fn person_of(
    caller: &glocal_kit::Caller,
    token: String,
    refresh: Option<String>,
    expires_at: Option<i64>,
) -> Person {
    Person {
        subject: caller.subject.clone(),
        name: caller.name.clone(),
        org: caller.org.clone(),
        bureau: caller.has(Role::BureauStaff) || caller.has(Role::BureauAdmin),
        admin: caller.has(Role::BureauAdmin),
        token,
        refresh,
        expires_at,
    }
}

/// The encrypted cookies of a request.
fn jar(state: &PortalState, headers: &HeaderMap) -> PrivateCookieJar {
    PrivateCookieJar::from_headers(headers, state.key.clone())
}

/// The page saying a sign-in through the provider did not work, with `key`'s words and a
/// link to start again.
fn sign_in_failed(visit: &Visit, uri: &Uri, status: StatusCode, key: &str) -> Response {
    let w = Words(visit.lang);
    message(
        visit,
        uri,
        status,
        "sign-in-title",
        w.t(key),
        Some(("/sign-in".into(), w.t("sign-in-again"))),
    )
}

/// `GET /sign-in/oidc`: sends the browser to the provider's authorization endpoint with a
/// fresh `state`, nonce and PKCE challenge (S256), kept in an encrypted cookie.
pub async fn oidc_start(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    headers: HeaderMap,
    uri: Uri,
    Query(next): Query<Next>,
) -> Response {
    let Some(oidc) = &state.oidc else {
        return sign_in_failed(&visit, &uri, StatusCode::NOT_FOUND, "sign-in-unavailable");
    };
    let (url, pending) = match oidc.start().await {
        Ok(started) => started,
        Err(e) => {
            tracing::warn!(error = %e, "sign-in could not start");
            return sign_in_failed(&visit, &uri, StatusCode::BAD_GATEWAY, "sign-in-failed");
        }
    };
    let pending = PendingSignIn {
        pending,
        next: next.back().map(str::to_owned),
    };
    let cookie = Cookie::build((
        PENDING_COOKIE,
        serde_json::to_string(&pending).expect("a pending sign-in serializes"),
    ))
    .path("/auth")
    .http_only(true)
    .same_site(SameSite::Lax)
    .secure(state.secure_cookies)
    .max_age(PENDING_FOR)
    .build();
    (jar(&state, &headers).add(cookie), Redirect::to(&url)).into_response()
}

/// What the provider sends back to `/auth/callback`.
#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /auth/callback`: checks `state` against the sign-in this browser started, exchanges
/// the code (with the PKCE verifier), verifies the ID token and signs the person in.
pub async fn oidc_callback(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    headers: HeaderMap,
    uri: Uri,
    Query(back): Query<Callback>,
) -> Response {
    let Some(oidc) = &state.oidc else {
        return sign_in_failed(&visit, &uri, StatusCode::NOT_FOUND, "sign-in-unavailable");
    };
    let jar = jar(&state, &headers);
    let pending = jar
        .get(PENDING_COOKIE)
        .and_then(|c| serde_json::from_str::<PendingSignIn>(c.value()).ok());
    let jar = jar.remove(Cookie::build(PENDING_COOKIE).path("/auth"));
    let Some(pending) = pending else {
        tracing::info!("sign-in callback without a started sign-in (expired or another browser)");
        return (
            jar,
            sign_in_failed(&visit, &uri, StatusCode::BAD_REQUEST, "sign-in-expired"),
        )
            .into_response();
    };
    if let Some(error) = back.error {
        tracing::info!(%error, description = back.error_description.as_deref().unwrap_or(""), "the provider refused the sign-in");
        return (
            jar,
            sign_in_failed(&visit, &uri, StatusCode::FORBIDDEN, "sign-in-refused"),
        )
            .into_response();
    }
    let (Some(code), Some(returned_state)) = (back.code, back.state) else {
        return (
            jar,
            sign_in_failed(&visit, &uri, StatusCode::BAD_REQUEST, "sign-in-failed"),
        )
            .into_response();
    };
    let (caller, tokens) = match oidc.finish(&pending.pending, &code, &returned_state).await {
        Ok(done) => done,
        Err(e) => {
            tracing::warn!(error = %e, "sign-in failed");
            let status = match e {
                crate::oidc::OidcError::State => StatusCode::BAD_REQUEST,
                _ => StatusCode::BAD_GATEWAY,
            };
            return (jar, sign_in_failed(&visit, &uri, status, "sign-in-failed")).into_response();
        }
    };
    let person = person_of(&caller, tokens.access, tokens.refresh, tokens.expires_at);
    let session = Session::signed_in(person);
    let cookie = session_cookie(&state, &session);
    let jar = jar.add(cookie);
    let written = jar
        .get(SESSION_COOKIE)
        .map(|c| c.encoded().to_string().len())
        .unwrap_or(0);
    if written > MAX_SESSION_COOKIE {
        tracing::warn!(
            bytes = written,
            "sign-in refused: the provider's tokens do not fit in the session cookie"
        );
        let jar = jar.add(session_cookie(&state, &Session::anonymous()));
        return (
            jar,
            sign_in_failed(&visit, &uri, StatusCode::BAD_GATEWAY, "sign-in-failed"),
        )
            .into_response();
    }
    tracing::info!(subject = %caller.subject, "signed in (OpenID Connect)");
    let back = pending.next.as_deref().and_then(return_path).unwrap_or("/");
    (jar, Redirect::to(back)).into_response()
}

/// Where to go next: after choosing a language, or after signing in.
#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

impl Next {
    /// The page to come back to after signing in, when it is one ([`return_path`]).
    fn back(&self) -> Option<&str> {
        self.next.as_deref().and_then(return_path)
    }
}

/// A started sign-in as kept in its cookie: the provider's side, and the page to come back to.
#[derive(Serialize, Deserialize)]
struct PendingSignIn {
    #[serde(flatten)]
    pending: Pending,
    next: Option<String>,
}

/// `GET /lang/{code}?next=/path`: remembers the language for a year and goes back (to a
/// local path only).
pub async fn choose_language(
    State(state): State<PortalState>,
    Path(code): Path<String>,
    Query(next): Query<Next>,
) -> Response {
    let Some(lang) = Lang::from_tag(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let next = next
        .next
        .filter(|n| local_path(n).is_some())
        .unwrap_or_else(|| "/".into());
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}",
        lang.as_str()
    );
    (
        [(axum::http::header::SET_COOKIE, cookie)],
        Redirect::to(&next),
    )
        .into_response()
}
