//! The business calendar and the service-level policies as data a bureau admin maintains
//! (every change audited in `sla_audit` and published as a change event), and the
//! compliance figures per department and request type over a period.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use glocal_kit::Caller;
use glocal_kit::audit::AuditEntry;
use glocal_kit::outbox::{self, AggregateId, Change as OutboxChange};
use glocal_kit::store::Tx;
use serde_json::json;

use super::{Actor, OnlineBureau, Result, Viewer};
use crate::domain::changes::{
    BUSINESS_CALENDAR, BUSINESS_CALENDAR_ID, SLA_POLICIES, SLA_POLICIES_ID,
};
use crate::domain::sla::{
    BusinessCalendar, Holiday, HolidayKind, SlaClock, SlaFacts, SlaPolicy, SlaStatus, SlaTarget,
    Tally,
};
use crate::domain::{DepartmentCode, InvalidInput, LocalizedName, RequestType};
use crate::error::RequestsError;
use crate::store::requests as request_store;
use crate::store::sla as sla_store;

/// One year of the business calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendarView {
    /// The year.
    pub year: i32,
    /// When the working day opens (KST).
    pub workday_start: NaiveTime,
    /// When it closes (KST).
    pub workday_end: NaiveTime,
    /// The year's holidays, in date order.
    pub holidays: Vec<Holiday>,
    /// Working days in the year (Monday to Friday, not holidays).
    pub working_days: u32,
}

/// A holiday to add or replace, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayDraft {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `PUBLIC`, `SUBSTITUTE` or `ONE_OFF`.
    pub kind: String,
    /// The name in the four languages, each required.
    pub name: LocalizedName,
}

/// A policy to set, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaPolicyDraft {
    /// The request type.
    pub request_type: RequestType,
    /// First-response target in minutes.
    pub first_response_minutes: i64,
    /// `BUSINESS` or `CALENDAR`.
    pub first_response_clock: String,
    /// Resolution target in minutes.
    pub resolution_minutes: i64,
    /// `BUSINESS` or `CALENDAR`.
    pub resolution_clock: String,
    /// Warning share in percent; 0 = the default (75).
    pub warning_percent: u32,
}

/// Compliance of one department and request type over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceFigures {
    /// The department (none: not routed).
    pub department_code: Option<String>,
    /// The request type.
    pub request_type: RequestType,
    /// The counts.
    pub tally: Tally,
}

const NAME_MAX: usize = 100;

fn parse_date(text: &str) -> Result<NaiveDate, InvalidInput> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        InvalidInput::localized(
            "date",
            glocal_kit::i18n::Message::new("input-not-a-date").arg("text", text),
        )
    })
}

fn parse_name(name: &LocalizedName) -> Result<LocalizedName, InvalidInput> {
    let one = |text: &str, field: &str| {
        let t = text.trim();
        if t.is_empty() || t.chars().count() > NAME_MAX {
            return Err(InvalidInput::localized(
                field,
                glocal_kit::i18n::Message::new("input-required-at-most").arg("max", NAME_MAX),
            ));
        }
        Ok(t.to_owned())
    };
    Ok(LocalizedName {
        ko: one(&name.ko, "name.ko")?,
        en: one(&name.en, "name.en")?,
        zh: one(&name.zh, "name.zh")?,
        ja: one(&name.ja, "name.ja")?,
    })
}

impl HolidayDraft {
    /// The holiday, or the first field that is wrong.
    pub fn parse(&self) -> Result<Holiday, InvalidInput> {
        Ok(Holiday {
            date: parse_date(&self.date)?,
            kind: HolidayKind::parse(self.kind.trim())?,
            name: parse_name(&self.name)?,
        })
    }
}

impl SlaPolicyDraft {
    /// The policy, or the first field that is wrong.
    pub fn parse(&self) -> Result<SlaPolicy, InvalidInput> {
        let clock = |t: &str, field: &str| {
            SlaClock::parse(t.trim()).map_err(|e| InvalidInput::new(field, e.to_string()))
        };
        let first = SlaTarget::parse(
            self.first_response_minutes,
            clock(&self.first_response_clock, "firstResponseClock")?,
            "firstResponseMinutes",
        )?;
        let resolution = SlaTarget::parse(
            self.resolution_minutes,
            clock(&self.resolution_clock, "resolutionClock")?,
            "resolutionMinutes",
        )?;
        let percent = match self.warning_percent {
            0 => crate::domain::sla::DEFAULT_WARNING_PERCENT,
            p => u8::try_from(p).unwrap_or(u8::MAX),
        };
        SlaPolicy::new(self.request_type, first, resolution, percent)
    }
}

