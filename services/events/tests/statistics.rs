//! The bureau's event report on real databases (PostgreSQL and SQLite): registrations by
//! state with their seats and attendance, counted by the database, for bureau staff only.

use chrono::{DateTime, NaiveDate, Utc};
use glocal_events::domain::statistics::{EventFigures, EventStatisticsQuery};
use glocal_events::domain::{
    EventAction, EventDraft, EventKind, RegistrationDraft, RegistrationKind, TextDraft,
};
use glocal_events::service::EventView;
use glocal_events::{Config, EventOffice};
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::{Caller, Role};
use sea_orm::DatabaseConnection;

struct Env {
    office: EventOffice,
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_events::migrate(&db).await.unwrap();
        let now = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let office =
            EventOffice::new(db, Config::default()).with_clock(std::sync::Arc::new(move || now));
        Env { office }
    }

    /// A forum starting on `start` with `capacity` seats, walked through `actions`.
    async fn event(
        &self,
        key: &str,
        start: &str,
        capacity: u32,
        actions: &[EventAction],
    ) -> EventView {
        let mut e = self
            .office
            .create_event(
                Some(&staff()),
                EventDraft {
                    idempotency_key: key.into(),
                    kind: Some(EventKind::Forum),
                    title: TextDraft::new("포럼", key, "", ""),
                    description: TextDraft::new("", "A forum", "", ""),
                    host_country: "KR".into(),
                    host_city: "Seoul".into(),
                    host_organization: "GAOK".into(),
                    venue: "Hall".into(),
                    time_zone: "Asia/Seoul".into(),
                    start_date: start.into(),
                    end_date: start.into(),
                    working_languages: vec!["ko".into()],
                    capacity,
                    ..EventDraft::default()
                }
                .parse()
                .unwrap(),
            )
            .await
            .unwrap();
        for a in actions {
            e = self
                .office
                .transition_event(Some(&staff()), e.id, e.version, *a, None)
                .await
                .unwrap();
        }
        e
    }

    async fn report(&self, from: &str, to: &str) -> Vec<EventFigures> {
        self.office
            .event_statistics(
                Some(&staff()),
                EventStatisticsQuery::new(date(from), date(to), None).unwrap(),
            )
            .await
            .unwrap()
    }
}

fn staff() -> Caller {
    Caller::new("staff-events", "Lee", "GAOK", [Role::BureauStaff])
}

fn person(sub: &str) -> Caller {
    Caller::new(sub, format!("Person {sub}"), "JP-FUKUOKA", [Role::Partner])
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn registration(key: &str, members: &[&str]) -> RegistrationDraft {
    if members.is_empty() {
        return RegistrationDraft {
            idempotency_key: key.into(),
            kind: Some(RegistrationKind::Individual),
            ..RegistrationDraft::default()
        };
    }
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

async fn registrations_and_attendance_per_event(env: Env) {
    use EventAction::{CloseRegistration, OpenRegistration, Publish, Start};
    let forum = env
        .event("forum", "2026-08-26", 4, &[Publish, OpenRegistration])
        .await;
    // A delegation of three and one individual fill the four seats; two more wait.
    let office = &env.office;
    let delegation = office
        .register(
            Some(&person("fukuoka")),
            forum.id,
            registration("r1", &["Sato", "Suzuki"])
                .parse("Person fukuoka")
                .unwrap(),
        )
        .await
        .unwrap();
    let solo = office
        .register(
            Some(&person("p2")),
            forum.id,
            registration("r2", &[]).parse("Person p2").unwrap(),
        )
        .await
        .unwrap();
    for (sub, key) in [("p3", "r3"), ("p4", "r4")] {
        office
            .register(
                Some(&person(sub)),
                forum.id,
                registration(key, &[]).parse("Person").unwrap(),
            )
            .await
            .unwrap();
    }
    // One cancels (the first waiting is offered the seat).
    office
        .cancel_registration(Some(&person("p2")), solo.id, solo.version, None)
        .await
        .unwrap();
    // Under way: two of the delegation check in on the first day, one again.
    let forum = office.get_event(Some(&staff()), forum.id).await.unwrap();
    let walked = env.event("other", "2026-09-10", 10, &[]).await;
    let mut e = forum.clone();
    for a in [CloseRegistration, Start] {
        e = office
            .transition_event(Some(&staff()), e.id, e.version, a, None)
            .await
            .unwrap();
    }
    for who in [Some("Sato".to_owned()), None] {
        office
            .check_in(Some(&staff()), delegation.id, Some(date("2026-08-26")), who)
            .await
            .unwrap();
    }
    // An event outside the period is not in the report.
    env.event("later", "2027-01-10", 10, &[]).await;

    let rows = env.report("2026-08-01", "2026-12-31").await;
    let ids: Vec<_> = rows.iter().map(|r| r.event_id).collect();
    assert_eq!(
        ids,
        [forum.id, walked.id],
        "by start date, within the period"
    );
    let f = &rows[0];
    assert_eq!(f.capacity, 4);
    assert_eq!(
        (f.confirmed, f.confirmed_seats),
        (1, 3),
        "the delegation holds three seats"
    );
    assert_eq!(f.cancelled, 1);
    assert_eq!(
        f.offered + f.waitlisted,
        2,
        "the two who waited: one offered, one waiting"
    );
    assert_eq!(f.registrations(), 4);
    assert_eq!((f.attended, f.check_ins), (1, 2));
    let empty = &rows[1];
    assert_eq!(
        (empty.registrations(), empty.attended, empty.check_ins),
        (0, 0, 0)
    );

    // A period with no events is an empty report; officials and partners are refused.
    assert!(env.report("2020-01-01", "2020-12-31").await.is_empty());
    let refused = office
        .event_statistics(
            Some(&person("p3")),
            EventStatisticsQuery::new(date("2026-01-01"), date("2026-12-31"), None).unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    let anonymous = office
        .event_statistics(
            None,
            EventStatisticsQuery::new(date("2026-01-01"), date("2026-12-31"), None).unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), ErrorCode::Unauthenticated);
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 2),
    sqlite(flavor = "multi_thread", worker_threads = 2);
    env: [registrations_and_attendance_per_event]
);
