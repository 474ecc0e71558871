//! Training programmes end to end: an applicant from application to verified certificate
//! through the gateway, and the rules around it (eligibility with reasons, scoping,
//! capacity and version conflicts, bad input that writes nothing).

use glocal_e2e::{Gql, Stack, count_rows_in, spawn_stack};
use glocal_kit::{Caller, Role};
use serde_json::{Value, json};

const APPLICATION_FIELDS: &str =
    "id state version currentStage editionTerm programmeKind relationship
  programmeTitle(lang: EN) certificateCode waitlistPosition
  profile { fullName nationality grade }
  participation { hostCode mentor joinedOn leftOn host { code name(lang: EN) } }
  history { action from to actorSubject note }";

pub(crate) fn foreign_official(stack: &Stack, sub: &str) -> String {
    stack.token(&Caller::new(
        sub,
        format!("Official {sub}"),
        "VN-DN",
        [Role::LocalOfficial],
    ))
}

pub(crate) fn profile(name: &str) -> Value {
    json!({
        "kind": "OFFICIAL",
        "fullName": name,
        "nationality": "VN",
        "organisationType": "FOREIGN_LOCAL_GOVERNMENT",
        "organisation": "Da Nang City People's Committee",
        "languages": ["en"],
    })
}

/// A published fellowship whose application window is always open (the tests cannot move
/// the gateway's clock), running April to September 2100.
pub(crate) async fn fellowship(stack: &Stack, capacity: i64) -> (String, Value) {
    let admin = stack.admin();
    let p = stack
        .gql(
            Some(&admin),
            "mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { id kind published } }",
            json!({ "input": {
                "idempotencyKey": "k2h",
                "kind": "INVITATION_FELLOWSHIP",
                "title": { "en": "Training Program for Foreign Public Officials (K2H)", "ko": "외국 지방공무원 초청 연수" },
                "published": true,
            } }),
        )
        .await;
    let programme_id = p.data()["createProgramme"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let e = stack
        .gql(
            Some(&admin),
            "mutation($input: CreateEditionInput!) { createEdition(input: $input) {
                id term version capacity hostCodes hosts { code name(lang: EN) }
                costPolicy { stipends { payer monthly { amountMinor currency } } }
                stages { number name } } }",
            json!({ "input": {
                "idempotencyKey": format!("k2h-2100-{capacity}"),
                "programmeId": programme_id,
                "term": "2100",
                "startsOn": "2100-04-01",
                "endsOn": "2100-09-30",
                "applicationsOpenOn": "2000-01-01",
                "applicationsCloseOn": "2100-03-31",
                "capacity": capacity,
                "languages": ["en", "ko"],
                "eligibility": { "organisationTypes": ["FOREIGN_LOCAL_GOVERNMENT"], "nationality": "FOREIGN" },
                "stipends": [
                    { "payer": "ASSOCIATION", "monthlyAmountMinor": 400000, "currency": "KRW" },
                    { "payer": "HOST_LOCAL_GOVERNMENT", "monthlyAmountMinor": 400000, "currency": "KRW" },
                ],
                "costs": [
                    { "payer": "ASSOCIATION", "item": "medical and accident insurance" },
                    { "payer": "HOST_LOCAL_GOVERNMENT", "item": "accommodation" },
                ],
                "hostCodes": ["26000", "11000"],
                "published": true,
            } }),
        )
        .await;
    (programme_id, e.data()["createEdition"].clone())
}

pub(crate) async fn apply(
    stack: &Stack,
    token: &str,
    key: &str,
    edition_id: &str,
    profile: Value,
) -> Gql {
    let q = format!(
        "mutation($input: SubmitApplicationInput!) {{ submitApplication(input: $input) {{ {APPLICATION_FIELDS} }} }}"
    );
    stack
        .gql(
            Some(token),
            &q,
            json!({ "input": {
                "idempotencyKey": key,
                "editionId": edition_id,
                "profile": profile,
                "answers": [{ "question": "Why do you apply?", "answer": "A smart-port project with Busan." }],
            } }),
        )
        .await
}

