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
///
/// The text is read eight bytes at a time and written to a stack buffer
/// that goes to `out` in pieces of a few hundred bytes: every store is a
/// whole word at a position the buffer is known to have room for, so the
/// quotes and backslashes of JSON text (one every few bytes) cost a shift
/// and a store each, with no capacity check or length update of `out`.
fn append_body(out: &mut Vec<u8>, s: &str, ascii_only: bool) {
    let bytes = s.as_bytes();
    let mut buf = Staging::new();
    let mut i = 0;
    loop {
        // Pairs of whole words of plain bytes, quotes and backslashes: the
        // bulk of a JSON document.
        while let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<16>()) {
            let (low, high) = chunk.split_at(8);
            let low = low.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w));
            let high = high
                .first_chunk::<8>()
                .map_or(0, |w| u64::from_le_bytes(*w));
            let (escaped_low, other_low) = special_bytes(low);
            let (escaped_high, other_high) = special_bytes(high);
            if other_low | other_high != 0 {
                break;
            }
            if buf.len > Staging::ROOM {
                buf.flush(out, bytes.len() - i);
            }
            buf.push_escaped(low, escaped_low, 8);
            buf.push_escaped(high, escaped_high, 8);
            i += 16;
        }
        // A word with a byte that stops the copying, or the last bytes.
        let Some((word, len)) = words::word_at(bytes, i) else {
            break;
        };
        if buf.len > Staging::ROOM {
            buf.flush(out, bytes.len() - i);
        }
        let (escaped, other) = special_bytes(word);
        // The padding past the text is spaces, which neither mask flags.
        let plain = if other == 0 {
            len
        } else {
            (other.trailing_zeros() / 8) as usize
        };
        // Quotes and backslashes after the byte that stops the copying
        // are handled when the copying resumes.
        let escaped = escaped & (other & other.wrapping_neg()).wrapping_sub(1);
        buf.push_escaped(word, escaped, plain);
        i += plain;
        if plain == len {
            continue;
        }
        // `i` stays on a character boundary: the copying stops at the lead
        // byte of a non-ASCII character, which is then taken whole.
        let b = bytes[i];
        if b.is_ascii() {
            let (text, n) = ascii_escape(b);
            buf.push_slice(&text[..n]);
            i += 1;
            continue;
        }
        let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let next = i + c.len_utf8();
        if ascii_only || !is_print(c) {
            let (text, n) = rune_escape(c);
            buf.push_slice(&text[..n]);
        } else if plain + c.len_utf8() <= len {
            // The character is in the word read: stored from it.
            buf.push_word(word >> (8 * plain), c.len_utf8());
        } else {
            buf.push_slice(&bytes[i..next]);
        }
        i = next;
    }
    buf.flush(out, 0);
}

/// The stack buffer [`append_body`] writes to. One step of its loop adds
/// at most 32 bytes (two words whose bytes all take a backslash), or 16
/// and then 10 (the longest escape), and its whole-word stores reach 8
/// bytes past what they keep, so a step never writes past
/// [`Staging::SLACK`] bytes from where it starts: the buffer is flushed
/// before a step once it holds more than [`Staging::ROOM`].
struct Staging {
    bytes: [u8; Staging::SIZE],
    len: usize,
}

impl Staging {
    const SIZE: usize = 512;
    const SLACK: usize = 48;
    /// The most the buffer may hold at the start of a step.
    const ROOM: usize = Self::SIZE - Self::SLACK;

    fn new() -> Self {
        Staging {
            bytes: [0; Self::SIZE],
            len: 0,
        }
    }

    /// Moves the buffer's bytes to `out`, making room there for about as
    /// many again as the `left` input bytes may need (the first estimate,
    /// from [`append_quote`], is short for text dense with quotes).
    fn flush(&mut self, out: &mut Vec<u8>, left: usize) {
        let text = &self.bytes[..self.len];
        if out.capacity() - out.len() < text.len() {
            out.reserve(text.len() + left + left / 2);
        }
        out.extend_from_slice(text);
        self.len = 0;
    }

    /// Stores the whole of `word`, keeping its first `n` bytes.
    #[inline]
    fn push_word(&mut self, word: u64, n: usize) {
        let at = self.len;
        self.bytes[at..at + 8].copy_from_slice(&word.to_le_bytes());
        self.len = at + n;
    }

    /// Stores the first `n` bytes of `word` with a backslash before each
    /// byte flagged in `escaped` (all of which are among those `n`): the
    /// word is stored once, and again after each backslash, shifted past
    /// the bytes already placed.
    #[inline]
    fn push_escaped(&mut self, word: u64, mut escaped: u64, n: usize) {
        let mut at = self.len;
        self.bytes[at..at + 8].copy_from_slice(&word.to_le_bytes());
        let mut done = 0;
        while escaped != 0 {
            let next = (escaped.trailing_zeros() / 8) as usize;
            at += next - done;
            let rest = word >> (8 * next);
            self.bytes[at] = b'\\';
            self.bytes[at + 1..at + 9].copy_from_slice(&rest.to_le_bytes());
            at += 1;
            done = next;
            escaped &= escaped - 1;
        }
        self.len = at + n - done;
    }

    fn push_slice(&mut self, text: &[u8]) {
        let at = self.len;
        self.bytes[at..at + text.len()].copy_from_slice(text);
        self.len = at + text.len();
    }
}

use super::words::{self, HIGHS, ONES};

/// Two masks over the bytes of `w`, the high bit of each byte set where:
/// a quote or backslash (copied after a backslash), and a control
/// character, DEL or a byte of a non-ASCII character (which stop the
/// copying). Exact per byte: on the 7-bit part `t` no sum carries into the
/// next byte.
#[inline]
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
    let (text, n) = ascii_escape(b);
    out.extend_from_slice(&text[..n]);
}

/// The escape of a control character or DEL, and its length.
fn ascii_escape(b: u8) -> ([u8; 4], usize) {
    let short = match b {
        0x07 => b'a',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        0x0b => b'v',
        b => return (hex_byte(b), 4),
    };
    ([b'\\', short, 0, 0], 2)
}

/// A non-ASCII character that is not printable (or any, for ASCII-only
/// quoting): `\uXXXX` in the basic plane, `\UXXXXXXXX` above it.
fn push_rune_escape(out: &mut Vec<u8>, c: char) {
    let (text, n) = rune_escape(c);
    out.extend_from_slice(&text[..n]);
}

/// The escape [`push_rune_escape`] writes, and its length.
fn rune_escape(c: char) -> ([u8; 10], usize) {
    let v = u32::from(c);
    let mut text = [b'\\', b'u', 0, 0, 0, 0, 0, 0, 0, 0];
    let digits = if v < 0x10000 {
        4
    } else {
        text[1] = b'U';
        8
    };
    for (k, slot) in text[2..2 + digits].iter_mut().enumerate() {
        *slot = LOWER_HEX[((v >> ((digits - 1 - k) * 4)) & 0xf) as usize];
    }
    (text, 2 + digits)
}

fn push_hex_byte(out: &mut Vec<u8>, b: u8) {
    out.extend_from_slice(&hex_byte(b));
}

/// `\xNN`, as Go writes a byte that is not part of a valid character.
fn hex_byte(b: u8) -> [u8; 4] {
    [
        b'\\',
        b'x',
        LOWER_HEX[usize::from(b >> 4)],
        LOWER_HEX[usize::from(b & 0xf)],
    ]
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
