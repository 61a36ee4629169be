//! Parsed templates kept by content, shared by every set that parses the
//! same text with the same functions.
//!
//! Parsing is pure: the trees of a text depend only on the template's name,
//! the text and which names are functions (the parser refuses unknown
//! functions and treats `break`/`continue` as keywords only when they are
//! not functions). So a cache keyed by those three gives back exactly what a
//! fresh parse would, and a process that renders one chart many times (a
//! fleet of apps sharing charts, a controller re-rendering on every
//! change, Helm's `tpl` called in a loop) parses each text once.
//!
//! Parse errors are not cached: a failing text is parsed again, and reports
//! its error again, every time.
//!
//! The cache is bounded by the bytes of text it holds; past the bound it
//! starts over empty, which keeps the memory of a long-running process
//! bounded whatever it renders.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::namehash::{NameHash, NameHasher};
use std::sync::{Arc, Mutex};

use crate::ast::Tree;

/// Parsed trees of one text: each `define`/`block`, then the main tree.
pub(crate) type Trees = Arc<[Arc<Tree>]>;

/// One cached text: what it was parsed with, and its trees.
#[derive(Debug)]
struct Entry {
    /// Fingerprint of the set's function names.
    funcs: u64,
    name: Box<str>,
    text: Box<str>,
    trees: Trees,
}

impl Entry {
    fn is(&self, funcs: u64, name: &str, text: &str) -> bool {
        self.funcs == funcs && &*self.name == name && &*self.text == text
    }
}

/// Entries by [`sampled_hash`]: texts that share a sample share a bucket
/// and are told apart by comparing them whole.
#[derive(Debug, Default)]
struct Entries {
    map: HashMap<u64, Vec<Entry>, NameHash>,
    bytes: usize,
}

/// A hash of the length of `bytes`, its ends and words spread over it: at
/// most a few hundred bytes are read, whatever the length. For caches
/// keyed by large texts (templates, schemas) that are looked up on every
/// render: a full hash costs more than the comparison a hit makes anyway,
/// and texts that differ only between the samples merely share a bucket.
/// Not for keys an adversary chooses to collide cheaply.
pub fn sample_hash(bytes: &[u8]) -> u64 {
    const ENDS: usize = 64;
    const WORDS: usize = 32;
    let mut h = NameHasher::default();
    h.write_usize(bytes.len());
    if bytes.len() <= 2 * ENDS + WORDS * 8 {
        h.write(bytes);
    } else {
        h.write(&bytes[..ENDS]);
        h.write(&bytes[bytes.len() - ENDS..]);
        let step = (bytes.len() - 2 * ENDS) / WORDS;
        for i in 0..WORDS {
            let at = ENDS + i * step;
            h.write(&bytes[at..at + 8]);
        }
    }
    h.finish()
}

/// The bucket of a cache key: the function fingerprint, the name and the
/// text's [`sample_hash`].
fn sampled_hash(funcs: u64, name: &str, text: &str) -> u64 {
    let mut h = NameHasher::default();
    h.write_u64(funcs);
    h.write(name.as_bytes());
    h.write_u64(sample_hash(text.as_bytes()));
    h.finish()
}

/// A shared, bounded cache of parsed templates; clone it to share it.
#[derive(Debug, Clone)]
pub struct ParseCache {
    entries: Arc<Mutex<Entries>>,
    max_bytes: usize,
}

impl Default for ParseCache {
    fn default() -> Self {
        ParseCache::with_capacity(64 << 20)
    }
}

impl ParseCache {
    /// A cache holding at most about `max_bytes` of template text.
    pub fn with_capacity(max_bytes: usize) -> ParseCache {
        ParseCache {
            entries: Arc::default(),
            max_bytes,
        }
    }

    /// Forgets everything (benchmarks use it to time cold parses).
    pub fn clear(&self) {
        if let Ok(mut e) = self.entries.lock() {
            *e = Entries::default();
        }
    }

    /// How many texts are cached.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .map(|e| e.map.values().map(Vec::len).sum())
            .unwrap_or(0)
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn get(&self, funcs: u64, name: &str, text: &str) -> Option<Trees> {
        let hash = sampled_hash(funcs, name, text);
        let e = self.entries.lock().ok()?;
        e.map
            .get(&hash)?
            .iter()
            .find(|entry| entry.is(funcs, name, text))
            .map(|entry| Trees::clone(&entry.trees))
    }

