//! DataLoaders of the files attached to things (ADR 0022, ADR 0026, ADR 0030): a page of N
//! requests, applications or practices whose `attachments` are selected costs one
//! `ListFiles` call of the owning service per kind, not one per item. Files
//! are never cached (who may see them is the caller's scope, and a link is minted per
//! read); every call is a read, retried on UNAVAILABLE (see [`LoaderBase`]).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{Context, Result};
use glocal_proto::common::v1 as files_pb;
use glocal_proto::common::v1::files_service_client::FilesServiceClient;
use tonic::transport::Channel;

use crate::upstream::error;
use crate::upstream::loaders::{LoaderBase, spawn};

/// Loads the files of requests, applications or practices by owner id (`ListFiles` of the
/// owning service).
pub struct OwnedFilesLoader(Base);

/// A files client with the request's caller and retry policy (files are never cached).
type Base = LoaderBase<FilesServiceClient<Channel>>;

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

/// The file loaders of one GraphQL request, each made on its first load.
pub struct FileLoaders {
    requests: OnceLock<DataLoader<OwnedFilesLoader, HashMapCache>>,
    applications: OnceLock<DataLoader<OwnedFilesLoader, HashMapCache>>,
    practices: OnceLock<DataLoader<OwnedFilesLoader, HashMapCache>>,
    /// The files clients of the requests, training and research services.
    bases: [Base; 3],
}

impl FileLoaders {
    /// The request's shared loaders (see [`super::SharedLoaders`]), or a fresh set.
    pub fn new(ctx: &Context<'_>) -> Result<Arc<FileLoaders>> {
        super::SharedLoaders::get_or_make(ctx, |s| &s.files, || FileLoaders::make(ctx))
    }

    fn make(ctx: &Context<'_>) -> Result<Arc<FileLoaders>> {
        Ok(Arc::new(FileLoaders {
            requests: OnceLock::new(),
            applications: OnceLock::new(),
            practices: OnceLock::new(),
            bases: [
                LoaderBase::of(ctx, |s| FilesServiceClient::new(s.requests_channel.clone()))?,
                LoaderBase::of(ctx, |s| FilesServiceClient::new(s.training.clone()))?,
                LoaderBase::of(ctx, |s| FilesServiceClient::new(s.research.clone()))?,
            ],
        }))
    }

    fn loader<'a>(
        slot: &'a OnceLock<DataLoader<OwnedFilesLoader, HashMapCache>>,
        base: &Base,
    ) -> &'a DataLoader<OwnedFilesLoader, HashMapCache> {
        slot.get_or_init(|| {
            DataLoader::with_cache(
                OwnedFilesLoader(base.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// Requests' attachments.
    pub fn requests(&self) -> &DataLoader<OwnedFilesLoader, HashMapCache> {
        Self::loader(&self.requests, &self.bases[0])
    }

    /// Training's files: applications' papers and coaching plans' documents (one
    /// `ListFiles` call of the training service for both; ids never collide).
    pub fn applications(&self) -> &DataLoader<OwnedFilesLoader, HashMapCache> {
        Self::loader(&self.applications, &self.bases[1])
    }

    /// Practices' reports.
    pub fn practices(&self) -> &DataLoader<OwnedFilesLoader, HashMapCache> {
        Self::loader(&self.practices, &self.bases[2])
    }
}
