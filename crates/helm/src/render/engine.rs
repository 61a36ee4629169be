//! The render step of `helm template`: every template of the chart tree
//! parsed into one template set, then each non-partial executed with its
//! chart's scoped objects (Helm's `pkg/engine`).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, LazyLock, Mutex, OnceLock, Weak};

use capstan_gotmpl::{Map, MapRef, MissingKey, ParseCache, TemplateSet, Value};

/// Helm's named map type for `.Values` and `.Template`.
const COMMON_VALUES: &str = "common.Values";

use super::errors::{RenderError, exec_error, parse_error};
use super::functions::{Lookup, NoCluster, RenderState, helm_functions};
use super::manifest::{Document, documents};
use super::objects::{Capabilities, FilesObject};
use crate::chart::Chart;
use crate::memo::ByBuffer;

/// `.Release`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_upgrade: bool,
    pub service: String,
}

impl Release {
    /// A first install, as `helm template` renders by default.
    pub fn install(name: &str, namespace: &str) -> Release {
        Release {
            name: name.into(),
            namespace: namespace.into(),
            revision: 1,
            is_upgrade: false,
            service: "Helm".into(),
        }
    }

    fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("IsInstall".into(), Value::Bool(!self.is_upgrade));
        m.insert("IsUpgrade".into(), Value::Bool(self.is_upgrade));
        m.insert("Name".into(), Value::str(self.name.as_str()));
        m.insert("Namespace".into(), Value::str(self.namespace.as_str()));
        m.insert("Revision".into(), Value::Int(self.revision));
        m.insert("Service".into(), Value::str(self.service.as_str()));
        Value::map(m)
    }
}

/// What a render needs besides the chart and its values.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub release: Release,
    pub capabilities: Arc<Capabilities>,
    /// `missingkey=error` (Helm's strict mode, used by lint).
    pub strict: bool,
    /// Answers `lookup`; offline by default.
    pub lookup: Arc<dyn Lookup>,
    /// When templates may execute on two threads (the output is the same
    /// either way).
    pub side_by_side: SideBySide,
}

/// When the templates of a render may execute on two threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SideBySide {
    /// Always on one thread.
    Never,
    /// On two when a worker is free and the chart has work enough for two
    /// (several templates, or long ones); the default.
    #[default]
    WhenWorthIt,
    /// On two whenever a worker is free and there are at least four
    /// templates, however short (tests prove the two paths agree with it).
    Always,
}

/// Helm's default capabilities, built once (every render without
/// `--kube-version` or `--api-versions` shares them).
pub(crate) fn default_capabilities() -> Arc<Capabilities> {
    static DEFAULT: LazyLock<Arc<Capabilities>> =
        LazyLock::new(|| Arc::new(Capabilities::default()));
    Arc::clone(&DEFAULT)
}

impl RenderOptions {
    /// Options for a first install of `release` into `namespace`, with Helm's
    /// default capabilities and no cluster.
    pub fn new(release: &str, namespace: &str) -> RenderOptions {
        RenderOptions {
            release: Release::install(release, namespace),
            capabilities: default_capabilities(),
            strict: false,
            lookup: Arc::new(NoCluster),
            side_by_side: SideBySide::WhenWorthIt,
        }
    }
}

/// The templates this process has parsed, by content. Helm parses every
/// template of the chart on every render; a process rendering many apps of
/// a few charts (a fleet, a controller) parses each text once instead.
/// Parsing is pure, so the cached trees are what a new parse would give.
pub fn parse_cache() -> &'static ParseCache {
    static CACHE: OnceLock<ParseCache> = OnceLock::new();
    CACHE.get_or_init(ParseCache::default)
}

/// The template set every render starts from: Helm's options and
/// functions, no templates. Built once; a render copies it (a few pointers)
/// and attaches its own [`RenderState`].
fn empty_set() -> &'static TemplateSet {
    static SET: OnceLock<TemplateSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = TemplateSet::new();
        set.set_name("gotpl");
        set.set_missing_key(MissingKey::Zero);
        // Helm stops a recursive `include` after 1000 nested calls of one
        // name with its own error; the engine's depth limit must not fire
        // first.
        set.limits_mut().max_depth = 10_000;
        set.limits_mut().max_nesting = 20_000;
        for (name, f) in helm_functions() {
            set.add_function(name, f);
        }
        set.set_parse_cache(parse_cache().clone());
        set
    })
}

