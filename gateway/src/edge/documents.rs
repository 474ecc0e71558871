//! The document cache (issue 14, item 4): parsed GraphQL documents kept by their text in a
//! bounded LRU, so a document a client sends again (every portal page, every persisted query)
//! is parsed once per gateway process, not once per request.
//!
//! Parsing is skipped, and so are the limits on the text itself (its size and how deep its
//! brackets nest), which the text met before it was first parsed: the limits are the
//! process's settings and the text is the key. Everything that depends on the request still
//! runs on every request: the document limits (variables sent), validation (variables,
//! operation name), authorization of the root fields for this caller, `@skip`/`@include`. A
//! document that does not parse, or whose text a limit refuses, is never stored, so its error
//! is reported every time. The text is the key (the map hashes it and compares it whole), so
//! two documents can never share an entry; a persisted query's text is the one its hash named.
//!
//! The cache is bounded by the bytes of the texts it keeps (`gateway.document_cache_bytes`;
//! each text is at most `gateway.max_document_bytes`), least recently used out first; `0`
//! turns it off. Hits and misses are counted in `gateway_document_cache_total{result}`.

use std::sync::{Arc, Mutex};

use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

/// Parsed documents by their text, bounded by the texts' bytes.
pub struct DocumentCache {
    capacity_bytes: usize,
    inner: Mutex<Entries>,
}

struct Entries {
    documents: LruCache<Arc<str>, Arc<ExecutableDocument>>,
    bytes: usize,
}

impl std::fmt::Debug for DocumentCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (entries, bytes) = self.usage();
        f.debug_struct("DocumentCache")
            .field("capacity_bytes", &self.capacity_bytes)
            .field("entries", &entries)
            .field("bytes", &bytes)
            .finish()
    }
}

/// Whether a document came from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Parsed earlier; taken from the cache.
    Hit,
    /// Parsed now (and stored when it parsed and fits).
    Miss,
}

impl DocumentCache {
    /// A cache keeping at most `capacity_bytes` of document text (`0`: keeps nothing).
    pub fn new(capacity_bytes: usize) -> DocumentCache {
        DocumentCache {
            capacity_bytes,
            inner: Mutex::new(Entries {
                documents: LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }

    /// The parsed form of `query`: from the cache, or parsed now and kept. A parse error is
    /// returned as async-graphql reports it and nothing is stored.
    pub fn document(
        &self,
        query: &str,
    ) -> (
        Result<Arc<ExecutableDocument>, async_graphql::parser::Error>,
        Lookup,
    ) {
        match self.cached(query) {
            Some(doc) => (Ok(doc), Lookup::Hit),
            None => (self.parse(query), Lookup::Miss),
        }
    }

    /// The parsed form of `query` if the cache holds it (a hit); `None` otherwise, and then
    /// [`DocumentCache::parse`] counts the miss.
    pub fn cached(&self, query: &str) -> Option<Arc<ExecutableDocument>> {
        if self.capacity_bytes == 0 {
            return None;
        }
        let doc = self.entries().documents.get(query).cloned()?;
        metrics::counter!("gateway_document_cache_total", "result" => "hit").increment(1);
        Some(doc)
    }

    /// `query` parsed now, and kept when it parses and fits (a miss).
    pub fn parse(
        &self,
        query: &str,
    ) -> Result<Arc<ExecutableDocument>, async_graphql::parser::Error> {
        let parsed = async_graphql::parser::parse_query(query).map(Arc::new);
        if self.capacity_bytes == 0 {
            return parsed;
        }
        metrics::counter!("gateway_document_cache_total", "result" => "miss").increment(1);
        if let Ok(doc) = &parsed {
            self.keep(query, doc.clone());
        }
        parsed
    }

    /// How many documents and how many bytes of text the cache holds.
    pub fn usage(&self) -> (usize, usize) {
        let entries = self.entries();
        (entries.documents.len(), entries.bytes)
    }

    fn keep(&self, query: &str, doc: Arc<ExecutableDocument>) {
        if query.len() > self.capacity_bytes {
            return;
        }
        let mut entries = self.entries();
        if let Some(old) = entries.documents.put(Arc::from(query), doc) {
            // Another request parsed the same text meanwhile: same bytes, replaced.
            drop(old);
            return;
        }
        entries.bytes += query.len();
        while entries.bytes > self.capacity_bytes {
            match entries.documents.pop_lru() {
                Some((text, _)) => entries.bytes -= text.len(),
                None => break,
            }
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves consistent entries (each step is whole).
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_parsed_once_then_served_from_the_cache() {
        let cache = DocumentCache::new(1024);
        let (first, lookup) = cache.document("{ a }");
        assert_eq!(lookup, Lookup::Miss);
        let (second, lookup) = cache.document("{ a }");
        assert_eq!(lookup, Lookup::Hit);
        assert!(Arc::ptr_eq(&first.unwrap(), &second.unwrap()));
        // Another text is another entry, even when it means the same.
        assert_eq!(cache.document("{a}").1, Lookup::Miss);
        assert_eq!(cache.usage(), (2, "{ a }".len() + "{a}".len()));
    }

    #[test]
    fn only_a_parsed_text_is_held_and_a_cache_of_zero_holds_none() {
        let cache = DocumentCache::new(1024);
        assert!(cache.cached("{ a }").is_none());
        let parsed = cache.parse("{ a }").unwrap();
        assert!(Arc::ptr_eq(&parsed, &cache.cached("{ a }").unwrap()));
        assert!(cache.parse("{ b ").is_err());
        assert!(cache.cached("{ b ").is_none());
        let off = DocumentCache::new(0);
        assert!(off.parse("{ a }").is_ok());
        assert!(off.cached("{ a }").is_none());
    }

    #[test]
    fn a_document_that_does_not_parse_is_never_kept() {
        let cache = DocumentCache::new(1024);
        for _ in 0..2 {
            let (parsed, lookup) = cache.document("{ a ");
            assert!(parsed.is_err());
            assert_eq!(lookup, Lookup::Miss);
        }
        assert_eq!(cache.usage(), (0, 0));
    }

    #[test]
    fn the_least_recently_used_text_leaves_first_when_the_bytes_are_spent() {
        let a = "{ aaaaaaaaaa }";
        let b = "{ bbbbbbbbbb }";
        let c = "{ cccccccccc }";
        let cache = DocumentCache::new(a.len() * 2);
        assert!(cache.document(a).0.is_ok());
        assert!(cache.document(b).0.is_ok());
        assert_eq!(cache.document(a).1, Lookup::Hit); // a is now the most recent
        assert!(cache.document(c).0.is_ok()); // evicts b
        assert_eq!(cache.usage(), (2, a.len() * 2));
        assert_eq!(cache.document(a).1, Lookup::Hit);
        assert_eq!(cache.document(c).1, Lookup::Hit);
        assert_eq!(cache.document(b).1, Lookup::Miss);
    }

    #[test]
    fn a_text_larger_than_the_cache_and_a_cache_of_zero_keep_nothing() {
        let cache = DocumentCache::new(4);
        assert!(cache.document("{ longer }").0.is_ok());
        assert_eq!(cache.usage(), (0, 0));
        let off = DocumentCache::new(0);
        assert!(off.document("{ a }").0.is_ok());
        assert_eq!(off.document("{ a }").1, Lookup::Miss);
        assert_eq!(off.usage(), (0, 0));
    }
}
