//! Values that parse: ids, versions, idempotency keys, ISO and administrative codes,
//! bounded and localized text, dates and IANA time zones.

use std::fmt;

use chrono::{DateTime, NaiveDate, Offset, TimeZone as _, Utc};
use uuid::Uuid;

use glocal_kit::string_code;

use super::InvalidInput;

pub use glocal_kit::domain::bounded;

/// The id of anything the service stores (a UUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(Uuid);

impl EntityId {
    /// A new random id.
    pub fn new() -> Self {
        EntityId(Uuid::new_v4())
    }

    /// Parses the textual form; `field` names the input on failure.
    pub fn parse(s: &str, field: &str) -> Result<Self, InvalidInput> {
        Uuid::parse_str(s.trim())
            .map(EntityId)
            .map_err(|_| InvalidInput::new(field, "must be an id (UUID)"))
    }

    /// The UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl Default for EntityId {
    fn default() -> Self {
        EntityId::new()
    }
}

impl From<Uuid> for EntityId {
    fn from(u: Uuid) -> Self {
        EntityId(u)
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

pub use glocal_kit::domain::Version;

/// A client-chosen key that makes a create idempotent (1..=100 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Parses a key; field `idempotencyKey`.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        bounded(s, "idempotencyKey", 1, 100).map(IdempotencyKey)
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(s: &str, field: &str) -> Result<NaiveDate, InvalidInput> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidInput::new(field, "must be a date (YYYY-MM-DD)"))
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
    /// A series' short code: 2..=40 uppercase letters, digits or `-`, e.g. `KCJ-CONFERENCE`.
    SeriesCode,
    "code",
    |s| (2..=40).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'),
    "must be 2 to 40 uppercase letters, digits or '-', e.g. \"KCJ-CONFERENCE\""
);

/// A list of language codes: deduplicated, in the order given, within `min..=max` entries.
pub(crate) fn languages(
    list: &[String],
    field: &str,
    min: usize,
    max: usize,
) -> Result<Vec<LanguageCode>, InvalidInput> {
    let mut out: Vec<LanguageCode> = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let code = LanguageCode::parse(s).map_err(|e| e.at(format!("{field}[{i}]")))?;
        if !out.contains(&code) {
            out.push(code);
        }
    }
    if out.len() < min {
        return Err(InvalidInput::localized(
            field,
            glocal_kit::i18n::Message::new("input-languages-at-least").arg("min", min),
        ));
    }
    if out.len() > max {
        return Err(InvalidInput::localized(
            field,
            glocal_kit::i18n::Message::new("input-languages-at-most").arg("max", max),
        ));
    }
    Ok(out)
}

/// Text in the bureau's four languages, as a client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextDraft {
    /// Korean.
    pub ko: String,
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
    /// Japanese.
    pub ja: String,
}

impl TextDraft {
    /// The same text in every language slot it names (handy for tests and demo data).
    pub fn new(ko: &str, en: &str, zh: &str, ja: &str) -> Self {
        TextDraft {
            ko: ko.into(),
            en: en.into(),
            zh: zh.into(),
            ja: ja.into(),
        }
    }
}

/// Localized text: trimmed, each language at most `max` characters, at least one non-empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalizedText {
    ko: String,
    en: String,
    zh: String,
    ja: String,
}

impl LocalizedText {
    /// Parses `draft`; errors name `field.ko`, `field.en`, … or `field` when all are empty.
    pub fn parse(draft: &TextDraft, field: &str, max: usize) -> Result<Self, InvalidInput> {
        let one = |s: &str, lang: &str| bounded(s, &format!("{field}.{lang}"), 0, max);
        let text = LocalizedText {
            ko: one(&draft.ko, "ko")?,
            en: one(&draft.en, "en")?,
            zh: one(&draft.zh, "zh")?,
            ja: one(&draft.ja, "ja")?,
        };
        if text.is_empty() {
            return Err(InvalidInput::new(
                field,
                "is required in at least one language",
            ));
        }
        Ok(text)
    }

    /// Text that is stored already (no checks).
    pub fn from_stored(ko: String, en: String, zh: String, ja: String) -> Self {
        LocalizedText { ko, en, zh, ja }
    }

    /// True when every language is empty.
    pub fn is_empty(&self) -> bool {
        self.ko.is_empty() && self.en.is_empty() && self.zh.is_empty() && self.ja.is_empty()
    }

    /// Korean.
    pub fn ko(&self) -> &str {
        &self.ko
    }
    /// English.
    pub fn en(&self) -> &str {
        &self.en
    }
    /// Chinese.
    pub fn zh(&self) -> &str {
        &self.zh
    }
    /// Japanese.
    pub fn ja(&self) -> &str {
        &self.ja
    }