/// The template set of `templates` (in parsing order): Helm's options and
/// functions, every template parsed into it.
///
/// The set depends on the names and texts alone, so the sets of the last
/// few template lists are kept: a chart rendered again (a fleet of apps
/// sharing charts, a controller, a benchmark) takes its set whole instead
/// of looking each text up in the parse cache and adding its trees one by
/// one. Texts are matched by identity: each template file's text is made
/// once per file buffer ([`template_text`]), and an entry holds its texts
/// weakly (their allocations stay, so the same address is the same text);
/// entries whose texts nobody holds any more are dropped. Parse errors are
/// never kept.
fn parsed_set(templates: &[Renderable]) -> Result<TemplateSet, RenderError> {
    type Parsed = Vec<(Vec<(String, Weak<str>)>, TemplateSet)>;
    static SETS: LazyLock<Mutex<Parsed>> = LazyLock::new(Mutex::default);
    const KEPT: usize = 32;
    let same = |key: &[(String, Weak<str>)]| {
        key.len() == templates.len()
            && key.iter().zip(templates).all(|((name, text), t)| {
                std::ptr::eq(text.as_ptr(), Arc::as_ptr(&t.text)) && *name == t.name
            })
    };
    if let Ok(sets) = SETS.lock()
        && let Some((_, set)) = sets.iter().find(|(key, _)| same(key))
    {
        return Ok(set.clone());
    }
    let mut set = empty_set().clone();
    for t in templates {
        set.parse(&t.name, &t.text)
            .map_err(|e| parse_error(&t.name, &e))?;
    }
    if let Ok(mut sets) = SETS.lock() {
        sets.retain(|(key, _)| key.iter().all(|(_, text)| text.strong_count() > 0));
        if sets.len() >= KEPT {
            sets.remove(0);
        }
        let key = templates
            .iter()
            .map(|t| (t.name.clone(), Arc::downgrade(&t.text)))
            .collect();
        sets.push((key, set.clone()));
    }
    Ok(set)
}

struct Renderable {
    name: String,
    text: Arc<str>,
    /// The text mentions `Subcharts`.
    mentions_subcharts: bool,
    /// Shared by the templates of a chart.
    base_path: Arc<str>,
    /// Index into the per-chart objects.
    scope: usize,
}

impl Renderable {
    /// `.Template` while this template executes.
    fn template_value(&self) -> Value {
        let mut template = Map::new();
        template.insert(
            "BasePath".into(),
            Value::String(Arc::clone(&self.base_path)),
        );
        template.insert("Name".into(), Value::str(self.name.as_str()));
        Value::Map(MapRef::named(template, COMMON_VALUES))
    }
}

/// Renders every template of `chart` (already dependency-processed) with
/// the coalesced top-level `values`. Returns rendered text by template name
/// (partials excluded, `NOTES.txt` included), `<no value>` removed.
pub fn render(
    chart: &Chart,
    values: &Map,
    opts: &RenderOptions,
) -> Result<BTreeMap<String, String>, RenderError> {
    render_outputs(chart, values, opts, false)
        .map(|out| out.into_iter().map(|(name, o)| (name, o.text)).collect())
}

/// What one template rendered: its text or, when the render was asked for
/// documents, the documents the thread that executed it split the text
/// into and read the heads of (the text moved into them). Sorting the
/// documents of templates executed side by side then takes no time of
/// the thread that sorts.
#[derive(Debug)]
pub(crate) struct Output {
    /// The text (empty once moved into `docs`; NOTES.txt keeps it).
    pub(crate) text: String,
    pub(crate) docs: Option<Vec<Document>>,
}

/// [`render`], the documents of each template made where it executed when
/// `documents` is set (see [`Output`]).
pub(crate) fn render_outputs(
    chart: &Chart,
    values: &Map,
    opts: &RenderOptions,
    documents: bool,
) -> Result<BTreeMap<String, Output>, RenderError> {
    match render_on_worker(chart, values, opts, documents, false)? {
        Rendered::Done(out) => Ok(out),
        // Only guarded templates are refused a write.
        Rendered::Refused => Err(internal_error()),
    }
}

