//! Applications: eligibility, submission, drafts, lookups, withdrawal and the state
//! changes every decision writes.

use super::*;
use glocal_kit::outbox::{self, Change};

impl TrainingOffice {
    /// Every eligibility rule `profile` fails for an edition today (empty when eligible).
    /// For an applicant this includes an active application they already have.
    pub async fn check_eligibility(
        &self,
        caller: Option<&Caller>,
        edition_id: EditionId,
        profile: ApplicantProfile,
    ) -> Result<Vec<EligibilityFailure>> {
        let who = self.who(caller).await?;
        let e =
            who.visible_edition(queries::find_edition(&self.db, edition_id.as_uuid()).await?)?;
        let active = match &who.viewer {
            Viewer::Applicant { subject, org } => {
                let key = active_key(e.id, profile.kind, subject, org);
                queries::active_application(&self.db, &key)
                    .await?
                    .map(|a| a.id.to_string())
            }
            _ => None,
        };
        let eligibility = eligibility_of(&e)?;
        let languages = languages_of(&e)?;
        Ok(check_eligibility(
            facts_of(&e, &eligibility, &languages),
            &profile,
            self.today(),
            active.as_deref(),
        ))
    }

    /// Applies to an edition (local officials): checks every eligibility rule and, when all
    /// pass, stores the application SUBMITTED (or DRAFT when `as_draft`, checking only that
    /// no other application is active). A retry with the same idempotency key returns the
    /// first application.
    pub async fn submit_application(
        &self,
        caller: Option<&Caller>,
        new: NewApplication,
    ) -> Result<Application> {
        let who = self.who(caller).await?;
        who.require_authenticated()?;
        let Viewer::Applicant { subject, org } = who.viewer.clone() else {
            return Err(TrainingError::Forbidden(
                "applications are made by local officials".into(),
            ));
        };
        if let Some(existing) =
            queries::application_by_key(&self.db, &subject, new.idempotency_key.as_str()).await?
        {
            return self.replay(&who, existing, &new).await;
        }
        let e =
            who.visible_edition(queries::find_edition(&self.db, new.edition_id.as_uuid()).await?)?;
        new.check_division(&divisions_of(&e)?)?;
        let kind = programme_kind_of(&self.db, e.id).await?;
        fellowship::check_partner(kind, new.partner_organisation_id.as_deref())?;
        let key = active_key(e.id, new.profile.kind, &subject, &org);
        let active = queries::active_application(&self.db, &key)
            .await?
            .map(|a| a.id.to_string());
        let failures = if new.as_draft {
            active
                .iter()
                .map(|id| Self::one_active_failure(id))
                .collect()
        } else {
            let eligibility = eligibility_of(&e)?;
            let languages = languages_of(&e)?;
            check_eligibility(
                facts_of(&e, &eligibility, &languages),
                &new.profile,
                self.today(),
                active.as_deref(),
            )
        };
        if !failures.is_empty() {
            // A concurrent retry of this very submission may have landed meanwhile.
            if let Some(existing) =
                queries::application_by_key(&self.db, &subject, new.idempotency_key.as_str())
                    .await?
            {
                return self.replay(&who, existing, &new).await;
            }
            return Err(TrainingError::Ineligible(failures));
        }

        let txn = self.db.begin().await?;
        // The relationship rule: a fellowship application is held (UNCONFIRMED) when the
        // partner network shows no current or intended relationship; a draft is judged
        // when it is submitted.
        let relationship = (fellowship::requires_partner(kind) && !new.as_draft).then(|| {
            fellowship::standing_on_submit(
                new.partner_organisation_id.as_deref(),
                new.relationships.as_deref(),
            )
        });
        match self
            .insert_application(&txn, &who, &new, &subject, &org, &key, relationship)
            .await
        {
            Ok(id) => {
                txn.commit().await?;
                self.application_view(&who, id).await
            }
            Err(TrainingError::Db(err)) if is_unique_violation(&err) => {
                drop(txn);
                if let Some(existing) =
                    queries::application_by_key(&self.db, &subject, new.idempotency_key.as_str())
                        .await?
                {
                    return self.replay(&who, existing, &new).await;
                }
                let holder = queries::active_application(&self.db, &key)
                    .await?
                    .map_or_else(|| "another".to_owned(), |a| a.id.to_string());
                Err(TrainingError::Ineligible(vec![Self::one_active_failure(
                    &holder,
                )]))
            }
            Err(e) => Err(e),
        }
    }

    pub(super) fn one_active_failure(id: &str) -> EligibilityFailure {
        crate::domain::one_active_failure(id)
    }

