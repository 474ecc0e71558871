//! Overseas training's itinerary and trip reports (ADR 0052) on real databases: every test
//! body runs on PostgreSQL (a fresh database per test) and on SQLite in memory, with the
//! clock set to 15 March 2026 (the overseas training's call is open in March; it travels
//! 4–10 October).

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::{Caller, Role};
use glocal_training::domain::{
    ApplicantKind, ApplicationDraft, Decision, EditionDraft, EditionId, EligibilityDraft,
    IdempotencyKey, NewVisit, Note, OrganisationType, ProfileDraft, ProgrammeDraft, ProgrammeKind,
    ScreeningOutcome, StageDraft, TextDraft, TripReportDraft, TripReportState, TripReportText,
    Version, Visit, VisitDraft,
};
use glocal_training::service::Edition;
use glocal_training::{Config, TrainingError, TrainingOffice};
use sea_orm::DatabaseConnection;

const ORG_A: &str = "0b7c1f4e-0000-4000-8000-00000000000a";
const ORG_B: &str = "0b7c1f4e-0000-4000-8000-00000000000b";
const PRACTICE: &str = "5e2a9d11-0000-4000-8000-000000000001";

struct Env {
    db: DatabaseConnection,
    office: TrainingOffice,
}

fn admin() -> Caller {
    Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin])
}

fn staff(subject: &str) -> Caller {
    Caller::new(subject, subject, "GAOK", [Role::BureauStaff])
}

fn official(sub: &str, org: &str) -> Caller {
    Caller::new(sub, format!("Official {sub}"), org, [Role::LocalOfficial])
}

fn partner() -> Caller {
    Caller::new("partner-1", "Partner", "JP-OSAKA", [Role::Partner])
}

fn key(k: &str) -> IdempotencyKey {
    IdempotencyKey::parse(k).unwrap()
}

fn visit(day: &str, time: &str, city: &str) -> NewVisit {
    NewVisit::parse(&VisitDraft {
        day: day.into(),
        time: time.into(),
        city: city.into(),
        country: "JP".into(),
        organisation_ids: vec![ORG_A.into(), ORG_B.into()],
        practice_ids: vec![PRACTICE.into()],
        purpose: "Benchmark waterfront regeneration".into(),
    })
    .unwrap()
}

