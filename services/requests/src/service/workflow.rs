//! The workflow actions on a request: responses, reassignment, withdraw, reject, close,
//! reopen, notes and replies. Each checks who may act, asks the state machine, and writes
//! the change, its history row and its outbox event in one transaction.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use glocal_kit::Caller;
use glocal_kit::error::ErrorCode;
use glocal_kit::i18n::Message;
use glocal_kit::outbox::{self, Change as OutboxChange};
use glocal_kit::store::Tx;
use serde_json::json;
use uuid::Uuid;

use super::submit::history_entry;
use super::{Actor, OnlineBureau, Result, Viewer};
use crate::domain::changes::{SERVICE_REQUEST, request_touches};
use crate::domain::{
    Action, DepartmentCode, MessageBody, MessageKind, Reason, RequestId, RequestMessage,
    RequestState, ServiceRequest, StaffId, Version, transition,
};
use crate::error::RequestsError;
use crate::store::requests::{self as request_store, StoredRequest};
use crate::store::{activity, directory as dir_store};

/// A state change about to be written.
pub(super) struct Change {
    /// The change event's type (`ServiceRequestStateChanged` unless the action has its own).
    pub(super) event_type: &'static str,
    pub(super) action: Action,
    pub(super) to: RequestState,
    pub(super) note: String,
    /// The request as the change leaves it; `apply` sets its state, version and update time.
    pub(super) after: StoredRequest,
    /// A message sent with the change: kind, text and (mid-responses) expected completion.
    pub(super) message: Option<(MessageKind, String, Option<DateTime<Utc>>)>,
}

/// The event type of an ordinary state change.
pub(super) const STATE_CHANGED: &str = "ServiceRequestStateChanged";

pub(super) fn message(
    kind: MessageKind,
    body: String,
    actor: &Actor,
    now: DateTime<Utc>,
    expected: Option<DateTime<Utc>>,
) -> RequestMessage {
    RequestMessage {
        id: Uuid::new_v4(),
        kind,
        body,
        author_subject: actor.subject.clone(),
        author_name: actor.name.clone(),
        created_at: now,
        expected_completion_at: expected,
    }
}

impl OnlineBureau {
    /// Writes a state change: the versioned update, the message (if any), the history row
    /// and the outbox event, all in `tx`; answers with the request as written.
    pub(super) async fn apply(
        &self,
        tx: &Tx,
        row: &StoredRequest,
        actor: &Actor,
        now: DateTime<Utc>,
        change: Change,
    ) -> Result<StoredRequest> {
        let from = row.state;
        let mut after = change.after;
        after.state = change.to;
        after.updated_at = now;
        after.version = row.version.next();
        if !request_store::update_if_version(tx, row, &after).await? {
            let current = request_store::current_version(tx, row.id)
                .await?
                .unwrap_or(row.version.get());
            return Err(RequestsError::StaleVersion {
                seen: row.version,
                current,
            });
        }
        let mut sent = None;
        if let Some((kind, body, expected)) = change.message {
            let m = message(kind, body, actor, now, expected);
            activity::insert_message(tx, row.id, &m).await?;
            sent = Some(m);
        }
        let action = change.action.as_str();
        let entry = history_entry(action, Some(from), change.to, actor, now, &change.note);
        activity::insert_history(tx, row.id, &[entry]).await?;
        let said = sent.as_ref().map(|m| (m.kind, m.body.as_str()));
        let payload = self
            .event_payload(tx, &after, Some(from), action, said)
            .await?;
        let touched = request_touches(
            &after.local_government_code,
            after.department_code.as_deref(),
            after.assignee_id.as_deref(),
            None,
        );
        let event = OutboxChange::new(
            SERVICE_REQUEST,
            row.id.as_uuid(),
            change.event_type,
            payload,
        )
        .touching_all(touched);
        outbox::append(tx, &event, now).await?;
        tracing::info!(request_id = %row.id, action, from = %from, to = %change.to, "service request changed");
        Ok(after)
    }

    /// Common frame of every workflow action: resolve the caller, open a transaction, load
    /// the visible row, let `decide` check permissions and build the change, apply, commit.
    pub(super) async fn act<F>(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        decide: F,
    ) -> Result<ServiceRequest>
    where
        F: AsyncFnOnce(&Tx, &Viewer, &StoredRequest, DateTime<Utc>) -> Result<Change>,
    {
        let (viewer, actor) = self.viewer(caller).await?;
        let tx = self.db.begin().await?;
        let row = Self::visible_row(&viewer, request_store::find(&tx, id).await?)?;
        let now = self.now();
        let change = decide(&tx, &viewer, &row, now).await?;
        Self::check_version(&row, version)?;
        let after = self.apply(&tx, &row, &actor, now, change).await?;
        tx.commit().await?;
        // The actor sees the result of their own change even when it moved the request out
        // of their scope (a reassignment to another department).
        self.view(&viewer, after).await
    }

