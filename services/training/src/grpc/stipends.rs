//! Proto of stipend schedules and payments.

use glocal_proto::training::v1 as pb;

use super::{date, money_to_pb, payer_to_pb, payment_state_to_pb};
use crate::service;

/// One payment as the API sends it.
pub(super) fn payment_to_pb(p: service::StipendPayment) -> pb::StipendPayment {
    pb::StipendPayment {
        id: p.id.to_string(),
        application_id: p.application_id.to_string(),
        payer: payer_to_pb(p.payer),
        period: p.period,
        period_start: date(p.period_start),
        period_end: date(p.period_end),
        days_present: p.days_present,
        days_in_period: p.days_in_period,
        amount: Some(money_to_pb(&p.amount)),
        state: payment_state_to_pb(p.state),
        note: p.note,
        version: p.version.get(),
    }
}

/// A participant's schedule as the API sends it.
pub(super) fn schedule_to_pb(s: service::StipendSchedule) -> pb::StipendSchedule {
    pb::StipendSchedule {
        application_id: s.application_id.to_string(),
        totals: s.totals.iter().map(money_to_pb).collect(),
        payments: s.payments.into_iter().map(payment_to_pb).collect(),
    }
}
