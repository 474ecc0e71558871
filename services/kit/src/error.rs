//! The one error-code table shared by gRPC status codes and GraphQL `extensions.code`.
//!
//! Every service maps its own error enum to an [`ErrorCode`] once (by implementing
//! [`ServiceError`]); the gRPC adapter turns it into a [`tonic::Status`] with
//! [`to_status`], and the gateway turns a status back into the same code with
//! [`RemoteError::from`].

use std::time::Duration;

use tonic::metadata::{BinaryMetadataValue, MetadataValue};

use crate::i18n::Message;

/// Metadata key carrying the offending input field of a BAD_USER_INPUT error.
pub const FIELD_METADATA: &str = "glocal-error-field";

/// Metadata key carrying the stable reason of a [`Refusal`] (e.g. `SURVEY_WINDOW_CLOSED`),
/// which the gateway surfaces as `extensions.reason`.
pub const REASON_METADATA: &str = "glocal-error-reason";
/// Binary metadata key carrying the catalogue message of an error (JSON `{"key", "args"}`,
/// see [`crate::i18n::Message`]), so the gateway can say it in the caller's language.
pub const MESSAGE_METADATA: &str = "glocal-message-bin";

/// Metadata key of the retry hint an UNAVAILABLE status carries: milliseconds to wait
/// before trying again (gRPC's own name for it).
pub const RETRY_PUSHBACK_METADATA: &str = "grpc-retry-pushback-ms";

/// How long a client should wait before retrying after UNAVAILABLE when nobody said
/// otherwise (a transport failure carries no hint).
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_millis(1_000);

/// The stable error codes clients see, in gRPC and GraphQL alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// No valid credentials.
    Unauthenticated,
    /// Authenticated, but not allowed.
    Forbidden,
    /// No such thing, or not visible to the caller.
    NotFound,
    /// The input is invalid; nothing was changed.
    BadUserInput,
    /// The state does not allow the change (illegal transition, stale version, duplicate).
    Conflict,
    /// A dependency is down or too slow; retry later.
    Unavailable,
    /// A bug or an unexpected failure.
    Internal,
}

impl ErrorCode {
    /// Every code, in table order.
    pub const ALL: [ErrorCode; 7] = [
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::BadUserInput,
        ErrorCode::Conflict,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
    ];

    /// The code as GraphQL `extensions.code` spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::Unavailable => "UNAVAILABLE",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    /// The gRPC status code this error travels as.
    pub const fn grpc_code(self) -> tonic::Code {
        match self {
            ErrorCode::Unauthenticated => tonic::Code::Unauthenticated,
            ErrorCode::Forbidden => tonic::Code::PermissionDenied,
            ErrorCode::NotFound => tonic::Code::NotFound,
            ErrorCode::BadUserInput => tonic::Code::InvalidArgument,
            ErrorCode::Conflict => tonic::Code::FailedPrecondition,
            ErrorCode::Unavailable => tonic::Code::Unavailable,
            ErrorCode::Internal => tonic::Code::Internal,
        }
    }

    /// The code a gRPC status maps back to. Codes outside the table fold into the
    /// nearest one (e.g. ABORTED and ALREADY_EXISTS are conflicts, a deadline is UNAVAILABLE).
    pub const fn from_grpc(code: tonic::Code) -> Self {
        match code {
            tonic::Code::Unauthenticated => ErrorCode::Unauthenticated,
            tonic::Code::PermissionDenied => ErrorCode::Forbidden,
            tonic::Code::NotFound => ErrorCode::NotFound,
            tonic::Code::InvalidArgument | tonic::Code::OutOfRange => ErrorCode::BadUserInput,
            tonic::Code::FailedPrecondition | tonic::Code::Aborted | tonic::Code::AlreadyExists => {
                ErrorCode::Conflict
            }
            tonic::Code::Unavailable | tonic::Code::DeadlineExceeded | tonic::Code::Cancelled => {
                ErrorCode::Unavailable
            }
            _ => ErrorCode::Internal,
        }
    }

    /// The code of a failed call as the caller sees it: a transport failure (see
    /// [`is_transport_failure`]) is UNAVAILABLE whatever code tonic gave it, anything
    /// else is the status's own code through [`ErrorCode::from_grpc`].
    pub fn of_status(status: &tonic::Status) -> Self {
        if is_transport_failure(status) {
            ErrorCode::Unavailable
        } else {
            ErrorCode::from_grpc(status.code())
        }
    }
}

