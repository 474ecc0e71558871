//! The gRPC bootstrap against a real loopback server: health and reflection are served,
//! and SIGTERM-style shutdown reports NOT_SERVING before the listener closes.

use std::time::Duration;

use glocal_kit::config::GrpcSettings;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

async fn status(
    client: &mut HealthClient<tonic::transport::Channel>,
    service: &str,
) -> Result<i32, tonic::Status> {
    client
        .check(HealthCheckRequest {
            service: service.into(),
        })
        .await
        .map(|r| r.into_inner().status)
}

#[tokio::test]
async fn health_turns_not_serving_then_the_server_stops() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let settings = GrpcSettings {
        shutdown_delay_ms: 400,
        drain_timeout_ms: 1_000,
        ..GrpcSettings::default()
    };
    let server = tokio::spawn(async move {
        glocal_kit::grpc::serve(
            listener,
            tonic::service::Routes::default(),
            &["test.v1.Thing"],
            &settings,
            shutdown,
        )
        .await
    });

    let channel =
        glocal_kit::grpc::channel(&format!("http://{addr}"), Duration::from_secs(2)).unwrap();
    let mut client = HealthClient::new(channel);
    assert_eq!(
        status(&mut client, "").await.unwrap(),
        ServingStatus::Serving as i32
    );
    assert_eq!(
        status(&mut client, "test.v1.Thing").await.unwrap(),
        ServingStatus::Serving as i32
    );

    trigger.trigger();
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Within the shutdown delay the server still answers, but says NOT_SERVING.
    assert_eq!(
        status(&mut client, "test.v1.Thing").await.unwrap(),
        ServingStatus::NotServing as i32
    );
    assert_eq!(
        status(&mut client, "").await.unwrap(),
        ServingStatus::NotServing as i32
    );

    let finished = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server stops after drain");
    finished.unwrap().unwrap();
}

#[tokio::test]
async fn reflection_lists_the_glocal_services() {
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let settings = GrpcSettings {
        shutdown_delay_ms: 0,
        drain_timeout_ms: 1_000,
        ..GrpcSettings::default()
    };
    let server = tokio::spawn(async move {
        glocal_kit::grpc::serve(
            listener,
            tonic::service::Routes::default(),
            &[],
            &settings,
            shutdown,
        )
        .await
    });
    let channel =
        glocal_kit::grpc::channel(&format!("http://{addr}"), Duration::from_secs(2)).unwrap();
    let mut client = ServerReflectionClient::new(channel);
    let req = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::FileContainingSymbol(
            "glocal.requests.v1.RequestsService".into(),
        )),
    };
    let mut stream = client
        .server_reflection_info(futures::stream::iter([req]))
        .await
        .unwrap()
        .into_inner();
    let resp = stream.message().await.unwrap().unwrap();
    assert!(
        matches!(
            resp.message_response,
            Some(MessageResponse::FileDescriptorResponse(_))
        ),
        "{resp:?}"
    );
    trigger.trigger();
    server.await.unwrap().unwrap();
}
