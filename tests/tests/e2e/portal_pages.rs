//! The portal's public pages over plain HTTP against a real stack with demo data: an event's
//! page at `/events/<id>` (where the events feed links), in the language asked.

use glocal_e2e::spawn_demo_stack;
use serde_json::json;

#[tokio::test]
async fn an_event_page_shows_the_event_in_the_language_asked_and_an_unknown_one_is_not_found() {
    let stack = spawn_demo_stack().await;
    let body = stack
        .gql(
            None,
            "{ events(first: 1) { edges { node { id title(lang: EN) } } } }",
            json!({}),
        )
        .await;
    let event = &body.data()["events"]["edges"][0]["node"];
    let (id, title) = (
        event["id"].as_str().unwrap(),
        event["title"].as_str().unwrap(),
    );

    let page = stack
        .http()
        .get(format!("{}/events/{id}", stack.portal_url))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert!(html.contains(&format!("<h1>{title}</h1>")), "{html}");
    assert!(
        html.contains("Time zone (the event&#x27;s own)") || html.contains("Time zone (the event"),
        "{html}"
    );

    let missing = stack
        .http()
        .get(format!(
            "{}/events/{}",
            stack.portal_url,
            uuid::Uuid::new_v4()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("찾을 수 없습니다"));
}
