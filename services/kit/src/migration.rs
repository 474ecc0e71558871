//! Column and index helpers for the services' schema migrations (written with the schema
//! builder so PostgreSQL and SQLite both accept them), and the one `outbox` table every
//! service creates. The helpers produce exactly the columns the services wrote by hand
//! before, so databases already migrated keep matching.

use sea_orm::DbErr;
use sea_orm_migration::prelude::*;

/// An identifier.
pub fn a(name: &str) -> Alias {
    Alias::new(name)
}

/// `text NOT NULL`.
pub fn text(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().not_null().to_owned()
}

/// `text NULL`.
pub fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().null().to_owned()
}

/// `varchar NOT NULL`.
pub fn string(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).string().not_null().to_owned()
}

/// `varchar NULL`.
pub fn string_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).string().null().to_owned()
}

/// `integer NOT NULL`.
pub fn int(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).integer().not_null().to_owned()
}

/// `integer NULL`.
pub fn int_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).integer().null().to_owned()
}

/// `bigint NOT NULL`.
pub fn big(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).big_integer().not_null().to_owned()
}

/// `bigint NULL`.
pub fn big_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).big_integer().null().to_owned()
}

/// `boolean NOT NULL`.
pub fn boolean(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).boolean().not_null().to_owned()
}

/// `date NOT NULL`.
pub fn date(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).date().not_null().to_owned()
}

/// `date NULL`.
pub fn date_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).date().null().to_owned()
}

/// `timestamp with time zone NOT NULL`.
pub fn ts(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

/// `timestamp with time zone NULL`.
pub fn ts_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

/// `uuid NOT NULL`.
pub fn uuid(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).uuid().not_null().to_owned()
}

/// `uuid NULL`.
pub fn uuid_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).uuid().null().to_owned()
}

/// `c`, made `NULL` when `null`, else `NOT NULL`.
pub fn nullable(mut c: ColumnDef, null: bool) -> ColumnDef {
    if null {
        c.null();
    } else {
        c.not_null();
    }
    c
}

/// The `seq` column every table has: `bigint NOT NULL` auto-increment primary key.
pub fn seq() -> ColumnDef {
    ColumnDef::new(a("seq"))
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

/// `CREATE [UNIQUE] INDEX IF NOT EXISTS name ON table (cols…)`.
pub fn index(table: &str, name: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(a(table)).if_not_exists();
    for c in cols {
        idx.col(a(c));
    }
    if unique {
        idx.unique();
    }
    idx.to_owned()
}

/// `CREATE TABLE IF NOT EXISTS name (seq, cols…)`.
pub fn table(name: &str, cols: Vec<ColumnDef>) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(a(name)).if_not_exists().col(seq());
    for mut c in cols {
        t.col(&mut c);
    }
    t.to_owned()
}

/// The type of the outbox's `id` and `aggregate_id` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxKeys {
    /// `uuid` (requests, training, events).
    Uuid,
    /// `varchar` (research).
    Text,
}

/// The `outbox` table: `seq`, `id` (unique), `aggregate_id`, `event_type`, `payload`,
/// `created_at`, `published_at` (NULL until the relay publishes the row).
pub fn outbox_table(keys: OutboxKeys) -> TableCreateStatement {
    let key = match keys {
        OutboxKeys::Uuid => uuid,
        OutboxKeys::Text => string,
    };
    table(
        "outbox",
        vec![
            key("id").unique_key().to_owned(),
            key("aggregate_id"),
            string("event_type"),
            text("payload"),
            ts("created_at"),
            ts_null("published_at"),
        ],
    )
}

/// The relay's index: unpublished rows in order.
pub fn outbox_index() -> IndexCreateStatement {
    index(
        "outbox",
        "outbox_unpublished",
        &["published_at", "seq"],
        false,
    )
}

/// Creates the `outbox` table and its index.
pub async fn create_outbox(m: &SchemaManager<'_>, keys: OutboxKeys) -> Result<(), DbErr> {
    m.create_table(outbox_table(keys)).await?;
    m.create_index(outbox_index()).await
}

/// The migration that gives an existing `outbox` table the typed-change columns:
/// `aggregate_type` (`varchar NOT NULL DEFAULT ''`) and `touched` (the touched entities as
/// a JSON array, `text NOT NULL DEFAULT '[]'`); rows written before keep those defaults.
/// Every service lists it after its initial migration.
pub struct OutboxChangeColumns;

impl MigrationName for OutboxChangeColumns {
    fn name(&self) -> &str {
        "m20261202_000001_outbox_change_columns"
    }
}

/// The two `ALTER TABLE outbox ADD COLUMN` statements of [`OutboxChangeColumns`] (one
/// column each: SQLite adds one at a time).
pub fn outbox_change_columns() -> [TableAlterStatement; 2] {
    [
        Table::alter()
            .table(a("outbox"))
            .add_column(string("aggregate_type").default("").to_owned())
            .to_owned(),
        Table::alter()
            .table(a("outbox"))
            .add_column(text("touched").default("[]").to_owned())
            .to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for OutboxChangeColumns {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for alter in outbox_change_columns() {
            m.alter_table(alter).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["touched", "aggregate_type"] {
            m.alter_table(
                Table::alter()
                    .table(a("outbox"))
                    .drop_column(a(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::DbBackend;

    use super::*;

    #[test]
    fn the_outbox_ddl_is_what_the_services_wrote_by_hand() {
        let hand = Table::create()
            .table(a("outbox"))
            .if_not_exists()
            .col(seq())
            .col(uuid("id").unique_key().to_owned())
            .col(uuid("aggregate_id"))
            .col(string("event_type"))
            .col(text("payload"))
            .col(ts("created_at"))
            .col(ts_null("published_at"))
            .to_owned();
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            assert_eq!(
                backend.build(&outbox_table(OutboxKeys::Uuid)).to_string(),
                backend.build(&hand).to_string()
            );
        }
        let sql = DbBackend::Postgres
            .build(&outbox_table(OutboxKeys::Text))
            .to_string();
        assert!(sql.contains(r#""id" varchar NOT NULL UNIQUE"#), "{sql}");
        assert_eq!(
            DbBackend::Postgres.build(&outbox_index()).to_string(),
            r#"CREATE INDEX IF NOT EXISTS "outbox_unpublished" ON "outbox" ("published_at", "seq")"#
        );
    }

    #[test]
    fn nullable_matches_the_fixed_helpers() {
        let pg = |c: ColumnDef| {
            DbBackend::Postgres
                .build(&Table::create().table(a("t")).col(c).to_owned())
                .to_string()
        };
        assert_eq!(
            pg(nullable(ColumnDef::new(a("x")).string().to_owned(), true)),
            pg(string_null("x"))
        );
        assert_eq!(
            pg(nullable(ColumnDef::new(a("x")).string().to_owned(), false)),
            pg(string("x"))
        );
    }
}
