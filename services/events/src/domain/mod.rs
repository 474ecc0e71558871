//! The events domain: types that parse (ids, codes, localized text, time zones), the drafts
//! clients send and the validated values they parse into, the state machines of events,
//! registrations, contributions and lecture requests, the series' host rotation and the
//! timetable's rules. No I/O, no proto, no SQL.

/// `glocal_kit::text_enum!`, kept in textual scope for the modules below.
macro_rules! text_enum {
    ($($t:tt)*) => {
        glocal_kit::text_enum!($($t)*);
    };
}

mod contribution;
mod error;
mod event;
mod guest;
mod lecture;
mod registration;
mod rotation;
mod series;
pub mod statistics;
mod timetable;
mod values;
pub mod views;

pub use contribution::{
    ContributionAction, ContributionDraft, ContributionState, NewContribution, PracticeIds,
    contribution_transition,
};
pub use error::{IllegalTransition, InvalidInput};
pub use event::{EventAction, EventDraft, EventKind, EventState, NewEvent, event_transition};
pub use guest::{
    GUEST_LANGUAGES, GuestDraft, GuestEmail, GuestLimits, GuestRefusal, GuestState, GuestToken,
    NewGuest, open_to_guests,
};
pub use lecture::{
    LectureAction, LectureDraft, LectureState, NewLectureRequest, lecture_target_allows,
    lecture_transition, quota_allows,
};
pub use registration::{
    NewRegistration, Party, RegistrationAction, RegistrationDraft, RegistrationKind,
    RegistrationState, offer_lapsed, registration_transition,
};
pub use rotation::{OutOfTurn, Rotation};
pub use series::{NewSeries, SeriesDraft};
pub use timetable::{NewSession, SessionDraft, SessionKind, SpeakerDraft, overlaps, same_room};
pub use values::{
    CountryCode, EntityId, IdempotencyKey, LanguageCode, LocalGovernmentCode, LocalizedText,
    SeriesCode, TextDraft, TimeZone, Version, bounded, parse_date,
};
