//! The response cache (issue 14, item 5; ADR 0053), read by the GraphQL endpoint
//! before it executes: whole answers of queries that read only
//! public data, kept ahead of the services so a repeated public read costs a lookup.
//!
//! **What is stored.** An answer is a candidate when the operation is a query, the caller is
//! anonymous (no token: the public view, the same for every such caller) and every root field
//! is one of the public query fields ([`PUBLIC_ROOTS`]). While it executes, every field
//! resolved is checked against the partner graph (the public schema, [`PublicGraph`]): one
//! field outside it — contact details, interaction logs, anything portal-only or
//! caller-scoped — and the answer is not stored. An answer with errors is not stored either.
//! So nothing private or caller-scoped ever enters the cache.
//!
//! **Keys and tags.** The key is a hash of the graph, the language, the operation name, the
//! document text and the variables. Each stored answer carries tags: `Type#id` for every
//! entity shown on its own (its key field selected: `id`, or `code` for local governments
//! and research areas), and `Type*` for every type shown in a list (or without its key): a
//! new or changed entity of that type may change the list. Types are the change events'
//! aggregate types ([`ENTITIES`]); a public entity type without a mapping makes the answer
//! uncacheable, so a type added later is never cached stale.
//!
//! **Invalidation.** Every change event, read by every replica from the services' change
//! streams ([`crate::upstream::changes`]), drops the answers tagged with its aggregate and
//! with what it touched (`Type#id` and `Type*`), in this process (a tag index) and in Redis
//! (each tag has a random token in Redis; an answer stored there records the tokens it saw
//! and is served only while they are unchanged; invalidating deletes the token). An answer
//! computed from data read before a change and stored after the change was applied is not
//! stored (an invalidation sequence, as the entity cache's fill tickets). The TTL
//! (`gateway.response_cache_ttl_secs`) bounds anything an event could not reach.
//!
//! **Tiers.** The in-process tier (`gateway.response_cache_bytes`, least recently used out
//! first) is read first; Redis is shared by the replicas. Without Redis, or while it does not
//! answer (or the change streams cannot be read), only the in-process tier serves, and its
//! entries live at most `cache.local_ttl_ms` — the bound on staleness while no change event
//! can arrive. When the streams can be read again after a gap, everything is dropped.
//!
//! Lookups are counted in `gateway_response_cache_total{result}` (`hit` with `tier`
//! `local`/`shared`, `miss`, `bypass`) and stores in `gateway_response_cache_stores_total
//! {result}` (`stored`, `uncacheable`, `raced`).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection,
};
use async_graphql::{QueryPathNode, QueryPathSegment, Variables};
use bytes::Bytes;
use glocal_kit::cache::{Cache, FillTicket, Tier};
use glocal_kit::outbox::OutboxEvent;
use lru::LruCache;

use crate::upstream::entity_cache::canonical_id;
use sha2::{Digest, Sha256};

/// The public query fields whose answers may be stored (the partner graph's query fields
/// but `verifyCertificate`, a lookup by a secret code), each with the aggregate type of what
/// it reads: a list field's answer is tagged with its type even when it shows no entity (a
/// `totalCount`, facets, an empty page).
pub const PUBLIC_ROOTS: &[(&str, &str)] = &[
    ("localGovernments", "LocalGovernment"),
    ("events", "Event"),
    ("event", "Event"),
    ("series", "Series"),
    ("practices", "Practice"),
    ("practice", "Practice"),
    ("researchAreas", "ResearchArea"),
    ("organisations", "Organisation"),
    ("organisation", "Organisation"),
    ("relationships", "Relationship"),
    ("opportunities", "Opportunity"),
    ("exchangeProjects", "ExchangeProject"),
    ("exchangeProject", "ExchangeProject"),
    ("programmes", "Programme"),
    ("programme", "Programme"),
    ("edition", "Edition"),
];

/// Public entity types: (GraphQL type, the change events' aggregate type, key field).
pub const ENTITIES: &[(&str, &str, &str)] = &[
    ("Event", "Event", "id"),
    ("EventSeries", "Series", "id"),
    ("EventSession", "EventSession", "id"),
    ("Practice", "Practice", "id"),
    ("Organisation", "Organisation", "id"),
    ("ResearchArea", "ResearchArea", "code"),
    ("LocalGovernment", "LocalGovernment", "code"),
    ("Programme", "Programme", "id"),
    ("ProgrammeEdition", "Edition", "id"),
    ("TrainingSession", "TrainingSession", "id"),
    ("Relationship", "Relationship", "id"),
    ("Opportunity", "Opportunity", "id"),
    ("ExchangeProject", "ExchangeProject", "id"),
];

