//! Practices: their rows (content with the columns derived from it for filters, facets and
//! search), content versions, audit trail and full-text documents.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DerivePartialModel, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::Result;
use super::entities::{join_list, practice, practice_history, practice_version};
use super::search::{self, EnglishDoc};
use crate::domain::{
    Lang, LocalizedText, Practice, PracticeContent, PracticeHistoryEntry, PracticeId,
    PracticeState, PracticeVersionInfo, Revision,
};
use crate::error::ResearchError;

/// A stored practice: its view (current version, whole content) and what the workflow needs
/// beyond it.
#[derive(Debug, Clone)]
pub(crate) struct PracticeRecord {
    /// The practice, its content not withheld.
    pub(crate) practice: Practice,
    /// It was published at some point.
    pub(crate) was_published: bool,
}

/// A content version with its content.
pub(crate) struct StoredVersion {
    /// The version.
    pub(crate) info: PracticeVersionInfo,
    content: String,
}

impl StoredVersion {
    /// The version's content.
    pub(crate) fn content(&self) -> Result<PracticeContent> {
        serde_json::from_str(&self.content).map_err(ResearchError::corrupt)
    }
}

/// One step of a practice's audit trail.
pub(crate) struct Step<'a> {
    /// `draft`, `edit`, `submit`, …
    pub(crate) action: &'a str,
    /// State before (`None` for the draft itself).
    pub(crate) from: Option<PracticeState>,
    /// State after.
    pub(crate) to: PracticeState,
    /// Note or reason.
    pub(crate) note: &'a str,
    /// Content version acted on.
    pub(crate) version: i32,
}

/// Who changes a practice.
pub(crate) struct Editor<'a> {
    /// Subject.
    pub(crate) subject: &'a str,
    /// Name.
    pub(crate) name: &'a str,
}

/// A content edit: the new content and where it leaves the practice.
pub(crate) struct ContentChange<'a> {
    /// Approval after the edit.
    pub(crate) approved: bool,
    /// The content version it is now.
    pub(crate) version: i32,
    /// When.
    pub(crate) at: DateTime<Utc>,
    /// The content.
    pub(crate) content: &'a PracticeContent,
}

/// What else a workflow step marks besides state and approval.
pub(crate) enum Milestone {
    /// Nothing.
    None,
    /// Published (listed now when it is the first time).
    Published {
        /// Never published before.
        first_time: bool,
    },
    /// Withdrawn, with a reason.
    Withdrawn {
        /// Why.
        reason: String,
    },
}

/// A workflow step's change to the row.
pub(crate) struct StageChange {
    /// State after.
    pub(crate) state: PracticeState,
    /// Approval after.
    pub(crate) approved: bool,
    /// When.
    pub(crate) at: DateTime<Utc>,
    /// Publication or withdrawal.
    pub(crate) milestone: Milestone,
}

fn parse_state(s: &str) -> Result<PracticeState> {
    PracticeState::parse(s).map_err(ResearchError::corrupt)
}

/// What a read of a practice takes from its row: everything but the columns derived from
/// its content for filters, facets and search (the search documents alone are about a third of
/// a row, and no read shows them).
#[derive(DerivePartialModel)]
#[sea_orm(entity = "practice::Entity")]
struct PracticeRow {
    id: String,
    state: String,
    approved: bool,
    was_published: bool,
    version: i32,
    revision: i64,
    content: String,
    author_subject: String,
    author_name: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
    withdrawn_at: Option<DateTime<Utc>>,
    withdrawal_reason: Option<String>,
    origin: Option<String>,
}

fn record(row: PracticeRow) -> Result<PracticeRecord> {
    let content: PracticeContent =
        serde_json::from_str(&row.content).map_err(ResearchError::corrupt)?;
    Ok(PracticeRecord {
        was_published: row.was_published,
        practice: Practice {
            id: PracticeId::parse(&row.id, "id").map_err(ResearchError::corrupt)?,
            version: row.version,
            latest_version: row.version,
            revision: Revision::parse(row.revision).map_err(ResearchError::corrupt)?,
            state: parse_state(&row.state)?,
            approved: row.approved,
            tombstone: false,
            content,
            author_subject: row.author_subject,
            author_name: row.author_name,
            created_at: row.created_at,
            updated_at: row.updated_at,
            published_at: row.published_at,
            withdrawn_at: row.withdrawn_at,
            withdrawal_reason: row.withdrawal_reason,
            origin: row.origin,
            history: Vec::new(),
            versions: Vec::new(),
        },
    })
}

/// The practice, if it exists.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    id: PracticeId,
) -> Result<Option<PracticeRecord>> {
    practice::Entity::find()
        .filter(practice::Column::Id.eq(id.to_key()))
        .into_partial_model::<PracticeRow>()
        .one(db)
        .await?
        .map(record)
        .transpose()
}