/// Whether `status` was made on this side of the wire because the call's transport
/// failed (connection refused, reset or closed with the call in flight, an HTTP/2 error)
/// rather than answered by the service. tonic reports such failures as UNKNOWN
/// ("transport error") or INTERNAL ("h2 protocol error"), which are not bugs: the
/// service may be restarting, and a retry later may succeed. A service's own answer never
/// carries a source error; tonic attaches one exactly when it turns a local failure into
/// a status.
pub fn is_transport_failure(status: &tonic::Status) -> bool {
    use std::error::Error as _;
    let Some(first) = status.source() else {
        return false;
    };
    let mut source = Some(first);
    while let Some(e) = source {
        if e.is::<tonic::transport::Error>() || e.is::<std::io::Error>() {
            return true;
        }
        source = e.source();
    }
    matches!(
        status.code(),
        tonic::Code::Unknown
            | tonic::Code::Internal
            | tonic::Code::Unavailable
            | tonic::Code::Cancelled
    )
}

/// The retry hint `status` carries in [`RETRY_PUSHBACK_METADATA`], if any.
pub fn retry_pushback(status: &tonic::Status) -> Option<Duration> {
    status
        .metadata()
        .get(RETRY_PUSHBACK_METADATA)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
}

/// An UNAVAILABLE status with `message` and the retry hint `retry_after`.
pub fn unavailable(message: impl Into<String>, retry_after: Duration) -> tonic::Status {
    let mut status = tonic::Status::unavailable(message);
    if let Ok(v) = MetadataValue::try_from(retry_after.as_millis().to_string()) {
        status.metadata_mut().insert(RETRY_PUSHBACK_METADATA, v);
    }
    status
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A service's error enum, mapped once to the shared table.
pub trait ServiceError: std::error::Error {
    /// The stable code of this error.
    fn code(&self) -> ErrorCode;
    /// The input field at fault, for BAD_USER_INPUT.
    fn field(&self) -> Option<&str> {
        None
    }
    /// A stable, machine-readable reason finer than the code (see [`Refusal`]).
    fn reason(&self) -> Option<&str> {
        None
    }
    /// The catalogue message saying this error in any language, when there is one.
    fn catalogue_message(&self) -> Option<Message> {
        None
    }
}

/// A business rule's refusal with a stable reason beside its code, so that clients can
/// tell apart two refusals that share a code (e.g. two CONFLICTs: not yet answered, and
/// the window passed). The reason travels in [`REASON_METADATA`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    /// The code of the table.
    pub code: ErrorCode,
    /// The stable reason, SCREAMING_SNAKE_CASE.
    pub reason: &'static str,
    /// What a person reads (in English).
    pub message: String,
    /// The same in the catalogue, to say in the reader's language, when the rule names one.
    pub said: Option<Message>,
}

impl Refusal {
    /// A refusal with `code`, `reason` and an English `message`: the catalogue message
    /// when the catalogue holds the sentence word for word, else English only.
    pub fn new(code: ErrorCode, reason: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        Refusal {
            code,
            reason,
            said: crate::i18n::Message::of_english(&message),
            message,
        }
    }

    /// A refusal with `code`, `reason` and the catalogue message `said` (its English text
    /// is the status message; the gateway says it in the caller's language).
    pub fn said(code: ErrorCode, reason: &'static str, said: Message) -> Self {
        Refusal {
            code,
            reason,
            message: said.render(crate::i18n::Lang::En),
            said: Some(said),
        }
    }
}

/// Turns a service error into a gRPC status. INTERNAL and UNAVAILABLE errors are logged
/// here (once, where they are handled) and their detail is not sent to the caller;
/// UNAVAILABLE carries the retry hint [`DEFAULT_RETRY_AFTER`].
pub fn to_status<E: ServiceError>(err: &E) -> tonic::Status {
    let code = err.code();
    let message = match code {
        ErrorCode::Internal => {
            tracing::error!(error = %err, "internal error");
            "internal error".to_owned()
        }
        ErrorCode::Unavailable => {
            tracing::warn!(error = %err, "dependency unavailable");
            return unavailable("service unavailable, retry later", DEFAULT_RETRY_AFTER);
        }
        _ => err.to_string(),
    };
    let mut status = tonic::Status::new(code.grpc_code(), message);
    if let Some(field) = err.field()
        && let Ok(v) = MetadataValue::try_from(field)
    {
        status.metadata_mut().insert(FIELD_METADATA, v);
    }
    if let Some(reason) = err.reason()
        && let Ok(v) = MetadataValue::try_from(reason)
    {
        status.metadata_mut().insert(REASON_METADATA, v);
    }
    if let Some(message) = err.catalogue_message() {
        status.metadata_mut().insert_bin(
            MESSAGE_METADATA,
            BinaryMetadataValue::from_bytes(&message.to_bytes()),
        );
    }
    status
}

