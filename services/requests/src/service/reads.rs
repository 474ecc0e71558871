//! Reading requests: one, several, or a filtered page, always within the caller's scope.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use glocal_kit::Caller;

use glocal_kit::domain::InvalidInput;
pub use glocal_kit::paging::{Page, PageRequest};
use glocal_kit::paging::{decode_cursor, decode_seq, encode_cursor, seq_cursor};

use super::{DEFAULT_PAGE_SIZE, OnlineBureau, Result, Viewer};
use crate::domain::{
    DepartmentCode, LocalGovernmentCode, Parts, RequestId, RequestState, RequestType,
    ServiceRequest, StaffId,
};
use crate::error::RequestsError;
use crate::store::directory as dir_store;
use crate::store::requests::{self as request_store, After, ListOrder, ListQuery};

/// The cursor of a request in due-time order: its due time (microseconds) and `seq`.
fn due_cursor(due: DateTime<Utc>, seq: i64) -> String {
    encode_cursor(&format!("due:{}:{seq}", due.timestamp_micros()))
}

fn decode_due(cursor: &str) -> Result<After, InvalidInput> {
    let bad = || InvalidInput::new("after", "is not a cursor of this list");
    let text = decode_cursor(cursor)?;
    let mut parts = text.strip_prefix("due:").ok_or_else(bad)?.split(':');
    let micros: i64 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let seq: i64 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let due = DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
    Ok(After::Due(due, seq))
}

/// Filters of a list call; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    /// Any of these states.
    pub states: Vec<RequestState>,
    /// Any of these types.
    pub types: Vec<RequestType>,
    /// Handled by this department.
    pub department: Option<DepartmentCode>,
    /// Assigned to this staff member.
    pub assignee: Option<StaffId>,
    /// From this local government.
    pub local_government: Option<LocalGovernmentCode>,
    /// Submitted at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Submitted before.
    pub created_to: Option<DateTime<Utc>>,
    /// Only overdue (true) or only not overdue (false).
    pub overdue: Option<bool>,
    /// Only with the resolution target breached (true) or not (false).
    pub breached: Option<bool>,
    /// Only with the resolution due before this instant.
    pub due_before: Option<DateTime<Utc>>,
    /// Only the requests the caller submitted.
    pub mine: bool,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RequestOrder {
    /// Newest first.
    #[default]
    Newest,
    /// The resolution due soonest first (the staff queue).
    DueSoonest,
}

/// One page of requests, newest first; `total_count` is how many match the filter in all.
pub type RequestPage = Page<ServiceRequest>;

impl OnlineBureau {
    /// The staff id `given` names: a staff id, or a staff member's token subject (what a
    /// portal knows from `me`); BAD_USER_INPUT on `filter.assigneeId` when it is neither.
    async fn staff_id_of(&self, given: &StaffId) -> Result<StaffId> {
        let by_id = dir_store::staff_by_ids(&self.db, &[given.as_str().to_owned()]).await?;
        if !by_id.is_empty() {
            return Ok(given.clone());
        }
        match dir_store::staff_by_subject(&self.db, given.as_str()).await? {
            Some(member) => Ok(StaffId::parse(&member.id)?),
            None => Err(RequestsError::invalid_said(
                "filter.assigneeId",
                glocal_kit::i18n::Message::new("input-not-staff-id-or-subject").arg("given", given),
            )),
        }
    }

    /// The page size asked for (the default for 0), within the configured maximum.
    pub(super) fn page_size(&self, first: u32) -> u32 {
        if first == 0 { DEFAULT_PAGE_SIZE } else { first }.min(self.config.max_page_size)
    }

    /// The viewer's scope and `filter` as a list query (newest first, from the start, one
    /// row): what a list and a search share.
    pub(super) async fn list_query(
        &self,
        viewer: &Viewer,
        caller: Option<&Caller>,
        filter: RequestFilter,
    ) -> Result<ListQuery> {
        let assignee = match filter.assignee {
            Some(a) => Some(self.staff_id_of(&a).await?),
            None => None,
        };
        Ok(ListQuery {
            scope: Self::scope(viewer),
            states: filter.states,
            types: filter.types,
            department: filter.department,
            assignee,
            local_government: filter.local_government,
            created_from: filter.created_from,
            created_to: filter.created_to,
            overdue: filter.overdue,
            breached: filter.breached,
            due_before: filter.due_before,
            requester: filter
                .mine
                .then(|| caller.map(|c| c.subject.clone()).unwrap_or_default()),
            open_states: RequestState::open_states(),
            now: self.now(),
            order: ListOrder::Newest,
            after: None,
            limit: 1,
        })
    }

