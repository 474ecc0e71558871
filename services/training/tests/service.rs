//! The service on real databases: every test body runs on PostgreSQL (a fresh database per
//! test) and on SQLite in memory, with the clock set to 15 March 2026 (the fellowship's
//! application window is March; it runs April to September).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use glocal_kit::domain::period::PeriodDraft;
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::{Caller, Role};
use glocal_training::domain::{
    Answer, ApplicantKind, ApplicationDraft, ApplicationId, ApplicationState, AttendanceDraft,
    AttendanceStatus, CertificateCode, CostDraft, CutKind, Decision, DivisionReviewerDraft,
    EditionDraft, EditionId, EligibilityDraft, EligibilityFailure, EligibilityRule,
    NationalityRule, Note, OrganisationType, ParticipantDraft, PartnerRelationshipStatus, Payer,
    PaymentAction, PaymentState, ProfileDraft, ProgrammeDraft, ProgrammeKind, Score,
    ScreeningOutcome, SessionDraft, SessionId, SessionKind, StageDraft, StipendDraft, TextDraft,
    Version, parse_attendance,
};
use glocal_training::service::{
    Application, ApplicationFilter, Edition, PageRequest, Programme, Session, VerifiedCertificate,
};
use glocal_training::{Config, TrainingError, TrainingOffice};
use sea_orm::DatabaseConnection;

struct Env {
    db: DatabaseConnection,
    office: TrainingOffice,
    now: Arc<Mutex<DateTime<Utc>>>,
}

/// The service's writes as the gRPC adapter makes them: the draft parsed first (bad input
/// is BAD_USER_INPUT naming its field, before the service runs), then the service called
/// with domain types.
trait AsTheAdapterCalls {
    async fn create_programme_from(
        &self,
        caller: Option<&Caller>,
        draft: ProgrammeDraft,
    ) -> Result<Programme, TrainingError>;
    async fn create_edition_from(
        &self,
        caller: Option<&Caller>,
        draft: EditionDraft,
    ) -> Result<Edition, TrainingError>;
    async fn submit_application_from(
        &self,
        caller: Option<&Caller>,
        draft: ApplicationDraft,
    ) -> Result<Application, TrainingError>;
    async fn check_eligibility_from(
        &self,
        caller: Option<&Caller>,
        edition: EditionId,
        profile: ProfileDraft,
    ) -> Result<Vec<EligibilityFailure>, TrainingError>;
    async fn update_participant_from(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        draft: ParticipantDraft,
    ) -> Result<Application, TrainingError>;
    async fn schedule_session_from(
        &self,
        caller: Option<&Caller>,
        draft: SessionDraft,
    ) -> Result<Session, TrainingError>;
    async fn record_attendance_from(
        &self,
        caller: Option<&Caller>,
        session: SessionId,
        entries: Vec<AttendanceDraft>,
    ) -> Result<Session, TrainingError>;
    async fn verify_certificate_from(
        &self,
        code: &str,
    ) -> Result<VerifiedCertificate, TrainingError>;
}

impl AsTheAdapterCalls for TrainingOffice {
    async fn create_programme_from(
        &self,
        caller: Option<&Caller>,
        draft: ProgrammeDraft,
    ) -> Result<Programme, TrainingError> {
        self.create_programme(caller, draft.parse()?).await
    }

    async fn create_edition_from(
        &self,
        caller: Option<&Caller>,
        draft: EditionDraft,
    ) -> Result<Edition, TrainingError> {
        self.create_edition(caller, draft.parse()?).await
    }

    async fn submit_application_from(
        &self,
        caller: Option<&Caller>,
        draft: ApplicationDraft,
    ) -> Result<Application, TrainingError> {
        self.submit_application(caller, draft.parse()?).await
    }

    async fn check_eligibility_from(
        &self,
        caller: Option<&Caller>,
        edition: EditionId,
        profile: ProfileDraft,
    ) -> Result<Vec<EligibilityFailure>, TrainingError> {
        self.check_eligibility(caller, edition, profile.parse()?)
            .await
    }

    async fn update_participant_from(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        draft: ParticipantDraft,
    ) -> Result<Application, TrainingError> {
        self.update_participant(caller, id, version, draft.parse()?)
            .await
    }

    async fn schedule_session_from(
        &self,
        caller: Option<&Caller>,
        draft: SessionDraft,
    ) -> Result<Session, TrainingError> {
        self.schedule_session(caller, draft.parse()?).await
    }

    async fn record_attendance_from(
        &self,
        caller: Option<&Caller>,
        session: SessionId,
        entries: Vec<AttendanceDraft>,
    ) -> Result<Session, TrainingError> {
        self.record_attendance(caller, session, parse_attendance(entries)?)
            .await
    }

    async fn verify_certificate_from(
        &self,
        code: &str,
    ) -> Result<VerifiedCertificate, TrainingError> {
        self.verify_certificate(CertificateCode::parse(code)?).await
    }
}

fn academy_draft() -> ProgrammeDraft {
    ProgrammeDraft {
        idempotency_key: "academy-2".into(),
        kind: Some(ProgrammeKind::Academy),
        title: TextDraft {
            en: "Academy".into(),
            ..TextDraft::default()
        },
        description: TextDraft::default(),
        published: true,
        period: None,
    }
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_training::migrate(&db).await.unwrap();
        let now = Arc::new(Mutex::new(at(2026, 3, 15)));
        let clock = now.clone();
        let office = TrainingOffice::new(db.clone(), Config { max_page_size: 50 })
            .with_clock(Arc::new(move || *clock.lock().unwrap()));
        Env { db, office, now }
    }

    fn set_now(&self, t: DateTime<Utc>) {
        *self.now.lock().unwrap() = t;
    }

    async fn count(&self, table: &str) -> i64 {
        glocal_kit::testing::count_rows(&self.db, table).await
    }

    /// (applications, history rows, outbox rows)
    async fn counts(&self) -> (i64, i64, i64) {
        (
            self.count("application").await,
            self.count("history").await,
            self.count("outbox").await,
        )
    }

    async fn programme(&self, kind: ProgrammeKind) -> Programme {
        self.office
            .create_programme_from(
                Some(&admin()),
                ProgrammeDraft {
                    idempotency_key: format!("p-{kind}"),
                    kind: Some(kind),
                    title: TextDraft {
                        en: format!("{kind} programme"),
                        ko: "연수".into(),
                        ..TextDraft::default()
                    },
                    description: TextDraft::default(),
                    published: true,
                    period: None,
                },
            )
            .await
            .unwrap()
    }

    async fn edition(&self, draft: EditionDraft) -> Edition {
        self.office
            .create_edition_from(Some(&admin()), draft)
            .await
            .unwrap()
    }

    async fn fellowship(&self, capacity: u32) -> Edition {
        let p = self.programme(ProgrammeKind::InvitationFellowship).await;
        self.edition(fellowship_draft(&p, capacity)).await
    }

    async fn apply(
        &self,
        who: &Caller,
        key: &str,
        edition: &Edition,
        profile: ProfileDraft,
    ) -> Result<Application, TrainingError> {
        self.office
            .submit_application_from(Some(who), application(key, edition, profile))
            .await
    }

    /// Submitted → screening → under review at stage 1.
    async fn to_review(&self, a: &Application) -> Application {
        let a = self
            .office
            .screen(
                Some(&admin()),
                a.id,
                a.version,
                ScreeningOutcome::Start,
                note(""),
            )
            .await
            .unwrap();
        self.office
            .screen(
                Some(&admin()),
                a.id,
                a.version,
                ScreeningOutcome::Pass,
                note(""),
            )
            .await
            .unwrap()
    }

    async fn decide(&self, a: &Application, d: Decision) -> Result<Application, TrainingError> {
        self.office
            .decide(Some(&admin()), a.id, a.version, d, note(""))
            .await
    }

    async fn get(&self, who: &Caller, id: ApplicationId) -> Result<Application, TrainingError> {
        self.office.get_application(Some(who), id).await
    }
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

fn note(s: &str) -> Note {
    Note::parse(s).unwrap()
}

fn foreign(name: &str) -> ProfileDraft {
    ProfileDraft {
        kind: Some(ApplicantKind::Official),
        full_name: name.into(),
        nationality: "VN".into(),
        organisation_type: Some(OrganisationType::ForeignLocalGovernment),
        organisation: "Da Nang City".into(),
        grade: 0,
        languages: vec!["en".into()],
    }
}

fn korean(name: &str, grade: u32, langs: &[&str]) -> ProfileDraft {
    ProfileDraft {
        kind: Some(ApplicantKind::Official),
        full_name: name.into(),
        nationality: "KR".into(),
        organisation_type: Some(OrganisationType::KoreanLocalGovernment),
        organisation: "Seoul".into(),
        grade,
        languages: langs.iter().map(|l| (*l).to_owned()).collect(),
    }
}

/// A fellowship application names Da Nang in the partner network, whose relationship with
/// a Korean local government is active (as the gateway would have found it).
fn application(key: &str, edition: &Edition, profile: ProfileDraft) -> ApplicationDraft {
    let fellowship = edition.programme.kind == ProgrammeKind::InvitationFellowship;
    ApplicationDraft {
        partner_organisation_id: if fellowship {
            "5d0a0a6e-0000-4000-8000-0000000000aa".into()
        } else {
            String::new()
        },
        relationships: fellowship.then(|| vec![PartnerRelationshipStatus::Active]),
        idempotency_key: key.into(),
        edition_id: edition.id.to_string(),
        profile,
        answers: vec![Answer {
            question: "Why?".into(),
            answer: "To learn.".into(),
        }],
        attachments: vec![],
        as_draft: false,
        division: String::new(),
    }
}

