//! Opportunities: international projects proposed through the network and screened by the
//! bureau.

use crate::domain::changes;
use std::collections::HashMap;

use glocal_kit::Caller;
use serde_json::json;

use super::{
    Claim, OpportunityFilter, Page, PageRequest, Research, Result, Viewer, actor_of, require_staff,
    viewer_of,
};
use crate::domain::{
    AreaCode, IdempotencyKey, NewOpportunity, Opportunity, OpportunityId, OpportunityStatus,
    Revision,
};
use crate::error::ResearchError;
use crate::store::opportunities::{self as store, OpportunityQuery};

fn opportunity_visible(viewer: &Viewer, subject: Option<&str>, o: &Opportunity) -> bool {
    *viewer == Viewer::Staff || subject == Some(o.proposer_subject.as_str()) || o.status.is_public()
}

impl Research {
    /// Proposes a new international project (any signed-in caller); it stays PROPOSED,
    /// visible to bureau staff and the proposer, until staff open it. Idempotent per key.
    pub async fn propose_opportunity(
        &self,
        caller: Option<&Caller>,
        key: IdempotencyKey,
        new: NewOpportunity,
    ) -> Result<Opportunity> {
        let actor = actor_of(caller)?;
        let id = OpportunityId::new();
        let tx = match self
            .claim(
                &actor,
                "propose_opportunity",
                &key,
                &format!("{new:?}"),
                &id.to_key(),
            )
            .await?
        {
            Claim::Replay(existing) => return self.opportunity(caller, &existing).await,
            Claim::Claimed(tx) => tx,
        };
        Self::require_areas(&tx, new.area_codes(), "areaCodes").await?;
        if let Some(org) = &new.organisation_id {
            Self::require_organisation(&tx, org, "organisationId").await?;
        }
        let now = self.now();
        let proposed = store::insert(&tx, id, &new, &actor.subject, now).await?;
        Self::audit(
            &tx,
            "opportunity",
            &id.to_key(),
            "OpportunityProposed",
            &actor,
            now,
            json!({
                "id": id.to_key(), "areaCodes": new.area_codes, "status": "PROPOSED",
            }),
            changes::areas(new.area_codes()),
        )
        .await?;
        tx.commit().await?;
        Ok(proposed)
    }

    /// Moves an opportunity to another status (bureau staff), quoting its revision.
    pub async fn set_opportunity_status(
        &self,
        caller: Option<&Caller>,
        id: OpportunityId,
        seen: Revision,
        status: Option<OpportunityStatus>,
    ) -> Result<Opportunity> {
        let actor = require_staff(caller, "action-screen-opportunities")?;
        let to = status.ok_or_else(|| ResearchError::invalid("status", "is required"))?;
        let key = id.to_key();
        let row = store::find(&self.db, &key)
            .await?
            .ok_or(ResearchError::NotFound("opportunity"))?;
        let from = row.status;
        if !from.can_become(to) {
            return Err(ResearchError::said(
                glocal_kit::error::ErrorCode::Conflict,
                "ILLEGAL_STATUS_MOVE",
                glocal_kit::i18n::Message::new("rule-opportunity-move")
                    .arg("from", from)
                    .arg("to", to),
            ));
        }
        let current = row.revision.get();
        Self::check_revision(current, seen)?;
        let now = self.now();
        let tx = self.db.begin().await?;
        if !store::update_status_if(&tx, &key, current, to, now).await? {
            return Err(ResearchError::StaleRevision {
                seen,
                current: current + 1,
            });
        }
        Self::audit(
            &tx,
            "opportunity",
            &key,
            "OpportunityStatusChanged",
            &actor,
            now,
            json!({
                "id": key, "from": from.as_str(), "status": to.as_str(),
            }),
            Vec::new(),
        )
        .await?;
        tx.commit().await?;
        self.opportunity(caller, &key).await
    }

    async fn opportunity(&self, caller: Option<&Caller>, id: &str) -> Result<Opportunity> {
        self.batch_get_opportunities(caller, &[id.to_owned()])
            .await?
            .pop()
            .ok_or(ResearchError::NotFound("opportunity"))
    }

    /// Several opportunities, in the order asked, leaving out those the caller may not see.
    pub async fn batch_get_opportunities(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<Opportunity>> {
        let viewer = viewer_of(caller);
        let subject = caller.map(|c| c.subject.as_str());
        let keys: Vec<String> = ids
            .iter()
            .filter_map(|i| {
                OpportunityId::parse(i, "ids")
                    .ok()
                    .map(OpportunityId::to_key)
            })
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let by_id: HashMap<String, Opportunity> = store::find_many(&self.db, &keys)
            .await?
            .into_iter()
            .filter(|o| opportunity_visible(&viewer, subject, o))
            .map(|o| (o.id.to_key(), o))
            .collect();
        Ok(keys.iter().filter_map(|k| by_id.get(k).cloned()).collect())
    }

    /// A page of the opportunities the caller may see, newest first.
    pub async fn list_opportunities(
        &self,
        caller: Option<&Caller>,
        filter: &OpportunityFilter,
        page: &PageRequest,
    ) -> Result<Page<Opportunity>> {
        let viewer = viewer_of(caller);
        let (offset, first) = self.window(page)?;
        let (visible_statuses, also_by) = if viewer == Viewer::Staff {
            (None, None)
        } else {
            let public: Vec<&'static str> = OpportunityStatus::ALL
                .iter()
                .filter(|s| s.is_public())
                .map(|s| s.as_str())
                .collect();
            (Some(public), caller.map(|c| c.subject.as_str()))
        };
        let area = if filter.area_code.trim().is_empty() {
            None
        } else {
            Some(AreaCode::parse(&filter.area_code, "filter.areaCode")?)
        };
        let query = OpportunityQuery {
            visible_statuses,
            also_by,
            statuses: &filter.statuses,
            area_code: area.as_ref().map(|a| a.as_str()),
        };
        let (total, items) = store::list(&self.db, &query, offset, first + 1).await?;
        Ok(Self::paged(items, offset, first, total))
    }
}
