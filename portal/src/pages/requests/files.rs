//! Files of a request (`multipart/form-data` forms): attaching one from the request's page
//! (`POST /requests/{id}/attach`), and the pieces the new-request form uses for its files.
//! A file form's first part is the CSRF token, checked before anything else is read; a file
//! part is streamed, never held whole: the portal asks the gateway for an upload link
//! (`createRequestAttachmentUpload`) and sends the part's bytes to it as they arrive.
//! Refusals (a closed request, a name or type the API does not take, a file too large) are
//! shown next to the file field.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use futures::TryStreamExt;

use super::one::{Forms, request_page};
use crate::PortalState;
use crate::api::ApiError;
use crate::i18n::Words;
use crate::operations::{CreateAttachmentUpload, create_attachment_upload};
use crate::pages::{api_error, csrf_refused, signed_in, to_sign_in, url_encode};
use crate::session::{CSRF_FIELD, Visit, csrf_matches};

/// The name a browser gives a file, without any folder it may prefix (old browsers send
/// the whole path).
pub(super) fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name).trim()
}

/// `POST /requests/{id}/attach`.
pub async fn attach(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let Some(person) = signed_in(&visit).cloned() else {
        return to_sign_in();
    };
    let Some(mut form) = open_form(&visit, &uri, request).await else {
        return csrf_refused(&state, &visit);
    };
    let field = loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => break Some(field),
            Ok(Some(_)) => continue,
            Ok(None) => break None,
            Err(e) => {
                tracing::info!(error = %e, "file form could not be read");
                break None;
            }
        }
    };
    let result = match field {
        Some(field) => upload(&state, &visit, &person.token, &id, field).await,
        None => Err(Refused::Field(Words(visit.lang).t("error-choose-file"))),
    };
    match result {
        Ok(()) => {
            Redirect::to(&format!("/requests/{}?done=attach", url_encode(&id))).into_response()
        }
        Err(Refused::Field(message)) => {
            refused_file(&state, &visit, &uri, &id, None, message).await
        }
        Err(Refused::Api(e)) => api_error(&visit, &uri, &e),
    }
}

/// Opens a file form whose first part is this session's CSRF token; `None` for a forged
/// form or a body that is not `multipart/form-data` (nothing past the token is read).
pub(super) async fn open_form(
    visit: &Visit,
    uri: &Uri,
    request: Request,
) -> Option<multer::Multipart<'static>> {
    let boundary = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())?;
    // Text parts are small; a file part's size is the gateway's to limit.
    let limits = multer::SizeLimit::new()
        .per_field(MAX_TEXT_PART)
        .for_field("file", u64::MAX)
        .for_field("files", u64::MAX);
    let mut form = multer::Multipart::with_constraints(
        request.into_body().into_data_stream(),
        boundary,
        multer::Constraints::new().size_limit(limits),
    );
    let csrf = match form.next_field().await {
        Ok(Some(field)) if field.name() == Some(CSRF_FIELD) => field.text().await.ok(),
        _ => None,
    };
    if csrf.is_some_and(|sent| csrf_matches(&visit.session, &sent)) {
        Some(form)
    } else {
        tracing::info!(path = %uri.path(), "file form refused: CSRF token missing or wrong");
        None
    }
}

/// The largest text part of a file form (bytes), as for any other form.
pub(super) const MAX_TEXT_PART: u64 = 256 * 1024;

/// The request's page with `message` next to its file field (422), and `done` above it
/// when something before the file succeeded (the request's submission).
pub(super) async fn refused_file(
    state: &PortalState,
    visit: &Visit,
    uri: &Uri,
    id: &str,
    done: Option<String>,
    message: String,
) -> Response {
    let forms = Forms {
        action: "attach".into(),
        values: HashMap::new(),
        errors: HashMap::from([("file".to_owned(), message)]),
        general: None,
    };
    request_page(
        state,
        visit,
        uri,
        id,
        StatusCode::UNPROCESSABLE_ENTITY,
        done,
        forms,
    )
    .await
}

/// Why a file did not go up.
pub(super) enum Refused {
    /// Something to say next to the file field (no file chosen, a name, type or size the
    /// API does not take, a closed request).
    Field(String),
    /// Any other failure of the API (not found, forbidden, unavailable).
    Api(ApiError),
}

/// Streams one file part of a form to the request `id`: an upload link from the gateway,
/// then the part's bytes as they arrive.
pub(super) async fn upload(
    state: &PortalState,
    visit: &Visit,
    token: &str,
    id: &str,
    field: multer::Field<'static>,
) -> Result<(), Refused> {
    let w = Words(visit.lang);
    let file_name = base_name(field.file_name().unwrap_or_default()).to_owned();
    if file_name.is_empty() {
        return Err(Refused::Field(w.t("error-choose-file")));
    }
    let media_type = field
        .content_type()
        .map(ToString::to_string)
        .unwrap_or_else(|| "application/octet-stream".into());
    let refused = |e: ApiError| match e {
        ApiError::BadInput { message, .. } | ApiError::Conflict(message) => Refused::Field(message),
        e => Refused::Api(e),
    };
    let link = state
        .api
        .run::<CreateAttachmentUpload>(
            Some(token),
            visit.lang,
            create_attachment_upload::Variables {
                input: create_attachment_upload::CreateRequestAttachmentUploadInput {
                    request_id: id.to_owned(),
                    message_id: None,
                    file_name,
                },
            },
        )
        .await
        .map_err(refused)?
        .create_request_attachment_upload
        .url;
    let body = reqwest::Body::wrap_stream(field.map_err(std::io::Error::other));
    state
        .api
        .upload(&link, &media_type, visit.lang, body)
        .await
        .map_err(refused)
}

#[cfg(test)]
mod tests {
    use super::base_name;

    #[test]
    fn a_file_name_loses_any_folder() {
        assert_eq!(base_name("report.pdf"), "report.pdf");
        assert_eq!(base_name("C:\\Users\\kim\\report.pdf"), "report.pdf");
        assert_eq!(base_name("/home/kim/report.pdf"), "report.pdf");
        assert_eq!(base_name(""), "");
    }
}
