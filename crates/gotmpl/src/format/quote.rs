//! Go string and rune literals: `strconv.Quote`, `QuoteToASCII`, `QuoteRune`,
//! `CanBackquote` and `IsPrint`, as `%q`, `%#q`, `%+q` and `%#U` use them.
//!
//! Quoting works on bytes because a `[]byte` may hold invalid UTF-8, which Go
//! escapes byte by byte as `\xNN`.

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
    let mut out = String::with_capacity(s.len() + 2);
    append_quoted(&mut out, s.as_bytes(), false);
    out
}

/// Go's `strconv.QuoteToASCII`: like [`quote`] but every non-ASCII rune is
/// escaped too.
pub fn quote_to_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    append_quoted(&mut out, s.as_bytes(), true);
    out
}

/// Appends the double-quoted literal for `bytes`; bytes that are not valid
/// UTF-8 become `\xNN`.
pub(crate) fn append_quoted(out: &mut String, bytes: &[u8], ascii_only: bool) {
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            append_escaped(out, c, '"', ascii_only);
        }
        for &b in chunk.invalid() {
            push_hex_byte(out, b);
        }
    }
    out.push('"');
}

/// Appends Go's `strconv.QuoteRune` (or `QuoteRuneToASCII`) of a code point;
/// values that are not valid runes are shown as U+FFFD, as Go does.
pub(crate) fn append_quoted_rune(out: &mut String, rune: u64, ascii_only: bool) {
    let c = u32::try_from(rune)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    out.push('\'');
    append_escaped(out, c, '\'', ascii_only);
    out.push('\'');
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

fn append_escaped(out: &mut String, c: char, quote: char, ascii_only: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    let printable = if ascii_only {
        c.is_ascii() && is_print(c)
    } else {
        is_print(c)
    };
    if printable {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if c < ' ' || c == '\u{7f}' => push_hex_byte(out, c as u8),
        c => {
            let (prefix, digits) = if u32::from(c) < 0x10000 {
                ("\\u", 4)
            } else {
                ("\\U", 8)
            };
            out.push_str(prefix);
            let v = u32::from(c);
            for shift in (0..digits).rev() {
                out.push(char::from(LOWER_HEX[((v >> (shift * 4)) & 0xf) as usize]));
            }
        }
    }
}

fn push_hex_byte(out: &mut String, b: u8) {
    out.push_str("\\x");
    out.push(char::from(LOWER_HEX[usize::from(b >> 4)]));
    out.push(char::from(LOWER_HEX[usize::from(b & 0xf)]));
}

#[cfg(test)]
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
