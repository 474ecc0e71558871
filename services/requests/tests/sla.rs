//! Service levels on real databases (PostgreSQL and SQLite): the pause while awaiting the
//! requester, the scheduler's warnings and breaches (once, with two schedulers racing), the
//! business calendar and policies as audited admin data, the queue's filters and order, and
//! the compliance figures.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::{Caller, Role};
use glocal_requests::domain::sla::SlaClock;
use glocal_requests::domain::statistics::StatisticsDimension;
use glocal_requests::domain::{
    DetailsDraft, InquiryDraft, InterpretationDraft, LocalizedName, MessageBody, MessageKind,
    RequestState, RequestType, SubmitDraft, TranslationModeKind,
};
use glocal_requests::service::{
    HolidayDraft, PageRequest, RequestFilter, RequestOrder, SchedulerRun, ServiceRequest,
    SlaPolicyDraft, StatisticsQuery,
};
use glocal_requests::{Config, OnlineBureau, RequestsError};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};

struct Env {
    db: DatabaseConnection,
    bureau: OnlineBureau,
    now: Arc<Mutex<DateTime<Utc>>>,
}

/// An instant given as KST wall-clock time.
fn kst(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{text}+09:00"))
        .unwrap()
        .with_timezone(&Utc)
}

fn bureau_on(db: &DatabaseConnection, now: &Arc<Mutex<DateTime<Utc>>>) -> OnlineBureau {
    let clock = now.clone();
    OnlineBureau::new(db.clone(), Config::default())
        .with_clock(Arc::new(move || *clock.lock().unwrap()))
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_requests::migrate(&db).await.unwrap();
        assert!(glocal_requests::demo::seed_directory(&db).await.unwrap());
        // Tuesday 1 December 2026, 10:00 KST.
        let now = Arc::new(Mutex::new(kst("2026-12-01T10:00:00")));
        let bureau = bureau_on(&db, &now);
        Env { db, bureau, now }
    }

    fn set(&self, at: DateTime<Utc>) {
        *self.now.lock().unwrap() = at;
    }

    async fn count(&self, table: &str) -> i64 {
        glocal_kit::testing::count_rows(&self.db, table).await
    }

    /// Every outbox row of `event_type`, payload parsed, in order.
    /// The payloads of `event_type` about `target` (`FIRST_RESPONSE` or `RESOLUTION`).
    async fn events_of(&self, event_type: &str, target: &str) -> Vec<Value> {
        self.events(event_type)
            .await
            .into_iter()
            .filter(|p| p["target"] == target)
            .collect()
    }

    async fn events(&self, event_type: &str) -> Vec<Value> {
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(
                self.db.get_database_backend(),
                match self.db.get_database_backend() {
                    sea_orm::DbBackend::Postgres => {
                        "SELECT payload FROM outbox WHERE event_type = $1 ORDER BY seq"
                    }
                    _ => "SELECT payload FROM outbox WHERE event_type = ? ORDER BY seq",
                },
                [event_type.into()],
            ))
            .await
            .unwrap();
        rows.into_iter()
            .map(|r| serde_json::from_str(&r.try_get::<String>("", "payload").unwrap()).unwrap())
            .collect()
    }

    async fn get(&self, r: &ServiceRequest) -> ServiceRequest {
        self.bureau.get(Some(&admin()), r.id).await.unwrap()
    }
}

fn seoul() -> Caller {
    Caller::new("official-seoul", "김민지", "11000", [Role::LocalOfficial])
}

fn staff(subject: &str) -> Caller {
    Caller::new(subject, subject, "GAOK", [Role::BureauStaff])
}

fn admin() -> Caller {
    Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin])
}

fn translation(key: &str) -> SubmitDraft {
    SubmitDraft {
        idempotency_key: key.into(),
        request_type: Some(RequestType::InterpretationTranslation),
        title: format!("Translate {key}"),
        description: "A brochure".into(),
        details: Some(DetailsDraft::InterpretationTranslation(
            InterpretationDraft {
                mode: Some(TranslationModeKind::Translation),
                source_language: "ko".into(),
                target_language: "en".into(),
                document_pages: 10,
                ..InterpretationDraft::default()
            },
        )),
        local_government_code: String::new(),
    }
}

