//! Schema migrations, written with the schema builder so PostgreSQL and SQLite both accept
//! them (no ALTER TABLE beyond what SQLite supports). Lists (languages, speakers, members,
//! practice ids, preferred dates, rotations) are JSON text.

use glocal_kit::migration::{
    OutboxChangeColumns, OutboxKeys, a, index, nullable, outbox_table, seq,
};
use sea_orm_migration::prelude::*;

/// Every migration of the events service, in order.
pub(crate) struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Initial),
            Box::new(OutboxChangeColumns),
            Box::new(glocal_kit::privacy::ExpiryColumnMigration {
                table: "registration",
            }),
            Box::new(glocal_kit::outbox::follow::PositionsMigration),
            Box::new(glocal_kit::domain::period::PeriodColumnMigration { table: "series" }),
            Box::new(super::guests::GuestsMigration),
        ]
    }

    fn migration_table_name() -> DynIden {
        Alias::new("events_migrations").into_iden()
    }
}

struct Initial;

impl MigrationName for Initial {
    fn name(&self) -> &str {
        "m20260101_000001_initial"
    }
}

fn string(name: &str, null: bool) -> ColumnDef {
    nullable(ColumnDef::new(a(name)).string().to_owned(), null)
}

fn text(name: &str, null: bool) -> ColumnDef {
    nullable(ColumnDef::new(a(name)).text().to_owned(), null)
}

fn uuid(name: &str, null: bool) -> ColumnDef {
    nullable(ColumnDef::new(a(name)).uuid().to_owned(), null)
}

fn ts(name: &str, null: bool) -> ColumnDef {
    nullable(
        ColumnDef::new(a(name))
            .timestamp_with_time_zone()
            .to_owned(),
        null,
    )
}

fn date(name: &str, null: bool) -> ColumnDef {
    nullable(ColumnDef::new(a(name)).date().to_owned(), null)
}

fn int(name: &str, null: bool) -> ColumnDef {
    nullable(ColumnDef::new(a(name)).integer().to_owned(), null)
}

fn bigint(name: &str, null: bool) -> ColumnDef {
    nullable(ColumnDef::new(a(name)).big_integer().to_owned(), null)
}

