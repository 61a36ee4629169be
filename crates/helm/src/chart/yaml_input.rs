//! The YAML reading the chart model needs, behind one small seam.
//!
//! Helm reads `Chart.yaml`, `requirements.yaml` and `values.yaml` through
//! `sigs.k8s.io/yaml`: go-yaml v2 decodes each document into `interface{}`,
//! the tree is turned into JSON and decoded again. Two views of that result
//! matter here:
//!
//! - [`decode_native`]: the go-yaml v2 tree before the JSON round trip, where
//!   integers and floats are still told apart. `Chart.yaml` needs it because
//!   a number read into a Go `string` field is printed from its YAML type
//!   (`1.10` becomes `"1.1"`, `0x1F` becomes `"31"`).
//! - [`json_round_trip`] of that tree: every number a `float64`, as
//!   `.Values` sees it.
//!
//! This is an interim reader over `granit-parser` written so the chart model
//! could be built and tested before the crate's go-yaml v2 codec
//! (`crate::yaml`) existed. It resolves plain scalars with go-yaml v2's YAML
//! 1.1 rules. Once the codec offers the same two views, both functions
//! should delegate to it and this file shrinks to the seam.

use capstan_gotmpl::{Map, Value};
use granit_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// The deepest nesting accepted, far beyond any real chart, so hostile input
/// cannot exhaust the stack of the code that walks the tree later.
const MAX_DEPTH: usize = 256;

/// Decodes every YAML document of `text` into go-yaml v2's native tree
/// (integers as [`Value::Int64`], floats as [`Value::Float`]). An empty
/// stream gives no documents.
pub(crate) fn decode_native(text: &str) -> Result<Vec<Value>, String> {
    let mut b = Builder::default();
    for ev in Parser::new_from_str(text) {
        let (ev, _span) = ev.map_err(|e| format!("yaml: {e}"))?;
        b.push(ev)?;
    }
    Ok(b.docs)
}

/// The JSON type name encoding/json uses in its "cannot unmarshal" errors.
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Nil => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        _ => "object",
    }
}

/// The effect of `sigs.k8s.io/yaml`'s YAML→JSON→`interface{}` trip on a
/// native tree: every number becomes a float64.
pub(crate) fn json_round_trip(v: Value) -> Value {
    match v {
        Value::Int64(i) | Value::Int(i) => Value::Float(i as f64),
        Value::List(l) => Value::list(l.iter().cloned().map(json_round_trip).collect()),
        Value::Map(m) => Value::map(
            m.snapshot()
                .iter()
                .map(|(k, v)| (k.clone(), json_round_trip(v.clone())))
                .collect(),
        ),
        other => other,
    }
}

#[derive(Default)]
struct Builder {
    docs: Vec<Value>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
}

enum Frame {
    Seq(usize, Vec<Value>),
    Map(usize, Map, Option<String>),
}

impl Builder {
    fn push(&mut self, ev: Event<'_>) -> Result<(), String> {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| t.suffix().to_string());
                let v = resolve_scalar(&text, style, tag.as_deref());
                self.finish(anchor, v)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err("yaml: exceeded max depth".to_string());
                }
                self.stack.push(Frame::Seq(anchor, Vec::new()));
            }
            Event::MappingStart(_, anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err("yaml: exceeded max depth".to_string());
                }
                self.stack.push(Frame::Map(anchor, Map::new(), None));
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(anchor, items)) = self.stack.pop() {
                    self.finish(anchor, Value::list(items))?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(anchor, map, _)) = self.stack.pop() {
                    self.finish(anchor, Value::map(map))?;
                }
            }
            Event::Alias(id) => {
                let v = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| "yaml: unknown anchor referenced".to_string())?;
                self.finish(0, v)?;
            }
            Event::DocumentEnd => self.anchors.clear(),
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, anchor: usize, v: Value) -> Result<(), String> {
        if anchor != 0 {
            self.anchors.insert(anchor, v.clone());
        }
        match self.stack.last_mut() {
            None => self.docs.push(v),
            Some(Frame::Seq(_, items)) => items.push(v),
            Some(Frame::Map(_, map, key)) => match key.take() {
                None => *key = Some(key_string(&v)?),
                Some(k) if k == "<<" => merge_into(map, v),
                Some(k) => {
                    map.insert(k, v);
                }
            },
        }
        Ok(())
    }
}

