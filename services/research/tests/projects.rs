//! Exchange projects on real databases (ADR 0046): every test body runs on PostgreSQL (a
//! fresh database per test) and on SQLite in memory, through the service as the gRPC
//! adapter calls it (inputs parsed first).

use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::testing::assert_every_page_counts;
use glocal_kit::{Caller, Role};
use glocal_research::domain::{
    ExchangeProject, ExchangeProjectId, IdempotencyKey, InteractionKind, LocalizedDraft,
    NewOpportunity, NewOrganisation, NewProject, NewProjectInteraction, OpportunityDraft,
    OpportunityStatus, OrganisationDraft, OrganisationId, OrganisationKind, ParticipantChange,
    ProjectDraft, ProjectFilter, ProjectMove, ProjectStatus, Revision,
};
use glocal_research::service::PageRequest;
use glocal_research::{Config, Research, ResearchError};
use sea_orm::DatabaseConnection;

struct Env {
    db: DatabaseConnection,
    research: Research,
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_research::migrate(&db).await.unwrap();
        let research = Research::new(db.clone(), Config { max_page_size: 50 });
        Env { db, research }
    }

    /// (projects, project interactions, audit, outbox)
    async fn counts(&self) -> [i64; 4] {
        let mut out = [0; 4];
        for (i, t) in [
            "exchange_project",
            "exchange_project_interaction",
            "audit",
            "outbox",
        ]
        .iter()
        .enumerate()
        {
            out[i] = glocal_kit::testing::count_rows(&self.db, t).await;
        }
        out
    }

    /// An opportunity moved to `status` (PROPOSED when `None`), and an organisation.
    async fn network(&self, key: &str, status: Option<OpportunityStatus>) -> (String, String) {
        let r = &self.research;
        let org = r
            .create_organisation(
                Some(&staff()),
                IdempotencyKey::parse(key).unwrap(),
                NewOrganisation::parse(&OrganisationDraft {
                    kind: Some(OrganisationKind::ForeignLocalGovernment),
                    name: LocalizedDraft::of("", "", "", "福岡市"),
                    original_language: "ja".into(),
                    country: "JP".into(),
                    public: true,
                    ..OrganisationDraft::default()
                })
                .unwrap(),
            )
            .await
            .unwrap();
        let o = r
            .propose_opportunity(
                Some(&staff()),
                IdempotencyKey::parse(key).unwrap(),
                NewOpportunity::parse(&OpportunityDraft {
                    title: LocalizedDraft::of("", "Youth climate camp", "", ""),
                    original_language: "en".into(),
                    area_codes: vec!["environment".into()],
                    ..OpportunityDraft::default()
                })
                .unwrap(),
            )
            .await
            .unwrap();
        let mut revision = o.revision;
        let path: &[OpportunityStatus] = match status {
            Some(OpportunityStatus::Open) => &[OpportunityStatus::Open],
            Some(OpportunityStatus::Closed) => {
                &[OpportunityStatus::Open, OpportunityStatus::Closed]
            }
            Some(OpportunityStatus::Declined) => &[OpportunityStatus::Declined],
            _ => &[],
        };
        for s in path {
            revision = r
                .set_opportunity_status(Some(&staff()), o.id, revision, Some(*s))
                .await
                .unwrap()
                .revision;
        }
        (o.id.to_key(), org.id.to_key())
    }

    async fn create(
        &self,
        caller: &Caller,
        key: &str,
        draft: &ProjectDraft,
    ) -> Result<ExchangeProject, ResearchError> {
        self.research
            .create_exchange_project(
                Some(caller),
                IdempotencyKey::parse(key)?,
                NewProject::parse(draft)?,
            )
            .await
    }

    async fn move_to(
        &self,
        caller: &Caller,
        p: &ExchangeProject,
        revision: i64,
        to: ProjectStatus,
        reason: &str,
    ) -> Result<ExchangeProject, ResearchError> {
        let change = ProjectMove::parse(&p.id.to_key(), revision, Some(to), reason)?;
        self.research
            .move_exchange_project(Some(caller), &change)
            .await
    }

    async fn participant(
        &self,
        p: &ExchangeProject,
        revision: i64,
        code: &str,
        org: &str,
        add: bool,
    ) -> Result<ExchangeProject, ResearchError> {
        let change = ParticipantChange::parse(&p.id.to_key(), revision, code, org, add)?;
        self.research
            .change_exchange_project_participants(Some(&staff()), &change)
            .await
    }

    async fn visible(&self, caller: Option<&Caller>, p: &ExchangeProject) -> bool {
        let one = self
            .research
            .batch_get_exchange_projects(caller, &[p.id.to_key()])
            .await
            .unwrap();
        let listed = self
            .research
            .list_exchange_projects(caller, &ProjectFilter::default(), &PageRequest::default())
            .await
            .unwrap();
        let in_list = listed.items.iter().any(|x| x.id == p.id);
        assert_eq!(one.len() == 1, in_list, "batch and list agree");
        in_list
    }
}

