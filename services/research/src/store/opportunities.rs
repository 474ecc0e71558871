//! Opportunities: projects proposed through the partner network.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, LikeExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use glocal_kit::store::page_with_total;

use super::Result;
use super::entities::{join_list, opportunity, split_list};
use super::search::contains_pattern;
use crate::domain::{
    Lang, NewOpportunity, Opportunity, OpportunityId, OpportunityStatus, Revision,
};
use crate::error::ResearchError;

/// Which opportunities a list shows; empty fields do not filter.
#[derive(Debug, Default)]
pub(crate) struct OpportunityQuery<'a> {
    /// Only these statuses, or those proposed by `also_by`.
    pub(crate) visible_statuses: Option<Vec<&'static str>>,
    /// A proposer whose opportunities are visible whatever their status.
    pub(crate) also_by: Option<&'a str>,
    /// Any of these statuses.
    pub(crate) statuses: &'a [OpportunityStatus],
    /// Touching this area.
    pub(crate) area_code: Option<&'a str>,
}

fn view(r: opportunity::Model) -> Result<Opportunity> {
    Ok(Opportunity {
        id: OpportunityId::parse(&r.id, "id").map_err(ResearchError::corrupt)?,
        title: super::localized(&r.title_ko, &r.title_en, &r.title_zh, &r.title_ja),
        description: super::localized(
            &r.description_ko,
            &r.description_en,
            &r.description_zh,
            &r.description_ja,
        ),
        original_language: Lang::parse(&r.original_language, "originalLanguage")
            .map_err(ResearchError::corrupt)?,
        area_codes: split_list(&r.area_codes),
        countries: split_list(&r.countries),
        organisation_id: (!r.organisation_id.is_empty()).then_some(r.organisation_id),
        status: OpportunityStatus::parse(&r.status).map_err(ResearchError::corrupt)?,
        deadline: (!r.deadline.is_empty()).then_some(r.deadline),
        proposer_subject: r.proposer_subject,
        created_at: r.created_at,
        revision: Revision::parse(r.revision).map_err(ResearchError::corrupt)?,
    })
}

/// The opportunity, if it exists.
pub(crate) async fn find(db: &impl ConnectionTrait, key: &str) -> Result<Option<Opportunity>> {
    opportunity::Entity::find()
        .filter(opportunity::Column::Id.eq(key))
        .one(db)
        .await?
        .map(view)
        .transpose()
}

/// The opportunities with these keys, in no particular order.
pub(crate) async fn find_many(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<Vec<Opportunity>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    opportunity::Entity::find()
        .filter(opportunity::Column::Id.is_in(keys.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// A window of the list, newest first, and how many match in all.
pub(crate) async fn list(
    db: &impl ConnectionTrait,
    query: &OpportunityQuery<'_>,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<Opportunity>)> {
    let mut cond = Condition::all();
    if let Some(public) = &query.visible_statuses {
        let mut visible =
            Condition::any().add(opportunity::Column::Status.is_in(public.iter().copied()));
        if let Some(subject) = query.also_by {
            visible = visible.add(opportunity::Column::ProposerSubject.eq(subject));
        }
        cond = cond.add(visible);
    }
    if !query.statuses.is_empty() {
        cond =
            cond.add(opportunity::Column::Status.is_in(query.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(area) = query.area_code {
        cond = cond.add(
            Expr::col(opportunity::Column::AreaCodes)
                .like(LikeExpr::new(contains_pattern(&format!(",{area},"))).escape('!')),
        );
    }
    let select = opportunity::Entity::find()
        .filter(cond.clone())
        .order_by_desc(opportunity::Column::Seq)
        .offset(offset);
    let (rows, total) = page_with_total(db, select, Some(cond), offset == 0, limit).await?;
    Ok((total, rows.into_iter().map(view).collect::<Result<_>>()?))
}

/// Records a proposal (PROPOSED, first revision); answers it as stored.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    id: OpportunityId,
    new: &NewOpportunity,
    proposer_subject: &str,
    at: DateTime<Utc>,
) -> Result<Opportunity> {
    let (t_ko, t_en, t_zh, t_ja) = new.title.clone().into_parts();
    let (d_ko, d_en, d_zh, d_ja) = new.description.clone().into_parts();
    opportunity::Entity::insert(opportunity::ActiveModel {
        id: Set(id.to_key()),
        title_ko: Set(t_ko),
        title_en: Set(t_en),
        title_zh: Set(t_zh),
        title_ja: Set(t_ja),
        description_ko: Set(d_ko),
        description_en: Set(d_en),
        description_zh: Set(d_zh),
        description_ja: Set(d_ja),
        original_language: Set(new.original_language.as_str().to_owned()),
        area_codes: Set(join_list(&new.area_codes)),
        countries: Set(join_list(&new.countries)),
        organisation_id: Set(new.organisation_id.clone().unwrap_or_default()),
        status: Set(OpportunityStatus::Proposed.as_str().to_owned()),
        deadline: Set(new.deadline.map(|d| d.to_string()).unwrap_or_default()),
        proposer_subject: Set(proposer_subject.to_owned()),
        created_at: Set(at),
        updated_at: Set(at),
        revision: Set(1),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(Opportunity {
        id,
        title: new.title.clone(),
        description: new.description.clone(),
        original_language: new.original_language,
        area_codes: new.area_codes.clone(),
        countries: new.countries.clone(),
        organisation_id: new.organisation_id.clone().filter(|o| !o.is_empty()),
        status: OpportunityStatus::Proposed,
        deadline: new.deadline.map(|d| d.to_string()),
        proposer_subject: proposer_subject.to_owned(),
        created_at: at,
        revision: Revision::FIRST,
    })
}

/// Writes the new status only when the stored revision is still `revision` (then it goes up
/// by one); `Ok(false)` when it was not.
pub(crate) async fn update_status_if(
    db: &impl ConnectionTrait,
    key: &str,
    revision: i64,
    status: OpportunityStatus,
    at: DateTime<Utc>,
) -> Result<bool> {
    let result = opportunity::Entity::update_many()
        .col_expr(opportunity::Column::Status, Expr::value(status.as_str()))
        .col_expr(opportunity::Column::UpdatedAt, Expr::value(at))
        .col_expr(opportunity::Column::Revision, Expr::value(revision + 1))
        .filter(opportunity::Column::Id.eq(key))
        .filter(opportunity::Column::Revision.eq(revision))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
