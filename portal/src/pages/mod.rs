//! One handler per page, each rendering a compiled template (`templates/`) with the common
//! [`Page`] frame: language, signed-in person, CSRF token, language links.

pub mod apply;
pub mod assets;
pub mod auth;
pub mod certificates;
pub mod events;
pub mod library;
pub mod my_data;
pub mod notices;
pub mod programmes;
pub mod requests;
pub mod routing;

use askama::Template;
use axum::Extension;
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::PortalState;
use crate::api::ApiError;
use crate::i18n::{LANGS, Words};
use crate::session::{Person, Visit};

/// One language link of the switcher.
pub struct LangLink {
    /// `ko`, `en`, …
    pub code: &'static str,
    /// The language's own name.
    pub name: &'static str,
    /// Where it goes (`/lang/en?next=…`).
    pub href: String,
    /// Whether it is the page's language.
    pub current: bool,
}

/// What every page shows around its content.
pub struct Page {
    /// The words of the page's language.
    pub w: Words,
    /// The token each form echoes.
    pub csrf: String,
    /// Who is signed in.
    pub person: Option<Person>,
    /// The page's title.
    pub title: String,
    /// The language links, back to this page.
    pub langs: Vec<LangLink>,
}

impl Page {
    /// The frame of a page at `uri` titled by catalogue key `title_key`.
    pub fn new(visit: &Visit, uri: &Uri, title_key: &str) -> Page {
        let w = Words(visit.lang);
        let next = uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
            .to_owned();
        let next: String = url_encode(&next);
        Page {
            w,
            csrf: visit.session.csrf.clone(),
            person: visit.session.person.clone(),
            title: w.t(title_key),
            langs: LANGS
                .into_iter()
                .map(|l| LangLink {
                    code: l.as_str(),
                    name: endonym(l.as_str()),
                    href: format!("/lang/{}?next={next}", l.as_str()),
                    current: l == visit.lang,
                })
                .collect(),
        }
    }

    /// Whether the signed-in person acts for the bureau.
    pub fn bureau(&self) -> bool {
        self.person.as_ref().is_some_and(|p| p.bureau)
    }
}

fn endonym(code: &str) -> &'static str {
    match code {
        "ko" => "한국어",
        "en" => "English",
        "zh" => "中文",
        _ => "日本語",
    }
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A rendered template with `status`.
pub fn render<T: Template>(status: StatusCode, template: &T) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// A page that says one thing: a title and a message, with a link onwards.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    /// The frame.
    pub page: Page,
    /// What happened.
    pub message: String,
    /// Where to go next, and its label.
    pub link: Option<(String, String)>,
}

/// A message page with `status`.
pub fn message(
    visit: &Visit,
    uri: &Uri,
    status: StatusCode,
    title_key: &str,
    message: String,
    link: Option<(String, String)>,
) -> Response {
    let page = Page::new(visit, uri, title_key);
    render(
        status,
        &MessagePage {
            page,
            message,
            link,
        },
    )
}

/// The page of a form whose CSRF token was missing or wrong.
pub fn csrf_refused(_state: &PortalState, visit: &Visit) -> Response {
    let w = Words(visit.lang);
    message(
        visit,
        &Uri::from_static("/"),
        StatusCode::FORBIDDEN,
        "csrf-title",
        w.t("csrf-message"),
        Some(("/".into(), w.t("go-home"))),
    )
}

/// The page of a form too large to read.
pub fn too_large(_state: &PortalState, visit: &Visit) -> Response {
    let w = Words(visit.lang);
    message(
        visit,
        &Uri::from_static("/"),
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large-title",
        w.t("too-large-message"),
        None,
    )
}

/// Any path the portal does not have.
pub async fn not_found(Extension(visit): Extension<Visit>, uri: Uri) -> Response {
    let w = Words(visit.lang);
    message(
        &visit,
        &uri,
        StatusCode::NOT_FOUND,
        "not-found-title",
        w.t("not-found-message"),
        Some(("/".into(), w.t("go-home"))),
    )
}

/// The page for an API error on a page that reads (no form to show it next to).
pub fn api_error(visit: &Visit, uri: &Uri, error: &ApiError) -> Response {
    let w = Words(visit.lang);
    match error {
        ApiError::Unauthenticated(reason) => {
            tracing::info!(%reason, "the gateway refused the person's token: to sign in");
            to_sign_in()
        }
        ApiError::NotFound(_) | ApiError::Forbidden(_) => message(
            visit,
            uri,
            StatusCode::NOT_FOUND,
            "not-found-title",
            w.t("not-found-message"),
            Some(("/".into(), w.t("go-home"))),
        ),
        ApiError::RateLimited(said) => message(
            visit,
            uri,
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited-title",
            said.clone(),
            None,
        ),
        ApiError::Transport(_) => message(
            visit,
            uri,
            StatusCode::BAD_GATEWAY,
            "unavailable-title",
            w.t("unavailable-message"),
            None,
        ),
        other => message(
            visit,
            uri,
            StatusCode::BAD_REQUEST,
            "error-title",
            other.message().to_owned(),
            None,
        ),
    }
}

/// The person signed in, if anyone is.
pub fn signed_in(visit: &Visit) -> Option<&Person> {
    visit.session.person.as_ref()
}

/// `next` when it is a path of this portal: local, never `//host` or with a backslash (which
/// browsers may read as another site).
pub fn local_path(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\')).then_some(next)
}

/// `next` when it is a page to come back to after signing in: a [`local_path`] that is not
/// the sign-in itself nor the start page (which chooses by role).
pub fn return_path(next: &str) -> Option<&str> {
    let path = local_path(next)?
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    let signing_in =
        path == "/sign-in" || path.starts_with("/sign-in/") || path.starts_with("/auth/");
    (path != "/" && !signing_in).then_some(next)
}

/// The redirect to the sign-in page, for a page that needs a signed-in person (the session
/// layer adds the page asked for as `next`).
pub fn to_sign_in() -> Response {
    let mut response = Redirect::to("/sign-in").into_response();
    response.extensions_mut().insert(NeedsSignIn);
    response
}

/// Marks [`to_sign_in`]'s redirect, which the session layer sends on with the page asked for.
#[derive(Debug, Clone, Copy)]
pub struct NeedsSignIn;

/// `/`: officials to their requests, staff to their queue, everyone else to sign in.
pub async fn home(Extension(visit): Extension<Visit>) -> Response {
    match &visit.session.person {
        None => Redirect::to("/sign-in"),
        Some(p) if p.bureau => Redirect::to("/queue"),
        Some(_) => Redirect::to("/requests"),
    }
    .into_response()
}

/// Headers every response carries: no framing, no sniffing, scripts and styles only from
/// the portal itself.
pub async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    response
}
