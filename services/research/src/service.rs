//! The research service's business operations: domain types in, domain types out. Every
//! operation reads the caller, scopes what it may see and do, and makes each change in one
//! transaction together with its audit row and outbox event.
//!
//! Scoping: the public, partners and local officials see published practices (and the
//! tombstones of withdrawn ones that were published), public organisations, relationships
//! past negotiation and open or closed opportunities. Bureau staff and admins see
//! everything, including contacts' personal details. A local official also sees their own
//! local government's relationships and interaction log, and may record interactions there.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use chrono::{DateTime, SubsecRound, Utc};
use glocal_kit::{Caller, Role};
use sea_orm::sea_query::{Expr, ExprTrait as _, Func, LikeExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
    TransactionTrait,
};
use serde_json::json;

use crate::domain::{
    AreaCode, ContactDraft, ContactId, CountryCode, IdempotencyKey, InteractionId, InteractionKind,
    InvalidInput, IsoDate, Lang, LocalGovernmentCode, LocalizedDraft, LocalizedText, NewArea,
    NewContact, NewOpportunity, NewOrganisation, OpportunityDraft, OpportunityId,
    OpportunityStatus, OrganisationDraft, OrganisationId, OrganisationKind, PracticeAction,
    PracticeContent, PracticeDraft, PracticeId, PracticeState, RelationshipId, RelationshipKind,
    RelationshipStatus, Revision, Stage, Tag, transition,
};
use crate::error::ResearchError;
use crate::store::entities::{
    contact, interaction, join_list, opportunity, organisation, practice, practice_history,
    practice_version, relationship, research_area, split_list,
};
use crate::store::queries::{self, AuditRow};
use crate::store::search::{self, EnglishDoc, SearchQuery, contains_pattern};

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

/// A concept of the area vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    /// Code.
    pub code: String,
    /// Label in the four languages.
    pub label: LocalizedText,
    /// Order in lists.
    pub position: i32,
    /// Published practices in the area.
    pub practice_count: u64,
}

/// One entry of a practice's audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeHistoryEntry {
    /// `draft`, `edit`, `submit`, `approve`, `request_changes`, `publish`, `withdraw`.
    pub action: String,
    /// State before (`None` for the draft itself).
    pub from_state: Option<PracticeState>,
    /// State after.
    pub to_state: PracticeState,
    /// Who.
    pub actor_subject: String,
    /// Their name.
    pub actor_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Note or reason.
    pub note: String,
    /// Content version acted on.
    pub version: i32,
}

/// A content version of a practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeVersionInfo {
    /// Number, from 1.
    pub version: i32,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Who made it.
    pub editor_subject: String,
    /// Why it changed.
    pub note: String,
}

/// A practice as the caller may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practice {
    /// Id.
    pub id: PracticeId,
    /// The content version shown.
    pub version: i32,
    /// The newest content version.
    pub latest_version: i32,
    /// Concurrency token.
    pub revision: Revision,
    /// State.
    pub state: PracticeState,
    /// Approved for publication.
    pub approved: bool,
    /// Content withheld because it was withdrawn.
    pub tombstone: bool,
    /// Content (only the title on a tombstone).
    pub content: PracticeContent,
    /// Author.
    pub author_subject: String,
    /// Author's name.
    pub author_name: String,
    /// Drafted.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Last published.
    pub published_at: Option<DateTime<Utc>>,
    /// Withdrawn.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Why it was withdrawn.
    pub withdrawal_reason: Option<String>,
    /// Audit trail (bureau staff, on `get_practice`).
    pub history: Vec<PracticeHistoryEntry>,
    /// Every version (on `get_practice`).
    pub versions: Vec<PracticeVersionInfo>,
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

/// A page window: at most `first` (0 = default) after the opaque cursor `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// How many.
    pub first: u32,
    /// Cursor of the last item already seen.
    pub after: Option<String>,
}

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

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The cursor of each item.
    pub cursors: Vec<String>,
    /// More follow.
    pub has_next_page: bool,
    /// How many match in all.
    pub total_count: u64,
}

impl<T> Page<T> {
    /// Cursor of the last item.
    pub fn end_cursor(&self) -> Option<&str> {
        self.cursors.last().map(String::as_str)
    }
}

/// A page of search results with its facets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticePage {
    /// The page.
    pub page: Page<Practice>,
    /// Facet counts of all results.
    pub facets: Facets,
}

/// A person at a partner organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Id.
    pub id: ContactId,
    /// Name.
    pub name: String,
    /// Position.
    pub position: String,
    /// Languages.
    pub languages: Vec<String>,
    /// Expertise areas.
    pub expertise_area_codes: Vec<String>,
    /// E-mail (bureau staff only).
    pub email: Option<String>,
    /// Phone (bureau staff only).
    pub phone: Option<String>,
}

/// A partner organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// Id.
    pub id: OrganisationId,
    /// Kind.
    pub kind: OrganisationKind,
    /// Name.
    pub name: LocalizedText,
    /// Language of the original name.
    pub original_language: Lang,
    /// Country.
    pub country: String,
    /// City.
    pub city: String,
    /// Languages it works in.
    pub languages: Vec<String>,
    /// Web site.
    pub website: String,
    /// Description.
    pub description: LocalizedText,
    /// Visible to everyone.
    pub public: bool,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Added.
    pub created_at: DateTime<Utc>,
    /// Concurrency token.
    pub revision: Revision,
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

/// A new relationship, as it arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationshipDraft {
    /// Kind.
    pub kind: Option<RelationshipKind>,
    /// Korean local government.
    pub local_government_code: String,
    /// Foreign local government (organisation id).
    pub partner_organisation_id: String,
    /// PROPOSED (default) or ACTIVE.
    pub status: Option<RelationshipStatus>,
    /// Signing date.
    pub signed_on: String,
    /// Note.
    pub note: String,
}

/// A tie between a Korean and a foreign local government.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    /// Id.
    pub id: RelationshipId,
    /// Kind.
    pub kind: RelationshipKind,
    /// Status.
    pub status: RelationshipStatus,
    /// Korean local government.
    pub local_government_code: String,
    /// Foreign local government.
    pub partner_organisation_id: String,
    /// Signed.
    pub signed_on: Option<String>,
    /// Ended.
    pub ended_on: Option<String>,
    /// Note.
    pub note: String,
    /// Recorded.
    pub created_at: DateTime<Utc>,
    /// Concurrency token.
    pub revision: Revision,
    /// Entries in its log.
    pub interaction_count: u64,
}

/// Filters of the relationship list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationshipFilter {
    /// Of this Korean local government.
    pub local_government_code: String,
    /// With this foreign local government.
    pub partner_organisation_id: String,
    /// Any of these kinds.
    pub kinds: Vec<RelationshipKind>,
    /// Any of these statuses.
    pub statuses: Vec<RelationshipStatus>,
}

/// A new interaction, as it arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InteractionDraft {
    /// The relationship.
    pub relationship_id: String,
    /// Kind.
    pub kind: Option<InteractionKind>,
    /// YYYY-MM-DD.
    pub occurred_on: String,
    /// What happened.
    pub summary: String,
}

/// One entry of a relationship's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interaction {
    /// Id.
    pub id: InteractionId,
    /// The relationship.
    pub relationship_id: String,
    /// Kind.
    pub kind: InteractionKind,
    /// When.
    pub occurred_on: String,
    /// What happened.
    pub summary: String,
    /// Who recorded it.
    pub recorded_by_subject: String,
    /// Their name.
    pub recorded_by_name: String,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

/// One relationship's answer in [`Research::batch_list_interactions`].
#[derive(Debug)]
pub struct InteractionLog {
    /// The relationship id, as asked.
    pub relationship_id: String,
    /// The first page of its log, or the error `list_interactions` gives for it.
    pub page: Result<Page<Interaction>>,
}

/// A project proposed through the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opportunity {
    /// Id.
    pub id: OpportunityId,
    /// Title.
    pub title: LocalizedText,
    /// Description.
    pub description: LocalizedText,
    /// Original language.
    pub original_language: Lang,
    /// Areas it touches.
    pub area_codes: Vec<String>,
    /// Countries involved.
    pub countries: Vec<String>,
    /// Organisation that brought it.
    pub organisation_id: Option<String>,
    /// Status.
    pub status: OpportunityStatus,
    /// Deadline.
    pub deadline: Option<String>,
    /// Who proposed it.
    pub proposer_subject: String,
    /// Proposed.
    pub created_at: DateTime<Utc>,
    /// Concurrency token.
    pub revision: Revision,
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
        return Err(ResearchError::Forbidden(format!(
            "only bureau staff may {what}"
        )));
    }
    Ok(actor)
}

fn require_admin(caller: Option<&Caller>, what: &str) -> Result<Actor> {
    let actor = actor_of(caller)?;
    if !caller.is_some_and(|c| c.has(Role::BureauAdmin)) {
        return Err(ResearchError::Forbidden(format!(
            "only bureau admins may {what}"
        )));
    }
    Ok(actor)
}

fn is_unique_violation(e: &ResearchError) -> bool {
    matches!(e, ResearchError::Db(db) if matches!(db.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))))
}

