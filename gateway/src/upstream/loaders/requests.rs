//! DataLoaders over batched gRPC calls, one set per GraphQL request (they carry its
//! caller): local governments by code (`BatchGetLocalGovernments`), departments with
//! their staff by code (`ListDepartments`) and related service requests by id
//! (`BatchGetRequests`). A page of N requests costs one call for all
//! of their local governments.
//!
//! Local governments are public directory data, so they are also kept in the shared cache
//! (the entity cache, through [`LoaderBase`]: first level, one `MGET`, one call for the
//! misses) for `cache.entity_ttl_secs`, like every cached entity (not at all with
//! `cache.enabled = false`); a cache failure only means a call to the service. Both calls
//! are reads, retried on UNAVAILABLE by the request's read-retry policy.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use glocal_proto::requests::v1 as pb;
use glocal_proto::requests::v1::requests_service_client::RequestsServiceClient;
use tonic::transport::Channel;

use super::{LoaderBase, spawn};
use crate::upstream::entity_cache::EntityKind;
use crate::upstream::error;

/// The requests client with the request's caller, retry policy and entity cache.
type Base = LoaderBase<RequestsServiceClient<Channel>>;

/// Loads local governments by standard code.
pub struct LocalGovernmentLoader(Base);

impl Loader<String> for LocalGovernmentLoader {
    type Value = pb::LocalGovernment;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, pb::LocalGovernment>, async_graphql::Error> {
        self.0
            .cached(EntityKind::LocalGovernment, codes, |missing| async move {
                let message = pb::BatchGetLocalGovernmentsRequest { codes: missing };
                let response = self
                    .0
                    .read(
                        "BatchGetLocalGovernments",
                        message,
                        |mut client, request| async move {
                            client.batch_get_local_governments(request).await
                        },
                    )
                    .await
                    .map_err(error::remote)?;
                Ok(response
                    .into_inner()
                    .local_governments
                    .into_iter()
                    .map(|lg| (lg.code.clone(), lg))
                    .collect())
            })
            .await
    }
}

/// Loads service requests by id with their activity (`BatchGetRequests`): the requests a
/// request is related to (its original, the duplicates merged into it, its parent and
/// children; ADR 0024). Never cached: what a caller may read of a request is their own.
pub struct ServiceRequestLoader(Base);

impl Loader<String> for ServiceRequestLoader {
    type Value = pb::ServiceRequest;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, pb::ServiceRequest>, async_graphql::Error> {
        let message = pb::BatchGetRequestsRequest {
            ids: ids.to_vec(),
            include_activity: true,
        };
        let response = self
            .0
            .read(
                "BatchGetRequests",
                message,
                |mut client, request| async move { client.batch_get_requests(request).await },
            )
            .await
            .map_err(error::remote)?;
        Ok(response
            .into_inner()
            .requests
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect())
    }
}

/// A department with its staff.
#[derive(Debug, Clone)]
pub struct DepartmentEntry {
    /// The department.
    pub department: pb::Department,
    /// Its staff, active or not.
    pub staff: Vec<pb::Staff>,
}

/// Loads departments (with staff) by code; one `ListDepartments` call per batch.
pub struct DepartmentLoader(Base);

impl Loader<String> for DepartmentLoader {
    type Value = DepartmentEntry;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, DepartmentEntry>, async_graphql::Error> {
        let response = self
            .0
            .read(
                "ListDepartments",
                pb::ListDepartmentsRequest {},
                |mut client, request| async move { client.list_departments(request).await },
            )
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(group_staff(response)
            .into_iter()
            .filter(|entry| codes.contains(&entry.department.code))
            .map(|entry| (entry.department.code.clone(), entry))
            .collect())
    }
}

/// Departments in the service's order, each with its staff.
pub fn group_staff(response: pb::ListDepartmentsResponse) -> Vec<DepartmentEntry> {
    let mut entries: Vec<DepartmentEntry> = response
        .departments
        .into_iter()
        .map(|department| DepartmentEntry {
            department,
            staff: Vec::new(),
        })
        .collect();
    for staff in response.staff {
        if let Some(entry) = entries
            .iter_mut()
            .find(|e| e.department.code == staff.department_code)
        {
            entry.staff.push(staff);
        }
    }
    entries
}

/// The requests service's loaders of one GraphQL request, each made on its first load.
pub struct Loaders {
    local_governments: OnceLock<DataLoader<LocalGovernmentLoader, HashMapCache>>,
    departments: OnceLock<DataLoader<DepartmentLoader, HashMapCache>>,
    service_requests: OnceLock<DataLoader<ServiceRequestLoader, HashMapCache>>,
    base: Base,
}

impl Loaders {
    /// The request's shared loaders (see [`super::SharedLoaders`]), or a fresh set.
    pub fn new(ctx: &Context<'_>) -> async_graphql::Result<Arc<Loaders>> {
        super::SharedLoaders::get_or_make(ctx, |s| &s.requests, || Loaders::make(ctx))
    }

    fn make(ctx: &Context<'_>) -> async_graphql::Result<Arc<Loaders>> {
        Ok(Arc::new(Loaders {
            local_governments: OnceLock::new(),
            departments: OnceLock::new(),
            service_requests: OnceLock::new(),
            base: Base::of(ctx, |s| s.requests.clone())?,
        }))
    }

    /// Local governments by code.
    pub fn local_governments(&self) -> &DataLoader<LocalGovernmentLoader, HashMapCache> {
        self.local_governments.get_or_init(|| {
            DataLoader::with_cache(
                LocalGovernmentLoader(self.base.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// Departments by code.
    pub fn departments(&self) -> &DataLoader<DepartmentLoader, HashMapCache> {
        self.departments.get_or_init(|| {
            DataLoader::with_cache(
                DepartmentLoader(self.base.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// Service requests by id (related requests).
    pub fn service_requests(&self) -> &DataLoader<ServiceRequestLoader, HashMapCache> {
        self.service_requests.get_or_init(|| {
            DataLoader::with_cache(
                ServiceRequestLoader(self.base.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// How many of its DataLoaders were made (each is on its first load).
    pub fn made(&self) -> usize {
        [
            self.local_governments.get().is_some(),
            self.departments.get().is_some(),
            self.service_requests.get().is_some(),
        ]
        .into_iter()
        .filter(|made| *made)
        .count()
    }
}