/// The public schema (the partner graph): its object types' fields, and its entities.
#[derive(Debug, Default)]
pub struct PublicGraph {
    fields: HashMap<String, HashSet<String>>,
    /// Object types with a key field: `Some((aggregate type, key field))` when mapped,
    /// `None` when not (answers showing them are not stored).
    entities: HashMap<String, Option<(&'static str, &'static str)>>,
}

impl PublicGraph {
    /// The public graph of `sdl` (the partner schema's SDL). SDL that does not parse gives
    /// an empty graph: nothing is cacheable.
    pub fn from_sdl(sdl: &str) -> PublicGraph {
        use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            tracing::warn!(
                "the partner graph's SDL did not parse; the response cache stores nothing"
            );
            return PublicGraph::default();
        };
        let mut graph = PublicGraph::default();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else {
                continue;
            };
            // `@inaccessible` is in the subgraph's SDL but never in a supergraph's API: not
            // public.
            let inaccessible = |directives: &[async_graphql::Positioned<
                async_graphql::parser::types::ConstDirective,
            >]| {
                directives
                    .iter()
                    .any(|d| d.node.name.node.as_str() == "inaccessible")
            };
            if inaccessible(&ty.node.directives) {
                continue;
            }
            let name = ty.node.name.node.to_string();
            let fields = match &ty.node.kind {
                TypeKind::Object(object) => &object.fields,
                TypeKind::Interface(interface) => &interface.fields,
                _ => continue,
            };
            let names: HashSet<String> = fields
                .iter()
                .filter(|f| !inaccessible(&f.node.directives))
                .map(|f| f.node.name.node.to_string())
                .collect();
            let mapped = ENTITIES
                .iter()
                .find(|(graphql, _, _)| *graphql == name)
                .map(|(_, aggregate, key)| (*aggregate, *key));
            if mapped.is_some() || names.contains("id") {
                graph.entities.insert(name.clone(), mapped);
            }
            graph.fields.entry(name).or_default().extend(names);
        }
        graph
    }

    fn is_public(&self, parent_type: &str, field: &str) -> bool {
        self.fields
            .get(parent_type)
            .is_some_and(|fields| fields.contains(field))
    }
}

/// Whether the selected operation of `doc` asks only public query fields at its root (the
/// first test of a candidate; fragments at the root are left to the per-field check).
pub fn public_roots(doc: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    let operation: Option<&OperationDefinition> = match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        _ => None,
    };
    operation.is_some_and(|op| {
        op.selection_set
            .node
            .items
            .iter()
            .all(|item| match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    name == "__typename" || PUBLIC_ROOTS.iter().any(|(root, _)| *root == name)
                }
                Selection::FragmentSpread(_) | Selection::InlineFragment(_) => true,
            })
    })
}

/// What one candidate request showed, gathered while it executes (request data).
#[derive(Debug)]
pub struct Collector {
    graph: Arc<PublicGraph>,
    state: Mutex<Collected>,
}

#[derive(Debug, Default)]
struct Collected {
    uncacheable: bool,
    tags: HashSet<String>,
    /// Entities shown on their own, by their path: their aggregate type.
    singular: HashMap<String, &'static str>,
    /// Key values read, by the path of their entity.
    keys: HashMap<String, String>,
}

/// The path of an entity whose key field is resolving (given back to [`Collector::key`]).
#[derive(Debug)]
pub struct KeySlot(String);

fn named_type(return_type: &str) -> &str {
    return_type.trim_matches(|c| c == '[' || c == ']' || c == '!')
}

fn in_list(path: &QueryPathNode<'_>) -> bool {
    let mut node = Some(path);
    while let Some(n) = node {
        if matches!(n.segment, QueryPathSegment::Index(_)) {
            return true;
        }
        node = n.parent;
    }
    false
}

