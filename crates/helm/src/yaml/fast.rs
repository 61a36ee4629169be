//! A fast reader for the YAML that values files and rendered manifests are
//! made of, tried before the full reader ([`super::load`]).
//!
//! One pass over the lines, straight to the result: template values for
//! [`super::unmarshal_with`] ([`unmarshal`]), go-yaml's values to compare
//! with the full reader ([`decode_first`]), or only the head of a rendered
//! manifest ([`read_head`], which builds nothing of the rest). What is
//! built is a [`sink::Sink`]'s business; the reader reads and checks every
//! node the same way whatever is kept, so all three bail on the same
//! texts. It reads block mappings and
//! sequences (also at their parent key's indentation), one-line plain,
//! single- and double-quoted scalars, flow collections of scalars and flow
//! collections (JSON), literal and folded block scalars, comments, a
//! leading `---`. Plain scalars are resolved by [`super::scalar::resolve`],
//! as the full reader resolves them.
//!
//! The rule that makes it safe: the reader answers only when it is
//! sure the full reader would decode the same value without error, and
//! otherwise says "not sure" (`None`) and the full reader runs. It never
//! reports an error of its own. Anything outside the subset bails: anchors,
//! aliases, tags, merge keys, complex keys, directives, tabs outside block
//! scalar text, CR line ends, a BOM, multi-line plain or quoted scalars,
//! non-string keys, a second document, empty documents, and documents near
//! the [`Limits`]. `tests/yaml_fast.rs`, `tests/manifest_heads.rs` and
//! the `helm_yaml_fast` fuzz target hold it to that against the full
//! reader.
//!
//! Here: lines, block collections and plain scalars. Elsewhere: flow
//! collections ([`flow`]), block scalars ([`block`]), quoted scalars
//! ([`quoted`]) and the byte scans under them ([`scan`]), what is built
//! ([`sink`], [`head`]), the loop that reads the subtrees the head reader
//! keeps nothing of ([`skip`]), test and benchmark hooks ([`hooks`]).

mod block;
mod flow;
mod head;
mod hooks;
mod json;
mod quoted;
mod scan;
mod sink;
mod skip;

use std::borrow::Cow;
use std::cell::Cell;
use std::marker::PhantomData;

use capstan_gotmpl::Value;
use capstan_gotmpl::format::words::HIGHS;
use flow::Pos;
use quoted::{double_quoted, single_quoted};
use scan::{PlainStop, plain_stop};
use sink::{GoSink, Sink, SkipSink, ValueSink};

pub(crate) use head::read_head;
pub use head::resource_fields;
pub use hooks::{Via, fast_agrees, head_agrees, unmarshal_via};
pub use json::read_json;

use super::error::allowed_char;
use super::load::{GoYaml, Limits};
use super::scalar::{Resolved, Schema, resolve};

/// Deepest nesting the fast reader follows (its recursion is bounded by
/// this; real documents stay far below).
const MAX_FAST_DEPTH: usize = 200;

/// Longest key accepted: libyaml refuses simple keys over 1024 characters.
const MAX_KEY_LEN: usize = 1000;

/// The first document of `text` decoded as [`super::load::decode_first`]
/// (the full reader) decodes it, or `None` when the text is outside the
/// subset (the full reader then decides, errors included).
pub(crate) fn decode_first(text: &str, limits: &Limits) -> Option<GoYaml> {
    read::<GoSink>(text, limits)
}

/// The first document of `text` as template values, as
/// [`super::unmarshal_with`] reads it (decoding, then the JSON round trip
/// of [`super::convert::to_value`]), without the intermediate Go values;
/// `None` when the text is outside the subset or the round trip would
/// fail (infinities and NaN).
pub(crate) fn unmarshal(text: &str, limits: &Limits) -> Option<Value> {
    read::<ValueSink>(text, limits)
}

