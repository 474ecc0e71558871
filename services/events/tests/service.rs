//! The service on real databases: every test body runs on PostgreSQL (a fresh database per
//! test) and on SQLite in memory.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use glocal_events::domain::{
    ContributionAction, ContributionDraft, ContributionState, EntityId, EventAction, EventDraft,
    EventKind, EventState, LectureDraft, LectureState, PracticeIds, RegistrationDraft,
    RegistrationKind, RegistrationState, SeriesDraft, SessionDraft, SessionKind, SpeakerDraft,
    TextDraft, Version,
};
use glocal_events::service::{
    ContributionView, EventFilter, EventListParts, EventView, LectureView, PageRequest,
    RegistrationFilter, RegistrationView, ScheduleDraft, SeriesView, SessionView,
};
use glocal_events::{Config, EventOffice, EventsError};
use glocal_kit::domain::period::PeriodDraft;
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::testing::assert_every_page_counts;
use glocal_kit::{Caller, Role};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// The service's writes as the gRPC adapter makes them: the draft parsed first (bad input
/// is BAD_USER_INPUT naming its field, before the service runs; a registration or
/// contribution of nobody is UNAUTHENTICATED first), then the service called with domain
/// types.
trait AsTheAdapterCalls {
    async fn create_series_from(
        &self,
        caller: Option<&Caller>,
        draft: SeriesDraft,
    ) -> Result<SeriesView, EventsError>;
    async fn create_event_from(
        &self,
        caller: Option<&Caller>,
        draft: EventDraft,
    ) -> Result<EventView, EventsError>;
    async fn add_session_from(
        &self,
        caller: Option<&Caller>,
        event: EntityId,
        draft: SessionDraft,
    ) -> Result<SessionView, EventsError>;
    async fn register_from(
        &self,
        caller: Option<&Caller>,
        event: EntityId,
        draft: RegistrationDraft,
    ) -> Result<RegistrationView, EventsError>;
    async fn submit_contribution_from(
        &self,
        caller: Option<&Caller>,
        event: EntityId,
        draft: ContributionDraft,
    ) -> Result<ContributionView, EventsError>;
    async fn request_lecture_from(
        &self,
        caller: Option<&Caller>,
        draft: LectureDraft,
    ) -> Result<LectureView, EventsError>;
}

fn caller_name(caller: Option<&Caller>) -> Result<&str, EventsError> {
    caller
        .map(|c| c.name.as_str())
        .ok_or(EventsError::Unauthenticated)
}

impl AsTheAdapterCalls for EventOffice {
    async fn create_series_from(
        &self,
        caller: Option<&Caller>,
        draft: SeriesDraft,
    ) -> Result<SeriesView, EventsError> {
        self.create_series(caller, draft.parse()?).await
    }

    async fn create_event_from(
        &self,
        caller: Option<&Caller>,
        draft: EventDraft,
    ) -> Result<EventView, EventsError> {
        self.create_event(caller, draft.parse()?).await
    }

    async fn add_session_from(
        &self,
        caller: Option<&Caller>,
        event: EntityId,
        draft: SessionDraft,
    ) -> Result<SessionView, EventsError> {
        self.add_session(caller, event, draft.parse()?).await
    }

    async fn register_from(
        &self,
        caller: Option<&Caller>,
        event: EntityId,
        draft: RegistrationDraft,
    ) -> Result<RegistrationView, EventsError> {
        let new = draft.parse(caller_name(caller)?)?;
        self.register(caller, event, new).await
    }

    async fn submit_contribution_from(
        &self,
        caller: Option<&Caller>,
        event: EntityId,
        draft: ContributionDraft,
    ) -> Result<ContributionView, EventsError> {
        let new = draft.parse(caller_name(caller)?)?;
        self.submit_contribution(caller, event, new).await
    }

    async fn request_lecture_from(
        &self,
        caller: Option<&Caller>,
        draft: LectureDraft,
    ) -> Result<LectureView, EventsError> {
        let new = draft.parse(self.bureau_today())?;
        self.request_lecture(caller, new).await
    }
}

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
        let office = EventOffice::new(
            db.clone(),
            Config {
                max_page_size: 50,
                offer_ttl: Duration::hours(24),
                sweep_interval: std::time::Duration::from_millis(20),
            },
        )
        .with_clock(Arc::new(move || *clock.lock().unwrap()));
        Env { db, office, now }
    }

    fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    async fn count(&self, table: &str) -> i64 {
        glocal_kit::testing::count_rows(&self.db, table).await
    }

    /// (events, registrations, sessions, contributions, audit rows, outbox rows)
    async fn counts(&self) -> [i64; 6] {
        [
            self.count("event").await,
            self.count("registration").await,
            self.count("session").await,
            self.count("contribution").await,
            self.count("audit").await,
            self.count("outbox").await,
        ]
    }

    /// The notes of the audit rows of entity `id`, oldest first.
    async fn audit_notes(&self, id: uuid::Uuid) -> Vec<String> {
        let backend = self.db.get_database_backend();
        let sql = match backend {
            sea_orm::DatabaseBackend::Postgres => {
                "SELECT note FROM audit WHERE aggregate_id = $1 ORDER BY seq"
            }
            _ => "SELECT note FROM audit WHERE aggregate_id = ? ORDER BY seq",
        };
        self.db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, [id.into()]))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String>("", "note").unwrap_or_default())
            .collect()
    }

    /// Every stored row a read of registrations could change (registrations, events,
    /// audit, outbox), as text, in a fixed order.
    async fn stored_rows(&self) -> Vec<String> {
        let backend = self.db.get_database_backend();
        let mut rows = Vec::new();
        for sql in [
            "SELECT CAST(seq AS TEXT) AS a, state AS b, CAST(version AS TEXT) AS c, \
             CAST(offer_expires_at AS TEXT) AS d, CAST(updated_at AS TEXT) AS e \
             FROM registration ORDER BY seq",
            "SELECT CAST(seq AS TEXT) AS a, state AS b, CAST(version AS TEXT) AS c, \
             CAST(seats_taken AS TEXT) AS d, CAST(updated_at AS TEXT) AS e FROM event ORDER BY seq",
            "SELECT CAST(COUNT(*) AS TEXT) AS a, '' AS b, '' AS c, '' AS d, '' AS e FROM audit",
            "SELECT CAST(COUNT(*) AS TEXT) AS a, '' AS b, '' AS c, '' AS d, '' AS e FROM outbox",
        ] {
            for row in self
                .db
                .query_all_raw(Statement::from_string(backend, sql))
                .await
                .unwrap()
            {
                let cells: Vec<String> = ["a", "b", "c", "d", "e"]
                    .iter()
                    .map(|c| {
                        row.try_get::<Option<String>>("", c)
                            .unwrap()
                            .unwrap_or_default()
                    })
                    .collect();
                rows.push(cells.join("|"));
            }
        }
        rows
    }

    /// A registration's stored state, read without going through the service (which shows
    /// a lapsed offer as expired).
    async fn stored_state(&self, id: EntityId) -> String {
        let backend = self.db.get_database_backend();
        let sql = match backend {
            sea_orm::DatabaseBackend::Postgres => "SELECT state FROM registration WHERE id = $1",
            _ => "SELECT state FROM registration WHERE id = ?",
        };
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [id.as_uuid().into()],
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "state").unwrap()
    }

    async fn series(
        &self,
        code: &str,
        kind: EventKind,
        rotation: &[&str],
        quota: u32,
    ) -> SeriesView {
        self.office
            .create_series_from(
                Some(&staff()),
                SeriesDraft {
                    idempotency_key: format!("series-{code}"),
                    code: code.into(),
                    kind: Some(kind),
                    title: TextDraft::new("시리즈", code, "", ""),
                    description: TextDraft::new("", "A series", "", ""),
                    rotation: rotation.iter().map(|s| s.to_string()).collect(),
                    yearly_quota: quota,
                    period: None,
                },
            )
            .await
            .unwrap()
    }

    /// A stand-alone forum with `capacity` seats, taking registrations.
    async fn open_event(&self, key: &str, capacity: u32) -> EventView {
        let e = self
            .office
            .create_event_from(Some(&staff()), forum(key, capacity))
            .await
            .unwrap();
        self.walk(&e, &[EventAction::Publish, EventAction::OpenRegistration])
            .await
    }

    async fn walk(&self, e: &EventView, actions: &[EventAction]) -> EventView {
        let mut e = e.clone();
        for a in actions {
            e = self
                .office
                .transition_event(Some(&staff()), e.id, e.version, *a, None)
                .await
                .unwrap();
        }
        e
    }

    async fn register(&self, who: &Caller, event: &EventView, key: &str) -> RegistrationView {
        self.office
            .register_from(Some(who), event.id, individual(key))
            .await
            .unwrap()
    }
}

