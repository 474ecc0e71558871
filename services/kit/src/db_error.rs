//! Database error classification, once for every service: which `DbErr` means "the
//! database is unavailable, retry later" (answered UNAVAILABLE) and which means "a unique
//! constraint refused the row" (usually a lost race or a reused key, answered CONFLICT or
//! resolved by re-reading).

use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr, SqlErr};

/// SQLSTATEs after which the database (not the statement) is at fault and a retry later
/// may succeed: admin shutdown, crash shutdown, cannot connect now (`57P01..57P03`),
/// serialization failure and deadlock that escaped the service's own retries.
const UNAVAILABLE_SQLSTATES: &[&str] = &["57P01", "57P02", "57P03", "40001", "40P01"];

/// PostgreSQL's unique violation.
const UNIQUE_VIOLATION: &str = "23505";

/// True when `e` means the database is unreachable or refused the work for a reason that a
/// retry later may not meet: the connection failed, was reset or closed, the pool timed out
/// or was closed, the server is shutting down (`57P01`, `57P02`, `57P03`, class `08`,
/// "terminating connection"), or a serialization failure (`40001`) or deadlock (`40P01`)
/// escaped the service's own retries.
pub fn is_unavailable(e: &DbErr) -> bool {
    match e {
        DbErr::Conn(_) => true,
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout | ConnAcquireErr::ConnectionClosed) => {
            true
        }
        DbErr::Exec(r) | DbErr::Query(r) => runtime_unavailable(r),
        _ => false,
    }
}

fn runtime_unavailable(r: &RuntimeErr) -> bool {
    match r {
        RuntimeErr::SqlxError(e) => match &**e {
            sea_orm::sqlx::Error::Io(_)
            | sea_orm::sqlx::Error::PoolTimedOut
            | sea_orm::sqlx::Error::PoolClosed
            | sea_orm::sqlx::Error::WorkerCrashed => true,
            sea_orm::sqlx::Error::Database(db) => {
                db.code().is_some_and(|c| sqlstate_unavailable(&c)) || terminating(db.message())
            }
            _ => false,
        },
        RuntimeErr::Internal(message) => terminating(message),
    }
}

fn sqlstate_unavailable(code: &str) -> bool {
    code.starts_with("08") || UNAVAILABLE_SQLSTATES.contains(&code)
}

fn terminating(message: &str) -> bool {
    message.contains("terminating connection")
}

/// True when a unique constraint (or primary key) refused the row, on either backend.
pub fn is_unique_violation(e: &DbErr) -> bool {
    if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        return true;
    }
    match e {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match &**e {
                sea_orm::sqlx::Error::Database(db) => {
                    db.is_unique_violation() || db.code().as_deref() == Some(UNIQUE_VIOLATION)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::sync::Arc;

    use sea_orm::sqlx::error::{DatabaseError, ErrorKind};

    use super::*;

    /// A database error as a driver would report it: SQLSTATE, message, kind.
    #[derive(Debug)]
    struct Fake {
        code: &'static str,
        message: &'static str,
        kind: ErrorKind,
    }

    impl std::fmt::Display for Fake {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.message)
        }
    }

    impl std::error::Error for Fake {}

    impl DatabaseError for Fake {
        fn message(&self) -> &str {
            self.message
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.code))
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> ErrorKind {
            match &self.kind {
                ErrorKind::UniqueViolation => ErrorKind::UniqueViolation,
                _ => ErrorKind::Other,
            }
        }
    }

    fn db(code: &'static str, message: &'static str, kind: ErrorKind) -> DbErr {
        let e = sea_orm::sqlx::Error::Database(Box::new(Fake {
            code,
            message,
            kind,
        }));
        DbErr::Exec(RuntimeErr::SqlxError(Arc::new(e)))
    }

    fn sqlx(e: sea_orm::sqlx::Error) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)))
    }

    #[test]
    fn connection_failures_are_unavailable() {
        assert!(is_unavailable(&DbErr::Conn(RuntimeErr::Internal(
            "down".into()
        ))));
        assert!(is_unavailable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout
        )));
        assert!(is_unavailable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::ConnectionClosed
        )));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(is_unavailable(&sqlx(sea_orm::sqlx::Error::Io(refused))));
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(is_unavailable(&sqlx(sea_orm::sqlx::Error::Io(reset))));
        assert!(is_unavailable(&sqlx(sea_orm::sqlx::Error::PoolTimedOut)));
        assert!(is_unavailable(&sqlx(sea_orm::sqlx::Error::PoolClosed)));
    }

    #[test]
    fn server_shutdown_and_escaped_conflicts_are_unavailable() {
        for code in [
            "57P01", "57P02", "57P03", "08006", "08001", "40001", "40P01",
        ] {
            assert!(
                is_unavailable(&db(code, "x", ErrorKind::Other)),
                "{code} is unavailable"
            );
        }
        assert!(is_unavailable(&db(
            "XX000",
            "terminating connection due to administrator command",
            ErrorKind::Other
        )));
        assert!(is_unavailable(&DbErr::Exec(RuntimeErr::Internal(
            "terminating connection due to administrator command".into()
        ))));
    }

    #[test]
    fn statement_errors_are_not_unavailable() {
        assert!(!is_unavailable(&db(
            "23505",
            "duplicate key",
            ErrorKind::UniqueViolation
        )));
        assert!(!is_unavailable(&db(
            "42P01",
            "no such table",
            ErrorKind::Other
        )));
        assert!(!is_unavailable(&DbErr::Custom("x".into())));
        assert!(!is_unavailable(&DbErr::RecordNotFound("x".into())));
        assert!(!is_unavailable(&sqlx(sea_orm::sqlx::Error::RowNotFound)));
    }

    #[test]
    fn unique_violations_are_recognised() {
        assert!(is_unique_violation(&db(
            "23505",
            "duplicate key value violates unique constraint",
            ErrorKind::UniqueViolation
        )));
        assert!(is_unique_violation(&db("23505", "dup", ErrorKind::Other)));
        assert!(is_unique_violation(&db(
            "2067",
            "UNIQUE constraint failed",
            ErrorKind::UniqueViolation
        )));
        assert!(!is_unique_violation(&db("23503", "fk", ErrorKind::Other)));
        assert!(!is_unique_violation(&DbErr::Conn(RuntimeErr::Internal(
            "down".into()
        ))));
    }

    #[tokio::test]
    async fn a_real_sqlite_unique_violation_is_recognised() {
        use sea_orm::ConnectionTrait;
        let conn = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        conn.execute_unprepared("CREATE TABLE t (k TEXT PRIMARY KEY)")
            .await
            .unwrap();
        conn.execute_unprepared("INSERT INTO t VALUES ('a')")
            .await
            .unwrap();
        let e = conn
            .execute_unprepared("INSERT INTO t VALUES ('a')")
            .await
            .unwrap_err();
        assert!(is_unique_violation(&e));
        assert!(!is_unavailable(&e));
    }
}
