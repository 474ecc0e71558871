//! Limits against abusive documents, checked in time linear in the document's size
//! (ADR 0014), before async-graphql validates or runs anything:
//!
//! - [`check_size`] refuses a document longer than `gateway.max_document_bytes` and
//!   [`check_nesting`] one nested deeper than [`MAX_NESTING`] brackets, both before it is
//!   parsed, so a hostile `{a{a{a…` cannot exhaust the parser's stack;
//! - [`analyse`] counts, in one pass over the parsed document, the fragment spreads,
//!   directives and variable definitions as written (hard caps `max_fragment_spreads`,
//!   `max_directives`, `max_variables`), and the depth, complexity (every selected field)
//!   and aliases *as executed*, with each fragment spread counted where it is spread:
//!   each fragment's cost is computed once and reused (memoised in dependency order), so
//!   `fragment B0 { ...B1 ...B1 } … fragment B30 { x }` costs 31 steps to measure, not
//!   2^30. Validation and execution then only ever meet documents whose expansion is
//!   bounded by `max_complexity`.
//!
//! [`check_request`] applies them to every operation (HTTP and WebSocket alike), before
//! async-graphql's own parse step. A
//! refused document is a request error (no `data`, `BAD_USER_INPUT`).

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, Request, ServerError, ServerResult};
use glocal_kit::config::GatewaySettings;
use glocal_kit::i18n::{Lang, Message};

/// Deepest bracket nesting (`{`, `(`, `[`) a document may have before it is parsed: at or
/// below the parser's own recursion limit (32), so that a document nested deeper is refused
/// here with the same message and code as one nested deeper than `max_depth` fields, never
/// with the parser's "recursion depth" error.
pub const MAX_NESTING: usize = 32;

/// Refuses `query` when it is longer than `max` bytes.
pub fn check_size(query: &str, max: usize) -> Result<(), Message> {
    if query.len() > max {
        return Err(Message::new("limit-document-bytes")
            .arg("bytes", query.len())
            .arg("max", max));
    }
    Ok(())
}

/// Refuses `query` when its brackets nest deeper than `max` (strings and comments do not
/// count), with the message of a query nested too deep for `max_depth` field levels (one
/// message and one code however deep the document is).
pub fn check_nesting(query: &str, max: usize, max_depth: usize) -> Result<(), Message> {
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
                    return Err(too_deep(max_depth));
                }
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// What a document nested deeper than `max_depth` field levels is told.
pub fn too_deep(max_depth: usize) -> Message {
    Message::new("limit-depth").arg("max", max_depth)
}

/// The limits a parsed document must keep (from `gateway.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest field nesting, fragments expanded (`max_depth`).
    pub depth: usize,
    /// Most fields selected, fragments counted where spread (`max_complexity`).
    pub complexity: usize,
    /// Most aliased fields, fragments counted where spread (`max_aliases`).
    pub aliases: usize,
    /// Most fragment spreads written in the document (`max_fragment_spreads`).
    pub fragment_spreads: usize,
    /// Most directives written in the document (`max_directives`).
    pub directives: usize,
    /// Most variables defined in the document or sent with it (`max_variables`).
    pub variables: usize,
    /// Longest document in bytes (`max_document_bytes`).
    pub document_bytes: usize,
}

impl Limits {
    /// The limits `settings` configure.
    pub fn from_settings(settings: &GatewaySettings) -> Limits {
        Limits {
            depth: settings.max_depth,
            complexity: settings.max_complexity,
            aliases: settings.max_aliases,
            fragment_spreads: settings.max_fragment_spreads,
            directives: settings.max_directives,
            variables: settings.max_variables,
            document_bytes: settings.max_document_bytes,
        }
    }
}

/// What executing a selection set costs: its deepest field nesting, its fields and its
/// aliased fields, fragments expanded (saturating, never overflowing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Deepest field nesting.
    pub depth: usize,
    /// Fields selected (`__typename` included).
    pub fields: usize,
    /// Aliased fields.
    pub aliases: usize,
}

impl Cost {
    fn add(&mut self, other: Cost) {
        self.depth = self.depth.max(other.depth);
        self.fields = self.fields.saturating_add(other.fields);
        self.aliases = self.aliases.saturating_add(other.aliases);
    }
}

