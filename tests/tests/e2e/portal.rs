//! The Online Bureau as a portal developer meets it (issue 15): codes checked against the ISO
//! lists, `me` with what a portal needs (staff record, department, permissions), `assigneeId`
//! by token subject, history that keeps internal routing notes from requesters, and reopening
//! a request its requester closed too early.

use glocal_e2e::{Stack, spawn_stack, spawn_stack_with};
use serde_json::{Value, json};

use crate::support::{act, actions, assignee_token, get, interpretation_input, submit};

/// Submits `details` of `type` for Seoul; answers the body.
async fn submit_details(stack: &Stack, token: &str, key: &str, ty: &str, details: Value) -> Value {
    let mut input = interpretation_input(key);
    input["type"] = json!(ty);
    input["details"] = details;
    stack
        .gql(
            Some(token),
            "mutation($input: SubmitServiceRequestInput!) { submitServiceRequest(input: $input) { id } }",
            json!({ "input": input }),
        )
        .await
        .body
}

fn bad_input_on(body: &Value, field: &str) {
    let e = &body["errors"][0]["extensions"];
    assert_eq!(e["code"], "BAD_USER_INPUT", "{body:#}");
    assert_eq!(e["field"], field, "{body:#}");
}

#[tokio::test]
async fn request_codes_off_the_iso_lists_are_refused_with_their_field() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");

    let mut interpretation = interpretation_input("k-xx")["details"].clone();
    interpretation["interpretationTranslation"]["targetLanguage"] = json!("xx");
    let body = submit_details(
        &stack,
        &seoul,
        "k-xx",
        "INTERPRETATION_TRANSLATION",
        interpretation,
    )
    .await;
    bad_input_on(&body, "details.interpretationTranslation.targetLanguage");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("ISO 639-1"), "{message}");

    let exchange = json!({ "internationalExchange": {
        "partnerCountry": "QQ", "partnerOrganization": "Nowhere", "exchangeKind": "FRIENDSHIP_CITY" } });
    let body = submit_details(&stack, &seoul, "k-qq", "INTERNATIONAL_EXCHANGE", exchange).await;
    bad_input_on(&body, "details.internationalExchange.partnerCountry");

    let information =
        json!({ "informationRequest": { "topic": "Bike sharing", "countries": ["NL", "ZZ"] } });
    let body = submit_details(&stack, &seoul, "k-zz", "INFORMATION_REQUEST", information).await;
    bad_input_on(&body, "details.informationRequest.countries[1]");

    // Nothing was written; real codes still pass.
    assert_eq!(stack.count_rows("service_request").await, 0);
    let information =
        json!({ "informationRequest": { "topic": "Bike sharing", "countries": ["NL", "DK"] } });
    let body = submit_details(&stack, &seoul, "k-ok", "INFORMATION_REQUEST", information).await;
    assert!(
        body["data"]["submitServiceRequest"]["id"].is_string(),
        "{body:#}"
    );

    // The routing table takes ISO 639-1 languages too.
    let rule = stack
        .gql(
            Some(&stack.admin()),
            "mutation { setRoutingRule(input: { type: INTERPRETATION_TRANSLATION, language: \"xx\",
               departmentCode: \"JAPAN_DESK\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(rule.error_code(), "BAD_USER_INPUT", "{:#}", rule.body);
}

#[tokio::test]
async fn titles_with_control_characters_are_refused() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let q = "mutation($input: SubmitServiceRequestInput!) { submitServiceRequest(input: $input) { id } }";
    for title in ["Visit\u{0}", "Visit\nto Osaka", "\u{1b}[31mVisit"] {
        let mut input = interpretation_input(&format!("k-{}", title.len()));
        input["title"] = json!(title);
        let body = stack
            .gql(Some(&seoul), q, json!({ "input": input }))
            .await
            .body;
        bad_input_on(&body, "title");
    }
    // Descriptions keep their line breaks but not NUL.
    let mut input = interpretation_input("k-desc");
    input["description"] = json!("Line one\nline two\u{0}");
    let body = stack
        .gql(Some(&seoul), q, json!({ "input": input }))
        .await
        .body;
    bad_input_on(&body, "description");
    let mut input = interpretation_input("k-lines");
    input["description"] = json!("Line one\nline two");
    let body = stack
        .gql(Some(&seoul), q, json!({ "input": input }))
        .await
        .body;
    assert!(
        body["data"]["submitServiceRequest"]["id"].is_string(),
        "{body:#}"
    );
    assert_eq!(stack.count_rows("service_request").await, 1);

    // Localized titles elsewhere (an event's) refuse NUL too.
    let event = stack
        .gql(
            Some(&stack.admin()),
            "mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }",
            json!({ "input": {
                "idempotencyKey": "nul", "kind": "FORUM",
                "title": { "en": "Forum\u{0}" }, "description": { "en": "d" },
                "hostCountry": "KR", "hostCity": "Seoul", "hostOrganization": "GAOK",
                "venue": "Hall", "timeZone": "Asia/Seoul", "startDate": "2030-08-26",
                "endDate": "2030-08-26", "workingLanguages": ["ko"], "capacity": 10 } }),
        )
        .await;
    bad_input_on(&event.body, "title.en");
}

