//! What the research service answers with: the views of its aggregates as the caller may see
//! them. The store builds them from rows; the service scopes and returns them.

use chrono::{DateTime, Utc};

use super::{
    ContactId, ExchangeProjectId, InteractionId, InteractionKind, Lang, LocalizedText, NewProfile,
    OpportunityId, OpportunityStatus, OrganisationId, OrganisationKind, Participants,
    PracticeContent, PracticeId, PracticeState, ProfileChangeId, ProfileChangeStatus,
    ProjectInteractionId, ProjectStatus, RelationshipId, RelationshipKind, RelationshipStatus,
    Revision,
};

/// A concept of the area vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    /// Code.
    pub code: String,
    /// Label in the four languages.
    pub label: LocalizedText,
    /// Order in lists.
    pub position: i32,
    /// Published practices in the area.
    pub practice_count: u64,
}

/// One entry of a practice's audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeHistoryEntry {
    /// `draft`, `edit`, `submit`, `approve`, `request_changes`, `publish`, `withdraw`.
    pub action: String,
    /// State before (`None` for the draft itself).
    pub from_state: Option<PracticeState>,
    /// State after.
    pub to_state: PracticeState,
    /// Who.
    pub actor_subject: String,
    /// Their name.
    pub actor_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Note or reason.
    pub note: String,
    /// Content version acted on.
    pub version: i32,
}

/// A content version of a practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeVersionInfo {
    /// Number, from 1.
    pub version: i32,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Who made it.
    pub editor_subject: String,
    /// Why it changed.
    pub note: String,
}

/// A practice as the caller may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practice {
    /// Id.
    pub id: PracticeId,
    /// The content version shown.
    pub version: i32,
    /// The newest content version.
    pub latest_version: i32,
    /// Concurrency token.
    pub revision: Revision,
    /// State.
    pub state: PracticeState,
    /// Approved for publication.
    pub approved: bool,
    /// Content withheld because it was withdrawn.
    pub tombstone: bool,
    /// Content (only the title on a tombstone).
    pub content: PracticeContent,
    /// Author.
    pub author_subject: String,
    /// Author's name.
    pub author_name: String,
    /// Drafted.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Last published.
    pub published_at: Option<DateTime<Utc>>,
    /// Withdrawn.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Why it was withdrawn.
    pub withdrawal_reason: Option<String>,
    /// Where it was drafted from (e.g. `training-trip-report:<id>`, ADR 0052).
    pub origin: Option<String>,
    /// Audit trail (bureau staff, on `get_practice`).
    pub history: Vec<PracticeHistoryEntry>,
    /// Every version (on `get_practice`).
    pub versions: Vec<PracticeVersionInfo>,
}

/// A person at a partner organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Id.
    pub id: ContactId,
    /// Name.
    pub name: String,
    /// Position.
    pub position: String,
    /// Languages.
    pub languages: Vec<String>,
    /// Expertise areas.
    pub expertise_area_codes: Vec<String>,
    /// E-mail (bureau staff only).
    pub email: Option<String>,
    /// Phone (bureau staff only).
    pub phone: Option<String>,
}

/// A partner organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// Id.
    pub id: OrganisationId,
    /// Kind.
    pub kind: OrganisationKind,
    /// Name.
    pub name: LocalizedText,
    /// Language of the original name.
    pub original_language: Lang,
    /// Country.
    pub country: String,
    /// City.
    pub city: String,
    /// Languages it works in.
    pub languages: Vec<String>,
    /// Web site.
    pub website: String,
    /// Description.
    pub description: LocalizedText,
    /// Visible to everyone.
    pub public: bool,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Added.
    pub created_at: DateTime<Utc>,
    /// Concurrency token.
    pub revision: Revision,
}

