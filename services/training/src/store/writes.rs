//! The writes of the service's operations: each takes domain values and stores them (with
//! its audit row where the caller asks for one), so the service never builds a row.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use glocal_kit::audit::AuditEntry;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr};
use uuid::Uuid;

use super::codec::{answers_to_text, attachments_to_text, cut_kind_text, join, policy_to_text};
use super::entities::{
    application, attendance, certificate, edition, programme, review, review_stage, session,
    stage_reviewer, stipend_payment,
};
use super::queries;
use crate::domain::{
    ApplicationState, AttendanceStatus, LanguageCode, NewApplication, NewEdition, NewProgramme,
    NewSession, PaymentState, PlannedPayment, RelationshipStanding, Version,
};

/// One audit row: who did what to which aggregate, and the state before and after.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Audit<'a> {
    /// `programme`, `edition`, `application`, `session`, `payment`.
    pub aggregate_type: &'a str,
    /// The aggregate's id.
    pub id: Uuid,
    /// What happened.
    pub action: &'a str,
    /// State before.
    pub from: Option<&'a str>,
    /// State after.
    pub to: Option<&'a str>,
    /// Who.
    pub actor_subject: &'a str,
    /// Their name.
    pub actor_name: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// Note.
    pub note: &'a str,
}

/// Stores an audit row in `history` (kit's audit row shape).
pub(crate) async fn insert_history(db: &impl ConnectionTrait, a: Audit<'_>) -> Result<(), DbErr> {
    let entry = AuditEntry {
        aggregate_type: a.aggregate_type.to_owned(),
        aggregate_id: a.id.into(),
        action: a.action.to_owned(),
        from_state: a.from.map(str::to_owned),
        to_state: a.to.map(str::to_owned),
        actor_subject: a.actor_subject.to_owned(),
        actor_name: a.actor_name.to_owned(),
        at: a.at,
        note: a.note.to_owned(),
    };
    glocal_kit::audit::insert(db, "history", &entry).await
}

