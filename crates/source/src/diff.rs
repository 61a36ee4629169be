//! What changed between two rendered app-of-apps trees: apps added,
//! removed or changed; per app, resources added, removed or changed; per
//! changed resource, the fields that differ.
//!
//! Documents are compared as data, not text: each is read as YAML into a
//! JSON value, so key order and YAML spelling (`foo: bar` vs `"foo": "bar"`,
//! block vs flow style) do not count, while a type change does (`"1"` is a
//! string, `1` a number). List items are matched by `name` when every item
//! on both sides is a map with a distinct string `name` (as kubectl merges
//! containers, env and ports); otherwise by position. Pure: the trees come
//! from the caller.

use std::collections::BTreeMap;

use capstan_model::ResourceKey;
use serde::Serialize;
use serde_json::Value;

use crate::apps::{AppError, AppTree};
use crate::output::Manifest;

/// Nesting followed at most before a subtree is compared as a whole.
const MAX_DEPTH: usize = 128;

/// Whether something exists on one side only or differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl Change {
    /// `added`, `removed` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// One field that differs; `None` on the side where it is absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// `spec.template.spec.containers[name=enclave].image`.
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// One resource added, removed or changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceDiff {
    pub key: ResourceKey,
    pub change: Change,
    /// The fields that differ (changed resources only).
    pub fields: Vec<FieldChange>,
}

/// One app added, removed or with changed resources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppDiff {
    pub name: String,
    /// The app-of-apps parent that defines it (empty for a root).
    pub parent: String,
    pub change: Change,
    /// Resources of the app on each side.
    pub resources_old: usize,
    pub resources_new: usize,
    pub resources: Vec<ResourceDiff>,
}

impl AppDiff {
    /// Resources added, removed and changed.
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |c| self.resources.iter().filter(|r| r.change == c).count();
        (n(Change::Added), n(Change::Removed), n(Change::Changed))
    }
}

/// The difference between two trees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreeDiff {
    /// The revisions compared (`worktree` or commit ids).
    pub old_revision: String,
    pub new_revision: String,
    /// Apps with a difference, by name.
    pub apps: Vec<AppDiff>,
    /// Apps compared (present on either side).
    pub apps_compared: usize,
    /// Errors of either side, which make the comparison incomplete.
    pub errors: Vec<AppError>,
}

impl TreeDiff {
    /// Whether anything differs.
    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
    }
}

/// An app's resources and its parent, from one side.
struct Side<'a> {
    parent: String,
    manifests: &'a [Manifest],
    failed: bool,
}

fn sides(tree: &AppTree) -> BTreeMap<String, Side<'_>> {
    let mut out = BTreeMap::new();
    for n in &tree.nodes {
        let parent = n
            .parent
            .map(|p| tree.nodes[p].app.metadata.name.clone())
            .unwrap_or_default();
        let (manifests, failed) = match &n.output {
            Ok(o) => (o.manifests.as_slice(), false),
            Err(_) => (&[][..], true),
        };
        out.entry(n.app.metadata.name.clone()).or_insert(Side {
            parent,
            manifests,
            failed,
        });
    }
    out
}

