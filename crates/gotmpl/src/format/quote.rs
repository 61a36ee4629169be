//! Go string and rune literals: `strconv.Quote`, `QuoteToASCII`, `QuoteRune`,
//! `CanBackquote` and `IsPrint`, as `%q`, `%#q`, `%+q` and `%#U` use them,
//! and as Sprig's `quote` and every quoted name in an error message do.
//!
//! Quoting is on the hot path of `{{ x | toJson | quote }}`, whose argument
//! can be a whole document, so it looks at eight bytes at a time for the few
//! bytes that need work (controls, DEL, `"`, `\` and non-ASCII) and copies
//! the runs between them in one piece; a quote or backslash only gets a
//! backslash in front and stays in the next run, and a printable non-ASCII
//! character stays in the current one. `[]byte` operands may hold invalid
//! UTF-8, which Go escapes byte by byte as `\xNN`.

use super::isprint::PRINTABLE;

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and
/// the ASCII space (Unicode 15.0, as in the Go release Helm is built with).
pub fn is_print(c: char) -> bool {
    let c = u32::from(c);
    if c <= 0xff {
        // Latin-1 is quick: ASCII graphic characters and space, and ¡ to ÿ
        // except the soft hyphen.
        return (0x20..=0x7e).contains(&c) || ((0xa1..=0xff).contains(&c) && c != 0xad);
    }
    let i = PRINTABLE.partition_point(|&(_, hi)| hi < c);
    PRINTABLE.get(i).is_some_and(|&(lo, _)| lo <= c)
}

/// Go's `strconv.Quote`: a double-quoted Go string literal for `s`.
pub fn quote(s: &str) -> String {
    let mut out = Vec::new();
    append_quote(&mut out, s);
    into_string(out)
}

/// Appends Go's `strconv.Quote` of `s` to `out` as UTF-8 text (so `out`
/// stays UTF-8 if it was). Sprig's `quote` builds its result this way,
/// without a string per argument.
pub fn append_quote(out: &mut Vec<u8>, s: &str) {
    // Room for a quote or backslash in every fourth byte (a JSON document
    // has one in every six or seven) saves growing a long result.
    out.reserve(s.len() + s.len() / 4 + 2);
    out.push(b'"');
    append_body(out, s, false);
    out.push(b'"');
}

/// Go's `strconv.QuoteToASCII`: like [`quote`] but every non-ASCII rune is
/// escaped too.
pub fn quote_to_ascii(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    out.push(b'"');
    append_body(&mut out, s, true);
    out.push(b'"');
    into_string(out)
}

/// Appends the double-quoted literal for `bytes`; bytes that are not valid
/// UTF-8 become `\xNN`.
pub(crate) fn append_quoted(out: &mut String, bytes: &[u8], ascii_only: bool) {
    let mut quoted = Vec::with_capacity(bytes.len() + 2);
    quoted.push(b'"');
    for chunk in bytes.utf8_chunks() {
        append_body(&mut quoted, chunk.valid(), ascii_only);
        for &b in chunk.invalid() {
            push_hex_byte(&mut quoted, b);
        }
    }
    quoted.push(b'"');
    if out.is_empty() {
        *out = into_string(quoted);
    } else {
        out.push_str(&String::from_utf8_lossy(&quoted));
    }
}

/// The text the quoting code wrote: only whole characters of the input and
/// ASCII escapes, so always UTF-8 (the lossy branch is never taken).
fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends the escaped text of `s`, which goes between the quotes.
fn append_body(out: &mut Vec<u8>, s: &str, ascii_only: bool) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // `i` stays on a character boundary: `copy_plain` stops at the lead
        // byte of a non-ASCII character, which is then taken whole.
        i = copy_plain(out, bytes, i);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        if b.is_ascii() {
            push_ascii_escape(out, b);
            i += 1;
        } else {
            let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            let next = i + c.len_utf8();
            if ascii_only || !is_print(c) {
                push_rune_escape(out, c);
            } else {
                out.extend_from_slice(&bytes[i..next]);
            }
            i = next;
        }
    }
}

use super::words::{self, HIGHS, ONES};

/// Two masks over the bytes of `w`, the high bit of each byte set where:
/// a quote or backslash (copied after a backslash), and a control
/// character, DEL or a byte of a non-ASCII character (which stop the
/// copying). Exact per byte: on the 7-bit part `t` no sum carries into the
/// next byte.
fn special_bytes(w: u64) -> (u64, u64) {
    let t = w & !HIGHS;
    // The high bit of each sum is set where the byte is not the one named.
    let not_quote = (t ^ (ONES * u64::from(b'"'))) + ONES * 0x7f;
    let not_backslash = (t ^ (ONES * u64::from(b'\\'))) + ONES * 0x7f;
    let not_control = t + ONES * (0x80 - 0x20);
    let del = t + ONES;
    let other = (w | del | !not_control) & HIGHS;
    let escaped = !(not_quote & not_backslash) & !other & HIGHS;
    (escaped, other)
}

