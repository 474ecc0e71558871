//! `NotifierError`: every failure of the notifier, mapped once to the shared code table.

use glocal_kit::domain::InvalidInput;
use glocal_kit::error::{ErrorCode, Refusal, ServiceError};
use glocal_kit::i18n::Message;
use sea_orm::DbErr;

use crate::domain::render::RenderError;

/// Every failure of the notifier.
#[derive(Debug, thiserror::Error)]
pub enum NotifierError {
    /// No caller identity where one is needed.
    #[error("authentication required")]
    Unauthenticated,
    /// No such notice, or not the caller's (the same message either way).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The caller may not do this (the e-mail deliveries are for bureau administrators).
    #[error("{0}")]
    Forbidden(String),
    /// The change does not fit what is stored (a delivery that is not FAILED resent).
    #[error("{0}")]
    Conflict(String),
    /// Input that does not parse.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// A notice template does not render (a bug).
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The database could not be opened.
    #[error(transparent)]
    Connect(#[from] glocal_kit::db::DbConnectError),
    /// The gRPC server failed.
    #[error(transparent)]
    Serve(#[from] glocal_kit::grpc::GrpcError),
    /// A rule refused, with a stable reason and its catalogue message.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The mail transport could not be set up from `notifications.smtp_url`.
    #[error("notifications.smtp_url: {0}")]
    Transport(String),
}

impl ServiceError for NotifierError {
    fn code(&self) -> ErrorCode {
        match self {
            NotifierError::Unauthenticated => ErrorCode::Unauthenticated,
            NotifierError::NotFound(_) => ErrorCode::NotFound,
            NotifierError::Forbidden(_) => ErrorCode::Forbidden,
            NotifierError::Conflict(_) => ErrorCode::Conflict,
            NotifierError::Invalid(_) => ErrorCode::BadUserInput,
            NotifierError::Refused(r) => r.code,
            NotifierError::Database(e) if glocal_kit::db_error::is_unavailable(e) => {
                ErrorCode::Unavailable
            }
            NotifierError::Connect(_) => ErrorCode::Unavailable,
            NotifierError::Database(_)
            | NotifierError::Render(_)
            | NotifierError::Serve(_)
            | NotifierError::Transport(_) => ErrorCode::Internal,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            NotifierError::Invalid(e) => Some(e.field()),
            _ => None,
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            NotifierError::Refused(r) => Some(r.reason),
            _ => None,
        }
    }

    fn catalogue_message(&self) -> Option<Message> {
        match self {
            NotifierError::Unauthenticated => Some(Message::new("error-unauthenticated")),
            NotifierError::NotFound(what) => {
                Some(Message::new("error-not-found").arg("what", what))
            }
            NotifierError::Invalid(e) => e.catalogue_message().cloned(),
            NotifierError::Refused(r) => r.said.clone(),
            // A rule's English sentence the catalogue holds word for word.
            NotifierError::Forbidden(text) | NotifierError::Conflict(text) => {
                Message::of_english(text)
            }
            _ => None,
        }
    }
}

impl NotifierError {
    /// A refusal with `code`, the stable `reason` and the catalogue message `said`.
    pub fn said(code: ErrorCode, reason: &'static str, said: Message) -> Self {
        NotifierError::Refused(Refusal::said(code, reason, said))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_fields() {
        let e = NotifierError::from(InvalidInput::new("email", "is not an e-mail address"));
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::BadUserInput, Some("email"))
        );
        assert_eq!(
            NotifierError::NotFound("notification").code(),
            ErrorCode::NotFound
        );
        assert_eq!(
            NotifierError::Unauthenticated.code(),
            ErrorCode::Unauthenticated
        );
    }
}