impl Collector {
    fn new(graph: Arc<PublicGraph>) -> Collector {
        Collector {
            graph,
            state: Mutex::new(Collected::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Collected> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A field is about to resolve: records what it shows; when it is its entity's key
    /// field, the slot to give its value to.
    pub fn field(
        &self,
        parent_type: &str,
        name: &str,
        return_type: &str,
        path: &QueryPathNode<'_>,
    ) -> Option<KeySlot> {
        if name.starts_with("__") {
            return None;
        }
        let mut state = self.state();
        if state.uncacheable {
            return None;
        }
        // async-graphql resolves each item of a list as a field whose parent is the list
        // type (`[EventEdge!]`): the list's own field was checked already.
        let item = parent_type.starts_with('[');
        if !item && !self.graph.is_public(parent_type, name) {
            state.uncacheable = true;
            return None;
        }
        let named = named_type(return_type);
        let entity = self.graph.entities.get(named);
        if parent_type == "Query" && entity.is_none() {
            // A list (a connection): every change of its type may change it.
            match PUBLIC_ROOTS.iter().find(|(root, _)| *root == name) {
                Some((_, aggregate)) => {
                    state.tags.insert(type_tag(aggregate));
                }
                None => {
                    state.uncacheable = true;
                    return None;
                }
            }
        }
        if let Some(entity) = entity {
            let Some((aggregate, _)) = entity else {
                state.uncacheable = true;
                return None;
            };
            if return_type.starts_with('[') || in_list(path) {
                state.tags.insert(type_tag(aggregate));
            } else {
                state.singular.insert(path.to_string(), aggregate);
            }
        }
        match self.graph.entities.get(parent_type) {
            Some(Some((_, key))) if *key == name && !in_list(path) => {
                path.parent.map(|parent| KeySlot(parent.to_string()))
            }
            _ => None,
        }
    }

    /// The value of the key field `slot` was given for.
    pub fn key(&self, slot: KeySlot, value: &async_graphql::Value) {
        if let async_graphql::Value::String(id) = value {
            self.state()
                .keys
                .insert(slot.0, canonical_id(id).into_owned());
        }
    }

    /// The answer's tags, or `None` when it may not be stored.
    fn finish(&self) -> Option<Vec<String>> {
        let mut state = self.state();
        if state.uncacheable {
            return None;
        }
        let singular = std::mem::take(&mut state.singular);
        for (path, aggregate) in singular {
            let tag = match state.keys.get(&path) {
                Some(id) => entity_tag(aggregate, id),
                None => type_tag(aggregate),
            };
            state.tags.insert(tag);
        }
        let mut tags: Vec<String> = state.tags.drain().collect();
        tags.sort();
        Some(tags)
    }
}

fn entity_tag(aggregate: &str, id: &str) -> String {
    let mut tag = String::with_capacity(aggregate.len() + id.len() + 1);
    tag.push_str(aggregate);
    tag.push('#');
    tag.push_str(id);
    tag
}

fn type_tag(aggregate: &str) -> String {
    let mut tag = String::with_capacity(aggregate.len() + 1);
    tag.push_str(aggregate);
    tag.push('*');
    tag
}

/// The tags a change event makes stale: its aggregate's and every touched entity's own tag
/// and type tag.
pub fn stale_tags(event: &OutboxEvent) -> Vec<String> {
    let mut tags = Vec::new();
    for entity in event.touches() {
        if entity.entity_type.is_empty() {
            continue;
        }
        if !entity.id.is_empty() {
            tags.push(entity_tag(&entity.entity_type, &canonical_id(&entity.id)));
        }
        tags.push(type_tag(&entity.entity_type));
    }
    tags.sort();
    tags.dedup();
    tags
}

/// Where a served answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitTier {
    /// This process' own tier.
    Local,
    /// Redis, shared by the replicas.
    Shared,
}

/// A stored answer.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The answer's body (JSON, said in the request's language).
    pub body: Bytes,
    /// Its entity tag (quoted).
    pub etag: String,
}

/// A candidate's place in the cache, taken before it executes.
#[derive(Debug)]
pub struct Pending {
    key: String,
    sequence: u64,
    fill: FillTicket,
    collector: Arc<Collector>,
}

impl Pending {
    /// The request data that gathers what the answer shows.
    pub fn collector(&self) -> Arc<Collector> {
        self.collector.clone()
    }

    /// The answer's tags once it executed, or `None` (counted) when it showed something
    /// outside the public graph.
    pub fn tags(&self) -> Option<Vec<String>> {
        let tags = self.collector.finish();
        if tags.is_none() {
            ResponseCache::not_stored("uncacheable");
        }
        tags
    }
}

/// The entity tag of `body`.
pub fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let mut tag = String::with_capacity(34);
    tag.push('"');
    for byte in &digest[..16] {
        tag.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        tag.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
    }
    tag.push('"');
    tag
}

struct LocalEntry {
    stored: Stored,
    tags: Vec<String>,
    expires: Instant,
}

struct LocalTier {
    entries: LruCache<String, LocalEntry>,
    bytes: usize,
    by_tag: HashMap<String, HashSet<String>>,
}

