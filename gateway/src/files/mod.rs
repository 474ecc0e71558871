//! The routes files travel over (ADR 0022, ADR 0026, ADR 0030), beside the edge like the
//! feeds: `PUT /files/upload/{token}` streams a request's body into the owning service
//! (`glocal.common.v1.FilesService.UploadFile` of requests for a request's attachment, of
//! training for an application's paper or a coaching plan's document, of research for a
//! practice's report: the link's
//! purpose says which), and `GET
//! /files/download/{token}` streams the file back, each as the caller the signed link
//! names (the service checks scoping again). Neither
//! holds a whole file: chunks pass through as they come. They run outside the GraphQL
//! request timeout, bounded by `storage.transfer_timeout_secs` instead.
//!
//! Errors are GraphQL-shaped (`{"errors":[{"message","extensions":{"code","field"}}]}`) with
//! the HTTP status of their code.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use futures::StreamExt;
use glocal_kit::error::{ErrorCode, RemoteError};
use glocal_kit::i18n::{Lang, Message};
use glocal_kit::identity::LinkVerifier;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use glocal_proto::common::v1 as files_pb;
use glocal_proto::common::v1::files_service_client::FilesServiceClient;
use tonic::transport::Channel;

use crate::schema::files::{
    APPLICATION_DOWNLOAD, APPLICATION_UPLOAD, COACHING_PLAN_DOWNLOAD, COACHING_PLAN_UPLOAD,
    PRACTICE_DOWNLOAD, PRACTICE_UPLOAD,
};
use crate::schema::language::Language;
use crate::schema::requests::{DOWNLOAD_PURPOSE, UPLOAD_PURPOSE};
use crate::upstream::{RequestFiles, ResearchFiles, Service, Services, TrainingFiles};

/// Largest chunk one upload message carries to the service.
const CHUNK_BYTES: usize = 256 * 1024;

/// What the file routes need.
pub struct FileState {
    /// The service clients.
    pub services: Services,
    /// Verifies the links this gateway (or a replica) signed.
    pub links: LinkVerifier,
    /// Deadline of one transfer.
    pub transfer_timeout: Duration,
}

/// The file routes, with their state, to merge into the gateway's router.
pub fn routes<S>(state: Arc<FileState>) -> Router<S> {
    Router::new()
        .route("/files/upload/{token}", put(upload))
        .route("/files/download/{token}", get(download))
        .with_state(state)
}

fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::BadUserInput => StatusCode::BAD_REQUEST,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error response: `said` in `lang` when the catalogue words it (after `field: `, with
/// its key as `extensions.messageKey`), else the English `message`.
fn failure(
    code: ErrorCode,
    message: &str,
    field: Option<&str>,
    said: Option<&Message>,
    lang: Lang,
) -> Response {
    let mut extensions = serde_json::json!({ "code": code.as_str() });
    if let Some(field) = field {
        extensions["field"] = field.into();
    }
    let message = match said {
        Some(said) => {
            extensions["messageKey"] = said.key.as_str().into();
            match field {
                Some(field) => format!("{field}: {}", said.render(lang)),
                None => said.render(lang),
            }
        }
        None => message.to_owned(),
    };
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": extensions }] });
    let mut response = (status_of(code), body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn remote(status: tonic::Status, lang: Lang) -> Response {
    let e = RemoteError::from(status);
    match e.code {
        ErrorCode::Internal => tracing::error!(error = %e, "file transfer failed"),
        ErrorCode::Unavailable => tracing::warn!(error = %e, "file transfer failed"),
        _ => {}
    }
    let message = if e.code == ErrorCode::Internal {
        "internal error"
    } else {
        e.message.as_str()
    };
    failure(
        e.code,
        message,
        e.field.as_deref(),
        e.localized.as_ref(),
        lang,
    )
}

fn bad_link(error: &glocal_kit::caller::CallerError, lang: Lang) -> Response {
    tracing::debug!(%error, "file link refused");
    let said = Message::new("file-link-invalid");
    failure(
        ErrorCode::Unauthenticated,
        &said.render(Lang::En),
        None,
        Some(&said),
        lang,
    )
}

/// The language of a file route's errors: `Accept-Language`, else English.
fn language_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or_default()
        .into()
}

/// A request's attachment as the upload answers it (owner = request, part = message).
fn attachment_json(a: &files_pb::StoredFile) -> serde_json::Value {
    serde_json::json!({
        "id": a.id,
        "requestId": a.owner_id,
        "messageId": (!a.part_id.is_empty()).then_some(&a.part_id),
        "fileName": a.file_name,
        "sizeBytes": a.size_bytes,
        "mediaType": a.media_type,
        "sha256": a.sha256,
    })
}

/// The links `PUT /files/upload/{token}` redeems.
const UPLOADS: [&str; 4] = [
    UPLOAD_PURPOSE,
    APPLICATION_UPLOAD,
    COACHING_PLAN_UPLOAD,
    PRACTICE_UPLOAD,
];
/// The links `GET /files/download/{token}` redeems.
const DOWNLOADS: [&str; 4] = [
    DOWNLOAD_PURPOSE,
    APPLICATION_DOWNLOAD,
    COACHING_PLAN_DOWNLOAD,
    PRACTICE_DOWNLOAD,
];

/// The body's frames as upload messages (`chunk` makes one of at most [`CHUNK_BYTES`]),
/// and what says that the body broke off. A body that breaks off must not end the call
/// cleanly (the service would keep a truncated file): the stream then never ends and the
/// call is dropped, which the service sees as a failed stream and aborts.
fn body_messages<M: Send + 'static>(
    body: Body,
    chunk: fn(Vec<u8>) -> M,
) -> (
    impl futures::Stream<Item = M> + Send + 'static,
    tokio::sync::oneshot::Receiver<String>,
) {
    let (broken_tx, broken_rx) = tokio::sync::oneshot::channel::<String>();
    let mut broken_tx = Some(broken_tx);
    let messages = body.into_data_stream().flat_map(move |frame| match frame {
        Ok(bytes) => futures::stream::iter(
            bytes
                .chunks(CHUNK_BYTES)
                .map(|c| chunk(c.to_vec()))
                .collect::<Vec<_>>(),
        )
        .left_stream(),
        Err(error) => {
            if let Some(tx) = broken_tx.take() {
                let _ = tx.send(error.to_string());
            }
            futures::stream::pending().right_stream()
        }
    });
    (messages, broken_rx)
}

fn created(attachment: serde_json::Value) -> Response {
    let body = serde_json::json!({ "data": { "attachment": attachment } });
    let mut response = (StatusCode::CREATED, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn interrupted(why: &str, lang: Lang) -> Response {
    let said = Message::new("file-body-interrupted").arg("why", why);
    failure(
        ErrorCode::BadUserInput,
        &said.render(Lang::En),
        Some("file"),
        Some(&said),
        lang,
    )
}

/// `PUT /files/upload/{token}`: the body, as it is, becomes the file of the request,
/// application or practice the link names.
async fn upload(
    State(state): State<Arc<FileState>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let lang = language_of(&headers);
    let (caller, purpose, target) = match state.links.verify_for(&token, &UPLOADS) {
        Ok(found) => found,
        Err(error) => return bad_link(&error, lang),
    };
    let upload = Upload {
        caller,
        target,
        body,
        lang,
    };
    match purpose.as_str() {
        APPLICATION_UPLOAD | COACHING_PLAN_UPLOAD => {
            upload_owned(&state, TrainingFiles, upload, file_json).await
        }
        PRACTICE_UPLOAD => upload_owned(&state, ResearchFiles, upload, file_json).await,
        _ => upload_owned(&state, RequestFiles, upload, attachment_json).await,
    }
}

/// One upload: who sends it, what the link names, the body and the language of its errors.
struct Upload {
    caller: glocal_kit::Caller,
    target: Vec<String>,
    body: Body,
    lang: Lang,
}

async fn upload_owned<S>(
    state: &FileState,
    service: S,
    upload: Upload,
    json: fn(&files_pb::StoredFile) -> serde_json::Value,
) -> Response
where
    S: Service<Client = FilesServiceClient<Channel>>,
{
    let Upload {
        caller,
        target,
        body,
        lang,
    } = upload;
    use files_pb::upload_file_request::Part;
    // A link names the owner, the part (requests' links) and the file's name.
    let (owner_id, part_id, file_name) = match <[String; 3]>::try_from(target) {
        Ok([owner, part, name]) => (owner, part, name),
        Err(target) => {
            let [owner, name] = <[String; 2]>::try_from(target).unwrap_or_default();
            (owner, String::new(), name)
        }
    };
    let start = files_pb::UploadFileRequest {
        part: Some(Part::Start(files_pb::FileUploadStart {
            owner_id,
            file_name,
            part_id,
        })),
    };
    let (chunks, broken_rx) = body_messages(body, |c| files_pb::UploadFileRequest {
        part: Some(Part::Chunk(c)),
    });
    let messages = futures::stream::once(async move { start }).chain(chunks);
    let request = glocal_kit::grpc::request(messages, Some(&caller), state.transfer_timeout);
    let mut client = service.client(&state.services);
    tokio::select! {
        answer = client.upload_file(request) => match answer {
            Ok(kept) => created(json(kept.get_ref())),
            Err(status) => remote(status, lang),
        },
        Ok(why) = broken_rx => interrupted(&why, lang),
    }
}

/// A stored file as the upload answers it.
fn file_json(f: &files_pb::StoredFile) -> serde_json::Value {
    serde_json::json!({
        "id": f.id,
        "ownerId": f.owner_id,
        "fileName": f.file_name,
        "sizeBytes": f.size_bytes,
        "mediaType": f.media_type,
        "sha256": f.sha256,
    })
}

/// `Content-Disposition: attachment` with the file's name, ASCII fallback and RFC 5987
/// UTF-8 form.
fn disposition(name: &str) -> HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// What a download's response headers say about the file.
struct Head {
    file_name: String,
    size_bytes: u64,
    media_type: String,
    sha256: String,
}

/// `GET /files/download/{token}`: the file, streamed.
async fn download(
    State(state): State<Arc<FileState>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = language_of(&headers);
    let (caller, purpose, target) = match state.links.verify_for(&token, &DOWNLOADS) {
        Ok(found) => found,
        Err(error) => return bad_link(&error, lang),
    };
    let id = target.into_iter().next().unwrap_or_default();
    match purpose.as_str() {
        APPLICATION_DOWNLOAD | COACHING_PLAN_DOWNLOAD => {
            download_owned(&state, TrainingFiles, caller, id, lang).await
        }
        PRACTICE_DOWNLOAD => download_owned(&state, ResearchFiles, caller, id, lang).await,
        _ => download_owned(&state, RequestFiles, caller, id, lang).await,
    }
}

async fn download_owned<S>(
    state: &FileState,
    service: S,
    caller: glocal_kit::Caller,
    file_id: String,
    lang: Lang,
) -> Response
where
    S: Service<Client = FilesServiceClient<Channel>>,
{
    use files_pb::download_file_response::Part;
    let request = glocal_kit::grpc::request(
        files_pb::DownloadFileRequest { file_id },
        Some(&caller),
        state.transfer_timeout,
    );
    let mut client = service.client(&state.services);
    let mut parts = match client.download_file(request).await {
        Ok(answer) => answer.into_inner(),
        Err(status) => return remote(status, lang),
    };
    let head = match parts.message().await {
        Ok(Some(files_pb::DownloadFileResponse {
            part: Some(Part::File(head)),
        })) => Head {
            file_name: head.file_name,
            size_bytes: head.size_bytes,
            media_type: head.media_type,
            sha256: head.sha256,
        },
        Ok(_) => return failure(ErrorCode::Internal, "internal error", None, None, lang),
        Err(status) => return remote(status, lang),
    };
    streamed(
        head,
        parts.filter_map(|part| async move {
            match part {
                Ok(files_pb::DownloadFileResponse {
                    part: Some(Part::Chunk(bytes)),
                }) => Some(Ok(bytes)),
                Ok(_) => None,
                Err(status) => Some(Err(status)),
            }
        }),
    )
}

/// The response streaming `chunks` of the file `head` describes.
fn streamed<S>(head: Head, chunks: S) -> Response
where
    S: futures::Stream<Item = Result<Vec<u8>, tonic::Status>> + Send + 'static,
{
    let body = Body::from_stream(chunks.map(|chunk| match chunk {
        Ok(bytes) => Ok(axum::body::Bytes::from(bytes)),
        Err(status) => {
            tracing::warn!(error = %status, "download broke off");
            Err(std::io::Error::other(status.message().to_owned()))
        }
    }));
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&head.media_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(head.size_bytes));
    headers.insert(header::CONTENT_DISPOSITION, disposition(&head.file_name));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", head.sha256)) {
        headers.insert(header::ETAG, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_keep_unicode_names_safe() {
        let v = disposition("번역 \"본\".pdf");
        let s = v.to_str().unwrap();
        assert!(
            s.starts_with("attachment; filename=\"__ __.pdf\"")
                || s.contains("filename*=UTF-8''%EB"),
            "{s}"
        );
        assert!(s.contains("filename*=UTF-8''%EB%B2%88"), "{s}");
    }
}
