//! The one error every parse in the domain returns: what is wrong, and with which input
//! field (a camelCase GraphQL-style path such as `profile.grade`).

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

    /// The same error, reported against another field path.
    #[must_use]
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }

    /// The same error, with `prefix.` put before its field path.
    #[must_use]
    pub fn under(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}.{}", self.field);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_compose() {
        let e = InvalidInput::new("grade", "out of range").under("profile");
        assert_eq!(e.field(), "profile.grade");
        assert_eq!(e.to_string(), "profile.grade: out of range");
        assert_eq!(e.at("x").field(), "x");
    }
}
