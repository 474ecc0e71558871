//! Files attached to requests (ADR 0022): checked and streamed into object storage, their
//! metadata kept in the same database as the request, read back within the caller's
//! scope, and orphans of a crash swept. A request the caller may not see is NOT_FOUND, and
//! so are its files; files that go with a staff note are the bureau's only.
//!
//! Nothing is half-written: kit's [`Shelf`] writes the object (aborted on any failure),
//! then its row goes in one transaction with a history entry; a failed transaction removes
//! the object, and [`OnlineBureau::sweep_orphan_files`] removes objects a crash left
//! without a row (ADR 0030: the shelf's receive, read and sweep, over this service's own
//! `request_attachment` table).

use bytes::Bytes;
use chrono::Duration;
use futures::{Stream, StreamExt, TryStreamExt, stream::BoxStream};
use glocal_kit::Caller;
use glocal_kit::attachments::{Shelf, SweepError};
use glocal_kit::files::FileStore;

use super::submit::history_entry;
use super::{OnlineBureau, Result, Viewer};
use crate::domain::{
    Attachment, AttachmentId, AttachmentLimits, FileName, MessageKind, RequestId, too_large,
};
use crate::error::RequestsError;
use crate::store::requests as request_store;
use crate::store::{activity, attachments as store};

/// The metadata table of requests' files.
pub const FILE_TABLE: &str = "request_attachment";

/// Where a new file goes: a request, optionally one of its messages, under a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadTarget {
    /// The request.
    pub request: RequestId,
    /// The message it goes with; `None`: the request itself (the submission).
    pub message: Option<uuid::Uuid>,
    /// The uploader's name for it.
    pub name: FileName,
}

/// What [`OnlineBureau::check_upload`] found: the request as it stands and the room left.
struct Checked {
    internal: bool,
    room: u64,
}

impl OnlineBureau {
    /// The same service keeping files in `files` under `limits`.
    #[must_use]
    pub fn with_files(self, files: FileStore, limits: AttachmentLimits) -> Self {
        self.with_shelf(Shelf::new(files, limits.into(), FILE_TABLE))
    }

    /// The same service keeping files on `shelf` (over [`FILE_TABLE`]).
    #[must_use]
    pub fn with_shelf(mut self, shelf: Shelf) -> Self {
        self.limits = shelf.limits().into();
        self.shelf = Some(shelf);
        self
    }

    fn shelf(&self) -> Result<&Shelf> {
        self.shelf.as_ref().ok_or_else(|| {
            RequestsError::Files(glocal_kit::files::FilesError::Unavailable(
                "no file storage configured".into(),
            ))
        })
    }

    /// Whether the caller may attach a file to `target` now, and how many bytes it may
    /// have: NOT_FOUND for a request (or message) the caller may not see, CONFLICT for a
    /// closed, withdrawn or rejected request, BAD_USER_INPUT when the request is full.
    pub async fn check_upload(
        &self,
        caller: Option<&Caller>,
        target: &UploadTarget,
    ) -> Result<u64> {
        let (viewer, _) = self.viewer(caller).await?;
        Ok(self.checked(&viewer, target, &self.db).await?.room)
    }

    async fn checked(
        &self,
        viewer: &Viewer,
        target: &UploadTarget,
        db: &impl glocal_kit::store::Handle,
    ) -> Result<Checked> {
        let row = Self::visible_row(viewer, request_store::find(db, target.request).await?)?;
        if row.state.is_terminal() {
            return Err(RequestsError::said(
                glocal_kit::error::ErrorCode::Conflict,
                "REQUEST_FINISHED",
                glocal_kit::i18n::Message::new("rule-files-finished")
                    .arg("state", row.state.as_str()),
            ));
        }
        let internal = match target.message {
            None => false,
            Some(message) => {
                let kind = activity::messages_of(db, &[target.request])
                    .await?
                    .into_iter()
                    .find(|(_, m)| m.id == message)
                    .map(|(_, m)| m.kind)
                    .ok_or(RequestsError::NotFound("message"))?;
                if kind == MessageKind::StaffNote && matches!(viewer, Viewer::Official { .. }) {
                    return Err(RequestsError::NotFound("message"));
                }
                kind == MessageKind::StaffNote
            }
        };
        let existing = store::of_requests(db, &[target.request]).await?;
        let bytes = existing.iter().map(|f| f.size).sum();
        let room = self.limits.room(existing.len() as u64, bytes)?;
        Ok(Checked { internal, room })
    }

