//! Demo data for `glocal dev` and tests: real Korean local governments with their standard
//! administrative codes, the bureau's departments, staff and routing rules, and a handful of
//! requests walked through the workflow by the service itself.

use chrono::{Duration, Utc};
use glocal_kit::store::Db;
use glocal_kit::{Caller, Role};
use sea_orm::DatabaseConnection;

use crate::domain::directory::{Availability, parse_csv};
use crate::domain::{
    DepartmentCode, DestinationDraft, DetailsDraft, ExchangeDraft, InformationDraft, InquiryDraft,
    InterpretationDraft, LanguageCode, LocalizedName, MessageBody, NewRequest, Reason, RequestType,
    SubmitDraft, TranslationModeKind, VisitDraft,
};
use crate::error::RequestsError;
use crate::service::{Config, Department, OnlineBureau, ServiceRequest, StaffMember};
use crate::store::{directory as dir_store, routing as rule_store};

/// The bureau's own organisation code in demo tokens.
pub const BUREAU_ORG: &str = "GAOK";

/// Every local government with its standard administrative code (`data/local-governments.csv`,
/// source and date in `data/README.md`): what `glocal dev` and `glocal seed` load, and the
/// file `glocal import local-governments` keeps a deployment's directory in step with.
pub const LOCAL_GOVERNMENTS_CSV: &str = include_str!("../../../data/local-governments.csv");

const DEPARTMENTS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "INTERPRETATION",
        "국제통역번역팀",
        "Interpretation & Translation Team",
        "国际口笔译组",
        "国際通訳翻訳チーム",
    ),
    (
        "JAPAN_DESK",
        "대일협력팀",
        "Japan Cooperation Desk",
        "对日合作组",
        "対日協力チーム",
    ),
    (
        "EXCHANGE",
        "국제교류지원부",
        "International Exchange Support",
        "国际交流支援部",
        "国際交流支援部",
    ),
    (
        "OVERSEAS",
        "해외협력부",
        "Overseas Cooperation",
        "海外合作部",
        "海外協力部",
    ),
    (
        "RESEARCH",
        "조사연구부",
        "Research & Information",
        "调查研究部",
        "調査研究部",
    ),
    ("GENERAL", "총무부", "General Affairs", "总务部", "総務部"),
];

/// (id, subject, name, department, active). The inactive member of INTERPRETATION has the
/// lowest id there, so routing that forgot to skip inactive staff would pick them.
const STAFF: &[(&str, &str, &str, &str, bool)] = &[
    (
        "STF-100",
        "staff-interp-park",
        "박지민",
        "INTERPRETATION",
        false,
    ),
    (
        "STF-101",
        "staff-interp-kim",
        "김서연",
        "INTERPRETATION",
        true,
    ),
    (
        "STF-102",
        "staff-interp-lee",
        "이준호",
        "INTERPRETATION",
        true,
    ),
    (
        "STF-151",
        "staff-japan-sato",
        "사토 유키",
        "JAPAN_DESK",
        true,
    ),
    ("STF-201", "staff-exchange-choi", "최유진", "EXCHANGE", true),
    ("STF-202", "staff-exchange-jung", "정하늘", "EXCHANGE", true),
    ("STF-301", "staff-overseas-kang", "강도현", "OVERSEAS", true),
    ("STF-302", "staff-overseas-yoon", "윤소희", "OVERSEAS", true),
    ("STF-401", "staff-research-han", "한지우", "RESEARCH", true),
    ("STF-402", "staff-research-oh", "오세린", "RESEARCH", true),
    ("STF-501", "staff-general-seo", "서민재", "GENERAL", true),
    ("STF-502", "staff-general-moon", "문가은", "GENERAL", false),
];

/// (department, lead staff id): who hears of a breach in the department.
const LEADS: &[(&str, &str)] = &[
    ("INTERPRETATION", "STF-101"),
    ("JAPAN_DESK", "STF-151"),
    ("EXCHANGE", "STF-201"),
    ("OVERSEAS", "STF-301"),
    ("RESEARCH", "STF-401"),
    ("GENERAL", "STF-501"),
];

