//! Demo data for `glocal dev`.

use sea_orm::DatabaseConnection;

use crate::error::TrainingError;

/// Loads demo data when the database is empty; returns whether it did.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<bool, TrainingError> {
    let _ = db;
    Ok(false)
}
