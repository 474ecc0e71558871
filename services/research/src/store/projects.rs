//! Exchange projects and their interaction logs: rows to views, inserts and the
//! conditional updates (`… WHERE revision = ?`) that make optimistic concurrency hold.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, LikeExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use glocal_kit::store::page_with_total;

use super::Result;
use super::entities::{exchange_project as project, join_list, project_interaction, split_list};
use super::search::{Sql, contains_pattern};
use crate::domain::{
    ExchangeProject, ExchangeProjectId, InteractionKind, Lang, NewProject, Participants,
    ProjectInteraction, ProjectInteractionId, ProjectStatus, Revision,
};
use crate::error::ResearchError;

/// Which projects a list shows; empty fields do not filter.
#[derive(Debug, Default)]
pub(crate) struct ProjectQuery<'a> {
    /// Only these statuses, or (when `also_of` is set) those involving this local government.
    pub(crate) visible_statuses: Option<Vec<&'static str>>,
    /// A local government whose projects are visible whatever their status.
    pub(crate) also_of: Option<&'a str>,
    /// Any of these statuses.
    pub(crate) statuses: &'a [ProjectStatus],
    /// Involving this Korean local government.
    pub(crate) local_government_code: Option<&'a str>,
    /// Grown from this opportunity (its key).
    pub(crate) opportunity_id: Option<String>,
}

/// A change of a project's status: the new status and when (which timestamp it sets).
pub(crate) struct StatusChange {
    /// Status after.
    pub(crate) status: ProjectStatus,
    /// When.
    pub(crate) at: DateTime<Utc>,
    /// The reason of a cancellation (empty otherwise).
    pub(crate) cancel_reason: String,
}

fn involving(code: &str) -> Condition {
    Condition::all().add(
        Expr::col(project::Column::LocalGovernmentCodes)
            .like(LikeExpr::new(contains_pattern(&format!(",{code},"))).escape('!')),
    )
}

fn view(r: project::Model) -> Result<ExchangeProject> {
    Ok(ExchangeProject {
        id: ExchangeProjectId::parse(&r.id, "id").map_err(ResearchError::corrupt)?,
        title: super::localized(&r.title_ko, &r.title_en, &r.title_zh, &r.title_ja),
        description: super::localized(
            &r.description_ko,
            &r.description_en,
            &r.description_zh,
            &r.description_ja,
        ),
        original_language: Lang::parse(&r.original_language, "originalLanguage")
            .map_err(ResearchError::corrupt)?,
        status: ProjectStatus::parse(&r.status).map_err(ResearchError::corrupt)?,
        participants: Participants {
            local_government_codes: split_list(&r.local_government_codes),
            organisation_ids: split_list(&r.organisation_ids),
        },
        revision: Revision::parse(r.revision).map_err(ResearchError::corrupt)?,
        opportunity_id: r.opportunity_id,
        cancel_reason: r.cancel_reason,
        created_by: r.created_by,
        created_at: r.created_at,
        updated_at: r.updated_at,
        agreed_at: r.agreed_at,
        started_at: r.started_at,
        ended_at: r.ended_at,
        interaction_count: 0,
    })
}

/// The project (its interaction count not filled in), if it exists.
pub(crate) async fn find(db: &impl ConnectionTrait, key: &str) -> Result<Option<ExchangeProject>> {
    project::Entity::find()
        .filter(project::Column::Id.eq(key))
        .one(db)
        .await?
        .map(view)
        .transpose()
}

