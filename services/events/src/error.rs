//! `EventsError`: every failure of the events service, mapped once to the shared code table.

use glocal_kit::error::{ErrorCode, ServiceError};

/// Every failure of the events service.
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
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

impl ServiceError for EventsError {
    fn code(&self) -> ErrorCode {
        match self {
            EventsError::Db(_) | EventsError::Grpc(_) => ErrorCode::Internal,
            EventsError::Connect(_) => ErrorCode::Unavailable,
        }
    }
}
