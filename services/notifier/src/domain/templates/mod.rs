//! The text of every notice, per language: a subject line and a plain-text body, each a
//! MiniJinja template over the notice's details (`number`, `title` — a request's, or an
//! event's or programme's already in the recipient's language —, `dueAt`, `target` of a
//! service-level notice, `message`, `expiresAt`, `code`) and its `link`. `{{ x|when }}`
//! formats a timestamp.

mod en;
mod ja;
mod ko;
mod zh;

use super::{Language, NoticeKind};

/// The (subject, body) templates of `kind` in `language`.
pub(super) fn source(language: Language, kind: NoticeKind) -> (&'static str, &'static str) {
    match language {
        Language::Ko => ko::source(kind),
        Language::En => en::source(kind),
        Language::Zh => zh::source(kind),
        Language::Ja => ja::source(kind),
    }
}
