//! Docs that cannot drift: every GraphQL example in README.md and docs/*.md runs here.
//!
//! The examples are the fenced ```` ```graphql ```` blocks, and every `"query"` string inside a
//! ```` ```json ```` or ```` ```sh ```` block (curl examples). Each must carry one marker line:
//!
//! - `# as: <subject>`: run it with the demo token of that subject (`official-seoul`,
//!   `staff-japan-sato`, `admin`, … — the callers `glocal dev` prints tokens for) or
//!   `# as: anonymous` without a token. It must answer without errors and with non-empty
//!   data (every top-level field holds something other than null, `[]`, `0`, `""`, `false`),
//!   unless the block also says `# may be empty`.
//! - `# not run: <why>`: an SDL excerpt, a subscription, anything not meant to be sent.
//!
//! A block with neither fails the test. Chaining: `<id>` in a block is replaced by the first
//! `id` found in the answer of the latest earlier block of the same file that returned one
//! (the README walkthrough submits a request, then answers it).
//!
//! Operations are validated against the schema the gateway serves, which is asserted here to
//! be docs/schema.graphql byte for byte. The stack is loaded with every service's demo data, as
//! `glocal dev` does on its first start.

use glocal_e2e::{Stack, spawn_demo_stack};
use serde_json::{Value, json};

/// A fenced code block of a markdown file.
struct Block {
    line: usize,
    lang: String,
    text: String,
}

/// How a block declares it runs.
#[derive(Debug, PartialEq)]
enum Plan {
    Run { subject: String, may_be_empty: bool },
    NotRun,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (n, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (fence, open.take()) {
            (Some(_), Some(block)) => out.push(block),
            (Some(lang), None) => {
                open = Some(Block {
                    line: n + 1,
                    lang: lang.trim().to_owned(),
                    text: String::new(),
                })
            }
            (None, Some(mut block)) => {
                block.text.push_str(line);
                block.text.push('\n');
                open = Some(block);
            }
            (None, None) => {}
        }
    }
    out
}

/// The GraphQL operations of a block: a graphql block is one; json and sh blocks hold theirs
/// as `"query": "…"` JSON strings.
fn operations(block: &Block) -> Vec<String> {
    match block.lang.as_str() {
        "graphql" => vec![block.text.clone()],
        "json" | "sh" | "bash" => {
            let mut found = Vec::new();
            let mut rest = block.text.as_str();
            while let Some(at) = rest.find("\"query\"") {
                rest = &rest[at + "\"query\"".len()..];
                let value = rest.trim_start().trim_start_matches(':').trim_start();
                let mut stream = serde_json::Deserializer::from_str(value).into_iter::<String>();
                if let Some(Ok(query)) = stream.next() {
                    found.push(query);
                }
            }
            found
        }
        _ => Vec::new(),
    }
}

/// The block's marker; `Err` when it has none.
fn plan(text: &str) -> Result<Plan, String> {
    let marker = |prefix: &str| {
        text.lines()
            .filter_map(|l| l.trim().strip_prefix('#'))
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_owned()))
    };
    if let Some(why) = marker("not run:") {
        return if why.is_empty() {
            Err("`# not run:` must say why".into())
        } else {
            Ok(Plan::NotRun)
        };
    }
    match marker("as:") {
        Some(subject) if !subject.is_empty() => Ok(Plan::Run {
            subject,
            may_be_empty: marker("may be empty").is_some(),
        }),
        _ => Err("no marker: add `# as: <demo subject | anonymous>` or `# not run: <why>`".into()),
    }
}

/// Null, `[]`, `0`, `""`, `false`, an object of only those, or a connection without edges
/// (whatever its facets or page info say).
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Object(o) if o.contains_key("edges") => is_empty(&o["edges"]),
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(is_empty),
    }
}

/// The first string `id` in `v`, depth first.
fn first_id(v: &Value) -> Option<String> {
    match v {
        Value::Object(o) => o
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| o.values().find_map(first_id)),
        Value::Array(a) => a.iter().find_map(first_id),
        _ => None,
    }
}

fn token_of(stack: &Stack, subject: &str) -> Result<Option<String>, String> {
    if subject == "anonymous" {
        return Ok(None);
    }
    glocal_requests::demo::demo_callers()
        .into_iter()
        .find(|c| c.subject == subject)
        .map(|c| Some(stack.token(&c)))
        .ok_or_else(|| format!("`# as: {subject}` is not a demo caller nor `anonymous`"))
}

