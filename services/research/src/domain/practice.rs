//! Best practices: their content (which parses from a draft) and their workflow as one pure
//! function.
//!
//! ```text
//! DRAFT ─submit→ IN_REVIEW ─approve→ IN_REVIEW(approved) ─publish→ PUBLISHED
//!   IN_REVIEW ─request_changes→ DRAFT          DRAFT ─edit→ DRAFT (in place)
//!   PUBLISHED ─edit→ PUBLISHED (a new version)  DRAFT | IN_REVIEW | PUBLISHED ─withdraw→ WITHDRAWN
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use super::text::bounded;
use super::{
    AreaCode, CountryCode, InvalidInput, Lang, LocalGovernmentCode, LocalizedDraft, LocalizedText,
    OrganisationId, Tag,
};

/// Where a practice is in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PracticeState {
    /// Being written.
    Draft,
    /// Waiting for (or past) review.
    InReview,
    /// In the public library.
    Published,
    /// Taken out; the id answers with a tombstone.
    Withdrawn,
}

impl PracticeState {
    /// Every state.
    pub const ALL: [PracticeState; 4] = [
        PracticeState::Draft,
        PracticeState::InReview,
        PracticeState::Published,
        PracticeState::Withdrawn,
    ];

    /// The state's stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            PracticeState::Draft => "DRAFT",
            PracticeState::InReview => "IN_REVIEW",
            PracticeState::Published => "PUBLISHED",
            PracticeState::Withdrawn => "WITHDRAWN",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        PracticeState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                InvalidInput::localized(
                    "state",
                    glocal_kit::i18n::Message::new("input-unknown-value").arg("value", s),
                )
            })
    }
}

impl fmt::Display for PracticeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that may change a practice's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PracticeAction {
    /// Change the content.
    Edit,
    /// Send a draft to review.
    Submit,
    /// A reviewer approves the content.
    Approve,
    /// A reviewer sends it back to the author.
    RequestChanges,
    /// Put an approved practice in the library.
    Publish,
    /// Take it out.
    Withdraw,
}

impl PracticeAction {
    /// Every action.
    pub const ALL: [PracticeAction; 6] = [
        PracticeAction::Edit,
        PracticeAction::Submit,
        PracticeAction::Approve,
        PracticeAction::RequestChanges,
        PracticeAction::Publish,
        PracticeAction::Withdraw,
    ];

    /// The action's name in history entries.
    pub const fn as_str(self) -> &'static str {
        match self {
            PracticeAction::Edit => "edit",
            PracticeAction::Submit => "submit",
            PracticeAction::Approve => "approve",
            PracticeAction::RequestChanges => "request_changes",
            PracticeAction::Publish => "publish",
            PracticeAction::Withdraw => "withdraw",
        }
    }
}

impl fmt::Display for PracticeAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A practice's position in the workflow: its state and whether a reviewer approved the
/// current content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stage {
    /// The state.
    pub state: PracticeState,
    /// Approved for publication.
    pub approved: bool,
}

/// An action the current stage does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} a practice in state {}{}", stage.state, if stage.approved && stage.state == PracticeState::InReview { " (approved)" } else { "" })]
pub struct IllegalTransition {
    /// Where the practice is.
    pub stage: Stage,
    /// The action refused.
    pub action: PracticeAction,
}

/// The stage `action` leads to from `stage`, or why it may not be taken.
pub fn transition(stage: Stage, action: PracticeAction) -> Result<Stage, IllegalTransition> {
    use PracticeAction as A;
    use PracticeState as S;
    let to = |state, approved| Stage { state, approved };
    let next = match (action, stage.state, stage.approved) {
        (A::Edit, S::Draft, _) => to(S::Draft, false),
        (A::Edit, S::Published, _) => to(S::Published, true),
        (A::Submit, S::Draft, _) => to(S::InReview, false),
        (A::Approve, S::InReview, false) => to(S::InReview, true),
        (A::RequestChanges, S::InReview, _) => to(S::Draft, false),
        (A::Publish, S::InReview, true) => to(S::Published, true),
        (A::Withdraw, S::Draft | S::InReview | S::Published, approved) => {
            to(S::Withdrawn, approved)
        }
        _ => return Err(IllegalTransition { stage, action }),
    };
    Ok(next)
}

/// A link from a practice to a web page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// `http(s)://…`.
    pub url: String,
    /// Title (may be empty).
    pub title: String,
}

/// Metadata of an attached file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// File name.
    pub name: String,
    /// `type/subtype`.
    pub media_type: String,
    /// Size.
    pub size_bytes: u64,
    /// Where the file is (`http(s)://…`).
    pub url: String,
}

/// Unchecked link input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkDraft {
    /// URL.
    pub url: String,
    /// Title.
    pub title: String,
}

