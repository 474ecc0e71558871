//! The directory's administration on real databases (PostgreSQL and SQLite, ADR 0035): only
//! admins change it, bad input is refused with a stable reason and writes nothing, routing
//! and least-load assignment pass over absent and departed staff, a departure hands the
//! open requests on, and the local-government import is idempotent.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::{Caller, Role};
use glocal_requests::domain::directory::{
    Absence, DepartmentDraft, LocalGovernmentDraft, LocalGovernmentLevel, StaffChanges, StaffDraft,
    parse_csv,
};
use glocal_requests::domain::{
    DepartmentCode, DetailsDraft, InterpretationDraft, LocalGovernmentCode, LocalizedName,
    RequestState, RequestType, StaffId, SubmitDraft, TranslationModeKind,
};
use glocal_requests::service::{HolidayDraft, ImportError, ServiceRequest, SlaPolicyDraft};
use glocal_requests::{Config, OnlineBureau, RequestsError};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::Value;

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
        // Tuesday 1 December 2026, 10:00 KST.
        let start = DateTime::parse_from_rfc3339("2026-12-01T10:00:00+09:00").unwrap();
        let now = Arc::new(Mutex::new(start.with_timezone(&Utc)));
        let clock = now.clone();
        let bureau = OnlineBureau::new(db.clone(), Config::default())
            .with_clock(Arc::new(move || *clock.lock().unwrap()));
        Env { db, bureau, now }
    }

    fn set_now(&self, rfc3339: &str) {
        *self.now.lock().unwrap() = DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .with_timezone(&Utc);
    }

    async fn count(&self, table: &str) -> i64 {
        glocal_kit::testing::count_rows(&self.db, table).await
    }

    /// (directory audit rows, outbox rows, local governments, staff, absences)
    async fn counts(&self) -> (i64, i64, i64, i64, i64) {
        (
            self.count("directory_audit").await,
            self.count("outbox").await,
            self.count("local_government").await,
            self.count("staff").await,
            self.count("staff_absence").await,
        )
    }

    async fn events(&self, event_type: &str) -> Vec<Value> {
        let backend = self.db.get_database_backend();
        let sql = match backend {
            sea_orm::DbBackend::Postgres => {
                "SELECT payload FROM outbox WHERE event_type = $1 ORDER BY seq"
            }
            _ => "SELECT payload FROM outbox WHERE event_type = ? ORDER BY seq",
        };
        self.db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [event_type.into()],
            ))
            .await
            .unwrap()
            .into_iter()
            .map(|r| serde_json::from_str(&r.try_get::<String>("", "payload").unwrap()).unwrap())
            .collect()
    }

    async fn get(&self, r: &ServiceRequest) -> ServiceRequest {
        self.bureau.get(Some(&admin()), r.id).await.unwrap()
    }
}

fn admin() -> Caller {
    Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin])
}

fn staff(subject: &str) -> Caller {
    Caller::new(subject, subject, "GAOK", [Role::BureauStaff])
}

fn seoul() -> Caller {
    Caller::new("official-11000", "Official", "11000", [Role::LocalOfficial])
}

fn reason(e: &RequestsError) -> Option<&'static str> {
    match e {
        RequestsError::Refused(r) => Some(r.reason),
        _ => None,
    }
}

fn names(ko: &str, en: &str) -> LocalizedName {
    LocalizedName {
        ko: ko.into(),
        en: en.into(),
        ..LocalizedName::default()
    }
}