fn staff() -> Caller {
    Caller::new("staff-lee", "Lee", "GAOK", [Role::BureauStaff])
}

fn official(org: &str) -> Caller {
    Caller::new(
        format!("official-{org}"),
        "Official",
        org,
        [Role::LocalOfficial],
    )
}

fn draft(opportunity: &str, codes: &[&str], orgs: &[&str]) -> ProjectDraft {
    ProjectDraft {
        opportunity_id: opportunity.into(),
        title: LocalizedDraft::of("청소년 기후 캠프", "", "", ""),
        original_language: "ko".into(),
        local_government_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
        organisation_ids: orgs.iter().map(|o| (*o).to_owned()).collect(),
        ..ProjectDraft::default()
    }
}

#[track_caller]
fn refused<T: std::fmt::Debug>(
    r: Result<T, ResearchError>,
    code: ErrorCode,
    reason: Option<&str>,
) -> ResearchError {
    let e = r.expect_err("expected a refusal");
    assert_eq!((e.code(), e.reason()), (code, reason), "{e}");
    e
}

/// Created only from an OPEN opportunity that exists, with organisations that exist; each
/// refusal has its stable code and writes nothing.
async fn links_are_checked(env: Env) {
    let (open, org) = env.network("open", Some(OpportunityStatus::Open)).await;
    let before = env.counts().await;
    for (status, key) in [
        (None, "proposed"),
        (Some(OpportunityStatus::Closed), "closed"),
        (Some(OpportunityStatus::Declined), "declined"),
    ] {
        let (opp, _) = env.network(key, status).await;
        let before = env.counts().await;
        refused(
            env.create(&staff(), key, &draft(&opp, &["26000"], &[]))
                .await,
            ErrorCode::Conflict,
            Some("OPPORTUNITY_NOT_OPEN"),
        );
        assert_eq!(env.counts().await, before, "{key}");
    }
    let before_unknown = env.counts().await;
    let e = refused(
        env.create(
            &staff(),
            "k1",
            &draft(&ExchangeProjectId::new().to_key(), &["26000"], &[]),
        )
        .await,
        ErrorCode::BadUserInput,
        Some("UNKNOWN_OPPORTUNITY"),
    );
    assert_eq!(e.field(), Some("opportunityId"));
    let e = refused(
        env.create(
            &staff(),
            "k2",
            &draft(&open, &["26000"], &[&org, &OrganisationId::new().to_key()]),
        )
        .await,
        ErrorCode::BadUserInput,
        Some("UNKNOWN_ORGANISATION"),
    );
    assert_eq!(e.field(), Some("organisationIds[1]"));
    assert_eq!(
        e.catalogue_message().map(|m| m.key),
        Some("input-project-unknown-organisation".to_owned())
    );
    assert_eq!(env.counts().await, before_unknown);
    refused(
        env.create(&official("26000"), "k3", &draft(&open, &["26000"], &[]))
            .await,
        ErrorCode::Forbidden,
        Some("BUREAU_STAFF_ONLY"),
    );
    assert_eq!(before[0], 0);
    let p = env
        .create(&staff(), "k4", &draft(&open, &["26000", "11000"], &[&org]))
        .await
        .unwrap();
    assert_eq!(
        (p.status, p.opportunity_id.clone(), p.revision),
        (ProjectStatus::Proposal, open.clone(), Revision::FIRST)
    );
    // A retry with the key answers the same project; another input is CONFLICT.
    let again = env
        .create(&staff(), "k4", &draft(&open, &["26000", "11000"], &[&org]))
        .await
        .unwrap();
    assert_eq!(again.id, p.id);
    refused(
        env.create(&staff(), "k4", &draft(&open, &["26000"], &[]))
            .await,
        ErrorCode::Conflict,
        Some("IDEMPOTENCY_KEY_REUSED"),
    );
}