fn fellowship_draft(p: &Programme, capacity: u32) -> EditionDraft {
    EditionDraft {
        idempotency_key: format!("e-{}-{capacity}", p.id),
        programme_id: p.id.to_string(),
        term: "2026".into(),
        starts_on: "2026-04-01".into(),
        ends_on: "2026-09-30".into(),
        applications_open_on: "2026-03-01".into(),
        applications_close_on: "2026-03-31".into(),
        capacity,
        languages: vec!["en".into(), "ko".into()],
        divisions: vec![],
        eligibility: EligibilityDraft {
            organisation_types: vec![OrganisationType::ForeignLocalGovernment],
            nationality: Some(NationalityRule::Foreign),
            ..EligibilityDraft::default()
        },
        shares: vec![],
        stipends: vec![
            StipendDraft {
                payer: Some(Payer::Association),
                amount_minor: 400_000,
                currency: "KRW".into(),
            },
            StipendDraft {
                payer: Some(Payer::HostLocalGovernment),
                amount_minor: 400_000,
                currency: "KRW".into(),
            },
        ],
        costs: vec![CostDraft {
            payer: Some(Payer::HostLocalGovernment),
            item: "accommodation".into(),
        }],
        host_codes: vec!["26000".into(), "11000".into()],
        stages: vec![],
        published: true,
        outside_period: false,
    }
}

fn contest_draft(p: &Programme, reviewers: [&str; 3]) -> EditionDraft {
    EditionDraft {
        idempotency_key: "contest".into(),
        programme_id: p.id.to_string(),
        term: "2026".into(),
        starts_on: "2026-05-01".into(),
        ends_on: "2026-06-30".into(),
        applications_open_on: "2026-03-01".into(),
        applications_close_on: "2026-03-31".into(),
        capacity: 3,
        languages: vec!["en".into(), "zh".into(), "ja".into()],
        divisions: vec![],
        eligibility: EligibilityDraft {
            organisation_types: vec![OrganisationType::KoreanLocalGovernment],
            nationality: Some(NationalityRule::Korean),
            min_grade: 5,
            max_grade: 9,
            ..EligibilityDraft::default()
        },
        shares: vec![],
        stipends: vec![],
        costs: vec![],
        host_codes: vec![],
        stages: vec![
            StageDraft {
                name: "Preliminaries".into(),
                cut: Some(CutKind::TopN),
                cut_value: 2,
                blind: true,
                reviewers: vec![reviewers[0].into(), reviewers[1].into()],
                ..StageDraft::default()
            },
            StageDraft {
                name: "Finals".into(),
                reviewers: vec![reviewers[2].into()],
                ..StageDraft::default()
            },
        ],
        published: true,
        outside_period: false,
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, TrainingError>) -> ErrorCode {
    r.unwrap_err().code()
}

fn field<T: std::fmt::Debug>(r: Result<T, TrainingError>) -> String {
    let e = r.unwrap_err();
    assert_eq!(e.code(), ErrorCode::BadUserInput, "{e}");
    e.field().unwrap_or_default().to_owned()
}

fn actions(a: &Application) -> Vec<&str> {
    a.history.iter().map(|h| h.action.as_str()).collect()
}

// ---- tests ------------------------------------------------------------------------------

async fn the_public_sees_published_programmes_only(env: Env) {
    let p = env
        .office
        .create_programme_from(
            Some(&staff("staff-1")),
            ProgrammeDraft {
                idempotency_key: "academy".into(),
                kind: Some(ProgrammeKind::Academy),
                title: TextDraft {
                    ko: "국제화 아카데미".into(),
                    ..TextDraft::default()
                },
                description: TextDraft::default(),
                published: false,
                period: None,
            },
        )
        .await
        .unwrap();
    let mut draft = fellowship_draft(&p, 40);
    draft.published = false;
    draft.stipends.clear();
    draft.costs.clear();
    draft.stages = vec![StageDraft {
        name: "Review".into(),
        reviewers: vec!["staff-2".into()],
        ..StageDraft::default()
    }];
    let e = env
        .office
        .create_edition_from(Some(&staff("staff-1")), draft.clone())
        .await
        .unwrap();
    // The same key again is the same edition.
    let again = env
        .office
        .create_edition_from(Some(&staff("staff-1")), draft)
        .await
        .unwrap();
    assert_eq!(again.id, e.id);

    let public = env
        .office
        .list_programmes(None, &[], PageRequest::default())
        .await
        .unwrap();
    assert_eq!(public.total_count, 0);
    assert_eq!(
        code(env.office.get_programme(None, p.id).await),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(env.office.get_edition(None, e.id, false).await),
        ErrorCode::NotFound
    );
    let seoul = official("u1", "11000");
    assert_eq!(
        code(env.office.get_edition(Some(&seoul), e.id, false).await),
        ErrorCode::NotFound
    );
    // Staff see drafts; managers see who reviews.
    let mine = env
        .office
        .get_edition(Some(&staff("staff-1")), e.id, false)
        .await
        .unwrap();
    assert_eq!(mine.stages[0].reviewers, ["staff-2"]);

    assert_eq!(
        code(
            env.office
                .publish_edition(Some(&seoul), e.id, e.version)
                .await
        ),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(
            env.office
                .publish_edition(Some(&staff("staff-2")), e.id, e.version)
                .await
        ),
        ErrorCode::Forbidden,
        "a reviewer of the edition does not manage it"
    );
    let published = env
        .office
        .publish_edition(Some(&admin()), e.id, e.version)
        .await
        .unwrap();
    assert!(published.published);
    assert_eq!(
        code(
            env.office
                .publish_edition(Some(&admin()), e.id, e.version)
                .await
        ),
        ErrorCode::Conflict
    );
    let public = env
        .office
        .list_programmes(None, &[], PageRequest::default())
        .await
        .unwrap();
    assert_eq!(public.total_count, 1);
    let listed = &public.items[0];
    assert_eq!(listed.title.ko, "국제화 아카데미");
    assert_eq!(listed.editions.len(), 1);
    assert!(
        listed.editions[0].stages[0].reviewers.is_empty(),
        "the public does not see reviewers"
    );
    let only_contests = env
        .office
        .list_programmes(
            None,
            &[ProgrammeKind::SpeechContest],
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(only_contests.total_count, 0);

    assert_eq!(
        code(
            env.office
                .create_programme_from(None, academy_draft())
                .await
        ),
        ErrorCode::Unauthenticated
    );
    assert_eq!(
        code(
            env.office
                .create_programme_from(Some(&seoul), academy_draft())
                .await
        ),
        ErrorCode::Forbidden
    );
    assert_eq!(env.count("programme").await, 1);
    assert_eq!(env.count("edition").await, 1);
}

async fn eligibility_failures_name_every_rule(env: Env) {
    let p = env.programme(ProgrammeKind::SpeechContest).await;
    let contest = env.edition(contest_draft(&p, ["r1", "r2", "r3"])).await;
    let seoul = official("kim", "11000");
    let before = env.counts().await;

    // Grade 4, Vietnamese, foreign organisation, Korean only: four rules fail at once.
    let mut p1 = korean("Kim", 4, &["ko"]);
    p1.nationality = "VN".into();
    p1.organisation_type = Some(OrganisationType::ForeignLocalGovernment);
    let err = env
        .apply(&seoul, "k1", &contest, p1.clone())
        .await
        .unwrap_err();
    let TrainingError::Ineligible(failures) = &err else {
        panic!("{err:?}")
    };
    let rules: Vec<EligibilityRule> = failures.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules,
        [
            EligibilityRule::OrganisationType,
            EligibilityRule::Nationality,
            EligibilityRule::Grade,
            EligibilityRule::Language,
        ]
    );
    assert_eq!(err.code(), ErrorCode::BadUserInput);
    assert_eq!(err.field(), Some("profile.organisationType"));
    assert!(err.to_string().contains("grade 4 is outside it"), "{err}");
    assert_eq!(
        env.counts().await,
        before,
        "an ineligible application writes nothing"
    );

    // The same answer before applying.
    let preview = env
        .office
        .check_eligibility_from(Some(&seoul), contest.id, p1)
        .await
        .unwrap();
    assert_eq!(preview.len(), 4);

    // A grade rule needs a grade.
    let err = env
        .apply(&seoul, "k2", &contest, korean("Kim", 0, &["en"]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TrainingError::Ineligible(f) if f[0].rule == EligibilityRule::Grade && f[0].reason.render(glocal_kit::i18n::Lang::En).contains("state your grade"))
    );

    // Eligible: grade 9, Japanese.
    let ok = env
        .apply(&seoul, "k3", &contest, korean("Kim", 9, &["ja"]))
        .await
        .unwrap();
    assert_eq!(ok.state, ApplicationState::Submitted);
    assert_eq!(actions(&ok), ["submit"]);

    // One active application per edition, and the preview says so too.
    let err = env
        .apply(&seoul, "k4", &contest, korean("Kim", 9, &["ja"]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TrainingError::Ineligible(f) if f.len() == 1 && f[0].rule == EligibilityRule::OneActiveApplication)
    );
    let preview = env
        .office
        .check_eligibility_from(Some(&seoul), contest.id, korean("Kim", 9, &["ja"]))
        .await
        .unwrap();
    assert_eq!(preview[0].rule, EligibilityRule::OneActiveApplication);

    // After the window.
    env.set_now(at(2026, 4, 1));
    let err = env
        .apply(
            &official("lee", "26000"),
            "k5",
            &contest,
            korean("Lee", 6, &["en"]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TrainingError::Ineligible(f) if f[0].rule == EligibilityRule::ApplicationWindow && f[0].reason.render(glocal_kit::i18n::Lang::En) == "applications are taken from 2026-03-01 to 2026-03-31")
    );

    // Coaching takes local governments, not officials.
    env.set_now(at(2026, 3, 15));
    let coaching = env.programme(ProgrammeKind::Coaching).await;
    let mut d = fellowship_draft(&coaching, 12);
    d.eligibility = EligibilityDraft {
        applicant_kinds: vec![ApplicantKind::LocalGovernment],
        ..EligibilityDraft::default()
    };
    d.stipends.clear();
    d.costs.clear();
    let coaching = env.edition(d).await;
    let err = env
        .apply(&seoul, "k6", &coaching, korean("Kim", 7, &["ko"]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TrainingError::Ineligible(f) if f[0].rule == EligibilityRule::ApplicantKind && f[0].field == "profile.kind")
    );
    let mut org = korean("Seoul International Relations Division", 0, &["ko"]);
    org.kind = Some(ApplicantKind::LocalGovernment);
    let lg = env
        .apply(&seoul, "k7", &coaching, org.clone())
        .await
        .unwrap();
    // Another official of the same local government sees it, and cannot apply again for it.
    let colleague = official("park", "11000");
    assert_eq!(env.get(&colleague, lg.id).await.unwrap().id, lg.id);
    let err = env
        .apply(&colleague, "k8", &coaching, org)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TrainingError::Ineligible(f) if f[0].rule == EligibilityRule::OneActiveApplication)
    );
}

