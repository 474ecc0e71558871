//! Service levels of the Online Bureau: a request's `sla`, the business calendar, the
//! per-type policies, compliance figures, and the question that pauses a request's clock.

use crate::schema::scalars::DateTime;
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use glocal_proto::common::v1::LocalizedText;
use glocal_proto::requests::v1 as pb;

use super::statistics::{RequestStatisticsDimension, RequestStatisticsRow};
use super::{ServiceRequest, ServiceRequestType};
use crate::schema::common::{datetime, non_empty, timestamp};
use crate::schema::language::{self, Language};
use crate::schema::scalars::Date;
use crate::upstream::error;
use crate::upstream::{Requests, call, read};

/// How a service-level target counts time.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaClock {
    /// Working hours (09:00–18:00 KST by default) of working days only.
    Business,
    /// Every minute, nights, weekends and holidays included.
    Calendar,
}

impl SlaClock {
    fn parse(s: &str) -> Result<Self> {
        match s {
            "BUSINESS" => Ok(Self::Business),
            "CALENDAR" => Ok(Self::Calendar),
            other => Err(error::internal(format!("unknown clock `{other}`"))),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Business => "BUSINESS",
            Self::Calendar => "CALENDAR",
        }
    }
}

/// Why a day is off.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayKind {
    /// A statutory public holiday (Seollal, Buddha's Birthday and Chuseok included).
    Public,
    /// A substitute for a holiday that fell on a weekend or another holiday.
    Substitute,
    /// A day off the government designates once (an election day, a temporary holiday).
    OneOff,
}

impl HolidayKind {
    fn parse(s: &str) -> Result<Self> {
        match s {
            "PUBLIC" => Ok(Self::Public),
            "SUBSTITUTE" => Ok(Self::Substitute),
            "ONE_OFF" => Ok(Self::OneOff),
            other => Err(error::internal(format!("unknown holiday kind `{other}`"))),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Public => "PUBLIC",
            Self::Substitute => "SUBSTITUTE",
            Self::OneOff => "ONE_OFF",
        }
    }
}

/// The order of the request list.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServiceRequestOrder {
    /// Newest first.
    #[default]
    Newest,
    /// The resolution due soonest first (the staff queue).
    DueSoonest,
}

impl ServiceRequestOrder {
    pub(super) fn to_proto(self) -> pb::RequestOrder {
        match self {
            Self::Newest => pb::RequestOrder::Newest,
            Self::DueSoonest => pb::RequestOrder::DueSoonest,
        }
    }
}

/// A request's service level: its due times, the pause, the time left and any breach.
pub struct ServiceRequestSla {
    pub(super) sla: pb::RequestSla,
    pub(super) first_response_due_at: Option<prost_types::Timestamp>,
    pub(super) resolution_due_at: Option<prost_types::Timestamp>,
}

/// A request's service level.
#[Object]
impl ServiceRequestSla {
    /// When the first (mid or final) response is due.
    async fn first_response_due_at(&self) -> Option<DateTime> {
        datetime(self.first_response_due_at.as_ref())
    }

    /// When the final response is due.
    async fn resolution_due_at(&self) -> Option<DateTime> {
        datetime(self.resolution_due_at.as_ref())
    }

    /// How the first-response target counts time.
    async fn first_response_clock(&self) -> Result<SlaClock> {
        SlaClock::parse(&self.sla.first_response_clock)
    }

    /// How the resolution target counts time.
    async fn resolution_clock(&self) -> Result<SlaClock> {
        SlaClock::parse(&self.sla.resolution_clock)
    }

    /// Awaiting the requester since then: the clock stands still until they reply.
    async fn paused_since(&self) -> Option<DateTime> {
        datetime(self.sla.paused_since.as_ref())
    }

    /// Minutes left until the resolution is due, counted on the resolution's clock
    /// (business minutes for a business-hours target); negative past the due time; null
    /// once answered in full. While paused, counted to the pause's start.
    async fn remaining_minutes(&self) -> Option<i64> {
        self.sla.remaining_minutes
    }

    /// The first response is (or was) late.
    async fn first_response_breached(&self) -> bool {
        self.sla.first_response_breached
    }

