//! Schema migrations, written with the schema builder so PostgreSQL and SQLite both accept
//! them (no ALTER TABLE beyond what SQLite supports).

use glocal_kit::migration::{
    OutboxChangeColumns, OutboxKeys, big, boolean, create_outbox, date, date_null, index, int,
    int_null, string, string_null, table, text, ts, ts_null, uuid, uuid_null,
};
use sea_orm_migration::prelude::*;

/// Every migration of the training service, in order.
pub(crate) struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Initial),
            Box::new(OutboxChangeColumns),
            Box::new(glocal_kit::attachments::FileTableMigration {
                name: "m20261203_000201_application_files",
                table: crate::service::FILE_TABLE,
            }),
            Box::new(glocal_kit::privacy::ExpiryColumnMigration {
                table: "application",
            }),
            Box::new(glocal_kit::outbox::follow::PositionsMigration),
            Box::new(glocal_kit::domain::period::PeriodColumnMigration { table: "programme" }),
            Box::new(Divisions),
            Box::new(Coaching),
            Box::new(Itinerary),
            Box::new(FellowshipRelationship),
        ]
    }

    fn migration_table_name() -> DynIden {
        Alias::new("training_migrations").into_iden()
    }
}

struct Initial;

impl MigrationName for Initial {
    fn name(&self) -> &str {
        "m20260201_000001_initial"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Initial {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut programme = vec![uuid("id").unique_key().to_owned(), string("kind")];
        for part in ["title", "description"] {
            for lang in ["ko", "en", "zh", "ja"] {
                programme.push(text(&format!("{part}_{lang}")));
            }
        }
        programme.extend([
            boolean("published"),
            string("created_by"),
            string("idempotency_key"),
            ts("created_at"),
            ts("updated_at"),
            big("version"),
        ]);
        m.create_table(table("programme", programme)).await?;
        m.create_index(index(
            "programme",
            "programme_idempotency",
            &["created_by", "idempotency_key"],
            true,
        ))
        .await?;

        m.create_table(table(
            "edition",
            vec![
                uuid("id").unique_key().to_owned(),
                uuid("programme_id"),
                string("term"),
                date("starts_on"),
                date("ends_on"),
                date("applications_open_on"),
                date("applications_close_on"),
                int("capacity"),
                int("accepted_count"),
                string("languages"),
                string("applicant_kinds"),
                string("organisation_types"),
                string("nationality"),
                int_null("min_grade"),
                int_null("max_grade"),
                text("cost_policy"),
                text("host_codes"),
                boolean("published"),
                string("created_by"),
                string("idempotency_key"),
                ts("created_at"),
                ts("updated_at"),
                big("version"),
            ],
        ))
        .await?;
        m.create_index(index(
            "edition",
            "edition_idempotency",
            &["created_by", "idempotency_key"],
            true,
        ))
        .await?;
        m.create_index(index(
            "edition",
            "edition_programme",
            &["programme_id"],
            false,
        ))
        .await?;

        m.create_table(table(
            "review_stage",
            vec![
                uuid("edition_id"),
                int("number"),
                string("name"),
                string("cut_kind"),
                int("cut_value"),
                boolean("blind"),
            ],
        ))
        .await?;
        m.create_index(index(
            "review_stage",
            "review_stage_edition",
            &["edition_id", "number"],
            true,
        ))
        .await?;

        m.create_table(table(
            "stage_reviewer",
            vec![uuid("edition_id"), int("stage"), string("reviewer_subject")],
        ))
        .await?;
        m.create_index(index(
            "stage_reviewer",
            "stage_reviewer_unique",
            &["edition_id", "stage", "reviewer_subject"],
            true,
        ))
        .await?;
        m.create_index(index(
            "stage_reviewer",
            "stage_reviewer_subject",
            &["reviewer_subject"],
            false,
        ))
        .await?;

        m.create_table(table(
            "application",
            vec![
                uuid("id").unique_key().to_owned(),
                uuid("edition_id"),
                string("applicant_kind"),
                string("applicant_subject"),
                string("applicant_name"),
                string("org_code"),
                string("full_name"),
                string("nationality"),
                string("organisation_type"),
                string("organisation"),
                int_null("grade"),
                string("languages"),
                text("answers"),
                text("attachments"),
                string("state"),
                int("current_stage"),
                string_null("active_key"),
                string("idempotency_key"),
                text("decision_note"),
                string_null("host_code"),
                string_null("mentor"),
                date_null("joined_on"),
                date_null("left_on"),
                ts_null("waitlisted_at"),
                ts_null("submitted_at"),
                ts("created_at"),
                ts("updated_at"),
                big("version"),
            ],
        ))
        .await?;
        m.create_index(index(
            "application",
            "application_idempotency",
            &["applicant_subject", "idempotency_key"],
            true,
        ))
        .await?;
        // NULLs are distinct in both engines: only active applications collide.
        m.create_index(index(
            "application",
            "application_one_active",
            &["active_key"],
            true,
        ))
        .await?;
        m.create_index(index(
            "application",
            "application_edition_state",
            &["edition_id", "state"],
            false,
        ))
        .await?;
        m.create_index(index(
            "application",
            "application_applicant",
            &["applicant_subject"],
            false,
        ))
        .await?;

        m.create_table(table(
            "review",
            vec![
                uuid("application_id"),
                int("stage"),
                string("reviewer_subject"),
                string("reviewer_name"),
                int("score"),
                text("comment"),
                ts("at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "review",
            "review_unique",
            &["application_id", "stage", "reviewer_subject"],
            true,
        ))
        .await?;

        m.create_table(table(
            "session",
            vec![
                uuid("id").unique_key().to_owned(),
                uuid("edition_id"),
                string("kind"),
                string("title"),
                ts("starts_at"),
                ts("ends_at"),
                string("location"),
                ts("created_at"),
            ],
        ))
        .await?;
        m.create_index(index("session", "session_edition", &["edition_id"], false))
            .await?;

        m.create_table(table(
            "attendance",
            vec![
                uuid("session_id"),
                uuid("application_id"),
                string("status"),
                text("note"),
                string("recorded_by"),
                ts("recorded_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "attendance",
            "attendance_unique",
            &["session_id", "application_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "attendance",
            "attendance_application",
            &["application_id"],
            false,
        ))
        .await?;

        m.create_table(table(
            "stipend_payment",
            vec![
                uuid("id").unique_key().to_owned(),
                uuid("application_id"),
                string("payer"),
                int("period"),
                date("period_start"),
                date("period_end"),
                int("days_present"),
                int("days_in_period"),
                big("amount_minor"),
                string("currency"),
                string("state"),
                text("note"),
                ts("created_at"),
                ts("updated_at"),
                big("version"),
            ],
        ))
        .await?;
        m.create_index(index(
            "stipend_payment",
            "stipend_payment_unique",
            &["application_id", "payer", "period"],
            true,
        ))
        .await?;

        m.create_table(table(
            "certificate",
            vec![
                string("code").unique_key().to_owned(),
                uuid("application_id").unique_key().to_owned(),
                uuid("edition_id"),
                string("holder_name"),
                date("issued_on"),
                string("issued_by"),
                ts("created_at"),
            ],
        ))
        .await?;

        m.create_table(table(
            "history",
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
        .await?;
        m.create_index(index(
            "history",
            "history_aggregate",
            &["aggregate_id"],
            false,
        ))
        .await?;

        create_outbox(m, OutboxKeys::Uuid).await?;
        Ok(())
    }
}

/// Divisions by language (the speech contest): the edition's list, the division an
/// application names, and the one division a reviewer is limited to. One column per ALTER
/// TABLE, as SQLite wants.
struct Divisions;

impl MigrationName for Divisions {
    fn name(&self) -> &str {
        "m20261204_000301_divisions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Divisions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut divisions = string("divisions");
        divisions.default("");
        for (t, mut column) in [
            ("edition", divisions),
            ("application", string_null("division")),
            ("stage_reviewer", string_null("division")),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(t))
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

/// Coaching on international exchange (ADR 0050): coaches (foreign advisors of the partner
/// network with their areas and the bureau's private note), engagements (one per local
/// government and edition: a unique index) and their sessions.
struct Coaching;

impl MigrationName for Coaching {
    fn name(&self) -> &str {
        "m20261205_000001_coaching"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Coaching {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "coach",
            vec![
                uuid("id").unique_key().to_owned(),
                uuid("organisation_id"),
                text("area_codes"),
                text("note"),
                string("created_by"),
                ts("created_at"),
                ts("updated_at"),
                big("version"),
            ],
        ))
        .await?;
        m.create_index(index(
            "coach",
            "coach_organisation",
            &["organisation_id"],
            true,
        ))
        .await?;
        m.create_table(table(
            "coaching_engagement",
            vec![
                uuid("id").unique_key().to_owned(),
                uuid("edition_id"),
                string("local_government_code"),
                string("local_government_level"),
                text("theme"),
                uuid_null("coach_id"),
                string("status"),
                text("plan_area"),
                text("plan_method"),
                text("plan_content"),
                text("plan_alternatives"),
                text("cancel_reason"),
                string("created_by"),
                ts("created_at"),
                ts("updated_at"),
                ts_null("delivered_at"),
                big("version"),
            ],
        ))
        .await?;
        m.create_index(index(
            "coaching_engagement",
            "coaching_engagement_one_per_edition",
            &["edition_id", "local_government_code"],
            true,
        ))
        .await?;
        m.create_table(table(
            "coaching_session",
            vec![
                uuid("id").unique_key().to_owned(),
                uuid("engagement_id"),
                ts("starts_at"),
                ts("ends_at"),
                text("place"),
                boolean("online"),
                text("notes"),
                string("created_by"),
                ts("created_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "coaching_session",
            "coaching_session_engagement",
            &["engagement_id"],
            false,
        ))
        .await?;
        Ok(())
    }
}

/// Overseas training's itinerary and trip reports (ADR 0052): `itinerary_visit` (the visits
/// of an edition, idempotent per creator and key) and `trip_report` (reports about a visit,
/// idempotent per author and key).
struct Itinerary;

impl MigrationName for Itinerary {
    fn name(&self) -> &str {
        "m20261205_000201_itinerary_and_trip_reports"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Itinerary {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "itinerary_visit",
            vec![
                uuid("id").unique_key().to_owned(),
                uuid("edition_id"),
                date("day"),
                string_null("time"),
                string("city"),
                string("country"),
                text("organisation_ids"),
                text("practice_ids"),
                text("purpose"),
                string("created_by"),
                string("idempotency_key"),
                ts("created_at"),
                ts("updated_at"),
                big("version"),
            ],
        ))
        .await?;
        m.create_index(index(
            "itinerary_visit",
            "itinerary_visit_idempotency",
            &["created_by", "idempotency_key"],
            true,
        ))
        .await?;
        m.create_index(index(
            "itinerary_visit",
            "itinerary_visit_edition",
            &["edition_id"],
            false,
        ))
        .await?;

        m.create_table(table(
            "trip_report",
            vec![
                uuid("id").unique_key().to_owned(),
                uuid("edition_id"),
                uuid("visit_id"),
                text("title"),
                text("summary"),
                text("findings"),
                string("original_language"),
                string("area_code"),
                string("state"),
                string("author_subject"),
                string("author_name"),
                string_null("practice_id"),
                string("idempotency_key"),
                ts("created_at"),
                ts("updated_at"),
                big("version"),
            ],
        ))
        .await?;
        m.create_index(index(
            "trip_report",
            "trip_report_idempotency",
            &["author_subject", "idempotency_key"],
            true,
        ))
        .await?;
        for (name, column) in [
            ("trip_report_edition", "edition_id"),
            ("trip_report_visit", "visit_id"),
        ] {
            m.create_index(index("trip_report", name, &[column], false))
                .await?;
        }
        Ok(())
    }
}

/// The invitation fellowship's relationship rule (ADR 0051): the partner-network
/// organisation an application names and where it stands (`CURRENT`, `INTENDED`,
/// `UNCONFIRMED`, `CONFIRMED_BY_STAFF`; null outside the fellowship). One column per ALTER
/// TABLE, as SQLite wants.
struct FellowshipRelationship;

impl MigrationName for FellowshipRelationship {
    fn name(&self) -> &str {
        "m20261205_000101_fellowship_relationship"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for FellowshipRelationship {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for mut column in [
            string_null("partner_organisation_id"),
            string_null("relationship"),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("application"))
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
