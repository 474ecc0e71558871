//! What every service's domain parses with: the one input error ([`InvalidInput`], a field
//! path and a message), bounded free text ([`bounded`], [`bounded_text!`](crate::bounded_text)),
//! closed sets with a stable text form ([`text_enum!`](crate::text_enum)), checked codes
//! ([`string_code!`](crate::string_code)), UUID ids ([`uuid_id!`](crate::uuid_id)) and the
//! optimistic-concurrency [`Version`]. The macros expand in the service's crate and
//! return this module's [`InvalidInput`]. Language and country codes are checked against the
//! ISO lists in [`iso`].

pub mod iso;
pub mod period;

use crate::error::{ErrorCode, ServiceError};
use crate::i18n::{Lang, Message};

/// Input that does not parse; names the field at fault (a camelCase GraphQL-style path such
/// as `details.overseasVisit.delegationSize`, `title.ko` or `links[2].url`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidInput {
    field: String,
    message: String,
    localized: Option<Message>,
}

impl InvalidInput {
    /// An error about `field` in English: when the catalogue holds `message` word for word
    /// it is that catalogue message; otherwise the gateway answers other languages with the
    /// generic message of BAD_USER_INPUT and this text as `extensions.detail`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        InvalidInput {
            field: field.into(),
            localized: Message::of_english(&message),
            message,
        }
    }

    /// An error about `field` saying `message` from the catalogue (rendered in the reader's
    /// language by the gateway; [`InvalidInput::message`] is its English text).
    pub fn localized(field: impl Into<String>, message: Message) -> Self {
        InvalidInput {
            field: field.into(),
            message: message.render(Lang::En),
            localized: Some(message),
        }
    }

    /// An error about `field`: `value` is none of the values it takes (`input-unknown-value`).
    pub fn unknown_value(field: impl Into<String>, value: impl ToString) -> Self {
        InvalidInput::localized(
            field,
            Message::new("input-unknown-value").arg("value", value),
        )
    }

    /// The catalogue message, when the error has one.
    pub fn catalogue_message(&self) -> Option<&Message> {
        self.localized.as_ref()
    }

    /// The same error, reported against another field path.
    #[must_use]
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }

    /// The same error, with `prefix.` put before its field path.
    #[must_use]
    pub fn under(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}.{}", self.field);
        self
    }

    /// The field path at fault.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// BAD_USER_INPUT about the field, so an adapter can answer it without the service's enum.
impl ServiceError for InvalidInput {
    fn code(&self) -> ErrorCode {
        ErrorCode::BadUserInput
    }

    fn field(&self) -> Option<&str> {
        Some(&self.field)
    }

    fn catalogue_message(&self) -> Option<Message> {
        self.localized.clone()
    }
}

/// The version of a record a caller saw (optimistic concurrency); starts at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(i64);

impl Version {
    /// The first version of every record.
    pub const FIRST: Version = Version(1);

    /// Parses a version number; field `version`.
    pub fn parse(v: i64) -> Result<Self, InvalidInput> {
        if v < 1 {
            return Err(InvalidInput::localized(
                "version",
                Message::new("input-version"),
            ));
        }
        Ok(Version(v))
    }

    /// The number.
    pub fn get(&self) -> i64 {
        self.0
    }

