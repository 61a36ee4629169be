//! The evaluator: walks a parsed template with Go's semantics and writes
//! its output into one `String`.
//!
//! This module owns the statement level: text, actions, `if`/`with`/`range`
//! with `else` chains and `break`/`continue`, `template` calls, variable
//! scopes and the execution limits. Expressions (pipelines, commands,
//! fields, function calls) live in [`eval`], argument conversion in
//! [`args`], the evaluator's view of values in [`val`], errors and the
//! [`CallContext`](crate::CallContext) given to functions in [`context`].
//!
//! The walker is recursive. Every recursive entry (a list of nodes, a
//! pipeline, a template call) counts towards [`Limits::max_nesting`], so the
//! native stack it uses is bounded by the limits whatever the input.

mod args;
mod context;
mod eval;
mod memo;
pub(crate) mod val;

use std::sync::Arc;

use crate::ast::{Branch, BranchKind, List, Node, Pipe, Tree};
use crate::error::Error;
use crate::escape::go_quote;
use crate::format;
use crate::set::{Limits, TemplateSet};
use crate::value::{Map, Value};

pub(crate) use context::At;
use val::Val;

/// How much native stack each recursive step costs, in units of
/// [`Limits::max_nesting`]. One unit is about 700 bytes of stack in an
/// optimised build (measured: a statement list 600-750 bytes, a
/// parenthesized pipeline 1.8 KiB, an embedder's template call 1.7 KiB
/// more); debug builds use about four times as much.
mod weight {
    /// A list of statements (a template body, an `if`/`range` body).
    pub(super) const LIST: usize = 1;
    /// A pipeline, reached again through every parenthesized argument.
    pub(super) const PIPE: usize = 3;
    /// A template executed by a registered function (`include`, `tpl`).
    pub(super) const CALL: usize = 3;
}

/// How a list of statements ended: normally, or by `{{break}}` /
/// `{{continue}}` travelling up to the enclosing `range`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Next,
    Break,
    Continue,
}

/// The state of one execution (Go's `state`).
pub(crate) struct Exec<'s> {
    set: &'s TemplateSet,
    /// Templates defined by the texts of `tpl` calls in progress, over
    /// those of `set`: a later one hides an earlier one of its name.
    overlay: &'s [Arc<Tree>],
    /// The set's name as "no template associated with template" errors
    /// quote it.
    root_name: &'s str,
    /// The template being executed: its name is the `executing "NAME"` of
    /// errors and its source locates nodes.
    tree: &'s Tree,
    /// The node being evaluated, for errors (Go's `state.node`).
    at: At<'s>,
    /// The variable stack; a template call starts a new frame at `var_base`
    /// (templates inherit no variables).
    vars: Vec<(&'s str, Val)>,
    var_base: usize,
    out: String,
    /// Bytes of output held in suspended buffers (the callers of an
    /// `include` in progress): the output cap bounds them all together.
    held: usize,
    /// Template calls in progress (including embedder calls).
    depth: usize,
    /// Recursive entries in progress.
    nesting: usize,
    /// Evaluation steps left.
    fuel: u64,
    /// A limit error raised by a nested execution that a registered
    /// function turned into its own error: it must not be reported as an
    /// ordinary function error.
    limit_error: Option<Error>,
    /// Emptied argument vectors of finished calls, reused by the next
    /// calls to registered functions.
    arg_pool: Vec<Vec<Value>>,
    /// The same for the operands of built-ins.
    val_pool: Vec<Vec<Val>>,
    /// Emptied output buffers of finished embedder template calls
    /// (`include`), reused by the next ones (and by the next executions
    /// on this thread, see [`spare`]).
    out_pool: Vec<String>,
    /// Templates this execution has looked up by name.
    memo: memo::Memo<'s>,
}

/// Output buffers kept by the thread between executions: a chart's
/// templates execute one after the other on a thread, each including the
/// same helpers, and a buffer grown once (doubling from empty, a
/// reallocation and copy each time) serves the next execution at its size.
/// The emptied argument vectors of [`Exec::recycle`] are kept the same way.
mod spare {
    use std::cell::RefCell;