/// The practices with these keys that exist, in no particular order.
pub(crate) async fn find_many(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<Vec<PracticeRecord>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    practice::Entity::find()
        .filter(practice::Column::Id.is_in(keys.to_vec()))
        .into_partial_model::<PracticeRow>()
        .all(db)
        .await?
        .into_iter()
        .map(record)
        .collect()
}

/// Columns of `practice` derived from its content: filters, facets and search documents.
fn content_columns(m: &mut practice::ActiveModel, c: &PracticeContent) -> Result<()> {
    let en = |t: &LocalizedText| t.get(Lang::En).to_owned();
    let langs = c.languages();
    m.content = Set(serde_json::to_string(c).map_err(ResearchError::corrupt)?);
    m.original_language = Set(c.original_language().as_str().to_owned());
    m.area_code = Set(c.area_code().to_owned());
    m.country = Set(c.country().to_owned());
    m.year = Set(c.year());
    m.local_government_code = Set(c.local_government_code.clone().unwrap_or_default());
    m.source_organisation_id = Set(c.source_organisation_id.clone().unwrap_or_default());
    m.tags = Set(join_list(c.tags()));
    m.has_ko = Set(langs.contains(&Lang::Ko));
    m.has_en = Set(langs.contains(&Lang::En));
    m.has_zh = Set(langs.contains(&Lang::Zh));
    m.has_ja = Set(langs.contains(&Lang::Ja));
    m.doc_title = Set(c.title().joined());
    m.doc_summary = Set(c.summary().joined());
    m.doc_body = Set(c.body().joined());
    m.doc_all = Set(doc_all(c));
    m.doc_en = Set([en(c.title()), en(c.summary()), en(c.body())].join("\n"));
    Ok(())
}

fn doc_all(c: &PracticeContent) -> String {
    [c.title().joined(), c.summary().joined(), c.body().joined()].join("\n")
}

