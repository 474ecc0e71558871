//! Overseas training's itinerary and trip reports (ADR 0052): a visit parses from its draft,
//! belongs only to an edition of an OVERSEAS_TRAINING programme and falls within the
//! edition's dates; visits are listed by day, then time (untimed first); a trip report moves
//! DRAFT → SUBMITTED → PUBLISHED_AS_PRACTICE, and the practice it becomes is drafted from the
//! report and the visit it is about. Organisation and practice ids are the research
//! service's, checked by the gateway; here they only have to be ids.

use chrono::{Datelike, NaiveDate, NaiveTime};
use glocal_kit::error::{ErrorCode, Refusal};
use glocal_kit::i18n::Message;
use uuid::Uuid;

use super::text::bounded;
use super::{CountryCode, InvalidInput, LocalizedText, ProgrammeKind, TripReportId, parse_date};

/// Most organisations one visit names.
pub const MAX_VISIT_ORGANISATIONS: usize = 10;
/// Most practices one visit names.
pub const MAX_VISIT_PRACTICES: usize = 20;
/// Longest title of a trip report, per language (research's practice title).
pub const REPORT_TITLE_MAX: usize = 300;
/// Longest summary of a trip report, per language (research's practice summary).
pub const REPORT_SUMMARY_MAX: usize = 2_000;
/// Longest findings of a trip report, per language.
pub const REPORT_FINDINGS_MAX: usize = 20_000;

/// What a visit says, as given (before parsing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitDraft {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `HH:MM` or empty.
    pub time: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Research organisations visited.
    pub organisation_ids: Vec<String>,
    /// Research practices benchmarked.
    pub practice_ids: Vec<String>,
    /// Why.
    pub purpose: String,
}

/// A visit of an itinerary that parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVisit {
    /// The day.
    pub day: NaiveDate,
    /// The local time, if fixed.
    pub time: Option<NaiveTime>,
    /// City (1..=100 characters, one line).
    pub city: String,
    /// Country.
    pub country: CountryCode,
    /// Research organisations visited (1..=10, distinct, in the order given).
    pub organisation_ids: Vec<String>,
    /// Research practices benchmarked (0..=20, distinct, in the order given).
    pub practice_ids: Vec<String>,
    /// Why (0..=2 000 characters).
    pub purpose: String,
}

/// Distinct research ids of `field`, at least `min`, at most `max`, each a UUID (stored in
/// its hyphenated lowercase form).
fn research_ids(
    ids: &[String],
    field: &str,
    min: usize,
    max: usize,
) -> Result<Vec<String>, InvalidInput> {
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for (i, raw) in ids.iter().enumerate() {
        let id = Uuid::parse_str(raw.trim()).map_err(|_| {
            InvalidInput::localized(
                format!("{field}[{i}]"),
                Message::new("input-unknown-value").arg("value", raw.trim()),
            )
        })?;
        let id = id.to_string();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.len() < min {
        return Err(InvalidInput::localized(
            field,
            Message::new("input-required"),
        ));
    }
    if out.len() > max {
        return Err(InvalidInput::localized(
            field,
            Message::new("input-at-most-items").arg("max", max),
        ));
    }
    Ok(out)
}

impl NewVisit {
    /// Parses a draft: fields `day`, `time`, `city`, `country`, `organisationIds[i]`,
    /// `practiceIds[i]`, `purpose`.
    pub fn parse(d: &VisitDraft) -> Result<Self, InvalidInput> {
        let day = parse_date(&d.day, "day")?;
        let time =
            match d.time.trim() {
                "" => None,
                t => Some(NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| {
                    InvalidInput::localized("time", Message::new("input-time-hhmm"))
                })?),
            };
        let city = bounded(&d.city, "city", 1, 100)?;
        if city.contains('\n') {
            return Err(InvalidInput::localized(
                "city",
                Message::new("input-one-line"),
            ));
        }
        let country = CountryCode::parse(d.country.trim()).map_err(|e| e.at("country"))?;
        Ok(NewVisit {
            day,
            time,
            city,
            country,
            organisation_ids: research_ids(
                &d.organisation_ids,
                "organisationIds",
                1,
                MAX_VISIT_ORGANISATIONS,
            )?,
            practice_ids: research_ids(&d.practice_ids, "practiceIds", 0, MAX_VISIT_PRACTICES)?,
            purpose: bounded(&d.purpose, "purpose", 0, 2_000)?,
        })
    }
}

