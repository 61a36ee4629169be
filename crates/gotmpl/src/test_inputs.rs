//! Inputs of the differential tests of capstan-gotmpl and the crates above
//! it (unit and integration): a seeded generator (xorshift64, so every run
//! draws the same inputs and a failure replays), every string over a small
//! alphabet, and a sample of all characters. Not for anything but tests:
//! the generator is neither random nor secure.

/// Xorshift64 (13, 7, 17) from a non-zero seed.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Xorshift(pub u64);

impl Xorshift {
    /// The next number of the sequence.
    #[allow(
        clippy::should_implement_trait,
        reason = "not an iterator: it never ends"
    )]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `pool` (which must not be empty).
    pub fn pick<'p, T: ?Sized>(&mut self, pool: &[&'p T]) -> &'p T {
        pool[self.below(pool.len())]
    }
}

/// Every string of at most `max_len` pieces of `alphabet`, shortest first
/// (the empty string included).
pub fn every_string(alphabet: &[&str], max_len: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = vec![String::new()];
    for _ in 0..max_len {
        last = last
            .iter()
            .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

/// Every character below U+3000 (where every escaping rule of Go and JSON
/// lives) and every 97th above it.
pub fn sampled_chars() -> impl Iterator<Item = char> {
    (0u32..0x3000)
        .chain((0x3000..0x11_0000).step_by(97))
        .filter_map(char::from_u32)
}
