//! Uploaded files in object storage (ADR 0022), the same way for every service that keeps
//! them: [`FileStore`] opens the configured store (an S3-compatible bucket or a folder,
//! through the `object_store` crate) under the service's own prefix, writes a file as a
//! stream ([`FileWriter`]: bounded buffers, multipart upload past one part, SHA-256 and size
//! counted on the way, abort on failure), reads it back as a stream, and lists objects for
//! the orphan sweeper. [`sniff`] names a file's media type from its first bytes.
//!
//! Which files a service keeps, who may read them and where their metadata lives are the
//! service's business, not this module's.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt, stream::BoxStream};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, buffered::BufWriter, prefix::PrefixStore};
use sha2::{Digest, Sha256};

use crate::config::{Environment, StorageSettings};

/// Bytes buffered before the writer switches to a multipart upload, and the size of each
/// part (S3 wants at least 5 MiB per part but the last).
pub const PART_BYTES: usize = 6 * 1024 * 1024;
/// Parts of one upload in flight at once: a writer holds at most
/// `PART_BYTES * (1 + PARTS_IN_FLIGHT)` bytes.
pub const PARTS_IN_FLIGHT: usize = 2;
/// How many leading bytes [`sniff`] wants to see.
pub const SNIFF_BYTES: usize = 4096;

/// Why storage failed.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    /// The settings do not describe a usable store.
    #[error("storage settings: {0}")]
    Config(String),
    /// The store failed or could not be reached.
    #[error("object storage: {0}")]
    Unavailable(String),
    /// An object that should exist does not.
    #[error("object storage has no object `{0}`")]
    Missing(String),
}

impl From<object_store::Error> for FilesError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { path, .. } => FilesError::Missing(path),
            other => FilesError::Unavailable(other.to_string()),
        }
    }
}

/// A service's files in object storage, under its own prefix.
#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    description: String,
    /// The folder of a filesystem store (where multipart staging files live).
    folder: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("store", &self.description)
            .finish()
    }
}

impl FileStore {
    /// The store `settings` name, under `prefix` (the service's name): an `s3://bucket`
    /// (with `storage.endpoint`, region and credentials), a `file://` URL or a folder, or,
    /// when `storage.url` is empty, the `files` folder under `data_dir` (refused in
    /// production). A folder is created when missing.
    pub fn open(
        settings: &StorageSettings,
        environment: Environment,
        data_dir: &Path,
        prefix: &str,
    ) -> Result<FileStore, FilesError> {
        let url = settings.url.trim();
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, root) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(FilesError::Config("storage.url names no bucket".into()));
            }
            let mut builder = object_store::aws::AmazonS3Builder::new()
                .with_bucket_name(bucket)
                .with_region(settings.region.clone())
                .with_allow_http(settings.allow_http);
            if !settings.endpoint.trim().is_empty() {
                builder = builder.with_endpoint(settings.endpoint.trim());
            }
            if !settings.access_key_id.is_empty() {
                builder = builder
                    .with_access_key_id(settings.access_key_id.expose())
                    .with_secret_access_key(settings.secret_access_key.expose());
            }
            let s3 = builder
                .build()
                .map_err(|e| FilesError::Config(e.to_string()))?;
            let full = join_prefix(root, prefix);
            return Ok(FileStore {
                store: Arc::new(PrefixStore::new(s3, full.as_str())),
                description: format!("s3://{bucket}/{full}"),
                folder: None,
            });
        }
        let folder = match url {
            "" if environment == Environment::Production => {
                return Err(FilesError::Config(
                    "storage.url must be set in production (an s3:// bucket or a mounted folder)"
                        .into(),
                ));
            }
            "" => data_dir.join("files"),
            other => Path::new(other.strip_prefix("file://").unwrap_or(other)).to_path_buf(),
        };
        Self::folder(&folder.join(prefix))
    }

    /// Files in `folder` (created when missing).
    pub fn folder(folder: &Path) -> Result<FileStore, FilesError> {
        std::fs::create_dir_all(folder)
            .map_err(|e| FilesError::Config(format!("cannot create {}: {e}", folder.display())))?;
        let local = object_store::local::LocalFileSystem::new_with_prefix(folder)
            .map_err(|e| FilesError::Config(e.to_string()))?
            .with_automatic_cleanup(true);
        Ok(FileStore {
            store: Arc::new(local),
            description: folder.display().to_string(),
            folder: Some(folder.to_path_buf()),
        })
    }

    /// Where the files are (a folder or `s3://bucket/prefix`), for logs.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// A writer of a new object at `key`.
    pub fn writer(&self, key: &str) -> FileWriter {
        FileWriter {
            inner: Some(
                BufWriter::with_capacity(self.store.clone(), ObjectPath::from(key), PART_BYTES)
                    .with_max_concurrency(PARTS_IN_FLIGHT),
            ),
            hasher: Sha256::new(),
            size: 0,
        }
    }

    /// The object at `key` as a stream of chunks.
    pub async fn read(
        &self,
        key: &str,
    ) -> Result<BoxStream<'static, Result<Bytes, FilesError>>, FilesError> {
        let got = self.store.get(&ObjectPath::from(key)).await?;
        Ok(got.into_stream().map_err(FilesError::from).boxed())
    }

    /// Removes the object at `key`; a missing object is already removed.
    pub async fn delete(&self, key: &str) -> Result<(), FilesError> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes `bytes` at `key` in one piece (tests and the sweeper's own checks).
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), FilesError> {
        self.store.put(&ObjectPath::from(key), bytes.into()).await?;
        Ok(())
    }

    /// The keys of every object last modified before `cutoff`.
    pub async fn keys_older_than(&self, cutoff: DateTime<Utc>) -> Result<Vec<String>, FilesError> {
        let mut listed = self.store.list(None);
        let mut keys = Vec::new();
        while let Some(meta) = listed.next().await {
            let meta = meta?;
            if meta.last_modified < cutoff {
                keys.push(meta.location.to_string());
            }
        }
        Ok(keys)
    }
}

