//! The errors every parse and every state machine of the domain return.

/// Input that does not parse; names the field at fault (a camelCase GraphQL-style path such
/// as `title.en` or `members[2]`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidInput {
    field: String,
    message: String,
}

impl InvalidInput {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error, reported against another field path.
    #[must_use]
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }

    /// The field path at fault.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

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
