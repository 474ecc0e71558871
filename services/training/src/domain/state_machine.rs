//! The two workflows as pure functions: which action may move an application (or a stipend
//! payment) from which state, and to where. Who may act is the service's business.
//!
//! ```text
//! DRAFT ─submit→ SUBMITTED ─start_screening→ SCREENING ─pass_screening→ UNDER_REVIEW (stage 1)
//!   SCREENING ─fail_screening→ REJECTED
//!   UNDER_REVIEW ─advance→ UNDER_REVIEW (next stage)   UNDER_REVIEW ─eliminate→ REJECTED   (a stage cut)
//!   UNDER_REVIEW ─accept→ ACCEPTED   UNDER_REVIEW ─waitlist→ WAITLISTED   WAITLISTED ─accept|promote→ ACCEPTED
//!   SUBMITTED | SCREENING | UNDER_REVIEW | WAITLISTED ─reject→ REJECTED
//!   any state but REJECTED / WITHDRAWN ─withdraw→ WITHDRAWN
//!   ACCEPTED ─update_participation→ ACCEPTED
//!
//! SCHEDULED ─approve→ APPROVED ─pay→ PAID;  APPROVED ─fail→ FAILED ─retry→ APPROVED
//! ```

use std::fmt;

use super::ApplicationState::{self, *};
use super::{PaymentAction, PaymentState};

/// Something that may change an application's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The applicant submits a draft.
    Submit,
    /// Staff begin screening.
    StartScreening,
    /// Screening passed.
    PassScreening,
    /// Screening failed.
    FailScreening,
    /// A stage cut moves the application to the next stage.
    Advance,
    /// A stage cut eliminates the application.
    Eliminate,
    /// Staff accept (within capacity).
    Accept,
    /// Staff put the application on the waitlist.
    Waitlist,
    /// Staff reject.
    Reject,
    /// A freed place goes to the first waitlisted application.
    Promote,
    /// The applicant withdraws.
    Withdraw,
    /// Staff set the placement, mentor or dates of a participant.
    UpdateParticipation,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 12] = [
        Action::Submit,
        Action::StartScreening,
        Action::PassScreening,
        Action::FailScreening,
        Action::Advance,
        Action::Eliminate,
        Action::Accept,
        Action::Waitlist,
        Action::Reject,
        Action::Promote,
        Action::Withdraw,
        Action::UpdateParticipation,
    ];

    /// The action's name in history entries and outbox events.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::StartScreening => "start_screening",
            Action::PassScreening => "pass_screening",
            Action::FailScreening => "fail_screening",
            Action::Advance => "advance",
            Action::Eliminate => "eliminate",
            Action::Accept => "accept",
            Action::Waitlist => "waitlist",
            Action::Reject => "reject",
            Action::Promote => "promote",
            Action::Withdraw => "withdraw",
            Action::UpdateParticipation => "update_participation",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action the current state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} an application in state {state}")]
pub struct IllegalTransition {
    /// The state the application is in.
    pub state: ApplicationState,
    /// The action refused.
    pub action: Action,
}

/// The state `action` leads to from `state`, or why it may not be taken.
pub fn transition(
    state: ApplicationState,
    action: Action,
) -> Result<ApplicationState, IllegalTransition> {
    let next = match (action, state) {
        (Action::Submit, Draft) => Submitted,
        (Action::StartScreening, Submitted) => Screening,
        (Action::PassScreening, Screening) => UnderReview,
        (Action::FailScreening, Screening) => Rejected,
        (Action::Advance, UnderReview) => UnderReview,
        (Action::Eliminate, UnderReview) => Rejected,
        (Action::Accept, UnderReview | Waitlisted) => Accepted,
        (Action::Waitlist, UnderReview) => Waitlisted,
        (Action::Reject, Submitted | Screening | UnderReview | Waitlisted) => Rejected,
        (Action::Promote, Waitlisted) => Accepted,
        (Action::Withdraw, Draft | Submitted | Screening | UnderReview | Accepted | Waitlisted) => {
            Withdrawn
        }
        (Action::UpdateParticipation, Accepted) => Accepted,
        _ => return Err(IllegalTransition { state, action }),
    };
    Ok(next)
}

