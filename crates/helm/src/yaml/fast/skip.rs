//! Reading and checking a subtree that nothing is kept of (what the head
//! reader does to `spec`, `metadata.labels` and the like), without the
//! generic reader's recursion.
//!
//! The generic reader ([`super::Reader::value`] and the functions under it
//! on [`SkipSink`]) decides a block subtree by recursion: a mapping reads
//! each key's value, a sequence each item, and each of them looks at the
//! next content line to see whether it goes on. Here the same decisions
//! are taken by one loop over the lines with the open collections on a
//! stack ([`Frame`]): a mapping or sequence is pushed where the generic
//! reader would call into it, popped where it would return, and every
//! check on the way (indentation, keys, depth, the node count) is the one
//! the generic reader makes at that point, so the subtree ends on the same
//! line and bails on the same texts. The leaves the loop is not sure of in
//! a few instructions (quoted, flow and block scalars, keys that are not a
//! plain word, plain scalars that might be special) are read by the generic
//! reader's own [`super::Reader::inline_scalar`] and
//! [`super::Reader::key_at`] at the same place.

use super::quoted::double_quoted;
use super::scan::{PlainStop, first, flags, load, plain_stop};
use super::sink::{SkipSink, non_finite};
use super::{
    KeyScan, MAX_KEY_LEN, NextLine, Reader, comment_or_end, is_seq_entry, leading_spaces,
    plain_in_block, plain_start, surely_string, trailer,
};

/// An open block collection.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    /// Its indentation: the column of its keys or of its entries' `-`.
    indent: usize,
    /// Its depth, as the generic reader counts it.
    depth: usize,
    /// A sequence (else a mapping).
    seq: bool,
}

/// Where the loop is.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// A node starting at `col` of `line` (generic: `block_node`), inside
    /// the top frame (whose indentation is the node's parent's).
    Node {
        line: usize,
        col: usize,
        depth: usize,
    },
    /// A scalar at `col` of `line` that is not a key (generic:
    /// `inline_scalar`), inside the top frame.
    Scalar {
        line: usize,
        col: usize,
        depth: usize,
        /// Where the plain scalar's text ends, when a look for a key found
        /// it.
        end: Option<usize>,
    },
    /// The value of the key whose `:` ends before `after_colon` on `line`,
    /// in the mapping on top (generic: `value`).
    Value { line: usize, after_colon: usize },
    /// The item of the entry on `line` of the sequence on top (generic:
    /// `item`).
    Item {
        line: usize,
        item_col: usize,
        empty: bool,
    },
    /// A node of the top frame ended; `after` is the line after it.
    After { after: usize },
}

/// A line (from a node's column) whose reading needs no generic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sure {
    /// `key: value`, the key a word that is surely a string, the value a
    /// plain scalar starting with a letter, digit or `/` (or, at this
    /// column, a double-quoted one), then possibly a comment.
    Pair(Option<usize>),
    /// `key:` alone (the key as in [`Sure::Pair`]); the column after the
    /// `:`, at the end of the line.
    Key(usize),
    /// A plain scalar starting with a letter, digit or `/`, not a key.
    Scalar,
    /// Anything else.
    No,
}

/// Starts a plain scalar that is neither special to YAML nor an infinity
/// or NaN.
#[inline]
fn sure_start(c: u8) -> bool {
    SURE_START[usize::from(c)]
}

/// [`sure_start`]'s bytes: letters, digits and `/`, by a table (a byte's
/// class in one load, where the ranges take several compares).
static SURE_START: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric() || b == b'/';
        c += 1;
    }
    table
};

