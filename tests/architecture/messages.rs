//! Every message a person reads comes from the catalogue (issue 15, ADR 0021): no text built
//! with `format!` is handed to a constructor of an error a person reads (`Conflict(…)`,
//! `Forbidden(…)`, `invalid(…)`, `InvalidInput::new(…)`, `Refusal::new(…)`, async-graphql's
//! `Error::new(…)`, the gateway's `bad_input(…)` and scalars' `InputValueError::custom(…)`),
//! because such a text stays English in every language. Say it with a catalogue key and its
//! arguments instead (`said`, `invalid_said`, `InvalidInput::localized`, `Message::new`).
//! And every key the code names literally (`Message::new("…")`, an `action-…` key) is in the
//! catalogue.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{root, rust_files};

/// Constructors of errors a person reads, and which argument (from 0) is the message.
const CONSTRUCTORS: [(&str, usize); 8] = [
    ("Conflict(", 0),
    ("Forbidden(", 0),
    ("invalid(", 1),
    ("InvalidInput::new(", 1),
    ("Refusal::new(", 2),
    ("Error::new(", 0),
    ("bad_input(", 0),
    ("InputValueError::custom(", 0),
];

/// The source text with comments and the contents of string and character literals blanked
/// (same length, line breaks kept), so that what looks like code is code.
fn code_only(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut out[from..to] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                blank(&mut out, i, end);
                i = end;
            }
            b'r' if (bytes.get(i + 1) == Some(&b'"') || bytes.get(i + 1) == Some(&b'#'))
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                let hashes = bytes[i + 1..].iter().take_while(|b| **b == b'#').count();
                let open = i + 1 + hashes;
                if bytes.get(open) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let end = text[open + 1..]
                    .find(&close)
                    .map_or(bytes.len(), |n| open + 1 + n);
                blank(&mut out, open + 1, end);
                i = end + close.len();
            }
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i + 1, j.min(bytes.len()));
                i = j + 1;
            }
            b'\'' => {
                // A character literal ('x', '\n', '\''), else a lifetime.
                let len = if bytes.get(i + 1) == Some(&b'\\') {
                    text[i + 2..].find('\'').map(|n| n + 3)
                } else {
                    let c = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (bytes.get(i + 1 + c) == Some(&b'\'')).then_some(c + 2)
                };
                match len {
                    Some(len) => {
                        blank(&mut out, i + 1, i + len - 1);
                        i += len;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    String::from_utf8(out).expect("only ASCII bytes were replaced")
}

/// The top-level arguments of the call whose `(` is just before `open`, as byte ranges.
fn arguments(code: &str, open: usize) -> Vec<(usize, usize)> {
    let mut depth = 0usize;
    let mut start = open;
    let mut out = Vec::new();
    for (i, c) in code[open..].char_indices() {
        let at = open + i;
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => {
                if !code[start..at].trim().is_empty() {
                    out.push((start, at));
                }
                return out;
            }
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push((start, at));
                start = at + 1;
            }
            _ => {}
        }
    }
    out
}

/// The part of `text` that is not a unit-test module (`#[cfg(test)] mod …` to the end).
fn without_tests(text: &str) -> &str {
    let mut from = 0;
    while let Some(n) = text[from..].find("#[cfg(test)]") {
        let at = from + n;
        if text[at + "#[cfg(test)]".len()..]
            .trim_start()
            .starts_with("mod ")
        {
            return &text[..at];
        }
        from = at + 1;
    }
    text
}

/// `line: call` for every message built with `format!` handed to a constructor in `text`.
fn formatted_messages(text: &str) -> Vec<(usize, String)> {
    let source = without_tests(text);
    let code = code_only(source);
    let mut found = Vec::new();
    for (pattern, message) in CONSTRUCTORS {
        for (at, _) in code.match_indices(pattern) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let args = arguments(&code, at + pattern.len());
            let Some(&(from, to)) = args.get(message) else {
                continue;
            };
            if code[from..to].contains("format!") {
                let line = code[..at].matches('\n').count() + 1;
                let call: String = source[at..to]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                found.push((line, format!("{call})")));
            }
        }
    }
    found.sort();
    found
}

/// Every source file of the services and the gateway a person's messages come from: not
/// demo data, tests or migrations.
fn sources() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("services"))
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .filter(|p| p.is_dir())
        .collect();
    dirs.push(root().join("gateway/src"));
    dirs.sort();
    dirs.iter()
        .flat_map(|d| rust_files(d))
        .filter(|f| {
            let path = relative(f);
            !(path.ends_with("/demo.rs")
                || path.contains("/tests/")
                || (path.contains("/store/") && path.contains("migration")))
        })
        .collect()
}

