//! The chart model: what Helm loads from a chart directory or archive, and
//! the tree the renderer walks.
//!
//! A [`Chart`] holds its metadata (`Chart.yaml`), default values, the raw
//! `values.schema.json`, its templates, its other files (for `.Files`) and
//! its subcharts. [`load`] builds it exactly as Helm's v2 loader does;
//! `crate::deps` then prunes and aliases subcharts for one set of values;
//! [`Chart::templates`] lists every template with the name Helm gives it
//! (`parent/charts/sub/templates/x.yaml`) so the renderer can walk the tree.

pub mod archive;
pub mod files;
pub mod helmignore;
pub mod load;
pub mod metadata;
pub(crate) mod yaml_input;

use capstan_gotmpl::{Map, Value};
use std::sync::Arc;

pub use files::Files;
pub use load::{LoadError, load, load_archive, load_dir, load_files};
pub use metadata::{Dependency, Maintainer, Metadata};

/// One file of a chart: its chart-relative `/`-separated name and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Chart-relative name, e.g. `templates/deployment.yaml`.
    pub name: String,
    /// The contents (a leading UTF-8 BOM already removed).
    pub data: Arc<[u8]>,
}

impl File {
    /// A file from its name and bytes.
    pub fn new(name: impl Into<String>, data: impl Into<Arc<[u8]>>) -> File {
        File {
            name: name.into(),
            data: data.into(),
        }
    }
}

/// A loaded chart and its subcharts.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// `Chart.yaml` (with `requirements.yaml` merged for v1 charts).
    pub metadata: Metadata,
    /// `values.yaml`, every number a float64.
    pub values: Map,
    /// `values.schema.json`, kept as bytes: validation is a later step.
    pub schema: Option<Arc<[u8]>>,
    /// Files under `templates/`, in load order.
    pub templates: Vec<File>,
    /// The files `.Files` sees.
    pub files: Files,
    /// Subcharts (vendored under `charts/`, or after dependency processing
    /// the enabled and aliased ones).
    pub dependencies: Vec<Chart>,
}

/// A template of the chart tree, named as Helm names it.
#[derive(Debug, Clone)]
pub struct TemplateRef<'a> {
    /// Full name: `<root>/templates/x.yaml`, `<root>/charts/<sub>/templates/x.yaml`.
    pub name: String,
    /// `<chart full path>/templates`, the base `.Template.BasePath` shows.
    pub base_path: String,
    /// The chart names from the root to the chart owning the template.
    pub chart_path: Vec<&'a str>,
    /// The chart owning the template.
    pub chart: &'a Chart,
    /// The template file.
    pub file: &'a File,
}

impl Chart {
    /// The chart's name (`metadata.name`; an alias after dependency processing).
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Whether `type: library`.
    pub fn is_library(&self) -> bool {
        self.metadata.is_library()
    }

    /// Every template of the tree with Helm's full names. Library charts
    /// contribute only their partials (base name starting with `_`), as the
    /// engine skips their other templates.
    pub fn templates(&self) -> Vec<TemplateRef<'_>> {
        let mut out = Vec::new();
        self.collect_templates(self.name().to_string(), Vec::new(), &mut out);
        out
    }

    fn collect_templates<'a>(
        &'a self,
        full_path: String,
        mut chart_path: Vec<&'a str>,
        out: &mut Vec<TemplateRef<'a>>,
    ) {
        chart_path.push(self.name());
        for dep in &self.dependencies {
            dep.collect_templates(
                format!("{full_path}/charts/{}", dep.name()),
                chart_path.clone(),
                out,
            );
        }
        for t in &self.templates {
            if self.is_library() {
                let base = t.name.rsplit('/').next().unwrap_or("");
                if !base.starts_with('_') {
                    continue;
                }
            }
            out.push(TemplateRef {
                name: join_path(&full_path, &t.name),
                base_path: join_path(&full_path, "templates"),
                chart_path: chart_path.clone(),
                chart: self,
                file: t,
            });
        }
    }

    /// `.Chart` for this chart (`is_root` for the top-level chart).
    pub fn chart_value(&self, is_root: bool) -> Value {
        self.metadata.to_value(is_root)
    }

    /// The CRD files of the tree with their full names
    /// (`<chart full path>/crds/...`), parents first.
    pub fn crds(&self) -> Vec<(String, &File)> {
        let mut out = Vec::new();
        self.collect_crds(self.name().to_string(), &mut out);
        out
    }

    fn collect_crds<'a>(&'a self, full_path: String, out: &mut Vec<(String, &'a File)>) {
        for f in self.files.crds() {
            out.push((join_path(&full_path, &f.name), f));
        }
        for dep in &self.dependencies {
            dep.collect_crds(format!("{full_path}/charts/{}", dep.name()), out);
        }
    }
}

/// Go's `path.Join` for two non-empty relative parts.
fn join_path(a: &str, b: &str) -> String {
    archive::clean_path(&format!("{a}/{b}"))
}