fn inquiry(key: &str) -> SubmitDraft {
    SubmitDraft {
        idempotency_key: key.into(),
        request_type: Some(RequestType::GeneralInquiry),
        title: format!("Question {key}"),
        description: "Who do we ask?".into(),
        details: Some(DetailsDraft::GeneralInquiry(InquiryDraft {
            topic: "Anything".into(),
        })),
        local_government_code: String::new(),
    }
}

async fn submit(env: &Env, draft: SubmitDraft) -> ServiceRequest {
    env.bureau
        .submit(Some(&seoul()), draft.parse().unwrap())
        .await
        .unwrap()
}

fn body(s: &str) -> MessageBody {
    MessageBody::parse(s).unwrap()
}

fn assert_code<T: std::fmt::Debug>(r: Result<T, RequestsError>, want: ErrorCode) -> RequestsError {
    let e = r.unwrap_err();
    assert_eq!(e.code(), want, "{e}");
    e
}

fn names(en: &str) -> LocalizedName {
    LocalizedName {
        ko: format!("{en} (ko)"),
        en: en.into(),
        zh: format!("{en} (zh)"),
        ja: format!("{en} (ja)"),
    }
}

async fn due_times_follow_the_business_calendar(env: Env) {
    // Submitted Tuesday 10:00: four business hours to the first response, three working
    // days (9 h each) to the resolution.
    let r = submit(&env, translation("t1")).await;
    assert_eq!(r.first_response_due_at, kst("2026-12-01T14:00:00"));
    assert_eq!(r.resolution_due_at, kst("2026-12-04T10:00:00"));
    assert_eq!(r.sla.resolution_clock, SlaClock::Business);
    assert_eq!(r.sla.remaining_minutes, Some(1_620));
    // Filed at 23:59 on Friday: Monday 13:00 for the first response.
    env.set(kst("2026-12-04T23:59:00"));
    let late = submit(&env, translation("t2")).await;
    assert_eq!(late.first_response_due_at, kst("2026-12-07T13:00:00"));
    // Christmas (Friday 25 December) is a holiday.
    env.set(kst("2026-12-24T17:00:00"));
    let xmas = submit(&env, inquiry("q1")).await;
    assert_eq!(xmas.first_response_due_at, kst("2026-12-28T10:00:00"));
}

