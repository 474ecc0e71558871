//! The service on real databases: every test body runs on PostgreSQL (a fresh database per
//! test) and on SQLite in memory.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::{Caller, Role};
use glocal_requests::domain::{
    DepartmentCode, DetailsDraft, ExchangeDraft, InformationDraft, InquiryDraft,
    InterpretationDraft, LocalGovernmentCode, MessageBody, MessageKind, Parts, Reason,
    RequestState, RequestType, StaffId, SubmitDraft, TranslationModeKind, Version,
};
use glocal_requests::service::{
    PageRequest, RequestFilter, RequestOrder, RoutingRuleDraft, ServiceRequest,
};
use glocal_requests::{Config, OnlineBureau, RequestsError};
use sea_orm::{ConnectionTrait, DatabaseConnection};

struct Env {
    db: DatabaseConnection,
    bureau: OnlineBureau,
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_requests::migrate(&db).await.unwrap();
        assert!(glocal_requests::demo::seed_directory(&db).await.unwrap());
        // Tuesday 1 December 2026, 10:00 KST: a working day, so business-hour targets read
        // like hours in the tests.
        let start = DateTime::parse_from_rfc3339("2026-12-01T10:00:00+09:00").unwrap();
        let now = Arc::new(Mutex::new(start.with_timezone(&Utc)));
        let clock = now.clone();
        let bureau = OnlineBureau::new(
            db.clone(),
            Config {
                reopen_window: Duration::days(14),
                max_page_size: 50,
                ..Config::default()
            },
        )
        .with_clock(Arc::new(move || *clock.lock().unwrap()));
        Env { db, bureau, now }
    }

    fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    async fn count(&self, table: &str) -> i64 {
        glocal_kit::testing::count_rows(&self.db, table).await
    }

    /// (history rows, outbox rows, messages, requests)
    async fn counts(&self) -> (i64, i64, i64, i64) {
        (
            self.count("request_history").await,
            self.count("outbox").await,
            self.count("request_message").await,
            self.count("service_request").await,
        )
    }

    async fn exec(&self, sql: &str) {
        self.db.execute_unprepared(sql).await.unwrap();
    }

    /// (first column, second column) of every row of `sql`.
    async fn pairs(&self, sql: &str) -> Vec<(String, i64)> {
        self.db
            .query_all_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                sql,
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.try_get_by_index(0).unwrap(),
                    r.try_get_by_index(1).unwrap(),
                )
            })
            .collect()
    }

    /// Each staff member's stored load (ADR 0057) is the number of open requests assigned
    /// to them; answers the loads.
    async fn loads_match_the_requests(&self) -> Vec<(String, i64)> {
        let open: Vec<String> = RequestState::open_states()
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        let counted = self
            .pairs(&format!(
                "SELECT assignee_id, COUNT(*) FROM service_request WHERE assignee_id IS NOT NULL \
                 AND state IN ({}) GROUP BY assignee_id ORDER BY assignee_id",
                open.join(", ")
            ))
            .await;
        let stored = self
            .pairs(
                "SELECT staff_id, open_requests FROM staff_load WHERE open_requests <> 0 \
                 ORDER BY staff_id",
            )
            .await;
        assert_eq!(
            stored, counted,
            "stored loads against a count of the requests"
        );
        stored
    }
}

fn official(org: &str) -> Caller {
    Caller::new(
        format!("official-{org}"),
        format!("Official {org}"),
        org,
        [Role::LocalOfficial],
    )
}

fn staff(subject: &str) -> Caller {
    Caller::new(subject, subject, "GAOK", [Role::BureauStaff])
}

fn admin() -> Caller {
    Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin])
}