/// Unchecked attachment input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttachmentDraft {
    /// File name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size.
    pub size_bytes: u64,
    /// URL.
    pub url: String,
}

/// A practice's content as it arrives (from gRPC or tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PracticeDraft {
    /// Title per language.
    pub title: LocalizedDraft,
    /// Summary per language.
    pub summary: LocalizedDraft,
    /// Body per language.
    pub body: LocalizedDraft,
    /// `ko`, `en`, `zh` or `ja`.
    pub original_language: String,
    /// Area code.
    pub area_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// City or region.
    pub city: String,
    /// Korean local government (domestic practices).
    pub local_government_code: String,
    /// Source organisation id.
    pub source_organisation_id: String,
    /// Year.
    pub year: i32,
    /// Tags.
    pub tags: Vec<String>,
    /// Links.
    pub links: Vec<LinkDraft>,
    /// Attachments.
    pub attachments: Vec<AttachmentDraft>,
}

/// Largest title per language.
pub const TITLE_MAX: usize = 300;
/// Largest summary per language.
pub const SUMMARY_MAX: usize = 2_000;
/// Largest body per language.
pub const BODY_MAX: usize = 50_000;
/// Most tags, links or attachments.
pub const LIST_MAX: usize = 20;

/// Checked content of a practice (one version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeContent {
    pub(crate) title: LocalizedText,
    pub(crate) summary: LocalizedText,
    pub(crate) body: LocalizedText,
    pub(crate) original_language: Lang,
    pub(crate) area_code: String,
    pub(crate) country: String,
    pub(crate) city: String,
    pub(crate) local_government_code: Option<String>,
    pub(crate) source_organisation_id: Option<String>,
    pub(crate) year: i32,
    pub(crate) tags: Vec<String>,
    pub(crate) links: Vec<Link>,
    pub(crate) attachments: Vec<Attachment>,
}

fn http_url(s: &str, field: &str) -> Result<String, InvalidInput> {
    let s = bounded(s, field, 1, 2_000)?;
    if !(s.starts_with("https://") || s.starts_with("http://")) || s.contains(char::is_whitespace) {
        return Err(InvalidInput::new(field, "must be an http(s) URL"));
    }
    Ok(s)
}