/// PROPOSAL → AGREED → RUNNING → CLOSED; an illegal move or a stale revision is CONFLICT
/// and writes nothing; cancelling needs a reason; a finished project no longer changes.
async fn the_lifecycle(env: Env) {
    let (open, org) = env.network("open", Some(OpportunityStatus::Open)).await;
    let p = env
        .create(&staff(), "p", &draft(&open, &["26000"], &[]))
        .await
        .unwrap();
    let before = env.counts().await;
    refused(
        env.move_to(&staff(), &p, 1, ProjectStatus::Running, "")
            .await,
        ErrorCode::Conflict,
        Some("ILLEGAL_STATUS_MOVE"),
    );
    refused(
        env.move_to(&official("26000"), &p, 1, ProjectStatus::Agreed, "")
            .await,
        ErrorCode::Forbidden,
        Some("BUREAU_STAFF_ONLY"),
    );
    assert_eq!(env.counts().await, before);
    let agreed = env
        .move_to(&staff(), &p, 1, ProjectStatus::Agreed, "")
        .await
        .unwrap();
    assert_eq!(
        (agreed.status, agreed.revision.get()),
        (ProjectStatus::Agreed, 2)
    );
    assert!(agreed.agreed_at.is_some());
    let before = env.counts().await;
    let stale = refused(
        env.move_to(&staff(), &p, 1, ProjectStatus::Running, "")
            .await,
        ErrorCode::Conflict,
        None,
    );
    assert!(
        matches!(stale, ResearchError::StaleRevision { .. }),
        "{stale}"
    );
    assert_eq!(env.counts().await, before);
    let with_org = env.participant(&p, 2, "", &org, true).await.unwrap();
    assert_eq!(with_org.participants.organisation_ids, vec![org.clone()]);
    let running = env
        .move_to(&staff(), &p, 3, ProjectStatus::Running, "")
        .await
        .unwrap();
    let closed = env
        .move_to(
            &staff(),
            &p,
            running.revision.get(),
            ProjectStatus::Closed,
            "",
        )
        .await
        .unwrap();
    assert_eq!(closed.status, ProjectStatus::Closed);
    assert!(closed.started_at.is_some() && closed.ended_at.is_some());
    let before = env.counts().await;
    refused(
        env.move_to(
            &staff(),
            &p,
            closed.revision.get(),
            ProjectStatus::Cancelled,
            "late",
        )
        .await,
        ErrorCode::Conflict,
        Some("ILLEGAL_STATUS_MOVE"),
    );
    refused(
        env.participant(&p, closed.revision.get(), "11000", "", true)
            .await,
        ErrorCode::Conflict,
        Some("PROJECT_FINISHED"),
    );
    assert_eq!(env.counts().await, before);

    let q = env
        .create(&staff(), "q", &draft(&open, &["11000"], &[]))
        .await
        .unwrap();
    let e = refused(
        env.move_to(&staff(), &q, 1, ProjectStatus::Cancelled, " ")
            .await,
        ErrorCode::BadUserInput,
        None,
    );
    assert_eq!(e.field(), Some("reason"));
    let cancelled = env
        .move_to(
            &staff(),
            &q,
            1,
            ProjectStatus::Cancelled,
            "No budget this year.",
        )
        .await
        .unwrap();
    assert_eq!(
        (cancelled.status, cancelled.cancel_reason.as_str()),
        (ProjectStatus::Cancelled, "No budget this year.")
    );
    // Every change wrote an audit row and an outbox event.
    let audited: i64 = glocal_kit::testing::count_rows(&env.db, "audit").await;
    assert!(audited >= 8, "{audited}");
}

