//! The content-addressed chart cache on disk.
//!
//! Layout under the cache root (`$CAPSTAN_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/capstan`, else `~/.cache/capstan`):
//!
//! ```text
//! charts/blobs/sha256/<hex>   chart archives, named by the sha256 of their bytes
//! charts/indexes/<key>.json   the last index read from a repository, kept
//!                             compact (name, version, urls, digest per entry)
//!                             with its URL and HTTP validators (ETag,
//!                             Last-Modified)
//! charts/refs/<key>           "<repository> <chart> <version> sha256:<hex>": which
//!                             archive a chart version resolved to
//! ```
//!
//! `<key>` is the sha256 of the normalized repository URL (and chart and
//! version for refs), so any URL maps to a safe file name. Every write goes
//! to a temporary file in the same folder and is renamed into place, so a
//! reader never sees half a file and two processes writing the same blob
//! both succeed. Blobs are hashed again on every read; one that no longer
//! matches its name is deleted and treated as missing. Failing to write the
//! cache never fails a render: the chart is still used from memory.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use super::index::Index;

/// The lower-case hex sha256 of `data`.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Whether `s` is 64 lower-case hex digits.
pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The cache root chosen from the environment: `CAPSTAN_CACHE_DIR`, else
/// `XDG_CACHE_HOME/capstan`, else `HOME/.cache/capstan`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(d) = var("CAPSTAN_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = var("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("capstan"));
    }
    var("HOME").map(|h| PathBuf::from(h).join(".cache").join("capstan"))
}

/// The chart cache under one root folder.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    root: PathBuf,
}

impl Cache {
    pub(crate) fn new(root: PathBuf) -> Cache {
        Cache { root }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    fn blob_path(&self, hex: &str) -> PathBuf {
        self.root.join("charts/blobs/sha256").join(hex)
    }

    fn index_path(&self, repo: &str) -> PathBuf {
        self.root
            .join("charts/indexes")
            .join(format!("{}.json", sha256_hex(repo.as_bytes())))
    }

    fn ref_path(&self, repo: &str, chart: &str, version: &str) -> PathBuf {
        let key = format!("{repo}\n{chart}\n{version}");
        self.root
            .join("charts/refs")
            .join(sha256_hex(key.as_bytes()))
    }

    /// The archive whose sha256 is `hex`, verified; a corrupt copy is removed.
    pub(crate) fn blob(&self, hex: &str) -> Option<Vec<u8>> {
        if !is_sha256_hex(hex) {
            return None;
        }
        let path = self.blob_path(hex);
        let data = fs::read(&path).ok()?;
        if sha256_hex(&data) != hex {
            let _ = fs::remove_file(&path);
            return None;
        }
        Some(data)
    }

    /// Stores an archive under its own digest; returns the digest.
    pub(crate) fn put_blob(&self, data: &[u8]) -> String {
        let hex = sha256_hex(data);
        let path = self.blob_path(&hex);
        if !path.is_file() {
            let _ = write_atomic(&path, data);
        }
        hex
    }

    /// The cached index of `repo` (a normalized URL, or a registry key); an
    /// unreadable one counts as missing.
    pub(crate) fn index(&self, repo: &str) -> Option<CachedIndex> {
        let data = fs::read(self.index_path(repo)).ok()?;
        serde_json::from_slice(&data).ok()
    }

    pub(crate) fn put_index(&self, repo: &str, index: &CachedIndex) {
        if let Ok(data) = serde_json::to_vec(index) {
            let _ = write_atomic(&self.index_path(repo), &data);
        }
    }

    /// The archive digest a chart version resolved to before.
    pub(crate) fn reference(&self, repo: &str, chart: &str, version: &str) -> Option<String> {
        let text = fs::read_to_string(self.ref_path(repo, chart, version)).ok()?;
        let last = text.split_whitespace().last()?;
        let hex = last.strip_prefix("sha256:")?;
        is_sha256_hex(hex).then(|| hex.to_string())
    }

    pub(crate) fn put_reference(&self, repo: &str, chart: &str, version: &str, hex: &str) {
        let text = format!("{repo} {chart} {version} sha256:{hex}\n");
        let _ = write_atomic(&self.ref_path(repo, chart, version), text.as_bytes());
    }
}

/// A repository's index as cached: parsed and compact (a large index.yaml
/// takes seconds to parse; its compact JSON a fraction of that), with where
/// it came from and the validators for a conditional GET.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct CachedIndex {
    /// The index URL, credentials masked (for messages).
    pub(crate) url: String,
    #[serde(default)]
    pub(crate) etag: Option<String>,
    #[serde(default)]
    pub(crate) last_modified: Option<String>,
    pub(crate) index: Index,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `data` to `path` through a temporary file in the same folder and
/// a rename, so `path` is either absent, the old file, or all of `data`.
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("cache path has no parent folder"))?;
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".tmp-{}-{}-{name}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_verified_on_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::new(dir.path().to_path_buf());
        let hex = cache.put_blob(b"chart bytes");
        assert_eq!(cache.blob(&hex).as_deref(), Some(&b"chart bytes"[..]));
        // Corrupt it: the next read drops it.
        fs::write(cache.blob_path(&hex), b"tampered").expect("write");
        assert!(cache.blob(&hex).is_none());
        assert!(!cache.blob_path(&hex).exists());
        assert!(cache.blob("../../etc/passwd").is_none());
    }

    #[test]
    fn references_and_indexes_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::new(dir.path().to_path_buf());
        let hex = sha256_hex(b"x");
        cache.put_reference("charts.example.com", "app", "1.0.0", &hex);
        assert_eq!(
            cache.reference("charts.example.com", "app", "1.0.0"),
            Some(hex)
        );
        assert_eq!(cache.reference("charts.example.com", "app", "1.0.1"), None);
        let index = Index::parse(
            b"apiVersion: v1\nentries:\n  a:\n  - {name: a, version: 1.0.0, urls: [a.tgz]}\n",
            "i",
        )
        .expect("index");
        cache.put_index(
            "charts.example.com",
            &CachedIndex {
                url: "https://charts.example.com/index.yaml".into(),
                etag: Some("\"x\"".into()),
                last_modified: None,
                index,
            },
        );
        let back = cache.index("charts.example.com").expect("index");
        assert_eq!(back.etag.as_deref(), Some("\"x\""));
        assert_eq!(back.index.versions("a").expect("a")[0].version, "1.0.0");
        fs::write(cache.index_path("charts.example.com"), b"{broken").expect("write");
        assert!(cache.index("charts.example.com").is_none());
        // No temporary files are left behind.
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("charts/indexes"))
            .expect("read_dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