fn read<S: Sink>(text: &str, limits: &Limits) -> Option<S::Node> {
    if text.len() > limits.max_bytes || !plain_text(text) {
        return None;
    }
    let mut lines = split_lines(text);
    let ends_nl = text.ends_with('\n');
    if ends_nl {
        lines.pop();
    }
    let mut r = Reader::<S> {
        lines,
        ends_nl,
        nodes: 1,
        max_nodes: limits.max_nodes,
        max_depth: limits.max_depth.min(MAX_FAST_DEPTH),
        tabs: memchr::memchr(b'\t', text.as_bytes()).is_some(),
        last_next: Cell::new((usize::MAX, None)),
        frames: Vec::new(),
        sink: PhantomData,
    };
    // A leading document start, alone on its line (or with a comment),
    // after nothing but blank and comment lines.
    let mut start = 0;
    for (i, line) in r.lines.iter().enumerate() {
        let t = line.trim_start_matches(' ');
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("---") {
            let after = rest.trim_start_matches(' ');
            if !(after.is_empty() || (after.starts_with('#') && after.len() < rest.len())) {
                return None;
            }
            start = i + 1;
        }
        break;
    }
    let (first, indent) = r.next(start)??;
    let (value, after) = r.block_node(first, indent, -1, 0, S::ROOT)?;
    match r.next(after)? {
        None => Some(value),
        Some(_) => None,
    }
}

/// `text` split at `\n` as `str::split` splits it. Each line's end is
/// looked for by SSE2 (part of x86-64: no run-time dispatch) in its first
/// [`SHORT_LINE`] bytes, and only past them by `memchr`, which picks the
/// widest vectors there are: most of a manifest's lines are a few dozen
/// bytes, where a dispatched search costs more in setting up than in
/// searching, and a few (JSON in a ConfigMap) are many kilobytes. (Eight
/// bytes at a time with [`scan::flags`] was tried: about as dear on short
/// lines, four times dearer on long ones.)
fn split_lines(text: &str) -> Vec<&str> {
    // Manifests' lines are a few dozen bytes: one allocation most times.
    let mut lines = Vec::with_capacity(text.len() / 24 + 2);
    let b = text.as_bytes();
    let short = ShortSearch::new();
    let mut start = 0;
    loop {
        let head = &b[start..b.len().min(start + SHORT_LINE)];
        let end = match short.find(head) {
            Some(k) => start + k,
            None if head.len() < SHORT_LINE => break,
            None => match memchr::memchr(b'\n', &b[start + SHORT_LINE..]) {
                Some(k) => start + SHORT_LINE + k,
                None => break,
            },
        };
        lines.push(&text[start..end]);
        start = end + 1;
    }
    lines.push(&text[start..]);
    lines
}

/// Bytes of a line searched by [`ShortSearch`] before `memchr`.
const SHORT_LINE: usize = 64;

/// A search for `\n` in a few dozen bytes.
struct ShortSearch {
    #[cfg(target_arch = "x86_64")]
    sse2: Option<memchr::arch::x86_64::sse2::memchr::One>,
}

impl ShortSearch {
    fn new() -> ShortSearch {
        ShortSearch {
            #[cfg(target_arch = "x86_64")]
            sse2: memchr::arch::x86_64::sse2::memchr::One::new(b'\n'),
        }
    }

    #[inline]
    fn find(&self, b: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(sse2) = &self.sse2 {
            return sse2.find(b);
        }
        memchr::memchr(b'\n', b)
    }
}

/// Text whose characters need no care: printable ASCII, tabs and line
/// feeds, or other characters libyaml accepts that are not line breaks
/// (NEL, LS, PS) or a byte order mark. CR line ends are left to the full
/// reader.
fn plain_text(text: &str) -> bool {
    // One pass without branches or early exits, so the loop vectorises
    // (the slow check below is for the rare texts it turns down).
    // Bytes below a space, DEL and non-ASCII bytes (which all wrap past
    // 0x7f when one is added) are looked at; of them, only tabs and line
    // feeds need no care.
    let other = text.as_bytes().iter().fold(0u8, |acc, &b| {
        let care = (b.wrapping_add(1) as i8) <= 0x20;
        acc | u8::from(care & (b != b'\n') & (b != b'\t'))
    });
    other == 0
        || text.chars().all(|c| {
            allowed_char(c) && !matches!(c, '\r' | '\u{feff}' | '\u{85}' | '\u{2028}' | '\u{2029}')
        })
}

/// The next content line and its indentation; `Some(None)` when no
/// content follows, `None` to bail.
type NextLine = Option<Option<(usize, usize)>>;

/// What a line is, outside block scalars.
enum LineKind {
    Blank,
    Comment,
    Content(usize),
}

struct Reader<'a, S> {
    /// The lines without their `\n`; the last one has none when `!ends_nl`.
    lines: Vec<&'a str>,
    ends_nl: bool,
    /// Nodes decoded so far, counted from 1 as the full reader counts.
    nodes: usize,
    max_nodes: usize,
    max_depth: usize,
    /// Whether the text holds a tab anywhere (most hold none, and then
    /// plain scalars need no looking for them).
    tabs: bool,
    /// The last question [`Reader::next`] answered, and its answer.
    last_next: Cell<(usize, NextLine)>,
    /// The open collections of [`Reader::skip_value`], kept for the next
    /// subtree skipped.
    frames: Vec<skip::Frame>,
    sink: PhantomData<S>,
}