/// (type, language, department, priority).
const RULES: &[(&str, Option<&str>, &str, i32)] = &[
    ("INTERPRETATION_TRANSLATION", None, "INTERPRETATION", 10),
    ("INTERPRETATION_TRANSLATION", Some("ja"), "JAPAN_DESK", 10),
    ("INTERNATIONAL_EXCHANGE", None, "EXCHANGE", 10),
    ("OVERSEAS_VISIT", None, "OVERSEAS", 10),
    ("INFORMATION_REQUEST", None, "RESEARCH", 10),
    ("GENERAL_INQUIRY", None, "GENERAL", 10),
];

/// The callers the demo (and `glocal dev`'s printed tokens) act as: officials of Seoul and
/// Busan, staff of the interpretation, Japan desk and exchange departments, and an
/// administrator. `staff-japan-sato` is the assignee of any Korean–Japanese interpretation
/// request, such as the README walkthrough's.
pub fn demo_callers() -> Vec<Caller> {
    vec![
        Caller::new(
            "official-seoul",
            "김민지 (서울특별시)",
            "11000",
            [Role::LocalOfficial],
        ),
        Caller::new(
            "official-busan",
            "박성호 (부산광역시)",
            "26000",
            [Role::LocalOfficial],
        ),
        Caller::new(
            "staff-interp-kim",
            "김서연",
            BUREAU_ORG,
            [Role::BureauStaff],
        ),
        Caller::new(
            "staff-japan-sato",
            "사토 유키",
            BUREAU_ORG,
            [Role::BureauStaff],
        ),
        Caller::new(
            "staff-exchange-choi",
            "최유진",
            BUREAU_ORG,
            [Role::BureauStaff],
        ),
        Caller::new("admin", "관리자", BUREAU_ORG, [Role::BureauAdmin]),
    ]
}

/// Loads the directory (local governments, departments, staff, routing rules) when it is
/// empty; returns whether it did.
pub async fn seed_directory(db: &DatabaseConnection) -> Result<bool, RequestsError> {
    let db = Db::new(db.clone());
    if dir_store::has_local_governments(&db).await? {
        return Ok(false);
    }
    let names = |ko: &str, en: &str, zh: &str, ja: &str| LocalizedName {
        ko: ko.into(),
        en: en.into(),
        zh: zh.into(),
        ja: ja.into(),
    };
    let tx = db.begin().await?;
    let lines = parse_csv(LOCAL_GOVERNMENTS_CSV, &|_| None)
        .map_err(|e| RequestsError::Corrupt(format!("data/local-governments.csv: {e}")))?;
    for line in lines {
        dir_store::insert_local_government(&tx, &line.draft.to_view()).await?;
    }
    for (code, ko, en, zh, ja) in DEPARTMENTS {
        let dept = Department {
            code: (*code).into(),
            name: names(ko, en, zh, ja),
            lead_staff_id: None,
        };
        dir_store::insert_department(&tx, &dept).await?;
    }
    for (id, subject, name, dept, active) in STAFF {
        let member = StaffMember {
            id: (*id).into(),
            name: (*name).into(),
            department_code: (*dept).into(),
            active: *active,
            availability: Availability::default(),
        };
        dir_store::insert_staff(&tx, &member, subject).await?;
    }
    for (dept, lead) in LEADS {
        dir_store::set_department_lead(&tx, dept, lead).await?;
    }
    for (ty, lang, dept, priority) in RULES {
        let ty = RequestType::parse(ty)?;
        let lang = lang.map(LanguageCode::parse).transpose()?;
        let dept = DepartmentCode::parse(dept)?;
        rule_store::save_rule(&tx, None, ty, lang.as_ref(), &dept, *priority).await?;
    }
    tx.commit().await?;
    Ok(true)
}

fn caller(subject: &str) -> Result<Caller, RequestsError> {
    demo_callers()
        .into_iter()
        .find(|c| c.subject == subject)
        .ok_or(RequestsError::NotFound("demo caller"))
}

fn draft(
    key: &str,
    title: &str,
    description: &str,
    details: DetailsDraft,
) -> Result<NewRequest, RequestsError> {
    let draft = SubmitDraft {
        idempotency_key: key.into(),
        request_type: Some(details.request_type()),
        title: title.into(),
        description: description.into(),
        details: Some(details),
        local_government_code: String::new(),
    };
    Ok(draft.parse()?)
}

