//! Client-side load balancing over real gRPC servers on 127.0.0.1: calls spread over every
//! address a service name resolves to, follow the name when it is re-resolved, fail fast
//! when it resolves to nothing, and reach `Services::connect` through `dns+http://` URLs.

mod support;

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::Stream;
use glocal_gateway::clients::{self, Resolver};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::health_server::{Health, HealthServer};
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

/// A `grpc.health.v1` server that counts the checks it answers.
#[derive(Clone, Default)]
struct Counting(Arc<AtomicUsize>);

type WatchStream = Pin<Box<dyn Stream<Item = Result<HealthCheckResponse, Status>> + Send>>;

#[tonic::async_trait]
impl Health for Counting {
    async fn check(
        &self,
        _: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(Response::new(HealthCheckResponse {
            status: ServingStatus::Serving as i32,
        }))
    }

    type WatchStream = WatchStream;

    async fn watch(&self, _: Request<HealthCheckRequest>) -> Result<Response<WatchStream>, Status> {
        Err(Status::unimplemented("not in this test"))
    }
}

struct Server {
    addr: SocketAddr,
    calls: Arc<AtomicUsize>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Server {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

async fn server() -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let counting = Counting::default();
    let calls = counting.0.clone();
    let incoming = futures::stream::unfold(listener, |listener| async move {
        let accepted = listener.accept().await.map(|(socket, _)| socket);
        Some((accepted, listener))
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = tonic::transport::Server::builder()
            .add_service(HealthServer::new(counting))
            .serve_with_incoming_shutdown(incoming, async {
                let _ = stopped.await;
            })
            .await;
    });
    Server {
        addr,
        calls,
        _stop: stop,
    }
}

/// A resolver that answers whatever the test last set.
fn resolver(addrs: &Arc<Mutex<Vec<SocketAddr>>>) -> Resolver {
    let addrs = addrs.clone();
    Arc::new(move |_host, _port| {
        let answer = addrs.lock().unwrap().clone();
        Box::pin(async move { Ok(answer) })
    })
}

async fn check(channel: &Channel) -> Result<(), Status> {
    let request = glocal_kit::grpc::request(
        HealthCheckRequest {
            service: String::new(),
        },
        None,
        Duration::from_secs(2),
    );
    HealthClient::new(channel.clone()).check(request).await?;
    Ok(())
}

#[tokio::test]
async fn calls_spread_over_every_address_and_follow_the_name() {
    let (a, b) = (server().await, server().await);
    let addrs = Arc::new(Mutex::new(vec![a.addr, b.addr]));
    let refresh = Duration::from_millis(100);
    // The name's own address (used only while it resolves to nothing) refuses connections.
    let name = support::closed_url()
        .await
        .replace("127.0.0.1", "localhost");
    let channel =
        clients::balanced_channel(&name, Duration::from_secs(1), refresh, resolver(&addrs))
            .unwrap();

    for _ in 0..40 {
        check(&channel).await.unwrap();
    }
    assert_eq!(a.calls() + b.calls(), 40);
    assert!(
        a.calls() > 0 && b.calls() > 0,
        "both pods get calls: {} and {}",
        a.calls(),
        b.calls()
    );

    // One pod goes away: after the next resolution every call goes to the other.
    *addrs.lock().unwrap() = vec![b.addr];
    tokio::time::sleep(refresh * 3).await;
    let (before_a, before_b) = (a.calls(), b.calls());
    for _ in 0..20 {
        check(&channel).await.unwrap();
    }
    assert_eq!(a.calls(), before_a, "the removed pod gets nothing");
    assert_eq!(b.calls(), before_b + 20);

    // The name resolves to nothing: calls fail at once instead of waiting.
    *addrs.lock().unwrap() = Vec::new();
    tokio::time::sleep(refresh * 3).await;
    let started = std::time::Instant::now();
    let error = check(&channel).await.unwrap_err();
    assert_eq!(error.code(), tonic::Code::Unavailable, "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));

    // And pods that come back are used again.
    *addrs.lock().unwrap() = vec![a.addr];
    tokio::time::sleep(refresh * 3).await;
    check(&channel).await.unwrap();
    assert_eq!(a.calls(), before_a + 1);
}

#[tokio::test]
async fn dns_urls_and_client_lb_use_the_system_resolver() {
    let a = server().await;
    let mut settings = glocal_kit::Settings::default().gateway;
    let url = format!("dns+http://localhost:{}", a.addr.port());
    let channel = clients::channel(&url, &settings).unwrap();
    check(&channel).await.unwrap();
    assert_eq!(a.calls(), 1);

    settings.client_lb = true;
    let plain = format!("http://localhost:{}", a.addr.port());
    let channel = clients::channel(&plain, &settings).unwrap();
    check(&channel).await.unwrap();
    assert_eq!(a.calls(), 2);
}

#[tokio::test]
async fn the_gateway_connects_to_services_through_dns_urls() {
    let a = server().await;
    let mut settings = support::settings(&support::closed_url().await);
    settings.gateway.requests_url = format!("dns+http://localhost:{}", a.addr.port());
    let gateway = support::serve(settings).await;
    let r = support::reply(
        support::client()
            .get(format!("{}/readyz", gateway.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.body["services"]["requests"], "SERVING", "{}", r.body);
    assert_eq!(r.body["services"]["events"], "UNREACHABLE", "{}", r.body);
    assert!(a.calls() >= 1);
}
