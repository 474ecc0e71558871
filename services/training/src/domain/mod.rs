//! The training domain: types that parse (ids, codes, texts, editions, applications), the
//! application and payment state machines, and the rules as pure functions (eligibility,
//! the review cut, stipend arithmetic, completion). No I/O, no proto, no SQL.

mod application;
mod completion;
mod edition;
mod eligibility;
mod error;
pub mod fellowship;
mod ids;
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
    LocalGovernmentCode, PaymentId, ProgrammeId, SessionId, Term, Version, format_date, parse_date,
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
