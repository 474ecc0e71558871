//! The gateway's entity cache against real Redis, proven by counting the gRPC calls that
//! reach the research service through a counting proxy: a second public read is a cache
//! hit, an edit is visible on the next read (the change event travels outbox → relay →
//! Redis Stream → gateway, which drops the entry), staff-only data never reaches other
//! callers, and with Redis cut off (a TCP proxy in front of it is closed) reads are still
//! answered by the services, writes succeed, and their events leave once Redis is back.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use glocal_e2e::{Stack, spawn_stack_with};
use glocal_kit::config::Secret;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::support::{Calls, counting_proxy};

const ORGANISATIONS: &str = "/glocal.research.v1.ResearchService/BatchGetOrganisations";

const READ: &str = "query($id: ID!) { organisation(id: $id) {
    id name(lang: EN) contacts { name email } } }";

const CREATE: &str =
    "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }";

const ADD_CONTACT: &str = "mutation($i: AddContactInput!) { addContact(input: $i) {
    id contacts { name } } }";

/// A TCP proxy in front of the test Redis that can cut every connection and refuse new
/// ones, as if Redis went down, and let them through again.
#[derive(Clone)]
struct RedisProxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    pipes: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl RedisProxy {
    fn start() -> RedisProxy {
        let upstream = glocal_kit::testing::redis_url()
            .trim_start_matches("redis://")
            .trim_end_matches('/')
            .to_owned();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind Redis proxy");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("proxy addr");
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        let proxy = RedisProxy {
            addr,
            up: Arc::new(AtomicBool::new(true)),
            pipes: Arc::default(),
        };
        let accepting = proxy.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !accepting.up.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees the connection closed
                }
                let upstream = upstream.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                accepting.pipes.lock().unwrap().push(pipe);
            }
        });
        proxy
    }

    fn url(&self) -> String {
        format!("redis://{}", self.addr)
    }

    /// Redis "goes down": open connections are closed, new ones closed at once.
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for pipe in self.pipes.lock().unwrap().drain(..) {
            pipe.abort();
        }
    }

    /// Redis is back.
    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// Creates an organisation as `staff` with one contact; answers its id.