/// Copies the bytes from `i` on to `out` up to the first control
/// character, DEL or non-ASCII byte, putting a backslash before each quote
/// and backslash; returns that byte's index, or `bytes.len()`.
///
/// Eight bytes are read at a time. Each stretch between escapes is written
/// as a whole word and the excess taken back, cheaper than copying a run of
/// unknown length, and a word's quotes and backslashes are all handled
/// from its mask without reading it again.
fn copy_plain(out: &mut Vec<u8>, bytes: &[u8], mut i: usize) -> usize {
    loop {
        let Some((word, len)) = words::word_at(bytes, i) else {
            return i;
        };
        let (escaped, other) = special_bytes(word);
        // Bytes before the first one that stops the copying.
        let plain = if other == 0 {
            len
        } else {
            ((other.trailing_zeros() / 8) as usize).min(len)
        };
        let mut escaped = escaped & HIGHS.checked_shr(64 - 8 * plain as u32).unwrap_or(0);
        let mut from = 0;
        while escaped != 0 {
            let at = (escaped.trailing_zeros() / 8) as usize;
            push_part(out, word >> (8 * from), at - from);
            out.push(b'\\');
            from = at;
            escaped &= escaped - 1;
        }
        push_part(
            out,
            word.checked_shr(8 * from as u32).unwrap_or(0),
            plain - from,
        );
        i += plain;
        if plain < 8 {
            return i;
        }
    }
}

/// Appends the first `n` (at most 8) bytes of `word`.
fn push_part(out: &mut Vec<u8>, word: u64, n: usize) {
    out.extend_from_slice(&word.to_le_bytes());
    out.truncate(out.len() - 8 + n);
}

/// Appends Go's `strconv.QuoteRune` (or `QuoteRuneToASCII`) of a code point;
/// values that are not valid runes are shown as U+FFFD, as Go does.
pub(crate) fn append_quoted_rune(out: &mut String, rune: u64, ascii_only: bool) {
    let c = u32::try_from(rune)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    let mut quoted = Vec::with_capacity(12);
    quoted.push(b'\'');
    if c == '\'' || c == '\\' {
        quoted.extend_from_slice(&[b'\\', c as u8]);
    } else if c.is_ascii() && is_print(c) {
        quoted.push(c as u8);
    } else if c.is_ascii() {
        push_ascii_escape(&mut quoted, c as u8);
    } else if !ascii_only && is_print(c) {
        quoted.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    } else {
        push_rune_escape(&mut quoted, c);
    }
    quoted.push(b'\'');
    out.push_str(&String::from_utf8_lossy(&quoted));
}

/// Go's `strconv.CanBackquote`: whether `%#q` may print the text between
/// backquotes (no control characters but tab, no backquote, no BOM, valid
/// UTF-8).
pub(crate) fn can_backquote(bytes: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(bytes) else {
        return false;
    };
    s.chars().all(|c| match c {
        '\t' => true,
        '`' | '\u{7f}' | '\u{feff}' => false,
        c => c >= ' ',
    })
}

/// A control character or DEL: Go's short escapes, else `\xNN`.
fn push_ascii_escape(out: &mut Vec<u8>, b: u8) {
    let short = match b {
        0x07 => b'a',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        0x0b => b'v',
        b => return push_hex_byte(out, b),
    };
    out.extend_from_slice(&[b'\\', short]);
}

/// A non-ASCII character that is not printable (or any, for ASCII-only
/// quoting): `\uXXXX` in the basic plane, `\UXXXXXXXX` above it.
fn push_rune_escape(out: &mut Vec<u8>, c: char) {
    let v = u32::from(c);
    let digits = if v < 0x10000 {
        out.extend_from_slice(b"\\u");
        4
    } else {
        out.extend_from_slice(b"\\U");
        8
    };
    for shift in (0..digits).rev() {
        out.push(LOWER_HEX[((v >> (shift * 4)) & 0xf) as usize]);
    }
}

