//! The research domain: the best-practice library (search with facets, versions,
//! tombstones, the review workflow), the area vocabulary, and the partner network
//! (organisations, relationships with their interaction log, opportunities).
//!
//! Localized fields take `lang` and fall back: asked language → the original language →
//! Korean → English → any. `revision` is the optimistic-concurrency token every change
//! quotes; `version` numbers the content versions of a practice.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use glocal_proto::common::v1::{LocalizedText, PageRequest};
use glocal_proto::research::v1 as pb;
use glocal_proto::research::v1::research_service_client::ResearchServiceClient;
use tonic::transport::Channel;

use super::directory::{LocalGovernment, load_local_government};
use super::language::{self, Language};
use super::requests::PageInfo;
use super::research_loaders::ResearchLoaders;
use super::scalars::Date;
use super::{Services, caller, datetime, non_empty};
use crate::error;

/// A research-service client and `message` wrapped with the caller, trace context and deadline.
fn call<T>(
    ctx: &Context<'_>,
    message: T,
) -> Result<(ResearchServiceClient<Channel>, tonic::Request<T>)> {
    let services = ctx.data::<Services>()?;
    let request = glocal_kit::grpc::request(message, caller(ctx), services.timeout);
    Ok((
        ResearchServiceClient::new(services.research.clone()),
        request,
    ))
}

/// A read from the research service: [`super::read`], retried on UNAVAILABLE.
async fn read<M, R, F, Fut>(
    ctx: &Context<'_>,
    method: &'static str,
    message: M,
    call: F,
) -> Result<tonic::Response<R>, tonic::Status>
where
    M: Clone,
    F: FnMut(ResearchServiceClient<Channel>, tonic::Request<M>) -> Fut,
    Fut: std::future::Future<Output = Result<tonic::Response<R>, tonic::Status>>,
{
    super::read(
        ctx,
        method,
        |s| ResearchServiceClient::new(s.research.clone()),
        message,
        call,
    )
    .await
}

/// `text` in `lang`, else the original language, else Korean, English, then any.
pub fn pick_original(text: Option<&LocalizedText>, lang: Language, original: &str) -> String {
    let Some(text) = text else {
        return String::new();
    };
    let of = |l: Language| match l {
        Language::Ko => &text.ko,
        Language::En => &text.en,
        Language::Zh => &text.zh,
        Language::Ja => &text.ja,
    };
    let mut order = vec![lang];
    order.extend(Language::from_tag(original));
    order.extend([Language::Ko, Language::En, Language::Zh, Language::Ja]);
    order
        .into_iter()
        .map(of)
        .find(|s| !s.is_empty())
        .cloned()
        .unwrap_or_default()
}

fn int(v: i64, what: &str) -> Result<i32> {
    i32::try_from(v).map_err(|_| error::internal(format!("{what} {v} exceeds Int")))
}

fn first(value: Option<i32>) -> Result<u32> {
    u32::try_from(value.unwrap_or(20))
        .map_err(|_| error::bad_input("`first` must not be negative", "first"))
}

fn page(first_: Option<i32>, after: Option<String>) -> Result<Option<PageRequest>> {
    Ok(Some(PageRequest {
        first: first(first_)?,
        after: after.unwrap_or_default(),
    }))
}

fn page_info(info: Option<pb_common::PageInfo>, cursors: &[String]) -> PageInfo {
    let info = info.unwrap_or_default();
    PageInfo {
        has_next_page: info.has_next_page,
        has_previous_page: false,
        start_cursor: cursors.first().cloned(),
        end_cursor: non_empty(&info.end_cursor)
            .map(str::to_owned)
            .or_else(|| cursors.last().cloned()),
    }
}

use glocal_proto::common::v1 as pb_common;

fn lang_code(l: Language) -> &'static str {
    match l {
        Language::Ko => "ko",
        Language::En => "en",
        Language::Zh => "zh",
        Language::Ja => "ja",
    }
}

