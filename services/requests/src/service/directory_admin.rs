//! The directory's administration (ADR 0035): bureau admins create and update local
//! governments and departments, onboard staff, change their languages, request types and
//! absences, and record a departure, whose open requests are handed on in the same
//! transaction; and the operator's import of the local-government list. Every change is
//! audited in `directory_audit` and published on the outbox, one transaction each.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use glocal_kit::Caller;
use glocal_kit::audit::{self, AuditEntry};
use glocal_kit::error::{ErrorCode, Refusal};
use glocal_kit::i18n::Message;
use glocal_kit::outbox::{self, Change as OutboxChange};
use glocal_kit::store::Tx;
use serde_json::json;

use super::calendar::audit_entry;
use super::workflow::{Change, STATE_CHANGED};
use super::{Actor, OnlineBureau, Result};
use crate::domain::changes::{DIRECTORY, DIRECTORY_ID};
use crate::domain::directory::{
    CsvError, DepartmentDraft, LocalGovernmentDraft, StaffChanges, StaffDraft, check_names,
    parse_csv,
};
use crate::domain::sla::kst_date;
use crate::domain::{
    Action, Department, DepartmentCode, LocalGovernment, LocalizedName, RequestId, RequestState,
    StaffId, StaffMember, transition,
};
use crate::error::RequestsError;
use crate::store::{directory as dir_store, requests as request_store};

/// The table directory changes are audited in.
const AUDIT_TABLE: &str = "directory_audit";

/// Who an import acts as in audit rows and change events.
const IMPORT_ACTOR: &str = "glocal-import";

/// A staff member's departure: the member as left, and the requests handed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    /// The member, inactive and departed.
    pub member: StaffMember,
    /// Each open request handed on, and to whom (`None`: back to the department's queue).
    pub reassigned: Vec<(RequestId, Option<String>)>,
}

/// What an import of the local-government list changes (or would change, on a dry run).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportReport {
    /// Local governments not in the directory yet.
    pub added: Vec<LocalGovernment>,
    /// Local governments whose names, level or parent change: before and after.
    pub changed: Vec<(LocalGovernment, LocalGovernment)>,
    /// How many lines match the directory already.
    pub unchanged: usize,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for lg in &self.added {
            writeln!(
                f,
                "add     {} {} ({}) {}",
                lg.code, lg.name.ko, lg.name.en, lg.level
            )?;
        }
        for (before, after) in &self.changed {
            writeln!(
                f,
                "change  {} {}",
                after.code,
                describe_change(before, after)
            )?;
        }
        let verb = if self.dry_run {
            "dry run, nothing written"
        } else {
            "imported"
        };
        writeln!(
            f,
            "{verb}: {} added, {} changed, {} unchanged",
            self.added.len(),
            self.changed.len(),
            self.unchanged
        )
    }
}

/// The fields that differ between two versions of a local government.
fn describe_change(before: &LocalGovernment, after: &LocalGovernment) -> String {
    let mut parts = Vec::new();
    let mut field = |name: &str, a: &str, b: &str| {
        if a != b {
            parts.push(format!("{name}: {a:?} -> {b:?}"));
        }
    };
    field("name_ko", &before.name.ko, &after.name.ko);
    field("name_en", &before.name.en, &after.name.en);
    field("name_zh", &before.name.zh, &after.name.zh);
    field("name_ja", &before.name.ja, &after.name.ja);
    field("level", &before.level, &after.level);
    field(
        "parent",
        before.parent_code.as_deref().unwrap_or(""),
        after.parent_code.as_deref().unwrap_or(""),
    );
    parts.join("; ")
}