/// A token without a name reads like any other, but a write that records who acted is
/// refused (the training service has no directory to take a name from) and writes nothing.
async fn a_nameless_caller_reads_but_does_not_write(env: Env) {
    let e = env.fellowship(60).await;
    let before = (env.counts().await, env.count("programme").await);
    let nameless_admin = Caller::new("admin-nameless", "", "GAOK", [Role::BureauAdmin]);
    let nameless_official = Caller::new("lan-nameless", "  ", "VN-DN", [Role::LocalOfficial]);
    let programme = env
        .office
        .create_programme_from(
            Some(&nameless_admin),
            ProgrammeDraft {
                idempotency_key: "p-nameless".into(),
                kind: Some(ProgrammeKind::Academy),
                title: TextDraft {
                    en: "Nameless".into(),
                    ..TextDraft::default()
                },
                description: TextDraft::default(),
                published: true,
                period: None,
            },
        )
        .await;
    let application = env.apply(&nameless_official, "k", &e, foreign("Lan")).await;
    for refused in [programme.map(|_| ()), application.map(|_| ())] {
        let err = refused.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Unauthenticated, "{err}");
        assert_eq!(err.reason(), Some("CALLER_NAME_MISSING"), "{err}");
        assert_eq!(
            err.catalogue_message().map(|m| m.key),
            Some("error-caller-name-missing".to_owned())
        );
    }
    assert_eq!(
        (env.counts().await, env.count("programme").await),
        before,
        "a refused write writes nothing"
    );
    let read = env
        .office
        .get_edition(Some(&nameless_official), e.id, false)
        .await;
    assert_eq!(read.unwrap().id, e.id);
}

async fn bad_input_writes_nothing(env: Env) {
    let e = env.fellowship(60).await;
    let danang = official("lan", "VN-DN");
    let before = env.counts().await;
    let mut bad = foreign("Lan");
    bad.grade = 12;
    assert_eq!(
        field(env.apply(&danang, "k", &e, bad).await),
        "profile.grade"
    );
    let mut bad = foreign("Lan");
    bad.languages = vec!["english".into()];
    assert_eq!(
        field(env.apply(&danang, "k", &e, bad).await),
        "profile.languages[0]"
    );
    assert_eq!(
        field(env.apply(&danang, " ", &e, foreign("Lan")).await),
        "idempotencyKey"
    );
    let mut d = application("k", &e, foreign("Lan"));
    d.edition_id = "nope".into();
    assert_eq!(
        field(env.office.submit_application_from(Some(&danang), d).await),
        "editionId"
    );
    let mut d = application("k", &e, foreign("Lan"));
    d.answers[0].question = String::new();
    assert_eq!(
        field(env.office.submit_application_from(Some(&danang), d).await),
        "answers[0].question"
    );
    let mut d = fellowship_draft(&env.programme(ProgrammeKind::Academy).await, 0);
    assert_eq!(
        field(
            env.office
                .create_edition_from(Some(&admin()), d.clone())
                .await
        ),
        "capacity"
    );
    d.capacity = 5;
    d.ends_on = "2026-03-01".into();
    assert_eq!(
        field(env.office.create_edition_from(Some(&admin()), d).await),
        "endsOn"
    );
    let bad_cursor = env
        .office
        .list_applications(
            Some(&admin()),
            ApplicationFilter::default(),
            PageRequest {
                first: 5,
                after: Some("garbage".into()),
            },
        )
        .await;
    assert_eq!(field(bad_cursor), "after");
    let after = env.counts().await;
    assert_eq!(
        (after.0, after.2),
        (before.0, before.2 + 1),
        "only the academy programme was written"
    );
}