fn translation(key: &str, target: &str) -> SubmitDraft {
    SubmitDraft {
        idempotency_key: key.into(),
        request_type: Some(RequestType::InterpretationTranslation),
        title: format!("Translate {key}"),
        description: "A brochure".into(),
        details: Some(DetailsDraft::InterpretationTranslation(
            InterpretationDraft {
                mode: Some(TranslationModeKind::Translation),
                source_language: "ko".into(),
                target_language: target.into(),
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

fn exchange(key: &str) -> SubmitDraft {
    SubmitDraft {
        idempotency_key: key.into(),
        request_type: Some(RequestType::InternationalExchange),
        title: format!("Exchange {key}"),
        description: "Sister city".into(),
        details: Some(DetailsDraft::InternationalExchange(ExchangeDraft {
            partner_country: "JP".into(),
            partner_organization: "Fukuoka".into(),
            exchange_kind: "SISTER_CITY".into(),
        })),
        local_government_code: String::new(),
    }
}

fn information(key: &str) -> SubmitDraft {
    SubmitDraft {
        idempotency_key: key.into(),
        request_type: Some(RequestType::InformationRequest),
        title: format!("Info {key}"),
        description: "Cases".into(),
        details: Some(DetailsDraft::InformationRequest(InformationDraft {
            topic: "Housing".into(),
            countries: vec!["FR".into()],
            needed_by: String::new(),
        })),
        local_government_code: String::new(),
    }
}

/// Submits a draft as the gRPC adapter does: parse it, then call the service.
async fn submit(
    bureau: &OnlineBureau,
    caller: Option<&Caller>,
    draft: SubmitDraft,
) -> Result<ServiceRequest, RequestsError> {
    bureau.submit(caller, draft.parse()?).await
}

fn body(s: &str) -> MessageBody {
    MessageBody::parse(s).unwrap()
}

fn code(e: &RequestsError) -> ErrorCode {
    e.code()
}

fn assert_code<T: std::fmt::Debug>(r: Result<T, RequestsError>, want: ErrorCode) -> RequestsError {
    let e = r.unwrap_err();
    assert_eq!(code(&e), want, "{e}");
    e
}

fn actions(r: &ServiceRequest) -> Vec<&str> {
    r.history.iter().map(|h| h.action.as_str()).collect()
}

async fn submit_registers_routes_and_assigns(env: Env) {
    let seoul = official("11000");
    let r = submit(&env.bureau, Some(&seoul), translation("k1", "en"))
        .await
        .unwrap();
    let year = env.now.lock().unwrap().format("%Y").to_string();
    assert_eq!(r.number.to_string(), format!("OB-{year}-000001"));
    assert_eq!(r.state, RequestState::StaffAssigned);
    assert_eq!(r.version, Version::FIRST);
    assert_eq!(r.department.as_ref().unwrap().code, "INTERPRETATION");
    // STF-100 is inactive (and would win the tie by id); STF-101 and STF-102 have no load.
    assert_eq!(r.assignee.as_ref().unwrap().id, "STF-101");
    // The requester sees where it went, not the rule nor the routing steps (internal).
    assert_eq!(r.routing, "");
    assert_eq!(actions(&r), ["submit", "register"]);
    let r = env.bureau.get(Some(&admin()), r.id).await.unwrap();
    assert_eq!(
        r.routing,
        "RULE 1: INTERPRETATION_TRANSLATION -> INTERPRETATION"
    );
    assert_eq!(r.first_response_due_at - r.created_at, Duration::hours(4));
    assert_eq!(r.resolution_due_at - r.created_at, Duration::hours(72));
    assert_eq!(
        r.local_government.as_ref().unwrap().name.en,
        "Seoul Metropolitan Government"
    );
    assert_eq!(r.requester.subject, "official-11000");
    assert_eq!(
        actions(&r),
        ["submit", "register", "assign_department", "assign_staff"]
    );
    assert_eq!(r.history[0].from_state, None);
    assert_eq!(r.history[3].to_state, RequestState::StaffAssigned);
    let routed = glocal_kit::i18n::Stored::parse(&r.history[2].note);
    assert_eq!(
        routed.render(glocal_kit::i18n::Lang::En),
        "RULE 1: INTERPRETATION_TRANSLATION -> INTERPRETATION"
    );
    assert!(
        routed
            .render(glocal_kit::i18n::Lang::Ko)
            .starts_with("규칙 1")
    );
    assert!(!r.overdue);
    assert_eq!(env.counts().await, (4, 1, 0, 1));

    // Least open load: the next one goes to STF-102, then back to STF-101.
    let r2 = submit(&env.bureau, Some(&seoul), translation("k2", "en"))
        .await
        .unwrap();
    assert_eq!(r2.number.to_string(), format!("OB-{year}-000002"));
    assert_eq!(r2.assignee.unwrap().id, "STF-102");
    let r3 = submit(&env.bureau, Some(&seoul), translation("k3", "zh"))
        .await
        .unwrap();
    assert_eq!(r3.assignee.unwrap().id, "STF-101");
    // A final response takes a request off the load.
    let kim = staff("staff-interp-kim");
    let r = env
        .bureau
        .send_final_response(Some(&kim), r.id, r.version, body("done"))
        .await
        .unwrap();
    assert_eq!(r.state, RequestState::FinalResponded);
    // (STF-101 and STF-102 now hold one open request each: the tie goes to the lower id.)
    let r4 = submit(&env.bureau, Some(&seoul), translation("k4", "en"))
        .await
        .unwrap();
    assert_eq!(r4.assignee.unwrap().id, "STF-101");
    let r5 = submit(&env.bureau, Some(&seoul), translation("k5", "en"))
        .await
        .unwrap();
    assert_eq!(r5.assignee.unwrap().id, "STF-102");
}

async fn language_specific_and_missing_routes(env: Env) {
    let seoul = official("11000");
    let ja = submit(&env.bureau, Some(&seoul), translation("ja", "ja"))
        .await
        .unwrap();
    assert_eq!(ja.department.unwrap().code, "JAPAN_DESK");
    assert_eq!(ja.assignee.unwrap().id, "STF-151");
    let ja = env.bureau.get(Some(&admin()), ja.id).await.unwrap();
    assert_eq!(
        ja.routing,
        "RULE 2: INTERPRETATION_TRANSLATION/ja -> JAPAN_DESK"
    );

    // A lower priority wins among language-less rules.
    let rule = env
        .bureau
        .set_routing_rule(
            Some(&admin()),
            RoutingRuleDraft {
                id: None,
                request_type: RequestType::GeneralInquiry,
                language: None,
                department_code: DepartmentCode::parse("RESEARCH").unwrap(),
                priority: 1,
            },
        )
        .await
        .unwrap();
    let g = submit(&env.bureau, Some(&seoul), inquiry("g1"))
        .await
        .unwrap();
    assert_eq!(g.department.unwrap().code, "RESEARCH");
    let g = env.bureau.get(Some(&admin()), g.id).await.unwrap();
    assert!(g.routing.starts_with(&format!("RULE {}:", rule.id)));

    // No active staff: stays DEPARTMENT_ASSIGNED.
    env.exec("UPDATE staff SET active = false WHERE department_code = 'RESEARCH'")
        .await;
    let g = submit(&env.bureau, Some(&seoul), inquiry("g2"))
        .await
        .unwrap();
    assert_eq!(g.state, RequestState::DepartmentAssigned);
    assert!(g.assignee.is_none());
    assert_eq!(actions(&g), ["submit", "register"]);
    let g = env.bureau.get(Some(&admin()), g.id).await.unwrap();
    assert_eq!(actions(&g), ["submit", "register", "assign_department"]);

    // No rule: stays REGISTERED.
    for r in env.bureau.routing_rules(Some(&admin())).await.unwrap() {
        if r.request_type == RequestType::GeneralInquiry {
            env.bureau
                .delete_routing_rule(Some(&admin()), r.id)
                .await
                .unwrap();
        }
    }
    let g = submit(&env.bureau, Some(&seoul), inquiry("g3"))
        .await
        .unwrap();
    assert_eq!(g.state, RequestState::Registered);
    assert!(g.department.is_none());
    assert_eq!(g.routing, "");

    // Only admins manage rules, and rules are validated.
    assert_code(
        env.bureau
            .routing_rules(Some(&staff("staff-interp-kim")))
            .await,
        ErrorCode::Forbidden,
    );
    let bad = RoutingRuleDraft {
        id: None,
        request_type: RequestType::GeneralInquiry,
        language: None,
        department_code: DepartmentCode::parse("NOPE").unwrap(),
        priority: 1,
    };
    let e = assert_code(
        env.bureau.set_routing_rule(Some(&admin()), bad).await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("departmentCode"));
    assert_code(
        env.bureau.delete_routing_rule(Some(&admin()), 9999).await,
        ErrorCode::NotFound,
    );
}

async fn six_step_happy_path(env: Env) {
    let seoul = official("11000");
    let kim = staff("staff-interp-kim");
    let r = submit(&env.bureau, Some(&seoul), translation("happy", "en"))
        .await
        .unwrap();
    let expected = *env.now.lock().unwrap() + Duration::days(2);
    let r = env
        .bureau
        .send_mid_response(
            Some(&kim),
            r.id,
            r.version,
            body("working on it"),
            Some(expected),
        )
        .await
        .unwrap();
    assert_eq!(r.state, RequestState::MidResponded);
    assert_eq!(r.version.get(), 2);
    assert!(r.first_responded_at.is_some());
    assert_eq!(r.expected_completion_at, Some(expected));
    // A second mid-response updates the expected date.
    let later = expected + Duration::days(1);
    let r = env
        .bureau
        .send_mid_response(
            Some(&kim),
            r.id,
            r.version,
            body("one more day"),
            Some(later),
        )
        .await
        .unwrap();
    assert_eq!(r.expected_completion_at, Some(later));
    let r = env
        .bureau
        .send_final_response(Some(&kim), r.id, r.version, body("here it is"))
        .await
        .unwrap();
    assert_eq!(r.state, RequestState::FinalResponded);
    assert!(r.final_responded_at.is_some());
    let r = env
        .bureau
        .close(Some(&seoul), r.id, r.version)
        .await
        .unwrap();
    assert_eq!(r.state, RequestState::Closed);
    assert_eq!(r.version.get(), 5);
    assert_eq!(
        actions(&r),
        [
            "submit",
            "register",
            "mid_response",
            "mid_response",
            "final_response",
            "close"
        ]
    );
    let seen_by_staff = env.bureau.get(Some(&kim), r.id).await.unwrap();
    assert_eq!(
        actions(&seen_by_staff)[2..4],
        ["assign_department", "assign_staff"]
    );
    let kinds: Vec<MessageKind> = r.messages.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MessageKind::MidResponse,
            MessageKind::MidResponse,
            MessageKind::FinalResponse
        ]
    );
    assert_eq!(env.counts().await, (8, 5, 3, 1));
    // Closed: no more replies, but the requester who closed too early may still reopen
    // within the window (staff may not).
    assert_code(
        env.bureau.reply(Some(&seoul), r.id, body("thanks")).await,
        ErrorCode::Conflict,
    );
    assert_code(
        env.bureau.reopen(Some(&kim), r.id, r.version, None).await,
        ErrorCode::Forbidden,
    );
    let r = env
        .bureau
        .reopen(Some(&seoul), r.id, r.version, None)
        .await
        .unwrap();
    assert_eq!(r.state, RequestState::Reopened);
    assert_eq!(r.assignee.as_ref().unwrap().id, "STF-101");
}

async fn illegal_transitions_change_nothing(env: Env) {
    let seoul = official("11000");
    let kim = staff("staff-interp-kim");
    let r = submit(&env.bureau, Some(&seoul), translation("illegal", "en"))
        .await
        .unwrap();
    let before = env.counts().await;
    assert_code(
        env.bureau.close(Some(&seoul), r.id, r.version).await,
        ErrorCode::Conflict,
    );
    assert_code(
        env.bureau.close(Some(&kim), r.id, r.version).await,
        ErrorCode::Conflict,
    );
    assert_eq!(env.counts().await, before);
    let r = env
        .bureau
        .send_final_response(Some(&kim), r.id, r.version, body("done"))
        .await
        .unwrap();
    let before = env.counts().await;
    let future = *env.now.lock().unwrap() + Duration::days(1);
    assert_code(
        env.bureau
            .send_mid_response(Some(&kim), r.id, r.version, body("late"), Some(future))
            .await,
        ErrorCode::Conflict,
    );
    assert_code(
        env.bureau
            .withdraw(Some(&seoul), r.id, r.version, None)
            .await,
        ErrorCode::Conflict,
    );
    assert_code(
        env.bureau
            .reject(Some(&kim), r.id, r.version, Reason::parse("no").unwrap())
            .await,
        ErrorCode::Conflict,
    );
    assert_code(
        env.bureau
            .reassign(
                Some(&kim),
                r.id,
                r.version,
                DepartmentCode::parse("EXCHANGE").unwrap(),
                None,
                String::new(),
            )
            .await,
        ErrorCode::Conflict,
    );
    assert_eq!(env.counts().await, before);
    let again = env.bureau.get(Some(&seoul), r.id).await.unwrap();
    assert_eq!(
        (again.state, again.version),
        (RequestState::FinalResponded, r.version)
    );
    // Wrong role: forbidden, also without writing.
    assert_code(
        env.bureau.reopen(Some(&kim), r.id, r.version, None).await,
        ErrorCode::Forbidden,
    );
    assert_code(
        env.bureau
            .send_final_response(Some(&seoul), r.id, r.version, body("x"))
            .await,
        ErrorCode::Forbidden,
    );
    assert_eq!(env.counts().await, before);
}

async fn stale_version_is_conflict(env: Env) {
    let seoul = official("11000");
    let kim = staff("staff-interp-kim");
    let r = submit(&env.bureau, Some(&seoul), translation("stale", "en"))
        .await
        .unwrap();
    let future = *env.now.lock().unwrap() + Duration::days(1);
    env.bureau
        .send_mid_response(Some(&kim), r.id, r.version, body("soon"), Some(future))
        .await
        .unwrap();
    let before = env.counts().await;
    let e = assert_code(
        env.bureau
            .send_final_response(Some(&kim), r.id, r.version, body("done"))
            .await,
        ErrorCode::Conflict,
    );
    assert_eq!(e.to_string(), "version 1 is stale; current is 2");
    assert_code(
        env.bureau
            .withdraw(Some(&seoul), r.id, r.version, None)
            .await,
        ErrorCode::Conflict,
    );
    assert_eq!(env.counts().await, before);
    // Mid-response needs a future expected time.
    let past = *env.now.lock().unwrap() - Duration::hours(1);
    let e = assert_code(
        env.bureau
            .send_mid_response(
                Some(&kim),
                r.id,
                Version::parse(2).unwrap(),
                body("x"),
                Some(past),
            )
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("expectedCompletionAt"));
    assert_eq!(env.counts().await, before);
}

async fn idempotent_submit(env: Env) {
    let seoul = official("11000");
    let first = submit(&env.bureau, Some(&seoul), translation("same", "en"))
        .await
        .unwrap();
    let before = env.counts().await;
    let again = submit(&env.bureau, Some(&seoul), translation("same", "en"))
        .await
        .unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(again.number, first.number);
    assert_eq!(env.counts().await, before);
    let mut different = translation("same", "en");
    different.title = "Another title".into();
    assert_code(
        submit(&env.bureau, Some(&seoul), different).await,
        ErrorCode::Conflict,
    );
    assert_eq!(env.counts().await, before);
    // The key is per requester.
    let other = submit(
        &env.bureau,
        Some(&official("26000")),
        translation("same", "en"),
    )
    .await
    .unwrap();
    assert_ne!(other.id, first.id);
}

async fn concurrent_retries_make_one_request(env: Env) {
    let seoul = official("11000");
    let mut tasks = Vec::new();
    for i in 0..6 {
        let bureau = env.bureau.clone();
        let seoul = seoul.clone();
        // Half retry one key; half submit distinct ones, racing for numbers.
        let key = if i % 2 == 0 {
            "race".to_owned()
        } else {
            format!("race-{i}")
        };
        tasks.push(tokio::spawn(async move {
            submit(&bureau, Some(&seoul), inquiry(&key)).await
        }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap().unwrap());
    }
    let same: Vec<_> = results.iter().step_by(2).map(|r| r.id).collect();
    assert!(same.iter().all(|id| *id == same[0]));
    assert_eq!(env.count("service_request").await, 4);
    let mut numbers: Vec<String> = results.iter().map(|r| r.number.to_string()).collect();
    numbers.sort();
    numbers.dedup();
    // Distinct and without gaps: a retry that lost the race gives its serial back.
    let year = env.now.lock().unwrap().format("%Y").to_string();
    let expected: Vec<String> = (1..=4).map(|n| format!("OB-{year}-{n:06}")).collect();
    assert_eq!(numbers, expected);
    assert_eq!(env.count("outbox").await, 4);
}

async fn scoping(env: Env) {
    let seoul = official("11000");
    let busan = official("26000");
    let kim = staff("staff-interp-kim");
    let r = submit(&env.bureau, Some(&seoul), translation("scope", "en"))
        .await
        .unwrap();
    let b = submit(&env.bureau, Some(&busan), exchange("scope-b"))
        .await
        .unwrap();

    let e = assert_code(
        env.bureau.get(Some(&busan), r.id).await,
        ErrorCode::NotFound,
    );
    let missing = assert_code(
        env.bureau
            .get(Some(&busan), glocal_requests::domain::RequestId::new())
            .await,
        ErrorCode::NotFound,
    );
    assert_eq!(e.to_string(), missing.to_string());
    assert_code(
        env.bureau
            .withdraw(Some(&busan), r.id, r.version, None)
            .await,
        ErrorCode::NotFound,
    );
    assert_code(
        env.bureau.reply(Some(&busan), r.id, body("hi")).await,
        ErrorCode::NotFound,
    );
    let page = env
        .bureau
        .list(
            Some(&busan),
            RequestFilter::default(),
            RequestOrder::Newest,
            PageRequest::default(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(page.items.iter().map(|x| x.id).collect::<Vec<_>>(), [b.id]);
    assert_eq!(page.total_count, 1);
    assert!(
        env.bureau
            .batch_get(Some(&busan), &[r.id, b.id], false)
            .await
            .unwrap()
            .iter()
            .all(|x| x.id == b.id)
    );

    // Staff see their department only; admins see all.
    assert_code(
        env.bureau
            .get(Some(&staff("staff-exchange-choi")), r.id)
            .await,
        ErrorCode::NotFound,
    );
    assert_code(env.bureau.get(Some(&kim), b.id).await, ErrorCode::NotFound);
    assert_eq!(
        env.bureau
            .list(
                Some(&kim),
                RequestFilter::default(),
                RequestOrder::Newest,
                PageRequest::default(),
                false
            )
            .await
            .unwrap()
            .total_count,
        1
    );
    assert_eq!(
        env.bureau
            .list(
                Some(&admin()),
                RequestFilter::default(),
                RequestOrder::Newest,
                PageRequest::default(),
                false
            )
            .await
            .unwrap()
            .total_count,
        2
    );

    // Staff notes never reach officials.
    let noted = env
        .bureau
        .add_note(Some(&kim), r.id, body("internal: check the glossary"))
        .await
        .unwrap();
    assert!(
        noted
            .messages
            .iter()
            .any(|m| m.kind == MessageKind::StaffNote)
    );
    let seen = env.bureau.get(Some(&seoul), r.id).await.unwrap();
    assert!(
        seen.messages
            .iter()
            .all(|m| m.kind != MessageKind::StaffNote)
    );
    assert!(seen.history.iter().all(|h| h.action != "note"));
    let replied = env
        .bureau
        .reply(Some(&seoul), r.id, body("thanks"))
        .await
        .unwrap();
    assert_eq!(replied.messages.len(), 1);
    assert_code(
        env.bureau.add_note(Some(&seoul), r.id, body("x")).await,
        ErrorCode::Forbidden,
    );
    let listed = env
        .bureau
        .list(
            Some(&seoul),
            RequestFilter::default(),
            RequestOrder::Newest,
            PageRequest::default(),
            true,
        )
        .await
        .unwrap();
    assert!(
        listed.items[0]
            .messages
            .iter()
            .all(|m| m.kind != MessageKind::StaffNote)
    );

    // Who may call at all.
    assert_code(env.bureau.get(None, r.id).await, ErrorCode::Unauthenticated);
    let partner = Caller::new("p", "Partner", "JICA", [Role::Partner]);
    assert_code(
        env.bureau.get(Some(&partner), r.id).await,
        ErrorCode::Forbidden,
    );
    assert_code(
        submit(
            &env.bureau,
            Some(&official("99999")),
            inquiry("unknown-org"),
        )
        .await,
        ErrorCode::Forbidden,
    );
    let mut for_busan = inquiry("for-busan");
    for_busan.local_government_code = "26000".into();
    assert_code(
        submit(&env.bureau, Some(&seoul), for_busan).await,
        ErrorCode::Forbidden,
    );
    // Directory: staff only for bureau callers.
    assert!(
        env.bureau
            .directory(Some(&seoul))
            .await
            .unwrap()
            .staff
            .is_empty()
    );
    assert_eq!(
        env.bureau.directory(Some(&kim)).await.unwrap().staff.len(),
        12
    );
    assert_eq!(
        env.bureau
            .local_governments(&["26000".into(), "00000".into(), "11000".into()])
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn bad_input_writes_nothing(env: Env) {
    let seoul = official("11000");
    let mut no_title = inquiry("bad1");
    no_title.title = "   ".into();
    let e = assert_code(
        submit(&env.bureau, Some(&seoul), no_title).await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("title"));
    let mut mismatch = inquiry("bad2");
    mismatch.request_type = Some(RequestType::OverseasVisit);
    let e = assert_code(
        submit(&env.bureau, Some(&seoul), mismatch).await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("details"));
    let mut long = inquiry("bad3");
    long.description = "x".repeat(10_001);
    let e = assert_code(
        submit(&env.bureau, Some(&seoul), long).await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("description"));
    let mut no_type = inquiry("bad4");
    no_type.request_type = None;
    assert_eq!(
        assert_code(
            submit(&env.bureau, Some(&seoul), no_type).await,
            ErrorCode::BadUserInput
        )
        .field(),
        Some("type")
    );
    let mut same_lang = translation("bad5", "ko");
    same_lang.title = "t".into();
    let e = assert_code(
        submit(&env.bureau, Some(&seoul), same_lang).await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(
        e.field(),
        Some("details.interpretationTranslation.targetLanguage")
    );
    assert_eq!(env.counts().await, (0, 0, 0, 0));
    assert_eq!(env.count("request_counter").await, 0);
    // Staff submitting must name a known local government.
    let e = assert_code(
        submit(&env.bureau, Some(&admin()), inquiry("bad6")).await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("localGovernmentCode"));
    let mut on_behalf = inquiry("ok");
    on_behalf.local_government_code = "50000".into();
    assert_eq!(
        submit(&env.bureau, Some(&admin()), on_behalf)
            .await
            .unwrap()
            .requester
            .local_government_code,
        "50000"
    );
    let r = env
        .bureau
        .list(
            Some(&admin()),
            RequestFilter::default(),
            RequestOrder::Newest,
            PageRequest {
                first: 0,
                after: Some("garbage".into()),
            },
            false,
        )
        .await;
    assert_eq!(
        assert_code(r, ErrorCode::BadUserInput).field(),
        Some("after")
    );
}

async fn reopen_window_reassign_reject_withdraw(env: Env) {
    let seoul = official("11000");
    let kim = staff("staff-interp-kim");
    let a = submit(&env.bureau, Some(&seoul), translation("ra", "en"))
        .await
        .unwrap();
    let b = submit(&env.bureau, Some(&seoul), translation("rb", "en"))
        .await
        .unwrap();
    let a = env
        .bureau
        .send_final_response(Some(&kim), a.id, a.version, body("done"))
        .await
        .unwrap();
    env.advance(Duration::days(13));
    let a = env
        .bureau
        .reopen(
            Some(&seoul),
            a.id,
            a.version,
            Some(Reason::parse("page 3 missing").unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(a.state, RequestState::Reopened);
    assert_eq!(a.assignee.as_ref().unwrap().id, "STF-101");
    // Reopened, `a` counts against STF-101 again; `b` is STF-102's.
    assert_eq!(
        env.loads_match_the_requests().await,
        [("STF-101".to_owned(), 1), ("STF-102".to_owned(), 1)]
    );
    assert!(
        !a.overdue,
        "a reopened request gets a fresh resolution time"
    );
    let a = env
        .bureau
        .send_final_response(Some(&kim), a.id, a.version, body("fixed"))
        .await
        .unwrap();
    env.advance(Duration::days(15));
    let before = env.counts().await;
    assert_code(
        env.bureau.reopen(Some(&seoul), a.id, a.version, None).await,
        ErrorCode::Conflict,
    );
    assert_eq!(env.counts().await, before);

    // Reassign: to another department's least-loaded staff, keeping pre-response state.
    let lee = staff("staff-interp-lee");
    let b = env
        .bureau
        .reassign(
            Some(&lee),
            b.id,
            b.version,
            DepartmentCode::parse("EXCHANGE").unwrap(),
            None,
            "wrong team".into(),
        )
        .await
        .unwrap();
    assert_eq!(b.state, RequestState::StaffAssigned);
    assert_eq!(b.assignee.as_ref().unwrap().id, "STF-201");
    // The reassignment moved `b`'s load from STF-102 to STF-201 (`a` is answered again).
    assert_eq!(
        env.loads_match_the_requests().await,
        [("STF-201".to_owned(), 1)]
    );
    assert_eq!(b.history.last().unwrap().action, "reassign");
    // The old department can no longer see it; the new one can.
    assert_code(env.bureau.get(Some(&lee), b.id).await, ErrorCode::NotFound);
    let choi = staff("staff-exchange-choi");
    let e = env
        .bureau
        .reassign(
            Some(&choi),
            b.id,
            b.version,
            DepartmentCode::parse("EXCHANGE").unwrap(),
            Some(StaffId::parse("STF-100").unwrap()),
            String::new(),
        )
        .await;
    assert_eq!(
        assert_code(e, ErrorCode::BadUserInput).field(),
        Some("staffId")
    );
    let b = env
        .bureau
        .reassign(
            Some(&choi),
            b.id,
            b.version,
            DepartmentCode::parse("EXCHANGE").unwrap(),
            Some(StaffId::parse("STF-202").unwrap()),
            String::new(),
        )
        .await
        .unwrap();
    assert_eq!(b.assignee.as_ref().unwrap().id, "STF-202");
    // No active staff in the target department: DEPARTMENT_ASSIGNED.
    env.exec("UPDATE staff SET active = false WHERE department_code = 'GENERAL'")
        .await;
    let b = env
        .bureau
        .reassign(
            Some(&admin()),
            b.id,
            b.version,
            DepartmentCode::parse("GENERAL").unwrap(),
            None,
            String::new(),
        )
        .await
        .unwrap();
    assert_eq!(b.state, RequestState::DepartmentAssigned);
    assert!(b.assignee.is_none());
    let b = env
        .bureau
        .reject(
            Some(&admin()),
            b.id,
            b.version,
            Reason::parse("out of scope").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(b.state, RequestState::Rejected);
    assert_eq!(b.reject_reason.as_deref(), Some("out of scope"));

    let c = submit(&env.bureau, Some(&seoul), inquiry("rc"))
        .await
        .unwrap();
    assert_code(
        env.bureau
            .withdraw(Some(&admin()), c.id, c.version, None)
            .await,
        ErrorCode::Forbidden,
    );
    let c = env
        .bureau
        .withdraw(Some(&seoul), c.id, c.version, None)
        .await
        .unwrap();
    assert_eq!(c.state, RequestState::Withdrawn);
    // Rejected, withdrawn and answered requests are nobody's load.
    assert_eq!(
        env.loads_match_the_requests().await,
        Vec::<(String, i64)>::new()
    );

    // A database migrated before the loads were kept gets them from its requests.
    let d = submit(&env.bureau, Some(&seoul), translation("rd", "en"))
        .await
        .unwrap();
    assert_eq!(d.assignee.as_ref().unwrap().id, "STF-101");
    env.exec("DROP TABLE staff_load").await;
    env.exec("DELETE FROM requests_migrations WHERE version = 'm20261205_100001_staff_loads'")
        .await;
    glocal_requests::migrate(&env.db).await.unwrap();
    assert_eq!(
        env.loads_match_the_requests().await,
        [("STF-101".to_owned(), 1)]
    );

    // Counts gone wrong (a request changed by hand, or by the previous release during a
    // rollout) are mended by the statement docs/operations.md gives (PostgreSQL's).
    if env.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        env.exec("UPDATE staff_load SET open_requests = 7").await;
        env.exec("INSERT INTO staff_load (staff_id, open_requests) VALUES ('STF-999', 3)")
            .await;
        env.exec(&documented_load_recount()).await;
        assert_eq!(
            env.loads_match_the_requests().await,
            [("STF-101".to_owned(), 1)]
        );
    }
}

/// The SQL block of docs/operations.md that recomputes staff loads after an upgrade.
fn documented_load_recount() -> String {
    let doc = include_str!("../../../docs/operations.md");
    let from = doc
        .find("**Upgrading to the release with staff loads**")
        .expect("docs/operations.md explains the upgrade to staff loads");
    let block = doc[from..]
        .split("```sql\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("with a SQL block");
    block.to_owned()
}

async fn list_filters_paging_and_overdue(env: Env) {
    let seoul = official("11000");
    let busan = official("26000");
    let t0 = *env.now.lock().unwrap();
    let a = submit(&env.bureau, Some(&seoul), translation("l1", "en"))
        .await
        .unwrap();
    env.advance(Duration::minutes(1));
    let b = submit(&env.bureau, Some(&seoul), inquiry("l2"))
        .await
        .unwrap();
    env.advance(Duration::minutes(1));
    let c = submit(&env.bureau, Some(&busan), exchange("l3"))
        .await
        .unwrap();
    env.advance(Duration::minutes(1));
    let d = submit(&env.bureau, Some(&busan), information("l4"))
        .await
        .unwrap();
    env.advance(Duration::minutes(1));
    let e = submit(&env.bureau, Some(&seoul), translation("l5", "ja"))
        .await
        .unwrap();
    let admin = admin();
    let all = |first, after| {
        env.bureau.list(
            Some(&admin),
            RequestFilter::default(),
            RequestOrder::Newest,
            PageRequest { first, after },
            false,
        )
    };

    let p1 = all(2, None).await.unwrap();
    assert_eq!(
        p1.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [e.id, d.id]
    );
    assert!(p1.has_next_page);
    assert_eq!(p1.total_count, 5);
    assert_eq!(p1.cursors.len(), 2);
    assert_eq!(p1.end_cursor(), p1.cursors.last().map(String::as_str));
    let p2 = all(2, p1.end_cursor().map(str::to_owned)).await.unwrap();
    assert_eq!(
        p2.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [c.id, b.id]
    );
    let p3 = all(2, p2.end_cursor().map(str::to_owned)).await.unwrap();
    assert_eq!(p3.items.iter().map(|r| r.id).collect::<Vec<_>>(), [a.id]);
    assert!(!p3.has_next_page);
    // Every page carries the count of all matches, whatever its cursor; a page past the
    // last match (no row to carry it) is counted apart, and a page of nothing counts 0.
    assert_eq!((p2.total_count, p3.total_count), (5, 5));
    let past = all(2, p3.end_cursor().map(str::to_owned)).await.unwrap();
    assert!(past.items.is_empty() && !past.has_next_page);
    assert_eq!(past.total_count, 5);
    let none = env
        .bureau
        .list(
            Some(&admin),
            RequestFilter {
                local_government: Some(LocalGovernmentCode::parse("99999").unwrap()),
                ..RequestFilter::default()
            },
            RequestOrder::Newest,
            PageRequest {
                first: 2,
                after: None,
            },
            false,
        )
        .await
        .unwrap();
    assert_eq!((none.items.len(), none.total_count), (0, 0));
    assert_eq!(all(0, None).await.unwrap().items.len(), 5);
    assert!(p1.items[0].history.is_empty(), "activity only when asked");
    // A page that shows neither texts nor the local government's entry does not read them;
    // everything else on it is the whole page's.
    let lean = env
        .bureau
        .list_parts(
            Some(&admin),
            RequestFilter::default(),
            RequestOrder::Newest,
            PageRequest {
                first: 5,
                after: None,
            },
            Parts {
                texts: false,
                local_government: false,
                ..Parts::with_activity(false)
            },
            true,
        )
        .await
        .unwrap();
    let whole = all(5, None).await.unwrap();
    assert_eq!(lean.total_count, 5);
    assert_eq!(lean.cursors, whole.cursors);
    for (lean, whole) in lean.items.iter().zip(&whole.items) {
        assert!(!whole.description.is_empty() && whole.details.is_some());
        assert!(whole.local_government.is_some());
        assert_eq!(
            ServiceRequest {
                description: String::new(),
                details: None,
                local_government: None,
                ..whole.clone()
            },
            *lean,
            "a lean row is the whole row without its texts and local government"
        );
    }

    let ids = |f: RequestFilter| {
        let admin = admin.clone();
        let bureau = env.bureau.clone();
        async move {
            bureau
                .list(
                    Some(&admin),
                    f,
                    RequestOrder::Newest,
                    PageRequest::default(),
                    false,
                )
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids(RequestFilter {
            types: vec![RequestType::InterpretationTranslation],
            ..Default::default()
        })
        .await,
        [e.id, a.id]
    );
    assert_eq!(
        ids(RequestFilter {
            local_government: Some(LocalGovernmentCode::parse("26000").unwrap()),
            ..Default::default()
        })
        .await,
        [d.id, c.id]
    );
    assert_eq!(
        ids(RequestFilter {
            department: Some(DepartmentCode::parse("JAPAN_DESK").unwrap()),
            ..Default::default()
        })
        .await,
        [e.id]
    );
    assert_eq!(
        ids(RequestFilter {
            assignee: Some(StaffId::parse("STF-101").unwrap()),
            ..Default::default()
        })
        .await,
        [a.id]
    );
    assert_eq!(
        ids(RequestFilter {
            created_from: Some(t0 + Duration::seconds(90)),
            created_to: Some(t0 + Duration::seconds(210)),
            ..Default::default()
        })
        .await,
        [d.id, c.id]
    );
    let kim = staff("staff-interp-kim");
    env.bureau
        .send_final_response(Some(&kim), a.id, a.version, body("done"))
        .await
        .unwrap();
    assert_eq!(
        ids(RequestFilter {
            states: vec![RequestState::FinalResponded],
            ..Default::default()
        })
        .await,
        [a.id]
    );
    assert_eq!(
        ids(RequestFilter {
            states: vec![RequestState::StaffAssigned, RequestState::FinalResponded],
            ..Default::default()
        })
        .await
        .len(),
        5
    );

    // After 3 hours only the general inquiry (2 h first-response target) is overdue.
    env.advance(Duration::hours(3));
    assert_eq!(
        ids(RequestFilter {
            overdue: Some(true),
            ..Default::default()
        })
        .await,
        [b.id]
    );
    assert_eq!(
        ids(RequestFilter {
            overdue: Some(false),
            ..Default::default()
        })
        .await,
        [e.id, d.id, c.id, a.id]
    );
    assert!(env.bureau.get(Some(&seoul), b.id).await.unwrap().overdue);
    // A mid-response meets the first-response target.
    let seo = staff("staff-general-seo");
    let future = *env.now.lock().unwrap() + Duration::days(1);
    let b = env
        .bureau
        .send_mid_response(Some(&seo), b.id, b.version, body("looking"), Some(future))
        .await
        .unwrap();
    assert!(!b.overdue);
    assert!(
        ids(RequestFilter {
            overdue: Some(true),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    // 73 h in: the translation (72 h) and the inquiry (48 h) are past resolution, the
    // exchange (8 h) and the information request (4 h) never got a first response; the
    // answered translation is not overdue.
    env.advance(Duration::hours(70));
    assert_eq!(
        ids(RequestFilter {
            overdue: Some(true),
            ..Default::default()
        })
        .await,
        [e.id, d.id, c.id, b.id]
    );
    assert_eq!(
        ids(RequestFilter {
            overdue: Some(false),
            ..Default::default()
        })
        .await,
        [a.id]
    );
}

async fn a_nameless_token_takes_the_directory_name_or_is_refused(env: Env) {
    // An official whose token names nobody: refused with a stable reason, nothing written.
    let nameless = Caller::new("official-11000", "  ", "11000", [Role::LocalOfficial]);
    let e = submit(&env.bureau, Some(&nameless), inquiry("nameless"))
        .await
        .unwrap_err();
    assert_eq!(code(&e), ErrorCode::Unauthenticated);
    assert_eq!(e.reason(), Some("CALLER_NAME_MISSING"));
    assert_eq!(
        e.catalogue_message().map(|m| m.key),
        Some("error-caller-name-missing".to_owned())
    );
    assert_eq!(env.counts().await, (0, 0, 0, 0));

    // Staff without a name in the token act under the directory's name.
    let seoul = official("11000");
    let r = submit(&env.bureau, Some(&seoul), translation("named", "en"))
        .await
        .unwrap();
    assert_eq!(r.requester.name, "Official 11000");
    let kim = Caller::new("staff-interp-kim", "", "GAOK", [Role::BureauStaff]);
    let r = env
        .bureau
        .send_final_response(Some(&kim), r.id, r.version, body("done"))
        .await
        .unwrap();
    let last = r.history.last().unwrap();
    assert_eq!(
        (last.actor_subject.as_str(), last.actor_name.as_str()),
        ("staff-interp-kim", "김서연")
    );
}

async fn demo_seeds_once(env: Env) {
    // The directory is already there, so the demo does nothing on top of it.
    assert!(!glocal_requests::demo::seed_demo(&env.db).await.unwrap());
}

async fn demo_seeds_an_empty_database(db: DatabaseConnection) {
    glocal_requests::migrate(&db).await.unwrap();
    glocal_requests::migrate(&db).await.unwrap();
    assert!(glocal_requests::demo::seed_demo(&db).await.unwrap());
    assert!(!glocal_requests::demo::seed_demo(&db).await.unwrap());
    let bureau = OnlineBureau::new(db.clone(), Config::default());
    for caller in glocal_requests::demo::demo_callers() {
        let page = bureau
            .list(
                Some(&caller),
                RequestFilter::default(),
                RequestOrder::Newest,
                PageRequest::default(),
                true,
            )
            .await
            .unwrap();
        assert!(page.total_count > 0, "{} sees nothing", caller.subject);
    }
    let admin = admin();
    let states: Vec<RequestState> = bureau
        .list(
            Some(&admin),
            RequestFilter::default(),
            RequestOrder::Newest,
            PageRequest::default(),
            false,
        )
        .await
        .unwrap()
        .items
        .iter()
        .map(|r| r.state)
        .collect();
    for s in [
        RequestState::MidResponded,
        RequestState::Closed,
        RequestState::Withdrawn,
        RequestState::StaffAssigned,
    ] {
        assert!(states.contains(&s), "{s} missing from {states:?}");
    }
}

/// Retention (ADR 0038): a finished request keeps its requester's names for the period, then
/// one pseudonym replaces them everywhere the request names them; staff names, states,
/// history actions and the rating stay, an open request is never touched, and a second run
/// changes nothing.
async fn finished_requests_forget_their_requester_after_the_retention_period(env: Env) {
    let seoul = official("11000");
    let kim = staff("staff-interp-kim");
    let r = submit(&env.bureau, Some(&seoul), translation("kept", "en"))
        .await
        .unwrap();
    let expected = *env.now.lock().unwrap() + Duration::days(2);
    let r = env
        .bureau
        .send_mid_response(
            Some(&kim),
            r.id,
            r.version,
            body("working on it"),
            Some(expected),
        )
        .await
        .unwrap();
    env.bureau
        .reply(Some(&seoul), r.id, body("thank you, 10 pages"))
        .await
        .unwrap();
    let r = env.bureau.get(Some(&kim), r.id).await.unwrap();
    let r = env
        .bureau
        .send_final_response(Some(&kim), r.id, r.version, body("here it is"))
        .await
        .unwrap();
    let r = env
        .bureau
        .close(Some(&seoul), r.id, r.version)
        .await
        .unwrap();
    env.bureau
        .rate(
            Some(&seoul),
            r.id,
            glocal_requests::domain::survey::Rating::parse(5).unwrap(),
            None,
        )
        .await
        .unwrap();
    let open = submit(&env.bureau, Some(&seoul), inquiry("still-open"))
        .await
        .unwrap();
    let before = env.bureau.get(Some(&kim), r.id).await.unwrap();
    let actions_before: Vec<String> = before.history.iter().map(|h| h.action.clone()).collect();

    // Within the period nothing expires.
    env.advance(Duration::days(300));
    assert_eq!(env.bureau.expire_personal_data(365).await.unwrap(), 0);
    let outbox = env.count("outbox").await;

    env.advance(Duration::days(100));
    assert_eq!(env.bureau.expire_personal_data(365).await.unwrap(), 1);
    let after = env.bureau.get(Some(&kim), r.id).await.unwrap();
    let alias = after.requester.name.clone();
    assert!(glocal_kit::privacy::is_pseudonym(&alias), "{alias}");
    assert_eq!(after.requester.subject, alias);
    assert_eq!(after.requester.local_government_code, "11000");
    assert_eq!(after.state, RequestState::Closed);
    for m in &after.messages {
        if m.kind == MessageKind::RequesterReply {
            assert_eq!(
                (m.author_subject.as_str(), m.author_name.as_str()),
                (alias.as_str(), alias.as_str())
            );
        } else {
            assert_eq!(m.author_subject, "staff-interp-kim");
        }
    }
    let history = &after.history;
    assert_eq!(
        history.iter().map(|h| h.action.clone()).collect::<Vec<_>>(),
        actions_before
    );
    assert!(
        history
            .iter()
            .all(|h| h.actor_subject != "official-11000" && h.actor_name != "Official 11000")
    );
    assert!(history.iter().any(|h| h.actor_subject == alias));
    let survey = after.survey.as_ref().unwrap();
    assert_eq!(
        (survey.rating.get(), survey.respondent_name.as_str()),
        (5, alias.as_str())
    );
    // The local government still has its request; the open one still names its requester.
    assert_eq!(env.bureau.get(Some(&seoul), r.id).await.unwrap().id, r.id);
    let still = env.bureau.get(Some(&seoul), open.id).await.unwrap();
    assert_eq!(still.requester.name, "Official 11000");
    // One change event, for the caches; a second run finds nothing.
    assert_eq!(env.count("outbox").await, outbox + 1);
    assert_eq!(env.bureau.expire_personal_data(365).await.unwrap(), 0);
    assert_eq!(env.count("outbox").await, outbox + 1);
}

async fn an_erased_requester_is_pseudonymised_in_every_state(env: Env) {
    let seoul = official("11000");
    let colleague = Caller::new(
        "official-11000-b",
        "Colleague",
        "11000",
        [Role::LocalOfficial],
    );
    let kim = admin();
    let open = submit(&env.bureau, Some(&seoul), inquiry("erase-open"))
        .await
        .unwrap();
    let theirs = submit(&env.bureau, Some(&colleague), inquiry("erase-colleague"))
        .await
        .unwrap();
    let list = |caller: Caller, mine: bool| {
        let bureau = env.bureau.clone();
        async move {
            bureau
                .list(
                    Some(&caller),
                    RequestFilter {
                        mine,
                        ..RequestFilter::default()
                    },
                    RequestOrder::Newest,
                    PageRequest::default(),
                    false,
                )
                .await
                .unwrap()
                .total_count
        }
    };
    assert_eq!(
        list(seoul.clone(), false).await,
        2,
        "the local government's"
    );
    assert_eq!(list(seoul.clone(), true).await, 1, "her own");

    let outbox = env.count("outbox").await;
    assert!(env.bureau.erase_person("official-11000").await.unwrap() >= 1);
    let after = env.bureau.get(Some(&kim), open.id).await.unwrap();
    assert!(glocal_kit::privacy::is_pseudonym(&after.requester.name));
    assert_eq!(after.requester.subject, after.requester.name);
    assert_eq!(after.state, open.state, "an open request stays open");
    assert!(
        after
            .history
            .iter()
            .all(|h| h.actor_subject != "official-11000" && h.actor_name != "Official 11000")
    );
    assert_eq!(
        list(seoul.clone(), true).await,
        0,
        "nothing names her any more"
    );
    assert_eq!(
        env.count("outbox").await,
        outbox + 1,
        "one change event for the caches"
    );
    let untouched = env.bureau.get(Some(&kim), theirs.id).await.unwrap();
    assert_eq!(untouched.requester.subject, "official-11000-b");
    // Handling the event again changes nothing.
    assert_eq!(env.bureau.erase_person("official-11000").await.unwrap(), 0);
    assert_eq!(env.count("outbox").await, outbox + 1);
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 2),
    sqlite();
    env: [
        submit_registers_routes_and_assigns,
        language_specific_and_missing_routes,
        six_step_happy_path,
        illegal_transitions_change_nothing,
        stale_version_is_conflict,
        idempotent_submit,
        concurrent_retries_make_one_request,
        scoping,
        bad_input_writes_nothing,
        reopen_window_reassign_reject_withdraw,
        list_filters_paging_and_overdue,
        a_nameless_token_takes_the_directory_name_or_is_refused,
        finished_requests_forget_their_requester_after_the_retention_period,
        an_erased_requester_is_pseudonymised_in_every_state,
        demo_seeds_once,
    ];
    db: [demo_seeds_an_empty_database]
);
