//! Flow collections for the fast reader: `[...]` and `{...}` of scalars and
//! of nested flow collections, on one line or over several (JSON written as
//! YAML, as some values files are). Plain scalars stay on one line and may
//! not hold `:` or `#`; comments and `[a, ]` trailing commas bail.

use std::borrow::Cow;

use super::{Reader, Sink, double_quoted, leading_spaces, plain_start, single_quoted};
use crate::yaml::scalar::{Resolved, Schema, resolve};

/// A place in the text: line index and byte column.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pos {
    pub(super) line: usize,
    pub(super) col: usize,
}

impl<'a, S: Sink> Reader<'a, S> {
    /// The byte at `p`, `None` at the end of its line.
    fn byte(&self, p: Pos) -> Option<u8> {
        self.lines[p.line].as_bytes().get(p.col).copied()
    }

    /// Skips spaces and line ends inside a flow collection. Continuation
    /// lines must be indented past the enclosing block collection
    /// (`parent`) and may not be document markers, comments or hold tabs.
    fn skip_flow_space(&self, mut p: Pos, parent: isize) -> Option<Pos> {
        loop {
            let line = self.lines[p.line];
            p.col += leading_spaces(&line[p.col..]);
            match line.as_bytes().get(p.col) {
                Some(b'\t' | b'#') => return None,
                Some(_) => return Some(p),
                None => {
                    if p.line + 1 >= self.lines.len() || !self.has_newline(p.line) {
                        return None;
                    }
                    p = Pos {
                        line: p.line + 1,
                        col: 0,
                    };
                    let next = self.lines[p.line];
                    let s = leading_spaces(next);
                    if s == next.len() {
                        continue;
                    }
                    if (s as isize) <= parent || next.starts_with("---") || next.starts_with("...")
                    {
                        return None;
                    }
                }
            }
        }
    }

    /// The flow collection opening at `start`; returns it and the position
    /// after its closing bracket.
    pub(super) fn flow(
        &mut self,
        start: Pos,
        parent: isize,
        depth: usize,
        want: S::Want,
    ) -> Option<(S::Node, Pos)> {
        if depth > self.max_depth {
            return None;
        }
        self.count()?;
        let seq = self.byte(start)? == b'[';
        let close = if seq { b']' } else { b'}' };
        let mut p = self.skip_flow_space(
            Pos {
                line: start.line,
                col: start.col + 1,
            },
            parent,
        )?;
        let mut items = S::Seq::default();
        let mut pairs = S::Map::default();
        if self.byte(p)? != close {
            loop {
                if seq {
                    let (v, end) = self.flow_value(p, close, parent, depth, S::item_want(want))?;
                    S::push(want, &mut items, v);
                    p = end;
                } else {
                    let (k, end) = self.flow_key(p, S::keeps_text(want))?;
                    self.count()?;
                    p = self.skip_flow_space(end, parent)?;
                    let value_want = S::value_want(want, &k);
                    let (v, end) = self.flow_value(p, close, parent, depth, value_want)?;
                    S::insert(want, &mut pairs, k, v);
                    p = end;
                }
                p = self.skip_flow_space(p, parent)?;
                match self.byte(p)? {
                    b',' => {
                        p.col += 1;
                        p = self.skip_flow_space(p, parent)?;
                        if matches!(self.byte(p)?, b']' | b'}' | b',') {
                            return None;
                        }
                    }
                    c if c == close => break,
                    _ => return None,
                }
            }
        }
        let v = if seq {
            S::seq(want, items)
        } else {
            S::map(want, pairs)
        };
        p.col += 1;
        Some((v, p))
    }

    /// A value inside a flow collection: a nested collection or a scalar.
    fn flow_value(
        &mut self,
        p: Pos,
        close: u8,
        parent: isize,
        depth: usize,
        want: S::Want,
    ) -> Option<(S::Node, Pos)> {
        let line: &'a str = self.lines[p.line];
        let rest = &line[p.col..];
        let (v, len) = match rest.as_bytes().first()? {
            b'[' | b'{' => return self.flow(p, parent, depth + 1, want),
            b'"' => {
                let (s, end) = double_quoted(rest, S::keeps_text(want), self.tabs)?;
                (S::string(want, s), end)
            }
            b'\'' => {
                let (s, end) = single_quoted(rest, S::keeps_text(want), self.tabs)?;
                (S::string(want, s), end)
            }
            _ => {
                let end = flow_plain_end(rest, close)?;
                let text = rest[..end].trim_end_matches(' ');
                (S::plain(want, text)?, end)
            }
        };
        self.count()?;
        Some((
            v,
            Pos {
                line: p.line,
                col: p.col + len,
            },
        ))
    }

    /// A flow mapping key and its `:` (followed by a space or the end of
    /// the line); returns the key (built only when `keep`) and the
    /// position after the colon.
    fn flow_key(&self, p: Pos, keep: bool) -> Option<(Cow<'a, str>, Pos)> {
        let line: &'a str = self.lines[p.line];
        let rest = &line[p.col..];
        let (key, end) = match rest.as_bytes().first()? {
            b'"' => double_quoted(rest, keep, self.tabs)?,
            b'\'' => single_quoted(rest, keep, self.tabs)?,
            _ => {
                if !plain_start(rest) || rest.starts_with(['-', '?']) {
                    return None;
                }
                let end = rest.bytes().position(|c| c == b':')?;
                let text = &rest[..end];
                let odd = text.bytes().any(|c| {
                    matches!(
                        c,
                        b'[' | b']' | b'{' | b'}' | b'#' | b',' | b'\t' | b'"' | b'\''
                    )
                });
                if odd || text.ends_with(' ') || text == "<<" || text.len() > super::MAX_KEY_LEN {
                    return None;
                }
                match resolve(text, Schema::V2) {
                    Resolved::Str | Resolved::Timestamp => {}
                    _ => return None,
                }
                (Cow::Borrowed(text), end)
            }
        };
        if end > super::MAX_KEY_LEN {
            return None;
        }
        let tail = &rest.as_bytes()[end..];
        if tail.first() != Some(&b':') || tail.get(1).is_some_and(|&c| c != b' ') {
            return None;
        }
        Some((
            key,
            Pos {
                line: p.line,
                col: p.col + end + 1,
            },
        ))
    }
}

/// Where a plain scalar inside a flow collection ends: at `,` or the
/// closing bracket on the same line, or at the line's end.
fn flow_plain_end(rest: &str, close: u8) -> Option<usize> {
    if !plain_start(rest) || rest.starts_with(['-', '?']) {
        return None;
    }
    for (i, &c) in rest.as_bytes().iter().enumerate() {
        match c {
            b',' => return Some(i),
            c if c == close => return Some(i),
            b'[' | b']' | b'{' | b'}' | b'#' | b':' | b'\t' | b'"' | b'\'' => return None,
            _ => {}
        }
    }
    Some(rest.len())
}
