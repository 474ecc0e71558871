//! Service levels end to end: a question pauses a request's clock and the reply resumes
//! it, the service's scheduler marks a request breached once its due time has passed, the
//! staff queue filters and sorts by due time and breach, and the business calendar is
//! maintained by an admin through GraphQL; the first-response target is warned and breached
//! on its own, once each; an admin chooses each department's lead.

use std::time::Duration;

use glocal_e2e::{Stack, spawn_stack_with};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::support::{act, actions, assignee_token, submit};

const SLA: &str = "id state version overdue
  sla { firstResponseDueAt resolutionDueAt firstResponseClock resolutionClock pausedSince
        remainingMinutes firstResponseBreached resolutionBreached warnedAt breachedAt
        firstResponseWarnedAt firstResponseBreachedAt }
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
            // Days, not hours: the remaining time counts business minutes, and an hour ago
            // may lie outside working hours (then none of it counts and nothing is overdue).
            "UPDATE service_request SET resolution_due_at = now() - interval '30 days', \
             first_response_due_at = now() - interval '31 days', \
             warning_at = now() - interval '32 days' WHERE id = $1::uuid",
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
    // Both targets were past due (the question did not count as a first response): one
    // breach event each, naming its target.
    for target in ["RESOLUTION", "FIRST_RESPONSE"] {
        let marks = glocal_e2e::count_rows_in(
            &stack.requests_db,
            &format!(
                "outbox WHERE event_type = 'ServiceRequestSlaBreached' \
                 AND payload LIKE '%\"target\":\"{target}\"%'"
            ),
        )
        .await;
        assert_eq!(marks, 1, "{target}");
    }
    assert!(actions(&breached).contains(&"sla_first_response_breach".to_owned()));

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

/// Runs `sql` (with `$1` the request id) against the requests database.
async fn age(stack: &Stack, id: &str, sql: &str) {
    stack
        .requests_db
        .execute_raw(Statement::from_sql_and_values(
            stack.requests_db.get_database_backend(),
            sql,
            [id.into()],
        ))
        .await
        .expect("age the request");
}

