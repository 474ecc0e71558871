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

/// `kind` in `language` with `vars`, linking to `link`.
pub fn render(
    language: Language,
    kind: NoticeKind,
    vars: &Map<String, Value>,
    link: &str,
) -> Result<Rendered, RenderError> {
    let env = environment()?;
    let mut context = vars.clone();
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
}
