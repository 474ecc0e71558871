//! Certificate verification (`/certificates/verify`), public: anyone holding a certificate's
//! code (a host, an employer) checks that the bureau issued it and to whom. A GET form, so it
//! works without JavaScript and a verification link can be shared (`?code=…`).

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::{Page, api_error, render};
use crate::PortalState;
use crate::api::ApiError;
use crate::operations::{VerifyCertificate, verify_certificate};
use crate::session::Visit;

/// The longest code the form passes on (a real one is far shorter).
const MAX_CODE_CHARS: usize = 64;

/// `?code=`.
#[derive(Debug, Default, Deserialize)]
pub struct VerifyQuery {
    /// The code as typed.
    #[serde(default)]
    pub code: String,
}

/// A certificate the bureau issued.
pub struct Verified {
    /// Its code, in canonical form.
    pub code: String,
    /// The participant.
    pub holder: String,
    /// The programme, in the page's language.
    pub programme: String,
    /// The edition's term.
    pub term: String,
    /// When it was issued.
    pub issued: String,
}

/// The verification page: the form, and the answer when a code was asked.
#[derive(Template)]
#[template(path = "certificate.html")]
pub struct CertificateView {
    /// The frame.
    pub page: Page,
    /// The code as typed (echoed in the field).
    pub code: String,
    /// The certificate, when the code names one.
    pub verified: Option<Verified>,
    /// Why the code names none (in the page's language), when one was asked.
    pub refusal: Option<String>,
}

/// `GET /certificates/verify[?code=…]`.
pub async fn verify(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Query(query): Query<VerifyQuery>,
) -> Response {
    let page = Page::new(&visit, &uri, "certificate-title");
    let code = query.code.trim().to_owned();
    let mut view = CertificateView {
        refusal: None,
        verified: None,
        code: code.clone(),
        page,
    };
    if code.is_empty() {
        return render(StatusCode::OK, &view);
    }
    if code.chars().count() > MAX_CODE_CHARS || code.chars().any(char::is_control) {
        view.refusal = Some(view.page.w.t("certificate-unknown"));
        view.code.clear();
        return render(StatusCode::NOT_FOUND, &view);
    }
    let token = visit.session.person.as_ref().map(|p| p.token.as_str());
    let answer = state
        .api
        .run::<VerifyCertificate>(
            token,
            visit.lang,
            verify_certificate::Variables { code: code.clone() },
        )
        .await;
    match answer {
        Ok(data) => match data.verify_certificate {
            Some(c) => {
                view.verified = Some(Verified {
                    code: c.code,
                    holder: c.holder_name,
                    programme: c.programme_title,
                    term: c.edition_term,
                    issued: c.issued_on.unwrap_or_default(),
                });
                render(StatusCode::OK, &view)
            }
            None => {
                view.refusal = Some(view.page.w.t("certificate-unknown"));
                render(StatusCode::NOT_FOUND, &view)
            }
        },
        // A code that is not even shaped like one is "no such certificate" to the reader.
        Err(ApiError::BadInput { .. }) => {
            view.refusal = Some(view.page.w.t("certificate-unknown"));
            render(StatusCode::NOT_FOUND, &view)
        }
        Err(e) => api_error(&visit, &uri, &e),
    }
}
