//! Coaching on international exchange (ADR 0050): the coach register and the engagements
//! of basic local governments in editions of COACHING programmes, with their sessions and
//! delivered plan.
//!
//! Who may do what: bureau staff who manage the edition (admins, staff not reviewing it)
//! create and change engagements; bureau staff register coaches; a local official reads the
//! engagements of their own local government; anyone signed in reads a coach's organisation
//! and areas, and only bureau staff its private note. Rules live in
//! [`crate::domain`] (`check_coaching_eligibility`, `check_engagement_move`, …); every write
//! checks the version, and writes its audit row and outbox event in one transaction.

use std::collections::HashSet;

use super::*;
use glocal_kit::outbox::{self, Change};

use crate::domain::{
    AdvisorOrganisationId, CoachId, CoachingPlan, EngagementId, EngagementMove, EngagementStatus,
    NewCoach, NewCoachingSession, NewEngagement, check_coaching_eligibility,
    check_coaching_programme, check_engagement_move, coach_exists, engagement_exists,
    unknown_coach,
};
use crate::store::coaching::{
    self as store, CoachRow, CoachingSessionRow, EngagementChange, EngagementQuery, EngagementRow,
};

/// The catalogue key of the action coaching's refusals name.
const ACTION: &str = "action-manage-coaching";
/// Most coaches `list_coaches` answers.
const MAX_COACHES: u64 = 500;

/// A foreign advisor of the partner network registered as a coach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coach {
    /// Id.
    pub id: CoachId,
    /// The research service's organisation (of kind FOREIGN_ADVISOR), with its languages.
    pub organisation_id: AdvisorOrganisationId,
    /// Exchange areas it coaches in (research area codes).
    pub area_codes: Vec<String>,
    /// The bureau's private note: `None` unless the caller is bureau staff.
    pub note: Option<String>,
    /// Registered.
    pub created_at: DateTime<Utc>,
}

/// One coaching session of an engagement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoachingSession {
    /// Id.
    pub id: Uuid,
    /// Starts.
    pub starts_at: DateTime<Utc>,
    /// Ends.
    pub ends_at: DateTime<Utc>,
    /// Where (empty when online only).
    pub place: String,
    /// Held online.
    pub online: bool,
    /// What was worked on.
    pub notes: String,
}

/// The coaching of one local government in one edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoachingEngagement {
    /// Id.
    pub id: EngagementId,
    /// The edition of a COACHING programme.
    pub edition_id: EditionId,
    /// The local government coached (standard code).
    pub local_government_code: String,
    /// Its level when the engagement was created (CITY, COUNTY or DISTRICT).
    pub local_government_level: String,
    /// The chosen theme.
    pub theme: String,
    /// The coach, once chosen.
    pub coach_id: Option<CoachId>,
    /// Where it stands.
    pub status: EngagementStatus,
    /// The delivered plan (PLAN_DELIVERED only).
    pub plan: Option<CoachingPlan>,
    /// Why it was cancelled (empty otherwise).
    pub cancel_reason: String,
    /// Its sessions, by start.
    pub sessions: Vec<CoachingSession>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// The plan was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Concurrency token.
    pub version: Version,
}

/// The filters of the engagement list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngagementFilter {
    /// In this edition.
    pub edition_id: Option<EditionId>,
    /// Of this local government (officials see their own whatever they ask).
    pub local_government_code: Option<String>,
    /// In any of these statuses.
    pub statuses: Vec<EngagementStatus>,
}

impl Who {
    /// Sees the engagement `row`: bureau staff, and the officials of its local government.
    fn sees_engagement(&self, row: &EngagementRow) -> bool {
        match &self.viewer {
            Viewer::Admin | Viewer::Staff { .. } => true,
            Viewer::Applicant { org, .. } => *org == row.local_government_code,
            Viewer::Public { .. } => false,
        }
    }
}

fn coach_view(who: &Who, row: CoachRow) -> Coach {
    Coach {
        id: CoachId::from(row.id),
        organisation_id: AdvisorOrganisationId::from(row.organisation_id),
        area_codes: split(&row.area_codes),
        note: who.is_bureau().then_some(row.note),
        created_at: row.created_at,
    }
}

