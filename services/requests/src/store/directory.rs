//! The bureau's directory: local governments, departments (with their leads) and staff
//! (with their languages, request types, absences and departure), read as views and written
//! by the demo seed, the import and the admins' changes (ADR 0035).

use std::collections::HashMap;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use super::entities::{department, local_government, staff, staff_absence};
use super::requests::corrupt;
use crate::domain::directory::{Absence, Availability};
use crate::domain::{Department, LocalGovernment, LocalizedName, RequestType, StaffMember};
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
        parent_code: m.parent_code,
    }
}

fn dept_view(m: department::Model) -> Department {
    Department {
        name: names(m.name_ko, m.name_en, m.name_zh, m.name_ja),
        code: m.code,
        lead_staff_id: m.lead_staff_id,
    }
}

fn list(text: Option<&str>) -> impl Iterator<Item = &str> {
    text.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn staff_view(m: staff::Model, absences: Vec<Absence>) -> Result<StaffMember> {
    let request_types = list(m.request_types.as_deref())
        .map(|t| RequestType::parse(t).map_err(corrupt))
        .collect::<Result<_>>()?;
    Ok(StaffMember {
        availability: Availability {
            languages: list(m.languages.as_deref()).map(str::to_owned).collect(),
            request_types,
            absences,
            departed_at: m.departed_at,
        },
        id: m.id,
        name: m.name,
        department_code: m.department_code,
        active: m.active,
    })
}

/// Staff views of `rows`, with their absences (one more query).
async fn with_absences(
    db: &impl ConnectionTrait,
    rows: Vec<staff::Model>,
) -> Result<Vec<StaffMember>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut absences: HashMap<String, Vec<Absence>> = HashMap::new();
    for a in staff_absence::Entity::find()
        .filter(staff_absence::Column::StaffId.is_in(rows.iter().map(|r| r.id.clone())))
        .order_by_asc(staff_absence::Column::StartsOn)
        .all(db)
        .await?
    {
        let absence = Absence::new(a.starts_on, a.ends_on)
            .map_err(|e| RequestsError::Corrupt(e.to_string()))?;
        absences.entry(a.staff_id).or_default().push(absence);
    }
    rows.into_iter()
        .map(|m| {
            let mine = absences.remove(&m.id).unwrap_or_default();
            staff_view(m, mine)
        })
        .collect()
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
    let rows = staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids.iter().cloned()))
        .all(db)
        .await?;
    with_absences(db, rows).await
}

/// Every staff member, by id.
pub(crate) async fn all_staff(db: &impl ConnectionTrait) -> Result<Vec<StaffMember>> {
    let rows = staff::Entity::find()
        .order_by_asc(staff::Column::Id)
        .all(db)
        .await?;
    with_absences(db, rows).await
}

/// The id, department and name of the staff member a caller's subject belongs to: one
/// statement, what a call's scope needs (ADR 0055).
pub(crate) async fn staff_identity(
    db: &impl ConnectionTrait,
    subject: &str,
) -> Result<Option<(String, String, String)>> {
    Ok(staff::Entity::find()
        .filter(staff::Column::Subject.eq(subject))
        .one(db)
        .await?
        .map(|m| (m.id, m.department_code, m.name)))
}

/// The staff member a caller's subject belongs to.
pub(crate) async fn staff_by_subject(
    db: &impl ConnectionTrait,
    subject: &str,
) -> Result<Option<StaffMember>> {
    let rows = staff::Entity::find()
        .filter(staff::Column::Subject.eq(subject))
        .one(db)
        .await?;
    Ok(with_absences(db, rows.into_iter().collect()).await?.pop())
}

