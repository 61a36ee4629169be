//! Errors in Go's wording, located at the node being evaluated, and the
//! [`CallContext`] registered functions receive (Helm's `include` and `tpl`).

use std::fmt;
use std::sync::Arc;

use super::val::Val;
use super::{Budget, Exec};
use crate::ast::{Arg, Command, Node, Pipe, Pos, Tree};
use crate::error::{Error, ErrorKind};
use crate::escape::go_quote;
use crate::func::CallContext;
use crate::value::Value;

/// The node an error is reported at (Go's `state.node`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum At<'s> {
    None,
    Node(&'s Node),
    Pipe(&'s Pipe),
    Command(&'s Command),
    Arg(&'s Arg),
}

impl At<'_> {
    fn pos(&self) -> Option<Pos> {
        Some(match self {
            At::None => return None,
            At::Node(node) => match node {
                Node::Text { pos, .. }
                | Node::Comment { pos, .. }
                | Node::Action { pos, .. }
                | Node::Template { pos, .. }
                | Node::Break { pos, .. }
                | Node::Continue { pos, .. } => *pos,
                Node::Branch(b) => b.pos,
            },
            At::Pipe(p) => p.pos,
            At::Command(c) => c.pos,
            At::Arg(a) => a.pos(),
        })
    }
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::None => Ok(()),
            At::Node(n) => n.fmt(f),
            At::Pipe(p) => p.fmt(f),
            At::Command(c) => c.fmt(f),
            // Go prints a parenthesized pipeline operand as the bare
            // pipeline when it is the node itself.
            At::Arg(Arg::Pipe(p)) => p.fmt(f),
            At::Arg(a) => a.fmt(f),
        }
    }
}

impl Exec<'_> {
    /// An execution error at the current node, its message built out of line: error paths
    /// stay out of the frames of the recursive functions (debug builds give
    /// every temporary its own stack slot).
    #[cold]
    #[inline(never)]
    pub(super) fn fail(&self, msg: impl FnOnce() -> String) -> Error {
        self.error_kind(ErrorKind::Exec, msg())
    }

    /// [`Exec::fail`] for a reached limit.
    #[cold]
    #[inline(never)]
    pub(super) fn fail_limit(&self, msg: impl FnOnce() -> String) -> Error {
        self.error_kind(ErrorKind::Limit, msg())
    }

    /// Go's `state.errorf`: `template: LOC: executing "NAME" at <NODE>: MSG`,
    /// plus a snippet of the source line for humans.
    pub(super) fn error_kind(&self, kind: ErrorKind, msg: String) -> Error {
        let source = &self.tree.source;
        let Some(pos) = self.at.pos() else {
            return Error::new(kind, format!("template: {}: {msg}", self.tree.name));
        };
        let (line, col) = source.line_col(pos);
        let text = format!(
            "template: {}:{line}:{col}: executing {} at <{}>: {msg}",
            source.name,
            go_quote(&self.tree.name),
            self.at
        );
        Error::new(kind, text).with_snippet(snippet(&source.name, &source.text, pos, line, col))
    }
}

/// A human-readable pointer at `pos`: the source line and a caret.
fn snippet(name: &str, text: &str, pos: Pos, line: usize, col: usize) -> String {
    let bytes = text.as_bytes();
    let pos = pos.min(bytes.len());
    let start = bytes[..pos]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| pos + i);
    // Offsets come from the parser and fall on character boundaries; a
    // lossy view keeps this total anyway.
    let source_line = String::from_utf8_lossy(&bytes[start..end]);
    let before = String::from_utf8_lossy(&bytes[start..pos]);
    let gutter = line.to_string();
    let pad = " ".repeat(gutter.len());
    let caret_pad: String = before
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    format!("{pad}--> {name}:{line}:{col}\n{pad} |\n{gutter} | {source_line}\n{pad} | {caret_pad}^")
}

impl Exec<'_> {
    /// Checks the depth and nesting limits before a template call made by a
    /// registered function, and accounts for its stack. A limit error is
    /// also remembered: the function will wrap it as its own error, and it
    /// must surface as a limit.
    fn begin_call(&mut self) -> Result<(), Error> {
        let max = self.limits().max_depth;
        let checked = if self.depth >= max {
            Err(self.fail_limit(|| format!("exceeded maximum template depth ({max})")))
        } else {
            self.enter(super::weight::CALL)
        };
        if let Err(err) = &checked {
            self.limit_error = Some(err.clone());
        }
        checked
    }
}