    pub(super) async fn replay(
        &self,
        who: &Who,
        existing: ApplicationRow,
        new: &NewApplication,
    ) -> Result<Application> {
        if existing.edition_id != new.edition_id.as_uuid()
            || existing.full_name != new.profile.full_name.as_str()
            || existing.applicant_kind != new.profile.kind.as_str()
        {
            return Err(TrainingError::said(
                glocal_kit::error::ErrorCode::Conflict,
                "IDEMPOTENCY_KEY_REUSED",
                glocal_kit::i18n::Message::new("rule-idempotency-key-reused-application")
                    .arg("key", new.idempotency_key.as_str()),
            ));
        }
        self.application_views(who, vec![existing])
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("application"))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn insert_application(
        &self,
        txn: &Tx,
        who: &Who,
        new: &NewApplication,
        subject: &str,
        org: &str,
        key: &str,
        relationship: Option<RelationshipStanding>,
    ) -> Result<Uuid> {
        let now = self.now();
        let id = Uuid::new_v4();
        let state = if new.as_draft {
            ApplicationState::Draft
        } else {
            ApplicationState::Submitted
        };
        writes::insert_application(
            txn,
            id,
            new,
            state,
            Applicant {
                subject,
                name: who.actor.name()?,
                org,
            },
            key,
            now,
            relationship,
        )
        .await?;
        let action = if new.as_draft { "save_draft" } else { "submit" };
        let note = relationship_note(relationship);
        writes::insert_history(
            txn,
            Audit {
                aggregate_type: "application",
                id,
                action,
                from: None,
                to: Some(state.as_str()),
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note: &note,
            },
        )
        .await?;
        let payload = json!({
            "id": id.to_string(),
            "editionId": new.edition_id.to_string(),
            "action": action,
            "state": state.as_str(),
            "version": Version::FIRST.get(),
            "applicantSubject": subject,
            "orgCode": org,
            "programmeTitle": programme_title(txn, new.edition_id.as_uuid()).await?,
            "relationship": relationship.map(|r| r.as_str()),
        });
        let event = if new.as_draft {
            "ApplicationDrafted"
        } else {
            "ApplicationSubmitted"
        };
        let change = Change::new("Application", id, event, payload)
            .touching("Edition", new.edition_id.to_string())
            .touching("ApplicantOrganisation", org);
        outbox::append(txn, &change, now).await?;
        tracing::info!(application_id = %id, edition_id = %new.edition_id, state = %state, "application created");
        Ok(id)
    }