/// Runs `name(input: $input)` returning an application.
async fn act(stack: &Stack, token: &str, name: &str, input_type: &str, input: Value) -> Gql {
    let q = format!(
        "mutation($input: {input_type}!) {{ {name}(input: $input) {{ {APPLICATION_FIELDS} }} }}"
    );
    stack.gql(Some(token), &q, json!({ "input": input })).await
}

fn field<'a>(gql: &'a Gql, name: &str) -> &'a Value {
    &gql.data()[name]
}

fn version(app: &Value) -> i64 {
    app["version"].as_i64().unwrap()
}

/// Screened into review: a fellowship application naming no partner organisation is held
/// by the relationship rule (ADR 0051), so staff confirm it between start and pass.
async fn screened(stack: &Stack, admin: &str, app: Value) -> Value {
    let start = |app: &Value, outcome: &str| json!({ "id": app["id"], "version": version(app), "outcome": outcome });
    let r = act(
        stack,
        admin,
        "screenApplication",
        "ScreenApplicationInput",
        start(&app, "START"),
    )
    .await;
    let mut app = field(&r, "screenApplication").clone();
    if app["relationship"] == "UNCONFIRMED" {
        let r = act(
            stack,
            admin,
            "confirmRelationship",
            "ConfirmRelationshipInput",
            json!({ "id": app["id"], "version": version(&app), "note": "cooperation with Busan confirmed" }),
        )
        .await;
        app = field(&r, "confirmRelationship").clone();
    }
    let r = act(
        stack,
        admin,
        "screenApplication",
        "ScreenApplicationInput",
        start(&app, "PASS"),
    )
    .await;
    field(&r, "screenApplication").clone()
}

/// Applied, screened and accepted; returns the accepted application.
async fn accepted(stack: &Stack, token: &str, key: &str, edition_id: &str, name: &str) -> Value {
    let admin = stack.admin();
    let a = apply(stack, token, key, edition_id, profile(name)).await;
    let mut app = field(&a, "submitApplication").clone();
    app = screened(stack, &admin, app).await;
    let r = act(
        stack,
        &admin,
        "decideApplication",
        "DecideApplicationInput",
        json!({ "id": app["id"], "version": version(&app), "decision": "ACCEPT", "note": "Welcome" }),
    )
    .await;
    field(&r, "decideApplication").clone()
}

