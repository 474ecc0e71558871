//! Service levels end to end: a question pauses a request's clock and the reply resumes
//! it, the service's scheduler marks a request breached once its due time has passed, the
//! staff queue filters and sorts by due time and breach, and the business calendar is
//! maintained by an admin through GraphQL.

use std::time::Duration;

use glocal_e2e::{Stack, spawn_stack_with};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::support::{act, actions, assignee_token, submit};

const SLA: &str = "id state version overdue
  sla { firstResponseDueAt resolutionDueAt firstResponseClock resolutionClock pausedSince
        remainingMinutes firstResponseBreached resolutionBreached warnedAt breachedAt }
  responses { kind body }
  history { action from to note }";

async fn sla_of(stack: &Stack, token: &str, id: &str) -> Value {
    let q = format!("query($id: ID!) {{ serviceRequest(id: $id) {{ {SLA} }} }}");
    stack.gql(Some(token), &q, json!({ "id": id })).await.data()["serviceRequest"].clone()
}

async fn queue(stack: &Stack, token: &str, filter: Value) -> Vec<String> {
    let q = "query($f: ServiceRequestFilter) { serviceRequests(filter: $f, orderBy: DUE_SOONEST) { edges { node { id } } } }";
    stack
        .gql(Some(token), q, json!({ "f": filter }))
        .await
        .data()["serviceRequests"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Moves a request's due and warning times an hour into the past, as if its time had run
/// out (the service's clock is the wall clock here).
async fn expire(stack: &Stack, id: &str) {
    stack
        .requests_db
        .execute_raw(Statement::from_sql_and_values(
            stack.requests_db.get_database_backend(),
            "UPDATE service_request SET resolution_due_at = now() - interval '1 hour', \
             first_response_due_at = now() - interval '2 hours', \
             warning_at = now() - interval '3 hours' WHERE id = $1::uuid",
            [id.into()],
        ))
        .await
        .expect("age the request");
}

#[tokio::test]
async fn ask_reply_resume_breach_and_the_queue() {
    let stack = spawn_stack_with(|s| s.requests.sla.scheduler_interval_secs = 1).await;
    let official = stack.official("official-seoul", "11000");

    let r = submit(&stack, &official, "k-sla-1").await.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap().to_owned();
    let staff = assignee_token(&stack, &r).await;
    let fresh = sla_of(&stack, &official, &id).await;
    assert_eq!(fresh["sla"]["resolutionClock"], "BUSINESS");
    assert!(
        fresh["sla"]["remainingMinutes"].as_i64().unwrap() > 0,
        "{fresh:#}"
    );
    assert!(fresh["sla"]["pausedSince"].is_null());

    // Officials may not ask; the assignee asks and the clock pauses.
    let q = "mutation($input: AskRequesterInput!) { askRequester(input: $input) { id state version sla { pausedSince } responses { kind body } } }";
    let input = json!({ "id": id, "version": r["version"], "body": "Which dialect does the delegation speak?" });
    let refused = stack
        .gql(Some(&official), q, json!({ "input": input }))
        .await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    let asked = stack.gql(Some(&staff), q, json!({ "input": input })).await;
    let asked = &asked.data()["askRequester"];
    assert_eq!(asked["state"], "AWAITING_REQUESTER");
    assert!(asked["sla"]["pausedSince"].is_string());
    assert_eq!(
        asked["responses"].as_array().unwrap().last().unwrap()["kind"],
        "QUESTION"
    );
    // The requester sees the question.
    let seen = sla_of(&stack, &official, &id).await;
    assert_eq!(seen["state"], "AWAITING_REQUESTER");
    assert!(
        seen["responses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "QUESTION")
    );

    // The staff queue can ask for the requests waiting on their requester.
    let waiting = queue(&stack, &staff, json!({ "states": ["AWAITING_REQUESTER"] })).await;
    assert_eq!(waiting, std::slice::from_ref(&id));

    // The reply resumes the clock: back to STAFF_ASSIGNED, pause and resume in the history.
    let replied = stack
        .gql(
            Some(&official),
            &format!("mutation($input: ReplyToServiceRequestInput!) {{ replyToServiceRequest(input: $input) {{ {SLA} }} }}"),
            json!({ "input": { "id": id, "body": "Kansai dialect." } }),
        )
        .await;
    let resumed = &replied.data()["replyToServiceRequest"];
    assert_eq!(resumed["state"], "STAFF_ASSIGNED");
    assert!(resumed["sla"]["pausedSince"].is_null());
    let history = actions(resumed);
    assert_eq!(&history[history.len() - 2..], ["ask_requester", "resume"]);
    assert!(
        resumed["history"].as_array().unwrap().last().unwrap()["note"]
            .as_str()
            .unwrap()
            .starts_with("clock resumed after"),
        "{resumed:#}"
    );

    // A second request stays within its time.
    let other = submit(&stack, &official, "k-sla-2").await.data()["submitServiceRequest"].clone();
    let other_id = other["id"].as_str().unwrap().to_owned();

    // Its time runs out: the scheduler (every second here) marks it breached, once.
    expire(&stack, &id).await;
    let mut breached = Value::Null;
    for _ in 0..100 {
        breached = sla_of(&stack, &staff, &id).await;
        if breached["sla"]["breachedAt"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(breached["sla"]["breachedAt"].is_string(), "{breached:#}");
    assert_eq!(breached["sla"]["resolutionBreached"], true);
    assert_eq!(breached["overdue"], true);
    assert!(breached["sla"]["remainingMinutes"].as_i64().unwrap() < 0);
    assert_eq!(actions(&breached).last().unwrap(), "sla_breach");
    let marks = glocal_e2e::count_rows_in(
        &stack.requests_db,
        "outbox WHERE event_type = 'ServiceRequestSlaBreached'",
    )
    .await;
    assert_eq!(marks, 1);

    // The queue: breached ones, not-breached ones, due soonest first.
    assert_eq!(
        queue(&stack, &staff, json!({ "breached": true })).await,
        std::slice::from_ref(&id)
    );
    assert_eq!(
        queue(&stack, &staff, json!({ "breached": false })).await,
        std::slice::from_ref(&other_id)
    );
    assert_eq!(
        queue(&stack, &staff, json!({})).await,
        [id.clone(), other_id]
    );

    // Compliance for the bureau: one breached, one pending interpretation request.
    let figures = stack
        .gql(
            Some(&stack.admin()),
            "query { slaCompliance(from: \"2000-01-01T00:00:00Z\", to: \"2100-01-01T00:00:00Z\") { departmentCode type total met breached pending compliancePercent } }",
            json!({}),
        )
        .await;
    let rows = figures.data()["slaCompliance"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["type"], "INTERPRETATION_TRANSLATION");
    assert_eq!(
        (
            rows[0]["total"].as_i64(),
            rows[0]["breached"].as_i64(),
            rows[0]["pending"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(rows[0]["compliancePercent"], 0.0);

    // Answering late keeps the breach on record.
    let v = breached["version"].clone();
    let done = act(
        &stack,
        &staff,
        "sendFinalResponse",
        json!({ "id": id, "version": v, "body": "Interpreter booked." }),
    )
    .await;
    assert_eq!(done.data()["sendFinalResponse"]["state"], "FINAL_RESPONDED");
    assert_eq!(
        sla_of(&stack, &official, &id).await["sla"]["resolutionBreached"],
        true
    );
}

#[tokio::test]
async fn an_admin_maintains_the_business_calendar_and_policies() {
    let stack = spawn_stack_with(|s| s.requests.sla.scheduler_interval_secs = 0).await;
    let admin = stack.admin();
    let staff = stack.staff("staff-interp-kim");

    let year = stack
        .gql(
            Some(&staff),
            "query { businessCalendar(year: 2025) { year workdayStart workdayEnd workingDays holidays { date kind name(lang: EN) } } }",
            json!({}),
        )
        .await;
    let cal = &year.data()["businessCalendar"];
    assert_eq!(
        (cal["workdayStart"].as_str(), cal["workdayEnd"].as_str()),
        (Some("09:00"), Some("18:00"))
    );
    assert_eq!(cal["workingDays"], 244);
    let holidays = cal["holidays"].as_array().unwrap();
    assert!(
        holidays
            .iter()
            .any(|h| h["date"] == "2025-10-06" && h["name"] == "Chuseok")
    );
    assert!(
        holidays
            .iter()
            .any(|h| h["date"] == "2025-06-03" && h["kind"] == "ONE_OFF")
    );

    let set = "mutation($input: SetHolidayInput!) { setHoliday(input: $input) { date kind name(lang: KO) } }";
    let input = json!({ "input": { "date": "2026-12-31", "kind": "ONE_OFF",
        "name": { "ko": "임시공휴일", "en": "Temporary holiday", "zh": "临时公休日", "ja": "臨時公休日" } } });
    assert_eq!(
        stack
            .gql(Some(&staff), set, input.clone())
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let added = stack.gql(Some(&admin), set, input).await;
    assert_eq!(added.data()["setHoliday"]["name"], "임시공휴일");
    let bad = json!({ "input": { "date": "2026-12-30", "kind": "ONE_OFF",
        "name": { "ko": "", "en": "x", "zh": "x", "ja": "x" } } });
    let refused = stack.gql(Some(&admin), set, bad).await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    assert_eq!(stack.count_rows("sla_audit").await, 1);

    let removed = stack
        .gql(
            Some(&admin),
            "mutation { removeHoliday(date: \"2026-12-31\") { date } }",
            json!({}),
        )
        .await;
    assert_eq!(removed.data()["removeHoliday"]["date"], "2026-12-31");
    let again = stack
        .gql(
            Some(&admin),
            "mutation { removeHoliday(date: \"2026-12-31\") { date } }",
            json!({}),
        )
        .await;
    assert_eq!(again.error_code(), "NOT_FOUND");
    assert_eq!(stack.count_rows("sla_audit").await, 2);

    let policy = stack
        .gql(
            Some(&admin),
            "mutation { setSlaPolicy(input: { type: GENERAL_INQUIRY, firstResponseMinutes: 60, firstResponseClock: CALENDAR, resolutionMinutes: 1440, resolutionClock: CALENDAR, warningPercent: 80 }) { type resolutionMinutes resolutionClock warningPercent } }",
            json!({}),
        )
        .await;
    assert_eq!(policy.data()["setSlaPolicy"]["warningPercent"], 80);
    let policies = stack
        .gql(
            Some(&staff),
            "query { slaPolicies { type resolutionClock } }",
            json!({}),
        )
        .await;
    let listed = policies.data()["slaPolicies"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 5);
    assert!(
        listed
            .iter()
            .any(|p| p["type"] == "GENERAL_INQUIRY" && p["resolutionClock"] == "CALENDAR")
    );
    let out_of_range = stack
        .gql(
            Some(&admin),
            "mutation { setSlaPolicy(input: { type: GENERAL_INQUIRY, firstResponseMinutes: 60, firstResponseClock: CALENDAR, resolutionMinutes: 1440, resolutionClock: CALENDAR, warningPercent: 100 }) { type } }",
            json!({}),
        )
        .await;
    assert_eq!(out_of_range.error_code(), "BAD_USER_INPUT");
}