/// The projects with these keys (interaction counts not filled in), in no particular order.
pub(crate) async fn find_many(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<Vec<ExchangeProject>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    project::Entity::find()
        .filter(project::Column::Id.is_in(keys.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// A window of the list, newest first, and how many match in all.
pub(crate) async fn list(
    db: &impl ConnectionTrait,
    query: &ProjectQuery<'_>,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<ExchangeProject>)> {
    let mut cond = Condition::all();
    if let Some(public) = &query.visible_statuses {
        let mut visible =
            Condition::any().add(project::Column::Status.is_in(public.iter().copied()));
        if let Some(org) = query.also_of {
            visible = visible.add(involving(org));
        }
        cond = cond.add(visible);
    }
    if !query.statuses.is_empty() {
        cond = cond.add(project::Column::Status.is_in(query.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(lg) = query.local_government_code {
        cond = cond.add(involving(lg));
    }
    if let Some(o) = &query.opportunity_id {
        cond = cond.add(project::Column::OpportunityId.eq(o.clone()));
    }
    let select = project::Entity::find()
        .filter(cond.clone())
        .order_by_desc(project::Column::Seq)
        .offset(offset);
    let (rows, total) = page_with_total(db, select, Some(cond), offset == 0, limit).await?;
    Ok((total, rows.into_iter().map(view).collect::<Result<_>>()?))
}

/// Records a new project (PROPOSAL, first revision) and answers it as stored.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    id: ExchangeProjectId,
    new: &NewProject,
    created_by: &str,
    at: DateTime<Utc>,
) -> Result<ExchangeProject> {
    let (t_ko, t_en, t_zh, t_ja) = new.title.clone().into_parts();
    let (d_ko, d_en, d_zh, d_ja) = new.description.clone().into_parts();
    project::Entity::insert(project::ActiveModel {
        id: Set(id.to_key()),
        opportunity_id: Set(new.opportunity_id.to_key()),
        title_ko: Set(t_ko),
        title_en: Set(t_en),
        title_zh: Set(t_zh),
        title_ja: Set(t_ja),
        description_ko: Set(d_ko),
        description_en: Set(d_en),
        description_zh: Set(d_zh),
        description_ja: Set(d_ja),
        original_language: Set(new.original_language.as_str().to_owned()),
        status: Set(ProjectStatus::Proposal.as_str().to_owned()),
        local_government_codes: Set(join_list(&new.participants.local_government_codes)),
        organisation_ids: Set(join_list(&new.participants.organisation_ids)),
        cancel_reason: Set(String::new()),
        created_by: Set(created_by.to_owned()),
        created_at: Set(at),
        updated_at: Set(at),
        agreed_at: Set(None),
        started_at: Set(None),
        ended_at: Set(None),
        revision: Set(1),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(ExchangeProject {
        id,
        opportunity_id: new.opportunity_id.to_key(),
        title: new.title.clone(),
        description: new.description.clone(),
        original_language: new.original_language,
        status: ProjectStatus::Proposal,
        participants: new.participants.clone(),
        cancel_reason: String::new(),
        created_by: created_by.to_owned(),
        created_at: at,
        updated_at: at,
        agreed_at: None,
        started_at: None,
        ended_at: None,
        revision: Revision::FIRST,
        interaction_count: 0,
    })
}

/// Writes the status change only when the stored revision is still `revision` (then it goes
/// up by one); `Ok(false)` when it was not.
pub(crate) async fn update_status_if(
    db: &impl ConnectionTrait,
    key: &str,
    revision: i64,
    change: StatusChange,
) -> Result<bool> {
    let mut set = project::ActiveModel {
        status: Set(change.status.as_str().to_owned()),
        updated_at: Set(change.at),
        revision: Set(revision + 1),
        ..Default::default()
    };
    match change.status {
        ProjectStatus::Agreed => set.agreed_at = Set(Some(change.at)),
        ProjectStatus::Running => set.started_at = Set(Some(change.at)),
        ProjectStatus::Closed => set.ended_at = Set(Some(change.at)),
        ProjectStatus::Cancelled => {
            set.ended_at = Set(Some(change.at));
            set.cancel_reason = Set(change.cancel_reason);
        }
        ProjectStatus::Proposal => {}
    }
    let result = project::Entity::update_many()
        .set(set)
        .filter(project::Column::Id.eq(key))
        .filter(project::Column::Revision.eq(revision))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Writes the participants only when the stored revision is still `revision` (then it goes
/// up by one); `Ok(false)` when it was not.
pub(crate) async fn update_participants_if(
    db: &impl ConnectionTrait,
    key: &str,
    revision: i64,
    participants: &Participants,
    at: DateTime<Utc>,
) -> Result<bool> {
    let result = project::Entity::update_many()
        .set(project::ActiveModel {
            local_government_codes: Set(join_list(&participants.local_government_codes)),
            organisation_ids: Set(join_list(&participants.organisation_ids)),
            updated_at: Set(at),
            revision: Set(revision + 1),
            ..Default::default()
        })
        .filter(project::Column::Id.eq(key))
        .filter(project::Column::Revision.eq(revision))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// How many entries each of the projects' logs has (absent: none), in one query.
pub(crate) async fn interaction_counts(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<HashMap<String, u64>> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(project_interaction::Entity::find()
        .select_only()
        .column(project_interaction::Column::ProjectId)
        .column_as(Expr::col(project_interaction::Column::Seq).count(), "n")
        .filter(project_interaction::Column::ProjectId.is_in(keys.to_vec()))
        .group_by(project_interaction::Column::ProjectId)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

fn interaction_view(r: project_interaction::Model) -> Result<ProjectInteraction> {
    Ok(ProjectInteraction {
        id: ProjectInteractionId::parse(&r.id, "id").map_err(ResearchError::corrupt)?,
        kind: InteractionKind::parse(&r.kind).map_err(ResearchError::corrupt)?,
        project_id: r.project_id,
        occurred_on: r.occurred_on,
        summary: r.summary,
        recorded_by_subject: r.recorded_by_subject,
        recorded_by_name: r.recorded_by_name,
        created_at: r.created_at,
    })
}

/// Adds the entry to its project's log.
pub(crate) async fn insert_interaction(
    db: &impl ConnectionTrait,
    entry: &ProjectInteraction,
) -> Result<()> {
    project_interaction::Entity::insert(project_interaction::ActiveModel {
        id: Set(entry.id.to_key()),
        project_id: Set(entry.project_id.clone()),
        kind: Set(entry.kind.as_str().to_owned()),
        occurred_on: Set(entry.occurred_on.clone()),
        summary: Set(entry.summary.clone()),
        recorded_by_subject: Set(entry.recorded_by_subject.clone()),
        recorded_by_name: Set(entry.recorded_by_name.clone()),
        created_at: Set(entry.created_at),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The log entry, if it exists.
pub(crate) async fn find_interaction(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<ProjectInteraction>> {
    project_interaction::Entity::find()
        .filter(project_interaction::Column::Id.eq(key))
        .one(db)
        .await?
        .map(interaction_view)
        .transpose()
}

/// A window of a project's log, most recent first, and how many entries it has.
pub(crate) async fn list_interactions(
    db: &impl ConnectionTrait,
    project_key: &str,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<ProjectInteraction>)> {
    let q = project_interaction::Entity::find()
        .filter(project_interaction::Column::ProjectId.eq(project_key));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(project_interaction::Column::OccurredOn)
        .order_by_desc(project_interaction::Column::Seq)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let items = rows
        .into_iter()
        .map(interaction_view)
        .collect::<Result<_>>()?;
    Ok((total, items))
}

/// The newest `per` entries of each of the projects' logs, grouped by project key, in the
/// order of [`list_interactions`] within each: one window query however many projects.
pub(crate) async fn latest_interactions(
    db: &impl ConnectionTrait,
    project_keys: &[String],
    per: u64,
) -> Result<HashMap<String, Vec<ProjectInteraction>>> {
    let mut entries: HashMap<String, Vec<ProjectInteraction>> = HashMap::new();
    if project_keys.is_empty() {
        return Ok(entries);
    }
    let mut sql = Sql::new(
        db.get_database_backend(),
        "SELECT seq, id, project_id, kind, occurred_on, summary, recorded_by_subject, \
         recorded_by_name, created_at FROM (SELECT exchange_project_interaction.*, \
         ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY occurred_on DESC, seq DESC) AS rn \
         FROM exchange_project_interaction WHERE project_id IN ",
    );
    sql.bind_list(project_keys);
    sql.push(") ranked WHERE rn <= ");
    sql.bind(i64::try_from(per).unwrap_or(i64::MAX));
    sql.push(" ORDER BY project_id, rn");
    let rows = project_interaction::Entity::find()
        .from_raw_sql(sql.statement())
        .all(db)
        .await?;
    for row in rows {
        entries
            .entry(row.project_id.clone())
            .or_default()
            .push(interaction_view(row)?);
    }
    Ok(entries)
}
