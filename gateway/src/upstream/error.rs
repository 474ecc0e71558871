//! The one mapping of a service's failure to a GraphQL error: a gRPC status (through the
//! kit's shared table and its classification of transport failures) becomes
//! `extensions.code` and `extensions.field` (and, for an ineligible application,
//! `extensions.reasons`; for a refusal with a stable reason, `extensions.reason`, e.g.
//! `SURVEY_WINDOW_CLOSED`; for UNAVAILABLE, `extensions.retryAfterMs`: the service's
//! `grpc-retry-pushback-ms` hint, else the kit's default). A failing call fails only the field that
//! made it. A batch's per-item error (e.g. a research log page the caller may not read)
//! takes the same road from its code, message and field ([`reported`]).

use async_graphql::ErrorExtensions;
use glocal_kit::error::{ErrorCode, RemoteError};

/// A GraphQL error carrying `code` (and `field`, when known) in its extensions.
pub fn coded(
    code: ErrorCode,
    message: impl Into<String>,
    field: Option<&str>,
) -> async_graphql::Error {
    let error = async_graphql::Error::new(message);
    error.extend_with(|_, ext| {
        ext.set("code", code.as_str());
        if let Some(field) = field {
            ext.set("field", field);
        }
    })
}

/// `error` with the catalogue message that says it in any language
/// (`extensions.messageKey` and `extensions.messageArgs`), which the edge renders in the
/// caller's language ([`crate::edge::errors::localize`]).
pub fn with_message(
    error: async_graphql::Error,
    message: &glocal_kit::i18n::Message,
) -> async_graphql::Error {
    error.extend_with(|_, ext| {
        ext.set("messageKey", message.key.as_str());
        if !message.args.is_empty() {
            let args: async_graphql::indexmap::IndexMap<async_graphql::Name, async_graphql::Value> =
                message
                    .args
                    .iter()
                    .map(|(k, v)| {
                        (
                            async_graphql::Name::new(k),
                            async_graphql::Value::from(v.as_str()),
                        )
                    })
                    .collect();
            ext.set("messageArgs", async_graphql::Value::Object(args));
        }
    })
}

/// Invalid input caught while converting it for a service (e.g. a negative count).
pub fn bad_input(message: impl Into<String>, field: &str) -> async_graphql::Error {
    coded(ErrorCode::BadUserInput, message, Some(field))
}

/// Invalid input caught in the gateway, saying the catalogue message `said` (in English
/// here, in the caller's language at the edge).
pub fn bad_input_said(said: &glocal_kit::i18n::Message, field: &str) -> async_graphql::Error {
    with_message(
        bad_input(said.render(glocal_kit::i18n::Lang::En), field),
        said,
    )
}

/// The service answered something the gateway cannot represent (a bug on one side).
pub fn internal(message: impl Into<String>) -> async_graphql::Error {
    let message = message.into();
    tracing::error!(error = %message, "unrepresentable service response");
    coded(ErrorCode::Internal, "internal error", None)
}

/// Binary metadata in which the training service lists every failed eligibility rule.
pub const ELIGIBILITY_METADATA: &str = "glocal-eligibility-bin";

/// A failed gRPC call as a GraphQL error: its code and field through the shared table,
/// and, when the service listed failed eligibility rules, `extensions.reasons: [{rule,
/// field, reason}]`. Unavailable and internal failures are logged here, where they are
/// handled.
pub fn remote(status: tonic::Status) -> async_graphql::Error {
    let reasons = status
        .metadata()
        .get_bin(ELIGIBILITY_METADATA)
        .and_then(|v| v.to_bytes().ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|r| async_graphql::Value::from_json(r).ok());
    let reason = status
        .metadata()
        .get(glocal_kit::error::REASON_METADATA)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let error = from_remote(RemoteError::from(status), reasons);
    match reason {
        Some(reason) => error.extend_with(|_, ext| ext.set("reason", reason.as_str())),
        None => error,
    }
}

/// A service's error that came as data (one item of a batch answer: its code as the
/// shared table spells it, its message and its field, empty for none): the same GraphQL
/// error as the failed call it stands for. An unknown code is an internal error.
pub fn reported(code: &str, message: impl Into<String>, field: &str) -> async_graphql::Error {
    let Some(code) = ErrorCode::ALL.into_iter().find(|c| c.as_str() == code) else {
        return internal(format!("unknown error code `{code}` in a service's answer"));
    };
    let remote = RemoteError {
        code,
        message: message.into(),
        field: Some(field).filter(|f| !f.is_empty()).map(str::to_owned),
        retry_after: (code == ErrorCode::Unavailable)
            .then_some(glocal_kit::error::DEFAULT_RETRY_AFTER),
        localized: None,
    };
    from_remote(remote, None)
}

