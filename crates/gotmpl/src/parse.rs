//! The parser: tokens to syntax trees, with Go's grammar, scoping rules,
//! error texts and error line numbers.
//!
//! One call parses one text into its main tree and every tree it defines
//! with `{{define}}` or `{{block}}`. Errors read `template: NAME:LINE: MSG`
//! exactly as Go's; the LINE Go reports is the line of the most recently
//! lexed token, so this parser reads tokens with the same look-ahead
//! discipline as Go's (up to three tokens pushed back) to report the same
//! line.
//!
//! Recursion is bounded: parenthesized pipelines and control structures
//! (`if`/`range`/`with`/`block`, and each link of an `else if` chain) share
//! one depth counter capped at [`MAX_DEPTH`], so hostile input gets an
//! error rather than a stack overflow, here and in every later walk of the
//! tree (printing, evaluation, drop).

use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::{
    Arg, Branch, BranchKind, Command, List, Node, OutputHint, Pipe, Pos, Source, Tree, Variable,
};
use crate::error::{Error, ErrorKind};
use crate::escape::go_quote;
use crate::functable::FuncHint;
use crate::lex::literal;
use crate::lex::{Kind, Lexer, Token};

/// Maximum nesting of parenthesized pipelines and control structures
/// together. Go allows 10000 nested parentheses (`max expression depth
/// exceeded`) and does not limit control nesting; a fixed Rust stack
/// cannot: an unoptimized build spends about 8 KiB of stack per nested
/// `{{if}}` here, so 100 levels stay well inside a 2 MiB test thread.
/// Real templates nest a handful of levels.
pub(crate) const MAX_DEPTH: usize = 100;

/// The result of parsing one text.
#[derive(Debug)]
pub(crate) struct Parsed {
    /// The trees of the text: each `define`/`block` in the order they end,
    /// then the main tree (named after the parse). Go's rule within one
    /// parse is applied: a later empty tree never replaces an earlier
    /// non-empty one of the same name (so an empty main tree yields to a
    /// `define` of its name), and two non-empty trees of one name are an
    /// error.
    pub(crate) trees: Vec<Tree>,
}

/// Go's `IsEmptyTree` on a tree's body: only whitespace text and comments.
pub(crate) fn is_empty_list(list: &List) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text { text, .. } => text.trim().is_empty(),
        Node::Comment { .. } => true,
        _ => false,
    })
}

/// What the parser learns of a function name: `None` if it is not
/// defined, else the hint to leave on the identifier and, when the set
/// holds the name as a shared string, that string (see
/// [`crate::functable`]).
pub(crate) type Resolve<'a> = &'a dyn Fn(&str) -> Option<(FuncHint, Option<Arc<str>>)>;

/// Parses `text` as the template `name`. `is_func` says whether a function
/// name is defined (Go checks every identifier at parse time).
pub(crate) fn parse(name: &str, text: &str, is_func: Resolve<'_>) -> Result<Parsed, Error> {
    let source = Arc::new(Source {
        name: Arc::from(name),
        text: Arc::from(text),
    });
    let mut p = Parser {
        lex: Lexer::new(
            text,
            is_func("break").is_none(),
            is_func("continue").is_none(),
        ),
        source,
        is_func,
        token: [EOF; 3],
        peek_count: 0,
        scope: Scope::new(),
        depth: 0,
        trees: Vec::new(),
        tree_index: HashMap::new(),
    };
    let root = p.parse_main()?;
    p.add(Arc::from(name), root)?;
    Ok(Parsed { trees: p.trees })
}

const EOF: Token = Token {
    kind: Kind::Eof,
    pos: 0,
    end: 0,
    line: 0,
};

/// Per-tree parsing state: Go starts each `define`/`block` tree afresh.
#[derive(Debug)]
struct Scope<'a> {
    /// Variables visible at this point, in declaration order; `$` always
    /// is. `visible` counts them by name so lookups stay O(1).
    vars: Vec<&'a str>,
    visible: HashMap<&'a str, usize>,
    range_depth: usize,
    /// Line of the `{{` of the action being parsed (0 when none), for
    /// "in action started at" in lexical errors.
    action_line: usize,
}

