//! The tonic adapter of `glocal.requests.v1.RequestSearchService`: the query and filter in,
//! hits with their highlights out, errors to statuses. No rules live here.

use glocal_kit::grpc::{bad, caller, status};
use glocal_proto::common::v1 as common;
use glocal_proto::requests::v1 as pb;
use glocal_proto::requests::v1::request_search_service_server::{
    RequestSearchService, RequestSearchServiceServer,
};
use tonic::{Request, Response, Status};

use super::{kind_to_pb, request_to_pb};
use crate::domain::InvalidInput;
use crate::domain::search::{Highlight, SearchField, SearchHit, SearchText};
use crate::service::{self, OnlineBureau, SearchHitOrder};

/// The gRPC face of [`OnlineBureau::search`].
#[derive(Debug, Clone)]
pub struct SearchGrpc {
    bureau: OnlineBureau,
}

impl SearchGrpc {
    /// Wraps the service.
    pub fn new(bureau: OnlineBureau) -> Self {
        SearchGrpc { bureau }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> RequestSearchServiceServer<SearchGrpc> {
        RequestSearchServiceServer::new(self)
    }
}

fn order(value: i32) -> Result<SearchHitOrder, InvalidInput> {
    match pb::SearchOrder::try_from(value) {
        Ok(pb::SearchOrder::Unspecified | pb::SearchOrder::Relevance) => {
            Ok(SearchHitOrder::Relevance)
        }
        Ok(pb::SearchOrder::Newest) => Ok(SearchHitOrder::Newest),
        Err(_) => Err(InvalidInput::new("orderBy", "unknown order")),
    }
}

fn highlight_to_pb(h: Highlight) -> pb::SearchHighlight {
    pb::SearchHighlight {
        field: match h.field {
            SearchField::Title => pb::SearchField::Title,
            SearchField::Description => pb::SearchField::Description,
            SearchField::Message => pb::SearchField::Message,
        } as i32,
        message_id: h.message_id.map(|m| m.to_string()).unwrap_or_default(),
        message_kind: h
            .message_kind
            .map_or(pb::MessageKind::Unspecified, kind_to_pb) as i32,
        fragments: h
            .fragments
            .into_iter()
            .map(|f| pb::HighlightFragment {
                text: f.text,
                r#match: f.matched,
            })
            .collect(),
    }
}

fn hit_to_pb(hit: SearchHit, cursor: String) -> pb::SearchHit {
    pb::SearchHit {
        request: Some(request_to_pb(hit.request)),
        cursor,
        score: hit.score,
        highlights: hit.highlights.into_iter().map(highlight_to_pb).collect(),
    }
}

#[tonic::async_trait]
impl RequestSearchService for SearchGrpc {
    async fn search_requests(
        &self,
        req: Request<pb::SearchRequestsRequest>,
    ) -> Result<Response<pb::SearchRequestsResponse>, Status> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let text = SearchText::parse(&m.query, "query").map_err(bad)?;
        let filter = m
            .filter
            .map(service::RequestFilter::try_from)
            .transpose()
            .map_err(bad)?
            .unwrap_or_default();
        let page = m.page.map(service::PageRequest::from).unwrap_or_default();
        let order = order(m.order).map_err(bad)?;
        let page = self
            .bureau
            .search(
                caller.as_ref(),
                &text,
                filter,
                order,
                page,
                m.include_activity,
            )
            .await
            .map_err(status)?;
        let page_info: common::PageInfo = page.info();
        Ok(Response::new(pb::SearchRequestsResponse {
            page_info: Some(page_info),
            total_count: page.total_count,
            hits: page
                .items
                .into_iter()
                .zip(page.cursors)
                .map(|(hit, cursor)| hit_to_pb(hit, cursor))
                .collect(),
        }))
    }
}
