//! The research domain: the best-practice library (search with facets, versions,
//! tombstones, the review workflow), the area vocabulary, and the partner network
//! (organisations, relationships with their interaction log, opportunities, and the
//! exchange projects grown from them, in `projects`).
//!
//! Localized fields take `lang` and fall back: asked language → the original language →
//! Korean → English → any. `revision` is the optimistic-concurrency token every change
//! quotes; `version` numbers the content versions of a practice.

use std::sync::Arc;

use crate::schema::scalars::DateTime;
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use glocal_proto::common::v1::{LocalizedText, PageRequest};
use glocal_proto::research::v1 as pb;

use super::common::PageInfo;
use super::common::{datetime, non_empty};
use super::directory::{LocalGovernment, load_local_government};
use super::language::{self, Language};
use super::scalars::Date;
use crate::upstream::error;
use crate::upstream::loaders::research::ResearchLoaders;
use crate::upstream::{Research, call, read};

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

mod mutation;
mod network;
mod query;
#[cfg(test)]
mod tests;

pub use network::*;

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
    /// Where a partner's proposed profile change stands.
    OrganisationProfileChangeStatus, pb::ProfileChangeStatus {
        /// Waiting for bureau staff; the public sees the approved profile meanwhile.
        Pending,
        /// Applied to the organisation.
        Approved,
        /// Not applied; `reason` says why.
        Rejected,
    }
);

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

mod projects;
pub use projects::*;

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
        .areas()
        .load_one(code.to_owned())
        .await?
        .map(ResearchArea))
}

/// The concepts of `codes` the vocabulary has, in the order asked (one `ListAreas` per
/// batch).
pub(crate) async fn load_areas(
    loaders: &ResearchLoaders,
    codes: &[String],
) -> Result<Vec<ResearchArea>> {
    let found = loaders.areas().load_many(codes.iter().cloned()).await?;
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
        .organisations()
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
    async fn from(&self) -> Result<Option<PracticeState>> {
        if self.0.from_state == pb::PracticeState::Unspecified as i32 {
            return Ok(None);
        }
        PracticeState::from_proto(self.0.from_state).map(Some)
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
    async fn at(&self) -> Option<DateTime> {
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
    pub created_at: Option<DateTime>,
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
    #[graphql(inaccessible)]
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
    /// Reports uploaded to the practice, oldest first (`attachments` is metadata recorded
    /// with the content, without the bytes), for whoever may read it in full (none on a
    /// tombstone), each with a short-lived download link. Portal only.
    #[graphql(inaccessible)]
    async fn files(&self, ctx: &Context<'_>) -> Result<Vec<crate::schema::files::AttachedFile>> {
        crate::schema::files::practice_files(ctx, &self.0.id).await
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
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }
    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime> {
        datetime(self.0.updated_at.as_ref())
    }
    /// Last published.
    async fn published_at(&self) -> Option<DateTime> {
        datetime(self.0.published_at.as_ref())
    }
    /// Withdrawn.
    async fn withdrawn_at(&self) -> Option<DateTime> {
        datetime(self.0.withdrawn_at.as_ref())
    }
    /// Why it was withdrawn.
    async fn withdrawal_reason(&self) -> Option<&str> {
        non_empty(&self.0.withdrawal_reason)
    }
    /// Where it was drafted from, e.g. `training-trip-report:<id>` for a trip report
    /// published as a practice (ADR 0052).
    #[graphql(inaccessible)]
    async fn origin(&self) -> Option<&str> {
        non_empty(&self.0.origin)
    }
    /// Audit trail (bureau staff, on `practice(id)`).
    #[graphql(inaccessible)]
    async fn history(&self) -> Vec<PracticeHistoryEntry> {
        self.0
            .history
            .iter()
            .cloned()
            .map(PracticeHistoryEntry)
            .collect()
    }
    /// Every content version (on `practice(id)`).
    #[graphql(inaccessible)]
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
    /// Per language (a practice in two languages counts in both), as `Practice.languages`.
    pub languages: Vec<LanguageFacet>,
}

/// A language and how many results are in it.
#[derive(SimpleObject)]
pub struct LanguageFacet {
    /// The language.
    pub value: Language,
    /// Matches in it.
    pub count: i32,
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
    /// The filter as the research service takes it (also the exports').
    pub(crate) fn into_proto(self) -> pb::PracticeFilter {
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
    pub(crate) fn into_proto(self) -> LocalizedText {
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

/// Research queries.
#[derive(Default)]
pub struct ResearchQuery;

/// Research mutations (POST only).
#[derive(Default)]
pub struct ResearchMutation;

fn date_string(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}