/// The [`Sure`] shape of `b` (a line from a node's column, without tabs),
/// in one look at its spaces: each stop of a plain scalar or key has a
/// space next to it (`: `, ` #`) or ends the line (`:`), as
/// [`super::scan::plain_stop`] finds them, and it finds them in the same
/// order.
fn sure_shape(b: &[u8]) -> Sure {
    let Some(&c0) = b.first() else {
        return Sure::No;
    };
    if !sure_start(c0) {
        return Sure::No;
    }
    // Where the value starts, once the key's `: ` was seen.
    let mut value = false;
    let mut spaced = false;
    let mut base = 0;
    while base < b.len() {
        let (word, width) = load(b, base);
        let mut spaces = flags(word, b' ');
        while spaces != 0 {
            let at = base + first(spaces);
            // `at > 0`: the first byte is not a space.
            let colon = b[at - 1] == b':';
            if value {
                if colon {
                    return Sure::No;
                }
                if b.get(at + 1) == Some(&b'#') {
                    return Sure::Pair(None);
                }
            } else if colon {
                // The key: one word, surely a string.
                if spaced || !c0.is_ascii_alphabetic() || at - 1 > MAX_KEY_LEN {
                    return Sure::No;
                }
                if !surely_string(&b[..at - 1]) {
                    return Sure::No;
                }
                match b.get(at + 1) {
                    Some(&c) if sure_start(c) => value = true,
                    Some(b'"') => return Sure::Pair(Some(at + 1)),
                    _ => return Sure::No,
                }
            } else if b.get(at + 1) == Some(&b'#') {
                return Sure::Scalar;
            } else {
                spaced = true;
            }
            spaces &= spaces - 1;
        }
        base += width;
    }
    if b.last() == Some(&b':') {
        // `key:` alone, when the line has no space.
        let key = &b[..b.len() - 1];
        if !value
            && !spaced
            && c0.is_ascii_alphabetic()
            && key.len() <= MAX_KEY_LEN
            && surely_string(key)
        {
            Sure::Key(b.len())
        } else {
            Sure::No
        }
    } else if value {
        Sure::Pair(None)
    } else {
        Sure::Scalar
    }
}

/// What [`Reader::skip_key`] found.
enum KeyLook {
    /// A key; the column after its `:`.
    Key(usize),
    /// No key; where the plain scalar's text ends when that was found.
    NotKey(Option<usize>),
}

impl<'a> Reader<'a, SkipSink> {
    /// [`Reader::value`] on [`SkipSink`] (the value of a key at `indent`
    /// in a mapping at `depth`): the line after it, or `None` to bail.
    pub(super) fn skip_value(
        &mut self,
        line: usize,
        after_colon: usize,
        indent: usize,
        depth: usize,
    ) -> Option<usize> {
        let root = Frame {
            indent,
            depth,
            seq: false,
        };
        self.skip_loop(root, Step::Value { line, after_colon })
    }

    /// [`Reader::item`] on [`SkipSink`] (the item of the entry at `indent`
    /// on `line`, in a sequence at `depth`): the line after it, or `None`
    /// to bail.
    pub(super) fn skip_item(
        &mut self,
        line: usize,
        indent: usize,
        item_col: usize,
        empty: bool,
        depth: usize,
    ) -> Option<usize> {
        let root = Frame {
            indent,
            depth,
            seq: true,
        };
        let step = Step::Item {
            line,
            item_col,
            empty,
        };
        self.skip_loop(root, step)
    }

    /// The loop: `root` is the collection the subtree is a value or item
    /// of (the generic reader's caller, which is not read here), `step`
    /// where to start.
    fn skip_loop(&mut self, root: Frame, step: Step) -> Option<usize> {
        // One stack for every subtree of the document.
        let mut stack = std::mem::take(&mut self.frames);
        stack.clear();
        // Manifests nest a handful deep: one allocation per document.
        stack.reserve(16);
        stack.push(root);
        let out = self.skip_steps(&mut stack, step);
        self.frames = stack;
        out
    }

