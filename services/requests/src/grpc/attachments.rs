//! Requests' files over `glocal.common.v1.FilesService` (ADR 0030): kit's adapter
//! ([`glocal_kit::attachments::FilesGrpc`]) serves the wire, and [`RequestFiles`] turns its
//! owner and part into the request and message they name (parse at the adapter), calls the
//! Online Bureau, and tells each attachment as a stored file. No rules live here.

use futures::StreamExt;
use glocal_kit::Caller;
use glocal_kit::attachments::{Chunks, FileName, FileOwner, FilesGrpc, StoredFile};
use glocal_proto::common::v1::files_service_server::FilesServiceServer;
use uuid::Uuid;

use crate::domain::{AttachmentId, InvalidInput, RequestId};
use crate::error::RequestsError;
use crate::service::{OnlineBureau, UploadTarget};

/// The Online Bureau as the owner of requests' files.
#[derive(Debug, Clone)]
pub struct RequestFiles {
    bureau: OnlineBureau,
}

impl RequestFiles {
    /// Wraps the service.
    pub fn new(bureau: OnlineBureau) -> Self {
        RequestFiles { bureau }
    }

    /// The tonic server of `glocal.common.v1.FilesService` for requests' files.
    pub fn into_server(self) -> FilesServiceServer<FilesGrpc<RequestFiles>> {
        FilesGrpc::new(self).into_server()
    }
}

fn request_id(s: &str) -> Result<RequestId, InvalidInput> {
    RequestId::parse(s).map_err(|_| InvalidInput::new("requestId", "must be a request id (UUID)"))
}

fn target(
    request: &str,
    message: Option<&str>,
    name: FileName,
) -> Result<UploadTarget, InvalidInput> {
    let message = message
        .map(|m| {
            Uuid::parse_str(m.trim())
                .map_err(|_| InvalidInput::new("messageId", "must be a message id (UUID)"))
        })
        .transpose()?;
    Ok(UploadTarget {
        request: request_id(request)?,
        message,
        name,
    })
}

impl RequestFiles {
    async fn check(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        part: Option<&str>,
        name: &FileName,
    ) -> Result<u64, RequestsError> {
        let target = target(owner, part, name.clone())?;
        self.bureau.check_upload(caller, &target).await
    }

    async fn put(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        part: Option<&str>,
        name: FileName,
        chunks: Chunks<RequestsError>,
    ) -> Result<StoredFile, RequestsError> {
        let target = target(owner, part, name)?;
        let kept = self.bureau.upload(caller, target, chunks).await?;
        Ok(kept.into())
    }
}

impl FileOwner for RequestFiles {
    type Error = RequestsError;

    async fn check_upload(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        name: &FileName,
    ) -> Result<u64, RequestsError> {
        self.check(caller, owner, None, name).await
    }

    async fn check_part_upload(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        part: &str,
        name: &FileName,
    ) -> Result<u64, RequestsError> {
        self.check(caller, owner, Some(part), name).await
    }

    async fn upload(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        name: FileName,
        chunks: Chunks<RequestsError>,
    ) -> Result<StoredFile, RequestsError> {
        self.put(caller, owner, None, name, chunks).await
    }

    async fn upload_to_part(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        part: &str,
        name: FileName,
        chunks: Chunks<RequestsError>,
    ) -> Result<StoredFile, RequestsError> {
        self.put(caller, owner, Some(part), name, chunks).await
    }

    async fn files_of(
        &self,
        caller: Option<&Caller>,
        owners: &[String],
    ) -> Result<Vec<StoredFile>, RequestsError> {
        let ids = owners
            .iter()
            .map(|id| RequestId::parse(id))
            .collect::<Result<Vec<_>, _>>()?;
        let found = self.bureau.attachments_of(caller, &ids).await?;
        Ok(found.into_iter().map(StoredFile::from).collect())
    }

    async fn download(
        &self,
        caller: Option<&Caller>,
        id: Uuid,
    ) -> Result<(StoredFile, Chunks<RequestsError>), RequestsError> {
        let (found, content) = self.bureau.download(caller, AttachmentId::from(id)).await?;
        Ok((found.into(), content.boxed()))
    }
}