pub(super) fn audit_entry(
    aggregate_type: &str,
    id: String,
    action: &str,
    (from, to): (Option<String>, Option<String>),
    actor: &Actor,
    at: DateTime<Utc>,
    note: String,
) -> AuditEntry {
    AuditEntry {
        aggregate_type: aggregate_type.to_owned(),
        aggregate_id: AggregateId::Text(id),
        action: action.to_owned(),
        from_state: from,
        to_state: to,
        actor_subject: actor.subject.clone(),
        actor_name: actor.name.clone(),
        at,
        note,
    }
}

fn describe(p: &SlaPolicy) -> String {
    format!(
        "first response {} {} min, resolution {} {} min, warning at {} %",
        p.first_response.minutes,
        p.first_response.clock,
        p.resolution.minutes,
        p.resolution.clock,
        p.warning_percent
    )
}

impl OnlineBureau {
    pub(super) fn require_bureau_admin(viewer: &Viewer, what: &str) -> Result<()> {
        match viewer {
            Viewer::Admin => Ok(()),
            _ => Err(RequestsError::only(
                "BUREAU_ADMIN_ONLY",
                "rule-only-bureau-admins",
                what,
            )),
        }
    }

    /// One year (2000–2100) of the business calendar; any signed-in caller may read it.
    pub async fn business_calendar(
        &self,
        caller: Option<&Caller>,
        year: i32,
    ) -> Result<BusinessCalendarView> {
        self.viewer(caller).await?;
        if !(2000..=2100).contains(&year) {
            return Err(RequestsError::invalid(
                "year",
                "must be between 2000 and 2100",
            ));
        }
        let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January");
        let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December");
        // Read as it stands (not through the reference cache): an administrator changing the
        // calendar sees the change in this view at once, on every replica.
        let holidays = sla_store::holidays_between(&self.db, first, last).await?;
        let (opens, closes) = self.config.workday;
        let calendar = BusinessCalendar::new(opens, closes, holidays.iter().map(|h| h.date))?;
        let working_days = first
            .iter_days()
            .take_while(|d| d.year() == year)
            .filter(|d| calendar.is_working_day(*d))
            .count();
        Ok(BusinessCalendarView {
            year,
            workday_start: calendar.opens(),
            workday_end: calendar.closes(),
            holidays,
            working_days: u32::try_from(working_days).unwrap_or(u32::MAX),
        })
    }

    /// Adds a holiday or replaces the one on its date (bureau admins). Due times already
    /// set do not move; due times computed from now on skip the day.
    pub async fn set_holiday(
        &self,
        caller: Option<&Caller>,
        draft: HolidayDraft,
    ) -> Result<Holiday> {
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau_admin(&viewer, "action-change-the-business-calendar")?;
        let holiday = draft.parse()?;
        let tx = self.db.begin().await?;
        let before = sla_store::holiday_on(&tx, holiday.date).await?;
        sla_store::upsert_holiday(&tx, &holiday).await?;
        let now = self.now();
        let entry = audit_entry(
            BUSINESS_CALENDAR,
            holiday.date.to_string(),
            "SET_HOLIDAY",
            (
                before.as_ref().map(|h| h.kind.as_str().to_owned()),
                Some(holiday.kind.as_str().to_owned()),
            ),
            &actor,
            now,
            holiday.name.en.clone(),
        );
        self.calendar_changed(&tx, &entry, Some(&holiday), now)
            .await?;
        tx.commit().await?;
        self.reference.forget();
        Ok(holiday)
    }

    /// Removes the holiday on `date` (bureau admins); NOT_FOUND when there is none.
    pub async fn remove_holiday(&self, caller: Option<&Caller>, date: &str) -> Result<Holiday> {
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau_admin(&viewer, "action-change-the-business-calendar")?;
        let date = parse_date(date)?;
        let tx = self.db.begin().await?;
        let Some(before) = sla_store::holiday_on(&tx, date).await? else {
            return Err(RequestsError::NotFound("holiday"));
        };
        sla_store::delete_holiday(&tx, date).await?;
        let now = self.now();
        let entry = audit_entry(
            BUSINESS_CALENDAR,
            date.to_string(),
            "REMOVE_HOLIDAY",
            (Some(before.kind.as_str().to_owned()), None),
            &actor,
            now,
            before.name.en.clone(),
        );
        self.calendar_changed(&tx, &entry, None, now).await?;
        tx.commit().await?;
        self.reference.forget();
        Ok(before)
    }

