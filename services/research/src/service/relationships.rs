//! Relationships between Korean and foreign local governments, and their interaction logs
//! (read and written by bureau staff and the local government concerned).

use crate::domain::changes;
use glocal_kit::outbox::EntityRef;
use std::collections::HashMap;

use glocal_kit::Caller;
use glocal_kit::error::{ErrorCode, Refusal};
use glocal_kit::i18n::Message;
use serde_json::json;

use super::{
    Claim, InteractionLog, MAX_BATCH_IDS, Page, PageRequest, RelationshipFilter, Research, Result,
    Viewer, actor_of, distinct, require_staff, viewer_of,
};
use crate::domain::{
    IdempotencyKey, Interaction, InteractionId, InvalidInput, NewInteraction, NewRelationship,
    OrganisationKind, Relationship, RelationshipId, RelationshipMove, RelationshipStatus,
};
use crate::error::ResearchError;
use crate::store::relationships::{self as store, RelationshipQuery, StatusChange};

fn relationship_visible(viewer: &Viewer, r: &Relationship) -> bool {
    match viewer {
        Viewer::Staff => true,
        Viewer::Official(org) if *org == r.local_government_code => true,
        _ => r.status.is_public(),
    }
}

/// The first checks of [`Research::log_access`] for an id as asked (a read): a signed-in
/// caller and a relationship id that parses (its stored key).
fn log_key(caller: Option<&Caller>, id: &str) -> Result<String> {
    if caller.is_none() {
        return Err(ResearchError::Unauthenticated);
    }
    Ok(RelationshipId::parse(id, "relationshipId")?.to_key())
}

/// The rest of [`Research::log_access`], on the relationship (`None`: no such row).
fn log_readable(viewer: &Viewer, row: Option<Relationship>) -> Result<Relationship> {
    let row = row
        .filter(|r| relationship_visible(viewer, r))
        .ok_or(ResearchError::NotFound("relationship"))?;
    match viewer {
        Viewer::Staff => Ok(row),
        Viewer::Official(org) if *org == row.local_government_code => Ok(row),
        _ => Err(ResearchError::Forbidden(
            "the interaction log is for bureau staff and the local government concerned".into(),
        )),
    }
}

