//! Demo data for `glocal dev`: a current, published edition of each of the bureau's five
//! programmes (dates around today), a few applications walked through the workflow by the
//! service itself, the overseas training's itinerary with a trip report (`itinerary`), and
//! last year's fellowship with a verifiable certificate.

use std::sync::Arc;

use chrono::{Datelike, Duration, Months, NaiveDate, Utc};
use glocal_kit::domain::period::PeriodDraft;
use glocal_kit::{Caller, Role};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::domain::{
    Answer, ApplicantKind, ApplicationDraft, AttendanceDraft, AttendanceStatus, CostDraft,
    CostFrequency, CostItem, CostShareDraft, CutKind, Decision, DivisionReviewerDraft,
    EditionDraft, EligibilityDraft, NationalityRule, NewApplication, Note, OrganisationType,
    ParticipantDraft, PartnerRelationshipStatus, Payer, ProfileDraft, ProgrammeDraft,
    ProgrammeKind, ScreeningOutcome, SessionDraft, SessionKind, StageDraft, StipendDraft,
    TextDraft, format_date, parse_attendance,
};
use crate::error::TrainingError;
use crate::service::{Config, Edition, Programme, TrainingOffice};
use crate::store::entities::programme;

mod coaching;

pub use coaching::DEMO_ADVISOR_ORGANISATION_ID;
mod itinerary;

/// The administrator the demo acts as.
pub fn demo_admin() -> Caller {
    Caller::new("admin", "관리자", "GAOK", [Role::BureauAdmin])
}

/// A foreign official of Da Nang, Viet Nam (a fellowship applicant).
pub fn demo_foreign_official() -> Caller {
    Caller::new(
        "official-danang",
        "Nguyen Thi Lan",
        "VN-DN",
        [Role::LocalOfficial],
    )
}

/// A second official of Hue, Viet Nam, who has not applied yet: the portal's development
/// sign-in offers them, so a fellowship application can be made from the apply form.
pub fn demo_fellowship_candidate() -> Caller {
    Caller::new(
        "official-hue-candidate",
        "Le Thi Hoa",
        "VN-HUE",
        [Role::LocalOfficial],
    )
}

fn official(sub: &str, name: &str, org: &str) -> Caller {
    Caller::new(sub, name, org, [Role::LocalOfficial])
}

fn text(ko: &str, en: &str, zh: &str, ja: &str) -> TextDraft {
    TextDraft {
        ko: ko.into(),
        en: en.into(),
        zh: zh.into(),
        ja: ja.into(),
    }
}

/// A share of `amount` won per participant.
fn share(payer: Payer, item: CostItem, frequency: CostFrequency, amount: i64) -> CostShareDraft {
    CostShareDraft {
        payer: Some(payer),
        item: Some(item),
        amount_minor: amount,
        currency: "KRW".into(),
        frequency: Some(frequency),
    }
}

fn cost(payer: Payer, item: &str) -> CostDraft {
    CostDraft {
        payer: Some(payer),
        item: item.into(),
    }
}

/// Window: 30 days ago to 30 days ahead; the edition starts on the first of the month
/// after the window and lasts `months`.
fn current_dates(today: NaiveDate, months: u32) -> (NaiveDate, NaiveDate, NaiveDate, NaiveDate) {
    let open = today - Duration::days(30);
    let close = today + Duration::days(30);
    let after = close + Duration::days(1);
    let first_of_month = NaiveDate::from_ymd_opt(after.year(), after.month(), 1).unwrap_or(after);
    let starts = if first_of_month > close {
        first_of_month
    } else {
        first_of_month + Months::new(1)
    };
    let ends = (starts + Months::new(months)).pred_opt().unwrap_or(starts);
    (open, close, starts, ends)
}

struct Spec {
    key: &'static str,
    kind: ProgrammeKind,
    title: TextDraft,
    description: TextDraft,
    term: String,
    months: u32,
    capacity: u32,
    languages: &'static [&'static str],
    divisions: &'static [&'static str],
    eligibility: EligibilityDraft,
    shares: Vec<CostShareDraft>,
    stipends: Vec<StipendDraft>,
    costs: Vec<CostDraft>,
    hosts: &'static [&'static str],
    stages: Vec<StageDraft>,
    /// The programme's period rule, from the bureau's text.
    period: Option<PeriodDraft>,
}

