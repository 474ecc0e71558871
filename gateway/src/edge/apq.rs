//! Automatic persisted queries (Apollo's APQ protocol), so clients can send a hash
//! instead of a long query, over GET (cacheable by CDNs) or POST:
//!
//! 1. the client sends `extensions.persistedQuery = { version: 1, sha256Hash }` without a
//!    query; a known hash runs its query;
//! 2. an unknown hash answers a request error with code `PERSISTED_QUERY_NOT_FOUND`;
//! 3. the client sends the query with the hash again: the gateway checks that the hash is
//!    the query's SHA-256 (else 400), stores it and runs it.
//!
//! Queries live in the shared [`Cache`] (Redis, in-process in `glocal dev`) under
//! `gateway:apq:{hash}` for `gateway.apq_ttl_secs`.

use std::time::Duration;

use glocal_kit::cache::Cache;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The error code of an unknown hash (Apollo clients react to it by sending the query).
pub const NOT_FOUND_CODE: &str = "PERSISTED_QUERY_NOT_FOUND";

/// The message Apollo clients expect with [`NOT_FOUND_CODE`].
pub const NOT_FOUND_MESSAGE: &str = "PersistedQueryNotFound";

const KEY: &str = "gateway:apq:";

/// `extensions.persistedQuery` of a request.
#[derive(Debug, Clone, Deserialize)]
pub struct PersistedQuery {
    /// Protocol version; only 1 exists.
    pub version: u32,
    /// Hex SHA-256 of the query.
    #[serde(rename = "sha256Hash")]
    pub sha256_hash: String,
}

/// Why a persisted query could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ApqError {
    /// The hash is not stored (the client should send the query with it).
    #[error("PersistedQueryNotFound")]
    NotFound,
    /// The hash is not the query's SHA-256.
    #[error("provided sha256Hash does not match the query")]
    HashMismatch,
    /// A version other than 1, or a malformed hash.
    #[error("unsupported persisted query: {0}")]
    Unsupported(&'static str),
}

/// The persisted-query store.
#[derive(Debug, Clone)]
pub struct PersistedQueries {
    cache: Cache,
    ttl: Duration,
}

impl PersistedQueries {
    /// Queries kept in `cache` for `ttl`.
    pub fn new(cache: Cache, ttl: Duration) -> PersistedQueries {
        PersistedQueries { cache, ttl }
    }

    /// The query to run for a request carrying `persisted` and maybe `query`: the stored
    /// query for a hash alone; the query itself (stored on the way) when both are sent
    /// and match.
    pub async fn resolve(
        &self,
        persisted: &PersistedQuery,
        query: Option<String>,
    ) -> Result<String, ApqError> {
        if persisted.version != 1 {
            return Err(ApqError::Unsupported("only version 1 exists"));
        }
        let hash = persisted.sha256_hash.to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ApqError::Unsupported("sha256Hash must be 64 hex digits"));
        }
        let key = format!("{KEY}{hash}");
        match query.filter(|q| !q.trim().is_empty()) {
            Some(query) => {
                if sha256_hex(&query) != hash {
                    return Err(ApqError::HashMismatch);
                }
                self.cache.set(&key, query.as_bytes(), self.ttl).await;
                Ok(query)
            }
            None => {
                let stored = self.cache.get(&key).await.ok_or(ApqError::NotFound)?;
                String::from_utf8(stored).map_err(|_| ApqError::NotFound)
            }
        }
    }
}

/// The lower-case hex SHA-256 of `text`.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pq(hash: &str) -> PersistedQuery {
        PersistedQuery {
            version: 1,
            sha256_hash: hash.to_owned(),
        }
    }

    #[test]
    fn hashes_are_hex_sha256() {
        assert_eq!(
            sha256_hex("{ __typename }"),
            "7f56e67dd21ab3f30d1ff8b7bed08893f0a0db86449836189b361dd1e56ddb4b"
        );
    }

    #[tokio::test]
    async fn register_then_use_by_hash() {
        let store = PersistedQueries::new(Cache::memory(), Duration::from_secs(60));
        let query = "{ me { subject } }";
        let hash = sha256_hex(query);
        assert_eq!(
            store.resolve(&pq(&hash), None).await,
            Err(ApqError::NotFound)
        );
        assert_eq!(
            store.resolve(&pq(&hash), Some("{ other }".into())).await,
            Err(ApqError::HashMismatch)
        );
        assert_eq!(
            store.resolve(&pq(&hash), Some(query.into())).await.unwrap(),
            query
        );
        assert_eq!(store.resolve(&pq(&hash), None).await.unwrap(), query);
        assert!(matches!(
            store.resolve(&pq("abc"), None).await,
            Err(ApqError::Unsupported(_))
        ));
        let v2 = PersistedQuery {
            version: 2,
            sha256_hash: hash,
        };
        assert!(matches!(
            store.resolve(&v2, None).await,
            Err(ApqError::Unsupported(_))
        ));
    }
}
