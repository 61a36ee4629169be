//! One-line quoted scalars for the fast reader: finding their end, checking
//! their escapes, and building their value only when asked.
//!
//! Rendered manifests hold long quoted strings (a chart's values as JSON in
//! a ConfigMap, `\"` every few bytes), so the few bytes that matter are
//! found eight at a time: for double quotes by quote and backslash masks
//! that pair each backslash with the byte it escapes (sixteen bytes per
//! step when every backslash escapes a quote), for single quotes by
//! [`super::scan`]. A value without escapes is borrowed from the text
//! instead of copied. When the value is not wanted (`keep == false`) the
//! escapes are still checked, so the reader bails on exactly the same text
//! either way.

use std::borrow::Cow;

use memchr::memchr;

use super::scan::{WORD, first, from_byte, word_mask};

/// A one-line double-quoted scalar at the start of `rest`: its value
/// (empty when `!keep`) and the byte after the closing quote; `None` for
/// tabs, unknown escapes and scalars that do not close on this line.
pub(super) fn double_quoted(rest: &str, keep: bool) -> Option<(Cow<'_, str>, usize)> {
    let b = rest.as_bytes();
    let end = closing_quote(b)?;
    let body = &b[..end];
    if memchr(b'\t', body).is_some() {
        return None;
    }
    let value = if !keep {
        Cow::Borrowed("")
    } else if memchr(b'\\', body).is_none() {
        Cow::Borrowed(&rest[1..end])
    } else {
        Cow::Owned(unescape(&rest[1..end])?)
    };
    Some((value, end + 1))
}

/// The closing quote of the double-quoted scalar that `b` starts with;
/// `None` when an escape before it is not one [`escape`] knows, or when
/// the text ends first.
///
/// Eight bytes at a time: the quotes and backslashes of a word become
/// masks (the high bit of each byte), each backslash not itself escaped
/// escapes the byte after it (possibly the first of the next word), the
/// first quote not escaped is the end, and only escapes of something other
/// than a quote or a backslash are looked at one by one.
fn closing_quote(b: &[u8]) -> Option<usize> {
    let body = b.get(1..)?;
    let mut pairs = body.chunks_exact(2 * WORD);
    // The flag of the first byte of the next word when a backslash ending
    // the word before escapes it.
    let mut carry = 0u64;
    let mut base = 1;
    for pair in &mut pairs {
        let (low, high) = pair.split_at(WORD);
        let low = low
            .first_chunk::<WORD>()
            .map_or(0, |w| u64::from_le_bytes(*w));
        let high = high
            .first_chunk::<WORD>()
            .map_or(0, |w| u64::from_le_bytes(*w));
        // The common case first, both words at once: every backslash
        // escapes a quote, and no quote closes.
        let (quotes_low, backslashes_low) = (flags(low, b'"'), flags(low, b'\\'));
        let (quotes_high, backslashes_high) = (flags(high, b'"'), flags(high, b'\\'));
        let escaped_low = (backslashes_low << 8) | carry;
        let escaped_high = (backslashes_high << 8) | ((backslashes_low >> 56) & 0x80);
        if (quotes_low ^ escaped_low) | (quotes_high ^ escaped_high) == 0 {
            carry = (backslashes_high >> 56) & 0x80;
        } else {
            // Anything else (runs of backslashes, other escapes, the end)
            // a word at a time.
            if let Some(end) = word_step(low, &mut carry, b, base)? {
                return Some(end);
            }
            if let Some(end) = word_step(high, &mut carry, b, base + WORD)? {
                return Some(end);
            }
        }
        base += 2 * WORD;
    }
    // The last bytes: a whole word, then the rest padded with zeros
    // (neither quote nor backslash); an escape running into the padding is
    // checked against the text and fails.
    let mut rest = pairs.remainder();
    if let Some((word, after)) = rest.split_first_chunk::<WORD>() {
        if let Some(end) = word_step(u64::from_le_bytes(*word), &mut carry, b, base)? {
            return Some(end);
        }
        base += WORD;
        rest = after;
    }
    if rest.is_empty() {
        return None;
    }
    let mut last = [0u8; WORD];
    last[..rest.len()].copy_from_slice(rest);
    word_step(u64::from_le_bytes(last), &mut carry, b, base)?
}

