//! Faults under traffic, over the whole stack: a service's gRPC server that goes away with
//! calls in flight, and PostgreSQL terminating a service's connections. A client must be
//! able to tell "retry later" (UNAVAILABLE, with `retryAfterMs`) from a bug (INTERNAL):
//! none of these faults may answer INTERNAL.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use glocal_e2e::{Gql, Stack, spawn_stack, spawn_stack_with};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::support::{interpretation_input, link_every_contribution, page_contributions, submit};

/// Every `extensions.code` of a response.
fn codes(r: &Gql) -> Vec<String> {
    r.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or("none")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A TCP proxy in front of `target` that can be killed: every connection is dropped at
/// once, in whatever state, and the port refuses new ones (as when the process behind it
/// dies).
struct Killable {
    addr: SocketAddr,
    kill: tokio::sync::watch::Sender<bool>,
}

fn killable(target: SocketAddr) -> Killable {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind proxy");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("proxy addr");
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    let (kill, watch) = tokio::sync::watch::channel(false);
    let mut dead = watch.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((mut client, _)) = accepted else { return };
                    let mut stop = watch.clone();
                    tokio::spawn(async move {
                        let Ok(mut server) = tokio::net::TcpStream::connect(target).await else {
                            return;
                        };
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = stop.wait_for(|k| *k) => {}
                        }
                    });
                }
                // Dropping the listener: the port refuses connections from now on.
                _ = dead.wait_for(|k| *k) => return,
            }
        }
    });
    Killable { addr, kill }
}

/// One operation of the mixed traffic: a submission (a write) or a read of the queue.
async fn operation(stack: &Stack, token: &str, i: usize) -> Gql {
    if i.is_multiple_of(2) {
        submit(stack, token, &uuid::Uuid::new_v4().to_string()).await
    } else {
        stack
            .gql(
                Some(token),
                "{ serviceRequests(first: 5) { totalCount edges { node { id } } } localGovernments { code } }",
                json!({}),
            )
            .await
    }
}

#[tokio::test]
async fn a_service_killed_with_calls_in_flight_is_unavailable_never_internal() {
    let mut proxy = None;
    let stack = spawn_stack_with(|settings| {
        let p = killable(settings.requests.listen);
        settings.gateway.requests_url = format!("http://{}", p.addr);
        proxy = Some(p);
    })
    .await;
    let proxy = proxy.expect("proxy started");
    let token = stack.official("u-kill", "11000");
    // Warm: the gateway's connection to the service is up.
    let _ = submit(&stack, &token, "warm-up").await.data();

    // Traffic for 600 ms from 8 clients; the service dies 200 ms in.
    let started = Instant::now();
    let clients = (0..8).map(|c| {
        let (stack, token) = (&stack, token.clone());
        async move {
            let mut answers = Vec::new();
            let mut i = c;
            while started.elapsed() < Duration::from_millis(600) {
                answers.push(operation(stack, &token, i).await);
                i += 1;
            }
            answers
        }
    });
    let killer = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        proxy.kill.send(true).expect("kill");
    };
    let (answers, ()) = tokio::join!(futures::future::join_all(clients), killer);
    let answers: Vec<Gql> = answers.into_iter().flatten().collect();
    let all: Vec<String> = answers.iter().flat_map(codes).collect();
    assert!(!all.iter().any(|c| c != "UNAVAILABLE"), "{all:?}");
    assert!(
        all.iter().any(|c| c == "UNAVAILABLE"),
        "the kill was not seen"
    );

    // After the kill: UNAVAILABLE with a retry hint, and the rest of the answer arrives.
    let r = stack
        .gql(
            Some(&token),
            "{ localGovernments { code } me { subject } }",
            json!({}),
        )
        .await;
    assert_eq!(codes(&r), ["UNAVAILABLE"], "{}", r.body);
    assert!(
        r.body["errors"][0]["extensions"]["retryAfterMs"]
            .as_u64()
            .is_some(),
        "{}",
        r.body
    );
    assert_eq!(r.body["data"]["me"]["subject"], "u-kill");
}

