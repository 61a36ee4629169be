//! Process-wide memories of answers that depend on a text's bytes alone
//! (compiled schemas, decoded values files): entries found by a sampled
//! hash ([`capstan_gotmpl::sample_hash`]) and then the whole bytes, bounded
//! by a number of entries and of bytes kept, past which the memory starts
//! over. Hashing every byte of a large text on each look-up would cost a
//! fair part of what is remembered.
//!
//! [`ByBuffer`] finds answers about a shared buffer by the buffer itself,
//! without reading a byte: for the files of a chart loaded once and
//! rendered many times.
//!
//! [`ByFrozenMap`] finds answers about a tree of frozen maps by its root:
//! a frozen map no write has thawed holds what it held when frozen, so an
//! answer about a tree of them holds while the tree stays so. Renders share
//! a chart's defaults as such trees (see `crate::values::prepare_shared`).

use std::collections::HashMap;
use std::sync::{Arc, Weak};

use capstan_gotmpl::{MapRef, Value, WeakMapRef};

/// A bounded memory from byte strings to answers.
pub(crate) struct ByContent<V> {
    entries: Vec<(u64, Box<[u8]>, V)>,
    /// Bytes of keys kept.
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl<V> ByContent<V> {
    /// An empty memory of at most `max_entries` entries and `max_bytes`
    /// bytes of keys.
    pub(crate) const fn new(max_entries: usize, max_bytes: usize) -> ByContent<V> {
        ByContent {
            entries: Vec::new(),
            bytes: 0,
            max_entries,
            max_bytes,
        }
    }

    /// The answer kept for exactly these bytes.
    pub(crate) fn get(&self, key: &[u8]) -> Option<&V> {
        let hash = capstan_gotmpl::sample_hash(key);
        self.entries
            .iter()
            .find(|(h, k, _)| *h == hash && **k == *key)
            .map(|(_, _, v)| v)
    }

    /// Keeps `value` for `key` (which must not be kept yet), first
    /// forgetting everything when the bounds would be passed.
    pub(crate) fn insert(&mut self, key: &[u8], value: V) -> &V {
        if self.entries.len() >= self.max_entries || self.bytes + key.len() > self.max_bytes {
            self.entries.clear();
            self.bytes = 0;
        }
        self.bytes += key.len();
        self.entries
            .push((capstan_gotmpl::sample_hash(key), key.into(), value));
        let (_, _, v) = &self.entries[self.entries.len() - 1];
        v
    }
}

/// A bounded memory of answers about shared byte buffers, found by the
/// buffer's address. Entries hold the buffer weakly: the allocation stays
/// (so no other buffer can be at that address while the entry lives), but
/// an answer is given only while the buffer is alive elsewhere, and entries
/// of buffers nobody holds any more are dropped as the memory grows. A
/// chart loaded afresh on every render (one-shot commands, cold benchmark
/// runs) therefore leaves nothing behind.
pub(crate) struct ByBuffer<V> {
    entries: HashMap<usize, (Weak<[u8]>, V)>,
    /// Bytes of the buffers of the entries.
    bytes: usize,
    max_bytes: usize,
    /// Entries at which the next sweep of dead ones happens.
    sweep_at: usize,
}

impl<V> ByBuffer<V> {
    /// Entries before the first sweep.
    const FIRST_SWEEP: usize = 64;

    /// An empty memory holding buffers of at most `max_bytes` together.
    pub(crate) fn new(max_bytes: usize) -> ByBuffer<V> {
        ByBuffer {
            entries: HashMap::new(),
            bytes: 0,
            max_bytes,
            sweep_at: Self::FIRST_SWEEP,
        }
    }

    fn address(buffer: &Arc<[u8]>) -> usize {
        Arc::as_ptr(buffer).cast::<u8>() as usize
    }

    /// The answer kept for this very buffer.
    pub(crate) fn get(&self, buffer: &Arc<[u8]>) -> Option<&V> {
        self.entries
            .get(&Self::address(buffer))
            .filter(|(held, _)| std::ptr::eq(held.as_ptr(), Arc::as_ptr(buffer)))
            .map(|(_, v)| v)
    }

    /// Keeps `value` for `buffer`. Entries of dead buffers are dropped
    /// whenever the entries double; past the bound on bytes, everything is
    /// forgotten (a buffer larger than the bound is not kept).
    pub(crate) fn insert(&mut self, buffer: &Arc<[u8]>, value: V) {
        if buffer.len() > self.max_bytes {
            return;
        }
        if self.entries.len() >= self.sweep_at {
            let mut freed = 0;
            self.entries.retain(|_, (held, _)| {
                let alive = held.strong_count() > 0;
                if !alive {
                    freed += held.as_ptr().len();
                }
                alive
            });
            self.bytes -= freed;
            self.sweep_at = (2 * self.entries.len()).max(Self::FIRST_SWEEP);
        }
        if self.bytes + buffer.len() > self.max_bytes {
            self.entries.clear();
            self.bytes = 0;
        }
        let old = self
            .entries
            .insert(Self::address(buffer), (Arc::downgrade(buffer), value));
        self.bytes += buffer.len();
        if let Some((held, _)) = old {
            self.bytes -= held.as_ptr().len();
        }
    }

