//! DataLoader batching, proven by counting gRPC calls: the gateway talks to every service
//! through a counting proxy, and a page of at least five items whose cross-service
//! references are all selected costs at most one call per gRPC method — one batched lookup
//! per referenced service and kind, never one per item. Two lists in one query cost at most
//! one lookup each (their pages arrive at different moments, so each fills its own batch).

use std::collections::BTreeMap;

use glocal_e2e::{Stack, spawn_stack_with};
use serde_json::{Value, json};

use crate::support::{Calls, counting_proxy, interpretation_input, link_every_contribution};

/// A stack whose gateway reaches every service through one counting proxy.
async fn counted_stack() -> (Stack, Calls) {
    let calls = Calls::default();
    let stack = spawn_stack_with(|s| {
        s.gateway.requests_url = counting_proxy(s.requests.listen, &calls);
        s.gateway.training_url = counting_proxy(s.training.listen, &calls);
        s.gateway.events_url = counting_proxy(s.events.listen, &calls);
        s.gateway.research_url = counting_proxy(s.research.listen, &calls);
    })
    .await;
    (stack, calls)
}

/// Runs `query` as `token` and returns its data with the gRPC calls it made, checking no
/// method was called more than once.
async fn counted(
    stack: &Stack,
    calls: &Calls,
    token: &str,
    query: &str,
) -> (Value, BTreeMap<String, usize>) {
    counted_within(stack, calls, token, query, 1).await
}

/// Like [`counted`], allowing each method up to `budget` calls.
async fn counted_within(
    stack: &Stack,
    calls: &Calls,
    token: &str,
    query: &str,
    budget: usize,
) -> (Value, BTreeMap<String, usize>) {
    calls.take();
    let answer = stack.gql(Some(token), query, json!({})).await;
    let data = answer.data().clone();
    let counts = calls.take();
    eprintln!("gRPC calls of `{query}`: {counts:?}");
    for (method, n) in &counts {
        assert!(
            *n <= budget,
            "{method} was called {n} times for one query: {counts:?}"
        );
    }
    (data, counts)
}

fn nodes<'a>(data: &'a Value, root: &str) -> Vec<&'a Value> {
    data[root]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no {root} edges in {data}"))
        .iter()
        .map(|e| &e["node"])
        .collect()
}

const LG_BATCH: &str = "/glocal.requests.v1.RequestsService/BatchGetLocalGovernments";