#[tokio::test]
async fn me_carries_the_staff_record_department_and_permissions() {
    let stack = spawn_stack().await;
    let q = "{ me { subject roles localGovernment { code } staff { id name departmentCode }
        department { code name(lang: EN) } permissions { operation field scoped } } }";

    let kim = stack.staff("staff-interp-kim");
    let me = stack.gql(Some(&kim), q, json!({})).await;
    let me = &me.data()["me"];
    assert_eq!(me["subject"], "staff-interp-kim");
    assert_eq!(me["staff"]["id"], "STF-101", "{me:#}");
    assert_eq!(me["department"]["code"], "INTERPRETATION");
    assert!(me["localGovernment"].is_null());
    let permitted = |me: &Value, field: &str| {
        me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["field"] == field)
            .cloned()
    };
    let mid = permitted(me, "sendMidResponse").expect("staff answer requests");
    assert_eq!(mid["operation"], "MUTATION");
    assert_eq!(mid["scoped"], true);
    assert!(permitted(me, "reopenServiceRequest").is_none(), "{me:#}");
    assert!(permitted(me, "setRoutingRule").is_none());

    // An official: their local government, no staff record, the requester's actions.
    let seoul = stack.official("official-seoul", "11000");
    let me = stack.gql(Some(&seoul), q, json!({})).await;
    let me = &me.data()["me"];
    assert_eq!(me["localGovernment"]["code"], "11000");
    assert!(
        me["staff"].is_null() && me["department"].is_null(),
        "{me:#}"
    );
    assert!(permitted(me, "submitServiceRequest").is_some());
    assert!(permitted(me, "reopenServiceRequest").is_some());
    assert!(permitted(me, "sendFinalResponse").is_none());

    // The permissions are the authorization matrix: an admin may set routing rules, unscoped.
    let admin = stack.admin();
    let me = stack.gql(Some(&admin), q, json!({})).await;
    let rule = permitted(&me.data()["me"], "setRoutingRule").expect("admins route");
    assert_eq!(rule["scoped"], false);
}

#[tokio::test]
async fn assignee_id_takes_a_staff_id_or_a_token_subject_and_refuses_anything_else() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let r = submit(&stack, &seoul, "k-mine").await.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap().to_owned();
    let staff = assignee_token(&stack, &r).await;
    let as_staff = get(&stack, &staff, &id).await;
    let staff_id = as_staff.data()["serviceRequest"]["assignee"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let subject = stack.staff_subject(&staff_id).await;

    let q = "query($a: ID!) { serviceRequests(first: 10, filter: { assigneeId: $a }) { totalCount edges { node { id } } } }";
    for given in [staff_id.as_str(), subject.as_str()] {
        let list = stack.gql(Some(&staff), q, json!({ "a": given })).await;
        let page = &list.data()["serviceRequests"];
        assert_eq!(page["totalCount"], 1, "{given}: {page:#}");
        assert_eq!(page["edges"][0]["node"]["id"], id.as_str());
    }
    let unknown = stack
        .gql(Some(&staff), q, json!({ "a": "nobody-here" }))
        .await;
    bad_input_on(&unknown.body, "filter.assigneeId");
}