    /// The final response is (or was) late.
    async fn resolution_breached(&self) -> bool {
        self.sla.resolution_breached
    }

    /// When the assignee was warned that the deadline nears.
    async fn warned_at(&self) -> Option<DateTime> {
        datetime(self.sla.warned_at.as_ref())
    }

    /// When the breach was recorded (and the department's lead notified).
    async fn breached_at(&self) -> Option<DateTime> {
        datetime(self.sla.breached_at.as_ref())
    }

    /// When the assignee was warned that the first-response time nears.
    async fn first_response_warned_at(&self) -> Option<DateTime> {
        datetime(self.sla.first_response_warned_at.as_ref())
    }

    /// When the first response's breach was recorded (and the department's lead notified).
    async fn first_response_breached_at(&self) -> Option<DateTime> {
        datetime(self.sla.first_response_breached_at.as_ref())
    }
}

impl ServiceRequest {
    pub(super) fn sla_view(&self) -> ServiceRequestSla {
        ServiceRequestSla {
            sla: self.0.sla.clone().unwrap_or_default(),
            first_response_due_at: self.0.first_response_due_at,
            resolution_due_at: self.0.resolution_due_at,
        }
    }
}

/// A day off in the bureau's business calendar.
pub struct Holiday(pb::Holiday);

/// A day off.
#[Object]
impl Holiday {
    /// The day (Korea Standard Time).
    async fn date(&self) -> Result<Date> {
        Date::parse(&self.0.date).ok_or_else(|| error::internal("holiday date unreadable"))
    }

    /// Why it is off.
    async fn kind(&self) -> Result<HolidayKind> {
        HolidayKind::parse(&self.0.kind)
    }

    /// Name in `lang` (default: the request's `Accept-Language`), with the usual fallback.
    async fn name(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.name.as_ref(), language::effective(ctx, lang))
    }
}

/// One year of the business calendar.
pub struct BusinessCalendar(pb::BusinessCalendar);

/// The bureau's working time: Monday to Friday within working hours (KST, UTC+09:00 all
/// year), except holidays.
#[Object]
impl BusinessCalendar {
    /// The year.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// When the working day opens, `HH:MM` KST.
    async fn workday_start(&self) -> &str {
        &self.0.workday_start
    }

    /// When the working day closes, `HH:MM` KST.
    async fn workday_end(&self) -> &str {
        &self.0.workday_end
    }

    /// The year's holidays, in date order.
    async fn holidays(&self) -> Vec<Holiday> {
        self.0.holidays.iter().cloned().map(Holiday).collect()
    }

    /// Working days in the year.
    async fn working_days(&self) -> i32 {
        i32::try_from(self.0.working_days).unwrap_or(i32::MAX)
    }
}

/// The service level of a request type.
pub struct SlaPolicy(pb::SlaPolicy);

