//! The tonic adapter of `glocal.requests.v1.DirectoryAdminService` (ADR 0035): proto in,
//! parsed into the directory's drafts, the service called, views out, errors to statuses.
//! No rules live here.

use chrono::NaiveDate;
use glocal_kit::grpc::{bad, caller, status};
use glocal_proto::common::v1 as common;
use glocal_proto::requests::v1 as pb;
use glocal_proto::requests::v1::directory_admin_service_server::{
    DirectoryAdminService, DirectoryAdminServiceServer,
};
use tonic::{Request, Response, Status};

use super::{dept_to_pb, lg_to_pb, request_type, staff_to_pb};
use crate::domain::directory::{
    Absence, DepartmentDraft, LocalGovernmentDraft, LocalGovernmentLevel, StaffChanges, StaffDraft,
    staff_name, staff_subject,
};
use crate::domain::{
    DepartmentCode, InvalidInput, LanguageCode, LocalGovernmentCode, LocalizedName, RequestType,
    StaffId,
};
use crate::error::RequestsError;
use crate::service::OnlineBureau;

type GrpcResult<T> = Result<Response<T>, Status>;

/// The gRPC face of the directory's administration.
#[derive(Debug, Clone)]
pub struct DirectoryGrpc {
    bureau: OnlineBureau,
}

impl DirectoryGrpc {
    /// Wraps the service.
    pub fn new(bureau: OnlineBureau) -> Self {
        DirectoryGrpc { bureau }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> DirectoryAdminServiceServer<DirectoryGrpc> {
        DirectoryAdminServiceServer::new(self)
    }
}

fn names(n: Option<common::LocalizedText>) -> LocalizedName {
    let n = n.unwrap_or_default();
    LocalizedName {
        ko: n.ko,
        en: n.en,
        zh: n.zh,
        ja: n.ja,
    }
}

fn staff_id(s: &str, field: &str) -> Result<StaffId, InvalidInput> {
    StaffId::parse(s.trim()).map_err(|e| e.at(field))
}

fn department(s: &str, field: &str) -> Result<DepartmentCode, InvalidInput> {
    DepartmentCode::parse(s.trim()).map_err(|e| e.at(field))
}

fn languages(values: &[String]) -> Result<Vec<LanguageCode>, InvalidInput> {
    let mut out: Vec<LanguageCode> = Vec::new();
    for v in values {
        let l = LanguageCode::parse(v.trim()).map_err(|e| e.at("languages"))?;
        if !out.contains(&l) {
            out.push(l);
        }
    }
    Ok(out)
}

fn types(values: &[i32]) -> Result<Vec<RequestType>, InvalidInput> {
    let mut out = Vec::new();
    for &v in values {
        let t = request_type(v, "requestTypes")?.ok_or_else(|| {
            InvalidInput::localized(
                "requestTypes",
                glocal_kit::i18n::Message::new("input-request-type-required"),
            )
        })?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

fn date(s: &str, field: &str) -> Result<NaiveDate, InvalidInput> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidInput::new(field, "must be a date YYYY-MM-DD"))
}

fn absences(values: &[pb::StaffAbsence]) -> Result<Vec<Absence>, RequestsError> {
    values
        .iter()
        .map(|a| {
            let from = date(&a.from, "absences.from")?;
            let to = date(&a.to, "absences.to")?;
            Ok(Absence::new(from, to)?)
        })
        .collect()
}

fn local_government(
    m: pb::SaveLocalGovernmentRequest,
) -> Result<(LocalGovernmentDraft, bool), InvalidInput> {
    let code = LocalGovernmentCode::parse(m.code.trim()).map_err(|e| e.at("code"))?;
    let level = LocalGovernmentLevel::parse(m.level.trim())?;
    let parent = match m.parent_code.trim() {
        "" => None,
        p => Some(LocalGovernmentCode::parse(p).map_err(|e| e.at("parentCode"))?),
    };
    Ok((
        LocalGovernmentDraft::new(code, names(m.name), level, parent)?,
        m.create,
    ))
}

fn staff_draft(m: &pb::OnboardStaffRequest) -> Result<StaffDraft, InvalidInput> {
    Ok(StaffDraft {
        id: staff_id(&m.id, "id")?,
        subject: staff_subject(&m.subject)?,
        name: staff_name(&m.name)?,
        department_code: department(&m.department_code, "departmentCode")?,
        languages: languages(&m.languages)?,
        request_types: types(&m.request_types)?,
    })
}

fn staff_changes(m: &pb::UpdateStaffRequest) -> Result<StaffChanges, RequestsError> {
    Ok(StaffChanges {
        name: m.name.as_deref().map(staff_name).transpose()?,
        department_code: m
            .department_code
            .as_deref()
            .map(|d| department(d, "departmentCode"))
            .transpose()?,
        languages: m
            .languages
            .as_ref()
            .map(|l| languages(&l.values))
            .transpose()?,
        request_types: m
            .request_types
            .as_ref()
            .map(|t| types(&t.values))
            .transpose()?,
        absences: m
            .absences
            .as_ref()
            .map(|a| absences(&a.values))
            .transpose()?,
    })
}

#[tonic::async_trait]
impl DirectoryAdminService for DirectoryGrpc {
    async fn save_local_government(
        &self,
        req: Request<pb::SaveLocalGovernmentRequest>,
    ) -> GrpcResult<pb::LocalGovernment> {
        let caller = caller(&req)?;
        let (draft, create) = local_government(req.into_inner()).map_err(bad)?;
        let saved = self
            .bureau
            .save_local_government(caller.as_ref(), draft, create)
            .await
            .map_err(status)?;
        Ok(Response::new(lg_to_pb(saved)))
    }