    /// Writes one state change of an application: the update (only if `row.version` is
    /// still current), its audit row and its outbox event. False when someone changed the
    /// row first (nothing is written then).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn try_change(
        &self,
        txn: &Tx,
        row: &ApplicationRow,
        actor: &Actor,
        now: DateTime<Utc>,
        action: Action,
        to: ApplicationState,
        change: ApplicationChange,
        note: &str,
    ) -> Result<bool> {
        let from = state_of(&row.state)?;
        let current_stage = change.current_stage.unwrap_or(row.current_stage);
        if !writes::change_application_if_version(txn, row.id, row.version, to, now, &change)
            .await?
        {
            return Ok(false);
        }
        writes::insert_history(
            txn,
            Audit {
                aggregate_type: "application",
                id: row.id,
                action: action.as_str(),
                from: Some(from.as_str()),
                to: Some(to.as_str()),
                actor_subject: &actor.subject,
                actor_name: actor.name()?,
                at: now,
                note,
            },
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "editionId": row.edition_id.to_string(),
            "action": action.as_str(),
            "fromState": from.as_str(),
            "state": to.as_str(),
            "currentStage": current_stage,
            "version": row.version + 1,
            "applicantSubject": row.applicant_subject,
            "orgCode": row.org_code,
            "programmeTitle": programme_title(txn, row.edition_id).await?,
        });
        let change = Change::new("Application", row.id, "ApplicationStateChanged", payload)
            .touching("Edition", row.edition_id)
            .touching("ApplicantOrganisation", &row.org_code);
        outbox::append(txn, &change, now).await?;
        tracing::info!(application_id = %row.id, action = action.as_str(), from = %from, to = %to, "application changed");
        Ok(true)
    }

    /// [`Self::try_change`], with a lost race reported as a stale version.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn change(
        &self,
        txn: &Tx,
        row: &ApplicationRow,
        actor: &Actor,
        now: DateTime<Utc>,
        action: Action,
        to: ApplicationState,
        set: ApplicationChange,
        note: &str,
    ) -> Result<()> {
        if self
            .try_change(txn, row, actor, now, action, to, set, note)
            .await?
        {
            return Ok(());
        }
        let current = queries::find_application(txn, row.id)
            .await?
            .map_or(row.version, |r| r.version);
        Err(TrainingError::StaleVersion {
            seen: version_of(row.version)?,
            current,
        })
    }

    /// Submits a draft: the eligibility rules are checked now, and a fellowship draft's
    /// relationship rule against `relationships` (the statuses the gateway found for its
    /// partner organisation; `None` = not looked up).
    pub async fn submit_draft(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        relationships: Option<Vec<PartnerRelationshipStatus>>,
    ) -> Result<Application> {
        let who = self.who(caller).await?;
        let txn = self.db.begin().await?;
        let row = who.application(&txn, id).await?;
        if !who.owns(&row) {
            return Err(TrainingError::Forbidden(
                "only the applicant may submit".into(),
            ));
        }
        let to = transition(state_of(&row.state)?, Action::Submit)?;
        Self::check_version(row.version, version)?;
        let e = queries::find_edition(&txn, row.edition_id)
            .await?
            .ok_or(TrainingError::NotFound("edition"))?;
        let eligibility = eligibility_of(&e)?;
        let languages = languages_of(&e)?;
        let failures = check_eligibility(
            facts_of(&e, &eligibility, &languages),
            &profile_of(&row)?,
            self.today(),
            None,
        );
        if !failures.is_empty() {
            return Err(TrainingError::Ineligible(failures));
        }
        let now = self.now();
        let kind = programme_kind_of(&txn, row.edition_id).await?;
        let relationship = fellowship::requires_partner(kind).then(|| {
            fellowship::standing_on_submit(
                row.partner_organisation_id.as_deref(),
                relationships.as_deref(),
            )
        });
        let set = ApplicationChange {
            submitted_at: Some(now),
            relationship,
            ..Default::default()
        };
        let note = relationship_note(relationship);
        self.change(&txn, &row, &who.actor, now, Action::Submit, to, set, &note)
            .await?;
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }

    /// One application the caller may see; NOT_FOUND otherwise.
    pub async fn get_application(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
    ) -> Result<Application> {
        let who = self.who(caller).await?;
        let row = who.application(&self.db, id).await?;
        self.application_views(&who, vec![row])
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("application"))
    }

    /// A page of the applications the caller may see, newest first.
    pub async fn list_applications(
        &self,
        caller: Option<&Caller>,
        filter: ApplicationFilter,
        page: PageRequest,
    ) -> Result<Page<Application>> {
        let who = self.who(caller).await?;
        let scope = who.scope()?;
        let first = self.page_size(&page);
        let after_seq = after_seq(&page)?;
        let query = AppListQuery {
            scope,
            edition_id: filter.edition_id.map(|e| e.as_uuid()),
            states: filter
                .states
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            stage: filter.stage.map(|s| i32::try_from(s).unwrap_or(i32::MAX)),
            applicant: filter
                .mine
                .then(|| caller.map(|c| c.subject.clone()).unwrap_or_default()),
            after_seq,
            limit: u64::from(first) + 1,
        };
        let (mut rows, total_count) = queries::list_applications(&self.db, &query).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors: Vec<String> = rows.iter().map(|r| seq_cursor(r.seq)).collect();
        let items = self.application_views(&who, rows).await?;
        Ok(Page {
            items,
            cursors,
            has_next_page,
            total_count,
        })
    }

    /// The applicant withdraws. When an accepted participant withdraws, their place goes
    /// to the first application on the waitlist, in the same transaction (recorded in its
    /// history as `promote`).
    pub async fn withdraw(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        reason: Note,
    ) -> Result<Application> {
        let who = self.who(caller).await?;
        let txn = self.db.begin().await?;
        let row = who.application(&txn, id).await?;
        if !who.owns(&row) {
            return Err(TrainingError::Forbidden(
                "only the applicant may withdraw".into(),
            ));
        }
        let state = state_of(&row.state)?;
        let to = transition(state, Action::Withdraw)?;
        Self::check_version(row.version, version)?;
        let now = self.now();
        let was_accepted = state == ApplicationState::Accepted;
        if was_accepted {
            // The edition's row first, as every capacity change does (no lock cycles).
            queries::release_place(&txn, row.edition_id).await?;
        }
        self.change(
            &txn,
            &row,
            &who.actor,
            now,
            Action::Withdraw,
            to,
            ApplicationChange::default(),
            reason.as_str(),
        )
        .await?;
        if was_accepted {
            self.promote_next(&txn, row.edition_id, row.id, now).await?;
        }
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }
}

/// The title of the programme of edition `edition_id` in the four languages, as application
/// and certificate change events carry it (`programmeTitle`, docs/events.md); null when the
/// edition is gone.
pub(super) async fn programme_title(
    txn: &impl Handle,
    edition_id: Uuid,
) -> Result<serde_json::Value> {
    Ok(queries::programme_of_edition(txn, edition_id)
        .await?
        .map_or(
            serde_json::Value::Null,
            |p| json!({ "ko": p.title_ko, "en": p.title_en, "zh": p.title_zh, "ja": p.title_ja }),
        ))
}

/// The history note of a submission that judged the relationship rule: which standing it
/// gave (stored as a catalogue message, said in the reader's language).
fn relationship_note(relationship: Option<RelationshipStanding>) -> String {
    relationship
        .map(|r| {
            glocal_kit::i18n::Message::new("training-relationship-standing")
                .arg("standing", r.as_str())
                .store()
        })
        .unwrap_or_default()
}

/// The kind of the programme an edition belongs to.
pub(super) async fn programme_kind_of(db: &impl Handle, edition: Uuid) -> Result<ProgrammeKind> {
    let p = queries::programme_of_edition(db, edition)
        .await?
        .ok_or(TrainingError::NotFound("edition"))?;
    ProgrammeKind::parse(&p.kind).map_err(TrainingError::corrupt)
}
