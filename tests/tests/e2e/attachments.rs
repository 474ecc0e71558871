//! Attachments end to end (ADR 0022): a signed upload link from GraphQL, the bytes streamed
//! through the gateway's `/files/upload` route into the requests service and object storage
//! (a folder, and a real S3-compatible server on loopback), listed on the request and
//! streamed back through a signed download link; scoping, refusals with stable codes, and
//! nothing left behind by a refused upload.

use futures::StreamExt;
use glocal_e2e::{Stack, spawn_stack, spawn_stack_with};
use glocal_kit::testing::S3Server;
use serde_json::{Value, json};
use sha2::Digest;

use crate::support::{assignee_token, submit};

const UPLOAD: &str = "mutation($input: CreateRequestAttachmentUploadInput!) { createRequestAttachmentUpload(input: $input) { url method expiresAt maxBytes } }";
const FILES: &str = "query($id: ID!) { serviceRequest(id: $id) { id attachments { id messageId fileName sizeBytes mediaType sha256 uploadedBy { subject } uploadedAt downloadUrl } } }";

/// A PDF-looking file of `size` bytes, made as it is sent in 64 KiB chunks: the test never
/// holds it whole either.
fn pdf_stream(size: usize) -> reqwest::Body {
    let chunks = (0..size.div_ceil(65_536)).map(move |i| {
        let start = i * 65_536;
        let len = 65_536.min(size - start);
        let mut chunk = vec![b'x'; len];
        if i == 0 {
            chunk[..9].copy_from_slice(b"%PDF-1.7\n");
        }
        Ok::<_, std::io::Error>(chunk)
    });
    reqwest::Body::wrap_stream(futures::stream::iter(chunks))
}

fn pdf_sha256(size: usize) -> String {
    let mut h = sha2::Sha256::new();
    let mut content = b"%PDF-1.7\n".to_vec();
    content.resize(size, b'x');
    h.update(&content);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

async fn upload_link(stack: &Stack, token: &str, request_id: &str, name: &str) -> glocal_e2e::Gql {
    stack
        .gql(
            Some(token),
            UPLOAD,
            json!({ "input": { "requestId": request_id, "fileName": name } }),
        )
        .await
}

/// `PUT` to `url`, an absolute link the API answered.
async fn put(stack: &Stack, url: &str, body: reqwest::Body) -> (u16, Value) {
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

async fn files(stack: &Stack, token: &str, id: &str) -> glocal_e2e::Gql {
    stack.gql(Some(token), FILES, json!({ "id": id })).await
}

async fn round_trip(stack: &Stack, size: usize) {
    let seoul = stack.official("official-seoul", "11000");
    let r = submit(stack, &seoul, "attach-e2e").await.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap();

    let link = upload_link(stack, &seoul, id, "원문.pdf").await;
    let link = &link.data()["createRequestAttachmentUpload"];
    assert_eq!(link["method"], "PUT");
    assert_eq!(link["maxBytes"], 100.0 * 1024.0 * 1024.0);
    let url = link["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/files/upload/", stack.base_url)),
        "absolute, from gateway.public_url (unset: the listen address): {url}"
    );

    let (status, kept) = put(stack, url, pdf_stream(size)).await;
    assert_eq!(status, 201, "{kept:#}");
    let kept = &kept["data"]["attachment"];
    assert_eq!(kept["sizeBytes"], size);
    assert_eq!(kept["mediaType"], "application/pdf");
    assert_eq!(kept["sha256"], pdf_sha256(size));

    for token in [seoul.clone(), assignee_token(stack, &r).await] {
        let listed = files(stack, &token, id).await;
        let listed = listed.data()["serviceRequest"]["attachments"].clone();
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed:#}");
        let file = &listed[0];
        assert_eq!(file["id"], kept["id"]);
        assert_eq!(file["fileName"], "원문.pdf");
        assert_eq!(file["uploadedBy"]["subject"], "official-seoul");
        assert!(file["messageId"].is_null());
        let resp = stack
            .http()
            .get(file["downloadUrl"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "application/pdf");
        assert_eq!(resp.headers()["content-length"], size.to_string().as_str());
        let disposition = resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.contains("filename*=UTF-8''%EC%9B%90%EB%AC%B8.pdf"),
            "{disposition}"
        );
        let mut hasher = sha2::Sha256::new();
        let mut got = 0;
        let mut body = resp.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.unwrap();
            got += chunk.len();
            hasher.update(&chunk);
        }
        assert_eq!(got, size);
        let digest: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest, pdf_sha256(size));
    }
    assert_eq!(stack.count_rows("request_attachment").await, 1);
}

#[tokio::test]
async fn a_file_goes_up_and_down_through_the_gateway_on_a_folder() {
    let stack = spawn_stack().await;
    round_trip(&stack, 3 * 1024 * 1024 + 5).await;
}