    use super::val::Val;
    use crate::value::Value;

    /// Buffers kept per thread, and the capacity of each at most: what a
    /// worker holds between renders stays small.
    const MAX_BUFFERS: usize = 8;
    const MAX_CAPACITY: usize = 256 << 10;

    /// Argument vectors kept per thread (each of at most 64 items, see
    /// `Exec::recycle`).
    const MAX_ARGS: usize = 16;

    /// Emptied argument vectors: of registered functions, of built-ins.
    type Args = (Vec<Vec<Value>>, Vec<Vec<Val>>);

    thread_local! {
        static BUFFERS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
        static ARGS: RefCell<Args> = const { RefCell::new((Vec::new(), Vec::new())) };
    }

    /// The argument vectors the thread kept, empty.
    pub(super) fn take_args() -> Args {
        ARGS.with(|a| a.take())
    }

    /// Gives emptied argument vectors back to the thread.
    pub(super) fn give_args(mut values: Vec<Vec<Value>>, mut vals: Vec<Vec<Val>>) {
        values.truncate(MAX_ARGS);
        vals.truncate(MAX_ARGS);
        ARGS.with(|a| {
            let mut kept = a.borrow_mut();
            if kept.0.len() < values.len() {
                kept.0 = values;
            }
            if kept.1.len() < vals.len() {
                kept.1 = vals;
            }
        });
    }

    /// The buffers the thread kept (an execution nested in another, Helm's
    /// `tpl`, finds those its caller has not taken).
    pub(super) fn take() -> Vec<String> {
        BUFFERS.with(|b| b.take())
    }

    /// Gives emptied buffers back to the thread, keeping the largest few.
    pub(super) fn give(mut pool: Vec<String>) {
        pool.retain(|b| b.capacity() <= MAX_CAPACITY);
        BUFFERS.with(|b| {
            let mut kept = b.borrow_mut();
            kept.append(&mut pool);
            if kept.len() > MAX_BUFFERS {
                kept.sort_unstable_by_key(|b| std::cmp::Reverse(b.capacity()));
                kept.truncate(MAX_BUFFERS);
            }
        });
    }
}

impl std::fmt::Debug for Exec<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exec")
            .field("template", &self.tree.name)
            .field("depth", &self.depth)
            .finish_non_exhaustive()
    }
}

/// Counters carried from an execution into a nested one (`tpl`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    pub(crate) held: usize,
    pub(crate) depth: usize,
    pub(crate) nesting: usize,
    pub(crate) fuel: u64,
}