#[tokio::test]
async fn requesters_never_see_internal_history_staff_do() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let r = submit(&stack, &seoul, "k-internal").await.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap().to_owned();
    let staff = assignee_token(&stack, &r).await;
    let q = "query($id: ID!) { serviceRequest(id: $id) { routing version
        history { action note visibility } } }";

    // Staff: the routing rule and the staff member picked with their load, marked INTERNAL.
    let seen = stack.gql(Some(&staff), q, json!({ "id": id })).await;
    let s = &seen.data()["serviceRequest"];
    let history = s["history"].as_array().unwrap();
    let routed = history
        .iter()
        .find(|h| h["action"] == "assign_department")
        .expect("routing entry");
    assert!(
        routed["note"].as_str().unwrap().starts_with("RULE "),
        "{s:#}"
    );
    assert_eq!(routed["visibility"], "INTERNAL");
    let assigned = history
        .iter()
        .find(|h| h["action"] == "assign_staff")
        .unwrap();
    assert!(assigned["note"].as_str().unwrap().contains("open load"));
    assert_eq!(assigned["visibility"], "INTERNAL");
    assert!(s["routing"].as_str().unwrap().starts_with("RULE "));

    // A reassignment names staff ids: internal too.
    let version = s["version"].as_i64().unwrap();
    let moved = act(
        &stack,
        &staff,
        "reassignServiceRequest",
        json!({ "id": id, "version": version, "departmentCode": "INTERPRETATION" }),
    )
    .await;
    assert!(moved.body.get("errors").is_none(), "{:#}", moved.body);

    // The requester: REQUESTER entries only, no routing, no staff loads or ids in any note.
    let seen = stack.gql(Some(&seoul), q, json!({ "id": id })).await;
    let s = &seen.data()["serviceRequest"];
    assert!(s["routing"].is_null(), "{s:#}");
    assert_eq!(actions(s), ["submit", "register"]);
    for h in s["history"].as_array().unwrap() {
        assert_eq!(h["visibility"], "REQUESTER", "{s:#}");
        let note = h["note"].as_str().unwrap_or_default();
        assert!(
            !note.contains("RULE") && !note.contains("STF-") && !note.contains("load"),
            "{note}"
        );
    }
    let list = stack
        .gql(
            Some(&seoul),
            "{ serviceRequests(first: 5) { edges { node { routing history { action } } } } }",
            json!({}),
        )
        .await;
    let node = &list.data()["serviceRequests"]["edges"][0]["node"];
    assert!(node["routing"].is_null());
    assert_eq!(actions(node), ["submit", "register"]);
}

/// Answers `r` in full as its assignee and closes it as `closer`; returns the closed request.
#[tokio::test]
async fn history_notes_and_enum_labels_are_said_in_each_language() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let r = submit(&stack, &seoul, "k-said").await.data()["submitServiceRequest"].clone();
    let staff = assignee_token(&stack, &r).await;
    let q = "query($id: ID!) { serviceRequest(id: $id) { history { action note noteKey } } }";
    let mut said = Vec::new();
    for (tag, expected) in [
        ("ko", "처리 중"),
        ("en", "open load"),
        ("zh", "在办"),
        ("ja", "対応中"),
    ] {
        let seen = stack
            .gql_in(tag, Some(&staff), q, json!({ "id": r["id"] }))
            .await;
        let history = seen.data()["serviceRequest"]["history"].clone();
        let assigned = history
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["action"] == "assign_staff")
            .cloned()
            .expect("the staff assignment");
        assert_eq!(assigned["noteKey"], "history-assigned-staff", "{tag}");
        let note = assigned["note"].as_str().unwrap().to_owned();
        assert!(note.contains(expected), "{tag}: {note}");
        assert!(note.contains("STF-"), "the staff id stays: {note}");
        said.push(note);
    }
    said.sort();
    said.dedup();
    assert_eq!(said.len(), 4, "four languages, four texts: {said:?}");
    // The `lang` argument wins over Accept-Language.
    let q = "query($id: ID!) { serviceRequest(id: $id) { history { action note(lang: JA) } } }";
    let seen = stack
        .gql_in("ko", Some(&staff), q, json!({ "id": r["id"] }))
        .await;
    let routed = seen.data()["serviceRequest"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["action"] == "assign_department")
        .cloned()
        .unwrap();
    assert!(
        routed["note"].as_str().unwrap().starts_with("ルール "),
        "{routed}"
    );

    // Enum labels: every value of an enum, in the language asked.
    let q = "query($l: Language) { enumLabels(lang: $l, enums: [\"ServiceRequestState\", \"ExchangeKind\"]) { name values { value label } } }";
    let ko = stack.gql(None, q, json!({ "l": "KO" })).await;
    let enums = ko.data()["enumLabels"].as_array().unwrap().clone();
    assert_eq!(enums[0]["name"], "ServiceRequestState");
    assert_eq!(enums[0]["values"].as_array().unwrap().len(), 12);
    let closed = enums[0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["value"] == "CLOSED")
        .cloned()
        .unwrap();
    assert_eq!(closed["label"], "종결");
    assert_eq!(
        enums[1]["values"][0],
        json!({ "value": "SISTER_CITY", "label": "자매도시" })
    );
    let ja = stack.gql_in("ja", None, q, json!({})).await;
    assert_eq!(ja.data()["enumLabels"][1]["values"][0]["label"], "姉妹都市");
    let all = stack.gql(None, "{ enumLabels { name } }", json!({})).await;
    assert!(all.data()["enumLabels"].as_array().unwrap().len() > 40);
    let unknown = stack
        .gql(
            None,
            "{ enumLabels(enums: [\"Nope\"]) { name } }",
            json!({}),
        )
        .await;
    bad_input_on(&unknown.body, "enums[0]");
}

