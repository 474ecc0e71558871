//! Research dissemination end to end (issue 25 point 8, ADR 0045): an official subscribed
//! IMMEDIATE to transportation in Korean gets a notice and an e-mail (real SMTP on loopback)
//! when a Korean transportation practice is published through the gateway, and nothing for
//! another area and language; a WEEKLY subscriber's digest lists the week's matching
//! practices once however often the job runs; an unknown area is refused with
//! `UNKNOWN_RESEARCH_AREA` and records nothing; one official can neither read nor change
//! another's subscriptions; after unsubscribing, nothing more comes.

use std::time::Duration;

use glocal_e2e::{SmtpSink, Stack, count_rows_in, spawn_stack_with};
use glocal_kit::config::Secret;
use serde_json::{Value, json};

const SUB: &str = "id areaCodes areas { code label(lang: KO) } languages frequency createdAt";

/// Subscribes as a client should: an UNAVAILABLE answer (the notifier busy, under the whole
/// suite's load) is tried again after its `retryAfterMs`, at most three times.
async fn subscribe(stack: &Stack, token: &str, input: Value) -> glocal_e2e::Gql {
    let q = format!(
        "mutation($input: SubscribeToResearchInput!) {{ subscribeToResearch(input: $input) {{ {SUB} }} }}"
    );
    let mut answer = stack.gql(Some(token), &q, json!({ "input": input })).await;
    for _ in 0..3 {
        let ext = &answer.body["errors"][0]["extensions"];
        if ext["code"] != "UNAVAILABLE" {
            break;
        }
        let wait = ext["retryAfterMs"].as_u64().unwrap_or(1000);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        answer = stack.gql(Some(token), &q, json!({ "input": input })).await;
    }
    answer
}

/// A practice in `area` with its title only in `lang` (a `ko`, `en`, `zh` or `ja` key).
fn practice(key: &str, area: &str, lang: &str, title: &str) -> Value {
    json!({
        "idempotencyKey": key,
        "title": { lang: title },
        "originalLanguage": lang.to_uppercase(),
        "areaCode": area,
        "country": "JP",
        "year": 2025,
    })
}

/// Drafts, submits, approves and publishes `input`; answers the practice's id.
async fn publish(stack: &Stack, author: &str, reviewer: &str, input: Value) -> String {
    let p = crate::research::draft(stack, author, input).await["data"]["draftPractice"].clone();
    let id = p["id"].as_str().expect("drafted").to_owned();
    let mut revision = p["revision"].clone();
    for (who, name, input_type, extra) in [
        (
            author,
            "submitPractice",
            "PracticeTransitionInput",
            json!({}),
        ),
        (
            reviewer,
            "reviewPractice",
            "ReviewPracticeInput",
            json!({ "approve": true }),
        ),
        (
            reviewer,
            "publishPractice",
            "PracticeTransitionInput",
            json!({}),
        ),
    ] {
        let mut input = json!({ "id": id, "revision": revision });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let q = format!(
            "mutation($input: {input_type}!) {{ {name}(input: $input) {{ revision state }} }}"
        );
        let r = stack.gql(Some(who), &q, json!({ "input": input })).await;
        revision = r.data()[name]["revision"].clone();
    }
    id
}

