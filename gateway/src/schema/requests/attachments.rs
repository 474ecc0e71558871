//! Files attached to service requests (ADR 0022): `ServiceRequest.attachments`, each with a
//! short-lived signed download link, and `createRequestAttachmentUpload`, which asks the
//! requests service whether the caller may attach the file and answers a signed upload
//! link. The bytes travel over the gateway's `/files/…` routes ([`crate::files`]), never
//! through GraphQL.

use std::time::Duration;

use crate::schema::scalars::DateTime;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use glocal_proto::common::v1 as pb;

use super::super::common::{Person, PublicUrls, datetime};
use crate::upstream::loaders::files::FileLoaders;
use crate::upstream::{RequestFiles, caller, error};

/// What a signed upload link is for.
pub const UPLOAD_PURPOSE: &str = "upload";
/// What a signed download link is for.
pub const DOWNLOAD_PURPOSE: &str = "download";

/// How long the links this schema signs stay valid (`storage.link_ttl_secs`; schema data).
#[derive(Debug, Clone, Copy)]
pub struct AttachmentLinks {
    /// Validity of each link.
    pub ttl: Duration,
}

impl Default for AttachmentLinks {
    fn default() -> Self {
        AttachmentLinks {
            ttl: Duration::from_secs(glocal_kit::config::StorageSettings::default().link_ttl_secs),
        }
    }
}

/// The link settings of the schema (defaults when it has none).
pub(crate) fn links(ctx: &Context<'_>) -> AttachmentLinks {
    ctx.data_opt::<AttachmentLinks>()
        .copied()
        .unwrap_or_default()
}

/// A file attached to a request, with the submission, a message or the final response
/// (the requests service's `glocal.common.v1.StoredFile`: owner = request, part = message).
pub struct RequestAttachment(pub(crate) pb::StoredFile);

/// A file attached to a request, with the submission, a message or the final response.
#[Object]
impl RequestAttachment {
    /// Attachment id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// The message (response, reply, note) it goes with; null: the request itself.
    async fn message_id(&self) -> Option<ID> {
        (!self.0.part_id.is_empty()).then(|| ID(self.0.part_id.clone()))
    }

    /// The uploader's name for it.
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }

    /// Size in bytes.
    async fn size_bytes(&self) -> Result<i32> {
        i32::try_from(self.0.size_bytes)
            .map_err(|_| error::internal(format!("file size {} out of range", self.0.size_bytes)))
    }

    /// Media type, judged from the content (the name only refines a container, e.g. a ZIP
    /// named `.docx`).
    async fn media_type(&self) -> &str {
        &self.0.media_type
    }

    /// SHA-256 of the content, lowercase hex.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Who uploaded it.
    async fn uploaded_by(&self) -> Person {
        Person {
            subject: self.0.uploaded_by_subject.clone(),
            name: self.0.uploaded_by_name.clone(),
        }
    }

    /// When.
    async fn uploaded_at(&self) -> Option<DateTime> {
        datetime(self.0.uploaded_at.as_ref())
    }

    /// An absolute link on this gateway (`gateway.public_url`) that downloads the file as
    /// the caller (`GET`, no token needed), valid for a few minutes
    /// (`storage.link_ttl_secs`).
    async fn download_url(&self, ctx: &Context<'_>) -> Result<String> {
        let caller = caller(ctx).ok_or_else(|| {
            error::coded(
                glocal_kit::ErrorCode::Unauthenticated,
                "authentication required",
                None,
            )
        })?;
        let token = glocal_kit::identity::signer().link(
            caller,
            DOWNLOAD_PURPOSE,
            vec![self.0.id.clone()],
            links(ctx).ttl,
        );
        let urls = ctx.data::<PublicUrls>()?;
        Ok(urls.gateway_url(&format!("/files/download/{token}")))
    }
}

/// The files of a request the caller may see, oldest first: through the request's
/// [`FileLoaders`], so a page of requests costs one `ListFiles` call.
pub(super) async fn attachments_of(
    ctx: &Context<'_>,
    request_id: &str,
) -> Result<Vec<RequestAttachment>> {
    let loaders = FileLoaders::new(ctx)?;
    Ok(loaders
        .requests()
        .load_one(request_id.to_owned())
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(RequestAttachment)
        .collect())
}

/// Where a new file goes.
#[derive(InputObject)]
pub struct CreateRequestAttachmentUploadInput {
    /// The request.
    pub request_id: ID,
    /// The message (response, reply, note) it goes with; omitted: the request itself (the
    /// submission).
    pub message_id: Option<ID>,
    /// The file's name (1–255 characters, no path).
    pub file_name: String,
}

/// A signed link to upload one file: `PUT` the bytes to `url`, as they are (no form, no
/// base64), before `expiresAt`.
#[derive(SimpleObject)]
pub struct AttachmentUpload {
    /// Absolute, on this gateway (`gateway.public_url`): `<public_url>/files/upload/<token>`.
    pub url: String,
    /// The HTTP method: `PUT`.
    pub method: String,
    /// When the link stops working.
    pub expires_at: DateTime,
    /// The most bytes the file may have (the per-file limit, or what the request has left).
    pub max_bytes: f64,
}

/// Attachment mutations.
#[derive(Default)]
pub struct RequestAttachmentsMutation;

#[Object]
impl RequestAttachmentsMutation {
    /// A signed link to upload a file to a request (with the submission, a message or the
    /// final response), if the caller may: NOT_FOUND for a request they may not see,
    /// CONFLICT for a closed, withdrawn or rejected one, BAD_USER_INPUT for a bad name or a
    /// full request. The upload itself checks size and type again.
    async fn create_request_attachment_upload(
        &self,
        ctx: &Context<'_>,
        input: CreateRequestAttachmentUploadInput,
    ) -> Result<AttachmentUpload> {
        super::super::files::upload_link(
            ctx,
            RequestFiles,
            UPLOAD_PURPOSE,
            input.request_id.0,
            input.message_id.map(|m| m.0).unwrap_or_default(),
            input.file_name,
        )
        .await
    }
}