fn total(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

macro_rules! gql_enum {
    ($(#[$doc:meta])* $name:ident, $pb:ty { $($(#[$vdoc:meta])* $variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant),*
        }

        impl $name {
            /// The value of a proto enum number (INTERNAL when unknown).
            pub fn from_proto(v: i32) -> Result<Self> {
                match <$pb>::try_from(v) {
                    $(Ok(<$pb>::$variant) => Ok(Self::$variant),)*
                    _ => Err(error::internal(format!(concat!("unknown ", stringify!($name), " {}"), v))),
                }
            }

            /// The proto enum number.
            pub fn to_proto(self) -> i32 {
                match self {
                    $(Self::$variant => <$pb>::$variant as i32,)*
                }
            }
        }
    };
}

gql_enum!(
    /// Where a practice is in its workflow.
    PracticeState, pb::PracticeState {
        /// Being written (bureau staff only).
        Draft,
        /// Waiting for or past review (bureau staff only).
        InReview,
        /// In the public library.
        Published,
        /// Taken out; its id answers with a tombstone.
        Withdrawn,
    }
);

gql_enum!(
    /// Order of search results.
    PracticeSort, pb::PracticeSort {
        /// Best match first (the default with a search).
        Relevance,
        /// Newest first (the default without a search).
        Newest,
    }
);

gql_enum!(
    /// What kind of partner an organisation is.
    OrganisationKind, pb::OrganisationKind {
        /// A local-government association.
        LocalGovernmentAssociation,
        /// An overseas office.
        OverseasOffice,
        /// A foreign mission in Korea.
        ForeignMission,
        /// A foreign advisor.
        ForeignAdvisor,
        /// A foreign local government.
        ForeignLocalGovernment,
        /// A university or institute.
        Academia,
    }
);

gql_enum!(
    /// The kind of tie between a Korean and a foreign local government.
    RelationshipKind, pb::RelationshipKind {
        /// Sister city.
        SisterCity,
        /// Friendship city.
        FriendshipCity,
        /// Memorandum of understanding.
        Memorandum,
    }
);

gql_enum!(
    /// Where a relationship stands.
    RelationshipStatus, pb::RelationshipStatus {
        /// Under negotiation (bureau staff and the local government concerned).
        Proposed,
        /// In force.
        Active,
        /// Paused.
        Suspended,
        /// Over.
        Ended,
    }
);

gql_enum!(
    /// What happened in an interaction.
    InteractionKind, pb::InteractionKind {
        /// A meeting.
        Meeting,
        /// A visit.
        Visit,
        /// An exchange of people, programmes or goods.
        Exchange,
        /// Anything else.
        Other,
    }
);

gql_enum!(
    /// Where an opportunity stands.
    OpportunityStatus, pb::OpportunityStatus {
        /// Proposed, not yet screened (bureau staff and the proposer).
        Proposed,
        /// Open to local governments.
        Open,
        /// Done or expired.
        Closed,
        /// Not taken up.
        Declined,
    }
);

/// A concept of the research-area vocabulary.
pub struct ResearchArea(pub(crate) pb::Area);

/// A concept of the research-area vocabulary, e.g. transportation.
#[Object]
impl ResearchArea {
    /// Stable code, e.g. `transportation`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Label in `lang` (every concept has all four).
    async fn label(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.label.as_ref(), language::effective(ctx, lang))
    }

    /// Published practices in the area.
    async fn practice_count(&self) -> i32 {
        total(self.0.practice_count)
    }
}

async fn load_area(loaders: &ResearchLoaders, code: &str) -> Result<Option<ResearchArea>> {
    if code.is_empty() {
        return Ok(None);
    }
    Ok(loaders
        .areas
        .load_one(code.to_owned())
        .await?
        .map(ResearchArea))
}

async fn load_areas(loaders: &ResearchLoaders, codes: &[String]) -> Result<Vec<ResearchArea>> {
    let found = loaders.areas.load_many(codes.iter().cloned()).await?;
    Ok(codes
        .iter()
        .filter_map(|c| found.get(c).cloned().map(ResearchArea))
        .collect())
}

async fn load_organisation(
    loaders: &Arc<ResearchLoaders>,
    id: &str,
) -> Result<Option<Organisation>> {
    if id.is_empty() {
        return Ok(None);
    }
    Ok(loaders
        .organisations
        .load_one(id.to_owned())
        .await?
        .map(|o| Organisation(o, loaders.clone())))
}

/// A link from a practice.
#[derive(SimpleObject)]
pub struct PracticeLink {
    /// URL.
    pub url: String,
    /// Title (may be empty).
    pub title: String,
}

/// Metadata of a file attached to a practice.
#[derive(SimpleObject)]
pub struct PracticeAttachment {
    /// File name.
    pub name: String,
    /// Media type, e.g. application/pdf.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: f64,
    /// Where to get it.
    pub url: String,
}

/// One entry of a practice's audit trail.
pub struct PracticeHistoryEntry(pb::PracticeHistoryEntry);

/// One entry of a practice's audit trail.
#[Object]
impl PracticeHistoryEntry {
    /// `draft`, `edit`, `submit`, `approve`, `request_changes`, `publish` or `withdraw`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// State before (null for the draft itself).
    async fn from(&self) -> Option<PracticeState> {
        PracticeState::from_proto(self.0.from_state).ok()
    }
    /// State after.
    async fn to(&self) -> Result<PracticeState> {
        PracticeState::from_proto(self.0.to_state)
    }
    /// Who acted.
    async fn actor_subject(&self) -> &str {
        &self.0.actor_subject
    }
    /// Their name.
    async fn actor_name(&self) -> &str {
        &self.0.actor_name
    }
    /// When.
    async fn at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.at.as_ref())
    }
    /// Note or reason.
    async fn note(&self) -> Option<&str> {
        non_empty(&self.0.note)
    }
    /// Content version acted on.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A content version of a practice.
