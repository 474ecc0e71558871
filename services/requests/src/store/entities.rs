//! One sea-orm entity per table.

/// `local_government`: the directory of local governments.
pub(crate) mod local_government {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "local_government")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name_ko: String,
        pub name_en: String,
        pub name_zh: String,
        pub name_ja: String,
        pub level: String,
        /// The metropolitan or provincial government of a basic one.
        pub parent_code: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `department`: the bureau's departments.
pub(crate) mod department {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "department")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name_ko: String,
        pub name_en: String,
        pub name_zh: String,
        pub name_ja: String,
        /// The staff member who leads the department (told of breaches).
        pub lead_staff_id: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `staff`: bureau staff, each in one department.
pub(crate) mod staff {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        #[sea_orm(unique)]
        pub subject: String,
        pub name: String,
        pub department_code: String,
        pub active: bool,
        /// ISO 639-1 codes, comma-separated.
        pub languages: Option<String>,
        /// Request types taken, comma-separated; empty or null takes every type.
        pub request_types: Option<String>,
        /// When the member left the bureau.
        pub departed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `staff_absence`: a staff member's absence periods (Korea-time dates, both included).
pub(crate) mod staff_absence {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_absence")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub staff_id: String,
        pub starts_on: Date,
        pub ends_on: Date,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `routing_rule`: type (and language) → department.
pub(crate) mod routing_rule {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "routing_rule")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub request_type: String,
        pub language: Option<String>,
        pub department_code: String,
        pub priority: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `service_request`: one row per request; `seq` is the stable sort key.
pub(crate) mod service_request {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "service_request")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        #[sea_orm(unique)]
        pub number: String,
        pub request_type: String,
        pub title: String,
        pub description: String,
        pub details: String,
        pub state: String,
        pub requester_subject: String,
        pub requester_name: String,
        pub local_government_code: String,
        pub department_code: Option<String>,
        pub assignee_id: Option<String>,
        pub routing: String,
        pub idempotency_key: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub first_response_due_at: DateTimeUtc,
        pub resolution_due_at: DateTimeUtc,
        pub first_responded_at: Option<DateTimeUtc>,
        pub final_responded_at: Option<DateTimeUtc>,
        pub expected_completion_at: Option<DateTimeUtc>,
        pub reject_reason: Option<String>,
        pub version: i64,
        pub paused_at: Option<DateTimeUtc>,
        pub paused_from_state: Option<String>,
        pub first_response_clock: Option<String>,
        pub resolution_clock: Option<String>,
        pub warning_at: Option<DateTimeUtc>,
        pub warned_at: Option<DateTimeUtc>,
        pub breached_at: Option<DateTimeUtc>,
        pub first_response_warning_at: Option<DateTimeUtc>,
        pub first_response_warned_at: Option<DateTimeUtc>,
        pub first_response_breached_at: Option<DateTimeUtc>,
        pub personal_data_expired_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `request_message`: responses, replies and staff notes.
pub(crate) mod request_message {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "request_message")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub request_id: Uuid,
        pub kind: String,
        pub body: String,
        pub author_subject: String,
        pub author_name: String,
        pub created_at: DateTimeUtc,
        pub expected_completion_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `request_history`: the audit trail, one row per change.
pub(crate) mod request_history {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "request_history")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub request_id: Uuid,
        pub action: String,
        pub from_state: Option<String>,
        pub to_state: String,
        pub actor_subject: String,
        pub actor_name: String,
        pub at: DateTimeUtc,
        pub note: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `request_counter`: the last serial handed out per year.
pub(crate) mod request_counter {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "request_counter")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        pub last: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `business_holiday`: the business calendar's days off, one row per KST date.
pub(crate) mod business_holiday {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "business_holiday")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: Date,
        pub kind: String,
        pub name_ko: String,
        pub name_en: String,
        pub name_zh: String,
        pub name_ja: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `sla_policy`: the service level of each request type.
pub(crate) mod sla_policy {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sla_policy")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub request_type: String,
        pub first_response_minutes: i64,
        pub first_response_clock: String,
        pub resolution_minutes: i64,
        pub resolution_clock: String,
        pub warning_percent: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `request_survey`: the requester's rating of a request's answer (one per request).
pub(crate) mod request_survey {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "request_survey")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub request_id: Uuid,
        pub rating: i32,
        pub comment: Option<String>,
        pub respondent_subject: String,
        pub respondent_name: String,
        pub submitted_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `request_relation`: a duplicate merged into its original, a child linked under its parent.
pub(crate) mod request_relation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "request_relation")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub request_id: Uuid,
        /// `MERGED_INTO` or `CHILD_OF`.
        pub kind: String,
        pub related_id: Uuid,
        pub created_at: DateTimeUtc,
        pub created_by: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `staff_load`: how many open requests each staff member holds (ADR 0057), kept by every
/// write of a request's state or assignee in the same transaction.
pub(crate) mod staff_load {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_load")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub staff_id: String,
        pub open_requests: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