impl FileStore {
    /// Removes the multipart staging files of a folder store (`<key>#<n>`, which
    /// `object_store` writes a large file into before renaming it into place, and which
    /// listing never shows) last modified before `cutoff`: what a crash in the middle of an
    /// upload left behind. An S3 bucket has no such files (an aborted multipart upload
    /// is the bucket's lifecycle rule's). Answers how many it removed.
    pub async fn remove_stale_staging(&self, cutoff: DateTime<Utc>) -> Result<usize, FilesError> {
        let Some(folder) = self.folder.clone() else {
            return Ok(0);
        };
        tokio::task::spawn_blocking(move || remove_staging_under(&folder, cutoff))
            .await
            .map_err(|e| FilesError::Unavailable(e.to_string()))?
    }
}

/// Whether `name` is a staging file's name: `<name>#<digits>`.
fn is_staging(name: &str) -> bool {
    name.rsplit_once('#')
        .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn remove_staging_under(folder: &Path, cutoff: DateTime<Utc>) -> Result<usize, FilesError> {
    let io = |e: std::io::Error| FilesError::Unavailable(format!("{}: {e}", folder.display()));
    let mut removed = 0;
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io(e)),
        };
        for entry in entries {
            let entry = entry.map_err(io)?;
            let meta = entry.metadata().map_err(io)?;
            if meta.is_dir() {
                pending.push(entry.path());
                continue;
            }
            let stale = meta
                .modified()
                .map(|m| DateTime::<Utc>::from(m) < cutoff)
                .unwrap_or(false);
            if stale && is_staging(&entry.file_name().to_string_lossy()) {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => {
                        removed += 1;
                        tracing::info!(path = %entry.path().display(), "stale upload staging file removed");
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io(e)),
                }
            }
        }
    }
    Ok(removed)
}

fn join_prefix(root: &str, prefix: &str) -> String {
    let root = root.trim_matches('/');
    if root.is_empty() {
        prefix.to_owned()
    } else {
        format!("{root}/{prefix}")
    }
}

/// A file being written: chunks go in as they arrive, the SHA-256 and the size are counted
/// on the way, and [`finish`](FileWriter::finish) makes the object appear whole (or
/// [`abort`](FileWriter::abort) leaves nothing).
pub struct FileWriter {
    inner: Option<BufWriter>,
    hasher: Sha256,
    size: u64,
}

