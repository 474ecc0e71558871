//! Proto ⇄ domain for the request report (`GetRequestStatistics`).

use glocal_proto::requests::v1 as pb;

use super::sla::period_query;
use super::type_to_pb;
use crate::domain::statistics::{Percentiles, RequestFigures, StatisticsDimension};
use crate::domain::{InvalidInput, LocalGovernmentCode};
use crate::service::StatisticsQuery;

pub(super) fn query(m: &pb::GetRequestStatisticsRequest) -> Result<StatisticsQuery, InvalidInput> {
    let (from, to, department) = period_query(m.from.as_ref(), m.to.as_ref(), &m.department_code)?;
    let local_government = match m.local_government_code.trim() {
        "" => None,
        code => Some(LocalGovernmentCode::parse(code).map_err(|e| e.at("localGovernmentCode"))?),
    };
    let mut group_by = Vec::new();
    for &d in &m.group_by {
        let dimension = match pb::StatisticsDimension::try_from(d) {
            Ok(pb::StatisticsDimension::Type) => StatisticsDimension::Type,
            Ok(pb::StatisticsDimension::LocalGovernment) => StatisticsDimension::LocalGovernment,
            Ok(pb::StatisticsDimension::Department) => StatisticsDimension::Department,
            Ok(pb::StatisticsDimension::Month) => StatisticsDimension::Month,
            Ok(pb::StatisticsDimension::Unspecified) | Err(_) => {
                return Err(InvalidInput::localized(
                    "groupBy",
                    glocal_kit::i18n::Message::new("input-unknown-value").arg("value", d),
                ));
            }
        };
        if !group_by.contains(&dimension) {
            group_by.push(dimension);
        }
    }
    Ok(StatisticsQuery {
        from,
        to,
        group_by,
        department,
        local_government,
    })
}

fn percentiles_to_pb(p: Percentiles) -> pb::DurationPercentiles {
    pb::DurationPercentiles {
        count: p.count,
        median_minutes: p.median_minutes,
        p90_minutes: p.p90_minutes,
    }
}

pub(super) fn figures_to_pb(f: RequestFigures) -> pb::RequestStatisticsRow {
    let k = f.key;
    pb::RequestStatisticsRow {
        r#type: k
            .request_type
            .map_or(pb::RequestType::Unspecified, type_to_pb) as i32,
        by_type: k.request_type.is_some(),
        by_local_government: k.local_government_code.is_some(),
        local_government_code: k.local_government_code.unwrap_or_default(),
        by_department: k.department_code.is_some(),
        department_code: k.department_code.unwrap_or_default(),
        by_month: k.month.is_some(),
        month: k.month.unwrap_or_default(),
        submitted: f.submitted,
        open: f.open,
        answered: f.answered,
        closed: f.closed,
        withdrawn: f.withdrawn,
        rejected: f.rejected,
        merged: f.merged,
        first_response: f.first_response.map(percentiles_to_pb),
        resolution: f.resolution.map(percentiles_to_pb),
    }
}