    /// English, else Korean, else any language that has text (for logs and calendars).
    pub fn any(&self) -> &str {
        [&self.en, &self.ko, &self.zh, &self.ja]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or("", String::as_str)
    }
}

/// An IANA time zone, e.g. `Asia/Seoul`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(chrono_tz::Tz);

impl TimeZone {
    /// Parses an IANA name; field `timeZone`.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        s.trim()
            .parse::<chrono_tz::Tz>()
            .map(TimeZone)
            .map_err(|_| {
                InvalidInput::new("timeZone", "must be an IANA time zone, e.g. \"Asia/Seoul\"")
            })
    }

    /// The IANA name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// `at` in this zone, RFC 3339 with the zone's offset, e.g. `2026-08-26T09:00:00+09:00`.
    pub fn format_local(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.0)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    }

    /// The calendar day `at` falls on in this zone.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    /// The zone's UTC offset at noon of `day`, e.g. `+09:00`.
    pub fn offset_on(&self, day: NaiveDate) -> String {
        let noon = day.and_hms_opt(12, 0, 0).unwrap_or_default();
        let offset = self.0.offset_from_utc_datetime(&noon).fix();
        let secs = offset.local_minus_utc();
        let sign = if secs < 0 { '-' } else { '+' };
        let secs = secs.abs();
        format!("{sign}{:02}:{:02}", secs / 3600, (secs % 3600) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_versions() {
        let id = EntityId::new();
        assert_eq!(EntityId::parse(&id.to_string(), "id").unwrap(), id);
        assert_eq!(
            EntityId::parse("x", "eventId").unwrap_err().field(),
            "eventId"
        );
        assert!(Version::parse(0).is_err());
        assert_eq!(Version::parse(2).unwrap().get(), 2);
        assert_eq!(
            IdempotencyKey::parse(" ").unwrap_err().field(),
            "idempotencyKey"
        );
        assert!(IdempotencyKey::parse(&"k".repeat(101)).is_err());
    }

    #[test]
    fn codes() {
        assert!(CountryCode::parse("KR").is_ok());
        assert!(CountryCode::parse("kr").is_err());
        assert!(LanguageCode::parse("zh").is_ok());
        assert!(LanguageCode::parse("zho").is_err());
        assert!(LocalGovernmentCode::parse("26000").is_ok());
        assert!(LocalGovernmentCode::parse("2600").is_err());
        assert!(SeriesCode::parse("KCJ-CONFERENCE").is_ok());
        assert_eq!(SeriesCode::parse("kcj").unwrap_err().field(), "code");
    }

    #[test]
    fn language_lists_dedup_and_name_the_bad_entry() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let got = languages(&list(&["ko", "en", "ko"]), "workingLanguages", 1, 4).unwrap();
        assert_eq!(got.len(), 2);
        let err = languages(&list(&["ko", "EN"]), "workingLanguages", 1, 4).unwrap_err();
        assert_eq!(err.field(), "workingLanguages[1]");
        assert!(languages(&[], "workingLanguages", 1, 4).is_err());
    }

    #[test]
    fn localized_text_needs_one_language_and_bounds_each() {
        let err = LocalizedText::parse(&TextDraft::default(), "title", 10).unwrap_err();
        assert_eq!(err.field(), "title");
        let long = TextDraft {
            ja: "あ".repeat(11),
            ..TextDraft::default()
        };
        assert_eq!(
            LocalizedText::parse(&long, "title", 10)
                .unwrap_err()
                .field(),
            "title.ja"
        );
        let t = LocalizedText::parse(&TextDraft::new(" 포럼 ", "", "", ""), "title", 10).unwrap();
        assert_eq!(t.ko(), "포럼");
        assert_eq!(t.any(), "포럼");
    }

    #[test]
    fn time_zones_display_local_times_and_offsets() {
        let seoul = TimeZone::parse("Asia/Seoul").unwrap();
        let at = DateTime::parse_from_rfc3339("2026-08-26T00:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(seoul.format_local(at), "2026-08-26T09:30:00+09:00");
        assert_eq!(
            seoul.offset_on(NaiveDate::from_ymd_opt(2026, 8, 26).unwrap()),
            "+09:00"
        );
        let ny = TimeZone::parse("America/New_York").unwrap();
        assert_eq!(
            ny.local_date(at),
            NaiveDate::from_ymd_opt(2026, 8, 25).unwrap()
        );
        assert_eq!(
            ny.offset_on(NaiveDate::from_ymd_opt(2026, 8, 26).unwrap()),
            "-04:00"
        );
        assert_eq!(
            ny.offset_on(NaiveDate::from_ymd_opt(2026, 1, 26).unwrap()),
            "-05:00"
        );
        assert_eq!(
            TimeZone::parse("Mars/Olympus").unwrap_err().field(),
            "timeZone"
        );
        assert!(parse_date("2026-02-30", "startDate").is_err());
    }
}