/// Compares two resolved trees. An app that failed on either side is
/// reported in `errors`, not diffed.
pub fn diff_trees(old: &AppTree, new: &AppTree) -> TreeDiff {
    let a = sides(old);
    let b = sides(new);
    let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    let mut apps = Vec::new();
    for name in &names {
        let (sa, sb) = (a.get(*name), b.get(*name));
        if sa.is_some_and(|s| s.failed) || sb.is_some_and(|s| s.failed) {
            continue;
        }
        let change = match (sa, sb) {
            (None, Some(_)) => Change::Added,
            (Some(_), None) => Change::Removed,
            _ => Change::Changed,
        };
        let empty: &[Manifest] = &[];
        let ma = sa.map_or(empty, |s| s.manifests);
        let mb = sb.map_or(empty, |s| s.manifests);
        let resources = diff_manifests(ma, mb);
        if change == Change::Changed && resources.is_empty() {
            continue;
        }
        apps.push(AppDiff {
            name: (*name).clone(),
            parent: sb.or(sa).map(|s| s.parent.clone()).unwrap_or_default(),
            change,
            resources_old: ma.len(),
            resources_new: mb.len(),
            resources,
        });
    }
    let mut errors: Vec<AppError> = old.errors().into_iter().cloned().collect();
    for e in new.errors() {
        if !errors.contains(e) {
            errors.push(e.clone());
        }
    }
    TreeDiff {
        old_revision: old.revision.clone(),
        new_revision: new.revision.clone(),
        apps,
        apps_compared: names.len(),
        errors,
    }
}

/// Manifests keyed by resource; a key rendered twice keeps its first
/// document (Argo CD refuses such an app; capstan check reports it).
fn by_key(ms: &[Manifest]) -> BTreeMap<&ResourceKey, &Manifest> {
    let mut out = BTreeMap::new();
    for m in ms {
        out.entry(&m.key).or_insert(m);
    }
    out
}