    /// The version after one more change.
    #[must_use]
    pub fn next(&self) -> Version {
        Version(self.0 + 1)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The longest period one report covers, in days (ten years).
pub const MAX_REPORT_DAYS: i64 = 3_660;

/// Checks a report's period `[from, to]` (both inclusive): `to` before `from`, or more than
/// [`MAX_REPORT_DAYS`], is refused on `to`.
pub fn report_period(
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), InvalidInput> {
    if to < from {
        return Err(InvalidInput::localized(
            "to",
            Message::new("input-not-before-from"),
        ));
    }
    if (to - from).num_days() > MAX_REPORT_DAYS {
        return Err(InvalidInput::localized(
            "to",
            Message::new("input-report-ten-years"),
        ));
    }
    Ok((from, to))
}

/// Trims `s` and checks its length in characters: at least `min` ("is required" when
/// `min` is 1), at most `max`; control characters other than tab and line breaks (NUL, escape,
/// …) are refused.
pub fn bounded(s: &str, field: &str, min: usize, max: usize) -> Result<String, InvalidInput> {
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(InvalidInput::localized(
            field,
            Message::new("input-control-characters"),
        ));
    }
    let s = s.trim();
    let n = s.chars().count();
    if n < min {
        return Err(InvalidInput::localized(
            field,
            if min == 1 {
                Message::new("input-required")
            } else {
                Message::new("input-too-short").arg("min", min)
            },
        ));
    }
    if n > max {
        return Err(InvalidInput::localized(
            field,
            Message::new("input-too-long").arg("max", max).arg("got", n),
        ));
    }
    Ok(s.to_owned())
}

/// A closed set of values with a stable text form (as stored and as GraphQL spells it):
/// `ALL`, `as_str`, `parse` (unknown text is [`InvalidInput`] on `$field`) and `Display`.
///
/// ```
/// glocal_kit::text_enum!(
///     /// A colour.
///     Colour, "colour" {
///         /// Red.
///         Red => "RED",
///     }
/// );
/// assert_eq!(Colour::parse("RED").unwrap(), Colour::Red);
/// ```
#[macro_export]
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

            /// The stable text form (as stored and as GraphQL spells it).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            #[doc = concat!("Parses the text form; field `", $field, "`.")]
            pub fn parse(s: &str) -> ::std::result::Result<Self, $crate::domain::InvalidInput> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::InvalidInput::localized(
                        $field,
                        $crate::i18n::Message::new("input-unknown-value").arg("value", s),
                    )),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Like [`bounded`], for one line of text such as a title: no control characters at all
/// (no tab or line break either).
pub fn single_line(s: &str, field: &str, min: usize, max: usize) -> Result<String, InvalidInput> {
    if s.trim().chars().any(char::is_control) {
        return Err(InvalidInput::localized(
            field,
            Message::new("input-one-line"),
        ));
    }
    bounded(s, field, min, max)
}