impl<'s> Exec<'s> {
    fn new(
        set: &'s TemplateSet,
        overlay: &'s [Arc<Tree>],
        root_name: &'s str,
        tree: &'s Tree,
        budget: Budget,
    ) -> Exec<'s> {
        Exec {
            set,
            overlay,
            root_name,
            tree,
            at: At::None,
            vars: Vec::new(),
            var_base: 0,
            out: String::new(),
            held: budget.held,
            depth: budget.depth,
            nesting: budget.nesting,
            fuel: budget.fuel,
            limit_error: None,
            arg_pool: Vec::new(),
            val_pool: Vec::new(),
            out_pool: Vec::new(),
            memo: memo::Memo::new(),
        }
    }

    fn limits(&self) -> &'s Limits {
        self.set.limits()
    }

    /// The template called `name`: the overlay's latest, else the set's.
    fn lookup(&mut self, name: &str) -> Option<&'s Tree> {
        if let Some(tree) = self.memo.template(name) {
            return Some(tree);
        }
        let found = match self.overlay.iter().rev().find(|t| &*t.name == name) {
            Some(tree) => Some(&**tree),
            None => self.set.lookup(name),
        };
        if let Some(tree) = found {
            self.memo.keep(tree);
        }
        found
    }

    /// Runs `tree` with `data` as dot and `$`. Returns the output and the
    /// fuel left.
    pub(crate) fn run(
        set: &'s TemplateSet,
        overlay: &'s [Arc<Tree>],
        root_name: &'s str,
        tree: &'s Tree,
        data: Val,
        budget: Budget,
    ) -> (Result<String, Error>, u64) {
        let mut ex = Exec::new(set, overlay, root_name, tree, budget);
        // The output is handed to the caller, so it cannot come from the
        // pool: sized from the last output of the template (a chart is
        // rendered again and again by a fleet or a controller) or, the first
        // time, from the text (helpers included make it longer), it is grown
        // a few times less on the way.
        let last = tree.output_hint.get();
        ex.out = String::with_capacity(if last > 0 {
            last + last / 8
        } else {
            tree.source.text.len().clamp(128, 32 << 10) * 2
        });
        ex.out_pool = spare::take();
        (ex.arg_pool, ex.val_pool) = spare::take_args();
        ex.vars.push(("$", data.clone()));
        let result = ex.walk_list(&tree.root, &data).map(|_| {
            tree.output_hint.set(ex.out.len());
            std::mem::take(&mut ex.out)
        });
        spare::give(std::mem::take(&mut ex.out_pool));
        // A failed call leaves its vectors out of the pools: those in them
        // are all empty.
        spare::give_args(
            std::mem::take(&mut ex.arg_pool),
            std::mem::take(&mut ex.val_pool),
        );
        (result, ex.fuel)
    }

    /// Counts one evaluation step.
    fn tick(&mut self) -> Result<(), Error> {
        if self.fuel == 0 {
            let fuel = self.limits().fuel;
            return Err(self.fail_limit(|| format!("execution budget exhausted ({fuel} steps)")));
        }
        self.fuel -= 1;
        Ok(())
    }

    /// Enters a recursive step weighing `units` (see [`weight`]).
    fn enter(&mut self, units: usize) -> Result<(), Error> {
        let max = self.limits().max_nesting;
        if self.nesting + units > max {
            return Err(
                self.fail_limit(|| format!("exceeded maximum nesting of the evaluator ({max})"))
            );
        }
        self.nesting += units;
        Ok(())
    }

    fn leave(&mut self, units: usize) {
        self.nesting -= units;
    }

    fn write(&mut self, text: &str) -> Result<(), Error> {
        self.out.push_str(text);
        self.check_output()
    }

    fn check_output(&mut self) -> Result<(), Error> {
        let max = self.limits().max_output;
        if self.held + self.out.len() > max {
            return Err(
                self.fail_limit(|| format!("output exceeds the maximum size ({max} bytes)"))
            );
        }
        Ok(())
    }

    /// Go's `printValue`: `<no value>` for no value, `fmt.Print` otherwise.
    fn print(&mut self, value: &Val) -> Result<(), Error> {
        match value {
            Val::Missing => self.write("<no value>"),
            Val::Con(Value::Object(o)) | Val::Iface(Value::Object(o))
                if let Some(text) = o.template_text() =>
            {
                self.write(&text)
            }
            Val::Con(v) | Val::Iface(v) => {
                // A map reached twice through one value (a DAG built with
                // Sprig's dict) prints once per path: bound the walk before
                // writing, so a value whose text cannot fit fails fast.
                let room = self
                    .limits()
                    .max_output
                    .saturating_sub(self.held + self.out.len());
                if printed_size_exceeds(v, room) {
                    let max = self.limits().max_output;
                    return Err(self
                        .fail_limit(|| format!("output exceeds the maximum size ({max} bytes)")));
                }
                format::write_value(&mut self.out, v);
                self.check_output()
            }
        }
    }

    /// Charges fuel for the size of a value a function produced: building
    /// it took work proportional to its size, which one step does not
    /// account for (`{{range ...}}{{$s = print $huge}}{{end}}`).
    fn charge(&mut self, value: &Val) -> Result<(), Error> {
        // A string, byte slice or list longer than the output cap can never
        // be printed whole; refusing it bounds memory when a template keeps
        // doubling a value (`{{ $s = print $s $s }}` in a loop).
        let len = match value.concrete() {
            Some(Value::String(s)) => s.len(),
            Some(Value::Bytes(b)) => b.len(),
            Some(Value::List(l)) => l.len(),
            _ => 0,
        };
        let max = self.limits().max_output;
        if len > max {
            return Err(self.fail_limit(|| {
                format!(
                    "a value of {len} bytes or items exceeds the maximum output size ({max} bytes)"
                )
            }));
        }
        let size = match value.concrete() {
            Some(Value::String(s)) => s.len() / 64,
            Some(Value::Bytes(b)) => b.len() / 64,
            Some(Value::List(l)) => l.len() / 8,
            Some(Value::Map(m)) => m.len() / 8,
            _ => 0,
        };
        match self.fuel.checked_sub(size as u64) {
            Some(left) => {
                self.fuel = left;
                Ok(())
            }
            None => {
                self.fuel = 0;
                self.tick()
            }
        }
    }

    fn walk_list(&mut self, list: &'s List, dot: &Val) -> Result<Flow, Error> {
        self.enter(weight::LIST)?;
        for node in &list.nodes {
            let flow = self.walk_node(node, dot)?;
            if flow != Flow::Next {
                self.leave(weight::LIST);
                return Ok(flow);
            }
        }
        self.leave(weight::LIST);
        Ok(Flow::Next)
    }

    // The recursive functions below are kept small, with every arm that
    // needs locals in a function of its own: the frames stacked by deep
    // templates stay small (see [`weight`]).
    fn walk_node(&mut self, node: &'s Node, dot: &Val) -> Result<Flow, Error> {
        self.tick()?;
        match node {
            Node::Text { text, .. } => self.write(text)?,
            Node::Comment { .. } => {}
            Node::Action { pipe, .. } => self.walk_action(node, pipe, dot)?,
            Node::Branch(branch) => {
                self.at = At::Node(node);
                return match branch.kind {
                    BranchKind::If | BranchKind::With => self.walk_if_with(branch, dot),
                    BranchKind::Range => self.walk_range(node, branch, dot),
                };
            }
            Node::Template { name, pipe, .. } => self.walk_template(node, name, pipe, dot)?,
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
        }
        Ok(Flow::Next)
    }

    fn walk_action(&mut self, node: &'s Node, pipe: &'s Pipe, dot: &Val) -> Result<(), Error> {
        self.at = At::Node(node);
        let value = self.eval_pipe(dot, pipe)?;
        if pipe.decl.is_empty() {
            self.at = At::Node(node);
            self.print(&value)?;
        }
        Ok(())
    }

    fn walk_template(
        &mut self,
        node: &'s Node,
        name: &'s str,
        pipe: &'s Option<Pipe>,
        dot: &Val,
    ) -> Result<(), Error> {
        self.at = At::Node(node);
        let Some(tree) = self.lookup(name) else {
            return Err(self.fail(|| format!("template {} not defined", go_quote(name))));
        };
        let max = self.limits().max_depth;
        if self.depth >= max {
            return Err(self.fail_limit(|| format!("exceeded maximum template depth ({max})")));
        }
        let dot = match pipe {
            Some(pipe) => self.eval_pipe(dot, pipe)?,
            None => Val::Missing,
        };
        self.call_template(tree, dot)
    }

    /// Runs `tree` with `dot` in a fresh variable frame, writing into the
    /// current output.
    fn call_template(&mut self, tree: &'s Tree, dot: Val) -> Result<(), Error> {
        let saved_tree = std::mem::replace(&mut self.tree, tree);
        let saved_base = self.var_base;
        let saved_len = self.vars.len();
        self.var_base = saved_len;
        self.vars.push(("$", dot.clone()));
        self.depth += 1;
        let result = self.walk_list(&tree.root, &dot);
        self.depth -= 1;
        self.vars.truncate(saved_len);
        self.var_base = saved_base;
        self.tree = saved_tree;
        // `break` cannot leave a template (the parser rejects it outside a
        // range of the same template).
        result.map(|_| ())
    }

    fn walk_if_with(&mut self, branch: &'s Branch, dot: &Val) -> Result<Flow, Error> {
        let mark = self.vars.len();
        let value = self.eval_pipe(dot, &branch.pipe)?;
        let flow = if value.truth() {
            if branch.kind == BranchKind::With {
                self.walk_list(&branch.list, &value)?
            } else {
                self.walk_list(&branch.list, dot)?
            }
        } else if let Some(else_list) = &branch.else_list {
            self.walk_list(else_list, dot)?
        } else {
            Flow::Next
        };
        self.vars.truncate(mark);
        Ok(flow)
    }

    fn walk_range(&mut self, node: &'s Node, branch: &'s Branch, dot: &Val) -> Result<Flow, Error> {
        self.at = At::Node(node);
        let outer = self.vars.len();
        let value = self.eval_pipe(dot, &branch.pipe)?;
        let ran = match value.concrete().map(val::collection).as_deref() {
            None => false,
            Some(Value::List(items)) => self.range_list(branch, Arc::clone(items))?,
            Some(Value::Map(map)) => self.range_map(branch, map.snapshot())?,
            Some(Value::Bytes(bytes)) => self.range_bytes(branch, Arc::clone(bytes))?,
            // Go 1.22+: range over an integer yields 0..n of its type.
            Some(Value::Int(n)) => self.range_int(branch, *n, Value::Int)?,
            Some(Value::Int64(n)) => self.range_int(branch, *n, Value::Int64)?,
            Some(other) => {
                return Err(self
                    .fail(|| format!("range can't iterate over {}", format::format_value(other))));
            }
        };
        if !ran && let Some(else_list) = &branch.else_list {
            self.walk_list(else_list, dot)?;
        }
        self.vars.truncate(outer);
        Ok(Flow::Next)
    }

    /// Each `range_*` runs the iterations and says whether there was any.
    fn range_list(&mut self, branch: &'s Branch, items: Arc<Vec<Value>>) -> Result<bool, Error> {
        let mark = self.vars.len();
        for (i, item) in items.iter().enumerate() {
            let index = Val::Con(Value::Int(i as i64));
            if self.iteration(branch, mark, index, Val::Iface(item.clone()))? {
                break;
            }
        }
        Ok(!items.is_empty())
    }

    fn range_map(&mut self, branch: &'s Branch, map: Arc<Map>) -> Result<bool, Error> {
        let mark = self.vars.len();
        // The key is a new string value: made only when a variable gets it.
        let wants_key = branch.pipe.decl.len() > 1;
        // Map keys are visited sorted, as Go's fmtsort orders strings.
        for (key, item) in map.iter() {
            let key = if wants_key {
                Val::Con(Value::str(key.as_str()))
            } else {
                Val::Missing
            };
            if self.iteration(branch, mark, key, Val::Iface(item.clone()))? {
                break;
            }
        }
        Ok(!map.is_empty())
    }

    fn range_bytes(&mut self, branch: &'s Branch, bytes: Arc<[u8]>) -> Result<bool, Error> {
        let mark = self.vars.len();
        for (i, b) in bytes.iter().enumerate() {
            let index = Val::Con(Value::Int(i as i64));
            if self.iteration(branch, mark, index, Val::Con(Value::Int(i64::from(*b))))? {
                break;
            }
        }
        Ok(!bytes.is_empty())
    }

    fn range_int(
        &mut self,
        branch: &'s Branch,
        n: i64,
        kind: fn(i64) -> Value,
    ) -> Result<bool, Error> {
        if branch.pipe.decl.len() > 1 {
            return Err(
                self.fail(|| format!("can't use {n} to iterate over more than one variable"))
            );
        }
        let mark = self.vars.len();
        for i in 0..n {
            if self.iteration(branch, mark, Val::Missing, Val::Con(kind(i)))? {
                break;
            }
        }
        Ok(n > 0)
    }

    /// One iteration of a range body; returns whether the loop must stop
    /// (`{{break}}`).
    fn iteration(
        &mut self,
        branch: &'s Branch,
        mark: usize,
        index: Val,
        elem: Val,
    ) -> Result<bool, Error> {
        self.tick()?;
        self.bind_range_vars(branch, mark, index, &elem)?;
        let flow = self.walk_list(&branch.list, &elem)?;
        self.vars.truncate(mark);
        Ok(flow == Flow::Break)
    }

    fn bind_range_vars(
        &mut self,
        branch: &'s Branch,
        mark: usize,
        index: Val,
        elem: &Val,
    ) -> Result<(), Error> {
        let decl = &branch.pipe.decl;
        if branch.pipe.is_assign {
            // `range $i, $e = ...` assigns to variables of an outer scope.
            match decl.as_slice() {
                [one] => self.set_var(&one.name, elem.clone())?,
                [first, second, ..] => {
                    self.set_var(&first.name, index)?;
                    self.set_var(&second.name, elem.clone())?;
                }
                [] => {}
            }
        } else {
            if !decl.is_empty() {
                self.vars[mark - 1].1 = elem.clone();
            }
            if decl.len() > 1 {
                self.vars[mark - 2].1 = index;
            }
        }
        Ok(())
    }

    fn push_var(&mut self, name: &'s str, value: Val) {
        self.vars.push((name, value));
    }

    fn var_value(&self, name: &str) -> Result<Val, Error> {
        match self.vars[self.var_base..]
            .iter()
            .rev()
            .find(|(n, _)| same_var(n, name))
        {
            Some((_, v)) => Ok(v.clone()),
            None => Err(self.fail(|| format!("undefined variable: {name}"))),
        }
    }

    fn set_var(&mut self, name: &str, value: Val) -> Result<(), Error> {
        let base = self.var_base;
        match self.vars[base..]
            .iter_mut()
            .rev()
            .find(|(n, _)| same_var(n, name))
        {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => Err(self.fail(|| format!("undefined variable: {name}"))),
        }
    }
}

