//! Messages a person reads, in Korean, English, Chinese and Japanese (ADR 0021).
//!
//! The catalogue is one set of Fluent files per language (`services/kit/locales/<lang>/*.ftl`,
//! embedded at build time and parsed once). A component that has something to tell a person
//! (an error, an eligibility reason, a history note) names it as a [`Message`]: a stable key
//! and its arguments. The message travels as key + arguments (gRPC metadata for errors, JSON in
//! a stored note) and is rendered where the reader's language is known, usually the gateway
//! ([`Message::render`]). A test checks that every key exists in every language with the same
//! placeables.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language messages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Lang {
    /// Korean.
    Ko,
    /// English (the default and the text of logs).
    #[default]
    En,
    /// Chinese (simplified).
    Zh,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Every language, in catalogue order.
    pub const ALL: [Lang; 4] = [Lang::Ko, Lang::En, Lang::Zh, Lang::Ja];

    /// The ISO 639-1 code (`ko`, `en`, `zh`, `ja`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
            Lang::Zh => "zh",
            Lang::Ja => "ja",
        }
    }

    /// The language of a BCP 47 tag (`ko`, `ko-KR`, `zh_Hant`), if it is one of the four.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.as_str() == primary)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The Fluent sources of one language, as embedded.
fn sources(lang: Lang) -> [&'static str; 1] {
    match lang {
        Lang::Ko => [include_str!("../locales/ko/messages.ftl")],
        Lang::En => [include_str!("../locales/en/messages.ftl")],
        Lang::Zh => [include_str!("../locales/zh/messages.ftl")],
        Lang::Ja => [include_str!("../locales/ja/messages.ftl")],
    }
}

struct Catalogue {
    bundles: Vec<FluentBundle<FluentResource>>,
}

/// The catalogue, parsed on first use. A syntax error or a duplicate key is a bug caught by
/// this module's tests, so it panics here rather than answering half a catalogue.
fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let bundles = Lang::ALL
            .into_iter()
            .map(|lang| {
                let id: unic_langid::LanguageIdentifier =
                    lang.as_str().parse().expect("a valid language tag");
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                bundle.set_use_isolating(false);
                for source in sources(lang) {
                    let resource = FluentResource::try_new(source.to_owned())
                        .unwrap_or_else(|(_, e)| panic!("{} catalogue: {e:?}", lang.as_str()));
                    bundle
                        .add_resource(resource)
                        .unwrap_or_else(|e| panic!("{} catalogue: {e:?}", lang.as_str()));
                }
                bundle
            })
            .collect();
        Catalogue { bundles }
    })
}

/// Whether the catalogue has `key`.
pub fn has(key: &str) -> bool {
    catalogue().bundles[Lang::En.index()].has_message(key)
}

/// `key` rendered in `lang` with `args`; `None` when the catalogue has no such key.
pub fn render(lang: Lang, key: &str, args: &BTreeMap<String, String>) -> Option<String> {
    let bundle = &catalogue().bundles[lang.index()];
    let pattern = bundle.get_message(key)?.value()?;
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        // An argument that is itself a message ([`Message::store`], e.g. the action a rule
        // names) is said in the same language.
        let value = match Stored::parse(value) {
            Stored::Message(inner)
                if inner.args.values().all(|v| !v.starts_with(STORED_PREFIX)) =>
            {
                inner.render(lang)
            }
            _ => value.clone(),
        };
        fluent_args.set(name.clone(), FluentValue::from(value));
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(
            key,
            lang = lang.as_str(),
            ?errors,
            "message rendered with errors"
        );
    }
    Some(text.into_owned())
}

