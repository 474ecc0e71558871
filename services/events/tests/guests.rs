//! Guest registration (ADR 0049) on real databases: every test body runs on PostgreSQL (a
//! fresh database per test) and on SQLite in memory. The token is read where the notifier
//! reads it, from the `GuestRegistrationRequested` change event in the outbox.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, SubsecRound, Utc};
use glocal_events::domain::{
    EventAction, EventDraft, EventKind, GuestDraft, GuestLimits, GuestState, GuestToken,
    RegistrationDraft, RegistrationKind, RegistrationState, TextDraft,
};
use glocal_events::service::{EventView, GuestRequestView};
use glocal_events::{Config, EventOffice, EventsError};
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::{Caller, Role};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

struct Env {
    db: DatabaseConnection,
    office: EventOffice,
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_events::migrate(&db).await.unwrap();
        let now = Arc::new(Mutex::new(
            DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
                .unwrap()
                .with_timezone(&Utc)
                .trunc_subsecs(6),
        ));
        let clock = now.clone();
        let office = EventOffice::new(db.clone(), Config::default())
            .with_clock(Arc::new(move || *clock.lock().unwrap()))
            .with_guest_limits(GuestLimits {
                per_email: 2,
                per_event: 30,
                token_ttl: Duration::hours(48),
            });
        Env { db, office, now }
    }

    fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    async fn count(&self, table: &str) -> i64 {
        glocal_kit::testing::count_rows(&self.db, table).await
    }

    /// (guest requests, guests, registrations, audit rows, outbox rows)
    async fn counts(&self) -> [i64; 5] {
        [
            self.count("guest_registration").await,
            self.count("guest").await,
            self.count("registration").await,
            self.count("audit").await,
            self.count("outbox").await,
        ]
    }

    /// The payload of the `GuestRegistrationRequested` event of request `id`.
    async fn requested(&self, id: &GuestRequestView) -> serde_json::Value {
        let backend = self.db.get_database_backend();
        let rows = self
            .db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT payload FROM outbox WHERE event_type = 'GuestRegistrationRequested' \
                 ORDER BY seq",
            ))
            .await
            .unwrap();
        rows.iter()
            .map(|r| {
                let text: String = r.try_get("", "payload").unwrap();
                serde_json::from_str::<serde_json::Value>(&text).unwrap()
            })
            .find(|p| p["id"] == id.id.to_string())
            .expect("a change event for the request")
    }

    async fn token_of(&self, id: &GuestRequestView) -> GuestToken {
        GuestToken::from_text(self.requested(id).await["token"].as_str().unwrap())
    }

    async fn open(&self, key: &str, kind: EventKind, capacity: u32) -> EventView {
        let draft = EventDraft {
            idempotency_key: key.into(),
            kind: Some(kind),
            title: TextDraft::new(
                "국제교류 포럼",
                "Exchange forum",
                "国际交流论坛",
                "国際交流フォーラム",
            ),
            description: TextDraft::new("", "Experts and citizens", "", ""),
            host_country: "KR".into(),
            host_city: "Seoul".into(),
            host_organization: "GAOK".into(),
            venue: "Press Center".into(),
            time_zone: "Asia/Seoul".into(),
            start_date: "2026-08-26".into(),
            end_date: "2026-08-27".into(),
            working_languages: vec!["ko".into()],
            interpretation_languages: vec!["en".into()],
            capacity,
            ..EventDraft::default()
        };
        let mut e = self
            .office
            .create_event(Some(&staff()), draft.parse().unwrap())
            .await
            .unwrap();
        for a in [EventAction::Publish, EventAction::OpenRegistration] {
            e = self
                .office
                .transition_event(Some(&staff()), e.id, e.version, a, None)
                .await
                .unwrap();
        }
        e
    }

    async fn guest(&self, event: &EventView, email: &str) -> Result<GuestRequestView, EventsError> {
        let new = guest(email).parse().unwrap()?;
        self.office.register_guest(event.id, new).await
    }
}

fn staff() -> Caller {
    Caller::new("staff-events", "Lee", "GAOK", [Role::BureauStaff])
}

