//! The Online Bureau: service requests, their typed details, responses and history, the
//! `serviceRequests` connection and the workflow mutations.
//!
//! `version` is a GraphQL `Int` (32-bit): the service's `int64` versions count the changes
//! of one request and stay far below 2³¹; a larger one is reported as INTERNAL rather
//! than silently truncated.

use crate::schema::scalars::DateTime;
use async_graphql::{
    Context, Enum, ID, InputObject, Object, OneofObject, Result, SimpleObject, Union,
};
use glocal_proto::common::v1::PageRequest;
use glocal_proto::requests::v1 as pb;
use glocal_proto::requests::v1::request_details::Kind;

use super::common::{PageInfo, Person, datetime, non_empty, timestamp};
use super::directory::{Department, LocalGovernment, Staff, load_local_government};
use super::language::{Language, effective, say};
use super::scalars::Date;
use crate::upstream::error;
use crate::upstream::loaders::requests::Loaders;
use crate::upstream::{Requests, call, read};
use async_graphql::dataloader::Loader as _;

mod attachments;
mod mutation;
mod query;
mod relations;
mod search;
mod sla;
mod statistics;
mod survey;
#[cfg(test)]
mod tests;

pub(crate) use attachments::links as attachment_links;
pub use attachments::{
    AttachmentLinks, AttachmentUpload, DOWNLOAD_PURPOSE, RequestAttachmentsMutation, UPLOAD_PURPOSE,
};
pub use relations::RelationsMutation;
pub use search::RequestSearchQuery;
pub use sla::ServiceRequestOrder;
use sla::ServiceRequestSla;
pub use sla::{SlaMutation, SlaQuery};
use survey::ServiceRequestSurvey;
pub use survey::{SurveyMutation, SurveyQuery};

/// The kind of service a local government asks for.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceRequestType {
    /// Interpretation (spoken) or translation (a document).
    InterpretationTranslation,
    /// International exchange: sister/friendship cities, memoranda, projects.
    InternationalExchange,
    /// An overseas visit by a delegation.
    OverseasVisit,
    /// Information about foreign practices or countries.
    InformationRequest,
    /// Anything else.
    GeneralInquiry,
}

impl ServiceRequestType {
    pub(crate) fn from_proto(value: i32) -> Result<Self> {
        Ok(match pb::RequestType::try_from(value) {
            Ok(pb::RequestType::InterpretationTranslation) => Self::InterpretationTranslation,
            Ok(pb::RequestType::InternationalExchange) => Self::InternationalExchange,
            Ok(pb::RequestType::OverseasVisit) => Self::OverseasVisit,
            Ok(pb::RequestType::InformationRequest) => Self::InformationRequest,
            Ok(pb::RequestType::GeneralInquiry) => Self::GeneralInquiry,
            _ => return Err(error::internal(format!("unknown request type {value}"))),
        })
    }

    pub(crate) fn to_proto(self) -> pb::RequestType {
        match self {
            Self::InterpretationTranslation => pb::RequestType::InterpretationTranslation,
            Self::InternationalExchange => pb::RequestType::InternationalExchange,
            Self::OverseasVisit => pb::RequestType::OverseasVisit,
            Self::InformationRequest => pb::RequestType::InformationRequest,
            Self::GeneralInquiry => pb::RequestType::GeneralInquiry,
        }
    }
}

/// Where a request is in the bureau's workflow.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceRequestState {
    /// Received, not yet registered.
    Submitted,
    /// Registered with a number and due times.
    Registered,
    /// Routed to a department.
    DepartmentAssigned,
    /// Assigned to a staff member.
    StaffAssigned,
    /// A mid-response announced when the full answer will come.
    MidResponded,
    /// Answered in full.
    FinalResponded,
    /// Closed.
    Closed,
    /// Withdrawn by the requester.
    Withdrawn,
    /// Rejected by the bureau, with a reason.
    Rejected,
    /// Reopened by the requester after the final response.
    Reopened,
    /// The bureau asked the requester a question; the service-level clock stands still
    /// until they reply.
    AwaitingRequester,
    /// Merged into another request, its original (`mergedInto`); done, the answer comes
    /// on the original.
    Merged,
}

