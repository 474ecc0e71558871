//! The partner network's GraphQL types: organisations, contacts, relationships, their interactions and opportunities, and their inputs.

use super::*;
use crate::schema::personal_data::{Holder, PersonalDataEntity};

/// A person at a partner organisation.
pub struct Contact(pub(super) pb::Contact, pub(super) Arc<ResearchLoaders>);

impl Contact {
    /// The contact as a holder of personal data (ADR 0039).
    fn holder(&self) -> Holder<'_> {
        Holder::new(PersonalDataEntity::PartnerContact, &self.0.id, None)
    }
}

/// A person at a partner organisation. Personal details only reach bureau staff.
#[Object]
impl Contact {
    /// Contact id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Position.
    async fn position(&self) -> Option<&str> {
        non_empty(&self.0.position)
    }
    /// ISO 639-1 codes of the languages they speak.
    async fn languages(&self) -> &[String] {
        &self.0.languages
    }
    /// Areas of expertise.
    async fn expertise_areas(&self) -> Result<Vec<ResearchArea>> {
        load_areas(&self.1, &self.0.expertise_area_codes).await
    }
    /// E-mail (bureau staff only).
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        self.holder().read(ctx, "email", non_empty(&self.0.email))
    }
    /// Phone (bureau staff only).
    async fn phone(&self, ctx: &Context<'_>) -> Option<&str> {
        self.holder().read(ctx, "phone", non_empty(&self.0.phone))
    }
}

/// A partner organisation.
pub struct Organisation(pub(crate) pb::Organisation, pub(crate) Arc<ResearchLoaders>);

