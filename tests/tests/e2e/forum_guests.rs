//! Guest registration for forums end to end (issue 25 point 6, ADR 0049): an anonymous
//! visitor asks for a seat through the real gateway, the notifier e-mails the code in the
//! guest's language (real SMTP on loopback), confirming makes a CONFIRMED registration (or a
//! WAITLISTED one once the forum is full); wrong, used and expired codes, duplicates, the
//! per-address limit and the honeypot are refused with stable reasons and write nothing.

use glocal_e2e::{Gql, SmtpSink, Stack, count_rows_in, spawn_stack_with};
use glocal_kit::config::Secret;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const GUEST: &str = "id eventId state expiresAt registrationId registrationState";

async fn ask(stack: &Stack, event: &Value, email: &str, language: &str, website: &str) -> Gql {
    let q = format!(
        "mutation($input: RegisterAsGuestInput!) {{ registerAsGuest(input: $input) {{ {GUEST} }} }}"
    );
    let input = json!({
        "eventId": event["id"], "name": "Prof. Guest", "email": email,
        "affiliation": "Demo University", "language": language, "website": website,
    });
    stack.gql(None, &q, json!({ "input": input })).await
}

async fn confirm(stack: &Stack, token: &str) -> Gql {
    let q =
        format!("mutation($t: String!) {{ confirmGuestRegistration(token: $t) {{ {GUEST} }} }}");
    stack.gql(None, &q, json!({ "t": token })).await
}