impl ServiceRequestState {
    fn from_proto(value: i32) -> Option<Self> {
        Some(match pb::RequestState::try_from(value).ok()? {
            pb::RequestState::Unspecified => return None,
            pb::RequestState::Submitted => Self::Submitted,
            pb::RequestState::Registered => Self::Registered,
            pb::RequestState::DepartmentAssigned => Self::DepartmentAssigned,
            pb::RequestState::StaffAssigned => Self::StaffAssigned,
            pb::RequestState::MidResponded => Self::MidResponded,
            pb::RequestState::FinalResponded => Self::FinalResponded,
            pb::RequestState::Closed => Self::Closed,
            pb::RequestState::Withdrawn => Self::Withdrawn,
            pb::RequestState::Rejected => Self::Rejected,
            pb::RequestState::Reopened => Self::Reopened,
            pb::RequestState::AwaitingRequester => Self::AwaitingRequester,
            pb::RequestState::Merged => Self::Merged,
        })
    }

    fn to_proto(self) -> pb::RequestState {
        match self {
            Self::Submitted => pb::RequestState::Submitted,
            Self::Registered => pb::RequestState::Registered,
            Self::DepartmentAssigned => pb::RequestState::DepartmentAssigned,
            Self::StaffAssigned => pb::RequestState::StaffAssigned,
            Self::MidResponded => pb::RequestState::MidResponded,
            Self::FinalResponded => pb::RequestState::FinalResponded,
            Self::Closed => pb::RequestState::Closed,
            Self::Withdrawn => pb::RequestState::Withdrawn,
            Self::Rejected => pb::RequestState::Rejected,
            Self::Reopened => pb::RequestState::Reopened,
            Self::AwaitingRequester => pb::RequestState::AwaitingRequester,
            Self::Merged => pb::RequestState::Merged,
        }
    }
}

/// Kind of a message on a request.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// A mid-response, with an expected completion time.
    MidResponse,
    /// The final response.
    FinalResponse,
    /// A reply from the requester.
    RequesterReply,
    /// An internal staff note; requesters never see these.
    StaffNote,
    /// A question from the bureau to the requester (pauses the clock).
    Question,
}

/// Interpretation (spoken) or translation (written).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterpretationMode {
    /// Spoken, at a venue or online, on given dates.
    Interpretation,
    /// A document.
    Translation,
}

/// The kind of an international exchange.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeKind {
    /// A sister-city relationship.
    SisterCity,
    /// A friendship-city relationship.
    FriendshipCity,
    /// A memorandum of understanding.
    Memorandum,
    /// A joint project.
    Project,
    /// Anything else.
    Other,
}

impl ExchangeKind {
    /// The service's name of the kind.
    fn as_proto(self) -> &'static str {
        match self {
            Self::SisterCity => "SISTER_CITY",
            Self::FriendshipCity => "FRIENDSHIP_CITY",
            Self::Memorandum => "MEMORANDUM",
            Self::Project => "PROJECT",
            Self::Other => "OTHER",
        }
    }

    /// The kind the service named (INTERNAL when unknown: the service only stores these).
    fn from_proto(s: &str) -> Result<Self> {
        [
            Self::SisterCity,
            Self::FriendshipCity,
            Self::Memorandum,
            Self::Project,
            Self::Other,
        ]
        .into_iter()
        .find(|k| k.as_proto() == s)
        .ok_or_else(|| error::internal(format!("unknown exchange kind `{s}`")))
    }
}

/// A `YYYY-MM-DD` date from the service; `None` when empty or malformed.
fn date(s: &str) -> Option<Date> {
    Date::parse(s)
}