/// A department's active staff, by id.
pub(crate) async fn active_staff_of(
    db: &impl ConnectionTrait,
    department: &str,
) -> Result<Vec<StaffMember>> {
    let rows = staff::Entity::find()
        .filter(staff::Column::DepartmentCode.eq(department))
        .filter(staff::Column::Active.eq(true))
        .order_by_asc(staff::Column::Id)
        .all(db)
        .await?;
    with_absences(db, rows).await
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
        parent_code: Set(lg.parent_code.clone()),
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
        languages: Set(Some(member.availability.languages.join(","))),
        request_types: Set(Some(types_text(&member.availability.request_types))),
        departed_at: Set(member.availability.departed_at),
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

fn types_text(types: &[RequestType]) -> String {
    types
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A local government by code.
pub(crate) async fn local_government(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<LocalGovernment>> {
    Ok(local_governments(db, &[code.to_owned()]).await?.pop())
}

/// Rewrites a local government's names, level and parent.
pub(crate) async fn update_local_government(
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
        parent_code: Set(lg.parent_code.clone()),
    };
    local_government::Entity::update(row).exec(db).await?;
    Ok(())
}

/// Rewrites a department's names and lead.
pub(crate) async fn update_department(db: &impl ConnectionTrait, d: &Department) -> Result<()> {
    let row = department::ActiveModel {
        code: Set(d.code.clone()),
        name_ko: Set(d.name.ko.clone()),
        name_en: Set(d.name.en.clone()),
        name_zh: Set(d.name.zh.clone()),
        name_ja: Set(d.name.ja.clone()),
        lead_staff_id: Set(d.lead_staff_id.clone()),
    };
    department::Entity::update(row).exec(db).await?;
    Ok(())
}

/// Whether a staff id or token subject is taken already.
pub(crate) async fn staff_exists(
    db: &impl ConnectionTrait,
    id: &str,
    subject: &str,
) -> Result<(bool, bool)> {
    let rows = staff::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(staff::Column::Id.eq(id))
                .add(staff::Column::Subject.eq(subject)),
        )
        .all(db)
        .await?;
    Ok((
        rows.iter().any(|r| r.id == id),
        rows.iter().any(|r| r.subject == subject),
    ))
}

/// Rewrites a staff member's name, department, active flag, languages, request types and
/// departure (not their subject).
pub(crate) async fn update_staff(db: &impl ConnectionTrait, m: &StaffMember) -> Result<()> {
    staff::Entity::update_many()
        .col_expr(staff::Column::Name, m.name.clone().into())
        .col_expr(
            staff::Column::DepartmentCode,
            m.department_code.clone().into(),
        )
        .col_expr(staff::Column::Active, m.active.into())
        .col_expr(
            staff::Column::Languages,
            Some(m.availability.languages.join(",")).into(),
        )
        .col_expr(
            staff::Column::RequestTypes,
            Some(types_text(&m.availability.request_types)).into(),
        )
        .col_expr(staff::Column::DepartedAt, m.availability.departed_at.into())
        .filter(staff::Column::Id.eq(m.id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Replaces a staff member's absence periods.
pub(crate) async fn replace_absences(
    db: &impl ConnectionTrait,
    staff_id: &str,
    absences: &[Absence],
) -> Result<()> {
    staff_absence::Entity::delete_many()
        .filter(staff_absence::Column::StaffId.eq(staff_id))
        .exec(db)
        .await?;
    if absences.is_empty() {
        return Ok(());
    }
    let rows = absences.iter().map(|a| staff_absence::ActiveModel {
        seq: sea_orm::ActiveValue::NotSet,
        staff_id: Set(staff_id.to_owned()),
        starts_on: Set(a.from()),
        ends_on: Set(a.to()),
    });
    staff_absence::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The departments `staff_id` leads.
pub(crate) async fn departments_led_by(
    db: &impl ConnectionTrait,
    staff_id: &str,
) -> Result<Vec<Department>> {
    Ok(department::Entity::find()
        .filter(department::Column::LeadStaffId.eq(staff_id))
        .all(db)
        .await?
        .into_iter()
        .map(dept_view)
        .collect())
}

/// Whether any local government names `code` as its parent.
pub(crate) async fn has_children(db: &impl ConnectionTrait, code: &str) -> Result<bool> {
    Ok(local_government::Entity::find()
        .filter(local_government::Column::ParentCode.eq(code))
        .count(db)
        .await?
        > 0)
}