fn guest(email: &str) -> GuestDraft {
    GuestDraft {
        name: "Prof. Park".into(),
        email: email.into(),
        affiliation: "Seoul National University".into(),
        language: "ja".into(),
        website: String::new(),
    }
}

fn reason(e: &EventsError) -> Option<String> {
    match e {
        EventsError::Refused(r) => Some(r.reason.to_string()),
        _ => None,
    }
}

fn refused<T: std::fmt::Debug>(r: Result<T, EventsError>, code: ErrorCode, why: &str) {
    let e = r.unwrap_err();
    assert_eq!(e.code(), code, "{e}");
    assert_eq!(reason(&e).as_deref(), Some(why), "{e}");
}

async fn register_then_confirm(env: Env) {
    let forum = env.open("forum", EventKind::Forum, 10).await;
    let req = env.guest(&forum, " Park@Uni.AC.kr ").await.unwrap();
    assert_eq!(req.state, GuestState::PendingConfirmation);
    assert_eq!(
        req.expires_at,
        *env.now.lock().unwrap() + Duration::hours(48)
    );
    // Pending holds no seat and makes no registration.
    let e = env.office.get_event(None, forum.id).await.unwrap();
    assert_eq!(e.seats_taken, 0);
    assert_eq!(env.count("registration").await, 0);
    // The change event carries what the notifier needs; the database only the token's hash.
    let payload = env.requested(&req).await;
    assert_eq!(payload["guest"]["email"], "park@uni.ac.kr");
    assert_eq!(payload["guest"]["locale"], "ja");
    assert_eq!(
        payload["guest"]["subject"].as_str(),
        req.guest_subject.as_deref()
    );
    assert_eq!(payload["eventTitle"]["ja"], "国際交流フォーラム");
    let token = env.token_of(&req).await;
    let backend = env.db.get_database_backend();
    let stored = env
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT token_hash FROM guest_registration",
        ))
        .await
        .unwrap()
        .unwrap();
    let hash: String = stored.try_get("", "token_hash").unwrap();
    assert_eq!(hash, token.hash());
    assert_ne!(hash, token.expose());

    let done = env.office.confirm_guest(&token).await.unwrap();
    assert_eq!(done.state, GuestState::Confirmed);
    assert_eq!(done.registration_state, Some(RegistrationState::Confirmed));
    let subject = done.guest_subject.clone().unwrap();
    assert!(subject.starts_with("guest:"), "{subject}");
    assert_eq!(req.guest_subject.as_deref(), Some(subject.as_str()));
    let e = env.office.get_event(None, forum.id).await.unwrap();
    assert_eq!(e.seats_taken, 1);
    // The bureau sees an ordinary registration of the guest.
    let reg = env
        .office
        .get_registration(Some(&staff()), done.registration_id.unwrap())
        .await
        .unwrap();
    assert_eq!(reg.state, RegistrationState::Confirmed);
    assert_eq!(reg.kind, RegistrationKind::Individual);

    // A used token is refused and writes nothing.
    let before = env.counts().await;
    refused(
        env.office.confirm_guest(&token).await,
        ErrorCode::NotFound,
        "GUEST_TOKEN_INVALID",
    );
    refused(
        env.office
            .confirm_guest(&GuestToken::from_text("not-a-token"))
            .await,
        ErrorCode::NotFound,
        "GUEST_TOKEN_INVALID",
    );
    // The same person again (another spelling of the address): a duplicate.
    refused(
        env.guest(&forum, "park@uni.ac.kr").await,
        ErrorCode::Conflict,
        "GUEST_ALREADY_REGISTERED",
    );
    assert_eq!(env.counts().await, before);

    // The same guest at another forum is the same person.
    let other = env.open("forum-2", EventKind::Forum, 10).await;
    let req2 = env.guest(&other, "PARK@uni.ac.kr").await.unwrap();
    let done2 = env
        .office
        .confirm_guest(&env.token_of(&req2).await)
        .await
        .unwrap();
    assert_eq!(req2.guest_subject.as_deref(), Some(subject.as_str()));
    assert_eq!(done2.guest_subject.as_deref(), Some(subject.as_str()));
    assert_eq!(env.count("guest").await, 1);
}

