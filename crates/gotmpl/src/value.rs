//! The value model: the kinds of Go values that Helm templates see.
//!
//! Go distinguishes values that print and compare differently even when they
//! hold "the same number": a template literal `3` is an `int`, Sprig's `add`
//! returns an `int64`, every number read from a values file is a `float64`.
//! `printf "%T"`, Sprig's `typeOf`/`kindOf` and the printed form of a float all
//! depend on it, so the model keeps those distinctions instead of folding
//! numbers into one type. See docs/decisions/0001-value-model.md.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

/// The contents of a Go map with string keys. Go's `text/template` and `fmt`
/// visit map keys in sorted order, so a sorted map is the natural
/// representation.
pub type Map = BTreeMap<String, Value>;

/// Frozen maps thawed in this process (see [`thaws`]).
static THAWS: AtomicU64 = AtomicU64::new(0);

/// How many frozen maps writes have thawed in this process so far. While
/// the count is unchanged, every frozen map that was not thawed still holds
/// what it held when it was frozen: an answer about a frozen tree, checked
/// once, holds until the count moves (then check the tree again).
pub fn thaws() -> u64 {
    THAWS.load(Ordering::Acquire)
}

/// A write to a frozen map refused under [`crate::guard::guarded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedWrite;

impl fmt::Display for SharedWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map shared by templates executing side by side was changed")
    }
}

/// A Go map value: a shared, mutable reference, as Go maps are.
///
/// Templates rely on it: `{{ $_ := set $d "k" "v" }}` changes the map `$d`
/// names, and every other path to the same map (`$outer.inner`, `.Values`)
/// sees the change. Cloning a `MapRef` (or a `Value` holding one) therefore
/// aliases, exactly like copying a Go map variable; Sprig's `deepCopy`
/// makes a new map.
///
/// Reads take a cheap snapshot ([`MapRef::snapshot`]); writes
/// ([`MapRef::update`]) copy the contents only while a snapshot is still
/// held elsewhere.
///
/// A [frozen](MapRef::freeze) map is read by templates executing side by
/// side on several threads: its reads skip the lock (whose counter every
/// reading core would otherwise write) and see the contents kept at
/// freezing, until a write (outside [`crate::guard::guarded`]) thaws it for
/// good; from then on reads take the lock again.
#[derive(Clone)]
pub struct MapRef(Arc<MapCell>);

impl Default for MapRef {
    fn default() -> MapRef {
        MapRef::new(Map::new())
    }
}

struct MapCell {
    contents: RwLock<Arc<Map>>,
    /// The Go type when it is a named map type (Helm's `.Values` is a
    /// `common.Values`); `None` is `map[string]interface {}`.
    type_name: Option<&'static str>,
    /// A typed nil map (`encoding/json` writes `null`, `fmt` writes `map[]`).
    nil: bool,
    /// The contents when the map was frozen: it is shared by templates
    /// executing side by side (see [`crate::guard`]). Set once, it marks
    /// the map frozen for good.
    frozen: OnceLock<Arc<Map>>,
    /// A write changed the map after it was frozen: `frozen` is stale and
    /// reads go through `contents`.
    thawed: AtomicBool,
}

impl MapCell {
    /// The frozen contents, while they are the current ones.
    fn frozen(&self) -> Option<&Arc<Map>> {
        let frozen = self.frozen.get()?;
        // Acquire pairs with the release in `MapRef::update`: a thread that
        // sees the write's effects elsewhere also sees the thaw.
        (!self.thawed.load(Ordering::Acquire)).then_some(frozen)
    }
}

impl MapRef {
    /// A new map holding `map`.
    pub fn new(map: Map) -> MapRef {
        MapRef::with_cell(map, None, false)
    }

    /// A new map of a named Go map type (`%T` and Sprig's `typeOf` print
    /// `type_name`; it is still a `map` to `kindOf` and every function).
    pub fn named(map: Map, type_name: &'static str) -> MapRef {
        MapRef::with_cell(map, Some(type_name), false)
    }

    /// A typed nil map: empty, but `null` to encoding/json.
    pub fn nil_map() -> MapRef {
        MapRef::with_cell(Map::new(), None, true)
    }

    /// Every field spelled out: `..MapCell::default()` would build (and
    /// free) a second, empty contents allocation per map.
    fn with_cell(map: Map, type_name: Option<&'static str>, nil: bool) -> MapRef {
        MapRef(Arc::new(MapCell {
            contents: RwLock::new(Arc::new(map)),
            type_name,
            nil,
            frozen: OnceLock::new(),
            thawed: AtomicBool::new(false),
        }))
    }

