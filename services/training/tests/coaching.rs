//! Coaching on international exchange (ADR 0050) on real databases: every test body runs on
//! PostgreSQL (a fresh database per test) and on SQLite in memory, with the clock set to
//! 15 March 2026.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::testing::assert_every_page_counts;
use glocal_kit::{Caller, Role};
use glocal_training::domain::{
    AdvisorOrganisationId, CoachDraft, CoachingPlan, CoachingSessionDraft, EditionDraft,
    EngagementDraft, EngagementMove, EngagementStatus, ProgrammeDraft, ProgrammeKind, StageDraft,
    TextDraft, Version,
};
use glocal_training::service::{Coach, CoachingEngagement, Edition, EngagementFilter, PageRequest};
use glocal_training::{Config, TrainingError, TrainingOffice};
use sea_orm::DatabaseConnection;

struct Env {
    db: DatabaseConnection,
    office: TrainingOffice,
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_training::migrate(&db).await.unwrap();
        let now = Arc::new(Mutex::new(at(2026, 3, 15, 0)));
        let office = TrainingOffice::new(db.clone(), Config { max_page_size: 50 })
            .with_clock(Arc::new(move || *now.lock().unwrap()));
        Env { db, office }
    }

    async fn count(&self, table: &str) -> i64 {
        glocal_kit::testing::count_rows(&self.db, table).await
    }

    /// (engagements, sessions, history rows, outbox rows)
    async fn counts(&self) -> (i64, i64, i64, i64) {
        (
            self.count("coaching_engagement").await,
            self.count("coaching_session").await,
            self.count("history").await,
            self.count("outbox").await,
        )
    }

    async fn edition(&self, kind: ProgrammeKind, reviewer: Option<&str>) -> Edition {
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
                    published: true,
                    ..ProgrammeDraft::default()
                }
                .parse()
                .unwrap(),
            )
            .await
            .unwrap();
        let stages = reviewer
            .map(|r| {
                vec![StageDraft {
                    name: "Review".into(),
                    reviewers: vec![r.into()],
                    ..StageDraft::default()
                }]
            })
            .unwrap_or_default();
        let draft = EditionDraft {
            idempotency_key: format!("e-{kind}"),
            programme_id: p.id.to_string(),
            term: "2026-1".into(),
            starts_on: "2026-04-01".into(),
            ends_on: "2026-06-30".into(),
            applications_open_on: "2026-03-01".into(),
            applications_close_on: "2026-03-31".into(),
            capacity: 10,
            languages: vec!["ko".into()],
            stages,
            published: true,
            ..EditionDraft::default()
        };
        self.office
            .create_edition(Some(&admin()), draft.parse().unwrap())
            .await
            .unwrap()
    }

    async fn coach(&self, note: &str) -> Coach {
        self.office
            .register_coach(
                Some(&staff("staff-1")),
                CoachDraft {
                    organisation_id: AdvisorOrganisationId::new().to_key(),
                    area_codes: vec!["youth".into(), "economy".into()],
                    note: note.into(),
                }
                .parse()
                .unwrap(),
            )
            .await
            .unwrap()
    }

    async fn engage(
        &self,
        who: &Caller,
        edition: &Edition,
        code: &str,
        level: &str,
        coach: Option<&Coach>,
    ) -> Result<CoachingEngagement, TrainingError> {
        let new = EngagementDraft {
            edition_id: edition.id.to_string(),
            local_government_code: code.into(),
            local_government_level: level.into(),
            theme: "Sister-city exchange with a Vietnamese city".into(),
            coach_id: coach.map(|c| c.id.to_key()).unwrap_or_default(),
        }
        .parse()?;
        self.office.create_engagement(Some(who), new).await
    }

    async fn move_to(
        &self,
        e: &CoachingEngagement,
        to: EngagementStatus,
        reason: &str,
    ) -> Result<CoachingEngagement, TrainingError> {
        let m = EngagementMove::parse(&e.id.to_key(), e.version.get(), Some(to), reason)?;
        self.office.move_engagement(Some(&admin()), m).await
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

fn plan() -> CoachingPlan {
    CoachingPlan {
        area: "Youth exchange".into(),
        method: "Online pen-pal classes, then a summer visit".into(),
        content: "Two middle schools on each side, twelve pupils".into(),
        alternatives: vec![
            "Sports exchange through the city's football club".into(),
            "Cultural festival booth exchange".into(),
        ],
    }
}

fn reason<T: std::fmt::Debug>(r: Result<T, TrainingError>) -> (ErrorCode, String) {
    let e = r.unwrap_err();
    (e.code(), e.reason().unwrap_or_default().to_owned())
}

// ---- tests ------------------------------------------------------------------------------

async fn an_engagement_runs_from_planned_to_a_delivered_plan(env: Env) {
    let edition = env.edition(ProgrammeKind::Coaching, None).await;
    let coach = env.coach("300,000 KRW per session").await;
    let e = env
        .engage(&admin(), &edition, "11110", "DISTRICT", None)
        .await
        .unwrap();
    assert_eq!(e.status, EngagementStatus::Planned);
    assert_eq!(e.local_government_level, "DISTRICT");
    assert_eq!(e.version, Version::FIRST);

    // No coach yet: coaching cannot start.
    assert_eq!(
        reason(env.move_to(&e, EngagementStatus::InProgress, "").await),
        (ErrorCode::Conflict, "COACH_REQUIRED".into())
    );
    // A plan is delivered only in progress.
    assert_eq!(
        reason(
            env.office
                .deliver_plan(Some(&admin()), e.id, e.version, plan())
                .await
        ),
        (ErrorCode::Conflict, "ILLEGAL_COACHING_MOVE".into())
    );
    let before = env.counts().await;
    let e = env
        .office
        .assign_coach(Some(&admin()), e.id, e.version, coach.id)
        .await
        .unwrap();
    assert_eq!(e.coach_id, Some(coach.id));
    let e = env
        .move_to(&e, EngagementStatus::InProgress, "")
        .await
        .unwrap();
    assert_eq!(e.status, EngagementStatus::InProgress);
    let session = CoachingSessionDraft {
        starts_at: at(2026, 4, 14, 5),
        ends_at: at(2026, 4, 14, 7),
        place: "Jongno-gu office, room 301".into(),
        online: false,
        notes: "Partner candidates in Vietnam; goals for 2027".into(),
    }
    .parse()
    .unwrap();
    let e = env
        .office
        .add_coaching_session(Some(&admin()), e.id, e.version, session)
        .await
        .unwrap();
    let online = CoachingSessionDraft {
        starts_at: at(2026, 5, 12, 5),
        ends_at: at(2026, 5, 12, 6),
        place: String::new(),
        online: true,
        notes: "Draft plan reviewed".into(),
    }
    .parse()
    .unwrap();
    let e = env
        .office
        .add_coaching_session(Some(&admin()), e.id, e.version, online)
        .await
        .unwrap();
    assert_eq!(e.sessions.len(), 2);
    assert_eq!(e.sessions[0].place, "Jongno-gu office, room 301");
    assert!(e.sessions[1].online);
    let e = env
        .office
        .deliver_plan(Some(&admin()), e.id, e.version, plan())
        .await
        .unwrap();
    assert_eq!(e.status, EngagementStatus::PlanDelivered);
    assert_eq!(e.plan, Some(plan()));
    assert!(e.delivered_at.is_some());
    assert_eq!(e.version.get(), 6);
    // Every change wrote its audit row and outbox event; sessions their own rows.
    let after = env.counts().await;
    assert_eq!(
        (after.1 - before.1, after.2 - before.2, after.3 - before.3),
        (2, 5, 5)
    );

    // Read back from the store.
    let read = env
        .office
        .batch_get_engagements(Some(&admin()), &[e.id.to_key()])
        .await
        .unwrap();
    assert_eq!(read, vec![e.clone()]);

    // Delivered is final.
    assert_eq!(
        reason(env.move_to(&e, EngagementStatus::Cancelled, "late").await),
        (ErrorCode::Conflict, "ILLEGAL_COACHING_MOVE".into())
    );
    assert_eq!(
        reason(
            env.office
                .assign_coach(Some(&admin()), e.id, e.version, coach.id)
                .await
        ),
        (ErrorCode::Conflict, "COACHING_FINISHED".into())
    );
}

async fn cancelling_needs_a_reason_and_stale_versions_change_nothing(env: Env) {
    let edition = env.edition(ProgrammeKind::Coaching, None).await;
    let e = env
        .engage(&admin(), &edition, "41130", "CITY", None)
        .await
        .unwrap();
    let id = e.id.to_key();
    assert_eq!(
        EngagementMove::parse(&id, 1, Some(EngagementStatus::Cancelled), " ")
            .unwrap_err()
            .field(),
        "reason"
    );
    let cancelled = env
        .move_to(
            &e,
            EngagementStatus::Cancelled,
            "The city postponed its plans",
        )
        .await
        .unwrap();
    assert_eq!(cancelled.status, EngagementStatus::Cancelled);
    assert_eq!(cancelled.cancel_reason, "The city postponed its plans");
    let before = env.counts().await;
    // `e` is the version before the cancel.
    let stale = env.move_to(&e, EngagementStatus::Cancelled, "again").await;
    assert_eq!(stale.unwrap_err().code(), ErrorCode::Conflict);
    let coach = env.coach("").await;
    let stale = env
        .office
        .assign_coach(Some(&admin()), e.id, e.version, coach.id)
        .await;
    assert_eq!(stale.unwrap_err().code(), ErrorCode::Conflict);
    let before = (before.0, before.1, before.2 + 1, before.3 + 1); // the coach's rows
    assert_eq!(env.counts().await, before);
}

async fn only_basic_local_governments_of_coaching_editions(env: Env) {
    let edition = env.edition(ProgrammeKind::Coaching, None).await;
    let academy = env.edition(ProgrammeKind::Academy, None).await;
    let before = env.counts().await;
    for level in ["METROPOLITAN", "PROVINCE"] {
        assert_eq!(
            reason(env.engage(&admin(), &edition, "11000", level, None).await),
            (
                ErrorCode::BadUserInput,
                "NOT_A_BASIC_LOCAL_GOVERNMENT".into()
            ),
            "{level}"
        );
    }
    let err = env
        .engage(&admin(), &edition, "11000", "METROPOLITAN", None)
        .await
        .unwrap_err();
    let said = glocal_kit::error::ServiceError::catalogue_message(&err).unwrap();
    assert_eq!(said.key, "rule-coaching-basic-only");
    assert!(
        said.render(glocal_kit::i18n::Lang::Ko).contains("시·군·구"),
        "{}",
        said.render(glocal_kit::i18n::Lang::Ko)
    );
    assert_eq!(
        reason(
            env.engage(&admin(), &academy, "11110", "DISTRICT", None)
                .await
        ),
        (ErrorCode::BadUserInput, "NOT_A_COACHING_EDITION".into())
    );
    let ghost = Coach {
        id: glocal_training::domain::CoachId::new(),
        ..env.coach("").await
    };
    let before = (before.0, before.1, before.2 + 1, before.3 + 1); // the coach's rows
    assert_eq!(
        reason(
            env.engage(&admin(), &edition, "11110", "DISTRICT", Some(&ghost))
                .await
        ),
        (ErrorCode::BadUserInput, "UNKNOWN_COACH".into())
    );
    assert_eq!(env.counts().await, before, "nothing written");
    for level in ["CITY", "COUNTY", "DISTRICT"] {
        let code = match level {
            "CITY" => "41130",
            "COUNTY" => "42720",
            _ => "11110",
        };
        env.engage(&admin(), &edition, code, level, None)
            .await
            .unwrap();
    }
}

async fn one_engagement_per_local_government_also_under_concurrent_creation(env: Env) {
    let edition = env.edition(ProgrammeKind::Coaching, None).await;
    let env = Arc::new(env);
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let env = env.clone();
        let edition = edition.clone();
        tasks.push(tokio::spawn(async move {
            env.engage(&admin(), &edition, "26440", "DISTRICT", None)
                .await
        }));
    }
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => created += 1,
            Err(e) => assert_eq!(
                (e.code(), e.reason()),
                (ErrorCode::Conflict, Some("COACHING_ENGAGEMENT_EXISTS")),
                "{e}"
            ),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(env.count("coaching_engagement").await, 1);
    // Another local government in the same edition is fine.
    env.engage(&admin(), &edition, "26470", "DISTRICT", None)
        .await
        .unwrap();
}