/// One word of [`closing_quote`] at `base`: `Some(Some(end))` at the
/// closing quote, `Some(None)` to go on, `None` for a bad escape.
#[inline]
fn word_step(word: u64, carry: &mut u64, b: &[u8], base: usize) -> Option<Option<usize>> {
    let quotes = flags(word, b'"');
    let backslashes = flags(word, b'\\');
    let mut escaped = (backslashes << 8) | *carry;
    if backslashes & escaped != 0 {
        // A run of backslashes: they pair up from its start.
        escaped = *carry;
        let mut left = backslashes;
        while left != 0 {
            let bit = left & left.wrapping_neg();
            if bit & escaped == 0 {
                escaped |= bit << 8;
            }
            left ^= bit;
        }
    }
    *carry = ((backslashes & !escaped) >> 56) & 0x80;
    let close = quotes & !escaped;
    let odd = escaped & !(quotes | backslashes);
    if close == 0 {
        if odd != 0 {
            check_escapes(odd, b, base)?;
        }
        return Some(None);
    }
    // Only the escapes before the end count.
    let before = (close & close.wrapping_neg()) - 1;
    if odd & before != 0 {
        check_escapes(odd & before, b, base)?;
    }
    // Never in the padding of a short last word.
    Some(Some(base + (close.trailing_zeros() / 8) as usize))
}

/// Checks the escapes whose first byte after the backslash is flagged in
/// `odd` (letters and hex codes: a hex code's digits are neither quotes
/// nor backslashes, so its length does not change what the masks say).
#[cold]
fn check_escapes(mut odd: u64, b: &[u8], base: usize) -> Option<()> {
    while odd != 0 {
        escape_len(b.get(base + (odd.trailing_zeros() / 8) as usize..)?)?;
        odd &= odd - 1;
    }
    Some(())
}

/// The high bit of each byte of `word` equal to `needle` (not zero).
#[inline]
fn flags(word: u64, needle: u8) -> u64 {
    let y = word ^ (ONES * u64::from(needle));
    // Zero where the needle is: the high bit of each byte is set when any
    // of its bits is (the low seven through the addition, which cannot
    // carry into the next byte).
    !(((y & LOWS) + LOWS) | y) & HIGHS
}

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const LOWS: u64 = u64::from_le_bytes([0x7f; 8]);
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

/// The value of a quoted scalar's text between its quotes, whose escapes
/// are known to be good.
fn unescape(body: &str) -> Option<String> {
    let b = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    let mut run = 0;
    while let Some(at) = memchr(b'\\', &b[run..]).map(|k| run + k) {
        let (c, len) = escape(&b[at + 1..])?;
        out.push_str(&body[run..at]);
        out.push(c);
        run = at + 1 + len;
    }
    out.push_str(&body[run..]);
    Some(out)
}

/// How many bytes the escape after a backslash takes, when only that
/// matters: the one-letter escapes by a table, the others by [`escape`].
fn escape_len(rest: &[u8]) -> Option<usize> {
    match ONE_LETTER.get(usize::from(*rest.first()?)) {
        Some(true) => Some(1),
        _ => escape(rest).map(|(_, len)| len),
    }
}

/// The bytes [`escape`] takes alone after a backslash.
static ONE_LETTER: [bool; 256] = {
    let mut table = [false; 256];
    let letters = b"0abtnvfre \"\\N_LP";
    let mut i = 0;
    while i < letters.len() {
        table[letters[i] as usize] = true;
        i += 1;
    }
    table
};

/// A quoted scalar's value once its closing quote is at `end`: the run
/// before it added to what escapes built, or a slice of the text.
fn finish(rest: &str, built: Option<String>, keep: bool, run: usize, end: usize) -> Cow<'_, str> {
    match built {
        Some(mut s) => {
            s.push_str(&rest[run..end]);
            Cow::Owned(s)
        }
        None if keep => Cow::Borrowed(&rest[1..end]),
        None => Cow::Borrowed(""),
    }
}

/// The character a double-quoted escape (after its backslash) stands for,
/// and how many bytes it took. libyaml's set, without `\/` and `\'`
/// (which the full reader treats specially) and line continuations.
fn escape(rest: &[u8]) -> Option<(char, usize)> {
    let c = match *rest.first()? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        c @ (b'x' | b'u' | b'U') => {
            let digits = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = rest.get(1..1 + digits)?;
            let code = hex.iter().try_fold(0u32, |acc, &h| {
                let d = char::from(h).to_digit(16)?;
                Some((acc << 4) | d)
            })?;
            return Some((char::from_u32(code)?, 1 + digits));
        }
        _ => return None,
    };
    Some((c, 1))
}