async fn answer_and_close(stack: &Stack, r: &Value, closer: &str) -> Value {
    let id = r["id"].as_str().unwrap();
    let staff = assignee_token(stack, r).await;
    let fin = act(
        stack,
        &staff,
        "sendFinalResponse",
        json!({ "id": id, "version": r["version"], "body": "Interpreter: Ms Sato." }),
    )
    .await;
    let version = fin.data()["sendFinalResponse"]["version"].clone();
    let closed = act(
        stack,
        closer,
        "closeServiceRequest",
        json!({ "id": id, "version": version }),
    )
    .await;
    let c = closed.data()["closeServiceRequest"].clone();
    assert_eq!(c["state"], "CLOSED");
    c
}

#[tokio::test]
async fn a_requester_who_closed_too_early_reopens_within_the_window() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let r = submit(&stack, &seoul, "k-reopen").await.data()["submitServiceRequest"].clone();
    let closed = answer_and_close(&stack, &r, &seoul).await;

    let reopened = act(
        &stack,
        &seoul,
        "reopenServiceRequest",
        json!({ "id": closed["id"], "version": closed["version"], "reason": "The interpreter cancelled." }),
    )
    .await;
    let o = &reopened.data()["reopenServiceRequest"];
    assert_eq!(o["state"], "REOPENED", "{o:#}");
    assert_eq!(actions(o).last().unwrap(), "reopen");
    assert_eq!(o["assignee"]["id"], r["assignee"]["id"].clone());

    // Staff may close, but only the requester reopens.
    let again = get(&stack, &seoul, closed["id"].as_str().unwrap()).await;
    let again = again.data()["serviceRequest"].clone();
    let closed = answer_and_close(&stack, &again, &seoul).await;
    let staff = assignee_token(&stack, &r).await;
    let refused = act(
        &stack,
        &staff,
        "reopenServiceRequest",
        json!({ "id": closed["id"], "version": closed["version"] }),
    )
    .await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
}

#[tokio::test]
async fn a_closed_request_past_the_window_stays_closed() {
    let stack = spawn_stack_with(|s| s.requests.reopen_window_days = 0).await;
    let seoul = stack.official("official-seoul", "11000");
    let r = submit(&stack, &seoul, "k-late").await.data()["submitServiceRequest"].clone();
    let closed = answer_and_close(&stack, &r, &seoul).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let late = act(
        &stack,
        &seoul,
        "reopenServiceRequest",
        json!({ "id": closed["id"], "version": closed["version"] }),
    )
    .await;
    assert_eq!(late.error_code(), "CONFLICT", "{:#}", late.body);
    let message = late.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("reopen window"), "{message}");
}