impl std::fmt::Debug for FileWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileWriter")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// What a finished writer wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Bytes written.
    pub size: u64,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
}

impl FileWriter {
    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends `chunk`.
    pub async fn write(&mut self, chunk: Bytes) -> Result<(), FilesError> {
        self.hasher.update(&chunk);
        self.size += chunk.len() as u64;
        match self.inner.as_mut() {
            Some(w) => Ok(w.put(chunk).await?),
            None => Err(FilesError::Unavailable("writer already finished".into())),
        }
    }

    /// Completes the object.
    pub async fn finish(mut self) -> Result<Written, FilesError> {
        use tokio::io::AsyncWriteExt;
        let mut inner = self
            .inner
            .take()
            .ok_or_else(|| FilesError::Unavailable("writer already finished".into()))?;
        inner
            .shutdown()
            .await
            .map_err(|e| FilesError::Unavailable(e.to_string()))?;
        Ok(Written {
            size: self.size,
            sha256: hex(&self.hasher.finalize()),
        })
    }

    /// Gives up: whatever was uploaded is discarded.
    pub async fn abort(mut self) {
        if let Some(mut inner) = self.inner.take()
            && let Err(error) = inner.abort().await
        {
            tracing::warn!(%error, "aborting a partial upload failed; the sweeper will remove it");
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A media type named from a file's first bytes ([`sniff`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// `%PDF-`.
    Pdf,
    /// PNG signature.
    Png,
    /// JPEG start of image.
    Jpeg,
    /// `GIF87a`/`GIF89a`.
    Gif,
    /// RIFF WEBP.
    Webp,
    /// A ZIP container (Office Open XML, HWPX, OpenDocument, plain ZIP).
    Zip,
    /// An OLE compound file (legacy Word, Excel, PowerPoint, HWP 5).
    Ole,
    /// UTF-8 text without control characters other than tab, line feed, form feed and
    /// carriage return.
    Text,
}

/// The family of `head` (a file's first bytes, up to [`SNIFF_BYTES`]); `None` for anything
/// else (executables, archives other than ZIP, binary data), and for an empty file.
pub fn sniff(head: &[u8]) -> Option<Sniffed> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if head.is_empty() {
        return None;
    }
    if head.starts_with(b"%PDF-") {
        return Some(Sniffed::Pdf);
    }
    if head.starts_with(PNG) {
        return Some(Sniffed::Png);
    }
    if head.starts_with(b"\xFF\xD8\xFF") {
        return Some(Sniffed::Jpeg);
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Some(Sniffed::Gif);
    }
    if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        return Some(Sniffed::Webp);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Some(Sniffed::Zip);
    }
    if head.starts_with(OLE) {
        return Some(Sniffed::Ole);
    }
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // A multi-byte character cut by the end of the head is still text.
        Err(e) if e.error_len().is_none() && head.len() - e.valid_up_to() < 4 => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return None,
    };
    let clean = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
    clean.then_some(Sniffed::Text)
}

