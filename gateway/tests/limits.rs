//! Limits against abuse, each attacked with a hostile request over real HTTP: depth,
//! complexity, aliases, batches, bracket nesting (the parser's stack), body size, the
//! per-request deadline, and introspection in production.

mod support;

use std::time::Duration;

use glocal_kit::config::Environment;
use serde_json::{Value, json};
use support::{Gateway, closed_url, post, query, serve};

const GQL: &str = "application/graphql-response+json";

/// The introspection query GraphiQL and client code generators send.
const INTROSPECTION: &str = r"
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}";

async fn gateway() -> Gateway {
    serve(support::settings(&closed_url().await)).await
}

/// POSTs `query` asking for `application/graphql-response+json`.
async fn strict(gateway: &Gateway, query: &str) -> support::Reply {
    strict_at(&gateway.graphql(), query).await
}

/// [`strict`] to `url`.
async fn strict_at(url: &str, query: &str) -> support::Reply {
    support::reply(
        support::client()
            .post(url)
            .header("accept", GQL)
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn assert_request_error(r: &support::Reply, needle: &str) {
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.get("data").is_none(), "no execution: {}", r.body);
    assert_eq!(r.codes(), ["BAD_USER_INPUT"], "{}", r.body);
    let message = r.body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
}

#[tokio::test]
async fn deep_queries_are_refused() {
    let gateway = gateway().await;
    // Introspection nests legitimately deep: allowed.
    let r = strict(&gateway, INTROSPECTION).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["data"]["__schema"]["types"].is_array());
    // 20 levels of `ofType`: too deep for the default of 16.
    let hostile = format!(
        "{{ __type(name: \"Query\") {}{}",
        "{ ofType ".repeat(20),
        "{ name }".to_owned() + &"}".repeat(21)
    );
    assert_request_error(&strict(&gateway, &hostile).await, "nested too deep");
}

#[tokio::test]
async fn complex_queries_are_refused() {
    let mut settings = support::settings(&closed_url().await);
    settings.gateway.max_aliases = 10_000;
    let gateway = serve(settings).await;
    // 600 × `me { subject }` (two fields each): complexity over the default of 1,000.
    let fields: String = (0..600)
        .map(|i| format!("m{i}: me {{ subject }} "))
        .collect();
    let r = strict(&gateway, &format!("{{ {fields} }}")).await;
    assert_request_error(&r, "too complex");
}

