//! The research mutation root's resolvers (POST only).

use super::*;

#[Object]
impl ResearchMutation {
    /// Drafts a practice (bureau staff). Idempotent per key.
    async fn draft_practice(
        &self,
        ctx: &Context<'_>,
        input: DraftPracticeInput,
    ) -> Result<Practice> {
        let message = pb::DraftPracticeRequest {
            idempotency_key: input.idempotency_key,
            content: Some(input.content.into_proto()?),
            origin: String::new(),
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let p = client
            .draft_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Edits a practice (bureau staff): a draft in place, a published one into a new version.
    async fn update_practice(
        &self,
        ctx: &Context<'_>,
        input: UpdatePracticeInput,
    ) -> Result<Practice> {
        let message = pb::UpdatePracticeRequest {
            id: input.id.0,
            revision: i64::from(input.revision),
            content: Some(input.content.into_proto()?),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let p = client
            .update_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Sends a draft to review.
    async fn submit_practice(
        &self,
        ctx: &Context<'_>,
        input: PracticeTransitionInput,
    ) -> Result<Practice> {
        let (mut client, request) = call(
            ctx,
            Research,
            pb::SubmitPracticeRequest {
                id: input.id.0,
                revision: i64::from(input.revision),
            },
        )?;
        let p = client
            .submit_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Approves a practice in review, or sends it back with a note (not by its author).
    async fn review_practice(
        &self,
        ctx: &Context<'_>,
        input: ReviewPracticeInput,
    ) -> Result<Practice> {
        let message = pb::ReviewPracticeRequest {
            id: input.id.0,
            revision: i64::from(input.revision),
            approve: input.approve,
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let p = client
            .review_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Publishes an approved practice.
    async fn publish_practice(
        &self,
        ctx: &Context<'_>,
        input: PracticeTransitionInput,
    ) -> Result<Practice> {
        let (mut client, request) = call(
            ctx,
            Research,
            pb::PublishPracticeRequest {
                id: input.id.0,
                revision: i64::from(input.revision),
            },
        )?;
        let p = client
            .publish_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Withdraws a practice, with a reason; its id keeps answering with a tombstone.
    async fn withdraw_practice(
        &self,
        ctx: &Context<'_>,
        input: WithdrawPracticeInput,
    ) -> Result<Practice> {
        let message = pb::WithdrawPracticeRequest {
            id: input.id.0,
            revision: i64::from(input.revision),
            reason: input.reason,
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let p = client
            .withdraw_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Adds a concept to the area vocabulary (bureau admin).
    async fn create_research_area(
        &self,
        ctx: &Context<'_>,
        input: CreateResearchAreaInput,
    ) -> Result<ResearchArea> {
        let message = pb::CreateAreaRequest {
            code: input.code,
            label: Some(input.label.into_proto()),
        };
        let (mut client, request) = call(ctx, Research, message)?;
        Ok(ResearchArea(
            client
                .create_area(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Deletes a concept nothing uses (bureau admin); CONFLICT when in use.
    async fn delete_research_area(&self, ctx: &Context<'_>, code: String) -> Result<bool> {
        let (mut client, request) = call(ctx, Research, pb::DeleteAreaRequest { code })?;
        client.delete_area(request).await.map_err(error::remote)?;
        Ok(true)
    }

    /// Adds a partner organisation with its contacts (bureau staff). Idempotent per key.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganisationInput,
    ) -> Result<Organisation> {
        let message = pb::CreateOrganisationRequest {
            idempotency_key: input.idempotency_key,
            kind: input.kind.to_proto(),
            name: Some(input.name.into_proto()),
            original_language: lang_code(input.original_language).to_owned(),
            country: input.country,
            city: input.city.unwrap_or_default(),
            languages: input.languages.unwrap_or_default(),
            website: input.website.unwrap_or_default(),
            description: text_in(input.description),
            public: input.public,
            contacts: input
                .contacts
                .unwrap_or_default()
                .into_iter()
                .map(ContactInput::into_proto)
                .collect(),
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let o = client
            .create_organisation(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Organisation(o, ResearchLoaders::new(ctx)?))
    }

    /// Adds a contact to an organisation (bureau staff).
    async fn add_contact(&self, ctx: &Context<'_>, input: AddContactInput) -> Result<Organisation> {
        let message = pb::AddContactRequest {
            organisation_id: input.organisation_id.0,
            contact: Some(input.contact.into_proto()),
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let o = client
            .add_contact(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Organisation(o, ResearchLoaders::new(ctx)?))
    }

    /// A partner proposes a change of its own organisation's public profile and contacts.
    /// It waits as a pending revision, invisible to the public, until bureau staff approve
    /// it. FORBIDDEN (`NOT_OWN_ORGANISATION`) for another organisation, CONFLICT
    /// (`PROFILE_CHANGE_PENDING`) while a change of the organisation waits.
    async fn propose_organisation_profile(
        &self,
        ctx: &Context<'_>,
        input: ProposeOrganisationProfileInput,
    ) -> Result<OrganisationProfileChange> {
        let (mut client, request) = call(ctx, Research, input.into_proto())?;
        let c = client
            .propose_profile_change(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(OrganisationProfileChange(c, ResearchLoaders::new(ctx)?))
    }

    /// Approves a pending profile change (bureau staff): the organisation's profile and
    /// contacts become the proposed ones. CONFLICT (`PROFILE_CHANGE_DECIDED`) once reviewed.
    async fn approve_organisation_profile_change(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<OrganisationProfileChange> {
        let message = pb::ReviewProfileChangeRequest {
            id: id.0,
            approve: true,
            reason: String::new(),
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let c = client
            .review_profile_change(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(OrganisationProfileChange(c, ResearchLoaders::new(ctx)?))
    }

    /// Rejects a pending profile change with a reason (bureau staff); the organisation keeps
    /// its profile. CONFLICT (`PROFILE_CHANGE_DECIDED`) once reviewed.
    async fn reject_organisation_profile_change(
        &self,
        ctx: &Context<'_>,
        input: RejectOrganisationProfileChangeInput,
    ) -> Result<OrganisationProfileChange> {
        let message = pb::ReviewProfileChangeRequest {
            id: input.id.0,
            approve: false,
            reason: input.reason,
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let c = client
            .review_profile_change(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(OrganisationProfileChange(c, ResearchLoaders::new(ctx)?))
    }

    /// Records a relationship (bureau staff). One live relationship of a kind per pair.
    async fn create_relationship(
        &self,
        ctx: &Context<'_>,
        input: CreateRelationshipInput,
    ) -> Result<Relationship> {
        let message = pb::CreateRelationshipRequest {
            idempotency_key: input.idempotency_key,
            kind: input.kind.to_proto(),
            local_government_code: input.local_government_code,
            partner_organisation_id: input.partner_organisation_id.0,
            status: input.status.map_or(0, RelationshipStatus::to_proto),
            signed_on: date_string(input.signed_on),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let r = client
            .create_relationship(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Relationship(r, ResearchLoaders::new(ctx)?))
    }

    /// Moves a relationship to another status (bureau staff).
    async fn set_relationship_status(
        &self,
        ctx: &Context<'_>,
        input: SetRelationshipStatusInput,
    ) -> Result<Relationship> {
        let message = pb::SetRelationshipStatusRequest {
            id: input.id.0,
            revision: i64::from(input.revision),
            status: input.status.to_proto(),
            on: date_string(input.on),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let r = client
            .set_relationship_status(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Relationship(r, ResearchLoaders::new(ctx)?))
    }

    /// Records a meeting, visit or exchange (bureau staff, or officials of the Korean local
    /// government). Idempotent per key.
    async fn record_interaction(
        &self,
        ctx: &Context<'_>,
        input: RecordInteractionInput,
    ) -> Result<Interaction> {
        let message = pb::RecordInteractionRequest {
            idempotency_key: input.idempotency_key,
            relationship_id: input.relationship_id.0,
            kind: input.kind.to_proto(),
            occurred_on: input.occurred_on.to_string(),
            summary: input.summary,
        };
        let (mut client, request) = call(ctx, Research, message)?;
        Ok(Interaction(
            client
                .record_interaction(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Proposes an international project (any signed-in caller); bureau staff screen it.
    async fn propose_opportunity(
        &self,
        ctx: &Context<'_>,
        input: ProposeOpportunityInput,
    ) -> Result<Opportunity> {
        let message = pb::ProposeOpportunityRequest {
            idempotency_key: input.idempotency_key,
            title: Some(input.title.into_proto()),
            description: text_in(input.description),
            original_language: lang_code(input.original_language).to_owned(),
            area_codes: input.area_codes,
            countries: input.countries.unwrap_or_default(),
            organisation_id: input.organisation_id.map(|i| i.0).unwrap_or_default(),
            deadline: date_string(input.deadline),
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let o = client
            .propose_opportunity(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Opportunity(o, ResearchLoaders::new(ctx)?))
    }

    /// Moves an opportunity to another status (bureau staff).
    async fn set_opportunity_status(
        &self,
        ctx: &Context<'_>,
        input: SetOpportunityStatusInput,
    ) -> Result<Opportunity> {
        let message = pb::SetOpportunityStatusRequest {
            id: input.id.0,
            revision: i64::from(input.revision),
            status: input.status.to_proto(),
        };
        let (mut client, request) = call(ctx, Research, message)?;
        let o = client
            .set_opportunity_status(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Opportunity(o, ResearchLoaders::new(ctx)?))
    }
}
