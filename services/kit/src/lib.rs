//! glocal-kit: what every Glocal component does the same way. Configuration, telemetry,
//! database connection and the store's handles (`store::Db`, `store::Tx`), the cache, the gRPC server bootstrap and client helpers, graceful
//! shutdown, the caller's identity, the one error-code table, and the outbox relay that
//! turns every service's outbox rows into change events.
#![warn(missing_docs)]

pub mod cache;
pub mod caller;
pub mod config;
pub mod db;
pub mod error;
pub mod grpc;
pub mod metrics;
pub mod outbox;
pub mod shutdown;
pub mod store;
pub mod telemetry;
pub mod testing;

pub use caller::{Caller, Role};
pub use config::Settings;
pub use error::{ErrorCode, RemoteError, ServiceError};
pub use shutdown::Shutdown;