/// A tie between a Korean and a foreign local government.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    /// Id.
    pub id: RelationshipId,
    /// Kind.
    pub kind: RelationshipKind,
    /// Status.
    pub status: RelationshipStatus,
    /// Korean local government.
    pub local_government_code: String,
    /// Foreign local government.
    pub partner_organisation_id: String,
    /// Signed.
    pub signed_on: Option<String>,
    /// Ended.
    pub ended_on: Option<String>,
    /// Note.
    pub note: String,
    /// Recorded.
    pub created_at: DateTime<Utc>,
    /// Concurrency token.
    pub revision: Revision,
    /// Entries in its log.
    pub interaction_count: u64,
}

/// One entry of a relationship's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interaction {
    /// Id.
    pub id: InteractionId,
    /// The relationship.
    pub relationship_id: String,
    /// Kind.
    pub kind: InteractionKind,
    /// When.
    pub occurred_on: String,
    /// What happened.
    pub summary: String,
    /// Who recorded it.
    pub recorded_by_subject: String,
    /// Their name.
    pub recorded_by_name: String,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

/// A project proposed through the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opportunity {
    /// Id.
    pub id: OpportunityId,
    /// Title.
    pub title: LocalizedText,
    /// Description.
    pub description: LocalizedText,
    /// Original language.
    pub original_language: Lang,
    /// Areas it touches.
    pub area_codes: Vec<String>,
    /// Countries involved.
    pub countries: Vec<String>,
    /// Organisation that brought it.
    pub organisation_id: Option<String>,
    /// Status.
    pub status: OpportunityStatus,
    /// Deadline.
    pub deadline: Option<String>,
    /// Who proposed it.
    pub proposer_subject: String,
    /// Proposed.
    pub created_at: DateTime<Utc>,
    /// Concurrency token.
    pub revision: Revision,
}

/// A change a partner proposed to its organisation's profile, and how it was reviewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileChange {
    /// Id.
    pub id: ProfileChangeId,
    /// The organisation it changes.
    pub organisation_id: OrganisationId,
    /// Where it stands.
    pub status: ProfileChangeStatus,
    /// The profile as proposed (contacts with their e-mail and phone).
    pub profile: NewProfile,
    /// The organisation's revision the partner saw.
    pub base_revision: Revision,
    /// Who proposed it (token subject).
    pub proposed_by: String,
    /// Their display name.
    pub proposed_by_name: String,
    /// When.
    pub proposed_at: DateTime<Utc>,
    /// The reviewer's display name, once reviewed.
    pub reviewed_by_name: Option<String>,
    /// When it was reviewed.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Why it was rejected (empty otherwise).
    pub reason: String,
}

/// An exchange project grown from an opportunity, as the caller may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeProject {
    /// Id.
    pub id: ExchangeProjectId,
    /// The opportunity it grew from.
    pub opportunity_id: String,
    /// Title.
    pub title: LocalizedText,
    /// Description.
    pub description: LocalizedText,
    /// Original language.
    pub original_language: Lang,
    /// Status.
    pub status: ProjectStatus,
    /// The Korean local governments and partner organisations involved.
    pub participants: Participants,
    /// Why it was cancelled (empty otherwise).
    pub cancel_reason: String,
    /// Who created it (token subject).
    pub created_by: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Agreed.
    pub agreed_at: Option<DateTime<Utc>>,
    /// Started running.
    pub started_at: Option<DateTime<Utc>>,
    /// Closed or cancelled.
    pub ended_at: Option<DateTime<Utc>>,
    /// Concurrency token.
    pub revision: Revision,
    /// Entries in its log.
    pub interaction_count: u64,
}

/// One entry of an exchange project's interaction log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectInteraction {
    /// Id.
    pub id: ProjectInteractionId,
    /// The project.
    pub project_id: String,
    /// Kind.
    pub kind: InteractionKind,
    /// When.
    pub occurred_on: String,
    /// What happened.
    pub summary: String,
    /// Who recorded it.
    pub recorded_by_subject: String,
    /// Their name.
    pub recorded_by_name: String,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}
