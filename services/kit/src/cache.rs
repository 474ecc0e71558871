//! The cache: Redis when configured, otherwise an in-process map. Redis is an accelerator,
//! never a dependency: a Redis error is logged and treated as a miss, so callers fall back
//! to the source of truth.
//!
//! A Redis-backed cache may get an in-process first level ([`Cache::with_local_tier`]): a
//! bounded map whose entries live a short time, read before Redis and kept in step by
//! [`Cache::delete`] / [`Cache::delete_many`] (which the gateway calls for every change
//! event, on every replica).
//!
//! Batch reads ([`Cache::get_many`], one `MGET`) and writes ([`Cache::set_many`], one
//! pipeline) serve DataLoaders. A [`FillTicket`] taken before reading the source of truth
//! keeps a slow read from writing back a value that a delete made stale meanwhile. While
//! the deletes cannot be trusted to arrive (the gateway cannot read the change events) the
//! batch API is suspended ([`Cache::suspend`]): every batch read misses, nothing is stored,
//! and the first level is empty, so nothing stale is served.
//!
//! A Redis-backed cache has two tiers and moves between them on its own: **shared** while
//! Redis answers, **local** (an in-process map of this process alone) while it does not. It
//! starts local and joins the shared tier as soon as a `PING` answers (a background probe
//! with backoff, so start-up never waits for Redis); a failed command sends it back to local
//! and the probe starts again. Deletes made while local are replayed on Redis before the
//! cache serves from it again, and the local map is emptied, so neither tier outlives the
//! other's changes. The gauge `cache_tier{tier}` (1 for the tier in use) and [`Cache::tier`]
//! say which one serves.
//!
//! Every read counts in `cache_requests_total{layer, backend, result}` (`layer`: `local`
//! for the first level, `shared` for Redis or the in-process store; `result`: `hit`,
//! `miss`, `error`), so dashboards can show the hit ratio; every Redis command runs in a
//! client span (`redis GET`, …) of the current trace.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use tracing::Instrument;

/// A byte cache with per-entry time-to-live.
#[derive(Clone)]
pub struct Cache {
    inner: Inner,
    prefix: Arc<str>,
    local: Option<Arc<LocalTier>>,
    deletes: Arc<Deletes>,
    deadline: Duration,
    batches_suspended: Arc<AtomicBool>,
}

/// How long one Redis command may take before it counts as failed (a miss): Redis is an
/// accelerator, and while it reconnects a command would otherwise wait for it.
pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(500);

/// `command`, failed when it takes longer than `deadline`.
async fn within<T>(
    deadline: Duration,
    command: impl std::future::Future<Output = redis::RedisResult<T>>,
) -> redis::RedisResult<T> {
    tokio::time::timeout(deadline, command)
        .await
        .unwrap_or_else(|_| {
            Err(redis::RedisError::from((
                redis::ErrorKind::Io,
                "Redis did not answer in time",
            )))
        })
}

/// The in-process first level in front of Redis.
struct LocalTier {
    map: Mutex<HashMap<String, (Vec<u8>, Instant)>>,
    capacity: usize,
    ttl: Duration,
    suspended: AtomicBool,
}

/// How long a delete is remembered for [`FillTicket`] checks: longer than any read of the
/// source of truth takes.
const DELETE_MEMORY: Duration = Duration::from_secs(60);

/// Recent deletes, numbered, so a fill can tell whether its key was deleted after it
/// started reading the source of truth.
#[derive(Default)]
struct Deletes {
    counter: AtomicU64,
    recent: Mutex<HashMap<String, (u64, Instant)>>,
    prefixes: Mutex<Vec<(String, u64, Instant)>>,
}

impl Deletes {
    fn record(&self, keys: &[String]) {
        let number = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        let now = Instant::now();
        let mut recent = lock(&self.recent);
        if recent.len() > 10_000 {
            recent.retain(|_, (_, at)| now.duration_since(*at) < DELETE_MEMORY);
        }
        for key in keys {
            recent.insert(key.clone(), (number, now));
        }
    }

    fn deleted_since(&self, key: &str, ticket: FillTicket) -> bool {
        if self.counter.load(Ordering::SeqCst) == ticket.0 {
            return false;
        }
        let mut prefixes = lock(&self.prefixes);
        prefixes.retain(|(_, _, at)| at.elapsed() < DELETE_MEMORY);
        if prefixes
            .iter()
            .any(|(prefix, number, _)| *number > ticket.0 && key.starts_with(prefix.as_str()))
        {
            return true;
        }
        drop(prefixes);
        lock(&self.recent)
            .get(key)
            .is_some_and(|(number, _)| *number > ticket.0)
    }
}