fn staff() -> Caller {
    Caller::new("staff-events", "Lee", "GAOK", [Role::BureauStaff])
}

fn official(sub: &str, org: &str) -> Caller {
    Caller::new(sub, format!("Official {sub}"), org, [Role::LocalOfficial])
}

fn partner(sub: &str) -> Caller {
    Caller::new(sub, format!("Partner {sub}"), "JP-FUKUOKA", [Role::Partner])
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn forum(key: &str, capacity: u32) -> EventDraft {
    EventDraft {
        idempotency_key: key.into(),
        kind: Some(EventKind::Forum),
        title: TextDraft::new("국제교류 포럼", "Exchange forum", "", ""),
        description: TextDraft::new("", "Expert presentations, debate, Q&A", "", ""),
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
    }
}

fn edition(key: &str, series: &SeriesView, host: &str, year: i32) -> EventDraft {
    EventDraft {
        series_id: series.id.to_string(),
        kind: None,
        host_country: host.into(),
        start_date: format!("{year}-08-26"),
        end_date: format!("{year}-08-29"),
        ..forum(key, 300)
    }
}

fn individual(key: &str) -> RegistrationDraft {
    RegistrationDraft {
        idempotency_key: key.into(),
        kind: Some(RegistrationKind::Individual),
        ..RegistrationDraft::default()
    }
}

fn delegation(key: &str, members: &[&str]) -> RegistrationDraft {
    RegistrationDraft {
        idempotency_key: key.into(),
        kind: Some(RegistrationKind::Delegation),
        country: "JP".into(),
        organization: "Fukuoka City".into(),
        head_of_delegation: "Tanaka".into(),
        members: members.iter().map(|m| m.to_string()).collect(),
        ..RegistrationDraft::default()
    }
}

fn session(key: &str, room: &str, starts: &str, ends: &str) -> SessionDraft {
    SessionDraft {
        idempotency_key: key.into(),
        kind: Some(SessionKind::Presentation),
        title: TextDraft::new("발표", key, "", ""),
        room: room.into(),
        speakers: vec![SpeakerDraft {
            name: "Kim".into(),
            affiliation: "GAOK".into(),
        }],
        interpretation_languages: vec!["en".into()],
        starts_at: Some(at(starts)),
        ends_at: Some(at(ends)),
    }
}

fn assert_code<T: std::fmt::Debug>(r: Result<T, EventsError>, want: ErrorCode) -> EventsError {
    let e = r.unwrap_err();
    assert_eq!(e.code(), want, "{e}");
    e
}

fn field(e: &EventsError) -> Option<&str> {
    e.field()
}

async fn rotation_rule(env: Env) {
    let kcj = env
        .series(
            "KCJ-CONFERENCE",
            EventKind::Conference,
            &["KR", "CN", "JP"],
            0,
        )
        .await;
    assert_eq!(kcj.next_host_country, None);
    let first = env
        .office
        .create_event_from(Some(&staff()), edition("e1", &kcj, "KR", 2025))
        .await
        .unwrap();
    assert_eq!(first.edition, 1);
    assert_eq!(first.kind, EventKind::Conference);
    let series = env.office.list_series().await.unwrap();
    assert_eq!(series[0].next_host_country.as_deref(), Some("CN"));

    // Japan out of turn: refused with the reason, nothing written.
    let before = env.counts().await;
    let e = assert_code(
        env.office
            .create_event_from(Some(&staff()), edition("e2", &kcj, "JP", 2026))
            .await,
        ErrorCode::Conflict,
    );
    let reason = e.to_string();
    assert!(reason.contains("hosted by KR"), "{reason}");
    assert!(reason.contains("next host is CN"), "{reason}");
    assert_eq!(env.counts().await, before);

    // A country outside the rotation is refused too.
    let e = assert_code(
        env.office
            .create_event_from(Some(&staff()), edition("e2", &kcj, "US", 2026))
            .await,
        ErrorCode::Conflict,
    );
    assert!(e.to_string().contains("not in this series"), "{e}");

    let second = env
        .office
        .create_event_from(Some(&staff()), edition("e3", &kcj, "CN", 2026))
        .await
        .unwrap();
    assert_eq!(second.edition, 2);

    // A cancelled edition does not take a turn: after cancelling China's, it is China again.
    env.office
        .transition_event(
            Some(&staff()),
            second.id,
            second.version,
            EventAction::Cancel,
            Some("venue unavailable".into()),
        )
        .await
        .unwrap();
    assert_code(
        env.office
            .create_event_from(Some(&staff()), edition("e4", &kcj, "JP", 2026))
            .await,
        ErrorCode::Conflict,
    );
    let third = env
        .office
        .create_event_from(Some(&staff()), edition("e5", &kcj, "CN", 2026))
        .await
        .unwrap();
    assert_eq!(third.edition, 3);
    let next = env.office.list_series().await.unwrap();
    assert_eq!(next[0].next_host_country.as_deref(), Some("JP"));

    // The kind must match the series'.
    let mut wrong = edition("e6", &kcj, "JP", 2027);
    wrong.kind = Some(EventKind::Lecture);
    let e = assert_code(
        env.office.create_event_from(Some(&staff()), wrong).await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(field(&e), Some("kind"));
}

async fn capacity_holds_under_concurrent_registrations(env: Env) {
    let event = env.open_event("busy", 7).await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let office = env.office.clone();
        let id = event.id;
        tasks.push(tokio::spawn(async move {
            let who = official(&format!("o{i}"), "11000");
            // Every third caller brings a delegation of two.
            let draft = if i % 3 == 0 {
                delegation(&format!("k{i}"), &["Sato"])
            } else {
                individual(&format!("k{i}"))
            };
            let new = draft.parse(&who.name).unwrap();
            office.register(Some(&who), id, new).await
        }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap().unwrap());
    }
    let confirmed: u32 = results
        .iter()
        .filter(|r| r.state == RegistrationState::Confirmed)
        .map(|r| r.seats)
        .sum();
    let waiting = results
        .iter()
        .filter(|r| r.state == RegistrationState::Waitlisted)
        .count();
    assert!(confirmed <= 7, "overbooked: {confirmed} seats confirmed");
    assert!(confirmed >= 6, "seats left unused: {confirmed}");
    assert_eq!(
        results
            .iter()
            .filter(|r| r.state == RegistrationState::Confirmed)
            .count()
            + waiting,
        24
    );
    let stored = env.office.get_event(None, event.id).await.unwrap();
    assert_eq!(stored.seats_taken, confirmed);
    assert_eq!(stored.waitlist_length as usize, waiting);
    // The database agrees with what the callers were told.
    let backend = env.db.get_database_backend();
    let row = env
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COALESCE(SUM(seats), 0) AS n FROM registration WHERE state = 'CONFIRMED'",
        ))
        .await
        .unwrap()
        .unwrap();
    let sum: i64 = row.try_get("", "n").unwrap();
    assert_eq!(sum, i64::from(confirmed));
}

