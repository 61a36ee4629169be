//! A chart repository's `index.yaml` and choosing a chart version from it
//! (or from a list of OCI tags) as Helm and Argo CD choose.
//!
//! Helm's `IndexFile.Get`: a version string equal to an entry's version
//! wins; otherwise the request is a Masterminds constraint (`""` is `*`)
//! and the highest entry satisfying it is taken, so prereleases are picked
//! only when the constraint names one. Entries whose version does not
//! parse are skipped, as Helm's index loader drops them. Argo CD resolves
//! `targetRevision` the same way (`versions.MaxVersion`), then pulls it.

use std::collections::BTreeMap;

use capstan_helm::sprig::semver::{Constraints, Version};
use serde::{Deserialize, Serialize};

/// Size of an `index.yaml` read at most (public indexes reach tens of MiB).
pub(crate) const MAX_INDEX_BYTES: u64 = 256 * 1024 * 1024;

/// A parsed `index.yaml`: chart name → its entries.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Index {
    #[serde(default)]
    pub(crate) api_version: String,
    #[serde(default)]
    pub(crate) entries: BTreeMap<String, Vec<Option<Entry>>>,
}

/// One chart version of an index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub(crate) struct Entry {
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default, deserialize_with = "scalar_text")]
    pub(crate) version: String,
    #[serde(default)]
    pub(crate) urls: Vec<String>,
    /// The sha256 of the archive (hex), when the index records it.
    #[serde(default)]
    pub(crate) digest: String,
}

impl Entry {
    /// The archive's sha256 (lower-case hex) when the index records one
    /// that can be checked (`sha256:` prefix allowed). Helm writes hex and
    /// never checks it itself, so anything else is ignored, not refused.
    pub(crate) fn sha256(&self) -> Option<String> {
        let d = self.digest.trim().to_ascii_lowercase();
        let d = d.strip_prefix("sha256:").unwrap_or(&d);
        super::cache::is_sha256_hex(d).then(|| d.to_string())
    }
}

/// A version written as a YAML number (`version: 1.0`) is still its text.
fn scalar_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

impl Index {
    /// Parses an index; `origin` (a URL or a file) prefixes error messages,
    /// which carry the line and column of the problem.
    pub(crate) fn parse(data: &[u8], origin: &str) -> Result<Index, String> {
        let text = std::str::from_utf8(data)
            .map_err(|e| format!("{origin}: index is not UTF-8 text: {e}"))?;
        let mut budget = serde_saphyr::Budget::default();
        budget.max_reader_input_bytes = Some(MAX_INDEX_BYTES as usize);
        budget.max_events = 100_000_000;
        budget.max_nodes = 50_000_000;
        budget.max_total_scalar_bytes = MAX_INDEX_BYTES as usize;
        let mut options = serde_saphyr::Options::default();
        options.budget = Some(budget);
        let index: Index = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            let msg = e.to_string();
            format!(
                "{origin}: invalid index: {}",
                msg.lines().next().unwrap_or("")
            )
        })?;
        if index.api_version.is_empty() {
            return Err(format!("{origin}: invalid index: no API version specified"));
        }
        Ok(index)
    }

    /// The usable entries of `chart`, or `None` when the index lacks it.
    pub(crate) fn versions(&self, chart: &str) -> Option<Vec<&Entry>> {
        let list = self.entries.get(chart)?;
        Some(list.iter().flatten().collect())
    }

    /// Chart names, for "not found" messages.
    pub(crate) fn chart_names(&self) -> Vec<&str> {
        self.entries.keys().map(String::as_str).collect()
    }
}

/// Picks the version Helm would pull for `request` among `versions`
/// (their texts). `Err` explains a malformed constraint; `Ok(None)` is no
/// match.
pub(crate) fn select<'a>(versions: &[&'a str], request: &str) -> Result<Option<&'a str>, String> {
    let request = request.trim();
    if !request.is_empty()
        && let Some(v) = versions.iter().find(|v| **v == request)
    {
        return Ok(Some(v));
    }
    let text = if request.is_empty() { "*" } else { request };
    let constraint = Constraints::parse(text)
        .map_err(|e| format!("invalid version constraint {request:?}: {e}"))?;
    let mut best: Option<(Version, &'a str)> = None;
    for v in versions {
        let Ok(parsed) = Version::parse(v) else {
            continue;
        };
        if !constraint.check(&parsed) {
            continue;
        }
        let better = match &best {
            None => true,
            Some((b, _)) => parsed.compare(b) == std::cmp::Ordering::Greater,
        };
        if better {
            best = Some((parsed, v));
        }
    }
    Ok(best.map(|(_, v)| v))
}

/// Whether `request` names one version rather than a range (Argo CD's
/// `IsVersion`): such a request may be answered from the cache alone.
pub(crate) fn is_exact(request: &str) -> bool {
    !request.trim().is_empty() && Version::parse(request.trim()).is_ok()
}

