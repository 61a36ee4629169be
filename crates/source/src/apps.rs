//! The app-of-apps tree: Applications rendered source by source, children
//! found among their rendered manifests, recursively, with cycles and
//! duplicates reported instead of followed. An app whose source cannot be
//! reached or rendered carries its error; the rest of the tree still
//! renders.
//!
//! Speed without changing a byte: apps whose sources all read the primary
//! repository are rendered ahead of the walk that needs them, their Helm
//! charts on capstan-helm's worker threads several at once (each result is
//! what rendering the app alone gives, kept in the memo the walk reads),
//! and each Argo CD document is parsed once however often it is found.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use capstan_helm::render::manifest::key_strings;
use capstan_helm::worker::{Job, run_all, submit};
use capstan_model::{
    AppProject, Application, ApplicationSource, ArgoObject, Document, ManifestError, ResourceKey,
    SourceKind, argo_object_from_json, parse_document, split_documents,
};
use serde::Deserialize;

use crate::charts::{ChartRepository, ChartRequest, FetchError, MemoryTree, NoChartRepositories};
use crate::directory::{DirError, render_directory};
use crate::envsubst::{Env, EnvInputs};
use crate::helm::{
    ChartCache, ClusterDefaults, Finish, HelmJob, RenderBatch, RenderInput, prepare_helm,
    render_input,
};
use crate::output::{AppOutput, Manifest, RenderedDoc, ValueFile};
use crate::repos::{RepoError, Repositories, Revision, normalize_url};
use crate::tree::{EntryKind, FileTree, join};

/// App-of-apps nesting followed at most.
const MAX_DEPTH: usize = 32;

/// What went wrong with one Application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Its repository is not available.
    Unreachable,
    /// It needs something capstan does not do yet.
    Unsupported,
    /// Its manifest or source settings are wrong.
    Invalid,
    /// Rendering failed (Helm's message).
    Render,
    /// It is its own ancestor.
    Cycle,
    /// Two parents define it.
    Duplicate,
}

/// An error about one Application.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("application {app}: {message}")]
pub struct AppError {
    pub app: String,
    pub kind: ErrorKind,
    pub message: String,
}

/// One Application of the tree.
#[derive(Debug, Clone)]
pub struct AppNode {
    pub app: Application,
    /// Where its manifest was found: a repository file, or `parent-app: template`.
    pub found_in: String,
    pub depth: usize,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// AppProjects among its rendered manifests.
    pub projects: Vec<AppProject>,
    pub output: Result<AppOutput, AppError>,
    /// Problems with what it rendered (an invalid child manifest).
    pub problems: Vec<AppError>,
}

/// A resolved tree (or forest) of Applications, in depth-first order.
#[derive(Debug, Clone, Default)]
pub struct AppTree {
    pub nodes: Vec<AppNode>,
    pub roots: Vec<usize>,
    /// The primary repository's revision: `worktree` or a commit id.
    pub revision: String,
}

impl AppTree {
    /// Every error of the tree, in node order.
    pub fn errors(&self) -> Vec<&AppError> {
        let mut out = Vec::new();
        for n in &self.nodes {
            if let Err(e) = &n.output {
                out.push(e);
            }
            out.extend(n.problems.iter());
        }
        out
    }

    /// The node of the app named `name`.
    pub fn find(&self, name: &str) -> Option<&AppNode> {
        self.nodes.iter().find(|n| n.app.metadata.name == name)
    }
}

/// Why the input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// How to render: the revision of the primary repository and extra
/// repository mappings (`--repo URL=PATH`).
#[derive(Debug, Clone)]
pub struct Settings {
    pub revision: Revision,
    pub repos: Vec<(String, PathBuf)>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            revision: Revision::WorkTree,
            repos: Vec::new(),
        }
    }
}

/// Renders Applications of one primary repository, caching charts and apps.
#[derive(Debug)]
pub struct Engine {
    repos: Repositories,
    charts: ChartCache,
    defaults: ClusterDefaults,
    memo: HashMap<String, Result<(AppOutput, Vec<RenderedDoc>), AppError>>,
    /// Argo CD objects read so far, by document text ([`parse_key`]): an
    /// app-of-apps' children are usually the very files the input folder
    /// holds, so each is parsed once (a parse does not depend on where the
    /// text was found; errors, which do, are not kept).
    parsed: HashMap<String, ArgoObject>,
    chart_repos: Box<dyn ChartRepository>,
}