/// The edition a visit is added to, as far as the rule needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitedEdition {
    /// Its programme's kind.
    pub kind: ProgrammeKind,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
}

/// Refuses an itinerary (or a trip report) on an edition that is not overseas training:
/// CONFLICT `NOT_OVERSEAS_TRAINING`.
pub fn require_overseas_training(kind: ProgrammeKind) -> Result<(), Refusal> {
    if kind == ProgrammeKind::OverseasTraining {
        Ok(())
    } else {
        Err(Refusal::said(
            ErrorCode::Conflict,
            "NOT_OVERSEAS_TRAINING",
            Message::new("rule-not-overseas-training").arg("kind", kind.as_str()),
        ))
    }
}

/// Why a visit does not fit its edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitMisfit {
    /// The edition is not of an overseas training programme.
    Refused(Refusal),
    /// The day is outside the edition's dates (field `day`).
    Invalid(InvalidInput),
}

/// Checks a visit against its edition: an OVERSEAS_TRAINING programme, and a day within the
/// edition's first and last day (both inclusive).
pub fn check_visit(edition: VisitedEdition, visit: &NewVisit) -> Result<(), VisitMisfit> {
    require_overseas_training(edition.kind).map_err(VisitMisfit::Refused)?;
    if visit.day < edition.starts_on || visit.day > edition.ends_on {
        return Err(VisitMisfit::Invalid(InvalidInput::localized(
            "day",
            Message::new("input-visit-day-outside")
                .arg("from", edition.starts_on.to_string())
                .arg("to", edition.ends_on.to_string()),
        )));
    }
    Ok(())
}

/// The order of an itinerary: by day, then time (a visit without a time first), then the
/// order they were added in (`seq`).
pub fn visit_order(
    day: NaiveDate,
    time: Option<NaiveTime>,
    seq: i64,
) -> (NaiveDate, Option<NaiveTime>, i64) {
    (day, time, seq)
}

/// Where a trip report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TripReportState {
    /// Being written; its author and the edition's managers may change it.
    Draft,
    /// Done; staff may publish it as a practice.
    Submitted,
    /// A practice was drafted from it in the research service.
    PublishedAsPractice,
}

impl TripReportState {
    /// Every state.
    pub const ALL: [TripReportState; 3] = [
        TripReportState::Draft,
        TripReportState::Submitted,
        TripReportState::PublishedAsPractice,
    ];

    /// As stored and on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            TripReportState::Draft => "DRAFT",
            TripReportState::Submitted => "SUBMITTED",
            TripReportState::PublishedAsPractice => "PUBLISHED_AS_PRACTICE",
        }
    }

    /// Parses a stored state.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                InvalidInput::localized(
                    "state",
                    Message::new("input-unknown-value").arg("value", s),
                )
            })
    }
}

/// Something done to a trip report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TripReportAction {
    /// Change the text.
    Edit,
    /// DRAFT → SUBMITTED.
    Submit,
    /// SUBMITTED → PUBLISHED_AS_PRACTICE.
    Publish,
}

impl TripReportAction {
    /// The action's name in history rows.
    pub const fn as_str(self) -> &'static str {
        match self {
            TripReportAction::Edit => "edit",
            TripReportAction::Submit => "submit",
            TripReportAction::Publish => "publish_as_practice",
        }
    }
}

/// The state a trip report in `state` reaches by `action`, or CONFLICT
/// `ILLEGAL_TRIP_REPORT_MOVE`: edits and submission need a DRAFT, publication a SUBMITTED
/// report.
pub fn trip_report_transition(
    state: TripReportState,
    action: TripReportAction,
) -> Result<TripReportState, Refusal> {
    use TripReportAction as A;
    use TripReportState as S;
    match (state, action) {
        (S::Draft, A::Edit) => Ok(S::Draft),
        (S::Draft, A::Submit) => Ok(S::Submitted),
        (S::Submitted, A::Publish) => Ok(S::PublishedAsPractice),
        _ => Err(Refusal::said(
            ErrorCode::Conflict,
            "ILLEGAL_TRIP_REPORT_MOVE",
            Message::new("rule-trip-report-move")
                .arg("state", state.as_str())
                .arg("action", action.as_str()),
        )),
    }
}

