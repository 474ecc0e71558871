//! The layering itself: a TOML file merged over the defaults, and `GLOCAL_*` variables
//! typed by the default at their path and set into the merged table.

/// Merges `from` into `into`, section by section.
pub(super) fn merge(into: &mut toml::Table, from: toml::Table) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// Types an environment string by the default value at the same path: numbers and
/// booleans parse, everything else stays a string. Unknown paths are left as strings and
/// rejected later by `deny_unknown_fields`.
pub(super) fn typed_env_value(
    defaults: &toml::Table,
    path: &[&str],
    raw: &str,
) -> Result<toml::Value, String> {
    let mut node: Option<&toml::Value> = None;
    let mut table = Some(defaults);
    for seg in path {
        node = table.and_then(|t| t.get(*seg));
        table = node.and_then(toml::Value::as_table);
    }
    Ok(match node {
        Some(toml::Value::Integer(_)) => toml::Value::Integer(
            raw.trim()
                .parse()
                .map_err(|_| format!("`{raw}` is not an integer"))?,
        ),
        Some(toml::Value::Boolean(_)) => toml::Value::Boolean(match raw.trim() {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => return Err(format!("`{raw}` is not a boolean")),
        }),
        Some(toml::Value::Float(_)) => toml::Value::Float(
            raw.trim()
                .parse()
                .map_err(|_| format!("`{raw}` is not a number"))?,
        ),
        Some(toml::Value::Table(_)) => return Err("names a section, not a setting".into()),
        _ => toml::Value::String(raw.to_owned()),
    })
}

/// Sets `value` at `path` in `root`, creating sections on the way.
pub(super) fn set_path(
    root: &mut toml::Table,
    path: &[&str],
    value: toml::Value,
) -> Result<(), String> {
    let (last, parents) = path.split_last().ok_or("empty key")?;
    let mut table = root;
    for seg in parents {
        let entry = table
            .entry((*seg).to_owned())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        table = entry
            .as_table_mut()
            .ok_or_else(|| format!("`{seg}` is a setting, not a section"))?;
    }
    table.insert((*last).to_owned(), value);
    Ok(())
}
