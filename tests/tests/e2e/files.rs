//! Files on training applications and practices end to end (ADR 0026): a signed upload link
//! from GraphQL, the bytes streamed through the gateway's `/files/upload` route into the
//! owning service (training, research) and object storage (a folder, and a real
//! S3-compatible server on loopback), listed on the application or practice and streamed
//! back through a signed download link; scoping per role, and an expired link refused.

use futures::StreamExt;
use glocal_e2e::{Stack, count_rows_in, spawn_stack, spawn_stack_with};
use glocal_kit::testing::S3Server;
use serde_json::{Value, json};
use sha2::Digest;

use crate::research::publish;
use crate::training::{apply, fellowship, foreign_official, profile};

const APPLICATION_UPLOAD: &str = "mutation($input: CreateApplicationFileUploadInput!) { createApplicationFileUpload(input: $input) { url method expiresAt maxBytes } }";
const PRACTICE_UPLOAD: &str = "mutation($input: CreatePracticeFileUploadInput!) { createPracticeFileUpload(input: $input) { url method maxBytes } }";
const APPLICATION_FILES: &str = "query($id: ID!) { application(id: $id) { id files { id fileName sizeBytes mediaType sha256 uploadedBy { subject } uploadedAt downloadUrl } } }";
const PRACTICE_FILES: &str = "query($id: ID!) { practice(id: $id) { id tombstone files { id fileName sizeBytes mediaType sha256 downloadUrl } } }";

/// A PDF-looking file of `size` bytes, sent in 64 KiB chunks.
pub(crate) fn pdf_stream(size: usize) -> reqwest::Body {
    let chunks = (0..size.div_ceil(65_536)).map(move |i| {
        let start = i * 65_536;
        let len = 65_536.min(size - start);
        let mut chunk = vec![b'p'; len];
        if i == 0 {
            chunk[..9].copy_from_slice(b"%PDF-1.7\n");
        }
        Ok::<_, std::io::Error>(chunk)
    });
    reqwest::Body::wrap_stream(futures::stream::iter(chunks))
}

fn pdf_sha256(size: usize) -> String {
    let mut content = b"%PDF-1.7\n".to_vec();
    content.resize(size, b'p');
    sha2::Sha256::digest(&content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `PUT` to `url`, an absolute link the API answered.
pub(crate) async fn put(stack: &Stack, url: &str, body: reqwest::Body) -> (u16, Value) {
    let resp = stack
        .http()
        .put(url)
        .body(body)
        .send()
        .await
        .expect("gateway reachable");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("a JSON answer"))
}

/// Downloads `url` and answers (status, bytes received, their SHA-256).
async fn fetch(stack: &Stack, url: &str) -> (u16, usize, String) {
    let resp = stack.http().get(url).send().await.unwrap();
    let status = resp.status().as_u16();
    let mut hasher = sha2::Sha256::new();
    let mut got = 0;
    let mut body = resp.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        got += chunk.len();
        hasher.update(&chunk);
    }
    let digest = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (status, got, digest)
}

