//! The notifier's schema (PostgreSQL and SQLite): contacts, preferences, notices (the
//! inbox; unique per change, recipient and channel), e-mail deliveries (unique likewise,
//! with their attempts and state), the stored stream positions, the outbox, the log of
//! staff reads of personal data (ADR 0039), and research subscriptions with the
//! publications they match (ADR 0045, `store::subscriptions`).

use glocal_kit::migration::{
    OutboxChangeColumns, OutboxKeys, boolean, create_outbox, index, int, string, string_null,
    table, text, text_null, ts, ts_null, uuid,
};
use sea_orm_migration::prelude::*;

/// Every migration of the notifier, in order.
pub(crate) struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Initial),
            Box::new(OutboxChangeColumns),
            Box::new(super::erasure::ErasureRequests),
            Box::new(PersonalDataReads),
            Box::new(super::subscriptions::ResearchSubscriptions),
        ]
    }

    fn migration_table_name() -> DynIden {
        Alias::new("notifier_migrations").into_iden()
    }
}

struct Initial;

impl MigrationName for Initial {
    fn name(&self) -> &str {
        "m20261203_000001_initial"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Initial {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "contact",
            vec![
                string("subject"),
                string_null("email"),
                string_null("language"),
                string("source"),
                ts("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index("contact", "contact_subject", &["subject"], true))
            .await?;
        m.create_table(table(
            "preference",
            vec![
                string("subject"),
                string("kind"),
                boolean("email"),
                boolean("inbox"),
            ],
        ))
        .await?;
        m.create_index(index(
            "preference",
            "preference_subject_kind",
            &["subject", "kind"],
            true,
        ))
        .await?;
        m.create_table(table(
            "notice",
            vec![
                uuid("id"),
                string("idempotency_key"),
                string("event_id"),
                string("recipient"),
                string("kind"),
                string("language"),
                text("subject"),
                text("body"),
                text("link"),
                boolean("inbox"),
                string("email_status"),
                ts("created_at"),
                ts_null("read_at"),
            ],
        ))
        .await?;
        m.create_index(index("notice", "notice_id", &["id"], true))
            .await?;
        m.create_index(index("notice", "notice_key", &["idempotency_key"], true))
            .await?;
        m.create_index(index(
            "notice",
            "notice_recipient",
            &["recipient", "seq"],
            false,
        ))
        .await?;
        m.create_table(table(
            "delivery",
            vec![
                string("idempotency_key"),
                uuid("notice_id"),
                string("address"),
                string("state"),
                int("attempts"),
                ts("next_attempt_at"),
                text_null("last_error"),
                ts_null("sent_at"),
                ts("created_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "delivery",
            "delivery_key",
            &["idempotency_key"],
            true,
        ))
        .await?;
        m.create_index(index(
            "delivery",
            "delivery_due",
            &["state", "next_attempt_at"],
            false,
        ))
        .await?;
        m.create_table(table(
            "stream_position",
            vec![string("stream"), string("last_id"), ts("updated_at")],
        ))
        .await?;
        m.create_index(index(
            "stream_position",
            "stream_position_stream",
            &["stream"],
            true,
        ))
        .await?;
        create_outbox(m, OutboxKeys::Uuid).await
    }
}

/// The log of staff reads of personal data (ADR 0039): one row per operation and record,
/// unique per batch and record (a retried batch adds nothing), listed newest first by reader,
/// by record, and deleted by age.
struct PersonalDataReads;

impl MigrationName for PersonalDataReads {
    fn name(&self) -> &str {
        "m20261203_003901_personal_data_reads"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for PersonalDataReads {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "personal_data_reads",
            vec![
                string("batch_id"),
                string("actor_subject"),
                string("actor_name"),
                string("entity_type"),
                string("entity_id"),
                text("fields"),
                string("operation"),
                ts("read_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "personal_data_reads",
            "personal_data_reads_batch",
            &["batch_id", "entity_type", "entity_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "personal_data_reads",
            "personal_data_reads_actor",
            &["actor_subject", "seq"],
            false,
        ))
        .await?;
        m.create_index(index(
            "personal_data_reads",
            "personal_data_reads_entity",
            &["entity_type", "entity_id", "seq"],
            false,
        ))
        .await?;
        m.create_index(index(
            "personal_data_reads",
            "personal_data_reads_read_at",
            &["read_at"],
            false,
        ))
        .await
    }
}
