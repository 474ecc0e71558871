//! The satisfaction survey: the requester rates the answer (once, changeable within the
//! reopen window), and bureau staff read averages and counts per department, request type
//! and month. The rule is the domain's [`check_rating`]; this module scopes, writes the
//! rating with its history row and outbox event in one transaction, and aggregates.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use glocal_kit::Caller;
use glocal_kit::error::{ErrorCode, Refusal};
use glocal_kit::i18n::Message;
use glocal_kit::outbox::{self, Change as OutboxChange};
use serde_json::json;

use super::submit::history_entry;
use super::{OnlineBureau, Result, Viewer};
use crate::domain::changes::{SERVICE_REQUEST, request_touches};
use crate::domain::survey::Rating;
use crate::domain::survey::{
    NOT_REQUESTER, RatingFacts, SurveyComment, SurveyFigures, SurveyResponse, check_rating,
    kst_month,
};
use crate::domain::{DepartmentCode, RequestId, RequestType, ServiceRequest};
use crate::error::RequestsError;
use crate::store::requests as request_store;
use crate::store::{activity, survey as survey_store};

/// The event type of a rating given or changed.
pub const RATED: &str = "ServiceRequestRated";

impl OnlineBureau {
    /// The requester rates the answer of request `id` (1–5, optional comment), or changes
    /// their rating within the reopen window. Refusals: FORBIDDEN `SURVEY_NOT_REQUESTER`
    /// (anyone but the person who filed it), CONFLICT `SURVEY_NOT_ANSWERED` (no final
    /// answer yet), CONFLICT `SURVEY_WINDOW_CLOSED` (a change after the window);
    /// NOT_FOUND for a request the caller may not see.
    pub async fn rate(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        rating: Rating,
        comment: Option<SurveyComment>,
    ) -> Result<ServiceRequest> {
        let (viewer, actor) = self.viewer(caller).await?;
        let tx = self.db.begin().await?;
        let row = Self::visible_row(&viewer, request_store::find(&tx, id).await?)?;
        if !matches!(viewer, Viewer::Official { .. }) {
            return Err(Refusal::new(
                ErrorCode::Forbidden,
                NOT_REQUESTER,
                "only the person who filed the request may rate its answer",
            )
            .into());
        }
        let before = survey_store::of(&tx, &[id]).await?.remove(&id);
        let now = self.now();
        let facts = RatingFacts {
            state: row.state,
            final_responded_at: row.final_responded_at,
            requester_subject: &row.requester_subject,
            rated: before.is_some(),
        };
        check_rating(facts, &actor.subject, now, self.config.reopen_window)?;
        let comment = comment.map(|c| c.as_str().to_owned());
        let survey = SurveyResponse {
            rating,
            comment: comment.clone(),
            respondent_subject: actor.subject.clone(),
            respondent_name: actor.name.clone(),
            submitted_at: before.as_ref().map_or(now, |b| b.submitted_at),
            updated_at: now,
        };
        survey_store::upsert(&tx, id, &survey, before.is_some()).await?;
        let note = match &before {
            Some(b) => Message::new("history-rerated")
                .arg("from", b.rating.get())
                .arg("to", rating.get()),
            None => Message::new("history-rated").arg("rating", rating.get()),
        }
        .store();
        let entry = history_entry("rate", Some(row.state), row.state, &actor, now, &note);
        activity::insert_history(&tx, id, &[entry]).await?;
        let mut payload = self
            .event_payload(&tx, &row, Some(row.state), "rate", None)
            .await?;
        payload["rating"] = json!(rating.get());
        payload["previousRating"] = json!(before.as_ref().map(|b| b.rating.get()));
        payload["comment"] = json!(comment);
        let touched = request_touches(
            &row.local_government_code,
            row.department_code.as_deref(),
            row.assignee_id.as_deref(),
            None,
        );
        let change =
            OutboxChange::new(SERVICE_REQUEST, id.as_uuid(), RATED, payload).touching_all(touched);
        outbox::append(&tx, &change, now).await?;
        tx.commit().await?;
        tracing::info!(request_id = %id, rating = rating.get(), changed = before.is_some(), "service request rated");
        self.view(&viewer, row).await
    }

    /// Ratings first given in `[from, to)` per department, request type and month (KST),
    /// with their count, mean and distribution: bureau staff (their department's requests
    /// and those assigned to them) and admins (all); `department` narrows to one.
    pub async fn survey_statistics(
        &self,
        caller: Option<&Caller>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        department: Option<DepartmentCode>,
    ) -> Result<Vec<SurveyFigures>> {
        let (viewer, _) = self.viewer(caller).await?;
        Self::require_bureau(&viewer, "action-read-survey-statistics")?;
        if to <= from {
            return Err(RequestsError::invalid("to", "must be after `from`"));
        }
        let given = survey_store::given_between(&self.db, from, to).await?;
        let ids: Vec<RequestId> = given.iter().map(|(id, _)| *id).collect();
        let rows: BTreeMap<RequestId, _> = request_store::find_many(&self.db, &ids)
            .await?
            .into_iter()
            .filter(|r| Self::visible(&viewer, r))
            .filter(|r| {
                department
                    .as_ref()
                    .is_none_or(|d| r.department_code.as_deref() == Some(d.as_str()))
            })
            .map(|r| (r.id, r))
            .collect();
        type Key = (Option<String>, RequestType, String);
        let mut groups: BTreeMap<Key, [u64; 5]> = BTreeMap::new();
        for (id, survey) in &given {
            let Some(row) = rows.get(id) else { continue };
            let key = (
                row.department_code.clone(),
                row.request_type,
                kst_month(survey.submitted_at),
            );
            groups.entry(key).or_default()[usize::from(survey.rating.get() - 1)] += 1;
        }
        Ok(groups
            .into_iter()
            .map(|((department_code, request_type, month), distribution)| {
                let count: u64 = distribution.iter().sum();
                let sum: u64 = distribution
                    .iter()
                    .zip(1u64..)
                    .map(|(n, rating)| n * rating)
                    .sum();
                SurveyFigures {
                    department_code,
                    request_type,
                    month,
                    count,
                    average: sum as f64 / count as f64,
                    distribution,
                }
            })
            .collect())
    }
}