async fn officials_read_their_own_and_staff_manage(env: Env) {
    let edition = env
        .edition(ProgrammeKind::Coaching, Some("staff-reviewer"))
        .await;
    let coach = env.coach("Prefers online sessions").await;
    let jongno = env
        .engage(&admin(), &edition, "11110", "DISTRICT", Some(&coach))
        .await
        .unwrap();
    let suwon = env
        .engage(&staff("staff-1"), &edition, "41110", "CITY", None)
        .await
        .unwrap();
    let ids = vec![jongno.id.to_key(), suwon.id.to_key()];

    // The local government's own officials read its engagement, not another's.
    let mine = official("o-jongno", "11110");
    let read = env
        .office
        .batch_get_engagements(Some(&mine), &ids)
        .await
        .unwrap();
    assert_eq!(
        read.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![jongno.id]
    );
    let page = env
        .office
        .list_engagements(
            Some(&mine),
            EngagementFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(page.total_count, 1);
    let asked_other = env
        .office
        .list_engagements(
            Some(&mine),
            EngagementFilter {
                local_government_code: Some("41110".into()),
                ..EngagementFilter::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert!(asked_other.items.is_empty());
    // The coach's private note is for staff.
    let seen = env
        .office
        .batch_get_coaches(Some(&mine), &[coach.id.to_key()])
        .await
        .unwrap();
    assert_eq!(seen[0].note, None);
    assert_eq!(seen[0].area_codes, vec!["youth", "economy"]);
    let seen = env
        .office
        .batch_get_coaches(Some(&staff("staff-2")), &[coach.id.to_key()])
        .await
        .unwrap();
    assert_eq!(seen[0].note.as_deref(), Some("Prefers online sessions"));
    assert!(
        env.office
            .batch_get_coaches(None, &[coach.id.to_key()])
            .await
            .unwrap()
            .is_empty()
    );

    // Officials do not manage: not even their own.
    let before = env.counts().await;
    assert_eq!(
        reason(env.engage(&mine, &edition, "11110", "DISTRICT", None).await).0,
        ErrorCode::Forbidden
    );
    assert_eq!(
        env.office
            .assign_coach(Some(&mine), jongno.id, jongno.version, coach.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    // Another local government's engagement is not found, as if it did not exist.
    assert_eq!(
        env.office
            .assign_coach(Some(&mine), suwon.id, suwon.version, coach.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    // A reviewer of the edition does not manage it.
    assert_eq!(
        reason(
            env.engage(
                &staff("staff-reviewer"),
                &edition,
                "11140",
                "DISTRICT",
                None
            )
            .await
        ),
        (ErrorCode::Forbidden, "EDITION_MANAGER_ONLY".into())
    );
    assert_eq!(
        env.office
            .register_coach(
                Some(&mine),
                CoachDraft {
                    organisation_id: AdvisorOrganisationId::new().to_key(),
                    area_codes: vec!["youth".into()],
                    note: String::new(),
                }
                .parse()
                .unwrap()
            )
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    assert_eq!(env.counts().await, before, "nothing written");

    // Anonymous callers and partners see no engagement.
    assert_eq!(
        env.office
            .list_engagements(None, EngagementFilter::default(), PageRequest::default())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Unauthenticated
    );
    assert_eq!(
        env.office
            .list_engagements(
                Some(&partner()),
                EngagementFilter::default(),
                PageRequest::default()
            )
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    assert!(
        env.office
            .batch_get_engagements(Some(&partner()), &ids)
            .await
            .unwrap()
            .is_empty()
    );
    // Staff see every one, filtered and paged.
    let page = env
        .office
        .list_engagements(
            Some(&staff("staff-2")),
            EngagementFilter {
                edition_id: Some(edition.id),
                ..EngagementFilter::default()
            },
            PageRequest {
                first: 1,
                after: None,
            },
        )
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.total_count), (1, 2));
    assert!(page.has_next_page);
    let next = env
        .office
        .list_engagements(
            Some(&staff("staff-2")),
            EngagementFilter::default(),
            PageRequest {
                first: 1,
                after: page.cursors.last().cloned(),
            },
        )
        .await
        .unwrap();
    assert_eq!(next.items[0].id, suwon.id);
    assert_every_page_counts(2, async |page| {
        let of_the_edition = EngagementFilter {
            edition_id: Some(edition.id),
            ..EngagementFilter::default()
        };
        env.office
            .list_engagements(Some(&staff("staff-2")), of_the_edition, page)
            .await
            .unwrap()
    })
    .await;
}

async fn an_advisor_is_registered_once(env: Env) {
    let draft = CoachDraft {
        organisation_id: AdvisorOrganisationId::new().to_key(),
        area_codes: vec!["youth".into()],
        note: String::new(),
    };
    env.office
        .register_coach(Some(&admin()), draft.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        reason(
            env.office
                .register_coach(Some(&admin()), draft.parse().unwrap())
                .await
        ),
        (ErrorCode::Conflict, "COACH_EXISTS".into())
    );
    assert_eq!(env.count("coach").await, 1);
    let all = env
        .office
        .list_coaches(Some(&staff("staff-1")))
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        env.office
            .list_coaches(Some(&official("o", "11110")))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}

/// Uploads `bytes` as `who` to `owner` (one chunk).
async fn put_document(
    office: &TrainingOffice,
    who: &Caller,
    owner: &str,
    bytes: Vec<u8>,
) -> Result<glocal_kit::attachments::StoredFile, TrainingError> {
    use futures::StreamExt;
    use glocal_kit::attachments::{FileName, FileOwner};
    let chunks = vec![Ok(bytes::Bytes::from(bytes))];
    office
        .upload(
            Some(who),
            owner,
            FileName::parse("coaching-plan.pdf").unwrap(),
            futures::stream::iter(chunks).boxed(),
        )
        .await
}

/// The plan as a document (ADR 0054) on a real S3-compatible server: the managers of the
/// edition attach it (also after delivery), the coached district's officials and staff list
/// and fetch it, anyone else sees nothing, and a cancelled engagement takes none.
async fn a_plan_document_is_the_managers_to_attach_and_the_districts_to_read(env: Env) {
    use futures::TryStreamExt;
    use glocal_kit::attachments::{FileName, FileOwner, Limits, Shelf};
    let s3 = glocal_kit::testing::S3Server::start().await;
    let store = glocal_kit::files::FileStore::open(
        &s3.settings(),
        glocal_kit::config::Environment::Production,
        std::path::Path::new("/nonexistent"),
        "training",
    )
    .unwrap();
    let limits = Limits {
        max_file_bytes: 1024 * 1024,
        max_owner_bytes: 2 * 1024 * 1024,
        max_owner_files: 3,
    };
    let office = env.office.clone().with_files(Shelf::new(
        store,
        limits,
        glocal_training::service::FILE_TABLE,
    ));
    let edition = env.edition(ProgrammeKind::Coaching, None).await;
    let coach = env.coach("").await;
    let e = env
        .engage(&admin(), &edition, "11110", "DISTRICT", Some(&coach))
        .await
        .unwrap();
    let owner = e.id.to_key();
    let (jongno, seoul) = (official("jongno", "11110"), official("seoul", "11000"));
    let name = FileName::parse("coaching-plan.pdf").unwrap();

    let code = |r: Result<u64, TrainingError>| r.unwrap_err().code();
    assert_eq!(
        code(office.check_upload(Some(&jongno), &owner, &name).await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(office.check_upload(Some(&seoul), &owner, &name).await),
        ErrorCode::NotFound
    );
    assert_eq!(
        office
            .check_upload(Some(&staff("staff-1")), &owner, &name)
            .await
            .unwrap(),
        1024 * 1024
    );
    assert_eq!(
        put_document(&office, &jongno, &owner, pdf(1000))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    assert_eq!(env.count("application_file").await, 0);

    // A draft while coaching runs, the final document after delivery.
    let e = env
        .move_to(&e, EngagementStatus::InProgress, "")
        .await
        .unwrap();
    let draft = put_document(&office, &staff("staff-1"), &owner, pdf(2000))
        .await
        .unwrap();
    assert_eq!(draft.owner_id, owner);
    office
        .deliver_plan(Some(&admin()), e.id, e.version, plan())
        .await
        .unwrap();
    let fin = put_document(&office, &admin(), &owner, pdf(3000))
        .await
        .unwrap();

    let listed = |who: Caller| {
        let office = office.clone();
        let owner = owner.clone();
        async move {
            office
                .files_of(Some(&who), &[owner])
                .await
                .unwrap()
                .into_iter()
                .map(|f| f.size)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(jongno.clone()).await, [2000, 3000]);
    assert_eq!(listed(staff("staff-2")).await, [2000, 3000]);
    assert!(listed(seoul.clone()).await.is_empty());
    assert!(listed(partner()).await.is_empty());

    let (found, content) = office.download(Some(&jongno), fin.id).await.unwrap();
    assert_eq!(found.file_name, "coaching-plan.pdf");
    let bytes: Vec<bytes::Bytes> = content.try_collect().await.unwrap();
    assert_eq!(bytes.concat(), pdf(3000));
    assert_eq!(
        office
            .download(Some(&seoul), draft.id)
            .await
            .map(|_| ())
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );

    // Cancelled: no document, nothing written.
    let other = env
        .engage(&admin(), &edition, "11140", "DISTRICT", None)
        .await
        .unwrap();
    env.move_to(&other, EngagementStatus::Cancelled, "The district withdrew")
        .await
        .unwrap();
    assert_eq!(
        reason(put_document(&office, &admin(), &other.id.to_key(), pdf(100)).await),
        (ErrorCode::Conflict, "COACHING_CANCELLED".into())
    );
    assert_eq!(env.count("application_file").await, 2);
}

fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = vec![b'p'; len];
    bytes[..9].copy_from_slice(b"%PDF-1.7\n");
    bytes
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 2),
    sqlite();
    env: [
        an_engagement_runs_from_planned_to_a_delivered_plan,
        cancelling_needs_a_reason_and_stale_versions_change_nothing,
        only_basic_local_governments_of_coaching_editions,
        one_engagement_per_local_government_also_under_concurrent_creation,
        officials_read_their_own_and_staff_manage,
        an_advisor_is_registered_once,
        a_plan_document_is_the_managers_to_attach_and_the_districts_to_read,
    ];
);
