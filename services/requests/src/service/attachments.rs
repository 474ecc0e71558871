//! Files attached to requests (ADR 0022): checked and streamed into object storage, their
//! metadata kept in the same database as the request, read back within the caller's
//! scope, and orphans of a crash swept. A request the caller may not see is NOT_FOUND, and
//! so are its files; files that go with a staff note are the bureau's only.
//!
//! Nothing is half-written: the object is written first (aborted on any failure), then its
//! row in one transaction with a history entry; a failed transaction removes the object,
//! and [`OnlineBureau::sweep_orphan_files`] removes objects a crash left without a row.

use bytes::Bytes;
use chrono::Duration;
use futures::{Stream, StreamExt, TryStreamExt, stream::BoxStream};
use glocal_kit::Caller;
use glocal_kit::files::{FileStore, SNIFF_BYTES};
use uuid::Uuid;

use super::submit::history_entry;
use super::{OnlineBureau, Result, Viewer};
use crate::domain::{
    Attachment, AttachmentId, AttachmentLimits, FileName, MessageKind, RequestId, media_type_of,
    object_key, too_large,
};
use crate::error::RequestsError;
use crate::store::requests as request_store;
use crate::store::{activity, attachments as store};

/// Where a new file goes: a request, optionally one of its messages, under a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadTarget {
    /// The request.
    pub request: RequestId,
    /// The message it goes with; `None`: the request itself (the submission).
    pub message: Option<Uuid>,
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
    pub fn with_files(mut self, files: FileStore, limits: AttachmentLimits) -> Self {
        self.files = Some(files);
        self.limits = limits;
        self
    }

    fn files(&self) -> Result<&FileStore> {
        self.files.as_ref().ok_or_else(|| {
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
        let files = self.files()?.clone();
        let checked = self.checked(&viewer, &target, &self.db).await?;
        let id = AttachmentId::new();
        let key = object_key(target.request.as_uuid(), id);
        let mut writer = files.writer(&key);
        let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
        let mut media_type: Option<&'static str> = None;
        let mut chunks = std::pin::pin!(chunks);
        let outcome: Result<()> = async {
            loop {
                let chunk = chunks.next().await.transpose()?;
                let done = chunk.is_none();
                let chunk = chunk.unwrap_or_default();
                if writer.size() + chunk.len() as u64 > checked.room {
                    return Err(too_large(checked.room).into());
                }
                if media_type.is_none() {
                    head.extend_from_slice(
                        &chunk[..chunk.len().min(SNIFF_BYTES - head.len().min(SNIFF_BYTES))],
                    );
                    if head.len() >= SNIFF_BYTES || done {
                        media_type = Some(media_type_of(&head, &target.name)?);
                    }
                }
                if !chunk.is_empty() {
                    writer.write(chunk).await?;
                }
                if done {
                    return Ok(());
                }
            }
        }
        .await;
        if let Err(error) = outcome {
            writer.abort().await;
            return Err(error);
        }
        let written = writer.finish().await?;
        let attachment = Attachment {
            id,
            request_id: target.request.as_uuid(),
            message_id: target.message,
            file_name: target.name.as_str().to_owned(),
            size: written.size,
            media_type: media_type.unwrap_or("application/octet-stream").to_owned(),
            sha256: written.sha256,
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
            if let Err(cleanup) = files.delete(&key).await {
                tracing::warn!(%cleanup, key, "removing an unrecorded upload failed; the sweeper will");
            }
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
        let content = self.files()?.read(&found.object_key()).await?;
        Ok((found, content.map_err(RequestsError::from).boxed()))
    }

    /// Removes every object older than `grace` that has no row: what a crash between
    /// writing an object and committing its row left behind, and a folder store's
    /// multipart staging files as old. Answers how many it removed.
    pub async fn sweep_orphan_files(&self, grace: Duration) -> Result<usize> {
        let files = self.files()?;
        let cutoff = self.now() - grace;
        let keys = files.keys_older_than(cutoff).await?;
        // A folder store's multipart staging files a crash left mid-upload (ADR 0026).
        let mut removed = files.remove_stale_staging(cutoff).await?;
        for batch in keys.chunks(200) {
            let ids: Vec<Option<Uuid>> = batch
                .iter()
                .map(|k| k.rsplit('/').next().and_then(|id| Uuid::parse_str(id).ok()))
                .collect();
            let known: Vec<Uuid> = ids.iter().flatten().copied().collect();
            let kept = store::existing(&self.db, &known).await?;
            for (key, id) in batch.iter().zip(ids) {
                if id.is_some_and(|id| kept.contains(&id)) {
                    continue;
                }
                files.delete(key).await?;
                removed += 1;
                tracing::info!(key, "orphan file removed");
            }
        }
        Ok(removed)
    }
}

/// Sweeps for orphan files every `interval` until `shutdown`.
pub fn spawn_file_sweeper(
    bureau: OnlineBureau,
    interval: std::time::Duration,
    grace: Duration,
    shutdown: glocal_kit::Shutdown,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let job = glocal_kit::metrics::Job::new("file_sweeper", interval);
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let stop = shutdown.wait();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => break,
                _ = tick.tick() => match bureau.sweep_orphan_files(grace).await {
                    Ok(_) => job.succeeded(),
                    Err(error) => {
                        job.failed();
                        tracing::warn!(%error, "orphan file sweep failed; retrying next tick");
                    }
                },
            }
        }
    })
}
