//! Overseas training's itinerary and trip reports (ADR 0052): `ProgrammeEdition.itinerary`
//! and `tripReports`, the visit and report types, and their mutations. Thin: the training
//! service (`ItineraryService`) holds every rule. The gateway's part is the cross-service
//! links: each organisation, practice and research area a visit or report names is checked
//! against the research service through the request's loaders before training is called
//! (BAD_USER_INPUT with `extensions.reason` `UNKNOWN_ORGANISATION`, `UNKNOWN_PRACTICE` or
//! `UNKNOWN_RESEARCH_AREA`; nothing is written), and a visit's organisations and practices
//! resolve through the same loaders, so a page costs one `BatchGetOrganisations` and one
//! `BatchGetPractices` whatever its size. `publishTripReportAsPractice` drives the
//! publication: training prepares the practice, research drafts it (one practice per
//! origin, so a retry never makes two), training records it.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::ErrorExtensions;
use glocal_kit::i18n::Message;
use glocal_proto::research::v1 as rpb;

use super::*;
use crate::schema::research::{Organisation, Practice, load_areas};
use crate::upstream::loaders::research::ResearchLoaders;
use crate::upstream::{Research, TrainingItinerary};

proto_enum!(
    /// Where a trip report is: DRAFT → SUBMITTED → PUBLISHED_AS_PRACTICE.
    TripReportState, pb::TripReportState, "TRIP_REPORT_STATE_" {
        /// Being written; its author and the edition's managers may change it.
        Draft,
        /// Done; the edition's managers may publish it as a practice.
        Submitted,
        /// A practice draft was made from it in the library of best practices.
        PublishedAsPractice,
    }
);

/// The itinerary of the edition `id` as the caller may see it (`None`: they may not), from
/// the request's one `BatchGetItineraries`.
async fn itinerary_of(ctx: &Context<'_>, id: &str) -> Result<Option<pb::Itinerary>> {
    Ok(TrainingLoaders::new(ctx)?
        .itineraries()
        .load_one(id.to_owned())
        .await?
        .filter(|i| i.visible))
}

/// `ProgrammeEdition.itinerary`.
pub(super) async fn visits(
    ctx: &Context<'_>,
    edition: &str,
) -> Result<Option<Vec<ItineraryVisit>>> {
    let Some(it) = itinerary_of(ctx, edition).await? else {
        return Ok(None);
    };
    let loaders = ResearchLoaders::new(ctx)?;
    Ok(Some(
        it.visits
            .into_iter()
            .map(|v| ItineraryVisit(v, loaders.clone()))
            .collect(),
    ))
}

/// `ProgrammeEdition.tripReports`.
pub(super) async fn reports(ctx: &Context<'_>, edition: &str) -> Result<Option<Vec<TripReport>>> {
    let Some(it) = itinerary_of(ctx, edition).await? else {
        return Ok(None);
    };
    let loaders = ResearchLoaders::new(ctx)?;
    Ok(Some(
        it.reports
            .into_iter()
            .map(|r| TripReport(r, loaders.clone()))
            .collect(),
    ))
}

/// A visit of an overseas training itinerary.
pub struct ItineraryVisit(pub(crate) pb::Visit, Arc<ResearchLoaders>);

