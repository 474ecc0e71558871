//! Languages of localized text: the `Language` enum, the request's default language
//! (from `Accept-Language`) and the fallback chain requested → en → ko → any non-empty.

use async_graphql::{Context, Enum};
use glocal_proto::common::v1::LocalizedText;

/// A language the bureau publishes in.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// Korean.
    Ko,
    /// English.
    #[default]
    En,
    /// Chinese.
    Zh,
    /// Japanese.
    Ja,
}

impl Language {
    /// The language of an ISO 639-1 tag such as `ko` or `zh-Hant`.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ko" => Some(Language::Ko),
            "en" => Some(Language::En),
            "zh" => Some(Language::Zh),
            "ja" => Some(Language::Ja),
            _ => None,
        }
    }

    /// Its ISO 639-1 code.
    pub const fn code(self) -> &'static str {
        match self {
            Language::Ko => "ko",
            Language::En => "en",
            Language::Zh => "zh",
            Language::Ja => "ja",
        }
    }

    /// The most preferred supported language of an `Accept-Language` header value.
    pub fn from_accept_language(header: &str) -> Option<Language> {
        let mut best: Option<(f32, Language)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Language::from_tag) else {
                continue;
            };
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }
}

impl From<Language> for glocal_kit::i18n::Lang {
    fn from(lang: Language) -> Self {
        match lang {
            Language::Ko => glocal_kit::i18n::Lang::Ko,
            Language::En => glocal_kit::i18n::Lang::En,
            Language::Zh => glocal_kit::i18n::Lang::Zh,
            Language::Ja => glocal_kit::i18n::Lang::Ja,
        }
    }
}

/// The language a request asked for through `Accept-Language` (request data).
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestLanguage(pub Language);

/// The language a field renders in: its `lang` argument, else the request's default.
pub fn effective(ctx: &Context<'_>, lang: Option<Language>) -> Language {
    lang.or_else(|| ctx.data_opt::<RequestLanguage>().map(|l| l.0))
        .unwrap_or_default()
}

/// A text a service sent for a person to read, which is either a catalogue message
/// ([`glocal_kit::i18n::Message::store`]) or plain text, in `lang`; with the message's key
/// (the stable machine-readable code beside it), `None` for plain text.
pub fn say(text: &str, lang: Language) -> (String, Option<String>) {
    use glocal_kit::i18n::Stored;
    match Stored::parse(text) {
        Stored::Message(m) => (m.render(lang.into()), Some(m.key)),
        Stored::Text(t) => (t, None),
    }
}

/// `text` in `lang`, falling back to English, then Korean, then any non-empty language.
pub fn pick(text: Option<&LocalizedText>, lang: Language) -> String {
    let Some(text) = text else {
        return String::new();
    };
    let of = |l: Language| match l {
        Language::Ko => &text.ko,
        Language::En => &text.en,
        Language::Zh => &text.zh,
        Language::Ja => &text.ja,
    };
    [lang, Language::En, Language::Ko, Language::Zh, Language::Ja]
        .into_iter()
        .map(of)
        .find(|s| !s.is_empty())
        .cloned()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_supported_quality() {
        assert_eq!(
            Language::from_accept_language("fr-FR, ja;q=0.8, ko;q=0.9"),
            Some(Language::Ko)
        );
        assert_eq!(
            Language::from_accept_language("zh-Hant-TW"),
            Some(Language::Zh)
        );
        assert_eq!(Language::from_accept_language("fr, de;q=0.5"), None);
        assert_eq!(
            Language::from_accept_language("ko;q=0, en;q=0.1"),
            Some(Language::En)
        );
    }

    #[test]
    fn fallback_chain_is_requested_then_en_then_ko_then_any() {
        let text = |ko: &str, en: &str, zh: &str, ja: &str| LocalizedText {
            ko: ko.into(),
            en: en.into(),
            zh: zh.into(),
            ja: ja.into(),
        };
        assert_eq!(
            pick(Some(&text("서울", "Seoul", "首尔", "ソウル")), Language::Ja),
            "ソウル"
        );
        assert_eq!(
            pick(Some(&text("서울", "Seoul", "", "")), Language::Ja),
            "Seoul"
        );
        assert_eq!(pick(Some(&text("서울", "", "", "")), Language::Zh), "서울");
        assert_eq!(
            pick(Some(&text("", "", "", "ソウル")), Language::Ko),
            "ソウル"
        );
        assert_eq!(pick(None, Language::Ko), "");
    }
}
