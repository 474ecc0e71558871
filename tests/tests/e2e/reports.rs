//! The bureau's training and event reports and the exports of applications, registrations
//! and practices (issue 19), over real HTTP on the demo data: the reports agree with the
//! lists they summarise, only bureau staff read them, and every export holds exactly the rows
//! its list holds for the same caller and filter.

use glocal_e2e::Stack;
use serde_json::{Value, json};

/// GETs `/exports/{file}` as `token` in `lang`: status and body lines (BOM stripped).
async fn export_lines(
    stack: &Stack,
    token: Option<&str>,
    file: &str,
    query: &[(&str, &str)],
) -> (u16, Vec<String>) {
    let mut request = stack
        .http()
        .get(format!("{}/exports/{file}", stack.base_url))
        .query(query);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let lines = text
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    (status, lines)
}

async fn total(stack: &Stack, token: Option<&str>, query: &str, variables: Value) -> i64 {
    let r = stack.gql(token, query, variables).await;
    let data = r.data();
    let (_, connection) = data.as_object().unwrap().iter().next().unwrap();
    connection["totalCount"].as_i64().unwrap()
}

const REGISTRATIONS: &str = "query($f: EventRegistrationFilter) { eventRegistrations(filter: $f, first: 1) { totalCount } }";
const APPLICATIONS: &str =
    "query($f: TrainingApplicationFilter) { applications(filter: $f, first: 1) { totalCount } }";
const PRACTICES: &str = "query($s: String, $f: PracticeFilter) { practices(search: $s, filter: $f, first: 1) { totalCount } }";

#[tokio::test]
async fn reports_agree_with_the_lists_and_only_the_bureau_reads_them() {
    let stack = glocal_e2e::spawn_demo_stack().await;
    let admin = stack.admin();
    let staff = stack.staff("staff-interp-kim");
    let seoul = stack.official("official-seoul", "11000");

    let events = stack
        .gql(
            Some(&staff),
            "{ eventStatistics(from: \"2021-01-01\", to: \"2030-12-31\") { eventId title(lang: KO) startDate capacity registrations confirmed confirmedSeats waitlisted cancelled attended checkIns } }",
            json!({}),
        )
        .await;
    let rows = events.data()["eventStatistics"].as_array().unwrap().clone();
    assert!(!rows.is_empty(), "the demo has events");
    let mut registered = 0;
    for row in &rows {
        let id = row["eventId"].as_str().unwrap();
        let listed = total(
            &stack,
            Some(&admin),
            REGISTRATIONS,
            json!({ "f": { "eventId": id } }),
        )
        .await;
        assert_eq!(row["registrations"].as_i64().unwrap(), listed, "{row}");
        let confirmed = total(
            &stack,
            Some(&admin),
            REGISTRATIONS,
            json!({ "f": { "eventId": id, "states": ["CONFIRMED"] } }),
        )
        .await;
        assert_eq!(row["confirmed"].as_i64().unwrap(), confirmed, "{row}");
        assert!(row["confirmedSeats"].as_i64().unwrap() >= confirmed);
        registered += listed;
    }
    assert!(registered > 0, "the demo has registrations");

    let training = stack
        .gql(
            Some(&admin),
            "{ trainingStatistics(from: \"2021-01-01\", to: \"2030-12-31\") { programmeTitle(lang: EN) programmeKind editionId term capacity applied drafts inReview accepted waitlisted rejected withdrawn } }",
            json!({}),
        )
        .await;
    let rows = training.data()["trainingStatistics"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!rows.is_empty(), "the demo has editions");
    let mut applied = 0;
    for row in &rows {
        let id = row["editionId"].as_str().unwrap();
        for (field, state) in [
            ("accepted", "ACCEPTED"),
            ("rejected", "REJECTED"),
            ("waitlisted", "WAITLISTED"),
        ] {
            let listed = total(
                &stack,
                Some(&admin),
                APPLICATIONS,
                json!({ "f": { "editionId": id, "states": [state] } }),
            )
            .await;
            assert_eq!(row[field].as_i64().unwrap(), listed, "{field} of {row}");
        }
        applied += row["applied"].as_i64().unwrap();
    }
    assert!(applied > 0, "the demo has applications");

    // Officials are refused both; a period that ends before it starts is bad input on `to`.
    for query in [
        "{ eventStatistics(from: \"2026-01-01\", to: \"2026-12-31\") { eventId } }",
        "{ trainingStatistics(from: \"2026-01-01\", to: \"2026-12-31\") { editionId } }",
    ] {
        let r = stack.gql(Some(&seoul), query, json!({})).await;
        assert_eq!(r.error_code(), "FORBIDDEN", "{query}");
        let backwards = query.replace("2026-12-31", "2025-12-31");
        let r = stack.gql(Some(&admin), &backwards, json!({})).await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{backwards}");
        assert_eq!(
            r.body["errors"][0]["extensions"]["field"], "to",
            "{}",
            r.body
        );
    }
}

