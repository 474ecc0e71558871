//! Notices end to end: the six steps of a request produce exactly the expected e-mails, in
//! Korean for a Korean requester and in English for an English one, delivered to a real
//! SMTP server on loopback (aiosmtpd) and listed in each requester's inbox; a notifier
//! killed mid-batch and restarted (reading every stream entry again) sends nothing twice;
//! an SMTP server that is down leaves notices pending until it is back, and the last failed
//! try leaves a visible FAILED state.

use glocal_e2e::{Mail, SmtpSink, Stack, free_port, spawn_stack_with};
use glocal_kit::config::Secret;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::support::{act, assignee_token, get, submit};

const INBOX: &str = "query($unread: Boolean) { notifications(first: 10, unreadOnly: $unread) {
  totalCount unreadCount edges { node { id kind subject body link language emailStatus readAt } } } }";

/// Rows of `sql` (one text column `v`) in the notifier's database.
async fn texts(stack: &Stack, sql: &str) -> Vec<String> {
    let backend = stack.notifier_db.get_database_backend();
    stack
        .notifier_db
        .query_all_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .expect("notifier query")
        .iter()
        .map(|r| r.try_get::<String>("", "v").expect("column v"))
        .collect()
}

/// Waits until every e-mail delivery is in `state` (and there are `n`).
async fn wait_deliveries(stack: &Stack, n: usize, state: &str) {
    for _ in 0..300 {
        let states = texts(stack, "SELECT state AS v FROM delivery").await;
        if states.len() == n && states.iter().all(|s| s == state) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "deliveries never all {state}: {:?}",
        texts(stack, "SELECT state AS v FROM delivery").await
    );
}

/// Steps 1–6 for `official`: submitted (registered and assigned at once), mid-response,
/// final response. Answers the request.
async fn six_steps(stack: &Stack, official: &str, key: &str) -> Value {
    let submitted = submit(stack, official, key).await;
    let r = submitted.data()["submitServiceRequest"].clone();
    let staff = assignee_token(stack, &r).await;
    let id = r["id"].as_str().unwrap().to_owned();
    let mid = act(
        stack,
        &staff,
        "sendMidResponse",
        json!({ "id": id, "version": r["version"], "body": "Interpreter booked; name follows.",
                "expectedCompletionAt": "2030-12-01T09:00:00Z" }),
    )
    .await;
    let version = mid.data()["sendMidResponse"]["version"].clone();
    let fin = act(
        stack,
        &staff,
        "sendFinalResponse",
        json!({ "id": id, "version": version, "body": "Interpreter: Ms Sato." }),
    )
    .await;
    assert_eq!(fin.data()["sendFinalResponse"]["state"], "FINAL_RESPONDED");
    let seen = get(stack, official, &id).await;
    seen.data()["serviceRequest"].clone()
}

fn to(messages: &[Mail], address: &str) -> Vec<Mail> {
    let mut m: Vec<Mail> = messages
        .iter()
        .filter(|m| m.to.contains(address))
        .cloned()
        .collect();
    m.sort_by(|a, b| a.subject.cmp(&b.subject));
    m
}

