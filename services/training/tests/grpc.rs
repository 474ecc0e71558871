//! The gRPC face: the service served on port 0 and called with the generated client.

use glocal_kit::caller::{Caller, Role};
use glocal_kit::error::FIELD_METADATA;
use glocal_proto::common::v1::LocalizedText;
use glocal_proto::training::v1 as pb;
use glocal_proto::training::v1::training_service_client::TrainingServiceClient;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// The training server on a port of its own over an in-memory database.
struct Served {
    url: String,
    trigger: glocal_kit::shutdown::ShutdownTrigger,
    server: tokio::task::JoinHandle<Result<(), glocal_training::TrainingError>>,
}

async fn serve() -> Served {
    glocal_kit::telemetry::init_for_test();
    let db = glocal_kit::db::connect("sqlite::memory:").await.unwrap();
    glocal_training::migrate(&db).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = glocal_kit::Settings::default();
    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let server =
        tokio::spawn(
            async move { glocal_training::serve(db, &settings, listener, shutdown).await },
        );
    Served {
        url: format!("http://{addr}"),
        trigger,
        server,
    }
}

fn with_caller<T>(message: T, caller: Option<&Caller>) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    glocal_kit::grpc::sign_caller(req.metadata_mut(), caller);
    req
}

fn field(status: &tonic::Status) -> String {
    status
        .metadata()
        .get(FIELD_METADATA)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_grpc_api_maps_input_rules_and_codes() {
    let Served {
        url,
        trigger,
        server,
    } = serve().await;
    let mut client = TrainingServiceClient::connect(url.clone()).await.unwrap();
    let admin = Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin]);
    let applicant = Caller::new("lan", "Lan", "VN-DN", [Role::LocalOfficial]);

    // Anonymous writes are unauthenticated; bad input names its field.
    let programme = pb::CreateProgrammeRequest {
        idempotency_key: "p1".into(),
        kind: pb::ProgrammeKind::Academy as i32,
        title: Some(LocalizedText {
            en: "Academy for International Affairs".into(),
            ..LocalizedText::default()
        }),
        description: None,
        published: true,
        period: None,
    };
    let err = client
        .create_programme(with_caller(programme.clone(), None))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let err = client
        .create_programme(with_caller(
            pb::CreateProgrammeRequest {
                kind: 0,
                ..programme.clone()
            },
            Some(&admin),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), field(&err).as_str()),
        (Code::InvalidArgument, "kind")
    );
    let p = client
        .create_programme(with_caller(programme, Some(&admin)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(p.kind, pb::ProgrammeKind::Academy as i32);

    // An edition whose window is always open, for Korean grade 5–9 officials.
    let edition = pb::CreateEditionRequest {
        idempotency_key: "e1".into(),
        programme_id: p.id.clone(),
        term: "2099-1".into(),
        starts_on: "2099-05-01".into(),
        ends_on: "2099-05-31".into(),
        applications_open_on: "2000-01-01".into(),
        applications_close_on: "2099-04-30".into(),
        capacity: 2,
        languages: vec!["ko".into()],
        eligibility: Some(pb::Eligibility {
            nationality: pb::NationalityRule::Korean as i32,
            min_grade: 5,
            max_grade: 9,
            ..pb::Eligibility::default()
        }),
        published: true,
        ..pb::CreateEditionRequest::default()
    };
    let err = client
        .create_edition(with_caller(
            pb::CreateEditionRequest {
                capacity: 0,
                ..edition.clone()
            },
            Some(&admin),
        ))
        .await
        .unwrap_err();
    assert_eq!(field(&err), "capacity");
    let e = client
        .create_edition(with_caller(edition, Some(&admin)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(e.stages.len(), 1);
    assert_eq!(e.stages[0].name, "Review");

    // An ineligible application: BAD_USER_INPUT on the first field, every rule in metadata.
    let submit = pb::SubmitApplicationRequest {
        idempotency_key: "a1".into(),
        edition_id: e.id.clone(),
        profile: Some(pb::ApplicantProfile {
            kind: pb::ApplicantKind::Official as i32,
            full_name: "Nguyen Thi Lan".into(),
            nationality: "VN".into(),
            organisation_type: pb::OrganisationType::ForeignLocalGovernment as i32,
            organisation: "Da Nang".into(),
            grade: 0,
            languages: vec!["en".into()],
        }),
        ..pb::SubmitApplicationRequest::default()
    };
    let err = client
        .submit_application(with_caller(submit.clone(), Some(&applicant)))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), field(&err).as_str()),
        (Code::InvalidArgument, "profile.nationality")
    );
    let rules = err
        .metadata()
        .get_bin(glocal_training::grpc::ELIGIBILITY_METADATA)
        .unwrap()
        .to_bytes()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&rules).unwrap();
    let names: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["NATIONALITY", "GRADE", "LANGUAGE"]);

    let check = client
        .check_eligibility(with_caller(
            pb::CheckEligibilityRequest {
                edition_id: e.id.clone(),
                profile: submit.profile.clone(),
            },
            None,
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(!check.eligible);
    assert_eq!(
        check.failures[0].rule,
        pb::EligibilityRule::Nationality as i32
    );

    let kim = Caller::new("kim", "Kim", "11000", [Role::LocalOfficial]);
    let ok = client
        .submit_application(with_caller(
            pb::SubmitApplicationRequest {
                profile: Some(pb::ApplicantProfile {
                    nationality: "KR".into(),
                    organisation_type: pb::OrganisationType::KoreanLocalGovernment as i32,
                    grade: 7,
                    languages: vec!["ko".into()],
                    ..submit.profile.clone().unwrap()
                }),
                ..submit
            },
            Some(&kim),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ok.state, pb::ApplicationState::Submitted as i32);
    assert_eq!(ok.history[0].action, "submit");

    // Someone else's application is not found; a decision on a submitted one is a conflict.
    let err = client
        .get_application(with_caller(
            pb::GetApplicationRequest { id: ok.id.clone() },
            Some(&applicant),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    let err = client
        .decide_application(with_caller(
            pb::DecideApplicationRequest {
                id: ok.id.clone(),
                version: ok.version,
                decision: pb::Decision::Accept as i32,
                note: String::new(),
            },
            Some(&admin),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);

    // Verification is public; an unknown code is NOT_FOUND, garbage BAD_USER_INPUT.
    let err = client
        .verify_certificate(with_caller(
            pb::VerifyCertificateRequest {
                code: "GLC-0000-0000-0000-0000-0000".into(),
            },
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    let err = client
        .verify_certificate(with_caller(
            pb::VerifyCertificateRequest { code: "x".into() },
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), field(&err).as_str()),
        (Code::InvalidArgument, "code")
    );

    let channel = tonic::transport::Endpoint::from_shared(url)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: glocal_training::SERVICE_NAME.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status;
    assert_eq!(status, ServingStatus::Serving as i32);

    trigger.trigger();
    server.await.unwrap().unwrap();
}

fn reason_of(status: &tonic::Status) -> String {
    status
        .metadata()
        .get(glocal_kit::error::REASON_METADATA)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Coaching (ADR 0050) over `CoachingService`: bad input names its field, rules answer their
/// reason, and the batch reads answer in the order asked.
#[tokio::test]
async fn the_coaching_service_over_grpc() {
    use glocal_proto::training::v1::coaching_service_client::CoachingServiceClient;
    let Served {
        url,
        trigger,
        server,
    } = serve().await;
    let mut training = TrainingServiceClient::connect(url.clone()).await.unwrap();
    let mut coaching = CoachingServiceClient::connect(url.clone()).await.unwrap();
    let admin = Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin]);
    let jongno = Caller::new("o-1", "Official", "11110", [Role::LocalOfficial]);

    let p = training
        .create_programme(with_caller(
            pb::CreateProgrammeRequest {
                idempotency_key: "coaching".into(),
                kind: pb::ProgrammeKind::Coaching as i32,
                title: Some(LocalizedText {
                    en: "Coaching on international exchange".into(),
                    ..LocalizedText::default()
                }),
                published: true,
                ..pb::CreateProgrammeRequest::default()
            },
            Some(&admin),
        ))
        .await
        .unwrap()
        .into_inner();
    let e = training
        .create_edition(with_caller(
            pb::CreateEditionRequest {
                idempotency_key: "coaching-2099".into(),
                programme_id: p.id.clone(),
                term: "2099-1".into(),
                starts_on: "2099-05-01".into(),
                ends_on: "2099-06-30".into(),
                applications_open_on: "2099-01-01".into(),
                applications_close_on: "2099-04-30".into(),
                capacity: 10,
                languages: vec!["ko".into()],
                published: true,
                ..pb::CreateEditionRequest::default()
            },
            Some(&admin),
        ))
        .await
        .unwrap()
        .into_inner();

    let register = pb::RegisterCoachRequest {
        organisation_id: "8d0c6a8e-3d42-4f4e-9d59-3b1f1f5f2a10".into(),
        area_codes: vec!["youth".into(), "Not An Area".into()],
        note: "fee agreed".into(),
    };
    let err = coaching
        .register_coach(with_caller(register.clone(), Some(&admin)))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), field(&err).as_str()),
        (Code::InvalidArgument, "areaCodes[1]")
    );
    let coach = coaching
        .register_coach(with_caller(
            pb::RegisterCoachRequest {
                area_codes: vec!["youth".into()],
                ..register
            },
            Some(&admin),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(coach.note, "fee agreed");

    let create = pb::CreateCoachingEngagementRequest {
        edition_id: e.id.clone(),
        local_government_code: "11000".into(),
        local_government_level: "METROPOLITAN".into(),
        theme: "Youth exchange".into(),
        coach_id: coach.id.clone(),
    };
    let err = coaching
        .create_coaching_engagement(with_caller(create.clone(), Some(&admin)))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason_of(&err).as_str()),
        (Code::InvalidArgument, "NOT_A_BASIC_LOCAL_GOVERNMENT")
    );
    let created = coaching
        .create_coaching_engagement(with_caller(
            pb::CreateCoachingEngagementRequest {
                local_government_code: "11110".into(),
                local_government_level: "DISTRICT".into(),
                ..create
            },
            Some(&admin),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.status, pb::CoachingStatus::Planned as i32);
    assert_eq!(created.coach_id, coach.id);

    // A session without a start names it; a plan before coaching starts is refused.
    let err = coaching
        .add_coaching_session(with_caller(
            pb::AddCoachingSessionRequest {
                id: created.id.clone(),
                version: created.version,
                online: true,
                ..pb::AddCoachingSessionRequest::default()
            },
            Some(&admin),
        ))
        .await
        .unwrap_err();
    assert_eq!(field(&err), "startsAt");
    let plan = pb::CoachingPlan {
        area: "Youth exchange".into(),
        method: "Pen-pal classes".into(),
        content: "Two schools".into(),
        alternatives: vec!["Sports exchange".into()],
    };
    let err = coaching
        .deliver_coaching_plan(with_caller(
            pb::DeliverCoachingPlanRequest {
                id: created.id.clone(),
                version: created.version,
                plan: Some(plan.clone()),
            },
            Some(&admin),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason_of(&err).as_str()),
        (Code::FailedPrecondition, "ILLEGAL_COACHING_MOVE")
    );
    let started = coaching
        .move_coaching_engagement(with_caller(
            pb::MoveCoachingEngagementRequest {
                id: created.id.clone(),
                version: created.version,
                status: pb::CoachingStatus::InProgress as i32,
                reason: String::new(),
            },
            Some(&admin),
        ))
        .await
        .unwrap()
        .into_inner();
    let delivered = coaching
        .deliver_coaching_plan(with_caller(
            pb::DeliverCoachingPlanRequest {
                id: created.id.clone(),
                version: started.version,
                plan: Some(plan.clone()),
            },
            Some(&admin),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(delivered.status, pb::CoachingStatus::PlanDelivered as i32);
    assert_eq!(delivered.plan, Some(plan));

    // The local government's official reads it; the coach without its note.
    let got = coaching
        .batch_get_coaching_engagements(with_caller(
            pb::BatchGetCoachingEngagementsRequest {
                ids: vec![created.id.clone(), "not-an-id".into()],
            },
            Some(&jongno),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.engagements, vec![delivered]);
    let coaches = coaching
        .batch_get_coaches(with_caller(
            pb::BatchGetCoachesRequest {
                ids: vec![coach.id.clone()],
            },
            Some(&jongno),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(coaches.coaches[0].note, "");
    let page = coaching
        .list_coaching_engagements(with_caller(
            pb::ListCoachingEngagementsRequest::default(),
            Some(&jongno),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.total_count, 1);

    let channel = tonic::transport::Endpoint::from_shared(url)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    let served = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: glocal_training::COACHING_SERVICE_NAME.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(served.status, ServingStatus::Serving as i32);
    trigger.trigger();
    server.await.unwrap().unwrap();
}

/// The itinerary service (ADR 0052) on the training server: input rules name their field,
/// rules answer their reason, a visit and a report round-trip, and the publication's two
/// training steps answer what the gateway needs.
#[tokio::test]
async fn the_itinerary_service_maps_fields_reasons_and_the_publication_steps() {
    use glocal_proto::training::v1::itinerary_service_client::ItineraryServiceClient;

    let Served {
        url,
        trigger,
        server,
    } = serve().await;
    let mut training = TrainingServiceClient::connect(url.clone()).await.unwrap();
    let mut client = ItineraryServiceClient::connect(url.clone()).await.unwrap();
    let admin = Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin]);
    let reason = reason_of;

    let mut editions = Vec::new();
    for (key, kind) in [
        ("overseas", pb::ProgrammeKind::OverseasTraining),
        ("academy", pb::ProgrammeKind::Academy),
    ] {
        let p = training
            .create_programme(with_caller(
                pb::CreateProgrammeRequest {
                    idempotency_key: key.into(),
                    kind: kind as i32,
                    title: Some(LocalizedText {
                        en: key.into(),
                        ..LocalizedText::default()
                    }),
                    published: true,
                    ..pb::CreateProgrammeRequest::default()
                },
                Some(&admin),
            ))
            .await
            .unwrap()
            .into_inner();
        let e = training
            .create_edition(with_caller(
                pb::CreateEditionRequest {
                    idempotency_key: key.into(),
                    programme_id: p.id,
                    term: "2099".into(),
                    starts_on: "2099-10-04".into(),
                    ends_on: "2099-10-10".into(),
                    applications_open_on: "2000-01-01".into(),
                    applications_close_on: "2099-04-30".into(),
                    capacity: 10,
                    languages: vec!["ko".into()],
                    published: true,
                    ..pb::CreateEditionRequest::default()
                },
                Some(&admin),
            ))
            .await
            .unwrap()
            .into_inner();
        editions.push(e.id);
    }
    let visit = pb::VisitInput {
        day: "2099-10-05".into(),
        time: "09:30".into(),
        city: "Osaka".into(),
        country: "JP".into(),
        organisation_ids: vec!["5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000a001".into()],
        practice_ids: vec![],
        purpose: "Benchmark".into(),
    };
    let add = |edition: &str, key: &str, visit: pb::VisitInput| pb::AddVisitRequest {
        idempotency_key: key.into(),
        edition_id: edition.into(),
        visit: Some(visit),
    };

    for (bad, at) in [
        (
            pb::VisitInput {
                time: "9.30".into(),
                ..visit.clone()
            },
            "time",
        ),
        (
            pb::VisitInput {
                organisation_ids: vec![],
                ..visit.clone()
            },
            "organisationIds",
        ),
        (
            pb::VisitInput {
                day: "2099-10-11".into(),
                ..visit.clone()
            },
            "day",
        ),
    ] {
        let err = client
            .add_visit(with_caller(add(&editions[0], "bad", bad), Some(&admin)))
            .await
            .unwrap_err();
        assert_eq!(
            (err.code(), field(&err).as_str()),
            (Code::InvalidArgument, at)
        );
    }
    let err = client
        .add_visit(with_caller(
            add(&editions[1], "a", visit.clone()),
            Some(&admin),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::FailedPrecondition, "NOT_OVERSEAS_TRAINING")
    );
    let err = client
        .add_visit(with_caller(add(&editions[0], "v", visit.clone()), None))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);

    let v = client
        .add_visit(with_caller(
            add(&editions[0], "v", visit.clone()),
            Some(&admin),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((v.day.as_str(), v.time.as_str()), ("2099-10-05", "09:30"));
    assert_eq!(v.version, 1);

    let text = |s: &str| {
        Some(LocalizedText {
            en: s.into(),
            ..LocalizedText::default()
        })
    };
    let report = pb::TripReportInput {
        title: text("Osaka's care teams"),
        summary: text("Neighbourhood teams."),
        findings: text("Teams of nurses and carers per school district."),
        original_language: "en".into(),
        area_code: "welfare".into(),
    };
    let err = client
        .write_trip_report(with_caller(
            pb::WriteTripReportRequest {
                idempotency_key: "r".into(),
                visit_id: v.id.clone(),
                report: Some(pb::TripReportInput {
                    original_language: "ko".into(),
                    ..report.clone()
                }),
            },
            Some(&admin),
        ))
        .await
        .unwrap_err();
    assert_eq!(field(&err), "title.ko");
    let r = client
        .write_trip_report(with_caller(
            pb::WriteTripReportRequest {
                idempotency_key: "r".into(),
                visit_id: v.id.clone(),
                report: Some(report),
            },
            Some(&admin),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.state, pb::TripReportState::Draft as i32);
    let r = client
        .submit_trip_report(with_caller(
            pb::SubmitTripReportRequest {
                id: r.id.clone(),
                version: r.version,
            },
            Some(&admin),
        ))
        .await
        .unwrap()
        .into_inner();
    let prepared = client
        .prepare_trip_report_practice(with_caller(
            pb::PrepareTripReportPracticeRequest {
                id: r.id.clone(),
                version: r.version,
            },
            Some(&admin),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(prepared.origin, format!("training-trip-report:{}", r.id));
    assert_eq!(
        (
            prepared.country.as_str(),
            prepared.city.as_str(),
            prepared.year
        ),
        ("JP", "Osaka", 2099)
    );
    assert_eq!(
        prepared.source_organisation_id,
        "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000a001"
    );
    assert!(prepared.practice_id.is_empty());
    let record = pb::RecordTripReportPracticeRequest {
        id: r.id.clone(),
        version: r.version,
        practice_id: "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000c001".into(),
    };
    let done = client
        .record_trip_report_practice(with_caller(record.clone(), Some(&admin)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(done.state, pb::TripReportState::PublishedAsPractice as i32);
    let again = client
        .prepare_trip_report_practice(with_caller(
            pb::PrepareTripReportPracticeRequest {
                id: r.id.clone(),
                version: r.version,
            },
            Some(&admin),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.practice_id, record.practice_id);
    assert_eq!(
        again.report.unwrap().state,
        pb::TripReportState::PublishedAsPractice as i32
    );

    // The batch answers each edition asked, in order; the public sees no itinerary.
    let asked = pb::BatchGetItinerariesRequest {
        edition_ids: vec![editions[1].clone(), editions[0].clone()],
    };
    let list = client
        .batch_get_itineraries(with_caller(asked.clone(), Some(&admin)))
        .await
        .unwrap()
        .into_inner()
        .itineraries;
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].edition_id, editions[0]);
    assert_eq!((list[1].visits.len(), list[1].reports.len()), (1, 1));
    assert!(list[0].visible && list[0].visits.is_empty());
    let public = client
        .batch_get_itineraries(with_caller(asked, None))
        .await
        .unwrap()
        .into_inner()
        .itineraries;
    assert!(public.iter().all(|i| !i.visible && i.visits.is_empty()));

    trigger.trigger();
    server.await.unwrap().unwrap();
}
