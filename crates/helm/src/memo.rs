//! Process-wide memories of answers that depend on a text's bytes alone
//! (compiled schemas, decoded values files): entries found by a sampled
//! hash ([`capstan_gotmpl::sample_hash`]) and then the whole bytes, bounded
//! by a number of entries and of bytes kept, past which the memory starts
//! over. Hashing every byte of a large text on each look-up would cost a
//! fair part of what is remembered.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
