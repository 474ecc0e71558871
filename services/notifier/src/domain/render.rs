//! How a notice reads: the kind's templates in the recipient's language rendered with
//! MiniJinja over the notice's details and its link (`notifications.portal_url` joined with
//! the notice's path). Timestamps print as `YYYY-MM-DD HH:MM UTC` (`|when`).

use std::sync::OnceLock;

use minijinja::{Environment, Value as Jinja};
use serde_json::{Map, Value};

use super::{Language, NoticeKind, templates};

/// A rendered notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject line.
    pub subject: String,
    /// The plain-text body (ends with the link).
    pub body: String,
    /// The link into the portal.
    pub link: String,
}

/// A template that does not render (a bug in the templates: every kind is tested in every
/// language).
#[derive(Debug, thiserror::Error)]
#[error("notice template {name} does not render: {source}")]
pub struct RenderError {
    name: String,
    source: minijinja::Error,
}

fn name(language: Language, kind: NoticeKind, part: &str) -> String {
    format!("{}/{}/{part}", language.as_str(), kind.as_str())
}

/// `2026-12-04T09:00:00Z` → `2026-12-04 09:00 UTC` (anything else as it is).
fn when(value: String) -> String {
    chrono::DateTime::parse_from_rfc3339(&value)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or(value)
}

fn environment() -> Result<&'static Environment<'static>, RenderError> {
    static ENV: OnceLock<Result<Environment<'static>, RenderError>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.add_filter("when", when);
        for language in Language::ALL {
            for kind in NoticeKind::ALL {
                let (subject, body) = templates::source(language, *kind);
                for (part, source) in [("subject", subject), ("body", body)] {
                    let name = name(language, *kind, part);
                    env.add_template_owned(name.clone(), source)
                        .map_err(|source| RenderError { name, source })?;
                }
            }
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|e| RenderError {
        name: e.name.clone(),
        source: minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string()),
    })
}

/// The link of a notice at `path` under `portal_url`.
pub fn link(portal_url: &str, path: &str) -> String {
    format!("{}{path}", portal_url.trim_end_matches('/'))
}

/// A text given in the four languages (`{"ko": …, "en": …, "zh": …, "ja": …}`) in
/// `language`, falling back to English, Korean, then any language that has one; a list or
/// another object (a digest's practices) with its texts so read; any other value as it is.
fn localize(value: &Value, language: Language) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|v| localize(v, language)).collect()),
        Value::Object(texts) if is_text(texts) || texts.is_empty() => {
            let text = |code: &str| {
                texts
                    .get(code)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
            };
            [language.as_str(), "en", "ko", "zh", "ja"]
                .into_iter()
                .find_map(text)
                .map_or(Value::Null, |t| Value::String(t.to_owned()))
        }
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), localize(v, language)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Whether `map` is a text in languages: every key a language code.
fn is_text(map: &Map<String, Value>) -> bool {
    !map.is_empty()
        && map
            .keys()
            .all(|k| Language::ALL.iter().any(|l| l.as_str() == k))
}

