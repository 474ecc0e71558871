//! Notices end to end: the six steps of a request produce exactly the expected e-mails, in
//! Korean for a Korean requester and in English for an English one, delivered to a real
//! SMTP server on loopback (aiosmtpd) and listed in each requester's inbox; a notifier
//! killed mid-batch and restarted (reading every stream entry again) sends nothing twice;
//! an SMTP server that is down leaves notices pending until it is back, and the last failed
//! try leaves a visible FAILED state that a bureau admin lists and resends; a missed
//! first-response time reaches the assignee and the department's lead by e-mail, naming the
//! target; event notices name the event.

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
async fn a_notifier_killed_mid_batch_and_restarted_repeats_at_most_the_message_in_flight() {
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
    let mut ids: Vec<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), N, "one message per submission: {messages:#?}");
    // E-mail is at least once (ADR 0008): the one message the kill may catch between the
    // server's 250 and its record is sent again when its lease ends, as the same message
    // (same Message-ID, so a mail client shows it once). Nothing else is sent twice.
    assert!(
        messages.len() <= N + 1,
        "only the message in flight at the kill may repeat: {messages:#?}"
    );
    for copy in &messages {
        let first = messages.iter().find(|m| m.message_id == copy.message_id);
        assert_eq!(first, Some(copy), "a repeat is the same message");
    }
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

const DELIVERIES: &str = "query($status: EmailDeliveryStatus) { emailDeliveries(first: 10, status: $status) {
  totalCount edges { node { id notificationId recipient kind address status attempts lastError sentAt } } } }";
const RESEND: &str =
    "mutation($id: ID!) { resendEmailDelivery(id: $id) { id status attempts lastError } }";

#[tokio::test]
async fn after_the_last_try_a_notice_shows_failed_and_an_admin_resends_it() {
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

    // Only bureau admins see the deliveries.
    let staff = stack.staff("staff-japan-sato");
    for token in [&kim, &staff] {
        let refused = stack.gql(Some(token), DELIVERIES, json!({})).await;
        assert_eq!(refused.error_code(), "FORBIDDEN");
        let refused = stack.gql(Some(token), RESEND, json!({ "id": "1" })).await;
        assert_eq!(refused.error_code(), "FORBIDDEN");
    }
    let admin = stack.admin();
    let failed = stack
        .gql(Some(&admin), DELIVERIES, json!({ "status": "FAILED" }))
        .await;
    let page = &failed.data()["emailDeliveries"];
    assert_eq!(page["totalCount"], 1, "{page:#}");
    let d = &page["edges"][0]["node"];
    assert_eq!(
        (
            &d["recipient"],
            &d["kind"],
            &d["address"],
            &d["status"],
            &d["attempts"]
        ),
        (
            &json!("official-seoul"),
            &json!("REQUEST_REGISTERED"),
            &json!("minji@seoul.example.kr"),
            &json!("FAILED"),
            &json!(2)
        )
    );
    assert!(d["lastError"].is_string(), "{d:#}");
    assert!(d["sentAt"].is_null());
    let none_sent = stack
        .gql(Some(&admin), DELIVERIES, json!({ "status": "SENT" }))
        .await;
    assert_eq!(none_sent.data()["emailDeliveries"]["totalCount"], 0);
    assert_eq!(
        stack
            .gql(Some(&admin), RESEND, json!({ "id": "999999" }))
            .await
            .error_code(),
        "NOT_FOUND"
    );

    // The server is back; the admin resends: PENDING with no attempts, then sent, once.
    let sink = SmtpSink::start_on(port).await;
    let resent = stack
        .gql(Some(&admin), RESEND, json!({ "id": d["id"] }))
        .await;
    let resent = &resent.data()["resendEmailDelivery"];
    assert_eq!(
        (&resent["status"], &resent["attempts"]),
        (&json!("PENDING"), &json!(0))
    );
    let messages = sink.wait_for(1).await;
    wait_deliveries(&stack, 1, "SENT").await;
    assert!(
        messages[0].subject.contains("접수되었습니다"),
        "{messages:#?}"
    );
    let inbox = stack.gql(Some(&kim), INBOX, json!({})).await;
    assert_eq!(
        inbox.data()["notifications"]["edges"][0]["node"]["emailStatus"],
        "SENT"
    );
    // A sent one is not sent again.
    let again = stack
        .gql(Some(&admin), RESEND, json!({ "id": d["id"] }))
        .await;
    assert_eq!(again.error_code(), "CONFLICT");
    assert_eq!(sink.messages().len(), 1);
    let sent = stack
        .gql(Some(&admin), DELIVERIES, json!({ "status": "SENT" }))
        .await;
    assert!(sent.data()["emailDeliveries"]["edges"][0]["node"]["sentAt"].is_string());
}

