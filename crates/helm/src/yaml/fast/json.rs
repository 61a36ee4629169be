//! A document as JSON, read by the fast reader, for callers that
//! deserialize it into types made for a YAML 1.2 reader (capstan-source
//! reads Argo CD Applications this way before trying its slower reader).
//!
//! Only the documents both YAML dialects read alike are answered: every
//! plain scalar must mean the same to go-yaml v2 (YAML 1.1: `yes` is true,
//! `0123` is octal) and to YAML 1.2's core schema (`yes` is a string,
//! `0123` is 123), so anything that could read differently — `yes`/`on`
//! and friends, numbers that are not plain decimals, `.inf`, merge keys —
//! and repeated keys (where readers differ on which wins or whether it is
//! an error) make the answer `None`, as does whatever the fast reader
//! itself declines (anchors, tags, multi-line scalars...).

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use super::sink::Sink;
use crate::yaml::load::Limits;

/// `text` (one document) as JSON, or `None` when it is outside the subset
/// above or the fast reader's.
pub fn read_json(text: &str) -> Option<Value> {
    super::read::<JsonSink>(text, &Limits::default())?
}

/// Nodes are `None` once anything below them is refused: the reader has
/// no way to stop from `insert` or `map`, so a refusal travels up.
struct JsonSink;

#[derive(Default)]
struct Pairs {
    map: Map<String, Value>,
    refused: bool,
}

#[derive(Default)]
struct Items {
    items: Vec<Value>,
    refused: bool,
}

impl Sink for JsonSink {
    type Node = Option<Value>;
    type Seq = Items;
    type Map = Pairs;
    type Want = ();
    const ROOT: () = ();

    fn null((): ()) -> Option<Value> {
        Some(Value::Null)
    }

    fn plain((): (), text: &str) -> Option<Option<Value>> {
        plain(text).map(Some)
    }

    fn string((): (), s: Cow<'_, str>) -> Option<Value> {
        Some(Value::String(s.into_owned()))
    }

    fn push((): (), seq: &mut Items, item: Option<Value>) {
        match item {
            Some(v) if !seq.refused => seq.items.push(v),
            _ => seq.refused = true,
        }
    }

    fn seq((): (), seq: Items) -> Option<Value> {
        (!seq.refused).then_some(Value::Array(seq.items))
    }

    fn insert((): (), map: &mut Pairs, key: Cow<'_, str>, value: Option<Value>) {
        match value {
            Some(v) if !map.refused && !plain_ambiguous(&key) => {
                if map.map.insert(key.into_owned(), v).is_some() {
                    map.refused = true;
                }
            }
            _ => map.refused = true,
        }
    }

    fn map((): (), map: Pairs) -> Option<Value> {
        (!map.refused).then_some(Value::Object(map.map))
    }
}

/// A plain scalar both dialects read alike, or `None`.
fn plain(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        _ => {}
    }
    if let Some(n) = decimal(text) {
        return Some(Value::Number(n));
    }
    (!plain_ambiguous(text)).then(|| Value::String(text.to_string()))
}

/// `-?(0|[1-9][0-9]*)` as an integer, or with `.[0-9]+` as a finite float:
/// the numbers both dialects spell and read alike.
fn decimal(text: &str) -> Option<Number> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    match frac {
        None => text.parse::<i64>().ok().map(Number::from),
        Some(f) if all_digits(f) => text
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .and_then(Number::from_f64),
        Some(_) => None,
    }
}

/// Whether a plain scalar (or key) that is not one of the forms above
/// could be anything but a string to either dialect: numbers in any other
/// spelling, YAML 1.1's booleans, null and boolean spellings of another
/// case, infinities and NaN, the merge key, timestamps.
fn plain_ambiguous(text: &str) -> bool {
    let b = text.as_bytes();
    let Some(&first) = b.first() else {
        return true;
    };
    // A number starts with a digit, after a sign and a point perhaps.
    let unsigned = if matches!(first, b'-' | b'+') {
        &b[1..]
    } else {
        b
    };
    let number_start = match unsigned {
        [d, ..] if d.is_ascii_digit() => true,
        [b'.', d, ..] => d.is_ascii_digit(),
        _ => false,
    };
    if number_start || text.starts_with("<<") {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    let lower = lower.trim_start_matches(['-', '+']);
    matches!(
        lower,
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "~" | ".inf" | ".nan"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(v: &str) -> Option<Value> {
        read_json(&format!("k: {v}\n")).map(|d| d["k"].clone())
    }

    #[test]
    fn scalars_both_dialects_read_alike_are_answered() {
        assert_eq!(one("main"), Some(Value::String("main".into())));
        assert_eq!(one("\"yes\""), Some(Value::String("yes".into())));
        assert_eq!(one("12"), Some(Value::from(12)));
        assert_eq!(one("-3"), Some(Value::from(-3)));
        assert_eq!(one("1.5"), Some(Value::from(1.5)));
        assert_eq!(one("true"), Some(Value::Bool(true)));
        assert_eq!(one("~"), Some(Value::Null));
        assert_eq!(
            one(".spec.template"),
            Some(Value::String(".spec.template".into()))
        );
        assert_eq!(
            one("../values.yaml"),
            Some(Value::String("../values.yaml".into()))
        );
        assert_eq!(one("-x"), Some(Value::String("-x".into())));
        assert_eq!(
            one("CreateNamespace=true"),
            Some(Value::String("CreateNamespace=true".into()))
        );
    }

    #[test]
    fn scalars_the_dialects_read_differently_are_refused() {
        for v in [
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "True",
            "FALSE",
            "0123",
            "0x1F",
            "0o17",
            "1_000",
            "+1",
            "1e3",
            ".5",
            "-.5",
            "+.5",
            ".inf",
            "-.Inf",
            ".NaN",
            "1.",
            "2001-12-14",
            "1:20",
            "-1x",
        ] {
            assert_eq!(one(v), None, "{v}");
        }
    }

    #[test]
    fn repeated_and_ambiguous_keys_are_refused() {
        assert_eq!(read_json("a: 1\na: 2\n"), None);
        assert_eq!(read_json("yes: 1\n"), None);
        assert_eq!(read_json("a:\n  - b: 1\n    b: 2\n"), None);
        assert_eq!(read_json("<<: {a: 1}\n"), None);
        assert!(read_json("a:\n  - b: 1\n  - b: 2\n").is_some());
    }

    #[test]
    fn what_the_fast_reader_declines_is_refused() {
        assert_eq!(read_json("a: &x 1\nb: *x\n"), None);
        assert_eq!(read_json("a: !!str 1\n"), None);
    }
}