fn relative(file: &Path) -> String {
    file.strip_prefix(root())
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn no_message_a_person_reads_is_built_with_format() {
    let mut offenders = Vec::new();
    for file in sources() {
        let path = relative(&file);
        let text = std::fs::read_to_string(&file).unwrap();
        let found = formatted_messages(&text);
        offenders.extend(
            found
                .into_iter()
                .map(|(line, call)| format!("{path}:{line}: {call}")),
        );
    }
    assert!(
        offenders.is_empty(),
        "messages built with format! stay English in every language; name a catalogue key \
         with arguments instead (services/kit/locales):\n{}",
        offenders.join("\n")
    );
}

/// The keys of the English catalogue.
fn catalogue_keys() -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(root().join("services/kit/locales/en/messages.ftl")).unwrap();
    text.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" = ").or_else(|| l.split_once(" =")))
        .map(|(key, _)| key.trim().to_owned())
        .collect()
}

/// The string literal that is the whole of `code[from..to]` in `source`, if it is one.
fn literal(source: &str, code: &str, from: usize, to: usize) -> Option<String> {
    let arg = code[from..to].trim();
    (arg.len() >= 2 && arg.starts_with('"') && arg.ends_with('"')).then(|| {
        let start = from + code[from..to].find('"').unwrap();
        source[start + 1..start + arg.len() - 1].to_owned()
    })
}

/// `line: key` for every catalogue key `text` names literally: the first argument of
/// `Message::new`, the rule of `only(reason, rule, what)`, and every `action-…` literal.
fn named_keys(text: &str) -> Vec<(usize, String)> {
    let source = without_tests(text);
    let code = code_only(source);
    let line = |at: usize| code[..at].matches('\n').count() + 1;
    let mut keys = Vec::new();
    for (pattern, index) in [("Message::new(", 0), ("::only(", 1)] {
        for (at, _) in code.match_indices(pattern) {
            let args = arguments(&code, at + pattern.len());
            if let Some(key) = args
                .get(index)
                .and_then(|&(from, to)| literal(source, &code, from, to))
            {
                keys.push((line(at), key));
            }
        }
    }
    // A literal opens where the code keeps its quote (one inside another literal is blanked).
    for (at, _) in source
        .match_indices("\"action-")
        .filter(|(at, _)| code.as_bytes()[*at] == b'"')
    {
        let end = code[at + 1..].find('"').map_or(at + 1, |n| at + 1 + n);
        let key = &source[at + 1..end];
        if key.len() > "action-".len() && !key.contains('{') {
            keys.push((line(at), key.to_owned()));
        }
    }
    keys
}

#[test]
fn every_key_the_code_names_is_in_the_catalogue() {
    let catalogue = catalogue_keys();
    assert!(catalogue.len() > 100, "the catalogue is nearly empty");
    let mut missing = Vec::new();
    for file in sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, key) in named_keys(&text) {
            if !catalogue.contains(&key) {
                missing.push(format!("{}:{line}: {key}", relative(&file)));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys not in services/kit/locales/en/messages.ftl:\n{}",
        missing.join("\n")
    );
}

/// The checks above find what they look for, and only that.
#[test]
fn the_message_checks_see_a_planted_violation() {
    let planted = r#"
fn rules(n: u32, field: &str) -> Result<(), Error> {
    // Conflict(format!("a comment does not count {n}"))
    let _ = "Conflict(format!(\"nor does a string\"))";
    let _ = InvalidInput::new(format!("{field}[{n}]"), "is required"); // a field may be built
    let _ = Error::new(format!("at most {n}"));
    let _ = InvalidInput::localized(field, Message::new("input-from-1-to").arg("max", n));
    let _ = Error::only("BUREAU_STAFF_ONLY", "rule-no-such-key", "action-juggle");
    Err(Error::Conflict(format!(
        "{n} is taken"
    )))
}

#[cfg(test)]
mod tests {
    fn planted() { let _ = Conflict(format!("tests may")); }
}
"#;
    let found = formatted_messages(planted);
    let lines: Vec<usize> = found.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [6, 9], "{found:?}");
    assert_eq!(found[1].1, r#"Conflict(format!( "{n} is taken" ))"#);
    let keys: Vec<String> = named_keys(planted).into_iter().map(|(_, k)| k).collect();
    assert_eq!(
        keys,
        ["input-from-1-to", "rule-no-such-key", "action-juggle"],
        "{keys:?}"
    );
}
