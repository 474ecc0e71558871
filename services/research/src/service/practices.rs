//! Practices: drafting and editing content (versions), the review workflow, and reading a
//! practice as the caller may see it (a withdrawn one as a tombstone).

use glocal_kit::Caller;
use glocal_kit::outbox::{self, Change};
use glocal_kit::store::Tx;
use serde_json::json;

use super::{Actor, Research, Result, Viewer, area_store, bounded, require_staff, viewer_of};
use crate::domain::changes::{PRACTICE, practice_touches};
use crate::domain::{
    IdempotencyKey, Practice, PracticeAction, PracticeContent, PracticeId, PracticeOrigin,
    PracticeState, Revision, Stage, transition,
};
use crate::error::ResearchError;
use crate::store::practices::{
    self as store, ContentChange, Editor, Milestone, PracticeRecord, StageChange, Step,
};

impl Actor {
    fn editor(&self) -> Editor<'_> {
        Editor {
            subject: &self.subject,
            name: &self.name,
        }
    }
}

/// The outbox event of a change to `before`.
fn practice_event(
    before: &Practice,
    action: &str,
    state: PracticeState,
    version: i32,
    revision: i64,
) -> serde_json::Value {
    json!({
        "id": before.id.to_key(),
        "action": action,
        "fromState": before.state.as_str(),
        "state": state.as_str(),
        "version": version,
        "revision": revision,
        "areaCode": before.content.area_code(),
        "country": before.content.country(),
    })
}

