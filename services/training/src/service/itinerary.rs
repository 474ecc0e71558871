//! Overseas training's itinerary and trip reports (ADR 0052). Who sees and does what:
//! bureau staff and the edition's accepted participants read the itinerary and its reports
//! (nobody else: it says where and when named officials will be); the edition's managers
//! add, change and remove visits; managers and accepted participants write reports, which
//! their author or a manager edits and submits; managers publish a submitted report as a
//! practice in two steps the gateway drives (prepare, then record the practice drafted in
//! research), each safe to retry.

use super::*;
use crate::domain::{
    IdempotencyKey, Itinerary, NewVisit, PracticePreparation, ReportedVisit, TripReport,
    TripReportAction, TripReportId, TripReportState, TripReportText, Visit, VisitId, VisitMisfit,
    VisitedEdition, check_visit, practice_from_report, require_overseas_training,
    trip_report_transition,
};
use crate::store::itinerary::{self as store, ReportChange, ReportRow, VisitRow};
use glocal_kit::error::ErrorCode;
use glocal_kit::i18n::Message;
use glocal_kit::outbox::{self, Change};

/// How the caller stands to an edition's itinerary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    /// Manages the edition: changes the itinerary, publishes reports.
    Manager,
    /// Other bureau staff (its reviewers): read only.
    Staff,
    /// An accepted participant: reads, writes reports.
    Participant,
    /// Sees nothing of it.
    Outsider,
}

impl Audience {
    fn sees(self) -> bool {
        self != Audience::Outsider
    }

    fn writes_reports(self) -> bool {
        matches!(self, Audience::Manager | Audience::Participant)
    }
}

fn idempotency_reused(key: &IdempotencyKey) -> TrainingError {
    TrainingError::said(
        ErrorCode::Conflict,
        "IDEMPOTENCY_KEY_REUSED",
        Message::new("rule-idempotency-key-other-input").arg("key", key.as_str()),
    )
}

fn stale(seen: Version, current: i64) -> TrainingError {
    TrainingError::StaleVersion { seen, current }
}

impl TrainingOffice {
    /// How `who` stands to the itinerary of `edition`.
    async fn audience(&self, db: &impl Handle, who: &Who, edition: Uuid) -> Result<Audience> {
        Ok(match &who.viewer {
            Viewer::Admin => Audience::Manager,
            Viewer::Staff { .. } if who.manages(edition) => Audience::Manager,
            Viewer::Staff { .. } => Audience::Staff,
            Viewer::Applicant { subject, org } => {
                if store::participated_in(db, &[edition], subject, org)
                    .await?
                    .is_empty()
                {
                    Audience::Outsider
                } else {
                    Audience::Participant
                }
            }
            Viewer::Public { .. } => Audience::Outsider,
        })
    }

    /// The edition of an itinerary, which must be of an OVERSEAS_TRAINING programme.
    async fn overseas_edition(&self, db: &impl Handle, id: Uuid) -> Result<EditionRow> {
        let e = queries::find_edition(db, id)
            .await?
            .ok_or(TrainingError::NotFound("edition"))?;
        let p = queries::find_programme(db, e.programme_id)
            .await?
            .ok_or(TrainingError::NotFound("programme"))?;
        let kind = ProgrammeKind::parse(&p.kind).map_err(TrainingError::corrupt)?;
        require_overseas_training(kind)?;
        Ok(e)
    }

    fn fits(e: &EditionRow, visit: &NewVisit) -> Result<()> {
        let edition = VisitedEdition {
            kind: ProgrammeKind::OverseasTraining,
            starts_on: e.starts_on,
            ends_on: e.ends_on,
        };
        check_visit(edition, visit).map_err(|m| match m {
            VisitMisfit::Refused(r) => TrainingError::Refused(r),
            VisitMisfit::Invalid(e) => TrainingError::Invalid(e),
        })
    }

    /// Writes the history row and the outbox event of a change to a visit or report.
    #[allow(clippy::too_many_arguments)]
    async fn itinerary_audit(
        txn: &Tx,
        who: &Who,
        aggregate: (&'static str, &'static str, Uuid),
        action: &str,
        states: (Option<&str>, Option<&str>),
        note: &str,
        event: &str,
        payload: serde_json::Value,
        edition: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (history_type, outbox_type, id) = aggregate;
        writes::insert_history(
            txn,
            Audit {
                aggregate_type: history_type,
                id,
                action,
                from: states.0,
                to: states.1,
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note,
            },
        )
        .await?;
        let change = Change::new(outbox_type, id, event, payload).touching("Edition", edition);
        outbox::append(txn, &change, now).await?;
        Ok(())
    }

