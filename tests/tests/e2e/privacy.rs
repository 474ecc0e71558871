//! A person's own data and its erasure, end to end (ADR 0040): an official sees every record
//! the bureau holds about them in one query (their own requests, not their colleagues'; their
//! application; their registration; their contact); they ask for erasure; only a bureau
//! administrator decides, a rejection says why, a decision is final; approval erases them
//! in the notifier at once and in the requests, training and events services through the
//! `PersonErased` event on the real Redis stream, and the gateway's cached copy of their
//! request shows the pseudonym on the next read.

use std::time::Duration;

use glocal_e2e::Stack;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};

use crate::events::{open_event, register};
use crate::support::submit;
use crate::training::{apply, fellowship, profile};

const MY_DATA: &str = "{ myPersonalData { subject name contact { email source }
  serviceRequests { totalCount edges { node { id requester { subject name } } } }
  applications { totalCount edges { node { id profile { fullName } } } }
  eventRegistrations { totalCount edges { node { id attendeeName } } }
  contributions { id }
  notifications { totalCount }
  erasureRequests { totalCount edges { node { state decidedBy decisionNote } } } } }";

const ASK: &str = "mutation($reason: String) { requestPersonalDataErasure(reason: $reason) {
  id state subject name reason } }";

const DECIDE: &str = "mutation($id: ID!, $approve: Boolean!, $note: String) {
  decidePersonalDataErasure(id: $id, approve: $approve, note: $note) {
  id state decidedBy decisionNote decidedAt } }";

/// How many rows of `sql` (a `SELECT COUNT(*) AS n …`) `db` holds.
async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let backend = db.get_database_backend();
    db.query_one_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .expect("count query")
        .expect("a row")
        .try_get::<i64>("", "n")
        .expect("column n")
}

/// Waits until `sql` counts `want` rows in `db`.
async fn wait_count(db: &DatabaseConnection, sql: &str, want: i64) {
    for _ in 0..200 {
        if count(db, sql).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "`{sql}` never counted {want} (now {})",
        count(db, sql).await
    );
}

fn reason(gql: &glocal_e2e::Gql) -> &str {
    gql.body["errors"][0]["extensions"]["reason"]
        .as_str()
        .unwrap_or_else(|| panic!("no reason in {:#}", gql.body))
}

fn total(data: &Value, field: &str) -> i64 {
    data["myPersonalData"][field]["totalCount"]
        .as_i64()
        .unwrap_or_else(|| panic!("no {field} in {data:#}"))
}

async fn my_data(stack: &Stack, token: &str) -> Value {
    stack
        .gql(Some(token), MY_DATA, json!({}))
        .await
        .data()
        .clone()
}

