//! What the fast reader builds: go-yaml's decoded values ([`GoSink`], to be
//! compared with the full reader) or template values directly
//! ([`ValueSink`], what Helm's readers return after sigs.k8s.io/yaml's JSON
//! round trip), skipping the intermediate values and their conversion; or
//! nothing at all ([`SkipSink`], for the subtrees another sink skips).

use std::borrow::Cow;
use std::collections::HashMap;

use capstan_gotmpl::{Map, Value};

use crate::yaml::load::GoYaml;
use crate::yaml::scalar::{Resolved, Schema, resolve};

/// Maps up to this many keys find a repeated key by a scan as they are
/// read; longer ones check once, at the end, by sorting the keys.
const SCAN_KEYS: usize = 16;

/// Builds the nodes of one document. Keys are always strings: the reader
/// bails on any other key.
///
/// A sink may keep only part of the document: the reader hands each node
/// a [`Sink::Want`], derived level by level from its parent's, and does
/// not build the text of scalars and keys the sink does not want (it
/// still reads and checks them, so that it bails exactly where a sink
/// keeping everything would).
pub(super) trait Sink {
    type Node;
    type Seq: Default;
    type Map: Default;
    /// What is kept of a node; `()` for sinks that keep everything.
    type Want: Copy;
    /// What is kept of the document's root.
    const ROOT: Self::Want;
    /// What is kept of the value under `key` in a mapping kept as `want`
    /// (by default: the same as of the mapping).
    fn value_want(want: Self::Want, _key: &str) -> Self::Want {
        want
    }
    /// What is kept of the items of a sequence kept as `want` (by default:
    /// the same as of the sequence).
    fn item_want(want: Self::Want) -> Self::Want {
        want
    }
    /// Whether the text of a scalar (or the keys of a mapping) kept as
    /// `want` is needed; if not, the reader passes an empty string. By
    /// default it always is.
    fn keeps_text(_want: Self::Want) -> bool {
        true
    }
    /// Whether nothing at all is kept of a node wanted as `want`: the
    /// reader then reads and checks it as [`SkipSink`] does (the same
    /// code, building nothing) and stands [`Sink::skipped`] in for it. By
    /// default nothing is skipped.
    fn skips(_want: Self::Want) -> bool {
        false
    }
    /// What stands in for a node [`Sink::skips`].
    fn skipped(want: Self::Want) -> Self::Node {
        Self::null(want)
    }
    fn null(want: Self::Want) -> Self::Node;
    /// A plain scalar, resolved; `None` to bail.
    fn plain(want: Self::Want, text: &str) -> Option<Self::Node>;
    /// A quoted or block scalar.
    fn string(want: Self::Want, s: Cow<'_, str>) -> Self::Node;
    fn push(want: Self::Want, seq: &mut Self::Seq, item: Self::Node);
    fn seq(want: Self::Want, seq: Self::Seq) -> Self::Node;
    /// Adds a pair; a repeated key replaces the earlier value (Go map
    /// semantics, where the full reader keeps the first key's place).
    fn insert(want: Self::Want, map: &mut Self::Map, key: Cow<'_, str>, value: Self::Node);
    fn map(want: Self::Want, map: Self::Map) -> Self::Node;
}

/// go-yaml v2's values ([`GoYaml`]).
#[derive(Debug)]
pub(super) struct GoSink;

/// Pairs in first-insertion order.
#[derive(Default)]
pub(super) struct Pairs {
    pairs: Vec<(String, GoYaml)>,
    /// Keys were added past [`SCAN_KEYS`] without a check.
    unchecked: bool,
}

impl Sink for GoSink {
    type Node = GoYaml;
    type Seq = Vec<GoYaml>;
    type Map = Pairs;
    type Want = ();
    const ROOT: () = ();

    fn null((): ()) -> GoYaml {
        GoYaml::Null
    }

    fn plain((): (), text: &str) -> Option<GoYaml> {
        Some(match resolve(text, Schema::V2) {
            Resolved::Null => GoYaml::Null,
            Resolved::Bool(b) => GoYaml::Bool(b),
            Resolved::Int(i) => GoYaml::Int(i),
            Resolved::Uint(u) => GoYaml::Uint(u),
            Resolved::Float(x) => GoYaml::Float(x),
            Resolved::Timestamp | Resolved::Merge | Resolved::Str => GoYaml::Str(text.to_string()),
        })
    }

    fn string((): (), s: Cow<'_, str>) -> GoYaml {
        GoYaml::Str(s.into_owned())
    }

    fn push((): (), seq: &mut Vec<GoYaml>, item: GoYaml) {
        seq.push(item);
    }

    fn seq((): (), items: Vec<GoYaml>) -> GoYaml {
        GoYaml::Seq(items)
    }

    fn insert((): (), map: &mut Pairs, key: Cow<'_, str>, value: GoYaml) {
        if map.pairs.len() < SCAN_KEYS {
            if let Some(slot) = map.pairs.iter_mut().find(|(k, _)| *k == key) {
                slot.1 = value;
                return;
            }
        } else {
            map.unchecked = true;
        }
        map.pairs.push((key.into_owned(), value));
    }

    fn map((): (), map: Pairs) -> GoYaml {
        let Pairs { pairs, unchecked } = map;
        let pairs = if unchecked && has_repeats(&pairs) {
            merge_repeats(pairs)
        } else {
            pairs
        };
        GoYaml::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (GoYaml::Str(k), v))
                .collect(),
        )
    }
}

