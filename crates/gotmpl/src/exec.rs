//! The evaluator: walks a parsed template with Go's semantics and writes
//! its output into one `String`.
//!
//! This module owns the statement level: text, actions, `if`/`with`/`range`
//! with `else` chains and `break`/`continue`, `template` calls, variable
//! scopes and the execution limits. Expressions (pipelines, commands,
//! fields, function calls) live in [`eval`]; errors and the
//! [`CallContext`](crate::CallContext) given to functions in [`context`].
//!
//! The walker is recursive. Every recursive entry (a list of nodes, a
//! pipeline, a template call) counts towards [`Limits::max_nesting`], so the
//! native stack it uses is bounded by the limits whatever the input.

mod context;
mod eval;
pub(crate) mod val;

use std::sync::Arc;

use crate::ast::{Branch, BranchKind, List, Node, Tree};
use crate::error::{Error, ErrorKind};
use crate::format;
use crate::set::{Limits, TemplateSet};
use crate::value::Value;

pub(crate) use context::At;
use val::Val;

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
    pub(crate) depth: usize,
    pub(crate) nesting: usize,
    pub(crate) fuel: u64,
}

impl<'s> Exec<'s> {
    fn new(set: &'s TemplateSet, tree: &'s Tree, budget: Budget) -> Exec<'s> {
        Exec {
            set,
            tree,
            at: At::None,
            vars: Vec::new(),
            var_base: 0,
            out: String::new(),
            depth: budget.depth,
            nesting: budget.nesting,
            fuel: budget.fuel,
            limit_error: None,
        }
    }

    fn limits(&self) -> &'s Limits {
        self.set.limits()
    }

    /// Runs `tree` with `data` as dot and `$`. Returns the output and the
    /// fuel left.
    pub(crate) fn run(
        set: &'s TemplateSet,
        tree: &'s Tree,
        data: Val,
        budget: Budget,
    ) -> (Result<String, Error>, u64) {
        let mut ex = Exec::new(set, tree, budget);
        ex.vars.push(("$", data.clone()));
        let result = ex
            .walk_list(&tree.root, &data)
            .map(|_| std::mem::take(&mut ex.out));
        (result, ex.fuel)
    }

    /// Counts one evaluation step.
    fn tick(&mut self) -> Result<(), Error> {
        if self.fuel == 0 {
            let fuel = self.limits().fuel;
            return Err(self.error_kind(
                ErrorKind::Limit,
                format!("execution budget exhausted ({fuel} steps)"),
            ));
        }
        self.fuel -= 1;
        Ok(())
    }

    /// Enters one level of recursion.
    fn enter(&mut self) -> Result<(), Error> {
        let max = self.limits().max_nesting;
        if self.nesting >= max {
            return Err(self.error_kind(
                ErrorKind::Limit,
                format!("exceeded maximum nesting of the evaluator ({max})"),
            ));
        }
        self.nesting += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting -= 1;
    }

    fn write(&mut self, text: &str) -> Result<(), Error> {
        self.out.push_str(text);
        let max = self.limits().max_output;
        if self.out.len() > max {
            return Err(self.error_kind(
                ErrorKind::Limit,
                format!("output exceeds the maximum size ({max} bytes)"),
            ));
        }
        Ok(())
    }

    /// Go's `printValue`: `<no value>` for no value, `fmt.Print` otherwise.
    fn print(&mut self, value: &Val) -> Result<(), Error> {
        match value {
            Val::Missing => self.write("<no value>"),
            Val::Con(Value::String(s)) | Val::Iface(Value::String(s)) => self.write(s),
            Val::Con(v) | Val::Iface(v) => {
                let text = format::format_value(v);
                self.write(&text)
            }
        }
    }

    fn walk_list(&mut self, list: &'s List, dot: &Val) -> Result<Flow, Error> {
        self.enter()?;
        for node in &list.nodes {
            let flow = self.walk_node(node, dot)?;
            if flow != Flow::Next {
                self.leave();
                return Ok(flow);
            }
        }
        self.leave();
        Ok(Flow::Next)
    }

    fn walk_node(&mut self, node: &'s Node, dot: &Val) -> Result<Flow, Error> {
        self.tick()?;
        match node {
            Node::Text { text, .. } => self.write(text)?,
            Node::Comment { .. } => {}
            Node::Action { pipe, .. } => {
                self.at = At::Node(node);
                let value = self.eval_pipe(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at = At::Node(node);
                    self.print(&value)?;
                }
            }
            Node::Branch(branch) => {
                self.at = At::Node(node);
                return match branch.kind {
                    BranchKind::If | BranchKind::With => self.walk_if_with(branch, dot),
                    BranchKind::Range => self.walk_range(node, branch, dot),
                };
            }
            Node::Template { name, pipe, .. } => {
                self.at = At::Node(node);
                let tree = match self.set.lookup(name) {
                    Some(tree) => tree,
                    None => {
                        let msg = format!("template {} not defined", crate::escape::go_quote(name));
                        return Err(self.error(msg));
                    }
                };
                let max = self.limits().max_depth;
                if self.depth >= max {
                    let msg = format!("exceeded maximum template depth ({max})");
                    return Err(self.error_kind(ErrorKind::Limit, msg));
                }
                let dot = match pipe {
                    Some(pipe) => self.eval_pipe(dot, pipe)?,
                    None => Val::Missing,
                };
                self.call_template(tree, dot)?;
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
        }
        Ok(Flow::Next)
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
        let mark = self.vars.len();
        let mut ran = false;
        match &value {
            Val::Missing => {}
            Val::Con(v) | Val::Iface(v) => match v {
                Value::List(items) => {
                    let items = Arc::clone(items);
                    for (i, item) in items.iter().enumerate() {
                        ran = true;
                        let elem = Val::Iface(item.clone());
                        if self.iteration(branch, mark, Val::Con(Value::Int(i as i64)), elem)? {
                            break;
                        }
                    }
                }
                Value::Map(map) => {
                    let map = Arc::clone(map);
                    for (key, item) in map.iter() {
                        ran = true;
                        let key = Val::Con(Value::str(key.as_str()));
                        if self.iteration(branch, mark, key, Val::Iface(item.clone()))? {
                            break;
                        }
                    }
                }
                Value::Bytes(bytes) => {
                    let bytes = Arc::clone(bytes);
                    for (i, b) in bytes.iter().enumerate() {
                        ran = true;
                        let index = Val::Con(Value::Int(i as i64));
                        let elem = Val::Con(Value::Int(i64::from(*b)));
                        if self.iteration(branch, mark, index, elem)? {
                            break;
                        }
                    }
                }
                // Go 1.22+: range over an integer yields 0..n of its type.
                Value::Int(n) | Value::Int64(n) => {
                    if branch.pipe.decl.len() > 1 {
                        let msg = format!("can't use {n} to iterate over more than one variable");
                        return Err(self.error(msg));
                    }
                    let is_int64 = matches!(v, Value::Int64(_));
                    for i in 0..*n {
                        ran = true;
                        let elem = Val::Con(if is_int64 {
                            Value::Int64(i)
                        } else {
                            Value::Int(i)
                        });
                        if self.iteration(branch, mark, Val::Missing, elem)? {
                            break;
                        }
                    }
                }
                Value::Nil => {}
                other => {
                    let msg = format!("range can't iterate over {}", format::format_value(other));
                    return Err(self.error(msg));
                }
            },
        }
        if !ran && let Some(else_list) = &branch.else_list {
            self.walk_list(else_list, dot)?;
        }
        self.vars.truncate(outer);
        Ok(Flow::Next)
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
        let flow = self.walk_list(&branch.list, &elem)?;
        self.vars.truncate(mark);
        Ok(flow == Flow::Break)
    }

    fn push_var(&mut self, name: &'s str, value: Val) {
        self.vars.push((name, value));
    }

    fn var_value(&self, name: &str) -> Result<Val, Error> {
        match self.vars[self.var_base..]
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
        {
            Some((_, v)) => Ok(v.clone()),
            None => Err(self.error(format!("undefined variable: {name}"))),
        }
    }

    fn set_var(&mut self, name: &str, value: Val) -> Result<(), Error> {
        let base = self.var_base;
        match self.vars[base..].iter_mut().rev().find(|(n, _)| *n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => Err(self.error(format!("undefined variable: {name}"))),
        }
    }
}