/// A payment action the payment's state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} a payment in state {state}")]
pub struct IllegalPaymentTransition {
    /// The payment's state.
    pub state: PaymentState,
    /// The action refused.
    pub action: PaymentAction,
}

/// The state a payment action leads to.
pub fn payment_transition(
    state: PaymentState,
    action: PaymentAction,
) -> Result<PaymentState, IllegalPaymentTransition> {
    use PaymentState as S;
    Ok(match (action, state) {
        (PaymentAction::Approve, S::Scheduled) => S::Approved,
        (PaymentAction::Pay, S::Approved) => S::Paid,
        (PaymentAction::Fail, S::Approved) => S::Failed,
        (PaymentAction::Retry, S::Failed) => S::Approved,
        _ => return Err(IllegalPaymentTransition { state, action }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every legal (from, action, to); any pair not listed must be illegal.
    const LEGAL: &[(ApplicationState, Action, ApplicationState)] = &[
        (Draft, Action::Submit, Submitted),
        (Submitted, Action::StartScreening, Screening),
        (Screening, Action::PassScreening, UnderReview),
        (Screening, Action::FailScreening, Rejected),
        (UnderReview, Action::Advance, UnderReview),
        (UnderReview, Action::Eliminate, Rejected),
        (UnderReview, Action::Accept, Accepted),
        (Waitlisted, Action::Accept, Accepted),
        (UnderReview, Action::Waitlist, Waitlisted),
        (Submitted, Action::Reject, Rejected),
        (Screening, Action::Reject, Rejected),
        (UnderReview, Action::Reject, Rejected),
        (Waitlisted, Action::Reject, Rejected),
        (Waitlisted, Action::Promote, Accepted),
        (Draft, Action::Withdraw, Withdrawn),
        (Submitted, Action::Withdraw, Withdrawn),
        (Screening, Action::Withdraw, Withdrawn),
        (UnderReview, Action::Withdraw, Withdrawn),
        (Accepted, Action::Withdraw, Withdrawn),
        (Waitlisted, Action::Withdraw, Withdrawn),
        (Accepted, Action::UpdateParticipation, Accepted),
    ];

    #[test]
    fn every_state_action_pair_is_legal_exactly_when_listed() {
        let mut legal = 0;
        for &state in ApplicationState::ALL {
            for action in Action::ALL {
                let expected = LEGAL
                    .iter()
                    .find(|(s, a, _)| *s == state && *a == action)
                    .map(|(_, _, to)| *to);
                match (transition(state, action), expected) {
                    (Ok(to), Some(want)) => {
                        assert_eq!(to, want, "{state} --{action}-->");
                        legal += 1;
                    }
                    (Err(e), None) => assert_eq!(e, IllegalTransition { state, action }),
                    (got, want) => panic!("{state} --{action}--> got {got:?}, want {want:?}"),
                }
            }
        }
        assert_eq!(legal, LEGAL.len());
        assert_eq!(ApplicationState::ALL.len() * Action::ALL.len(), 96);
    }

    #[test]
    fn terminal_states_allow_nothing() {
        for &state in ApplicationState::ALL.iter().filter(|s| s.is_terminal()) {
            for action in Action::ALL {
                assert!(transition(state, action).is_err(), "{state} {action}");
            }
        }
    }

    #[test]
    fn every_payment_state_action_pair() {
        use PaymentState as S;
        let legal = [
            (S::Scheduled, PaymentAction::Approve, S::Approved),
            (S::Approved, PaymentAction::Pay, S::Paid),
            (S::Approved, PaymentAction::Fail, S::Failed),
            (S::Failed, PaymentAction::Retry, S::Approved),
        ];
        for &state in PaymentState::ALL {
            for &action in PaymentAction::ALL {
                let want = legal
                    .iter()
                    .find(|(s, a, _)| *s == state && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    payment_transition(state, action).ok(),
                    want,
                    "{state} {action}"
                );
            }
        }
    }
}
