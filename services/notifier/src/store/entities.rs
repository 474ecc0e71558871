//! The sea-orm entities of the notifier's tables.

/// A person's contact.
pub(crate) mod contact {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "contact")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub subject: String,
        pub email: Option<String>,
        pub language: Option<String>,
        pub source: String,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A person's choice for one kind of notice.
pub(crate) mod preference {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "preference")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub subject: String,
        pub kind: String,
        pub email: bool,
        pub inbox: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One notice (an inbox entry when `inbox`).
pub(crate) mod notice {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notice")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub id: Uuid,
        pub idempotency_key: String,
        pub event_id: String,
        pub recipient: String,
        pub kind: String,
        pub language: String,
        pub subject: String,
        pub body: String,
        pub link: String,
        pub inbox: bool,
        pub email_status: String,
        pub created_at: DateTimeUtc,
        pub read_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One e-mail to send (at least once, never twice for one key).
pub(crate) mod delivery {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "delivery")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub idempotency_key: String,
        pub notice_id: Uuid,
        pub address: String,
        pub state: String,
        pub attempts: i32,
        pub next_attempt_at: DateTimeUtc,
        pub last_error: Option<String>,
        pub sent_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One record whose personal fields one operation of a staff member read (ADR 0039).
pub(crate) mod personal_data_reads {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "personal_data_reads")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub batch_id: String,
        pub actor_subject: String,
        pub actor_name: String,
        pub entity_type: String,
        pub entity_id: String,
        /// The fields read, as a JSON array of strings.
        pub fields: String,
        pub operation: String,
        pub read_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
