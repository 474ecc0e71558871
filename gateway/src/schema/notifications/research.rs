//! Research subscriptions (ADR 0045): the caller's own subscriptions to newly published best
//! practices per research area and language, delivered as notices immediately or as a
//! weekly digest (`myResearchSubscriptions`, `subscribeToResearch`,
//! `updateResearchSubscription`, `unsubscribeFromResearch`). The notifier decides; the
//! gateway resolves the area codes a subscription names through the research service before
//! the notifier records them (cross-service links are the gateway's to check): an unknown one
//! is BAD_USER_INPUT with `extensions.reason` `UNKNOWN_RESEARCH_AREA` on `areaCodes[i]`.

use async_graphql::{Context, Enum, ErrorExtensions, ID, InputObject, Object, Result};
use glocal_proto::notifier::v1 as pb;

use crate::schema::common::datetime;
use crate::schema::language::Language;
use crate::schema::research::{ResearchArea, load_areas};
use crate::schema::scalars::DateTime;
use crate::upstream::loaders::research::ResearchLoaders;
use crate::upstream::{Notifier, call, error, read};

/// How often a research subscription notifies.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResearchSubscriptionFrequency {
    /// A notice (and e-mail) for each matching practice as it is published.
    Immediate,
    /// One digest notice a week (Monday to Sunday, Korean time) listing the week's matching
    /// practices; none for a week without any.
    Weekly,
}

impl ResearchSubscriptionFrequency {
    fn of(name: &str) -> ResearchSubscriptionFrequency {
        match name {
            "IMMEDIATE" => ResearchSubscriptionFrequency::Immediate,
            _ => ResearchSubscriptionFrequency::Weekly,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ResearchSubscriptionFrequency::Immediate => "IMMEDIATE",
            ResearchSubscriptionFrequency::Weekly => "WEEKLY",
        }
    }
}

fn language_code(l: Language) -> &'static str {
    match l {
        Language::Ko => "ko",
        Language::En => "en",
        Language::Zh => "zh",
        Language::Ja => "ja",
    }
}

/// One of the caller's subscriptions to newly published best practices.
pub struct ResearchSubscription(pb::ResearchSubscription);

/// A subscription to newly published best practices of some research areas (or all) in some
/// languages (or all).
#[Object]
impl ResearchSubscription {
    /// Its id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// The research area codes it follows; empty: every area.
    async fn area_codes(&self) -> &[String] {
        &self.0.area_codes
    }

    /// The research areas it follows (an area deleted since is left out); empty: every area.
    async fn areas(&self, ctx: &Context<'_>) -> Result<Vec<ResearchArea>> {
        if self.0.area_codes.is_empty() {
            return Ok(Vec::new());
        }
        load_areas(&*ResearchLoaders::new(ctx)?, &self.0.area_codes).await
    }

    /// Languages a practice has text in (one of them is enough); empty: every language.
    async fn languages(&self) -> Vec<Language> {
        self.0
            .languages
            .iter()
            .filter_map(|l| Language::from_tag(l))
            .collect()
    }

    /// How often it notifies.
    async fn frequency(&self) -> ResearchSubscriptionFrequency {
        ResearchSubscriptionFrequency::of(&self.0.frequency)
    }

    /// When it was made.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }

    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime> {
        datetime(self.0.updated_at.as_ref())
    }
}

/// What a research subscription follows.
#[derive(InputObject)]
pub struct SubscribeToResearchInput {
    /// Research area codes (`researchAreas { code }`); empty or left out: every area.
    #[graphql(default)]
    pub area_codes: Vec<String>,
    /// Languages a practice must have text in (one of them); empty or left out: every
    /// language.
    #[graphql(default)]
    pub languages: Vec<Language>,
    /// How often.
    pub frequency: ResearchSubscriptionFrequency,
}

/// New areas, languages and frequency of one of the caller's research subscriptions.
#[derive(InputObject)]
pub struct UpdateResearchSubscriptionInput {
    /// The subscription's id.
    pub id: ID,
    /// Research area codes; empty or left out: every area.
    #[graphql(default)]
    pub area_codes: Vec<String>,
    /// Languages; empty or left out: every language.
    #[graphql(default)]
    pub languages: Vec<Language>,
    /// How often.
    pub frequency: ResearchSubscriptionFrequency,
}