/// Taken before reading the source of truth; [`Cache::set_many`] skips the keys deleted
/// after it was taken (their value may predate the change that deleted them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillTicket(u64);

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl LocalTier {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        if self.suspended.load(Ordering::Relaxed) {
            return None;
        }
        let mut map = lock(&self.map);
        match map.get(key) {
            Some((v, exp)) if *exp > Instant::now() => Some(v.clone()),
            Some(_) => {
                map.remove(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: &str, value: &[u8], ttl: Duration) {
        if self.suspended.load(Ordering::Relaxed) || self.capacity == 0 {
            return;
        }
        let now = Instant::now();
        let expiry = now + ttl.min(self.ttl);
        let mut map = lock(&self.map);
        if map.len() >= self.capacity && !map.contains_key(key) {
            map.retain(|_, (_, exp)| *exp > now);
            if map.len() >= self.capacity {
                // Still full of live entries: drop the eighth that expires first.
                let mut expiries: Vec<Instant> = map.values().map(|(_, exp)| *exp).collect();
                let cut = (self.capacity / 8).max(1).min(expiries.len() - 1);
                let (_, cutoff, _) = expiries.select_nth_unstable(cut);
                let cutoff = *cutoff;
                map.retain(|_, (_, exp)| *exp > cutoff);
            }
        }
        map.insert(key.to_owned(), (value.to_vec(), expiry));
    }

    fn remove(&self, keys: &[String]) {
        let mut map = lock(&self.map);
        for key in keys {
            map.remove(key);
        }
    }
}

/// The in-process store: key → (value, expiry).
type MemoryMap = Arc<Mutex<HashMap<String, (Vec<u8>, Instant)>>>;

#[derive(Clone)]
enum Inner {
    Memory(MemoryMap),
    Redis(Arc<SharedTier>),
}

/// Which store serves a cache: Redis, shared by every process with the same prefix, or
/// this process' own map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Redis answers: every replica sees the same entries.
    Shared,
    /// In-process only (no Redis configured, or Redis does not answer now).
    Local,
}

impl Tier {
    /// `shared` or `local` (metric label and readiness detail).
    pub const fn as_str(self) -> &'static str {
        match self {
            Tier::Shared => "shared",
            Tier::Local => "local",
        }
    }
}

/// Most keys remembered for replay while Redis is down; beyond, deletes are lost (logged).
const MISSED_DELETES_CAP: usize = 100_000;

/// Longest wait between two probes of a Redis that does not answer.
const PROBE_MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Deletes made while Redis did not answer, to replay on it before it serves again.
#[derive(Default)]
struct MissedDeletes {
    keys: std::collections::HashSet<String>,
    prefixes: Vec<String>,
    overflowed: bool,
}

/// Redis behind a cache, with the local map that serves while Redis does not answer.
struct SharedTier {
    conn: redis::aio::ConnectionManager,
    /// True while Redis serves (the shared tier).
    up: AtomicBool,
    /// True while a probe task runs.
    probing: AtomicBool,
    /// The local tier: serves while `up` is false; emptied when Redis serves again.
    fallback: MemoryMap,
    missed: Mutex<MissedDeletes>,
    deadline: Duration,
}

impl SharedTier {
    /// Counts a failed command: a connection failure or timeout sends the cache to the local
    /// tier and starts the probe.
    fn failed(self: &Arc<Self>, error: &redis::RedisError) {
        let lost = error.is_io_error()
            || error.is_timeout()
            || error.is_connection_dropped()
            || error.is_connection_refusal();
        if lost && self.up.swap(false, Ordering::SeqCst) {
            tracing::warn!(%error, "Redis does not answer; cache on the local tier");
            set_tier_gauge(Tier::Local);
            self.probe();
        }
    }

