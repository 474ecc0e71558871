//! Files a service keeps for its own records (ADR 0026 and ADR 0030, after ADR 0022): a
//! request's attachments, a training application's papers, a practice's reports. What is the same for every owner kind lives
//! here: the file's name ([`FileName`]), the limits ([`Limits`]), the media type judged by
//! content ([`media_type_of`]), receiving a stream into storage ([`Shelf::receive`]: sniff,
//! count, hash, abort on any failure), the metadata table (one per service, the same
//! columns: [`create_table`]), the orphan sweep ([`Shelf::sweep`], also removing a folder
//! store's stale multipart staging files) and the gRPC adapter of
//! `glocal.common.v1.FilesService` over any [`FileOwner`] ([`FilesGrpc`]).
//!
//! Who may attach, list and fetch is the owning service's rule: it implements
//! [`FileOwner`] with its own scoping, and NOT_FOUND for an owner the caller may not see.
//! An owner kind may have parts a file goes with (a request's messages); one without parts
//! refuses a part ([`no_part`]). A service whose metadata rows carry more than these
//! columns (requests: the message and whether the file is internal) keeps its own table and
//! its own queries, and still uses the shelf to receive, read and sweep: those key on `id`.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use futures::{Stream, StreamExt, TryStreamExt, stream::BoxStream};
use sea_orm::sea_query::{Expr, Order, Query};
use sea_orm::{ConnectionTrait, DbErr, QueryResult};
use sea_orm_migration::SchemaManager;
use uuid::Uuid;