/// How fast the bureau answers a request type.
#[Object]
impl SlaPolicy {
    /// The request type.
    #[graphql(name = "type")]
    async fn request_type(&self) -> Result<ServiceRequestType> {
        ServiceRequestType::from_proto(self.0.r#type)
    }

    /// Minutes until the first response.
    async fn first_response_minutes(&self) -> i64 {
        self.0.first_response_minutes
    }

    /// How those minutes count.
    async fn first_response_clock(&self) -> Result<SlaClock> {
        SlaClock::parse(&self.0.first_response_clock)
    }

    /// Minutes until the final response.
    async fn resolution_minutes(&self) -> i64 {
        self.0.resolution_minutes
    }

    /// How those minutes count.
    async fn resolution_clock(&self) -> Result<SlaClock> {
        SlaClock::parse(&self.0.resolution_clock)
    }

    /// Share of the resolution time (percent) after which the assignee is warned.
    async fn warning_percent(&self) -> i32 {
        i32::try_from(self.0.warning_percent).unwrap_or(i32::MAX)
    }
}

/// Compliance of one department and request type over a period.
#[derive(SimpleObject)]
pub struct SlaComplianceRow {
    /// The department; null for requests not routed to one.
    pub department_code: Option<String>,
    /// The request type.
    #[graphql(name = "type")]
    pub request_type: ServiceRequestType,
    /// Requests submitted in the period.
    pub total: i32,
    /// Answered in full within the resolution target.
    pub met: i32,
    /// Answered late, or open past the due time.
    pub breached: i32,
    /// Open and not yet due.
    pub pending: i32,
    /// Withdrawn or rejected before they were due.
    pub cancelled: i32,
    /// First responses within target.
    pub first_response_met: i32,
    /// First responses late (or missing and late).
    pub first_response_breached: i32,
    /// `met / (met + breached)` in percent; null when nothing is decided yet.
    pub compliance_percent: Option<f64>,
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl SlaComplianceRow {
    fn from_proto(r: pb::SlaComplianceRow) -> Result<Self> {
        Ok(SlaComplianceRow {
            department_code: non_empty(&r.department_code).map(str::to_owned),
            request_type: ServiceRequestType::from_proto(r.r#type)?,
            total: count(r.total),
            met: count(r.met),
            breached: count(r.breached),
            pending: count(r.pending),
            cancelled: count(r.cancelled),
            first_response_met: count(r.first_response_met),
            first_response_breached: count(r.first_response_breached),
            compliance_percent: r.compliance_percent,
        })
    }
}

/// Asks the requester a question; the request awaits them and its clock stands still.
#[derive(InputObject)]
pub struct AskRequesterInput {
    /// Request id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// The question.
    pub body: String,
}

/// A holiday's name in the four languages, each required.
#[derive(InputObject)]
pub struct HolidayNameInput {
    /// Korean.
    pub ko: String,
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
    /// Japanese.
    pub ja: String,
}

/// Adds a holiday, or replaces the one on its date.
#[derive(InputObject)]
pub struct SetHolidayInput {
    /// The day (KST).
    pub date: Date,
    /// Why it is off.
    pub kind: HolidayKind,
    /// Its name.
    pub name: HolidayNameInput,
}

/// Sets a request type's service level.
#[derive(InputObject)]
pub struct SetSlaPolicyInput {
    /// The request type.
    #[graphql(name = "type")]
    pub request_type: ServiceRequestType,
    /// Minutes until the first response (1–525,600).
    pub first_response_minutes: i64,
    /// How they count.
    pub first_response_clock: SlaClock,
    /// Minutes until the final response (1–525,600).
    pub resolution_minutes: i64,
    /// How they count.
    pub resolution_clock: SlaClock,
    /// Share of the resolution time (1–99 %) after which the assignee is warned; default 75.
    pub warning_percent: Option<i32>,
}

/// Service-level queries.
#[derive(Default)]
pub struct SlaQuery;

#[Object]
impl SlaQuery {
    /// One year of the bureau's business calendar: working hours and holidays.
    #[graphql(inaccessible)]
    async fn business_calendar(&self, ctx: &Context<'_>, year: i32) -> Result<BusinessCalendar> {
        let message = pb::GetBusinessCalendarRequest { year };
        let response = read(
            ctx,
            Requests,
            "GetBusinessCalendar",
            message,
            |mut client, request| async move { client.get_business_calendar(request).await },
        )
        .await?;
        Ok(BusinessCalendar(response.into_inner()))
    }

    /// The service level of every request type.
    #[graphql(inaccessible)]
    async fn sla_policies(&self, ctx: &Context<'_>) -> Result<Vec<SlaPolicy>> {
        let response = read(
            ctx,
            Requests,
            "ListSlaPolicies",
            pb::ListSlaPoliciesRequest {},
            |mut client, request| async move { client.list_sla_policies(request).await },
        )
        .await?;
        Ok(response
            .into_inner()
            .policies
            .into_iter()
            .map(SlaPolicy)
            .collect())
    }

    /// Volumes and answer times of the requests submitted in `[from, to)`, grouped by
    /// `groupBy` (none: one row of everything): submitted, open, answered, closed,
    /// withdrawn, rejected, merged, and the median and 90th percentile of the minutes to the
    /// first and the final response. Bureau staff see their department's requests (and those
    /// assigned to them), admins all; officials are refused.
    #[graphql(inaccessible)]
    async fn service_request_statistics(
        &self,
        ctx: &Context<'_>,
        from: DateTime,
        to: DateTime,
        #[graphql(default)] group_by: Vec<RequestStatisticsDimension>,
        department_code: Option<String>,
        local_government_code: Option<String>,
    ) -> Result<Vec<RequestStatisticsRow>> {
        let message = pb::GetRequestStatisticsRequest {
            from: Some(timestamp(from)),
            to: Some(timestamp(to)),
            group_by: group_by.iter().map(|d| d.to_proto() as i32).collect(),
            department_code: department_code.unwrap_or_default(),
            local_government_code: local_government_code.unwrap_or_default(),
        };
        let response = read(
            ctx,
            Requests,
            "GetRequestStatistics",
            message,
            |mut client, request| async move { client.get_request_statistics(request).await },
        )
        .await?;
        response
            .into_inner()
            .rows
            .into_iter()
            .map(RequestStatisticsRow::from_proto)
            .collect()
    }

    /// Compliance per department and request type of the requests submitted in
    /// `[from, to)`, as they stand now. Staff see their own department.
    #[graphql(inaccessible)]
    async fn sla_compliance(
        &self,
        ctx: &Context<'_>,
        from: DateTime,
        to: DateTime,
        department_code: Option<String>,
    ) -> Result<Vec<SlaComplianceRow>> {
        let message = pb::GetSlaComplianceRequest {
            from: Some(timestamp(from)),
            to: Some(timestamp(to)),
            department_code: department_code.unwrap_or_default(),
        };
        let response = read(
            ctx,
            Requests,
            "GetSlaCompliance",
            message,
            |mut client, request| async move { client.get_sla_compliance(request).await },
        )
        .await?;
        response
            .into_inner()
            .rows
            .into_iter()
            .map(SlaComplianceRow::from_proto)
            .collect()
    }
}

/// Service-level mutations (POST only).
#[derive(Default)]
pub struct SlaMutation;

#[Object]
impl SlaMutation {
    /// Asks the requester a question (staff): the request awaits the requester and its
    /// clock stands still until they answer with `replyToServiceRequest`.
    async fn ask_requester(
        &self,
        ctx: &Context<'_>,
        input: AskRequesterInput,
    ) -> Result<ServiceRequest> {
        let message = pb::AskRequesterRequest {
            id: input.id.0,
            version: i64::from(input.version),
            body: input.body,
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .ask_requester(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Adds a holiday or replaces the one on its date (bureau admins). Due times already
    /// set stay; due times computed from now on skip the day.
    async fn set_holiday(&self, ctx: &Context<'_>, input: SetHolidayInput) -> Result<Holiday> {
        let message = pb::SetHolidayRequest {
            holiday: Some(pb::Holiday {
                date: input.date.to_string(),
                kind: input.kind.as_str().to_owned(),
                name: Some(LocalizedText {
                    ko: input.name.ko,
                    en: input.name.en,
                    zh: input.name.zh,
                    ja: input.name.ja,
                }),
            }),
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(Holiday(
            client
                .set_holiday(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Removes the holiday on `date` (bureau admins); answers with what was removed.
    async fn remove_holiday(&self, ctx: &Context<'_>, date: Date) -> Result<Holiday> {
        let message = pb::RemoveHolidayRequest {
            date: date.to_string(),
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(Holiday(
            client
                .remove_holiday(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Sets a request type's service level (bureau admins). Requests already submitted
    /// keep their due times.
    async fn set_sla_policy(
        &self,
        ctx: &Context<'_>,
        input: SetSlaPolicyInput,
    ) -> Result<SlaPolicy> {
        let warning_percent = match input.warning_percent {
            None => 0,
            Some(p) => u32::try_from(p)
                .ok()
                .filter(|p| (1..=99).contains(p))
                .ok_or_else(|| error::bad_input("must be between 1 and 99", "warningPercent"))?,
        };
        let message = pb::SetSlaPolicyRequest {
            policy: Some(pb::SlaPolicy {
                r#type: input.request_type.to_proto() as i32,
                first_response_minutes: input.first_response_minutes,
                first_response_clock: input.first_response_clock.as_str().to_owned(),
                resolution_minutes: input.resolution_minutes,
                resolution_clock: input.resolution_clock.as_str().to_owned(),
                warning_percent,
            }),
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(SlaPolicy(
            client
                .set_sla_policy(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }
}