#[tokio::test]
async fn the_six_steps_notify_each_requester_in_their_language() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let stack = spawn_stack_with(move |s| s.notifications.smtp_url = Secret::new(url)).await;
    let kim =
        stack.official_with_contact("official-seoul", "11000", "minji@seoul.example.kr", "ko-KR");
    let jane =
        stack.official_with_contact("official-busan", "26000", "jane@busan.example.org", "en");

    let seoul = six_steps(&stack, &kim, "k-notice-ko").await;
    let busan = six_steps(&stack, &jane, "k-notice-en").await;

    let messages = sink.wait_for(6).await;
    wait_deliveries(&stack, 6, "SENT").await;
    let messages_now = sink.messages();
    assert_eq!(
        messages_now.len(),
        6,
        "exactly the expected messages: {messages_now:#?}"
    );
    let mut ids: Vec<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 6, "every message once");

    let number = seoul["number"].as_str().unwrap();
    let link = format!(
        "https://portal.glocal.test/requests/{}",
        seoul["id"].as_str().unwrap()
    );
    let ko = to(&messages, "minji@seoul.example.kr");
    let subjects: Vec<&str> = ko.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            format!("[Glocal] 요청 {number}에 중간 답변이 도착했습니다"),
            format!("[Glocal] 요청 {number}에 최종 답변이 도착했습니다"),
            format!("[Glocal] 요청 {number}이(가) 접수되었습니다"),
        ]
    );
    assert!(ko.iter().all(|m| m.body.contains(&link)), "{ko:#?}");
    assert!(
        ko.iter()
            .any(|m| m.body.contains(&format!("접수번호: {number}")))
    );

    let number = busan["number"].as_str().unwrap();
    let en = to(&messages, "jane@busan.example.org");
    let subjects: Vec<&str> = en.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            format!("[Glocal] Final response to request {number}"),
            format!("[Glocal] Mid-response to request {number}"),
            format!("[Glocal] Request {number} registered"),
        ]
    );
    assert!(
        en.iter()
            .any(|m| m.body.contains(&format!("Number: {number}")))
    );

    // The same notices wait in the requester's inbox, in their language, e-mail sent.
    let inbox = stack.gql(Some(&kim), INBOX, json!({})).await;
    let n = &inbox.data()["notifications"];
    assert_eq!(
        (n["totalCount"].as_i64(), n["unreadCount"].as_i64()),
        (Some(3), Some(3))
    );
    let nodes: Vec<&Value> = n["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .collect();
    assert_eq!(nodes[0]["kind"], "REQUEST_FINAL_RESPONSE", "newest first");
    assert!(nodes.iter().all(|n| n["language"] == "KO"
        && n["emailStatus"] == "SENT"
        && n["link"] == link.as_str()));

    // The contact came from the token's claims; the person's own edit wins from then on.
    let contact = stack
        .gql(
            Some(&kim),
            "{ myContact { email language source } }",
            json!({}),
        )
        .await;
    assert_eq!(
        contact.data()["myContact"],
        json!({ "email": "minji@seoul.example.kr", "language": "KO", "source": "CLAIMS" })
    );
    let set = stack
        .gql(Some(&kim), "mutation { setMyContact(email: \"minji.kim@seoul.example.kr\", language: JA) { email language source } }", json!({}))
        .await;
    assert_eq!(set.data()["setMyContact"]["source"], "PERSON");
    let bad = stack
        .gql(
            Some(&kim),
            "mutation { setMyContact(email: \"not an address\", language: KO) { email } }",
            json!({}),
        )
        .await;
    assert_eq!(bad.error_code(), "BAD_USER_INPUT");
    let contact = stack
        .gql(
            Some(&kim),
            "{ myContact { email language source } }",
            json!({}),
        )
        .await;
    assert_eq!(
        contact.data()["myContact"]["email"],
        "minji.kim@seoul.example.kr"
    );

    // Read receipts and preferences are the caller's own.
    let marked = stack
        .gql(
            Some(&kim),
            "mutation { markNotificationsRead(all: true) { marked unreadCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        marked.data()["markNotificationsRead"],
        json!({ "marked": 3, "unreadCount": 0 })
    );
    let jane_inbox = stack
        .gql(Some(&jane), INBOX, json!({ "unread": true }))
        .await;
    assert_eq!(jane_inbox.data()["notifications"]["totalCount"], 3);
    let prefs = stack
        .gql(Some(&jane), "mutation { setNotificationPreferences(preferences: [{kind: \"REQUEST_MID_RESPONSE\", email: false, inbox: true}]) { kind email inbox } }", json!({}))
        .await;
    let prefs = prefs.data()["setNotificationPreferences"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        prefs.contains(&json!({ "kind": "REQUEST_MID_RESPONSE", "email": false, "inbox": true }))
    );
    assert!(
        prefs.contains(&json!({ "kind": "REQUEST_FINAL_RESPONSE", "email": true, "inbox": true }))
    );
    let bad = stack
        .gql(Some(&jane), "mutation { setNotificationPreferences(preferences: [{kind: \"NOPE\", email: false, inbox: false}]) { kind } }", json!({}))
        .await;
    assert_eq!(bad.error_code(), "BAD_USER_INPUT");
    let anonymous = stack.gql(None, INBOX, json!({})).await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_notifier_killed_mid_batch_and_restarted_sends_no_duplicate() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let mut stack = spawn_stack_with(move |s| {
        s.notifications.smtp_url = Secret::new(url);
        s.notifications.poll_interval_ms = 300;
    })
    .await;
    let kim =
        stack.official_with_contact("official-seoul", "11000", "minji@seoul.example.kr", "ko");
    const N: usize = 8;
    for i in 0..N {
        submit(&stack, &kim, &format!("k-kill-{i}")).await.data();
        if i == 2 {
            // Wait for the notifier to be under way, then kill it wherever it is.
            for _ in 0..200 {
                if !texts(&stack, "SELECT kind AS v FROM notice")
                    .await
                    .is_empty()
                {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            stack.kill_notifier();
        }
    }
    // Forget where every stream was read to: the restarted notifier reads every entry
    // again, as after a crash before its position was stored.
    stack
        .notifier_db
        .execute_unprepared("DELETE FROM stream_position")
        .await
        .unwrap();
    stack.start_notifier();

    sink.wait_for(N).await;
    wait_deliveries(&stack, N, "SENT").await;
    let messages = sink.messages();
    assert_eq!(messages.len(), N, "{messages:#?}");
    let mut ids: Vec<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), N, "no message twice");
    // One notice per submission for the requester (the assigned staff get their own, in
    // their inbox only: they have no e-mail address on record here).
    assert_eq!(
        texts(
            &stack,
            "SELECT kind AS v FROM notice WHERE recipient = 'official-seoul'"
        )
        .await
        .len(),
        N
    );
}

