//! `helm template` as a library call: from command-line choices to the exact
//! bytes Helm prints (or the exact error after `Error: `), following Helm
//! v4's install-in-client-dry-run path: name and chart arguments, values,
//! loading, the installable and dependency checks, dependency processing,
//! coalescing, the `kubeVersion` check, rendering, notes, sorting, CRDs and
//! hooks, then `--show-only` / `--output-dir`.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::chart::{self, helmignore::glob_match};
use crate::render::RenderOptions;
use crate::render::manifest::{self, write_document};
use crate::render::objects::{Capabilities, KubeVersion};
use crate::values::{self, Options, ValueSources};

/// Everything `helm template` takes besides the network flags.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// `[NAME] CHART` as given.
    pub args: Vec<String>,
    pub namespace: Option<String>,
    pub values: Options,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub include_crds: bool,
    pub no_hooks: bool,
    pub skip_tests: bool,
    pub is_upgrade: bool,
    pub show_only: Vec<String>,
    pub output_dir: Option<PathBuf>,
    /// `--release-name`: put files under `<output-dir>/<release>`.
    pub release_name_dir: bool,
    pub generate_name: bool,
    pub name_template: Option<String>,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
}

/// What `helm template` printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateOutput {
    /// What Helm prints after the `wrote ...` lines of `--output-dir` (the
    /// whole stream without it).
    pub stdout: String,
    /// Lines Helm logs (warnings), for stderr.
    pub warnings: Vec<String>,
    /// `--output-dir`: the writes Helm makes, in its order (each prints
    /// `wrote PATH`). Performing them is the caller's job (IO stays at the
    /// edge; see capstan's `template` command).
    pub files: Vec<OutputFile>,
}

/// One document `--output-dir` writes, as Helm's `writeToFile` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// The file as Helm names it: the directory as given, `/`, then the
    /// template's path (what `wrote ...` prints).
    pub path: String,
    /// The template's path inside the directory (`chart/templates/x.yaml`),
    /// already checked to stay inside it (relative, no `..`).
    pub name: String,
    /// `---\n# Source: NAME\n` and the document.
    pub text: String,
    pub mode: WriteMode,
}

/// How Helm opens an `--output-dir` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// `os.Create`: the first document of a template (CRDs and manifests)
    /// replaces whatever the file held.
    Create,
    /// A later document of the same template in this run.
    Append,
    /// Hooks: appended when the file exists, from this run or an earlier
    /// one (Helm checks the disk with `os.Stat`), created otherwise.
    AppendIfExists,
}

/// A failure: `message` is what Helm prints after `Error: `. `rendered`
/// tells whether Helm had a release object when it failed, in which case
/// the real CLI appends its "--debug" hint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub message: String,
    pub rendered: bool,
    /// `--output-dir` writes Helm made before it failed (`--show-only`
    /// fails after the files are written).
    pub files: Vec<OutputFile>,
}

impl TemplateError {
    fn early(message: impl Into<String>) -> TemplateError {
        TemplateError {
            message: message.into(),
            rendered: false,
            files: Vec::new(),
        }
    }

    fn late(message: impl Into<String>) -> TemplateError {
        TemplateError {
            message: message.into(),
            rendered: true,
            files: Vec::new(),
        }
    }
}

/// The hint the real `helm template` appends to errors raised after the
/// release object exists (rendering and later).
pub const DEBUG_HINT: &str = "\n\nUse --debug flag to render out invalid YAML";

static RELEASE_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$").ok()
});

fn validate_release_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 53
        && RELEASE_NAME.as_ref().is_some_and(|r| r.is_match(name));
    if ok {
        return Ok(());
    }
    if name.is_empty() {
        return Err("release name check failed: no name provided".into());
    }
    Err(format!(
        "release name check failed: release name \"{name}\": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53"
    ))
}