fn body(text: &str) -> Result<MessageBody, RequestsError> {
    Ok(MessageBody::parse(text)?)
}

/// Loads the directory and a handful of demo requests in different states, only when the
/// directory is empty; returns whether it seeded. Requests go through the service, so they
/// carry numbers, routing, history and outbox rows like any other.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<bool, RequestsError> {
    if !seed_directory(db).await? {
        return Ok(false);
    }
    let bureau = OnlineBureau::new(db.clone(), Config::default());
    let seoul = caller("official-seoul")?;
    let busan = caller("official-busan")?;
    let interp = caller("staff-interp-kim")?;
    let admin = caller("admin")?;
    let soon = (Utc::now() + Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let later = (Utc::now() + Duration::days(32))
        .format("%Y-%m-%d")
        .to_string();

    // The overdue request first: it is backdated, and lists come newest first by submission,
    // so its number and place must be the oldest too.
    let tokyo = bureau
        .submit(
            Some(&seoul),
            draft(
                "demo-2",
                "Japanese interpreter for the Tokyo delegation",
                "A delegation from Tokyo Metropolitan Government visits City Hall; we need consecutive interpretation.",
                DetailsDraft::InterpretationTranslation(InterpretationDraft {
                    mode: Some(TranslationModeKind::Interpretation),
                    source_language: "ko".into(),
                    target_language: "ja".into(),
                    start_date: soon.clone(),
                    end_date: later.clone(),
                    venue: "Seoul City Hall, Conference Room 3".into(),
                    ..InterpretationDraft::default()
                }),
            )?,
        )
        .await?;
    backdate(db, &tokyo, Duration::days(20)).await?;
    // A colleague asked for the same interpreter again: the bureau folds the duplicate into
    // the original (ADR 0024).
    let again = bureau
        .submit(
            Some(&Caller::new(
                "official-seoul-2",
                "박서준 (서울특별시)",
                "11000",
                [Role::LocalOfficial],
            )),
            draft(
                "demo-7",
                "Interpreter for the Tokyo delegation (City Hall visit)",
                "Same visit as the request of our international relations team.",
                DetailsDraft::InterpretationTranslation(InterpretationDraft {
                    mode: Some(TranslationModeKind::Interpretation),
                    source_language: "ko".into(),
                    target_language: "ja".into(),
                    start_date: soon.clone(),
                    end_date: later.clone(),
                    venue: "Seoul City Hall, Conference Room 3".into(),
                    ..InterpretationDraft::default()
                }),
            )?,
        )
        .await?;
    bureau
        .merge(
            Some(&admin),
            again.id,
            again.version,
            tokyo.id,
            Some(Reason::parse("Same delegation and dates")?),
        )
        .await?;

    let translation = bureau
        .submit(
            Some(&seoul),
            draft(
                "demo-1",
                "Translate the 2026 tourism brochure into English",
                "Our 24-page brochure on Seoul's night tourism (서울 야간관광 안내 책자) needs an English version for the ITB Berlin fair.",
                DetailsDraft::InterpretationTranslation(InterpretationDraft {
                    mode: Some(TranslationModeKind::Translation),
                    source_language: "ko".into(),
                    target_language: "en".into(),
                    document_pages: 24,
                    ..InterpretationDraft::default()
                }),
            )?,
        )
        .await?;
    let translation = bureau
        .send_mid_response(
            Some(&interp),
            translation.id,
            translation.version,
            body("We have started; a first draft will be ready within the week.")?,
            Some(Utc::now() + Duration::days(5)),
        )
        .await?;
    let _ = translation;

    let exchange = bureau
        .submit(
            Some(&busan),
            draft(
                "demo-3",
                "Sister-city agreement with Fukuoka: protocol support",
                "We plan to renew the sister-city agreement with Fukuoka and need advice on the ceremony and the text.",
                DetailsDraft::InternationalExchange(ExchangeDraft {
                    partner_country: "JP".into(),
                    partner_organization: "Fukuoka City".into(),
                    exchange_kind: "SISTER_CITY".into(),
                }),
            )?,
        )
        .await?;
    let exchange = bureau
        .send_final_response(
            Some(&admin),
            exchange.id,
            exchange.version,
            body("Attached: the protocol checklist and a draft text.")?,
        )
        .await?;
    bureau
        .close(Some(&busan), exchange.id, exchange.version)
        .await?;

    let visit = bureau
        .submit(
            Some(&busan),
            draft(
                "demo-4",
                "Study visit on smart ports",
                "A delegation of port officials will study smart port operations in Rotterdam and Hamburg.",
                DetailsDraft::OverseasVisit(VisitDraft {
                    destinations: vec![
                        DestinationDraft { country: "NL".into(), city: "Rotterdam".into() },
                        DestinationDraft { country: "DE".into(), city: "Hamburg".into() },
                    ],
                    departure_date: soon,
                    return_date: later,
                    delegation_size: 8,
                    purpose: "Benchmark smart port operations and meet port authorities.".into(),
                }),
            )?,
        )
        .await?;
    // The bureau needs an answer from Busan first: the request awaits its requester and its
    // clock stands still.
    bureau
        .ask_requester(
            Some(&admin),
            visit.id,
            visit.version,
            body("Should the programme include the Port of Antwerp as well? Please confirm the delegation list.")?,
        )
        .await?;

    let research = bureau
        .submit(
            Some(&seoul),
            draft(
                "demo-5",
                "Foreign cases of youth housing policy",
                "We are looking for examples of youth housing support in European capitals.",
                DetailsDraft::InformationRequest(InformationDraft {
                    topic: "Youth housing".into(),
                    countries: vec!["FR".into(), "DE".into(), "AT".into()],
                    needed_by: String::new(),
                }),
            )?,
        )
        .await?;
    bureau
        .withdraw(
            Some(&seoul),
            research.id,
            research.version,
            Some(Reason::parse("Found the material ourselves")?),
        )
        .await?;

    let inquiry = bureau
        .submit(
            Some(&seoul),
            draft(
                "demo-6",
                "Who handles visa letters for invited experts?",
                "We invite two experts from Singapore; which office issues the invitation letter?",
                DetailsDraft::GeneralInquiry(InquiryDraft {
                    topic: "Invitations".into(),
                }),
            )?,
        )
        .await?;
    reassign_demo(&bureau, &admin, inquiry).await?;
    // The backdated Tokyo request is past its first-response and resolution due times: one
    // scheduler run marks both breached (and tells the Japan desk's lead), as a running
    // service would.
    bureau.run_sla_scheduler().await?;
    Ok(true)
}

