//! The hasher of the function table: every call in a template looks its
//! function up by name, so the table is hashed with a multiply-rotate hash
//! (a few cycles for a short name) instead of SipHash.
//!
//! SipHash's resistance to chosen collisions is not needed here: the
//! function names are the embedder's, never the template author's, and the
//! printer's memo is keyed by addresses. Maps keyed by names a template
//! chooses (`define`) keep the standard hasher.

use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` hasher for embedder-chosen names and for addresses.
pub(crate) type NameHash = BuildHasherDefault<NameHasher>;

/// Multiply-rotate hashing over 8-byte words (the scheme of rustc's
/// `FxHasher`).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct NameHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl NameHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

/// The last 1 to 7 bytes as one word, read with fixed-size loads (a copy of
/// a variable length into a buffer is a `memcpy` call, the largest part of
/// hashing a short name). The two loads may overlap: equal inputs still
/// give equal words, and the length is mixed in by `str`'s hash anyway.
fn tail_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    if n >= 4 {
        let lo = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let hi = u32::from_le_bytes([rest[n - 4], rest[n - 3], rest[n - 2], rest[n - 1]]);
        u64::from(lo) | u64::from(hi) << 32
    } else {
        u64::from(rest[0]) | u64::from(rest[n / 2]) << 8 | u64::from(rest[n - 1]) << 16
    }
}

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(tail_word(rest));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The product's low bits depend on the input's low bits only; the
        // table indexes buckets by low bits, so bring the mixed high bits down.
        self.0.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::NameHash;

    #[test]
    fn names_of_every_length_are_found() {
        let names: Vec<String> = (0..40).map(|n| "f".repeat(n)).collect();
        let mut map: HashMap<&str, usize, NameHash> = HashMap::default();
        for (i, n) in names.iter().enumerate() {
            map.insert(n, i);
        }
        for (i, n) in names.iter().enumerate() {
            assert_eq!(map.get(n.as_str()), Some(&i));
        }
        assert_eq!(map.get("g"), None);
    }
    #[test]
    fn short_names_of_one_length_hash_apart() {
        use std::hash::BuildHasher;
        let letters = b"abcdefgh";
        for len in 1..8u32 {
            // The first 4096 names of `len` letters over `letters`, each
            // number written in base 8.
            let count = 8usize.pow(len).min(4096);
            let seen: std::collections::HashSet<u64> = (0..count)
                .map(|n| {
                    let name: String = (0..len)
                        .map(|d| char::from(letters[n / 8usize.pow(d) % 8]))
                        .collect();
                    NameHash::default().hash_one(name.as_str())
                })
                .collect();
            assert_eq!(seen.len(), count, "names of {len} bytes collide");
        }
    }
}
