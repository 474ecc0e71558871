//! The one error every parse in the domain returns: kit's [`InvalidInput`], what is wrong
//! and with which input field (a camelCase GraphQL-style path such as `profile.grade`).

pub use glocal_kit::domain::InvalidInput;
