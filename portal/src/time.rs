//! Dates and times as the portal shows them: in Korean time (Asia/Seoul), labelled `KST`.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Seoul;

/// `2026-12-03 14:05 KST` for an RFC 3339 instant; the text itself when it does not parse.
pub fn kst(instant: &str) -> String {
    match DateTime::parse_from_rfc3339(instant) {
        Ok(t) => format!("{} KST", t.with_timezone(&Seoul).format("%Y-%m-%d %H:%M")),
        Err(_) => instant.to_owned(),
    }
}

/// `text` with every RFC 3339 instant in it (a word, perhaps in brackets or before a full
/// stop) shown as [`kst`] does: the API's notes name instants in UTC.
pub fn kst_in_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, tail) = rest.split_at(word_end);
        let start = word
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(word.len());
        let end = word
            .rfind(|c: char| c.is_ascii_alphanumeric())
            .map_or(start, |i| i + 1)
            .max(start);
        let core = &word[start..end];
        if core.len() >= 20 && DateTime::parse_from_rfc3339(core).is_ok() {
            out.push_str(&word[..start]);
            out.push_str(&kst(core));
            out.push_str(&word[end..]);
        } else {
            out.push_str(word);
        }
        let space_end = tail
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(tail.len());
        out.push_str(&tail[..space_end]);
        rest = &tail[space_end..];
    }
    out
}

/// [`kst`] of an optional instant; empty when absent.
pub fn kst_opt(instant: Option<&String>) -> String {
    instant.map(|t| kst(t)).unwrap_or_default()
}

/// The instant of a `datetime-local` form value (`2026-12-10T09:30`) read as Korean time,
/// in RFC 3339 (UTC); `None` when it does not parse.
pub fn from_kst_input(value: &str) -> Option<String> {
    let value = value.trim();
    let naive = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| {
            NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(|d| d.and_time(NaiveTime::from_hms_opt(18, 0, 0).expect("a valid time")))
        })
        .ok()?;
    let local = Seoul.from_local_datetime(&naive).single()?;
    Some(local.with_timezone(&Utc).to_rfc3339())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_in_a_note_are_shown_in_korean_time() {
        assert_eq!(
            kst_in_text("완료 예정 2026-12-09T03:57:40Z"),
            "완료 예정 2026-12-09 12:57 KST"
        );
        assert_eq!(
            kst_in_text("expected (2026-12-09T03:57:40.000Z)."),
            "expected (2026-12-09 12:57 KST)."
        );
        assert_eq!(kst_in_text("no time here  at all"), "no time here  at all");
        assert_eq!(kst_in_text("2026-12-09 and 7"), "2026-12-09 and 7");
    }

    #[test]
    fn instants_are_shown_in_korean_time() {
        assert_eq!(kst("2026-12-03T05:00:00Z"), "2026-12-03 14:00 KST");
        assert_eq!(kst("2026-12-03T23:30:00+00:00"), "2026-12-04 08:30 KST");
        assert_eq!(kst("not a time"), "not a time");
    }

    #[test]
    fn form_input_is_read_as_korean_time() {
        assert_eq!(
            from_kst_input("2026-12-10T09:30").as_deref(),
            Some("2026-12-10T00:30:00+00:00")
        );
        assert_eq!(from_kst_input("tomorrow"), None);
    }
}