/// The measure of one document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Analysis {
    /// The cost of all its operations together, fragments expanded.
    pub cost: Cost,
    /// Fragment spreads as written.
    pub fragment_spreads: usize,
    /// Directives as written.
    pub directives: usize,
    /// Variable definitions as written.
    pub variables: usize,
    /// Steps the analysis took (one per selection, directive, variable and fragment
    /// visited): linear in the document's size, whatever its fragments expand to.
    pub work: usize,
}

/// A broken limit: the message the client reads and the metric label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The `limit` label of `gateway_limit_refusals_total`.
    pub limit: &'static str,
    /// What the client is told.
    pub message: Message,
}

impl Refusal {
    fn new(limit: &'static str, message: Message) -> Refusal {
        Refusal { limit, message }
    }
}

/// The lexical counts of one selection set (its own, fragments not followed) and the
/// fragments it spreads.
#[derive(Default)]
struct Walk<'a> {
    spreads: usize,
    directives: usize,
    work: usize,
    /// Names of the fragments spread, in order (duplicates kept: each is one edge).
    edges: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    fn selection_set(&mut self, set: &'a Positioned<SelectionSet>) {
        for item in &set.node.items {
            self.work += 1;
            match &item.node {
                Selection::Field(field) => {
                    self.directives += field.node.directives.len();
                    self.selection_set(&field.node.selection_set);
                }
                Selection::InlineFragment(fragment) => {
                    self.directives += fragment.node.directives.len();
                    self.selection_set(&fragment.node.selection_set);
                }
                Selection::FragmentSpread(spread) => {
                    self.spreads += 1;
                    self.directives += spread.node.directives.len();
                    self.edges.push(spread.node.fragment_name.node.as_str());
                }
            }
        }
    }
}

/// The cost of `set`, given the cost of every fragment it spreads (an unknown fragment
/// costs nothing here; validation refuses it).
fn cost_of(
    set: &Positioned<SelectionSet>,
    fragments: &HashMap<&str, Cost>,
    work: &mut usize,
) -> Cost {
    let mut cost = Cost::default();
    for item in &set.node.items {
        *work += 1;
        match &item.node {
            Selection::Field(field) => {
                let inner = cost_of(&field.node.selection_set, fragments, work);
                cost.add(Cost {
                    depth: inner.depth.saturating_add(1),
                    fields: inner.fields.saturating_add(1),
                    aliases: inner
                        .aliases
                        .saturating_add(usize::from(field.node.alias.is_some())),
                });
            }
            Selection::InlineFragment(fragment) => {
                cost.add(cost_of(&fragment.node.selection_set, fragments, work));
            }
            Selection::FragmentSpread(spread) => {
                if let Some(c) = fragments.get(spread.node.fragment_name.node.as_str()) {
                    cost.add(*c);
                }
            }
        }
    }
    cost
}

/// Measures `doc` in time linear in its size: the counts as written, and the cost of its
/// operations with every fragment's cost computed once, in dependency order. A fragment
/// cycle is refused here (it would expand forever).
pub fn analyse(doc: &ExecutableDocument) -> Result<Analysis, Refusal> {
    let mut analysis = Analysis::default();
    // Each fragment's own counts and the fragments it spreads.
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::with_capacity(doc.fragments.len());
    for (name, fragment) in &doc.fragments {
        let mut walk = Walk::default();
        walk.directives += fragment.node.directives.len();
        walk.selection_set(&fragment.node.selection_set);
        analysis.fragment_spreads += walk.spreads;
        analysis.directives += walk.directives;
        analysis.work += walk.work + 1;
        edges.insert(name.as_str(), walk.edges);
    }
    for (_, operation) in doc.operations.iter() {
        let mut walk = Walk::default();
        walk.directives += operation.node.directives.len();
        for variable in &operation.node.variable_definitions {
            walk.directives += variable.node.directives.len();
            walk.work += 1;
        }
        walk.selection_set(&operation.node.selection_set);
        analysis.fragment_spreads += walk.spreads;
        analysis.directives += walk.directives;
        analysis.variables += operation.node.variable_definitions.len();
        analysis.work += walk.work + 1;
    }

    // Dependency order by an iterative depth-first search (no recursion along a long
    // chain of fragments); a fragment met again while still open closes a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: HashMap<&str, Mark> = HashMap::with_capacity(edges.len());
    let mut order: Vec<&str> = Vec::with_capacity(edges.len());
    let mut names: Vec<&str> = edges.keys().copied().collect();
    names.sort_unstable();
    for start in names {
        if marks.contains_key(start) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        marks.insert(start, Mark::Open);
        while let Some((name, next)) = stack.last_mut() {
            let out = &edges[*name];
            analysis.work += 1;
            if let Some(&child) = out.get(*next) {
                *next += 1;
                match marks.get(child) {
                    Some(Mark::Open) => {
                        return Err(Refusal::new(
                            "fragment_cycle",
                            Message::new("limit-fragment-cycle").arg("fragment", child),
                        ));
                    }
                    Some(Mark::Done) => {}
                    None if edges.contains_key(child) => {
                        marks.insert(child, Mark::Open);
                        stack.push((child, 0));
                    }
                    None => {}
                }
            } else {
                marks.insert(name, Mark::Done);
                order.push(name);
                stack.pop();
            }
        }
    }

    let mut costs: HashMap<&str, Cost> = HashMap::with_capacity(order.len());
    for name in order {
        let fragment = &doc.fragments[name];
        let cost = cost_of(&fragment.node.selection_set, &costs, &mut analysis.work);
        costs.insert(name, cost);
    }
    for (_, operation) in doc.operations.iter() {
        let cost = cost_of(&operation.node.selection_set, &costs, &mut analysis.work);
        analysis.cost.depth = analysis.cost.depth.max(cost.depth);
        analysis.cost.fields = analysis.cost.fields.saturating_add(cost.fields);
        analysis.cost.aliases = analysis.cost.aliases.saturating_add(cost.aliases);
    }
    Ok(analysis)
}