/// `remote` as a GraphQL error, with `reasons` when there are some; logs unavailable and
/// internal failures.
fn from_remote(remote: RemoteError, reasons: Option<async_graphql::Value>) -> async_graphql::Error {
    match remote.code {
        ErrorCode::Internal => tracing::error!(error = %remote, "service call failed"),
        ErrorCode::Unavailable => tracing::warn!(error = %remote, "service unavailable"),
        _ => {}
    }
    let mut error = coded(remote.code, remote.message, remote.field.as_deref());
    if let Some(message) = remote.localized {
        error = with_message(error, &message);
    }
    if let Some(after) = remote.retry_after {
        let millis = u64::try_from(after.as_millis()).unwrap_or(u64::MAX);
        error = error.extend_with(|_, ext| ext.set("retryAfterMs", millis));
    }
    match reasons {
        Some(reasons) => error.extend_with(|_, ext| ext.set("reasons", reasons)),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(error: &async_graphql::Error, key: &str) -> Option<async_graphql::Value> {
        error.extensions.as_ref().and_then(|e| e.get(key)).cloned()
    }

    #[test]
    fn a_refusal_reason_reaches_extensions() {
        let mut status = tonic::Status::failed_precondition("the window closed");
        status.metadata_mut().insert(
            glocal_kit::error::REASON_METADATA,
            "SURVEY_WINDOW_CLOSED".parse().unwrap(),
        );
        let error = remote(status);
        assert_eq!(
            ext(&error, "code"),
            Some(async_graphql::Value::from("CONFLICT"))
        );
        assert_eq!(
            ext(&error, "reason"),
            Some(async_graphql::Value::from("SURVEY_WINDOW_CLOSED"))
        );
        assert_eq!(
            ext(&remote(tonic::Status::failed_precondition("x")), "reason"),
            None
        );
    }

    #[test]
    fn status_code_and_field_reach_extensions() {
        let mut status = tonic::Status::invalid_argument("title is required");
        status
            .metadata_mut()
            .insert(glocal_kit::error::FIELD_METADATA, "title".parse().unwrap());
        let error = remote(status);
        assert_eq!(error.message, "title is required");
        assert_eq!(
            ext(&error, "code"),
            Some(async_graphql::Value::from("BAD_USER_INPUT"))
        );
        assert_eq!(
            ext(&error, "field"),
            Some(async_graphql::Value::from("title"))
        );
    }

    #[test]
    fn transport_failures_are_unavailable_with_a_retry_hint() {
        let broken = tonic::Status::from_error(Box::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )));
        let error = remote(broken);
        assert_eq!(
            ext(&error, "code"),
            Some(async_graphql::Value::from("UNAVAILABLE"))
        );
        assert_eq!(
            ext(&error, "retryAfterMs"),
            Some(async_graphql::Value::from(1_000u64))
        );
        let hinted = remote(glocal_kit::error::unavailable(
            "later",
            std::time::Duration::from_millis(300),
        ));
        assert_eq!(
            ext(&hinted, "retryAfterMs"),
            Some(async_graphql::Value::from(300u64))
        );
        let internal = remote(tonic::Status::internal("boom"));
        assert_eq!(ext(&internal, "retryAfterMs"), None);
    }

    #[test]
    fn every_grpc_code_maps_to_the_shared_table() {
        for code in ErrorCode::ALL {
            let error = remote(tonic::Status::new(code.grpc_code(), "x"));
            assert_eq!(
                ext(&error, "code"),
                Some(async_graphql::Value::from(code.as_str()))
            );
            assert_eq!(ext(&error, "field"), None);
        }
    }

    #[test]
    fn a_reported_error_is_the_error_of_the_call_it_stands_for() {
        for code in ErrorCode::ALL {
            for field in ["", "first"] {
                let mut status = tonic::Status::new(code.grpc_code(), "not yours");
                if !field.is_empty() {
                    status
                        .metadata_mut()
                        .insert(glocal_kit::error::FIELD_METADATA, field.parse().unwrap());
                }
                let called = remote(status);
                let reported = reported(code.as_str(), "not yours", field);
                assert_eq!(reported.message, called.message);
                assert_eq!(ext(&reported, "code"), ext(&called, "code"));
                assert_eq!(ext(&reported, "field"), ext(&called, "field"));
            }
        }
        let unknown = reported("NO_SUCH_CODE", "x", "");
        assert_eq!(unknown.message, "internal error");
        assert_eq!(
            ext(&unknown, "code"),
            Some(async_graphql::Value::from("INTERNAL"))
        );
    }
}
