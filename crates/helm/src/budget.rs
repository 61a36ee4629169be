//! Size budgets for work proportional to a value's *expanded* size.
//!
//! A Go map is a shared reference, so `{{ $d = dict "a" $d "b" $d }}` forty
//! times is a value of 41 maps that every tree walk sees as 2^40 entries:
//! `toJson`, `toYaml`, `deepCopy` and printing expand it once per path. Go
//! (and Helm) run out of memory or time on it; Capstan measures the expanded
//! size first, in time proportional to the number of *distinct* maps and
//! lists (each shared one is measured once and remembered by address), and
//! refuses values whose expansion would pass the template engine's output
//! cap ([`capstan_gotmpl::Limits::max_output`]). Sharing itself is never
//! refused: a value that expands to something small is fine.
//!
//! Two measures, both lower bounds:
//! - [`printed_bytes`]: every scalar, map entry and list item prints at
//!   least one byte, every string and key at least its length; text longer
//!   than the cap cannot be produced.
//! - [`copy_bytes`]: what an expanded copy takes in memory (one value slot
//!   per node plus the keys), for functions that build the expansion.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::mem::size_of;

use capstan_gotmpl::Value;

/// The output cap of a template execution with the default limits, the
/// budget of callers that have no template context (library calls such as
/// `yaml::marshal`).
pub(crate) fn default_cap() -> usize {
    capstan_gotmpl::Limits::default().max_output
}

/// Deeper values are measured down to here only: the encoders refuse them
/// long before (their own depth limits), and the walk's stack stays small.
const MAX_DEPTH: usize = 2_000;

/// Expanded counts of one value, saturating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Size {
    /// Scalars, maps, lists, map entries and list items.
    nodes: u64,
    /// Bytes of strings, byte slices and map keys.
    bytes: u64,
}

impl Size {
    fn add(self, other: Size) -> Size {
        Size {
            nodes: self.nodes.saturating_add(other.nodes),
            bytes: self.bytes.saturating_add(other.bytes),
        }
    }
}

/// Measures values, remembering shared maps and lists by address. The
/// remembered entries are only valid while the measured value is alive and
/// unchanged, so a `Measure` lives for one call.
#[derive(Default)]
struct Measure {
    /// `None` while the container is being measured: meeting it again then
    /// means it contains itself.
    seen: HashMap<usize, Option<Size>, BuildHasherDefault<AddrHasher>>,
}

/// Hashes the addresses `Measure` remembers with one multiplication instead
/// of SipHash (every `toYaml`, `deepCopy` and `quote` of a map measures each
/// of its containers); addresses are not chosen by templates.
#[derive(Default)]
struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    fn finish(&self) -> u64 {
        // Buckets are chosen by the low bits; aligned addresses vary in the
        // middle ones, which the product carries to the high bits.
        self.0.rotate_left(26)
    }
}

/// A map or list reachable from itself (`set $d "self" $d`): its expansion
/// is infinite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cycle {
    /// Go's type of the container met twice.
    pub(crate) type_name: &'static str,
}

impl Measure {
    fn size(&mut self, v: &Value, depth: usize) -> Result<Size, Cycle> {
        let one = |bytes: usize| Size {
            nodes: 1,
            bytes: bytes as u64,
        };
        let (addr, type_name) = match v {
            Value::String(s) => return Ok(one(s.len())),
            Value::Bytes(b) => return Ok(one(b.len())),
            Value::List(items) if depth < MAX_DEPTH => {
                (std::sync::Arc::as_ptr(items) as usize, "[]interface {}")
            }
            Value::Map(m) if depth < MAX_DEPTH => (m.addr(), m.go_type_name()),
            _ => return Ok(one(0)),
        };
        match self.seen.get(&addr) {
            Some(Some(known)) => return Ok(*known),
            Some(None) => return Err(Cycle { type_name }),
            None => {}
        }
        self.seen.insert(addr, None);
        let mut total = one(0);
        match v {
            Value::List(items) => {
                for item in items.iter() {
                    total = total.add(self.size(item, depth + 1)?).add(one(0));
                }
            }
            Value::Map(m) => {
                total = m.read(|m| {
                    m.iter().try_fold(total, |total, (k, item)| {
                        Ok(total.add(self.size(item, depth + 1)?).add(one(k.len())))
                    })
                })?;
            }
            _ => {}
        }
        self.seen.insert(addr, Some(total));
        Ok(total)
    }
}