/// Months `from`–`to`, at most `per_year` editions a year (0 = no limit).
fn period(from: u32, to: u32, per_year: u32) -> Option<PeriodDraft> {
    Some(PeriodDraft {
        from_month: from,
        to_month: to,
        max_days: 0,
        per_year,
    })
}

fn specs(year: i32) -> Vec<Spec> {
    let korean_officials = EligibilityDraft {
        organisation_types: vec![OrganisationType::KoreanLocalGovernment],
        nationality: Some(NationalityRule::Korean),
        ..EligibilityDraft::default()
    };
    vec![
        Spec {
            key: "demo-fellowship",
            kind: ProgrammeKind::InvitationFellowship,
            title: text(
                "외국 지방공무원 초청 연수 (K2H)",
                "Training Program for Foreign Public Officials (K2H)",
                "外国地方公务员邀请研修 (K2H)",
                "外国地方公務員招へい研修 (K2H)",
            ),
            description: text(
                "한국 지방자치단체와 교류 중이거나 교류를 희망하는 외국 지방정부 공무원 60명을 6개월간 초청합니다.",
                "Six months in Korea for 60 officials of foreign local governments that cooperate, or want to, with Korean ones: pre-training, a placement with a Korean host local government, and a certification ceremony.",
                "",
                "",
            ),
            term: year.to_string(),
            months: 6,
            capacity: 60,
            languages: &["en", "ko"],
            eligibility: EligibilityDraft {
                organisation_types: vec![OrganisationType::ForeignLocalGovernment],
                nationality: Some(NationalityRule::Foreign),
                ..EligibilityDraft::default()
            },
            // The bureau's split: the association pays pre-training, medical and accident
            // insurance and 400,000 won a month; the host local government accommodation
            // and 400,000 won a month. The pre-training, insurance and accommodation
            // amounts are the demo's own figures (the bureau's text names no amount).
            shares: vec![
                share(
                    Payer::Association,
                    CostItem::PreTraining,
                    CostFrequency::OneOff,
                    1_200_000,
                ),
                share(
                    Payer::Association,
                    CostItem::Insurance,
                    CostFrequency::OneOff,
                    350_000,
                ),
                share(
                    Payer::Association,
                    CostItem::LivingExpenses,
                    CostFrequency::Monthly,
                    400_000,
                ),
                share(
                    Payer::HostLocalGovernment,
                    CostItem::Accommodation,
                    CostFrequency::Monthly,
                    650_000,
                ),
                share(
                    Payer::HostLocalGovernment,
                    CostItem::LivingExpenses,
                    CostFrequency::Monthly,
                    400_000,
                ),
            ],
            stipends: vec![],
            costs: vec![],
            hosts: &["11000", "26000", "41000"],
            stages: vec![StageDraft {
                name: "Selection".into(),
                reviewers: vec!["staff-interp-kim".into()],
                ..StageDraft::default()
            }],
            // K2H: "April ~ October (6 months)", once a year.
            period: period(4, 10, 1),
            divisions: &[],
        },
        Spec {
            key: "demo-overseas",
            kind: ProgrammeKind::OverseasTraining,
            title: text(
                "지방공무원 해외연수",
                "Overseas Training Program for Korean Local Public Officials",
                "地方公务员海外研修",
                "地方公務員海外研修",
            ),
            description: text(
                "",
                "Visits to foreign local governments to benchmark their best practices.",
                "",
                "",
            ),
            term: year.to_string(),
            months: 1,
            capacity: 20,
            languages: &["ko", "en"],
            eligibility: korean_officials.clone(),
            shares: vec![],
            stipends: vec![],
            costs: vec![cost(Payer::Association, "travel and accommodation abroad")],
            hosts: &[],
            stages: vec![],
            period: None,
            divisions: &[],
        },
        Spec {
            key: "demo-academy",
            kind: ProgrammeKind::Academy,
            title: text(
                "국제화 아카데미",
                "Academy for International Affairs",
                "国际化学院",
                "国際化アカデミー",
            ),
            description: text(
                "",
                "For working-level officials: protocol and etiquette, best and failed practices of international exchange, international events, sister-city exchange.",
                "",
                "",
            ),
            term: format!("{year}-1"),
            months: 1,
            capacity: 40,
            languages: &["ko"],
            eligibility: korean_officials.clone(),
            shares: vec![],
            stipends: vec![],
            costs: vec![],
            hosts: &[],
            stages: vec![],
            // "twice a year".
            period: period(1, 12, 2),
            divisions: &[],
        },
        Spec {
            key: "demo-contest",
            kind: ProgrammeKind::SpeechContest,
            title: text(
                "지방공무원 외국어 스피치 대회",
                "Foreign Language Speech Contest for Local Public Officials",
                "地方公务员外语演讲比赛",
                "地方公務員外国語スピーチ大会",
            ),
            description: text(
                "",
                "For officials of administrative grade 5 and below, in English, Chinese or Japanese: preliminary rounds, then finals for those who pass.",
                "",
                "",
            ),
            term: year.to_string(),
            months: 2,
            capacity: 10,
            languages: &["en", "zh", "ja"],
            eligibility: EligibilityDraft {
                min_grade: 5,
                max_grade: 9,
                ..korean_officials
            },
            shares: vec![],
            stipends: vec![],
            costs: vec![],
            hosts: &[],
            stages: vec![
                StageDraft {
                    name: "Preliminaries".into(),
                    cut: Some(CutKind::TopN),
                    cut_value: 10,
                    blind: true,
                    reviewers: vec!["staff-exchange-choi".into()],
                    division_reviewers: vec![DivisionReviewerDraft {
                        subject: "staff-japan-sato".into(),
                        division: "ja".into(),
                    }],
                },
                StageDraft {
                    name: "Finals".into(),
                    reviewers: vec!["staff-interp-kim".into()],
                    ..StageDraft::default()
                },
            ],
            period: None,
            divisions: &["en", "zh", "ja"],
        },
        Spec {
            key: "demo-coaching",
            kind: ProgrammeKind::Coaching,
            title: text(
                "국제교류 컨설팅",
                "Coaching Service on International Exchange",
                "国际交流咨询",
                "国際交流コーチング",
            ),
            description: text(
                "",
                "Twice a year a local government picks a theme and gets individual coaching from an expert.",
                "",
                "",
            ),
            term: format!("{year}-1"),
            months: 3,
            capacity: 12,
            languages: &["ko"],
            eligibility: EligibilityDraft {
                applicant_kinds: vec![ApplicantKind::LocalGovernment],
                organisation_types: vec![OrganisationType::KoreanLocalGovernment],
                ..EligibilityDraft::default()
            },
            shares: vec![],
            stipends: vec![],
            costs: vec![cost(Payer::Association, "the expert's fee")],
            hosts: &[],
            stages: vec![],
            // "Period : twice a year".
            period: period(1, 12, 2),
            divisions: &[],
        },
    ]
}

