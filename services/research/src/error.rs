//! `ResearchError`: every failure of the research service, mapped once to the shared code table.

use glocal_kit::error::{ErrorCode, ServiceError};

/// Every failure of the research service.
#[derive(Debug, thiserror::Error)]
pub enum ResearchError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// The database could not be opened.
    #[error(transparent)]
    Connect(#[from] glocal_kit::db::DbConnectError),
    /// The gRPC server failed.
    #[error(transparent)]
    Grpc(#[from] glocal_kit::grpc::GrpcError),
}

impl ServiceError for ResearchError {
    fn code(&self) -> ErrorCode {
        match self {
            ResearchError::Db(_) | ResearchError::Grpc(_) => ErrorCode::Internal,
            ResearchError::Connect(_) => ErrorCode::Unavailable,
        }
    }
}