/// [`render_outputs`] of values that share maps with a loaded chart (see
/// `crate::values::prepare_shared`): every template executes guarded, so
/// none can change a shared map; `None` when one tried (the caller renders
/// again from copies of the values, where the write happens as in Helm).
pub(crate) fn render_outputs_guarded(
    chart: &Chart,
    values: &Map,
    opts: &RenderOptions,
    documents: bool,
) -> Result<Option<BTreeMap<String, Output>>, RenderError> {
    Ok(
        match render_on_worker(chart, values, opts, documents, true)? {
            Rendered::Done(out) => Some(out),
            Rendered::Refused => None,
        },
    )
}

/// What a render gave.
enum Rendered {
    Done(BTreeMap<String, Output>),
    /// A template executing guarded wrote to a frozen map.
    Refused,
}

fn internal_error() -> RenderError {
    RenderError {
        template: String::new(),
        message: "rendering template failed: internal error".into(),
    }
}

fn render_on_worker(
    chart: &Chart,
    values: &Map,
    opts: &RenderOptions,
    documents: bool,
    guarded: bool,
) -> Result<Rendered, RenderError> {
    // Rendering recurses deeply (Helm lets `include` nest 1000 deep), so it
    // runs on a worker thread with a deep stack (see `crate::worker`).
    let (chart, values, opts) = (chart.clone(), values.clone(), opts.clone());
    crate::worker::run(move || render_here(&chart, &values, &opts, documents, guarded))
        .unwrap_or_else(|failure| {
            Err(match failure {
                crate::worker::Failure::Spawn(e) => RenderError {
                    template: String::new(),
                    message: e,
                },
                crate::worker::Failure::Panicked => internal_error(),
            })
        })
}

/// Renders on this thread (and a worker, side by side, when it pays);
/// with `guarded`, every template executes under
/// [`capstan_gotmpl::guard::guarded`] and a refused write ends the render
/// as [`Rendered::Refused`].
fn render_here(
    chart: &Chart,
    values: &Map,
    opts: &RenderOptions,
    documents: bool,
    guarded: bool,
) -> Result<Rendered, RenderError> {
    let mut scopes: Vec<MapRef> = Vec::new();
    let mut templates: Vec<Renderable> = Vec::new();
    let release = opts.release.to_value();
    let caps = Value::Object(opts.capabilities.clone());
    collect(
        chart,
        true,
        chart.name().to_string(),
        Value::Map(MapRef::named(values.clone(), COMMON_VALUES)),
        &release,
        &caps,
        &mut scopes,
        &mut templates,
    );

    // Helm parses deeper paths first, and within a depth in reverse
    // alphabetical order, so a parent's `define` overrides a subchart's.
    templates.sort_by(|a, b| {
        let (ca, cb) = (a.name.matches('/').count(), b.name.matches('/').count());
        cb.cmp(&ca).then_with(|| b.name.cmp(&a.name))
    });

    let mut set = parsed_set(&templates)?;
    if opts.strict {
        set.set_missing_key(MissingKey::Error);
    }

    let todo: Vec<usize> = (0..templates.len())
        .filter(|&i| {
            let name = &templates[i].name;
            !name.rsplit('/').next().unwrap_or(name).starts_with('_')
        })
        .collect();
    let work = Arc::new(Work {
        set,
        templates,
        scopes,
        todo,
        lookup: opts.lookup.clone(),
        documents,
        guarded,
    });
    if opts.side_by_side != SideBySide::Never
        && work.todo.len() >= PARALLEL_MIN_TEMPLATES
        && (opts.side_by_side == SideBySide::Always
            || work.todo.len() >= PARALLEL_MANY_TEMPLATES
            || work
                .todo
                .iter()
                .map(|&i| work.templates[i].text.len())
                .sum::<usize>()
                >= PARALLEL_MIN_TEXT)
        // Copies of the chart's top-level map stand for it on two threads;
        // only `.Subcharts` could tell (it holds a subchart's own map,
        // whose `.Template` is the last one set there).
        && !work.templates.iter().any(|t| t.mentions_subcharts)
    {
        match render_side_by_side(&work) {
            SideBySideOutcome::Done(out) => {
                SIDE_BY_SIDE.fetch_add(1, Ordering::Relaxed);
                return out.map(Rendered::Done);
            }
            // Every map is frozen now: one after the other, guarded, the
            // write would be refused again.
            SideBySideOutcome::Refused if guarded => return Ok(Rendered::Refused),
            SideBySideOutcome::Refused | SideBySideOutcome::NoHelper => {}
        }
    }
    let set = work.with_state();
    let mut out = BTreeMap::new();
    for &i in &work.todo {
        let t = &work.templates[i];
        // As in Helm, the templates of a chart share its top-level map,
        // `.Template` set in it before each one: what one writes there
        // (`set . "k" v`), the next ones see.
        let scope = &work.scopes[t.scope];
        scope.update(|m| m.insert("Template".into(), t.template_value()));
        let data = Value::Map(scope.clone());
        let text = if guarded {
            let (text, refused) = capstan_gotmpl::guard::guarded(|| execute_one(&set, t, &data));
            if refused {
                return Ok(Rendered::Refused);
            }
            text?
        } else {
            execute_one(&set, t, &data)?
        };
        out.insert(t.name.clone(), Output { text, docs: None });
    }
    Ok(Rendered::Done(out))
}

