//! The outbox's write side: [`append`] one event in the caller's transaction, so the event
//! is committed exactly when the change it reports is; the relay (the parent module)
//! publishes it later. [`entity`] is the sea-orm entity of the `outbox` table for stores
//! that read it.
//!
//! Three services key their outbox by `uuid` columns; research keys it by text. An
//! [`AggregateId`] says which: the event's own id is written in the same type.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, DbErr, Value};
use uuid::Uuid;

/// The sea-orm entity of the `outbox` table with `uuid` keys (what
/// [`migration::outbox_table`](crate::migration::outbox_table) creates with
/// [`OutboxKeys::Uuid`](crate::migration::OutboxKeys::Uuid)).
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One outbox row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox")]
    pub struct Model {
        /// Publication order.
        #[sea_orm(primary_key)]
        pub seq: i64,
        /// The event's own id; consumers dedupe by it.
        #[sea_orm(unique)]
        pub id: Uuid,
        /// The changed aggregate.
        pub aggregate_id: Uuid,
        /// What happened.
        pub event_type: String,
        /// JSON details.
        pub payload: String,
        /// When the change was written.
        pub created_at: DateTimeUtc,
        /// When the relay published it; `None` until then.
        pub published_at: Option<DateTimeUtc>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The id of the aggregate an event is about, typed as the service's outbox stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AggregateId {
    /// A `uuid` column (requests, training, events).
    Uuid(Uuid),
    /// A text column (research).
    Text(String),
}

impl From<Uuid> for AggregateId {
    fn from(id: Uuid) -> Self {
        AggregateId::Uuid(id)
    }
}

impl From<&str> for AggregateId {
    fn from(id: &str) -> Self {
        AggregateId::Text(id.to_owned())
    }
}

impl From<String> for AggregateId {
    fn from(id: String) -> Self {
        AggregateId::Text(id)
    }
}

/// Writes one event about `aggregate` to the outbox through `db` (pass the transaction of
/// the change) and returns the event's id.
pub async fn append(
    db: &impl ConnectionTrait,
    aggregate: impl Into<AggregateId>,
    event_type: &str,
    payload: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    let (id_value, aggregate_value): (Value, Value) = match aggregate.into() {
        AggregateId::Uuid(a) => (id.into(), a.into()),
        AggregateId::Text(a) => (id.to_string().into(), a.into()),
    };
    let insert = Query::insert()
        .into_table(Alias::new("outbox"))
        .columns([
            Alias::new("id"),
            Alias::new("aggregate_id"),
            Alias::new("event_type"),
            Alias::new("payload"),
            Alias::new("created_at"),
        ])
        .values_panic([
            id_value.into(),
            aggregate_value.into(),
            event_type.into(),
            payload.to_string().into(),
            at.into(),
        ])
        .to_owned();
    let statement = db.get_database_backend().build(&insert);
    db.execute_raw(statement).await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use sea_orm::{EntityTrait, QueryOrder};
    use sea_orm_migration::SchemaManager;

    use super::*;
    use crate::migration::{OutboxKeys, create_outbox};

    async fn database(keys: OutboxKeys) -> sea_orm::DatabaseConnection {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        create_outbox(&SchemaManager::new(&db), keys).await.unwrap();
        db
    }

    #[tokio::test]
    async fn appended_events_read_back_through_the_entity() {
        let db = database(OutboxKeys::Uuid).await;
        let aggregate = Uuid::new_v4();
        let at = DateTime::from_timestamp(1_767_225_600, 0).unwrap();
        let payload = serde_json::json!({ "state": "CLOSED" });
        let first = append(&db, aggregate, "Closed", &payload, at)
            .await
            .unwrap();
        let second = append(&db, aggregate, "Reopened", &serde_json::json!({}), at)
            .await
            .unwrap();
        let rows = entity::Entity::find()
            .order_by_asc(entity::Column::Seq)
            .all(&db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].id, rows[1].id), (first, second));
        assert_eq!(rows[0].aggregate_id, aggregate);
        assert_eq!(rows[0].event_type, "Closed");
        assert_eq!(rows[0].payload, payload.to_string());
        assert_eq!(rows[0].created_at, at);
        assert_eq!(rows[0].published_at, None);
        assert!(rows[0].seq < rows[1].seq);
    }

    #[tokio::test]
    async fn text_keyed_outboxes_take_text_ids() {
        let db = database(OutboxKeys::Text).await;
        let id = append(
            &db,
            "practice-1",
            "PracticeChanged",
            &serde_json::json!({}),
            Utc::now(),
        )
        .await
        .unwrap();
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT id, aggregate_id FROM outbox",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get::<String>("", "id").unwrap(), id.to_string());
        assert_eq!(
            row.try_get::<String>("", "aggregate_id").unwrap(),
            "practice-1"
        );
    }
}