fn report(title: &str) -> TripReportText {
    TripReportText::parse(&TripReportDraft {
        title: [String::new(), title.into(), String::new(), String::new()],
        summary: [
            String::new(),
            "Piers turned into public space".into(),
            String::new(),
            String::new(),
        ],
        findings: [
            "민관 협력".into(),
            "A public-private board runs the piers".into(),
            String::new(),
            String::new(),
        ],
        original_language: "en".into(),
        area_code: "urban_regeneration".into(),
    })
    .unwrap()
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_training::migrate(&db).await.unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 15, 0, 0, 0).unwrap();
        let office = TrainingOffice::new(db.clone(), Config { max_page_size: 50 })
            .with_clock(Arc::new(move || now));
        Env { db, office }
    }

    async fn count(&self, table: &str) -> i64 {
        glocal_kit::testing::count_rows(&self.db, table).await
    }

    /// (visits, reports, history rows, outbox rows)
    async fn counts(&self) -> (i64, i64, i64, i64) {
        (
            self.count("itinerary_visit").await,
            self.count("trip_report").await,
            self.count("history").await,
            self.count("outbox").await,
        )
    }

    /// A published edition of a programme of `kind`, travelling 4–10 October 2026, with one
    /// review stage scored by `staff-reviewer`.
    async fn edition(&self, kind: ProgrammeKind) -> Edition {
        let p = self
            .office
            .create_programme(
                Some(&admin()),
                ProgrammeDraft {
                    idempotency_key: format!("p-{kind}"),
                    kind: Some(kind),
                    title: TextDraft {
                        en: format!("{kind} programme"),
                        ..TextDraft::default()
                    },
                    description: TextDraft::default(),
                    published: true,
                    period: None,
                }
                .parse()
                .unwrap(),
            )
            .await
            .unwrap();
        let draft = EditionDraft {
            idempotency_key: format!("e-{kind}"),
            programme_id: p.id.to_string(),
            term: "2026".into(),
            starts_on: "2026-10-04".into(),
            ends_on: "2026-10-10".into(),
            applications_open_on: "2026-03-01".into(),
            applications_close_on: "2026-03-31".into(),
            capacity: 20,
            languages: vec!["ko".into(), "en".into()],
            divisions: vec![],
            eligibility: EligibilityDraft {
                organisation_types: vec![OrganisationType::KoreanLocalGovernment],
                ..EligibilityDraft::default()
            },
            stipends: vec![],
            costs: vec![],
            shares: vec![],
            host_codes: vec![],
            stages: vec![StageDraft {
                name: "Selection".into(),
                reviewers: vec!["staff-reviewer".into()],
                ..StageDraft::default()
            }],
            published: true,
            outside_period: false,
        };
        self.office
            .create_edition(Some(&admin()), draft.parse().unwrap())
            .await
            .unwrap()
    }

    /// `who` applies to `e` and is accepted.
    async fn participant(&self, who: &Caller, e: &Edition) {
        let draft = ApplicationDraft {
            idempotency_key: format!("apply-{}", who.subject),
            partner_organisation_id: String::new(),
            relationships: None,
            edition_id: e.id.to_string(),
            profile: ProfileDraft {
                kind: Some(ApplicantKind::Official),
                full_name: who.name.clone(),
                nationality: "KR".into(),
                organisation_type: Some(OrganisationType::KoreanLocalGovernment),
                organisation: "Seoul".into(),
                grade: 6,
                languages: vec!["ko".into()],
            },
            answers: vec![],
            attachments: vec![],
            as_draft: false,
            division: String::new(),
        };
        let a = self
            .office
            .submit_application(Some(who), draft.parse().unwrap())
            .await
            .unwrap();
        let note = || Note::parse("").unwrap();
        let a = self
            .office
            .screen(
                Some(&admin()),
                a.id,
                a.version,
                ScreeningOutcome::Start,
                note(),
            )
            .await
            .unwrap();
        let a = self
            .office
            .screen(
                Some(&admin()),
                a.id,
                a.version,
                ScreeningOutcome::Pass,
                note(),
            )
            .await
            .unwrap();
        self.office
            .decide(Some(&admin()), a.id, a.version, Decision::Accept, note())
            .await
            .unwrap();
    }

    async fn itinerary(&self, who: Option<&Caller>, e: EditionId) -> (bool, Vec<Visit>) {
        let mut list = self
            .office
            .itineraries(who, &[e.to_string()])
            .await
            .unwrap();
        let it = list.pop().unwrap();
        (it.visible, it.visits)
    }
}

fn reason(e: &TrainingError) -> (ErrorCode, Option<&str>) {
    (e.code(), e.reason())
}