    /// Whether this is a typed nil map that nothing was added to.
    pub fn is_nil_map(&self) -> bool {
        self.0.nil && self.is_empty()
    }

    /// Go's type name (`map[string]interface {}` unless named).
    pub fn go_type_name(&self) -> &'static str {
        self.0.type_name.unwrap_or("map[string]interface {}")
    }

    /// The current contents.
    pub fn snapshot(&self) -> Arc<Map> {
        if let Some(frozen) = self.0.frozen() {
            return Arc::clone(frozen);
        }
        match self.0.contents.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Changes the contents in place; every alias sees the change.
    pub fn update<R>(&self, f: impl FnOnce(&mut Map) -> R) -> R {
        let mut guard = match self.0.contents.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if self.0.frozen.get().is_some() {
            // Before the change, under the write lock: a reader that still
            // takes the frozen contents runs before the write.
            if !self.0.thawed.swap(true, Ordering::AcqRel) {
                THAWS.fetch_add(1, Ordering::AcqRel);
            }
        }
        f(Arc::make_mut(&mut guard))
    }

    /// Runs `f` on the current contents (under the read lock unless the
    /// map is frozen): a lookup needs neither a snapshot (two
    /// reference-count updates) nor a copy. `f` must not change this map
    /// (the lock is held).
    pub fn read<R>(&self, f: impl FnOnce(&Map) -> R) -> R {
        if let Some(frozen) = self.0.frozen() {
            return f(frozen);
        }
        match self.0.contents.read() {
            Ok(guard) => f(&guard),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    /// The value of one key.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read(|m| find(m, key).cloned())
    }

    /// Whether the map has an entry for `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.read(|m| m.contains_key(key))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.read(Map::len)
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.read(Map::is_empty)
    }

    /// The contents kept when the map was frozen, borrowed, while no write
    /// has changed them since: reading them takes no lock and changes no
    /// reference count, and they stay valid while the caller writes to the
    /// map (the write changes a copy, as with a snapshot).
    pub fn frozen_contents(&self) -> Option<&Map> {
        self.0.frozen().map(|m| &**m)
    }

    /// Marks the map as shared by templates executing side by side: under
    /// [`crate::guard::guarded`], [`MapRef::try_update`] refuses to change
    /// it. Outside, nothing changes. A map thawed by a write stays frozen
    /// for the guard, its reads taking the lock.
    pub fn freeze(&self) {
        self.0.frozen.get_or_init(|| match self.0.contents.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        });
    }

    /// [`MapRef::update`], unless the map is frozen and this thread runs
    /// [`crate::guard::guarded`]: then nothing changes, the refusal is
    /// recorded for the guard, and `Err(SharedWrite)` returned. Template
    /// functions that change maps (`set`, `unset`, `merge`) write this way.
    pub fn try_update<R>(&self, f: impl FnOnce(&mut Map) -> R) -> Result<R, SharedWrite> {
        if self.0.frozen.get().is_some() && crate::guard::refuse_shared_write() {
            return Err(SharedWrite);
        }
        Ok(self.update(f))
    }

    /// Whether both refer to the same Go map.
    pub fn ptr_eq(&self, other: &MapRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// A reference that does not keep the map's contents alive (see
    /// [`WeakMapRef`]).
    pub fn downgrade(&self) -> WeakMapRef {
        WeakMapRef(Arc::downgrade(&self.0))
    }

    /// An address identifying the map (for `%p`).
    pub fn addr(&self) -> usize {
        Arc::as_ptr(&self.0) as *const () as usize
    }
}

/// A weak reference to a map, for memories of answers about maps: it does
/// not keep the map (nor its contents) alive, but while it lives no other
/// map can take the map's address ([`MapRef::addr`]).
#[derive(Clone)]
pub struct WeakMapRef(std::sync::Weak<MapCell>);

impl WeakMapRef {
    /// The map, while someone else still holds it.
    pub fn upgrade(&self) -> Option<MapRef> {
        self.0.upgrade().map(MapRef)
    }

    /// Whether someone still holds the map.
    pub fn is_alive(&self) -> bool {
        self.0.strong_count() > 0
    }
}

impl fmt::Debug for WeakMapRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_alive() {
            "WeakMapRef(alive)"
        } else {
            "WeakMapRef(dropped)"
        })
    }
}

/// Maps with at most this many entries are searched by a scan (see
/// [`find`]).
const SCAN_MAX: usize = 16;

