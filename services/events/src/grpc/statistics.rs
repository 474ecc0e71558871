//! Proto ⇄ domain for the event report (`GetEventStatistics`).

use glocal_kit::grpc::bad;
use glocal_proto::events::v1 as pb;
use tonic::Status;

use super::{id, kind_out, opt_date, opt_text, state_out, text_out};
use crate::domain::InvalidInput;
use crate::domain::statistics::{EventFigures, EventStatisticsQuery};

impl TryFrom<pb::GetEventStatisticsRequest> for EventStatisticsQuery {
    type Error = Status;

    fn try_from(m: pb::GetEventStatisticsRequest) -> Result<Self, Status> {
        let from = opt_date(&m.from_date, "from")?
            .ok_or_else(|| bad(InvalidInput::new("from", "is required")))?;
        let to = opt_date(&m.to_date, "to")?
            .ok_or_else(|| bad(InvalidInput::new("to", "is required")))?;
        let series_id = opt_text(&m.series_id)
            .map(|s| id(&s, "seriesId"))
            .transpose()?;
        EventStatisticsQuery::new(from, to, series_id).map_err(bad)
    }
}

pub(super) fn figures_out(f: EventFigures) -> pb::EventStatisticsRow {
    pb::EventStatisticsRow {
        event_id: f.event_id.to_string(),
        title: text_out(&f.title),
        kind: kind_out(f.kind),
        state: state_out(f.state),
        start_date: f.start_date.to_string(),
        capacity: f.capacity,
        pending: f.pending,
        confirmed: f.confirmed,
        waitlisted: f.waitlisted,
        offered: f.offered,
        expired: f.expired,
        cancelled: f.cancelled,
        confirmed_seats: f.confirmed_seats,
        attended: f.attended,
        check_ins: f.check_ins,
    }
}
