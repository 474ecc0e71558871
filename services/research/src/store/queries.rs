//! Queries beyond plain entity reads: row locks that keep the vocabulary consistent under
//! concurrent calls, usage counts, the first pages of several interaction logs at once, the
//! audit log and the idempotency ledger.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    Statement,
};

use super::entities::{idempotency, interaction};
use super::search::{Sql, contains_pattern};
use crate::error::ResearchError;

/// Whether the area exists, locking its row until the transaction ends: shared (`FOR
/// SHARE`, taken by writes that use the concept) or exclusive (`FOR UPDATE`, taken by its
/// deletion) on PostgreSQL. SQLite runs one writer at a time, which is the same guarantee.
pub(crate) async fn lock_area<C: ConnectionTrait>(
    c: &C,
    code: &str,
    exclusive: bool,
) -> Result<bool, DbErr> {
    let backend = c.get_database_backend();
    let sql = match (backend, exclusive) {
        (DbBackend::Postgres, false) => "SELECT code FROM research_area WHERE code = $1 FOR SHARE",
        (DbBackend::Postgres, true) => "SELECT code FROM research_area WHERE code = $1 FOR UPDATE",
        _ => "SELECT code FROM research_area WHERE code = ?",
    };
    Ok(
        c.query_one_raw(Statement::from_sql_and_values(backend, sql, [code.into()]))
            .await?
            .is_some(),
    )
}

/// How many practices, contacts and opportunities use the area.
pub(crate) async fn area_usage<C: ConnectionTrait>(c: &C, code: &str) -> Result<i64, DbErr> {
    let backend = c.get_database_backend();
    let (p1, p2, p3) = if backend == DbBackend::Postgres {
        ("$1", "$2", "$3")
    } else {
        ("?", "?", "?")
    };
    let list = contains_pattern(&format!(",{code},"));
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM practice WHERE area_code = {p1}) \
         + (SELECT COUNT(*) FROM contact WHERE expertise LIKE {p2} ESCAPE '!') \
         + (SELECT COUNT(*) FROM opportunity WHERE area_codes LIKE {p3} ESCAPE '!') AS n"
    );
    let row = c
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [code.into(), list.clone().into(), list.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("usage".into()))?;
    row.try_get("", "n")
}

/// The newest `per` entries of each of the relationships' logs, in the order of
/// `list_interactions` (`occurred_on`, then `seq`, descending) within each relationship: one
/// window query for all of them, whatever their number.
pub(crate) async fn latest_interactions<C: ConnectionTrait>(
    c: &C,
    relationship_ids: &[String],
    per: u64,
) -> Result<Vec<interaction::Model>, DbErr> {
    if relationship_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        c.get_database_backend(),
        "SELECT seq, id, relationship_id, kind, occurred_on, summary, recorded_by_subject, \
         recorded_by_name, created_at FROM (SELECT interaction.*, ROW_NUMBER() OVER \
         (PARTITION BY relationship_id ORDER BY occurred_on DESC, seq DESC) AS rn \
         FROM interaction WHERE relationship_id IN ",
    );
    sql.bind_list(relationship_ids);
    sql.push(") ranked WHERE rn <= ");
    sql.bind(i64::try_from(per).unwrap_or(i64::MAX));
    sql.push(" ORDER BY relationship_id, rn");
    interaction::Entity::find()
        .from_raw_sql(sql.statement())
        .all(c)
        .await
}

/// The table of research's audit rows (kit's one audit shape, ADR 0033).
pub(crate) const AUDIT_TABLE: &str = "audit";

/// Appends an audit row of the partner network or the vocabulary.
pub(crate) async fn insert_audit<C: ConnectionTrait>(
    c: &C,
    entry: &glocal_kit::audit::AuditEntry,
) -> Result<(), DbErr> {
    glocal_kit::audit::insert(c, AUDIT_TABLE, entry).await
}

/// An idempotency ledger entry: what a key made, and from which input.
pub(crate) struct LedgerEntry {
    /// The resource the first call made.
    pub(crate) resource_id: String,
    /// The first call's input.
    pub(crate) fingerprint: String,
}

/// The ledger entry of (subject, operation, key), if any.
pub(crate) async fn find_idempotency<C: ConnectionTrait>(
    c: &C,
    subject: &str,
    operation: &str,
    key: &str,
) -> Result<Option<LedgerEntry>, DbErr> {
    Ok(idempotency::Entity::find()
        .filter(idempotency::Column::Subject.eq(subject))
        .filter(idempotency::Column::Operation.eq(operation))
        .filter(idempotency::Column::Key.eq(key))
        .one(c)
        .await?
        .map(|row| LedgerEntry {
            resource_id: row.resource_id,
            fingerprint: row.fingerprint,
        }))
}

/// Claims (subject, operation, key) for `resource_id`: `Ok(None)` when claimed, `Ok(Some(e))`
/// when another call holds it (`e` is the unique violation, for a caller that finds no holder
/// after all).
pub(crate) async fn insert_idempotency<C: ConnectionTrait>(
    c: &C,
    subject: &str,
    operation: &str,
    key: &str,
    resource_id: &str,
    fingerprint: &str,
    at: DateTime<Utc>,
) -> Result<Option<ResearchError>, ResearchError> {
    let row = idempotency::ActiveModel {
        subject: Set(subject.to_owned()),
        operation: Set(operation.to_owned()),
        key: Set(key.to_owned()),
        resource_id: Set(resource_id.to_owned()),
        fingerprint: Set(fingerprint.to_owned()),
        created_at: Set(at),
        ..Default::default()
    };
    match idempotency::Entity::insert(row)
        .exec_without_returning(c)
        .await
    {
        Ok(_) => Ok(None),
        Err(e) if glocal_kit::db_error::is_unique_violation(&e) => Ok(Some(e.into())),
        Err(e) => Err(e.into()),
    }
}