async fn waitlist_offer_expiry_chain(env: Env) {
    let event = env.open_event("small", 1).await;
    let (a, b, c) = (official("a", "11000"), official("b", "26000"), partner("c"));
    let ra = env.register(&a, &event, "ka").await;
    let rb = env.register(&b, &event, "kb").await;
    let rc = env.register(&c, &event, "kc").await;
    assert_eq!(ra.state, RegistrationState::Confirmed);
    assert_eq!(
        (rb.state, rb.waitlist_position),
        (RegistrationState::Waitlisted, Some(1))
    );
    assert_eq!(rc.waitlist_position, Some(2));

    // A cancels: B (first in line) is offered the seat for 24 hours; C moves up.
    env.office
        .cancel_registration(Some(&a), ra.id, ra.version, Some("cannot travel".into()))
        .await
        .unwrap();
    let rb = env.office.get_registration(Some(&b), rb.id).await.unwrap();
    assert_eq!(rb.state, RegistrationState::Offered);
    let now = *env.now.lock().unwrap();
    assert_eq!(rb.offer_expires_at, Some(now + Duration::hours(24)));
    let rc = env.office.get_registration(Some(&c), rc.id).await.unwrap();
    assert_eq!(rc.waitlist_position, Some(1));
    assert_eq!(
        env.office
            .get_event(None, event.id)
            .await
            .unwrap()
            .seats_taken,
        1
    );

    // B lets it lapse. No sweeper runs: reads show it expired at once, and the next write
    // on the event (B's late acceptance, refused) persists that and offers C the seat.
    env.advance(Duration::hours(24) + Duration::seconds(1));
    let late = env.office.get_registration(Some(&b), rb.id).await.unwrap();
    assert_eq!(late.state, RegistrationState::Expired);
    let rc = env.office.get_registration(Some(&c), rc.id).await.unwrap();
    assert_eq!(rc.state, RegistrationState::Waitlisted);
    let e = assert_code(
        env.office.accept_offer(Some(&b), rb.id, rb.version).await,
        ErrorCode::Conflict,
    );
    assert!(e.to_string().contains("lapsed"), "{e}");
    let rc = env.office.get_registration(Some(&c), rc.id).await.unwrap();
    assert_eq!(rc.state, RegistrationState::Offered);
    let rb = env.office.get_registration(Some(&b), rb.id).await.unwrap();
    assert_eq!(rb.state, RegistrationState::Expired);
    let actions: Vec<&str> = rb.history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["register", "waitlist", "offer", "expire"]);

    // Only C may accept C's offer; then C holds the one seat.
    assert_code(
        env.office.accept_offer(Some(&b), rc.id, rc.version).await,
        ErrorCode::NotFound,
    );
    let rc = env
        .office
        .accept_offer(Some(&c), rc.id, rc.version)
        .await
        .unwrap();
    assert_eq!(rc.state, RegistrationState::Confirmed);
    assert_eq!(rc.offer_expires_at, None);
    let stored = env.office.get_event(None, event.id).await.unwrap();
    assert_eq!((stored.seats_taken, stored.waitlist_length), (1, 0));
    // Accepting twice is an illegal transition.
    assert_code(
        env.office.accept_offer(Some(&c), rc.id, rc.version).await,
        ErrorCode::Conflict,
    );
}

