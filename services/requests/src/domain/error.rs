//! The one error every parse in the domain returns: kit's [`InvalidInput`], what is wrong
//! and with which input field (a camelCase GraphQL-style path such as `details.overseasVisit.delegationSize`).

pub use glocal_kit::domain::InvalidInput;