/// A visit of an overseas training edition's itinerary: where and when, the partner
/// organisations visited and the best practices benchmarked there.
#[Object]
impl ItineraryVisit {
    /// Visit id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The edition.
    async fn edition_id(&self) -> ID {
        ID(self.0.edition_id.clone())
    }
    /// The day (within the edition's dates).
    async fn day(&self) -> Option<Date> {
        date(&self.0.day)
    }
    /// Local time `HH:MM`, when fixed.
    async fn time(&self) -> Option<&str> {
        non_empty(&self.0.time)
    }
    /// City.
    async fn city(&self) -> &str {
        &self.0.city
    }
    /// Country (ISO 3166-1 alpha-2).
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// The partner organisations visited, as the caller may see them (one
    /// `BatchGetOrganisations` for the whole response).
    async fn organisations(&self) -> Result<Vec<Organisation>> {
        let ids = &self.0.organisation_ids;
        let found = self
            .1
            .organisations()
            .load_many(ids.iter().cloned())
            .await?;
        Ok(ids
            .iter()
            .filter_map(|i| found.get(i).cloned())
            .map(|o| Organisation(o, self.1.clone()))
            .collect())
    }
    /// Their ids.
    async fn organisation_ids(&self) -> Vec<ID> {
        self.0.organisation_ids.iter().cloned().map(ID).collect()
    }
    /// The best practices benchmarked, as the caller may see them (one `BatchGetPractices`
    /// for the whole response).
    async fn practices(&self) -> Result<Vec<Practice>> {
        let ids = &self.0.practice_ids;
        let found = self.1.practices().load_many(ids.iter().cloned()).await?;
        Ok(ids
            .iter()
            .filter_map(|i| found.get(i).cloned())
            .map(|p| Practice(p, self.1.clone()))
            .collect())
    }
    /// Their ids.
    async fn practice_ids(&self) -> Vec<ID> {
        self.0.practice_ids.iter().cloned().map(ID).collect()
    }
    /// Why the visit is made.
    async fn purpose(&self) -> &str {
        &self.0.purpose
    }
    /// Optimistic-concurrency version: pass it to `changeItineraryVisit` and
    /// `removeItineraryVisit`.
    async fn version(&self) -> Result<i32> {
        version_out(self.0.version)
    }
}

/// A trip report about one visit.
pub struct TripReport(pub(crate) pb::TripReport, Arc<ResearchLoaders>);

/// What participants or staff learnt on a visit, in the bureau's languages; once submitted,
/// the edition's managers may publish it as a new practice draft.
#[Object]
impl TripReport {
    /// Report id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The edition.
    async fn edition_id(&self) -> ID {
        ID(self.0.edition_id.clone())
    }
    /// The visit it is about.
    async fn visit_id(&self) -> ID {
        ID(self.0.visit_id.clone())
    }
    /// Title in `lang`, with the usual fallback.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.title.as_ref(), language::effective(ctx, lang))
    }
    /// Summary in `lang`, with the usual fallback.
    async fn summary(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.summary.as_ref(), language::effective(ctx, lang))
    }
    /// Findings in `lang`, with the usual fallback.
    async fn findings(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.findings.as_ref(), language::effective(ctx, lang))
    }
    /// The language it was written in (ISO 639-1).
    async fn original_language(&self) -> &str {
        &self.0.original_language
    }
    /// Research area code of the practice it would become.
    async fn area_code(&self) -> &str {
        &self.0.area_code
    }
    /// Where it is.
    async fn state(&self) -> Result<TripReportState> {
        TripReportState::from_proto_or_internal(self.0.state)
    }
    /// Who wrote it.
    async fn author_name(&self) -> &str {
        &self.0.author_name
    }
    /// The practice it became (PUBLISHED_AS_PRACTICE).
    async fn practice_id(&self) -> Option<ID> {
        non_empty(&self.0.practice_id).map(|p| ID(p.to_owned()))
    }
    /// That practice, as the caller may see it.
    async fn practice(&self) -> Result<Option<Practice>> {
        if self.0.practice_id.is_empty() {
            return Ok(None);
        }
        Ok(self
            .1
            .practices()
            .load_one(self.0.practice_id.clone())
            .await?
            .map(|p| Practice(p, self.1.clone())))
    }
    /// Optimistic-concurrency version.
    async fn version(&self) -> Result<i32> {
        version_out(self.0.version)
    }
    /// Written.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }
    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime> {
        datetime(self.0.updated_at.as_ref())
    }
}

// ---- inputs -------------------------------------------------------------------------------

/// Adds a visit to an overseas training edition's itinerary (its managers).
#[derive(InputObject)]
pub struct AddItineraryVisitInput {
    /// A retry with the same key returns the same visit.
    pub idempotency_key: String,
    /// The edition (of an OVERSEAS_TRAINING programme).
    pub edition_id: ID,
    /// The day, within the edition's dates.
    pub day: Date,
    /// Local time `HH:MM`.
    pub time: Option<String>,
    /// City.
    pub city: String,
    /// Country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Partner organisations visited (1 to 10, research's ids).
    pub organisation_ids: Vec<ID>,
    /// Best practices benchmarked (up to 20, research's ids).
    #[graphql(default)]
    pub practice_ids: Vec<ID>,
    /// Why.
    #[graphql(default)]
    pub purpose: String,
}