/// An error received from another component over gRPC, back in the shared table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct RemoteError {
    /// The stable code.
    pub code: ErrorCode,
    /// The message the service chose to send.
    pub message: String,
    /// The input field at fault, if any.
    pub field: Option<String>,
    /// For UNAVAILABLE: how long to wait before retrying (the service's hint, else
    /// [`DEFAULT_RETRY_AFTER`]); `None` for every other code.
    pub retry_after: Option<Duration>,
    /// The catalogue message the service named, to render in the caller's language.
    pub localized: Option<Message>,
}

impl From<tonic::Status> for RemoteError {
    fn from(status: tonic::Status) -> Self {
        let code = ErrorCode::of_status(&status);
        let field = status
            .metadata()
            .get(FIELD_METADATA)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let message = match status.code() {
            _ if is_transport_failure(&status) => "service unavailable, retry later".to_owned(),
            tonic::Code::Unavailable | tonic::Code::DeadlineExceeded | tonic::Code::Cancelled
                if status.message().is_empty()
                    || status.message().contains("transport")
                    || status.message().contains("connect") =>
            {
                "service unavailable, retry later".to_owned()
            }
            _ => status.message().to_owned(),
        };
        let retry_after = (code == ErrorCode::Unavailable)
            .then(|| retry_pushback(&status).unwrap_or(DEFAULT_RETRY_AFTER));
        let localized = match code {
            ErrorCode::Internal | ErrorCode::Unavailable => None,
            _ => status
                .metadata()
                .get_bin(MESSAGE_METADATA)
                .and_then(|v| v.to_bytes().ok())
                .and_then(|b| Message::from_bytes(&b)),
        };
        RemoteError {
            code,
            message,
            field,
            retry_after,
            localized,
        }
    }
}

