//! Demo coaching (ADR 0050): the partner network's demo advisor registered as a coach, and
//! three engagements in the current coaching edition — Suwon (a city) with its plan
//! delivered, Jongno-gu (a district) in progress, Haeundae-gu (a district) planned without
//! a coach yet. Seoul and Busan, the demo's metropolitan officials, have none: coaching is
//! for basic local governments.

use chrono::{DateTime, Days, NaiveDate, Utc};
use glocal_kit::Caller;

use crate::domain::{
    CoachDraft, CoachingPlan, CoachingSessionDraft, EngagementDraft, EngagementMove,
    EngagementStatus,
};
use crate::error::TrainingError;
use crate::service::{Coach, CoachingEngagement, Edition, TrainingOffice};

/// The research demo's advisor organisation ("Maria Schmidt, urban mobility advisor"): the
/// research service's demo creates it with this id, so the coach resolves to it in `glocal
/// dev` (keep the two in step: `services/research/src/demo.rs`).
pub const DEMO_ADVISOR_ORGANISATION_ID: &str = "5c0ac4e1-8f3a-4d0e-9b6e-2a7d4f1c0a50";

fn at(day: NaiveDate, days_after: u64, hour: u32) -> DateTime<Utc> {
    day.checked_add_days(Days::new(days_after))
        .unwrap_or(day)
        .and_hms_opt(hour, 0, 0)
        .unwrap_or_default()
        .and_utc()
}

async fn engage(
    office: &TrainingOffice,
    admin: &Caller,
    edition: &Edition,
    code: &str,
    level: &str,
    theme: &str,
    coach: Option<&Coach>,
) -> Result<CoachingEngagement, TrainingError> {
    let draft = EngagementDraft {
        edition_id: edition.id.to_string(),
        local_government_code: code.into(),
        local_government_level: level.into(),
        theme: theme.into(),
        coach_id: coach.map(|c| c.id.to_key()).unwrap_or_default(),
    };
    office.create_engagement(Some(admin), draft.parse()?).await
}

async fn start(
    office: &TrainingOffice,
    admin: &Caller,
    e: CoachingEngagement,
) -> Result<CoachingEngagement, TrainingError> {
    let m = EngagementMove::parse(
        &e.id.to_key(),
        e.version.get(),
        Some(EngagementStatus::InProgress),
        "",
    )?;
    office.move_engagement(Some(admin), m).await
}

async fn session(
    office: &TrainingOffice,
    admin: &Caller,
    e: CoachingEngagement,
    draft: CoachingSessionDraft,
) -> Result<CoachingEngagement, TrainingError> {
    office
        .add_coaching_session(Some(admin), e.id, e.version, draft.parse()?)
        .await
}

/// Seeds the demo's coach and engagements in the current coaching `edition`.
pub(super) async fn seed(
    office: &TrainingOffice,
    admin: &Caller,
    edition: &Edition,
) -> Result<(), TrainingError> {
    let coach = office
        .register_coach(
            Some(admin),
            CoachDraft {
                organisation_id: DEMO_ADVISOR_ORGANISATION_ID.into(),
                area_codes: vec!["transportation".into(), "environment".into()],
                note: "Fee 300,000 KRW per session, paid by the association; online on Tuesdays."
                    .into(),
            }
            .parse()?,
        )
        .await?;
    let day = edition.starts_on;

    // Suwon: coached on sustainable mobility, plan delivered.
    let suwon = engage(
        office,
        admin,
        edition,
        "41110",
        "CITY",
        "Sustainable urban mobility exchange with a German city",
        Some(&coach),
    )
    .await?;
    let suwon = start(office, admin, suwon).await?;
    let suwon = session(
        office,
        admin,
        suwon,
        CoachingSessionDraft {
            starts_at: at(day, 7, 5),
            ends_at: at(day, 7, 7),
            place: "Suwon City Hall, international cooperation office".into(),
            online: false,
            notes: "Current partners reviewed; the city's cycling policy as the exchange theme."
                .into(),
        },
    )
    .await?;
    let suwon = session(
        office,
        admin,
        suwon,
        CoachingSessionDraft {
            starts_at: at(day, 28, 8),
            ends_at: at(day, 28, 9),
            place: String::new(),
            online: true,
            notes: "Draft plan discussed with the advisor in Berlin.".into(),
        },
    )
    .await?;
    let plan = CoachingPlan {
        area: "Urban mobility: cycling and public transport".into(),
        method: "A staff exchange of two transport planners for two weeks each way, then a joint pilot"
            .into(),
        content: "Shared bicycle schemes, bus priority lanes and the data each city publishes; a joint report for both councils."
            .into(),
        alternatives: vec![
            "Join the Eurocities mobility working group as an observer first".into(),
            "A youth cycling exchange between two schools as a smaller first step".into(),
        ],
    };
    office
        .deliver_plan(Some(admin), suwon.id, suwon.version, plan.parse()?)
        .await?;

    // Jongno-gu: coaching under way.
    let jongno = engage(
        office,
        admin,
        edition,
        "11110",
        "DISTRICT",
        "Finding a first sister city in Viet Nam",
        Some(&coach),
    )
    .await?;
    let jongno = start(office, admin, jongno).await?;
    session(
        office,
        admin,
        jongno,
        CoachingSessionDraft {
            starts_at: at(day, 14, 5),
            ends_at: at(day, 14, 6),
            place: String::new(),
            online: true,
            notes: "Candidate cities and the district's goals for the next two years.".into(),
        },
    )
    .await?;

    // Haeundae-gu: planned, the coach not yet chosen.
    engage(
        office,
        admin,
        edition,
        "26350",
        "DISTRICT",
        "Tourism marketing exchange with a Japanese resort town",
        None,
    )
    .await?;
    Ok(())
}
