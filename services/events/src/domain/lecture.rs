//! Glocalization lecture requests: a local government asks for a lecture (theme, preferred
//! dates, venue); the bureau schedules it as an event within the series' yearly quota, or
//! declines it.
//!
//! ```text
//! REQUESTED ─schedule→ SCHEDULED;  REQUESTED ─decline→ DECLINED
//! ```

use chrono::{Datelike, NaiveDate};

use super::values::{bounded, parse_date};
use super::{IdempotencyKey, IllegalTransition, InvalidInput, LocalGovernmentCode};

text_enum!(
    /// Where a lecture request is.
    LectureState, "state" {
        /// Waiting for the bureau.
        Requested => "REQUESTED",
        /// Scheduled as an event.
        Scheduled => "SCHEDULED",
        /// Declined, with a reason.
        Declined => "DECLINED",
    }
);

text_enum!(
    /// What the bureau does with a lecture request.
    LectureAction, "action" {
        /// Schedule it as an event.
        Schedule => "schedule",
        /// Decline it.
        Decline => "decline",
    }
);

/// The state `action` leads to from `state`, or why it may not be taken.
pub fn lecture_transition(
    state: LectureState,
    action: LectureAction,
) -> Result<LectureState, IllegalTransition> {
    match (action, state) {
        (LectureAction::Schedule, LectureState::Requested) => Ok(LectureState::Scheduled),
        (LectureAction::Decline, LectureState::Requested) => Ok(LectureState::Declined),
        _ => Err(IllegalTransition {
            what: "a lecture request",
            state: state.as_str(),
            action: action.as_str(),
        }),
    }
}

/// True when a series with `quota` lectures a year (0 = none) has room after `used`.
pub fn quota_allows(used: u64, quota: u32) -> bool {
    quota == 0 || used < u64::from(quota)
}

/// Whether a lecture series whose yearly target is `target` local governments (0 = none)
/// may hold one more lecture for `local_government`, when the year's lectures already
/// reach `reached`: the target counts distinct local governments ("12 local governments"),
/// so another lecture for one already reached always fits.
pub fn lecture_target_allows(
    reached: &std::collections::BTreeSet<String>,
    local_government: &str,
    target: u32,
) -> bool {
    target == 0 || reached.contains(local_government) || reached.len() < target as usize
}

/// A lecture request as a client sends it, unvalidated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LectureDraft {
    /// Makes retries safe; required.
    pub idempotency_key: String,
    /// Theme, e.g. "International etiquette and protocol".
    pub theme: String,
    /// 1..=5 preferred days, `YYYY-MM-DD`, not in the past.
    pub preferred_dates: Vec<String>,
    /// Venue chosen by the local government.
    pub venue: String,
    /// The requesting local government; empty = the caller's own.
    pub local_government_code: String,
}

/// A validated lecture request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLectureRequest {
    /// Makes retries safe.
    pub idempotency_key: IdempotencyKey,
    /// Theme.
    pub theme: String,
    /// Preferred days, sorted, distinct, all in one year.
    pub preferred_dates: Vec<NaiveDate>,
    /// Venue.
    pub venue: String,
    /// The local government, when named.
    pub local_government_code: Option<LocalGovernmentCode>,
}

impl NewLectureRequest {
    /// The year the lecture counts against.
    pub fn year(&self) -> i32 {
        self.preferred_dates.first().map_or(0, Datelike::year)
    }
}

impl LectureDraft {
    /// Checks every field; `today` is the bureau's today.
    pub fn parse(&self, today: NaiveDate) -> Result<NewLectureRequest, InvalidInput> {
        let idempotency_key = IdempotencyKey::parse(&self.idempotency_key)?;
        let theme = bounded(&self.theme, "theme", 1, 200)?;
        if self.preferred_dates.is_empty() || self.preferred_dates.len() > 5 {
            return Err(InvalidInput::new(
                "preferredDates",
                "give between 1 and 5 preferred dates",
            ));
        }
        let mut dates = Vec::new();
        for (i, d) in self.preferred_dates.iter().enumerate() {
            let field = format!("preferredDates[{i}]");
            let date = parse_date(d, &field)?;
            if date < today {
                return Err(InvalidInput::new(field, "must not be in the past"));
            }
            if !dates.contains(&date) {
                dates.push(date);
            }
        }
        dates.sort();
        if dates.first().map(Datelike::year) != dates.last().map(Datelike::year) {
            return Err(InvalidInput::new(
                "preferredDates",
                "must all fall in one year (lectures count against a yearly quota)",
            ));
        }
        let venue = bounded(&self.venue, "venue", 1, 300)?;
        let local_government_code = if self.local_government_code.trim().is_empty() {
            None
        } else {
            Some(LocalGovernmentCode::parse(&self.local_government_code)?)
        };
        Ok(NewLectureRequest {
            idempotency_key,
            theme,
            preferred_dates: dates,
            venue,
            local_government_code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_action_pair() {
        for &state in LectureState::ALL {
            for &action in LectureAction::ALL {
                let got = lecture_transition(state, action);
                match (state, action) {
                    (LectureState::Requested, LectureAction::Schedule) => {
                        assert_eq!(got, Ok(LectureState::Scheduled));
                    }
                    (LectureState::Requested, LectureAction::Decline) => {
                        assert_eq!(got, Ok(LectureState::Declined));
                    }
                    _ => assert!(got.is_err(), "{state} {action}"),
                }
            }
        }
    }

    #[test]
    fn the_lecture_target_counts_local_governments() {
        let reached: std::collections::BTreeSet<String> =
            ["11000", "26000"].into_iter().map(str::to_owned).collect();
        assert!(lecture_target_allows(&reached, "11000", 2), "one reached");
        assert!(!lecture_target_allows(&reached, "27000", 2), "a third");
        assert!(lecture_target_allows(&reached, "27000", 3));
        assert!(lecture_target_allows(&reached, "27000", 0), "no target");
    }

    #[test]
    fn quota() {
        assert!(quota_allows(11, 12));
        assert!(!quota_allows(12, 12));
        assert!(quota_allows(1_000, 0));
    }

    #[test]
    fn drafts() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let d = LectureDraft {
            idempotency_key: "l1".into(),
            theme: "Protocol".into(),
            preferred_dates: vec!["2026-05-20".into(), "2026-05-13".into()],
            venue: "City Hall".into(),
            local_government_code: String::new(),
        };
        let r = d.parse(today).unwrap();
        assert_eq!(r.year(), 2026);
        assert_eq!(r.preferred_dates[0].to_string(), "2026-05-13");
        let past = LectureDraft {
            preferred_dates: vec!["2026-02-01".into()],
            ..d.clone()
        };
        assert_eq!(past.parse(today).unwrap_err().field(), "preferredDates[0]");
        let split = LectureDraft {
            preferred_dates: vec!["2026-12-30".into(), "2027-01-05".into()],
            ..d.clone()
        };
        assert_eq!(split.parse(today).unwrap_err().field(), "preferredDates");
        let none = LectureDraft {
            preferred_dates: vec![],
            ..d
        };
        assert_eq!(none.parse(today).unwrap_err().field(), "preferredDates");
    }
}
