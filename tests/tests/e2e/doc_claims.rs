//! Claims the docs make in prose, checked against the code so they cannot drift: the order of
//! every list (docs/api.md "Conventions"), the error-code table (docs/api.md "Errors") and the
//! development issuer the chart and the manifests configure (README "Configuration"), and the
//! ISO code lists the Online Bureau's inputs are checked against (docs/api.md).
//!
//! Examples that are operations run in `doc_examples.rs`; these are the statements around them.

use glocal_e2e::spawn_demo_stack;
use glocal_kit::ErrorCode;
use glocal_kit::config::Settings;
use serde_json::{Value, json};

fn repo_file(path: &str) -> String {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("read {full}: {e}"))
}

/// The text of the markdown section that starts with `heading` (up to the next `## `).
fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(heading)
        .unwrap_or_else(|| panic!("no section {heading:?}"));
    let rest = &markdown[start + heading.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    &rest[..end]
}

/// The values of `field` on every node of the connection at `data[root]`.
fn column<'a>(data: &'a Value, root: &str, field: &str) -> Vec<&'a str> {
    data[root]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{root} is not a connection: {data}"))
        .iter()
        .filter_map(|e| e["node"][field].as_str())
        .collect()
}

/// Asserts `values` (RFC 3339 times or ISO dates, which sort as text) are ordered as `docs`
/// says, and that there are at least two of them (an order of one thing proves nothing).
fn assert_ordered(values: &[&str], newest_first: bool, what: &str) {
    assert!(
        values.len() >= 2,
        "{what}: the demo data needs at least two to show an order, got {values:?}"
    );
    for pair in values.windows(2) {
        let ok = if newest_first {
            pair[0] >= pair[1]
        } else {
            pair[0] <= pair[1]
        };
        assert!(
            ok,
            "{what}: docs/api.md says {}, got {values:?}",
            if newest_first {
                "newest first"
            } else {
                "earliest first"
            }
        );
    }
}

/// docs/api.md, "Conventions": each list has one stable order, as stated.
#[tokio::test(flavor = "multi_thread")]
async fn every_list_comes_in_the_order_the_docs_state() {
    let stack = spawn_demo_stack().await;
    let admin = stack.admin();
    let answer = stack
        .gql(
            Some(&admin),
            "{ serviceRequests(first: 50) { edges { node { createdAt } } }
               events(first: 50) { edges { node { startDate } } }
               programmes(first: 50) { edges { node { createdAt editions { startsOn } } } }
               opportunities(first: 50) { edges { node { createdAt } } }
               practices(first: 50, sort: NEWEST) { edges { node { publishedAt } } } }",
            json!({}),
        )
        .await;
    let data = answer.data();
    assert!(
        section(&repo_file("docs/api.md"), "## Conventions").contains(
            "service requests, opportunities and a programme's\n  applications newest first; \
             events by start date, earliest first; programmes"
        ),
        "the docs' wording changed: update this test with it"
    );
    assert_ordered(
        &column(data, "serviceRequests", "createdAt"),
        true,
        "serviceRequests",
    );
    assert_ordered(&column(data, "events", "startDate"), false, "events");
    assert_ordered(
        &column(data, "programmes", "createdAt"),
        false,
        "programmes (order of creation)",
    );
    // The demo holds one opportunity: its order is shown by research's own tests.
    let opportunities = column(data, "opportunities", "createdAt");
    assert!(!opportunities.is_empty(), "demo opportunities: {data}");
    assert_ordered(
        &column(data, "practices", "publishedAt"),
        true,
        "practices (sort: NEWEST)",
    );
    let mut checked_editions = false;
    for programme in data["programmes"]["edges"].as_array().unwrap() {
        let starts: Vec<&str> = programme["node"]["editions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["startsOn"].as_str())
            .collect();
        if starts.len() >= 2 {
            assert_ordered(&starts, true, "a programme's editions (latest start first)");
            checked_editions = true;
        }
    }
    assert!(
        checked_editions,
        "no demo programme has two editions to show their order"
    );
}

