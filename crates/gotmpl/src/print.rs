//! Printing syntax-tree nodes back as template text, exactly as Go's
//! `Node.String()` does.
//!
//! Execution errors quote nodes (`executing "t" at <index .x 1>: ...`), so
//! the forms must be Go's: strings and numbers keep their source spelling,
//! parenthesized pipelines get their parentheses back, declarations print
//! with ` := ` (Go prints assignments that way too), `else if` prints as a
//! nested `{{if}}` inside `{{else}}`, and `{{template}}` names are
//! re-quoted with Go's `strconv.Quote`. Comment nodes print as `{{/*...*/}}`
//! without their trim markers.
//!
//! Also here: Go's `%q` quoting and its notion of a printable rune, shared
//! by the lexer's and parser's error messages.

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{Arg, Branch, BranchKind, Command, List, Node, Pipe, Tree, Variable};

impl Display for Tree {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.root.fmt(f)
    }
}

impl Display for List {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.nodes.iter().try_for_each(|n| n.fmt(f))
    }
}

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Node::Text { text, .. } => f.write_str(text),
            Node::Comment { text, .. } => write!(f, "{{{{{text}}}}}"),
            Node::Action { pipe, .. } => write!(f, "{{{{{pipe}}}}}"),
            Node::Branch(b) => b.fmt(f),
            Node::Template { name, pipe, .. } => {
                f.write_str("{{template ")?;
                let mut quoted = String::new();
                write_go_quoted(&mut quoted, name);
                f.write_str(&quoted)?;
                if let Some(pipe) = pipe {
                    write!(f, " {pipe}")?;
                }
                f.write_str("}}")
            }
            Node::Break { .. } => f.write_str("{{break}}"),
            Node::Continue { .. } => f.write_str("{{continue}}"),
        }
    }
}

impl Display for BranchKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BranchKind::If => "if",
            BranchKind::Range => "range",
            BranchKind::With => "with",
        })
    }
}

impl Display for Branch {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{{{{{} {}}}}}{}", self.kind, self.pipe, self.list)?;
        if let Some(else_list) = &self.else_list {
            write!(f, "{{{{else}}}}{else_list}")?;
        }
        f.write_str("{{end}}")
    }
}

impl Display for Pipe {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                v.fmt(f)?;
            }
            f.write_str(" := ")?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            c.fmt(f)?;
        }
        Ok(())
    }
}

impl Display for Variable {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Display for Command {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            arg.fmt(f)?;
        }
        Ok(())
    }
}

impl Display for Arg {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Dot { .. } => f.write_char('.'),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Bool { value, .. } => f.write_str(if *value { "true" } else { "false" }),
            Arg::Number(n) => f.write_str(&n.text),
            Arg::String { text, .. } => f.write_str(text),
            Arg::Field { fields, .. } => write_fields(f, fields),
            Arg::Variable { name, fields, .. } => {
                f.write_str(name)?;
                write_fields(f, fields)
            }
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Pipe(p) => write!(f, "({p})"),
            Arg::Chain { node, fields, .. } => {
                node.fmt(f)?;
                write_fields(f, fields)
            }
        }
    }
}

fn write_fields(f: &mut Formatter<'_>, fields: &[std::sync::Arc<str>]) -> fmt::Result {
    fields.iter().try_for_each(|field| write!(f, ".{field}"))
}

/// Appends `s` quoted as Go's `strconv.Quote` (and `%q`) does.
pub(crate) fn write_go_quoted(out: &mut String, s: &str) {
    crate::format::quote::append_quoted(out, s.as_bytes(), false);
}
