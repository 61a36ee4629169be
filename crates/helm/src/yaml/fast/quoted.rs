//! One-line quoted scalars for the fast reader: finding their end, checking
//! their escapes, and building their value only when asked.
//!
//! Rendered manifests hold long quoted strings (a chart's values as JSON in
//! a ConfigMap, `\"` every few bytes), so the scan looks at eight bytes at a
//! time for the few bytes that matter, and a value without escapes is
//! borrowed from the text instead of copied. When the value is not wanted
//! (`keep == false`) the escapes are still checked, so the reader bails on
//! exactly the same text either way.

use std::borrow::Cow;

/// A one-line double-quoted scalar at the start of `rest`: its value
/// (empty when `!keep`) and the byte after the closing quote; `None` for
/// tabs, unknown escapes and scalars that do not close on this line.
pub(super) fn double_quoted(rest: &str, keep: bool) -> Option<(Cow<'_, str>, usize)> {
    let b = rest.as_bytes();
    // Built from the first escape on; until then the value is a slice.
    let mut built: Option<String> = None;
    let mut i = 1;
    loop {
        let at = i + find_any(b.get(i..)?, [b'"', b'\\', b'\t'])?;
        match b[at] {
            b'"' => {
                let value = match built {
                    Some(mut s) => {
                        s.push_str(&rest[i..at]);
                        Cow::Owned(s)
                    }
                    None if keep => Cow::Borrowed(&rest[1..at]),
                    None => Cow::Borrowed(""),
                };
                return Some((value, at + 1));
            }
            b'\\' => {
                let (c, len) = escape(&b[at + 1..])?;
                if keep {
                    let s = built.get_or_insert_with(String::new);
                    s.push_str(&rest[i..at]);
                    s.push(c);
                }
                i = at + 1 + len;
            }
            _ => return None,
        }
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
    let mut i = 1;
    loop {
        let at = i + find_any(b.get(i..)?, [b'\'', b'\t'])?;
        if b[at] == b'\t' {
            return None;
        }
        if b.get(at + 1) == Some(&b'\'') {
            if keep {
                // The run and one of the two quotes.
                built
                    .get_or_insert_with(String::new)
                    .push_str(&rest[i..=at]);
            }
            i = at + 2;
            continue;
        }
        let value = match built {
            Some(mut s) => {
                s.push_str(&rest[i..at]);
                Cow::Owned(s)
            }
            None if keep => Cow::Borrowed(&rest[1..at]),
            None => Cow::Borrowed(""),
        };
        return Some((value, at + 1));
    }
}

const ONES: u64 = u64::from_le_bytes([1; 8]);
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

/// The first byte of `hay` equal to one of `needles`.
///
/// Eight bytes at a time: a word XORed with a needle repeated has a zero
/// byte where the needle is, and `(x - 0x01..) & !x & 0x80..` flags zero
/// bytes. A flag can be wrong only above a true zero byte (the borrow
/// runs upwards), so the lowest flag over all needles is a true match.
fn find_any<const N: usize>(hay: &[u8], needles: [u8; N]) -> Option<usize> {
    let (words, tail) = hay.as_chunks::<8>();
    for (n, word) in words.iter().enumerate() {
        let x = u64::from_le_bytes(*word);
        let flags = needles.iter().fold(0, |acc, &needle| {
            let y = x ^ (ONES * u64::from(needle));
            acc | (y.wrapping_sub(ONES) & !y & HIGHS)
        });
        if flags != 0 {
            return Some(n * 8 + (flags.trailing_zeros() / 8) as usize);
        }
    }
    let at = tail.iter().position(|c| needles.contains(c))?;
    Some(words.len() * 8 + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_any_finds_the_first_needle_at_every_offset() {
        for len in 0..40 {
            for at in 0..len {
                for needle in [b'"', b'\\', b'\t'] {
                    let mut hay = vec![b'a'; len];
                    // Bytes one above a needle tempt the borrow trick.
                    for (i, b) in hay.iter_mut().enumerate() {
                        if i % 3 == 0 {
                            *b = needle + 1;
                        }
                    }
                    hay[at] = needle;
                    if at + 1 < len {
                        hay[at + 1] = b'\\';
                    }
                    assert_eq!(find_any(&hay, [b'"', b'\\', b'\t']), Some(at), "{hay:?}");
                }
            }
            assert_eq!(find_any(&vec![b'x'; len], [b'"', b'\\']), None);
        }
        assert_eq!(find_any(&[0x80, 0xff, 0, 1, b'"'], [b'"']), Some(4));
    }

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
}
