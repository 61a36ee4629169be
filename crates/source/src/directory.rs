//! Directory sources: the manifests of a plain folder, found as Argo CD's
//! repo-server finds them.
//!
//! Only `.yaml`, `.yml` and `.json` files (plus `.jsonnet`, which capstan
//! cannot evaluate yet) unless `disableExtensionFilter`; sub-folders only
//! with `recurse`; `exclude`/`include` are gobwas globs against the path
//! relative to the source folder (`*` crosses `/`); files holding
//! `+argocd:skip-file-rendering` are skipped. YAML files are split into
//! documents, each read as the repo-server reads it (sigs.k8s.io/yaml over
//! go-yaml: capstan-helm's reader, YAML 1.1 scalars, Go's error text);
//! a file whose first document is not an object is ignored
//! unless it looks like a manifest (`apiVersion:`, `kind:` and `metadata:`
//! all present), while a later bad document is an error. JSON files hold
//! one object (or, beyond Argo CD, an array of objects). Objects with an
//! `items` list are expanded into their items, as Argo CD does with Lists.

use crate::glob::{Dialect, Glob};
use crate::output::RenderedDoc;
use crate::tree::{EntryKind, FileTree, join};
use capstan_helm::render::manifest::{key_strings, resource_fields_of};
use capstan_model::DirectorySource;

const SKIP_MARKER: &str = "+argocd:skip-file-rendering";
/// Folder nesting followed at most (links can make cycles).
const MAX_DEPTH: usize = 64;
/// Manifest files read at most for one source.
const MAX_FILES: usize = 50_000;

/// Why a directory source cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DirError {
    /// Something capstan does not do yet (jsonnet).
    Unsupported(String),
    Invalid(String),
}

/// Renders a directory source at `path` in `tree`.
pub(crate) fn render_directory(
    tree: &dyn FileTree,
    path: &str,
    dir: &DirectorySource,
) -> Result<Vec<RenderedDoc>, DirError> {
    let base = join("", path)
        .ok_or_else(|| DirError::Invalid(format!("path {path} leaves the repository")))?;
    if tree
        .list(&base)
        .map_err(|e| DirError::Invalid(e.to_string()))?
        .is_none()
    {
        return Err(DirError::Invalid(format!(
            "app path does not exist: {path}"
        )));
    }
    if dir.uses_jsonnet() {
        return Err(DirError::Unsupported(
            "jsonnet directory sources are not supported yet".into(),
        ));
    }
    let include = compile(&dir.include)?;
    let exclude = compile(&dir.exclude)?;
    let mut files = Vec::new();
    walk(tree, &base, "", dir, &mut files, 0)?;
    let mut docs = Vec::new();
    for rel in files {
        if exclude.as_ref().is_some_and(|g| g.matches(&rel)) {
            continue;
        }
        if include.as_ref().is_some_and(|g| !g.matches(&rel)) {
            continue;
        }
        if rel.ends_with(".jsonnet") {
            return Err(DirError::Unsupported(format!(
                "jsonnet is not supported yet ({rel})"
            )));
        }
        let full = join(&base, &rel).unwrap_or_default();
        let Some(bytes) = tree
            .read(&full)
            .map_err(|e| DirError::Invalid(e.to_string()))?
        else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if text.contains(SKIP_MARKER) {
            continue;
        }
        if rel.ends_with(".json") {
            json_docs(&full, text, &mut docs)?;
        } else {
            yaml_docs(&full, text, &mut docs)?;
        }
    }
    Ok(docs)
}

fn compile(pattern: &str) -> Result<Option<Glob>, DirError> {
    if pattern.is_empty() {
        return Ok(None);
    }
    Glob::new(pattern, Dialect::Gobwas)
        .map(Some)
        .map_err(|e| DirError::Invalid(e.to_string()))
}

fn is_manifest_name(name: &str) -> bool {
    [".yaml", ".yml", ".json", ".jsonnet"]
        .iter()
        .any(|ext| name.ends_with(ext) && name.len() > ext.len())
}

