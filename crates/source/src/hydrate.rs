//! The rendered-manifests pattern: the manifests a source commit renders
//! to, committed to a branch of the same repository, one commit per source
//! commit.
//!
//! Layout of the branch (the same files `capstan render --output-dir`
//! writes): `<app>/<kind>-<namespace>-<name>.yaml`, `<kind>-<name>.yaml`
//! for cluster-scoped kinds, kind lower-cased, each file one document as
//! `helm template` prints it (`---`, `# Source:`, the document). Nothing
//! else is in the tree, so the branch is the whole truth of what the
//! source commit deploys.
//!
//! Objects are written straight into Git's object database and only the
//! branch reference moves: the user's working tree, index and `HEAD` are
//! never touched (hydrating the branch that is checked out is refused).
//! Each commit names its source in a trailer, `Capstan-Source-Commit:`;
//! hydrating a commit the branch tip already names, or one whose manifests
//! equal the tip's, writes nothing.

use std::collections::BTreeMap;
use std::path::Path;

use capstan_model::ResourceKey;
use gix::ObjectId;
use gix::bstr::ByteSlice;

use crate::apps::AppTree;

/// The trailer naming the source commit of a hydrated commit.
pub const SOURCE_TRAILER: &str = "Capstan-Source-Commit";

/// Why hydrating failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HydrateError(pub String);

fn err(context: &str, e: impl std::fmt::Display) -> HydrateError {
    HydrateError(format!("{context}: {e}"))
}

/// What hydrating did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// A commit was written and the branch moved to it.
    Committed {
        commit: String,
        /// Apps whose manifests were added, changed or removed.
        apps_changed: Vec<String>,
    },
    /// The branch tip already holds this source commit, or the same manifests.
    UpToDate { commit: String },
}

/// A file name part without path separators, control characters or leading dots.
fn safe(part: &str) -> String {
    let s: String = part
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    s.trim_start_matches('.').to_string()
}

/// The file a resource is written to inside its app's folder.
pub fn file_name(key: &ResourceKey) -> String {
    let kind = safe(&key.kind.to_lowercase());
    if key.namespace.is_empty() {
        format!("{kind}-{}.yaml", safe(&key.name))
    } else {
        format!("{kind}-{}-{}.yaml", safe(&key.namespace), safe(&key.name))
    }
}

/// Every app's files: app folder → file name → bytes. Apps that failed to
/// render are refused: a partial hydration would delete their manifests.
pub fn layout(tree: &AppTree) -> Result<BTreeMap<String, BTreeMap<String, Vec<u8>>>, HydrateError> {
    if let Some(e) = tree.errors().first() {
        return Err(HydrateError(format!(
            "not hydrating a tree with errors: {e}"
        )));
    }
    let mut out: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    for n in &tree.nodes {
        let Ok(o) = &n.output else { continue };
        let app = safe(&n.app.metadata.name);
        if app.is_empty() {
            return Err(HydrateError(format!(
                "application name {:?} cannot be a folder name",
                n.app.metadata.name
            )));
        }
        let files = out.entry(app.clone()).or_default();
        for m in &o.manifests {
            let name = file_name(&m.key);
            let mut doc = String::new();
            capstan_helm::render::manifest::write_document(&mut doc, &m.source, &m.text);
            if files.insert(name.clone(), doc.into_bytes()).is_some() {
                return Err(HydrateError(format!(
                    "application {app}: {} is rendered twice ({name})",
                    m.key
                )));
            }
        }
    }
    Ok(out)
}

fn write_tree(
    repo: &gix::Repository,
    entries: Vec<(String, gix::objs::tree::EntryKind, ObjectId)>,
) -> Result<ObjectId, HydrateError> {
    let mut tree = gix::objs::Tree::empty();
    for (name, kind, oid) in entries {
        tree.entries.push(gix::objs::tree::Entry {
            mode: kind.into(),
            filename: name.into(),
            oid,
        });
    }
    // Git's order (folders sort as if their name ended in '/').
    tree.entries.sort();
    Ok(repo
        .write_object(&tree)
        .map_err(|e| err("writing a tree", e))?
        .detach())
}

/// The app folders of a hydrated tree and their tree ids.
fn app_trees(repo: &gix::Repository, tree: ObjectId) -> BTreeMap<String, ObjectId> {
    let mut out = BTreeMap::new();
    if let Ok(t) = repo.find_tree(tree) {
        for e in t.iter().flatten() {
            out.insert(e.filename().to_string(), e.object_id());
        }
    }
    out
}

