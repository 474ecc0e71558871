//! Attachments on real databases and real object storage: every test body runs on
//! PostgreSQL and SQLite, against a folder; the S3 tests run against moto's S3-compatible
//! server started on loopback (a test that cannot start it fails).

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use futures::TryStreamExt;
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::files::FileStore;
use glocal_kit::testing::S3Server;
use glocal_kit::{Caller, Role};
use glocal_requests::domain::{
    AttachmentId, AttachmentLimits, DetailsDraft, FileName, InterpretationDraft, MessageBody,
    RequestId, RequestType, SubmitDraft, TranslationModeKind,
};
use glocal_requests::service::{ServiceRequest, UploadTarget};
use glocal_requests::{Config, OnlineBureau, RequestsError};
use sea_orm::DatabaseConnection;
use sha2::Digest;

struct Env {
    db: DatabaseConnection,
    bureau: OnlineBureau,
    files: FileStore,
    now: Arc<Mutex<DateTime<Utc>>>,
    _s3: Option<S3Server>,
    folder: Option<std::path::PathBuf>,
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(folder) = &self.folder {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

const LIMITS: AttachmentLimits = AttachmentLimits {
    max_file_bytes: 20 * 1024 * 1024,
    max_request_bytes: 30 * 1024 * 1024,
    max_request_files: 4,
};

impl Env {
    /// Files in a fresh folder.
    async fn new(db: DatabaseConnection) -> Env {
        let dir = std::env::temp_dir().join(format!("glocal-attach-{}", uuid::Uuid::new_v4()));
        let mut env = Env::with(db, FileStore::folder(&dir).unwrap(), None).await;
        env.folder = Some(dir);
        env
    }

    /// Files in a bucket of a fresh S3-compatible server.
    async fn s3(db: DatabaseConnection) -> Env {
        let s3 = S3Server::start().await;
        let files = FileStore::open(
            &s3.settings(),
            glocal_kit::config::Environment::Production,
            std::path::Path::new("/nonexistent"),
            "requests",
        )
        .unwrap();
        assert!(
            files.description().starts_with("s3://"),
            "{}",
            files.description()
        );
        Env::with(db, files, Some(s3)).await
    }

    async fn with(db: DatabaseConnection, files: FileStore, s3: Option<S3Server>) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_requests::migrate(&db).await.unwrap();
        assert!(glocal_requests::demo::seed_directory(&db).await.unwrap());
        let start = DateTime::parse_from_rfc3339("2026-12-01T10:00:00+09:00").unwrap();
        let now = Arc::new(Mutex::new(start.with_timezone(&Utc)));
        let clock = now.clone();
        let bureau = OnlineBureau::new(db.clone(), Config::default())
            .with_clock(Arc::new(move || *clock.lock().unwrap()))
            .with_files(files.clone(), LIMITS);
        Env {
            db,
            bureau,
            files,
            now,
            _s3: s3,
            folder: None,
        }
    }

    async fn rows(&self) -> i64 {
        glocal_kit::testing::count_rows(&self.db, "request_attachment").await
    }

    async fn objects(&self) -> Vec<String> {
        self.files
            .keys_older_than(Utc::now() + Duration::days(1))
            .await
            .unwrap()
    }
}

fn official(org: &str) -> Caller {
    Caller::new(
        format!("official-{org}"),
        format!("Official {org}"),
        org,
        [Role::LocalOfficial],
    )
}

fn staff(subject: &str) -> Caller {
    Caller::new(subject, subject, "GAOK", [Role::BureauStaff])
}

async fn translation(env: &Env, who: &Caller, key: &str) -> ServiceRequest {
    let draft = SubmitDraft {
        idempotency_key: key.into(),
        request_type: Some(RequestType::InterpretationTranslation),
        title: format!("Translate {key}"),
        description: "A brochure".into(),
        details: Some(DetailsDraft::InterpretationTranslation(
            InterpretationDraft {
                mode: Some(TranslationModeKind::Translation),
                source_language: "ko".into(),
                target_language: "en".into(),
                document_pages: 10,
                ..InterpretationDraft::default()
            },
        )),
        local_government_code: String::new(),
    };
    env.bureau
        .submit(Some(who), draft.parse().unwrap())
        .await
        .unwrap()
}

fn target(r: &ServiceRequest, message: Option<uuid::Uuid>, name: &str) -> UploadTarget {
    UploadTarget {
        request: r.id,
        message,
        name: FileName::parse(name).unwrap(),
    }
}

/// A PDF-looking file of `size` bytes, in chunks of 64 KiB, made as it is read.
fn pdf(size: usize) -> Vec<Bytes> {
    let mut content = b"%PDF-1.7\n".to_vec();
    content.resize(size, b'x');
    content
        .chunks(64 * 1024)
        .map(Bytes::copy_from_slice)
        .collect()
}

fn stream(chunks: Vec<Bytes>) -> impl futures::Stream<Item = Result<Bytes, RequestsError>> {
    futures::stream::iter(chunks.into_iter().map(Ok))
}

fn assert_code<T: std::fmt::Debug>(r: Result<T, RequestsError>, want: ErrorCode) -> RequestsError {
    let e = r.unwrap_err();
    assert_eq!(e.code(), want, "{e}");
    e
}

fn sha256(chunks: &[Bytes]) -> String {
    let mut h = sha2::Sha256::new();
    for c in chunks {
        h.update(c);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

async fn download(env: &Env, who: &Caller, id: AttachmentId) -> Result<Vec<u8>, RequestsError> {
    let (_, content) = env.bureau.download(Some(who), id).await?;
    let chunks: Vec<Bytes> = content.try_collect().await?;
    Ok(chunks.concat())
}

async fn round_trip(env: &Env, size: usize) {
    let seoul = official("11000");
    let r = translation(env, &seoul, "round-trip").await;
    let chunks = pdf(size);
    let kept = env
        .bureau
        .upload(
            Some(&seoul),
            target(&r, None, "원문.pdf"),
            stream(chunks.clone()),
        )
        .await
        .unwrap();
    assert_eq!(kept.size, size as u64);
    assert_eq!(kept.media_type, "application/pdf");
    assert_eq!(kept.sha256, sha256(&chunks));
    assert_eq!(kept.uploaded_by_subject, "official-11000");
    assert_eq!(kept.message_id, None);
    let listed = env
        .bureau
        .attachments_of(Some(&seoul), &[r.id])
        .await
        .unwrap();
    assert_eq!(listed, vec![kept.clone()]);
    assert_eq!(
        download(env, &seoul, kept.id).await.unwrap(),
        chunks.concat()
    );
    // Staff of the request's department see and fetch it too.
    let kim = staff("staff-interp-kim");
    assert_eq!(download(env, &kim, kept.id).await.unwrap().len(), size);
    let history = env.bureau.get(Some(&seoul), r.id).await.unwrap().history;
    assert!(
        history
            .iter()
            .any(|h| h.action == "attach_file" && h.note == "원문.pdf")
    );
    assert_eq!(env.rows().await, 1);
    assert_eq!(env.objects().await.len(), 1);
}

async fn files_round_trip_on_a_folder(env: Env) {
    round_trip(&env, 300 * 1024).await;
}

async fn files_round_trip_on_s3_in_several_parts(env: Env) {
    // Past two parts of the writer: a real multipart upload.
    round_trip(&env, 13 * 1024 * 1024 + 17).await;
}

async fn a_busan_official_neither_lists_nor_fetches_a_seoul_file(env: Env) {
    let seoul = official("11000");
    let busan = official("26000");
    let r = translation(&env, &seoul, "scoped").await;
    let kept = env
        .bureau
        .upload(Some(&seoul), target(&r, None, "a.pdf"), stream(pdf(1000)))
        .await
        .unwrap();
    assert!(
        env.bureau
            .attachments_of(Some(&busan), &[r.id])
            .await
            .unwrap()
            .is_empty()
    );
    let hidden = assert_code(download(&env, &busan, kept.id).await, ErrorCode::NotFound);
    let missing = assert_code(
        download(&env, &busan, AttachmentId::new()).await,
        ErrorCode::NotFound,
    );
    assert_eq!(hidden.to_string(), missing.to_string());
    assert_code(
        env.bureau
            .check_upload(Some(&busan), &target(&r, None, "b.pdf"))
            .await,
        ErrorCode::NotFound,
    );
    assert_code(
        env.bureau
            .upload(Some(&busan), target(&r, None, "b.pdf"), stream(pdf(1000)))
            .await,
        ErrorCode::NotFound,
    );
    // Staff of another department do not see it either.
    let other = staff("staff-exchange-choi");
    assert!(
        env.bureau
            .attachments_of(Some(&other), &[r.id])
            .await
            .unwrap()
            .is_empty()
    );
    assert_code(download(&env, &other, kept.id).await, ErrorCode::NotFound);
    assert_eq!(env.rows().await, 1);
    assert_eq!(env.objects().await.len(), 1);
}

async fn files_of_messages_and_staff_notes(env: Env) {
    let seoul = official("11000");
    let kim = staff("staff-interp-kim");
    let r = translation(&env, &seoul, "notes").await;
    let r = env
        .bureau
        .add_note(
            Some(&kim),
            r.id,
            MessageBody::parse("internal draft").unwrap(),
        )
        .await
        .unwrap();
    let note = r.messages.last().unwrap().id;
    let internal = env
        .bureau
        .upload(
            Some(&kim),
            target(&r, Some(note), "draft.txt"),
            stream(vec![Bytes::from_static("초안 draft\n".as_bytes())]),
        )
        .await
        .unwrap();
    assert_eq!(internal.media_type, "text/plain");
    assert_eq!(internal.message_id, Some(note));
    let r = env
        .bureau
        .send_final_response(
            Some(&kim),
            r.id,
            r.version,
            MessageBody::parse("done").unwrap(),
        )
        .await
        .unwrap();
    let answer = r.messages.last().unwrap().id;
    let translated = env
        .bureau
        .upload(
            Some(&kim),
            target(&r, Some(answer), "translated.pdf"),
            stream(pdf(2000)),
        )
        .await
        .unwrap();
    // The requester sees the final response's file, not the staff note's.
    let seen = env
        .bureau
        .attachments_of(Some(&seoul), &[r.id])
        .await
        .unwrap();
    assert_eq!(seen, vec![translated.clone()]);
    assert_code(
        download(&env, &seoul, internal.id).await,
        ErrorCode::NotFound,
    );
    assert_code(
        env.bureau
            .upload(
                Some(&seoul),
                target(&r, Some(note), "x.pdf"),
                stream(pdf(10)),
            )
            .await,
        ErrorCode::NotFound,
    );
    assert_code(
        env.bureau
            .upload(
                Some(&seoul),
                target(&r, Some(uuid::Uuid::new_v4()), "x.pdf"),
                stream(pdf(10)),
            )
            .await,
        ErrorCode::NotFound,
    );
    assert_eq!(
        env.bureau
            .attachments_of(Some(&kim), &[r.id])
            .await
            .unwrap()
            .len(),
        2
    );
    // A closed request takes no more files.
    let r = env.bureau.get(Some(&seoul), r.id).await.unwrap();
    let r = env
        .bureau
        .close(Some(&seoul), r.id, r.version)
        .await
        .unwrap();
    assert_code(
        env.bureau
            .upload(Some(&seoul), target(&r, None, "late.pdf"), stream(pdf(10)))
            .await,
        ErrorCode::Conflict,
    );
    assert_eq!(env.rows().await, 2);
    assert_eq!(env.objects().await.len(), 2);
}

async fn refused_uploads_leave_nothing(env: Env) {
    let seoul = official("11000");
    let r = translation(&env, &seoul, "refused").await;
    let refused = |e: RequestsError, prefix: &str| {
        assert_eq!(e.code(), ErrorCode::BadUserInput, "{e}");
        assert_eq!(e.field(), Some("file"));
        assert!(e.to_string().contains(prefix), "{e}");
    };
    // Too large, found out in the middle of a multipart upload.
    let e = assert_code(
        env.bureau
            .upload(
                Some(&seoul),
                target(&r, None, "big.pdf"),
                stream(pdf(LIMITS.max_file_bytes as usize + 1)),
            )
            .await,
        ErrorCode::BadUserInput,
    );
    refused(e, "FILE_TOO_LARGE");
    // An executable named like a PDF.
    let mut exe = b"MZ\x90\x00\x03".to_vec();
    exe.resize(10_000, 0);
    let e = env
        .bureau
        .upload(
            Some(&seoul),
            target(&r, None, "invoice.pdf"),
            stream(vec![Bytes::from(exe)]),
        )
        .await
        .unwrap_err();
    refused(e, "UNSUPPORTED_MEDIA_TYPE");
    let e = env
        .bureau
        .upload(Some(&seoul), target(&r, None, "empty.pdf"), stream(vec![]))
        .await
        .unwrap_err();
    refused(e, "EMPTY_FILE");
    // The stream breaks after 7 MiB (a client gone away).
    let mut broken: Vec<Result<Bytes, RequestsError>> =
        pdf(7 * 1024 * 1024).into_iter().map(Ok).collect();
    broken.push(Err(RequestsError::invalid(
        "file",
        "UPLOAD_INTERRUPTED: gone",
    )));
    let e = env
        .bureau
        .upload(
            Some(&seoul),
            target(&r, None, "broken.pdf"),
            futures::stream::iter(broken),
        )
        .await
        .unwrap_err();
    refused(e, "UPLOAD_INTERRUPTED");
    assert_eq!(env.rows().await, 0);
    assert_eq!(env.objects().await, Vec::<String>::new());
    // Per request: at most four files, and at most 30 MiB in all.
    for i in 0..2 {
        env.bureau
            .upload(
                Some(&seoul),
                target(&r, None, &format!("{i}.pdf")),
                stream(pdf(14 * 1024 * 1024)),
            )
            .await
            .unwrap();
    }
    assert_eq!(
        env.bureau
            .check_upload(Some(&seoul), &target(&r, None, "c.pdf"))
            .await
            .unwrap(),
        2 * 1024 * 1024
    );
    let e = env
        .bureau
        .upload(
            Some(&seoul),
            target(&r, None, "c.pdf"),
            stream(pdf(3 * 1024 * 1024)),
        )
        .await
        .unwrap_err();
    refused(e, "FILE_TOO_LARGE");
    for i in 2..4 {
        env.bureau
            .upload(
                Some(&seoul),
                target(&r, None, &format!("{i}.pdf")),
                stream(pdf(10)),
            )
            .await
            .unwrap();
    }
    let e = env
        .bureau
        .upload(Some(&seoul), target(&r, None, "five.pdf"), stream(pdf(10)))
        .await
        .unwrap_err();
    refused(e, "ATTACHMENT_LIMIT");
    assert_eq!(env.rows().await, 4);
    assert_eq!(env.objects().await.len(), 4);
    assert!(FileName::parse("../x").is_err());
    let _ = RequestId::new();
}

async fn the_sweeper_removes_orphans_and_keeps_files(env: Env) {
    let seoul = official("11000");
    let r = translation(&env, &seoul, "sweep").await;
    let kept = env
        .bureau
        .upload(
            Some(&seoul),
            target(&r, None, "kept.pdf"),
            stream(pdf(5000)),
        )
        .await
        .unwrap();
    // What a crash between writing the object and committing its row leaves behind.
    let orphan = format!("{}/{}", r.id.as_uuid(), uuid::Uuid::new_v4());
    env.files
        .put(&orphan, Bytes::from_static(b"%PDF-1.4 orphan"))
        .await
        .unwrap();
    env.files
        .put("stray-object", Bytes::from_static(b"junk"))
        .await
        .unwrap();
    assert_eq!(env.objects().await.len(), 3);
    // Younger than the grace period: an upload may still be on its way.
    assert_eq!(
        env.bureau
            .sweep_orphan_files(Duration::hours(1))
            .await
            .unwrap(),
        0
    );
    *env.now.lock().unwrap() = Utc::now() + Duration::hours(2);
    assert_eq!(
        env.bureau
            .sweep_orphan_files(Duration::hours(1))
            .await
            .unwrap(),
        2
    );
    assert_eq!(env.objects().await, vec![kept.object_key()]);
    assert_eq!(download(&env, &seoul, kept.id).await.unwrap().len(), 5000);
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 2),
    sqlite();
    env: [
        files_round_trip_on_a_folder,
        a_busan_official_neither_lists_nor_fetches_a_seoul_file,
        files_of_messages_and_staff_notes,
        refused_uploads_leave_nothing,
        the_sweeper_removes_orphans_and_keeps_files,
    ]
);

/// The same bodies against the S3-compatible server, on PostgreSQL.
mod s3 {
    use super::*;

    async fn env() -> (glocal_kit::testing::TestDatabase, Env) {
        let test_db = glocal_kit::testing::TestDatabase::postgres().await;
        let db = glocal_kit::db::connect(&test_db.url).await.unwrap();
        (test_db, Env::s3(db).await)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn round_trip_in_several_parts() {
        let (_db, env) = env().await;
        files_round_trip_on_s3_in_several_parts(env).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn scoping() {
        let (_db, env) = env().await;
        a_busan_official_neither_lists_nor_fetches_a_seoul_file(env).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn refused_uploads_leave_nothing_in_the_bucket() {
        let (_db, env) = env().await;
        refused_uploads_leave_nothing(env).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_sweeper_cleans_the_bucket() {
        let (_db, env) = env().await;
        the_sweeper_removes_orphans_and_keeps_files(env).await;
    }
}
