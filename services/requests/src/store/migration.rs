//! Schema migrations, written with the schema builder so PostgreSQL and SQLite both accept
//! them (no ALTER TABLE beyond what SQLite supports).

use glocal_kit::migration::{
    OutboxChangeColumns, OutboxKeys, a, create_outbox, index, seq, string, string_null, text, ts,
    ts_null, uuid,
};
use sea_orm_migration::prelude::*;

/// Every migration of the requests service, in order.
pub(crate) struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Initial),
            Box::new(OutboxChangeColumns),
            Box::new(super::sla_migration::ServiceLevels),
            Box::new(super::sla_migration::FirstResponseMarks),
            Box::new(super::attachments::Attachments),
            Box::new(super::depth_migration::Survey),
            Box::new(super::search::RequestSearch),
            Box::new(super::depth_migration::Relations),
            Box::new(super::directory_migration::DirectoryAdministration),
            Box::new(glocal_kit::privacy::ExpiryColumnMigration {
                table: "service_request",
            }),
            Box::new(glocal_kit::outbox::follow::PositionsMigration),
            Box::new(LocalGovernmentPages),
            Box::new(super::loads::StaffLoads),
            Box::new(DepartmentPages),
        ]
    }

    fn migration_table_name() -> DynIden {
        Alias::new("requests_migrations").into_iden()
    }
}

/// A local government's requests newest first, read from one index (issue 14 item 6, the
/// EXPLAIN of docs/benchmarks.md): `(local_government_code, seq)` replaces the index on the
/// code alone, which it contains. A plain `CREATE INDEX`: PostgreSQL holds inserts into
/// `service_request` while it builds (a second or so per hundred thousand rows).
struct LocalGovernmentPages;

impl MigrationName for LocalGovernmentPages {
    fn name(&self) -> &str {
        "m20261205_000001_local_government_pages"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for LocalGovernmentPages {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "service_request",
            "service_request_local_government_seq",
            &["local_government_code", "seq"],
            false,
        ))
        .await?;
        m.drop_index(
            Index::drop()
                .name("service_request_local_government")
                .table(a("service_request"))
                .if_exists()
                .to_owned(),
        )
        .await
    }
}

/// A department's requests and a staff member's, newest first, each read from one index
/// (issue 14 item 6, `store::requests::department_rows`): `(department_code, seq)` replaces
/// the index on the code alone, which it contains, and `(assignee_id, seq)` joins
/// `(assignee_id, state)`, which the loads' reads keep using. Plain `CREATE INDEX`, as
/// [`LocalGovernmentPages`].
struct DepartmentPages;

impl MigrationName for DepartmentPages {
    fn name(&self) -> &str {
        "m20261205_000002_department_pages"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for DepartmentPages {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "service_request",
            "service_request_department_seq",
            &["department_code", "seq"],
            false,
        ))
        .await?;
        m.create_index(index(
            "service_request",
            "service_request_assignee_seq",
            &["assignee_id", "seq"],
            false,
        ))
        .await?;
        m.drop_index(
            Index::drop()
                .name("service_request_department")
                .table(a("service_request"))
                .if_exists()
                .to_owned(),
        )
        .await
    }
}

struct Initial;

impl MigrationName for Initial {
    fn name(&self) -> &str {
        "m20260101_000001_initial"
    }
}

fn names() -> [ColumnDef; 4] {
    [
        string("name_ko"),
        string("name_en"),
        string("name_zh"),
        string("name_ja"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Initial {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a("local_government"))
            .if_not_exists()
            .col(ColumnDef::new(a("code")).string().not_null().primary_key());
        for c in names() {
            t.col(c);
        }
        t.col(string("level"));
        m.create_table(t.to_owned()).await?;

        let mut t = Table::create();
        t.table(a("department"))
            .if_not_exists()
            .col(ColumnDef::new(a("code")).string().not_null().primary_key());
        for c in names() {
            t.col(c);
        }
        m.create_table(t.to_owned()).await?;

        m.create_table(
            Table::create()
                .table(a("staff"))
                .if_not_exists()
                .col(ColumnDef::new(a("id")).string().not_null().primary_key())
                .col(
                    ColumnDef::new(a("subject"))
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(string("name"))
                .col(string("department_code"))
                .col(ColumnDef::new(a("active")).boolean().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "staff",
            "staff_department",
            &["department_code"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(a("routing_rule"))
                .if_not_exists()
                .col(
                    ColumnDef::new(a("id"))
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(string("request_type"))
                .col(string_null("language"))
                .col(string("department_code"))
                .col(ColumnDef::new(a("priority")).integer().not_null())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("service_request"))
                .if_not_exists()
                .col(seq())
                .col(uuid("id").unique_key().to_owned())
                .col(string("number").unique_key().to_owned())
                .col(string("request_type"))
                .col(string("title"))
                .col(text("description"))
                .col(text("details"))
                .col(string("state"))
                .col(string("requester_subject"))
                .col(string("requester_name"))
                .col(string("local_government_code"))
                .col(string_null("department_code"))
                .col(string_null("assignee_id"))
                .col(text("routing"))
                .col(string("idempotency_key"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts("first_response_due_at"))
                .col(ts("resolution_due_at"))
                .col(ts_null("first_responded_at"))
                .col(ts_null("final_responded_at"))
                .col(ts_null("expected_completion_at"))
                .col(ColumnDef::new(a("reject_reason")).text().null())
                .col(ColumnDef::new(a("version")).big_integer().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "service_request",
            "service_request_idempotency",
            &["requester_subject", "idempotency_key"],
            true,
        ))
        .await?;
        m.create_index(index(
            "service_request",
            "service_request_local_government",
            &["local_government_code"],
            false,
        ))
        .await?;
        m.create_index(index(
            "service_request",
            "service_request_department",
            &["department_code"],
            false,
        ))
        .await?;
        m.create_index(index(
            "service_request",
            "service_request_assignee",
            &["assignee_id", "state"],
            false,
        ))
        .await?;
        m.create_index(index(
            "service_request",
            "service_request_state",
            &["state"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(a("request_message"))
                .if_not_exists()
                .col(seq())
                .col(uuid("id").unique_key().to_owned())
                .col(uuid("request_id"))
                .col(string("kind"))
                .col(text("body"))
                .col(string("author_subject"))
                .col(string("author_name"))
                .col(ts("created_at"))
                .col(ts_null("expected_completion_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "request_message",
            "request_message_request",
            &["request_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(a("request_history"))
                .if_not_exists()
                .col(seq())
                .col(uuid("request_id"))
                .col(string("action"))
                .col(string_null("from_state"))
                .col(string("to_state"))
                .col(string("actor_subject"))
                .col(string("actor_name"))
                .col(ts("at"))
                .col(text("note"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "request_history",
            "request_history_request",
            &["request_id"],
            false,
        ))
        .await?;

        create_outbox(m, OutboxKeys::Uuid).await?;

        m.create_table(
            Table::create()
                .table(a("request_counter"))
                .if_not_exists()
                .col(ColumnDef::new(a("year")).integer().not_null().primary_key())
                .col(ColumnDef::new(a("last")).big_integer().not_null())
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
