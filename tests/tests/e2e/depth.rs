//! Issue 17's depth of the Online Bureau over GraphQL: the satisfaction survey (rating,
//! stable refusal reasons, the window, statistics and who reads them), and the bureau's
//! request report (issue 19).

use glocal_e2e::Stack;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::support::{act, assignee_token, submit};

const RATE: &str = "mutation($input: RateServiceRequestInput!) { rateServiceRequest(input: $input) {
  id state survey { rating comment respondent { subject } submittedAt updatedAt } history { action note } } }";

async fn rate(
    stack: &Stack,
    token: &str,
    id: &str,
    rating: i32,
    comment: Option<&str>,
) -> glocal_e2e::Gql {
    stack
        .gql(
            Some(token),
            RATE,
            json!({ "input": { "id": id, "rating": rating, "comment": comment } }),
        )
        .await
}

fn reason(answer: &glocal_e2e::Gql) -> (String, String) {
    let e = &answer.body["errors"][0]["extensions"];
    (
        e["code"].as_str().unwrap_or_default().to_owned(),
        e["reason"].as_str().unwrap_or_default().to_owned(),
    )
}

fn pair(code: &str, reason: &str) -> (String, String) {
    (code.to_owned(), reason.to_owned())
}

/// A request of `official` answered in full by its assignee.
async fn answered(stack: &Stack, official: &str, key: &str) -> Value {
    let r = submit(stack, official, key).await.data()["submitServiceRequest"].clone();
    let staff = assignee_token(stack, &r).await;
    let input = json!({ "id": r["id"], "version": r["version"], "body": "통역사를 배정했습니다." });
    act(stack, &staff, "sendFinalResponse", input).await.data()["sendFinalResponse"].clone()
}

