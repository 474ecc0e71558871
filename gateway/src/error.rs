//! Errors: the gateway's own start-up errors, and the mapping of a service's gRPC status
//! (through the kit's shared table) to a GraphQL error with `extensions.code` and
//! `extensions.field`. A failing call fails only the field that made it.

use async_graphql::ErrorExtensions;
use glocal_kit::error::{ErrorCode, RemoteError};

/// Why the gateway could not be built or stopped serving.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// A service endpoint URL is invalid.
    #[error(transparent)]
    Grpc(#[from] glocal_kit::grpc::GrpcError),
    /// The HTTP server failed.
    #[error("HTTP server: {0}")]
    Serve(#[from] std::io::Error),
    /// The settings are not usable for the gateway (e.g. production without an OIDC issuer).
    #[error(transparent)]
    Config(#[from] glocal_kit::config::ConfigError),
    /// The OIDC client could not be built.
    #[error(transparent)]
    Oidc(#[from] crate::oidc::OidcError),
}

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

/// Invalid input caught while converting it for a service (e.g. a negative count).
pub fn bad_input(message: impl Into<String>, field: &str) -> async_graphql::Error {
    coded(ErrorCode::BadUserInput, message, Some(field))
}

/// The service answered something the gateway cannot represent (a bug on one side).
pub fn internal(message: impl Into<String>) -> async_graphql::Error {
    let message = message.into();
    tracing::error!(error = %message, "unrepresentable service response");
    coded(ErrorCode::Internal, "internal error", None)
}

/// A failed gRPC call as a GraphQL error. Unavailable and internal failures are logged
/// here, where they are handled.
pub fn remote(status: tonic::Status) -> async_graphql::Error {
    let remote = RemoteError::from(status);
    match remote.code {
        ErrorCode::Internal => tracing::error!(error = %remote, "service call failed"),
        ErrorCode::Unavailable => tracing::warn!(error = %remote, "service unavailable"),
        _ => {}
    }
    coded(remote.code, remote.message, remote.field.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(error: &async_graphql::Error, key: &str) -> Option<async_graphql::Value> {
        error.extensions.as_ref().and_then(|e| e.get(key)).cloned()
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
}