/// A date for the service; empty when absent.
fn date_string(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn count(value: Option<i32>, field: &str) -> Result<u32> {
    u32::try_from(value.unwrap_or(0)).map_err(|_| error::bad_input("must not be negative", field))
}

fn version_out(v: i64) -> Result<i32> {
    i32::try_from(v).map_err(|_| error::internal(format!("version {v} exceeds Int")))
}

/// Details of an interpretation or translation request.
#[derive(SimpleObject)]
pub struct InterpretationTranslationDetails {
    /// Interpretation or translation (null if the service sent neither).
    pub mode: Option<InterpretationMode>,
    /// ISO 639-1 code of the source language, e.g. "ko".
    pub source_language: String,
    /// ISO 639-1 code of the target language, e.g. "zh".
    pub target_language: String,
    /// Interpretation: first day.
    pub start_date: Option<Date>,
    /// Interpretation: last day.
    pub end_date: Option<Date>,
    /// Interpretation: the venue, unless online.
    pub venue: Option<String>,
    /// Interpretation: held online.
    pub online: bool,
    /// Translation: length of the document in pages.
    pub document_pages: Option<i32>,
}

/// Details of an international exchange request.
#[derive(SimpleObject)]
pub struct InternationalExchangeDetails {
    /// ISO 3166-1 alpha-2 code of the partner's country, e.g. "JP".
    pub partner_country: String,
    /// The partner organisation.
    pub partner_organization: String,
    /// What kind of exchange.
    pub exchange_kind: ExchangeKind,
}

/// A place an overseas visit goes to.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "DestinationInput")]
pub struct Destination {
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// City.
    pub city: String,
}

/// Details of an overseas visit request.
#[derive(SimpleObject)]
pub struct OverseasVisitDetails {
    /// Where the delegation goes.
    pub destinations: Vec<Destination>,
    /// Departure day.
    pub departure_date: Option<Date>,
    /// Return day.
    pub return_date: Option<Date>,
    /// Number of people in the delegation.
    pub delegation_size: i32,
    /// Purpose of the visit.
    pub purpose: String,
}

/// Details of an information request.
#[derive(SimpleObject)]
pub struct InformationRequestDetails {
    /// What the information is about.
    pub topic: String,
    /// ISO 3166-1 alpha-2 codes of the countries of interest.
    pub countries: Vec<String>,
    /// When the information is needed by.
    pub needed_by: Option<Date>,
}

/// Details of a general inquiry.
#[derive(SimpleObject)]
pub struct GeneralInquiryDetails {
    /// What the inquiry is about.
    pub topic: String,
}

/// The typed details of a request; the member matches the request's type.
#[derive(Union)]
pub enum ServiceRequestDetails {
    /// INTERPRETATION_TRANSLATION.
    InterpretationTranslation(InterpretationTranslationDetails),
    /// INTERNATIONAL_EXCHANGE.
    InternationalExchange(InternationalExchangeDetails),
    /// OVERSEAS_VISIT.
    OverseasVisit(OverseasVisitDetails),
    /// INFORMATION_REQUEST.
    InformationRequest(InformationRequestDetails),
    /// GENERAL_INQUIRY.
    GeneralInquiry(GeneralInquiryDetails),
}

impl ServiceRequestDetails {
    fn from_proto(kind: &Kind) -> Result<Self> {
        Ok(match kind {
            Kind::InterpretationTranslation(d) => {
                Self::InterpretationTranslation(InterpretationTranslationDetails {
                    mode: match d.mode() {
                        pb::interpretation_translation_details::Mode::Interpretation => {
                            Some(InterpretationMode::Interpretation)
                        }
                        pb::interpretation_translation_details::Mode::Translation => {
                            Some(InterpretationMode::Translation)
                        }
                        pb::interpretation_translation_details::Mode::Unspecified => None,
                    },
                    source_language: d.source_language.clone(),
                    target_language: d.target_language.clone(),
                    start_date: date(&d.start_date),
                    end_date: date(&d.end_date),
                    venue: non_empty(&d.venue).map(str::to_owned),
                    online: d.online,
                    document_pages: i32::try_from(d.document_pages).ok().filter(|p| *p > 0),
                })
            }
            Kind::InternationalExchange(d) => {
                Self::InternationalExchange(InternationalExchangeDetails {
                    partner_country: d.partner_country.clone(),
                    partner_organization: d.partner_organization.clone(),
                    exchange_kind: ExchangeKind::from_proto(&d.exchange_kind)?,
                })
            }
            Kind::OverseasVisit(d) => Self::OverseasVisit(OverseasVisitDetails {
                destinations: d
                    .destinations
                    .iter()
                    .map(|x| Destination {
                        country: x.country.clone(),
                        city: x.city.clone(),
                    })
                    .collect(),
                departure_date: date(&d.departure_date),
                return_date: date(&d.return_date),
                delegation_size: i32::try_from(d.delegation_size).unwrap_or(i32::MAX),
                purpose: d.purpose.clone(),
            }),
            Kind::InformationRequest(d) => Self::InformationRequest(InformationRequestDetails {
                topic: d.topic.clone(),
                countries: d.countries.clone(),
                needed_by: date(&d.needed_by),
            }),
            Kind::GeneralInquiry(d) => Self::GeneralInquiry(GeneralInquiryDetails {
                topic: d.topic.clone(),
            }),
        })
    }
}

/// Details of an interpretation or translation request.
#[derive(InputObject)]
pub struct InterpretationTranslationDetailsInput {
    /// Interpretation or translation.
    pub mode: InterpretationMode,
    /// ISO 639-1 code of the source language, e.g. "ko".
    pub source_language: String,
    /// ISO 639-1 code of the target language, e.g. "zh"; must differ from the source.
    pub target_language: String,
    /// Interpretation: first day.
    pub start_date: Option<Date>,
    /// Interpretation: last day.
    pub end_date: Option<Date>,
    /// Interpretation: the venue, unless online.
    pub venue: Option<String>,
    /// Interpretation: held online.
    #[graphql(default)]
    pub online: bool,
    /// Translation: length of the document in pages.
    pub document_pages: Option<i32>,
}

/// Details of an international exchange request.
#[derive(InputObject)]
pub struct InternationalExchangeDetailsInput {
    /// ISO 3166-1 alpha-2 code of the partner's country, e.g. "JP".
    pub partner_country: String,
    /// The partner organisation.
    pub partner_organization: String,
    /// What kind of exchange.
    pub exchange_kind: ExchangeKind,
}

/// Details of an overseas visit request.
#[derive(InputObject)]
pub struct OverseasVisitDetailsInput {
    /// Where the delegation goes.
    pub destinations: Vec<Destination>,
    /// Departure day.
    pub departure_date: Date,
    /// Return day, on or after departure.
    pub return_date: Date,
    /// Number of people in the delegation.
    pub delegation_size: i32,
    /// Purpose of the visit.
    pub purpose: String,
}

/// Details of an information request.
#[derive(InputObject)]
pub struct InformationRequestDetailsInput {
    /// What the information is about.
    pub topic: String,
    /// ISO 3166-1 alpha-2 codes of the countries of interest.
    #[graphql(default)]
    pub countries: Vec<String>,
    /// When the information is needed by.
    pub needed_by: Option<Date>,
}

/// Details of a general inquiry.
#[derive(InputObject)]
pub struct GeneralInquiryDetailsInput {
    /// What the inquiry is about.
    pub topic: String,
}

/// Typed details of a new request: exactly one field, matching the request's type.
#[derive(OneofObject)]
pub enum ServiceRequestDetailsInput {
    /// For INTERPRETATION_TRANSLATION.
    InterpretationTranslation(InterpretationTranslationDetailsInput),
    /// For INTERNATIONAL_EXCHANGE.
    InternationalExchange(InternationalExchangeDetailsInput),
    /// For OVERSEAS_VISIT.
    OverseasVisit(OverseasVisitDetailsInput),
    /// For INFORMATION_REQUEST.
    InformationRequest(InformationRequestDetailsInput),
    /// For GENERAL_INQUIRY.
    GeneralInquiry(GeneralInquiryDetailsInput),
}

impl ServiceRequestDetailsInput {
    fn into_proto(self) -> Result<pb::RequestDetails> {
        let kind = match self {
            Self::InterpretationTranslation(d) => {
                Kind::InterpretationTranslation(pb::InterpretationTranslationDetails {
                    mode: match d.mode {
                        InterpretationMode::Interpretation => {
                            pb::interpretation_translation_details::Mode::Interpretation
                        }
                        InterpretationMode::Translation => {
                            pb::interpretation_translation_details::Mode::Translation
                        }
                    } as i32,
                    source_language: d.source_language,
                    target_language: d.target_language,
                    start_date: date_string(d.start_date),
                    end_date: date_string(d.end_date),
                    venue: d.venue.unwrap_or_default(),
                    online: d.online,
                    document_pages: count(
                        d.document_pages,
                        "details.interpretationTranslation.documentPages",
                    )?,
                })
            }
            Self::InternationalExchange(d) => {
                Kind::InternationalExchange(pb::InternationalExchangeDetails {
                    partner_country: d.partner_country,
                    partner_organization: d.partner_organization,
                    exchange_kind: d.exchange_kind.as_proto().to_owned(),
                })
            }
            Self::OverseasVisit(d) => Kind::OverseasVisit(pb::OverseasVisitDetails {
                destinations: d
                    .destinations
                    .into_iter()
                    .map(|x| pb::Destination {
                        country: x.country,
                        city: x.city,
                    })
                    .collect(),
                departure_date: date_string(Some(d.departure_date)),
                return_date: date_string(Some(d.return_date)),
                delegation_size: count(
                    Some(d.delegation_size),
                    "details.overseasVisit.delegationSize",
                )?,
                purpose: d.purpose,
            }),
            Self::InformationRequest(d) => {
                Kind::InformationRequest(pb::InformationRequestDetails {
                    topic: d.topic,
                    countries: d.countries,
                    needed_by: date_string(d.needed_by),
                })
            }
            Self::GeneralInquiry(d) => {
                Kind::GeneralInquiry(pb::GeneralInquiryDetails { topic: d.topic })
            }
        };
        Ok(pb::RequestDetails { kind: Some(kind) })
    }
}

/// Who sent a request.
pub struct Requester(pb::Requester);

/// Who sent a request.
#[Object]
impl Requester {
    /// Subject id of the requesting official.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// Display name of the requesting official.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The local government the request was made for.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        load_local_government(ctx, &self.0.local_government_code).await
    }
}

