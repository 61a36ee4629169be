//! Helm sources: what Argo CD's `helm template` call produces, rendered
//! in-process by capstan-helm from a [`FileTree`].
//!
//! Argo CD's choices reproduced here: the release name is `releaseName` or
//! the app's name; `--namespace` is `helm.namespace` or the destination's;
//! value files resolve relative to the chart (a leading `/` from the
//! repository root, `$ref/...` from a multi-source ref's repository), may not
//! leave their repository, may be globs (doublestar, lexical order, explicit
//! entries keep their own position), and are skipped when missing only with
//! `ignoreMissingValueFiles`; `values`/`valuesObject` are one more values
//! file after all the others; `parameters` are `--set` (`--set-string` with
//! `forceString`, commas escaped unless the value is a `{list}`),
//! `fileParameters` are `--set-file`; CRDs are included unless `skipCrds`;
//! Argo CD's build environment (`$ARGOCD_APP_NAME`...) is substituted into
//! value file and file parameter paths and parameter values.
//! Parsed charts are cached per (tree revision, chart path).

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use capstan_gotmpl::Map;
use capstan_helm::chart::helmignore::{HELMIGNORE, Rules};
use capstan_helm::chart::{self, Chart, File};
use capstan_helm::render::objects::KubeVersion;
use capstan_helm::template::{ChartRequest, RenderedChart, render_chart};
use capstan_helm::values::{Options, ValueSources};
use capstan_model::ApplicationSource;
use gix::ObjectId;

use crate::envsubst::Env;
use crate::glob::{Dialect, Glob, is_glob};
use crate::output::{RenderedDoc, ValueFile};
use crate::tree::{EntryKind, FileTree, join};

/// Files of one chart directory at most (as capstan-helm's loader).
const MAX_CHART_FILES: usize = 100_000;
/// Directory nesting inside a chart at most.
const MAX_CHART_DEPTH: usize = 64;
/// Files a value-file glob may visit.
const MAX_GLOB_FILES: usize = 100_000;

/// Parsed charts by (tree revision, chart path), each with the digest of
/// its files when renders are kept by digest (hashing every file of a
/// chart costs more than loading it, and only [`RenderMemo`] reads it).
#[derive(Debug, Default)]
pub(crate) struct ChartCache {
    charts: HashMap<(String, String), (Chart, Option<ObjectId>)>,
    /// How many charts were loaded (not served from the cache).
    pub loads: usize,
    /// Renders kept by the digest of their inputs, when asked for.
    pub memo: Option<RenderMemo>,
}

impl ChartCache {
    fn get(&mut self, tree: &dyn FileTree, path: &str) -> Result<(Chart, ObjectId), String> {
        let key = (tree.revision().to_string(), path.to_string());
        let wants_digest = self.memo.is_some();
        if let Some((chart, digest)) = self.charts.get(&key) {
            match digest {
                Some(d) => return Ok((chart.clone(), *d)),
                // Never read without a memo.
                None if !wants_digest => return Ok((chart.clone(), unused_digest())),
                // Loaded before renders were kept: loaded again, hashed.
                None => {}
            }
        }
        let files = chart_files(tree, path)?;
        let digest = wants_digest.then(|| files_digest(&files));
        let chart = chart::load_files(files).map_err(|e| e.message)?;
        self.loads += 1;
        // Its schemas compile on a worker thread while this one prepares.
        compile_schemas_ahead(&chart, 0);
        self.charts.insert(key, (chart.clone(), digest));
        Ok((chart, digest.unwrap_or_else(unused_digest)))
    }
}

/// The digest given with a chart when no [`RenderMemo`] will read it.
fn unused_digest() -> ObjectId {
    ObjectId::null(gix::hash::Kind::Sha1)
}

/// Starts compiling the `values.schema.json` of `chart` and its
/// subcharts (a render validates against them).
fn compile_schemas_ahead(chart: &Chart, depth: usize) {
    if depth > MAX_CHART_DEPTH {
        return;
    }
    if let Some(schema) = &chart.schema {
        capstan_helm::schema::compile_ahead(schema);
    }
    for sub in &chart.dependencies {
        compile_schemas_ahead(sub, depth + 1);
    }
}

