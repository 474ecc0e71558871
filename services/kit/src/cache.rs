//! The cache: Redis when configured, otherwise an in-process map. Redis is an accelerator,
//! never a dependency: a Redis error is logged and treated as a miss, so callers fall back
//! to the source of truth.
//!
//! Every read counts in `cache_requests_total{backend, result}` (`hit`, `miss`, `error`), so
//! dashboards can show the hit ratio; every Redis command runs in a client span (`redis GET`,
//! …) of the current trace.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use tracing::Instrument;

/// A byte cache with per-entry time-to-live.
#[derive(Clone)]
pub struct Cache {
    inner: Inner,
    prefix: Arc<str>,
}

/// The in-process store: key → (value, expiry).
type MemoryMap = Arc<Mutex<HashMap<String, (Vec<u8>, Instant)>>>;

#[derive(Clone)]
enum Inner {
    Memory(MemoryMap),
    Redis(redis::aio::ConnectionManager),
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.inner {
            Inner::Memory(_) => "memory",
            Inner::Redis(_) => "redis",
        };
        f.debug_struct("Cache")
            .field("kind", &kind)
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// Redis could not be reached at start-up.
#[derive(Debug, thiserror::Error)]
#[error("cannot connect to Redis: {0}")]
pub struct CacheConnectError(#[from] redis::RedisError);

impl Cache {
    /// An in-process cache (no Redis).
    pub fn memory() -> Cache {
        Cache {
            inner: Inner::Memory(Arc::default()),
            prefix: Arc::from(""),
        }
    }

    /// Redis at `url` when it is non-empty, else in-process. Keys get `prefix`.
    pub async fn connect(url: &str, prefix: &str) -> Result<Cache, CacheConnectError> {
        if url.is_empty() {
            return Ok(Cache {
                prefix: Arc::from(prefix),
                ..Cache::memory()
            });
        }
        let client = redis::Client::open(url)?;
        let manager = client.get_connection_manager().await?;
        Ok(Cache {
            inner: Inner::Redis(manager),
            prefix: Arc::from(prefix),
        })
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
        let (backend, value, result) = match &self.inner {
            Inner::Memory(map) => {
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
            Inner::Redis(conn) => {
                let mut conn = conn.clone();
                match conn
                    .get::<_, Option<Vec<u8>>>(&key)
                    .instrument(redis_span("GET"))
                    .await
                {
                    Ok(Some(v)) => ("redis", Some(v), "hit"),
                    Ok(None) => ("redis", None, "miss"),
                    Err(error) => {
                        tracing::warn!(%error, "cache read failed; treating as a miss");
                        ("redis", None, "error")
                    }
                }
            }
        };
        metrics::counter!("cache_requests_total", "backend" => backend, "result" => result)
            .increment(1);
        value
    }

    /// Stores `value` under `key` for `ttl`.
    pub async fn set(&self, key: &str, value: &[u8], ttl: Duration) {
        let key = self.key(key);
        match &self.inner {
            Inner::Memory(map) => {
                let mut map = map
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                map.insert(key, (value.to_vec(), Instant::now() + ttl));
            }
            Inner::Redis(conn) => {
                let mut conn = conn.clone();
                let secs = ttl.as_secs().max(1);
                if let Err(error) = conn
                    .set_ex::<_, _, ()>(&key, value, secs)
                    .instrument(redis_span("SETEX"))
                    .await
                {
                    tracing::warn!(%error, "cache write failed");
                }
            }
        }
    }

    /// Removes `key`.
    pub async fn delete(&self, key: &str) {
        let key = self.key(key);
        match &self.inner {
            Inner::Memory(map) => {
                map.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .remove(&key);
            }
            Inner::Redis(conn) => {
                let mut conn = conn.clone();
                if let Err(error) = conn.del::<_, ()>(&key).instrument(redis_span("DEL")).await {
                    tracing::warn!(%error, "cache delete failed");
                }
            }
        }
    }
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
        let cache = Cache::connect(&crate::testing::redis_url(), &prefix)
            .await
            .expect("test Redis is reachable");
        assert!(cache.is_redis());
        exercise(cache.clone()).await;
        cache.set("c", b"3", Duration::from_secs(60)).await;
        let other = Cache::connect(
            &crate::testing::redis_url(),
            &crate::testing::redis_prefix(),
        )
        .await
        .unwrap();
        assert_eq!(
            other.get("c").await,
            None,
            "another prefix must not see this entry"
        );
        cache.delete("c").await;
    }
}