impl Exec<'_> {
    /// Runs the template `name` into a buffer taken from the pool of output
    /// buffers, and gives the buffer with its output to `take`, which
    /// returns what the caller keeps; the buffer goes back to the pool.
    fn run_named<R>(
        &mut self,
        name: &str,
        data: Value,
        take: impl FnOnce(&mut String) -> R,
    ) -> Result<R, Error> {
        let Some(tree) = self.lookup(name) else {
            return Err(Error::new(
                ErrorKind::NoSuchTemplate,
                format!(
                    "template: no template {} associated with template {}",
                    go_quote(name),
                    go_quote(self.root_name)
                ),
            ));
        };
        let saved_nesting = self.nesting;
        self.begin_call()?;
        let dot = Val::from_data(data);
        let fresh = self.out_pool.pop().unwrap_or_default();
        let saved_out = std::mem::replace(&mut self.out, fresh);
        self.held += saved_out.len();
        let saved_at = self.at;
        let result = self.call_template(tree, dot);
        self.held -= saved_out.len();
        let mut output = std::mem::replace(&mut self.out, saved_out);
        self.at = saved_at;
        self.nesting = saved_nesting;
        let result = match result {
            Ok(()) => Ok(take(&mut output)),
            Err(err) => {
                if err.kind() == ErrorKind::Limit {
                    self.limit_error = Some(err.clone());
                }
                Err(err)
            }
        };
        output.clear();
        // Buffers of unusually large outputs are not kept.
        if output.capacity() <= 1 << 20 {
            self.out_pool.push(output);
        }
        result
    }
}

/// Templates a `tpl` text may lay over the set before its execution works
/// on a copy of the set instead (lookups scan the overlay).
const MAX_OVERLAY: usize = 16;

#[cold]
fn no_main(name: &str) -> Error {
    Error::new(
        ErrorKind::Parse,
        format!("template: {name}: no main template parsed"),
    )
}

impl CallContext for Exec<'_> {
    fn execute_template(&mut self, name: &str, data: Value) -> Result<String, Error> {
        self.run_named(name, data, std::mem::take)
    }

    fn execute_template_value(&mut self, name: &str, data: Value) -> Result<Value, Error> {
        self.run_named(name, data, |out| Value::str(out.as_str()))
    }

    fn execute_text(&mut self, name: &str, text: &str, data: Value) -> Result<String, Error> {
        let saved_nesting = self.nesting;
        self.begin_call()?;
        let nesting = std::mem::replace(&mut self.nesting, saved_nesting);
        let budget = Budget {
            held: self.held + self.out.len(),
            depth: self.depth + 1,
            nesting,
            fuel: self.fuel,
        };
        // Go parses the text into a copy of the set. Instead of copying the
        // set's table, the text's templates are laid over it for this
        // execution only (a copy is made when a text defines many).
        let trees = self.set.parse_detached(name, text)?;
        let (result, fuel) = if self.overlay.len() + trees.len() <= MAX_OVERLAY {
            let mut overlay: Vec<Arc<Tree>> = self.overlay.to_vec();
            let mut main = None;
            for tree in trees.iter() {
                if &*tree.name == name {
                    main = Some(Arc::clone(tree));
                }
                // Go's rule: an empty definition does not replace one.
                let defined = overlay.iter().any(|t| t.name == tree.name)
                    || self.set.lookup(&tree.name).is_some();
                if !(tree.is_empty() && defined) {
                    overlay.push(Arc::clone(tree));
                }
            }
            let tree = main.ok_or_else(|| no_main(name))?;
            let root = self.set.given_name().unwrap_or(name);
            let data = Val::from_data(data);
            Exec::run(self.set, &overlay, root, &tree, data, budget)
        } else {
            let mut set = self.set.clone();
            for tree in self.overlay {
                set.define(Arc::clone(tree));
            }
            let tree = set.adopt(name, &trees)?;
            let data = Val::from_data(data);
            Exec::run(&set, &[], set.name(), &tree, data, budget)
        };
        self.fuel = fuel;
        if let Err(err) = &result
            && err.kind() == ErrorKind::Limit
        {
            self.limit_error = Some(err.clone());
        }
        result
    }

    fn template_name(&self) -> &str {
        &self.tree.name
    }

    fn state(&self) -> Option<&(dyn std::any::Any + Send + Sync)> {
        self.set.state()
    }
}
