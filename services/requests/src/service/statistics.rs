//! The bureau's request report: volumes and answer times of the requests submitted in a
//! period, grouped as asked (rules in `domain::statistics`).

use chrono::{DateTime, Utc};
use glocal_kit::Caller;

use super::{OnlineBureau, Result};
use crate::domain::statistics::{self, RequestFacts, RequestFigures, StatisticsDimension};
use crate::domain::{DepartmentCode, LocalGovernmentCode};
use crate::error::RequestsError;
use crate::store::requests as request_store;

/// What the report covers.
#[derive(Debug, Clone, Default)]
pub struct StatisticsQuery {
    /// Requests submitted at or after this instant.
    pub from: DateTime<Utc>,
    /// Requests submitted before this instant.
    pub to: DateTime<Utc>,
    /// What each row is grouped by (none: one row of everything).
    pub group_by: Vec<StatisticsDimension>,
    /// Only requests routed to this department.
    pub department: Option<DepartmentCode>,
    /// Only requests of this local government.
    pub local_government: Option<LocalGovernmentCode>,
}

impl OnlineBureau {
    /// Volumes and answer times of the requests submitted in `[from, to)`, grouped by
    /// `group_by`: bureau staff see their department's requests and those assigned to them,
    /// admins all; officials are refused.
    pub async fn request_statistics(
        &self,
        caller: Option<&Caller>,
        query: StatisticsQuery,
    ) -> Result<Vec<RequestFigures>> {
        let (viewer, _) = self.viewer(caller).await?;
        Self::require_bureau(&viewer, "action-read-request-statistics")?;
        if query.to <= query.from {
            return Err(RequestsError::invalid("to", "must be after `from`"));
        }
        let rows = request_store::submitted_between(&self.db, query.from, query.to).await?;
        let facts = rows
            .into_iter()
            .filter(|r| Self::visible(&viewer, r))
            .filter(|r| {
                query
                    .department
                    .as_ref()
                    .is_none_or(|d| r.department_code.as_deref() == Some(d.as_str()))
            })
            .filter(|r| {
                query
                    .local_government
                    .as_ref()
                    .is_none_or(|lg| r.local_government_code == lg.as_str())
            })
            .map(|r| RequestFacts {
                request_type: r.request_type,
                local_government_code: r.local_government_code,
                department_code: r.department_code,
                state: r.state,
                submitted_at: r.created_at,
                first_responded_at: r.first_responded_at,
                final_responded_at: r.final_responded_at,
            });
        Ok(statistics::tally(facts, &query.group_by))
    }
}
