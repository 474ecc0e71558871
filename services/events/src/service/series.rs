//! Series: create a series and list them with whose turn it is to host next.

use super::{EventOffice, Result, SeriesView, bureau};
use crate::domain::{EntityId, NewSeries};
use crate::error::EventsError;
use crate::store::queries;
use crate::store::views;
use crate::store::writes;
use glocal_kit::Caller;
use glocal_kit::outbox::{self, Change};
use serde_json::json;

impl EventOffice {
    /// Creates a series (bureau only). Idempotent per key.
    pub async fn create_series(
        &self,
        caller: Option<&Caller>,
        new: NewSeries,
    ) -> Result<SeriesView> {
        let actor = bureau(caller, "action-create-series")?;
        let fingerprint = format!("{new:?}");
        let id = self
            .idempotent(&actor, "series", &new.idempotency_key, fingerprint, async |txn, now, id| {
                if queries::find_series_by_code(txn, new.code.as_str())
                    .await?
                    .is_some()
                {
                    return Err(EventsError::said(
                        glocal_kit::error::ErrorCode::Conflict,
                        "DUPLICATE_CODE",
                        glocal_kit::i18n::Message::new("rule-series-code-taken").arg("code", &new.code),
                    ));
                }
                writes::insert_series(txn, id, &new, now).await?;
                queries::insert_audit(txn, "series", id, "create", None, None, actor.pair()?, now, new.code.as_str()).await?;
                let payload = json!({ "id": id.to_string(), "code": new.code.as_str(), "kind": new.kind.as_str() });
                outbox::append(txn, &Change::new("Series", id, "SeriesCreated", payload).touching("Series", new.code.as_str()), now).await?;
                Ok(())
            })
            .await?;
        self.series_by_id(EntityId::from(id))
            .await?
            .ok_or(EventsError::NotFound("series"))
    }

    /// Every series, by code, with whose turn it is to host next. Public.
    pub async fn list_series(&self) -> Result<Vec<SeriesView>> {
        let rows = queries::all_series(&self.db).await?;
        views::series_views(&self.db, rows).await
    }

    pub(super) async fn series_by_id(&self, id: EntityId) -> Result<Option<SeriesView>> {
        let Some(row) = queries::find_series(&self.db, id.as_uuid(), false).await? else {
            return Ok(None);
        };
        Ok(views::series_views(&self.db, vec![row]).await?.pop())
    }
}