/// Runs `helm template` with `sources` for `-f`/`--set-file` contents.
pub fn template(
    opts: &TemplateOptions,
    sources: &mut dyn ValueSources,
) -> Result<TemplateOutput, TemplateError> {
    let kube_version = match &opts.kube_version {
        Some(v) => Some(KubeVersion::parse(v).ok_or_else(|| {
            TemplateError::early(format!(
                "invalid kube version '{v}': could not parse \"{v}\" as version"
            ))
        })?),
        None => None,
    };
    let (name, chart_ref) = name_and_chart(opts)?;
    let chart_path = Path::new(&chart_ref);
    if std::fs::metadata(chart_path).is_err() {
        return Err(TemplateError::early(format!(
            "path \"{chart_ref}\" not found"
        )));
    }
    let user = opts
        .values
        .merge_values(sources)
        .map_err(|e| TemplateError::early(e.0))?;
    let chart = chart::load(chart_path).map_err(|e| TemplateError::early(e.message))?;
    let request = ChartRequest {
        release: name.clone(),
        namespace: opts
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string()),
        kube_version,
        api_versions: opts.api_versions.clone(),
        is_upgrade: opts.is_upgrade,
        skip_schema_validation: opts.skip_schema_validation,
    };
    let RenderedChart {
        crds,
        sorted,
        warnings,
        ..
    } = render_chart(chart, &user, &request)?;

    let mut out = TemplateOutput {
        stdout: String::new(),
        warnings,
        files: Vec::new(),
    };
    // Helm joins the flag's text and the name with "/" (no cleaning); with
    // --release-name the directory is filepath.Join(dir, release), but CRDs
    // still go to the flag's directory.
    let crd_dir = opts
        .output_dir
        .as_ref()
        .map(|d| d.to_string_lossy().into_owned());
    let out_dir = crd_dir.as_ref().map(|d| {
        if opts.release_name_dir {
            go_clean_join(d, &name)
        } else {
            d.clone()
        }
    });
    let mut writer = OutputDir::default();
    let mut release_manifest = String::new();
    if opts.include_crds {
        for (path, text) in &crds {
            match &crd_dir {
                None => write_document(&mut release_manifest, path, text),
                Some(dir) => out.files.push(writer.plan(dir, path, text, false)?),
            }
        }
    }
    for m in &sorted.manifests {
        match &out_dir {
            None => write_document(&mut release_manifest, &m.path, &m.content),
            Some(dir) => out
                .files
                .push(writer.plan(dir, &m.path, &m.content, false)?),
        }
    }
    let mut stream = release_manifest.trim().to_string();
    stream.push('\n');
    if !opts.no_hooks {
        for h in &sorted.hooks {
            if opts.skip_tests && h.is_test() {
                continue;
            }
            match &out_dir {
                None => write_document(&mut stream, &h.manifest.path, &h.manifest.content),
                Some(dir) => {
                    out.files
                        .push(writer.plan(dir, &h.manifest.path, &h.manifest.content, true)?)
                }
            }
        }
    }
    if opts.show_only.is_empty() {
        if out_dir.is_none() {
            out.stdout.push_str(&stream);
        } else if stream.trim().is_empty() {
            out.stdout.push('\n');
        }
        return Ok(out);
    }
    match show_only(&stream, &opts.show_only) {
        Ok(text) => out.stdout.push_str(&text),
        Err(mut err) => {
            err.files = out.files;
            return Err(err);
        }
    }
    Ok(out)
}

/// One render of a loaded chart, as `helm template` does it after loading
/// the chart and merging the user's values (also what an Argo CD Helm
/// source does, see capstan-source).
#[derive(Debug, Clone, Default)]
pub struct ChartRequest {
    pub release: String,
    pub namespace: String,
    /// `--kube-version`, already parsed; Helm's default when `None`.
    pub kube_version: Option<KubeVersion>,
    /// `--api-versions`, added to Helm's defaults.
    pub api_versions: Vec<String>,
    pub is_upgrade: bool,
    pub skip_schema_validation: bool,
}

/// The result of [`render_chart`]: CRD files, sorted manifests and hooks,
/// the rendered `NOTES.txt` of the top chart, and the lines Helm logs.
#[derive(Debug, Clone, Default)]
pub struct RenderedChart {
    /// `crds/` files of the chart tree (printed with `--include-crds`):
    /// full path and text.
    pub crds: Vec<(String, String)>,
    pub sorted: manifest::Sorted,
    pub notes: Option<String>,
    pub warnings: Vec<String>,
}

impl RenderedChart {
    /// The manifest stream exactly as `helm template` prints it (CRDs
    /// first when included, then manifests, then hooks).
    pub fn stream(&self, include_crds: bool, no_hooks: bool, skip_tests: bool) -> String {
        // Sized once: the stream of a large chart is megabytes, and growing
        // it by doubling copies it twice over.
        let doc_size = |path: &str, content: &str| path.len() + content.len() + 16;
        let capacity = self.crds.iter().map(|(p, t)| doc_size(p, t)).sum::<usize>()
            + self
                .sorted
                .manifests
                .iter()
                .map(|m| doc_size(&m.path, &m.content))
                .sum::<usize>()
            + self
                .sorted
                .hooks
                .iter()
                .map(|h| doc_size(&h.manifest.path, &h.manifest.content))
                .sum::<usize>();
        let mut stream = String::with_capacity(capacity);
        if include_crds {
            for (path, text) in &self.crds {
                write_document(&mut stream, path, text);
            }
        }
        for m in &self.sorted.manifests {
            write_document(&mut stream, &m.path, &m.content);
        }
        // Helm trims the manifests' part of the stream, in place here.
        stream.truncate(stream.trim_end().len());
        let lead = stream.len() - stream.trim_start().len();
        stream.drain(..lead);
        stream.push('\n');
        if !no_hooks {
            for h in &self.sorted.hooks {
                if skip_tests && h.is_test() {
                    continue;
                }
                write_document(&mut stream, &h.manifest.path, &h.manifest.content);
            }
        }
        stream
    }
}