    /// Streams a file from `chunks` into storage and records it. The media type is sniffed
    /// from the first bytes; a file over the room left, of a refused type, empty, or whose
    /// stream fails leaves nothing behind.
    pub async fn upload<S>(
        &self,
        caller: Option<&Caller>,
        target: UploadTarget,
        chunks: S,
    ) -> Result<Attachment>
    where
        S: Stream<Item = Result<Bytes>> + Send,
    {
        let (viewer, actor) = self.viewer(caller).await?;
        let shelf = self.shelf()?.clone();
        let checked = self.checked(&viewer, &target, &self.db).await?;
        let id = AttachmentId::new();
        let owner = target.request.as_uuid().to_string();
        let received = shelf
            .receive(&owner, id.as_uuid(), &target.name, checked.room, chunks)
            .await?;
        let attachment = Attachment {
            id,
            request_id: target.request.as_uuid(),
            message_id: target.message,
            file_name: target.name.as_str().to_owned(),
            size: received.size,
            media_type: received.media_type.to_owned(),
            sha256: received.sha256,
            uploaded_by_subject: actor.subject.clone(),
            uploaded_by_name: actor.name.clone(),
            uploaded_at: self.now(),
            internal: checked.internal,
        };
        let recorded: Result<()> = async {
            let tx = self.db.begin().await?;
            // The request may have closed, or filled up, while the bytes were on their way.
            let now = self.checked(&viewer, &target, &tx).await?;
            if attachment.size > now.room {
                return Err(too_large(now.room).into());
            }
            store::insert(&tx, &attachment).await?;
            let row = request_store::find(&tx, target.request)
                .await?
                .ok_or(RequestsError::NotFound("service request"))?;
            let entry = history_entry(
                if attachment.internal {
                    "attach_internal_file"
                } else {
                    "attach_file"
                },
                Some(row.state),
                row.state,
                &actor,
                attachment.uploaded_at,
                &attachment.file_name,
            );
            activity::insert_history(&tx, target.request, &[entry]).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(error) = recorded {
            shelf.discard(&received.key).await;
            return Err(error);
        }
        Ok(attachment)
    }

    /// The files of the requests in `ids` the caller may see, oldest first; files of staff
    /// notes are left out for requesters.
    pub async fn attachments_of(
        &self,
        caller: Option<&Caller>,
        ids: &[RequestId],
    ) -> Result<Vec<Attachment>> {
        let (viewer, _) = self.viewer(caller).await?;
        let visible: Vec<RequestId> = self
            .readable(&viewer, request_store::find_many(&self.db, ids).await?)
            .await?
            .into_iter()
            .map(|row| row.id)
            .collect();
        let mut found = store::of_requests(&self.db, &visible).await?;
        if matches!(viewer, Viewer::Official { .. }) {
            found.retain(|f| !f.internal);
        }
        Ok(found)
    }

    /// One file the caller may see and its content as a stream; NOT_FOUND otherwise.
    pub async fn download(
        &self,
        caller: Option<&Caller>,
        id: AttachmentId,
    ) -> Result<(Attachment, BoxStream<'static, Result<Bytes>>)> {
        let (viewer, _) = self.viewer(caller).await?;
        let not_found = || RequestsError::NotFound("attachment");
        let found = store::find(&self.db, id).await?.ok_or_else(not_found)?;
        let request = request_store::find(&self.db, RequestId::from(found.request_id)).await?;
        match self.readable_row(&viewer, request).await {
            Err(RequestsError::NotFound(_)) => return Err(not_found()),
            found => found?,
        };
        if found.internal && matches!(viewer, Viewer::Official { .. }) {
            return Err(not_found());
        }
        let content = self.shelf()?.files().read(&found.object_key()).await?;
        Ok((found, content.map_err(RequestsError::from).boxed()))
    }

    /// Removes every object older than `grace` that has no row: what a crash between
    /// writing an object and committing its row left behind, and a folder store's
    /// multipart staging files as old (kit's [`Shelf::sweep`]). Answers how many it removed.
    pub async fn sweep_orphan_files(&self, grace: Duration) -> Result<usize> {
        self.shelf()?
            .sweep(&self.db, self.now(), grace)
            .await
            .map_err(|e| match e {
                SweepError::Files(e) => RequestsError::Files(e),
                SweepError::Db(e) => RequestsError::from(e),
            })
    }
}