#[tokio::test]
async fn research_down_fails_only_the_practices_of_an_events_page() {
    let mut proxy = None;
    let stack = spawn_stack_with(|settings| {
        let p = killable(settings.research.listen);
        settings.gateway.research_url = format!("http://{}", p.addr);
        proxy = Some(p);
    })
    .await;
    let proxy = proxy.expect("proxy started");
    glocal_events::demo::seed_demo(&stack.events_db)
        .await
        .expect("seed events");
    glocal_research::demo::seed_demo(&stack.research_db)
        .await
        .expect("seed research");
    let admin = stack.admin();
    // Every demo contribution draws on two practices of the library.
    let library = stack
        .gql(
            None,
            "{ practices(first: 2) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let ids: Vec<serde_json::Value> = library.data()["practices"]["edges"]
        .as_array()
        .expect("practices")
        .iter()
        .map(|e| e["node"]["id"].clone())
        .collect();
    assert_eq!(ids.len(), 2, "{}", library.body);
    let page =
        "{ events(first: 20) { edges { node { id contributions { id practices { id } } } } } }";
    // Read from the body: the answer after the kill has errors beside its data.
    let contributions = |answer: &Gql| page_contributions(&answer.body["data"]);
    let linked = link_every_contribution(&stack, &admin, &json!(ids)).await;
    assert!(!linked.is_empty(), "the demo has contributions");
    let shown = stack.gql(Some(&admin), page, json!({})).await;
    assert!(codes(&shown).is_empty(), "{}", shown.body);
    for c in contributions(&shown) {
        assert_eq!(c["practices"].as_array().map(Vec::len), Some(2), "{c}");
    }

    // Research goes away: the page of events and its contributions still arrive, and each
    // contribution's practices fail alone, UNAVAILABLE.
    proxy.kill.send(true).expect("kill");
    let answer = stack.gql(Some(&admin), page, json!({})).await;
    let after = contributions(&answer);
    assert_eq!(after.len(), linked.len(), "{}", answer.body);
    for c in &after {
        assert!(c["practices"].is_null(), "{c}");
    }
    assert_eq!(codes(&answer).len(), after.len(), "{}", answer.body);
    assert!(
        codes(&answer).iter().all(|c| c == "UNAVAILABLE"),
        "{}",
        answer.body
    );
    for error in answer.body["errors"].as_array().expect("errors") {
        assert_eq!(
            error["path"].as_array().and_then(|p| p.last()),
            Some(&json!("practices")),
            "{error}"
        );
    }
}

/// The name of the database in a PostgreSQL URL.
fn database_name(url: &str) -> String {
    let path = url.rsplit('/').next().unwrap_or_default();
    path.split('?').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn postgres_terminating_connections_mid_traffic_is_never_internal() {
    let stack = spawn_stack().await;
    let token = stack.official("u-pg", "11000");
    let _ = submit(&stack, &token, "warm-up").await.data();
    let admin = sea_orm::Database::connect(glocal_kit::testing::postgres_admin_url())
        .await
        .expect("admin connection");
    let name = database_name(stack.settings.requests.database_url.expose());
    // Only this test's own database: the other tests' backends are left alone.
    let terminate = format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    );

    let started = Instant::now();
    let clients = (0..4).map(|c| {
        let (stack, token) = (&stack, token.clone());
        async move {
            let mut answers = Vec::new();
            let mut i = c;
            while started.elapsed() < Duration::from_secs(3) {
                answers.push(operation(stack, &token, i).await);
                i += 1;
            }
            answers
        }
    });
    let killer = async {
        let mut terminated = 0;
        while started.elapsed() < Duration::from_millis(2_500) {
            tokio::time::sleep(Duration::from_millis(250)).await;
            admin
                .execute_unprepared(&terminate)
                .await
                .expect("terminate backends");
            terminated += 1;
        }
        terminated
    };
    let (answers, terminated) = tokio::join!(futures::future::join_all(clients), killer);
    assert!(terminated >= 5);
    let answers: Vec<Gql> = answers.into_iter().flatten().collect();
    assert!(answers.len() > 10, "{} answers", answers.len());
    let all: Vec<String> = answers.iter().flat_map(codes).collect();
    assert!(!all.iter().any(|c| c != "UNAVAILABLE"), "{all:?}");

    // And the service recovers: a submission goes through again.
    let mut ok = false;
    for _ in 0..20 {
        let r = stack
            .gql(
                Some(&token),
                "mutation($input: SubmitServiceRequestInput!) { submitServiceRequest(input: $input) { id } }",
                json!({ "input": interpretation_input(&uuid::Uuid::new_v4().to_string()) }),
            )
            .await;
        if codes(&r).is_empty() {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(ok, "the service never recovered");
}

/// A service that accepts connections but never answers (a hung pod) costs `/readyz` at most
/// `gateway.readiness_timeout_ms`, not the 5 s gRPC deadline: the readiness probe (3 s
/// timeout) keeps succeeding and reports the service UNREACHABLE.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_gives_a_hung_service_its_short_deadline_only() {
    let stack = spawn_stack().await;
    // Accepts TCP connections and never reads or writes.
    let hung = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hung_addr = hung.local_addr().unwrap();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = hung.accept().await {
            held.push(socket);
        }
    });
    let replica = stack
        .start_replica_with(|s| {
            s.gateway.research_url = format!("http://{hung_addr}");
            s.gateway.grpc_timeout_ms = 5_000;
            s.gateway.readiness_timeout_ms = 400;
        })
        .await;
    let started = Instant::now();
    let ready = reqwest::get(format!("{}/readyz", replica.base_url))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["services"]["research"], "UNREACHABLE", "{body}");
    assert_eq!(body["services"]["requests"], "SERVING", "{body}");
    assert!(
        elapsed < Duration::from_millis(2_500),
        "/readyz took {elapsed:?} with a hung service"
    );
    holder.abort();
    replica.kill();
}
