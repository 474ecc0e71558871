//! Identifiers and codes: entity ids, versions, idempotency keys, ISO and administrative
//! codes, edition terms, administrative grades and calendar dates.

use std::fmt;

use chrono::NaiveDate;

use glocal_kit::string_code;

use super::InvalidInput;

/// Training's ids answer the same message for empty and malformed text.
macro_rules! training_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        glocal_kit::uuid_id!(
            $(#[$doc])*
            $name,
            concat!("must be ", $what, " id (UUID)"),
            empty: concat!("must be ", $what, " id (UUID)")
        );
    };
}

training_id!(
    /// A programme's id (field `id` unless named otherwise).
    ProgrammeId, "a programme"
);
training_id!(
    /// An edition's id (field `editionId` unless named otherwise).
    EditionId, "an edition"
);
training_id!(
    /// An application's id (field `id` unless named otherwise).
    ApplicationId, "an application"
);
training_id!(
    /// A session's id (field `sessionId` unless named otherwise).
    SessionId, "a session"
);
training_id!(
    /// A stipend payment's id (field `id` unless named otherwise).
    PaymentId, "a payment"
);
training_id!(
    /// An itinerary visit's id (field `id` unless named otherwise).
    VisitId, "a visit"
);
training_id!(
    /// A trip report's id (field `id` unless named otherwise).
    TripReportId, "a trip report"
);

pub use glocal_kit::domain::Version;

/// A client-chosen key that makes a create idempotent (1..=100 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Parses a key; field `idempotencyKey`.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let s = s.trim();
        match s.chars().count() {
            0 => Err(InvalidInput::new("idempotencyKey", "is required")),
            n if n > 100 => Err(InvalidInput::new(
                "idempotencyKey",
                "must be at most 100 characters",
            )),
            _ => Ok(IdempotencyKey(s.to_owned())),
        }
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_code!(
    /// An ISO 639-1 language code on the ISO list, e.g. `ko`.
    LanguageCode,
    "languages",
    glocal_kit::domain::iso::is_language,
    glocal_kit::domain::iso::LANGUAGE_RULE
);
string_code!(
    /// An ISO 3166-1 alpha-2 country code on the ISO list, e.g. `VN`.
    CountryCode,
    "nationality",
    glocal_kit::domain::iso::is_country,
    glocal_kit::domain::iso::COUNTRY_RULE
);
string_code!(
    /// A Korean local government's standard administrative code: five digits, e.g. `11000`.
    LocalGovernmentCode,
    "hostCode",
    |s| s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()),
    "must be a five-digit administrative code, e.g. \"11000\""
);
string_code!(
    /// An edition's term: 1..=20 letters, digits or `-`, e.g. `2026` or `2026-1`.
    Term,
    "term",
    |s| (1..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
    "must be 1–20 letters, digits or '-', e.g. \"2026-1\""
);

impl CountryCode {
    /// The Republic of Korea.
    pub fn is_korea(&self) -> bool {
        self.0 == "KR"
    }
}

/// A Korean administrative grade, 1 (highest) to 9 (lowest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grade(u8);

impl Grade {
    /// Parses a grade; field `grade`.
    pub fn parse(n: u32) -> Result<Self, InvalidInput> {
        match u8::try_from(n) {
            Ok(g @ 1..=9) => Ok(Grade(g)),
            _ => Err(InvalidInput::new(
                "grade",
                "must be an administrative grade from 1 to 9",
            )),
        }
    }

    /// The number.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Parses `YYYY-MM-DD`; `field` names the input.
pub fn parse_date(s: &str, field: &str) -> Result<NaiveDate, InvalidInput> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidInput::new(field, "must be a date YYYY-MM-DD"))
}

/// `YYYY-MM-DD`.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_uuids_only_and_name_their_field() {
        let id = EditionId::new();
        assert_eq!(EditionId::parse(&id.to_string(), "editionId").unwrap(), id);
        assert_eq!(
            EditionId::parse("x", "editionId").unwrap_err().field(),
            "editionId"
        );
        assert_eq!(ApplicationId::parse("", "id").unwrap_err().field(), "id");
    }

    #[test]
    fn versions_and_keys() {
        assert!(Version::parse(0).is_err());
        assert_eq!(Version::parse(3).unwrap().get(), 3);
        assert_eq!(
            IdempotencyKey::parse(" ").unwrap_err().field(),
            "idempotencyKey"
        );
        assert!(IdempotencyKey::parse(&"k".repeat(100)).is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(101)).is_err());
    }

    #[test]
    fn codes_grades_and_dates() {
        assert!(LanguageCode::parse("en").is_ok());
        assert!(LanguageCode::parse("EN").is_err());
        assert!(CountryCode::parse("KR").unwrap().is_korea());
        assert!(!CountryCode::parse("VN").unwrap().is_korea());
        assert!(CountryCode::parse("kr").is_err());
        assert!(LocalGovernmentCode::parse("26000").is_ok());
        assert!(LocalGovernmentCode::parse("2600").is_err());
        assert!(Term::parse("2026-1").is_ok());
        assert!(Term::parse("2026 spring").is_err());
        assert_eq!(Grade::parse(5).unwrap().get(), 5);
        for bad in [0, 10, 300] {
            assert_eq!(Grade::parse(bad).unwrap_err().field(), "grade");
        }
        let d = parse_date("2026-04-01", "startsOn").unwrap();
        assert_eq!(format_date(d), "2026-04-01");
        assert_eq!(
            parse_date("01/04/2026", "startsOn").unwrap_err().field(),
            "startsOn"
        );
    }
}
