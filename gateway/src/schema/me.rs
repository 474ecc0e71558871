//! `me`: who the gateway thinks is calling, from the verified token, with what a portal needs
//! to shape its screens: the caller's local government, or their staff record and department
//! in the bureau's directory (found by the token subject), and what they may do (the edge's
//! authorization matrix, handed down as [`PermissionsOf`] so the schema does not import the
//! edge).

use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use glocal_kit::{Caller, Role as KitRole};
use glocal_proto::requests::v1 as pb;
use tokio::sync::OnceCell;

use super::directory::{Department, LocalGovernment, Staff, load_local_government};
use crate::upstream::{Requests, caller, error, read};

/// A role a caller holds.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An official of one local government: sees and acts for it only.
    LocalOfficial,
    /// Bureau staff: their department's queue.
    BureauStaff,
    /// Bureau administrator: everything.
    BureauAdmin,
    /// A partner organisation: public data only.
    Partner,
}

impl From<KitRole> for Role {
    fn from(role: KitRole) -> Self {
        match role {
            KitRole::LocalOfficial => Role::LocalOfficial,
            KitRole::BureauStaff => Role::BureauStaff,
            KitRole::BureauAdmin => Role::BureauAdmin,
            KitRole::Partner => Role::Partner,
        }
    }
}

/// The kind of a root field.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationType {
    /// A field of `Query`.
    Query,
    /// A field of `Mutation`.
    Mutation,
    /// A field of `Subscription`.
    Subscription,
}

/// A root field the caller may use.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    /// Query, mutation or subscription.
    pub operation: OperationType,
    /// The root field, e.g. "submitServiceRequest".
    pub field: String,
    /// True when the service narrows it to what the caller may see or change (their own local
    /// government, department, registrations…); false when it is not narrowed.
    pub scoped: bool,
}

/// The root fields a caller may use (schema data): the edge's authorization matrix.
#[derive(Clone, Copy)]
pub struct PermissionsOf(pub fn(Option<&Caller>) -> Vec<Permission>);

/// The authenticated caller.
pub struct Me {
    caller: Caller,
    staff: OnceCell<pb::GetCallerStaffResponse>,
}

impl Me {
    /// The caller's staff record and department, asked of the requests service once.
    async fn staff_record(&self, ctx: &Context<'_>) -> Result<&pb::GetCallerStaffResponse> {
        self.staff
            .get_or_try_init(|| async {
                let response = read(
                    ctx,
                    Requests,
                    "GetCallerStaff",
                    pb::GetCallerStaffRequest {},
                    |mut client, request| async move { client.get_caller_staff(request).await },
                )
                .await?;
                Ok(response.into_inner())
            })
            .await
    }
}

/// The authenticated caller.
#[Object]
impl Me {
    /// Stable subject id (the token's `sub`).
    async fn subject(&self) -> &str {
        &self.caller.subject
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.caller.name
    }

    /// Organisation: a local government's standard code, or the bureau's own code for staff.
    async fn org(&self) -> &str {
        &self.caller.org
    }

    /// Roles held.
    async fn roles(&self) -> Vec<Role> {
        self.caller.roles.iter().copied().map(Role::from).collect()
    }

    /// The caller's local government, when the organisation is one.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        load_local_government(ctx, &self.caller.org).await
    }

    /// The caller's record in the bureau's staff directory (found by the token subject);
    /// its `id` is what `serviceRequests(filter: { assigneeId })` and reassignment take.
    /// Null for callers who are not on the bureau's staff.
    async fn staff(&self, ctx: &Context<'_>) -> Result<Option<Staff>> {
        Ok(self.staff_record(ctx).await?.staff.clone().map(Staff))
    }

    /// The caller's department (bureau staff); null for everyone else.
    async fn department(&self, ctx: &Context<'_>) -> Result<Option<Department>> {
        Ok(self
            .staff_record(ctx)
            .await?
            .department
            .clone()
            .map(|department| Department {
                department,
                staff: None,
            }))
    }

    /// Every root field the caller may use, from the authorization matrix (docs/api.md); a
    /// portal shows the actions listed here and hides the rest.
    async fn permissions(&self, ctx: &Context<'_>) -> Result<Vec<Permission>> {
        let of = ctx
            .data_opt::<PermissionsOf>()
            .ok_or_else(|| error::internal("the schema has no authorization matrix"))?;
        Ok((of.0)(Some(&self.caller)))
    }
}

/// Identity queries.
#[derive(Default)]
pub struct MeQuery;

#[Object]
impl MeQuery {
    /// The authenticated caller; null when anonymous.
    #[graphql(inaccessible)]
    async fn me(&self, ctx: &Context<'_>) -> Option<Me> {
        caller(ctx).cloned().map(|caller| Me {
            caller,
            staff: OnceCell::new(),
        })
    }
}