#[tokio::test]
async fn the_requester_rates_the_answer_and_the_bureau_reads_the_figures() {
    let stack = glocal_e2e::spawn_stack().await;
    let official = stack.official("official-seoul", "11000");
    let colleague = stack.official("official-seoul-2", "11000");
    let busan = stack.official("official-busan", "26000");

    // Not answered yet.
    let open =
        submit(&stack, &official, "k-survey-open").await.data()["submitServiceRequest"].clone();
    let id_open = open["id"].as_str().unwrap();
    assert_eq!(
        reason(&rate(&stack, &official, id_open, 4, None).await),
        pair("CONFLICT", "SURVEY_NOT_ANSWERED")
    );

    let r = answered(&stack, &official, "k-survey-1").await;
    let id = r["id"].as_str().unwrap();
    let staff = assignee_token(&stack, &r).await;
    // Out of range, not theirs, not visible.
    let bad = rate(&stack, &official, id, 6, None).await;
    assert_eq!(bad.error_code(), "BAD_USER_INPUT");
    assert_eq!(bad.body["errors"][0]["extensions"]["field"], "rating");
    assert_eq!(
        reason(&rate(&stack, &colleague, id, 4, None).await),
        pair("FORBIDDEN", "SURVEY_NOT_REQUESTER")
    );
    assert_eq!(
        rate(&stack, &busan, id, 4, None).await.error_code(),
        "NOT_FOUND"
    );
    assert_eq!(
        rate(&stack, &staff, id, 4, None).await.error_code(),
        "FORBIDDEN"
    );
    assert_eq!(stack.count_rows("request_survey").await, 0);

    let rated = rate(&stack, &official, id, 4, Some("친절한 답변")).await;
    let rated = &rated.data()["rateServiceRequest"];
    assert_eq!(rated["survey"]["rating"], 4);
    assert_eq!(rated["survey"]["comment"], "친절한 답변");
    assert_eq!(rated["survey"]["respondent"]["subject"], "official-seoul");
    // Changed within the window.
    let changed = rate(&stack, &official, id, 5, None).await;
    let changed = &changed.data()["rateServiceRequest"];
    assert_eq!(changed["survey"]["rating"], 5);
    assert!(changed["survey"]["comment"].is_null());
    assert_eq!(
        changed["survey"]["submittedAt"],
        rated["survey"]["submittedAt"]
    );

    // Staff of the department and the colleague read the rating; Busan does not see it.
    let q = "query($id: ID!) { serviceRequest(id: $id) { survey { rating } } }";
    for token in [&staff, &colleague] {
        let seen = stack.gql(Some(token), q, json!({ "id": id })).await;
        assert_eq!(
            seen.data()["serviceRequest"]["survey"]["rating"],
            5,
            "{:?}",
            seen.body
        );
    }
    let hidden = stack.gql(Some(&busan), q, json!({ "id": id })).await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");

    // The bureau's figures: the department's staff and admins; officials are refused.
    let stats = "query($from: DateTime!, $to: DateTime!) { serviceRequestSurveyStatistics(from: $from, to: $to) {
      departmentCode type month count average distribution } }";
    let period = json!({ "from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z" });
    for token in [&staff, &stack.admin()] {
        let figures = stack.gql(Some(token), stats, period.clone()).await;
        let rows = figures.data()["serviceRequestSurveyStatistics"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0]["type"], "INTERPRETATION_TRANSLATION");
        assert_eq!(rows[0]["count"], 1);
        assert_eq!(rows[0]["average"], 5.0);
        assert_eq!(rows[0]["distribution"], json!([0, 0, 0, 0, 1]));
    }
    let other_department = stack.staff("staff-general-seo");
    let none = stack
        .gql(Some(&other_department), stats, period.clone())
        .await;
    assert_eq!(none.data()["serviceRequestSurveyStatistics"], json!([]));
    assert_eq!(
        stack
            .gql(Some(&official), stats, period.clone())
            .await
            .error_code(),
        "FORBIDDEN"
    );

    // The request report over the same period, grouped by type and local government, with
    // the answer times; the same scoping.
    let report = "query($from: DateTime!, $to: DateTime!) { serviceRequestStatistics(from: $from, to: $to,
      groupBy: [TYPE, LOCAL_GOVERNMENT]) { type localGovernmentCode department: departmentCode month
      submitted open answered firstResponse { count medianMinutes } resolution { count p90Minutes } } }";
    for token in [&staff, &stack.admin()] {
        let figures = stack.gql(Some(token), report, period.clone()).await;
        let rows = figures.data()["serviceRequestStatistics"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(rows.len(), 1, "{rows:?}");
        let row = &rows[0];
        assert_eq!(row["type"], "INTERPRETATION_TRANSLATION");
        assert_eq!(row["localGovernmentCode"], "11000");
        assert!(
            row["department"].is_null() && row["month"].is_null(),
            "{row}"
        );
        // The unanswered request and the answered one, both Seoul's translations.
        let counts = (&row["submitted"], &row["open"], &row["answered"]);
        assert_eq!(counts, (&json!(2), &json!(1), &json!(1)), "{row}");
        assert_eq!(row["firstResponse"]["count"], 1);
        assert_eq!(row["resolution"]["count"], 1);
    }
    let none = stack
        .gql(Some(&other_department), report, period.clone())
        .await;
    assert_eq!(none.data()["serviceRequestStatistics"], json!([]));
    assert_eq!(
        stack
            .gql(Some(&official), report, period)
            .await
            .error_code(),
        "FORBIDDEN"
    );

    // Once the reopen window has passed the rating stands.
    stack
        .requests_db
        .execute_raw(Statement::from_sql_and_values(
            stack.requests_db.get_database_backend(),
            "UPDATE service_request SET final_responded_at = now() - interval '30 days' WHERE id = $1::uuid",
            [id.into()],
        ))
        .await
        .unwrap();
    assert_eq!(
        reason(&rate(&stack, &official, id, 1, None).await),
        pair("CONFLICT", "SURVEY_WINDOW_CLOSED")
    );
}
