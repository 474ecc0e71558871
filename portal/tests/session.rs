//! The portal's session and form protection over plain HTTP (no browser, no gateway needed):
//! the session cookie's flags, CSRF refusal of every kind, language choice, and a tampered
//! cookie. The routes run in-process (`Router::oneshot`), exactly as served.

use std::time::Duration;

use axum::body::Body;
use glocal_kit::caller::DevTokens;
use glocal_kit::config::{Environment, Secret, Settings};
use glocal_kit::{Caller, Role};
use glocal_portal::{DevSignIn, PortalState, app};
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn dev_settings() -> Settings {
    let mut settings = Settings::default();
    // Nothing here calls the gateway; a closed port makes any attempt fail loudly.
    settings.portal.gateway_url = "http://127.0.0.1:9".into();
    settings
}

fn dev_app() -> axum::Router {
    let settings = dev_settings();
    let tokens = DevTokens::new(
        settings.auth.jwt_secret.expose().as_bytes(),
        &settings.auth.issuer,
        &settings.auth.audience,
    );
    let dev = DevSignIn {
        people: vec![Caller::new(
            "official-seoul",
            "김민지",
            "11000",
            [Role::LocalOfficial],
        )],
        tokens,
    };
    app(PortalState::new(&settings, Some(dev)).expect("portal state"))
}

struct Answer {
    status: StatusCode,
    cookies: Vec<String>,
    location: Option<String>,
    body: String,
}

async fn send(app: &axum::Router, request: Request<Body>) -> Answer {
    let response = tokio::time::timeout(Duration::from_secs(10), app.clone().oneshot(request))
        .await
        .expect("answers in time")
        .expect("infallible");
    let status = response.status();
    let cookies = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    Answer {
        status,
        cookies,
        location,
        body,
    }
}

fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::get(path);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::empty()).unwrap()
}

fn post(path: &str, cookie: Option<&str>, form: &str) -> Request<Body> {
    let mut r =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::from(form.to_owned())).unwrap()
}

/// `name=value` of the session cookie among `Set-Cookie` lines.
fn session_cookie(cookies: &[String]) -> (String, String) {
    let line = cookies
        .iter()
        .find(|c| c.starts_with("glocal_session="))
        .unwrap_or_else(|| panic!("no session cookie in {cookies:?}"))
        .clone();
    (line.split(';').next().unwrap().to_owned(), line)
}