/// What a trip report says, as given (texts by language: ko, en, zh, ja).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TripReportDraft {
    /// Title.
    pub title: [String; 4],
    /// Summary.
    pub summary: [String; 4],
    /// Findings.
    pub findings: [String; 4],
    /// `ko`, `en`, `zh` or `ja`.
    pub original_language: String,
    /// A research area code.
    pub area_code: String,
}

/// A trip report's text that parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TripReportText {
    /// Title (required in the original language).
    pub title: LocalizedText,
    /// Summary (may be empty).
    pub summary: LocalizedText,
    /// Findings (may be empty).
    pub findings: LocalizedText,
    /// The language it was written in.
    pub original_language: String,
    /// Research area code (2..=40 lower-case letters, digits or `_`, starting with a letter;
    /// the gateway checks research knows it).
    pub area_code: String,
}

fn texts(field: &str, t: &[String; 4], max: usize) -> Result<LocalizedText, InvalidInput> {
    let one = |lang: &str, s: &str| bounded(s, &format!("{field}.{lang}"), 0, max);
    Ok(LocalizedText {
        ko: one("ko", &t[0])?,
        en: one("en", &t[1])?,
        zh: one("zh", &t[2])?,
        ja: one("ja", &t[3])?,
    })
}

impl TripReportText {
    /// Parses a draft: fields `originalLanguage`, `title.<lang>`, `summary.<lang>`,
    /// `findings.<lang>`, `areaCode`.
    pub fn parse(d: &TripReportDraft) -> Result<Self, InvalidInput> {
        let lang = d.original_language.trim();
        if !["ko", "en", "zh", "ja"].contains(&lang) {
            return Err(InvalidInput::localized(
                "originalLanguage",
                Message::new("input-not-a-bureau-language").arg("text", lang),
            ));
        }
        let title = texts("title", &d.title, REPORT_TITLE_MAX)?;
        let in_original = match lang {
            "ko" => &title.ko,
            "en" => &title.en,
            "zh" => &title.zh,
            _ => &title.ja,
        };
        if in_original.is_empty() {
            return Err(InvalidInput::localized(
                format!("title.{lang}"),
                Message::new("input-required"),
            ));
        }
        let area = d.area_code.trim();
        let is_code = (2..=40).contains(&area.len())
            && area.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && area
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !is_code {
            return Err(InvalidInput::localized(
                "areaCode",
                Message::new("input-research-area-code").arg("code", area),
            ));
        }
        Ok(TripReportText {
            title,
            summary: texts("summary", &d.summary, REPORT_SUMMARY_MAX)?,
            findings: texts("findings", &d.findings, REPORT_FINDINGS_MAX)?,
            original_language: lang.to_owned(),
            area_code: area.to_owned(),
        })
    }
}

/// The origin research keeps one practice per: derived from the report, so whoever retries
/// a publication drafts the same practice. It is the draft's idempotency key too.
pub fn practice_origin(report: TripReportId) -> String {
    format!("training-trip-report:{report}")
}

/// The visit a report is about, as the practice needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedVisit {
    /// Its day.
    pub day: NaiveDate,
    /// City.
    pub city: String,
    /// Country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Organisations visited, in order.
    pub organisation_ids: Vec<String>,
}

/// The content of the practice drafted from a trip report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeDraftContent {
    /// One practice per origin, and the idempotency key ([`practice_origin`]).
    pub origin: String,
    /// The report's title.
    pub title: LocalizedText,
    /// Its summary.
    pub summary: LocalizedText,
    /// Its findings, as the practice's body.
    pub body: LocalizedText,
    /// Its original language.
    pub original_language: String,
    /// Its area.
    pub area_code: String,
    /// The visit's country.
    pub country: String,
    /// The visit's city.
    pub city: String,
    /// The visit's first organisation (the practice's source).
    pub source_organisation_id: String,
    /// The visit's year.
    pub year: i32,
}

/// The practice a trip report becomes: its texts, area and language, the visit's country,
/// city, year and first organisation as the source.
pub fn practice_from_report(
    id: TripReportId,
    report: &TripReportText,
    visit: &ReportedVisit,
) -> PracticeDraftContent {
    PracticeDraftContent {
        origin: practice_origin(id),
        title: report.title.clone(),
        summary: report.summary.clone(),
        body: report.findings.clone(),
        original_language: report.original_language.clone(),
        area_code: report.area_code.clone(),
        country: visit.country.clone(),
        city: visit.city.clone(),
        source_organisation_id: visit.organisation_ids.first().cloned().unwrap_or_default(),
        year: visit.day.year(),
    }
}

