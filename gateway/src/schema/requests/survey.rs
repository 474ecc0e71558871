//! The satisfaction survey of the Online Bureau: a request's `survey`, the requester's
//! `rateServiceRequest`, and the bureau's `serviceRequestSurveyStatistics`.

use crate::schema::scalars::DateTime;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use glocal_proto::requests::v1 as pb;

use super::{ServiceRequest, ServiceRequestType};
use crate::schema::common::{Person, datetime, non_empty, timestamp};
use crate::upstream::error;
use crate::upstream::{Requests, call, read};

/// The requester's rating of a request's final answer.
pub struct ServiceRequestSurvey(pub(super) pb::SurveyResponse);

/// How the requester rated the answer.
#[Object]
impl ServiceRequestSurvey {
    /// 1 (poor) to 5 (excellent).
    async fn rating(&self) -> i32 {
        i32::try_from(self.0.rating).unwrap_or(i32::MAX)
    }

    /// The requester's comment, if any.
    async fn comment(&self) -> Option<&str> {
        non_empty(&self.0.comment)
    }

    /// Who rated (the person who filed the request).
    async fn respondent(&self) -> Person {
        Person {
            subject: self.0.respondent_subject.clone(),
            name: self.0.respondent_name.clone(),
        }
    }

    /// When the rating was first given.
    async fn submitted_at(&self) -> Option<DateTime> {
        datetime(self.0.submitted_at.as_ref())
    }

    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime> {
        datetime(self.0.updated_at.as_ref())
    }
}

/// Ratings of one department, request type and month.
#[derive(SimpleObject)]
pub struct SurveyStatisticsRow {
    /// The department; null for requests not routed to one.
    pub department_code: Option<String>,
    /// The request type.
    #[graphql(name = "type")]
    pub request_type: ServiceRequestType,
    /// The month the ratings were given, `YYYY-MM` (Korea Standard Time).
    pub month: String,
    /// How many ratings.
    pub count: i32,
    /// Their mean, 1 to 5.
    pub average: f64,
    /// How many ratings of 1, 2, 3, 4 and 5, in that order.
    pub distribution: Vec<i32>,
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl SurveyStatisticsRow {
    fn from_proto(r: pb::SurveyStatisticsRow) -> Result<Self> {
        Ok(SurveyStatisticsRow {
            department_code: non_empty(&r.department_code).map(str::to_owned),
            request_type: ServiceRequestType::from_proto(r.r#type)?,
            month: r.month,
            count: count(r.count),
            average: r.average,
            distribution: r.distribution.into_iter().map(count).collect(),
        })
    }
}

/// Rates the final answer of a request (its requester).
#[derive(InputObject)]
pub struct RateServiceRequestInput {
    /// Request id.
    pub id: ID,
    /// 1 (poor) to 5 (excellent).
    pub rating: i32,
    /// An optional comment (up to 2,000 characters).
    pub comment: Option<String>,
}

impl ServiceRequest {
    pub(super) fn survey_view(&self) -> Option<ServiceRequestSurvey> {
        self.0.survey.clone().map(ServiceRequestSurvey)
    }
}

/// Survey queries.
#[derive(Default)]
pub struct SurveyQuery;

#[Object]
impl SurveyQuery {
    /// Ratings first given in `[from, to)` per department, request type and month (KST):
    /// count, average and distribution. Staff see their own department's requests.
    #[graphql(inaccessible)]
    async fn service_request_survey_statistics(
        &self,
        ctx: &Context<'_>,
        from: DateTime,
        to: DateTime,
        department_code: Option<String>,
    ) -> Result<Vec<SurveyStatisticsRow>> {
        let message = pb::GetSurveyStatisticsRequest {
            from: Some(timestamp(from)),
            to: Some(timestamp(to)),
            department_code: department_code.unwrap_or_default(),
        };
        let response = read(
            ctx,
            Requests,
            "GetSurveyStatistics",
            message,
            |mut client, request| async move { client.get_survey_statistics(request).await },
        )
        .await?;
        response
            .into_inner()
            .rows
            .into_iter()
            .map(SurveyStatisticsRow::from_proto)
            .collect()
    }
}

/// Survey mutations (POST only).
#[derive(Default)]
pub struct SurveyMutation;

#[Object]
impl SurveyMutation {
    /// Rates the final answer (the person who filed the request): 1–5 with an optional
    /// comment, once; the rating may change within the reopen window. Refusals carry
    /// `extensions.reason`: `SURVEY_NOT_REQUESTER` (FORBIDDEN), `SURVEY_NOT_ANSWERED` and
    /// `SURVEY_WINDOW_CLOSED` (CONFLICT); a rating outside 1–5 is BAD_USER_INPUT on `rating`.
    async fn rate_service_request(
        &self,
        ctx: &Context<'_>,
        input: RateServiceRequestInput,
    ) -> Result<ServiceRequest> {
        let message = pb::RateRequestRequest {
            id: input.id.0,
            rating: input.rating,
            comment: input.comment.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Requests, message)?;
        Ok(ServiceRequest(
            client
                .rate_request(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }
}
