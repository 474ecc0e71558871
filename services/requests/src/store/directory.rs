//! The bureau's directory: local governments, departments (with their leads) and staff,
//! read as views and written by the demo seed and the admins' lead changes.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use super::entities::{department, local_government, staff};
use crate::domain::{Department, LocalGovernment, LocalizedName, StaffMember};
use crate::error::RequestsError;

type Result<T, E = RequestsError> = std::result::Result<T, E>;

fn names(ko: String, en: String, zh: String, ja: String) -> LocalizedName {
    LocalizedName { ko, en, zh, ja }
}

fn lg_view(m: local_government::Model) -> LocalGovernment {
    LocalGovernment {
        name: names(m.name_ko, m.name_en, m.name_zh, m.name_ja),
        code: m.code,
        level: m.level,
    }
}

fn dept_view(m: department::Model) -> Department {
    Department {
        name: names(m.name_ko, m.name_en, m.name_zh, m.name_ja),
        code: m.code,
        lead_staff_id: m.lead_staff_id,
    }
}

fn staff_view(m: staff::Model) -> StaffMember {
    StaffMember {
        id: m.id,
        name: m.name,
        department_code: m.department_code,
        active: m.active,
    }
}

/// Local governments by code (one query), in no particular order.
pub(crate) async fn local_governments(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<LocalGovernment>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    Ok(local_government::Entity::find()
        .filter(local_government::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(lg_view)
        .collect())
}

/// Every local government, by code.
pub(crate) async fn all_local_governments(
    db: &impl ConnectionTrait,
) -> Result<Vec<LocalGovernment>> {
    Ok(local_government::Entity::find()
        .order_by_asc(local_government::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(lg_view)
        .collect())
}

/// Whether the directory has any local government yet.
pub(crate) async fn has_local_governments(db: &impl ConnectionTrait) -> Result<bool> {
    Ok(local_government::Entity::find().count(db).await? > 0)
}

/// Departments by code (one query), in no particular order.
pub(crate) async fn departments(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<Department>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    Ok(department::Entity::find()
        .filter(department::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(dept_view)
        .collect())
}

/// A department by code.
pub(crate) async fn department(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<Department>> {
    Ok(departments(db, &[code.to_owned()]).await?.pop())
}

/// Whether a department exists.
pub(crate) async fn department_exists(db: &impl ConnectionTrait, code: &str) -> Result<bool> {
    Ok(!departments(db, &[code.to_owned()]).await?.is_empty())
}

/// Every department, by code.
pub(crate) async fn all_departments(db: &impl ConnectionTrait) -> Result<Vec<Department>> {
    Ok(department::Entity::find()
        .order_by_asc(department::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(dept_view)
        .collect())
}

/// Staff by id (one query), in no particular order.
pub(crate) async fn staff_by_ids(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<Vec<StaffMember>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(staff_view)
        .collect())
}

/// Every staff member, by id.
pub(crate) async fn all_staff(db: &impl ConnectionTrait) -> Result<Vec<StaffMember>> {
    Ok(staff::Entity::find()
        .order_by_asc(staff::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(staff_view)
        .collect())
}

/// The staff member a caller's subject belongs to.
pub(crate) async fn staff_by_subject(
    db: &impl ConnectionTrait,
    subject: &str,
) -> Result<Option<StaffMember>> {
    Ok(staff::Entity::find()
        .filter(staff::Column::Subject.eq(subject))
        .one(db)
        .await?
        .map(staff_view))
}

/// A department's active staff, by id.
pub(crate) async fn active_staff_of(
    db: &impl ConnectionTrait,
    department: &str,
) -> Result<Vec<StaffMember>> {
    Ok(staff::Entity::find()
        .filter(staff::Column::DepartmentCode.eq(department))
        .filter(staff::Column::Active.eq(true))
        .order_by_asc(staff::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(staff_view)
        .collect())
}

/// Adds a local government.
pub(crate) async fn insert_local_government(
    db: &impl ConnectionTrait,
    lg: &LocalGovernment,
) -> Result<()> {
    let row = local_government::ActiveModel {
        code: Set(lg.code.clone()),
        name_ko: Set(lg.name.ko.clone()),
        name_en: Set(lg.name.en.clone()),
        name_zh: Set(lg.name.zh.clone()),
        name_ja: Set(lg.name.ja.clone()),
        level: Set(lg.level.clone()),
    };
    local_government::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Adds a department.
pub(crate) async fn insert_department(db: &impl ConnectionTrait, d: &Department) -> Result<()> {
    let row = department::ActiveModel {
        code: Set(d.code.clone()),
        name_ko: Set(d.name.ko.clone()),
        name_en: Set(d.name.en.clone()),
        name_zh: Set(d.name.zh.clone()),
        name_ja: Set(d.name.ja.clone()),
        lead_staff_id: Set(d.lead_staff_id.clone()),
    };
    department::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Adds a staff member, known to callers by `subject`.
pub(crate) async fn insert_staff(
    db: &impl ConnectionTrait,
    member: &StaffMember,
    subject: &str,
) -> Result<()> {
    let row = staff::ActiveModel {
        id: Set(member.id.clone()),
        subject: Set(subject.to_owned()),
        name: Set(member.name.clone()),
        department_code: Set(member.department_code.clone()),
        active: Set(member.active),
    };
    staff::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Makes `staff_id` the lead of `department` (told of breaches).
pub(crate) async fn set_department_lead(
    db: &impl ConnectionTrait,
    department: &str,
    staff_id: &str,
) -> Result<()> {
    department::Entity::update_many()
        .col_expr(
            department::Column::LeadStaffId,
            sea_orm::sea_query::Expr::value(staff_id),
        )
        .filter(department::Column::Code.eq(department))
        .exec(db)
        .await?;
    Ok(())
}

/// The token subjects of a request's assignee and of its department's lead, as change
/// events name them.
pub(crate) async fn people_of(
    db: &impl ConnectionTrait,
    assignee_id: Option<&str>,
    department: Option<&str>,
) -> Result<(Option<String>, Option<String>)> {
    let lead_id = match department {
        Some(code) => department::Entity::find_by_id(code.to_owned())
            .one(db)
            .await?
            .and_then(|d| d.lead_staff_id),
        None => None,
    };
    let ids: Vec<String> = assignee_id
        .map(str::to_owned)
        .into_iter()
        .chain(lead_id.clone())
        .collect();
    if ids.is_empty() {
        return Ok((None, None));
    }
    let rows = staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let subject_of = |id: Option<&str>| {
        id.and_then(|id| rows.iter().find(|r| r.id == id))
            .map(|r| r.subject.clone())
    };
    Ok((subject_of(assignee_id), subject_of(lead_id.as_deref())))
}
