//! A practice's reports (ADR 0026): whoever may read the practice lists and fetches them
//! (the public a published practice's; a withdrawn practice's tombstone shows none);
//! bureau staff, who alone write practices, attach them to a practice that is not
//! withdrawn. The bytes go to object storage and the metadata to `practice_file` through
//! kit's [`Shelf`], which aborts a failed upload; the row is written in one transaction
//! that checks the practice again, and a failed transaction removes the object.

use futures::TryStreamExt;
use glocal_kit::Caller;
use glocal_kit::attachments::{Chunks, FileName, FileOwner, Shelf, StoredFile};
use glocal_kit::files::FilesError;
use uuid::Uuid;

use super::practices::practice_access;
use super::{Research, Result, require_staff, viewer_of};
use crate::domain::{PracticeId, PracticeState};
use crate::error::ResearchError;
use crate::store::practices as store;

/// The metadata table of practices' files.
pub const FILE_TABLE: &str = "practice_file";

impl Research {
    /// The same service keeping practices' files on `shelf`.
    #[must_use]
    pub fn with_files(mut self, shelf: Shelf) -> Self {
        self.files = Some(shelf);
        self
    }

    fn shelf(&self) -> Result<&Shelf> {
        self.files.as_ref().ok_or_else(|| {
            ResearchError::Files(FilesError::Unavailable("no file storage configured".into()))
        })
    }

    /// Whether the caller may attach a report to practice `id` now, read through `db`:
    /// FORBIDDEN for anyone but bureau staff, NOT_FOUND for no such practice, CONFLICT
    /// for a withdrawn one.
    async fn attachable(
        caller: Option<&Caller>,
        db: &impl glocal_kit::store::Handle,
        id: PracticeId,
    ) -> Result<()> {
        require_staff(caller, "action-attach-reports-to-practices")?;
        let record = store::find(db, id)
            .await?
            .ok_or(ResearchError::NotFound("practice"))?;
        if record.practice.state == PracticeState::Withdrawn {
            return Err(ResearchError::Conflict(
                "a withdrawn practice takes no more reports".into(),
            ));
        }
        Ok(())
    }

    /// Whether the caller sees practice `key` with its content (not as a tombstone).
    async fn reads_in_full(&self, caller: Option<&Caller>, id: PracticeId) -> Result<bool> {
        let viewer = viewer_of(caller);
        Ok(store::find(&self.db, id)
            .await?
            .and_then(|record| practice_access(&viewer, &record))
            == Some(false))
    }

    /// Removes objects a crash left without a row (see [`Shelf::sweep`]).
    pub async fn sweep_orphan_files(&self, grace: chrono::Duration) -> Result<usize> {
        self.shelf()?
            .sweep(&self.db, self.now(), grace)
            .await
            .map_err(|e| match e {
                glocal_kit::attachments::SweepError::Files(e) => ResearchError::Files(e),
                glocal_kit::attachments::SweepError::Db(e) => ResearchError::Db(e),
            })
    }
}

fn owner_id(s: &str) -> Result<PracticeId> {
    Ok(PracticeId::parse(s, "ownerId")?)
}

impl FileOwner for Research {
    type Error = ResearchError;

    async fn check_upload(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        _name: &FileName,
    ) -> Result<u64> {
        let id = owner_id(owner)?;
        Self::attachable(caller, &self.db, id).await?;
        self.shelf()?.room(&self.db, &id.to_key()).await
    }

    async fn upload(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        name: FileName,
        chunks: Chunks<ResearchError>,
    ) -> Result<StoredFile> {
        let actor = require_staff(caller, "action-attach-reports-to-practices")?;
        let id = owner_id(owner)?;
        let shelf = self.shelf()?.clone();
        Self::attachable(caller, &self.db, id).await?;
        let key = id.to_key();
        let room = shelf.room::<ResearchError>(&self.db, &key).await?;
        let file_id = Uuid::new_v4();
        let received = shelf.receive(&key, file_id, &name, room, chunks).await?;
        let file = StoredFile {
            id: file_id,
            owner_id: key,
            part_id: None,
            file_name: name.as_str().to_owned(),
            size: received.size,
            media_type: received.media_type.to_owned(),
            sha256: received.sha256,
            uploaded_by_subject: actor.subject,
            uploaded_by_name: actor.name,
            uploaded_at: self.now(),
        };
        let recorded: Result<()> = async {
            let tx = self.db.begin().await?;
            // The practice may have been withdrawn while the bytes were on their way.
            Self::attachable(caller, &tx, id).await?;
            shelf.record::<ResearchError>(&tx, &file).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(error) = recorded {
            shelf.discard(&received.key).await;
            return Err(error);
        }
        tracing::info!(practice_id = %id, file_id = %file.id, size = file.size, "practice report kept");
        Ok(file)
    }

    async fn files_of(
        &self,
        caller: Option<&Caller>,
        owners: &[String],
    ) -> Result<Vec<StoredFile>> {
        if owners.len() > super::MAX_BATCH_IDS {
            return Err(ResearchError::invalid_said(
                "ownerIds",
                glocal_kit::i18n::Message::new("input-batch-ids").arg("max", super::MAX_BATCH_IDS),
            ));
        }
        let viewer = viewer_of(caller);
        let keys: Vec<String> = owners
            .iter()
            .filter_map(|o| {
                PracticeId::parse(o, "ownerIds")
                    .ok()
                    .map(PracticeId::to_key)
            })
            .collect();
        let visible: Vec<String> = store::find_many(&self.db, &keys)
            .await?
            .into_iter()
            .filter(|record| practice_access(&viewer, record) == Some(false))
            .map(|record| record.practice.id.to_key())
            .collect();
        Ok(self.shelf()?.of_owners(&self.db, &visible).await?)
    }

    async fn download(
        &self,
        caller: Option<&Caller>,
        id: Uuid,
    ) -> Result<(StoredFile, Chunks<ResearchError>)> {
        let shelf = self.shelf()?;
        let not_found = || ResearchError::NotFound("file");
        let found = shelf.find(&self.db, id).await?.ok_or_else(not_found)?;
        let owner = owner_id(&found.owner_id).map_err(|_| not_found())?;
        if !self.reads_in_full(caller, owner).await? {
            return Err(not_found());
        }
        let content = shelf.read(&found).await?;
        Ok((found, Box::pin(content.map_err(ResearchError::from))))
    }
}
