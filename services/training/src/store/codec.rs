//! How domain values are stored: comma lists, JSON columns, enum texts, and the mapping of
//! rows to domain values.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::views::{
    AttendanceRecord, Edition, HistoryEntry, Programme, ProgrammeSummary, Session, StipendPayment,
};
use crate::domain::{
    Answer, ApplicantKind, ApplicantProfile, ApplicationId, ApplicationState, Attachment,
    CostFrequency, CostItem, CostNote, CostPolicy, CostShare, CutKind, CutRule, EditionFacts,
    EditionId, Eligibility, LanguageCode, LocalizedText, Money, NationalityRule, OrganisationType,
    Payer, PaymentId, PaymentState, ProfileDraft, ProgrammeId, ProgrammeKind, RelationshipStanding,
    ReviewStage, SessionId, SessionKind, Version,
};
use crate::error::TrainingError;
use crate::store::entities::{
    application, edition, history, programme, review_stage, session, stipend_payment,
};

type Result<T, E = TrainingError> = std::result::Result<T, E>;

#[derive(Serialize, Deserialize)]
pub(crate) struct StoredStipend {
    payer: String,
    amount_minor: i64,
    currency: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct StoredCost {
    payer: String,
    item: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct StoredShare {
    payer: String,
    item: String,
    amount_minor: i64,
    currency: String,
    frequency: String,
}

/// The `cost_policy` column (JSON). Editions stored before cost shares were structured
/// have `stipends` and free-text `costs` only: their stipends read as monthly
/// `LIVING_EXPENSES` shares, their costs as notes. New rows carry `shares` and keep
/// writing `stipends` (the living-expense shares) so that the release before can still
/// schedule stipends after a rollback.
#[derive(Serialize, Deserialize, Default)]
pub(crate) struct StoredPolicy {
    #[serde(default)]
    stipends: Vec<StoredStipend>,
    #[serde(default)]
    costs: Vec<StoredCost>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shares: Option<Vec<StoredShare>>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct StoredAnswer {
    question: String,
    answer: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct StoredAttachment {
    name: String,
    content_type: String,
    size_bytes: u64,
    sha256: String,
}

pub(crate) fn join<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn split(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn policy_to_text(p: &CostPolicy) -> String {
    let stored = StoredPolicy {
        stipends: p
            .stipends()
            .iter()
            .map(|s| StoredStipend {
                payer: s.payer.as_str().to_owned(),
                amount_minor: s.monthly.amount_minor(),
                currency: s.monthly.currency().to_owned(),
            })
            .collect(),
        costs: p
            .notes
            .iter()
            .map(|c| StoredCost {
                payer: c.payer.as_str().to_owned(),
                item: c.item.clone(),
            })
            .collect(),
        shares: Some(
            p.shares
                .iter()
                .map(|s| StoredShare {
                    payer: s.payer.as_str().to_owned(),
                    item: s.item.as_str().to_owned(),
                    amount_minor: s.amount.amount_minor(),
                    currency: s.amount.currency().to_owned(),
                    frequency: s.frequency.as_str().to_owned(),
                })
                .collect(),
        ),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

pub(crate) fn policy_from_text(s: &str) -> Result<CostPolicy> {
    let stored: StoredPolicy = serde_json::from_str(s).map_err(TrainingError::corrupt)?;
    let money =
        |amount: i64, currency: &str| Money::new(amount, currency).map_err(TrainingError::corrupt);
    let payer = |p: &str| Payer::parse(p).map_err(TrainingError::corrupt);
    let shares = match stored.shares {
        Some(shares) => shares
            .into_iter()
            .map(|s| {
                Ok(CostShare {
                    payer: payer(&s.payer)?,
                    item: CostItem::parse(&s.item).map_err(TrainingError::corrupt)?,
                    amount: money(s.amount_minor, &s.currency)?,
                    frequency: CostFrequency::parse(&s.frequency)
                        .map_err(TrainingError::corrupt)?,
                })
            })
            .collect::<Result<_>>()?,
        // Stored before cost shares: the stipend lines are the living expenses.
        None => stored
            .stipends
            .into_iter()
            .map(|s| {
                Ok(CostShare {
                    payer: payer(&s.payer)?,
                    item: CostItem::LivingExpenses,
                    amount: money(s.amount_minor, &s.currency)?,
                    frequency: CostFrequency::Monthly,
                })
            })
            .collect::<Result<_>>()?,
    };
    Ok(CostPolicy {
        shares,
        notes: stored
            .costs
            .into_iter()
            .map(|c| {
                Ok(CostNote {
                    payer: payer(&c.payer)?,
                    item: c.item,
                })
            })
            .collect::<Result<_>>()?,
    })
}

/// Where a stored application stands on the fellowship's relationship rule.
pub(crate) fn relationship_of(a: &application::Model) -> Result<Option<RelationshipStanding>> {
    a.relationship
        .as_deref()
        .map(|s| RelationshipStanding::parse(s).map_err(TrainingError::corrupt))
        .transpose()
}

pub(crate) fn answers_to_text(answers: &[Answer]) -> String {
    let stored: Vec<StoredAnswer> = answers
        .iter()
        .map(|a| StoredAnswer {
            question: a.question.clone(),
            answer: a.answer.clone(),
        })
        .collect();
    serde_json::to_string(&stored).unwrap_or_default()
}

pub(crate) fn answers_from_text(s: &str) -> Result<Vec<Answer>> {
    let stored: Vec<StoredAnswer> = serde_json::from_str(s).map_err(TrainingError::corrupt)?;
    Ok(stored
        .into_iter()
        .map(|a| Answer {
            question: a.question,
            answer: a.answer,
        })
        .collect())
}

pub(crate) fn attachments_to_text(attachments: &[Attachment]) -> String {
    let stored: Vec<StoredAttachment> = attachments
        .iter()
        .map(|a| StoredAttachment {
            name: a.name.clone(),
            content_type: a.content_type.clone(),
            size_bytes: a.size_bytes,
            sha256: a.sha256.clone(),
        })
        .collect();
    serde_json::to_string(&stored).unwrap_or_default()
}

pub(crate) fn attachments_from_text(s: &str) -> Result<Vec<Attachment>> {
    let stored: Vec<StoredAttachment> = serde_json::from_str(s).map_err(TrainingError::corrupt)?;
    Ok(stored
        .into_iter()
        .map(|a| Attachment {
            name: a.name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
        })
        .collect())
}

pub(crate) fn state_of(s: &str) -> Result<ApplicationState> {
    ApplicationState::parse(s).map_err(TrainingError::corrupt)
}

pub(crate) fn version_of(v: i64) -> Result<Version> {
    Version::parse(v).map_err(TrainingError::corrupt)
}

pub(crate) fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

pub(crate) fn eligibility_of(e: &edition::Model) -> Result<Eligibility> {
    let grade = |g: Option<i32>| g.and_then(|g| u8::try_from(g).ok());
    Ok(Eligibility {
        applicant_kinds: split(&e.applicant_kinds)
            .iter()
            .map(|k| ApplicantKind::parse(k).map_err(TrainingError::corrupt))
            .collect::<Result<_>>()?,
        organisation_types: split(&e.organisation_types)
            .iter()
            .map(|k| OrganisationType::parse(k).map_err(TrainingError::corrupt))
            .collect::<Result<_>>()?,
        nationality: NationalityRule::parse(&e.nationality).map_err(TrainingError::corrupt)?,
        min_grade: grade(e.min_grade),
        max_grade: grade(e.max_grade),
    })
}

pub(crate) fn languages_of(e: &edition::Model) -> Result<Vec<LanguageCode>> {
    split(&e.languages)
        .iter()
        .map(|l| LanguageCode::parse(l).map_err(TrainingError::corrupt))
        .collect()
}

pub(crate) fn divisions_of(e: &edition::Model) -> Result<Vec<LanguageCode>> {
    split(&e.divisions)
        .iter()
        .map(|l| LanguageCode::parse(l).map_err(TrainingError::corrupt))
        .collect()
}

pub(crate) fn cut_of(s: &review_stage::Model) -> Result<CutRule> {
    let kind = match s.cut_kind.as_str() {
        "NONE" => CutKind::None,
        "TOP_N" => CutKind::TopN,
        "THRESHOLD" => CutKind::Threshold,
        other => return Err(TrainingError::corrupt(format!("cut kind {other}"))),
    };
    CutRule::parse(Some(kind), u32::try_from(s.cut_value).unwrap_or(0))
        .map_err(TrainingError::corrupt)
}

pub(crate) fn cut_kind_text(c: CutRule) -> &'static str {
    match c.kind() {
        CutKind::None => "NONE",
        CutKind::TopN => "TOP_N",
        CutKind::Threshold => "THRESHOLD",
    }
}

pub(crate) fn summary_of(p: &programme::Model) -> Result<ProgrammeSummary> {
    Ok(ProgrammeSummary {
        id: ProgrammeId::from(p.id),
        kind: ProgrammeKind::parse(&p.kind).map_err(TrainingError::corrupt)?,
        title: LocalizedText {
            ko: p.title_ko.clone(),
            en: p.title_en.clone(),
            zh: p.title_zh.clone(),
            ja: p.title_ja.clone(),
        },
    })
}

/// A stored payment as the service answers it.
pub(crate) fn payment_of(p: stipend_payment::Model) -> Result<StipendPayment> {
    Ok(StipendPayment {
        id: PaymentId::from(p.id),
        application_id: ApplicationId::from(p.application_id),
        payer: Payer::parse(&p.payer).map_err(TrainingError::corrupt)?,
        period: count(p.period),
        period_start: p.period_start,
        period_end: p.period_end,
        days_present: count(p.days_present),
        days_in_period: count(p.days_in_period),
        amount: Money::new(p.amount_minor, &p.currency).map_err(TrainingError::corrupt)?,
        state: PaymentState::parse(&p.state).map_err(TrainingError::corrupt)?,
        note: p.note,
        version: version_of(p.version)?,
    })
}

/// A stored edition, with what the caller may see of its related rows.
pub(crate) fn edition_of(
    e: edition::Model,
    programme: ProgrammeSummary,
    stages: Vec<ReviewStage>,
    waitlisted_count: u32,
    sessions: Vec<Session>,
) -> Result<Edition> {
    Ok(Edition {
        id: EditionId::from(e.id),
        programme,
        eligibility: eligibility_of(&e)?,
        cost_policy: policy_from_text(&e.cost_policy)?,
        languages: split(&e.languages),
        divisions: split(&e.divisions),
        host_codes: split(&e.host_codes),
        stages,
        waitlisted_count,
        sessions,
        version: version_of(e.version)?,
        term: e.term,
        starts_on: e.starts_on,
        ends_on: e.ends_on,
        applications_open_on: e.applications_open_on,
        applications_close_on: e.applications_close_on,
        capacity: count(e.capacity),
        accepted_count: count(e.accepted_count),
        published: e.published,
    })
}

/// A stored session, with the attendance the caller may see.
pub(crate) fn session_of(s: session::Model, attendance: Vec<AttendanceRecord>) -> Result<Session> {
    Ok(Session {
        id: SessionId::from(s.id),
        edition_id: EditionId::from(s.edition_id),
        kind: SessionKind::parse(&s.kind).map_err(TrainingError::corrupt)?,
        attendance,
        title: s.title,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        location: s.location,
    })
}

/// A stored programme, with the editions the caller may see.
pub(crate) fn programme_of(p: programme::Model, editions: Vec<Edition>) -> Result<Programme> {
    let summary = summary_of(&p)?;
    Ok(Programme {
        id: summary.id,
        kind: summary.kind,
        title: summary.title,
        description: LocalizedText {
            ko: p.description_ko,
            en: p.description_en,
            zh: p.description_zh,
            ja: p.description_ja,
        },
        published: p.published,
        editions,
        period: glocal_kit::domain::period::PeriodRule::from_stored(p.period.as_deref())
            .map_err(TrainingError::corrupt)?,
        version: version_of(p.version)?,
        created_at: p.created_at,
    })
}

/// What the eligibility rules need to know about a stored edition.
pub(crate) fn facts_of<'a>(
    e: &edition::Model,
    eligibility: &'a Eligibility,
    languages: &'a [LanguageCode],
) -> EditionFacts<'a> {
    EditionFacts {
        published: e.published,
        open_on: e.applications_open_on,
        close_on: e.applications_close_on,
        eligibility,
        languages,
    }
}

/// A stored application's applicant profile.
pub(crate) fn profile_of(row: &application::Model) -> Result<ApplicantProfile> {
    ProfileDraft {
        kind: Some(ApplicantKind::parse(&row.applicant_kind).map_err(TrainingError::corrupt)?),
        full_name: row.full_name.clone(),
        nationality: row.nationality.clone(),
        organisation_type: Some(
            OrganisationType::parse(&row.organisation_type).map_err(TrainingError::corrupt)?,
        ),
        organisation: row.organisation.clone(),
        grade: row.grade.and_then(|g| u32::try_from(g).ok()).unwrap_or(0),
        languages: split(&row.languages),
    }
    .parse()
    .map_err(TrainingError::corrupt)
}

/// A stored audit row: the id of its aggregate and the entry.
pub(crate) fn history_entry_of(h: history::Model) -> Result<(Uuid, HistoryEntry)> {
    let parse = |s: Option<&str>| s.map(state_of).transpose();
    Ok((
        h.aggregate_id,
        HistoryEntry {
            from_state: parse(h.from_state.as_deref())?,
            to_state: parse(h.to_state.as_deref())?,
            action: h.action,
            actor_subject: h.actor_subject,
            actor_name: h.actor_name,
            at: h.at,
            note: h.note,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_policies_round_trip() {
        let policy = CostPolicy {
            shares: vec![
                CostShare {
                    payer: Payer::HostLocalGovernment,
                    item: CostItem::LivingExpenses,
                    amount: Money::new(400_000, "KRW").unwrap(),
                    frequency: CostFrequency::Monthly,
                },
                CostShare {
                    payer: Payer::Association,
                    item: CostItem::Insurance,
                    amount: Money::new(300_000, "KRW").unwrap(),
                    frequency: CostFrequency::OneOff,
                },
            ],
            notes: vec![CostNote {
                payer: Payer::Association,
                item: "insurance".into(),
            }],
        };
        let text = policy_to_text(&policy);
        assert_eq!(policy_from_text(&text).unwrap(), policy);
        // The release before reads the living expenses as its stipend lines.
        let old: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(old["stipends"][0]["amount_minor"], 400_000);
        assert_eq!(old["stipends"].as_array().unwrap().len(), 1);
        assert!(policy_from_text("{").is_err());
        // A row stored before cost shares stays readable: stipends become monthly
        // living-expense shares, free-text costs notes.
        let stored = r#"{"stipends":[{"payer":"ASSOCIATION","amount_minor":400000,"currency":"KRW"}],
            "costs":[{"payer":"HOST_LOCAL_GOVERNMENT","item":"accommodation"}]}"#;
        let old = policy_from_text(stored).unwrap();
        assert_eq!(old.shares.len(), 1);
        assert_eq!(
            (old.shares[0].item, old.shares[0].frequency),
            (CostItem::LivingExpenses, CostFrequency::Monthly)
        );
        assert_eq!(old.stipends()[0].monthly.amount_minor(), 400_000);
        assert_eq!(old.notes[0].item, "accommodation");
        assert_eq!(split(&join(&["en", "ko"])), ["en", "ko"]);
        assert!(split("").is_empty());
    }
}