async fn create(
    office: &TrainingOffice,
    admin: &Caller,
    spec: Spec,
    key_suffix: &str,
    dates: (NaiveDate, NaiveDate, NaiveDate, NaiveDate),
    programme: Option<&Programme>,
) -> Result<(Programme, Edition), TrainingError> {
    let programme = match programme {
        Some(p) => p.clone(),
        None => {
            office
                .create_programme(
                    Some(admin),
                    ProgrammeDraft {
                        idempotency_key: spec.key.into(),
                        kind: Some(spec.kind),
                        title: spec.title,
                        description: spec.description,
                        published: true,
                        period: spec.period,
                    }
                    .parse()?,
                )
                .await?
        }
    };
    let (open, close, starts, ends) = dates;
    let edition = office
        .create_edition(
            Some(admin),
            EditionDraft {
                idempotency_key: format!("{}-{key_suffix}", spec.key),
                programme_id: programme.id.to_string(),
                term: spec.term,
                starts_on: format_date(starts),
                ends_on: format_date(ends),
                applications_open_on: format_date(open),
                applications_close_on: format_date(close),
                capacity: spec.capacity,
                languages: spec.languages.iter().map(|l| (*l).to_owned()).collect(),
                divisions: spec.divisions.iter().map(|l| (*l).to_owned()).collect(),
                eligibility: spec.eligibility,
                shares: spec.shares,
                stipends: spec.stipends,
                costs: spec.costs,
                host_codes: spec.hosts.iter().map(|h| (*h).to_owned()).collect(),
                stages: spec.stages,
                published: true,
                // The demo's editions sit around today, whatever the month: the
                // administrator sets a period rule aside when they fall outside it, which
                // the edition's history notes (nothing is noted when they fit).
                outside_period: true,
            }
            .parse()?,
        )
        .await?;
    Ok((programme, edition))
}

