//! Full-text search over requests (ADR 0025): the query as it parses (words of a bounded
//! query), and the highlights that show why a request matched (which field, a snippet with
//! the matching words marked). Matching itself happens in the store, in SQL; the
//! highlighter here only marks what it can find again in the text a caller may read.

use glocal_kit::i18n::Message;
use uuid::Uuid;

use super::{InvalidInput, MessageKind, RequestMessage, ServiceRequest};

/// Most characters a search query may have.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words a search query may have (every word must match).
pub const MAX_TERMS: usize = 8;
/// Fewest characters a word must have: one character matches nearly everything.
pub const MIN_TERM_CHARS: usize = 2;
/// About how many characters a snippet shows.
pub const SNIPPET_CHARS: usize = 120;
/// Most message highlights one request carries.
pub const MAX_MESSAGE_HIGHLIGHTS: usize = 3;

/// A search query: 1..=[`MAX_TERMS`] distinct words of [`MIN_TERM_CHARS`] characters or
/// more, split at whitespace, punctuation trimmed off their ends. Every word must match
/// (as a substring, so `교통` finds `교통안전`, or by its English stem).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    terms: Vec<String>,
}

fn is_edge_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || matches!(c, '、' | '。' | '，' | '「' | '」' | '『' | '』' | '·')
}

impl SearchText {
    /// Parses the query in field `field`: BAD_USER_INPUT `search-query-empty`,
    /// `search-query-too-long`, `search-query-too-many-words` or `search-query-word-too-short`.
    pub fn parse(s: &str, field: &str) -> Result<Self, InvalidInput> {
        if s.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            return Err(InvalidInput::localized(
                field,
                Message::new("input-control-characters"),
            ));
        }
        let n = s.trim().chars().count();
        if n > MAX_QUERY_CHARS {
            return Err(InvalidInput::localized(
                field,
                Message::new("search-query-too-long")
                    .arg("max", MAX_QUERY_CHARS)
                    .arg("got", n),
            ));
        }
        let mut terms: Vec<String> = Vec::new();
        for word in s.split_whitespace() {
            let word = word.trim_matches(is_edge_punctuation);
            if word.is_empty() {
                continue;
            }
            if word.chars().count() < MIN_TERM_CHARS {
                return Err(InvalidInput::localized(
                    field,
                    Message::new("search-query-word-too-short")
                        .arg("word", word)
                        .arg("min", MIN_TERM_CHARS),
                ));
            }
            if !terms
                .iter()
                .any(|t| t.to_lowercase() == word.to_lowercase())
            {
                terms.push(word.to_owned());
            }
        }
        if terms.is_empty() {
            return Err(InvalidInput::localized(
                field,
                Message::new("search-query-empty"),
            ));
        }
        if terms.len() > MAX_TERMS {
            return Err(InvalidInput::localized(
                field,
                Message::new("search-query-too-many-words")
                    .arg("max", MAX_TERMS)
                    .arg("got", terms.len()),
            ));
        }
        Ok(SearchText { terms })
    }

    /// The words, in the order given.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }
}

/// Whether `term` has an English reading (then its stem matches too).
pub fn is_english(term: &str) -> bool {
    term.chars().any(|c| c.is_ascii_alphabetic())
}

/// A light English stem for marking words again (`bikes`, `bike`, `biking` → `bik`);
/// the store decides what matches with the databases' own stemmers.
fn light_stem(word: &str) -> String {
    let w = word.to_lowercase();
    let mut s = w.as_str();
    for suffix in ["ies", "ing", "es", "ed", "s"] {
        if s.chars().count() > suffix.len() + 2
            && let Some(rest) = s.strip_suffix(suffix)
        {
            s = rest;
            if suffix == "ies" {
                return format!("{s}y");
            }
            break;
        }
    }
    s.strip_suffix('e').unwrap_or(s).to_owned()
}

/// A field of a request the search reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    /// The title.
    Title,
    /// The description.
    Description,
    /// A message (response, reply, question; staff notes for the bureau only).
    Message,
}

/// A piece of a snippet: text, and whether it is a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The text.
    pub text: String,
    /// True when the text matched a word of the query.
    pub matched: bool,
}

/// Why a request matched: a field, and a snippet of it with the matches marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    /// Which field.
    pub field: SearchField,
    /// The message, when the field is a message.
    pub message_id: Option<Uuid>,
    /// The message's kind, when the field is a message.
    pub message_kind: Option<MessageKind>,
    /// The snippet, in order; `…` marks text left out at either end.
    pub fragments: Vec<Fragment>,
}

/// One hit: the caller's view of the request, its score and its highlights.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The request as the caller may see it.
    pub request: ServiceRequest,
    /// Relevance: per word, 3 for a match in the title, 2 in the description, 1 in messages.
    pub score: u32,
    /// Where the words matched, title first, then description, then messages oldest first.
    pub highlights: Vec<Highlight>,
}