    /// Starts the probe unless one runs: `PING` with backoff until Redis answers, then the
    /// missed deletes are replayed and the shared tier serves again. The task ends when
    /// every clone of the cache is gone.
    fn probe(self: &Arc<Self>) {
        if self.probing.swap(true, Ordering::SeqCst) {
            return;
        }
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut backoff = Duration::from_millis(100);
            loop {
                let Some(tier) = weak.upgrade() else { return };
                if tier.try_join().await {
                    tier.probing.store(false, Ordering::SeqCst);
                    return;
                }
                drop(tier);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(PROBE_MAX_BACKOFF);
            }
        });
    }

    /// One attempt to (re)join the shared tier.
    async fn try_join(&self) -> bool {
        let mut conn = self.conn.clone();
        let ping = within(
            self.deadline,
            redis::cmd("PING")
                .query_async::<String>(&mut conn)
                .instrument(redis_span("PING")),
        )
        .await;
        if ping.is_err() || self.replay(&mut conn).await.is_err() {
            return false;
        }
        lock(&self.fallback).clear();
        self.up.store(true, Ordering::SeqCst);
        // Deletes recorded between the replay and `up`.
        if self.replay(&mut conn).await.is_err() {
            self.up.store(false, Ordering::SeqCst);
            return false;
        }
        set_tier_gauge(Tier::Shared);
        tracing::info!("Redis answers; cache on the shared tier");
        self.report_persistence(&mut conn).await;
        true
    }

    /// Sets `redis_append_only` (1 when Redis keeps an append-only file, so change events
    /// survive its restart) and warns when it does not.
    async fn report_persistence(&self, conn: &mut redis::aio::ConnectionManager) {
        let info = within(
            self.deadline,
            redis::cmd("INFO")
                .arg("persistence")
                .query_async::<String>(conn)
                .instrument(redis_span("INFO")),
        )
        .await;
        let Ok(info) = info else { return };
        let append_only = info.lines().any(|l| l.trim() == "aof_enabled:1");
        metrics::gauge!("redis_append_only").set(if append_only { 1.0 } else { 0.0 });
        if !append_only {
            tracing::warn!(
                "Redis runs without append-only persistence: a restart loses unread change events"
            );
        }
    }

    /// Replays the deletes made while Redis did not answer.
    async fn replay(&self, conn: &mut redis::aio::ConnectionManager) -> redis::RedisResult<()> {
        let missed = std::mem::take(&mut *lock(&self.missed));
        if missed.overflowed {
            tracing::warn!(
                cap = MISSED_DELETES_CAP,
                "more cache deletes were missed while Redis was down than remembered"
            );
        }
        let keys: Vec<String> = missed.keys.iter().cloned().collect();
        let outcome = async {
            for chunk in keys.chunks(1_000) {
                within(
                    self.deadline,
                    conn.del::<_, ()>(chunk).instrument(redis_span("DEL")),
                )
                .await?;
            }
            for prefix in &missed.prefixes {
                delete_matching(conn, prefix, self.deadline).await?;
            }
            Ok(())
        }
        .await;
        if outcome.is_err() {
            // Keep them for the next attempt.
            let mut again = lock(&self.missed);
            again.keys.extend(missed.keys);
            again.prefixes.extend(missed.prefixes);
        }
        outcome
    }

    /// Remembers deletes made on the local tier.
    fn remember(&self, keys: &[String], prefix: Option<&str>) {
        let mut missed = lock(&self.missed);
        if let Some(prefix) = prefix {
            missed.prefixes.push(prefix.to_owned());
        }
        for key in keys {
            if missed.keys.len() >= MISSED_DELETES_CAP {
                missed.overflowed = true;
                break;
            }
            missed.keys.insert(key.clone());
        }
    }
}

/// Sets `cache_tier{tier}`: 1 for `tier`, 0 for the other.
fn set_tier_gauge(tier: Tier) {
    for t in [Tier::Shared, Tier::Local] {
        metrics::gauge!("cache_tier", "tier" => t.as_str()).set(if t == tier { 1.0 } else { 0.0 });
    }
}

/// Deletes every key matching `full*` (`SCAN` + `DEL`).
async fn delete_matching(
    conn: &mut redis::aio::ConnectionManager,
    full: &str,
    deadline: Duration,
) -> redis::RedisResult<()> {
    let pattern = format!("{}*", glob_escape(full));
    let mut cursor: u64 = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = within(
            deadline,
            redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1_000)
                .query_async(conn)
                .instrument(redis_span("SCAN")),
        )
        .await?;
        if !keys.is_empty() {
            within(
                deadline,
                conn.del::<_, ()>(&keys).instrument(redis_span("DEL")),
            )
            .await?;
        }
        if next == 0 {
            return Ok(());
        }
        cursor = next;
    }
}

/// The store a command goes to now.
enum Backend<'a> {
    Memory(&'a MemoryMap),
    Redis(&'a Arc<SharedTier>),
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.inner {
            Inner::Memory(_) => "memory",
            Inner::Redis(_) => "redis",
        };
        f.debug_struct("Cache")
            .field("kind", &kind)
            .field("tier", &self.tier())
            .field("prefix", &self.prefix)
            .field("local_tier", &self.local.as_ref().map(|l| l.capacity))
            .finish()
    }
}

