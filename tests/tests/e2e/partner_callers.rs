//! Partners as callers (issue 18, ADR 0027), over real HTTP with Redis and PostgreSQL:
//!
//! - a `partner` token is counted per partner organisation (every client of the partner
//!   together), against its own quota and not the per-IP anonymous one; over it the answer
//!   is 429 with `extensions.reason` `PARTNER_QUOTA_EXCEEDED` in the caller's language, and
//!   `/metrics` counts it under the partner's label (or `other`).
//! - a partner proposes changes of its own organisation's profile and contacts only; the
//!   change waits, invisible to the public (on `/graphql` and on `/subgraph`), until bureau
//!   staff approve it; a rejection leaves the profile as it was; every step is audited.

use glocal_e2e::{Gql, Stack, spawn_stack, spawn_stack_with};
use glocal_kit::{Caller, Role};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const AREAS: &str = "{ researchAreas { code } }";

fn partner(stack: &Stack, client: &str, org: &str) -> String {
    stack.token(&Caller::new(
        client,
        format!("Partner {client}"),
        org,
        [Role::Partner],
    ))
}

fn reason(answer: &Gql) -> &str {
    answer.body["errors"][0]["extensions"]["reason"]
        .as_str()
        .unwrap_or_else(|| panic!("no reason in {:#}", answer.body))
}

