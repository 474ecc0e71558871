//! The one audit row shape (`glocal.common.v1.AuditEntry`): who did what to which
//! aggregate, from which state to which, when, with a note; and [`insert`], which writes
//! one into a service's audit table (`audit`, or a per-aggregate history table of the same
//! columns) in the caller's transaction.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, DbErr, Value};

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The aggregate's type, e.g. `Event`.
    pub aggregate_type: String,
    /// The aggregate's id, typed as the table stores it.
    pub aggregate_id: crate::outbox::AggregateId,
    /// The action, e.g. `PUBLISH`.
    pub action: String,
    /// The state before, if any.
    pub from_state: Option<String>,
    /// The state after, if any.
    pub to_state: Option<String>,
    /// The actor's subject.
    pub actor_subject: String,
    /// The actor's display name.
    pub actor_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// A free note; may be empty.
    pub note: String,
}

impl AuditEntry {
    /// The entry as the proto carries it (absent states are empty; ids as text).
    pub fn to_proto(&self) -> glocal_proto::common::v1::AuditEntry {
        glocal_proto::common::v1::AuditEntry {
            aggregate_type: self.aggregate_type.clone(),
            aggregate_id: match &self.aggregate_id {
                crate::outbox::AggregateId::Uuid(u) => u.to_string(),
                crate::outbox::AggregateId::Text(t) => t.clone(),
            },
            action: self.action.clone(),
            from_state: self.from_state.clone().unwrap_or_default(),
            to_state: self.to_state.clone().unwrap_or_default(),
            actor_subject: self.actor_subject.clone(),
            actor_name: self.actor_name.clone(),
            at: Some(crate::grpc::ts(self.at)),
            note: self.note.clone(),
        }
    }
}

/// Writes `entry` into `table` (columns `aggregate_type`, `aggregate_id`, `action`,
/// `from_state`, `to_state`, `actor_subject`, `actor_name`, `at`, `note`).
pub async fn insert(
    db: &impl ConnectionTrait,
    table: &str,
    entry: &AuditEntry,
) -> Result<(), DbErr> {
    let aggregate: Value = match &entry.aggregate_id {
        crate::outbox::AggregateId::Uuid(u) => (*u).into(),
        crate::outbox::AggregateId::Text(t) => t.clone().into(),
    };
    let insert = Query::insert()
        .into_table(Alias::new(table))
        .columns(
            [
                "aggregate_type",
                "aggregate_id",
                "action",
                "from_state",
                "to_state",
                "actor_subject",
                "actor_name",
                "at",
                "note",
            ]
            .map(Alias::new),
        )
        .values_panic([
            entry.aggregate_type.clone().into(),
            aggregate.into(),
            entry.action.clone().into(),
            entry.from_state.clone().into(),
            entry.to_state.clone().into(),
            entry.actor_subject.clone().into(),
            entry.actor_name.clone().into(),
            entry.at.into(),
            entry.note.clone().into(),
        ])
        .to_owned();
    db.execute_raw(db.get_database_backend().build(&insert))
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use sea_orm_migration::SchemaManager;

    use super::*;
    use crate::migration::{string, string_null, table, text, ts, uuid};

    #[tokio::test]
    async fn an_entry_is_written_and_reads_back() {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        SchemaManager::new(&db)
            .create_table(table(
                "audit",
                vec![
                    string("aggregate_type"),
                    uuid("aggregate_id"),
                    string("action"),
                    string_null("from_state"),
                    string_null("to_state"),
                    string("actor_subject"),
                    string("actor_name"),
                    ts("at"),
                    text("note"),
                ],
            ))
            .await
            .unwrap();
        let id = uuid::Uuid::new_v4();
        let entry = AuditEntry {
            aggregate_type: "Event".into(),
            aggregate_id: id.into(),
            action: "PUBLISH".into(),
            from_state: Some("DRAFT".into()),
            to_state: Some("PUBLISHED".into()),
            actor_subject: "u1".into(),
            actor_name: "Kim".into(),
            at: DateTime::from_timestamp(1_767_225_600, 0).unwrap(),
            note: String::new(),
        };
        insert(&db, "audit", &entry).await.unwrap();
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT action, from_state, to_state, at FROM audit",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get::<String>("", "action").unwrap(), "PUBLISH");
        assert_eq!(
            row.try_get::<Option<String>>("", "from_state").unwrap(),
            Some("DRAFT".into())
        );
        assert_eq!(row.try_get::<DateTime<Utc>>("", "at").unwrap(), entry.at);
        let pb = entry.to_proto();
        assert_eq!(pb.aggregate_id, id.to_string());
        assert_eq!(pb.to_state, "PUBLISHED");
    }
}
