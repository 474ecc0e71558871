//! `EventsError`: every failure of the events service, mapped once to the shared code table.

use glocal_kit::error::{ErrorCode, ServiceError};
use sea_orm::DbErr;

use crate::domain::{IllegalTransition, InvalidInput, Version};

/// Every failure of the events service.
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    /// No caller identity where one is needed.
    #[error("authentication required")]
    Unauthenticated,
    /// The caller may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No such thing, or not visible to the caller (the same message either way).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Input that does not parse.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// A state machine refuses the action.
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    /// Someone changed the thing since the caller saw it.
    #[error("version {seen} is stale; current is {current}")]
    StaleVersion {
        /// What the caller sent.
        seen: Version,
        /// What is stored.
        current: i64,
    },
    /// Another conflict with the current state (out of turn, full quota, overlap, …).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// Stored data that does not parse (a bug or a manual edit).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The database could not be opened.
    #[error(transparent)]
    Connect(#[from] glocal_kit::db::DbConnectError),
    /// The gRPC server failed.
    #[error(transparent)]
    Serve(#[from] glocal_kit::grpc::GrpcError),
}

impl EventsError {
    /// A BAD_USER_INPUT error about `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        EventsError::Invalid(InvalidInput::new(field, message))
    }
}

impl ServiceError for EventsError {
    fn code(&self) -> ErrorCode {
        match self {
            EventsError::Unauthenticated => ErrorCode::Unauthenticated,
            EventsError::Forbidden(_) => ErrorCode::Forbidden,
            EventsError::NotFound(_) => ErrorCode::NotFound,
            EventsError::Invalid(_) => ErrorCode::BadUserInput,
            EventsError::IllegalTransition(_)
            | EventsError::StaleVersion { .. }
            | EventsError::Conflict(_) => ErrorCode::Conflict,
            EventsError::Database(e) if glocal_kit::db_error::is_unavailable(e) => {
                ErrorCode::Unavailable
            }
            EventsError::Connect(_) => ErrorCode::Unavailable,
            EventsError::Database(_) | EventsError::Corrupt(_) | EventsError::Serve(_) => {
                ErrorCode::Internal
            }
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            EventsError::Invalid(e) => Some(e.field()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::RuntimeErr;

    #[test]
    fn codes_and_fields() {
        let e = EventsError::invalid("hostCountry", "bad");
        assert_eq!(e.code(), ErrorCode::BadUserInput);
        assert_eq!(e.field(), Some("hostCountry"));
        assert_eq!(
            EventsError::Conflict("out of turn".into()).code(),
            ErrorCode::Conflict
        );
        assert_eq!(EventsError::NotFound("event").code(), ErrorCode::NotFound);
        assert_eq!(
            EventsError::StaleVersion {
                seen: Version::FIRST,
                current: 2
            }
            .code(),
            ErrorCode::Conflict
        );
        assert_eq!(
            EventsError::Database(DbErr::Custom("x".into())).code(),
            ErrorCode::Internal
        );
        assert_eq!(
            EventsError::Database(DbErr::Conn(RuntimeErr::Internal("down".into()))).code(),
            ErrorCode::Unavailable
        );
    }
}
