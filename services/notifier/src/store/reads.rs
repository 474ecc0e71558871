//! The log of staff reads of personal data (ADR 0039): a batch written once (`ON CONFLICT
//! DO NOTHING` on batch and record), pages newest first by filter, and deletion by age.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::personal_data_reads as row;
use crate::domain::reads::{EntityType, ReadBatch, ReadFilter, ReadView};

/// Rows one insert statement carries at most (well under every backend's limit of bound
/// parameters: eight per row).
const ROWS_PER_INSERT: usize = 500;

/// Writes `batch`, read by `actor_subject` (`actor_name`): one row per record, none for a
/// record of a batch already written. Answers how many rows were written.
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    actor_subject: &str,
    actor_name: &str,
    batch: &ReadBatch,
) -> Result<u64, DbErr> {
    let batch_id = batch.batch_id.to_string();
    let mut written = 0;
    for chunk in batch.reads.chunks(ROWS_PER_INSERT) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new("personal_data_reads"))
            .columns(
                [
                    "batch_id",
                    "actor_subject",
                    "actor_name",
                    "entity_type",
                    "entity_id",
                    "fields",
                    "operation",
                    "read_at",
                ]
                .map(Alias::new),
            );
        for read in chunk {
            let fields = serde_json::to_string(&read.fields).unwrap_or_else(|_| "[]".into());
            insert.values_panic([
                batch_id.clone().into(),
                actor_subject.into(),
                actor_name.into(),
                read.entity_type.as_str().into(),
                read.entity_id.clone().into(),
                fields.into(),
                batch.operation.clone().into(),
                batch.read_at.into(),
            ]);
        }
        insert.on_conflict(
            OnConflict::columns(["batch_id", "entity_type", "entity_id"].map(Alias::new))
                .do_nothing()
                .to_owned(),
        );
        let statement = db.get_database_backend().build(&insert);
        written += db.execute_raw(statement).await?.rows_affected();
    }
    Ok(written)
}

fn view(m: row::Model) -> ReadView {
    ReadView {
        seq: m.seq,
        actor_subject: m.actor_subject,
        actor_name: m.actor_name,
        // Only the domain's types are written; an unknown one would be a newer release's.
        entity_type: EntityType::parse(&m.entity_type).unwrap_or(EntityType::TrainingApplication),
        entity_id: m.entity_id,
        fields: serde_json::from_str(&m.fields).unwrap_or_default(),
        operation: m.operation,
        read_at: m.read_at,
    }
}

/// One page of the recorded reads `filter` selects, newest first: those before the row with
/// `before_seq`, at most `limit`, plus how many match in all.
pub(crate) async fn page(
    db: &impl ConnectionTrait,
    filter: &ReadFilter,
    before_seq: Option<i64>,
    limit: u64,
) -> Result<(Vec<ReadView>, u64), DbErr> {
    let mut q = row::Entity::find();
    if let Some(subject) = &filter.actor_subject {
        q = q.filter(row::Column::ActorSubject.eq(subject.as_str()));
    }
    if let Some((entity_type, id)) = &filter.entity {
        q = q.filter(row::Column::EntityType.eq(entity_type.as_str()));
        if let Some(id) = id {
            q = q.filter(row::Column::EntityId.eq(id.as_str()));
        }
    }
    if let Some(from) = filter.from {
        q = q.filter(row::Column::ReadAt.gte(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(row::Column::ReadAt.lt(to));
    }
    let total = q.clone().count(db).await?;
    if let Some(seq) = before_seq {
        q = q.filter(row::Column::Seq.lt(seq));
    }
    let rows = q
        .order_by_desc(row::Column::Seq)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(view).collect(), total))
}

/// Up to `limit` sequence numbers of reads before `cutoff`, oldest first.
pub(crate) async fn expired(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    row::Entity::find()
        .select_only()
        .column(row::Column::Seq)
        .filter(row::Column::ReadAt.lt(cutoff))
        .order_by_asc(row::Column::Seq)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Deletes the reads `seqs`; answers how many went.
pub(crate) async fn delete(db: &impl ConnectionTrait, seqs: &[i64]) -> Result<u64, DbErr> {
    if seqs.is_empty() {
        return Ok(0);
    }
    let gone = row::Entity::delete_many()
        .filter(row::Column::Seq.is_in(seqs.iter().copied()))
        .exec(db)
        .await?;
    Ok(gone.rows_affected)
}
