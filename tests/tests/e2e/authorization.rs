//! The authorization matrix, cell by cell, through real HTTP: for every root field of the
//! served schema (read by introspection) and every role, a minimal operation that passes
//! validation (arguments made up from their types), checked against
//! `glocal_gateway::authz::MATRIX`: a denied cell answers `UNAUTHENTICATED` (anonymous) or
//! `FORBIDDEN` on that field; any other cell answers neither. A root field the matrix lacks
//! fails the test. (Subscription cells are checked over WebSocket in `subscriptions.rs`.)

use std::collections::BTreeSet;

use glocal_e2e::{Stack, spawn_stack};
use glocal_gateway::authz::{Access, MATRIX, Role, Root};
use glocal_kit::{Caller, Role as KitRole};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const TYPE_REF: &str = "fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }";

/// The schema as introspection tells it: every type with its fields, input fields and
/// enum values.
async fn introspect(stack: &Stack, token: &str) -> Value {
    let query = format!(
        "{{ __schema {{ types {{ kind name isOneOf enumValues {{ name }} \
         inputFields {{ name defaultValue type {{ ...T }} }} \
         fields {{ name type {{ ...T }} args {{ name defaultValue type {{ ...T }} }} }} }} }} }} {TYPE_REF}"
    );
    stack.gql(Some(token), &query, json!({})).await.data()["__schema"].clone()
}

/// Builds minimal GraphQL literals for arguments, from the introspected types.
struct Literals<'a> {
    types: &'a [Value],
}

impl Literals<'_> {
    fn named(&self, name: &str) -> &Value {
        self.types
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no type {name}"))
    }

    /// A literal of type reference `ty` (only called for required positions).
    fn value(&self, ty: &Value) -> String {
        match ty["kind"].as_str().unwrap() {
            "NON_NULL" => self.value(&ty["ofType"]),
            "LIST" => "[]".into(),
            "ENUM" => {
                let t = self.named(ty["name"].as_str().unwrap());
                t["enumValues"][0]["name"].as_str().unwrap().into()
            }
            "INPUT_OBJECT" => {
                let t = self.named(ty["name"].as_str().unwrap());
                let fields = t["inputFields"].as_array().unwrap();
                let chosen: Vec<&Value> = if t["isOneOf"] == true {
                    fields.iter().take(1).collect()
                } else {
                    fields
                        .iter()
                        .filter(|f| f["type"]["kind"] == "NON_NULL" && f["defaultValue"].is_null())
                        .collect()
                };
                let parts: Vec<String> = chosen
                    .iter()
                    .map(|f| {
                        format!(
                            "{}: {}",
                            f["name"].as_str().unwrap(),
                            self.value(&f["type"])
                        )
                    })
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            _ => match ty["name"].as_str().unwrap() {
                "Int" => "1".into(),
                "Float" => "1.0".into(),
                "Boolean" => "false".into(),
                "ID" => "\"00000000-0000-4000-8000-000000000000\"".into(),
                "Date" => "\"2030-01-01\"".into(),
                "DateTime" => "\"2030-01-01T00:00:00Z\"".into(),
                _ => "\"x\"".into(),
            },
        }
    }

    /// `name(required args) { __typename }` (no selection for scalars and enums).
    fn field(&self, field: &Value) -> String {
        let args: Vec<String> = field["args"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["type"]["kind"] == "NON_NULL" && a["defaultValue"].is_null())
            .map(|a| {
                format!(
                    "{}: {}",
                    a["name"].as_str().unwrap(),
                    self.value(&a["type"])
                )
            })
            .collect();
        let mut out = field["name"].as_str().unwrap().to_owned();
        if !args.is_empty() {
            out.push_str(&format!("({})", args.join(", ")));
        }
        let mut ty = &field["type"];
        while ty["kind"] == "NON_NULL" || ty["kind"] == "LIST" {
            ty = &ty["ofType"];
        }
        if matches!(ty["kind"].as_str(), Some("OBJECT" | "INTERFACE" | "UNION")) {
            out.push_str(" { __typename }");
        }
        out
    }
}

/// The subject of an active staff member of the seeded directory.
async fn staff_subject(stack: &Stack) -> String {
    let db = &stack.requests_db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT subject FROM staff WHERE active ORDER BY id LIMIT 1",
        ))
        .await
        .expect("staff query")
        .expect("a staff member");
    row.try_get::<String>("", "subject").expect("subject")
}