/// A message on a request: a response, a requester's reply or an internal note.
pub struct RequestMessage(pb::RequestMessage);

/// A message on a request.
#[Object]
impl RequestMessage {
    /// Message id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// What kind of message this is.
    async fn kind(&self) -> Result<MessageKind> {
        Ok(match self.0.kind() {
            pb::MessageKind::MidResponse => MessageKind::MidResponse,
            pb::MessageKind::FinalResponse => MessageKind::FinalResponse,
            pb::MessageKind::RequesterReply => MessageKind::RequesterReply,
            pb::MessageKind::StaffNote => MessageKind::StaffNote,
            pb::MessageKind::Question => MessageKind::Question,
            pb::MessageKind::Unspecified => {
                return Err(error::internal("message kind unspecified"));
            }
        })
    }

    /// The text.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// Who wrote it.
    async fn author(&self) -> Person {
        Person {
            subject: self.0.author_subject.clone(),
            name: self.0.author_name.clone(),
        }
    }

    /// When it was written.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }

    /// Mid-responses only: when the bureau expects to answer in full.
    async fn expected_completion_at(&self) -> Option<DateTime> {
        datetime(self.0.expected_completion_at.as_ref())
    }
}

/// One entry of a request's audit history.
pub struct HistoryEntry(pb::HistoryEntry);