#[derive(SimpleObject)]
pub struct PracticeVersion {
    /// Number, from 1.
    pub version: i32,
    /// When it was made.
    pub created_at: Option<DateTime<Utc>>,
    /// Why it changed.
    pub note: Option<String>,
}

/// A foreign (or domestic) best practice in the bureau's library.
pub struct Practice(pub(crate) pb::Practice, pub(crate) Arc<ResearchLoaders>);

impl Practice {
    fn content(&self) -> &pb::PracticeContent {
        static EMPTY: std::sync::OnceLock<pb::PracticeContent> = std::sync::OnceLock::new();
        self.0
            .content
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(pb::PracticeContent::default))
    }

    fn text(
        &self,
        ctx: &Context<'_>,
        text: Option<&LocalizedText>,
        lang: Option<Language>,
    ) -> String {
        pick_original(
            text,
            language::effective(ctx, lang),
            &self.content().original_language,
        )
    }
}

/// A foreign (or domestic) best practice in the bureau's library.
#[Object(tag = "public")]
impl Practice {
    /// Practice id (stable across versions).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The content version shown.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The newest content version.
    async fn latest_version(&self) -> i32 {
        self.0.latest_version
    }
    /// Concurrency token: quote it in the next change.
    async fn revision(&self) -> Result<i32> {
        int(self.0.revision, "revision")
    }
    /// Workflow state.
    async fn state(&self) -> Result<PracticeState> {
        PracticeState::from_proto(self.0.state)
    }
    /// True when the practice was withdrawn and only its title remains visible.
    async fn tombstone(&self) -> bool {
        self.0.tombstone
    }
    /// A reviewer approved the current content.
    async fn approved(&self) -> bool {
        self.0.approved
    }
    /// Title in `lang`, falling back to the original language, Korean, then English.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        self.text(ctx, self.content().title.as_ref(), lang)
    }
    /// Summary in `lang`, with the same fallback.
    async fn summary(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        self.text(ctx, self.content().summary.as_ref(), lang)
    }
    /// Body in `lang`, with the same fallback.
    async fn body(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        self.text(ctx, self.content().body.as_ref(), lang)
    }
    /// The language it was written in.
    async fn original_language(&self) -> Option<Language> {
        Language::from_tag(&self.content().original_language)
    }
    /// Languages it has text in.
    async fn languages(&self) -> Vec<Language> {
        self.0
            .languages
            .iter()
            .filter_map(|l| Language::from_tag(l))
            .collect()
    }
    /// Research area.
    async fn area(&self) -> Result<Option<ResearchArea>> {
        load_area(&self.1, &self.content().area_code).await
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> &str {
        &self.content().country
    }
    /// City or region.
    async fn city(&self) -> Option<&str> {
        non_empty(&self.content().city)
    }
    /// The Korean local government, for domestic practices.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        load_local_government(ctx, &self.content().local_government_code).await
    }
    /// The partner organisation it came from.
    async fn source_organisation(&self) -> Result<Option<Organisation>> {
        load_organisation(&self.1, &self.content().source_organisation_id).await
    }
    /// Year it started or was reported.
    async fn year(&self) -> i32 {
        self.content().year
    }
    /// Tags.
    async fn tags(&self) -> &[String] {
        &self.content().tags
    }
    /// Links.
    async fn links(&self) -> Vec<PracticeLink> {
        self.content()
            .links
            .iter()
            .map(|l| PracticeLink {
                url: l.url.clone(),
                title: l.title.clone(),
            })
            .collect()
    }
    /// Attached files.
    async fn attachments(&self) -> Vec<PracticeAttachment> {
        self.content()
            .attachments
            .iter()
            .map(|a| PracticeAttachment {
                name: a.name.clone(),
                media_type: a.media_type.clone(),
                #[allow(clippy::cast_precision_loss)]
                size_bytes: a.size_bytes as f64,
                url: a.url.clone(),
            })
            .collect()
    }
    /// Who drafted it.
    async fn author_name(&self) -> &str {
        &self.0.author_name
    }
    /// Drafted.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.created_at.as_ref())
    }
    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.updated_at.as_ref())
    }
    /// Last published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.published_at.as_ref())
    }
    /// Withdrawn.
    async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.withdrawn_at.as_ref())
    }
    /// Why it was withdrawn.
    async fn withdrawal_reason(&self) -> Option<&str> {
        non_empty(&self.0.withdrawal_reason)
    }
    /// Audit trail (bureau staff, on `practice(id)`).
    async fn history(&self) -> Vec<PracticeHistoryEntry> {
        self.0
            .history
            .iter()
            .cloned()
            .map(PracticeHistoryEntry)
            .collect()
    }
    /// Every content version (on `practice(id)`).
    async fn versions(&self) -> Vec<PracticeVersion> {
        self.0
            .versions
            .iter()
            .map(|v| PracticeVersion {
                version: v.version,
                created_at: datetime(v.created_at.as_ref()),
                note: non_empty(&v.note).map(str::to_owned),
            })
            .collect()
    }
}