/// Refuses `doc`, sent with `sent_variables` variables, when it breaks one of `limits`
/// (the written counts first: they are the cheapest to explain).
pub fn check(
    doc: &ExecutableDocument,
    sent_variables: usize,
    limits: &Limits,
) -> Result<Analysis, Refusal> {
    let analysis = analyse(doc)?;
    let over = |count: usize, max: usize| count > max;
    if over(analysis.fragment_spreads, limits.fragment_spreads) {
        return Err(Refusal::new(
            "fragment_spreads",
            Message::new("limit-fragment-spreads")
                .arg("count", analysis.fragment_spreads)
                .arg("max", limits.fragment_spreads),
        ));
    }
    if over(analysis.directives, limits.directives) {
        return Err(Refusal::new(
            "directives",
            Message::new("limit-directives")
                .arg("count", analysis.directives)
                .arg("max", limits.directives),
        ));
    }
    let sent = sent_variables;
    if over(analysis.variables.max(sent), limits.variables) {
        return Err(Refusal::new(
            "variables",
            Message::new("limit-variables")
                .arg("count", analysis.variables.max(sent))
                .arg("max", limits.variables),
        ));
    }
    if over(analysis.cost.depth, limits.depth) {
        return Err(Refusal::new("depth", too_deep(limits.depth)));
    }
    if over(analysis.cost.aliases, limits.aliases) {
        return Err(Refusal::new(
            "aliases",
            Message::new("limit-aliases")
                .arg("count", analysis.cost.aliases)
                .arg("max", limits.aliases),
        ));
    }
    if over(analysis.cost.fields, limits.complexity) {
        return Err(Refusal::new(
            "complexity",
            Message::new("limit-complexity")
                .arg("count", analysis.cost.fields)
                .arg("max", limits.complexity),
        ));
    }
    Ok(analysis)
}

/// The request error for a broken limit, carrying its catalogue message
/// (`extensions.messageKey`, `messageArgs`) for the edge to render in the caller's language.
fn refuse(limit: &'static str, message: Message) -> ServerError {
    metrics::counter!("gateway_limit_refusals_total", "limit" => limit).increment(1);
    let mut error = ServerError::new(message.render(Lang::En), None);
    let ext = error.extensions.get_or_insert_with(Default::default);
    ext.set("messageKey", message.key.as_str());
    let args: async_graphql::indexmap::IndexMap<async_graphql::Name, async_graphql::Value> =
        message
            .args
            .iter()
            .map(|(k, v)| {
                (
                    async_graphql::Name::new(k),
                    async_graphql::Value::from(v.as_str()),
                )
            })
            .collect();
    ext.set("messageArgs", async_graphql::Value::Object(args));
    error
}