impl Engine {
    /// An engine for the repository at `root`.
    pub fn new(root: &Path, settings: &Settings) -> Result<Engine, RepoError> {
        let repos = Repositories::open(root, settings.revision.clone(), &settings.repos)?;
        let defaults = ClusterDefaults {
            kube_version: repos.config().kube_version.clone(),
            api_versions: repos.config().api_versions.clone(),
        };
        Ok(Engine {
            repos,
            charts: ChartCache::default(),
            defaults,
            memo: HashMap::new(),
            parsed: HashMap::new(),
            chart_repos: Box::new(NoChartRepositories),
        })
    }

    /// Serves `chart` sources from `repos` (default: none, a clear error).
    pub fn set_chart_repository(&mut self, repos: Box<dyn ChartRepository>) {
        self.chart_repos = repos;
    }

    /// The repositories (primary URL, mappings).
    pub fn repositories(&self) -> &Repositories {
        &self.repos
    }

    /// The repositories, to configure (remote Git clones: `set_git_remotes`).
    pub fn repositories_mut(&mut self) -> &mut Repositories {
        &mut self.repos
    }

    /// How many charts were parsed (the rest came from the cache).
    pub fn chart_loads(&self) -> usize {
        self.charts.loads
    }

    /// Keeps each chart render by the digest of its inputs (chart files,
    /// merged values, release settings) and reuses those of `previous`, the
    /// engine of the revision rendered just before (`capstan hydrate` walks
    /// a history commit by commit; most charts do not change between two).
    pub fn reuse_renders(&mut self, previous: Option<&mut Engine>) {
        self.charts.memo = Some(
            previous
                .and_then(|p| p.charts.memo.as_mut().map(|m| m.next_generation()))
                .unwrap_or_default(),
        );
    }

    /// Charts rendered and renders reused since [`Engine::reuse_renders`]
    /// was first called along a chain of engines.
    pub fn render_counts(&self) -> (usize, usize) {
        self.charts
            .memo
            .as_ref()
            .map_or((0, 0), |m| (m.renders, m.reused))
    }

    /// The Applications in a file or, recursively, a folder of the primary
    /// repository (read at the requested revision), with their file names.
    pub fn load_input(&mut self, input: &Path) -> Result<Vec<(String, Application)>, InputError> {
        let rel = self.relative(input)?;
        let tree = self.repos.primary_tree().map_err(|e| InputError(e.0))?;
        let mut files = Vec::new();
        match tree.list(&rel).map_err(|e| InputError(e.to_string()))? {
            Some(_) => collect_files(tree.as_ref(), &rel, &mut files, 0)?,
            None => files.push(rel.clone()),
        }
        let single = files.len() == 1 && files[0] == rel;
        // Files read in order up to the first that cannot be; that one's
        // error comes after those of the files before it.
        let mut texts = Vec::new();
        let mut unreadable = None;
        for f in files {
            let bytes = match tree.read(&f) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => {
                    unreadable = Some(InputError(format!(
                        "{}: no such file at revision {}",
                        input.display(),
                        tree.revision()
                    )));
                    break;
                }
                Err(e) => {
                    unreadable = Some(InputError(e.to_string()));
                    break;
                }
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            // In a folder, a file that cannot spell Argo CD's API group
            // holds no Application, and its errors are ignored (below).
            if !single && !may_name_argo(&text) {
                continue;
            }
            texts.push((f, text));
        }
        // Parsed several files at once (a parse is a pure function of the
        // text); each file's documents up to its first error.
        let jobs: Vec<Job<ParsedFile>> = texts
            .iter()
            .map(|(f, text)| {
                let (f, text) = (f.clone(), text.clone());
                Box::new(move || parse_file(&f, &text)) as Job<ParsedFile>
            })
            .collect();
        let mut parsed_files = run_all(jobs).into_iter();
        let mut apps = Vec::new();
        for (f, text) in &texts {
            let docs = match parsed_files.next() {
                Some(Ok(docs)) => docs,
                // A job that could not run: parsed here.
                _ => parse_file(f, text),
            };
            let mut objs = Vec::new();
            let mut failed = None;
            for (key, doc) in docs {
                match doc {
                    Ok(o) => {
                        self.parsed.entry(key).or_insert_with(|| o.clone());
                        objs.push(o);
                    }
                    Err(e) => failed = Some(e),
                }
            }
            match failed {
                None => {
                    for o in objs {
                        if let ArgoObject::Application(a) = o {
                            apps.push((f.clone(), *a));
                        }
                    }
                }
                // In a folder, YAML that is not about Argo CD may be anything.
                Some(_) if !single && !text.contains("argoproj.io") => {}
                Some(e) => return Err(InputError(e.to_string())),
            }
        }
        if let Some(e) = unreadable {
            return Err(e);
        }
        if apps.is_empty() {
            return Err(InputError(format!(
                "no Application manifest found in {}",
                input.display()
            )));
        }
        Ok(apps)
    }

