//! Full-text search over service requests (ADR 0025): `searchServiceRequests`, a Relay
//! connection of hits, each the request with its score and highlights (which field matched,
//! a snippet with the matching words marked). The service scopes, matches and highlights;
//! this resolver converts and calls.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use glocal_proto::common::v1::PageRequest;
use glocal_proto::requests::v1 as pb;

use super::{MessageKind, ServiceRequest, ServiceRequestFilter};
use crate::schema::common::{PageInfo, non_empty};
use crate::upstream::error;
use crate::upstream::{RequestSearch, read};

/// The order of search hits.
#[derive(Enum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ServiceRequestSearchOrder {
    /// The best matches first (a word in the title counts most, then the description, then
    /// messages), then the newest.
    #[default]
    Relevance,
    /// Newest first.
    Newest,
}

/// Which field of a request a search matched.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceRequestSearchField {
    /// The title.
    Title,
    /// The description.
    Description,
    /// A message: a response, reply, question, or (for the bureau only) a staff note.
    Message,
}

/// A piece of a snippet.
#[derive(SimpleObject)]
pub struct HighlightFragment {
    /// The text.
    pub text: String,
    /// True when this text matched a word of the query.
    #[graphql(name = "match")]
    pub matched: bool,
}

/// Where a request matched: the field, and a snippet of it with the matches marked.
#[derive(SimpleObject)]
pub struct ServiceRequestSearchHighlight {
    /// Which field matched.
    pub field: ServiceRequestSearchField,
    /// The message that matched, when `field` is MESSAGE.
    pub message_id: Option<ID>,
    /// Its kind, when `field` is MESSAGE.
    pub message_kind: Option<MessageKind>,
    /// The snippet as plain text (`…` marks text left out at either end).
    pub snippet: String,
    /// The same snippet in pieces, the matching words marked `match: true`.
    pub fragments: Vec<HighlightFragment>,
}

/// One hit of a search, with its cursor.
#[derive(SimpleObject)]
pub struct ServiceRequestSearchEdge {
    /// Opaque cursor of this hit.
    pub cursor: String,
    /// The request.
    pub node: ServiceRequest,
    /// Relevance: per word, 3 for a match in the title, 2 in the description, 1 in messages.
    pub score: i32,
    /// Why it matched: title, then description, then (at most three) messages, oldest first.
    pub highlights: Vec<ServiceRequestSearchHighlight>,
}

/// A page of search hits.
#[derive(SimpleObject)]
pub struct ServiceRequestSearchConnection {
    /// The hits of this page.
    pub edges: Vec<ServiceRequestSearchEdge>,
    /// Where this page ends.
    pub page_info: PageInfo,
    /// How many requests match in all.
    pub total_count: i32,
}

fn message_kind(value: i32) -> Option<MessageKind> {
    Some(match pb::MessageKind::try_from(value).ok()? {
        pb::MessageKind::MidResponse => MessageKind::MidResponse,
        pb::MessageKind::FinalResponse => MessageKind::FinalResponse,
        pb::MessageKind::RequesterReply => MessageKind::RequesterReply,
        pb::MessageKind::StaffNote => MessageKind::StaffNote,
        pb::MessageKind::Question => MessageKind::Question,
        pb::MessageKind::Unspecified => return None,
    })
}

fn highlight(h: pb::SearchHighlight) -> Result<ServiceRequestSearchHighlight> {
    let field = match pb::SearchField::try_from(h.field) {
        Ok(pb::SearchField::Title) => ServiceRequestSearchField::Title,
        Ok(pb::SearchField::Description) => ServiceRequestSearchField::Description,
        Ok(pb::SearchField::Message) => ServiceRequestSearchField::Message,
        _ => return Err(error::internal(format!("unknown search field {}", h.field))),
    };
    Ok(ServiceRequestSearchHighlight {
        field,
        message_id: non_empty(&h.message_id).map(|m| ID(m.to_owned())),
        message_kind: message_kind(h.message_kind),
        snippet: h.fragments.iter().map(|f| f.text.as_str()).collect(),
        fragments: h
            .fragments
            .into_iter()
            .map(|f| HighlightFragment {
                text: f.text,
                matched: f.r#match,
            })
            .collect(),
    })
}

/// Request search queries.
#[derive(Default)]
pub struct RequestSearchQuery;

#[Object]
impl RequestSearchQuery {
    /// The requests the caller may see whose title, description or messages hold every word
    /// of `query` (Korean or English; `교통` finds `교통안전`, `bikes` finds `bike`), within
    /// `filter`, as a Relay connection with highlights. Staff search within their scope (their
    /// staff notes included), officials over their own local government's requests (staff
    /// notes never match). BAD_USER_INPUT on `query` when it is empty, longer than 200
    /// characters, has more than 8 words or a word of one character.
    #[graphql(inaccessible)]
    async fn search_service_requests(
        &self,
        ctx: &Context<'_>,
        query: String,
        filter: Option<ServiceRequestFilter>,
        #[graphql(default)] order_by: ServiceRequestSearchOrder,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<ServiceRequestSearchConnection> {
        let first = u32::try_from(first.unwrap_or(20))
            .map_err(|_| error::bad_input("`first` must not be negative", "first"))?;
        let node = ctx.look_ahead().field("edges").field("node");
        let include_activity = node.field("responses").exists() || node.field("history").exists();
        let message = pb::SearchRequestsRequest {
            query,
            filter: Some(filter.unwrap_or_default().into_proto()),
            page: Some(PageRequest {
                first,
                after: after.unwrap_or_default(),
            }),
            include_activity,
            order: match order_by {
                ServiceRequestSearchOrder::Relevance => pb::SearchOrder::Relevance,
                ServiceRequestSearchOrder::Newest => pb::SearchOrder::Newest,
            } as i32,
        };
        let response = read(
            ctx,
            RequestSearch,
            "SearchRequests",
            message,
            |mut client, request| async move { client.search_requests(request).await },
        )
        .await?
        .into_inner();
        let edges = response
            .hits
            .into_iter()
            .map(|hit| {
                let node = hit.request.ok_or_else(|| {
                    error::internal("SearchRequests returned a hit without its request")
                })?;
                Ok(ServiceRequestSearchEdge {
                    cursor: hit.cursor,
                    node: ServiceRequest(node),
                    score: i32::try_from(hit.score).unwrap_or(i32::MAX),
                    highlights: hit
                        .highlights
                        .into_iter()
                        .map(highlight)
                        .collect::<Result<_>>()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let page = response.page_info.unwrap_or_default();
        Ok(ServiceRequestSearchConnection {
            page_info: PageInfo {
                has_next_page: page.has_next_page,
                has_previous_page: false,
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: non_empty(&page.end_cursor)
                    .map(str::to_owned)
                    .or_else(|| edges.last().map(|e| e.cursor.clone())),
            },
            edges,
            total_count: i32::try_from(response.total_count).unwrap_or(i32::MAX),
        })
    }
}
