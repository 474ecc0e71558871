//! `EventsError`: every failure of the events service, mapped once to the shared code table.

use crate::domain::{IllegalTransition, Version};

glocal_kit::service_error!(
    /// Every failure of the events service.
    EventsError { transition: IllegalTransition, version: Version }
);

#[cfg(test)]
mod tests {
    use glocal_kit::error::{ErrorCode, ServiceError};
    use sea_orm::DbErr;

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
