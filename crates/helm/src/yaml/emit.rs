//! A block-style YAML writer that lays text out exactly as libyaml's emitter
//! (go-yaml v2 and v3) does for `toYaml` and `toYamlPretty`.
//!
//! Only what those two encoders produce is supported: block mappings and
//! sequences, `{}`/`[]` for empty collections, and scalars whose style the
//! encoder requested (plain, double-quoted or literal) and which the emitter
//! may downgrade (plain to single-quoted, anything to double-quoted) after
//! analysing the text. Long plain and quoted scalars fold at column 80 in v2;
//! v3's encoder sets no width.
//!
//! The [`Emitter`] is driven node by node, so it writes a [`Node`] tree
//! ([`emit`]) or a value walked directly (`toYaml`, see [`super::direct`])
//! with the same layout decisions.

use super::error::YamlError;

/// The style the encoder asks for; the emitter may pick a safer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    DoubleQuoted,
    Literal,
}

/// A node to write. Map keys are scalars (the encoders stringify them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Scalar(String, Style),
    Seq(Vec<Node>),
    Map(Vec<(String, Style, Node)>),
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

/// Where a node is written: the layout of sequences and scalars depends on
/// it.
#[derive(Clone, Copy, Default)]
pub(crate) struct Ctx {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

impl Ctx {
    /// The document's top node.
    pub(crate) const ROOT: Ctx = Ctx {
        root: true,
        mapping: false,
        simple_key: false,
    };
    /// An item of a sequence.
    pub(crate) const ITEM: Ctx = Ctx {
        root: false,
        mapping: false,
        simple_key: false,
    };
    /// A mapping's value (or a key written after `? `).
    pub(crate) const VALUE: Ctx = Ctx {
        root: false,
        mapping: true,
        simple_key: false,
    };
    /// A key written on its value's line.
    const SIMPLE_KEY: Ctx = Ctx {
        root: false,
        mapping: true,
        simple_key: true,
    };
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chosen {
    Plain,
    Single,
    Double,
    Literal,
}

#[derive(Debug, PartialEq)]
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
    let mut e = Emitter::new(flavor, cap);
    e.node(node, Ctx::ROOT);
    e.finish()
}

/// The writer of one document. Callers walk their data and call, for each
/// node, [`Emitter::starts_node`] and then [`Emitter::scalar`], the empty
/// collections, or [`Emitter::begin_seq`]/[`Emitter::seq_item`] and
/// [`Emitter::begin_map`]/[`Emitter::map_key`] around the children, closing
/// with [`Emitter::end`]. The emitter owns every layout decision, so a node
/// tree ([`emit`]) and `toYaml`'s walk over a value lay out the same text.
pub(crate) struct Emitter {
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

/// The indentation to restore when a collection ends.
#[derive(Clone, Copy)]
pub(crate) struct Saved(i64);

const BEST_INDENT: i64 = 2;

impl Emitter {
    pub(crate) fn new(flavor: Flavor, cap: usize) -> Emitter {
        Emitter {
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
        }
    }

    /// Ends the document: a final line break unless at a fresh line. The
    /// text, or a limit error if it passed the cap.
    pub(crate) fn finish(mut self) -> Result<String, YamlError> {
        self.write_indent();
        if self.over {
            return Err(YamlError::limit(format!(
                "yaml: the text exceeds the maximum output size ({} bytes)",
                self.cap
            )));
        }
        Ok(self.out)
    }

    /// Called where a node starts: whether to write it. Once the text has
    /// passed the cap nothing more is written (the result is an error).
    pub(crate) fn starts_node(&mut self) -> bool {
        if self.over || self.out.len() > self.cap {
            self.over = true;
            return false;
        }
        true
    }

    /// `[]`.
    pub(crate) fn empty_seq(&mut self) {
        self.empty("[", "]");
    }

    /// `{}`.
    pub(crate) fn empty_map(&mut self) {
        self.empty("{", "}");
    }

    /// Opens a non-empty sequence written in `ctx`: go-yaml v2 writes a
    /// mapping's sequence at the key's indentation.
    pub(crate) fn begin_seq(&mut self, ctx: Ctx) -> Saved {
        let indentless = self.flavor == Flavor::V2 && ctx.mapping && !self.indention;
        Saved(self.increase_indent(false, indentless))
    }

    /// Starts a sequence item (`- `); the item follows in [`Ctx::ITEM`].
    pub(crate) fn seq_item(&mut self) {
        self.write_indent();
        self.write_indicator("-", true, false, true);
    }

    /// Opens a non-empty mapping.
    pub(crate) fn begin_map(&mut self) -> Saved {
        Saved(self.increase_indent(false, false))
    }

