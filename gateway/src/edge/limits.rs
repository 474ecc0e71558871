//! Limits against abusive operations, beyond what async-graphql checks itself (depth,
//! complexity and parser recursion are set on the schema, see `build_schema`):
//!
//! - [`check_nesting`] refuses a document nested deeper than [`MAX_NESTING`] brackets
//!   before it is parsed, so a hostile `{a{a{a…` cannot exhaust the parser's stack;
//! - [`AliasLimit`] refuses a document with more aliased fields than `gateway.max_aliases`
//!   (aliases let one small query ask for the same expensive field thousands of times).
//!
//! A refused document is a request error (no `data`, `BAD_USER_INPUT`).

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, ServerError, ServerResult, Variables};

/// Deepest bracket nesting (`{`, `(`, `[`) a document may have before it is parsed.
pub const MAX_NESTING: usize = 64;

/// Refuses `query` when its brackets nest deeper than `max` (strings and comments do not
/// count).
pub fn check_nesting(query: &str, max: usize) -> Result<(), String> {
    let bytes = query.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'(' | b'[' => {
                depth += 1;
                if depth > max {
                    return Err(format!("the document nests deeper than {max} levels"));
                }
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The number of aliased fields in `doc` (operations and fragment definitions).
pub fn count_aliases(doc: &ExecutableDocument) -> usize {
    let operations: usize = doc
        .operations
        .iter()
        .map(|(_, op)| in_selection_set(&op.node.selection_set))
        .sum();
    let fragments: usize = doc
        .fragments
        .values()
        .map(|f| in_selection_set(&f.node.selection_set))
        .sum();
    operations + fragments
}

fn in_selection_set(set: &Positioned<SelectionSet>) -> usize {
    set.node
        .items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some())
                    + in_selection_set(&field.node.selection_set)
            }
            Selection::InlineFragment(fragment) => in_selection_set(&fragment.node.selection_set),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Refuses documents with more than `max` aliased fields (a schema extension).
#[derive(Debug, Clone, Copy)]
pub struct AliasLimit {
    /// Most aliases allowed.
    pub max: usize,
}

impl ExtensionFactory for AliasLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for AliasLimit {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let aliases = count_aliases(&doc);
        if aliases > self.max {
            return Err(ServerError::new(
                format!(
                    "the document has {aliases} aliases; at most {} are allowed",
                    self.max
                ),
                None,
            ));
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_brackets_outside_strings_and_comments() {
        assert!(check_nesting("{ a { b(x: [1, {y: 2}]) } }", 5).is_ok());
        assert!(check_nesting("{ a { b(x: [1, {y: 2}]) } }", 4).is_err());
        let quoted = r#"{ a(s: "{{{{{{", t: """ {{{{{ \""" {{{ """) # {{{{{{
        }"#;
        assert!(
            check_nesting(quoted, 2).is_ok(),
            "strings and comments are skipped"
        );
        let hostile = format!("{}{}", "{a".repeat(100_000), "}".repeat(100_000));
        assert!(check_nesting(&hostile, MAX_NESTING).is_err());
    }

    #[test]
    fn aliases_are_counted_in_operations_and_fragments() {
        let doc = async_graphql::parser::parse_query(
            "query { a: me { b: subject } me { name } ... on Query { c: me { subject } } ...F }
             fragment F on Query { d: me { e: org } }",
        )
        .unwrap();
        assert_eq!(count_aliases(&doc), 5);
    }
}
