//! Languages and localized text: the bureau's four languages, text in any subset of them
//! with bounds per language, and bounded plain text.

use std::fmt;

use super::InvalidInput;

pub(crate) use glocal_kit::domain::bounded;

/// A language the bureau publishes in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Korean.
    Ko,
    /// English.
    En,
    /// Chinese.
    Zh,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Every language, in the order lists and facets use.
    pub const ALL: [Lang; 4] = [Lang::Ko, Lang::En, Lang::Zh, Lang::Ja];

    /// ISO 639-1 code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
            Lang::Zh => "zh",
            Lang::Ja => "ja",
        }
    }

    /// Parses `ko`, `en`, `zh` or `ja` (case-insensitive); `field` names the input.
    pub fn parse(s: &str, field: &str) -> Result<Lang, InvalidInput> {
        let lower = s.trim().to_ascii_lowercase();
        Lang::ALL
            .into_iter()
            .find(|l| l.as_str() == lower)
            .ok_or_else(|| {
                if lower.is_empty() {
                    InvalidInput::new(field, "is required")
                } else {
                    InvalidInput::localized(
                        field,
                        glocal_kit::i18n::Message::new("input-not-a-bureau-language")
                            .arg("text", s),
                    )
                }
            })
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Text in any subset of the four languages, each trimmed and at most a bound long.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LocalizedText {
    ko: String,
    en: String,
    zh: String,
    ja: String,
}

/// Unchecked localized input, as it arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LocalizedDraft {
    /// Korean.
    pub ko: String,
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
    /// Japanese.
    pub ja: String,
}

impl LocalizedDraft {
    /// The same text in every language (tests and demo data).
    pub fn of(ko: &str, en: &str, zh: &str, ja: &str) -> Self {
        LocalizedDraft {
            ko: ko.into(),
            en: en.into(),
            zh: zh.into(),
            ja: ja.into(),
        }
    }
}

impl LocalizedText {
    /// Trims every language and checks each is at most `max` characters; `field.ko` etc.
    /// name the language at fault.
    pub fn parse(draft: &LocalizedDraft, field: &str, max: usize) -> Result<Self, InvalidInput> {
        let one = |s: &str, lang: Lang| bounded(s, &format!("{field}.{lang}"), 0, max);
        Ok(LocalizedText {
            ko: one(&draft.ko, Lang::Ko)?,
            en: one(&draft.en, Lang::En)?,
            zh: one(&draft.zh, Lang::Zh)?,
            ja: one(&draft.ja, Lang::Ja)?,
        })
    }

    /// Like [`LocalizedText::parse`], and `required` must be non-empty.
    pub fn parse_requiring(
        draft: &LocalizedDraft,
        field: &str,
        max: usize,
        required: &[Lang],
    ) -> Result<Self, InvalidInput> {
        let text = Self::parse(draft, field, max)?;
        for lang in required {
            if text.get(*lang).is_empty() {
                return Err(InvalidInput::new(format!("{field}.{lang}"), "is required"));
            }
        }
        Ok(text)
    }

    /// The text in `lang` (empty when absent).
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ko => &self.ko,
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
            Lang::Ja => &self.ja,
        }
    }

    /// The languages present, in [`Lang::ALL`] order.
    pub fn languages(&self) -> Vec<Lang> {
        Lang::ALL
            .into_iter()
            .filter(|l| !self.get(*l).is_empty())
            .collect()
    }

    /// Every non-empty language joined by newlines (search documents).
    pub fn joined(&self) -> String {
        Lang::ALL
            .into_iter()
            .map(|l| self.get(l))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// True when no language has text.
    pub fn is_empty(&self) -> bool {
        self.languages().is_empty()
    }

    /// The text as stored, without checks (stored data was checked when written).
    pub fn from_stored(ko: String, en: String, zh: String, ja: String) -> Self {
        LocalizedText { ko, en, zh, ja }
    }

    /// The four texts, in ko, en, zh, ja order.
    pub fn into_parts(self) -> (String, String, String, String) {
        (self.ko, self.en, self.zh, self.ja)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_case_insensitively_and_name_the_field() {
        assert_eq!(Lang::parse(" KO ", "x").unwrap(), Lang::Ko);
        assert_eq!(
            Lang::parse("fr", "originalLanguage").unwrap_err().field(),
            "originalLanguage"
        );
        assert_eq!(Lang::parse("", "x").unwrap_err().message(), "is required");
    }

    #[test]
    fn localized_text_is_trimmed_bounded_and_reports_the_language() {
        let d = LocalizedDraft::of(" 교통 ", "", "交通", "");
        let t = LocalizedText::parse(&d, "title", 10).unwrap();
        assert_eq!(t.get(Lang::Ko), "교통");
        assert_eq!(t.languages(), vec![Lang::Ko, Lang::Zh]);
        assert_eq!(t.joined(), "교통\n交通");
        let long = LocalizedDraft::of("", &"a".repeat(11), "", "");
        assert_eq!(
            LocalizedText::parse(&long, "title", 10)
                .unwrap_err()
                .field(),
            "title.en"
        );
        let err = LocalizedText::parse_requiring(&d, "title", 10, &[Lang::Ja]).unwrap_err();
        assert_eq!(err.field(), "title.ja");
    }
}