/// The character ranges of `text` that match a term: substrings (case-insensitive) and
/// whole words sharing an English term's stem; sorted and merged.
fn match_ranges(terms: &[String], chars: &[char]) -> Vec<(usize, usize)> {
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let mut ranges = Vec::new();
    for term in terms {
        let t: Vec<char> = term
            .chars()
            .map(|c| c.to_lowercase().next().unwrap_or(c))
            .collect();
        if t.is_empty() || t.len() > lower.len() {
            continue;
        }
        for i in 0..=lower.len() - t.len() {
            if lower[i..i + t.len()] == t[..] {
                ranges.push((i, i + t.len()));
            }
        }
        if is_english(term) {
            let stem = light_stem(term);
            let mut i = 0;
            while i < chars.len() {
                if chars[i].is_alphanumeric() {
                    let start = i;
                    while i < chars.len() && chars[i].is_alphanumeric() {
                        i += 1;
                    }
                    let word: String = chars[start..i].iter().collect();
                    if light_stem(&word) == stem {
                        ranges.push((start, i));
                    }
                } else {
                    i += 1;
                }
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// A snippet of `text` around its first match, with the matches marked; `None` when no
/// term is found in it.
pub fn snippet(search: &SearchText, text: &str) -> Option<Vec<Fragment>> {
    let chars: Vec<char> = text.chars().collect();
    let ranges = match_ranges(&search.terms, &chars);
    let first = *ranges.first()?;
    let mut start = first.0.saturating_sub(SNIPPET_CHARS / 3);
    let end = (start + SNIPPET_CHARS).max(first.1).min(chars.len());
    if end - start < SNIPPET_CHARS {
        start = end.saturating_sub(SNIPPET_CHARS);
    }
    let mut fragments: Vec<Fragment> = Vec::new();
    let mut push = |s: String, matched: bool| {
        if s.is_empty() {
            return;
        }
        match fragments.last_mut() {
            Some(last) if last.matched == matched => last.text.push_str(&s),
            _ => fragments.push(Fragment { text: s, matched }),
        }
    };
    let plain = |from: usize, to: usize| -> String {
        chars[from..to]
            .iter()
            .map(|c| if c.is_control() { ' ' } else { *c })
            .collect()
    };
    if start > 0 {
        push("…".into(), false);
    }
    let mut at = start;
    for &(s, e) in &ranges {
        if e <= start || s >= end {
            continue;
        }
        let (s, e) = (s.max(start), e.min(end));
        push(plain(at, s), false);
        push(plain(s, e), true);
        at = e;
    }
    push(plain(at, end), false);
    if end < chars.len() {
        push("…".into(), false);
    }
    Some(fragments)
}

/// The highlights of a request: its title, its description and the `messages` the caller
/// may read (at most [`MAX_MESSAGE_HIGHLIGHTS`]), each where a word of `search` is found.
pub fn highlights(
    search: &SearchText,
    title: &str,
    description: &str,
    messages: &[RequestMessage],
) -> Vec<Highlight> {
    let mut out = Vec::new();
    for (field, text) in [
        (SearchField::Title, title),
        (SearchField::Description, description),
    ] {
        if let Some(fragments) = snippet(search, text) {
            out.push(Highlight {
                field,
                message_id: None,
                message_kind: None,
                fragments,
            });
        }
    }
    out.extend(
        messages
            .iter()
            .filter_map(|m| {
                snippet(search, &m.body).map(|fragments| Highlight {
                    field: SearchField::Message,
                    message_id: Some(m.id),
                    message_kind: Some(m.kind),
                    fragments,
                })
            })
            .take(MAX_MESSAGE_HIGHLIGHTS),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> SearchText {
        SearchText::parse(s, "query").unwrap()
    }

    fn marked(f: &[Fragment]) -> String {
        f.iter()
            .map(|f| {
                if f.matched {
                    format!("[{}]", f.text)
                } else {
                    f.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn queries_parse_into_distinct_words() {
        assert_eq!(q("  교통  Bikes, bikes ").terms(), ["교통", "Bikes"]);
        let key = |s: &str| {
            SearchText::parse(s, "query")
                .unwrap_err()
                .catalogue_message()
                .unwrap()
                .key
                .clone()
        };
        assert_eq!(key("   "), "search-query-empty");
        assert_eq!(key(" ... "), "search-query-empty");
        assert_eq!(key(&"가".repeat(201)), "search-query-too-long");
        assert_eq!(
            key("a1 b2 c3 d4 e5 f6 g7 h8 i9"),
            "search-query-too-many-words"
        );
        assert_eq!(key("교 통"), "search-query-word-too-short");
        assert_eq!(key("bad\u{0}"), "input-control-characters");
        assert!(SearchText::parse(&"가".repeat(200), "query").is_ok());
        assert_eq!(
            SearchText::parse("", "search.query").unwrap_err().field(),
            "search.query"
        );
    }

    #[test]
    fn snippets_mark_substrings_and_stems() {
        let f = snippet(&q("교통"), "어린이 교통안전 교육 자료").unwrap();
        assert_eq!(marked(&f), "어린이 [교통]안전 교육 자료");
        let f = snippet(&q("bikes"), "Shared bike schemes and biking lanes").unwrap();
        assert_eq!(marked(&f), "Shared [bike] schemes and [biking] lanes");
        let f = snippet(&q("POLICIES"), "A housing policy").unwrap();
        assert_eq!(marked(&f), "A housing [policy]");
        assert!(snippet(&q("교통"), "관광 안내").is_none());
    }

    #[test]
    fn long_texts_are_cut_around_the_first_match() {
        let text = format!("{} 교통안전 {}", "가".repeat(300), "나".repeat(300));
        let f = snippet(&q("교통"), &text).unwrap();
        let all: String = f.iter().map(|f| f.text.as_str()).collect();
        assert!(all.starts_with('…') && all.ends_with('…'), "{all}");
        assert!(all.chars().count() <= SNIPPET_CHARS + 2, "{all}");
        assert_eq!(f.iter().filter(|f| f.matched).count(), 1);
    }
}