    fn skip_steps(&mut self, stack: &mut Vec<Frame>, mut step: Step) -> Option<usize> {
        macro_rules! push {
            ($frame:expr) => {{
                let frame: Frame = $frame;
                if frame.depth > self.max_depth {
                    return None;
                }
                self.count()?;
                stack.push(frame);
            }};
        }
        loop {
            step = match step {
                Step::Node { line, col, depth } => {
                    let rest = &self.lines[line][col..];
                    if is_seq_entry(rest) {
                        push!(Frame {
                            indent: col,
                            depth: depth + 1,
                            seq: true,
                        });
                        self.entry(line, col)
                    } else {
                        let map = Frame {
                            indent: col,
                            depth: depth + 1,
                            seq: false,
                        };
                        match self.sure_line(line, col) {
                            Sure::Pair(quoted) => {
                                push!(map);
                                self.sure_value(line, quoted)?;
                                step = Step::After { after: line + 1 };
                                continue;
                            }
                            Sure::Key(after_colon) => {
                                push!(map);
                                self.count()?;
                                step = Step::Value { line, after_colon };
                                continue;
                            }
                            Sure::Scalar => {
                                // Its end is checked by the look at the
                                // next line of the collection it is in.
                                self.count()?;
                                step = Step::After { after: line + 1 };
                                continue;
                            }
                            Sure::No => {}
                        }
                        match self.skip_key(line, col)? {
                            KeyLook::Key(after_colon) => {
                                push!(map);
                                self.count()?;
                                Step::Value { line, after_colon }
                            }
                            KeyLook::NotKey(end) => Step::Scalar {
                                line,
                                col,
                                depth,
                                end,
                            },
                        }
                    }
                }
                Step::Scalar {
                    line,
                    col,
                    depth,
                    end,
                } => {
                    let parent = top(stack).indent;
                    Step::After {
                        after: self.skip_scalar(line, col, parent, depth, end)?,
                    }
                }
                Step::Value { line, after_colon } => {
                    let Frame { indent, depth, .. } = top(stack);
                    let l = self.lines[line];
                    let spaces = leading_spaces(&l[after_colon..]);
                    let vcol = after_colon + spaces;
                    if !comment_or_end(&l[vcol..], spaces > 0) {
                        Step::Scalar {
                            line,
                            col: vcol,
                            depth,
                            end: None,
                        }
                    } else {
                        match self.next(line + 1)? {
                            Some((n, ind)) if ind > indent => Step::Node {
                                line: n,
                                col: ind,
                                depth,
                            },
                            Some((n, ind))
                                if ind == indent && is_seq_entry(&self.lines[n][indent..]) =>
                            {
                                push!(Frame {
                                    indent,
                                    depth: depth + 1,
                                    seq: true,
                                });
                                self.entry(n, indent)
                            }
                            _ => {
                                self.count()?;
                                Step::After { after: line + 1 }
                            }
                        }
                    }
                }
                Step::Item {
                    line,
                    item_col,
                    empty,
                } => {
                    let Frame { indent, depth, .. } = top(stack);
                    if !empty {
                        Step::Node {
                            line,
                            col: item_col,
                            depth,
                        }
                    } else {
                        match self.next(line + 1)? {
                            Some((n, ind)) if ind > indent => Step::Node {
                                line: n,
                                col: ind,
                                depth,
                            },
                            _ => {
                                self.count()?;
                                Step::After { after: line + 1 }
                            }
                        }
                    }
                }
                Step::After { mut after } => 'lines: loop {
                    if stack.len() > 1 {
                        let Frame { indent, seq, .. } = top(stack);
                        after = self.sure_lines(after, indent, seq)?;
                    }
                    let next = self.next(after)?;
                    loop {
                        // The root is the generic reader's caller: it
                        // looks at the next line itself.
                        if stack.len() == 1 {
                            return Some(after);
                        }
                        let Frame { indent, depth, seq } = top(stack);
                        let Some((n, ind)) = next else {
                            stack.pop();
                            continue;
                        };
                        if ind > indent {
                            return None;
                        }
                        if ind < indent {
                            stack.pop();
                            continue;
                        }
                        let l = self.lines[n];
                        if seq {
                            if !is_seq_entry(&l[indent..]) {
                                stack.pop();
                                continue;
                            }
                            // `- word` and `- key: word` whole.
                            let item_col = indent + 2;
                            match self.sure_line(n, item_col) {
                                Sure::Scalar => {
                                    self.count()?;
                                    after = n + 1;
                                    continue 'lines;
                                }
                                Sure::Pair(quoted) => {
                                    push!(Frame {
                                        indent: item_col,
                                        depth: depth + 1,
                                        seq: false,
                                    });
                                    self.sure_value(n, quoted)?;
                                    after = n + 1;
                                    continue 'lines;
                                }
                                Sure::Key(after_colon) => {
                                    push!(Frame {
                                        indent: item_col,
                                        depth: depth + 1,
                                        seq: false,
                                    });
                                    self.count()?;
                                    break 'lines Step::Value {
                                        line: n,
                                        after_colon,
                                    };
                                }
                                Sure::No => break 'lines self.entry(n, indent),
                            }
                        }
                        match self.sure_line(n, indent) {
                            Sure::Pair(quoted) => {
                                self.sure_value(n, quoted)?;
                                after = n + 1;
                                continue 'lines;
                            }
                            Sure::Key(after_colon) => {
                                self.count()?;
                                break 'lines Step::Value {
                                    line: n,
                                    after_colon,
                                };
                            }
                            Sure::Scalar => return None,
                            Sure::No => {}
                        }
                        match self.skip_key(n, indent)? {
                            KeyLook::Key(after_colon) => {
                                self.count()?;
                                break 'lines Step::Value {
                                    line: n,
                                    after_colon,
                                };
                            }
                            KeyLook::NotKey(_) => return None,
                        }
                    }
                },
            };
        }
    }

    /// The lines from `after` on that continue the collection on top (at
    /// `indent`, a sequence when `seq`) with a whole [`Sure::Pair`] (in a
    /// mapping) or `- ` and a [`Sure::Scalar`] (in a sequence), counted:
    /// the line after them. This is what the loop would do with them, by
    /// the shortest way: each is the next content line (its first byte is
    /// neither blank, nor a comment, nor a document marker), at the
    /// collection's indentation, and a whole node.
    #[inline]
    fn sure_lines(&mut self, mut after: usize, indent: usize, seq: bool) -> Option<usize> {
        if self.tabs {
            return Some(after);
        }
        while let Some(l) = self.lines.get(after) {
            let b = l.as_bytes();
            let col = if seq { indent + 2 } else { indent };
            let Some(&c) = b.get(col) else {
                break;
            };
            if !sure_start(c) || leading_spaces(l) != indent {
                break;
            }
            if seq {
                if b.get(indent..indent + 2) != Some(b"- ") || sure_shape(&b[col..]) != Sure::Scalar
                {
                    break;
                }
                self.count()?;
            } else {
                match sure_shape(&b[col..]) {
                    Sure::Pair(None) => {}
                    Sure::Pair(Some(v)) => {
                        let rest = &l[col + v..];
                        let (_, end) = double_quoted(rest, false, false)?;
                        trailer(&rest[end..])?;
                    }
                    _ => break,
                }
                self.nodes += 2;
                if self.nodes >= self.max_nodes {
                    return None;
                }
            }
            after += 1;
        }
        Some(after)
    }

    /// The key and value of a line [`Reader::sure_line`] found to be a
    /// pair: counted, and a quoted value (at this column) checked as
    /// `inline_scalar` checks it. The value's end is checked by the
    /// mapping's look at the next line (`ends_at` makes the same check).
    #[inline]
    fn sure_value(&mut self, line: usize, quoted: Option<usize>) -> Option<()> {
        if let Some(vcol) = quoted {
            let rest = &self.lines[line][vcol..];
            let (_, end) = double_quoted(rest, false, false)?;
            trailer(&rest[end..])?;
        }
        self.nodes += 2;
        (self.nodes < self.max_nodes).then_some(())
    }

    /// What the line `line` is from `col`, when it is one of the shapes
    /// decided without the generic reader.
    #[inline]
    fn sure_line(&self, line: usize, col: usize) -> Sure {
        if self.tabs {
            return Sure::No;
        }
        let l = self.lines[line];
        let Some(rest) = l.get(col..) else {
            return Sure::No;
        };
        match sure_shape(rest.as_bytes()) {
            Sure::Pair(Some(v)) => Sure::Pair(Some(col + v)),
            Sure::Key(after_colon) => Sure::Key(col + after_colon),
            sure => sure,
        }
    }

    /// The item of the sequence entry whose `-` is at `indent` of `line`.
    fn entry(&self, line: usize, indent: usize) -> Step {
        let l = self.lines[line];
        let spaces = leading_spaces(&l[indent + 1..]);
        let item_col = indent + 1 + spaces;
        Step::Item {
            line,
            item_col,
            empty: comment_or_end(&l[item_col..], spaces > 0),
        }
    }

    /// [`Reader::key_at`] without the key's text; `None` to bail. Plain
    /// keys and scalars are looked at once here: a key that is a string
    /// without a doubt is decided, and a scalar's end is kept for
    /// [`Reader::skip_scalar`].
    #[inline]
    fn skip_key(&self, line: usize, col: usize) -> Option<KeyLook> {
        let rest = &self.lines[line][col..];
        if !self.tabs && plain_start(rest) {
            match plain_stop(rest.as_bytes(), false) {
                PlainStop::Colon(end) => {
                    let text = &rest[..end];
                    // `key_at`'s checks, for the keys it passes without
                    // resolving them.
                    if !text.ends_with(' ') && end <= MAX_KEY_LEN && surely_string(text.as_bytes())
                    {
                        return Some(KeyLook::Key(col + end + 1));
                    }
                }
                PlainStop::Comment(end) => return Some(KeyLook::NotKey(Some(end))),
                PlainStop::End => return Some(KeyLook::NotKey(Some(rest.len()))),
                PlainStop::Tab => {}
            }
        }
        Some(match self.key_at(line, col, false)? {
            KeyScan::Key(_, after) => KeyLook::Key(after),
            KeyScan::NotKey => KeyLook::NotKey(None),
        })
    }

    /// [`Reader::inline_scalar`] on [`SkipSink`] inside a collection at
    /// `parent`: the line after the scalar, or `None` to bail. A plain
    /// scalar is decided here; `end` is where its text ends, when known.
    #[inline]
    fn skip_scalar(
        &mut self,
        line: usize,
        col: usize,
        parent: usize,
        depth: usize,
        end: Option<usize>,
    ) -> Option<usize> {
        let rest = &self.lines[line][col..];
        if !self.tabs && plain_start(rest) {
            let text = match end {
                Some(end) => Some(rest[..end].trim_end_matches(' ')).filter(|t| !t.is_empty()),
                None => plain_in_block(rest, false),
            };
            if text.is_some_and(|text| !non_finite(text)) {
                self.count()?;
                return self.ends_after(line, parent);
            }
        }
        self.inline_scalar(line, col, parent as isize, depth, ())
            .map(|((), after)| after)
    }

    /// [`Reader::ends_at`]: the line after `line` when the next content
    /// line is not indented past `parent`.
    #[inline]
    fn ends_after(&self, line: usize, parent: usize) -> Option<usize> {
        let next: NextLine = self.next(line + 1);
        match next? {
            Some((_, ind)) if ind > parent => None,
            _ => Some(line + 1),
        }
    }
}

