//! The conversions around go-yaml that sigs.k8s.io/yaml (and Helm) perform.
//!
//! Reading: go-yaml's `map[interface{}]interface{}` becomes JSON-able values
//! (keys stringified: ints in decimal, floats with float32 precision, bools
//! as `true`/`false`; null keys refused) and the JSON round trip turns every
//! number into a float64 and refuses NaN and infinities.
//!
//! Writing: `toYaml` marshals to JSON and lets go-yaml v2 re-read that JSON,
//! so a float64 `1e6` prints as the integer `1000000`; `toYamlPretty` hands
//! Go values straight to go-yaml v3. Both sort map keys with go-yaml's
//! "natural" order, in which digit runs compare as numbers.
//!
//! `toYamlPretty` builds a node tree for [`super::emit`]; `toYaml` is
//! written without one ([`super::direct`]) from the same decisions here
//! ([`v2_scalar`], [`check_v2_keys`], [`go_order`]), and its tree
//! ([`v2_node`]) remains as the reference the tests compare with.

use std::borrow::Cow;
use std::collections::BTreeMap;

use base64::Engine as _;
use capstan_gotmpl::{Map, Value};

use super::emit::{Node, Style};
use super::error::{YamlError, allowed_char};
use super::keysort::go_sort;
use super::load::{GoYaml, go_sharp};
use super::scalar::{Resolved, Schema, needs_quotes, resolve};
use crate::json::{go_format_g, json_float};

/// Deepest template value `toYaml`/`toYamlPretty` print; values read from
/// YAML are far shallower, and this keeps the emitter's recursion bounded.
const MAX_VALUE_DEPTH: usize = 500;

/// sigs.k8s.io/yaml's `convertToJSONableObject` followed by the JSON round
/// trip into `interface{}`.
pub(crate) fn to_value(v: GoYaml) -> Result<Value, YamlError> {
    let mut json_err = None;
    let out = jsonable(v, &mut json_err)?;
    match json_err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

fn jsonable(v: GoYaml, json_err: &mut Option<YamlError>) -> Result<Value, YamlError> {
    Ok(match v {
        GoYaml::Null => Value::Nil,
        GoYaml::Bool(b) => Value::Bool(b),
        GoYaml::Int(i) => Value::Float(i as f64),
        GoYaml::Uint(u) => Value::Float(u as f64),
        GoYaml::Float(x) => {
            if !x.is_finite() && json_err.is_none() {
                *json_err = Some(YamlError::convert(format!(
                    "json: unsupported value: {}",
                    go_format_g(x)
                )));
            }
            Value::Float(x)
        }
        GoYaml::Str(s) => Value::from(s),
        GoYaml::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(jsonable(item, json_err)?);
            }
            Value::list(out)
        }
        GoYaml::Map(pairs) => {
            let mut out = Map::new();
            for (k, v) in pairs {
                let key = match k {
                    GoYaml::Str(s) => s,
                    GoYaml::Int(i) => i.to_string(),
                    GoYaml::Float(x) => float32_key(x),
                    GoYaml::Bool(b) => b.to_string(),
                    other => {
                        let ty = match other {
                            GoYaml::Null => "%!s(<nil>)",
                            _ => "uint64",
                        };
                        return Err(YamlError::convert(format!(
                            "unsupported map key of type: {ty}, key: {}, value: {}",
                            go_sharp(&other),
                            go_sharp(&v)
                        )));
                    }
                };
                out.insert(key, jsonable(v, json_err)?);
            }
            Value::map(out)
        }
    })
}

/// `strconv.FormatFloat(k, 'g', -1, 32)` with go-yaml's names for the
/// special values.
fn float32_key(x: f64) -> String {
    if x.is_nan() {
        return ".nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let f = x as f32;
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if !(-4..21).contains(&exp) || exp >= 6 {
        let mut out = format!("{sign}{}", &digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let a = exp.unsigned_abs();
        out.push_str(&format!(
            "e{}{}{a}",
            if exp < 0 { '-' } else { '+' },
            if a < 10 { "0" } else { "" }
        ));
        return out;
    }
    let dp = exp + 1;
    let mut out = sign.to_string();
    if dp <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat((-dp) as usize));
        out.push_str(&digits);
    } else if digits.len() <= dp as usize {
        out.push_str(&digits);
        out.push_str(&"0".repeat(dp as usize - digits.len()));
    } else {
        out.push_str(&digits[..dp as usize]);
        out.push('.');
        out.push_str(&digits[dp as usize..]);
    }
    out
}

