//! Storage of itineraries and trip reports (ADR 0052): rows in, domain values out, and the
//! conditional writes (`… WHERE version = ?`) the service's version checks rely on.

use chrono::{DateTime, NaiveTime, Utc};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use super::codec::{join, split};
use super::entities::{application, itinerary_visit, trip_report};
use super::queries;
use crate::domain::{
    ApplicantKind, ApplicationState, CountryCode, EditionId, LocalizedText, NewVisit, TripReport,
    TripReportId, TripReportState, TripReportText, Version, Visit, VisitId, visit_order,
};
use crate::error::TrainingError;

type Result<T, E = TrainingError> = std::result::Result<T, E>;

/// A stored visit.
pub(crate) type VisitRow = itinerary_visit::Model;
/// A stored trip report.
pub(crate) type ReportRow = trip_report::Model;

fn text_out(t: &LocalizedText) -> String {
    json!({ "ko": t.ko, "en": t.en, "zh": t.zh, "ja": t.ja }).to_string()
}

fn text_in(s: &str) -> Result<LocalizedText> {
    let v: serde_json::Value = serde_json::from_str(s).map_err(TrainingError::corrupt)?;
    let get = |lang: &str| v[lang].as_str().unwrap_or_default().to_owned();
    Ok(LocalizedText {
        ko: get("ko"),
        en: get("en"),
        zh: get("zh"),
        ja: get("ja"),
    })
}

fn time_out(t: Option<NaiveTime>) -> Option<String> {
    t.map(|t| t.format("%H:%M").to_string())
}

/// The domain visit of a row.
pub(crate) fn visit_of(row: &VisitRow) -> Result<Visit> {
    let time = row
        .time
        .as_deref()
        .map(|t| NaiveTime::parse_from_str(t, "%H:%M"))
        .transpose()
        .map_err(TrainingError::corrupt)?;
    Ok(Visit {
        id: VisitId::from(row.id),
        edition_id: EditionId::from(row.edition_id),
        visit: NewVisit {
            day: row.day,
            time,
            city: row.city.clone(),
            country: CountryCode::parse(&row.country).map_err(TrainingError::corrupt)?,
            organisation_ids: split(&row.organisation_ids),
            practice_ids: split(&row.practice_ids),
            purpose: row.purpose.clone(),
        },
        version: Version::parse(row.version).map_err(TrainingError::corrupt)?,
        created_at: row.created_at,
    })
}