/// Files (relative to `base`) in Go's `filepath.Walk` order: lexical per folder.
fn walk(
    tree: &dyn FileTree,
    base: &str,
    rel: &str,
    dir: &DirectorySource,
    out: &mut Vec<String>,
    depth: usize,
) -> Result<(), DirError> {
    if depth > MAX_DEPTH {
        return Err(DirError::Invalid(format!(
            "folders nested deeper than {MAX_DEPTH} levels under {base}"
        )));
    }
    let here = join(base, rel).unwrap_or_default();
    for e in tree
        .list(&here)
        .map_err(|e| DirError::Invalid(e.to_string()))?
        .unwrap_or_default()
    {
        let r = if rel.is_empty() {
            e.name.clone()
        } else {
            format!("{rel}/{}", e.name)
        };
        match e.kind {
            EntryKind::Dir if dir.recurse => walk(tree, base, &r, dir, out, depth + 1)?,
            EntryKind::Dir => {}
            EntryKind::File => {
                if dir.disable_extension_filter || is_manifest_name(&e.name) {
                    if out.len() >= MAX_FILES {
                        return Err(DirError::Invalid(format!(
                            "more than {MAX_FILES} manifest files under {base}"
                        )));
                    }
                    out.push(r);
                }
            }
        }
    }
    Ok(())
}

/// Appends an object, or its items when it is a list.
fn push_object(
    file: &str,
    value: &serde_json::Value,
    original: Option<&str>,
    out: &mut Vec<RenderedDoc>,
) {
    if let Some(items) = value.get("items").and_then(|i| i.as_array()) {
        for item in items {
            push_object(file, item, None, out);
        }
        return;
    }
    if value.is_null() {
        return;
    }
    let text = match original {
        Some(t) => t.trim_end().to_string(),
        None => serde_json::to_string_pretty(value).unwrap_or_default(),
    };
    out.push(RenderedDoc {
        source: file.to_string(),
        text,
        key: None,
    });
}

fn json_docs(file: &str, text: &str, out: &mut Vec<RenderedDoc>) -> Result<(), DirError> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| DirError::Invalid(format!("Failed to unmarshal {file:?}: {e}")))?;
    match &value {
        serde_json::Value::Array(items) => {
            for item in items {
                check_object(file, item)?;
                push_object(file, item, None, out);
            }
        }
        other => {
            check_object(file, other)?;
            push_object(file, other, Some(text), out);
        }
    }
    Ok(())
}

fn check_object(file: &str, v: &serde_json::Value) -> Result<(), DirError> {
    let kind_ok = v
        .get("kind")
        .and_then(|k| k.as_str())
        .is_some_and(|k| !k.is_empty());
    if v.is_object() && (kind_ok || v.get("items").is_some_and(|i| i.is_array())) {
        return Ok(());
    }
    Err(DirError::Invalid(format!(
        "Failed to unmarshal {file:?}: Object 'Kind' is missing"
    )))
}

/// The documents of a YAML file, each read as Argo CD's repo-server reads
/// it: sigs.k8s.io/yaml over go-yaml (capstan-helm's reader, the same one
/// that reads rendered charts), so YAML 1.1 scalars (`kind: on` is a
/// boolean, not a kind), duplicate keys refused, Go's error text.
fn yaml_docs(file: &str, text: &str, out: &mut Vec<RenderedDoc>) -> Result<(), DirError> {
    let mut found = 0usize;
    for doc in capstan_model::split_documents(text) {
        let read = capstan_helm::yaml::unmarshal(doc.text).map_err(|e| {
            let msg = e.to_string();
            msg.lines().next().unwrap_or("").to_string()
        });
        let checked = read.and_then(|v| {
            if v.is_nil() || is_object(&v) {
                return Ok(v);
            }
            Err("Object 'Kind' is missing".to_string())
        });
        match checked {
            Ok(v) if v.is_nil() => {}
            Ok(v) => {
                found += 1;
                push_read_object(file, &v, doc.text, out);
            }
            Err(e) => {
                let looks_like_manifest = text.contains("apiVersion:")
                    && text.contains("kind:")
                    && text.contains("metadata:");
                if found == 0 && !looks_like_manifest {
                    // An unrelated YAML file (values, config): Argo CD ignores it.
                    return Ok(());
                }
                return Err(DirError::Invalid(format!(
                    "Failed to unmarshal {file:?} (document at line {}): {e}",
                    doc.line
                )));
            }
        }
    }
    Ok(())
}

