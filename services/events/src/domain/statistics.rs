//! The bureau's event report (issue 19): per event, its registrations by state (with the
//! seats the confirmed ones hold) and its attendance. The database counts (grouped queries
//! in `store::statistics`); this module says what the report covers and what a row is.

use chrono::NaiveDate;

use super::{EntityId, EventKind, EventState, InvalidInput, LocalizedText, RegistrationState};

/// The longest period one report covers, in days (ten years).
pub use glocal_kit::domain::MAX_REPORT_DAYS as MAX_PERIOD_DAYS;

/// What the report covers: events starting between `from` and `to` (both inclusive), of one
/// series when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventStatisticsQuery {
    /// First start date covered.
    pub from: NaiveDate,
    /// Last start date covered.
    pub to: NaiveDate,
    /// Only this series' events.
    pub series_id: Option<EntityId>,
}

impl EventStatisticsQuery {
    /// A query over `[from, to]`; `to` before `from`, or a period over
    /// [`MAX_PERIOD_DAYS`], is refused on `to`.
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        series_id: Option<EntityId>,
    ) -> Result<Self, InvalidInput> {
        let (from, to) = glocal_kit::domain::report_period(from, to)?;
        Ok(EventStatisticsQuery {
            from,
            to,
            series_id,
        })
    }
}

/// The registrations of one event in one state, as the database counted them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateCount {
    /// The state.
    pub state: RegistrationState,
    /// How many registrations.
    pub registrations: u32,
    /// The seats they hold or ask for.
    pub seats: u32,
}

/// One event's row of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFigures {
    /// The event.
    pub event_id: EntityId,
    /// Its title.
    pub title: LocalizedText,
    /// Its kind.
    pub kind: EventKind,
    /// Where it is.
    pub state: EventState,
    /// Its first day.
    pub start_date: NaiveDate,
    /// Its seats.
    pub capacity: u32,
    /// Registrations just received.
    pub pending: u32,
    /// Registrations holding their seats.
    pub confirmed: u32,
    /// Registrations waiting for seats.
    pub waitlisted: u32,
    /// Registrations offered freed seats.
    pub offered: u32,
    /// Offers that lapsed.
    pub expired: u32,
    /// Cancelled registrations.
    pub cancelled: u32,
    /// Seats the confirmed registrations hold.
    pub confirmed_seats: u32,
    /// Registrations with at least one check-in.
    pub attended: u32,
    /// Check-ins over every day and attendee.
    pub check_ins: u32,
}

impl EventFigures {
    /// The row of an event before anything is counted.
    pub fn of(
        event_id: EntityId,
        title: LocalizedText,
        kind: EventKind,
        state: EventState,
        start_date: NaiveDate,
        capacity: u32,
    ) -> Self {
        EventFigures {
            event_id,
            title,
            kind,
            state,
            start_date,
            capacity,
            pending: 0,
            confirmed: 0,
            waitlisted: 0,
            offered: 0,
            expired: 0,
            cancelled: 0,
            confirmed_seats: 0,
            attended: 0,
            check_ins: 0,
        }
    }

    /// Adds the registrations of one state.
    pub fn count(&mut self, c: StateCount) {
        let slot = match c.state {
            RegistrationState::Pending => &mut self.pending,
            RegistrationState::Confirmed => {
                self.confirmed_seats = self.confirmed_seats.saturating_add(c.seats);
                &mut self.confirmed
            }
            RegistrationState::Waitlisted => &mut self.waitlisted,
            RegistrationState::Offered => &mut self.offered,
            RegistrationState::Expired => &mut self.expired,
            RegistrationState::Cancelled => &mut self.cancelled,
        };
        *slot = slot.saturating_add(c.registrations);
    }

    /// Every registration counted, in any state.
    pub fn registrations(&self) -> u32 {
        [
            self.pending,
            self.confirmed,
            self.waitlisted,
            self.offered,
            self.expired,
            self.cancelled,
        ]
        .iter()
        .fold(0u32, |a, n| a.saturating_add(*n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_report_checks_its_period() {
        let before = EventStatisticsQuery::new(day("2026-02-01"), day("2026-01-01"), None);
        assert_eq!(before.unwrap_err().field(), "to");
    }

    #[test]
    fn counts_land_in_their_state_and_confirmed_seats_add_up() {
        let mut f = EventFigures::of(
            EntityId::from(uuid::Uuid::nil()),
            LocalizedText::from_stored("행사".into(), String::new(), String::new(), String::new()),
            EventKind::Forum,
            EventState::Completed,
            day("2026-03-01"),
            50,
        );
        for (state, registrations, seats) in [
            (RegistrationState::Confirmed, 3, 7),
            (RegistrationState::Waitlisted, 2, 2),
            (RegistrationState::Cancelled, 1, 1),
        ] {
            f.count(StateCount {
                state,
                registrations,
                seats,
            });
        }
        assert_eq!((f.confirmed, f.confirmed_seats), (3, 7));
        assert_eq!((f.waitlisted, f.cancelled, f.pending), (2, 1, 0));
        assert_eq!(f.registrations(), 6);
    }
}