fn push_hex_byte(out: &mut Vec<u8>, b: u8) {
    out.extend_from_slice(&[
        b'\\',
        b'x',
        LOWER_HEX[usize::from(b >> 4)],
        LOWER_HEX[usize::from(b & 0xf)],
    ]);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(quote("a\"b\\c\n\t\u{7}\u{7f}"), r#""a\"b\\c\n\t\a\x7f""#);
        assert_eq!(
            quote("é\u{2028}\u{1f600}\u{e0001}"),
            "\"é\\u2028\u{1f600}\\U000e0001\""
        );
        assert_eq!(quote_to_ascii("é😀"), r#""\u00e9\U0001f600""#);
        let mut s = String::new();
        append_quoted(&mut s, b"a\xffb\xe2\x82", false);
        assert_eq!(s, r#""a\xffb\xe2\x82""#);
    }

    /// Go's quoting rules one character at a time, the plain reading of
    /// `strconv.appendEscapedRune` that the run-copying code must match.
    fn one_by_one(s: &str, ascii_only: bool) -> String {
        let mut out = vec![b'"'];
        for c in s.chars() {
            match c {
                '"' | '\\' => out.extend_from_slice(&[b'\\', c as u8]),
                c if is_print(c) && (c.is_ascii() || !ascii_only) => {
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                c if c.is_ascii() => push_ascii_escape(&mut out, c as u8),
                c => push_rune_escape(&mut out, c),
            }
        }
        out.push(b'"');
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn runs_break_at_every_position_of_a_word() {
        let specials = [
            "\"",
            "\\",
            "\u{7f}",
            "\0",
            "\n",
            "\u{1f}",
            "é",
            "\u{a0}",
            "\u{ad}",
            "世",
            "\u{2028}",
            "\u{feff}",
            "😀",
            "\u{e000}",
            "\u{e0001}",
            "\u{10ffff}",
            "'",
        ];
        for len in 0..=19 {
            for at in 0..=len {
                for a in specials {
                    for b in ["", "\"", "é", "\u{7f}", "😀"] {
                        let s = format!("{}{a}{}{b}", "x".repeat(at), "y".repeat(len - at));
                        assert_eq!(quote(&s), one_by_one(&s, false), "{s:?}");
                        assert_eq!(quote_to_ascii(&s), one_by_one(&s, true), "{s:?}");
                    }
                }
            }
        }
        // A long text with quotes and backslashes throughout, as a quoted
        // JSON document is, takes the reserved-capacity path.
        let doc = "{\"k\":\"a\\nb\",\"é\":[1,\"\u{7f}\"]}".repeat(20);
        assert_eq!(quote(&doc), one_by_one(&doc, false));
        let mut out = b"x ".to_vec();
        append_quote(&mut out, &doc);
        assert_eq!(out, format!("x {}", one_by_one(&doc, false)).into_bytes());
    }

    #[test]
    fn dense_escapes_match_the_one_by_one_rules() {
        // Seeded strings where most words hold several quotes, backslashes,
        // controls and multi-byte characters.
        let alphabet = [
            "\"", "\\", "a", "b", " ", "\n", "\u{7f}", "é", "😀", "\u{2028}", "'",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize;
            let s: String = (0..len)
                .map(|k| alphabet[((seed >> (k % 60)) as usize + k * 7) % alphabet.len()])
                .collect();
            assert_eq!(quote(&s), one_by_one(&s, false), "{s:?}");
            assert_eq!(quote_to_ascii(&s), one_by_one(&s, true), "{s:?}");
        }
    }

    #[test]
    fn quotes_runes_like_go() {
        let mut s = String::new();
        append_quoted_rune(&mut s, u64::from(b'\''), false);
        append_quoted_rune(&mut s, u64::from(b'"'), false);
        append_quoted_rune(&mut s, 0xd800, false);
        append_quoted_rune(&mut s, u64::MAX, true);
        assert_eq!(s, r#"'\'''"''�''\ufffd'"#);
    }

    #[test]
    fn printability() {
        assert!(is_print(' ') && is_print('é') && is_print('世') && is_print('😀'));
        assert!(!is_print('\u{a0}') && !is_print('\u{ad}') && !is_print('\u{200b}'));
        assert!(!is_print('\u{e000}') && !is_print('\u{10ffff}'));
        // Unicode 15.0 as in the Go that builds Helm (checked with Helm
        // v4.2.3): new in 14.0 and 15.0 printable, new in 15.1 not.
        assert!(is_print('\u{870}') && is_print('\u{1e030}') && is_print('\u{1fae8}'));
        assert!(!is_print('\u{2ffc}'));
        assert!(can_backquote(b"a\tb") && !can_backquote(b"a`b") && !can_backquote(b"\xff"));
        assert!(!can_backquote("\u{feff}".as_bytes()) && !can_backquote(b"a\nb"));
    }
}
