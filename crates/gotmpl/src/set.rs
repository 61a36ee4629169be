//! A set of named templates sharing functions and options: Go's
//! `*template.Template` with its associated templates.
//!
//! Parsing happens once, into trees shared by reference count; executing a
//! template borrows them, so one set serves many executions, concurrently
//! if wanted (`TemplateSet` is `Send + Sync`), and cloning a set (Helm's
//! `tpl` works on a copy) copies a few pointers.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::Tree;
use crate::builtins::Builtin;
use crate::cache::{ParseCache, Trees, fingerprint};
use crate::error::{Error, ErrorKind};
use crate::escape::go_quote;
use crate::exec::val::Val;
use crate::exec::{Budget, Exec};
use crate::func::Function;
use crate::functable::FuncTable;
use crate::value::Value;

/// What a missing map key evaluates to (Go's `missingkey=` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default` (also `invalid`): "no value".
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the map's element type (a nil
    /// interface for Helm's maps). Helm's default.
    Zero,
    /// `missingkey=error`: execution stops with an error.
    Error,
}

/// Execution limits: each reached limit is a clear error, never a hang or a
/// stack overflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting of `template` calls (and of embedder calls such as
    /// Helm's `include` and `tpl`).
    pub max_depth: usize,
    /// Execution budget: the number of evaluation steps one `execute` call
    /// may take.
    pub fuel: u64,
    /// Maximum size in bytes of one execution's output.
    pub max_output: usize,
    /// Maximum recursion of the evaluator, in units of about 700 bytes of
    /// native stack: a statement list (a template body, an `if` or `range`
    /// body) counts 1, a pipeline 3, a template executed by a registered
    /// function 3 more. It bounds the stack an execution uses whatever the
    /// input: the default needs about 1.5 MiB in an optimised build (run
    /// executions on a thread with at least 2 MiB of stack) and about 8 MiB
    /// in a debug build.
    pub max_nesting: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 1000,
            fuel: 100_000_000,
            max_output: 256 << 20,
            max_nesting: 2000,
        }
    }
}

/// A set of named templates.
#[derive(Debug, Default, Clone)]
pub struct TemplateSet {
    missing_key: MissingKey,
    limits: Limits,
    /// Registered functions; they take precedence over the built-ins, as in
    /// Go.
    funcs: Arc<FuncTable>,
    templates: Arc<HashMap<Arc<str>, Arc<Tree>>>,
    /// Go's name of the set (`template.New(name)`), quoted by "no template
    /// associated with template" errors.
    name: Option<Arc<str>>,
    /// The name last given to [`TemplateSet::parse`], the set's name when
    /// none was set.
    last_parsed: Option<Arc<str>>,
    /// Where parsed texts are looked up before parsing.
    cache: Option<ParseCache>,
    /// Fingerprint of `funcs` for the cache; `None` after a change.
    funcs_fingerprint: Option<u64>,
    /// The embedder's state, handed to functions ([`TemplateSet::set_state`]).
    state: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

impl TemplateSet {
    /// An empty set with Go's built-in functions.
    pub fn new() -> TemplateSet {
        TemplateSet::default()
    }

    /// Sets the set's own name (Go's `template.New(name)`; Helm uses
    /// `gotpl`), which errors about unknown templates quote. Without it,
    /// the name last parsed is used.
    pub fn set_name(&mut self, name: &str) {
        self.name = Some(Arc::from(name));
    }

