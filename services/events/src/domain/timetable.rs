//! The timetable: sessions (plenary, presentation, debate, Q&A, lecture) with speakers,
//! rooms and interpretation languages. Times are instants (stored in UTC, shown in the
//! event's time zone); two sessions in one room may not overlap.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::values::{bounded, languages};
use super::{IdempotencyKey, InvalidInput, LanguageCode, LocalizedText, TextDraft, TimeZone};

text_enum!(
    /// What happens in a session.
    SessionKind, "kind" {
        /// Everyone together: openings, keynotes.
        Plenary => "PLENARY",
        /// Presentations (of best practices, of contributions).
        Presentation => "PRESENTATION",
        /// A debate among experts.
        Debate => "DEBATE",
        /// Questions and answers.
        Qa => "QA",
        /// A lecture.
        Lecture => "LECTURE",
    }
);

/// A speaker as a client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpeakerDraft {
    /// Name (required).
    pub name: String,
    /// Affiliation (optional).
    pub affiliation: String,
}

/// A session as a client sends it, unvalidated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionDraft {
    /// Makes retries safe; required.
    pub idempotency_key: String,
    /// Kind (required).
    pub kind: Option<SessionKind>,
    /// Title.
    pub title: TextDraft,
    /// Room.
    pub room: String,
    /// Speakers.
    pub speakers: Vec<SpeakerDraft>,
    /// Languages interpreted into.
    pub interpretation_languages: Vec<String>,
    /// Start (required).
    pub starts_at: Option<DateTime<Utc>>,
    /// End (required).
    pub ends_at: Option<DateTime<Utc>>,
}

/// A validated session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// Makes retries safe.
    pub idempotency_key: IdempotencyKey,
    /// Kind.
    pub kind: SessionKind,
    /// Title (≤ 200 characters per language).
    pub title: LocalizedText,
    /// Room (1..=100 characters).
    pub room: String,
    /// Speakers: (name, affiliation), at most 20.
    pub speakers: Vec<(String, String)>,
    /// 0..=8 languages.
    pub interpretation_languages: Vec<LanguageCode>,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End, after the start, at most 12 hours later.
    pub ends_at: DateTime<Utc>,
}

impl SessionDraft {
    /// Checks every field; the first problem found is reported with its field.
    pub fn parse(&self) -> Result<NewSession, InvalidInput> {
        let idempotency_key = IdempotencyKey::parse(&self.idempotency_key)?;
        let kind = self
            .kind
            .ok_or_else(|| InvalidInput::new("kind", "is required"))?;
        let title = LocalizedText::parse(&self.title, "title", 200)?;
        let room = bounded(&self.room, "room", 1, 100)?;
        if self.speakers.len() > 20 {
            return Err(InvalidInput::new("speakers", "at most 20 speakers"));
        }
        let speakers = self
            .speakers
            .iter()
            .enumerate()
            .map(|(i, s)| {
                Ok((
                    bounded(&s.name, &format!("speakers[{i}].name"), 1, 100)?,
                    bounded(
                        &s.affiliation,
                        &format!("speakers[{i}].affiliation"),
                        0,
                        200,
                    )?,
                ))
            })
            .collect::<Result<Vec<_>, InvalidInput>>()?;
        let interpretation_languages = languages(
            &self.interpretation_languages,
            "interpretationLanguages",
            0,
            8,
        )?;
        let starts_at = self
            .starts_at
            .ok_or_else(|| InvalidInput::new("startsAt", "is required"))?;
        let ends_at = self
            .ends_at
            .ok_or_else(|| InvalidInput::new("endsAt", "is required"))?;
        if ends_at <= starts_at {
            return Err(InvalidInput::new("endsAt", "must be after startsAt"));
        }
        if ends_at - starts_at > Duration::hours(12) {
            return Err(InvalidInput::new(
                "endsAt",
                "a session lasts at most 12 hours",
            ));
        }
        Ok(NewSession {
            idempotency_key,
            kind,
            title,
            room,
            speakers,
            interpretation_languages,
            starts_at,
            ends_at,
        })
    }
}