use crate::caller::Caller;
use crate::config::StorageSettings;
use crate::domain::InvalidInput;
use crate::error::ServiceError;
use crate::files::{FileStore, FilesError, SNIFF_BYTES, sniff};
use crate::i18n::Message;
use crate::migration::{a, big, index, string, table, text, ts, uuid};

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// A file's name as the uploader gave it: 1 to 255 characters, no path, no control
/// characters; field `fileName`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    /// Parses a name.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let name = s.trim();
        let bad = |why: &str| InvalidInput::new("fileName", why);
        if name.is_empty() {
            return Err(bad("is required"));
        }
        let chars = name.chars().count();
        if chars > MAX_FILE_NAME_CHARS {
            return Err(InvalidInput::localized(
                "fileName",
                Message::new("input-too-long")
                    .arg("max", MAX_FILE_NAME_CHARS)
                    .arg("got", chars),
            ));
        }
        if name
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
            || name == "."
            || name == ".."
        {
            return Err(InvalidInput::localized(
                "fileName",
                Message::new("file-name-path"),
            ));
        }
        Ok(FileName(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Limits of uploads to one owner, from `[storage]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file.
    pub max_file_bytes: u64,
    /// Most bytes of all files of one owner.
    pub max_owner_bytes: u64,
    /// Most files of one owner.
    pub max_owner_files: u32,
}

impl Limits {
    /// The limits of `settings`.
    pub fn of(settings: &StorageSettings) -> Self {
        Limits {
            max_file_bytes: settings.max_file_bytes,
            max_owner_bytes: settings.max_owner_bytes,
            max_owner_files: settings.max_owner_files,
        }
    }

    /// The most bytes a new file may have on an owner that holds `files` files of `bytes`
    /// bytes: BAD_USER_INPUT on `file` (`ATTACHMENT_LIMIT`) when the owner is full.
    pub fn room(&self, files: u64, bytes: u64) -> Result<u64, InvalidInput> {
        if files >= u64::from(self.max_owner_files) {
            return Err(InvalidInput::localized(
                "file",
                Message::new("file-limit-count").arg("max", self.max_owner_files),
            ));
        }
        let left = self.max_owner_bytes.saturating_sub(bytes);
        if left == 0 {
            return Err(InvalidInput::localized(
                "file",
                Message::new("file-limit-bytes").arg("max", self.max_owner_bytes),
            ));
        }
        Ok(left.min(self.max_file_bytes))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::of(&StorageSettings::default())
    }
}

/// The refusal of a file larger than `max` bytes.
pub fn too_large(max: u64) -> InvalidInput {
    InvalidInput::localized("file", Message::new("file-too-large").arg("max", max))
}

/// The media type of a file whose first bytes are `head` (up to [`SNIFF_BYTES`], or the
/// whole file when shorter), named `name`: BAD_USER_INPUT on `file` for an empty file
/// (`EMPTY_FILE`) or a type not accepted (`UNSUPPORTED_MEDIA_TYPE`).
pub fn media_type_of(head: &[u8], name: &FileName) -> Result<&'static str, InvalidInput> {
    if head.is_empty() {
        return Err(InvalidInput::localized("file", Message::new("file-empty")));
    }
    let probe = &head[..head.len().min(SNIFF_BYTES)];
    sniff(probe)
        .map(|s| s.media_type(name.as_str()))
        .ok_or_else(|| InvalidInput::localized("file", Message::new("file-unsupported-type")))
}

/// A kept file's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// Id (also the last part of its object key).
    pub id: Uuid,
    /// The owner (request, application, practice) in its text form.
    pub owner_id: String,
    /// The part of the owner it goes with (a request's message); `None`: the owner itself.
    pub part_id: Option<String>,
    /// The uploader's name for it.
    pub file_name: String,
    /// Bytes.
    pub size: u64,
    /// Sniffed media type.
    pub media_type: String,
    /// Lowercase hex SHA-256.
    pub sha256: String,
    /// Uploader's subject.
    pub uploaded_by_subject: String,
    /// Uploader's name.
    pub uploaded_by_name: String,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

impl StoredFile {
    /// The object's key: `<owner id>/<file id>`.
    pub fn object_key(&self) -> String {
        object_key(&self.owner_id, self.id)
    }
}

/// The object key of file `id` of `owner`.
pub fn object_key(owner: &str, id: Uuid) -> String {
    format!("{owner}/{id}")
}

/// What [`Shelf::receive`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The object's key.
    pub key: String,
    /// Bytes.
    pub size: u64,
    /// Lowercase hex SHA-256.
    pub sha256: String,
    /// Sniffed media type.
    pub media_type: &'static str,
}

/// A service's files of one owner kind: its store, its limits and its metadata table.
#[derive(Debug, Clone)]
pub struct Shelf {
    files: FileStore,
    limits: Limits,
    table: &'static str,
}

/// The error type a [`Shelf`] answers in: the owning service's.
pub trait ShelfError: From<InvalidInput> + From<FilesError> + From<DbErr> {}
impl<E: From<InvalidInput> + From<FilesError> + From<DbErr>> ShelfError for E {}

impl Shelf {
    /// Files in `files` under `limits`, their metadata in `table` (made by
    /// [`create_table`]).
    pub fn new(files: FileStore, limits: Limits, table: &'static str) -> Self {
        Shelf {
            files,
            limits,
            table,
        }
    }

    /// The shelf of component `service` as `settings` configure it: its files under its
    /// own prefix of `[storage]`, the limits of `[storage]`, the metadata in `table`.
    pub fn open(
        settings: &crate::Settings,
        service: &str,
        table: &'static str,
    ) -> Result<Self, FilesError> {
        let files = FileStore::open(
            &settings.storage,
            settings.environment,
            &settings.dev.data_dir,
            service,
        )?;
        tracing::info!(store = files.description(), service, "files stored");
        Ok(Shelf::new(files, Limits::of(&settings.storage), table))
    }

    /// The store.
    pub fn files(&self) -> &FileStore {
        &self.files
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The metadata table.
    pub fn table(&self) -> &'static str {
        self.table
    }

    /// The most bytes a new file of `owner` may have, read through `db`; BAD_USER_INPUT
    /// when the owner is full.
    pub async fn room<E: ShelfError>(
        &self,
        db: &impl ConnectionTrait,
        owner: &str,
    ) -> Result<u64, E> {
        let kept = self.of_owners(db, &[owner.to_owned()]).await?;
        let bytes = kept.iter().map(|f| f.size).sum();
        Ok(self.limits.room(kept.len() as u64, bytes)?)
    }

    /// Streams `chunks` into a new object of `owner`, at most `room` bytes: the media type
    /// is sniffed from the first bytes; a file too large, empty, of a refused type, or
    /// whose stream fails is aborted and leaves nothing.
    pub async fn receive<E, S>(
        &self,
        owner: &str,
        id: Uuid,
        name: &FileName,
        room: u64,
        chunks: S,
    ) -> Result<Received, E>
    where
        E: ShelfError,
        S: Stream<Item = Result<Bytes, E>> + Send,
    {
        let key = object_key(owner, id);
        let mut writer = self.files.writer(&key);
        let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
        let mut media_type: Option<&'static str> = None;
        let mut chunks = std::pin::pin!(chunks);
        let outcome: Result<(), E> = async {
            loop {
                let chunk = chunks.next().await.transpose()?;
                let done = chunk.is_none();
                let chunk = chunk.unwrap_or_default();
                if writer.size() + chunk.len() as u64 > room {
                    return Err(too_large(room).into());
                }
                if media_type.is_none() {
                    let want = SNIFF_BYTES.saturating_sub(head.len());
                    head.extend_from_slice(&chunk[..chunk.len().min(want)]);
                    if head.len() >= SNIFF_BYTES || done {
                        media_type = Some(media_type_of(&head, name)?);
                    }
                }
                if !chunk.is_empty() {
                    writer.write(chunk).await?;
                }
                if done {
                    return Ok(());
                }
            }
        }
        .await;
        if let Err(error) = outcome {
            writer.abort().await;
            return Err(error);
        }
        let written = writer.finish().await?;
        Ok(Received {
            key,
            size: written.size,
            sha256: written.sha256,
            media_type: media_type.unwrap_or("application/octet-stream"),
        })
    }

    /// Records `file` through `db` (the owning service's transaction) after checking the
    /// owner's room again: the owner may have filled up while the bytes were on their way.
    pub async fn record<E: ShelfError>(
        &self,
        db: &impl ConnectionTrait,
        file: &StoredFile,
    ) -> Result<(), E> {
        let room = self.room::<E>(db, &file.owner_id).await?;
        if file.size > room {
            return Err(too_large(room).into());
        }
        let insert = Query::insert()
            .into_table(a(self.table))
            .columns(COLUMNS.map(a))
            .values_panic([
                file.id.into(),
                file.owner_id.clone().into(),
                file.file_name.clone().into(),
                i64::try_from(file.size).unwrap_or(i64::MAX).into(),
                file.media_type.clone().into(),
                file.sha256.clone().into(),
                file.uploaded_by_subject.clone().into(),
                file.uploaded_by_name.clone().into(),
                file.uploaded_at.into(),
            ])
            .to_owned();
        db.execute_raw(db.get_database_backend().build(&insert))
            .await?;
        Ok(())
    }

    /// Removes an object [`Shelf::receive`] wrote whose row could not be recorded; a
    /// failure is left to the sweeper.
    pub async fn discard(&self, key: &str) {
        if let Err(error) = self.files.delete(key).await {
            tracing::warn!(%error, key, "removing an unrecorded upload failed; the sweeper will");
        }
    }

    /// The files of `owners`, oldest first.
    pub async fn of_owners(
        &self,
        db: &impl ConnectionTrait,
        owners: &[String],
    ) -> Result<Vec<StoredFile>, DbErr> {
        if owners.is_empty() {
            return Ok(Vec::new());
        }
        use sea_orm::sea_query::ExprTrait;
        let select = Query::select()
            .columns(COLUMNS.map(a))
            .from(a(self.table))
            .and_where(Expr::col(a("owner_id")).is_in(owners.iter().cloned()))
            .order_by(a("seq"), Order::Asc)
            .to_owned();
        let rows = db
            .query_all_raw(db.get_database_backend().build(&select))
            .await?;
        rows.iter().map(to_file).collect()
    }

    /// Removes the rows of every file of `owners` (in the caller's transaction) and answers
    /// the files they named: once that transaction commits, [`Shelf::discard`] each object
    /// (what it fails to remove, the sweeper removes as an orphan).
    pub async fn forget_owners(
        &self,
        db: &impl ConnectionTrait,
        owners: &[String],
    ) -> Result<Vec<StoredFile>, DbErr> {
        let files = self.of_owners(db, owners).await?;
        if files.is_empty() {
            return Ok(files);
        }
        use sea_orm::sea_query::ExprTrait;
        let delete = Query::delete()
            .from_table(a(self.table))
            .and_where(Expr::col(a("id")).is_in(files.iter().map(|f| f.id)))
            .to_owned();
        db.execute_raw(db.get_database_backend().build(&delete))
            .await?;
        Ok(files)
    }

    /// One file by id.
    pub async fn find(
        &self,
        db: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Option<StoredFile>, DbErr> {
        use sea_orm::sea_query::ExprTrait;
        let select = Query::select()
            .columns(COLUMNS.map(a))
            .from(a(self.table))
            .and_where(Expr::col(a("id")).eq(id))
            .to_owned();
        let row = db
            .query_one_raw(db.get_database_backend().build(&select))
            .await?;
        row.as_ref().map(to_file).transpose()
    }

    /// The content of `file`, as a stream of chunks.
    pub async fn read(
        &self,
        file: &StoredFile,
    ) -> Result<BoxStream<'static, Result<Bytes, FilesError>>, FilesError> {
        self.files.read(&file.object_key()).await
    }

    /// Removes every object older than `grace` at `now` that has no row (what a crash
    /// between writing an object and committing its row left behind), and a folder
    /// store's multipart staging files as old (what a crash in the middle of writing left).
    /// Answers how many it removed.
    pub async fn sweep(
        &self,
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
        grace: Duration,
    ) -> Result<usize, SweepError> {
        let cutoff = now - grace;
        let keys = self.files.keys_older_than(cutoff).await?;
        let mut removed = self.files.remove_stale_staging(cutoff).await?;
        for batch in keys.chunks(200) {
            let ids: Vec<Option<Uuid>> = batch
                .iter()
                .map(|k| k.rsplit('/').next().and_then(|id| Uuid::parse_str(id).ok()))
                .collect();
            let known: Vec<Uuid> = ids.iter().flatten().copied().collect();
            let kept = self.existing(db, &known).await?;
            for (key, id) in batch.iter().zip(ids) {
                if id.is_some_and(|id| kept.contains(&id)) {
                    continue;
                }
                self.files.delete(key).await?;
                removed += 1;
                tracing::info!(key, table = self.table, "orphan file removed");
            }
        }
        Ok(removed)
    }

    async fn existing(&self, db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Uuid>, DbErr> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        use sea_orm::sea_query::ExprTrait;
        let select = Query::select()
            .column(a("id"))
            .from(a(self.table))
            .and_where(Expr::col(a("id")).is_in(ids.iter().copied()))
            .to_owned();
        let rows = db
            .query_all_raw(db.get_database_backend().build(&select))
            .await?;
        rows.iter().map(|r| r.try_get::<Uuid>("", "id")).collect()
    }

    /// The sweeper `storage` asks for (see [`Shelf::spawn_sweeper`]): every
    /// `sweep_interval_secs`, removing orphans older than `orphan_grace_secs`; none when the
    /// interval is 0 (another replica sweeps).
    pub fn start_sweeper(
        &self,
        db: sea_orm::DatabaseConnection,
        storage: &StorageSettings,
        shutdown: crate::Shutdown,
    ) -> Option<tokio::task::JoinHandle<()>> {
        (storage.sweep_interval_secs > 0).then(|| {
            self.clone().spawn_sweeper(
                db,
                std::time::Duration::from_secs(storage.sweep_interval_secs),
                Duration::seconds(i64::try_from(storage.orphan_grace_secs).unwrap_or(i64::MAX)),
                shutdown,
            )
        })
    }

    /// Sweeps for orphans every `interval` until `shutdown` (see [`Shelf::sweep`]).
    pub fn spawn_sweeper(
        self,
        db: sea_orm::DatabaseConnection,
        interval: std::time::Duration,
        grace: Duration,
        shutdown: crate::Shutdown,
    ) -> tokio::task::JoinHandle<()> {
        crate::jobs::spawn_every("file_sweeper", interval, shutdown, move || {
            let (shelf, db) = (self.clone(), db.clone());
            async move {
                shelf
                    .sweep(&db, Utc::now(), grace)
                    .await
                    .map(|removed| removed as u64)
            }
        })
    }
}

/// Why a sweep failed.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The store failed.
    #[error(transparent)]
    Files(#[from] FilesError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

const COLUMNS: [&str; 9] = [
    "id",
    "owner_id",
    "file_name",
    "size_bytes",
    "media_type",
    "sha256",
    "uploaded_by_subject",
    "uploaded_by_name",
    "uploaded_at",
];

fn to_file(row: &QueryResult) -> Result<StoredFile, DbErr> {
    Ok(StoredFile {
        id: row.try_get("", "id")?,
        owner_id: row.try_get("", "owner_id")?,
        part_id: None,
        file_name: row.try_get("", "file_name")?,
        size: u64::try_from(row.try_get::<i64>("", "size_bytes")?).unwrap_or_default(),
        media_type: row.try_get("", "media_type")?,
        sha256: row.try_get("", "sha256")?,
        uploaded_by_subject: row.try_get("", "uploaded_by_subject")?,
        uploaded_by_name: row.try_get("", "uploaded_by_name")?,
        uploaded_at: row.try_get("", "uploaded_at")?,
    })
}

/// Creates a service's file metadata table `name` (a migration step): `seq`, `id`
/// (unique), `owner_id`, `file_name`, `size_bytes`, `media_type`, `sha256`,
/// `uploaded_by_subject`, `uploaded_by_name`, `uploaded_at`, indexed by owner.
pub async fn create_table(m: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    m.create_table(table(
        name,
        vec![
            uuid("id").unique_key().to_owned(),
            string("owner_id"),
            text("file_name"),
            big("size_bytes"),
            string("media_type"),
            string("sha256"),
            string("uploaded_by_subject"),
            text("uploaded_by_name"),
            ts("uploaded_at"),
        ],
    ))
    .await?;
    m.create_index(index(
        name,
        &format!("{name}_by_owner"),
        &["owner_id", "seq"],
        false,
    ))
    .await
}

/// Drops a table [`create_table`] made (a migration's `down`).
pub async fn drop_table(m: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    m.drop_table(sea_orm::sea_query::Table::drop().table(a(name)).to_owned())
        .await
}

/// The migration that adds a file metadata table (see [`create_table`]).
#[derive(Debug, Clone, Copy)]
pub struct FileTableMigration {
    /// The migration's name (`mYYYYMMDD_NNNNNN_…`).
    pub name: &'static str,
    /// The table it makes.
    pub table: &'static str,
}

impl sea_orm_migration::MigrationName for FileTableMigration {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl sea_orm_migration::MigrationTrait for FileTableMigration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(m, self.table).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_table(m, self.table).await
    }
}

/// A stream of a file's chunks in the owning service's error.
pub type Chunks<E> = BoxStream<'static, Result<Bytes, E>>;

/// A service that keeps files for its owners (training: applications; research:
/// practices): the four operations of `FilesService`, each with the service's scoping.
pub trait FileOwner: Clone + Send + Sync + 'static {
    /// The service's error.
    type Error: ServiceError + ShelfError + Send + 'static;

    /// Whether the caller may attach `name` to `owner` now, and how many bytes it may have.
    fn check_upload(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        name: &FileName,
    ) -> impl Future<Output = Result<u64, Self::Error>> + Send;

    /// Streams a file into storage and records it.
    fn upload(
        &self,
        caller: Option<&Caller>,
        owner: &str,
        name: FileName,
        chunks: Chunks<Self::Error>,
    ) -> impl Future<Output = Result<StoredFile, Self::Error>> + Send;

    /// [`FileOwner::check_upload`] for a file that goes with `part` of `owner` (a
    /// request's message). An owner kind without parts keeps the default: BAD_USER_INPUT
    /// on `partId`.
    fn check_part_upload(
        &self,
        _caller: Option<&Caller>,
        _owner: &str,
        _part: &str,
        _name: &FileName,
    ) -> impl Future<Output = Result<u64, Self::Error>> + Send {
        async { Err(no_parts().into()) }
    }

    /// [`FileOwner::upload`] of a file that goes with `part` of `owner`; the default
    /// refuses as [`FileOwner::check_part_upload`] does.
    fn upload_to_part(
        &self,
        _caller: Option<&Caller>,
        _owner: &str,
        _part: &str,
        _name: FileName,
        _chunks: Chunks<Self::Error>,
    ) -> impl Future<Output = Result<StoredFile, Self::Error>> + Send {
        async { Err(no_parts().into()) }
    }

    /// The files of the owners in `owners` the caller may see, oldest first.
    fn files_of(
        &self,
        caller: Option<&Caller>,
        owners: &[String],
    ) -> impl Future<Output = Result<Vec<StoredFile>, Self::Error>> + Send;

    /// One file the caller may see and its content; NOT_FOUND otherwise.
    fn download(
        &self,
        caller: Option<&Caller>,
        id: Uuid,
    ) -> impl Future<Output = Result<(StoredFile, Chunks<Self::Error>), Self::Error>> + Send;
}

/// The refusal of a part by an owner kind without parts (BAD_USER_INPUT on `partId`).
pub fn no_parts() -> InvalidInput {
    InvalidInput::localized("partId", crate::i18n::Message::new("file-no-parts"))
}

/// The part a message names: `None` when empty.
fn part_of(raw: &str) -> Option<&str> {
    Some(raw.trim()).filter(|p| !p.is_empty())
}

/// Parses a file id; field `fileId`.
pub fn parse_file_id(s: &str) -> Result<Uuid, InvalidInput> {
    Uuid::parse_str(s.trim()).map_err(|_| InvalidInput::new("fileId", "must be a file id (UUID)"))
}

pub use grpc::FilesGrpc;

mod grpc {
    //! The tonic adapter of `glocal.common.v1.FilesService` over a [`FileOwner`]: proto ⇄
    //! domain, chunk streams both ways, errors to statuses.

    use super::*;
    use crate::grpc::{bad, caller, status, ts};
    use glocal_proto::common::v1 as pb;
    use glocal_proto::common::v1::files_service_server::{FilesService, FilesServiceServer};
    use tonic::{Request, Response, Status, Streaming};

    /// Largest chunk a download message carries.
    const CHUNK_BYTES: usize = 64 * 1024;

    /// The gRPC face of a [`FileOwner`].
    #[derive(Debug, Clone)]
    pub struct FilesGrpc<O> {
        owner: O,
    }

    impl<O: FileOwner> FilesGrpc<O> {
        /// Wraps the service.
        pub fn new(owner: O) -> Self {
            FilesGrpc { owner }
        }

        /// The tonic server for this adapter.
        pub fn into_server(self) -> FilesServiceServer<FilesGrpc<O>> {
            FilesServiceServer::new(self)
        }
    }

    /// A file as the wire carries it.
    pub fn file_to_pb(f: StoredFile) -> pb::StoredFile {
        pb::StoredFile {
            id: f.id.to_string(),
            owner_id: f.owner_id,
            part_id: f.part_id.unwrap_or_default(),
            file_name: f.file_name,
            size_bytes: f.size,
            media_type: f.media_type,
            sha256: f.sha256,
            uploaded_by_subject: f.uploaded_by_subject,
            uploaded_by_name: f.uploaded_by_name,
            uploaded_at: Some(ts(f.uploaded_at)),
        }
    }

    type Download = Pin<Box<dyn Stream<Item = Result<pb::DownloadFileResponse, Status>> + Send>>;

    #[tonic::async_trait]
    impl<O: FileOwner> FilesService for FilesGrpc<O> {
        async fn check_file_upload(
            &self,
            req: Request<pb::CheckFileUploadRequest>,
        ) -> Result<Response<pb::CheckFileUploadResponse>, Status> {
            let caller = caller(&req)?;
            let r = req.get_ref();
            let name = FileName::parse(&r.file_name).map_err(bad)?;
            let owner = r.owner_id.trim();
            let max_bytes = match part_of(&r.part_id) {
                None => self.owner.check_upload(caller.as_ref(), owner, &name).await,
                Some(part) => {
                    self.owner
                        .check_part_upload(caller.as_ref(), owner, part, &name)
                        .await
                }
            }
            .map_err(status)?;
            Ok(Response::new(pb::CheckFileUploadResponse { max_bytes }))
        }

        async fn upload_file(
            &self,
            req: Request<Streaming<pb::UploadFileRequest>>,
        ) -> Result<Response<pb::StoredFile>, Status> {
            use pb::upload_file_request::Part;
            let caller = caller(&req)?;
            let mut parts = req.into_inner();
            let start = match parts.message().await? {
                Some(pb::UploadFileRequest {
                    part: Some(Part::Start(start)),
                }) => start,
                _ => {
                    return Err(bad(InvalidInput::new(
                        "start",
                        "the first message of an upload names its owner and file",
                    )));
                }
            };
            let name = FileName::parse(&start.file_name).map_err(bad)?;
            let chunks = parts
                .map(|part| match part {
                    Ok(pb::UploadFileRequest {
                        part: Some(Part::Chunk(chunk)),
                    }) => Ok(Bytes::from(chunk)),
                    Ok(_) => Err(O::Error::from(InvalidInput::new(
                        "chunk",
                        "only the first message of an upload may name its file",
                    ))),
                    Err(e) => Err(O::Error::from(InvalidInput::localized(
                        "file",
                        crate::i18n::Message::new("file-upload-interrupted")
                            .arg("why", e.message()),
                    ))),
                })
                .boxed();
            let owner = start.owner_id.trim();
            let kept = match part_of(&start.part_id) {
                None => {
                    self.owner
                        .upload(caller.as_ref(), owner, name, chunks)
                        .await
                }
                Some(part) => {
                    self.owner
                        .upload_to_part(caller.as_ref(), owner, part, name, chunks)
                        .await
                }
            }
            .map_err(status)?;
            Ok(Response::new(file_to_pb(kept)))
        }

        async fn list_files(
            &self,
            req: Request<pb::ListFilesRequest>,
        ) -> Result<Response<pb::ListFilesResponse>, Status> {
            let caller = caller(&req)?;
            let found = self
                .owner
                .files_of(caller.as_ref(), &req.get_ref().owner_ids)
                .await
                .map_err(status)?;
            Ok(Response::new(pb::ListFilesResponse {
                files: found.into_iter().map(file_to_pb).collect(),
            }))
        }

        type DownloadFileStream = Download;

        async fn download_file(
            &self,
            req: Request<pb::DownloadFileRequest>,
        ) -> Result<Response<Download>, Status> {
            use pb::download_file_response::Part;
            let caller = caller(&req)?;
            let id = parse_file_id(&req.get_ref().file_id).map_err(bad)?;
            let (found, content) = self
                .owner
                .download(caller.as_ref(), id)
                .await
                .map_err(status)?;
            let head = futures::stream::once(async move {
                Ok(pb::DownloadFileResponse {
                    part: Some(Part::File(file_to_pb(found))),
                })
            });
            let body = content
                .map_err(status)
                .map_ok(|bytes| {
                    let pieces: Vec<Result<pb::DownloadFileResponse, Status>> = bytes
                        .chunks(CHUNK_BYTES)
                        .map(|c| {
                            Ok(pb::DownloadFileResponse {
                                part: Some(Part::Chunk(c.to_vec())),
                            })
                        })
                        .collect();
                    futures::stream::iter(pieces)
                })
                .try_flatten();
            Ok(Response::new(Box::pin(head.chain(body))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_limits_and_types() {
        assert_eq!(
            FileName::parse(" 보고서.pdf ").unwrap().as_str(),
            "보고서.pdf"
        );
        for bad in ["", "  ", "../x", "../etc/passwd", "a\\b", "a\u{0}b", ".."] {
            assert_eq!(
                FileName::parse(bad).unwrap_err().field(),
                "fileName",
                "{bad:?}"
            );
        }
        assert!(FileName::parse(&"가".repeat(256)).is_err());
        let limits = Limits {
            max_file_bytes: 10,
            max_owner_bytes: 25,
            max_owner_files: 3,
        };
        assert_eq!(limits.room(0, 0).unwrap(), 10);
        assert_eq!(limits.room(2, 20).unwrap(), 5);
        assert!(
            limits
                .room(3, 0)
                .unwrap_err()
                .message()
                .starts_with("ATTACHMENT_LIMIT")
        );
        assert!(limits.room(1, 25).is_err());
        let name = FileName::parse("a.pdf").unwrap();
        assert_eq!(
            media_type_of(b"%PDF-1.4", &name).unwrap(),
            "application/pdf"
        );
        assert!(
            media_type_of(b"MZ\x90\0", &name)
                .unwrap_err()
                .message()
                .starts_with("UNSUPPORTED_MEDIA_TYPE")
        );
        assert!(
            media_type_of(b"", &name)
                .unwrap_err()
                .message()
                .starts_with("EMPTY_FILE")
        );
        assert_eq!(no_parts().field(), "partId");
        assert_eq!(part_of(" "), None);
        assert_eq!(part_of(" m "), Some("m"));
    }
}
