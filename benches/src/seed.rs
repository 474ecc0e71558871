//! The benchmark data set, made through the services' own gRPC APIs (so every row passed
//! the same rules, audit and outbox as in production), on top of `glocal seed`'s demo data:
//!
//! - research: organisations of the partner network, and best practices written in Korean,
//!   English, Japanese and Chinese (drafted, submitted, approved by another staff member,
//!   published), linked to local governments and organisations;
//! - events: stand-alone forums, published, each with a contribution accepted with links to
//!   two practices (so a page of events reads from the events and the research service);
//! - requests: thousands of service requests of every type, from several officials of every
//!   local government.
//!
//! Calls run with bounded concurrency; any failure stops the seed.

use std::time::Duration;

use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use glocal_proto::common::v1::LocalizedText;
use glocal_proto::events::v1 as ev;
use glocal_proto::requests::v1 as rq;
use glocal_proto::research::v1 as rs;

use crate::grpc::{Caller, channel};

/// Arguments of `seed`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// gRPC URL of the requests service.
    #[arg(long)]
    requests_url: String,
    /// gRPC URL of the events service.
    #[arg(long)]
    events_url: String,
    /// gRPC URL of the research service.
    #[arg(long)]
    research_url: String,
    /// Service requests to submit.
    #[arg(long, default_value_t = 3000)]
    requests: usize,
    /// Practices to publish.
    #[arg(long, default_value_t = 400)]
    practices: usize,
    /// Organisations to create.
    #[arg(long, default_value_t = 40)]
    organisations: usize,
    /// Forums to publish (each with an accepted contribution).
    #[arg(long, default_value_t = 300)]
    events: usize,
    /// Calls in flight.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
}

const TIMEOUT: Duration = Duration::from_secs(30);

fn req<T>(message: T, caller: &Caller) -> tonic::Request<T> {
    crate::grpc::request(message, Some(caller), TIMEOUT)
}

fn staff(subject: &str) -> Caller {
    Caller {
        subject: subject.into(),
        name: "Bench Staff".into(),
        org: "GAOK".into(),
        roles: "bureau_staff",
    }
}

fn official(lg: &str, n: usize) -> Caller {
    Caller {
        subject: format!("bench-official-{lg}-{n}"),
        name: format!("Official {n} ({lg})"),
        org: lg.into(),
        roles: "local_official",
    }
}

const LANGS: [&str; 4] = ["ko", "en", "ja", "zh"];
const COUNTRIES: [&str; 10] = ["JP", "CN", "US", "DE", "FR", "NL", "SE", "SG", "ES", "VN"];

const TOPICS: [[&str; 4]; 8] = [
    ["공공자전거", "public bicycles", "公共自転車", "公共自行车"],
    ["스마트 항만", "smart ports", "スマート港湾", "智慧港口"],
    ["청년 창업", "youth start-ups", "若者の起業", "青年创业"],
    ["고령자 돌봄", "elderly care", "高齢者介護", "老年护理"],
    [
        "탄소 중립",
        "carbon neutrality",
        "カーボンニュートラル",
        "碳中和",
    ],
    ["문화 관광", "cultural tourism", "文化観光", "文化旅游"],
    ["재난 대응", "disaster response", "災害対応", "灾害应对"],
    [
        "다문화 가정",
        "multicultural families",
        "多文化家庭",
        "多元文化家庭",
    ],
];

/// Text in every language.
fn text(topic: &[&str; 4], suffix: &str) -> Option<LocalizedText> {
    Some(LocalizedText {
        ko: format!("{} 사례 {suffix}", topic[0]),
        en: format!("A case of {} {suffix}", topic[1]),
        ja: format!("{}の事例 {suffix}", topic[2]),
        zh: format!("{}案例 {suffix}", topic[3]),
    })
}

