//! The syntax tree of a parsed template.
//!
//! The shape follows the grammar of Go's `text/template` (list, text, action,
//! if/range/with, template, pipelines of commands of operands) because the
//! error messages users know name those parts. Every node carries the byte
//! offset where it starts in its source, so errors can say `NAME:LINE:COL`
//! the way Go does; the source text itself lives once in [`Source`].
//!
//! `Display` on nodes prints the node back as template text, in the canonical
//! form Go's `Node.String()` prints. Error messages quote it (`at <.a.b>`) and
//! the parse → print → parse property test relies on it.

use std::sync::Arc;

pub use crate::functable::FuncHint;

/// Byte offset of a node in its [`Source`].
pub type Pos = usize;

/// The text a tree was parsed from, with the name Go reports in errors
/// (`ParseName`: the name of the template being parsed when the node was
/// read, which for a `define` is the file that contains it).
#[derive(Debug)]
pub struct Source {
    /// Name used in `template: NAME:LINE:...` locations.
    pub name: Arc<str>,
    /// The whole text that was parsed.
    pub text: Arc<str>,
}

impl Source {
    /// 1-based line and Go's column (bytes since the start of the line,
    /// starting at 0 for the first byte... as Go's `ErrorContext` computes it)
    /// for a byte offset.
    pub fn line_col(&self, pos: Pos) -> (usize, usize) {
        let pos = pos.min(self.text.len());
        let before = &self.text.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        (line, col)
    }
}

/// One parsed template body (the text of a file, or of a `define` block).
#[derive(Debug, Clone)]
pub struct Tree {
    /// The template's name (`define "x"` gives `x`).
    pub name: Arc<str>,
    /// Where its nodes came from.
    pub source: Arc<Source>,
    /// The body.
    pub root: List,
    /// How long its output was the last time it executed as a whole
    /// template (see [`OutputHint`]).
    pub output_hint: OutputHint,
}

/// The length of a template's last output: the next execution's buffer is
/// sized from it, so a large output is not grown (and copied) many times
/// over. A hint only: it changes no output.
#[derive(Debug, Default)]
pub struct OutputHint(std::sync::atomic::AtomicUsize);

impl OutputHint {
    /// The last output's length (0 before the first).
    pub fn get(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Remembers an output's length.
    pub fn set(&self, len: usize) {
        self.0.store(len, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Clone for OutputHint {
    fn clone(&self) -> OutputHint {
        OutputHint(std::sync::atomic::AtomicUsize::new(self.get()))
    }
}

/// A sequence of nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    pub pos: Pos,
    pub nodes: Vec<Node>,
}

/// A statement-level node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Plain text, already trimmed by `{{-`/`-}}` markers.
    Text { pos: Pos, text: Arc<str> },
    /// `{{/* ... */}}`; kept so the printer can reproduce it.
    Comment { pos: Pos, text: Arc<str> },
    /// `{{ pipeline }}`.
    Action { pos: Pos, line: usize, pipe: Pipe },
    /// `{{if}}`, `{{range}}` and `{{with}}` share one shape.
    Branch(Box<Branch>),
    /// `{{template "name" pipeline}}`.
    Template {
        pos: Pos,
        line: usize,
        name: Arc<str>,
        pipe: Option<Pipe>,
    },
    /// `{{break}}`.
    Break { pos: Pos, line: usize },
    /// `{{continue}}`.
    Continue { pos: Pos, line: usize },
}

/// Which branching action a [`Branch`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchKind {
    If,
    Range,
    With,
}

/// `{{if pipe}} list {{else}} else_list {{end}}` and its `range` / `with`
/// forms. `else if` and `else with` are represented as an `else_list`
/// holding a single nested branch, as Go does.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub kind: BranchKind,
    pub pos: Pos,
    pub line: usize,
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

/// A pipeline, possibly with a variable declaration or assignment:
/// `$x := a | b`, `$i, $v := range ...`, `$x = ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipe {
    pub pos: Pos,
    pub line: usize,
    /// `true` for `=`, `false` for `:=` (only meaningful when `decl` is not
    /// empty).
    pub is_assign: bool,
    /// Declared or assigned variables, each with its name including `$`.
    pub decl: Vec<Variable>,
    pub cmds: Vec<Command>,
}

/// A variable reference in a declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub pos: Pos,
    pub name: Arc<str>,
}

/// One command of a pipeline: an operand followed by arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub pos: Pos,
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `.`
    Dot { pos: Pos },
    /// `nil`
    Nil { pos: Pos },
    /// `true` / `false`
    Bool { pos: Pos, value: bool },
    /// A number literal, with every interpretation Go's parser allows for it.
    Number(Box<Number>),
    /// A string literal: `text` is the source form (with quotes), `value` the
    /// unquoted string.
    String {
        pos: Pos,
        text: Arc<str>,
        value: Arc<str>,
    },
    /// `.a.b.c`: a field chain on dot. `fields` excludes the leading dot.
    Field { pos: Pos, fields: Vec<Arc<str>> },
    /// `$x.a.b`: a variable and optional field chain. `name` includes `$`.
    Variable {
        pos: Pos,
        name: Arc<str>,
        fields: Vec<Arc<str>>,
    },
    /// A function name (`printf`), with where the parser found its
    /// function (checked again by the set that executes it).
    Identifier {
        pos: Pos,
        name: Arc<str>,
        hint: FuncHint,
    },
    /// `(pipeline)`.
    Pipe(Box<Pipe>),
    /// `(pipeline).a.b` or `$x.a` after a non-field operand: an operand with a
    /// field chain.
    Chain {
        pos: Pos,
        node: Box<Arg>,
        fields: Vec<Arc<str>>,
    },
}

/// A number literal as Go's parser classifies it: one literal may be usable
/// as several kinds (`1` is an int, a uint and a float; `'a'` is a rune and so
/// an int).
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub pos: Pos,
    /// The literal as written.
    pub text: Arc<str>,
    pub int: Option<i64>,
    pub uint: Option<u64>,
    pub float: Option<f64>,
    /// Complex literals (`1i`) parse in Go but are of no use to Helm; the
    /// parser keeps their text so errors can name them.
    pub is_complex: bool,
    /// Character constant (`'a'`).
    pub is_char: bool,
}

impl Arg {
    /// Byte offset where this operand starts.
    pub fn pos(&self) -> Pos {
        match self {
            Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Bool { pos, .. }
            | Arg::String { pos, .. }
            | Arg::Field { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Chain { pos, .. } => *pos,
            Arg::Number(n) => n.pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

/// Parses `text` as the template `name` into its trees: the main tree
/// and one per `{{define}}` / `{{block}}`, as Go's `parse.Parse` does.
/// `is_func` says whether an identifier names a function (Go rejects
/// unknown functions at parse time). For tools that inspect templates;
/// [`crate::TemplateSet::parse`] is the way to run them.
pub fn parse(
    name: &str,
    text: &str,
    is_func: &dyn Fn(&str) -> bool,
) -> Result<Vec<Tree>, crate::Error> {
    let resolve = |f: &str| is_func(f).then_some((FuncHint::NONE, None));
    crate::parse::parse(name, text, &resolve).map(|p| p.trees)
}

impl Tree {
    /// Go's `parse.IsEmptyTree`: the body holds only whitespace text and
    /// comments (a later empty definition never replaces a non-empty one).
    pub fn is_empty(&self) -> bool {
        crate::parse::is_empty_list(&self.root)
    }
}
