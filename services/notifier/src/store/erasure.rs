//! Erasure requests (ADR 0040): their table, its migration, and the writes that erase the
//! notifier's own data about a person (contact, preferences, research subscriptions, notices
//! and their deliveries).

use chrono::{DateTime, Utc};
use glocal_kit::migration::{
    index, string, string_null, table, text, text_null, ts, ts_null, uuid,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use sea_orm_migration::prelude::{MigrationName, MigrationTrait, SchemaManager};
use uuid::Uuid;

use super::entities::{contact, delivery, notice, preference};
use crate::domain::erasure::ErasureState;

/// The table of erasure requests.
pub(crate) mod erasure_request {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "erasure_request")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub id: Uuid,
        pub subject: String,
        pub name: String,
        pub reason: String,
        pub state: String,
        pub requested_at: DateTimeUtc,
        pub decided_at: Option<DateTimeUtc>,
        pub decided_by_subject: Option<String>,
        pub decided_by_name: Option<String>,
        pub decision_note: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The migration that creates `erasure_request`.
pub(crate) struct ErasureRequests;

impl MigrationName for ErasureRequests {
    fn name(&self) -> &str {
        "m20261204_000003_erasure_requests"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for ErasureRequests {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let columns = vec![
            uuid("id"),
            string("subject"),
            string("name"),
            text("reason"),
            string("state"),
            ts("requested_at"),
            ts_null("decided_at"),
            string_null("decided_by_subject"),
            string_null("decided_by_name"),
            text_null("decision_note"),
        ];
        m.create_table(table("erasure_request", columns)).await?;
        m.create_index(index(
            "erasure_request",
            "erasure_request_id",
            &["id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "erasure_request",
            "erasure_request_subject",
            &["subject", "state"],
            false,
        ))
        .await
    }
}

/// One erasure request as stored.
pub(crate) type Row = erasure_request::Model;

/// Stores a new pending request of `subject`.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    subject: &str,
    name: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Row, DbErr> {
    erasure_request::ActiveModel {
        id: Set(Uuid::new_v4()),
        subject: Set(subject.to_owned()),
        name: Set(name.to_owned()),
        reason: Set(reason.to_owned()),
        state: Set(ErasureState::Pending.as_str().to_owned()),
        requested_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Whether `subject` has a pending request.
pub(crate) async fn has_pending(db: &impl ConnectionTrait, subject: &str) -> Result<bool, DbErr> {
    Ok(erasure_request::Entity::find()
        .filter(erasure_request::Column::Subject.eq(subject))
        .filter(erasure_request::Column::State.eq(ErasureState::Pending.as_str()))
        .count(db)
        .await?
        > 0)
}

/// Whether `subject` was erased (an approved request) at or after `since`: an event
/// published before the erasure but handled after it makes nothing for them.
pub(crate) async fn erased_since(
    db: &impl ConnectionTrait,
    subject: &str,
    since: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(erasure_request::Entity::find()
        .filter(erasure_request::Column::Subject.eq(subject))
        .filter(erasure_request::Column::State.eq(ErasureState::Approved.as_str()))
        .filter(erasure_request::Column::DecidedAt.gte(since))
        .count(db)
        .await?
        > 0)
}

/// Request `id`, if it exists.
pub(crate) async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Row>, DbErr> {
    erasure_request::Entity::find()
        .filter(erasure_request::Column::Id.eq(id))
        .one(db)
        .await
}

/// One page of requests, newest first: of `subject` only and in `state` only when given,
/// before the one with `before_seq`, at most `limit`, plus how many match in all.
pub(crate) async fn list(
    db: &impl ConnectionTrait,
    subject: Option<&str>,
    state: Option<ErasureState>,
    before_seq: Option<i64>,
    limit: u64,
) -> Result<(Vec<Row>, u64), DbErr> {
    use erasure_request::Column as C;
    let mut q = erasure_request::Entity::find();
    if let Some(subject) = subject {
        q = q.filter(C::Subject.eq(subject));
    }
    if let Some(state) = state {
        q = q.filter(C::State.eq(state.as_str()));
    }
    let total = q.clone().count(db).await?;
    if let Some(before) = before_seq {
        q = q.filter(C::Seq.lt(before));
    }
    let rows = q.order_by_desc(C::Seq).limit(limit).all(db).await?;
    Ok((rows, total))
}

/// Who decided, when and why.
pub(crate) struct Decision<'a> {
    /// The new state.
    pub state: ErasureState,
    /// The administrator's subject.
    pub by_subject: &'a str,
    /// The administrator's name.
    pub by_name: &'a str,
    /// Their note (empty: none).
    pub note: &'a str,
    /// When.
    pub at: DateTime<Utc>,
}

/// Records `decision` on request `id` if it is still pending; false when it is not (any more).
pub(crate) async fn decide(
    db: &impl ConnectionTrait,
    id: Uuid,
    decision: &Decision<'_>,
) -> Result<bool, DbErr> {
    use erasure_request::Column as C;
    let note = (!decision.note.is_empty()).then(|| decision.note.to_owned());
    let done = erasure_request::Entity::update_many()
        .col_expr(C::State, Expr::value(decision.state.as_str()))
        .col_expr(C::DecidedAt, Expr::value(decision.at))
        .col_expr(C::DecidedBySubject, Expr::value(decision.by_subject))
        .col_expr(C::DecidedByName, Expr::value(decision.by_name))
        .col_expr(C::DecisionNote, Expr::value(note))
        .filter(C::Id.eq(id))
        .filter(C::State.eq(ErasureState::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Deletes what the notifier holds about `subject`: their contact, preferences, research
/// subscriptions, notices and the deliveries of those notices (the addresses they went to);
/// answers how many notices went.
pub(crate) async fn erase_person(db: &impl ConnectionTrait, subject: &str) -> Result<u64, DbErr> {
    super::subscriptions::delete_all_of(db, subject).await?;
    contact::Entity::delete_many()
        .filter(contact::Column::Subject.eq(subject))
        .exec(db)
        .await?;
    preference::Entity::delete_many()
        .filter(preference::Column::Subject.eq(subject))
        .exec(db)
        .await?;
    let ids: Vec<Uuid> = notice::Entity::find()
        .select_only()
        .column(notice::Column::Id)
        .filter(notice::Column::Recipient.eq(subject))
        .into_tuple()
        .all(db)
        .await?;
    for chunk in ids.chunks(500) {
        delivery::Entity::delete_many()
            .filter(delivery::Column::NoticeId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    let gone = notice::Entity::delete_many()
        .filter(notice::Column::Recipient.eq(subject))
        .exec(db)
        .await?;
    Ok(gone.rows_affected)
}
