//! Scalars of the public schema that async-graphql does not name the way the API does.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, SecondsFormat, Utc};
use glocal_kit::i18n::{Lang, Message};

/// The error of a scalar's text `s` that does not parse: the catalogue message `key` (with
/// `text`) in English, and its key and arguments as extensions, so that the edge says it in
/// the caller's language like any other error.
fn not_parsed<T: async_graphql::InputType>(key: &str, s: &str) -> InputValueError<T> {
    let said = Message::new(key).arg("text", s);
    let args: async_graphql::indexmap::IndexMap<async_graphql::Name, Value> =
        [(async_graphql::Name::new("text"), Value::from(s))]
            .into_iter()
            .collect();
    InputValueError::custom(said.render(Lang::En))
        .with_extension("messageKey", key)
        .with_extension("messageArgs", Value::Object(args))
}

/// A calendar date without time zone, `YYYY-MM-DD` (e.g. `2026-05-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(Date)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// A calendar date without time zone, `YYYY-MM-DD` (e.g. `2026-05-01`).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => Date::parse(s).ok_or_else(|| not_parsed("input-not-a-date", s)),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(s) if Date::parse(s).is_some())
    }

    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
}

/// An instant, written RFC 3339 in UTC with `Z` and milliseconds, always the same shape
/// (e.g. `2026-05-28T20:26:40.000Z`). Input accepts any RFC 3339 offset and means the same
/// instant in UTC. The one place every date-time the API returns is formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub chrono::DateTime<Utc>);

impl DateTime {
    /// The API's spelling: RFC 3339, UTC, `Z`, milliseconds.
    pub fn to_rfc3339(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(at: chrono::DateTime<Utc>) -> Self {
        DateTime(at)
    }
}

impl From<DateTime> for chrono::DateTime<Utc> {
    fn from(at: DateTime) -> Self {
        at.0
    }
}

/// An instant in RFC 3339, e.g. `2026-05-28T20:26:40.000Z`: the API always answers in UTC
/// (`Z`) with milliseconds; input may use any offset.
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339"
)]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                .map(|at| DateTime(at.with_timezone(&Utc)))
                .map_err(|_| not_parsed("input-not-a-date-time", s)),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(s) if chrono::DateTime::parse_from_rfc3339(s).is_ok())
    }

    fn to_value(&self) -> Value {
        Value::String(self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_are_written_in_utc_with_z_and_milliseconds() {
        let at = chrono::DateTime::from_timestamp(1_780_000_000, 123_456_789).unwrap();
        assert_eq!(
            DateTime(at).to_value(),
            Value::from("2026-05-28T20:26:40.123Z")
        );
        let whole = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        assert_eq!(
            DateTime(whole).to_value(),
            Value::from("2026-05-28T20:26:40.000Z")
        );
        let seoul = <DateTime as ScalarType>::parse(Value::from("2026-05-29T05:26:40+09:00"));
        assert_eq!(
            seoul.unwrap(),
            DateTime(whole),
            "any offset means the same instant"
        );
        assert!(<DateTime as ScalarType>::parse(Value::from("2026-05-29 05:26")).is_err());
    }

    #[test]
    fn dates_round_trip_as_yyyy_mm_dd() {
        let d = <Date as ScalarType>::parse(Value::from("2026-05-01")).unwrap();
        assert_eq!(d.to_value(), Value::from("2026-05-01"));
        assert!(<Date as ScalarType>::parse(Value::from("01/05/2026")).is_err());
        assert!(<Date as ScalarType>::parse(Value::from(20260501)).is_err());
    }

    #[test]
    fn a_text_that_is_not_a_date_names_its_catalogue_message() {
        let error = <Date as ScalarType>::parse(Value::from("01/05/2026"))
            .unwrap_err()
            .into_server_error(async_graphql::Pos::default());
        assert!(
            error
                .message
                .ends_with("`01/05/2026` is not a date (YYYY-MM-DD)"),
            "{}",
            error.message
        );
        let extensions = error.extensions.expect("extensions");
        assert_eq!(
            extensions.get("messageKey"),
            Some(&Value::from("input-not-a-date"))
        );
        let error = <DateTime as ScalarType>::parse(Value::from("tomorrow"))
            .unwrap_err()
            .into_server_error(async_graphql::Pos::default());
        let extensions = error.extensions.expect("extensions");
        assert_eq!(
            extensions.get("messageKey"),
            Some(&Value::from("input-not-a-date-time"))
        );
    }
}
