//! The gRPC face: the service served on port 0 and called with the generated client.

use glocal_kit::caller::{Caller, Role};
use glocal_kit::error::FIELD_METADATA;
use glocal_proto::requests::v1 as pb;
use glocal_proto::requests::v1::requests_service_client::RequestsServiceClient;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

fn with_caller<T>(message: T, caller: Option<&Caller>) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    glocal_kit::grpc::sign_caller(req.metadata_mut(), caller);
    req
}

/// A mask that leaves out every part it can.
fn every_part_skipped() -> pb::RequestListMask {
    pb::RequestListMask {
        skip_total_count: true,
        skip_sla: true,
        skip_survey: true,
        skip_relations: true,
        skip_people: true,
        skip_texts: true,
        skip_local_government: true,
    }
}

fn submit(key: &str, title: &str) -> pb::SubmitRequestRequest {
    pb::SubmitRequestRequest {
        idempotency_key: key.into(),
        r#type: pb::RequestType::OverseasVisit as i32,
        title: title.into(),
        description: "Study tour on smart ports".into(),
        details: Some(pb::RequestDetails {
            kind: Some(pb::request_details::Kind::OverseasVisit(
                pb::OverseasVisitDetails {
                    destinations: vec![pb::Destination {
                        country: "NL".into(),
                        city: "Rotterdam".into(),
                    }],
                    departure_date: "2026-06-01".into(),
                    return_date: "2026-06-05".into(),
                    delegation_size: 6,
                    purpose: "Benchmark smart ports".into(),
                },
            )),
        }),
        local_government_code: String::new(),
        mask: None,
    }
}

