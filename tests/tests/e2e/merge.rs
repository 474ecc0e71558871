//! Merges and links end to end (ADR 0024): staff merge a colleague's duplicate into the
//! original over GraphQL; the duplicate ends MERGED pointing at the original, its reply and
//! file are read (and the file downloaded) from the original by its requester, the
//! duplicate's requester still reads what they filed and where it went, and is told in
//! their language by e-mail through a real SMTP server on loopback; a Busan official sees
//! none of it; history records the merge on both; repeats change nothing; refusals carry a
//! stable reason; parent/child links are made, read and undone.

use glocal_e2e::{Gql, SmtpSink, Stack, spawn_stack_with};
use glocal_kit::config::Secret;
use serde_json::{Value, json};

use crate::support::{assignee_token, submit};

const MERGE: &str =
    "mutation($input: MergeServiceRequestInput!) { mergeServiceRequest(input: $input) {
  id number state version mergedInto { id number } history { action note } } }";

const LINK: &str =
    "mutation($input: LinkServiceRequestsInput!) { linkServiceRequests(input: $input) {
  id children { id number parent { id } } history { action note } } }";

const UNLINK: &str =
    "mutation($input: LinkServiceRequestsInput!) { unlinkServiceRequests(input: $input) {
  id children { id } history { action } } }";

const READ: &str = "query($id: ID!) { serviceRequest(id: $id) {
  id number state version
  responses { body author { subject } }
  history { action note }
  mergedInto { id number state }
  mergedRequests { id number state requester { subject } responses { body }
                   attachments { fileName downloadUrl } history { action } }
  parent { id } children { id } } }";

async fn read(stack: &Stack, token: &str, id: &str) -> Gql {
    stack.gql(Some(token), READ, json!({ "id": id })).await
}

fn reason(answer: &Gql) -> (String, String) {
    let e = &answer.body["errors"][0]["extensions"];
    (
        e["code"].as_str().unwrap_or_default().to_owned(),
        e["reason"].as_str().unwrap_or_default().to_owned(),
    )
}