#[tokio::test]
async fn a_person_sees_their_data_asks_for_erasure_and_is_erased_everywhere() {
    let stack = glocal_e2e::spawn_stack().await;
    let minji =
        stack.official_with_contact("official-seoul", "11000", "minji@seoul.example.kr", "ko-KR");
    let colleague = stack.official("official-seoul-2", "11000");
    let admin = stack.admin();
    let staff = stack.staff("staff-privacy");

    // Minji's records in three services, and a colleague's request of the same local
    // government.
    let mine = submit(&stack, &minji, "privacy-minji").await;
    let request_id = mine.data()["submitServiceRequest"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    submit(&stack, &colleague, "privacy-colleague").await.data();
    let (_, edition) = fellowship(&stack, 5).await;
    let applied = apply(
        &stack,
        &minji,
        "privacy-apply",
        edition["id"].as_str().unwrap(),
        profile("Kim Minji"),
    )
    .await;
    applied.data();
    let event = open_event(&stack, &staff, "privacy-event", 10).await;
    register(
        &stack,
        &minji,
        json!({ "idempotencyKey": "privacy-reg", "eventId": event["id"], "kind": "INDIVIDUAL" }),
    )
    .await
    .data();

    // She sees every record held about her, and only hers.
    let data = my_data(&stack, &minji).await;
    assert_eq!(data["myPersonalData"]["subject"], "official-seoul");
    assert_eq!(
        data["myPersonalData"]["contact"]["email"],
        "minji@seoul.example.kr"
    );
    assert_eq!(total(&data, "serviceRequests"), 1, "{data:#}");
    assert_eq!(
        data["myPersonalData"]["serviceRequests"]["edges"][0]["node"]["id"],
        request_id.as_str()
    );
    assert_eq!(total(&data, "applications"), 1);
    assert_eq!(total(&data, "eventRegistrations"), 1);
    assert_eq!(total(&data, "erasureRequests"), 0);
    let lg = stack
        .gql(
            Some(&minji),
            "{ serviceRequests { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        lg.data()["serviceRequests"]["totalCount"],
        2,
        "without `mine` she sees her local government's"
    );
    // Her notices (of the submission, the application, the registration) reach her inbox;
    // the erasure below is decided once they all did (the count stays put for a second), so
    // that no notice of hers is still on its way from a service's outbox.
    let mut notices = 0;
    let mut steady = 0;
    for _ in 0..200 {
        let now = total(&my_data(&stack, &minji).await, "notifications");
        steady = if now == notices { steady + 1 } else { 0 };
        notices = now;
        if notices > 0 && steady >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(notices > 0, "no notice reached her");
    // A staff member reads her request (the gateway caches it).
    let read = "query($id: ID!) { serviceRequest(id: $id) { requester { subject name } } }";
    let before = stack
        .gql(Some(&admin), read, json!({ "id": request_id }))
        .await;
    assert_eq!(
        before.data()["serviceRequest"]["requester"]["name"],
        "Official official-seoul"
    );

    // She asks; one pending request at a time.
    let asked = stack
        .gql(
            Some(&minji),
            ASK,
            json!({ "reason": "I left the city hall." }),
        )
        .await;
    let erasure = asked.data()["requestPersonalDataErasure"].clone();
    assert_eq!(erasure["state"], "PENDING");
    assert_eq!(erasure["subject"], "official-seoul");
    let again = stack.gql(Some(&minji), ASK, json!({})).await;
    assert_eq!(again.error_code(), "CONFLICT");
    assert_eq!(reason(&again), "ERASURE_ALREADY_PENDING");

    // Only an administrator decides; she and staff are refused, nothing changes.
    let id = erasure["id"].clone();
    for token in [&minji, &staff] {
        let refused = stack
            .gql(Some(token), DECIDE, json!({ "id": id, "approve": true }))
            .await;
        assert_eq!(refused.error_code(), "FORBIDDEN", "{:#}", refused.body);
    }
    let listed = stack
        .gql(
            Some(&admin),
            "{ personalDataErasureRequests(state: PENDING) { totalCount edges { node { id name reason } } } }",
            json!({}),
        )
        .await;
    let listed = &listed.data()["personalDataErasureRequests"];
    assert_eq!(listed["totalCount"], 1);
    assert_eq!(
        listed["edges"][0]["node"]["reason"],
        "I left the city hall."
    );
    let colleague_sees = stack
        .gql(
            Some(&colleague),
            "{ personalDataErasureRequests { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        colleague_sees.data()["personalDataErasureRequests"]["totalCount"],
        0,
        "a person sees only their own erasure requests"
    );
    let silent = stack
        .gql(Some(&admin), DECIDE, json!({ "id": id, "approve": false }))
        .await;
    assert_eq!(silent.error_code(), "BAD_USER_INPUT");
    assert_eq!(reason(&silent), "ERASURE_REJECTION_NEEDS_REASON");
    assert_eq!(
        count(
            &stack.requests_db,
            "SELECT COUNT(*) AS n FROM service_request WHERE requester_subject = 'official-seoul'"
        )
        .await,
        1,
        "nothing erased before approval"
    );

    // Approved: erased in the notifier at once, in every other service on the event.
    let approved = stack
        .gql(Some(&admin), DECIDE, json!({ "id": id, "approve": true }))
        .await;
    let approved = approved.data()["decidePersonalDataErasure"].clone();
    assert_eq!(approved["state"], "APPROVED");
    assert_eq!(approved["decidedBy"], "Admin");
    let twice = stack
        .gql(
            Some(&admin),
            DECIDE,
            json!({ "id": id, "approve": false, "note": "changed my mind" }),
        )
        .await;
    assert_eq!(twice.error_code(), "CONFLICT");
    assert_eq!(reason(&twice), "ERASURE_ALREADY_DECIDED");
    for table in [
        "contact WHERE subject",
        "notice WHERE recipient",
        "preference WHERE subject",
    ] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table} = 'official-seoul'");
        assert_eq!(count(&stack.notifier_db, &sql).await, 0, "{sql}");
    }
    wait_count(
        &stack.requests_db,
        "SELECT COUNT(*) AS n FROM service_request WHERE requester_subject = 'official-seoul' OR requester_name = 'Official official-seoul'",
        0,
    )
    .await;
    wait_count(
        &stack.training_db,
        "SELECT COUNT(*) AS n FROM application WHERE applicant_subject = 'official-seoul' OR full_name = 'Kim Minji'",
        0,
    )
    .await;
    wait_count(
        &stack.events_db,
        "SELECT COUNT(*) AS n FROM registration WHERE registrant_subject = 'official-seoul' OR attendee_name = 'Official official-seoul'",
        0,
    )
    .await;
    // The records stay (pseudonymised), the colleague's is untouched.
    assert_eq!(
        count(
            &stack.requests_db,
            "SELECT COUNT(*) AS n FROM service_request WHERE requester_subject LIKE 'anon-%'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &stack.requests_db,
            "SELECT COUNT(*) AS n FROM service_request WHERE requester_subject = 'official-seoul-2'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&stack.training_db, "SELECT COUNT(*) AS n FROM application").await,
        1
    );
    assert_eq!(
        count(
            &stack.requests_db,
            "SELECT COUNT(*) AS n FROM request_history WHERE actor_subject = 'official-seoul'"
        )
        .await,
        0
    );

    // The gateway's cached copy went with the change events.
    let mut name = String::new();
    for _ in 0..100 {
        let after = stack
            .gql(Some(&admin), read, json!({ "id": request_id }))
            .await;
        name = after.data()["serviceRequest"]["requester"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if name.starts_with("anon-") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(name.starts_with("anon-"), "still cached: {name}");

    // What she sees now: nothing but the decision.
    let data = my_data(&stack, &minji).await;
    assert_eq!(total(&data, "serviceRequests"), 0, "{data:#}");
    assert_eq!(total(&data, "applications"), 0);
    assert_eq!(total(&data, "eventRegistrations"), 0);
    assert_eq!(total(&data, "notifications"), 0, "{data:#}");
    assert_eq!(
        data["myPersonalData"]["contact"]["source"], "CLAIMS",
        "nothing stored: the address shown is the one her token carries"
    );
    assert_eq!(
        count(
            &stack.notifier_db,
            "SELECT COUNT(*) AS n FROM contact WHERE subject = 'official-seoul'"
        )
        .await,
        0
    );
    let decisions = &data["myPersonalData"]["erasureRequests"];
    assert_eq!(decisions["totalCount"], 1);
    assert_eq!(decisions["edges"][0]["node"]["state"], "APPROVED");
}

#[tokio::test]
async fn a_rejection_says_why_and_the_person_may_ask_again() {
    let stack = glocal_e2e::spawn_stack().await;
    let minji = stack.official("official-seoul", "11000");
    let admin = stack.admin();
    submit(&stack, &minji, "privacy-reject").await.data();
    let asked = stack.gql(Some(&minji), ASK, json!({})).await;
    let id = asked.data()["requestPersonalDataErasure"]["id"].clone();
    let rejected = stack
        .gql(
            Some(&admin),
            DECIDE,
            json!({ "id": id, "approve": false, "note": "An audit of 2030 holds these records." }),
        )
        .await;
    let rejected = rejected.data()["decidePersonalDataErasure"].clone();
    assert_eq!(rejected["state"], "REJECTED");
    let data = my_data(&stack, &minji).await;
    let seen = &data["myPersonalData"]["erasureRequests"]["edges"][0]["node"];
    assert_eq!(seen["state"], "REJECTED");
    assert_eq!(
        seen["decisionNote"],
        "An audit of 2030 holds these records."
    );
    assert_eq!(total(&data, "serviceRequests"), 1, "nothing erased");
    // A rejected request does not block a new one.
    let again = stack.gql(Some(&minji), ASK, json!({})).await;
    assert_eq!(
        again.data()["requestPersonalDataErasure"]["state"],
        "PENDING"
    );
    // Without a token there is no personal data to see.
    let anonymous = stack.gql(None, MY_DATA, json!({})).await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
}
