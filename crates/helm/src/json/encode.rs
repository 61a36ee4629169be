//! `toJson`: Go's `json.Marshal` of template values.
//!
//! Map keys are sorted by bytes, `<`, `>`, `&`, U+2028 and U+2029 are escaped
//! as `\u003c`..., floats use encoding/json's rule (plain decimal between 1e-6
//! and 1e21, exponent form outside), NaN and infinities are errors, and
//! `[]byte` becomes base64 text.

use base64::Engine as _;
use capstan_gotmpl::Value;

use super::JsonError;
use super::float::json_float;

/// Deepest value `to_json` walks (Go has no limit; template values are
/// trees, so this only guards our stack).
const MAX_DEPTH: usize = 1_000;

pub(super) fn encode(v: &Value, out: &mut String, depth: usize) -> Result<(), JsonError> {
    if depth > MAX_DEPTH {
        return Err(JsonError::new(format!(
            "json: value nested deeper than {MAX_DEPTH} levels"
        )));
    }
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Float(x) => {
            if !x.is_finite() {
                return Err(JsonError::new(format!(
                    "json: unsupported value: {}",
                    super::float::go_format_g(*x)
                )));
            }
            out.push_str(&json_float(*x));
        }
        Value::String(s) => quote_into(s, out),
        Value::Bytes(b) => {
            out.push('"');
            out.push_str(&base64::engine::general_purpose::STANDARD.encode(b));
            out.push('"');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode(item, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Map(map) if map.is_nil_map() => out.push_str("null"),
        Value::Map(map) => {
            out.push('{');
            for (i, (k, item)) in map.snapshot().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote_into(k, out);
                out.push(':');
                encode(item, out, depth + 1)?;
            }
            out.push('}');
        }
        Value::Object(o) if o.json().is_some() => out.push_str(&o.json().unwrap_or_default()),
        Value::Object(o) => match o.to_value() {
            // A named map, slice or struct marshals as what it is made of.
            Some(plain) => encode(&plain, out, depth + 1)?,
            None => {
                return Err(JsonError::new(format!(
                    "json: unsupported type: {}",
                    o.type_name()
                )));
            }
        },
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

/// encoding/json's string quoting with HTML escaping on.
pub(crate) fn quote_into(s: &str, out: &mut String) {
    out.push('"');
    // Bytes that never need escaping are copied in runs. 0xE2 leads
    // U+2028 and U+2029, so it takes the per-character path.
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x20 && !matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&' | 0xe2) {
            i += 1;
            continue;
        }
        out.push_str(&s[run..i]);
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        escape_char(c, out);
        i += c.len_utf8();
        run = i;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

fn escape_char(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
            out.push_str(&format!("\\u{:04x}", c as u32));
        }
        c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::quote_into;

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
