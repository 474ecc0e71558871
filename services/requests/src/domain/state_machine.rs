//! The workflow as one pure function: which action may move a request from which state,
//! and to where. Who may take an action is the service's business; this is only the graph.
//!
//! ```text
//! SUBMITTED ─register→ REGISTERED ─assign_department→ DEPARTMENT_ASSIGNED ─assign_staff→ STAFF_ASSIGNED
//!   STAFF_ASSIGNED | REOPENED | MID_RESPONDED ─mid_response→ MID_RESPONDED
//!   STAFF_ASSIGNED | MID_RESPONDED | REOPENED ─final_response→ FINAL_RESPONDED ─close→ CLOSED
//!   FINAL_RESPONDED | CLOSED ─reopen→ REOPENED   (the service allows it within the reopen
//!                                                window after the final response)
//!   any open state ─withdraw→ WITHDRAWN;  assigned-or-later open state ─reject→ REJECTED
//!   STAFF_ASSIGNED | MID_RESPONDED | REOPENED ─ask_requester→ AWAITING_REQUESTER
//!   AWAITING_REQUESTER ─resume (the requester replies)→ the state it was asked from
//!   any open state ─merge (into an original; ADR 0024)→ MERGED
//! ```
//!
//! `resume` returns to the state the question was asked from, so it is not a fixed edge of
//! [`transition`] but its own function, [`resume`], that is given that state.

use std::fmt;

use super::RequestState::{self, *};

/// Something that may change a request's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The bureau registers a submitted request.
    Register,
    /// Routing picks a department.
    AssignDepartment,
    /// Routing picks a staff member.
    AssignStaff,
    /// Staff move the request to a department and a staff member.
    Reassign,
    /// Staff move the request to a department with no staff member available.
    ReassignToDepartment,
    /// Staff send a mid-response.
    MidResponse,
    /// Staff send the final response.
    FinalResponse,
    /// The requester withdraws.
    Withdraw,
    /// Staff reject, with a reason.
    Reject,
    /// The requester reopens after the final response, also after closing it (within the
    /// reopen window, which the service checks).
    Reopen,
    /// Requester or staff close after the final response.
    Close,
    /// Staff ask the requester a question; the clock pauses.
    AskRequester,
    /// The requester answers the question; the clock resumes (see [`resume`]).
    Resume,
    /// Staff merge the request, a duplicate, into its original (see
    /// [`super::relations::check_merge`] for the rules about the pair).
    Merge,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 14] = [
        Action::Register,
        Action::AssignDepartment,
        Action::AssignStaff,
        Action::Reassign,
        Action::ReassignToDepartment,
        Action::MidResponse,
        Action::FinalResponse,
        Action::Withdraw,
        Action::Reject,
        Action::Reopen,
        Action::Close,
        Action::AskRequester,
        Action::Resume,
        Action::Merge,
    ];

    /// The action's name in history entries.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Register => "register",
            Action::AssignDepartment => "assign_department",
            Action::AssignStaff => "assign_staff",
            Action::Reassign | Action::ReassignToDepartment => "reassign",
            Action::MidResponse => "mid_response",
            Action::FinalResponse => "final_response",
            Action::Withdraw => "withdraw",
            Action::Reject => "reject",
            Action::Reopen => "reopen",
            Action::Close => "close",
            Action::AskRequester => "ask_requester",
            Action::Resume => "resume",
            Action::Merge => "merge",
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
#[error("cannot {action} a request in state {state}")]
pub struct IllegalTransition {
    /// The state the request is in.
    pub state: RequestState,
    /// The action refused.
    pub action: Action,
}

/// The state `action` leads to from `state`, or why it may not be taken.
pub fn transition(state: RequestState, action: Action) -> Result<RequestState, IllegalTransition> {
    let next = match (action, state) {
        (Action::Register, Submitted) => Registered,
        (Action::AssignDepartment, Registered) => DepartmentAssigned,
        (Action::AssignStaff, DepartmentAssigned) => StaffAssigned,
        (Action::Reassign, Registered | DepartmentAssigned | StaffAssigned) => StaffAssigned,
        (Action::Reassign, MidResponded | Reopened | AwaitingRequester) => state,
        (Action::ReassignToDepartment, Registered | DepartmentAssigned | StaffAssigned) => {
            DepartmentAssigned
        }
        (Action::MidResponse, StaffAssigned | MidResponded | Reopened) => MidResponded,
        (Action::FinalResponse, StaffAssigned | MidResponded | Reopened) => FinalResponded,
        (
            Action::Withdraw,
            Submitted | Registered | DepartmentAssigned | StaffAssigned | MidResponded | Reopened
            | AwaitingRequester,
        ) => Withdrawn,
        (
            Action::Reject,
            Registered | DepartmentAssigned | StaffAssigned | MidResponded | Reopened
            | AwaitingRequester,
        ) => Rejected,
        (Action::AskRequester, StaffAssigned | MidResponded | Reopened) => AwaitingRequester,
        (
            Action::Merge,
            Submitted | Registered | DepartmentAssigned | StaffAssigned | MidResponded | Reopened
            | AwaitingRequester,
        ) => Merged,
        // A requester who closed too early may still reopen within the window.
        (Action::Reopen, FinalResponded | Closed) => Reopened,
        (Action::Close, FinalResponded) => Closed,
        _ => return Err(IllegalTransition { state, action }),
    };
    Ok(next)
}