fn korean_profile(name: &str, organisation: &str, grade: u32, languages: &[&str]) -> ProfileDraft {
    ProfileDraft {
        kind: Some(ApplicantKind::Official),
        full_name: name.into(),
        nationality: "KR".into(),
        organisation_type: Some(OrganisationType::KoreanLocalGovernment),
        organisation: organisation.into(),
        grade,
        languages: languages.iter().map(|l| (*l).to_owned()).collect(),
    }
}

fn danang_profile() -> ProfileDraft {
    ProfileDraft {
        kind: Some(ApplicantKind::Official),
        full_name: "Nguyen Thi Lan".into(),
        nationality: "VN".into(),
        organisation_type: Some(OrganisationType::ForeignLocalGovernment),
        organisation: "Da Nang City People's Committee".into(),
        grade: 0,
        languages: vec!["en".into()],
    }
}

fn apply(
    key: &str,
    edition: &Edition,
    profile: ProfileDraft,
    why: &str,
) -> Result<NewApplication, TrainingError> {
    apply_in(key, edition, profile, why, "")
}

fn apply_in(
    key: &str,
    edition: &Edition,
    profile: ProfileDraft,
    why: &str,
    division: &str,
) -> Result<NewApplication, TrainingError> {
    Ok(ApplicationDraft {
        idempotency_key: key.into(),
        edition_id: edition.id.to_string(),
        profile,
        answers: vec![Answer {
            question: "Why do you apply?".into(),
            answer: why.into(),
        }],
        attachments: vec![],
        as_draft: false,
        division: division.into(),
        ..ApplicationDraft::default()
    }
    .parse()?)
}

/// The demo's partner-network ids of the fellows' foreign local governments (the research
/// demo's organisations of kind FOREIGN_LOCAL_GOVERNMENT with these ids).
pub const DEMO_PARTNER_DANANG: &str = "0d5a0a6e-0000-4000-8000-000000000001";
/// Hue, Viet Nam.
pub const DEMO_PARTNER_HUE: &str = "0d5a0a6e-0000-4000-8000-000000000002";
/// Vientiane, Laos: no relationship with a Korean local government yet.
pub const DEMO_PARTNER_VIENTIANE: &str = "0d5a0a6e-0000-4000-8000-000000000003";

/// A fellowship application naming its foreign local government, with the statuses of its
/// relationships as the gateway would have found them.
fn apply_fellow(
    key: &str,
    edition: &Edition,
    profile: ProfileDraft,
    why: &str,
    partner: &str,
    relationships: &[PartnerRelationshipStatus],
) -> Result<NewApplication, TrainingError> {
    let mut new = apply(key, edition, profile, why)?;
    new.partner_organisation_id = Some(partner.to_owned());
    new.relationships = Some(relationships.to_vec());
    Ok(new)
}

fn note(s: &str) -> Result<Note, TrainingError> {
    Ok(Note::parse(s)?)
}