/// Error for values neither JSON nor go-yaml can marshal.
fn unsupported(v: &Value) -> YamlError {
    YamlError::convert(format!(
        "error marshaling into JSON: json: unsupported type: {}",
        v.go_type_name()
    ))
}

/// Refuses, before any node is built, a value whose tree would pass the
/// template output cap: maps shared many times over expand once per path,
/// and the node tree costs more memory than the text it becomes, so the
/// budget counts an unshared copy's memory. `cycle` is the error for a
/// value that contains itself.
fn check_size(
    v: &Value,
    what: &str,
    cycle: impl FnOnce(&str) -> YamlError,
) -> Result<(), YamlError> {
    match crate::budget::check_copy(v, crate::budget::default_cap(), what) {
        Ok(()) => Ok(()),
        Err(crate::budget::TooBig::Cycle(c)) => Err(cycle(c.type_name)),
        Err(too_big) => Err(YamlError::limit(too_big.message(what))),
    }
}

/// What `toYaml` checks of the whole value before writing anything: the
/// same budget as the node tree it no longer builds (a walk of the value
/// costs as much time as building that tree would), and cycles.
pub(crate) fn check_v2_value(v: &Value) -> Result<(), YamlError> {
    // json.Marshal detects the cycle and sigs.k8s.io/yaml reports it.
    check_size(v, "toYaml", |ty| {
        YamlError::convert(format!(
            "error marshaling into JSON: json: unsupported value: encountered a cycle via {ty}"
        ))
    })
}

/// `toYaml`'s refusal of a value nested deeper than [`MAX_VALUE_DEPTH`].
pub(crate) fn check_depth(depth: usize) -> Result<(), YamlError> {
    if depth > MAX_VALUE_DEPTH {
        return Err(YamlError::limit("yaml: value nested too deeply".into()));
    }
    Ok(())
}

/// 2^63: whole floats below it in magnitude convert to an `i64` exactly.
const TWO_POW_63: f64 = (1u64 << 63) as f64;

/// `toYaml`'s text and requested style for a value that is not a list or
/// a map (those are walked by the callers): `json.Marshal`'s text as go-yaml
/// v2 reads it back and prints it. Text that is not the value's own string
/// is made in `scratch`, which the caller reuses from scalar to scalar.
pub(crate) fn v2_scalar<'a>(
    v: &'a Value,
    scratch: &'a mut String,
) -> Result<(&'a str, Style), YamlError> {
    use std::fmt::Write as _;
    scratch.clear();
    let text: &str = match v {
        Value::Nil => "null",
        Value::Bool(b) => {
            if *b {
                "true"
            } else {
                "false"
            }
        }
        Value::Int(i) | Value::Int64(i) => {
            let _ = write!(scratch, "{i}");
            scratch
        }
        // A whole number below 2^63 (nearly every number in values) is
        // written by encoding/json as its digits, which go-yaml reads back
        // as that int (`-0` as 0).
        Value::Float(x) if x.fract() == 0.0 && x.abs() < TWO_POW_63 => {
            let _ = write!(scratch, "{}", *x as i64);
            scratch
        }
        Value::Float(x) => {
            if !x.is_finite() {
                return Err(YamlError::convert(format!(
                    "error marshaling into JSON: json: unsupported value: {}",
                    go_format_g(*x)
                )));
            }
            let text = json_float(*x);
            *scratch = match resolve(&text, Schema::V2) {
                Resolved::Int(i) => i.to_string(),
                Resolved::Uint(u) => u.to_string(),
                Resolved::Float(f) => go_format_g(f),
                _ => text,
            };
            scratch
        }
        Value::String(s) => {
            check_v2_text(s)?;
            let text = match fold_raw_breaks(s) {
                Cow::Borrowed(text) => text,
                Cow::Owned(folded) => {
                    *scratch = folded;
                    scratch
                }
            };
            return Ok((text, string_style(text, Schema::V2)));
        }
        Value::Bytes(b) => {
            base64::engine::general_purpose::STANDARD.encode_string(b, scratch);
            return Ok((scratch, string_style(scratch, Schema::V2)));
        }
        other => return Err(unsupported(other)),
    };
    Ok((text, Style::Plain))
}

