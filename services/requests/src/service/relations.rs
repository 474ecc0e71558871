//! Merging a duplicate into its original and linking related requests (ADR 0024). Staff
//! who handle both requests act; the rules about the pair are the domain's
//! ([`check_merge`], [`check_link`], [`check_unlink`]). Each call locks both rows first, so
//! the rules read a pair nobody else is changing (no chain or cycle can slip in between two
//! concurrent calls), then writes the change, a history entry on each request and their
//! change events in one transaction. A repeated call changes nothing and answers as it
//! stands.

use chrono::{DateTime, Utc};
use glocal_kit::Caller;
use glocal_kit::outbox::{self, Change as OutboxChange};
use glocal_kit::store::Tx;
use serde_json::json;

use super::submit::history_entry;
use super::{Actor, OnlineBureau, Result, Viewer};
use crate::domain::changes::{SERVICE_REQUEST, request_touches};
use crate::domain::relations::{
    Outcome, RelationFacts, Relations, check_link, check_merge, check_unlink,
};
use crate::domain::{Action, Reason, RequestId, ServiceRequest, Version, transition};
use crate::error::RequestsError;
use crate::store::activity;
use crate::store::relations::{self as relation_store, Kind};
use crate::store::requests::{self as request_store, StoredRequest};

/// The event of a duplicate merged into its original (the notifier tells its requester).
pub const MERGED: &str = "ServiceRequestMerged";

/// The event of a request whose merges or links changed (the original of a merge, both
/// requests of a link or unlink).
pub const RELATIONS_CHANGED: &str = "ServiceRequestRelationsChanged";

/// Both requests of a pair, locked, visible to and handled by the caller, with their facts.
struct Pair {
    first: StoredRequest,
    second: StoredRequest,
    first_facts: RelationFacts,
    second_facts: RelationFacts,
}

fn facts(row: &StoredRequest, relations: Option<&Relations>) -> RelationFacts {
    let empty = Relations::default();
    let r = relations.unwrap_or(&empty);
    RelationFacts {
        id: row.id,
        number: row.number,
        state: row.state,
        local_government: row.local_government_code.clone(),
        merged_into: r.merged_into,
        merged_in: r.merged.len(),
        parent: r.parent,
        children: r.children.len(),
    }
}

impl OnlineBureau {
    /// Locks `first` and `second`, loads them (NOT_FOUND unless the caller sees both;
    /// FORBIDDEN unless they handle both) and their relations.
    async fn pair(
        &self,
        tx: &Tx,
        viewer: &Viewer,
        first: RequestId,
        second: RequestId,
        what: &str,
    ) -> Result<Pair> {
        request_store::lock(tx, &[first, second]).await?;
        let first = Self::visible_row(viewer, request_store::find(tx, first).await?)?;
        let second = Self::visible_row(viewer, request_store::find(tx, second).await?)?;
        Self::require_handler(viewer, &first, what)?;
        Self::require_handler(viewer, &second, what)?;
        let relations = relation_store::of(tx, &[first.id, second.id]).await?;
        Ok(Pair {
            first_facts: facts(&first, relations.get(&first.id)),
            second_facts: facts(&second, relations.get(&second.id)),
            first,
            second,
        })
    }

    /// Writes a history entry `action` with `note` on `row` (its state unchanged) and its
    /// change event naming `other`, by `actor` at `now`.
    async fn relation_changed(
        &self,
        tx: &Tx,
        row: &StoredRequest,
        other: &StoredRequest,
        (action, note): (&str, &str),
        (actor, now): (&Actor, DateTime<Utc>),
    ) -> Result<()> {
        let entry = history_entry(action, Some(row.state), row.state, actor, now, note);
        activity::insert_history(tx, row.id, &[entry]).await?;
        let mut payload = self
            .event_payload(tx, row, Some(row.state), action, None)
            .await?;
        payload["related"] =
            json!({ "id": other.id.to_string(), "number": other.number.to_string() });
        let touched = request_touches(
            &row.local_government_code,
            row.department_code.as_deref(),
            row.assignee_id.as_deref(),
            None,
        );
        let change = OutboxChange::new(
            SERVICE_REQUEST,
            row.id.as_uuid(),
            RELATIONS_CHANGED,
            payload,
        )
        .touching_all(touched);
        outbox::append(tx, &change, now).await?;
        Ok(())
    }

