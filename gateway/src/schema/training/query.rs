//! The training query root's resolvers.

use super::*;

#[Object]
impl TrainingQuery {
    /// The programmes the caller may see (the public: published ones), in creation order.
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        kinds: Option<Vec<ProgrammeKind>>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<ProgrammeConnection> {
        let message = pb::ListProgrammesRequest {
            kinds: kinds
                .unwrap_or_default()
                .into_iter()
                .map(ProtoEnum::to_proto)
                .collect(),
            page: Some(page_request(first, after)?),
        };
        let r = read(
            ctx,
            Training,
            "ListProgrammes",
            message,
            |mut client, request| async move { client.list_programmes(request).await },
        )
        .await?
        .into_inner();
        let info = page_info(&r.cursors, r.page_info.as_ref());
        Ok(ProgrammeConnection {
            edges: r
                .programmes
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| ProgrammeEdge {
                    cursor,
                    node: Programme(node),
                })
                .collect(),
            page_info: info,
            total_count: i32::try_from(r.total_count).unwrap_or(i32::MAX),
        })
    }

    /// One programme the caller may see (null when there is none), with its editions.
    async fn programme(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Programme>> {
        let loaders = TrainingLoaders::new(ctx)?;
        Ok(loaders.programmes().load_one(id.0).await?.map(Programme))
    }

    /// One edition the caller may see (null when there is none), with its sessions.
    async fn edition(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ProgrammeEdition>> {
        let include_sessions = ctx.look_ahead().field("sessions").exists();
        let loaders = TrainingLoaders::new(ctx)?;
        Ok(loaders
            .edition(id.0, include_sessions)
            .await?
            .map(ProgrammeEdition))
    }

    /// The applications the caller may see, newest first: applicants their own, managers
    /// everything, reviewers those at their stages and those they scored.
    #[graphql(inaccessible)]
    pub(crate) async fn applications(
        &self,
        ctx: &Context<'_>,
        filter: Option<TrainingApplicationFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<TrainingApplicationConnection> {
        let message = pb::ListApplicationsRequest {
            filter: Some(filter.unwrap_or_default().into_proto()?),
            page: Some(page_request(first, after)?),
        };
        let r = read(
            ctx,
            Training,
            "ListApplications",
            message,
            |mut client, request| async move { client.list_applications(request).await },
        )
        .await?
        .into_inner();
        if r.cursors.len() != r.applications.len() {
            return Err(error::internal(
                "ListApplications returned a cursor count unlike its item count",
            ));
        }
        let info = page_info(&r.cursors, r.page_info.as_ref());
        Ok(TrainingApplicationConnection {
            edges: r
                .applications
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| TrainingApplicationEdge {
                    cursor,
                    node: TrainingApplication(node),
                })
                .collect(),
            page_info: info,
            total_count: i32::try_from(r.total_count).unwrap_or(i32::MAX),
        })
    }

    /// One application the caller may see.
    #[graphql(inaccessible)]
    async fn application(&self, ctx: &Context<'_>, id: ID) -> Result<Option<TrainingApplication>> {
        Ok(Some(TrainingApplication(
            read(
                ctx,
                Training,
                "GetApplication",
                pb::GetApplicationRequest { id: id.0 },
                |mut client, request| async move { client.get_application(request).await },
            )
            .await?
            .into_inner(),
        )))
    }

    /// Every eligibility rule `profile` fails for an edition today, before applying.
    #[graphql(inaccessible)]
    async fn check_eligibility(
        &self,
        ctx: &Context<'_>,
        edition_id: ID,
        profile: ApplicantProfileInput,
    ) -> Result<EligibilityCheck> {
        let lang = language::effective(ctx, None);
        let message = pb::CheckEligibilityRequest {
            edition_id: edition_id.0,
            profile: Some(profile.into_proto()?),
        };
        let r = read(
            ctx,
            Training,
            "CheckEligibility",
            message,
            |mut client, request| async move { client.check_eligibility(request).await },
        )
        .await?
        .into_inner();
        Ok(EligibilityCheck {
            eligible: r.eligible,
            failures: r
                .failures
                .into_iter()
                .map(|f| {
                    let (reason, reason_key) = language::say(&f.reason, lang);
                    EligibilityFailure {
                        rule: EligibilityRule::from_proto(f.rule),
                        field: f.field,
                        reason,
                        reason_key,
                    }
                })
                .collect(),
        })
    }

    /// A participant's stipend schedule (managers and the participant).
    #[graphql(inaccessible)]
    async fn stipend_schedule(
        &self,
        ctx: &Context<'_>,
        application_id: ID,
    ) -> Result<StipendSchedule> {
        Ok(StipendSchedule(
            read(
                ctx,
                Training,
                "GetStipendSchedule",
                pb::GetStipendScheduleRequest {
                    application_id: application_id.0,
                },
                |mut client, request| async move { client.get_stipend_schedule(request).await },
            )
            .await?
            .into_inner(),
        ))
    }

    /// Verifies a certificate by its code (public): null when no certificate has it.
    async fn verify_certificate(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> Result<Option<VerifiedCertificate>> {
        match read_status(
            ctx,
            Training,
            "VerifyCertificate",
            pb::VerifyCertificateRequest { code },
            |mut client, request| async move { client.verify_certificate(request).await },
        )
        .await
        {
            Ok(r) => Ok(Some(VerifiedCertificate(r.into_inner()))),
            Err(s) if s.code() == tonic::Code::NotFound => Ok(None),
            Err(s) => Err(error::remote(s)),
        }
    }
}