async fn waitlisted_when_full_and_expired_tokens(env: Env) {
    let forum = env.open("small", EventKind::Forum, 1).await;
    let member = Caller::new("o1", "Official", "11000", [Role::LocalOfficial]);
    let draft = RegistrationDraft {
        idempotency_key: "k1".into(),
        kind: Some(RegistrationKind::Individual),
        ..RegistrationDraft::default()
    };
    env.office
        .register(Some(&member), forum.id, draft.parse("Official").unwrap())
        .await
        .unwrap();
    let late = env.guest(&forum, "late@uni.ac.kr").await.unwrap();
    let slow = env.guest(&forum, "slow@uni.ac.kr").await.unwrap();
    let done = env
        .office
        .confirm_guest(&env.token_of(&late).await)
        .await
        .unwrap();
    assert_eq!(done.registration_state, Some(RegistrationState::Waitlisted));
    let e = env.office.get_event(None, forum.id).await.unwrap();
    assert_eq!((e.seats_taken, e.waitlist_length), (1, 1));

    // 48 h later the slow guest's token has lapsed: refused, nothing written.
    let slow_token = env.token_of(&slow).await;
    env.advance(Duration::hours(48));
    let before = env.counts().await;
    refused(
        env.office.confirm_guest(&slow_token).await,
        ErrorCode::Conflict,
        "GUEST_TOKEN_EXPIRED",
    );
    assert_eq!(env.counts().await, before);
    // The sweeper persists the expiry and keeps no personal data of the request.
    assert_eq!(env.office.expire_guest_requests().await.unwrap(), 1);
    assert_eq!(env.office.expire_guest_requests().await.unwrap(), 0);
    let backend = env.db.get_database_backend();
    let row = env
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n FROM guest_registration WHERE email LIKE '%slow%' \
             OR (state = 'EXPIRED' AND name <> '')",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 0);
    refused(
        env.office.confirm_guest(&slow_token).await,
        ErrorCode::Conflict,
        "GUEST_TOKEN_EXPIRED",
    );
}

async fn refusals_write_nothing(env: Env) {
    let forum = env.open("forum", EventKind::Forum, 10).await;
    let conference = env.open("conf", EventKind::Conference, 10).await;
    let before = env.counts().await;
    // Not open to guests.
    refused(
        env.guest(&conference, "a@uni.ac.kr").await,
        ErrorCode::Forbidden,
        "GUESTS_NOT_ALLOWED",
    );
    // The honeypot.
    let bot = GuestDraft {
        website: "http://cheap.example".into(),
        ..guest("bot@spam.example")
    };
    let refusal = bot.parse().unwrap_err();
    assert_eq!(refusal.reason(), "GUEST_REJECTED");
    assert_eq!(
        env.office.guest_refusal(refusal).code(),
        ErrorCode::BadUserInput
    );
    assert_eq!(env.counts().await, before);

    // A pending duplicate for the same event.
    env.guest(&forum, "a@uni.ac.kr").await.unwrap();
    let after_one = env.counts().await;
    refused(
        env.guest(&forum, "A@uni.ac.kr").await,
        ErrorCode::Conflict,
        "GUEST_ALREADY_REGISTERED",
    );
    // Per address: two pending at most (this office's limit).
    let forum2 = env.open("forum-2", EventKind::Forum, 10).await;
    let forum3 = env.open("forum-3", EventKind::Forum, 10).await;
    env.guest(&forum2, "a@uni.ac.kr").await.unwrap();
    let after_two = env.counts().await;
    refused(
        env.guest(&forum3, "a@uni.ac.kr").await,
        ErrorCode::Conflict,
        "GUEST_LIMIT_EMAIL",
    );
    assert_eq!(env.counts().await, after_two);
    assert!(after_two[0] == after_one[0] + 1);
    // Once they lapse, the address may ask again.
    env.advance(Duration::hours(49));
    env.guest(&forum3, "a@uni.ac.kr").await.unwrap();

    // Per event: thirty pending at most.
    for i in 0..29 {
        env.guest(&forum3, &format!("g{i}@uni.ac.kr"))
            .await
            .unwrap();
    }
    let full = env.counts().await;
    refused(
        env.guest(&forum3, "one-more@uni.ac.kr").await,
        ErrorCode::Conflict,
        "GUEST_LIMIT_EVENT",
    );
    assert_eq!(env.counts().await, full);
}