/// Defines a service's one error enum with the variants every service shares (who may act,
/// what parses, the state machine, optimistic concurrency, conflicts, the database, the
/// server) and its [`ServiceError`] mapping, given the service's own
/// `IllegalTransition` and `Version` types. The caller depends on `thiserror` and `sea-orm`.
///
/// ```text
/// glocal_kit::service_error!(
///     /// Every failure of the events service.
///     EventsError { transition: IllegalTransition, version: Version }
/// );
/// ```
#[macro_export]
macro_rules! service_error {
    ($(#[$doc:meta])* $name:ident { transition: $transition:ty, version: $version:ty $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, ::thiserror::Error)]
        pub enum $name {
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
            Invalid(#[from] $crate::domain::InvalidInput),
            /// A state machine refuses the action.
            #[error(transparent)]
            IllegalTransition(#[from] $transition),
            /// Someone changed the thing since the caller saw it.
            #[error("version {seen} is stale; current is {current}")]
            StaleVersion {
                /// What the caller sent.
                seen: $version,
                /// What is stored.
                current: i64,
            },
            /// Another conflict with the current state.
            #[error("conflict: {0}")]
            Conflict(String),
            /// The database failed.
            #[error("database: {0}")]
            Database(#[from] ::sea_orm::DbErr),
            /// Stored data that does not parse (a bug or a manual edit).
            #[error("corrupt stored data: {0}")]
            Corrupt(String),
            /// The database could not be opened.
            #[error(transparent)]
            Connect(#[from] $crate::db::DbConnectError),
            /// The gRPC server failed.
            #[error(transparent)]
            Serve(#[from] $crate::grpc::GrpcError),
            /// A business rule refused, with a stable reason.
            #[error(transparent)]
            Refused(#[from] $crate::error::Refusal),
            /// Object storage (uploaded files) failed.
            #[error(transparent)]
            Files(#[from] $crate::files::FilesError),
        }

        impl $name {
            /// A BAD_USER_INPUT error about `field`.
            pub fn invalid(field: &str, message: impl Into<String>) -> Self {
                $name::Invalid($crate::domain::InvalidInput::new(field, message))
            }

            /// A BAD_USER_INPUT error about `field` saying the catalogue message `said`.
            pub fn invalid_said(field: &str, said: $crate::i18n::Message) -> Self {
                $name::Invalid($crate::domain::InvalidInput::localized(field, said))
            }

            /// A refusal with `code`, the stable `reason` and the catalogue message `said`.
            pub fn said(
                code: $crate::error::ErrorCode,
                reason: &'static str,
                said: $crate::i18n::Message,
            ) -> Self {
                $name::Refused($crate::error::Refusal::said(code, reason, said))
            }

            /// FORBIDDEN with the stable `reason`, saying the catalogue rule `rule`
            /// ("only bureau staff may { $action }") of the action `what` (an `action-…` key
            /// or its English phrase, [`$crate::i18n::action`]).
            pub fn only(reason: &'static str, rule: &str, what: &str) -> Self {
                $name::said(
                    $crate::error::ErrorCode::Forbidden,
                    reason,
                    $crate::i18n::Message::new(rule)
                        .arg_said("action", &$crate::i18n::action(what)),
                )
            }
        }

        impl $crate::error::ServiceError for $name {
            fn code(&self) -> $crate::error::ErrorCode {
                use $crate::error::ErrorCode;
                match self {
                    $name::Unauthenticated => ErrorCode::Unauthenticated,
                    $name::Forbidden(_) => ErrorCode::Forbidden,
                    $name::NotFound(_) => ErrorCode::NotFound,
                    $name::Invalid(_) => ErrorCode::BadUserInput,
                    $name::IllegalTransition(_)
                    | $name::StaleVersion { .. }
                    | $name::Conflict(_) => ErrorCode::Conflict,
                    $name::Database(e) if $crate::db_error::is_unavailable(e) => {
                        ErrorCode::Unavailable
                    }
                    $name::Connect(_)
                    | $name::Files($crate::files::FilesError::Unavailable(_)) => {
                        ErrorCode::Unavailable
                    }
                    $name::Files(_) => ErrorCode::Internal,
                    $name::Database(_) | $name::Corrupt(_) | $name::Serve(_) => {
                        ErrorCode::Internal
                    }
                    $name::Refused(r) => r.code,
                }
            }

            fn field(&self) -> Option<&str> {
                match self {
                    $name::Invalid(e) => Some(e.field()),
                    _ => None,
                }
            }

            fn reason(&self) -> Option<&str> {
                match self {
                    $name::Refused(r) => Some(r.reason),
                    _ => None,
                }
            }

            fn catalogue_message(&self) -> Option<$crate::i18n::Message> {
                use $crate::i18n::Message;
                match self {
                    $name::Unauthenticated => Some(Message::new("error-unauthenticated")),
                    $name::NotFound(what) => Some(Message::new("error-not-found").arg("what", what)),
                    $name::Invalid(e) => e.catalogue_message().cloned(),
                    $name::Refused(r) => r.said.clone(),
                    // A rule's English sentence the catalogue holds word for word.
                    $name::Forbidden(text) | $name::Conflict(text) => Message::of_english(text),
                    $name::StaleVersion { seen, current } => Some(
                        Message::new("error-stale-version")
                            .arg("seen", seen)
                            .arg("current", current),
                    ),
                    _ => None,
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service's error type, as every service declares it; the test builds a few variants.
    #[allow(dead_code)]
    mod example {
        crate::service_error!(
            /// A service's error, for the tests.
            ExampleError { transition: std::fmt::Error, version: i64 }
        );
    }
    use example::ExampleError;

    #[test]
    fn sentences_the_catalogue_holds_are_said_in_every_language() {
        let refused = Refusal::new(
            ErrorCode::Conflict,
            "REGISTRATION_CLOSED",
            "the relationship has ended",
        );
        assert_eq!(
            refused.said.as_ref().map(|m| m.key.as_str()),
            Some("rule-relationship-ended")
        );
        let conflict = ExampleError::Conflict("the relationship has ended".into());
        let said = conflict.catalogue_message().expect("a catalogue message");
        assert_eq!(said.render(crate::i18n::Lang::Ko), "관계가 종료되었습니다");
        let forbidden = ExampleError::Forbidden("only the applicant may submit".into());
        assert_eq!(
            forbidden.catalogue_message().map(|m| m.key),
            Some("rule-only-applicant-submits".to_owned())
        );
        let other = ExampleError::Conflict("a sentence nobody translated".into());
        assert_eq!(
            other.catalogue_message(),
            None,
            "stays English, generic elsewhere"
        );
        let said = ExampleError::said(
            ErrorCode::Conflict,
            "EDITION_FULL",
            crate::i18n::Message::new("rule-edition-full")
                .arg("taken", 20)
                .arg("capacity", 20),
        );
        assert_eq!(said.reason(), Some("EDITION_FULL"));
        assert!(said.to_string().contains("20 of 20 places taken"), "{said}");
    }

    #[test]
    fn every_code_round_trips_through_grpc() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_grpc(code.grpc_code()), code, "{code}");
        }
    }

    #[test]
    fn grpc_codes_are_distinct_per_error_code() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(
                seen.insert(code.grpc_code() as i32),
                "{code} shares a gRPC code"
            );
        }
    }

    #[derive(Debug, thiserror::Error)]
    #[error("title is required")]
    struct MissingTitle;
    impl ServiceError for MissingTitle {
        fn code(&self) -> ErrorCode {
            ErrorCode::BadUserInput
        }
        fn field(&self) -> Option<&str> {
            Some("title")
        }
    }

    #[derive(Debug, thiserror::Error)]
    #[error("db password is hunter2")]
    struct Leaky;
    impl ServiceError for Leaky {
        fn code(&self) -> ErrorCode {
            ErrorCode::Internal
        }
    }

    #[test]
    fn status_carries_code_message_and_field() {
        let remote = RemoteError::from(to_status(&MissingTitle));
        assert_eq!(remote.code, ErrorCode::BadUserInput);
        assert_eq!(remote.message, "title is required");
        assert_eq!(remote.field.as_deref(), Some("title"));
    }

    #[test]
    fn unavailable_carries_a_retry_hint_and_others_none() {
        #[derive(Debug, thiserror::Error)]
        #[error("pool timed out")]
        struct Down;
        impl ServiceError for Down {
            fn code(&self) -> ErrorCode {
                ErrorCode::Unavailable
            }
        }
        let status = to_status(&Down);
        assert_eq!(retry_pushback(&status), Some(DEFAULT_RETRY_AFTER));
        let remote = RemoteError::from(status);
        assert_eq!(remote.code, ErrorCode::Unavailable);
        assert_eq!(remote.retry_after, Some(DEFAULT_RETRY_AFTER));
        let hinted = RemoteError::from(unavailable("later", Duration::from_millis(250)));
        assert_eq!(hinted.retry_after, Some(Duration::from_millis(250)));
        assert_eq!(
            RemoteError::from(to_status(&MissingTitle)).retry_after,
            None
        );
    }

    #[test]
    fn transport_failures_are_unavailable_and_answers_keep_their_code() {
        // What tonic makes of a connection that broke with the call in flight.
        let broken = tonic::Status::from_error(Box::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )));
        assert_eq!(broken.code(), tonic::Code::Unknown);
        assert!(is_transport_failure(&broken));
        assert_eq!(ErrorCode::of_status(&broken), ErrorCode::Unavailable);
        let remote = RemoteError::from(broken);
        assert_eq!(remote.message, "service unavailable, retry later");
        assert_eq!(remote.retry_after, Some(DEFAULT_RETRY_AFTER));
        // A service's own INTERNAL or UNKNOWN answer stays what it is.
        for code in [tonic::Code::Internal, tonic::Code::Unknown] {
            let answered = tonic::Status::new(code, "boom");
            assert!(!is_transport_failure(&answered));
            assert_eq!(ErrorCode::of_status(&answered), ErrorCode::Internal);
        }
    }

    #[test]
    fn the_catalogue_message_travels_with_the_status() {
        let invalid = crate::domain::InvalidInput::localized(
            "title",
            Message::new("input-too-long").arg("max", 3).arg("got", 4),
        );
        let remote = RemoteError::from(to_status(&invalid));
        assert_eq!(
            remote.message,
            "title: must be at most 3 characters (got 4)"
        );
        assert_eq!(
            remote.localized,
            Some(Message::new("input-too-long").arg("max", 3).arg("got", 4))
        );
        assert_eq!(RemoteError::from(to_status(&MissingTitle)).localized, None);
    }

    #[test]
    fn internal_detail_is_not_sent() {
        let status = to_status(&Leaky);
        assert_eq!(status.code(), tonic::Code::Internal);
        assert!(!status.message().contains("hunter2"));
    }
}