fn measure(v: &Value) -> Result<Size, Cycle> {
    // Most values are modest trees: a plain walk measures them without
    // remembering addresses. Sharing gives the same sum either way (each
    // path counts); only its cost differs, so the plain walk gives up past
    // a node budget or a depth (a cycle ends there too) and the remembering
    // walk, which also names a cycle, measures the value instead.
    let mut budget = PLAIN_NODES;
    if let Some(size) = plain_size(v, 0, &mut budget) {
        return Ok(size);
    }
    Measure::default().size(v, 0)
}

/// Nodes the plain walk visits before leaving the value to [`Measure`].
const PLAIN_NODES: usize = 250_000;
/// Container depth at which the plain walk gives up (below [`MAX_DEPTH`],
/// so that limit only ever applies in [`Measure`]).
const PLAIN_DEPTH: usize = 200;

/// [`Measure::size`] without the address memo, or `None` when the budget
/// or the depth runs out.
fn plain_size(v: &Value, depth: usize, budget: &mut usize) -> Option<Size> {
    *budget = budget.checked_sub(1)?;
    let one = |bytes: usize| Size {
        nodes: 1,
        bytes: bytes as u64,
    };
    match v {
        Value::String(s) => Some(one(s.len())),
        Value::Bytes(b) => Some(one(b.len())),
        Value::List(_) | Value::Map(_) if depth >= PLAIN_DEPTH => None,
        Value::List(items) => items.iter().try_fold(one(0), |total, item| {
            Some(total.add(plain_size(item, depth + 1, budget)?).add(one(0)))
        }),
        Value::Map(m) => m.read(|m| {
            m.iter().try_fold(one(0), |total, (k, item)| {
                Some(
                    total
                        .add(plain_size(item, depth + 1, budget)?)
                        .add(one(k.len())),
                )
            })
        }),
        _ => Some(one(0)),
    }
}

/// Why a value may not be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TooBig {
    /// The expansion passes the cap; the message names `what` and the cap.
    Exceeds(String),
    /// The value contains itself.
    Cycle(Cycle),
}

impl TooBig {
    /// The message for a caller that has no better wording for a cycle.
    pub(crate) fn message(&self, what: &str) -> String {
        match self {
            TooBig::Exceeds(m) => m.clone(),
            TooBig::Cycle(c) => format!(
                "{what}: the value contains itself (a {} reachable from itself)",
                c.type_name
            ),
        }
    }
}

/// A lower bound on the length of any text printing `v` in full (JSON,
/// YAML, `%v`), counting shared maps once per path.
fn printed_bytes(v: &Value) -> Result<u64, Cycle> {
    let s = measure(v)?;
    Ok(s.nodes.saturating_add(s.bytes))
}

/// A lower bound on the memory a copy of `v` with no sharing takes: a value
/// slot per node plus the map keys (strings themselves stay shared).
fn copy_bytes(v: &Value) -> Result<u64, Cycle> {
    let s = measure(v)?;
    Ok(s.nodes
        .saturating_mul(size_of::<Value>() as u64)
        .saturating_add(s.bytes))
}

/// Refuses `v` when printing it in full needs more than `cap` bytes; `what`
/// names the function or encoder for the message.
pub(crate) fn check_printed(v: &Value, cap: usize, what: &str) -> Result<(), TooBig> {
    printed_at_least(v, cap, what).map(|_| ())
}

