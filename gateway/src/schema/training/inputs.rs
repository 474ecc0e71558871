//! The training input objects.

use super::*;
use crate::schema::common::PeriodRuleInput;

// ---- inputs -----------------------------------------------------------------------------

/// Text in the bureau's four languages; give at least one.
#[derive(InputObject, Default)]
pub struct TrainingTextInput {
    /// Korean.
    pub ko: Option<String>,
    /// English.
    pub en: Option<String>,
    /// Chinese.
    pub zh: Option<String>,
    /// Japanese.
    pub ja: Option<String>,
}

impl TrainingTextInput {
    pub(super) fn into_proto(self) -> LocalizedText {
        LocalizedText {
            ko: self.ko.unwrap_or_default(),
            en: self.en.unwrap_or_default(),
            zh: self.zh.unwrap_or_default(),
            ja: self.ja.unwrap_or_default(),
        }
    }
}

/// Creates a programme.
#[derive(InputObject)]
pub struct CreateProgrammeInput {
    /// A retry with the same key returns the same programme.
    pub idempotency_key: String,
    /// Which programme.
    pub kind: ProgrammeKind,
    /// Title.
    pub title: TrainingTextInput,
    /// Description.
    pub description: Option<TrainingTextInput>,
    /// Visible to the public at once.
    #[graphql(default)]
    pub published: bool,
    /// When its editions may be held (e.g. K2H: April–October, one a year); any time when
    /// absent.
    pub period: Option<PeriodRuleInput>,
}

/// Who may apply.
#[derive(InputObject, Default)]
pub struct EditionEligibilityInput {
    /// Default: officials only.
    #[graphql(default)]
    pub applicant_kinds: Vec<ApplicantKind>,
    /// Default: any organisation.
    #[graphql(default)]
    pub organisation_types: Vec<OrganisationType>,
    /// Default: any nationality.
    pub nationality: Option<NationalityRule>,
    /// Highest grade admitted (1 is the highest).
    pub min_grade: Option<i32>,
    /// Lowest grade admitted (9 is the lowest).
    pub max_grade: Option<i32>,
}

/// A monthly stipend line.
#[derive(InputObject)]
pub struct StipendLineInput {
    /// Who pays (at most one line per payer).
    pub payer: StipendPayer,
    /// A full month's amount in minor units.
    pub monthly_amount_minor: i64,
    /// ISO 4217, e.g. "KRW".
    pub currency: String,
}

/// A cost one payer covers.
#[derive(InputObject)]
pub struct CostShareInput {
    /// Who pays.
    pub payer: StipendPayer,
    /// What.
    pub item: String,
}

/// A review stage.
#[derive(InputObject)]
pub struct ReviewStageInput {
    /// Name.
    pub name: String,
    /// Who moves on (the last stage has no cut: it ends with decisions).
    pub cut: Option<ReviewCutKind>,
    /// N for TOP_N, the minimum mean score for THRESHOLD.
    pub cut_value: Option<i32>,
    /// Reviewers do not see who applied.
    #[graphql(default)]
    pub blind: bool,
    /// Subjects of the bureau staff who score at this stage, in every division.
    #[graphql(default)]
    pub reviewer_subjects: Vec<String>,
    /// Bureau staff who score at this stage only in one of the edition's divisions.
    #[graphql(default)]
    pub division_reviewers: Vec<DivisionReviewerInput>,
}

/// A reviewer who sees and scores only one division's applications at a stage.
#[derive(InputObject)]
pub struct DivisionReviewerInput {
    /// The staff member's subject.
    pub subject: String,
    /// One of the edition's divisions (ISO 639-1, e.g. "zh").
    pub division: String,
}

