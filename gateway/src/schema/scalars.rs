//! Scalars of the public schema that async-graphql does not name the way the API does.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

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
            Value::String(s) => Date::parse(s).ok_or_else(|| {
                InputValueError::custom(format!("`{s}` is not a date (YYYY-MM-DD)"))
            }),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_as_yyyy_mm_dd() {
        let d = <Date as ScalarType>::parse(Value::from("2026-05-01")).unwrap();
        assert_eq!(d.to_value(), Value::from("2026-05-01"));
        assert!(<Date as ScalarType>::parse(Value::from("01/05/2026")).is_err());
        assert!(<Date as ScalarType>::parse(Value::from(20260501)).is_err());
    }
}
