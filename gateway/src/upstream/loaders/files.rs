//! DataLoaders of the files attached to things (ADR 0022, ADR 0026, ADR 0030): a page of N
//! requests, applications or practices whose `attachments` are selected costs one
//! `ListFiles` call of the owning service per kind, not one per item. Files
//! are never cached (who may see them is the caller's scope, and a link is minted per
//! read); every call is a read, retried on UNAVAILABLE (see [`LoaderBase`]).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{Context, Result};
use glocal_proto::common::v1 as files_pb;
use glocal_proto::common::v1::files_service_client::FilesServiceClient;
use tonic::transport::Channel;
use tracing::Instrument;

use crate::upstream::error;
use crate::upstream::loaders::LoaderBase;

/// Loads the files of requests, applications or practices by owner id (`ListFiles` of the
/// owning service).
pub struct OwnedFilesLoader(LoaderBase<FilesServiceClient<Channel>>);

impl Loader<String> for OwnedFilesLoader {
    type Value = Vec<files_pb::StoredFile>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, Vec<files_pb::StoredFile>>, async_graphql::Error> {
        let message = files_pb::ListFilesRequest {
            owner_ids: ids.to_vec(),
        };
        let answer = self
            .0
            .read("ListFiles", message, |mut c, r| async move {
                c.list_files(r).await
            })
            .await
            .map_err(error::remote)?
            .into_inner();
        let mut by_owner: HashMap<String, Vec<files_pb::StoredFile>> =
            ids.iter().map(|id| (id.clone(), Vec::new())).collect();
        for f in answer.files {
            by_owner.entry(f.owner_id.clone()).or_default().push(f);
        }
        Ok(by_owner)
    }
}

/// The file loaders of one GraphQL request.
pub struct FileLoaders {
    /// Requests' attachments.
    pub requests: DataLoader<OwnedFilesLoader, HashMapCache>,
    /// Applications' papers.
    pub applications: DataLoader<OwnedFilesLoader, HashMapCache>,
    /// Practices' reports.
    pub practices: DataLoader<OwnedFilesLoader, HashMapCache>,
}

impl FileLoaders {
    /// The request's shared loaders (see [`super::SharedLoaders`]), or a fresh set.
    pub fn new(ctx: &Context<'_>) -> Result<Arc<FileLoaders>> {
        super::SharedLoaders::get_or_make(ctx, |s| &s.files, || FileLoaders::make(ctx))
    }

    fn make(ctx: &Context<'_>) -> Result<Arc<FileLoaders>> {
        let spawn = |f| tokio::spawn(Instrument::in_current_span(f));
        let requests =
            LoaderBase::of(ctx, |s| FilesServiceClient::new(s.requests_channel.clone()))?;
        let training = LoaderBase::of(ctx, |s| FilesServiceClient::new(s.training.clone()))?;
        let research = LoaderBase::of(ctx, |s| FilesServiceClient::new(s.research.clone()))?;
        Ok(Arc::new(FileLoaders {
            requests: DataLoader::with_cache(
                OwnedFilesLoader(requests),
                spawn,
                HashMapCache::default(),
            ),
            applications: DataLoader::with_cache(
                OwnedFilesLoader(training),
                spawn,
                HashMapCache::default(),
            ),
            practices: DataLoader::with_cache(
                OwnedFilesLoader(research),
                spawn,
                HashMapCache::default(),
            ),
        }))
    }
}
