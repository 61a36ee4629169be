//! `toJson`: Go's `json.Marshal` of template values.
//!
//! Map keys are sorted by bytes, `<`, `>`, `&`, U+2028 and U+2029 are escaped
//! as `\u003c`..., floats use encoding/json's rule (plain decimal between 1e-6
//! and 1e21, exponent form outside), NaN and infinities are errors, and
//! `[]byte` becomes base64 text.
//!
//! The text is written as bytes into one buffer that the caller sizes from
//! the value's measured size; everything written is whole characters of the
//! input or ASCII, so the buffer is UTF-8 at the end. Strings are scanned
//! eight bytes at a time for the few bytes that need an escape.

use base64::Engine as _;
use capstan_gotmpl::Value;

use super::JsonError;
use super::float::json_float;

/// Deepest value `to_json` walks (Go has no limit; template values are
/// trees, so this only guards our stack).
const MAX_DEPTH: usize = 1_000;

pub(super) fn encode(v: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), JsonError> {
    if depth > MAX_DEPTH {
        return Err(JsonError::new(format!(
            "json: value nested deeper than {MAX_DEPTH} levels"
        )));
    }
    match v {
        Value::Nil => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) | Value::Int64(i) => push_int(out, *i),
        Value::Float(x) => {
            if !x.is_finite() {
                return Err(JsonError::new(format!(
                    "json: unsupported value: {}",
                    super::float::go_format_g(*x)
                )));
            }
            push_float(out, *x);
        }
        Value::String(s) => quote_bytes(out, s),
        Value::Bytes(b) => {
            out.push(b'"');
            out.extend_from_slice(
                base64::engine::general_purpose::STANDARD
                    .encode(b)
                    .as_bytes(),
            );
            out.push(b'"');
        }
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                encode(item, out, depth + 1)?;
            }
            out.push(b']');
        }
        Value::Map(map) if map.is_nil_map() => out.extend_from_slice(b"null"),
        Value::Map(map) => {
            out.push(b'{');
            // Read in place: no snapshot (two counter updates per map, on a
            // cache line both threads of a side-by-side render write).
            map.read(|map| -> Result<(), JsonError> {
                for (i, (k, item)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    quote_bytes(out, k);
                    out.push(b':');
                    encode(item, out, depth + 1)?;
                }
                Ok(())
            })?;
            out.push(b'}');
        }
        Value::Object(o) => {
            if let Some(text) = o.json() {
                out.extend_from_slice(text.as_bytes());
            } else if let Some(plain) = o.to_value() {
                // A named map, slice or struct marshals as what it is made of.
                encode(&plain, out, depth + 1)?;
            } else {
                return Err(JsonError::new(format!(
                    "json: unsupported type: {}",
                    o.type_name()
                )));
            }
        }
        #[allow(unreachable_patterns)]
        _ => {
            return Err(JsonError::new(format!(
                "json: unsupported type: {}",
                v.go_type_name()
            )));
        }
    }
    Ok(())
}

/// The decimal digits of an integer.
fn push_int(out: &mut Vec<u8>, i: i64) {
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(decimal(i.unsigned_abs(), &mut [0u8; 20]));
}

/// encoding/json's float text. Whole numbers below 1e15 (every port and
/// replica count in a values file) are their own shortest digits and are
/// written directly; zero keeps its sign (`-0`), as in Go.
fn push_float(out: &mut Vec<u8>, x: f64) {
    if x.abs() < 1e15 && x.fract() == 0.0 {
        if x == 0.0 && x.is_sign_negative() {
            out.extend_from_slice(b"-0");
        } else {
            push_int(out, x as i64);
        }
        return;
    }
    out.extend_from_slice(json_float(x).as_bytes());
}

/// encoding/json's string quoting with HTML escaping on, appended to a
/// `String` (for callers outside the encoder).
pub(crate) fn quote_into(s: &str, out: &mut String) {
    let mut quoted = Vec::with_capacity(s.len() + 2);
    quote_bytes(&mut quoted, s);
    out.push_str(&String::from_utf8_lossy(&quoted));
}

/// encoding/json's string quoting with HTML escaping on.
///
/// Strings are read a word at a time (the last 1 to 7 bytes as one padded
/// word), so a short string without escapes, most keys and values of a
/// values file, costs one mask and one store. Each word is stored whole
/// and the part from its first special byte on taken back, and each ASCII
/// escape is written from [`ESCAPES`] the same way: no copy loop, no
/// `memcpy` call and no branch per kind of escape.
#[inline]
fn quote_bytes(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if bytes.len() < 8 {
        // Padded with spaces, which are never special.
        let word = load_tail(bytes);
        if special_bytes(word) == 0 {
            // The opening quote and the text in one store.
            push_prefix(out, (word << 8) | u64::from(b'"'), bytes.len() + 1);
            out.push(b'"');
            return;
        }
    }
    quote_words(out, bytes);
}

/// [`quote_bytes`] of a string of eight bytes or more, or one with an
/// escape: kept out of line, so the short strings' path inlined in the
/// encoder stays small.
#[inline(never)]
fn quote_words(out: &mut Vec<u8>, bytes: &[u8]) {
    // The quotes and the slack of one whole word stored past the text.
    out.reserve(bytes.len() + 10);
    out.push(b'"');
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let word = u64::from_le_bytes(*chunk);
        let found = special_bytes(word);
        if found == 0 {
            out.extend_from_slice(chunk);
            i += 8;
            continue;
        }
        let plain = (found.trailing_zeros() / 8) as usize;
        push_prefix(out, word, plain);
        i = push_escape(out, bytes, i + plain);
    }
    while let Some(rest) = bytes.get(i..).filter(|rest| !rest.is_empty()) {
        // Padded with spaces, which are never special.
        let word = load_tail(rest);
        let found = special_bytes(word);
        if found == 0 {
            push_prefix(out, word, rest.len());
            break;
        }
        let plain = (found.trailing_zeros() / 8) as usize;
        push_prefix(out, word, plain);
        i = push_escape(out, bytes, i + plain);
    }
    out.push(b'"');
}