impl PracticeContent {
    /// Parses a draft. The original language's title is required; every language is
    /// bounded; codes, URLs and lists are checked. Whether the area and the source
    /// organisation exist is the service's business.
    pub fn parse(d: &PracticeDraft) -> Result<Self, InvalidInput> {
        let original_language = Lang::parse(&d.original_language, "originalLanguage")?;
        let title =
            LocalizedText::parse_requiring(&d.title, "title", TITLE_MAX, &[original_language])?;
        let summary = LocalizedText::parse(&d.summary, "summary", SUMMARY_MAX)?;
        let body = LocalizedText::parse(&d.body, "body", BODY_MAX)?;
        let area_code = AreaCode::parse(&d.area_code, "areaCode")?
            .as_str()
            .to_owned();
        let country = CountryCode::parse(&d.country, "country")?
            .as_str()
            .to_owned();
        let city = bounded(&d.city, "city", 0, 200)?;
        let local_government_code = (!d.local_government_code.trim().is_empty())
            .then(|| LocalGovernmentCode::parse(&d.local_government_code, "localGovernmentCode"))
            .transpose()?
            .map(|c| c.as_str().to_owned());
        let source_organisation_id = (!d.source_organisation_id.trim().is_empty())
            .then(|| OrganisationId::parse(&d.source_organisation_id, "sourceOrganisationId"))
            .transpose()?
            .map(OrganisationId::to_key);
        if !(1900..=2100).contains(&d.year) {
            return Err(InvalidInput::new("year", "must be between 1900 and 2100"));
        }
        for (field, n) in [
            ("tags", d.tags.len()),
            ("links", d.links.len()),
            ("attachments", d.attachments.len()),
        ] {
            if n > LIST_MAX {
                return Err(InvalidInput::localized(
                    field,
                    glocal_kit::i18n::Message::new("input-at-most-items").arg("max", LIST_MAX),
                ));
            }
        }
        let mut tags = Vec::with_capacity(d.tags.len());
        for (i, t) in d.tags.iter().enumerate() {
            let tag = Tag::parse(t, &format!("tags[{i}]"))?.as_str().to_owned();
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let links = d
            .links
            .iter()
            .enumerate()
            .map(|(i, l)| {
                Ok(Link {
                    url: http_url(&l.url, &format!("links[{i}].url"))?,
                    title: bounded(&l.title, &format!("links[{i}].title"), 0, 200)?,
                })
            })
            .collect::<Result<Vec<_>, InvalidInput>>()?;
        let attachments = d
            .attachments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let media_type = bounded(
                    &a.media_type,
                    &format!("attachments[{i}].mediaType"),
                    3,
                    100,
                )?;
                if media_type.split('/').count() != 2 || media_type.split('/').any(str::is_empty) {
                    return Err(InvalidInput::new(
                        format!("attachments[{i}].mediaType"),
                        "must look like type/subtype",
                    ));
                }
                if a.size_bytes > 100 * 1024 * 1024 {
                    return Err(InvalidInput::new(
                        format!("attachments[{i}].sizeBytes"),
                        "must be at most 100 MiB",
                    ));
                }
                Ok(Attachment {
                    name: bounded(&a.name, &format!("attachments[{i}].name"), 1, 255)?,
                    media_type,
                    size_bytes: a.size_bytes,
                    url: http_url(&a.url, &format!("attachments[{i}].url"))?,
                })
            })
            .collect::<Result<Vec<_>, InvalidInput>>()?;
        Ok(PracticeContent {
            title,
            summary,
            body,
            original_language,
            area_code,
            country,
            city,
            local_government_code,
            source_organisation_id,
            year: d.year,
            tags,
            links,
            attachments,
        })
    }

    /// Title.
    pub fn title(&self) -> &LocalizedText {
        &self.title
    }
    /// Summary.
    pub fn summary(&self) -> &LocalizedText {
        &self.summary
    }
    /// Body.
    pub fn body(&self) -> &LocalizedText {
        &self.body
    }
    /// The language it was written in.
    pub fn original_language(&self) -> Lang {
        self.original_language
    }
    /// Area code.
    pub fn area_code(&self) -> &str {
        &self.area_code
    }
    /// Country code.
    pub fn country(&self) -> &str {
        &self.country
    }
    /// Year.
    pub fn year(&self) -> i32 {
        self.year
    }
    /// Tags.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }
    /// Source organisation id.
    pub fn source_organisation_id(&self) -> Option<&str> {
        self.source_organisation_id.as_deref()
    }

    /// Languages present in title, summary or body, in [`Lang::ALL`] order.
    pub fn languages(&self) -> Vec<Lang> {
        Lang::ALL
            .into_iter()
            .filter(|l| {
                !self.title.get(*l).is_empty()
                    || !self.summary.get(*l).is_empty()
                    || !self.body.get(*l).is_empty()
            })
            .collect()
    }

    /// The same content with only the title kept (what a tombstone shows).
    #[must_use]
    pub fn tombstone(&self) -> PracticeContent {
        PracticeContent {
            title: self.title.clone(),
            summary: LocalizedText::default(),
            body: LocalizedText::default(),
            original_language: self.original_language,
            area_code: self.area_code.clone(),
            country: self.country.clone(),
            city: self.city.clone(),
            local_government_code: self.local_government_code.clone(),
            source_organisation_id: None,
            year: self.year,
            tags: Vec::new(),
            links: Vec::new(),
            attachments: Vec::new(),
        }
    }
}

/// Where a practice draft came from, e.g. `training-trip-report:<id>` (ADR 0052): 1..=200
/// characters of one line, without spaces; one practice per origin.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PracticeOrigin(String);

