//! The research service's business operations: domain types in, domain types out. Every
//! operation reads the caller, scopes what it may see and do, and makes each change in one
//! transaction together with its audit row and outbox event.
//!
//! Scoping: the public, partners and local officials see published practices (and the
//! tombstones of withdrawn ones that were published), public organisations, relationships
//! past negotiation and open or closed opportunities. Bureau staff and admins see
//! everything, including contacts' personal details. A local official also sees their own
//! local government's relationships and interaction log, and may record interactions there.

mod areas;
mod files;
mod opportunities;
mod organisations;
mod practices;
mod privacy;
mod profiles;
mod projects;
mod relationships;
mod search;

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use glocal_kit::audit::AuditEntry;
use glocal_kit::outbox::{self, Change, EntityRef};
use glocal_kit::paging;
use glocal_kit::store::{Db, Tx};
use glocal_kit::{Caller, Role};

use crate::domain::changes;
pub use crate::domain::{
    Area, Contact, Interaction, InteractionDraft, Opportunity, Organisation, Practice,
    PracticeHistoryEntry, PracticeVersionInfo, ProfileChange, Relationship, RelationshipDraft,
    RelationshipFilter,
};
use crate::domain::{IdempotencyKey, OpportunityStatus, OrganisationKind, PracticeState, Revision};
use crate::error::ResearchError;
use crate::store::queries;
use crate::store::{areas as area_store, organisations as org_store};
pub use privacy::{AUTHOR_ERASED, spawn_erasure_follower};
pub use profiles::MAX_PROFILE_CHANGES;
pub use projects::ProjectLog;

type Result<T, E = ResearchError> = std::result::Result<T, E>;

/// The page size when a list call asks for none.
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// Most relationships one [`Research::batch_list_interactions`] call takes.
pub const MAX_BATCH_IDS: usize = 100;

/// Where the service reads the time; tests move it by hand.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Tunables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Largest page a list call returns.
    pub max_page_size: u32,
}

impl Config {
    /// The service's part of the process settings.
    pub fn from_settings(settings: &glocal_kit::config::ResearchSettings) -> Self {
        Config {
            max_page_size: Ord::max(settings.max_page_size, 1),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config { max_page_size: 100 }
    }
}

/// Filters of a practice search, as they arrive; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PracticeFilter {
    /// Any of these areas.
    pub area_codes: Vec<String>,
    /// Any of these countries.
    pub countries: Vec<String>,
    /// Any of these years.
    pub years: Vec<i32>,
    /// Content in any of these languages.
    pub languages: Vec<String>,
    /// States (bureau staff only beyond PUBLISHED, the default).
    pub states: Vec<PracticeState>,
    /// Domestic practices of this local government.
    pub local_government_code: String,
    /// From this source organisation.
    pub source_organisation_id: String,
    /// With this tag.
    pub tag: String,
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PracticeSort {
    /// Relevance with a query, newest without.
    #[default]
    Default,
    /// Rank first.
    Relevance,
    /// Newest first.
    Newest,
}

pub use files::FILE_TABLE;
pub use glocal_kit::paging::{Page, PageRequest};

/// A search of the library.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PracticeSearch {
    /// Words; all must match.
    pub query: String,
    /// Filters.
    pub filter: PracticeFilter,
    /// Window.
    pub page: PageRequest,
    /// Order.
    pub sort: PracticeSort,
}

/// A facet value and how many results have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    /// Value (area code, country code, year, language code).
    pub value: String,
    /// Results with it.
    pub count: u64,
}

/// Counts over the whole result set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// Per area.
    pub areas: Vec<FacetCount>,
    /// Per country.
    pub countries: Vec<FacetCount>,
    /// Per year, newest first.
    pub years: Vec<FacetCount>,
    /// Per language (a practice in two languages counts in both).
    pub languages: Vec<FacetCount>,
}

/// A page of search results with its facets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticePage {
    /// The page.
    pub page: Page<Practice>,
    /// Facet counts of all results.
    pub facets: Facets,
}

/// Filters of the organisation list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganisationFilter {
    /// Any of these kinds.
    pub kinds: Vec<OrganisationKind>,
    /// In this country.
    pub country: String,
    /// Substring of the name in any language.
    pub name_contains: String,
}

/// One relationship's answer in [`Research::batch_list_interactions`].
#[derive(Debug)]
pub struct InteractionLog {
    /// The relationship id, as asked.
    pub relationship_id: String,
    /// The first page of its log, or the error `list_interactions` gives for it.
    pub page: Result<Page<Interaction>>,
}

/// Filters of the opportunity list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpportunityFilter {
    /// Any of these statuses.
    pub statuses: Vec<OpportunityStatus>,
    /// Touching this area.
    pub area_code: String,
}

