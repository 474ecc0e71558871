//! Free text with bounds: titles, descriptions, message bodies and reasons.

use glocal_kit::bounded_text;
use glocal_kit::domain::bounded;

use super::InvalidInput;

bounded_text!(
    /// A request's title: one line of 1..=200 characters.
    Title, "title", 1, 200, single_line
);
bounded_text!(
    /// A request's description: 1..=10 000 characters.
    Description, "description", 1, 10_000
);
bounded_text!(
    /// The body of a response, reply or note: 1..=10 000 characters.
    MessageBody, "body", 1, 10_000
);
bounded_text!(
    /// Why a request is rejected, withdrawn or reopened: 1..=2 000 characters.
    Reason, "reason", 1, 2_000
);

/// Checks optional-or-bounded free text inside details.
pub(crate) fn checked(
    s: &str,
    field: &str,
    min: usize,
    max: usize,
) -> Result<String, InvalidInput> {
    bounded(s, field, min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_trimmed_and_bounded() {
        assert_eq!(Title::parse("  Hello ").unwrap().as_str(), "Hello");
        assert_eq!(Title::parse("   ").unwrap_err().field(), "title");
        assert!(Title::parse(&"가".repeat(200)).is_ok());
        assert!(Title::parse(&"가".repeat(201)).is_err());
    }

    #[test]
    fn description_and_body_limits() {
        assert!(Description::parse(&"a".repeat(10_000)).is_ok());
        assert_eq!(
            Description::parse(&"a".repeat(10_001)).unwrap_err().field(),
            "description"
        );
        assert_eq!(MessageBody::parse("").unwrap_err().field(), "body");
        assert!(MessageBody::parse(&"a".repeat(10_001)).is_err());
        assert_eq!(Reason::parse(" ").unwrap_err().field(), "reason");
    }
}
