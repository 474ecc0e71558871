//! `ResearchError`: every failure of the research service, mapped once to the shared code table.

use glocal_kit::error::{ErrorCode, Refusal, ServiceError};
use glocal_kit::i18n::Message;
use sea_orm::DbErr;

use crate::domain::{IllegalTransition, InvalidInput, Revision};

/// Every failure of the research service.
#[derive(Debug, thiserror::Error)]
pub enum ResearchError {
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
    /// The practice workflow refuses the action.
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    /// Someone changed the record since the caller saw it.
    #[error("revision {seen} is stale; current is {current}")]
    StaleRevision {
        /// What the caller sent.
        seen: Revision,
        /// What is stored.
        current: i64,
    },
    /// Another conflict with the current state (key reuse, a concept in use, a duplicate tie).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A business rule refused, with a stable reason (`NOT_OWN_ORGANISATION`,
    /// `PROFILE_CHANGE_PENDING`, `PROFILE_CHANGE_DECIDED`).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A link to another entity that names none (an unknown opportunity or organisation):
    /// BAD_USER_INPUT on `field`, with a stable `reason` and the catalogue message `said`.
    #[error("{field}: {}", said.render(glocal_kit::i18n::Lang::En))]
    Unlinked {
        /// The input field holding the link.
        field: String,
        /// The stable reason, e.g. `UNKNOWN_ORGANISATION`.
        reason: &'static str,
        /// What a person reads.
        said: Message,
    },
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// Stored data that does not parse (a bug or a manual edit).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The database could not be opened.
    #[error(transparent)]
    Connect(#[from] glocal_kit::db::DbConnectError),
    /// The gRPC server failed.
    #[error(transparent)]
    Grpc(#[from] glocal_kit::grpc::GrpcError),
    /// Object storage (practices' files) failed.
    #[error(transparent)]
    Files(#[from] glocal_kit::files::FilesError),
}

impl ResearchError {
    /// A BAD_USER_INPUT error about `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ResearchError::Invalid(InvalidInput::new(field, message))
    }

    /// A BAD_USER_INPUT error about `field` saying the catalogue message `said`.
    pub fn invalid_said(field: &str, said: Message) -> Self {
        ResearchError::Invalid(InvalidInput::localized(field, said))
    }

    /// A refusal with `code`, the stable `reason` and the catalogue message `said`.
    pub fn said(code: ErrorCode, reason: &'static str, said: Message) -> Self {
        ResearchError::Refused(Refusal::said(code, reason, said))
    }

    /// FORBIDDEN with the stable `reason`, saying the catalogue rule `rule` ("only bureau
    /// staff may { $action }") of the action `what` ([`glocal_kit::i18n::action`]).
    pub fn only(reason: &'static str, rule: &str, what: &str) -> Self {
        ResearchError::said(
            ErrorCode::Forbidden,
            reason,
            Message::new(rule).arg_said("action", &glocal_kit::i18n::action(what)),
        )
    }

    /// BAD_USER_INPUT on `field`: a link that names nothing, with the stable `reason`.
    pub fn unlinked(field: impl Into<String>, reason: &'static str, said: Message) -> Self {
        ResearchError::Unlinked {
            field: field.into(),
            reason,
            said,
        }
    }

    /// Stored data that does not parse.
    pub(crate) fn corrupt(e: impl std::fmt::Display) -> Self {
        ResearchError::Corrupt(e.to_string())
    }
}

impl ServiceError for ResearchError {
    fn code(&self) -> ErrorCode {
        match self {
            ResearchError::Unauthenticated => ErrorCode::Unauthenticated,
            ResearchError::Forbidden(_) => ErrorCode::Forbidden,
            ResearchError::NotFound(_) => ErrorCode::NotFound,
            ResearchError::Invalid(_) | ResearchError::Unlinked { .. } => ErrorCode::BadUserInput,
            ResearchError::IllegalTransition(_)
            | ResearchError::StaleRevision { .. }
            | ResearchError::Conflict(_) => ErrorCode::Conflict,
            ResearchError::Refused(r) => r.code,
            ResearchError::Db(e) if glocal_kit::db_error::is_unavailable(e) => {
                ErrorCode::Unavailable
            }
            ResearchError::Connect(_)
            | ResearchError::Files(glocal_kit::files::FilesError::Unavailable(_)) => {
                ErrorCode::Unavailable
            }
            ResearchError::Files(_) => ErrorCode::Internal,
            ResearchError::Db(_) | ResearchError::Corrupt(_) | ResearchError::Grpc(_) => {
                ErrorCode::Internal
            }
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            ResearchError::Invalid(e) => Some(e.field()),
            ResearchError::Unlinked { field, .. } => Some(field),
            _ => None,
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            ResearchError::Refused(r) => Some(r.reason),
            ResearchError::Unlinked { reason, .. } => Some(reason),
            _ => None,
        }
    }

    fn catalogue_message(&self) -> Option<Message> {
        match self {
            ResearchError::Unauthenticated => Some(Message::new("error-unauthenticated")),
            ResearchError::NotFound(what) => {
                Some(Message::new("error-not-found").arg("what", what))
            }
            ResearchError::Invalid(e) => e.catalogue_message().cloned(),
            ResearchError::Unlinked { said, .. } => Some(said.clone()),
            ResearchError::Refused(r) => r.said.clone().or_else(|| Message::of_english(&r.message)),
            // A rule's English sentence the catalogue holds word for word.
            ResearchError::Forbidden(text) | ResearchError::Conflict(text) => {
                Message::of_english(text)
            }
            ResearchError::StaleRevision { seen, current } => Some(
                Message::new("error-stale-revision")
                    .arg("seen", seen)
                    .arg("current", current),
            ),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PracticeAction, PracticeState, Stage};
    use sea_orm::RuntimeErr;

    #[test]
    fn codes_and_fields() {
        let e = ResearchError::invalid("title.ko", "is required");
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::BadUserInput, Some("title.ko"))
        );
        let e = ResearchError::from(IllegalTransition {
            stage: Stage {
                state: PracticeState::Withdrawn,
                approved: false,
            },
            action: PracticeAction::Publish,
        });
        assert_eq!(e.code(), ErrorCode::Conflict);
        let stale = ResearchError::StaleRevision {
            seen: Revision::FIRST,
            current: 2,
        };
        assert_eq!(stale.to_string(), "revision 1 is stale; current is 2");
        assert_eq!(
            ResearchError::NotFound("practice").code(),
            ErrorCode::NotFound
        );
        assert_eq!(
            ResearchError::Db(DbErr::Conn(RuntimeErr::Internal("down".into()))).code(),
            ErrorCode::Unavailable
        );
        assert_eq!(
            ResearchError::Db(DbErr::Custom("x".into())).code(),
            ErrorCode::Internal
        );
        let refused = ResearchError::from(crate::domain::change_pending());
        assert_eq!(
            (refused.code(), refused.reason()),
            (ErrorCode::Conflict, Some("PROFILE_CHANGE_PENDING"))
        );
        assert_eq!(
            refused.catalogue_message().map(|m| m.key),
            Some("research-profile-change-pending".to_owned())
        );
    }
}