/// What `json.Marshal` writes, for `toYaml`, in place of a value that is
/// not written as itself: a typed nil map is `null`, and a host object is
/// its JSON text (read back as go-yaml v2 reads it) or the plain value it
/// is made of. `None` for every other value.
pub(crate) fn v2_stand_in(v: &Value) -> Result<Option<Value>, YamlError> {
    match v {
        Value::Map(m) if m.is_nil_map() => Ok(Some(Value::Nil)),
        Value::Object(o) => {
            if let Some(text) = o.json() {
                return super::unmarshal(&text).map(Some);
            }
            o.to_value().map(Some).ok_or_else(|| unsupported(v))
        }
        _ => Ok(None),
    }
}

/// Checks a map's keys as go-yaml v2 re-reading the JSON would, in the
/// map's order (the first bad key is the one reported), and tells whether
/// go-yaml's order of them is the map's own ([`byte_order_is_go_order`]):
/// one pass over the bytes of each key answers both for nearly all keys.
pub(crate) fn check_v2_keys<'a>(keys: impl Iterator<Item = &'a String>) -> Result<bool, YamlError> {
    let mut class = 0;
    for k in keys {
        let key_class = k.bytes().fold(0, |acc, b| acc | KEY_CLASS[usize::from(b)]);
        // Keys of ASCII below DEL pass the text checks (no NEL either)
        // unless they are too long to be simple keys.
        if key_class & NOT_ASCII_BELOW_DEL != 0 || k.len() > 1022 {
            check_v2_text(k)?;
            check_v2_key_length(k)?;
        }
        class |= key_class;
    }
    Ok(byte_order_is_go_order(class))
}

