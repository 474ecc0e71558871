//! Contributions: the call for presentations and its review.

use super::{
    Actor, ContributionView, EventOffice, Result, Viewer, bureau, check_version,
    contribution_needs_event, contribution_visible, event_visible, member, stale, viewer,
};
use crate::domain::{
    ContributionAction, ContributionState, EntityId, EventState, NewContribution, PracticeIds,
    Version, bounded, contribution_transition,
};
use crate::error::EventsError;
use crate::store::views::{self, corrupt, event_state};
use crate::store::writes;
use crate::store::{ContributionRow, EventRow, queries};
use glocal_kit::Caller;
use glocal_kit::outbox::{self, Change, EntityRef};
use serde_json::json;
use uuid::Uuid;

impl EventOffice {
    /// Submits a contribution to an event whose call for presentations is open (PUBLISHED
    /// or REGISTRATION_OPEN). Idempotent per key.
    pub async fn submit_contribution(
        &self,
        caller: Option<&Caller>,
        event_id: EntityId,
        new: NewContribution,
    ) -> Result<ContributionView> {
        let actor = member(caller)?;
        let fingerprint = format!("{event_id} {new:?}");
        let id = self
            .idempotent(&actor, "contribution", &new.idempotency_key, fingerprint, async |txn, now, id| {
                let row = queries::find_event(txn, event_id.as_uuid(), false)
                    .await?
                    .filter(|r| event_visible(&Some(actor.clone()), r))
                    .ok_or(EventsError::NotFound("event"))?;
                let state = event_state(&row)?;
                if !matches!(state, EventState::Published | EventState::RegistrationOpen) {
                    return Err(EventsError::said(
                        glocal_kit::error::ErrorCode::Conflict,
                        "CALL_CLOSED",
                        glocal_kit::i18n::Message::new("rule-call-closed").arg("state", state),
                    ));
                }
                writes::insert_contribution(txn, id, row.id, &new, actor.author()?, now).await?;
                queries::insert_audit(txn, "contribution", id, "submit", None, Some(ContributionState::Submitted.as_str()), actor.pair()?, now, "").await?;
                let payload = json!({ "id": id.to_string(), "eventId": row.id.to_string(), "state": "SUBMITTED" });
                outbox::append(txn, &Change::new("Contribution", id, "ContributionSubmitted", payload).touching("Event", row.id), now).await?;
                Ok(())
            })
            .await?;
        self.contribution_as(&Some(actor), EntityId::from(id)).await
    }

    pub(super) async fn contribution_as(
        &self,
        viewer: &Viewer,
        id: EntityId,
    ) -> Result<ContributionView> {
        let row = queries::find_contribution(&self.db, id.as_uuid())
            .await?
            .ok_or(EventsError::NotFound("contribution"))?;
        let event = queries::find_event(&self.db, row.event_id, false).await?;
        if !contribution_visible(viewer, &row, event.as_ref().map(|e| e.state.as_str())) {
            return Err(EventsError::NotFound("contribution"));
        }
        views::contribution_view(row)
    }

