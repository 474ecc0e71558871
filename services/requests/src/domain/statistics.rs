//! Request volumes and answer times for the bureau's reports (issue 19): requests submitted in
//! a period, grouped by any of request type, local government, department and month (KST),
//! with how many are still open, answered in full, closed, withdrawn, rejected or merged, and
//! the median and 90th percentile of the minutes to the first and to the final response.
//! Pure: the service hands in the facts of each request it may show.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::survey::kst_month;
use super::{RequestState, RequestType};

glocal_kit::text_enum!(
    /// What a statistics row is grouped by.
    StatisticsDimension, "dimension" {
        /// The request type.
        Type => "TYPE",
        /// The requesting local government.
        LocalGovernment => "LOCAL_GOVERNMENT",
        /// The department it is routed to (none: not routed).
        Department => "DEPARTMENT",
        /// The month it was submitted in, Korea Standard Time (`YYYY-MM`).
        Month => "MONTH",
    }
);

/// What the statistics need to know of one request.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    /// Its type.
    pub request_type: RequestType,
    /// The requesting local government.
    pub local_government_code: String,
    /// The department it is routed to, if any.
    pub department_code: Option<String>,
    /// Its state now.
    pub state: RequestState,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When the bureau first answered (mid or final response), if it has.
    pub first_responded_at: Option<DateTime<Utc>>,
    /// When the bureau answered in full, if it has.
    pub final_responded_at: Option<DateTime<Utc>>,
}

/// The median and 90th percentile of a set of durations, in whole minutes (nearest rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percentiles {
    /// How many durations the figures are of.
    pub count: u64,
    /// The 50th percentile.
    pub median_minutes: i64,
    /// The 90th percentile.
    pub p90_minutes: i64,
}

impl Percentiles {
    /// The figures of `minutes`; `None` when there are none.
    pub fn of(mut minutes: Vec<i64>) -> Option<Percentiles> {
        if minutes.is_empty() {
            return None;
        }
        minutes.sort_unstable();
        Some(Percentiles {
            count: minutes.len() as u64,
            median_minutes: nearest_rank(&minutes, 50),
            p90_minutes: nearest_rank(&minutes, 90),
        })
    }
}

/// The nearest-rank percentile `p` (1–100) of sorted, non-empty `values`: the smallest value
/// with at least `p` % of the values at or below it.
fn nearest_rank(sorted: &[i64], p: usize) -> i64 {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

/// The group a row stands for: each dimension not grouped by is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatisticsKey {
    /// The request type, when grouped by type.
    pub request_type: Option<RequestType>,
    /// The local government, when grouped by it.
    pub local_government_code: Option<String>,
    /// The department when grouped by it; `Some("")` stands for "not routed".
    pub department_code: Option<String>,
    /// `YYYY-MM` in Korea Standard Time, when grouped by month.
    pub month: Option<String>,
}

/// One row of the statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFigures {
    /// What the row is grouped by.
    pub key: StatisticsKey,
    /// Requests submitted.
    pub submitted: u64,
    /// Of them, still owed an answer by the bureau (neither answered in full nor ended).
    pub open: u64,
    /// Answered in full (a final response was sent), whatever happened after.
    pub answered: u64,
    /// Closed by the requester or the system.
    pub closed: u64,
    /// Withdrawn by the requester.
    pub withdrawn: u64,
    /// Rejected by the bureau.
    pub rejected: u64,
    /// Merged into another request.
    pub merged: u64,
    /// Minutes from submission to the first response, of those answered at all.
    pub first_response: Option<Percentiles>,
    /// Minutes from submission to the final response, of those answered in full.
    pub resolution: Option<Percentiles>,
}

#[derive(Default)]
struct Tally {
    submitted: u64,
    open: u64,
    answered: u64,
    closed: u64,
    withdrawn: u64,
    rejected: u64,
    merged: u64,
    first: Vec<i64>,
    resolution: Vec<i64>,
}