/// `map.get(key)`, faster for the small maps templates mostly read (Helm's
/// top-level objects, `dict`s, values sections): the B-tree's search
/// orders `key` against each key it passes with a `memcmp` call, while a
/// scan compares lengths first and calls it only for keys of the same
/// length.
pub(crate) fn find<'m>(map: &'m Map, key: &str) -> Option<&'m Value> {
    if map.len() > SCAN_MAX {
        return map.get(key);
    }
    // Keys of one length mostly differ in their first byte: compared
    // inline, it spares the `memcmp` call for them.
    let first = key.as_bytes().first();
    map.iter()
        .find(|(k, _)| k.len() == key.len() && k.as_bytes().first() == first && k.as_str() == key)
        .map(|(_, v)| v)
}

impl fmt::Debug for MapRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.snapshot().iter()).finish()
    }
}

/// A value flowing through a template.
///
/// Cloning is cheap: strings, lists, maps and host objects are reference
/// counted, so passing `.Values` around never copies the tree.
#[derive(Clone)]
#[non_exhaustive]
pub enum Value {
    /// Go's untyped `nil` / a nil `interface{}` (a `null` in a values file).
    Nil,
    /// `bool`.
    Bool(bool),
    /// Go `int`: template integer literals, `len`, range indexes.
    Int(i64),
    /// Go `int64`: Sprig integer math, integers given with `--set`.
    Int64(i64),
    /// Go `float64`: every number read from YAML or JSON values.
    Float(f64),
    /// `string`.
    String(Arc<str>),
    /// `[]byte` (for example Helm's `.Files.GetBytes`). Printed as a list of
    /// numbers by `%v`, as text by `%s`.
    Bytes(Arc<[u8]>),
    /// `[]interface{}` (and the other slice types Sprig returns; see
    /// [`Value::List`] users in the helm crate for the element type when `%T`
    /// needs it).
    List(Arc<Vec<Value>>),
    /// `map[string]interface{}`: a shared, mutable reference (see [`MapRef`]).
    Map(MapRef),
    /// A value provided by the embedder, with Go field names and methods
    /// (Helm's `.Chart`, `.Files`, `.Capabilities`, a semver version...).
    Object(Arc<dyn Object>),
}

/// A host value with Go-style fields and methods.
///
/// The evaluator resolves `.Name` on an object by asking [`Object::field`]
/// first and [`Object::method`] second, exactly as Go's reflection-based
/// lookup finds a struct field or a method of that name.
pub trait Object: Send + Sync + fmt::Debug {
    /// Go's type name as `%T` prints it, e.g. `*chart.Metadata`.
    fn type_name(&self) -> &str;

    /// The value of an exported field, or `None` if the type has no such field.
    fn field(&self, name: &str) -> Option<Value> {
        let _ = name;
        None
    }

    /// The signature of an exported method, or `None` if there is no such
    /// method. Methods take their arguments after type checking by the
    /// evaluator, exactly as registered functions do.
    fn method(&self, name: &str) -> Option<&crate::func::Signature> {
        let _ = name;
        None
    }

    /// Calls the method `name` (known to exist through [`Object::method`]).
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, crate::func::FuncError> {
        let _ = args;
        Err(crate::func::FuncError::msg(format!(
            "can't call method/function {name:?}"
        )))
    }

    /// How Go's `fmt` prints the value with `%v` (`{{ . }}`). The default is
    /// the struct form `{field1 field2}` which each object should override
    /// when it matters.
    fn go_format(&self) -> String {
        format!("{{{}}}", self.type_name())
    }

    /// What `{{ value }}` prints when that differs from `%v`: Go's template
    /// engine calls a `String()` method declared on the pointer type when the
    /// value is addressable (a struct field reached through a pointer, like
    /// `.Capabilities.KubeVersion`), while `fmt` given a copy prints the
    /// struct. `None` means the same as [`Object::go_format`].
    fn template_text(&self) -> Option<String> {
        None
    }

    /// Whether Go would consider this value "true" in `if` (non-nil pointers
    /// and structs are always true).
    fn is_true(&self) -> bool {
        true
    }

    /// The plain value Go's reflection would see where the object's type is
    /// a named map or slice (Helm's `.Files` is a `map[string][]byte`,
    /// `.Capabilities.APIVersions` a `[]string`), or what `encoding/json`
    /// would marshal for a struct. Used by `len`, `index`, `range` and the
    /// JSON/YAML encoders; `None` means the object is opaque.
    fn to_value(&self) -> Option<Value> {
        None
    }