/// What a publication adds to its event, for the notifier's research subscriptions
/// (docs/api.md, *Notices*): the title in every language it has, the languages the practice
/// has text in, its original language, the area's label in the four languages, and when.
fn publication_details(
    payload: &mut serde_json::Value,
    content: &PracticeContent,
    area_label: Option<&crate::domain::LocalizedText>,
    at: chrono::DateTime<chrono::Utc>,
) {
    let texts = |t: &crate::domain::LocalizedText| {
        crate::domain::Lang::ALL
            .into_iter()
            .filter(|l| !t.get(*l).is_empty())
            .map(|l| (l.as_str().to_owned(), json!(t.get(l))))
            .collect::<serde_json::Map<_, _>>()
    };
    let languages: Vec<&str> = content
        .languages()
        .into_iter()
        .map(|l| l.as_str())
        .collect();
    payload["title"] = json!(texts(content.title()));
    payload["languages"] = json!(languages);
    payload["originalLanguage"] = json!(content.original_language().as_str());
    if let Some(label) = area_label {
        payload["areaLabel"] = json!(texts(label));
    }
    payload["publishedAt"] = json!(at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
}

/// May the viewer see this practice, and only as a tombstone?
pub(super) fn practice_access(viewer: &Viewer, record: &PracticeRecord) -> Option<bool> {
    match (viewer, record.practice.state) {
        (Viewer::Staff, _) => Some(false),
        (_, PracticeState::Published) => Some(false),
        (_, PracticeState::Withdrawn) if record.was_published => Some(true),
        _ => None,
    }
}

/// The practice as shown: a tombstone keeps only the title.
fn as_seen(mut practice: Practice, tombstone: bool) -> Practice {
    if tombstone {
        practice.tombstone = true;
        practice.content = practice.content.tombstone();
    }
    practice
}

impl Research {
    /// Drafts a practice (bureau staff). Idempotent per (caller, key).
    pub async fn draft_practice(
        &self,
        caller: Option<&Caller>,
        key: IdempotencyKey,
        content: PracticeContent,
    ) -> Result<Practice> {
        self.draft(caller, key, content, None, PracticeId::new())
            .await
    }

    /// [`Self::draft_practice`] with the id chosen by the caller: the demo's well-known
    /// practices, which other services' demo data link to.
    pub(crate) async fn draft_practice_as(
        &self,
        caller: Option<&Caller>,
        key: IdempotencyKey,
        content: PracticeContent,
        id: PracticeId,
    ) -> Result<Practice> {
        self.draft(caller, key, content, None, id).await
    }

    /// Drafts a practice from `origin` (bureau staff), e.g. a training trip report (ADR
    /// 0052): one practice per origin, so drafting again — whoever asks, whatever the
    /// content, also concurrently — answers the practice drafted first.
    pub async fn draft_practice_from_origin(
        &self,
        caller: Option<&Caller>,
        key: IdempotencyKey,
        content: PracticeContent,
        origin: &PracticeOrigin,
    ) -> Result<Practice> {
        require_staff(caller, "action-draft-practices")?;
        if let Some(id) = store::find_by_origin(&self.db, origin.as_str()).await? {
            return self.get_practice(caller, id, None).await;
        }
        match self
            .draft(caller, key, content, Some(origin), PracticeId::new())
            .await
        {
            // Lost a race (the origin's unique index, or the key claimed by a concurrent
            // call of the same caller): the winner's practice is the answer.
            Err(e) => match store::find_by_origin(&self.db, origin.as_str()).await? {
                Some(id) => self.get_practice(caller, id, None).await,
                None => Err(e),
            },
            done => done,
        }
    }

    async fn draft(
        &self,
        caller: Option<&Caller>,
        key: IdempotencyKey,
        content: PracticeContent,
        origin: Option<&PracticeOrigin>,
        id: PracticeId,
    ) -> Result<Practice> {
        let actor = require_staff(caller, "action-draft-practices")?;
        let fingerprint = format!("{content:?}");
        let tx = match self
            .claim(&actor, "draft_practice", &key, &fingerprint, &id.to_key())
            .await?
        {
            super::Claim::Replay(existing) => {
                let id = PracticeId::parse(&existing, "id").map_err(ResearchError::corrupt)?;
                return self.get_practice(caller, id, None).await;
            }
            super::Claim::Claimed(tx) => tx,
        };
        Self::check_references(&tx, &content).await?;
        let now = self.now();
        let editor = actor.editor();
        store::insert_draft(&tx, id, &content, &editor, now).await?;
        if let Some(origin) = origin {
            store::set_origin(&tx, id, origin.as_str()).await?;
        }
        store::insert_version(&tx, &id.to_key(), 1, &content, &editor, "", now).await?;
        store::insert_history(
            &tx,
            &id.to_key(),
            Step {
                action: "draft",
                from: None,
                to: PracticeState::Draft,
                note: "",
                version: 1,
            },
            &editor,
            now,
        )
        .await?;
        let payload = json!({ "id": id.to_key(), "state": "DRAFT", "version": 1, "revision": 1, "areaCode": content.area_code() });
        let change = Change::new(PRACTICE, id.to_key(), "PracticeDrafted", payload)
            .touching_all(practice_touches(&content));
        outbox::append(&tx, &change, now).await?;
        store::reindex(&tx, &id.to_key(), &content).await?;
        tx.commit().await?;
        tracing::info!(practice_id = %id, "practice drafted");
        self.get_practice(caller, id, None).await
    }

    async fn check_references(tx: &Tx, content: &PracticeContent) -> Result<()> {
        Self::require_areas(tx, &[content.area_code().to_owned()], "areaCode").await?;
        if let Some(org) = content.source_organisation_id() {
            Self::require_organisation(tx, org, "sourceOrganisationId").await?;
        }
        Ok(())
    }

    async fn practice_record(&self, id: PracticeId) -> Result<PracticeRecord> {
        store::find(&self.db, id)
            .await?
            .ok_or(ResearchError::NotFound("practice"))
    }

    /// Edits a practice (bureau staff): a draft in place, a published practice into a new
    /// version (earlier versions stay readable).
    pub async fn update_practice(
        &self,
        caller: Option<&Caller>,
        id: PracticeId,
        seen: Revision,
        content: PracticeContent,
        note: &str,
    ) -> Result<Practice> {
        let actor = require_staff(caller, "action-edit-practices")?;
        let note = bounded(note, "note", 0, 2_000)?;
        let row = self.practice_record(id).await?.practice;
        Self::check_revision(row.revision.get(), seen)?;
        let from = row.state;
        let next = transition(
            Stage {
                state: from,
                approved: row.approved,
            },
            PracticeAction::Edit,
        )?;
        let now = self.now();
        let key = id.to_key();
        let editor = actor.editor();
        let tx = self.db.begin().await?;
        Self::check_references(&tx, &content).await?;
        let new_version = from == PracticeState::Published;
        let version = if new_version {
            row.version + 1
        } else {
            row.version
        };
        let change = ContentChange {
            approved: next.approved,
            version,
            at: now,
            content: &content,
        };
        store::update_content_if(&tx, &key, row.revision.get(), &change).await?;
        if new_version {
            store::insert_version(&tx, &key, version, &content, &editor, &note, now).await?;
        } else {
            store::rewrite_version(&tx, &key, version, &content, &editor, &note).await?;
        }
        store::insert_history(
            &tx,
            &key,
            Step {
                action: "edit",
                from: Some(from),
                to: next.state,
                note: &note,
                version,
            },
            &editor,
            now,
        )
        .await?;
        let payload = practice_event(&row, "edit", next.state, version, row.revision.get() + 1);
        let touched = practice_touches(&row.content)
            .into_iter()
            .chain(practice_touches(&content));
        let change =
            Change::new(PRACTICE, key.as_str(), "PracticeEdited", payload).touching_all(touched);
        outbox::append(&tx, &change, now).await?;
        store::reindex(&tx, &key, &content).await?;
        tx.commit().await?;
        self.get_practice(caller, id, None).await
    }

    /// Sends a draft to review (bureau staff).
    pub async fn submit_practice(
        &self,
        caller: Option<&Caller>,
        id: PracticeId,
        revision: Revision,
    ) -> Result<Practice> {
        self.act(caller, id, revision, PracticeAction::Submit, "")
            .await
    }

    /// Reviews a practice in review (bureau staff other than its author): approve, or
    /// request changes with a note (back to DRAFT).
    pub async fn review_practice(
        &self,
        caller: Option<&Caller>,
        id: PracticeId,
        revision: Revision,
        approve: bool,
        note: &str,
    ) -> Result<Practice> {
        if approve {
            self.act(caller, id, revision, PracticeAction::Approve, note)
                .await
        } else {
            self.act(caller, id, revision, PracticeAction::RequestChanges, note)
                .await
        }
    }

    /// Publishes an approved practice (bureau staff).
    pub async fn publish_practice(
        &self,
        caller: Option<&Caller>,
        id: PracticeId,
        revision: Revision,
    ) -> Result<Practice> {
        self.act(caller, id, revision, PracticeAction::Publish, "")
            .await
    }

    /// Withdraws a practice (bureau staff), with a reason; its id keeps answering with a
    /// tombstone.
    pub async fn withdraw_practice(
        &self,
        caller: Option<&Caller>,
        id: PracticeId,
        revision: Revision,
        reason: &str,
    ) -> Result<Practice> {
        self.act(caller, id, revision, PracticeAction::Withdraw, reason)
            .await
    }

    async fn act(
        &self,
        caller: Option<&Caller>,
        id: PracticeId,
        revision: Revision,
        action: PracticeAction,
        note: &str,
    ) -> Result<Practice> {
        let what = match action {
            PracticeAction::Edit => "action-edit-practices",
            PracticeAction::Submit => "action-submit-practices",
            PracticeAction::Approve => "action-approve-practices",
            PracticeAction::RequestChanges => "action-request-changes-to-practices",
            PracticeAction::Publish => "action-publish-practices",
            PracticeAction::Withdraw => "action-withdraw-practices",
        };
        let actor = require_staff(caller, what)?;
        let seen = revision;
        let note = match action {
            PracticeAction::RequestChanges => bounded(note, "note", 1, 2_000)?,
            PracticeAction::Withdraw => bounded(note, "reason", 1, 2_000)?,
            _ => bounded(note, "note", 0, 2_000)?,
        };
        let record = self.practice_record(id).await?;
        let row = &record.practice;
        let from = row.state;
        let next = transition(
            Stage {
                state: from,
                approved: row.approved,
            },
            action,
        )?;
        if matches!(
            action,
            PracticeAction::Approve | PracticeAction::RequestChanges
        ) && row.author_subject == actor.subject
        {
            return Err(ResearchError::Forbidden(
                "authors may not review their own practice".into(),
            ));
        }
        Self::check_revision(row.revision.get(), seen)?;
        let now = self.now();
        let milestone = match action {
            PracticeAction::Publish => Milestone::Published {
                first_time: !record.was_published,
            },
            PracticeAction::Withdraw => Milestone::Withdrawn {
                reason: note.clone(),
            },
            _ => Milestone::None,
        };
        let event = match action {
            PracticeAction::Submit => "PracticeSubmitted",
            PracticeAction::Approve => "PracticeApproved",
            PracticeAction::RequestChanges => "PracticeChangesRequested",
            PracticeAction::Publish => "PracticePublished",
            PracticeAction::Withdraw => "PracticeWithdrawn",
            PracticeAction::Edit => "PracticeEdited",
        };
        let key = id.to_key();
        let change = StageChange {
            state: next.state,
            approved: next.approved,
            at: now,
            milestone,
        };
        let tx = self.db.begin().await?;
        store::update_stage_if(&tx, &key, row.revision.get(), change).await?;
        store::insert_history(
            &tx,
            &key,
            Step {
                action: action.as_str(),
                from: Some(from),
                to: next.state,
                note: &note,
                version: row.version,
            },
            &actor.editor(),
            now,
        )
        .await?;
        let mut payload = practice_event(
            row,
            action.as_str(),
            next.state,
            row.version,
            row.revision.get() + 1,
        );
        if action == PracticeAction::Publish {
            let label = area_store::label(&tx, row.content.area_code()).await?;
            publication_details(&mut payload, &row.content, label.as_ref(), now);
        }
        let change = Change::new(PRACTICE, key.as_str(), event, payload)
            .touching_all(practice_touches(&row.content));
        outbox::append(&tx, &change, now).await?;
        tx.commit().await?;
        tracing::info!(practice_id = %id, action = %action, state = %next.state, "practice changed");
        self.get_practice(caller, id, None).await
    }

    /// One practice (its current version, or `version`) the caller may see; a withdrawn
    /// one answers as a tombstone to everyone but bureau staff.
    pub async fn get_practice(
        &self,
        caller: Option<&Caller>,
        id: PracticeId,
        version: Option<i32>,
    ) -> Result<Practice> {
        let viewer = viewer_of(caller);
        let record = self.practice_record(id).await?;
        let Some(tombstone) = practice_access(&viewer, &record) else {
            return Err(ResearchError::NotFound("practice"));
        };
        let key = id.to_key();
        let versions = store::versions(&self.db, &key).await?;
        let shown = match version {
            None => None,
            Some(v) if v == record.practice.version => None,
            Some(v) => Some(
                versions
                    .iter()
                    .find(|r| r.info.version == v)
                    .ok_or(ResearchError::NotFound("practice version"))?,
            ),
        };
        let content_override = shown.map(|v| v.content()).transpose()?;
        let history = if viewer == Viewer::Staff {
            store::history(&self.db, &key).await?
        } else {
            Vec::new()
        };
        let mut view = as_seen(record.practice, tombstone);
        if let Some((content, info)) = content_override.zip(shown) {
            view.content = if tombstone {
                content.tombstone()
            } else {
                content
            };
            view.version = info.info.version;
        }
        view.history = history;
        view.versions = versions.into_iter().map(|v| v.info).collect();
        Ok(view)
    }

    /// Current versions of several practices, in the order asked, leaving out those the
    /// caller may not see (and ids that do not parse).
    pub async fn batch_get_practices(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<Practice>> {
        let viewer = viewer_of(caller);
        let keys: Vec<String> = ids
            .iter()
            .filter_map(|i| PracticeId::parse(i, "ids").ok().map(PracticeId::to_key))
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut by_id = std::collections::HashMap::new();
        for record in store::find_many(&self.db, &keys).await? {
            if let Some(tombstone) = practice_access(&viewer, &record) {
                let practice = as_seen(record.practice, tombstone);
                by_id.insert(practice.id.to_key(), practice);
            }
        }
        Ok(keys.iter().filter_map(|k| by_id.get(k).cloned()).collect())
    }
}