    /// The set's name as errors quote it.
    pub fn name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.last_parsed.as_deref())
            .unwrap_or_default()
    }

    /// The name given with [`TemplateSet::set_name`], if any.
    pub(crate) fn given_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Sets the `missingkey` option.
    pub fn set_missing_key(&mut self, missing_key: MissingKey) {
        self.missing_key = missing_key;
    }

    /// The `missingkey` option.
    pub fn missing_key(&self) -> MissingKey {
        self.missing_key
    }

    /// The execution limits, to change them.
    pub fn limits_mut(&mut self) -> &mut Limits {
        &mut self.limits
    }

    /// The execution limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Registers a function; must happen before parsing templates that call it.
    pub fn add_function(&mut self, name: &str, function: Function) {
        Arc::make_mut(&mut self.funcs).insert(name, function);
        self.funcs_fingerprint = None;
    }

    /// Looks texts up in `cache` before parsing them, and keeps what is
    /// parsed there; sets sharing a cache parse each text once. Register
    /// the functions first: their fingerprint, part of the cache key, is
    /// taken here once, so copies of this set do not take it again.
    pub fn set_parse_cache(&mut self, cache: ParseCache) {
        self.cache = Some(cache);
        if self.funcs_fingerprint.is_none() {
            self.funcs_fingerprint = Some(fingerprint(self.funcs.names()));
        }
    }

    /// Attaches state that registered functions read through
    /// [`crate::CallContext::state`] (and downcast). A set built once with
    /// every function, then copied and given a fresh state per execution,
    /// costs a few pointer copies instead of registering each function
    /// again.
    pub fn set_state(&mut self, state: Arc<dyn std::any::Any + Send + Sync>) {
        self.state = Some(state);
    }

    /// The state given to [`TemplateSet::set_state`].
    pub fn state(&self) -> Option<&(dyn std::any::Any + Send + Sync)> {
        self.state.as_deref()
    }

    /// Whether `name` is a registered or built-in function.
    pub fn has_function(&self, name: &str) -> bool {
        self.funcs.contains(name) || Builtin::lookup(name).is_some()
    }

    /// The function table, which resolves calls.
    pub(crate) fn functions(&self) -> &FuncTable {
        &self.funcs
    }

    /// Whether a template of that name is defined.
    pub fn has_template(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }

    /// The names of the defined templates, sorted.
    pub fn template_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.templates.keys().map(|k| &**k).collect();
        names.sort_unstable();
        names
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<&Tree> {
        self.templates.get(name).map(|t| &**t)
    }

    /// Parses `text` as the template `name`, adding the templates it defines.
    ///
    /// Go's redefinition rule applies: a later definition of a name replaces
    /// the earlier one unless it is empty (only spaces and comments), so a
    /// file that merely defines helpers does not wipe a template of its name.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), Error> {
        self.parse_main(name, text).map(|_| ())
    }

    /// [`TemplateSet::parse`], returning the tree of `text` itself (its main
    /// template), which the set keeps under `name` unless it is empty and
    /// `name` was defined before. Go's `t.New(name).Parse(text)` followed
    /// by executing that new template (Helm's `tpl`) runs this tree either
    /// way.
    pub(crate) fn parse_main(&mut self, name: &str, text: &str) -> Result<Arc<Tree>, Error> {
        let trees = self.parse_trees(name, text)?;
        self.adopt(name, &trees)
    }

    /// Adds a template unconditionally (a `tpl` overlay moved into a copy).
    pub(crate) fn define(&mut self, tree: Arc<Tree>) {
        Arc::make_mut(&mut self.templates).insert(tree.name.clone(), tree);
    }

    /// Adds the trees parsed from the text `name` under Go's redefinition
    /// rule and returns its main tree.
    pub(crate) fn adopt(&mut self, name: &str, trees: &Trees) -> Result<Arc<Tree>, Error> {
        let templates = Arc::make_mut(&mut self.templates);
        let mut main = None;
        for tree in trees.iter() {
            let tree = Arc::clone(tree);
            if &*tree.name == name {
                main = Some(Arc::clone(&tree));
            }
            if tree.is_empty() && templates.contains_key(&tree.name) {
                continue;
            }
            templates.insert(tree.name.clone(), tree);
        }
        self.last_parsed = Some(Arc::from(name));
        main.ok_or_else(|| {
            Error::new(
                ErrorKind::Parse,
                format!("template: {name}: no main template parsed"),
            )
        })
    }

    /// The trees of `text`, from the cache when it has them.
    fn parse_trees(&mut self, name: &str, text: &str) -> Result<Trees, Error> {
        if self.cache.is_some() && self.funcs_fingerprint.is_none() {
            self.funcs_fingerprint = Some(fingerprint(self.funcs.names()));
        }
        self.parse_detached(name, text)
    }

    /// The trees of `text` without adding them to the set (Helm's `tpl`
    /// executes them over the set's own; see `Exec::execute_text`).
    pub(crate) fn parse_detached(&self, name: &str, text: &str) -> Result<Trees, Error> {
        let Some(cache) = &self.cache else {
            let parsed = crate::parse::parse(name, text, &|f| self.funcs.resolve(f))?;
            return Ok(parsed.trees.into_iter().map(Arc::new).collect());
        };
        let funcs = match self.funcs_fingerprint {
            Some(f) => f,
            None => fingerprint(self.funcs.names()),
        };
        if let Some(trees) = cache.get(funcs, name, text) {
            return Ok(trees);
        }
        let parsed = crate::parse::parse(name, text, &|f| self.funcs.resolve(f))?;
        let trees: Trees = parsed.trees.into_iter().map(Arc::new).collect();
        cache.put(funcs, name, text, Trees::clone(&trees));
        Ok(trees)
    }

    /// Executes the template `name` with `data` as dot.
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, Error> {
        let Some(tree) = self.lookup(name) else {
            return Err(Error::new(
                ErrorKind::NoSuchTemplate,
                format!(
                    "template: no template {} associated with template {}",
                    go_quote(name),
                    go_quote(self.name())
                ),
            ));
        };
        let budget = Budget {
            held: 0,
            depth: 0,
            nesting: 0,
            fuel: self.limits.fuel,
        };
        Exec::run(
            self,
            &[],
            self.name(),
            tree,
            Val::from_data(data.clone()),
            budget,
        )
        .0
    }
}