/// How [`render_side_by_side`] ended.
enum SideBySideOutcome {
    /// The templates executed side by side (or failed as Helm fails).
    Done(Result<BTreeMap<String, Output>, RenderError>),
    /// No worker was free.
    NoHelper,
    /// A template wrote to a map the templates share.
    Refused,
}

impl Work {
    /// A copy of the set with a fresh [`RenderState`]: one per thread, so
    /// `include` counts only the calls nested on that thread, as in Helm.
    fn with_state(&self) -> TemplateSet {
        let mut set = self.set.clone();
        set.set_state(Arc::new(RenderState::new(self.lookup.clone())));
        set
    }
}

/// Renders whose templates executed on two threads, in this process.
static SIDE_BY_SIDE: AtomicUsize = AtomicUsize::new(0);

/// How many renders of this process executed their templates on two
/// threads (tests use it to know that path was taken).
#[doc(hidden)]
pub fn side_by_side_renders() -> usize {
    SIDE_BY_SIDE.load(Ordering::Relaxed)
}

/// Charts with fewer templates to print render on one thread: handing
/// work to a second thread costs more than it saves there.
const PARALLEL_MIN_TEMPLATES: usize = 4;

/// Nor do a few short templates (a proxy for little work): they are done
/// before a sleeping worker is awake (tens of microseconds on a virtual
/// machine). ten-tools' four templates (4 KiB) render 5-10 % faster on one
/// thread, ten-node's ten (26 KiB) a quarter faster on two.
const PARALLEL_MIN_TEXT: usize = 8 << 10;

/// However short, this many templates are worth a second thread.
const PARALLEL_MANY_TEMPLATES: usize = 16;

/// What the templates of one render need, shared by the threads that
/// execute them.
struct Work {
    /// Every template parsed, no state attached.
    set: TemplateSet,
    templates: Vec<Renderable>,
    /// Each chart's top-level map (Helm's `vals` of its templates).
    scopes: Vec<MapRef>,
    /// Indices of the templates to execute (not partials), in Helm's order.
    todo: Vec<usize>,
    lookup: Arc<dyn Lookup>,
    /// Make each template's documents where it executes (see [`Output`]).
    documents: bool,
    /// The render's values share maps with the chart (see
    /// `crate::values::prepare_shared`): its templates execute guarded,
    /// and every map a frozen, unthawed one holds is frozen too.
    guarded: bool,
}

/// One template executed with `data` as dot.
fn execute_one(set: &TemplateSet, t: &Renderable, data: &Value) -> Result<String, RenderError> {
    let text = set
        .execute(&t.name, data)
        .map_err(|e| exec_error(&t.name, &e))?;
    // Outputs are large and seldom hold "<no value>": looked for with
    // memchr's searcher before any copy is made.
    if memchr::memmem::find(text.as_bytes(), b"<no value>").is_some() {
        Ok(text.replace("<no value>", ""))
    } else {
        Ok(text)
    }
}

