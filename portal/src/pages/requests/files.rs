//! Attaching a file to a request (`POST /requests/{id}/attach`, a `multipart/form-data`
//! form): the form's first part is the CSRF token, checked before anything else is read;
//! the file part is streamed, never held whole: the portal asks the gateway for an upload
//! link (`createRequestAttachmentUpload`) and sends the part's bytes to it as they arrive.
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
fn base_name(name: &str) -> &str {
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
    let w = Words(visit.lang);
    let Some(boundary) = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
    else {
        return csrf_refused(&state, &visit);
    };
    let mut form = multer::Multipart::new(request.into_body().into_data_stream(), boundary);

    // The CSRF token first: nothing else is read for a forged form.
    let csrf = match form.next_field().await {
        Ok(Some(field)) if field.name() == Some(CSRF_FIELD) => field.text().await.ok(),
        _ => None,
    };
    if !csrf.is_some_and(|sent| csrf_matches(&visit.session, &sent)) {
        tracing::info!(path = %uri.path(), "file form refused: CSRF token missing or wrong");
        return csrf_refused(&state, &visit);
    }

    let refuse = |message: String| {
        let state = state.clone();
        let visit = visit.clone();
        let uri = uri.clone();
        let id = id.clone();
        async move {
            let forms = Forms {
                action: "attach".into(),
                values: HashMap::new(),
                errors: HashMap::from([("file".to_owned(), message)]),
                general: None,
            };
            request_page(
                &state,
                &visit,
                &uri,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                forms,
            )
            .await
        }
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
    let Some(field) = field else {
        return refuse(w.t("error-choose-file")).await;
    };
    let file_name = base_name(field.file_name().unwrap_or_default()).to_owned();
    if file_name.is_empty() {
        return refuse(w.t("error-choose-file")).await;
    }
    let media_type = field
        .content_type()
        .map(ToString::to_string)
        .unwrap_or_else(|| "application/octet-stream".into());

    let link = match state
        .api
        .run::<CreateAttachmentUpload>(
            Some(person.token.as_str()),
            visit.lang,
            create_attachment_upload::Variables {
                input: create_attachment_upload::CreateRequestAttachmentUploadInput {
                    request_id: id.clone(),
                    message_id: None,
                    file_name,
                },
            },
        )
        .await
    {
        Ok(d) => d.create_request_attachment_upload.url,
        Err(ApiError::BadInput { message, .. } | ApiError::Conflict(message)) => {
            return refuse(message).await;
        }
        Err(e) => return api_error(&visit, &uri, &e),
    };
    let body = reqwest::Body::wrap_stream(field.map_err(std::io::Error::other));
    match state.api.upload(&link, &media_type, visit.lang, body).await {
        Ok(()) => {
            Redirect::to(&format!("/requests/{}?done=attach", url_encode(&id))).into_response()
        }
        Err(ApiError::BadInput { message, .. } | ApiError::Conflict(message)) => {
            refuse(message).await
        }
        Err(e) => api_error(&visit, &uri, &e),
    }
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
