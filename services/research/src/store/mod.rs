//! Storage of the research service: sea-orm entities, the search SQL (per engine), the
//! queries that lock or count, and migrations. One module per aggregate turns rows into the
//! domain's views and domain values into rows, so the `service` modules never name an ORM
//! type: they pass a `glocal_kit::store::{Db, Tx}` to functions taking
//! `db: &impl ConnectionTrait`.

pub(crate) mod areas;
pub(crate) mod entities;
pub(crate) mod migration;
pub(crate) mod opportunities;
pub(crate) mod organisations;
pub(crate) mod practices;
pub(crate) mod privacy;
pub(crate) mod profile_changes;
pub(crate) mod projects;
pub(crate) mod queries;
pub(crate) mod relationships;
pub(crate) mod search;

use glocal_kit::db_error::is_unique_violation;
use sea_orm::DbErr;

use crate::error::ResearchError;

/// What the store layer answers: the service's error (database failures and corrupt rows).
pub(crate) type Result<T, E = ResearchError> = std::result::Result<T, E>;

/// `Ok(true)` when the insert went through, `Ok(false)` when a unique constraint refused it.
fn inserted<T>(result: std::result::Result<T, DbErr>) -> Result<bool> {
    match result {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Several languages' columns as one localized text.
fn localized(ko: &str, en: &str, zh: &str, ja: &str) -> crate::domain::LocalizedText {
    crate::domain::LocalizedText::from_stored(
        ko.to_owned(),
        en.to_owned(),
        zh.to_owned(),
        ja.to_owned(),
    )
}