/// Participants join once, leave if they are in, and one local government always stays.
async fn participants(env: Env) {
    let (open, org) = env.network("open", Some(OpportunityStatus::Open)).await;
    let p = env
        .create(&staff(), "p", &draft(&open, &["26000"], &[]))
        .await
        .unwrap();
    let before = env.counts().await;
    refused(
        env.participant(&p, 1, "26000", "", true).await,
        ErrorCode::Conflict,
        Some("ALREADY_A_PARTICIPANT"),
    );
    refused(
        env.participant(&p, 1, "26000", "", false).await,
        ErrorCode::Conflict,
        Some("LAST_LOCAL_GOVERNMENT"),
    );
    refused(
        env.participant(&p, 1, "", &org, false).await,
        ErrorCode::Conflict,
        Some("NOT_A_PARTICIPANT"),
    );
    let e = refused(
        env.participant(&p, 1, "", &OrganisationId::new().to_key(), true)
            .await,
        ErrorCode::BadUserInput,
        Some("UNKNOWN_ORGANISATION"),
    );
    assert_eq!(e.field(), Some("organisationId"));
    assert_eq!(env.counts().await, before);
    let two = env.participant(&p, 1, "11000", "", true).await.unwrap();
    let three = env
        .participant(&p, two.revision.get(), "", &org, true)
        .await
        .unwrap();
    let one = env
        .participant(&p, three.revision.get(), "26000", "", false)
        .await
        .unwrap();
    assert_eq!(
        (
            one.participants.local_government_codes.clone(),
            one.participants.organisation_ids.clone(),
            one.revision.get()
        ),
        (vec!["11000".to_owned()], vec![org], 4)
    );
    refused(
        env.participant(&p, 2, "41000", "", true).await,
        ErrorCode::Conflict,
        None,
    );
}

