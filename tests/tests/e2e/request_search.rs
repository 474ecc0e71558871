//! Issue 17's request search end to end (ADR 0025): HTTP → gateway → gRPC → requests
//! service → PostgreSQL. Scoping (a Busan official never finds Seoul's requests), staff notes
//! that never match for requesters, highlights, paging, and bad queries in four languages.

use glocal_e2e::{Gql, Stack, spawn_stack};
use glocal_kit::i18n::{Lang, Message};
use serde_json::{Value, json};

use crate::support::interpretation_input;

const SEARCH: &str =
    "query($q: String!, $first: Int, $after: String, $filter: ServiceRequestFilter) {
  searchServiceRequests(query: $q, first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor score node { id title localGovernment { code } }
      highlights { field messageId messageKind snippet fragments { text match } } } } }";

async fn submit(stack: &Stack, token: &str, key: &str, title: &str, description: &str) -> String {
    let mut input = interpretation_input(key);
    input["title"] = json!(title);
    input["description"] = json!(description);
    let r = stack
        .gql(
            Some(token),
            "mutation($input: SubmitServiceRequestInput!) { submitServiceRequest(input: $input) { id } }",
            json!({ "input": input }),
        )
        .await;
    r.data()["submitServiceRequest"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", r.body))
        .to_owned()
}

async fn search(stack: &Stack, token: &str, q: &str, vars: Value) -> Gql {
    let mut v = json!({ "q": q });
    if let Value::Object(extra) = vars {
        v.as_object_mut().unwrap().extend(extra);
    }
    stack.gql(Some(token), SEARCH, v).await
}

fn titles(r: &Gql) -> Vec<String> {
    r.data()["searchServiceRequests"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn officials_find_their_own_requests_by_korean_and_english_words() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let busan = stack.official("official-busan", "26000");
    submit(
        &stack,
        &seoul,
        "s-1",
        "어린이 교통안전 교육 통역",
        "Interpreters for the road safety workshops.",
    )
    .await;
    submit(
        &stack,
        &busan,
        "b-1",
        "부산 교통 정책 설명회 통역",
        "Interpretation for the Busan transport policy briefing.",
    )
    .await;

    // 교통 is found inside 교통안전; the highlight marks it.
    let r = search(&stack, &seoul, "교통", json!({})).await;
    assert_eq!(titles(&r), ["어린이 교통안전 교육 통역"], "{}", r.body);
    let edge = &r.data()["searchServiceRequests"]["edges"][0];
    assert_eq!(edge["score"], 3);
    let title = &edge["highlights"][0];
    assert_eq!(title["field"], "TITLE");
    assert_eq!(title["snippet"], "어린이 교통안전 교육 통역");
    assert_eq!(
        title["fragments"],
        json!([
            { "text": "어린이 ", "match": false },
            { "text": "교통", "match": true },
            { "text": "안전 교육 통역", "match": false }
        ])
    );
    // A Busan official never finds Seoul's request, not even by its own words.
    let r = search(&stack, &busan, "교통", json!({})).await;
    assert_eq!(titles(&r), ["부산 교통 정책 설명회 통역"], "{}", r.body);
    let r = search(&stack, &busan, "교통안전", json!({})).await;
    assert_eq!(r.data()["searchServiceRequests"]["totalCount"], 0);
    // English by stem ("workshop" → "workshops"); an admin sees both local governments and
    // narrows with the list's filter.
    let admin = stack.admin();
    let r = search(&stack, &seoul, "workshop", json!({})).await;
    assert_eq!(titles(&r), ["어린이 교통안전 교육 통역"], "{}", r.body);
    let r = search(&stack, &admin, "교통", json!({})).await;
    assert_eq!(r.data()["searchServiceRequests"]["totalCount"], 2);
    let r = search(
        &stack,
        &admin,
        "교통",
        json!({ "filter": { "localGovernmentCode": "26000" } }),
    )
    .await;
    assert_eq!(titles(&r), ["부산 교통 정책 설명회 통역"]);

    // Paging: one hit a page, the second page after the first's cursor, the total on each.
    let first = search(&stack, &admin, "통역", json!({ "first": 1 })).await;
    let c = &first.data()["searchServiceRequests"];
    assert_eq!(c["totalCount"], 2);
    assert_eq!(c["pageInfo"]["hasNextPage"], true);
    let second = search(
        &stack,
        &admin,
        "통역",
        json!({ "first": 1, "after": c["pageInfo"]["endCursor"] }),
    )
    .await;
    let d = &second.data()["searchServiceRequests"];
    assert_eq!(d["pageInfo"]["hasNextPage"], false);
    assert_ne!(titles(&first), titles(&second));
}

#[tokio::test]
async fn requesters_never_match_internal_notes() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let admin = stack.admin();
    let id = submit(
        &stack,
        &seoul,
        "n-1",
        "Interpreter for the Osaka delegation",
        "Korean-Japanese interpretation.",
    )
    .await;
    let r = stack
        .gql(
            Some(&admin),
            "mutation($id: ID!) { addRequestNote(input: { id: $id, body: \"내부 검토: 예산 초과 우려\" }) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert!(r.body["errors"].is_null(), "{}", r.body);

    for word in ["예산", "검토"] {
        let r = search(&stack, &seoul, word, json!({})).await;
        assert_eq!(
            r.data()["searchServiceRequests"]["totalCount"],
            0,
            "{word}: {}",
            r.body
        );
        let r = search(&stack, &admin, word, json!({})).await;
        let edge = &r.data()["searchServiceRequests"]["edges"][0];
        assert_eq!(edge["node"]["id"], id.as_str(), "{}", r.body);
        assert_eq!(edge["highlights"][0]["field"], "MESSAGE");
        assert_eq!(edge["highlights"][0]["messageKind"], "STAFF_NOTE");
    }
    // The request itself is found by its title, without the note in its highlights.
    let r = search(&stack, &seoul, "Osaka", json!({})).await;
    let edge = &r.data()["searchServiceRequests"]["edges"][0];
    assert_eq!(
        edge["highlights"].as_array().unwrap().len(),
        1,
        "{}",
        r.body
    );
    assert_eq!(edge["highlights"][0]["field"], "TITLE");
}

#[tokio::test]
async fn bad_queries_are_refused_with_a_stable_code_in_the_callers_language() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let long = "가".repeat(201);
    for (q, key) in [
        ("   ", "search-query-empty"),
        (long.as_str(), "search-query-too-long"),
        ("a1 b2 c3 d4 e5 f6 g7 h8 i9", "search-query-too-many-words"),
        ("교 통", "search-query-word-too-short"),
    ] {
        let mut messages = std::collections::BTreeSet::new();
        for lang in [Lang::Ko, Lang::En, Lang::Zh, Lang::Ja] {
            let r = stack
                .gql_in(lang.as_str(), Some(&seoul), SEARCH, json!({ "q": q }))
                .await;
            assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
            let error = &r.body["errors"][0];
            assert_eq!(error["extensions"]["field"], "query", "{}", r.body);
            let message = error["message"].as_str().unwrap().to_owned();
            let expected = match key {
                "search-query-too-long" => Message::new(key).arg("max", 200).arg("got", 201),
                "search-query-too-many-words" => Message::new(key).arg("max", 8).arg("got", 9),
                "search-query-word-too-short" => Message::new(key).arg("word", "교").arg("min", 2),
                _ => Message::new(key),
            };
            assert!(
                message.contains(&expected.render(lang)),
                "{lang:?} {key}: {message}"
            );
            messages.insert(message);
        }
        assert_eq!(messages.len(), 4, "one message per language: {messages:?}");
    }
    // Anonymous callers are refused at the edge.
    let r = stack.gql(None, SEARCH, json!({ "q": "교통" })).await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED");
}
