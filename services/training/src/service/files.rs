//! Files of two owners in one table (ADR 0026, ADR 0054): an application's papers and a
//! coaching engagement's plan documents. Both are named by their id alone; an id that names
//! an engagement is one, any other is read as an application's.
//!
//! An application's papers: the applicant attaches them while the application is open; the
//! applicant and the staff who may read the application list and fetch them; anyone else
//! gets NOT_FOUND, as for the application. A coaching plan's documents: the managers of the
//! engagement's edition attach them unless it was cancelled; bureau staff and the officials
//! of the coached local government list and fetch them.
//!
//! The bytes go to object storage and the metadata to `application_file` through kit's
//! [`Shelf`], which aborts a failed upload; the row is written in one transaction that checks
//! the owner again, and a failed transaction removes the object.

use std::collections::HashSet;

use futures::TryStreamExt;
use glocal_kit::Caller;
use glocal_kit::attachments::{Chunks, FileName, FileOwner, Shelf, StoredFile};
use glocal_kit::files::FilesError;
use glocal_kit::store::Handle;
use uuid::Uuid;

use super::{Result, TrainingOffice, Who};
use crate::domain::ApplicationId;
use crate::error::TrainingError;
use crate::store::ApplicationRow;
use crate::store::codec::state_of;
use crate::store::queries;

/// The metadata table of applications' and coaching plans' files.
pub const FILE_TABLE: &str = "application_file";

impl TrainingOffice {
    /// The same service keeping applications' files on `shelf`.
    #[must_use]
    pub fn with_files(mut self, shelf: Shelf) -> Self {
        self.files = Some(shelf);
        self
    }

    fn shelf(&self) -> Result<&Shelf> {
        self.files.as_ref().ok_or_else(|| {
            TrainingError::Files(FilesError::Unavailable("no file storage configured".into()))
        })
    }

    /// The application `owner` if the caller may attach papers to it now: NOT_FOUND when
    /// they may not see it, FORBIDDEN when they are not its applicant, CONFLICT when it is
    /// rejected or withdrawn.
    async fn attachable(
        &self,
        who: &Who,
        db: &impl Handle,
        owner: ApplicationId,
    ) -> Result<ApplicationRow> {
        who.require_authenticated()?;
        let row = who.application(db, owner).await?;
        if !who.owns(&row) {
            return Err(TrainingError::Forbidden(
                "only the applicant may attach papers to an application".into(),
            ));
        }
        let state = state_of(&row.state)?;
        if state.is_terminal() {
            return Err(TrainingError::said(
                glocal_kit::error::ErrorCode::Conflict,
                "APPLICATION_FINISHED",
                glocal_kit::i18n::Message::new("rule-papers-finished").arg("state", state.as_str()),
            ));
        }
        Ok(row)
    }

    /// The owner `owner` names if the caller may attach a file to it now (see
    /// [`TrainingOffice::attachable`] and [`TrainingOffice::plan_attachable`]), as its key.
    async fn attachable_owner(&self, who: &Who, db: &impl Handle, owner: &str) -> Result<String> {
        let id = owner_id(owner)?;
        if let Some(row) = self.plan_attachable(who, db, id.as_uuid()).await? {
            return Ok(row.id.to_string());
        }
        self.attachable(who, db, id).await?;
        Ok(id.to_key())
    }

    /// Removes objects a crash left without a row (see [`Shelf::sweep`]).
    pub async fn sweep_orphan_files(&self, grace: chrono::Duration) -> Result<usize> {
        self.shelf()?
            .sweep(&self.db, self.now(), grace)
            .await
            .map_err(|e| match e {
                glocal_kit::attachments::SweepError::Files(e) => TrainingError::Files(e),
                glocal_kit::attachments::SweepError::Db(e) => TrainingError::Db(e),
            })
    }
}

fn owner_id(s: &str) -> Result<ApplicationId> {
    Ok(ApplicationId::parse(s, "ownerId")?)
}

