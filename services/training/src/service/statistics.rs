//! The bureau's training report (issue 19): applications and acceptances per edition,
//! counted by the database (rules in `domain::statistics`).

use glocal_kit::Caller;

use super::{Result, TrainingOffice};
use crate::domain::statistics::{EditionFigures, TrainingStatisticsQuery};
use crate::store::statistics as statistics_store;

impl TrainingOffice {
    /// Applications by state of every edition `query` covers, by start date: bureau staff
    /// and admins only (counts, never an applicant's details).
    pub async fn training_statistics(
        &self,
        caller: Option<&Caller>,
        query: TrainingStatisticsQuery,
    ) -> Result<Vec<EditionFigures>> {
        self.who(caller)
            .await?
            .require_bureau("action-read-training-statistics")?;
        statistics_store::edition_figures(&self.db, &query).await
    }
}