#[tokio::test]
async fn partners_have_a_quota_of_their_own_per_organisation() {
    let (org_a, org_b) = (
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
    );
    let quotas = format!("{org_a}=5");
    let stack = spawn_stack_with(|s| {
        s.gateway.rate_limit_partner_requests = 3;
        s.gateway.rate_limit_partner_quotas = quotas;
        s.gateway.rate_limit_anonymous_requests = 2;
        s.gateway.rate_limit_window_ms = 60_000;
    })
    .await;
    // Two clients of partner A share A's quota of 5, on both graphs.
    let (a1, a2) = (
        partner(&stack, "a-router-1", &org_a),
        partner(&stack, "a-router-2", &org_a),
    );
    for i in 0..5 {
        let token = if i % 2 == 0 { &a1 } else { &a2 };
        let answer = if i < 3 {
            stack.subgraph(Some(token), AREAS, json!({})).await
        } else {
            stack.gql(Some(token), AREAS, json!({})).await
        };
        assert_eq!(
            answer.status, 200,
            "request {i} of partner A: {:#}",
            answer.body
        );
    }
    // More than the per-IP anonymous limit (2) passed from this one address.
    let over = stack
        .http()
        .post(stack.subgraph_url())
        .bearer_auth(&a2)
        .header("accept-language", "ko")
        .json(&json!({ "query": AREAS }))
        .send()
        .await
        .unwrap();
    let retry_after = over
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let over = Stack::read(over).await;
    assert_eq!(over.status, 429, "{:#}", over.body);
    assert_eq!(over.error_code(), "UNAVAILABLE");
    assert_eq!(reason(&over), "PARTNER_QUOTA_EXCEEDED");
    let message = over.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("파트너 한도(60초에 5건 요청)"),
        "said in Korean: {message}"
    );

    // Partner B has the default quota (3), untouched by A's.
    let b = partner(&stack, "b-router", &org_b);
    for i in 0..3 {
        let answer = stack.subgraph(Some(&b), AREAS, json!({})).await;
        assert_eq!(
            answer.status, 200,
            "request {i} of partner B: {:#}",
            answer.body
        );
    }
    let over = stack.subgraph(Some(&b), AREAS, json!({})).await;
    assert_eq!(
        (over.status, reason(&over)),
        (429, "PARTNER_QUOTA_EXCEEDED")
    );
    assert_eq!(
        over.body["errors"][0]["message"],
        format!(
            "the partner quota of 3 requests per 60 s is used up; retry after {} s",
            retry_secs(&over)
        )
    );

    // Anonymous traffic from the same address keeps its own limit, with its own reason.
    for _ in 0..2 {
        assert_eq!(stack.subgraph(None, AREAS, json!({})).await.status, 200);
    }
    let anonymous = stack.subgraph(None, AREAS, json!({})).await;
    assert_eq!(
        (anonymous.status, reason(&anonymous)),
        (429, "RATE_LIMITED")
    );

    // The metrics count partner A under its own label (it is named in the quotas) and B
    // under `other`.
    let metrics = stack
        .http()
        .get(format!("{}/metrics", stack.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let series = |partner: &str, outcome: &str| {
        metrics
            .lines()
            .filter(|l| l.starts_with("gateway_partner_requests_total{"))
            .find(|l| {
                l.contains(&format!("partner=\"{partner}\""))
                    && l.contains(&format!("outcome=\"{outcome}\""))
            })
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
    };
    assert_eq!(series(&org_a, "allowed"), Some(5.0), "{metrics}");
    assert_eq!(series(&org_a, "limited"), Some(1.0));
    assert!(series("other", "limited").is_some_and(|n| n >= 1.0));
    assert!(
        !metrics.contains(&org_b),
        "a partner not named in the quotas gets no label of its own"
    );
}

/// The seconds the message of a 429 names.
fn retry_secs(answer: &Gql) -> u64 {
    answer.body["errors"][0]["extensions"]["messageArgs"]["seconds"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no seconds in {:#}", answer.body))
}

const CREATE: &str =
    "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }";
const PROPOSE: &str = "mutation($i: ProposeOrganisationProfileInput!) { \
    proposeOrganisationProfile(input: $i) { id status name(lang: EN) website baseRevision \
      contacts { name email } organisation { name(lang: EN) } } }";
const PUBLIC: &str = "query($id: ID!) { organisation(id: $id) { name(lang: EN) website city } }";
const CHANGES: &str = "query($org: ID, $status: OrganisationProfileChangeStatus) { \
    organisationProfileChanges(organisationId: $org, status: $status) { id status reason organisationId } }";

async fn create_organisation(stack: &Stack, staff: &str, name: &str) -> String {
    let answer = stack
        .gql(
            Some(staff),
            CREATE,
            json!({ "i": {
                "idempotencyKey": name, "kind": "FOREIGN_LOCAL_GOVERNMENT",
                "name": { "en": name }, "originalLanguage": "EN", "country": "JP",
                "website": "https://old.example.jp", "public": true,
                "contacts": [{ "name": "Sato", "email": "sato@example.jp" }],
            }}),
        )
        .await;
    answer.data()["createOrganisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn proposal(org: &str, name: &str) -> Value {
    json!({ "i": {
        "organisationId": org, "name": { "en": name }, "originalLanguage": "EN",
        "city": "Osaka", "website": "https://new.example.jp",
        "contacts": [{ "name": "Tanaka", "position": "Director", "email": "tanaka@example.jp" }],
    }})
}

async fn public_name(stack: &Stack, org: &str) -> Value {
    stack.gql(None, PUBLIC, json!({ "id": org })).await.data()["organisation"].clone()
}

/// The public profile, waiting (the entity cache is dropped by a change event) until it
/// says `name`.
async fn wait_public_name(stack: &Stack, org: &str, name: &str) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let seen = public_name(stack, org).await;
        if seen["name"] == name || std::time::Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

async fn audit_actions(stack: &Stack, org: &str) -> Vec<(String, String)> {
    let db = &stack.research_db;
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "SELECT action, actor_subject FROM audit WHERE aggregate_id = '{org}' \
             AND action LIKE 'ProfileChange%' ORDER BY seq"
        ),
    ))
    .await
    .unwrap()
    .into_iter()
    .map(|r| {
        (
            r.try_get::<String>("", "action").unwrap(),
            r.try_get::<String>("", "actor_subject").unwrap(),
        )
    })
    .collect()
}

#[tokio::test]
async fn partners_propose_their_own_profile_and_staff_review_it() {
    let stack = spawn_stack().await;
    let staff = stack.staff("staff-network");
    let org_a = create_organisation(&stack, &staff, "Osaka City").await;
    let org_b = create_organisation(&stack, &staff, "Busan Friends").await;
    let (a, b) = (
        partner(&stack, "osaka-router", &org_a),
        partner(&stack, "busan-router", &org_b),
    );

    // Partner A cannot touch partner B's profile (said in Japanese when asked), and nothing
    // is written.
    let refused = stack
        .gql_in("ja", Some(&a), PROPOSE, proposal(&org_b, "Hijacked"))
        .await;
    assert_eq!(refused.error_code(), "FORBIDDEN", "{:#}", refused.body);
    assert_eq!(reason(&refused), "NOT_OWN_ORGANISATION");
    assert_eq!(
        refused.body["errors"][0]["message"],
        "パートナーが変更できるのは自機関のプロフィールだけです"
    );
    assert_eq!(count(&stack, "profile_change").await, 0);

    // Partner A proposes its own: pending, and the public still sees the approved profile,
    // on /graphql and on /subgraph.
    let proposed = stack
        .gql(Some(&a), PROPOSE, proposal(&org_a, "Osaka City Government"))
        .await;
    let change = proposed.data()["proposeOrganisationProfile"].clone();
    assert_eq!(change["status"], "PENDING");
    assert_eq!(change["name"], "Osaka City Government");
    assert_eq!(change["organisation"]["name"], "Osaka City");
    assert_eq!(change["contacts"][0]["email"], "tanaka@example.jp");
    let change_id = change["id"].as_str().unwrap().to_owned();
    let seen = public_name(&stack, &org_a).await;
    assert_eq!(
        (&seen["name"], &seen["website"]),
        (&json!("Osaka City"), &json!("https://old.example.jp"))
    );
    let entities = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Organisation { name(lang: EN) } } }";
    let via_subgraph = stack
        .subgraph(
            None,
            entities,
            json!({ "r": [{ "__typename": "Organisation", "id": org_a }] }),
        )
        .await;
    assert_eq!(via_subgraph.data()["_entities"][0]["name"], "Osaka City");
    // The partner graph has no way to name a pending change.
    let hidden = stack
        .subgraph(Some(&a), "{ organisationProfileChanges { id } }", json!({}))
        .await;
    assert!(hidden.body["data"].is_null(), "{:#}", hidden.body);

    // One change waits at a time.
    let second = stack
        .gql(Some(&a), PROPOSE, proposal(&org_a, "Osaka Again"))
        .await;
    assert_eq!(
        (second.error_code(), reason(&second)),
        ("CONFLICT", "PROFILE_CHANGE_PENDING")
    );

    // Partner B sees none of A's changes, even naming A; A sees its own; staff see it.
    let vars = |org: Option<&str>| json!({ "org": org, "status": null });
    for org in [None, Some(org_a.as_str())] {
        let listed = stack.gql(Some(&b), CHANGES, vars(org)).await;
        assert_eq!(listed.data()["organisationProfileChanges"], json!([]));
    }
    let own = stack.gql(Some(&a), CHANGES, vars(None)).await;
    assert_eq!(own.data()["organisationProfileChanges"][0]["id"], change_id);
    let queue = stack
        .gql(
            Some(&staff),
            CHANGES,
            json!({ "org": null, "status": "PENDING" }),
        )
        .await;
    let queue = queue.data()["organisationProfileChanges"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(queue.len(), 1, "{queue:?}");

    // Partners do not review (not even their own), anonymous callers neither.
    let approve = "mutation($id: ID!) { approveOrganisationProfileChange(id: $id) { status } }";
    for token in [Some(a.as_str()), Some(b.as_str()), None] {
        let refused = stack.gql(token, approve, json!({ "id": change_id })).await;
        assert!(
            ["FORBIDDEN", "UNAUTHENTICATED"].contains(&refused.error_code()),
            "{:#}",
            refused.body
        );
    }
    assert_eq!(public_name(&stack, &org_a).await["name"], "Osaka City");

    // Staff approve: the public profile and contacts become the proposed ones.
    let approved = stack
        .gql(Some(&staff), approve, json!({ "id": change_id }))
        .await;
    assert_eq!(
        approved.data()["approveOrganisationProfileChange"]["status"],
        "APPROVED"
    );
    let seen = wait_public_name(&stack, &org_a, "Osaka City Government").await;
    assert_eq!(
        seen,
        json!({ "name": "Osaka City Government", "website": "https://new.example.jp", "city": "Osaka" })
    );
    let contacts = stack
        .gql(
            Some(&staff),
            "query($id: ID!) { organisation(id: $id) { contacts { name email } } }",
            json!({ "id": org_a }),
        )
        .await;
    assert_eq!(
        contacts.data()["organisation"]["contacts"],
        json!([{ "name": "Tanaka", "email": "tanaka@example.jp" }])
    );
    let again = stack
        .gql(Some(&staff), approve, json!({ "id": change_id }))
        .await;
    assert_eq!(
        (again.error_code(), reason(&again)),
        ("CONFLICT", "PROFILE_CHANGE_DECIDED")
    );

    // A rejected change leaves the profile as it was, and says why.
    let proposed = stack
        .gql(Some(&a), PROPOSE, proposal(&org_a, "Osaka Metropolis"))
        .await;
    let second_id = proposed.data()["proposeOrganisationProfile"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reject = "mutation($i: RejectOrganisationProfileChangeInput!) { \
        rejectOrganisationProfileChange(input: $i) { status reason reviewedByName } }";
    let empty = stack
        .gql(
            Some(&staff),
            reject,
            json!({ "i": { "id": second_id, "reason": " " } }),
        )
        .await;
    assert_eq!(empty.error_code(), "BAD_USER_INPUT");
    let rejected = stack
        .gql(
            Some(&staff),
            reject,
            json!({ "i": { "id": second_id, "reason": "the city's name is not changing" } }),
        )
        .await;
    assert_eq!(
        rejected.data()["rejectOrganisationProfileChange"],
        json!({ "status": "REJECTED", "reason": "the city's name is not changing", "reviewedByName": "Staff staff-network" })
    );
    let own = stack
        .gql(
            Some(&a),
            CHANGES,
            json!({ "org": org_a, "status": "REJECTED" }),
        )
        .await;
    assert_eq!(
        own.data()["organisationProfileChanges"][0]["reason"],
        "the city's name is not changing"
    );
    assert_eq!(
        public_name(&stack, &org_a).await["name"],
        "Osaka City Government"
    );
    // Partner B's profile was never touched.
    assert_eq!(public_name(&stack, &org_b).await["name"], "Busan Friends");

    // Every step is audited, with who did it.
    assert_eq!(
        audit_actions(&stack, &org_a).await,
        [
            ("ProfileChangeProposed", "osaka-router"),
            ("ProfileChangeApproved", "staff-network"),
            ("ProfileChangeProposed", "osaka-router"),
            ("ProfileChangeRejected", "staff-network"),
        ]
        .map(|(a, s)| (a.to_owned(), s.to_owned()))
    );
    assert!(audit_actions(&stack, &org_b).await.is_empty());
}

async fn count(stack: &Stack, table: &str) -> i64 {
    glocal_kit::testing::count_rows(&stack.research_db, table).await
}