/// docs/api.md, "Errors": the table lists exactly the codes the code uses, each with its gRPC
/// status, the count in its first sentence is right, and the one extra code is named.
#[test]
fn the_error_table_is_the_code_table() {
    let api = repo_file("docs/api.md");
    let errors = section(&api, "## Errors");
    let rows: Vec<(String, String)> = errors
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(|c| c.trim().trim_matches('`')).collect();
            (cells[1].to_owned(), cells[cells.len() - 2].to_owned())
        })
        .collect();
    let expected: Vec<(String, String)> = ErrorCode::ALL
        .iter()
        .map(|c| {
            let grpc = format!("{:?}", c.grpc_code());
            // tonic's `PermissionDenied` is gRPC's PERMISSION_DENIED.
            let mut upper = String::new();
            for (i, ch) in grpc.chars().enumerate() {
                if ch.is_uppercase() && i > 0 {
                    upper.push('_');
                }
                upper.push(ch.to_ascii_uppercase());
            }
            (c.as_str().to_owned(), upper)
        })
        .collect();
    assert_eq!(rows, expected, "docs/api.md's error table");
    let words = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    assert!(
        errors.contains(&format!("one of these {}", words[ErrorCode::ALL.len()])),
        "the sentence above the table counts {} codes",
        ErrorCode::ALL.len()
    );
    assert!(
        errors.contains(&format!("`{}`", glocal_gateway::edge::apq::NOT_FOUND_CODE)),
        "the persisted-query code is named beside the table"
    );
}

/// README "Configuration": a token minted with the default configuration (`glocal token`) is
/// accepted by a chart release or the kustomize base unless the operator changes the issuer.
#[test]
fn the_chart_and_manifests_expect_the_binarys_default_issuer() {
    let default = Settings::default().auth.issuer;
    let values = repo_file("helm/glocal/values.yaml");
    let chart = values
        .split("\nauth:")
        .nth(1)
        .and_then(|auth| {
            auth.lines()
                .take_while(|l| l.is_empty() || l.starts_with(' ') || l.starts_with('#'))
                .find_map(|l| l.trim().strip_prefix("issuer:"))
        })
        .map(|v| v.trim().trim_matches('"').to_owned())
        .expect("auth.issuer in helm/glocal/values.yaml");
    assert_eq!(chart, default, "helm/glocal/values.yaml auth.issuer");
    let base = repo_file("k8s/base/configmap.yaml");
    let manifests = base
        .lines()
        .find_map(|l| l.trim().strip_prefix("GLOCAL_AUTH__ISSUER:"))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .expect("GLOCAL_AUTH__ISSUER in k8s/base/configmap.yaml");
    assert_eq!(manifests, default, "k8s/base/configmap.yaml");
    assert!(
        repo_file("README.md").contains(&format!("`{default}`")),
        "README names the default issuer"
    );
}

/// docs/api.md, "The Online Bureau": language and country codes are checked against the ISO
/// lists, not only for their shape; a code of the right shape that is not on the list is
/// BAD_USER_INPUT naming the field, and a listed one passes.
#[tokio::test(flavor = "multi_thread")]
async fn codes_are_checked_against_the_iso_lists_as_the_docs_say() {
    let api = repo_file("docs/api.md");
    let bureau = section(&api, "## The Online Bureau");
    for claim in [
        "ISO 639-1 languages (two lowercase letters on the ISO list",
        "ISO 3166-1 alpha-2 country (two uppercase letters on the ISO list",
    ] {
        assert!(
            bureau.contains(claim),
            "the docs' wording changed: update this test with it ({claim})"
        );
    }
    assert!(!api.contains("not checked against the ISO list"));
    assert!(glocal_kit::domain::iso::LANGUAGE_RULE.contains("on the ISO list"));
    assert!(glocal_kit::domain::iso::COUNTRY_RULE.contains("on the ISO list"));

    let stack = spawn_demo_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let exchange = "mutation($c: String!, $k: String!) { submitServiceRequest(input: {
        idempotencyKey: $k, type: INTERNATIONAL_EXCHANGE, title: \"Partnership\", description: \"MOU\",
        details: { internationalExchange: { partnerCountry: $c, partnerOrganization: \"City\",
          exchangeKind: MEMORANDUM } } }) { id } }";
    let refused = stack
        .gql(Some(&seoul), exchange, json!({ "c": "QQ", "k": "iso-qq" }))
        .await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        refused.body["errors"][0]["extensions"]["field"],
        "details.internationalExchange.partnerCountry",
        "{:#}",
        refused.body
    );
    let accepted = stack
        .gql(Some(&seoul), exchange, json!({ "c": "JP", "k": "iso-jp" }))
        .await;
    assert!(accepted.data()["submitServiceRequest"]["id"].is_string());
}