    /// `encoding/json`'s text for a struct, whose fields keep their
    /// declaration order (a [`Map`] would sort them). `None`: encode
    /// [`Object::to_value`].
    fn json(&self) -> Option<String> {
        None
    }
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    /// A map value.
    pub fn map(map: Map) -> Value {
        Value::Map(MapRef::new(map))
    }

    /// Go's type name for this value, as `printf "%T"` prints it.
    pub fn go_type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".to_string(),
            Value::Bool(_) => "bool".to_string(),
            Value::Int(_) => "int".to_string(),
            Value::Int64(_) => "int64".to_string(),
            Value::Float(_) => "float64".to_string(),
            Value::String(_) => "string".to_string(),
            Value::Bytes(_) => "[]uint8".to_string(),
            Value::List(_) => "[]interface {}".to_string(),
            Value::Map(m) => m.go_type_name().to_string(),
            Value::Object(o) => o.type_name().to_string(),
        }
    }

    /// Returns the string slice if the value is a Go string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A snapshot of the map's contents if the value is a Go map.
    pub fn as_map(&self) -> Option<Arc<Map>> {
        match self {
            Value::Map(m) => Some(m.snapshot()),
            _ => None,
        }
    }

    /// The shared map if the value is a Go map (to change it in place).
    pub fn as_map_ref(&self) -> Option<&MapRef> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Returns the items if the value is a Go slice of values.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// A copy sharing no map with the original (Sprig's `deepCopy`): every
    /// map, also inside lists, is copied; nesting deeper than 512 levels
    /// (only possible through a map that contains itself) is shared.
    pub fn deep_copy(&self) -> Value {
        self.deep_copy_at(0)
    }

    fn deep_copy_at(&self, depth: usize) -> Value {
        if depth > 512 {
            return self.clone();
        }
        match self {
            Value::Map(m) => {
                // Cloning the tree copies it node by node, already sorted;
                // then only the maps and lists in it need copies of their own.
                let mut copy = Map::clone(&m.snapshot());
                for v in copy.values_mut() {
                    if matches!(v, Value::Map(_) | Value::List(_)) {
                        *v = v.deep_copy_at(depth + 1);
                    }
                }
                Value::map(copy)
            }
            Value::List(items) => {
                Value::list(items.iter().map(|v| v.deep_copy_at(depth + 1)).collect())
            }
            other => other.clone(),
        }
    }

    /// Whether this is `nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("Nil"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Int(i) => write!(f, "Int({i})"),
            Value::Int64(i) => write!(f, "Int64({i})"),
            Value::Float(x) => write!(f, "Float({x:?})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::Bytes(b) => write!(f, "Bytes({b:?})"),
            Value::List(l) => f.debug_list().entries(l.iter()).finish(),
            Value::Map(m) => m.fmt(f),
            Value::Object(o) => write!(f, "Object({o:?})"),
        }
    }
}

/// Structural equality, used by tests and by the embedder. Template `eq`
/// follows Go's rules instead (see the evaluator).
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) | (Value::Int64(a), Value::Int64(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a.ptr_eq(b) || a.snapshot() == b.snapshot(),
            (Value::Object(a), Value::Object(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s.into())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Float(x)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Value {
        Value::list(items)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::map(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_copies_share_no_map_with_the_original() {
        let inner = Value::map(Map::from([("x".to_string(), Value::Int(1))]));
        let list = Value::list(vec![inner.clone(), Value::str("s")]);
        let outer = Value::map(Map::from([
            ("m".to_string(), inner.clone()),
            ("l".to_string(), list),
            ("n".to_string(), Value::Float(2.0)),
        ]));
        let copy = outer.deep_copy();
        assert_eq!(copy, outer);
        let copied = copy.as_map().unwrap_or_default();
        let in_map = copied.get("m").and_then(Value::as_map_ref).cloned();
        let in_list = copied
            .get("l")
            .and_then(Value::as_list)
            .and_then(|l| l[0].as_map_ref().cloned());
        let nested: Vec<MapRef> = [in_map, in_list].into_iter().flatten().collect();
        assert_eq!(nested.len(), 2);
        for m in nested {
            m.update(|m| m.insert("x".into(), Value::Int(9)));
        }
        assert_eq!(
            inner.as_map_ref().and_then(|m| m.get("x")),
            Some(Value::Int(1))
        );
        assert_ne!(copy, outer);
    }
}
