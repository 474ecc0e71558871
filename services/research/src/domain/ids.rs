//! Identifiers and small codes that parse: ids, idempotency keys, revisions, country and
//! area codes, Korean local-government codes, tags and dates.

use std::fmt;

use chrono::NaiveDate;

use super::InvalidInput;

use glocal_kit::domain::iso;
use glocal_kit::uuid_id;

uuid_id!(
    /// A practice's id.
    PracticeId, "is not a practice id"
);
uuid_id!(
    /// An organisation's id.
    OrganisationId, "is not a organisation id"
);
uuid_id!(
    /// A contact's id.
    ContactId, "is not a contact id"
);
uuid_id!(
    /// A relationship's id.
    RelationshipId, "is not a relationship id"
);
uuid_id!(
    /// An interaction's id.
    InteractionId, "is not a interaction id"
);
uuid_id!(
    /// A proposed change of an organisation's profile.
    ProfileChangeId, "is not a profile change id"
);
uuid_id!(
    /// An opportunity's id.
    OpportunityId, "is not a opportunity id"
);
uuid_id!(
    /// An exchange project's id.
    ExchangeProjectId, "is not an exchange project id"
);
uuid_id!(
    /// An entry of an exchange project's interaction log.
    ProjectInteractionId, "is not a project interaction id"
);

