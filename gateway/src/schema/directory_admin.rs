//! The directory's administration (ADR 0035): bureau admins create and update local
//! governments and departments, onboard staff, change their languages, request types and
//! absences, and record departures. Thin resolvers: convert, call
//! `glocal.requests.v1.DirectoryAdminService`, convert back.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use glocal_proto::requests::v1 as pb;

use super::directory::{Department, LocalGovernment, Staff, StaffAbsence};
use super::requests::ServiceRequestType;
use super::research::LocalizedTextInput;
use crate::upstream::error;
use crate::upstream::{DirectoryAdmin, call};

/// The tier of a local government.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum LocalGovernmentLevel {
    /// A metropolitan city or special (self-governing) city: upper tier.
    Metropolitan,
    /// A province or special self-governing province: upper tier.
    Province,
    /// A city (-si) under a province: basic.
    City,
    /// A county (-gun): basic.
    County,
    /// An autonomous district (-gu) of a metropolitan city: basic.
    District,
}

impl LocalGovernmentLevel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Metropolitan => "METROPOLITAN",
            Self::Province => "PROVINCE",
            Self::City => "CITY",
            Self::County => "COUNTY",
            Self::District => "DISTRICT",
        }
    }
}

/// A local government to create or update.
#[derive(InputObject)]
pub struct LocalGovernmentInput {
    /// Standard administrative code (five digits), e.g. "11680".
    pub code: String,
    /// Names: Korean and English required; Chinese and Japanese fall back to English.
    pub name: LocalizedTextInput,
    /// Tier.
    pub level: LocalGovernmentLevel,
    /// The metropolitan or provincial government of a basic one; omit for the upper tier.
    pub parent_code: Option<String>,
}

impl LocalGovernmentInput {
    fn into_proto(self, create: bool) -> pb::SaveLocalGovernmentRequest {
        pb::SaveLocalGovernmentRequest {
            create,
            code: self.code,
            name: Some(self.name.into_proto()),
            level: self.level.as_str().to_owned(),
            parent_code: self.parent_code.unwrap_or_default(),
        }
    }
}

/// A new department.
#[derive(InputObject)]
pub struct CreateDepartmentInput {
    /// Code: uppercase letters, digits and `_`.
    pub code: String,
    /// Names: Korean and English required; Chinese and Japanese fall back to English.
    pub name: LocalizedTextInput,
}

/// Changes to a department; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateDepartmentInput {
    /// The department.
    pub code: String,
    /// New names.
    pub name: Option<LocalizedTextInput>,
    /// The new lead: an active member of the department.
    pub lead_staff_id: Option<ID>,
}

/// A new staff member.
#[derive(InputObject)]
pub struct OnboardStaffInput {
    /// Staff id, e.g. "STF-601".
    pub id: ID,
    /// The token subject they sign in with.
    pub subject: String,
    /// Display name.
    pub name: String,
    /// Department.
    pub department_code: String,
    /// ISO 639-1 languages they work in.
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Request types they take; empty (the default) takes every type.
    #[graphql(default)]
    pub request_types: Vec<ServiceRequestType>,
}

/// Changes to a staff member; omitted fields stay as they are, a given list replaces the
/// list.
#[derive(InputObject)]
pub struct UpdateStaffInput {
    /// The staff member.
    pub id: ID,
    /// Display name.
    pub name: Option<String>,
    /// Department (moving ends a lead role in the old one).
    pub department_code: Option<String>,
    /// ISO 639-1 languages.
    pub languages: Option<Vec<String>>,
    /// Request types taken; empty takes every type.
    pub request_types: Option<Vec<ServiceRequestType>>,
    /// Absence periods.
    pub absences: Option<Vec<StaffAbsence>>,
}

/// A request handed on at a departure.
#[derive(SimpleObject)]
pub struct StaffReassignment {
    /// The request.
    pub request_id: ID,
    /// Its new assignee; null when nobody in the department was available (back to the
    /// department's queue).
    pub assignee_id: Option<ID>,
}

/// A recorded departure.
#[derive(SimpleObject)]
pub struct StaffDeparture {
    /// The staff member, inactive from now.
    pub staff: Staff,
    /// Their open requests, each handed on.
    pub reassigned: Vec<StaffReassignment>,
}

/// Directory administration (bureau administrators; audited).
#[derive(Default)]
pub struct DirectoryAdminMutation;

async fn save_local_government(
    ctx: &Context<'_>,
    request: pb::SaveLocalGovernmentRequest,
) -> Result<LocalGovernment> {
    let (mut client, request) = call(ctx, DirectoryAdmin, request)?;
    Ok(LocalGovernment(
        client
            .save_local_government(request)
            .await
            .map_err(error::remote)?
            .into_inner(),
    ))
}

#[Object]
impl DirectoryAdminMutation {
    /// Adds a local government. BAD_USER_INPUT with `extensions.reason` DUPLICATE_CODE,
    /// UNKNOWN_PARENT, PARENT_REQUIRED (a basic one needs its upper-tier parent),
    /// PARENT_NOT_ALLOWED or PARENT_NOT_UPPER_TIER.
    async fn create_local_government(
        &self,
        ctx: &Context<'_>,
        input: LocalGovernmentInput,
    ) -> Result<LocalGovernment> {
        save_local_government(ctx, input.into_proto(true)).await
    }

