//! Registrations, by an individual or by a delegation, and their life cycle as one pure
//! function.
//!
//! ```text
//! PENDING ─confirm→ CONFIRMED          (seats free and nobody waiting)
//! PENDING ─waitlist→ WAITLISTED        (full, or others are waiting)
//! WAITLISTED ─offer→ OFFERED           (a seat freed up and it is first in line)
//! OFFERED ─accept→ CONFIRMED;  OFFERED ─expire→ EXPIRED (then the next in line is offered)
//! PENDING | CONFIRMED | WAITLISTED | OFFERED ─cancel→ CANCELLED
//! ```
//! CONFIRMED and OFFERED registrations hold their seats; the sum of seats held never
//! exceeds the event's capacity.
//!
//! An offer lapses at its deadline ([`offer_lapsed`]). Reads write nothing: from that moment
//! the registration reads as EXPIRED ([`RegistrationState::as_of`]) and its seats as free,
//! while the row still says OFFERED until the sweeper or the next write on the event
//! persists the expiry (and offers the seats to the next in line).

use chrono::{DateTime, Utc};

use super::values::bounded;
use super::{CountryCode, IdempotencyKey, IllegalTransition, InvalidInput};

text_enum!(
    /// Who registers.
    RegistrationKind, "kind" {
        /// One person.
        Individual => "INDIVIDUAL",
        /// A delegation: head and members, for a country and organisation.
        Delegation => "DELEGATION",
    }
);

text_enum!(
    /// Where a registration is.
    RegistrationState, "state" {
        /// Just received, not yet decided.
        Pending => "PENDING",
        /// Holds its seats.
        Confirmed => "CONFIRMED",
        /// Waiting for seats.
        Waitlisted => "WAITLISTED",
        /// Offered seats that free up; holds them until the offer expires.
        Offered => "OFFERED",
        /// The offer lapsed.
        Expired => "EXPIRED",
        /// Cancelled by the registrant or the bureau.
        Cancelled => "CANCELLED",
    }
);

impl RegistrationState {
    /// True when the registration holds its seats.
    pub fn holds_seats(self) -> bool {
        matches!(
            self,
            RegistrationState::Confirmed | RegistrationState::Offered
        )
    }

    /// The state as of `now` of a registration stored in this state with the offer deadline
    /// `offer_expires_at`: an offer past its deadline reads as EXPIRED (what the sweeper or
    /// the next write will persist); every other state reads as stored.
    pub fn as_of(
        self,
        offer_expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> RegistrationState {
        match self {
            RegistrationState::Offered if offer_lapsed(offer_expires_at, now) => {
                RegistrationState::Expired
            }
            state => state,
        }
    }

    /// True while the registration is alive (counts as the registrant's registration).
    pub fn is_active(self) -> bool {
        !matches!(
            self,
            RegistrationState::Expired | RegistrationState::Cancelled
        )
    }
}

text_enum!(
    /// What happens to a registration.
    RegistrationAction, "action" {
        /// Seats were free: confirm.
        Confirm => "confirm",
        /// No seats: wait.
        Waitlist => "waitlist",
        /// Seats freed up: offer them.
        Offer => "offer",
        /// The registrant takes the offer.
        Accept => "accept",
        /// The offer lapsed.
        Expire => "expire",
        /// Cancel.
        Cancel => "cancel",
    }
);

/// Whether an offer open until `expires_at` has lapsed at `now`: at its deadline it has.
pub fn offer_lapsed(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expires_at.is_some_and(|deadline| deadline <= now)
}

/// The state `action` leads to from `state`, or why it may not be taken.
pub fn registration_transition(
    state: RegistrationState,
    action: RegistrationAction,
) -> Result<RegistrationState, IllegalTransition> {
    use RegistrationAction as A;
    use RegistrationState::*;
    let next = match (action, state) {
        (A::Confirm, Pending) | (A::Accept, Offered) => Confirmed,
        (A::Waitlist, Pending) => Waitlisted,
        (A::Offer, Waitlisted) => Offered,
        (A::Expire, Offered) => Expired,
        (A::Cancel, Pending | Confirmed | Waitlisted | Offered) => Cancelled,
        _ => {
            return Err(IllegalTransition {
                what: "a registration",
                state: state.as_str(),
                action: action.as_str(),
            });
        }
    };
    Ok(next)
}

/// A registration as a client sends it, unvalidated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistrationDraft {
    /// Makes retries safe; required.
    pub idempotency_key: String,
    /// Individual or delegation (required).
    pub kind: Option<RegistrationKind>,
    /// Individuals: the attendee; empty = the caller's name.
    pub attendee_name: String,
    /// Delegations: ISO 3166-1 alpha-2 country.
    pub country: String,
    /// Delegations: organisation.
    pub organization: String,
    /// Delegations: head of delegation.
    pub head_of_delegation: String,
    /// Delegations: the other members.
    pub members: Vec<String>,
}

