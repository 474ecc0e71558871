//! Submitting a request: registered, routed and assigned in the same transaction. A retry
//! with the same idempotency key answers with the first request.

use chrono::{DateTime, Datelike, Utc};
use glocal_kit::Caller;
use glocal_kit::error::ErrorCode;
use glocal_kit::i18n::Message;
use glocal_kit::outbox::{self, Change};
use glocal_kit::store::{Handle, Tx};
use serde_json::json;

use super::{Actor, OnlineBureau, Result, Viewer};
use crate::domain::changes::{SERVICE_REQUEST, request_touches};
use crate::domain::{
    Action, HistoryEntry, HistoryVisibility, MessageKind, NewRequest, Parts, RequestId,
    RequestNumber, RequestState, ServiceRequest, Version, transition,
};
use crate::error::RequestsError;
use crate::store::activity;
use crate::store::requests::{self as request_store, StoredRequest};

pub(super) const SYSTEM_SUBJECT: &str = "system";
pub(super) const SYSTEM_NAME: &str = "Online Bureau";

impl OnlineBureau {
    /// The payload of a request's change event (the contract in docs/events.md): the
    /// request's number, title and state, the people it concerns by token subject
    /// (requester, assignee, department lead), its resolution due time while the bureau owes
    /// an answer, and the message sent with the change, if any.
    pub(super) async fn event_payload(
        &self,
        db: &impl Handle,
        row: &StoredRequest,
        from: Option<RequestState>,
        action: &str,
        message: Option<(MessageKind, &str)>,
    ) -> Result<serde_json::Value> {
        let (assignee, lead) = self
            .people_of(
                db,
                row.assignee_id.as_deref(),
                row.department_code.as_deref(),
            )
            .await?;
        let rfc = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339());
        let owed = row.state.is_open();
        let mut payload = json!({
            "id": row.id.to_string(),
            "number": row.number.to_string(),
            "title": row.title,
            "type": row.request_type.as_str(),
            "action": action,
            "fromState": from.map(RequestState::as_str),
            "state": row.state.as_str(),
            "version": row.version.get(),
            "requester": row.requester_subject,
            "localGovernmentCode": row.local_government_code,
            "departmentCode": row.department_code,
            "assigneeId": row.assignee_id,
            "assignee": assignee,
            "departmentLead": lead,
            "dueAt": rfc(owed.then_some(row.resolution_due_at)),
            "firstResponseDueAt": rfc(
                (owed && row.first_responded_at.is_none()).then_some(row.first_response_due_at)
            ),
            "pausedAt": rfc(row.paused_at),
        });
        if let Some((kind, text)) = message {
            payload["messageKind"] = json!(kind.as_str());
            payload["message"] = json!(text);
        }
        Ok(payload)
    }
}

/// An audit entry.
pub(super) fn history_entry(
    action: &str,
    from: Option<RequestState>,
    to: RequestState,
    actor: &Actor,
    at: DateTime<Utc>,
    note: &str,
) -> HistoryEntry {
    HistoryEntry {
        action: action.to_owned(),
        from_state: from,
        to_state: to,
        actor_subject: actor.subject.clone(),
        actor_name: actor.name.clone(),
        at,
        note: note.to_owned(),
        visibility: HistoryVisibility::of_action(action),
    }
}

impl OnlineBureau {
    /// Submits a request and, in the same transaction, registers and routes it.
    /// A retry with the same idempotency key returns the first request.
    pub async fn submit(&self, caller: Option<&Caller>, new: NewRequest) -> Result<ServiceRequest> {
        self.submit_parts(caller, new, Parts::with_activity(false))
            .await
    }