impl Sniffed {
    /// The media type of a file of this family named `file_name`: the name refines a
    /// container (a ZIP named `.docx` is a Word document) but never changes the family.
    pub fn media_type(self, file_name: &str) -> &'static str {
        let ext = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match (self, ext.as_str()) {
            (Sniffed::Pdf, _) => "application/pdf",
            (Sniffed::Png, _) => "image/png",
            (Sniffed::Jpeg, _) => "image/jpeg",
            (Sniffed::Gif, _) => "image/gif",
            (Sniffed::Webp, _) => "image/webp",
            (Sniffed::Zip, "docx") => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            (Sniffed::Zip, "xlsx") => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            (Sniffed::Zip, "pptx") => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            (Sniffed::Zip, "hwpx") => "application/hwp+zip",
            (Sniffed::Zip, "odt") => "application/vnd.oasis.opendocument.text",
            (Sniffed::Zip, _) => "application/zip",
            (Sniffed::Ole, "doc") => "application/msword",
            (Sniffed::Ole, "xls") => "application/vnd.ms-excel",
            (Sniffed::Ole, "ppt") => "application/vnd.ms-powerpoint",
            (Sniffed::Ole, "hwp") => "application/x-hwp",
            (Sniffed::Ole, _) => "application/x-ole-storage",
            (Sniffed::Text, "csv") => "text/csv",
            (Sniffed::Text, _) => "text/plain",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_named_by_content_not_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(Sniffed::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Some(Sniffed::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some(Sniffed::Jpeg));
        assert_eq!(sniff(b"PK\x03\x04rest"), Some(Sniffed::Zip));
        assert_eq!(
            sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
            Some(Sniffed::Ole)
        );
        assert_eq!(sniff("번역 요청\r\n".as_bytes()), Some(Sniffed::Text));
        // A Korean character cut in half by the end of the head is still text.
        let cut = &"가나".as_bytes()[..4];
        assert_eq!(sniff(cut), Some(Sniffed::Text));
        assert_eq!(sniff(b"MZ\x90\0\x03\0"), None, "a Windows executable");
        assert_eq!(sniff(b"\x7fELF\x02\x01"), None, "an ELF executable");
        assert_eq!(sniff(b""), None);
        assert_eq!(
            Sniffed::Zip.media_type("보고서.DOCX"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert_eq!(Sniffed::Pdf.media_type("photo.png"), "application/pdf");
        assert_eq!(Sniffed::Ole.media_type("공문.hwp"), "application/x-hwp");
    }

    #[tokio::test]
    async fn a_folder_store_writes_reads_lists_and_aborts() {
        let dir = std::env::temp_dir().join(format!("glocal-files-{}", uuid::Uuid::new_v4()));
        let store = FileStore::folder(&dir).unwrap();
        let mut w = store.writer("r1/a1");
        w.write(Bytes::from_static(b"hello ")).await.unwrap();
        w.write(Bytes::from_static(b"world")).await.unwrap();
        let written = w.finish().await.unwrap();
        assert_eq!(written.size, 11);
        assert_eq!(
            written.sha256,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        let read: Vec<Bytes> = store
            .read("r1/a1")
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(read.concat(), b"hello world");
        let mut aborted = store.writer("r1/a2");
        aborted
            .write(Bytes::from(vec![7u8; PART_BYTES + 1]))
            .await
            .unwrap();
        aborted.abort().await;
        let future = Utc::now() + chrono::Duration::hours(1);
        assert_eq!(store.keys_older_than(future).await.unwrap(), vec!["r1/a1"]);
        store.delete("r1/a1").await.unwrap();
        store.delete("r1/a1").await.unwrap();
        assert!(store.keys_older_than(future).await.unwrap().is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_crashed_uploads_staging_file_is_swept_after_the_grace() {
        let dir = std::env::temp_dir().join(format!("glocal-files-{}", uuid::Uuid::new_v4()));
        let store = FileStore::folder(&dir).unwrap();
        store
            .put("r1/kept", Bytes::from_static(b"kept"))
            .await
            .unwrap();
        // What a process killed in the middle of a multipart upload leaves: the staging
        // file object_store writes into, never listed, never renamed.
        std::fs::create_dir_all(dir.join("r2")).unwrap();
        std::fs::write(dir.join("r2/a1#3"), vec![1u8; 1024]).unwrap();
        std::fs::write(dir.join("r2/a2#notdigits"), b"x").unwrap();
        assert!(is_staging("a1#3") && !is_staging("a2#notdigits") && !is_staging("a3"));
        let future = Utc::now() + chrono::Duration::hours(1);
        let mut listed = store.keys_older_than(future).await.unwrap();
        listed.sort();
        assert_eq!(
            listed,
            vec!["r1/kept", "r2/a2#notdigits"],
            "never the staging file"
        );
        // Within the grace (an upload may still be writing it) it stays.
        let past = Utc::now() - chrono::Duration::hours(1);
        assert_eq!(store.remove_stale_staging(past).await.unwrap(), 0);
        assert!(dir.join("r2/a1#3").exists());
        assert_eq!(store.remove_stale_staging(future).await.unwrap(), 1);
        assert!(!dir.join("r2/a1#3").exists());
        assert!(dir.join("r2/a2#notdigits").exists() && dir.join("r1/kept").exists());
        let _ = std::fs::remove_dir_all(dir);
    }
}
