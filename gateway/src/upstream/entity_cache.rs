//! The entity cache: public, read-mostly entities (local governments, practices,
//! organisations, research areas, events, series, programmes, editions) kept by id in the
//! shared [`Cache`] (Redis, with the gateway's in-process first level in front), so a
//! DataLoader batch costs one `MGET` and one gRPC call for the misses only.
//!
//! Only the public view is shared: a caller whose answer from the service may differ from
//! the anonymous one (bureau staff and administrators see drafts, private organisations,
//! contact details) always goes to the service and never fills the cache
//! ([`shareable`]). Every other caller gets what the service answers the anonymous public.
//! (Local governments are the same for every caller, so everyone shares them.)
//!
//! Entries are deleted when a change event names them — as its aggregate or among the
//! entities it `touched`, each typed ([`EntityCache::invalidate`], called by
//! [`crate::upstream::changes`] for every event of every service, on every replica), so an
//! edit is visible on the next read; the TTL (`cache.entity_ttl_secs`) bounds anything an event
//! could not reach. An entity that embeds others (a programme its editions) records the
//! embedded ids, so a change to an edition also drops the programme.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use glocal_kit::cache::Cache;
use glocal_kit::config::CacheSettings;
use glocal_kit::outbox::{EntityRef, OutboxEvent};
use glocal_kit::{Caller, Role};

/// A kind of cached entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// A local government, by standard code (requests service).
    LocalGovernment,
    /// A best practice's current version, by id (research service).
    Practice,
    /// A partner organisation, by id (research service).
    Organisation,
    /// A concept of the research-area vocabulary, by code (research service).
    Area,
    /// An event, by id (events service).
    Event,
    /// An event series, by id (events service).
    Series,
    /// A training programme with its editions, by id (training service).
    Programme,
    /// A programme edition without its sessions, by id (training service).
    Edition,
}

impl EntityKind {
    /// Every kind.
    pub const ALL: [EntityKind; 8] = [
        EntityKind::LocalGovernment,
        EntityKind::Practice,
        EntityKind::Organisation,
        EntityKind::Area,
        EntityKind::Event,
        EntityKind::Series,
        EntityKind::Programme,
        EntityKind::Edition,
    ];

    /// The kind's name in cache keys.
    pub const fn name(self) -> &'static str {
        match self {
            EntityKind::LocalGovernment => "local-government",
            EntityKind::Practice => "practice",
            EntityKind::Organisation => "organisation",
            EntityKind::Area => "area",
            EntityKind::Event => "event",
            EntityKind::Series => "series",
            EntityKind::Programme => "programme",
            EntityKind::Edition => "edition",
        }
    }

    /// The kind cached for the entity type a change event names (`None` for types the
    /// gateway does not cache, e.g. `Registration`).
    pub fn of_type(entity_type: &str) -> Option<EntityKind> {
        Some(match entity_type {
            "LocalGovernment" => EntityKind::LocalGovernment,
            "Practice" => EntityKind::Practice,
            "Organisation" => EntityKind::Organisation,
            "ResearchArea" => EntityKind::Area,
            "Event" => EntityKind::Event,
            "Series" => EntityKind::Series,
            "Programme" => EntityKind::Programme,
            "Edition" => EntityKind::Edition,
            _ => return None,
        })
    }

    /// True when the service answers every caller alike (the directory's local
    /// governments), so even bureau staff read through the cache.
    pub const fn same_for_every_caller(self) -> bool {
        matches!(self, EntityKind::LocalGovernment)
    }

    /// The service that owns the kind (the stream whose events invalidate it).
    pub const fn service(self) -> &'static str {
        match self {
            EntityKind::LocalGovernment => "requests",
            EntityKind::Practice | EntityKind::Organisation | EntityKind::Area => "research",
            EntityKind::Event | EntityKind::Series => "events",
            EntityKind::Programme | EntityKind::Edition => "training",
        }
    }
}

/// The cache key of one entity (a UUID in its canonical lower-case form, so an id asked in
/// another spelling meets the invalidations of the one the services send).
pub fn key(kind: EntityKind, id: &str) -> String {
    format!("entity:{}:{}", kind.name(), canonical_id(id))
}

