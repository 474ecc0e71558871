//! The service-level clock of a request: staff ask the requester a question (the clock
//! pauses), the requester's reply resumes it with the time that was left, and the scheduler
//! warns the assignee at the policy's share of each target's time (first response and
//! resolution) and marks each target's breach at its due time, each exactly once however many replicas run it (a conditional update claims the
//! mark; only the claimant writes the history row and the change event).

use chrono::{DateTime, SecondsFormat, Utc};
use glocal_kit::Caller;
use glocal_kit::i18n::Message;
use glocal_kit::outbox::{self, Change as OutboxChange};
use glocal_kit::store::Tx;
use serde_json::json;

use super::submit::history_entry;
use super::workflow::{Change, REPLIED};
use super::{Actor, OnlineBureau, Result};
use crate::domain::changes::{SERVICE_REQUEST, request_touches};
use crate::domain::sla::{SlaClock, SlaTargetKind, SlaThreshold, resume_due};
use crate::domain::{
    Action, MessageBody, MessageKind, RequestId, RequestState, ServiceRequest, Version, resume,
    transition,
};
use crate::error::RequestsError;
use crate::store::activity;
use crate::store::requests::{self as request_store, Mark, StoredRequest};

/// The change event of a question to the requester.
pub(super) const QUESTION_ASKED: &str = "ServiceRequestQuestionAsked";
/// The change event of a warning to the assignee (its payload's `target` names which).
pub(super) const SLA_WARNING: &str = "ServiceRequestSlaWarning";
/// The change event of a breached target (its payload's `target` names which).
pub(super) const SLA_BREACHED: &str = "ServiceRequestSlaBreached";

/// What one scheduler run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchedulerRun {
    /// Assignees warned.
    pub warned: usize,
    /// Requests marked breached.
    pub breached: usize,
}

impl OnlineBureau {
    /// Staff ask the requester a question: the request awaits the requester and its clock
    /// stands still until they reply.
    pub async fn ask_requester(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        question: MessageBody,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |_, viewer, row, now| {
            Self::require_handler(viewer, row, "action-ask-the-requester")?;
            let to = transition(row.state, Action::AskRequester)?;
            let mut after = row.clone();
            after.paused_at = Some(now);
            after.paused_from_state = Some(row.state);
            Ok(Change {
                event_type: QUESTION_ASKED,
                action: Action::AskRequester,
                to,
                note: "clock paused".into(),
                after,
                message: Some((MessageKind::Question, question.as_str().to_owned(), None)),
            })
        })
        .await
    }

    /// The requester's reply to a request awaiting them: back to the state the question was
    /// asked from, every due time not yet passed moved by the pause (the time left counts
    /// from now, on the calendar as it is now), written in `tx`.
    pub(super) async fn resume_with_reply(
        &self,
        tx: &Tx,
        row: &StoredRequest,
        actor: &Actor,
        now: DateTime<Utc>,
        body: MessageBody,
    ) -> Result<StoredRequest> {
        let asked_from = row
            .paused_from_state
            .ok_or_else(|| RequestsError::Corrupt("a paused request without its state".into()))?;
        let to = resume(row.state, asked_from)?;
        let paused_at = row.paused_at.unwrap_or(now);
        let calendar = self.calendar(tx).await?;
        let moved = |due: DateTime<Utc>, clock| resume_due(&calendar, due, paused_at, now, clock);
        let mut after = row.clone();
        after.resolution_due_at = moved(row.resolution_due_at, row.resolution_clock);
        if row.first_responded_at.is_none() {
            after.first_response_due_at =
                moved(row.first_response_due_at, row.first_response_clock);
        }
        if row.warned_at.is_none() {
            after.warning_at = row.warning_at.map(|w| moved(w, row.resolution_clock));
        }
        if row.first_responded_at.is_none() && row.first_response_warned_at.is_none() {
            after.first_response_warning_at = row
                .first_response_warning_at
                .map(|w| moved(w, row.first_response_clock));
        }
        after.paused_at = None;
        after.paused_from_state = None;
        let paused = calendar.minutes_between(paused_at, now, row.resolution_clock);
        let note = Message::new(match row.resolution_clock {
            SlaClock::Business => "history-clock-resumed-business",
            SlaClock::Calendar => "history-clock-resumed-calendar",
        })
        .arg("minutes", paused)
        .arg(
            "due",
            after
                .resolution_due_at
                .to_rfc3339_opts(SecondsFormat::Secs, true),
        )
        .store();
        let change = Change {
            event_type: REPLIED,
            action: Action::Resume,
            to,
            note,
            after,
            message: Some((MessageKind::RequesterReply, body.as_str().to_owned(), None)),
        };
        self.apply(tx, row, actor, now, change).await
    }

    /// One run of the service-level scheduler: for each target (first response, then
    /// resolution) warns the assignees of requests past the target's warning time and marks
    /// breached those past its due time (at most the configured batch of each). Safe to run
    /// from several replicas at once: each warning and each breach of a target is written
    /// once.
    pub async fn run_sla_scheduler(&self) -> Result<SchedulerRun> {
        let now = self.now();
        let open = RequestState::open_states();
        let limit = u64::from(self.config.scheduler_batch);
        let mut run = SchedulerRun::default();
        for mark in Mark::ALL {
            for row in request_store::due_for(&self.db, mark, &open, now, limit).await? {
                if self.mark(row.id, mark, &open, now).await? {
                    match mark.threshold {
                        SlaThreshold::Warning => run.warned += 1,
                        SlaThreshold::Breach => run.breached += 1,
                    }
                }
            }
        }
        Ok(run)
    }

    /// Claims `mark` on one request and, when this call won the claim, writes its history
    /// row and change event (naming the target) in the same transaction.
    async fn mark(
        &self,
        id: RequestId,
        mark: Mark,
        open: &[RequestState],
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let tx = self.db.begin().await?;
        if !request_store::claim_mark(&tx, id, mark, open, now).await? {
            return Ok(false);
        }
        let row = request_store::find(&tx, id)
            .await?
            .ok_or(RequestsError::NotFound("service request"))?;
        let due = match mark.target {
            SlaTargetKind::FirstResponse => row.first_response_due_at,
            SlaTargetKind::Resolution => row.resolution_due_at,
        };
        let (action, event_type) = sla_action(mark);
        let note = sla_note(mark, due);
        let system = Actor {
            subject: super::submit::SYSTEM_SUBJECT.into(),
            name: super::submit::SYSTEM_NAME.into(),
        };
        let entry = history_entry(action, Some(row.state), row.state, &system, now, &note);
        activity::insert_history(&tx, row.id, &[entry]).await?;
        let mut payload = self
            .event_payload(&tx, &row, Some(row.state), action, None)
            .await?;
        payload["target"] = json!(mark.target.as_str());
        payload["targetDueAt"] = json!(due.to_rfc3339());
        payload["warningAt"] = json!(row.warning_at.map(|t| t.to_rfc3339()));
        payload["breachedAt"] = json!(row.breached_at.map(|t| t.to_rfc3339()));
        payload["firstResponseWarningAt"] =
            json!(row.first_response_warning_at.map(|t| t.to_rfc3339()));
        payload["firstResponseBreachedAt"] =
            json!(row.first_response_breached_at.map(|t| t.to_rfc3339()));
        let touched = request_touches(
            &row.local_government_code,
            row.department_code.as_deref(),
            row.assignee_id.as_deref(),
            None,
        );
        let change = OutboxChange::new(SERVICE_REQUEST, row.id.as_uuid(), event_type, payload)
            .touching_all(touched);
        outbox::append(&tx, &change, now).await?;
        tx.commit().await?;
        tracing::info!(request_id = %row.id, number = %row.number, action, "service level mark");
        Ok(true)
    }
}