/// What the top-level map of `scope` holds while `t` executes, as a map of
/// its own (frozen: writing to it is writing to the shared map).
fn scope_copy(scope: &MapRef, t: &Renderable) -> Value {
    let mut data = Map::clone(&scope.snapshot());
    data.insert("Template".into(), t.template_value());
    let copy = MapRef::new(data);
    copy.freeze();
    Value::Map(copy)
}

/// Executes the templates on this thread and, when a worker is free, on
/// that one too, each taking the next template from a shared queue.
///
/// Helm executes them one after the other, and a template sees the maps
/// the templates before it changed (`set .Values ...`). Those are the maps
/// they share, which are frozen first; a write to one is refused (see
/// `capstan_gotmpl::guard`) and `None` returned, and the caller executes
/// the templates again one after the other, where the write happens as in
/// Helm. Otherwise no template can see another's work, so the output is
/// exactly the sequential one; errors are reported as Helm reports them,
/// the first in Helm's order.
fn render_side_by_side(work: &Arc<Work>) -> SideBySideOutcome {
    let mut seen = Seen::default();
    for scope in &work.scopes {
        freeze_maps(&Value::Map(scope.clone()), &mut seen, work.guarded);
    }
    let queue = Arc::new(Queue {
        next: AtomicUsize::new(0),
        refused: AtomicBool::new(false),
        results: Mutex::new((0..work.todo.len()).map(|_| None).collect()),
        finished: Condvar::new(),
    });
    let helped = {
        let (work, queue) = (Arc::clone(work), Arc::clone(&queue));
        crate::worker::offer(move || queue.drain(&work))
    };
    if !helped {
        // No second thread: the plain loop does the same work without the
        // guard and the bookkeeping.
        return SideBySideOutcome::NoHelper;
    }
    queue.drain(work);
    // A poisoned lock or an empty slot (bugs) leave the templates to the
    // plain loop, as when no worker was free.
    let Ok(mut results) = queue.results.lock() else {
        return SideBySideOutcome::NoHelper;
    };
    while results.iter().any(Option::is_none) {
        results = match queue.finished.wait(results) {
            Ok(results) => results,
            Err(_) => return SideBySideOutcome::NoHelper,
        };
    }
    if queue.refused.load(Ordering::Relaxed) {
        return SideBySideOutcome::Refused;
    }
    let mut out = BTreeMap::new();
    for (slot, &i) in results.iter_mut().zip(&work.todo) {
        match slot.take() {
            Some(Ok(output)) => {
                out.insert(work.templates[i].name.clone(), output);
            }
            Some(Err(e)) => return SideBySideOutcome::Done(Err(e)),
            None => return SideBySideOutcome::NoHelper,
        }
    }
    SideBySideOutcome::Done(Ok(out))
}

/// A template's output as [`Output`] wants it: split into documents when
/// asked (NOTES.txt, never sorted, keeps its text).
fn output(work: &Work, t: &Renderable, text: String) -> Output {
    if !work.documents || t.name.ends_with("NOTES.txt") {
        return Output { text, docs: None };
    }
    let docs = documents(Cow::Owned(text), &mut crate::template::parse_head_document);
    Output {
        text: String::new(),
        docs: Some(docs),
    }
}

/// The shared queue of [`render_side_by_side`].
struct Queue {
    /// The next entry of `Work::todo` to take.
    next: AtomicUsize,
    /// A template wrote to a shared map.
    refused: AtomicBool,
    results: Mutex<Vec<Option<Result<Output, RenderError>>>>,
    finished: Condvar,
}