/// The spaces `line` starts with: most indentations end within the first
/// eight bytes, counted in one step.
#[inline]
fn leading_spaces(line: &str) -> usize {
    let b = line.as_bytes();
    let Some(word) = b.first_chunk::<{ scan::WORD }>() else {
        return b.iter().take_while(|&&c| c == b' ').count();
    };
    let others = !scan::flags(u64::from_le_bytes(*word), b' ') & HIGHS;
    if others != 0 {
        return scan::first(others);
    }
    scan::WORD + b[scan::WORD..].iter().take_while(|&&c| c == b' ').count()
}

fn is_seq_entry(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ")
}

/// A comment may start here: `#` after a space (or at the start of text).
fn comment_or_end(rest: &str, had_space: bool) -> bool {
    rest.is_empty() || (had_space && rest.starts_with('#'))
}

/// Whether a plain scalar may start with `rest` (block context); quoted,
/// flow and block scalars are told apart before this is asked.
fn plain_start(rest: &str) -> bool {
    let b = rest.as_bytes();
    match b.first() {
        None => false,
        Some(b'-' | b'?' | b':') => b.get(1).is_some_and(|&c| c != b' ' && c != b'\t'),
        Some(
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b' ' | b'\t',
        ) => false,
        Some(_) => true,
    }
}

/// A key being looked for at the start of a node.
enum KeyScan<'a> {
    /// Not a mapping key: the node is a scalar.
    NotKey,
    /// The key (empty when not kept) and the column after its `:`.
    Key(Cow<'a, str>, usize),
}

impl<'a, S: Sink> Reader<'a, S> {
    fn has_newline(&self, i: usize) -> bool {
        i + 1 < self.lines.len() || self.ends_nl
    }

    /// The kind of line `i`; `None` (bail) for tabs in indentation and for
    /// document markers and directives.
    #[inline]
    fn kind(&self, i: usize) -> Option<LineKind> {
        let line = self.lines[i];
        let s = leading_spaces(line);
        let rest = &line[s..];
        Some(match rest.as_bytes().first() {
            None => LineKind::Blank,
            Some(b'#') => LineKind::Comment,
            Some(b'\t') => return None,
            Some(b'%') if s == 0 => return None,
            Some(b'-' | b'.') if s == 0 && (rest.starts_with("---") || rest.starts_with("...")) => {
                return None;
            }
            Some(_) => LineKind::Content(s),
        })
    }

    /// The next content line at or after `from` and its indentation;
    /// `Some(None)` when no content follows, `None` for a line the reader
    /// does not handle.
    #[inline]
    fn next(&self, from: usize) -> NextLine {
        // A value's end is found by looking at the next line, and then its
        // collection looks again from the same line: answer that twice.
        let (asked, answer) = self.last_next.get();
        if asked == from {
            return answer;
        }
        let answer = self.next_from(from);
        self.last_next.set((from, answer));
        answer
    }