/// Changes a visit (the edition's managers), quoting its version.
#[derive(InputObject)]
pub struct ChangeItineraryVisitInput {
    /// Visit id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// The day, within the edition's dates.
    pub day: Date,
    /// Local time `HH:MM`.
    pub time: Option<String>,
    /// City.
    pub city: String,
    /// Country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Partner organisations visited.
    pub organisation_ids: Vec<ID>,
    /// Best practices benchmarked.
    #[graphql(default)]
    pub practice_ids: Vec<ID>,
    /// Why.
    #[graphql(default)]
    pub purpose: String,
}

/// Removes a visit no trip report is about (the edition's managers).
#[derive(InputObject)]
pub struct RemoveItineraryVisitInput {
    /// Visit id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
}

/// The text of a trip report.
#[derive(InputObject)]
pub struct TripReportTextInput {
    /// Title (required in the original language).
    pub title: TrainingTextInput,
    /// Summary.
    #[graphql(default)]
    pub summary: TrainingTextInput,
    /// Findings.
    #[graphql(default)]
    pub findings: TrainingTextInput,
    /// The language it is written in.
    pub original_language: Language,
    /// A research area code, e.g. `urban_regeneration`.
    pub area_code: String,
}

/// Writes a DRAFT trip report about a visit (the edition's managers or accepted
/// participants).
#[derive(InputObject)]
pub struct WriteTripReportInput {
    /// A retry with the same key returns the same report.
    pub idempotency_key: String,
    /// The visit it is about.
    pub visit_id: ID,
    /// Its text.
    pub report: TripReportTextInput,
}

/// Changes a DRAFT trip report (its author or the edition's managers).
#[derive(InputObject)]
pub struct UpdateTripReportInput {
    /// Report id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// Its new text.
    pub report: TripReportTextInput,
}

/// Moves a trip report on, quoting its version: submitting (its author or the edition's
/// managers) or publishing as a practice (the edition's managers).
#[derive(InputObject)]
pub struct TripReportVersionInput {
    /// Report id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
}

fn lang_code(l: Language) -> &'static str {
    match l {
        Language::Ko => "ko",
        Language::En => "en",
        Language::Zh => "zh",
        Language::Ja => "ja",
    }
}

fn report_in(r: TripReportTextInput) -> pb::TripReportInput {
    pb::TripReportInput {
        title: Some(r.title.into_proto()),
        summary: Some(r.summary.into_proto()),
        findings: Some(r.findings.into_proto()),
        original_language: lang_code(r.original_language).to_owned(),
        area_code: r.area_code,
    }
}

// ---- cross-service checks -------------------------------------------------------------------

/// Refuses the first of `ids` the loaded map lacks: BAD_USER_INPUT on `field[i]` with the
/// catalogue message `said_key` and the stable `reason`.
fn first_unknown<T>(
    ids: &[String],
    found: &HashMap<String, T>,
    field: &str,
    said_key: &str,
    reason: &'static str,
) -> Result<()> {
    match ids
        .iter()
        .enumerate()
        .find(|(_, id)| !found.contains_key(*id))
    {
        None => Ok(()),
        Some((i, id)) => {
            let said = Message::new(said_key).arg("id", id.as_str());
            Err(error::bad_input_said(&said, &format!("{field}[{i}]"))
                .extend_with(|_, ext| ext.set("reason", reason)))
        }
    }
}

/// Every organisation and practice of a visit exists in the research service (as the
/// caller may see it), else BAD_USER_INPUT `UNKNOWN_ORGANISATION` on `organisationIds[i]`
/// or `UNKNOWN_PRACTICE` on `practiceIds[i]`, before anything is written. Lists over the
/// service's limits are left for it to refuse.
async fn known_links(
    ctx: &Context<'_>,
    organisations: &[ID],
    practices: &[ID],
) -> Result<(Vec<String>, Vec<String>)> {
    let trim = |ids: &[ID]| -> Vec<String> { ids.iter().map(|i| i.0.trim().to_owned()).collect() };
    let (organisations, practices) = (trim(organisations), trim(practices));
    let loaders = ResearchLoaders::new(ctx)?;
    if !organisations.is_empty() && organisations.len() <= 10 {
        let found = loaders
            .organisations()
            .load_many(organisations.iter().cloned())
            .await?;
        first_unknown(
            &organisations,
            &found,
            "organisationIds",
            "input-project-unknown-organisation",
            "UNKNOWN_ORGANISATION",
        )?;
    }
    if !practices.is_empty() && practices.len() <= 20 {
        let found = loaders
            .practices()
            .load_many(practices.iter().cloned())
            .await?;
        first_unknown(
            &practices,
            &found,
            "practiceIds",
            "input-practice-unknown",
            "UNKNOWN_PRACTICE",
        )?;
    }
    Ok((organisations, practices))
}