/// One entry of a request's audit history.
#[Object]
impl HistoryEntry {
    /// Action name, e.g. "submit", "register", "assign_department", "mid_response".
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// State before the action (null for the first entry).
    async fn from(&self) -> Option<ServiceRequestState> {
        ServiceRequestState::from_proto(self.0.from_state)
    }

    /// State after the action.
    async fn to(&self) -> Option<ServiceRequestState> {
        ServiceRequestState::from_proto(self.0.to_state)
    }

    /// Who acted.
    async fn actor(&self) -> Person {
        Person {
            subject: self.0.actor_subject.clone(),
            name: self.0.actor_name.clone(),
        }
    }

    /// When.
    async fn at(&self) -> Option<DateTime> {
        datetime(self.0.at.as_ref())
    }

    /// A note on the action, if any: what the bureau's system noted in `lang` (default: the
    /// request's `Accept-Language`, else English), or a person's words as they wrote them.
    async fn note(&self, ctx: &Context<'_>, lang: Option<Language>) -> Option<String> {
        non_empty(&self.0.note).map(|n| say(n, effective(ctx, lang)).0)
    }

    /// The catalogue key of a note the system wrote (e.g. `history-assigned-staff`), the
    /// same in every language; null for a person's words and for notes written before
    /// notes were keyed.
    async fn note_key(&self) -> Option<String> {
        non_empty(&self.0.note).and_then(|n| say(n, Language::En).1)
    }

    /// Who may read the entry. Requesters only ever receive REQUESTER entries.
    async fn visibility(&self) -> HistoryVisibility {
        match pb::HistoryVisibility::try_from(self.0.visibility) {
            Ok(pb::HistoryVisibility::Internal) => HistoryVisibility::Internal,
            _ => HistoryVisibility::Requester,
        }
    }
}