/// The domain report of a row.
pub(crate) fn report_of(row: &ReportRow) -> Result<TripReport> {
    Ok(TripReport {
        id: TripReportId::from(row.id),
        edition_id: EditionId::from(row.edition_id),
        visit_id: VisitId::from(row.visit_id),
        text: TripReportText {
            title: text_in(&row.title)?,
            summary: text_in(&row.summary)?,
            findings: text_in(&row.findings)?,
            original_language: row.original_language.clone(),
            area_code: row.area_code.clone(),
        },
        state: TripReportState::parse(&row.state).map_err(TrainingError::corrupt)?,
        author_subject: row.author_subject.clone(),
        author_name: row.author_name.clone(),
        practice_id: row.practice_id.clone(),
        version: Version::parse(row.version).map_err(TrainingError::corrupt)?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn visit_columns(set: &mut itinerary_visit::ActiveModel, v: &NewVisit) {
    set.day = Set(v.day);
    set.time = Set(time_out(v.time));
    set.city = Set(v.city.clone());
    set.country = Set(v.country.as_str().to_owned());
    set.organisation_ids = Set(join(&v.organisation_ids));
    set.practice_ids = Set(join(&v.practice_ids));
    set.purpose = Set(v.purpose.clone());
}

/// Stores a new visit at version 1.
pub(crate) async fn insert_visit(
    db: &impl ConnectionTrait,
    id: Uuid,
    edition_id: Uuid,
    v: &NewVisit,
    created_by: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut row = itinerary_visit::ActiveModel {
        id: Set(id),
        edition_id: Set(edition_id),
        created_by: Set(created_by.to_owned()),
        idempotency_key: Set(key.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(Version::FIRST.get()),
        ..Default::default()
    };
    visit_columns(&mut row, v);
    queries::insert(db, row).await
}

/// The visit of `id`.
pub(crate) async fn find_visit(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<VisitRow>> {
    Ok(itinerary_visit::Entity::find()
        .filter(itinerary_visit::Column::Id.eq(id))
        .one(db)
        .await?)
}

/// The visit `created_by` added with `key`.
pub(crate) async fn visit_by_key(
    db: &impl ConnectionTrait,
    created_by: &str,
    key: &str,
) -> Result<Option<VisitRow>> {
    Ok(itinerary_visit::Entity::find()
        .filter(itinerary_visit::Column::CreatedBy.eq(created_by))
        .filter(itinerary_visit::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?)
}

/// Replaces a visit's content if it is still at `version`; false when someone changed it
/// first.
pub(crate) async fn update_visit_if_version(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    v: &NewVisit,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut set = itinerary_visit::ActiveModel {
        updated_at: Set(now),
        version: Set(version + 1),
        ..Default::default()
    };
    visit_columns(&mut set, v);
    let r = itinerary_visit::Entity::update_many()
        .set(set)
        .filter(itinerary_visit::Column::Id.eq(id))
        .filter(itinerary_visit::Column::Version.eq(version))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Deletes a visit if it is still at `version`; false when someone changed it first.
pub(crate) async fn delete_visit_if_version(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
) -> Result<bool, DbErr> {
    let r = itinerary_visit::Entity::delete_many()
        .filter(itinerary_visit::Column::Id.eq(id))
        .filter(itinerary_visit::Column::Version.eq(version))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// The visits of `editions` (one query), in itinerary order within each edition.
pub(crate) async fn visits_of(db: &impl ConnectionTrait, editions: &[Uuid]) -> Result<Vec<Visit>> {
    if editions.is_empty() {
        return Ok(Vec::new());
    }
    let rows = itinerary_visit::Entity::find()
        .filter(itinerary_visit::Column::EditionId.is_in(editions.iter().copied()))
        .order_by_asc(itinerary_visit::Column::Seq)
        .all(db)
        .await?;
    let mut visits = rows
        .iter()
        .map(|r| visit_of(r).map(|v| (r.seq, v)))
        .collect::<Result<Vec<_>>>()?;
    visits.sort_by_key(|(seq, v)| visit_order(v.visit.day, v.visit.time, *seq));
    Ok(visits.into_iter().map(|(_, v)| v).collect())
}

/// How many reports are about the visit `id`.
pub(crate) async fn reports_about(db: &impl ConnectionTrait, visit: Uuid) -> Result<u64> {
    Ok(trip_report::Entity::find()
        .filter(trip_report::Column::VisitId.eq(visit))
        .count(db)
        .await?)
}

/// Stores a new DRAFT report at version 1.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_report(
    db: &impl ConnectionTrait,
    id: Uuid,
    edition_id: Uuid,
    visit_id: Uuid,
    text: &TripReportText,
    author: (&str, &str),
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    queries::insert(
        db,
        trip_report::ActiveModel {
            id: Set(id),
            edition_id: Set(edition_id),
            visit_id: Set(visit_id),
            title: Set(text_out(&text.title)),
            summary: Set(text_out(&text.summary)),
            findings: Set(text_out(&text.findings)),
            original_language: Set(text.original_language.clone()),
            area_code: Set(text.area_code.clone()),
            state: Set(TripReportState::Draft.as_str().to_owned()),
            author_subject: Set(author.0.to_owned()),
            author_name: Set(author.1.to_owned()),
            practice_id: Set(None),
            idempotency_key: Set(key.to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(Version::FIRST.get()),
            ..Default::default()
        },
    )
    .await
}

/// The report of `id`.
pub(crate) async fn find_report(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<ReportRow>> {
    Ok(trip_report::Entity::find()
        .filter(trip_report::Column::Id.eq(id))
        .one(db)
        .await?)
}

/// The report `author` wrote with `key`.
pub(crate) async fn report_by_key(
    db: &impl ConnectionTrait,
    author: &str,
    key: &str,
) -> Result<Option<ReportRow>> {
    Ok(trip_report::Entity::find()
        .filter(trip_report::Column::AuthorSubject.eq(author))
        .filter(trip_report::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?)
}

/// The reports of `editions` (one query), oldest first.
pub(crate) async fn reports_of(
    db: &impl ConnectionTrait,
    editions: &[Uuid],
) -> Result<Vec<TripReport>> {
    if editions.is_empty() {
        return Ok(Vec::new());
    }
    trip_report::Entity::find()
        .filter(trip_report::Column::EditionId.is_in(editions.iter().copied()))
        .order_by_asc(trip_report::Column::Seq)
        .all(db)
        .await?
        .iter()
        .map(report_of)
        .collect()
}

/// What a change of a report sets; `None` keeps a column.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReportChange<'a> {
    /// New text.
    pub text: Option<&'a TripReportText>,
    /// New state.
    pub state: Option<TripReportState>,
    /// The practice it became.
    pub practice_id: Option<&'a str>,
}

/// Changes a report if it is still at `version`; false when someone changed it first.
pub(crate) async fn change_report_if_version(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    change: ReportChange<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut set = trip_report::ActiveModel {
        updated_at: Set(now),
        version: Set(version + 1),
        ..Default::default()
    };
    if let Some(t) = change.text {
        set.title = Set(text_out(&t.title));
        set.summary = Set(text_out(&t.summary));
        set.findings = Set(text_out(&t.findings));
        set.original_language = Set(t.original_language.clone());
        set.area_code = Set(t.area_code.clone());
    }
    if let Some(s) = change.state {
        set.state = Set(s.as_str().to_owned());
    }
    if let Some(p) = change.practice_id {
        set.practice_id = Set(Some(p.to_owned()));
    }
    let r = trip_report::Entity::update_many()
        .set(set)
        .filter(trip_report::Column::Id.eq(id))
        .filter(trip_report::Column::Version.eq(version))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// The editions of `editions` in which the official `subject` of the local government `org`
/// is an accepted participant (their own application, or their local government's).
pub(crate) async fn participated_in(
    db: &impl ConnectionTrait,
    editions: &[Uuid],
    subject: &str,
    org: &str,
) -> Result<Vec<Uuid>> {
    if editions.is_empty() {
        return Ok(Vec::new());
    }
    let own = Condition::any()
        .add(application::Column::ApplicantSubject.eq(subject))
        .add(
            Condition::all()
                .add(application::Column::ApplicantKind.eq(ApplicantKind::LocalGovernment.as_str()))
                .add(application::Column::OrgCode.eq(org)),
        );
    let mut ids: Vec<Uuid> = application::Entity::find()
        .filter(application::Column::EditionId.is_in(editions.iter().copied()))
        .filter(application::Column::State.eq(ApplicationState::Accepted.as_str()))
        .filter(own)
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.edition_id)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}
