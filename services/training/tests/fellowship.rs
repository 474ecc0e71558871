//! The invitation fellowship (K2H, ADR 0051) on real databases: the relationship rule with
//! staff confirmation, the host local government per participant, and cost shares feeding
//! the stipend schedule and the participants' costs, with who sees what. Every test body
//! runs on PostgreSQL and on SQLite in memory; the gRPC face is tested on SQLite.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use glocal_kit::error::{ErrorCode, REASON_METADATA, ServiceError};
use glocal_kit::{Caller, Role};
use glocal_training::domain::{
    Answer, ApplicantKind, ApplicationDraft, ApplicationState, CostDraft, CostFrequency, CostItem,
    CostShareDraft, Decision, EditionDraft, EligibilityDraft, NationalityRule, Note,
    OrganisationType, ParticipantDraft, PartnerRelationshipStatus, Payer, ProfileDraft,
    ProgrammeDraft, ProgrammeKind, RelationshipStanding, ScreeningOutcome, TextDraft,
};
use glocal_training::service::{Application, Edition};
use glocal_training::{Config, TrainingError, TrainingOffice};
use sea_orm::{ConnectionTrait, DatabaseConnection};

const DANANG: &str = "5d0a0a6e-0000-4000-8000-000000000001";

struct Env {
    db: DatabaseConnection,
    office: TrainingOffice,
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_training::migrate(&db).await.unwrap();
        let now: Arc<Mutex<DateTime<Utc>>> = Arc::new(Mutex::new(
            Utc.with_ymd_and_hms(2026, 3, 15, 0, 0, 0).unwrap(),
        ));
        let office = TrainingOffice::new(db.clone(), Config::default())
            .with_clock(Arc::new(move || *now.lock().unwrap()));
        Env { db, office }
    }

    /// (applications, history rows, outbox rows)
    async fn counts(&self) -> (i64, i64, i64) {
        let c = |t| glocal_kit::testing::count_rows(&self.db, t);
        (
            c("application").await,
            c("history").await,
            c("outbox").await,
        )
    }

    async fn programme(&self, kind: ProgrammeKind) -> glocal_training::service::Programme {
        let draft = ProgrammeDraft {
            idempotency_key: format!("p-{kind}"),
            kind: Some(kind),
            title: TextDraft {
                en: format!("{kind}"),
                ..TextDraft::default()
            },
            published: true,
            ..ProgrammeDraft::default()
        };
        self.office
            .create_programme(Some(&admin()), draft.parse().unwrap())
            .await
            .unwrap()
    }

    /// The 2026 fellowship (April–September), hosts Busan and Seoul, the bureau's split.
    async fn fellowship(&self) -> Edition {
        let p = self.programme(ProgrammeKind::InvitationFellowship).await;
        self.office
            .create_edition(
                Some(&admin()),
                k2h_draft(&p.id.to_string()).parse().unwrap(),
            )
            .await
            .unwrap()
    }

    async fn apply(
        &self,
        who: &Caller,
        edition: &Edition,
        partner: &str,
        facts: Option<Vec<PartnerRelationshipStatus>>,
    ) -> Result<Application, TrainingError> {
        let draft = ApplicationDraft {
            idempotency_key: format!("{}-{partner}", who.subject),
            edition_id: edition.id.to_string(),
            profile: profile(&who.name),
            answers: vec![Answer {
                question: "Why?".into(),
                answer: "A smart-port project with Busan.".into(),
            }],
            partner_organisation_id: partner.into(),
            relationships: facts,
            ..ApplicationDraft::default()
        };
        self.office
            .submit_application(Some(who), draft.parse()?)
            .await
    }

    async fn screen(
        &self,
        a: &Application,
        outcome: ScreeningOutcome,
    ) -> Result<Application, TrainingError> {
        self.office
            .screen(Some(&admin()), a.id, a.version, outcome, note(""))
            .await
    }

    /// Applied with an active relationship, screened, accepted and placed with `host`.
    async fn participant(&self, who: &Caller, e: &Edition, host: &str, joins: &str) -> Application {
        let a = self
            .apply(
                who,
                e,
                DANANG,
                Some(vec![PartnerRelationshipStatus::Active]),
            )
            .await
            .unwrap();
        let a = self.screen(&a, ScreeningOutcome::Start).await.unwrap();
        let a = self.screen(&a, ScreeningOutcome::Pass).await.unwrap();
        let a = self
            .office
            .decide(Some(&admin()), a.id, a.version, Decision::Accept, note(""))
            .await
            .unwrap();
        let update = ParticipantDraft {
            host_code: host.into(),
            joined_on: joins.into(),
            ..ParticipantDraft::default()
        };
        self.office
            .update_participant(Some(&admin()), a.id, a.version, update.parse().unwrap())
            .await
            .unwrap()
    }
}