/// Writes the escape of the special byte at `i` (a character boundary)
/// and returns the index after what it took.
#[inline]
fn push_escape(out: &mut Vec<u8>, bytes: &[u8], i: usize) -> usize {
    match bytes.get(i..i + 3) {
        // The only non-ASCII byte flagged is 0xE2, the lead byte of a
        // 3-byte character: U+2028 and U+2029 are escaped, the others
        // copied.
        Some([0xe2, 0x80, last @ (0xa8 | 0xa9)]) => {
            out.extend_from_slice(if *last == 0xa8 {
                b"\\u2028"
            } else {
                b"\\u2029"
            });
            i + 3
        }
        Some([0xe2, a, b]) => {
            out.extend_from_slice(&[0xe2, *a, *b]);
            i + 3
        }
        _ => {
            let (text, n) = ESCAPES[usize::from(bytes.get(i).map_or(0, |b| b & 0x7f))];
            push_prefix(out, text, usize::from(n));
            i + 1
        }
    }
}

/// Appends the first `n` (at most 8) bytes of the little-endian `word`:
/// the whole word is stored and the rest taken back, cheaper than copying
/// a run of unknown length.
#[inline]
fn push_prefix(out: &mut Vec<u8>, word: u64, n: usize) {
    out.extend_from_slice(&word.to_le_bytes());
    out.truncate(out.len() - 8 + n);
}

/// How encoding/json writes each ASCII byte that [`special_bytes`] flags:
/// the escape as a little-endian word and its length. Controls without a
/// short form and the HTML-significant `<`, `>` and `&` become `\u00XX`.
static ESCAPES: [(u64, u8); 128] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    const fn pack(text: &[u8]) -> (u64, u8) {
        let mut word = 0u64;
        let mut k = 0;
        while k < text.len() {
            word |= (text[k] as u64) << (8 * k);
            k += 1;
        }
        (word, text.len() as u8)
    }
    let mut table = [(0u64, 0u8); 128];
    let mut b = 0;
    while b < 128 {
        let short = match b as u8 {
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            b'"' => b'"',
            b'\\' => b'\\',
            _ => 0,
        };
        if short != 0 {
            table[b] = pack(&[b'\\', short]);
        } else if b < 0x20 || b == b'<' as usize || b == b'>' as usize || b == b'&' as usize {
            table[b] = pack(&[b'\\', b'u', b'0', b'0', HEX[b >> 4], HEX[b & 0xf]]);
        }
        b += 1;
    }
    table
};

use capstan_gotmpl::format::words::{HIGHS, ONES, decimal, load_tail};

/// The high bit of each byte of `w` that JSON cannot copy as it is: a
/// control character, `"`, `\\`, `<`, `>`, `&`, or 0xE2, which leads U+2028
/// and U+2029. Exact per byte: on the 7-bit part `t` no sum carries into the
/// next byte.
#[inline]
fn special_bytes(w: u64) -> u64 {
    let t = w & !HIGHS;
    // Each sum has its high bit set where the 7-bit part is not the byte
    // named. `"` and `&` differ in one bit, as do `<` and `>`, so one test
    // covers each pair.
    let ok = (t + ONES * (0x80 - 0x20))
        & (((t | (ONES * 4)) ^ (ONES * u64::from(b'&'))) + ONES * 0x7f)
        & ((t ^ (ONES * u64::from(b'\\'))) + ONES * 0x7f)
        & (((t | (ONES * 2)) ^ (ONES * u64::from(b'>'))) + ONES * 0x7f);
    let ascii_special = !(ok | w);
    let e2 = !((t ^ (ONES * 0x62)) + ONES * 0x7f) & w;
    (ascii_special | e2) & HIGHS
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::{encode, quote_into};
    use capstan_gotmpl::Value;

    #[test]
    fn numbers_are_written_as_encoding_json_does() {
        let text = |v: Value| {
            let mut out = Vec::new();
            encode(&v, &mut out, 0).unwrap();
            String::from_utf8(out).unwrap()
        };
        let floats = [
            (0.0, "0"),
            (-0.0, "-0"),
            (8000.0, "8000"),
            (-3.0, "-3"),
            (999_999_999_999_999.0, "999999999999999"),
            (1e15, "1000000000000000"),
            (1.2345678901234568e20, "123456789012345680000"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (0.5, "0.5"),
        ];
        for (x, want) in floats {
            assert_eq!(text(Value::Float(x)), want, "{x}");
        }
        assert_eq!(text(Value::Int(i64::MIN)), "-9223372036854775808");
        assert_eq!(text(Value::Int64(0)), "0");
        assert_eq!(text(Value::Int(42)), "42");
    }

    #[test]
    fn quoting_copies_plain_runs_and_escapes_the_rest() {
        let mut out = String::new();
        quote_into("a<b>&c\"d\\e\u{1}f\u{2028}g\u{2029}h\u{2030}é\n", &mut out);
        assert_eq!(
            out,
            "\"a\\u003cb\\u003e\\u0026c\\\"d\\\\e\\u0001f\\u2028g\\u2029h\u{2030}é\\n\""
        );
    }
}