async fn asking_pauses_the_clock_and_the_reply_resumes_it(env: Env) {
    let kim = staff("staff-interp-kim");
    let r = submit(&env, translation("t1")).await;
    // Officials may not ask; staff of another department do not even see the request.
    assert_code(
        env.bureau
            .ask_requester(Some(&seoul()), r.id, r.version, body("?"))
            .await,
        ErrorCode::Forbidden,
    );
    assert_code(
        env.bureau
            .ask_requester(
                Some(&staff("staff-general-seo")),
                r.id,
                r.version,
                body("?"),
            )
            .await,
        ErrorCode::NotFound,
    );
    env.set(kst("2026-12-01T11:00:00"));
    let asked = env
        .bureau
        .ask_requester(Some(&kim), r.id, r.version, body("Which font do you use?"))
        .await
        .unwrap();
    assert_eq!(asked.state, RequestState::AwaitingRequester);
    assert_eq!(asked.sla.paused_since, Some(kst("2026-12-01T11:00:00")));
    assert_eq!(asked.sla.remaining_minutes, Some(1_620 - 60));
    assert_eq!(asked.messages.last().unwrap().kind, MessageKind::Question);
    assert_eq!(asked.history.last().unwrap().action, "ask_requester");
    // A stale version changes nothing; asking again is a conflict.
    assert_code(
        env.bureau
            .ask_requester(Some(&kim), r.id, r.version, body("again"))
            .await,
        ErrorCode::Conflict,
    );
    assert_code(
        env.bureau
            .ask_requester(Some(&kim), r.id, asked.version, body("again"))
            .await,
        ErrorCode::Conflict,
    );

    // A week passes: the clock stands still, nothing is overdue or breached.
    env.set(kst("2026-12-08T11:00:00"));
    let waiting = env.get(&r).await;
    assert_eq!(waiting.sla.remaining_minutes, Some(1_560));
    assert!(!waiting.overdue);
    assert!(!waiting.sla.first_response_breached && !waiting.sla.resolution_breached);
    assert_eq!(
        env.bureau.run_sla_scheduler().await.unwrap(),
        SchedulerRun::default()
    );
    // Staff may not reply for the requester.
    assert_code(
        env.bureau.reply(Some(&kim), r.id, body("x")).await,
        ErrorCode::Forbidden,
    );

    // The reply resumes: back to STAFF_ASSIGNED, each due time moved by the pause (the time
    // left counts from now: 26 business hours to the resolution, 3 to the first response).
    let resumed = env
        .bureau
        .reply(Some(&seoul()), r.id, body("Noto Sans, 11 pt."))
        .await
        .unwrap();
    assert_eq!(resumed.state, RequestState::StaffAssigned);
    assert_eq!(resumed.sla.paused_since, None);
    assert_eq!(resumed.first_response_due_at, kst("2026-12-08T14:00:00"));
    assert_eq!(resumed.resolution_due_at, kst("2026-12-11T10:00:00"));
    assert_eq!(resumed.sla.remaining_minutes, Some(1_560));
    let actions: Vec<&str> = resumed.history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(&actions[actions.len() - 2..], ["ask_requester", "resume"]);
    let resume = resumed.history.last().unwrap();
    assert_eq!(resume.from_state, Some(RequestState::AwaitingRequester));
    let note = glocal_kit::i18n::Stored::parse(&resume.note).render(glocal_kit::i18n::Lang::En);
    assert!(note.contains("after 2700 business minutes"), "{note}");
    let ko = glocal_kit::i18n::Stored::parse(&resume.note).render(glocal_kit::i18n::Lang::Ko);
    assert!(ko.contains("업무 시간 2700분"), "{ko}");

    // The change events carry the contract's fields.
    let asked_events = env.events("ServiceRequestQuestionAsked").await;
    assert_eq!(asked_events.len(), 1);
    let e = &asked_events[0];
    assert_eq!(e["number"], r.number.to_string());
    assert_eq!(e["title"], "Translate t1");
    assert_eq!(e["state"], "AWAITING_REQUESTER");
    assert_eq!(e["requester"], "official-seoul");
    assert_eq!(e["assignee"], "staff-interp-kim");
    assert_eq!(e["departmentLead"], "staff-interp-kim");
    assert_eq!(e["messageKind"], "QUESTION");
    assert_eq!(e["message"], "Which font do you use?");
    let replied = env.events("ServiceRequestReplied").await;
    assert_eq!(replied.len(), 1);
    assert_eq!(replied[0]["action"], "resume");
    assert_eq!(replied[0]["state"], "STAFF_ASSIGNED");
    assert_eq!(replied[0]["messageKind"], "REQUESTER_REPLY");
    let due: DateTime<Utc> = replied[0]["dueAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(due, kst("2026-12-11T10:00:00"));

    // A later reply while not paused is a message only, still a Replied event.
    let again = env
        .bureau
        .reply(Some(&seoul()), r.id, body("Also: A4."))
        .await
        .unwrap();
    assert_eq!(again.state, RequestState::StaffAssigned);
    assert_eq!(again.resolution_due_at, resumed.resolution_due_at);
    assert_eq!(env.events("ServiceRequestReplied").await.len(), 2);
}

async fn the_scheduler_warns_then_marks_the_breach_once(env: Env) {
    // General inquiry: two working days (1,080 min), warned at 75 % (810 min).
    let q = submit(&env, inquiry("q1")).await;
    let paused = submit(&env, inquiry("q2")).await;
    env.bureau
        .ask_requester(
            Some(&staff("staff-general-seo")),
            paused.id,
            paused.version,
            body("Which experts?"),
        )
        .await
        .unwrap();
    assert_eq!(q.resolution_due_at, kst("2026-12-03T10:00:00"));
    // The first response (two working hours, warned at 90 minutes) comes first.
    assert_eq!(q.first_response_due_at, kst("2026-12-01T12:00:00"));
    env.set(kst("2026-12-01T11:29:00"));
    assert_eq!(
        env.bureau.run_sla_scheduler().await.unwrap(),
        SchedulerRun::default()
    );
    env.set(kst("2026-12-01T11:30:00"));
    let run = env.bureau.run_sla_scheduler().await.unwrap();
    assert_eq!(
        run,
        SchedulerRun {
            warned: 1,
            breached: 0
        }
    );
    env.set(kst("2026-12-01T12:00:00"));
    let run = env.bureau.run_sla_scheduler().await.unwrap();
    assert_eq!(
        run,
        SchedulerRun {
            warned: 0,
            breached: 1
        }
    );
    let first = env.get(&q).await;
    assert!(first.sla.first_response_breached);
    assert!(!first.sla.resolution_breached);
    assert_eq!((first.sla.warned_at, first.sla.breached_at), (None, None));
    assert_eq!(
        first.history.last().unwrap().action,
        "sla_first_response_breach"
    );
    let w = env
        .events_of("ServiceRequestSlaWarning", "FIRST_RESPONSE")
        .await;
    assert_eq!(w.len(), 1);
    assert_eq!(
        w[0]["targetDueAt"],
        json!(q.first_response_due_at.to_rfc3339())
    );
    let b = env
        .events_of("ServiceRequestSlaBreached", "FIRST_RESPONSE")
        .await;
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["departmentLead"], "staff-general-seo");

    // Then the resolution.
    env.set(kst("2026-12-02T14:29:00"));
    assert_eq!(
        env.bureau.run_sla_scheduler().await.unwrap(),
        SchedulerRun::default()
    );
    env.set(kst("2026-12-02T14:30:00"));
    let run = env.bureau.run_sla_scheduler().await.unwrap();
    assert_eq!(
        run,
        SchedulerRun {
            warned: 1,
            breached: 0
        }
    );
    assert_eq!(
        env.bureau.run_sla_scheduler().await.unwrap(),
        SchedulerRun::default()
    );
    let warned = env.get(&q).await;
    assert_eq!(warned.sla.warned_at, Some(kst("2026-12-02T14:30:00")));
    assert!(!warned.sla.resolution_breached);
    let warnings = env
        .events_of("ServiceRequestSlaWarning", "RESOLUTION")
        .await;
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["assignee"], "staff-general-seo");
    assert_eq!(warnings[0]["number"], q.number.to_string());

    env.set(kst("2026-12-03T10:01:00"));
    let run = env.bureau.run_sla_scheduler().await.unwrap();
    assert_eq!(
        run,
        SchedulerRun {
            warned: 0,
            breached: 1
        }
    );
    assert_eq!(
        env.bureau.run_sla_scheduler().await.unwrap(),
        SchedulerRun::default()
    );
    let breached = env.get(&q).await;
    assert!(breached.sla.resolution_breached);
    assert_eq!(breached.sla.breached_at, Some(kst("2026-12-03T10:01:00")));
    assert_eq!(breached.sla.remaining_minutes, Some(-1));
    assert_eq!(breached.history.last().unwrap().action, "sla_breach");
    let breaches = env
        .events_of("ServiceRequestSlaBreached", "RESOLUTION")
        .await;
    assert_eq!(breaches.len(), 1);
    assert_eq!(env.events("ServiceRequestSlaBreached").await.len(), 2);
    assert_eq!(breaches[0]["departmentLead"], "staff-general-seo");
    assert_eq!(breaches[0]["state"], "STAFF_ASSIGNED");
    // The paused request was neither warned nor marked.
    let still = env.get(&paused).await;
    assert_eq!((still.sla.warned_at, still.sla.breached_at), (None, None));

    // The four marks are the bureau's own: staff see them, the requester none of them.
    let marks: Vec<&str> = breached
        .history
        .iter()
        .map(|h| h.action.as_str())
        .filter(|a| a.starts_with("sla_"))
        .collect();
    assert_eq!(
        marks,
        [
            "sla_first_response_warning",
            "sla_first_response_breach",
            "sla_warning",
            "sla_breach"
        ]
    );
    let requester_view = env.bureau.get(Some(&seoul()), q.id).await.unwrap();
    let seen: Vec<&str> = requester_view
        .history
        .iter()
        .map(|h| h.action.as_str())
        .filter(|a| a.starts_with("sla_"))
        .collect();
    assert!(seen.is_empty(), "the requester sees {seen:?}");

    // Answering late keeps the breach on record.
    let seo = staff("staff-general-seo");
    let answered = env
        .bureau
        .send_final_response(Some(&seo), q.id, breached.version, body("Done."))
        .await
        .unwrap();
    assert!(answered.sla.resolution_breached);
    assert_eq!(answered.sla.remaining_minutes, None);
}