fn has_repeats(pairs: &[(String, GoYaml)]) -> bool {
    let mut keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|w| w[0] == w[1])
}

/// Each key once, at its first place, with its last value.
fn merge_repeats(pairs: Vec<(String, GoYaml)>) -> Vec<(String, GoYaml)> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<(String, GoYaml)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        match index.get(&k) {
            Some(&i) => out[i].1 = v,
            None => {
                index.insert(k.clone(), out.len());
                out.push((k, v));
            }
        }
    }
    out
}

/// Template values as [`crate::yaml::convert::to_value`] makes them from
/// go-yaml's: every number a float64, strings shared.
#[derive(Debug)]
pub(super) struct ValueSink;

impl Sink for ValueSink {
    type Node = Value;
    type Seq = Vec<Value>;
    type Map = Map;
    type Want = ();
    const ROOT: () = ();

    fn null((): ()) -> Value {
        Value::Nil
    }

    fn plain((): (), text: &str) -> Option<Value> {
        plain_value(text)
    }

    fn string((): (), s: Cow<'_, str>) -> Value {
        match s {
            Cow::Borrowed(s) => Value::from(s),
            Cow::Owned(s) => Value::from(s),
        }
    }

    fn push((): (), seq: &mut Vec<Value>, item: Value) {
        seq.push(item);
    }

    fn seq((): (), items: Vec<Value>) -> Value {
        Value::list(items)
    }

    fn insert((): (), map: &mut Map, key: Cow<'_, str>, value: Value) {
        map.insert(key.into_owned(), value);
    }

    fn map((): (), map: Map) -> Value {
        Value::map(map)
    }
}

/// A plain scalar as a template value; `None` for infinities and NaN.
pub(super) fn plain_value(text: &str) -> Option<Value> {
    if super::surely_string(text.as_bytes()) {
        return Some(Value::from(text));
    }
    Some(match resolve(text, Schema::V2) {
        Resolved::Null => Value::Nil,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::Float(i as f64),
        Resolved::Uint(u) => Value::Float(u as f64),
        // JSON has no infinities or NaN: the round trip fails, and the
        // full path reports it.
        Resolved::Float(x) if !x.is_finite() => return None,
        Resolved::Float(x) => Value::Float(x),
        Resolved::Timestamp | Resolved::Merge | Resolved::Str => Value::from(text),
    })
}

/// Keeps nothing: reads and checks a subtree that another sink skips.
/// Plain scalars are still resolved as far as the value reader refuses
/// them (infinities and NaN, which JSON cannot hold), so a skipped subtree
/// bails exactly where building it would.
#[derive(Debug)]
pub(super) struct SkipSink;

impl Sink for SkipSink {
    type Node = ();
    type Seq = ();
    type Map = ();
    type Want = ();
    const ROOT: () = ();

    fn keeps_text((): ()) -> bool {
        false
    }

    fn null((): ()) {}

    fn plain((): (), text: &str) -> Option<()> {
        (!non_finite(text)).then_some(())
    }

    fn string((): (), _s: Cow<'_, str>) {}

    fn push((): (), (): &mut (), (): ()) {}

    fn seq((): (), (): ()) {}

    fn insert((): (), (): &mut (), _key: Cow<'_, str>, (): ()) {}

    fn map((): (), (): ()) {}
}

/// Whether a plain scalar resolves to an infinity or NaN, which the value
/// reader refuses (JSON has neither), without resolving (and allocating
/// for) every skipped number: only the YAML 1.1 spellings do — `.inf` with
/// or without a sign, `.nan` without — since numbers too large for a
/// float stay strings.
pub(super) fn non_finite(text: &str) -> bool {
    let (signed, unsigned) = match text.as_bytes().first() {
        Some(b'+' | b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    if !unsigned.starts_with('.') {
        return false;
    }
    match resolve(unsigned, Schema::V2) {
        Resolved::Float(x) if x.is_infinite() => true,
        Resolved::Float(x) if x.is_nan() => !signed,
        _ => false,
    }
}
