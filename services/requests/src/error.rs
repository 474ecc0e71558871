//! The service's one error enum and its mapping to the shared code table.

use glocal_kit::error::{ErrorCode, ServiceError};
use sea_orm::DbErr;

use crate::domain::{IllegalTransition, InvalidInput, Version};

/// Everything that can go wrong in the requests service.
#[derive(Debug, thiserror::Error)]
pub enum RequestsError {
    /// No caller identity.
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
    /// The state machine refuses the action.
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    /// Someone changed the request since the caller saw it.
    #[error("version {seen} is stale; current is {current}")]
    StaleVersion {
        /// What the caller sent.
        seen: Version,
        /// What is stored.
        current: i64,
    },
    /// Another conflict with the current state (idempotency key reuse, closed window, …).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A database failure.
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

impl RequestsError {
    /// A BAD_USER_INPUT error about `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        RequestsError::Invalid(InvalidInput::new(field, message))
    }
}

impl ServiceError for RequestsError {
    fn code(&self) -> ErrorCode {
        match self {
            RequestsError::Unauthenticated => ErrorCode::Unauthenticated,
            RequestsError::Forbidden(_) => ErrorCode::Forbidden,
            RequestsError::NotFound(_) => ErrorCode::NotFound,
            RequestsError::Invalid(_) => ErrorCode::BadUserInput,
            RequestsError::IllegalTransition(_)
            | RequestsError::StaleVersion { .. }
            | RequestsError::Conflict(_) => ErrorCode::Conflict,
            RequestsError::Database(e) if glocal_kit::db_error::is_unavailable(e) => {
                ErrorCode::Unavailable
            }
            RequestsError::Connect(_) => ErrorCode::Unavailable,
            RequestsError::Database(_) | RequestsError::Corrupt(_) | RequestsError::Serve(_) => {
                ErrorCode::Internal
            }
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            RequestsError::Invalid(e) => Some(e.field()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Action, RequestState};
    use sea_orm::RuntimeErr;

    #[test]
    fn codes_and_fields() {
        let e = RequestsError::invalid("title", "is required");
        assert_eq!(e.code(), ErrorCode::BadUserInput);
        assert_eq!(e.field(), Some("title"));
        let e = RequestsError::from(IllegalTransition {
            state: RequestState::Closed,
            action: Action::Reopen,
        });
        assert_eq!(e.code(), ErrorCode::Conflict);
        let stale = RequestsError::StaleVersion {
            seen: Version::FIRST,
            current: 2,
        };
        assert_eq!(stale.to_string(), "version 1 is stale; current is 2");
        assert_eq!(
            RequestsError::NotFound("service request").code(),
            ErrorCode::NotFound
        );
        assert_eq!(
            RequestsError::Database(DbErr::Custom("x".into())).code(),
            ErrorCode::Internal
        );
        assert_eq!(
            RequestsError::Database(DbErr::Conn(RuntimeErr::Internal("down".into()))).code(),
            ErrorCode::Unavailable
        );
    }
}