#[async_trait::async_trait]
impl MigrationTrait for Initial {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("series"))
                .if_not_exists()
                .col(seq())
                .col(uuid("id", false).unique_key().to_owned())
                .col(string("code", false).unique_key().to_owned())
                .col(string("kind", false))
                .col(string("title_ko", false))
                .col(string("title_en", false))
                .col(string("title_zh", false))
                .col(string("title_ja", false))
                .col(text("description_ko", false))
                .col(text("description_en", false))
                .col(text("description_zh", false))
                .col(text("description_ja", false))
                .col(text("rotation", false))
                .col(int("yearly_quota", false))
                .col(ts("created_at", false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("event"))
                .if_not_exists()
                .col(seq())
                .col(uuid("id", false).unique_key().to_owned())
                .col(uuid("series_id", true))
                .col(int("edition", false))
                .col(string("kind", false))
                .col(string("title_ko", false))
                .col(string("title_en", false))
                .col(string("title_zh", false))
                .col(string("title_ja", false))
                .col(text("description_ko", false))
                .col(text("description_en", false))
                .col(text("description_zh", false))
                .col(text("description_ja", false))
                .col(string("host_country", false))
                .col(string("host_city", false))
                .col(string("host_organization", false))
                .col(string("host_local_government_code", true))
                .col(string("venue", false))
                .col(string("time_zone", false))
                .col(date("start_date", false))
                .col(date("end_date", false))
                .col(text("working_languages", false))
                .col(text("interpretation_languages", false))
                .col(int("capacity", false))
                .col(int("seats_taken", false))
                .col(ts("registration_opens_at", true))
                .col(ts("registration_closes_at", true))
                .col(string("state", false))
                .col(text("cancel_reason", true))
                .col(bigint("version", false))
                .col(ts("created_at", false))
                .col(ts("updated_at", false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("session"))
                .if_not_exists()
                .col(seq())
                .col(uuid("id", false).unique_key().to_owned())
                .col(uuid("event_id", false))
                .col(string("kind", false))
                .col(string("title_ko", false))
                .col(string("title_en", false))
                .col(string("title_zh", false))
                .col(string("title_ja", false))
                .col(string("room", false))
                .col(text("speakers", false))
                .col(text("interpretation_languages", false))
                .col(ts("starts_at", false))
                .col(ts("ends_at", false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("registration"))
                .if_not_exists()
                .col(seq())
                .col(uuid("id", false).unique_key().to_owned())
                .col(uuid("event_id", false))
                .col(string("kind", false))
                .col(string("state", false))
                .col(string("registrant_subject", false))
                .col(string("registrant_name", false))
                .col(string("registrant_org", false))
                .col(string("attendee_name", false))
                .col(string("country", true))
                .col(string("organization", true))
                .col(text("members", false))
                .col(int("seats", false))
                .col(ts("offer_expires_at", true))
                .col(bigint("version", false))
                .col(ts("created_at", false))
                .col(ts("updated_at", false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("check_in"))
                .if_not_exists()
                .col(seq())
                .col(uuid("registration_id", false))
                .col(date("day", false))
                .col(string("attendee", false))
                .col(ts("at", false))
                .col(string("by_subject", false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("contribution"))
                .if_not_exists()
                .col(seq())
                .col(uuid("id", false).unique_key().to_owned())
                .col(uuid("event_id", false))
                .col(string("state", false))
                .col(string("title_ko", false))
                .col(string("title_en", false))
                .col(string("title_zh", false))
                .col(string("title_ja", false))
                .col(text("abstract_ko", false))
                .col(text("abstract_en", false))
                .col(text("abstract_zh", false))
                .col(text("abstract_ja", false))
                .col(string("presenter_name", false))
                .col(string("submitter_subject", false))
                .col(string("submitter_org", false))
                .col(text("practice_ids", false))
                .col(text("review_note", false))
                .col(bigint("version", false))
                .col(ts("created_at", false))
                .col(ts("updated_at", false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("lecture_request"))
                .if_not_exists()
                .col(seq())
                .col(uuid("id", false).unique_key().to_owned())
                .col(string("local_government_code", false))
                .col(string("requester_subject", false))
                .col(string("requester_name", false))
                .col(text("theme", false))
                .col(text("preferred_dates", false))
                .col(string("venue", false))
                .col(int("year", false))
                .col(string("state", false))
                .col(uuid("event_id", true))
                .col(text("decline_reason", true))
                .col(bigint("version", false))
                .col(ts("created_at", false))
                .col(ts("updated_at", false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("audit"))
                .if_not_exists()
                .col(seq())
                .col(string("aggregate_type", false))
                .col(uuid("aggregate_id", false))
                .col(string("action", false))
                .col(string("from_state", true))
                .col(string("to_state", true))
                .col(string("actor_subject", false))
                .col(string("actor_name", false))
                .col(ts("at", false))
                .col(text("note", false))
                .to_owned(),
        )
        .await?;
        m.create_table(outbox_table(OutboxKeys::Uuid)).await?;
        m.create_table(
            Table::create()
                .table(a("idempotency"))
                .if_not_exists()
                .col(seq())
                .col(string("subject", false))
                .col(string("operation", false))
                .col(string("key", false))
                .col(text("fingerprint", false))
                .col(uuid("aggregate_id", false))
                .col(ts("created_at", false))
                .to_owned(),
        )
        .await?;

        for (table, name, cols, unique) in [
            (
                "event",
                "event_series_edition",
                &["series_id", "edition"][..],
                true,
            ),
            ("event", "event_start", &["start_date", "seq"][..], false),
            (
                "session",
                "session_event",
                &["event_id", "starts_at"][..],
                false,
            ),
            (
                "registration",
                "registration_event_state",
                &["event_id", "state", "seq"][..],
                false,
            ),
            (
                "registration",
                "registration_registrant",
                &["registrant_subject", "event_id"][..],
                false,
            ),
            (
                "registration",
                "registration_offers",
                &["state", "offer_expires_at"][..],
                false,
            ),
            (
                "check_in",
                "check_in_once",
                &["registration_id", "day", "attendee"][..],
                true,
            ),
            (
                "contribution",
                "contribution_event",
                &["event_id", "state"][..],
                false,
            ),
            (
                "lecture_request",
                "lecture_request_org",
                &["local_government_code", "seq"][..],
                false,
            ),
            (
                "audit",
                "audit_aggregate",
                &["aggregate_id", "seq"][..],
                false,
            ),
            (
                "outbox",
                "outbox_unpublished",
                &["published_at", "seq"][..],
                false,
            ),
            (
                "idempotency",
                "idempotency_key_once",
                &["subject", "operation", "key"][..],
                true,
            ),
        ] {
            m.create_index(index(table, name, cols, unique)).await?;
        }
        Ok(())
    }
}