#[tokio::test]
async fn a_missed_first_response_reaches_the_assignee_and_the_department_lead() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let stack = spawn_stack_with(move |s| {
        s.notifications.smtp_url = Secret::new(url);
        s.requests.sla.scheduler_interval_secs = 1;
    })
    .await;
    let admin = stack.admin();
    // The assignee reads Korean, the lead English.
    let kim = stack.staff("staff-interp-kim");
    let lee = stack.staff("staff-interp-lee");
    for (token, email, lang) in [
        (&kim, "seoyeon.kim@gaok.example.kr", "KO"),
        (&lee, "junho.lee@gaok.example.kr", "EN"),
    ] {
        let q = format!(
            "mutation {{ setMyContact(email: \"{email}\", language: {lang}) {{ source }} }}"
        );
        // The notifier may still be starting: a mutation is not retried by the gateway.
        let mut set = stack.gql(Some(token), &q, json!({})).await;
        for _ in 0..50 {
            if set.body["errors"][0]["extensions"]["code"] != "UNAVAILABLE" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            set = stack.gql(Some(token), &q, json!({})).await;
        }
        assert_eq!(set.data()["setMyContact"]["source"], "PERSON");
    }
    let lead = stack
        .gql(
            Some(&admin),
            "mutation { setDepartmentLead(department: \"INTERPRETATION\", staffId: \"STF-102\") { leadStaffId } }",
            json!({}),
        )
        .await;
    assert_eq!(lead.data()["setDepartmentLead"]["leadStaffId"], "STF-102");

    let official = stack.official("official-seoul", "11000");
    let r = submit(&stack, &official, "k-first-late").await.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap().to_owned();
    let number = r["number"].as_str().unwrap().to_owned();
    let moved = act(
        &stack,
        &admin,
        "reassignServiceRequest",
        json!({ "id": id, "version": r["version"], "departmentCode": "INTERPRETATION",
                "staffId": "STF-101" }),
    )
    .await;
    assert_eq!(
        moved.data()["reassignServiceRequest"]["assignee"]["id"],
        "STF-101"
    );
    stack
        .requests_db
        .execute_raw(Statement::from_sql_and_values(
            stack.requests_db.get_database_backend(),
            "UPDATE service_request SET first_response_warning_at = now() - interval '2 minutes', \
             first_response_due_at = now() - interval '1 minute' WHERE id = $1::uuid",
            [id.clone().into()],
        ))
        .await
        .unwrap();

    // The assignee: the assignment, then the breach; the lead: the breach. Nothing else.
    let messages = sink.wait_for(3).await;
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    let messages_now = sink.messages();
    assert_eq!(messages_now.len(), 3, "{messages_now:#?}");
    let to_kim = to(&messages, "seoyeon.kim@gaok.example.kr");
    let subjects: Vec<&str> = to_kim.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            format!("[Glocal] 요청 {number}의 첫 응답 기한이 지났습니다"),
            format!("[Glocal] 요청 {number}이(가) 배정되었습니다"),
        ],
        "{to_kim:#?}"
    );
    assert!(
        to_kim[0].body.contains("첫 응답 기한"),
        "{}",
        to_kim[0].body
    );
    let to_lee = to(&messages, "junho.lee@gaok.example.kr");
    assert_eq!(to_lee.len(), 1, "{to_lee:#?}");
    assert_eq!(
        to_lee[0].subject,
        format!("[Glocal] Request {number} is overdue for its first response")
    );
    assert!(
        to_lee[0]
            .body
            .contains(&format!("Request {number} missed its first-response time")),
        "{}",
        to_lee[0].body
    );
}