/// Who is calling, as far as research cares.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Viewer {
    Public,
    Partner,
    Official(String),
    Staff,
}

#[derive(Debug, Clone)]
struct Actor {
    subject: String,
    name: String,
}

fn viewer_of(caller: Option<&Caller>) -> Viewer {
    match caller {
        None => Viewer::Public,
        Some(c) if c.has(Role::BureauAdmin) || c.has(Role::BureauStaff) => Viewer::Staff,
        Some(c) if c.has(Role::LocalOfficial) && !c.org.is_empty() => {
            Viewer::Official(c.org.clone())
        }
        Some(c) if c.has(Role::Partner) => Viewer::Partner,
        Some(_) => Viewer::Public,
    }
}

fn actor_of(caller: Option<&Caller>) -> Result<Actor> {
    let c = caller.ok_or(ResearchError::Unauthenticated)?;
    Ok(Actor {
        subject: c.subject.clone(),
        name: c.name.clone(),
    })
}

fn require_staff(caller: Option<&Caller>, what: &str) -> Result<Actor> {
    let actor = actor_of(caller)?;
    if viewer_of(caller) != Viewer::Staff {
        return Err(ResearchError::only(
            "BUREAU_STAFF_ONLY",
            "rule-only-bureau-staff",
            what,
        ));
    }
    Ok(actor)
}

fn require_admin(caller: Option<&Caller>, what: &str) -> Result<Actor> {
    let actor = actor_of(caller)?;
    if !caller.is_some_and(|c| c.has(Role::BureauAdmin)) {
        return Err(ResearchError::only(
            "BUREAU_ADMIN_ONLY",
            "rule-only-bureau-admins",
            what,
        ));
    }
    Ok(actor)
}

/// The cursor of the item at `offset` in a list (`o:{offset}`).
fn encode_cursor(offset: u64) -> String {
    paging::encode_cursor(&format!("o:{offset}"))
}

/// The offset of a cursor made by [`encode_cursor`]; anything else is BAD_USER_INPUT on
/// `after`.
fn decode_cursor(cursor: &str) -> Result<u64> {
    paging::decode_cursor(cursor)?
        .strip_prefix("o:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            ResearchError::invalid(paging::CURSOR_FIELD, "is not a cursor from this list")
        })
}

/// The distinct values, in the order first seen.
fn distinct<'a>(values: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    values.filter(|v| seen.insert(*v)).cloned().collect()
}

fn bounded(s: &str, field: &str, min: usize, max: usize) -> Result<String> {
    let t = s.trim();
    let n = t.chars().count();
    if n < min {
        return Err(ResearchError::invalid(field, "is required"));
    }
    if n > max {
        return Err(ResearchError::invalid_said(
            field,
            glocal_kit::i18n::Message::new("input-too-long")
                .arg("max", max)
                .arg("got", n),
        ));
    }
    Ok(t.to_owned())
}

/// Everything the research service does.
#[derive(Clone)]
pub struct Research {
    db: Db,
    config: Config,
    clock: Clock,
    files: Option<glocal_kit::attachments::Shelf>,
}

impl std::fmt::Debug for Research {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Research")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// What a create finds under its idempotency key.
enum Claim {
    /// The key is ours; go on in the transaction.
    Claimed(Tx),
    /// An earlier call with the same input made this resource.
    Replay(String),
}

impl Research {
    /// The service over `db` (already migrated; a pool or a [`Db`]), on the wall clock.
    pub fn new(db: impl Into<Db>, config: Config) -> Self {
        Research {
            db: db.into(),
            config,
            clock: Arc::new(Utc::now),
            files: None,
        }
    }

    /// The same service reading the time from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The database this service runs on.
    pub fn db(&self) -> &Db {
        &self.db
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)().trunc_subsecs(6)
    }

    fn window(&self, page: &PageRequest) -> Result<(u64, u64)> {
        let asked = if page.first == 0 {
            DEFAULT_PAGE_SIZE
        } else {
            page.first
        };
        let first = Ord::min(asked, self.config.max_page_size);
        let offset = match page.after.as_deref().filter(|a| !a.is_empty()) {
            Some(c) => decode_cursor(c)? + 1,
            None => 0,
        };
        Ok((offset, u64::from(first)))
    }

    fn paged<T>(items: Vec<T>, offset: u64, first: u64, total_count: u64) -> Page<T> {
        let mut items = items;
        let has_next_page = items.len() as u64 > first;
        items.truncate(usize::try_from(first).unwrap_or(usize::MAX));
        let cursors = (0..items.len() as u64)
            .map(|i| encode_cursor(offset + i))
            .collect();
        Page {
            items,
            cursors,
            has_next_page,
            total_count,
        }
    }