/// Inserts a new draft (version 1, first revision).
pub(crate) async fn insert_draft(
    db: &impl ConnectionTrait,
    id: PracticeId,
    content: &PracticeContent,
    author: &Editor<'_>,
    at: DateTime<Utc>,
) -> Result<()> {
    let mut row = practice::ActiveModel {
        id: Set(id.to_key()),
        state: Set(PracticeState::Draft.as_str().to_owned()),
        approved: Set(false),
        was_published: Set(false),
        version: Set(1),
        revision: Set(Revision::FIRST.get()),
        author_subject: Set(author.subject.to_owned()),
        author_name: Set(author.name.to_owned()),
        created_at: Set(at),
        updated_at: Set(at),
        listed_at: Set(at),
        published_at: Set(None),
        withdrawn_at: Set(None),
        withdrawal_reason: Set(None),
        ..Default::default()
    };
    content_columns(&mut row, content)?;
    practice::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The practice drafted from `origin`, if any.
pub(crate) async fn find_by_origin(
    db: &impl ConnectionTrait,
    origin: &str,
) -> Result<Option<PracticeId>> {
    practice::Entity::find()
        .filter(practice::Column::Origin.eq(origin))
        .one(db)
        .await?
        .map(|row| PracticeId::parse(&row.id, "id").map_err(ResearchError::corrupt))
        .transpose()
}

/// Records where a new draft came from; a second practice of the same origin violates the
/// unique index.
pub(crate) async fn set_origin(
    db: &impl ConnectionTrait,
    id: PracticeId,
    origin: &str,
) -> Result<()> {
    practice::Entity::update_many()
        .col_expr(practice::Column::Origin, Expr::value(origin))
        .filter(practice::Column::Id.eq(id.to_key()))
        .exec(db)
        .await?;
    Ok(())
}

/// Adds a content version.
pub(crate) async fn insert_version(
    db: &impl ConnectionTrait,
    practice_key: &str,
    version: i32,
    content: &PracticeContent,
    editor: &Editor<'_>,
    note: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    practice_version::Entity::insert(practice_version::ActiveModel {
        practice_id: Set(practice_key.to_owned()),
        version: Set(version),
        content: Set(serde_json::to_string(content).map_err(ResearchError::corrupt)?),
        editor_subject: Set(editor.subject.to_owned()),
        note: Set(note.to_owned()),
        created_at: Set(at),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Replaces the content of a version in place (a draft's edit).
pub(crate) async fn rewrite_version(
    db: &impl ConnectionTrait,
    practice_key: &str,
    version: i32,
    content: &PracticeContent,
    editor: &Editor<'_>,
    note: &str,
) -> Result<()> {
    practice_version::Entity::update_many()
        .col_expr(
            practice_version::Column::Content,
            Expr::value(serde_json::to_string(content).map_err(ResearchError::corrupt)?),
        )
        .col_expr(practice_version::Column::Note, Expr::value(note.to_owned()))
        .col_expr(
            practice_version::Column::EditorSubject,
            Expr::value(editor.subject.to_owned()),
        )
        .filter(practice_version::Column::PracticeId.eq(practice_key.to_owned()))
        .filter(practice_version::Column::Version.eq(version))
        .exec(db)
        .await?;
    Ok(())
}

/// Appends a step to the audit trail.
pub(crate) async fn insert_history(
    db: &impl ConnectionTrait,
    practice_key: &str,
    step: Step<'_>,
    actor: &Editor<'_>,
    at: DateTime<Utc>,
) -> Result<()> {
    practice_history::Entity::insert(practice_history::ActiveModel {
        practice_id: Set(practice_key.to_owned()),
        action: Set(step.action.to_owned()),
        from_state: Set(step.from.map(|s| s.as_str().to_owned())),
        to_state: Set(step.to.as_str().to_owned()),
        actor_subject: Set(actor.subject.to_owned()),
        actor_name: Set(actor.name.to_owned()),
        at: Set(at),
        note: Set(step.note.to_owned()),
        version: Set(step.version),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Writes the content change only when the stored revision is still `revision`.
pub(crate) async fn update_content_if(
    db: &impl ConnectionTrait,
    practice_key: &str,
    revision: i64,
    change: &ContentChange<'_>,
) -> Result<()> {
    let mut set = practice::ActiveModel {
        approved: Set(change.approved),
        version: Set(change.version),
        updated_at: Set(change.at),
        ..Default::default()
    };
    content_columns(&mut set, change.content)?;
    update_if(db, practice_key, revision, set).await
}

/// Writes the workflow step only when the stored revision is still `revision`.
pub(crate) async fn update_stage_if(
    db: &impl ConnectionTrait,
    practice_key: &str,
    revision: i64,
    change: StageChange,
) -> Result<()> {
    let mut set = practice::ActiveModel {
        state: Set(change.state.as_str().to_owned()),
        approved: Set(change.approved),
        updated_at: Set(change.at),
        ..Default::default()
    };
    match change.milestone {
        Milestone::Published { first_time } => {
            set.published_at = Set(Some(change.at));
            set.was_published = Set(true);
            if first_time {
                set.listed_at = Set(change.at);
            }
        }
        Milestone::Withdrawn { reason } => {
            set.withdrawn_at = Set(Some(change.at));
            set.withdrawal_reason = Set(Some(reason));
        }
        Milestone::None => {}
    }
    update_if(db, practice_key, revision, set).await
}

/// Writes `set` only when the stored revision is still `revision`; the stored revision goes
/// up by one. A lost race is a stale revision, and nothing is written.
async fn update_if(
    db: &impl ConnectionTrait,
    practice_key: &str,
    revision: i64,
    mut set: practice::ActiveModel,
) -> Result<()> {
    set.revision = Set(revision + 1);
    let result = practice::Entity::update_many()
        .set(set)
        .filter(practice::Column::Id.eq(practice_key.to_owned()))
        .filter(practice::Column::Revision.eq(revision))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        let current = practice::Entity::find()
            .filter(practice::Column::Id.eq(practice_key.to_owned()))
            .one(db)
            .await?
            .map_or(revision, |r| r.revision);
        return Err(ResearchError::StaleRevision {
            seen: Revision::parse(revision).map_err(ResearchError::corrupt)?,
            current,
        });
    }
    Ok(())
}

/// Every content version, oldest first.
pub(crate) async fn versions(
    db: &impl ConnectionTrait,
    practice_key: &str,
) -> Result<Vec<StoredVersion>> {
    Ok(practice_version::Entity::find()
        .filter(practice_version::Column::PracticeId.eq(practice_key.to_owned()))
        .order_by_asc(practice_version::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(|v| StoredVersion {
            info: PracticeVersionInfo {
                version: v.version,
                created_at: v.created_at,
                editor_subject: v.editor_subject,
                note: v.note,
            },
            content: v.content,
        })
        .collect())
}

/// The audit trail, oldest first.
pub(crate) async fn history(
    db: &impl ConnectionTrait,
    practice_key: &str,
) -> Result<Vec<PracticeHistoryEntry>> {
    practice_history::Entity::find()
        .filter(practice_history::Column::PracticeId.eq(practice_key.to_owned()))
        .order_by_asc(practice_history::Column::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(|h| {
            Ok(PracticeHistoryEntry {
                from_state: h.from_state.as_deref().map(parse_state).transpose()?,
                to_state: parse_state(&h.to_state)?,
                action: h.action,
                actor_subject: h.actor_subject,
                actor_name: h.actor_name,
                at: h.at,
                note: h.note,
                version: h.version,
            })
        })
        .collect()
}

/// Keeps the full-text documents in step with the practice's current content.
pub(crate) async fn reindex(
    db: &impl ConnectionTrait,
    practice_key: &str,
    content: &PracticeContent,
) -> Result<()> {
    let en = EnglishDoc {
        title: content.title().get(Lang::En),
        summary: content.summary().get(Lang::En),
        body: content.body().get(Lang::En),
    };
    search::reindex(db, practice_key, &doc_all(content), &en).await?;
    Ok(())
}