/// Waits until the notifier has recorded `n` publications (each in the transaction of the
/// notices it made).
async fn wait_publications(stack: &Stack, n: i64) {
    for _ in 0..300 {
        if count_rows_in(&stack.notifier_db, "research_publication").await == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the notifier never recorded {n} publications");
}

async fn kinds(stack: &Stack, token: &str) -> Vec<String> {
    let inbox = stack
        .gql(
            Some(token),
            "{ notifications(first: 20) { edges { node { kind subject link } } } }",
            json!({}),
        )
        .await;
    inbox.data()["notifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn subscribers_hear_of_new_practices_immediately_or_weekly() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let stack = spawn_stack_with(move |s| s.notifications.smtp_url = Secret::new(url)).await;
    let kim =
        stack.official_with_contact("official-seoul", "11000", "minji@seoul.example.kr", "ko-KR");
    let jane =
        stack.official_with_contact("official-busan", "26000", "jane@busan.example.org", "en");
    let author = stack.staff("staff-research-lee");
    let reviewer = stack.staff("staff-research-park");

    // An unknown area: refused with a stable reason on its field, nothing recorded.
    let refused = subscribe(
        &stack,
        &kim,
        json!({ "areaCodes": ["transportation", "space_travel"], "languages": ["KO"],
                "frequency": "IMMEDIATE" }),
    )
    .await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    let ext = &refused.body["errors"][0]["extensions"];
    assert_eq!(ext["reason"], "UNKNOWN_RESEARCH_AREA", "{:#}", refused.body);
    assert_eq!(ext["field"], "areaCodes[1]");
    assert_eq!(
        count_rows_in(&stack.notifier_db, "research_subscription").await,
        0
    );

    let made = subscribe(
        &stack,
        &kim,
        json!({ "areaCodes": ["transportation"], "languages": ["KO"], "frequency": "IMMEDIATE" }),
    )
    .await;
    let kims = made.data()["subscribeToResearch"].clone();
    assert_eq!(kims["areas"][0]["label"], "교통");
    assert_eq!(kims["languages"], json!(["KO"]));
    let kims_id = kims["id"].as_str().unwrap().to_owned();
    let weekly = subscribe(
        &stack,
        &jane,
        json!({ "areaCodes": ["transportation"], "frequency": "WEEKLY" }),
    )
    .await;
    assert_eq!(weekly.data()["subscribeToResearch"]["frequency"], "WEEKLY");

    // Scoping: Jane sees only hers and cannot change or end Kim's.
    let hers = stack
        .gql(
            Some(&jane),
            "{ myResearchSubscriptions { id frequency } }",
            json!({}),
        )
        .await;
    assert_eq!(
        hers.data()["myResearchSubscriptions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_ne!(
        hers.data()["myResearchSubscriptions"][0]["id"],
        kims_id.as_str()
    );
    let update = "mutation($input: UpdateResearchSubscriptionInput!) { updateResearchSubscription(input: $input) { id } }";
    let stolen = stack
        .gql(
            Some(&jane),
            update,
            json!({ "input": { "id": kims_id, "frequency": "WEEKLY" } }),
        )
        .await;
    assert_eq!(stolen.error_code(), "NOT_FOUND");
    let unsubscribe = "mutation($id: ID!) { unsubscribeFromResearch(id: $id) }";
    let ended = stack
        .gql(Some(&jane), unsubscribe, json!({ "id": kims_id }))
        .await;
    assert_eq!(ended.error_code(), "NOT_FOUND");
    // Partners do not subscribe (refused at the edge).
    let partner = stack.token(&glocal_kit::Caller::new(
        "partner-osaka",
        "Osaka",
        "org-1",
        [glocal_kit::Role::Partner],
    ));
    let partner_try = subscribe(&stack, &partner, json!({ "frequency": "WEEKLY" })).await;
    assert_eq!(partner_try.error_code(), "FORBIDDEN");

    // A Korean transportation practice: Kim hears at once, by notice and e-mail.
    let bus = publish(
        &stack,
        &author,
        &reviewer,
        practice("k-sub-bus", "transportation", "ko", "버스 준공영제"),
    )
    .await;
    let messages = sink.wait_for(1).await;
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(messages[0].to.contains("minji@seoul.example.kr"));
    assert_eq!(
        messages[0].subject,
        "[Glocal] 새 우수사례(교통): 버스 준공영제"
    );
    let link = format!("https://portal.glocal.test/practices/{bus}");
    assert!(messages[0].body.contains(&link), "{}", messages[0].body);
    assert_eq!(kinds(&stack, &kim).await, ["RESEARCH_PRACTICE_PUBLISHED"]);

    // Another area and language: nothing for Kim.
    publish(
        &stack,
        &author,
        &reviewer,
        practice("k-sub-care", "welfare", "ja", "地域包括ケア"),
    )
    .await;
    // An English transportation practice: Jane's weekly digest only.
    publish(
        &stack,
        &author,
        &reviewer,
        practice("k-sub-tram", "transportation", "en", "Tram revival"),
    )
    .await;
    wait_publications(&stack, 3).await;
    assert_eq!(kinds(&stack, &kim).await, ["RESEARCH_PRACTICE_PUBLISHED"]);
    assert!(kinds(&stack, &jane).await.is_empty(), "weekly: nothing yet");

    // After unsubscribing, nothing more comes.
    let ended = stack
        .gql(Some(&kim), unsubscribe, json!({ "id": kims_id }))
        .await;
    assert_eq!(ended.data()["unsubscribeFromResearch"], true);
    publish(
        &stack,
        &author,
        &reviewer,
        practice("k-sub-bike", "transportation", "ko", "공공자전거"),
    )
    .await;
    wait_publications(&stack, 4).await;
    assert_eq!(kinds(&stack, &kim).await, ["RESEARCH_PRACTICE_PUBLISHED"]);

    // The digest of this week, run twice (as the hourly job would): one notice and one
    // e-mail listing the week's three transportation practices, not the welfare one.
    let digests = glocal_notifier::Notifier::new(
        stack.notifier_db.clone(),
        glocal_notifier::Config {
            portal_url: "https://portal.glocal.test".into(),
            max_page_size: 50,
        },
    );
    let next_week = chrono::Utc::now() + chrono::Duration::days(7);
    assert_eq!(digests.send_research_digests(next_week).await.unwrap(), 1);
    assert_eq!(digests.send_research_digests(next_week).await.unwrap(), 0);
    let messages = sink.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let messages_now = sink.messages();
    assert_eq!(messages_now.len(), 2, "{messages_now:#?}");
    let digest = messages
        .iter()
        .find(|m| m.to.contains("jane@busan.example.org"))
        .expect("Jane's digest");
    assert!(
        digest
            .subject
            .starts_with("[Glocal] New best practices this week"),
        "{}",
        digest.subject
    );
    for listed in ["버스 준공영제", "Tram revival", "공공자전거", bus.as_str()] {
        assert!(digest.body.contains(listed), "{listed}: {}", digest.body);
    }
    assert!(!digest.body.contains("地域包括ケア"), "{}", digest.body);
    assert_eq!(kinds(&stack, &jane).await, ["RESEARCH_DIGEST"]);
}
