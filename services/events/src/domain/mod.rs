//! The events domain: types that parse (ids, codes, localized text, time zones), the drafts
//! clients send and the validated values they parse into, the state machines of events,
//! registrations, contributions and lecture requests, the series' host rotation and the
//! timetable's rules. No I/O, no proto, no SQL.

/// A closed set of values with a stable text form (as stored and as GraphQL spells it).
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable text form.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            #[doc = concat!("Parses the text form; field `", $field, "`.")]
            pub fn parse(s: &str) -> Result<Self, $crate::domain::InvalidInput> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::InvalidInput::new($field, format!("unknown value `{s}`"))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

mod contribution;
mod error;
mod event;
mod lecture;
mod registration;
mod rotation;
mod series;
mod timetable;
mod values;
pub mod views;

pub use contribution::{
    ContributionAction, ContributionDraft, ContributionState, NewContribution, PracticeIds,
    contribution_transition,
};
pub use error::{IllegalTransition, InvalidInput};
pub use event::{EventAction, EventDraft, EventKind, EventState, NewEvent, event_transition};
pub use lecture::{
    LectureAction, LectureDraft, LectureState, NewLectureRequest, lecture_transition, quota_allows,
};
pub use registration::{
    NewRegistration, Party, RegistrationAction, RegistrationDraft, RegistrationKind,
    RegistrationState, registration_transition,
};
pub use rotation::{OutOfTurn, Rotation};
pub use series::{NewSeries, SeriesDraft};
pub use timetable::{NewSession, SessionDraft, SessionKind, SpeakerDraft, overlaps, same_room};
pub use values::{
    CountryCode, EntityId, IdempotencyKey, LanguageCode, LocalGovernmentCode, LocalizedText,
    SeriesCode, TextDraft, TimeZone, Version, bounded, parse_date,
};
