//! The Online Bureau's business operations: domain types in, domain types out. Every
//! operation reads the caller, scopes what it may see and do, and makes each change in one
//! transaction together with its audit row and outbox event. One module per aggregate:
//! [`submit`](OnlineBureau::submit) and the reads and workflow actions of requests, the
//! directory, the routing table. Storage goes through the crate's `store`; nothing here
//! names an ORM type.

mod attachments;
mod calendar;
mod directory;
mod directory_admin;
mod privacy;
mod reads;
mod reference_cache;
mod relations;
mod routing;
mod search;
mod service_levels;
mod statistics;
mod submit;
mod survey;
mod workflow;

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveTime, SubsecRound, Utc};
use glocal_kit::store::Db;
use glocal_kit::{Caller, Role};

use crate::domain::sla::{self, SlaFacts, SlaStatus};
pub use crate::domain::{
    Department, HistoryEntry, LocalGovernment, LocalizedName, Parts, RequestMessage, Requester,
    RoutingRule, ServiceRequest, StaffMember,
};
use crate::domain::{HistoryVisibility, MessageKind, RequestId, RequestState, Version};
use crate::error::RequestsError;
use crate::store;
use crate::store::requests::{Scope, StoredRequest};
pub use attachments::{FILE_TABLE, UploadTarget};
pub use calendar::{BusinessCalendarView, ComplianceFigures, HolidayDraft, SlaPolicyDraft};
pub use directory::Directory;
pub use directory_admin::{Departure, ImportError, ImportReport};
pub use privacy::{
    PERSONAL_DATA_EXPIRED, REQUESTER_ERASED, spawn_erasure_follower, spawn_retention,
};
pub use reads::{Page, PageRequest, RequestFilter, RequestOrder, RequestPage};
pub use reference_cache::spawn_reference_watch;
pub use relations::{MERGED, RELATIONS_CHANGED};
pub use routing::RoutingRuleDraft;
pub use search::{SearchHitOrder, SearchPage};
pub use service_levels::{SchedulerRun, spawn_sla_scheduler};
pub use statistics::StatisticsQuery;
pub use survey::RATED;

type Result<T, E = RequestsError> = std::result::Result<T, E>;

/// The page size when a list call asks for none.
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// Where the service reads the time; tests move it by hand.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Tunables of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How long after the final response the requester may reopen.
    pub reopen_window: Duration,
    /// Largest page a list call returns.
    pub max_page_size: u32,
    /// When the bureau's working day opens and closes (KST).
    pub workday: (NaiveTime, NaiveTime),
    /// Time between two runs of the service-level scheduler; `None`: it does not run here.
    pub scheduler_interval: Option<std::time::Duration>,
    /// Most requests one scheduler run warns or marks breached, each.
    pub scheduler_batch: u32,
}

