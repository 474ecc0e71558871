//! Screening, scoring, the stage cut and decisions; a freed place goes to the waitlist.

use super::*;
use glocal_kit::error::{ErrorCode, Refusal};
use glocal_kit::i18n::Message;
use glocal_kit::outbox::{self, Change};

impl TrainingOffice {
    /// Staff screen an application: START (submitted → screening), PASS (→ the first review
    /// stage) or FAIL (→ rejected; a note is required).
    pub async fn screen(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        outcome: ScreeningOutcome,
        note: Note,
    ) -> Result<Application> {
        let who = self.who(caller).await?;
        let txn = self.db.begin().await?;
        let row = who.application(&txn, id).await?;
        who.require_manager(row.edition_id, "action-screen-applications")?;
        let state = state_of(&row.state)?;
        let (action, mut set) = match outcome {
            ScreeningOutcome::Start => (Action::StartScreening, ApplicationChange::default()),
            ScreeningOutcome::Pass => (
                Action::PassScreening,
                ApplicationChange {
                    current_stage: Some(1),
                    ..Default::default()
                },
            ),
            ScreeningOutcome::Fail => (Action::FailScreening, ApplicationChange::default()),
        };
        let to = transition(state, action)?;
        if outcome == ScreeningOutcome::Pass
            && !crate::domain::fellowship::may_pass_screening(relationship_of(&row)?)
        {
            return Err(TrainingError::said(
                ErrorCode::Conflict,
                "RELATIONSHIP_UNCONFIRMED",
                Message::new("rule-relationship-unconfirmed"),
            ));
        }
        if outcome == ScreeningOutcome::Fail && note.as_str().is_empty() {
            return Err(TrainingError::invalid(
                "note",
                "is required when screening fails",
            ));
        }
        Self::check_version(row.version, version)?;
        if !note.as_str().is_empty() {
            set.decision_note = Some(note.as_str().to_owned());
        }
        let now = self.now();
        self.change(&txn, &row, &who.actor, now, action, to, set, note.as_str())
            .await?;
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }

