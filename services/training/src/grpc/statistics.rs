//! Proto ⇄ domain for the training report (`GetTrainingStatistics`).

use glocal_kit::grpc::bad;
use glocal_proto::training::v1 as pb;
use tonic::Status;

use super::{date, summary_to_pb};
use crate::domain::statistics::{EditionFigures, TrainingStatisticsQuery};
use crate::domain::{InvalidInput, ProgrammeId, parse_date};

impl TryFrom<pb::GetTrainingStatisticsRequest> for TrainingStatisticsQuery {
    type Error = Status;

    fn try_from(m: pb::GetTrainingStatisticsRequest) -> Result<Self, Status> {
        let day = |s: &str, field: &str| {
            if s.trim().is_empty() {
                Err(bad(InvalidInput::new(field, "is required")))
            } else {
                parse_date(s, field).map_err(bad)
            }
        };
        let from = day(&m.from_date, "from")?;
        let to = day(&m.to_date, "to")?;
        let programme_id = match m.programme_id.trim() {
            "" => None,
            id => Some(ProgrammeId::parse(id, "programmeId").map_err(bad)?),
        };
        TrainingStatisticsQuery::new(from, to, programme_id).map_err(bad)
    }
}

pub(super) fn figures_to_pb(f: EditionFigures) -> pb::TrainingStatisticsRow {
    pb::TrainingStatisticsRow {
        programme: Some(summary_to_pb(f.programme)),
        edition_id: f.edition_id.to_string(),
        term: f.term,
        starts_on: date(f.starts_on),
        capacity: f.capacity,
        drafts: f.drafts,
        in_review: f.in_review,
        accepted: f.accepted,
        waitlisted: f.waitlisted,
        rejected: f.rejected,
        withdrawn: f.withdrawn,
    }
}
