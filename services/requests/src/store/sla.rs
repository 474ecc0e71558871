//! The business calendar's holidays, the per-type service-level policies and their audit
//! table (`sla_audit`, kit's audit row shape).

use chrono::NaiveDate;
use glocal_kit::audit::{self, AuditEntry};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{business_holiday, sla_policy};
use super::requests::corrupt;
use crate::domain::sla::{Holiday, HolidayKind, SlaClock, SlaPolicy, SlaTarget};
use crate::domain::{LocalizedName, RequestType};
use crate::error::RequestsError;

type Result<T, E = RequestsError> = std::result::Result<T, E>;

fn holiday(m: business_holiday::Model) -> Result<Holiday> {
    Ok(Holiday {
        date: m.day,
        kind: HolidayKind::parse(&m.kind).map_err(corrupt)?,
        name: LocalizedName {
            ko: m.name_ko,
            en: m.name_en,
            zh: m.name_zh,
            ja: m.name_ja,
        },
    })
}

/// The holidays from `from` to `to` (inclusive), in date order.
pub(crate) async fn holidays_between(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Holiday>> {
    business_holiday::Entity::find()
        .filter(business_holiday::Column::Day.gte(from))
        .filter(business_holiday::Column::Day.lte(to))
        .order_by_asc(business_holiday::Column::Day)
        .all(db)
        .await?
        .into_iter()
        .map(holiday)
        .collect()
}

/// Every holiday date (the business calendar's days off besides weekends).
pub(crate) async fn holiday_dates(db: &impl ConnectionTrait) -> Result<Vec<NaiveDate>> {
    Ok(business_holiday::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.day)
        .collect())
}

/// The holiday on `date`, if any.
pub(crate) async fn holiday_on(
    db: &impl ConnectionTrait,
    date: NaiveDate,
) -> Result<Option<Holiday>> {
    business_holiday::Entity::find_by_id(date)
        .one(db)
        .await?
        .map(holiday)
        .transpose()
}

/// Adds the holiday, or replaces the one on its date.
pub(crate) async fn upsert_holiday(db: &impl ConnectionTrait, h: &Holiday) -> Result<()> {
    let row = business_holiday::ActiveModel {
        day: Set(h.date),
        kind: Set(h.kind.as_str().to_owned()),
        name_ko: Set(h.name.ko.clone()),
        name_en: Set(h.name.en.clone()),
        name_zh: Set(h.name.zh.clone()),
        name_ja: Set(h.name.ja.clone()),
    };
    business_holiday::Entity::insert(row)
        .on_conflict(
            OnConflict::column(business_holiday::Column::Day)
                .update_columns([
                    business_holiday::Column::Kind,
                    business_holiday::Column::NameKo,
                    business_holiday::Column::NameEn,
                    business_holiday::Column::NameZh,
                    business_holiday::Column::NameJa,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Removes the holiday on `date`; false when there was none.
pub(crate) async fn delete_holiday(db: &impl ConnectionTrait, date: NaiveDate) -> Result<bool> {
    let result = business_holiday::Entity::delete_by_id(date)
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

fn policy(m: sla_policy::Model) -> Result<SlaPolicy> {
    let ty = RequestType::parse(&m.request_type).map_err(corrupt)?;
    let clock = |t: &str| SlaClock::parse(t).map_err(corrupt);
    let first = SlaTarget::parse(
        m.first_response_minutes,
        clock(&m.first_response_clock)?,
        "first_response_minutes",
    )
    .map_err(corrupt)?;
    let resolution = SlaTarget::parse(
        m.resolution_minutes,
        clock(&m.resolution_clock)?,
        "resolution_minutes",
    )
    .map_err(corrupt)?;
    let percent = u8::try_from(m.warning_percent)
        .map_err(|_| RequestsError::Corrupt("warning_percent out of range".into()))?;
    SlaPolicy::new(ty, first, resolution, percent).map_err(corrupt)
}

/// Every policy, in type order; a type without a row gets the default.
pub(crate) async fn policies(db: &impl ConnectionTrait) -> Result<Vec<SlaPolicy>> {
    let stored: Vec<SlaPolicy> = sla_policy::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(policy)
        .collect::<Result<_>>()?;
    Ok(RequestType::ALL
        .iter()
        .map(|&ty| {
            stored
                .iter()
                .find(|p| p.request_type == ty)
                .copied()
                .unwrap_or_else(|| SlaPolicy::default_for(ty))
        })
        .collect())
}

/// The policy of `ty` (the default when no row exists).
pub(crate) async fn policy_of(db: &impl ConnectionTrait, ty: RequestType) -> Result<SlaPolicy> {
    match sla_policy::Entity::find_by_id(ty.as_str().to_owned())
        .one(db)
        .await?
    {
        Some(m) => policy(m),
        None => Ok(SlaPolicy::default_for(ty)),
    }
}

/// Writes `p` as its type's policy.
pub(crate) async fn upsert_policy(db: &impl ConnectionTrait, p: &SlaPolicy) -> Result<()> {
    let row = sla_policy::ActiveModel {
        request_type: Set(p.request_type.as_str().to_owned()),
        first_response_minutes: Set(p.first_response.minutes),
        first_response_clock: Set(p.first_response.clock.as_str().to_owned()),
        resolution_minutes: Set(p.resolution.minutes),
        resolution_clock: Set(p.resolution.clock.as_str().to_owned()),
        warning_percent: Set(i32::from(p.warning_percent)),
    };
    sla_policy::Entity::insert(row)
        .on_conflict(
            OnConflict::column(sla_policy::Column::RequestType)
                .update_columns([
                    sla_policy::Column::FirstResponseMinutes,
                    sla_policy::Column::FirstResponseClock,
                    sla_policy::Column::ResolutionMinutes,
                    sla_policy::Column::ResolutionClock,
                    sla_policy::Column::WarningPercent,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Writes an audit row of a calendar or policy change.
pub(crate) async fn audit(db: &impl ConnectionTrait, entry: &AuditEntry) -> Result<()> {
    audit::insert(db, "sla_audit", entry).await?;
    Ok(())
}