/// Moves `request`'s submission, due and warning times `by` into the past, so the demo holds
/// a request the bureau owes an answer on (`serviceRequests(filter: { overdue: true })` finds
/// it, and the scheduler marks it breached).
async fn backdate(
    db: &DatabaseConnection,
    request: &ServiceRequest,
    by: Duration,
) -> Result<(), RequestsError> {
    use crate::store::entities::service_request::{Column, Entity};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Entity::update_many()
        .col_expr(Column::CreatedAt, Expr::value(request.created_at - by))
        .col_expr(Column::UpdatedAt, Expr::value(request.updated_at - by))
        .col_expr(
            Column::FirstResponseDueAt,
            Expr::value(request.first_response_due_at - by),
        )
        .col_expr(
            Column::ResolutionDueAt,
            Expr::value(request.resolution_due_at - by),
        )
        .col_expr(Column::WarningAt, Expr::value(request.created_at - by))
        .col_expr(
            Column::FirstResponseWarningAt,
            Expr::value(request.created_at - by),
        )
        .filter(Column::Id.eq(request.id.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

async fn reassign_demo(
    bureau: &OnlineBureau,
    admin: &Caller,
    inquiry: ServiceRequest,
) -> Result<(), RequestsError> {
    let to = DepartmentCode::parse("OVERSEAS")?;
    let moved = bureau
        .reassign(
            Some(admin),
            inquiry.id,
            inquiry.version,
            to,
            None,
            "Visa letters are handled by Overseas Cooperation".into(),
        )
        .await?;
    bureau
        .add_note(
            Some(admin),
            moved.id,
            body("Check the template from last year's invitation.")?,
        )
        .await?;
    Ok(())
}
