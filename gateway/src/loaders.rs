//! DataLoaders over batched gRPC calls, one set per GraphQL request (they carry its
//! caller): local governments by code (`BatchGetLocalGovernments`) and departments with
//! their staff by code (`ListDepartments`). A page of N requests costs one call for all
//! of their local governments.
//!
//! Local governments are public directory data, so they are also kept in the shared cache
//! ([`EntityCache`]: first level, one `MGET`, one call for the misses) for
//! `cache.entity_ttl_secs`, like every cached entity (not at all with `cache.enabled =
//! false`); a cache failure only means a call to the service. Both
//! calls are reads, retried on UNAVAILABLE by the request's [`ReadRetry`] policy.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use glocal_kit::Caller;
use glocal_proto::requests::v1 as pb;
use tracing::Instrument;

use crate::clients::ReadRetry;
use crate::entity_cache::{EntityCache, EntityKind};
use crate::error;
use crate::schema::Services;

/// Loads local governments by standard code.
pub struct LocalGovernmentLoader {
    services: Services,
    caller: Option<Caller>,
    entities: EntityCache,
    retry: ReadRetry,
}

impl Loader<String> for LocalGovernmentLoader {
    type Value = pb::LocalGovernment;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, pb::LocalGovernment>, async_graphql::Error> {
        self.entities
            .batch(
                EntityKind::LocalGovernment,
                self.caller.as_ref(),
                codes,
                |missing| async move {
                    let response = self
                        .retry
                        .run("BatchGetLocalGovernments", || {
                            let message = pb::BatchGetLocalGovernmentsRequest {
                                codes: missing.clone(),
                            };
                            let request = glocal_kit::grpc::request(
                                message,
                                self.caller.as_ref(),
                                self.services.timeout,
                            );
                            let mut client = self.services.requests.clone();
                            async move { client.batch_get_local_governments(request).await }
                        })
                        .await
                        .map_err(error::remote)?;
                    Ok(response
                        .into_inner()
                        .local_governments
                        .into_iter()
                        .map(|lg| (lg.code.clone(), lg))
                        .collect())
                },
            )
            .await
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
pub struct DepartmentLoader {
    services: Services,
    caller: Option<Caller>,
    retry: ReadRetry,
}

impl Loader<String> for DepartmentLoader {
    type Value = DepartmentEntry;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, DepartmentEntry>, async_graphql::Error> {
        let response = self
            .retry
            .run("ListDepartments", || {
                let request = glocal_kit::grpc::request(
                    pb::ListDepartmentsRequest {},
                    self.caller.as_ref(),
                    self.services.timeout,
                );
                let mut client = self.services.requests.clone();
                async move { client.list_departments(request).await }
            })
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

/// The loaders of one GraphQL request.
pub struct Loaders {
    /// Local governments by code.
    pub local_governments: DataLoader<LocalGovernmentLoader, HashMapCache>,
    /// Departments by code.
    pub departments: DataLoader<DepartmentLoader, HashMapCache>,
}

impl Loaders {
    /// Loaders that call the services as `caller`, retrying reads by `retry`, with local
    /// governments through `entities`.
    pub fn new(
        services: &Services,
        caller: Option<&Caller>,
        entities: &EntityCache,
        retry: ReadRetry,
    ) -> Loaders {
        let local_governments = LocalGovernmentLoader {
            services: services.clone(),
            caller: caller.cloned(),
            entities: entities.clone(),
            retry,
        };
        let departments = DepartmentLoader {
            services: services.clone(),
            caller: caller.cloned(),
            retry,
        };
        Loaders {
            local_governments: DataLoader::with_cache(
                local_governments,
                |f| tokio::spawn(f.in_current_span()),
                HashMapCache::default(),
            ),
            departments: DataLoader::with_cache(
                departments,
                |f| tokio::spawn(f.in_current_span()),
                HashMapCache::default(),
            ),
        }
    }
}
