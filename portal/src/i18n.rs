//! The portal's own words in Korean, English, Chinese and Japanese (`locales/<lang>/portal.ftl`,
//! embedded at build time), and which language a visitor reads: the `lang` cookie they chose,
//! else their browser's `Accept-Language`, else Korean.

use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use glocal_kit::i18n::Lang;

/// The name of the cookie holding the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The portal's languages, Korean first (the default).
pub const LANGS: [Lang; 4] = [Lang::Ko, Lang::En, Lang::Zh, Lang::Ja];

/// The Fluent source of `lang`, as embedded.
pub fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => include_str!("../locales/ko/portal.ftl"),
        Lang::En => include_str!("../locales/en/portal.ftl"),
        Lang::Zh => include_str!("../locales/zh/portal.ftl"),
        Lang::Ja => include_str!("../locales/ja/portal.ftl"),
    }
}

fn bundles() -> &'static HashMap<Lang, FluentBundle<FluentResource>> {
    static BUNDLES: OnceLock<HashMap<Lang, FluentBundle<FluentResource>>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        LANGS
            .into_iter()
            .map(|lang| {
                let id: unic_langid::LanguageIdentifier =
                    lang.as_str().parse().expect("a valid language tag");
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                bundle.set_use_isolating(false);
                // A syntax error is a bug this module's tests catch.
                let resource = FluentResource::try_new(source(lang).to_owned())
                    .unwrap_or_else(|(_, e)| panic!("portal.ftl ({}): {e:?}", lang.as_str()));
                bundle
                    .add_resource(resource)
                    .unwrap_or_else(|e| panic!("portal.ftl ({}): {e:?}", lang.as_str()));
                (lang, bundle)
            })
            .collect()
    })
}

/// The words of one language, handed to every template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words(pub Lang);

impl Words {
    /// `key` in this language (the key itself when missing: a test keeps that from happening).
    pub fn t(&self, key: &str) -> String {
        self.with(key, &[])
    }

    /// `key` in this language, when the catalogue has it (optional texts such as hints).
    pub fn get(&self, key: &str) -> Option<String> {
        bundles()[&self.0]
            .has_message(key)
            .then(|| self.with(key, &[]))
    }

    /// `key` with one placeable `name` = `value`.
    pub fn t1(&self, key: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        self.with(key, &[(name, value.to_string())])
    }

    /// `key` with its placeables.
    pub fn with(&self, key: &str, args: &[(&str, String)]) -> String {
        let bundle = &bundles()[&self.0];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, lang = self.0.as_str(), "portal text missing");
            return key.to_owned();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(value.clone()));
        }
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }

    /// The language's code (`ko`), for `lang` attributes.
    pub fn code(&self) -> &'static str {
        self.0.as_str()
    }
}

/// The language to answer in: the chosen one (`cookie`), else the best of `accept_language`
/// (quality order, first wins a tie), else Korean.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(lang) = cookie.and_then(Lang::from_tag) {
        return lang;
    }
    let mut best: Option<(f32, Lang)> = None;
    for part in accept_language.unwrap_or_default().split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or_default().trim();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if let Some(lang) = Lang::from_tag(tag)
            && q > 0.0
            && best.is_none_or(|(b, _)| q > b)
        {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l).unwrap_or(Lang::Ko)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use fluent_syntax::ast::{Entry, Expression, InlineExpression, PatternElement};

    use super::*;

    /// Every message and the placeables it uses, of one language.
    fn keys(lang: Lang) -> std::collections::BTreeMap<String, BTreeSet<String>> {
        let resource = fluent_syntax::parser::parse(source(lang))
            .unwrap_or_else(|(_, e)| panic!("{}: {e:?}", lang.as_str()));
        resource
            .body
            .iter()
            .filter_map(|entry| match entry {
                Entry::Message(m) => {
                    let mut vars = BTreeSet::new();
                    if let Some(pattern) = &m.value {
                        for element in &pattern.elements {
                            if let PatternElement::Placeable {
                                expression:
                                    Expression::Inline(InlineExpression::VariableReference { id }),
                            } = element
                            {
                                vars.insert(id.name.to_owned());
                            }
                        }
                    }
                    Some((m.id.name.to_owned(), vars))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_key_exists_in_every_language_with_the_same_placeables() {
        let korean = keys(Lang::Ko);
        assert!(korean.len() > 50, "the Korean catalogue looks empty");
        for lang in LANGS {
            let other = keys(lang);
            assert_eq!(
                korean.keys().collect::<Vec<_>>(),
                other.keys().collect::<Vec<_>>(),
                "keys of {} differ from Korean",
                lang.as_str()
            );
            for (key, vars) in &korean {
                assert_eq!(
                    vars,
                    &other[key],
                    "placeables of {key} in {}",
                    lang.as_str()
                );
            }
        }
    }

    #[test]
    fn every_catalogue_parses_into_a_bundle() {
        for lang in LANGS {
            assert_ne!(Words(lang).t("app-name"), "app-name");
        }
    }

    #[test]
    fn the_cookie_wins_then_accept_language_then_korean() {
        assert_eq!(negotiate(Some("ja"), Some("en")), Lang::Ja);
        assert_eq!(negotiate(None, Some("fr, en;q=0.5, zh;q=0.8")), Lang::Zh);
        assert_eq!(negotiate(None, Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(negotiate(Some("xx"), Some("de")), Lang::Ko);
        assert_eq!(negotiate(None, None), Lang::Ko);
    }
}