#[tokio::test]
async fn alias_floods_are_refused() {
    let gateway = gateway().await;
    let fields: String = (0..31)
        .map(|i| format!("a{i}: me {{ subject }} "))
        .collect();
    assert_request_error(
        &strict(&gateway, &format!("{{ {fields} }}")).await,
        "aliases",
    );
    // Hidden in a fragment, they count too.
    let hidden = format!("{{ ...F }} fragment F on Query {{ {fields} }}");
    assert_request_error(&strict(&gateway, &hidden).await, "aliases");
    // Thirty are fine.
    let fields: String = (0..30)
        .map(|i| format!("a{i}: me {{ subject }} "))
        .collect();
    let r = strict(&gateway, &format!("{{ {fields} }}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn bracket_bombs_are_refused_before_parsing() {
    let mut settings = support::settings(&closed_url().await);
    settings.gateway.max_body_bytes = 1 << 20;
    settings.gateway.max_document_bytes = 1 << 20;
    let gateway = serve(settings).await;
    for bomb in [
        format!("{}{}", "{a".repeat(50_000), "}".repeat(50_000)),
        format!("{{ me(x: {}1{}) }}", "[".repeat(50_000), "]".repeat(50_000)),
    ] {
        // Refused again the second time: a refused text is never parsed, so never cached.
        for _ in 0..2 {
            assert_request_error(&strict(&gateway, &bomb).await, "nested too deep");
        }
    }
    // The gateway is still there.
    let r = query(&gateway, "{ __typename }", None).await;
    assert_eq!(r.body["data"]["__typename"], "Query");
}

#[tokio::test]
async fn batches_are_capped() {
    let gateway = gateway().await;
    let one = json!({ "query": "{ __typename }" });
    let r = post(
        &gateway.graphql(),
        &Value::Array(vec![one.clone(); 3]),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let answers = r.body.as_array().expect("an array of answers");
    assert_eq!(answers.len(), 3);
    assert!(answers.iter().all(|a| a["data"]["__typename"] == "Query"));

    // A batch keeps each answer in its place, errors included.
    let mixed = json!([{ "query": "{ __typename }" }, { "query": "{ nope }" }]);
    let r = post(&gateway.graphql(), &mixed, None).await;
    assert_eq!(r.body[0]["data"]["__typename"], "Query", "{}", r.body);
    assert_eq!(
        r.body[1]["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );

    for hostile in [Value::Array(vec![one; 11]), json!([])] {
        let r = post(&gateway.graphql(), &hostile, None).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.codes(), ["BAD_USER_INPUT"]);
    }

    let mut settings = support::settings(&closed_url().await);
    settings.gateway.max_batch = 0;
    let no_batches = serve(settings).await;
    let r = post(
        &no_batches.graphql(),
        &json!([{ "query": "{ __typename }" }]),
        None,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
}

#[tokio::test]
async fn large_bodies_are_413() {
    let mut settings = support::settings(&closed_url().await);
    settings.gateway.max_body_bytes = 4_096;
    let gateway = serve(settings).await;
    let padded = format!("{{ __typename }} # {}", "x".repeat(8_192));
    let r = query(&gateway, &padded, None).await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(r.codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn slow_requests_hit_the_deadline() {
    // A "service" that accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let mut settings = support::settings(&url);
    settings.gateway.request_timeout_ms = 300;
    settings.gateway.grpc_timeout_ms = 10_000;
    let gateway = serve(settings).await;
    let started = std::time::Instant::now();
    let r = query(&gateway, "{ localGovernments { code } }", None).await;
    assert_eq!(r.status, 504, "{}", r.body);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn introspection_is_off_in_production_unless_enabled() {
    let introspect = "{ __schema { queryType { name } } }";
    let mut settings = support::settings(&closed_url().await);
    let development = serve(settings.clone()).await;
    let r = query(&development, introspect, None).await;
    assert_eq!(r.body["data"]["__schema"]["queryType"]["name"], "Query");

    settings.environment = Environment::Production;
    // Production needs an issuer; it need not answer for this test.
    settings.auth.oidc_issuer = closed_url().await;
    // And its own caller-signing key (docs/adr/0014-signed-caller-identity.md).
    settings.grpc.identity_signing_key =
        glocal_kit::config::Secret::new(glocal_kit::identity::generate().unwrap().0);
    let production = serve(settings.clone()).await;
    let r = query(&production, introspect, None).await;
    assert_eq!(r.body["data"]["__schema"], Value::Null, "{}", r.body);

    settings.gateway.introspection = Some(true);
    let enabled = serve(settings).await;
    let r = query(&enabled, introspect, None).await;
    assert_eq!(r.body["data"]["__schema"]["queryType"]["name"], "Query");
}

/// `query{...B0} fragment B0 on Query{...B1 ...B1} … fragment B{n} on Query{departments{code}}`:
/// 2^n fields for about 40·n bytes.
fn spread_bomb(n: usize) -> String {
    let mut q = String::from("query{...B0}");
    for i in 0..n {
        q.push_str(&format!(
            " fragment B{i} on Query{{...B{} ...B{}}}",
            i + 1,
            i + 1
        ));
    }
    q.push_str(&format!(" fragment B{n} on Query{{departments{{code}}}}"));
    q
}

/// Each bomb shape is refused with BAD_USER_INPUT, quickly, and the gateway keeps answering.
#[tokio::test]
async fn document_bombs_are_refused_quickly() {
    let mut settings = support::settings(&closed_url().await);
    settings.gateway.max_body_bytes = 1 << 20;
    let gateway = serve(settings).await;
    let wide: String = (0..1_001).map(|i| format!("f{i}: __typename ")).collect();
    let deep = format!(
        "{{ ...D0 }} {} fragment D40 on Query {{ __typename }}",
        (0..40)
            .map(|i| format!("fragment D{i} on Query {{ me {{ ...D{} }} }}", i + 1))
            .collect::<String>()
    );
    let directives = format!("{{ __typename {} }}", "@include(if: true) ".repeat(200));
    let variables = format!(
        "query({}) {{ __typename }}",
        (0..150).map(|i| format!("$v{i}: Int ")).collect::<String>()
    );
    let spreads = format!(
        "{{ {} }} fragment F on Query {{ __typename }}",
        "...F ".repeat(300)
    );
    let huge = format!("{{ __typename }} # {}", "x".repeat(40_000));
    for (shape, bomb, needle) in [
        ("fragment chain", spread_bomb(30), "too complex"),
        ("wide", format!("{{ {wide} }}"), "aliases"),
        ("deep through fragments", deep, "nested too deep"),
        ("directives", directives, "directives"),
        ("variables", variables, "variables"),
        ("spreads", spreads, "fragment spreads"),
        ("document size", huge, "bytes"),
    ] {
        let started = std::time::Instant::now();
        let r = strict(&gateway, &bomb).await;
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{shape}: {:?}",
            started.elapsed()
        );
        assert_request_error(&r, needle);
    }
    // Without aliases, a wide query is too complex.
    let wide: String = "__typename ".repeat(1_001);
    assert_request_error(
        &strict(&gateway, &format!("{{ {wide} }}")).await,
        "too complex",
    );
    // Two chains of 2^40 in parallel: both refused at once, /healthz still answers.
    let bomb = spread_bomb(40);
    let (a, b) = tokio::join!(strict(&gateway, &bomb), strict(&gateway, &bomb));
    assert_request_error(&a, "too complex");
    assert_request_error(&b, "too complex");
    let health = support::client()
        .get(format!("{}/healthz", gateway.url))
        .timeout(Duration::from_secs(1))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    // A modest chain within the limits still runs.
    let r = strict(
        &gateway,
        "{ ...A } fragment A on Query { ...B ...B } fragment B on Query { __typename }",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn production_turns_off_graphiql_suggestions_and_the_sdl_unless_enabled() {
    let misspelt = "{ departmentz { code } }";
    let sdl = "{ _service { sdl } }";
    let hidden_sdl = "{ ...S } fragment S on Query { _service { sdl } }";
    let graphiql = |gateway: &Gateway| {
        let url = gateway.graphql();
        async move {
            let page = support::client()
                .get(url)
                .header("accept", "text/html")
                .send()
                .await
                .unwrap();
            page.text()
                .await
                .unwrap()
                .to_lowercase()
                .contains("graphiql")
        }
    };
    let message = |r: &support::Reply| {
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };

    let mut settings = support::settings(&closed_url().await);
    let development = serve(settings.clone()).await;
    assert!(graphiql(&development).await);
    let r = strict(&development, misspelt).await;
    assert!(message(&r).contains("Did you mean"), "{}", r.body);
    let r = strict_at(&development.subgraph(), sdl).await;
    assert!(r.body["data"]["_service"]["sdl"].is_string(), "{}", r.body);
    // The portal's whole schema is never served as a subgraph.
    for q in [sdl, hidden_sdl] {
        assert_request_error(&strict(&development, q).await, "/subgraph");
    }

    settings.environment = Environment::Production;
    settings.auth.oidc_issuer = closed_url().await;
    settings.grpc.identity_signing_key =
        glocal_kit::config::Secret::new(glocal_kit::identity::generate().unwrap().0);
    let production = serve(settings.clone()).await;
    assert!(!graphiql(&production).await);
    let r = strict(&production, misspelt).await;
    assert_eq!(r.codes(), ["BAD_USER_INPUT"], "{}", r.body);
    assert!(!message(&r).contains("Did you mean"), "{}", r.body);
    for q in [sdl, hidden_sdl] {
        assert_request_error(&strict_at(&production.subgraph(), q).await, "_service");
    }

    settings.gateway.graphiql = Some(true);
    settings.gateway.field_suggestions = Some(true);
    settings.gateway.service_sdl = Some(true);
    let enabled = serve(settings).await;
    assert!(graphiql(&enabled).await);
    let r = strict(&enabled, misspelt).await;
    assert!(message(&r).contains("Did you mean"), "{}", r.body);
    let r = strict_at(&enabled.subgraph(), sdl).await;
    assert!(r.body["data"]["_service"]["sdl"].is_string(), "{}", r.body);
    assert_request_error(&strict(&enabled, sdl).await, "/subgraph");
}

/// `{ __type(name: "Query") { ofType { … { name } … } } }` with `levels` field levels.
fn nested(levels: usize) -> String {
    let inner = levels.saturating_sub(2);
    format!(
        "{{ __type(name: \"Query\") {}{{ name }}{}",
        "{ ofType ".repeat(inner),
        "}".repeat(inner + 1)
    )
}

#[tokio::test]
async fn too_deep_is_one_message_and_code_at_any_depth() {
    let gateway = gateway().await;
    let r = strict(&gateway, &nested(16)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let expected = "the query is nested too deep; at most 16 levels are allowed";
    for levels in (17..=32).chain([33, 40, 50, 64, 100]) {
        let r = strict(&gateway, &nested(levels)).await;
        assert_eq!(r.status, 400, "{levels}: {}", r.body);
        assert_eq!(r.codes(), ["BAD_USER_INPUT"], "{levels}: {}", r.body);
        assert_eq!(r.body["errors"][0]["message"], expected, "{levels}");
        assert_eq!(
            r.body["errors"][0]["extensions"]["messageKey"], "limit-depth",
            "{levels}"
        );
    }
}

#[tokio::test]
async fn refusals_are_said_in_the_callers_language() {
    let gateway = gateway().await;
    let mut seen = std::collections::BTreeSet::new();
    for (lang, accept) in [
        ("ko", "ko-KR,ko;q=0.9"),
        ("zh", "zh-CN"),
        ("ja", "ja"),
        ("en", "fr, en;q=0.5"),
    ] {
        let r = support::reply(
            support::client()
                .post(gateway.graphql())
                .header("accept", GQL)
                .header("accept-language", accept)
                .json(&json!({ "query": nested(20) }))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(r.codes(), ["BAD_USER_INPUT"], "{}", r.body);
        let message = r.body["errors"][0]["message"].as_str().unwrap().to_owned();
        let catalogue = glocal_kit::i18n::Message::new("limit-depth")
            .arg("max", 16)
            .render(glocal_kit::i18n::Lang::from_tag(lang).unwrap());
        assert_eq!(message, catalogue, "{lang}");
        seen.insert(message);
    }
    assert_eq!(seen.len(), 4, "one message per language: {seen:?}");
    // A request error the catalogue has no key for keeps its English text as the detail.
    let r = support::reply(
        support::client()
            .post(gateway.graphql())
            .header("accept-language", "ja")
            .json(&json!({ "query": "{ noSuchField }" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.codes(), ["BAD_USER_INPUT"], "{}", r.body);
    assert_eq!(
        r.body["errors"][0]["message"],
        "リクエストが正しくありません"
    );
    assert!(
        r.body["errors"][0]["extensions"]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("noSuchField")),
        "{}",
        r.body
    );
}