#[tokio::test]
async fn an_smtp_server_that_is_down_leaves_notices_pending_until_it_is_back() {
    let port = free_port();
    let stack = spawn_stack_with(move |s| {
        s.notifications.smtp_url = Secret::new(format!("smtp://127.0.0.1:{port}"));
        s.notifications.max_attempts = 1_000;
    })
    .await;
    let kim =
        stack.official_with_contact("official-seoul", "11000", "minji@seoul.example.kr", "ko");
    submit(&stack, &kim, "k-down").await.data();

    // Tried and failed at least twice, still pending.
    for _ in 0..300 {
        let attempts = texts(&stack, "SELECT CAST(attempts AS TEXT) AS v FROM delivery").await;
        if attempts
            .first()
            .is_some_and(|a| a.parse::<i32>().unwrap_or(0) >= 2)
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        texts(&stack, "SELECT state AS v FROM delivery").await,
        ["PENDING"]
    );
    let inbox = stack.gql(Some(&kim), INBOX, json!({})).await;
    assert_eq!(
        inbox.data()["notifications"]["edges"][0]["node"]["emailStatus"],
        "PENDING"
    );

    // The server comes back: the notice goes out, once.
    let sink = SmtpSink::start_on(port).await;
    let messages = sink.wait_for(1).await;
    wait_deliveries(&stack, 1, "SENT").await;
    assert_eq!(sink.messages().len(), 1);
    assert!(
        messages[0].subject.contains("접수되었습니다"),
        "{messages:#?}"
    );
}

#[tokio::test]
async fn after_the_last_try_a_notice_shows_failed() {
    let port = free_port();
    let stack = spawn_stack_with(move |s| {
        s.notifications.smtp_url = Secret::new(format!("smtp://127.0.0.1:{port}"));
        s.notifications.max_attempts = 2;
    })
    .await;
    let kim =
        stack.official_with_contact("official-seoul", "11000", "minji@seoul.example.kr", "ko");
    submit(&stack, &kim, "k-failed").await.data();
    wait_deliveries(&stack, 1, "FAILED").await;
    let inbox = stack.gql(Some(&kim), INBOX, json!({})).await;
    assert_eq!(
        inbox.data()["notifications"]["edges"][0]["node"]["emailStatus"],
        "FAILED"
    );
}