    fn next_from(&self, from: usize) -> NextLine {
        for i in from..self.lines.len() {
            match self.kind(i)? {
                LineKind::Blank | LineKind::Comment => {}
                LineKind::Content(s) => return Some(Some((i, s))),
            }
        }
        Some(None)
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes < self.max_nodes).then_some(())
    }

    /// The node starting at column `col` of line `line` (its indentation
    /// when it is a collection); `parent` is the enclosing collection's
    /// indentation (-1 at the root). Returns the value and the first line
    /// after it.
    fn block_node(
        &mut self,
        line: usize,
        col: usize,
        parent: isize,
        depth: usize,
        want: S::Want,
    ) -> Option<(S::Node, usize)> {
        let rest = &self.lines[line][col..];
        if is_seq_entry(rest) {
            return self.sequence(line, col, depth + 1, want);
        }
        match self.key_at(line, col, S::keeps_text(want))? {
            KeyScan::Key(key, after) => self.mapping(line, col, depth + 1, (key, after), want),
            KeyScan::NotKey => self.inline_scalar(line, col, parent, depth, want),
        }
    }

    /// After a value that ended on line `line`: the next content line must
    /// not be indented past `parent` (that would continue a plain scalar, or
    /// be an error).
    #[inline]
    fn ends_at(&self, line: usize, parent: isize) -> Option<usize> {
        match self.next(line + 1)? {
            Some((_, ind)) if ind as isize > parent => None,
            _ => Some(line + 1),
        }
    }

    fn sequence(
        &mut self,
        line: usize,
        indent: usize,
        depth: usize,
        want: S::Want,
    ) -> Option<(S::Node, usize)> {
        if depth > self.max_depth {
            return None;
        }
        self.count()?;
        let item_want = S::item_want(want);
        let mut items = S::Seq::default();
        let mut cur = line;
        loop {
            let l = self.lines[cur];
            let after_dash = &l[indent + 1..];
            let spaces = leading_spaces(after_dash);
            let item_col = indent + 1 + spaces;
            let item_rest = &l[item_col..];
            let (value, after) = if S::skips(item_want) {
                let after = self.skipping(|r| {
                    r.skip_item(
                        cur,
                        indent,
                        item_col,
                        comment_or_end(item_rest, spaces > 0),
                        depth,
                    )
                })?;
                (S::skipped(item_want), after)
            } else {
                self.item(
                    cur,
                    indent,
                    item_col,
                    comment_or_end(item_rest, spaces > 0),
                    depth,
                    item_want,
                )?
            };
            S::push(want, &mut items, value);
            match self.next(after)? {
                Some((n, ind)) => {
                    if ind > indent {
                        return None;
                    }
                    if ind == indent && is_seq_entry(&self.lines[n][indent..]) {
                        cur = n;
                        continue;
                    }
                    return Some((S::seq(want, items), after));
                }
                None => return Some((S::seq(want, items), after)),
            }
        }
    }

    /// The mapping whose first key (already read: the key and the column
    /// after its colon) is at `indent` on `line`.
    fn mapping(
        &mut self,
        line: usize,
        indent: usize,
        depth: usize,
        first: (Cow<'a, str>, usize),
        want: S::Want,
    ) -> Option<(S::Node, usize)> {
        if depth > self.max_depth {
            return None;
        }
        self.count()?;
        let mut pairs = S::Map::default();
        let mut cur = line;
        let mut next_key = Some(first);
        loop {
            let (key, after_colon) = match next_key.take() {
                Some(k) => k,
                None => match self.key_at(cur, indent, S::keeps_text(want))? {
                    KeyScan::Key(key, after) => (key, after),
                    KeyScan::NotKey => return None,
                },
            };
            self.count()?;
            let value_want = S::value_want(want, &key);
            let (value, after) = if S::skips(value_want) {
                let after = self.skipping(|r| r.skip_value(cur, after_colon, indent, depth))?;
                (S::skipped(value_want), after)
            } else {
                self.value(cur, after_colon, indent, depth, value_want)?
            };
            S::insert(want, &mut pairs, key, value);
            match self.next(after)? {
                Some((n, ind)) => {
                    if ind > indent {
                        return None;
                    }
                    if ind < indent {
                        return Some((S::map(want, pairs), after));
                    }
                    cur = n;
                }
                None => return Some((S::map(want, pairs), after)),
            }
        }
    }

    /// A sequence item: at `item_col` of `line` (the entry `-` at
    /// `indent`), or, when the entry's line ends there (`empty`), on the
    /// next lines or null.
    fn item(
        &mut self,
        line: usize,
        indent: usize,
        item_col: usize,
        empty: bool,
        depth: usize,
        want: S::Want,
    ) -> Option<(S::Node, usize)> {
        if !empty {
            return self.block_node(line, item_col, indent as isize, depth, want);
        }
        match self.next(line + 1)? {
            Some((n, ind)) if ind > indent => self.block_node(n, ind, indent as isize, depth, want),
            _ => {
                self.count()?;
                Some((S::null(want), line + 1))
            }
        }
    }

    /// The value of a mapping key at `indent` whose `:` ends before
    /// `after_colon` on `line`: on the same line, on the next lines, or
    /// null.
    fn value(
        &mut self,
        line: usize,
        after_colon: usize,
        indent: usize,
        depth: usize,
        want: S::Want,
    ) -> Option<(S::Node, usize)> {
        let l = self.lines[line];
        let spaces = leading_spaces(&l[after_colon..]);
        let vcol = after_colon + spaces;
        if !comment_or_end(&l[vcol..], spaces > 0) {
            return self.inline_scalar(line, vcol, indent as isize, depth, want);
        }
        match self.next(line + 1)? {
            Some((n, ind)) if ind > indent => self.block_node(n, ind, indent as isize, depth, want),
            Some((n, ind)) if ind == indent && is_seq_entry(&self.lines[n][indent..]) => {
                self.sequence(n, indent, depth + 1, want)
            }
            _ => {
                self.count()?;
                Some((S::null(want), line + 1))
            }
        }
    }

    /// Runs `read` with this reader's state on a reader that builds
    /// nothing ([`SkipSink`]): the same code reads and checks the subtree,
    /// counting its nodes into this reader's count.
    fn skipping<T>(
        &mut self,
        read: impl FnOnce(&mut Reader<'a, SkipSink>) -> Option<T>,
    ) -> Option<T> {
        let mut skipper = Reader::<SkipSink> {
            lines: std::mem::take(&mut self.lines),
            ends_nl: self.ends_nl,
            nodes: self.nodes,
            max_nodes: self.max_nodes,
            max_depth: self.max_depth,
            tabs: self.tabs,
            last_next: Cell::new(self.last_next.get()),
            frames: std::mem::take(&mut self.frames),
            sink: PhantomData,
        };
        let out = read(&mut skipper);
        self.lines = skipper.lines;
        self.frames = skipper.frames;
        self.nodes = skipper.nodes;
        self.last_next.set(skipper.last_next.get());
        out
    }

    /// Whether the text at `col` of `line` is a mapping key (`key:` followed
    /// by a space or the end of the line); `None` to bail. A quoted key's
    /// value is built only when `keep`.
    fn key_at(&self, line: usize, col: usize, keep: bool) -> Option<KeyScan<'a>> {
        let l: &'a str = self.lines[line];
        let rest = &l[col..];
        let (key, after) = match rest.as_bytes().first() {
            Some(b'"') => double_quoted(rest, keep, self.tabs)?,
            Some(b'\'') => single_quoted(rest, keep, self.tabs)?,
            _ => {
                if !plain_start(rest) {
                    return Some(KeyScan::NotKey);
                }
                let end = match plain_stop(rest.as_bytes(), self.tabs) {
                    PlainStop::Colon(end) => end,
                    PlainStop::Comment(_) | PlainStop::End => return Some(KeyScan::NotKey),
                    PlainStop::Tab => return None,
                };
                let text = rest[..end].trim_end_matches(' ');
                if text.len() > MAX_KEY_LEN || text.len() != end || text == "<<" {
                    return None;
                }
                if !surely_string(text.as_bytes()) {
                    match resolve(text, Schema::V2) {
                        Resolved::Str | Resolved::Timestamp => {}
                        _ => return None,
                    }
                }
                return Some(KeyScan::Key(Cow::Borrowed(text), col + end + 1));
            }
        };
        // A quoted scalar: a key when `:` and a space (or the end) follow.
        let tail = &rest[after..];
        let b = tail.as_bytes();
        if b.first() == Some(&b':') && (b.len() == 1 || b[1] == b' ') {
            if after > MAX_KEY_LEN {
                return None;
            }
            return Some(KeyScan::Key(key, col + after + 1));
        }
        Some(KeyScan::NotKey)
    }

    /// A scalar starting at `col` of `line` (not a key): plain, quoted,
    /// flow or block.
    fn inline_scalar(
        &mut self,
        line: usize,
        col: usize,
        parent: isize,
        depth: usize,
        want: S::Want,
    ) -> Option<(S::Node, usize)> {
        let l: &'a str = self.lines[line];
        let rest = &l[col..];
        match rest.as_bytes().first()? {
            b'"' | b'\'' => {
                let keep = S::keeps_text(want);
                let (s, end) = if rest.starts_with('"') {
                    double_quoted(rest, keep, self.tabs)?
                } else {
                    single_quoted(rest, keep, self.tabs)?
                };
                trailer(&rest[end..])?;
                self.count()?;
                Some((S::string(want, s), self.ends_at(line, parent)?))
            }
            b'[' | b'{' => {
                let (v, end) = self.flow(Pos { line, col }, parent, depth + 1, want)?;
                trailer(&self.lines[end.line][end.col..])?;
                Some((v, self.ends_at(end.line, parent)?))
            }
            b'|' | b'>' => self.block_scalar(line, col, parent, want),
            _ => {
                if !plain_start(rest) {
                    return None;
                }
                let text = plain_in_block(rest, self.tabs)?;
                self.count()?;
                Some((S::plain(want, text)?, self.ends_at(line, parent)?))
            }
        }
    }
}