/// An id in its canonical form: a UUID lower-case (so an id asked in another spelling meets
/// the ids the services' change events carry), anything else as it is.
pub fn canonical_id(id: &str) -> std::borrow::Cow<'_, str> {
    match uuid::Uuid::parse_str(id) {
        Ok(uuid) => std::borrow::Cow::Owned(uuid.to_string()),
        Err(_) => std::borrow::Cow::Borrowed(id),
    }
}

/// The key that lists the entities embedding `id` (see [`EntityCache::batch_with_parts`]).
fn embedded_key(service: &str, id: &str) -> String {
    format!("entity-embedded:{service}:{id}")
}

/// Whether `caller` gets the public view of cached entities from every service: anyone
/// but bureau staff and administrators (whose views include drafts, private organisations
/// and contact details).
pub fn shareable(caller: Option<&Caller>) -> bool {
    caller.is_none_or(|c| !c.has(Role::BureauStaff) && !c.has(Role::BureauAdmin))
}

/// Request data that keeps a request's loaders away from the entity cache: set for
/// mutations (and WebSocket operations), whose answers must show the state they just changed
/// even before its change event has reached the caches.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadThrough;

/// The entity cache over the shared [`Cache`] (schema data; cheap to clone).
#[derive(Clone, Debug)]
pub struct EntityCache {
    cache: Cache,
    ttl: Duration,
    enabled: bool,
}

impl EntityCache {
    /// Entities in `cache`, kept `ttl`.
    pub fn new(cache: Cache, ttl: Duration) -> EntityCache {
        EntityCache {
            cache,
            ttl,
            enabled: true,
        }
    }

    /// The entity cache `settings` describe.
    pub fn from_settings(cache: Cache, settings: &CacheSettings) -> EntityCache {
        EntityCache {
            cache,
            ttl: Duration::from_secs(settings.entity_ttl_secs.max(1)),
            enabled: settings.enabled,
        }
    }

    /// The shared cache underneath.
    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// The entities of `ids` that `caller` may see, through the cache when `caller` gets
    /// the public view: cached ones from the first level or one `MGET`, the rest from one
    /// `fetch` of the missing ids (whose answers then fill the cache). Ids `fetch` leaves
    /// out are absent, and are not cached.
    pub async fn batch<T, F, Fut>(
        &self,
        kind: EntityKind,
        caller: Option<&Caller>,
        ids: &[String],
        fetch: F,
    ) -> async_graphql::Result<HashMap<String, T>>
    where
        T: prost::Message + Default,
        F: FnOnce(Vec<String>) -> Fut,
        Fut: Future<Output = async_graphql::Result<HashMap<String, T>>>,
    {
        self.batch_with_parts(kind, caller, ids, fetch, |_| Vec::new())
            .await
    }