/// The resources that differ between two apps' manifests, in key order.
pub fn diff_manifests(old: &[Manifest], new: &[Manifest]) -> Vec<ResourceDiff> {
    let a = by_key(old);
    let b = by_key(new);
    let mut keys: Vec<&ResourceKey> = a.keys().chain(b.keys()).copied().collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        match (a.get(key), b.get(key)) {
            (Some(_), None) => out.push(ResourceDiff {
                key: key.clone(),
                change: Change::Removed,
                fields: Vec::new(),
            }),
            (None, Some(_)) => out.push(ResourceDiff {
                key: key.clone(),
                change: Change::Added,
                fields: Vec::new(),
            }),
            (Some(ma), Some(mb)) => {
                // Same text: same data, no parse needed (the common case).
                if ma.text == mb.text {
                    continue;
                }
                let fields = diff_documents(&ma.text, &mb.text);
                if !fields.is_empty() {
                    out.push(ResourceDiff {
                        key: key.clone(),
                        change: Change::Changed,
                        fields,
                    });
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// Reads a YAML document as data; `None` when it is not valid YAML.
fn parse(text: &str) -> Option<Value> {
    serde_saphyr::from_str::<Value>(text).ok()
}

/// The fields that differ between two YAML documents. A document that
/// does not parse is compared as text, as a whole.
pub fn diff_documents(old: &str, new: &str) -> Vec<FieldChange> {
    match (parse(old), parse(new)) {
        (Some(a), Some(b)) => {
            let mut out = Vec::new();
            diff_values(&a, &b, &mut String::new(), 0, &mut out);
            out
        }
        _ if old == new => Vec::new(),
        _ => vec![FieldChange {
            path: String::new(),
            old: Some(Value::String(old.to_string())),
            new: Some(Value::String(new.to_string())),
        }],
    }
}

/// Equal as data: numbers compare by value (`1` and `1.0` are the same
/// number in JSON, as the API server sees them).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// A map key as a path segment: `.key`, or `["key"]` when it holds
/// characters that would make the path ambiguous.
fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push_str(&format!("[{}]", Value::String(key.to_string())));
    }
}

/// The names of a list's items, when every item is a map with a string
/// `name` and no two share one.
fn names(items: &[Value]) -> Option<Vec<&str>> {
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        let n = i.as_object()?.get("name")?.as_str()?;
        if out.contains(&n) {
            return None;
        }
        out.push(n);
    }
    Some(out)
}

fn leaf(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    out.push(FieldChange {
        path: path.to_string(),
        old: old.cloned(),
        new: new.cloned(),
    });
}

fn diff_values(a: &Value, b: &Value, path: &mut String, depth: usize, out: &mut Vec<FieldChange>) {
    if same(a, b) {
        return;
    }
    if depth > MAX_DEPTH {
        return leaf(path, Some(a), Some(b), out);
    }
    let len = path.len();
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                push_key(path, k);
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => diff_values(p, q, path, depth + 1, out),
                    (p, q) => leaf(path, p, q, out),
                }
                path.truncate(len);
            }
        }
        (Value::Array(x), Value::Array(y)) => match (names(x), names(y)) {
            (Some(nx), Some(ny)) if !x.is_empty() && !y.is_empty() => {
                // Items in old order, then the new ones in new order.
                let mut order: Vec<&str> = nx.clone();
                order.extend(ny.iter().filter(|n| !nx.contains(n)));
                for n in order {
                    path.push_str(&format!("[name={n}]"));
                    let p = nx.iter().position(|m| *m == n).map(|i| &x[i]);
                    let q = ny.iter().position(|m| *m == n).map(|i| &y[i]);
                    match (p, q) {
                        (Some(p), Some(q)) => diff_values(p, q, path, depth + 1, out),
                        (p, q) => leaf(path, p, q, out),
                    }
                    path.truncate(len);
                }
            }
            _ => {
                for i in 0..x.len().max(y.len()) {
                    path.push_str(&format!("[{i}]"));
                    match (x.get(i), y.get(i)) {
                        (Some(p), Some(q)) => diff_values(p, q, path, depth + 1, out),
                        (p, q) => leaf(path, p, q, out),
                    }
                    path.truncate(len);
                }
            }
        },
        _ => leaf(path, Some(a), Some(b), out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(a: &str, b: &str) -> Vec<String> {
        diff_documents(a, b)
            .into_iter()
            .map(|f| {
                let show = |v: &Option<Value>| v.as_ref().map_or("-".into(), Value::to_string);
                format!("{}: {} -> {}", f.path, show(&f.old), show(&f.new))
            })
            .collect()
    }

    #[test]
    fn spelling_and_key_order_are_not_changes() {
        assert!(paths("a: bar\nb: 1\n", "\"b\": 1\n'a': \"bar\"\n").is_empty());
        assert!(paths("l: [x, z]\nm: {k: v}\n", "m:\n  k: v\nl:\n- x\n- 'z'\n").is_empty());
        assert!(paths("n: 1\n", "n: 1.0\n").is_empty());
    }

    #[test]
    fn a_quoted_number_is_a_string() {
        assert_eq!(paths("v: \"1\"\n", "v: 1\n"), ["v: \"1\" -> 1"]);
    }

    #[test]
    fn lists_of_named_items_match_by_name() {
        let a = "c:\n- name: host\n  image: h:1\n- name: enclave\n  image: e:1\n";
        let b = "c:\n- name: enclave\n  image: e:2\n- name: host\n  image: h:1\n- name: side\n";
        assert_eq!(
            paths(a, b),
            [
                "c[name=enclave].image: \"e:1\" -> \"e:2\"",
                "c[name=side]: - -> {\"name\":\"side\"}"
            ]
        );
        // Not all named: by position.
        assert_eq!(
            paths("l: [a, b]\n", "l: [a, c, d]\n"),
            ["l[1]: \"b\" -> \"c\"", "l[2]: - -> \"d\""]
        );
    }

    #[test]
    fn odd_keys_are_quoted_in_paths() {
        assert_eq!(
            paths(
                "metadata:\n  annotations:\n    a.io/x: '1'\n",
                "metadata:\n  annotations:\n    a.io/x: '2'\n"
            ),
            ["metadata.annotations[\"a.io/x\"]: \"1\" -> \"2\""]
        );
    }

    #[test]
    fn invalid_yaml_is_compared_as_text() {
        let d = diff_documents("a: [\n", "a: [b\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "");
        assert!(diff_documents("a: [\n", "a: [\n").is_empty());
    }
}