/// Creates an edition of a programme.
#[derive(InputObject)]
pub struct CreateEditionInput {
    /// A retry with the same key returns the same edition.
    pub idempotency_key: String,
    /// The programme.
    pub programme_id: ID,
    /// Term, e.g. "2026" or "2026-1".
    pub term: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// First day applications are taken.
    pub applications_open_on: Date,
    /// Last day applications are taken (before `startsOn`).
    pub applications_close_on: Date,
    /// Places.
    pub capacity: i32,
    /// ISO 639-1 codes of the working languages.
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Divisions by language (ISO 639-1, e.g. "en", "zh", "ja"), each with its own review,
    /// cut and ranking; applications then name their division. Default: none.
    #[graphql(default)]
    pub divisions: Vec<String>,
    /// Who may apply.
    pub eligibility: Option<EditionEligibilityInput>,
    /// Each payer's share per item and participant, monthly or once: at most one per
    /// payer and item; the monthly LIVING_EXPENSES shares are the stipends.
    #[graphql(default)]
    pub shares: Vec<PayerShareInput>,
    /// Monthly stipends (deprecated: give `shares` with LIVING_EXPENSES; each line becomes
    /// such a share).
    #[graphql(default)]
    pub stipends: Vec<StipendLineInput>,
    /// Costs in free text without amounts (deprecated: give `shares`; kept as notes).
    #[graphql(default)]
    pub costs: Vec<CostShareInput>,
    /// Standard codes of the host local governments.
    #[graphql(default)]
    pub host_codes: Vec<String>,
    /// Review stages; default one stage "Review".
    #[graphql(default)]
    pub stages: Vec<ReviewStageInput>,
    /// Visible to the public at once.
    #[graphql(default)]
    pub published: bool,
    /// Create it even outside its programme's period rule: bureau administrators only
    /// (FORBIDDEN `BUREAU_ADMIN_ONLY` otherwise), noted in the edition's history.
    #[graphql(default = false)]
    pub outside_period: bool,
}

impl CreateEditionInput {
    pub(super) fn into_proto(self) -> Result<pb::CreateEditionRequest> {
        let e = self.eligibility.unwrap_or_default();
        let grade = |g: Option<i32>, field: &str| unsigned(g.unwrap_or(0), field);
        Ok(pb::CreateEditionRequest {
            idempotency_key: self.idempotency_key,
            programme_id: self.programme_id.0,
            term: self.term,
            starts_on: self.starts_on.to_string(),
            ends_on: self.ends_on.to_string(),
            applications_open_on: self.applications_open_on.to_string(),
            applications_close_on: self.applications_close_on.to_string(),
            capacity: unsigned(self.capacity, "capacity")?,
            languages: self.languages,
            divisions: self.divisions,
            eligibility: Some(pb::Eligibility {
                applicant_kinds: e
                    .applicant_kinds
                    .into_iter()
                    .map(ProtoEnum::to_proto)
                    .collect(),
                organisation_types: e
                    .organisation_types
                    .into_iter()
                    .map(ProtoEnum::to_proto)
                    .collect(),
                nationality: e.nationality.map_or(0, ProtoEnum::to_proto),
                min_grade: grade(e.min_grade, "eligibility.minGrade")?,
                max_grade: grade(e.max_grade, "eligibility.maxGrade")?,
            }),
            cost_policy: Some(pb::CostPolicy {
                shares: self
                    .shares
                    .into_iter()
                    .map(PayerShareInput::into_proto)
                    .collect(),
                stipends: self
                    .stipends
                    .into_iter()
                    .map(|s| pb::StipendLine {
                        payer: s.payer.to_proto(),
                        monthly: Some(pb::Money {
                            amount_minor: s.monthly_amount_minor,
                            currency: s.currency,
                        }),
                    })
                    .collect(),
                costs: self
                    .costs
                    .into_iter()
                    .map(|c| pb::CostShare {
                        payer: c.payer.to_proto(),
                        item: c.item,
                    })
                    .collect(),
            }),
            host_codes: self.host_codes,
            stages: self
                .stages
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    Ok(pb::ReviewStage {
                        number: 0,
                        name: s.name,
                        cut: s.cut.map_or(0, ProtoEnum::to_proto),
                        cut_value: unsigned(
                            s.cut_value.unwrap_or(0),
                            &format!("stages[{i}].cutValue"),
                        )?,
                        blind: s.blind,
                        reviewer_subjects: s.reviewer_subjects,
                        division_reviewers: s
                            .division_reviewers
                            .into_iter()
                            .map(|r| pb::DivisionReviewer {
                                subject: r.subject,
                                division: r.division,
                            })
                            .collect(),
                    })
                })
                .collect::<Result<_>>()?,
            published: self.published,
            outside_period: self.outside_period,
        })
    }
}