/// One practice in a page, with its cursor.
#[derive(SimpleObject)]
pub struct PracticeEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The practice.
    pub node: Practice,
}

/// A facet value and how many results have it.
#[derive(SimpleObject)]
pub struct FacetCount {
    /// Country code, year or language code.
    pub value: String,
    /// Results with it.
    pub count: i32,
}

/// A research area and how many results are in it.
pub struct AreaFacet(pb::FacetCount, Arc<ResearchLoaders>);

/// A research area and how many results are in it.
#[Object]
impl AreaFacet {
    /// Area code.
    async fn value(&self) -> &str {
        &self.0.value
    }
    /// Results in it.
    async fn count(&self) -> i32 {
        total(self.0.count)
    }
    /// The concept (for its label).
    async fn area(&self) -> Result<Option<ResearchArea>> {
        load_area(&self.1, &self.0.value).await
    }
}

/// Counts over all results of a search (not only the page).
#[derive(SimpleObject)]
pub struct PracticeFacets {
    /// Per research area.
    pub areas: Vec<AreaFacet>,
    /// Per country.
    pub countries: Vec<FacetCount>,
    /// Per year, newest first.
    pub years: Vec<FacetCount>,
    /// Per language (a practice in two languages counts in both).
    pub languages: Vec<FacetCount>,
}

/// A page of practices.
#[derive(SimpleObject)]
pub struct PracticeConnection {
    /// The practices of this page.
    pub edges: Vec<PracticeEdge>,
    /// Where this page ends.
    pub page_info: PageInfo,
    /// How many practices match in all.
    pub total_count: i32,
    /// Facet counts of all matches.
    pub facets: PracticeFacets,
}

/// Filters of a practice search; each list matches any of its values.
#[derive(InputObject, Default)]
pub struct PracticeFilter {
    /// Research-area codes.
    pub area_codes: Option<Vec<String>>,
    /// ISO 3166-1 alpha-2 country codes.
    pub countries: Option<Vec<String>>,
    /// Years.
    pub years: Option<Vec<i32>>,
    /// Practices with text in any of these languages.
    pub languages: Option<Vec<Language>>,
    /// States other than PUBLISHED (bureau staff only).
    pub states: Option<Vec<PracticeState>>,
    /// Domestic practices of this local government.
    pub local_government_code: Option<String>,
    /// From this partner organisation.
    pub source_organisation_id: Option<ID>,
    /// With this tag.
    pub tag: Option<String>,
}

impl PracticeFilter {
    fn into_proto(self) -> pb::PracticeFilter {
        pb::PracticeFilter {
            area_codes: self.area_codes.unwrap_or_default(),
            countries: self.countries.unwrap_or_default(),
            years: self.years.unwrap_or_default(),
            languages: self
                .languages
                .unwrap_or_default()
                .into_iter()
                .map(|l| lang_code(l).to_owned())
                .collect(),
            states: self
                .states
                .unwrap_or_default()
                .into_iter()
                .map(PracticeState::to_proto)
                .collect(),
            local_government_code: self.local_government_code.unwrap_or_default(),
            source_organisation_id: self.source_organisation_id.map(|i| i.0).unwrap_or_default(),
            tag: self.tag.unwrap_or_default(),
        }
    }
}

/// Text in the bureau's four languages; any may be omitted.
#[derive(InputObject, Default, Clone)]
pub struct LocalizedTextInput {
    /// Korean.
    pub ko: Option<String>,
    /// English.
    pub en: Option<String>,
    /// Chinese.
    pub zh: Option<String>,
    /// Japanese.
    pub ja: Option<String>,
}

impl LocalizedTextInput {
    fn into_proto(self) -> LocalizedText {
        LocalizedText {
            ko: self.ko.unwrap_or_default(),
            en: self.en.unwrap_or_default(),
            zh: self.zh.unwrap_or_default(),
            ja: self.ja.unwrap_or_default(),
        }
    }
}

fn text_in(t: Option<LocalizedTextInput>) -> Option<LocalizedText> {
    Some(t.unwrap_or_default().into_proto())
}

/// A link.
#[derive(InputObject)]
pub struct PracticeLinkInput {
    /// `http(s)://…`.
    pub url: String,
    /// Title.
    pub title: Option<String>,
}

/// An attached file's metadata.
#[derive(InputObject)]
pub struct PracticeAttachmentInput {
    /// File name.
    pub name: String,
    /// Media type, e.g. application/pdf.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i32,
    /// Where the file is.
    pub url: String,
}

/// The content of a practice: localized title (required in the original language),
/// summary and body, and its classification.
#[derive(InputObject)]
pub struct PracticeContentInput {
    /// Title per language.
    pub title: LocalizedTextInput,
    /// Summary per language.
    pub summary: Option<LocalizedTextInput>,
    /// Body per language.
    pub body: Option<LocalizedTextInput>,
    /// The language it was written in.
    pub original_language: Language,
    /// Research-area code.
    pub area_code: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// City or region.
    pub city: Option<String>,
    /// Korean local government (domestic practices).
    pub local_government_code: Option<String>,
    /// Partner organisation it came from.
    pub source_organisation_id: Option<ID>,
    /// Year it started or was reported.
    pub year: i32,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Links.
    pub links: Option<Vec<PracticeLinkInput>>,
    /// Attached files.
    pub attachments: Option<Vec<PracticeAttachmentInput>>,
}

