//! The one error every parse in the domain returns: what is wrong, and with which input
//! field (a camelCase GraphQL-style path such as `title.ko` or `links[2].url`).

/// Input that does not parse; names the field at fault.
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

    /// The field path at fault.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }
}
