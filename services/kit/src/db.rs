//! Database connection for any service: PostgreSQL or SQLite, chosen by the URL's scheme.

use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::config::PoolSettings;

/// Which engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `postgres://` or `postgresql://`.
    Postgres,
    /// `sqlite:`.
    Sqlite,
}

/// Why a database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbConnectError {
    /// The URL's scheme is neither PostgreSQL nor SQLite.
    #[error("database URL must start with postgres:// or sqlite:")]
    UnsupportedScheme,
    /// The SQLite file's folder could not be created.
    #[error("cannot create folder for SQLite file: {0}")]
    Folder(std::io::Error),
    /// Connecting failed.
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] DbErr),
}

impl Backend {
    /// The engine a URL names.
    pub fn of(url: &str) -> Result<Backend, DbConnectError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(DbConnectError::UnsupportedScheme)
        }
    }
}

/// Opens a pool with the default [`PoolSettings`] (see [`connect_with`]).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbConnectError> {
    connect_with(url, &PoolSettings::default()).await
}

/// Opens a pool sized and timed by `pool` (PostgreSQL). SQLite files (and their folder) are
/// created when missing; SQLite gets a single connection so writers never meet SQLITE_BUSY.
pub async fn connect_with(
    url: &str,
    pool: &PoolSettings,
) -> Result<DatabaseConnection, DbConnectError> {
    let backend = Backend::of(url)?;
    let mut url = url.to_owned();
    let mut opts = match backend {
        Backend::Postgres => {
            let mut o = ConnectOptions::new(url);
            o.max_connections(pool.max_connections)
                .min_connections(pool.min_connections.min(pool.max_connections));
            o
        }
        Backend::Sqlite => {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or_default();
            if !path.is_empty() && path != ":memory:" {
                if let Some(parent) = std::path::Path::new(path)
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(parent).map_err(DbConnectError::Folder)?;
                }
                if !url.contains("mode=") {
                    url.push(if url.contains('?') { '&' } else { '?' });
                    url.push_str("mode=rwc");
                }
            }
            let mut o = ConnectOptions::new(url);
            o.max_connections(1).min_connections(1);
            o
        }
    };
    opts.connect_timeout(Duration::from_millis(pool.connect_timeout_ms))
        .acquire_timeout(Duration::from_millis(pool.acquire_timeout_ms))
        .sqlx_logging(false);
    Ok(Database::connect(opts).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_by_scheme() {
        assert_eq!(Backend::of("postgres://x").unwrap(), Backend::Postgres);
        assert_eq!(Backend::of("postgresql://x").unwrap(), Backend::Postgres);
        assert_eq!(Backend::of("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert!(Backend::of("mysql://x").is_err());
    }

    #[tokio::test]
    async fn sqlite_file_and_folder_are_created() {
        let dir = std::env::temp_dir().join(format!("glocal-db-{}", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}/nested/x.db", dir.display());
        let db = connect(&url).await.unwrap();
        db.ping().await.unwrap();
        assert!(dir.join("nested/x.db").exists());
        let _ = std::fs::remove_dir_all(dir);
    }
}