/// Why an import did not happen: the file (with its line) or the database.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is refused; nothing was written.
    #[error(transparent)]
    File(#[from] CsvError),
    /// The directory could not be read or written.
    #[error(transparent)]
    Service(#[from] RequestsError),
}

fn refused(reason: &'static str, said: Message) -> RequestsError {
    RequestsError::Refused(Refusal::said(ErrorCode::BadUserInput, reason, said))
}

impl OnlineBureau {
    /// Writes the audit row and the change event of a directory change.
    #[allow(clippy::too_many_arguments)]
    async fn record(
        tx: &Tx,
        actor: &Actor,
        now: DateTime<Utc>,
        (aggregate, id): (&str, &str),
        action: &str,
        event_type: &str,
        (from, to): (Option<String>, Option<String>),
        note: String,
        payload: serde_json::Value,
    ) -> Result<()> {
        let entry: AuditEntry = audit_entry(
            aggregate,
            id.to_owned(),
            action,
            (from, to),
            actor,
            now,
            note,
        );
        audit::insert(tx, AUDIT_TABLE, &entry).await?;
        let change =
            OutboxChange::new(DIRECTORY, DIRECTORY_ID, event_type, payload).touching(aggregate, id);
        outbox::append(tx, &change, now).await?;
        Ok(())
    }

    /// Creates (`create`) or updates a local government (bureau admins). Refused with
    /// `DUPLICATE_CODE` when creating a code that exists, NOT_FOUND when updating one that
    /// does not, and by the parent rule ([`LocalGovernmentDraft::check_parent`]).
    pub async fn save_local_government(
        &self,
        caller: Option<&Caller>,
        draft: LocalGovernmentDraft,
        create: bool,
    ) -> Result<LocalGovernment> {
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau_admin(&viewer, "action-change-local-governments")?;
        let tx = self.db.begin().await?;
        let code = draft.code.as_str();
        let before = dir_store::local_government(&tx, code).await?;
        match (&before, create) {
            (Some(_), true) => {
                return Err(refused(
                    "DUPLICATE_CODE",
                    Message::new("directory-duplicate-code").arg("code", code),
                ));
            }
            (None, false) => return Err(RequestsError::NotFound("local government")),
            _ => {}
        }
        let parent = match &draft.parent_code {
            Some(p) => dir_store::local_government(&tx, p.as_str()).await?,
            None => None,
        };
        draft.check_parent(parent.as_ref())?;
        if !create && !draft.level.is_upper_tier() && dir_store::has_children(&tx, code).await? {
            return Err(refused(
                "HAS_BASIC_GOVERNMENTS",
                Message::new("directory-has-children").arg("code", code),
            ));
        }
        let after = draft.to_view();
        if before.as_ref() == Some(&after) {
            return Ok(after);
        }
        if create {
            dir_store::insert_local_government(&tx, &after).await?;
        } else {
            dir_store::update_local_government(&tx, &after).await?;
        }
        let now = self.now();
        let note = match &before {
            Some(b) => describe_change(b, &after),
            None => format!("{} {}", after.name.ko, after.name.en),
        };
        Self::record(
            &tx,
            &actor,
            now,
            ("LocalGovernment", code),
            if create { "CREATE" } else { "UPDATE" },
            "LocalGovernmentSaved",
            (None, Some(after.level.clone())),
            note,
            json!({ "code": code, "level": after.level, "parentCode": after.parent_code, "actor": actor.subject }),
        )
        .await?;
        tx.commit().await?;
        self.reference.forget();
        tracing::info!(code, create, "local government saved");
        Ok(after)
    }

    /// Creates a department (bureau admins); `DUPLICATE_CODE` when it exists. A new
    /// department has no staff yet, so no lead: name one with [`Self::update_department`].
    pub async fn create_department(
        &self,
        caller: Option<&Caller>,
        code: DepartmentCode,
        name: LocalizedName,
    ) -> Result<Department> {
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau_admin(&viewer, "action-create-departments")?;
        let name = check_names(name)?;
        let tx = self.db.begin().await?;
        if dir_store::department_exists(&tx, code.as_str()).await? {
            return Err(refused(
                "DUPLICATE_CODE",
                Message::new("directory-duplicate-code").arg("code", code.as_str()),
            ));
        }
        let dept = Department {
            code: code.as_str().to_owned(),
            name,
            lead_staff_id: None,
        };
        dir_store::insert_department(&tx, &dept).await?;
        Self::record(
            &tx,
            &actor,
            self.now(),
            ("Department", &dept.code),
            "CREATE",
            "DepartmentSaved",
            (None, None),
            format!("{} {}", dept.name.ko, dept.name.en),
            json!({ "code": dept.code, "actor": actor.subject }),
        )
        .await?;
        tx.commit().await?;
        self.reference.forget();
        Ok(dept)
    }

    /// Renames a department and/or names its lead (bureau admins). The lead must be an
    /// active member of the department: `LEAD_NOT_IN_DEPARTMENT`, `LEAD_DEPARTED`.
    pub async fn update_department(
        &self,
        caller: Option<&Caller>,
        draft: DepartmentDraft,
    ) -> Result<Department> {
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau_admin(&viewer, "action-change-departments")?;
        let name = draft.name.map(check_names).transpose()?;
        let tx = self.db.begin().await?;
        let before = dir_store::department(&tx, draft.code.as_str())
            .await?
            .ok_or(RequestsError::NotFound("department"))?;
        let mut after = before.clone();
        if let Some(name) = name {
            after.name = name;
        }
        if let Some(lead) = &draft.lead_staff_id {
            let member = dir_store::staff_by_ids(&tx, &[lead.as_str().to_owned()])
                .await?
                .pop()
                .ok_or_else(|| RequestsError::invalid("leadStaffId", "unknown staff member"))?;
            if member.department_code != after.code {
                return Err(refused(
                    "LEAD_NOT_IN_DEPARTMENT",
                    Message::new("directory-lead-not-in-department")
                        .arg("staff", &member.id)
                        .arg("department", &after.code),
                ));
            }
            if !member.active {
                return Err(refused(
                    "LEAD_DEPARTED",
                    Message::new("directory-lead-departed").arg("staff", &member.id),
                ));
            }
            after.lead_staff_id = Some(member.id);
        }
        if after == before {
            return Ok(after);
        }
        dir_store::update_department(&tx, &after).await?;
        Self::record(
            &tx,
            &actor,
            self.now(),
            ("Department", &after.code),
            "UPDATE",
            "DepartmentSaved",
            (before.lead_staff_id.clone(), after.lead_staff_id.clone()),
            format!("{} {}", after.name.ko, after.name.en),
            json!({
                "code": after.code,
                "fromLeadStaffId": before.lead_staff_id,
                "leadStaffId": after.lead_staff_id,
                "actor": actor.subject,
            }),
        )
        .await?;
        tx.commit().await?;
        self.reference.forget();
        Ok(after)
    }

    /// Onboards a staff member (bureau admins): `DUPLICATE_STAFF_ID`, `DUPLICATE_SUBJECT`,
    /// or BAD_USER_INPUT for an unknown department.
    pub async fn onboard_staff(
        &self,
        caller: Option<&Caller>,
        draft: StaffDraft,
    ) -> Result<StaffMember> {
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau_admin(&viewer, "action-onboard-staff")?;
        let tx = self.db.begin().await?;
        if !dir_store::department_exists(&tx, draft.department_code.as_str()).await? {
            return Err(RequestsError::invalid(
                "departmentCode",
                "unknown department",
            ));
        }
        let (id_taken, subject_taken) =
            dir_store::staff_exists(&tx, draft.id.as_str(), &draft.subject).await?;
        if id_taken {
            return Err(refused(
                "DUPLICATE_STAFF_ID",
                Message::new("directory-duplicate-code").arg("code", draft.id.as_str()),
            ));
        }
        if subject_taken {
            return Err(refused(
                "DUPLICATE_SUBJECT",
                Message::new("directory-duplicate-subject").arg("subject", &draft.subject),
            ));
        }
        let member = StaffMember {
            id: draft.id.as_str().to_owned(),
            name: draft.name,
            department_code: draft.department_code.as_str().to_owned(),
            active: true,
            availability: crate::domain::directory::Availability {
                languages: draft
                    .languages
                    .iter()
                    .map(|l| l.as_str().to_owned())
                    .collect(),
                request_types: draft.request_types,
                ..Default::default()
            },
        };
        dir_store::insert_staff(&tx, &member, &draft.subject).await?;
        Self::record(
            &tx,
            &actor,
            self.now(),
            ("Staff", &member.id),
            "ONBOARD",
            "StaffSaved",
            (None, Some("ACTIVE".into())),
            format!("{} ({})", member.name, member.department_code),
            json!({ "id": member.id, "department": member.department_code, "actor": actor.subject }),
        )
        .await?;
        tx.commit().await?;
        self.reference.forget();
        tracing::info!(staff = %member.id, "staff member onboarded");
        Ok(member)
    }

    /// Changes a staff member's name, department, languages, request types or absences
    /// (bureau admins). Moving to another department ends any lead role in the old one.
    pub async fn update_staff(
        &self,
        caller: Option<&Caller>,
        id: StaffId,
        changes: StaffChanges,
    ) -> Result<StaffMember> {
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau_admin(&viewer, "action-change-staff")?;
        let tx = self.db.begin().await?;
        let before = dir_store::staff_by_ids(&tx, &[id.as_str().to_owned()])
            .await?
            .pop()
            .ok_or(RequestsError::NotFound("staff member"))?;
        let mut after = before.clone();
        if let Some(name) = changes.name {
            after.name = name;
        }
        if let Some(dept) = &changes.department_code {
            if !dir_store::department_exists(&tx, dept.as_str()).await? {
                return Err(RequestsError::invalid(
                    "departmentCode",
                    "unknown department",
                ));
            }
            after.department_code = dept.as_str().to_owned();
        }
        if let Some(languages) = changes.languages {
            after.availability.languages =
                languages.iter().map(|l| l.as_str().to_owned()).collect();
        }
        if let Some(types) = changes.request_types {
            after.availability.request_types = types;
        }
        if let Some(mut absences) = changes.absences {
            absences.sort();
            absences.dedup();
            dir_store::replace_absences(&tx, &after.id, &absences).await?;
            after.availability.absences = absences;
        }
        if after == before {
            return Ok(after);
        }
        dir_store::update_staff(&tx, &after).await?;
        let now = self.now();
        if after.department_code != before.department_code {
            Self::clear_leads(&tx, &actor, now, &after.id).await?;
        }
        let absences: Vec<String> = after
            .availability
            .absences
            .iter()
            .map(|a| format!("{}..{}", a.from(), a.to()))
            .collect();
        Self::record(
            &tx,
            &actor,
            now,
            ("Staff", &after.id),
            "UPDATE",
            "StaffSaved",
            (None, None),
            format!(
                "{} ({}); languages {}; types {}; absences {}",
                after.name,
                after.department_code,
                after.availability.languages.join(","),
                after
                    .availability
                    .request_types
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                absences.join(",")
            ),
            json!({ "id": after.id, "department": after.department_code, "actor": actor.subject }),
        )
        .await?;
        tx.commit().await?;
        self.reference.forget();
        Ok(after)
    }

    /// Ends the lead role of `staff_id` wherever they hold one (audited).
    async fn clear_leads(tx: &Tx, actor: &Actor, now: DateTime<Utc>, staff_id: &str) -> Result<()> {
        for mut dept in dir_store::departments_led_by(tx, staff_id).await? {
            dept.lead_staff_id = None;
            dir_store::update_department(tx, &dept).await?;
            Self::record(
                tx,
                actor,
                now,
                ("Department", &dept.code),
                "CLEAR_LEAD",
                "DepartmentSaved",
                (Some(staff_id.to_owned()), None),
                format!("{staff_id} no longer leads {}", dept.code),
                json!({ "code": dept.code, "fromLeadStaffId": staff_id, "leadStaffId": null, "actor": actor.subject }),
            )
            .await?;
        }
        Ok(())
    }

    /// Records that a staff member left (bureau admins): inactive from now, no longer a
    /// lead, and each of their open requests handed on in the same transaction — to the
    /// request's department's lead when available, else to its least-loaded available
    /// member, else back to the department's queue — with a history row and the same change
    /// event (and so the same notice) as a manual reassignment. CONFLICT
    /// (`ALREADY_DEPARTED`) for someone who already left.
    pub async fn depart_staff(
        &self,
        caller: Option<&Caller>,
        id: StaffId,
        note: String,
    ) -> Result<Departure> {
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau_admin(&viewer, "action-record-departures")?;
        let tx = self.db.begin().await?;
        let mut member = dir_store::staff_by_ids(&tx, &[id.as_str().to_owned()])
            .await?
            .pop()
            .ok_or(RequestsError::NotFound("staff member"))?;
        if member.availability.departed_at.is_some() {
            return Err(RequestsError::Refused(Refusal::said(
                ErrorCode::Conflict,
                "ALREADY_DEPARTED",
                Message::new("directory-already-departed").arg("staff", &member.id),
            )));
        }
        let now = self.now();
        member.active = false;
        member.availability.departed_at = Some(now);
        dir_store::update_staff(&tx, &member).await?;
        Self::clear_leads(&tx, &actor, now, &member.id).await?;
        Self::record(
            &tx,
            &actor,
            now,
            ("Staff", &member.id),
            "DEPART",
            "StaffDeparted",
            (Some("ACTIVE".into()), Some("DEPARTED".into())),
            note.trim().to_owned(),
            json!({ "id": member.id, "department": member.department_code, "actor": actor.subject }),
        )
        .await?;
        let open =
            request_store::assigned_to(&tx, &member.id, &RequestState::open_states()).await?;
        let today = kst_date(now);
        let mut reassigned = Vec::new();
        for row in open {
            let department = row
                .department_code
                .clone()
                .unwrap_or_else(|| member.department_code.clone());
            let lead = match dir_store::department(&tx, &department).await? {
                Some(Department {
                    lead_staff_id: Some(lead),
                    ..
                }) => dir_store::staff_by_ids(&tx, &[lead]).await?.pop(),
                _ => None,
            }
            .filter(|l| l.available_for(Some(row.request_type), today));
            let target = match lead {
                Some(lead) => Some(lead),
                None => Self::least_loaded(&tx, &department, Some(row.request_type), today)
                    .await?
                    .map(|(m, _)| m),
            };
            let action = match (&target, transition(row.state, Action::ReassignToDepartment)) {
                (None, Ok(_)) => Action::ReassignToDepartment,
                _ => Action::Reassign,
            };
            let to = transition(row.state, action)?;
            let said = match &target {
                Some(t) => Message::new("history-reassigned-departed")
                    .arg("staff", &t.id)
                    .arg("name", &t.name),
                None => Message::new("history-reassigned-departed-unstaffed"),
            }
            .arg("departed", &member.name)
            .arg("department", &department);
            let mut after = row.clone();
            after.department_code = Some(department);
            after.assignee_id = target.as_ref().map(|t| t.id.clone());
            let change = Change {
                event_type: STATE_CHANGED,
                action,
                to,
                note: said.store(),
                after,
                message: None,
            };
            self.apply(&tx, &row, &actor, now, change).await?;
            reassigned.push((row.id, target.map(|t| t.id)));
        }
        tx.commit().await?;
        self.reference.forget();
        tracing::info!(staff = %member.id, handed_on = reassigned.len(), "staff member departed");
        Ok(Departure { member, reassigned })
    }

    /// Imports the local-government list (`glocal import local-governments`): checks the
    /// whole file first (refusing it with the line at fault, nothing written), then adds
    /// the new codes and updates the changed ones in one transaction, each audited as the
    /// import; a second run of the same file changes nothing. `dry_run` reports the same
    /// changes without writing.
    pub async fn import_local_governments(
        &self,
        text: &str,
        dry_run: bool,
    ) -> Result<ImportReport, ImportError> {
        let existing: HashMap<String, LocalGovernment> = dir_store::all_local_governments(&self.db)
            .await?
            .into_iter()
            .map(|l| (l.code.clone(), l))
            .collect();
        let lines = parse_csv(text, &|code| existing.get(code).cloned())?;
        let mut report = ImportReport {
            dry_run,
            ..ImportReport::default()
        };
        for l in &lines {
            let after = l.draft.to_view();
            match existing.get(&after.code) {
                None => report.added.push(after),
                Some(before) if *before == after => report.unchanged += 1,
                Some(before) => report.changed.push((before.clone(), after)),
            }
        }
        if dry_run || (report.added.is_empty() && report.changed.is_empty()) {
            return Ok(report);
        }
        let actor = Actor {
            subject: IMPORT_ACTOR.into(),
            name: IMPORT_ACTOR.into(),
        };
        let now = self.now();
        let tx = self.db.begin().await.map_err(RequestsError::from)?;
        // Parents first, so that a basic government's parent exists when it is written.
        let mut added: Vec<&LocalGovernment> = report.added.iter().collect();
        added.sort_by_key(|l| l.parent_code.is_some());
        for lg in added {
            dir_store::insert_local_government(&tx, lg).await?;
            Self::record(
                &tx,
                &actor,
                now,
                ("LocalGovernment", &lg.code),
                "IMPORT_CREATE",
                "LocalGovernmentSaved",
                (None, Some(lg.level.clone())),
                format!("{} {}", lg.name.ko, lg.name.en),
                json!({ "code": lg.code, "level": lg.level, "parentCode": lg.parent_code, "actor": IMPORT_ACTOR }),
            )
            .await?;
        }
        for (before, after) in &report.changed {
            dir_store::update_local_government(&tx, after).await?;
            Self::record(
                &tx,
                &actor,
                now,
                ("LocalGovernment", &after.code),
                "IMPORT_UPDATE",
                "LocalGovernmentSaved",
                (Some(before.level.clone()), Some(after.level.clone())),
                describe_change(before, after),
                json!({ "code": after.code, "level": after.level, "parentCode": after.parent_code, "actor": IMPORT_ACTOR }),
            )
            .await?;
        }
        tx.commit().await.map_err(RequestsError::from)?;
        self.reference.forget();
        tracing::info!(
            added = report.added.len(),
            changed = report.changed.len(),
            "local governments imported"
        );
        Ok(report)
    }
}
