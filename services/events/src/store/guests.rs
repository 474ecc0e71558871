//! Guests (ADR 0049): their pending requests for a seat (`guest_registration`, only the
//! token's hash is stored) and the person record a confirmed guest becomes (`guest`, one
//! per normalised e-mail address, with the stable subject `guest:<uuid>` their
//! registrations carry). The migration, the entities and the queries.

use chrono::{DateTime, Utc};
use glocal_kit::migration::{a, index, seq};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use sea_orm_migration::prelude::*;
use uuid::Uuid;

use crate::domain::{GuestState, NewGuest};

/// `guest`: a confirmed guest, one per normalised e-mail address.
pub(crate) mod guest {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "guest")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub subject: String,
        #[sea_orm(unique)]
        pub email: String,
        pub name: String,
        pub affiliation: String,
        pub language: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `guest_registration`: a guest's request for a seat, until confirmed or expired.
pub(crate) mod guest_registration {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "guest_registration")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub event_id: Uuid,
        /// The guest's subject: theirs if the address confirmed before, else the one the
        /// guest record gets on confirmation.
        pub guest_subject: String,
        pub email: String,
        pub name: String,
        pub affiliation: String,
        pub language: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub state: String,
        pub expires_at: DateTimeUtc,
        pub registration_id: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A stored guest request.
pub(crate) type GuestRequestRow = guest_registration::Model;

/// Creates `guest` and `guest_registration` (PostgreSQL and SQLite alike).
pub(crate) struct GuestsMigration;

impl MigrationName for GuestsMigration {
    fn name(&self) -> &str {
        "m20261204_000001_guests"
    }
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for GuestsMigration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("guest"))
                .if_not_exists()
                .col(seq())
                .col(col("subject").string().unique_key().to_owned())
                .col(col("email").string().unique_key().to_owned())
                .col(col("name").string())
                .col(col("affiliation").string())
                .col(col("language").string())
                .col(col("created_at").timestamp_with_time_zone())
                .col(col("updated_at").timestamp_with_time_zone())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("guest_registration"))
                .if_not_exists()
                .col(seq())
                .col(col("id").uuid().unique_key().to_owned())
                .col(col("event_id").uuid())
                .col(col("guest_subject").string())
                .col(col("email").string())
                .col(col("name").string())
                .col(col("affiliation").string())
                .col(col("language").string())
                .col(col("token_hash").string().unique_key().to_owned())
                .col(col("state").string())
                .col(col("expires_at").timestamp_with_time_zone())
                .col(ColumnDef::new(a("registration_id")).uuid().null())
                .col(col("created_at").timestamp_with_time_zone())
                .col(col("updated_at").timestamp_with_time_zone())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "guest_registration",
            "guest_registration_event_state",
            &["event_id", "state"],
            false,
        ))
        .await?;
        m.create_index(index(
            "guest_registration",
            "guest_registration_email_state",
            &["email", "state"],
            false,
        ))
        .await
    }
}

const PENDING: &str = "PENDING_CONFIRMATION";