async fn two_schedulers_mark_each_request_once(env: Env) {
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(submit(&env, inquiry(&format!("q{i}"))).await.id);
    }
    // Past every warning time but before the due time, then past the due time, first of
    // the first response, then of the resolution: two schedulers on the same database race
    // for each mark.
    let other = bureau_on(&env.db, &env.now);
    for at in [
        "2026-12-01T11:45:00",
        "2026-12-01T12:30:00",
        "2026-12-02T17:00:00",
        "2026-12-03T11:00:00",
    ] {
        env.set(kst(at));
        let (a, b) = tokio::join!(env.bureau.run_sla_scheduler(), other.run_sla_scheduler());
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(
            a.warned + b.warned + a.breached + b.breached,
            8,
            "{at}: {a:?} {b:?}"
        );
    }
    for event in ["ServiceRequestSlaWarning", "ServiceRequestSlaBreached"] {
        for target in ["FIRST_RESPONSE", "RESOLUTION"] {
            assert_eq!(
                env.events_of(event, target).await.len(),
                8,
                "{event} {target}"
            );
        }
    }
    let history = env.count("request_history").await;
    let (a, b) = tokio::join!(env.bureau.run_sla_scheduler(), other.run_sla_scheduler());
    assert_eq!(
        (a.unwrap(), b.unwrap()),
        (SchedulerRun::default(), SchedulerRun::default())
    );
    assert_eq!(env.count("request_history").await, history);
}

