//! Schema migrations, written with the schema builder so PostgreSQL and SQLite both accept
//! them. Search indexes differ by engine: on PostgreSQL a pg_trgm GIN index (substring
//! matching, which CJK needs) and an `english` full-text index (stemming); on SQLite two
//! FTS5 tables, one with the trigram tokenizer and one with the porter stemmer.

use glocal_kit::migration::{
    OutboxChangeColumns, OutboxKeys, a, big, boolean, create_outbox, index, int, seq, string,
    string_null, text, text_null, ts, ts_null,
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
            Box::new(AuditOnKitShape),
            Box::new(glocal_kit::outbox::follow::PositionsMigration),
            Box::new(ExchangeProjects),
            Box::new(PracticeOrigin),
        ]
    }

    fn migration_table_name() -> DynIden {
        Alias::new("research_migrations").into_iden()
    }
}

struct Initial;

/// `exchange_project` and its interaction log `exchange_project_interaction` (ADR 0046):
/// projects grown from an opportunity, their participants as `,a,b,` lists (a membership
/// test is one portable `LIKE`), on both engines through the schema builder. Expand only.
struct ExchangeProjects;

impl MigrationName for ExchangeProjects {
    fn name(&self) -> &str {
        "m20261204_004601_exchange_projects"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for ExchangeProjects {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut cols = vec![seq(), id(), string("opportunity_id")];
        cols.extend(localized("title"));
        cols.extend(localized("description"));
        cols.extend([
            string("original_language"),
            string("status"),
            text("local_government_codes"),
            text("organisation_ids"),
            text("cancel_reason"),
            string("created_by"),
            ts("created_at"),
            ts("updated_at"),
            ts_null("agreed_at"),
            ts_null("started_at"),
            ts_null("ended_at"),
            big("revision"),
        ]);
        table(m, "exchange_project", cols).await?;
        m.create_index(index(
            "exchange_project",
            "exchange_project_opportunity",
            &["opportunity_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "exchange_project",
            "exchange_project_status",
            &["status"],
            false,
        ))
        .await?;
        table(
            m,
            "exchange_project_interaction",
            vec![
                seq(),
                id(),
                string("project_id"),
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
            "exchange_project_interaction",
            "exchange_project_interaction_project",
            &["project_id", "occurred_on"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["exchange_project_interaction", "exchange_project"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}

/// `audit`: research's audit rows in kit's one shape (`glocal_kit::audit`, ADR 0033), with
/// every row of the old `audit_log` copied over in order (its JSON `detail` becomes the
/// note; it had no states). Expand only: `audit_log` stays for a release that still writes
/// it (ADR 0020); dropping it is the next release's contract step.
struct AuditOnKitShape;

impl MigrationName for AuditOnKitShape {
    fn name(&self) -> &str {
        "m20261203_003301_audit_on_kit_shape"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AuditOnKitShape {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        table(
            m,
            "audit",
            vec![
                seq(),
                string("aggregate_type"),
                string("aggregate_id"),
                string("action"),
                string_null("from_state"),
                string_null("to_state"),
                string("actor_subject"),
                string("actor_name"),
                ts("at"),
                text("note"),
            ],
        )
        .await?;
        m.create_index(index(
            "audit",
            "audit_aggregate",
            &["aggregate_type", "aggregate_id"],
            false,
        ))
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO audit (aggregate_type, aggregate_id, action, from_state, to_state, \
                 actor_subject, actor_name, at, note) \
                 SELECT aggregate_type, aggregate_id, action, NULL, NULL, actor_subject, \
                 actor_name, at, detail FROM audit_log ORDER BY seq",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("audit")).to_owned())
            .await
    }
}

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

/// A practice's origin (ADR 0052): where a draft came from, e.g. a training trip report;
/// unique, so one origin drafts one practice whoever asks.
struct PracticeOrigin;

impl MigrationName for PracticeOrigin {
    fn name(&self) -> &str {
        "m20261205_000202_practice_origin"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for PracticeOrigin {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("practice"))
                .add_column(string_null("origin"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("practice", "practice_origin", &["origin"], true))
            .await
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use glocal_kit::audit::AuditEntry;
    use sea_orm_migration::sea_orm::{DatabaseConnection, Statement};

    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    /// Rows the old shape wrote before the migration read back, in order and in full, from
    /// the new shape after it; and a row written afterwards lands behind them.
    async fn audit_rows_survive_the_move_to_kit_shape(db: DatabaseConnection) {
        // Every migration before this one.
        let index = Migrator::migrations()
            .iter()
            .position(|m| m.name() == AuditOnKitShape.name())
            .unwrap();
        let before = <u32 as TryFrom<usize>>::try_from(index).unwrap();
        Migrator::up(&db, Some(before)).await.unwrap();
        let old = [
            (
                "organisation",
                "org-1",
                "OrganisationCreated",
                "u1",
                "Kim",
                100,
                r#"{"name":"Kyoto"}"#,
            ),
            ("area", "transport", "AreaDeleted", "u2", "Lee", 200, "{}"),
        ];
        for (kind, id, action, subject, name, secs, detail) in old {
            let insert = Query::insert()
                .into_table(a("audit_log"))
                .columns(
                    [
                        "aggregate_type",
                        "aggregate_id",
                        "action",
                        "actor_subject",
                        "actor_name",
                        "at",
                        "detail",
                    ]
                    .map(a),
                )
                .values_panic([
                    kind.into(),
                    id.into(),
                    action.into(),
                    subject.into(),
                    name.into(),
                    at(secs).into(),
                    detail.into(),
                ])
                .to_owned();
            db.execute_raw(db.get_database_backend().build(&insert))
                .await
                .unwrap();
        }

        Migrator::up(&db, None).await.unwrap();
        crate::store::queries::insert_audit(
            &db,
            &AuditEntry {
                aggregate_type: "relationship".into(),
                aggregate_id: "rel-1".into(),
                action: "RelationshipSigned".into(),
                from_state: None,
                to_state: None,
                actor_subject: "u3".into(),
                actor_name: "Park".into(),
                at: at(300),
                note: "{}".into(),
            },
        )
        .await
        .unwrap();

        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT aggregate_type, aggregate_id, action, from_state, to_state, \
                 actor_subject, actor_name, at, note FROM audit ORDER BY seq",
            ))
            .await
            .unwrap();
        let read: Vec<_> = rows
            .iter()
            .map(|r| {
                let s = |c: &str| r.try_get::<String>("", c).unwrap();
                (
                    s("aggregate_type"),
                    s("aggregate_id"),
                    s("action"),
                    r.try_get::<Option<String>>("", "from_state").unwrap(),
                    r.try_get::<Option<String>>("", "to_state").unwrap(),
                    s("actor_subject"),
                    s("actor_name"),
                    r.try_get::<DateTime<Utc>>("", "at").unwrap(),
                    s("note"),
                )
            })
            .collect();
        let new = (
            "relationship",
            "rel-1",
            "RelationshipSigned",
            "u3",
            "Park",
            300,
            "{}",
        );
        let expected: Vec<_> = old
            .into_iter()
            .chain([new])
            .map(|(kind, id, action, subject, name, secs, note)| {
                (
                    String::from(kind),
                    String::from(id),
                    String::from(action),
                    None,
                    None,
                    String::from(subject),
                    String::from(name),
                    at(secs),
                    String::from(note),
                )
            })
            .collect();
        assert_eq!(read, expected);
    }

    glocal_kit::on_both_backends!(
        postgres(flavor = "multi_thread", worker_threads = 2), sqlite();
        env: [];
        db: [audit_rows_survive_the_move_to_kit_shape]
    );
}