    /// A reviewer of `stage` scores an application at that stage (0..=100); scoring again
    /// replaces their earlier score.
    pub async fn review(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        stage: u32,
        score: Score,
        comment: crate::domain::Comment,
    ) -> Result<Application> {
        let who = self.who(caller).await?;
        let txn = self.db.begin().await?;
        let row = who.application(&txn, id).await?;
        let stage_no = i32::try_from(stage).unwrap_or(i32::MAX);
        if !who.stages_reviewed(row.edition_id).contains(&stage_no) {
            return Err(TrainingError::said(
                ErrorCode::Forbidden,
                "NOT_STAGE_REVIEWER",
                Message::new("rule-only-stage-reviewers").arg("stage", stage),
            ));
        }
        if !who
            .assignments
            .iter()
            .any(|a| a.covers(row.edition_id, stage_no, row.division.as_deref()))
        {
            return Err(TrainingError::said(
                ErrorCode::Forbidden,
                "NOT_DIVISION_REVIEWER",
                Message::new("rule-only-division-reviewers")
                    .arg("stage", stage)
                    .arg("division", row.division.as_deref().unwrap_or("-")),
            ));
        }
        let state = state_of(&row.state)?;
        if state != ApplicationState::UnderReview || row.current_stage != stage_no {
            return Err(TrainingError::said(
                ErrorCode::Conflict,
                "NOT_UNDER_REVIEW_AT_STAGE",
                Message::new("rule-not-under-review-at-stage")
                    .arg("state", state)
                    .arg("current", row.current_stage)
                    .arg("stage", stage),
            ));
        }
        let now = self.now();
        writes::record_review(
            &txn,
            NewReview {
                application_id: row.id,
                stage: stage_no,
                reviewer_subject: &who.actor.subject,
                reviewer_name: who.actor.name()?,
                score: score.get(),
                comment: comment.as_str(),
                at: now,
            },
        )
        .await?;
        writes::insert_history(
            &txn,
            Audit {
                aggregate_type: "application",
                id: row.id,
                action: "review",
                from: Some(state.as_str()),
                to: Some(state.as_str()),
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note: &format!("stage {stage}: score {}", score.get()),
            },
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "editionId": row.edition_id.to_string(),
            "stage": stage,
            "reviewerSubject": who.actor.subject,
        });
        let change = Change::new("Application", row.id, "ApplicationReviewed", payload)
            .touching("Edition", row.edition_id);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }

    /// Applies a stage's cut (managers): every application under review at the stage is
    /// ranked by mean score; those the cut passes move to the next stage, the others are
    /// rejected. Refused while an application at the stage has no score, and on the last
    /// stage (which ends with decisions).
    pub async fn apply_cut(
        &self,
        caller: Option<&Caller>,
        edition_id: EditionId,
        stage: u32,
    ) -> Result<CutResult> {
        let who = self.who(caller).await?;
        who.require_manager(edition_id.as_uuid(), "action-apply-review-cuts")?;
        let txn = self.db.begin().await?;
        let edition =
            who.visible_edition(queries::find_edition(&txn, edition_id.as_uuid()).await?)?;
        let divisions = divisions_of(&edition)?;
        let stages = queries::stages_of(&txn, &[edition_id.as_uuid()]).await?;
        let stage_no = i32::try_from(stage).unwrap_or(i32::MAX);
        let Some(current) = stages.iter().find(|s| s.number == stage_no) else {
            return Err(TrainingError::invalid(
                "stage",
                "the edition has no such stage",
            ));
        };
        if stage_no >= i32::try_from(stages.len()).unwrap_or(i32::MAX) {
            return Err(TrainingError::Conflict(
                "the last stage ends with decisions, not a cut".into(),
            ));
        }
        let rule = cut_of(current)?;
        let apps: Vec<ApplicationRow> = queries::applications_in(
            &txn,
            edition_id.as_uuid(),
            &[ApplicationState::UnderReview.as_str()],
        )
        .await?
        .into_iter()
        .filter(|a| a.current_stage == stage_no)
        .collect();
        let ids: Vec<Uuid> = apps.iter().map(|a| a.id).collect();
        let reviews = queries::reviews_of(&txn, &ids).await?;
        let mut tallies: Vec<Tally<ApplicationId>> = apps
            .iter()
            .map(|a| {
                let mine = reviews
                    .iter()
                    .filter(|r| r.application_id == a.id && r.stage == stage_no);
                Ok(Tally {
                    id: ApplicationId::from(a.id),
                    division: a
                        .division
                        .as_deref()
                        .map(LanguageCode::parse)
                        .transpose()
                        .map_err(TrainingError::corrupt)?,
                    total: mine.clone().map(|r| i64::from(r.score)).sum(),
                    count: i64::try_from(mine.count()).unwrap_or(0),
                })
            })
            .collect::<Result<_>>()?;
        // Divisions in the edition's order (a stable sort keeps submission order in each).
        tallies.sort_by_key(|t| {
            t.division
                .as_ref()
                .and_then(|d| divisions.iter().position(|x| x == d))
        });
        let outcomes = apply_cut(rule, &tallies).map_err(|unscored| {
            TrainingError::Refused(Refusal::said(
                ErrorCode::Conflict,
                "CUT_UNSCORED",
                Message::new("training-cut-unscored")
                    .arg("count", unscored.len())
                    .arg("stage", stage)
                    .arg(
                        "ids",
                        unscored
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
            ))
        })?;
        let now = self.now();
        for o in &outcomes {
            let Some(row) = apps.iter().find(|a| a.id == o.id.as_uuid()) else {
                continue;
            };
            let mean = format!("{}.{:02}", o.mean_centi / 100, o.mean_centi % 100);
            if o.advanced {
                let set = ApplicationChange {
                    current_stage: Some(stage_no + 1),
                    ..Default::default()
                };
                let note = Message::new("training-cut-advanced")
                    .arg("stage-name", &current.name)
                    .arg("rank", o.rank)
                    .arg("mean", &mean)
                    .arg("next", stage + 1)
                    .store();
                self.change(
                    &txn,
                    row,
                    &who.actor,
                    now,
                    Action::Advance,
                    ApplicationState::UnderReview,
                    set,
                    &note,
                )
                .await?;
            } else {
                let note = Message::new("training-cut-eliminated")
                    .arg("stage-name", &current.name)
                    .arg("rank", o.rank)
                    .arg("mean", &mean)
                    .store();
                let set = ApplicationChange {
                    decision_note: Some(note.clone()),
                    ..Default::default()
                };
                self.change(
                    &txn,
                    row,
                    &who.actor,
                    now,
                    Action::Eliminate,
                    ApplicationState::Rejected,
                    set,
                    &note,
                )
                .await?;
            }
        }
        let advanced = outcomes.iter().filter(|o| o.advanced).count();
        let note = Message::new("training-cut-applied")
            .arg("stage", stage)
            .arg("stage-name", &current.name)
            .arg("advanced", advanced)
            .arg("total", outcomes.len())
            .store();
        writes::insert_history(
            &txn,
            Audit {
                aggregate_type: "edition",
                id: edition_id.as_uuid(),
                action: "review_cut",
                from: None,
                to: None,
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note: &note,
            },
        )
        .await?;
        let payload = json!({
            "editionId": edition_id.to_string(),
            "stage": stage,
            "advanced": outcomes.iter().filter(|o| o.advanced).map(|o| o.id.to_string()).collect::<Vec<_>>(),
            "eliminated": outcomes.iter().filter(|o| !o.advanced).map(|o| o.id.to_string()).collect::<Vec<_>>(),
        });
        let change = Change::new("Edition", edition_id.as_uuid(), "ReviewCutApplied", payload);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        tracing::info!(edition_id = %edition_id, stage, advanced, total = outcomes.len(), "review cut applied");
        Ok(CutResult {
            outcomes,
            edition: self.edition_view(&who, edition_id.as_uuid(), false).await?,
        })
    }

    /// Managers decide on an application at the last review stage (or on the waitlist):
    /// ACCEPT takes one of the edition's places (CONFLICT when none is free, also under
    /// concurrent decisions), WAITLIST queues it, REJECT ends it.
    pub async fn decide(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        decision: Decision,
        note: Note,
    ) -> Result<Application> {
        let who = self.who(caller).await?;
        let txn = self.db.begin().await?;
        let row = who.application(&txn, id).await?;
        who.require_manager(row.edition_id, "action-decide-on-applications")?;
        let state = state_of(&row.state)?;
        let (action, mut set) = match decision {
            Decision::Accept => (Action::Accept, ApplicationChange::default()),
            Decision::Waitlist => (
                Action::Waitlist,
                ApplicationChange {
                    waitlisted_at: Some(Some(self.now())),
                    ..Default::default()
                },
            ),
            Decision::Reject => (Action::Reject, ApplicationChange::default()),
        };
        let to = transition(state, action)?;
        if state == ApplicationState::UnderReview && decision != Decision::Reject {
            let stages = queries::stages_of(&txn, &[row.edition_id]).await?.len();
            let last = i32::try_from(stages).unwrap_or(i32::MAX);
            if row.current_stage < last {
                return Err(TrainingError::said(
                    ErrorCode::Conflict,
                    "CUT_FIRST",
                    Message::new("rule-cut-first")
                        .arg("current", row.current_stage)
                        .arg("last", last),
                ));
            }
        }
        Self::check_version(row.version, version)?;
        if decision == Decision::Accept && !queries::take_place(&txn, row.edition_id).await? {
            let e = queries::find_edition(&txn, row.edition_id)
                .await?
                .ok_or(TrainingError::NotFound("edition"))?;
            return Err(TrainingError::said(
                ErrorCode::Conflict,
                "EDITION_FULL",
                Message::new("rule-edition-full")
                    .arg("taken", e.accepted_count)
                    .arg("capacity", e.capacity),
            ));
        }
        set.decision_note = Some(note.as_str().to_owned());
        let now = self.now();
        self.change(&txn, &row, &who.actor, now, action, to, set, note.as_str())
            .await?;
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }

    /// Gives a freed place to the first waitlisted application that can still take it.
    pub(super) async fn promote_next(
        &self,
        txn: &Tx,
        edition_id: Uuid,
        freed_by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<Uuid>> {
        let system = Actor {
            subject: SYSTEM_SUBJECT.into(),
            name: SYSTEM_NAME.into(),
        };
        for candidate in queries::waitlists_of(txn, &[edition_id]).await? {
            if !queries::take_place(txn, edition_id).await? {
                return Ok(None);
            }
            let to = transition(state_of(&candidate.state)?, Action::Promote)?;
            let note = Message::new("training-promoted")
                .arg("freed-by", freed_by)
                .store();
            if self
                .try_change(
                    txn,
                    &candidate,
                    &system,
                    now,
                    Action::Promote,
                    to,
                    ApplicationChange {
                        waitlisted_at: Some(None),
                        ..Default::default()
                    },
                    &note,
                )
                .await?
            {
                tracing::info!(application_id = %candidate.id, %edition_id, "promoted from the waitlist");
                return Ok(Some(candidate.id));
            }
            // Changed under us (withdrawn or decided): give the place back, try the next.
            queries::release_place(txn, edition_id).await?;
        }
        Ok(None)
    }
}
