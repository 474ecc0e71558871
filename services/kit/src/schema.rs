//! Who changes a database's schema, and what a serving process accepts (ADR 0020).
//!
//! Only `glocal migrate` (the migration Job) and `glocal dev` apply migrations, through
//! [`migrate_locked`]: on PostgreSQL under a session advisory lock, so concurrent migrators
//! (several Jobs, `kubectl apply -k` on empty databases) run one after the other and the later
//! ones find nothing to do. `glocal serve` only reads the migration table through [`check`]:
//! every migration this release knows must be applied (else [`SchemaError::Behind`]), and
//! migrations it does not know — the next release's, after a rollback — are tolerated, because
//! migrations are written expand/contract (a release never needs a column or table to be gone,
//! and never writes a schema the previous release cannot read).

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use sea_orm_migration::MigratorTrait;

/// The first half of every migration lock's key (`pg_advisory_lock(int, int)`): "GLOC".
const LOCK_CLASS: i32 = 0x474C_4F43;

/// What a serving process found in its database's migration table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaStatus {
    /// How many of this release's migrations are applied (all of them, or [`check`] fails).
    pub applied: usize,
    /// Applied migrations this release does not know (a newer release's), oldest first.
    pub newer: Vec<String>,
}

/// Why a process may not serve over a database.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// Migrations this release needs are not applied (a fresh database, or the migration Job
    /// has not run yet).
    #[error(
        "the {service} database lacks {} migration(s) this release needs ({}); run `glocal migrate {service}` (the chart's migration Job) first",
        missing.len(),
        missing.join(", ")
    )]
    Behind {
        /// The service.
        service: &'static str,
        /// The missing migrations, oldest first.
        missing: Vec<String>,
    },
    /// The migration table could not be read.
    #[error("cannot read the {service} database's migration table: {source}")]
    Read {
        /// The service.
        service: &'static str,
        /// The database's error.
        source: DbErr,
    },
}

/// The advisory-lock key of `service`'s migrations (a stable FNV-1a hash of its name), or
/// of any other name (a person's, [`crate::privacy::lock_people`]).
pub(crate) fn lock_key(service: &str) -> i32 {
    let hash = service.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    i32::from_ne_bytes(hash.to_ne_bytes())
}

/// Applies `M`'s pending migrations to `service`'s database. On PostgreSQL it first takes the
/// session advisory lock `(LOCK_CLASS, hash(service))` on a connection of its own (the pool
/// needs at least two), waiting for any other migrator of the same database, and releases it
/// afterwards whatever the outcome.
pub async fn migrate_locked<M: MigratorTrait>(
    db: &DatabaseConnection,
    service: &str,
) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return M::up(db, None).await;
    }
    use sea_orm::sqlx::{self, Connection as _};
    let sql_err = |e: sqlx::Error| DbErr::Custom(format!("migration lock: {e}"));
    let mut lock = db
        .get_postgres_connection_pool()
        .acquire()
        .await
        .map_err(sql_err)?
        .detach();
    let key = lock_key(service);
    sqlx::query("SELECT pg_advisory_lock($1, $2)")
        .bind(LOCK_CLASS)
        .bind(key)
        .execute(&mut lock)
        .await
        .map_err(sql_err)?;
    tracing::info!(service, "migration lock taken");
    let migrated = M::up(db, None).await;
    // Closing the session releases the lock too; unlock first so a slow close never holds it.
    let _ = sqlx::query("SELECT pg_advisory_unlock($1, $2)")
        .bind(LOCK_CLASS)
        .bind(key)
        .execute(&mut lock)
        .await;
    let _ = lock.close().await;
    migrated
}

/// Checks that every migration of `M` is applied to `service`'s database, reading the
/// migration table only (a role with data rights alone may run it). Applied migrations `M`
/// does not know are reported, not refused.
pub async fn check<M: MigratorTrait>(
    db: &DatabaseConnection,
    service: &'static str,
) -> Result<SchemaStatus, SchemaError> {
    let read = |source| SchemaError::Read { service, source };
    let table = M::migration_table_name().to_string();
    let applied = applied_versions(db, &table).await.map_err(read)?;
    let known: Vec<String> = M::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let missing: Vec<String> = known
        .iter()
        .filter(|name| !applied.contains(*name))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(SchemaError::Behind { service, missing });
    }
    let known: BTreeSet<&String> = known.iter().collect();
    let newer = applied
        .iter()
        .filter(|v| !known.contains(v))
        .cloned()
        .collect();
    Ok(SchemaStatus {
        applied: known.len(),
        newer,
    })
}

/// The versions in the migration table `table` (none when it does not exist), in order.
async fn applied_versions(db: &DatabaseConnection, table: &str) -> Result<BTreeSet<String>, DbErr> {
    let backend = db.get_database_backend();
    let exists = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT to_regclass($1) IS NOT NULL AS present",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT COUNT(*) > 0 AS present FROM sqlite_master WHERE type = 'table' AND name = ?",
            [table.into()],
        ),
    };
    let present: bool = match db.query_one_raw(exists).await? {
        Some(row) => row.try_get("", "present")?,
        None => false,
    };
    if !present {
        return Ok(BTreeSet::new());
    }
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!("SELECT version FROM \"{table}\""),
        ))
        .await?;
    rows.iter()
        .map(|row| row.try_get::<String>("", "version"))
        .collect()
}

#[cfg(test)]
mod tests {
    use sea_orm_migration::prelude::*;

    use super::*;

    struct First;
    impl MigrationName for First {
        fn name(&self) -> &str {
            "m20260101_000001_first"
        }
    }
    #[async_trait::async_trait]
    impl MigrationTrait for First {
        async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
            m.create_table(crate::migration::table(
                "thing",
                vec![crate::migration::text("name")],
            ))
            .await
        }
    }

    struct Migrator;
    impl MigratorTrait for Migrator {
        fn migrations() -> Vec<Box<dyn MigrationTrait>> {
            vec![Box::new(First)]
        }
    }

    #[test]
    fn lock_keys_differ_per_service_and_never_change() {
        assert_ne!(lock_key("requests"), lock_key("training"));
        assert_eq!(lock_key("requests"), lock_key("requests"));
        assert_eq!(
            lock_key(""),
            i32::from_ne_bytes(0x811c_9dc5_u32.to_ne_bytes())
        );
    }

    #[tokio::test]
    async fn a_fresh_database_is_behind_and_a_newer_one_is_tolerated() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        let behind = check::<Migrator>(&db, "things").await.unwrap_err();
        assert!(
            matches!(&behind, SchemaError::Behind { missing, .. } if missing == &["m20260101_000001_first"]),
            "{behind:?}"
        );
        assert!(
            behind.to_string().contains("glocal migrate things"),
            "{behind}"
        );
        migrate_locked::<Migrator>(&db, "things").await.unwrap();
        assert_eq!(
            check::<Migrator>(&db, "things").await.unwrap(),
            SchemaStatus {
                applied: 1,
                newer: vec![]
            }
        );
        db.execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20270101_000002_next_release', 0)",
        )
        .await
        .unwrap();
        assert_eq!(
            check::<Migrator>(&db, "things").await.unwrap().newer,
            ["m20270101_000002_next_release"]
        );
    }
}