/// Who may read a history entry.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryVisibility {
    /// The requester and the bureau.
    Requester,
    /// Bureau staff only: routing decisions, reassignments, staff notes and service-level
    /// marks.
    Internal,
}

/// The code of the local government `request` is for: its entry's, else its requester's.
fn local_government_code(request: &pb::ServiceRequest) -> &str {
    match &request.local_government {
        Some(lg) if !lg.code.is_empty() => lg.code.as_str(),
        _ => request
            .requester
            .as_ref()
            .map_or("", |r| r.local_government_code.as_str()),
    }
}

/// Puts each request's local government entry in place when `node` (a `ServiceRequest`
/// selection) shows it: one batched read through the entity cache for the distinct codes of
/// `requests`, made at once rather than by each row's resolver through the DataLoader (which
/// waits out its batching delay and answers each row apart), and fed to the request's
/// DataLoader for the rest of the operation. A failed read leaves the rows as they are; each
/// row's resolver then loads its entry and reports the failure on its field.
pub(crate) async fn fill_local_governments(
    ctx: &Context<'_>,
    node: &async_graphql::Lookahead<'_>,
    requests: &mut [pb::ServiceRequest],
) {
    if !node.field("localGovernment").exists() {
        return;
    }
    let mut codes: Vec<String> = requests
        .iter()
        .map(local_government_code)
        .filter(|code| !code.is_empty())
        .map(str::to_owned)
        .collect();
    codes.sort_unstable();
    codes.dedup();
    if codes.is_empty() {
        return;
    }
    let Ok(loaders) = Loaders::new(ctx) else {
        return;
    };
    let loader = loaders.local_governments();
    let Ok(found) = loader.loader().load(&codes).await else {
        return;
    };
    for request in requests {
        if let Some(lg) = found.get(local_government_code(request)) {
            request.local_government = Some(lg.clone());
        }
    }
    // Whatever else on the page loads them (a requester's local government) finds them.
    loader.feed_many(found).await;
}

/// A service request from a local government to the bureau.
pub struct ServiceRequest(pub(crate) pb::ServiceRequest);

/// A service request from a local government to the bureau.
#[Object]
impl ServiceRequest {
    /// Request id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// Human-readable number, e.g. OB-2026-000123.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// What kind of service is asked for.
    #[graphql(name = "type")]
    async fn request_type(&self) -> Result<ServiceRequestType> {
        ServiceRequestType::from_proto(self.0.r#type)
    }

    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Description.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Typed details, matching `type`.
    async fn details(&self) -> Result<Option<ServiceRequestDetails>> {
        self.0
            .details
            .as_ref()
            .and_then(|d| d.kind.as_ref())
            .map(ServiceRequestDetails::from_proto)
            .transpose()
    }

    /// Where the request is in the workflow.
    async fn state(&self) -> Result<ServiceRequestState> {
        ServiceRequestState::from_proto(self.0.state)
            .ok_or_else(|| error::internal(format!("unknown request state {}", self.0.state)))
    }

    /// Who sent it.
    async fn requester(&self) -> Option<Requester> {
        self.0.requester.clone().map(Requester)
    }

    /// The local government the request is for.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        // The whole entry when the request carries it (the service's, or the one a page's
        // resolver put in place for all its rows at once); else loaded by code.
        match &self.0.local_government {
            Some(lg) if lg.name.is_some() => Ok(Some(LocalGovernment(lg.clone()))),
            _ => load_local_government(ctx, local_government_code(&self.0)).await,
        }
    }

    /// The department handling it, once routed.
    async fn department(&self) -> Option<Department> {
        self.0
            .department
            .clone()
            .filter(|d| !d.code.is_empty())
            .map(|department| Department {
                department,
                staff: None,
            })
    }

    /// The staff member handling it, once assigned.
    async fn assignee(&self) -> Option<Staff> {
        self.0
            .assignee
            .clone()
            .filter(|s| !s.id.is_empty())
            .map(Staff)
    }

    /// The routing rule that chose the department, as "RULE <id>: <type>[/<lang>] -> <dept>";
    /// null for requesters (internal).
    async fn routing(&self) -> Option<&str> {
        non_empty(&self.0.routing)
    }