/// Publishes an edition (and its programme).
#[derive(InputObject)]
pub struct PublishEditionInput {
    /// Edition id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
}

/// Who applies, as the eligibility rules see them.
#[derive(InputObject)]
pub struct ApplicantProfileInput {
    /// An official or a local government.
    pub kind: ApplicantKind,
    /// Full name (a local government's contact person).
    pub full_name: String,
    /// ISO 3166-1 alpha-2 nationality, e.g. "VN".
    pub nationality: String,
    /// Kind of organisation.
    pub organisation_type: OrganisationType,
    /// Organisation name.
    pub organisation: String,
    /// Administrative grade 1–9, when the applicant has one.
    pub grade: Option<i32>,
    /// Working languages (ISO 639-1), at least one.
    pub languages: Vec<String>,
}

impl ApplicantProfileInput {
    pub(super) fn into_proto(self) -> Result<pb::ApplicantProfile> {
        Ok(pb::ApplicantProfile {
            kind: self.kind.to_proto(),
            full_name: self.full_name,
            nationality: self.nationality,
            organisation_type: self.organisation_type.to_proto(),
            organisation: self.organisation,
            grade: unsigned(self.grade.unwrap_or(0), "profile.grade")?,
            languages: self.languages,
        })
    }
}

/// An answer to a question of the call.
#[derive(InputObject)]
pub struct ApplicationAnswerInput {
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: String,
}

/// Metadata of an attached file (uploaded to document storage beforehand).
#[derive(InputObject)]
pub struct ApplicationAttachmentInput {
    /// File name.
    pub name: String,
    /// MIME type, e.g. "application/pdf".
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
}

/// Applies to an edition.
#[derive(InputObject)]
pub struct SubmitApplicationInput {
    /// A retry with the same key returns the same application.
    pub idempotency_key: String,
    /// The edition.
    pub edition_id: ID,
    /// Who applies.
    pub profile: ApplicantProfileInput,
    /// Answers to the call's questions.
    #[graphql(default)]
    pub answers: Vec<ApplicationAnswerInput>,
    /// Attached files' metadata.
    #[graphql(default)]
    pub attachments: Vec<ApplicationAttachmentInput>,
    /// The division applied to (ISO 639-1): required, and one of them, when the edition
    /// has divisions; refused when it has none.
    pub division: Option<String>,
    /// The applicant's foreign local government in the partner network (an organisation of
    /// kind FOREIGN_LOCAL_GOVERNMENT): required for the invitation fellowship, refused for
    /// other programmes.
    pub partner_organisation_id: Option<ID>,
}

impl SubmitApplicationInput {
    pub(super) fn into_proto(self, as_draft: bool) -> Result<pb::SubmitApplicationRequest> {
        Ok(pb::SubmitApplicationRequest {
            idempotency_key: self.idempotency_key,
            edition_id: self.edition_id.0,
            division: self.division.unwrap_or_default(),
            partner_organisation_id: self
                .partner_organisation_id
                .map(|i| i.0)
                .unwrap_or_default(),
            relationships: None,
            profile: Some(self.profile.into_proto()?),
            answers: self
                .answers
                .into_iter()
                .map(|a| pb::Answer {
                    question: a.question,
                    answer: a.answer,
                })
                .collect(),
            attachments: self
                .attachments
                .into_iter()
                .enumerate()
                .map(|(i, a)| {
                    Ok(pb::Attachment {
                        name: a.name,
                        content_type: a.content_type,
                        size_bytes: u64::try_from(a.size_bytes).map_err(|_| {
                            error::bad_input(
                                "must not be negative",
                                &format!("attachments[{i}].sizeBytes"),
                            )
                        })?,
                        sha256: a.sha256,
                    })
                })
                .collect::<Result<_>>()?,
            as_draft,
        })
    }
}

/// Submits a draft application.
#[derive(InputObject)]
pub struct SubmitApplicationDraftInput {
    /// Application id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
}