    /// Writes a mapping key and its `:`; the value follows in [`Ctx::VALUE`].
    /// A key of one short line goes on the value's line, others after `? `.
    pub(crate) fn map_key(&mut self, text: &str, style: Style) {
        self.write_indent();
        if is_plain_word_key(text, style) {
            // Nearly every key: written as `scalar` would write it,
            // without the rest of its decisions.
            if self.starts_node() {
                self.write_plain(text, false);
            }
            self.write_indicator(":", false, false, false);
        } else {
            self.any_key(text, style);
        }
    }

    /// [`Emitter::map_key`] after the indentation, for any key.
    fn any_key(&mut self, text: &str, style: Style) {
        let simple = text.len() <= 128 && !text.contains(['\r', '\n']) && !has_wide_break(text);
        if simple {
            if self.starts_node() {
                self.scalar(text, style, Ctx::SIMPLE_KEY);
            }
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indicator("?", true, false, true);
            if self.starts_node() {
                self.scalar(text, style, Ctx::VALUE);
            }
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
    }

    /// Closes a sequence or mapping.
    pub(crate) fn end(&mut self, saved: Saved) {
        self.indent = saved.0;
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    /// Writes text that has no line break, counting its characters.
    fn put_str(&mut self, text: &str) {
        self.out.push_str(text);
        self.column += if text.is_ascii() {
            text.len()
        } else {
            text.chars().count()
        };
    }

    /// Whether a scalar written from the current column can fold at one of
    /// its spaces: only past the best width, and only if it has a space.
    fn may_fold(&self, text: &str, allow_breaks: bool) -> bool {
        allow_breaks && self.column + text.len() > self.best_width && text.contains(' ')
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
        if !self.starts_node() {
            return;
        }
        match node {
            Node::Scalar(text, style) => self.scalar(text, *style, ctx),
            Node::Seq(items) if items.is_empty() => self.empty_seq(),
            Node::Map(pairs) if pairs.is_empty() => self.empty_map(),
            Node::Seq(items) => {
                let saved = self.begin_seq(ctx);
                for item in items {
                    self.seq_item();
                    self.node(item, Ctx::ITEM);
                }
                self.end(saved);
            }
            Node::Map(pairs) => {
                let saved = self.begin_map();
                for (key, style, value) in pairs {
                    self.map_key(key, *style);
                    self.node(value, Ctx::VALUE);
                }
                self.end(saved);
            }
        }
    }

    fn empty(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    /// Writes a scalar in the style asked for, or the safer one its text
    /// needs.
    pub(crate) fn scalar(&mut self, text: &str, style: Style, ctx: Ctx) {
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
        if !self.may_fold(text, allow_breaks) {
            // A plain scalar has no line break (the analysis forbids it).
            self.put_str(text);
            self.whitespace = false;
            self.indention = false;
            return;
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
        if !self.may_fold(text, allow_breaks)
            && !text.contains(['\'', '\r', '\n'])
            && !has_wide_break(text)
        {
            self.put_str(text);
        } else {
            self.write_single_folded(text, allow_breaks);
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// [`Emitter::write_single`]'s text, one character at a time: folding
    /// at spaces, doubling quotes, and writing line breaks as blank lines.
    fn write_single_folded(&mut self, text: &str, allow_breaks: bool) {
        let mut spaces = false;
        let mut breaks = false;
        let mut chars = text.chars().peekable();
        let mut first = true;
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && !first
                    && next.is_some_and(|n| n != ' ')
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
            first = false;
        }
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
        let plain_ascii = text
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
        if plain_ascii && !self.may_fold(text, allow_breaks) {
            self.put_str(text);
        } else {
            self.write_double_escaped(text, allow_breaks);
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// [`Emitter::write_double`]'s text, one character at a time: escapes
    /// and folding at spaces.
    fn write_double_escaped(&mut self, text: &str, allow_breaks: bool) {
        let mut spaces = false;
        let mut chars = text.chars().peekable();
        let mut first = true;
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match double_escape(c) {
                    Some(e) => self.put(e),
                    None => {
                        let v = u32::from(c);
                        let (letter, digits) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for shift in (0..digits).rev() {
                            self.put(char::from(UPPER_HEX[((v >> (shift * 4)) & 0xf) as usize]));
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && !first
                    && next.is_some()
                {
                    self.write_indent();
                    if next == Some(' ') {
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
            first = false;
        }
    }

    fn write_literal(&mut self, text: &str) {
        self.write_indicator("|", true, false, false);
        if text.starts_with(|c: char| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let mut from_end = text.chars().rev();
        let chomp = match (from_end.next(), from_end.next()) {
            (None, _) => Some("-"),
            (Some(c), _) if !is_break(c) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(before)) if is_break(before) => Some("+"),
            _ => None,
        };
        if let Some(h) = chomp {
            self.write_indicator(h, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        // Each line is written whole after its indentation (every line
        // starts after the header's break or a break of the text).
        let mut rest = text;
        while !rest.is_empty() {
            let end = rest.find(is_break).unwrap_or(rest.len());
            if end > 0 {
                self.write_indent();
                self.put_str(&rest[..end]);
                self.indention = false;
            }
            let Some(c) = rest[end..].chars().next() else {
                break;
            };
            self.write_break(c);
            self.indention = true;
            rest = &rest[end + c.len_utf8()..];
        }
    }
}

/// A short key of printable ASCII without spaces that may stay plain: one
/// line, no analysis beyond the word's, no folding.
fn is_plain_word_key(text: &str, style: Style) -> bool {
    style == Style::Plain && text.len() <= 128 && analyze_word(text).is_some_and(|a| a.block_plain)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// NEL, U+2028 or U+2029: the line breaks that are not ASCII.
fn has_wide_break(text: &str) -> bool {
    !text.is_ascii() && text.contains(['\u{85}', '\u{2028}', '\u{2029}'])
}

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// libyaml's short escapes in double-quoted scalars.
fn double_escape(c: char) -> Option<char> {
    Some(match c {
        '\0' => '0',
        '\u{7}' => 'a',
        '\u{8}' => 'b',
        '\t' => 't',
        '\n' => 'n',
        '\u{b}' => 'v',
        '\u{c}' => 'f',
        '\r' => 'r',
        '\u{1b}' => 'e',
        '"' => '"',
        '\\' => '\\',
        '\u{85}' => 'N',
        '\u{a0}' => '_',
        '\u{2028}' => 'L',
        '\u{2029}' => 'P',
        _ => return None,
    })
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
    if let Some(a) = analyze_word(text) {
        return a;
    }
    // Other ASCII text is scanned as bytes, which are its characters.
    if text.is_ascii() {
        analyze_chars(text, text.bytes().map(char::from), text.len(), flavor, true)
    } else {
        analyze_chars(text, text.chars(), text.chars().count(), flavor, true)
    }
}

/// Byte classes for [`analyze_word`]: bytes that need the full analysis
/// (space, controls, DEL, non-ASCII), and flow indicators.
const FULL: u8 = 1;
const FLOW: u8 = 2;
static WORD_CLASS: [u8; 256] = {
    let mut t = [FULL; 256];
    let mut b = 0x21;
    while b < 0x7f {
        t[b] = 0;
        b += 1;
    }
    t[b',' as usize] = FLOW;
    t[b'?' as usize] = FLOW;
    t[b'[' as usize] = FLOW;
    t[b']' as usize] = FLOW;
    t[b'{' as usize] = FLOW;
    t[b'}' as usize] = FLOW;
    t[b':' as usize] = FLOW;
    t
};

/// The analysis of printable ASCII without spaces (names, labels, image
/// tags, numbers: nearly every scalar) in one pass over a byte table, or
/// `None` for other text. Without whitespace or breaks only indicators
/// matter: any flow indicator rules out flow-plain, the first character's
/// indicators (and a lone `-`, `?` or `:`, a trailing `:`, a `---`/`...`
/// start) rule out block-plain, and `#` is never preceded by whitespace.
fn analyze_word(text: &str) -> Option<Analysis> {
    let bytes = text.as_bytes();
    let (&first, &last) = (bytes.first()?, bytes.last()?);
    let class = bytes
        .iter()
        .fold(0, |acc, &b| acc | WORD_CLASS[usize::from(b)]);
    if class & FULL != 0 {
        return None;
    }
    let document_marker = text.starts_with("---") || text.starts_with("...");
    let block_ind = document_marker
        || matches!(
            first,
            b'#' | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
        )
        || (bytes.len() == 1 && matches!(first, b'?' | b':' | b'-'))
        || last == b':';
    let flow_ind = block_ind || class & FLOW != 0;
    Some(Analysis {
        multiline: false,
        flow_plain: !flow_ind,
        block_plain: !block_ind,
        single: true,
        block: true,
    })
}

/// [`analyze`] over the `n` characters of `text`. With `shortcut`, a
/// character after the first that can change nothing but the "previous
/// character" state (printable ASCII other than space, `#` and the flow
/// indicators) skips the rest of the checks; the tests compare both ways.
fn analyze_chars(
    text: &str,
    chars: impl Iterator<Item = char>,
    n: usize,
    flavor: Flavor,
    shortcut: bool,
) -> Analysis {
    let mut chars = chars.peekable();
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
    let mut i = 0;
    while let Some(c) = chars.next() {
        if shortcut && i > 0 && c.is_ascii() && c != '#' && WORD_CLASS[usize::from(c as u8)] == 0 {
            prev_space = false;
            prev_break = false;
            preceded_by_ws = false;
            i += 1;
            continue;
        }
        let followed_by_ws = is_blank_or_end(chars.peek().copied());
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
        i += 1;
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
mod tests;