/// Versions listed for a message: the highest few, newest first.
pub(crate) fn summarize(versions: &[&str]) -> String {
    if versions.is_empty() {
        return "none".to_string();
    }
    let mut parsed: Vec<(Option<Version>, &str)> = versions
        .iter()
        .map(|v| (Version::parse(v).ok(), *v))
        .collect();
    parsed.sort_by(|a, b| match (&a.0, &b.0) {
        (Some(x), Some(y)) => y.compare(x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.cmp(b.1),
    });
    let shown: Vec<&str> = parsed.iter().take(8).map(|(_, v)| *v).collect();
    let more = versions.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Helm's `ResolveReferenceURL`: an absolute chart URL is kept, a relative
/// one resolves against the repository URL taken as a folder (its query
/// string carried over).
pub(crate) fn resolve_url(repo_url: &str, chart_url: &str) -> Result<String, String> {
    if let Ok(abs) = url::Url::parse(chart_url) {
        return Ok(abs.to_string());
    }
    let mut base =
        url::Url::parse(repo_url).map_err(|e| format!("invalid repository URL {repo_url}: {e}"))?;
    let query = base.query().map(str::to_string);
    let path = format!("{}/", base.path().trim_end_matches('/'));
    base.set_path(&path);
    base.set_query(None);
    let mut joined = base
        .join(chart_url)
        .map_err(|e| format!("invalid chart URL {chart_url:?} in the index: {e}"))?;
    if query.is_some() {
        joined.set_query(query.as_deref());
    }
    Ok(joined.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_follows_helm() {
        let vs = ["1.0.0", "1.2.0", "1.10.0", "2.0.0-rc.1", "v1.5.0", "bogus"];
        assert_eq!(select(&vs, "").expect("ok"), Some("1.10.0"));
        assert_eq!(select(&vs, "*").expect("ok"), Some("1.10.0"));
        assert_eq!(select(&vs, "~1.2").expect("ok"), Some("1.2.0"));
        assert_eq!(select(&vs, "^1.0.0").expect("ok"), Some("1.10.0"));
        assert_eq!(select(&vs, ">=2.0.0-0").expect("ok"), Some("2.0.0-rc.1"));
        assert_eq!(select(&vs, "1.5.0").expect("ok"), Some("v1.5.0"));
        assert_eq!(select(&vs, "v1.5.0").expect("ok"), Some("v1.5.0"));
        assert_eq!(select(&vs, "bogus").expect("ok"), Some("bogus"));
        assert_eq!(select(&vs, ">3").expect("ok"), None);
        assert!(select(&vs, ">>1").is_err());
    }

    #[test]
    fn digests_that_can_be_checked() {
        let hex = "ab".repeat(32);
        let e = |d: &str| Entry {
            digest: d.to_string(),
            ..Entry::default()
        };
        assert_eq!(e(&hex).sha256(), Some(hex.clone()));
        assert_eq!(
            e(&format!("sha256:{}", hex.to_uppercase())).sha256(),
            Some(hex)
        );
        assert_eq!(e("").sha256(), None);
        assert_eq!(e("md5:abc").sha256(), None);
    }

    #[test]
    fn exact_versions() {
        assert!(is_exact("1.2.3"));
        assert!(is_exact("v1.2"));
        assert!(!is_exact("^1.2"));
        assert!(!is_exact(""));
        assert!(!is_exact("*"));
    }

    #[test]
    fn urls_resolve_like_helm() {
        let r = |b: &str, u: &str| resolve_url(b, u).expect("url");
        assert_eq!(
            r("https://h/charts", "app-1.0.0.tgz"),
            "https://h/charts/app-1.0.0.tgz"
        );
        assert_eq!(
            r("https://h/charts/", "app-1.0.0.tgz"),
            "https://h/charts/app-1.0.0.tgz"
        );
        assert_eq!(
            r("https://h/charts?t=1", "sub/app.tgz"),
            "https://h/charts/sub/app.tgz?t=1"
        );
        assert_eq!(r("https://h/charts", "/top/a.tgz"), "https://h/top/a.tgz");
        assert_eq!(
            r("https://h/charts", "https://cdn/x/a.tgz"),
            "https://cdn/x/a.tgz"
        );
    }

    #[test]
    fn index_errors_name_file_and_line() {
        let e = Index::parse(b"apiVersion: v1\nentries:\n  a: [\n", "repo/index.yaml")
            .expect_err("bad");
        assert!(e.starts_with("repo/index.yaml: invalid index:"), "{e}");
        assert!(e.contains("line"), "{e}");
        let e = Index::parse(b"entries: {}\n", "i").expect_err("no api");
        assert!(e.contains("no API version"), "{e}");
        let ok = Index::parse(
            b"apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0\n    urls: [a.tgz]\n    extra: 1\n",
            "i",
        )
        .expect("ok");
        assert_eq!(ok.versions("a").expect("a")[0].version, "1.0");
    }
}
