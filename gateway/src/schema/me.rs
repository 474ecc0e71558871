//! `me`: who the gateway thinks is calling, straight from the verified token.

use async_graphql::{Context, Enum, Object, Result};
use glocal_kit::{Caller, Role as KitRole};

use super::directory::{LocalGovernment, load_local_government};
use crate::upstream::caller;

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

/// The authenticated caller.
pub struct Me(Caller);

/// The authenticated caller.
#[Object]
impl Me {
    /// Stable subject id (the token's `sub`).
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Organisation: a local government's standard code, or the bureau's own code for staff.
    async fn org(&self) -> &str {
        &self.0.org
    }

    /// Roles held.
    async fn roles(&self) -> Vec<Role> {
        self.0.roles.iter().copied().map(Role::from).collect()
    }

    /// The caller's local government, when the organisation is one.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        load_local_government(ctx, &self.0.org).await
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
        caller(ctx).cloned().map(Me)
    }
}