impl Queue {
    /// Executes templates until none is left. Each thread has its own copy
    /// of the set and its own `include` counts.
    fn drain(&self, work: &Work) {
        let set = work.with_state();
        loop {
            let k = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(&i) = work.todo.get(k) else {
                return;
            };
            let result = if self.refused.load(Ordering::Relaxed) {
                // The templates will run again one after the other.
                Err(RenderError {
                    template: String::new(),
                    message: String::new(),
                })
            } else {
                let t = &work.templates[i];
                // A panic (a bug) must still fill the slot: the other
                // thread waits for every slot.
                let run = || execute_one(&set, t, &scope_copy(&work.scopes[t.scope], t));
                match catch_unwind(AssertUnwindSafe(|| capstan_gotmpl::guard::guarded(run))) {
                    Ok((result, refused)) => {
                        if refused {
                            self.refused.store(true, Ordering::Relaxed);
                        }
                        result.map(|text| output(work, t, text))
                    }
                    Err(_) => Err(RenderError {
                        template: t.name.clone(),
                        message: "rendering template failed: internal error".into(),
                    }),
                }
            };
            if let Ok(mut results) = self.results.lock() {
                results[k] = Some(result);
            }
            self.finished.notify_all();
        }
    }
}

/// Addresses of maps already frozen by [`freeze_maps`] (hashed by one
/// multiplication: SipHash, the default, costs more than the rest of
/// freezing a small map).
type Seen = HashSet<usize, crate::memo::AddressHash>;

/// Freezes every map reachable from `v` (lists included), each once.
/// With `whole_when_frozen`, a map found frozen and unthawed is not looked
/// into: its maps are frozen already. That holds for the maps a render
/// shares with its chart and the user's values, each frozen whole before
/// it is shared (`crate::values::prepare_shared`), and for nothing else
/// this render could reach (everything else it built afresh).
fn freeze_maps(v: &Value, seen: &mut Seen, whole_when_frozen: bool) {
    match v {
        Value::Map(m) => {
            if whole_when_frozen && m.frozen_contents().is_some() {
                return;
            }
            if !seen.insert(m.addr()) {
                return;
            }
            m.freeze();
            // Frozen now: read in place, without a snapshot's counter
            // updates.
            m.read(|contents| {
                for v in contents.values() {
                    freeze_maps(v, seen, whole_when_frozen);
                }
            });
        }
        Value::List(items) => {
            for v in items.iter() {
                freeze_maps(v, seen, whole_when_frozen);
            }
        }
        _ => {}
    }
}

/// A template file's text (invalid UTF-8 replaced, as Helm's string
/// conversion does), made once per file buffer: a chart loaded once and
/// rendered many times is not validated and copied again on every render
/// (a megabyte on a large chart).
/// With it, whether the text mentions `Subcharts` (see [`render_here`]).
fn template_text(data: &Arc<[u8]>) -> (Arc<str>, bool) {
    type Texts = ByBuffer<(Arc<str>, bool)>;
    static TEXTS: LazyLock<Mutex<Texts>> = LazyLock::new(|| Mutex::new(ByBuffer::new(64 << 20)));
    if let Ok(texts) = TEXTS.lock()
        && let Some((text, subcharts)) = texts.get(data)
    {
        return (Arc::clone(text), *subcharts);
    }
    // Validating is much cheaper than the lossy conversion, and templates
    // are nearly always valid UTF-8.
    let text: Arc<str> = match std::str::from_utf8(data) {
        Ok(text) => Arc::from(text),
        Err(_) => Arc::from(String::from_utf8_lossy(data).as_ref()),
    };
    let subcharts = memchr::memmem::find(text.as_bytes(), b"Subcharts").is_some();
    if let Ok(mut texts) = TEXTS.lock() {
        texts.insert(data, (Arc::clone(&text), subcharts));
    }
    (text, subcharts)
}