/// A partner organisation: association, overseas office, foreign mission, advisor, foreign
/// local government or academia.
#[Object(tag = "public")]
impl Organisation {
    /// Organisation id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Kind.
    async fn kind(&self) -> Result<OrganisationKind> {
        OrganisationKind::from_proto(self.0.kind)
    }
    /// Name in `lang`, falling back to the original language, Korean, then English.
    async fn name(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        pick_original(
            self.0.name.as_ref(),
            language::effective(ctx, lang),
            &self.0.original_language,
        )
    }
    /// Description in `lang`, with the same fallback.
    async fn description(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        pick_original(
            self.0.description.as_ref(),
            language::effective(ctx, lang),
            &self.0.original_language,
        )
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// City.
    async fn city(&self) -> Option<&str> {
        non_empty(&self.0.city)
    }
    /// ISO 639-1 codes of its working languages.
    async fn languages(&self) -> &[String] {
        &self.0.languages
    }
    /// Web site.
    async fn website(&self) -> Option<&str> {
        non_empty(&self.0.website)
    }
    /// Visible to the public and partners.
    async fn public(&self) -> bool {
        self.0.public
    }
    /// People to talk to.
    #[graphql(inaccessible)]
    async fn contacts(&self) -> Vec<Contact> {
        self.0
            .contacts
            .iter()
            .cloned()
            .map(|c| Contact(c, self.1.clone()))
            .collect()
    }
    /// Concurrency token.
    #[graphql(inaccessible)]
    async fn revision(&self) -> Result<i32> {
        int(self.0.revision, "revision")
    }
}

/// A change a partner proposed to its organisation's profile.
pub struct OrganisationProfileChange(
    pub(super) pb::ProfileChange,
    pub(super) Arc<ResearchLoaders>,
);

/// A change a partner proposed to its own organisation's public profile and contacts: a
/// pending revision, invisible to the public until bureau staff approve it. Seen by bureau
/// staff and by the organisation's own partner.
#[Object]
impl OrganisationProfileChange {
    /// Change id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The organisation, as the caller may see it now (the approved profile).
    async fn organisation(&self) -> Result<Option<Organisation>> {
        load_organisation(&self.1, &self.0.organisation_id).await
    }
    /// The organisation's id.
    async fn organisation_id(&self) -> ID {
        ID(self.0.organisation_id.clone())
    }
    /// Where it stands.
    async fn status(&self) -> Result<OrganisationProfileChangeStatus> {
        OrganisationProfileChangeStatus::from_proto(self.0.status)
    }
    /// Proposed name in `lang`, falling back to the original language, Korean, then English.
    async fn name(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        let p = self.0.profile.clone().unwrap_or_default();
        pick_original(
            p.name.as_ref(),
            language::effective(ctx, lang),
            &p.original_language,
        )
    }
    /// Proposed description in `lang`, with the same fallback.
    async fn description(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        let p = self.0.profile.clone().unwrap_or_default();
        pick_original(
            p.description.as_ref(),
            language::effective(ctx, lang),
            &p.original_language,
        )
    }
    /// Proposed city.
    async fn city(&self) -> Option<String> {
        self.0
            .profile
            .as_ref()
            .and_then(|p| non_empty(&p.city).map(str::to_owned))
    }
    /// Proposed working languages (ISO 639-1).
    async fn languages(&self) -> Vec<String> {
        self.0
            .profile
            .as_ref()
            .map(|p| p.languages.clone())
            .unwrap_or_default()
    }
    /// Proposed web site.
    async fn website(&self) -> Option<String> {
        self.0
            .profile
            .as_ref()
            .and_then(|p| non_empty(&p.website).map(str::to_owned))
    }
    /// Proposed contacts (they replace the current ones when approved).
    async fn contacts(&self) -> Vec<OrganisationProfileContact> {
        self.0
            .profile
            .as_ref()
            .map(|p| {
                p.contacts
                    .iter()
                    .map(|c| OrganisationProfileContact {
                        name: c.name.clone(),
                        position: non_empty(&c.position).map(str::to_owned),
                        languages: c.languages.clone(),
                        expertise_area_codes: c.expertise_area_codes.clone(),
                        email: non_empty(&c.email).map(str::to_owned),
                        phone: non_empty(&c.phone).map(str::to_owned),
                        holder: Holder::new(
                            PersonalDataEntity::OrganisationProfileChange,
                            &self.0.id,
                            None,
                        )
                        .into_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    /// The organisation's revision the partner saw.
    async fn base_revision(&self) -> Result<i32> {
        int(self.0.base_revision, "baseRevision")
    }
    /// Who proposed it.
    async fn proposed_by_name(&self) -> &str {
        &self.0.proposed_by_name
    }
    /// When.
    async fn proposed_at(&self) -> Option<DateTime> {
        datetime(self.0.proposed_at.as_ref())
    }
    /// Who reviewed it.
    async fn reviewed_by_name(&self) -> Option<&str> {
        non_empty(&self.0.reviewed_by_name)
    }
    /// When it was reviewed.
    async fn reviewed_at(&self) -> Option<DateTime> {
        datetime(self.0.reviewed_at.as_ref())
    }
    /// Why it was rejected.
    async fn reason(&self) -> Option<&str> {
        non_empty(&self.0.reason)
    }
}

/// A contact as a profile change proposes it.
pub struct OrganisationProfileContact {
    name: String,
    position: Option<String>,
    languages: Vec<String>,
    expertise_area_codes: Vec<String>,
    email: Option<String>,
    phone: Option<String>,
    holder: Holder<'static>,
}

/// A contact as a profile change proposes it.
#[Object]
impl OrganisationProfileContact {
    /// Name.
    async fn name(&self) -> &str {
        &self.name
    }
    /// Position.
    async fn position(&self) -> Option<&str> {
        self.position.as_deref()
    }
    /// ISO 639-1 codes of the languages they speak.
    async fn languages(&self) -> &[String] {
        &self.languages
    }
    /// Research-area codes of their expertise.
    async fn expertise_area_codes(&self) -> &[String] {
        &self.expertise_area_codes
    }
    /// E-mail.
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        self.holder
            .read(ctx, "contacts.email", self.email.as_deref())
    }
    /// Phone.
    async fn phone(&self, ctx: &Context<'_>) -> Option<&str> {
        self.holder
            .read(ctx, "contacts.phone", self.phone.as_deref())
    }
}

/// An entry of a relationship's log.
pub struct Interaction(pub(super) pb::Interaction);

/// A meeting, visit or exchange between the two local governments.
#[Object]
impl Interaction {
    /// Interaction id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Kind.
    async fn kind(&self) -> Result<InteractionKind> {
        InteractionKind::from_proto(self.0.kind)
    }
    /// When it happened.
    async fn occurred_on(&self) -> Option<Date> {
        Date::parse(&self.0.occurred_on)
    }
    /// What happened.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// Who recorded it.
    async fn recorded_by_name(&self) -> &str {
        &self.0.recorded_by_name
    }
    /// Recorded.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }
}

/// One interaction in a page.
#[derive(SimpleObject)]
pub struct InteractionEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The interaction.
    pub node: Interaction,
}

/// A page of a relationship's log, most recent first.
#[derive(SimpleObject)]
pub struct InteractionConnection {
    /// This page.
    pub edges: Vec<InteractionEdge>,
    /// Where it ends.
    pub page_info: PageInfo,
    /// Entries in all.
    pub total_count: i32,
}

/// A tie between a Korean local government and a foreign one.
pub struct Relationship(pub(super) pb::Relationship, pub(super) Arc<ResearchLoaders>);

/// A sister-city, friendship-city or memorandum relationship.
#[Object]
impl Relationship {
    /// Relationship id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Kind.
    async fn kind(&self) -> Result<RelationshipKind> {
        RelationshipKind::from_proto(self.0.kind)
    }
    /// Status.
    async fn status(&self) -> Result<RelationshipStatus> {
        RelationshipStatus::from_proto(self.0.status)
    }
    /// The Korean local government.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        load_local_government(ctx, &self.0.local_government_code).await
    }
    /// Its standard code.
    async fn local_government_code(&self) -> &str {
        &self.0.local_government_code
    }
    /// The foreign local government.
    async fn partner(&self) -> Result<Option<Organisation>> {
        load_organisation(&self.1, &self.0.partner_organisation_id).await
    }
    /// Signed.
    async fn signed_on(&self) -> Option<Date> {
        Date::parse(&self.0.signed_on)
    }
    /// Ended.
    async fn ended_on(&self) -> Option<Date> {
        Date::parse(&self.0.ended_on)
    }
    /// Note.
    #[graphql(inaccessible)]
    async fn note(&self) -> Option<&str> {
        non_empty(&self.0.note)
    }
    /// Concurrency token.
    #[graphql(inaccessible)]
    async fn revision(&self) -> Result<i32> {
        int(self.0.revision, "revision")
    }
    /// Entries in its log.
    async fn interaction_count(&self) -> i32 {
        total(self.0.interaction_count)
    }
    /// Its log, most recent first: bureau staff and the local government concerned only
    /// (anyone else gets an error on this field alone).
    #[graphql(inaccessible)]
    async fn interactions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Option<InteractionConnection>> {
        let r =
            match after.filter(|a| !a.is_empty()) {
                // The first page: one BatchListInteractions for every relationship of the request.
                None => {
                    self.1
                        .first_interactions(self.0.id.clone(), self::first(first)?)
                        .await?
                }
                Some(after) => {
                    let message = pb::ListInteractionsRequest {
                        relationship_id: self.0.id.clone(),
                        page: page(first, Some(after))?,
                    };
                    let r = read(ctx, Research, "ListInteractions",
                    message,
                    |mut client, request| async move { client.list_interactions(request).await },
                )
                .await?
                .into_inner();
                    pb::InteractionPage {
                        relationship_id: self.0.id.clone(),
                        interactions: r.interactions,
                        cursors: r.cursors,
                        page_info: r.page_info,
                        total_count: r.total_count,
                        error: None,
                    }
                }
            };
        Ok(Some(InteractionConnection {
            page_info: page_info(r.page_info, &r.cursors),
            total_count: total(r.total_count),
            edges: r
                .interactions
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| InteractionEdge {
                    cursor,
                    node: Interaction(node),
                })
                .collect(),
        }))
    }
}

/// A new international project proposed through the network.
pub struct Opportunity(pub(super) pb::Opportunity, pub(super) Arc<ResearchLoaders>);

/// A new international project proposed through the network.
#[Object]
impl Opportunity {
    /// Opportunity id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Title in `lang`, falling back to the original language, Korean, then English.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        pick_original(
            self.0.title.as_ref(),
            language::effective(ctx, lang),
            &self.0.original_language,
        )
    }
    /// Description in `lang`, with the same fallback.
    async fn description(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        pick_original(
            self.0.description.as_ref(),
            language::effective(ctx, lang),
            &self.0.original_language,
        )
    }
    /// Research areas it touches.
    async fn areas(&self) -> Result<Vec<ResearchArea>> {
        load_areas(&self.1, &self.0.area_codes).await
    }
    /// Countries involved.
    async fn countries(&self) -> &[String] {
        &self.0.countries
    }
    /// The organisation that brought it.
    async fn organisation(&self) -> Result<Option<Organisation>> {
        load_organisation(&self.1, &self.0.organisation_id).await
    }
    /// Status.
    async fn status(&self) -> Result<OpportunityStatus> {
        OpportunityStatus::from_proto(self.0.status)
    }
    /// Deadline.
    async fn deadline(&self) -> Option<Date> {
        Date::parse(&self.0.deadline)
    }
    /// Proposed.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }
    /// Concurrency token.
    #[graphql(inaccessible)]
    async fn revision(&self) -> Result<i32> {
        int(self.0.revision, "revision")
    }
}