    /// Looks the key up (replaying or refusing a different input), else opens the
    /// transaction and claims the key in it for `resource_id`.
    async fn claim(
        &self,
        actor: &Actor,
        operation: &str,
        key: &IdempotencyKey,
        fingerprint: &str,
        resource_id: &str,
    ) -> Result<Claim> {
        if let Some(id) = self.replayed(actor, operation, key, fingerprint).await? {
            return Ok(Claim::Replay(id));
        }
        let tx = self.db.begin().await?;
        let claimed = queries::insert_idempotency(
            &tx,
            &actor.subject,
            operation,
            key.as_str(),
            resource_id,
            fingerprint,
            self.now(),
        )
        .await?;
        let Some(taken) = claimed else {
            return Ok(Claim::Claimed(tx));
        };
        drop(tx);
        match self.replayed(actor, operation, key, fingerprint).await? {
            Some(id) => Ok(Claim::Replay(id)),
            None => Err(taken),
        }
    }

    async fn replayed(
        &self,
        actor: &Actor,
        operation: &str,
        key: &IdempotencyKey,
        fingerprint: &str,
    ) -> Result<Option<String>> {
        match queries::find_idempotency(&self.db, &actor.subject, operation, key.as_str()).await? {
            Some(row) if row.fingerprint == fingerprint => Ok(Some(row.resource_id)),
            Some(_) => Err(ResearchError::said(
                glocal_kit::error::ErrorCode::Conflict,
                "IDEMPOTENCY_KEY_REUSED",
                glocal_kit::i18n::Message::new("rule-idempotency-key-other-input")
                    .arg("key", key.as_str()),
            )),
            None => Ok(None),
        }
    }

    /// Writes the audit row of a change and its outbox event (the same detail), which
    /// names `touched` besides the aggregate.
    #[allow(clippy::too_many_arguments)]
    async fn audit(
        tx: &Tx,
        kind: &str,
        id: &str,
        action: &str,
        actor: &Actor,
        at: DateTime<Utc>,
        detail: serde_json::Value,
        touched: Vec<EntityRef>,
    ) -> Result<()> {
        let change = Change::new(changes::aggregate_type(kind), id, action, detail.clone())
            .touching_all(touched);
        let entry = AuditEntry {
            aggregate_type: kind.to_owned(),
            aggregate_id: id.into(),
            action: action.to_owned(),
            from_state: None,
            to_state: None,
            actor_subject: actor.subject.clone(),
            actor_name: actor.name.clone(),
            at,
            note: detail.to_string(),
        };
        queries::insert_audit(tx, &entry).await?;
        outbox::append(tx, &change, at).await?;
        Ok(())
    }

    async fn require_areas(tx: &Tx, codes: &[String], field: &str) -> Result<()> {
        for (i, code) in codes.iter().enumerate() {
            if !queries::lock_area(tx, code, false).await? {
                let path = if codes.len() == 1 && !field.ends_with(']') && !field.ends_with('s') {
                    field.to_owned()
                } else {
                    format!("{field}[{i}]")
                };
                return Err(ResearchError::invalid_said(
                    &path,
                    glocal_kit::i18n::Message::new("input-unknown-area").arg("code", code),
                ));
            }
        }
        Ok(())
    }

    /// The kind of the organisation `id` refers to; BAD_USER_INPUT on `field` when none.
    async fn require_organisation(tx: &Tx, id: &str, field: &str) -> Result<OrganisationKind> {
        org_store::kind_of(tx, id)
            .await?
            .ok_or_else(|| ResearchError::invalid(field, "unknown organisation"))
    }

    fn check_revision(current: i64, seen: Revision) -> Result<()> {
        if current != seen.get() {
            return Err(ResearchError::StaleRevision { seen, current });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(decode_cursor(&encode_cursor(41)).unwrap(), 41);
        assert_eq!(
            decode_cursor("garbage!").unwrap_err().to_string(),
            "after: is not a cursor from this list"
        );
    }

    #[test]
    fn viewers_from_roles() {
        assert_eq!(viewer_of(None), Viewer::Public);
        let c = |roles: &[Role], org: &str| Caller::new("s", "n", org, roles.iter().copied());
        assert_eq!(
            viewer_of(Some(&c(&[Role::BureauStaff], "GAOK"))),
            Viewer::Staff
        );
        assert_eq!(viewer_of(Some(&c(&[Role::BureauAdmin], ""))), Viewer::Staff);
        assert_eq!(
            viewer_of(Some(&c(&[Role::LocalOfficial], "11000"))),
            Viewer::Official("11000".into())
        );
        assert_eq!(viewer_of(Some(&c(&[Role::Partner], "JP"))), Viewer::Partner);
        assert!(require_staff(Some(&c(&[Role::Partner], "")), "x").is_err());
        assert!(matches!(
            require_staff(None, "x"),
            Err(ResearchError::Unauthenticated)
        ));
    }
}
