//! Demo data for `glocal dev`: the bureau's four series (the Korea–China–Japan conference
//! rotating KR → CN → JP, the March workshop, the forums, the glocalization lectures), this
//! year's conference with its timetable, registrations (a delegation among them) and an
//! accepted contribution, this year's workshop, an upcoming forum (with a confirmed and a
//! pending guest), and lecture requests.
//! Everything is made through the service itself, so the demo follows the same rules.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use glocal_kit::domain::period::PeriodDraft;
use glocal_kit::{Caller, Role};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::domain::{
    ContributionAction, ContributionDraft, EventAction, EventDraft, EventKind, LectureDraft,
    PracticeIds, RegistrationDraft, RegistrationKind, SeriesDraft, SessionDraft, SessionKind,
    SpeakerDraft, TextDraft,
};
use crate::error::EventsError;
use crate::service::{Config, EventOffice, EventView, ScheduleDraft, SeriesView};
use crate::store::entities::series;

fn staff() -> Caller {
    Caller::new("staff-events-lee", "이하늘", "GAOK", [Role::BureauStaff])
}

fn seoul() -> Caller {
    Caller::new(
        "official-seoul",
        "김민지 (서울특별시)",
        "11000",
        [Role::LocalOfficial],
    )
}

fn busan() -> Caller {
    Caller::new(
        "official-busan",
        "박성호 (부산광역시)",
        "26000",
        [Role::LocalOfficial],
    )
}

fn fukuoka() -> Caller {
    Caller::new(
        "partner-fukuoka",
        "田中 優子",
        "JP-FUKUOKA",
        [Role::Partner],
    )
}

fn text(ko: &str, en: &str, zh: &str, ja: &str) -> TextDraft {
    TextDraft::new(ko, en, zh, ja)
}

