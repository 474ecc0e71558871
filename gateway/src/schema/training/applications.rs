//! Applications' GraphQL types: the applicant's profile, answers, attachments, reviews, participation and history.

use super::*;
use crate::schema::personal_data::{Holder, PersonalDataEntity};
use crate::schema::research::Organisation;

/// Who applied; identity fields are empty for a blind reviewer. Its personal fields are
/// logged when bureau staff read them (ADR 0039).
pub struct ApplicantProfile(pub(super) pb::ApplicantProfile, pub(super) Holder<'static>);

/// Who applied; identity fields are empty for a blind reviewer.
#[Object]
impl ApplicantProfile {
    /// An official or a local government.
    async fn kind(&self) -> Option<ApplicantKind> {
        ApplicantKind::from_proto(self.0.kind)
    }

    /// Full name (a local government's contact person).
    async fn full_name(&self, ctx: &Context<'_>) -> Option<&str> {
        self.1
            .read(ctx, "profile.fullName", non_empty(&self.0.full_name))
    }

    /// ISO 3166-1 alpha-2 nationality.
    async fn nationality(&self, ctx: &Context<'_>) -> Option<&str> {
        self.1
            .read(ctx, "profile.nationality", non_empty(&self.0.nationality))
    }

    /// Kind of organisation.
    async fn organisation_type(&self) -> Option<OrganisationType> {
        OrganisationType::from_proto(self.0.organisation_type)
    }

    /// Organisation name.
    async fn organisation(&self, ctx: &Context<'_>) -> Option<&str> {
        self.1
            .read(ctx, "profile.organisation", non_empty(&self.0.organisation))
    }

    /// Administrative grade (1–9), when stated.
    async fn grade(&self, ctx: &Context<'_>) -> Option<i32> {
        let grade = (self.0.grade > 0).then(|| count(self.0.grade));
        self.1.read(ctx, "profile.grade", grade)
    }

    /// Working languages (ISO 639-1).
    async fn languages(&self, ctx: &Context<'_>) -> &[String] {
        self.1
            .read(ctx, "profile.languages", self.0.languages.as_slice())
    }
}

/// An answer to a question of the call.
#[derive(SimpleObject)]
pub struct ApplicationAnswer {
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: String,
}

/// Metadata of an attached file.
#[derive(SimpleObject)]
pub struct ApplicationAttachment {
    /// File name.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
}

/// A reviewer's score.
#[derive(SimpleObject)]
pub struct ApplicationReview {
    /// Stage.
    pub stage: i32,
    /// Reviewer's subject.
    pub reviewer_subject: String,
    /// Reviewer's name.
    pub reviewer_name: String,
    /// 0–100.
    pub score: i32,
    /// Comment.
    pub comment: String,
    /// When.
    pub at: Option<DateTime>,
}

/// An application's mean score at a stage (shown to managers).
#[derive(SimpleObject)]
pub struct StageScore {
    /// Stage.
    pub stage: i32,
    /// How many reviews.
    pub reviews: i32,
    /// Mean in hundredths, rounded down (8150 = 81.50).
    pub mean_centi: i64,
}

/// A participant's placement and dates.
pub struct Participation(pub(super) pb::Participation);

/// A participant's placement and dates.
#[Object]
impl Participation {
    /// The host local government.
    async fn host(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        load_local_government(ctx, &self.0.host_code).await
    }

    /// The host's standard code.
    async fn host_code(&self) -> Option<&str> {
        non_empty(&self.0.host_code)
    }

    /// Mentor at the host.
    async fn mentor(&self) -> Option<&str> {
        non_empty(&self.0.mentor)
    }

    /// First day present.
    async fn joined_on(&self) -> Option<Date> {
        date(&self.0.joined_on)
    }

    /// Last day present.
    async fn left_on(&self) -> Option<Date> {
        date(&self.0.left_on)
    }
}

/// One audit entry of an application.
pub struct TrainingHistoryEntry(pub(super) pb::HistoryEntry);

/// One audit entry of an application.
#[Object]
impl TrainingHistoryEntry {
    /// What happened, e.g. `submit`, `accept`, `promote`, `review`, `certify`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// State before.
    async fn from(&self) -> Option<TrainingApplicationState> {
        TrainingApplicationState::from_proto(self.0.from_state)
    }

    /// State after.
    async fn to(&self) -> Option<TrainingApplicationState> {
        TrainingApplicationState::from_proto(self.0.to_state)
    }

    /// Who (`system` for automatic promotions).
    async fn actor_subject(&self) -> &str {
        &self.0.actor_subject
    }

    /// Their name.
    async fn actor_name(&self) -> &str {
        &self.0.actor_name
    }

    /// When.
    async fn at(&self) -> Option<DateTime> {
        datetime(self.0.at.as_ref())
    }

    /// A note on the change: what the system noted (e.g. a review cut's rank) in `lang`
    /// (default: the request's `Accept-Language`), or a person's words as written.
    async fn note(&self, ctx: &Context<'_>, lang: Option<Language>) -> Option<String> {
        non_empty(&self.0.note).map(|n| language::say(n, language::effective(ctx, lang)).0)
    }

    /// The catalogue key of a note the system wrote (e.g. `training-cut-eliminated`);
    /// null for a person's words.
    async fn note_key(&self) -> Option<String> {
        non_empty(&self.0.note).and_then(|n| language::say(n, Language::En).1)
    }
}

/// An application to an edition.
pub struct TrainingApplication(pub(crate) pb::Application);

impl TrainingApplication {
    /// The application as a holder of its applicant's personal data (ADR 0039).
    fn holder(&self) -> Holder<'_> {
        Holder::new(
            PersonalDataEntity::TrainingApplication,
            &self.0.id,
            Some(&self.0.applicant_subject),
        )
    }
}