/// `kind` in `language` with `vars` (a text in four languages read in `language`), linking
/// to `link`.
pub fn render(
    language: Language,
    kind: NoticeKind,
    vars: &Map<String, Value>,
    link: &str,
) -> Result<Rendered, RenderError> {
    let env = environment()?;
    let mut context: Map<String, Value> = vars
        .iter()
        .map(|(k, v)| (k.clone(), localize(v, language)))
        .collect();
    context.insert("link".into(), Value::String(link.to_owned()));
    let context = Jinja::from_serialize(&context);
    let part = |part: &str| {
        let name = name(language, kind, part);
        env.get_template(&name)
            .and_then(|t| t.render(&context))
            .map_err(|source| RenderError { name, source })
    };
    Ok(Rendered {
        subject: part("subject")?.trim().to_owned(),
        body: part("body")?,
        link: link.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn vars() -> Map<String, Value> {
        json!({
            "number": "OB-2026-000042", "title": "Interpreter for a visit",
            "dueAt": "2026-12-04T09:00:00Z", "message": "Interpreter booked.",
            "expiresAt": "2026-12-05T00:00:00Z", "code": "K2H-2026-0001"
        })
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn every_kind_renders_in_every_language_with_its_link() {
        let link = link("https://portal.example.kr/", "/requests/r1");
        assert_eq!(link, "https://portal.example.kr/requests/r1");
        for language in Language::ALL {
            for kind in NoticeKind::ALL {
                let r = render(language, *kind, &vars(), &link).unwrap();
                assert!(
                    !r.subject.is_empty() && r.subject.starts_with("[Glocal]"),
                    "{language:?} {kind:?}"
                );
                assert!(!r.subject.contains('\n'), "{language:?} {kind:?}");
                assert!(r.body.contains(&link), "{language:?} {kind:?}: {}", r.body);
                assert!(!r.body.contains("{{") && !r.body.contains("{%"));
                // With no details at all, nothing breaks and no placeholder shows.
                let bare = render(language, *kind, &Map::new(), &link).unwrap();
                assert!(bare.body.contains(&link));
            }
        }
    }

    #[test]
    fn the_same_notice_reads_in_each_language() {
        let l = "https://p/requests/r1";
        let ko = render(Language::Ko, NoticeKind::RequestRegistered, &vars(), l).unwrap();
        assert_eq!(
            ko.subject,
            "[Glocal] 요청 OB-2026-000042이(가) 접수되었습니다"
        );
        assert!(
            ko.body.contains("처리 기한: 2026-12-04 09:00 UTC"),
            "{}",
            ko.body
        );
        let en = render(Language::En, NoticeKind::RequestRegistered, &vars(), l).unwrap();
        assert_eq!(en.subject, "[Glocal] Request OB-2026-000042 registered");
        assert!(en.body.contains("Due by: 2026-12-04 09:00 UTC"));
        let zh = render(Language::Zh, NoticeKind::RequestMidResponse, &vars(), l).unwrap();
        assert!(zh.body.contains("中间答复") && zh.body.contains("Interpreter booked."));
        let ja = render(Language::Ja, NoticeKind::EventSeatOffered, &vars(), l).unwrap();
        assert!(ja.body.contains("2026-12-05 00:00 UTC まで"), "{}", ja.body);
    }

    #[test]
    fn a_title_in_four_languages_reads_in_the_recipients_with_a_fallback() {
        let mut v = Map::new();
        v.insert(
            "title".into(),
            json!({ "ko": "한일 교류 포럼", "en": "Korea–Japan Forum", "zh": "", "ja": "日韓交流フォーラム" }),
        );
        let l = "https://p/events/e1";
        let ko = render(Language::Ko, NoticeKind::EventRegistrationConfirmed, &v, l).unwrap();
        assert!(
            ko.body.contains("한일 교류 포럼 참가 자리가 확정"),
            "{}",
            ko.body
        );
        let en = render(Language::En, NoticeKind::EventRegistrationConfirmed, &v, l).unwrap();
        assert!(
            en.body
                .contains("Your seat at Korea–Japan Forum is confirmed.")
        );
        assert_eq!(
            en.subject,
            "[Glocal] Your registration is confirmed: Korea–Japan Forum"
        );
        // No Chinese title: the English one.
        let zh = render(Language::Zh, NoticeKind::EventSeatOffered, &v, l).unwrap();
        assert!(zh.body.contains("“Korea–Japan Forum”"), "{}", zh.body);
        let ja = render(Language::Ja, NoticeKind::ApplicationAccepted, &v, l).unwrap();
        assert!(
            ja.body.contains("「日韓交流フォーラム」研修"),
            "{}",
            ja.body
        );
    }

    #[test]
    fn a_guests_code_reads_in_their_language() {
        let mut v = Map::new();
        v.insert("token".into(), json!("c0ffee"));
        v.insert("expiresAt".into(), json!("2026-12-06T00:00:00Z"));
        v.insert(
            "title".into(),
            json!({ "ko": "포럼", "en": "Forum", "zh": "论坛", "ja": "フォーラム" }),
        );
        let l = "https://p/events/e1/guest-confirmation?token=c0ffee";
        for (language, words) in [
            (Language::Ko, "확인 코드는 2026-12-06 00:00 UTC까지"),
            (Language::En, "valid until 2026-12-06 00:00 UTC"),
            (Language::Zh, "确认码有效期至 2026-12-06 00:00 UTC"),
            (Language::Ja, "「フォーラム」の参加"),
        ] {
            let r = render(language, NoticeKind::EventGuestConfirmation, &v, l).unwrap();
            assert!(
                r.body.contains("\n\nc0ffee\n") && r.body.contains(l),
                "{}",
                r.body
            );
            assert!(r.body.contains(words), "{language:?}: {}", r.body);
        }
    }

    #[test]
    fn service_level_notices_name_the_target() {
        let mut v = vars();
        v.insert("target".into(), json!("FIRST_RESPONSE"));
        let l = "https://p/requests/r1";
        let en = render(Language::En, NoticeKind::RequestSlaBreached, &v, l).unwrap();
        assert!(en.subject.ends_with("is overdue for its first response"));
        assert!(
            en.body
                .contains("missed its first-response time (2026-12-04 09:00 UTC)")
        );
        let ko = render(Language::Ko, NoticeKind::RequestSlaWarning, &v, l).unwrap();
        assert!(ko.body.contains("첫 응답 기한"), "{}", ko.body);
        v.insert("target".into(), json!("RESOLUTION"));
        let en = render(Language::En, NoticeKind::RequestSlaBreached, &v, l).unwrap();
        assert_eq!(en.subject, "[Glocal] Request OB-2026-000042 is overdue");
        let ja = render(Language::Ja, NoticeKind::RequestSlaWarning, &v, l).unwrap();
        assert!(ja.body.contains("対応期限"), "{}", ja.body);
    }
}