/// [`check_object`] for a document read as template values: a mapping
/// with a non-empty string `kind`, or with an `items` list.
fn is_object(v: &capstan_gotmpl::Value) -> bool {
    use capstan_gotmpl::Value;
    let Some(map) = v.as_map() else {
        return false;
    };
    let kind_ok = matches!(map.get("kind"), Some(Value::String(k)) if !k.is_empty());
    kind_ok || matches!(map.get("items"), Some(Value::List(_)))
}

/// Appends a YAML document as written, or the items of a list (each
/// printed as JSON, as [`push_object`] prints them).
fn push_read_object(file: &str, v: &capstan_gotmpl::Value, text: &str, out: &mut Vec<RenderedDoc>) {
    let is_list = v
        .as_map()
        .is_some_and(|m| matches!(m.get("items"), Some(capstan_gotmpl::Value::List(_))));
    if !is_list {
        out.push(RenderedDoc {
            source: file.to_string(),
            text: text.trim_end().to_string(),
            // Read here already: the document is `v`.
            key: resource_fields_of(v).map(key_strings),
        });
        return;
    }
    // Lists are rare: their items go through JSON to be printed as the
    // items of a JSON file are.
    let json = capstan_helm::json::to_json(v)
        .ok()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok());
    if let Some(json) = json {
        push_object(file, &json, None, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> Result<Vec<String>, DirError> {
        let mut out = Vec::new();
        yaml_docs("apps/a.yaml", text, &mut out)?;
        Ok(out.into_iter().map(|d| d.text).collect())
    }

    #[test]
    fn documents_are_kept_as_written() {
        let text = "# head\napiVersion: v1\nkind: ConfigMap # c\nmetadata:\n  name: a\n\n---\n---\nkind: Secret\nmetadata: {name: b}\n";
        assert_eq!(
            docs(text).expect("two objects"),
            [
                "# head\napiVersion: v1\nkind: ConfigMap # c\nmetadata:\n  name: a",
                "kind: Secret\nmetadata: {name: b}"
            ]
        );
    }

    #[test]
    fn lists_are_expanded_into_json_items() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- kind: A\n  size: 3\n- null\n- kind: B\n";
        assert_eq!(
            docs(text).expect("a list"),
            [
                "{\n  \"kind\": \"A\",\n  \"size\": 3\n}",
                "{\n  \"kind\": \"B\"\n}"
            ]
        );
    }

    /// Read as Argo CD reads it (go-yaml through sigs.k8s.io/yaml).
    #[test]
    fn yaml_is_read_as_go_reads_it() {
        // YAML 1.1: `on` is a boolean, so there is no kind.
        let err = docs("apiVersion: v1\nkind: on\nmetadata:\n  name: a\n").expect_err("no kind");
        assert_eq!(
            err,
            DirError::Invalid(
                "Failed to unmarshal \"apps/a.yaml\" (document at line 1): Object 'Kind' is missing"
                    .into()
            )
        );
        // A repeated key: the last one counts (go-yaml v2 into `interface{}`).
        assert_eq!(
            docs("apiVersion: v1\nkind: on\nkind: C\n").expect("kind C"),
            ["apiVersion: v1\nkind: on\nkind: C"]
        );
        let err = docs("kind: A\nmetadata: {}\n---\napiVersion: v1\nkind: B\n  x: 1\n")
            .expect_err("bad YAML in a later document");
        assert_eq!(
            err,
            DirError::Invalid(
                "Failed to unmarshal \"apps/a.yaml\" (document at line 4): error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context".into()
            )
        );
    }

    #[test]
    fn unrelated_yaml_is_ignored_unless_it_looks_like_a_manifest() {
        assert_eq!(
            docs("replicas: 3\n").expect("ignored"),
            Vec::<String>::new()
        );
        assert!(docs("apiVersion: v1\nkind: ConfigMap\nmetadata: [\n").is_err());
    }
}