impl NewSession {
    /// Checks that the session falls within the event's days, in the event's time zone.
    pub fn check_within(
        &self,
        zone: TimeZone,
        first_day: NaiveDate,
        last_day: NaiveDate,
    ) -> Result<(), InvalidInput> {
        let start = zone.local_date(self.starts_at);
        // A session ending exactly at midnight still belongs to the day before.
        let end = zone.local_date(self.ends_at - Duration::seconds(1));
        if start < first_day || start > last_day {
            return Err(InvalidInput::localized(
                "startsAt",
                glocal_kit::i18n::Message::new("input-session-outside-event")
                    .arg("date", start)
                    .arg("zone", zone.name())
                    .arg("first", first_day)
                    .arg("last", last_day),
            ));
        }
        if end > last_day {
            return Err(InvalidInput::localized(
                "endsAt",
                glocal_kit::i18n::Message::new("input-session-after-event")
                    .arg("last", last_day)
                    .arg("zone", zone.name()),
            ));
        }
        Ok(())
    }
}

/// True when two rooms are the same room (case and surrounding space do not matter).
pub fn same_room(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// True when the half-open intervals `[a0, a1)` and `[b0, b1)` share an instant: one
/// session may start the minute another ends.
pub fn overlaps(a: (DateTime<Utc>, DateTime<Utc>), b: (DateTime<Utc>, DateTime<Utc>)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A change that spoils one field of a valid draft.
    type Spoil = fn(&mut SessionDraft);

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn draft() -> SessionDraft {
        SessionDraft {
            idempotency_key: "s1".into(),
            kind: Some(SessionKind::Plenary),
            title: TextDraft::new("개회", "Opening", "", ""),
            room: "Hall A".into(),
            speakers: vec![SpeakerDraft {
                name: "Kim".into(),
                affiliation: "GAOK".into(),
            }],
            interpretation_languages: vec!["en".into(), "zh".into(), "ja".into()],
            starts_at: Some(at("2026-08-26T00:00:00Z")),
            ends_at: Some(at("2026-08-26T01:30:00Z")),
        }
    }

    #[test]
    fn overlap_is_half_open() {
        let a = (at("2026-08-26T00:00:00Z"), at("2026-08-26T01:00:00Z"));
        assert!(overlaps(
            a,
            (at("2026-08-26T00:30:00Z"), at("2026-08-26T02:00:00Z"))
        ));
        assert!(overlaps(
            a,
            (at("2026-08-25T23:00:00Z"), at("2026-08-26T03:00:00Z"))
        ));
        assert!(!overlaps(
            a,
            (at("2026-08-26T01:00:00Z"), at("2026-08-26T02:00:00Z"))
        ));
        assert!(!overlaps(
            a,
            (at("2026-08-25T23:00:00Z"), at("2026-08-26T00:00:00Z"))
        ));
        assert!(same_room(" Hall A", "hall a"));
        assert!(!same_room("Hall A", "Hall B"));
    }

    #[test]
    fn sessions_parse_and_name_bad_fields() {
        assert!(draft().parse().is_ok());
        let cases: Vec<(Spoil, &str)> = vec![
            (|d| d.kind = None, "kind"),
            (|d| d.room.clear(), "room"),
            (|d| d.speakers[0].name.clear(), "speakers[0].name"),
            (|d| d.starts_at = None, "startsAt"),
            (|d| d.ends_at = d.starts_at, "endsAt"),
            (|d| d.ends_at = Some(at("2026-08-27T00:00:00Z")), "endsAt"),
            (
                |d| d.interpretation_languages = vec!["english".into()],
                "interpretationLanguages[0]",
            ),
        ];
        for (spoil, field) in cases {
            let mut d = draft();
            spoil(&mut d);
            assert_eq!(d.parse().unwrap_err().field(), field);
        }
    }

    #[test]
    fn sessions_must_fall_on_the_events_days_in_its_time_zone() {
        let seoul = TimeZone::parse("Asia/Seoul").unwrap();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut d = draft();
        // 2026-08-25T23:30Z is 08:30 on the 26th in Seoul: inside a 26–29 event.
        d.starts_at = Some(at("2026-08-25T23:30:00Z"));
        d.ends_at = Some(at("2026-08-26T00:30:00Z"));
        let s = d.parse().unwrap();
        assert!(
            s.check_within(seoul, day("2026-08-26"), day("2026-08-29"))
                .is_ok()
        );
        // The same instant is the 25th in UTC: outside an event in UTC.
        let utc = TimeZone::parse("UTC").unwrap();
        assert_eq!(
            s.check_within(utc, day("2026-08-26"), day("2026-08-29"))
                .unwrap_err()
                .field(),
            "startsAt"
        );
    }
}
