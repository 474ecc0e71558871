//! Signing in and out, and choosing a language. In development the sign-in page lists the
//! demo people ([`crate::DevSignIn`]); production sign-in (OpenID Connect) is not built yet.

use std::time::Duration;

use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use glocal_kit::Role;
use glocal_kit::i18n::Lang;
use serde::Deserialize;

use super::{Page, message, render};
use crate::PortalState;
use crate::i18n::{LANG_COOKIE, Words};
use crate::session::{Person, Session, Visit, write_session};

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
}

/// `GET /sign-in`.
pub async fn sign_in_page(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
) -> Response {
    let w = Words(visit.lang);
    let Some(dev) = &state.dev_sign_in else {
        return message(
            &visit,
            &uri,
            StatusCode::SERVICE_UNAVAILABLE,
            "sign-in-title",
            w.t("sign-in-unavailable"),
            None,
        );
    };
    let people = dev
        .people
        .iter()
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
        },
    )
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    subject: String,
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
    let person = Person {
        subject: caller.subject.clone(),
        name: caller.name.clone(),
        org: caller.org.clone(),
        bureau: caller.has(Role::BureauStaff) || caller.has(Role::BureauAdmin),
        admin: caller.has(Role::BureauAdmin),
        token: dev.tokens.mint(caller, DEV_SESSION),
    };
    tracing::info!(subject = %person.subject, "signed in (development)");
    let session = Session::signed_in(person);
    (write_session(&state, &headers, &session), Redirect::to("/")).into_response()
}

/// `POST /sign-out`.
pub async fn sign_out(State(state): State<PortalState>, headers: HeaderMap) -> Response {
    (
        write_session(&state, &headers, &Session::anonymous()),
        Redirect::to("/sign-in"),
    )
        .into_response()
}

/// Where to go after choosing a language.
#[derive(Deserialize)]
pub struct Next {
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
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
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
