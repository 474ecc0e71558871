//! Exchange projects end to end (ADR 0046): created through the gateway from an OPEN
//! opportunity, with every link checked by its stable reason (an opportunity not OPEN or
//! unknown, an unknown organisation, an unknown local government: checked against the
//! directory by the gateway); the full lifecycle; an illegal move and a stale revision that
//! write nothing; participants; scoping; and the interaction log.

use glocal_e2e::{Gql, Stack, count_rows_in, spawn_stack};
use serde_json::{Value, json};

const PROJECT: &str = "id status revision title(lang: EN) opportunityId cancelReason
  opportunity { id status } localGovernmentCodes localGovernments { code }
  partners { id } interactionCount";

fn reason(g: &Gql) -> &str {
    g.body["errors"][0]["extensions"]["reason"]
        .as_str()
        .unwrap_or_else(|| panic!("no reason in {:#}", g.body))
}

fn field(g: &Gql) -> &str {
    g.body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_else(|| panic!("no field in {:#}", g.body))
}

async fn mutate(stack: &Stack, token: &str, name: &str, ty: &str, input: Value) -> Gql {
    let q = format!("mutation($i: {ty}!) {{ {name}(input: $i) {{ {PROJECT} }} }}");
    stack.gql(Some(token), &q, json!({ "i": input })).await
}

