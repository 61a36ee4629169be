//! The non-template files of a chart, as `.Files` sees them.
//!
//! Helm keeps in `chart.Files` every loaded file that is not `Chart.yaml`,
//! `values.yaml`, `values.schema.json`, a lock file, under `templates/`, or
//! part of a subchart under `charts/` (a `charts/*.prov` signature stays).
//! `requirements.yaml` and `requirements.lock` stay only in v1 charts. The
//! `.Files` object of the renderer is built over this list; the order is
//! the load order (sorted paths for directories, tar order for archives).

use super::File;
use std::sync::Arc;

/// A chart's files for `.Files`: names are chart-relative with `/`.
#[derive(Debug, Clone, Default)]
pub struct Files {
    entries: Vec<File>,
}

impl Files {
    /// Wraps a list of files.
    pub fn new(entries: Vec<File>) -> Files {
        Files { entries }
    }

    /// The bytes of `name`, if the chart has that file.
    pub fn get(&self, name: &str) -> Option<&Arc<[u8]>> {
        self.entries
            .iter()
            .find(|f| f.name == name)
            .map(|f| &f.data)
    }

    /// All files in load order.
    pub fn iter(&self) -> impl Iterator<Item = &File> {
        self.entries.iter()
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The files under `crds/` with a manifest extension (`.yaml`, `.yml`,
    /// `.json`, any case), as Helm's `CRDObjects` picks them.
    pub fn crds(&self) -> impl Iterator<Item = &File> {
        self.entries.iter().filter(|f| {
            let base = f.name.rsplit('/').next().unwrap_or("");
            let ext = base.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            f.name.starts_with("crds/") && matches!(ext.as_deref(), Some("yaml" | "yml" | "json"))
        })
    }

    /// Adds a file at the end.
    pub(crate) fn push(&mut self, f: File) {
        self.entries.push(f);
    }
}