#[tokio::test]
async fn exports_hold_exactly_what_each_list_holds_for_its_caller() {
    let stack = glocal_e2e::spawn_demo_stack().await;
    let admin = stack.admin();
    let seoul = stack.official("official-seoul", "11000");

    // Registrations: the bureau exports every one; an official only their own (none here).
    let all = total(&stack, Some(&admin), REGISTRATIONS, json!({})).await;
    let (status, lines) = export_lines(&stack, Some(&admin), "event-registrations.csv", &[]).await;
    assert_eq!(status, 200, "{lines:?}");
    assert!(
        lines[0].starts_with("ID,Event,Registration kind,State"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len() as i64 - 1, all);
    assert!(all > 0);
    let own = total(&stack, Some(&seoul), REGISTRATIONS, json!({})).await;
    let (_, lines) = export_lines(&stack, Some(&seoul), "event-registrations.csv", &[]).await;
    assert_eq!(
        lines.len() as i64 - 1,
        own,
        "an official's export is scoped like their list"
    );
    assert!(own < all);
    let confirmed = json!({ "states": ["CONFIRMED"] });
    let n = total(
        &stack,
        Some(&admin),
        REGISTRATIONS,
        json!({ "f": confirmed }),
    )
    .await;
    let (_, lines) = export_lines(
        &stack,
        Some(&admin),
        "event-registrations.csv",
        &[("filter", &confirmed.to_string()), ("lang", "ko")],
    )
    .await;
    assert!(
        lines[0].starts_with("ID,행사,등록 유형,상태"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len() as i64 - 1, n);
    assert!(
        lines[1..].iter().all(|l| l.contains(",CONFIRMED,")),
        "{lines:?}"
    );

    // Applications: the admin's list and export agree, in Japanese headers too.
    let all = total(&stack, Some(&admin), APPLICATIONS, json!({})).await;
    let (status, lines) = export_lines(
        &stack,
        Some(&admin),
        "training-applications.csv",
        &[("lang", "ja")],
    )
    .await;
    assert_eq!(status, 200, "{lines:?}");
    assert!(
        lines[0].starts_with("ID,プログラム,期,申請者"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len() as i64 - 1, all);
    let own = total(&stack, Some(&seoul), APPLICATIONS, json!({})).await;
    let (_, lines) = export_lines(&stack, Some(&seoul), "training-applications.csv", &[]).await;
    assert_eq!(lines.len() as i64 - 1, own);
    let (status, _) = export_lines(
        &stack,
        Some(&admin),
        "training-applications.csv",
        &[("filter", r#"{"stage": -1}"#)],
    )
    .await;
    assert_eq!(
        status, 400,
        "a negative stage is refused like the list refuses it"
    );

    // Practices: the public exports what the public lists, a search narrows it alike.
    let all = total(&stack, None, PRACTICES, json!({})).await;
    let (status, lines) = export_lines(&stack, None, "practices.csv", &[]).await;
    assert_eq!(status, 200, "{lines:?}");
    assert_eq!(lines.len() as i64 - 1, all);
    assert!(all > 0);
    let found = total(&stack, None, PRACTICES, json!({ "s": "교통" })).await;
    let (_, lines) = export_lines(&stack, None, "practices.csv", &[("search", "교통")]).await;
    assert_eq!(lines.len() as i64 - 1, found);
    assert!(found < all, "the search narrows");
    let (status, body) = export_lines(&stack, Some(&admin), "practices.xlsx", &[]).await;
    assert_eq!(status, 200);
    assert!(body[0].starts_with("PK"), "a zip (XLSX) file");

    // A list that does not exist is 404 naming those that do.
    let (status, lines) = export_lines(&stack, Some(&admin), "staff.csv", &[]).await;
    assert_eq!(status, 404);
    assert!(lines[0].contains("training-applications"), "{lines:?}");
}
