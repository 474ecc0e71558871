//! Free text with bounds, and text in the bureau's four languages.

use glocal_kit::bounded_text;

use super::InvalidInput;

pub(crate) use glocal_kit::domain::bounded;

bounded_text!(
    /// A person's full name: 1..=200 characters.
    FullName, "profile.fullName", 1, 200
);
bounded_text!(
    /// A note on a decision or screening: 0..=2 000 characters.
    Note, "note", 0, 2_000
);
bounded_text!(
    /// A reviewer's comment: 0..=2 000 characters.
    Comment, "comment", 0, 2_000
);
bounded_text!(
    /// A session's title: one line of 1..=200 characters.
    SessionTitle, "title", 1, 200, single_line
);
bounded_text!(
    /// A session's location: 0..=200 characters.
    Location, "location", 0, 200
);
bounded_text!(
    /// A participant's mentor: 1..=200 characters.
    Mentor, "mentor", 1, 200
);

/// Text in Korean, English, Chinese and Japanese; at least one language is given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalizedText {
    /// Korean.
    pub ko: String,
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
    /// Japanese.
    pub ja: String,
}

impl LocalizedText {
    /// Trims every language, checks each is at most `max` characters and that one is given.
    pub fn parse(
        field: &str,
        ko: &str,
        en: &str,
        zh: &str,
        ja: &str,
        max: usize,
    ) -> Result<Self, InvalidInput> {
        let one = |lang: &str, s: &str| bounded(s, &format!("{field}.{lang}"), 0, max);
        let text = LocalizedText {
            ko: one("ko", ko)?,
            en: one("en", en)?,
            zh: one("zh", zh)?,
            ja: one("ja", ja)?,
        };
        if [&text.ko, &text.en, &text.zh, &text.ja]
            .iter()
            .all(|s| s.is_empty())
        {
            return Err(InvalidInput::new(
                field,
                "is required in at least one language",
            ));
        }
        Ok(text)
    }

    /// The English text, else Korean, else any.
    pub fn best(&self) -> &str {
        [&self.en, &self.ko, &self.zh, &self.ja]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_texts_trim_and_name_their_field() {
        assert_eq!(
            FullName::parse("  Nguyen Van A ").unwrap().as_str(),
            "Nguyen Van A"
        );
        assert_eq!(
            FullName::parse(" ").unwrap_err().field(),
            "profile.fullName"
        );
        assert!(FullName::parse(&"가".repeat(201)).is_err());
        assert!(Note::parse("").is_ok());
        assert_eq!(Mentor::parse("").unwrap_err().field(), "mentor");
    }

    #[test]
    fn localized_text_needs_one_language() {
        let t = LocalizedText::parse("title", "", " Academy ", "", "", 200).unwrap();
        assert_eq!(t.en, "Academy");
        assert_eq!(t.best(), "Academy");
        assert_eq!(
            LocalizedText::parse("title", "", "", " ", "", 200)
                .unwrap_err()
                .field(),
            "title"
        );
        assert_eq!(
            LocalizedText::parse("title", &"x".repeat(201), "", "", "", 200)
                .unwrap_err()
                .field(),
            "title.ko"
        );
    }
}
