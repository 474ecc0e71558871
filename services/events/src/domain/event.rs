//! Events: their kinds, their life cycle as one pure function, and the draft a client sends
//! to create one with the validated event it parses into.
//!
//! ```text
//! DRAFT ─publish→ PUBLISHED ─open_registration→ REGISTRATION_OPEN ─close_registration→ REGISTRATION_CLOSED
//!   REGISTRATION_CLOSED ─open_registration→ REGISTRATION_OPEN
//!   PUBLISHED | REGISTRATION_OPEN | REGISTRATION_CLOSED ─start→ ONGOING ─complete→ COMPLETED
//!   any state before ONGOING ─cancel→ CANCELLED
//! ```

use chrono::{DateTime, NaiveDate, Utc};

use super::values::{bounded, languages, parse_date};
use super::{
    CountryCode, EntityId, IdempotencyKey, IllegalTransition, InvalidInput, LanguageCode,
    LocalGovernmentCode, LocalizedText, TextDraft, TimeZone,
};

text_enum!(
    /// What kind of gathering an event is.
    EventKind, "kind" {
        /// A multi-day conference (e.g. Korea–China–Japan local governments).
        Conference => "CONFERENCE",
        /// A workshop (e.g. the March workshop of officials in charge of exchange).
        Workshop => "WORKSHOP",
        /// A forum: expert presentations, debate, Q&A.
        Forum => "FORUM",
        /// A glocalization lecture at a local government.
        Lecture => "LECTURE",
    }
);

text_enum!(
    /// Where an event is in its life cycle.
    EventState, "state" {
        /// Being prepared; only the bureau sees it.
        Draft => "DRAFT",
        /// Announced to the public.
        Published => "PUBLISHED",
        /// Taking registrations.
        RegistrationOpen => "REGISTRATION_OPEN",
        /// No longer taking registrations.
        RegistrationClosed => "REGISTRATION_CLOSED",
        /// Under way: check-in happens now.
        Ongoing => "ONGOING",
        /// Over.
        Completed => "COMPLETED",
        /// Called off.
        Cancelled => "CANCELLED",
    }
);

impl EventState {
    /// True when the public may see the event.
    pub fn is_public(self) -> bool {
        self != EventState::Draft
    }

    /// True once nothing can change any more.
    pub fn is_terminal(self) -> bool {
        matches!(self, EventState::Completed | EventState::Cancelled)
    }
}

text_enum!(
    /// Something the bureau does to an event.
    EventAction, "action" {
        /// Announce it.
        Publish => "publish",
        /// Start (or resume) taking registrations.
        OpenRegistration => "open_registration",
        /// Stop taking registrations.
        CloseRegistration => "close_registration",
        /// It begins.
        Start => "start",
        /// It is over.
        Complete => "complete",
        /// Call it off.
        Cancel => "cancel",
    }
);

/// The state `action` leads to from `state`, or why it may not be taken.
pub fn event_transition(
    state: EventState,
    action: EventAction,
) -> Result<EventState, IllegalTransition> {
    use EventState::*;
    let next = match (action, state) {
        (EventAction::Publish, Draft) => Published,
        (EventAction::OpenRegistration, Published | RegistrationClosed) => RegistrationOpen,
        (EventAction::CloseRegistration, RegistrationOpen) => RegistrationClosed,
        (EventAction::Start, Published | RegistrationOpen | RegistrationClosed) => Ongoing,
        (EventAction::Complete, Ongoing) => Completed,
        (EventAction::Cancel, Draft | Published | RegistrationOpen | RegistrationClosed) => {
            Cancelled
        }
        _ => {
            return Err(IllegalTransition {
                what: "an event",
                state: state.as_str(),
                action: action.as_str(),
            });
        }
    };
    Ok(next)
}

/// What a client sends to create an event, unvalidated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventDraft {
    /// Makes retries safe; required.
    pub idempotency_key: String,
    /// The series it is an edition of; empty for a stand-alone event.
    pub series_id: String,
    /// Required for a stand-alone event; defaults to the series' kind.
    pub kind: Option<EventKind>,
    /// Title.
    pub title: TextDraft,
    /// Description.
    pub description: TextDraft,
    /// ISO 3166-1 alpha-2 code of the host country.
    pub host_country: String,
    /// Host city.
    pub host_city: String,
    /// Host organisation.
    pub host_organization: String,
    /// Host local government's code (optional).
    pub host_local_government_code: String,
    /// Venue.
    pub venue: String,
    /// IANA time zone.
    pub time_zone: String,
    /// First day, `YYYY-MM-DD`.
    pub start_date: String,
    /// Last day, `YYYY-MM-DD`.
    pub end_date: String,
    /// Working languages (ISO 639-1).
    pub working_languages: Vec<String>,
    /// Languages interpreted into (ISO 639-1).
    pub interpretation_languages: Vec<String>,
    /// Seats.
    pub capacity: u32,
    /// Registration opens (optional).
    pub registration_opens_at: Option<DateTime<Utc>>,
    /// Registration closes (optional).
    pub registration_closes_at: Option<DateTime<Utc>>,
    /// Create it even outside its series' period rule: a bureau administrator's decision,
    /// audited.
    pub outside_period: bool,
}

