//! Erasure requests (ADR 0040): a person asks, a bureau administrator decides. Approval, in
//! one transaction: the request's decision (who, when, why: the audit record), the notifier's
//! own data about the person deleted, and the `PersonErased` change event, which every
//! other service follows to pseudonymise its records of the person and which drops the
//! gateway's cached copies of them.

use chrono::Utc;
use glocal_kit::Caller;
use glocal_kit::Role;
use glocal_kit::outbox::{self, Change};
use glocal_kit::paging::{Page, PageRequest, decode_seq, seq_cursor};
use glocal_kit::privacy::PERSON_ERASED;
use serde_json::json;
use uuid::Uuid;

use super::{Notifier, Result};
use crate::domain::erasure::{self, ErasureState};
use crate::error::NotifierError;
use crate::store::erasure::{self as store, Decision, Row};

/// An erasure request as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureView {
    /// The request's id.
    pub id: Uuid,
    /// Whose data.
    pub subject: String,
    /// Their name when they asked.
    pub name: String,
    /// Why they asked (may be empty).
    pub reason: String,
    /// Where it stands.
    pub state: ErasureState,
    /// When they asked.
    pub requested_at: chrono::DateTime<Utc>,
    /// When it was decided.
    pub decided_at: Option<chrono::DateTime<Utc>>,
    /// The deciding administrator's name.
    pub decided_by: Option<String>,
    /// Their note (a rejection's reason).
    pub decision_note: Option<String>,
}

impl From<Row> for ErasureView {
    fn from(r: Row) -> Self {
        ErasureView {
            id: r.id,
            subject: r.subject,
            name: r.name,
            reason: r.reason,
            state: ErasureState::from_name(&r.state).unwrap_or(ErasureState::Pending),
            requested_at: r.requested_at,
            decided_at: r.decided_at,
            decided_by: r.decided_by_name,
            decision_note: r.decision_note,
        }
    }
}

fn signed_in(caller: Option<&Caller>) -> Result<&Caller> {
    caller.ok_or(NotifierError::Unauthenticated)
}

fn erasure_id(id: &str) -> Result<Uuid> {
    Uuid::parse_str(id.trim()).map_err(|_| NotifierError::NotFound("erasure request"))
}

impl Notifier {
    /// The caller asks that everything the bureau holds about them be erased; `reason` is
    /// optional. CONFLICT `ERASURE_ALREADY_PENDING` while an earlier request is pending.
    pub async fn ask_erasure(&self, caller: Option<&Caller>, reason: &str) -> Result<ErasureView> {
        let caller = signed_in(caller)?;
        let reason = erasure::note("reason", reason)?;
        let now = Utc::now();
        let tx = self.db().begin().await?;
        erasure::may_ask(store::has_pending(&tx, &caller.subject).await?)?;
        let row = store::insert(&tx, &caller.subject, &caller.name, &reason, now).await?;
        let change = Change::new(
            "ErasureRequest",
            row.id,
            "ErasureRequested",
            json!({ "id": row.id.to_string(), "subject": caller.subject }),
        )
        .touching("Person", &caller.subject);
        outbox::append(&tx, &change, now).await?;
        tx.commit().await?;
        tracing::info!(erasure = %row.id, "erasure requested");
        Ok(row.into())
    }

    /// Erasure requests, newest first, in `state` when given: every person's for a bureau
    /// administrator, the caller's own for anyone else.
    pub async fn erasure_requests(
        &self,
        caller: Option<&Caller>,
        state: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<ErasureView>> {
        let caller = signed_in(caller)?;
        let state = state
            .filter(|s| !s.trim().is_empty())
            .map(|s| ErasureState::parse("state", s))
            .transpose()?;
        let whose = (!caller.has(Role::BureauAdmin)).then_some(caller.subject.as_str());
        let before = decode_seq(page.after.as_deref())?;
        let limit = page.limit(self.config.max_page_size);
        let (rows, total) =
            store::list(&**self.db(), whose, state, before, u64::from(limit) + 1).await?;
        let has_next_page = rows.len() > limit as usize;
        let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
        Ok(Page {
            cursors: rows.iter().map(|r| seq_cursor(r.seq)).collect(),
            items: rows.into_iter().map(ErasureView::from).collect(),
            has_next_page,
            total_count: total,
        })
    }

    /// A bureau administrator approves or rejects erasure request `id` (a rejection says
    /// why). Approval erases the notifier's data about the person and announces
    /// `PersonErased`, in the transaction that records the decision.
    pub async fn decide_erasure(
        &self,
        caller: Option<&Caller>,
        id: &str,
        approve: bool,
        note: &str,
    ) -> Result<ErasureView> {
        let admin = signed_in(caller)?;
        if !admin.has(Role::BureauAdmin) {
            return Err(NotifierError::said(
                glocal_kit::error::ErrorCode::Forbidden,
                "ERASURE_FOR_ADMINS",
                glocal_kit::i18n::Message::new("rule-erasure-for-admins"),
            ));
        }
        let id = erasure_id(id)?;
        let note = erasure::note("note", note)?;
        let now = Utc::now();
        let tx = self.db().begin().await?;
        let found = store::find(&tx, id)
            .await?
            .ok_or(NotifierError::NotFound("erasure request"))?;
        let current = ErasureState::from_name(&found.state).unwrap_or(ErasureState::Pending);
        let state = erasure::decide(current, approve, &note)?;
        let decision = Decision {
            state,
            by_subject: &admin.subject,
            by_name: &admin.name,
            note: &note,
            at: now,
        };
        if !store::decide(&tx, id, &decision).await? {
            // Decided by another administrator since it was read: say how.
            let now_state = store::find(&tx, id)
                .await?
                .and_then(|r| ErasureState::from_name(&r.state))
                .unwrap_or(ErasureState::Approved);
            return Err(erasure::decide(now_state, approve, &note)
                .err()
                .map_or(NotifierError::NotFound("erasure request"), Into::into));
        }
        let subject = found.subject.clone();
        let change = if state == ErasureState::Approved {
            // Waits for any notice being made for them right now (it then goes too); any
            // made later sees this decision and is not made.
            glocal_kit::privacy::lock_people(&tx, &[subject.as_str()]).await?;
            let notices = store::erase_person(&tx, &subject).await?;
            tracing::info!(erasure = %id, notices, "person erased from the notifier");
            Change::new(
                "ErasureRequest",
                id,
                PERSON_ERASED,
                json!({ "subject": subject, "erasureId": id.to_string(), "actor": admin.subject }),
            )
        } else {
            Change::new(
                "ErasureRequest",
                id,
                "ErasureRejected",
                json!({ "id": id.to_string(), "subject": subject, "actor": admin.subject }),
            )
        }
        .touching("Person", &subject);
        outbox::append(&tx, &change, now).await?;
        let decided = store::find(&tx, id)
            .await?
            .ok_or(NotifierError::NotFound("erasure request"))?;
        tx.commit().await?;
        Ok(decided.into())
    }
}