#[tokio::test]
async fn every_role_meets_the_matrix_on_every_root_field() {
    let stack = spawn_stack().await;
    let admin = stack.admin();
    let tokens: Vec<(Role, Option<String>)> = vec![
        (Role::Anonymous, None),
        (
            Role::LocalOfficial,
            Some(stack.official("authz-official", "11000")),
        ),
        (
            Role::BureauStaff,
            Some(stack.staff(&staff_subject(&stack).await)),
        ),
        (Role::BureauAdmin, Some(admin.clone())),
        (
            Role::Partner,
            Some(stack.token(&Caller::new(
                "authz-partner",
                "Partner",
                "JP",
                [KitRole::Partner],
            ))),
        ),
    ];

    let schema = introspect(&stack, &admin).await;
    let types = schema["types"].as_array().unwrap().clone();
    let literals = Literals { types: &types };
    let mut failures = Vec::new();
    let mut cells = 0;
    for root in [Root::Query, Root::Mutation] {
        let root_type = literals.named(root.type_name());
        let fields = root_type["fields"].as_array().unwrap();
        // The schema and the matrix name the same root fields.
        let served: BTreeSet<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        let listed: BTreeSet<&str> = MATRIX
            .iter()
            .filter(|r| r.root == root)
            .map(|r| r.field)
            .collect();
        let missing: Vec<_> = served.difference(&listed).collect();
        assert!(
            missing.is_empty(),
            "{root:?} fields missing from the matrix: {missing:?}"
        );
        let stale: Vec<_> = listed.difference(&served).collect();
        assert!(
            stale.is_empty(),
            "the matrix lists {root:?} fields the schema lacks: {stale:?}"
        );

        let keyword = match root {
            Root::Query => "query",
            Root::Mutation => "mutation",
            Root::Subscription => unreachable!("checked over WebSocket in subscriptions.rs"),
        };
        for field in fields {
            let name = field["name"].as_str().unwrap();
            if name == "_service" {
                // `/graphql` refuses `_service` to everyone (the SDL is served on `/subgraph`,
                // where the matrix row applies): partner_graph.rs checks both.
                continue;
            }
            let rule = MATRIX
                .iter()
                .find(|r| r.root == root && r.field == name)
                .unwrap();
            let operation = format!("{keyword} {{ {} }}", literals.field(field));
            for (role, token) in &tokens {
                cells += 1;
                let expected = rule.access_of(*role);
                let answer = stack.gql(token.as_deref(), &operation, json!({})).await;
                let body = &answer.body;
                if body.get("data").is_none() {
                    failures.push(format!("{name} as {}: not executed: {body}", role.as_str()));
                    continue;
                }
                let codes: Vec<&str> = body["errors"]
                    .as_array()
                    .map(|errors| {
                        errors
                            .iter()
                            .filter(|e| e["path"][0] == name)
                            .filter_map(|e| e["extensions"]["code"].as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                let refused = codes
                    .iter()
                    .find(|c| **c == "UNAUTHENTICATED" || **c == "FORBIDDEN");
                let wanted = if *role == Role::Anonymous {
                    "UNAUTHENTICATED"
                } else {
                    "FORBIDDEN"
                };
                match (expected, refused) {
                    (Access::Denied, Some(code)) if *code == wanted => {}
                    (Access::Denied, other) => failures.push(format!(
                        "{name} as {}: expected {wanted}, got {other:?} ({body})",
                        role.as_str()
                    )),
                    (_, None) => {}
                    (access, Some(code)) => failures.push(format!(
                        "{name} as {}: {access:?} in the matrix, but {code} ({body})",
                        role.as_str()
                    )),
                }
            }
        }
    }
    assert!(cells >= 400, "only {cells} cells checked");
    assert!(
        failures.is_empty(),
        "{} of {cells} cells disagree with the matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `(path, code, message, detail)` of every error of `body`, sorted.
fn refusals(body: &Value) -> Vec<(String, String, String, String)> {
    let mut found: Vec<_> = body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                    (
                        e["path"].to_string(),
                        text(&e["extensions"]["code"]),
                        text(&e["message"]),
                        text(&e["extensions"]["detail"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// The matrix is checked once per operation from the root fields it executes: a denied
/// root field is refused under its alias, when a fragment spreads it onto the root and in an
/// inline fragment, alone (the permitted field beside it answers), with the same code and
/// message in each of the four languages; in a mutation too.
#[tokio::test]
async fn denied_root_fields_are_refused_through_aliases_and_fragments() {
    use glocal_kit::i18n::{Lang, Message};

    let stack = spawn_stack().await;
    let partner = stack.token(&Caller::new(
        "alias-partner",
        "Partner",
        "JP",
        [KitRole::Partner],
    ));
    let query = "query Mixed { open: localGovernments { code } \
                   hidden: serviceRequests(first: 1) { totalCount } ...Private \
                   ... on Query { rules: routingRules { __typename } } } \
                 fragment Private on Query { queue: serviceRequests(first: 2) { totalCount } }";
    for (tag, lang) in [
        ("en", Lang::En),
        ("ko", Lang::Ko),
        ("zh", Lang::Zh),
        ("ja", Lang::Ja),
    ] {
        let answer = stack.gql_in(tag, Some(&partner), query, json!({})).await;
        let body = &answer.body;
        assert_eq!(answer.status, 200, "{body}");
        assert!(
            body["data"]["open"]
                .as_array()
                .is_some_and(|l| !l.is_empty()),
            "{body}"
        );
        for key in ["hidden", "queue", "rules"] {
            assert!(body["data"][key].is_null(), "{key}: {body}");
        }
        let said = |field: &str| {
            let english = format!("your role may not use `{field}`");
            match lang {
                Lang::En => (english, String::new()),
                _ => (Message::new("code-forbidden").render(lang), english),
            }
        };
        let expected: Vec<_> = [
            ("hidden", "serviceRequests"),
            ("queue", "serviceRequests"),
            ("rules", "routingRules"),
        ]
        .into_iter()
        .map(|(key, field)| {
            let (message, detail) = said(field);
            (
                format!("[\"{key}\"]"),
                "FORBIDDEN".to_owned(),
                message,
                detail,
            )
        })
        .collect();
        assert_eq!(refusals(body), expected, "{tag}: {body}");
    }

    // A mutation, anonymously: under an alias and through a fragment; nothing runs.
    let id = "00000000-0000-4000-8000-000000000000";
    let answer = stack
        .gql(
            None,
            &format!(
                "mutation {{ gone: deleteRoutingRule(id: \"{id}\") ...M }} \
                 fragment M on Mutation {{ deleteRoutingRule(id: \"{id}\") }}"
            ),
            json!({}),
        )
        .await;
    let unauthenticated = |key: &str| {
        (
            format!("[\"{key}\"]"),
            "UNAUTHENTICATED".to_owned(),
            "`deleteRoutingRule` needs a bearer token".to_owned(),
            String::new(),
        )
    };
    assert_eq!(
        refusals(&answer.body),
        [
            unauthenticated("deleteRoutingRule"),
            unauthenticated("gone")
        ],
        "{}",
        answer.body
    );
}

/// A permitted operation runs whole: no nested field is refused, whatever its name, and
/// fragments below the root are not the matrix's business.
#[tokio::test]
async fn a_permitted_operation_runs_every_nested_field() {
    let stack = spawn_stack().await;
    let official = stack.official("nested-official", "11000");
    stack
        .gql(
            Some(&official),
            "mutation($input: SubmitServiceRequestInput!) { submitServiceRequest(input: $input) { id } }",
            json!({ "input": crate::support::interpretation_input("nested-1") }),
        )
        .await
        .data();
    let answer = stack
        .gql(
            Some(&official),
            "query Mine { me { subject permissions { field } } \
               requests: serviceRequests(first: 5) { totalCount edges { node { ...Request } } } } \
             fragment Request on ServiceRequest { id number \
               localGovernment { code name(lang: EN) } requester { localGovernment { code } } }",
            json!({}),
        )
        .await;
    let data = answer.data();
    assert_eq!(data["me"]["subject"], "nested-official");
    let node = &data["requests"]["edges"][0]["node"];
    assert_eq!(node["localGovernment"]["code"], "11000", "{data}");
    assert_eq!(node["requester"]["localGovernment"]["code"], "11000");
}