fn encode_cursor(offset: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

fn decode_cursor(cursor: &str) -> Result<u64> {
    let bad = || ResearchError::invalid("after", "is not a cursor from this list");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix("o:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(bad)
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
        return Err(ResearchError::invalid(
            field,
            format!("must be at most {max} characters (got {n})"),
        ));
    }
    Ok(t.to_owned())
}

fn parse_state(s: &str) -> Result<PracticeState> {
    PracticeState::parse(s).map_err(ResearchError::corrupt)
}

fn localized(ko: &str, en: &str, zh: &str, ja: &str) -> LocalizedText {
    LocalizedText::from_stored(ko.to_owned(), en.to_owned(), zh.to_owned(), ja.to_owned())
}

/// Columns of `practice` derived from its content: filters, facets and search documents.
fn content_columns(m: &mut practice::ActiveModel, c: &PracticeContent) -> Result<()> {
    let en = |t: &LocalizedText| t.get(Lang::En).to_owned();
    let langs = c.languages();
    m.content = Set(serde_json::to_string(c).map_err(ResearchError::corrupt)?);
    m.original_language = Set(c.original_language().as_str().to_owned());
    m.area_code = Set(c.area_code().to_owned());
    m.country = Set(c.country().to_owned());
    m.year = Set(c.year());
    m.local_government_code = Set(c.local_government_code.clone().unwrap_or_default());
    m.source_organisation_id = Set(c.source_organisation_id.clone().unwrap_or_default());
    m.tags = Set(join_list(c.tags()));
    m.has_ko = Set(langs.contains(&Lang::Ko));
    m.has_en = Set(langs.contains(&Lang::En));
    m.has_zh = Set(langs.contains(&Lang::Zh));
    m.has_ja = Set(langs.contains(&Lang::Ja));
    m.doc_title = Set(c.title().joined());
    m.doc_summary = Set(c.summary().joined());
    m.doc_body = Set(c.body().joined());
    m.doc_all = Set(doc_all(c));
    m.doc_en = Set([en(c.title()), en(c.summary()), en(c.body())].join("\n"));
    Ok(())
}

fn doc_all(c: &PracticeContent) -> String {
    [c.title().joined(), c.summary().joined(), c.body().joined()].join("\n")
}

fn doc_en(c: &PracticeContent) -> EnglishDoc<'_> {
    EnglishDoc {
        title: c.title().get(Lang::En),
        summary: c.summary().get(Lang::En),
        body: c.body().get(Lang::En),
    }
}

fn practice_event(
    row: &practice::Model,
    action: &str,
    state: PracticeState,
    version: i32,
    revision: i64,
) -> serde_json::Value {
    json!({
        "id": row.id,
        "action": action,
        "fromState": row.state,
        "state": state.as_str(),
        "version": version,
        "revision": revision,
        "areaCode": row.area_code,
        "country": row.country,
    })
}

/// One step of a practice's audit trail.
struct Step<'a> {
    action: &'a str,
    from: Option<PracticeState>,
    to: PracticeState,
    note: &'a str,
    version: i32,
}

fn history_row(
    practice_id: &str,
    step: Step<'_>,
    actor: &Actor,
    at: DateTime<Utc>,
) -> practice_history::ActiveModel {
    practice_history::ActiveModel {
        practice_id: Set(practice_id.to_owned()),
        action: Set(step.action.to_owned()),
        from_state: Set(step.from.map(|s| s.as_str().to_owned())),
        to_state: Set(step.to.as_str().to_owned()),
        actor_subject: Set(actor.subject.clone()),
        actor_name: Set(actor.name.clone()),
        at: Set(at),
        note: Set(step.note.to_owned()),
        version: Set(step.version),
        ..Default::default()
    }
}

/// Everything the research service does.
#[derive(Clone)]
pub struct Research {
    db: DatabaseConnection,
    config: Config,
    clock: Clock,
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
    Claimed(DatabaseTransaction),
    /// An earlier call with the same input made this resource.
    Replay(String),
}