    /// Responses, replies and (for staff) internal notes, oldest first.
    async fn responses(&self) -> Vec<RequestMessage> {
        self.0
            .messages
            .iter()
            .cloned()
            .map(RequestMessage)
            .collect()
    }

    /// Files attached to it (with the submission, a message or the final response), oldest
    /// first; files of staff notes only for the bureau.
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<attachments::RequestAttachment>> {
        attachments::attachments_of(ctx, &self.0.id).await
    }

    /// The audit history, oldest first.
    async fn history(&self) -> Vec<HistoryEntry> {
        self.0.history.iter().cloned().map(HistoryEntry).collect()
    }

    /// When it was submitted.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }

    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime> {
        datetime(self.0.updated_at.as_ref())
    }

    /// When the first response is due.
    async fn first_response_due_at(&self) -> Option<DateTime> {
        datetime(self.0.first_response_due_at.as_ref())
    }

    /// When the final response is due.
    async fn resolution_due_at(&self) -> Option<DateTime> {
        datetime(self.0.resolution_due_at.as_ref())
    }

    /// When the first response (mid or final) was sent.
    async fn first_responded_at(&self) -> Option<DateTime> {
        datetime(self.0.first_responded_at.as_ref())
    }

    /// When the final response was sent.
    async fn final_responded_at(&self) -> Option<DateTime> {
        datetime(self.0.final_responded_at.as_ref())
    }

    /// When the bureau expects to answer in full (from the mid-response).
    async fn expected_completion_at(&self) -> Option<DateTime> {
        datetime(self.0.expected_completion_at.as_ref())
    }

    /// True when a due time has passed without the matching response.
    async fn overdue(&self) -> bool {
        self.0.overdue
    }

    /// The service level: due times, pause, time left, warning and breach.
    async fn sla(&self) -> ServiceRequestSla {
        self.sla_view()
    }

    /// Optimistic-concurrency version: pass it back to workflow mutations.
    async fn version(&self) -> Result<i32> {
        version_out(self.0.version)
    }

    /// Why the bureau rejected the request, when it did.
    async fn reject_reason(&self) -> Option<&str> {
        non_empty(&self.0.reject_reason)
    }

    /// The requester's rating of the final answer, once given (`rateServiceRequest`);
    /// whoever may read the request reads it.
    async fn survey(&self) -> Option<ServiceRequestSurvey> {
        self.survey_view()
    }

    /// The original this request was merged into (its state is then MERGED); null when
    /// not merged or when the caller may not see the original.
    async fn merged_into(&self, ctx: &Context<'_>) -> Result<Option<ServiceRequest>> {
        relations::one(ctx, &self.0.merged_into_id).await
    }

    /// The duplicates merged into this request, oldest merge first, with their messages,
    /// files and history: whoever may read this request reads them.
    async fn merged_requests(&self, ctx: &Context<'_>) -> Result<Vec<ServiceRequest>> {
        relations::many(ctx, &self.0.merged_ids).await
    }

    /// The request this one is linked under (e.g. the visit arrangement of an
    /// interpretation request); null when none or not visible to the caller.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<ServiceRequest>> {
        relations::one(ctx, &self.0.parent_id).await
    }

    /// The requests linked under this one that the caller may see, oldest link first.
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<ServiceRequest>> {
        relations::many(ctx, &self.0.child_ids).await
    }
}

/// Which requests to list; every field narrows the list.
#[derive(InputObject, Default)]
pub struct ServiceRequestFilter {
    /// Any of these states.
    pub states: Option<Vec<ServiceRequestState>>,
    /// Any of these types.
    pub types: Option<Vec<ServiceRequestType>>,
    /// Handled by this department.
    pub department_code: Option<String>,
    /// Assigned to this staff member: a staff id (`Staff.id`, e.g. "STF-101") or a staff
    /// member's token subject (`Me.subject`); anything else is BAD_USER_INPUT.
    pub assignee_id: Option<ID>,
    /// Made for this local government.
    pub local_government_code: Option<String>,
    /// Submitted at or after.
    pub created_from: Option<DateTime>,
    /// Submitted before.
    pub created_to: Option<DateTime>,
    /// Only overdue (true) or only not overdue (false) requests.
    pub overdue: Option<bool>,
    /// Only requests whose resolution target is breached (true) or not (false).
    pub breached: Option<bool>,
    /// Only requests whose resolution is due before this instant.
    pub due_before: Option<DateTime>,
    /// Only the requests the caller submitted (not the rest of their local government's).
    #[graphql(default)]
    pub mine: bool,
}

