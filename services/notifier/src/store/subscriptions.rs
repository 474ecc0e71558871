//! Research subscriptions and the publications they match (ADR 0045): their tables, their
//! migration, and the reads and writes over them, answering in domain types. A
//! subscription's areas and languages are stored as comma-joined codes (empty: all); a
//! publication keeps what its event said (title and area label as JSON) so that the weekly
//! digest needs nothing but the notifier's own database.

use chrono::{DateTime, Utc};
use glocal_kit::migration::{boolean, index, string, table, text, ts, uuid};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use sea_orm_migration::prelude::{MigrationName, MigrationTrait, SchemaManager};
use uuid::Uuid;

use crate::domain::Language;
use crate::domain::subscriptions::{Frequency, Publication, Subscription, SubscriptionDraft};

/// A person's subscription to new best practices.
pub(crate) mod research_subscription {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "research_subscription")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub id: Uuid,
        pub subscriber: String,
        /// Comma-joined area codes; empty: every area.
        pub areas: String,
        /// Comma-joined language codes; empty: every language.
        pub languages: String,
        pub frequency: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A best practice published (what its event said), kept for the weekly digest.
pub(crate) mod research_publication {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "research_publication")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub practice_id: String,
        pub area_code: String,
        /// Comma-joined language codes.
        pub languages: String,
        /// The title in its languages, as JSON.
        pub title: String,
        /// The area's label in the four languages, as JSON.
        pub area_label: String,
        pub published_at: DateTimeUtc,
        pub withdrawn: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The migration that creates both tables.
pub(crate) struct ResearchSubscriptions;