async fn the_itinerary_is_overseas_trainings_within_its_dates(env: Env) {
    let e = env.edition(ProgrammeKind::OverseasTraining).await;
    let academy = env.edition(ProgrammeKind::Academy).await;

    // Added out of order, listed by day then time, an untimed visit first on its day.
    let late = env
        .office
        .add_visit(
            Some(&admin()),
            e.id,
            key("v1"),
            visit("2026-10-06", "14:00", "Yokohama"),
        )
        .await
        .unwrap();
    let early = env
        .office
        .add_visit(
            Some(&admin()),
            e.id,
            key("v2"),
            visit("2026-10-06", "09:30", "Yokohama"),
        )
        .await
        .unwrap();
    let untimed = env
        .office
        .add_visit(
            Some(&admin()),
            e.id,
            key("v3"),
            visit("2026-10-06", "", "Kawasaki"),
        )
        .await
        .unwrap();
    let first = env
        .office
        .add_visit(
            Some(&admin()),
            e.id,
            key("v4"),
            visit("2026-10-05", "16:00", "Tokyo"),
        )
        .await
        .unwrap();
    let (visible, visits) = env.itinerary(Some(&admin()), e.id).await;
    assert!(visible);
    let order: Vec<_> = visits.iter().map(|v| v.id).collect();
    assert_eq!(order, vec![first.id, untimed.id, early.id, late.id]);
    assert_eq!(late.visit.organisation_ids, vec![ORG_A, ORG_B]);
    assert_eq!(late.visit.practice_ids, vec![PRACTICE]);

    // A retry with the same key is the same visit; nothing more is written.
    let before = env.counts().await;
    let again = env
        .office
        .add_visit(
            Some(&admin()),
            e.id,
            key("v1"),
            visit("2026-10-06", "14:00", "Yokohama"),
        )
        .await
        .unwrap();
    assert_eq!(again.id, late.id);
    assert_eq!(env.counts().await, before);

    // Refusals write nothing.
    let err = env
        .office
        .add_visit(
            Some(&admin()),
            academy.id,
            key("a1"),
            visit("2026-10-06", "", "Osaka"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (ErrorCode::Conflict, Some("NOT_OVERSEAS_TRAINING"))
    );
    for day in ["2026-10-03", "2026-10-11"] {
        let err = env
            .office
            .add_visit(Some(&admin()), e.id, key(day), visit(day, "", "Osaka"))
            .await
            .unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::BadUserInput, Some("day"))
        );
    }
    assert_eq!(env.counts().await, before);

    // Changes quote the version; a stale one changes nothing.
    let changed = env
        .office
        .change_visit(
            Some(&admin()),
            late.id,
            late.version,
            visit("2026-10-07", "10:00", "Yokohama"),
        )
        .await
        .unwrap();
    assert_eq!(changed.version.get(), 2);
    assert_eq!(changed.visit.day.to_string(), "2026-10-07");
    let after_change = env.counts().await;
    assert_eq!(
        (after_change.2, after_change.3),
        (before.2 + 1, before.3 + 1),
        "one history row and one outbox row"
    );
    let err = env
        .office
        .change_visit(
            Some(&admin()),
            late.id,
            late.version,
            visit("2026-10-08", "", "Tokyo"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    let err = env
        .office
        .change_visit(
            Some(&admin()),
            late.id,
            changed.version,
            visit("2026-11-01", "", "Tokyo"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("day"));
    assert_eq!(env.counts().await, after_change);

    // Removal quotes the version too.
    let err = env
        .office
        .remove_visit(Some(&admin()), untimed.id, Version::parse(9).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    env.office
        .remove_visit(Some(&admin()), untimed.id, untimed.version)
        .await
        .unwrap();
    let (_, visits) = env.itinerary(Some(&admin()), e.id).await;
    assert_eq!(visits.len(), 3);
    assert_eq!(env.count("itinerary_visit").await, 3);
}

async fn staff_and_accepted_participants_see_the_itinerary(env: Env) {
    let e = env.edition(ProgrammeKind::OverseasTraining).await;
    let v = env
        .office
        .add_visit(
            Some(&admin()),
            e.id,
            key("v"),
            visit("2026-10-05", "", "Yokohama"),
        )
        .await
        .unwrap();
    let going = official("seoul-kim", "11000");
    let applied_only = official("seoul-lee", "11000");
    env.participant(&going, &e).await;
    env.office
        .submit_application(
            Some(&applied_only),
            ApplicationDraft {
                idempotency_key: "a".into(),
                partner_organisation_id: String::new(),
                relationships: None,
                edition_id: e.id.to_string(),
                profile: ProfileDraft {
                    kind: Some(ApplicantKind::Official),
                    full_name: "Lee".into(),
                    nationality: "KR".into(),
                    organisation_type: Some(OrganisationType::KoreanLocalGovernment),
                    organisation: "Seoul".into(),
                    grade: 6,
                    languages: vec!["ko".into()],
                },
                answers: vec![],
                attachments: vec![],
                as_draft: false,
                division: String::new(),
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();

    for who in [
        admin(),
        staff("staff-other"),
        staff("staff-reviewer"),
        going.clone(),
    ] {
        let (visible, visits) = env.itinerary(Some(&who), e.id).await;
        assert!(visible, "{}", who.subject);
        assert_eq!(visits.len(), 1, "{}", who.subject);
    }
    for who in [Some(applied_only.clone()), Some(partner()), None] {
        let (visible, visits) = env.itinerary(who.as_ref(), e.id).await;
        assert!(!visible);
        assert!(visits.is_empty());
    }

    // Only the edition's managers change it: its reviewer and officials may not.
    let before = env.counts().await;
    let err = env
        .office
        .add_visit(
            Some(&staff("staff-reviewer")),
            e.id,
            key("r"),
            visit("2026-10-05", "", "Tokyo"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (ErrorCode::Forbidden, Some("EDITION_MANAGER_ONLY"))
    );
    let err = env
        .office
        .add_visit(
            Some(&going),
            e.id,
            key("o"),
            visit("2026-10-05", "", "Tokyo"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (ErrorCode::Forbidden, Some("BUREAU_STAFF_ONLY"))
    );
    let err = env
        .office
        .remove_visit(Some(&going), v.id, v.version)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    // Another member of staff who does not review the edition manages it.
    env.office
        .add_visit(
            Some(&staff("staff-other")),
            e.id,
            key("s"),
            visit("2026-10-06", "", "Tokyo"),
        )
        .await
        .unwrap();
    assert_eq!(env.count("itinerary_visit").await, before.0 + 1);
}

async fn a_trip_report_is_written_submitted_and_published_once(env: Env) {
    let e = env.edition(ProgrammeKind::OverseasTraining).await;
    let v = env
        .office
        .add_visit(
            Some(&admin()),
            e.id,
            key("v"),
            visit("2026-10-05", "10:00", "Yokohama"),
        )
        .await
        .unwrap();
    let author = official("seoul-kim", "11000");
    let colleague = official("busan-park", "26000");
    let outsider = official("daegu-choi", "27000");
    env.participant(&author, &e).await;
    env.participant(&colleague, &e).await;

    // Outsiders do not learn the visit exists; a participant writes.
    let err = env
        .office
        .write_trip_report(Some(&outsider), v.id, key("r"), report("Waterfront"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    let r = env
        .office
        .write_trip_report(Some(&author), v.id, key("r"), report("Waterfront"))
        .await
        .unwrap();
    assert_eq!(r.state, TripReportState::Draft);
    assert_eq!(r.author_name, "Official seoul-kim");
    let again = env
        .office
        .write_trip_report(Some(&author), v.id, key("r"), report("Waterfront"))
        .await
        .unwrap();
    assert_eq!(again.id, r.id, "idempotent per key");

    // Another participant reads it but may not change it.
    assert_eq!(
        env.office
            .trip_report(Some(&colleague), r.id)
            .await
            .unwrap()
            .id,
        r.id
    );
    let err = env
        .office
        .update_trip_report(Some(&colleague), r.id, r.version, report("Mine now"))
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (ErrorCode::Forbidden, Some("TRIP_REPORT_AUTHOR_ONLY"))
    );
    let err = env
        .office
        .trip_report(Some(&outsider), r.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);

    let r = env
        .office
        .update_trip_report(
            Some(&author),
            r.id,
            r.version,
            report("Yokohama's waterfront"),
        )
        .await
        .unwrap();
    assert_eq!(r.text.title.en, "Yokohama's waterfront");
    // Publishing needs a SUBMITTED report.
    let err = env
        .office
        .prepare_trip_report_practice(Some(&admin()), r.id, r.version)
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (ErrorCode::Conflict, Some("ILLEGAL_TRIP_REPORT_MOVE"))
    );
    let r = env
        .office
        .submit_trip_report(Some(&author), r.id, r.version)
        .await
        .unwrap();
    assert_eq!(r.state, TripReportState::Submitted);
    let err = env
        .office
        .update_trip_report(Some(&author), r.id, r.version, report("Late edit"))
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (ErrorCode::Conflict, Some("ILLEGAL_TRIP_REPORT_MOVE"))
    );

    // Only the edition's managers publish.
    for who in [author.clone(), staff("staff-reviewer")] {
        let err = env
            .office
            .prepare_trip_report_practice(Some(&who), r.id, r.version)
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden, "{}", who.subject);
    }
    let prepared = env
        .office
        .prepare_trip_report_practice(Some(&admin()), r.id, r.version)
        .await
        .unwrap();
    assert_eq!(prepared.practice_id, None);
    let content = prepared.content.unwrap();
    assert_eq!(content.origin, format!("training-trip-report:{}", r.id));
    assert_eq!(
        (
            content.country.as_str(),
            content.city.as_str(),
            content.year
        ),
        ("JP", "Yokohama", 2026)
    );
    assert_eq!(content.source_organisation_id, ORG_A);
    assert_eq!(content.area_code, "urban_regeneration");
    assert_eq!(content.body.en, "A public-private board runs the piers");
    // Preparing wrote nothing, so preparing again is the same.
    let again = env
        .office
        .prepare_trip_report_practice(Some(&admin()), r.id, r.version)
        .await
        .unwrap();
    assert_eq!(again.content.unwrap(), content);

    let practice = "9a0d2b6c-0000-4000-8000-0000000000aa";
    let before = env.counts().await;
    let published = env
        .office
        .record_trip_report_practice(Some(&admin()), r.id, r.version, practice)
        .await
        .unwrap();
    assert_eq!(published.state, TripReportState::PublishedAsPractice);
    assert_eq!(published.practice_id.as_deref(), Some(practice));
    let after = env.counts().await;
    assert_eq!((after.2, after.3), (before.2 + 1, before.3 + 1));

    // A retry of the whole publication finds it done, whatever version it quotes.
    let retried = env
        .office
        .prepare_trip_report_practice(Some(&staff("staff-other")), r.id, r.version)
        .await
        .unwrap();
    assert_eq!(retried.practice_id.as_deref(), Some(practice));
    assert!(retried.content.is_none());
    let same = env
        .office
        .record_trip_report_practice(Some(&admin()), r.id, r.version, practice)
        .await
        .unwrap();
    assert_eq!(same.version, published.version);
    let err = env
        .office
        .record_trip_report_practice(
            Some(&admin()),
            r.id,
            published.version,
            "9a0d2b6c-0000-4000-8000-0000000000bb",
        )
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (ErrorCode::Conflict, Some("TRIP_REPORT_PUBLISHED"))
    );
    assert_eq!(env.counts().await, after);

    // A visit reports are about stays in the itinerary.
    let err = env
        .office
        .remove_visit(Some(&admin()), v.id, v.version)
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (ErrorCode::Conflict, Some("VISIT_HAS_REPORTS"))
    );

    // The itinerary carries the edition's reports.
    let list = env
        .office
        .itineraries(Some(&colleague), &[e.id.to_string()])
        .await
        .unwrap();
    assert_eq!(list[0].reports.len(), 1);
    assert_eq!(list[0].reports[0].practice_id.as_deref(), Some(practice));
}

async fn concurrent_publications_record_one_practice(env: Env) {
    let e = env.edition(ProgrammeKind::OverseasTraining).await;
    let v = env
        .office
        .add_visit(
            Some(&admin()),
            e.id,
            key("v"),
            visit("2026-10-05", "", "Yokohama"),
        )
        .await
        .unwrap();
    let r = env
        .office
        .write_trip_report(Some(&admin()), v.id, key("r"), report("Waterfront"))
        .await
        .unwrap();
    let r = env
        .office
        .submit_trip_report(Some(&admin()), r.id, r.version)
        .await
        .unwrap();
    let practice = "9a0d2b6c-0000-4000-8000-0000000000cc";
    let before = env.counts().await;
    let mut tasks = Vec::new();
    for who in [admin(), staff("staff-other"), admin(), staff("staff-other")] {
        let office = env.office.clone();
        tasks.push(tokio::spawn(async move {
            office
                .record_trip_report_practice(Some(&who), r.id, r.version, practice)
                .await
        }));
    }
    for t in tasks {
        match t.await.unwrap() {
            Ok(done) => assert_eq!(done.practice_id.as_deref(), Some(practice)),
            // Lost the race on the version: nothing written by it.
            Err(e) => assert_eq!(e.code(), ErrorCode::Conflict, "{e}"),
        }
    }
    let after = env.counts().await;
    assert_eq!(
        (after.2, after.3),
        (before.2 + 1, before.3 + 1),
        "recorded once"
    );
}

glocal_kit::on_both_backends!(
    the_itinerary_is_overseas_trainings_within_its_dates,
    staff_and_accepted_participants_see_the_itinerary,
    a_trip_report_is_written_submitted_and_published_once,
    concurrent_publications_record_one_practice,
);
