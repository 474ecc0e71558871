//! `TrainingError`: every failure of the training service, mapped once to the shared code
//! table.

use glocal_kit::error::{ErrorCode, ServiceError};
use sea_orm::DbErr;

use crate::domain::{
    EligibilityFailure, IllegalPaymentTransition, IllegalTransition, InvalidInput, Version,
};

/// Every failure of the training service.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
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
    /// The applicant fails eligibility rules (every failed rule, in rule order; never empty).
    #[error("not eligible: {}", .0.iter().map(|f| f.reason.render(glocal_kit::i18n::Lang::En)).collect::<Vec<_>>().join("; "))]
    Ineligible(Vec<EligibilityFailure>),
    /// The application workflow refuses the action.
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    /// The payment workflow refuses the action.
    #[error(transparent)]
    IllegalPaymentTransition(#[from] IllegalPaymentTransition),
    /// Someone changed the record since the caller saw it.
    #[error("version {seen} is stale; current is {current}")]
    StaleVersion {
        /// What the caller sent.
        seen: Version,
        /// What is stored.
        current: i64,
    },
    /// Another conflict with the current state (capacity, idempotency key reuse, …).
    #[error("conflict: {0}")]
    Conflict(String),
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
    /// Object storage (applications' files) failed.
    #[error(transparent)]
    Files(#[from] glocal_kit::files::FilesError),
    /// A business rule refused, with a stable reason (and a catalogue message).
    #[error(transparent)]
    Refused(#[from] glocal_kit::error::Refusal),
}

impl TrainingError {
    /// A BAD_USER_INPUT error about `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        TrainingError::Invalid(InvalidInput::new(field, message))
    }

    /// A BAD_USER_INPUT error about `field` saying the catalogue message `said`.
    pub fn invalid_said(field: &str, said: glocal_kit::i18n::Message) -> Self {
        TrainingError::Invalid(InvalidInput::localized(field, said))
    }

    /// FORBIDDEN with the stable `reason`, saying the catalogue rule `rule` ("only bureau
    /// staff may { $action }") of the action `what` ([`glocal_kit::i18n::action`]).
    pub fn only(reason: &'static str, rule: &str, what: &str) -> Self {
        TrainingError::said(
            ErrorCode::Forbidden,
            reason,
            glocal_kit::i18n::Message::new(rule)
                .arg_said("action", &glocal_kit::i18n::action(what)),
        )
    }

    /// A refusal with `code`, the stable `reason` and the catalogue message `said`.
    pub fn said(code: ErrorCode, reason: &'static str, said: glocal_kit::i18n::Message) -> Self {
        TrainingError::Refused(glocal_kit::error::Refusal::said(code, reason, said))
    }

    /// Stored data that does not parse.
    pub(crate) fn corrupt(e: impl std::fmt::Display) -> Self {
        TrainingError::Corrupt(e.to_string())
    }
}

impl ServiceError for TrainingError {
    fn code(&self) -> ErrorCode {
        match self {
            TrainingError::Unauthenticated => ErrorCode::Unauthenticated,
            TrainingError::Forbidden(_) => ErrorCode::Forbidden,
            TrainingError::NotFound(_) => ErrorCode::NotFound,
            TrainingError::Invalid(_) | TrainingError::Ineligible(_) => ErrorCode::BadUserInput,
            TrainingError::IllegalTransition(_)
            | TrainingError::IllegalPaymentTransition(_)
            | TrainingError::StaleVersion { .. }
            | TrainingError::Conflict(_) => ErrorCode::Conflict,
            TrainingError::Db(e) if glocal_kit::db_error::is_unavailable(e) => {
                ErrorCode::Unavailable
            }
            TrainingError::Connect(_)
            | TrainingError::Files(glocal_kit::files::FilesError::Unavailable(_)) => {
                ErrorCode::Unavailable
            }
            TrainingError::Files(_) => ErrorCode::Internal,
            TrainingError::Db(_) | TrainingError::Corrupt(_) | TrainingError::Grpc(_) => {
                ErrorCode::Internal
            }
            TrainingError::Refused(r) => r.code,
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            TrainingError::Refused(r) => Some(r.reason),
            _ => None,
        }
    }

    fn catalogue_message(&self) -> Option<glocal_kit::i18n::Message> {
        use glocal_kit::i18n::Message;
        match self {
            TrainingError::Unauthenticated => Some(Message::new("error-unauthenticated")),
            TrainingError::NotFound(what) => {
                Some(Message::new("error-not-found").arg("what", what))
            }
            TrainingError::Invalid(e) => e.catalogue_message().cloned(),
            TrainingError::Refused(r) => r.said.clone(),
            // A rule's English sentence the catalogue holds word for word.
            TrainingError::Forbidden(text) | TrainingError::Conflict(text) => {
                Message::of_english(text)
            }
            TrainingError::StaleVersion { seen, current } => Some(
                Message::new("error-stale-version")
                    .arg("seen", seen)
                    .arg("current", current),
            ),
            _ => None,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            TrainingError::Invalid(e) => Some(e.field()),
            TrainingError::Ineligible(failures) => failures.first().map(|f| f.field.as_str()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Action, ApplicationState, EligibilityRule};
    use sea_orm::RuntimeErr;

    #[test]
    fn codes_fields_and_messages() {
        let e = TrainingError::invalid("profile.grade", "must be 1 to 9");
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::BadUserInput, Some("profile.grade"))
        );
        let e = TrainingError::Ineligible(vec![
            EligibilityFailure {
                rule: EligibilityRule::Grade,
                field: "profile.grade".into(),
                reason: glocal_kit::i18n::Message::new("eligibility-grade-outside")
                    .arg("bound", "both")
                    .arg("min", 5)
                    .arg("max", 9)
                    .arg("grade", 4),
            },
            EligibilityFailure {
                rule: EligibilityRule::Language,
                field: "profile.languages".into(),
                reason: glocal_kit::i18n::Message::new("eligibility-languages")
                    .arg("languages", "en"),
            },
        ]);
        assert_eq!(e.code(), ErrorCode::BadUserInput);
        assert_eq!(e.field(), Some("profile.grade"));
        assert_eq!(
            e.to_string(),
            "not eligible: this edition is for grades 5 to 9; grade 4 is outside it; \
             this edition works in en; name one of them"
        );
        let e = TrainingError::from(IllegalTransition {
            state: ApplicationState::Rejected,
            action: Action::Accept,
        });
        assert_eq!(e.code(), ErrorCode::Conflict);
        assert_eq!(
            TrainingError::NotFound("edition").code(),
            ErrorCode::NotFound
        );
        assert_eq!(
            TrainingError::Db(DbErr::Conn(RuntimeErr::Internal("down".into()))).code(),
            ErrorCode::Unavailable
        );
        assert_eq!(
            TrainingError::Db(DbErr::Custom("x".into())).code(),
            ErrorCode::Internal
        );
    }
}