    fn relative(&self, input: &Path) -> Result<String, InputError> {
        let root = self
            .repos
            .root()
            .canonicalize()
            .map_err(|e| InputError(e.to_string()))?;
        let abs = std::path::absolute(input).map_err(|e| InputError(e.to_string()))?;
        // Canonicalize the longest existing prefix (the file may exist only at a revision).
        let mut existing = abs.clone();
        let mut tail = Vec::new();
        while !existing.exists() {
            let Some(name) = existing.file_name() else {
                break;
            };
            tail.push(name.to_os_string());
            existing.pop();
        }
        let mut full = existing.canonicalize().unwrap_or(existing);
        for t in tail.into_iter().rev() {
            full.push(t);
        }
        let rel = full.strip_prefix(&root).map_err(|_| {
            InputError(format!(
                "{} is not inside the repository {}",
                input.display(),
                root.display()
            ))
        })?;
        Ok(rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"))
    }

    /// Resolves the tree under `candidates`: each is rendered with its
    /// descendants; a candidate that is another candidate's descendant is
    /// not a root of its own.
    pub fn resolve(&mut self, candidates: Vec<(String, Application)>) -> AppTree {
        if let Some((_, first)) = candidates.first()
            && let Some(src) = first.sources().first()
        {
            let url = src.repo_url.clone();
            self.repos.assume_primary_url(&url);
        }
        let revision = self
            .repos
            .primary_tree()
            .map(|t| t.revision().to_string())
            .unwrap_or_default();
        // Candidates naming their namespace are the apps the walk below
        // renders (as roots, or as children found again); render them first,
        // several at once.
        let named: Vec<&Application> = candidates
            .iter()
            .map(|(_, a)| a)
            .filter(|a| {
                a.metadata
                    .namespace
                    .as_deref()
                    .is_some_and(|n| !n.is_empty())
            })
            .collect();
        self.prefetch(&named);
        // Each candidate's tree, with the memo keys of its rendered nodes:
        // outputs are copied into the trees kept, not into every candidate's.
        let mut forests: Vec<(AppTree, Vec<(usize, String)>)> = Vec::new();
        for (file, app) in &candidates {
            let mut t = AppTree {
                revision: revision.clone(),
                ..AppTree::default()
            };
            let mut seen = HashSet::new();
            let mut rendered = Vec::new();
            let root = self.build(
                &mut t,
                app.clone(),
                file.clone(),
                None,
                0,
                &mut Vec::new(),
                &mut seen,
                &mut rendered,
            );
            t.roots.push(root);
            forests.push((t, rendered));
        }
        // Names that appear below another candidate's root.
        let mut nested: HashSet<String> = HashSet::new();
        for (t, _) in &forests {
            for n in t.nodes.iter().skip(1) {
                nested.insert(app_id(&n.app));
            }
        }
        let mut out = AppTree {
            revision,
            ..AppTree::default()
        };
        // Roots: candidates nobody else reaches; then, so that a cycle with
        // no way in is still shown, any candidate no kept tree covers.
        let mut covered: HashSet<String> = HashSet::new();
        let mut keep = vec![false; forests.len()];
        for pass in 0..2 {
            for (i, (t, _)) in forests.iter().enumerate() {
                let id = app_id(&t.nodes[0].app);
                if keep[i] || covered.contains(&id) || (pass == 0 && nested.contains(&id)) {
                    continue;
                }
                keep[i] = true;
                covered.extend(t.nodes.iter().map(|n| app_id(&n.app)));
            }
        }
        let kept: Vec<_> = forests
            .into_iter()
            .zip(keep)
            .filter_map(|(f, k)| k.then_some(f))
            .collect();
        out.nodes
            .reserve_exact(kept.iter().map(|(t, _)| t.nodes.len()).sum());
        for (mut t, rendered) in kept {
            for (idx, key) in rendered {
                if let Some(Ok((output, _))) = self.memo.get(&key) {
                    t.nodes[idx].output = Ok(output.clone());
                }
            }
            let offset = out.nodes.len();
            out.roots.push(offset);
            for mut n in t.nodes {
                n.parent = n.parent.map(|p| p + offset);
                n.children.iter_mut().for_each(|c| *c += offset);
                out.nodes.push(n);
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        &mut self,
        t: &mut AppTree,
        app: Application,
        found_in: String,
        parent: Option<usize>,
        depth: usize,
        path: &mut Vec<String>,
        seen: &mut HashSet<String>,
        rendered: &mut Vec<(usize, String)>,
    ) -> usize {
        let id = app_id(&app);
        let name = app.metadata.name.clone();
        let idx = t.nodes.len();
        let mut node = AppNode {
            app: app.clone(),
            found_in,
            depth,
            parent,
            children: Vec::new(),
            projects: Vec::new(),
            output: Ok(AppOutput::default()),
            problems: Vec::new(),
        };
        let fail = |kind, message: String| {
            Err(AppError {
                app: name.clone(),
                kind,
                message,
            })
        };
        if path.contains(&id) {
            let mut chain = path.clone();
            chain.push(id.clone());
            node.output = fail(
                ErrorKind::Cycle,
                format!("app-of-apps cycle: {}", chain.join(" -> ")),
            );
            t.nodes.push(node);
            return idx;
        }
        if !seen.insert(id.clone()) {
            node.output = fail(
                ErrorKind::Duplicate,
                "defined more than once in the tree".into(),
            );
            t.nodes.push(node);
            return idx;
        }
        if depth > MAX_DEPTH {
            node.output = fail(
                ErrorKind::Invalid,
                format!("app-of-apps nested deeper than {MAX_DEPTH} levels"),
            );
            t.nodes.push(node);
            return idx;
        }
        let key = memo_key(&app);
        if !self.memo.contains_key(&key) {
            let r = self.render_uncached(&app);
            self.memo.insert(key.clone(), r);
        }
        // The Argo CD documents of its output (source, text, kind), where
        // its children are; the output itself is copied once the trees
        // kept are known.
        let argo_docs = match self.memo.get(&key) {
            Some(Ok((output, docs))) => Ok(docs
                .iter()
                .zip(&output.manifests)
                .filter(|(_, m)| m.key.group == "argoproj.io")
                .map(|(d, m)| (d.source.clone(), d.text.clone(), m.key.kind.clone()))
                .collect::<Vec<_>>()),
            Some(Err(e)) => Err(e.clone()),
            None => Ok(Vec::new()),
        };
        let mut children = Vec::new();
        match argo_docs {
            Ok(argo_docs) => {
                for (source, text, kind) in argo_docs {
                    let origin = format!("{name}: {source}");
                    match self.parse(
                        &origin,
                        &Document {
                            text: &text,
                            line: 1,
                        },
                    ) {
                        Ok(ArgoObject::Application(mut child)) => {
                            // Applied into the parent's destination namespace when it names none.
                            if child
                                .metadata
                                .namespace
                                .as_deref()
                                .is_none_or(str::is_empty)
                            {
                                child.metadata.namespace =
                                    Some(app.spec.destination.namespace.clone());
                            }
                            children.push((origin, *child))
                        }
                        Ok(ArgoObject::AppProject(p)) => node.projects.push(*p),
                        Ok(ArgoObject::Other { .. }) => {}
                        Err(e) => node.problems.push(AppError {
                            app: name.clone(),
                            kind: ErrorKind::Invalid,
                            message: format!("renders an invalid {kind}: {e}"),
                        }),
                    }
                }
                rendered.push((idx, key));
            }
            Err(e) => node.output = Err(e),
        }
        t.nodes.push(node);
        path.push(id);
        // The children that will render (no cycle, no duplicate), first and
        // several at once.
        if depth < MAX_DEPTH {
            let ready: Vec<&Application> = children
                .iter()
                .map(|(_, c)| c)
                .filter(|c| {
                    let id = app_id(c);
                    !path.contains(&id) && !seen.contains(&id)
                })
                .collect();
            self.prefetch(&ready);
        }
        for (origin, child) in children {
            let c = self.build(t, child, origin, Some(idx), depth + 1, path, seen, rendered);
            t.nodes[idx].children.push(c);
        }
        path.pop();
        idx
    }

    /// [`parse_document`], remembered by document text.
    fn parse(&mut self, origin: &str, doc: &Document<'_>) -> Result<ArgoObject, ManifestError> {
        let key = parse_key(doc.text);
        if let Some(o) = self.parsed.get(key) {
            return Ok(o.clone());
        }
        let parsed = read_document(origin, doc);
        if let Ok(o) = &parsed {
            self.parsed.insert(key.to_string(), o.clone());
        }
        parsed
    }

    /// Renders one Application (all its sources), memoized.
    pub fn render_app(&mut self, app: &Application) -> Result<AppOutput, AppError> {
        self.render(app).map(|(o, _)| o)
    }

    fn render(&mut self, app: &Application) -> Result<(AppOutput, Vec<RenderedDoc>), AppError> {
        let key = memo_key(app);
        if let Some(r) = self.memo.get(&key) {
            return r.clone();
        }
        let r = self.render_uncached(app);
        self.memo.insert(key, r.clone());
        r
    }

    /// Renders `apps` ahead of the tree walk that needs them, their Helm
    /// charts several at once on capstan-helm's worker threads, into the
    /// memo where [`Engine::render`] finds them. Only apps with one
    /// rendering source whose every source reads the primary repository
    /// are taken: rendering those earlier than the walk would reorders no
    /// side effect (a fetch, a note), and each result is what
    /// `render_uncached` gives. The rest render the usual way when reached.
    fn prefetch(&mut self, apps: &[&Application]) {
        let mut batch = RenderBatch::default();
        let mut rendering = Vec::new();
        let mut assembling = Vec::new();
        let mut taken = HashSet::new();
        for app in apps {
            let key = memo_key(app);
            if self.memo.contains_key(&key) || !self.prefetchable(app) || !taken.insert(key.clone())
            {
                continue;
            }
            let Some(source) = app.sources().into_iter().find(|s| !s.is_ref_only()) else {
                continue;
            };
            let name = app.metadata.name.clone();
            let namespace = app.spec.destination.namespace.clone();
            let planned = self.source_refs(app).and_then(|refs| {
                self.plan_source(app, source, &refs)
                    .map_err(|(kind, message)| app_error(&name, kind, message))
            });
            // Outputs are assembled (each document's resource read) on the
            // worker threads too.
            match planned {
                Ok(Planned::Helm(input, finish)) => {
                    batch.start(*input, &self.charts, move |r| {
                        let out = finish.output(r);
                        let part = (SourceKind::Helm, out.docs, out.stream, out.value_files);
                        assemble(&namespace, vec![part])
                    });
                    rendering.push((key, name));
                }
                Ok(Planned::Done(part)) => {
                    let job: Job<_> = Box::new(move || assemble(&namespace, vec![part]));
                    assembling.push((key, submit(job)));
                }
                Err(e) => {
                    self.memo.insert(key, Err(e));
                }
            }
        }
        for ((key, name), r) in rendering.into_iter().zip(batch.finish(&mut self.charts)) {
            match r {
                // Not rendered here (the render memo holds it, or the job
                // could not run): rendered the usual way when reached.
                None => {}
                Some(Ok(out)) => {
                    self.memo.insert(key, Ok(out));
                }
                Some(Err(m)) => {
                    self.memo
                        .insert(key, Err(app_error(&name, ErrorKind::Render, m)));
                }
            }
        }
        for (key, pending) in assembling {
            // A job that could not run is left to the usual way.
            if let Ok(out) = pending.wait() {
                self.memo.insert(key, Ok(out));
            }
        }
    }

    /// Whether [`Engine::prefetch`] may render `app` early.
    fn prefetchable(&self, app: &Application) -> bool {
        let sources = app.sources();
        let primary = self.repos.primary_urls();
        !sources.is_empty()
            && sources.iter().filter(|s| !s.is_ref_only()).count() == 1
            && sources
                .iter()
                .all(|s| !s.is_chart_repository() && primary.contains(&normalize_url(&s.repo_url)))
    }

    /// The trees of a multi-source app's `ref` sources, by ref name.
    fn source_refs(
        &mut self,
        app: &Application,
    ) -> Result<HashMap<String, Rc<dyn FileTree>>, AppError> {
        let mut refs: HashMap<String, Rc<dyn FileTree>> = HashMap::new();
        if app.is_multi_source() {
            for s in &app.sources() {
                if s.r#ref.is_empty() {
                    continue;
                }
                let tree = self
                    .repos
                    .tree_for(&s.repo_url, &s.target_revision)
                    .map_err(|e| {
                        app_error(
                            &app.metadata.name,
                            ErrorKind::Unreachable,
                            format!("source ref {:?} ({}): {}", s.r#ref, s.repo_url, e.0),
                        )
                    })?;
                refs.insert(s.r#ref.clone(), tree);
            }
        }
        Ok(refs)
    }

    fn render_uncached(
        &mut self,
        app: &Application,
    ) -> Result<(AppOutput, Vec<RenderedDoc>), AppError> {
        let name = app.metadata.name.as_str();
        let sources = app.sources();
        if sources.is_empty() {
            return Err(app_error(
                name,
                ErrorKind::Invalid,
                "spec.source or spec.sources is required".into(),
            ));
        }
        let refs = self.source_refs(app)?;
        let mut parts = Vec::new();
        for s in &sources {
            if s.is_ref_only() {
                continue;
            }
            let part = self
                .render_source(app, s, &refs)
                .map_err(|(k, m)| app_error(name, k, m))?;
            parts.push(part);
        }
        Ok(assemble(&app.spec.destination.namespace, parts))
    }

    fn render_source(
        &mut self,
        app: &Application,
        source: &ApplicationSource,
        refs: &HashMap<String, Rc<dyn FileTree>>,
    ) -> Result<SourceRender, (ErrorKind, String)> {
        match self.plan_source(app, source, refs)? {
            Planned::Done(part) => Ok(part),
            Planned::Helm(input, finish) => {
                let rendered =
                    render_input(*input, &mut self.charts).map_err(|e| (ErrorKind::Render, e))?;
                let out = finish.output(&rendered);
                Ok((SourceKind::Helm, out.docs, out.stream, out.value_files))
            }
        }
    }

    /// One source up to rendering: directories rendered, Helm charts
    /// prepared (values merged, chart loaded).
    fn plan_source(
        &mut self,
        app: &Application,
        source: &ApplicationSource,
        refs: &HashMap<String, Rc<dyn FileTree>>,
    ) -> Result<Planned, (ErrorKind, String)> {
        let name = app.metadata.name.as_str();
        if source.is_chart_repository() {
            let request = ChartRequest {
                app: name,
                repo_url: &source.repo_url,
                chart: &source.chart,
                version: &source.target_revision,
            };
            let files = self.chart_repos.fetch(&request).map_err(|e| match e {
                FetchError::Unsupported(m) => (ErrorKind::Unsupported, m),
                FetchError::Failed(m) => (ErrorKind::Unreachable, m),
            })?;
            let id = format!(
                "chart:{}/{}@{}",
                source.repo_url, source.chart, source.target_revision
            );
            let tree: Rc<dyn FileTree> = Rc::new(MemoryTree::new(files, id));
            // The fetched chart is the tree's root: value files resolve inside it.
            let mut at_root = source.clone();
            at_root.path = String::new();
            let (input, finish) = self.prepare_helm_source(app, &at_root, &tree, refs)?;
            return Ok(Planned::Helm(Box::new(input), finish));
        }
        let tree = self
            .repos
            .tree_for(&source.repo_url, &source.target_revision)
            .map_err(|e| (ErrorKind::Unreachable, e.0))?;
        let path = join("", &source.path).ok_or_else(|| {
            (
                ErrorKind::Invalid,
                format!("path {} leaves the repository", source.path),
            )
        })?;
        let overridden =
            crate::overrides::apply(tree.as_ref(), &path, name, source).map_err(|e| {
                (
                    ErrorKind::Invalid,
                    format!("error while parsing source parameters: {e}"),
                )
            })?;
        let source = &overridden;
        let explicit = source
            .explicit_kind()
            .map_err(|e| (ErrorKind::Invalid, e))?;
        let kind = match explicit {
            Some(k) => k,
            None => detect_kind(tree.as_ref(), &path).map_err(|e| (ErrorKind::Unreachable, e))?,
        };
        match kind {
            SourceKind::Helm => {
                let (input, finish) = self.prepare_helm_source(app, source, &tree, refs)?;
                Ok(Planned::Helm(Box::new(input), finish))
            }
            SourceKind::Directory => {
                let dir = source.directory.clone().unwrap_or_default();
                let docs = render_directory(tree.as_ref(), &path, &dir).map_err(|e| match e {
                    DirError::Unsupported(m) => (ErrorKind::Unsupported, m),
                    DirError::Invalid(m) => (ErrorKind::Invalid, m),
                })?;
                let mut stream = String::new();
                for d in &docs {
                    capstan_helm::render::manifest::write_document(&mut stream, &d.source, &d.text);
                }
                Ok(Planned::Done((kind, docs, stream, Vec::new())))
            }
            other => Err((
                ErrorKind::Unsupported,
                format!(
                    "{} sources are not supported yet ({name}, path {})",
                    other.as_str(),
                    source.path
                ),
            )),
        }
    }

    fn prepare_helm_source(
        &mut self,
        app: &Application,
        source: &ApplicationSource,
        tree: &Rc<dyn FileTree>,
        refs: &HashMap<String, Rc<dyn FileTree>>,
    ) -> Result<(RenderInput, Finish), (ErrorKind, String)> {
        let name = app.metadata.name.as_str();
        let ref_repos: HashMap<String, (String, String)> = app
            .sources()
            .iter()
            .filter(|s| !s.r#ref.is_empty())
            .map(|s| {
                (
                    s.r#ref.clone(),
                    (s.repo_url.clone(), s.target_revision.clone()),
                )
            })
            .collect();
        let env = Env::new(&EnvInputs {
            app: name,
            namespace: &app.spec.destination.namespace,
            project: app.project(),
            revision: tree.revision(),
            repo_url: &source.repo_url,
            path: &source.path,
            target_revision: &source.target_revision,
        });
        let job = HelmJob {
            app_name: name,
            source,
            tree: tree.as_ref(),
            destination_namespace: &app.spec.destination.namespace,
            refs,
            ref_repos: &ref_repos,
            defaults: &self.defaults,
            env: &env,
        };
        prepare_helm(&job, tree, &mut self.charts).map_err(|e| (ErrorKind::Render, e))
    }
}

/// A source up to rendering.
enum Planned {
    /// Rendered already (a directory).
    Done(SourceRender),
    /// A Helm chart to render, and how its render becomes the output.
    Helm(Box<RenderInput>, Finish),
}

/// The memo key of an app: its identity and its whole spec.
fn memo_key(app: &Application) -> String {
    format!(
        "{}\0{}",
        app_id(app),
        serde_json::to_string(&app.spec).unwrap_or_default()
    )
}

fn app_error(app: &str, kind: ErrorKind, message: String) -> AppError {
    AppError {
        app: app.to_string(),
        kind,
        message,
    }
}

/// An app's output from its rendered sources, in source order; resources
/// without a namespace are in `namespace` (the destination's).
fn assemble(namespace: &str, parts: Vec<SourceRender>) -> (AppOutput, Vec<RenderedDoc>) {
    let mut docs = Vec::new();
    let mut stream = String::new();
    let mut source_kinds = Vec::new();
    let mut value_files = Vec::new();
    for (kind, d, st, vf) in parts {
        docs.extend(d);
        stream.push_str(&st);
        source_kinds.push(kind);
        value_files.extend(vf);
    }
    let manifests = docs.iter().map(|d| keyed(d, namespace)).collect();
    (
        AppOutput {
            manifests,
            stream,
            source_kinds,
            value_files,
        },
        docs,
    )
}

/// One source rendered: its type, documents, stream and value files read.
type SourceRender = (SourceKind, Vec<RenderedDoc>, String, Vec<ValueFile>);

/// A file's documents parsed, each with its [`parse_key`], up to and
/// including the first that fails.
type ParsedFile = Vec<(String, Result<ArgoObject, ManifestError>)>;

/// [`parse_document`], after the fast path: Helm's fast YAML reader
/// turns most Applications into JSON ten times faster than the reader
/// behind `parse_document`, and answers only when every scalar means the
/// same to both (YAML 1.1 and 1.2), which makes the object the same; any
/// other document, and every error, is `parse_document`'s.
fn read_document(origin: &str, doc: &Document<'_>) -> Result<ArgoObject, ManifestError> {
    match capstan_helm::yaml::read_json(doc.text).and_then(argo_object_from_json) {
        Some(object) => Ok(object),
        None => parse_document(origin, doc),
    }
}

/// [`read_document`] over each document of a file, stopping at the first
/// error (as reading the file as a whole does).
fn parse_file(origin: &str, text: &str) -> ParsedFile {
    let mut out = Vec::new();
    for d in split_documents(text) {
        let parsed = read_document(origin, &d);
        let failed = parsed.is_err();
        out.push((parse_key(d.text).to_string(), parsed));
        if failed {
            break;
        }
    }
    out
}

/// The text a document is remembered by: without trailing blanks and
/// line breaks when they cannot change what it reads as (only a block
/// scalar, `|` or `>`, can end with them as content), so a child rendered
/// from a directory (whose documents are trimmed) finds the file read as
/// input.
fn parse_key(text: &str) -> &str {
    if text.contains(['|', '>']) {
        text
    } else {
        text.trim_end_matches([' ', '\t', '\n', '\r'])
    }
}

/// Whether YAML `text` may hold an object of Argo CD's API group: its
/// `apiVersion` must read `argoproj.io/...`, which YAML can only produce
/// from text that spells it, unless an escape (a backslash) or a tag (`!`) is
/// involved.
fn may_name_argo(text: &str) -> bool {
    text.contains("argoproj.io") || text.contains(['\\', '!'])
}

/// `namespace/name` of an Application (its identity in a tree).
fn app_id(app: &Application) -> String {
    format!(
        "{}/{}",
        app.metadata.namespace.as_deref().unwrap_or(""),
        app.metadata.name
    )
}

/// Argo CD's source type detection: a kustomization wins, then a chart.
fn detect_kind(tree: &dyn FileTree, path: &str) -> Result<SourceKind, String> {
    let Some(entries) = tree.list(path).map_err(|e| e.to_string())? else {
        return Err(format!("app path does not exist: {path}"));
    };
    let files: Vec<&str> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::File)
        .map(|e| e.name.as_str())
        .collect();
    if files.iter().any(|f| {
        matches!(
            *f,
            "kustomization.yaml" | "kustomization.yml" | "Kustomization"
        )
    }) {
        return Ok(SourceKind::Kustomize);
    }
    if files.iter().any(|f| f.ends_with("Chart.yaml")) {
        return Ok(SourceKind::Helm);
    }
    Ok(SourceKind::Directory)
}

fn collect_files(
    tree: &dyn FileTree,
    dir: &str,
    out: &mut Vec<String>,
    depth: usize,
) -> Result<(), InputError> {
    if depth > MAX_DEPTH {
        return Err(InputError(format!("folders nested too deeply under {dir}")));
    }
    for e in tree
        .list(dir)
        .map_err(|e| InputError(e.to_string()))?
        .unwrap_or_default()
    {
        let p = join(dir, &e.name).unwrap_or_default();
        match e.kind {
            EntryKind::Dir => collect_files(tree, &p, out, depth + 1)?,
            EntryKind::File
                if [".yaml", ".yml", ".json"]
                    .iter()
                    .any(|x| e.name.ends_with(x)) =>
            {
                out.push(p)
            }
            EntryKind::File => {}
        }
    }
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Head {
    #[serde(default)]
    api_version: Option<serde_json::Value>,
    #[serde(default)]
    kind: Option<serde_json::Value>,
    #[serde(default)]
    metadata: Option<HeadMeta>,
}

#[derive(Deserialize, Default)]
struct HeadMeta {
    #[serde(default)]
    name: Option<serde_json::Value>,
    #[serde(default)]
    namespace: Option<serde_json::Value>,
}

fn scalar(v: Option<serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// `apiVersion`, `kind`, `metadata.namespace` and `metadata.name` of a
/// document, read as the Kubernetes tools read YAML (go-yaml through
/// sigs.k8s.io/yaml, capstan-helm's reader, whose fast path makes this cheap
/// for the block YAML charts print); YAML it refuses is read leniently by
/// serde-saphyr, so a head is found wherever one can be.
fn head_fields(text: &str) -> [String; 4] {
    // Only the four fields are built, not the document.
    if let Ok(fields) = capstan_helm::yaml::resource_fields(text) {
        return fields.map(key_strings).unwrap_or_default();
    }
    let head: Head = serde_saphyr::from_str(text).unwrap_or_default();
    let meta = head.metadata.unwrap_or_default();
    [
        scalar(head.api_version),
        scalar(head.kind),
        scalar(meta.namespace),
        scalar(meta.name),
    ]
}

/// A rendered document with its resource key.
fn keyed(doc: &RenderedDoc, default_namespace: &str) -> Manifest {
    let [api_version, kind, namespace, name] = match &doc.key {
        Some(key) => key.clone(),
        None => head_fields(&doc.text),
    };
    let key = ResourceKey::for_object(
        &api_version,
        &kind,
        Some(namespace.as_str()),
        &name,
        default_namespace,
    );
    Manifest {
        source: doc.source.clone(),
        text: doc.text.clone(),
        key,
        api_version,
    }
}