impl LocalTier {
    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.entries.pop(key) {
            self.forget(key, &entry);
        }
    }

    fn forget(&mut self, key: &str, entry: &LocalEntry) {
        self.bytes -= entry.stored.body.len();
        for tag in &entry.tags {
            if let Some(keys) = self.by_tag.get_mut(tag) {
                keys.remove(key);
                if keys.is_empty() {
                    self.by_tag.remove(tag);
                }
            }
        }
    }
}

/// Recent invalidations, numbered, so a store can tell whether one of its tags was
/// invalidated after its request began.
#[derive(Default)]
struct Invalidations {
    sequence: AtomicU64,
    /// The sequence number of the last flush (every tag).
    flushed: AtomicU64,
    recent: Mutex<HashMap<String, (u64, Instant)>>,
}

/// How long an invalidation is remembered for stores: longer than any request takes.
const INVALIDATION_MEMORY: Duration = Duration::from_secs(120);

impl Invalidations {
    fn record(&self, tags: &[String]) {
        let number = self.sequence.fetch_add(1, Ordering::SeqCst) + 1;
        let now = Instant::now();
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if recent.len() > 50_000 {
            recent.retain(|_, (_, at)| now.duration_since(*at) < INVALIDATION_MEMORY);
        }
        for tag in tags {
            recent.insert(tag.clone(), (number, now));
        }
    }

    fn since(&self, sequence: u64, tags: &[String]) -> bool {
        if self.sequence.load(Ordering::SeqCst) == sequence {
            return false;
        }
        if self.flushed.load(Ordering::SeqCst) > sequence {
            return true;
        }
        let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        tags.iter().any(|tag| {
            recent
                .get(tag)
                .is_some_and(|(number, _)| *number > sequence)
        })
    }
}

/// The response cache (application state).
pub struct ResponseCache {
    ttl: Duration,
    local_ttl: Duration,
    capacity_bytes: usize,
    shared: Cache,
    graph: OnceLock<Arc<PublicGraph>>,
    local: Mutex<LocalTier>,
    invalidations: Invalidations,
}

impl std::fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseCache")
            .field("ttl", &self.ttl)
            .field("capacity_bytes", &self.capacity_bytes)
            .finish_non_exhaustive()
    }
}

const ANSWER_PREFIX: &str = "response:";
const TAG_PREFIX: &str = "response-tag:";

impl ResponseCache {
    /// A cache keeping answers `ttl` (zero: off), at most `capacity_bytes` of them in this
    /// process for at most `local_ttl` each, and sharing them through `shared` when it is
    /// Redis.
    pub fn new(
        shared: Cache,
        ttl: Duration,
        capacity_bytes: usize,
        local_ttl: Duration,
    ) -> ResponseCache {
        ResponseCache {
            ttl,
            local_ttl: local_ttl.min(ttl),
            capacity_bytes,
            shared,
            graph: OnceLock::new(),
            local: Mutex::new(LocalTier {
                entries: LruCache::unbounded(),
                bytes: 0,
                by_tag: HashMap::new(),
            }),
            invalidations: Invalidations::default(),
        }
    }

    /// Sets the public graph answers are checked against (once, when the schemas exist);
    /// until then nothing is a candidate.
    pub fn set_public_graph(&self, graph: PublicGraph) {
        let _ = self.graph.set(Arc::new(graph));
    }