/// Runs every example of `markdown` (named `file` in messages) against `stack`; returns one
/// message per broken example.
async fn check(stack: &Stack, file: &str, markdown: &str) -> Vec<String> {
    let mut failures = Vec::new();
    let mut last_id: Option<String> = None;
    for block in blocks(markdown) {
        for operation in operations(&block) {
            let at = format!("{file}:{}", block.line);
            let (subject, may_be_empty) = match plan(&operation) {
                Ok(Plan::NotRun) => continue,
                Ok(Plan::Run {
                    subject,
                    may_be_empty,
                }) => (subject, may_be_empty),
                Err(e) => {
                    failures.push(format!("{at}: {e}"));
                    continue;
                }
            };
            let token = match token_of(stack, &subject) {
                Ok(t) => t,
                Err(e) => {
                    failures.push(format!("{at}: {e}"));
                    continue;
                }
            };
            let query = match (&last_id, operation.contains("<id>")) {
                (Some(id), true) => operation.replace("<id>", id),
                (None, true) => {
                    failures.push(format!("{at}: `<id>` but no earlier block returned an id"));
                    continue;
                }
                (_, false) => operation.clone(),
            };
            let answer = stack.gql(token.as_deref(), &query, json!({})).await;
            let body = &answer.body;
            if body.get("errors").is_some() || answer.status != 200 {
                failures.push(format!(
                    "{at} (as {subject}): HTTP {} {body}",
                    answer.status
                ));
                continue;
            }
            let data = &body["data"];
            let empty = match data.as_object() {
                Some(fields) => fields.is_empty() || fields.values().any(is_empty),
                None => true,
            };
            if empty && !may_be_empty {
                failures.push(format!(
                    "{at} (as {subject}): empty data {data} (say `# may be empty` if that is meant)"
                ));
            }
            if let Some(id) = first_id(data) {
                last_id = Some(id);
            }
        }
    }
    failures
}

fn repo_file(path: &str) -> String {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("read {full}: {e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_example_in_the_readme_and_docs_runs_on_demo_data() {
    assert_eq!(
        glocal_gateway::sdl(),
        repo_file("docs/schema.graphql"),
        "the examples are validated by the gateway's schema, which must be docs/schema.graphql"
    );
    let stack = spawn_demo_stack().await;
    let mut files = vec!["README.md".to_owned()];
    let docs = format!("{}/../docs", env!("CARGO_MANIFEST_DIR"));
    let mut pages: Vec<String> = std::fs::read_dir(&docs)
        .expect("docs/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    pages.sort();
    files.extend(pages);

    let mut failures = Vec::new();
    let mut ran = 0;
    for file in &files {
        let markdown = repo_file(file);
        ran += blocks(&markdown)
            .iter()
            .map(|b| operations(b).len())
            .sum::<usize>();
        failures.extend(check(&stack, file, &markdown).await);
    }
    assert!(ran >= 10, "found only {ran} examples in {files:?}");
    assert!(
        failures.is_empty(),
        "broken doc examples:\n{}",
        failures.join("\n")
    );
}

/// The fixture shows that a broken example, a block without a marker, an example that answers
/// nothing and an unknown role each fail, while good ones (chained by `<id>`) pass.
#[tokio::test(flavor = "multi_thread")]
async fn a_broken_example_fails_the_check() {
    let stack = spawn_demo_stack().await;
    let fixture = r##"
A good one, and one chained to it:

```graphql
# as: official-seoul
mutation { submitServiceRequest(input: { idempotencyKey: "fixture-1", type: GENERAL_INQUIRY,
  title: "t", description: "d", details: { generalInquiry: { topic: "x" } } }) { id state } }
```

```graphql
# as: official-seoul
{ serviceRequest(id: "<id>") { state } }
```

```json
{ "query": "# as: anonymous\n{ events(first: 1) { edges { node { id } } } }" }
```

Broken: a field the schema does not have.

```graphql
# as: anonymous
{ events(first: 1) { edges { node { colour } } } }
```

No marker:

```graphql
{ events(first: 1) { totalCount } }
```

Nothing found, and not declared as possibly empty:

```graphql
# as: anonymous
{ practices(search: "no such practice anywhere", first: 1) { totalCount edges { node { id } } } }
```

```graphql
# as: anonymous
# may be empty
{ practices(search: "no such practice anywhere", first: 1) { totalCount } }
```

```graphql
# as: emperor
{ events(first: 1) { totalCount } }
```

```graphql
# not run: an SDL excerpt
type Nothing { here: String }
```
"##;
    let failures = check(&stack, "fixture.md", fixture).await;
    let lines: Vec<&str> = failures
        .iter()
        .map(|f| f.split(':').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(lines.len(), 4, "{failures:#?}");
    assert!(failures[0].contains("colour"), "{failures:#?}");
    assert!(failures[1].contains("no marker"), "{failures:#?}");
    assert!(failures[2].contains("empty data"), "{failures:#?}");
    assert!(failures[3].contains("emperor"), "{failures:#?}");
}

#[test]
fn markers_are_read_from_comment_lines() {
    assert_eq!(
        plan("# as: admin\n# may be empty\n{ x }"),
        Ok(Plan::Run {
            subject: "admin".into(),
            may_be_empty: true
        })
    );
    assert_eq!(plan("# not run: SDL\ntype X"), Ok(Plan::NotRun));
    assert!(plan("{ x }").is_err());
    assert!(plan("# not run:\n{ x }").is_err());
}