/// Staff see everything; officials their local governments' projects and logs; everyone
/// else AGREED, RUNNING and CLOSED projects without their log.
async fn scoping_and_the_log(env: Env) {
    let (open, _) = env.network("open", Some(OpportunityStatus::Open)).await;
    let p = env
        .create(&staff(), "p", &draft(&open, &["26000"], &[]))
        .await
        .unwrap();
    let busan = official("26000");
    let seoul = official("11000");
    assert!(env.visible(Some(&staff()), &p).await);
    assert!(env.visible(Some(&busan), &p).await);
    assert!(!env.visible(Some(&seoul), &p).await);
    assert!(!env.visible(None, &p).await);
    let by_lg = env
        .research
        .list_exchange_projects(
            Some(&staff()),
            &ProjectFilter::parse(vec![], "11000", "").unwrap(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(by_lg.total_count, 0);
    let by_status = env
        .research
        .list_exchange_projects(
            Some(&staff()),
            &ProjectFilter::parse(vec![ProjectStatus::Proposal], "", &open).unwrap(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(by_status.total_count, 1);
    assert_every_page_counts(1, async |page| {
        let proposals = ProjectFilter::parse(vec![ProjectStatus::Proposal], "", &open).unwrap();
        env.research
            .list_exchange_projects(Some(&staff()), &proposals, &page)
            .await
            .unwrap()
    })
    .await;

    let entry = |summary: &str| {
        NewProjectInteraction::parse(
            &p.id.to_key(),
            Some(InteractionKind::Meeting),
            "2026-05-20",
            summary,
        )
        .unwrap()
    };
    let key = |k: &str| IdempotencyKey::parse(k).unwrap();
    refused(
        env.research
            .record_project_interaction(Some(&seoul), key("s1"), &entry("Seoul?"))
            .await,
        ErrorCode::NotFound,
        None,
    );
    let logged = env
        .research
        .record_project_interaction(Some(&busan), key("b1"), &entry("Kick-off in Busan."))
        .await
        .unwrap();
    env.research
        .record_project_interaction(Some(&staff()), key("st1"), &entry("Budget call."))
        .await
        .unwrap();
    let log = env
        .research
        .list_project_interactions(Some(&busan), &p.id, &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(log.total_count, 2);
    assert!(log.items.iter().any(|i| i.id == logged.id));
    let agreed = env
        .move_to(&staff(), &p, 1, ProjectStatus::Agreed, "")
        .await
        .unwrap();
    assert_eq!(agreed.interaction_count, 2);
    // Public now, but its log is still for staff and the local governments involved.
    assert!(env.visible(Some(&seoul), &p).await && env.visible(None, &p).await);
    refused(
        env.research
            .list_project_interactions(Some(&seoul), &p.id, &PageRequest::default())
            .await,
        ErrorCode::Forbidden,
        Some("PROJECT_LOG_AUDIENCE"),
    );
    refused(
        env.research
            .list_project_interactions(None, &p.id, &PageRequest::default())
            .await,
        ErrorCode::Unauthenticated,
        None,
    );
    let cancelled = env
        .move_to(
            &staff(),
            &p,
            agreed.revision.get(),
            ProjectStatus::Cancelled,
            "Dropped.",
        )
        .await
        .unwrap();
    assert!(!env.visible(Some(&seoul), &cancelled).await);
    refused(
        env.research
            .record_project_interaction(Some(&busan), key("b2"), &entry("After."))
            .await,
        ErrorCode::Conflict,
        Some("PROJECT_FINISHED"),
    );
}

/// Of two concurrent moves quoting the same revision, exactly one wins.
async fn concurrent_moves_let_exactly_one_win(env: Env) {
    let (open, _) = env.network("open", Some(OpportunityStatus::Open)).await;
    let p = env
        .create(&staff(), "p", &draft(&open, &["26000"], &[]))
        .await
        .unwrap();
    let who = staff();
    let (a, b) = tokio::join!(
        env.move_to(&who, &p, 1, ProjectStatus::Agreed, ""),
        env.move_to(&who, &p, 1, ProjectStatus::Cancelled, "No."),
    );
    assert_eq!(
        usize::from(a.is_ok()) + usize::from(b.is_ok()),
        1,
        "{a:?} {b:?}"
    );
}

/// The batched first pages answer what single lists answer, item by item, in at most three
/// queries, and a log the caller may not read fails its own entry only.
async fn batched_logs_answer_like_single_lists(env: Env) {
    let (open, _) = env.network("open", Some(OpportunityStatus::Open)).await;
    let mut ids = Vec::new();
    for (i, code) in ["26000", "11000"].iter().enumerate() {
        let p = env
            .create(&staff(), &format!("p{i}"), &draft(&open, &[code], &[]))
            .await
            .unwrap();
        for n in 0..3 {
            env.research
                .record_project_interaction(
                    Some(&staff()),
                    IdempotencyKey::parse(&format!("p{i}-{n}")).unwrap(),
                    &NewProjectInteraction::parse(
                        &p.id.to_key(),
                        Some(InteractionKind::Visit),
                        &format!("2026-05-2{n}"),
                        "Visit.",
                    )
                    .unwrap(),
                )
                .await
                .unwrap();
        }
        env.move_to(&staff(), &p, 1, ProjectStatus::Agreed, "")
            .await
            .unwrap();
        ids.push(p.id.to_key());
    }
    let mut asked = ids.clone();
    asked.push(ExchangeProjectId::new().to_key());
    asked.push("not-an-id".into());
    asked.push(ids[0].clone());
    let busan = official("26000");
    let logs = env
        .research
        .batch_list_project_interactions(Some(&busan), &asked, 2)
        .await
        .unwrap();
    assert_eq!(logs.len(), asked.len());
    for (log, id) in logs.iter().zip(&asked) {
        assert_eq!(&log.project_id, id);
        let single = match ExchangeProjectId::parse(id, "projectId") {
            Ok(pid) => {
                env.research
                    .list_project_interactions(
                        Some(&busan),
                        &pid,
                        &PageRequest {
                            first: 2,
                            after: None,
                        },
                    )
                    .await
            }
            Err(e) => Err(e.into()),
        };
        match (&log.page, single) {
            (Ok(a), Ok(b)) => assert_eq!(*a, b),
            (Err(a), Err(b)) => assert_eq!((a.code(), a.field()), (b.code(), b.field())),
            (a, b) => panic!("{id}: batch {a:?}, single {b:?}"),
        }
    }
    let first = logs[0].page.as_ref().unwrap();
    assert_eq!(
        (first.items.len(), first.total_count, first.has_next_page),
        (2, 3, true)
    );
    assert_eq!(
        logs[1].page.as_ref().unwrap_err().code(),
        ErrorCode::Forbidden
    );
    assert_eq!(
        logs[2].page.as_ref().unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        logs[3].page.as_ref().unwrap_err().code(),
        ErrorCode::BadUserInput
    );
    let too_many = vec![ids[0].clone(); 101];
    refused(
        env.research
            .batch_list_project_interactions(Some(&busan), &too_many, 2)
            .await,
        ErrorCode::BadUserInput,
        None,
    );
}

glocal_kit::on_both_backends!(
    batched_logs_answer_like_single_lists,
    links_are_checked,
    the_lifecycle,
    participants,
    scoping_and_the_log,
    concurrent_moves_let_exactly_one_win,
);