/// `render_chart` results by the digest of everything they depend on: the
/// chart's files, the merged user values and the release settings. Two
/// generations, so that `capstan hydrate` rendering a history commit by
/// commit reuses every chart whose inputs did not change since the commit
/// before, without keeping every render of the history in memory.
#[derive(Debug, Default)]
pub(crate) struct RenderMemo {
    previous: HashMap<ObjectId, RenderedChart>,
    current: HashMap<ObjectId, RenderedChart>,
    /// Charts rendered, and renders reused, so far (all generations).
    pub renders: usize,
    pub reused: usize,
}

impl RenderMemo {
    /// The memo of the next revision: this one's renders are its previous
    /// generation.
    pub(crate) fn next_generation(&mut self) -> RenderMemo {
        RenderMemo {
            previous: std::mem::take(&mut self.current),
            current: HashMap::new(),
            renders: self.renders,
            reused: self.reused,
        }
    }

    /// The key of a render: a digest of everything it depends on.
    fn key(chart_digest: ObjectId, user: &Map, request: &ChartRequest) -> Result<ObjectId, String> {
        // Debug output is structural for values and requests (no addresses),
        // and the memo never outlives the process.
        let mut h = gix::hash::hasher(gix::hash::Kind::Sha1);
        for part in [
            chart_digest.to_string(),
            format!("{user:?}"),
            format!("{request:?}"),
        ] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        h.try_finalize().map_err(|e| e.to_string())
    }

    /// Whether a render of `key` is kept.
    fn holds(&self, key: &ObjectId) -> bool {
        self.current.contains_key(key) || self.previous.contains_key(key)
    }

    /// Keeps a render made elsewhere (a parallel batch), counted as made.
    fn store(&mut self, key: ObjectId, rendered: RenderedChart) {
        self.renders += 1;
        self.current.insert(key, rendered);
    }

    fn render(&mut self, input: RenderInput) -> Result<RenderedChart, String> {
        let key = Self::key(input.chart_digest, &input.user, &input.request)?;
        if let Some(r) = self.current.get(&key) {
            self.reused += 1;
            return Ok(r.clone());
        }
        if let Some(r) = self.previous.remove(&key) {
            self.reused += 1;
            self.current.insert(key, r.clone());
            return Ok(r);
        }
        let r = render_chart(input.chart, &input.user, &input.request).map_err(|e| e.message)?;
        self.renders += 1;
        self.current.insert(key, r.clone());
        Ok(r)
    }
}

/// The digest of a chart's files (names and bytes, in load order).
fn files_digest(files: &[File]) -> ObjectId {
    let mut h = gix::hash::hasher(gix::hash::Kind::Sha1);
    for f in files {
        h.update(&(f.name.len() as u64).to_le_bytes());
        h.update(f.name.as_bytes());
        h.update(&(f.data.len() as u64).to_le_bytes());
        h.update(&f.data);
    }
    h.try_finalize()
        .unwrap_or_else(|_| ObjectId::null(gix::hash::Kind::Sha1))
}

/// Settings Argo CD takes from the destination cluster, given offline.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClusterDefaults {
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
}

/// Everything a Helm source render needs.
#[derive(Debug)]
pub(crate) struct HelmJob<'a> {
    pub app_name: &'a str,
    pub source: &'a ApplicationSource,
    pub tree: &'a dyn FileTree,
    pub destination_namespace: &'a str,
    /// `$name` → the tree of the multi-source `ref` named `name`.
    pub refs: &'a HashMap<String, Rc<dyn FileTree>>,
    /// `$name` → (`repoURL`, `targetRevision`) of that `ref` source, to
    /// say where a `$ref/...` value file came from.
    pub ref_repos: &'a HashMap<String, (String, String)>,
    pub defaults: &'a ClusterDefaults,
    /// Argo CD's build environment, substituted into paths and parameters.
    pub env: &'a Env,
}

/// The documents and the exact `helm template` stream of one Helm source.
#[derive(Debug)]
pub(crate) struct HelmOutput {
    pub docs: Vec<RenderedDoc>,
    pub stream: String,
    /// The value files read, in merge order.
    pub value_files: Vec<ValueFile>,
}