/// Loads demo data when the database has no series; returns whether it did.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<bool, EventsError> {
    if series::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let office = EventOffice::new(db.clone(), Config::default());
    let bureau = staff();
    let now = Utc::now();
    let year = now.year();

    let kcj = office
        .create_series(
            Some(&bureau),
            SeriesDraft {
                idempotency_key: "demo-series-kcj".into(),
                code: "KCJ-CONFERENCE".into(),
                kind: Some(EventKind::Conference),
                title: text(
                    "한중일 지방정부 교류회의",
                    "Korea–China–Japan Local Governments Conference",
                    "中日韩地方政府交流会议",
                    "日中韓地方政府交流会議",
                ),
                description: text(
                    "한·중·일 지방정부 간 실질적 교류사업과 협력 네트워크를 위한 연례 회의(4일, 개최국 순환).",
                    "An annual four-day conference for practical exchange projects and cooperative networks among Korean, Chinese and Japanese local governments; the host rotates among the three countries.",
                    "中日韩地方政府务实交流项目与合作网络的年度会议（四天，三国轮流主办）。",
                    "日中韓の地方政府による実務的な交流事業と協力ネットワークのための年次会議（4日間、開催国は持ち回り）。",
                ),
                rotation: vec!["KR".into(), "CN".into(), "JP".into()],
                yearly_quota: 1,
                // "August ~ September (Four days) / Annually".
                period: Some(PeriodDraft {
                    from_month: 8,
                    to_month: 9,
                    max_days: 4,
                    per_year: 0,
                }),
            }.parse()?,
        )
        .await?;
    let workshop = series(
        &office,
        "demo-series-workshop",
        "MARCH-WORKSHOP",
        EventKind::Workshop,
        text(
            "국제교류 담당 공무원 워크숍",
            "Workshop of Local Officials in charge of International Exchange",
            "国际交流负责公务员研讨会",
            "国際交流担当職員ワークショップ",
        ),
        1,
        // "the workshop in March".
        Some(PeriodDraft {
            from_month: 3,
            to_month: 3,
            max_days: 0,
            per_year: 0,
        }),
    )
    .await?;
    let forums = series(
        &office,
        "demo-series-forum",
        "EXCHANGE-FORUM",
        EventKind::Forum,
        text(
            "국제교류 활성화 포럼",
            "Forum for Vitalizing International Exchange",
            "国际交流活性化论坛",
            "国際交流活性化フォーラム",
        ),
        0,
        None,
    )
    .await?;
    let lectures = series(
        &office,
        "demo-series-lecture",
        "GLOCAL-LECTURE",
        EventKind::Lecture,
        text(
            "세계화 순회 강연",
            "Glocalization Lecturing",
            "全球本土化巡回讲座",
            "グローカル化巡回講演",
        ),
        12,
        None,
    )
    .await?;

    // Last year's conference in Japan, so this year it is Korea's turn.
    let last = edition(
        &office,
        &kcj,
        year - 1,
        "JP",
        "Fukuoka",
        "Fukuoka Prefecture",
        "Fukuoka International Congress Center",
        "Asia/Tokyo",
    )
    .await?;
    walk(
        &office,
        &last,
        &[
            EventAction::Publish,
            EventAction::Start,
            EventAction::Complete,
        ],
    )
    .await?;

    let conference = edition(
        &office,
        &kcj,
        year,
        "KR",
        "Busan",
        "Busan Metropolitan City",
        "BEXCO Convention Hall",
        "Asia/Seoul",
    )
    .await?;
    let conference = walk(
        &office,
        &conference,
        &[EventAction::Publish, EventAction::OpenRegistration],
    )
    .await?;
    timetable(&office, &conference).await?;
    let practices = PracticeIds::default();
    let contribution = office
        .submit_contribution(
            Some(&busan()),
            conference.id,
            ContributionDraft {
                idempotency_key: "demo-contribution-busan".into(),
                title: text(
                    "스마트 항만 도시 협력",
                    "Smart port cities working together",
                    "智慧港口城市合作",
                    "スマート港湾都市の協力",
                ),
                abstract_text: text(
                    "부산·후쿠오카·상하이 항만 도시의 공동 사업 사례.",
                    "Joint projects of the port cities of Busan, Fukuoka and Shanghai.",
                    "釜山、福冈、上海港口城市的联合项目。",
                    "釜山・福岡・上海の港湾都市による共同事業。",
                ),
                presenter_name: String::new(),
            }
            .parse(&busan().name)?,
        )
        .await?;
    office
        .review_contribution(
            Some(&bureau),
            contribution.id,
            contribution.version,
            ContributionAction::Accept,
            "Plenary day 2".into(),
            practices,
        )
        .await?;
    office
        .register(
            Some(&fukuoka()),
            conference.id,
            RegistrationDraft {
                idempotency_key: "demo-registration-fukuoka".into(),
                kind: Some(RegistrationKind::Delegation),
                country: "JP".into(),
                organization: "Fukuoka City".into(),
                head_of_delegation: "田中 優子".into(),
                members: vec!["佐藤 健".into(), "鈴木 花子".into()],
                ..RegistrationDraft::default()
            }
            .parse(&fukuoka().name)?,
        )
        .await?;
    office
        .register(
            Some(&seoul()),
            conference.id,
            RegistrationDraft {
                idempotency_key: "demo-registration-seoul".into(),
                kind: Some(RegistrationKind::Individual),
                ..RegistrationDraft::default()
            }
            .parse(&seoul().name)?,
        )
        .await?;

    if conference.end_date < now.date_naive() {
        walk(
            &office,
            &office.get_event(Some(&bureau), conference.id).await?,
            &[
                EventAction::CloseRegistration,
                EventAction::Start,
                EventAction::Complete,
            ],
        )
        .await?;
    }

    // This year's March workshop.
    let march = NaiveDate::from_ymd_opt(year, 3, 19).unwrap_or_default();
    let ws = office
        .create_event(
            Some(&bureau),
            plain_event(
                "demo-workshop",
                &workshop,
                EventKind::Workshop,
                text(
                    &format!("{year} 국제교류 담당 공무원 워크숍"),
                    &format!("{year} Workshop of Officials in charge of International Exchange"),
                    "",
                    "",
                ),
                march,
                march + Duration::days(1),
                "Sejong Convention Center",
                "Sejong",
                120,
            )
            .parse()?,
        )
        .await?;
    let actions: &[EventAction] = if march + Duration::days(1) < now.date_naive() {
        &[
            EventAction::Publish,
            EventAction::Start,
            EventAction::Complete,
        ]
    } else {
        &[EventAction::Publish, EventAction::OpenRegistration]
    };
    walk(&office, &ws, actions).await?;

    // An upcoming forum, open for registration.
    let day = (now + Duration::days(30)).date_naive();
    let forum = office
        .create_event(
            Some(&bureau),
            plain_event(
                "demo-forum",
                &forums,
                EventKind::Forum,
                text(
                    "지방축제의 국제화 포럼",
                    "Forum: taking local festivals international",
                    "地方节庆国际化论坛",
                    "地方祭りの国際化フォーラム",
                ),
                day,
                day,
                "Korea Press Center, 20F",
                "Seoul",
                80,
            )
            .parse()?,
        )
        .await?;
    let forum = walk(
        &office,
        &forum,
        &[EventAction::Publish, EventAction::OpenRegistration],
    )
    .await?;
    let nine = forum
        .start_date
        .and_hms_opt(5, 0, 0)
        .unwrap_or_default()
        .and_utc();
    session(
        &office,
        &forum,
        "demo-forum-1",
        SessionKind::Presentation,
        text("전문가 발표", "Expert presentations", "", ""),
        "Hall",
        nine,
        90,
    )
    .await?;
    session(
        &office,
        &forum,
        "demo-forum-2",
        SessionKind::Debate,
        text("토론", "Debate", "", ""),
        "Hall",
        nine + Duration::minutes(100),
        60,
    )
    .await?;
    session(
        &office,
        &forum,
        "demo-forum-3",
        SessionKind::Qa,
        text("질의응답", "Q&A", "", ""),
        "Hall",
        nine + Duration::minutes(170),
        30,
    )
    .await?;

    // Two guests of the forum (ADR 0049): a researcher who confirmed, a civic expert who
    // has not yet.
    let (_, token) = office
        .request_guest_seat(
            forum.id,
            guest_draft(
                "Dr. Choi Min-ji",
                "minji.choi@demo-univ.ac.kr",
                "Demo University",
                "ko",
            )?,
        )
        .await?;
    office.confirm_guest(&token).await?;
    office
        .register_guest(
            forum.id,
            guest_draft(
                "Sato Haruka",
                "haruka.sato@demo-npo.jp",
                "Demo Civic Network",
                "ja",
            )?,
        )
        .await?;

    // Lecture requests: Busan's is scheduled, Seoul's waits.
    let future = |days: i64| (now + Duration::days(days)).date_naive().to_string();
    let busan_lecture = office
        .request_lecture(
            Some(&busan()),
            LectureDraft {
                idempotency_key: "demo-lecture-busan".into(),
                theme: "국제 의전과 에티켓".into(),
                preferred_dates: vec![future(40), future(47)],
                venue: "부산시청 대회의실".into(),
                local_government_code: String::new(),
            }
            .parse(office.bureau_today())?,
        )
        .await?;
    office
        .schedule_lecture(
            Some(&bureau),
            busan_lecture.id,
            busan_lecture.version,
            ScheduleDraft {
                series_id: lectures.id,
                date: None,
                title: None,
                capacity: Some(150),
                host_city: "Busan".into(),
                beyond_target: false,
            },
        )
        .await?;
    office
        .request_lecture(
            Some(&seoul()),
            LectureDraft {
                idempotency_key: "demo-lecture-seoul".into(),
                theme: "Vitalizing local festivals through sister cities".into(),
                preferred_dates: vec![future(60)],
                venue: "Seoul City Hall, Seosomun Annex".into(),
                local_government_code: String::new(),
            }
            .parse(office.bureau_today())?,
        )
        .await?;
    tracing::info!("events demo data loaded");
    Ok(true)
}