impl Research {
    /// The service over `db` (already migrated), on the wall clock.
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        Research {
            db,
            config,
            clock: Arc::new(Utc::now),
        }
    }

    /// The same service reading the time from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The database this service runs on.
    pub fn db(&self) -> &DatabaseConnection {
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
        let txn = self.db.begin().await?;
        let claimed = queries::insert_idempotency(
            &txn,
            &actor.subject,
            operation,
            key.as_str(),
            resource_id,
            fingerprint,
            self.now(),
        )
        .await
        .map_err(ResearchError::from);
        match claimed {
            Ok(()) => Ok(Claim::Claimed(txn)),
            Err(e) if is_unique_violation(&e) => {
                drop(txn);
                match self.replayed(actor, operation, key, fingerprint).await? {
                    Some(id) => Ok(Claim::Replay(id)),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
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
            Some(_) => Err(ResearchError::Conflict(format!(
                "idempotency key `{}` was already used with a different input",
                key.as_str()
            ))),
            None => Ok(None),
        }
    }

    async fn audit<C: ConnectionTrait>(
        c: &C,
        kind: &str,
        id: &str,
        action: &str,
        actor: &Actor,
        at: DateTime<Utc>,
        detail: serde_json::Value,
    ) -> Result<()> {
        queries::insert_audit(
            c,
            AuditRow {
                aggregate_type: kind,
                aggregate_id: id,
                action,
                actor_subject: &actor.subject,
                actor_name: &actor.name,
                at,
                detail: detail.clone(),
            },
        )
        .await?;
        queries::insert_outbox(c, id, action, &detail, at).await?;
        Ok(())
    }

    async fn require_areas<C: ConnectionTrait>(c: &C, codes: &[String], field: &str) -> Result<()> {
        for (i, code) in codes.iter().enumerate() {
            if !queries::lock_area(c, code, false).await? {
                let path = if codes.len() == 1 && !field.ends_with(']') && !field.ends_with('s') {
                    field.to_owned()
                } else {
                    format!("{field}[{i}]")
                };
                return Err(ResearchError::invalid(
                    &path,
                    format!("unknown research area `{code}`"),
                ));
            }
        }
        Ok(())
    }

    async fn require_organisation<C: ConnectionTrait>(
        c: &C,
        id: &str,
        field: &str,
    ) -> Result<organisation::Model> {
        organisation::Entity::find()
            .filter(organisation::Column::Id.eq(id))
            .one(c)
            .await?
            .ok_or_else(|| ResearchError::invalid(field, "unknown organisation"))
    }

    // ------------------------------------------------------------ vocabulary

    /// The area vocabulary in order, with each concept's published practice count.
    pub async fn list_areas(&self) -> Result<Vec<Area>> {
        let rows = research_area::Entity::find()
            .order_by_asc(research_area::Column::Position)
            .order_by_asc(research_area::Column::Code)
            .all(&self.db)
            .await?;
        let counts: Vec<(String, i64)> = practice::Entity::find()
            .select_only()
            .column(practice::Column::AreaCode)
            .column_as(Expr::col(practice::Column::Seq).count(), "n")
            .filter(practice::Column::State.eq(PracticeState::Published.as_str()))
            .group_by(practice::Column::AreaCode)
            .into_tuple()
            .all(&self.db)
            .await?;
        let counts: HashMap<String, i64> = counts.into_iter().collect();
        Ok(rows
            .into_iter()
            .map(|r| Area {
                practice_count: counts
                    .get(&r.code)
                    .map_or(0, |n| u64::try_from(*n).unwrap_or(0)),
                label: localized(&r.label_ko, &r.label_en, &r.label_zh, &r.label_ja),
                code: r.code,
                position: r.position,
            })
            .collect())
    }

    /// Adds a concept (bureau admin). CONFLICT when the code exists.
    pub async fn create_area(
        &self,
        caller: Option<&Caller>,
        code: &str,
        label: &LocalizedDraft,
    ) -> Result<Area> {
        let actor = require_admin(caller, "change the area vocabulary")?;
        let area = NewArea::parse(code, label)?;
        let now = self.now();
        let txn = self.db.begin().await?;
        if queries::lock_area(&txn, area.code.as_str(), true).await? {
            return Err(ResearchError::Conflict(format!(
                "area `{}` already exists",
                area.code.as_str()
            )));
        }
        let position: Option<i32> = research_area::Entity::find()
            .select_only()
            .column_as(Expr::col(research_area::Column::Position).max(), "m")
            .into_tuple()
            .one(&txn)
            .await?
            .flatten();
        let (ko, en, zh, ja) = area.label.clone().into_parts();
        let row = research_area::ActiveModel {
            code: Set(area.code.as_str().to_owned()),
            label_ko: Set(ko),
            label_en: Set(en),
            label_zh: Set(zh),
            label_ja: Set(ja),
            position: Set(position.unwrap_or(0) + 1),
            created_at: Set(now),
        };
        let inserted = research_area::Entity::insert(row)
            .exec_without_returning(&txn)
            .await;
        if let Err(e) = inserted {
            let e = ResearchError::from(e);
            return Err(if is_unique_violation(&e) {
                ResearchError::Conflict(format!("area `{}` already exists", area.code.as_str()))
            } else {
                e
            });
        }
        Self::audit(
            &txn,
            "research_area",
            area.code.as_str(),
            "ResearchAreaCreated",
            &actor,
            now,
            json!({ "code": area.code.as_str() }),
        )
        .await?;
        txn.commit().await?;
        self.list_areas()
            .await?
            .into_iter()
            .find(|a| a.code == area.code.as_str())
            .ok_or(ResearchError::NotFound("research area"))
    }

    /// Deletes a concept nothing uses (bureau admin); CONFLICT when a practice, contact or
    /// opportunity uses it. Safe against concurrent writes that start using it.
    pub async fn delete_area(&self, caller: Option<&Caller>, code: &str) -> Result<()> {
        let actor = require_admin(caller, "change the area vocabulary")?;
        let code = AreaCode::parse(code, "code")?;
        let now = self.now();
        let txn = self.db.begin().await?;
        if !queries::lock_area(&txn, code.as_str(), true).await? {
            return Err(ResearchError::NotFound("research area"));
        }
        let used = queries::area_usage(&txn, code.as_str()).await?;
        if used > 0 {
            return Err(ResearchError::Conflict(format!(
                "area `{}` is in use ({used} practices, contacts or opportunities)",
                code.as_str()
            )));
        }
        research_area::Entity::delete_by_id(code.as_str().to_owned())
            .exec(&txn)
            .await?;
        Self::audit(
            &txn,
            "research_area",
            code.as_str(),
            "ResearchAreaDeleted",
            &actor,
            now,
            json!({ "code": code.as_str() }),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    // ------------------------------------------------------------ practices

    /// Drafts a practice (bureau staff). Idempotent per (caller, key).
    pub async fn draft_practice(
        &self,
        caller: Option<&Caller>,
        idempotency_key: &str,
        draft: &PracticeDraft,
    ) -> Result<Practice> {
        let actor = require_staff(caller, "draft practices")?;
        let key = IdempotencyKey::parse(idempotency_key)?;
        let content = PracticeContent::parse(draft)?;
        let id = PracticeId::new();
        let fingerprint = format!("{content:?}");
        let txn = match self
            .claim(&actor, "draft_practice", &key, &fingerprint, &id.to_key())
            .await?
        {
            Claim::Replay(existing) => {
                let id = PracticeId::parse(&existing, "id").map_err(ResearchError::corrupt)?;
                return self.get_practice(caller, id, None).await;
            }
            Claim::Claimed(txn) => txn,
        };
        Self::check_references(&txn, &content).await?;
        let now = self.now();
        let mut row = practice::ActiveModel {
            id: Set(id.to_key()),
            state: Set(PracticeState::Draft.as_str().to_owned()),
            approved: Set(false),
            was_published: Set(false),
            version: Set(1),
            revision: Set(Revision::FIRST.get()),
            author_subject: Set(actor.subject.clone()),
            author_name: Set(actor.name.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            listed_at: Set(now),
            published_at: Set(None),
            withdrawn_at: Set(None),
            withdrawal_reason: Set(None),
            ..Default::default()
        };
        content_columns(&mut row, &content)?;
        practice::Entity::insert(row)
            .exec_without_returning(&txn)
            .await?;
        Self::insert_version(&txn, &id.to_key(), 1, &content, &actor, "", now).await?;
        practice_history::Entity::insert(history_row(
            &id.to_key(),
            Step {
                action: "draft",
                from: None,
                to: PracticeState::Draft,
                note: "",
                version: 1,
            },
            &actor,
            now,
        ))
        .exec_without_returning(&txn)
        .await?;
        queries::insert_outbox(
            &txn,
            &id.to_key(),
            "PracticeDrafted",
            &json!({ "id": id.to_key(), "state": "DRAFT", "version": 1, "revision": 1, "areaCode": content.area_code() }),
            now,
        )
        .await?;
        search::reindex(&txn, &id.to_key(), &doc_all(&content), &doc_en(&content)).await?;
        txn.commit().await?;
        tracing::info!(practice_id = %id, "practice drafted");
        self.get_practice(caller, id, None).await
    }

    async fn check_references<C: ConnectionTrait>(c: &C, content: &PracticeContent) -> Result<()> {
        Self::require_areas(c, &[content.area_code().to_owned()], "areaCode").await?;
        if let Some(org) = content.source_organisation_id() {
            Self::require_organisation(c, org, "sourceOrganisationId").await?;
        }
        Ok(())
    }

    async fn insert_version<C: ConnectionTrait>(
        c: &C,
        practice_id: &str,
        version: i32,
        content: &PracticeContent,
        actor: &Actor,
        note: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        practice_version::Entity::insert(practice_version::ActiveModel {
            practice_id: Set(practice_id.to_owned()),
            version: Set(version),
            content: Set(serde_json::to_string(content).map_err(ResearchError::corrupt)?),
            editor_subject: Set(actor.subject.clone()),
            note: Set(note.to_owned()),
            created_at: Set(at),
            ..Default::default()
        })
        .exec_without_returning(c)
        .await?;
        Ok(())
    }

    async fn practice_row<C: ConnectionTrait>(c: &C, id: PracticeId) -> Result<practice::Model> {
        practice::Entity::find()
            .filter(practice::Column::Id.eq(id.to_key()))
            .one(c)
            .await?
            .ok_or(ResearchError::NotFound("practice"))
    }

    fn check_revision(current: i64, seen: Revision) -> Result<()> {
        if current != seen.get() {
            return Err(ResearchError::StaleRevision { seen, current });
        }
        Ok(())
    }

    /// Writes `set` only when the stored revision is still `seen`; the stored revision
    /// goes up by one. A lost race is a stale revision, and nothing is written.
    async fn update_practice_if<C: ConnectionTrait>(
        c: &C,
        row: &practice::Model,
        mut set: practice::ActiveModel,
    ) -> Result<()> {
        set.revision = Set(row.revision + 1);
        let result = practice::Entity::update_many()
            .set(set)
            .filter(practice::Column::Id.eq(row.id.clone()))
            .filter(practice::Column::Revision.eq(row.revision))
            .exec(c)
            .await?;
        if result.rows_affected != 1 {
            let current = practice::Entity::find()
                .filter(practice::Column::Id.eq(row.id.clone()))
                .one(c)
                .await?
                .map_or(row.revision, |r| r.revision);
            return Err(ResearchError::StaleRevision {
                seen: Revision::parse(row.revision).map_err(ResearchError::corrupt)?,
                current,
            });
        }
        Ok(())
    }

    /// Edits a practice (bureau staff): a draft in place, a published practice into a new
    /// version (earlier versions stay readable).
    pub async fn update_practice(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        draft: &PracticeDraft,
        note: &str,
    ) -> Result<Practice> {
        let actor = require_staff(caller, "edit practices")?;
        let id = PracticeId::parse(id, "id")?;
        let seen = Revision::parse(revision)?;
        let content = PracticeContent::parse(draft)?;
        let note = bounded(note, "note", 0, 2_000)?;
        let row = Self::practice_row(&self.db, id).await?;
        Self::check_revision(row.revision, seen)?;
        let from = parse_state(&row.state)?;
        let next = transition(
            Stage {
                state: from,
                approved: row.approved,
            },
            PracticeAction::Edit,
        )?;
        let now = self.now();
        let txn = self.db.begin().await?;
        Self::check_references(&txn, &content).await?;
        let new_version = from == PracticeState::Published;
        let version = if new_version {
            row.version + 1
        } else {
            row.version
        };
        let mut set = practice::ActiveModel {
            approved: Set(next.approved),
            version: Set(version),
            updated_at: Set(now),
            ..Default::default()
        };
        content_columns(&mut set, &content)?;
        Self::update_practice_if(&txn, &row, set).await?;
        if new_version {
            Self::insert_version(&txn, &row.id, version, &content, &actor, &note, now).await?;
        } else {
            practice_version::Entity::update_many()
                .col_expr(
                    practice_version::Column::Content,
                    Expr::value(serde_json::to_string(&content).map_err(ResearchError::corrupt)?),
                )
                .col_expr(practice_version::Column::Note, Expr::value(note.clone()))
                .col_expr(
                    practice_version::Column::EditorSubject,
                    Expr::value(actor.subject.clone()),
                )
                .filter(practice_version::Column::PracticeId.eq(row.id.clone()))
                .filter(practice_version::Column::Version.eq(version))
                .exec(&txn)
                .await?;
        }
        practice_history::Entity::insert(history_row(
            &row.id,
            Step {
                action: "edit",
                from: Some(from),
                to: next.state,
                note: &note,
                version,
            },
            &actor,
            now,
        ))
        .exec_without_returning(&txn)
        .await?;
        queries::insert_outbox(
            &txn,
            &row.id,
            "PracticeEdited",
            &practice_event(&row, "edit", next.state, version, row.revision + 1),
            now,
        )
        .await?;
        search::reindex(&txn, &row.id, &doc_all(&content), &doc_en(&content)).await?;
        txn.commit().await?;
        self.get_practice(caller, id, None).await
    }

    /// Sends a draft to review (bureau staff).
    pub async fn submit_practice(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
    ) -> Result<Practice> {
        self.act(caller, id, revision, PracticeAction::Submit, "")
            .await
    }

    /// Reviews a practice in review (bureau staff other than its author): approve, or
    /// request changes with a note (back to DRAFT).
    pub async fn review_practice(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        approve: bool,
        note: &str,
    ) -> Result<Practice> {
        if approve {
            self.act(caller, id, revision, PracticeAction::Approve, note)
                .await
        } else {
            self.act(caller, id, revision, PracticeAction::RequestChanges, note)
                .await
        }
    }

    /// Publishes an approved practice (bureau staff).
    pub async fn publish_practice(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
    ) -> Result<Practice> {
        self.act(caller, id, revision, PracticeAction::Publish, "")
            .await
    }

    /// Withdraws a practice (bureau staff), with a reason; its id keeps answering with a
    /// tombstone.
    pub async fn withdraw_practice(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        reason: &str,
    ) -> Result<Practice> {
        self.act(caller, id, revision, PracticeAction::Withdraw, reason)
            .await
    }

    async fn act(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        action: PracticeAction,
        note: &str,
    ) -> Result<Practice> {
        let actor = require_staff(caller, &format!("{action} practices"))?;
        let id = PracticeId::parse(id, "id")?;
        let seen = Revision::parse(revision)?;
        let note = match action {
            PracticeAction::RequestChanges => bounded(note, "note", 1, 2_000)?,
            PracticeAction::Withdraw => bounded(note, "reason", 1, 2_000)?,
            _ => bounded(note, "note", 0, 2_000)?,
        };
        let row = Self::practice_row(&self.db, id).await?;
        let from = parse_state(&row.state)?;
        let next = transition(
            Stage {
                state: from,
                approved: row.approved,
            },
            action,
        )?;
        if matches!(
            action,
            PracticeAction::Approve | PracticeAction::RequestChanges
        ) && row.author_subject == actor.subject
        {
            return Err(ResearchError::Forbidden(
                "authors may not review their own practice".into(),
            ));
        }
        Self::check_revision(row.revision, seen)?;
        let now = self.now();
        let mut set = practice::ActiveModel {
            state: Set(next.state.as_str().to_owned()),
            approved: Set(next.approved),
            updated_at: Set(now),
            ..Default::default()
        };
        match action {
            PracticeAction::Publish => {
                set.published_at = Set(Some(now));
                set.was_published = Set(true);
                if !row.was_published {
                    set.listed_at = Set(now);
                }
            }
            PracticeAction::Withdraw => {
                set.withdrawn_at = Set(Some(now));
                set.withdrawal_reason = Set(Some(note.clone()));
            }
            _ => {}
        }
        let event = match action {
            PracticeAction::Submit => "PracticeSubmitted",
            PracticeAction::Approve => "PracticeApproved",
            PracticeAction::RequestChanges => "PracticeChangesRequested",
            PracticeAction::Publish => "PracticePublished",
            PracticeAction::Withdraw => "PracticeWithdrawn",
            PracticeAction::Edit => "PracticeEdited",
        };
        let txn = self.db.begin().await?;
        Self::update_practice_if(&txn, &row, set).await?;
        practice_history::Entity::insert(history_row(
            &row.id,
            Step {
                action: action.as_str(),
                from: Some(from),
                to: next.state,
                note: &note,
                version: row.version,
            },
            &actor,
            now,
        ))
        .exec_without_returning(&txn)
        .await?;
        queries::insert_outbox(
            &txn,
            &row.id,
            event,
            &practice_event(
                &row,
                action.as_str(),
                next.state,
                row.version,
                row.revision + 1,
            ),
            now,
        )
        .await?;
        txn.commit().await?;
        tracing::info!(practice_id = %id, action = %action, state = %next.state, "practice changed");
        self.get_practice(caller, id, None).await
    }

    /// May the viewer see this practice, and only as a tombstone?
    fn practice_access(viewer: &Viewer, row: &practice::Model) -> Option<bool> {
        match (viewer, row.state.as_str()) {
            (Viewer::Staff, _) => Some(false),
            (_, "PUBLISHED") => Some(false),
            (_, "WITHDRAWN") if row.was_published => Some(true),
            _ => None,
        }
    }

    /// One practice (its current version, or `version`) the caller may see; a withdrawn
    /// one answers as a tombstone to everyone but bureau staff.
    pub async fn get_practice(
        &self,
        caller: Option<&Caller>,
        id: PracticeId,
        version: Option<i32>,
    ) -> Result<Practice> {
        let viewer = viewer_of(caller);
        let row = Self::practice_row(&self.db, id).await?;
        let Some(tombstone) = Self::practice_access(&viewer, &row) else {
            return Err(ResearchError::NotFound("practice"));
        };
        let versions = practice_version::Entity::find()
            .filter(practice_version::Column::PracticeId.eq(row.id.clone()))
            .order_by_asc(practice_version::Column::Version)
            .all(&self.db)
            .await?;
        let shown = match version {
            None => None,
            Some(v) if v == row.version => None,
            Some(v) => Some(
                versions
                    .iter()
                    .find(|r| r.version == v)
                    .ok_or(ResearchError::NotFound("practice version"))?,
            ),
        };
        let content_override = shown
            .map(|v| {
                serde_json::from_str::<PracticeContent>(&v.content).map_err(ResearchError::corrupt)
            })
            .transpose()?;
        let history = if viewer == Viewer::Staff {
            practice_history::Entity::find()
                .filter(practice_history::Column::PracticeId.eq(row.id.clone()))
                .order_by_asc(practice_history::Column::Seq)
                .all(&self.db)
                .await?
                .into_iter()
                .map(|h| {
                    Ok(PracticeHistoryEntry {
                        from_state: h.from_state.as_deref().map(parse_state).transpose()?,
                        to_state: parse_state(&h.to_state)?,
                        action: h.action,
                        actor_subject: h.actor_subject,
                        actor_name: h.actor_name,
                        at: h.at,
                        note: h.note,
                        version: h.version,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        let mut view = Self::practice_view(row, tombstone)?;
        if let Some((content, info)) = content_override.zip(shown) {
            view.content = if tombstone {
                content.tombstone()
            } else {
                content
            };
            view.version = info.version;
        }
        view.history = history;
        view.versions = versions
            .into_iter()
            .map(|v| PracticeVersionInfo {
                version: v.version,
                created_at: v.created_at,
                editor_subject: v.editor_subject,
                note: v.note,
            })
            .collect();
        Ok(view)
    }

    fn practice_view(row: practice::Model, tombstone: bool) -> Result<Practice> {
        let content: PracticeContent =
            serde_json::from_str(&row.content).map_err(ResearchError::corrupt)?;
        Ok(Practice {
            id: PracticeId::parse(&row.id, "id").map_err(ResearchError::corrupt)?,
            version: row.version,
            latest_version: row.version,
            revision: Revision::parse(row.revision).map_err(ResearchError::corrupt)?,
            state: parse_state(&row.state)?,
            approved: row.approved,
            tombstone,
            content: if tombstone {
                content.tombstone()
            } else {
                content
            },
            author_subject: row.author_subject,
            author_name: row.author_name,
            created_at: row.created_at,
            updated_at: row.updated_at,
            published_at: row.published_at,
            withdrawn_at: row.withdrawn_at,
            withdrawal_reason: row.withdrawal_reason,
            history: Vec::new(),
            versions: Vec::new(),
        })
    }

    /// Current versions of several practices, in the order asked, leaving out those the
    /// caller may not see (and ids that do not parse).
    pub async fn batch_get_practices(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<Practice>> {
        let viewer = viewer_of(caller);
        let keys: Vec<String> = ids
            .iter()
            .filter_map(|i| PracticeId::parse(i, "ids").ok().map(PracticeId::to_key))
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let rows = practice::Entity::find()
            .filter(practice::Column::Id.is_in(keys.clone()))
            .all(&self.db)
            .await?;
        let mut by_id = HashMap::new();
        for row in rows {
            if let Some(tombstone) = Self::practice_access(&viewer, &row) {
                by_id.insert(row.id.clone(), Self::practice_view(row, tombstone)?);
            }
        }
        Ok(keys.iter().filter_map(|k| by_id.get(k).cloned()).collect())
    }

    /// Ranked full-text search (newest first without a query), with facet counts over the
    /// whole result set.
    pub async fn search_practices(
        &self,
        caller: Option<&Caller>,
        s: &PracticeSearch,
    ) -> Result<PracticePage> {
        let viewer = viewer_of(caller);
        let query = bounded(&s.query, "search", 0, 200)?;
        let terms: Vec<String> = query.split_whitespace().map(str::to_owned).collect();
        if terms.len() > 10 {
            return Err(ResearchError::invalid("search", "at most 10 words"));
        }
        let f = &s.filter;
        let states: Vec<&'static str> = if f.states.is_empty() {
            vec![PracticeState::Published.as_str()]
        } else {
            if viewer != Viewer::Staff && f.states.iter().any(|st| *st != PracticeState::Published)
            {
                return Err(ResearchError::Forbidden(
                    "only bureau staff may list unpublished practices".into(),
                ));
            }
            f.states.iter().map(|st| st.as_str()).collect()
        };
        let parse_all =
            |items: &[String],
             field: &str,
             parse: &dyn Fn(&str, &str) -> Result<String, InvalidInput>| {
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| parse(v, &format!("filter.{field}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()
            };
        let areas = parse_all(&f.area_codes, "areaCodes", &|v, p| {
            AreaCode::parse(v, p).map(|c| c.as_str().to_owned())
        })?;
        let countries = parse_all(&f.countries, "countries", &|v, p| {
            CountryCode::parse(v, p).map(|c| c.as_str().to_owned())
        })?;
        let languages = f
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| Lang::parse(l, &format!("filter.languages[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some((i, _)) = f
            .years
            .iter()
            .enumerate()
            .find(|(_, y)| !(1900..=2100).contains(*y))
        {
            return Err(ResearchError::invalid(
                &format!("filter.years[{i}]"),
                "must be between 1900 and 2100",
            ));
        }
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let local_government_code = opt(&f.local_government_code)
            .map(|c| {
                LocalGovernmentCode::parse(&c, "filter.localGovernmentCode")
                    .map(|c| c.as_str().to_owned())
            })
            .transpose()?;
        let source_organisation_id = opt(&f.source_organisation_id)
            .map(|c| {
                OrganisationId::parse(&c, "filter.sourceOrganisationId").map(OrganisationId::to_key)
            })
            .transpose()?;
        let tag = opt(&f.tag)
            .map(|t| Tag::parse(&t, "filter.tag").map(|t| t.as_str().to_owned()))
            .transpose()?;
        let (offset, first) = self.window(&s.page)?;
        let by_rank = match s.sort {
            PracticeSort::Relevance => true,
            PracticeSort::Newest => false,
            PracticeSort::Default => !terms.is_empty(),
        };
        let q = SearchQuery {
            terms,
            states,
            areas,
            countries,
            years: f.years.clone(),
            languages,
            local_government_code,
            source_organisation_id,
            tag,
            by_rank,
            offset,
            limit: first + 1,
        };
        let ids = search::page(&self.db, &q).await?;
        let facets = search::facets(&self.db, &q).await?;
        let rows = if ids.is_empty() {
            Vec::new()
        } else {
            practice::Entity::find()
                .filter(practice::Column::Id.is_in(ids.clone()))
                .all(&self.db)
                .await?
        };
        let mut by_id: HashMap<String, practice::Model> =
            rows.into_iter().map(|r| (r.id.clone(), r)).collect();
        let items = ids
            .iter()
            .filter_map(|id| by_id.remove(id))
            .map(|r| Self::practice_view(r, false))
            .collect::<Result<Vec<_>>>()?;
        let fc = |(value, count): (String, u64)| FacetCount { value, count };
        Ok(PracticePage {
            page: Self::paged(items, offset, first, facets.total),
            facets: Facets {
                areas: facets.areas.into_iter().map(fc).collect(),
                countries: facets.countries.into_iter().map(fc).collect(),
                years: facets
                    .years
                    .into_iter()
                    .map(|(y, count)| FacetCount {
                        value: y.to_string(),
                        count,
                    })
                    .collect(),
                languages: facets
                    .languages
                    .into_iter()
                    .map(|(l, count)| FacetCount {
                        value: l.as_str().to_owned(),
                        count,
                    })
                    .collect(),
            },
        })
    }

    // ------------------------------------------------------------ organisations

    /// Adds a partner organisation with its contacts (bureau staff). Idempotent per key.
    pub async fn create_organisation(
        &self,
        caller: Option<&Caller>,
        idempotency_key: &str,
        draft: &OrganisationDraft,
    ) -> Result<Organisation> {
        let actor = require_staff(caller, "add organisations")?;
        let key = IdempotencyKey::parse(idempotency_key)?;
        let org = NewOrganisation::parse(draft)?;
        let id = OrganisationId::new();
        let txn = match self
            .claim(
                &actor,
                "create_organisation",
                &key,
                &format!("{org:?}"),
                &id.to_key(),
            )
            .await?
        {
            Claim::Replay(existing) => return self.organisation(caller, &existing).await,
            Claim::Claimed(txn) => txn,
        };
        for (i, c) in org.contacts.iter().enumerate() {
            Self::require_areas(
                &txn,
                c.expertise_area_codes(),
                &format!("contacts[{i}].expertiseAreaCodes"),
            )
            .await?;
        }
        let now = self.now();
        let (name_ko, name_en, name_zh, name_ja) = org.name.clone().into_parts();
        let (d_ko, d_en, d_zh, d_ja) = org.description.clone().into_parts();
        organisation::Entity::insert(organisation::ActiveModel {
            id: Set(id.to_key()),
            kind: Set(org.kind.as_str().to_owned()),
            name_ko: Set(name_ko),
            name_en: Set(name_en),
            name_zh: Set(name_zh),
            name_ja: Set(name_ja),
            original_language: Set(org.original_language.as_str().to_owned()),
            country: Set(org.country.clone()),
            city: Set(org.city.clone()),
            languages: Set(join_list(&org.languages)),
            website: Set(org.website.clone()),
            description_ko: Set(d_ko),
            description_en: Set(d_en),
            description_zh: Set(d_zh),
            description_ja: Set(d_ja),
            public: Set(org.public),
            created_at: Set(now),
            updated_at: Set(now),
            revision: Set(1),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        for c in &org.contacts {
            Self::insert_contact(&txn, &id.to_key(), c, now).await?;
        }
        Self::audit(&txn, "organisation", &id.to_key(), "OrganisationCreated", &actor, now, json!({
            "id": id.to_key(), "kind": org.kind.as_str(), "country": org.country, "public": org.public,
        })).await?;
        txn.commit().await?;
        self.organisation(caller, &id.to_key()).await
    }

    async fn insert_contact<C: ConnectionTrait>(
        c: &C,
        org_id: &str,
        contact: &NewContact,
        at: DateTime<Utc>,
    ) -> Result<String> {
        let id = ContactId::new().to_key();
        contact::Entity::insert(contact::ActiveModel {
            id: Set(id.clone()),
            organisation_id: Set(org_id.to_owned()),
            name: Set(contact.name.clone()),
            position: Set(contact.position.clone()),
            languages: Set(join_list(&contact.languages)),
            expertise: Set(join_list(&contact.expertise_area_codes)),
            email: Set(contact.email.clone()),
            phone: Set(contact.phone.clone()),
            created_at: Set(at),
            ..Default::default()
        })
        .exec_without_returning(c)
        .await?;
        Ok(id)
    }

    /// Adds a contact to an organisation (bureau staff).
    pub async fn add_contact(
        &self,
        caller: Option<&Caller>,
        organisation_id: &str,
        draft: &ContactDraft,
    ) -> Result<Organisation> {
        let actor = require_staff(caller, "add contacts")?;
        let org_id = OrganisationId::parse(organisation_id, "organisationId")?;
        let new = NewContact::parse(draft, "contact")?;
        let now = self.now();
        let txn = self.db.begin().await?;
        organisation::Entity::find()
            .filter(organisation::Column::Id.eq(org_id.to_key()))
            .one(&txn)
            .await?
            .ok_or(ResearchError::NotFound("organisation"))?;
        Self::require_areas(
            &txn,
            new.expertise_area_codes(),
            "contact.expertiseAreaCodes",
        )
        .await?;
        let contact_id = Self::insert_contact(&txn, &org_id.to_key(), &new, now).await?;
        organisation::Entity::update_many()
            .col_expr(
                organisation::Column::Revision,
                Expr::col(organisation::Column::Revision).add(1),
            )
            .col_expr(organisation::Column::UpdatedAt, Expr::value(now))
            .filter(organisation::Column::Id.eq(org_id.to_key()))
            .exec(&txn)
            .await?;
        Self::audit(
            &txn,
            "organisation",
            &org_id.to_key(),
            "ContactAdded",
            &actor,
            now,
            json!({
                "id": org_id.to_key(), "contactId": contact_id,
            }),
        )
        .await?;
        txn.commit().await?;
        self.organisation(caller, &org_id.to_key()).await
    }

    async fn organisation(&self, caller: Option<&Caller>, id: &str) -> Result<Organisation> {
        self.batch_get_organisations(caller, &[id.to_owned()])
            .await?
            .pop()
            .ok_or(ResearchError::NotFound("organisation"))
    }

    /// Several organisations, in the order asked, leaving out those the caller may not see.
    pub async fn batch_get_organisations(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<Organisation>> {
        let viewer = viewer_of(caller);
        let keys: Vec<String> = ids
            .iter()
            .filter_map(|i| {
                OrganisationId::parse(i, "ids")
                    .ok()
                    .map(OrganisationId::to_key)
            })
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut q =
            organisation::Entity::find().filter(organisation::Column::Id.is_in(keys.clone()));
        if viewer != Viewer::Staff {
            q = q.filter(organisation::Column::Public.eq(true));
        }
        let rows = q.all(&self.db).await?;
        let views = self.organisation_views(&viewer, rows).await?;
        let by_id: HashMap<String, Organisation> =
            views.into_iter().map(|o| (o.id.to_key(), o)).collect();
        Ok(keys.iter().filter_map(|k| by_id.get(k).cloned()).collect())
    }

    /// A page of the organisations the caller may see, in the order they were added.
    pub async fn list_organisations(
        &self,
        caller: Option<&Caller>,
        filter: &OrganisationFilter,
        page: &PageRequest,
    ) -> Result<Page<Organisation>> {
        let viewer = viewer_of(caller);
        let (offset, first) = self.window(page)?;
        let mut cond = Condition::all();
        if viewer != Viewer::Staff {
            cond = cond.add(organisation::Column::Public.eq(true));
        }
        if !filter.kinds.is_empty() {
            cond =
                cond.add(organisation::Column::Kind.is_in(filter.kinds.iter().map(|k| k.as_str())));
        }
        if !filter.country.trim().is_empty() {
            let country = CountryCode::parse(&filter.country, "filter.country")?;
            cond = cond.add(organisation::Column::Country.eq(country.as_str()));
        }
        let name = bounded(&filter.name_contains, "filter.nameContains", 0, 100)?;
        if !name.is_empty() {
            let pattern = contains_pattern(&name.to_lowercase());
            let mut any = Condition::any();
            for column in [
                organisation::Column::NameKo,
                organisation::Column::NameEn,
                organisation::Column::NameZh,
                organisation::Column::NameJa,
            ] {
                any = any.add(
                    Expr::expr(Func::lower(Expr::col(column)))
                        .like(LikeExpr::new(pattern.clone()).escape('!')),
                );
            }
            cond = cond.add(any);
        }
        let total = organisation::Entity::find()
            .filter(cond.clone())
            .count(&self.db)
            .await?;
        let rows = organisation::Entity::find()
            .filter(cond)
            .order_by_asc(organisation::Column::Seq)
            .offset(offset)
            .limit(first + 1)
            .all(&self.db)
            .await?;
        let items = self.organisation_views(&viewer, rows).await?;
        Ok(Self::paged(items, offset, first, total))
    }

    async fn organisation_views(
        &self,
        viewer: &Viewer,
        rows: Vec<organisation::Model>,
    ) -> Result<Vec<Organisation>> {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let mut contacts: HashMap<String, Vec<Contact>> = HashMap::new();
        if !ids.is_empty() {
            for c in contact::Entity::find()
                .filter(contact::Column::OrganisationId.is_in(ids))
                .order_by_asc(contact::Column::Seq)
                .all(&self.db)
                .await?
            {
                let staff = *viewer == Viewer::Staff;
                contacts
                    .entry(c.organisation_id.clone())
                    .or_default()
                    .push(Contact {
                        id: ContactId::parse(&c.id, "id").map_err(ResearchError::corrupt)?,
                        name: c.name,
                        position: c.position,
                        languages: split_list(&c.languages),
                        expertise_area_codes: split_list(&c.expertise),
                        email: staff.then_some(c.email),
                        phone: staff.then_some(c.phone),
                    });
            }
        }
        rows.into_iter()
            .map(|r| {
                Ok(Organisation {
                    id: OrganisationId::parse(&r.id, "id").map_err(ResearchError::corrupt)?,
                    kind: OrganisationKind::parse(&r.kind).map_err(ResearchError::corrupt)?,
                    name: localized(&r.name_ko, &r.name_en, &r.name_zh, &r.name_ja),
                    original_language: Lang::parse(&r.original_language, "originalLanguage")
                        .map_err(ResearchError::corrupt)?,
                    description: localized(
                        &r.description_ko,
                        &r.description_en,
                        &r.description_zh,
                        &r.description_ja,
                    ),
                    languages: split_list(&r.languages),
                    contacts: contacts.remove(&r.id).unwrap_or_default(),
                    revision: Revision::parse(r.revision).map_err(ResearchError::corrupt)?,
                    country: r.country,
                    city: r.city,
                    website: r.website,
                    public: r.public,
                    created_at: r.created_at,
                })
            })
            .collect()
    }

    // ------------------------------------------------------------ relationships

    fn relationship_visible(viewer: &Viewer, row: &relationship::Model) -> bool {
        match viewer {
            Viewer::Staff => true,
            Viewer::Official(org) if *org == row.local_government_code => true,
            _ => RelationshipStatus::parse(&row.status).is_ok_and(RelationshipStatus::is_public),
        }
    }

    /// Records a relationship between a Korean local government and a foreign one (bureau
    /// staff). One live relationship of a kind per pair: a duplicate is CONFLICT.
    pub async fn create_relationship(
        &self,
        caller: Option<&Caller>,
        idempotency_key: &str,
        draft: &RelationshipDraft,
    ) -> Result<Relationship> {
        let actor = require_staff(caller, "record relationships")?;
        let key = IdempotencyKey::parse(idempotency_key)?;
        let kind = draft
            .kind
            .ok_or_else(|| ResearchError::invalid("kind", "is required"))?;
        let lg = LocalGovernmentCode::parse(&draft.local_government_code, "localGovernmentCode")?;
        let partner =
            OrganisationId::parse(&draft.partner_organisation_id, "partnerOrganisationId")?;
        let status = draft.status.unwrap_or(RelationshipStatus::Proposed);
        if !matches!(
            status,
            RelationshipStatus::Proposed | RelationshipStatus::Active
        ) {
            return Err(ResearchError::invalid(
                "status",
                "a new relationship is PROPOSED or ACTIVE",
            ));
        }
        let signed_on = IsoDate::parse_optional(&draft.signed_on, "signedOn")?;
        let note = bounded(&draft.note, "note", 0, 2_000)?;
        let fingerprint = format!("{kind:?}|{lg:?}|{partner}|{status:?}|{signed_on:?}|{note}");
        let id = RelationshipId::new();
        let txn = match self
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
            Claim::Claimed(txn) => txn,
        };
        let org =
            Self::require_organisation(&txn, &partner.to_key(), "partnerOrganisationId").await?;
        if org.kind != OrganisationKind::ForeignLocalGovernment.as_str() {
            return Err(ResearchError::invalid(
                "partnerOrganisationId",
                "is not a foreign local government",
            ));
        }
        let now = self.now();
        let inserted = relationship::Entity::insert(relationship::ActiveModel {
            id: Set(id.to_key()),
            kind: Set(kind.as_str().to_owned()),
            status: Set(status.as_str().to_owned()),
            local_government_code: Set(lg.as_str().to_owned()),
            partner_organisation_id: Set(partner.to_key()),
            live_key: Set("open".into()),
            signed_on: Set(signed_on.map(|d| d.to_string())),
            ended_on: Set(None),
            note: Set(note),
            created_at: Set(now),
            updated_at: Set(now),
            revision: Set(1),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await
        .map_err(ResearchError::from);
        match inserted {
            Err(e) if is_unique_violation(&e) => {
                return Err(ResearchError::Conflict(format!(
                    "{lg} already has a live {kind} relationship with this partner",
                    lg = lg.as_str()
                )));
            }
            other => other?,
        };
        Self::audit(
            &txn,
            "relationship",
            &id.to_key(),
            "RelationshipCreated",
            &actor,
            now,
            json!({
                "id": id.to_key(), "kind": kind.as_str(), "status": status.as_str(),
                "localGovernmentCode": lg.as_str(), "partnerOrganisationId": partner.to_key(),
            }),
        )
        .await?;
        txn.commit().await?;
        self.relationship(caller, &id.to_key()).await
    }

    /// Moves a relationship to another status (bureau staff), quoting its revision.
    pub async fn set_relationship_status(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        status: Option<RelationshipStatus>,
        on: &str,
        note: &str,
    ) -> Result<Relationship> {
        let actor = require_staff(caller, "change relationships")?;
        let id = RelationshipId::parse(id, "id")?;
        let seen = Revision::parse(revision)?;
        let to = status.ok_or_else(|| ResearchError::invalid("status", "is required"))?;
        let on = IsoDate::parse_optional(on, "on")?;
        let note = bounded(note, "note", 0, 2_000)?;
        let row = relationship::Entity::find()
            .filter(relationship::Column::Id.eq(id.to_key()))
            .one(&self.db)
            .await?
            .ok_or(ResearchError::NotFound("relationship"))?;
        let from = RelationshipStatus::parse(&row.status).map_err(ResearchError::corrupt)?;
        if !from.can_become(to) {
            return Err(ResearchError::Conflict(format!(
                "cannot move a relationship from {from} to {to}"
            )));
        }
        Self::check_revision(row.revision, seen)?;
        let now = self.now();
        let day = on.map_or_else(
            || now.date_naive().format("%Y-%m-%d").to_string(),
            |d| d.to_string(),
        );
        let mut set = relationship::ActiveModel {
            status: Set(to.as_str().to_owned()),
            updated_at: Set(now),
            revision: Set(row.revision + 1),
            ..Default::default()
        };
        if !note.is_empty() {
            set.note = Set(note.clone());
        }
        match to {
            RelationshipStatus::Active if row.signed_on.is_none() || on.is_some() => {
                set.signed_on = Set(Some(day))
            }
            RelationshipStatus::Ended => {
                set.ended_on = Set(Some(day));
                set.live_key = Set(row.id.clone());
            }
            _ => {}
        }
        let txn = self.db.begin().await?;
        let result = relationship::Entity::update_many()
            .set(set)
            .filter(relationship::Column::Id.eq(row.id.clone()))
            .filter(relationship::Column::Revision.eq(row.revision))
            .exec(&txn)
            .await?;
        if result.rows_affected != 1 {
            return Err(ResearchError::StaleRevision {
                seen,
                current: row.revision + 1,
            });
        }
        Self::audit(
            &txn,
            "relationship",
            &row.id,
            "RelationshipStatusChanged",
            &actor,
            now,
            json!({
                "id": row.id, "from": from.as_str(), "status": to.as_str(), "note": note,
            }),
        )
        .await?;
        txn.commit().await?;
        self.relationship(caller, &id.to_key()).await
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
        let rows: Vec<_> = relationship::Entity::find()
            .filter(relationship::Column::Id.is_in(keys.clone()))
            .all(&self.db)
            .await?
            .into_iter()
            .filter(|r| Self::relationship_visible(&viewer, r))
            .collect();
        let views = self.relationship_views(rows).await?;
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
        let mut cond = Condition::all();
        let public: Vec<&str> = RelationshipStatus::ALL
            .iter()
            .filter(|s| s.is_public())
            .map(|s| s.as_str())
            .collect();
        match &viewer {
            Viewer::Staff => {}
            Viewer::Official(org) => {
                cond = cond.add(
                    Condition::any()
                        .add(relationship::Column::Status.is_in(public))
                        .add(relationship::Column::LocalGovernmentCode.eq(org.as_str())),
                );
            }
            _ => cond = cond.add(relationship::Column::Status.is_in(public)),
        }
        if !filter.local_government_code.trim().is_empty() {
            let lg = LocalGovernmentCode::parse(
                &filter.local_government_code,
                "filter.localGovernmentCode",
            )?;
            cond = cond.add(relationship::Column::LocalGovernmentCode.eq(lg.as_str()));
        }
        if !filter.partner_organisation_id.trim().is_empty() {
            let org = OrganisationId::parse(
                &filter.partner_organisation_id,
                "filter.partnerOrganisationId",
            )?;
            cond = cond.add(relationship::Column::PartnerOrganisationId.eq(org.to_key()));
        }
        if !filter.kinds.is_empty() {
            cond =
                cond.add(relationship::Column::Kind.is_in(filter.kinds.iter().map(|k| k.as_str())));
        }
        if !filter.statuses.is_empty() {
            cond = cond.add(
                relationship::Column::Status.is_in(filter.statuses.iter().map(|s| s.as_str())),
            );
        }
        let total = relationship::Entity::find()
            .filter(cond.clone())
            .count(&self.db)
            .await?;
        let rows = relationship::Entity::find()
            .filter(cond)
            .order_by_asc(relationship::Column::Seq)
            .offset(offset)
            .limit(first + 1)
            .all(&self.db)
            .await?;
        let items = self.relationship_views(rows).await?;
        Ok(Self::paged(items, offset, first, total))
    }

    async fn relationship_views(
        &self,
        rows: Vec<relationship::Model>,
    ) -> Result<Vec<Relationship>> {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let counts = self.interaction_counts(ids).await?;
        rows.into_iter()
            .map(|r| {
                Ok(Relationship {
                    id: RelationshipId::parse(&r.id, "id").map_err(ResearchError::corrupt)?,
                    kind: RelationshipKind::parse(&r.kind).map_err(ResearchError::corrupt)?,
                    status: RelationshipStatus::parse(&r.status).map_err(ResearchError::corrupt)?,
                    revision: Revision::parse(r.revision).map_err(ResearchError::corrupt)?,
                    interaction_count: counts.get(&r.id).copied().unwrap_or(0),
                    local_government_code: r.local_government_code,
                    partner_organisation_id: r.partner_organisation_id,
                    signed_on: r.signed_on,
                    ended_on: r.ended_on,
                    note: r.note,
                    created_at: r.created_at,
                })
            })
            .collect()
    }

    /// How many entries each of the relationships' logs has (absent: none), in one query.
    async fn interaction_counts(&self, ids: Vec<String>) -> Result<HashMap<String, u64>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(interaction::Entity::find()
            .select_only()
            .column(interaction::Column::RelationshipId)
            .column_as(Expr::col(interaction::Column::Seq).count(), "n")
            .filter(interaction::Column::RelationshipId.is_in(ids))
            .group_by(interaction::Column::RelationshipId)
            .into_tuple::<(String, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
            .collect())
    }

    /// The relationship if the caller may read and write its log: bureau staff, or an
    /// official of its Korean local government. Others: NOT_FOUND when they cannot even see
    /// the relationship, FORBIDDEN when they can.
    async fn log_access(&self, caller: Option<&Caller>, id: &str) -> Result<relationship::Model> {
        let key = Self::log_key(caller, id)?;
        let row = relationship::Entity::find()
            .filter(relationship::Column::Id.eq(key))
            .one(&self.db)
            .await?;
        Self::log_readable(&viewer_of(caller), row)
    }

    /// The first checks of [`Self::log_access`], before any read: a signed-in caller and a
    /// relationship id that parses (its stored key).
    fn log_key(caller: Option<&Caller>, id: &str) -> Result<String> {
        if caller.is_none() {
            return Err(ResearchError::Unauthenticated);
        }
        Ok(RelationshipId::parse(id, "relationshipId")?.to_key())
    }

    /// The rest of [`Self::log_access`], on the relationship's row (`None`: no such row).
    fn log_readable(
        viewer: &Viewer,
        row: Option<relationship::Model>,
    ) -> Result<relationship::Model> {
        let row = row
            .filter(|r| Self::relationship_visible(viewer, r))
            .ok_or(ResearchError::NotFound("relationship"))?;
        match viewer {
            Viewer::Staff => Ok(row),
            Viewer::Official(org) if *org == row.local_government_code => Ok(row),
            _ => Err(ResearchError::Forbidden(
                "the interaction log is for bureau staff and the local government concerned".into(),
            )),
        }
    }

    /// Records a meeting, visit or exchange in a relationship's log (bureau staff, or an
    /// official of its Korean local government). Idempotent per key.
    pub async fn record_interaction(
        &self,
        caller: Option<&Caller>,
        idempotency_key: &str,
        draft: &InteractionDraft,
    ) -> Result<Interaction> {
        let actor = actor_of(caller)?;
        let key = IdempotencyKey::parse(idempotency_key)?;
        let kind = draft
            .kind
            .ok_or_else(|| ResearchError::invalid("kind", "is required"))?;
        let occurred_on = IsoDate::parse(&draft.occurred_on, "occurredOn")?;
        let summary = bounded(&draft.summary, "summary", 1, 5_000)?;
        let rel = self.log_access(caller, &draft.relationship_id).await?;
        if rel.status == RelationshipStatus::Ended.as_str() {
            return Err(ResearchError::Conflict("the relationship has ended".into()));
        }
        let id = InteractionId::new();
        let fingerprint = format!("{}|{kind:?}|{occurred_on}|{summary}", rel.id);
        let txn = match self
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
            Claim::Claimed(txn) => txn,
        };
        let now = self.now();
        interaction::Entity::insert(interaction::ActiveModel {
            id: Set(id.to_key()),
            relationship_id: Set(rel.id.clone()),
            kind: Set(kind.as_str().to_owned()),
            occurred_on: Set(occurred_on.to_string()),
            summary: Set(summary),
            recorded_by_subject: Set(actor.subject.clone()),
            recorded_by_name: Set(actor.name.clone()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        Self::audit(&txn, "relationship", &rel.id, "InteractionRecorded", &actor, now, json!({
            "id": id.to_key(), "relationshipId": rel.id, "kind": kind.as_str(), "occurredOn": occurred_on.to_string(),
        })).await?;
        txn.commit().await?;
        self.interaction(&id.to_key()).await
    }

    async fn interaction(&self, id: &str) -> Result<Interaction> {
        let row = interaction::Entity::find()
            .filter(interaction::Column::Id.eq(id))
            .one(&self.db)
            .await?
            .ok_or(ResearchError::NotFound("interaction"))?;
        Self::interaction_view(row)
    }

    fn interaction_view(r: interaction::Model) -> Result<Interaction> {
        Ok(Interaction {
            id: InteractionId::parse(&r.id, "id").map_err(ResearchError::corrupt)?,
            kind: InteractionKind::parse(&r.kind).map_err(ResearchError::corrupt)?,
            relationship_id: r.relationship_id,
            occurred_on: r.occurred_on,
            summary: r.summary,
            recorded_by_subject: r.recorded_by_subject,
            recorded_by_name: r.recorded_by_name,
            created_at: r.created_at,
        })
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
        let q = interaction::Entity::find().filter(interaction::Column::RelationshipId.eq(rel.id));
        let total = q.clone().count(&self.db).await?;
        let rows = q
            .order_by_desc(interaction::Column::OccurredOn)
            .order_by_desc(interaction::Column::Seq)
            .offset(offset)
            .limit(first + 1)
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(Self::interaction_view)
            .collect::<Result<Vec<_>>>()?;
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
            return Err(ResearchError::invalid(
                "relationshipIds",
                format!("at most {MAX_BATCH_IDS} ids per call"),
            ));
        }
        let (offset, first) = self.window(&PageRequest { first, after: None })?;
        let viewer = viewer_of(caller);
        let keys: Vec<Result<String>> = relationship_ids
            .iter()
            .map(|id| Self::log_key(caller, id))
            .collect();
        let wanted = distinct(keys.iter().filter_map(|k| k.as_ref().ok()));
        let rows: HashMap<String, relationship::Model> = if wanted.is_empty() {
            HashMap::new()
        } else {
            relationship::Entity::find()
                .filter(relationship::Column::Id.is_in(wanted))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect()
        };
        let access: Vec<Result<String>> = keys
            .into_iter()
            .map(|key| Self::log_readable(&viewer, rows.get(&key?).cloned()).map(|r| r.id))
            .collect();
        let readable = distinct(access.iter().filter_map(|k| k.as_ref().ok()));
        let mut entries: HashMap<String, Vec<interaction::Model>> = HashMap::new();
        for row in queries::latest_interactions(&self.db, &readable, first + 1).await? {
            entries
                .entry(row.relationship_id.clone())
                .or_default()
                .push(row);
        }
        let counts = self.interaction_counts(readable).await?;
        relationship_ids
            .iter()
            .zip(access)
            .map(|(asked, access)| {
                let page = match access {
                    Err(e) => Err(e),
                    Ok(key) => {
                        let items = entries
                            .get(&key)
                            .into_iter()
                            .flatten()
                            .cloned()
                            .map(Self::interaction_view)
                            .collect::<Result<Vec<_>>>()?;
                        let total = counts.get(&key).copied().unwrap_or(0);
                        Ok(Self::paged(items, offset, first, total))
                    }
                };
                Ok(InteractionLog {
                    relationship_id: asked.clone(),
                    page,
                })
            })
            .collect()
    }

    // ------------------------------------------------------------ opportunities

    fn opportunity_visible(
        viewer: &Viewer,
        subject: Option<&str>,
        row: &opportunity::Model,
    ) -> bool {
        *viewer == Viewer::Staff
            || subject == Some(row.proposer_subject.as_str())
            || OpportunityStatus::parse(&row.status).is_ok_and(OpportunityStatus::is_public)
    }

    /// Proposes a new international project (any signed-in caller); it stays PROPOSED,
    /// visible to bureau staff and the proposer, until staff open it. Idempotent per key.
    pub async fn propose_opportunity(
        &self,
        caller: Option<&Caller>,
        idempotency_key: &str,
        draft: &OpportunityDraft,
    ) -> Result<Opportunity> {
        let actor = actor_of(caller)?;
        let key = IdempotencyKey::parse(idempotency_key)?;
        let new = NewOpportunity::parse(draft)?;
        let id = OpportunityId::new();
        let txn = match self
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
            Claim::Claimed(txn) => txn,
        };
        Self::require_areas(&txn, new.area_codes(), "areaCodes").await?;
        if let Some(org) = &new.organisation_id {
            Self::require_organisation(&txn, org, "organisationId").await?;
        }
        let now = self.now();
        let (t_ko, t_en, t_zh, t_ja) = new.title.clone().into_parts();
        let (d_ko, d_en, d_zh, d_ja) = new.description.clone().into_parts();
        opportunity::Entity::insert(opportunity::ActiveModel {
            id: Set(id.to_key()),
            title_ko: Set(t_ko),
            title_en: Set(t_en),
            title_zh: Set(t_zh),
            title_ja: Set(t_ja),
            description_ko: Set(d_ko),
            description_en: Set(d_en),
            description_zh: Set(d_zh),
            description_ja: Set(d_ja),
            original_language: Set(new.original_language.as_str().to_owned()),
            area_codes: Set(join_list(&new.area_codes)),
            countries: Set(join_list(&new.countries)),
            organisation_id: Set(new.organisation_id.clone().unwrap_or_default()),
            status: Set(OpportunityStatus::Proposed.as_str().to_owned()),
            deadline: Set(new.deadline.map(|d| d.to_string()).unwrap_or_default()),
            proposer_subject: Set(actor.subject.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            revision: Set(1),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        Self::audit(
            &txn,
            "opportunity",
            &id.to_key(),
            "OpportunityProposed",
            &actor,
            now,
            json!({
                "id": id.to_key(), "areaCodes": new.area_codes, "status": "PROPOSED",
            }),
        )
        .await?;
        txn.commit().await?;
        self.opportunity(caller, &id.to_key()).await
    }

    /// Moves an opportunity to another status (bureau staff), quoting its revision.
    pub async fn set_opportunity_status(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        status: Option<OpportunityStatus>,
    ) -> Result<Opportunity> {
        let actor = require_staff(caller, "screen opportunities")?;
        let id = OpportunityId::parse(id, "id")?;
        let seen = Revision::parse(revision)?;
        let to = status.ok_or_else(|| ResearchError::invalid("status", "is required"))?;
        let row = opportunity::Entity::find()
            .filter(opportunity::Column::Id.eq(id.to_key()))
            .one(&self.db)
            .await?
            .ok_or(ResearchError::NotFound("opportunity"))?;
        let from = OpportunityStatus::parse(&row.status).map_err(ResearchError::corrupt)?;
        if !from.can_become(to) {
            return Err(ResearchError::Conflict(format!(
                "cannot move an opportunity from {from} to {to}"
            )));
        }
        Self::check_revision(row.revision, seen)?;
        let now = self.now();
        let txn = self.db.begin().await?;
        let result = opportunity::Entity::update_many()
            .col_expr(opportunity::Column::Status, Expr::value(to.as_str()))
            .col_expr(opportunity::Column::UpdatedAt, Expr::value(now))
            .col_expr(opportunity::Column::Revision, Expr::value(row.revision + 1))
            .filter(opportunity::Column::Id.eq(row.id.clone()))
            .filter(opportunity::Column::Revision.eq(row.revision))
            .exec(&txn)
            .await?;
        if result.rows_affected != 1 {
            return Err(ResearchError::StaleRevision {
                seen,
                current: row.revision + 1,
            });
        }
        Self::audit(
            &txn,
            "opportunity",
            &row.id,
            "OpportunityStatusChanged",
            &actor,
            now,
            json!({
                "id": row.id, "from": from.as_str(), "status": to.as_str(),
            }),
        )
        .await?;
        txn.commit().await?;
        self.opportunity(caller, &id.to_key()).await
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
        let rows = opportunity::Entity::find()
            .filter(opportunity::Column::Id.is_in(keys.clone()))
            .all(&self.db)
            .await?;
        let mut by_id = HashMap::new();
        for r in rows {
            if Self::opportunity_visible(&viewer, subject, &r) {
                by_id.insert(r.id.clone(), Self::opportunity_view(r)?);
            }
        }
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
        let mut cond = Condition::all();
        if viewer != Viewer::Staff {
            let public: Vec<&str> = OpportunityStatus::ALL
                .iter()
                .filter(|s| s.is_public())
                .map(|s| s.as_str())
                .collect();
            let mut visible = Condition::any().add(opportunity::Column::Status.is_in(public));
            if let Some(c) = caller {
                visible = visible.add(opportunity::Column::ProposerSubject.eq(c.subject.as_str()));
            }
            cond = cond.add(visible);
        }
        if !filter.statuses.is_empty() {
            cond = cond
                .add(opportunity::Column::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
        }
        if !filter.area_code.trim().is_empty() {
            let area = AreaCode::parse(&filter.area_code, "filter.areaCode")?;
            cond = cond.add(Expr::col(opportunity::Column::AreaCodes).like(
                LikeExpr::new(contains_pattern(&format!(",{},", area.as_str()))).escape('!'),
            ));
        }
        let total = opportunity::Entity::find()
            .filter(cond.clone())
            .count(&self.db)
            .await?;
        let rows = opportunity::Entity::find()
            .filter(cond)
            .order_by_desc(opportunity::Column::Seq)
            .offset(offset)
            .limit(first + 1)
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(Self::opportunity_view)
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::paged(items, offset, first, total))
    }

    fn opportunity_view(r: opportunity::Model) -> Result<Opportunity> {
        Ok(Opportunity {
            id: OpportunityId::parse(&r.id, "id").map_err(ResearchError::corrupt)?,
            title: localized(&r.title_ko, &r.title_en, &r.title_zh, &r.title_ja),
            description: localized(
                &r.description_ko,
                &r.description_en,
                &r.description_zh,
                &r.description_ja,
            ),
            original_language: Lang::parse(&r.original_language, "originalLanguage")
                .map_err(ResearchError::corrupt)?,
            area_codes: split_list(&r.area_codes),
            countries: split_list(&r.countries),
            organisation_id: (!r.organisation_id.is_empty()).then_some(r.organisation_id),
            status: OpportunityStatus::parse(&r.status).map_err(ResearchError::corrupt)?,
            deadline: (!r.deadline.is_empty()).then_some(r.deadline),
            proposer_subject: r.proposer_subject,
            created_at: r.created_at,
            revision: Revision::parse(r.revision).map_err(ResearchError::corrupt)?,
        })
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
