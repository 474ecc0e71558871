//! A programme as staff define it, and what a session, an attendance entry and a
//! participant update look like once parsed.

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    ApplicationId, AttendanceStatus, EditionId, IdempotencyKey, InvalidInput, LocalGovernmentCode,
    LocalizedText, Location, Mentor, Note, ProgrammeKind, SessionKind, SessionTitle, parse_date,
};

/// Text in four languages, unvalidated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextDraft {
    /// Korean.
    pub ko: String,
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
    /// Japanese.
    pub ja: String,
}

impl TextDraft {
    /// Parses into [`LocalizedText`] of at most `max` characters per language.
    pub fn parse(&self, field: &str, max: usize) -> Result<LocalizedText, InvalidInput> {
        LocalizedText::parse(field, &self.ko, &self.en, &self.zh, &self.ja, max)
    }
}

/// A new programme, unvalidated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProgrammeDraft {
    /// Makes retries safe.
    pub idempotency_key: String,
    /// `None` = missing.
    pub kind: Option<ProgrammeKind>,
    /// Title (1..=200 characters in some language).
    pub title: TextDraft,
    /// Description (up to 10 000 characters per language; may be empty).
    pub description: TextDraft,
    /// Visible to the public at once.
    pub published: bool,
    /// When its editions may be held; `None` = any time.
    pub period: Option<glocal_kit::domain::period::PeriodDraft>,
}

/// A validated new programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProgramme {
    /// Makes retries safe.
    pub idempotency_key: IdempotencyKey,
    /// Kind.
    pub kind: ProgrammeKind,
    /// Title.
    pub title: LocalizedText,
    /// Description.
    pub description: LocalizedText,
    /// Published.
    pub published: bool,
    /// When its editions may be held (months, longest duration, editions per year).
    pub period: Option<glocal_kit::domain::period::PeriodRule>,
}

impl ProgrammeDraft {
    /// Validates every field, reporting the first one at fault.
    pub fn parse(self) -> Result<NewProgramme, InvalidInput> {
        let idempotency_key = IdempotencyKey::parse(&self.idempotency_key)?;
        let kind = self
            .kind
            .ok_or_else(|| InvalidInput::new("kind", "is required"))?;
        let title = self.title.parse("title", 200)?;
        let d = &self.description;
        let description = if [&d.ko, &d.en, &d.zh, &d.ja]
            .iter()
            .all(|s| s.trim().is_empty())
        {
            LocalizedText::default()
        } else {
            d.parse("description", 10_000)?
        };
        let period = self.period.map(|p| p.parse("period")).transpose()?;
        Ok(NewProgramme {
            idempotency_key,
            kind,
            title,
            description,
            published: self.published,
            period,
        })
    }
}

/// A new session, unvalidated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionDraft {
    /// The edition.
    pub edition_id: String,
    /// `None` = missing.
    pub kind: Option<SessionKind>,
    /// Title.
    pub title: String,
    /// Start.
    pub starts_at: Option<DateTime<Utc>>,
    /// End, after the start.
    pub ends_at: Option<DateTime<Utc>>,
    /// Where.
    pub location: String,
}

/// A validated new session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The edition.
    pub edition_id: EditionId,
    /// Kind.
    pub kind: SessionKind,
    /// Title.
    pub title: SessionTitle,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Where.
    pub location: Location,
}

impl SessionDraft {
    /// Validates every field, reporting the first one at fault.
    pub fn parse(self) -> Result<NewSession, InvalidInput> {
        let edition_id = EditionId::parse(&self.edition_id, "editionId")?;
        let kind = self
            .kind
            .ok_or_else(|| InvalidInput::new("kind", "is required"))?;
        let title = SessionTitle::parse(&self.title)?;
        let starts_at = self
            .starts_at
            .ok_or_else(|| InvalidInput::new("startsAt", "is required"))?;
        let ends_at = self
            .ends_at
            .ok_or_else(|| InvalidInput::new("endsAt", "is required"))?;
        if ends_at <= starts_at {
            return Err(InvalidInput::new("endsAt", "must be after startsAt"));
        }
        Ok(NewSession {
            edition_id,
            kind,
            title,
            starts_at,
            ends_at,
            location: Location::parse(&self.location)?,
        })
    }
}

/// One attendance entry, unvalidated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttendanceDraft {
    /// The participant's application.
    pub application_id: String,
    /// `None` = missing.
    pub status: Option<AttendanceStatus>,
    /// A note (e.g. the excuse).
    pub note: String,
}

/// A validated attendance entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceEntry {
    /// The participant's application.
    pub application_id: ApplicationId,
    /// Status.
    pub status: AttendanceStatus,
    /// Note.
    pub note: Note,
}

/// Most entries one call records.
pub const MAX_ATTENDANCE_ENTRIES: usize = 500;

