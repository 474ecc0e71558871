//! Proto ⇄ domain for the service-level calls: the calendar, policies, compliance, a
//! request's service level and the list order.

use chrono::{DateTime, Utc};
use glocal_kit::grpc::{parse_ts as from_ts, ts};
use glocal_proto::common::v1 as common;
use glocal_proto::requests::v1 as pb;

use super::{name_to_pb, request_type, type_to_pb};
use crate::domain::sla::{Holiday, SlaPolicy};
use crate::domain::{DepartmentCode, InvalidInput, LocalizedName, RequestSla};
use crate::service::{
    BusinessCalendarView, ComplianceFigures, HolidayDraft, RequestOrder, SlaPolicyDraft,
};

pub(super) fn request_sla_to_pb(s: RequestSla) -> pb::RequestSla {
    pb::RequestSla {
        first_response_clock: s.first_response_clock.as_str().to_owned(),
        resolution_clock: s.resolution_clock.as_str().to_owned(),
        paused_since: s.paused_since.map(ts),
        remaining_minutes: s.remaining_minutes,
        first_response_breached: s.first_response_breached,
        resolution_breached: s.resolution_breached,
        warned_at: s.warned_at.map(ts),
        breached_at: s.breached_at.map(ts),
        first_response_warned_at: s.first_response_warned_at.map(ts),
        first_response_breached_at: s.first_response_breached_at.map(ts),
    }
}

pub(super) fn order(v: i32) -> Result<RequestOrder, InvalidInput> {
    match pb::RequestOrder::try_from(v) {
        Ok(pb::RequestOrder::Unspecified | pb::RequestOrder::Newest) => Ok(RequestOrder::Newest),
        Ok(pb::RequestOrder::DueSoonest) => Ok(RequestOrder::DueSoonest),
        Err(_) => Err(InvalidInput::localized(
            "order",
            glocal_kit::i18n::Message::new("input-unknown-value").arg("value", v),
        )),
    }
}

pub(super) fn holiday_to_pb(h: Holiday) -> pb::Holiday {
    pb::Holiday {
        date: h.date.format("%Y-%m-%d").to_string(),
        kind: h.kind.as_str().to_owned(),
        name: Some(name_to_pb(h.name)),
    }
}

pub(super) fn holiday_draft(h: Option<pb::Holiday>) -> Result<HolidayDraft, InvalidInput> {
    let h = h.ok_or_else(|| InvalidInput::new("holiday", "is required"))?;
    let name = h.name.unwrap_or_default();
    Ok(HolidayDraft {
        date: h.date,
        kind: h.kind,
        name: localized(name),
    })
}

fn localized(t: common::LocalizedText) -> LocalizedName {
    LocalizedName {
        ko: t.ko,
        en: t.en,
        zh: t.zh,
        ja: t.ja,
    }
}

pub(super) fn calendar_to_pb(c: BusinessCalendarView) -> pb::BusinessCalendar {
    pb::BusinessCalendar {
        year: c.year,
        workday_start: c.workday_start.format("%H:%M").to_string(),
        workday_end: c.workday_end.format("%H:%M").to_string(),
        holidays: c.holidays.into_iter().map(holiday_to_pb).collect(),
        working_days: c.working_days,
    }
}

pub(super) fn policy_to_pb(p: SlaPolicy) -> pb::SlaPolicy {
    pb::SlaPolicy {
        r#type: type_to_pb(p.request_type) as i32,
        first_response_minutes: p.first_response.minutes,
        first_response_clock: p.first_response.clock.as_str().to_owned(),
        resolution_minutes: p.resolution.minutes,
        resolution_clock: p.resolution.clock.as_str().to_owned(),
        warning_percent: u32::from(p.warning_percent),
    }
}

pub(super) fn policy_draft(p: Option<pb::SlaPolicy>) -> Result<SlaPolicyDraft, InvalidInput> {
    let p = p.ok_or_else(|| InvalidInput::new("policy", "is required"))?;
    Ok(SlaPolicyDraft {
        request_type: request_type(p.r#type, "type")?
            .ok_or_else(|| InvalidInput::new("type", "is required"))?,
        first_response_minutes: p.first_response_minutes,
        first_response_clock: p.first_response_clock,
        resolution_minutes: p.resolution_minutes,
        resolution_clock: p.resolution_clock,
        warning_percent: p.warning_percent,
    })
}

/// A reporting period `[from, to)` with an optional department (compliance and survey figures).
pub(super) type PeriodQuery = (DateTime<Utc>, DateTime<Utc>, Option<DepartmentCode>);

/// Parses a reporting period: both ends required, an empty department code meaning all.
pub(super) fn period_query(
    from: Option<&prost_types::Timestamp>,
    to: Option<&prost_types::Timestamp>,
    department_code: &str,
) -> Result<PeriodQuery, InvalidInput> {
    let from = from
        .ok_or_else(|| InvalidInput::new("from", "is required"))
        .and_then(|t| from_ts(t, "from"))?;
    let to = to
        .ok_or_else(|| InvalidInput::new("to", "is required"))
        .and_then(|t| from_ts(t, "to"))?;
    let department = match department_code.trim() {
        "" => None,
        code => Some(DepartmentCode::parse(code).map_err(|e| e.at("departmentCode"))?),
    };
    Ok((from, to, department))
}

pub(super) fn compliance_query(
    m: pb::GetSlaComplianceRequest,
) -> Result<PeriodQuery, InvalidInput> {
    period_query(m.from.as_ref(), m.to.as_ref(), &m.department_code)
}

pub(super) fn compliance_to_pb(c: ComplianceFigures) -> pb::SlaComplianceRow {
    let t = c.tally;
    pb::SlaComplianceRow {
        department_code: c.department_code.unwrap_or_default(),
        r#type: type_to_pb(c.request_type) as i32,
        total: t.total,
        met: t.met,
        breached: t.breached,
        pending: t.pending,
        cancelled: t.cancelled,
        first_response_met: t.first_response_met,
        first_response_breached: t.first_response_breached,
        compliance_percent: t.compliance_percent(),
    }
}
