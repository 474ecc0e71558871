//! Schema migrations, written with the schema builder so PostgreSQL and SQLite both accept
//! them. Search indexes differ by engine: on PostgreSQL a pg_trgm GIN index (substring
//! matching, which CJK needs) and an `english` full-text index (stemming); on SQLite two
//! FTS5 tables, one with the trigram tokenizer and one with the porter stemmer.

use glocal_kit::migration::{
    OutboxChangeColumns, OutboxKeys, a, big, boolean, create_outbox, index, int, seq, string, text,
    text_null, ts, ts_null,
};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// Every migration of the research service, in order.
pub(crate) struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Initial),
            Box::new(OutboxChangeColumns),
            Box::new(ProfileChanges),
            Box::new(glocal_kit::attachments::FileTableMigration {
                name: "m20261203_000301_practice_files",
                table: crate::service::FILE_TABLE,
            }),
        ]
    }

    fn migration_table_name() -> DynIden {
        Alias::new("research_migrations").into_iden()
    }
}

struct Initial;

/// `profile_change`: the profile changes partners propose, pending until reviewed (ADR
/// 0027). `pending_key` is the organisation's id while the change is PENDING and the
/// change's own id after review, so its unique index lets one change per organisation wait
/// on both engines, whatever races.
struct ProfileChanges;