/// The research area of a report exists, else BAD_USER_INPUT `UNKNOWN_RESEARCH_AREA` on
/// `report.areaCode`.
async fn known_area(ctx: &Context<'_>, code: &str) -> Result<()> {
    let code = code.trim().to_owned();
    if code.is_empty() {
        // The service says it is required.
        return Ok(());
    }
    let found = load_areas(&*ResearchLoaders::new(ctx)?, std::slice::from_ref(&code)).await?;
    if found.is_empty() {
        let said = Message::new("input-research-area-unknown").arg("code", code.as_str());
        return Err(error::bad_input_said(&said, "report.areaCode")
            .extend_with(|_, ext| ext.set("reason", "UNKNOWN_RESEARCH_AREA")));
    }
    Ok(())
}

// ---- mutations ------------------------------------------------------------------------------

/// Itinerary and trip-report mutations (POST only).
#[derive(Default)]
pub struct ItineraryMutation;

#[Object]
impl ItineraryMutation {
    /// Adds a visit to the itinerary of an overseas training edition (its managers). An
    /// edition of another programme is CONFLICT `NOT_OVERSEAS_TRAINING`; a day outside its
    /// dates BAD_USER_INPUT on `day`; an unknown organisation or practice BAD_USER_INPUT
    /// `UNKNOWN_ORGANISATION` / `UNKNOWN_PRACTICE`. Idempotent per key.
    async fn add_itinerary_visit(
        &self,
        ctx: &Context<'_>,
        input: AddItineraryVisitInput,
    ) -> Result<ItineraryVisit> {
        let (organisation_ids, practice_ids) =
            known_links(ctx, &input.organisation_ids, &input.practice_ids).await?;
        let message = pb::AddVisitRequest {
            idempotency_key: input.idempotency_key,
            edition_id: input.edition_id.0,
            visit: Some(pb::VisitInput {
                day: input.day.to_string(),
                time: input.time.unwrap_or_default(),
                city: input.city,
                country: input.country,
                organisation_ids,
                practice_ids,
                purpose: input.purpose,
            }),
        };
        let (mut client, request) = call(ctx, TrainingItinerary, message)?;
        let v = client
            .add_visit(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(ItineraryVisit(v, ResearchLoaders::new(ctx)?))
    }

    /// Changes a visit (the edition's managers), quoting its version; the same checks as
    /// `addItineraryVisit`.
    async fn change_itinerary_visit(
        &self,
        ctx: &Context<'_>,
        input: ChangeItineraryVisitInput,
    ) -> Result<ItineraryVisit> {
        let (organisation_ids, practice_ids) =
            known_links(ctx, &input.organisation_ids, &input.practice_ids).await?;
        let message = pb::ChangeVisitRequest {
            id: input.id.0,
            version: i64::from(input.version),
            visit: Some(pb::VisitInput {
                day: input.day.to_string(),
                time: input.time.unwrap_or_default(),
                city: input.city,
                country: input.country,
                organisation_ids,
                practice_ids,
                purpose: input.purpose,
            }),
        };
        let (mut client, request) = call(ctx, TrainingItinerary, message)?;
        let v = client
            .change_visit(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(ItineraryVisit(v, ResearchLoaders::new(ctx)?))
    }

    /// Removes a visit (the edition's managers), quoting its version; one a trip report is
    /// about stays (CONFLICT `VISIT_HAS_REPORTS`). Answers the removed visit's id.
    async fn remove_itinerary_visit(
        &self,
        ctx: &Context<'_>,
        input: RemoveItineraryVisitInput,
    ) -> Result<ID> {
        let message = pb::RemoveVisitRequest {
            id: input.id.0.clone(),
            version: i64::from(input.version),
        };
        let (mut client, request) = call(ctx, TrainingItinerary, message)?;
        client.remove_visit(request).await.map_err(error::remote)?;
        Ok(input.id)
    }

    /// Writes a DRAFT trip report about a visit (the edition's managers or accepted
    /// participants). An unknown research area is BAD_USER_INPUT `UNKNOWN_RESEARCH_AREA`.
    /// Idempotent per key.
    async fn write_trip_report(
        &self,
        ctx: &Context<'_>,
        input: WriteTripReportInput,
    ) -> Result<TripReport> {
        known_area(ctx, &input.report.area_code).await?;
        let message = pb::WriteTripReportRequest {
            idempotency_key: input.idempotency_key,
            visit_id: input.visit_id.0,
            report: Some(report_in(input.report)),
        };
        let (mut client, request) = call(ctx, TrainingItinerary, message)?;
        let r = client
            .write_trip_report(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(TripReport(r, ResearchLoaders::new(ctx)?))
    }

    /// Changes a DRAFT trip report (its author or the edition's managers), quoting its
    /// version.
    async fn update_trip_report(
        &self,
        ctx: &Context<'_>,
        input: UpdateTripReportInput,
    ) -> Result<TripReport> {
        known_area(ctx, &input.report.area_code).await?;
        let message = pb::UpdateTripReportRequest {
            id: input.id.0,
            version: i64::from(input.version),
            report: Some(report_in(input.report)),
        };
        let (mut client, request) = call(ctx, TrainingItinerary, message)?;
        let r = client
            .update_trip_report(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(TripReport(r, ResearchLoaders::new(ctx)?))
    }

    /// Submits a DRAFT trip report (its author or the edition's managers), quoting its
    /// version.
    async fn submit_trip_report(
        &self,
        ctx: &Context<'_>,
        input: TripReportVersionInput,
    ) -> Result<TripReport> {
        let message = pb::SubmitTripReportRequest {
            id: input.id.0,
            version: i64::from(input.version),
        };
        let (mut client, request) = call(ctx, TrainingItinerary, message)?;
        let r = client
            .submit_trip_report(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(TripReport(r, ResearchLoaders::new(ctx)?))
    }

    /// Publishes a SUBMITTED trip report as a new practice DRAFT in the library (the
    /// edition's managers): training prepares the practice from the report and its visit
    /// (title, summary, findings as the body, area, language, the visit's country, city,
    /// year and first organisation as the source), research drafts it under an origin
    /// derived from the report (one practice per origin, whoever retries), training records
    /// the practice on the report (→ PUBLISHED_AS_PRACTICE). If a step fails, calling again
    /// with the same version finishes the publication with the same practice; calling it
    /// on a published report answers the report unchanged.
    async fn publish_trip_report_as_practice(
        &self,
        ctx: &Context<'_>,
        input: TripReportVersionInput,
    ) -> Result<TripReport> {
        let version = i64::from(input.version);
        let message = pb::PrepareTripReportPracticeRequest {
            id: input.id.0.clone(),
            version,
        };
        let (mut client, request) = call(ctx, TrainingItinerary, message)?;
        let prepared = client
            .prepare_trip_report_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        let loaders = ResearchLoaders::new(ctx)?;
        if !prepared.practice_id.is_empty() {
            let report = prepared
                .report
                .ok_or_else(|| error::internal("prepared publication without its report"))?;
            return Ok(TripReport(report, loaders));
        }
        let draft = rpb::DraftPracticeRequest {
            idempotency_key: prepared.origin.clone(),
            origin: prepared.origin,
            content: Some(rpb::PracticeContent {
                title: prepared.title,
                summary: prepared.summary,
                body: prepared.body,
                original_language: prepared.original_language,
                area_code: prepared.area_code,
                country: prepared.country,
                city: prepared.city,
                source_organisation_id: prepared.source_organisation_id,
                year: prepared.year,
                ..Default::default()
            }),
        };
        let (mut research, request) = call(ctx, Research, draft)?;
        let practice = research
            .draft_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        let record = pb::RecordTripReportPracticeRequest {
            id: input.id.0,
            version,
            practice_id: practice.id,
        };
        let (mut client, request) = call(ctx, TrainingItinerary, record)?;
        let report = client
            .record_trip_report_practice(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(TripReport(report, loaders))
    }
}