/// The key of the catalogue message without placeables whose English text is `text`, so
/// that an English-only error whose text the catalogue holds word for word (e.g. "is
/// required" from any service) is still rendered in the reader's language.
pub fn key_of_english(text: &str) -> Option<&'static str> {
    static KEYS: OnceLock<std::collections::HashMap<String, String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        key_placeables(Lang::En)
            .into_iter()
            .filter(|(key, vars)| vars.is_empty() && !key.starts_with("label-"))
            .filter_map(|(key, _)| Some((render(Lang::En, &key, &BTreeMap::new())?, key)))
            .collect()
    })
    .get(text)
    .map(String::as_str)
}

/// The action a rule names (`only bureau staff may …`): the catalogue key `what` (an
/// `action-…` key), else the key its English phrase makes (`create events` →
/// `action-create-events`), else the phrase itself, untranslated (`action-verbatim`).
pub fn action(what: &str) -> Message {
    if what.starts_with("action-") && has(what) {
        return Message::new(what);
    }
    let slug: Vec<String> = what
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let key = format!("action-{}", slug.join("-"));
    if has(&key) {
        Message::new(key)
    } else {
        Message::new("action-verbatim").arg("text", what)
    }
}

/// Something to tell a person: a catalogue key and its arguments (all text).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// The catalogue key, e.g. `input-required`.
    pub key: String,
    /// The placeables' values by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
}

/// What marks a stored text as a [`Message`] ([`Message::store`]): a character that free
/// text cannot hold (the domain refuses control characters other than tab and line breaks).
const STORED_PREFIX: char = '\u{1f}';

impl Message {
    /// The message `key` without arguments.
    pub fn new(key: impl Into<String>) -> Self {
        Message {
            key: key.into(),
            args: BTreeMap::new(),
        }
    }

    /// The same message with the placeable `name` set to `value`.
    #[must_use]
    pub fn arg(mut self, name: &str, value: impl ToString) -> Self {
        self.args.insert(name.to_owned(), value.to_string());
        self
    }

    /// The message in `lang`; the key itself when the catalogue lacks it (a test makes
    /// sure it never does for the keys the code uses).
    pub fn render(&self, lang: Lang) -> String {
        render(lang, &self.key, &self.args).unwrap_or_else(|| self.key.clone())
    }

    /// The message for an English-only `text`, when the catalogue holds it word for word
    /// ([`key_of_english`]).
    pub fn of_english(text: &str) -> Option<Message> {
        key_of_english(text).map(Message::new)
    }

    /// The same message with the placeable `name` set to the message `value`, said in the
    /// reader's language too (e.g. the action a rule refuses: "only bureau staff may …").
    #[must_use]
    pub fn arg_said(self, name: &str, value: &Message) -> Self {
        self.arg(name, value.store())
    }

    /// The message as JSON bytes (for gRPC binary metadata).
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// A message from [`Message::to_bytes`]' form.
    pub fn from_bytes(bytes: &[u8]) -> Option<Message> {
        serde_json::from_slice(bytes).ok()
    }

    /// The message as text to store in a free-text column (a history note): a marker and
    /// the JSON form, so that it is rendered in the reader's language at read time while
    /// rows written before keep reading as the text they hold ([`Stored::parse`]).
    pub fn store(&self) -> String {
        format!(
            "{STORED_PREFIX}{}",
            serde_json::to_string(self).unwrap_or_default()
        )
    }
}

/// A stored free-text column that holds either a [`Message`] ([`Message::store`]) or plain
/// text (anything written by a person, and rows written before messages were stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// A message to render in the reader's language.
    Message(Message),
    /// Text to show as it is.
    Text(String),
}

impl Stored {
    /// Reads a stored column.
    pub fn parse(text: &str) -> Stored {
        text.strip_prefix(STORED_PREFIX)
            .and_then(|json| serde_json::from_str(json).ok())
            .map_or_else(|| Stored::Text(text.to_owned()), Stored::Message)
    }

    /// The text in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Stored::Message(m) => m.render(lang),
            Stored::Text(t) => t.clone(),
        }
    }
}

