//! The directory's administration end to end (ADR 0035): only a bureau admin changes the
//! directory through GraphQL (staff get FORBIDDEN), refusals carry a stable reason and
//! write nothing, absent staff are passed over, and a departure hands the open requests on
//! with the same notice as a manual reassignment, in the new assignee's inbox.

use std::time::{Duration, Instant};

use glocal_e2e::{Gql, Stack, spawn_stack};
use serde_json::{Value, json};

use crate::support::submit;

const ONBOARD: &str = "mutation($i: OnboardStaffInput!) { onboardStaff(input: $i) {
  id name departmentCode active languages requestTypes } }";
const UPDATE_STAFF: &str = "mutation($i: UpdateStaffInput!) { updateStaff(input: $i) {
  id absences { from to } requestTypes } }";
const DEPART: &str = "mutation($id: ID!) { departStaff(id: $id, note: \"left\") {
  staff { id active departedAt } reassigned { requestId assigneeId } } }";

fn reason(r: &Gql) -> &str {
    r.body["errors"][0]["extensions"]["reason"]
        .as_str()
        .unwrap_or_default()
}

async fn run(stack: &Stack, token: &str, q: &str, vars: Value) -> Gql {
    stack.gql(Some(token), q, vars).await
}

#[tokio::test]
async fn an_admin_runs_the_directory_and_a_departure_hands_requests_on() {
    let stack = spawn_stack().await;
    let admin = stack.admin();
    let staff = stack.staff("staff-japan-sato");

    // Local governments: the full list is there; staff may not add one, an admin may.
    let all = run(
        &stack,
        &admin,
        "{ localGovernments { code level parentCode } }",
        json!({}),
    )
    .await;
    let all = all.data()["localGovernments"].as_array().unwrap().clone();
    assert_eq!(all.len(), 243);
    assert!(all.contains(&json!({ "code": "27720", "level": "COUNTY", "parentCode": "27000" })));
    let create = "mutation($i: LocalGovernmentInput!) { createLocalGovernment(input: $i) { code level parentCode name(lang: ZH) } }";
    let input = |parent: &str| {
        json!({ "i": { "code": "11999", "level": "DISTRICT", "parentCode": parent,
                       "name": { "ko": "서울특별시 시험구", "en": "Test-gu, Seoul" } } })
    };
    assert_eq!(
        run(&stack, &staff, create, input("11000"))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let refused = run(&stack, &admin, create, input("99000")).await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    assert_eq!(reason(&refused), "UNKNOWN_PARENT");
    assert_eq!(stack.count_rows("directory_audit").await, 0);
    let created = run(&stack, &admin, create, input("11000")).await;
    assert_eq!(
        created.data()["createLocalGovernment"],
        json!({ "code": "11999", "level": "DISTRICT", "parentCode": "11000", "name": "Test-gu, Seoul" })
    );
    assert_eq!(
        reason(&run(&stack, &admin, create, input("11000")).await),
        "DUPLICATE_CODE"
    );

    // A department, a member onboarded, then made its lead.
    let dept = "mutation { createDepartment(input: { code: \"AMERICAS\", name: { ko: \"미주팀\", en: \"Americas\" } }) { code leadStaffId } }";
    assert_eq!(
        run(&stack, &staff, dept, json!({})).await.error_code(),
        "FORBIDDEN"
    );
    run(&stack, &admin, dept, json!({})).await.data();
    let onboarded = run(
        &stack,
        &admin,
        ONBOARD,
        json!({ "i": { "id": "STF-701", "subject": "staff-americas-kim", "name": "Alex Kim",
                       "departmentCode": "AMERICAS", "languages": ["es"],
                       "requestTypes": ["OVERSEAS_VISIT"] } }),
    )
    .await;
    assert_eq!(
        onboarded.data()["onboardStaff"],
        json!({ "id": "STF-701", "name": "Alex Kim", "departmentCode": "AMERICAS", "active": true,
                "languages": ["es"], "requestTypes": ["OVERSEAS_VISIT"] })
    );
    let lead = "mutation($l: ID) { updateDepartment(input: { code: \"AMERICAS\", leadStaffId: $l }) { code leadStaffId } }";
    assert_eq!(
        reason(&run(&stack, &admin, lead, json!({ "l": "STF-101" })).await),
        "LEAD_NOT_IN_DEPARTMENT"
    );
    assert_eq!(
        run(&stack, &admin, lead, json!({ "l": "STF-701" }))
            .await
            .data()["updateDepartment"]["leadStaffId"],
        "STF-701"
    );

    // An absence whose end comes before its start is refused; a real one routes around
    // the member: the Japan desk has one interpreter, so while they are away a new request
    // waits in the department's queue.
    let absence = |from: &str, to: &str| json!({ "i": { "id": "STF-151", "absences": [{ "from": from, "to": to }] } });
    let refused = run(
        &stack,
        &admin,
        UPDATE_STAFF,
        absence("2026-12-10", "2026-12-01"),
    )
    .await;
    assert_eq!(reason(&refused), "ABSENCE_ENDS_BEFORE_START");
    let official = stack.official("official-seoul", "11000");
    let first = submit(&stack, &official, "before-absence").await;
    let first = first.data()["submitServiceRequest"].clone();
    assert_eq!(first["assignee"]["id"], "STF-151");
    // Away from long before to long after today (in Korea time, whatever the date).
    let away = run(
        &stack,
        &admin,
        UPDATE_STAFF,
        absence("2000-01-01", "2099-12-31"),
    )
    .await;
    assert_eq!(
        away.data()["updateStaff"]["absences"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let second = submit(&stack, &official, "during-absence").await;
    let second = second.data()["submitServiceRequest"].clone();
    assert_eq!(second["department"]["code"], "JAPAN_DESK");
    assert!(second["assignee"].is_null(), "{second:#}");

    // Onboard a second interpreter for the desk; then the first one, its lead, leaves: with
    // no lead left, their open request goes by load to the newcomer.
    run(
        &stack,
        &admin,
        ONBOARD,
        json!({ "i": { "id": "STF-152", "subject": "staff-japan-ito", "name": "Ito Aoi",
                       "departmentCode": "JAPAN_DESK", "languages": ["ja", "ko"] } }),
    )
    .await
    .data();
    assert_eq!(
        run(&stack, &staff, DEPART, json!({ "id": "STF-151" }))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let departed = run(&stack, &admin, DEPART, json!({ "id": "STF-151" })).await;
    let departed = &departed.data()["departStaff"];
    assert_eq!(departed["staff"]["active"], false);
    assert!(departed["staff"]["departedAt"].is_string());
    assert_eq!(
        departed["reassigned"],
        json!([{ "requestId": first["id"], "assigneeId": "STF-152" }])
    );
    assert_eq!(
        reason(&run(&stack, &admin, DEPART, json!({ "id": "STF-151" })).await),
        "ALREADY_DEPARTED"
    );

    // The newcomer is told, as for a manual reassignment: the notice reaches their inbox.
    let ito = stack.staff("staff-japan-ito");
    let detail = run(
        &stack,
        &ito,
        "query($id: ID!) { serviceRequest(id: $id) { assignee { id } history { action } } }",
        json!({ "id": first["id"] }),
    )
    .await;
    assert_eq!(detail.data()["serviceRequest"]["assignee"]["id"], "STF-152");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let inbox = run(
            &stack,
            &ito,
            "{ notifications(first: 10) { edges { node { kind link } } } }",
            json!({}),
        )
        .await;
        let told = inbox.data()["notifications"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| {
                e["node"]["kind"] == "REQUEST_ASSIGNED"
                    && e["node"]["link"]
                        .as_str()
                        .is_some_and(|l| l.contains(first["id"].as_str().unwrap()))
            });
        if told {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no assignment notice: {:#}",
            inbox.body
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Every change above is audited: local government, department, onboarding ×2, lead,
    // absence, departure and the end of the departed member's lead role.
    assert_eq!(stack.count_rows("directory_audit").await, 8);
}