/// An application of a fresh fellowship by `token`.
async fn application(stack: &Stack, token: &str, key: &str) -> String {
    let (_, edition) = fellowship(stack, 5).await;
    let a = apply(
        stack,
        token,
        key,
        edition["id"].as_str().unwrap(),
        profile("Lan"),
    )
    .await;
    a.data()["submitApplication"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn application_link(
    stack: &Stack,
    token: Option<&str>,
    id: &str,
    name: &str,
) -> glocal_e2e::Gql {
    stack
        .gql(
            token,
            APPLICATION_UPLOAD,
            json!({ "input": { "applicationId": id, "fileName": name } }),
        )
        .await
}

async fn papers_round_trip(stack: &Stack, size: usize) {
    let lan = foreign_official(stack, "lan");
    let id = application(stack, &lan, "files-e2e").await;
    let link = application_link(stack, Some(&lan), &id, "여권 사본.pdf").await;
    let link = &link.data()["createApplicationFileUpload"];
    assert_eq!(link["method"], "PUT");
    let url = link["url"].as_str().unwrap();
    let (status, kept) = put(stack, url, pdf_stream(size)).await;
    assert_eq!(status, 201, "{kept:#}");
    let kept = &kept["data"]["attachment"];
    assert_eq!(kept["ownerId"], id.as_str());
    assert_eq!(kept["sizeBytes"], size);
    assert_eq!(kept["mediaType"], "application/pdf");
    assert_eq!(kept["sha256"], pdf_sha256(size));

    // The applicant and bureau staff list and fetch it.
    for token in [
        lan.clone(),
        stack.staff("staff-training-kim"),
        stack.admin(),
    ] {
        let listed = stack
            .gql(Some(&token), APPLICATION_FILES, json!({ "id": id }))
            .await;
        let files = listed.data()["application"]["files"].clone();
        assert_eq!(files.as_array().unwrap().len(), 1, "{files:#}");
        assert_eq!(files[0]["fileName"], "여권 사본.pdf");
        assert_eq!(files[0]["uploadedBy"]["subject"], "lan");
        let (status, got, digest) = fetch(stack, files[0]["downloadUrl"].as_str().unwrap()).await;
        assert_eq!((status, got), (200, size));
        assert_eq!(digest, pdf_sha256(size));
    }
    assert_eq!(
        count_rows_in(&stack.training_db, "application_file").await,
        1
    );
}

#[tokio::test]
async fn an_applicants_paper_goes_up_and_down_on_a_folder() {
    let stack = spawn_stack().await;
    papers_round_trip(&stack, 2 * 1024 * 1024 + 3).await;
}

#[tokio::test]
async fn an_applicants_paper_goes_up_and_down_into_s3() {
    let s3 = S3Server::start().await;
    let stack = spawn_stack_with(|s| s.storage = s3.settings()).await;
    // More than one part of the service's writer: a multipart upload into the bucket.
    papers_round_trip(&stack, 7 * 1024 * 1024 + 3).await;
}

#[tokio::test]
async fn papers_are_scoped_like_the_application() {
    let stack = spawn_stack().await;
    let lan = foreign_official(&stack, "lan");
    let minh = foreign_official(&stack, "minh");
    let id = application(&stack, &lan, "files-scope").await;
    let url = application_link(&stack, Some(&lan), &id, "cv.pdf")
        .await
        .data()["createApplicationFileUpload"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(put(&stack, &url, pdf_stream(1000)).await.0, 201);

    // Another applicant neither adds, lists nor fetches.
    assert_eq!(
        application_link(&stack, Some(&minh), &id, "x.pdf")
            .await
            .error_code(),
        "NOT_FOUND"
    );
    let theirs = stack
        .gql(Some(&minh), APPLICATION_FILES, json!({ "id": id }))
        .await;
    assert_eq!(theirs.error_code(), "NOT_FOUND", "{:#}", theirs.body);
    // Staff read but do not add the applicant's papers; the public gets nothing.
    assert_eq!(
        application_link(
            &stack,
            Some(&stack.staff("staff-training-kim")),
            &id,
            "y.pdf"
        )
        .await
        .error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        application_link(&stack, None, &id, "z.pdf")
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
    // A link for a request's file is not a link for an application's, and the other way.
    let listed = stack
        .gql(Some(&lan), APPLICATION_FILES, json!({ "id": id }))
        .await;
    let download = listed.data()["application"]["files"][0]["downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let (origin, token) = download.split_once("/files/download/").unwrap();
    assert_eq!(origin, stack.base_url, "absolute, on this gateway");
    let (status, _) = put(
        &stack,
        &format!("{origin}/files/upload/{token}"),
        pdf_stream(10),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        count_rows_in(&stack.training_db, "application_file").await,
        1
    );
}

#[tokio::test]
async fn practice_reports_are_staffs_to_add_and_readers_to_fetch() {
    let stack = spawn_stack().await;
    let (author, reviewer) = (stack.staff("staff-lee"), stack.staff("staff-park"));
    let p = publish(&stack, &author, &reviewer, "files-practice").await;
    let id = p["id"].as_str().unwrap();
    let link = |token: Option<String>| {
        let stack = &stack;
        async move {
            stack
                .gql(
                    token.as_deref(),
                    PRACTICE_UPLOAD,
                    json!({ "input": { "practiceId": id, "fileName": "성과 보고서.pdf" } }),
                )
                .await
        }
    };
    for (token, code) in [
        (Some(stack.official("official-seoul", "11000")), "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ] {
        assert_eq!(link(token).await.error_code(), code);
    }
    let url = link(Some(author.clone())).await.data()["createPracticeFileUpload"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let size = 300_001;
    let (status, kept) = put(&stack, &url, pdf_stream(size)).await;
    assert_eq!(status, 201, "{kept:#}");

    // A published practice's reports are for everyone who reads it, anonymous included.
    for token in [None, Some(stack.official("official-busan", "26000"))] {
        let listed = stack
            .gql(token.as_deref(), PRACTICE_FILES, json!({ "id": id }))
            .await;
        let files = listed.data()["practice"]["files"].clone();
        assert_eq!(files.as_array().unwrap().len(), 1, "{files:#}");
        let (status, got, digest) = fetch(&stack, files[0]["downloadUrl"].as_str().unwrap()).await;
        assert_eq!((status, got), (200, size));
        assert_eq!(digest, pdf_sha256(size));
    }
    assert_eq!(count_rows_in(&stack.research_db, "practice_file").await, 1);
}

#[tokio::test]
async fn an_expired_link_is_refused_and_writes_nothing() {
    let stack = spawn_stack_with(|s| s.storage.link_ttl_secs = 1).await;
    let lan = foreign_official(&stack, "lan");
    let id = application(&stack, &lan, "files-expired").await;
    let fresh = application_link(&stack, Some(&lan), &id, "a.pdf")
        .await
        .data()["createApplicationFileUpload"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(put(&stack, &fresh, pdf_stream(100)).await.0, 201);
    let stale = application_link(&stack, Some(&lan), &id, "b.pdf")
        .await
        .data()["createApplicationFileUpload"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let listed = stack
        .gql(Some(&lan), APPLICATION_FILES, json!({ "id": id }))
        .await;
    let download = listed.data()["application"]["files"][0]["downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(fetch(&stack, &download).await.0, 200, "fresh, it works");

    // Past one second and the verifier's five seconds of leeway.
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    let resp = stack.http().get(&download).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{answer:#}"
    );
    let (status, answer) = put(&stack, &stale, pdf_stream(100)).await;
    assert_eq!(status, 401, "{answer:#}");
    assert_eq!(
        count_rows_in(&stack.training_db, "application_file").await,
        1
    );
}
