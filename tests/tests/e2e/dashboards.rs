//! The chart's Grafana dashboards (helm/glocal/dashboards/*.json) query only metrics the
//! components export: a stack runs on PostgreSQL and Redis with what `glocal serve <service>`
//! adds around each service (the database sampler and the metrics port), takes some traffic
//! (reads through the entity cache, a write whose change event travels outbox → relay →
//! Redis Stream → gateway, the portal's pages), and then every metric name in every dashboard
//! query must appear on the gateway's `/metrics` or the metrics port of the portal and the
//! services, which share this process's recorder (histograms as `_bucket`, `_sum`, `_count`). That promtool parses every query is checked by scripts/check-deploy.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use glocal_e2e::{Stack, spawn_stack};
use serde_json::{Value, json};

const CREATE: &str =
    "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }";

const READ: &str = "query($id: ID!) { organisation(id: $id) { id name(lang: EN) } }";

/// PromQL words that are not metric names.
const KEYWORDS: [&str; 12] = [
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "inf",
];

/// PromQL's aggregation operators (`sum by (x) (…)` puts a clause between name and `(`).
const AGGREGATIONS: [&str; 14] = [
    "sum",
    "min",
    "max",
    "avg",
    "group",
    "stddev",
    "stdvar",
    "count",
    "count_values",
    "bottomk",
    "topk",
    "quantile",
    "limitk",
    "limit_ratio",
];

/// The metric names a PromQL expression selects: identifiers that are not functions,
/// aggregations, keywords, numbers, label names (inside `{…}` or after `by`, `on`, …) or
/// strings.
fn metric_names(expr: &str) -> BTreeSet<String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut names = BTreeSet::new();
    let mut i = 0;
    let mut skip_label_list = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' | '`' => {
                i += 1;
                while i < chars.len() && chars[i] != c {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                while i < chars.len() && chars[i] != close {
                    if chars[i] == '"' {
                        i += 1;
                        while i < chars.len() && chars[i] != '"' {
                            i += if chars[i] == '\\' { 2 } else { 1 };
                        }
                    }
                    i += 1;
                }
                i += 1;
            }
            '(' if skip_label_list => {
                while i < chars.len() && chars[i] != ')' {
                    i += 1;
                }
                i += 1;
                skip_label_list = false;
            }
            c if c.is_ascii_digit() || c == '.' => {
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | '_'))
                {
                    i += 1;
                }
            }
            c if c.is_ascii_alphabetic() || c == '_' || c == ':' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '_' | ':'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let mut next = i;
                while next < chars.len() && chars[next].is_whitespace() {
                    next += 1;
                }
                let lower = word.to_ascii_lowercase();
                if matches!(
                    lower.as_str(),
                    "by" | "without" | "on" | "ignoring" | "group_left" | "group_right"
                ) {
                    skip_label_list = true;
                } else if KEYWORDS.contains(&lower.as_str())
                    || AGGREGATIONS.contains(&lower.as_str())
                    || chars.get(next) == Some(&'(')
                {
                    // A keyword, or a function / aggregation.
                } else {
                    names.insert(word);
                }
            }
            _ => i += 1,
        }
    }
    names
}

/// Every dashboard's queries: (dashboard file, panel title, expression).
fn dashboard_queries() -> Vec<(String, String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../helm/glocal/dashboards");
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in files {
        let board: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for panel in board["panels"].as_array().unwrap() {
            for target in panel["targets"].as_array().into_iter().flatten() {
                out.push((
                    file.clone(),
                    panel["title"].as_str().unwrap_or_default().to_owned(),
                    target["expr"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    out
}

/// The metric names in a Prometheus text exposition (samples and `# TYPE` families, so a
/// histogram counts as itself and its `_bucket`, `_sum` and `_count`).
fn exposed_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            if let Some(name) = rest.split_whitespace().next() {
                names.insert(name.to_owned());
            }
        } else if !line.starts_with('#') && !line.is_empty() {
            let end = line.find(['{', ' ']).unwrap_or(line.len());
            names.insert(line[..end].to_owned());
        }
    }
    names
}