/// An application to an edition.
#[Object]
impl TrainingApplication {
    /// Application id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// The edition applied to.
    async fn edition_id(&self) -> ID {
        ID(self.0.edition_id.clone())
    }

    /// The edition's term.
    async fn edition_term(&self) -> &str {
        &self.0.edition_term
    }

    /// The programme's kind.
    async fn programme_kind(&self) -> Option<ProgrammeKind> {
        self.0
            .programme
            .as_ref()
            .and_then(|p| ProgrammeKind::from_proto(p.kind))
    }

    /// The programme's title in `lang`.
    async fn programme_title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(
            self.0.programme.as_ref().and_then(|p| p.title.as_ref()),
            language::effective(ctx, lang),
        )
    }

    /// Where the application is.
    async fn state(&self) -> Result<TrainingApplicationState> {
        TrainingApplicationState::from_proto_or_internal(self.0.state)
    }

    /// Review stage (1-based) while under review; 0 before.
    async fn current_stage(&self) -> i32 {
        count(self.0.current_stage)
    }

    /// The division applied to (ISO 639-1); null when the edition has none.
    async fn division(&self) -> Option<&str> {
        non_empty(&self.0.division)
    }

    /// The foreign local government a fellowship application names (an organisation of the
    /// partner network; null otherwise, and for blind reviewers).
    async fn partner_organisation_id(&self) -> Option<ID> {
        non_empty(&self.0.partner_organisation_id).map(|s| ID(s.to_owned()))
    }

    /// That organisation, as the caller may see it in the partner network.
    async fn partner_organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        partner_organisation(ctx, &self.0.partner_organisation_id).await
    }

    /// Where a fellowship application stands on the relationship rule (null for other
    /// programmes and for drafts): UNCONFIRMED is held until staff `confirmRelationship`.
    async fn relationship(&self) -> Option<RelationshipStanding> {
        RelationshipStanding::from_proto(self.0.relationship)
    }

    /// Who applied.
    async fn profile(&self) -> ApplicantProfile {
        ApplicantProfile(
            self.0.profile.clone().unwrap_or_default(),
            self.holder().into_owned(),
        )
    }

    /// The applicant's subject (empty for a blind reviewer).
    async fn applicant_subject(&self) -> Option<&str> {
        non_empty(&self.0.applicant_subject)
    }

    /// The applicant's Korean local government, when their organisation is one.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        let code = &self.0.organisation_code;
        if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
            load_local_government(ctx, code).await
        } else {
            Ok(None)
        }
    }

    /// The caller reviews this application blind.
    async fn blind(&self) -> bool {
        self.0.blind
    }

    /// Answers to the call's questions.
    async fn answers(&self, ctx: &Context<'_>) -> Vec<ApplicationAnswer> {
        let answers = self
            .0
            .answers
            .iter()
            .map(|a| ApplicationAnswer {
                question: a.question.clone(),
                answer: a.answer.clone(),
            })
            .collect::<Vec<_>>();
        self.holder().read(ctx, "answers", answers)
    }

    /// Attached files' metadata.
    async fn attachments(&self) -> Vec<ApplicationAttachment> {
        self.0
            .attachments
            .iter()
            .map(|a| ApplicationAttachment {
                name: a.name.clone(),
                content_type: a.content_type.clone(),
                size_bytes: i64::try_from(a.size_bytes).unwrap_or(i64::MAX),
                sha256: a.sha256.clone(),
            })
            .collect()
    }

    /// Scores the caller may see (managers: all; reviewers: their own).
    async fn reviews(&self) -> Vec<ApplicationReview> {
        self.0
            .reviews
            .iter()
            .map(|r| ApplicationReview {
                stage: count(r.stage),
                reviewer_subject: r.reviewer_subject.clone(),
                reviewer_name: r.reviewer_name.clone(),
                score: count(r.score),
                comment: r.comment.clone(),
                at: datetime(r.at.as_ref()),
            })
            .collect()
    }

    /// Mean score per stage (managers only).
    async fn scores(&self) -> Vec<StageScore> {
        self.0
            .scores
            .iter()
            .map(|s| StageScore {
                stage: count(s.stage),
                reviews: count(s.reviews),
                mean_centi: s.mean_centi,
            })
            .collect()
    }

    /// Placement and dates, once accepted.
    async fn participation(&self) -> Option<Participation> {
        self.0.participation.clone().map(Participation)
    }

    /// The note of the last screening or decision: a review cut's note in `lang` (default:
    /// the request's `Accept-Language`), or the reviewer's words as written.
    async fn decision_note(&self, ctx: &Context<'_>, lang: Option<Language>) -> Option<String> {
        non_empty(&self.0.decision_note).map(|n| language::say(n, language::effective(ctx, lang)).0)
    }

    /// The catalogue key of a decision note the system wrote (`training-cut-eliminated`);
    /// null for a reviewer's words.
    async fn decision_note_key(&self) -> Option<String> {
        non_empty(&self.0.decision_note).and_then(|n| language::say(n, Language::En).1)
    }

    /// The certificate's verification code, once certified.
    async fn certificate_code(&self) -> Option<&str> {
        non_empty(&self.0.certificate_code)
    }

    /// 1-based place on the waitlist while waitlisted.
    async fn waitlist_position(&self) -> Option<i32> {
        (self.0.waitlist_position > 0).then(|| count(self.0.waitlist_position))
    }

    /// The applicant's papers as uploaded files, oldest first (`attachments` is the
    /// metadata declared at submission, without the bytes): the applicant and the staff who
    /// may read the application see them, each with a short-lived download link.
    async fn files(&self, ctx: &Context<'_>) -> Result<Vec<crate::schema::files::AttachedFile>> {
        let files = crate::schema::files::application_files(ctx, &self.0.id).await?;
        Ok(self.holder().read(ctx, "files", files))
    }

    /// The audit history, oldest first (managers and the applicant).
    async fn history(&self) -> Vec<TrainingHistoryEntry> {
        self.0
            .history
            .iter()
            .cloned()
            .map(TrainingHistoryEntry)
            .collect()
    }

    /// Optimistic-concurrency version: pass it back to workflow mutations.
    async fn version(&self) -> Result<i32> {
        version_out(self.0.version)
    }

    /// Created.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }

    /// Submitted.
    async fn submitted_at(&self) -> Option<DateTime> {
        datetime(self.0.submitted_at.as_ref())
    }

    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime> {
        datetime(self.0.updated_at.as_ref())
    }
}