    // ---- visits -------------------------------------------------------------------------

    /// The edition's managers add a visit to the itinerary of an overseas training edition
    /// (CONFLICT `NOT_OVERSEAS_TRAINING` otherwise; a day outside the edition's dates is
    /// BAD_USER_INPUT on `day`). A retry with the same key returns the first visit.
    pub async fn add_visit(
        &self,
        caller: Option<&Caller>,
        edition_id: EditionId,
        key: IdempotencyKey,
        visit: NewVisit,
    ) -> Result<Visit> {
        let who = self.who(caller).await?;
        who.require_bureau("action-manage-itineraries")?;
        if let Some(row) = store::visit_by_key(&self.db, &who.actor.subject, key.as_str()).await? {
            return Self::replayed_visit(&row, edition_id, &key);
        }
        let e = self
            .overseas_edition(&self.db, edition_id.as_uuid())
            .await?;
        who.require_manager(e.id, "action-manage-itineraries")?;
        Self::fits(&e, &visit)?;
        let now = self.now();
        let id = Uuid::new_v4();
        let txn = self.db.begin().await?;
        let inserted = store::insert_visit(
            &txn,
            id,
            e.id,
            &visit,
            &who.actor.subject,
            key.as_str(),
            now,
        )
        .await;
        match inserted {
            Ok(()) => {}
            Err(err) if is_unique_violation(&err) => {
                drop(txn);
                let row = store::visit_by_key(&self.db, &who.actor.subject, key.as_str())
                    .await?
                    .ok_or(TrainingError::Db(err))?;
                return Self::replayed_visit(&row, edition_id, &key);
            }
            Err(err) => return Err(err.into()),
        }
        let note = format!("{} {}, {}", visit.day, visit.city, visit.country);
        Self::itinerary_audit(
            &txn,
            &who,
            ("visit", "ItineraryVisit", id),
            "add",
            (None, None),
            &note,
            "VisitAdded",
            visit_payload(id, e.id, &visit),
            e.id,
            now,
        )
        .await?;
        txn.commit().await?;
        let row = store::find_visit(&self.db, id)
            .await?
            .ok_or(TrainingError::NotFound("visit"))?;
        store::visit_of(&row)
    }

    fn replayed_visit(row: &VisitRow, edition: EditionId, key: &IdempotencyKey) -> Result<Visit> {
        if row.edition_id != edition.as_uuid() {
            return Err(idempotency_reused(key));
        }
        store::visit_of(row)
    }

    /// The visit `id` and its edition, for a manager of that edition.
    async fn managed_visit(&self, who: &Who, id: VisitId, what: &str) -> Result<VisitRow> {
        who.require_bureau(what)?;
        let row = store::find_visit(&self.db, id.as_uuid())
            .await?
            .ok_or(TrainingError::NotFound("visit"))?;
        who.require_manager(row.edition_id, what)?;
        Ok(row)
    }

    /// The edition's managers change a visit, quoting its version.
    pub async fn change_visit(
        &self,
        caller: Option<&Caller>,
        id: VisitId,
        seen: Version,
        visit: NewVisit,
    ) -> Result<Visit> {
        let who = self.who(caller).await?;
        let row = self
            .managed_visit(&who, id, "action-manage-itineraries")
            .await?;
        Self::check_version(row.version, seen)?;
        let e = self.overseas_edition(&self.db, row.edition_id).await?;
        Self::fits(&e, &visit)?;
        let now = self.now();
        let txn = self.db.begin().await?;
        if !store::update_visit_if_version(&txn, row.id, seen.get(), &visit, now).await? {
            let current = store::find_visit(&txn, row.id)
                .await?
                .map_or(0, |r| r.version);
            return Err(stale(seen, current));
        }
        let note = format!("{} {}, {}", visit.day, visit.city, visit.country);
        Self::itinerary_audit(
            &txn,
            &who,
            ("visit", "ItineraryVisit", row.id),
            "change",
            (None, None),
            &note,
            "VisitChanged",
            visit_payload(row.id, e.id, &visit),
            e.id,
            now,
        )
        .await?;
        txn.commit().await?;
        let row = store::find_visit(&self.db, row.id)
            .await?
            .ok_or(TrainingError::NotFound("visit"))?;
        store::visit_of(&row)
    }

