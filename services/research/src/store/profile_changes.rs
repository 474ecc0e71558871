//! Profile changes partners propose: the pending revision of an organisation's profile and
//! its review, and applying an approved one to the organisation and its contacts.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::Result;
use super::entities::{contact, join_list, organisation, profile_change};
use super::organisations::insert_contact;
use crate::domain::{
    NewProfile, OrganisationId, ProfileChange, ProfileChangeId, ProfileChangeStatus, ProfileDraft,
    Revision,
};
use crate::error::ResearchError;

/// Who proposed a change, and on which revision of the organisation.
pub(crate) struct Proposal<'a> {
    /// The organisation.
    pub(crate) organisation_id: OrganisationId,
    /// The profile as proposed.
    pub(crate) profile: &'a NewProfile,
    /// The revision the partner saw.
    pub(crate) base_revision: Revision,
    /// Token subject.
    pub(crate) proposed_by: &'a str,
    /// Display name.
    pub(crate) proposed_by_name: &'a str,
}

/// Stores a PENDING change; `Ok(None)` when the organisation already has one waiting (the
/// unique `pending_key`).
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    proposal: &Proposal<'_>,
    at: DateTime<Utc>,
) -> Result<Option<ProfileChange>> {
    let id = ProfileChangeId::new();
    let body = serde_json::to_string(&proposal.profile.to_draft())
        .map_err(|e| ResearchError::Corrupt(e.to_string()))?;
    let org = proposal.organisation_id.to_key();
    let inserted = super::inserted(
        profile_change::Entity::insert(profile_change::ActiveModel {
            id: Set(id.to_key()),
            organisation_id: Set(org.clone()),
            status: Set(ProfileChangeStatus::Pending.as_str().to_owned()),
            pending_key: Set(org),
            proposal: Set(body),
            base_revision: Set(proposal.base_revision.get()),
            proposed_by: Set(proposal.proposed_by.to_owned()),
            proposed_by_name: Set(proposal.proposed_by_name.to_owned()),
            proposed_at: Set(at),
            reviewed_by_name: Set(None),
            reviewed_at: Set(None),
            reason: Set(String::new()),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await,
    )?;
    if !inserted {
        return Ok(None);
    }
    find(db, id).await
}

/// The change with this id.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    id: ProfileChangeId,
) -> Result<Option<ProfileChange>> {
    profile_change::Entity::find()
        .filter(profile_change::Column::Id.eq(id.to_key()))
        .one(db)
        .await?
        .map(view)
        .transpose()
}

/// The change of the organisation waiting for review, if any.
pub(crate) async fn pending_of(
    db: &impl ConnectionTrait,
    organisation_id: OrganisationId,
) -> Result<Option<ProfileChange>> {
    profile_change::Entity::find()
        .filter(profile_change::Column::PendingKey.eq(organisation_id.to_key()))
        .one(db)
        .await?
        .map(view)
        .transpose()
}

/// The changes of one organisation (or all), of one status (or any), oldest first, at most
/// `limit`.
pub(crate) async fn list(
    db: &impl ConnectionTrait,
    organisation_id: Option<OrganisationId>,
    status: Option<ProfileChangeStatus>,
    limit: u64,
) -> Result<Vec<ProfileChange>> {
    let mut q = profile_change::Entity::find();
    if let Some(org) = organisation_id {
        q = q.filter(profile_change::Column::OrganisationId.eq(org.to_key()));
    }
    if let Some(status) = status {
        q = q.filter(profile_change::Column::Status.eq(status.as_str()));
    }
    q.order_by_asc(profile_change::Column::Seq)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// Records the review of a PENDING change; `false` when it was no longer pending (someone
/// reviewed it first).
pub(crate) async fn review(
    db: &impl ConnectionTrait,
    id: ProfileChangeId,
    status: ProfileChangeStatus,
    reviewer_name: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let done = profile_change::Entity::update_many()
        .col_expr(profile_change::Column::Status, Expr::value(status.as_str()))
        .col_expr(profile_change::Column::PendingKey, Expr::value(id.to_key()))
        .col_expr(
            profile_change::Column::ReviewedByName,
            Expr::value(Some(reviewer_name.to_owned())),
        )
        .col_expr(profile_change::Column::ReviewedAt, Expr::value(Some(at)))
        .col_expr(profile_change::Column::Reason, Expr::value(reason))
        .filter(profile_change::Column::Id.eq(id.to_key()))
        .filter(profile_change::Column::Status.eq(ProfileChangeStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Makes `profile` the organisation's: its fields, and its contacts replaced by the
/// profile's; the revision goes up by one.
pub(crate) async fn apply(
    db: &impl ConnectionTrait,
    organisation_id: OrganisationId,
    profile: &NewProfile,
    at: DateTime<Utc>,
) -> Result<()> {
    let key = organisation_id.to_key();
    let (n_ko, n_en, n_zh, n_ja) = profile.name().clone().into_parts();
    let (d_ko, d_en, d_zh, d_ja) = profile.description().clone().into_parts();
    organisation::Entity::update_many()
        .col_expr(organisation::Column::NameKo, Expr::value(n_ko))
        .col_expr(organisation::Column::NameEn, Expr::value(n_en))
        .col_expr(organisation::Column::NameZh, Expr::value(n_zh))
        .col_expr(organisation::Column::NameJa, Expr::value(n_ja))
        .col_expr(
            organisation::Column::OriginalLanguage,
            Expr::value(profile.original_language().as_str()),
        )
        .col_expr(organisation::Column::City, Expr::value(profile.city()))
        .col_expr(
            organisation::Column::Languages,
            Expr::value(join_list(profile.languages())),
        )
        .col_expr(
            organisation::Column::Website,
            Expr::value(profile.website()),
        )
        .col_expr(organisation::Column::DescriptionKo, Expr::value(d_ko))
        .col_expr(organisation::Column::DescriptionEn, Expr::value(d_en))
        .col_expr(organisation::Column::DescriptionZh, Expr::value(d_zh))
        .col_expr(organisation::Column::DescriptionJa, Expr::value(d_ja))
        .col_expr(
            organisation::Column::Revision,
            Expr::col(organisation::Column::Revision).add(1),
        )
        .col_expr(organisation::Column::UpdatedAt, Expr::value(at))
        .filter(organisation::Column::Id.eq(key.clone()))
        .exec(db)
        .await?;
    contact::Entity::delete_many()
        .filter(contact::Column::OrganisationId.eq(key.clone()))
        .exec(db)
        .await?;
    for c in profile.contacts() {
        insert_contact(db, &key, c, at).await?;
    }
    Ok(())
}

fn view(r: profile_change::Model) -> Result<ProfileChange> {
    let draft: ProfileDraft = serde_json::from_str(&r.proposal).map_err(ResearchError::corrupt)?;
    Ok(ProfileChange {
        id: ProfileChangeId::parse(&r.id, "id").map_err(ResearchError::corrupt)?,
        organisation_id: OrganisationId::parse(&r.organisation_id, "organisationId")
            .map_err(ResearchError::corrupt)?,
        status: ProfileChangeStatus::parse(&r.status).map_err(ResearchError::corrupt)?,
        profile: NewProfile::parse(&draft).map_err(ResearchError::corrupt)?,
        base_revision: Revision::parse(r.base_revision).map_err(ResearchError::corrupt)?,
        proposed_by: r.proposed_by,
        proposed_by_name: r.proposed_by_name,
        proposed_at: r.proposed_at,
        reviewed_by_name: r.reviewed_by_name,
        reviewed_at: r.reviewed_at,
        reason: r.reason,
    })
}
