//! One sea-orm entity per table.

/// `series`: a recurring programme (conference, workshop, forum or lecture series).
pub(crate) mod series {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "series")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        #[sea_orm(unique)]
        pub code: String,
        pub kind: String,
        pub title_ko: String,
        pub title_en: String,
        pub title_zh: String,
        pub title_ja: String,
        pub description_ko: String,
        pub description_en: String,
        pub description_zh: String,
        pub description_ja: String,
        pub rotation: String,
        pub yearly_quota: i32,
        pub created_at: DateTimeUtc,
        /// The period rule as JSON ([`glocal_kit::domain::period::PeriodRule::to_stored`]).
        pub period: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `event`: one event; `seats_taken` counts the seats of confirmed and offered registrations.
pub(crate) mod event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub series_id: Option<Uuid>,
        pub edition: i32,
        pub kind: String,
        pub title_ko: String,
        pub title_en: String,
        pub title_zh: String,
        pub title_ja: String,
        pub description_ko: String,
        pub description_en: String,
        pub description_zh: String,
        pub description_ja: String,
        pub host_country: String,
        pub host_city: String,
        pub host_organization: String,
        pub host_local_government_code: Option<String>,
        pub venue: String,
        pub time_zone: String,
        pub start_date: Date,
        pub end_date: Date,
        pub working_languages: String,
        pub interpretation_languages: String,
        pub capacity: i32,
        pub seats_taken: i32,
        pub registration_opens_at: Option<DateTimeUtc>,
        pub registration_closes_at: Option<DateTimeUtc>,
        pub state: String,
        pub cancel_reason: Option<String>,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `session`: a timetable slot of an event (instants in UTC).
pub(crate) mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "session")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub event_id: Uuid,
        pub kind: String,
        pub title_ko: String,
        pub title_en: String,
        pub title_zh: String,
        pub title_ja: String,
        pub room: String,
        pub speakers: String,
        pub interpretation_languages: String,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `registration`: an individual's or a delegation's registration.
pub(crate) mod registration {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "registration")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub event_id: Uuid,
        pub kind: String,
        pub state: String,
        pub registrant_subject: String,
        pub registrant_name: String,
        pub registrant_org: String,
        pub attendee_name: String,
        pub country: Option<String>,
        pub organization: Option<String>,
        pub members: String,
        pub seats: i32,
        pub offer_expires_at: Option<DateTimeUtc>,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub personal_data_expired_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `check_in`: one attendee checked in on one day.
pub(crate) mod check_in {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "check_in")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub registration_id: Uuid,
        pub day: Date,
        pub attendee: String,
        pub at: DateTimeUtc,
        pub by_subject: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// The registration checked in (the event report joins it).
        #[sea_orm(
            belongs_to = "super::registration::Entity",
            from = "Column::RegistrationId",
            to = "super::registration::Column::Id"
        )]
        Registration,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// `contribution`: a contribution to an event's call for presentations.
pub(crate) mod contribution {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "contribution")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub event_id: Uuid,
        pub state: String,
        pub title_ko: String,
        pub title_en: String,
        pub title_zh: String,
        pub title_ja: String,
        pub abstract_ko: String,
        pub abstract_en: String,
        pub abstract_zh: String,
        pub abstract_ja: String,
        pub presenter_name: String,
        pub submitter_subject: String,
        pub submitter_org: String,
        pub practice_ids: String,
        pub review_note: String,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `lecture_request`: a local government's request for a glocalization lecture.
pub(crate) mod lecture_request {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "lecture_request")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub local_government_code: String,
        pub requester_subject: String,
        pub requester_name: String,
        pub theme: String,
        pub preferred_dates: String,
        pub venue: String,
        pub year: i32,
        pub state: String,
        pub event_id: Option<Uuid>,
        pub decline_reason: Option<String>,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `audit`: the audit trail: one row per change of anything.
pub(crate) mod audit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub aggregate_type: String,
        pub aggregate_id: Uuid,
        pub action: String,
        pub from_state: Option<String>,
        pub to_state: Option<String>,
        pub actor_subject: String,
        pub actor_name: String,
        pub at: DateTimeUtc,
        pub note: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `idempotency`: what each (caller, operation, key) created, to replay retries.
pub(crate) mod idempotency {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub subject: String,
        pub operation: String,
        pub key: String,
        pub fingerprint: String,
        pub aggregate_id: Uuid,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
