//! One sea-orm entity per table. Lists of codes are stored comma-separated; structured
//! policies as JSON text; dates as SQL dates (text on SQLite).

macro_rules! entity {
    ($(#[$doc:meta])* $module:ident, $table:literal, { $($body:tt)* }) => {
        $(#[$doc])*
        pub(crate) mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                $($body)*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

entity!(
    /// `programme`: the bureau's programmes.
    programme, "programme", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub kind: String,
        pub title_ko: String,
        pub title_en: String,
        pub title_zh: String,
        pub title_ja: String,
        pub description_ko: String,
        pub description_en: String,
        pub description_zh: String,
        pub description_ja: String,
        pub published: bool,
        pub created_by: String,
        pub idempotency_key: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i64,
        /// The period rule as JSON ([`glocal_kit::domain::period::PeriodRule::to_stored`]).
        pub period: Option<String>,
    }
);

entity!(
    /// `edition`: one run of a programme; `accepted_count` is kept under `capacity` by a
    /// conditional update.
    edition, "edition", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub programme_id: Uuid,
        pub term: String,
        pub starts_on: Date,
        pub ends_on: Date,
        pub applications_open_on: Date,
        pub applications_close_on: Date,
        pub capacity: i32,
        pub accepted_count: i32,
        pub languages: String,
        /// Divisions by language, comma-separated; empty = none.
        pub divisions: String,
        pub applicant_kinds: String,
        pub organisation_types: String,
        pub nationality: String,
        pub min_grade: Option<i32>,
        pub max_grade: Option<i32>,
        pub cost_policy: String,
        pub host_codes: String,
        pub published: bool,
        pub created_by: String,
        pub idempotency_key: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i64,
    }
);

entity!(
    /// `review_stage`: the stages of an edition.
    review_stage, "review_stage", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub edition_id: Uuid,
        pub number: i32,
        pub name: String,
        pub cut_kind: String,
        pub cut_value: i32,
        pub blind: bool,
    }
);

entity!(
    /// `stage_reviewer`: who scores at which stage.
    stage_reviewer, "stage_reviewer", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub edition_id: Uuid,
        pub stage: i32,
        pub reviewer_subject: String,
        /// The one division the reviewer scores; `None` = every division.
        pub division: Option<String>,
    }
);

entity!(
    /// `application`: one row per application; `active_key` is set while the application
    /// is active, and unique, so one applicant has one active application per edition.
    application, "application", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub edition_id: Uuid,
        pub applicant_kind: String,
        pub applicant_subject: String,
        pub applicant_name: String,
        pub org_code: String,
        pub full_name: String,
        pub nationality: String,
        pub organisation_type: String,
        pub organisation: String,
        pub grade: Option<i32>,
        pub languages: String,
        pub division: Option<String>,
        /// The partner-network organisation (foreign local government) a fellowship
        /// application names.
        pub partner_organisation_id: Option<String>,
        /// Where it stands on the relationship rule (`RelationshipStanding`).
        pub relationship: Option<String>,
        pub answers: String,
        pub attachments: String,
        pub state: String,
        pub current_stage: i32,
        pub active_key: Option<String>,
        pub idempotency_key: String,
        pub decision_note: String,
        pub host_code: Option<String>,
        pub mentor: Option<String>,
        pub joined_on: Option<Date>,
        pub left_on: Option<Date>,
        pub waitlisted_at: Option<DateTimeUtc>,
        pub submitted_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i64,
        pub personal_data_expired_at: Option<DateTimeUtc>,
    }
);

entity!(
    /// `review`: one reviewer's score of one application at one stage.
    review, "review", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub application_id: Uuid,
        pub stage: i32,
        pub reviewer_subject: String,
        pub reviewer_name: String,
        pub score: i32,
        pub comment: String,
        pub at: DateTimeUtc,
    }
);

entity!(
    /// `session`: a session of an edition.
    session, "session", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub edition_id: Uuid,
        pub kind: String,
        pub title: String,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
        pub location: String,
        pub created_at: DateTimeUtc,
    }
);

entity!(
    /// `attendance`: one participant at one session.
    attendance, "attendance", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub session_id: Uuid,
        pub application_id: Uuid,
        pub status: String,
        pub note: String,
        pub recorded_by: String,
        pub recorded_at: DateTimeUtc,
    }
);

entity!(
    /// `stipend_payment`: one payer's payment of one stipend month to one participant.
    stipend_payment, "stipend_payment", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub application_id: Uuid,
        pub payer: String,
        pub period: i32,
        pub period_start: Date,
        pub period_end: Date,
        pub days_present: i32,
        pub days_in_period: i32,
        pub amount_minor: i64,
        pub currency: String,
        pub state: String,
        pub note: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i64,
    }
);

entity!(
    /// `certificate`: a certificate of completion and its verification code.
    certificate, "certificate", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub code: String,
        #[sea_orm(unique)]
        pub application_id: Uuid,
        pub edition_id: Uuid,
        pub holder_name: String,
        pub issued_on: Date,
        pub issued_by: String,
        pub created_at: DateTimeUtc,
    }
);

entity!(
    /// `history`: the audit trail of every change, one row per change.
    history, "history", {
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
);

entity!(
    /// `coach`: a foreign advisor of the partner network registered as a coach (ADR 0050);
    /// one per organisation. `note` is the bureau's private note.
    coach, "coach", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub area_codes: String,
        pub note: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i64,
    }
);

entity!(
    /// `coaching_engagement`: the coaching of one local government in one edition (unique);
    /// the plan's alternatives are a JSON array.
    coaching_engagement, "coaching_engagement", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub edition_id: Uuid,
        pub local_government_code: String,
        pub local_government_level: String,
        pub theme: String,
        pub coach_id: Option<Uuid>,
        pub status: String,
        pub plan_area: String,
        pub plan_method: String,
        pub plan_content: String,
        pub plan_alternatives: String,
        pub cancel_reason: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub delivered_at: Option<DateTimeUtc>,
        pub version: i64,
    }
);

entity!(
    /// `coaching_session`: one session of an engagement.
    coaching_session, "coaching_session", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub engagement_id: Uuid,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
        pub place: String,
        pub online: bool,
        pub notes: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }
);

entity!(
    /// `itinerary_visit`: one visit of an overseas training edition's itinerary (ADR 0052);
    /// research's organisation and practice ids comma-separated.
    itinerary_visit, "itinerary_visit", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub edition_id: Uuid,
        pub day: Date,
        /// `HH:MM`, or none.
        pub time: Option<String>,
        pub city: String,
        pub country: String,
        pub organisation_ids: String,
        pub practice_ids: String,
        pub purpose: String,
        pub created_by: String,
        pub idempotency_key: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i64,
    }
);

entity!(
    /// `trip_report`: a report about one visit (ADR 0052); texts as JSON `{ko, en, zh, ja}`;
    /// `practice_id` once published as a practice.
    trip_report, "trip_report", {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub edition_id: Uuid,
        pub visit_id: Uuid,
        pub title: String,
        pub summary: String,
        pub findings: String,
        pub original_language: String,
        pub area_code: String,
        pub state: String,
        pub author_subject: String,
        pub author_name: String,
        pub practice_id: Option<String>,
        pub idempotency_key: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i64,
    }
);