macro_rules! connection {
    ($(#[$doc:meta])* $conn:ident, $edge:ident, $node:ident) => {
        /// One item in a page, with its cursor.
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Opaque cursor.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        $(#[$doc])*
        #[derive(SimpleObject)]
        pub struct $conn {
            /// This page.
            pub edges: Vec<$edge>,
            /// Where it ends.
            pub page_info: PageInfo,
            /// Items in all.
            pub total_count: i32,
        }
    };
}

connection!(
    /// A page of organisations, in the order they were added.
    OrganisationConnection, OrganisationEdge, Organisation
);
connection!(
    /// A page of relationships, in the order they were recorded.
    RelationshipConnection, RelationshipEdge, Relationship
);
connection!(
    /// A page of opportunities, newest first.
    OpportunityConnection, OpportunityEdge, Opportunity
);

/// Filters of the organisation list.
#[derive(InputObject, Default)]
pub struct OrganisationFilter {
    /// Any of these kinds.
    pub kinds: Option<Vec<OrganisationKind>>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Part of the name in any language.
    pub name_contains: Option<String>,
}

/// Filters of the relationship list.
#[derive(InputObject, Default)]
pub struct RelationshipFilter {
    /// Of this Korean local government.
    pub local_government_code: Option<String>,
    /// With this foreign local government.
    pub partner_organisation_id: Option<ID>,
    /// Any of these kinds.
    pub kinds: Option<Vec<RelationshipKind>>,
    /// Any of these statuses.
    pub statuses: Option<Vec<RelationshipStatus>>,
}

/// Filters of the opportunity list.
#[derive(InputObject, Default)]
pub struct OpportunityFilter {
    /// Any of these statuses.
    pub statuses: Option<Vec<OpportunityStatus>>,
    /// Touching this research area.
    pub area_code: Option<String>,
}

/// A contact person.
#[derive(InputObject)]
pub struct ContactInput {
    /// Name.
    pub name: String,
    /// Position.
    pub position: Option<String>,
    /// ISO 639-1 codes.
    pub languages: Option<Vec<String>>,
    /// Research-area codes of their expertise.
    pub expertise_area_codes: Option<Vec<String>>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

impl ContactInput {
    pub(super) fn into_proto(self) -> pb::ContactInput {
        pb::ContactInput {
            name: self.name,
            position: self.position.unwrap_or_default(),
            languages: self.languages.unwrap_or_default(),
            expertise_area_codes: self.expertise_area_codes.unwrap_or_default(),
            email: self.email.unwrap_or_default(),
            phone: self.phone.unwrap_or_default(),
        }
    }
}

/// Adds a partner organisation (bureau staff).
#[derive(InputObject)]
pub struct CreateOrganisationInput {
    /// A retry with the same key returns the same organisation.
    pub idempotency_key: String,
    /// Kind.
    pub kind: OrganisationKind,
    /// Name (required in the original language).
    pub name: LocalizedTextInput,
    /// Language of the original name.
    pub original_language: Language,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// City.
    pub city: Option<String>,
    /// ISO 639-1 codes of its working languages.
    pub languages: Option<Vec<String>>,
    /// Web site.
    pub website: Option<String>,
    /// Description.
    pub description: Option<LocalizedTextInput>,
    /// Visible to the public and partners.
    pub public: bool,
    /// Contacts.
    pub contacts: Option<Vec<ContactInput>>,
}

/// Adds a contact to an organisation (bureau staff).
#[derive(InputObject)]
pub struct AddContactInput {
    /// Organisation id.
    pub organisation_id: ID,
    /// The person.
    pub contact: ContactInput,
}

/// A partner's proposed profile of its own organisation: everything but kind, country and
/// visibility (the bureau's to set). The contacts replace the current ones when approved.
#[derive(InputObject)]
pub struct ProposeOrganisationProfileInput {
    /// The partner's own organisation.
    pub organisation_id: ID,
    /// Name (required in the original language).
    pub name: LocalizedTextInput,
    /// Language of the original name.
    pub original_language: Language,
    /// City.
    pub city: Option<String>,
    /// ISO 639-1 codes of its working languages.
    pub languages: Option<Vec<String>>,
    /// Web site.
    pub website: Option<String>,
    /// Description.
    pub description: Option<LocalizedTextInput>,
    /// Every contact the profile should list.
    pub contacts: Option<Vec<ContactInput>>,
}

impl ProposeOrganisationProfileInput {
    pub(super) fn into_proto(self) -> pb::ProposeProfileChangeRequest {
        pb::ProposeProfileChangeRequest {
            organisation_id: self.organisation_id.0,
            profile: Some(pb::ProfileInput {
                name: Some(self.name.into_proto()),
                original_language: lang_code(self.original_language).to_owned(),
                city: self.city.unwrap_or_default(),
                languages: self.languages.unwrap_or_default(),
                website: self.website.unwrap_or_default(),
                description: text_in(self.description),
                contacts: self
                    .contacts
                    .unwrap_or_default()
                    .into_iter()
                    .map(ContactInput::into_proto)
                    .collect(),
            }),
        }
    }
}

/// Rejects a pending profile change (bureau staff).
#[derive(InputObject)]
pub struct RejectOrganisationProfileChangeInput {
    /// Change id.
    pub id: ID,
    /// Why (the partner reads it).
    pub reason: String,
}

/// Records a relationship (bureau staff).
#[derive(InputObject)]
pub struct CreateRelationshipInput {
    /// A retry with the same key returns the same relationship.
    pub idempotency_key: String,
    /// Kind.
    pub kind: RelationshipKind,
    /// The Korean local government's standard code.
    pub local_government_code: String,
    /// The foreign local government (an organisation).
    pub partner_organisation_id: ID,
    /// PROPOSED (default) or ACTIVE.
    pub status: Option<RelationshipStatus>,
    /// Signing date.
    pub signed_on: Option<Date>,
    /// Note.
    pub note: Option<String>,
}

/// Moves a relationship to another status (bureau staff).
#[derive(InputObject)]
pub struct SetRelationshipStatusInput {
    /// Relationship id.
    pub id: ID,
    /// The revision the caller saw.
    pub revision: i32,
    /// New status.
    pub status: RelationshipStatus,
    /// Signing date when activating, end date when ending (default today).
    pub on: Option<Date>,
    /// Note.
    pub note: Option<String>,
}

/// Records an interaction (bureau staff, or officials of the Korean local government).
#[derive(InputObject)]
pub struct RecordInteractionInput {
    /// A retry with the same key returns the same entry.
    pub idempotency_key: String,
    /// Relationship id.
    pub relationship_id: ID,
    /// Kind.
    pub kind: InteractionKind,
    /// When it happened.
    pub occurred_on: Date,
    /// What happened.
    pub summary: String,
}

/// Proposes an opportunity (any signed-in caller).
#[derive(InputObject)]
pub struct ProposeOpportunityInput {
    /// A retry with the same key returns the same opportunity.
    pub idempotency_key: String,
    /// Title (required in the original language).
    pub title: LocalizedTextInput,
    /// Description.
    pub description: Option<LocalizedTextInput>,
    /// Language it was written in.
    pub original_language: Language,
    /// Research-area codes (at least one).
    pub area_codes: Vec<String>,
    /// ISO 3166-1 alpha-2 codes of the countries involved.
    pub countries: Option<Vec<String>>,
    /// Organisation that brought it.
    pub organisation_id: Option<ID>,
    /// Deadline.
    pub deadline: Option<Date>,
}

/// Moves an opportunity to another status (bureau staff).
#[derive(InputObject)]
pub struct SetOpportunityStatusInput {
    /// Opportunity id.
    pub id: ID,
    /// The revision the caller saw.
    pub revision: i32,
    /// New status.
    pub status: OpportunityStatus,
}