/// [`check_printed`], returning the lower bound it measured (at most `cap`)
/// so an encoder can size its buffer once.
pub(crate) fn printed_at_least(v: &Value, cap: usize, what: &str) -> Result<usize, TooBig> {
    let need = printed_bytes(v).map_err(TooBig::Cycle)?;
    match usize::try_from(need) {
        Ok(n) if n <= cap => Ok(n),
        _ => Err(TooBig::Exceeds(format!(
            "{what}: the value expands to at least {need} bytes, more than the maximum output size ({cap} bytes)"
        ))),
    }
}

/// Refuses `v` when an unshared copy of it would take more than `cap` bytes
/// of memory.
pub(crate) fn check_copy(v: &Value, cap: usize, what: &str) -> Result<(), TooBig> {
    let need = copy_bytes(v).map_err(TooBig::Cycle)?;
    if need > cap as u64 {
        return Err(TooBig::Exceeds(format!(
            "{what}: an unshared copy of the value takes at least {need} bytes, more than the maximum output size ({cap} bytes)"
        )));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use capstan_gotmpl::Map;

    /// `{"a": d, "b": d}` nested `levels` times over `{"a": 1}`.
    fn shared(levels: usize) -> Value {
        let mut m = Map::new();
        m.insert("a".into(), Value::Int(1));
        let mut d = Value::map(m);
        for _ in 0..levels {
            let mut m = Map::new();
            m.insert("a".into(), d.clone());
            m.insert("b".into(), d);
            d = Value::map(m);
        }
        d
    }

    #[test]
    fn shared_maps_count_once_per_path() {
        // {"a":1}: the map, one entry (key "a"), one scalar.
        assert_eq!(printed_bytes(&shared(0)), Ok(4));
        // Two paths to it, plus the outer map and its two entries.
        assert_eq!(printed_bytes(&shared(1)), Ok(1 + 2 * (1 + 1) + 2 * 4));
    }

    #[test]
    fn exponential_sharing_is_measured_fast_and_refused() {
        let v = shared(200);
        assert_eq!(printed_bytes(&v), Ok(u64::MAX));
        let err = check_printed(&v, 1 << 20, "toJson")
            .unwrap_err()
            .message("toJson");
        assert!(
            err.starts_with("toJson: the value expands to at least"),
            "{err}"
        );
        assert!(check_copy(&shared(40), 256 << 20, "deepCopy").is_err());
        assert!(check_copy(&shared(10), 256 << 20, "deepCopy").is_ok());
    }

    #[test]
    fn the_plain_walk_and_the_remembering_walk_agree() {
        let mut deep = Value::list(vec![Value::str("leaf")]);
        for _ in 0..(PLAIN_DEPTH + 50) {
            deep = Value::list(vec![deep, Value::Int(1)]);
        }
        // shared(10) fits the plain walk; shared(20) and `deep` do not.
        for v in [shared(10), shared(20), deep] {
            let remembered = Measure::default().size(&v, 0);
            assert_eq!(measure(&v), remembered);
            assert!(remembered.unwrap().nodes > 1_000);
        }
        let mut budget = PLAIN_NODES;
        assert!(plain_size(&shared(10), 0, &mut budget).is_some());
        let mut budget = PLAIN_NODES;
        assert!(plain_size(&shared(20), 0, &mut budget).is_none());
    }

    #[test]
    fn shared_lists_count_once_per_path() {
        let inner = Value::list(vec![Value::str("xy"); 3]);
        let outer = Value::list(vec![inner.clone(), inner]);
        // inner: 1 + 3 * (1 + 2 + 1) = 13; outer: 1 + 2 * (13 + 1).
        assert_eq!(printed_bytes(&outer), Ok(29));
    }

    #[test]
    fn a_map_containing_itself_is_a_cycle() {
        let d = Value::map(Map::new());
        if let Value::Map(m) = &d {
            m.update(|inner| inner.insert("self".into(), d.clone()));
        }
        let err = check_printed(&d, 1 << 20, "toJson").unwrap_err();
        assert_eq!(
            err,
            TooBig::Cycle(Cycle {
                type_name: "map[string]interface {}"
            })
        );
        // Break the cycle so the test does not leak it.
        if let Value::Map(m) = &d {
            m.update(|inner| inner.clear());
        }
    }
}