    /// Changes a local government's names, level or parent (NOT_FOUND for an unknown
    /// code); the same reasons as `createLocalGovernment` but DUPLICATE_CODE, and
    /// HAS_BASIC_GOVERNMENTS for making a parent basic.
    async fn update_local_government(
        &self,
        ctx: &Context<'_>,
        input: LocalGovernmentInput,
    ) -> Result<LocalGovernment> {
        save_local_government(ctx, input.into_proto(false)).await
    }

    /// Adds a department (DUPLICATE_CODE when it exists). It has no staff yet, so no lead:
    /// onboard its staff, then name the lead with `updateDepartment`.
    async fn create_department(
        &self,
        ctx: &Context<'_>,
        input: CreateDepartmentInput,
    ) -> Result<Department> {
        let (mut client, request) = call(
            ctx,
            DirectoryAdmin,
            pb::CreateDepartmentRequest {
                code: input.code,
                name: Some(input.name.into_proto()),
            },
        )?;
        let department = client
            .create_department(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Department {
            department,
            staff: Some(Vec::new()),
        })
    }

    /// Renames a department and/or names its lead: LEAD_NOT_IN_DEPARTMENT, LEAD_DEPARTED.
    async fn update_department(
        &self,
        ctx: &Context<'_>,
        input: UpdateDepartmentInput,
    ) -> Result<Department> {
        let (mut client, request) = call(
            ctx,
            DirectoryAdmin,
            pb::UpdateDepartmentRequest {
                code: input.code,
                name: input.name.map(LocalizedTextInput::into_proto),
                lead_staff_id: input.lead_staff_id.map(|id| id.0).unwrap_or_default(),
            },
        )?;
        let department = client
            .update_department(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Department {
            department,
            staff: None,
        })
    }

    /// Onboards a staff member: DUPLICATE_STAFF_ID, DUPLICATE_SUBJECT, or BAD_USER_INPUT
    /// on `departmentCode` for an unknown department.
    async fn onboard_staff(&self, ctx: &Context<'_>, input: OnboardStaffInput) -> Result<Staff> {
        let (mut client, request) = call(
            ctx,
            DirectoryAdmin,
            pb::OnboardStaffRequest {
                id: input.id.0,
                subject: input.subject,
                name: input.name,
                department_code: input.department_code,
                languages: input.languages,
                request_types: input
                    .request_types
                    .into_iter()
                    .map(|t| t.to_proto() as i32)
                    .collect(),
            },
        )?;
        Ok(Staff(
            client
                .onboard_staff(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Changes a staff member's name, department, languages, request types or absences
    /// (ABSENCE_ENDS_BEFORE_START for a period whose `to` is before its `from`). Routing
    /// and least-load assignment pass over a member on their days away.
    async fn update_staff(&self, ctx: &Context<'_>, input: UpdateStaffInput) -> Result<Staff> {
        let request = pb::UpdateStaffRequest {
            id: input.id.0,
            name: input.name,
            department_code: input.department_code,
            languages: input.languages.map(|values| pb::StaffLanguages { values }),
            request_types: input.request_types.map(|types| pb::StaffRequestTypes {
                values: types.into_iter().map(|t| t.to_proto() as i32).collect(),
            }),
            absences: input.absences.map(|absences| pb::StaffAbsences {
                values: absences
                    .into_iter()
                    .map(|a| pb::StaffAbsence {
                        from: a.from.to_string(),
                        to: a.to.to_string(),
                    })
                    .collect(),
            }),
        };
        let (mut client, request) = call(ctx, DirectoryAdmin, request)?;
        Ok(Staff(
            client
                .update_staff(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Records that a staff member left: inactive from now, no longer a lead, and each of
    /// their open requests handed on in the same transaction (to the department's lead
    /// when available, else its least-loaded available member, else back to the
    /// department's queue), with a history entry and the assignee's notice as for a manual
    /// reassignment. CONFLICT (ALREADY_DEPARTED) for someone who already left.
    async fn depart_staff(
        &self,
        ctx: &Context<'_>,
        id: ID,
        note: Option<String>,
    ) -> Result<StaffDeparture> {
        let (mut client, request) = call(
            ctx,
            DirectoryAdmin,
            pb::DepartStaffRequest {
                id: id.0,
                note: note.unwrap_or_default(),
            },
        )?;
        let response = client
            .depart_staff(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        let staff = response
            .staff
            .ok_or_else(|| error::internal("DepartStaff answered without the staff member"))?;
        Ok(StaffDeparture {
            staff: Staff(staff),
            reassigned: response
                .reassigned
                .into_iter()
                .map(|r| StaffReassignment {
                    request_id: ID(r.request_id),
                    assignee_id: (!r.assignee_id.is_empty()).then_some(ID(r.assignee_id)),
                })
                .collect(),
        })
    }
}
