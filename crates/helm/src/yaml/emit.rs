//! A block-style YAML writer that lays text out exactly as libyaml's emitter
//! (go-yaml v2 and v3) does for `toYaml` and `toYamlPretty`.
//!
//! Only what those two encoders produce is supported: block mappings and
//! sequences, `{}`/`[]` for empty collections, and scalars whose style the
//! encoder requested (plain, double-quoted or literal) and which the emitter
//! may downgrade (plain to single-quoted, anything to double-quoted) after
//! analysing the text. Long plain and quoted scalars fold at column 80 in v2;
//! v3's encoder sets no width.

use super::error::YamlError;

/// The style the encoder asks for; the emitter may pick a safer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    DoubleQuoted,
    Literal,
}

/// A node to write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Scalar(String, Style),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// Which encoder's layout to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// go-yaml v2: sequences in mappings are not indented, width 80.
    V2,
    /// go-yaml v3 with `SetIndent(2)`: sequences indented, no width limit,
    /// tabs allowed in block scalars.
    V3,
}

#[derive(Clone, Copy, Default)]
struct Ctx {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chosen {
    Plain,
    Single,
    Double,
    Literal,
}

struct Analysis {
    multiline: bool,
    flow_plain: bool,
    block_plain: bool,
    single: bool,
    block: bool,
}

/// Writes `node` as one YAML document (no `---`), ending with a newline.
///
/// The text may not pass the template output cap: deep nesting multiplies
/// indentation, so a node tree within its own budget can still lay out to
/// far more text. Past the cap the emitter stops and reports a limit error.
pub(crate) fn emit(node: &Node, flavor: Flavor) -> Result<String, YamlError> {
    emit_within(node, flavor, crate::budget::default_cap())
}

fn emit_within(node: &Node, flavor: Flavor, cap: usize) -> Result<String, YamlError> {
    let mut e = Emitter {
        out: String::new(),
        cap,
        over: false,
        column: 0,
        indent: -1,
        whitespace: true,
        indention: true,
        flavor,
        best_width: match flavor {
            Flavor::V2 => 80,
            Flavor::V3 => usize::MAX,
        },
    };
    e.node(
        node,
        Ctx {
            root: true,
            ..Ctx::default()
        },
    );
    // Document end: a final line break unless we are at a fresh line.
    e.write_indent();
    if e.over {
        return Err(YamlError::limit(format!(
            "yaml: the text exceeds the maximum output size ({cap} bytes)"
        )));
    }
    Ok(e.out)
}

struct Emitter {
    out: String,
    /// The most text to write; past it `over` is set and the rest of the
    /// tree is skipped (a scalar being written ends without indentation).
    cap: usize,
    over: bool,
    column: usize,
    indent: i64,
    whitespace: bool,
    indention: bool,
    flavor: Flavor,
    best_width: usize,
}

const BEST_INDENT: i64 = 2;

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        if self.out.len() > self.cap {
            self.over = true;
        }
    }

    fn write_indent(&mut self) {
        if self.over {
            return;
        }
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, s: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in s.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) -> i64 {
        let saved = self.indent;
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
        saved
    }

    fn node(&mut self, node: &Node, ctx: Ctx) {
        if self.over || self.out.len() > self.cap {
            self.over = true;
            return;
        }
        match node {
            Node::Scalar(text, style) => self.scalar(text, *style, ctx),
            Node::Seq(items) if items.is_empty() => self.empty("[", "]"),
            Node::Map(pairs) if pairs.is_empty() => self.empty("{", "}"),
            Node::Seq(items) => {
                let indentless = self.flavor == Flavor::V2 && ctx.mapping && !self.indention;
                let saved = self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, Ctx::default());
                }
                self.indent = saved;
            }
            Node::Map(pairs) => {
                let saved = self.increase_indent(false, false);
                for (k, v) in pairs {
                    self.write_indent();
                    let key_ctx = Ctx {
                        mapping: true,
                        ..Ctx::default()
                    };
                    if is_simple_key(k) {
                        self.node(
                            k,
                            Ctx {
                                simple_key: true,
                                ..key_ctx
                            },
                        );
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.node(k, key_ctx);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(v, key_ctx);
                }
                self.indent = saved;
            }
        }
    }

    fn empty(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn scalar(&mut self, text: &str, style: Style, ctx: Ctx) {
        let a = analyze(text, self.flavor);
        let mut chosen = match style {
            Style::Plain => Chosen::Plain,
            Style::DoubleQuoted => Chosen::Double,
            Style::Literal => Chosen::Literal,
        };
        if ctx.simple_key && a.multiline {
            chosen = Chosen::Double;
        }
        if chosen == Chosen::Plain && (!a.block_plain || (text.is_empty() && ctx.simple_key)) {
            chosen = Chosen::Single;
        }
        if chosen == Chosen::Single && !a.single {
            chosen = Chosen::Double;
        }
        if chosen == Chosen::Literal && (!a.block || ctx.simple_key) {
            chosen = Chosen::Double;
        }
        let saved = self.increase_indent(true, false);
        let allow_breaks = !ctx.simple_key;
        match chosen {
            Chosen::Plain => self.write_plain(text, allow_breaks),
            Chosen::Single => self.write_single(text, allow_breaks),
            Chosen::Double => self.write_double(text, allow_breaks),
            Chosen::Literal => self.write_literal(text),
        }
        let _ = ctx.root;
        self.indent = saved;
    }

    fn write_plain(&mut self, text: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let mut spaces = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && chars.peek() != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, text: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = text.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let n = chars.len();
        for i in 0..n {
            let c = chars[i];
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i + 1 < n
                    && chars[i + 1] != ' '
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_double(&mut self, text: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = text.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        for i in 0..n {
            let c = chars[i];
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let esc = match c {
                    '\0' => Some('0'),
                    '\u{7}' => Some('a'),
                    '\u{8}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{b}' => Some('v'),
                    '\u{c}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1b}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                match esc {
                    Some(e) => self.put(e),
                    None => {
                        let v = c as u32;
                        let s = if v <= 0xff {
                            format!("x{v:02X}")
                        } else if v <= 0xffff {
                            format!("u{v:04X}")
                        } else {
                            format!("U{v:08X}")
                        };
                        for ch in s.chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.best_width && i > 0 && i + 1 < n {
                    self.write_indent();
                    if chars[i + 1] == ' ' {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, text: &str) {
        self.write_indicator("|", true, false, false);
        let chars: Vec<char> = text.chars().collect();
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let chomp = match chars.last() {
            None => Some("-"),
            Some(&c) if !is_break(c) => Some("-"),
            Some(_) if chars.len() == 1 => Some("+"),
            Some(_) if is_break(chars[chars.len() - 2]) => Some("+"),
            Some(_) => None,
        };
        if let Some(h) = chomp {
            self.write_indicator(h, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

fn is_simple_key(k: &Node) -> bool {
    match k {
        Node::Scalar(text, _) => !text.chars().any(is_break) && text.len() <= 128,
        Node::Seq(items) => items.is_empty(),
        Node::Map(pairs) => pairs.is_empty(),
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_end(c: Option<char>) -> bool {
    matches!(c, None | Some(' ' | '\t')) || c.is_some_and(is_break)
}

/// libyaml's printable set: note that characters outside the BMP (emoji) are
/// not "printable" and get `\U` escapes.
fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0a
        || (0x20..=0x7e).contains(&v)
        || (0xa0..=0xd7ff).contains(&v)
        || ((0xe000..=0xfffd).contains(&v) && v != 0xfeff)
}

fn analyze(text: &str, flavor: Flavor) -> Analysis {
    if text.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain: false,
            block_plain: true,
            single: true,
            block: false,
        };
    }
    // ASCII text (nearly every scalar) is scanned as bytes, which are its
    // characters, without collecting them first.
    if text.is_ascii() {
        analyze_chars(text, text.as_bytes(), flavor)
    } else {
        let chars: Vec<char> = text.chars().collect();
        analyze_chars(text, &chars, flavor)
    }
}

/// [`analyze`] over the characters of `text`.
fn analyze_chars<C: Copy + Into<char>>(text: &str, chars: &[C], flavor: Flavor) -> Analysis {
    let n = chars.len();
    let mut block_ind = false;
    let mut flow_ind = false;
    if text.starts_with("---") || text.starts_with("...") {
        block_ind = true;
        flow_ind = true;
    }
    let (mut line_breaks, mut special, mut tabs) = (false, false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    let mut preceded_by_ws = true;
    for i in 0..n {
        let c: char = chars[i].into();
        let followed_by_ws = is_blank_or_end(chars.get(i + 1).map(|&c| c.into()));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_ind = true;
                    block_ind = true;
                }
                '?' | ':' => {
                    flow_ind = true;
                    if followed_by_ws {
                        block_ind = true;
                    }
                }
                '-' if followed_by_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_ind = true,
                ':' => {
                    flow_ind = true;
                    if followed_by_ws {
                        block_ind = true;
                    }
                }
                '#' if preceded_by_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        }
        if flavor == Flavor::V3 && c == '\t' {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_by_ws = matches!(c, ' ' | '\t') || is_break(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain: true,
        block_plain: true,
        single: true,
        block: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.flow_plain = false;
        a.block_plain = false;
        a.single = false;
    }
    if space_break || tabs || special {
        a.flow_plain = false;
        a.block_plain = false;
        a.single = false;
    }
    if space_break || special {
        a.block = false;
    }
    if line_breaks {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if flow_ind {
        a.flow_plain = false;
    }
    if block_ind {
        a.block_plain = false;
    }
    a
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    fn deep_list(depth: usize, leaves: usize) -> Node {
        let mut node = Node::Seq(vec![Node::Scalar("x".into(), Style::Plain); leaves]);
        for _ in 0..depth {
            node = Node::Map(vec![(Node::Scalar("k".into(), Style::Plain), node)]);
        }
        node
    }

    #[test]
    fn indentation_past_the_cap_is_a_limit_error() {
        // 100 levels of indentation on each of 1,000 items: ~200 KB.
        let node = deep_list(100, 1_000);
        let err = emit_within(&node, Flavor::V3, 10_000).unwrap_err();
        assert_eq!(err.kind(), super::super::error::YamlErrorKind::Limit);
        assert_eq!(
            err.message(),
            "yaml: the text exceeds the maximum output size (10000 bytes)"
        );
        let text = emit_within(&node, Flavor::V3, 1 << 20).unwrap();
        assert!(
            text.len() > 10_000 && text.ends_with("- x\n"),
            "{}",
            text.len()
        );
    }
}
