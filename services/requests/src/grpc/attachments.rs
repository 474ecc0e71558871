//! The tonic adapter of `glocal.requests.v1.RequestAttachmentsService`: proto ⇄ domain for
//! attachments, chunk streams in both directions, errors to statuses. No rules live here.

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use glocal_kit::grpc::{bad, caller, status, ts};
use glocal_proto::requests::v1 as pb;
use glocal_proto::requests::v1::request_attachments_service_server::{
    RequestAttachmentsService, RequestAttachmentsServiceServer,
};
use tonic::{Request, Response, Status, Streaming};
use uuid::Uuid;

use crate::domain::{Attachment, AttachmentId, FileName, InvalidInput, RequestId};
use crate::error::RequestsError;
use crate::service::{OnlineBureau, UploadTarget};

/// Largest chunk a download message carries.
const CHUNK_BYTES: usize = 64 * 1024;

/// The gRPC face of the attachment operations of [`OnlineBureau`].
#[derive(Debug, Clone)]
pub struct AttachmentsGrpc {
    bureau: OnlineBureau,
}

impl AttachmentsGrpc {
    /// Wraps the service.
    pub fn new(bureau: OnlineBureau) -> Self {
        AttachmentsGrpc { bureau }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> RequestAttachmentsServiceServer<AttachmentsGrpc> {
        RequestAttachmentsServiceServer::new(self)
    }
}

fn target(request_id: &str, message_id: &str, file_name: &str) -> Result<UploadTarget, Status> {
    let request = RequestId::parse(request_id)
        .map_err(|_| InvalidInput::new("requestId", "must be a request id (UUID)"))
        .map_err(bad)?;
    let message = match message_id.trim() {
        "" => None,
        m => Some(
            Uuid::parse_str(m)
                .map_err(|_| InvalidInput::new("messageId", "must be a message id (UUID)"))
                .map_err(bad)?,
        ),
    };
    let name = FileName::parse(file_name).map_err(bad)?;
    Ok(UploadTarget {
        request,
        message,
        name,
    })
}

/// An attachment as the wire carries it.
pub fn attachment_to_pb(a: Attachment) -> pb::Attachment {
    pb::Attachment {
        id: a.id.to_string(),
        request_id: a.request_id.to_string(),
        message_id: a.message_id.map(|m| m.to_string()).unwrap_or_default(),
        file_name: a.file_name,
        size_bytes: a.size,
        media_type: a.media_type,
        sha256: a.sha256,
        uploaded_by_subject: a.uploaded_by_subject,
        uploaded_by_name: a.uploaded_by_name,
        uploaded_at: Some(ts(a.uploaded_at)),
    }
}

type Download = std::pin::Pin<
    Box<dyn futures::Stream<Item = Result<pb::DownloadAttachmentResponse, Status>> + Send>,
>;

#[tonic::async_trait]
impl RequestAttachmentsService for AttachmentsGrpc {
    async fn check_attachment_upload(
        &self,
        req: Request<pb::CheckAttachmentUploadRequest>,
    ) -> Result<Response<pb::CheckAttachmentUploadResponse>, Status> {
        let caller = caller(&req)?;
        let r = req.get_ref();
        let target = target(&r.request_id, &r.message_id, &r.file_name)?;
        let max_bytes = self
            .bureau
            .check_upload(caller.as_ref(), &target)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CheckAttachmentUploadResponse {
            max_bytes,
        }))
    }

    async fn upload_attachment(
        &self,
        req: Request<Streaming<pb::UploadAttachmentRequest>>,
    ) -> Result<Response<pb::Attachment>, Status> {
        use pb::upload_attachment_request::Part;
        let caller = caller(&req)?;
        let mut parts = req.into_inner();
        let start = match parts.message().await? {
            Some(pb::UploadAttachmentRequest {
                part: Some(Part::Start(start)),
            }) => start,
            _ => {
                return Err(bad(InvalidInput::new(
                    "start",
                    "the first message of an upload names its request and file",
                )));
            }
        };
        let target = target(&start.request_id, &start.message_id, &start.file_name)?;
        let chunks = parts.map(|part| match part {
            Ok(pb::UploadAttachmentRequest {
                part: Some(Part::Chunk(chunk)),
            }) => Ok(Bytes::from(chunk)),
            Ok(_) => Err(RequestsError::invalid(
                "chunk",
                "only the first message of an upload may name its file",
            )),
            Err(e) => Err(RequestsError::invalid(
                "file",
                format!(
                    "UPLOAD_INTERRUPTED: the upload stream failed: {}",
                    e.message()
                ),
            )),
        });
        let kept = self
            .bureau
            .upload(caller.as_ref(), target, chunks)
            .await
            .map_err(status)?;
        Ok(Response::new(attachment_to_pb(kept)))
    }

    async fn list_attachments(
        &self,
        req: Request<pb::ListAttachmentsRequest>,
    ) -> Result<Response<pb::ListAttachmentsResponse>, Status> {
        let caller = caller(&req)?;
        let ids = req
            .get_ref()
            .request_ids
            .iter()
            .map(|id| RequestId::parse(id).map_err(bad))
            .collect::<Result<Vec<_>, _>>()?;
        let found = self
            .bureau
            .attachments_of(caller.as_ref(), &ids)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListAttachmentsResponse {
            attachments: found.into_iter().map(attachment_to_pb).collect(),
        }))
    }

    type DownloadAttachmentStream = Download;

    async fn download_attachment(
        &self,
        req: Request<pb::DownloadAttachmentRequest>,
    ) -> Result<Response<Download>, Status> {
        use pb::download_attachment_response::Part;
        let caller = caller(&req)?;
        let id = AttachmentId::parse(&req.get_ref().attachment_id).map_err(bad)?;
        let (found, content) = self
            .bureau
            .download(caller.as_ref(), id)
            .await
            .map_err(status)?;
        let head = futures::stream::once(async move {
            Ok(pb::DownloadAttachmentResponse {
                part: Some(Part::Attachment(attachment_to_pb(found))),
            })
        });
        let body = content
            .map_err(status)
            .map_ok(|bytes| {
                let pieces: Vec<Result<pb::DownloadAttachmentResponse, Status>> = bytes
                    .chunks(CHUNK_BYTES)
                    .map(|c| {
                        Ok(pb::DownloadAttachmentResponse {
                            part: Some(Part::Chunk(c.to_vec())),
                        })
                    })
                    .collect();
                futures::stream::iter(pieces)
            })
            .try_flatten();
        Ok(Response::new(Box::pin(head.chain(body))))
    }
}