    /// The edition's managers remove a visit, quoting its version; a visit some report is
    /// about stays (CONFLICT `VISIT_HAS_REPORTS`).
    pub async fn remove_visit(
        &self,
        caller: Option<&Caller>,
        id: VisitId,
        seen: Version,
    ) -> Result<()> {
        let who = self.who(caller).await?;
        let row = self
            .managed_visit(&who, id, "action-manage-itineraries")
            .await?;
        Self::check_version(row.version, seen)?;
        let now = self.now();
        let txn = self.db.begin().await?;
        if store::reports_about(&txn, row.id).await? > 0 {
            return Err(TrainingError::said(
                ErrorCode::Conflict,
                "VISIT_HAS_REPORTS",
                Message::new("rule-visit-has-reports"),
            ));
        }
        if !store::delete_visit_if_version(&txn, row.id, seen.get()).await? {
            let current = store::find_visit(&txn, row.id)
                .await?
                .map_or(0, |r| r.version);
            return Err(stale(seen, current));
        }
        let note = format!("{} {}, {}", row.day, row.city, row.country);
        Self::itinerary_audit(
            &txn,
            &who,
            ("visit", "ItineraryVisit", row.id),
            "remove",
            (None, None),
            &note,
            "VisitRemoved",
            json!({ "id": row.id.to_string(), "editionId": row.edition_id.to_string() }),
            row.edition_id,
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The itineraries of `ids` (at most [`MAX_BATCH_IDS`]), one per distinct id that
    /// parses, in the order asked: visible to bureau staff and to the edition's accepted
    /// participants; anyone else gets `visible: false` and nothing else. Three queries
    /// whatever the number of editions.
    pub async fn itineraries(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<Itinerary>> {
        let who = self.who(caller).await?;
        let ids = batch_ids(ids, |s| {
            EditionId::parse(s, "editionIds").ok().map(|e| e.as_uuid())
        })?;
        let visible: Vec<Uuid> = match &who.viewer {
            Viewer::Admin | Viewer::Staff { .. } => ids.clone(),
            Viewer::Applicant { subject, org } => {
                store::participated_in(&self.db, &ids, subject, org).await?
            }
            Viewer::Public { .. } => Vec::new(),
        };
        let mut visits = store::visits_of(&self.db, &visible).await?;
        let mut reports = store::reports_of(&self.db, &visible).await?;
        Ok(ids
            .iter()
            .map(|id| {
                let (mine, rest): (Vec<Visit>, Vec<Visit>) = visits
                    .drain(..)
                    .partition(|v| v.edition_id.as_uuid() == *id);
                visits = rest;
                let (its, others): (Vec<TripReport>, Vec<TripReport>) = reports
                    .drain(..)
                    .partition(|r| r.edition_id.as_uuid() == *id);
                reports = others;
                Itinerary {
                    edition_id: EditionId::from(*id),
                    visible: visible.contains(id),
                    visits: mine,
                    reports: its,
                }
            })
            .collect())
    }

    // ---- trip reports ---------------------------------------------------------------------

    /// The edition's managers and accepted participants write a DRAFT report about a visit
    /// (someone who may not see the itinerary gets NOT_FOUND; its other staff FORBIDDEN). A
    /// retry with the same key returns the first report.
    pub async fn write_trip_report(
        &self,
        caller: Option<&Caller>,
        visit_id: VisitId,
        key: IdempotencyKey,
        text: TripReportText,
    ) -> Result<TripReport> {
        let who = self.who(caller).await?;
        who.require_authenticated()?;
        if let Some(row) = store::report_by_key(&self.db, &who.actor.subject, key.as_str()).await? {
            return Self::replayed_report(&row, visit_id, &key);
        }
        let visit = store::find_visit(&self.db, visit_id.as_uuid())
            .await?
            .ok_or(TrainingError::NotFound("visit"))?;
        let audience = self.audience(&self.db, &who, visit.edition_id).await?;
        if !audience.sees() {
            return Err(TrainingError::NotFound("visit"));
        }
        if !audience.writes_reports() {
            who.require_manager(visit.edition_id, "action-write-trip-reports")?;
        }
        let now = self.now();
        let id = Uuid::new_v4();
        let txn = self.db.begin().await?;
        let author = (who.actor.subject.as_str(), who.actor.name()?);
        let inserted = store::insert_report(
            &txn,
            id,
            visit.edition_id,
            visit.id,
            &text,
            author,
            key.as_str(),
            now,
        )
        .await;
        match inserted {
            Ok(()) => {}
            Err(err) if is_unique_violation(&err) => {
                drop(txn);
                let row = store::report_by_key(&self.db, &who.actor.subject, key.as_str())
                    .await?
                    .ok_or(TrainingError::Db(err))?;
                return Self::replayed_report(&row, visit_id, &key);
            }
            Err(err) => return Err(err.into()),
        }
        let draft = TripReportState::Draft.as_str();
        Self::itinerary_audit(
            &txn,
            &who,
            ("trip_report", "TripReport", id),
            "write",
            (None, Some(draft)),
            text.title.best(),
            "TripReportWritten",
            json!({
                "id": id.to_string(),
                "editionId": visit.edition_id.to_string(),
                "visitId": visit.id.to_string(),
                "state": draft,
            }),
            visit.edition_id,
            now,
        )
        .await?;
        txn.commit().await?;
        self.report_row(id).await.and_then(|r| store::report_of(&r))
    }

    fn replayed_report(
        row: &ReportRow,
        visit: VisitId,
        key: &IdempotencyKey,
    ) -> Result<TripReport> {
        if row.visit_id != visit.as_uuid() {
            return Err(idempotency_reused(key));
        }
        store::report_of(row)
    }

    async fn report_row(&self, id: Uuid) -> Result<ReportRow> {
        store::find_report(&self.db, id)
            .await?
            .ok_or(TrainingError::NotFound("trip report"))
    }

    /// The report `id` if `who` may see it, with how they stand to its edition.
    async fn visible_report(&self, who: &Who, id: TripReportId) -> Result<(ReportRow, Audience)> {
        who.require_authenticated()?;
        let row = self.report_row(id.as_uuid()).await?;
        let audience = self.audience(&self.db, who, row.edition_id).await?;
        if !audience.sees() {
            return Err(TrainingError::NotFound("trip report"));
        }
        Ok((row, audience))
    }

    /// One report, for bureau staff and the edition's accepted participants.
    pub async fn trip_report(
        &self,
        caller: Option<&Caller>,
        id: TripReportId,
    ) -> Result<TripReport> {
        let who = self.who(caller).await?;
        let (row, _) = self.visible_report(&who, id).await?;
        store::report_of(&row)
    }

    /// Its author or the edition's managers may change a report (FORBIDDEN
    /// `TRIP_REPORT_AUTHOR_ONLY` for other readers).
    fn require_author_or_manager(who: &Who, row: &ReportRow, audience: Audience) -> Result<()> {
        if audience == Audience::Manager
            || (audience.writes_reports() && row.author_subject == who.actor.subject)
        {
            return Ok(());
        }
        Err(TrainingError::said(
            ErrorCode::Forbidden,
            "TRIP_REPORT_AUTHOR_ONLY",
            Message::new("rule-trip-report-author-only"),
        ))
    }

    /// Moves a report by `action` with `change`, quoting `seen`, writing its history row and
    /// outbox event in the same transaction.
    async fn move_report(
        &self,
        who: &Who,
        row: &ReportRow,
        seen: Version,
        action: TripReportAction,
        change: ReportChange<'_>,
    ) -> Result<TripReport> {
        let from = TripReportState::parse(&row.state).map_err(TrainingError::corrupt)?;
        let to = trip_report_transition(from, action)?;
        Self::check_version(row.version, seen)?;
        let now = self.now();
        let txn = self.db.begin().await?;
        let change = ReportChange {
            state: Some(to),
            ..change
        };
        let practice = change.practice_id.map(str::to_owned);
        if !store::change_report_if_version(&txn, row.id, seen.get(), change, now).await? {
            let current = store::find_report(&txn, row.id)
                .await?
                .map_or(0, |r| r.version);
            return Err(stale(seen, current));
        }
        let event = match action {
            TripReportAction::Edit => "TripReportEdited",
            TripReportAction::Submit => "TripReportSubmitted",
            TripReportAction::Publish => "TripReportPublishedAsPractice",
        };
        let mut payload = json!({
            "id": row.id.to_string(),
            "editionId": row.edition_id.to_string(),
            "visitId": row.visit_id.to_string(),
            "fromState": from.as_str(),
            "state": to.as_str(),
        });
        if let Some(p) = &practice {
            payload["practiceId"] = json!(p);
        }
        Self::itinerary_audit(
            &txn,
            who,
            ("trip_report", "TripReport", row.id),
            action.as_str(),
            (Some(from.as_str()), Some(to.as_str())),
            practice.as_deref().unwrap_or_default(),
            event,
            payload,
            row.edition_id,
            now,
        )
        .await?;
        txn.commit().await?;
        self.report_row(row.id)
            .await
            .and_then(|r| store::report_of(&r))
    }

    /// Its author or the edition's managers change a DRAFT report, quoting its version.
    pub async fn update_trip_report(
        &self,
        caller: Option<&Caller>,
        id: TripReportId,
        seen: Version,
        text: TripReportText,
    ) -> Result<TripReport> {
        let who = self.who(caller).await?;
        let (row, audience) = self.visible_report(&who, id).await?;
        Self::require_author_or_manager(&who, &row, audience)?;
        let change = ReportChange {
            text: Some(&text),
            ..ReportChange::default()
        };
        self.move_report(&who, &row, seen, TripReportAction::Edit, change)
            .await
    }

    /// Its author or the edition's managers submit a DRAFT report, quoting its version.
    pub async fn submit_trip_report(
        &self,
        caller: Option<&Caller>,
        id: TripReportId,
        seen: Version,
    ) -> Result<TripReport> {
        let who = self.who(caller).await?;
        let (row, audience) = self.visible_report(&who, id).await?;
        Self::require_author_or_manager(&who, &row, audience)?;
        self.move_report(
            &who,
            &row,
            seen,
            TripReportAction::Submit,
            ReportChange::default(),
        )
        .await
    }

    /// A report the edition's managers may publish (FORBIDDEN otherwise).
    async fn publishable(&self, who: &Who, id: TripReportId) -> Result<ReportRow> {
        who.require_bureau("action-publish-trip-reports")?;
        let (row, _) = self.visible_report(who, id).await?;
        who.require_manager(row.edition_id, "action-publish-trip-reports")?;
        Ok(row)
    }

    /// Step one of publishing a report as a practice (the edition's managers): what to draft
    /// in research, from a SUBMITTED report at `seen` and its visit. Writes nothing. A report
    /// PUBLISHED_AS_PRACTICE already answers its practice id, so a retry of the whole
    /// publication is harmless.
    pub async fn prepare_trip_report_practice(
        &self,
        caller: Option<&Caller>,
        id: TripReportId,
        seen: Version,
    ) -> Result<PracticePreparation> {
        let who = self.who(caller).await?;
        let row = self.publishable(&who, id).await?;
        let report = store::report_of(&row)?;
        if report.state == TripReportState::PublishedAsPractice {
            return Ok(PracticePreparation {
                practice_id: report.practice_id.clone(),
                content: None,
                report,
            });
        }
        trip_report_transition(report.state, TripReportAction::Publish)?;
        Self::check_version(row.version, seen)?;
        let visit = store::find_visit(&self.db, row.visit_id)
            .await?
            .ok_or(TrainingError::NotFound("visit"))?;
        let visit = store::visit_of(&visit)?;
        let reported = ReportedVisit {
            day: visit.visit.day,
            city: visit.visit.city.clone(),
            country: visit.visit.country.as_str().to_owned(),
            organisation_ids: visit.visit.organisation_ids.clone(),
        };
        Ok(PracticePreparation {
            practice_id: None,
            content: Some(practice_from_report(report.id, &report.text, &reported)),
            report,
        })
    }

    /// Step two (the edition's managers): records the practice drafted in research on a
    /// SUBMITTED report at `seen` (→ PUBLISHED_AS_PRACTICE). Recording the practice it holds
    /// already answers the report unchanged; another practice is CONFLICT
    /// `TRIP_REPORT_PUBLISHED`.
    pub async fn record_trip_report_practice(
        &self,
        caller: Option<&Caller>,
        id: TripReportId,
        seen: Version,
        practice_id: &str,
    ) -> Result<TripReport> {
        let who = self.who(caller).await?;
        let practice_id = Uuid::parse_str(practice_id.trim())
            .map_err(|_| {
                TrainingError::invalid_said(
                    "practiceId",
                    Message::new("input-unknown-value").arg("value", practice_id.trim()),
                )
            })?
            .to_string();
        let row = self.publishable(&who, id).await?;
        if let Some(held) = &row.practice_id {
            if *held == practice_id {
                return store::report_of(&row);
            }
            return Err(TrainingError::said(
                ErrorCode::Conflict,
                "TRIP_REPORT_PUBLISHED",
                Message::new("rule-trip-report-published").arg("id", held.as_str()),
            ));
        }
        let change = ReportChange {
            practice_id: Some(&practice_id),
            ..ReportChange::default()
        };
        self.move_report(&who, &row, seen, TripReportAction::Publish, change)
            .await
    }
}

fn visit_payload(id: Uuid, edition: Uuid, v: &NewVisit) -> serde_json::Value {
    json!({
        "id": id.to_string(),
        "editionId": edition.to_string(),
        "day": v.day.to_string(),
        "country": v.country.as_str(),
        "organisationIds": v.organisation_ids,
        "practiceIds": v.practice_ids,
    })
}