async fn create_organisation(stack: &Stack, staff: &str, key: &str, public: bool) -> String {
    let input = json!({
        "idempotencyKey": key, "kind": "FOREIGN_LOCAL_GOVERNMENT",
        "name": { "en": format!("City of {key}") }, "originalLanguage": "EN",
        "country": "JP", "public": public,
        "contacts": [{ "name": "Sato", "email": "sato@example.jp" }]
    });
    let made = stack.gql(Some(staff), CREATE, json!({ "i": input })).await;
    made.data()["createOrganisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Reads organisation `id` as `token`: the organisation (null when not visible) and the
/// number of `BatchGetOrganisations` calls the read cost.
async fn read(stack: &Stack, calls: &Calls, token: Option<&str>, id: &str) -> (Value, usize) {
    calls.take();
    let answer = stack.gql(token, READ, json!({ "id": id })).await;
    let organisation = answer.body["data"]["organisation"].clone();
    let cost = calls.take().get(ORGANISATIONS).copied().unwrap_or(0);
    (organisation, cost)
}

/// Waits until every outbox row of the research service has been relayed.
async fn outbox_drained(stack: &Stack) {
    for _ in 0..200 {
        let (unpublished, _) = glocal_kit::metrics::outbox_lag(&stack.research_db)
            .await
            .expect("outbox lag");
        if unpublished == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the research outbox was not relayed");
}

/// Reads until a read is answered from the cache (the change events of the organisation's
/// creation may still drop the first entry); answers that read.
async fn cached_read(stack: &Stack, calls: &Calls, token: Option<&str>, id: &str) -> Value {
    outbox_drained(stack).await;
    for _ in 0..50 {
        read(stack, calls, token, id).await;
        let (organisation, cost) = read(stack, calls, token, id).await;
        if cost == 0 {
            return organisation;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("organisation {id} was never served from the cache");
}

/// Reads as `token` until `done` holds (the change event may take a moment); answers that
/// read and its cost.
async fn read_until(
    stack: &Stack,
    calls: &Calls,
    token: Option<&str>,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> (Value, usize) {
    let mut last = Value::Null;
    for _ in 0..150 {
        let (organisation, cost) = read(stack, calls, token, id).await;
        if done(&organisation) {
            return (organisation, cost);
        }
        last = organisation;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the read never showed the change; last: {last:#}");
}

fn contact_names(organisation: &Value) -> Vec<&str> {
    organisation["contacts"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn public_entities_are_cached_invalidated_by_change_events_and_never_shared_privately() {
    let calls = Calls::default();
    let stack = spawn_stack_with(|s| {
        s.gateway.research_url = counting_proxy(s.research.listen, &calls);
        // The entity cache alone: whole answers kept in front of it (ADR 0053, tested in
        // response_cache.rs) would hide the calls this test counts.
        s.gateway.response_cache_ttl_secs = 0;
    })
    .await;
    let staff = stack.staff("staff-network");
    let official = stack.official("official-seoul", "11000");
    let id = create_organisation(&stack, &staff, "osaka", true).await;

    // A second anonymous read costs no call; an official gets the same public view from it.
    let anonymous = cached_read(&stack, &calls, None, &id).await;
    assert_eq!(anonymous["name"], "City of osaka");
    assert_eq!(
        anonymous["contacts"],
        json!([{ "name": "Sato", "email": null }])
    );
    let (seen, cost) = read(&stack, &calls, Some(&official), &id).await;
    assert_eq!((seen, cost), (anonymous.clone(), 0));

    // Staff see contact details: always from the service, never from the shared cache…
    for _ in 0..2 {
        let (seen, cost) = read(&stack, &calls, Some(&staff), &id).await;
        assert_eq!(seen["contacts"][0]["email"], "sato@example.jp");
        assert_eq!(cost, 1, "staff reads are never served from the cache");
    }
    // …and their view never reaches the public.
    let (seen, cost) = read(&stack, &calls, None, &id).await;
    assert_eq!((seen, cost), (anonymous.clone(), 0));

    // An edit is visible on the next read: the change event dropped the entry.
    let added = stack
        .gql(
            Some(&staff),
            ADD_CONTACT,
            json!({ "i": { "organisationId": id, "contact": { "name": "Tanaka", "email": "t@example.jp" } } }),
        )
        .await;
    assert_eq!(
        contact_names(&added.data()["addContact"]),
        ["Sato", "Tanaka"]
    );
    let (seen, cost) = read_until(&stack, &calls, None, &id, |o| contact_names(o).len() == 2).await;
    assert_eq!(contact_names(&seen), ["Sato", "Tanaka"]);
    assert_eq!(seen["contacts"][1]["email"], Value::Null);
    assert_eq!(cost, 1, "the dropped entry is read once from the service");
    let (_, cost) = read(&stack, &calls, None, &id).await;
    assert_eq!(cost, 0, "and cached again");

    // A private organisation: staff see it, the public never does, before or after.
    let private = create_organisation(&stack, &staff, "private", false).await;
    outbox_drained(&stack).await;
    let (seen, _) = read(&stack, &calls, None, &private).await;
    assert!(seen.is_null(), "{seen:#}");
    let (seen, _) = read(&stack, &calls, Some(&staff), &private).await;
    assert_eq!(seen["name"], "City of private");
    for token in [None, Some(official.as_str())] {
        let (seen, cost) = read(&stack, &calls, token, &private).await;
        assert!(seen.is_null(), "{seen:#}");
        assert_eq!(cost, 1, "an entity the public may not see is never cached");
    }

    // The hits and misses are counted by layer.
    let metrics = stack
        .http()
        .get(format!("{}/metrics", stack.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("cache_requests_total{") && l.contains("layer=\"local\"")),
        "{metrics}"
    );
}

#[tokio::test]
async fn with_redis_down_reads_are_answered_writes_succeed_and_nothing_is_lost() {
    let calls = Calls::default();
    let redis = RedisProxy::start();
    let stack = spawn_stack_with(|s| {
        s.redis.url = Secret::new(redis.url());
        s.gateway.research_url = counting_proxy(s.research.listen, &calls);
    })
    .await;
    let staff = stack.staff("staff-network");
    let id = create_organisation(&stack, &staff, "kobe", true).await;
    cached_read(&stack, &calls, None, &id).await;

    redis.cut();

    // Still ready, reads still answered (by the service), writes still succeed.
    let ready = stack
        .http()
        .get(format!("{}/readyz", stack.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let (seen, _) = read(&stack, &calls, None, &id).await;
    assert_eq!(contact_names(&seen), ["Sato"]);
    let added = stack
        .gql(
            Some(&staff),
            ADD_CONTACT,
            json!({ "i": { "organisationId": id, "contact": { "name": "Kimura" } } }),
        )
        .await;
    assert_eq!(
        contact_names(&added.data()["addContact"]),
        ["Sato", "Kimura"]
    );
    let (seen, cost) = read_until(&stack, &calls, None, &id, |o| contact_names(o).len() == 2).await;
    assert_eq!(contact_names(&seen), ["Sato", "Kimura"]);
    assert_eq!(cost, 1, "without Redis the read goes to the service");

    // The change's event waits in the outbox…
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (unpublished, _) = glocal_kit::metrics::outbox_lag(&stack.research_db)
        .await
        .unwrap();
    assert!(unpublished >= 1, "the event must wait for Redis");

    // …and leaves once Redis is back; reads are cached again.
    redis.restore();
    outbox_drained(&stack).await;
    let seen = cached_read(&stack, &calls, None, &id).await;
    assert_eq!(contact_names(&seen), ["Sato", "Kimura"]);
}