impl Config {
    /// The service's part of the process settings (already checked when loaded).
    pub fn from_settings(settings: &glocal_kit::config::RequestsSettings) -> Self {
        let default = Config::default();
        let time = |t: &str, or: NaiveTime| sla::parse_time_of_day(t, "workday").unwrap_or(or);
        Config {
            reopen_window: Duration::days(i64::from(settings.reopen_window_days)),
            max_page_size: settings.max_page_size.max(1),
            workday: (
                time(&settings.sla.workday_start, default.workday.0),
                time(&settings.sla.workday_end, default.workday.1),
            ),
            scheduler_interval: (settings.sla.scheduler_interval_secs > 0)
                .then(|| std::time::Duration::from_secs(settings.sla.scheduler_interval_secs)),
            scheduler_batch: settings.sla.scheduler_batch.max(1),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        let standard = sla::BusinessCalendar::standard([]);
        Config {
            reopen_window: Duration::days(14),
            max_page_size: 100,
            workday: (standard.opens(), standard.closes()),
            scheduler_interval: Some(std::time::Duration::from_secs(60)),
            scheduler_batch: 100,
        }
    }
}

/// Who acts, as resolved from the caller.
#[derive(Debug, Clone)]
enum Viewer {
    Official { org: String },
    Staff { id: String, department: String },
    Admin,
}

/// The caller as an author of history rows and messages.
#[derive(Debug, Clone)]
struct Actor {
    subject: String,
    name: String,
}

/// Who acts, by name: the token's name, else the staff directory's name of the same
/// subject; `None` when neither names the person (ADR 0029: the requests service records
/// names in history and on requests, and an empty one helps nobody).
fn actor_named(caller: &Caller, directory_name: Option<&str>) -> Option<Actor> {
    let name = Some(caller.name.trim())
        .filter(|n| !n.is_empty())
        .or(directory_name.map(str::trim).filter(|n| !n.is_empty()))?;
    Some(Actor {
        subject: caller.subject.clone(),
        name: name.to_owned(),
    })
}

/// The refusal of a caller whom neither the token nor the directory names.
fn nameless() -> RequestsError {
    RequestsError::Refused(glocal_kit::error::Refusal::said(
        glocal_kit::error::ErrorCode::Unauthenticated,
        "CALLER_NAME_MISSING",
        glocal_kit::i18n::Message::new("error-caller-name-missing"),
    ))
}

/// The Online Bureau: every operation of the requests service.
#[derive(Clone)]
pub struct OnlineBureau {
    db: Db,
    config: Config,
    clock: Clock,
    shelf: Option<glocal_kit::attachments::Shelf>,
    limits: crate::domain::AttachmentLimits,
    reference: reference_cache::ReferenceCache,
}

impl std::fmt::Debug for OnlineBureau {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnlineBureau")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OnlineBureau {
    /// The service over `db` (already migrated; a `DatabaseConnection` or a
    /// [`Db`]), on the wall clock.
    pub fn new(db: impl Into<Db>, config: Config) -> Self {
        OnlineBureau {
            db: db.into(),
            config,
            clock: Arc::new(Utc::now),
            shelf: None,
            limits: crate::domain::AttachmentLimits::default(),
            reference: reference_cache::ReferenceCache::default(),
        }
    }

    /// The same service reading the time from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The database this service runs on.
    pub fn db(&self) -> &Db {
        &self.db
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)().trunc_subsecs(6)
    }

    async fn viewer(&self, caller: Option<&Caller>) -> Result<(Viewer, Actor)> {
        let caller = caller.ok_or(RequestsError::Unauthenticated)?;
        let actor =
            |directory_name: Option<&str>| actor_named(caller, directory_name).ok_or_else(nameless);
        if caller.has(Role::BureauAdmin) {
            let staff = if caller.name.trim().is_empty() {
                self.staff_identity(&caller.subject).await?
            } else {
                None
            };
            return Ok((
                Viewer::Admin,
                actor(staff.as_ref().map(|s| s.name.as_str()))?,
            ));
        }
        if caller.has(Role::BureauStaff) {
            return match self.staff_identity(&caller.subject).await? {
                Some(s) => Ok((
                    Viewer::Staff {
                        id: s.id,
                        department: s.department,
                    },
                    actor(Some(&s.name))?,
                )),
                None => Err(RequestsError::Forbidden(
                    "no bureau staff record for this caller".into(),
                )),
            };
        }
        if caller.has(Role::LocalOfficial) {
            if caller.org.is_empty() {
                return Err(RequestsError::Forbidden(
                    "local officials need an organisation".into(),
                ));
            }
            return Ok((
                Viewer::Official {
                    org: caller.org.clone(),
                },
                actor(None)?,
            ));
        }
        Err(RequestsError::Forbidden(
            "service requests are for local governments and bureau staff".into(),
        ))
    }

    fn visible(viewer: &Viewer, row: &StoredRequest) -> bool {
        match viewer {
            Viewer::Admin => true,
            Viewer::Official { org } => row.local_government_code == *org,
            Viewer::Staff { id, department } => {
                row.department_code.as_deref() == Some(department.as_str())
                    || row.assignee_id.as_deref() == Some(id.as_str())
            }
        }
    }

