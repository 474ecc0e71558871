//! Exchange projects: international projects grown from an OPEN opportunity, with the
//! Korean local governments and partner organisations involved and their interaction log.
//! Bureau staff create them, move them through their lifecycle and change who takes part;
//! officials of an involved local government read them and keep their log; everyone sees
//! them once AGREED, as relationships past negotiation (ADR 0046).

use std::collections::HashMap;

use glocal_kit::Caller;
use glocal_kit::i18n::Message;
use glocal_kit::outbox::EntityRef;
use serde_json::json;

use super::{
    Actor, Claim, MAX_BATCH_IDS, Page, PageRequest, Research, Result, Viewer, actor_of, distinct,
    require_staff, viewer_of,
};
use crate::domain::changes;
use crate::domain::{
    ExchangeProject, ExchangeProjectId, IdempotencyKey, NewProject, NewProjectInteraction,
    Participant, ParticipantChange, ProjectFilter, ProjectInteraction, ProjectInteractionId,
    ProjectMove, ProjectStatus, UNKNOWN_OPPORTUNITY, UNKNOWN_ORGANISATION, check_opportunity_open,
};
use crate::error::ResearchError;
use crate::store::opportunities as opportunity_store;
use crate::store::organisations as org_store;
use crate::store::projects::{self as store, ProjectQuery, StatusChange};

/// The action bureau staff alone may take on projects.
const MANAGE: &str = "action-manage-exchange-projects";

/// Whether `viewer` may see `p`: bureau staff always, officials of an involved local
/// government always, anyone else once it is public.
fn project_visible(viewer: &Viewer, p: &ExchangeProject) -> bool {
    match viewer {
        Viewer::Staff => true,
        Viewer::Official(org) if p.participants.involves_local_government(org) => true,
        _ => p.status.is_public(),
    }
}

/// The project if the caller may read and write its log: bureau staff, or an official of
/// an involved local government. Others: NOT_FOUND when they cannot see the project,
/// FORBIDDEN when they can.
fn log_readable(viewer: &Viewer, row: Option<ExchangeProject>) -> Result<ExchangeProject> {
    let row = row
        .filter(|p| project_visible(viewer, p))
        .ok_or(ResearchError::NotFound("exchange project"))?;
    match viewer {
        Viewer::Staff => Ok(row),
        Viewer::Official(org) if row.participants.involves_local_government(org) => Ok(row),
        _ => Err(ResearchError::said(
            glocal_kit::error::ErrorCode::Forbidden,
            "PROJECT_LOG_AUDIENCE",
            Message::new("rule-project-log-audience"),
        )),
    }
}

/// The entities a project's change touches: its opportunity, local governments and
/// organisations.
fn touched(p: &ExchangeProject) -> Vec<EntityRef> {
    let mut refs = vec![EntityRef::new("Opportunity", &p.opportunity_id)];
    refs.extend(
        p.participants
            .local_government_codes
            .iter()
            .map(|c| EntityRef::new("LocalGovernment", c)),
    );
    refs.extend(
        p.participants
            .organisation_ids
            .iter()
            .map(|o| EntityRef::new(changes::ORGANISATION, o)),
    );
    refs
}

