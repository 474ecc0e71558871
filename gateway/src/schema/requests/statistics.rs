//! The bureau's request report, `serviceRequestStatistics`: volumes and answer times of the
//! requests submitted in a period, grouped by type, local government, department and month.
//! The figures are computed by the requests service; this module only maps them.

use async_graphql::{Enum, Result, SimpleObject};
use glocal_proto::requests::v1 as pb;

use super::ServiceRequestType;

/// What a row of `serviceRequestStatistics` is grouped by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum RequestStatisticsDimension {
    /// The request type.
    Type,
    /// The requesting local government.
    LocalGovernment,
    /// The department the request is routed to.
    Department,
    /// The month of submission, `YYYY-MM` in Korea Standard Time.
    Month,
}

impl RequestStatisticsDimension {
    pub(super) fn to_proto(self) -> pb::StatisticsDimension {
        match self {
            Self::Type => pb::StatisticsDimension::Type,
            Self::LocalGovernment => pb::StatisticsDimension::LocalGovernment,
            Self::Department => pb::StatisticsDimension::Department,
            Self::Month => pb::StatisticsDimension::Month,
        }
    }
}

/// The median and 90th percentile of durations in whole minutes (nearest rank).
#[derive(SimpleObject)]
pub struct DurationPercentiles {
    /// How many durations the figures are of.
    pub count: i32,
    /// The median.
    pub median_minutes: i64,
    /// The 90th percentile.
    pub p90_minutes: i64,
}

impl From<pb::DurationPercentiles> for DurationPercentiles {
    fn from(p: pb::DurationPercentiles) -> Self {
        DurationPercentiles {
            count: count(p.count),
            median_minutes: p.median_minutes,
            p90_minutes: p.p90_minutes,
        }
    }
}

/// One group of requests: the dimensions not grouped by are null.
#[derive(SimpleObject)]
pub struct RequestStatisticsRow {
    /// The request type, when grouped by `TYPE`.
    #[graphql(name = "type")]
    pub request_type: Option<ServiceRequestType>,
    /// The local government's code, when grouped by `LOCAL_GOVERNMENT`.
    pub local_government_code: Option<String>,
    /// The department's code when grouped by `DEPARTMENT`; the empty string stands for
    /// requests routed to no department.
    pub department_code: Option<String>,
    /// `YYYY-MM` (Korea Standard Time), when grouped by `MONTH`.
    pub month: Option<String>,
    /// Requests submitted.
    pub submitted: i32,
    /// Of them, still owed an answer by the bureau.
    pub open: i32,
    /// Answered in full (a final response was sent).
    pub answered: i32,
    /// Closed.
    pub closed: i32,
    /// Withdrawn by their requesters.
    pub withdrawn: i32,
    /// Rejected by the bureau.
    pub rejected: i32,
    /// Merged into another request.
    pub merged: i32,
    /// Wall-clock minutes from submission to the first response (mid or final), of the
    /// requests answered at all; null when none was.
    pub first_response: Option<DurationPercentiles>,
    /// Wall-clock minutes from submission to the final response, of the requests answered
    /// in full; null when none was.
    pub resolution: Option<DurationPercentiles>,
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl RequestStatisticsRow {
    pub(super) fn from_proto(r: pb::RequestStatisticsRow) -> Result<Self> {
        Ok(RequestStatisticsRow {
            request_type: if r.by_type {
                Some(ServiceRequestType::from_proto(r.r#type)?)
            } else {
                None
            },
            local_government_code: r.by_local_government.then_some(r.local_government_code),
            department_code: r.by_department.then_some(r.department_code),
            month: r.by_month.then_some(r.month),
            submitted: count(r.submitted),
            open: count(r.open),
            answered: count(r.answered),
            closed: count(r.closed),
            withdrawn: count(r.withdrawn),
            rejected: count(r.rejected),
            merged: count(r.merged),
            first_response: r.first_response.map(Into::into),
            resolution: r.resolution.map(Into::into),
        })
    }
}