    async fn create_department(
        &self,
        req: Request<pb::CreateDepartmentRequest>,
    ) -> GrpcResult<pb::Department> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let code = department(&m.code, "code").map_err(bad)?;
        let dept = self
            .bureau
            .create_department(caller.as_ref(), code, names(m.name))
            .await
            .map_err(status)?;
        Ok(Response::new(dept_to_pb(dept)))
    }

    async fn update_department(
        &self,
        req: Request<pb::UpdateDepartmentRequest>,
    ) -> GrpcResult<pb::Department> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let draft = DepartmentDraft {
            code: department(&m.code, "code").map_err(bad)?,
            name: m.name.map(|n| names(Some(n))),
            lead_staff_id: match m.lead_staff_id.trim() {
                "" => None,
                id => Some(staff_id(id, "leadStaffId").map_err(bad)?),
            },
        };
        let dept = self
            .bureau
            .update_department(caller.as_ref(), draft)
            .await
            .map_err(status)?;
        Ok(Response::new(dept_to_pb(dept)))
    }

    async fn onboard_staff(&self, req: Request<pb::OnboardStaffRequest>) -> GrpcResult<pb::Staff> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let draft = staff_draft(&m).map_err(bad)?;
        let member = self
            .bureau
            .onboard_staff(caller.as_ref(), draft)
            .await
            .map_err(status)?;
        Ok(Response::new(staff_to_pb(member)))
    }

    async fn update_staff(&self, req: Request<pb::UpdateStaffRequest>) -> GrpcResult<pb::Staff> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = staff_id(&m.id, "id").map_err(bad)?;
        let changes = staff_changes(&m).map_err(status)?;
        let member = self
            .bureau
            .update_staff(caller.as_ref(), id, changes)
            .await
            .map_err(status)?;
        Ok(Response::new(staff_to_pb(member)))
    }

    async fn depart_staff(
        &self,
        req: Request<pb::DepartStaffRequest>,
    ) -> GrpcResult<pb::DepartStaffResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = staff_id(&m.id, "id").map_err(bad)?;
        let departure = self
            .bureau
            .depart_staff(caller.as_ref(), id, m.note)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DepartStaffResponse {
            staff: Some(staff_to_pb(departure.member)),
            reassigned: departure
                .reassigned
                .into_iter()
                .map(|(request, assignee)| pb::Reassignment {
                    request_id: request.to_string(),
                    assignee_id: assignee.unwrap_or_default(),
                })
                .collect(),
        }))
    }
}
