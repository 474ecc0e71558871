//! Merges and links between service requests (ADR 0024): the related requests of a
//! `ServiceRequest` (loaded in one batch per level through the requests loader) and the
//! staff's `mergeServiceRequest`, `linkServiceRequests` and `unlinkServiceRequests`.

use async_graphql::{Context, ID, InputObject, Object, Result};
use glocal_proto::requests::v1 as pb;

use super::ServiceRequest;
use crate::upstream::error;
use crate::upstream::loaders::requests::Loaders;
use crate::upstream::{Requests, call};

/// The related request `id` (empty: none), if the caller may read it.
pub(super) async fn one(ctx: &Context<'_>, id: &str) -> Result<Option<ServiceRequest>> {
    if id.is_empty() {
        return Ok(None);
    }
    let loaders = Loaders::new(ctx)?;
    Ok(loaders
        .service_requests()
        .load_one(id.to_owned())
        .await?
        .map(ServiceRequest))
}

/// The related requests `ids` the caller may read, in order.
pub(super) async fn many(ctx: &Context<'_>, ids: &[String]) -> Result<Vec<ServiceRequest>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let loaders = Loaders::new(ctx)?;
    let mut found = loaders.service_requests().load_many(ids.to_vec()).await?;
    Ok(ids
        .iter()
        .filter_map(|id| found.remove(id))
        .map(ServiceRequest)
        .collect())
}

/// Merges a duplicate into its original.
#[derive(InputObject)]
pub struct MergeServiceRequestInput {
    /// The duplicate: it ends MERGED, pointing at the original.
    pub duplicate_id: ID,
    /// The duplicate's version, as last read.
    pub version: i32,
    /// The original it is merged into.
    pub original_id: ID,
    /// Why, for both requests' history and the requester's notice (up to 2,000 characters).
    pub note: Option<String>,
}

/// Links a child request under its parent, or removes that link.
#[derive(InputObject)]
pub struct LinkServiceRequestsInput {
    /// The parent (e.g. a visit arrangement).
    pub parent_id: ID,
    /// The child (e.g. one of its interpretation requests).
    pub child_id: ID,
}

/// Merge and link mutations (POST only).
#[derive(Default)]
pub struct RelationsMutation;

#[Object]
impl RelationsMutation {
    /// Merges a duplicate into its original (staff handling both; one local government).
    /// The duplicate ends MERGED (its service-level clocks stop), its requester is told, and
    /// its messages and files stay readable from the original's `mergedRequests`. Merging
    /// it again into the same original changes nothing. Refusals carry
    /// `extensions.reason`: `MERGE_INTO_ITSELF`, `RELATION_OTHER_LOCAL_GOVERNMENT`
    /// (BAD_USER_INPUT), `MERGE_INTO_MERGED`, `MERGE_INTO_CLOSED`, `MERGE_ALREADY_MERGED`,
    /// `MERGE_DUPLICATE_CLOSED`, `MERGE_HAS_DUPLICATES`, `MERGE_LINKED` (CONFLICT). Answers
    /// with the duplicate.
    async fn merge_service_request(
        &self,
        ctx: &Context<'_>,
        input: MergeServiceRequestInput,
    ) -> Result<ServiceRequest> {
        let message = pb::MergeRequestRequest {
            duplicate_id: input.duplicate_id.0,
            version: i64::from(input.version),
            original_id: input.original_id.0,
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .merge_request(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Links a child under its parent (staff handling both; one local government). Links
    /// are one level deep and a child has one parent; linking it again changes nothing.
    /// Refusals carry `extensions.reason`: `LINK_TO_ITSELF`,
    /// `RELATION_OTHER_LOCAL_GOVERNMENT` (BAD_USER_INPUT), `LINK_MERGED`, `LINK_HAS_PARENT`,
    /// `LINK_NESTED` (CONFLICT). Answers with the parent.
    async fn link_service_requests(
        &self,
        ctx: &Context<'_>,
        input: LinkServiceRequestsInput,
    ) -> Result<ServiceRequest> {
        let message = pb::LinkRequestsRequest {
            parent_id: input.parent_id.0,
            child_id: input.child_id.0,
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .link_requests(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Removes the link of a child under its parent; unlinking what is not linked changes
    /// nothing. Answers with the parent.
    async fn unlink_service_requests(
        &self,
        ctx: &Context<'_>,
        input: LinkServiceRequestsInput,
    ) -> Result<ServiceRequest> {
        let message = pb::LinkRequestsRequest {
            parent_id: input.parent_id.0,
            child_id: input.child_id.0,
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .unlink_requests(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }
}
