//! The directory: the bureau's departments and staff, and the local governments.

use std::collections::HashMap;

use glocal_kit::outbox::{self, Change as OutboxChange};
use glocal_kit::{Caller, Role};
use serde_json::json;

use super::calendar::audit_entry;
use super::{OnlineBureau, Result};
use crate::domain::changes::{DIRECTORY, DIRECTORY_ID};
use crate::domain::{Department, DepartmentCode, LocalGovernment, StaffId, StaffMember};
use crate::error::RequestsError;
use crate::store::{directory as dir_store, sla as sla_store};

/// The aggregate type of a department in audit rows and change events.
const DEPARTMENT: &str = "Department";

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

    /// Makes `staff_id` the lead of `department` (bureau admins), the person told of every
    /// breached service level of its requests. The lead must be an active member of the
    /// department ([`Department::check_lead`]). Audited in `sla_audit` (from the old lead to
    /// the new) and published as `DepartmentLeadChanged`.
    pub async fn set_department_lead(
        &self,
        caller: Option<&Caller>,
        department: DepartmentCode,
        staff_id: StaffId,
    ) -> Result<Department> {
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau_admin(&viewer, "action-choose-department-leads")?;
        let tx = self.db.begin().await?;
        let mut dept = dir_store::department(&tx, department.as_str())
            .await?
            .ok_or_else(|| RequestsError::invalid("department", "unknown department"))?;
        let member = dir_store::staff_by_ids(&tx, &[staff_id.as_str().to_owned()])
            .await?
            .pop()
            .ok_or_else(|| RequestsError::invalid("staffId", "unknown staff member"))?;
        dept.check_lead(&member)?;
        let before = dept.lead_staff_id.replace(member.id.clone());
        if before.as_deref() == Some(member.id.as_str()) {
            return Ok(dept);
        }
        dir_store::set_department_lead(&tx, &dept.code, &member.id).await?;
        let now = self.now();
        let entry = audit_entry(
            DEPARTMENT,
            dept.code.clone(),
            "SET_LEAD",
            (before.clone(), Some(member.id.clone())),
            &actor,
            now,
            format!("{} leads {}", member.name, dept.code),
        );
        sla_store::audit(&tx, &entry).await?;
        let payload = json!({
            "code": dept.code,
            "fromLeadStaffId": before,
            "leadStaffId": member.id,
            "actor": actor.subject,
        });
        let change = OutboxChange::new(DIRECTORY, DIRECTORY_ID, "DepartmentLeadChanged", payload)
            .touching(DEPARTMENT, &dept.code);
        outbox::append(&tx, &change, now).await?;
        tx.commit().await?;
        self.reference.forget();
        tracing::info!(department = %dept.code, lead = %member.id, "department lead set");
        Ok(dept)
    }

    /// Every local government, by code. Public.
    pub async fn all_local_governments(&self) -> Result<Vec<LocalGovernment>> {
        dir_store::all_local_governments(&self.db).await
    }
}
