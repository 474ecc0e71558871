//! Guest registration for forums (ADR 0049): `registerAsGuest` and
//! `confirmGuestRegistration`, both open to the anonymous public (the gateway's anonymous
//! per-IP rate limit applies). The events service decides everything; these resolvers only
//! map the input and the answer.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use glocal_proto::events::v1 as pb;

use super::EventRegistrationState;
use crate::schema::common::datetime;
use crate::schema::scalars::DateTime;
use crate::upstream::{Events, call, error};

proto_enum!(
    /// Where a guest's request for a seat is.
    GuestRegistrationState, pb::GuestRegistrationState, "GUEST_REGISTRATION_STATE_" {
        /// Waiting for the guest to confirm with the code e-mailed to them; holds no seat.
        PendingConfirmation = "PENDING_CONFIRMATION",
        /// Confirmed: an ordinary registration was made.
        Confirmed = "CONFIRMED",
        /// Not confirmed in time.
        Expired = "EXPIRED",
    }
);

/// An anonymous guest's request for a seat at a forum.
#[derive(InputObject)]
pub struct RegisterAsGuestInput {
    /// The forum.
    pub event_id: ID,
    /// The guest's name.
    pub name: String,
    /// Where the confirmation code goes (one guest per address, case-insensitive).
    pub email: String,
    /// University, institute or civic organisation.
    pub affiliation: Option<String>,
    /// The language of the e-mail: `ko`, `en`, `zh` or `ja` (default `en`).
    pub language: Option<String>,
    /// Leave empty: a form field people never see (robots fill it in and are refused).
    pub website: Option<String>,
}

/// A guest's request for a seat (the confirmation code is never in an answer: it goes by
/// e-mail only).
#[derive(SimpleObject)]
pub struct GuestRegistration {
    /// The request.
    pub id: ID,
    /// The forum.
    pub event_id: ID,
    /// Where the request is.
    pub state: GuestRegistrationState,
    /// Until when the confirmation code is valid.
    pub expires_at: Option<DateTime>,
    /// Once confirmed: the registration made.
    pub registration_id: Option<ID>,
    /// Once confirmed: CONFIRMED, or WAITLISTED when the forum was full.
    pub registration_state: Option<EventRegistrationState>,
}

fn guest_registration(g: pb::GuestRegistration) -> Result<GuestRegistration> {
    Ok(GuestRegistration {
        id: ID(g.id),
        event_id: ID(g.event_id),
        state: GuestRegistrationState::from_proto(g.state)?,
        expires_at: datetime(g.expires_at.as_ref()),
        registration_id: (!g.registration_id.is_empty()).then_some(ID(g.registration_id)),
        registration_state: (g.registration_state != 0)
            .then(|| EventRegistrationState::from_proto(g.registration_state))
            .transpose()?,
    })
}

/// Guest registration's mutations.
#[derive(Default)]
pub struct GuestsMutation;

#[Object]
impl GuestsMutation {
    /// Asks for a seat at a public forum without signing in: PENDING_CONFIRMATION (no seat
    /// held) until confirmed with the code e-mailed in the guest's language. Refusals:
    /// `GUESTS_NOT_ALLOWED`, `GUEST_ALREADY_REGISTERED`, `GUEST_LIMIT_EMAIL`,
    /// `GUEST_LIMIT_EVENT`, `GUEST_REJECTED`, `REGISTRATION_NOT_OPEN`, `REGISTRATION_CLOSED`.
    async fn register_as_guest(
        &self,
        ctx: &Context<'_>,
        input: RegisterAsGuestInput,
    ) -> Result<GuestRegistration> {
        let message = pb::RegisterAsGuestRequest {
            event_id: input.event_id.0,
            name: input.name,
            email: input.email,
            affiliation: input.affiliation.unwrap_or_default(),
            language: input.language.unwrap_or_default(),
            website: input.website.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Events, message)?;
        let data = client
            .register_as_guest(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        guest_registration(data)
    }

    /// Confirms a guest's request with the code from the e-mail: an ordinary registration,
    /// CONFIRMED while seats are free and nobody waits, else WAITLISTED. Refusals:
    /// `GUEST_TOKEN_INVALID` (unknown or used), `GUEST_TOKEN_EXPIRED`,
    /// `GUEST_ALREADY_REGISTERED`.
    async fn confirm_guest_registration(
        &self,
        ctx: &Context<'_>,
        token: String,
    ) -> Result<GuestRegistration> {
        let message = pb::ConfirmGuestRegistrationRequest { token };
        let (mut client, request) = call(ctx, Events, message)?;
        let data = client
            .confirm_guest_registration(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        guest_registration(data)
    }
}