/// Loads demo data when the database has no programme yet; returns whether it did.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<bool, TrainingError> {
    if programme::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let today = Utc::now().date_naive();
    let office = TrainingOffice::new(db.clone(), Config::default());
    let admin = demo_admin();

    let mut editions = Vec::new();
    let mut fellowship = None;
    // Terms are named after the year the editions start in.
    let start_year = current_dates(today, 1).2.year();
    for spec in specs(start_year) {
        let dates = current_dates(today, spec.months);
        let (programme, edition) = create(&office, &admin, spec, "current", dates, None).await?;
        if programme.kind == ProgrammeKind::InvitationFellowship {
            fellowship = Some(programme);
        }
        editions.push(edition);
    }
    let by_kind = |k: ProgrammeKind| {
        editions
            .iter()
            .find(|e| e.programme.kind == k)
            .ok_or(TrainingError::NotFound("demo edition"))
    };

    // Coaching: a coach from the partner network and three local governments (ADR 0050).
    coaching::seed(&office, &admin, by_kind(ProgrammeKind::Coaching)?).await?;

    // Applications to the current editions.
    let seoul = official("official-seoul", "김민지 (서울특별시)", "11000");
    let busan = official("official-busan", "박성호 (부산광역시)", "26000");
    office
        .submit_application(
            Some(&seoul),
            apply(
                "demo-academy-seoul",
                by_kind(ProgrammeKind::Academy)?,
                korean_profile("김민지", "서울특별시 국제협력과", 7, &["ko", "en"]),
                "I coordinate our sister-city exchanges.",
            )?,
        )
        .await?;
    let contest = office
        .submit_application(
            Some(&busan),
            apply_in(
                "demo-contest-busan",
                by_kind(ProgrammeKind::SpeechContest)?,
                korean_profile("박성호", "부산광역시 국제교류과", 6, &["ja"]),
                "Speech: Busan and Fukuoka, thirty years of friendship.",
                "ja",
            )?,
        )
        .await?;
    let contest = office
        .screen(
            Some(&admin),
            contest.id,
            contest.version,
            ScreeningOutcome::Start,
            note("")?,
        )
        .await?;
    office
        .screen(
            Some(&admin),
            contest.id,
            contest.version,
            ScreeningOutcome::Pass,
            note("")?,
        )
        .await?;
    let danang = demo_foreign_official();
    let fellow = office
        .submit_application(
            Some(&danang),
            apply_fellow(
                "demo-fellowship-danang",
                by_kind(ProgrammeKind::InvitationFellowship)?,
                danang_profile(),
                "Da Nang and Busan plan a joint smart-port project.",
                DEMO_PARTNER_DANANG,
                // Busan–Da Nang: a memorandum under negotiation (intended cooperation).
                &[PartnerRelationshipStatus::Proposed],
            )?,
        )
        .await?;
    let fellow = office
        .screen(
            Some(&admin),
            fellow.id,
            fellow.version,
            ScreeningOutcome::Start,
            note("")?,
        )
        .await?;
    office
        .screen(
            Some(&admin),
            fellow.id,
            fellow.version,
            ScreeningOutcome::Pass,
            note("documents complete")?,
        )
        .await?;

    itinerary::seed(&office, &admin, by_kind(ProgrammeKind::OverseasTraining)?).await?;
    // A fellow whose city has no relationship in the partner network yet: held for staff
    // confirmation (`confirmRelationship`), which the demo leaves to the bureau.
    let vientiane = official("official-vientiane", "Souksavanh Phommachanh", "LA-VT");
    office
        .submit_application(
            Some(&vientiane),
            apply_fellow(
                "demo-fellowship-vientiane",
                by_kind(ProgrammeKind::InvitationFellowship)?,
                ProfileDraft {
                    full_name: "Souksavanh Phommachanh".into(),
                    nationality: "LA".into(),
                    organisation: "Vientiane Capital Administration".into(),
                    ..danang_profile()
                },
                "Vientiane wants to start an urban-water partnership with a Korean city.",
                DEMO_PARTNER_VIENTIANE,
                &[],
            )?,
        )
        .await?;

    // Last year's fellowship, run on a clock set back a year: accepted, placed in Busan,
    // attended, paid and certified.
    let year_ago = Utc::now() - Duration::days(365);
    let past =
        TrainingOffice::new(db.clone(), Config::default()).with_clock(Arc::new(move || year_ago));
    let last_year = year_ago.date_naive();
    let spec = specs(current_dates(last_year, 6).2.year())
        .into_iter()
        .find(|s| s.kind == ProgrammeKind::InvitationFellowship)
        .ok_or(TrainingError::NotFound("demo fellowship"))?;
    let dates = current_dates(last_year, 6);
    let (_, old) = create(&past, &admin, spec, "last-year", dates, fellowship.as_ref()).await?;
    let alumnus = official("official-hue", "Tran Van Minh", "VN-HUE");
    let app = past
        .submit_application(
            Some(&alumnus),
            apply_fellow(
                "demo-fellowship-hue",
                &old,
                ProfileDraft {
                    full_name: "Tran Van Minh".into(),
                    organisation: "Hue City People's Committee".into(),
                    ..danang_profile()
                },
                "Heritage tourism exchange with Gyeongju.",
                DEMO_PARTNER_HUE,
                &[PartnerRelationshipStatus::Active],
            )?,
        )
        .await?;
    let app = past
        .screen(
            Some(&admin),
            app.id,
            app.version,
            ScreeningOutcome::Start,
            note("")?,
        )
        .await?;
    let app = past
        .screen(
            Some(&admin),
            app.id,
            app.version,
            ScreeningOutcome::Pass,
            note("")?,
        )
        .await?;
    let app = past
        .decide(
            Some(&admin),
            app.id,
            app.version,
            Decision::Accept,
            note("welcome")?,
        )
        .await?;
    let app = past
        .update_participant(
            Some(&admin),
            app.id,
            app.version,
            ParticipantDraft {
                host_code: "26000".into(),
                mentor: "정하늘 (부산광역시 국제협력과)".into(),
                ..ParticipantDraft::default()
            }
            .parse()?,
        )
        .await?;
    let (_, _, starts, ends) = dates;
    let at = |d: NaiveDate, h: u32| d.and_hms_opt(h, 0, 0).unwrap_or_default().and_utc();
    for (kind, title, day) in [
        (
            SessionKind::PreTraining,
            "Pre-training: Korean local administration",
            starts,
        ),
        (
            SessionKind::Placement,
            "Placement at Busan Metropolitan City",
            starts + Duration::days(30),
        ),
        (SessionKind::Ceremony, "Certification ceremony", ends),
    ] {
        let s = past
            .schedule_session(
                Some(&admin),
                SessionDraft {
                    edition_id: old.id.to_string(),
                    kind: Some(kind),
                    title: title.into(),
                    starts_at: Some(at(day, 1)),
                    ends_at: Some(at(day, 8)),
                    location: String::new(),
                }
                .parse()?,
            )
            .await?;
        past.record_attendance(
            Some(&admin),
            s.id,
            parse_attendance(vec![AttendanceDraft {
                application_id: app.id.to_string(),
                status: Some(AttendanceStatus::Present),
                note: String::new(),
            }])?,
        )
        .await?;
    }
    past.generate_stipend_schedule(Some(&admin), app.id).await?;
    // Certificates are issued once the edition is over: today.
    let issued = office.issue_certificates(Some(&admin), old.id).await?;
    for c in &issued.issued {
        tracing::info!(code = %c.code, holder = %c.holder_name, "demo certificate issued: verify it with verifyCertificate(code)");
    }
    tracing::info!(editions = editions.len() + 1, "training demo data loaded");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_editions_open_now_and_start_after_the_window() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let (open, close, starts, ends) = current_dates(today, 6);
        assert!(open <= today && today <= close);
        assert!(starts > close);
        assert_eq!(starts.day(), 1);
        // The window closes 2026-12-28; January to June is six months.
        assert_eq!(starts, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(ends, NaiveDate::from_ymd_opt(2027, 6, 30).unwrap());
    }
}