    /// Entries kept (tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// A bounded memory of answers about trees of frozen maps, by root and a
/// tag (what was asked). An answer is given back while every map of the
/// tree is frozen and unthawed: checked when it is kept, and again only
/// when some map of the process was thawed since ([`capstan_gotmpl::thaws`]).
/// Roots are held weakly, as [`ByBuffer`] holds buffers: no other map can
/// take a root's address while its entry lives, an answer is given only
/// while the root is alive elsewhere, and entries of dropped roots are
/// swept as the memory grows (maps of a chart loaded afresh for one render
/// leave nothing behind).
pub(crate) struct ByFrozenMap<V> {
    entries: HashMap<(usize, usize), (WeakMapRef, u64, V), AddressHash>,
    max_entries: usize,
    /// Entries at which the next sweep of dead ones happens.
    sweep_at: usize,
}

impl<V> std::fmt::Debug for ByFrozenMap<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByFrozenMap")
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl<V> ByFrozenMap<V> {
    /// Entries before the first sweep.
    const FIRST_SWEEP: usize = 64;

    /// An empty memory of at most `max_entries` answers.
    pub(crate) fn new(max_entries: usize) -> ByFrozenMap<V> {
        ByFrozenMap {
            entries: HashMap::default(),
            max_entries,
            sweep_at: Self::FIRST_SWEEP,
        }
    }

    /// The answer kept for `map` under `tag`, while its tree is unchanged.
    pub(crate) fn get(&mut self, map: &MapRef, tag: usize) -> Option<&V> {
        let key = (map.addr(), tag);
        let now = capstan_gotmpl::thaws();
        let (held, checked, _) = self.entries.get_mut(&key)?;
        // The entry's weak reference keeps the address: a live map at it
        // is the very map the answer is about.
        if !held.is_alive() {
            self.entries.remove(&key);
            return None;
        }
        if *checked != now {
            if !unchanged_since_frozen(&Value::Map(map.clone()), 0) {
                self.entries.remove(&key);
                return None;
            }
            *checked = now;
        }
        self.entries.get(&key).map(|(_, _, v)| v)
    }

    /// Keeps `answer` about `map` under `tag` when its tree is frozen and
    /// unchanged; `checked` is [`capstan_gotmpl::thaws`] read before the
    /// answer was worked out (a thaw meanwhile moves it: the tree is then
    /// checked again on the next look-up). Returns whether it was kept.
    pub(crate) fn keep(&mut self, map: &MapRef, tag: usize, checked: u64, answer: V) -> bool {
        if !unchanged_since_frozen(&Value::Map(map.clone()), 0) {
            return false;
        }
        if self.entries.len() >= self.sweep_at {
            self.entries.retain(|_, (held, _, _)| held.is_alive());
            self.sweep_at = (2 * self.entries.len()).max(Self::FIRST_SWEEP);
        }
        if self.entries.len() >= self.max_entries {
            self.entries.clear();
        }
        self.entries
            .insert((map.addr(), tag), (map.downgrade(), checked, answer));
        true
    }

    /// Answers kept.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Forgets every answer.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Hashes map addresses (and a tag beside one) by multiplication.
#[derive(Default, Clone, Copy)]
pub(crate) struct AddressHash;

impl std::hash::BuildHasher for AddressHash {
    type Hasher = AddressHasher;

    fn build_hasher(&self) -> AddressHasher {
        AddressHasher(0)
    }
}

/// See [`AddressHash`].
pub(crate) struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        // Addresses are aligned: the multiplication spreads the rest into
        // the high bits the table uses.
        self.0 = (self.0.rotate_left(29) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Deepest tree checked (deeper trees are never kept).
const MAX_FROZEN_DEPTH: usize = 200;

/// Whether every map in `v` is frozen and not thawed since: then each
/// holds what it held when frozen, and so does the tree. Host objects are
/// not looked into, so trees holding one never count.
pub(crate) fn unchanged_since_frozen(v: &Value, depth: usize) -> bool {
    if depth > MAX_FROZEN_DEPTH {
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
mod tests {
    use super::*;

    #[test]
    fn buffers_are_told_apart_by_identity_not_content() {
        let mut m: ByBuffer<&str> = ByBuffer::new(10);
        let a: Arc<[u8]> = Arc::from(&b"abc"[..]);
        let same_bytes: Arc<[u8]> = Arc::from(&b"abc"[..]);
        m.insert(&a, "a");
        assert_eq!(m.get(&a), Some(&"a"));
        assert_eq!(m.get(&Arc::clone(&a)), Some(&"a"), "a clone is the buffer");
        assert_eq!(
            m.get(&same_bytes),
            None,
            "equal bytes elsewhere are another buffer"
        );
        // Kept again: replaced, not counted twice.
        m.insert(&a, "a2");
        assert_eq!((m.get(&a), m.bytes), (Some(&"a2"), 3));
        // Past the bound the memory starts over; too large is never kept.
        let b: Arc<[u8]> = Arc::from(&b"12345678"[..]);
        m.insert(&b, "b");
        assert_eq!((m.get(&a), m.get(&b), m.bytes), (None, Some(&"b"), 8));
        let huge: Arc<[u8]> = Arc::from(&[0u8; 11][..]);
        m.insert(&huge, "huge");
        assert_eq!((m.get(&huge), m.get(&b)), (None, Some(&"b")));
    }

    #[test]
    fn entries_of_buffers_nobody_holds_are_dropped() {
        let mut m: ByBuffer<usize> = ByBuffer::new(1 << 20);
        let kept: Vec<Arc<[u8]>> = (0..10).map(|i| Arc::from(vec![i as u8; 8])).collect();
        for (i, b) in kept.iter().enumerate() {
            m.insert(b, i);
        }
        // Buffers loaded and dropped again and again (a chart read afresh
        // for every render) do not pile up.
        for round in 0..1_000 {
            let fresh: Arc<[u8]> = Arc::from(vec![7u8; 16]);
            m.insert(&fresh, round);
            assert_eq!(m.get(&fresh), Some(&round));
        }
        assert!(
            m.len() <= 2 * ByBuffer::<usize>::FIRST_SWEEP,
            "{} entries",
            m.len()
        );
        for (i, b) in kept.iter().enumerate() {
            assert_eq!(m.get(b), Some(&i), "live buffers keep their answers");
        }
    }

    #[test]
    fn answers_are_found_by_their_whole_bytes_within_bounds() {
        let mut m: ByContent<usize> = ByContent::new(3, 10);
        assert_eq!(m.insert(b"abc", 1), &1);
        m.insert(b"abd", 2);
        assert_eq!(
            (m.get(b"abc"), m.get(b"abd"), m.get(b"ab")),
            (Some(&1), Some(&2), None)
        );
        // A third fits; a fourth passes the bound on entries: the memory
        // starts over with it.
        m.insert(b"x", 3);
        assert_eq!(m.get(b"abc"), Some(&1));
        m.insert(b"y", 4);
        assert_eq!(
            (m.get(b"abc"), m.get(b"x"), m.get(b"y")),
            (None, None, Some(&4))
        );
        // So does a key that would pass the bound on bytes.
        m.insert(b"0123456789", 5);
        assert_eq!((m.get(b"y"), m.get(b"0123456789")), (None, Some(&5)));
    }

    fn frozen_tree() -> (MapRef, MapRef) {
        let inner = MapRef::new(capstan_gotmpl::Map::from([(
            "k".to_string(),
            Value::Int(1),
        )]));
        let root = MapRef::new(capstan_gotmpl::Map::from([(
            "inner".to_string(),
            Value::list(vec![Value::Map(inner.clone())]),
        )]));
        inner.freeze();
        root.freeze();
        (root, inner)
    }

    #[test]
    fn answers_about_frozen_trees_hold_until_a_map_in_them_is_written() {
        let (root, inner) = frozen_tree();
        let mut m: ByFrozenMap<u8> = ByFrozenMap::new(8);
        m.keep(&root, 1, capstan_gotmpl::thaws(), 7);
        assert_eq!(m.get(&root, 1), Some(&7));
        assert_eq!(m.get(&root, 2), None, "per tag");
        let (other, _) = frozen_tree();
        assert_eq!(m.get(&other, 1), None, "an equal tree is another map");
        inner.update(|c| c.insert("k".into(), Value::Int(2)));
        assert_eq!(m.get(&root, 1), None, "a write deep inside ends the answer");
        // A tree that is not frozen all the way down is never kept.
        let (fresh, _) = frozen_tree();
        let open = MapRef::new(capstan_gotmpl::Map::from([(
            "x".to_string(),
            Value::Map(MapRef::new(capstan_gotmpl::Map::new())),
        )]));
        open.freeze();
        m.keep(&open, 1, capstan_gotmpl::thaws(), 1);
        assert_eq!(m.get(&open, 1), None);
        m.keep(&fresh, 1, capstan_gotmpl::thaws(), 3);
        assert_eq!(m.get(&fresh, 1), Some(&3));
    }

    #[test]
    fn answers_about_dropped_maps_leave_nothing_behind() {
        let mut m: ByFrozenMap<u8> = ByFrozenMap::new(1 << 20);
        let (kept, _) = frozen_tree();
        m.keep(&kept, 0, capstan_gotmpl::thaws(), 1);
        // Maps made and dropped again and again (a chart loaded afresh for
        // every render) do not pile up.
        for _ in 0..1_000 {
            let (fresh, _) = frozen_tree();
            m.keep(&fresh, 0, capstan_gotmpl::thaws(), 2);
            assert_eq!(m.get(&fresh, 0), Some(&2));
        }
        assert!(
            m.len() <= 2 * ByFrozenMap::<u8>::FIRST_SWEEP,
            "{} entries",
            m.len()
        );
        assert_eq!(m.get(&kept, 0), Some(&1));
    }
}