impl PracticeOrigin {
    /// Parses an origin; field `origin`.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 200 || s.chars().any(char::is_whitespace) {
            return Err(InvalidInput::localized(
                "origin",
                glocal_kit::i18n::Message::new("input-unknown-value").arg("value", s),
            ));
        }
        Ok(PracticeOrigin(s.to_owned()))
    }

    /// The origin.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PracticeAction as A;
    use PracticeState as S;

    const fn st(state: PracticeState, approved: bool) -> Stage {
        Stage { state, approved }
    }

    /// Every legal (from, action, to); any other combination must be refused.
    const LEGAL: &[(Stage, PracticeAction, Stage)] = &[
        (st(S::Draft, false), A::Edit, st(S::Draft, false)),
        (st(S::Draft, true), A::Edit, st(S::Draft, false)),
        (st(S::Published, false), A::Edit, st(S::Published, true)),
        (st(S::Published, true), A::Edit, st(S::Published, true)),
        (st(S::Draft, false), A::Submit, st(S::InReview, false)),
        (st(S::Draft, true), A::Submit, st(S::InReview, false)),
        (st(S::InReview, false), A::Approve, st(S::InReview, true)),
        (
            st(S::InReview, false),
            A::RequestChanges,
            st(S::Draft, false),
        ),
        (
            st(S::InReview, true),
            A::RequestChanges,
            st(S::Draft, false),
        ),
        (st(S::InReview, true), A::Publish, st(S::Published, true)),
        (st(S::Draft, false), A::Withdraw, st(S::Withdrawn, false)),
        (st(S::Draft, true), A::Withdraw, st(S::Withdrawn, true)),
        (st(S::InReview, false), A::Withdraw, st(S::Withdrawn, false)),
        (st(S::InReview, true), A::Withdraw, st(S::Withdrawn, true)),
        (
            st(S::Published, false),
            A::Withdraw,
            st(S::Withdrawn, false),
        ),
        (st(S::Published, true), A::Withdraw, st(S::Withdrawn, true)),
    ];

    #[test]
    fn every_stage_action_pair_is_legal_exactly_when_listed() {
        let mut legal = 0;
        for state in PracticeState::ALL {
            for approved in [false, true] {
                let stage = st(state, approved);
                for action in PracticeAction::ALL {
                    let want = LEGAL
                        .iter()
                        .find(|(s, a, _)| *s == stage && *a == action)
                        .map(|(_, _, to)| *to);
                    match (transition(stage, action), want) {
                        (Ok(to), Some(w)) => {
                            assert_eq!(to, w, "{stage:?} --{action}-->");
                            legal += 1;
                        }
                        (Err(e), None) => assert_eq!(e, IllegalTransition { stage, action }),
                        (got, want) => panic!("{stage:?} --{action}--> got {got:?}, want {want:?}"),
                    }
                }
            }
        }
        assert_eq!(legal, LEGAL.len());
    }

    #[test]
    fn publishing_needs_an_approval_and_withdrawn_is_terminal() {
        let mut s = st(S::Draft, false);
        assert!(transition(s, A::Publish).is_err());
        for a in [A::Submit, A::Approve, A::Publish] {
            s = transition(s, a).unwrap();
        }
        assert_eq!(s.state, S::Published);
        let w = transition(s, A::Withdraw).unwrap();
        for a in PracticeAction::ALL {
            assert!(transition(w, a).is_err(), "{a}");
        }
        assert_eq!(
            transition(st(S::InReview, false), A::Publish)
                .unwrap_err()
                .to_string(),
            "cannot publish a practice in state IN_REVIEW"
        );
    }

    pub(crate) fn draft() -> PracticeDraft {
        PracticeDraft {
            title: LocalizedDraft::of("", "Bicycle lanes", "", ""),
            summary: LocalizedDraft::of("", "Protected lanes", "", ""),
            body: LocalizedDraft::default(),
            original_language: "en".into(),
            area_code: "transportation".into(),
            country: "nl".into(),
            city: "Utrecht".into(),
            year: 2020,
            tags: vec!["Cycling".into(), "cycling".into()],
            links: vec![LinkDraft {
                url: "https://example.org".into(),
                title: String::new(),
            }],
            ..PracticeDraft::default()
        }
    }

    #[test]
    fn content_parses_and_normalises() {
        let c = PracticeContent::parse(&draft()).unwrap();
        assert_eq!(c.country(), "NL");
        assert_eq!(c.tags(), ["cycling"]);
        assert_eq!(c.languages(), vec![Lang::En]);
        let t = c.tombstone();
        assert!(t.summary().is_empty() && t.links.is_empty());
        assert_eq!(t.title().get(Lang::En), "Bicycle lanes");
    }

    #[test]
    fn content_errors_name_the_field() {
        type Change = Box<dyn Fn(&mut PracticeDraft)>;
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|d| d.original_language = "ja".into()), "title.ja"),
            (
                Box::new(|d| d.original_language = "de".into()),
                "originalLanguage",
            ),
            (Box::new(|d| d.area_code = "Bad Code".into()), "areaCode"),
            (Box::new(|d| d.country = "NLD".into()), "country"),
            (Box::new(|d| d.year = 1800), "year"),
            (
                Box::new(|d| d.local_government_code = "abc".into()),
                "localGovernmentCode",
            ),
            (
                Box::new(|d| d.source_organisation_id = "x".into()),
                "sourceOrganisationId",
            ),
            (
                Box::new(|d| d.links[0].url = "ftp://x".into()),
                "links[0].url",
            ),
            (Box::new(|d| d.tags.push(" ".into())), "tags[2]"),
            (
                Box::new(|d| {
                    d.attachments.push(AttachmentDraft {
                        name: "a.pdf".into(),
                        media_type: "pdf".into(),
                        size_bytes: 1,
                        url: "https://x/a.pdf".into(),
                    });
                }),
                "attachments[0].mediaType",
            ),
            (
                Box::new(|d| d.summary.ko = "가".repeat(SUMMARY_MAX + 1)),
                "summary.ko",
            ),
        ];
        for (change, field) in cases {
            let mut d = draft();
            change(&mut d);
            assert_eq!(PracticeContent::parse(&d).unwrap_err().field(), field);
        }
    }
}