/// Commits the manifests of `tree` (rendered at the source commit
/// `tree.revision`) to `branch` of the repository at `repo_dir`.
pub fn hydrate(repo_dir: &Path, branch: &str, tree: &AppTree) -> Result<Outcome, HydrateError> {
    let source = tree.revision.as_str();
    if ObjectId::from_hex(source.as_bytes()).is_err() {
        return Err(HydrateError(format!(
            "hydrate needs a committed revision, not {source:?}"
        )));
    }
    let repo = gix::discover(repo_dir).map_err(|e| err(&repo_dir.display().to_string(), e))?;
    let full = format!("refs/heads/{branch}");
    if let Ok(Some(head)) = repo.head_name()
        && head.as_bstr() == full.as_bytes().as_bstr()
    {
        return Err(HydrateError(format!(
            "branch {branch} is checked out: hydrate writes a branch nobody works on"
        )));
    }
    let files = layout(tree)?;

    let tip = repo
        .try_find_reference(full.as_str())
        .map_err(|e| err(&full, e))?;
    let (parent, old_tree) = match tip {
        Some(mut r) => {
            let commit = r.peel_to_commit().map_err(|e| err(&full, e))?;
            let message = commit.message_raw_sloppy().to_str_lossy().into_owned();
            let tree_id = commit.tree_id().map_err(|e| err(&full, e))?.detach();
            let id = commit.id.to_string();
            if message
                .lines()
                .any(|l| l.trim() == format!("{SOURCE_TRAILER}: {source}"))
            {
                return Ok(Outcome::UpToDate { commit: id });
            }
            (Some(commit.id), Some(tree_id))
        }
        None => (None, None),
    };

    let mut root = Vec::new();
    let mut new_apps = BTreeMap::new();
    for (app, docs) in files {
        let mut entries = Vec::new();
        for (name, bytes) in docs {
            let blob = repo
                .write_blob(&bytes)
                .map_err(|e| err("writing a blob", e))?
                .detach();
            entries.push((name, gix::objs::tree::EntryKind::Blob, blob));
        }
        let id = write_tree(&repo, entries)?;
        new_apps.insert(app.clone(), id);
        root.push((app, gix::objs::tree::EntryKind::Tree, id));
    }
    let root_id = write_tree(&repo, root)?;
    let old_apps = old_tree.map(|t| app_trees(&repo, t)).unwrap_or_default();
    if let (Some(p), Some(t)) = (parent, old_tree)
        && t == root_id
    {
        return Ok(Outcome::UpToDate {
            commit: p.to_string(),
        });
    }
    let mut changed: Vec<String> = new_apps
        .iter()
        .filter(|(a, id)| old_apps.get(*a) != Some(id))
        .map(|(a, _)| a.clone())
        .chain(
            old_apps
                .keys()
                .filter(|a| !new_apps.contains_key(*a))
                .cloned(),
        )
        .collect();
    changed.sort();
    let message = message(source, &changed);
    let commit = repo
        .commit(full.as_str(), message, root_id, parent)
        .map_err(|e| err(&format!("committing to {full}"), e))?;
    Ok(Outcome::Committed {
        commit: commit.to_string(),
        apps_changed: changed,
    })
}

/// `Hydrate <short>: N apps changed`, the apps, and the source trailer.
fn message(source: &str, apps: &[String]) -> String {
    let short = &source[..source.len().min(12)];
    let mut m = format!(
        "Hydrate {short}: {} app{} changed\n\n",
        apps.len(),
        if apps.len() == 1 { "" } else { "s" }
    );
    for a in apps {
        m.push_str(&format!("- {a}\n"));
    }
    m.push_str(&format!("\n{SOURCE_TRAILER}: {source}\n"));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_match_render_output_dir() {
        let k = ResourceKey::new("apps/v1", "StatefulSet", "uat", "a/b");
        assert_eq!(file_name(&k), "statefulset-uat-a_b.yaml");
        let k = ResourceKey::new("v1", "Namespace", "", ".x");
        assert_eq!(file_name(&k), "namespace-x.yaml");
    }

    #[test]
    fn message_names_source_and_apps() {
        let m = message(&"a".repeat(40), &["x".into()]);
        assert!(m.starts_with("Hydrate aaaaaaaaaaaa: 1 app changed\n\n- x\n"));
        assert!(m.ends_with(&format!("{SOURCE_TRAILER}: {}\n", "a".repeat(40))));
    }
}