/// Whether two variable names are the same. Every name starts with `$`:
/// lengths and last bytes, compared inline, tell most names apart without
/// a `memcmp` call.
fn same_var(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

/// Whether `v` printed with `%v` would take more than `room` bytes, found by
/// walking it with a budget of `room` steps (every element prints at least
/// one byte), so the walk itself is bounded even for a value that shares
/// maps exponentially often.
#[inline]
fn printed_size_exceeds(v: &Value, room: usize) -> bool {
    // Most printed values are strings: measured here, without setting up
    // the walk (the same sizes as the walk's).
    match v {
        Value::String(s) => s.len() > room,
        Value::List(_) | Value::Map(_) => container_size_exceeds(v, room),
        Value::Bytes(b) => b.len().saturating_mul(2) > room,
        _ => 1 > room,
    }
}

/// [`printed_size_exceeds`] for a list or a map.
#[inline(never)]
fn container_size_exceeds(v: &Value, room: usize) -> bool {
    // Each map or list is measured once and remembered by address, so a
    // value sharing maps exponentially often costs one pass over its
    // distinct parts instead of one per path (fuzzer: `{{ $d }}` of `dict
    // "a" $d "b" $d` forty times).
    type Seen = std::collections::HashMap<usize, usize, crate::namehash::NameHash>;
    fn size(v: &Value, seen: &mut Seen, depth: usize) -> usize {
        let addr = match v {
            Value::String(s) => return s.len(),
            Value::Bytes(b) => return b.len().saturating_mul(2),
            Value::List(items) if depth <= 10_000 => std::sync::Arc::as_ptr(items) as usize,
            Value::Map(m) if depth <= 10_000 => m.addr(),
            _ => return 1,
        };
        if let Some(&known) = seen.get(&addr) {
            return known;
        }
        // A container met inside itself counts once; the printer bounds
        // cycles on its own.
        seen.insert(addr, 1);
        let mut total: usize = 1;
        match v {
            Value::List(items) => {
                for item in items.iter() {
                    total = total.saturating_add(size(item, seen, depth + 1));
                }
            }
            Value::Map(m) => {
                for (k, item) in m.snapshot().iter() {
                    total =
                        total
                            .saturating_add(k.len())
                            .saturating_add(size(item, seen, depth + 1));
                }
            }
            _ => {}
        }
        seen.insert(addr, total);
        total
    }
    size(v, &mut Seen::default(), 0) > room
}