    fn scope(viewer: &Viewer) -> Scope {
        match viewer {
            Viewer::Admin => Scope::All,
            Viewer::Official { org } => Scope::LocalGovernment(org.clone()),
            Viewer::Staff { id, department } => Scope::Department {
                department: department.clone(),
                staff_id: id.clone(),
            },
        }
    }

    /// The rows of `found` the viewer may read: those they see, and merged duplicates whose
    /// original they see (the duplicate's messages and files are read from the original
    /// by whoever may read the original; ADR 0024).
    async fn readable(
        &self,
        viewer: &Viewer,
        found: Vec<StoredRequest>,
    ) -> Result<Vec<StoredRequest>> {
        let hidden_merged: Vec<RequestId> = found
            .iter()
            .filter(|r| r.state == RequestState::Merged && !Self::visible(viewer, r))
            .map(|r| r.id)
            .collect();
        let mut through_original = HashSet::new();
        if !hidden_merged.is_empty() {
            let relations = store::relations::of(&self.db, &hidden_merged).await?;
            let originals: Vec<RequestId> =
                relations.values().filter_map(|r| r.merged_into).collect();
            let seen: HashSet<RequestId> = store::requests::find_many(&self.db, &originals)
                .await?
                .into_iter()
                .filter(|o| Self::visible(viewer, o))
                .map(|o| o.id)
                .collect();
            through_original.extend(
                relations
                    .into_iter()
                    .filter(|(_, r)| r.merged_into.is_some_and(|o| seen.contains(&o)))
                    .map(|(id, _)| id),
            );
        }
        Ok(found
            .into_iter()
            .filter(|r| Self::visible(viewer, r) || through_original.contains(&r.id))
            .collect())
    }

    /// The request found, when the viewer may read it ([`Self::readable`]); NOT_FOUND
    /// otherwise.
    async fn readable_row(
        &self,
        viewer: &Viewer,
        found: Option<StoredRequest>,
    ) -> Result<StoredRequest> {
        self.readable(viewer, found.into_iter().collect())
            .await?
            .pop()
            .ok_or(RequestsError::NotFound("service request"))
    }

    /// The request found, when the viewer may see it; NOT_FOUND otherwise.
    fn visible_row(viewer: &Viewer, found: Option<StoredRequest>) -> Result<StoredRequest> {
        match found {
            Some(row) if Self::visible(viewer, &row) => Ok(row),
            _ => Err(RequestsError::NotFound("service request")),
        }
    }

    fn require_bureau(viewer: &Viewer, what: &str) -> Result<()> {
        match viewer {
            Viewer::Official { .. } => Err(RequestsError::only(
                "BUREAU_STAFF_ONLY",
                "rule-only-bureau-staff",
                what,
            )),
            _ => Ok(()),
        }
    }

    fn require_requester(viewer: &Viewer, what: &str) -> Result<()> {
        match viewer {
            Viewer::Official { .. } => Ok(()),
            _ => Err(RequestsError::only(
                "REQUESTER_ONLY",
                "rule-only-requesting-local-government",
                what,
            )),
        }
    }

    fn require_handler(viewer: &Viewer, row: &StoredRequest, what: &str) -> Result<()> {
        Self::require_bureau(viewer, what)?;
        if let Viewer::Staff { id, department } = viewer {
            let handles = row.department_code.as_deref() == Some(department.as_str())
                || row.assignee_id.as_deref() == Some(id.as_str());
            if !handles {
                return Err(RequestsError::only(
                    "DEPARTMENT_STAFF_ONLY",
                    "rule-only-department-staff",
                    what,
                ));
            }
        }
        Ok(())
    }

    fn check_version(row: &StoredRequest, seen: Version) -> Result<()> {
        if row.version != seen {
            return Err(RequestsError::StaleVersion {
                seen,
                current: row.version.get(),
            });
        }
        Ok(())
    }