    /// Like [`EntityCache::batch`], for an entity that embeds others: `parts` names the
    /// ids embedded in a value, and a change event naming one of them also drops the value.
    pub async fn batch_with_parts<T, F, Fut, P>(
        &self,
        kind: EntityKind,
        caller: Option<&Caller>,
        ids: &[String],
        fetch: F,
        parts: P,
    ) -> async_graphql::Result<HashMap<String, T>>
    where
        T: prost::Message + Default,
        F: FnOnce(Vec<String>) -> Fut,
        Fut: Future<Output = async_graphql::Result<HashMap<String, T>>>,
        P: Fn(&T) -> Vec<String>,
    {
        let public = kind.same_for_every_caller() || shareable(caller);
        if !self.enabled || !public || ids.is_empty() {
            return fetch(ids.to_vec()).await;
        }
        let keys: Vec<String> = ids.iter().map(|id| key(kind, id)).collect();
        let ticket = self.cache.fill_ticket();
        let cached = self.cache.get_many(&keys).await;
        let mut found = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        for (id, bytes) in ids.iter().zip(cached) {
            match bytes.and_then(|b| T::decode(b.as_slice()).ok()) {
                Some(value) => {
                    found.insert(id.clone(), value);
                }
                None => missing.push(id.clone()),
            }
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let fetched = fetch(missing).await?;
        let mut entries = Vec::with_capacity(fetched.len());
        for (id, value) in &fetched {
            let entry_key = key(kind, id);
            for part in parts(value) {
                entries.push((
                    embedded_key(kind.service(), &part),
                    entry_key.clone().into_bytes(),
                ));
            }
            entries.push((entry_key, value.encode_to_vec()));
        }
        self.cache.set_many(&entries, self.ttl, ticket).await;
        found.extend(fetched);
        Ok(found)
    }

    /// The entity `id`, through the cache when `caller` gets the public view; `fetch`
    /// answers a miss (its errors, e.g. NOT_FOUND, are returned and not cached).
    pub async fn one<T, F, Fut>(
        &self,
        kind: EntityKind,
        caller: Option<&Caller>,
        id: &str,
        fetch: F,
    ) -> async_graphql::Result<T>
    where
        T: prost::Message + Default,
        F: FnOnce() -> Fut,
        Fut: Future<Output = async_graphql::Result<T>>,
    {
        self.one_with_parts(kind, caller, id, fetch, |_| Vec::new())
            .await
    }

    /// Like [`EntityCache::one`], for an entity that embeds others (see
    /// [`EntityCache::batch_with_parts`]).
    pub async fn one_with_parts<T, F, Fut, P>(
        &self,
        kind: EntityKind,
        caller: Option<&Caller>,
        id: &str,
        fetch: F,
        parts: P,
    ) -> async_graphql::Result<T>
    where
        T: prost::Message + Default,
        F: FnOnce() -> Fut,
        Fut: Future<Output = async_graphql::Result<T>>,
        P: Fn(&T) -> Vec<String>,
    {
        let mut found = self
            .batch_with_parts(
                kind,
                caller,
                &[id.to_owned()],
                |_| async move {
                    let value = fetch().await?;
                    Ok(HashMap::from([(id.to_owned(), value)]))
                },
                parts,
            )
            .await?;
        found
            .remove(id)
            .ok_or_else(|| crate::upstream::error::internal("entity missing from its own fetch"))
    }

    /// Drops every cached entity (after change events may have been missed).
    pub async fn flush(&self) -> redis::RedisResult<()> {
        self.cache.delete_prefixed("entity").await
    }

    /// Deletes every entry `event` may have made stale: the cached entities it names (its
    /// aggregate and what it touched), and the entities that embed any of them.
    pub async fn invalidate(&self, event: &OutboxEvent) {
        let named: Vec<EntityRef> = event.touches().filter(|r| !r.id.is_empty()).collect();
        if named.is_empty() {
            return;
        }
        let embedded: Vec<String> = named
            .iter()
            .map(|r| embedded_key(&event.service, &r.id))
            .collect();
        let mut keys = stale_keys(event);
        for parent in self.cache.get_many(&embedded).await.into_iter().flatten() {
            if let Ok(parent) = String::from_utf8(parent) {
                keys.push(parent);
            }
        }
        keys.extend(embedded);
        self.cache.delete_many(&keys).await;
    }
}

/// The cache keys of the entities `event` names: its aggregate and every touched entity
/// of a cached kind. An event relayed before events were typed (no aggregate type) drops
/// its aggregate id under every kind of its service.
pub fn stale_keys(event: &OutboxEvent) -> Vec<String> {
    let mut keys: Vec<String> = event
        .touches()
        .filter(|r| !r.id.is_empty())
        .filter_map(|r| EntityKind::of_type(&r.entity_type).map(|k| key(k, &r.id)))
        .collect();
    if event.aggregate_type.is_empty() {
        keys.extend(
            EntityKind::ALL
                .into_iter()
                .filter(|k| k.service() == event.service)
                .map(|k| key(k, &event.aggregate_id)),
        );
    }
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use glocal_proto::requests::v1::LocalGovernment;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn event(service: &str, aggregate: (&str, &str), touched: &[(&str, &str)]) -> OutboxEvent {
        OutboxEvent {
            occurred_at: None,
            service: service.into(),
            id: "e1".into(),
            aggregate_type: aggregate.0.into(),
            aggregate_id: aggregate.1.into(),
            event_type: "Changed".into(),
            touched: touched
                .iter()
                .map(|(t, id)| EntityRef::new(t, id))
                .collect(),
            payload: "{}".into(),
        }
    }

    #[test]
    fn events_drop_their_aggregate_and_the_entities_they_touched() {
        let e = event(
            "events",
            ("Event", "r1"),
            &[
                ("Series", "s1"),
                ("Practice", "p1"),
                ("Practice", "p2"),
                ("LocalGovernment", "11000"),
                ("Registration", "not cached"),
            ],
        );
        assert_eq!(
            stale_keys(&e),
            [
                "entity:event:r1",
                "entity:local-government:11000",
                "entity:practice:p1",
                "entity:practice:p2",
                "entity:series:s1",
            ]
        );
        let untyped = OutboxEvent {
            aggregate_type: String::new(),
            touched: Vec::new(),
            ..e
        };
        assert_eq!(
            stale_keys(&untyped),
            ["entity:event:r1", "entity:series:r1"]
        );
    }

    #[test]
    fn uuid_keys_are_canonical() {
        let id = "6F9619FF-8B86-D011-B42D-00C04FC964FF";
        assert_eq!(
            key(EntityKind::Event, id),
            key(EntityKind::Event, &id.to_lowercase())
        );
        assert_eq!(key(EntityKind::Area, "Urban"), "entity:area:Urban");
    }

    #[test]
    fn only_the_public_view_is_shared() {
        let c = |roles: &[Role]| Caller::new("s", "S", "11000", roles.iter().copied());
        assert!(shareable(None));
        assert!(shareable(Some(&c(&[Role::LocalOfficial]))));
        assert!(shareable(Some(&c(&[Role::Partner]))));
        assert!(!shareable(Some(&c(&[Role::BureauStaff]))));
        assert!(!shareable(Some(&c(&[
            Role::LocalOfficial,
            Role::BureauAdmin
        ]))));
    }

    fn lg(code: &str, name: &str) -> LocalGovernment {
        LocalGovernment {
            code: code.into(),
            name: Some(glocal_proto::common::v1::LocalizedText {
                en: name.into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn batches_fetch_only_misses_and_events_drop_entries() {
        let cache = EntityCache::new(Cache::memory(), Duration::from_secs(60));
        let calls = AtomicUsize::new(0);
        let fetch = |name: &'static str| {
            let calls = &calls;
            move |ids: Vec<String>| async move {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok(ids
                    .iter()
                    .filter(|id| id.as_str() != "none")
                    .map(|id| (id.clone(), lg(id, name)))
                    .collect::<HashMap<_, _>>())
            }
        };
        let ids = ["o1".to_owned(), "o2".to_owned(), "none".to_owned()];
        let kind = EntityKind::Organisation;
        let first = cache.batch(kind, None, &ids, fetch("old")).await.unwrap();
        assert_eq!(first.len(), 2);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let second = cache.batch(kind, None, &ids[..2], fetch("old")).await;
        assert_eq!(second.unwrap(), first);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "all hits: no call");

        // Staff never read nor fill the shared cache.
        let staff = Caller::new("s", "S", "GAOK", [Role::BureauStaff]);
        let staff_read = cache.batch(kind, Some(&staff), &ids[..1], fetch("staff"));
        assert_eq!(
            staff_read.await.unwrap()["o1"].name.as_ref().unwrap().en,
            "staff"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);

        // Local governments are the same for everyone: staff read them through the cache.
        let lg = EntityKind::LocalGovernment;
        cache.batch(lg, None, &ids[..1], fetch("lg")).await.unwrap();
        cache
            .batch(lg, Some(&staff), &ids[..1], fetch("lg"))
            .await
            .unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        let change = event("research", ("Relationship", "x"), &[("Organisation", "o1")]);
        cache.invalidate(&change).await;
        let third = cache
            .batch(kind, None, &ids[..2], fetch("new"))
            .await
            .unwrap();
        assert_eq!(
            calls.load(Ordering::SeqCst),
            4,
            "one call for the dropped entry"
        );
        assert_eq!(third["o1"].name.as_ref().unwrap().en, "new");
        assert_eq!(third["o2"].name.as_ref().unwrap().en, "old");
    }

    #[tokio::test]
    async fn a_change_to_an_embedded_entity_drops_its_parent() {
        let cache = EntityCache::new(Cache::memory(), Duration::from_secs(60));
        let calls = AtomicUsize::new(0);
        let fetch = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok(lg("P1", "programme"))
        };
        let parts = |_: &LocalGovernment| vec!["E1".to_owned()];
        for _ in 0..2 {
            cache
                .one_with_parts(EntityKind::Programme, None, "P1", fetch, parts)
                .await
                .unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        cache
            .invalidate(&event(
                "training",
                ("Application", "A1"),
                &[("Edition", "E1")],
            ))
            .await;
        cache
            .one_with_parts(EntityKind::Programme, None, "P1", fetch, parts)
            .await
            .unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
