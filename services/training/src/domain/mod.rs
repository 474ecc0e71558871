//! The training domain: types that parse (ids, codes, texts, editions, applications), the
//! application and payment state machines, and the rules as pure functions (eligibility,
//! the review cut, stipend arithmetic, completion). No I/O, no proto, no SQL.

mod application;
mod coaching;
mod completion;
mod edition;
mod eligibility;
mod error;
pub mod fellowship;
mod ids;
mod itinerary;
mod kinds;
mod programme;
mod review;
mod state_machine;
pub mod statistics;
mod stipend;
mod text;
pub mod views;

pub use application::{
    Answer, ApplicantProfile, ApplicationDraft, Attachment, NewApplication, ProfileDraft,
};
pub use coaching::{
    AdvisorOrganisationId, COACH_EXISTS, COACH_REQUIRED, COACHING_CANCELLED, COACHING_FINISHED,
    CoachDraft, CoachId, CoachingPlan, CoachingSessionDraft, ENGAGEMENT_EXISTS, EngagementDraft,
    EngagementId, EngagementMove, EngagementStatus, ILLEGAL_COACHING_MOVE, LocalGovernmentLevel,
    NOT_A_BASIC_LOCAL_GOVERNMENT, NOT_A_COACHING_EDITION, NewCoach, NewCoachingSession,
    NewEngagement, PlanDraft, UNKNOWN_COACH, check_coaching_eligibility, check_coaching_programme,
    check_engagement_move, coach_exists, engagement_exists, optional_coach, unknown_coach,
};
pub use completion::{COMPLETION_PERCENT, CertificateCode, Completion, SessionRecord};
pub use edition::{
    CostDraft, CostNote, CostPolicy, CostShare, CostShareDraft, CutKind, CutRule, DivisionReviewer,
    DivisionReviewerDraft, EditionDraft, Eligibility, EligibilityDraft, Money, NewEdition,
    ReviewStage, StageDraft, StipendDraft, StipendLine, parse_languages,
};
pub use eligibility::{
    EditionFacts, EligibilityFailure, check as check_eligibility, one_active as one_active_failure,
};
pub use error::InvalidInput;
pub use fellowship::{
    CostAmount, CostFrequency, CostItem, CostSheet, ParticipantCosts, PartnerRelationshipStatus,
    PayerTotal, RelationshipStanding,
};
pub use ids::{
    ApplicationId, CountryCode, EditionId, Grade, IdempotencyKey, LanguageCode,
    LocalGovernmentCode, PaymentId, ProgrammeId, SessionId, Term, TripReportId, Version, VisitId,
    format_date, parse_date,
};
pub use itinerary::{
    Itinerary, MAX_VISIT_ORGANISATIONS, MAX_VISIT_PRACTICES, NewVisit, PracticeDraftContent,
    PracticePreparation, ReportedVisit, TripReport, TripReportAction, TripReportDraft,
    TripReportState, TripReportText, Visit, VisitDraft, VisitMisfit, VisitedEdition, check_visit,
    practice_from_report, practice_origin, require_overseas_training, trip_report_transition,
    visit_order,
};
pub use kinds::{
    ApplicantKind, ApplicationState, AttendanceStatus, Decision, EligibilityRule, NationalityRule,
    OrganisationType, Payer, PaymentAction, PaymentState, ProgrammeKind, ScreeningOutcome,
    SessionKind,
};
pub use programme::{
    AttendanceDraft, AttendanceEntry, NewProgramme, NewSession, ParticipantDraft,
    ParticipantUpdate, ProgrammeDraft, SessionDraft, TextDraft, parse_attendance,
};
pub use review::{CutOutcome, Score, Tally, apply_cut};
pub use state_machine::{
    Action, IllegalPaymentTransition, IllegalTransition, payment_transition, transition,
};
pub use stipend::{Period, PlannedPayment, periods, schedule};
pub use text::{Comment, FullName, LocalizedText, Location, Mentor, Note, SessionTitle};
