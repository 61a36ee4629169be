//! What the fast reader builds: go-yaml's decoded values ([`GoSink`], to be
//! compared with the full reader) or template values directly
//! ([`ValueSink`], what Helm's readers return after sigs.k8s.io/yaml's JSON
//! round trip), skipping the intermediate values and their conversion.

use std::collections::HashMap;

use capstan_gotmpl::{Map, Value};

use crate::yaml::load::GoYaml;
use crate::yaml::scalar::{Resolved, Schema, resolve};

/// Maps up to this many keys find a repeated key by a scan as they are
/// read; longer ones check once, at the end, by sorting the keys.
const SCAN_KEYS: usize = 16;

/// Builds the nodes of one document. Keys are always strings: the reader
/// bails on any other key.
pub(super) trait Sink {
    type Node;
    type Map: Default;
    fn null() -> Self::Node;
    /// A plain scalar, resolved; `None` to bail.
    fn plain(text: &str) -> Option<Self::Node>;
    /// A quoted or block scalar.
    fn string(s: String) -> Self::Node;
    fn seq(items: Vec<Self::Node>) -> Self::Node;
    /// Adds a pair; a repeated key replaces the earlier value (Go map
    /// semantics, where the full reader keeps the first key's place).
    fn insert(map: &mut Self::Map, key: String, value: Self::Node);
    fn map(map: Self::Map) -> Self::Node;
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
    type Map = Pairs;

    fn null() -> GoYaml {
        GoYaml::Null
    }

    fn plain(text: &str) -> Option<GoYaml> {
        Some(match resolve(text, Schema::V2) {
            Resolved::Null => GoYaml::Null,
            Resolved::Bool(b) => GoYaml::Bool(b),
            Resolved::Int(i) => GoYaml::Int(i),
            Resolved::Uint(u) => GoYaml::Uint(u),
            Resolved::Float(x) => GoYaml::Float(x),
            Resolved::Timestamp | Resolved::Merge | Resolved::Str => GoYaml::Str(text.to_string()),
        })
    }

    fn string(s: String) -> GoYaml {
        GoYaml::Str(s)
    }

    fn seq(items: Vec<GoYaml>) -> GoYaml {
        GoYaml::Seq(items)
    }

    fn insert(map: &mut Pairs, key: String, value: GoYaml) {
        if map.pairs.len() < SCAN_KEYS {
            if let Some(slot) = map.pairs.iter_mut().find(|(k, _)| *k == key) {
                slot.1 = value;
                return;
            }
        } else {
            map.unchecked = true;
        }
        map.pairs.push((key, value));
    }

    fn map(map: Pairs) -> GoYaml {
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
    type Map = Map;

    fn null() -> Value {
        Value::Nil
    }

    fn plain(text: &str) -> Option<Value> {
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

    fn string(s: String) -> Value {
        Value::from(s)
    }

    fn seq(items: Vec<Value>) -> Value {
        Value::list(items)
    }

    fn insert(map: &mut Map, key: String, value: Value) {
        map.insert(key, value);
    }

    fn map(map: Map) -> Value {
        Value::map(map)
    }
}
