//! The training mutation root's resolvers (POST only).

use super::*;
use crate::schema::research::known_local_governments;

#[Object]
impl TrainingMutation {
    /// Creates a programme (bureau staff). Idempotent per key.
    async fn create_programme(
        &self,
        ctx: &Context<'_>,
        input: CreateProgrammeInput,
    ) -> Result<Programme> {
        let message = pb::CreateProgrammeRequest {
            idempotency_key: input.idempotency_key,
            kind: input.kind.to_proto(),
            title: Some(input.title.into_proto()),
            description: input.description.map(TrainingTextInput::into_proto),
            published: input.published,
            period: input.period.map(|p| p.to_proto("period")).transpose()?,
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(Programme(
            client.create_programme(request).await?.into_inner(),
        ))
    }

    /// Creates an edition with its stages (bureau staff). Idempotent per key. An edition
    /// outside its programme's period rule (months, longest duration, editions per start
    /// year) is CONFLICT `OUTSIDE_PERIOD`, unless an administrator creates it
    /// `outsidePeriod`.
    async fn create_edition(
        &self,
        ctx: &Context<'_>,
        input: CreateEditionInput,
    ) -> Result<ProgrammeEdition> {
        known_local_governments(ctx, &input.host_codes, "hostCodes", true).await?;
        let (mut client, request) = call(ctx, Training, input.into_proto()?)?;
        Ok(ProgrammeEdition(
            client
                .create_edition(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Publishes an edition and its programme.
    async fn publish_edition(
        &self,
        ctx: &Context<'_>,
        input: PublishEditionInput,
    ) -> Result<ProgrammeEdition> {
        let message = pb::PublishEditionRequest {
            id: input.id.0,
            version: i64::from(input.version),
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(ProgrammeEdition(
            client
                .publish_edition(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Applies to an edition (local officials). Every eligibility rule is checked; a
    /// failure is BAD_USER_INPUT with `extensions.reasons`. Idempotent per key. A
    /// fellowship application names its foreign local government
    /// (`partnerOrganisationId`; unknown: BAD_USER_INPUT `UNKNOWN_ORGANISATION`, another
    /// kind: `NOT_FOREIGN_LOCAL_GOVERNMENT`); without an active or proposed relationship
    /// with a Korean local government it is held for staff confirmation (`relationship`
    /// UNCONFIRMED).
    async fn submit_application(
        &self,
        ctx: &Context<'_>,
        input: SubmitApplicationInput,
    ) -> Result<TrainingApplication> {
        let mut message = input.into_proto(false)?;
        message.relationships =
            relationship_facts(ctx, &message.partner_organisation_id, true).await?;
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(TrainingApplication(
            client
                .submit_application(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Saves an application as a draft (checked when submitted). Idempotent per key.
    async fn save_application_draft(
        &self,
        ctx: &Context<'_>,
        input: SubmitApplicationInput,
    ) -> Result<TrainingApplication> {
        let message = input.into_proto(true)?;
        relationship_facts(ctx, &message.partner_organisation_id, false).await?;
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(TrainingApplication(
            client
                .submit_application(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Submits a draft: the eligibility rules are checked now, and a fellowship draft's
    /// relationship rule against its partner organisation's relationships.
    async fn submit_application_draft(
        &self,
        ctx: &Context<'_>,
        input: SubmitApplicationDraftInput,
    ) -> Result<TrainingApplication> {
        let draft = read(
            ctx,
            Training,
            "GetApplication",
            pb::GetApplicationRequest {
                id: input.id.0.clone(),
            },
            |mut client, request| async move { client.get_application(request).await },
        )
        .await?
        .into_inner();
        let relationships = if draft.partner_organisation_id.is_empty() {
            None
        } else {
            relationship_facts(ctx, &draft.partner_organisation_id, true).await?
        };
        let message = pb::SubmitDraftRequest {
            id: input.id.0,
            version: i64::from(input.version),
            relationships,
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(TrainingApplication(
            client
                .submit_draft(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Screens an application (managers).
    async fn screen_application(
        &self,
        ctx: &Context<'_>,
        input: ScreenApplicationInput,
    ) -> Result<TrainingApplication> {
        let message = pb::ScreenApplicationRequest {
            id: input.id.0,
            version: i64::from(input.version),
            outcome: input.outcome.to_proto(),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(TrainingApplication(
            client
                .screen_application(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Scores an application at the caller's review stage (0–100).
    async fn review_application(
        &self,
        ctx: &Context<'_>,
        input: ReviewApplicationInput,
    ) -> Result<TrainingApplication> {
        let message = pb::ReviewApplicationRequest {
            id: input.id.0,
            stage: unsigned(input.stage, "stage")?,
            score: unsigned(input.score, "score")?,
            comment: input.comment.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(TrainingApplication(
            client
                .review_application(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Applies a stage's cut: the best mean scores move on (ties with the N-th too), the
    /// others are rejected.
    async fn apply_review_cut(
        &self,
        ctx: &Context<'_>,
        input: ApplyReviewCutInput,
    ) -> Result<ReviewCutResult> {
        let message = pb::ApplyReviewCutRequest {
            edition_id: input.edition_id.0,
            stage: unsigned(input.stage, "stage")?,
        };
        let (mut client, request) = call(ctx, Training, message)?;
        let r = client
            .apply_review_cut(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(ReviewCutResult {
            outcomes: r
                .outcomes
                .into_iter()
                .map(|o| ReviewCutOutcome {
                    application_id: ID(o.application_id),
                    mean_centi: o.mean_centi,
                    rank: count(o.rank),
                    advanced: o.advanced,
                    division: non_empty(&o.division).map(str::to_owned),
                })
                .collect(),
            edition: r.edition.map(ProgrammeEdition),
        })
    }

    /// Accepts (within capacity), waitlists or rejects an application (managers).
    async fn decide_application(
        &self,
        ctx: &Context<'_>,
        input: DecideApplicationInput,
    ) -> Result<TrainingApplication> {
        let message = pb::DecideApplicationRequest {
            id: input.id.0,
            version: i64::from(input.version),
            decision: input.decision.to_proto(),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(TrainingApplication(
            client
                .decide_application(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Withdraws an application; an accepted participant's place goes to the first on the
    /// waitlist.
    async fn withdraw_application(
        &self,
        ctx: &Context<'_>,
        input: WithdrawApplicationInput,
    ) -> Result<TrainingApplication> {
        let message = pb::WithdrawApplicationRequest {
            id: input.id.0,
            version: i64::from(input.version),
            reason: input.reason.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(TrainingApplication(
            client
                .withdraw_application(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Sets a participant's placement, mentor or dates (managers).
    async fn update_participant(
        &self,
        ctx: &Context<'_>,
        input: UpdateParticipantInput,
    ) -> Result<TrainingApplication> {
        if let Some(code) = &input.host_code {
            known_local_governments(ctx, std::slice::from_ref(code), "hostCode", false).await?;
        }
        let message = pb::UpdateParticipantRequest {
            id: input.id.0,
            version: i64::from(input.version),
            host_code: input.host_code.unwrap_or_default(),
            mentor: input.mentor.unwrap_or_default(),
            joined_on: date_string(input.joined_on),
            left_on: date_string(input.left_on),
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(TrainingApplication(
            client
                .update_participant(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Schedules a session of an edition (managers).
    async fn schedule_session(
        &self,
        ctx: &Context<'_>,
        input: ScheduleSessionInput,
    ) -> Result<TrainingSession> {
        let message = pb::ScheduleSessionRequest {
            edition_id: input.edition_id.0,
            kind: input.kind.to_proto(),
            title: input.title,
            starts_at: Some(timestamp(input.starts_at)),
            ends_at: Some(timestamp(input.ends_at)),
            location: input.location.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(TrainingSession(
            client
                .schedule_session(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Records attendance at a session for accepted participants (managers).
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        input: RecordAttendanceInput,
    ) -> Result<TrainingSession> {
        let message = pb::RecordAttendanceRequest {
            session_id: input.session_id.0,
            entries: input
                .entries
                .into_iter()
                .map(|e| pb::AttendanceEntry {
                    application_id: e.application_id.0,
                    status: e.status.to_proto(),
                    note: e.note.unwrap_or_default(),
                })
                .collect(),
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(TrainingSession(
            client
                .record_attendance(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Generates a participant's stipend schedule from the edition's policy (managers).
    async fn generate_stipend_schedule(
        &self,
        ctx: &Context<'_>,
        input: GenerateStipendScheduleInput,
    ) -> Result<StipendSchedule> {
        let message = pb::GenerateStipendScheduleRequest {
            application_id: input.application_id.0,
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(StipendSchedule(
            client
                .generate_stipend_schedule(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Moves a stipend payment: approve, pay, fail or retry (managers).
    async fn update_stipend_payment(
        &self,
        ctx: &Context<'_>,
        input: UpdateStipendPaymentInput,
    ) -> Result<StipendPayment> {
        let message = pb::UpdateStipendPaymentRequest {
            id: input.id.0,
            version: i64::from(input.version),
            action: input.action.to_proto(),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Training, message)?;
        Ok(StipendPayment(
            client
                .update_stipend_payment(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Issues certificates to every participant who completed the edition (managers).
    async fn issue_certificates(
        &self,
        ctx: &Context<'_>,
        input: IssueCertificatesInput,
    ) -> Result<CertificateIssue> {
        let lang = language::effective(ctx, None);
        let message = pb::IssueCertificatesRequest {
            edition_id: input.edition_id.0,
        };
        let (mut client, request) = call(ctx, Training, message)?;
        let r = client
            .issue_certificates(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(CertificateIssue {
            issued: r
                .issued
                .into_iter()
                .map(|c| IssuedCertificate {
                    issued_on: date(&c.issued_on),
                    code: c.code,
                    application_id: ID(c.application_id),
                    holder_name: c.holder_name,
                })
                .collect(),
            skipped: r
                .skipped
                .into_iter()
                .map(|s| {
                    let (reason, reason_key) = language::say(&s.reason, lang);
                    CertificateSkip {
                        application_id: ID(s.application_id),
                        reason,
                        reason_key,
                    }
                })
                .collect(),
            already_issued: count(r.already_issued),
        })
    }
}