#[tokio::test]
async fn a_page_costs_one_call_per_referenced_service() {
    let (stack, calls) = counted_stack().await;
    let admin = stack.admin();

    // Five requests from five local governments.
    let codes = ["11000", "11680", "26000", "26350", "27000"];
    for (i, code) in codes.iter().enumerate() {
        let token = stack.official(&format!("batch-{code}"), code);
        let submitted = stack
            .gql(
                Some(&token),
                "mutation($input: SubmitServiceRequestInput!) { submitServiceRequest(input: $input) { id } }",
                json!({ "input": interpretation_input(&format!("batch-{i}")) }),
            )
            .await;
        submitted.data();
    }
    let (data, counts) = counted(
        &stack,
        &calls,
        &admin,
        "{ serviceRequests(first: 10) { edges { node { id \
           localGovernment { code name(lang: EN) } \
           requester { localGovernment { code level } } } } } }",
    )
    .await;
    let requests = nodes(&data, "serviceRequests");
    assert_eq!(requests.len(), 5);
    for r in &requests {
        assert!(
            r["localGovernment"]["name"]
                .as_str()
                .is_some_and(|n| !n.is_empty()),
            "{r}"
        );
        assert_eq!(
            r["requester"]["localGovernment"]["code"],
            r["localGovernment"]["code"]
        );
    }
    assert_eq!(counts.get(LG_BATCH), Some(&1), "{counts:?}");

    // The research library and network (demo data), with every cross-service reference.
    glocal_research::demo::seed_demo(&stack.research_db)
        .await
        .expect("seed research");
    // Two more relationships (with local governments no query has looked up yet), so the
    // page has more than five. The partner comes from a list, not from a lookup.
    let organisations = stack
        .gql(
            Some(&admin),
            "{ organisations(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let partner = organisations.data()["organisations"]["edges"][0]["node"]["id"].clone();
    let mut created = Vec::new();
    for (i, code) in ["29000", "30000"].iter().enumerate() {
        let input = json!({
            "idempotencyKey": format!("batch-relationship-{i}"),
            "kind": "FRIENDSHIP_CITY",
            "localGovernmentCode": code,
            "partnerOrganisationId": partner,
            "status": "ACTIVE",
        });
        let made = stack
            .gql(
                Some(&admin),
                "mutation($input: CreateRelationshipInput!) { createRelationship(input: $input) { id } }",
                json!({ "input": input }),
            )
            .await;
        created.push(made.data()["createRelationship"]["id"].clone());
    }
    // Two lists in one query: at most one organisation lookup per list, however many
    // items each has (run first, while no cache holds an organisation).
    let (data, counts) = counted_within(
        &stack,
        &calls,
        &admin,
        "{ a: practices(first: 30) { edges { node { sourceOrganisation { id } } } } \
           b: relationships(first: 6) { edges { node { partner { id } } } } }",
        2,
    )
    .await;
    assert_eq!(nodes(&data, "b").len(), 6, "{data}");
    assert!(
        counts
            .get("/glocal.research.v1.ResearchService/BatchGetOrganisations")
            .is_some_and(|n| (1..=2).contains(n)),
        "{counts:?}"
    );

    let (data, counts) = counted(
        &stack,
        &calls,
        &admin,
        "{ practices(first: 30) { edges { node { id \
             localGovernment { code name } area { code label } sourceOrganisation { id name } } } } }",
    )
    .await;
    let practices = nodes(&data, "practices");
    assert!(practices.len() >= 5, "{data}");
    assert!(practices.iter().any(|p| !p["area"].is_null()), "{data}");
    assert!(
        practices.iter().any(|p| !p["sourceOrganisation"].is_null()),
        "{data}"
    );
    assert!(
        !counts
            .keys()
            .any(|m| m.ends_with("/GetPractice") || m.ends_with("/GetOrganisation")),
        "{counts:?}"
    );

    let (data, counts) = counted(
        &stack,
        &calls,
        &admin,
        "{ relationships(first: 10) { edges { node { id \
             localGovernment { code name } partner { id name country } } } } }",
    )
    .await;
    let relationships = nodes(&data, "relationships");
    assert!(relationships.len() >= 5, "{data}");
    for r in &relationships {
        assert!(!r["partner"].is_null(), "{r}");
    }
    // 29000 and 30000 were never looked up before.
    assert_eq!(counts.get(LG_BATCH), Some(&1), "{counts:?}");

    // Every relationship's log on the page: one BatchListInteractions, no ListInteractions.
    // Two entries for 29000's relationship, one for 30000's.
    for (i, (relationship, on)) in [
        (&created[0], "2026-04-01"),
        (&created[0], "2026-04-02"),
        (&created[1], "2026-04-03"),
    ]
    .into_iter()
    .enumerate()
    {
        let input = json!({
            "idempotencyKey": format!("batch-interaction-{i}"),
            "relationshipId": relationship,
            "kind": "MEETING",
            "occurredOn": on,
            "summary": format!("meeting {i}"),
        });
        stack
            .gql(
                Some(&admin),
                "mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { id } }",
                json!({ "input": input }),
            )
            .await
            .data();
    }
    const LOG_BATCH: &str = "/glocal.research.v1.ResearchService/BatchListInteractions";
    const LOG_LIST: &str = "/glocal.research.v1.ResearchService/ListInteractions";
    let logs = "{ relationships(first: 10) { edges { node { id localGovernmentCode \
                  interactions(first: 3) { totalCount edges { node { id } } } } } } }";
    let (data, counts) = counted(&stack, &calls, &admin, logs).await;
    let relationships = nodes(&data, "relationships");
    assert!(relationships.len() >= 5, "{data}");
    let log_of = |code: &str| {
        relationships
            .iter()
            .find(|r| r["localGovernmentCode"] == code)
            .map(|r| r["interactions"].clone())
            .unwrap_or_else(|| panic!("no relationship of {code} in {data}"))
    };
    for (code, n) in [("29000", 2), ("30000", 1)] {
        let log = log_of(code);
        assert_eq!(log["totalCount"], n, "{log}");
        assert_eq!(log["edges"].as_array().map(Vec::len), Some(n), "{log}");
    }
    assert!(
        relationships.iter().all(|r| r["interactions"].is_object()),
        "{data}"
    );
    assert_eq!(counts.get(LOG_BATCH), Some(&1), "{counts:?}");
    assert!(!counts.contains_key(LOG_LIST), "{counts:?}");
    // An official reads their own relationship's log; every other log fails alone, with
    // the error ListInteractions gives, and the page still costs one call.
    let official = stack.official("batch-29000", "29000");
    calls.take();
    let answer = stack.gql(Some(&official), logs, json!({})).await;
    let counts = calls.take();
    assert_eq!(counts.get(LOG_BATCH), Some(&1), "{counts:?}");
    assert!(!counts.contains_key(LOG_LIST), "{counts:?}");
    let seen = nodes(&answer.body["data"], "relationships");
    assert!(seen.len() >= 2, "{:#}", answer.body);
    let mine = seen
        .iter()
        .find(|r| r["localGovernmentCode"] == "29000")
        .expect("the official's own relationship");
    assert_eq!(mine["interactions"]["totalCount"], 2, "{mine}");
    let errors = answer.body["errors"].as_array().expect("denied logs");
    assert_eq!(errors.len(), seen.len() - 1, "{:#}", answer.body);
    for e in errors {
        assert_eq!(e["extensions"]["code"], "FORBIDDEN", "{e}");
        assert_eq!(
            e["message"],
            "forbidden: the interaction log is for bureau staff and the local government concerned",
            "{e}"
        );
        assert_eq!(
            e["path"].as_array().and_then(|p| p.last()),
            Some(&json!("interactions")),
            "{e}"
        );
    }

    // Events (demo data): series, timetables, contributions and their practices, hosts.
    glocal_events::demo::seed_demo(&stack.events_db)
        .await
        .expect("seed events");
    // Link every demo contribution to two practices of the library.
    let ids: Vec<&Value> = practices.iter().take(2).map(|p| &p["id"]).collect();
    let contributions = link_every_contribution(&stack, &admin, &json!(ids)).await;
    assert!(!contributions.is_empty(), "the demo has contributions");
    let (data, counts) = counted(
        &stack,
        &calls,
        &admin,
        "{ events(first: 20) { edges { node { id \
             hostLocalGovernment { code } series { id code } sessions { id } \
             contributions { id practices { id title } } } } } }",
    )
    .await;
    let events = nodes(&data, "events");
    assert!(events.len() >= 5, "{data}");
    // Sessions and series are read here for the first time (at most one call each, as for
    // every method). Contributions come with the page of events: no call of their own.
    for method in ["ListSessions", "ListSeries"] {
        let path = format!("/glocal.events.v1.EventsService/{method}");
        assert_eq!(counts.get(&path), Some(&1), "{counts:?}");
    }
    assert_eq!(
        counts.get("/glocal.events.v1.EventsService/ListEvents"),
        Some(&1),
        "{counts:?}"
    );
    assert!(
        !counts.contains_key("/glocal.events.v1.EventsService/ListContributions"),
        "{counts:?}"
    );
    // Their practices: one call for the page, made as soon as the page arrived.
    assert_eq!(
        counts.get("/glocal.research.v1.ResearchService/BatchGetPractices"),
        Some(&1),
        "{counts:?}"
    );
    let linked = events
        .iter()
        .flat_map(|e| e["contributions"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["practices"].as_array().is_some_and(|p| p.len() == 2))
        .count();
    assert_eq!(linked, contributions.len(), "{data}");
    // A practice the reader may not see (a draft) linked beside those two: the page's one
    // call leaves it out, and no contribution asks for it again.
    let draft = stack
        .gql(
            Some(&admin),
            "mutation($i: DraftPracticeInput!) { draftPractice(input: $i) { id } }",
            json!({ "i": { "idempotencyKey": "batch-draft", "title": { "en": "Unpublished" },
                "originalLanguage": "EN", "areaCode": "environment", "country": "JP",
                "year": 2024 } }),
        )
        .await;
    let draft = draft.data()["draftPractice"]["id"].clone();
    link_every_contribution(&stack, &admin, &json!([ids[0], ids[1], draft])).await;
    let reader = stack.official("batch-reader", "11000");
    let (data, _) = counted(
        &stack,
        &calls,
        &reader,
        "{ events(first: 20) { edges { node { contributions { practices { id } } } } } }",
    )
    .await;
    let shown: Vec<Value> = nodes(&data, "events")
        .iter()
        .flat_map(|e| e["contributions"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(shown.len(), contributions.len(), "{data}");
    for c in &shown {
        assert_eq!(
            c["practices"],
            json!([{ "id": ids[0] }, { "id": ids[1] }]),
            "{data}"
        );
    }

    // Training (demo data): applications' local governments and placements' hosts (the
    // directory answers from the shared cache by now, so at most one call).
    glocal_training::demo::seed_demo(&stack.training_db)
        .await
        .expect("seed training");
    let (data, counts) = counted(
        &stack,
        &calls,
        &admin,
        "{ applications(first: 20) { edges { node { id localGovernment { code } \
             participation { host { code } } } } } }",
    )
    .await;
    assert!(!nodes(&data, "applications").is_empty(), "{data}");
    assert!(counts.get(LG_BATCH) <= Some(&1), "{counts:?}");

    // Federation: a partner's router resolving every programme and edition of the demo in
    // one `_entities` request costs one batched lookup per kind.
    let listed = stack
        .gql(
            Some(&admin),
            "{ programmes(first: 20) { edges { node { id editions { id } } } } }",
            json!({}),
        )
        .await;
    let programmes = nodes(listed.data(), "programmes");
    let mut representations: Vec<Value> = Vec::new();
    for p in &programmes {
        representations.push(json!({ "__typename": "Programme", "id": p["id"] }));
        for e in p["editions"].as_array().unwrap() {
            representations.push(json!({ "__typename": "ProgrammeEdition", "id": e["id"] }));
        }
    }
    let editions = representations.len() - programmes.len();
    assert!(
        programmes.len() >= 2 && editions >= 2,
        "{representations:?}"
    );
    calls.take();
    let answer = stack
        .gql(
            None,
            "query($r: [_Any!]!) { _entities(representations: $r) { \
               ... on Programme { id title } ... on ProgrammeEdition { id term sessions { id } } } }",
            json!({ "r": representations }),
        )
        .await;
    let counts = calls.take();
    let entities = answer.data()["_entities"].as_array().unwrap().clone();
    assert_eq!(entities.len(), representations.len(), "{entities:?}");
    for method in ["BatchGetProgrammes", "BatchGetEditions"] {
        let path = format!("/glocal.training.v1.TrainingService/{method}");
        assert_eq!(counts.get(&path), Some(&1), "{counts:?}");
    }
    assert!(
        !counts
            .keys()
            .any(|m| m.ends_with("/GetProgramme") || m.ends_with("/GetEdition")),
        "{counts:?}"
    );
}

/// Requests' attachments are listed by the requests service's `FilesService` (ADR 0030).
const LIST_ATTACHMENTS: &str = "/glocal.common.v1.FilesService/ListFiles";
const LIST_FILES: &str = "/glocal.common.v1.FilesService/ListFiles";

/// Uploads a small PDF through the signed link `mutation` answers at `field`.
async fn attach(stack: &Stack, token: &str, mutation: &str, input: Value, field: &str) {
    let link = stack
        .gql(Some(token), mutation, json!({ "input": input }))
        .await;
    let url = link.data()[field]["url"].as_str().unwrap().to_owned();
    let (status, answer) = crate::files::put(stack, &url, crate::files::pdf_stream(1000)).await;
    assert_eq!(status, 201, "{answer:#}");
}

#[tokio::test]
async fn the_files_of_a_page_cost_one_call_per_kind() {
    let (stack, calls) = counted_stack().await;
    let admin = stack.admin();

    // Five requests from five local governments, each with a file.
    for (i, code) in ["11000", "11680", "26000", "26350", "27000"]
        .iter()
        .enumerate()
    {
        let token = stack.official(&format!("files-{code}"), code);
        let submitted = stack
            .gql(
                Some(&token),
                "mutation($input: SubmitServiceRequestInput!) { submitServiceRequest(input: $input) { id } }",
                json!({ "input": interpretation_input(&format!("files-{i}")) }),
            )
            .await;
        let id = submitted.data()["submitServiceRequest"]["id"].clone();
        attach(
            &stack,
            &token,
            "mutation($input: CreateRequestAttachmentUploadInput!) { createRequestAttachmentUpload(input: $input) { url } }",
            json!({ "requestId": id, "fileName": "a.pdf" }),
            "createRequestAttachmentUpload",
        )
        .await;
    }
    let (data, counts) = counted(
        &stack,
        &calls,
        &admin,
        "{ serviceRequests(first: 10) { edges { node { id attachments { fileName } } } } }",
    )
    .await;
    let requests = nodes(&data, "serviceRequests");
    assert_eq!(requests.len(), 5);
    assert!(
        requests
            .iter()
            .all(|r| r["attachments"][0]["fileName"] == "a.pdf"),
        "{data}"
    );
    assert_eq!(counts.get(LIST_ATTACHMENTS), Some(&1), "{counts:?}");

    // Five applications, each with the applicant's paper.
    let (_, edition) = crate::training::fellowship(&stack, 10).await;
    for i in 0..5 {
        let token = crate::training::foreign_official(&stack, &format!("applicant-{i}"));
        let applied = crate::training::apply(
            &stack,
            &token,
            "files",
            edition["id"].as_str().unwrap(),
            crate::training::profile("Lan"),
        )
        .await;
        let id = applied.data()["submitApplication"]["id"].clone();
        attach(
            &stack,
            &token,
            "mutation($input: CreateApplicationFileUploadInput!) { createApplicationFileUpload(input: $input) { url } }",
            json!({ "applicationId": id, "fileName": "cv.pdf" }),
            "createApplicationFileUpload",
        )
        .await;
    }
    let (data, counts) = counted(
        &stack,
        &calls,
        &admin,
        "{ applications(first: 10) { edges { node { id files { fileName } } } } }",
    )
    .await;
    let applications = nodes(&data, "applications");
    assert_eq!(applications.len(), 5);
    assert!(
        applications
            .iter()
            .all(|a| a["files"][0]["fileName"] == "cv.pdf"),
        "{data}"
    );
    assert_eq!(counts.get(LIST_FILES), Some(&1), "{counts:?}");

    // The library (demo data), two practices with a report.
    glocal_research::demo::seed_demo(&stack.research_db)
        .await
        .expect("seed research");
    let listed = stack
        .gql(
            Some(&admin),
            "{ practices(first: 2) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    for p in nodes(listed.data(), "practices") {
        attach(
            &stack,
            &admin,
            "mutation($input: CreatePracticeFileUploadInput!) { createPracticeFileUpload(input: $input) { url } }",
            json!({ "practiceId": p["id"], "fileName": "report.pdf" }),
            "createPracticeFileUpload",
        )
        .await;
    }
    let (data, counts) = counted(
        &stack,
        &calls,
        &admin,
        "{ practices(first: 30) { edges { node { id files { fileName } } } } }",
    )
    .await;
    let practices = nodes(&data, "practices");
    assert!(practices.len() >= 5, "{data}");
    let with_files = practices
        .iter()
        .filter(|p| p["files"].as_array().is_some_and(|f| !f.is_empty()))
        .count();
    assert_eq!(with_files, 2, "{data}");
    assert_eq!(counts.get(LIST_FILES), Some(&1), "{counts:?}");
}