/// Which applications to list; every field narrows the list.
#[derive(InputObject, Default)]
pub struct TrainingApplicationFilter {
    /// Of this edition.
    pub edition_id: Option<ID>,
    /// In any of these states.
    pub states: Option<Vec<TrainingApplicationState>>,
    /// At this review stage.
    pub stage: Option<i32>,
    /// Only the caller's own applications (not their local government's).
    #[graphql(default)]
    pub mine: bool,
}

impl TrainingApplicationFilter {
    /// The filter as the training service takes it (also the exports').
    pub(crate) fn into_proto(self) -> Result<pb::ApplicationFilter> {
        Ok(pb::ApplicationFilter {
            edition_id: self.edition_id.map(|e| e.0).unwrap_or_default(),
            states: self
                .states
                .unwrap_or_default()
                .into_iter()
                .map(ProtoEnum::to_proto)
                .collect(),
            stage: unsigned(self.stage.unwrap_or(0), "filter.stage")?,
            mine: self.mine,
        })
    }
}

/// Screens an application.
#[derive(InputObject)]
pub struct ScreenApplicationInput {
    /// Application id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// START, PASS or FAIL.
    pub outcome: ScreeningOutcome,
    /// Why (required for FAIL).
    pub note: Option<String>,
}

/// Scores an application at a review stage.
#[derive(InputObject)]
pub struct ReviewApplicationInput {
    /// Application id.
    pub id: ID,
    /// The stage (1-based) the caller reviews.
    pub stage: i32,
    /// 0–100.
    pub score: i32,
    /// Comment.
    pub comment: Option<String>,
}

/// Applies a stage's cut.
#[derive(InputObject)]
pub struct ApplyReviewCutInput {
    /// The edition.
    pub edition_id: ID,
    /// The stage (1-based, not the last).
    pub stage: i32,
}

/// Decides on an application.
#[derive(InputObject)]
pub struct DecideApplicationInput {
    /// Application id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// ACCEPT, WAITLIST or REJECT.
    pub decision: TrainingDecision,
    /// A note to the applicant.
    pub note: Option<String>,
}

/// Withdraws an application (the applicant).
#[derive(InputObject)]
pub struct WithdrawApplicationInput {
    /// Application id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// Why.
    pub reason: Option<String>,
}

/// Sets a participant's placement, mentor or dates; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateParticipantInput {
    /// Application id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// The host local government's code (one of the edition's hosts).
    pub host_code: Option<String>,
    /// Mentor at the host.
    pub mentor: Option<String>,
    /// First day present (a late start).
    pub joined_on: Option<Date>,
    /// Last day present (an early departure).
    pub left_on: Option<Date>,
}

/// Schedules a session.
#[derive(InputObject)]
pub struct ScheduleSessionInput {
    /// The edition.
    pub edition_id: ID,
    /// What it is.
    pub kind: TrainingSessionKind,
    /// Title.
    pub title: String,
    /// Start.
    pub starts_at: DateTime,
    /// End.
    pub ends_at: DateTime,
    /// Where.
    pub location: Option<String>,
}

/// One participant's attendance.
#[derive(InputObject)]
pub struct AttendanceEntryInput {
    /// The participant's application.
    pub application_id: ID,
    /// Present, late, absent or excused.
    pub status: TrainingAttendanceStatus,
    /// A note (e.g. the excuse).
    pub note: Option<String>,
}

/// Records attendance at a session.
#[derive(InputObject)]
pub struct RecordAttendanceInput {
    /// The session.
    pub session_id: ID,
    /// One entry per participant.
    pub entries: Vec<AttendanceEntryInput>,
}

/// Generates a participant's stipend schedule.
#[derive(InputObject)]
pub struct GenerateStipendScheduleInput {
    /// The participant's application.
    pub application_id: ID,
}

/// Moves a stipend payment.
#[derive(InputObject)]
pub struct UpdateStipendPaymentInput {
    /// Payment id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// APPROVE, PAY, FAIL or RETRY.
    pub action: StipendPaymentAction,
    /// A note (e.g. the transfer reference).
    pub note: Option<String>,
}

/// Issues certificates for an edition.
#[derive(InputObject)]
pub struct IssueCertificatesInput {
    /// The edition.
    pub edition_id: ID,
}
