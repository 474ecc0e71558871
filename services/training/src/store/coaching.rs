//! Storage of coaching (ADR 0050): coaches, engagements and their sessions. Reads take lists
//! of ids and answer with one `IN` query each, so a page of engagements with its sessions
//! costs a fixed number of queries.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::codec::join;
use super::entities::{coach, coaching_engagement, coaching_session};
use super::queries;
use crate::domain::{
    CoachingPlan, EngagementStatus, NewCoach, NewCoachingSession, NewEngagement, Version,
};

/// A stored coach.
pub(crate) type CoachRow = coach::Model;
/// A stored engagement.
pub(crate) type EngagementRow = coaching_engagement::Model;
/// A stored coaching session.
pub(crate) type CoachingSessionRow = coaching_session::Model;

/// Stores a new coach at version 1 (a second row for the organisation is a unique
/// violation).
pub(crate) async fn insert_coach(
    db: &impl ConnectionTrait,
    id: Uuid,
    new: &NewCoach,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let areas: Vec<&str> = new.area_codes.iter().map(String::as_str).collect();
    queries::insert(
        db,
        coach::ActiveModel {
            id: Set(id),
            organisation_id: Set(new.organisation_id.as_uuid()),
            area_codes: Set(join(&areas)),
            note: Set(new.note.clone()),
            created_by: Set(created_by.to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(Version::FIRST.get()),
            ..Default::default()
        },
    )
    .await
}

/// Coaches by id (one query).
pub(crate) async fn coaches_by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<CoachRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    coach::Entity::find()
        .filter(coach::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// Every coach, in registration order (at most `limit`).
pub(crate) async fn all_coaches(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<CoachRow>, DbErr> {
    coach::Entity::find()
        .order_by_asc(coach::Column::Seq)
        .limit(limit)
        .all(db)
        .await
}

/// Stores a new engagement, PLANNED at version 1 (a second one of the local government in
/// the edition is a unique violation).
pub(crate) async fn insert_engagement(
    db: &impl ConnectionTrait,
    id: Uuid,
    new: &NewEngagement,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    queries::insert(
        db,
        coaching_engagement::ActiveModel {
            id: Set(id),
            edition_id: Set(new.edition_id.as_uuid()),
            local_government_code: Set(new.local_government_code.as_str().to_owned()),
            local_government_level: Set(new.level.as_str().to_owned()),
            theme: Set(new.theme.clone()),
            coach_id: Set(new.coach_id.map(|c| c.as_uuid())),
            status: Set(EngagementStatus::Planned.as_str().to_owned()),
            plan_area: Set(String::new()),
            plan_method: Set(String::new()),
            plan_content: Set(String::new()),
            plan_alternatives: Set("[]".to_owned()),
            cancel_reason: Set(String::new()),
            created_by: Set(created_by.to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            delivered_at: Set(None),
            version: Set(Version::FIRST.get()),
            ..Default::default()
        },
    )
    .await
}

/// What a change of an engagement sets besides its version and `updated_at`.
#[derive(Debug, Default)]
pub(crate) struct EngagementChange {
    /// A new status.
    pub status: Option<EngagementStatus>,
    /// A new coach.
    pub coach_id: Option<Uuid>,
    /// The delivered plan (and when).
    pub plan: Option<(CoachingPlan, DateTime<Utc>)>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
}

/// Changes the engagement `id` if it is still at `version` (the version goes up by one);
/// false when someone changed it first.
pub(crate) async fn change_engagement_if_version(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    now: DateTime<Utc>,
    change: EngagementChange,
) -> Result<bool, DbErr> {
    let mut set = coaching_engagement::ActiveModel {
        updated_at: Set(now),
        version: Set(version + 1),
        ..Default::default()
    };
    if let Some(s) = change.status {
        set.status = Set(s.as_str().to_owned());
    }
    if let Some(c) = change.coach_id {
        set.coach_id = Set(Some(c));
    }
    if let Some((plan, at)) = change.plan {
        set.plan_area = Set(plan.area);
        set.plan_method = Set(plan.method);
        set.plan_content = Set(plan.content);
        set.plan_alternatives = Set(serde_json::Value::from(plan.alternatives).to_string());
        set.delivered_at = Set(Some(at));
    }
    if let Some(r) = change.cancel_reason {
        set.cancel_reason = Set(r);
    }
    let result = coaching_engagement::Entity::update_many()
        .set(set)
        .filter(coaching_engagement::Column::Id.eq(id))
        .filter(coaching_engagement::Column::Version.eq(version))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The plan stored on `row` (empty before delivery).
pub(crate) fn plan_of(row: &EngagementRow) -> Result<Option<CoachingPlan>, serde_json::Error> {
    if row.delivered_at.is_none() {
        return Ok(None);
    }
    Ok(Some(CoachingPlan {
        area: row.plan_area.clone(),
        method: row.plan_method.clone(),
        content: row.plan_content.clone(),
        alternatives: serde_json::from_str(&row.plan_alternatives)?,
    }))
}

/// The engagement `id`.
pub(crate) async fn find_engagement(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<EngagementRow>, DbErr> {
    coaching_engagement::Entity::find()
        .filter(coaching_engagement::Column::Id.eq(id))
        .one(db)
        .await
}

/// Engagements by id (one query).
pub(crate) async fn engagements_by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<EngagementRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    coaching_engagement::Entity::find()
        .filter(coaching_engagement::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// The filters of an engagement list.
#[derive(Debug, Default)]
pub(crate) struct EngagementQuery {
    /// In this edition.
    pub edition_id: Option<Uuid>,
    /// Of this local government.
    pub local_government_code: Option<String>,
    /// In any of these statuses (any when empty).
    pub statuses: Vec<&'static str>,
    /// After this sequence number.
    pub after_seq: Option<i64>,
    /// At most this many.
    pub limit: u64,
}

/// A page of engagements in creation order, and how many match in all.
pub(crate) async fn list_engagements(
    db: &impl ConnectionTrait,
    q: &EngagementQuery,
) -> Result<(Vec<EngagementRow>, u64), DbErr> {
    let mut every_match = Condition::all();
    if let Some(e) = q.edition_id {
        every_match = every_match.add(coaching_engagement::Column::EditionId.eq(e));
    }
    if let Some(c) = &q.local_government_code {
        every_match =
            every_match.add(coaching_engagement::Column::LocalGovernmentCode.eq(c.as_str()));
    }
    if !q.statuses.is_empty() {
        every_match =
            every_match.add(coaching_engagement::Column::Status.is_in(q.statuses.iter().copied()));
    }
    let mut find = coaching_engagement::Entity::find().filter(every_match.clone());
    if let Some(after) = q.after_seq {
        find = find.filter(coaching_engagement::Column::Seq.gt(after));
    }
    let select = find.order_by_asc(coaching_engagement::Column::Seq);
    let first_page = q.after_seq.is_none();
    glocal_kit::store::page_with_total(db, select, Some(every_match), first_page, q.limit).await
}

/// Stores a session of the engagement `engagement_id`.
pub(crate) async fn insert_session(
    db: &impl ConnectionTrait,
    id: Uuid,
    engagement_id: Uuid,
    new: &NewCoachingSession,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    queries::insert(
        db,
        coaching_session::ActiveModel {
            id: Set(id),
            engagement_id: Set(engagement_id),
            starts_at: Set(new.starts_at),
            ends_at: Set(new.ends_at),
            place: Set(new.place.clone()),
            online: Set(new.online),
            notes: Set(new.notes.clone()),
            created_by: Set(created_by.to_owned()),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await
}

/// The sessions of several engagements (one query), by start.
pub(crate) async fn sessions_of(
    db: &impl ConnectionTrait,
    engagement_ids: &[Uuid],
) -> Result<Vec<CoachingSessionRow>, DbErr> {
    if engagement_ids.is_empty() {
        return Ok(Vec::new());
    }
    coaching_session::Entity::find()
        .filter(coaching_session::Column::EngagementId.is_in(engagement_ids.iter().copied()))
        .order_by_asc(coaching_session::Column::StartsAt)
        .order_by_asc(coaching_session::Column::Seq)
        .all(db)
        .await
}
