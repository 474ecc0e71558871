//! `TrainingError`: every failure of the training service, mapped once to the shared code table.

use glocal_kit::error::{ErrorCode, ServiceError};

/// Every failure of the training service.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
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

impl ServiceError for TrainingError {
    fn code(&self) -> ErrorCode {
        match self {
            TrainingError::Db(_) | TrainingError::Grpc(_) => ErrorCode::Internal,
            TrainingError::Connect(_) => ErrorCode::Unavailable,
        }
    }
}