    /// One request with its activity; NOT_FOUND when the caller may not see it.
    pub async fn get(&self, caller: Option<&Caller>, id: RequestId) -> Result<ServiceRequest> {
        self.get_parts(caller, id, Parts::ALL).await
    }

    /// [`OnlineBureau::get`] with only the `parts` of the view the caller shows (ADR 0048:
    /// each part left out is not read).
    pub async fn get_parts(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        parts: Parts,
    ) -> Result<ServiceRequest> {
        let (viewer, _) = self.viewer(caller).await?;
        let row = self
            .readable_row(&viewer, request_store::find(&self.db, id).await?)
            .await?;
        self.views(&viewer, vec![row], parts)
            .await?
            .pop()
            .ok_or(RequestsError::NotFound("service request"))
    }

    /// Several requests, in the order asked, leaving out those the caller may not see.
    pub async fn batch_get(
        &self,
        caller: Option<&Caller>,
        ids: &[RequestId],
        include_activity: bool,
    ) -> Result<Vec<ServiceRequest>> {
        let (viewer, _) = self.viewer(caller).await?;
        let rows = self
            .readable(&viewer, request_store::find_many(&self.db, ids).await?)
            .await?;
        let views = self
            .views(&viewer, rows, Parts::with_activity(include_activity))
            .await?;
        let by_id: HashMap<RequestId, ServiceRequest> =
            views.into_iter().map(|v| (v.id, v)).collect();
        Ok(ids.iter().filter_map(|id| by_id.get(id).cloned()).collect())
    }

    /// A page of the requests the caller may see, in `order`, with every part of each view
    /// (messages and history only when `include_activity`) and the total count.
    pub async fn list(
        &self,
        caller: Option<&Caller>,
        filter: RequestFilter,
        order: RequestOrder,
        page: PageRequest,
        include_activity: bool,
    ) -> Result<RequestPage> {
        let parts = Parts::with_activity(include_activity);
        self.list_parts(caller, filter, order, page, parts, true)
            .await
    }

    /// [`OnlineBureau::list`] filling only the `parts` of each view asked for, and counting the
    /// matches only when `count_total` (else `total_count` is 0): a page whose reader shows
    /// less queries less.
    pub async fn list_parts(
        &self,
        caller: Option<&Caller>,
        filter: RequestFilter,
        order: RequestOrder,
        page: PageRequest,
        parts: Parts,
        count_total: bool,
    ) -> Result<RequestPage> {
        let (viewer, _) = self.viewer(caller).await?;
        let first = self.page_size(page.first);
        let cursor = page.after.as_deref().filter(|a| !a.is_empty());
        let after = match order {
            RequestOrder::Newest => decode_seq(cursor)?.map(After::Seq),
            RequestOrder::DueSoonest => cursor.map(decode_due).transpose()?,
        };
        let mut query = self.list_query(&viewer, caller, filter).await?;
        query.order = match order {
            RequestOrder::Newest => ListOrder::Newest,
            RequestOrder::DueSoonest => ListOrder::DueSoonest,
        };
        query.after = after;
        query.limit = u64::from(first) + 1;
        let (mut rows, total_count) =
            request_store::list(&self.db, &query, count_total, parts.texts).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors: Vec<String> = rows
            .iter()
            .map(|r| match order {
                RequestOrder::Newest => seq_cursor(r.seq),
                RequestOrder::DueSoonest => due_cursor(r.resolution_due_at, r.seq),
            })
            .collect();
        let items = self.views(&viewer, rows, parts).await?;
        Ok(Page {
            items,
            cursors,
            has_next_page,
            total_count,
        })
    }
}