impl ServiceRequestFilter {
    /// The filter as the requests service takes it (the list and its exports).
    pub(crate) fn into_proto(self) -> pb::RequestFilter {
        pb::RequestFilter {
            states: self
                .states
                .unwrap_or_default()
                .into_iter()
                .map(|s| s.to_proto() as i32)
                .collect(),
            types: self
                .types
                .unwrap_or_default()
                .into_iter()
                .map(|t| t.to_proto() as i32)
                .collect(),
            department_code: self.department_code.unwrap_or_default(),
            assignee_id: self.assignee_id.map(|id| id.0).unwrap_or_default(),
            local_government_code: self.local_government_code.unwrap_or_default(),
            created_from: self.created_from.map(timestamp),
            created_to: self.created_to.map(timestamp),
            overdue: self.overdue,
            breached: self.breached,
            due_before: self.due_before.map(timestamp),
            mine: self.mine,
        }
    }
}

/// One request in a page, with its cursor.
#[derive(SimpleObject)]
pub struct ServiceRequestEdge {
    /// Opaque cursor of this item.
    pub cursor: String,
    /// The request.
    pub node: ServiceRequest,
}

/// A page of service requests, in the order asked.
#[derive(SimpleObject)]
pub struct ServiceRequestConnection {
    /// The requests of this page.
    pub edges: Vec<ServiceRequestEdge>,
    /// Where this page ends.
    pub page_info: PageInfo,
    /// How many requests match the filter in all.
    pub total_count: i32,
}

/// Submits a new service request.
#[derive(InputObject)]
pub struct SubmitServiceRequestInput {
    /// A key unique per submission: a retry with the same key returns the same request.
    pub idempotency_key: String,
    /// What kind of service is asked for.
    #[graphql(name = "type")]
    pub request_type: ServiceRequestType,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Typed details; the field set must match `type`.
    pub details: ServiceRequestDetailsInput,
    /// Local government acting; default: the caller's own.
    pub local_government_code: Option<String>,
}

/// Sends a mid-response: the request cannot be answered at once.
#[derive(InputObject)]
pub struct SendMidResponseInput {
    /// Request id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// The message.
    pub body: String,
    /// When the bureau expects to answer in full.
    pub expected_completion_at: DateTime,
}

/// Sends the final response.
#[derive(InputObject)]
pub struct SendFinalResponseInput {
    /// Request id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// The answer.
    pub body: String,
}

/// Moves a request to another department or staff member.
#[derive(InputObject)]
pub struct ReassignServiceRequestInput {
    /// Request id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// The new department.
    pub department_code: String,
    /// The new assignee; default: the department's least-loaded active staff member.
    pub staff_id: Option<ID>,
    /// Why.
    pub note: Option<String>,
}

/// Adds an internal staff note.
#[derive(InputObject)]
pub struct AddRequestNoteInput {
    /// Request id.
    pub id: ID,
    /// The note.
    pub body: String,
}

/// Replies to the bureau as the requester.
#[derive(InputObject)]
pub struct ReplyToServiceRequestInput {
    /// Request id.
    pub id: ID,
    /// The reply.
    pub body: String,
}

/// Withdraws a request (the requester, before the final response).
#[derive(InputObject)]
pub struct WithdrawServiceRequestInput {
    /// Request id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// Why.
    pub reason: Option<String>,
}

/// Rejects a request (staff), with a reason.
#[derive(InputObject)]
pub struct RejectServiceRequestInput {
    /// Request id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// Why; shown to the requester.
    pub reason: String,
}

/// Closes an answered request.
#[derive(InputObject)]
pub struct CloseServiceRequestInput {
    /// Request id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
}

/// Reopens an answered request (the requester, within the reopen window).
#[derive(InputObject)]
pub struct ReopenServiceRequestInput {
    /// Request id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// Why.
    pub reason: Option<String>,
}

/// Service-request queries.
#[derive(Default)]
pub struct RequestsQuery;

/// The request workflow (POST only). Each mutation returns the updated request.
#[derive(Default)]
pub struct RequestsMutation;