/// A validated new event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// Makes retries safe.
    pub idempotency_key: IdempotencyKey,
    /// The series, if any.
    pub series_id: Option<EntityId>,
    /// The kind, when named.
    pub kind: Option<EventKind>,
    /// Title (≤ 200 characters per language).
    pub title: LocalizedText,
    /// Description (≤ 10 000 characters per language).
    pub description: LocalizedText,
    /// Host country.
    pub host_country: CountryCode,
    /// Host city.
    pub host_city: String,
    /// Host organisation.
    pub host_organization: String,
    /// Host local government, if any.
    pub host_local_government_code: Option<LocalGovernmentCode>,
    /// Venue.
    pub venue: String,
    /// Time zone of the venue.
    pub time_zone: TimeZone,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (on or after the first, at most 31 days later).
    pub end_date: NaiveDate,
    /// 1..=4 working languages.
    pub working_languages: Vec<LanguageCode>,
    /// 0..=8 interpretation languages.
    pub interpretation_languages: Vec<LanguageCode>,
    /// 1..=100 000 seats.
    pub capacity: u32,
    /// Registration opens.
    pub registration_opens_at: Option<DateTime<Utc>>,
    /// Registration closes (after it opens).
    pub registration_closes_at: Option<DateTime<Utc>>,
    /// Hold it even outside its series' period rule (an administrator's decision).
    pub outside_period: bool,
}

/// Largest number of seats an event may have.
pub const MAX_CAPACITY: u32 = 100_000;