#[tokio::test]
async fn a_file_goes_up_and_down_through_the_gateway_into_s3() {
    let s3 = S3Server::start().await;
    let stack = spawn_stack_with(|s| s.storage = s3.settings()).await;
    // More than two parts of the service's writer: a multipart upload into the bucket.
    round_trip(&stack, 13 * 1024 * 1024 + 5).await;
}

#[tokio::test]
async fn a_busan_official_neither_lists_nor_fetches_nor_adds_a_seoul_file() {
    let stack = spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let busan = stack.official("official-busan", "26000");
    let r = submit(&stack, &seoul, "attach-scope").await.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap();
    let link = upload_link(&stack, &seoul, id, "a.pdf").await;
    let url = link.data()["createRequestAttachmentUpload"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(put(&stack, &url, pdf_stream(1000)).await.0, 201);

    let theirs = upload_link(&stack, &busan, id, "b.pdf").await;
    assert_eq!(theirs.error_code(), "NOT_FOUND");
    assert_eq!(files(&stack, &busan, id).await.error_code(), "NOT_FOUND");
    // Another department's staff neither.
    let other = stack.staff("staff-exchange-choi");
    assert_eq!(
        upload_link(&stack, &other, id, "c.pdf").await.error_code(),
        "NOT_FOUND"
    );
    assert_eq!(files(&stack, &other, id).await.error_code(), "NOT_FOUND");
    // No link for the anonymous public.
    let anonymous = stack
        .gql(
            None,
            UPLOAD,
            json!({ "input": { "requestId": id, "fileName": "d.pdf" } }),
        )
        .await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");

    // Links cannot be forged, swapped or reused for the other direction.
    let listed = files(&stack, &seoul, id).await;
    let download = listed.data()["serviceRequest"]["attachments"][0]["downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let (origin, token) = download.split_once("/files/download/").unwrap();
    assert_eq!(origin, stack.base_url, "absolute, on this gateway");
    let upload = format!("{origin}/files/upload/{token}");
    let (status, answer) = put(&stack, &upload, pdf_stream(10)).await;
    assert_eq!(
        (status, answer["errors"][0]["extensions"]["code"].as_str()),
        (401, Some("UNAUTHENTICATED"))
    );
    let mut forged = token.to_owned();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    let resp = stack
        .http()
        .get(format!("{}/files/download/{forged}", stack.base_url))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let refused: Value = resp.json().await.unwrap();
    assert_eq!(
        refused["errors"][0]["extensions"]["messageKey"], "file-link-invalid",
        "the file routes say their refusals in the caller's language: {refused}"
    );
    assert_eq!(
        refused["errors"][0]["message"],
        "링크가 잘못되었거나 만료되었습니다. 새 링크를 요청하세요"
    );
    assert_eq!(stack.count_rows("request_attachment").await, 1);
}

#[tokio::test]
async fn refused_uploads_answer_stable_codes_and_leave_nothing() {
    let dir = std::env::temp_dir().join(format!("glocal-e2e-refused-{}", uuid::Uuid::new_v4()));
    let folder = dir.display().to_string();
    let stack = spawn_stack_with(|s| {
        s.storage.url = folder;
        s.storage.max_file_bytes = 2 * 1024 * 1024;
        s.storage.max_owner_bytes = 2 * 1024 * 1024;
    })
    .await;
    let seoul = stack.official("official-seoul", "11000");
    let r = submit(&stack, &seoul, "attach-refused").await.data()["submitServiceRequest"].clone();
    let id = r["id"].as_str().unwrap();

    let bad_name = upload_link(&stack, &seoul, id, "../../etc/passwd").await;
    assert_eq!(bad_name.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        bad_name.body["errors"][0]["extensions"]["field"],
        "fileName"
    );

    let link = upload_link(&stack, &seoul, id, "invoice.pdf").await;
    let url = link.data()["createRequestAttachmentUpload"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut exe = b"MZ\x90\x00\x03\x00".to_vec();
    exe.resize(8192, 0);
    let (status, answer) = put(&stack, &url, reqwest::Body::from(exe)).await;
    assert_eq!(status, 400, "{answer:#}");
    let error = &answer["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(error["extensions"]["field"], "file");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("file: UNSUPPORTED_MEDIA_TYPE"),
        "{error:#}"
    );

    let (status, answer) = put(&stack, &url, pdf_stream(2 * 1024 * 1024 + 1)).await;
    assert_eq!(status, 400, "{answer:#}");
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("file: FILE_TOO_LARGE")
    );

    assert_eq!(stack.count_rows("request_attachment").await, 0);
    let left: Vec<_> = walk(&dir);
    assert!(left.is_empty(), "objects left behind: {left:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            let p = e.path();
            if p.is_dir() { walk(&p) } else { vec![p] }
        })
        .collect()
}
