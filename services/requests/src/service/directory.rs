//! The directory: the bureau's departments and staff, and the local governments.

use std::collections::HashMap;

use glocal_kit::{Caller, Role};

use super::{OnlineBureau, Result};
use crate::domain::{Department, LocalGovernment, StaffMember};
use crate::error::RequestsError;
use crate::store::directory as dir_store;

/// The bureau's departments and (for bureau callers) staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    /// Departments, by code.
    pub departments: Vec<Department>,
    /// Staff, by id; empty for callers outside the bureau.
    pub staff: Vec<StaffMember>,
}

impl OnlineBureau {
    /// The bureau's departments, and its staff for bureau callers.
    pub async fn directory(&self, caller: Option<&Caller>) -> Result<Directory> {
        let caller = caller.ok_or(RequestsError::Unauthenticated)?;
        let departments = dir_store::all_departments(&self.db).await?;
        let staff = if caller.has(Role::BureauStaff) || caller.has(Role::BureauAdmin) {
            dir_store::all_staff(&self.db).await?
        } else {
            Vec::new()
        };
        Ok(Directory { departments, staff })
    }

    /// The caller's own staff record and its department, found by the caller's token subject;
    /// `None` for a caller who is not on the bureau's staff (local officials, partners).
    pub async fn caller_staff(
        &self,
        caller: Option<&Caller>,
    ) -> Result<Option<(StaffMember, Option<Department>)>> {
        let caller = caller.ok_or(RequestsError::Unauthenticated)?;
        let Some(member) = dir_store::staff_by_subject(&self.db, &caller.subject).await? else {
            return Ok(None);
        };
        let department = dir_store::all_departments(&self.db)
            .await?
            .into_iter()
            .find(|d| d.code.as_str() == member.department_code);
        Ok(Some((member, department)))
    }

    /// Local governments by code, in the order asked; unknown codes are left out. Public.
    pub async fn local_governments(&self, codes: &[String]) -> Result<Vec<LocalGovernment>> {
        let found: HashMap<String, LocalGovernment> = dir_store::local_governments(&self.db, codes)
            .await?
            .into_iter()
            .map(|l| (l.code.clone(), l))
            .collect();
        Ok(codes.iter().filter_map(|c| found.get(c).cloned()).collect())
    }

    /// Every local government, by code. Public.
    pub async fn all_local_governments(&self) -> Result<Vec<LocalGovernment>> {
        dir_store::all_local_governments(&self.db).await
    }
}