    /// Common frame of a contribution's state change.
    pub(super) async fn change_contribution(
        &self,
        actor: &Actor,
        id: EntityId,
        version: Version,
        action: ContributionAction,
        note: Option<String>,
        practices: Option<PracticeIds>,
    ) -> Result<ContributionView> {
        let viewer = Some(actor.clone());
        let txn = self.db.begin().await?;
        let row = queries::find_contribution(&txn, id.as_uuid())
            .await?
            .ok_or(EventsError::NotFound("contribution"))?;
        let event = queries::find_event(&txn, row.event_id, false).await?;
        if !contribution_visible(&viewer, &row, event.as_ref().map(|e| e.state.as_str())) {
            return Err(EventsError::NotFound("contribution"));
        }
        if action == ContributionAction::Withdraw && row.submitter_subject != actor.subject {
            return Err(EventsError::Forbidden(
                "only the submitter may withdraw a contribution".into(),
            ));
        }
        if action != ContributionAction::Withdraw && !actor.bureau {
            return Err(EventsError::Forbidden(
                "only bureau staff review contributions".into(),
            ));
        }
        let from = ContributionState::parse(&row.state).map_err(corrupt)?;
        let to = contribution_transition(from, action)?;
        check_version(version, row.version)?;
        let now = self.now();
        let Some(written) =
            writes::change_contribution(&txn, &row, to, note.as_deref(), practices.as_ref(), now)
                .await?
        else {
            return Err(stale(version, row.version + 1));
        };
        queries::insert_audit(
            &txn,
            "contribution",
            row.id,
            action.as_str(),
            Some(from.as_str()),
            Some(to.as_str()),
            actor.pair()?,
            now,
            note.as_deref().unwrap_or_default(),
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "eventId": row.event_id.to_string(),
            "action": action.as_str(),
            "state": to.as_str(),
            "practiceIds": practices.as_ref().map(|p| p.ids().to_vec()),
        });
        let practice_refs = practices
            .iter()
            .flat_map(|p| p.ids().iter().map(|id| EntityRef::new("Practice", id)));
        let change = Change::new("Contribution", row.id, "ContributionChanged", payload)
            .touching("Event", row.event_id)
            .touching_all(practice_refs);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        // Visible to the actor still: the submitter withdraws, the bureau sees every one.
        views::contribution_view(written)
    }

    /// Accepts (with the best practices it draws on) or rejects a contribution (bureau).
    pub async fn review_contribution(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        decision: ContributionAction,
        note: String,
        practices: PracticeIds,
    ) -> Result<ContributionView> {
        let actor = bureau(caller, "action-review-contributions")?;
        let note = bounded(&note, "note", 0, 2_000)?;
        let practices = match decision {
            ContributionAction::Accept => Some(practices),
            ContributionAction::Reject if practices.ids().is_empty() => None,
            ContributionAction::Reject => {
                return Err(EventsError::invalid(
                    "practiceIds",
                    "only an accepted contribution references best practices",
                ));
            }
            _ => return Err(EventsError::invalid("decision", "must be ACCEPT or REJECT")),
        };
        self.change_contribution(&actor, id, version, decision, Some(note), practices)
            .await
    }

    /// The submitter withdraws a contribution.
    pub async fn withdraw_contribution(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
    ) -> Result<ContributionView> {
        let actor = member(caller)?;
        self.change_contribution(
            &actor,
            id,
            version,
            ContributionAction::Withdraw,
            None,
            None,
        )
        .await
    }

    /// Replaces the best practices an accepted contribution draws on (bureau).
    pub async fn link_practices(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        practices: PracticeIds,
    ) -> Result<ContributionView> {
        let actor = bureau(caller, "action-link-best-practices")?;
        self.change_contribution(
            &actor,
            id,
            version,
            ContributionAction::LinkPractices,
            None,
            Some(practices),
        )
        .await
    }

    /// The contributions of the given events the caller may see: accepted ones of visible
    /// events for everyone, their own for submitters, all for the bureau. `mine` keeps the
    /// caller's own only (across all events when `event_ids` is empty).
    pub async fn contributions(
        &self,
        caller: Option<&Caller>,
        event_ids: &[EntityId],
        mine: bool,
    ) -> Result<Vec<ContributionView>> {
        let viewer = viewer(caller);
        let submitter = if mine {
            Some(
                viewer
                    .as_ref()
                    .ok_or(EventsError::Unauthenticated)?
                    .subject
                    .clone(),
            )
        } else {
            None
        };
        if event_ids.is_empty() && submitter.is_none() {
            return Ok(Vec::new());
        }
        let uuids: Vec<Uuid> = event_ids.iter().map(EntityId::as_uuid).collect();
        let rows = queries::contributions_of(&self.db, &uuids, submitter.as_deref()).await?;
        // Read the states of the events visibility depends on, and only those.
        let mut ids: Vec<Uuid> = rows
            .iter()
            .filter(|r| contribution_needs_event(&viewer, r))
            .map(|r| r.event_id)
            .collect();
        ids.sort();
        ids.dedup();
        let states = queries::event_states(&self.db, &ids).await?;
        visible_contributions(&viewer, rows, |event| {
            states.get(&event).map(String::as_str)
        })
    }

    /// The contributions `viewer` may see of a page of events the viewer may see, whose
    /// stored states are at hand: one query.
    pub(super) async fn contributions_of_page(
        &self,
        viewer: &Viewer,
        events: &[EventRow],
    ) -> Result<Vec<ContributionView>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
        let rows = queries::contributions_of(&self.db, &ids, None).await?;
        visible_contributions(viewer, rows, |event| {
            events
                .iter()
                .find(|e| e.id == event)
                .map(|e| e.state.as_str())
        })
    }
}

/// The rows `viewer` may see, as views, in their order; `state_of` gives an event's stored
/// state (`None`: it does not exist).
fn visible_contributions<'s>(
    viewer: &Viewer,
    rows: Vec<ContributionRow>,
    state_of: impl Fn(Uuid) -> Option<&'s str>,
) -> Result<Vec<ContributionView>> {
    rows.into_iter()
        .filter(|r| contribution_visible(viewer, r, state_of(r.event_id)))
        .map(views::contribution_view)
        .collect()
}
