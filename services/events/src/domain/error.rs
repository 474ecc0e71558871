//! The errors every parse and every state machine of the domain return (the parse error is
//! kit's [`InvalidInput`]).

pub use glocal_kit::domain::InvalidInput;

/// An action a state machine refuses in the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} {what} in state {state}")]
pub struct IllegalTransition {
    /// What kind of thing: "an event", "a registration", …
    pub what: &'static str,
    /// The state it is in.
    pub state: &'static str,
    /// The action refused.
    pub action: &'static str,
}
