//! Literal (`|`) and folded (`>`) block scalars for the fast reader: the
//! indentation rules, folding and chomping, in the subset the fast reader
//! is sure of (no tabs where indentation is measured, a line break after
//! the last line). The text is built only when the sink wants it; the
//! lines are read and checked either way.

use std::borrow::Cow;

use super::{Reader, Sink, comment_or_end, leading_spaces};

/// A block scalar's text, or nothing when it is not kept.
struct Built {
    keep: bool,
    text: String,
}

impl Built {
    fn push(&mut self, c: char) {
        if self.keep {
            self.text.push(c);
        }
    }

    fn push_str(&mut self, s: &str) {
        if self.keep {
            self.text.push_str(s);
        }
    }

    fn breaks(&mut self, n: usize) {
        if self.keep {
            self.text.extend(std::iter::repeat_n('\n', n));
        }
    }
}

impl<S: Sink> Reader<'_, S> {
    /// A literal (`|`) or folded (`>`) block scalar whose header is at `col`
    /// of `line`, inside a collection indented by `parent`.
    pub(super) fn block_scalar(
        &mut self,
        line: usize,
        col: usize,
        parent: isize,
        want: S::Want,
    ) -> Option<(S::Node, usize)> {
        if parent < 0 {
            return None;
        }
        let parent = parent as usize;
        let header = &self.lines[line][col..];
        let hb = header.as_bytes();
        let literal = hb[0] == b'|';
        let mut chomp = 0i8;
        let mut explicit = 0usize;
        let mut i = 1;
        while i < hb.len() && i <= 2 {
            match hb[i] {
                b'+' if chomp == 0 => chomp = 1,
                b'-' if chomp == 0 => chomp = -1,
                c @ b'1'..=b'9' if explicit == 0 => explicit = usize::from(c - b'0'),
                _ => break,
            }
            i += 1;
        }
        let spaces = leading_spaces(&header[i..]);
        if !comment_or_end(&header[i + spaces..], spaces > 0) {
            return None;
        }
        let mut indent = parent + explicit;
        if explicit == 0 {
            // The first non-blank line sets the indentation; blank lines
            // before it must not be longer.
            let mut longest_blank = 0;
            let mut found = None;
            for n in line + 1..self.lines.len() {
                let l = self.lines[n];
                let s = leading_spaces(l);
                if s == l.len() {
                    longest_blank = longest_blank.max(s);
                    continue;
                }
                if l.as_bytes()[s] == b'\t' {
                    return None;
                }
                found = Some(s);
                break;
            }
            let s = found?;
            if s <= parent || longest_blank > s {
                return None;
            }
            indent = s;
        }
        let mut out = Built {
            keep: S::keeps_text(want),
            text: String::new(),
        };
        let mut leading_break = false;
        let mut trailing_breaks = 0usize;
        let mut leading_blank = false;
        let mut saw_content = false;
        let mut n = line + 1;
        while n < self.lines.len() {
            let l = self.lines[n];
            let s = leading_spaces(l);
            if s == l.len() && s <= indent {
                if self.has_newline(n) {
                    trailing_breaks += 1;
                }
                n += 1;
                continue;
            }
            if s < indent {
                if l.as_bytes()[s] == b'\t' {
                    return None;
                }
                break;
            }
            if !self.has_newline(n) {
                // A last line without its line break: the full reader's
                // chomping there is its own; leave it to that reader.
                return None;
            }
            let content = &l[indent..];
            let blank_start = content.starts_with([' ', '\t']);
            if !literal && leading_break && !leading_blank && !blank_start {
                if trailing_breaks == 0 {
                    out.push(' ');
                }
                leading_break = false;
            }
            if leading_break {
                out.push('\n');
            }
            out.breaks(trailing_breaks);
            trailing_breaks = 0;
            leading_blank = blank_start;
            out.push_str(content);
            saw_content = true;
            leading_break = self.has_newline(n);
            n += 1;
        }
        if !saw_content {
            return None;
        }
        if chomp >= 0 && leading_break {
            out.push('\n');
        }
        if chomp > 0 {
            out.breaks(trailing_breaks);
        }
        self.count()?;
        Some((S::string(want, Cow::Owned(out.text)), n))
    }
}
