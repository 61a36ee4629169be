//! The branch layout: which file each rendered resource goes to.
//!
//! `<app>/<kind>-<namespace>-<name>.yaml`, `<app>/<kind>-<name>.yaml` for
//! cluster-scoped kinds, kind lower-cased (the same files `capstan render
//! --output-dir` writes), each file one document as `helm template` prints
//! it (`---`, `# Source:`, the document). Nothing else is in the tree, so
//! the branch is the whole truth of what the source commit deploys.

use std::collections::BTreeMap;

use capstan_model::ResourceKey;

use crate::apps::AppTree;

/// A file name part without path separators, control characters or
/// leading dots (app folders and resource files, here and in `capstan
/// render --output-dir`).
pub fn safe(part: &str) -> String {
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

/// App folder → file name → bytes.
pub type Files = BTreeMap<String, BTreeMap<String, Vec<u8>>>;

/// Every app's files. The caller refuses trees with errors first: a
/// partial hydration would delete the failed apps' manifests.
pub fn layout(tree: &AppTree) -> Result<Files, String> {
    let mut out: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    for n in &tree.nodes {
        let Ok(o) = &n.output else { continue };
        let app = safe(&n.app.metadata.name);
        if app.is_empty() {
            return Err(format!(
                "application name {:?} cannot be a folder name",
                n.app.metadata.name
            ));
        }
        let files = out.entry(app.clone()).or_default();
        for m in &o.manifests {
            let name = file_name(&m.key);
            let mut doc = String::new();
            capstan_helm::render::manifest::write_document(&mut doc, &m.source, &m.text);
            if files.insert(name.clone(), doc.into_bytes()).is_some() {
                return Err(format!(
                    "application {app}: {} is rendered twice ({name})",
                    m.key
                ));
            }
        }
    }
    Ok(out)
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
}