    /// Staff merge `duplicate` (at the `version` they saw) into `original`: the duplicate
    /// goes to MERGED (its service-level clocks stop: it is no longer open), points at the
    /// original, and its requester is told (`ServiceRequestMerged`); the original lists it.
    /// Both must be requests the caller handles (NOT_FOUND for one they cannot see,
    /// FORBIDDEN for officials and for staff of neither's department); the rules are
    /// [`check_merge`]'s. Merging it again into the same original changes nothing. Answers
    /// with the duplicate as merged.
    pub async fn merge(
        &self,
        caller: Option<&Caller>,
        duplicate: RequestId,
        version: Version,
        original: RequestId,
        note: Option<Reason>,
    ) -> Result<ServiceRequest> {
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau(&viewer, "action-merge-requests")?;
        let tx = self.db.begin().await?;
        let pair = self
            .pair(&tx, &viewer, duplicate, original, "merge requests")
            .await?;
        let (dup, orig) = (&pair.first, &pair.second);
        if check_merge(&pair.first_facts, &pair.second_facts)? == Outcome::AlreadyDone {
            drop(tx);
            return self.view(&viewer, pair.first).await;
        }
        Self::check_version(dup, version)?;
        let to = transition(dup.state, Action::Merge)?;
        let now = self.now();
        let mut after = dup.clone();
        after.state = to;
        after.updated_at = now;
        after.version = dup.version.next();
        // A merged request waits for nobody: its pause ends with it.
        after.paused_at = None;
        after.paused_from_state = None;
        if !request_store::update_if_version(&tx, dup, &after).await? {
            let current = request_store::current_version(&tx, dup.id)
                .await?
                .unwrap_or(dup.version.get());
            return Err(RequestsError::StaleVersion {
                seen: dup.version,
                current,
            });
        }
        relation_store::insert(&tx, dup.id, Kind::MergedInto, orig.id, now, &actor.subject).await?;
        let note = note.map(|n| n.as_str().to_owned()).unwrap_or_default();
        let with_note = |text: String| {
            if note.is_empty() {
                text
            } else {
                format!("{text}: {note}")
            }
        };
        let entry = history_entry(
            Action::Merge.as_str(),
            Some(dup.state),
            to,
            &actor,
            now,
            &with_note(format!("→ {}", orig.number)),
        );
        activity::insert_history(&tx, dup.id, &[entry]).await?;
        let mut payload = self
            .event_payload(&tx, &after, Some(dup.state), Action::Merge.as_str(), None)
            .await?;
        payload["mergedInto"] = json!({
            "id": orig.id.to_string(),
            "number": orig.number.to_string(),
            "title": orig.title,
        });
        payload["originalNumber"] = json!(orig.number.to_string());
        payload["note"] = json!(note);
        let touched = request_touches(
            &after.local_government_code,
            after.department_code.as_deref(),
            after.assignee_id.as_deref(),
            None,
        );
        let change = OutboxChange::new(SERVICE_REQUEST, dup.id.as_uuid(), MERGED, payload)
            .touching_all(touched);
        outbox::append(&tx, &change, now).await?;
        let note_in = with_note(format!("← {}", dup.number));
        self.relation_changed(&tx, orig, dup, ("merge_in", &note_in), (&actor, now))
            .await?;
        tx.commit().await?;
        tracing::info!(request_id = %dup.id, original = %orig.id, "service request merged");
        self.view(&viewer, after).await
    }

    /// Staff link `child` under `parent` (e.g. interpretation requests under their visit
    /// arrangement): the rules are [`check_link`]'s, who may act as for [`Self::merge`].
    /// Neither request's state or version changes. Answers with the parent.
    pub async fn link(
        &self,
        caller: Option<&Caller>,
        parent: RequestId,
        child: RequestId,
    ) -> Result<ServiceRequest> {
        self.relink(caller, parent, child, true).await
    }

    /// Staff remove the link of `child` under `parent`; unlinking what is not linked
    /// changes nothing. Answers with the parent.
    pub async fn unlink(
        &self,
        caller: Option<&Caller>,
        parent: RequestId,
        child: RequestId,
    ) -> Result<ServiceRequest> {
        self.relink(caller, parent, child, false).await
    }

    async fn relink(
        &self,
        caller: Option<&Caller>,
        parent: RequestId,
        child: RequestId,
        link: bool,
    ) -> Result<ServiceRequest> {
        let what = if link {
            "link requests"
        } else {
            "unlink requests"
        };
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau(&viewer, what)?;
        let tx = self.db.begin().await?;
        let pair = self.pair(&tx, &viewer, parent, child, what).await?;
        let (p, c) = (&pair.first, &pair.second);
        let outcome = if link {
            check_link(&pair.first_facts, &pair.second_facts)?
        } else {
            check_unlink(&pair.first_facts, &pair.second_facts)?
        };
        if outcome == Outcome::AlreadyDone {
            drop(tx);
            return self.view(&viewer, pair.first).await;
        }
        let now = self.now();
        let (of_parent, of_child) = if link {
            relation_store::insert(&tx, c.id, Kind::ChildOf, p.id, now, &actor.subject).await?;
            ("link_child", "link_parent")
        } else {
            relation_store::delete(&tx, c.id, Kind::ChildOf, p.id).await?;
            ("unlink_child", "unlink_parent")
        };
        let (c_number, p_number) = (c.number.to_string(), p.number.to_string());
        self.relation_changed(&tx, p, c, (of_parent, &c_number), (&actor, now))
            .await?;
        self.relation_changed(&tx, c, p, (of_child, &p_number), (&actor, now))
            .await?;
        tx.commit().await?;
        tracing::info!(parent = %p.id, child = %c.id, link, "service requests relinked");
        self.view(&viewer, pair.first).await
    }
}