/// An organisation and an opportunity in `status` (PROPOSED, OPEN or CLOSED), by id.
async fn network(stack: &Stack, staff: &str, key: &str, status: &str) -> (String, String) {
    let org = stack
        .gql(
            Some(staff),
            "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }",
            json!({ "i": { "idempotencyKey": key, "kind": "FOREIGN_LOCAL_GOVERNMENT",
                "name": { "ja": "福岡市" }, "originalLanguage": "JA", "country": "JP", "public": true } }),
        )
        .await;
    let org = org.data()["createOrganisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let o = stack
        .gql(
            Some(staff),
            "mutation($i: ProposeOpportunityInput!) { proposeOpportunity(input: $i) { id revision } }",
            json!({ "i": { "idempotencyKey": key, "title": { "en": "Youth climate camp" },
                "originalLanguage": "EN", "areaCodes": ["environment"], "organisationId": org } }),
        )
        .await;
    let id = o.data()["proposeOpportunity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let set =
        "mutation($i: SetOpportunityStatusInput!) { setOpportunityStatus(input: $i) { revision } }";
    let mut revision = 1;
    let path: &[&str] = match status {
        "OPEN" => &["OPEN"],
        "CLOSED" => &["OPEN", "CLOSED"],
        _ => &[],
    };
    for s in path {
        let r = stack
            .gql(
                Some(staff),
                set,
                json!({ "i": { "id": id, "revision": revision, "status": s } }),
            )
            .await;
        revision = r.data()["setOpportunityStatus"]["revision"]
            .as_i64()
            .unwrap();
    }
    (id, org)
}

async fn create(stack: &Stack, token: &str, input: Value) -> Gql {
    mutate(
        stack,
        token,
        "createExchangeProject",
        "CreateExchangeProjectInput",
        input,
    )
    .await
}

fn create_input(key: &str, opportunity: &str, codes: &[&str], orgs: &[&str]) -> Value {
    json!({
        "idempotencyKey": key, "opportunityId": opportunity,
        "title": { "en": "Busan–Fukuoka youth climate camp" }, "originalLanguage": "EN",
        "localGovernmentCodes": codes, "organisationIds": orgs,
    })
}

#[tokio::test]
async fn exchange_projects_from_opportunity_to_closing() {
    let stack = spawn_stack().await;
    let staff = stack.staff("staff-network");
    let busan = stack.official("official-busan", "26000");
    let seoul = stack.official("official-seoul", "11000");
    let (open, org) = network(&stack, &staff, "open", "OPEN").await;
    let (proposed, _) = network(&stack, &staff, "proposed", "PROPOSED").await;
    let (closed, _) = network(&stack, &staff, "closed", "CLOSED").await;

    // Every refusal of a link has its code and reason, and writes nothing.
    let rows = || count_rows_in(&stack.research_db, "exchange_project");
    let before = rows().await;
    for (opportunity, code, why) in [
        (proposed.as_str(), "CONFLICT", "OPPORTUNITY_NOT_OPEN"),
        (closed.as_str(), "CONFLICT", "OPPORTUNITY_NOT_OPEN"),
        (
            "00000000-0000-4000-8000-000000000000",
            "BAD_USER_INPUT",
            "UNKNOWN_OPPORTUNITY",
        ),
    ] {
        let r = create(
            &stack,
            &staff,
            create_input("x", opportunity, &["26000"], &[]),
        )
        .await;
        assert_eq!((r.error_code(), reason(&r)), (code, why), "{:#}", r.body);
    }
    let r = create(
        &stack,
        &staff,
        create_input(
            "x",
            &open,
            &["26000"],
            &[&org, "00000000-0000-4000-8000-000000000001"],
        ),
    )
    .await;
    assert_eq!(
        (r.error_code(), reason(&r), field(&r)),
        (
            "BAD_USER_INPUT",
            "UNKNOWN_ORGANISATION",
            "organisationIds[1]"
        )
    );
    let r = create(
        &stack,
        &staff,
        create_input("x", &open, &["26000", "99999"], &[]),
    )
    .await;
    assert_eq!(
        (r.error_code(), reason(&r), field(&r)),
        (
            "BAD_USER_INPUT",
            "UNKNOWN_LOCAL_GOVERNMENT",
            "localGovernmentCodes[1]"
        )
    );
    let r = create(&stack, &busan, create_input("x", &open, &["26000"], &[])).await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    assert_eq!(rows().await, before);

    // Created from the OPEN opportunity, in PROPOSAL, the link kept.
    let r = create(
        &stack,
        &staff,
        create_input("camp", &open, &["26000"], &[&org]),
    )
    .await;
    let p = r.data()["createExchangeProject"].clone();
    assert_eq!(p["status"], "PROPOSAL");
    assert_eq!(p["opportunity"], json!({ "id": open, "status": "OPEN" }));
    assert_eq!(p["localGovernments"], json!([{ "code": "26000" }]));
    assert_eq!(p["partners"], json!([{ "id": org }]));
    let id = p["id"].as_str().unwrap().to_owned();

    // Scoping: an official of an uninvolved local government and the public see nothing;
    // Busan's official and staff do.
    let one = "query($id: ID!) { exchangeProject(id: $id) { id status } }";
    let list = "{ exchangeProjects(filter: { statuses: [PROPOSAL] }) { totalCount edges { node { id } } } }";
    for (token, sees) in [
        (Some(&staff), true),
        (Some(&busan), true),
        (Some(&seoul), false),
        (None, false),
    ] {
        let g = stack
            .gql(token.map(String::as_str), one, json!({ "id": id }))
            .await;
        assert_eq!(!g.data()["exchangeProject"].is_null(), sees, "{:#}", g.body);
        let l = stack.gql(token.map(String::as_str), list, json!({})).await;
        assert_eq!(l.data()["exchangeProjects"]["totalCount"], i32::from(sees));
    }
    let by_lg = stack
        .gql(
            Some(&staff),
            "{ exchangeProjects(filter: { localGovernmentCode: \"11000\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(by_lg.data()["exchangeProjects"]["totalCount"], 0);

    // Participants: Seoul joins (known to the directory), an unknown code is refused.
    let join = |input: Value| {
        mutate(
            &stack,
            &staff,
            "addExchangeProjectParticipant",
            "ExchangeProjectParticipantInput",
            input,
        )
    };
    let r = join(json!({ "id": id, "revision": 1, "localGovernmentCode": "99999" })).await;
    assert_eq!(reason(&r), "UNKNOWN_LOCAL_GOVERNMENT");
    let r = join(json!({ "id": id, "revision": 1, "localGovernmentCode": "26000" })).await;
    assert_eq!(
        (r.error_code(), reason(&r)),
        ("CONFLICT", "ALREADY_A_PARTICIPANT")
    );
    let r = join(json!({ "id": id, "revision": 1, "localGovernmentCode": "11000" })).await;
    assert_eq!(
        r.data()["addExchangeProjectParticipant"]["localGovernmentCodes"],
        json!(["26000", "11000"])
    );
    let r = mutate(
        &stack,
        &staff,
        "removeExchangeProjectParticipant",
        "ExchangeProjectParticipantInput",
        json!({ "id": id, "revision": 2, "localGovernmentCode": "11000" }),
    )
    .await;
    assert_eq!(r.data()["removeExchangeProjectParticipant"]["revision"], 3);

    // An illegal move and a stale revision are CONFLICT and write nothing.
    let moves = |input: Value| {
        mutate(
            &stack,
            &staff,
            "moveExchangeProject",
            "MoveExchangeProjectInput",
            input,
        )
    };
    let audit = || count_rows_in(&stack.research_db, "audit");
    let before = audit().await;
    let r = moves(json!({ "id": id, "revision": 3, "status": "CLOSED" })).await;
    assert_eq!(
        (r.error_code(), reason(&r)),
        ("CONFLICT", "ILLEGAL_STATUS_MOVE")
    );
    let r = moves(json!({ "id": id, "revision": 1, "status": "AGREED" })).await;
    assert_eq!(r.error_code(), "CONFLICT");
    assert_eq!(audit().await, before);
    let r = stack.gql(Some(&staff), one, json!({ "id": id })).await;
    assert_eq!(r.data()["exchangeProject"]["status"], "PROPOSAL");

    // Interactions: Busan's official and staff log; Seoul's (no longer involved) may not.
    let record = "mutation($i: RecordExchangeProjectInteractionInput!) { recordExchangeProjectInteraction(input: $i) { id kind occurredOn recordedByName } }";
    let entry = |key: &str, summary: &str| json!({ "i": { "idempotencyKey": key, "projectId": id, "kind": "MEETING", "occurredOn": "2026-05-20", "summary": summary } });
    let r = stack
        .gql(Some(&busan), record, entry("b1", "Kick-off in Busan."))
        .await;
    assert_eq!(
        r.data()["recordExchangeProjectInteraction"]["kind"],
        "MEETING"
    );
    let r = stack
        .gql(Some(&staff), record, entry("s1", "Budget call."))
        .await;
    assert_eq!(
        r.data()["recordExchangeProjectInteraction"]["occurredOn"],
        "2026-05-20"
    );
    let r = stack
        .gql(Some(&seoul), record, entry("x1", "Not ours."))
        .await;
    assert_eq!(r.error_code(), "NOT_FOUND");

    // The full lifecycle.
    let mut revision = 3;
    for to in ["AGREED", "RUNNING", "CLOSED"] {
        let r = moves(json!({ "id": id, "revision": revision, "status": to })).await;
        let p = &r.data()["moveExchangeProject"];
        assert_eq!(p["status"], to);
        revision = p["revision"].as_i64().unwrap();
    }
    let log = "query($id: ID!) { exchangeProject(id: $id) { status interactionCount interactions { totalCount edges { node { summary recordedByName } } } } }";
    let r = stack.gql(Some(&busan), log, json!({ "id": id })).await;
    let p = &r.data()["exchangeProject"];
    assert_eq!(
        (p["status"].as_str(), p["interactionCount"].as_i64()),
        (Some("CLOSED"), Some(2))
    );
    assert_eq!(p["interactions"]["totalCount"], 2);
    // Paging: the first page comes batched, the next one by its cursor.
    let paged = "query($id: ID!, $after: String) { exchangeProject(id: $id) { interactions(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { summary } } } } }";
    let r = stack.gql(Some(&busan), paged, json!({ "id": id })).await;
    let page = r.data()["exchangeProject"]["interactions"].clone();
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let r = stack
        .gql(
            Some(&busan),
            paged,
            json!({ "id": id, "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
    let next = &r.data()["exchangeProject"]["interactions"];
    assert_eq!(next["pageInfo"]["hasNextPage"], false);
    assert_ne!(next["edges"][0], page["edges"][0]);
    // Closed projects are public, their log is not: the field fails alone.
    let r = stack.gql(Some(&seoul), log, json!({ "id": id })).await;
    assert_eq!(
        r.body["data"]["exchangeProject"]["status"], "CLOSED",
        "{:#}",
        r.body
    );
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = stack
        .gql(Some(&busan), record, entry("b2", "After closing."))
        .await;
    assert_eq!(
        (r.error_code(), reason(&r)),
        ("CONFLICT", "PROJECT_FINISHED")
    );

    // Cancelling needs a reason and keeps it.
    let r = create(
        &stack,
        &staff,
        create_input("second", &open, &["26000"], &[]),
    )
    .await;
    let second = r.data()["createExchangeProject"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = moves(json!({ "id": second, "revision": 1, "status": "CANCELLED" })).await;
    assert_eq!((r.error_code(), field(&r)), ("BAD_USER_INPUT", "reason"));
    let r = moves(json!({ "id": second, "revision": 1, "status": "CANCELLED", "reason": "No budget this year." })).await;
    assert_eq!(
        r.data()["moveExchangeProject"]["cancelReason"],
        "No budget this year."
    );
}