/// Text only in `lang` (and English for every other practice).
fn text_in(
    lang: &str,
    topic: &[&str; 4],
    suffix: &str,
    with_english: bool,
) -> Option<LocalizedText> {
    let all = text(topic, suffix).unwrap_or_default();
    let mut out = LocalizedText::default();
    match lang {
        "ko" => out.ko = all.ko,
        "ja" => out.ja = all.ja,
        "zh" => out.zh = all.zh,
        _ => out.en = all.en.clone(),
    }
    if with_english {
        out.en = all.en;
    }
    Some(out)
}

/// Loads the data set.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let requests =
        rq::requests_service_client::RequestsServiceClient::new(channel(&args.requests_url)?);
    let events = ev::events_service_client::EventsServiceClient::new(channel(&args.events_url)?);
    let research =
        rs::research_service_client::ResearchServiceClient::new(channel(&args.research_url)?);
    let started = std::time::Instant::now();
    let author = staff("bench-research-author");
    let reviewer = staff("bench-research-reviewer");

    // The first 14 upper-tier local governments by code (Seoul, Busan, …): the data set's shape
    // (about 214 requests each) stays what it was when the directory held only those, whatever
    // the shipped list of 243 adds.
    let mut lgs: Vec<String> = requests
        .clone()
        .list_local_governments(req(rq::ListLocalGovernmentsRequest {}, &author))
        .await
        .context("ListLocalGovernments")?
        .into_inner()
        .local_governments
        .into_iter()
        .filter(|lg| lg.parent_code.is_empty())
        .map(|lg| lg.code)
        .collect();
    lgs.sort();
    lgs.truncate(14);
    anyhow::ensure!(
        !lgs.is_empty(),
        "no local governments: run `glocal seed` first"
    );
    let areas: Vec<String> = research
        .clone()
        .list_areas(req(rs::ListAreasRequest::default(), &author))
        .await
        .context("ListAreas")?
        .into_inner()
        .areas
        .into_iter()
        .map(|a| a.code)
        .collect();
    anyhow::ensure!(
        !areas.is_empty(),
        "no research areas: run `glocal seed` first"
    );

    // Organisations.
    let orgs: Vec<String> = futures::stream::iter(0..args.organisations)
        .map(|i| {
            let mut client = research.clone();
            let author = author.clone();
            async move {
                let lang = LANGS[i % 4];
                let topic = &TOPICS[i % TOPICS.len()];
                let message = rs::CreateOrganisationRequest {
                    idempotency_key: format!("bench-org-{i}"),
                    kind: (i % 6 + 1) as i32,
                    name: text_in(lang, topic, &format!("network {i}"), true),
                    original_language: lang.into(),
                    country: COUNTRIES[i % COUNTRIES.len()].into(),
                    city: format!("City {i}"),
                    languages: vec![lang.into(), "en".into()],
                    website: format!("https://partner-{i}.example.org"),
                    description: text(topic, "partner"),
                    public: true,
                    contacts: vec![],
                };
                let o = client
                    .create_organisation(req(message, &author))
                    .await
                    .with_context(|| format!("CreateOrganisation {i}"))?;
                anyhow::Ok(o.into_inner().id)
            }
        })
        .buffered(args.concurrency)
        .try_collect()
        .await?;
    eprintln!("seed: {} organisations", orgs.len());

    // Practices, each through the whole workflow.
    let practices: Vec<String> = futures::stream::iter(0..args.practices)
        .map(|i| {
            let mut client = research.clone();
            let (author, reviewer) = (author.clone(), reviewer.clone());
            let (lgs, areas, orgs) = (&lgs, &areas, &orgs);
            async move {
                let lang = LANGS[i % 4];
                let topic = &TOPICS[(i / 4) % TOPICS.len()];
                let domestic = i % 3 == 0;
                let content = rs::PracticeContent {
                    title: text_in(lang, topic, &format!("#{i}"), i % 2 == 0),
                    summary: text_in(lang, topic, "summary", i % 2 == 0),
                    body: text_in(lang, topic, "body of the case study", false),
                    original_language: lang.into(),
                    area_code: areas[i % areas.len()].clone(),
                    country: if domestic {
                        "KR".into()
                    } else {
                        COUNTRIES[i % COUNTRIES.len()].into()
                    },
                    city: format!("City {}", i % 50),
                    local_government_code: if domestic {
                        lgs[i % lgs.len()].clone()
                    } else {
                        String::new()
                    },
                    source_organisation_id: orgs
                        .get(i % orgs.len().max(1))
                        .cloned()
                        .unwrap_or_default(),
                    year: 2010 + (i % 16) as i32,
                    ..Default::default()
                };
                let p = client
                    .draft_practice(req(
                        rs::DraftPracticeRequest {
                            idempotency_key: format!("bench-practice-{i}"),
                            content: Some(content),
                            origin: String::new(),
                        },
                        &author,
                    ))
                    .await
                    .with_context(|| format!("DraftPractice {i}"))?
                    .into_inner();
                let p = client
                    .submit_practice(req(
                        rs::SubmitPracticeRequest {
                            id: p.id,
                            revision: p.revision,
                        },
                        &author,
                    ))
                    .await
                    .context("SubmitPractice")?
                    .into_inner();
                let p = client
                    .review_practice(req(
                        rs::ReviewPracticeRequest {
                            id: p.id,
                            revision: p.revision,
                            approve: true,
                            note: String::new(),
                        },
                        &reviewer,
                    ))
                    .await
                    .context("ReviewPractice")?
                    .into_inner();
                let p = client
                    .publish_practice(req(
                        rs::PublishPracticeRequest {
                            id: p.id,
                            revision: p.revision,
                        },
                        &reviewer,
                    ))
                    .await
                    .context("PublishPractice")?
                    .into_inner();
                anyhow::Ok(p.id)
            }
        })
        .buffered(args.concurrency)
        .try_collect()
        .await?;
    eprintln!("seed: {} practices", practices.len());

    // Forums with an accepted contribution linked to two practices.
    let event_staff = staff("bench-events-staff");
    let n_events = futures::stream::iter(0..args.events)
        .map(|i| {
            let mut client = events.clone();
            let event_staff = event_staff.clone();
            let (lgs, practices) = (&lgs, &practices);
            async move {
                let topic = &TOPICS[i % TOPICS.len()];
                let day = 1 + (i % 28);
                let month = 1 + (i / 28) % 12;
                let year = 2027 + (i / 336) as i32;
                let date = format!("{year}-{month:02}-{day:02}");
                let lg = &lgs[i % lgs.len()];
                let e = client
                    .create_event(req(
                        ev::CreateEventRequest {
                            idempotency_key: format!("bench-event-{i}"),
                            kind: ev::EventKind::Forum as i32,
                            title: text(topic, &format!("forum {i}")),
                            description: text(topic, "forum"),
                            host_country: "KR".into(),
                            host_city: format!("City {}", i % 50),
                            host_organization: "Governors Association of Korea".into(),
                            host_local_government_code: lg.clone(),
                            venue: format!("Hall {}", i % 7),
                            time_zone: "Asia/Seoul".into(),
                            start_date: date.clone(),
                            end_date: date,
                            working_languages: vec!["ko".into()],
                            interpretation_languages: vec!["en".into(), "ja".into(), "zh".into()],
                            capacity: 100 + (i % 5) as u32 * 50,
                            ..Default::default()
                        },
                        &event_staff,
                    ))
                    .await
                    .with_context(|| format!("CreateEvent {i}"))?
                    .into_inner();
                let e = client
                    .transition_event(req(
                        ev::TransitionEventRequest {
                            id: e.id,
                            version: e.version,
                            action: ev::EventAction::Publish as i32,
                            reason: String::new(),
                        },
                        &event_staff,
                    ))
                    .await
                    .context("TransitionEvent")?
                    .into_inner();
                let c = client
                    .submit_contribution(req(
                        ev::SubmitContributionRequest {
                            idempotency_key: format!("bench-contribution-{i}"),
                            event_id: e.id,
                            title: text(topic, "talk"),
                            abstract_text: text(topic, "abstract"),
                            presenter_name: String::new(),
                        },
                        &official(lg, i % 5),
                    ))
                    .await
                    .context("SubmitContribution")?
                    .into_inner();
                let linked = if practices.is_empty() {
                    vec![]
                } else {
                    vec![
                        practices[(2 * i) % practices.len()].clone(),
                        practices[(2 * i + 1) % practices.len()].clone(),
                    ]
                };
                client
                    .review_contribution(req(
                        ev::ReviewContributionRequest {
                            id: c.id,
                            version: c.version,
                            decision: ev::ReviewDecision::Accept as i32,
                            note: "Accepted".into(),
                            practice_ids: linked,
                        },
                        &event_staff,
                    ))
                    .await
                    .context("ReviewContribution")?;
                anyhow::Ok(())
            }
        })
        .buffer_unordered(args.concurrency)
        .try_fold(0usize, |n, ()| async move { Ok(n + 1) })
        .await?;
    eprintln!("seed: {n_events} forums with contributions");

    // Service requests.
    let n_requests = futures::stream::iter(0..args.requests)
        .map(|i| {
            let mut client = requests.clone();
            let lg = lgs[i % lgs.len()].clone();
            let round = i / lgs.len();
            async move {
                let caller = official(&lg, round % 5);
                let (kind, details) = details(i);
                let message = rq::SubmitRequestRequest {
                    idempotency_key: format!("bench-request-{i}"),
                    r#type: kind as i32,
                    title: format!("Bench request {i}: {}", TOPICS[i % TOPICS.len()][1]),
                    description: format!(
                        "{} — {} — {}",
                        TOPICS[i % TOPICS.len()][0],
                        TOPICS[i % TOPICS.len()][2],
                        TOPICS[i % TOPICS.len()][3]
                    ),
                    details: Some(rq::RequestDetails {
                        kind: Some(details),
                    }),
                    local_government_code: String::new(),
                    mask: None,
                };
                client
                    .submit_request(req(message, &caller))
                    .await
                    .with_context(|| format!("SubmitRequest {i}"))?;
                anyhow::Ok(())
            }
        })
        .buffer_unordered(args.concurrency)
        .try_fold(0usize, |n, ()| async move { Ok(n + 1) })
        .await?;
    eprintln!("seed: {n_requests} service requests");
    eprintln!("seed: done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The type and details of the `i`th request (every type, varied languages).
fn details(i: usize) -> (rq::RequestType, rq::request_details::Kind) {
    use rq::request_details::Kind;
    let lang = LANGS[i % 4];
    let other = LANGS[(i + 1) % 4];
    match i % 4 {
        0 => (
            rq::RequestType::InterpretationTranslation,
            Kind::InterpretationTranslation(rq::InterpretationTranslationDetails {
                mode: rq::interpretation_translation_details::Mode::Translation as i32,
                source_language: lang.into(),
                target_language: other.into(),
                document_pages: 1 + (i % 40) as u32,
                ..Default::default()
            }),
        ),
        1 => (
            rq::RequestType::InternationalExchange,
            Kind::InternationalExchange(rq::InternationalExchangeDetails {
                partner_country: COUNTRIES[i % COUNTRIES.len()].into(),
                partner_organization: format!("Partner city {}", i % 97),
                exchange_kind: ["SISTER_CITY", "FRIENDSHIP_CITY", "MEMORANDUM", "PROJECT"][i % 4]
                    .into(),
            }),
        ),
        2 => (
            rq::RequestType::InformationRequest,
            Kind::InformationRequest(rq::InformationRequestDetails {
                topic: TOPICS[i % TOPICS.len()][1].into(),
                countries: vec![COUNTRIES[i % COUNTRIES.len()].into()],
                needed_by: String::new(),
            }),
        ),
        _ => (
            rq::RequestType::GeneralInquiry,
            Kind::GeneralInquiry(rq::GeneralInquiryDetails {
                topic: TOPICS[i % TOPICS.len()][1].into(),
            }),
        ),
    }
}
