//! The research domain: types that parse (ids, codes, localized text, practice content,
//! partner-network inputs) and the workflows as pure functions. No I/O, no proto, no SQL.

pub mod changes;
mod error;
mod ids;
mod network;
mod practice;
mod profile;
mod project;
mod relationship;
mod text;
mod views;

pub use error::InvalidInput;
pub use ids::{
    AreaCode, ContactId, CountryCode, ExchangeProjectId, IdempotencyKey, InteractionId, IsoDate,
    LocalGovernmentCode, OpportunityId, OrganisationId, PracticeId, ProfileChangeId,
    ProjectInteractionId, RelationshipId, Revision, Tag,
};
pub use network::{
    ContactDraft, InteractionKind, NewArea, NewContact, NewOpportunity, NewOrganisation,
    OpportunityDraft, OpportunityStatus, OrganisationDraft, OrganisationKind, RelationshipKind,
    RelationshipStatus, language_codes,
};
pub use practice::{
    Attachment, AttachmentDraft, IllegalTransition, Link, LinkDraft, PracticeAction,
    PracticeContent, PracticeDraft, PracticeOrigin, PracticeState, Stage, transition,
};
pub use profile::{
    NOT_OWN_ORGANISATION, NewProfile, PROFILE_CHANGE_DECIDED, PROFILE_CHANGE_PENDING,
    ProfileChangeStatus, ProfileDraft, RejectionReason, change_pending, change_reviewed,
    own_organisation,
};
pub use project::{
    ALREADY_A_PARTICIPANT, ILLEGAL_STATUS_MOVE, LAST_LOCAL_GOVERNMENT, MAX_PARTICIPANTS,
    NOT_A_PARTICIPANT, NewProject, NewProjectInteraction, OPPORTUNITY_NOT_OPEN, PROJECT_FINISHED,
    Participant, ParticipantChange, Participants, ProjectDraft, ProjectFilter, ProjectMove,
    ProjectStatus, UNKNOWN_LOCAL_GOVERNMENT, UNKNOWN_OPPORTUNITY, UNKNOWN_ORGANISATION,
    check_opportunity_open,
};
pub use relationship::{
    InteractionDraft, NewInteraction, NewRelationship, RelationshipDraft, RelationshipFilter,
    RelationshipMove,
};
pub use text::{Lang, LocalizedDraft, LocalizedText};
pub use views::{
    Area, Contact, ExchangeProject, Interaction, Opportunity, Organisation, Practice,
    PracticeHistoryEntry, PracticeVersionInfo, ProfileChange, ProjectInteraction, Relationship,
};