fn csrf_of(html: &str) -> String {
    let start = html
        .find("name=\"_csrf\" value=\"")
        .expect("a form with _csrf")
        + 20;
    html[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_session_cookie_is_httponly_lax_encrypted_and_not_secure_in_development() {
    let app = dev_app();
    let page = send(&app, get("/sign-in", None)).await;
    assert_eq!(page.status, StatusCode::OK);
    let (pair, line) = session_cookie(&page.cookies);
    assert!(line.contains("HttpOnly"), "{line}");
    assert!(line.contains("SameSite=Lax"), "{line}");
    assert!(line.contains("Path=/"), "{line}");
    assert!(!line.contains("Secure"), "{line}");
    // Encrypted: neither the CSRF token nor any JSON is readable in it.
    let csrf = csrf_of(&page.body);
    assert!(!pair.contains(&csrf) && !pair.contains("csrf"), "{pair}");
}

#[tokio::test]
async fn production_cookies_are_secure_and_production_has_no_development_sign_in() {
    let mut settings = dev_settings();
    settings.environment = Environment::Production;
    settings.portal.cookie_key = Secret::new("a-production-cookie-key-of-enough-bytes-0123456789");
    settings.auth.oidc_issuer = "https://id.example.org/realms/glocal".into();
    settings.portal.public_url = "https://glocal.example.org".into();
    // Production signs people in through the OpenID Connect provider, so it needs a client.
    assert!(PortalState::new(&settings, None).is_err());
    settings.portal.oidc_client_id = "glocal-portal".into();
    let state = PortalState::new(&settings, None).expect("portal state");
    let app = app(state);
    let page = send(&app, get("/sign-in", None)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"sign-in-oidc\""), "{}", page.body);
    assert!(!page.body.contains("sign-in-official"), "{}", page.body);
    let (_, line) = session_cookie(&page.cookies);
    assert!(
        line.contains("Secure") && line.contains("HttpOnly"),
        "{line}"
    );

    // No key, or a short one, is refused in production.
    settings.portal.cookie_key = Secret::new("short");
    assert!(PortalState::new(&settings, None).is_err());
    settings.portal.cookie_key = Secret::default();
    assert!(PortalState::new(&settings, None).is_err());
    // The provider sends the sign-in's code to the public URL: never over plain HTTP there.
    settings.portal.cookie_key = Secret::new("a-production-cookie-key-of-enough-bytes-0123456789");
    settings.portal.public_url = "http://glocal.example.org".into();
    assert!(PortalState::new(&settings, None).is_err());
    // A client without an issuer is refused anywhere.
    let mut settings = dev_settings();
    settings.portal.oidc_client_id = "glocal-portal".into();
    assert!(PortalState::new(&settings, None).is_err());
}

#[tokio::test]
async fn a_form_without_the_right_csrf_token_is_refused_with_a_page_saying_so() {
    let app = dev_app();
    let page = send(&app, get("/sign-in", None)).await;
    let (cookie, _) = session_cookie(&page.cookies);
    let csrf = csrf_of(&page.body);

    for (what, cookie, form) in [
        (
            "no token",
            Some(cookie.as_str()),
            "subject=official-seoul".to_owned(),
        ),
        (
            "a wrong token",
            Some(cookie.as_str()),
            "subject=official-seoul&_csrf=forged".to_owned(),
        ),
        (
            "no session",
            None,
            format!("subject=official-seoul&_csrf={csrf}"),
        ),
        (
            "a forged cookie",
            Some("glocal_session=forged"),
            format!("subject=official-seoul&_csrf={csrf}"),
        ),
    ] {
        let answer = send(&app, post("/sign-in", cookie, &form)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{what}");
        assert!(
            answer.body.contains("양식이 만료되었습니다"),
            "{what}: {}",
            answer.body
        );
        assert!(
            !answer.cookies.iter().any(|c| c.starts_with("lang=")),
            "{what}"
        );
    }
    // Sign-out is a form too.
    let answer = send(&app, post("/sign-out", Some(&cookie), "")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);

    // With it, signing in works and rotates the session (and its token).
    let answer = send(
        &app,
        post(
            "/sign-in",
            Some(&cookie),
            &format!("subject=official-seoul&_csrf={csrf}"),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location.as_deref(), Some("/"));
    let (signed_in, line) = session_cookie(&answer.cookies);
    assert_ne!(signed_in, cookie);
    assert!(line.contains("HttpOnly") && line.contains("SameSite=Lax"));
    // The old token no longer signs anyone out.
    let answer = send(
        &app,
        post("/sign-out", Some(&signed_in), &format!("_csrf={csrf}")),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_unknown_person_cannot_sign_in() {
    let app = dev_app();
    let page = send(&app, get("/sign-in", None)).await;
    let (cookie, _) = session_cookie(&page.cookies);
    let csrf = csrf_of(&page.body);
    let answer = send(
        &app,
        post(
            "/sign-in",
            Some(&cookie),
            &format!("subject=admin-impostor&_csrf={csrf}"),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        !answer
            .cookies
            .iter()
            .any(|c| c.starts_with("glocal_session="))
    );
}

#[tokio::test]
async fn korean_by_default_then_accept_language_then_the_chosen_language() {
    let app = dev_app();
    let korean = send(&app, get("/sign-in", None)).await;
    assert!(korean.body.contains("<html lang=\"ko\">"));
    assert!(korean.body.contains("본문 바로가기"));

    let english = app
        .clone()
        .oneshot(
            Request::get("/sign-in")
                .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9,ko;q=0.5")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let body = english.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("<html lang=\"en\">"), "{body}");
    assert!(body.contains("Skip to main content"));

    let chosen = send(&app, get("/lang/ja?next=/sign-in", None)).await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    assert_eq!(chosen.location.as_deref(), Some("/sign-in"));
    let lang = chosen
        .cookies
        .iter()
        .find(|c| c.starts_with("lang=ja"))
        .expect("lang cookie");
    assert!(lang.contains("Max-Age=31536000") && lang.contains("SameSite=Lax"));
    let japanese = send(&app, get("/sign-in", Some("lang=ja"))).await;
    assert!(japanese.body.contains("<html lang=\"ja\">"));
    assert!(japanese.body.contains("本文へ移動"));

    // Only local paths: never an open redirect.
    let away = send(&app, get("/lang/en?next=//evil.example/", None)).await;
    assert_eq!(away.location.as_deref(), Some("/"));
    let away = send(&app, get("/lang/en?next=https://evil.example/", None)).await;
    assert_eq!(away.location.as_deref(), Some("/"));
}

#[tokio::test]
async fn pages_need_a_signed_in_person_and_carry_security_headers() {
    let app = dev_app();
    let answer = send(&app, get("/requests", None)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location.as_deref(), Some("/sign-in?next=/requests"));
    let response = app.clone().oneshot(get("/sign-in", None)).await.unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    let css = send(&app, get("/static/portal.css", None)).await;
    assert!(css.body.contains(":focus-visible"));
    assert_eq!(
        send(&app, get("/nowhere", None)).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A `multipart/form-data` POST of `parts` (name, value; a part named `file` is a file).
fn multipart(path: &str, cookie: &str, parts: &[(&str, &str)]) -> Request<Body> {
    let boundary = "glocal-test-boundary";
    let mut body = String::new();
    for (name, value) in parts {
        body.push_str(&format!("--{boundary}\r\n"));
        if *name == "file" {
            body.push_str(&format!(
                "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n{value}\r\n"
            ));
        } else {
            body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    Request::post(path)
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn a_file_form_is_taken_only_where_files_are_and_only_with_the_csrf_token_first() {
    let app = dev_app();
    let page = send(&app, get("/sign-in", None)).await;
    let (cookie, _) = session_cookie(&page.cookies);
    let csrf = csrf_of(&page.body);
    let answer = send(
        &app,
        post(
            "/sign-in",
            Some(&cookie),
            &format!("subject=official-seoul&_csrf={csrf}"),
        ),
    )
    .await;
    let (cookie, _) = session_cookie(&answer.cookies);
    let page = send(&app, get("/sign-in", Some(&cookie))).await;
    let csrf = csrf_of(&page.body);

    // A file form sent to a route that takes none, even with the right token: refused.
    let answer = send(
        &app,
        multipart(
            "/requests/abc/reply",
            &cookie,
            &[("_csrf", &csrf), ("body", "hello")],
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // To the attachment route: a wrong token, or a token that is not the first part.
    for (what, parts) in [
        ("a wrong token", vec![("_csrf", "forged"), ("file", "x")]),
        ("no token", vec![("file", "x")]),
        (
            "the token after the file",
            vec![("file", "x"), ("_csrf", csrf.as_str())],
        ),
    ] {
        // Both routes that take files: a request's attachments and a new request's form.
        for path in ["/requests/abc/attach", "/requests"] {
            let answer = send(&app, multipart(path, &cookie, &parts)).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{what} to {path}");
            assert!(
                answer.body.contains("양식이 만료되었습니다"),
                "{what} to {path}"
            );
        }
    }
    // A new request's text parts with a forged token: refused before anything is submitted.
    let answer = send(
        &app,
        multipart(
            "/requests",
            &cookie,
            &[
                ("_csrf", "forged"),
                ("type", "GENERAL_INQUIRY"),
                ("title", "t"),
            ],
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sign_in_comes_back_to_the_page_asked_for_and_only_to_a_page_of_the_portal() {
    let app = dev_app();
    // A page that needs a person: to sign in, with the page (and its query) to come back to.
    let answer = send(&app, get("/requests/abc?done=submitted", None)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        answer.location.as_deref(),
        Some("/sign-in?next=/requests/abc%3Fdone%3Dsubmitted")
    );
    let (cookie, _) = session_cookie(&answer.cookies);
    let page = send(
        &app,
        get(answer.location.as_deref().unwrap(), Some(&cookie)),
    )
    .await;
    assert!(
        page.body
            .contains(r#"<input type="hidden" name="next" value="/requests/abc?done=submitted">"#),
        "each demo person's form carries the page"
    );
    let csrf = csrf_of(&page.body);
    let signed_in = send(
        &app,
        post(
            "/sign-in",
            Some(&cookie),
            &format!(
                "subject=official-seoul&next=%2Frequests%2Fabc%3Fdone%3Dsubmitted&_csrf={csrf}"
            ),
        ),
    )
    .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(
        signed_in.location.as_deref(),
        Some("/requests/abc?done=submitted")
    );

    // Anything else lands on the start page: another site, the sign-in itself, nothing.
    for next in [
        "%2F%2Fevil.example%2F",
        "https%3A%2F%2Fevil.example%2F",
        "%2Fsign-in",
        "%2F%5Cevil.example",
        "",
    ] {
        let page = send(&app, get("/sign-in", None)).await;
        let (cookie, _) = session_cookie(&page.cookies);
        let csrf = csrf_of(&page.body);
        let answer = send(
            &app,
            post(
                "/sign-in",
                Some(&cookie),
                &format!("subject=official-seoul&next={next}&_csrf={csrf}"),
            ),
        )
        .await;
        assert_eq!(answer.location.as_deref(), Some("/"), "next={next}");
    }
    // A form posted without a person is not a page to come back to.
    let answer = send(&app, post("/requests/abc/reply", None, "body=x")).await;
    assert!(
        !answer
            .location
            .as_deref()
            .unwrap_or_default()
            .contains("next="),
        "{:?}",
        answer.location
    );
}

#[tokio::test]
async fn pages_are_counted_by_route_pattern_and_status() {
    let _ = glocal_kit::metrics::prometheus();
    let app = dev_app();
    send(&app, get("/requests/4f1c2a", None)).await;
    send(&app, get("/no/such/page", None)).await;
    let text = glocal_kit::metrics::render();
    assert!(
        text.contains(r#"portal_http_requests_total{route="/requests/{id}",status="303"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"portal_http_requests_total{route="other",status="404"}"#),
        "{text}"
    );
    assert!(
        !text.contains("4f1c2a"),
        "a path's id never becomes a label"
    );
    assert!(text.contains("portal_http_request_duration_seconds_bucket{route=\"/requests/{id}\""));
}