/// Parses entries, reporting fields as `entries[i].…`; one entry per participant.
pub fn parse_attendance(
    drafts: Vec<AttendanceDraft>,
) -> Result<Vec<AttendanceEntry>, InvalidInput> {
    if drafts.is_empty() {
        return Err(InvalidInput::new(
            "entries",
            "record at least one participant",
        ));
    }
    if drafts.len() > MAX_ATTENDANCE_ENTRIES {
        return Err(InvalidInput::localized(
            "entries",
            glocal_kit::i18n::Message::new("input-entries-per-call")
                .arg("max", MAX_ATTENDANCE_ENTRIES),
        ));
    }
    let mut out: Vec<AttendanceEntry> = Vec::with_capacity(drafts.len());
    for (i, d) in drafts.into_iter().enumerate() {
        let at = |f: &str| format!("entries[{i}].{f}");
        let application_id = ApplicationId::parse(&d.application_id, &at("applicationId"))?;
        if out.iter().any(|e| e.application_id == application_id) {
            return Err(InvalidInput::new(at("applicationId"), "is listed twice"));
        }
        let status = d
            .status
            .ok_or_else(|| InvalidInput::new(at("status"), "is required"))?;
        let note = Note::parse(&d.note).map_err(|e| e.at(at("note")))?;
        out.push(AttendanceEntry {
            application_id,
            status,
            note,
        });
    }
    Ok(out)
}

/// A change to a participant; empty fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParticipantDraft {
    /// Host local government code.
    pub host_code: String,
    /// Mentor.
    pub mentor: String,
    /// First day present, YYYY-MM-DD.
    pub joined_on: String,
    /// Last day present, YYYY-MM-DD.
    pub left_on: String,
}

/// A validated participant change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParticipantUpdate {
    /// New host.
    pub host_code: Option<LocalGovernmentCode>,
    /// New mentor.
    pub mentor: Option<Mentor>,
    /// New first day.
    pub joined_on: Option<NaiveDate>,
    /// New last day.
    pub left_on: Option<NaiveDate>,
}

impl ParticipantDraft {
    /// Validates the fields given.
    pub fn parse(self) -> Result<ParticipantUpdate, InvalidInput> {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let update = ParticipantUpdate {
            host_code: opt(&self.host_code)
                .map(|s| LocalGovernmentCode::parse(&s))
                .transpose()?,
            mentor: opt(&self.mentor).map(|s| Mentor::parse(&s)).transpose()?,
            joined_on: opt(&self.joined_on)
                .map(|s| parse_date(&s, "joinedOn"))
                .transpose()?,
            left_on: opt(&self.left_on)
                .map(|s| parse_date(&s, "leftOn"))
                .transpose()?,
        };
        if update == ParticipantUpdate::default() {
            return Err(InvalidInput::new(
                "hostCode",
                "give at least one of hostCode, mentor, joinedOn, leftOn",
            ));
        }
        Ok(update)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_programme_needs_a_kind_and_a_title() {
        let ok = ProgrammeDraft {
            idempotency_key: "p".into(),
            kind: Some(ProgrammeKind::Academy),
            title: TextDraft {
                ko: "국제화 아카데미".into(),
                ..TextDraft::default()
            },
            ..ProgrammeDraft::default()
        };
        assert_eq!(ok.clone().parse().unwrap().title.ko, "국제화 아카데미");
        assert_eq!(
            ProgrammeDraft {
                kind: None,
                ..ok.clone()
            }
            .parse()
            .unwrap_err()
            .field(),
            "kind"
        );
        assert_eq!(
            ProgrammeDraft {
                title: TextDraft::default(),
                ..ok
            }
            .parse()
            .unwrap_err()
            .field(),
            "title"
        );
    }

    #[test]
    fn sessions_end_after_they_start() {
        let at = |h: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 4, 1)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
                .and_utc()
        };
        let draft = SessionDraft {
            edition_id: EditionId::new().to_string(),
            kind: Some(SessionKind::Lecture),
            title: "Protocol".into(),
            starts_at: Some(at(9)),
            ends_at: Some(at(12)),
            location: String::new(),
        };
        assert!(draft.clone().parse().is_ok());
        assert_eq!(
            SessionDraft {
                ends_at: Some(at(9)),
                ..draft.clone()
            }
            .parse()
            .unwrap_err()
            .field(),
            "endsAt"
        );
        assert_eq!(
            SessionDraft {
                kind: None,
                ..draft
            }
            .parse()
            .unwrap_err()
            .field(),
            "kind"
        );
    }

    #[test]
    fn attendance_entries_name_their_index() {
        let id = ApplicationId::new().to_string();
        let entry = |id: &str, status| AttendanceDraft {
            application_id: id.into(),
            status,
            note: String::new(),
        };
        assert_eq!(parse_attendance(vec![]).unwrap_err().field(), "entries");
        assert_eq!(
            parse_attendance(vec![
                entry(&id, Some(AttendanceStatus::Present)),
                entry("x", None)
            ])
            .unwrap_err()
            .field(),
            "entries[1].applicationId"
        );
        assert_eq!(
            parse_attendance(vec![entry(&id, None)])
                .unwrap_err()
                .field(),
            "entries[0].status"
        );
        assert_eq!(
            parse_attendance(vec![
                entry(&id, Some(AttendanceStatus::Late)),
                entry(&id, Some(AttendanceStatus::Late))
            ])
            .unwrap_err()
            .field(),
            "entries[1].applicationId"
        );
    }

    #[test]
    fn a_participant_update_changes_something() {
        assert_eq!(
            ParticipantDraft::default().parse().unwrap_err().field(),
            "hostCode"
        );
        let u = ParticipantDraft {
            host_code: "26000".into(),
            joined_on: "2026-04-16".into(),
            ..ParticipantDraft::default()
        }
        .parse()
        .unwrap();
        assert_eq!(u.host_code.unwrap().as_str(), "26000");
        assert_eq!(
            ParticipantDraft {
                left_on: "soon".into(),
                ..ParticipantDraft::default()
            }
            .parse()
            .unwrap_err()
            .field(),
            "leftOn"
        );
    }
}