/// `toYaml`'s tree: `json.Marshal`, then go-yaml v2 reading that JSON.
/// [`super::marshal`] writes the same text without building it; this stays
/// as the reference the tests compare that walk with.
pub(crate) fn v2_node(v: &Value, depth: usize) -> Result<Node, YamlError> {
    if depth == 0 {
        check_v2_value(v)?;
    }
    check_depth(depth)?;
    if let Some(stand_in) = v2_stand_in(v)? {
        return v2_node(&stand_in, depth + 1);
    }
    Ok(match v {
        Value::List(items) => Node::Seq(
            items
                .iter()
                .map(|i| v2_node(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => {
            let snapshot = m.snapshot();
            let _ = check_v2_keys(snapshot.keys())?;
            Node::Map(sorted_pairs(&snapshot, Schema::V2, |i| {
                v2_node(i, depth + 1)
            })?)
        }
        other => {
            let mut scratch = String::new();
            let (text, style) = v2_scalar(other, &mut scratch)?;
            Node::Scalar(text.to_string(), style)
        }
    })
}

/// `toYamlPretty`'s tree: go-yaml v3 marshalling Go values directly.
pub(crate) fn v3_node(v: &Value, depth: usize) -> Result<Node, YamlError> {
    if depth == 0 {
        // go-yaml v3 has no cycle check (Go overflows its stack).
        check_size(v, "toYamlPretty", |ty| {
            YamlError::limit(format!(
                "toYamlPretty: the value contains itself (a {ty} reachable from itself)"
            ))
        })?;
    }
    check_depth(depth)?;
    Ok(match v {
        Value::Nil => plain("null"),
        Value::Bool(b) => plain(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => plain(&i.to_string()),
        Value::Float(x) => plain(&match go_format_g(*x).as_str() {
            "+Inf" => ".inf".to_string(),
            "-Inf" => "-.inf".to_string(),
            "NaN" => ".nan".to_string(),
            s => s.to_string(),
        }),
        Value::String(s) => string_node(s, Schema::V3),
        Value::Bytes(b) => Node::Seq(b.iter().map(|x| plain(&x.to_string())).collect()),
        Value::List(items) => Node::Seq(
            items
                .iter()
                .map(|i| v3_node(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => Node::Map(sorted_pairs(&m.snapshot(), Schema::V3, |i| {
            v3_node(i, depth + 1)
        })?),
        other => return Err(unsupported(other)),
    })
}

/// go-yaml v2 re-reads `{"key":...}`: a key whose JSON spelling is longer
/// than 1022 characters, or that spans lines (a raw NEL), is no longer a
/// "simple key" for libyaml (one line, 1024 characters of lookahead, quotes
/// included) and the flow mapping fails.
fn check_v2_key_length(k: &str) -> Result<(), YamlError> {
    if k.contains('\u{85}') {
        return Err(YamlError::syntax(
            "yaml: did not find expected ',' or '}'".into(),
        ));
    }
    if k.len() <= 1022 {
        return Ok(());
    }
    let mut quoted = String::new();
    crate::json::quote_json(k, &mut quoted);
    if quoted.chars().count() - 2 > 1022 {
        return Err(YamlError::syntax(
            "yaml: did not find expected ',' or '}'".into(),
        ));
    }
    Ok(())
}

/// encoding/json leaves NEL (U+0085) unescaped, and go-yaml v2 re-reading
/// the JSON treats it as a line break inside a double-quoted scalar: folded
/// to a space (or to newlines when several follow each other), with the
/// spaces around it dropped.
fn fold_raw_breaks(s: &str) -> std::borrow::Cow<'_, str> {
    if ascii_below_del(s) || !s.contains('\u{85}') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != ' ' && c != '\u{85}' {
            out.push(c);
            i += 1;
            continue;
        }
        // A run of blanks and breaks.
        let mut spaces = String::new();
        let mut breaks = 0usize;
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{85}') {
            if chars[i] == ' ' {
                if breaks == 0 {
                    spaces.push(' ');
                }
            } else {
                breaks += 1;
            }
            i += 1;
        }
        match breaks {
            0 => out.push_str(&spaces),
            1 => out.push(' '),
            n => out.push_str(&"\n".repeat(n - 1)),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text of ASCII characters below DEL only (nearly all text): it holds no
/// NEL and nothing go-yaml's reader refuses. Checked a block of bytes at a
/// time, without branches, which is far cheaper than the character scans
/// it spares.
fn ascii_below_del(s: &str) -> bool {
    s.as_bytes()
        .chunks(32)
        .all(|chunk| chunk.iter().fold(true, |ok, &b| ok & (b < 0x7f)))
}

/// go-yaml v2 re-reads the JSON text, and its reader refuses characters
/// such as DEL or C1 controls that encoding/json leaves unescaped.
fn check_v2_text(s: &str) -> Result<(), YamlError> {
    if ascii_below_del(s) || s.chars().all(|c| (c as u32) < 0x20 || allowed_char(c)) {
        Ok(())
    } else {
        Err(YamlError::syntax(
            "yaml: control characters are not allowed".into(),
        ))
    }
}

fn plain(s: &str) -> Node {
    Node::Scalar(s.to_string(), Style::Plain)
}

/// go-yaml's `stringv`: literal for multi-line text, plain when the text
/// reads back as a string, double-quoted otherwise (the emitter may still
/// pick a safer style).
pub(crate) fn string_style(s: &str, schema: Schema) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if needs_quotes(s, schema) {
        Style::DoubleQuoted
    } else {
        Style::Plain
    }
}

fn string_node(s: &str, schema: Schema) -> Node {
    Node::Scalar(s.to_string(), string_style(s, schema))
}

fn sorted_pairs(
    m: &BTreeMap<String, Value>,
    schema: Schema,
    mut f: impl FnMut(&Value) -> Result<Node, YamlError>,
) -> Result<Vec<(String, Style, Node)>, YamlError> {
    let mut out = Vec::with_capacity(m.len());
    for (k, v) in go_order(m, schema) {
        out.push((k.clone(), string_style(k, schema), f(v)?));
    }
    Ok(out)
}

/// A map's entries in go-yaml's key order.
pub(crate) fn go_order(m: &BTreeMap<String, Value>, schema: Schema) -> Vec<(&String, &Value)> {
    let mut pairs: Vec<(&String, &Value)> = m.iter().collect();
    // go-yaml's order is not guaranteed to be a total order for odd keys;
    // the sort follows Go's steps so that it ends where Go's does.
    go_sort(
        &mut pairs,
        &|a: &(&String, &Value), b: &(&String, &Value)| natural_less(a.0, b.0, schema),
    );
    pairs
}

/// Byte classes of keys for [`check_v2_keys`].
const UNSORTED: u8 = 1;
const UPPER: u8 = 2;
const BETWEEN_CASES: u8 = 4;
const NOT_ASCII_BELOW_DEL: u8 = 8;
static KEY_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = if b >= 0x7b || (b >= 0x30 && b <= 0x39) {
            UNSORTED
        } else if b >= 0x41 && b <= 0x5a {
            UPPER
        } else if b >= 0x5b && b <= 0x60 {
            BETWEEN_CASES
        } else {
            0
        };
        if b >= 0x7f {
            t[b] |= NOT_ASCII_BELOW_DEL;
        }
        b += 1;
    }
    t
};

/// Whether go-yaml's natural order of keys whose bytes have the classes
/// `class` is their byte order (the order of the map), so that sorting can
/// be skipped. It is when the keys hold no digits (digit runs compare as
/// numbers) and, at any place two keys differ, a non-letter sorts before a
/// letter by bytes too, as the natural order puts it: ASCII only, nothing
/// above `z`, and no upper-case letters together with the punctuation
/// between `Z` and `a` (such as `_`).
fn byte_order_is_go_order(class: u8) -> bool {
    class & UNSORTED == 0 && class & (UPPER | BETWEEN_CASES) != UPPER | BETWEEN_CASES
}

/// go-yaml's `keyList.Less` for two string keys.
fn natural_less(a: &str, b: &str, schema: Schema) -> bool {
    // ASCII keys (nearly all) compare as bytes, which are their characters,
    // without collecting the characters of both keys for every comparison.
    if a.is_ascii() && b.is_ascii() {
        return natural_less_in(a.as_bytes(), b.as_bytes(), schema);
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    natural_less_in(&ar, &br, schema)
}

/// [`natural_less`] over the characters of both keys.
fn natural_less_in<C: Copy + Ord + Into<char>>(ar: &[C], br: &[C], schema: Schema) -> bool {
    let ch = |c: C| -> char { c.into() };
    let mut digits = false;
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            digits = ch(ar[i]).is_numeric();
            i += 1;
            continue;
        }
        let al = ch(ar[i]).is_alphabetic();
        let bl = ch(br[i]).is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return if schema == Schema::V3 && digits {
                al
            } else {
                bl
            };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ch(ar[i]) == '0' || ch(br[i]) == '0' {
            let mut j = i;
            while j > 0 && ch(ar[j - 1]).is_numeric() {
                j -= 1;
                if ch(ar[j]) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ch(ar[ai]).is_ascii_digit() {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ch(ar[ai]) as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && ch(br[bi]).is_ascii_digit() {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(ch(br[bi]) as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_said_to_be_in_go_order_are_in_byte_order() {
        let alphabet = ["a", "A", "Z", "_", "^", "-", " ", "0", "1", "~", "{", "é"];
        let keys = capstan_gotmpl::test_inputs::every_string(&alphabet, 3);
        let mut skipped = 0;
        for a in &keys {
            for b in &keys {
                if a == b {
                    continue;
                }
                let Ok(true) = check_v2_keys([a, b].into_iter()) else {
                    continue;
                };
                skipped += 1;
                assert_eq!(natural_less(a, b, Schema::V2), a < b, "{a:?} {b:?}");
            }
        }
        assert!(skipped > 10_000, "{skipped}");
    }

    #[test]
    fn ascii_keys_compare_as_bytes_exactly_as_as_characters() {
        let keys = [
            "", "a", "a1", "a10", "a9", "a01", "a001", "10", "9", "09", "b", "B", "_", "a1b",
            "a10b", "x0y", "x00y", "1a", "a 1", "a-1", "0", "00",
        ];
        let chars = |s: &str| s.chars().collect::<Vec<char>>();
        for schema in [Schema::V2, Schema::V3] {
            for a in keys {
                for b in keys {
                    assert_eq!(
                        natural_less_in(a.as_bytes(), b.as_bytes(), schema),
                        natural_less_in(&chars(a), &chars(b), schema),
                        "{a:?} < {b:?}"
                    );
                }
            }
        }
    }
}
