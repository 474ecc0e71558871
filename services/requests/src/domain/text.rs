//! Free text with bounds: titles, descriptions, message bodies and reasons.

use std::fmt;

use super::InvalidInput;

fn bounded(s: &str, field: &str, min: usize, max: usize) -> Result<String, InvalidInput> {
    let s = s.trim();
    let n = s.chars().count();
    if n < min {
        return Err(InvalidInput::new(
            field,
            if min == 1 {
                "is required".to_owned()
            } else {
                format!("must be at least {min} characters")
            },
        ));
    }
    if n > max {
        return Err(InvalidInput::new(
            field,
            format!("must be at most {max} characters (got {n})"),
        ));
    }
    Ok(s.to_owned())
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $min:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Smallest accepted length in characters (after trimming).
            pub const MIN: usize = $min;
            /// Largest accepted length in characters (after trimming).
            pub const MAX: usize = $max;

            #[doc = concat!("Trims and checks the length; field `", $field, "`.")]
            pub fn parse(s: &str) -> Result<Self, InvalidInput> {
                bounded(s, $field, $min, $max).map($name)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

bounded_text!(
    /// A request's title: 1..=200 characters.
    Title, "title", 1, 200
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