/// Helm's install path from a loaded chart and merged user values to sorted
/// manifests: the installable and dependency checks, dependency
/// processing, coalescing, the release name check, `values.schema.json`
/// validation, the chart's `kubeVersion` constraint, rendering, and
/// sorting into manifests and hooks.
///
/// All of it runs as one job on a deep-stack worker thread (schema
/// validation and rendering need one; see `crate::worker`): one hand-over
/// instead of one per step. On a worker already, it runs inline.
pub fn render_chart(
    chart: crate::chart::Chart,
    user: &capstan_gotmpl::Map,
    req: &ChartRequest,
) -> Result<RenderedChart, TemplateError> {
    let (user, req) = (user.clone(), req.clone());
    crate::worker::run(move || render_chart_here(chart, &user, &req)).unwrap_or_else(|failure| {
        Err(TemplateError::late(match failure {
            crate::worker::Failure::Spawn(e) => e,
            crate::worker::Failure::Panicked => "rendering failed: internal error".to_string(),
        }))
    })
}

/// Renders of this process that rendered again from copies of the values
/// (a template wrote to a map shared with the chart or the user's values).
static FROM_COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many renders of [`render_chart`] rendered again from copies of the
/// values in this process (tests use it to know which path was taken).
#[doc(hidden)]
pub fn renders_from_copies() -> usize {
    FROM_COPIES.load(std::sync::atomic::Ordering::Relaxed)
}

fn render_chart_here(
    chart: crate::chart::Chart,
    user: &capstan_gotmpl::Map,
    req: &ChartRequest,
) -> Result<RenderedChart, TemplateError> {
    // The values share what they take unchanged from the chart's defaults
    // (and the user's values) instead of copying it on every render; the
    // templates execute guarded, and render again from copies in the rare
    // chart whose templates write to those maps.
    let mut prepared = values::prepare_shared(chart, user).map_err(|e| match e {
        values::PrepareError::MissingDependencies(msg) => TemplateError::early(format!(
            "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: {msg}"
        )),
        values::PrepareError::Dependencies(msg) => {
            TemplateError::early(format!("chart dependencies processing failed: {msg}"))
        }
        other => TemplateError::early(other.to_string()),
    })?;
    validate_release_name(&req.release).map_err(TemplateError::early)?;
    let mut warnings = prepared.warnings.clone();
    if !req.skip_schema_validation {
        match crate::schema::validate_chart_tree(&prepared.chart, &prepared.values) {
            Ok(v) => warnings.extend(v.warnings),
            Err(e) => return Err(TemplateError::early(e.to_string())),
        }
    }

    let mut render_opts = RenderOptions::new(&req.release, &req.namespace);
    render_opts.release.is_upgrade = req.is_upgrade;
    if req.kube_version.is_some() || !req.api_versions.is_empty() {
        let mut caps = Capabilities::default();
        if let Some(kv) = &req.kube_version {
            caps.kube_version = kv.clone();
        }
        caps.api_versions.0.extend(req.api_versions.iter().cloned());
        render_opts.capabilities = Arc::new(caps);
    }

    let meta = &prepared.chart.metadata;
    if !meta.kube_version.is_empty()
        && !crate::deps::is_compatible_range(
            &meta.kube_version,
            &render_opts.capabilities.kube_version.normalized,
        )
    {
        return Err(TemplateError::late(format!(
            "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
            meta.kube_version, render_opts.capabilities.kube_version.version
        )));
    }

    let shared = crate::render::render_outputs_guarded(
        &prepared.chart,
        &prepared.values,
        &render_opts,
        true,
    )
    .map_err(|e| TemplateError::late(e.message))?;
    let mut files = match shared {
        Some(files) => files,
        None => {
            FROM_COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            prepared
                .unshare(user)
                .map_err(|e| TemplateError::late(e.to_string()))?;
            crate::render::render_outputs(&prepared.chart, &prepared.values, &render_opts, true)
                .map_err(|e| TemplateError::late(e.message))?
        }
    };
    let notes_name = format!("{}/templates/NOTES.txt", prepared.chart.name());
    let notes = files.remove(&notes_name).map(|o| o.text);
    // In path order (the map's); documents not made where their template
    // executed are made here, each file's text moved into its document.
    let sorted = manifest::sort_documents(
        files
            .into_iter()
            .filter(|(name, _)| !name.ends_with("NOTES.txt"))
            .map(|(name, out)| {
                let docs = out.docs.unwrap_or_else(|| {
                    manifest::documents(Cow::Owned(out.text), &mut parse_head_document)
                });
                (name, docs)
            }),
    )
    .map_err(|e| TemplateError::late(e.to_string()))?;
    let crds = prepared
        .chart
        .crds()
        .into_iter()
        .map(|(path, file)| (path, String::from_utf8_lossy(&file.data).into_owned()))
        .collect();
    Ok(RenderedChart {
        crds,
        sorted,
        notes,
        warnings,
    })
}