    /// Whether the cache stores anything.
    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero() && self.graph.get().is_some()
    }

    fn local(&self) -> std::sync::MutexGuard<'_, LocalTier> {
        self.local.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn shared_usable(&self) -> bool {
        self.shared.is_redis() && !self.shared.is_suspended() && self.shared.tier() == Tier::Shared
    }

    /// The key of an answer.
    pub fn key(
        graph: &str,
        language: &str,
        operation: Option<&str>,
        query: &str,
        variables: &Variables,
    ) -> String {
        let mut hash = Sha256::new();
        for part in [graph, language, operation.unwrap_or("")] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part.as_bytes());
        }
        hash.update((query.len() as u64).to_le_bytes());
        hash.update(query.as_bytes());
        hash.update(serde_json::to_vec(variables).unwrap_or_default());
        let digest = hash.finalize();
        digest.iter().fold(String::with_capacity(64), |mut s, b| {
            s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            s.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
            s
        })
    }

    /// The stored answer under `key`: this process' tier first, then Redis (checked
    /// against its tags' tokens).
    pub async fn lookup(&self, key: &str) -> Option<(Stored, HitTier)> {
        let now = Instant::now();
        {
            let mut local = self.local();
            match local.entries.get(key) {
                Some(entry) if entry.expires > now => {
                    let stored = entry.stored.clone();
                    drop(local);
                    count("hit", Some(HitTier::Local));
                    return Some((stored, HitTier::Local));
                }
                Some(_) => local.remove(key),
                None => {}
            }
        }
        if self.shared_usable()
            && let Some((stored, tags, remaining)) = self.shared_lookup(key).await
        {
            self.keep_local(key, &stored, tags, remaining);
            count("hit", Some(HitTier::Shared));
            return Some((stored, HitTier::Shared));
        }
        count("miss", None);
        None
    }

    async fn shared_lookup(&self, key: &str) -> Option<(Stored, Vec<String>, Duration)> {
        let raw = self
            .shared
            .get_many(&[answer_key(key)])
            .await
            .pop()
            .flatten()?;
        let entry = decode(&raw)?;
        let remaining = entry
            .expires_ms
            .checked_sub(unix_ms())
            .map(Duration::from_millis)?;
        let tag_keys: Vec<String> = entry.tags.iter().map(|(tag, _)| tag_key(tag)).collect();
        let tokens = self.shared.get_many(&tag_keys).await;
        let current = entry
            .tags
            .iter()
            .zip(&tokens)
            .all(|((_, token), now)| now.as_deref() == Some(token.as_bytes()));
        if !current {
            return None;
        }
        let tags = entry.tags.into_iter().map(|(tag, _)| tag).collect();
        Some((
            Stored {
                body: entry.body,
                etag: entry.etag,
            },
            tags,
            remaining,
        ))
    }

    /// A request that may be stored begins: its place, with the collector to give it.
    pub fn begin(&self, key: String) -> Option<Pending> {
        let graph = self.graph.get()?.clone();
        Some(Pending {
            key,
            sequence: self.invalidations.sequence.load(Ordering::SeqCst),
            fill: self.shared.fill_ticket(),
            collector: Arc::new(Collector::new(graph)),
        })
    }

    /// Stores the answer of `pending` (its body said in its language, without errors,
    /// showing what `tags` name) unless something it showed changed since it began.
    pub async fn store(&self, pending: Pending, tags: Vec<String>, stored: &Stored) {
        if self.invalidations.since(pending.sequence, &tags) {
            count_store("raced");
            return;
        }
        self.keep_local(&pending.key, stored, tags.clone(), self.ttl);
        if self.shared_usable() {
            self.shared_store(&pending, &tags, stored).await;
        }
        count_store("stored");
    }

    async fn shared_store(&self, pending: &Pending, tags: &[String], stored: &Stored) {
        let tag_keys: Vec<String> = tags.iter().map(|t| tag_key(t)).collect();
        let found = self.shared.get_many(&tag_keys).await;
        let mut tokens = Vec::with_capacity(tags.len());
        let mut missing = Vec::new();
        for (key, token) in tag_keys.into_iter().zip(found) {
            match token.and_then(|t| String::from_utf8(t).ok()) {
                Some(token) => tokens.push(token),
                None => {
                    let token = uuid::Uuid::new_v4().simple().to_string();
                    missing.push((key, token.clone().into_bytes()));
                    tokens.push(token);
                }
            }
        }
        // Tokens outlive the answers that record them.
        let tag_ttl = self.ttl * 2 + Duration::from_secs(60);
        if !missing.is_empty() {
            self.shared.set_many(&missing, tag_ttl, pending.fill).await;
        }
        if self.invalidations.since(pending.sequence, tags) {
            return;
        }
        let expires_ms = unix_ms() + u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX);
        let entry = encode(expires_ms, stored, tags, &tokens);
        self.shared
            .set_many(&[(answer_key(&pending.key), entry)], self.ttl, pending.fill)
            .await;
    }

    fn keep_local(&self, key: &str, stored: &Stored, tags: Vec<String>, ttl: Duration) {
        let size = stored.body.len();
        if size > self.capacity_bytes {
            return;
        }
        let mut local = self.local();
        local.remove(key);
        for tag in &tags {
            local
                .by_tag
                .entry(tag.clone())
                .or_default()
                .insert(key.to_owned());
        }
        local.entries.put(
            key.to_owned(),
            LocalEntry {
                stored: stored.clone(),
                tags,
                expires: Instant::now() + ttl.min(self.local_ttl),
            },
        );
        local.bytes += size;
        while local.bytes > self.capacity_bytes {
            match local.entries.pop_lru() {
                Some((old, entry)) => local.forget(&old, &entry),
                None => break,
            }
        }
    }

    /// Drops every answer `event` may have made stale, here and in Redis.
    pub async fn invalidate(&self, event: &OutboxEvent) {
        let tags = stale_tags(event);
        if tags.is_empty() {
            return;
        }
        self.invalidations.record(&tags);
        {
            let mut local = self.local();
            let keys: Vec<String> = tags
                .iter()
                .filter_map(|tag| local.by_tag.get(tag))
                .flat_map(|keys| keys.iter().cloned())
                .collect();
            for key in keys {
                local.remove(&key);
            }
        }
        if self.shared.is_redis() {
            let keys: Vec<String> = tags.iter().map(|t| tag_key(t)).collect();
            self.shared.delete_many(&keys).await;
        }
    }

    /// Drops every answer (events may have been missed).
    pub async fn flush(&self) {
        let number = self.invalidations.sequence.fetch_add(1, Ordering::SeqCst) + 1;
        self.invalidations.flushed.store(number, Ordering::SeqCst);
        {
            let mut local = self.local();
            local.entries.clear();
            local.by_tag.clear();
            local.bytes = 0;
        }
        if self.shared.is_redis() {
            for prefix in [TAG_PREFIX, ANSWER_PREFIX] {
                if let Err(error) = self.shared.delete_prefixed(prefix).await {
                    tracing::warn!(%error, "response cache not flushed in Redis");
                }
            }
        }
    }

    /// Counts a request that is not a candidate.
    pub fn bypass() {
        count("bypass", None);
    }

    /// Counts a candidate's answer that is not stored, and why (`error`, `uncacheable`).
    pub fn not_stored(reason: &'static str) {
        count_store(reason);
    }
}

