//! Directory sources: the manifests of a plain folder, found as Argo CD's
//! repo-server finds them.
//!
//! Only `.yaml`, `.yml` and `.json` files (plus `.jsonnet`, which capstan
//! cannot evaluate yet) unless `disableExtensionFilter`; sub-folders only
//! with `recurse`; `exclude`/`include` are gobwas globs against the path
//! relative to the source folder (`*` crosses `/`); files holding
//! `+argocd:skip-file-rendering` are skipped. YAML files are split into
//! documents; a file whose first document is not an object is ignored
//! unless it looks like a manifest (`apiVersion:`, `kind:` and `metadata:`
//! all present), while a later bad document is an error. JSON files hold
//! one object (or, beyond Argo CD, an array of objects). Objects with an
//! `items` list are expanded into their items, as Argo CD does with Lists.

use crate::glob::{Dialect, Glob};
use crate::output::RenderedDoc;
use crate::tree::{EntryKind, FileTree, join};
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

fn yaml_docs(file: &str, text: &str, out: &mut Vec<RenderedDoc>) -> Result<(), DirError> {
    let mut found = 0usize;
    for doc in capstan_model::split_documents(text) {
        let parsed: Result<serde_json::Value, String> =
            serde_saphyr::from_str(doc.text).map_err(|e| {
                let msg = e.to_string();
                msg.lines().next().unwrap_or("").to_string()
            });
        let checked = parsed.and_then(|v| {
            if v.is_null() {
                return Ok(v);
            }
            check_object(file, &v)
                .map_err(|_| "Object 'Kind' is missing".to_string())
                .map(|()| v)
        });
        match checked {
            Ok(v) => {
                if !v.is_null() {
                    found += 1;
                }
                push_object(file, &v, Some(doc.text), out);
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