/// The files of a chart directory in a tree, as Helm's directory loader reads them
/// (sorted walk, `.helmignore` plus Helm's default rules, BOMs removed).
fn chart_files(tree: &dyn FileTree, dir: &str) -> Result<Vec<File>, String> {
    let chart_yaml = join(dir, "Chart.yaml").unwrap_or_default();
    if tree.read(&chart_yaml).map_err(|e| e.to_string())?.is_none() {
        return Err(format!(
            "unable to detect chart at {chart_yaml}: Chart.yaml not found"
        ));
    }
    let mut rules = Rules::default();
    if let Some(text) = tree
        .read(&join(dir, HELMIGNORE).unwrap_or_default())
        .map_err(|e| e.to_string())?
    {
        rules = Rules::parse(&String::from_utf8_lossy(&text)).map_err(|e| e.0)?;
    }
    rules.add_defaults();
    let mut files = Vec::new();
    walk_chart(tree, dir, "", &rules, 0, &mut files)?;
    Ok(files)
}

fn walk_chart(
    tree: &dyn FileTree,
    base: &str,
    rel: &str,
    rules: &Rules,
    depth: usize,
    out: &mut Vec<File>,
) -> Result<(), String> {
    if depth > MAX_CHART_DEPTH {
        return Err(format!(
            "chart directory nested deeper than {MAX_CHART_DEPTH} levels at {base}/{rel}"
        ));
    }
    let dir = join(base, rel).unwrap_or_default();
    let entries = tree
        .list(&dir)
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    for e in entries {
        let name = if rel.is_empty() {
            e.name.clone()
        } else {
            format!("{rel}/{}", e.name)
        };
        match e.kind {
            EntryKind::Dir => {
                if !rules.ignore(&name, true) {
                    walk_chart(tree, base, &name, rules, depth + 1, out)?;
                }
            }
            EntryKind::File => {
                if rules.ignore(&name, false) {
                    continue;
                }
                if out.len() >= MAX_CHART_FILES {
                    return Err(format!(
                        "chart directory has more than {MAX_CHART_FILES} files"
                    ));
                }
                let path = join(base, &name).unwrap_or_default();
                let data = tree
                    .read(&path)
                    .map_err(|e| e.to_string())?
                    .unwrap_or_else(|| Arc::from(&[][..]));
                let data: Arc<[u8]> = match data.strip_prefix(b"\xEF\xBB\xBF".as_slice()) {
                    Some(rest) => Arc::from(rest),
                    None => data,
                };
                out.push(File::new(name, data));
            }
        }
    }
    Ok(())
}

/// In-memory value files, by the name Helm's messages show.
struct MemorySources(HashMap<String, Vec<u8>>);

impl ValueSources for MemorySources {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| format!("open {path}: no such file or directory"))
    }
}

/// A value file resolved to a tree and a path in it.
struct Resolved {
    tree: Rc<dyn FileTree>,
    path: String,
    /// The name shown in messages (`$ref/...` keeps its ref).
    shown: String,
    /// `repoURL` and `targetRevision` of the source holding the file.
    repo: (String, String),
}

/// Resolves a value file or file parameter path as Argo CD does.
fn resolve(
    job: &HelmJob<'_>,
    raw: &str,
    chart_dir: &str,
    primary: &Rc<dyn FileTree>,
) -> Result<Resolved, String> {
    if let Some(scheme) = url_scheme(raw) {
        return Err(if scheme == "http" || scheme == "https" {
            format!("remote value file {raw} is not supported yet (capstan renders offline)")
        } else {
            format!("the URL scheme '{scheme}' is not allowed")
        });
    }
    if raw.starts_with('$') {
        let (name, rest) = raw.split_once('/').unwrap_or((raw, ""));
        if let Some(tree) = job.refs.get(&name[1..]) {
            // The ref is resolved first, the rest of the path substituted after.
            let rest = job.env.subst(rest);
            let path = join("", &rest)
                .ok_or_else(|| format!("file '{raw}' resolved to outside repository root"))?;
            if path.is_empty() {
                return Err(format!("value file {raw} resolved to the repository root"));
            }
            return Ok(Resolved {
                tree: tree.clone(),
                path,
                shown: raw.to_string(),
                repo: job.ref_repos.get(&name[1..]).cloned().unwrap_or_default(),
            });
        }
    }
    let expanded = job.env.subst(raw);
    let path = join(chart_dir, &expanded)
        .ok_or_else(|| format!("file '{raw}' resolved to outside repository root"))?;
    Ok(Resolved {
        tree: primary.clone(),
        shown: path.clone(),
        path,
        repo: (
            job.source.repo_url.clone(),
            job.source.target_revision.clone(),
        ),
    })
}