fn answer_key(key: &str) -> String {
    let mut k = String::with_capacity(ANSWER_PREFIX.len() + key.len());
    k.push_str(ANSWER_PREFIX);
    k.push_str(key);
    k
}

fn tag_key(tag: &str) -> String {
    let mut k = String::with_capacity(TAG_PREFIX.len() + tag.len());
    k.push_str(TAG_PREFIX);
    k.push_str(tag);
    k
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default()
}

fn count(result: &'static str, tier: Option<HitTier>) {
    let tier = match tier {
        Some(HitTier::Local) => "local",
        Some(HitTier::Shared) => "shared",
        None => "none",
    };
    metrics::counter!("gateway_response_cache_total", "result" => result, "tier" => tier)
        .increment(1);
}

fn count_store(result: &'static str) {
    metrics::counter!("gateway_response_cache_stores_total", "result" => result).increment(1);
}

/// A stored answer in Redis: one header line (expiry, ETag, tags with their tokens,
/// tab-separated), then the body.
struct Entry {
    expires_ms: u64,
    etag: String,
    tags: Vec<(String, String)>,
    body: Bytes,
}

fn encode(expires_ms: u64, stored: &Stored, tags: &[String], tokens: &[String]) -> Vec<u8> {
    let mut out = Vec::with_capacity(stored.body.len() + 64 + tags.len() * 48);
    out.extend_from_slice(expires_ms.to_string().as_bytes());
    out.push(b'\t');
    out.extend_from_slice(stored.etag.as_bytes());
    for (tag, token) in tags.iter().zip(tokens) {
        out.push(b'\t');
        out.extend_from_slice(tag.as_bytes());
        out.push(b'=');
        out.extend_from_slice(token.as_bytes());
    }
    out.push(b'\n');
    out.extend_from_slice(&stored.body);
    out
}

