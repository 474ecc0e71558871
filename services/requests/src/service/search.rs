//! Searching requests by their words (ADR 0025): the caller's scope and the list's filters,
//! the words matched in the store, highlights from what the caller may read. A requester's
//! search never reads staff notes, so it neither matches nor highlights them.

use glocal_kit::Caller;
use glocal_kit::domain::InvalidInput;
use glocal_kit::paging::{decode_cursor, decode_seq, encode_cursor, seq_cursor};

use super::{OnlineBureau, PageRequest, RequestFilter, Result, Viewer};
use crate::domain::search::{SearchHit, SearchText, highlights};
use crate::domain::{MessageKind, Parts, RequestId};
use crate::store::activity;
use crate::store::search::{self as search_store, SearchAfter, SearchOrder, SearchQuery};

pub use glocal_kit::paging::Page;

/// The order of search hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchHitOrder {
    /// The best matches first (then the newest).
    #[default]
    Relevance,
    /// Newest first.
    Newest,
}

/// One page of search hits.
pub type SearchPage = Page<SearchHit>;

/// The cursor of a hit in relevance order: its score and `seq`.
fn relevance_cursor(score: i32, seq: i64) -> String {
    encode_cursor(&format!("score:{score}:{seq}"))
}

fn decode_after(order: SearchHitOrder, cursor: Option<&str>) -> Result<Option<SearchAfter>> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    Ok(Some(match order {
        SearchHitOrder::Newest => SearchAfter::Newest(decode_seq(Some(cursor))?.unwrap_or(0)),
        SearchHitOrder::Relevance => {
            let bad = || InvalidInput::new("after", "is not a cursor of this search");
            let text = decode_cursor(cursor)?;
            let mut parts = text.strip_prefix("score:").ok_or_else(bad)?.split(':');
            let score = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
            let seq = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
            SearchAfter::Relevance(score, seq)
        }
    }))
}

impl OnlineBureau {
    /// A page of the requests the caller may see that match every word of `text` and
    /// `filter`, with highlights: staff within their scope (their notes included), officials
    /// over their own local government's requests (staff notes neither matched nor shown).
    pub async fn search(
        &self,
        caller: Option<&Caller>,
        text: &SearchText,
        filter: RequestFilter,
        order: SearchHitOrder,
        page: PageRequest,
        include_activity: bool,
    ) -> Result<SearchPage> {
        let (viewer, _) = self.viewer(caller).await?;
        let first = self.page_size(page.first);
        let after = decode_after(order, page.after.as_deref().filter(|a| !a.is_empty()))?;
        let list = self.list_query(&viewer, caller, filter).await?;
        let requester = matches!(viewer, Viewer::Official { .. });
        let query = SearchQuery {
            list: &list,
            terms: text.terms(),
            notes: !requester,
            order: match order {
                SearchHitOrder::Relevance => SearchOrder::Relevance,
                SearchHitOrder::Newest => SearchOrder::Newest,
            },
            after,
            limit: u64::from(first) + 1,
        };
        let (mut rows, total_count) = search_store::page(&self.db, &query).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors: Vec<String> = rows
            .iter()
            .map(|r| match order {
                SearchHitOrder::Relevance => relevance_cursor(r.score, r.request.seq),
                SearchHitOrder::Newest => seq_cursor(r.request.seq),
            })
            .collect();

        // The messages of the whole page in one query, staff notes only for the bureau.
        let ids: Vec<RequestId> = rows.iter().map(|r| r.request.id).collect();
        let mut messages = std::collections::HashMap::<RequestId, Vec<_>>::new();
        for (id, m) in activity::messages_of(&self.db, &ids).await? {
            if !(requester && m.kind == MessageKind::StaffNote) {
                messages.entry(id).or_default().push(m);
            }
        }
        let marks: Vec<_> = rows
            .iter()
            .map(|r| {
                let own = messages.get(&r.request.id).map_or(&[][..], Vec::as_slice);
                (
                    u32::try_from(r.score).unwrap_or(0),
                    highlights(text, &r.request.title, &r.request.description, own),
                )
            })
            .collect();
        let views = self
            .views(
                &viewer,
                rows.into_iter().map(|r| r.request).collect(),
                Parts::with_activity(include_activity),
            )
            .await?;
        let items = views
            .into_iter()
            .zip(marks)
            .map(|(request, (score, highlights))| SearchHit {
                request,
                score,
                highlights,
            })
            .collect();
        Ok(Page {
            items,
            cursors,
            has_next_page,
            total_count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_per_order() {
        let c = relevance_cursor(7, 42);
        assert_eq!(
            decode_after(SearchHitOrder::Relevance, Some(&c)).unwrap(),
            Some(SearchAfter::Relevance(7, 42))
        );
        assert!(decode_after(SearchHitOrder::Relevance, Some(&seq_cursor(3))).is_err());
        assert_eq!(
            decode_after(SearchHitOrder::Newest, Some(&seq_cursor(3))).unwrap(),
            Some(SearchAfter::Newest(3))
        );
        assert!(decode_after(SearchHitOrder::Newest, Some("garbage!")).is_err());
    }
}
