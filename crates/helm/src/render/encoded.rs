//! The texts `toJson` and `toYaml` gave for maps that cannot have changed
//! since, kept for this process.
//!
//! A frozen map that no write has thawed holds what it held when it was
//! frozen, for good (see `capstan_gotmpl::guard`). While a map and every
//! map under it are so, its text is the one it had. Renders read a chart's
//! defaults and the user's values as such maps, shared from one render to
//! the next (`crate::values::prepare_shared`), and templates executing side
//! by side read every map frozen. Charts encode the same sections many
//! times in one render (`toYaml .Values.podLabels` in every workload,
//! `toJson .Values.config` for checksums and config files) and again in
//! every render of the same chart, and checking that a tree is still
//! frozen reads far less than encoding it.
//!
//! Maps that are not frozen (maps a template built, values copied for a
//! render whose templates write to them) are never kept: nothing tells
//! that they did not change. The texts are bounded in number and bytes,
//! and the memory starts over past either bound; it holds the maps whose
//! texts it keeps weakly ([`ByFrozenMap`]), so the texts of dropped maps
//! are swept.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex};

use capstan_gotmpl::Value;

use crate::memo::ByFrozenMap;

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

/// The kept texts, tagged by encoder, and the bytes they hold (an upper
/// bound: texts swept with their dropped maps are not subtracted, which
/// can only make the memory start over sooner).
struct Kept {
    texts: ByFrozenMap<Value>,
    bytes: usize,
}

/// Texts shorter than this cost less to encode again than to keep.
const MIN_TEXT: usize = 16;
const MAX_ENTRIES: usize = 4096;
const MAX_BYTES: usize = 32 << 20;

static KEPT: LazyLock<Mutex<Kept>> = LazyLock::new(|| {
    Mutex::new(Kept {
        texts: ByFrozenMap::new(MAX_ENTRIES),
        bytes: 0,
    })
});

/// The text `encoder` gave for `v` before, if `v` is a map kept then and
/// nothing under it changed since.
pub(crate) fn get(encoder: Encoder, v: &Value) -> Option<Value> {
    let Value::Map(map) = v else {
        return None;
    };
    let mut kept = KEPT.lock().ok()?;
    let text = kept.texts.get(map, encoder as usize)?.clone();
    GIVEN.fetch_add(1, Ordering::Relaxed);
    Some(text)
}

/// Keeps `text`, what `encoder` gave for `v`, when `v` is a frozen map
/// unchanged since it was frozen; `checked` is [`capstan_gotmpl::thaws`]
/// read before `v` was encoded.
pub(crate) fn keep(encoder: Encoder, v: &Value, text: &Value, checked: u64) {
    let (Value::Map(map), Some(len)) = (v, text.as_str().map(str::len)) else {
        return;
    };
    if !(MIN_TEXT..=MAX_BYTES).contains(&len) {
        return;
    }
    let Ok(mut kept) = KEPT.lock() else {
        return;
    };
    if kept.bytes + len > MAX_BYTES || kept.texts.len() >= MAX_ENTRIES {
        kept.texts.clear();
        kept.bytes = 0;
    }
    if kept
        .texts
        .keep(map, encoder as usize, checked, text.clone())
    {
        kept.bytes += len;
    }
}

/// Whether `v` may be kept or was kept: a frozen map not thawed since (a
/// cheap test, made before anything is locked).
pub(crate) fn may_be_kept(v: &Value) -> bool {
    matches!(v, Value::Map(m) if m.frozen_contents().is_some())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use capstan_gotmpl::{Map, MapRef};

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
        Value::from("x".repeat(MIN_TEXT))
    }

    fn keep_now(encoder: Encoder, v: &Value, text: &Value) {
        keep(encoder, v, text, capstan_gotmpl::thaws());
    }

    #[test]
    fn a_frozen_tree_is_kept_until_a_map_in_it_is_written() {
        let (v, inner) = tree();
        freeze(&v);
        keep_now(Encoder::Json, &v, &text());
        assert_eq!(get(Encoder::Json, &v), Some(text()));
        assert_eq!(get(Encoder::Yaml, &v), None, "per encoder");
        // A write deep inside thaws that map: the text is no longer given.
        inner.update(|m| m.insert("k".into(), Value::from("changed")));
        assert_eq!(get(Encoder::Json, &v), None);
    }

    #[test]
    fn maps_not_frozen_all_the_way_down_are_never_kept() {
        let (v, _) = tree();
        let Value::Map(root) = &v else { unreachable!() };
        root.freeze();
        assert!(may_be_kept(&v));
        keep_now(Encoder::Json, &v, &text());
        assert_eq!(get(Encoder::Json, &v), None);
        let (fresh, _) = tree();
        assert!(!may_be_kept(&fresh));
    }

    #[test]
    fn short_texts_and_other_values_are_not_kept() {
        let (v, _) = tree();
        freeze(&v);
        keep_now(Encoder::Yaml, &v, &Value::from("short"));
        assert_eq!(get(Encoder::Yaml, &v), None);
        let list = Value::list(vec![v.clone()]);
        keep_now(Encoder::Yaml, &list, &text());
        assert_eq!(get(Encoder::Yaml, &list), None);
        // An equal tree elsewhere is another map.
        let (other, _) = tree();
        freeze(&other);
        keep_now(Encoder::Yaml, &v, &text());
        assert_eq!(get(Encoder::Yaml, &other), None);
    }
}