impl PracticeContentInput {
    fn into_proto(self) -> Result<pb::PracticeContent> {
        Ok(pb::PracticeContent {
            title: Some(self.title.into_proto()),
            summary: text_in(self.summary),
            body: text_in(self.body),
            original_language: lang_code(self.original_language).to_owned(),
            area_code: self.area_code,
            country: self.country,
            city: self.city.unwrap_or_default(),
            local_government_code: self.local_government_code.unwrap_or_default(),
            source_organisation_id: self.source_organisation_id.map(|i| i.0).unwrap_or_default(),
            year: self.year,
            tags: self.tags.unwrap_or_default(),
            links: self
                .links
                .unwrap_or_default()
                .into_iter()
                .map(|l| pb::Link {
                    url: l.url,
                    title: l.title.unwrap_or_default(),
                })
                .collect(),
            attachments: self
                .attachments
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, a)| {
                    Ok(pb::Attachment {
                        name: a.name,
                        media_type: a.media_type,
                        size_bytes: u64::try_from(a.size_bytes).map_err(|_| {
                            error::bad_input(
                                "must not be negative",
                                &format!("attachments[{i}].sizeBytes"),
                            )
                        })?,
                        url: a.url,
                    })
                })
                .collect::<Result<_>>()?,
        })
    }
}

/// Drafts a practice (bureau staff).
#[derive(InputObject)]
pub struct DraftPracticeInput {
    /// A retry with the same key returns the same practice.
    pub idempotency_key: String,
    /// Content.
    #[graphql(flatten)]
    pub content: PracticeContentInput,
}

/// Edits a practice: a draft in place, a published practice into a new version.
#[derive(InputObject)]
pub struct UpdatePracticeInput {
    /// Practice id.
    pub id: ID,
    /// The revision the caller saw.
    pub revision: i32,
    /// Why it changed (kept with the version).
    pub note: Option<String>,
    /// The new content.
    #[graphql(flatten)]
    pub content: PracticeContentInput,
}

/// A workflow step on a practice.
#[derive(InputObject)]
pub struct PracticeTransitionInput {
    /// Practice id.
    pub id: ID,
    /// The revision the caller saw.
    pub revision: i32,
}

/// A review of a practice in review.
#[derive(InputObject)]
pub struct ReviewPracticeInput {
    /// Practice id.
    pub id: ID,
    /// The revision the caller saw.
    pub revision: i32,
    /// Approve (true) or request changes (false, with a note).
    pub approve: bool,
    /// Note for the author.
    pub note: Option<String>,
}

/// Withdraws a practice; its id keeps answering with a tombstone.
#[derive(InputObject)]
pub struct WithdrawPracticeInput {
    /// Practice id.
    pub id: ID,
    /// The revision the caller saw.
    pub revision: i32,
    /// Why (shown on the tombstone).
    pub reason: String,
}

/// Adds a concept to the area vocabulary (bureau admin).
#[derive(InputObject)]
pub struct CreateResearchAreaInput {
    /// Code: lower-case letters, digits, underscores.
    pub code: String,
    /// Label in all four languages.
    pub label: LocalizedTextInput,
}

/// A person at a partner organisation.
pub struct Contact(pb::Contact, Arc<ResearchLoaders>);

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
    async fn email(&self) -> Option<&str> {
        non_empty(&self.0.email)
    }
    /// Phone (bureau staff only).
    async fn phone(&self) -> Option<&str> {
        non_empty(&self.0.phone)
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
    async fn contacts(&self) -> Vec<Contact> {
        self.0
            .contacts
            .iter()
            .cloned()
            .map(|c| Contact(c, self.1.clone()))
            .collect()
    }
    /// Concurrency token.
    async fn revision(&self) -> Result<i32> {
        int(self.0.revision, "revision")
    }
}