/// Who attends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    /// One person.
    Individual {
        /// Name.
        attendee: String,
    },
    /// A delegation.
    Delegation {
        /// Country.
        country: CountryCode,
        /// Organisation.
        organization: String,
        /// Head of delegation.
        head: String,
        /// Other members (distinct, not the head).
        members: Vec<String>,
    },
}

impl Party {
    /// The kind of registration.
    pub fn kind(&self) -> RegistrationKind {
        match self {
            Party::Individual { .. } => RegistrationKind::Individual,
            Party::Delegation { .. } => RegistrationKind::Delegation,
        }
    }

    /// Seats needed: one per person.
    pub fn seats(&self) -> u32 {
        match self {
            Party::Individual { .. } => 1,
            Party::Delegation { members, .. } => {
                1 + u32::try_from(members.len()).unwrap_or(u32::MAX - 1)
            }
        }
    }

    /// Everyone who may check in: the attendee, or the head then the members.
    pub fn attendees(&self) -> Vec<&str> {
        match self {
            Party::Individual { attendee } => vec![attendee.as_str()],
            Party::Delegation { head, members, .. } => std::iter::once(head.as_str())
                .chain(members.iter().map(String::as_str))
                .collect(),
        }
    }
}

/// A validated registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegistration {
    /// Makes retries safe.
    pub idempotency_key: IdempotencyKey,
    /// Who attends.
    pub party: Party,
}

/// Largest delegation, head included.
pub const MAX_DELEGATION: usize = 50;

