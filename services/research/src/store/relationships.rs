//! Relationships between Korean and foreign local governments, and their interaction logs.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use glocal_kit::store::page_with_total;

use super::Result;
use super::entities::{interaction, relationship};
use super::queries;
use crate::domain::{
    Interaction, InteractionId, InteractionKind, RelationshipId, RelationshipKind,
    RelationshipStatus, Revision,
};
use crate::error::ResearchError;

/// Which relationships a list shows; empty fields do not filter.
#[derive(Debug, Default)]
pub(crate) struct RelationshipQuery<'a> {
    /// Only these statuses, or (when `also_of` is set) those of this local government.
    pub(crate) visible_statuses: Option<Vec<&'static str>>,
    /// A local government whose relationships are visible whatever their status.
    pub(crate) also_of: Option<&'a str>,
    /// Of this Korean local government.
    pub(crate) local_government_code: Option<&'a str>,
    /// With this foreign local government (its key).
    pub(crate) partner_organisation_id: Option<String>,
    /// Any of these kinds.
    pub(crate) kinds: &'a [RelationshipKind],
    /// Any of these statuses.
    pub(crate) statuses: &'a [RelationshipStatus],
}

/// A new relationship's row.
pub(crate) struct NewRelationship<'a> {
    /// Its id.
    pub(crate) id: RelationshipId,
    /// Kind.
    pub(crate) kind: RelationshipKind,
    /// Status.
    pub(crate) status: RelationshipStatus,
    /// Korean local government.
    pub(crate) local_government_code: &'a str,
    /// Foreign local government (its key).
    pub(crate) partner_organisation_id: String,
    /// Signing date.
    pub(crate) signed_on: Option<String>,
    /// Note.
    pub(crate) note: String,
}

/// A status change.
pub(crate) struct StatusChange {
    /// Status after.
    pub(crate) status: RelationshipStatus,
    /// When.
    pub(crate) at: DateTime<Utc>,
    /// The new note, if any.
    pub(crate) note: Option<String>,
    /// The new signing date, if any.
    pub(crate) signed_on: Option<String>,
    /// The end date, when it ends (the pair may then start a new live relationship).
    pub(crate) ended_on: Option<String>,
}

fn view(r: relationship::Model) -> Result<crate::domain::Relationship> {
    Ok(crate::domain::Relationship {
        id: RelationshipId::parse(&r.id, "id").map_err(ResearchError::corrupt)?,
        kind: RelationshipKind::parse(&r.kind).map_err(ResearchError::corrupt)?,
        status: RelationshipStatus::parse(&r.status).map_err(ResearchError::corrupt)?,
        revision: Revision::parse(r.revision).map_err(ResearchError::corrupt)?,
        interaction_count: 0,
        local_government_code: r.local_government_code,
        partner_organisation_id: r.partner_organisation_id,
        signed_on: r.signed_on,
        ended_on: r.ended_on,
        note: r.note,
        created_at: r.created_at,
    })
}

/// The relationship (its interaction count not filled in), if it exists.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<crate::domain::Relationship>> {
    relationship::Entity::find()
        .filter(relationship::Column::Id.eq(key))
        .one(db)
        .await?
        .map(view)
        .transpose()
}

