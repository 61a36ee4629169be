//! Argo CD's parameter override files: `.argocd-source.yaml` and
//! `.argocd-source-<app>.yaml` in a source's folder (written by tools such
//! as Argo CD Image Updater) are JSON merge patches (RFC 7386) over the
//! source, applied in that order before the source type is decided. Only
//! the tool settings can change: `repoURL`, `path`, `chart` and
//! `targetRevision` are restored afterwards.

use capstan_model::ApplicationSource;

use crate::tree::{FileTree, join};

/// The source with the override files of `path` applied.
pub(crate) fn apply(
    tree: &dyn FileTree,
    path: &str,
    app: &str,
    source: &ApplicationSource,
) -> Result<ApplicationSource, String> {
    let mut merged: Option<serde_json::Value> = None;
    for name in [
        ".argocd-source.yaml".to_string(),
        format!(".argocd-source-{app}.yaml"),
    ] {
        let file = join(path, &name).unwrap_or_default();
        let Some(bytes) = tree.read(&file).map_err(|e| e.to_string())? else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let patch: serde_json::Value = serde_saphyr::from_str(&text)
            .map_err(|e| format!("{file}: {}", e.to_string().lines().next().unwrap_or("")))?;
        let base = match merged.take() {
            Some(v) => v,
            None => serde_json::to_value(source).map_err(|e| e.to_string())?,
        };
        let mut target = base;
        merge_patch(&mut target, &patch, 0);
        merged = Some(target);
        // Each file must leave a valid source, as Argo CD unmarshals after each.
        let check: ApplicationSource = serde_json::from_value(merged.clone().unwrap_or_default())
            .map_err(|e| format!("{file}: {e}"))?;
        drop(check);
    }
    let Some(merged) = merged else {
        return Ok(source.clone());
    };
    let mut out: ApplicationSource = serde_json::from_value(merged).map_err(|e| e.to_string())?;
    out.repo_url = source.repo_url.clone();
    out.path = source.path.clone();
    out.chart = source.chart.clone();
    out.target_revision = source.target_revision.clone();
    Ok(out)
}

/// RFC 7386 JSON merge patch, depth-limited.
fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value, depth: usize) {
    let serde_json::Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() || depth > 64 {
        *target = serde_json::Value::Object(serde_json::Map::new());
    }
    if let serde_json::Value::Object(t) = target {
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                merge_patch(
                    t.entry(k.clone()).or_insert(serde_json::Value::Null),
                    v,
                    depth + 1,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut t = json!({"a": {"b": 1, "c": 2}, "d": [1]});
        merge_patch(&mut t, &json!({"a": {"b": null, "e": 3}, "d": [2]}), 0);
        assert_eq!(t, json!({"a": {"c": 2, "e": 3}, "d": [2]}));
    }
}