impl Research {
    /// Creates an exchange project from an OPEN opportunity (bureau staff), in PROPOSAL.
    /// The opportunity must exist (BAD_USER_INPUT `UNKNOWN_OPPORTUNITY`) and be OPEN
    /// (CONFLICT `OPPORTUNITY_NOT_OPEN`); every organisation must exist (BAD_USER_INPUT
    /// `UNKNOWN_ORGANISATION` on `organisationIds[i]`). The local-government codes are
    /// checked against the directory by the gateway before it calls. Idempotent per key.
    pub async fn create_exchange_project(
        &self,
        caller: Option<&Caller>,
        key: IdempotencyKey,
        new: NewProject,
    ) -> Result<ExchangeProject> {
        let actor = require_staff(caller, MANAGE)?;
        let id = ExchangeProjectId::new();
        let tx = match self
            .claim(
                &actor,
                "create_exchange_project",
                &key,
                &format!("{new:?}"),
                &id.to_key(),
            )
            .await?
        {
            Claim::Replay(existing) => return self.exchange_project(caller, &existing).await,
            Claim::Claimed(tx) => tx,
        };
        let opportunity_key = new.opportunity_id.to_key();
        let opportunity = opportunity_store::find(&tx, &opportunity_key)
            .await?
            .ok_or_else(|| {
                ResearchError::unlinked(
                    "opportunityId",
                    UNKNOWN_OPPORTUNITY,
                    Message::new("input-project-unknown-opportunity").arg("id", &opportunity_key),
                )
            })?;
        check_opportunity_open(opportunity.status)?;
        for (i, org) in new.participants.organisation_ids.iter().enumerate() {
            Self::require_participant_organisation(&tx, org, &format!("organisationIds[{i}]"))
                .await?;
        }
        let now = self.now();
        let created = store::insert(&tx, id, &new, &actor.subject, now).await?;
        Self::audit(
            &tx,
            "exchange_project",
            &id.to_key(),
            "ExchangeProjectCreated",
            &actor,
            now,
            json!({
                "id": id.to_key(), "opportunityId": opportunity_key, "status": "PROPOSAL",
                "localGovernmentCodes": created.participants.local_government_codes,
                "organisationIds": created.participants.organisation_ids,
            }),
            touched(&created),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// BAD_USER_INPUT `UNKNOWN_ORGANISATION` on `field` unless the organisation exists.
    async fn require_participant_organisation(
        tx: &glocal_kit::store::Tx,
        id: &str,
        field: &str,
    ) -> Result<()> {
        match org_store::kind_of(tx, id).await? {
            Some(_) => Ok(()),
            None => Err(ResearchError::unlinked(
                field,
                UNKNOWN_ORGANISATION,
                Message::new("input-project-unknown-organisation").arg("id", id),
            )),
        }
    }

    /// Moves a project through its lifecycle (bureau staff), quoting its revision. An illegal
    /// move is CONFLICT `ILLEGAL_STATUS_MOVE`, a stale revision CONFLICT; neither writes.
    pub async fn move_exchange_project(
        &self,
        caller: Option<&Caller>,
        change: &ProjectMove,
    ) -> Result<ExchangeProject> {
        let actor = require_staff(caller, MANAGE)?;
        let key = change.id.to_key();
        let row = store::find(&self.db, &key)
            .await?
            .ok_or(ResearchError::NotFound("exchange project"))?;
        let from = row.status;
        from.check_move(change.to)?;
        let current = row.revision.get();
        Self::check_revision(current, change.seen)?;
        let now = self.now();
        let tx = self.db.begin().await?;
        let cancel_reason = if change.to == ProjectStatus::Cancelled {
            change.reason.clone()
        } else {
            String::new()
        };
        let written = StatusChange {
            status: change.to,
            at: now,
            cancel_reason,
        };
        if !store::update_status_if(&tx, &key, current, written).await? {
            return Err(ResearchError::StaleRevision {
                seen: change.seen,
                current: current + 1,
            });
        }
        Self::audit(
            &tx,
            "exchange_project",
            &key,
            "ExchangeProjectStatusChanged",
            &actor,
            now,
            json!({
                "id": key, "from": from.as_str(), "status": change.to.as_str(),
                "reason": change.reason, "revision": current + 1,
            }),
            touched(&row),
        )
        .await?;
        tx.commit().await?;
        self.exchange_project(caller, &key).await
    }

    /// Adds or removes a local government or organisation (bureau staff), quoting the
    /// revision; not on a CLOSED or CANCELLED project. An organisation must exist; a local
    /// government's code is checked against the directory by the gateway.
    pub async fn change_exchange_project_participants(
        &self,
        caller: Option<&Caller>,
        change: &ParticipantChange,
    ) -> Result<ExchangeProject> {
        let actor = require_staff(caller, MANAGE)?;
        let key = change.id.to_key();
        let row = store::find(&self.db, &key)
            .await?
            .ok_or(ResearchError::NotFound("exchange project"))?;
        row.status.check_changeable()?;
        let mut participants = row.participants.clone();
        if change.add {
            participants.add(&change.participant)?;
        } else {
            participants.remove(&change.participant)?;
        }
        let current = row.revision.get();
        Self::check_revision(current, change.seen)?;
        let tx = self.db.begin().await?;
        if let (true, Participant::Organisation(org)) = (change.add, &change.participant) {
            Self::require_participant_organisation(&tx, &org.to_key(), "organisationId").await?;
        }
        let now = self.now();
        if !store::update_participants_if(&tx, &key, current, &participants, now).await? {
            return Err(ResearchError::StaleRevision {
                seen: change.seen,
                current: current + 1,
            });
        }
        let action = if change.add {
            "ExchangeProjectParticipantAdded"
        } else {
            "ExchangeProjectParticipantRemoved"
        };
        let (kind, participant) = match &change.participant {
            Participant::LocalGovernment(c) => ("localGovernmentCode", c.as_str().to_owned()),
            Participant::Organisation(o) => ("organisationId", o.to_key()),
        };
        let mut refs = touched(&row);
        if change.add {
            refs.push(match &change.participant {
                Participant::LocalGovernment(c) => EntityRef::new("LocalGovernment", c.as_str()),
                Participant::Organisation(o) => EntityRef::new(changes::ORGANISATION, o.to_key()),
            });
        }
        Self::audit(
            &tx,
            "exchange_project",
            &key,
            action,
            &actor,
            now,
            json!({ "id": key, kind: participant, "revision": current + 1 }),
            refs,
        )
        .await?;
        tx.commit().await?;
        self.exchange_project(caller, &key).await
    }

    async fn exchange_project(&self, caller: Option<&Caller>, id: &str) -> Result<ExchangeProject> {
        self.batch_get_exchange_projects(caller, &[id.to_owned()])
            .await?
            .pop()
            .ok_or(ResearchError::NotFound("exchange project"))
    }

    /// Several projects, in the order asked, leaving out those the caller may not see.
    pub async fn batch_get_exchange_projects(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<ExchangeProject>> {
        let viewer = viewer_of(caller);
        let keys: Vec<String> = ids
            .iter()
            .filter_map(|i| {
                ExchangeProjectId::parse(i, "ids")
                    .ok()
                    .map(ExchangeProjectId::to_key)
            })
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<_> = store::find_many(&self.db, &keys)
            .await?
            .into_iter()
            .filter(|p| project_visible(&viewer, p))
            .collect();
        let rows = self.with_project_interaction_counts(rows).await?;
        let by_id: HashMap<String, ExchangeProject> =
            rows.into_iter().map(|p| (p.id.to_key(), p)).collect();
        Ok(keys.iter().filter_map(|k| by_id.get(k).cloned()).collect())
    }

    /// A page of the projects the caller may see, newest first.
    pub async fn list_exchange_projects(
        &self,
        caller: Option<&Caller>,
        filter: &ProjectFilter,
        page: &PageRequest,
    ) -> Result<Page<ExchangeProject>> {
        let viewer = viewer_of(caller);
        let (offset, first) = self.window(page)?;
        let public: Vec<&'static str> = ProjectStatus::ALL
            .iter()
            .filter(|s| s.is_public())
            .map(|s| s.as_str())
            .collect();
        let (visible_statuses, also_of) = match &viewer {
            Viewer::Staff => (None, None),
            Viewer::Official(org) => (Some(public), Some(org.as_str())),
            _ => (Some(public), None),
        };
        let query = ProjectQuery {
            visible_statuses,
            also_of,
            statuses: &filter.statuses,
            local_government_code: filter.local_government_code.as_ref().map(|c| c.as_str()),
            opportunity_id: filter.opportunity_id.map(|o| o.to_key()),
        };
        let (total, rows) = store::list(&self.db, &query, offset, first + 1).await?;
        let items = self.with_project_interaction_counts(rows).await?;
        Ok(Self::paged(items, offset, first, total))
    }

    async fn with_project_interaction_counts(
        &self,
        mut rows: Vec<ExchangeProject>,
    ) -> Result<Vec<ExchangeProject>> {
        let keys: Vec<String> = rows.iter().map(|p| p.id.to_key()).collect();
        let counts = store::interaction_counts(&self.db, &keys).await?;
        for p in &mut rows {
            p.interaction_count = counts.get(&p.id.to_key()).copied().unwrap_or(0);
        }
        Ok(rows)
    }

    /// Records a meeting, visit or exchange in a project's log (bureau staff, or an official
    /// of an involved local government); not on a CLOSED or CANCELLED project (CONFLICT
    /// `PROJECT_FINISHED`). Idempotent per key.
    pub async fn record_project_interaction(
        &self,
        caller: Option<&Caller>,
        key: IdempotencyKey,
        new: &NewProjectInteraction,
    ) -> Result<ProjectInteraction> {
        let actor: Actor = actor_of(caller)?;
        let row = store::find(&self.db, &new.project_id.to_key()).await?;
        let project = log_readable(&viewer_of(caller), row)?;
        project.status.check_changeable()?;
        let project_key = project.id.to_key();
        let id = ProjectInteractionId::new();
        let fingerprint = format!(
            "{project_key}|{:?}|{}|{}",
            new.kind, new.occurred_on, new.summary
        );
        let tx = match self
            .claim(
                &actor,
                "record_project_interaction",
                &key,
                &fingerprint,
                &id.to_key(),
            )
            .await?
        {
            Claim::Replay(existing) => {
                return store::find_interaction(&self.db, &existing)
                    .await?
                    .ok_or(ResearchError::NotFound("interaction"));
            }
            Claim::Claimed(tx) => tx,
        };
        let now = self.now();
        let entry = ProjectInteraction {
            id,
            project_id: project_key.clone(),
            kind: new.kind,
            occurred_on: new.occurred_on.to_string(),
            summary: new.summary.clone(),
            recorded_by_subject: actor.subject.clone(),
            recorded_by_name: actor.name.clone(),
            created_at: now,
        };
        store::insert_interaction(&tx, &entry).await?;
        Self::audit(
            &tx,
            "exchange_project",
            &project_key,
            "ExchangeProjectInteractionRecorded",
            &actor,
            now,
            json!({
                "id": id.to_key(), "projectId": project_key, "kind": new.kind.as_str(),
                "occurredOn": new.occurred_on.to_string(),
            }),
            vec![EntityRef::new("ProjectInteraction", id.to_key())],
        )
        .await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// A page of a project's log, most recent first (bureau staff and officials of an
    /// involved local government).
    pub async fn list_project_interactions(
        &self,
        caller: Option<&Caller>,
        project_id: &ExchangeProjectId,
        page: &PageRequest,
    ) -> Result<Page<ProjectInteraction>> {
        if caller.is_none() {
            return Err(ResearchError::Unauthenticated);
        }
        let row = store::find(&self.db, &project_id.to_key()).await?;
        let project = log_readable(&viewer_of(caller), row)?;
        let (offset, first) = self.window(page)?;
        let (total, items) =
            store::list_interactions(&self.db, &project.id.to_key(), offset, first + 1).await?;
        Ok(Self::paged(items, offset, first, total))
    }

    /// The first page of several projects' logs (each what `list_project_interactions`
    /// without `after` answers), one entry per id in the order asked; a log the caller may
    /// not read carries that error in its entry alone. At most three queries however many
    /// ids: the projects, one window query for every page and one grouped count. More than
    /// [`MAX_BATCH_IDS`] ids is BAD_USER_INPUT.
    pub async fn batch_list_project_interactions(
        &self,
        caller: Option<&Caller>,
        project_ids: &[String],
        first: u32,
    ) -> Result<Vec<ProjectLog>> {
        if project_ids.len() > MAX_BATCH_IDS {
            return Err(ResearchError::invalid_said(
                "projectIds",
                Message::new("input-batch-ids").arg("max", MAX_BATCH_IDS),
            ));
        }
        let (offset, first) = self.window(&PageRequest { first, after: None })?;
        let viewer = viewer_of(caller);
        let keys: Vec<Result<String>> = project_ids
            .iter()
            .map(|id| {
                if caller.is_none() {
                    return Err(ResearchError::Unauthenticated);
                }
                Ok(ExchangeProjectId::parse(id, "projectId")?.to_key())
            })
            .collect();
        let wanted = distinct(keys.iter().filter_map(|k| k.as_ref().ok()));
        let rows: HashMap<String, ExchangeProject> = store::find_many(&self.db, &wanted)
            .await?
            .into_iter()
            .map(|p| (p.id.to_key(), p))
            .collect();
        let access: Vec<Result<String>> = keys
            .into_iter()
            .map(|key| log_readable(&viewer, rows.get(&key?).cloned()).map(|p| p.id.to_key()))
            .collect();
        let readable = distinct(access.iter().filter_map(|k| k.as_ref().ok()));
        let entries = store::latest_interactions(&self.db, &readable, first + 1).await?;
        let counts = store::interaction_counts(&self.db, &readable).await?;
        Ok(project_ids
            .iter()
            .zip(access)
            .map(|(asked, access)| ProjectLog {
                project_id: asked.clone(),
                page: access.map(|key| {
                    let items = entries.get(&key).cloned().unwrap_or_default();
                    let total = counts.get(&key).copied().unwrap_or(0);
                    Self::paged(items, offset, first, total)
                }),
            })
            .collect())
    }
}

/// One project's answer in [`Research::batch_list_project_interactions`].
#[derive(Debug)]
pub struct ProjectLog {
    /// The project id, as asked.
    pub project_id: String,
    /// The first page of its log, or the error `list_project_interactions` gives for it.
    pub page: Result<Page<ProjectInteraction>>,
}