fn session_view(row: CoachingSessionRow) -> CoachingSession {
    CoachingSession {
        id: row.id,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        place: row.place,
        online: row.online,
        notes: row.notes,
    }
}

fn status_of(row: &EngagementRow) -> Result<EngagementStatus> {
    EngagementStatus::parse(&row.status).map_err(TrainingError::corrupt)
}

impl TrainingOffice {
    // ---- coaches ----------------------------------------------------------------------

    /// Bureau staff register a foreign advisor of the partner network as a coach, with the
    /// areas it coaches in (that the organisation exists and is a FOREIGN_ADVISOR the gateway
    /// checks). CONFLICT `COACH_EXISTS` when it is registered already.
    pub async fn register_coach(&self, caller: Option<&Caller>, new: NewCoach) -> Result<Coach> {
        let who = self.who(caller).await?;
        who.require_bureau(ACTION)?;
        let now = self.now();
        let id = Uuid::new_v4();
        let txn = self.db.begin().await?;
        match store::insert_coach(&txn, id, &new, &who.actor.subject, now).await {
            Ok(()) => {}
            Err(e) if is_unique_violation(&e) => return Err(coach_exists().into()),
            Err(e) => return Err(e.into()),
        }
        writes::insert_history(
            &txn,
            Audit {
                aggregate_type: "coach",
                id,
                action: "register",
                from: None,
                to: None,
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note: &new.area_codes.join(", "),
            },
        )
        .await?;
        let payload = json!({
            "id": id.to_string(),
            "organisationId": new.organisation_id.to_string(),
            "areaCodes": new.area_codes,
        });
        outbox::append(
            &txn,
            &Change::new("Coach", id, "CoachRegistered", payload),
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(Coach {
            id: CoachId::from(id),
            organisation_id: new.organisation_id,
            area_codes: new.area_codes,
            note: Some(new.note),
            created_at: now,
        })
    }

    /// The coaches of `ids` in the order asked (unknown ids are left out): for anyone
    /// signed in, the private note for bureau staff only; nothing for the anonymous.
    pub async fn batch_get_coaches(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<Coach>> {
        let who = self.who(caller).await?;
        if who.require_authenticated().is_err() {
            return Ok(Vec::new());
        }
        let ids = batch_ids(ids, |s| CoachId::parse(s, "ids").ok().map(|c| c.as_uuid()))?;
        let rows = store::coaches_by_ids(&self.db, &ids).await?;
        Ok(in_order(&ids, rows, |r| r.id)
            .into_iter()
            .map(|r| coach_view(&who, r))
            .collect())
    }

    /// Every registered coach, in registration order (bureau staff).
    pub async fn list_coaches(&self, caller: Option<&Caller>) -> Result<Vec<Coach>> {
        let who = self.who(caller).await?;
        who.require_bureau(ACTION)?;
        Ok(store::all_coaches(&self.db, MAX_COACHES)
            .await?
            .into_iter()
            .map(|r| coach_view(&who, r))
            .collect())
    }

    // ---- engagements ------------------------------------------------------------------

    /// Managers of the edition create the engagement of a local government, PLANNED. The
    /// local government's level is the directory's, passed by the gateway: only a basic one
    /// is eligible (BAD_USER_INPUT `NOT_A_BASIC_LOCAL_GOVERNMENT`); the edition must be of a
    /// COACHING programme (`NOT_A_COACHING_EDITION`), the coach known (`UNKNOWN_COACH`); a
    /// second engagement of the local government in the edition is CONFLICT
    /// `COACHING_ENGAGEMENT_EXISTS`, also under concurrent creation (a unique key).
    pub async fn create_engagement(
        &self,
        caller: Option<&Caller>,
        new: NewEngagement,
    ) -> Result<CoachingEngagement> {
        let who = self.who(caller).await?;
        who.require_manager(new.edition_id.as_uuid(), ACTION)?;
        check_coaching_eligibility(new.level)?;
        let e =
            who.visible_edition(queries::find_edition(&self.db, new.edition_id.as_uuid()).await?)?;
        let p = queries::find_programme(&self.db, e.programme_id)
            .await?
            .ok_or(TrainingError::NotFound("programme"))?;
        check_coaching_programme(ProgrammeKind::parse(&p.kind).map_err(TrainingError::corrupt)?)?;
        if let Some(c) = new.coach_id {
            self.require_coach(c).await?;
        }
        let now = self.now();
        let id = Uuid::new_v4();
        let code = new.local_government_code.as_str();
        let txn = self.db.begin().await?;
        match store::insert_engagement(&txn, id, &new, &who.actor.subject, now).await {
            Ok(()) => {}
            Err(err) if is_unique_violation(&err) => return Err(engagement_exists(code).into()),
            Err(err) => return Err(err.into()),
        }
        let planned = EngagementStatus::Planned.as_str();
        writes::insert_history(
            &txn,
            Audit {
                aggregate_type: "coaching_engagement",
                id,
                action: "create",
                from: None,
                to: Some(planned),
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note: &new.theme,
            },
        )
        .await?;
        let payload = json!({
            "id": id.to_string(),
            "editionId": e.id.to_string(),
            "localGovernmentCode": code,
            "status": planned,
        });
        let change = Change::new(
            "CoachingEngagement",
            id,
            "CoachingEngagementCreated",
            payload,
        );
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        self.engagement(&who, id).await
    }

    async fn require_coach(&self, id: CoachId) -> Result<()> {
        if store::coaches_by_ids(&self.db, &[id.as_uuid()])
            .await?
            .is_empty()
        {
            return Err(unknown_coach(id).into());
        }
        Ok(())
    }

    /// The engagement `id` for a change by a manager of its edition, checked against the
    /// version the caller saw.
    async fn engagement_to_change(
        &self,
        who: &Who,
        id: EngagementId,
        seen: Version,
    ) -> Result<(EngagementRow, EngagementStatus)> {
        let row = store::find_engagement(&self.db, id.as_uuid())
            .await?
            .filter(|r| who.sees_engagement(r))
            .ok_or(TrainingError::NotFound("coaching engagement"))?;
        who.require_manager(row.edition_id, ACTION)?;
        Self::check_version(row.version, seen)?;
        let status = status_of(&row)?;
        Ok((row, status))
    }

    /// Applies `change` to `row` under its version, with the audit row and the outbox event
    /// `kind`, in one transaction; a concurrent change first is a stale version.
    #[allow(clippy::too_many_arguments)]
    async fn change_engagement(
        &self,
        who: &Who,
        row: &EngagementRow,
        from: EngagementStatus,
        change: EngagementChange,
        action: &str,
        note: &str,
        kind: &str,
        session: Option<(Uuid, &NewCoachingSession)>,
    ) -> Result<CoachingEngagement> {
        let now = self.now();
        let to = change.status.unwrap_or(from);
        let txn = self.db.begin().await?;
        if !store::change_engagement_if_version(&txn, row.id, row.version, now, change).await? {
            let current = store::find_engagement(&txn, row.id)
                .await?
                .map_or(row.version, |r| r.version);
            return Err(TrainingError::StaleVersion {
                seen: Version::parse(row.version).map_err(TrainingError::corrupt)?,
                current,
            });
        }
        if let Some((id, s)) = session {
            store::insert_session(&txn, id, row.id, s, &who.actor.subject, now).await?;
        }
        writes::insert_history(
            &txn,
            Audit {
                aggregate_type: "coaching_engagement",
                id: row.id,
                action,
                from: Some(from.as_str()),
                to: Some(to.as_str()),
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note,
            },
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "editionId": row.edition_id.to_string(),
            "localGovernmentCode": row.local_government_code,
            "from": from.as_str(),
            "status": to.as_str(),
        });
        outbox::append(
            &txn,
            &Change::new("CoachingEngagement", row.id, kind, payload),
            now,
        )
        .await?;
        txn.commit().await?;
        self.engagement(who, row.id).await
    }

    /// Managers choose (or change) the coach of an engagement that is not finished.
    pub async fn assign_coach(
        &self,
        caller: Option<&Caller>,
        id: EngagementId,
        seen: Version,
        coach: CoachId,
    ) -> Result<CoachingEngagement> {
        let who = self.who(caller).await?;
        let (row, status) = self.engagement_to_change(&who, id, seen).await?;
        status.check_changeable()?;
        self.require_coach(coach).await?;
        let change = EngagementChange {
            coach_id: Some(coach.as_uuid()),
            ..EngagementChange::default()
        };
        let note = coach.to_string();
        self.change_engagement(
            &who,
            &row,
            status,
            change,
            "assign_coach",
            &note,
            "CoachingCoachAssigned",
            None,
        )
        .await
    }

    /// Managers start an engagement (IN_PROGRESS, with a coach) or cancel it with a reason.
    pub async fn move_engagement(
        &self,
        caller: Option<&Caller>,
        m: EngagementMove,
    ) -> Result<CoachingEngagement> {
        let who = self.who(caller).await?;
        let (row, status) = self.engagement_to_change(&who, m.id, m.seen).await?;
        check_engagement_move(status, m.to, row.coach_id.is_some())?;
        let change = EngagementChange {
            status: Some(m.to),
            cancel_reason: (m.to == EngagementStatus::Cancelled).then(|| m.reason.clone()),
            ..EngagementChange::default()
        };
        let action = if m.to == EngagementStatus::Cancelled {
            "cancel"
        } else {
            "start"
        };
        self.change_engagement(
            &who,
            &row,
            status,
            change,
            action,
            &m.reason,
            "CoachingEngagementMoved",
            None,
        )
        .await
    }

    /// Managers add a session to an engagement that is not finished.
    pub async fn add_coaching_session(
        &self,
        caller: Option<&Caller>,
        id: EngagementId,
        seen: Version,
        session: NewCoachingSession,
    ) -> Result<CoachingEngagement> {
        let who = self.who(caller).await?;
        let (row, status) = self.engagement_to_change(&who, id, seen).await?;
        status.check_changeable()?;
        let session_id = Uuid::new_v4();
        let note = session.starts_at.to_rfc3339();
        self.change_engagement(
            &who,
            &row,
            status,
            EngagementChange::default(),
            "session",
            &note,
            "CoachingSessionAdded",
            Some((session_id, &session)),
        )
        .await
    }

    /// Managers deliver the plan (area, method, content, alternatives) of an engagement in
    /// progress: it becomes PLAN_DELIVERED, for good.
    pub async fn deliver_plan(
        &self,
        caller: Option<&Caller>,
        id: EngagementId,
        seen: Version,
        plan: CoachingPlan,
    ) -> Result<CoachingEngagement> {
        let who = self.who(caller).await?;
        let (row, status) = self.engagement_to_change(&who, id, seen).await?;
        check_engagement_move(
            status,
            EngagementStatus::PlanDelivered,
            row.coach_id.is_some(),
        )?;
        let note = plan.area.clone();
        let change = EngagementChange {
            status: Some(EngagementStatus::PlanDelivered),
            plan: Some((plan, self.now())),
            ..EngagementChange::default()
        };
        self.change_engagement(
            &who,
            &row,
            status,
            change,
            "deliver_plan",
            &note,
            "CoachingPlanDelivered",
            None,
        )
        .await
    }

    /// The engagements of `ids` the caller may see, in the order asked.
    pub async fn batch_get_engagements(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<CoachingEngagement>> {
        let who = self.who(caller).await?;
        let ids = batch_ids(ids, |s| {
            EngagementId::parse(s, "ids").ok().map(|e| e.as_uuid())
        })?;
        let rows = store::engagements_by_ids(&self.db, &ids).await?;
        let rows = in_order(&ids, rows, |r| r.id)
            .into_iter()
            .filter(|r| who.sees_engagement(r))
            .collect();
        self.engagement_views(rows).await
    }

    /// A page of the engagements the caller may see, in creation order: bureau staff every
    /// one, an official their local government's (whatever the filter asks).
    pub async fn list_engagements(
        &self,
        caller: Option<&Caller>,
        filter: EngagementFilter,
        page: PageRequest,
    ) -> Result<Page<CoachingEngagement>> {
        let who = self.who(caller).await?;
        let code = match &who.viewer {
            Viewer::Admin | Viewer::Staff { .. } => filter.local_government_code.clone(),
            Viewer::Applicant { org, .. } => {
                if filter
                    .local_government_code
                    .as_ref()
                    .is_some_and(|c| c != org)
                {
                    return Ok(Page {
                        items: Vec::new(),
                        cursors: Vec::new(),
                        has_next_page: false,
                        total_count: 0,
                    });
                }
                Some(org.clone())
            }
            Viewer::Public {
                authenticated: false,
            } => return Err(TrainingError::Unauthenticated),
            Viewer::Public { .. } => {
                return Err(TrainingError::only(
                    "BUREAU_STAFF_ONLY",
                    "rule-only-bureau-staff",
                    ACTION,
                ));
            }
        };
        let first = self.page_size(&page);
        let query = EngagementQuery {
            edition_id: filter.edition_id.map(|e| e.as_uuid()),
            local_government_code: code,
            statuses: filter.statuses.iter().map(|s| s.as_str()).collect(),
            after_seq: after_seq(&page)?,
            limit: u64::from(first) + 1,
        };
        let (mut rows, total_count) = store::list_engagements(&self.db, &query).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors = rows.iter().map(|r| seq_cursor(r.seq)).collect();
        Ok(Page {
            items: self.engagement_views(rows).await?,
            cursors,
            has_next_page,
            total_count,
        })
    }

    /// The engagement `id` if there is one (files name their owner by id alone), checked for
    /// a plan document from the caller: NOT_FOUND when they may not see it, FORBIDDEN for
    /// anyone but a manager of its edition, CONFLICT `COACHING_CANCELLED` when it was
    /// cancelled. `None` when no engagement has this id.
    pub(super) async fn plan_attachable(
        &self,
        who: &Who,
        db: &impl Handle,
        id: Uuid,
    ) -> Result<Option<EngagementRow>> {
        let Some(row) = store::find_engagement(db, id).await? else {
            return Ok(None);
        };
        if !who.sees_engagement(&row) {
            return Err(TrainingError::NotFound("coaching engagement"));
        }
        who.require_manager(row.edition_id, ACTION)?;
        status_of(&row)?.check_plan_attachable()?;
        Ok(Some(row))
    }

    /// Of `ids`, the engagements the caller may see (their plan documents are theirs to
    /// read), and every engagement id among `ids` (one query).
    pub(super) async fn visible_engagements(
        &self,
        who: &Who,
        ids: &[Uuid],
    ) -> Result<(Vec<Uuid>, HashSet<Uuid>)> {
        let rows = store::engagements_by_ids(&self.db, ids).await?;
        let all = rows.iter().map(|r| r.id).collect();
        let visible = rows
            .iter()
            .filter(|r| who.sees_engagement(r))
            .map(|r| r.id)
            .collect();
        Ok((visible, all))
    }

    /// Whether `id` names an engagement, and whether the caller may see it.
    pub(super) async fn engagement_seen(&self, who: &Who, id: Uuid) -> Result<Option<bool>> {
        Ok(store::find_engagement(&self.db, id)
            .await?
            .map(|row| who.sees_engagement(&row)))
    }

    async fn engagement(&self, who: &Who, id: Uuid) -> Result<CoachingEngagement> {
        let row = store::find_engagement(&self.db, id)
            .await?
            .filter(|r| who.sees_engagement(r))
            .ok_or(TrainingError::NotFound("coaching engagement"))?;
        self.engagement_views(vec![row])
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("coaching engagement"))
    }

    /// The views of `rows`, with their sessions from one query.
    async fn engagement_views(&self, rows: Vec<EngagementRow>) -> Result<Vec<CoachingEngagement>> {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut sessions: HashMap<Uuid, Vec<CoachingSession>> = HashMap::new();
        for s in store::sessions_of(&self.db, &ids).await? {
            sessions
                .entry(s.engagement_id)
                .or_default()
                .push(session_view(s));
        }
        rows.into_iter()
            .map(|r| {
                Ok(CoachingEngagement {
                    id: EngagementId::from(r.id),
                    edition_id: EditionId::from(r.edition_id),
                    status: status_of(&r)?,
                    plan: store::plan_of(&r).map_err(TrainingError::corrupt)?,
                    sessions: sessions.remove(&r.id).unwrap_or_default(),
                    version: Version::parse(r.version).map_err(TrainingError::corrupt)?,
                    coach_id: r.coach_id.map(CoachId::from),
                    local_government_code: r.local_government_code,
                    local_government_level: r.local_government_level,
                    theme: r.theme,
                    cancel_reason: r.cancel_reason,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                    delivered_at: r.delivered_at,
                })
            })
            .collect()
    }
}