/// A one-line single-quoted scalar at the start of `rest` (`''` is a
/// quote): its value (empty when `!keep`) and the byte after the closing
/// quote.
pub(super) fn single_quoted(rest: &str, keep: bool) -> Option<(Cow<'_, str>, usize)> {
    let b = rest.as_bytes();
    let mut built: Option<String> = None;
    let mut run = 1;
    let mut base = 1;
    loop {
        let (mut hits, width) = word_mask(b, base, [b'\'']);
        if width == 0 {
            return None;
        }
        while hits != 0 {
            let at = base + first(hits);
            if b.get(at + 1) != Some(&b'\'') {
                if memchr(b'\t', &b[..at]).is_some() {
                    return None;
                }
                return Some((finish(rest, built, keep, run, at), at + 1));
            }
            if keep {
                // The run and one of the two quotes.
                built
                    .get_or_insert_with(String::new)
                    .push_str(&rest[run..=at]);
            }
            run = at + 2;
            if run >= base + WORD {
                break;
            }
            hits = from_byte(hits, run - base);
        }
        base = (base + width).max(run);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_borrowed_built_or_skipped() {
        let long = format!(r#""{}\"x\u00e9" tail"#, "a".repeat(50));
        let (v, end) = double_quoted(&long, true).expect("scalar");
        assert_eq!(v, format!("{}\"x\u{e9}", "a".repeat(50)));
        assert_eq!(&long[end..], " tail");
        assert_eq!(double_quoted(&long, false), Some((Cow::Borrowed(""), end)));
        assert!(matches!(
            double_quoted(r#""plain" x"#, true),
            Some((Cow::Borrowed("plain"), 7))
        ));
        // Escapes are checked even when the value is not kept.
        for bad in [
            r#""a\q""#,
            r#""\ud800""#,
            r#""\x4""#,
            "\"a\tb\"",
            r#""open"#,
            r#""\"#,
        ] {
            assert_eq!(double_quoted(bad, false), None, "{bad}");
            assert_eq!(double_quoted(bad, true), None, "{bad}");
        }
        assert_eq!(
            single_quoted("'it''s ''x''' y", true),
            Some((Cow::Owned("it's 'x'".to_string()), 13))
        );
        assert_eq!(
            single_quoted("'it''s' y", false),
            Some((Cow::Borrowed(""), 7))
        );
        assert_eq!(single_quoted("'a\tb'", false), None);
        assert_eq!(single_quoted("'open''", true), None);
    }

    /// The scanners against a byte-by-byte reading, with escapes, doubled
    /// quotes and the closing quote at every offset of a word.
    #[test]
    fn word_scans_agree_with_a_byte_loop() {
        fn naive_double(rest: &str) -> Option<(String, usize)> {
            let b = rest.as_bytes();
            let mut out = String::new();
            let mut i = 1;
            loop {
                match *b.get(i)? {
                    b'"' => return Some((out, i + 1)),
                    b'\\' => {
                        let (c, len) = escape(&b[i + 1..])?;
                        out.push(c);
                        i += 1 + len;
                    }
                    b'\t' => return None,
                    _ => {
                        let len = rest[i..].chars().next()?.len_utf8();
                        out.push_str(&rest[i..i + len]);
                        i += len;
                    }
                }
            }
        }
        fn naive_single(rest: &str) -> Option<(String, usize)> {
            let inner = &rest[1..];
            let mut out = String::new();
            let mut chars = inner.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\t' => return None,
                    '\'' if chars.peek().map(|p| p.1) == Some('\'') => {
                        chars.next();
                        out.push('\'');
                    }
                    '\'' => return Some((out, i + 2)),
                    c => out.push(c),
                }
            }
            None
        }
        let pieces = [
            "a", "\\\"", "\\\\", "\\u00e9", "é", "''", "\\x41", "\\q", "\t", "bcdefgh",
        ];
        let mut n = 0u32;
        for a in pieces {
            for b in pieces {
                for pad in (0..10).chain(54..70).chain(118..130) {
                    let body = format!("{}{a}{}{b}", "x".repeat(pad), "y".repeat(pad % 3));
                    for end in ["\"", "'", "\" tail", "' x", ""] {
                        for open in ['"', '\''] {
                            let text = format!("{open}{body}{end}");
                            let (got, want) = if open == '"' {
                                (double_quoted(&text, true), naive_double(&text))
                            } else {
                                (single_quoted(&text, true), naive_single(&text))
                            };
                            let got = got.map(|(v, e)| (v.into_owned(), e));
                            assert_eq!(got, want, "{text:?}");
                            let skipped = if open == '"' {
                                double_quoted(&text, false)
                            } else {
                                single_quoted(&text, false)
                            };
                            assert_eq!(skipped.map(|(_, e)| e), want.map(|(_, e)| e), "{text:?}");
                            n += 1;
                        }
                    }
                }
            }
        }
        assert!(n > 20000);
    }

    #[test]
    fn one_letter_escapes_are_the_escapes_of_one_byte() {
        for byte in 0..=255u8 {
            let one = escape(&[byte, b'0', b'0', b'0', b'0', b'0', b'0', b'0', b'0'])
                .is_some_and(|(_, len)| len == 1);
            assert_eq!(ONE_LETTER[usize::from(byte)], one, "{byte}");
        }
    }
}