/// The area codes, each one the research vocabulary has (asked of the research service
/// through the area loader, read through to it in a mutation); the first unknown one is
/// refused and nothing is recorded.
async fn known_areas(ctx: &Context<'_>, codes: Vec<String>) -> Result<Vec<String>> {
    let codes: Vec<String> = codes.into_iter().map(|c| c.trim().to_owned()).collect();
    if codes.is_empty() || codes.len() > 20 {
        // None to check, or too many: the notifier says so.
        return Ok(codes);
    }
    let found = load_areas(&*ResearchLoaders::new(ctx)?, &codes).await?;
    let unknown = codes
        .iter()
        .enumerate()
        .find(|(_, code)| !found.iter().any(|a| a.0.code == **code));
    match unknown {
        None => Ok(codes),
        Some((i, code)) => {
            let said = glocal_kit::i18n::Message::new("input-research-area-unknown")
                .arg("code", code.as_str());
            Err(error::bad_input_said(&said, &format!("areaCodes[{i}]"))
                .extend_with(|_, ext| ext.set("reason", "UNKNOWN_RESEARCH_AREA")))
        }
    }
}

fn languages_in(languages: &[Language]) -> Vec<String> {
    languages
        .iter()
        .map(|l| language_code(*l).to_owned())
        .collect()
}

/// Research subscription queries.
#[derive(Default)]
pub struct ResearchSubscriptionsQuery;

#[Object]
impl ResearchSubscriptionsQuery {
    /// The caller's subscriptions to newly published best practices, oldest first.
    #[graphql(inaccessible)]
    async fn my_research_subscriptions(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<ResearchSubscription>> {
        let r = read(
            ctx,
            Notifier,
            "ListResearchSubscriptions",
            pb::ListResearchSubscriptionsRequest {},
            |mut c, req| async move { c.list_research_subscriptions(req).await },
        )
        .await?
        .into_inner();
        Ok(r.subscriptions
            .into_iter()
            .map(ResearchSubscription)
            .collect())
    }
}

/// Research subscription mutations.
#[derive(Default)]
pub struct ResearchSubscriptionsMutation;

#[Object]
impl ResearchSubscriptionsMutation {
    /// Subscribes the caller (a local official or bureau staff) to newly published best
    /// practices of the areas and languages given, immediately or weekly. An unknown area
    /// is BAD_USER_INPUT (`UNKNOWN_RESEARCH_AREA`); past 10 subscriptions, CONFLICT
    /// (`RESEARCH_SUBSCRIPTION_LIMIT`); partners are FORBIDDEN.
    async fn subscribe_to_research(
        &self,
        ctx: &Context<'_>,
        input: SubscribeToResearchInput,
    ) -> Result<ResearchSubscription> {
        let message = pb::CreateResearchSubscriptionRequest {
            area_codes: known_areas(ctx, input.area_codes).await?,
            languages: languages_in(&input.languages),
            frequency: input.frequency.name().to_owned(),
        };
        let (mut client, request) = call(ctx, Notifier, message)?;
        let r = client
            .create_research_subscription(request)
            .await
            .map_err(error::remote)?;
        Ok(ResearchSubscription(r.into_inner()))
    }

    /// Replaces the areas, languages and frequency of one of the caller's subscriptions
    /// (NOT_FOUND for anyone else's).
    async fn update_research_subscription(
        &self,
        ctx: &Context<'_>,
        input: UpdateResearchSubscriptionInput,
    ) -> Result<ResearchSubscription> {
        let message = pb::UpdateResearchSubscriptionRequest {
            id: input.id.0,
            area_codes: known_areas(ctx, input.area_codes).await?,
            languages: languages_in(&input.languages),
            frequency: input.frequency.name().to_owned(),
        };
        let (mut client, request) = call(ctx, Notifier, message)?;
        let r = client
            .update_research_subscription(request)
            .await
            .map_err(error::remote)?;
        Ok(ResearchSubscription(r.into_inner()))
    }

    /// Ends one of the caller's subscriptions (NOT_FOUND for anyone else's); true when done.
    async fn unsubscribe_from_research(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let (mut client, request) = call(
            ctx,
            Notifier,
            pb::DeleteResearchSubscriptionRequest { id: id.0 },
        )?;
        let r = client
            .delete_research_subscription(request)
            .await
            .map_err(error::remote)?;
        Ok(r.into_inner().deleted)
    }
}