async fn submit_is_idempotent_also_under_concurrent_retries(env: Env) {
    let e = env.fellowship(60).await;
    let lan = official("lan", "VN-DN");
    let first = env.apply(&lan, "same", &e, foreign("Lan")).await.unwrap();
    let again = env.apply(&lan, "same", &e, foreign("Lan")).await.unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(
        code(env.apply(&lan, "same", &e, foreign("Somebody else")).await),
        ErrorCode::Conflict
    );
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let office = env.office.clone();
        let minh = official("minh", "VN-HUE");
        let draft = application("race", &e, foreign("Minh")).parse().unwrap();
        tasks.push(tokio::spawn(async move {
            office.submit_application(Some(&minh), draft).await
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().unwrap().id);
    }
    assert!(ids.iter().all(|id| *id == ids[0]));
    assert_eq!(env.count("application").await, 2);
    assert_eq!(
        env.count("outbox").await,
        2 + 2,
        "programme, edition and two submissions"
    );
}

async fn capacity_holds_under_concurrent_accepts(env: Env) {
    let e = env.fellowship(3).await;
    let mut ready = Vec::new();
    for i in 0..8 {
        let who = official(&format!("fellow-{i}"), "VN-DN");
        let a = env
            .apply(&who, "k", &e, foreign(&format!("Fellow {i}")))
            .await
            .unwrap();
        ready.push(env.to_review(&a).await);
    }
    let mut tasks = Vec::new();
    for a in ready.clone() {
        let office = env.office.clone();
        tasks.push(tokio::spawn(async move {
            office
                .decide(
                    Some(&admin()),
                    a.id,
                    a.version,
                    Decision::Accept,
                    Note::parse("").unwrap(),
                )
                .await
        }));
    }
    let mut accepted = 0;
    let mut full = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(a) => {
                assert_eq!(a.state, ApplicationState::Accepted);
                accepted += 1;
            }
            Err(e) => {
                assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
                assert!(e.to_string().contains("full"), "{e}");
                full += 1;
            }
        }
    }
    assert_eq!((accepted, full), (3, 5));
    let edition = env
        .office
        .get_edition(Some(&admin()), e.id, false)
        .await
        .unwrap();
    assert_eq!(edition.accepted_count, 3);
    let page = env
        .office
        .list_applications(
            Some(&admin()),
            ApplicationFilter {
                edition_id: Some(e.id),
                states: vec![ApplicationState::Accepted],
                stage: None,
                mine: false,
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(page.total_count, 3);
}

async fn the_first_waitlisted_is_promoted_when_a_participant_withdraws(env: Env) {
    let e = env.fellowship(1).await;
    let mut apps = Vec::new();
    let mut callers = Vec::new();
    for name in ["a", "b", "c"] {
        let who = official(name, "VN-DN");
        let a = env.apply(&who, "k", &e, foreign(name)).await.unwrap();
        apps.push(env.to_review(&a).await);
        callers.push(who);
    }
    let a = env.decide(&apps[0], Decision::Accept).await.unwrap();
    // Full: B cannot be accepted, so B and then C are waitlisted.
    assert_eq!(
        code(env.decide(&apps[1], Decision::Accept).await),
        ErrorCode::Conflict
    );
    let b = env.decide(&apps[1], Decision::Waitlist).await.unwrap();
    env.set_now(at(2026, 3, 16));
    let c = env.decide(&apps[2], Decision::Waitlist).await.unwrap();
    assert_eq!(
        (b.waitlist_position, c.waitlist_position),
        (Some(1), Some(2))
    );

    let withdrawn = env
        .office
        .withdraw(Some(&callers[0]), a.id, a.version, note("family reasons"))
        .await
        .unwrap();
    assert_eq!(withdrawn.state, ApplicationState::Withdrawn);
    let b = env.get(&admin(), b.id).await.unwrap();
    assert_eq!(b.state, ApplicationState::Accepted);
    let promote = b.history.last().unwrap();
    assert_eq!(promote.action, "promote");
    assert_eq!(promote.actor_subject, "system");
    assert!(promote.note.contains(&a.id.to_string()), "{}", promote.note);
    let c = env.get(&admin(), c.id).await.unwrap();
    assert_eq!(
        (c.state, c.waitlist_position),
        (ApplicationState::Waitlisted, Some(1))
    );
    let edition = env
        .office
        .get_edition(Some(&admin()), e.id, false)
        .await
        .unwrap();
    assert_eq!((edition.accepted_count, edition.waitlisted_count), (1, 1));

    // A waitlisted applicant withdrawing frees no place: nobody is promoted.
    let c = env
        .office
        .withdraw(Some(&callers[2]), c.id, c.version, note(""))
        .await
        .unwrap();
    assert_eq!(c.state, ApplicationState::Withdrawn);
    assert_eq!(
        env.office
            .get_edition(Some(&admin()), e.id, false)
            .await
            .unwrap()
            .accepted_count,
        1
    );
    // The withdrawn applicant may apply again (one *active* application per edition).
    let again = env
        .apply(&callers[0], "k2", &e, foreign("a"))
        .await
        .unwrap();
    assert_eq!(again.state, ApplicationState::Submitted);
}

async fn the_speech_contest_cut_advances_the_top_n_and_ties(env: Env) {
    let p = env.programme(ProgrammeKind::SpeechContest).await;
    let contest = env.edition(contest_draft(&p, ["r1", "r2", "r3"])).await;
    let mut apps = Vec::new();
    for (i, name) in ["Kim", "Lee", "Park", "Choi"].iter().enumerate() {
        let who = official(&format!("o{i}"), "11000");
        let a = env
            .apply(&who, "k", &contest, korean(name, 6, &["en"]))
            .await
            .unwrap();
        apps.push(env.to_review(&a).await);
    }
    assert_eq!(apps[0].current_stage, 1);
    let (r1, r2, r3) = (staff("r1"), staff("r2"), staff("r3"));
    let score = |s: u32| Score::parse(s).unwrap();
    let comment = || glocal_training::domain::Comment::parse("").unwrap();

    // Blind: the reviewer sees the speech, not who gave it.
    let seen = env.get(&r1, apps[0].id).await.unwrap();
    assert!(seen.blind);
    assert_eq!(seen.profile.full_name, "");
    assert_eq!(seen.applicant_subject, "");
    assert_eq!(seen.answers[0].answer, "To learn.");
    assert!(seen.history.is_empty());
    // Reviewers score their stage only, and do not decide.
    assert_eq!(
        code(
            env.office
                .review(Some(&r3), apps[0].id, 1, score(90), comment())
                .await
        ),
        ErrorCode::NotFound,
        "a finals reviewer does not see preliminaries"
    );
    assert_eq!(
        code(
            env.office
                .review(Some(&r1), apps[0].id, 2, score(90), comment())
                .await
        ),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(
            env.office
                .decide(
                    Some(&r1),
                    apps[0].id,
                    apps[0].version,
                    Decision::Accept,
                    note("")
                )
                .await
        ),
        ErrorCode::Forbidden
    );

    // Means: Kim 90, Lee 80, Park (70+90)/2 = 80, Choi 60 → top 2 with ties: Kim, Lee, Park.
    for (a, s1, s2) in [(&apps[0], 90, 90), (&apps[1], 80, 80), (&apps[2], 70, 90)] {
        env.office
            .review(Some(&r1), a.id, 1, score(s1), comment())
            .await
            .unwrap();
        env.office
            .review(Some(&r2), a.id, 1, score(s2), comment())
            .await
            .unwrap();
    }
    // Choi has no score yet: no cut.
    let err = env
        .office
        .apply_cut(Some(&admin()), contest.id, 1)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains(&apps[3].id.to_string()), "{err}");
    assert_eq!(err.reason(), Some("CUT_UNSCORED"));
    assert_eq!(
        err.catalogue_message().map(|m| m.key),
        Some("training-cut-unscored".to_owned())
    );
    // Scoring again replaces the reviewer's score.
    env.office
        .review(Some(&r1), apps[3].id, 1, score(10), comment())
        .await
        .unwrap();
    let rescored = env
        .office
        .review(Some(&r1), apps[3].id, 1, score(60), comment())
        .await
        .unwrap();
    assert_eq!(rescored.reviews.len(), 1);
    assert_eq!(rescored.reviews[0].score, 60);
    // Accepting before the cut is refused; the last stage has no cut.
    assert_eq!(
        code(env.decide(&apps[0], Decision::Accept).await),
        ErrorCode::Conflict
    );
    assert_eq!(
        code(env.office.apply_cut(Some(&admin()), contest.id, 2).await),
        ErrorCode::Conflict
    );
    assert_eq!(
        code(env.office.apply_cut(Some(&r1), contest.id, 1).await),
        ErrorCode::Forbidden
    );

    let cut = env
        .office
        .apply_cut(Some(&admin()), contest.id, 1)
        .await
        .unwrap();
    let ranks: Vec<(ApplicationId, u32, bool)> = cut
        .outcomes
        .iter()
        .map(|o| (o.id, o.rank, o.advanced))
        .collect();
    assert_eq!(
        ranks,
        [
            (apps[0].id, 1, true),
            (apps[1].id, 2, true),
            (apps[2].id, 2, true),
            (apps[3].id, 4, false),
        ]
    );
    let choi = env.get(&admin(), apps[3].id).await.unwrap();
    assert_eq!(choi.state, ApplicationState::Rejected);
    let said = glocal_kit::i18n::Stored::parse(&choi.decision_note);
    let english = said.render(glocal_kit::i18n::Lang::En);
    assert!(
        english.contains("not advanced at Preliminaries: rank 4"),
        "{english}"
    );
    let korean = said.render(glocal_kit::i18n::Lang::Ko);
    assert!(korean.contains("Preliminaries에서 탈락: 4위"), "{korean}");
    let kim = env.get(&admin(), apps[0].id).await.unwrap();
    assert_eq!(
        (kim.state, kim.current_stage),
        (ApplicationState::UnderReview, 2)
    );
    assert_eq!(kim.scores[0].mean_centi, 9000);
    assert_eq!(actions(&kim).last(), Some(&"advance"));

    // The preliminary reviewer still sees what they scored; the finals reviewer sees the finalists.
    let r1_sees = env
        .office
        .list_applications(
            Some(&r1),
            ApplicationFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(r1_sees.total_count, 4);
    let r3_sees = env
        .office
        .list_applications(
            Some(&r3),
            ApplicationFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(r3_sees.total_count, 3);
    assert!(!r3_sees.items[0].blind, "the finals are not blind");
    assert!(
        r3_sees.items[0].reviews.is_empty(),
        "reviewers see only their own scores"
    );

    env.office
        .review(Some(&r3), apps[2].id, 2, score(95), comment())
        .await
        .unwrap();
    let park = env.get(&admin(), apps[2].id).await.unwrap();
    let park = env.decide(&park, Decision::Accept).await.unwrap();
    assert_eq!(park.state, ApplicationState::Accepted);
}

async fn each_division_has_its_own_review_cut_and_ranking(env: Env) {
    let p = env.programme(ProgrammeKind::SpeechContest).await;
    let mut draft = contest_draft(&p, ["chair", "unused", "r3"]);
    draft.divisions = vec!["en".into(), "zh".into()];
    draft.stages[0].cut_value = 1;
    draft.stages[0].reviewers = vec!["chair".into()];
    draft.stages[0].division_reviewers = vec![
        DivisionReviewerDraft {
            subject: "r-en".into(),
            division: "en".into(),
        },
        DivisionReviewerDraft {
            subject: "r-zh".into(),
            division: "zh".into(),
        },
    ];
    let contest = env.edition(draft).await;
    assert_eq!(contest.divisions, ["en", "zh"]);
    assert_eq!(contest.stages[0].division_reviewers.len(), 2);
    assert_eq!(
        contest.stages[0].division_reviewers[1].division.as_str(),
        "zh"
    );

    // An application names one of the edition's divisions; nothing is written otherwise.
    let fellowship = env.fellowship(5).await;
    let who = official("o-none", "11000");
    let before = env.counts().await;
    assert_eq!(
        field(
            env.apply(&who, "none", &contest, korean("Nobody", 6, &["en"]))
                .await
        ),
        "division"
    );
    let mut ja = application("ja", &contest, korean("Nobody", 6, &["ja"]));
    ja.division = "ja".into();
    assert_eq!(
        field(env.office.submit_application_from(Some(&who), ja).await),
        "division"
    );
    // An edition without divisions refuses one.
    let mut divided = application("f", &fellowship, foreign("Lan"));
    divided.division = "en".into();
    assert_eq!(
        field(
            env.office
                .submit_application_from(Some(&official("o-f", "VN-DN")), divided)
                .await
        ),
        "division"
    );
    assert_eq!(env.counts().await, before);

    // en: Kim 90, Lee 80; zh: Park 70, Choi 60. One ranking across languages would pass
    // no zh speaker with TOP_N 1; per division, Kim and Park pass.
    let mut apps = Vec::new();
    for (i, (name, division)) in [("Kim", "en"), ("Park", "zh"), ("Lee", "en"), ("Choi", "zh")]
        .iter()
        .enumerate()
    {
        let who = official(&format!("o{i}"), "11000");
        let mut d = application("k", &contest, korean(name, 6, &[division]));
        d.division = (*division).into();
        let a = env
            .office
            .submit_application_from(Some(&who), d)
            .await
            .unwrap();
        assert_eq!(a.division.as_deref(), Some(*division));
        apps.push(env.to_review(&a).await);
    }
    let (kim, park, lee, choi) = (&apps[0], &apps[1], &apps[2], &apps[3]);
    let (chair, r_en, r_zh) = (staff("chair"), staff("r-en"), staff("r-zh"));
    let score = |s: u32| Score::parse(s).unwrap();
    let comment = || glocal_training::domain::Comment::parse("").unwrap();

    // A division's reviewer sees and scores that division only; the chair sees all.
    let listed = |who: Caller| {
        let office = env.office.clone();
        async move {
            office
                .list_applications(
                    Some(&who),
                    ApplicationFilter::default(),
                    PageRequest::default(),
                )
                .await
                .unwrap()
                .total_count
        }
    };
    assert_eq!(listed(r_en.clone()).await, 2);
    assert_eq!(listed(r_zh.clone()).await, 2);
    assert_eq!(listed(chair.clone()).await, 4);
    assert!(env.get(&r_en, kim.id).await.unwrap().blind);
    assert_eq!(code(env.get(&r_en, park.id).await), ErrorCode::NotFound);
    assert_eq!(
        code(
            env.office
                .review(Some(&r_en), park.id, 1, score(100), comment())
                .await
        ),
        ErrorCode::NotFound
    );
    for (who, a, s) in [
        (&r_en, kim, 90),
        (&r_en, lee, 80),
        (&r_zh, park, 70),
        (&chair, park, 70),
    ] {
        env.office
            .review(Some(who), a.id, 1, score(s), comment())
            .await
            .unwrap();
    }
    // Choi (zh) has no score: the cut waits for every division.
    let err = env
        .office
        .apply_cut(Some(&admin()), contest.id, 1)
        .await
        .unwrap_err();
    assert_eq!(err.reason(), Some("CUT_UNSCORED"));
    assert!(err.to_string().contains(&choi.id.to_string()), "{err}");
    env.office
        .review(Some(&r_zh), choi.id, 1, score(60), comment())
        .await
        .unwrap();

    let cut = env
        .office
        .apply_cut(Some(&admin()), contest.id, 1)
        .await
        .unwrap();
    let ranks: Vec<(ApplicationId, &str, u32, bool)> = cut
        .outcomes
        .iter()
        .map(|o| {
            (
                o.id,
                o.division.as_ref().map_or("", |d| d.as_str()),
                o.rank,
                o.advanced,
            )
        })
        .collect();
    assert_eq!(
        ranks,
        [
            (kim.id, "en", 1, true),
            (lee.id, "en", 2, false),
            (park.id, "zh", 1, true),
            (choi.id, "zh", 2, false),
        ]
    );
    let choi = env.get(&admin(), choi.id).await.unwrap();
    assert_eq!(choi.state, ApplicationState::Rejected);
    let english =
        glocal_kit::i18n::Stored::parse(&choi.decision_note).render(glocal_kit::i18n::Lang::En);
    assert!(english.contains("rank 2"), "{english}");
    let park = env.get(&admin(), park.id).await.unwrap();
    assert_eq!(
        (park.state, park.current_stage),
        (ApplicationState::UnderReview, 2)
    );
}

async fn stipends_follow_the_policy_with_pro_rating(env: Env) {
    let e = env.fellowship(10).await;
    let lan = official("lan", "VN-DN");
    let a = env.apply(&lan, "k", &e, foreign("Lan")).await.unwrap();
    let a = env.to_review(&a).await;
    // Only participants have stipends.
    assert_eq!(
        code(
            env.office
                .generate_stipend_schedule(Some(&admin()), a.id)
                .await
        ),
        ErrorCode::Conflict
    );
    let a = env.decide(&a, Decision::Accept).await.unwrap();
    // The host pays half: the placement comes first.
    assert_eq!(
        code(
            env.office
                .generate_stipend_schedule(Some(&admin()), a.id)
                .await
        ),
        ErrorCode::Conflict
    );
    let bad = ParticipantDraft {
        host_code: "27000".into(),
        ..ParticipantDraft::default()
    };
    assert_eq!(
        field(
            env.office
                .update_participant_from(Some(&admin()), a.id, a.version, bad)
                .await
        ),
        "hostCode"
    );
    let bad = ParticipantDraft {
        left_on: "2026-10-15".into(),
        ..ParticipantDraft::default()
    };
    assert_eq!(
        field(
            env.office
                .update_participant_from(Some(&admin()), a.id, a.version, bad)
                .await
        ),
        "leftOn"
    );
    let a = env
        .office
        .update_participant_from(
            Some(&admin()),
            a.id,
            a.version,
            ParticipantDraft {
                host_code: "26000".into(),
                mentor: "Jung Ha-neul".into(),
                joined_on: "2026-04-16".into(),
                left_on: "2026-09-10".into(),
            },
        )
        .await
        .unwrap();
    let p = a.participation.clone().unwrap();
    assert_eq!(
        (p.host_code.as_deref(), p.joined_on),
        (Some("26000"), day("2026-04-16"))
    );

    let s = env
        .office
        .generate_stipend_schedule(Some(&admin()), a.id)
        .await
        .unwrap();
    assert_eq!(s.payments.len(), 12);
    let association: Vec<i64> = s
        .payments
        .iter()
        .filter(|p| p.payer == Payer::Association)
        .map(|p| p.amount.amount_minor())
        .collect();
    // April: 15 of 30 days; September: 10 of 30 days, rounded down.
    assert_eq!(
        association,
        [200_000, 400_000, 400_000, 400_000, 400_000, 133_333]
    );
    assert_eq!(s.totals.len(), 1);
    assert_eq!(s.totals[0].amount_minor(), 2 * 1_933_333);
    assert_eq!(s.totals[0].currency(), "KRW");
    assert!(
        s.payments
            .iter()
            .all(|p| p.state == PaymentState::Scheduled)
    );

    // SCHEDULED → APPROVED → PAID; APPROVED → FAILED → APPROVED.
    let first = &s.payments[0];
    assert_eq!(
        code(
            env.office
                .update_payment(
                    Some(&admin()),
                    first.id,
                    first.version,
                    PaymentAction::Pay,
                    note("")
                )
                .await
        ),
        ErrorCode::Conflict
    );
    let approved = env
        .office
        .update_payment(
            Some(&admin()),
            first.id,
            first.version,
            PaymentAction::Approve,
            note(""),
        )
        .await
        .unwrap();
    assert_eq!(
        code(
            env.office
                .update_payment(
                    Some(&admin()),
                    first.id,
                    first.version,
                    PaymentAction::Pay,
                    note("")
                )
                .await
        ),
        ErrorCode::Conflict,
        "stale version"
    );
    let paid = env
        .office
        .update_payment(
            Some(&admin()),
            first.id,
            approved.version,
            PaymentAction::Pay,
            note("transfer 123"),
        )
        .await
        .unwrap();
    assert_eq!(paid.state, PaymentState::Paid);
    // The answer is what was written: the same as a read afterwards.
    let stored = env
        .office
        .stipend_schedule(Some(&admin()), a.id)
        .await
        .unwrap();
    assert_eq!(
        stored.payments.iter().find(|p| p.id == paid.id),
        Some(&paid)
    );
    let second = &s.payments[1];
    let approved = env
        .office
        .update_payment(
            Some(&admin()),
            second.id,
            second.version,
            PaymentAction::Approve,
            note(""),
        )
        .await
        .unwrap();
    let failed = env
        .office
        .update_payment(
            Some(&admin()),
            second.id,
            approved.version,
            PaymentAction::Fail,
            note("bank refused"),
        )
        .await
        .unwrap();
    let retried = env
        .office
        .update_payment(
            Some(&admin()),
            second.id,
            failed.version,
            PaymentAction::Retry,
            note(""),
        )
        .await
        .unwrap();
    assert_eq!(retried.state, PaymentState::Approved);

    // Staying to the end: regenerating keeps what was paid or approved.
    let a = env.get(&admin(), a.id).await.unwrap();
    env.office
        .update_participant_from(
            Some(&admin()),
            a.id,
            a.version,
            ParticipantDraft {
                left_on: "2026-09-30".into(),
                ..ParticipantDraft::default()
            },
        )
        .await
        .unwrap();
    let s = env
        .office
        .generate_stipend_schedule(Some(&admin()), a.id)
        .await
        .unwrap();
    assert_eq!(s.payments.len(), 12);
    assert_eq!(s.payments[0].state, PaymentState::Paid);
    assert_eq!(s.payments[0].amount.amount_minor(), 200_000);
    assert_eq!(s.payments[5].amount.amount_minor(), 400_000);

    // The participant sees their own schedule; another official does not.
    assert_eq!(
        env.office
            .stipend_schedule(Some(&lan), a.id)
            .await
            .unwrap()
            .payments
            .len(),
        12
    );
    assert_eq!(
        code(
            env.office
                .stipend_schedule(Some(&official("x", "VN-HUE")), a.id)
                .await
        ),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(env.office.stipend_schedule(None, a.id).await),
        ErrorCode::Unauthenticated
    );
}

async fn attendance_completion_and_verified_certificates(env: Env) {
    let e = env.fellowship(10).await;
    let (lan, minh, hoa) = (
        official("lan", "VN-DN"),
        official("minh", "VN-HUE"),
        official("hoa", "VN-HN"),
    );
    let mut participants = Vec::new();
    for (who, name) in [(&lan, "Nguyen Thi Lan"), (&minh, "Tran Van Minh")] {
        let a = env.apply(who, "k", &e, foreign(name)).await.unwrap();
        let a = env.to_review(&a).await;
        participants.push(env.decide(&a, Decision::Accept).await.unwrap());
    }
    let not_accepted = env.apply(&hoa, "k", &e, foreign("Hoa")).await.unwrap();
    let mut sessions = Vec::new();
    for (i, kind) in [
        SessionKind::PreTraining,
        SessionKind::Lecture,
        SessionKind::Placement,
        SessionKind::Lecture,
        SessionKind::Ceremony,
    ]
    .into_iter()
    .enumerate()
    {
        let start = at(2026, 4, 1) + Duration::days(30 * i as i64);
        sessions.push(
            env.office
                .schedule_session_from(
                    Some(&admin()),
                    SessionDraft {
                        edition_id: e.id.to_string(),
                        kind: Some(kind),
                        title: format!("Session {i}"),
                        starts_at: Some(start),
                        ends_at: Some(start + Duration::hours(3)),
                        location: "Seoul".into(),
                    },
                )
                .await
                .unwrap(),
        );
    }
    // A non-participant in the list: nothing is written.
    let before = env.count("attendance").await;
    let err = env
        .office
        .record_attendance_from(
            Some(&admin()),
            sessions[0].id,
            vec![
                AttendanceDraft {
                    application_id: participants[0].id.to_string(),
                    status: Some(AttendanceStatus::Present),
                    note: String::new(),
                },
                AttendanceDraft {
                    application_id: not_accepted.id.to_string(),
                    status: Some(AttendanceStatus::Present),
                    note: String::new(),
                },
            ],
        )
        .await;
    assert_eq!(field(err), "entries[1].applicationId");
    assert_eq!(env.count("attendance").await, before);

    // Lan: present, late, present, excused, present → 4 of 4 counted. Minh: 3 of 5.
    let lan_marks = [
        AttendanceStatus::Present,
        AttendanceStatus::Late,
        AttendanceStatus::Present,
        AttendanceStatus::Excused,
        AttendanceStatus::Present,
    ];
    let minh_marks = [
        AttendanceStatus::Present,
        AttendanceStatus::Absent,
        AttendanceStatus::Present,
        AttendanceStatus::Absent,
        AttendanceStatus::Present,
    ];
    for (i, s) in sessions.iter().enumerate() {
        let recorded = env
            .office
            .record_attendance_from(
                Some(&admin()),
                s.id,
                vec![
                    AttendanceDraft {
                        application_id: participants[0].id.to_string(),
                        status: Some(lan_marks[i]),
                        note: String::new(),
                    },
                    AttendanceDraft {
                        application_id: participants[1].id.to_string(),
                        status: Some(minh_marks[i]),
                        note: String::new(),
                    },
                ],
            )
            .await
            .unwrap();
        assert_eq!(recorded.attendance.len(), 2);
    }
    // The participant sees their own attendance only.
    let seen = env
        .office
        .get_edition(Some(&lan), e.id, true)
        .await
        .unwrap();
    assert_eq!(seen.sessions.len(), 5);
    assert!(
        seen.sessions.iter().all(
            |s| s.attendance.len() == 1 && s.attendance[0].application_id == participants[0].id
        )
    );
    let public = env.office.get_edition(None, e.id, true).await.unwrap();
    assert!(public.sessions.iter().all(|s| s.attendance.is_empty()));

    env.set_now(at(2026, 10, 1));
    let issued = env
        .office
        .issue_certificates(Some(&admin()), e.id)
        .await
        .unwrap();
    assert_eq!(issued.issued.len(), 1);
    assert_eq!(issued.issued[0].application_id, participants[0].id);
    assert_eq!(issued.skipped.len(), 1);
    assert_eq!(issued.skipped[0].application_id, participants[1].id);
    assert_eq!(
        issued.skipped[0].reason.render(glocal_kit::i18n::Lang::En),
        "attended 3 of 5 sessions (at least 80% needed)"
    );
    let again = env
        .office
        .issue_certificates(Some(&admin()), e.id)
        .await
        .unwrap();
    assert_eq!((again.issued.len(), again.already_issued), (0, 1));

    let certificate = &issued.issued[0];
    let verified = env
        .office
        .verify_certificate_from(certificate.code.as_str())
        .await
        .unwrap();
    assert_eq!(verified.holder_name, "Nguyen Thi Lan");
    assert_eq!(verified.programme_kind, ProgrammeKind::InvitationFellowship);
    assert_eq!(
        verified.programme_title.en,
        "INVITATION_FELLOWSHIP programme"
    );
    assert_eq!(verified.edition_term, "2026");
    assert_eq!(verified.issued_on, day("2026-10-01"));
    // Typed sloppily, it still verifies.
    let sloppy = certificate
        .code
        .as_str()
        .to_ascii_lowercase()
        .replace('-', " ");
    assert_eq!(
        env.office
            .verify_certificate_from(&sloppy)
            .await
            .unwrap()
            .code,
        certificate.code.as_str()
    );
    assert_eq!(
        code(
            env.office
                .verify_certificate_from("GLC-0000-0000-0000-0000-0000")
                .await
        ),
        ErrorCode::NotFound
    );
    assert_eq!(
        field(env.office.verify_certificate_from("hello").await),
        "code"
    );
    // The participant sees their code on the application.
    let mine = env.get(&lan, participants[0].id).await.unwrap();
    assert_eq!(
        mine.certificate_code.as_deref(),
        Some(certificate.code.as_str())
    );
    assert!(actions(&mine).contains(&"certify"));
}

async fn illegal_transitions_and_stale_versions_change_nothing(env: Env) {
    let e = env.fellowship(5).await;
    let lan = official("lan", "VN-DN");
    let a = env.apply(&lan, "k", &e, foreign("Lan")).await.unwrap();
    let before = env.counts().await;
    assert_eq!(
        code(env.decide(&a, Decision::Accept).await),
        ErrorCode::Conflict
    );
    assert_eq!(
        code(
            env.office
                .screen(
                    Some(&admin()),
                    a.id,
                    a.version,
                    ScreeningOutcome::Pass,
                    note("")
                )
                .await
        ),
        ErrorCode::Conflict
    );
    let started = env
        .office
        .screen(
            Some(&admin()),
            a.id,
            a.version,
            ScreeningOutcome::Start,
            note(""),
        )
        .await
        .unwrap();
    assert_eq!(started.state, ApplicationState::Screening);
    // A stale version, and a failed screening without a reason.
    assert_eq!(
        code(
            env.office
                .screen(
                    Some(&admin()),
                    a.id,
                    a.version,
                    ScreeningOutcome::Pass,
                    note("")
                )
                .await
        ),
        ErrorCode::Conflict
    );
    assert_eq!(
        field(
            env.office
                .screen(
                    Some(&admin()),
                    a.id,
                    started.version,
                    ScreeningOutcome::Fail,
                    note("")
                )
                .await
        ),
        "note"
    );
    let after = env.counts().await;
    assert_eq!(
        after,
        (before.0, before.1 + 1, before.2 + 1),
        "only the screening start was written"
    );
    let rejected = env
        .office
        .screen(
            Some(&admin()),
            a.id,
            started.version,
            ScreeningOutcome::Fail,
            note("incomplete documents"),
        )
        .await
        .unwrap();
    assert_eq!(rejected.state, ApplicationState::Rejected);
    assert_eq!(rejected.decision_note, "incomplete documents");
    assert_eq!(
        code(
            env.office
                .withdraw(Some(&lan), a.id, rejected.version, note(""))
                .await
        ),
        ErrorCode::Conflict
    );
    // Staff do not withdraw for the applicant; versions must be at least 1.
    let b = env
        .apply(&official("minh", "VN-HUE"), "k", &e, foreign("Minh"))
        .await
        .unwrap();
    assert_eq!(
        code(
            env.office
                .withdraw(Some(&admin()), b.id, b.version, note(""))
                .await
        ),
        ErrorCode::Forbidden
    );
    assert!(Version::parse(0).is_err());
}

async fn applicants_see_their_own_applications_only(env: Env) {
    let e = env.fellowship(5).await;
    let (lan, minh) = (official("lan", "VN-DN"), official("minh", "VN-HUE"));
    let a = env.apply(&lan, "k", &e, foreign("Lan")).await.unwrap();
    env.apply(&minh, "k", &e, foreign("Minh")).await.unwrap();
    assert_eq!(code(env.get(&minh, a.id).await), ErrorCode::NotFound);
    assert_eq!(code(env.get(&partner(), a.id).await), ErrorCode::Forbidden);
    assert_eq!(
        code(env.office.get_application(None, a.id).await),
        ErrorCode::Unauthenticated
    );
    let mine = env
        .office
        .list_applications(
            Some(&lan),
            ApplicationFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(mine.total_count, 1);
    assert_eq!(mine.items[0].id, a.id);
    assert_eq!(mine.items[0].profile.full_name, "Lan");
    assert!(mine.items[0].scores.is_empty());
    assert_eq!(
        code(
            env.office
                .withdraw(Some(&minh), a.id, a.version, note(""))
                .await
        ),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(
            env.office
                .list_applications(
                    Some(&partner()),
                    ApplicationFilter::default(),
                    PageRequest::default()
                )
                .await
        ),
        ErrorCode::Forbidden
    );
    // Paging: newest first, stable cursors.
    for i in 0..3 {
        env.apply(&official(&format!("p{i}"), "VN-DN"), "k", &e, foreign("P"))
            .await
            .unwrap();
    }
    let first = env
        .office
        .list_applications(
            Some(&admin()),
            ApplicationFilter::default(),
            PageRequest {
                first: 2,
                after: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (first.items.len(), first.total_count, first.has_next_page),
        (2, 5, true)
    );
    let rest = env
        .office
        .list_applications(
            Some(&admin()),
            ApplicationFilter::default(),
            PageRequest {
                first: 10,
                after: first.end_cursor().map(str::to_owned),
            },
        )
        .await
        .unwrap();
    assert_eq!((rest.items.len(), rest.has_next_page), (3, false));
    assert_eq!(rest.items.last().unwrap().id, a.id);
    assert!(first.items[0].created_at >= rest.items[0].created_at);
    let _ = EditionId::new();
}

async fn drafts_are_checked_when_submitted(env: Env) {
    let e = env.fellowship(5).await;
    let lan = official("lan", "VN-DN");
    let mut d = application("draft", &e, foreign("Lan"));
    d.as_draft = true;
    let draft = env
        .office
        .submit_application_from(Some(&lan), d)
        .await
        .unwrap();
    assert_eq!(draft.state, ApplicationState::Draft);
    assert_eq!(actions(&draft), ["save_draft"]);
    // A draft holds the edition: no second application.
    let err = env
        .apply(&lan, "other", &e, foreign("Lan"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TrainingError::Ineligible(f) if f[0].rule == EligibilityRule::OneActiveApplication)
    );
    // Submitted after the window: refused with the reason, nothing changed.
    env.set_now(at(2026, 4, 2));
    let err = env
        .office
        .submit_draft(Some(&lan), draft.id, draft.version, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TrainingError::Ineligible(f) if f[0].rule == EligibilityRule::ApplicationWindow)
    );
    env.set_now(at(2026, 3, 20));
    let submitted = env
        .office
        .submit_draft(Some(&lan), draft.id, draft.version, None)
        .await
        .unwrap();
    assert_eq!(submitted.state, ApplicationState::Submitted);
    assert!(submitted.submitted_at.is_some());
}

async fn demo_seeds_an_empty_database(db: DatabaseConnection) {
    glocal_training::migrate(&db).await.unwrap();
    glocal_training::migrate(&db).await.unwrap();
    assert!(glocal_training::demo::seed_demo(&db).await.unwrap());
    assert!(!glocal_training::demo::seed_demo(&db).await.unwrap());
    let office = TrainingOffice::new(db.clone(), Config::default());
    let public = office
        .list_programmes(None, &[], PageRequest::default())
        .await
        .unwrap();
    let mut kinds: Vec<ProgrammeKind> = public.items.iter().map(|p| p.kind).collect();
    kinds.sort();
    assert_eq!(kinds, ProgrammeKind::ALL);
    let today = Utc::now().date_naive();
    for p in &public.items {
        assert!(
            p.editions
                .iter()
                .any(|e| e.applications_open_on <= today && today <= e.applications_close_on),
            "{} has no edition open for applications",
            p.kind
        );
    }
    let admin = admin();
    let all = office
        .list_applications(
            Some(&admin),
            ApplicationFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    let code = all
        .items
        .iter()
        .find_map(|a| a.certificate_code.clone())
        .expect("a certified alumnus");
    assert_eq!(
        office
            .verify_certificate_from(&code)
            .await
            .unwrap()
            .holder_name,
        "Tran Van Minh"
    );
}

async fn batched_lookups_answer_what_single_lookups_answer(env: Env) {
    let published = env.fellowship(10).await;
    let p = env
        .office
        .create_programme_from(
            Some(&admin()),
            ProgrammeDraft {
                idempotency_key: "hidden".into(),
                kind: Some(ProgrammeKind::Academy),
                title: TextDraft {
                    en: "Hidden".into(),
                    ..TextDraft::default()
                },
                description: TextDraft::default(),
                published: false,
                period: None,
            },
        )
        .await
        .unwrap();
    let mut draft = fellowship_draft(&p, 5);
    draft.idempotency_key = "hidden-edition".into();
    draft.published = false;
    let hidden = env.edition(draft).await;

    let programme_ids = [
        hidden.programme.id.to_string(),
        "not-an-id".to_owned(),
        published.programme.id.to_string(),
        published.programme.id.to_string(),
        EditionId::new().to_string(),
    ];
    // The public: only the published programme, once, with its editions as GetProgramme has them.
    let found = env
        .office
        .batch_get_programmes(None, &programme_ids)
        .await
        .unwrap();
    let single = env
        .office
        .get_programme(None, published.programme.id)
        .await
        .unwrap();
    assert_eq!(found, vec![single]);
    // Bureau staff see the draft too, in the order asked.
    let found = env
        .office
        .batch_get_programmes(Some(&admin()), &programme_ids)
        .await
        .unwrap();
    let ids: Vec<_> = found.iter().map(|p| p.id).collect();
    assert_eq!(ids, [hidden.programme.id, published.programme.id]);

    let edition_ids = [published.id.to_string(), hidden.id.to_string()];
    let found = env
        .office
        .batch_get_editions(None, &edition_ids, true)
        .await
        .unwrap();
    let single = env
        .office
        .get_edition(None, published.id, true)
        .await
        .unwrap();
    assert_eq!(found, vec![single]);
    let found = env
        .office
        .batch_get_editions(Some(&admin()), &edition_ids, false)
        .await
        .unwrap();
    assert_eq!(found.len(), 2);

    // Too many ids is bad input, not a silent truncation.
    let many = vec![published.id.to_string(); glocal_training::service::MAX_BATCH_IDS + 1];
    assert_eq!(
        field(env.office.batch_get_editions(None, &many, false).await),
        "ids"
    );
}

// ---- files (ADR 0026) ----------------------------------------------------------------

/// A store of files for one test: a fresh folder, or a bucket of a fresh S3 server.
struct Files {
    store: glocal_kit::files::FileStore,
    folder: Option<std::path::PathBuf>,
    _s3: Option<glocal_kit::testing::S3Server>,
}

impl Files {
    fn folder() -> Files {
        let dir =
            std::env::temp_dir().join(format!("glocal-training-files-{}", uuid::Uuid::new_v4()));
        Files {
            store: glocal_kit::files::FileStore::folder(&dir).unwrap(),
            folder: Some(dir),
            _s3: None,
        }
    }

    async fn s3() -> Files {
        let s3 = glocal_kit::testing::S3Server::start().await;
        let store = glocal_kit::files::FileStore::open(
            &s3.settings(),
            glocal_kit::config::Environment::Production,
            std::path::Path::new("/nonexistent"),
            "training",
        )
        .unwrap();
        assert!(store.description().starts_with("s3://"));
        Files {
            store,
            folder: None,
            _s3: Some(s3),
        }
    }

    async fn objects(&self) -> Vec<String> {
        self.store
            .keys_older_than(Utc::now() + Duration::days(1))
            .await
            .unwrap()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        if let Some(dir) = &self.folder {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

const FILE_LIMITS: glocal_kit::attachments::Limits = glocal_kit::attachments::Limits {
    max_file_bytes: 8 * 1024 * 1024,
    max_owner_bytes: 10 * 1024 * 1024,
    max_owner_files: 3,
};

fn pdf(len: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n".to_vec();
    v.resize(len, b'x');
    v
}

/// Uploads `bytes` in 64 KiB chunks (the stream fails at the end when `broken`).
async fn put_file(
    office: &TrainingOffice,
    who: &Caller,
    owner: ApplicationId,
    name: &str,
    bytes: &[u8],
    broken: bool,
) -> Result<glocal_kit::attachments::StoredFile, TrainingError> {
    use futures::StreamExt;
    use glocal_kit::attachments::{FileName, FileOwner};
    let mut chunks: Vec<Result<bytes::Bytes, TrainingError>> = bytes
        .chunks(64 * 1024)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    if broken {
        chunks.push(Err(TrainingError::invalid(
            "file",
            "UPLOAD_INTERRUPTED: the test broke the stream",
        )));
    }
    office
        .upload(
            Some(who),
            &owner.to_string(),
            FileName::parse(name).unwrap(),
            futures::stream::iter(chunks).boxed(),
        )
        .await
}

async fn papers_in_a_folder(env: Env) {
    applications_papers_are_the_applicants_and_scoped(env, Files::folder()).await;
}

async fn papers_in_s3(env: Env) {
    applications_papers_are_the_applicants_and_scoped(env, Files::s3().await).await;
}

async fn applications_papers_are_the_applicants_and_scoped(env: Env, files: Files) {
    use futures::TryStreamExt;
    use glocal_kit::attachments::{FileName, FileOwner, Shelf};
    use sha2::Digest;
    let office = env.office.clone().with_files(Shelf::new(
        files.store.clone(),
        FILE_LIMITS,
        glocal_training::service::FILE_TABLE,
    ));
    let e = env.fellowship(5).await;
    let (lan, minh) = (official("lan", "VN-DN"), official("minh", "VN-HUE"));
    let a = env.apply(&lan, "k", &e, foreign("Lan")).await.unwrap();
    let b = env.apply(&minh, "k", &e, foreign("Minh")).await.unwrap();
    let name = FileName::parse("passport.pdf").unwrap();
    let a_id = a.id.to_string();

    // The applicant may attach; staff may read but not attach; others do not see it.
    let room = office.check_upload(Some(&lan), &a_id, &name).await.unwrap();
    assert_eq!(room, FILE_LIMITS.max_file_bytes);
    for (who, expected) in [
        (staff("kim"), ErrorCode::Forbidden),
        (minh.clone(), ErrorCode::NotFound),
        (partner(), ErrorCode::Forbidden),
    ] {
        assert_eq!(
            code(office.check_upload(Some(&who), &a_id, &name).await),
            expected,
            "{who:?}"
        );
    }
    assert_eq!(
        code(office.check_upload(None, &a_id, &name).await),
        ErrorCode::Unauthenticated
    );
    assert_eq!(
        code(put_file(&office, &minh, a.id, "x.pdf", &pdf(100), false).await),
        ErrorCode::NotFound
    );

    // A 7 MiB file: more than one part, a real multipart upload.
    let content = pdf(7 * 1024 * 1024 + 5);
    let kept = put_file(&office, &lan, a.id, "passport.pdf", &content, false)
        .await
        .unwrap();
    assert_eq!(kept.media_type, "application/pdf");
    assert_eq!(kept.size, content.len() as u64);
    let hex: String = sha2::Sha256::digest(&content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(kept.sha256, hex);
    put_file(&office, &minh, b.id, "cv.pdf", &pdf(10), false)
        .await
        .unwrap();

    // Listing is scoped per caller; one call answers several applications.
    let both = [a.id.to_string(), b.id.to_string()];
    let listed = |who: Caller| {
        let office = office.clone();
        let both = both.clone();
        async move {
            office
                .files_of(Some(&who), &both)
                .await
                .unwrap()
                .into_iter()
                .map(|f| f.file_name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(lan.clone()).await, vec!["passport.pdf"]);
    assert_eq!(listed(minh.clone()).await, vec!["cv.pdf"]);
    assert_eq!(listed(admin()).await, vec!["passport.pdf", "cv.pdf"]);
    assert_eq!(listed(staff("kim")).await, vec!["passport.pdf", "cv.pdf"]);
    assert!(listed(partner()).await.is_empty());

    // Download: the applicant and staff get the bytes back; others NOT_FOUND.
    for who in [lan.clone(), staff("kim")] {
        let (head, body) = office.download(Some(&who), kept.id).await.unwrap();
        assert_eq!(head, kept);
        let got: Vec<bytes::Bytes> = body.try_collect().await.unwrap();
        assert_eq!(got.concat(), content);
    }
    for who in [minh.clone(), partner()] {
        assert_eq!(
            code(office.download(Some(&who), kept.id).await.map(|(f, _)| f)),
            ErrorCode::NotFound
        );
    }

    // Refusals leave nothing behind: too large, wrong type, empty, broken stream.
    let before = (
        env.count("application_file").await,
        files.objects().await.len(),
    );
    assert_eq!(before, (2, 2));
    let too_large = put_file(&office, &lan, a.id, "big.pdf", &pdf(3 * 1024 * 1024), false).await;
    assert!(
        format!("{too_large:?}").contains("FILE_TOO_LARGE"),
        "{too_large:?}"
    );
    let exe = put_file(&office, &lan, a.id, "cv.pdf", b"MZ\x90\0\x03\0", false).await;
    assert!(
        format!("{exe:?}").contains("UNSUPPORTED_MEDIA_TYPE"),
        "{exe:?}"
    );
    let empty = put_file(&office, &lan, a.id, "empty.pdf", b"", false).await;
    assert!(format!("{empty:?}").contains("EMPTY_FILE"), "{empty:?}");
    let broken = put_file(&office, &lan, a.id, "cut.pdf", &pdf(2 * 1024 * 1024), true).await;
    assert_eq!(field(broken), "file");
    assert_eq!(
        (
            env.count("application_file").await,
            files.objects().await.len()
        ),
        before
    );

    // The count limit: the third file fits, a fourth does not.
    put_file(
        &office,
        &lan,
        a.id,
        "letter.txt",
        "추천서".as_bytes(),
        false,
    )
    .await
    .unwrap();
    put_file(&office, &lan, a.id, "photo.pdf", &pdf(10), false)
        .await
        .unwrap();
    let full = office.check_upload(Some(&lan), &a_id, &name).await;
    assert!(format!("{full:?}").contains("ATTACHMENT_LIMIT"), "{full:?}");

    // A withdrawn application takes no more papers; its papers stay readable.
    let b = env.get(&minh, b.id).await.unwrap();
    env.office
        .withdraw(Some(&minh), b.id, b.version, note("plans changed"))
        .await
        .unwrap();
    assert_eq!(
        code(
            office
                .check_upload(Some(&minh), &b.id.to_string(), &name)
                .await
        ),
        ErrorCode::Conflict
    );
    assert_eq!(listed(minh.clone()).await, vec!["cv.pdf"]);

    // The sweeper removes an object a crash left without a row, past the grace only.
    let orphan = format!("{a_id}/{}", uuid::Uuid::new_v4());
    files
        .store
        .put(&orphan, bytes::Bytes::from_static(b"%PDF-orphan"))
        .await
        .unwrap();
    assert_eq!(
        office.sweep_orphan_files(Duration::hours(1)).await.unwrap(),
        0
    );
    env.set_now(Utc::now() + Duration::hours(2));
    assert_eq!(
        office.sweep_orphan_files(Duration::hours(1)).await.unwrap(),
        1
    );
    assert_eq!(files.objects().await.len(), 4);
    assert!(!files.objects().await.contains(&orphan));
    assert_eq!(env.count("application_file").await, 4);

    // Retention (ADR 0038): a year after it was withdrawn, Minh's application loses its
    // applicant's name, answers and papers (row and object); Lan's open one keeps all.
    let withdrawn = env.get(&admin(), b.id).await.unwrap();
    env.set_now(withdrawn.updated_at + Duration::days(300));
    assert_eq!(office.expire_personal_data(365).await.unwrap(), 0);
    env.set_now(withdrawn.updated_at + Duration::days(400));
    assert_eq!(office.expire_personal_data(365).await.unwrap(), 1);
    assert_eq!(env.count("application_file").await, 3);
    assert_eq!(files.objects().await.len(), 3);
    let gone = env.get(&admin(), b.id).await.unwrap();
    assert!(
        glocal_kit::privacy::is_pseudonym(&gone.profile.full_name),
        "{}",
        gone.profile.full_name
    );
    assert_eq!(gone.applicant_subject, gone.profile.full_name);
    assert_eq!(gone.profile.grade, None);
    assert!(gone.answers.is_empty() && gone.attachments.is_empty());
    assert_eq!(
        (gone.state, gone.profile.nationality.as_str()),
        (ApplicationState::Withdrawn, "VN")
    );
    assert!(gone.history.iter().all(|h| h.actor_subject != minh.subject));
    assert_eq!(
        env.get(&admin(), a.id).await.unwrap().profile.full_name,
        "Lan"
    );
    assert_eq!(listed(lan.clone()).await.len(), 3);
    assert_eq!(office.expire_personal_data(365).await.unwrap(), 0);
}

async fn the_training_report_counts_applications_per_edition(env: Env) {
    use glocal_training::domain::statistics::TrainingStatisticsQuery;
    let e = env.fellowship(1).await;
    let other = env.fellowship(5).await;
    let mut apps = Vec::new();
    for name in ["a", "b", "c", "d"] {
        let who = official(name, "VN-DN");
        let a = env.apply(&who, "k", &e, foreign(name)).await.unwrap();
        apps.push((who, a));
    }
    let accepted = env.to_review(&apps[0].1).await;
    env.decide(&accepted, Decision::Accept).await.unwrap();
    let waiting = env.to_review(&apps[1].1).await;
    env.decide(&waiting, Decision::Waitlist).await.unwrap();
    let rejected = env.to_review(&apps[2].1).await;
    env.decide(&rejected, Decision::Reject).await.unwrap();
    // The fourth is still in review; one more is only a draft.
    let mut draft = application("draft", &e, foreign("e"));
    draft.as_draft = true;
    env.office
        .submit_application_from(Some(&official("e", "VN-DN")), draft)
        .await
        .unwrap();

    let query =
        |from: &str, to: &str| TrainingStatisticsQuery::new(day(from), day(to), None).unwrap();
    let rows = env
        .office
        .training_statistics(
            Some(&staff("staff-training")),
            query("2026-01-01", "2026-12-31"),
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "both editions start in April 2026");
    let row = rows.iter().find(|r| r.edition_id == e.id).unwrap();
    assert_eq!(row.capacity, 1);
    assert_eq!(
        (
            row.in_review,
            row.accepted,
            row.waitlisted,
            row.rejected,
            row.withdrawn
        ),
        (1, 1, 1, 1, 0)
    );
    assert_eq!(
        (row.applied(), row.drafts),
        (4, 1),
        "a draft is not an application"
    );
    let empty = rows.iter().find(|r| r.edition_id == other.id).unwrap();
    assert_eq!(empty.applied(), 0);
    // Outside the period: nothing; applicants and partners are refused.
    assert!(
        env.office
            .training_statistics(Some(&admin()), query("2027-01-01", "2027-12-31"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        code(
            env.office
                .training_statistics(Some(&apps[0].0), query("2026-01-01", "2026-12-31"))
                .await
        ),
        ErrorCode::Forbidden
    );
}

/// The history notes of entity `id`, oldest first.
async fn history_notes(db: &DatabaseConnection, id: uuid::Uuid) -> Vec<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "SELECT note FROM history WHERE aggregate_id = $1 ORDER BY seq"
        }
        _ => "SELECT note FROM history WHERE aggregate_id = ? ORDER BY seq",
    };
    db.query_all_raw(Statement::from_sql_and_values(backend, sql, [id.into()]))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "note").unwrap_or_default())
        .collect()
}

/// A programme's period rule (K2H: "April ~ October", here once a year): an edition
/// outside its months or one more in a start year is refused with nothing written; staff
/// may not set the rule aside, an administrator may, and the edition's history says so.
async fn programme_period_rules_refuse_editions_outside_them(env: Env) {
    let k2h = ProgrammeDraft {
        idempotency_key: "p-k2h-period".into(),
        kind: Some(ProgrammeKind::InvitationFellowship),
        title: TextDraft {
            en: "K2H".into(),
            ..TextDraft::default()
        },
        description: TextDraft::default(),
        published: true,
        period: Some(PeriodDraft {
            from_month: 4,
            to_month: 10,
            max_days: 0,
            per_year: 1,
        }),
    };
    let bad = ProgrammeDraft {
        idempotency_key: "p-bad-period".into(),
        period: Some(PeriodDraft {
            from_month: 0,
            ..k2h.period.unwrap()
        }),
        ..k2h.clone()
    };
    let err = env
        .office
        .create_programme_from(Some(&admin()), bad)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::BadUserInput, "{err}");
    assert_eq!(err.field(), Some("period.fromMonth"));
    let p = env
        .office
        .create_programme_from(Some(&admin()), k2h)
        .await
        .unwrap();
    let rule = p.period.expect("the programme keeps its rule");
    assert_eq!((rule.from_month(), rule.to_month()), (4, 10));
    assert_eq!(rule.per_year(), Some(1));
    let read = env.office.get_programme(None, p.id).await.unwrap();
    assert_eq!(read.period, Some(rule), "read back from the store");
    // April to September fits.
    env.edition(fellowship_draft(&p, 60)).await;
    let editions = env.count("edition").await;
    let history = env.count("history").await;
    let refused = |draft: EditionDraft, caller: Caller| {
        let office = env.office.clone();
        async move { office.create_edition_from(Some(&caller), draft).await }
    };
    // A second edition starting in 2026 is one more than once a year.
    let second = EditionDraft {
        idempotency_key: "k2h-second".into(),
        term: "2026-2".into(),
        starts_on: "2026-05-01".into(),
        ends_on: "2026-06-30".into(),
        ..fellowship_draft(&p, 60)
    };
    let err = refused(second, staff("staff-1")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert_eq!(err.reason(), Some("OUTSIDE_PERIOD"));
    assert!(err.to_string().contains("1 editions a year"), "{err}");
    // February to July 2027 is outside April–October.
    let february = EditionDraft {
        idempotency_key: "k2h-february".into(),
        term: "2027".into(),
        starts_on: "2027-02-01".into(),
        ends_on: "2027-07-31".into(),
        applications_open_on: "2026-11-01".into(),
        applications_close_on: "2026-12-31".into(),
        ..fellowship_draft(&p, 60)
    };
    let err = refused(february.clone(), staff("staff-1"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert_eq!(err.reason(), Some("OUTSIDE_PERIOD"));
    assert!(err.to_string().contains("months 4–10"), "{err}");
    // Setting the rule aside is an administrator's decision.
    let aside = EditionDraft {
        outside_period: true,
        ..february
    };
    let err = refused(aside.clone(), staff("staff-1")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");
    assert_eq!(err.reason(), Some("BUREAU_ADMIN_ONLY"));
    assert_eq!(env.count("edition").await, editions);
    assert_eq!(env.count("history").await, history);
    let held = env.edition(aside).await;
    let notes = history_notes(&env.db, held.id.as_uuid()).await;
    assert!(
        notes.iter().any(|n| n.contains(
            "outside the programme's period rule (months 4–10, 1 a year), by an administrator's decision"
        )),
        "{notes:?}"
    );
}

/// Six editions of a twice-a-year programme created at once for one year: exactly two are
/// created (the programme's row lock orders the counts).
async fn editions_per_year_hold_under_concurrent_creation(env: Env) {
    let p = env
        .office
        .create_programme_from(
            Some(&admin()),
            ProgrammeDraft {
                period: Some(PeriodDraft {
                    from_month: 1,
                    to_month: 12,
                    max_days: 0,
                    per_year: 2,
                }),
                ..academy_draft()
            },
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..6 {
        let office = env.office.clone();
        let draft = EditionDraft {
            idempotency_key: format!("rush-{i}"),
            term: format!("2026-{i}"),
            ..fellowship_draft(&p, 10)
        };
        tasks.push(tokio::spawn(async move {
            office.create_edition_from(Some(&admin()), draft).await
        }));
    }
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => created += 1,
            Err(e) => assert_eq!(e.reason(), Some("OUTSIDE_PERIOD"), "{e}"),
        }
    }
    assert_eq!(created, 2);
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 2),
    sqlite();
    env: [
        the_public_sees_published_programmes_only,
        eligibility_failures_name_every_rule,
        a_nameless_caller_reads_but_does_not_write,
        bad_input_writes_nothing,
        submit_is_idempotent_also_under_concurrent_retries,
        capacity_holds_under_concurrent_accepts,
        the_first_waitlisted_is_promoted_when_a_participant_withdraws,
        the_speech_contest_cut_advances_the_top_n_and_ties,
        each_division_has_its_own_review_cut_and_ranking,
        stipends_follow_the_policy_with_pro_rating,
        attendance_completion_and_verified_certificates,
        illegal_transitions_and_stale_versions_change_nothing,
        applicants_see_their_own_applications_only,
        drafts_are_checked_when_submitted,
        batched_lookups_answer_what_single_lookups_answer,
        papers_in_a_folder,
        papers_in_s3,
        the_training_report_counts_applications_per_edition,
        programme_period_rules_refuse_editions_outside_them,
        editions_per_year_hold_under_concurrent_creation,
    ];
    db: [demo_seeds_an_empty_database]
);