/// Whether a plain scalar resolves to a string without asking
/// [`resolve`]: most keys. Starting with a letter, it is a number or
/// timestamp never, and one of the YAML 1.1 booleans and nulls (none
/// longer than five bytes, each starting with one of `yYnNtTfFoO`) at
/// most.
fn surely_string(text: &[u8]) -> bool {
    match text.first() {
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O') => text.len() > 5,
        Some(c) => c.is_ascii_alphabetic(),
        None => false,
    }
}

/// After a closed scalar or flow collection: spaces, then the end of the
/// line or a comment.
fn trailer(tail: &str) -> Option<()> {
    let spaces = leading_spaces(tail);
    comment_or_end(&tail[spaces..], spaces > 0).then_some(())
}

/// A plain scalar in block context running to the end of the line or a
/// comment; `None` when it holds `: `, ends with `:` or has a tab.
fn plain_in_block(rest: &str, tabs: bool) -> Option<&str> {
    let end = match plain_stop(rest.as_bytes(), tabs) {
        PlainStop::Comment(end) => end,
        PlainStop::End => rest.len(),
        PlainStop::Colon(_) | PlainStop::Tab => return None,
    };
    let text = rest[..end].trim_end_matches(' ');
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use crate::yaml::scalar::{Resolved, Schema, resolve};

    #[test]
    fn surely_strings_resolve_to_strings() {
        let mut words: Vec<String> = [
            "",
            "y",
            "Y",
            "yes",
            "Yes",
            "YES",
            "n",
            "N",
            "no",
            "No",
            "NO",
            "on",
            "On",
            "ON",
            "off",
            "Off",
            "OFF",
            "true",
            "True",
            "TRUE",
            "false",
            "False",
            "FALSE",
            "null",
            "Null",
            "NULL",
            "~",
            "<<",
            ".inf",
            "-.inf",
            ".nan",
            "1",
            "0x1f",
            "2001-12-14",
            "1e3",
            "nan",
            "inf",
            "name",
            "namespace",
            "targetPort",
            "offset",
            "yellow",
            "onion",
            "falsey",
            "nullable",
            "_x",
            "Z",
        ]
        .iter()
        .map(|w| w.to_string())
        .collect();
        // Every word of up to three bytes over letters that start the
        // special words, and digits.
        let alphabet = [
            "y", "e", "s", "n", "o", "f", "a", "l", "t", "r", "u", "1", "N", "O",
        ];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    words.push(format!("{a}{b}{c}"));
                    words.push(format!("{a}{b}"));
                }
            }
        }
        for w in &words {
            if super::surely_string(w.as_bytes()) {
                assert_eq!(resolve(w, Schema::V2), Resolved::Str, "{w:?}");
            }
        }
        assert!(super::surely_string(b"namespace"));
        assert!(!super::surely_string(b"no"));
    }

    #[test]
    fn plain_text_takes_what_needs_no_care() {
        let reference = |text: &str| {
            text.chars().all(|c| {
                crate::yaml::error::allowed_char(c)
                    && !matches!(c, '\r' | '\u{feff}' | '\u{85}' | '\u{2028}' | '\u{2029}')
            })
        };
        let specials = [
            '\u{85}', '\u{a0}', 'é', '\u{2028}', '\u{feff}', '😀', '\u{fffe}',
        ];
        for c in (0..128u8).map(char::from).chain(specials) {
            for pad in [0, 5, 31, 64, 100] {
                let text = format!("{}{c}{}", "a: b\n".repeat(pad / 5), "x".repeat(pad % 7));
                assert_eq!(super::plain_text(&text), reference(&text), "{c:?} {pad}");
            }
        }
    }

    #[test]
    fn lines_split_as_str_split() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "\n\nb",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
            "é\nü\n\n日本\nlast",
        ] {
            let expected: Vec<&str> = text.split('\n').collect();
            assert_eq!(super::split_lines(text), expected, "{text:?}");
        }
        // Lines around the length searched before `memchr`, and long ones.
        for len in [
            0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 5000,
        ] {
            let line = "x".repeat(len);
            for text in [
                line.clone(),
                format!("{line}\n"),
                format!("{line}\n{line}"),
                format!("a\n{line}\n\nb\n{line}\n"),
            ] {
                let expected: Vec<&str> = text.split('\n').collect();
                assert_eq!(super::split_lines(&text), expected, "{len}");
            }
        }
    }
}