impl FileOwner for TrainingOffice {
    type Error = TrainingError;

    async fn check_upload(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        _name: &FileName,
    ) -> Result<u64> {
        let who = self.who(caller).await?;
        let key = self.attachable_owner(&who, &self.db, owner).await?;
        self.shelf()?.room(&self.db, &key).await
    }

    async fn upload(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        name: FileName,
        chunks: Chunks<TrainingError>,
    ) -> Result<StoredFile> {
        let who = self.who(caller).await?;
        let shelf = self.shelf()?.clone();
        let key = self.attachable_owner(&who, &self.db, owner).await?;
        let room = shelf.room::<TrainingError>(&self.db, &key).await?;
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
            uploaded_by_subject: who.actor.subject.clone(),
            uploaded_by_name: who.actor.name()?.to_owned(),
            uploaded_at: self.now(),
        };
        let recorded: Result<()> = async {
            let tx = self.db.begin().await?;
            // The application may have been withdrawn (the engagement cancelled) while the
            // bytes were on their way.
            self.attachable_owner(&who, &tx, owner).await?;
            shelf.record::<TrainingError>(&tx, &file).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(error) = recorded {
            shelf.discard(&received.key).await;
            return Err(error);
        }
        tracing::info!(owner_id = %file.owner_id, file_id = %file.id, size = file.size, "training file kept");
        Ok(file)
    }

    async fn files_of(
        &self,
        caller: Option<&Caller>,
        owners: &[String],
    ) -> Result<Vec<StoredFile>> {
        let who = self.who(caller).await?;
        who.require_authenticated()?;
        if owners.len() > super::MAX_BATCH_IDS {
            return Err(TrainingError::invalid_said(
                "ownerIds",
                glocal_kit::i18n::Message::new("input-batch-ids").arg("max", super::MAX_BATCH_IDS),
            ));
        }
        let ids: Vec<Uuid> = owners
            .iter()
            .filter_map(|o| ApplicationId::parse(o, "ownerIds").ok())
            .map(|id| id.as_uuid())
            .collect();
        let (engagements, of_engagements) = self.visible_engagements(&who, &ids).await?;
        let ids: Vec<Uuid> = ids
            .into_iter()
            .filter(|id| !of_engagements.contains(id))
            .collect();
        let rows = queries::applications_by_ids(&self.db, &ids).await?;
        let reviewed = who.reviewed_editions();
        let scored: HashSet<Uuid> = if reviewed.is_empty() {
            HashSet::new()
        } else {
            queries::reviews_of(&self.db, &ids)
                .await?
                .into_iter()
                .filter(|r| r.reviewer_subject == who.actor.subject)
                .map(|r| r.application_id)
                .collect()
        };
        let visible: Vec<String> = rows
            .iter()
            .filter(|row| who.sees_application(row, scored.contains(&row.id)))
            .map(|row| row.id.to_string())
            .chain(engagements.iter().map(Uuid::to_string))
            .collect();
        Ok(self.shelf()?.of_owners(&self.db, &visible).await?)
    }

    async fn download(
        &self,
        caller: Option<&Caller>,
        id: Uuid,
    ) -> Result<(StoredFile, Chunks<TrainingError>)> {
        let who = self.who(caller).await?;
        who.require_authenticated()?;
        let shelf = self.shelf()?;
        let not_found = || TrainingError::NotFound("file");
        let found = shelf.find(&self.db, id).await?.ok_or_else(not_found)?;
        let owner = owner_id(&found.owner_id).map_err(|_| not_found())?;
        match self.engagement_seen(&who, owner.as_uuid()).await? {
            Some(true) => {}
            Some(false) => return Err(not_found()),
            None => {
                who.application(&self.db, owner)
                    .await
                    .map_err(|_| not_found())?;
            }
        }
        let content = shelf.read(&found).await?;
        Ok((found, Box::pin(content.map_err(TrainingError::from))))
    }
}
