//! The gateway's HTTP surface against the real stack: GraphQL-over-HTTP negotiation, GET
//! queries, mutations refused over GET, health and readiness.

use glocal_e2e::{Stack, spawn_stack};
use serde_json::json;

#[tokio::test]
async fn get_queries_work_and_get_mutations_are_refused() {
    let stack = spawn_stack().await;
    let resp = stack
        .http()
        .get(stack.graphql_url())
        .query(&[("query", "{ localGovernments { code } }")])
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let r = Stack::read(resp).await;
    assert_eq!(r.status, 200);
    assert!(
        r.content_type.starts_with("application/json"),
        "{}",
        r.content_type
    );
    assert!(
        r.data()["localGovernments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["code"] == "11000")
    );

    let resp = stack
        .http()
        .get(stack.graphql_url())
        .query(&[("query", "mutation { deleteRoutingRule(id: 1) }")])
        .header("accept", "application/graphql-response+json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
}

#[tokio::test]
async fn the_media_type_asked_for_is_the_one_answered() {
    let stack = spawn_stack().await;
    let body = json!({ "query": "{ departments { code } }" });
    let post = |accept: &'static str| {
        stack
            .http()
            .post(stack.graphql_url())
            .header("accept", accept)
            .json(&body)
            .send()
    };

    let r = Stack::read(post("application/graphql-response+json").await.unwrap()).await;
    assert_eq!(r.status, 200);
    assert!(
        r.content_type
            .starts_with("application/graphql-response+json"),
        "{}",
        r.content_type
    );

    let r = Stack::read(post("application/json").await.unwrap()).await;
    assert!(
        r.content_type.starts_with("application/json"),
        "{}",
        r.content_type
    );

    let bad = json!({ "query": "{ departments { nonsense } }" });
    let r = Stack::read(
        stack
            .http()
            .post(stack.graphql_url())
            .header("accept", "application/graphql-response+json")
            .json(&bad)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        r.status, 400,
        "a validation error with the new media type is a 400"
    );
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    let r = Stack::read(
        stack
            .http()
            .post(stack.graphql_url())
            .header("accept", "application/json")
            .json(&bad)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "with application/json it is a 200");
}

#[tokio::test]
async fn health_and_readiness() {
    let stack = spawn_stack().await;
    let live = stack
        .http()
        .get(format!("{}/healthz", stack.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    let ready = stack
        .http()
        .get(format!("{}/readyz", stack.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let metrics = stack
        .http()
        .get(format!("{}/metrics", stack.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
}