/// The history action and change event of a mark.
fn sla_action(mark: Mark) -> (&'static str, &'static str) {
    match (mark.target, mark.threshold) {
        (SlaTargetKind::FirstResponse, SlaThreshold::Warning) => {
            ("sla_first_response_warning", SLA_WARNING)
        }
        (SlaTargetKind::FirstResponse, SlaThreshold::Breach) => {
            ("sla_first_response_breach", SLA_BREACHED)
        }
        (SlaTargetKind::Resolution, SlaThreshold::Warning) => ("sla_warning", SLA_WARNING),
        (SlaTargetKind::Resolution, SlaThreshold::Breach) => ("sla_breach", SLA_BREACHED),
    }
}

/// The history note of a mark.
fn sla_note(mark: Mark, due: DateTime<Utc>) -> String {
    let key = match (mark.target, mark.threshold) {
        (SlaTargetKind::FirstResponse, SlaThreshold::Warning) => {
            "history-sla-first-response-warning"
        }
        (SlaTargetKind::FirstResponse, SlaThreshold::Breach) => "history-sla-first-response-breach",
        (SlaTargetKind::Resolution, SlaThreshold::Warning) => "history-sla-resolution-warning",
        (SlaTargetKind::Resolution, SlaThreshold::Breach) => "history-sla-resolution-breach",
    };
    Message::new(key)
        .arg("due", due.to_rfc3339_opts(SecondsFormat::Secs, true))
        .store()
}

/// Runs [`OnlineBureau::run_sla_scheduler`] every `interval` until `shutdown` resolves.
pub fn spawn_sla_scheduler(
    bureau: OnlineBureau,
    interval: std::time::Duration,
    shutdown: glocal_kit::Shutdown,
) -> tokio::task::JoinHandle<()> {
    glocal_kit::jobs::spawn_every("sla_scheduler", interval, shutdown, move || {
        let bureau = bureau.clone();
        async move {
            let run = bureau.run_sla_scheduler().await?;
            if run.warned + run.breached > 0 {
                tracing::info!(
                    warned = run.warned,
                    breached = run.breached,
                    "service levels checked"
                );
            }
            Ok::<u64, super::RequestsError>(0)
        }
    })
}