/// An entry of a relationship's log.
pub struct Interaction(pb::Interaction);

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
    async fn created_at(&self) -> Option<DateTime<Utc>> {
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
pub struct Relationship(pb::Relationship, Arc<ResearchLoaders>);

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
    async fn note(&self) -> Option<&str> {
        non_empty(&self.0.note)
    }
    /// Concurrency token.
    async fn revision(&self) -> Result<i32> {
        int(self.0.revision, "revision")
    }
    /// Entries in its log.
    async fn interaction_count(&self) -> i32 {
        total(self.0.interaction_count)
    }
    /// Its log, most recent first: bureau staff and the local government concerned only
    /// (anyone else gets an error on this field alone).
    async fn interactions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Option<InteractionConnection>> {
        let r = match after.filter(|a| !a.is_empty()) {
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
                let r = read(
                    ctx,
                    "ListInteractions",
                    message,
                    |mut client, request| async move { client.list_interactions(request).await },
                )
                .await
                .map_err(error::remote)?
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
pub struct Opportunity(pb::Opportunity, Arc<ResearchLoaders>);

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
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.created_at.as_ref())
    }
    /// Concurrency token.
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
    fn into_proto(self) -> pb::ContactInput {
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

/// Research queries.
#[derive(Default)]
pub struct ResearchQuery;

#[Object]
impl ResearchQuery {
    /// The library: ranked full-text search over every language of title, summary and body
    /// (newest first without `search`), with filters and facet counts of all matches. The
    /// public sees published practices; bureau staff may filter by other states.
    async fn practices(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        filter: Option<PracticeFilter>,
        sort: Option<PracticeSort>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<PracticeConnection> {
        let message = pb::SearchPracticesRequest {
            query: search.unwrap_or_default(),
            filter: Some(filter.unwrap_or_default().into_proto()),
            page: page(first, after)?,
            sort: sort.map_or(0, PracticeSort::to_proto),
        };
        let r = read(
            ctx,
            "SearchPractices",
            message,
            |mut client, request| async move { client.search_practices(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner();
        if r.cursors.len() != r.practices.len() {
            return Err(error::internal(
                "SearchPractices returned a cursor count unlike its practice count",
            ));
        }
        let loaders = ResearchLoaders::new(ctx)?;
        let facets = r.facets.unwrap_or_default();
        let plain = |v: Vec<pb::FacetCount>| {
            v.into_iter()
                .map(|c| FacetCount {
                    value: c.value,
                    count: total(c.count),
                })
                .collect()
        };
        Ok(PracticeConnection {
            page_info: page_info(r.page_info, &r.cursors),
            total_count: total(r.total_count),
            facets: PracticeFacets {
                areas: facets
                    .areas
                    .into_iter()
                    .map(|c| AreaFacet(c, loaders.clone()))
                    .collect(),
                countries: plain(facets.countries),
                years: plain(facets.years),
                languages: plain(facets.languages),
            },
            edges: r
                .practices
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| PracticeEdge {
                    cursor,
                    node: Practice(node, loaders.clone()),
                })
                .collect(),
        })
    }

    /// One practice (or one earlier `version` of it). A withdrawn practice still answers,
    /// as a tombstone; one the caller may not see is NOT_FOUND.
    async fn practice(&self, ctx: &Context<'_>, id: ID, version: Option<i32>) -> Result<Practice> {
        let p = read(
            ctx,
            "GetPractice",
            pb::GetPracticeRequest {
                id: id.0,
                version: version.unwrap_or(0),
            },
            |mut client, request| async move { client.get_practice(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// The research-area vocabulary, in order.
    async fn research_areas(&self, ctx: &Context<'_>) -> Result<Vec<ResearchArea>> {
        let r = read(
            ctx,
            "ListAreas",
            pb::ListAreasRequest {},
            |mut client, request| async move { client.list_areas(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner();
        Ok(r.areas.into_iter().map(ResearchArea).collect())
    }

    /// Partner organisations the caller may see, in the order they were added.
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganisationFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<OrganisationConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListOrganisationsRequest {
            kinds: f
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(OrganisationKind::to_proto)
                .collect(),
            country: f.country.unwrap_or_default(),
            name_contains: f.name_contains.unwrap_or_default(),
            page: page(first, after)?,
        };
        let r = read(
            ctx,
            "ListOrganisations",
            message,
            |mut client, request| async move { client.list_organisations(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner();
        let loaders = ResearchLoaders::new(ctx)?;
        Ok(OrganisationConnection {
            page_info: page_info(r.page_info, &r.cursors),
            total_count: total(r.total_count),
            edges: r
                .organisations
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| OrganisationEdge {
                    cursor,
                    node: Organisation(node, loaders.clone()),
                })
                .collect(),
        })
    }

    /// One organisation the caller may see (null otherwise).
    async fn organisation(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Organisation>> {
        let loaders = ResearchLoaders::new(ctx)?;
        load_organisation(&loaders, &id.0).await
    }

    /// Relationships between Korean and foreign local governments the caller may see.
    async fn relationships(
        &self,
        ctx: &Context<'_>,
        filter: Option<RelationshipFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<RelationshipConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListRelationshipsRequest {
            local_government_code: f.local_government_code.unwrap_or_default(),
            partner_organisation_id: f.partner_organisation_id.map(|i| i.0).unwrap_or_default(),
            kinds: f
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(RelationshipKind::to_proto)
                .collect(),
            statuses: f
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(RelationshipStatus::to_proto)
                .collect(),
            page: page(first, after)?,
        };
        let r = read(
            ctx,
            "ListRelationships",
            message,
            |mut client, request| async move { client.list_relationships(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner();
        let loaders = ResearchLoaders::new(ctx)?;
        Ok(RelationshipConnection {
            page_info: page_info(r.page_info, &r.cursors),
            total_count: total(r.total_count),
            edges: r
                .relationships
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| RelationshipEdge {
                    cursor,
                    node: Relationship(node, loaders.clone()),
                })
                .collect(),
        })
    }

    /// Opportunities the caller may see, newest first.
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        filter: Option<OpportunityFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<OpportunityConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListOpportunitiesRequest {
            statuses: f
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(OpportunityStatus::to_proto)
                .collect(),
            area_code: f.area_code.unwrap_or_default(),
            page: page(first, after)?,
        };
        let r = read(
            ctx,
            "ListOpportunities",
            message,
            |mut client, request| async move { client.list_opportunities(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner();
        let loaders = ResearchLoaders::new(ctx)?;
        Ok(OpportunityConnection {
            page_info: page_info(r.page_info, &r.cursors),
            total_count: total(r.total_count),
            edges: r
                .opportunities
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| OpportunityEdge {
                    cursor,
                    node: Opportunity(node, loaders.clone()),
                })
                .collect(),
        })
    }
}

/// Research mutations (POST only).
#[derive(Default)]
pub struct ResearchMutation;

fn date_string(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

#[Object]
impl ResearchMutation {
    /// Drafts a practice (bureau staff). Idempotent per key.
    async fn draft_practice(
        &self,
        ctx: &Context<'_>,
        input: DraftPracticeInput,
    ) -> Result<Practice> {
        let message = pb::DraftPracticeRequest {
            idempotency_key: input.idempotency_key,
            content: Some(input.content.into_proto()?),
        };
        let (mut client, request) = call(ctx, message)?;
        let p = client
            .draft_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Edits a practice (bureau staff): a draft in place, a published one into a new version.
    async fn update_practice(
        &self,
        ctx: &Context<'_>,
        input: UpdatePracticeInput,
    ) -> Result<Practice> {
        let message = pb::UpdatePracticeRequest {
            id: input.id.0,
            revision: i64::from(input.revision),
            content: Some(input.content.into_proto()?),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        let p = client
            .update_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Sends a draft to review.
    async fn submit_practice(
        &self,
        ctx: &Context<'_>,
        input: PracticeTransitionInput,
    ) -> Result<Practice> {
        let (mut client, request) = call(
            ctx,
            pb::SubmitPracticeRequest {
                id: input.id.0,
                revision: i64::from(input.revision),
            },
        )?;
        let p = client
            .submit_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Approves a practice in review, or sends it back with a note (not by its author).
    async fn review_practice(
        &self,
        ctx: &Context<'_>,
        input: ReviewPracticeInput,
    ) -> Result<Practice> {
        let message = pb::ReviewPracticeRequest {
            id: input.id.0,
            revision: i64::from(input.revision),
            approve: input.approve,
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        let p = client
            .review_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Publishes an approved practice.
    async fn publish_practice(
        &self,
        ctx: &Context<'_>,
        input: PracticeTransitionInput,
    ) -> Result<Practice> {
        let (mut client, request) = call(
            ctx,
            pb::PublishPracticeRequest {
                id: input.id.0,
                revision: i64::from(input.revision),
            },
        )?;
        let p = client
            .publish_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Withdraws a practice, with a reason; its id keeps answering with a tombstone.
    async fn withdraw_practice(
        &self,
        ctx: &Context<'_>,
        input: WithdrawPracticeInput,
    ) -> Result<Practice> {
        let message = pb::WithdrawPracticeRequest {
            id: input.id.0,
            revision: i64::from(input.revision),
            reason: input.reason,
        };
        let (mut client, request) = call(ctx, message)?;
        let p = client
            .withdraw_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// Adds a concept to the area vocabulary (bureau admin).
    async fn create_research_area(
        &self,
        ctx: &Context<'_>,
        input: CreateResearchAreaInput,
    ) -> Result<ResearchArea> {
        let message = pb::CreateAreaRequest {
            code: input.code,
            label: Some(input.label.into_proto()),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(ResearchArea(
            client
                .create_area(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Deletes a concept nothing uses (bureau admin); CONFLICT when in use.
    async fn delete_research_area(&self, ctx: &Context<'_>, code: String) -> Result<bool> {
        let (mut client, request) = call(ctx, pb::DeleteAreaRequest { code })?;
        client.delete_area(request).await.map_err(error::remote)?;
        Ok(true)
    }

    /// Adds a partner organisation with its contacts (bureau staff). Idempotent per key.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganisationInput,
    ) -> Result<Organisation> {
        let message = pb::CreateOrganisationRequest {
            idempotency_key: input.idempotency_key,
            kind: input.kind.to_proto(),
            name: Some(input.name.into_proto()),
            original_language: lang_code(input.original_language).to_owned(),
            country: input.country,
            city: input.city.unwrap_or_default(),
            languages: input.languages.unwrap_or_default(),
            website: input.website.unwrap_or_default(),
            description: text_in(input.description),
            public: input.public,
            contacts: input
                .contacts
                .unwrap_or_default()
                .into_iter()
                .map(ContactInput::into_proto)
                .collect(),
        };
        let (mut client, request) = call(ctx, message)?;
        let o = client
            .create_organisation(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Organisation(o, ResearchLoaders::new(ctx)?))
    }

    /// Adds a contact to an organisation (bureau staff).
    async fn add_contact(&self, ctx: &Context<'_>, input: AddContactInput) -> Result<Organisation> {
        let message = pb::AddContactRequest {
            organisation_id: input.organisation_id.0,
            contact: Some(input.contact.into_proto()),
        };
        let (mut client, request) = call(ctx, message)?;
        let o = client
            .add_contact(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Organisation(o, ResearchLoaders::new(ctx)?))
    }

    /// Records a relationship (bureau staff). One live relationship of a kind per pair.
    async fn create_relationship(
        &self,
        ctx: &Context<'_>,
        input: CreateRelationshipInput,
    ) -> Result<Relationship> {
        let message = pb::CreateRelationshipRequest {
            idempotency_key: input.idempotency_key,
            kind: input.kind.to_proto(),
            local_government_code: input.local_government_code,
            partner_organisation_id: input.partner_organisation_id.0,
            status: input.status.map_or(0, RelationshipStatus::to_proto),
            signed_on: date_string(input.signed_on),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        let r = client
            .create_relationship(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Relationship(r, ResearchLoaders::new(ctx)?))
    }

    /// Moves a relationship to another status (bureau staff).
    async fn set_relationship_status(
        &self,
        ctx: &Context<'_>,
        input: SetRelationshipStatusInput,
    ) -> Result<Relationship> {
        let message = pb::SetRelationshipStatusRequest {
            id: input.id.0,
            revision: i64::from(input.revision),
            status: input.status.to_proto(),
            on: date_string(input.on),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        let r = client
            .set_relationship_status(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Relationship(r, ResearchLoaders::new(ctx)?))
    }

    /// Records a meeting, visit or exchange (bureau staff, or officials of the Korean local
    /// government). Idempotent per key.
    async fn record_interaction(
        &self,
        ctx: &Context<'_>,
        input: RecordInteractionInput,
    ) -> Result<Interaction> {
        let message = pb::RecordInteractionRequest {
            idempotency_key: input.idempotency_key,
            relationship_id: input.relationship_id.0,
            kind: input.kind.to_proto(),
            occurred_on: input.occurred_on.to_string(),
            summary: input.summary,
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(Interaction(
            client
                .record_interaction(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Proposes an international project (any signed-in caller); bureau staff screen it.
    async fn propose_opportunity(
        &self,
        ctx: &Context<'_>,
        input: ProposeOpportunityInput,
    ) -> Result<Opportunity> {
        let message = pb::ProposeOpportunityRequest {
            idempotency_key: input.idempotency_key,
            title: Some(input.title.into_proto()),
            description: text_in(input.description),
            original_language: lang_code(input.original_language).to_owned(),
            area_codes: input.area_codes,
            countries: input.countries.unwrap_or_default(),
            organisation_id: input.organisation_id.map(|i| i.0).unwrap_or_default(),
            deadline: date_string(input.deadline),
        };
        let (mut client, request) = call(ctx, message)?;
        let o = client
            .propose_opportunity(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Opportunity(o, ResearchLoaders::new(ctx)?))
    }

    /// Moves an opportunity to another status (bureau staff).
    async fn set_opportunity_status(
        &self,
        ctx: &Context<'_>,
        input: SetOpportunityStatusInput,
    ) -> Result<Opportunity> {
        let message = pb::SetOpportunityStatusRequest {
            id: input.id.0,
            revision: i64::from(input.revision),
            status: input.status.to_proto(),
        };
        let (mut client, request) = call(ctx, message)?;
        let o = client
            .set_opportunity_status(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Opportunity(o, ResearchLoaders::new(ctx)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_is_asked_then_original_then_korean_then_english() {
        let t = |ko: &str, en: &str, zh: &str, ja: &str| LocalizedText {
            ko: ko.into(),
            en: en.into(),
            zh: zh.into(),
            ja: ja.into(),
        };
        let all = t("교통", "Transport", "交通", "交通機関");
        assert_eq!(pick_original(Some(&all), Language::Ja, "zh"), "交通機関");
        assert_eq!(
            pick_original(
                Some(&t("교통", "Transport", "交通", "")),
                Language::Ja,
                "zh"
            ),
            "交通"
        );
        assert_eq!(
            pick_original(Some(&t("교통", "Transport", "", "")), Language::Ja, "zh"),
            "교통"
        );
        assert_eq!(
            pick_original(Some(&t("", "Transport", "", "")), Language::Ja, "zh"),
            "Transport"
        );
        assert_eq!(
            pick_original(Some(&t("", "", "", "")), Language::Ko, "en"),
            ""
        );
        assert_eq!(pick_original(None, Language::Ko, "en"), "");
    }
}
