//! Identifiers and codes: request ids and numbers, versions, idempotency keys, and the
//! ISO / administrative codes requests refer to.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::InvalidInput;

/// A service request's id (a UUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(Uuid);

impl RequestId {
    /// A new random id.
    pub fn new() -> Self {
        RequestId(Uuid::new_v4())
    }

    /// Parses the textual form; field `id`.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Uuid::parse_str(s.trim())
            .map(RequestId)
            .map_err(|_| InvalidInput::new("id", "must be a request id (UUID)"))
    }

    /// The UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl Default for RequestId {
    fn default() -> Self {
        RequestId::new()
    }
}

impl From<Uuid> for RequestId {
    fn from(u: Uuid) -> Self {
        RequestId(u)
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The human-readable number of a request, `OB-<year>-<6 digits>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestNumber {
    year: i32,
    serial: i64,
}

impl RequestNumber {
    /// The `serial`-th request of `year` (serial from 1).
    pub fn new(year: i32, serial: i64) -> Result<Self, InvalidInput> {
        if !(2000..=9999).contains(&year) || !(1..=999_999).contains(&serial) {
            return Err(InvalidInput::new("number", "year or serial out of range"));
        }
        Ok(RequestNumber { year, serial })
    }

    /// Parses `OB-2026-000123`.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let bad = || InvalidInput::new("number", "must look like OB-2026-000123");
        let rest = s.strip_prefix("OB-").ok_or_else(bad)?;
        let (year, serial) = rest.split_once('-').ok_or_else(bad)?;
        if year.len() != 4
            || serial.len() != 6
            || !year
                .bytes()
                .chain(serial.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        RequestNumber::new(
            year.parse().map_err(|_| bad())?,
            serial.parse().map_err(|_| bad())?,
        )
        .map_err(|_| bad())
    }

    /// The year the request was submitted in.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Its serial within the year.
    pub fn serial(&self) -> i64 {
        self.serial
    }
}

impl fmt::Display for RequestNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OB-{}-{:06}", self.year, self.serial)
    }
}

pub use glocal_kit::domain::Version;

/// A client-chosen key that makes submit idempotent (1..=100 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Parses a key; field `idempotencyKey`.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let s = s.trim();
        let n = s.chars().count();
        if n == 0 {
            return Err(InvalidInput::new("idempotencyKey", "is required"));
        }
        if n > 100 {
            return Err(InvalidInput::new(
                "idempotencyKey",
                "must be at most 100 characters",
            ));
        }
        Ok(IdempotencyKey(s.to_owned()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_code {
    ($(#[$doc:meta])* $name:ident, $field:literal, $check:expr, $what:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("Parses a code; field `", $field, "`.")]
            pub fn parse(s: &str) -> Result<Self, InvalidInput> {
                let check: fn(&str) -> bool = $check;
                if check(s) {
                    Ok($name(s.to_owned()))
                } else {
                    Err(InvalidInput::new($field, $what))
                }
            }

            /// The code as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidInput;
            fn try_from(s: String) -> Result<Self, InvalidInput> {
                $name::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_code!(
    /// An ISO 639-1 language code on the ISO list, e.g. `ko`.
    LanguageCode,
    "language",
    glocal_kit::domain::iso::is_language,
    glocal_kit::domain::iso::LANGUAGE_RULE
);
string_code!(
    /// An ISO 3166-1 alpha-2 country code on the ISO list, e.g. `JP`.
    CountryCode,
    "country",
    glocal_kit::domain::iso::is_country,
    glocal_kit::domain::iso::COUNTRY_RULE
);
string_code!(
    /// A local government's standard administrative code: five digits, e.g. `11000`.
    LocalGovernmentCode,
    "localGovernmentCode",
    |s| s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()),
    "must be a five-digit administrative code, e.g. \"11000\""
);
string_code!(
    /// A bureau department's code: 1..=40 uppercase letters, digits or `_`.
    DepartmentCode,
    "departmentCode",
    |s| (1..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
    "must be a department code (uppercase letters, digits, _)"
);
string_code!(
    /// A staff member's id: 1..=40 letters, digits, `-` or `_`.
    StaffId,
    "staffId",
    |s| (1..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
    "must be a staff id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_number_round_trips_and_rejects_garbage() {
        let n = RequestNumber::new(2026, 123).unwrap();
        assert_eq!(n.to_string(), "OB-2026-000123");
        assert_eq!(RequestNumber::parse("OB-2026-000123").unwrap(), n);
        for bad in [
            "",
            "OB-2026-123",
            "XX-2026-000123",
            "OB-26-000123",
            "OB-2026-00012a",
            "OB-2026-000000",
        ] {
            assert!(RequestNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn request_id_parses_uuid_only() {
        let id = RequestId::new();
        assert_eq!(RequestId::parse(&id.to_string()).unwrap(), id);
        assert_eq!(RequestId::parse("nope").unwrap_err().field(), "id");
    }

    #[test]
    fn versions_start_at_one() {
        assert!(Version::parse(0).is_err());
        assert_eq!(Version::parse(3).unwrap().next().get(), 4);
    }

    #[test]
    fn idempotency_key_bounds() {
        assert_eq!(
            IdempotencyKey::parse("  ").unwrap_err().field(),
            "idempotencyKey"
        );
        assert!(IdempotencyKey::parse(&"k".repeat(100)).is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(101)).is_err());
    }

    #[test]
    fn codes() {
        assert!(LanguageCode::parse("ko").is_ok());
        for bad in ["KO", "kor", "k", "", "k1"] {
            assert!(LanguageCode::parse(bad).is_err(), "{bad}");
        }
        assert!(CountryCode::parse("JP").is_ok());
        assert!(CountryCode::parse("jp").is_err());
        assert!(LocalGovernmentCode::parse("11000").is_ok());
        assert!(LocalGovernmentCode::parse("1100").is_err());
        assert!(DepartmentCode::parse("INTERPRETATION").is_ok());
        assert!(DepartmentCode::parse("interp").is_err());
        assert!(StaffId::parse("STF-101").is_ok());
        assert!(StaffId::parse("a b").is_err());
    }
}
