//! The service's one error enum and its mapping to the shared code table.

use crate::domain::{IllegalTransition, Version};

glocal_kit::service_error!(
    /// Everything that can go wrong in the requests service.
    RequestsError { transition: IllegalTransition, version: Version }
);

#[cfg(test)]
mod tests {
    use glocal_kit::error::{ErrorCode, ServiceError};
    use sea_orm::DbErr;

    use super::*;
    use crate::domain::{Action, RequestState};
    use sea_orm::RuntimeErr;

    #[test]
    fn codes_and_fields() {
        let e = RequestsError::invalid("title", "is required");
        assert_eq!(e.code(), ErrorCode::BadUserInput);
        assert_eq!(e.field(), Some("title"));
        let e = RequestsError::from(IllegalTransition {
            state: RequestState::Withdrawn,
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