    /// The caller's view of `rows` with the `parts` asked for: the store's views, judged
    /// overdue and (with `parts.sla`) measured against their service level now, with staff
    /// notes, internal history entries and the routing rule hidden from local officials.
    async fn views(
        &self,
        viewer: &Viewer,
        rows: Vec<StoredRequest>,
        parts: Parts,
    ) -> Result<Vec<ServiceRequest>> {
        let now = self.now();
        let calendar = if parts.sla {
            Some(self.calendar(&self.db).await?)
        } else {
            None
        };
        let mut views = store::views::views(&self.db, rows, parts).await?;
        for v in &mut views {
            v.overdue = v.is_overdue_at(now);
            Self::redact(viewer, v);
            let Some(calendar) = &calendar else {
                continue;
            };
            let facts = SlaFacts {
                open: v.state.is_open(),
                first_response_due_at: v.first_response_due_at,
                first_responded_at: v.first_responded_at,
                resolution_due_at: v.resolution_due_at,
                final_responded_at: v.final_responded_at,
                paused_at: v.sla.paused_since,
                breached_at: v.sla.breached_at,
                first_response_breached_at: v.sla.first_response_breached_at,
                resolution_clock: v.sla.resolution_clock,
            };
            let status = SlaStatus::at(calendar, &facts, now);
            v.sla.remaining_minutes = status.remaining_minutes;
            v.sla.first_response_breached = status.first_response_breached;
            v.sla.resolution_breached = status.resolution_breached;
        }
        self.scope_relations(viewer, &mut views).await?;
        Ok(views)
    }

    /// Hides the bureau's internal business from requesters: staff notes, internal history
    /// entries (routing, staff loads, reassignments, service-level marks) and the routing rule.
    fn redact(viewer: &Viewer, v: &mut ServiceRequest) {
        if matches!(viewer, Viewer::Official { .. }) {
            v.messages.retain(|m| m.kind != MessageKind::StaffNote);
            v.history
                .retain(|h| h.visibility == HistoryVisibility::Requester);
            v.routing.clear();
        }
    }

    /// Leaves in each view's relations only the requests the viewer sees: its parent, its
    /// children and its original; the duplicates merged into it stay (whoever reads the
    /// original reads them).
    async fn scope_relations(&self, viewer: &Viewer, views: &mut [ServiceRequest]) -> Result<()> {
        let related: Vec<RequestId> = views
            .iter()
            .flat_map(|v| {
                let r = &v.relations;
                r.parent.iter().chain(&r.children).chain(&r.merged_into)
            })
            .copied()
            .collect();
        if related.is_empty() {
            return Ok(());
        }
        let seen: HashSet<RequestId> = store::requests::find_many(&self.db, &related)
            .await?
            .into_iter()
            .filter(|r| Self::visible(viewer, r))
            .map(|r| r.id)
            .collect();
        for v in views {
            let r = &mut v.relations;
            r.parent = r.parent.filter(|p| seen.contains(p));
            r.merged_into = r.merged_into.filter(|o| seen.contains(o));
            r.children.retain(|c| seen.contains(c));
        }
        Ok(())
    }

    /// The caller's view of one request.
    async fn view(&self, viewer: &Viewer, row: StoredRequest) -> Result<ServiceRequest> {
        self.views(viewer, vec![row], Parts::ALL)
            .await?
            .pop()
            .ok_or(RequestsError::NotFound("service request"))
    }
}

#[cfg(test)]
mod tests {
    use glocal_kit::paging::{decode_seq, seq_cursor};

    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_bad_input() {
        assert_eq!(decode_seq(Some(&seq_cursor(42))).unwrap(), Some(42));
        let err = RequestsError::from(decode_seq(Some("not a cursor!")).unwrap_err());
        assert!(matches!(err, RequestsError::Invalid(ref e) if e.field() == "after"));
    }
}