impl<'a> Scope<'a> {
    fn new() -> Self {
        Scope {
            vars: vec!["$"],
            visible: HashMap::from([("$", 1)]),
            range_depth: 0,
            action_line: 0,
        }
    }

    fn declare(&mut self, name: &'a str) {
        self.vars.push(name);
        *self.visible.entry(name).or_insert(0) += 1;
    }

    fn is_visible(&self, name: &str) -> bool {
        self.visible.contains_key(name)
    }

    /// Forgets the variables declared after the first `len`.
    fn pop_to(&mut self, len: usize) {
        while self.vars.len() > len {
            let Some(name) = self.vars.pop() else { break };
            if let Some(count) = self.visible.get_mut(name) {
                *count -= 1;
                if *count == 0 {
                    self.visible.remove(name);
                }
            }
        }
    }
}

/// What `text_or_action` found: a node, or an `{{end}}` / `{{else}}` that
/// closes the enclosing list.
enum Item {
    Node(Node),
    End,
    /// `{{else}}`, with the position of what follows `else`.
    Else(Pos),
}

impl Item {
    #[cold]
    #[inline(never)]
    fn describe(&self) -> String {
        match self {
            Item::Node(n) => n.to_string(),
            Item::End => "{{end}}".into(),
            Item::Else(_) => "{{else}}".into(),
        }
    }
}

type PResult<T> = Result<T, Error>;

struct Parser<'a> {
    lex: Lexer<'a>,
    source: Arc<Source>,
    is_func: Resolve<'a>,
    /// Go's three-token look-ahead buffer: `token[0]` is always the most
    /// recently lexed token (whose line errors report).
    token: [Token; 3],
    peek_count: usize,
    scope: Scope<'a>,
    depth: usize,
    trees: Vec<Tree>,
    /// Index of each name in `trees`.
    tree_index: HashMap<Arc<str>, usize>,
}

impl<'a> Parser<'a> {
    // ---- token stream -------------------------------------------------

    fn slot(&self, i: usize) -> Token {
        self.token.get(i).copied().unwrap_or(EOF)
    }

