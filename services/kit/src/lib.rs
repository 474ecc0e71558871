//! glocal-kit: what every Glocal component does the same way, written once. Configuration,
//! telemetry, database connection and the store's handles (`store::Db`, `store::Tx`),
//! database error classification (`db_error`), schema-migration helpers and the outbox
//! table (`migration`), who migrates and what a serving process accepts (`schema`), the outbox's write side and its relay (`outbox`), audit rows
//! (`audit`), paging and cursors (`paging`), the cache, the gRPC server bootstrap, client
//! helpers and adapter helpers (`grpc`), graceful shutdown, the caller's identity, the one
//! error-code table, the domain's input error, parsing macros and ISO code lists (`domain`),
//! uploaded files in object storage (`files`) and the files a service keeps for its owners
//! with their gRPC adapter (`attachments`), the services' shared lifecycle (`component`),
//! periodic jobs beside a server (`jobs`), pseudonyms and retention periods of personal data
//! (`privacy`), the message catalogue in four languages (`i18n`) and test support
//! (`testing`).
//!
//! Charter: kit holds plumbing that at least two components need *the same way*, with no
//! knowledge of any one service's domain. It does not hold a service's business rules,
//! entities, proto conversions of its own messages, or anything only one component uses;
//! modules are named by capability (never `utils`/`common`).
#![warn(missing_docs)]

pub mod attachments;
pub mod audit;
pub mod cache;
pub mod caller;
pub mod component;
pub mod config;
pub mod db;
pub mod db_error;
pub mod domain;
pub mod error;
pub mod files;
pub mod grpc;
pub mod i18n;
pub mod identity;
pub mod jobs;
pub mod metrics;
pub mod migration;
pub mod outbox;
pub mod paging;
pub mod privacy;
pub mod schema;
pub mod shutdown;
pub mod store;
pub mod telemetry;
pub mod testing;

pub use caller::{Caller, Role};
pub use config::Settings;
pub use error::{ErrorCode, RemoteError, ServiceError};
pub use shutdown::Shutdown;