    /// Staff send a mid-response with the time they expect to answer in full.
    pub async fn send_mid_response(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        body: MessageBody,
        expected_completion_at: Option<DateTime<Utc>>,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |_, viewer, row, now| {
            Self::require_handler(viewer, row, "action-send-a-mid-response")?;
            let to = transition(row.state, Action::MidResponse)?;
            let expected = expected_completion_at
                .ok_or_else(|| RequestsError::invalid("expectedCompletionAt", "is required"))?;
            if expected <= now {
                return Err(RequestsError::invalid(
                    "expectedCompletionAt",
                    "must be in the future",
                ));
            }
            let expected = expected.trunc_subsecs(6);
            let mut after = row.clone();
            after.first_responded_at = Some(row.first_responded_at.unwrap_or(now));
            after.expected_completion_at = Some(expected);
            let note = Message::new("history-expected-completion")
                .arg("at", expected.to_rfc3339_opts(SecondsFormat::Secs, true))
                .store();
            Ok(Change {
                event_type: STATE_CHANGED,
                action: Action::MidResponse,
                to,
                note,
                after,
                message: Some((
                    MessageKind::MidResponse,
                    body.as_str().to_owned(),
                    Some(expected),
                )),
            })
        })
        .await
    }

    /// Staff send the final response.
    pub async fn send_final_response(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        body: MessageBody,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |_, viewer, row, now| {
            Self::require_handler(viewer, row, "action-send-the-final-response")?;
            let to = transition(row.state, Action::FinalResponse)?;
            let mut after = row.clone();
            after.first_responded_at = Some(row.first_responded_at.unwrap_or(now));
            after.final_responded_at = Some(now);
            Ok(Change {
                event_type: STATE_CHANGED,
                action: Action::FinalResponse,
                to,
                note: String::new(),
                after,
                message: Some((MessageKind::FinalResponse, body.as_str().to_owned(), None)),
            })
        })
        .await
    }

    /// Staff move a request to a department and a staff member (given, or the least loaded).
    pub async fn reassign(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        department: DepartmentCode,
        staff_id: Option<StaffId>,
        note: String,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |tx, viewer, row, now| {
            Self::require_handler(viewer, row, "action-reassign")?;
            if !dir_store::department_exists(tx, department.as_str()).await? {
                return Err(RequestsError::invalid(
                    "departmentCode",
                    "unknown department",
                ));
            }
            let member = match &staff_id {
                Some(sid) => {
                    let found = dir_store::staff_by_ids(tx, &[sid.as_str().to_owned()])
                        .await?
                        .pop();
                    match found {
                        Some(m) if m.active && m.department_code == department.as_str() => Some(m),
                        Some(_) => {
                            return Err(RequestsError::invalid(
                                "staffId",
                                "must be an active member of the department",
                            ));
                        }
                        None => {
                            return Err(RequestsError::invalid("staffId", "unknown staff member"));
                        }
                    }
                }
                None => Self::least_loaded(
                    tx,
                    department.as_str(),
                    Some(row.request_type),
                    crate::domain::sla::kst_date(now),
                )
                .await?
                .map(|(m, _)| m),
            };
            let action = if member.is_some() {
                Action::Reassign
            } else {
                Action::ReassignToDepartment
            };
            let to = transition(row.state, action)?;
            let said = match &member {
                Some(m) => Message::new("history-reassigned")
                    .arg("staff", &m.id)
                    .arg("name", &m.name),
                None => Message::new("history-reassigned-unstaffed"),
            }
            .arg("department", department.as_str());
            let note = if note.trim().is_empty() {
                said.store()
            } else {
                let key = format!("{}-noted", said.key);
                Message { key, ..said }.arg("note", note.trim()).store()
            };
            let mut after = row.clone();
            after.department_code = Some(department.as_str().to_owned());
            after.assignee_id = member.map(|m| m.id);
            Ok(Change {
                event_type: STATE_CHANGED,
                action,
                to,
                note,
                after,
                message: None,
            })
        })
        .await
    }

    /// The requester withdraws before the final response.
    pub async fn withdraw(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        reason: Option<Reason>,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |_, viewer, row, _| {
            Self::require_requester(viewer, "action-withdraw")?;
            let to = transition(row.state, Action::Withdraw)?;
            let note = reason.map(|r| r.as_str().to_owned()).unwrap_or_default();
            Ok(Change {
                event_type: STATE_CHANGED,
                action: Action::Withdraw,
                to,
                note,
                after: row.clone(),
                message: None,
            })
        })
        .await
    }

    /// Staff reject a request, with a reason.
    pub async fn reject(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        reason: Reason,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |_, viewer, row, _| {
            Self::require_handler(viewer, row, "action-reject")?;
            let to = transition(row.state, Action::Reject)?;
            let mut after = row.clone();
            after.reject_reason = Some(reason.as_str().to_owned());
            Ok(Change {
                event_type: STATE_CHANGED,
                action: Action::Reject,
                to,
                note: reason.as_str().to_owned(),
                after,
                message: None,
            })
        })
        .await
    }

    /// The requester or the handling staff close a request after the final response.
    pub async fn close(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |_, viewer, row, _| {
            if !matches!(viewer, Viewer::Official { .. }) {
                Self::require_handler(viewer, row, "action-close")?;
            }
            let to = transition(row.state, Action::Close)?;
            Ok(Change {
                event_type: STATE_CHANGED,
                action: Action::Close,
                to,
                note: String::new(),
                after: row.clone(),
                message: None,
            })
        })
        .await
    }

    /// The requester reopens within the reopen window after the final response; the request
    /// goes back to its assignee with a fresh resolution due time.
    pub async fn reopen(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        reason: Option<Reason>,
    ) -> Result<ServiceRequest> {
        let window = self.config.reopen_window;
        self.act(caller, id, version, async |tx, viewer, row, now| {
            Self::require_requester(viewer, "action-reopen")?;
            let to = transition(row.state, Action::Reopen)?;
            let answered = row.final_responded_at.unwrap_or(row.updated_at);
            if now > answered + window {
                return Err(RequestsError::said(
                    ErrorCode::Conflict,
                    "REOPEN_WINDOW_CLOSED",
                    Message::new("rule-reopen-window-closed")
                        .arg("days", window.num_days())
                        .arg(
                            "at",
                            (answered + window).to_rfc3339_opts(SecondsFormat::Secs, true),
                        ),
                ));
            }
            // A fresh resolution clock under the type's policy and today's calendar.
            let policy = self.policy(tx, row.request_type).await?;
            let due = policy.due_times(&self.calendar(tx).await?, now);
            let mut after = row.clone();
            after.resolution_due_at = due.resolution_due_at;
            after.resolution_clock = policy.resolution.clock;
            after.warning_at = Some(due.warning_at);
            after.warned_at = None;
            after.breached_at = None;
            let note = reason.map(|r| r.as_str().to_owned()).unwrap_or_default();
            Ok(Change {
                event_type: STATE_CHANGED,
                action: Action::Reopen,
                to,
                note,
                after,
                message: None,
            })
        })
        .await
    }

    /// Staff add an internal note (any state); requesters never see it.
    pub async fn add_note(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        body: MessageBody,
    ) -> Result<ServiceRequest> {
        self.add_message(caller, id, body, MessageKind::StaffNote)
            .await
    }

    /// The requester replies (any state but a terminal one).
    pub async fn reply(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        body: MessageBody,
    ) -> Result<ServiceRequest> {
        self.add_message(caller, id, body, MessageKind::RequesterReply)
            .await
    }

    /// Adds a message that changes no state (a reply to a request awaiting its requester
    /// resumes it instead); answers with the request as read in the same transaction.
    async fn add_message(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        body: MessageBody,
        kind: MessageKind,
    ) -> Result<ServiceRequest> {
        let (viewer, actor) = self.viewer(caller).await?;
        let tx = self.db.begin().await?;
        let row = Self::visible_row(&viewer, request_store::find(&tx, id).await?)?;
        let state = row.state;
        let (action, event_type) = match kind {
            MessageKind::StaffNote => {
                Self::require_handler(&viewer, &row, "action-add-notes")?;
                ("note", "ServiceRequestMessageAdded")
            }
            _ => {
                Self::require_requester(&viewer, "action-reply")?;
                if state.is_terminal() {
                    return Err(RequestsError::said(
                        ErrorCode::Conflict,
                        "REQUEST_FINISHED",
                        Message::new("rule-reply-finished").arg("state", state),
                    ));
                }
                if state.is_paused() {
                    let now = self.now();
                    let after = self.resume_with_reply(&tx, &row, &actor, now, body).await?;
                    tx.commit().await?;
                    return self.view(&viewer, after).await;
                }
                ("reply", REPLIED)
            }
        };
        let now = self.now();
        let m = message(kind, body.as_str().to_owned(), &actor, now, None);
        activity::insert_message(&tx, row.id, &m).await?;
        let entry = history_entry(action, Some(state), state, &actor, now, "");
        activity::insert_history(&tx, row.id, &[entry]).await?;
        let mut payload = self
            .event_payload(
                &tx,
                &row,
                Some(state),
                action,
                Some((kind, m.body.as_str())),
            )
            .await?;
        payload["messageId"] = json!(m.id.to_string());
        payload["kind"] = json!(kind.as_str());
        let touched = request_touches(
            &row.local_government_code,
            row.department_code.as_deref(),
            row.assignee_id.as_deref(),
            Some(m.id.to_string()),
        );
        let change = OutboxChange::new(SERVICE_REQUEST, row.id.as_uuid(), event_type, payload)
            .touching_all(touched);
        outbox::append(&tx, &change, now).await?;
        tx.commit().await?;
        self.view(&viewer, row).await
    }
}

/// The event type of a requester's reply (with or without resuming the clock).
pub(super) const REPLIED: &str = "ServiceRequestReplied";
