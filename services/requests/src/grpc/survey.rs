//! Proto ⇄ domain for the satisfaction survey: a rating, its request and the statistics.

use glocal_kit::grpc::ts;
use glocal_proto::requests::v1 as pb;

use super::sla::{PeriodQuery, period_query};
use super::type_to_pb;
use crate::domain::survey::{Rating, SurveyComment, SurveyFigures, SurveyResponse};
use crate::domain::{InvalidInput, RequestId};

pub(super) fn response_to_pb(s: SurveyResponse) -> pb::SurveyResponse {
    pb::SurveyResponse {
        rating: u32::from(s.rating.get()),
        comment: s.comment.unwrap_or_default(),
        respondent_subject: s.respondent_subject,
        respondent_name: s.respondent_name,
        submitted_at: Some(ts(s.submitted_at)),
        updated_at: Some(ts(s.updated_at)),
    }
}

type Rate = (RequestId, Rating, Option<SurveyComment>);

pub(super) fn rate(m: &pb::RateRequestRequest) -> Result<Rate, InvalidInput> {
    Ok((
        RequestId::parse(&m.id)?,
        Rating::parse(i64::from(m.rating))?,
        SurveyComment::parse_optional(&m.comment)?,
    ))
}

pub(super) fn statistics_query(
    m: &pb::GetSurveyStatisticsRequest,
) -> Result<PeriodQuery, InvalidInput> {
    period_query(m.from.as_ref(), m.to.as_ref(), &m.department_code)
}

pub(super) fn figures_to_pb(f: SurveyFigures) -> pb::SurveyStatisticsRow {
    pb::SurveyStatisticsRow {
        department_code: f.department_code.unwrap_or_default(),
        r#type: type_to_pb(f.request_type) as i32,
        month: f.month,
        count: f.count,
        average: f.average,
        distribution: f.distribution.to_vec(),
    }
}
