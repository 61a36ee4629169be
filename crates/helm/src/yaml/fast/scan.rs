//! Finding the bytes that end a run, eight bytes at a time: inside a
//! quoted scalar, and in plain scalars and keys ([`plain_stop`]).
//!
//! Rendered manifests hold long quoted strings, often JSON with `\"` every
//! few bytes: a search per escape (`memchr3`) costs more in setting up than
//! in searching, and a byte-by-byte loop is slow on long runs. Instead
//! eight bytes, read as a little-endian `u64`, become a mask with the high
//! bit of each byte set where that byte is one looked for, and the reader
//! walks the mask's flags, dropping those an escape took.

use capstan_gotmpl::format::words::{HIGHS, LOWS, ONES, load_short};

/// Bytes looked at per step.
pub(super) const WORD: usize = 8;

/// The (up to) eight bytes of `b` from `at` as a little-endian word, zero
/// past the end of `b`, and how many of them are text: [`WORD`], fewer at
/// the end, 0 past it. Read without a copy loop: a short last word is the
/// text's last eight bytes shifted, or [`load_short`]'s two overlapping
/// loads.
#[inline]
pub(super) fn load(b: &[u8], at: usize) -> (u64, usize) {
    let rest = b.get(at..).unwrap_or_default();
    if let Some(w) = rest.first_chunk::<WORD>() {
        return (u64::from_le_bytes(*w), WORD);
    }
    let n = rest.len();
    if n == 0 {
        return (0, 0);
    }
    if let Some(last) = b.last_chunk::<WORD>() {
        // `rest` is the end of these eight bytes.
        return (u64::from_le_bytes(*last) >> (8 * (WORD - n)), n);
    }
    (load_short(rest), n)
}

/// The high bit of each byte of `word` equal to `needle` (not zero).
#[inline]
pub(super) fn flags(word: u64, needle: u8) -> u64 {
    !nonzero(word ^ (ONES * u64::from(needle))) & HIGHS
}

/// The high bit of each byte of `y` that is not zero. A byte's high bit
/// ends up set when any of its bits is — the low seven through the
/// addition, which cannot carry into the next byte — so every flag is
/// exact.
#[inline]
pub(super) fn nonzero(y: u64) -> u64 {
    (((y & LOWS) + LOWS) | y) & HIGHS
}

/// The bytes of `b` from `at` that are one of `needles` (none of which is
/// zero), as a mask, and how many bytes it covers: [`WORD`], fewer at the
/// end, 0 past it.
#[inline]
pub(super) fn word_mask<const N: usize>(b: &[u8], at: usize, needles: [u8; N]) -> (u64, usize) {
    let (word, width) = load(b, at);
    let mask = needles
        .iter()
        .fold(0, |acc, &needle| acc | flags(word, needle));
    (mask, width)
}

/// The position in its word of the mask's first flag.
#[inline]
pub(super) fn first(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// `mask` without the flags of bytes before `from` (`from < WORD`).
#[inline]
pub(super) fn from_byte(mask: u64, from: usize) -> u64 {
    mask & (u64::MAX << (from * 8))
}

/// What ends a plain scalar or key on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PlainStop {
    /// A `:` followed by a space or the end of the line, at this byte.
    Colon(usize),
    /// A `#` after a space (a comment), at this byte.
    Comment(usize),
    /// A tab, which the fast reader leaves to the full one.
    Tab,
    /// None of these: the line's end.
    End,
}

/// The first [`PlainStop`] in `b` (a plain scalar's text to the end of its
/// line, not starting with `#`); `tabs` says whether the text may hold
/// tabs at all.
///
/// Without tabs, each of the other stops has a space next to it (`: `,
/// ` #`) or ends the line (`:`), so only spaces are looked for: one byte
/// to find instead of three, and plain scalars and keys seldom hold one.
#[inline]
pub(super) fn plain_stop(b: &[u8], tabs: bool) -> PlainStop {
    if tabs {
        plain_stop_any(b)
    } else {
        plain_stop_spaces(b)
    }
}

/// [`plain_stop`] for text without tabs, found from the spaces.
fn plain_stop_spaces(b: &[u8]) -> PlainStop {
    let mut base = 0;
    while base < b.len() {
        let (word, width) = load(b, base);
        let mut spaces = flags(word, b' ');
        while spaces != 0 {
            let at = base + first(spaces);
            if at > 0 && b[at - 1] == b':' {
                return PlainStop::Colon(at - 1);
            }
            if b.get(at + 1) == Some(&b'#') {
                return PlainStop::Comment(at + 1);
            }
            spaces &= spaces - 1;
        }
        base += width;
    }
    match b.last() {
        Some(b':') => PlainStop::Colon(b.len() - 1),
        _ => PlainStop::End,
    }
}