fn reason(r: &Gql) -> String {
    r.body["errors"][0]["extensions"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The 64-hex-digit code in a confirmation e-mail.
fn code_in(body: &str) -> String {
    body.split_whitespace()
        .find(|w| w.len() == 64 && w.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("no code in {body}"))
        .to_owned()
}

/// Rows a guest request could write (requests, guests, registrations, events' outbox).
async fn written(stack: &Stack) -> [i64; 4] {
    [
        count_rows_in(&stack.events_db, "guest_registration").await,
        count_rows_in(&stack.events_db, "guest").await,
        count_rows_in(&stack.events_db, "registration").await,
        count_rows_in(&stack.events_db, "outbox").await,
    ]
}

#[tokio::test]
async fn an_anonymous_guest_confirms_by_the_emailed_code() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let stack = spawn_stack_with(move |s| s.notifications.smtp_url = Secret::new(url)).await;
    let staff = stack.staff("staff-events");
    let forum = crate::events::open_event(&stack, &staff, "guest-forum", 1).await;

    // A Japanese-speaking guest asks: pending, no seat held, no code in the answer.
    let asked = ask(&stack, &forum, " Sato@Demo-NPO.jp ", "ja", "").await;
    let pending = asked.data()["registerAsGuest"].clone();
    assert_eq!(pending["state"], "PENDING_CONFIRMATION", "{:#}", asked.body);
    assert!(pending["registrationId"].is_null());
    assert!(!asked.body.to_string().contains("token"));

    // The code arrives by e-mail, in Japanese.
    let mails = sink.wait_for(1).await;
    assert!(
        mails[0].to.contains("sato@demo-npo.jp"),
        "{:?}",
        mails[0].to
    );
    assert!(
        mails[0]
            .subject
            .starts_with("[Glocal] 登録の確認をお願いします"),
        "{}",
        mails[0].subject
    );
    assert!(
        mails[0].body.contains("Forum on local festivals"),
        "{}",
        mails[0].body
    );
    let sato = code_in(&mails[0].body);
    assert!(
        mails[0]
            .body
            .contains(&format!("guest-confirmation?token={sato}"))
    );

    // Confirming takes the only seat.
    let done = confirm(&stack, &sato).await;
    let done = done.data()["confirmGuestRegistration"].clone();
    assert_eq!(done["state"], "CONFIRMED");
    assert_eq!(done["registrationState"], "CONFIRMED");
    // The bureau sees the registration.
    let reg = stack
        .gql(
            Some(&staff),
            "query($id: ID!) { eventRegistration(id: $id) { state attendeeName event { seatsTaken } } }",
            json!({ "id": done["registrationId"] }),
        )
        .await;
    assert_eq!(reg.data()["eventRegistration"]["state"], "CONFIRMED");
    assert_eq!(reg.data()["eventRegistration"]["event"]["seatsTaken"], 1);

    // A Korean-speaking guest after the forum is full: waitlisted.
    let asked = ask(&stack, &forum, "kim@uni.ac.kr", "ko", "").await;
    assert_eq!(
        asked.data()["registerAsGuest"]["state"],
        "PENDING_CONFIRMATION"
    );
    let mails = sink.wait_for(3).await; // Sato's code, Sato's confirmation, Kim's code
    let kims = mails
        .iter()
        .find(|m| m.to.contains("kim@uni.ac.kr"))
        .expect("Kim's code");
    assert!(
        kims.subject.starts_with("[Glocal] 등록을 확인해 주십시오"),
        "{}",
        kims.subject
    );
    let kim = code_in(&kims.body);
    let waiting = confirm(&stack, &kim).await;
    assert_eq!(
        waiting.data()["confirmGuestRegistration"]["registrationState"],
        "WAITLISTED"
    );

    // Refusals with stable reasons, nothing written.
    let before = written(&stack).await;
    let used = confirm(&stack, &sato).await;
    assert_eq!(used.error_code(), "NOT_FOUND");
    assert_eq!(reason(&used), "GUEST_TOKEN_INVALID");
    let wrong = confirm(&stack, &"0".repeat(64)).await;
    assert_eq!(reason(&wrong), "GUEST_TOKEN_INVALID");
    let again = ask(&stack, &forum, "SATO@demo-npo.jp", "ja", "").await;
    assert_eq!(again.error_code(), "CONFLICT");
    assert_eq!(reason(&again), "GUEST_ALREADY_REGISTERED");
    let bot = ask(
        &stack,
        &forum,
        "bot@spam.example",
        "en",
        "http://cheap.example",
    )
    .await;
    assert_eq!(bot.error_code(), "BAD_USER_INPUT");
    assert_eq!(reason(&bot), "GUEST_REJECTED");
    assert_eq!(written(&stack).await, before);

    // Per address: three pending requests at most.
    let mut forums = Vec::new();
    for i in 0..4 {
        forums
            .push(crate::events::open_event(&stack, &staff, &format!("guest-forum-{i}"), 5).await);
    }
    for f in &forums[..3] {
        let r = ask(&stack, f, "busy@uni.ac.kr", "en", "").await;
        assert_eq!(r.data()["registerAsGuest"]["state"], "PENDING_CONFIRMATION");
    }
    let before = written(&stack).await;
    let over = ask(&stack, &forums[3], "busy@uni.ac.kr", "en", "").await;
    assert_eq!(over.error_code(), "CONFLICT");
    assert_eq!(reason(&over), "GUEST_LIMIT_EMAIL");
    assert_eq!(written(&stack).await, before);

    // An expired code (its deadline moved into the past): refused, nothing written.
    let late = ask(&stack, &forums[3], "late@uni.ac.kr", "en", "").await;
    assert_eq!(
        late.data()["registerAsGuest"]["state"],
        "PENDING_CONFIRMATION"
    );
    let mails = sink.wait_for(7).await;
    let lates = mails
        .iter()
        .find(|m| m.to.contains("late@uni.ac.kr"))
        .expect("the late guest's code");
    assert!(
        lates
            .subject
            .starts_with("[Glocal] Confirm your registration"),
        "{}",
        lates.subject
    );
    let late_code = code_in(&lates.body);
    let backend = stack.events_db.get_database_backend();
    stack
        .events_db
        .execute_raw(Statement::from_string(
            backend,
            "UPDATE guest_registration SET expires_at = '2020-01-01T00:00:00Z' \
             WHERE email = 'late@uni.ac.kr'",
        ))
        .await
        .unwrap();
    let before = written(&stack).await;
    let expired = confirm(&stack, &late_code).await;
    assert_eq!(expired.error_code(), "CONFLICT");
    assert_eq!(reason(&expired), "GUEST_TOKEN_EXPIRED");
    assert_eq!(written(&stack).await, before);
}