impl Research {
    /// Records a relationship between a Korean local government and a foreign one (bureau
    /// staff). One live relationship of a kind per pair: a duplicate is CONFLICT.
    pub async fn create_relationship(
        &self,
        caller: Option<&Caller>,
        idempotency_key: &str,
        new: &NewRelationship,
    ) -> Result<Relationship> {
        let actor = require_staff(caller, "record relationships")?;
        let key = IdempotencyKey::parse(idempotency_key)?;
        let NewRelationship {
            kind,
            local_government_code: lg,
            partner,
            status,
            signed_on,
            note,
        } = new.clone();
        let fingerprint = format!("{kind:?}|{lg:?}|{partner}|{status:?}|{signed_on:?}|{note}");
        let id = RelationshipId::new();
        let tx = match self
            .claim(
                &actor,
                "create_relationship",
                &key,
                &fingerprint,
                &id.to_key(),
            )
            .await?
        {
            Claim::Replay(existing) => return self.relationship(caller, &existing).await,
            Claim::Claimed(tx) => tx,
        };
        let partner_kind =
            Self::require_organisation(&tx, &partner.to_key(), "partnerOrganisationId").await?;
        if partner_kind != OrganisationKind::ForeignLocalGovernment {
            return Err(ResearchError::invalid(
                "partnerOrganisationId",
                "is not a foreign local government",
            ));
        }
        let now = self.now();
        let new = store::NewRelationship {
            id,
            kind,
            status,
            local_government_code: lg.as_str(),
            partner_organisation_id: partner.to_key(),
            signed_on: signed_on.map(|d| d.to_string()),
            note,
        };
        let Some(created) = store::insert(&tx, new, now).await? else {
            return Err(ResearchError::Refused(Refusal::said(
                ErrorCode::Conflict,
                "RELATIONSHIP_EXISTS",
                Message::new("rule-relationship-duplicate")
                    .arg("lg", lg.as_str())
                    .arg("kind", kind),
            )));
        };
        Self::audit(
            &tx,
            "relationship",
            &id.to_key(),
            "RelationshipCreated",
            &actor,
            now,
            json!({
                "id": id.to_key(), "kind": kind.as_str(), "status": status.as_str(),
                "localGovernmentCode": lg.as_str(), "partnerOrganisationId": partner.to_key(),
            }),
            vec![
                EntityRef::new("LocalGovernment", lg.as_str()),
                EntityRef::new(changes::ORGANISATION, partner.to_key()),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Moves a relationship to another status (bureau staff), quoting its revision.
    pub async fn set_relationship_status(
        &self,
        caller: Option<&Caller>,
        change: &RelationshipMove,
    ) -> Result<Relationship> {
        let actor = require_staff(caller, "change relationships")?;
        let RelationshipMove {
            id,
            seen,
            to,
            on,
            note,
        } = change.clone();
        let key = id.to_key();
        let row = store::find(&self.db, &key)
            .await?
            .ok_or(ResearchError::NotFound("relationship"))?;
        let from = row.status;
        if !from.can_become(to) {
            return Err(ResearchError::Refused(Refusal::said(
                ErrorCode::Conflict,
                "ILLEGAL_STATUS_MOVE",
                Message::new("rule-relationship-move")
                    .arg("from", from)
                    .arg("to", to),
            )));
        }
        let current = row.revision.get();
        Self::check_revision(current, seen)?;
        let now = self.now();
        let day = on.map_or_else(
            || now.date_naive().format("%Y-%m-%d").to_string(),
            |d| d.to_string(),
        );
        let mut change = StatusChange {
            status: to,
            at: now,
            note: (!note.is_empty()).then(|| note.clone()),
            signed_on: None,
            ended_on: None,
        };
        match to {
            RelationshipStatus::Active if row.signed_on.is_none() || on.is_some() => {
                change.signed_on = Some(day);
            }
            RelationshipStatus::Ended => change.ended_on = Some(day),
            _ => {}
        }
        let tx = self.db.begin().await?;
        if !store::update_status_if(&tx, &key, current, change).await? {
            return Err(ResearchError::StaleRevision {
                seen,
                current: current + 1,
            });
        }
        Self::audit(
            &tx,
            "relationship",
            &key,
            "RelationshipStatusChanged",
            &actor,
            now,
            json!({
                "id": key, "from": from.as_str(), "status": to.as_str(), "note": note,
            }),
            Vec::new(),
        )
        .await?;
        tx.commit().await?;
        self.relationship(caller, &key).await
    }

    async fn relationship(&self, caller: Option<&Caller>, id: &str) -> Result<Relationship> {
        self.batch_get_relationships(caller, &[id.to_owned()])
            .await?
            .pop()
            .ok_or(ResearchError::NotFound("relationship"))
    }

    /// Several relationships, in the order asked, leaving out those the caller may not see.
    pub async fn batch_get_relationships(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<Relationship>> {
        let viewer = viewer_of(caller);
        let keys: Vec<String> = ids
            .iter()
            .filter_map(|i| {
                RelationshipId::parse(i, "ids")
                    .ok()
                    .map(RelationshipId::to_key)
            })
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<_> = store::find_many(&self.db, &keys)
            .await?
            .into_iter()
            .filter(|r| relationship_visible(&viewer, r))
            .collect();
        let views = self.with_interaction_counts(rows).await?;
        let by_id: HashMap<String, Relationship> =
            views.into_iter().map(|r| (r.id.to_key(), r)).collect();
        Ok(keys.iter().filter_map(|k| by_id.get(k).cloned()).collect())
    }

    /// A page of the relationships the caller may see, in the order they were recorded.
    pub async fn list_relationships(
        &self,
        caller: Option<&Caller>,
        filter: &RelationshipFilter,
        page: &PageRequest,
    ) -> Result<Page<Relationship>> {
        let viewer = viewer_of(caller);
        let (offset, first) = self.window(page)?;
        let public: Vec<&'static str> = RelationshipStatus::ALL
            .iter()
            .filter(|s| s.is_public())
            .map(|s| s.as_str())
            .collect();
        let (visible_statuses, also_of) = match &viewer {
            Viewer::Staff => (None, None),
            Viewer::Official(org) => (Some(public), Some(org.as_str())),
            _ => (Some(public), None),
        };
        let query = RelationshipQuery {
            visible_statuses,
            also_of,
            local_government_code: filter.local_government_code.as_ref().map(|c| c.as_str()),
            partner_organisation_id: filter.partner.as_ref().map(|p| p.to_key()),
            kinds: &filter.kinds,
            statuses: &filter.statuses,
        };
        let (total, rows) = store::list(&self.db, &query, offset, first + 1).await?;
        let items = self.with_interaction_counts(rows).await?;
        Ok(Self::paged(items, offset, first, total))
    }

    /// The relationships with their interaction counts filled in (one query).
    async fn with_interaction_counts(
        &self,
        mut rows: Vec<Relationship>,
    ) -> Result<Vec<Relationship>> {
        let keys: Vec<String> = rows.iter().map(|r| r.id.to_key()).collect();
        let counts = store::interaction_counts(&self.db, &keys).await?;
        for r in &mut rows {
            r.interaction_count = counts.get(&r.id.to_key()).copied().unwrap_or(0);
        }
        Ok(rows)
    }

    /// The relationship if the caller may read and write its log: bureau staff, or an
    /// official of its Korean local government. Others: NOT_FOUND when they cannot even see
    /// the relationship, FORBIDDEN when they can.
    async fn log_access(&self, caller: Option<&Caller>, id: &str) -> Result<Relationship> {
        let key = log_key(caller, id)?;
        let row = store::find(&self.db, &key).await?;
        log_readable(&viewer_of(caller), row)
    }

    /// [`Self::log_access`] for a relationship id the adapter has parsed.
    async fn log_access_to(
        &self,
        caller: Option<&Caller>,
        id: &RelationshipId,
    ) -> Result<Relationship> {
        if caller.is_none() {
            return Err(ResearchError::Unauthenticated);
        }
        let row = store::find(&self.db, &id.to_key()).await?;
        log_readable(&viewer_of(caller), row)
    }

    /// Records a meeting, visit or exchange in a relationship's log (bureau staff, or an
    /// official of its Korean local government). Idempotent per key.
    pub async fn record_interaction(
        &self,
        caller: Option<&Caller>,
        idempotency_key: &str,
        new: &NewInteraction,
    ) -> Result<Interaction> {
        let actor = actor_of(caller)?;
        let key = IdempotencyKey::parse(idempotency_key)?;
        let NewInteraction {
            relationship_id,
            kind,
            occurred_on,
            summary,
        } = new.clone();
        let rel = self.log_access_to(caller, &relationship_id).await?;
        if rel.status == RelationshipStatus::Ended {
            return Err(ResearchError::Conflict("the relationship has ended".into()));
        }
        let rel_key = rel.id.to_key();
        let id = InteractionId::new();
        let fingerprint = format!("{rel_key}|{kind:?}|{occurred_on}|{summary}");
        let tx = match self
            .claim(
                &actor,
                "record_interaction",
                &key,
                &fingerprint,
                &id.to_key(),
            )
            .await?
        {
            Claim::Replay(existing) => return self.interaction(&existing).await,
            Claim::Claimed(tx) => tx,
        };
        let now = self.now();
        let entry = Interaction {
            id,
            relationship_id: rel_key.clone(),
            kind,
            occurred_on: occurred_on.to_string(),
            summary,
            recorded_by_subject: actor.subject.clone(),
            recorded_by_name: actor.name.clone(),
            created_at: now,
        };
        store::insert_interaction(&tx, &entry).await?;
        Self::audit(&tx, "relationship", &rel_key, "InteractionRecorded", &actor, now, json!({
            "id": id.to_key(), "relationshipId": rel_key, "kind": kind.as_str(), "occurredOn": occurred_on.to_string(),
        }), vec![EntityRef::new("Interaction", id.to_key())]).await?;
        tx.commit().await?;
        Ok(entry)
    }

    async fn interaction(&self, id: &str) -> Result<Interaction> {
        store::find_interaction(&self.db, id)
            .await?
            .ok_or(ResearchError::NotFound("interaction"))
    }

    /// A page of a relationship's log, most recent first.
    pub async fn list_interactions(
        &self,
        caller: Option<&Caller>,
        relationship_id: &str,
        page: &PageRequest,
    ) -> Result<Page<Interaction>> {
        let rel = self.log_access(caller, relationship_id).await?;
        let (offset, first) = self.window(page)?;
        let (total, items) =
            store::list_interactions(&self.db, &rel.id.to_key(), offset, first + 1).await?;
        Ok(Self::paged(items, offset, first, total))
    }

    /// The first page of several relationships' logs (each what `list_interactions` without
    /// `after` answers: the same items, cursors, next-page flag and total), one entry per id
    /// in the order asked. Access is checked per relationship as `list_interactions` does,
    /// and a log the caller may not read carries that error in its entry alone. At most three
    /// queries however many ids: the relationships, one window query for every page and one
    /// grouped count. More than [`MAX_BATCH_IDS`] ids is BAD_USER_INPUT.
    pub async fn batch_list_interactions(
        &self,
        caller: Option<&Caller>,
        relationship_ids: &[String],
        first: u32,
    ) -> Result<Vec<InteractionLog>> {
        if relationship_ids.len() > MAX_BATCH_IDS {
            return Err(ResearchError::Invalid(InvalidInput::localized(
                "relationshipIds",
                Message::new("input-batch-ids").arg("max", MAX_BATCH_IDS),
            )));
        }
        let (offset, first) = self.window(&PageRequest { first, after: None })?;
        let viewer = viewer_of(caller);
        let keys: Vec<Result<String>> = relationship_ids
            .iter()
            .map(|id| log_key(caller, id))
            .collect();
        let wanted = distinct(keys.iter().filter_map(|k| k.as_ref().ok()));
        let rows: HashMap<String, Relationship> = store::find_many(&self.db, &wanted)
            .await?
            .into_iter()
            .map(|r| (r.id.to_key(), r))
            .collect();
        let access: Vec<Result<String>> = keys
            .into_iter()
            .map(|key| log_readable(&viewer, rows.get(&key?).cloned()).map(|r| r.id.to_key()))
            .collect();
        let readable = distinct(access.iter().filter_map(|k| k.as_ref().ok()));
        let entries = store::latest_interactions(&self.db, &readable, first + 1).await?;
        let counts = store::interaction_counts(&self.db, &readable).await?;
        Ok(relationship_ids
            .iter()
            .zip(access)
            .map(|(asked, access)| {
                let page = access.map(|key| {
                    let items = entries.get(&key).cloned().unwrap_or_default();
                    let total = counts.get(&key).copied().unwrap_or(0);
                    Self::paged(items, offset, first, total)
                });
                InteractionLog {
                    relationship_id: asked.clone(),
                    page,
                }
            })
            .collect())
    }
}
