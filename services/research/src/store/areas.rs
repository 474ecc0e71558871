//! The area vocabulary: its concepts in order with their published practice counts, and the
//! writes of the vocabulary's admins.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::Result;
use super::entities::{practice, research_area};
use crate::domain::{Area, NewArea, PracticeState};

/// The vocabulary in order, with each concept's published practice count.
pub(crate) async fn list(db: &impl ConnectionTrait) -> Result<Vec<Area>> {
    let rows = research_area::Entity::find()
        .order_by_asc(research_area::Column::Position)
        .order_by_asc(research_area::Column::Code)
        .all(db)
        .await?;
    let counts: Vec<(String, i64)> = practice::Entity::find()
        .select_only()
        .column(practice::Column::AreaCode)
        .column_as(Expr::col(practice::Column::Seq).count(), "n")
        .filter(practice::Column::State.eq(PracticeState::Published.as_str()))
        .group_by(practice::Column::AreaCode)
        .into_tuple()
        .all(db)
        .await?;
    let counts: HashMap<String, i64> = counts.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|r| Area {
            practice_count: counts
                .get(&r.code)
                .map_or(0, |n| u64::try_from(*n).unwrap_or(0)),
            label: super::localized(&r.label_ko, &r.label_en, &r.label_zh, &r.label_ja),
            code: r.code,
            position: r.position,
        })
        .collect())
}

/// The label of concept `code` in the four languages, if it exists.
pub(crate) async fn label(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<crate::domain::LocalizedText>> {
    Ok(research_area::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .map(|r| super::localized(&r.label_ko, &r.label_en, &r.label_zh, &r.label_ja)))
}

/// Adds the concept after the last one; `None` when its code is taken (a unique violation).
/// A new concept has no practices yet.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    area: &NewArea,
    at: DateTime<Utc>,
) -> Result<Option<Area>> {
    let last: Option<i32> = research_area::Entity::find()
        .select_only()
        .column_as(Expr::col(research_area::Column::Position).max(), "m")
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let position = last.unwrap_or(0) + 1;
    let (ko, en, zh, ja) = area.label.clone().into_parts();
    let row = research_area::ActiveModel {
        code: Set(area.code.as_str().to_owned()),
        label_ko: Set(ko),
        label_en: Set(en),
        label_zh: Set(zh),
        label_ja: Set(ja),
        position: Set(position),
        created_at: Set(at),
    };
    let done = super::inserted(
        research_area::Entity::insert(row)
            .exec_without_returning(db)
            .await,
    )?;
    Ok(done.then(|| Area {
        code: area.code.as_str().to_owned(),
        label: area.label.clone(),
        position,
        practice_count: 0,
    }))
}

/// Deletes the concept.
pub(crate) async fn delete(db: &impl ConnectionTrait, code: &str) -> Result<()> {
    research_area::Entity::delete_by_id(code.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