/// [`plain_stop`] for text that may hold tabs.
fn plain_stop_any(b: &[u8]) -> PlainStop {
    let mut base = 0;
    while base < b.len() {
        let (mut hits, width) = word_mask(b, base, [b':', b'#', b'\t']);
        while hits != 0 {
            let i = base + first(hits);
            match b[i] {
                b':' if b.get(i + 1).is_none_or(|&c| c == b' ') => return PlainStop::Colon(i),
                b'#' if i > 0 && b[i - 1] == b' ' => return PlainStop::Comment(i),
                b'\t' => return PlainStop::Tab,
                _ => {}
            }
            hits &= hits - 1;
        }
        base += width;
    }
    PlainStop::End
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_flag_exactly_the_needles() {
        // Every byte value, next to needles and to bytes one above them
        // (which fool the usual borrowing zero-byte test).
        let mut text: Vec<u8> = (0..=255u8).collect();
        text.extend_from_slice(b"a#\"]\\\n\t\"\"\\\\\x0a]#");
        let needles = [b'"', b'\\', b'\t'];
        for at in 0..=text.len() + 2 {
            let (mask, width) = word_mask(&text, at, needles);
            assert_eq!(width, text.len().saturating_sub(at).min(WORD));
            assert_eq!(mask & !HIGHS, 0);
            for i in 0..WORD {
                let expected = i < width && needles.contains(&text[at + i]);
                assert_eq!(mask & (0x80 << (i * 8)) != 0, expected, "at {at} byte {i}");
            }
            if mask != 0 {
                assert!(needles.contains(&text[at + first(mask)]));
            }
        }
        assert_eq!(from_byte(0x8000_0080, 1), 0x8000_0000);
        assert_eq!(from_byte(u64::MAX, 7), 0xff << 56);
    }

    #[test]
    fn loads_match_a_copy() {
        let text: Vec<u8> = (1..=40u8).map(|i| i.wrapping_mul(37) | 1).collect();
        for len in 0..text.len() {
            let b = &text[..len];
            for at in 0..len + 3 {
                let mut expected = [0u8; WORD];
                let rest = b.get(at..).unwrap_or_default();
                let n = rest.len().min(WORD);
                expected[..n].copy_from_slice(&rest[..n]);
                assert_eq!(load(b, at), (u64::from_le_bytes(expected), n), "{len} {at}");
            }
        }
    }

    #[test]
    fn plain_stops() {
        let cases = [
            ("a", PlainStop::End),
            ("a:b", PlainStop::End),
            ("a#b", PlainStop::End),
            ("key: value", PlainStop::Colon(3)),
            ("key:", PlainStop::Colon(3)),
            ("http://x.y/z # c: d", PlainStop::Comment(13)),
            ("a b c d e f g h i j: k", PlainStop::Colon(19)),
            ("abcdefgh\tx: y", PlainStop::Tab),
            ("abcdefgh: x\ty", PlainStop::Colon(8)),
            ("0123456789abcdef #", PlainStop::Comment(17)),
        ];
        for (text, stop) in cases {
            assert_eq!(plain_stop(text.as_bytes(), true), stop, "{text:?}");
            if !text.contains('\t') {
                assert_eq!(plain_stop(text.as_bytes(), false), stop, "{text:?}");
            }
        }
    }

    /// Finding stops from the spaces agrees with looking for every stop
    /// byte, on every text of up to seven bytes of `a : #` after pads that
    /// put them at every offset of a word.
    #[test]
    fn stops_found_from_spaces_agree() {
        let alphabet = [b'a', b' ', b':', b'#'];
        let mut n = 0;
        for len in 0..=7u32 {
            for code in 0..4usize.pow(len) {
                let mut tail = Vec::new();
                let mut c = code;
                for _ in 0..len {
                    tail.push(alphabet[c % 4]);
                    c /= 4;
                }
                for pad in [0, 1, 5, 7, 8, 9, 15] {
                    let mut text = vec![b'x'; pad];
                    text.extend_from_slice(&tail);
                    assert_eq!(
                        plain_stop_spaces(&text),
                        plain_stop_any(&text),
                        "{:?}",
                        String::from_utf8_lossy(&text)
                    );
                    n += 1;
                }
            }
        }
        assert!(n > 100_000);
    }
}