/// Free text of `$min..=$max` characters after trimming (see [`bounded`]; with a trailing
/// `single_line`, [`single_line`]): `MIN`, `MAX`, `parse` (field `$field`), `as_str` and
/// `Display`.
#[macro_export]
macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $min:literal, $max:literal) => {
        $crate::bounded_text!(@with bounded $(#[$doc])* $name, $field, $min, $max);
    };
    ($(#[$doc:meta])* $name:ident, $field:literal, $min:literal, $max:literal, single_line) => {
        $crate::bounded_text!(@with single_line $(#[$doc])* $name, $field, $min, $max);
    };
    (@with $check:ident $(#[$doc:meta])* $name:ident, $field:literal, $min:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Smallest accepted length in characters (after trimming).
            pub const MIN: usize = $min;
            /// Largest accepted length in characters (after trimming).
            pub const MAX: usize = $max;

            #[doc = concat!("Trims and checks the length; field `", $field, "`.")]
            pub fn parse(s: &str) -> ::std::result::Result<Self, $crate::domain::InvalidInput> {
                $crate::domain::$check(s, $field, $min, $max).map($name)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// A code checked by `$check` after trimming (`$what` is the message when it fails, on
/// field `$field`): `parse`, `as_str`, `Display` and `From<$name> for String`.
#[macro_export]
macro_rules! string_code {
    ($(#[$doc:meta])* $name:ident, $field:literal, $check:expr, $what:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("Parses a code; field `", $field, "`.")]
            pub fn parse(s: &str) -> ::std::result::Result<Self, $crate::domain::InvalidInput> {
                let check: fn(&str) -> bool = $check;
                let s = s.trim();
                if check(s) {
                    Ok($name(s.to_owned()))
                } else {
                    Err($crate::domain::InvalidInput::new($field, $what))
                }
            }

            /// The code as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// The `uuid` crate, for [`uuid_id!`](crate::uuid_id) expansions.
#[doc(hidden)]
pub use uuid as __uuid;

/// An entity id that is a UUID: `new` (random), `Default`, `From<Uuid>`, `as_uuid`,
/// `to_key` (hyphenated lower case, as stored and sent), `Display` and
/// `parse(s, field)`, which trims and answers [`InvalidInput`] on `field`: `$invalid` for
/// text that is not a UUID, and for empty text `$empty` (default `"is required"`).
///
/// ```
/// glocal_kit::uuid_id!(
///     /// A thing's id.
///     ThingId, "is not a thing id"
/// );
/// let id = ThingId::new();
/// assert_eq!(ThingId::parse(&id.to_key(), "thingId").unwrap(), id);
/// assert_eq!(ThingId::parse(" ", "thingId").unwrap_err().message(), "is required");
/// ```
#[macro_export]
macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $invalid:expr, empty: $empty:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name($crate::domain::__uuid::Uuid);

        impl $name {
            /// A new random id.
            pub fn new() -> Self {
                $name($crate::domain::__uuid::Uuid::new_v4())
            }

            /// Parses the textual form; `field` names the input.
            pub fn parse(s: &str, field: &str) -> ::std::result::Result<Self, $crate::domain::InvalidInput> {
                let s = s.trim();
                if s.is_empty() {
                    return Err($crate::domain::InvalidInput::new(field, $empty));
                }
                $crate::domain::__uuid::Uuid::parse_str(s)
                    .map($name)
                    .map_err(|_| $crate::domain::InvalidInput::new(field, $invalid))
            }

            /// The UUID.
            pub fn as_uuid(&self) -> $crate::domain::__uuid::Uuid {
                self.0
            }

            /// The id as stored and sent (hyphenated lower case).
            pub fn to_key(self) -> String {
                self.0.to_string()
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::new()
            }
        }

        impl From<$crate::domain::__uuid::Uuid> for $name {
            fn from(u: $crate::domain::__uuid::Uuid) -> Self {
                $name(u)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
    ($(#[$doc:meta])* $name:ident, $invalid:expr) => {
        $crate::uuid_id!($(#[$doc])* $name, $invalid, empty: "is required");
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_period_ends_on_or_after_its_start_and_spans_at_most_ten_years() {
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(report_period(day("2026-01-01"), day("2026-01-01")).is_ok());
        let before = report_period(day("2026-02-01"), day("2026-01-01")).unwrap_err();
        assert_eq!(before.field(), "to");
        assert_eq!(
            before.catalogue_message().map(|m| m.key.as_str()),
            Some("input-not-before-from")
        );
        assert!(report_period(day("2016-01-01"), day("2026-01-01")).is_ok());
        let long = report_period(day("2010-01-01"), day("2026-01-01")).unwrap_err();
        assert_eq!(
            long.catalogue_message().map(|m| m.key.as_str()),
            Some("input-report-ten-years")
        );
    }

    crate::uuid_id!(
        /// An id whose empty text has its own message.
        StrictId, "must be a strict id (UUID)", empty: "must be a strict id (UUID)"
    );

    #[test]
    fn versions_start_at_one() {
        assert_eq!(Version::parse(3).unwrap().get(), 3);
        assert_eq!(Version::FIRST.to_string(), "1");
        let e = Version::parse(0).unwrap_err();
        assert_eq!(e.field(), "version");
        assert_eq!(e.message(), "must be the version you saw (at least 1)");
    }

    #[test]
    fn uuid_ids_parse_on_the_named_field() {
        let id = StrictId::new();
        assert_eq!(StrictId::parse(&format!(" {id} "), "id").unwrap(), id);
        assert_eq!(StrictId::from(id.as_uuid()), id);
        assert_eq!(id.to_key(), id.to_string());
        let e = StrictId::parse("", "editionId").unwrap_err();
        assert_eq!(e.field(), "editionId");
        assert_eq!(e.message(), "must be a strict id (UUID)");
        assert_eq!(
            StrictId::parse("x", "id").unwrap_err().message(),
            "must be a strict id (UUID)"
        );
    }

    crate::text_enum!(
        /// A test set.
        Colour, "colour" {
            /// Red.
            Red => "RED",
            /// Blue.
            Blue => "BLUE",
        }
    );

    crate::bounded_text!(
        /// A test text.
        Title, "title", 1, 5
    );

    crate::bounded_text!(
        /// A test line.
        Line, "line", 1, 5, single_line
    );

    crate::string_code!(
        /// A test code.
        Country,
        "country",
        |s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()),
        "must be two uppercase letters"
    );

    #[test]
    fn field_paths_compose() {
        let e = InvalidInput::new("grade", "out of range").under("profile");
        assert_eq!(e.field(), "profile.grade");
        assert_eq!(e.to_string(), "profile.grade: out of range");
        assert_eq!(e.message(), "out of range");
        assert_eq!(e.at("x").field(), "x");
    }

    #[test]
    fn invalid_input_is_bad_user_input_about_its_field() {
        let e = InvalidInput::new("title", "is required");
        assert_eq!(ServiceError::code(&e), ErrorCode::BadUserInput);
        assert_eq!(ServiceError::field(&e), Some("title"));
    }

    #[test]
    fn bounded_trims_and_counts_characters() {
        assert_eq!(bounded("  ab ", "f", 1, 2).unwrap(), "ab");
        assert_eq!(bounded("가나", "f", 1, 2).unwrap(), "가나");
        assert_eq!(
            bounded(" ", "f", 1, 2).unwrap_err().message(),
            "is required"
        );
        assert_eq!(
            bounded("a", "f", 2, 3).unwrap_err().message(),
            "must be at least 2 characters"
        );
        assert_eq!(
            bounded("abcd", "f", 0, 3).unwrap_err().to_string(),
            "f: must be at most 3 characters (got 4)"
        );
        assert_eq!(bounded("", "f", 0, 3).unwrap(), "");
        assert_eq!(bounded("a\n\tb", "f", 0, 9).unwrap(), "a\n\tb");
        for bad in ["a\0b", "\u{1b}[31m", "a\u{7f}", "a\u{85}"] {
            assert_eq!(
                bounded(bad, "f", 0, 9).unwrap_err().message(),
                "must not contain control characters",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn single_lines_refuse_every_control_character() {
        assert_eq!(single_line(" Visit ", "title", 1, 9).unwrap(), "Visit");
        for bad in ["a\nb", "a\tb", "a\0"] {
            assert_eq!(
                single_line(bad, "title", 1, 9).unwrap_err().field(),
                "title"
            );
        }
        assert_eq!(Line::parse("a\rb").unwrap_err().field(), "line");
        assert_eq!(Line::parse(" ab ").unwrap().as_str(), "ab");
        assert_eq!((Line::MIN, Line::MAX), (1, 5));
    }

    #[test]
    fn macros_parse_and_print() {
        assert_eq!(Colour::parse("BLUE").unwrap(), Colour::Blue);
        assert_eq!(Colour::ALL, &[Colour::Red, Colour::Blue]);
        assert_eq!(Colour::Red.to_string(), "RED");
        assert_eq!(
            Colour::parse("red").unwrap_err().to_string(),
            "colour: unknown value `red`"
        );
        assert_eq!(Title::parse(" hi ").unwrap().as_str(), "hi");
        assert_eq!((Title::MIN, Title::MAX), (1, 5));
        assert_eq!(Title::parse("").unwrap_err().field(), "title");
        assert_eq!(String::from(Country::parse(" VN ").unwrap()), "VN");
        assert_eq!(
            Country::parse("vn").unwrap_err().to_string(),
            "country: must be two uppercase letters"
        );
    }
}