fn lg(code: &str, level: LocalGovernmentLevel, parent: Option<&str>) -> LocalGovernmentDraft {
    LocalGovernmentDraft::new(
        LocalGovernmentCode::parse(code).unwrap(),
        names("테스트구", "Test-gu, Seoul"),
        level,
        parent.map(|p| LocalGovernmentCode::parse(p).unwrap()),
    )
    .unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
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

async fn submit(env: &Env, key: &str) -> ServiceRequest {
    env.bureau
        .submit(Some(&seoul()), translation(key).parse().unwrap())
        .await
        .unwrap()
}

fn assignee(r: &ServiceRequest) -> Option<&str> {
    r.assignee.as_ref().map(|a| a.id.as_str())
}

fn sid(s: &str) -> StaffId {
    StaffId::parse(s).unwrap()
}

async fn local_governments_are_admins_to_change(env: Env) {
    use LocalGovernmentLevel::*;
    // The demo loads the shipped list.
    assert_eq!(env.count("local_government").await, 243);
    let before = env.counts().await;

    // Not an admin: FORBIDDEN, nothing written.
    let e = env
        .bureau
        .save_local_government(
            Some(&staff("staff-interp-kim")),
            lg("11999", District, Some("11000")),
            true,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    // The parent rule and duplicates, each with its stable reason.
    for (draft, create, expected) in [
        (lg("11999", District, Some("99000")), true, "UNKNOWN_PARENT"),
        (lg("11999", District, None), true, "PARENT_REQUIRED"),
        (
            lg("11999", District, Some("11680")),
            true,
            "PARENT_NOT_UPPER_TIER",
        ),
        (
            lg("99000", Metropolitan, Some("11000")),
            true,
            "PARENT_NOT_ALLOWED",
        ),
        (lg("11680", District, Some("11000")), true, "DUPLICATE_CODE"),
        (
            lg("11000", District, Some("26000")),
            false,
            "HAS_BASIC_GOVERNMENTS",
        ),
    ] {
        let e = env
            .bureau
            .save_local_government(Some(&admin()), draft, create)
            .await
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::BadUserInput, "{e}");
        assert_eq!(reason(&e), Some(expected), "{e}");
    }
    let e = env
        .bureau
        .save_local_government(Some(&admin()), lg("11999", District, Some("11000")), false)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert_eq!(env.counts().await, before, "refusals write nothing");

    // Created, then updated: one audit row and one change event each.
    let created = env
        .bureau
        .save_local_government(Some(&admin()), lg("11999", District, Some("11000")), true)
        .await
        .unwrap();
    assert_eq!(created.parent_code.as_deref(), Some("11000"));
    assert_eq!(
        created.name.zh, "Test-gu, Seoul",
        "Chinese falls back to English"
    );
    let mut renamed = lg("11999", District, Some("11000"));
    renamed.name.en = "Renamed-gu, Seoul".into();
    env.bureau
        .save_local_government(Some(&admin()), renamed, false)
        .await
        .unwrap();
    let after = env.counts().await;
    assert_eq!(
        (after.0 - before.0, after.1 - before.1, after.2 - before.2),
        (2, 2, 1)
    );
    let found = env
        .bureau
        .local_governments(&["11999".into()])
        .await
        .unwrap();
    assert_eq!(found[0].name.en, "Renamed-gu, Seoul");
    assert_eq!(env.events("LocalGovernmentSaved").await.len(), 2);
}

async fn departments_and_staff_are_validated_and_audited(env: Env) {
    let before = env.counts().await;
    let dept = DepartmentCode::parse("AMERICAS").unwrap();
    let e = env
        .bureau
        .create_department(
            Some(&staff("staff-interp-kim")),
            dept.clone(),
            names("미주팀", "Americas"),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    let e = env
        .bureau
        .create_department(
            Some(&admin()),
            DepartmentCode::parse("GENERAL").unwrap(),
            names("총무", "General"),
        )
        .await
        .unwrap_err();
    assert_eq!(reason(&e), Some("DUPLICATE_CODE"));
    let created = env
        .bureau
        .create_department(Some(&admin()), dept.clone(), names("미주팀", "Americas"))
        .await
        .unwrap();
    assert_eq!(created.name.ja, "Americas");

    let draft = |id: &str, subject: &str| StaffDraft {
        id: sid(id),
        subject: subject.into(),
        name: "Alex Kim".into(),
        department_code: dept.clone(),
        languages: vec![glocal_requests::domain::LanguageCode::parse("es").unwrap()],
        request_types: vec![RequestType::OverseasVisit],
    };
    let member = env
        .bureau
        .onboard_staff(Some(&admin()), draft("STF-701", "staff-americas-kim"))
        .await
        .unwrap();
    assert!(member.active);
    assert_eq!(member.availability.languages, ["es"]);
    let e = env
        .bureau
        .onboard_staff(Some(&admin()), draft("STF-701", "someone-else"))
        .await
        .unwrap_err();
    assert_eq!(reason(&e), Some("DUPLICATE_STAFF_ID"));
    let e = env
        .bureau
        .onboard_staff(Some(&admin()), draft("STF-702", "staff-americas-kim"))
        .await
        .unwrap_err();
    assert_eq!(reason(&e), Some("DUPLICATE_SUBJECT"));

    // The lead must be an active member of the department.
    let lead = |id: &str| DepartmentDraft {
        code: dept.clone(),
        name: None,
        lead_staff_id: Some(sid(id)),
    };
    let e = env
        .bureau
        .update_department(Some(&admin()), lead("STF-101"))
        .await
        .unwrap_err();
    assert_eq!(reason(&e), Some("LEAD_NOT_IN_DEPARTMENT"));
    let led = env
        .bureau
        .update_department(Some(&admin()), lead("STF-701"))
        .await
        .unwrap();
    assert_eq!(led.lead_staff_id.as_deref(), Some("STF-701"));

    // Absences: `to` before `from` is refused and writes nothing; a good list replaces.
    let mid = env.counts().await;
    let e = Absence::new(day("2026-12-10"), day("2026-12-09")).unwrap_err();
    assert_eq!(e.reason, "ABSENCE_ENDS_BEFORE_START");
    let e = env
        .bureau
        .update_staff(
            Some(&staff("staff-interp-kim")),
            sid("STF-701"),
            StaffChanges {
                name: Some("Someone".into()),
                ..StaffChanges::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    assert_eq!(env.counts().await, mid);
    let updated = env
        .bureau
        .update_staff(
            Some(&admin()),
            sid("STF-701"),
            StaffChanges {
                absences: Some(vec![
                    Absence::new(day("2026-12-20"), day("2026-12-31")).unwrap(),
                    Absence::new(day("2026-12-01"), day("2026-12-02")).unwrap(),
                ]),
                request_types: Some(vec![]),
                ..StaffChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.availability.absences.len(), 2);
    assert_eq!(updated.availability.absences[0].from(), day("2026-12-01"));
    assert!(updated.availability.request_types.is_empty());
    let listed = env.bureau.directory(Some(&admin())).await.unwrap();
    let listed = listed.staff.iter().find(|s| s.id == "STF-701").unwrap();
    assert_eq!(
        listed.availability, updated.availability,
        "read back as written"
    );
    let after = env.counts().await;
    // Audit: create dept, onboard, lead, update staff = 4 rows and 4 events.
    assert_eq!((after.0 - before.0, after.1 - before.1), (4, 4));
    assert_eq!(after.4, 2);
}

async fn routing_passes_over_absent_staff_in_korea_time(env: Env) {
    // STF-101 has the lowest id of the available interpreters: they win a tie.
    let r = submit(&env, "a").await;
    assert_eq!(assignee(&r), Some("STF-101"));
    // 23:30 UTC on 1 December is 08:30 on 2 December in Korea: STF-101 is away that day.
    env.bureau
        .update_staff(
            Some(&admin()),
            sid("STF-101"),
            StaffChanges {
                absences: Some(vec![
                    Absence::new(day("2026-12-02"), day("2026-12-02")).unwrap(),
                ]),
                ..StaffChanges::default()
            },
        )
        .await
        .unwrap();
    env.set_now("2026-12-01T23:30:00Z");
    for key in ["b", "c"] {
        let r = submit(&env, key).await;
        assert_eq!(
            assignee(&r),
            Some("STF-102"),
            "STF-101 is away on 2 December KST"
        );
    }
    // The next Korean day they are back and, with the least load, take the next one.
    env.set_now("2026-12-02T15:30:00Z");
    let r = submit(&env, "d").await;
    assert_eq!(assignee(&r), Some("STF-101"));
    // A member who takes only other request types is passed over too.
    env.bureau
        .update_staff(
            Some(&admin()),
            sid("STF-101"),
            StaffChanges {
                request_types: Some(vec![RequestType::OverseasVisit]),
                ..StaffChanges::default()
            },
        )
        .await
        .unwrap();
    let r = submit(&env, "e").await;
    assert_eq!(assignee(&r), Some("STF-102"));
}

async fn a_departure_hands_open_requests_on(env: Env) {
    let first = submit(&env, "a").await; // STF-101 (lead of INTERPRETATION)
    let second = submit(&env, "b").await; // STF-102
    assert_eq!(
        (assignee(&first), assignee(&second)),
        (Some("STF-101"), Some("STF-102"))
    );
    let e = env
        .bureau
        .depart_staff(
            Some(&staff("staff-interp-kim")),
            sid("STF-102"),
            String::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);

    // STF-102 leaves: their request goes to the department's lead, with a history entry
    // and the change event a manual reassignment writes (the notifier tells the assignee).
    let gone = env
        .bureau
        .depart_staff(
            Some(&admin()),
            sid("STF-102"),
            "moved to another agency".into(),
        )
        .await
        .unwrap();
    assert!(!gone.member.active);
    assert!(gone.member.availability.departed_at.is_some());
    assert_eq!(gone.reassigned, [(second.id, Some("STF-101".to_owned()))]);
    let second = env.get(&second).await;
    assert_eq!(assignee(&second), Some("STF-101"));
    let last = second.history.last().unwrap();
    assert_eq!(last.action, "reassign");
    let changed = env.events("ServiceRequestStateChanged").await;
    let event = changed.last().unwrap();
    assert_eq!(event["action"], "reassign");
    assert_eq!(event["assignee"], "staff-interp-kim");
    // New work skips the departed member.
    let third = submit(&env, "c").await;
    assert_eq!(assignee(&third), Some("STF-101"));

    // The lead leaves: the lead role ends, and with nobody left available their requests
    // go back to the department's queue.
    let gone = env
        .bureau
        .depart_staff(Some(&admin()), sid("STF-101"), String::new())
        .await
        .unwrap();
    assert_eq!(gone.reassigned.len(), 3);
    assert!(gone.reassigned.iter().all(|(_, to)| to.is_none()));
    let first = env.get(&first).await;
    assert_eq!(first.state, RequestState::DepartmentAssigned);
    assert_eq!(first.assignee, None);
    let dir = env.bureau.directory(Some(&admin())).await.unwrap();
    let interp = dir
        .departments
        .iter()
        .find(|d| d.code == "INTERPRETATION")
        .unwrap();
    assert_eq!(interp.lead_staff_id, None);

    // Leaving twice: CONFLICT, nothing written.
    let before = env.counts().await;
    let e = env
        .bureau
        .depart_staff(Some(&admin()), sid("STF-101"), String::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert_eq!(reason(&e), Some("ALREADY_DEPARTED"));
    assert_eq!(env.counts().await, before);
}

async fn a_departure_with_the_lead_away_goes_by_load(env: Env) {
    let r = submit(&env, "a").await;
    assert_eq!(assignee(&r), Some("STF-101"));
    // Move the request to STF-102 by hand, then make the lead STF-101 absent today.
    let r = env
        .bureau
        .reassign(
            Some(&admin()),
            r.id,
            r.version,
            DepartmentCode::parse("INTERPRETATION").unwrap(),
            Some(sid("STF-102")),
            String::new(),
        )
        .await
        .unwrap();
    env.bureau
        .update_staff(
            Some(&admin()),
            sid("STF-101"),
            StaffChanges {
                absences: Some(vec![
                    Absence::new(day("2026-11-30"), day("2026-12-04")).unwrap(),
                ]),
                ..StaffChanges::default()
            },
        )
        .await
        .unwrap();
    // Onboard a colleague who is there.
    env.bureau
        .onboard_staff(
            Some(&admin()),
            StaffDraft {
                id: sid("STF-103"),
                subject: "staff-interp-new".into(),
                name: "New Interpreter".into(),
                department_code: DepartmentCode::parse("INTERPRETATION").unwrap(),
                languages: vec![],
                request_types: vec![],
            },
        )
        .await
        .unwrap();
    let gone = env
        .bureau
        .depart_staff(Some(&admin()), sid("STF-102"), String::new())
        .await
        .unwrap();
    assert_eq!(gone.reassigned, [(r.id, Some("STF-103".to_owned()))]);
}

async fn the_import_is_idempotent_and_refuses_bad_files(env: Env) {
    let shipped = glocal_requests::demo::LOCAL_GOVERNMENTS_CSV;
    let before = env.counts().await;
    let report = env
        .bureau
        .import_local_governments(shipped, false)
        .await
        .unwrap();
    assert_eq!(
        (report.added.len(), report.changed.len(), report.unchanged),
        (0, 0, 243),
        "the demo loaded the same file"
    );
    assert_eq!(env.counts().await, before);

    // One renamed, one added: a dry run reports them and writes nothing.
    let edited = shipped.replace("Gangnam-gu, Seoul", "Gangnam District, Seoul")
        + "11999,DISTRICT,11000,서울특별시 테스트구,\"Test-gu, Seoul\",,\n";
    let dry = env
        .bureau
        .import_local_governments(&edited, true)
        .await
        .unwrap();
    assert_eq!(
        (dry.added.len(), dry.changed.len(), dry.unchanged),
        (1, 1, 242)
    );
    assert!(dry.dry_run);
    let text = dry.to_string();
    assert!(text.contains("add     11999"), "{text}");
    assert!(
        text.contains(
            "change  11680 name_en: \"Gangnam-gu, Seoul\" -> \"Gangnam District, Seoul\""
        ),
        "{text}"
    );
    assert_eq!(env.counts().await, before);
    let done = env
        .bureau
        .import_local_governments(&edited, false)
        .await
        .unwrap();
    assert!(!done.dry_run);
    let after = env.counts().await;
    assert_eq!((after.0 - before.0, after.2 - before.2), (2, 1));
    let again = env
        .bureau
        .import_local_governments(&edited, false)
        .await
        .unwrap();
    assert_eq!((again.added.len(), again.changed.len()), (0, 0));
    assert_eq!(env.counts().await, after, "a second run changes nothing");

    // Bad files are refused with the line at fault; nothing is written.
    let header = "code,level,parent,name_ko,name_en\n";
    for (file, line, says) in [
        ("code,level,name_ko,name_en\n".to_owned(), 1, "parent"),
        (
            format!("{header}1100,METROPOLITAN,,서울,Seoul\n"),
            2,
            "code",
        ),
        (
            format!("{header}11998,DISTRICT,11000,가,A\n11998,DISTRICT,11000,가,A\n"),
            3,
            "duplicate",
        ),
        (
            format!("{header}11998,DISTRICT,11000,가,A\n11997,DISTRICT,99999,나,B\n"),
            3,
            "99999",
        ),
    ] {
        let e = env
            .bureau
            .import_local_governments(&file, false)
            .await
            .unwrap_err();
        let ImportError::File(e) = e else {
            panic!("{e}")
        };
        assert_eq!(e.line, line, "{e}");
        assert!(e.message.contains(says), "{e}");
    }
    assert_eq!(env.counts().await, after);
}

/// Waits up to 10 s for `check`.
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !check().await {
        assert!(std::time::Instant::now() < until, "{what} within 10 s");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Each replica caches its callers' staff records (ADR 0055): a change made through
/// another replica reaches it within the change stream's delay, the replica that made it
/// sees it at once, and while the stream cannot be read (Redis down) nothing is served
/// from the cache.
/// Two replicas of the service on `env`'s database and clock, reading the change events of
/// a Redis of the test's own (ADR 0055), and a third without the cache.
struct Replicas {
    redis: glocal_kit::testing::RedisServer,
    _stop: glocal_kit::shutdown::ShutdownTrigger,
    a: OnlineBureau,
    b: OnlineBureau,
    uncached: OnlineBureau,
}

impl Replicas {
    /// Starts them and waits until both replicas serve from their caches.
    async fn start(env: &Env) -> Replicas {
        let redis = glocal_kit::testing::RedisServer::started(false);
        let mut settings = glocal_kit::Settings::default();
        settings.redis.url = glocal_kit::config::Secret::new(redis.url());
        settings.redis.key_prefix = glocal_kit::testing::redis_prefix();
        settings.outbox.consumer_block_ms = 100;
        settings.outbox.retry_max_backoff_ms = 200;
        let (stop, shutdown) = glocal_kit::shutdown::channel();
        glocal_kit::outbox::spawn("requests", env.db.clone(), &settings, shutdown.clone());
        let clock = env.now.clone();
        let bureau = || {
            let clock = clock.clone();
            OnlineBureau::new(env.db.clone(), Config::default())
                .with_clock(Arc::new(move || *clock.lock().unwrap()))
        };
        let replica = || {
            let bureau = bureau();
            glocal_requests::service::spawn_reference_watch(&bureau, &settings, shutdown.clone());
            bureau
        };
        let (a, b, uncached) = (replica(), replica(), bureau());
        assert!(!uncached.reference_cache_serving());
        eventually("both replicas read the change events", async || {
            a.reference_cache_serving() && b.reference_cache_serving()
        })
        .await;
        Replicas {
            redis,
            _stop: stop,
            a,
            b,
            uncached,
        }
    }
}

async fn staff_records_are_cached_per_replica_and_dropped_by_change_events(env: Env) {
    let Replicas {
        mut redis,
        _stop,
        a,
        b,
        uncached,
    } = Replicas::start(&env).await;

    // A translation goes to INTERPRETATION; the colleague it is not assigned to sees it
    // through their department only.
    let r = submit(&env, "cache-1").await;
    let colleague = if assignee(&r) == Some("STF-101") {
        ("STF-102", "staff-interp-lee")
    } else {
        ("STF-101", "staff-interp-kim")
    };
    let caller = staff(colleague.1);
    let sees = async |bureau: &OnlineBureau| bureau.get(Some(&caller), r.id).await.is_ok();
    assert!(sees(&a).await && sees(&b).await);

    // Cached: a change behind the service's back (no change event) is not seen by the
    // replicas, but is by a service without the cache.
    let move_to = async |department: &str| {
        env.db
            .execute_unprepared(&format!(
                "UPDATE staff SET department_code = '{department}' WHERE id = '{}'",
                colleague.0
            ))
            .await
            .unwrap();
    };
    move_to("GENERAL").await;
    assert!(!sees(&uncached).await);
    assert!(sees(&a).await && sees(&b).await, "served from the cache");
    move_to("INTERPRETATION").await;

    // A change through replica b: b sees it at once, a within the stream's delay.
    b.update_staff(
        Some(&admin()),
        sid(colleague.0),
        StaffChanges {
            department_code: Some(DepartmentCode::parse("EXCHANGE").unwrap()),
            ..StaffChanges::default()
        },
    )
    .await
    .unwrap();
    assert!(!sees(&b).await, "the replica that made the change");
    eventually("the other replica sees the move", async || !sees(&a).await).await;

    // Redis down: the replicas stop serving from the cache at once.
    redis.kill();
    eventually("the cache is bypassed", async || {
        !a.reference_cache_serving() && !b.reference_cache_serving()
    })
    .await;
    move_to("INTERPRETATION").await;
    assert!(sees(&a).await && sees(&b).await, "read from the database");
    // Back up: they serve again, starting empty.
    redis.start();
    eventually("the replicas read the change events again", async || {
        a.reference_cache_serving() && b.reference_cache_serving()
    })
    .await;
    assert!(sees(&a).await);
    move_to("GENERAL").await;
    assert!(sees(&a).await, "served from the cache again");
}

/// The reference data every submission reads (ADR 0058) is cached per replica like the
/// staff records: whether a local government exists, a type's service-level policy, the
/// business calendar and the people a change event names. A change through one replica
/// reaches the other within the change stream's delay; one behind the service's back is
/// not seen by the replicas (so they do serve from their caches) but is by a service
/// without the cache.
async fn reference_data_is_cached_per_replica_and_dropped_by_change_events(env: Env) {
    let Replicas {
        redis: _redis,
        _stop,
        a,
        b,
        uncached,
    } = Replicas::start(&env).await;
    let keys = std::sync::atomic::AtomicUsize::new(0);
    let submit_as = async |bureau: &OnlineBureau, official: &Caller| {
        let key = format!(
            "ref-{}",
            keys.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        bureau
            .submit(Some(official), translation(&key).parse().unwrap())
            .await
    };
    let resolution = async |bureau: &OnlineBureau| {
        let r = submit_as(bureau, &seoul()).await.unwrap();
        (r.resolution_due_at - r.created_at).num_minutes()
    };
    let policy = |clock: &str, resolution_minutes: i64| SlaPolicyDraft {
        request_type: RequestType::InterpretationTranslation,
        first_response_minutes: 60,
        first_response_clock: clock.into(),
        resolution_minutes,
        resolution_clock: clock.into(),
        warning_percent: 50,
    };

    // A policy set through b: b at once, a within the stream's delay.
    b.set_sla_policy(Some(&admin()), policy("CALENDAR", 600))
        .await
        .unwrap();
    assert_eq!(
        resolution(&b).await,
        600,
        "the replica that made the change"
    );
    eventually("the other replica applies the new policy", async || {
        resolution(&a).await == 600
    })
    .await;
    // Behind the service's back (no event): a replica keeps serving the policy it read,
    // while a service without the cache reads the database. The change's own event empties
    // a replica's cache whenever it arrives, perhaps between the two reads below, after
    // which the second read is what the cache holds; so each try flips the row away from
    // whatever the replica answered last, until an answer does not follow it.
    let behind = async |minutes: i64| {
        env.db
            .execute_unprepared(&format!(
                "UPDATE sla_policy SET resolution_minutes = {minutes}"
            ))
            .await
            .unwrap();
    };
    let stored = std::cell::Cell::new(600);
    for replica in [&a, &b] {
        eventually("the replica serves the policy from its cache", async || {
            let served = resolution(replica).await;
            stored.set(if served == 600 { 1200 } else { 600 });
            behind(stored.get()).await;
            resolution(replica).await == served
        })
        .await;
        assert_eq!(resolution(&uncached).await, stored.get());
    }

    // The calendar: a working day's resolution (Tuesday 10:00 KST, due Wednesday 10:00);
    // a holiday on the Wednesday set through b moves it to Thursday, on a too.
    b.set_sla_policy(Some(&admin()), policy("BUSINESS", 540))
        .await
        .unwrap();
    let due = async |bureau: &OnlineBureau| {
        submit_as(bureau, &seoul())
            .await
            .unwrap()
            .resolution_due_at
            .to_rfc3339()
    };
    eventually(
        "the other replica applies the business-hours policy",
        async || due(&a).await == "2026-12-02T01:00:00+00:00",
    )
    .await;
    let holiday = HolidayDraft {
        date: "2026-12-02".into(),
        kind: "ONE_OFF".into(),
        name: LocalizedName {
            ko: "임시 휴일".into(),
            en: "Day off".into(),
            zh: "休息日".into(),
            ja: "休日".into(),
        },
    };
    b.set_holiday(Some(&admin()), holiday).await.unwrap();
    assert_eq!(due(&b).await, "2026-12-03T01:00:00+00:00");
    eventually("the other replica skips the holiday", async || {
        due(&a).await == "2026-12-03T01:00:00+00:00"
    })
    .await;
    let holiday_behind = async |present: bool| {
        env.db
            .execute_unprepared(if present {
                "INSERT INTO business_holiday (day, kind, name_ko, name_en, name_zh, name_ja) \
                 VALUES ('2026-12-02', 'ONE_OFF', '휴일', 'Day off', '休息日', '休日') \
                 ON CONFLICT (day) DO NOTHING"
            } else {
                "DELETE FROM business_holiday WHERE day = '2026-12-02'"
            })
            .await
            .unwrap();
    };
    // As with the policy: the holiday goes in or out behind the replica's back, against
    // whatever it answered last, until an answer does not follow.
    let (working, off) = ("2026-12-02T01:00:00+00:00", "2026-12-03T01:00:00+00:00");
    let stored = std::cell::Cell::new(true);
    eventually(
        "the replica serves the calendar from its cache",
        async || {
            let served = due(&a).await;
            stored.set(served == working);
            holiday_behind(stored.get()).await;
            due(&a).await == served
        },
    )
    .await;
    assert_eq!(
        due(&uncached).await,
        if stored.get() { off } else { working }
    );

    // A local government created through b: its officials may submit through a, once the
    // change has reached it, although a had found no such local government before.
    let newcomer = Caller::new("official-11999", "Official", "11999", [Role::LocalOfficial]);
    let refused = submit_as(&a, &newcomer).await.unwrap_err();
    assert_eq!(
        reason(&refused),
        Some("ORGANISATION_NOT_A_LOCAL_GOVERNMENT")
    );
    b.save_local_government(
        Some(&admin()),
        lg("11999", LocalGovernmentLevel::District, Some("11000")),
        true,
    )
    .await
    .unwrap();
    submit_as(&b, &newcomer).await.unwrap();
    eventually(
        "the other replica knows the new local government",
        async || submit_as(&a, &newcomer).await.is_ok(),
    )
    .await;

    // The department lead a change event names: set through b, named by a's next event.
    let lead_of_last_event = async || {
        env.events("ServiceRequestSubmitted").await.last().unwrap()["departmentLead"].clone()
    };
    for (lead, subject) in [
        ("STF-102", "staff-interp-lee"),
        ("STF-101", "staff-interp-kim"),
    ] {
        b.set_department_lead(
            Some(&admin()),
            DepartmentCode::parse("INTERPRETATION").unwrap(),
            sid(lead),
        )
        .await
        .unwrap();
        eventually("the other replica names the new lead", async || {
            submit_as(&a, &seoul()).await.unwrap();
            lead_of_last_event().await == subject
        })
        .await;
    }
}

/// A staff member's list is their department's requests and those assigned to them in any
/// other: after a move, what they kept from their old department. Newest first, it is read
/// from two indexes (`store::requests::department_rows`); the pages hold what the rule says,
/// newest first, each request once (one both in the department and assigned to them too),
/// every page counting all of them, and the filters apply to both parts.
async fn a_moved_staff_members_list_keeps_what_is_assigned_to_them(env: Env) {
    let mut submitted = Vec::new();
    for i in 0..10 {
        submitted.push(submit(&env, &format!("moved-{i}")).await);
    }
    let kim = staff("staff-interp-kim");
    env.bureau
        .update_staff(
            Some(&admin()),
            sid("STF-101"),
            StaffChanges {
                department_code: Some(DepartmentCode::parse("EXCHANGE").unwrap()),
                ..StaffChanges::default()
            },
        )
        .await
        .unwrap();
    // Three of the others' go to EXCHANGE, one of them to kim.
    let others: Vec<_> = submitted
        .iter()
        .filter(|r| assignee(r) != Some("STF-101"))
        .collect();
    let kims = submitted.len() - others.len();
    assert!(kims >= 2 && others.len() >= 3, "both were assigned some");
    for (r, to) in others.iter().take(3).zip(["STF-201", "STF-101", "STF-202"]) {
        env.bureau
            .reassign(
                Some(&admin()),
                r.id,
                r.version,
                DepartmentCode::parse("EXCHANGE").unwrap(),
                Some(sid(to)),
                "moved".into(),
            )
            .await
            .unwrap();
    }

    let (mut expected, mut mine) = (Vec::new(), Vec::new());
    for r in submitted.iter().rev() {
        let now = env.get(r).await;
        let department = now.department.as_ref().map(|d| d.code.as_str());
        if department == Some("EXCHANGE") || assignee(&now) == Some("STF-101") {
            expected.push(r.id);
        }
        if assignee(&now) == Some("STF-101") {
            mine.push(r.id);
        }
    }
    assert_eq!((expected.len(), mine.len()), (kims + 3, kims + 1));
    let list = async |types: Vec<RequestType>, assigned: Option<&str>, first: u32| {
        let (mut ids, mut after, mut totals) = (Vec::new(), None, Vec::new());
        loop {
            let page = env
                .bureau
                .list(
                    Some(&kim),
                    glocal_requests::service::RequestFilter {
                        types: types.clone(),
                        assignee: assigned.map(sid),
                        ..Default::default()
                    },
                    glocal_requests::service::RequestOrder::Newest,
                    glocal_requests::service::PageRequest { first, after },
                    false,
                )
                .await
                .unwrap();
            ids.extend(page.items.iter().map(|r| r.id));
            totals.push(page.total_count);
            if !page.has_next_page {
                return (ids, totals);
            }
            after = page.end_cursor().map(str::to_owned);
        }
    };
    for first in [2, 3, 50] {
        let (ids, totals) = list(vec![], None, first).await;
        assert_eq!(ids, expected, "pages of {first}");
        assert!(
            totals.iter().all(|&n| n == expected.len() as u64),
            "{totals:?}"
        );
    }
    // A filter applies to both parts: kim's own, in either department.
    let (ids, totals) = list(vec![], Some("STF-101"), 2).await;
    assert_eq!(ids, mine);
    assert!(totals.iter().all(|&n| n == mine.len() as u64), "{totals:?}");
    // A filter matching none of them on either part.
    let (ids, totals) = list(vec![RequestType::GeneralInquiry], None, 2).await;
    assert!(ids.is_empty());
    assert_eq!(totals, [0]);
    // The staff member who stayed sees the department without what went to EXCHANGE.
    let lee = env
        .bureau
        .list(
            Some(&staff("staff-interp-lee")),
            glocal_requests::service::RequestFilter::default(),
            glocal_requests::service::RequestOrder::Newest,
            glocal_requests::service::PageRequest {
                first: 50,
                after: None,
            },
            false,
        )
        .await
        .unwrap();
    assert_eq!(lee.items.len(), submitted.len() - 3);
}

async fn demo_seeds_the_full_list(db: DatabaseConnection) {
    glocal_requests::migrate(&db).await.unwrap();
    assert!(glocal_requests::demo::seed_directory(&db).await.unwrap());
    assert_eq!(
        glocal_kit::testing::count_rows(&db, "local_government").await,
        243
    );
}

#[test]
fn the_shipped_list_has_every_local_government_once() {
    let lines = parse_csv(glocal_requests::demo::LOCAL_GOVERNMENTS_CSV, &|_| None).unwrap();
    let upper: Vec<_> = lines
        .iter()
        .filter(|l| l.draft.level.is_upper_tier())
        .collect();
    let basic: Vec<_> = lines
        .iter()
        .filter(|l| !l.draft.level.is_upper_tier())
        .collect();
    assert_eq!((upper.len(), basic.len()), (17, 226));
    let mut codes: Vec<&str> = lines.iter().map(|l| l.draft.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), 243, "unique codes");
    for b in &basic {
        let parent = b
            .draft
            .parent_code
            .as_ref()
            .expect("a basic one has a parent");
        assert!(
            upper.iter().any(|u| u.draft.code == *parent),
            "{} names {} as parent",
            b.draft.code.as_str(),
            parent.as_str()
        );
    }
    let count = |level| basic.iter().filter(|l| l.draft.level == level).count();
    assert_eq!(
        (
            count(LocalGovernmentLevel::City),
            count(LocalGovernmentLevel::County),
            count(LocalGovernmentLevel::District)
        ),
        (75, 82, 69)
    );
    // The demo's codes (and so its tokens and data) are kept, and the 2023–2024 changes are in.
    for code in [
        "11000", "11680", "26000", "26350", "27000", "28000", "29000", "30000", "31000", "36110",
        "41000", "41110", "47130", "50000", "51000", "52000", "27720",
    ] {
        assert!(codes.contains(&code), "{code}");
    }
    let gunwi = lines
        .iter()
        .find(|l| l.draft.code.as_str() == "27720")
        .unwrap();
    assert_eq!(gunwi.draft.parent_code.as_ref().unwrap().as_str(), "27000");
}

#[test]
fn the_shipped_list_names_every_local_government_in_chinese_and_japanese() {
    let lines = parse_csv(glocal_requests::demo::LOCAL_GOVERNMENTS_CSV, &|_| None).unwrap();
    // An empty name_zh or name_ja reads as the English name, so a missing one shows as Latin
    // letters; Hangul would be the Korean name copied in.
    let not_cjk = |text: &str| {
        text.is_empty()
            || text.chars().any(|c| {
                c.is_ascii_alphabetic()
                    || ('\u{1100}'..='\u{11FF}').contains(&c)
                    || ('\u{3130}'..='\u{318F}').contains(&c)
                    || ('\u{AC00}'..='\u{D7AF}').contains(&c)
            })
    };
    let mut faults = Vec::new();
    for l in &lines {
        let code = l.draft.code.as_str();
        let name = &l.draft.name;
        for (lang, text) in [("name_zh", &name.zh), ("name_ja", &name.ja)] {
            if not_cjk(text) {
                faults.push(format!("{code} {lang} {text:?}"));
            }
        }
        // A basic one's name is its upper tier's followed by its own, ending in 市, 郡 or 区.
        let Some(parent) = &l.draft.parent_code else {
            continue;
        };
        let upper = &lines
            .iter()
            .find(|u| u.draft.code == *parent)
            .expect("the parent is in the file")
            .draft
            .name;
        let suffix = match l.draft.level {
            LocalGovernmentLevel::City => '市',
            LocalGovernmentLevel::County => '郡',
            _ => '区',
        };
        for (lang, text, up) in [
            ("name_zh", &name.zh, &upper.zh),
            ("name_ja", &name.ja, &upper.ja),
        ] {
            if !text.starts_with(up.as_str()) || !text.ends_with(suffix) || text.len() <= up.len() {
                faults.push(format!(
                    "{code} {lang} {text:?} (upper tier {up:?}, {suffix})"
                ));
            }
        }
    }
    assert!(faults.is_empty(), "{faults:#?}");
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 2),
    sqlite();
    env: [
        local_governments_are_admins_to_change,
        departments_and_staff_are_validated_and_audited,
        routing_passes_over_absent_staff_in_korea_time,
        a_departure_hands_open_requests_on,
        a_departure_with_the_lead_away_goes_by_load,
        the_import_is_idempotent_and_refuses_bad_files,
        staff_records_are_cached_per_replica_and_dropped_by_change_events,
        reference_data_is_cached_per_replica_and_dropped_by_change_events,
        a_moved_staff_members_list_keeps_what_is_assigned_to_them,
    ];
    db: [demo_seeds_the_full_list]
);
