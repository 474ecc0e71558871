//! The gRPC face: the service served on port 0 and called with the generated client.

use glocal_kit::caller::{Caller, Role};
use glocal_kit::error::FIELD_METADATA;
use glocal_proto::common::v1::{LocalizedText, PageRequest};
use glocal_proto::research::v1 as pb;
use glocal_proto::research::v1::research_service_client::ResearchServiceClient;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

fn with_caller<T>(message: T, caller: Option<&Caller>) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    glocal_kit::grpc::sign_caller(req.metadata_mut(), caller);
    req
}

fn content(title_ja: &str) -> pb::PracticeContent {
    pb::PracticeContent {
        title: Some(LocalizedText {
            ja: title_ja.into(),
            ..LocalizedText::default()
        }),
        original_language: "ja".into(),
        area_code: "transportation".into(),
        country: "JP".into(),
        year: 2015,
        ..pb::PracticeContent::default()
    }
}

#[tokio::test]
async fn grpc_round_trip_errors_carry_code_and_field_and_health_is_serving() {
    glocal_kit::telemetry::init_for_test();
    let db = glocal_kit::db::connect("sqlite::memory:").await.unwrap();
    glocal_research::migrate(&db).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = glocal_kit::Settings::default();
    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let server =
        tokio::spawn(
            async move { glocal_research::serve(db, &settings, listener, shutdown).await },
        );

    let url = format!("http://{addr}");
    let mut client = ResearchServiceClient::connect(url.clone()).await.unwrap();
    let author = Caller::new("staff-a", "A", "GAOK", [Role::BureauStaff]);
    let reviewer = Caller::new("staff-b", "B", "GAOK", [Role::BureauStaff]);

    // Bad input: INVALID_ARGUMENT with the field in metadata.
    let mut bad = content("富山");
    bad.country = "Japan".into();
    let err = client
        .draft_practice(with_caller(
            pb::DraftPracticeRequest {
                idempotency_key: "k".into(),
                content: Some(bad),
                origin: String::new(),
            },
            Some(&author),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        err.metadata()
            .get(FIELD_METADATA)
            .unwrap()
            .to_str()
            .unwrap(),
        "country"
    );
    // Anonymous writes are UNAUTHENTICATED; partners' FORBIDDEN.
    let err = client
        .draft_practice(with_caller(
            pb::DraftPracticeRequest {
                idempotency_key: "k".into(),
                content: Some(content("富山")),
                origin: String::new(),
            },
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);

    let d = client
        .draft_practice(with_caller(
            pb::DraftPracticeRequest {
                idempotency_key: "k".into(),
                content: Some(content("富山市のLRT")),
                origin: String::new(),
            },
            Some(&author),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(d.state, pb::PracticeState::Draft as i32);
    let s = client
        .submit_practice(with_caller(
            pb::SubmitPracticeRequest {
                id: d.id.clone(),
                revision: d.revision,
            },
            Some(&author),
        ))
        .await
        .unwrap()
        .into_inner();
    let stale = client
        .review_practice(with_caller(
            pb::ReviewPracticeRequest {
                id: d.id.clone(),
                revision: d.revision,
                approve: true,
                note: String::new(),
            },
            Some(&reviewer),
        ))
        .await
        .unwrap_err();
    assert_eq!(stale.code(), Code::FailedPrecondition);
    let a = client
        .review_practice(with_caller(
            pb::ReviewPracticeRequest {
                id: d.id.clone(),
                revision: s.revision,
                approve: true,
                note: String::new(),
            },
            Some(&reviewer),
        ))
        .await
        .unwrap()
        .into_inner();
    client
        .publish_practice(with_caller(
            pb::PublishPracticeRequest {
                id: d.id.clone(),
                revision: a.revision,
            },
            Some(&reviewer),
        ))
        .await
        .unwrap();

    // Batched lookups keep the order asked and leave out what the caller may not see.
    let batch = client
        .batch_get_practices(with_caller(
            pb::BatchGetPracticesRequest {
                ids: vec!["nope".into(), d.id.clone()],
            },
            None,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(batch.practices.len(), 1);
    assert_eq!(batch.practices[0].languages, ["ja"]);
    let found = client
        .search_practices(with_caller(
            pb::SearchPracticesRequest {
                query: "富山".into(),
                page: Some(PageRequest {
                    first: 5,
                    after: String::new(),
                }),
                ..pb::SearchPracticesRequest::default()
            },
            None,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found.total_count, 1);
    assert_eq!(found.facets.unwrap().countries[0].value, "JP");
    let missing = client
        .get_practice(with_caller(
            pb::GetPracticeRequest {
                id: d.id.clone(),
                version: 9,
            },
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);

    // A batched log page carries the error ListInteractions gives for its relationship.
    for (caller, id) in [
        (None, "nope".to_owned()),
        (Some(&author), "nope".to_owned()),
        (Some(&author), uuid::Uuid::new_v4().to_string()),
    ] {
        let single = client
            .list_interactions(with_caller(
                pb::ListInteractionsRequest {
                    relationship_id: id.clone(),
                    page: None,
                },
                caller,
            ))
            .await
            .unwrap_err();
        let batch = client
            .batch_list_interactions(with_caller(
                pb::BatchListInteractionsRequest {
                    relationship_ids: vec![id.clone()],
                    first: 0,
                },
                caller,
            ))
            .await
            .unwrap()
            .into_inner();
        let page = &batch.pages[0];
        let error = page.error.as_ref().expect("an error entry");
        let remote = glocal_kit::error::RemoteError::from(single);
        assert_eq!(page.relationship_id, id);
        assert_eq!(
            (
                error.code.as_str(),
                error.message.as_str(),
                error.field.as_str()
            ),
            (
                remote.code.as_str(),
                remote.message.as_str(),
                remote.field.as_deref().unwrap_or_default()
            )
        );
    }
    let too_many = client
        .batch_list_interactions(with_caller(
            pb::BatchListInteractionsRequest {
                relationship_ids: vec!["x".into(); 101],
                first: 0,
            },
            Some(&author),
        ))
        .await
        .unwrap_err();
    assert_eq!(too_many.code(), Code::InvalidArgument);
    assert_eq!(
        too_many.metadata().get(FIELD_METADATA).unwrap(),
        "relationshipIds"
    );

    let areas = client
        .list_areas(with_caller(pb::ListAreasRequest {}, None))
        .await
        .unwrap()
        .into_inner()
        .areas;
    assert_eq!(
        areas
            .iter()
            .find(|a| a.code == "transportation")
            .unwrap()
            .practice_count,
        1
    );

    let channel = tonic::transport::Endpoint::from_shared(url)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: glocal_research::SERVICE_NAME.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status;
    assert_eq!(status, ServingStatus::Serving as i32);

    trigger.trigger();
    server.await.unwrap().unwrap();
}