/// Reads a rendered document as Helm's `yaml.Unmarshal` into its
/// `SimpleHead` struct: YAML errors, and documents that are not a map, fail.
/// Only the head is built (the rest of the document is checked, not kept).
pub(crate) fn parse_head_document(doc: &str) -> Result<manifest::Head, String> {
    let head =
        crate::yaml::read_head(doc, &crate::yaml::Limits::default()).map_err(|e| e.to_string())?;
    let kind = match head {
        Ok(head) => return Ok(head),
        Err(kind) => kind,
    };
    Err(format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type util.SimpleHead"
    ))
}

fn name_and_chart(opts: &TemplateOptions) -> Result<(String, String), TemplateError> {
    let args = &opts.args;
    if args.is_empty() {
        return Err(TemplateError::early(
            "\"helm template\" requires at least 1 argument",
        ));
    }
    if args.len() > 2 {
        return Err(TemplateError::early(format!(
            "expected at most two arguments, unexpected arguments: {}",
            args[2..].join(", ")
        )));
    }
    if args.len() == 2 {
        if opts.generate_name {
            return Err(TemplateError::early(
                "cannot set --generate-name and also specify a name",
            ));
        }
        if opts.name_template.is_some() {
            return Err(TemplateError::early(
                "cannot set --name-template and also specify a name",
            ));
        }
        return Ok((args[0].clone(), args[1].clone()));
    }
    if opts.name_template.is_some() {
        return Err(TemplateError::early(
            "--name-template is not supported by capstan: it would render a name from the clock and randomness",
        ));
    }
    // `helm template` presets the release name, so one argument renders as
    // `release-name` (with or without --generate-name).
    Ok(("release-name".to_string(), args[0].clone()))
}

static SOURCE_LINE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"# Source: [^/]+/(.+)").ok());

/// `--show-only`: the documents of the full stream whose template path (the
/// `# Source:` path without the chart name) matches each pattern.
fn show_only(stream: &str, patterns: &[String]) -> Result<String, TemplateError> {
    let docs = manifest::split_documents(stream);
    let mut out = String::new();
    for pattern in patterns {
        let pattern = pattern.replace('\\', "/");
        let mut found = false;
        for doc in &docs {
            let Some(caps) = SOURCE_LINE.as_ref().and_then(|r| r.captures(doc)) else {
                continue;
            };
            let path = caps.get(1).map_or("", |m| m.as_str());
            if glob_match(&pattern, path).unwrap_or(false) {
                out.push_str("---\n");
                out.push_str(doc);
                out.push('\n');
                found = true;
            }
        }
        if !found {
            return Err(TemplateError::late(format!(
                "could not find template {pattern} in chart"
            )));
        }
    }
    Ok(out)
}

/// `--output-dir`: one file per template path, documents appended in order;
/// a file is created (truncated) the first time a CRD or manifest is
/// written to it in this run, hooks append to whatever exists.
#[derive(Debug, Default)]
struct OutputDir {
    written: std::collections::HashSet<String>,
}

impl OutputDir {
    fn plan(
        &mut self,
        dir: &str,
        name: &str,
        content: &str,
        hook: bool,
    ) -> Result<OutputFile, TemplateError> {
        // Names come from the chart's file paths: one that could leave the
        // directory is refused rather than written.
        if name.starts_with('/') || name.split('/').any(|p| p == "..") {
            return Err(TemplateError::late(format!(
                "refusing to write outside the output directory: {name}"
            )));
        }
        let mode = if hook {
            WriteMode::AppendIfExists
        } else if self.written.insert(name.to_string()) {
            WriteMode::Create
        } else {
            WriteMode::Append
        };
        let mut text = String::new();
        write_document(&mut text, name, content);
        Ok(OutputFile {
            path: format!("{dir}/{name}"),
            name: name.to_string(),
            text,
            mode,
        })
    }
}

/// Go's `filepath.Join(dir, name)` for a release name (no separators):
/// the joined path, cleaned.
fn go_clean_join(dir: &str, name: &str) -> String {
    let joined = if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    };
    let rooted = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            ".." if rooted => {}
            p => parts.push(p),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}
