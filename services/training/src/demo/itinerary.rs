//! Demo itinerary (ADR 0052): the current overseas training edition visits Fukuoka, Osaka
//! and Tokyo (the research demo's organisations and practices, by their fixed ids), Seoul's
//! official takes part and has submitted a trip report about the Tokyo visit, which staff
//! may publish as a practice.

use chrono::Duration;
use glocal_kit::Caller;

use super::{apply, korean_profile, note, official};
use crate::domain::{
    Decision, IdempotencyKey, NewVisit, ScreeningOutcome, TripReportDraft, TripReportText,
    VisitDraft,
};
use crate::error::TrainingError;
use crate::service::{Edition, TrainingOffice};

/// The research demo's organisations visited (`DEMO_ORGANISATION_IDS` in
/// services/research/src/demo.rs holds the same ids).
const OSAKA: &str = "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000a001";
const FUKUOKA: &str = "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000a002";
const CLAIR: &str = "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000a003";
/// The research demo's practices benchmarked (`DEMO_PRACTICE_IDS` there).
const YOKOHAMA_CARE: &str = "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000b001";
const TOKYO_DRILLS: &str = "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000b002";

fn lang4(ko: &str, en: &str) -> [String; 4] {
    [ko.into(), en.into(), String::new(), String::new()]
}

/// Seeds the itinerary of `edition` (the current overseas training).
pub(super) async fn seed(
    office: &TrainingOffice,
    admin: &Caller,
    edition: &Edition,
) -> Result<(), TrainingError> {
    let day = |n: i64| (edition.starts_on + Duration::days(n)).min(edition.ends_on);
    let stops = [
        (
            0,
            "10:00",
            "Fukuoka",
            FUKUOKA,
            vec![],
            "Sister-city exchange office and the city's international affairs division.",
        ),
        (
            1,
            "14:00",
            "Osaka",
            OSAKA,
            vec![YOKOHAMA_CARE],
            "Community-based integrated care for older residents, compared with Yokohama's.",
        ),
        (
            2,
            "",
            "Tokyo",
            CLAIR,
            vec![TOKYO_DRILLS],
            "Neighbourhood disaster drills, with CLAIR's briefing on local-government exchange.",
        ),
    ];
    let mut tokyo = None;
    for (i, (n, time, city, org, practices, purpose)) in stops.into_iter().enumerate() {
        let visit = NewVisit::parse(&VisitDraft {
            day: day(n).to_string(),
            time: time.into(),
            city: city.into(),
            country: "JP".into(),
            organisation_ids: vec![org.into()],
            practice_ids: practices.into_iter().map(str::to_owned).collect(),
            purpose: purpose.into(),
        })?;
        let v = office
            .add_visit(
                Some(admin),
                edition.id,
                IdempotencyKey::parse(&format!("demo-visit-{i}"))?,
                visit,
            )
            .await?;
        tokyo = Some(v.id);
    }
    let tokyo = tokyo.ok_or(TrainingError::NotFound("demo visit"))?;

    // Seoul's official takes part and reports on the Tokyo visit.
    let seoul = official("official-seoul", "김민지 (서울특별시)", "11000");
    let a = office
        .submit_application(
            Some(&seoul),
            apply(
                "demo-overseas-seoul",
                edition,
                korean_profile("김민지", "서울특별시 국제협력과", 7, &["ko", "en"]),
                "Seoul is preparing neighbourhood disaster drills.",
            )?,
        )
        .await?;
    let a = office
        .screen(
            Some(admin),
            a.id,
            a.version,
            ScreeningOutcome::Start,
            note("")?,
        )
        .await?;
    let a = office
        .screen(
            Some(admin),
            a.id,
            a.version,
            ScreeningOutcome::Pass,
            note("")?,
        )
        .await?;
    office
        .decide(Some(admin), a.id, a.version, Decision::Accept, note("")?)
        .await?;
    let report = TripReportText::parse(&TripReportDraft {
        title: lang4(
            "도쿄 동네 방재 훈련",
            "Tokyo's neighbourhood disaster drills",
        ),
        summary: lang4(
            "주민이 직접 운영하는 동네 단위 방재 훈련을 보았다.",
            "Residents run the drills block by block, twice a year.",
        ),
        findings: lang4(
            "자치회가 훈련을 주관하고 구청은 장비와 교육을 지원한다. 서울 자치구에 맞게 도입할 만하다.",
            "Neighbourhood associations lead; the ward supplies equipment and training. Worth adapting in Seoul's districts.",
        ),
        original_language: "ko".into(),
        area_code: "fire_prevention".into(),
    })?;
    let r = office
        .write_trip_report(
            Some(&seoul),
            tokyo,
            IdempotencyKey::parse("demo-report-tokyo")?,
            report,
        )
        .await?;
    office
        .submit_trip_report(Some(&seoul), r.id, r.version)
        .await?;
    Ok(())
}