#[tokio::test]
async fn an_applicant_goes_from_application_to_a_verified_certificate() {
    let stack = spawn_stack().await;
    let admin = stack.admin();
    let lan = foreign_official(&stack, "official-danang");
    let (_, edition) = fellowship(&stack, 60).await;
    let edition_id = edition["id"].as_str().unwrap();
    assert_eq!(edition["stages"][0]["name"], "Review");
    // Host local governments come from the requests service's directory, by code.
    assert_eq!(edition["hosts"][0]["name"], "Busan Metropolitan City");

    // The public sees the published programme and its edition, in Korean when asked.
    let public = stack
        .gql(
            None,
            "{ programmes { totalCount edges { node { kind title(lang: KO) editions { term capacity } } } } }",
            json!({}),
        )
        .await;
    let programmes = &public.data()["programmes"];
    assert_eq!(programmes["totalCount"], 1);
    assert_eq!(
        programmes["edges"][0]["node"]["title"],
        "외국 지방공무원 초청 연수"
    );
    assert_eq!(
        programmes["edges"][0]["node"]["editions"][0]["term"],
        "2100"
    );

    // Before applying, the applicant can check; then apply.
    let check = stack
        .gql(
            Some(&lan),
            "query($e: ID!, $p: ApplicantProfileInput!) { checkEligibility(editionId: $e, profile: $p) { eligible failures { rule } } }",
            json!({ "e": edition_id, "p": profile("Nguyen Thi Lan") }),
        )
        .await;
    assert_eq!(check.data()["checkEligibility"]["eligible"], true);
    let app = accepted(&stack, &lan, "lan-2100", edition_id, "Nguyen Thi Lan").await;
    assert_eq!(app["state"], "ACCEPTED");
    let id = app["id"].as_str().unwrap().to_owned();
    let actions: Vec<&str> = app["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "submit",
            "start_screening",
            "confirm_relationship",
            "pass_screening",
            "accept"
        ]
    );

    // Placement in Busan with a mentor, joining two weeks late.
    let placed = act(
        &stack,
        &admin,
        "updateParticipant",
        "UpdateParticipantInput",
        json!({ "id": id, "version": version(&app), "hostCode": "26000", "mentor": "Jung Ha-neul", "joinedOn": "2100-04-16" }),
    )
    .await;
    let p = &field(&placed, "updateParticipant")["participation"];
    assert_eq!(p["host"]["name"], "Busan Metropolitan City");
    assert_eq!(
        (p["joinedOn"].as_str(), p["leftOn"].as_str()),
        (Some("2100-04-16"), Some("2100-09-30"))
    );

    // Stipends: six months from each payer, April pro-rated (15 of 30 days).
    let schedule = stack
        .gql(
            Some(&admin),
            "mutation($id: ID!) { generateStipendSchedule(input: { applicationId: $id }) {
                payments { id version payer period daysPresent amount { amountMinor currency } state }
                totals { amountMinor currency } } }",
            json!({ "id": id }),
        )
        .await;
    let s = &schedule.data()["generateStipendSchedule"];
    let payments = s["payments"].as_array().unwrap();
    assert_eq!(payments.len(), 12);
    assert_eq!(payments[0]["amount"]["amountMinor"], 200_000);
    assert_eq!(payments[0]["daysPresent"], 15);
    assert_eq!(s["totals"][0]["amountMinor"], 2 * (200_000 + 5 * 400_000));
    let approved = stack
        .gql(
            Some(&admin),
            "mutation($input: UpdateStipendPaymentInput!) { updateStipendPayment(input: $input) { state version } }",
            json!({ "input": { "id": payments[0]["id"], "version": payments[0]["version"], "action": "APPROVE" } }),
        )
        .await;
    assert_eq!(approved.data()["updateStipendPayment"]["state"], "APPROVED");
    // The participant sees their schedule too.
    let mine = stack
        .gql(
            Some(&lan),
            "query($id: ID!) { stipendSchedule(applicationId: $id) { payments { state } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        mine.data()["stipendSchedule"]["payments"][0]["state"],
        "APPROVED"
    );

    // The ceremony, attended.
    let session = stack
        .gql(
            Some(&admin),
            "mutation($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id kind } }",
            json!({ "input": {
                "editionId": edition_id, "kind": "CEREMONY", "title": "Certification ceremony",
                "startsAt": "2100-09-30T01:00:00Z", "endsAt": "2100-09-30T04:00:00Z", "location": "Seoul",
            } }),
        )
        .await;
    let session_id = session.data()["scheduleSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let recorded = stack
        .gql(
            Some(&admin),
            "mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) { attendance { participantName status } } }",
            json!({ "input": { "sessionId": session_id, "entries": [{ "applicationId": id, "status": "PRESENT" }] } }),
        )
        .await;
    assert_eq!(
        recorded.data()["recordAttendance"]["attendance"][0]["participantName"],
        "Nguyen Thi Lan"
    );

    // Certificates, then anyone verifies the code.
    let issued = stack
        .gql(
            Some(&admin),
            "mutation($e: ID!) { issueCertificates(input: { editionId: $e }) { issued { code applicationId holderName } skipped { reason } alreadyIssued } }",
            json!({ "e": edition_id }),
        )
        .await;
    let i = &issued.data()["issueCertificates"];
    assert_eq!(i["issued"].as_array().unwrap().len(), 1);
    assert_eq!(i["issued"][0]["applicationId"], id.as_str());
    let code = i["issued"][0]["code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("GLC-"), "{code}");

    let verified = stack
        .gql(
            None,
            "query($c: String!) { verifyCertificate(code: $c) { code holderName programmeTitle(lang: EN) programmeKind editionTerm issuedOn } }",
            json!({ "c": code.to_lowercase() }),
        )
        .await;
    let v = &verified.data()["verifyCertificate"];
    assert_eq!(v["code"], code.as_str());
    assert_eq!(v["holderName"], "Nguyen Thi Lan");
    assert_eq!(
        v["programmeTitle"],
        "Training Program for Foreign Public Officials (K2H)"
    );
    assert_eq!(v["programmeKind"], "INVITATION_FELLOWSHIP");
    assert_eq!(v["editionTerm"], "2100");
    assert!(v["issuedOn"].as_str().unwrap().len() == 10);
    // The public learns nothing more: the type has no other fields.
    let nosy = stack
        .gql(
            None,
            "query($c: String!) { verifyCertificate(code: $c) { applicationId } }",
            json!({ "c": code }),
        )
        .await;
    assert_eq!(nosy.error_code(), "BAD_USER_INPUT");
    let unknown = stack
        .gql(
            None,
            "{ verifyCertificate(code: \"GLC-0000-0000-0000-0000-0000\") { holderName } }",
            json!({}),
        )
        .await;
    assert_eq!(unknown.data()["verifyCertificate"], Value::Null);

    // The participant sees the code on their application.
    let mine = stack
        .gql(
            Some(&lan),
            "query($id: ID!) { application(id: $id) { certificateCode } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(mine.data()["application"]["certificateCode"], code.as_str());

    // Every change left an audit row and an outbox row in the training database.
    assert!(count_rows_in(&stack.training_db, "history").await >= 10);
    assert!(count_rows_in(&stack.training_db, "outbox").await >= 10);
    // The decisions and the certificate name the programme, in four languages, so the
    // applicant's notices can say which (docs/events.md).
    for event in ["ApplicationStateChanged", "CertificateIssued"] {
        let titled = count_rows_in(
            &stack.training_db,
            &format!(
                "outbox WHERE event_type = '{event}' AND CAST(payload AS TEXT) \
                 LIKE '%\"programmeTitle\":{{%\"en\":\"Training Program for Foreign Public Officials (K2H)\"%'"
            ),
        )
        .await;
        assert!(titled >= 1, "{event} names its programme");
    }
    let untitled = count_rows_in(
        &stack.training_db,
        "outbox WHERE event_type IN ('ApplicationStateChanged', 'CertificateIssued') \
         AND CAST(payload AS TEXT) NOT LIKE '%programmeTitle%'",
    )
    .await;
    assert_eq!(untitled, 0);
}

#[tokio::test]
async fn eligibility_scoping_capacity_and_versions() {
    let stack = spawn_stack().await;
    let admin = stack.admin();
    let (_, edition) = fellowship(&stack, 1).await;
    let edition_id = edition["id"].as_str().unwrap();

    // A Korean official is not eligible for the fellowship (foreign officials only); every
    // failed rule is listed, and nothing is written.
    let seoul = stack.official("official-seoul", "11000");
    let outbox_before = count_rows_in(&stack.training_db, "outbox").await;
    let korean = json!({
        "kind": "OFFICIAL", "fullName": "김민지", "nationality": "KR",
        "organisationType": "KOREAN_LOCAL_GOVERNMENT", "organisation": "Seoul", "languages": ["zh"],
    });
    let refused = apply(&stack, &seoul, "k1", edition_id, korean).await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    let ext = &refused.body["errors"][0]["extensions"];
    assert_eq!(ext["field"], "profile.organisationType");
    let rules: Vec<&str> = ext["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["ORGANISATION_TYPE", "NATIONALITY", "LANGUAGE"]);
    assert_eq!(count_rows_in(&stack.training_db, "application").await, 0);
    assert_eq!(
        count_rows_in(&stack.training_db, "outbox").await,
        outbox_before
    );

    // Malformed input names its field.
    let mut bad = profile("Lan");
    bad["grade"] = json!(12);
    let lan = foreign_official(&stack, "official-danang");
    let invalid = apply(&stack, &lan, "k2", edition_id, bad).await;
    assert_eq!(invalid.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        invalid.body["errors"][0]["extensions"]["field"],
        "profile.grade"
    );
    assert_eq!(count_rows_in(&stack.training_db, "application").await, 0);

    // One place: the first is accepted, the second cannot be.
    let first = accepted(&stack, &lan, "lan", edition_id, "Lan").await;
    assert_eq!(first["state"], "ACCEPTED");
    let minh = foreign_official(&stack, "official-hue");
    let second = apply(&stack, &minh, "minh", edition_id, profile("Minh")).await;
    let app = screened(&stack, &admin, field(&second, "submitApplication").clone()).await;
    let full = act(
        &stack,
        &admin,
        "decideApplication",
        "DecideApplicationInput",
        json!({ "id": app["id"], "version": version(&app), "decision": "ACCEPT" }),
    )
    .await;
    assert_eq!(full.error_code(), "CONFLICT");
    // A stale version is a conflict too.
    let stale = act(
        &stack,
        &admin,
        "decideApplication",
        "DecideApplicationInput",
        json!({ "id": app["id"], "version": version(&app) - 1, "decision": "WAITLIST" }),
    )
    .await;
    assert_eq!(stale.error_code(), "CONFLICT");
    let waitlisted = act(
        &stack,
        &admin,
        "decideApplication",
        "DecideApplicationInput",
        json!({ "id": app["id"], "version": version(&app), "decision": "WAITLIST" }),
    )
    .await;
    assert_eq!(
        field(&waitlisted, "decideApplication")["waitlistPosition"],
        1
    );

    // Someone else's application is not found; officials see their own only.
    let peek = stack
        .gql(
            Some(&minh),
            "query($id: ID!) { application(id: $id) { id } }",
            json!({ "id": first["id"] }),
        )
        .await;
    assert_eq!(peek.error_code(), "NOT_FOUND");
    let mine = stack
        .gql(
            Some(&minh),
            "{ applications { totalCount edges { node { id state } } } }",
            json!({}),
        )
        .await;
    assert_eq!(mine.data()["applications"]["totalCount"], 1);
    let anonymous = stack
        .gql(None, "{ applications { totalCount } }", json!({}))
        .await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");

    // The participant withdraws: the first on the waitlist takes the place.
    let withdrawn = act(
        &stack,
        &lan,
        "withdrawApplication",
        "WithdrawApplicationInput",
        json!({ "id": first["id"], "version": version(&first), "reason": "Family reasons" }),
    )
    .await;
    assert_eq!(
        field(&withdrawn, "withdrawApplication")["state"],
        "WITHDRAWN"
    );
    let promoted = stack
        .gql(
            Some(&minh),
            "query($id: ID!) { application(id: $id) { state history { action actorSubject } } }",
            json!({ "id": app["id"] }),
        )
        .await;
    let p = &promoted.data()["application"];
    assert_eq!(p["state"], "ACCEPTED");
    let last = p["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["actorSubject"].as_str()),
        (Some("promote"), Some("system"))
    );
    let e = stack
        .gql(
            None,
            "query($id: ID!) { edition(id: $id) { acceptedCount waitlistedCount } }",
            json!({ "id": edition_id }),
        )
        .await;
    assert_eq!(e.data()["edition"]["acceptedCount"], 1);
    assert_eq!(e.data()["edition"]["waitlistedCount"], 0);
}

#[tokio::test]
async fn codes_off_the_iso_lists_are_refused_with_their_field() {
    let stack = spawn_stack().await;
    let (_, edition) = fellowship(&stack, 2).await;
    let edition_id = edition["id"].as_str().unwrap();
    let lan = foreign_official(&stack, "official-danang");
    for (field, value, at) in [
        ("nationality", json!("QQ"), "profile.nationality"),
        ("languages", json!(["en", "xx"]), "profile.languages[1]"),
    ] {
        let mut bad = profile("Lan");
        bad[field] = value;
        let refused = apply(&stack, &lan, &format!("k-{field}"), edition_id, bad).await;
        assert_eq!(refused.error_code(), "BAD_USER_INPUT", "{:#}", refused.body);
        assert_eq!(refused.body["errors"][0]["extensions"]["field"], at);
    }
    assert_eq!(count_rows_in(&stack.training_db, "application").await, 0);
}

/// Issue 15.6: what the training service tells a person comes in the caller's language
/// (`Accept-Language`), from the catalogue, with its key beside it.
#[tokio::test]
async fn eligibility_reasons_and_bad_input_are_said_in_the_callers_language() {
    use glocal_kit::i18n::{Lang, Message};
    let stack = spawn_stack().await;
    let lan = foreign_official(&stack, "official-danang");
    let (_, edition) = fellowship(&stack, 60).await;
    let edition_id = edition["id"].as_str().unwrap();
    let check = "query($e: ID!, $p: ApplicantProfileInput!) { checkEligibility(editionId: $e, profile: $p) { eligible failures { rule field reason reasonKey } } }";

    // A Korean national applying to a fellowship for foreign nationals, asked in Japanese.
    let mut korean = profile("Kim");
    korean["nationality"] = json!("KR");
    let r = stack
        .gql_in(
            "ja",
            Some(&lan),
            check,
            json!({ "e": edition_id, "p": korean }),
        )
        .await;
    let failure = &r.data()["checkEligibility"]["failures"][0];
    assert_eq!(failure["rule"], "NATIONALITY", "{}", r.body);
    assert_eq!(failure["reasonKey"], "eligibility-foreign-nationals");
    assert_eq!(
        failure["reason"],
        Message::new("eligibility-foreign-nationals").render(Lang::Ja)
    );
    assert_eq!(failure["reason"], "この回は外国籍の方が対象です");
    // Without Accept-Language: English, as before.
    let r = stack
        .gql(Some(&lan), check, json!({ "e": edition_id, "p": korean }))
        .await;
    assert_eq!(
        r.data()["checkEligibility"]["failures"][0]["reason"],
        "this edition is for foreign nationals"
    );

    // Submitting anyway: BAD_USER_INPUT whose reasons are said in Chinese.
    let q = "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }";
    let input = json!({ "input": { "idempotencyKey": "kim-1", "editionId": edition_id, "profile": korean } });
    let r = stack.gql_in("zh-CN", Some(&lan), q, input).await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
    let reasons = &r.body["errors"][0]["extensions"]["reasons"];
    assert_eq!(reasons[0]["reasonKey"], "eligibility-foreign-nationals");
    assert_eq!(reasons[0]["reason"], "该期次仅面向外国国籍人士");

    // A country code that is not on the ISO list: one message per language, each the
    // catalogue's, with the same code and key.
    let mut unlisted = profile("Kim");
    unlisted["nationality"] = json!("QQ");
    let mut seen = std::collections::BTreeSet::new();
    for lang in [Lang::Ko, Lang::Zh, Lang::Ja, Lang::En] {
        let r = stack
            .gql_in(
                lang.as_str(),
                Some(&lan),
                check,
                json!({ "e": edition_id, "p": unlisted }),
            )
            .await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
        let error = &r.body["errors"][0];
        assert_eq!(error["extensions"]["messageKey"], "input-country-code");
        let field = error["extensions"]["field"].as_str().unwrap();
        assert_eq!(
            error["message"].as_str().unwrap(),
            format!(
                "{field}: {}",
                Message::new("input-country-code").render(lang)
            ),
            "{}",
            r.body
        );
        seen.insert(error["message"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
}

/// A programme's period rule through GraphQL (K2H: April–October, once a year): an edition
/// in February is CONFLICT `OUTSIDE_PERIOD`, staff may not set the rule aside, an
/// administrator may, and the edition's history row says so.
#[tokio::test]
async fn a_programme_period_rule_refuses_editions_outside_it() {
    use sea_orm::{ConnectionTrait, Statement};
    let stack = spawn_stack().await;
    let admin = stack.admin();
    let staff = stack.staff("staff-training");
    let p = stack
        .gql(
            Some(&admin),
            "mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) {
                id period { fromMonth toMonth maxDays editionsPerYear } } }",
            json!({ "input": {
                "idempotencyKey": "k2h-period", "kind": "INVITATION_FELLOWSHIP",
                "title": { "en": "K2H" }, "published": true,
                "period": { "fromMonth": 4, "toMonth": 10, "editionsPerYear": 1 },
            } }),
        )
        .await;
    let p = p.data()["createProgramme"].clone();
    assert_eq!(
        p["period"],
        json!({ "fromMonth": 4, "toMonth": 10, "maxDays": null, "editionsPerYear": 1 })
    );
    let mut input = json!({
        "idempotencyKey": "k2h-february", "programmeId": p["id"], "term": "2101",
        "startsOn": "2101-02-01", "endsOn": "2101-07-31",
        "applicationsOpenOn": "2000-01-01", "applicationsCloseOn": "2101-01-15",
        "capacity": 10, "languages": ["en"],
    });
    let q = "mutation($input: CreateEditionInput!) { createEdition(input: $input) { id term } }";
    let refused = stack
        .gql(Some(&staff), q, json!({ "input": input.clone() }))
        .await;
    assert_eq!(refused.error_code(), "CONFLICT");
    assert_eq!(
        refused.body["errors"][0]["extensions"]["reason"],
        "OUTSIDE_PERIOD"
    );
    input["outsidePeriod"] = json!(true);
    let staff_aside = stack
        .gql(Some(&staff), q, json!({ "input": input.clone() }))
        .await;
    assert_eq!(staff_aside.error_code(), "FORBIDDEN");
    assert_eq!(
        staff_aside.body["errors"][0]["extensions"]["reason"],
        "BUREAU_ADMIN_ONLY"
    );
    let held = stack.gql(Some(&admin), q, json!({ "input": input })).await;
    let id: uuid::Uuid = held.data()["createEdition"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let db = &stack.training_db;
    let notes: Vec<String> = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT note FROM history WHERE aggregate_id = $1",
            [id.into()],
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "note").unwrap_or_default())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("outside the programme's period rule (months 4–10, 1 a year)")),
        "{notes:?}"
    );
}

/// Issue 25.4: the speech contest's divisions. Each division has its own reviewers, ranking
/// and cut: TOP_N 1 advances the best of each division, a reviewer limited to one division
/// does not reach the other's applications, and an application must name its division.
#[tokio::test]
async fn contest_divisions_have_their_own_review_cut_and_ranking() {
    let stack = spawn_stack().await;
    let admin = stack.admin();
    let p = stack
        .gql(
            Some(&admin),
            "mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { id } }",
            json!({ "input": {
                "idempotencyKey": "contest",
                "kind": "SPEECH_CONTEST",
                "title": { "en": "Foreign Language Speech Contest" },
                "published": true,
            } }),
        )
        .await;
    let e = stack
        .gql(
            Some(&admin),
            "mutation($input: CreateEditionInput!) { createEdition(input: $input) {
                id divisions stages { number divisionReviewers { subject division } } } }",
            json!({ "input": {
                "idempotencyKey": "contest-2100",
                "programmeId": p.data()["createProgramme"]["id"],
                "term": "2100",
                "startsOn": "2100-05-01",
                "endsOn": "2100-06-30",
                "applicationsOpenOn": "2000-01-01",
                "applicationsCloseOn": "2100-03-31",
                "capacity": 4,
                "languages": ["en", "zh"],
                "divisions": ["en", "zh"],
                "eligibility": { "organisationTypes": ["KOREAN_LOCAL_GOVERNMENT"], "nationality": "KOREAN" },
                "stages": [
                    { "name": "Preliminaries", "cut": "TOP_N", "cutValue": 1, "divisionReviewers": [
                        { "subject": "staff-en", "division": "en" },
                        { "subject": "staff-zh", "division": "zh" },
                    ] },
                    { "name": "Finals", "reviewerSubjects": ["staff-finals"] },
                ],
                "published": true,
            } }),
        )
        .await;
    let edition = &e.data()["createEdition"];
    assert_eq!(edition["divisions"], json!(["en", "zh"]));
    assert_eq!(
        edition["stages"][0]["divisionReviewers"][1],
        json!({ "subject": "staff-zh", "division": "zh" })
    );
    let edition_id = edition["id"].as_str().unwrap();

    let submit = |sub: &'static str, name: &'static str, division: Option<&'static str>| {
        let stack = &stack;
        async move {
            let token = stack.official(sub, "11000");
            let mut input = json!({
                "idempotencyKey": sub,
                "editionId": edition_id,
                "profile": {
                    "kind": "OFFICIAL", "fullName": name, "nationality": "KR",
                    "organisationType": "KOREAN_LOCAL_GOVERNMENT", "organisation": "Seoul",
                    "languages": ["en", "zh"],
                },
            });
            if let Some(d) = division {
                input["division"] = json!(d);
            }
            act(
                stack,
                &token,
                "submitApplication",
                "SubmitApplicationInput",
                input,
            )
            .await
        }
    };
    // Without its division, an application is refused with the field and writes nothing.
    let refused = submit("official-none", "Nobody", None).await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT", "{:#}", refused.body);
    assert_eq!(refused.body["errors"][0]["extensions"]["field"], "division");
    assert_eq!(count_rows_in(&stack.training_db, "application").await, 0);

    // en: Kim 90, Lee 80; zh: Wang 70, Zhao 60.
    let mut apps = Vec::new();
    for (sub, name, division) in [
        ("official-kim", "Kim", "en"),
        ("official-wang", "Wang", "zh"),
        ("official-lee", "Lee", "en"),
        ("official-zhao", "Zhao", "zh"),
    ] {
        let r = submit(sub, name, Some(division)).await;
        let mut app = field(&r, "submitApplication").clone();
        for outcome in ["START", "PASS"] {
            let r = act(
                &stack,
                &admin,
                "screenApplication",
                "ScreenApplicationInput",
                json!({ "id": app["id"], "version": version(&app), "outcome": outcome }),
            )
            .await;
            app = field(&r, "screenApplication").clone();
        }
        apps.push(app);
    }
    let (en, zh) = (stack.staff("staff-en"), stack.staff("staff-zh"));
    async fn review(stack: &Stack, token: &str, app: &Value, score: i64) -> Gql {
        act(
            stack,
            token,
            "reviewApplication",
            "ReviewApplicationInput",
            json!({ "id": app["id"], "stage": 1, "score": score }),
        )
        .await
    }
    // The English reviewer cannot score (nor see) a Chinese speech.
    let other = review(&stack, &en, &apps[1], 100).await;
    assert_eq!(other.error_code(), "NOT_FOUND", "{:#}", other.body);
    for (token, app, score) in [
        (&en, &apps[0], 90),
        (&zh, &apps[1], 70),
        (&en, &apps[2], 80),
        (&zh, &apps[3], 60),
    ] {
        let r = review(&stack, token, app, score).await;
        assert!(r.body["errors"].is_null(), "{:#}", r.body);
    }

    let cut = stack
        .gql(
            Some(&admin),
            "mutation($input: ApplyReviewCutInput!) { applyReviewCut(input: $input) {
                outcomes { applicationId division rank advanced } } }",
            json!({ "input": { "editionId": edition_id, "stage": 1 } }),
        )
        .await;
    let outcomes: Vec<(String, String, i64, bool)> = cut.data()["applyReviewCut"]["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["applicationId"].as_str().unwrap().to_owned(),
                o["division"].as_str().unwrap().to_owned(),
                o["rank"].as_i64().unwrap(),
                o["advanced"].as_bool().unwrap(),
            )
        })
        .collect();
    let id = |i: usize| apps[i]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        outcomes,
        [
            (id(0), "en".to_owned(), 1, true),
            (id(2), "en".to_owned(), 2, false),
            (id(1), "zh".to_owned(), 1, true),
            (id(3), "zh".to_owned(), 2, false),
        ],
        "one advances per division"
    );
}
