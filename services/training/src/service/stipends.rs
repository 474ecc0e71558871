//! Stipend schedules and payments.

use super::*;
use glocal_kit::outbox::{self, Change};

impl TrainingOffice {
    pub(super) async fn schedule_view(&self, application_id: Uuid) -> Result<StipendSchedule> {
        let payments = queries::payments_of(&self.db, application_id)
            .await?
            .into_iter()
            .map(payment_of)
            .collect::<Result<Vec<_>>>()?;
        let mut totals: Vec<(String, i64)> = Vec::new();
        for p in &payments {
            match totals.iter_mut().find(|(c, _)| c == p.amount.currency()) {
                Some((_, t)) => *t += p.amount.amount_minor(),
                None => totals.push((p.amount.currency().to_owned(), p.amount.amount_minor())),
            }
        }
        Ok(StipendSchedule {
            application_id: ApplicationId::from(application_id),
            payments,
            totals: totals
                .into_iter()
                .map(|(c, t)| Money::new(t, &c).map_err(TrainingError::corrupt))
                .collect::<Result<_>>()?,
        })
    }

    /// Managers generate an accepted participant's stipend schedule from the edition's
    /// policy and the participant's dates. Regenerating replaces the payments still
    /// SCHEDULED and keeps those already approved, paid or failed.
    pub async fn generate_stipend_schedule(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
    ) -> Result<StipendSchedule> {
        let who = self.who(caller).await?;
        let txn = self.db.begin().await?;
        let row = who.application(&txn, id).await?;
        who.require_manager(row.edition_id, "action-manage-stipends")?;
        if row.state != ApplicationState::Accepted.as_str() {
            return Err(TrainingError::said(
                glocal_kit::error::ErrorCode::Conflict,
                "NOT_ACCEPTED",
                glocal_kit::i18n::Message::new("rule-stipends-accepted-only")
                    .arg("state", &row.state),
            ));
        }
        let e = queries::find_edition(&txn, row.edition_id)
            .await?
            .ok_or(TrainingError::NotFound("edition"))?;
        // The stipends are the edition's monthly living-expense shares.
        let lines = policy_from_text(&e.cost_policy)?.stipends();
        if lines.is_empty() {
            return Err(TrainingError::Conflict(
                "the edition has no stipend policy".into(),
            ));
        }
        if lines.iter().any(|s| s.payer == Payer::HostLocalGovernment) && row.host_code.is_none() {
            return Err(TrainingError::said(
                glocal_kit::error::ErrorCode::Conflict,
                "PLACEMENT_MISSING",
                glocal_kit::i18n::Message::new("rule-stipend-needs-placement"),
            ));
        }
        let joined = row.joined_on.unwrap_or(e.starts_on);
        let left = row.left_on.unwrap_or(e.ends_on);
        let planned = schedule(&lines, e.starts_on, e.ends_on, joined, left);
        let kept: Vec<(String, i32)> = queries::payments_of(&txn, row.id)
            .await?
            .into_iter()
            .filter(|p| p.state != PaymentState::Scheduled.as_str())
            .map(|p| (p.payer, p.period))
            .collect();
        queries::delete_scheduled_payments(&txn, row.id).await?;
        let now = self.now();
        let mut created = 0;
        for p in planned {
            let period = i32::try_from(p.period.number).unwrap_or(i32::MAX);
            if kept
                .iter()
                .any(|(payer, n)| payer == p.payer.as_str() && *n == period)
            {
                continue;
            }
            writes::insert_payment(&txn, row.id, p, now).await?;
            created += 1;
        }
        let accepted = ApplicationState::Accepted.as_str();
        let note = glocal_kit::i18n::Message::new("training-stipends-scheduled")
            .arg("count", created)
            .arg("from", joined)
            .arg("to", left)
            .store();
        writes::insert_history(
            &txn,
            Audit {
                aggregate_type: "application",
                id: row.id,
                action: "generate_stipends",
                from: Some(accepted),
                to: Some(accepted),
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note: &note,
            },
        )
        .await?;
        let payload = json!({
            "applicationId": row.id.to_string(),
            "editionId": row.edition_id.to_string(),
            "scheduled": created,
        });
        let change = Change::new("Application", row.id, "StipendScheduleGenerated", payload)
            .touching("Edition", row.edition_id);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        self.schedule_view(row.id).await
    }

    /// A participant's stipend schedule: for managers and the participant.
    pub async fn stipend_schedule(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
    ) -> Result<StipendSchedule> {
        let who = self.who(caller).await?;
        let row = who.application(&self.db, id).await?;
        if !(who.manages(row.edition_id) || who.owns(&row)) {
            return Err(TrainingError::Forbidden(
                "stipends are for managers and the participant".into(),
            ));
        }
        self.schedule_view(row.id).await
    }

    /// Managers move a payment: SCHEDULED → APPROVED → PAID | FAILED, FAILED → APPROVED.
    pub async fn update_payment(
        &self,
        caller: Option<&Caller>,
        id: PaymentId,
        version: Version,
        action: PaymentAction,
        note: Note,
    ) -> Result<StipendPayment> {
        let who = self.who(caller).await?;
        who.require_bureau("action-manage-stipends")?;
        let txn = self.db.begin().await?;
        let p = queries::find_payment(&txn, id.as_uuid())
            .await?
            .ok_or(TrainingError::NotFound("payment"))?;
        let app = queries::find_application(&txn, p.application_id)
            .await?
            .ok_or(TrainingError::NotFound("payment"))?;
        who.require_manager(app.edition_id, "action-manage-stipends")?;
        let from = PaymentState::parse(&p.state).map_err(TrainingError::corrupt)?;
        let to = payment_transition(from, action)?;
        Self::check_version(p.version, version)?;
        let now = self.now();
        if !writes::change_payment_if_version(&txn, p.id, p.version, to, note.as_str(), now).await?
        {
            return Err(TrainingError::StaleVersion {
                seen: version,
                current: p.version + 1,
            });
        }
        let action_name = action.as_str().to_ascii_lowercase();
        writes::insert_history(
            &txn,
            Audit {
                aggregate_type: "payment",
                id: p.id,
                action: &action_name,
                from: Some(from.as_str()),
                to: Some(to.as_str()),
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note: note.as_str(),
            },
        )
        .await?;
        let payload = json!({
            "id": p.id.to_string(),
            "applicationId": p.application_id.to_string(),
            "payer": p.payer,
            "period": p.period,
            "fromState": from.as_str(),
            "state": to.as_str(),
            "amountMinor": p.amount_minor,
            "currency": p.currency,
        });
        let change = Change::new("StipendPayment", p.id, "StipendPaymentChanged", payload)
            .touching("Application", p.application_id);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        // Answered from what was written, not read again.
        let before = payment_of(p)?;
        Ok(StipendPayment {
            state: to,
            note: note.as_str().to_owned(),
            version: before.version.next(),
            ..before
        })
    }
}