/// Request data that says the document's text already met the text limits (size and
/// nesting) under this process' settings: the HTTP endpoint checked it before parsing it,
/// now or when the document cache first took it. [`check_request`] then checks only the
/// parsed document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextChecked;

/// Applies [`check_size`], [`check_nesting`] and [`check`] to `request` (the first two only
/// when it carries no [`TextChecked`]), the part of
/// [`crate::edge::operation::OperationHooks`] every document the schema runs passes (HTTP
/// and WebSocket alike). It runs before async-graphql's own parse step, whose recursion
/// check (`limit_recursive_depth`) follows every spread path by path: the document is parsed
/// here (the schema reuses it) and measured first.
pub(crate) fn check_request(limits: &Limits, request: &mut Request) -> ServerResult<()> {
    if !request
        .data
        .contains_key(&std::any::TypeId::of::<TextChecked>())
    {
        check_size(&request.query, limits.document_bytes)
            .map_err(|m| refuse("document_bytes", m))?;
        check_nesting(&request.query, MAX_NESTING, limits.depth)
            .map_err(|m| refuse("nesting", m))?;
    }
    let sent = request.variables.len();
    // A document that does not parse is left to the schema, which reports why.
    if let Ok(doc) = request.parsed_query() {
        check(doc, sent, limits).map_err(|r| refuse(r.limit, r.message))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(query).unwrap()
    }

    const OPEN: Limits = Limits {
        depth: usize::MAX,
        complexity: usize::MAX,
        aliases: usize::MAX,
        fragment_spreads: usize::MAX,
        directives: usize::MAX,
        variables: usize::MAX,
        document_bytes: usize::MAX,
    };

    /// `query{...B0} fragment B0 on Query{...B1 ...B1} … fragment B{n} on Query{x}`.
    fn doubling_chain(n: usize) -> String {
        let mut q = String::from("query{...B0}");
        for i in 0..n {
            q.push_str(&format!(
                " fragment B{i} on Query{{...B{} ...B{}}}",
                i + 1,
                i + 1
            ));
        }
        q.push_str(&format!(" fragment B{n} on Query{{departments{{code}}}}"));
        q
    }

    #[test]
    fn nesting_counts_brackets_outside_strings_and_comments() {
        assert!(check_nesting("{ a { b(x: [1, {y: 2}]) } }", 5, 16).is_ok());
        assert!(check_nesting("{ a { b(x: [1, {y: 2}]) } }", 4, 16).is_err());
        let quoted = r#"{ a(s: "{{{{{{", t: """ {{{{{ \""" {{{ """) # {{{{{{
        }"#;
        assert!(
            check_nesting(quoted, 2, 16).is_ok(),
            "strings and comments are skipped"
        );
        let hostile = format!("{}{}", "{a".repeat(100_000), "}".repeat(100_000));
        assert!(check_nesting(&hostile, MAX_NESTING, 16).is_err());
    }

    #[test]
    fn aliases_are_counted_where_fragments_are_spread() {
        let doc = parse(
            "query { a: me { b: subject } me { name } ... on Query { c: me { subject } } ...F }
             fragment F on Query { d: me { e: org } }",
        );
        assert_eq!(analyse(&doc).unwrap().cost.aliases, 5);
        let twice = parse("{ ...F ...F } fragment F on Query { d: me { e: org } }");
        assert_eq!(analyse(&twice).unwrap().cost.aliases, 4);
    }

    #[test]
    fn fragments_count_as_expanded_without_being_expanded() {
        let doc =
            parse("{ a { ...F } } fragment F on T { b { c ...G } } fragment G on T { d e { f } }");
        let a = analyse(&doc).unwrap();
        // a, b, c, d, e, f; a > b > e > f.
        assert_eq!(
            a.cost,
            Cost {
                depth: 4,
                fields: 6,
                aliases: 0
            }
        );
        assert_eq!((a.fragment_spreads, a.directives, a.variables), (2, 0, 0));

        let bomb = doubling_chain(30);
        let a = analyse(&parse(&bomb)).unwrap();
        assert_eq!(a.cost.fields, 2usize.pow(30) * 2);
        assert_eq!(a.cost.depth, 2);
        assert!(
            a.work < 4 * bomb.len(),
            "{} steps for {} bytes",
            a.work,
            bomb.len()
        );
        let refused = check(
            &parse(&bomb),
            0,
            &Limits {
                complexity: 1000,
                ..OPEN
            },
        );
        assert_eq!(refused.unwrap_err().limit, "complexity");

        // 2^200 saturates instead of overflowing.
        let huge = analyse(&parse(&doubling_chain(200))).unwrap();
        assert_eq!(huge.cost.fields, usize::MAX);
    }

    #[test]
    fn cycles_are_refused_and_unknown_fragments_cost_nothing() {
        let cycle = parse("{ ...A } fragment A on Q { x ...B } fragment B on Q { ...A }");
        assert_eq!(analyse(&cycle).unwrap_err().limit, "fragment_cycle");
        let me = parse("{ ...A } fragment A on Q { x ...A }");
        assert_eq!(analyse(&me).unwrap_err().limit, "fragment_cycle");
        let unknown = parse("{ x ...Nowhere }");
        assert_eq!(analyse(&unknown).unwrap().cost.fields, 1);
    }

    #[test]
    fn written_counts_are_capped() {
        let doc = parse(
            "query($a: Int @d, $b: Int) @d { x @include(if: $a) ...F @skip(if: $b) ... @d { y } }
             fragment F on Q @d { z }",
        );
        let a = analyse(&doc).unwrap();
        assert_eq!((a.fragment_spreads, a.directives, a.variables), (1, 6, 2));
        let limit = |l: Limits| check(&doc, 0, &l).map(|_| ()).map_err(|r| r.limit);
        assert_eq!(limit(OPEN), Ok(()));
        assert_eq!(
            limit(Limits {
                fragment_spreads: 0,
                ..OPEN
            }),
            Err("fragment_spreads")
        );
        assert_eq!(
            limit(Limits {
                directives: 5,
                ..OPEN
            }),
            Err("directives")
        );
        assert_eq!(
            limit(Limits {
                variables: 1,
                ..OPEN
            }),
            Err("variables")
        );
        assert_eq!(limit(Limits { depth: 0, ..OPEN }), Err("depth"));
        let refused = check(
            &doc,
            3,
            &Limits {
                variables: 2,
                ..OPEN
            },
        );
        assert_eq!(refused.unwrap_err().limit, "variables");
    }

    /// A random document from a seeded generator: fragments spreading later fragments
    /// (any number of times), fields, aliases, inline fragments and directives.
    fn random_document(seed: u64) -> String {
        let mut state = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n.max(1)
        };
        let fragments = next(40) as usize + 1;
        let mut q = String::from("query {");
        fn selection_set(
            q: &mut String,
            next: &mut dyn FnMut(u64) -> u64,
            from: usize,
            fragments: usize,
            depth: usize,
        ) {
            let items = next(4) + 1;
            for _ in 0..items {
                match next(5) {
                    0 | 1 if from < fragments => {
                        let target = from + next((fragments - from) as u64) as usize;
                        q.push_str(&format!(" ...F{target}"));
                    }
                    2 if depth < 3 => {
                        q.push_str(" ... on Q {");
                        selection_set(q, next, from, fragments, depth + 1);
                        q.push_str(" }");
                    }
                    3 if depth < 3 => {
                        q.push_str(&format!(
                            " a{}: f{} @include(if: true) {{",
                            next(9),
                            next(9)
                        ));
                        selection_set(q, next, from, fragments, depth + 1);
                        q.push_str(" }");
                    }
                    _ => q.push_str(&format!(" f{}", next(9))),
                }
            }
        }
        selection_set(&mut q, &mut next, 0, fragments, 0);
        q.push_str(" }");
        for i in 0..fragments {
            q.push_str(&format!(" fragment F{i} on Q {{"));
            selection_set(&mut q, &mut next, i + 1, fragments, 0);
            q.push_str(" }");
        }
        q
    }

    #[test]
    fn the_analysis_is_linear_in_the_document_whatever_it_expands_to() {
        let mut largest_expansion = 0usize;
        for seed in 0..500 {
            let query = random_document(seed);
            let doc = parse(&query);
            let a = analyse(&doc).unwrap();
            assert!(
                a.work <= 2 * query.len(),
                "seed {seed}: {} steps for {} bytes",
                a.work,
                query.len()
            );
            largest_expansion = largest_expansion.max(a.cost.fields / query.len().max(1));
        }
        // The generator does make documents that expand far beyond their size.
        assert!(largest_expansion > 100, "{largest_expansion}");
    }
}