async fn guests_confirming_for_the_last_seats_never_overbook(env: Env) {
    let forum = env.open("busy", EventKind::Forum, 5).await;
    let mut tokens = Vec::new();
    for i in 0..16 {
        let req = env.guest(&forum, &format!("g{i}@uni.ac.kr")).await.unwrap();
        tokens.push(env.token_of(&req).await);
    }
    // Each token twice, all at once.
    let mut tasks = Vec::new();
    for t in tokens.iter().chain(tokens.iter()) {
        let office = env.office.clone();
        let t = t.clone();
        tasks.push(tokio::spawn(async move { office.confirm_guest(&t).await }));
    }
    let mut confirmed = 0;
    let mut waitlisted = 0;
    let mut used = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(v) if v.registration_state == Some(RegistrationState::Confirmed) => confirmed += 1,
            Ok(_) => waitlisted += 1,
            Err(e) => {
                assert_eq!(reason(&e).as_deref(), Some("GUEST_TOKEN_INVALID"), "{e}");
                used += 1;
            }
        }
    }
    assert_eq!((confirmed, waitlisted, used), (5, 11, 16));
    let e = env.office.get_event(None, forum.id).await.unwrap();
    assert_eq!((e.seats_taken, e.waitlist_length), (5, 11));
    assert_eq!(env.count("registration").await, 16);
    assert_eq!(env.count("guest").await, 16);
}

async fn erasure_covers_guests(env: Env) {
    let forum = env.open("forum", EventKind::Forum, 10).await;
    let req = env.guest(&forum, "erase-me@uni.ac.kr").await.unwrap();
    let done = env
        .office
        .confirm_guest(&env.token_of(&req).await)
        .await
        .unwrap();
    let subject = done.guest_subject.unwrap();
    assert!(env.office.erase_person(&subject).await.unwrap() >= 2);
    let backend = env.db.get_database_backend();
    for sql in [
        "SELECT COUNT(*) AS n FROM guest",
        "SELECT COUNT(*) AS n FROM guest_registration",
        "SELECT COUNT(*) AS n FROM registration WHERE attendee_name = 'Prof. Park' \
         OR registrant_subject LIKE 'guest:%'",
    ] {
        let row = env
            .db
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get::<i64>("", "n").unwrap(), 0, "{sql}");
    }
}

async fn demo_has_a_confirmed_and_a_pending_guest(env: Env) {
    assert!(glocal_events::demo::seed_demo(&env.db).await.unwrap());
    let backend = env.db.get_database_backend();
    let row = env
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT \
             (SELECT COUNT(*) FROM guest_registration WHERE state = 'CONFIRMED') AS confirmed, \
             (SELECT COUNT(*) FROM guest_registration WHERE state = 'PENDING_CONFIRMATION') AS pending, \
             (SELECT COUNT(*) FROM registration WHERE registrant_subject LIKE 'guest:%') AS regs",
        ))
        .await
        .unwrap()
        .unwrap();
    let n = |c: &str| row.try_get::<i64>("", c).unwrap();
    assert_eq!((n("confirmed"), n("pending"), n("regs")), (1, 1, 1));
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 4),
    sqlite(flavor = "multi_thread", worker_threads = 2);
    env: [
        register_then_confirm,
        waitlisted_when_full_and_expired_tokens,
        refusals_write_nothing,
        guests_confirming_for_the_last_seats_never_overbook,
        erasure_covers_guests,
        demo_has_a_confirmed_and_a_pending_guest,
    ]
);