async fn scrape(stack: &Stack, url: &str) -> BTreeSet<String> {
    let response = stack.http().get(url).send().await.expect("scrape");
    assert_eq!(response.status(), 200, "{url}");
    exposed_names(&response.text().await.unwrap())
}

#[test]
fn metric_names_are_found_in_promql() {
    let names = |e: &str| metric_names(e).into_iter().collect::<Vec<_>>();
    assert_eq!(
        names(
            r#"histogram_quantile(0.95, sum by (operation, le) (rate(graphql_operation_duration_seconds_bucket{service=~"glocal\\..*", code!="OK"}[5m])))"#
        ),
        ["graphql_operation_duration_seconds_bucket"]
    );
    assert_eq!(
        names(
            "max by (service) (a_seconds) - on (service) group_right min by (consumer, service) (b_seconds{consumer=\"gateway\"}) > 1e-3"
        ),
        ["a_seconds", "b_seconds"]
    );
    assert_eq!(
        names(
            "db_pool_connections{state=\"in_use\"} / ignoring (state) db_pool_max_connections and time() - x offset 1h"
        ),
        ["db_pool_connections", "db_pool_max_connections", "x"]
    );
}

#[tokio::test]
async fn dashboards_query_only_metrics_the_components_export() {
    let _ = glocal_kit::metrics::prometheus();
    let stack = spawn_stack().await;
    // What `glocal serve <service>` runs besides the service: the sampler of its database
    // (pool and outbox gauges) and the metrics port.
    let (_stop, shutdown) = glocal_kit::shutdown::channel();
    for (service, db) in [
        ("requests", &stack.requests_db),
        ("training", &stack.training_db),
        ("events", &stack.events_db),
        ("research", &stack.research_db),
    ] {
        glocal_kit::metrics::spawn_database_sampler(
            service,
            db.clone(),
            Duration::from_millis(50),
            shutdown.clone(),
        );
    }
    let metrics = glocal_kit::metrics::spawn_server(([127, 0, 0, 1], 0).into(), shutdown.clone())
        .await
        .expect("metrics port");

    // Traffic: a write (its change event reaches the gateway) and reads through the cache.
    let staff = stack.staff("staff-network");
    let input = json!({
        "idempotencyKey": "dashboards-1", "kind": "FOREIGN_LOCAL_GOVERNMENT",
        "name": { "en": "City of Dashboards" }, "originalLanguage": "EN",
        "country": "JP", "public": true,
        "contacts": [{ "name": "Sato", "email": "sato@example.jp" }]
    });
    let made = stack.gql(Some(&staff), CREATE, json!({ "i": input })).await;
    let id = made.data()["createOrganisation"]["id"]
        .as_str()
        .expect("organisation id")
        .to_owned();

    // The portal's traffic: a page (which calls the gateway) and a path it does not have.
    let http = reqwest::Client::new();
    for path in ["/practices", "/nowhere"] {
        http.get(format!("{}{path}", stack.portal_url))
            .send()
            .await
            .expect("the portal answers");
    }

    let queries = dashboard_queries();
    assert!(queries.len() > 50, "{} queries", queries.len());
    let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (file, panel, expr) in &queries {
        let names = metric_names(expr);
        assert!(!names.is_empty(), "{file} / {panel}: no metric in {expr}");
        for name in names {
            wanted
                .entry(name)
                .or_default()
                .push(format!("{file} / {panel}"));
        }
    }

    // The relay, the change stream and the samplers run on their own: poll for a while.
    let mut missing = Vec::new();
    for _ in 0..100 {
        stack.gql(None, READ, json!({ "id": id })).await;
        let mut exported = scrape(&stack, &format!("{}/metrics", stack.base_url)).await;
        exported.extend(scrape(&stack, &format!("http://{metrics}/metrics")).await);
        missing = wanted
            .iter()
            .filter(|(name, _)| !exported.contains(*name))
            .map(|(name, panels)| format!("{name} (in {})", panels.join(", ")))
            .collect();
        if missing.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        missing.is_empty(),
        "dashboards query metrics no component exports:\n  {}",
        missing.join("\n  ")
    );
}
