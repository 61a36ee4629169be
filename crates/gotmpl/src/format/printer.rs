//! The formatter of one directive: flags, width and precision, padding, and
//! Go's layouts for integers, runes, floats, strings and byte strings
//! (`fmt`'s `format.go`). Which layout a value gets for a verb is decided in
//! `operand`.

use super::float::{FloatFormat, append_float};
use super::quote::{append_quoted, append_quoted_rune, can_backquote, is_print};
use std::fmt::Write as _;

/// The flags, width and precision of one verb (`%-+# 08.3d`).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Flags {
    pub(super) wid: Option<usize>,
    pub(super) prec: Option<usize>,
    pub(super) minus: bool,
    pub(super) plus: bool,
    pub(super) sharp: bool,
    pub(super) space: bool,
    pub(super) zero: bool,
    /// `%+v`: set instead of `plus` for the `v` verb.
    pub(super) plus_v: bool,
    /// `%#v`: Go-syntax form, set instead of `sharp` for the `v` verb.
    pub(super) sharp_v: bool,
}

/// Writes formatted operands into a caller's buffer.
#[derive(Debug)]
pub(super) struct Printer<'a> {
    pub(super) out: &'a mut String,
    pub(super) f: Flags,
}

impl Printer<'_> {
    // ----- padding ---------------------------------------------------------

    pub(super) fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero { '0' } else { ' ' };
        self.out.extend(std::iter::repeat_n(c, n));
    }

    /// Runs `write`, then pads what it wrote to the width (counted in runes),
    /// on the left unless `-` was given.
    pub(super) fn padded(&mut self, write: impl FnOnce(&mut String)) {
        let wid = match self.f.wid {
            Some(w) if w > 0 => w,
            _ => return write(self.out),
        };
        let start = self.out.len();
        write(self.out);
        let n = self.out[start..].chars().count();
        if n >= wid {
            return;
        }
        let c = if self.f.zero { '0' } else { ' ' };
        if self.f.minus {
            self.out.extend(std::iter::repeat_n(c, wid - n));
        } else {
            let pad: String = std::iter::repeat_n(c, wid - n).collect();
            self.out.insert_str(start, &pad);
        }
    }

    fn pad_str(&mut self, s: &str) {
        self.padded(|out| out.push_str(s));
    }

    /// Runs `write` with zero padding turned off (numbers that place their
    /// own zeros, `<nil>`, infinities).
    fn padded_no_zero(&mut self, write: impl FnOnce(&mut String)) {
        let zero = std::mem::replace(&mut self.f.zero, false);
        self.padded(write);
        self.f.zero = zero;
    }

    // ----- basic kinds ----------------------------------------------------

    pub(super) fn fmt_boolean(&mut self, b: bool) {
        self.pad_str(if b { "true" } else { "false" });
    }

    /// `%d %x %o %b ...` of a 64-bit integer (`signed` says how to read `u`).
    pub(super) fn fmt_integer(&mut self, u: u64, base: u32, signed: bool, verb: char, upper: bool) {
        let negative = signed && (u as i64) < 0;
        let u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if let Some(p) = self.f.prec {
            if p == 0 && u == 0 {
                // Precision 0 prints nothing for zero, but still pads.
                let zero = std::mem::replace(&mut self.f.zero, false);
                self.write_padding(self.f.wid.unwrap_or(0));
                self.f.zero = zero;
                return;
            }
            prec = p;
        } else if let (true, Some(w)) = (self.f.zero, self.f.wid) {
            // %08d pads with zeros after the sign, like a precision would.
            prec = w;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut buf = [0u8; 64];
        let mut i = buf.len();
        let digits: &[u8; 16] = if upper {
            b"0123456789ABCDEF"
        } else {
            b"0123456789abcdef"
        };
        let mut v = u;
        loop {
            i -= 1;
            buf[i] = digits[(v % u64::from(base)) as usize];
            v /= u64::from(base);
            if v == 0 {
                break;
            }
        }
        let body = &buf[i..];
        let zeros = prec.saturating_sub(body.len());
        let mut prefix = String::new();
        if negative {
            prefix.push('-');
        } else if self.f.plus {
            prefix.push('+');
        } else if self.f.space {
            prefix.push(' ');
        }
        if verb == 'O' {
            prefix.push_str("0o");
        }
        if self.f.sharp {
            match base {
                2 => prefix.push_str("0b"),
                8 if zeros == 0 && body[0] != b'0' => prefix.push('0'),
                16 => prefix.push_str(if upper { "0X" } else { "0x" }),
                _ => {}
            }
        }
        self.padded_no_zero(|out| {
            out.push_str(&prefix);
            out.extend(std::iter::repeat_n('0', zeros));
            out.extend(body.iter().map(|&b| char::from(b)));
        });
    }

    /// `%x` with a forced (or suppressed) `0x`, as `%#v` and `%p` print.
    pub(super) fn fmt_0x64(&mut self, u: u64, leading_0x: bool) {
        let sharp = std::mem::replace(&mut self.f.sharp, leading_0x);
        self.fmt_integer(u, 16, false, 'v', false);
        self.f.sharp = sharp;
    }

    /// `%U`: `U+0041`, or `U+0041 'A'` with `#`.
    pub(super) fn fmt_unicode(&mut self, u: u64) {
        let prec = self.f.prec.filter(|&p| p > 4).unwrap_or(4);
        let hex = format!("{u:X}");
        let sharp = self.f.sharp;
        self.padded_no_zero(|out| {
            out.push_str("U+");
            out.extend(std::iter::repeat_n('0', prec.saturating_sub(hex.len())));
            out.push_str(&hex);
            let printable = u32::try_from(u)
                .ok()
                .and_then(char::from_u32)
                .filter(|&c| is_print(c));
            if let (true, Some(c)) = (sharp, printable) {
                out.push_str(" '");
                out.push(c);
                out.push('\'');
            }
        });
    }

    /// `%c`: the rune, U+FFFD when the number is not one.
    pub(super) fn fmt_c(&mut self, u: u64) {
        let c = u32::try_from(u)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        self.padded(|out| out.push(c));
    }

    /// `%q` of an integer: a quoted rune literal.
    pub(super) fn fmt_qc(&mut self, u: u64) {
        let ascii = self.f.plus;
        self.padded(|out| append_quoted_rune(out, u, ascii));
    }

    /// A float with strconv layout `format`; `verb` is the strconv letter
    /// (`g` for `%v`), which decides how `#` keeps trailing zeros.
    pub(super) fn fmt_float(
        &mut self,
        v: f64,
        format: FloatFormat,
        verb: char,
        default_prec: Option<usize>,
    ) {
        let prec = self.f.prec.or(default_prec);
        // Reserve the first byte for the sign so that every path below can
        // treat `num[0]` as the sign.
        let mut num = String::with_capacity(24);
        num.push('+');
        append_float(&mut num, v, format, prec);
        if matches!(num.as_bytes().get(1), Some(b'-' | b'+')) {
            num.remove(0);
        }
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(..1, " ");
        }
        let second = num.as_bytes().get(1).copied();
        if second == Some(b'I') || second == Some(b'N') {
            // Infinities and NaN are not numbers to pad with zeros, and NaN
            // only shows a sign when one was asked for.
            let s = if second == Some(b'N') && !self.f.space && !self.f.plus {
                &num[1..]
            } else {
                &num[..]
            };
            self.padded_no_zero(|out| out.push_str(s));
            return;
        }
        if self.f.sharp && verb != 'b' {
            keep_point_and_zeros(&mut num, verb, prec);
        }
        if self.f.plus || !num.starts_with('+') {
            if let (true, Some(w)) = (self.f.zero, self.f.wid)
                && w > num.len()
            {
                // Zero padding goes between the sign and the digits.
                self.out.push_str(&num[..1]);
                self.write_padding(w - num.len());
                self.out.push_str(&num[1..]);
                return;
            }
            self.pad_str(&num);
            return;
        }
        self.pad_str(&num[1..]);
    }

    // ----- text -----------------------------------------------------------

    /// `%s`: the string cut to the precision (in runes) and padded.
    pub(super) fn fmt_s(&mut self, s: &str) {
        let s = match self.f.prec {
            Some(p) => s.char_indices().nth(p).map_or(s, |(i, _)| &s[..i]),
            None => s,
        };
        self.pad_str(s);
    }

    /// `%s` of bytes; bytes that are not UTF-8 print as U+FFFD, one per byte
    /// (Go writes them raw, which a Rust string cannot hold).
    pub(super) fn fmt_bs(&mut self, b: &[u8]) {
        let b = truncate_bytes(b, self.f.prec);
        self.padded(|out| push_bytes_lossy(out, b));
    }

    /// `%x`/`%X` of a string or bytes: two hex digits a byte, with `#` for
    /// `0x` and ` ` for spaces between bytes.
    pub(super) fn fmt_sbx(&mut self, b: &[u8], upper: bool) {
        let length = self.f.prec.map_or(b.len(), |p| p.min(b.len()));
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if let Some(w) = self.f.wid {
                self.write_padding(w);
            }
            return;
        }
        let wid = self.f.wid.unwrap_or(0);
        if wid > width && !self.f.minus {
            self.write_padding(wid - width);
        }
        let digits: &[u8; 16] = if upper {
            b"0123456789ABCDEF"
        } else {
            b"0123456789abcdef"
        };
        let prefix = if upper { "0X" } else { "0x" };
        if self.f.sharp {
            self.out.push_str(prefix);
        }
        for (i, &c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.out.push(' ');
                if self.f.sharp {
                    self.out.push_str(prefix);
                }
            }
            self.out.push(char::from(digits[usize::from(c >> 4)]));
            self.out.push(char::from(digits[usize::from(c & 0xf)]));
        }
        if wid > width && self.f.minus {
            self.write_padding(wid - width);
        }
    }

    /// `%q`: a Go string literal, backquoted with `#` when possible, ASCII
    /// only with `+`.
    pub(super) fn fmt_q(&mut self, b: &[u8]) {
        let b = truncate_bytes(b, self.f.prec);
        if self.f.sharp && can_backquote(b) {
            self.padded(|out| {
                out.push('`');
                push_bytes_lossy(out, b);
                out.push('`');
            });
            return;
        }
        let ascii = self.f.plus;
        self.padded(|out| append_quoted(out, b, ascii));
    }
}