/// Builds the objects of `chart` and its subcharts (Helm's `recAllTpls`):
/// returns this chart's top-level map, which the parent lists under
/// `.Subcharts`.
#[allow(clippy::too_many_arguments)]
fn collect(
    chart: &Chart,
    is_root: bool,
    full_path: String,
    values: Value,
    release: &Value,
    caps: &Value,
    scopes: &mut Vec<MapRef>,
    templates: &mut Vec<Renderable>,
) -> MapRef {
    let mut subcharts = Map::new();
    for dep in &chart.dependencies {
        // Helm's `Values.Table("Values." + name)`: the name is a dotted path,
        // so a subchart `my.sub` reads `.Values.my.sub`. The map itself is
        // handed down (not a copy), so a subchart's `set` is seen by its
        // parent as in Go.
        let dep_values = dep
            .name()
            .split('.')
            .try_fold(values.clone(), |cur, part| match cur.as_map()?.get(part) {
                Some(v @ Value::Map(_)) => Some(v.clone()),
                _ => None,
            })
            .unwrap_or_else(|| Value::map(Map::new()));
        let sub = collect(
            dep,
            false,
            format!("{full_path}/charts/{}", dep.name()),
            dep_values,
            release,
            caps,
            scopes,
            templates,
        );
        // The subchart's own top-level map, as in Helm (not a copy).
        subcharts.insert(dep.name().to_string(), Value::Map(sub));
    }
    let mut next = Map::new();
    next.insert("Capabilities".into(), caps.clone());
    next.insert("Chart".into(), chart.chart_value(is_root));
    next.insert(
        "Files".into(),
        Value::Object(Arc::new(FilesObject::new(chart.files.iter()))),
    );
    next.insert("Release".into(), release.clone());
    next.insert("Subcharts".into(), Value::map(subcharts));
    next.insert("Values".into(), values);
    let next = MapRef::new(next);
    let scope = scopes.len();
    scopes.push(next.clone());
    let base_path: Arc<str> = Arc::from(format!("{full_path}/templates"));
    for t in &chart.templates {
        if chart.is_library() {
            let base = t.name.rsplit('/').next().unwrap_or("");
            if !base.starts_with('_') {
                continue;
            }
        }
        let mut name = String::with_capacity(full_path.len() + 1 + t.name.len());
        name.push_str(&full_path);
        name.push('/');
        name.push_str(&t.name);
        let (text, mentions_subcharts) = template_text(&t.data);
        templates.push(Renderable {
            name: crate::chart::archive::clean_path_owned(name),
            text,
            mentions_subcharts,
            base_path: Arc::clone(&base_path),
            scope,
        });
    }
    next
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    fn renderable(name: &str, text: &Arc<str>) -> Renderable {
        Renderable {
            name: name.to_string(),
            text: Arc::clone(text),
            mentions_subcharts: false,
            base_path: Arc::from(""),
            scope: 0,
        }
    }

    #[test]
    fn a_template_list_parsed_before_gives_its_set_and_any_other_list_is_parsed() {
        let helpers: Arc<str> = Arc::from(r#"{{ define "kept.x" }}x{{ end }}"#);
        let main: Arc<str> = Arc::from(r#"a: {{ include "kept.x" . }}"#);
        let list = [
            renderable("c/templates/_h.tpl", &helpers),
            renderable("c/templates/a.yaml", &main),
        ];
        let first = parsed_set(&list).unwrap();
        let again = parsed_set(&list).unwrap();
        assert_eq!(first.template_names(), again.template_names());
        assert!(again.has_template("kept.x"));
        let out = |set: &TemplateSet| set.execute("c/templates/a.yaml", &Value::Nil).unwrap();
        assert_eq!(out(&again), "a: x");

        // The same bytes in another buffer are parsed (and give the same
        // set); a changed text gives its own.
        let changed: Arc<str> = Arc::from(r#"{{ define "kept.x" }}y{{ end }}"#);
        let other = [
            renderable("c/templates/_h.tpl", &changed),
            renderable("c/templates/a.yaml", &main),
        ];
        assert_eq!(out(&parsed_set(&other).unwrap()), "a: y");
        assert_eq!(out(&parsed_set(&list).unwrap()), "a: x");

        // The same texts under other names are another list.
        let renamed = [
            renderable("c/templates/_h.tpl", &helpers),
            renderable("c/templates/b.yaml", &main),
        ];
        let set = parsed_set(&renamed).unwrap();
        assert!(set.has_template("c/templates/b.yaml"));
        assert!(!set.has_template("c/templates/a.yaml"));

        // Errors are reported every time, never kept.
        let broken: Arc<str> = Arc::from("{{ if }}");
        let bad = [renderable("c/templates/bad.yaml", &broken)];
        for _ in 0..2 {
            let err = parsed_set(&bad).err().unwrap();
            assert!(err.message.contains("bad.yaml"), "{}", err.message);
        }
    }
}