    fn next(&mut self) -> Token {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = self.lex.next_token();
        }
        self.slot(self.peek_count)
    }

    fn backup(&mut self) {
        self.peek_count = (self.peek_count + 1).min(3);
    }

    fn backup2(&mut self, t1: Token) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Token, t1: Token) {
        self.token[1] = t1;
        self.token[2] = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Token {
        if self.peek_count > 0 {
            return self.slot(self.peek_count - 1);
        }
        self.peek_count = 1;
        self.token[0] = self.lex.next_token();
        self.token[0]
    }

    fn next_non_space(&mut self) -> Token {
        loop {
            let tok = self.next();
            if tok.kind != Kind::Space {
                return tok;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token {
        let tok = self.next_non_space();
        self.backup();
        tok
    }

    fn text(&self, tok: &Token) -> &'a str {
        self.lex.text(tok)
    }

    // ---- errors -------------------------------------------------------

    #[cold]
    #[inline(never)]
    fn error_at_line(&self, line: usize, msg: &str) -> Error {
        let text = format!("template: {}:{}: {}", self.source.name, line, msg);
        let snippet = self
            .source
            .text
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| format!("{line} | {}", l.chars().take(200).collect::<String>()));
        match snippet {
            Some(s) => Error::new(ErrorKind::Parse, text).with_snippet(s),
            None => Error::new(ErrorKind::Parse, text),
        }
    }

    #[cold]
    #[inline(never)]
    fn errorf<T>(&self, msg: impl AsRef<str>) -> PResult<T> {
        Err(self.error_at_line(self.slot(0).line, msg.as_ref()))
    }

    /// How Go names a token in "unexpected" messages.
    fn describe(&self, tok: &Token) -> String {
        let val = self.text(tok);
        match tok.kind {
            Kind::Eof => "EOF".into(),
            Kind::Error => self.lex.error_message().to_owned(),
            k if k.is_keyword() => format!("<{val}>"),
            _ if val.chars().count() > 10 => {
                let short: String = val.chars().take(10).collect();
                format!("{}...", go_quote(&short))
            }
            _ => go_quote(val),
        }
    }

    #[cold]
    #[inline(never)]
    fn unexpected<T>(&self, tok: &Token, context: &str) -> PResult<T> {
        if tok.kind == Kind::Error {
            let msg = self.lex.error_message();
            let line = self.scope.action_line;
            if line != 0 && line != tok.line {
                let started = format!("started at {}:{}", self.source.name, line);
                if msg.ends_with(" action") {
                    return self.errorf(format!("{msg} {started}"));
                }
                return self.errorf(format!("{msg} in action {started}"));
            }
            return self.errorf(msg);
        }
        self.errorf(format!("unexpected {} in {}", self.describe(tok), context))
    }

    fn expect(&mut self, kind: Kind, context: &str) -> PResult<Token> {
        let tok = self.next_non_space();
        if tok.kind != kind {
            return self.unexpected(&tok, context);
        }
        Ok(tok)
    }

    fn enter(&mut self, what: &str) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            return self.errorf(format!("max {what} depth exceeded"));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ---- trees --------------------------------------------------------

    /// Adds a finished tree, with Go's redefinition rule.
    #[inline(never)]
    fn add(&mut self, name: Arc<str>, root: List) -> PResult<()> {
        let tree = Tree {
            name,
            source: Arc::clone(&self.source),
            root,
            output_hint: OutputHint::default(),
        };
        let existing = self
            .tree_index
            .get(&tree.name)
            .and_then(|&i| Some((i, self.trees.get(i)?)));
        match existing {
            None => {
                self.tree_index
                    .insert(Arc::clone(&tree.name), self.trees.len());
                self.trees.push(tree);
            }
            Some((i, old)) if old.is_empty() => {
                if let Some(slot) = self.trees.get_mut(i) {
                    *slot = tree;
                }
            }
            Some(_) if tree.is_empty() => {}
            Some(_) => {
                return self.errorf(format!(
                    "template: multiple definition of template {}",
                    go_quote(&tree.name)
                ));
            }
        }
        Ok(())
    }

    /// The top level: like an item list, but also accepts `{{define}}`,
    /// and runs to the end of input.
    fn parse_main(&mut self) -> PResult<List> {
        let mut root = List {
            pos: self.peek().pos,
            nodes: Vec::new(),
        };
        while self.peek().kind != Kind::Eof {
            if self.peek().kind == Kind::LeftDelim {
                let delim = self.next();
                if self.next_non_space().kind == Kind::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Item::Node(n) => root.nodes.push(n),
                other => return self.errorf(format!("unexpected {}", other.describe())),
            }
        }
        Ok(root)
    }

    /// `{{define "name"}} list {{end}}`; `define` is past.
    fn parse_definition(&mut self) -> PResult<()> {
        let outer = std::mem::replace(&mut self.scope, Scope::new());
        let result = self.definition_body();
        self.scope = outer;
        result
    }

    #[inline(never)]
    fn definition_body(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let tok = self.next_non_space();
        if !matches!(tok.kind, Kind::String | Kind::RawString) {
            return self.unexpected(&tok, CONTEXT);
        }
        let Some(name) = literal::unquote(self.text(&tok)) else {
            return self.errorf("invalid syntax");
        };
        self.expect(Kind::RightDelim, CONTEXT)?;
        let (root, end) = self.item_list()?;
        if !matches!(end, Item::End) {
            return self.errorf(format!("unexpected {} in {CONTEXT}", end.describe()));
        }
        self.add(Arc::from(name), root)
    }

    /// `textOrAction*` up to `{{end}}` or `{{else}}`, which is returned.
    fn item_list(&mut self) -> PResult<(List, Item)> {
        let mut list = List {
            pos: self.peek_non_space().pos,
            nodes: Vec::new(),
        };
        while self.peek_non_space().kind != Kind::Eof {
            match self.text_or_action()? {
                Item::Node(n) => list.nodes.push(n),
                end => return Ok((list, end)),
            }
        }
        self.errorf("unexpected EOF")
    }

    fn text_or_action(&mut self) -> PResult<Item> {
        let tok = self.next_non_space();
        match tok.kind {
            Kind::Text => Ok(Item::Node(Node::Text {
                pos: tok.pos,
                text: Arc::from(self.text(&tok)),
            })),
            Kind::LeftDelim => {
                self.scope.action_line = tok.line;
                let item = self.action();
                self.scope.action_line = 0;
                item
            }
            Kind::Comment => Ok(Item::Node(Node::Comment {
                pos: tok.pos,
                text: Arc::from(self.text(&tok)),
            })),
            _ => self.unexpected(&tok, "input"),
        }
    }

    /// After `{{`: a control keyword or a pipeline.
    fn action(&mut self) -> PResult<Item> {
        let tok = self.next_non_space();
        let node = match tok.kind {
            Kind::Block => self.block_control()?,
            Kind::Break | Kind::Continue => self.break_or_continue(tok)?,
            Kind::Else => return self.else_control(),
            Kind::End => {
                self.expect(Kind::RightDelim, "end")?;
                return Ok(Item::End);
            }
            Kind::If => self.branch(BranchKind::If)?,
            Kind::Range => self.branch(BranchKind::Range)?,
            Kind::With => self.branch(BranchKind::With)?,
            Kind::Template => self.template_control()?,
            _ => {
                self.backup();
                let tok = self.peek();
                let pipe = self.pipeline("command", Kind::RightDelim)?;
                Node::Action {
                    pos: tok.pos,
                    line: tok.line,
                    pipe,
                }
            }
        };
        Ok(Item::Node(node))
    }

    #[inline(never)]
    fn break_or_continue(&mut self, keyword: Token) -> PResult<Node> {
        let (word, node) = if keyword.kind == Kind::Break {
            (
                "{{break}}",
                Node::Break {
                    pos: keyword.pos,
                    line: keyword.line,
                },
            )
        } else {
            (
                "{{continue}}",
                Node::Continue {
                    pos: keyword.pos,
                    line: keyword.line,
                },
            )
        };
        let tok = self.next_non_space();
        if tok.kind != Kind::RightDelim {
            return self.unexpected(&tok, word);
        }
        if self.scope.range_depth == 0 {
            return self.errorf(format!("{word} outside {{{{range}}}}"));
        }
        Ok(node)
    }

    #[inline(never)]
    fn else_control(&mut self) -> PResult<Item> {
        let peek = self.peek_non_space();
        // `{{else if ...` and `{{else with ...` leave the keyword pending:
        // they read as `{{else}}{{if ...`.
        if matches!(peek.kind, Kind::If | Kind::With) {
            return Ok(Item::Else(peek.pos));
        }
        let tok = self.expect(Kind::RightDelim, "else")?;
        Ok(Item::Else(tok.pos))
    }

    /// `{{if pipe}} list [{{else}} list] {{end}}` and the `range` / `with`
    /// forms; the keyword is past.
    fn branch(&mut self, kind: BranchKind) -> PResult<Node> {
        self.enter("control nesting")?;
        let saved_vars = self.scope.vars.len();
        let result = self.branch_body(kind);
        self.scope.pop_to(saved_vars);
        self.leave();
        result.map(|b| Node::Branch(Box::new(b)))
    }

    fn branch_body(&mut self, kind: BranchKind) -> PResult<Branch> {
        let context = match kind {
            BranchKind::If => "if",
            BranchKind::Range => "range",
            BranchKind::With => "with",
        };
        let pipe = self.pipeline(context, Kind::RightDelim)?;
        let is_range = kind == BranchKind::Range;
        if is_range {
            self.scope.range_depth += 1;
        }
        let body = self.item_list();
        if is_range {
            self.scope.range_depth = self.scope.range_depth.saturating_sub(1);
        }
        let (list, next) = body?;
        let mut else_list = None;
        if let Item::Else(else_pos) = next {
            let chained = match kind {
                BranchKind::If => Kind::If,
                BranchKind::With => Kind::With,
                BranchKind::Range => Kind::Eof,
            };
            if chained != Kind::Eof && self.peek().kind == chained {
                // `else if` / `else with`: one nested branch, sharing
                // the outer `{{end}}`.
                self.next();
                let nested = self.branch(kind)?;
                else_list = Some(List {
                    pos: else_pos,
                    nodes: vec![nested],
                });
            } else {
                let (list, next) = self.item_list()?;
                if !matches!(next, Item::End) {
                    return self.errorf(format!("expected end; found {}", next.describe()));
                }
                else_list = Some(list);
            }
        }
        Ok(Branch {
            kind,
            pos: pipe.pos,
            line: pipe.line,
            pipe,
            list,
            else_list,
        })
    }

    /// `{{block "name" pipe}} list {{end}}`: defines `name` and calls it.
    #[inline(never)]
    fn block_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let tok = self.next_non_space();
        let name = self.template_name(&tok, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, Kind::RightDelim)?;
        // Go reports a bad closing action with the line of the block's
        // own `}}`, read before the body.
        let opening_line = self.slot(0).line;
        self.enter("control nesting")?;
        let outer = std::mem::replace(&mut self.scope, Scope::new());
        let body = self.item_list();
        self.leave();
        let block_scope = std::mem::replace(&mut self.scope, outer);
        let (root, end) = body?;
        if !matches!(end, Item::End) {
            let msg = format!("unexpected {} in {CONTEXT}", end.describe());
            return Err(self.error_at_line(opening_line, &msg));
        }
        // A redefinition error is reported from the block's own tree.
        let outer = std::mem::replace(&mut self.scope, block_scope);
        let added = self.add(Arc::from(name.as_str()), root);
        self.scope = outer;
        added?;
        Ok(Node::Template {
            pos: tok.pos,
            line: tok.line,
            name: Arc::from(name),
            pipe: Some(pipe),
        })
    }

    /// `{{template "name" [pipe]}}`; `template` is past.
    #[inline(never)]
    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let tok = self.next_non_space();
        let name = self.template_name(&tok, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().kind != Kind::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, Kind::RightDelim)?);
        }
        Ok(Node::Template {
            pos: tok.pos,
            line: tok.line,
            name: Arc::from(name),
            pipe,
        })
    }

    fn template_name(&self, tok: &Token, context: &str) -> PResult<String> {
        match tok.kind {
            Kind::String | Kind::RawString => match literal::unquote(self.text(tok)) {
                Some(name) => Ok(name),
                None => self.errorf("invalid syntax"),
            },
            _ => self.unexpected(tok, context),
        }
    }

    // ---- pipelines ----------------------------------------------------

    /// `[decl :=] command ('|' command)*` up to `end` (`}}` or `)`).
    #[inline(never)]
    fn pipeline(&mut self, context: &str, end: Kind) -> PResult<Pipe> {
        let start = self.peek_non_space();
        let mut pipe = Pipe {
            pos: start.pos,
            line: start.line,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        self.declarations(&mut pipe, context)?;
        loop {
            let tok = self.next_non_space();
            match tok.kind {
                k if k == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                Kind::Bool
                | Kind::CharConstant
                | Kind::Complex
                | Kind::Dot
                | Kind::Field
                | Kind::Identifier
                | Kind::Number
                | Kind::Nil
                | Kind::RawString
                | Kind::String
                | Kind::Variable
                | Kind::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(&tok, context),
            }
        }
    }

    /// `$x :=`, `$x =`, and `range $i, $v :=`.
    #[inline(never)]
    fn declarations(&mut self, pipe: &mut Pipe, context: &str) -> PResult<()> {
        loop {
            let v = self.peek_non_space();
            if v.kind != Kind::Variable {
                return Ok(());
            }
            self.next();
            // Three tokens of look-ahead: in "$x foo" the token after the
            // space decides that $x is an argument, not a declaration.
            let after = self.peek();
            let next = self.peek_non_space();
            let name = self.text(&v);
            match next.kind {
                Kind::Assign | Kind::Declare => {
                    pipe.is_assign = next.kind == Kind::Assign;
                    self.next_non_space();
                    pipe.decl.push(Variable {
                        pos: v.pos,
                        name: Arc::from(name),
                    });
                    self.scope.declare(name);
                    return Ok(());
                }
                Kind::Char if self.text(&next) == "," => {
                    self.next_non_space();
                    pipe.decl.push(Variable {
                        pos: v.pos,
                        name: Arc::from(name),
                    });
                    self.scope.declare(name);
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().kind {
                            Kind::Variable | Kind::RightDelim | Kind::RightParen => continue,
                            _ => return self.errorf("range can only initialize variables"),
                        }
                    }
                    return self.errorf(format!("too many declarations in {context}"));
                }
                _ if after.kind == Kind::Space => {
                    self.backup3(v, after);
                    return Ok(());
                }
                _ => {
                    self.backup2(v);
                    return Ok(());
                }
            }
        }
    }

    #[inline(never)]
    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return self.errorf(format!("missing value for {context}"));
        }
        for (i, cmd) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool { .. }
                | Arg::Dot { .. }
                | Arg::Nil { .. }
                | Arg::Number(_)
                | Arg::String { .. },
            ) = cmd.args.first()
            {
                return self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    /// `operand (space operand)*` up to `|`, `}}` or `)`.
    fn command(&mut self) -> PResult<Command> {
        let mut cmd = Command {
            pos: self.peek_non_space().pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(arg) = self.operand()? {
                cmd.args.push(arg);
            }
            let tok = self.next();
            match tok.kind {
                Kind::Space => continue,
                Kind::RightDelim | Kind::RightParen => self.backup(),
                Kind::Pipe => {}
                _ => return self.unexpected(&tok, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.errorf("empty command");
        }
        Ok(cmd)
    }

    /// `term .Field*`.
    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(term) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != Kind::Field {
            return Ok(Some(term));
        }
        // Go gives the chained node the position of the first trailing
        // field (`.b` in `.a.b`), and execution errors point there.
        let chain_pos = self.peek().pos;
        let mut extra = Vec::new();
        while self.peek().kind == Kind::Field {
            let tok = self.next();
            extra.push(Arc::from(self.text(&tok).get(1..).unwrap_or("")));
        }
        Ok(Some(match term {
            Arg::Field { mut fields, .. } => {
                fields.extend(extra);
                Arg::Field {
                    pos: chain_pos,
                    fields,
                }
            }
            Arg::Variable {
                name, mut fields, ..
            } => {
                fields.extend(extra);
                Arg::Variable {
                    pos: chain_pos,
                    name,
                    fields,
                }
            }
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number(_)
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                return self.errorf(format!(
                    "unexpected . after term {}",
                    go_quote(&term.to_string())
                ));
            }
            node => Arg::Chain {
                pos: chain_pos,
                node: Box::new(node),
                fields: extra,
            },
        }))
    }

    /// A literal, a function name, `.`, a field, a variable or a
    /// parenthesized pipeline; `None` when the next token is none of them.
    fn term(&mut self) -> PResult<Option<Arg>> {
        let tok = self.next_non_space();
        let pos = tok.pos;
        let text = self.text(&tok);
        let arg = match tok.kind {
            Kind::Identifier => {
                let Some((hint, shared)) = (self.is_func)(text) else {
                    return self.errorf(format!("function {} not defined", go_quote(text)));
                };
                Arg::Identifier {
                    pos,
                    name: shared.unwrap_or_else(|| Arc::from(text)),
                    hint,
                }
            }
            Kind::Dot => Arg::Dot { pos },
            Kind::Nil => Arg::Nil { pos },
            Kind::Variable => {
                if !self.scope.is_visible(text) {
                    return self.errorf(format!("undefined variable {}", go_quote(text)));
                }
                Arg::Variable {
                    pos,
                    name: Arc::from(text),
                    fields: Vec::new(),
                }
            }
            Kind::Field => Arg::Field {
                pos,
                fields: vec![Arc::from(text.get(1..).unwrap_or(""))],
            },
            Kind::Bool => Arg::Bool {
                pos,
                value: text == "true",
            },
            Kind::CharConstant | Kind::Complex | Kind::Number => {
                match literal::number(pos, text, tok.kind) {
                    Ok(n) => Arg::Number(Box::new(n)),
                    Err(msg) => return self.errorf(msg),
                }
            }
            Kind::LeftParen => {
                self.enter("expression")?;
                let pipe = self.pipeline("parenthesized pipeline", Kind::RightParen);
                self.leave();
                Arg::Pipe(Box::new(pipe?))
            }
            Kind::String | Kind::RawString => match literal::unquote(text) {
                Some(value) => Arg::String {
                    pos,
                    text: Arc::from(text),
                    value: Arc::from(value),
                },
                None => return self.errorf("invalid syntax"),
            },
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(arg))
    }
}