/// Keeps the decimal point and trailing zeros for `%#g`/`%#e`/`%#x`: Go's
/// rule counts significant digits and pads them to the precision (6 when
/// none was given) for `g` and `x`.
fn keep_point_and_zeros(num: &mut String, verb: char, prec: Option<usize>) {
    let mut digits: i64 = match verb {
        'g' | 'G' | 'x' => prec.map_or(6, |p| p as i64),
        _ => 0,
    };
    let mut tail = String::new();
    let mut has_point = false;
    let mut saw_nonzero = false;
    let bytes = num.as_bytes();
    let mut cut = bytes.len();
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        match b {
            b'.' => has_point = true,
            b'p' | b'P' => {
                cut = i;
                break;
            }
            b'e' | b'E' if verb != 'x' && verb != 'X' => {
                cut = i;
                break;
            }
            _ => {
                if b != b'0' {
                    saw_nonzero = true;
                }
                if saw_nonzero {
                    digits -= 1;
                }
            }
        }
    }
    tail.push_str(&num[cut..]);
    num.truncate(cut);
    if !has_point {
        // A lone 0 counts as one significant digit.
        if num.len() == 2 && num.as_bytes()[1] == b'0' {
            digits -= 1;
        }
        num.push('.');
    }
    while digits > 0 {
        num.push('0');
        digits -= 1;
    }
    num.push_str(&tail);
}

/// The first `prec` runes of `b`, where each byte that is not UTF-8 counts as
/// one rune.
fn truncate_bytes(b: &[u8], prec: Option<usize>) -> &[u8] {
    let Some(mut n) = prec else { return b };
    let mut end = 0;
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            if n == 0 {
                return &b[..end];
            }
            n -= 1;
            end += c.len_utf8();
        }
        for _ in chunk.invalid() {
            if n == 0 {
                return &b[..end];
            }
            n -= 1;
            end += 1;
        }
    }
    b
}

/// Appends bytes as text, each byte that is not UTF-8 as U+FFFD.
pub(super) fn push_bytes_lossy(out: &mut String, b: &[u8]) {
    for chunk in b.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
}

/// Appends the decimal form of an integer without going through `fmt`.
pub(super) fn push_int(out: &mut String, i: i64) {
    let _ = write!(out, "{i}");
}