/// YAML merge keys: the merged map's entries fill what is not set yet.
fn merge_into(map: &mut Map, v: Value) {
    let sources: Vec<Value> = match v {
        Value::List(l) => l.iter().cloned().collect(),
        other => vec![other],
    };
    for s in sources {
        if let Value::Map(m) = s {
            for (k, v) in m.snapshot().iter() {
                map.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
}

/// The string a mapping key becomes on the way to JSON.
fn key_string(v: &Value) -> Result<String, String> {
    Ok(match v {
        Value::String(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int64(i) | Value::Int(i) => i.to_string(),
        Value::Float(f) => format_float_g(*f, false),
        Value::Nil => "null".to_string(),
        _ => return Err("yaml: invalid map key: a collection".to_string()),
    })
}

/// go-yaml v2's resolution of a scalar.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("str") => return Value::str(text),
        Some("null") => return Value::Nil,
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Value::str(text);
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Nil,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(v) = resolve_number(text) {
        return v;
    }
    Value::str(text)
}

fn resolve_number(text: &str) -> Option<Value> {
    let first = text.chars().next()?;
    if !(first.is_ascii_digit() || matches!(first, '-' | '+' | '.')) {
        return None;
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, digits) = match plain.as_bytes().first() {
        Some(b'-') => (true, &plain[1..]),
        Some(b'+') => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    let radix_int = |s: &str, radix: u32| -> Option<Value> {
        let v = i64::from_str_radix(s, radix).ok()?;
        Some(Value::Int64(if neg { -v } else { v }))
    };
    if let Some(h) = digits.strip_prefix("0x") {
        return radix_int(h, 16);
    }
    if let Some(b) = digits.strip_prefix("0b") {
        return radix_int(b, 2);
    }
    if digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()) {
        return radix_int(&digits[1..], 8);
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match plain.parse::<i64>() {
            Ok(i) => Some(Value::Int64(i)),
            Err(_) => plain.parse::<f64>().ok().map(Value::Float),
        };
    }
    if is_yaml_float(&plain) {
        return plain.parse::<f64>().ok().map(Value::Float);
    }
    None
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32|64)`: the shortest digits that
/// round-trip at that precision, in `%e` form when the exponent is below -4
/// or at least 6.
pub(crate) fn format_float_g(f: f64, as_f32: bool) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    // Shortest round-trip digits through Rust's `{:e}` formatting.
    let sci = if as_f32 {
        format!("{:e}", f as f32)
    } else {
        format!("{f:e}")
    };
    let (mant, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    // Go decides with a precision of 6 whenever the shortest form is asked
    // for, whatever the digit count.
    let eprec = 6;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if exp < -4 || exp >= eprec {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_g_format() {
        assert_eq!(format_float_g(1.1, true), "1.1");
        assert_eq!(format_float_g(1234567.0, true), "1.234567e+06");
        assert_eq!(format_float_g(2.5, true), "2.5");
        assert_eq!(format_float_g(1200.0, true), "1200");
        assert_eq!(format_float_g(1.0, true), "1");
        assert_eq!(format_float_g(0.0001, true), "0.0001");
        assert_eq!(format_float_g(0.00001, true), "1e-05");
        assert_eq!(format_float_g(f64::INFINITY, true), "+Inf");
        assert_eq!(format_float_g(123456.0, true), "123456");
    }

    #[test]
    fn yaml11_scalars() {
        let docs =
            decode_native("[1, 2.50, true, 0x1F, 1_000, 0777, .inf, ~, yes, y, '1', 2001-12-14]")
                .expect("parses");
        let l = docs[0].as_list().expect("list").to_vec();
        assert_eq!(l[0], Value::Int64(1));
        assert_eq!(l[1], Value::Float(2.5));
        assert_eq!(l[2], Value::Bool(true));
        assert_eq!(l[3], Value::Int64(31));
        assert_eq!(l[4], Value::Int64(1000));
        assert_eq!(l[5], Value::Int64(511));
        assert_eq!(l[7], Value::Nil);
        assert_eq!(l[9], Value::Bool(true));
        assert_eq!(l[10], Value::str("1"));
        assert_eq!(l[11], Value::str("2001-12-14"));
    }
}

#[cfg(test)]
mod codec_agreement {
    use super::*;

    /// After the JSON round trip the interim reader must agree with the
    /// crate's go-yaml v2 codec; only the int/float split is its own.
    #[test]
    fn native_tree_matches_the_codec() {
        let inputs = [
            "a: 1\nb: 1.5\nc: 0x1F\nd: 0777\ne: 1_000\nf: -3\ng: +4\nh: .5\ni: 1e3\n",
            "k: [yes, no, on, off, y, n, true, False, ~, null, '', \"x\"]\n",
            "t: 2001-12-14\nu: 12:30\nv: 1.2.3\nw: v1.2\nx: 0.1.0\ny: 010\nz: 0b101\n",
            "anchors:\n  base: &b {p: 1, q: 2}\n  use: *b\n  merged:\n    <<: *b\n    q: 3\n",
            "s: !!str 123\nf: !!float 1\nnested: {a: [1, {b: [2, 3]}]}\n",
            "multi: |\n  line1\n  line2\nfold: >\n  a\n  b\n",
            "1: int key\n1.5: float key\ntrue: bool key\n",
            "big: 12345678901234567890\nneg: -0\nexp: 6.02e23\n",
        ];
        for text in inputs {
            let codec = crate::yaml::unmarshal(text).expect("codec parses");
            let ours = decode_native(text).expect("bridge parses");
            let ours = json_round_trip(ours.into_iter().next().unwrap_or(Value::Nil));
            assert_eq!(ours, codec, "input:\n{text}");
        }
    }
}