fn url_scheme(raw: &str) -> Option<String> {
    let (scheme, _) = raw.split_once("://")?;
    let ok = !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then(|| scheme.to_lowercase())
}

/// Every file path under `dir` (repository-relative), walked in order.
fn all_files(
    tree: &dyn FileTree,
    dir: &str,
    out: &mut Vec<String>,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_CHART_DEPTH || out.len() > MAX_GLOB_FILES {
        return Err(format!("value file glob under {dir} visits too many files"));
    }
    for e in tree
        .list(dir)
        .map_err(|e| e.to_string())?
        .unwrap_or_default()
    {
        let p = join(dir, &e.name).unwrap_or_default();
        match e.kind {
            EntryKind::File => out.push(p),
            EntryKind::Dir => all_files(tree, &p, out, depth + 1)?,
        }
    }
    Ok(())
}

/// Expands a doublestar glob over a tree, in walk (lexical) order.
fn expand_glob(tree: &dyn FileTree, pattern: &str) -> Result<Vec<String>, String> {
    let glob = Glob::new(pattern, Dialect::Doublestar).map_err(|e| e.to_string())?;
    let fixed: Vec<&str> = pattern
        .split('/')
        .take_while(|seg| !is_glob(seg) && !seg.contains('{'))
        .collect();
    let base = fixed[..fixed
        .len()
        .min(pattern.split('/').count().saturating_sub(1))]
        .join("/");
    let mut files = Vec::new();
    all_files(tree, &base, &mut files, 0)?;
    Ok(files.into_iter().filter(|f| glob.matches(f)).collect())
}

