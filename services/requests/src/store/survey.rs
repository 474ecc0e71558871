//! The `request_survey` table: a request's rating, read in batches for views and by period
//! for the statistics.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::request_survey;
use super::requests::corrupt;
use crate::domain::RequestId;
use crate::domain::survey::{Rating, SurveyResponse};
use crate::error::RequestsError;

type Result<T, E = RequestsError> = std::result::Result<T, E>;

fn response(m: request_survey::Model) -> Result<(RequestId, SurveyResponse)> {
    Ok((
        RequestId::from(m.request_id),
        SurveyResponse {
            rating: Rating::parse(i64::from(m.rating)).map_err(corrupt)?,
            comment: m.comment,
            respondent_subject: m.respondent_subject,
            respondent_name: m.respondent_name,
            submitted_at: m.submitted_at,
            updated_at: m.updated_at,
        },
    ))
}

/// The ratings of several requests (one query).
pub(crate) async fn of(
    db: &impl ConnectionTrait,
    ids: &[RequestId],
) -> Result<HashMap<RequestId, SurveyResponse>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    request_survey::Entity::find()
        .filter(request_survey::Column::RequestId.is_in(ids.iter().map(RequestId::as_uuid)))
        .all(db)
        .await?
        .into_iter()
        .map(response)
        .collect()
}

/// Records the rating of `id`, or replaces it (keeping when it was first given).
pub(crate) async fn upsert(
    db: &impl ConnectionTrait,
    id: RequestId,
    survey: &SurveyResponse,
    existed: bool,
) -> Result<()> {
    let rating = i32::from(survey.rating.get());
    if existed {
        request_survey::Entity::update_many()
            .set(request_survey::ActiveModel {
                rating: Set(rating),
                comment: Set(survey.comment.clone()),
                updated_at: Set(survey.updated_at),
                ..Default::default()
            })
            .filter(request_survey::Column::RequestId.eq(id.as_uuid()))
            .exec(db)
            .await?;
    } else {
        let row = request_survey::ActiveModel {
            request_id: Set(id.as_uuid()),
            rating: Set(rating),
            comment: Set(survey.comment.clone()),
            respondent_subject: Set(survey.respondent_subject.clone()),
            respondent_name: Set(survey.respondent_name.clone()),
            submitted_at: Set(survey.submitted_at),
            updated_at: Set(survey.updated_at),
            ..Default::default()
        };
        request_survey::Entity::insert(row)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Every rating first given in `[from, to)`, oldest first.
pub(crate) async fn given_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(RequestId, SurveyResponse)>> {
    request_survey::Entity::find()
        .filter(request_survey::Column::SubmittedAt.gte(from))
        .filter(request_survey::Column::SubmittedAt.lt(to))
        .order_by_asc(request_survey::Column::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(response)
        .collect()
}
