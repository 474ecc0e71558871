//! The architecture's structural rules, checked on the source tree (see ARCHITECTURE.md's
//! invariants): no service's `service/` modules name the ORM, the gateway's floors import
//! downwards only (edge → schema → upstream), and no source file of a service or the gateway
//! grows past 1,200 lines; and no message a person reads is built with `format!`
//! ([`messages`]).

use std::path::{Path, PathBuf};

mod messages;

const SERVICES: [&str; 5] = ["requests", "training", "events", "research", "notifier"];
const MAX_LINES: usize = 1_200;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file below `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The lines of `file` that are code (comments dropped), with their numbers.
fn code_lines(file: &Path) -> Vec<(usize, String)> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_owned()))
        .collect()
}

/// `file:line: text` for every code line of the files under `dir` that contains one of `needles`.
fn offenders(dir: &Path, needles: &[&str]) -> Vec<String> {
    rust_files(dir)
        .iter()
        .flat_map(|f| {
            code_lines(f)
                .into_iter()
                .filter(|(_, l)| needles.iter().any(|n| l.contains(n)))
                .map(move |(n, l)| format!("{}:{n}: {}", f.display(), l.trim()))
        })
        .collect()
}

#[test]
fn no_service_module_names_the_orm() {
    for service in SERVICES {
        let dir = root().join("services").join(service).join("src/service");
        assert!(dir.is_dir(), "{} is not a folder", dir.display());
        let found = offenders(&dir, &["sea_orm", "sea_query"]);
        assert!(
            found.is_empty(),
            "service/ modules naming the ORM:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn the_gateway_floors_import_downwards_only() {
    let src = root().join("gateway/src");
    let rules: [(&str, &[&str]); 4] = [
        (
            "upstream",
            &[
                "crate::schema",
                "crate::edge",
                "crate::feeds",
                "crate::AppState",
            ],
        ),
        (
            "schema",
            &["crate::edge", "crate::feeds", "crate::AppState"],
        ),
        // The feeds are HTTP routes beside the edge: they may use schema helpers and upstream.
        ("feeds", &["crate::edge"]),
        // So are the file routes.
        ("files", &["crate::edge"]),
    ];
    for (floor, forbidden) in rules {
        let found = offenders(&src.join(floor), forbidden);
        assert!(
            found.is_empty(),
            "{floor}/ imports from a higher floor:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn no_source_file_of_a_service_or_the_gateway_is_over_1200_lines() {
    let mut dirs: Vec<PathBuf> = SERVICES
        .iter()
        .map(|s| root().join("services").join(s).join("src"))
        .collect();
    dirs.push(root().join("gateway/src"));
    let long: Vec<String> = dirs
        .iter()
        .flat_map(|d| rust_files(d))
        .filter_map(|f| {
            let n = std::fs::read_to_string(&f).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// The checks above must be able to fail: they find what they look for in a planted file.
#[test]
fn the_checks_see_a_planted_violation() {
    let dir = std::env::temp_dir().join(format!("glocal-arch-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    std::fs::write(
        dir.join("nested/bad.rs"),
        "//! a module\n// use sea_orm::X; (a comment does not count)\nuse sea_orm::EntityTrait;\n",
    )
    .unwrap();
    let found = offenders(&dir, &["sea_orm"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].ends_with("bad.rs:3: use sea_orm::EntityTrait;"),
        "{found:?}"
    );
}
