//! Helpers shared by the integration tests that read the repository's own
//! files (included with `mod support;`).

use std::path::{Path, PathBuf};

/// Every file under `dir`, in sorted order, depth first; nothing when
/// `dir` cannot be read.
pub(crate) fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}