/// Stores a new programme at version 1.
pub(crate) async fn insert_programme(
    db: &impl ConnectionTrait,
    id: Uuid,
    new: &NewProgramme,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    queries::insert(
        db,
        programme::ActiveModel {
            id: Set(id),
            kind: Set(new.kind.as_str().to_owned()),
            title_ko: Set(new.title.ko.clone()),
            title_en: Set(new.title.en.clone()),
            title_zh: Set(new.title.zh.clone()),
            title_ja: Set(new.title.ja.clone()),
            description_ko: Set(new.description.ko.clone()),
            description_en: Set(new.description.en.clone()),
            description_zh: Set(new.description.zh.clone()),
            description_ja: Set(new.description.ja.clone()),
            published: Set(new.published),
            created_by: Set(created_by.to_owned()),
            idempotency_key: Set(new.idempotency_key.as_str().to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(Version::FIRST.get()),
            period: Set(new.period.map(|p| p.to_stored())),
            ..Default::default()
        },
    )
    .await
}

/// Stores a new edition at version 1 with its review stages and their reviewers.
pub(crate) async fn insert_edition(
    db: &impl ConnectionTrait,
    id: Uuid,
    new: &NewEdition,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let kinds: Vec<&str> = new
        .eligibility
        .applicant_kinds
        .iter()
        .map(|k| k.as_str())
        .collect();
    let types: Vec<&str> = new
        .eligibility
        .organisation_types
        .iter()
        .map(|t| t.as_str())
        .collect();
    let langs: Vec<&str> = new.languages.iter().map(LanguageCode::as_str).collect();
    let hosts: Vec<&str> = new.host_codes.iter().map(|h| h.as_str()).collect();
    let divisions: Vec<&str> = new.divisions.iter().map(LanguageCode::as_str).collect();
    queries::insert(
        db,
        edition::ActiveModel {
            id: Set(id),
            programme_id: Set(new.programme_id.as_uuid()),
            term: Set(new.term.as_str().to_owned()),
            starts_on: Set(new.starts_on),
            ends_on: Set(new.ends_on),
            applications_open_on: Set(new.applications_open_on),
            applications_close_on: Set(new.applications_close_on),
            capacity: Set(i32::try_from(new.capacity).unwrap_or(i32::MAX)),
            accepted_count: Set(0),
            languages: Set(join(&langs)),
            divisions: Set(join(&divisions)),
            applicant_kinds: Set(join(&kinds)),
            organisation_types: Set(join(&types)),
            nationality: Set(new.eligibility.nationality.as_str().to_owned()),
            min_grade: Set(new.eligibility.min_grade.map(i32::from)),
            max_grade: Set(new.eligibility.max_grade.map(i32::from)),
            cost_policy: Set(policy_to_text(&new.cost_policy)),
            host_codes: Set(join(&hosts)),
            published: Set(new.published),
            created_by: Set(created_by.to_owned()),
            idempotency_key: Set(new.idempotency_key.as_str().to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(Version::FIRST.get()),
            ..Default::default()
        },
    )
    .await?;
    for stage in &new.stages {
        let number = i32::try_from(stage.number).unwrap_or(i32::MAX);
        queries::insert(
            db,
            review_stage::ActiveModel {
                edition_id: Set(id),
                number: Set(number),
                name: Set(stage.name.clone()),
                cut_kind: Set(cut_kind_text(stage.cut).to_owned()),
                cut_value: Set(i32::try_from(stage.cut.value()).unwrap_or(i32::MAX)),
                blind: Set(stage.blind),
                ..Default::default()
            },
        )
        .await?;
        for r in &stage.reviewers {
            queries::insert(
                db,
                stage_reviewer::ActiveModel {
                    edition_id: Set(id),
                    stage: Set(number),
                    reviewer_subject: Set(r.clone()),
                    division: Set(None),
                    ..Default::default()
                },
            )
            .await?;
        }
        for r in &stage.division_reviewers {
            queries::insert(
                db,
                stage_reviewer::ActiveModel {
                    edition_id: Set(id),
                    stage: Set(number),
                    reviewer_subject: Set(r.subject.clone()),
                    division: Set(Some(r.division.as_str().to_owned())),
                    ..Default::default()
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// Publishes an edition if it is still at `version`; false when someone changed it first.
pub(crate) async fn publish_edition_if_version(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let set = edition::ActiveModel {
        published: Set(true),
        updated_at: Set(now),
        ..Default::default()
    };
    queries::update_edition_if_version(db, id, version, set).await
}

/// Who applies, as stored with a new application.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Applicant<'a> {
    /// Their subject.
    pub subject: &'a str,
    /// Their name.
    pub name: &'a str,
    /// Their local government's code.
    pub org: &'a str,
}

/// Stores a new application at version 1 in `state` (DRAFT or SUBMITTED), holding the
/// edition's one-active-application key `key`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_application(
    db: &impl ConnectionTrait,
    id: Uuid,
    new: &NewApplication,
    state: ApplicationState,
    applicant: Applicant<'_>,
    key: &str,
    now: DateTime<Utc>,
    relationship: Option<RelationshipStanding>,
) -> Result<(), DbErr> {
    let (subject, org) = (applicant.subject, applicant.org);
    let p = &new.profile;
    let langs: Vec<&str> = p.languages.iter().map(LanguageCode::as_str).collect();
    queries::insert(
        db,
        application::ActiveModel {
            id: Set(id),
            edition_id: Set(new.edition_id.as_uuid()),
            applicant_kind: Set(p.kind.as_str().to_owned()),
            applicant_subject: Set(subject.to_owned()),
            applicant_name: Set(applicant.name.to_owned()),
            org_code: Set(org.to_owned()),
            full_name: Set(p.full_name.as_str().to_owned()),
            nationality: Set(p.nationality.as_str().to_owned()),
            organisation_type: Set(p.organisation_type.as_str().to_owned()),
            organisation: Set(p.organisation.clone()),
            grade: Set(p.grade.map(|g| i32::from(g.get()))),
            languages: Set(join(&langs)),
            division: Set(new.division.as_ref().map(|d| d.as_str().to_owned())),
            partner_organisation_id: Set(new.partner_organisation_id.clone()),
            relationship: Set(relationship.map(|r| r.as_str().to_owned())),
            answers: Set(answers_to_text(&new.answers)),
            attachments: Set(attachments_to_text(&new.attachments)),
            state: Set(state.as_str().to_owned()),
            current_stage: Set(0),
            active_key: Set(Some(key.to_owned())),
            idempotency_key: Set(new.idempotency_key.as_str().to_owned()),
            decision_note: Set(String::new()),
            host_code: Set(None),
            mentor: Set(None),
            joined_on: Set(None),
            left_on: Set(None),
            waitlisted_at: Set(None),
            submitted_at: Set((!new.as_draft).then_some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(Version::FIRST.get()),
            ..Default::default()
        },
    )
    .await
}

/// The columns a change of an application sets besides its state; `None` keeps a column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ApplicationChange {
    /// The 1-based review stage.
    pub current_stage: Option<i32>,
    /// The decision's or screening's note.
    pub decision_note: Option<String>,
    /// When it was submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When it joined the waitlist (`Some(None)` clears it).
    pub waitlisted_at: Option<Option<DateTime<Utc>>>,
    /// Host local government's code.
    pub host_code: Option<String>,
    /// Mentor.
    pub mentor: Option<String>,
    /// First day present.
    pub joined_on: Option<NaiveDate>,
    /// Last day present.
    pub left_on: Option<NaiveDate>,
    /// Where it stands on the fellowship's relationship rule.
    pub relationship: Option<RelationshipStanding>,
}

/// Moves an application to `to` with `change`, if it is still at `version`; a terminal state
/// frees its one-active-application key. False when someone changed it first.
pub(crate) async fn change_application_if_version(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    to: ApplicationState,
    now: DateTime<Utc>,
    change: &ApplicationChange,
) -> Result<bool, DbErr> {
    let mut set = application::ActiveModel {
        state: Set(to.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    if to.is_terminal() {
        set.active_key = Set(None);
    }
    if let Some(s) = change.current_stage {
        set.current_stage = Set(s);
    }
    if let Some(n) = &change.decision_note {
        set.decision_note = Set(n.clone());
    }
    if let Some(at) = change.submitted_at {
        set.submitted_at = Set(Some(at));
    }
    if let Some(at) = change.waitlisted_at {
        set.waitlisted_at = Set(at);
    }
    if let Some(h) = &change.host_code {
        set.host_code = Set(Some(h.clone()));
    }
    if let Some(m) = &change.mentor {
        set.mentor = Set(Some(m.clone()));
    }
    if let Some(d) = change.joined_on {
        set.joined_on = Set(Some(d));
    }
    if let Some(d) = change.left_on {
        set.left_on = Set(Some(d));
    }
    if let Some(r) = change.relationship {
        set.relationship = Set(Some(r.as_str().to_owned()));
    }
    queries::update_application_if_version(db, id, version, set).await
}

/// A reviewer's score of an application at a stage.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewReview<'a> {
    /// The application.
    pub application_id: Uuid,
    /// The stage.
    pub stage: i32,
    /// The reviewer.
    pub reviewer_subject: &'a str,
    /// Their name.
    pub reviewer_name: &'a str,
    /// 0..=100.
    pub score: u8,
    /// Comment.
    pub comment: &'a str,
    /// When.
    pub at: DateTime<Utc>,
}

/// Stores a review, replacing the reviewer's earlier one at the same stage.
pub(crate) async fn record_review(
    db: &impl ConnectionTrait,
    r: NewReview<'_>,
) -> Result<(), DbErr> {
    queries::upsert_review(
        db,
        review::ActiveModel {
            application_id: Set(r.application_id),
            stage: Set(r.stage),
            reviewer_subject: Set(r.reviewer_subject.to_owned()),
            reviewer_name: Set(r.reviewer_name.to_owned()),
            score: Set(i32::from(r.score)),
            comment: Set(r.comment.to_owned()),
            at: Set(r.at),
            ..Default::default()
        },
    )
    .await
}

/// Stores a new session of `edition_id`.
pub(crate) async fn insert_session(
    db: &impl ConnectionTrait,
    id: Uuid,
    edition_id: Uuid,
    new: &NewSession,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    queries::insert(
        db,
        session::ActiveModel {
            id: Set(id),
            edition_id: Set(edition_id),
            kind: Set(new.kind.as_str().to_owned()),
            title: Set(new.title.as_str().to_owned()),
            starts_at: Set(new.starts_at.trunc_subsecs(6)),
            ends_at: Set(new.ends_at.trunc_subsecs(6)),
            location: Set(new.location.as_str().to_owned()),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await
}

/// Stores a participant's attendance at a session, replacing an earlier record.
pub(crate) async fn record_attendance(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    application_id: Uuid,
    status: AttendanceStatus,
    note: &str,
    recorded_by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    queries::upsert_attendance(
        db,
        attendance::ActiveModel {
            session_id: Set(session_id),
            application_id: Set(application_id),
            status: Set(status.as_str().to_owned()),
            note: Set(note.to_owned()),
            recorded_by: Set(recorded_by.to_owned()),
            recorded_at: Set(now),
            ..Default::default()
        },
    )
    .await
}

/// Stores a planned stipend payment, SCHEDULED at version 1.
pub(crate) async fn insert_payment(
    db: &impl ConnectionTrait,
    application_id: Uuid,
    p: PlannedPayment,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    queries::insert(
        db,
        stipend_payment::ActiveModel {
            id: Set(Uuid::new_v4()),
            application_id: Set(application_id),
            payer: Set(p.payer.as_str().to_owned()),
            period: Set(i32::try_from(p.period.number).unwrap_or(i32::MAX)),
            period_start: Set(p.period.start),
            period_end: Set(p.period.end),
            days_present: Set(i32::try_from(p.days_present).unwrap_or(0)),
            days_in_period: Set(i32::try_from(p.period.full_days).unwrap_or(0)),
            amount_minor: Set(p.amount_minor),
            currency: Set(p.currency),
            state: Set(PaymentState::Scheduled.as_str().to_owned()),
            note: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(Version::FIRST.get()),
            ..Default::default()
        },
    )
    .await
}

/// Moves a payment to `to` with `note`, if it is still at `version`; false when someone
/// changed it first.
pub(crate) async fn change_payment_if_version(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    to: PaymentState,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let set = stipend_payment::ActiveModel {
        state: Set(to.as_str().to_owned()),
        note: Set(note.to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    queries::update_payment_if_version(db, id, version, set).await
}

/// An issued certificate, as stored.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewCertificate<'a> {
    /// Verification code.
    pub code: &'a str,
    /// The participant's application.
    pub application_id: Uuid,
    /// Its edition.
    pub edition_id: Uuid,
    /// The participant's name.
    pub holder_name: &'a str,
    /// Who issued it.
    pub issued_by: &'a str,
    /// When (the issue date is its day).
    pub at: DateTime<Utc>,
}

/// Stores an issued certificate.
pub(crate) async fn insert_certificate(
    db: &impl ConnectionTrait,
    c: NewCertificate<'_>,
) -> Result<(), DbErr> {
    queries::insert(
        db,
        certificate::ActiveModel {
            code: Set(c.code.to_owned()),
            application_id: Set(c.application_id),
            edition_id: Set(c.edition_id),
            holder_name: Set(c.holder_name.to_owned()),
            issued_on: Set(c.at.date_naive()),
            issued_by: Set(c.issued_by.to_owned()),
            created_at: Set(c.at),
            ..Default::default()
        },
    )
    .await
}
