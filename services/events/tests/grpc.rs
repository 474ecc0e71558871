//! The gRPC face: the service served on port 0 (with its sweeper) and called with the
//! generated client.

use glocal_kit::caller::{Caller, Role};
use glocal_kit::error::FIELD_METADATA;
use glocal_proto::common::v1::LocalizedText;
use glocal_proto::events::v1 as pb;
use glocal_proto::events::v1::events_service_client::EventsServiceClient;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

fn with_caller<T>(message: T, caller: Option<&Caller>) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    glocal_kit::grpc::sign_caller(req.metadata_mut(), caller);
    req
}

fn text(en: &str) -> Option<LocalizedText> {
    Some(LocalizedText {
        en: en.into(),
        ..LocalizedText::default()
    })
}

fn workshop(key: &str) -> pb::CreateEventRequest {
    pb::CreateEventRequest {
        idempotency_key: key.into(),
        kind: pb::EventKind::Workshop as i32,
        title: text("March workshop"),
        description: text("For officials in charge of international exchange"),
        host_country: "KR".into(),
        host_city: "Sejong".into(),
        host_organization: "GAOK".into(),
        venue: "Sejong Convention Center".into(),
        time_zone: "Asia/Seoul".into(),
        start_date: "2030-03-19".into(),
        end_date: "2030-03-20".into(),
        working_languages: vec!["ko".into()],
        capacity: 2,
        ..pb::CreateEventRequest::default()
    }
}

fn field(status: &tonic::Status) -> &str {
    status
        .metadata()
        .get(FIELD_METADATA)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn grpc_errors_carry_code_and_field_and_the_flow_works() {
    glocal_kit::telemetry::init_for_test();
    let db = glocal_kit::db::connect("sqlite::memory:").await.unwrap();
    glocal_events::migrate(&db).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = glocal_kit::Settings::default();
    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let server =
        tokio::spawn(async move { glocal_events::serve(db, &settings, listener, shutdown).await });

    let url = format!("http://{addr}");
    let mut client = EventsServiceClient::connect(url.clone()).await.unwrap();
    let staff = Caller::new("staff-1", "Lee", "GAOK", [Role::BureauStaff]);
    let seoul = Caller::new("official-seoul", "Kim", "11000", [Role::LocalOfficial]);

    let err = client
        .create_event(with_caller(workshop("k1"), None))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let err = client
        .create_event(with_caller(workshop("k1"), Some(&seoul)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let mut bad = workshop("k1");
    bad.working_languages = vec!["ko".into(), "English".into()];
    let err = client
        .create_event(with_caller(bad, Some(&staff)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(field(&err), "workingLanguages[1]");
    let mut bad = workshop("k1");
    bad.kind = 42;
    let err = client
        .create_event(with_caller(bad, Some(&staff)))
        .await
        .unwrap_err();
    assert_eq!(field(&err), "kind");

    let created = client
        .create_event(with_caller(workshop("k1"), Some(&staff)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.state, pb::EventState::Draft as i32);
    assert_eq!(created.utc_offset, "+09:00");
    // A draft is not there for the public.
    let err = client
        .get_event(with_caller(
            pb::GetEventRequest {
                id: created.id.clone(),
            },
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);

    let mut event = created;
    for action in [pb::EventAction::Publish, pb::EventAction::OpenRegistration] {
        event = client
            .transition_event(with_caller(
                pb::TransitionEventRequest {
                    id: event.id.clone(),
                    version: event.version,
                    action: action as i32,
                    reason: String::new(),
                },
                Some(&staff),
            ))
            .await
            .unwrap()
            .into_inner();
    }
    assert_eq!(event.state, pb::EventState::RegistrationOpen as i32);
    assert!(event.registration_open_now);
    let err = client
        .transition_event(with_caller(
            pb::TransitionEventRequest {
                id: event.id.clone(),
                version: 1,
                action: pb::EventAction::CloseRegistration as i32,
                reason: String::new(),
            },
            Some(&staff),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition, "stale version");

    let reg = client
        .register(with_caller(
            pb::RegisterRequest {
                idempotency_key: "r1".into(),
                event_id: event.id.clone(),
                kind: pb::RegistrationKind::Delegation as i32,
                country: "JP".into(),
                organization: "Fukuoka City".into(),
                head_of_delegation: "Tanaka".into(),
                members: vec!["Sato".into()],
                ..pb::RegisterRequest::default()
            },
            Some(&seoul),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(reg.state, pb::RegistrationState::Confirmed as i32);
    assert_eq!(reg.seats, 2);
    assert_eq!(reg.history.len(), 2);

    let page = client
        .list_events(with_caller(pb::ListEventsRequest::default(), None))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.events[0].seats_taken, 2);
    assert_eq!(page.cursors.len(), 1);
    // Contributions come with the page only when asked for, and the answer says so (a
    // caller falls back to ListContributions when it does not).
    assert!(page.contributions.is_empty() && !page.with_contributions);
    let talk = client
        .submit_contribution(with_caller(
            pb::SubmitContributionRequest {
                idempotency_key: "talk".into(),
                event_id: event.id.clone(),
                title: text("Port cities"),
                abstract_text: text("Busan and Fukuoka"),
                presenter_name: String::new(),
            },
            Some(&seoul),
        ))
        .await
        .unwrap()
        .into_inner();
    let ask = async |caller: Option<&Caller>| {
        let message = pb::ListEventsRequest {
            mask: Some(pb::EventListMask {
                with_contributions: true,
                ..pb::EventListMask::default()
            }),
            ..pb::ListEventsRequest::default()
        };
        client
            .clone()
            .list_events(with_caller(message, caller))
            .await
            .unwrap()
            .into_inner()
    };
    let own = ask(Some(&seoul)).await;
    assert!(own.with_contributions);
    assert_eq!(own.contributions.len(), 1);
    assert_eq!(own.contributions[0].id, talk.id);
    let public = ask(None).await;
    assert!(public.with_contributions && public.contributions.is_empty());

    let channel = tonic::transport::Endpoint::from_shared(url)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: glocal_events::SERVICE_NAME.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status;
    assert_eq!(status, ServingStatus::Serving as i32);

    trigger.trigger();
    tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("server and sweeper stop on shutdown")
        .unwrap()
        .unwrap();
}