/// The relationships with these keys (interaction counts not filled in), in no particular
/// order.
pub(crate) async fn find_many(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<Vec<crate::domain::Relationship>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    relationship::Entity::find()
        .filter(relationship::Column::Id.is_in(keys.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// A window of the list (interaction counts not filled in), in the order they were
/// recorded, and how many match in all.
pub(crate) async fn list(
    db: &impl ConnectionTrait,
    query: &RelationshipQuery<'_>,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<crate::domain::Relationship>)> {
    let mut cond = Condition::all();
    if let Some(public) = &query.visible_statuses {
        let mut visible =
            Condition::any().add(relationship::Column::Status.is_in(public.iter().copied()));
        if let Some(org) = query.also_of {
            visible = visible.add(relationship::Column::LocalGovernmentCode.eq(org));
        }
        cond = cond.add(visible);
    }
    if let Some(lg) = query.local_government_code {
        cond = cond.add(relationship::Column::LocalGovernmentCode.eq(lg));
    }
    if let Some(org) = &query.partner_organisation_id {
        cond = cond.add(relationship::Column::PartnerOrganisationId.eq(org.clone()));
    }
    if !query.kinds.is_empty() {
        cond = cond.add(relationship::Column::Kind.is_in(query.kinds.iter().map(|k| k.as_str())));
    }
    if !query.statuses.is_empty() {
        cond =
            cond.add(relationship::Column::Status.is_in(query.statuses.iter().map(|s| s.as_str())));
    }
    let select = relationship::Entity::find()
        .filter(cond.clone())
        .order_by_asc(relationship::Column::Seq)
        .offset(offset);
    let (rows, total) = page_with_total(db, select, Some(cond), offset == 0, limit).await?;
    Ok((total, rows.into_iter().map(view).collect::<Result<_>>()?))
}

/// Records the relationship (first revision) and answers it as stored (an empty log);
/// `Ok(None)` when the pair already has a live one of the kind (a unique violation).
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    new: NewRelationship<'_>,
    at: DateTime<Utc>,
) -> Result<Option<crate::domain::Relationship>> {
    let result = relationship::Entity::insert(relationship::ActiveModel {
        id: Set(new.id.to_key()),
        kind: Set(new.kind.as_str().to_owned()),
        status: Set(new.status.as_str().to_owned()),
        local_government_code: Set(new.local_government_code.to_owned()),
        partner_organisation_id: Set(new.partner_organisation_id.clone()),
        live_key: Set("open".into()),
        signed_on: Set(new.signed_on.clone()),
        ended_on: Set(None),
        note: Set(new.note.clone()),
        created_at: Set(at),
        updated_at: Set(at),
        revision: Set(1),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await;
    Ok(
        super::inserted(result)?.then(|| crate::domain::Relationship {
            id: new.id,
            kind: new.kind,
            status: new.status,
            local_government_code: new.local_government_code.to_owned(),
            partner_organisation_id: new.partner_organisation_id,
            signed_on: new.signed_on,
            ended_on: None,
            note: new.note,
            created_at: at,
            revision: Revision::FIRST,
            interaction_count: 0,
        }),
    )
}

/// Writes the status change only when the stored revision is still `revision` (then it goes
/// up by one); `Ok(false)` when it was not.
pub(crate) async fn update_status_if(
    db: &impl ConnectionTrait,
    key: &str,
    revision: i64,
    change: StatusChange,
) -> Result<bool> {
    let mut set = relationship::ActiveModel {
        status: Set(change.status.as_str().to_owned()),
        updated_at: Set(change.at),
        revision: Set(revision + 1),
        ..Default::default()
    };
    if let Some(note) = change.note {
        set.note = Set(note);
    }
    if let Some(day) = change.signed_on {
        set.signed_on = Set(Some(day));
    }
    if let Some(day) = change.ended_on {
        set.ended_on = Set(Some(day));
        set.live_key = Set(key.to_owned());
    }
    let result = relationship::Entity::update_many()
        .set(set)
        .filter(relationship::Column::Id.eq(key))
        .filter(relationship::Column::Revision.eq(revision))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// How many entries each of the relationships' logs has (absent: none), in one query.
pub(crate) async fn interaction_counts(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<HashMap<String, u64>> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(interaction::Entity::find()
        .select_only()
        .column(interaction::Column::RelationshipId)
        .column_as(Expr::col(interaction::Column::Seq).count(), "n")
        .filter(interaction::Column::RelationshipId.is_in(keys.to_vec()))
        .group_by(interaction::Column::RelationshipId)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

fn interaction_view(r: interaction::Model) -> Result<Interaction> {
    Ok(Interaction {
        id: InteractionId::parse(&r.id, "id").map_err(ResearchError::corrupt)?,
        kind: InteractionKind::parse(&r.kind).map_err(ResearchError::corrupt)?,
        relationship_id: r.relationship_id,
        occurred_on: r.occurred_on,
        summary: r.summary,
        recorded_by_subject: r.recorded_by_subject,
        recorded_by_name: r.recorded_by_name,
        created_at: r.created_at,
    })
}

/// Adds the entry to its relationship's log.
pub(crate) async fn insert_interaction(
    db: &impl ConnectionTrait,
    entry: &Interaction,
) -> Result<()> {
    interaction::Entity::insert(interaction::ActiveModel {
        id: Set(entry.id.to_key()),
        relationship_id: Set(entry.relationship_id.clone()),
        kind: Set(entry.kind.as_str().to_owned()),
        occurred_on: Set(entry.occurred_on.clone()),
        summary: Set(entry.summary.clone()),
        recorded_by_subject: Set(entry.recorded_by_subject.clone()),
        recorded_by_name: Set(entry.recorded_by_name.clone()),
        created_at: Set(entry.created_at),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The log entry, if it exists.
pub(crate) async fn find_interaction(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<Interaction>> {
    interaction::Entity::find()
        .filter(interaction::Column::Id.eq(key))
        .one(db)
        .await?
        .map(interaction_view)
        .transpose()
}

/// A window of a relationship's log, most recent first, and how many entries it has.
pub(crate) async fn list_interactions(
    db: &impl ConnectionTrait,
    relationship_key: &str,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<Interaction>)> {
    let q = interaction::Entity::find()
        .filter(interaction::Column::RelationshipId.eq(relationship_key));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(interaction::Column::OccurredOn)
        .order_by_desc(interaction::Column::Seq)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let items = rows
        .into_iter()
        .map(interaction_view)
        .collect::<Result<_>>()?;
    Ok((total, items))
}

/// The newest `per` entries of each of the relationships' logs, grouped by relationship
/// key, in the order of [`list_interactions`] within each.
pub(crate) async fn latest_interactions(
    db: &impl ConnectionTrait,
    relationship_keys: &[String],
    per: u64,
) -> Result<HashMap<String, Vec<Interaction>>> {
    let mut entries: HashMap<String, Vec<Interaction>> = HashMap::new();
    for row in queries::latest_interactions(db, relationship_keys, per).await? {
        entries
            .entry(row.relationship_id.clone())
            .or_default()
            .push(interaction_view(row)?);
    }
    Ok(entries)
}