/// Every key of the catalogue in `lang` with the names of the variables its pattern (and
/// attributes) use: what the catalogue test compares across languages.
pub fn key_placeables(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    use fluent_syntax::ast;
    fn inline(e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
        match e {
            ast::InlineExpression::VariableReference { id } => {
                out.insert(id.name.to_owned());
            }
            ast::InlineExpression::Placeable { expression } => expr(expression, out),
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for a in &arguments.positional {
                    inline(a, out);
                }
                for a in &arguments.named {
                    inline(&a.value, out);
                }
            }
            _ => {}
        }
    }
    fn expr(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
        match e {
            ast::Expression::Inline(i) => inline(i, out),
            ast::Expression::Select { selector, variants } => {
                inline(selector, out);
                for v in variants {
                    pattern(&v.value, out);
                }
            }
        }
    }
    fn pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
        for element in &p.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expr(expression, out);
            }
        }
    }
    let mut keys = BTreeMap::new();
    for source in sources(lang) {
        let resource = FluentResource::try_new(source.to_owned())
            .unwrap_or_else(|(_, e)| panic!("{} catalogue: {e:?}", lang.as_str()));
        for entry in resource.entries() {
            if let ast::Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern(p, &mut vars);
                }
                for a in &m.attributes {
                    pattern(&a.value, &mut vars);
                }
                keys.insert(m.id.name.to_owned(), vars);
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_exists_in_every_language_with_the_same_placeables() {
        let english = key_placeables(Lang::En);
        assert!(english.len() > 20, "the English catalogue is nearly empty");
        for lang in Lang::ALL {
            let other = key_placeables(lang);
            for (key, vars) in &english {
                assert_eq!(
                    other.get(key),
                    Some(vars),
                    "{key} in {} (placeables {vars:?})",
                    lang.as_str()
                );
            }
            for key in other.keys() {
                assert!(english.contains_key(key), "{key} only in {}", lang.as_str());
            }
        }
    }

    #[test]
    fn every_language_parses_and_renders_differently() {
        let m = Message::new("input-too-long")
            .arg("max", 200)
            .arg("got", 250);
        let texts: BTreeSet<String> = Lang::ALL.into_iter().map(|l| m.render(l)).collect();
        assert_eq!(texts.len(), 4, "{texts:?}");
        assert_eq!(
            m.render(Lang::En),
            "must be at most 200 characters (got 250)"
        );
        assert!(m.render(Lang::Ko).contains("200"));
    }

    #[test]
    fn stored_messages_render_at_read_time_and_old_text_stays_text() {
        let m = Message::new("input-required");
        let stored = m.store();
        assert_eq!(Stored::parse(&stored), Stored::Message(m.clone()));
        assert_eq!(Stored::parse(&stored).render(Lang::Ko), m.render(Lang::Ko));
        assert_eq!(
            Stored::parse("STF-151 assigned"),
            Stored::Text("STF-151 assigned".into())
        );
        assert_eq!(Message::from_bytes(&m.to_bytes()), Some(m));
    }

    #[test]
    fn a_message_as_an_argument_is_said_in_the_same_language() {
        let m = Message::new("rule-only-bureau-staff")
            .arg_said("action", &Message::new("action-create-events"));
        assert_eq!(m.render(Lang::En), "only bureau staff may create events");
        for lang in Lang::ALL {
            let action = Message::new("action-create-events").render(lang);
            assert!(m.render(lang).contains(&action), "{}", m.render(lang));
        }
        assert_eq!(
            action("create events"),
            Message::new("action-create-events")
        );
        assert_eq!(
            action("action-create-events"),
            Message::new("action-create-events")
        );
        assert_eq!(action("juggle").render(Lang::Ko), "juggle");
    }

    #[test]
    fn tags_name_the_four_languages() {
        assert_eq!(Lang::from_tag("ko-KR"), Some(Lang::Ko));
        assert_eq!(Lang::from_tag("zh_Hant"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("fr"), None);
    }
}