/// Inserts a pending request with the token's hash.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_request(
    c: &impl ConnectionTrait,
    id: Uuid,
    event_id: Uuid,
    guest_subject: &str,
    guest: &NewGuest,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = guest_registration::ActiveModel {
        id: Set(id),
        event_id: Set(event_id),
        guest_subject: Set(guest_subject.to_owned()),
        email: Set(guest.email.as_str().to_owned()),
        name: Set(guest.name.clone()),
        affiliation: Set(guest.affiliation.clone()),
        language: Set(guest.language.clone()),
        token_hash: Set(token_hash.to_owned()),
        state: Set(PENDING.to_owned()),
        expires_at: Set(expires_at),
        registration_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    guest_registration::Entity::insert(row)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// The request holding this token hash, in any state.
pub(crate) async fn request_by_token(
    c: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<GuestRequestRow>, DbErr> {
    guest_registration::Entity::find()
        .filter(guest_registration::Column::TokenHash.eq(token_hash))
        .one(c)
        .await
}

/// A request by id.
pub(crate) async fn find_request(
    c: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<GuestRequestRow>, DbErr> {
    guest_registration::Entity::find()
        .filter(guest_registration::Column::Id.eq(id))
        .one(c)
        .await
}

/// Pending requests still valid at `now`: of the address (any event), of the event (any
/// address), and of the address for the event.
pub(crate) async fn pending_counts(
    c: &impl ConnectionTrait,
    email: &str,
    event_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(u64, u64, u64), DbErr> {
    let pending = || {
        guest_registration::Entity::find()
            .filter(guest_registration::Column::State.eq(PENDING))
            .filter(guest_registration::Column::ExpiresAt.gt(now))
    };
    let of_email = pending()
        .filter(guest_registration::Column::Email.eq(email))
        .count(c)
        .await?;
    let of_event = pending()
        .filter(guest_registration::Column::EventId.eq(event_id))
        .count(c)
        .await?;
    let both = pending()
        .filter(guest_registration::Column::Email.eq(email))
        .filter(guest_registration::Column::EventId.eq(event_id))
        .count(c)
        .await?;
    Ok((of_email, of_event, both))
}

/// Marks a pending request confirmed (made into `registration_id`); false when it is no
/// longer pending (a twin confirmed it first).
pub(crate) async fn mark_confirmed(
    c: &impl ConnectionTrait,
    id: Uuid,
    registration_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = guest_registration::Entity::update_many()
        .col_expr(
            guest_registration::Column::State,
            Expr::value(GuestState::Confirmed.as_str()),
        )
        .col_expr(
            guest_registration::Column::RegistrationId,
            Expr::value(Some(registration_id)),
        )
        .col_expr(guest_registration::Column::UpdatedAt, Expr::value(now))
        .filter(guest_registration::Column::Id.eq(id))
        .filter(guest_registration::Column::State.eq(PENDING))
        .exec(c)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Expires every pending request whose deadline passed and blanks what it held about the
/// person (name, affiliation; the address becomes `expired:<id>`): an unconfirmed request
/// keeps no personal data. Returns how many.
pub(crate) async fn expire_lapsed(
    c: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let ids: Vec<Uuid> = guest_registration::Entity::find()
        .select_only()
        .column(guest_registration::Column::Id)
        .filter(guest_registration::Column::State.eq(PENDING))
        .filter(guest_registration::Column::ExpiresAt.lte(now))
        .order_by_asc(guest_registration::Column::Seq)
        .into_tuple()
        .all(c)
        .await?;
    for id in &ids {
        guest_registration::Entity::update_many()
            .col_expr(
                guest_registration::Column::State,
                Expr::value(GuestState::Expired.as_str()),
            )
            .col_expr(
                guest_registration::Column::Email,
                Expr::value(format!("expired:{id}")),
            )
            .col_expr(guest_registration::Column::Name, Expr::value(""))
            .col_expr(guest_registration::Column::Affiliation, Expr::value(""))
            .col_expr(guest_registration::Column::UpdatedAt, Expr::value(now))
            .filter(guest_registration::Column::Id.eq(*id))
            .filter(guest_registration::Column::State.eq(PENDING))
            .exec(c)
            .await?;
    }
    Ok(ids.len() as u64)
}

/// The guest with this address, if they confirmed before.
pub(crate) async fn guest_by_email(
    c: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<guest::Model>, DbErr> {
    guest::Entity::find()
        .filter(guest::Column::Email.eq(email))
        .one(c)
        .await
}

/// The guest with this address, created (with the request's `guest:<uuid>` subject) if
/// there is none; a guest confirming twice at once still ends as one person.
pub(crate) async fn guest_for(
    c: &impl ConnectionTrait,
    req: &GuestRequestRow,
    now: DateTime<Utc>,
) -> Result<guest::Model, DbErr> {
    if let Some(g) = guest_by_email(c, &req.email).await? {
        return Ok(g);
    }
    let row = guest::ActiveModel {
        subject: Set(req.guest_subject.clone()),
        email: Set(req.email.clone()),
        name: Set(req.name.clone()),
        affiliation: Set(req.affiliation.clone()),
        language: Set(req.language.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    // ON CONFLICT DO NOTHING: a unique violation would abort a PostgreSQL transaction.
    guest::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(guest::Column::Email)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    guest_by_email(c, &req.email)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("guest".into()))
}

/// Erases a guest (ADR 0040): their person record and every request of their address.
/// Returns the address's requests erased.
pub(crate) async fn erase_guest(c: &impl ConnectionTrait, subject: &str) -> Result<u64, DbErr> {
    let Some(g) = guest::Entity::find()
        .filter(guest::Column::Subject.eq(subject))
        .one(c)
        .await?
    else {
        // Never confirmed: only requests, by subject.
        let r = guest_registration::Entity::delete_many()
            .filter(guest_registration::Column::GuestSubject.eq(subject))
            .exec(c)
            .await?;
        return Ok(r.rows_affected);
    };
    let r = guest_registration::Entity::delete_many()
        .filter(
            guest_registration::Column::Email
                .eq(g.email.as_str())
                .or(guest_registration::Column::GuestSubject.eq(subject)),
        )
        .exec(c)
        .await?;
    guest::Entity::delete_many()
        .filter(guest::Column::Subject.eq(subject))
        .exec(c)
        .await?;
    Ok(r.rows_affected)
}
