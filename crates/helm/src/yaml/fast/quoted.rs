//! One-line quoted scalars for the fast reader: finding their end, checking
//! their escapes, and building their value only when asked.
//!
//! Rendered manifests hold long quoted strings (a chart's values as JSON in
//! a ConfigMap, `\"` and `\\n` every few bytes), so the few bytes that
//! matter are found many at a time: for double quotes by quote and
//! backslash masks of a bit per byte, sixty-four bytes per step, in which
//! the bytes every run of backslashes escapes are found at once by carry
//! arithmetic; for single quotes eight at a time by [`super::scan`]. A
//! value without escapes is borrowed from the text instead of copied.
//! When the value is not wanted (`keep == false`) the escapes are still
//! checked, so the reader bails on exactly the same text either way.

use std::borrow::Cow;

use memchr::memchr;

use super::scan::{WORD, first, flags, from_byte, load, word_mask};

/// A one-line double-quoted scalar at the start of `rest`: its value
/// (empty when `!keep`) and the byte after the closing quote; `None` for
/// tabs, unknown escapes and scalars that do not close on this line.
/// `tabs`: whether the text may hold tabs at all (if not, none is looked
/// for).
pub(super) fn double_quoted(rest: &str, keep: bool, tabs: bool) -> Option<(Cow<'_, str>, usize)> {
    let b = rest.as_bytes();
    let end = closing_quote(b)?;
    let body = &b[..end];
    if tabs && memchr(b'\t', body).is_some() {
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
/// Sixty-four bytes at a time: the quotes and backslashes of each word
/// become flags ([`super::scan::flags`]), gathered into one bit per byte; which
/// bytes a backslash escapes then follows from the parity of the runs of
/// backslashes, found for all runs at once by an addition whose carries
/// run along each run (the run starting on an odd byte is cleared, one
/// starting on an even byte is not; the carry out of the block says
/// whether its last byte escapes the first of the next). The first quote
/// not escaped is the end; only escapes of something other than a quote
/// or a backslash are looked at one by one.
fn closing_quote(b: &[u8]) -> Option<usize> {
    let body = b.get(1..)?;
    let mut blocks = body.chunks_exact(BLOCK);
    // Whether the first byte of the next block is escaped.
    let mut carry = 0u64;
    let mut base = 1;
    for block in &mut blocks {
        let mut quotes = 0u64;
        let mut backslashes = 0u64;
        for (i, word) in block.chunks_exact(WORD).enumerate() {
            let word = word
                .first_chunk::<WORD>()
                .map_or(0, |w| u64::from_le_bytes(*w));
            quotes |= gather(flags(word, b'"')) << (i * WORD);
            backslashes |= gather(flags(word, b'\\')) << (i * WORD);
        }
        if let Some(end) = block_step(quotes, backslashes, &mut carry, b, base)? {
            return Some(end);
        }
        base += BLOCK;
    }
    // The last bytes, each word padded with zeros (neither quote nor
    // backslash); an escape running into the padding is checked against
    // the text and fails.
    let rest = blocks.remainder();
    if rest.is_empty() {
        return None;
    }
    let mut quotes = 0u64;
    let mut backslashes = 0u64;
    let mut at = 0;
    while at < rest.len() {
        let (word, _) = load(rest, at);
        quotes |= gather(flags(word, b'"')) << at;
        backslashes |= gather(flags(word, b'\\')) << at;
        at += WORD;
    }
    block_step(quotes, backslashes, &mut carry, b, base)?
}

/// Bytes per step of [`closing_quote`]: one bit each in a `u64`.
const BLOCK: usize = 64;

/// The even bits: bytes at even offsets of a block.
const EVEN: u64 = 0x5555_5555_5555_5555;

/// One block of [`closing_quote`] at `base`, given its quotes and
/// backslashes a bit per byte: `Some(Some(end))` at the closing quote,
/// `Some(None)` to go on, `None` for a bad escape.
#[inline]
fn block_step(
    quotes: u64,
    backslashes: u64,
    carry: &mut u64,
    b: &[u8],
    base: usize,
) -> Option<Option<usize>> {
    // A backslash escaped from the block before starts no escape.
    let starts = backslashes & !*carry;
    let follows = (starts << 1) | *carry;
    // Runs starting on an odd byte: adding the run to its start clears it
    // (the carry runs along it) and leaves a bit after it; runs starting
    // on an even byte stay as they are.
    let odd_starts = starts & !EVEN & !follows;
    let (runs, overflow) = odd_starts.overflowing_add(starts);
    // In a run from an even byte the odd bytes after a backslash are
    // escaped, in one from an odd byte the even ones.
    let escaped = (EVEN ^ (runs << 1)) & follows;
    *carry = u64::from(overflow);
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
    // Never in the padding of a short last block.
    Some(Some(base + close.trailing_zeros() as usize))
}

/// One bit per byte from the high bits of a word's flags: byte `i`'s
/// flag becomes bit `i`.
#[inline]
fn gather(flags: u64) -> u64 {
    // Each flag, moved to bit 0 of its byte, is copied by the multiplier
    // into the top byte at a distinct bit; nothing else reaches it.
    ((flags >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Checks the escapes whose first byte after the backslash is flagged
/// (a bit per byte) in `odd` (letters and hex codes: a hex code's digits
/// are neither quotes nor backslashes, so its length does not change what
/// the masks say).
#[cold]
fn check_escapes(mut odd: u64, b: &[u8], base: usize) -> Option<()> {
    while odd != 0 {
        escape_len(b.get(base + odd.trailing_zeros() as usize..)?)?;
        odd &= odd - 1;
    }
    Some(())
}

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
/// quote; `tabs` as for [`double_quoted`].
pub(super) fn single_quoted(rest: &str, keep: bool, tabs: bool) -> Option<(Cow<'_, str>, usize)> {
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
                if tabs && memchr(b'\t', &b[..at]).is_some() {
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
        let (v, end) = double_quoted(&long, true, true).expect("scalar");
        assert_eq!(v, format!("{}\"x\u{e9}", "a".repeat(50)));
        assert_eq!(&long[end..], " tail");
        assert_eq!(
            double_quoted(&long, false, true),
            Some((Cow::Borrowed(""), end))
        );
        assert!(matches!(
            double_quoted(r#""plain" x"#, true, true),
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
            assert_eq!(double_quoted(bad, false, true), None, "{bad}");
            assert_eq!(double_quoted(bad, true, true), None, "{bad}");
        }
        assert_eq!(
            single_quoted("'it''s ''x''' y", true, true),
            Some((Cow::Owned("it's 'x'".to_string()), 13))
        );
        assert_eq!(
            single_quoted("'it''s' y", false, true),
            Some((Cow::Borrowed(""), 7))
        );
        assert_eq!(single_quoted("'a\tb'", false, true), None);
        assert_eq!(single_quoted("'open''", true, true), None);
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
                                (double_quoted(&text, true, true), naive_double(&text))
                            } else {
                                (single_quoted(&text, true, true), naive_single(&text))
                            };
                            let got = got.map(|(v, e)| (v.into_owned(), e));
                            if !text.contains('\t') {
                                let without = if open == '"' {
                                    double_quoted(&text, true, false)
                                } else {
                                    single_quoted(&text, true, false)
                                };
                                let without = without.map(|(v, e)| (v.into_owned(), e));
                                assert_eq!(without, got, "{text:?}");
                            }
                            assert_eq!(got, want, "{text:?}");
                            let skipped = if open == '"' {
                                double_quoted(&text, false, true)
                            } else {
                                single_quoted(&text, false, true)
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
    fn gather_makes_a_bit_per_byte() {
        for bits in 0..=255u64 {
            let spread = (0..8).fold(0u64, |acc, i| acc | (((bits >> i) & 1) << (8 * i + 7)));
            assert_eq!(gather(spread), bits);
        }
    }

    /// Runs of backslashes, quotes and other escapes at every offset of a
    /// block, against a byte-by-byte reading: a seeded generator over a
    /// small alphabet, so runs of every length cross block boundaries.
    #[test]
    fn dense_escapes_agree_with_a_byte_loop() {
        fn naive_end(b: &[u8]) -> Option<usize> {
            let mut i = 1;
            loop {
                match *b.get(i)? {
                    b'"' => return Some(i),
                    b'\\' => i += 1 + escape_len(&b[i + 1..])?,
                    _ => i += 1,
                }
            }
        }
        let alphabet: &[&[u8]] = &[b"a", b"\\", b"\"", b"n", b"x4", b"u00e9", b"\\\\"];
        let mut rng = capstan_gotmpl::test_inputs::Xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let len = rng.below(200);
            let mut text = vec![b'"'];
            while text.len() < len {
                let piece = alphabet[rng.below(alphabet.len())];
                text.extend_from_slice(piece);
            }
            if rng.next().is_multiple_of(2) {
                text.push(b'"');
            }
            assert_eq!(
                closing_quote(&text),
                naive_end(&text),
                "{:?}",
                String::from_utf8_lossy(&text)
            );
        }
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
