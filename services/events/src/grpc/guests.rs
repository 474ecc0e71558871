//! Proto ⇄ domain for guest registration (`RegisterAsGuest`, `ConfirmGuestRegistration`,
//! ADR 0049). Both are callable without a caller; the rules are the service's.

use glocal_kit::grpc::{bad, status, ts};
use glocal_proto::events::v1 as pb;
use tonic::Response;

use super::{GrpcResult, id, reg_state_out};
use crate::domain::{GuestDraft, GuestState, GuestToken};
use crate::service::{EventOffice, GuestRequestView};

fn state_out(s: GuestState) -> i32 {
    match s {
        GuestState::PendingConfirmation => pb::GuestRegistrationState::PendingConfirmation,
        GuestState::Confirmed => pb::GuestRegistrationState::Confirmed,
        GuestState::Expired => pb::GuestRegistrationState::Expired,
    }
    .into()
}

fn guest_out(v: GuestRequestView) -> pb::GuestRegistration {
    pb::GuestRegistration {
        id: v.id.to_string(),
        event_id: v.event_id.to_string(),
        state: state_out(v.state),
        expires_at: Some(ts(v.expires_at)),
        registration_id: v.registration_id.map(|r| r.to_string()).unwrap_or_default(),
        registration_state: v.registration_state.map(reg_state_out).unwrap_or(0),
    }
}

/// `RegisterAsGuest`: parse (the honeypot first), then the service.
pub(super) async fn register(
    office: &EventOffice,
    m: pb::RegisterAsGuestRequest,
) -> GrpcResult<pb::GuestRegistration> {
    let event_id = id(&m.event_id, "eventId")?;
    let draft = GuestDraft {
        name: m.name,
        email: m.email,
        affiliation: m.affiliation,
        language: m.language,
        website: m.website,
    };
    let new = draft
        .parse()
        .map_err(|r| status(office.guest_refusal(r)))?
        .map_err(bad)?;
    office
        .register_guest(event_id, new)
        .await
        .map(|v| Response::new(guest_out(v)))
        .map_err(status)
}

/// `ConfirmGuestRegistration`.
pub(super) async fn confirm(
    office: &EventOffice,
    m: pb::ConfirmGuestRegistrationRequest,
) -> GrpcResult<pb::GuestRegistration> {
    let token = GuestToken::from_text(&m.token);
    office
        .confirm_guest(&token)
        .await
        .map(|v| Response::new(guest_out(v)))
        .map_err(status)
}
