//! The training report's queries (issue 19): the editions a report covers with their
//! programmes, then one grouped query counting their applications per edition and state, so
//! the database counts and only one row per edition and state leaves it.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::codec::{count, state_of, summary_of};
use super::entities::{application, edition, programme};
use crate::domain::EditionId;
use crate::domain::statistics::{EditionFigures, TrainingStatisticsQuery};
use crate::error::TrainingError;

type Result<T, E = TrainingError> = std::result::Result<T, E>;

/// The figures of every edition `query` covers, by start date.
pub(crate) async fn edition_figures(
    db: &impl ConnectionTrait,
    query: &TrainingStatisticsQuery,
) -> Result<Vec<EditionFigures>> {
    let mut editions = edition::Entity::find()
        .filter(edition::Column::StartsOn.gte(query.from))
        .filter(edition::Column::StartsOn.lte(query.to));
    if let Some(programme) = &query.programme_id {
        editions = editions.filter(edition::Column::ProgrammeId.eq(programme.as_uuid()));
    }
    let editions = editions
        .order_by_asc(edition::Column::StartsOn)
        .order_by_asc(edition::Column::Seq)
        .all(db)
        .await?;
    if editions.is_empty() {
        return Ok(Vec::new());
    }
    let mut programme_ids: Vec<Uuid> = editions.iter().map(|e| e.programme_id).collect();
    programme_ids.sort();
    programme_ids.dedup();
    let programmes: HashMap<Uuid, programme::Model> = programme::Entity::find()
        .filter(programme::Column::Id.is_in(programme_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut figures = Vec::with_capacity(editions.len());
    let mut positions = HashMap::new();
    for e in &editions {
        let programme = programmes.get(&e.programme_id).ok_or_else(|| {
            TrainingError::corrupt(format!("edition {} of a missing programme", e.id))
        })?;
        positions.insert(e.id, figures.len());
        figures.push(EditionFigures::of(
            summary_of(programme)?,
            EditionId::from(e.id),
            e.term.clone(),
            e.starts_on,
            count(e.capacity),
        ));
    }
    let ids: Vec<Uuid> = editions.iter().map(|e| e.id).collect();
    let by_state: Vec<(Uuid, String, i64)> = application::Entity::find()
        .select_only()
        .column(application::Column::EditionId)
        .column(application::Column::State)
        .column_as(application::Column::Seq.count(), "n")
        .filter(application::Column::EditionId.is_in(ids))
        .group_by(application::Column::EditionId)
        .group_by(application::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    for (edition_id, state, n) in by_state {
        if let Some(&i) = positions.get(&edition_id) {
            figures[i].count(
                state_of(&state)?,
                u32::try_from(n).unwrap_or(if n < 0 { 0 } else { u32::MAX }),
            );
        }
    }
    Ok(figures)
}