    async fn calendar_changed(
        &self,
        tx: &Tx,
        entry: &AuditEntry,
        holiday: Option<&Holiday>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sla_store::audit(tx, entry).await?;
        let payload = json!({
            "action": entry.action,
            "date": match &entry.aggregate_id { AggregateId::Text(t) => t.clone(), AggregateId::Uuid(u) => u.to_string() },
            "kind": holiday.map(|h| h.kind.as_str()),
            "name": holiday.map(|h| json!({"ko": h.name.ko, "en": h.name.en, "zh": h.name.zh, "ja": h.name.ja})),
            "actor": entry.actor_subject,
        });
        let change = OutboxChange::new(
            BUSINESS_CALENDAR,
            BUSINESS_CALENDAR_ID,
            "BusinessCalendarChanged",
            payload,
        );
        outbox::append(tx, &change, now).await?;
        tracing::info!(action = %entry.action, date = ?entry.aggregate_id, "business calendar changed");
        Ok(())
    }

    /// Every request type's policy; any signed-in caller may read them.
    pub async fn sla_policies(&self, caller: Option<&Caller>) -> Result<Vec<SlaPolicy>> {
        self.viewer(caller).await?;
        sla_store::policies(&self.db).await
    }

    /// Sets a request type's policy (bureau admins). Requests already submitted keep their
    /// due times; the policy applies to requests submitted or reopened from now on.
    pub async fn set_sla_policy(
        &self,
        caller: Option<&Caller>,
        draft: SlaPolicyDraft,
    ) -> Result<SlaPolicy> {
        let (viewer, actor) = self.viewer(caller).await?;
        Self::require_bureau_admin(&viewer, "action-change-service-level-policies")?;
        let policy = draft.parse()?;
        let tx = self.db.begin().await?;
        let before = sla_store::policy_of(&tx, policy.request_type).await?;
        sla_store::upsert_policy(&tx, &policy).await?;
        let now = self.now();
        let entry = audit_entry(
            SLA_POLICIES,
            policy.request_type.as_str().to_owned(),
            "SET_POLICY",
            (None, None),
            &actor,
            now,
            format!("{} → {}", describe(&before), describe(&policy)),
        );
        sla_store::audit(&tx, &entry).await?;
        let payload = json!({
            "type": policy.request_type.as_str(),
            "firstResponseMinutes": policy.first_response.minutes,
            "firstResponseClock": policy.first_response.clock.as_str(),
            "resolutionMinutes": policy.resolution.minutes,
            "resolutionClock": policy.resolution.clock.as_str(),
            "warningPercent": policy.warning_percent,
            "actor": actor.subject,
        });
        let change = OutboxChange::new(SLA_POLICIES, SLA_POLICIES_ID, "SlaPolicyChanged", payload);
        outbox::append(&tx, &change, now).await?;
        tx.commit().await?;
        self.reference.forget();
        Ok(policy)
    }

    /// Compliance per department and request type of the requests submitted in
    /// `[from, to)`, as they stand now: admins see every department, staff their own (and
    /// what is assigned to them); `department` narrows it to one.
    pub async fn sla_compliance(
        &self,
        caller: Option<&Caller>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        department: Option<DepartmentCode>,
    ) -> Result<Vec<ComplianceFigures>> {
        let (viewer, _) = self.viewer(caller).await?;
        Self::require_bureau(&viewer, "action-read-compliance-figures")?;
        if to <= from {
            return Err(RequestsError::invalid("to", "must be after `from`"));
        }
        let now = self.now();
        let calendar = self.calendar(&self.db).await?;
        let rows = request_store::submitted_between(&self.db, from, to).await?;
        let mut groups: BTreeMap<(Option<String>, RequestType), Tally> = BTreeMap::new();
        for row in rows.iter().filter(|r| Self::visible(&viewer, r)) {
            if department
                .as_ref()
                .is_some_and(|d| row.department_code.as_deref() != Some(d.as_str()))
            {
                continue;
            }
            let open = row.state.is_open();
            let facts = SlaFacts {
                open,
                first_response_due_at: row.first_response_due_at,
                first_responded_at: row.first_responded_at,
                resolution_due_at: row.resolution_due_at,
                final_responded_at: row.final_responded_at,
                paused_at: row.paused_at,
                breached_at: row.breached_at,
                first_response_breached_at: row.first_response_breached_at,
                resolution_clock: row.resolution_clock,
            };
            let status = SlaStatus::at(&calendar, &facts, now);
            groups
                .entry((row.department_code.clone(), row.request_type))
                .or_default()
                .count(
                    open,
                    row.final_responded_at.is_some(),
                    row.first_responded_at.is_some(),
                    &status,
                );
        }
        Ok(groups
            .into_iter()
            .map(
                |((department_code, request_type), tally)| ComplianceFigures {
                    department_code,
                    request_type,
                    tally,
                },
            )
            .collect())
    }
}
