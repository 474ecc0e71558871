//! What every service's gRPC adapter repeats: an error to a `Status` ([`status`], [`bad`]),
//! the caller from the request's metadata ([`caller`]), and timestamps both ways ([`ts`],
//! [`from_ts`], [`from_opt_ts`], [`parse_ts`]), and period rules both ways ([`period_in`],
//! [`period_out`]).

use chrono::{DateTime, Utc};
use tonic::{Request, Status};

use crate::caller::Caller;
use crate::domain::InvalidInput;
use crate::error::{ServiceError, to_status};

/// The status of a service error (see [`to_status`]: INTERNAL and UNAVAILABLE are logged
/// and their detail withheld).
pub fn status<E: ServiceError>(e: E) -> Status {
    to_status(&e)
}

/// INVALID_ARGUMENT (BAD_USER_INPUT) about the input's field, as a service's
/// `Invalid(InvalidInput)` variant answers it.
pub fn bad(e: InvalidInput) -> Status {
    to_status(&e)
}

/// The caller named by the request's metadata; `None` when anonymous, UNAUTHENTICATED
/// when the metadata is malformed.
pub fn caller<T>(req: &Request<T>) -> Result<Option<Caller>, Status> {
    Caller::from_metadata(req.metadata()).map_err(|e| Status::unauthenticated(e.to_string()))
}

/// A time as a protobuf `Timestamp`.
pub fn ts(t: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// The time of a protobuf `Timestamp`; out of range is BAD_USER_INPUT on `field`.
pub fn from_ts(t: &prost_types::Timestamp, field: &str) -> Result<DateTime<Utc>, Status> {
    parse_ts(t, field).map_err(bad)
}

/// [`from_ts`] as a domain input error, for a `TryFrom<pb::…>` that answers
/// [`InvalidInput`].
pub fn parse_ts(t: &prost_types::Timestamp, field: &str) -> Result<DateTime<Utc>, InvalidInput> {
    let invalid = || InvalidInput::new(field, "is not a valid timestamp");
    let nanos = u32::try_from(t.nanos).map_err(|_| invalid())?;
    DateTime::from_timestamp(t.seconds, nanos).ok_or_else(invalid)
}

/// [`from_ts`] of an optional field; absent is `None`.
pub fn from_opt_ts(
    t: Option<&prost_types::Timestamp>,
    field: &str,
) -> Result<Option<DateTime<Utc>>, Status> {
    t.map(|t| from_ts(t, field)).transpose()
}

/// A period rule on the wire (0 = no limit).
pub fn period_out(p: &crate::domain::period::PeriodRule) -> glocal_proto::common::v1::PeriodRule {
    let d = p.draft();
    glocal_proto::common::v1::PeriodRule {
        from_month: d.from_month,
        to_month: d.to_month,
        max_days: d.max_days,
        editions_per_year: d.per_year,
    }
}

/// A period rule from the wire, still to parse (0 = no limit).
pub fn period_in(p: glocal_proto::common::v1::PeriodRule) -> crate::domain::period::PeriodDraft {
    crate::domain::period::PeriodDraft {
        from_month: p.from_month,
        to_month: p.to_month,
        max_days: p.max_days,
        per_year: p.editions_per_year,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FIELD_METADATA;

    #[test]
    fn timestamps_round_trip_and_bad_ones_name_the_field() {
        let t = DateTime::from_timestamp(1_767_225_600, 123_000_000).unwrap();
        assert_eq!(from_ts(&ts(t), "at").unwrap(), t);
        assert_eq!(from_opt_ts(None, "at").unwrap(), None);
        assert_eq!(from_opt_ts(Some(&ts(t)), "at").unwrap(), Some(t));
        let bad_ts = prost_types::Timestamp {
            seconds: 0,
            nanos: -1,
        };
        let s = from_ts(&bad_ts, "startsAt").unwrap_err();
        assert_eq!(s.code(), tonic::Code::InvalidArgument);
        assert_eq!(s.message(), "startsAt: is not a valid timestamp");
        assert_eq!(
            s.metadata().get(FIELD_METADATA).unwrap().to_str().unwrap(),
            "startsAt"
        );
    }

    #[test]
    fn anonymous_requests_have_no_caller() {
        assert_eq!(caller(&Request::new(())).unwrap(), None);
    }
}
