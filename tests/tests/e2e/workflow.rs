//! The Online Bureau's six steps end to end, and the rules around them: scoping,
//! idempotency, optimistic concurrency, bad input that writes nothing.

use glocal_e2e::spawn_stack;
use serde_json::json;

use crate::support::{act, actions, assignee_token, get, interpretation_input, submit};

#[tokio::test]
async fn the_six_steps_from_request_to_final_response() {
    let stack = spawn_stack().await;
    let official = stack.official("official-seoul", "11000");

    // 1–4: submitted, registered, routed to a department and a staff member at once.
    let submitted = submit(&stack, &official, "k-six-steps").await;
    let r = submitted.data()["submitServiceRequest"].clone();
    assert_eq!(r["state"], "STAFF_ASSIGNED", "{r:#}");
    let number = r["number"].as_str().unwrap();
    assert!(
        number.starts_with("OB-") && number.len() == "OB-2026-000001".len(),
        "{number}"
    );
    assert_eq!(r["localGovernment"]["code"], "11000");
    assert_eq!(r["requester"]["subject"], "official-seoul");
    assert!(r["department"]["code"].is_string());
    assert!(r["firstResponseDueAt"].is_string() && r["resolutionDueAt"].is_string());
    // The requester sees neither the routing rule nor the routing steps (internal).
    assert!(r["routing"].is_null(), "{r:#}");
    assert_eq!(actions(&r), ["submit", "register"]);
    let id = r["id"].as_str().unwrap().to_owned();
    let version = r["version"].as_i64().unwrap();

    // The staff see them.
    let staff = assignee_token(&stack, &r).await;
    let as_staff = get(&stack, &staff, &id).await;
    let s = &as_staff.data()["serviceRequest"];
    assert!(!s["routing"].as_str().unwrap().is_empty());
    assert_eq!(
        actions(s),
        ["submit", "register", "assign_department", "assign_staff"]
    );

    // 5: the assignee sends a mid-response; the official sees it.
    let mid = act(
        &stack,
        &staff,
        "sendMidResponse",
        json!({
            "id": id, "version": version, "body": "Interpreter booked; name follows.",
            "expectedCompletionAt": "2030-12-01T09:00:00Z"
        }),
    )
    .await;
    let m = &mid.data()["sendMidResponse"];
    assert_eq!(m["state"], "MID_RESPONDED");
    assert!(
        m["expectedCompletionAt"]
            .as_str()
            .unwrap()
            .starts_with("2030-12-01T09:00:00"),
        "{m:#}"
    );

    let seen = get(&stack, &official, &id).await;
    let s = &seen.data()["serviceRequest"];
    assert_eq!(s["state"], "MID_RESPONDED");
    assert_eq!(s["responses"][0]["kind"], "MID_RESPONSE");

    // A staff note is never shown to the requester.
    let note = stack.gql(Some(&staff), "mutation($id: ID!) { addRequestNote(input: {id: $id, body: \"internal: call back Tuesday\"}) { responses { kind } } }", json!({ "id": id })).await;
    assert!(
        note.data()["addRequestNote"]["responses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "STAFF_NOTE")
    );
    let seen = get(&stack, &official, &id).await;
    assert!(
        seen.data()["serviceRequest"]["responses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["kind"] != "STAFF_NOTE")
    );

    // 6: final response, then the official closes it.
    let version = seen.data()["serviceRequest"]["version"].as_i64().unwrap();
    let fin = act(
        &stack,
        &staff,
        "sendFinalResponse",
        json!({ "id": id, "version": version, "body": "Interpreter: Ms Sato." }),
    )
    .await;
    assert_eq!(fin.data()["sendFinalResponse"]["state"], "FINAL_RESPONDED");
    let version = fin.data()["sendFinalResponse"]["version"].as_i64().unwrap();
    let closed = act(
        &stack,
        &official,
        "closeServiceRequest",
        json!({ "id": id, "version": version }),
    )
    .await;
    let c = &closed.data()["closeServiceRequest"];
    assert_eq!(c["state"], "CLOSED");
    assert_eq!(
        actions(c),
        [
            "submit",
            "register",
            "mid_response",
            "final_response",
            "close"
        ]
    );

    // Every change left an audit row and an outbox row (the routing and note rows are hidden
    // from the official).
    assert_eq!(stack.count_rows("request_history").await, 8);
    assert!(stack.count_rows("outbox").await >= 4);
}

#[tokio::test]
async fn another_local_governments_request_is_not_found() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let busan = stack.official("official-busan", "26000");
    let r = submit(&stack, &seoul, "k-scope").await;
    let r = r.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap();

    let other = get(&stack, &busan, id).await;
    assert_eq!(other.error_code(), "NOT_FOUND");
    let missing = get(&stack, &busan, "00000000-0000-7000-8000-000000000000").await;
    assert_eq!(
        missing.body["errors"][0]["message"], other.body["errors"][0]["message"],
        "no hint that it exists"
    );

    let list = stack
        .gql(
            Some(&busan),
            "{ serviceRequests(first: 50) { totalCount edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(list.data()["serviceRequests"]["totalCount"], 0);

    let withdraw = act(
        &stack,
        &busan,
        "withdrawServiceRequest",
        json!({ "id": id, "version": r["version"] }),
    )
    .await;
    assert_eq!(withdraw.error_code(), "NOT_FOUND");
    let still = get(&stack, &seoul, id).await;
    assert_eq!(still.data()["serviceRequest"]["state"], "STAFF_ASSIGNED");

    let anonymous = stack
        .gql(
            None,
            "{ serviceRequests(first: 5) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_retried_submission_returns_the_same_request() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let first = submit(&stack, &seoul, "k-retry").await;
    let second = submit(&stack, &seoul, "k-retry").await;
    assert_eq!(
        first.data()["submitServiceRequest"]["id"],
        second.data()["submitServiceRequest"]["id"]
    );
    assert_eq!(
        first.data()["submitServiceRequest"]["number"],
        second.data()["submitServiceRequest"]["number"]
    );
    assert_eq!(stack.count_rows("service_request").await, 1);

    // The same key with a different request is a conflict, not a silent duplicate.
    let mut other = interpretation_input("k-retry");
    other["title"] = json!("Something else entirely");
    let q = "mutation($input: SubmitServiceRequestInput!) { submitServiceRequest(input: $input) { id } }";
    let conflict = stack.gql(Some(&seoul), q, json!({ "input": other })).await;
    assert_eq!(conflict.error_code(), "CONFLICT");
    assert_eq!(stack.count_rows("service_request").await, 1);
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let r = submit(&stack, &seoul, "k-stale").await.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap();
    let staff = assignee_token(&stack, &r).await;
    let seen = r["version"].as_i64().unwrap();
    let mid = act(&stack, &staff, "sendMidResponse", json!({
        "id": id, "version": seen, "body": "working on it", "expectedCompletionAt": "2030-12-01T09:00:00Z"
    })).await;
    let v = mid.data()["sendMidResponse"]["version"].as_i64().unwrap();
    assert!(v > seen);
    let history_before = stack.count_rows("request_history").await;
    let outbox_before = stack.count_rows("outbox").await;

    // Someone still holding the version from before the mid-response.
    let stale = act(
        &stack,
        &staff,
        "sendFinalResponse",
        json!({ "id": id, "version": seen, "body": "done" }),
    )
    .await;
    assert_eq!(stale.error_code(), "CONFLICT");
    assert_eq!(stack.count_rows("request_history").await, history_before);
    assert_eq!(stack.count_rows("outbox").await, outbox_before);

    // An illegal transition is a conflict too: closing before any final response.
    let early = act(
        &stack,
        &seoul,
        "closeServiceRequest",
        json!({ "id": id, "version": v }),
    )
    .await;
    assert_eq!(early.error_code(), "CONFLICT");
    assert_eq!(stack.count_rows("request_history").await, history_before);

    let fresh = act(
        &stack,
        &staff,
        "sendFinalResponse",
        json!({ "id": id, "version": v, "body": "done" }),
    )
    .await;
    assert_eq!(
        fresh.data()["sendFinalResponse"]["state"],
        "FINAL_RESPONDED"
    );
}

#[tokio::test]
async fn bad_input_is_bad_user_input_and_writes_nothing() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let q = "mutation($input: SubmitServiceRequestInput!) { submitServiceRequest(input: $input) { id } }";

    let mut empty_title = interpretation_input("k-bad-1");
    empty_title["title"] = json!("   ");
    let r = stack
        .gql(Some(&seoul), q, json!({ "input": empty_title }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{:#}", r.body);
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "title");

    let mut missing_title = interpretation_input("k-bad-2");
    missing_title.as_object_mut().unwrap().remove("title");
    let r = stack
        .gql(Some(&seoul), q, json!({ "input": missing_title }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{:#}", r.body);

    let mut unknown_type = interpretation_input("k-bad-3");
    unknown_type["type"] = json!("TIME_TRAVEL");
    let r = stack
        .gql(Some(&seoul), q, json!({ "input": unknown_type }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{:#}", r.body);

    let mut mismatched = interpretation_input("k-bad-4");
    mismatched["type"] = json!("OVERSEAS_VISIT");
    let r = stack
        .gql(Some(&seoul), q, json!({ "input": mismatched }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{:#}", r.body);
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "details");

    let mut same_language = interpretation_input("k-bad-5");
    same_language["details"]["interpretationTranslation"]["targetLanguage"] = json!("ko");
    let r = stack
        .gql(Some(&seoul), q, json!({ "input": same_language }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{:#}", r.body);

    let mut long = interpretation_input("k-bad-6");
    long["description"] = json!("가".repeat(10_001));
    let r = stack.gql(Some(&seoul), q, json!({ "input": long })).await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{:#}", r.body);
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "description");

    // A body over the gateway's limit never reaches the service.
    let mut huge = interpretation_input("k-bad-7");
    huge["description"] = json!("x".repeat(300 * 1024));
    let resp = stack
        .http()
        .post(stack.graphql_url())
        .bearer_auth(&seoul)
        .json(&json!({ "query": q, "variables": { "input": huge } }))
        .send()
        .await
        .unwrap();
    let r = glocal_e2e::Stack::read(resp).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.error_code(), "BAD_USER_INPUT");

    assert_eq!(stack.count_rows("service_request").await, 0);
    assert_eq!(stack.count_rows("request_history").await, 0);
    assert_eq!(stack.count_rows("outbox").await, 0);
}

#[tokio::test]
async fn lists_are_scoped_filtered_and_paged() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let busan = stack.official("official-busan", "26000");
    for i in 0..5 {
        submit(&stack, &seoul, &format!("k-list-{i}")).await.data();
    }
    submit(&stack, &busan, "k-list-busan").await.data();

    let page = |after: Option<String>| {
        let stack = &stack;
        let seoul = seoul.clone();
        async move {
            stack
                .gql(Some(&seoul), "query($after: String) { serviceRequests(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { number localGovernment { code } } } } }", json!({ "after": after }))
                .await
        }
    };
    let mut numbers = Vec::new();
    let mut after = None;
    loop {
        let r = page(after.clone()).await;
        let conn = r.data()["serviceRequests"].clone();
        assert_eq!(conn["totalCount"], 5);
        for e in conn["edges"].as_array().unwrap() {
            assert_eq!(e["node"]["localGovernment"]["code"], "11000");
            numbers.push(e["node"]["number"].as_str().unwrap().to_owned());
        }
        if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(numbers.len(), 5);
    let mut sorted = numbers.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(numbers, sorted, "newest first, no duplicates across pages");

    // Staff of the routed department see both local governments' requests; admins see all.
    let admin = stack.admin();

    // A page leaves out of its query only what no field of it asks for: each part selected
    // (here through a fragment) reads on the page as on the request's own page.
    const PARTS: &str = "fragment Parts on ServiceRequest { id number department { code }
        assignee { id } sla { remainingMinutes resolutionBreached } survey { rating }
        parent { id } children { id } mergedInto { id } description details { __typename }
        localGovernment { code name(lang: EN) } }";
    let listed = stack
        .gql(
            Some(&admin),
            &format!("{{ serviceRequests(first: 50) {{ totalCount edges {{ node {{ ...Parts }} }} }} }} {PARTS}"),
            json!({}),
        )
        .await;
    let edges = listed.data()["serviceRequests"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(edges.len(), 6);
    assert_eq!(listed.data()["serviceRequests"]["totalCount"], 6);
    for edge in &edges {
        let one = stack
            .gql(
                Some(&admin),
                &format!("query($id: ID!) {{ serviceRequest(id: $id) {{ ...Parts }} }} {PARTS}"),
                json!({ "id": edge["node"]["id"] }),
            )
            .await;
        assert_eq!(edge["node"], one.data()["serviceRequest"]);
        assert!(edge["node"]["department"]["code"].is_string(), "{edge:#}");
        assert!(
            edge["node"]["sla"]["remainingMinutes"].is_number(),
            "{edge:#}"
        );
        assert!(
            edge["node"]["details"]["__typename"].is_string(),
            "{edge:#}"
        );
        assert!(
            !edge["node"]["description"].as_str().unwrap().is_empty(),
            "{edge:#}"
        );
        assert!(
            edge["node"]["localGovernment"]["name"] == "Seoul Metropolitan Government"
                || edge["node"]["localGovernment"]["name"] == "Busan Metropolitan City",
            "{edge:#}"
        );
    }
    let all = stack.gql(Some(&admin), "{ serviceRequests(first: 50, filter: { localGovernmentCode: \"26000\" }) { totalCount } }", json!({})).await;
    assert_eq!(all.data()["serviceRequests"]["totalCount"], 1);
    let by_state = stack
        .gql(
            Some(&admin),
            "{ serviceRequests(first: 50, filter: { states: [CLOSED] }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(by_state.data()["serviceRequests"]["totalCount"], 0);
    let overdue = stack
        .gql(
            Some(&admin),
            "{ serviceRequests(first: 50, filter: { overdue: true }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        overdue.data()["serviceRequests"]["totalCount"],
        0,
        "nothing is overdue a second after submission"
    );
}