/// The innermost open collection (the stack always holds the root).
#[inline]
fn top(stack: &[Frame]) -> Frame {
    stack.last().copied().unwrap_or(Frame {
        indent: 0,
        depth: 0,
        seq: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::fast::PlainStop;

    /// What the generic reader makes of a key whose plain text ends at
    /// `end`, when the sure shape says it is one: `key_at`'s checks.
    fn generic_key(b: &[u8], end: usize) {
        let key = std::str::from_utf8(&b[..end]).expect("ascii");
        assert_eq!(key.trim_end_matches(' ').len(), end, "{key:?}");
        assert!(end <= MAX_KEY_LEN && key != "<<");
        assert!(surely_string(key.as_bytes()), "{key:?}");
    }

    /// A plain scalar the sure shape passes is one the generic reader
    /// reads without bailing, to the same end.
    fn generic_plain(rest: &str) {
        assert!(plain_start(rest), "{rest:?}");
        let text = plain_in_block(rest, false).expect("plain scalar");
        assert!(!non_finite(text), "{text:?}");
        assert!(sure_start(text.as_bytes()[0]));
    }

    /// Every text of up to six bytes over the bytes that decide shapes,
    /// after pads that put them at every offset of a word: whatever
    /// `sure_shape` decides is what `key_at` and `inline_scalar` decide
    /// through `plain_stop`.
    #[test]
    fn sure_shapes_are_what_the_generic_reader_reads() {
        let alphabet = *b"ay1 :#\"./-";
        let mut decided = 0;
        for len in 0..=6u32 {
            for code in 0..alphabet.len().pow(len) {
                let mut tail = Vec::new();
                let mut c = code;
                for _ in 0..len {
                    tail.push(alphabet[c % alphabet.len()]);
                    c /= alphabet.len();
                }
                for pad in ["", "k", "keyname", "keyname1"] {
                    let mut b = pad.as_bytes().to_vec();
                    b.extend_from_slice(&tail);
                    let text = std::str::from_utf8(&b).expect("ascii");
                    let stop = plain_stop(&b, false);
                    match sure_shape(&b) {
                        Sure::No => continue,
                        Sure::Scalar => {
                            assert!(
                                matches!(stop, PlainStop::Comment(_) | PlainStop::End),
                                "{text:?}"
                            );
                            generic_plain(text);
                        }
                        Sure::Key(after) => {
                            assert_eq!(stop, PlainStop::Colon(b.len() - 1), "{text:?}");
                            assert_eq!(after, b.len());
                            generic_key(&b, b.len() - 1);
                        }
                        Sure::Pair(quoted) => {
                            let PlainStop::Colon(end) = stop else {
                                panic!("{text:?}: {stop:?}");
                            };
                            generic_key(&b, end);
                            // One space, then the value.
                            assert_eq!(b.get(end + 1), Some(&b' '), "{text:?}");
                            let value = &text[end + 2..];
                            match quoted {
                                Some(v) => {
                                    assert_eq!(v, end + 2, "{text:?}");
                                    assert!(value.starts_with('"'));
                                }
                                None => generic_plain(value),
                            }
                        }
                    }
                    decided += 1;
                }
            }
        }
        assert!(decided > 10_000, "{decided}");
    }
}
