//! The outbox's write side: [`append`] one typed [`Change`] in the caller's transaction, so
//! the event is committed exactly when the change it reports is; the relay (the parent
//! module) publishes it later. A change names its aggregate (type and id), what happened,
//! the other entities it touched (the service decides which: consumers drop cached copies
//! of exactly those) and a JSON payload. [`entity`] is the sea-orm entity of the `outbox` table for stores
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
        /// The changed aggregate's type (`''` for rows written before it existed).
        pub aggregate_type: String,
        /// The touched entities, a JSON array of [`EntityRef`](super::EntityRef).
        pub touched: String,
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

/// One entity a change touched: its type (e.g. `Event`, `Organisation`) and its id or code
/// (the kit side of `glocal.common.v1.EntityRef`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct EntityRef {
    /// The entity's type, e.g. `ServiceRequest`, `Event`, `LocalGovernment`.
    #[serde(rename = "type")]
    pub entity_type: String,
    /// Its id or code.
    pub id: String,
}

impl EntityRef {
    /// The entity `id` of type `entity_type`.
    pub fn new(entity_type: &str, id: impl ToString) -> EntityRef {
        EntityRef {
            entity_type: entity_type.to_owned(),
            id: id.to_string(),
        }
    }

    /// The touched set as the outbox and the streams carry it (a JSON array).
    pub fn list_json(refs: &[EntityRef]) -> String {
        serde_json::to_string(refs).unwrap_or_else(|_| "[]".to_owned())
    }

    /// The touched set of `json` (empty when it is not such an array).
    pub fn parse_list(json: &str) -> Vec<EntityRef> {
        serde_json::from_str(json).unwrap_or_default()
    }
}

impl From<EntityRef> for glocal_proto::common::v1::EntityRef {
    fn from(r: EntityRef) -> Self {
        glocal_proto::common::v1::EntityRef {
            r#type: r.entity_type,
            id: r.id,
        }
    }
}

/// One change to write to the outbox: which aggregate, what happened, which other entities
/// it touched, and the details.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The changed aggregate's type, e.g. `ServiceRequest`.
    pub aggregate_type: &'static str,
    /// The changed aggregate's id.
    pub aggregate_id: AggregateId,
    /// What happened, e.g. `ServiceRequestStateChanged`.
    pub kind: String,
    /// The other entities the change touched (stale from now on wherever cached).
    pub touched: Vec<EntityRef>,
    /// The details (a JSON object).
    pub payload: serde_json::Value,
}

impl Change {
    /// A `kind` change of the `aggregate_type` `aggregate_id`, touching nothing else yet.
    pub fn new(
        aggregate_type: &'static str,
        aggregate_id: impl Into<AggregateId>,
        kind: &str,
        payload: serde_json::Value,
    ) -> Change {
        Change {
            aggregate_type,
            aggregate_id: aggregate_id.into(),
            kind: kind.to_owned(),
            touched: Vec::new(),
            payload,
        }
    }

    /// The change, also touching the `entity_type` `id` (an empty id names nothing and is
    /// left out).
    #[must_use]
    pub fn touching(self, entity_type: &str, id: impl ToString) -> Change {
        self.touching_all([EntityRef::new(entity_type, id)])
    }

    /// The change, also touching every entity of `refs` (each once; empty ids left out).
    #[must_use]
    pub fn touching_all(mut self, refs: impl IntoIterator<Item = EntityRef>) -> Change {
        for r in refs {
            if !r.id.is_empty() && !self.touched.contains(&r) {
                self.touched.push(r);
            }
        }
        self
    }
}

