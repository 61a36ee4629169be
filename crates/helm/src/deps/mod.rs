//! Chart dependencies at render time, as Helm's install path handles them:
//! the missing-dependency check of `helm template`/`install`
//! ([`check_dependencies`]), then `ProcessDependencies`
//! ([`process_dependencies`], `pkg/chart/v2/util/dependencies.go`).
//!
//! Processing matches each declared dependency to a vendored subchart by
//! name and version range (an alias makes a renamed copy), keeps vendored
//! charts nobody declared, enables or disables declared ones from `tags`
//! and then `condition` (the first condition path that resolves to a bool
//! wins) evaluated on the coalesced values, removes the disabled ones, and
//! recurses. Afterwards `import-values` copy values from children into
//! their parents, bottom-up: the parent's own values take precedence.

pub mod version;

use crate::chart::{Chart, Dependency};
use crate::values::coalesce::{self, coalesce_tables};
use crate::values::strvals::quote;
use capstan_gotmpl::format::sprint;
use capstan_gotmpl::{Map, Value};

pub use version::is_compatible_range;

/// A dependency problem: Helm's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DepsError(pub String);

/// Deepest chart nesting processed.
const MAX_DEPTH: usize = 64;

/// Helm's `CheckDependencies`: every declared dependency must have a
/// vendored chart of that name (aliases and versions are not considered
/// here). The CLI prefixes this error with its own advice.
pub fn check_dependencies(chart: &Chart) -> Result<(), DepsError> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .filter(|d| !chart.dependencies.iter().any(|c| c.name() == d.name))
        .map(|d| d.name.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(DepsError(format!(
        "found in Chart.yaml, but missing in charts/ directory: {}",
        missing.join(", ")
    )))
}

/// Helm's `ProcessDependencies` for the user values `user`: prunes,
/// aliases and imports in place. Warnings Helm logs are collected.
pub fn process_dependencies(
    chart: &mut Chart,
    user: &Map,
    warnings: &mut Vec<String>,
) -> Result<(), DepsError> {
    process_enabled(chart, user, "", warnings, 0)?;
    process_import_values(chart, warnings, 0)
}

fn process_enabled(
    c: &mut Chart,
    v: &Map,
    path: &str,
    w: &mut Vec<String>,
    depth: usize,
) -> Result<(), DepsError> {
    if depth > MAX_DEPTH {
        return Err(DepsError(format!(
            "subcharts nested deeper than {MAX_DEPTH} levels"
        )));
    }
    if !c.metadata.has_dependencies {
        return Ok(());
    }
    let reqs: Vec<&Dependency> = c.metadata.dependencies.iter().flatten().collect();
    // Vendored charts that no declaration matches stay as they are.
    let mut chart_deps: Vec<Chart> = c
        .dependencies
        .iter()
        .filter(|existing| {
            !reqs.iter().any(|r| {
                existing.name() == r.name
                    && is_compatible_range(&r.version, &existing.metadata.version)
            })
        })
        .cloned()
        .collect();
    for req in c.metadata.dependencies.iter_mut().flatten() {
        if let Some(found) = c.dependencies.iter().find(|ch| {
            ch.name() == req.name && is_compatible_range(&req.version, &ch.metadata.version)
        }) {
            let mut copy = found.clone();
            if !req.alias.is_empty() {
                copy.metadata.name = req.alias.clone();
            }
            chart_deps.push(copy);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.dependencies = chart_deps;
    for req in c.metadata.dependencies.iter_mut().flatten() {
        req.enabled = true;
    }
    // Helm logs the warnings of this intermediate coalescing again; only
    // the final coalescing's warnings are kept. These values are read,
    // never rendered, so what they take from the defaults is shared.
    let cvals =
        coalesce::coalesce_values_shared(c, v, &mut Vec::new()).map_err(|e| DepsError(e.0))?;
    apply_tags(c, &cvals, w);
    apply_conditions(c, &cvals, path, w);
    let removed: Vec<String> = c
        .metadata
        .dependencies
        .iter()
        .flatten()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    c.dependencies
        .retain(|d| !removed.iter().any(|r| r == d.name()));
    c.metadata
        .dependencies
        .retain(|r| r.as_ref().is_none_or(|r| !removed.contains(&r.name)));
    for t in &mut c.dependencies {
        let sub = format!("{path}{}.", t.name());
        process_enabled(t, &cvals, &sub, w, depth + 1)?;
    }
    Ok(())
}

fn apply_tags(c: &mut Chart, cvals: &Map, w: &mut Vec<String>) {
    let Some(Value::Map(tags)) = cvals.get("tags") else {
        return;
    };
    for r in c.metadata.dependencies.iter_mut().flatten() {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            match tags.get(k) {
                Some(Value::Bool(true)) => has_true = true,
                Some(Value::Bool(false)) => has_false = true,
                Some(_) => w.push(format!("returned non-bool value tag={k} chart={}", r.name)),
                None => {}
            }
        }
        // Only tags that are all false disable; any true tag (or none
        // set) enables.
        r.enabled = has_true || !has_false;
    }
}

fn apply_conditions(c: &mut Chart, cvals: &Map, path: &str, w: &mut Vec<String>) {
    for r in c.metadata.dependencies.iter_mut().flatten() {
        for cond in r.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            match path_value(cvals, &format!("{path}{cond}")) {
                Ok(Value::Bool(b)) => {
                    r.enabled = b;
                    break;
                }
                Ok(_) => w.push(slog_warn(
                    "returned non-bool value",
                    &[("path", cond), ("chart", &r.name)],
                )),
                Err(None) => {}
                Err(Some(e)) => w.push(slog_warn(
                    "the method PathValue returned error",
                    &[("error", &e)],
                )),
            }
        }
    }
}

