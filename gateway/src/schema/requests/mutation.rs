//! The requests mutation root's resolvers (POST only).

use super::*;

#[Object]
impl RequestsMutation {
    /// Submits a request; it is registered and routed at once. Idempotent per key.
    async fn submit_service_request(
        &self,
        ctx: &Context<'_>,
        input: SubmitServiceRequestInput,
    ) -> Result<ServiceRequest> {
        let message = pb::SubmitRequestRequest {
            idempotency_key: input.idempotency_key,
            r#type: input.request_type.to_proto() as i32,
            title: input.title,
            description: input.description,
            details: Some(input.details.into_proto()?),
            local_government_code: input.local_government_code.unwrap_or_default(),
            // The answer reads only what the operation selects (ADR 0048).
            mask: Some(super::query::node_mask(&ctx.look_ahead())),
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .submit_request(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Sends a mid-response with the expected completion time.
    async fn send_mid_response(
        &self,
        ctx: &Context<'_>,
        input: SendMidResponseInput,
    ) -> Result<ServiceRequest> {
        let message = pb::SendMidResponseRequest {
            id: input.id.0,
            version: i64::from(input.version),
            body: input.body,
            expected_completion_at: Some(timestamp(input.expected_completion_at)),
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .send_mid_response(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Sends the final response.
    async fn send_final_response(
        &self,
        ctx: &Context<'_>,
        input: SendFinalResponseInput,
    ) -> Result<ServiceRequest> {
        let message = pb::SendFinalResponseRequest {
            id: input.id.0,
            version: i64::from(input.version),
            body: input.body,
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .send_final_response(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Moves a request to another department or staff member.
    async fn reassign_service_request(
        &self,
        ctx: &Context<'_>,
        input: ReassignServiceRequestInput,
    ) -> Result<ServiceRequest> {
        let message = pb::ReassignRequest {
            id: input.id.0,
            version: i64::from(input.version),
            department_code: input.department_code,
            staff_id: input.staff_id.map(|s| s.0).unwrap_or_default(),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .reassign(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Adds an internal staff note (never shown to requesters).
    async fn add_request_note(
        &self,
        ctx: &Context<'_>,
        input: AddRequestNoteInput,
    ) -> Result<ServiceRequest> {
        let (mut client, request) = call(
            ctx,
            Requests,
            pb::AddNoteRequest {
                id: input.id.0,
                body: input.body,
            },
        )?;
        Ok(ServiceRequest(
            client
                .add_note(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Replies to the bureau as the requester.
    async fn reply_to_service_request(
        &self,
        ctx: &Context<'_>,
        input: ReplyToServiceRequestInput,
    ) -> Result<ServiceRequest> {
        let (mut client, request) = call(
            ctx,
            Requests,
            pb::ReplyRequest {
                id: input.id.0,
                body: input.body,
            },
        )?;
        Ok(ServiceRequest(
            client
                .reply(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Withdraws a request before its final response.
    async fn withdraw_service_request(
        &self,
        ctx: &Context<'_>,
        input: WithdrawServiceRequestInput,
    ) -> Result<ServiceRequest> {
        let message = pb::WithdrawRequest {
            id: input.id.0,
            version: i64::from(input.version),
            reason: input.reason.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .withdraw(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Rejects a request, with a reason.
    async fn reject_service_request(
        &self,
        ctx: &Context<'_>,
        input: RejectServiceRequestInput,
    ) -> Result<ServiceRequest> {
        let message = pb::RejectRequest {
            id: input.id.0,
            version: i64::from(input.version),
            reason: input.reason,
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .reject(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Closes an answered request.
    async fn close_service_request(
        &self,
        ctx: &Context<'_>,
        input: CloseServiceRequestInput,
    ) -> Result<ServiceRequest> {
        let message = pb::CloseRequest {
            id: input.id.0,
            version: i64::from(input.version),
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .close(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Reopens an answered request within the reopen window.
    async fn reopen_service_request(
        &self,
        ctx: &Context<'_>,
        input: ReopenServiceRequestInput,
    ) -> Result<ServiceRequest> {
        let message = pb::ReopenRequest {
            id: input.id.0,
            version: i64::from(input.version),
            reason: input.reason.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .reopen(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }
}