/// Writes `change` to the outbox through `db` (pass the transaction of the change) and
/// returns the event's id.
pub async fn append(
    db: &impl ConnectionTrait,
    change: &Change,
    at: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    let (id_value, aggregate_value): (Value, Value) = match &change.aggregate_id {
        AggregateId::Uuid(a) => (id.into(), (*a).into()),
        AggregateId::Text(a) => (id.to_string().into(), a.clone().into()),
    };
    let insert = Query::insert()
        .into_table(Alias::new("outbox"))
        .columns([
            Alias::new("id"),
            Alias::new("aggregate_id"),
            Alias::new("aggregate_type"),
            Alias::new("event_type"),
            Alias::new("touched"),
            Alias::new("payload"),
            Alias::new("created_at"),
        ])
        .values_panic([
            id_value.into(),
            aggregate_value.into(),
            change.aggregate_type.into(),
            change.kind.as_str().into(),
            EntityRef::list_json(&change.touched).into(),
            super::actor::stamp(&change.payload).to_string().into(),
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
    use crate::migration::{OutboxChangeColumns, OutboxKeys, create_outbox};
    use sea_orm_migration::MigrationTrait;

    async fn database(keys: OutboxKeys) -> sea_orm::DatabaseConnection {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let m = SchemaManager::new(&db);
        create_outbox(&m, keys).await.unwrap();
        OutboxChangeColumns.up(&m).await.unwrap();
        db
    }

    #[tokio::test]
    async fn appended_events_read_back_through_the_entity() {
        let db = database(OutboxKeys::Uuid).await;
        let aggregate = Uuid::new_v4();
        let at = DateTime::from_timestamp(1_767_225_600, 0).unwrap();
        let payload = serde_json::json!({ "state": "CLOSED" });
        let closed = Change::new("ServiceRequest", aggregate, "Closed", payload.clone())
            .touching("LocalGovernment", "11000")
            .touching("Department", "GAOK");
        let first = append(&db, &closed, at).await.unwrap();
        let reopened = Change::new(
            "ServiceRequest",
            aggregate,
            "Reopened",
            serde_json::json!({}),
        );
        let second = append(&db, &reopened, at).await.unwrap();
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
        assert_eq!(rows[0].aggregate_type, "ServiceRequest");
        assert_eq!(
            EntityRef::parse_list(&rows[0].touched),
            [
                EntityRef::new("LocalGovernment", "11000"),
                EntityRef::new("Department", "GAOK")
            ]
        );
        assert_eq!(EntityRef::parse_list(&rows[1].touched), []);
        assert_eq!(rows[0].created_at, at);
        assert_eq!(rows[0].published_at, None);
        assert!(rows[0].seq < rows[1].seq);
    }

    #[tokio::test]
    async fn text_keyed_outboxes_take_text_ids() {
        let db = database(OutboxKeys::Text).await;
        let change = Change::new(
            "Practice",
            "practice-1",
            "PracticeChanged",
            serde_json::json!({}),
        );
        let id = append(&db, &change, Utc::now()).await.unwrap();
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

#[cfg(test)]
mod old_rows {
    use sea_orm_migration::{MigrationTrait, SchemaManager};

    use crate::migration::{OutboxChangeColumns, OutboxKeys, create_outbox};

    #[tokio::test]
    async fn rows_written_before_the_migration_get_the_defaults() {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let m = SchemaManager::new(&db);
        create_outbox(&m, OutboxKeys::Text).await.unwrap();
        sea_orm::ConnectionTrait::execute_unprepared(
            &db,
            "INSERT INTO outbox (id, aggregate_id, event_type, payload, created_at) \
             VALUES ('e', 'a', 'Old', '{}', '2026-01-01T00:00:00+00:00')",
        )
        .await
        .unwrap();
        OutboxChangeColumns.up(&m).await.unwrap();
        let row = sea_orm::ConnectionTrait::query_one_raw(
            &db,
            sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Sqlite,
                "SELECT aggregate_type, touched FROM outbox",
            ),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(row.try_get::<String>("", "aggregate_type").unwrap(), "");
        assert_eq!(row.try_get::<String>("", "touched").unwrap(), "[]");
    }
}