fn decode(raw: &[u8]) -> Option<Entry> {
    let split = raw.iter().position(|b| *b == b'\n')?;
    let header = std::str::from_utf8(&raw[..split]).ok()?;
    let mut parts = header.split('\t');
    let expires_ms = parts.next()?.parse().ok()?;
    let etag = parts.next()?.to_owned();
    let mut tags = Vec::new();
    for part in parts {
        let (tag, token) = part.rsplit_once('=')?;
        tags.push((tag.to_owned(), token.to_owned()));
    }
    Some(Entry {
        expires_ms,
        etag,
        tags,
        body: Bytes::copy_from_slice(&raw[split + 1..]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDL: &str = r#"
        type Query { events: EventConnection! event(id: ID!): Event verifyCertificate(code: String!): VerifiedCertificate }
        type EventConnection { edges: [EventEdge!]! }
        type EventEdge { node: Event! }
        type Event { id: ID! title: String! series: EventSeries sessions: [EventSession!]! }
        type EventSeries { id: ID! code: String! }
        type EventSession { id: ID! title: String! }
        type Visit { id: ID! }
        type VerifiedCertificate { code: String! }
    "#;

    fn node<'a>(
        parent: Option<&'a QueryPathNode<'a>>,
        segment: QueryPathSegment<'a>,
    ) -> QueryPathNode<'a> {
        QueryPathNode { parent, segment }
    }

    #[test]
    fn an_entity_shown_alone_is_tagged_by_its_key_and_one_in_a_list_by_its_type() {
        let collector = Collector::new(Arc::new(PublicGraph::from_sdl(SDL)));
        let event = node(None, QueryPathSegment::Name("event"));
        assert!(collector.field("Query", "event", "Event", &event).is_none());
        let id = node(Some(&event), QueryPathSegment::Name("id"));
        let slot = collector
            .field("Event", "id", "ID!", &id)
            .expect("key slot");
        collector.key(
            slot,
            &async_graphql::Value::String("0B1C0E2A-6F43-4E8B-9D3A-1C2B3D4E5F60".into()),
        );
        let sessions = node(Some(&event), QueryPathSegment::Name("sessions"));
        collector.field("Event", "sessions", "[EventSession!]!", &sessions);
        let series = node(Some(&event), QueryPathSegment::Name("series"));
        collector.field("Event", "series", "EventSeries", &series);
        assert_eq!(
            collector.finish().expect("cacheable"),
            vec![
                "Event#0b1c0e2a-6f43-4e8b-9d3a-1c2b3d4e5f60".to_owned(),
                "EventSession*".to_owned(),
                "Series*".to_owned(),
            ]
        );
    }

    #[test]
    fn list_items_are_tagged_by_type_only() {
        let collector = Collector::new(Arc::new(PublicGraph::from_sdl(SDL)));
        let events = node(None, QueryPathSegment::Name("events"));
        collector.field("Query", "events", "EventConnection!", &events);
        let edges = node(Some(&events), QueryPathSegment::Name("edges"));
        collector.field("EventConnection", "edges", "[EventEdge!]!", &edges);
        let first = node(Some(&edges), QueryPathSegment::Index(0));
        // Each item resolves as a field whose parent is the list type.
        collector.field("[EventEdge!]", "edges", "EventEdge!", &first);
        let item = node(Some(&first), QueryPathSegment::Name("node"));
        collector.field("EventEdge", "node", "Event!", &item);
        let id = node(Some(&item), QueryPathSegment::Name("id"));
        assert!(collector.field("Event", "id", "ID!", &id).is_none());
        assert_eq!(collector.finish().expect("cacheable"), vec!["Event*"]);
    }

    #[test]
    fn a_list_that_shows_no_entity_is_still_tagged_with_its_type() {
        let collector = Collector::new(Arc::new(PublicGraph::from_sdl(SDL)));
        let events = node(None, QueryPathSegment::Name("events"));
        collector.field("Query", "events", "EventConnection!", &events);
        assert_eq!(collector.finish().expect("cacheable"), vec!["Event*"]);
    }

    #[test]
    fn a_field_outside_the_public_graph_or_an_unmapped_entity_is_never_stored() {
        let graph = Arc::new(PublicGraph::from_sdl(SDL));
        let private = Collector::new(graph.clone());
        let event = node(None, QueryPathSegment::Name("event"));
        private.field("Query", "event", "Event", &event);
        let contacts = node(Some(&event), QueryPathSegment::Name("contributions"));
        private.field("Event", "contributions", "[Contribution!]!", &contacts);
        assert!(private.finish().is_none());

        let unmapped = Collector::new(graph);
        let visit = node(None, QueryPathSegment::Name("visit"));
        unmapped.field("Query", "event", "Visit", &visit);
        assert!(unmapped.finish().is_none());
    }

    #[test]
    fn an_event_makes_its_aggregate_and_what_it_touched_stale() {
        let event = OutboxEvent {
            occurred_at: None,
            service: "events".into(),
            id: "e1".into(),
            aggregate_type: "Registration".into(),
            aggregate_id: "R1".into(),
            event_type: "RegistrationCreated".into(),
            touched: vec![glocal_kit::outbox::EntityRef::new(
                "Event",
                "0B1C0E2A-6F43-4E8B-9D3A-1C2B3D4E5F60",
            )],
            payload: String::new(),
        };
        assert_eq!(
            stale_tags(&event),
            vec![
                "Event#0b1c0e2a-6f43-4e8b-9d3a-1c2b3d4e5f60",
                "Event*",
                "Registration#R1",
                "Registration*"
            ]
        );
    }

    #[test]
    fn roots_outside_the_public_fields_are_not_candidates() {
        let doc = |q: &str| async_graphql::parser::parse_query(q).expect("parses");
        assert!(public_roots(
            &doc("{ events { edges { node { id } } } }"),
            None
        ));
        assert!(!public_roots(
            &doc("{ events { edges { node { id } } } me { subject } }"),
            None
        ));
        assert!(!public_roots(
            &doc("{ verifyCertificate(code: \"x\") { code } }"),
            None
        ));
        assert!(public_roots(
            &doc("query A { me { subject } } query B { event(id: \"1\") { id } }"),
            Some("B")
        ));
    }

    #[test]
    fn the_tables_match_the_partner_graph() {
        let graph = PublicGraph::from_sdl(&crate::partner_sdl());
        for (name, _, key) in ENTITIES {
            assert!(
                graph.fields.get(*name).is_some_and(|f| f.contains(*key)),
                "{name} with its key {key} is in the partner graph"
            );
        }
        let mut unmapped: Vec<&String> = graph
            .entities
            .iter()
            .filter(|(_, mapped)| mapped.is_none())
            .map(|(name, _)| name)
            .collect();
        unmapped.sort();
        assert!(
            unmapped.is_empty(),
            "public entity types without a change type in ENTITIES (their answers are never cached): {unmapped:?}"
        );
        for (root, aggregate) in PUBLIC_ROOTS {
            assert!(
                graph.is_public("Query", root),
                "{root} is a public query field"
            );
            assert!(
                ENTITIES.iter().any(|(_, a, _)| a == aggregate),
                "{root} reads a mapped type"
            );
        }
    }

    #[test]
    fn entries_read_back_as_written() {
        let stored = Stored {
            body: Bytes::from_static(b"{\"data\":{\"x\":\"a\\nb\"}}"),
            etag: etag(b"x"),
        };
        let raw = encode(
            42,
            &stored,
            &["Event#1".into(), "Event*".into()],
            &["t1".into(), "t2".into()],
        );
        let entry = decode(&raw).expect("decodes");
        assert_eq!(entry.expires_ms, 42);
        assert_eq!(entry.etag, stored.etag);
        assert_eq!(entry.body, stored.body);
        assert_eq!(
            entry.tags,
            vec![
                ("Event#1".into(), "t1".into()),
                ("Event*".into(), "t2".into())
            ]
        );
    }

    #[tokio::test]
    async fn a_change_drops_exactly_the_answers_that_showed_it() {
        let cache = ResponseCache::new(
            Cache::memory(),
            Duration::from_secs(60),
            1 << 20,
            Duration::from_secs(30),
        );
        cache.set_public_graph(PublicGraph::from_sdl(SDL));
        let store = |key: &str, tags: &[&str]| {
            let pending = cache.begin(key.into()).expect("enabled");
            let tags: Vec<String> = tags.iter().map(|t| (*t).to_owned()).collect();
            (pending, tags)
        };
        let body = |s: &'static str| Stored {
            body: Bytes::from_static(s.as_bytes()),
            etag: etag(s.as_bytes()),
        };
        let (pending, tags) = store("a", &["Event#1"]);
        cache.store(pending, tags, &body("a")).await;
        let (pending, tags) = store("b", &["Event#2"]);
        cache.store(pending, tags, &body("b")).await;
        let (pending, tags) = store("list", &["Event*"]);
        cache.store(pending, tags, &body("list")).await;
        assert!(cache.lookup("a").await.is_some());
        let change = OutboxEvent {
            occurred_at: None,
            service: "events".into(),
            id: "x".into(),
            aggregate_type: "Event".into(),
            aggregate_id: "1".into(),
            event_type: "EventChanged".into(),
            touched: vec![],
            payload: String::new(),
        };
        // A request that began before the change does not store what it read.
        let (raced, raced_tags) = store("late", &["Event#1"]);
        cache.invalidate(&change).await;
        assert!(cache.lookup("a").await.is_none());
        assert!(cache.lookup("list").await.is_none());
        assert!(cache.lookup("b").await.is_some());
        cache.store(raced, raced_tags, &body("late")).await;
        assert!(cache.lookup("late").await.is_none());
        cache.flush().await;
        assert!(cache.lookup("b").await.is_none());
    }
}