#[tokio::test]
async fn grpc_errors_carry_code_and_field_and_health_is_serving() {
    glocal_kit::telemetry::init_for_test();
    let db = glocal_kit::db::connect("sqlite::memory:").await.unwrap();
    glocal_requests::migrate(&db).await.unwrap();
    glocal_requests::demo::seed_directory(&db).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = glocal_kit::Settings::default();
    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let server =
        tokio::spawn(
            async move { glocal_requests::serve(db, &settings, listener, shutdown).await },
        );

    let url = format!("http://{addr}");
    let mut client = RequestsServiceClient::connect(url.clone()).await.unwrap();
    let seoul = Caller::new("official-seoul", "김민지", "11000", [Role::LocalOfficial]);

    let err = client
        .submit_request(with_caller(submit("k1", "  "), Some(&seoul)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        err.metadata()
            .get(FIELD_METADATA)
            .unwrap()
            .to_str()
            .unwrap(),
        "title"
    );

    let mut bad_visit = submit("k1", "Visit");
    if let Some(pb::request_details::Kind::OverseasVisit(v)) =
        bad_visit.details.as_mut().and_then(|d| d.kind.as_mut())
    {
        v.delegation_size = 0;
    }
    let err = client
        .submit_request(with_caller(bad_visit, Some(&seoul)))
        .await
        .unwrap_err();
    assert_eq!(
        err.metadata()
            .get(FIELD_METADATA)
            .unwrap()
            .to_str()
            .unwrap(),
        "details.overseasVisit.delegationSize"
    );

    let err = client
        .submit_request(with_caller(submit("k1", "Visit"), None))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);

    let created = client
        .submit_request(with_caller(submit("k1", "Visit"), Some(&seoul)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.state, pb::RequestState::StaffAssigned as i32);
    assert!(created.number.starts_with("OB-"));
    assert_eq!(created.department.unwrap().code, "OVERSEAS");
    // The requester is sent the requester-visible entries only (submit, register).
    assert_eq!(created.history.len(), 2);
    assert!(
        created
            .history
            .iter()
            .all(|h| h.visibility == pb::HistoryVisibility::Requester as i32)
    );

    let busan = Caller::new("official-busan", "박성호", "26000", [Role::LocalOfficial]);
    let err = client
        .get_request(with_caller(
            pb::GetRequestRequest {
                id: created.id.clone(),
                ..Default::default()
            },
            Some(&busan),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    let err = client
        .get_request(with_caller(
            pb::GetRequestRequest {
                id: "nope".into(),
                ..Default::default()
            },
            Some(&seoul),
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
        "id"
    );
    let err = client
        .close(with_caller(
            pb::CloseRequest {
                id: created.id.clone(),
                version: created.version,
            },
            Some(&seoul),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);

    let page = client
        .list_requests(with_caller(
            pb::ListRequestsRequest {
                filter: Some(pb::RequestFilter {
                    overdue: Some(false),
                    ..Default::default()
                }),
                page: Some(glocal_proto::common::v1::PageRequest {
                    first: 1,
                    after: String::new(),
                }),
                include_activity: false,
                order: pb::RequestOrder::Newest as i32,
                mask: None,
            },
            Some(&seoul),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.cursors.len(), 1);
    let full = &page.requests[0];
    assert!(full.department.is_some(), "routed: {full:?}");
    assert!(full.sla.as_ref().unwrap().remaining_minutes.is_some());

    // A caller that shows less asks for less: the same page with every part masked.
    let masked = client
        .list_requests(with_caller(
            pb::ListRequestsRequest {
                filter: Some(pb::RequestFilter {
                    overdue: Some(false),
                    ..Default::default()
                }),
                page: Some(glocal_proto::common::v1::PageRequest {
                    first: 1,
                    after: String::new(),
                }),
                include_activity: false,
                order: pb::RequestOrder::Newest as i32,
                mask: Some(every_part_skipped()),
            },
            Some(&seoul),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(masked.total_count, 0, "not counted");
    assert_eq!(masked.cursors, page.cursors);
    let lean = &masked.requests[0];
    assert_eq!(
        (&lean.id, &lean.number, &lean.title, lean.state),
        (&full.id, &full.number, &full.title, full.state)
    );
    assert!(lean.department.is_none() && lean.assignee.is_none());
    assert!(lean.sla.as_ref().unwrap().remaining_minutes.is_none());
    // Neither the texts nor the local government's entry: its code is the requester's.
    assert!(!full.description.is_empty() && full.details.is_some());
    assert!(lean.description.is_empty() && lean.details.is_none());
    assert!(full.local_government.is_some() && lean.local_government.is_none());
    assert_eq!(lean.requester, full.requester);
    assert_eq!(
        lean.requester.as_ref().unwrap().local_government_code,
        full.local_government.as_ref().unwrap().code
    );

    // A submission answers with what its caller shows, too: masked, the routed request's
    // department and judged service level are not read; its history is what was written.
    let mut lean_submit = submit("k-lean", "A masked submission");
    lean_submit.mask = Some(every_part_skipped());
    let lean = client
        .submit_request(with_caller(lean_submit, Some(&seoul)))
        .await
        .unwrap()
        .into_inner();
    assert!(lean.department.is_none() && lean.assignee.is_none());
    assert!(lean.sla.as_ref().unwrap().remaining_minutes.is_none());
    assert!(!lean.history.is_empty(), "the written history: {lean:?}");
    assert!(lean.local_government.is_none() && lean.details.is_none());
    let whole = client
        .get_request(with_caller(
            pb::GetRequestRequest {
                id: lean.id.clone(),
                ..Default::default()
            },
            Some(&seoul),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(whole.number, lean.number);
    assert!(whole.department.is_some(), "routed all the same: {whole:?}");
    assert!(!whole.history.is_empty(), "no mask: the whole view");
    // One request read with a mask: neither its people nor its activity are read.
    let one = client
        .get_request(with_caller(
            pb::GetRequestRequest {
                id: lean.id.clone(),
                mask: Some(every_part_skipped()),
                skip_activity: true,
            },
            Some(&seoul),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((&one.number, &one.title), (&whole.number, &whole.title));
    assert!(whole.local_government.is_some() && whole.details.is_some());
    assert!(one.local_government.is_none() && one.description.is_empty());
    assert!(one.department.is_none() && one.history.is_empty() && one.messages.is_empty());
    let lgs = client
        .batch_get_local_governments(with_caller(
            pb::BatchGetLocalGovernmentsRequest {
                codes: vec!["26000".into()],
            },
            None,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        lgs.local_governments[0].name.as_ref().unwrap().ko,
        "부산광역시"
    );

    let channel = tonic::transport::Endpoint::from_shared(url)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: glocal_requests::SERVICE_NAME.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.status, ServingStatus::Serving as i32);

    trigger.trigger();
    server.await.unwrap().unwrap();
}

/// Signed caller identity (docs/adr/0014-signed-caller-identity.md): a service serves only
/// callers whose token a trusted key signed, and reads the caller from the token, never from
/// whatever `glocal-caller-*` metadata came along.
#[tokio::test]
async fn only_callers_signed_by_a_trusted_key_are_served() {
    use glocal_kit::identity::{Signer, TOKEN_METADATA, development_public_key, generate};
    use tonic::metadata::MetadataValue;

    glocal_kit::telemetry::init_for_test();
    let db = glocal_kit::db::connect("sqlite::memory:").await.unwrap();
    glocal_requests::migrate(&db).await.unwrap();
    glocal_requests::demo::seed_directory(&db).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Mid-rotation: the development key and a new one are both trusted.
    let (rotated_private, rotated_public) = generate().unwrap();
    let mut settings = glocal_kit::Settings::default();
    settings.grpc.identity_keys = format!("{}, {rotated_public}", development_public_key());
    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let server =
        tokio::spawn(
            async move { glocal_requests::serve(db, &settings, listener, shutdown).await },
        );
    let url = format!("http://{addr}");
    let mut client = RequestsServiceClient::connect(url.clone()).await.unwrap();
    let admin = Caller::new("admin-lee", "이지은", "GAOK", [Role::BureauAdmin]);
    let seoul = Caller::new("official-seoul", "김민지", "11000", [Role::LocalOfficial]);
    let rules = |token: Option<String>, forged: bool| {
        let mut req = tonic::Request::new(pb::ListRoutingRulesRequest {});
        if forged {
            // What any process on the network could send: an admin in plain metadata.
            admin.to_metadata(req.metadata_mut());
        }
        if let Some(token) = token {
            req.metadata_mut()
                .insert(TOKEN_METADATA, MetadataValue::try_from(token).unwrap());
        }
        req
    };

    // No token: refused, however the plain metadata reads.
    let err = client
        .list_routing_rules(rules(None, true))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");
    assert!(err.message().contains("caller token missing"), "{err:?}");

    // A token of a key the service does not trust: refused.
    let (stranger, _) = generate().unwrap();
    let token = Signer::new(&stranger).unwrap().token(Some(&admin));
    let err = client
        .list_routing_rules(rules(Some(token), false))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");

    // A tampered token (the payload changed, the signature kept): refused.
    let token = Signer::development().token(Some(&seoul));
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let admin_token = Signer::development().token(Some(&admin));
    parts[1] = admin_token.split('.').nth(1).unwrap().to_owned();
    let err = client
        .list_routing_rules(rules(Some(parts.join(".")), false))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");

    // A valid official's token with forged admin metadata beside it: the token wins.
    let err = client
        .list_routing_rules(rules(Some(Signer::development().token(Some(&seoul))), true))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "{err:?}");

    // Both trusted keys serve the admin.
    for signer in [
        Signer::development(),
        Signer::new(&rotated_private).unwrap(),
    ] {
        client
            .list_routing_rules(rules(Some(signer.token(Some(&admin))), false))
            .await
            .unwrap();
    }

    // Health checks need no token (kubelet and operators call them).
    let channel = tonic::transport::Channel::from_shared(url)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .status();
    assert_eq!(status, ServingStatus::Serving);

    trigger.trigger();
    server.await.unwrap().unwrap();
}