#[tokio::test]
async fn event_notices_name_the_event() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let stack = spawn_stack_with(move |s| s.notifications.smtp_url = Secret::new(url)).await;
    let staff = stack.staff("staff-events");
    let kim =
        stack.official_with_contact("official-seoul", "11000", "minji@seoul.example.kr", "ko");
    let jane =
        stack.official_with_contact("official-busan", "26000", "jane@busan.example.org", "en");

    let input = json!({
        "idempotencyKey": "k-titled-event", "kind": "FORUM",
        "title": { "en": "Forum on local festivals", "ko": "지방축제 포럼" },
        "description": { "en": "Expert presentations, debate and Q&A" },
        "hostCountry": "KR", "hostCity": "Seoul", "hostOrganization": "Governors Association of Korea",
        "venue": "Korea Press Center", "timeZone": "Asia/Seoul",
        "startDate": "2030-08-26", "endDate": "2030-08-27",
        "workingLanguages": ["ko", "en"], "interpretationLanguages": ["en"], "capacity": 1
    });
    let created = stack
        .gql(
            Some(&staff),
            "mutation($input: CreateEventInput!) { createEvent(input: $input) { id version } }",
            json!({ "input": input }),
        )
        .await;
    let mut event = created.data()["createEvent"].clone();
    for action in ["PUBLISH", "OPEN_REGISTRATION"] {
        let changed = stack
            .gql(
                Some(&staff),
                "mutation($input: ChangeEventStateInput!) { changeEventState(input: $input) { id version state } }",
                json!({ "input": { "id": event["id"], "version": event["version"], "action": action } }),
            )
            .await;
        event = changed.data()["changeEventState"].clone();
    }
    let register = "mutation($input: RegisterForEventInput!) { registerForEvent(input: $input) { id version state } }";
    let mine = stack
        .gql(
            Some(&kim),
            register,
            json!({ "input": { "idempotencyKey": "r1", "eventId": event["id"], "kind": "INDIVIDUAL" } }),
        )
        .await;
    let mine = mine.data()["registerForEvent"].clone();
    assert_eq!(mine["state"], "CONFIRMED");
    let waiting = stack
        .gql(
            Some(&jane),
            register,
            json!({ "input": { "idempotencyKey": "r2", "eventId": event["id"], "kind": "INDIVIDUAL" } }),
        )
        .await;
    assert_eq!(waiting.data()["registerForEvent"]["state"], "WAITLISTED");
    let cancelled = stack
        .gql(
            Some(&kim),
            "mutation($input: CancelRegistrationInput!) { cancelRegistration(input: $input) { state } }",
            json!({ "input": { "id": mine["id"], "version": mine["version"] } }),
        )
        .await;
    assert_eq!(cancelled.data()["cancelRegistration"]["state"], "CANCELLED");

    let messages = sink.wait_for(2).await;
    let ko = to(&messages, "minji@seoul.example.kr");
    assert_eq!(
        ko.iter().map(|m| m.subject.as_str()).collect::<Vec<_>>(),
        ["[Glocal] 행사 등록이 확정되었습니다: 지방축제 포럼"]
    );
    assert!(
        ko[0]
            .body
            .contains("지방축제 포럼 참가 자리가 확정되었습니다."),
        "{}",
        ko[0].body
    );
    let en = to(&messages, "jane@busan.example.org");
    assert_eq!(
        en.iter().map(|m| m.subject.as_str()).collect::<Vec<_>>(),
        ["[Glocal] A seat is free for you at Forum on local festivals"]
    );
    assert!(
        en[0].body.starts_with(
            "A seat freed up at Forum on local festivals, an event you are waitlisted for"
        ),
        "{}",
        en[0].body
    );
}
