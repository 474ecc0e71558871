//! The bureau's event report (issue 19): registrations and attendance per event, counted
//! by the database (rules in `domain::statistics`).

use glocal_kit::Caller;

use super::{EventOffice, Result, bureau};
use crate::domain::statistics::{EventFigures, EventStatisticsQuery};
use crate::store::statistics as statistics_store;

impl EventOffice {
    /// Registrations by state and attendance of every event `query` covers, by start date:
    /// bureau staff only. A read: nothing is written (a lapsed offer counts as expired; the
    /// sweeper persists it).
    pub async fn event_statistics(
        &self,
        caller: Option<&Caller>,
        query: EventStatisticsQuery,
    ) -> Result<Vec<EventFigures>> {
        bureau(caller, "action-read-event-statistics")?;
        statistics_store::event_figures(&self.db, &query, self.now()).await
    }
}