async fn the_calendar_is_audited_admin_data(env: Env) {
    let year = env
        .bureau
        .business_calendar(Some(&seoul()), 2025)
        .await
        .unwrap();
    assert_eq!(year.holidays.len(), 19);
    assert_eq!(year.workday_start.to_string(), "09:00:00");
    // 365 days, 104 weekend days, 17 holidays on weekdays (1 March and 5 October fell on a
    // weekend).
    assert_eq!(year.working_days, 365 - 104 - 17);
    assert_code(
        env.bureau.business_calendar(Some(&seoul()), 1999).await,
        ErrorCode::BadUserInput,
    );

    let founders = HolidayDraft {
        date: "2026-12-03".into(),
        kind: "ONE_OFF".into(),
        name: names("Founders' day off"),
    };
    assert_code(
        env.bureau
            .set_holiday(Some(&staff("staff-interp-kim")), founders.clone())
            .await,
        ErrorCode::Forbidden,
    );
    let (audit, outbox) = (env.count("sla_audit").await, env.count("outbox").await);
    for (bad, field) in [
        (
            HolidayDraft {
                date: "2026-13-01".into(),
                ..founders.clone()
            },
            "date",
        ),
        (
            HolidayDraft {
                kind: "FEAST".into(),
                ..founders.clone()
            },
            "kind",
        ),
        (
            HolidayDraft {
                name: LocalizedName {
                    ja: " ".into(),
                    ..names("x")
                },
                ..founders.clone()
            },
            "name.ja",
        ),
    ] {
        let e = assert_code(
            env.bureau.set_holiday(Some(&admin()), bad).await,
            ErrorCode::BadUserInput,
        );
        assert_eq!(e.field(), Some(field));
    }
    assert_eq!(
        (env.count("sla_audit").await, env.count("outbox").await),
        (audit, outbox)
    );

    // Submitted before the holiday is added: its due time stays (documented); submitted
    // after: the new holiday is skipped.
    let before = submit(&env, translation("t1")).await;
    env.bureau
        .set_holiday(Some(&admin()), founders.clone())
        .await
        .unwrap();
    assert_eq!(
        env.get(&before).await.resolution_due_at,
        kst("2026-12-04T10:00:00")
    );
    let after = submit(&env, translation("t2")).await;
    assert_eq!(after.resolution_due_at, kst("2026-12-07T10:00:00"));
    let december = env
        .bureau
        .business_calendar(Some(&admin()), 2026)
        .await
        .unwrap();
    assert!(
        december
            .holidays
            .iter()
            .any(|h| h.name.en == "Founders' day off")
    );
    let changes = env.events("BusinessCalendarChanged").await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["date"], "2026-12-03");
    assert_eq!(changes[0]["action"], "SET_HOLIDAY");

    assert_code(
        env.bureau
            .remove_holiday(Some(&admin()), "2026-12-02")
            .await,
        ErrorCode::NotFound,
    );
    let removed = env
        .bureau
        .remove_holiday(Some(&admin()), "2026-12-03")
        .await
        .unwrap();
    assert_eq!(removed.name.en, "Founders' day off");
    assert_eq!(env.count("sla_audit").await, audit + 2);
    assert_eq!(env.events("BusinessCalendarChanged").await.len(), 2);
}