impl RegistrationDraft {
    /// Checks every field; `caller_name` stands in for a missing attendee name.
    pub fn parse(&self, caller_name: &str) -> Result<NewRegistration, InvalidInput> {
        let idempotency_key = IdempotencyKey::parse(&self.idempotency_key)?;
        let kind = self
            .kind
            .ok_or_else(|| InvalidInput::new("kind", "is required"))?;
        let party = match kind {
            RegistrationKind::Individual => {
                let name = if self.attendee_name.trim().is_empty() {
                    caller_name
                } else {
                    &self.attendee_name
                };
                Party::Individual {
                    attendee: bounded(name, "attendeeName", 1, 100)?,
                }
            }
            RegistrationKind::Delegation => {
                let country = CountryCode::parse(&self.country)?;
                let organization = bounded(&self.organization, "organization", 1, 200)?;
                let head = bounded(&self.head_of_delegation, "headOfDelegation", 1, 100)?;
                if self.members.len() + 1 > MAX_DELEGATION {
                    return Err(InvalidInput::localized(
                        "members",
                        glocal_kit::i18n::Message::new("input-delegation-size")
                            .arg("max", MAX_DELEGATION),
                    ));
                }
                let mut members: Vec<String> = Vec::new();
                for (i, m) in self.members.iter().enumerate() {
                    let field = format!("members[{i}]");
                    let m = bounded(m, &field, 1, 100)?;
                    if m == head || members.contains(&m) {
                        return Err(InvalidInput::new(field, "is listed twice"));
                    }
                    members.push(m);
                }
                Party::Delegation {
                    country,
                    organization,
                    head,
                    members,
                }
            }
        };
        Ok(NewRegistration {
            idempotency_key,
            party,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::RegistrationAction as A;
    use super::RegistrationState::*;
    use super::*;

    /// A change that spoils one field of a valid draft.
    type Spoil = fn(&mut RegistrationDraft);

    const LEGAL: &[(RegistrationState, RegistrationAction, RegistrationState)] = &[
        (Pending, A::Confirm, Confirmed),
        (Pending, A::Waitlist, Waitlisted),
        (Waitlisted, A::Offer, Offered),
        (Offered, A::Accept, Confirmed),
        (Offered, A::Expire, Expired),
        (Pending, A::Cancel, Cancelled),
        (Confirmed, A::Cancel, Cancelled),
        (Waitlisted, A::Cancel, Cancelled),
        (Offered, A::Cancel, Cancelled),
    ];

    #[test]
    fn every_state_action_pair_is_legal_exactly_when_listed() {
        let mut legal = 0;
        for &state in RegistrationState::ALL {
            for &action in RegistrationAction::ALL {
                let want = LEGAL
                    .iter()
                    .find(|(s, a, _)| *s == state && *a == action)
                    .map(|(_, _, to)| *to);
                match (registration_transition(state, action), want) {
                    (Ok(to), Some(want)) => {
                        assert_eq!(to, want);
                        legal += 1;
                    }
                    (Err(_), None) => {}
                    (got, want) => panic!("{state} --{action}--> got {got:?}, want {want:?}"),
                }
            }
        }
        assert_eq!(legal, LEGAL.len());
        assert_eq!(
            RegistrationState::ALL.len() * RegistrationAction::ALL.len(),
            36
        );
    }

    #[test]
    fn seats_are_held_by_confirmed_and_offered_only() {
        let holding: Vec<_> = RegistrationState::ALL
            .iter()
            .filter(|s| s.holds_seats())
            .collect();
        assert_eq!(holding, [&Confirmed, &Offered]);
    }

    #[test]
    fn an_offer_reads_as_expired_from_its_deadline_on() {
        let deadline = DateTime::parse_from_rfc3339("2026-06-02T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let before = deadline - chrono::Duration::microseconds(1);
        assert_eq!(Offered.as_of(Some(deadline), before), Offered);
        assert_eq!(Offered.as_of(Some(deadline), deadline), Expired);
        assert!(!offer_lapsed(None, deadline));
        // Only an open offer lapses; every other state reads as stored.
        for &state in RegistrationState::ALL {
            if state != Offered {
                assert_eq!(state.as_of(Some(before), deadline), state);
            }
        }
    }

    fn delegation() -> RegistrationDraft {
        RegistrationDraft {
            idempotency_key: "d1".into(),
            kind: Some(RegistrationKind::Delegation),
            country: "JP".into(),
            organization: "Fukuoka City".into(),
            head_of_delegation: "Tanaka".into(),
            members: vec!["Sato".into(), "Suzuki".into()],
            ..RegistrationDraft::default()
        }
    }

    #[test]
    fn a_delegation_takes_a_seat_per_person() {
        let r = delegation().parse("caller").unwrap();
        assert_eq!(r.party.seats(), 3);
        assert_eq!(r.party.attendees(), ["Tanaka", "Sato", "Suzuki"]);
        assert_eq!(r.party.kind(), RegistrationKind::Delegation);
    }

    #[test]
    fn an_individual_defaults_to_the_callers_name() {
        let d = RegistrationDraft {
            idempotency_key: "i1".into(),
            kind: Some(RegistrationKind::Individual),
            ..RegistrationDraft::default()
        };
        let r = d.parse("김민지").unwrap();
        assert_eq!(r.party.attendees(), ["김민지"]);
        assert_eq!(r.party.seats(), 1);
    }

    #[test]
    fn bad_delegations_name_the_field() {
        let cases: Vec<(Spoil, &str)> = vec![
            (|d| d.kind = None, "kind"),
            (|d| d.country = "Japan".into(), "country"),
            (|d| d.organization.clear(), "organization"),
            (|d| d.head_of_delegation.clear(), "headOfDelegation"),
            (|d| d.members.push("Sato".into()), "members[2]"),
            (|d| d.members.push("Tanaka".into()), "members[2]"),
            (|d| d.members = vec!["m".into(); 50], "members"),
        ];
        for (spoil, field) in cases {
            let mut d = delegation();
            spoil(&mut d);
            assert_eq!(d.parse("x").unwrap_err().field(), field);
        }
    }
}
