//! The Online Bureau's domain: types that parse (ids, numbers, texts, typed details) and
//! the request workflow's state machine, and the read models the service answers with.
//! No I/O, no proto, no SQL.

mod attachments;
pub mod changes;
mod details;
pub mod directory;
mod error;
mod ids;
mod kinds;
pub mod relations;
pub mod search;
pub mod sla;
mod state_machine;
pub mod statistics;
mod submission;
pub mod survey;
mod text;
mod views;

pub use attachments::{
    Attachment, AttachmentId, AttachmentLimits, FileName, MAX_FILE_NAME_CHARS, media_type_of,
    object_key, too_large,
};
pub use details::{
    Destination, DestinationDraft, DetailsDraft, ExchangeDraft, ExchangeKind, GeneralInquiry,
    InformationDraft, InformationRequest, InquiryDraft, InternationalExchange, InterpretationDraft,
    InterpretationMode, InterpretationTranslation, OverseasVisit, RequestDetails,
    TranslationModeKind, VisitDraft,
};
pub use error::InvalidInput;
pub use ids::{
    CountryCode, DepartmentCode, IdempotencyKey, LanguageCode, LocalGovernmentCode, RequestId,
    RequestNumber, StaffId, Version,
};
pub use kinds::{HistoryVisibility, MessageKind, RequestState, RequestType};
pub use state_machine::{Action, IllegalTransition, resume, transition};
pub use submission::{NewRequest, SubmitDraft};
pub use text::{Description, MessageBody, Reason, Title};
pub use views::{
    Department, HistoryEntry, LocalGovernment, LocalizedName, Parts, RequestMessage, RequestSla,
    Requester, RoutingRule, ServiceRequest, StaffMember,
};