async fn policies_are_audited_admin_data(env: Env) {
    let policies = env.bureau.sla_policies(Some(&seoul())).await.unwrap();
    assert_eq!(policies.len(), RequestType::ALL.len());
    let draft = SlaPolicyDraft {
        request_type: RequestType::GeneralInquiry,
        first_response_minutes: 60,
        first_response_clock: "CALENDAR".into(),
        resolution_minutes: 2_880,
        resolution_clock: "CALENDAR".into(),
        warning_percent: 50,
    };
    assert_code(
        env.bureau
            .set_sla_policy(Some(&staff("staff-general-seo")), draft.clone())
            .await,
        ErrorCode::Forbidden,
    );
    for (bad, field) in [
        (
            SlaPolicyDraft {
                warning_percent: 100,
                ..draft.clone()
            },
            "warningPercent",
        ),
        (
            SlaPolicyDraft {
                resolution_clock: "LUNAR".into(),
                ..draft.clone()
            },
            "resolutionClock",
        ),
        (
            SlaPolicyDraft {
                first_response_minutes: 3_000,
                ..draft.clone()
            },
            "firstResponseMinutes",
        ),
    ] {
        let e = assert_code(
            env.bureau.set_sla_policy(Some(&admin()), bad).await,
            ErrorCode::BadUserInput,
        );
        assert_eq!(e.field(), Some(field));
    }
    assert_eq!(env.count("sla_audit").await, 0);
    let saved = env
        .bureau
        .set_sla_policy(Some(&admin()), draft)
        .await
        .unwrap();
    assert_eq!(saved.warning_percent, 50);
    assert_eq!(env.count("sla_audit").await, 1);
    assert_eq!(env.events("SlaPolicyChanged").await.len(), 1);
    // Around the clock: two days from Tuesday 10:00 is Thursday 10:00, nights included;
    // the warning comes at half time.
    let q = submit(&env, inquiry("q1")).await;
    assert_eq!(q.resolution_due_at, kst("2026-12-03T10:00:00"));
    assert_eq!(q.first_response_due_at, kst("2026-12-01T11:00:00"));
    assert_eq!(q.sla.resolution_clock, SlaClock::Calendar);
    env.set(kst("2026-12-02T10:00:00"));
    assert_eq!(env.bureau.run_sla_scheduler().await.unwrap().warned, 1);
}