/// A client-chosen key that makes a create idempotent: 1..=100 printable characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Parses a key (field `idempotencyKey`).
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let s = s.trim();
        let field = "idempotencyKey";
        if s.is_empty() {
            return Err(InvalidInput::new(field, "is required"));
        }
        if s.chars().count() > 100 || s.chars().any(char::is_control) {
            return Err(InvalidInput::new(
                field,
                "must be at most 100 printable characters",
            ));
        }
        Ok(IdempotencyKey(s.to_owned()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The optimistic-concurrency token of a record: 1 when created, +1 per change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Revision(i64);

impl Revision {
    /// The revision of a new record.
    pub const FIRST: Revision = Revision(1);

    /// Parses a revision the caller quotes (field `revision`).
    pub fn parse(n: i64) -> Result<Self, InvalidInput> {
        if n < 1 {
            return Err(InvalidInput::new("revision", "must be at least 1"));
        }
        Ok(Revision(n))
    }

    /// The number.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An ISO 3166-1 alpha-2 country code on the ISO list, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(String);

impl CountryCode {
    /// Parses a code of the ISO list (any case); `field` names the input.
    pub fn parse(s: &str, field: &str) -> Result<Self, InvalidInput> {
        let s = s.trim();
        if s.is_empty() {
            return Err(InvalidInput::new(field, "is required"));
        }
        let upper = s.to_ascii_uppercase();
        if !iso::is_country(&upper) {
            return Err(InvalidInput::new(field, iso::COUNTRY_RULE));
        }
        Ok(CountryCode(upper))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A code of the research-area vocabulary: 2..=40 of `a-z`, `0-9`, `_`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaCode(String);

impl AreaCode {
    /// Parses a code; `field` names the input.
    pub fn parse(s: &str, field: &str) -> Result<Self, InvalidInput> {
        let s = s.trim();
        if s.is_empty() {
            return Err(InvalidInput::new(field, "is required"));
        }
        let ok = (2..=40).contains(&s.len())
            && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            return Err(InvalidInput::new(
                field,
                "must be 2 to 40 lower-case letters, digits or underscores, starting with a letter",
            ));
        }
        Ok(AreaCode(s.to_owned()))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Korean local government's standard administrative code: 5 to 10 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalGovernmentCode(String);

impl LocalGovernmentCode {
    /// Parses a code; `field` names the input.
    pub fn parse(s: &str, field: &str) -> Result<Self, InvalidInput> {
        let s = s.trim();
        if s.is_empty() {
            return Err(InvalidInput::new(field, "is required"));
        }
        if !(5..=10).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidInput::new(
                field,
                "is not a standard administrative code such as 11000",
            ));
        }
        Ok(LocalGovernmentCode(s.to_owned()))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tag: 1..=50 characters, lower-cased, without commas.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(String);

impl Tag {
    /// Parses a tag; `field` names the input.
    pub fn parse(s: &str, field: &str) -> Result<Self, InvalidInput> {
        let s = s.trim().to_lowercase();
        if s.is_empty() {
            return Err(InvalidInput::new(field, "must not be empty"));
        }
        if s.chars().count() > 50 || s.contains(',') || s.chars().any(char::is_control) {
            return Err(InvalidInput::new(
                field,
                "must be at most 50 characters, without commas",
            ));
        }
        Ok(Tag(s))
    }

    /// The tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsoDate(NaiveDate);

impl IsoDate {
    /// Parses `YYYY-MM-DD`; `field` names the input.
    pub fn parse(s: &str, field: &str) -> Result<Self, InvalidInput> {
        let s = s.trim();
        if s.is_empty() {
            return Err(InvalidInput::new(field, "is required"));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(IsoDate)
            .map_err(|_| {
                InvalidInput::localized(
                    field,
                    glocal_kit::i18n::Message::new("input-not-a-date").arg("text", s),
                )
            })
    }

    /// Parses an optional date: empty is `None`.
    pub fn parse_optional(s: &str, field: &str) -> Result<Option<Self>, InvalidInput> {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(s, field).map(Some)
        }
    }

    /// The date.
    pub fn get(self) -> NaiveDate {
        self.0
    }

    /// A date from a known-good value.
    pub fn from_date(d: NaiveDate) -> Self {
        IsoDate(d)
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_name_the_field() {
        let id = PracticeId::new();
        assert_eq!(PracticeId::parse(&id.to_key(), "id").unwrap(), id);
        let e = PracticeId::parse("nope", "id").unwrap_err();
        assert_eq!((e.field(), e.message()), ("id", "is not a practice id"));
        assert_eq!(
            OrganisationId::parse(" ", "organisationId")
                .unwrap_err()
                .message(),
            "is required"
        );
    }

    #[test]
    fn codes() {
        assert_eq!(
            CountryCode::parse(" jp ", "country").unwrap().as_str(),
            "JP"
        );
        assert!(CountryCode::parse("JPN", "country").is_err());
        assert!(CountryCode::parse("J1", "country").is_err());
        assert_eq!(
            AreaCode::parse("cultural_tourism", "areaCode")
                .unwrap()
                .as_str(),
            "cultural_tourism"
        );
        for bad in ["T", "Transport", "1abc", "a-b", &"a".repeat(41)] {
            assert_eq!(
                AreaCode::parse(bad, "code").unwrap_err().field(),
                "code",
                "{bad}"
            );
        }
        assert!(LocalGovernmentCode::parse("11000", "x").is_ok());
        assert!(LocalGovernmentCode::parse("11a00", "x").is_err());
        assert!(LocalGovernmentCode::parse("1100", "x").is_err());
    }

    #[test]
    fn keys_revisions_tags_dates() {
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(101)).is_err());
        assert_eq!(IdempotencyKey::parse(" k1 ").unwrap().as_str(), "k1");
        assert!(Revision::parse(0).is_err());
        assert_eq!(Revision::parse(3).unwrap().get(), 3);
        assert_eq!(
            Tag::parse(" Smart City ", "tags[0]").unwrap().as_str(),
            "smart city"
        );
        assert_eq!(Tag::parse("a,b", "tags[1]").unwrap_err().field(), "tags[1]");
        assert_eq!(
            IsoDate::parse("2026-02-28", "d").unwrap().to_string(),
            "2026-02-28"
        );
        assert!(IsoDate::parse("2026-02-30", "d").is_err());
        assert_eq!(IsoDate::parse_optional(" ", "d").unwrap(), None);
    }
}
