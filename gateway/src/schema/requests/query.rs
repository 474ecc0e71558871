//! The requests query root's resolvers.

use super::*;

#[Object]
impl RequestsQuery {
    /// One request the caller may see, with its responses and history.
    #[graphql(inaccessible)]
    async fn service_request(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ServiceRequest>> {
        // The answer reads only what the operation selects (ADR 0048); it is not shared
        // with any loader, so no other selection sees a lean view.
        let look = ctx.look_ahead();
        let message = pb::GetRequestRequest {
            id: id.0,
            mask: Some(node_mask(&look)),
            skip_activity: !look.field("responses").exists() && !look.field("history").exists(),
        };
        let response = read(
            ctx,
            Requests,
            "GetRequest",
            message,
            |mut client, request| async move { client.get_request(request).await },
        )
        .await?;
        let mut request = response.into_inner();
        fill_local_governments(ctx, &look, std::slice::from_mut(&mut request)).await;
        Ok(Some(ServiceRequest(request)))
    }

    /// The requests the caller may see, as a Relay connection: newest first, or for the
    /// staff queue the resolution due soonest first (`orderBy: DUE_SOONEST`).
    #[graphql(inaccessible)]
    pub(crate) async fn service_requests(
        &self,
        ctx: &Context<'_>,
        filter: Option<ServiceRequestFilter>,
        #[graphql(default)] order_by: ServiceRequestOrder,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<ServiceRequestConnection> {
        let first = u32::try_from(first.unwrap_or(20))
            .map_err(|_| error::bad_input("`first` must not be negative", "first"))?;
        let connection = ctx.look_ahead();
        let node = connection.field("edges").field("node");
        let include_activity = node.field("responses").exists() || node.field("history").exists();
        let message = pb::ListRequestsRequest {
            filter: Some(filter.unwrap_or_default().into_proto()),
            page: Some(PageRequest {
                first,
                after: after.unwrap_or_default(),
            }),
            include_activity,
            order: order_by.to_proto() as i32,
            mask: Some(list_mask(&connection)),
        };
        let mut response = read(
            ctx,
            Requests,
            "ListRequests",
            message,
            |mut client, request| async move { client.list_requests(request).await },
        )
        .await?
        .into_inner();
        fill_local_governments(ctx, &node, &mut response.requests).await;
        if response.cursors.len() != response.requests.len() {
            return Err(error::internal(
                "ListRequests returned a cursor count unlike its request count",
            ));
        }
        let edges: Vec<ServiceRequestEdge> = response
            .requests
            .into_iter()
            .zip(response.cursors)
            .map(|(node, cursor)| ServiceRequestEdge {
                cursor,
                node: ServiceRequest(node),
            })
            .collect();
        let page = response.page_info.unwrap_or_default();
        Ok(ServiceRequestConnection {
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

/// What a `serviceRequests` selection leaves out, so the requests service does not query it:
/// the total when `totalCount` is not selected, and of each node the judged service level
/// (`sla`), the `survey`, the relations (`mergedInto`, `mergedRequests`, `parent`,
/// `children`), the people (`department`, `assignee`) and the texts (`description`,
/// `details`) when none of their fields is. The local government is never asked for: the
/// page's resolver reads the entries of its rows by code through the entity cache
/// ([`fill_local_governments`]). Fragments count as selected wherever they are spread.
pub(crate) fn list_mask(connection: &async_graphql::Lookahead<'_>) -> pb::RequestListMask {
    pb::RequestListMask {
        skip_total_count: !connection.field("totalCount").exists(),
        ..node_mask(&connection.field("edges").field("node"))
    }
}

/// What a selection of one `ServiceRequest` (`node`) leaves out: [`list_mask`]'s parts of a
/// node (a mutation's answer, ADR 0048).
pub(crate) fn node_mask(node: &async_graphql::Lookahead<'_>) -> pb::RequestListMask {
    let none_of = |fields: &[&str]| !fields.iter().any(|f| node.field(f).exists());
    pb::RequestListMask {
        skip_total_count: true,
        skip_sla: none_of(&["sla"]),
        skip_survey: none_of(&["survey"]),
        skip_relations: none_of(&["mergedInto", "mergedRequests", "parent", "children"]),
        skip_people: none_of(&["department", "assignee"]),
        skip_texts: none_of(&["description", "details"]),
        skip_local_government: true,
    }
}