impl EventDraft {
    /// Checks every field; the first problem found is reported with its field.
    pub fn parse(&self) -> Result<NewEvent, InvalidInput> {
        let idempotency_key = IdempotencyKey::parse(&self.idempotency_key)?;
        let series_id = if self.series_id.trim().is_empty() {
            None
        } else {
            Some(EntityId::parse(&self.series_id, "seriesId")?)
        };
        if series_id.is_none() && self.kind.is_none() {
            return Err(InvalidInput::new(
                "kind",
                "is required for an event outside a series",
            ));
        }
        let title = LocalizedText::parse(&self.title, "title", 200)?;
        let description = LocalizedText::parse(&self.description, "description", 10_000)?;
        let host_country =
            CountryCode::parse(&self.host_country).map_err(|e| e.at("hostCountry"))?;
        let host_city = bounded(&self.host_city, "hostCity", 1, 100)?;
        let host_organization = bounded(&self.host_organization, "hostOrganization", 1, 200)?;
        let host_local_government_code = if self.host_local_government_code.trim().is_empty() {
            None
        } else {
            Some(
                LocalGovernmentCode::parse(&self.host_local_government_code)
                    .map_err(|e| e.at("hostLocalGovernmentCode"))?,
            )
        };
        let venue = bounded(&self.venue, "venue", 1, 300)?;
        let time_zone = TimeZone::parse(&self.time_zone)?;
        let start_date = parse_date(&self.start_date, "startDate")?;
        let end_date = parse_date(&self.end_date, "endDate")?;
        if end_date < start_date {
            return Err(InvalidInput::new("endDate", "must not be before startDate"));
        }
        if (end_date - start_date).num_days() > 31 {
            return Err(InvalidInput::new(
                "endDate",
                "an event lasts at most 32 days",
            ));
        }
        let working_languages = languages(&self.working_languages, "workingLanguages", 1, 4)?;
        let interpretation_languages = languages(
            &self.interpretation_languages,
            "interpretationLanguages",
            0,
            8,
        )?;
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            return Err(InvalidInput::localized(
                "capacity",
                glocal_kit::i18n::Message::new("input-between-1-and").arg("max", MAX_CAPACITY),
            ));
        }
        if let (Some(opens), Some(closes)) =
            (self.registration_opens_at, self.registration_closes_at)
            && closes <= opens
        {
            return Err(InvalidInput::new(
                "registrationClosesAt",
                "must be after registrationOpensAt",
            ));
        }
        Ok(NewEvent {
            idempotency_key,
            series_id,
            kind: self.kind,
            title,
            description,
            host_country,
            host_city,
            host_organization,
            host_local_government_code,
            venue,
            time_zone,
            start_date,
            end_date,
            working_languages,
            interpretation_languages,
            capacity: self.capacity,
            registration_opens_at: self.registration_opens_at,
            registration_closes_at: self.registration_closes_at,
            outside_period: self.outside_period,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::EventState::*;
    use super::*;

    /// A change that spoils one field of a valid draft.
    type Spoil = fn(&mut EventDraft);

    /// Every legal (from, action, to); any pair not listed must be illegal.
    const LEGAL: &[(EventState, EventAction, EventState)] = &[
        (Draft, EventAction::Publish, Published),
        (Published, EventAction::OpenRegistration, RegistrationOpen),
        (
            RegistrationClosed,
            EventAction::OpenRegistration,
            RegistrationOpen,
        ),
        (
            RegistrationOpen,
            EventAction::CloseRegistration,
            RegistrationClosed,
        ),
        (Published, EventAction::Start, Ongoing),
        (RegistrationOpen, EventAction::Start, Ongoing),
        (RegistrationClosed, EventAction::Start, Ongoing),
        (Ongoing, EventAction::Complete, Completed),
        (Draft, EventAction::Cancel, Cancelled),
        (Published, EventAction::Cancel, Cancelled),
        (RegistrationOpen, EventAction::Cancel, Cancelled),
        (RegistrationClosed, EventAction::Cancel, Cancelled),
    ];

    #[test]
    fn every_state_action_pair_is_legal_exactly_when_listed() {
        let mut legal = 0;
        for &state in EventState::ALL {
            for &action in EventAction::ALL {
                let want = LEGAL
                    .iter()
                    .find(|(s, a, _)| *s == state && *a == action)
                    .map(|(_, _, to)| *to);
                match (event_transition(state, action), want) {
                    (Ok(to), Some(want)) => {
                        assert_eq!(to, want);
                        legal += 1;
                    }
                    (Err(e), None) => {
                        assert_eq!((e.state, e.action), (state.as_str(), action.as_str()));
                    }
                    (got, want) => panic!("{state} --{action}--> got {got:?}, want {want:?}"),
                }
            }
        }
        assert_eq!(legal, LEGAL.len());
        assert_eq!(EventState::ALL.len() * EventAction::ALL.len(), 42);
    }

    #[test]
    fn terminal_states_allow_nothing() {
        for &state in EventState::ALL.iter().filter(|s| s.is_terminal()) {
            for &action in EventAction::ALL {
                assert!(event_transition(state, action).is_err());
            }
        }
    }

    fn forum() -> EventDraft {
        EventDraft {
            idempotency_key: "k".into(),
            kind: Some(EventKind::Forum),
            title: TextDraft::new("포럼", "Forum", "", ""),
            description: TextDraft::new("", "Debate", "", ""),
            host_country: "KR".into(),
            host_city: "Seoul".into(),
            host_organization: "GAOK".into(),
            venue: "Press Center".into(),
            time_zone: "Asia/Seoul".into(),
            start_date: "2026-10-01".into(),
            end_date: "2026-10-01".into(),
            working_languages: vec!["ko".into()],
            capacity: 100,
            ..EventDraft::default()
        }
    }

    #[test]
    fn a_valid_draft_parses() {
        let e = forum().parse().unwrap();
        assert_eq!(e.capacity, 100);
        assert_eq!(e.time_zone.name(), "Asia/Seoul");
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(Spoil, &str)> = vec![
            (|d| d.idempotency_key.clear(), "idempotencyKey"),
            (|d| d.kind = None, "kind"),
            (|d| d.series_id = "nope".into(), "seriesId"),
            (|d| d.title = TextDraft::default(), "title"),
            (|d| d.host_country = "Korea".into(), "hostCountry"),
            (|d| d.host_city = " ".into(), "hostCity"),
            (|d| d.venue.clear(), "venue"),
            (|d| d.time_zone = "KST".into(), "timeZone"),
            (|d| d.start_date = "1 Oct".into(), "startDate"),
            (|d| d.end_date = "2026-09-30".into(), "endDate"),
            (|d| d.end_date = "2026-12-01".into(), "endDate"),
            (|d| d.working_languages.clear(), "workingLanguages"),
            (
                |d| d.interpretation_languages = vec!["en".into(), "JA".into()],
                "interpretationLanguages[1]",
            ),
            (|d| d.capacity = 0, "capacity"),
            (
                |d| d.host_local_government_code = "1".into(),
                "hostLocalGovernmentCode",
            ),
            (
                |d| {
                    let t = Utc::now();
                    d.registration_opens_at = Some(t);
                    d.registration_closes_at = Some(t);
                },
                "registrationClosesAt",
            ),
        ];
        for (spoil, field) in cases {
            let mut d = forum();
            spoil(&mut d);
            assert_eq!(d.parse().unwrap_err().field(), field);
        }
    }
}