fn actions(request: &Value) -> Vec<String> {
    request["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_owned())
        .collect()
}

/// Attaches a small PDF to request `id` as `token` through the signed upload link.
async fn attach(stack: &Stack, token: &str, id: &str, name: &str) {
    let link = stack
        .gql(
            Some(token),
            "mutation($input: CreateRequestAttachmentUploadInput!) { createRequestAttachmentUpload(input: $input) { url } }",
            json!({ "input": { "requestId": id, "fileName": name } }),
        )
        .await;
    let url = link.data()["createRequestAttachmentUpload"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let resp = stack
        .http()
        .put(&url)
        .body(b"%PDF-1.7\nthe brochure".to_vec())
        .send()
        .await
        .expect("gateway reachable");
    assert_eq!(resp.status().as_u16(), 201);
}

#[tokio::test]
async fn a_duplicate_is_merged_read_from_the_original_and_its_requester_told() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let stack = spawn_stack_with(move |s| s.notifications.smtp_url = Secret::new(url)).await;
    let kim =
        stack.official_with_contact("official-seoul", "11000", "minji@seoul.example.kr", "ko-KR");
    let jane =
        stack.official_with_contact("official-seoul-2", "11000", "jane@seoul.example.org", "en");
    let busan = stack.official("official-busan", "26000");

    let original =
        submit(&stack, &kim, "k-merge-orig").await.data()["submitServiceRequest"].clone();
    let duplicate =
        submit(&stack, &jane, "k-merge-dup").await.data()["submitServiceRequest"].clone();
    let (orig_id, dup_id) = (
        original["id"].as_str().unwrap(),
        duplicate["id"].as_str().unwrap(),
    );
    let reply = stack
        .gql(
            Some(&jane),
            "mutation($input: ReplyToServiceRequestInput!) { replyToServiceRequest(input: $input) { id } }",
            json!({ "input": { "id": dup_id, "body": "The brochure is attached." } }),
        )
        .await;
    assert!(reply.body["errors"].is_null(), "{:?}", reply.body);
    attach(&stack, &jane, dup_id, "brochure.pdf").await;
    let staff = assignee_token(&stack, &original).await;
    let input = json!({ "input": { "duplicateId": dup_id, "version": duplicate["version"],
                                   "originalId": orig_id, "note": "Same delegation" } });

    // Officials may not merge (Busan's is refused before any service is asked); Busan sees
    // neither request.
    for token in [&busan, &jane] {
        let refused = stack.gql(Some(token), MERGE, input.clone()).await;
        assert_eq!(refused.error_code(), "FORBIDDEN", "{:?}", refused.body);
    }
    // Into itself: refused with a stable reason, in the caller's language.
    let itself = json!({ "input": { "duplicateId": dup_id, "version": duplicate["version"],
                                    "originalId": dup_id } });
    let refused = stack.gql(Some(&staff), MERGE, itself).await;
    assert_eq!(
        reason(&refused),
        ("BAD_USER_INPUT".to_owned(), "MERGE_INTO_ITSELF".to_owned())
    );

    let merged = stack.gql(Some(&staff), MERGE, input.clone()).await;
    let merged = merged.data()["mergeServiceRequest"].clone();
    assert_eq!(merged["state"], "MERGED");
    assert_eq!(merged["mergedInto"]["id"], orig_id);
    assert_eq!(actions(&merged).last().unwrap(), "merge");
    let orig_number = original["number"].as_str().unwrap();
    assert!(
        merged["history"].as_array().unwrap().last().unwrap()["note"]
            .as_str()
            .unwrap()
            .contains(orig_number)
    );
    // Again: nothing changes.
    let again = stack.gql(Some(&staff), MERGE, input).await;
    assert_eq!(
        again.data()["mergeServiceRequest"]["version"],
        merged["version"]
    );
    assert_eq!(
        actions(&again.data()["mergeServiceRequest"]),
        actions(&merged)
    );

    // The original's requester reads the duplicate's reply and file from the original.
    let seen = read(&stack, &kim, orig_id).await;
    let seen = &seen.data()["serviceRequest"];
    assert_eq!(actions(seen).last().unwrap(), "merge_in");
    let folded = &seen["mergedRequests"][0];
    assert_eq!(folded["id"], dup_id);
    assert_eq!(folded["requester"]["subject"], "official-seoul-2");
    assert_eq!(folded["responses"][0]["body"], "The brochure is attached.");
    assert_eq!(folded["attachments"][0]["fileName"], "brochure.pdf");
    let download = folded["attachments"][0]["downloadUrl"].as_str().unwrap();
    let bytes = stack
        .http()
        .get(download)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(bytes.starts_with(b"%PDF-1.7"));
    // So does the original's staff.
    let staff_view = read(&stack, &staff, orig_id).await;
    assert_eq!(
        staff_view.data()["serviceRequest"]["mergedRequests"][0]["id"],
        dup_id
    );

    // The duplicate's requester still reads what they filed, and where it went.
    let own = read(&stack, &jane, dup_id).await;
    let own = &own.data()["serviceRequest"];
    assert_eq!(own["state"], "MERGED");
    assert_eq!(own["mergedInto"]["number"], orig_number);
    assert_eq!(own["responses"][0]["body"], "The brochure is attached.");
    assert_eq!(actions(own).last().unwrap(), "merge");

    // Busan sees neither, nor through the other.
    for id in [orig_id, dup_id] {
        assert_eq!(read(&stack, &busan, id).await.error_code(), "NOT_FOUND");
    }

    // Jane is told in English by e-mail (besides the two registration notices).
    let messages = sink.wait_for(3).await;
    let dup_number = duplicate["number"].as_str().unwrap();
    let told: Vec<_> = messages
        .iter()
        .filter(|m| m.to.contains("jane@seoul.example.org") && m.subject.contains("merged"))
        .collect();
    assert_eq!(told.len(), 1, "{messages:#?}");
    assert_eq!(
        told[0].subject,
        format!("[Glocal] Request {dup_number} was merged into {orig_number}")
    );
    assert!(told[0].body.contains("Same delegation"), "{}", told[0].body);
    assert!(
        told[0]
            .body
            .contains(&format!("https://portal.glocal.test/requests/{orig_id}")),
        "{}",
        told[0].body
    );
    assert!(
        !messages
            .iter()
            .any(|m| m.to.contains("minji@seoul.example.kr") && m.subject.contains("merged")),
        "the original's requester is not told of the merge"
    );
}

#[tokio::test]
async fn staff_link_requests_under_a_parent_and_undo_it() {
    let stack = glocal_e2e::spawn_stack().await;
    let kim = stack.official("official-seoul", "11000");
    let busan = stack.official("official-busan", "26000");
    let visit = submit(&stack, &kim, "k-link-visit").await.data()["submitServiceRequest"].clone();
    let day = submit(&stack, &kim, "k-link-day").await.data()["submitServiceRequest"].clone();
    let (visit_id, day_id) = (visit["id"].as_str().unwrap(), day["id"].as_str().unwrap());
    let staff = assignee_token(&stack, &visit).await;
    let input = json!({ "input": { "parentId": visit_id, "childId": day_id } });

    for token in [&kim, &busan] {
        let refused = stack.gql(Some(token), LINK, input.clone()).await;
        assert_eq!(refused.error_code(), "FORBIDDEN");
    }
    let linked = stack.gql(Some(&staff), LINK, input.clone()).await;
    let linked = &linked.data()["linkServiceRequests"];
    assert_eq!(linked["children"][0]["id"], day_id);
    assert_eq!(linked["children"][0]["parent"]["id"], visit_id);
    assert_eq!(actions(linked).last().unwrap(), "link_child");

    // The requester reads both sides; Busan reads neither.
    let child = read(&stack, &kim, day_id).await;
    let child = &child.data()["serviceRequest"];
    assert_eq!(child["parent"]["id"], visit_id);
    assert_eq!(actions(child).last().unwrap(), "link_parent");
    assert_eq!(read(&stack, &busan, day_id).await.error_code(), "NOT_FOUND");

    // The parent under its own child would be a cycle.
    let cycle = json!({ "input": { "parentId": day_id, "childId": visit_id } });
    assert_eq!(
        reason(&stack.gql(Some(&staff), LINK, cycle).await),
        ("CONFLICT".to_owned(), "LINK_NESTED".to_owned())
    );

    let unlinked = stack.gql(Some(&staff), UNLINK, input).await;
    let unlinked = &unlinked.data()["unlinkServiceRequests"];
    assert_eq!(unlinked["children"], json!([]));
    assert_eq!(actions(unlinked).last().unwrap(), "unlink_child");
    let child = read(&stack, &kim, day_id).await;
    assert!(child.data()["serviceRequest"]["parent"].is_null());
}
