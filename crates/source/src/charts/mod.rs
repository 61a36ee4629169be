//! Charts from Helm chart repositories (HTTP `index.yaml`), OCI registries
//! and local mirror folders, behind [`ChartRepository`].
//!
//! [`ChartFetcher`] is the real one: it picks versions as Helm and Argo CD
//! do ([`index`]), keeps archives in a content-addressed cache on disk
//! ([`cache`]), talks HTTP and OCI ([`transport`], [`oci`]) and reads
//! offline mirrors ([`mirror`]). [`NoChartRepositories`] refuses every
//! request, clearly (a library user that wants no network). A fetched
//! chart is served as an in-memory [`FileTree`] ([`MemoryTree`]) whose root
//! is the chart: value files then resolve inside the chart, as Argo CD
//! resolves them against the extracted chart, and the chart is loaded by the
//! same directory loader as a chart in Git (`.helmignore` applied), after
//! capstan-helm's archive reader has enforced Helm's path and size rules.

mod cache;
mod fetcher;
mod index;
mod mirror;
mod oci;
mod transport;

pub use cache::default_cache_dir;
pub(crate) use cache::sha256_hex;
pub use fetcher::{ChartFetcher, FetchOptions};
pub(crate) use transport::error_chain;
pub use transport::install_crypto_provider;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::tree::{DirEntry, EntryKind, FileTree, TreeError, join};

/// One chart a source asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartRequest<'a> {
    pub app: &'a str,
    pub repo_url: &'a str,
    pub chart: &'a str,
    /// `targetRevision`: a version or a SemVer range (`""` for the latest).
    pub version: &'a str,
}

/// The files of a fetched chart, chart-relative (`Chart.yaml`, `templates/x.yaml`).
pub type ChartFiles = Vec<(String, Arc<[u8]>)>;

/// Why a chart could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// This kind of repository is not supported (yet).
    #[error("{0}")]
    Unsupported(String),
    /// The repository or the chart version could not be reached or found.
    #[error("{0}")]
    Failed(String),
}

/// Where charts named by `repoURL` + `chart` come from.
pub trait ChartRepository: std::fmt::Debug {
    /// The chart's files.
    fn fetch(&mut self, request: &ChartRequest<'_>) -> Result<ChartFiles, FetchError>;
}

/// No chart repository access: every request is refused, clearly (use
/// [`ChartFetcher`] to fetch).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoChartRepositories;

impl ChartRepository for NoChartRepositories {
    fn fetch(&mut self, r: &ChartRequest<'_>) -> Result<ChartFiles, FetchError> {
        let version = if r.version.is_empty() {
            "latest"
        } else {
            r.version
        };
        Err(FetchError::Unsupported(format!(
            "chart repositories are not supported yet: {} wants {} {}@{version}",
            r.app, r.repo_url, r.chart
        )))
    }
}

/// Files held in memory, served as a tree (a fetched chart).
#[derive(Debug, Clone)]
pub struct MemoryTree {
    files: BTreeMap<String, Arc<[u8]>>,
    revision: String,
}

impl MemoryTree {
    /// A tree of `files` (paths normalized; `..` and absolute paths dropped),
    /// identified by `revision` for caches.
    pub fn new(files: ChartFiles, revision: impl Into<String>) -> MemoryTree {
        let files = files
            .into_iter()
            .filter_map(|(p, d)| Some((join("", &p).filter(|p| !p.is_empty())?, d)))
            .collect();
        MemoryTree {
            files,
            revision: revision.into(),
        }
    }
}

impl FileTree for MemoryTree {
    fn read(&self, path: &str) -> Result<Option<Arc<[u8]>>, TreeError> {
        Ok(self.files.get(path).cloned())
    }

    fn list(&self, path: &str) -> Result<Option<Vec<DirEntry>>, TreeError> {
        let prefix = if path.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        };
        let mut out: BTreeMap<String, EntryKind> = BTreeMap::new();
        for p in self.files.keys() {
            let Some(rest) = p.strip_prefix(&prefix) else {
                continue;
            };
            match rest.split_once('/') {
                Some((dir, _)) => out.insert(dir.to_string(), EntryKind::Dir),
                None => out.insert(rest.to_string(), EntryKind::File),
            };
        }
        if out.is_empty() && !path.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            out.into_iter()
                .map(|(name, kind)| DirEntry { name, kind })
                .collect(),
        ))
    }

    fn revision(&self) -> &str {
        &self.revision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_tree_lists_folders() {
        let t = MemoryTree::new(
            vec![
                ("Chart.yaml".into(), Arc::from(&b"x"[..])),
                ("templates/a.yaml".into(), Arc::from(&b"a"[..])),
                ("../escape".into(), Arc::from(&b"no"[..])),
            ],
            "r",
        );
        let root = t.list("").expect("list").expect("root");
        assert_eq!(
            root.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
            ["Chart.yaml", "templates"]
        );
        assert_eq!(
            t.read("templates/a.yaml").expect("read").as_deref(),
            Some(&b"a"[..])
        );
        assert!(t.list("nope").expect("list").is_none());
    }
}
