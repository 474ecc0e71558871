//! The partner graph over HTTP (issue 18), without Node (the composition itself is
//! `federation.rs`):
//!
//! - `/subgraph` serves nothing private whoever asks: its `_service { sdl }` and its
//!   introspection hold no private type, private fields and mutations fail validation even
//!   for an administrator, and `/graphql` never serves `_service`.
//! - `_entities` never fails as a whole: on `/subgraph` and on `/graphql`, for every entity
//!   kind, a representation with a malformed key, of a type that is not an entity, or
//!   without `__typename` is `null` with a `BAD_USER_INPUT` error at `["_entities", i]`; an
//!   unknown or hidden entity is `null` without an error; the others resolve.

use glocal_e2e::{Gql, Stack, spawn_demo_stack};
use serde_json::{Value, json};

const ENTITIES: &str = "query($r: [_Any!]!) { _entities(representations: $r) { __typename \
     ... on Event { id } ... on Programme { id } ... on ProgrammeEdition { id } \
     ... on Practice { id } ... on Organisation { id } ... on LocalGovernment { code } } }";

/// An id no entity has.
const UNKNOWN: &str = "00000000-0000-4000-8000-000000000000";

/// One visible entity of each kind (anonymous), as `(typename, key, value)`.
async fn one_of_each(stack: &Stack) -> Vec<(&'static str, &'static str, String)> {
    let listed = stack
        .gql(
            None,
            "{ events(first: 1) { edges { node { id } } } \
               programmes(first: 5) { edges { node { id editions { id } } } } \
               practices(first: 1) { edges { node { id } } } \
               organisations(first: 1) { edges { node { id } } } \
               localGovernments { code } }",
            json!({}),
        )
        .await;
    let data = listed.data();
    let first = |root: &str| {
        data[root]["edges"][0]["node"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no {root} in the demo data: {data}"))
            .to_owned()
    };
    let edition = data["programmes"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| e["node"]["editions"][0]["id"].as_str())
        .expect("a published edition")
        .to_owned();
    vec![
        ("Event", "id", first("events")),
        ("Programme", "id", first("programmes")),
        ("ProgrammeEdition", "id", edition),
        ("Practice", "id", first("practices")),
        ("Organisation", "id", first("organisations")),
        (
            "LocalGovernment",
            "code",
            data["localGovernments"][0]["code"]
                .as_str()
                .unwrap()
                .to_owned(),
        ),
    ]
}

/// The errors of `answer` as `(path, code, message)`, by path.
fn errors(answer: &Gql) -> Vec<(Value, String, String)> {
    let mut errors: Vec<_> = answer.body["errors"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| {
            let code = e["extensions"]["code"].as_str().unwrap_or("").to_owned();
            let message = e["message"].as_str().unwrap_or("").to_owned();
            (e["path"].clone(), code, message)
        })
        .collect();
    errors.sort_by_key(|(path, _, _)| path[1].as_u64());
    errors
}

/// `errors` without their messages.
fn coded(errors: &[(Value, String, String)]) -> Vec<(Value, String)> {
    errors
        .iter()
        .map(|(path, code, _)| (path.clone(), code.clone()))
        .collect()
}

fn key_of(entity: &Value, key: &str) -> Value {
    entity[key].clone()
}

#[tokio::test]
async fn a_bad_representation_fails_only_its_item_for_every_entity_kind() {
    let stack = spawn_demo_stack().await;
    for (typename, key, value) in one_of_each(&stack).await {
        let malformed = if key == "code" {
            json!("")
        } else {
            json!("event-legacy-42")
        };
        let unknown = if key == "code" { "99999" } else { UNKNOWN };
        let representations = json!([
            { "__typename": typename, key: value },
            { "__typename": typename, key: malformed },
            { "__typename": typename, key: unknown },
            { "__typename": typename },
        ]);
        for subgraph in [true, false] {
            let answer = if subgraph {
                stack
                    .subgraph(None, ENTITIES, json!({ "r": representations }))
                    .await
            } else {
                stack
                    .gql(None, ENTITIES, json!({ "r": representations }))
                    .await
            };
            let items = answer.body["data"]["_entities"]
                .as_array()
                .unwrap_or_else(|| panic!("{typename}: no list: {:#}", answer.body));
            assert_eq!(items.len(), 4, "{typename}: {:#}", answer.body);
            assert_eq!(items[0]["__typename"], typename, "{:#}", answer.body);
            assert_eq!(key_of(&items[0], key), json!(value), "{:#}", answer.body);
            for (i, item) in items.iter().enumerate().skip(1) {
                assert!(item.is_null(), "{typename} #{i}: {:#}", answer.body);
            }
            assert_eq!(
                coded(&errors(&answer)),
                vec![
                    (json!(["_entities", 1]), "BAD_USER_INPUT".to_owned()),
                    (json!(["_entities", 3]), "BAD_USER_INPUT".to_owned()),
                ],
                "{typename} (subgraph: {subgraph}): {:#}",
                answer.body
            );
        }
    }
}

#[tokio::test]
async fn a_mixed_batch_answers_every_item_on_its_own() {
    let stack = spawn_demo_stack().await;
    let admin = stack.admin();
    // A practice the anonymous public may not see (a draft or one in review).
    let hidden = stack
        .gql(
            Some(&admin),
            "{ practices(first: 1, filter: { states: [DRAFT, IN_REVIEW] }) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let hidden = hidden.data()["practices"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("a practice that is not published in the demo data")
        .to_owned();
    let good = one_of_each(&stack).await;
    let mut representations: Vec<Value> = good
        .iter()
        .map(|(t, k, v)| json!({ "__typename": t, (*k): v }))
        .collect();
    let base = representations.len();
    representations.extend([
        json!({ "__typename": "Event", "id": "event-legacy-42" }),
        json!({ "__typename": "ServiceRequest", "id": UNKNOWN }),
        json!({ "__typename": "Practice", "id": hidden }),
        json!({ "__typename": "LocalGovernment", "code": "99999" }),
        json!({ "__typename": "Organisation", "id": 42 }),
    ]);
    let answer = stack
        .subgraph(None, ENTITIES, json!({ "r": representations }))
        .await;
    let items = answer.body["data"]["_entities"]
        .as_array()
        .unwrap_or_else(|| panic!("no list: {:#}", answer.body));
    assert_eq!(items.len(), representations.len(), "{:#}", answer.body);
    for (i, (typename, key, value)) in good.iter().enumerate() {
        assert_eq!(items[i]["__typename"], *typename, "{:#}", answer.body);
        assert_eq!(key_of(&items[i], key), json!(value), "{:#}", answer.body);
    }
    for (i, item) in items.iter().enumerate().skip(base) {
        assert!(item.is_null(), "item {i}: {:#}", answer.body);
    }
    let errors = errors(&answer);
    assert_eq!(
        coded(&errors),
        [0, 1, 4]
            .map(|i| (json!(["_entities", base + i]), "BAD_USER_INPUT".to_owned()))
            .to_vec(),
        "{:#}",
        answer.body
    );
    let not_entity = &errors[1].2;
    assert!(
        not_entity.contains("`ServiceRequest` is not an entity"),
        "{not_entity}"
    );
    // The hidden practice is there for the bureau.
    let as_admin = stack
        .subgraph(
            Some(&admin),
            ENTITIES,
            json!({ "r": [{ "__typename": "Practice", "id": hidden }] }),
        )
        .await;
    assert_eq!(
        as_admin.data()["_entities"][0]["id"],
        json!(hidden),
        "{:#}",
        as_admin.body
    );
}

#[tokio::test]
async fn the_partner_graph_serves_nothing_private_whoever_asks() {
    let stack = spawn_demo_stack().await;
    let admin = stack.admin();
    let private = glocal_gateway::authz::private_types();
    for token in [None, Some(admin.as_str())] {
        let sdl = stack
            .subgraph(token, "{ _service { sdl } }", json!({}))
            .await;
        let sdl = sdl.data()["_service"]["sdl"].as_str().unwrap().to_owned();
        assert!(sdl.contains("type Event @key(fields: \"id\")"), "{sdl}");
        for line in sdl.lines() {
            let mut words = line.split_whitespace();
            if let (Some("type" | "input" | "enum" | "interface" | "union"), Some(name)) =
                (words.next(), words.next())
            {
                let ours = name.strip_prefix("Glocal").unwrap_or(name);
                assert!(
                    !private.contains(ours),
                    "private `{name}` in the partner SDL"
                );
            }
        }
        for word in [
            "ServiceRequest",
            "Staff",
            "Department",
            "mutation",
            "Mutation",
        ] {
            assert!(!sdl.contains(word), "`{word}` in the partner SDL");
        }
        let introspected = stack
            .subgraph(
                token,
                "{ __schema { mutationType { name } types { name } } \
                   __type(name: \"ServiceRequest\") { name } }",
                json!({}),
            )
            .await;
        let data = introspected.data();
        assert!(data["__schema"]["mutationType"].is_null(), "{data}");
        assert!(data["__type"].is_null(), "{data}");
        for ty in data["__schema"]["types"].as_array().unwrap() {
            let name = ty["name"].as_str().unwrap();
            let ours = name.strip_prefix("Glocal").unwrap_or(name);
            assert!(
                !private.contains(ours),
                "private `{name}` is introspectable"
            );
        }
        for query in [
            "{ serviceRequests { totalCount } }",
            "{ me { subject } }",
            "{ events(first: 1) { edges { node { contributions { id } } } } }",
            "mutation { deleteRoutingRule(id: \"1\") }",
        ] {
            let refused = stack.subgraph(token, query, json!({})).await;
            assert!(
                refused.body.get("data").is_none(),
                "{query}: {:#}",
                refused.body
            );
            assert_eq!(refused.error_code(), "BAD_USER_INPUT", "{query}");
        }
        // The portal keeps the whole schema, but never serves it as a subgraph.
        let portal = stack.gql(token, "{ _service { sdl } }", json!({})).await;
        assert_eq!(portal.error_code(), "BAD_USER_INPUT", "{:#}", portal.body);
        let message = portal.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("/subgraph"), "{message}");
    }
    let portal = stack
        .gql(Some(&admin), "{ routingRules { id } }", json!({}))
        .await;
    portal.data();
}