    /// [`OnlineBureau::submit`], answering with the `parts` of the new request's view the
    /// caller shows (ADR 0048: each part left out is not read after the commit; its history
    /// is what the submission wrote). A retry answers the first request's whole view.
    pub async fn submit_parts(
        &self,
        caller: Option<&Caller>,
        new: NewRequest,
        parts: Parts,
    ) -> Result<ServiceRequest> {
        let (viewer, actor) = self.viewer(caller).await?;
        let lg_code = match (&viewer, &new.local_government_code) {
            (Viewer::Official { org }, Some(code)) if code.as_str() != org => {
                return Err(RequestsError::Forbidden(
                    "officials submit for their own local government only".into(),
                ));
            }
            (Viewer::Official { org }, _) => {
                if !self.local_government_exists(org).await? {
                    return Err(RequestsError::said(
                        ErrorCode::Forbidden,
                        "ORGANISATION_NOT_A_LOCAL_GOVERNMENT",
                        Message::new("rule-organisation-not-lg").arg("org", org),
                    ));
                }
                org.clone()
            }
            (_, Some(code)) => {
                if !self.local_government_exists(code.as_str()).await? {
                    return Err(RequestsError::invalid(
                        "localGovernmentCode",
                        "unknown local government",
                    ));
                }
                code.as_str().to_owned()
            }
            (_, None) => {
                return Err(RequestsError::invalid(
                    "localGovernmentCode",
                    "is required when bureau staff submit",
                ));
            }
        };

        let key = new.idempotency_key.as_str();
        if let Some(existing) =
            request_store::find_by_idempotency(&self.db, &actor.subject, key).await?
        {
            return self.replay(&viewer, existing, &new, &lg_code).await;
        }
        let tx = self.db.begin().await?;
        match self.insert_new(&tx, &actor, &new, &lg_code).await {
            Ok((row, history)) => {
                tx.commit().await?;
                // Answer from what was written; the submitter may not see a request that
                // was routed away from them (bureau staff submitting for others).
                if !Self::visible(&viewer, &row) {
                    return Err(RequestsError::NotFound("service request"));
                }
                let parts = Parts {
                    activity: false,
                    ..parts
                };
                let mut view = self
                    .views(&viewer, vec![row], parts)
                    .await?
                    .pop()
                    .ok_or(RequestsError::NotFound("service request"))?;
                view.history = history;
                Self::redact(&viewer, &mut view);
                Ok(view)
            }
            Err(e) if request_store::is_unique_violation(&e) => {
                drop(tx);
                match request_store::find_by_idempotency(&self.db, &actor.subject, key).await? {
                    Some(existing) => self.replay(&viewer, existing, &new, &lg_code).await,
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn replay(
        &self,
        viewer: &Viewer,
        existing: StoredRequest,
        new: &NewRequest,
        lg_code: &str,
    ) -> Result<ServiceRequest> {
        let same = existing.request_type == new.request_type()
            && existing.title == new.title.as_str()
            && existing.description == new.description.as_str()
            && existing.local_government_code == lg_code
            && existing.details.as_ref() == Some(&new.details);
        if !same {
            return Err(RequestsError::said(
                ErrorCode::Conflict,
                "IDEMPOTENCY_KEY_REUSED",
                Message::new("rule-idempotency-key-reused")
                    .arg("key", new.idempotency_key.as_str()),
            ));
        }
        self.view(viewer, existing).await
    }

    /// Writes the new request, registered and (when a rule matches) routed and assigned,
    /// with its history and outbox event; answers with what it wrote.
    async fn insert_new(
        &self,
        tx: &Tx,
        actor: &Actor,
        new: &NewRequest,
        lg_code: &str,
    ) -> Result<(StoredRequest, Vec<HistoryEntry>)> {
        let now = self.now();
        let ty = new.request_type();
        // Everything the submission reads comes first and the yearly counter last: its row
        // lock is the one every submission of the year shares, so concurrent submissions
        // wait on each other only for the inserts and the commit, not for routing and the
        // calendar (ADR 0032).
        let rule = Self::route(tx, ty, &new.details).await?;
        let candidate = match &rule {
            Some(rule) => {
                Self::least_loaded(
                    tx,
                    rule.department_code.as_str(),
                    Some(ty),
                    crate::domain::sla::kst_date(now),
                )
                .await?
            }
            None => None,
        };
        let policy = self.policy(tx, ty).await?;
        let due = policy.due_times(&self.calendar(tx).await?, now);
        let serial = request_store::next_serial(tx, now.year()).await?;
        let number = RequestNumber::new(now.year(), serial)?;
        let id = RequestId::new();
        let system = Actor {
            subject: SYSTEM_SUBJECT.into(),
            name: SYSTEM_NAME.into(),
        };

        let mut history = Vec::new();
        history.push(history_entry(
            "submit",
            None,
            RequestState::Submitted,
            actor,
            now,
            "",
        ));
        let mut state = transition(RequestState::Submitted, Action::Register)?;
        history.push(history_entry(
            Action::Register.as_str(),
            Some(RequestState::Submitted),
            state,
            &system,
            now,
            &number.to_string(),
        ));

        let mut routing = String::new();
        let mut department_code = None;
        let mut assignee_id = None;
        if let Some(rule) = rule {
            routing = Self::describe_rule(&rule);
            let next = transition(state, Action::AssignDepartment)?;
            history.push(history_entry(
                Action::AssignDepartment.as_str(),
                Some(state),
                next,
                &system,
                now,
                &Self::routing_note(&rule).store(),
            ));
            state = next;
            if let Some((member, load)) = candidate {
                let next = transition(state, Action::AssignStaff)?;
                let note = Message::new("history-assigned-staff")
                    .arg("staff", &member.id)
                    .arg("name", &member.name)
                    .arg("load", load)
                    .store();
                history.push(history_entry(
                    Action::AssignStaff.as_str(),
                    Some(state),
                    next,
                    &system,
                    now,
                    &note,
                ));
                state = next;
                assignee_id = Some(member.id);
            }
            department_code = Some(String::from(rule.department_code));
        }

        let row = StoredRequest {
            seq: 0,
            id,
            number,
            request_type: ty,
            title: new.title.as_str().to_owned(),
            description: new.description.as_str().to_owned(),
            details: Some(new.details.clone()),
            state,
            requester_subject: actor.subject.clone(),
            requester_name: actor.name.clone(),
            local_government_code: lg_code.to_owned(),
            department_code,
            assignee_id,
            routing,
            idempotency_key: new.idempotency_key.as_str().to_owned(),
            created_at: now,
            updated_at: now,
            first_response_due_at: due.first_response_due_at,
            resolution_due_at: due.resolution_due_at,
            first_responded_at: None,
            final_responded_at: None,
            expected_completion_at: None,
            reject_reason: None,
            version: Version::FIRST,
            paused_at: None,
            paused_from_state: None,
            first_response_clock: policy.first_response.clock,
            resolution_clock: policy.resolution.clock,
            warning_at: Some(due.warning_at),
            warned_at: None,
            breached_at: None,
            first_response_warning_at: Some(due.first_response_warning_at),
            first_response_warned_at: None,
            first_response_breached_at: None,
        };
        request_store::insert(tx, &row).await?;
        let payload = self.event_payload(tx, &row, None, "submit", None).await?;
        activity::insert_history(tx, id, &history).await?;
        let touched = request_touches(
            &row.local_government_code,
            row.department_code.as_deref(),
            row.assignee_id.as_deref(),
            None,
        );
        let change = Change::new(
            SERVICE_REQUEST,
            id.as_uuid(),
            "ServiceRequestSubmitted",
            payload,
        )
        .touching_all(touched);
        outbox::append(tx, &change, now).await?;
        tracing::info!(request_id = %id, number = %row.number, state = %state, "service request submitted");
        Ok((row, history))
    }
}
