//! The bureau's training report (issue 19): per edition, its applications by state —
//! how many applied, are in review, were accepted, waitlisted, rejected or withdrew —
//! against its capacity. The database counts (one grouped query in `store::statistics`);
//! this module says what the report covers and what a row is.

use chrono::NaiveDate;

use super::views::ProgrammeSummary;
use super::{ApplicationState, EditionId, InvalidInput, ProgrammeId};

/// The longest period one report covers, in days (ten years).
pub use glocal_kit::domain::MAX_REPORT_DAYS as MAX_PERIOD_DAYS;

/// What the report covers: editions starting between `from` and `to` (both inclusive), of
/// one programme when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingStatisticsQuery {
    /// First start date covered.
    pub from: NaiveDate,
    /// Last start date covered.
    pub to: NaiveDate,
    /// Only this programme's editions.
    pub programme_id: Option<ProgrammeId>,
}

impl TrainingStatisticsQuery {
    /// A query over `[from, to]`; `to` before `from`, or a period over
    /// [`MAX_PERIOD_DAYS`], is refused on `to`.
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        programme_id: Option<ProgrammeId>,
    ) -> Result<Self, InvalidInput> {
        let (from, to) = glocal_kit::domain::report_period(from, to)?;
        Ok(TrainingStatisticsQuery {
            from,
            to,
            programme_id,
        })
    }
}

/// One edition's row of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionFigures {
    /// The programme.
    pub programme: ProgrammeSummary,
    /// The edition.
    pub edition_id: EditionId,
    /// Its term, e.g. `2026-1`.
    pub term: String,
    /// Its first day.
    pub starts_on: NaiveDate,
    /// Its places.
    pub capacity: u32,
    /// Saved, never submitted (not counted as applications).
    pub drafts: u32,
    /// Submitted, screening or under review.
    pub in_review: u32,
    /// Accepted.
    pub accepted: u32,
    /// On the waitlist.
    pub waitlisted: u32,
    /// Rejected.
    pub rejected: u32,
    /// Withdrawn by the applicant.
    pub withdrawn: u32,
}

impl EditionFigures {
    /// The row of an edition before anything is counted.
    pub fn of(
        programme: ProgrammeSummary,
        edition_id: EditionId,
        term: String,
        starts_on: NaiveDate,
        capacity: u32,
    ) -> Self {
        EditionFigures {
            programme,
            edition_id,
            term,
            starts_on,
            capacity,
            drafts: 0,
            in_review: 0,
            accepted: 0,
            waitlisted: 0,
            rejected: 0,
            withdrawn: 0,
        }
    }

    /// Adds `n` applications in `state`.
    pub fn count(&mut self, state: ApplicationState, n: u32) {
        let slot = match state {
            ApplicationState::Draft => &mut self.drafts,
            ApplicationState::Submitted
            | ApplicationState::Screening
            | ApplicationState::UnderReview => &mut self.in_review,
            ApplicationState::Accepted => &mut self.accepted,
            ApplicationState::Waitlisted => &mut self.waitlisted,
            ApplicationState::Rejected => &mut self.rejected,
            ApplicationState::Withdrawn => &mut self.withdrawn,
        };
        *slot = slot.saturating_add(n);
    }

    /// Applications submitted, in any state after (drafts are not applications yet).
    pub fn applied(&self) -> u32 {
        [
            self.in_review,
            self.accepted,
            self.waitlisted,
            self.rejected,
            self.withdrawn,
        ]
        .iter()
        .fold(0u32, |a, n| a.saturating_add(*n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LocalizedText, ProgrammeKind};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_report_checks_its_period() {
        let e = TrainingStatisticsQuery::new(day("2026-02-01"), day("2026-01-01"), None);
        assert_eq!(e.unwrap_err().field(), "to");
    }

    #[test]
    fn drafts_are_not_applications_and_review_states_count_together() {
        let mut f = EditionFigures::of(
            ProgrammeSummary {
                id: ProgrammeId::new(),
                kind: ProgrammeKind::parse("ACADEMY").unwrap(),
                title: LocalizedText::default(),
            },
            EditionId::new(),
            "2026-1".into(),
            day("2026-03-01"),
            20,
        );
        for (state, n) in [
            (ApplicationState::Draft, 4),
            (ApplicationState::Submitted, 1),
            (ApplicationState::Screening, 2),
            (ApplicationState::UnderReview, 3),
            (ApplicationState::Accepted, 5),
            (ApplicationState::Rejected, 1),
        ] {
            f.count(state, n);
        }
        assert_eq!(
            (f.drafts, f.in_review, f.accepted, f.rejected),
            (4, 6, 5, 1)
        );
        assert_eq!(f.applied(), 12);
    }
}