/// Argo CD's `cleanSetParameters`: escape commas unless the value is a `{list}`.
fn clean_set_value(v: &str) -> String {
    if v.starts_with('{') && v.ends_with('}') {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut prev = '\0';
    for c in v.chars() {
        if c == ',' && prev != '\\' {
            out.push_str("\\,");
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// What `render_chart` takes for one Helm source: the chart, its digest,
/// the merged user values and the release settings. Owned and `Send`, so
/// renders of several sources can run at once.
#[derive(Debug)]
pub(crate) struct RenderInput {
    chart: Chart,
    chart_digest: ObjectId,
    user: Map,
    request: ChartRequest,
}

/// How a Helm source's render becomes its output.
#[derive(Debug)]
pub(crate) struct Finish {
    skip_crds: bool,
    skip_tests: bool,
    value_files: Vec<ValueFile>,
}

/// Renders one prepared source (through the render memo when kept).
pub(crate) fn render_input(
    input: RenderInput,
    cache: &mut ChartCache,
) -> Result<RenderedChart, String> {
    match cache.memo.as_mut() {
        Some(memo) => memo.render(input),
        None => render_chart(input.chart, &input.user, &input.request).map_err(|e| e.message),
    }
}

/// Renders started on capstan-helm's worker threads as they are prepared
/// (the caller prepares the next meanwhile), each finished there by its
/// `then`. A result is exactly what [`render_input`] would give.
pub(crate) struct RenderBatch<T> {
    started: Vec<Option<Started<T>>>,
    /// Memo keys of the renders started, when the render memo is kept.
    keys: std::collections::HashSet<ObjectId>,
}

type Started<T> = (
    Option<ObjectId>,
    capstan_helm::worker::Pending<Result<(Option<RenderedChart>, T), String>>,
);

impl<T> std::fmt::Debug for RenderBatch<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderBatch")
            .field("started", &self.started.len())
            .finish()
    }
}

impl<T> Default for RenderBatch<T> {
    fn default() -> Self {
        RenderBatch {
            started: Vec::new(),
            keys: std::collections::HashSet::new(),
        }
    }
}

impl<T: Send + 'static> RenderBatch<T> {
    /// Starts rendering `input`, then `then` of the render. Not started
    /// (the caller renders it the usual way, which counts the reuse) when
    /// the render memo holds it or it is already in the batch.
    pub(crate) fn start(
        &mut self,
        input: RenderInput,
        cache: &ChartCache,
        then: impl FnOnce(&RenderedChart) -> T + Send + 'static,
    ) {
        let key = match cache.memo.as_ref() {
            Some(memo) => match RenderMemo::key(input.chart_digest, &input.user, &input.request) {
                Ok(k) if !memo.holds(&k) && self.keys.insert(k) => Some(k),
                _ => {
                    self.started.push(None);
                    return;
                }
            },
            None => None,
        };
        let keep = key.is_some();
        let pending = capstan_helm::worker::submit(Box::new(move || {
            let r =
                render_chart(input.chart, &input.user, &input.request).map_err(|e| e.message)?;
            let t = then(&r);
            Ok((keep.then_some(r), t))
        }));
        self.started.push(Some((key, pending)));
    }

    /// Each started render's result, in order; `None` for those not
    /// started or whose job could not run (no thread, a panic): the caller
    /// renders those the usual way, which reports them.
    pub(crate) fn finish(self, cache: &mut ChartCache) -> Vec<Option<Result<T, String>>> {
        let mut out = Vec::with_capacity(self.started.len());
        for started in self.started {
            let Some((key, pending)) = started else {
                out.push(None);
                continue;
            };
            match pending.wait() {
                Ok(Ok((rendered, t))) => {
                    if let (Some(k), Some(r), Some(memo)) = (key, rendered, cache.memo.as_mut()) {
                        memo.store(k, r);
                    }
                    out.push(Some(Ok(t)));
                }
                Ok(Err(m)) => out.push(Some(Err(m))),
                Err(_) => out.push(None),
            }
        }
        out
    }
}

impl Finish {
    /// The documents and stream of a rendered source, as Argo CD asks
    /// Helm for them.
    pub(crate) fn output(self, rendered: &RenderedChart) -> HelmOutput {
        let helm_skip_crds = self.skip_crds;
        let helm_skip_tests = self.skip_tests;
        // Argo CD renders with --include-crds unless skipCrds, and --skip-tests
        // when skipTests.
        let stream = rendered.stream(!helm_skip_crds, false, helm_skip_tests);
        let mut docs = Vec::new();
        if !helm_skip_crds {
            for (path, text) in &rendered.crds {
                docs.push(RenderedDoc {
                    source: path.clone(),
                    text: text.clone(),
                    key: None,
                });
            }
        }
        for m in &rendered.sorted.manifests {
            docs.push(RenderedDoc {
                source: m.path.clone(),
                text: m.content.clone(),
                key: m.head.key.clone(),
            });
        }
        for h in &rendered.sorted.hooks {
            if helm_skip_tests && h.is_test() {
                continue;
            }
            docs.push(RenderedDoc {
                source: h.manifest.path.clone(),
                text: h.manifest.content.clone(),
                key: h.manifest.head.key.clone(),
            });
        }
        HelmOutput {
            docs,
            stream,
            value_files: self.value_files,
        }
    }
}

/// Everything of a Helm source up to rendering: value files read and
/// merged, parameters applied, the chart loaded (cached).
pub(crate) fn prepare_helm(
    job: &HelmJob<'_>,
    primary: &Rc<dyn FileTree>,
    cache: &mut ChartCache,
) -> Result<(RenderInput, Finish), String> {
    let source = job.source;
    let chart_dir = join("", &source.path)
        .ok_or_else(|| format!("path {} leaves the repository", source.path))?;
    let helm = source.helm.clone().unwrap_or_default();
    let release = if helm.release_name.is_empty() {
        job.app_name.to_string()
    } else {
        helm.release_name.clone()
    };
    let namespace = if helm.namespace.is_empty() {
        job.destination_namespace
    } else {
        &helm.namespace
    };

    // Value files, Argo CD's resolution order and rules.
    let mut contents: HashMap<String, Vec<u8>> = HashMap::new();
    let mut opts = Options::default();
    let mut explicit = Vec::new();
    for raw in &helm.value_files {
        if let Ok(r) = resolve(job, raw, &chart_dir, primary)
            && !is_glob(&r.path)
        {
            explicit.push((r.tree.revision().to_string(), r.path));
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut read = Vec::new();
    let mut add = |r: &Resolved,
                   path: &str,
                   shown: &str,
                   opts: &mut Options,
                   contents: &mut HashMap<String, Vec<u8>>|
     -> Result<bool, String> {
        if !seen.insert((r.tree.revision().to_string(), path.to_string())) {
            return Ok(true);
        }
        match r.tree.read(path).map_err(|e| e.to_string())? {
            Some(bytes) => {
                contents.insert(shown.to_string(), bytes.to_vec());
                opts.value_files.push(shown.to_string());
                read.push(ValueFile {
                    path: path.to_string(),
                    repo_url: r.repo.0.clone(),
                    target_revision: r.repo.1.clone(),
                    revision: r.tree.revision().to_string(),
                    bytes,
                });
                Ok(true)
            }
            None => Ok(false),
        }
    };
    for raw in &helm.value_files {
        let r = resolve(job, raw, &chart_dir, primary)?;
        if is_glob(&r.path) {
            let matches = expand_glob(r.tree.as_ref(), &r.path)?;
            if matches.is_empty() {
                if helm.ignore_missing_value_files {
                    continue;
                }
                return Err(format!("values file glob {raw:?} matched no files"));
            }
            for m in matches {
                if explicit.contains(&(r.tree.revision().to_string(), m.clone())) {
                    continue;
                }
                add(&r, &m, &m, &mut opts, &mut contents)?;
            }
            continue;
        }
        if !add(&r, &r.path, &r.shown, &mut opts, &mut contents)? {
            if helm.ignore_missing_value_files {
                continue;
            }
            // Helm itself reports the missing file.
            opts.value_files.push(r.shown.clone());
        }
    }
    if helm.has_inline_values() {
        let text = match &helm.values_object {
            Some(obj) if !obj.is_null() => serde_json::to_string(obj).map_err(|e| e.to_string())?,
            _ => helm.values.clone(),
        };
        let name = format!(
            "<values of {} from spec.source.helm.values/valuesObject>",
            job.app_name
        );
        contents.insert(name.clone(), text.into_bytes());
        opts.value_files.push(name);
    }
    // Parameters: a Go map in Argo CD, so a name set twice keeps its last value.
    let mut params: Vec<(&str, &str, bool)> = Vec::new();
    for p in &helm.parameters {
        params.retain(|(n, _, fs)| !(*n == p.name && *fs == p.force_string));
        params.push((&p.name, &p.value, p.force_string));
    }
    for (name, value, force_string) in params {
        let expr = format!("{name}={}", clean_set_value(&job.env.subst(value)));
        if force_string {
            opts.string_values.push(expr)
        } else {
            opts.values.push(expr)
        }
    }
    for fp in &helm.file_parameters {
        let r = resolve(job, &fp.path, &chart_dir, primary)?;
        if let Some(bytes) = r.tree.read(&r.path).map_err(|e| e.to_string())? {
            contents.insert(r.shown.clone(), bytes.to_vec());
        }
        opts.file_values
            .push(format!("{}={}", fp.name, clean_set_value(&r.shown)));
    }

    let kube_version = if helm.kube_version.is_empty() {
        job.defaults.kube_version.clone()
    } else {
        Some(helm.kube_version.clone())
    };
    let api_versions = if helm.api_versions.is_empty() {
        job.defaults.api_versions.clone()
    } else {
        helm.api_versions.clone()
    };
    let kube_version = match kube_version {
        Some(v) => Some(
            KubeVersion::parse(&v)
                .ok_or_else(|| format!("could not parse kubernetes version {v}"))?,
        ),
        None => None,
    };

    let user: Map = opts
        .merge_values(&mut MemorySources(contents))
        .map_err(|e| e.0)?;
    let (chart, chart_digest) = cache.get(job.tree, &chart_dir)?;
    let request = ChartRequest {
        release: release.clone(),
        namespace: namespace.to_string(),
        kube_version,
        api_versions,
        is_upgrade: false,
        skip_schema_validation: false,
    };
    Ok((
        RenderInput {
            chart,
            chart_digest,
            user,
            request,
        },
        Finish {
            skip_crds: helm.skip_crds,
            skip_tests: helm.skip_tests,
            value_files: read,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_values_escape_commas_like_argo() {
        assert_eq!(clean_set_value("a,b"), "a\\,b");
        assert_eq!(clean_set_value("a\\,b"), "a\\,b");
        assert_eq!(clean_set_value("{a,b}"), "{a,b}");
    }

    #[test]
    fn schemes() {
        assert_eq!(url_scheme("https://x/y.yaml").as_deref(), Some("https"));
        assert_eq!(url_scheme("values.yaml"), None);
        assert_eq!(url_scheme("$values/x.yaml"), None);
    }
}
