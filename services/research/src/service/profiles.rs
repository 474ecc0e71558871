//! Partners maintaining their own organisation's profile: a partner proposes a change of its
//! organisation's public profile and contacts, which waits as a pending revision until
//! bureau staff approve it (applied, public at once) or reject it (with a reason). The rules
//! are the domain's ([`crate::domain::own_organisation`], [`ProfileChangeStatus::review`]);
//! every step is audited and emits a change event of the organisation.

use glocal_kit::{Caller, Role};
use serde_json::json;

use super::{Research, Result, Viewer, actor_of, org_store, require_staff, viewer_of};
use crate::domain::{
    NewProfile, OrganisationId, ProfileChange, ProfileChangeId, ProfileChangeStatus,
    RejectionReason, Revision, change_pending, change_reviewed, own_organisation,
};
use crate::error::ResearchError;
use crate::store::profile_changes::{self as change_store, Proposal};

/// Most changes one list answers.
pub const MAX_PROFILE_CHANGES: u32 = 100;

impl Research {
    /// A partner proposes a change of its own organisation's profile and contacts: held as
    /// a pending revision, invisible to the public, until bureau staff review it. One change
    /// of an organisation waits at a time (CONFLICT `PROFILE_CHANGE_PENDING`); another
    /// organisation's profile is refused (FORBIDDEN `NOT_OWN_ORGANISATION`).
    pub async fn propose_profile_change(
        &self,
        caller: Option<&Caller>,
        org_id: OrganisationId,
        profile: NewProfile,
    ) -> Result<ProfileChange> {
        let actor = actor_of(caller)?;
        let caller = caller.ok_or(ResearchError::Unauthenticated)?;
        if !caller.has(Role::Partner) {
            return Err(ResearchError::Forbidden(
                "only a partner proposes changes of its organisation's profile".into(),
            ));
        }
        own_organisation(&caller.org, org_id)?;
        let now = self.now();
        let tx = self.db.begin().await?;
        let base = org_store::revision_of(&tx, &org_id.to_key())
            .await?
            .ok_or(ResearchError::NotFound("organisation"))?;
        for (i, c) in profile.contacts().iter().enumerate() {
            Self::require_areas(
                &tx,
                c.expertise_area_codes(),
                &format!("contacts[{i}].expertiseAreaCodes"),
            )
            .await?;
        }
        if change_store::pending_of(&tx, org_id).await?.is_some() {
            return Err(change_pending().into());
        }
        let proposal = Proposal {
            organisation_id: org_id,
            profile: &profile,
            base_revision: Revision::parse(base).map_err(ResearchError::corrupt)?,
            proposed_by: &actor.subject,
            proposed_by_name: &actor.name,
        };
        let change = change_store::insert(&tx, &proposal, now)
            .await?
            .ok_or_else(change_pending)?;
        Self::audit(
            &tx,
            "organisation",
            &org_id.to_key(),
            "ProfileChangeProposed",
            &actor,
            now,
            json!({ "id": org_id.to_key(), "changeId": change.id.to_key(), "baseRevision": base }),
            Vec::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(change)
    }

    /// Bureau staff approve a pending change (the organisation's profile and contacts
    /// become the proposed ones, public at once) or reject it with a reason. A change is
    /// reviewed once (CONFLICT `PROFILE_CHANGE_DECIDED`).
    pub async fn review_profile_change(
        &self,
        caller: Option<&Caller>,
        id: ProfileChangeId,
        approve: bool,
        reason: &str,
    ) -> Result<ProfileChange> {
        let actor = require_staff(caller, "action-review-profile-changes")?;
        let reason = if approve {
            String::new()
        } else {
            RejectionReason::parse(reason)?.as_str().to_owned()
        };
        let now = self.now();
        let tx = self.db.begin().await?;
        let change = change_store::find(&tx, id)
            .await?
            .ok_or(ResearchError::NotFound("profile change"))?;
        let status = change.status.review(approve)?;
        if !change_store::review(&tx, id, status, &actor.name, &reason, now).await? {
            // Reviewed by someone else since we read it.
            return Err(change_reviewed().into());
        }
        let org_key = change.organisation_id.to_key();
        if approve {
            for (i, c) in change.profile.contacts().iter().enumerate() {
                Self::require_areas(
                    &tx,
                    c.expertise_area_codes(),
                    &format!("contacts[{i}].expertiseAreaCodes"),
                )
                .await?;
            }
            change_store::apply(&tx, change.organisation_id, &change.profile, now).await?;
        }
        let action = if approve {
            "ProfileChangeApproved"
        } else {
            "ProfileChangeRejected"
        };
        Self::audit(
            &tx,
            "organisation",
            &org_key,
            action,
            &actor,
            now,
            json!({ "id": org_key, "changeId": id.to_key(), "reason": reason }),
            Vec::new(),
        )
        .await?;
        tx.commit().await?;
        // Answered from what was written, not read again.
        Ok(ProfileChange {
            status,
            reviewed_by_name: Some(actor.name),
            reviewed_at: Some(now),
            reason,
            ..change
        })
    }

    /// Profile changes, oldest first: bureau staff see every organisation's, a partner its
    /// own organisation's only (another's is an empty list); `organisation_id` and `status`
    /// narrow the list when given.
    pub async fn list_profile_changes(
        &self,
        caller: Option<&Caller>,
        organisation_id: &str,
        status: Option<ProfileChangeStatus>,
        first: u32,
    ) -> Result<Vec<ProfileChange>> {
        actor_of(caller)?;
        let asked = (!organisation_id.trim().is_empty())
            .then(|| OrganisationId::parse(organisation_id, "organisationId"))
            .transpose()?;
        let org = match viewer_of(caller) {
            Viewer::Staff => asked,
            Viewer::Partner => {
                let own = caller.map(|c| c.org.as_str()).unwrap_or_default();
                let Ok(own) = OrganisationId::parse(own, "org") else {
                    return Ok(Vec::new());
                };
                if asked.is_some_and(|a| a != own) {
                    return Ok(Vec::new());
                }
                Some(own)
            }
            _ => {
                return Err(ResearchError::Forbidden(
                    "only bureau staff and partners see profile changes".into(),
                ));
            }
        };
        let limit = if first == 0 {
            MAX_PROFILE_CHANGES
        } else {
            first.min(MAX_PROFILE_CHANGES)
        };
        change_store::list(&self.db, org, status, u64::from(limit)).await
    }
}
