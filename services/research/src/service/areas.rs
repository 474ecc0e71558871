//! The area vocabulary: listing it, and its admins' additions and deletions.

use glocal_kit::Caller;
use serde_json::json;

use super::{Research, Result, area_store, require_admin};
use crate::domain::{Area, AreaCode, NewArea};
use crate::error::ResearchError;
use crate::store::queries;

impl Research {
    /// The area vocabulary in order, with each concept's published practice count.
    pub async fn list_areas(&self) -> Result<Vec<Area>> {
        area_store::list(&self.db).await
    }

    /// Adds a concept (bureau admin). CONFLICT when the code exists.
    pub async fn create_area(&self, caller: Option<&Caller>, area: NewArea) -> Result<Area> {
        let actor = require_admin(caller, "action-change-the-area-vocabulary")?;
        let now = self.now();
        let exists = || {
            ResearchError::said(
                glocal_kit::error::ErrorCode::Conflict,
                "DUPLICATE_CODE",
                glocal_kit::i18n::Message::new("rule-area-exists").arg("code", area.code.as_str()),
            )
        };
        let tx = self.db.begin().await?;
        if queries::lock_area(&tx, area.code.as_str(), true).await? {
            return Err(exists());
        }
        let created = area_store::insert(&tx, &area, now)
            .await?
            .ok_or_else(exists)?;
        Self::audit(
            &tx,
            "research_area",
            area.code.as_str(),
            "ResearchAreaCreated",
            &actor,
            now,
            json!({ "code": area.code.as_str() }),
            Vec::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Deletes a concept nothing uses (bureau admin); CONFLICT when a practice, contact or
    /// opportunity uses it. Safe against concurrent writes that start using it.
    pub async fn delete_area(&self, caller: Option<&Caller>, code: AreaCode) -> Result<()> {
        let actor = require_admin(caller, "action-change-the-area-vocabulary")?;
        let now = self.now();
        let tx = self.db.begin().await?;
        if !queries::lock_area(&tx, code.as_str(), true).await? {
            return Err(ResearchError::NotFound("research area"));
        }
        let used = queries::area_usage(&tx, code.as_str()).await?;
        if used > 0 {
            return Err(ResearchError::said(
                glocal_kit::error::ErrorCode::Conflict,
                "AREA_IN_USE",
                glocal_kit::i18n::Message::new("rule-area-in-use")
                    .arg("code", code.as_str())
                    .arg("used", used),
            ));
        }
        area_store::delete(&tx, code.as_str()).await?;
        Self::audit(
            &tx,
            "research_area",
            code.as_str(),
            "ResearchAreaDeleted",
            &actor,
            now,
            json!({ "code": code.as_str() }),
            Vec::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