async fn series(
    office: &EventOffice,
    key: &str,
    code: &str,
    kind: EventKind,
    title: TextDraft,
    quota: u32,
    period: Option<PeriodDraft>,
) -> Result<SeriesView, EventsError> {
    office
        .create_series(
            Some(&staff()),
            SeriesDraft {
                idempotency_key: key.into(),
                code: code.into(),
                kind: Some(kind),
                description: title.clone(),
                title,
                rotation: Vec::new(),
                yearly_quota: quota,
                period,
            }
            .parse()?,
        )
        .await
}

#[allow(clippy::too_many_arguments)]
fn plain_event(
    key: &str,
    series: &SeriesView,
    kind: EventKind,
    title: TextDraft,
    start: NaiveDate,
    end: NaiveDate,
    venue: &str,
    city: &str,
    capacity: u32,
) -> EventDraft {
    EventDraft {
        idempotency_key: key.into(),
        series_id: series.id.to_string(),
        kind: Some(kind),
        description: title.clone(),
        title,
        host_country: "KR".into(),
        host_city: city.into(),
        host_organization: "Governors Association of Korea".into(),
        venue: venue.into(),
        time_zone: "Asia/Seoul".into(),
        start_date: start.to_string(),
        end_date: end.to_string(),
        working_languages: vec!["ko".into()],
        interpretation_languages: vec!["en".into()],
        capacity,
        ..EventDraft::default()
    }
}

