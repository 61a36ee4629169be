//! The texts `toJson` and `toYaml` gave for maps that cannot have changed
//! since, kept for the rest of one render.
//!
//! Templates executing side by side read the chart's values as frozen maps
//! (see `capstan_gotmpl::guard`): a frozen map that no write has thawed
//! holds what it held when it was frozen, for good. While a map and every
//! map under it are so, its text is the one it had. Charts encode the same
//! section many times in one render (`toYaml .Values.podLabels` in every
//! workload, `toJson .Values.config` for checksums and config files), and
//! checking that a tree is still frozen reads far less than encoding it.
//!
//! Maps that are not frozen (renders on one thread, maps a template built)
//! are never kept: nothing tells that they did not change.

use std::sync::atomic::{AtomicUsize, Ordering};

use capstan_gotmpl::{MapRef, Value};

/// Texts given back in this process (tests use it to know the path ran).
static GIVEN: AtomicUsize = AtomicUsize::new(0);

/// How many kept texts this process gave back instead of encoding again.
#[doc(hidden)]
pub fn kept_texts_given() -> usize {
    GIVEN.load(Ordering::Relaxed)
}

/// The encoders whose answers are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoder {
    Json,
    Yaml,
}

/// One render's (one thread's) kept texts.
#[derive(Debug, Default)]
pub(crate) struct Encoded {
    /// Each text with the thaw count when its tree was last found frozen
    /// (see [`capstan_gotmpl::thaws`]).
    entries: Vec<(Encoder, MapRef, Value, u64)>,
    /// Bytes of text kept.
    bytes: usize,
}

impl Encoded {
    /// Texts shorter than this cost less to encode again than to keep.
    const MIN_TEXT: usize = 256;
    const MAX_ENTRIES: usize = 64;
    const MAX_BYTES: usize = 8 << 20;

    /// The text `encoder` gave for `v` earlier in this render, if `v` is a
    /// map kept then and nothing under it changed since.
    pub(crate) fn get(&mut self, encoder: Encoder, v: &Value) -> Option<Value> {
        let Value::Map(map) = v else {
            return None;
        };
        let (_, _, text, checked) = self
            .entries
            .iter_mut()
            .find(|(e, kept, _, _)| *e == encoder && kept.ptr_eq(map))?;
        // No map thawed since the tree was last found frozen: it still is.
        let now = capstan_gotmpl::thaws();
        if *checked != now {
            if !unchanged_since_frozen(v, 0) {
                return None;
            }
            *checked = now;
        }
        GIVEN.fetch_add(1, Ordering::Relaxed);
        Some(text.clone())
    }

    /// Keeps `text`, what `encoder` gave for `v`, when `v` is a frozen map
    /// unchanged since it was frozen (it was read as frozen, then).
    pub(crate) fn keep(&mut self, encoder: Encoder, v: &Value, text: &Value) {
        let (Value::Map(map), Some(len)) = (v, text.as_str().map(str::len)) else {
            return;
        };
        // Read before the check: a thaw after it moves the count.
        let checked = capstan_gotmpl::thaws();
        if len < Self::MIN_TEXT
            || self.entries.len() >= Self::MAX_ENTRIES
            || self.bytes + len > Self::MAX_BYTES
            || !unchanged_since_frozen(v, 0)
        {
            return;
        }
        self.bytes += len;
        self.entries
            .push((encoder, map.clone(), text.clone(), checked));
    }
}

/// Whether `v` may be kept or was kept: a frozen map not thawed since (a
/// cheap test, made before anything is locked).
pub(crate) fn may_be_kept(v: &Value) -> bool {
    matches!(v, Value::Map(m) if m.frozen_contents().is_some())
}

/// Deepest tree checked (deeper trees are never kept).
const MAX_DEPTH: usize = 200;

/// Whether every map in `v` is frozen and not thawed since: then each holds
/// what it held when frozen, and so does the tree. Host objects are not
/// looked into, so trees holding one are never kept.
fn unchanged_since_frozen(v: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match v {
        Value::Map(m) => m.frozen_contents().is_some_and(|contents| {
            contents
                .values()
                .all(|v| unchanged_since_frozen(v, depth + 1))
        }),
        Value::List(items) => items.iter().all(|v| unchanged_since_frozen(v, depth + 1)),
        Value::Object(_) => false,
        _ => true,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use capstan_gotmpl::Map;

    fn tree() -> (Value, MapRef) {
        let inner = MapRef::new(Map::from([("k".to_string(), Value::from("v"))]));
        let mut outer = Map::new();
        outer.insert("inner".into(), Value::Map(inner.clone()));
        outer.insert(
            "list".into(),
            Value::list(vec![Value::Map(MapRef::new(Map::new()))]),
        );
        (Value::map(outer), inner)
    }

    fn freeze(v: &Value) {
        match v {
            Value::Map(m) => {
                m.freeze();
                for v in m.snapshot().values() {
                    freeze(v);
                }
            }
            Value::List(items) => items.iter().for_each(freeze),
            _ => {}
        }
    }

    fn text() -> Value {
        Value::from("x".repeat(Encoded::MIN_TEXT))
    }

    #[test]
    fn a_frozen_tree_is_kept_until_a_map_in_it_is_written() {
        let (v, inner) = tree();
        freeze(&v);
        let mut memo = Encoded::default();
        memo.keep(Encoder::Json, &v, &text());
        assert_eq!(memo.get(Encoder::Json, &v), Some(text()));
        assert_eq!(memo.get(Encoder::Yaml, &v), None, "per encoder");
        // A write deep inside thaws that map: the text is no longer given.
        inner.update(|m| m.insert("k".into(), Value::from("changed")));
        assert_eq!(memo.get(Encoder::Json, &v), None);
    }

    #[test]
    fn maps_not_frozen_all_the_way_down_are_never_kept() {
        let (v, _) = tree();
        let Value::Map(root) = &v else { unreachable!() };
        root.freeze();
        assert!(may_be_kept(&v));
        let mut memo = Encoded::default();
        memo.keep(Encoder::Json, &v, &text());
        assert_eq!(memo.get(Encoder::Json, &v), None);
        let (fresh, _) = tree();
        assert!(!may_be_kept(&fresh));
    }

    #[test]
    fn short_texts_and_other_values_are_not_kept() {
        let (v, _) = tree();
        freeze(&v);
        let mut memo = Encoded::default();
        memo.keep(Encoder::Yaml, &v, &Value::from("short"));
        assert_eq!(memo.get(Encoder::Yaml, &v), None);
        let list = Value::list(vec![v.clone()]);
        memo.keep(Encoder::Yaml, &list, &text());
        assert_eq!(memo.get(Encoder::Yaml, &list), None);
        // An equal tree elsewhere is another map.
        let (other, _) = tree();
        freeze(&other);
        memo.keep(Encoder::Yaml, &v, &text());
        assert_eq!(memo.get(Encoder::Yaml, &other), None);
    }
}