async fn the_queue_filters_and_sorts_by_due_time_and_breach(env: Env) {
    let t = submit(&env, translation("t1")).await; // due Fri 4th 10:00
    let q = submit(&env, inquiry("q1")).await; // due Thu 3rd 10:00
    env.set(kst("2026-12-01T15:00:00"));
    let q2 = submit(&env, inquiry("q2")).await; // due Thu 3rd 15:00
    let admin = admin();
    let list = |filter: RequestFilter, order: RequestOrder, page: PageRequest| {
        let bureau = env.bureau.clone();
        let admin = admin.clone();
        async move {
            bureau
                .list(Some(&admin), filter, order, page, false)
                .await
                .unwrap()
        }
    };
    let page = list(
        RequestFilter::default(),
        RequestOrder::DueSoonest,
        PageRequest {
            first: 2,
            after: None,
        },
    )
    .await;
    let ids: Vec<_> = page.items.iter().map(|r| r.id).collect();
    assert_eq!(ids, [q.id, q2.id]);
    assert!(page.has_next_page);
    let rest = list(
        RequestFilter::default(),
        RequestOrder::DueSoonest,
        PageRequest {
            first: 2,
            after: page.cursors.last().cloned(),
        },
    )
    .await;
    assert_eq!(rest.items.iter().map(|r| r.id).collect::<Vec<_>>(), [t.id]);
    // A newest-first cursor is not a due-order cursor.
    let newest = list(
        RequestFilter::default(),
        RequestOrder::Newest,
        PageRequest::default(),
    )
    .await;
    assert_eq!(newest.items[0].id, q2.id);
    let e = assert_code(
        env.bureau
            .list(
                Some(&admin),
                RequestFilter::default(),
                RequestOrder::DueSoonest,
                PageRequest {
                    first: 1,
                    after: newest.cursors.first().cloned(),
                },
                false,
            )
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("after"));

    // Due before Thursday noon: the first inquiry only.
    let due_soon = list(
        RequestFilter {
            due_before: Some(kst("2026-12-03T12:00:00")),
            ..Default::default()
        },
        RequestOrder::DueSoonest,
        PageRequest::default(),
    )
    .await;
    assert_eq!(
        due_soon.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [q.id]
    );

    // Thursday 12:00: the first inquiry is breached (before the scheduler marks it, too).
    env.set(kst("2026-12-03T12:00:00"));
    let breached = |b| RequestFilter {
        breached: Some(b),
        ..Default::default()
    };
    let ids = |p: glocal_requests::service::RequestPage| {
        p.items.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(list(
            breached(true),
            RequestOrder::DueSoonest,
            PageRequest::default()
        )
        .await),
        [q.id]
    );
    env.bureau.run_sla_scheduler().await.unwrap();
    assert_eq!(
        ids(list(
            breached(true),
            RequestOrder::DueSoonest,
            PageRequest::default()
        )
        .await),
        [q.id]
    );
    assert_eq!(
        ids(list(
            breached(false),
            RequestOrder::DueSoonest,
            PageRequest::default()
        )
        .await),
        [q2.id, t.id]
    );
    // Awaiting the requester: the queue can ask for exactly those.
    let kim = staff("staff-interp-kim");
    env.bureau
        .ask_requester(Some(&kim), t.id, t.version, body("Deadline?"))
        .await
        .unwrap();
    let awaiting = list(
        RequestFilter {
            states: vec![RequestState::AwaitingRequester],
            ..Default::default()
        },
        RequestOrder::DueSoonest,
        PageRequest::default(),
    )
    .await;
    assert_eq!(ids(awaiting), [t.id]);

    // Compliance: GENERAL has one breached and one pending inquiry, INTERPRETATION one
    // pending translation; staff see their own department only; officials none.
    let from = kst("2026-12-01T00:00:00");
    let to = kst("2026-12-31T00:00:00");
    let rows = env
        .bureau
        .sla_compliance(Some(&admin), from, to, None)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let general = rows
        .iter()
        .find(|r| r.department_code.as_deref() == Some("GENERAL"))
        .unwrap();
    assert_eq!(general.request_type, RequestType::GeneralInquiry);
    assert_eq!(
        (
            general.tally.total,
            general.tally.breached,
            general.tally.pending
        ),
        (2, 1, 1)
    );
    assert_eq!(general.tally.compliance_percent(), Some(0.0));
    let mine = env
        .bureau
        .sla_compliance(Some(&kim), from, to, None)
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].department_code.as_deref(), Some("INTERPRETATION"));
    assert_code(
        env.bureau
            .sla_compliance(Some(&seoul()), from, to, None)
            .await,
        ErrorCode::Forbidden,
    );
    assert_code(
        env.bureau
            .sla_compliance(Some(&admin), to, from, None)
            .await,
        ErrorCode::BadUserInput,
    );
}

