//! The invitation fellowship (K2H): staff confirmation of a held application's
//! relationship, and the cost shares priced per participant for staff, the host local
//! governments' officials and the participants themselves (ADR 0051).

use super::*;
use crate::domain::{CostSheet, ParticipantCosts};
use glocal_kit::error::ErrorCode;
use glocal_kit::i18n::Message;
use glocal_kit::outbox::{self, Change};

impl TrainingOffice {
    /// Managers of the edition confirm the relationship of a fellowship application the
    /// partner network did not show a current or intended relationship for, quoting its
    /// version, with a note that the history keeps: `UNCONFIRMED` → `CURRENT` or
    /// `INTENDED` when `relationships` (its partner organisation's, as the staff member
    /// sees them) show one, else `CONFIRMED_BY_STAFF`. The state does not change;
    /// screening may pass the application afterwards.
    pub async fn confirm_relationship(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        note: Note,
        relationships: Option<Vec<PartnerRelationshipStatus>>,
    ) -> Result<Application> {
        let who = self.who(caller).await?;
        let txn = self.db.begin().await?;
        let row = who.application(&txn, id).await?;
        who.require_manager(row.edition_id, "action-confirm-relationships")?;
        if note.as_str().is_empty() {
            return Err(TrainingError::invalid_said(
                "note",
                Message::new("input-relationship-note-required"),
            ));
        }
        let standing =
            fellowship::confirm_relationship(relationship_of(&row)?, relationships.as_deref())
                .map_err(|_| {
                    TrainingError::said(
                        ErrorCode::Conflict,
                        "RELATIONSHIP_NOT_HELD",
                        Message::new("rule-relationship-not-held"),
                    )
                })?;
        Self::check_version(row.version, version)?;
        let state = state_of(&row.state)?;
        let now = self.now();
        let set = ApplicationChange {
            relationship: Some(standing),
            ..Default::default()
        };
        if !writes::change_application_if_version(&txn, row.id, row.version, state, now, &set)
            .await?
        {
            return Err(TrainingError::StaleVersion {
                seen: version,
                current: row.version + 1,
            });
        }
        writes::insert_history(
            &txn,
            Audit {
                aggregate_type: "application",
                id: row.id,
                action: "confirm_relationship",
                from: Some(state.as_str()),
                to: Some(state.as_str()),
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note: note.as_str(),
            },
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "editionId": row.edition_id.to_string(),
            "partnerOrganisationId": row.partner_organisation_id,
            "relationship": standing.as_str(),
            "version": row.version + 1,
            "applicantSubject": row.applicant_subject,
            "orgCode": row.org_code,
        });
        let change = Change::new("Application", row.id, "RelationshipConfirmed", payload)
            .touching("Edition", row.edition_id)
            .touching("ApplicantOrganisation", &row.org_code);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        tracing::info!(application_id = %row.id, "fellowship relationship confirmed by staff");
        self.application_view(&who, row.id).await
    }

    /// The edition's cost shares priced for each accepted participant the caller may see,
    /// with totals per payer: managers see every participant, an official of a host local
    /// government the participants placed with it, a participant themself. Anonymous callers
    /// are UNAUTHENTICATED, partners FORBIDDEN; anyone else gets an empty list.
    pub async fn participant_costs(
        &self,
        caller: Option<&Caller>,
        edition_id: EditionId,
    ) -> Result<CostSheet> {
        let who = self.who(caller).await?;
        who.require_authenticated()?;
        if matches!(who.viewer, Viewer::Public { .. }) {
            return Err(TrainingError::said(
                ErrorCode::Forbidden,
                "PARTICIPANT_COSTS_AUDIENCE",
                Message::new("rule-participant-costs-audience"),
            ));
        }
        let e =
            who.visible_edition(queries::find_edition(&self.db, edition_id.as_uuid()).await?)?;
        let manages = who.manages(e.id);
        let hosted_by = match &who.viewer {
            Viewer::Applicant { org, .. } => Some(org.as_str()),
            _ => None,
        };
        let policy = policy_from_text(&e.cost_policy)?;
        let rows = queries::applications_in(&self.db, e.id, &[ApplicationState::Accepted.as_str()])
            .await?;
        let mut participants = Vec::new();
        for r in rows {
            let hosted = hosted_by.is_some_and(|org| r.host_code.as_deref() == Some(org));
            if !(manages || hosted || who.owns(&r)) {
                continue;
            }
            let joined_on = r.joined_on.unwrap_or(e.starts_on);
            let left_on = r.left_on.unwrap_or(e.ends_on);
            let costs = fellowship::participant_costs(
                &policy.shares,
                e.starts_on,
                e.ends_on,
                joined_on,
                left_on,
            );
            let totals = fellowship::payer_totals(&costs, r.host_code.as_deref());
            participants.push(ParticipantCosts {
                application_id: ApplicationId::from(r.id),
                full_name: r.full_name,
                host_code: r.host_code,
                joined_on,
                left_on,
                costs,
                totals,
            });
        }
        let totals =
            fellowship::sum_totals(participants.iter().flat_map(|p| p.totals.iter().cloned()));
        Ok(CostSheet {
            edition_id: EditionId::from(e.id),
            participants,
            totals,
        })
    }
}