/// The state a request awaiting the requester returns to when they answer: the one the
/// question was asked from (`asked_from`, which must be a state a question may be asked in).
pub fn resume(
    state: RequestState,
    asked_from: RequestState,
) -> Result<RequestState, IllegalTransition> {
    let illegal = IllegalTransition {
        state,
        action: Action::Resume,
    };
    if state != AwaitingRequester {
        return Err(illegal);
    }
    match transition(asked_from, Action::AskRequester) {
        Ok(AwaitingRequester) => Ok(asked_from),
        _ => Err(illegal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RequestState;

    /// Every legal (from, action, to); any pair not listed must be illegal.
    const LEGAL: &[(RequestState, Action, RequestState)] = &[
        (Submitted, Action::Register, Registered),
        (Registered, Action::AssignDepartment, DepartmentAssigned),
        (DepartmentAssigned, Action::AssignStaff, StaffAssigned),
        (Registered, Action::Reassign, StaffAssigned),
        (DepartmentAssigned, Action::Reassign, StaffAssigned),
        (StaffAssigned, Action::Reassign, StaffAssigned),
        (MidResponded, Action::Reassign, MidResponded),
        (Reopened, Action::Reassign, Reopened),
        (Registered, Action::ReassignToDepartment, DepartmentAssigned),
        (
            DepartmentAssigned,
            Action::ReassignToDepartment,
            DepartmentAssigned,
        ),
        (
            StaffAssigned,
            Action::ReassignToDepartment,
            DepartmentAssigned,
        ),
        (StaffAssigned, Action::MidResponse, MidResponded),
        (MidResponded, Action::MidResponse, MidResponded),
        (Reopened, Action::MidResponse, MidResponded),
        (StaffAssigned, Action::FinalResponse, FinalResponded),
        (MidResponded, Action::FinalResponse, FinalResponded),
        (Reopened, Action::FinalResponse, FinalResponded),
        (Submitted, Action::Withdraw, Withdrawn),
        (Registered, Action::Withdraw, Withdrawn),
        (DepartmentAssigned, Action::Withdraw, Withdrawn),
        (StaffAssigned, Action::Withdraw, Withdrawn),
        (MidResponded, Action::Withdraw, Withdrawn),
        (Reopened, Action::Withdraw, Withdrawn),
        (Registered, Action::Reject, Rejected),
        (DepartmentAssigned, Action::Reject, Rejected),
        (StaffAssigned, Action::Reject, Rejected),
        (MidResponded, Action::Reject, Rejected),
        (Reopened, Action::Reject, Rejected),
        (FinalResponded, Action::Reopen, Reopened),
        (Closed, Action::Reopen, Reopened),
        (FinalResponded, Action::Close, Closed),
        (AwaitingRequester, Action::Reassign, AwaitingRequester),
        (AwaitingRequester, Action::Withdraw, Withdrawn),
        (AwaitingRequester, Action::Reject, Rejected),
        (StaffAssigned, Action::AskRequester, AwaitingRequester),
        (MidResponded, Action::AskRequester, AwaitingRequester),
        (Reopened, Action::AskRequester, AwaitingRequester),
        (Submitted, Action::Merge, Merged),
        (Registered, Action::Merge, Merged),
        (DepartmentAssigned, Action::Merge, Merged),
        (StaffAssigned, Action::Merge, Merged),
        (MidResponded, Action::Merge, Merged),
        (Reopened, Action::Merge, Merged),
        (AwaitingRequester, Action::Merge, Merged),
    ];

    #[test]
    fn every_state_action_pair_is_legal_exactly_when_listed() {
        let mut legal = 0;
        for &state in RequestState::ALL {
            for action in Action::ALL {
                let expected = LEGAL
                    .iter()
                    .find(|(s, a, _)| *s == state && *a == action)
                    .map(|(_, _, to)| *to);
                match (transition(state, action), expected) {
                    (Ok(to), Some(want)) => {
                        assert_eq!(to, want, "{state} --{action:?}-->");
                        legal += 1;
                    }
                    (Err(e), None) => assert_eq!(e, IllegalTransition { state, action }),
                    (got, want) => panic!("{state} --{action:?}--> got {got:?}, want {want:?}"),
                }
            }
        }
        assert_eq!(legal, LEGAL.len());
        assert_eq!(RequestState::ALL.len() * Action::ALL.len(), 168);
    }

    #[test]
    fn terminal_states_allow_nothing_but_reopening_a_closed_request() {
        for &state in RequestState::ALL.iter().filter(|s| s.is_terminal()) {
            for action in Action::ALL {
                let reopen_closed = state == Closed && action == Action::Reopen;
                assert_eq!(
                    transition(state, action).is_ok(),
                    reopen_closed,
                    "{state} {action:?}"
                );
            }
        }
    }

    #[test]
    fn resume_returns_to_the_state_the_question_was_asked_from() {
        for &from in RequestState::ALL {
            let asked = transition(from, Action::AskRequester);
            match resume(AwaitingRequester, from) {
                Ok(back) => {
                    assert_eq!(back, from);
                    assert_eq!(asked, Ok(AwaitingRequester));
                }
                Err(e) => {
                    assert!(asked.is_err(), "{from}");
                    assert_eq!(e.action, Action::Resume);
                }
            }
            // Only a request awaiting the requester resumes.
            if from != AwaitingRequester {
                assert!(resume(from, StaffAssigned).is_err(), "{from}");
            }
        }
        assert_eq!(resume(AwaitingRequester, MidResponded), Ok(MidResponded));
        // A pause does not answer: no final response while awaiting the requester.
        assert!(transition(AwaitingRequester, Action::FinalResponse).is_err());
        assert!(transition(AwaitingRequester, Action::AskRequester).is_err());
    }

    #[test]
    fn the_six_steps_in_order() {
        let mut s = Submitted;
        for a in [
            Action::Register,
            Action::AssignDepartment,
            Action::AssignStaff,
            Action::MidResponse,
            Action::FinalResponse,
            Action::Close,
        ] {
            s = transition(s, a).unwrap();
        }
        assert_eq!(s, Closed);
    }
}