/// Every read of a lapsed offer (the registration, lists filtered by state, the event's
/// seats, the report) shows it expired from its deadline, and none changes a row: the
/// offer stays stored as open until the next write on the event persists the expiry and
/// offers the seat to the next in line.
async fn a_lapsed_offer_reads_expired_without_a_write(env: Env) {
    use glocal_events::domain::statistics::EventStatisticsQuery;

    let event = env.open_event("lapsing", 2).await;
    let (a, b, c, d) = (
        official("a", "11000"),
        official("b", "26000"),
        partner("c"),
        partner("d"),
    );
    let ra = env.register(&a, &event, "ka").await;
    env.register(&d, &event, "kd").await;
    let rb = env.register(&b, &event, "kb").await;
    let rc = env.register(&c, &event, "kc").await;
    env.office
        .cancel_registration(Some(&a), ra.id, ra.version, None)
        .await
        .unwrap();
    let offered = env.office.get_registration(Some(&b), rb.id).await.unwrap();
    assert_eq!(offered.state, RegistrationState::Offered);
    let deadline = offered.offer_expires_at.expect("an offer has a deadline");

    // Just before the deadline it is open; from the deadline on it reads as expired.
    env.advance(Duration::hours(24) - Duration::seconds(1));
    let open = env.office.get_registration(Some(&b), rb.id).await.unwrap();
    assert_eq!(open.state, RegistrationState::Offered);
    env.advance(Duration::seconds(1));
    assert_eq!(*env.now.lock().unwrap(), deadline);
    let before = env.stored_rows().await;

    let read = env.office.get_registration(Some(&b), rb.id).await.unwrap();
    assert_eq!(read.state, RegistrationState::Expired);
    assert_eq!(read.version, offered.version, "the stored version");
    assert_eq!(read.offer_expires_at, Some(deadline));
    let bureau = staff();
    let in_state = |states: Vec<RegistrationState>| {
        env.office.list_registrations(
            Some(&bureau),
            RegistrationFilter {
                event_id: Some(event.id),
                states,
                ..RegistrationFilter::default()
            },
            PageRequest::default(),
        )
    };
    let expired = in_state(vec![RegistrationState::Expired]).await.unwrap();
    assert_eq!(expired.total_count, 1);
    assert_eq!(expired.items[0].id, rb.id);
    assert_eq!(expired.items[0].state, RegistrationState::Expired);
    let open = in_state(vec![RegistrationState::Offered]).await.unwrap();
    assert_eq!(open.total_count, 0);
    let waiting = in_state(vec![RegistrationState::Waitlisted]).await.unwrap();
    assert_eq!(waiting.items.len(), 1);
    assert_eq!(waiting.items[0].id, rc.id);
    // The lapsed offer's seat is free, C still waits for the next write to offer it.
    let shown = env.office.get_event(None, event.id).await.unwrap();
    assert_eq!((shown.seats_taken, shown.waitlist_length), (1, 1));
    let listed = env
        .office
        .list_events(
            None,
            EventFilter::default(),
            PageRequest::default(),
            EventListParts::ALL,
        )
        .await
        .unwrap();
    assert_eq!(listed.total_count, listed.items.len() as u64);
    let shown_in_list = listed.items.iter().find(|e| e.id == event.id).unwrap();
    assert_eq!(
        (shown_in_list.seats_taken, shown_in_list.waitlist_length),
        (1, 1)
    );
    // A caller that shows neither the total nor the seats leaves both unread: the same page,
    // no total, and the stored seat counter (the lapsed offer's seat still in it).
    let lean = env
        .office
        .list_events(
            None,
            EventFilter::default(),
            PageRequest::default(),
            EventListParts {
                total_count: false,
                tallies: false,
                contributions: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(lean.total_count, 0);
    assert_eq!(lean.cursors, listed.cursors);
    let lean_event = lean.items.iter().find(|e| e.id == event.id).unwrap();
    assert_eq!((lean_event.seats_taken, lean_event.waitlist_length), (2, 0));
    assert_eq!(lean_event.title, shown_in_list.title);
    let batch = env
        .office
        .batch_get_events(None, &[event.id])
        .await
        .unwrap();
    assert_eq!(batch[0].seats_taken, 1);
    let report = env
        .office
        .event_statistics(
            Some(&staff()),
            EventStatisticsQuery::new(date("2026-01-01"), date("2026-12-31"), None).unwrap(),
        )
        .await
        .unwrap();
    let figures = report.iter().find(|f| f.event_id == event.id).unwrap();
    assert_eq!((figures.offered, figures.expired), (0, 1));

    assert_eq!(env.stored_rows().await, before, "a read changed a row");
    assert_eq!(env.stored_state(rb.id).await, "OFFERED");

    // The next write on the event (a registration) persists the expiry and offers C the
    // seat, before it decides about the newcomer, who waits for the next free seat.
    let e = partner("e");
    let re = env.register(&e, &event, "ke").await;
    assert_eq!(env.stored_state(rb.id).await, "EXPIRED");
    assert_eq!(env.stored_state(rc.id).await, "OFFERED");
    assert_eq!(re.state, RegistrationState::Waitlisted);
    let persisted = env.office.get_registration(Some(&b), rb.id).await.unwrap();
    assert_eq!(persisted.state, RegistrationState::Expired);
    assert_eq!(persisted.version, offered.version.next());
    let actions: Vec<&str> = persisted
        .history
        .iter()
        .map(|h| h.action.as_str())
        .collect();
    assert_eq!(actions, ["register", "waitlist", "offer", "expire"]);
    let shown = env.office.get_event(None, event.id).await.unwrap();
    assert_eq!((shown.seats_taken, shown.waitlist_length), (2, 1));
}

async fn sweeper_expires_offers_on_its_own_and_stops_on_shutdown(env: Env) {
    let event = env.open_event("swept", 1).await;
    let (a, b, c) = (
        official("a", "11000"),
        official("b", "26000"),
        official("c", "27000"),
    );
    let ra = env.register(&a, &event, "ka").await;
    let rb = env.register(&b, &event, "kb").await;
    let rc = env.register(&c, &event, "kc").await;
    env.office
        .cancel_registration(Some(&a), ra.id, ra.version, None)
        .await
        .unwrap();
    assert_eq!(env.stored_state(rb.id).await, "OFFERED");
    env.advance(Duration::hours(25));
    assert_eq!(env.stored_state(rb.id).await, "OFFERED", "nothing ran yet");
    // A read shows the offer expired and writes nothing: only the sweeper moves the line.
    let read = env.office.get_registration(Some(&b), rb.id).await.unwrap();
    assert_eq!(read.state, RegistrationState::Expired);
    assert_eq!(env.stored_state(rb.id).await, "OFFERED");
    assert_eq!(env.stored_state(rc.id).await, "WAITLISTED");

    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let sweeper = glocal_events::service::spawn_sweeper(
        env.office.clone(),
        std::time::Duration::from_millis(20),
        shutdown,
    );
    let mut swept = false;
    for _ in 0..200 {
        if env.stored_state(rc.id).await == "OFFERED" {
            swept = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(swept, "the sweeper did not offer C the seat");
    assert_eq!(env.stored_state(rb.id).await, "EXPIRED");
    trigger.trigger();
    tokio::time::timeout(std::time::Duration::from_secs(5), sweeper)
        .await
        .expect("the sweeper stops on shutdown")
        .unwrap();
}

async fn timetable_overlaps_and_time_zones(env: Env) {
    let event = env.open_event("tt", 50).await;
    // 09:00–10:30 in Seoul on the first day.
    let s1 = env
        .office
        .add_session_from(
            Some(&staff()),
            event.id,
            session(
                "s1",
                "Hall A",
                "2026-08-26T00:00:00Z",
                "2026-08-26T01:30:00Z",
            ),
        )
        .await
        .unwrap();
    assert_eq!(s1.starts_at_local, "2026-08-26T09:00:00+09:00");
    assert_eq!(s1.ends_at_local, "2026-08-26T10:30:00+09:00");
    assert_eq!(s1.local_date, date("2026-08-26"));
    assert_eq!(event.utc_offset, "+09:00");

    let before = env.counts().await;
    let e = assert_code(
        env.office
            .add_session_from(
                Some(&staff()),
                event.id,
                session(
                    "s2",
                    " hall a",
                    "2026-08-26T01:00:00Z",
                    "2026-08-26T02:00:00Z",
                ),
            )
            .await,
        ErrorCode::Conflict,
    );
    assert!(e.to_string().contains("2026-08-26T09:00:00+09:00"), "{e}");
    assert_eq!(
        env.counts().await,
        before,
        "a refused session writes nothing"
    );

    // Another room at the same time, and the same room right after, are fine.
    env.office
        .add_session_from(
            Some(&staff()),
            event.id,
            session(
                "s3",
                "Hall B",
                "2026-08-26T01:00:00Z",
                "2026-08-26T02:00:00Z",
            ),
        )
        .await
        .unwrap();
    env.office
        .add_session_from(
            Some(&staff()),
            event.id,
            session(
                "s4",
                "Hall A",
                "2026-08-26T01:30:00Z",
                "2026-08-26T02:00:00Z",
            ),
        )
        .await
        .unwrap();
    // 23:30 UTC on the 25th is 08:30 on the 26th in Seoul: inside the event.
    env.office
        .add_session_from(
            Some(&staff()),
            event.id,
            session(
                "s5",
                "Hall C",
                "2026-08-25T23:30:00Z",
                "2026-08-25T23:50:00Z",
            ),
        )
        .await
        .unwrap();
    // 14:00 UTC on the 25th is 23:00 on the 25th in Seoul: outside.
    let e = assert_code(
        env.office
            .add_session_from(
                Some(&staff()),
                event.id,
                session(
                    "s6",
                    "Hall C",
                    "2026-08-25T14:00:00Z",
                    "2026-08-25T14:30:00Z",
                ),
            )
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(field(&e), Some("startsAt"));

    let sessions = env.office.sessions(None, &[event.id]).await.unwrap();
    let rooms: Vec<&str> = sessions.iter().map(|s| s.room.as_str()).collect();
    assert_eq!(
        rooms,
        ["Hall C", "Hall A", "Hall B", "Hall A"],
        "ordered by start"
    );

    // The same instant shows in New York's time for an event held there.
    let mut ny = forum("ny", 10);
    ny.time_zone = "America/New_York".into();
    ny.host_country = "US".into();
    let ny = env
        .office
        .create_event_from(Some(&staff()), ny)
        .await
        .unwrap();
    assert_eq!(ny.utc_offset, "-04:00");
    let s = env
        .office
        .add_session_from(
            Some(&staff()),
            ny.id,
            session(
                "ny1",
                "Room 1",
                "2026-08-26T13:00:00Z",
                "2026-08-26T14:00:00Z",
            ),
        )
        .await
        .unwrap();
    assert_eq!(s.starts_at_local, "2026-08-26T09:00:00-04:00");

    // Only the bureau edits timetables.
    assert_code(
        env.office
            .add_session_from(
                Some(&official("o", "11000")),
                event.id,
                session(
                    "x",
                    "Hall Z",
                    "2026-08-26T05:00:00Z",
                    "2026-08-26T06:00:00Z",
                ),
            )
            .await,
        ErrorCode::Forbidden,
    );
    env.office
        .remove_session(Some(&staff()), s1.id)
        .await
        .unwrap();
    assert_eq!(
        env.office.sessions(None, &[event.id]).await.unwrap().len(),
        3
    );
}

async fn delegations_and_check_in(env: Env) {
    let event = env.open_event("deleg", 10).await;
    let fukuoka = partner("fukuoka");
    let r = env
        .office
        .register_from(
            Some(&fukuoka),
            event.id,
            delegation("d1", &["Sato", "Suzuki"]),
        )
        .await
        .unwrap();
    assert_eq!(r.state, RegistrationState::Confirmed);
    assert_eq!(r.kind, RegistrationKind::Delegation);
    assert_eq!(r.seats, 3);
    assert_eq!(r.attendee_name, "Tanaka");
    assert_eq!(r.country.as_deref(), Some("JP"));
    assert_eq!(
        env.office
            .get_event(None, event.id)
            .await
            .unwrap()
            .seats_taken,
        3
    );

    // A delegation larger than the event is bad input, and writes nothing.
    let before = env.counts().await;
    let big: Vec<String> = (0..10).map(|i| format!("M{i}")).collect();
    let big: Vec<&str> = big.iter().map(String::as_str).collect();
    let e = assert_code(
        env.office
            .register_from(Some(&partner("big")), event.id, delegation("d2", &big))
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(field(&e), Some("members"));
    assert_eq!(env.counts().await, before);
    // One active registration per registrant and event.
    assert_code(
        env.office
            .register_from(Some(&fukuoka), event.id, individual("d3"))
            .await,
        ErrorCode::Conflict,
    );

    // Check-in only while the event is under way.
    assert_code(
        env.office
            .check_in(Some(&staff()), r.id, Some(date("2026-08-26")), None)
            .await,
        ErrorCode::Conflict,
    );
    env.walk(
        &env.office
            .get_event(Some(&staff()), event.id)
            .await
            .unwrap(),
        &[EventAction::CloseRegistration, EventAction::Start],
    )
    .await;
    let r1 = env
        .office
        .check_in(
            Some(&staff()),
            r.id,
            Some(date("2026-08-26")),
            Some("Sato".into()),
        )
        .await
        .unwrap();
    assert_eq!(r1.check_ins.len(), 1);
    assert_eq!(r1.check_ins[0].attendee, "Sato");
    // The head by default; the same member again on another day.
    env.office
        .check_in(Some(&staff()), r.id, Some(date("2026-08-26")), None)
        .await
        .unwrap();
    let r3 = env
        .office
        .check_in(
            Some(&staff()),
            r.id,
            Some(date("2026-08-27")),
            Some("Sato".into()),
        )
        .await
        .unwrap();
    let days: Vec<(String, String)> = r3
        .check_ins
        .iter()
        .map(|c| (c.day.to_string(), c.attendee.clone()))
        .collect();
    assert_eq!(
        days,
        [
            ("2026-08-26".to_owned(), "Sato".to_owned()),
            ("2026-08-26".to_owned(), "Tanaka".to_owned()),
            ("2026-08-27".to_owned(), "Sato".to_owned()),
        ]
    );
    assert_code(
        env.office
            .check_in(
                Some(&staff()),
                r.id,
                Some(date("2026-08-26")),
                Some("Sato".into()),
            )
            .await,
        ErrorCode::Conflict,
    );
    let e = assert_code(
        env.office
            .check_in(
                Some(&staff()),
                r.id,
                Some(date("2026-08-26")),
                Some("Nobody".into()),
            )
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(field(&e), Some("attendee"));
    let e = assert_code(
        env.office
            .check_in(Some(&staff()), r.id, Some(date("2026-08-30")), None)
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(field(&e), Some("day"));
    assert_code(
        env.office
            .check_in(Some(&fukuoka), r.id, Some(date("2026-08-27")), None)
            .await,
        ErrorCode::Forbidden,
    );

    // Retention (ADR 0038): the people stay named for the period after the event's last day
    // (2026-08-27), then pseudonyms replace them everywhere; seats, country, organisation,
    // check-in days and who checked in whom stay, and a second run changes nothing.
    let before = env
        .office
        .get_registration(Some(&staff()), r.id)
        .await
        .unwrap();
    env.advance(Duration::days(300));
    assert_eq!(env.office.expire_personal_data(365).await.unwrap(), 0);
    env.advance(Duration::days(200));
    let outbox = env.count("outbox").await;
    assert_eq!(env.office.expire_personal_data(365).await.unwrap(), 1);
    let after = env
        .office
        .get_registration(Some(&staff()), r.id)
        .await
        .unwrap();
    use glocal_kit::privacy::is_pseudonym;
    assert!(
        is_pseudonym(&after.registrant_name),
        "{}",
        after.registrant_name
    );
    assert_eq!(after.registrant_subject, after.registrant_name);
    assert!(is_pseudonym(&after.attendee_name));
    assert_eq!(after.members.len(), 2);
    assert!(after.members.iter().all(|m| is_pseudonym(m)));
    let mut everyone = after.members.clone();
    everyone.push(after.attendee_name.clone());
    everyone.push(after.registrant_name.clone());
    everyone.sort();
    everyone.dedup();
    assert_eq!(everyone.len(), 4, "one pseudonym per person");
    assert_eq!(
        (
            after.seats,
            after.country.clone(),
            after.organization.clone(),
            after.state
        ),
        (
            before.seats,
            before.country.clone(),
            before.organization.clone(),
            before.state
        )
    );
    let days: Vec<(String, String)> = after
        .check_ins
        .iter()
        .map(|c| (c.day.to_string(), c.attendee.clone()))
        .collect();
    let sato = after.members[0].clone();
    assert_eq!(
        days,
        [
            ("2026-08-26".to_owned(), sato.clone()),
            ("2026-08-26".to_owned(), after.attendee_name.clone()),
            ("2026-08-27".to_owned(), sato),
        ]
    );
    assert_eq!(
        after.history.iter().map(|h| &h.action).collect::<Vec<_>>(),
        before.history.iter().map(|h| &h.action).collect::<Vec<_>>()
    );
    assert!(after.history.iter().all(|h| h.actor_subject != "fukuoka"));
    assert_eq!(env.count("outbox").await, outbox + 1);
    assert_eq!(env.office.expire_personal_data(365).await.unwrap(), 0);
    assert_eq!(env.count("outbox").await, outbox + 1);
}

/// A token without a name reads like any other, but a write that records who acted is
/// refused (the events service has no directory to take a name from) and writes nothing.
async fn a_nameless_caller_reads_but_does_not_write(env: Env) {
    let open = env.open_event("open", 10).await;
    let before = env.counts().await;
    let nameless_staff = Caller::new("staff-nameless", " ", "GAOK", [Role::BureauStaff]);
    let nameless_partner = Caller::new("partner-nameless", "", "JP-FUKUOKA", [Role::Partner]);
    let refused = [
        assert_code(
            env.office
                .create_event_from(Some(&nameless_staff), forum("nameless", 10))
                .await,
            ErrorCode::Unauthenticated,
        ),
        assert_code(
            env.office
                .register_from(
                    Some(&nameless_partner),
                    open.id,
                    delegation("nameless-delegation", &["Sato"]),
                )
                .await,
            ErrorCode::Unauthenticated,
        ),
    ];
    for e in &refused {
        assert_eq!(e.reason(), Some("CALLER_NAME_MISSING"), "{e}");
        assert_eq!(
            e.catalogue_message().map(|m| m.key),
            Some("error-caller-name-missing".to_owned())
        );
    }
    assert_eq!(env.counts().await, before, "a refused write writes nothing");
    let read = env.office.get_event(Some(&nameless_staff), open.id).await;
    assert_eq!(read.unwrap().id, open.id);
}

async fn scoping(env: Env) {
    let draft = env
        .office
        .create_event_from(Some(&staff()), forum("draft", 10))
        .await
        .unwrap();
    let open = env.open_event("open", 10).await;
    // The public sees published events, never drafts.
    assert_code(
        env.office.get_event(None, draft.id).await,
        ErrorCode::NotFound,
    );
    assert_eq!(
        env.office.get_event(None, open.id).await.unwrap().id,
        open.id
    );
    let public = env
        .office
        .list_events(
            None,
            EventFilter::default(),
            PageRequest::default(),
            EventListParts::ALL,
        )
        .await
        .unwrap();
    assert_eq!(public.total_count, 1);
    let bureau = env
        .office
        .list_events(
            Some(&staff()),
            EventFilter::default(),
            PageRequest::default(),
            EventListParts::ALL,
        )
        .await
        .unwrap();
    assert_eq!(bureau.total_count, 2);
    let found = env
        .office
        .batch_get_events(None, &[draft.id, open.id])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);

    // Registering needs a caller; a draft cannot be registered for (it is not there).
    assert_code(
        env.office
            .register_from(None, open.id, individual("k"))
            .await,
        ErrorCode::Unauthenticated,
    );
    let seoul = official("seoul", "11000");
    assert_code(
        env.office
            .register_from(Some(&seoul), draft.id, individual("k"))
            .await,
        ErrorCode::NotFound,
    );
    let mine = env.register(&seoul, &open, "k").await;
    // Someone else's registration does not exist for them; the bureau sees all.
    let busan = official("busan", "26000");
    assert_code(
        env.office.get_registration(Some(&busan), mine.id).await,
        ErrorCode::NotFound,
    );
    assert_code(
        env.office
            .cancel_registration(Some(&busan), mine.id, mine.version, None)
            .await,
        ErrorCode::NotFound,
    );
    env.register(&busan, &open, "k").await;
    let theirs = env
        .office
        .list_registrations(
            Some(&busan),
            RegistrationFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(theirs.total_count, 1);
    let all = env
        .office
        .list_registrations(
            Some(&staff()),
            RegistrationFilter {
                event_id: Some(open.id),
                ..RegistrationFilter::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(all.total_count, 2);
    assert_every_page_counts(2, async |page| {
        let of_the_event = RegistrationFilter {
            event_id: Some(open.id),
            ..RegistrationFilter::default()
        };
        env.office
            .list_registrations(Some(&staff()), of_the_event, page)
            .await
            .unwrap()
    })
    .await;

    // Only the bureau manages events.
    assert_code(
        env.office
            .create_event_from(Some(&seoul), forum("x", 1))
            .await,
        ErrorCode::Forbidden,
    );
    assert_code(
        env.office
            .transition_event(
                Some(&seoul),
                open.id,
                open.version,
                EventAction::Cancel,
                Some("x".into()),
            )
            .await,
        ErrorCode::Forbidden,
    );
}

async fn bad_input_idempotency_and_versions(env: Env) {
    let before = env.counts().await;
    let mut bad = forum("bad", 10);
    bad.time_zone = "Seoul".into();
    let e = assert_code(
        env.office.create_event_from(Some(&staff()), bad).await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(field(&e), Some("timeZone"));
    assert_eq!(env.counts().await, before);

    // The same key and input: the same event; the same key, other input: CONFLICT.
    let a = env
        .office
        .create_event_from(Some(&staff()), forum("same", 10))
        .await
        .unwrap();
    let b = env
        .office
        .create_event_from(Some(&staff()), forum("same", 10))
        .await
        .unwrap();
    assert_eq!(a.id, b.id);
    assert_code(
        env.office
            .create_event_from(Some(&staff()), forum("same", 11))
            .await,
        ErrorCode::Conflict,
    );
    assert_eq!(env.count("event").await, 1);

    // Concurrent retries of one registration make one registration.
    let open = env
        .walk(&a, &[EventAction::Publish, EventAction::OpenRegistration])
        .await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let office = env.office.clone();
        tasks.push(tokio::spawn(async move {
            let who = official("retry", "11000");
            let new = individual("r1").parse(&who.name).unwrap();
            office.register(Some(&who), open.id, new).await
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().unwrap().id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
    assert_eq!(env.count("registration").await, 1);

    // Stale version and illegal transitions are conflicts that change nothing.
    let before = env.counts().await;
    assert_code(
        env.office
            .transition_event(
                Some(&staff()),
                open.id,
                Version::FIRST,
                EventAction::Start,
                None,
            )
            .await,
        ErrorCode::Conflict,
    );
    assert_code(
        env.office
            .transition_event(
                Some(&staff()),
                open.id,
                open.version,
                EventAction::Publish,
                None,
            )
            .await,
        ErrorCode::Conflict,
    );
    let e = assert_code(
        env.office
            .transition_event(
                Some(&staff()),
                open.id,
                open.version,
                EventAction::Cancel,
                None,
            )
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(field(&e), Some("reason"));
    assert_eq!(env.counts().await, before);

    // Every change writes one audit row and one outbox row with it.
    let closed = env
        .office
        .transition_event(
            Some(&staff()),
            open.id,
            open.version,
            EventAction::CloseRegistration,
            None,
        )
        .await
        .unwrap();
    assert_eq!(closed.state, EventState::RegistrationClosed);
    let after = env.counts().await;
    assert_eq!((after[4] - before[4], after[5] - before[5]), (1, 1));
    // Registration is refused once closed.
    assert_code(
        env.office
            .register_from(
                Some(&official("late", "11000")),
                open.id,
                individual("late"),
            )
            .await,
        ErrorCode::Conflict,
    );
    // Paging is stable and complete.
    for i in 0..5 {
        env.office
            .create_event_from(Some(&staff()), forum(&format!("p{i}"), 10))
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut after_cursor = None;
    let page = async |states: Vec<EventState>, after: Option<String>| {
        env.office
            .list_events(
                Some(&staff()),
                EventFilter {
                    states,
                    ..EventFilter::default()
                },
                PageRequest { first: 2, after },
                EventListParts::ALL,
            )
            .await
            .unwrap()
    };
    loop {
        let page = page(vec![], after_cursor.clone()).await;
        assert_eq!(page.total_count, 6);
        seen.extend(page.items.iter().map(|e| e.id));
        after_cursor = page.cursors.last().cloned();
        if !page.has_next_page {
            break;
        }
    }
    assert_eq!(seen.len(), 6);
    // The count rides in the page's statement: a page past the last event has no row to
    // carry it and is counted apart; a filter that matches nothing counts 0.
    let past = page(vec![], after_cursor).await;
    assert_eq!((past.items.len(), past.total_count), (0, 6));
    let none = page(vec![EventState::Cancelled], None).await;
    assert_eq!((none.items.len(), none.total_count), (0, 0));
    let e = assert_code(
        env.office
            .list_events(
                None,
                EventFilter::default(),
                PageRequest {
                    first: 2,
                    after: Some("nonsense".into()),
                },
                EventListParts::ALL,
            )
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(field(&e), Some("after"));
}

/// A page of events asked for with its contributions carries, for each caller, exactly what
/// the contributions call answers for the page's events: accepted ones for everyone, their
/// own for submitters, all for the bureau; asked for without, none.
async fn a_page_of_events_carries_the_contributions_each_caller_may_see(env: Env) {
    let busy = env.open_event("with-talks", 10).await;
    let quiet = env.open_event("without-talks", 10).await;
    let (busan, daegu, bureau) = (
        official("busan", "26000"),
        official("daegu", "27000"),
        staff(),
    );
    let submit = async |who: &Caller, key: &str| {
        env.office
            .submit_contribution_from(
                Some(who),
                busy.id,
                ContributionDraft {
                    idempotency_key: key.into(),
                    title: TextDraft::new("", key, "", ""),
                    abstract_text: TextDraft::new("", "abstract", "", ""),
                    presenter_name: String::new(),
                },
            )
            .await
            .unwrap()
    };
    let accepted = submit(&busan, "accepted").await;
    env.office
        .review_contribution(
            Some(&bureau),
            accepted.id,
            accepted.version,
            ContributionAction::Accept,
            String::new(),
            PracticeIds::parse(&["bp-1".into()]).unwrap(),
        )
        .await
        .unwrap();
    let pending = submit(&busan, "pending").await;
    let other = submit(&daegu, "other").await;
    let list = async |caller: Option<&Caller>, parts: EventListParts| {
        env.office
            .event_list(
                caller,
                EventFilter::default(),
                PageRequest {
                    first: 10,
                    after: None,
                },
                parts,
            )
            .await
            .unwrap()
    };
    let with = EventListParts {
        contributions: true,
        ..EventListParts::ALL
    };
    for (caller, expected) in [
        (None, vec![accepted.id]),
        (Some(&busan), vec![accepted.id, pending.id]),
        (Some(&daegu), vec![accepted.id, other.id]),
        (Some(&bureau), vec![accepted.id, pending.id, other.id]),
    ] {
        let listed = list(caller, with).await;
        let page: Vec<EntityId> = listed.page.items.iter().map(|e| e.id).collect();
        assert!(
            page.contains(&busy.id) && page.contains(&quiet.id),
            "{page:?}"
        );
        let ids: Vec<EntityId> = listed.contributions.iter().map(|c| c.id).collect();
        assert_eq!(ids, expected, "as {:?}", caller.map(|c| &c.subject));
        assert!(listed.contributions.iter().all(|c| c.event_id == busy.id));
        assert_eq!(
            listed.contributions,
            env.office
                .contributions(caller, &page, false)
                .await
                .unwrap()
        );
        assert!(
            list(caller, EventListParts::ALL)
                .await
                .contributions
                .is_empty()
        );
    }
}

async fn contributions_and_practices(env: Env) {
    let event = env.open_event("cfp", 10).await;
    let busan = official("busan", "26000");
    let c = env
        .office
        .submit_contribution_from(
            Some(&busan),
            event.id,
            ContributionDraft {
                idempotency_key: "c1".into(),
                title: TextDraft::new("항만", "Smart ports", "", ""),
                abstract_text: TextDraft::new("", "Busan and Rotterdam", "", ""),
                presenter_name: String::new(),
            },
        )
        .await
        .unwrap();
    assert_eq!(c.state, ContributionState::Submitted);
    assert_eq!(c.presenter_name, "Official busan");
    // Not yet accepted: the public does not see it, its submitter does.
    assert!(
        env.office
            .contributions(None, &[event.id], false)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        env.office
            .contributions(Some(&busan), &[event.id], false)
            .await
            .unwrap()
            .len(),
        1
    );
    // Rejecting with practices is bad input; only the bureau reviews.
    let e = assert_code(
        env.office
            .review_contribution(
                Some(&staff()),
                c.id,
                c.version,
                ContributionAction::Reject,
                String::new(),
                PracticeIds::parse(&["bp-1".into()]).unwrap(),
            )
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(field(&e), Some("practiceIds"));
    assert_code(
        env.office
            .review_contribution(
                Some(&busan),
                c.id,
                c.version,
                ContributionAction::Accept,
                String::new(),
                PracticeIds::default(),
            )
            .await,
        ErrorCode::Forbidden,
    );
    let accepted = env
        .office
        .review_contribution(
            Some(&staff()),
            c.id,
            c.version,
            ContributionAction::Accept,
            "Day 2".into(),
            PracticeIds::parse(&["bp-1".into(), "bp-2".into()]).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(accepted.state, ContributionState::Accepted);
    assert_eq!(accepted.practice_ids, ["bp-1", "bp-2"]);
    let public = env
        .office
        .contributions(None, &[event.id], false)
        .await
        .unwrap();
    assert_eq!(public.len(), 1);
    let linked = env
        .office
        .link_practices(
            Some(&staff()),
            c.id,
            accepted.version,
            PracticeIds::parse(&["bp-3".into()]).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(linked.practice_ids, ["bp-3"]);
    // Someone else cannot withdraw it; its submitter can (with the current version).
    assert_code(
        env.office
            .withdraw_contribution(Some(&staff()), c.id, linked.version)
            .await,
        ErrorCode::Forbidden,
    );
    assert_code(
        env.office
            .withdraw_contribution(Some(&busan), c.id, accepted.version)
            .await,
        ErrorCode::Conflict,
    );
    let withdrawn = env
        .office
        .withdraw_contribution(Some(&busan), c.id, linked.version)
        .await
        .unwrap();
    assert_eq!(withdrawn.state, ContributionState::Withdrawn);
    // The call closes once the event is under way.
    env.walk(
        &env.office.get_event(None, event.id).await.unwrap(),
        &[EventAction::Start],
    )
    .await;
    assert_code(
        env.office
            .submit_contribution_from(
                Some(&busan),
                event.id,
                ContributionDraft {
                    idempotency_key: "c2".into(),
                    title: TextDraft::new("", "Late", "", ""),
                    abstract_text: TextDraft::new("", "Late", "", ""),
                    presenter_name: String::new(),
                },
            )
            .await,
        ErrorCode::Conflict,
    );
}

async fn lecture_requests_respect_the_yearly_target_of_local_governments(env: Env) {
    let series = env
        .series("GLOCAL-LECTURE", EventKind::Lecture, &[], 2)
        .await;
    let lecture = |key: &str, day: &str| LectureDraft {
        idempotency_key: key.into(),
        theme: "International protocol".into(),
        preferred_dates: vec![day.into()],
        venue: "City Hall".into(),
        local_government_code: String::new(),
    };
    let seoul = official("seoul", "11000");
    let busan = official("busan", "26000");
    let daegu = official("daegu", "27000");
    let mut requests = Vec::new();
    for (i, who) in [&seoul, &busan, &seoul, &daegu].into_iter().enumerate() {
        requests.push(
            env.office
                .request_lecture_from(
                    Some(who),
                    lecture(&format!("l{i}"), &format!("2026-09-0{}", i + 1)),
                )
                .await
                .unwrap(),
        );
    }
    assert_eq!(requests[0].year, 2026);
    assert_eq!(requests[0].local_government_code, "11000");
    // Past dates are bad input; partners do not request lectures.
    let e = assert_code(
        env.office
            .request_lecture_from(Some(&seoul), lecture("past", "2026-01-01"))
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(field(&e), Some("preferredDates[0]"));
    assert_code(
        env.office
            .request_lecture_from(Some(&partner("p")), lecture("p", "2026-09-09"))
            .await,
        ErrorCode::Forbidden,
    );
    // Officials see their own local government's requests.
    let own = env
        .office
        .lecture_requests(Some(&busan), Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(own.total_count, 1);
    assert_every_page_counts(1, async |page| {
        env.office
            .lecture_requests(Some(&busan), Default::default(), page)
            .await
            .unwrap()
    })
    .await;

    let schedule = |host: &str| ScheduleDraft {
        series_id: series.id,
        date: None,
        title: None,
        capacity: None,
        host_city: host.into(),
        beyond_target: false,
    };
    for r in &requests[..2] {
        let (l, e) = env
            .office
            .schedule_lecture(Some(&staff()), r.id, r.version, schedule("Seoul"))
            .await
            .unwrap();
        assert_eq!(l.state, LectureState::Scheduled);
        assert_eq!(l.event_id, Some(e.id));
        assert_eq!(e.state, EventState::Published);
        assert_eq!(e.kind, EventKind::Lecture);
        assert_eq!(
            e.host_local_government_code.as_deref(),
            Some(r.local_government_code.as_str())
        );
    }
    // The target counts local governments: Seoul's second lecture of the year fits.
    let (_, again) = env
        .office
        .schedule_lecture(
            Some(&staff()),
            requests[2].id,
            requests[2].version,
            schedule("Seoul"),
        )
        .await
        .unwrap();
    assert_eq!(again.host_local_government_code.as_deref(), Some("11000"));
    // A third local government does not: nothing is written.
    let before = env.counts().await;
    let e = assert_code(
        env.office
            .schedule_lecture(
                Some(&staff()),
                requests[3].id,
                requests[3].version,
                schedule("Daegu"),
            )
            .await,
        ErrorCode::Conflict,
    );
    assert!(
        e.to_string().contains("target of 2 local governments"),
        "{e}"
    );
    assert_eq!(env.counts().await, before);
    // Beyond the target is an administrator's decision ("flexible depending on the
    // demand"): staff may not take it; an administrator may, and it is audited.
    let beyond = ScheduleDraft {
        beyond_target: true,
        ..schedule("Daegu")
    };
    let e = assert_code(
        env.office
            .schedule_lecture(
                Some(&staff()),
                requests[3].id,
                requests[3].version,
                beyond.clone(),
            )
            .await,
        ErrorCode::Forbidden,
    );
    assert!(e.to_string().contains("administrators"), "{e}");
    assert_eq!(env.counts().await, before);
    let admin = Caller::new("admin-events", "Park", "GAOK", [Role::BureauAdmin]);
    let (scheduled, daegu_event) = env
        .office
        .schedule_lecture(Some(&admin), requests[3].id, requests[3].version, beyond)
        .await
        .unwrap();
    assert_eq!(scheduled.state, LectureState::Scheduled);
    assert_eq!(
        daegu_event.host_local_government_code.as_deref(),
        Some("27000")
    );
    let notes = env.audit_notes(daegu_event.id.as_uuid()).await;
    assert!(
        notes
            .iter()
            .any(|n| n.contains("beyond the series' yearly target")),
        "{notes:?}"
    );
    // Next year has its own target.
    let next_year = env
        .office
        .request_lecture_from(Some(&daegu), lecture("l8", "2027-03-10"))
        .await
        .unwrap();
    let (_, next) = env
        .office
        .schedule_lecture(
            Some(&staff()),
            next_year.id,
            next_year.version,
            schedule("Daegu"),
        )
        .await
        .unwrap();
    assert_eq!(next.start_date, date("2027-03-10"));
    let declined = env
        .office
        .request_lecture_from(Some(&busan), lecture("l9", "2026-10-01"))
        .await
        .unwrap();
    let declined = env
        .office
        .decline_lecture(
            Some(&staff()),
            declined.id,
            declined.version,
            "Quota used up".into(),
        )
        .await
        .unwrap();
    assert_eq!(declined.state, LectureState::Declined);
    assert_eq!(declined.decline_reason.as_deref(), Some("Quota used up"));
}

/// Ten local governments' lectures scheduled at once against a target of three: exactly
/// three local governments get one (the series' row lock orders the checks).
async fn the_lecture_target_holds_under_concurrent_scheduling(env: Env) {
    let series = env.series("GLOCAL-RUSH", EventKind::Lecture, &[], 3).await;
    let mut requests = Vec::new();
    for i in 0..10 {
        let who = official(&format!("lg{i}"), &format!("{}", 11000 + i * 1000));
        requests.push(
            env.office
                .request_lecture_from(
                    Some(&who),
                    LectureDraft {
                        idempotency_key: format!("rush{i}"),
                        theme: "International protocol".into(),
                        preferred_dates: vec!["2026-09-01".into()],
                        venue: "City Hall".into(),
                        local_government_code: String::new(),
                    },
                )
                .await
                .unwrap(),
        );
    }
    let mut tasks = Vec::new();
    for r in requests {
        let office = env.office.clone();
        let series_id = series.id;
        tasks.push(tokio::spawn(async move {
            office
                .schedule_lecture(
                    Some(&staff()),
                    r.id,
                    r.version,
                    ScheduleDraft {
                        series_id,
                        date: None,
                        title: None,
                        capacity: None,
                        host_city: "City".into(),
                        beyond_target: false,
                    },
                )
                .await
        }));
    }
    let mut scheduled = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => scheduled += 1,
            Err(e) => assert!(e.to_string().contains("target of 3"), "{e}"),
        }
    }
    assert_eq!(scheduled, 3);
}

/// A series' period rule ("August ~ September (Four days)"): an event outside its months or
/// longer than its longest duration is refused with nothing written; staff may not set the
/// rule aside, an administrator may, and the event's audit says so.
async fn series_period_rules_refuse_events_outside_them(env: Env) {
    let draft = SeriesDraft {
        idempotency_key: "series-kcj-period".into(),
        code: "KCJ-PERIOD".into(),
        kind: Some(EventKind::Conference),
        title: TextDraft::new("한중일", "KCJ", "", ""),
        description: TextDraft::new("", "Annual", "", ""),
        rotation: Vec::new(),
        yearly_quota: 0,
        period: Some(PeriodDraft {
            from_month: 8,
            to_month: 9,
            max_days: 4,
            per_year: 0,
        }),
    };
    let bad = SeriesDraft {
        idempotency_key: "series-bad-period".into(),
        period: Some(PeriodDraft {
            to_month: 13,
            ..draft.period.unwrap()
        }),
        ..draft.clone()
    };
    let e = assert_code(
        env.office.create_series_from(Some(&staff()), bad).await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(field(&e), Some("period.toMonth"));
    let kcj = env
        .office
        .create_series_from(Some(&staff()), draft)
        .await
        .unwrap();
    let rule = kcj.period.expect("the series keeps its rule");
    assert_eq!((rule.from_month(), rule.to_month()), (8, 9));
    assert_eq!(rule.max_days(), Some(4));
    assert_eq!(
        env.office.list_series().await.unwrap()[0].period,
        Some(rule),
        "read back from the store"
    );
    // Four days in August fit.
    env.office
        .create_event_from(Some(&staff()), edition("p1", &kcj, "KR", 2026))
        .await
        .unwrap();
    let before = env.counts().await;
    let october = EventDraft {
        start_date: "2027-09-29".into(),
        end_date: "2027-10-01".into(),
        ..edition("p2", &kcj, "CN", 2027)
    };
    let e = assert_code(
        env.office
            .create_event_from(Some(&staff()), october.clone())
            .await,
        ErrorCode::Conflict,
    );
    assert_eq!(e.reason(), Some("OUTSIDE_PERIOD"), "{e}");
    assert!(e.to_string().contains("months 8–9"), "{e}");
    let five_days = EventDraft {
        start_date: "2027-08-25".into(),
        end_date: "2027-08-29".into(),
        ..edition("p3", &kcj, "CN", 2027)
    };
    let e = assert_code(
        env.office
            .create_event_from(Some(&staff()), five_days)
            .await,
        ErrorCode::Conflict,
    );
    assert_eq!(e.reason(), Some("OUTSIDE_PERIOD"), "{e}");
    assert!(e.to_string().contains("at most 4 days"), "{e}");
    assert_eq!(env.counts().await, before);
    // Setting the rule aside is an administrator's decision.
    let aside = EventDraft {
        outside_period: true,
        ..october
    };
    let e = assert_code(
        env.office
            .create_event_from(Some(&staff()), aside.clone())
            .await,
        ErrorCode::Forbidden,
    );
    assert_eq!(e.reason(), Some("BUREAU_ADMIN_ONLY"), "{e}");
    assert_eq!(env.counts().await, before);
    let admin = Caller::new("admin-events", "Park", "GAOK", [Role::BureauAdmin]);
    let held = env
        .office
        .create_event_from(Some(&admin), aside)
        .await
        .unwrap();
    assert_eq!(held.start_date, date("2027-09-29"));
    let notes = env.audit_notes(held.id.as_uuid()).await;
    assert!(
        notes.iter().any(|n| n.contains(
            "outside the series' period rule (months 8–9, at most 4 days), by an administrator's decision"
        )),
        "{notes:?}"
    );
    // An event within the rule, even created with the flag, is not marked.
    let within = EventDraft {
        outside_period: true,
        ..edition("p4", &kcj, "JP", 2028)
    };
    let fits = env
        .office
        .create_event_from(Some(&admin), within)
        .await
        .unwrap();
    let notes = env.audit_notes(fits.id.as_uuid()).await;
    assert!(notes.iter().all(|n| !n.contains("period")), "{notes:?}");
}

async fn demo_seeds_once(env: Env) {
    assert!(glocal_events::demo::seed_demo(&env.db).await.unwrap());
    assert!(!glocal_events::demo::seed_demo(&env.db).await.unwrap());
    let office = EventOffice::new(env.db.clone(), Config::default());
    let series = office.list_series().await.unwrap();
    assert_eq!(series.len(), 4);
    let kcj = series.iter().find(|s| s.code == "KCJ-CONFERENCE").unwrap();
    assert_eq!(kcj.next_host_country.as_deref(), Some("CN"));
    let events = office
        .list_events(
            None,
            EventFilter::default(),
            PageRequest::default(),
            EventListParts::ALL,
        )
        .await
        .unwrap();
    let kinds: Vec<EventKind> = events.items.iter().map(|e| e.kind).collect();
    for k in [EventKind::Conference, EventKind::Workshop, EventKind::Forum] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    let conference = events
        .items
        .iter()
        .find(|e| e.kind == EventKind::Conference && e.edition == 2)
        .expect("this year's conference");
    assert_eq!(conference.host_country, "KR");
    assert_eq!(conference.seats_taken, 4);
    assert_eq!(
        office.sessions(None, &[conference.id]).await.unwrap().len(),
        4
    );
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 4),
    sqlite(flavor = "multi_thread", worker_threads = 2);
    env: [
        rotation_rule,
        capacity_holds_under_concurrent_registrations,
        waitlist_offer_expiry_chain,
        a_lapsed_offer_reads_expired_without_a_write,
        sweeper_expires_offers_on_its_own_and_stops_on_shutdown,
        timetable_overlaps_and_time_zones,
        delegations_and_check_in,
        scoping,
        a_nameless_caller_reads_but_does_not_write,
        bad_input_idempotency_and_versions,
        contributions_and_practices,
        a_page_of_events_carries_the_contributions_each_caller_may_see,
        lecture_requests_respect_the_yearly_target_of_local_governments,
        the_lecture_target_holds_under_concurrent_scheduling,
        series_period_rules_refuse_events_outside_them,
        demo_seeds_once,
    ]
);