impl MigrationName for ResearchSubscriptions {
    fn name(&self) -> &str {
        "m20261204_004501_research_subscriptions"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for ResearchSubscriptions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "research_subscription",
            vec![
                uuid("id"),
                string("subscriber"),
                text("areas"),
                string("languages"),
                string("frequency"),
                ts("created_at"),
                ts("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "research_subscription",
            "research_subscription_id",
            &["id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "research_subscription",
            "research_subscription_subscriber",
            &["subscriber", "seq"],
            false,
        ))
        .await?;
        m.create_index(index(
            "research_subscription",
            "research_subscription_frequency",
            &["frequency"],
            false,
        ))
        .await?;
        m.create_table(table(
            "research_publication",
            vec![
                string("practice_id"),
                string("area_code"),
                string("languages"),
                text("title"),
                text("area_label"),
                ts("published_at"),
                boolean("withdrawn"),
            ],
        ))
        .await?;
        m.create_index(index(
            "research_publication",
            "research_publication_practice",
            &["practice_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "research_publication",
            "research_publication_published_at",
            &["published_at"],
            false,
        ))
        .await
    }
}

fn joined<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().collect::<Vec<_>>().join(",")
}

fn languages(text: &str) -> Vec<Language> {
    text.split(',').filter_map(Language::from_tag).collect()
}

fn subscription(m: research_subscription::Model) -> Subscription {
    Subscription {
        id: m.id,
        subscriber: m.subscriber,
        areas: m
            .areas
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
        languages: languages(&m.languages),
        frequency: Frequency::from_name(&m.frequency).unwrap_or(Frequency::Weekly),
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// `subscriber`'s subscriptions, oldest first.
pub(crate) async fn of(
    db: &impl ConnectionTrait,
    subscriber: &str,
) -> Result<Vec<Subscription>, DbErr> {
    use research_subscription::Column as C;
    Ok(research_subscription::Entity::find()
        .filter(C::Subscriber.eq(subscriber))
        .order_by_asc(C::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(subscription)
        .collect())
}

/// How many subscriptions `subscriber` has.
pub(crate) async fn count(db: &impl ConnectionTrait, subscriber: &str) -> Result<u64, DbErr> {
    research_subscription::Entity::find()
        .filter(research_subscription::Column::Subscriber.eq(subscriber))
        .count(db)
        .await
}

/// Every subscription of `frequency`, oldest first.
pub(crate) async fn with_frequency(
    db: &impl ConnectionTrait,
    frequency: Frequency,
) -> Result<Vec<Subscription>, DbErr> {
    use research_subscription::Column as C;
    Ok(research_subscription::Entity::find()
        .filter(C::Frequency.eq(frequency.as_str()))
        .order_by_asc(C::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(subscription)
        .collect())
}

/// Stores a new subscription of `subscriber`.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    subscriber: &str,
    draft: &SubscriptionDraft,
    now: DateTime<Utc>,
) -> Result<Subscription, DbErr> {
    let row = research_subscription::ActiveModel {
        id: Set(Uuid::now_v7()),
        subscriber: Set(subscriber.to_owned()),
        areas: Set(joined(draft.areas.iter().map(String::as_str))),
        languages: Set(joined(draft.languages.iter().map(|l| l.as_str()))),
        frequency: Set(draft.frequency.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(subscription(row))
}

/// Replaces subscription `id` of `subscriber` by `draft`; `None` when `subscriber` has no
/// such subscription (another person's is not found either).
pub(crate) async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    subscriber: &str,
    draft: &SubscriptionDraft,
    now: DateTime<Utc>,
) -> Result<Option<Subscription>, DbErr> {
    use research_subscription::Column as C;
    let done = research_subscription::Entity::update_many()
        .col_expr(
            C::Areas,
            Expr::value(joined(draft.areas.iter().map(String::as_str))),
        )
        .col_expr(
            C::Languages,
            Expr::value(joined(draft.languages.iter().map(|l| l.as_str()))),
        )
        .col_expr(C::Frequency, Expr::value(draft.frequency.as_str()))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::Subscriber.eq(subscriber))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Ok(None);
    }
    Ok(research_subscription::Entity::find()
        .filter(C::Id.eq(id))
        .one(db)
        .await?
        .map(subscription))
}

/// Deletes subscription `id` of `subscriber`; false when they have no such subscription.
pub(crate) async fn delete(
    db: &impl ConnectionTrait,
    id: Uuid,
    subscriber: &str,
) -> Result<bool, DbErr> {
    use research_subscription::Column as C;
    let done = research_subscription::Entity::delete_many()
        .filter(C::Id.eq(id))
        .filter(C::Subscriber.eq(subscriber))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

/// Deletes every subscription of `subscriber` (their erasure); answers how many went.
pub(crate) async fn delete_all_of(
    db: &impl ConnectionTrait,
    subscriber: &str,
) -> Result<u64, DbErr> {
    let done = research_subscription::Entity::delete_many()
        .filter(research_subscription::Column::Subscriber.eq(subscriber))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Keeps `p` for the digest (once per practice; a second publication event of it changes
/// nothing); true when stored.
pub(crate) async fn record_publication(
    db: &impl ConnectionTrait,
    p: &Publication,
) -> Result<bool, DbErr> {
    super::insert_once(
        db,
        "research_publication",
        "practice_id",
        &[
            "practice_id",
            "area_code",
            "languages",
            "title",
            "area_label",
            "published_at",
            "withdrawn",
        ],
        vec![
            p.practice_id.clone().into(),
            p.area_code.clone().into(),
            joined(p.languages.iter().map(|l| l.as_str())).into(),
            p.title.to_string().into(),
            p.area_label.to_string().into(),
            p.published_at.into(),
            false.into(),
        ],
    )
    .await
}

/// Marks practice `id` withdrawn: it leaves the digests not yet made.
pub(crate) async fn withdraw_publication(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    use research_publication::Column as C;
    research_publication::Entity::update_many()
        .col_expr(C::Withdrawn, Expr::value(true))
        .filter(C::PracticeId.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The publications from `start` (inclusive) to `end` (exclusive) not withdrawn since,
/// oldest first.
pub(crate) async fn publications_between(
    db: &impl ConnectionTrait,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Publication>, DbErr> {
    use research_publication::Column as C;
    let rows = research_publication::Entity::find()
        .filter(C::PublishedAt.gte(start))
        .filter(C::PublishedAt.lt(end))
        .filter(C::Withdrawn.eq(false))
        .order_by_asc(C::PublishedAt)
        .order_by_asc(C::Seq)
        .all(db)
        .await?;
    let json = |t: &str| serde_json::from_str(t).unwrap_or(serde_json::Value::Null);
    Ok(rows
        .into_iter()
        .map(|r| Publication {
            area_label: json(&r.area_label),
            title: json(&r.title),
            languages: languages(&r.languages),
            practice_id: r.practice_id,
            area_code: r.area_code,
            published_at: r.published_at,
        })
        .collect())
}

/// Forgets the publications before `cutoff` (their digests are long made); answers how
/// many went.
pub(crate) async fn forget_publications(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let done = research_publication::Entity::delete_many()
        .filter(research_publication::Column::PublishedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}