fn admin() -> Caller {
    Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin])
}

fn official(sub: &str, org: &str) -> Caller {
    Caller::new(sub, format!("Official {sub}"), org, [Role::LocalOfficial])
}

fn note(s: &str) -> Note {
    Note::parse(s).unwrap()
}

fn profile(name: &str) -> glocal_training::domain::ProfileDraft {
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

fn share(payer: Payer, item: CostItem, frequency: CostFrequency, won: i64) -> CostShareDraft {
    CostShareDraft {
        payer: Some(payer),
        item: Some(item),
        amount_minor: won,
        currency: "KRW".into(),
        frequency: Some(frequency),
    }
}

fn k2h_draft(programme_id: &str) -> EditionDraft {
    use CostFrequency::*;
    use CostItem::*;
    use Payer::*;
    EditionDraft {
        idempotency_key: format!("e-{programme_id}"),
        programme_id: programme_id.into(),
        term: "2026".into(),
        starts_on: "2026-04-01".into(),
        ends_on: "2026-09-30".into(),
        applications_open_on: "2026-03-01".into(),
        applications_close_on: "2026-03-31".into(),
        capacity: 60,
        languages: vec!["en".into()],
        eligibility: EligibilityDraft {
            organisation_types: vec![OrganisationType::ForeignLocalGovernment],
            nationality: Some(NationalityRule::Foreign),
            ..EligibilityDraft::default()
        },
        shares: vec![
            share(Association, PreTraining, OneOff, 1_200_000),
            share(Association, Insurance, OneOff, 350_000),
            share(Association, LivingExpenses, Monthly, 400_000),
            share(HostLocalGovernment, Accommodation, Monthly, 650_000),
            share(HostLocalGovernment, LivingExpenses, Monthly, 400_000),
        ],
        host_codes: vec!["26000".into(), "11000".into()],
        published: true,
        ..EditionDraft::default()
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, TrainingError>) -> ErrorCode {
    r.unwrap_err().code()
}

fn reason<T: std::fmt::Debug>(r: Result<T, TrainingError>) -> String {
    r.unwrap_err().reason().unwrap_or_default().to_owned()
}

// ---- tests ------------------------------------------------------------------------------

async fn a_current_or_intended_relationship_passes_and_none_is_held_for_staff(env: Env) {
    use PartnerRelationshipStatus::*;
    let e = env.fellowship().await;
    let standing = |a: &Application| a.relationship;
    let current = env
        .apply(
            &official("a", "VN-DN"),
            &e,
            DANANG,
            Some(vec![Ended, Active]),
        )
        .await
        .unwrap();
    assert_eq!(standing(&current), Some(RelationshipStanding::Current));
    assert_eq!(current.partner_organisation_id.as_deref(), Some(DANANG));
    let intended = env
        .apply(&official("b", "VN-HUE"), &e, DANANG, Some(vec![Proposed]))
        .await
        .unwrap();
    assert_eq!(standing(&intended), Some(RelationshipStanding::Intended));
    // Suspended or ended only, nothing looked up, or no partner named: held.
    for (who, partner, facts) in [
        ("c", DANANG, Some(vec![Suspended, Ended])),
        ("d", DANANG, None),
        ("f", "", Some(vec![Active])),
    ] {
        let held = env
            .apply(&official(who, "LA-VT"), &e, partner, facts)
            .await
            .unwrap();
        assert_eq!(
            standing(&held),
            Some(RelationshipStanding::Unconfirmed),
            "{who}"
        );
        assert_eq!(held.state, ApplicationState::Submitted);
    }
    let held = env
        .apply(&official("g", "LA-VT"), &e, DANANG, Some(vec![]))
        .await
        .unwrap();
    // The submission's history says where it stands.
    assert_eq!(held.history[0].action, "submit");
    assert!(
        held.history[0].note.contains("UNCONFIRMED"),
        "{}",
        held.history[0].note
    );

    // Screening may start but cannot pass a held application; nothing is written.
    let held = env.screen(&held, ScreeningOutcome::Start).await.unwrap();
    let before = env.counts().await;
    let refused = env.screen(&held, ScreeningOutcome::Pass).await;
    assert_eq!(reason(refused), "RELATIONSHIP_UNCONFIRMED");
    assert_eq!(env.counts().await, before);

    // Only the edition's managers confirm, with a note, at the current version.
    let held_id = held.id;
    let confirm = |who: Caller, version, text: &str| {
        let office = env.office.clone();
        let n = note(text);
        async move {
            office
                .confirm_relationship(Some(&who), held_id, version, n, None)
                .await
        }
    };
    assert_eq!(
        code(confirm(official("g", "LA-VT"), held.version, "mine").await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(confirm(official("x", "VN-DN"), held.version, "x").await),
        ErrorCode::NotFound
    );
    let staff = Caller::new("staff-1", "Staff", "GAOK", [Role::BureauStaff]);
    assert_eq!(
        code(confirm(staff.clone(), held.version, "").await),
        ErrorCode::BadUserInput
    );
    assert_eq!(
        code(confirm(staff.clone(), held.version.next(), "ok").await),
        ErrorCode::Conflict
    );
    assert_eq!(env.counts().await, before);
    let confirmed = confirm(
        staff.clone(),
        held.version,
        "Vientiane and Busan agreed to start an MOU; letter of 2 March.",
    )
    .await
    .unwrap();
    assert_eq!(
        confirmed.relationship,
        Some(RelationshipStanding::ConfirmedByStaff)
    );
    assert_eq!(confirmed.state, ApplicationState::Screening);
    assert_eq!(confirmed.version, held.version.next());
    let last = confirmed.history.last().unwrap();
    assert_eq!(last.action, "confirm_relationship");
    assert_eq!(last.actor_subject, "staff-1");
    assert!(last.note.contains("letter of 2 March"));
    let (apps, history, outbox) = env.counts().await;
    assert_eq!(
        (apps, history, outbox),
        (before.0, before.1 + 1, before.2 + 1)
    );
    // Confirmed once; a current relationship needs no confirmation.
    assert_eq!(
        reason(confirm(staff.clone(), confirmed.version, "again").await),
        "RELATIONSHIP_NOT_HELD"
    );
    let other = env.office.confirm_relationship(
        Some(&staff),
        current.id,
        current.version,
        note("not needed"),
        None,
    );
    assert_eq!(reason(other.await), "RELATIONSHIP_NOT_HELD");
    // Now screening passes it.
    let passed = env
        .screen(&confirmed, ScreeningOutcome::Pass)
        .await
        .unwrap();
    assert_eq!(passed.state, ApplicationState::UnderReview);
}

async fn concurrent_confirmations_record_one_decision(env: Env) {
    let e = env.fellowship().await;
    let held = env
        .apply(&official("a", "LA-VT"), &e, DANANG, Some(vec![]))
        .await
        .unwrap();
    let before = env.counts().await;
    let tasks: Vec<_> = (0..4)
        .map(|i| {
            let office = env.office.clone();
            let staff = Caller::new(format!("staff-{i}"), "Staff", "GAOK", [Role::BureauStaff]);
            tokio::spawn(async move {
                office
                    .confirm_relationship(
                        Some(&staff),
                        held.id,
                        held.version,
                        note("the MOU under negotiation with Busan"),
                        // Staff see the proposed relationship the applicant could not.
                        Some(vec![PartnerRelationshipStatus::Proposed]),
                    )
                    .await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e.code(), ErrorCode::Conflict, "{e}"),
        }
    }
    assert_eq!(ok, 1);
    let after = env.counts().await;
    assert_eq!((after.1, after.2), (before.1 + 1, before.2 + 1));
    let a = env
        .office
        .get_application(Some(&admin()), held.id)
        .await
        .unwrap();
    assert_eq!(a.relationship, Some(RelationshipStanding::Intended));
}

async fn only_fellowship_applications_name_a_partner_and_drafts_are_judged_on_submit(env: Env) {
    let academy = env.programme(ProgrammeKind::Academy).await;
    let mut d = k2h_draft(&academy.id.to_string());
    d.shares.clear();
    d.eligibility = EligibilityDraft::default();
    let academy = env
        .office
        .create_edition(Some(&admin()), d.parse().unwrap())
        .await
        .unwrap();
    let before = env.counts().await;
    let err = env
        .apply(&official("a", "11000"), &academy, DANANG, None)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("partnerOrganisationId"));
    let err = env
        .apply(&official("a", "11000"), &academy, "da-nang", None)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("partnerOrganisationId"));
    assert_eq!(env.counts().await, before);
    let plain = env
        .apply(&official("a", "11000"), &academy, "", None)
        .await
        .unwrap();
    assert_eq!(plain.relationship, None);

    // A fellowship draft is judged when it is submitted, with the facts of that moment.
    let e = env.fellowship().await;
    let lan = official("lan", "VN-DN");
    let draft = ApplicationDraft {
        idempotency_key: "draft".into(),
        edition_id: e.id.to_string(),
        profile: profile("Lan"),
        as_draft: true,
        partner_organisation_id: DANANG.into(),
        ..ApplicationDraft::default()
    };
    let draft = env
        .office
        .submit_application(Some(&lan), draft.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(draft.relationship, None);
    let submitted = env
        .office
        .submit_draft(
            Some(&lan),
            draft.id,
            draft.version,
            Some(vec![PartnerRelationshipStatus::Proposed]),
        )
        .await
        .unwrap();
    assert_eq!(submitted.relationship, Some(RelationshipStanding::Intended));
}

async fn stipends_and_costs_come_from_the_shares_and_hosts_see_their_participants(env: Env) {
    let e = env.fellowship().await;
    assert_eq!(e.cost_policy.shares.len(), 5);
    assert_eq!(e.cost_policy.stipends().len(), 2);
    let lan = official("lan", "VN-DN");
    let minh = official("minh", "VN-HUE");
    let a = env.participant(&lan, &e, "26000", "2026-04-01").await;
    // The host is one of the edition's hosts; nothing is written otherwise.
    let before = env.counts().await;
    let err = env
        .office
        .update_participant(
            Some(&admin()),
            a.id,
            a.version,
            ParticipantDraft {
                host_code: "41000".into(),
                ..ParticipantDraft::default()
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (ErrorCode::BadUserInput, Some("hostCode"))
    );
    assert_eq!(env.counts().await, before);
    // Minh joins on 16 April in Seoul: April is 15 of 30 days.
    let b = env.participant(&minh, &e, "11000", "2026-04-16").await;

    // The stipend schedule is the two monthly living-expense shares.
    let s = env
        .office
        .generate_stipend_schedule(Some(&admin()), a.id)
        .await
        .unwrap();
    assert_eq!(s.payments.len(), 12);
    assert!(
        s.payments
            .iter()
            .all(|p| p.amount.amount_minor() == 400_000)
    );
    let s = env
        .office
        .generate_stipend_schedule(Some(&admin()), b.id)
        .await
        .unwrap();
    assert_eq!(s.totals[0].amount_minor(), 2 * (200_000 + 5 * 400_000));

    // Staff see every participant with totals per payer and host.
    let sheet = env
        .office
        .participant_costs(Some(&admin()), e.id)
        .await
        .unwrap();
    assert_eq!(sheet.participants.len(), 2);
    let lan_costs = &sheet.participants[0];
    let totals: Vec<_> = lan_costs
        .totals
        .iter()
        .map(|t| (t.payer, t.host_code.as_deref(), t.amount.amount_minor()))
        .collect();
    assert_eq!(
        totals,
        [
            (Payer::Association, None, 1_200_000 + 350_000 + 6 * 400_000),
            (
                Payer::HostLocalGovernment,
                Some("26000"),
                6 * (650_000 + 400_000)
            ),
        ]
    );
    // Minh's living expenses equal his stipend schedule per payer.
    let minh_living: Vec<_> = sheet.participants[1]
        .costs
        .iter()
        .filter(|c| c.item == CostItem::LivingExpenses)
        .map(|c| c.amount.amount_minor())
        .collect();
    assert_eq!(minh_living, [2_200_000, 2_200_000]);
    let edition: Vec<_> = sheet
        .totals
        .iter()
        .map(|t| (t.payer, t.host_code.as_deref()))
        .collect();
    assert_eq!(
        edition,
        [
            (Payer::Association, None),
            (Payer::HostLocalGovernment, Some("26000")),
            (Payer::HostLocalGovernment, Some("11000")),
        ]
    );

    // Busan's officials see the participant Busan hosts, and only that one.
    let busan = env
        .office
        .participant_costs(Some(&official("busan-1", "26000")), e.id)
        .await
        .unwrap();
    assert_eq!(busan.participants.len(), 1);
    assert_eq!(busan.participants[0].application_id, a.id);
    assert_eq!(busan.totals.len(), 2);
    // Another local government sees none; the participant sees their own.
    let gyeonggi = env
        .office
        .participant_costs(Some(&official("gg-1", "41000")), e.id)
        .await
        .unwrap();
    assert!(gyeonggi.participants.is_empty() && gyeonggi.totals.is_empty());
    let own = env
        .office
        .participant_costs(Some(&minh), e.id)
        .await
        .unwrap();
    assert_eq!(own.participants.len(), 1);
    assert_eq!(own.participants[0].application_id, b.id);
    // Partners may not; anonymous callers must sign in.
    let partner = Caller::new("p", "Partner", "JP-OSAKA", [Role::Partner]);
    assert_eq!(
        code(env.office.participant_costs(Some(&partner), e.id).await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(env.office.participant_costs(None, e.id).await),
        ErrorCode::Unauthenticated
    );
}

async fn shares_are_checked_and_editions_stored_before_shares_stay_readable(env: Env) {
    let p = env.programme(ProgrammeKind::InvitationFellowship).await;
    let mut d = k2h_draft(&p.id.to_string());
    d.shares[2].frequency = Some(CostFrequency::OneOff);
    let err = d.parse().unwrap_err();
    assert_eq!(err.field(), "costPolicy.shares[2].frequency");
    let mut d = k2h_draft(&p.id.to_string());
    d.shares[1].item = Some(CostItem::PreTraining);
    assert_eq!(d.parse().unwrap_err().field(), "costPolicy.shares[1].item");

    // An edition stored with stipend lines and free-text costs (the format before shares).
    let mut d = k2h_draft(&p.id.to_string());
    d.shares.clear();
    d.costs = vec![CostDraft {
        payer: Some(Payer::HostLocalGovernment),
        item: "accommodation".into(),
    }];
    let e = env
        .office
        .create_edition(Some(&admin()), d.parse().unwrap())
        .await
        .unwrap();
    let old = r#"{"stipends":[{"payer":"ASSOCIATION","amount_minor":400000,"currency":"KRW"},{"payer":"HOST_LOCAL_GOVERNMENT","amount_minor":400000,"currency":"KRW"}],"costs":[{"payer":"HOST_LOCAL_GOVERNMENT","item":"accommodation"}]}"#;
    // The only edition of this database.
    env.db
        .execute_unprepared(&format!("UPDATE edition SET cost_policy = '{old}'"))
        .await
        .unwrap();
    let read = env
        .office
        .get_edition(Some(&admin()), e.id, false)
        .await
        .unwrap();
    let items: Vec<_> = read
        .cost_policy
        .shares
        .iter()
        .map(|s| (s.payer, s.item, s.frequency))
        .collect();
    assert_eq!(
        items,
        [
            (
                Payer::Association,
                CostItem::LivingExpenses,
                CostFrequency::Monthly
            ),
            (
                Payer::HostLocalGovernment,
                CostItem::LivingExpenses,
                CostFrequency::Monthly
            ),
        ]
    );
    assert_eq!(read.cost_policy.notes[0].item, "accommodation");
    let a = env
        .participant(&official("lan", "VN-DN"), &read, "26000", "2026-04-01")
        .await;
    let s = env
        .office
        .generate_stipend_schedule(Some(&admin()), a.id)
        .await
        .unwrap();
    assert_eq!(s.payments.len(), 12);
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 2),
    sqlite();
    env: [
        a_current_or_intended_relationship_passes_and_none_is_held_for_staff,
        concurrent_confirmations_record_one_decision,
        only_fellowship_applications_name_a_partner_and_drafts_are_judged_on_submit,
        stipends_and_costs_come_from_the_shares_and_hosts_see_their_participants,
        shares_are_checked_and_editions_stored_before_shares_stay_readable,
    ];
);

// ---- gRPC --------------------------------------------------------------------------------

mod grpc {
    use super::*;
    use glocal_proto::training::v1 as pb;
    use glocal_proto::training::v1::fellowship_service_client::FellowshipServiceClient;
    use glocal_proto::training::v1::training_service_client::TrainingServiceClient;
    use tonic::Code;

    fn with_caller<T>(message: T, caller: Option<&Caller>) -> tonic::Request<T> {
        let mut req = tonic::Request::new(message);
        glocal_kit::grpc::sign_caller(req.metadata_mut(), caller);
        req
    }

    fn reason_of(status: &tonic::Status) -> String {
        status
            .metadata()
            .get(REASON_METADATA)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn the_fellowship_service_confirms_and_prices_over_grpc() {
        glocal_kit::telemetry::init_for_test();
        let db = glocal_kit::db::connect("sqlite::memory:").await.unwrap();
        glocal_training::migrate(&db).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let training_addr = listener.local_addr().unwrap();
        let url = format!("http://{training_addr}");
        let settings = glocal_kit::Settings::default();
        let (trigger, shutdown) = glocal_kit::shutdown::channel();
        let server =
            tokio::spawn(
                async move { glocal_training::serve(db, &settings, listener, shutdown).await },
            );
        let mut training = TrainingServiceClient::connect(url.clone()).await.unwrap();
        let mut fellowship = FellowshipServiceClient::connect(url).await.unwrap();
        let admin = admin();
        let lan = Caller::new("lan", "Lan", "VN-DN", [Role::LocalOfficial]);

        let p = training
            .create_programme(with_caller(
                pb::CreateProgrammeRequest {
                    idempotency_key: "k2h".into(),
                    kind: pb::ProgrammeKind::InvitationFellowship as i32,
                    title: Some(glocal_proto::common::v1::LocalizedText {
                        en: "K2H".into(),
                        ..Default::default()
                    }),
                    published: true,
                    ..Default::default()
                },
                Some(&admin),
            ))
            .await
            .unwrap()
            .into_inner();
        let won = |amount_minor| {
            Some(pb::Money {
                amount_minor,
                currency: "KRW".into(),
            })
        };
        let e = training
            .create_edition(with_caller(
                pb::CreateEditionRequest {
                    idempotency_key: "e".into(),
                    programme_id: p.id,
                    term: "2099".into(),
                    starts_on: "2099-04-01".into(),
                    ends_on: "2099-09-30".into(),
                    applications_open_on: "2000-01-01".into(),
                    applications_close_on: "2099-03-31".into(),
                    capacity: 5,
                    languages: vec!["en".into()],
                    cost_policy: Some(pb::CostPolicy {
                        shares: vec![
                            pb::PayerShare {
                                payer: pb::Payer::Association as i32,
                                item: pb::CostItem::Insurance as i32,
                                amount: won(350_000),
                                frequency: pb::CostFrequency::OneOff as i32,
                            },
                            pb::PayerShare {
                                payer: pb::Payer::HostLocalGovernment as i32,
                                item: pb::CostItem::LivingExpenses as i32,
                                amount: won(400_000),
                                frequency: pb::CostFrequency::Monthly as i32,
                            },
                        ],
                        ..Default::default()
                    }),
                    host_codes: vec!["26000".into()],
                    published: true,
                    ..Default::default()
                },
                Some(&admin),
            ))
            .await
            .unwrap()
            .into_inner();
        let policy = e.cost_policy.clone().unwrap();
        assert_eq!(policy.shares.len(), 2);
        // The living-expense share is also the stipend line older clients read.
        assert_eq!(policy.stipends.len(), 1);
        assert_eq!(
            policy.stipends[0].payer,
            pb::Payer::HostLocalGovernment as i32
        );

        let a = training
            .submit_application(with_caller(
                pb::SubmitApplicationRequest {
                    idempotency_key: "a".into(),
                    edition_id: e.id.clone(),
                    profile: Some(pb::ApplicantProfile {
                        kind: pb::ApplicantKind::Official as i32,
                        full_name: "Lan".into(),
                        nationality: "VN".into(),
                        organisation_type: pb::OrganisationType::ForeignLocalGovernment as i32,
                        organisation: "Da Nang".into(),
                        languages: vec!["en".into()],
                        ..Default::default()
                    }),
                    partner_organisation_id: DANANG.into(),
                    relationships: Some(pb::RelationshipFacts {
                        statuses: vec![pb::PartnerRelationshipStatus::Ended as i32],
                    }),
                    ..Default::default()
                },
                Some(&lan),
            ))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(a.relationship, pb::RelationshipStanding::Unconfirmed as i32);
        assert_eq!(a.partner_organisation_id, DANANG);

        let confirm = |version, note: &str, who: &Caller| {
            with_caller(
                pb::ConfirmRelationshipRequest {
                    id: a.id.clone(),
                    version,
                    note: note.into(),
                    relationships: None,
                },
                Some(who),
            )
        };
        let err = fellowship
            .confirm_relationship(confirm(a.version, "mine", &lan))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        let err = fellowship
            .confirm_relationship(confirm(a.version, "", &admin))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        let ok = fellowship
            .confirm_relationship(confirm(a.version, "agreed with Busan", &admin))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            ok.relationship,
            pb::RelationshipStanding::ConfirmedByStaff as i32
        );
        let err = fellowship
            .confirm_relationship(confirm(ok.version, "again", &admin))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition);
        assert_eq!(reason_of(&err), "RELATIONSHIP_NOT_HELD");

        // No participants yet: an empty sheet; anonymous callers must sign in.
        let sheet = fellowship
            .list_participant_costs(with_caller(
                pb::ListParticipantCostsRequest {
                    edition_id: e.id.clone(),
                },
                Some(&admin),
            ))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(sheet.edition_id, e.id);
        assert!(sheet.participants.is_empty());
        let err = fellowship
            .list_participant_costs(with_caller(
                pb::ListParticipantCostsRequest {
                    edition_id: e.id.clone(),
                },
                None,
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated);
        let err = fellowship
            .list_participant_costs(with_caller(
                pb::ListParticipantCostsRequest {
                    edition_id: "nope".into(),
                },
                Some(&admin),
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);

        // Health reports the fellowship service too.
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", training_addr))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let status = tonic_health::pb::health_client::HealthClient::new(channel)
            .check(tonic_health::pb::HealthCheckRequest {
                service: glocal_training::FELLOWSHIP_SERVICE_NAME.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        assert_eq!(
            status,
            tonic_health::pb::health_check_response::ServingStatus::Serving as i32
        );

        trigger.trigger();
        server.await.unwrap().unwrap();
    }
}