/// The Redis URL is not one.
#[derive(Debug, thiserror::Error)]
#[error("cannot connect to Redis: {0}")]
pub struct CacheConnectError(#[from] redis::RedisError);

impl Cache {
    /// An in-process cache (no Redis).
    pub fn memory() -> Cache {
        Cache {
            inner: Inner::Memory(Arc::default()),
            prefix: Arc::from(""),
            local: None,
            deletes: Arc::default(),
            deadline: DEFAULT_DEADLINE,
            batches_suspended: Arc::default(),
        }
    }

    /// Redis at `url` when it is non-empty, else in-process. Keys get `prefix`.
    ///
    /// Returns at once, on the local tier: a background probe joins the shared tier as
    /// soon as Redis answers ([`Cache::wait_for_shared`] waits for it). Fails only on a
    /// malformed URL.
    pub async fn connect(url: &str, prefix: &str) -> Result<Cache, CacheConnectError> {
        if url.is_empty() {
            set_tier_gauge(Tier::Local);
            return Ok(Cache {
                prefix: Arc::from(prefix),
                ..Cache::memory()
            });
        }
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(DEFAULT_DEADLINE))
            .set_response_timeout(Some(DEFAULT_DEADLINE))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        let manager = redis::aio::ConnectionManager::new_lazy_with_config(client, config)?;
        let tier = Arc::new(SharedTier {
            conn: manager,
            up: AtomicBool::new(false),
            probing: AtomicBool::new(false),
            fallback: MemoryMap::default(),
            missed: Mutex::default(),
            deadline: DEFAULT_DEADLINE,
        });
        set_tier_gauge(Tier::Local);
        tier.probe();
        Ok(Cache {
            inner: Inner::Redis(tier),
            prefix: Arc::from(prefix),
            local: None,
            deletes: Arc::default(),
            deadline: DEFAULT_DEADLINE,
            batches_suspended: Arc::default(),
        })
    }

    /// This cache with an in-process first level of at most `capacity` entries, each kept
    /// at most `ttl`, shared by every clone made from the result. Only a Redis-backed
    /// cache gets one (the in-process store needs none); `capacity` 0 means none.
    pub fn with_local_tier(mut self, capacity: usize, ttl: Duration) -> Cache {
        if self.is_redis() && capacity > 0 {
            self.local = Some(Arc::new(LocalTier {
                map: Mutex::default(),
                capacity,
                ttl,
                suspended: AtomicBool::new(false),
            }));
        }
        self
    }

    /// This cache with Redis commands failing (as misses) after `deadline` instead of
    /// [`DEFAULT_DEADLINE`].
    pub fn with_deadline(mut self, deadline: Duration) -> Cache {
        self.deadline = deadline;
        self
    }

    /// The tier serving now.
    pub fn tier(&self) -> Tier {
        match &self.inner {
            Inner::Redis(tier) if tier.up.load(Ordering::SeqCst) => Tier::Shared,
            _ => Tier::Local,
        }
    }

    /// Waits up to `timeout` for the shared tier; true once on it.
    pub async fn wait_for_shared(&self, timeout: Duration) -> bool {
        let until = Instant::now() + timeout;
        loop {
            if self.tier() == Tier::Shared {
                return true;
            }
            if !self.is_redis() || Instant::now() >= until {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Where a command goes now: Redis on the shared tier, else the local map.
    fn backend(&self) -> Backend<'_> {
        match &self.inner {
            Inner::Memory(map) => Backend::Memory(map),
            Inner::Redis(tier) if tier.up.load(Ordering::SeqCst) => Backend::Redis(tier),
            Inner::Redis(tier) => Backend::Memory(&tier.fallback),
        }
    }

    /// Remembers deletes made on the local tier of a Redis-backed cache.
    fn remember_deletes(&self, keys: &[String], prefix: Option<&str>) {
        if let Inner::Redis(tier) = &self.inner {
            tier.remember(keys, prefix);
        }
    }

    /// Suspends the batch API until [`Cache::resume`]: [`Cache::get_many`] misses without
    /// asking anyone, [`Cache::set_many`] stores nothing, and the first level is emptied
    /// and unused. Single-key reads and writes (content that never goes stale, such as
    /// persisted queries) and deletes still reach Redis.
    pub fn suspend(&self) {
        let was = self.batches_suspended.swap(true, Ordering::SeqCst);
        if let Some(local) = &self.local {
            local.suspended.store(true, Ordering::SeqCst);
            lock(&local.map).clear();
        }
        if !was {
            tracing::info!("cache batches suspended");
        }
    }

    /// Ends [`Cache::suspend`].
    pub fn resume(&self) {
        if let Some(local) = &self.local {
            local.suspended.store(false, Ordering::SeqCst);
        }
        if self.batches_suspended.swap(false, Ordering::SeqCst) {
            tracing::info!("cache batches resumed");
        }
    }

    /// True while [`Cache::suspend`] is in effect.
    pub fn is_suspended(&self) -> bool {
        self.batches_suspended.load(Ordering::SeqCst)
    }

    /// Removes every key that starts with `key_prefix` (after this cache's prefix) from
    /// both levels (`SCAN` + `DEL` on Redis); a fill that started earlier will not write
    /// such a key back.
    pub async fn delete_prefixed(&self, key_prefix: &str) -> redis::RedisResult<()> {
        let full = self.key(key_prefix);
        {
            let number = self.deletes.counter.fetch_add(1, Ordering::SeqCst) + 1;
            lock(&self.deletes.prefixes).push((full.clone(), number, Instant::now()));
        }
        if let Some(local) = &self.local {
            lock(&local.map).retain(|k, _| !k.starts_with(&full));
        }
        let tier = match self.backend() {
            Backend::Memory(map) => {
                lock(map).retain(|k, _| !k.starts_with(&full));
                self.remember_deletes(&[], Some(&full));
                return Ok(());
            }
            Backend::Redis(tier) => tier,
        };
        let mut conn = tier.conn.clone();
        let outcome = delete_matching(&mut conn, &full, self.deadline).await;
        if let Err(error) = &outcome {
            tier.failed(error);
            tier.remember(&[], Some(&full));
        }
        outcome
    }

    /// The key prefix of this cache (empty for the in-process store).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// True when backed by Redis.
    pub fn is_redis(&self) -> bool {
        matches!(self.inner, Inner::Redis(_))
    }

    fn key(&self, key: &str) -> String {
        let mut k = String::with_capacity(self.prefix.len() + key.len());
        k.push_str(&self.prefix);
        k.push_str(key);
        k
    }

    /// The value under `key`, if present and fresh.
    pub async fn get(&self, key: &str) -> Option<Vec<u8>> {
        let key = self.key(key);
        if let Some(local) = &self.local {
            let value = local.get(&key);
            count_read("local", "memory", value.is_some());
            if value.is_some() {
                return value;
            }
        }
        let (backend, value, result) = match self.backend() {
            Backend::Memory(map) => {
                let mut map = map
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let value = match map.get(&key) {
                    Some((v, exp)) if *exp > Instant::now() => Some(v.clone()),
                    Some(_) => {
                        map.remove(&key);
                        None
                    }
                    None => None,
                };
                let result = if value.is_some() { "hit" } else { "miss" };
                ("memory", value, result)
            }
            Backend::Redis(tier) => {
                let mut conn = tier.conn.clone();
                match within(
                    self.deadline,
                    conn.get::<_, Option<Vec<u8>>>(&key)
                        .instrument(redis_span("GET")),
                )
                .await
                {
                    Ok(Some(v)) => ("redis", Some(v), "hit"),
                    Ok(None) => ("redis", None, "miss"),
                    Err(error) => {
                        tier.failed(&error);
                        tracing::warn!(%error, "cache read failed; treating as a miss");
                        ("redis", None, "error")
                    }
                }
            }
        };
        metrics::counter!("cache_requests_total", "layer" => "shared", "backend" => backend, "result" => result)
            .increment(1);
        if let (Some(local), Some(v)) = (&self.local, &value) {
            local.put(&key, v, local.ttl);
        }
        value
    }

    /// The values under `keys`, in order (`None` where absent, stale or unreadable): the
    /// first level, then one `MGET` for the rest.
    pub async fn get_many(&self, keys: &[String]) -> Vec<Option<Vec<u8>>> {
        if self.is_suspended() {
            return vec![None; keys.len()];
        }
        let full: Vec<String> = keys.iter().map(|k| self.key(k)).collect();
        let mut values: Vec<Option<Vec<u8>>> = vec![None; keys.len()];
        let mut wanted: Vec<usize> = Vec::with_capacity(keys.len());
        for (i, key) in full.iter().enumerate() {
            match &self.local {
                Some(local) => {
                    values[i] = local.get(key);
                    count_read("local", "memory", values[i].is_some());
                    if values[i].is_none() {
                        wanted.push(i);
                    }
                }
                None => wanted.push(i),
            }
        }
        if wanted.is_empty() {
            return values;
        }
        match self.backend() {
            Backend::Memory(map) => {
                let now = Instant::now();
                let mut map = lock(map);
                for i in wanted {
                    values[i] = match map.get(&full[i]) {
                        Some((v, exp)) if *exp > now => Some(v.clone()),
                        Some(_) => {
                            map.remove(&full[i]);
                            None
                        }
                        None => None,
                    };
                    count_read("shared", "memory", values[i].is_some());
                }
            }
            Backend::Redis(tier) => {
                let mut conn = tier.conn.clone();
                let asked: Vec<&String> = wanted.iter().map(|&i| &full[i]).collect();
                let answer = within(
                    self.deadline,
                    redis::cmd("MGET")
                        .arg(&asked)
                        .query_async::<Vec<Option<Vec<u8>>>>(&mut conn)
                        .instrument(redis_span("MGET")),
                )
                .await;
                match answer {
                    Ok(found) if found.len() == wanted.len() => {
                        for (i, value) in wanted.into_iter().zip(found) {
                            count_read("shared", "redis", value.is_some());
                            if let (Some(local), Some(v)) = (&self.local, &value) {
                                local.put(&full[i], v, local.ttl);
                            }
                            values[i] = value;
                        }
                    }
                    Ok(_) => {
                        tracing::warn!(
                            "cache batch read answered the wrong count; treating as misses"
                        );
                        count_errors(wanted.len());
                    }
                    Err(error) => {
                        tier.failed(&error);
                        tracing::warn!(%error, "cache batch read failed; treating as misses");
                        count_errors(wanted.len());
                    }
                }
            }
        }
        values
    }

    /// A ticket to take before reading the values that will be given to
    /// [`Cache::set_many`].
    pub fn fill_ticket(&self) -> FillTicket {
        FillTicket(self.deletes.counter.load(Ordering::SeqCst))
    }

    /// Stores every `(key, value)` for `ttl` (one pipeline), except the keys deleted since
    /// `ticket` was taken.
    pub async fn set_many(&self, entries: &[(String, Vec<u8>)], ttl: Duration, ticket: FillTicket) {
        if self.is_suspended() {
            return;
        }
        let fresh: Vec<(String, &[u8])> = entries
            .iter()
            .map(|(k, v)| (self.key(k), v.as_slice()))
            .filter(|(k, _)| !self.deletes.deleted_since(k, ticket))
            .collect();
        if fresh.is_empty() {
            return;
        }
        if let Some(local) = &self.local {
            for (k, v) in &fresh {
                local.put(k, v, ttl);
            }
        }
        match self.backend() {
            Backend::Memory(map) => {
                let expiry = Instant::now() + ttl;
                let mut map = lock(map);
                for (k, v) in fresh {
                    map.insert(k, (v.to_vec(), expiry));
                }
            }
            Backend::Redis(tier) => {
                let mut conn = tier.conn.clone();
                let secs = ttl.as_secs().max(1);
                let mut pipe = redis::pipe();
                for (k, v) in &fresh {
                    pipe.set_ex(k, *v, secs).ignore();
                }
                if let Err(error) = within(
                    self.deadline,
                    pipe.query_async::<()>(&mut conn)
                        .instrument(redis_span("SETEX")),
                )
                .await
                {
                    tier.failed(&error);
                    tracing::warn!(%error, "cache batch write failed");
                }
            }
        }
    }

    /// Removes every key of `keys` from both levels (one `DEL`).
    pub async fn delete_many(&self, keys: &[String]) {
        if keys.is_empty() {
            return;
        }
        let full: Vec<String> = keys.iter().map(|k| self.key(k)).collect();
        self.deletes.record(&full);
        if let Some(local) = &self.local {
            local.remove(&full);
        }
        match self.backend() {
            Backend::Memory(map) => {
                let mut map = lock(map);
                for k in &full {
                    map.remove(k);
                }
                self.remember_deletes(&full, None);
            }
            Backend::Redis(tier) => {
                let mut conn = tier.conn.clone();
                if let Err(error) = within(
                    self.deadline,
                    conn.del::<_, ()>(&full).instrument(redis_span("DEL")),
                )
                .await
                {
                    tier.failed(&error);
                    tier.remember(&full, None);
                    tracing::warn!(%error, "cache delete failed");
                }
            }
        }
    }

    /// Stores `value` under `key` for `ttl`.
    pub async fn set(&self, key: &str, value: &[u8], ttl: Duration) {
        let key = self.key(key);
        if let Some(local) = &self.local {
            local.put(&key, value, ttl);
        }
        match self.backend() {
            Backend::Memory(map) => {
                let mut map = map
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                map.insert(key, (value.to_vec(), Instant::now() + ttl));
            }
            Backend::Redis(tier) => {
                let mut conn = tier.conn.clone();
                let secs = ttl.as_secs().max(1);
                if let Err(error) = within(
                    self.deadline,
                    conn.set_ex::<_, _, ()>(&key, value, secs)
                        .instrument(redis_span("SETEX")),
                )
                .await
                {
                    tier.failed(&error);
                    tracing::warn!(%error, "cache write failed");
                }
            }
        }
    }

    /// Removes `key`.
    pub async fn delete(&self, key: &str) {
        let key = self.key(key);
        self.deletes.record(std::slice::from_ref(&key));
        if let Some(local) = &self.local {
            local.remove(std::slice::from_ref(&key));
        }
        match self.backend() {
            Backend::Memory(map) => {
                lock(map).remove(&key);
                self.remember_deletes(std::slice::from_ref(&key), None);
            }
            Backend::Redis(tier) => {
                let mut conn = tier.conn.clone();
                if let Err(error) = within(
                    self.deadline,
                    conn.del::<_, ()>(&key).instrument(redis_span("DEL")),
                )
                .await
                {
                    tier.failed(&error);
                    tier.remember(std::slice::from_ref(&key), None);
                    tracing::warn!(%error, "cache delete failed");
                }
            }
        }
    }
}

/// `text` with Redis glob characters escaped.
fn glob_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Counts one read of `layer`.
fn count_read(layer: &'static str, backend: &'static str, hit: bool) {
    let result = if hit { "hit" } else { "miss" };
    metrics::counter!("cache_requests_total", "layer" => layer, "backend" => backend, "result" => result)
        .increment(1);
}

/// Counts `n` failed Redis reads.
fn count_errors(n: usize) {
    metrics::counter!("cache_requests_total", "layer" => "shared", "backend" => "redis", "result" => "error")
        .increment(n as u64);
}

/// The client span of one Redis command.
fn redis_span(command: &'static str) -> tracing::Span {
    tracing::info_span!(
        "redis",
        otel.name = command,
        otel.kind = "client",
        db.system = "redis",
        db.operation = command
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Redis-backed cache on the shared tier.
    async fn shared(url: &str, prefix: &str) -> Cache {
        let cache = Cache::connect(url, prefix).await.expect("a Redis URL");
        assert!(
            cache.wait_for_shared(Duration::from_secs(5)).await,
            "test Redis is reachable"
        );
        cache
    }

    async fn exercise(cache: Cache) {
        assert_eq!(cache.get("a").await, None);
        cache.set("a", b"1", Duration::from_secs(60)).await;
        assert_eq!(cache.get("a").await.as_deref(), Some(&b"1"[..]));
        cache.delete("a").await;
        assert_eq!(cache.get("a").await, None);
    }

    #[tokio::test]
    async fn memory_cache_stores_and_expires() {
        let cache = Cache::memory();
        exercise(cache.clone()).await;
        cache.set("b", b"2", Duration::from_millis(1)).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(cache.get("b").await, None);
    }

    #[tokio::test]
    async fn redis_cache_stores_under_its_prefix() {
        let prefix = crate::testing::redis_prefix();
        let cache = shared(&crate::testing::redis_url(), &prefix).await;
        assert!(cache.is_redis());
        exercise(cache.clone()).await;
        cache.set("c", b"3", Duration::from_secs(60)).await;
        let other = shared(
            &crate::testing::redis_url(),
            &crate::testing::redis_prefix(),
        )
        .await;
        assert_eq!(
            other.get("c").await,
            None,
            "another prefix must not see this entry"
        );
        cache.delete("c").await;
    }

    async fn exercise_batches(cache: Cache) {
        let keys: Vec<String> = ["x", "y", "z"].iter().map(|k| (*k).to_owned()).collect();
        assert_eq!(cache.get_many(&keys).await, vec![None, None, None]);
        let ticket = cache.fill_ticket();
        cache
            .set_many(
                &[("x".into(), b"1".to_vec()), ("z".into(), b"3".to_vec())],
                Duration::from_secs(60),
                ticket,
            )
            .await;
        assert_eq!(
            cache.get_many(&keys).await,
            vec![Some(b"1".to_vec()), None, Some(b"3".to_vec())]
        );
        // A fill that started before a delete must not write its (stale) value back.
        let stale = cache.fill_ticket();
        cache.delete_many(&["x".to_owned()]).await;
        cache
            .set_many(
                &[("x".into(), b"old".to_vec()), ("y".into(), b"2".to_vec())],
                Duration::from_secs(60),
                stale,
            )
            .await;
        assert_eq!(
            cache.get_many(&keys).await,
            vec![None, Some(b"2".to_vec()), Some(b"3".to_vec())]
        );
        cache.delete_many(&keys).await;
        assert_eq!(cache.get_many(&keys).await, vec![None, None, None]);
    }

    #[tokio::test]
    async fn batches_read_and_write_many_keys_in_memory() {
        exercise_batches(Cache::memory()).await;
    }

    #[tokio::test]
    async fn batches_read_and_write_many_keys_in_redis_with_a_local_tier() {
        let cache = shared(
            &crate::testing::redis_url(),
            &crate::testing::redis_prefix(),
        )
        .await
        .with_local_tier(2, Duration::from_secs(60));
        exercise_batches(cache.clone()).await;

        // The first level answers without Redis: another client's write is not seen until
        // the entry is deleted or the cache suspended.
        let other = shared(&crate::testing::redis_url(), cache.prefix()).await;
        cache.set("k", b"local", Duration::from_secs(60)).await;
        other.set("k", b"remote", Duration::from_secs(60)).await;
        assert_eq!(cache.get("k").await.as_deref(), Some(&b"local"[..]));
        cache.suspend();
        assert_eq!(cache.get("k").await.as_deref(), Some(&b"remote"[..]));
        assert_eq!(cache.get_many(&["k".to_owned()]).await, vec![None]);
        cache
            .set_many(
                &[("s".into(), b"1".to_vec())],
                Duration::from_secs(60),
                cache.fill_ticket(),
            )
            .await;
        cache.resume();
        assert_eq!(
            cache.get_many(&["s".to_owned()]).await,
            vec![None],
            "nothing stored while suspended"
        );
        assert_eq!(
            cache.get_many(&["k".to_owned()]).await,
            vec![Some(b"remote".to_vec())]
        );

        // A prefix delete drops every matching key, and stale fills of them.
        let ticket = cache.fill_ticket();
        for k in ["entity:1", "entity:2", "other"] {
            cache.set(k, b"v", Duration::from_secs(60)).await;
        }
        cache.delete_prefixed("entity").await.unwrap();
        cache
            .set_many(
                &[("entity:3".into(), b"old".to_vec())],
                Duration::from_secs(60),
                ticket,
            )
            .await;
        let keys = ["entity:1", "entity:2", "entity:3", "other"].map(str::to_owned);
        assert_eq!(
            other.get_many(&keys).await,
            vec![None, None, None, Some(b"v".to_vec())]
        );
        cache.delete("other").await;

        // Bounded: filling past capacity evicts, never grows.
        for k in ["a", "b", "c", "d"] {
            cache.set(k, k.as_bytes(), Duration::from_secs(60)).await;
        }
        let local = cache.local.as_ref().unwrap();
        assert!(lock(&local.map).len() <= 2);
        cache
            .delete_many(&["a", "b", "c", "d", "k"].map(str::to_owned))
            .await;
    }

    #[tokio::test]
    async fn a_cache_started_without_redis_joins_the_shared_tier_when_redis_appears() {
        let mut server = crate::testing::RedisServer::new(false);
        let started = Instant::now();
        let cache = Cache::connect(&server.url(), "t:").await.unwrap();
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "start-up does not wait for Redis"
        );
        assert_eq!(cache.tier(), Tier::Local);
        // The local tier serves meanwhile.
        cache.set("apq", b"query", Duration::from_secs(60)).await;
        assert_eq!(cache.get("apq").await.as_deref(), Some(&b"query"[..]));

        server.start();
        let other = shared(&server.url(), "t:").await;
        other.set("seen", b"by both", Duration::from_secs(60)).await;
        other.set("gone", b"stale", Duration::from_secs(60)).await;
        cache.delete("gone").await;
        assert!(cache.wait_for_shared(Duration::from_secs(10)).await);
        assert_eq!(
            cache.get("seen").await.as_deref(),
            Some(&b"by both"[..]),
            "the late cache reads what another process stored"
        );
        assert_eq!(
            other.get("gone").await,
            None,
            "a delete made on the local tier is replayed on Redis"
        );
        assert_eq!(cache.get("apq").await, None, "the local tier is dropped");

        // Redis goes away: the first failure moves the cache to the local tier, and it
        // comes back on its own.
        server.kill();
        cache.set("x", b"1", Duration::from_secs(60)).await;
        assert_eq!(cache.tier(), Tier::Local);
        server.start();
        assert!(cache.wait_for_shared(Duration::from_secs(10)).await);
    }
}