/// Helm's `Values.PathValue`: `Err(None)` is "no value", `Err(Some)` any
/// other error.
fn path_value(vals: &Map, path: &str) -> Result<Value, Option<String>> {
    if path.is_empty() {
        return Err(Some("YAML path cannot be empty".to_string()));
    }
    let parts: Vec<&str> = path.split('.').collect();
    let (key, parents) = parts.split_last().ok_or(None)?;
    let table = table(vals, parents).ok_or(None)?;
    match table.get(*key) {
        Some(Value::Map(_)) | None => Err(None),
        Some(v) => Ok(v.clone()),
    }
}

/// Helm's `Values.Table` over already split path parts.
fn table(vals: &Map, parts: &[&str]) -> Option<std::sync::Arc<Map>> {
    let mut t = std::sync::Arc::new(vals.clone());
    for p in parts {
        let next = match t.get(*p) {
            Some(Value::Map(m)) => m.snapshot(),
            _ => return None,
        };
        t = next;
    }
    Some(t)
}

fn process_import_values(
    c: &mut Chart,
    w: &mut Vec<String>,
    depth: usize,
) -> Result<(), DepsError> {
    if depth > MAX_DEPTH {
        return Err(DepsError(format!(
            "subcharts nested deeper than {MAX_DEPTH} levels"
        )));
    }
    for d in &mut c.dependencies {
        process_import_values(d, w, depth + 1)?;
    }
    if !c.metadata.has_dependencies {
        return Ok(());
    }
    let cvals =
        coalesce::merge_values(c, &Map::new(), &mut Vec::new()).map_err(|e| DepsError(e.0))?;
    let mut b = Map::new();
    for r in c.metadata.dependencies.iter_mut().flatten() {
        let mut out = Vec::new();
        for iv in &r.import_values {
            match iv {
                Value::Map(m) => {
                    let show = |k: &str| sprint(&[m.get(k).unwrap_or(Value::Nil)]);
                    let (child, parent) = (show("child"), show("parent"));
                    out.push(child_parent(&child, &parent));
                    let path = format!("{}.{child}", r.name);
                    let parts: Vec<&str> = path.split('.').collect();
                    let vv = match table_or_missing(&cvals, &parts) {
                        Ok(vv) => vv,
                        Err(missing) => {
                            w.push(slog_warn(
                                "ImportValues missing table from chart",
                                &[("chart", &r.name), ("error", &no_table(missing))],
                            ));
                            continue;
                        }
                    };
                    coalesce_tables(&mut b, path_to_map(&parent, Map::clone(&vv)), "", true, w);
                }
                Value::String(s) => {
                    let child = format!("exports.{s}");
                    out.push(child_parent(&child, "."));
                    let path = format!("{}.{child}", r.name);
                    let parts: Vec<&str> = path.split('.').collect();
                    let vm = match table_or_missing(&cvals, &parts) {
                        Ok(vm) => vm,
                        Err(missing) => {
                            w.push(slog_warn(
                                "ImportValues missing table",
                                &[("error", &no_table(missing))],
                            ));
                            continue;
                        }
                    };
                    coalesce_tables(&mut b, Map::clone(&vm), "", true, w);
                }
                _ => {}
            }
        }
        r.import_values = out;
    }
    let mut merged = cvals;
    coalesce_tables(&mut merged, b, "", true, w);
    c.values = merged;
    Ok(())
}

/// Helm's `Values.Table`, telling which part was missing or not a map.
fn table_or_missing<'p>(vals: &Map, parts: &[&'p str]) -> Result<std::sync::Arc<Map>, &'p str> {
    let mut t = std::sync::Arc::new(vals.clone());
    for p in parts {
        let next = match t.get(*p) {
            Some(Value::Map(m)) => m.snapshot(),
            _ => return Err(p),
        };
        t = next;
    }
    Ok(t)
}

/// `ErrNoTable`'s text.
fn no_table(key: &str) -> String {
    format!("{} is not a table", quote(key))
}

/// A line as Go's default `slog` logger prints it (after the timestamp):
/// `WARN msg key=value ...`, values quoted when they need it.
fn slog_warn(msg: &str, attrs: &[(&str, &str)]) -> String {
    let mut out = format!("WARN {msg}");
    for (k, v) in attrs {
        let needs_quote = v.is_empty()
            || v.chars()
                .any(|c| c.is_whitespace() || c == '"' || c == '=' || c.is_control());
        if needs_quote {
            out.push_str(&format!(" {k}={}", quote(v)));
        } else {
            out.push_str(&format!(" {k}={v}"));
        }
    }
    out
}

fn child_parent(child: &str, parent: &str) -> Value {
    let mut m = Map::new();
    m.insert("child".into(), Value::str(child));
    m.insert("parent".into(), Value::str(parent));
    Value::map(m)
}

/// Helm's `pathToMap`: `a.b` puts `data` at `{a: {b: data}}`; `.` is the top.
fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        let mut m = Map::new();
        m.insert(part.to_string(), Value::map(cur));
        cur = m;
    }
    cur
}