    pub(crate) fn put(&self, funcs: u64, name: &str, text: &str, trees: Trees) {
        let hash = sampled_hash(funcs, name, text);
        let Ok(mut e) = self.entries.lock() else {
            return;
        };
        let size = name.len() + text.len();
        if size > self.max_bytes {
            return;
        }
        if e.bytes + size > self.max_bytes {
            *e = Entries::default();
        }
        let bucket = e.map.entry(hash).or_default();
        if bucket.iter().any(|entry| entry.is(funcs, name, text)) {
            return;
        }
        bucket.push(Entry {
            funcs,
            name: name.into(),
            text: text.into(),
            trees,
        });
        e.bytes += size;
    }
}

/// A fingerprint of a set of function names, independent of their order.
pub(crate) fn fingerprint<'a>(names: impl Iterator<Item = &'a str>) -> u64 {
    let mut sorted: Vec<&str> = names.collect();
    sorted.sort_unstable();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    sorted.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::{Function, Signature};
    use crate::{TemplateSet, Value};

    fn set(cache: &ParseCache) -> TemplateSet {
        let mut s = TemplateSet::new();
        s.set_parse_cache(cache.clone());
        s
    }

    #[test]
    fn a_text_is_parsed_once_and_gives_the_same_trees() {
        let cache = ParseCache::default();
        let text = r#"{{ define "x" }}[{{ . }}]{{ end }}a{{ template "x" 1 }}"#;
        let mut a = set(&cache);
        a.parse("t", text).expect("parses");
        assert_eq!(cache.len(), 1);
        let mut b = set(&cache);
        b.parse("t", text).expect("parses");
        assert_eq!(cache.len(), 1);
        let (ta, tb) = (a.lookup("x").expect("x"), b.lookup("x").expect("x"));
        assert!(
            std::ptr::eq(ta, tb),
            "the second set reuses the cached tree"
        );
        assert_eq!(b.execute("t", &Value::Nil).expect("runs"), "a[1]");
        // Another name is another entry: locations in errors name the file.
        b.parse("u", text).expect("parses");
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn errors_are_not_cached_and_are_reported_every_time() {
        let cache = ParseCache::default();
        for _ in 0..2 {
            let err = set(&cache).parse("t", "{{ nosuch 1 }}").expect_err("fails");
            assert!(err.to_string().contains("function \"nosuch\" not defined"));
        }
        assert!(cache.is_empty());
    }

    #[test]
    fn sets_with_other_functions_do_not_share_trees() {
        // `break` is a keyword only when no function of that name exists.
        let cache = ParseCache::default();
        let text = "{{ range . }}{{ break }}{{ end }}";
        set(&cache).parse("t", text).expect("break as keyword");
        let mut with_fn = set(&cache);
        with_fn.add_function(
            "break",
            Function::new(Signature::fixed(&[]), |_, _| Ok(Value::str("fn"))),
        );
        // Parsed again with the function in scope: `{{ break }}` outside a
        // range is fine only as a function call.
        with_fn
            .parse("u", "{{ break }}")
            .expect("break as function");
        assert_eq!(with_fn.execute("u", &Value::Nil).expect("runs"), "fn");
        assert!(set(&cache).parse("u", "{{ break }}").is_err());
    }

    #[test]
    fn the_cache_starts_over_past_its_bound() {
        let cache = ParseCache::with_capacity(100);
        let mut s = set(&cache);
        s.parse("a", &"x".repeat(60)).expect("parses");
        s.parse("b", &"y".repeat(60)).expect("parses");
        assert_eq!(cache.len(), 1, "the first entry was dropped");
        s.parse("c", &"z".repeat(200))
            .expect("too big to keep, still parsed");
        assert_eq!(cache.len(), 1);
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn texts_differing_between_the_samples_are_told_apart() {
        // Long texts with the same ends, length and sampled words: one
        // bucket, two entries, each its own trees.
        let cache = ParseCache::default();
        let filler = "x".repeat(2000);
        let a = format!("{filler}{{{{ 1 }}}}{filler}");
        let b = format!("{filler}{{{{ 2 }}}}{filler}");
        assert_eq!(a.len(), b.len());
        assert_eq!(
            sample_hash(a.as_bytes()) == sample_hash(b.as_bytes()),
            (0..32).all(|i| {
                let step = (a.len() - 128) / 32;
                a[64 + i * step..64 + i * step + 8] == b[64 + i * step..64 + i * step + 8]
            }),
            "the hash reads only the samples"
        );
        let mut s = set(&cache);
        s.parse("t", &a).expect("parses");
        let out_a = s.execute("t", &Value::Nil).expect("runs");
        let mut s = set(&cache);
        s.parse("t", &b).expect("parses");
        let out_b = s.execute("t", &Value::Nil).expect("runs");
        assert_eq!(cache.len(), 2);
        assert!(out_a.contains('1') && out_b.contains('2'));
        assert_ne!(out_a, out_b);
    }
}
