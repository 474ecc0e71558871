//! Staff reads of personal data end to end (ADR 0039): a staff member reads an applicant's
//! profile and a partner contact's e-mail through the gateway, and a bureau admin then finds
//! both reads in `personalDataReads` with the staff member, the records and the fields; the
//! applicant reading their own application adds nothing; anyone but an admin is refused.

use std::time::Duration;

use glocal_e2e::{Stack, spawn_stack};
use serde_json::{Value, json};

use crate::training::{apply, fellowship, foreign_official, profile};

const LOG: &str = "query($filter: PersonalDataReadFilter) {
  personalDataReads(filter: $filter, first: 20) { totalCount
    edges { node { id actor { subject name } entityType entityId fields operation readAt } } } }";

/// The log's entries `filter` selects, once there are at least `n` (the gateway writes them
/// in the background, after the response).
async fn entries(stack: &Stack, filter: Value, n: usize) -> Vec<Value> {
    let admin = stack.admin();
    let mut last = Vec::new();
    for _ in 0..100 {
        let r = stack
            .gql(Some(&admin), LOG, json!({ "filter": filter }))
            .await;
        last = r.data()["personalDataReads"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"].clone())
            .collect();
        if last.len() >= n {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("fewer than {n} entries for {filter}: {last:#?}");
}

#[tokio::test]
async fn staff_reads_of_personal_data_are_logged_for_admins() {
    let stack = spawn_stack().await;
    let staff = stack.staff("staff-training-park");
    let lan = foreign_official(&stack, "official-danang");
    let (_, edition) = fellowship(&stack, 10).await;
    let edition_id = edition["id"].as_str().unwrap();

    // The applicant applies and reads their own application: not logged.
    let applied = apply(
        &stack,
        &lan,
        "lan-log",
        edition_id,
        profile("Nguyen Thi Lan"),
    )
    .await;
    let app_id = applied.data()["submitApplication"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read_application = "query ReadApplication($id: ID!) {
        application(id: $id) { id profile { kind fullName nationality grade } } }";
    let own = stack
        .gql(Some(&lan), read_application, json!({ "id": app_id }))
        .await;
    assert_eq!(
        own.data()["application"]["profile"]["fullName"],
        "Nguyen Thi Lan"
    );

    // Staff read it: the full name and nationality (the grade is not stated, so not read).
    let seen = stack
        .gql(Some(&staff), read_application, json!({ "id": app_id }))
        .await;
    assert_eq!(seen.data()["application"]["profile"]["nationality"], "VN");

    // Staff record a partner with a contact, then read the contact's e-mail.
    let made = stack
        .gql(
            Some(&staff),
            "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }",
            json!({ "i": {
                "idempotencyKey": "osaka-log", "kind": "FOREIGN_LOCAL_GOVERNMENT",
                "name": { "ja": "大阪市", "en": "Osaka City" }, "originalLanguage": "JA",
                "country": "JP", "public": true, "languages": ["ja"],
                "contacts": [{ "name": "Sato", "email": "sato@example.jp", "languages": ["ja"] }]
            } }),
        )
        .await;
    let org_id = made.data()["createOrganisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let contacts = stack
        .gql(
            Some(&staff),
            "query PartnerContacts($id: ID!) { organisation(id: $id) { contacts { id name email } } }",
            json!({ "id": org_id }),
        )
        .await;
    let contact = contacts.data()["organisation"]["contacts"][0].clone();
    assert_eq!(contact["email"], "sato@example.jp");
    let contact_id = contact["id"].as_str().unwrap();

    // The admin sees both reads, with the staff member, the records and the fields.
    let by_park = entries(&stack, json!({ "actorSubject": "staff-training-park" }), 2).await;
    assert_eq!(by_park.len(), 2, "{by_park:#?}");
    let application = by_park
        .iter()
        .find(|e| e["entityType"] == "TRAINING_APPLICATION")
        .expect("the application's read");
    assert_eq!(application["entityId"], app_id.as_str());
    assert_eq!(
        application["actor"],
        json!({ "subject": "staff-training-park", "name": "Staff staff-training-park" })
    );
    assert_eq!(
        application["fields"],
        json!(["profile.fullName", "profile.nationality"])
    );
    assert_eq!(application["operation"], "ReadApplication");
    assert!(application["readAt"].as_str().is_some());
    let partner = by_park
        .iter()
        .find(|e| e["entityType"] == "PARTNER_CONTACT")
        .expect("the contact's read");
    assert_eq!(partner["entityId"], contact_id);
    assert_eq!(partner["fields"], json!(["email"]));
    assert_eq!(partner["operation"], "PartnerContacts");

    // The application's reads: the staff member's only, not the applicant's own.
    let of_application = entries(
        &stack,
        json!({ "entityType": "TRAINING_APPLICATION", "entityId": app_id }),
        1,
    )
    .await;
    let readers: Vec<&Value> = of_application
        .iter()
        .map(|e| &e["actor"]["subject"])
        .collect();
    assert_eq!(readers, [&json!("staff-training-park")]);

    // Only bureau admins read the log.
    for token in [Some(staff.as_str()), Some(lan.as_str())] {
        let refused = stack.gql(token, LOG, json!({})).await;
        assert_eq!(refused.error_code(), "FORBIDDEN", "{:#}", refused.body);
    }
    let anonymous = stack.gql(None, LOG, json!({})).await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
    // An entity id needs its type.
    let bad = stack
        .gql(
            Some(&stack.admin()),
            LOG,
            json!({ "filter": { "entityId": app_id } }),
        )
        .await;
    assert_eq!(bad.error_code(), "BAD_USER_INPUT");
}