/// Polls the request until `action` is in its history and its `sla.<mark>` is set (the
/// gateway's cached copy of the request catches up with its history a moment later).
async fn wait_for_mark(stack: &Stack, token: &str, id: &str, action: &str, mark: &str) -> Value {
    let mut seen = Value::Null;
    for _ in 0..100 {
        seen = sla_of(stack, token, id).await;
        if actions(&seen).iter().any(|a| a == action) && seen["sla"][mark].is_string() {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{action} never happened: {seen:#}");
}

/// The payloads of the request's outbox events of `event_type`.
async fn payloads(stack: &Stack, id: &str, event_type: &str) -> Vec<Value> {
    let backend = stack.requests_db.get_database_backend();
    stack
        .requests_db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT CAST(payload AS TEXT) AS p FROM outbox \
             WHERE event_type = $1 AND aggregate_id = $2::uuid ORDER BY seq",
            [event_type.into(), id.into()],
        ))
        .await
        .expect("outbox")
        .iter()
        .map(|r| serde_json::from_str(&r.try_get::<String>("", "p").unwrap()).unwrap())
        .collect()
}

#[tokio::test]
async fn the_first_response_is_warned_and_breached_once_on_its_own() {
    let stack = spawn_stack_with(|s| s.requests.sla.scheduler_interval_secs = 1).await;
    let official = stack.official("official-seoul", "11000");
    let r = submit(&stack, &official, "k-first").await.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap().to_owned();
    let staff = assignee_token(&stack, &r).await;

    // The warning share of the first-response time is used, the due time not yet.
    age(
        &stack,
        &id,
        "UPDATE service_request SET first_response_warning_at = now() - interval '1 minute', \
         first_response_due_at = now() + interval '1 hour' WHERE id = $1::uuid",
    )
    .await;
    let warned = wait_for_mark(
        &stack,
        &staff,
        &id,
        "sla_first_response_warning",
        "firstResponseWarnedAt",
    )
    .await;
    assert_eq!(warned["sla"]["firstResponseBreached"], false);
    assert!(
        warned["sla"]["firstResponseWarnedAt"].is_string(),
        "{warned:#}"
    );
    assert!(warned["sla"]["firstResponseBreachedAt"].is_null());
    assert!(
        warned["sla"]["warnedAt"].is_null(),
        "the resolution is not warned"
    );
    let warnings = payloads(&stack, &id, "ServiceRequestSlaWarning").await;
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["target"], "FIRST_RESPONSE");
    assert!(warnings[0]["targetDueAt"].is_string());

    // Its due time passes: the breach, once, naming the target and the department lead.
    age(
        &stack,
        &id,
        "UPDATE service_request SET first_response_due_at = now() - interval '1 minute' \
         WHERE id = $1::uuid",
    )
    .await;
    let breached = wait_for_mark(
        &stack,
        &staff,
        &id,
        "sla_first_response_breach",
        "firstResponseBreachedAt",
    )
    .await;
    assert_eq!(breached["sla"]["firstResponseBreached"], true);
    assert!(
        breached["sla"]["firstResponseBreachedAt"].is_string(),
        "{breached:#}"
    );
    assert_eq!(breached["sla"]["resolutionBreached"], false);
    assert!(breached["sla"]["breachedAt"].is_null());
    // A few more scheduler rounds write nothing new.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let breaches = payloads(&stack, &id, "ServiceRequestSlaBreached").await;
    assert_eq!(breaches.len(), 1, "{breaches:#?}");
    assert_eq!(breaches[0]["target"], "FIRST_RESPONSE");
    assert_eq!(breaches[0]["departmentLead"], "staff-japan-sato");
    assert_eq!(
        payloads(&stack, &id, "ServiceRequestSlaWarning")
            .await
            .len(),
        1
    );
    let again = sla_of(&stack, &staff, &id).await;
    assert_eq!(
        actions(&again)
            .iter()
            .filter(|a| a.starts_with("sla_first_response"))
            .count(),
        2
    );

    // A request answered in time is never warned of its first response.
    let answered =
        submit(&stack, &official, "k-first-2").await.data()["submitServiceRequest"].clone();
    let answered_id = answered["id"].as_str().unwrap().to_owned();
    let mid = act(
        &stack,
        &staff,
        "sendMidResponse",
        json!({ "id": answered_id, "version": answered["version"], "body": "On it.",
                "expectedCompletionAt": "2030-12-01T09:00:00Z" }),
    )
    .await;
    assert_eq!(mid.data()["sendMidResponse"]["state"], "MID_RESPONDED");
    age(
        &stack,
        &answered_id,
        "UPDATE service_request SET first_response_warning_at = now() - interval '2 minutes', \
         first_response_due_at = now() - interval '1 minute' WHERE id = $1::uuid",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let quiet = sla_of(&stack, &staff, &answered_id).await;
    assert!(
        !actions(&quiet)
            .iter()
            .any(|a| a.starts_with("sla_first_response")),
        "{quiet:#}"
    );
}

#[tokio::test]
async fn an_admin_chooses_a_departments_lead() {
    let stack = spawn_stack_with(|s| s.requests.sla.scheduler_interval_secs = 0).await;
    let admin = stack.admin();
    let q = "mutation($d: String!, $s: ID!) { setDepartmentLead(department: $d, staffId: $s) { code leadStaffId } }";
    let set = |d: &str, s: &str| json!({ "d": d, "s": s });

    let staff = stack.staff("staff-interp-kim");
    assert_eq!(
        stack
            .gql(Some(&staff), q, set("INTERPRETATION", "STF-102"))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        stack
            .gql(None, q, set("INTERPRETATION", "STF-102"))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
    for (dept, staff_id, field) in [
        ("NO_SUCH_DEPT", "STF-102", "department"),
        ("INTERPRETATION", "STF-999", "staffId"),
        // A member of another department.
        ("INTERPRETATION", "STF-151", "staffId"),
        // No longer active.
        ("INTERPRETATION", "STF-100", "staffId"),
        ("INTERPRETATION", "not an id", "staffId"),
    ] {
        let refused = stack.gql(Some(&admin), q, set(dept, staff_id)).await;
        assert_eq!(refused.error_code(), "BAD_USER_INPUT", "{dept} {staff_id}");
        assert_eq!(
            refused.body["errors"][0]["extensions"]["field"], field,
            "{dept} {staff_id}: {:#}",
            refused.body
        );
    }
    assert_eq!(stack.count_rows("sla_audit").await, 0);

    let done = stack
        .gql(Some(&admin), q, set("INTERPRETATION", "STF-102"))
        .await;
    assert_eq!(
        done.data()["setDepartmentLead"],
        json!({ "code": "INTERPRETATION", "leadStaffId": "STF-102" })
    );
    assert_eq!(stack.count_rows("sla_audit").await, 1);
    let (from, to) = {
        let backend = stack.requests_db.get_database_backend();
        let row = stack
            .requests_db
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT from_state, to_state FROM sla_audit WHERE action = 'SET_LEAD'",
            ))
            .await
            .unwrap()
            .expect("an audit row");
        (
            row.try_get::<Option<String>>("", "from_state").unwrap(),
            row.try_get::<Option<String>>("", "to_state").unwrap(),
        )
    };
    assert_eq!(
        (from.as_deref(), to.as_deref()),
        (Some("STF-101"), Some("STF-102"))
    );
    let listed = stack
        .gql(
            Some(&admin),
            "{ departments { code leadStaffId } }",
            json!({}),
        )
        .await;
    assert!(
        listed.data()["departments"]
            .as_array()
            .unwrap()
            .contains(&json!({ "code": "INTERPRETATION", "leadStaffId": "STF-102" }))
    );
    // Setting the same lead again changes (and audits) nothing.
    stack
        .gql(Some(&admin), q, set("INTERPRETATION", "STF-102"))
        .await
        .data();
    assert_eq!(stack.count_rows("sla_audit").await, 1);
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
