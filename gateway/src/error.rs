//! The gateway's own start-up and serving errors.

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
    /// The caller-signing key does not parse (checked before, so not expected).
    #[error(transparent)]
    Identity(#[from] glocal_kit::identity::KeyError),
    /// The OIDC client could not be built.
    #[error(transparent)]
    Oidc(#[from] crate::edge::oidc::OidcError),
}