async fn request_statistics_count_and_time_answers_within_scope(env: Env) {
    // Two inquiries and a translation on Tuesday 1 December (KST); one inquiry is answered
    // 30 minutes later and in full the next day.
    let q1 = submit(&env, inquiry("s1")).await;
    submit(&env, inquiry("s2")).await;
    submit(&env, translation("s3")).await;
    let seo = staff("staff-general-seo");
    env.set(kst("2026-12-01T10:30:00"));
    let mid = env
        .bureau
        .send_mid_response(
            Some(&seo),
            q1.id,
            q1.version,
            body("Looking."),
            Some(kst("2026-12-02T18:00:00")),
        )
        .await
        .unwrap();
    env.set(kst("2026-12-02T10:00:00"));
    env.bureau
        .send_final_response(Some(&seo), q1.id, mid.version, body("Done."))
        .await
        .unwrap();
    // Submitted in January: outside December's report.
    env.set(kst("2027-01-05T10:00:00"));
    submit(&env, inquiry("s4")).await;

    let december = |group_by: Vec<StatisticsDimension>| StatisticsQuery {
        from: kst("2026-12-01T00:00:00"),
        to: kst("2027-01-01T00:00:00"),
        group_by,
        ..StatisticsQuery::default()
    };
    let all = env
        .bureau
        .request_statistics(Some(&admin()), december(vec![]))
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let row = &all[0];
    assert_eq!((row.submitted, row.open, row.answered), (3, 2, 1));
    let first = row.first_response.unwrap();
    assert_eq!((first.count, first.median_minutes), (1, 30));
    assert_eq!(row.resolution.unwrap().median_minutes, 24 * 60);

    let by_type = env
        .bureau
        .request_statistics(
            Some(&admin()),
            december(vec![StatisticsDimension::Type, StatisticsDimension::Month]),
        )
        .await
        .unwrap();
    let counts: Vec<(RequestType, &str, u64)> = by_type
        .iter()
        .map(|r| {
            (
                r.key.request_type.unwrap(),
                r.key.month.as_deref().unwrap(),
                r.submitted,
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            (RequestType::InterpretationTranslation, "2026-12", 1),
            (RequestType::GeneralInquiry, "2026-12", 2),
        ]
    );

    // Staff see their department's requests only; officials are refused; a period that
    // ends before it starts is bad input.
    let mine = env
        .bureau
        .request_statistics(Some(&seo), december(vec![StatisticsDimension::Department]))
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].submitted, 2);
    assert_eq!(mine[0].key.department_code.as_deref(), Some("GENERAL"));
    assert_code(
        env.bureau
            .request_statistics(Some(&seoul()), december(vec![]))
            .await,
        ErrorCode::Forbidden,
    );
    let backwards = StatisticsQuery {
        from: kst("2027-01-01T00:00:00"),
        to: kst("2026-12-01T00:00:00"),
        ..StatisticsQuery::default()
    };
    assert_code(
        env.bureau
            .request_statistics(Some(&admin()), backwards)
            .await,
        ErrorCode::BadUserInput,
    );
}

glocal_kit::on_both_backends!(
    due_times_follow_the_business_calendar,
    asking_pauses_the_clock_and_the_reply_resumes_it,
    the_scheduler_warns_then_marks_the_breach_once,
    two_schedulers_mark_each_request_once,
    the_calendar_is_audited_admin_data,
    policies_are_audited_admin_data,
    the_queue_filters_and_sorts_by_due_time_and_breach,
    request_statistics_count_and_time_answers_within_scope,
);

/// Two schedulers, each with its own connection pool, on one PostgreSQL database (as two
/// replicas would run them): every warning and breach is written exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_on_one_postgres_database_mark_once() {
    let test_db = glocal_kit::testing::TestDatabase::postgres().await;
    let one = glocal_kit::db::connect(&test_db.url).await.unwrap();
    let two = glocal_kit::db::connect(&test_db.url).await.unwrap();
    let env = Env::new(one.clone()).await;
    for i in 0..12 {
        submit(&env, inquiry(&format!("q{i}"))).await;
    }
    let replica = bureau_on(&two, &env.now);
    env.set(kst("2026-12-03T11:00:00"));
    let mut runs = Vec::new();
    for bureau in [
        env.bureau.clone(),
        replica.clone(),
        env.bureau.clone(),
        replica,
    ] {
        runs.push(tokio::spawn(async move {
            bureau.run_sla_scheduler().await.unwrap()
        }));
    }
    let mut breached = 0;
    for run in runs {
        breached += run.await.unwrap().breached;
    }
    // Both targets of every request are past due: one breach each.
    assert_eq!(breached, 24);
    for target in ["FIRST_RESPONSE", "RESOLUTION"] {
        assert_eq!(
            env.events_of("ServiceRequestSlaBreached", target)
                .await
                .len(),
            12
        );
    }
    let _ = one.close().await;
    let _ = two.close().await;
    drop(test_db);
}