impl MigrationName for ProfileChanges {
    fn name(&self) -> &str {
        "m20261203_000001_profile_changes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for ProfileChanges {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        table(
            m,
            "profile_change",
            vec![
                seq(),
                id(),
                string("organisation_id"),
                string("status"),
                string("pending_key"),
                text("proposal"),
                big("base_revision"),
                string("proposed_by"),
                string("proposed_by_name"),
                ts("proposed_at"),
                text_null("reviewed_by_name"),
                ts_null("reviewed_at"),
                text("reason"),
            ],
        )
        .await?;
        m.create_index(index(
            "profile_change",
            "profile_change_pending",
            &["pending_key"],
            true,
        ))
        .await?;
        m.create_index(index(
            "profile_change",
            "profile_change_organisation",
            &["organisation_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("profile_change")).to_owned())
            .await
    }
}

impl MigrationName for Initial {
    fn name(&self) -> &str {
        "m20260201_000001_initial"
    }
}

fn id() -> ColumnDef {
    ColumnDef::new(a("id"))
        .string()
        .not_null()
        .unique_key()
        .to_owned()
}

fn localized(prefix: &str) -> [ColumnDef; 4] {
    ["ko", "en", "zh", "ja"].map(|l| text(&format!("{prefix}_{l}")))
}

async fn table(m: &SchemaManager<'_>, name: &str, cols: Vec<ColumnDef>) -> Result<(), DbErr> {
    let mut t = Table::create();
    t.table(a(name)).if_not_exists();
    for c in cols {
        t.col(c);
    }
    m.create_table(t.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Initial {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut cols = vec![
            ColumnDef::new(a("code"))
                .string()
                .not_null()
                .primary_key()
                .to_owned(),
        ];
        cols.extend(localized("label"));
        cols.extend([int("position"), ts("created_at")]);
        table(m, "research_area", cols).await?;

        let mut cols = vec![
            seq(),
            id(),
            string("state"),
            boolean("approved"),
            boolean("was_published"),
            int("version"),
            big("revision"),
            text("content"),
            string("original_language"),
            string("area_code"),
            string("country"),
            int("year"),
            string("local_government_code"),
            string("source_organisation_id"),
            text("tags"),
            boolean("has_ko"),
            boolean("has_en"),
            boolean("has_zh"),
            boolean("has_ja"),
            text("doc_title"),
            text("doc_summary"),
            text("doc_body"),
            text("doc_all"),
            text("doc_en"),
            string("author_subject"),
            string("author_name"),
            ts("created_at"),
            ts("updated_at"),
            ts("listed_at"),
            ts_null("published_at"),
            ts_null("withdrawn_at"),
            text_null("withdrawal_reason"),
        ];
        cols.shrink_to_fit();
        table(m, "practice", cols).await?;
        for (name, cols) in [
            ("practice_state_listed", &["state", "listed_at"][..]),
            ("practice_area", &["area_code"][..]),
            ("practice_country", &["country"][..]),
            ("practice_year", &["year"][..]),
        ] {
            m.create_index(index("practice", name, cols, false)).await?;
        }

        table(
            m,
            "practice_version",
            vec![
                seq(),
                string("practice_id"),
                int("version"),
                text("content"),
                string("editor_subject"),
                text("note"),
                ts("created_at"),
            ],
        )
        .await?;
        m.create_index(index(
            "practice_version",
            "practice_version_unique",
            &["practice_id", "version"],
            true,
        ))
        .await?;

        table(
            m,
            "practice_history",
            vec![
                seq(),
                string("practice_id"),
                string("action"),
                ColumnDef::new(a("from_state")).string().null().to_owned(),
                string("to_state"),
                string("actor_subject"),
                string("actor_name"),
                ts("at"),
                text("note"),
                int("version"),
            ],
        )
        .await?;
        m.create_index(index(
            "practice_history",
            "practice_history_practice",
            &["practice_id"],
            false,
        ))
        .await?;

        let mut cols = vec![seq(), id(), string("kind")];
        cols.extend(localized("name"));
        cols.extend([
            string("original_language"),
            string("country"),
            string("city"),
            text("languages"),
            string("website"),
        ]);
        cols.extend(localized("description"));
        cols.extend([
            boolean("public"),
            ts("created_at"),
            ts("updated_at"),
            big("revision"),
        ]);
        table(m, "organisation", cols).await?;
        m.create_index(index("organisation", "organisation_kind", &["kind"], false))
            .await?;

        table(
            m,
            "contact",
            vec![
                seq(),
                id(),
                string("organisation_id"),
                string("name"),
                string("position"),
                text("languages"),
                text("expertise"),
                string("email"),
                string("phone"),
                ts("created_at"),
            ],
        )
        .await?;
        m.create_index(index(
            "contact",
            "contact_organisation",
            &["organisation_id"],
            false,
        ))
        .await?;

        table(
            m,
            "relationship",
            vec![
                seq(),
                id(),
                string("kind"),
                string("status"),
                string("local_government_code"),
                string("partner_organisation_id"),
                // "open" while not ENDED, the id once ENDED: one live tie per pair and kind.
                string("live_key"),
                ColumnDef::new(a("signed_on")).string().null().to_owned(),
                ColumnDef::new(a("ended_on")).string().null().to_owned(),
                text("note"),
                ts("created_at"),
                ts("updated_at"),
                big("revision"),
            ],
        )
        .await?;
        m.create_index(index(
            "relationship",
            "relationship_live_unique",
            &[
                "local_government_code",
                "partner_organisation_id",
                "kind",
                "live_key",
            ],
            true,
        ))
        .await?;

        table(
            m,
            "interaction",
            vec![
                seq(),
                id(),
                string("relationship_id"),
                string("kind"),
                string("occurred_on"),
                text("summary"),
                string("recorded_by_subject"),
                string("recorded_by_name"),
                ts("created_at"),
            ],
        )
        .await?;
        m.create_index(index(
            "interaction",
            "interaction_relationship",
            &["relationship_id", "occurred_on"],
            false,
        ))
        .await?;

        let mut cols = vec![seq(), id()];
        cols.extend(localized("title"));
        cols.extend(localized("description"));
        cols.extend([
            string("original_language"),
            text("area_codes"),
            text("countries"),
            string("organisation_id"),
            string("status"),
            string("deadline"),
            string("proposer_subject"),
            ts("created_at"),
            ts("updated_at"),
            big("revision"),
        ]);
        table(m, "opportunity", cols).await?;

        table(
            m,
            "idempotency",
            vec![
                seq(),
                string("subject"),
                string("operation"),
                string("key"),
                string("resource_id"),
                text("fingerprint"),
                ts("created_at"),
            ],
        )
        .await?;
        m.create_index(index(
            "idempotency",
            "idempotency_unique",
            &["subject", "operation", "key"],
            true,
        ))
        .await?;

        table(
            m,
            "audit_log",
            vec![
                seq(),
                string("aggregate_type"),
                string("aggregate_id"),
                string("action"),
                string("actor_subject"),
                string("actor_name"),
                ts("at"),
                text("detail"),
            ],
        )
        .await?;
        m.create_index(index(
            "audit_log",
            "audit_log_aggregate",
            &["aggregate_type", "aggregate_id"],
            false,
        ))
        .await?;

        create_outbox(m, OutboxKeys::Text).await?;

        let c = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                for sql in [
                    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                    "CREATE INDEX IF NOT EXISTS practice_doc_trgm ON practice USING gin (doc_all gin_trgm_ops)",
                    "CREATE INDEX IF NOT EXISTS practice_doc_en_fts ON practice USING gin (to_tsvector('english', doc_en))",
                ] {
                    c.execute_unprepared(sql).await?;
                }
            }
            _ => {
                for sql in [
                    "CREATE VIRTUAL TABLE IF NOT EXISTS practice_fts_tri USING fts5(practice_id UNINDEXED, doc, tokenize = 'trigram')",
                    "CREATE VIRTUAL TABLE IF NOT EXISTS practice_fts_en USING fts5(practice_id UNINDEXED, title, summary, body, tokenize = 'porter unicode61')",
                ] {
                    c.execute_unprepared(sql).await?;
                }
            }
        }
        Ok(())
    }
}