/// A visit of an itinerary, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// Id.
    pub id: super::VisitId,
    /// Its edition.
    pub edition_id: super::EditionId,
    /// What it says.
    pub visit: NewVisit,
    /// Optimistic-concurrency version.
    pub version: super::Version,
    /// Added.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A trip report, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TripReport {
    /// Id.
    pub id: TripReportId,
    /// Its edition.
    pub edition_id: super::EditionId,
    /// The visit it is about.
    pub visit_id: super::VisitId,
    /// Its text.
    pub text: TripReportText,
    /// Where it is.
    pub state: TripReportState,
    /// Who wrote it.
    pub author_subject: String,
    /// Their name.
    pub author_name: String,
    /// The research practice it became.
    pub practice_id: Option<String>,
    /// Optimistic-concurrency version.
    pub version: super::Version,
    /// Written.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// An edition's itinerary as the caller may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Itinerary {
    /// The edition.
    pub edition_id: super::EditionId,
    /// False when the caller may not see it (then empty).
    pub visible: bool,
    /// Visits in [`visit_order`].
    pub visits: Vec<Visit>,
    /// Trip reports, oldest first.
    pub reports: Vec<TripReport>,
}

/// What publishing a trip report drafts in research: nothing when it is published already
/// (`practice_id` set), else the practice's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticePreparation {
    /// The practice it became, when it is PUBLISHED_AS_PRACTICE.
    pub practice_id: Option<String>,
    /// What to draft, when it is SUBMITTED.
    pub content: Option<PracticeDraftContent>,
    /// The report.
    pub report: TripReport,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> VisitDraft {
        VisitDraft {
            day: "2026-10-05".into(),
            time: "09:30".into(),
            city: " Yokohama ".into(),
            country: "JP".into(),
            organisation_ids: vec![
                "7d3b3c2e-6f1a-4a53-9a43-1c7a1e0f0a01".into(),
                "7D3B3C2E-6F1A-4A53-9A43-1C7A1E0F0A01".into(),
            ],
            practice_ids: vec![],
            purpose: "Waterfront regeneration".into(),
        }
    }

    fn edition(kind: ProgrammeKind) -> VisitedEdition {
        VisitedEdition {
            kind,
            starts_on: NaiveDate::from_ymd_opt(2026, 10, 4).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2026, 10, 10).unwrap(),
        }
    }

    #[test]
    fn a_visit_parses_and_names_the_field_at_fault() {
        let v = NewVisit::parse(&draft()).unwrap();
        assert_eq!(v.city, "Yokohama");
        assert_eq!(v.time, NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(v.organisation_ids.len(), 1, "the same id twice is one");
        let field = |d: VisitDraft| NewVisit::parse(&d).unwrap_err().field().to_owned();
        assert_eq!(
            field(VisitDraft {
                day: "5 Oct".into(),
                ..draft()
            }),
            "day"
        );
        assert_eq!(
            field(VisitDraft {
                time: "9h30".into(),
                ..draft()
            }),
            "time"
        );
        assert_eq!(
            field(VisitDraft {
                city: " ".into(),
                ..draft()
            }),
            "city"
        );
        assert_eq!(
            field(VisitDraft {
                country: "jp".into(),
                ..draft()
            }),
            "country"
        );
        assert_eq!(
            field(VisitDraft {
                organisation_ids: vec![],
                ..draft()
            }),
            "organisationIds"
        );
        assert_eq!(
            field(VisitDraft {
                practice_ids: vec!["x".into()],
                ..draft()
            }),
            "practiceIds[0]"
        );
        let many = (0..21).map(|_| Uuid::new_v4().to_string()).collect();
        assert_eq!(
            field(VisitDraft {
                practice_ids: many,
                ..draft()
            }),
            "practiceIds"
        );
        assert_eq!(
            NewVisit::parse(&VisitDraft {
                time: String::new(),
                ..draft()
            })
            .unwrap()
            .time,
            None
        );
    }

    #[test]
    fn visits_belong_to_overseas_training_within_its_dates() {
        let v = NewVisit::parse(&draft()).unwrap();
        assert!(check_visit(edition(ProgrammeKind::OverseasTraining), &v).is_ok());
        match check_visit(edition(ProgrammeKind::Academy), &v) {
            Err(VisitMisfit::Refused(r)) => {
                assert_eq!(
                    (r.code, r.reason),
                    (ErrorCode::Conflict, "NOT_OVERSEAS_TRAINING")
                )
            }
            other => panic!("{other:?}"),
        }
        for (day, fits) in [
            ("2026-10-03", false),
            ("2026-10-04", true),
            ("2026-10-10", true),
            ("2026-10-11", false),
        ] {
            let v = NewVisit::parse(&VisitDraft {
                day: day.into(),
                ..draft()
            })
            .unwrap();
            let r = check_visit(edition(ProgrammeKind::OverseasTraining), &v);
            match r {
                Ok(()) => assert!(fits, "{day}"),
                Err(VisitMisfit::Invalid(e)) => {
                    assert!(!fits, "{day}");
                    assert_eq!(e.field(), "day");
                }
                Err(other) => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn untimed_visits_come_first_on_their_day() {
        let d = |n| NaiveDate::from_ymd_opt(2026, 10, n).unwrap();
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0);
        let mut v = [
            visit_order(d(6), t(9), 1),
            visit_order(d(5), t(14), 2),
            visit_order(d(5), None, 3),
            visit_order(d(5), t(9), 4),
            visit_order(d(5), t(9), 0),
        ];
        v.sort();
        let seqs: Vec<i64> = v.iter().map(|o| o.2).collect();
        assert_eq!(seqs, vec![3, 0, 4, 2, 1]);
    }

    #[test]
    fn a_report_moves_draft_submitted_published_only() {
        use TripReportAction as A;
        use TripReportState as S;
        for s in S::ALL {
            for a in [A::Edit, A::Submit, A::Publish] {
                let expected = match (s, a) {
                    (S::Draft, A::Edit) => Some(S::Draft),
                    (S::Draft, A::Submit) => Some(S::Submitted),
                    (S::Submitted, A::Publish) => Some(S::PublishedAsPractice),
                    _ => None,
                };
                let got = trip_report_transition(s, a);
                assert_eq!(got.as_ref().ok().copied(), expected, "{s:?} {a:?}");
                if let Err(r) = got {
                    assert_eq!(r.reason, "ILLEGAL_TRIP_REPORT_MOVE");
                }
            }
            assert_eq!(S::parse(s.as_str()).unwrap(), s);
        }
    }

    fn report_draft() -> TripReportDraft {
        TripReportDraft {
            title: [
                String::new(),
                " Yokohama's waterfront ".into(),
                String::new(),
                String::new(),
            ],
            summary: [
                String::new(),
                "Mixed-use piers".into(),
                String::new(),
                String::new(),
            ],
            findings: Default::default(),
            original_language: "en".into(),
            area_code: "urban_regeneration".into(),
        }
    }

    #[test]
    fn a_report_needs_its_title_in_its_language_and_an_area() {
        let r = TripReportText::parse(&report_draft()).unwrap();
        assert_eq!(r.title.en, "Yokohama's waterfront");
        let field = |d: TripReportDraft| TripReportText::parse(&d).unwrap_err().field().to_owned();
        assert_eq!(
            field(TripReportDraft {
                original_language: "ko".into(),
                ..report_draft()
            }),
            "title.ko"
        );
        assert_eq!(
            field(TripReportDraft {
                original_language: "fr".into(),
                ..report_draft()
            }),
            "originalLanguage"
        );
        assert_eq!(
            field(TripReportDraft {
                area_code: "Urban!".into(),
                ..report_draft()
            }),
            "areaCode"
        );
    }

    #[test]
    fn the_practice_comes_from_the_report_and_its_visit() {
        let id = TripReportId::new();
        let report = TripReportText::parse(&report_draft()).unwrap();
        let visit = ReportedVisit {
            day: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
            city: "Yokohama".into(),
            country: "JP".into(),
            organisation_ids: vec!["a".into(), "b".into()],
        };
        let p = practice_from_report(id, &report, &visit);
        assert_eq!(p.origin, format!("training-trip-report:{id}"));
        assert_eq!(
            p.origin,
            practice_origin(id),
            "derived, the same every time"
        );
        assert_eq!(
            (p.country.as_str(), p.city.as_str(), p.year),
            ("JP", "Yokohama", 2026)
        );
        assert_eq!(p.source_organisation_id, "a");
        assert_eq!(p.title, report.title);
        assert_eq!(p.body, report.findings);
        assert_eq!(p.area_code, "urban_regeneration");
    }
}