/// Groups `requests` by `dimensions` (none: one row of everything) and counts each group;
/// rows come in key order. Times are wall-clock minutes (the SLA compliance report judges
/// them against the business calendar).
pub fn tally(
    requests: impl IntoIterator<Item = RequestFacts>,
    dimensions: &[StatisticsDimension],
) -> Vec<RequestFigures> {
    let by = |d: StatisticsDimension| dimensions.contains(&d);
    let mut groups: BTreeMap<StatisticsKey, Tally> = BTreeMap::new();
    for r in requests {
        let key = StatisticsKey {
            request_type: by(StatisticsDimension::Type).then_some(r.request_type),
            local_government_code: by(StatisticsDimension::LocalGovernment)
                .then(|| r.local_government_code.clone()),
            department_code: by(StatisticsDimension::Department)
                .then(|| r.department_code.clone().unwrap_or_default()),
            month: by(StatisticsDimension::Month).then(|| kst_month(r.submitted_at)),
        };
        let t = groups.entry(key).or_default();
        t.submitted += 1;
        match r.state {
            RequestState::Closed => t.closed += 1,
            RequestState::Withdrawn => t.withdrawn += 1,
            RequestState::Rejected => t.rejected += 1,
            RequestState::Merged => t.merged += 1,
            state if state.is_open() => t.open += 1,
            _ => {}
        }
        let minutes = |at: DateTime<Utc>| (at - r.submitted_at).num_minutes().max(0);
        if let Some(at) = r.first_responded_at {
            t.first.push(minutes(at));
        }
        if let Some(at) = r.final_responded_at {
            t.answered += 1;
            t.resolution.push(minutes(at));
        }
    }
    groups
        .into_iter()
        .map(|(key, t)| RequestFigures {
            key,
            submitted: t.submitted,
            open: t.open,
            answered: t.answered,
            closed: t.closed,
            withdrawn: t.withdrawn,
            rejected: t.rejected,
            merged: t.merged,
            first_response: Percentiles::of(t.first),
            resolution: Percentiles::of(t.resolution),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn facts(ty: RequestType, lg: &str, submitted: DateTime<Utc>) -> RequestFacts {
        RequestFacts {
            request_type: ty,
            local_government_code: lg.into(),
            department_code: None,
            state: RequestState::StaffAssigned,
            submitted_at: submitted,
            first_responded_at: None,
            final_responded_at: None,
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let p = Percentiles::of((1..=10).rev().collect()).unwrap();
        assert_eq!((p.count, p.median_minutes, p.p90_minutes), (10, 5, 9));
        let one = Percentiles::of(vec![7]).unwrap();
        assert_eq!((one.median_minutes, one.p90_minutes), (7, 7));
        let three = Percentiles::of(vec![30, 10, 20]).unwrap();
        assert_eq!((three.median_minutes, three.p90_minutes), (20, 30));
        assert_eq!(Percentiles::of(Vec::new()), None);
    }

    #[test]
    fn groups_by_the_dimensions_asked_and_months_in_kst() {
        let general = RequestType::GeneralInquiry;
        let info = RequestType::InformationRequest;
        // 2026-11-30 15:30 UTC is 2026-12-01 00:30 in Seoul.
        let mut a = facts(general, "11000", at(2026, 11, 30, 15, 30));
        a.first_responded_at = Some(at(2026, 11, 30, 16, 30));
        a.final_responded_at = Some(at(2026, 12, 1, 15, 30));
        a.state = RequestState::Closed;
        let b = facts(general, "26000", at(2026, 11, 30, 14, 0));
        let mut c = facts(info, "11000", at(2026, 12, 2, 0, 0));
        c.state = RequestState::Withdrawn;

        let all = tally([a.clone(), b.clone(), c.clone()], &[]);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].key, StatisticsKey::default());
        assert_eq!(
            (
                all[0].submitted,
                all[0].open,
                all[0].closed,
                all[0].withdrawn
            ),
            (3, 1, 1, 1)
        );
        assert_eq!(all[0].answered, 1);
        assert_eq!(all[0].first_response.unwrap().median_minutes, 60);
        assert_eq!(all[0].resolution.unwrap().median_minutes, 24 * 60);

        let by_month = tally(
            [a.clone(), b.clone(), c.clone()],
            &[StatisticsDimension::Month],
        );
        let months: Vec<(&str, u64)> = by_month
            .iter()
            .map(|r| (r.key.month.as_deref().unwrap(), r.submitted))
            .collect();
        assert_eq!(months, [("2026-11", 1), ("2026-12", 2)]);

        let by_type_and_lg = tally(
            [a, b, c],
            &[
                StatisticsDimension::Type,
                StatisticsDimension::LocalGovernment,
            ],
        );
        assert_eq!(by_type_and_lg.len(), 3);
        assert!(by_type_and_lg.iter().all(|r| r.key.month.is_none()));
        let seoul_general = by_type_and_lg
            .iter()
            .find(|r| {
                r.key.request_type == Some(general)
                    && r.key.local_government_code.as_deref() == Some("11000")
            })
            .unwrap();
        assert_eq!(seoul_general.submitted, 1);
        assert_eq!(seoul_general.key.department_code, None);
    }

    #[test]
    fn unrouted_requests_group_under_an_empty_department() {
        let mut routed = facts(RequestType::GeneralInquiry, "11000", at(2026, 12, 1, 0, 0));
        routed.department_code = Some("GENERAL".into());
        let unrouted = facts(RequestType::GeneralInquiry, "11000", at(2026, 12, 1, 0, 0));
        let rows = tally([routed, unrouted], &[StatisticsDimension::Department]);
        let depts: Vec<&str> = rows
            .iter()
            .map(|r| r.key.department_code.as_deref().unwrap())
            .collect();
        assert_eq!(depts, ["", "GENERAL"]);
    }
}