#[allow(clippy::too_many_arguments)]
async fn edition(
    office: &EventOffice,
    kcj: &SeriesView,
    year: i32,
    country: &str,
    city: &str,
    org: &str,
    venue: &str,
    zone: &str,
) -> Result<EventView, EventsError> {
    let start = NaiveDate::from_ymd_opt(year, 8, 25).unwrap_or_default();
    office
        .create_event(
            Some(&staff()),
            EventDraft {
                idempotency_key: format!("demo-kcj-{year}"),
                series_id: kcj.id.to_string(),
                kind: Some(EventKind::Conference),
                title: text(
                    &format!("{year} 한중일 지방정부 교류회의 ({city})"),
                    &format!("{year} Korea–China–Japan Local Governments Conference, {city}"),
                    &format!("{year}年中日韩地方政府交流会议（{city}）"),
                    &format!("{year}年 日中韓地方政府交流会議（{city}）"),
                ),
                description: text(
                    "발표, 우수사례 공유, 지방정부 협력 토론.",
                    "Presentations, sharing of best practices, discussion on local government cooperation.",
                    "发言、分享优秀案例、讨论地方政府合作。",
                    "発表、優良事例の共有、地方政府協力の討議。",
                ),
                host_country: country.into(),
                host_city: city.into(),
                host_organization: org.into(),
                venue: venue.into(),
                time_zone: zone.into(),
                start_date: start.to_string(),
                end_date: (start + Duration::days(3)).to_string(),
                working_languages: vec!["ko".into(), "zh".into(), "ja".into()],
                interpretation_languages: vec!["ko".into(), "zh".into(), "ja".into(), "en".into()],
                capacity: 300,
                ..EventDraft::default()
            }.parse()?,
        )
        .await
}

async fn walk(
    office: &EventOffice,
    event: &EventView,
    actions: &[EventAction],
) -> Result<EventView, EventsError> {
    let mut current = event.clone();
    for action in actions {
        let reason = None;
        current = office
            .transition_event(Some(&staff()), current.id, current.version, *action, reason)
            .await?;
    }
    Ok(current)
}

#[allow(clippy::too_many_arguments)]
async fn session(
    office: &EventOffice,
    event: &EventView,
    key: &str,
    kind: SessionKind,
    title: TextDraft,
    room: &str,
    starts: DateTime<Utc>,
    minutes: i64,
) -> Result<(), EventsError> {
    office
        .add_session(
            Some(&staff()),
            event.id,
            SessionDraft {
                idempotency_key: key.into(),
                kind: Some(kind),
                title,
                room: room.into(),
                speakers: vec![SpeakerDraft {
                    name: "Prof. Han Ji-won".into(),
                    affiliation: "Korea University".into(),
                }],
                interpretation_languages: vec!["en".into()],
                starts_at: Some(starts),
                ends_at: Some(starts + Duration::minutes(minutes)),
            }
            .parse()?,
        )
        .await?;
    Ok(())
}

async fn timetable(office: &EventOffice, conference: &EventView) -> Result<(), EventsError> {
    // 09:00 in Seoul is 00:00 UTC.
    let day = |n: i64| {
        (conference.start_date + Duration::days(n))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
    };
    let sessions = [
        (
            "demo-kcj-open",
            SessionKind::Plenary,
            text("개회식", "Opening plenary", "开幕式", "開会式"),
            "Convention Hall",
            day(0),
            90,
        ),
        (
            "demo-kcj-p1",
            SessionKind::Presentation,
            text(
                "우수사례 발표",
                "Best practice presentations",
                "优秀案例发言",
                "優良事例発表",
            ),
            "Room 201",
            day(0) + Duration::hours(2),
            120,
        ),
        (
            "demo-kcj-d1",
            SessionKind::Debate,
            text(
                "지방정부 협력 토론",
                "Debate on local government cooperation",
                "地方政府合作讨论",
                "地方政府協力討論",
            ),
            "Room 201",
            day(1),
            120,
        ),
        (
            "demo-kcj-qa",
            SessionKind::Qa,
            text("질의응답", "Questions and answers", "问答", "質疑応答"),
            "Room 201",
            day(1) + Duration::hours(2),
            60,
        ),
    ];
    for (key, kind, title, room, starts, minutes) in sessions {
        session(office, conference, key, kind, title, room, starts, minutes).await?;
    }
    Ok(())
}

/// A demo guest's parsed request.
fn guest_draft(
    name: &str,
    email: &str,
    affiliation: &str,
    language: &str,
) -> Result<crate::domain::NewGuest, EventsError> {
    let draft = crate::domain::GuestDraft {
        name: name.into(),
        email: email.into(),
        affiliation: affiliation.into(),
        language: language.into(),
        website: String::new(),
    };
    let parsed = draft
        .parse()
        .map_err(|r| EventsError::Conflict(r.reason().into()))?;
    Ok(parsed?)
}
