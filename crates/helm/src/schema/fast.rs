//! A fast path for `values.schema.json` validation: our own validator for
//! the subset of JSON Schema that chart schemas use, which answers only
//! "certainly valid" or "don't know". When it says valid, the values pass
//! without compiling the schema with boon (which validates the document
//! against every metaschema draft and compiles each regex); otherwise the
//! caller falls back to boon, which then words Helm's errors.
//!
//! Exactness is the contract: [`FastSchema::is_valid`] returns `true` only
//! when boon, compiling the same bytes as [`super::compile`] does, would
//! compile the schema and accept the instance `map_to_json` builds.
//! [`FastSchema::compile`] therefore declines (returns `None`) every
//! document it cannot vouch for:
//!
//! - bytes that are not UTF-8 or that Go's decoder or serde_json reject;
//! - `$schema` other than the canonical draft-07, 2019-09 or 2020-12 URL
//!   (2020-12 is also the default without `$schema`), or `$schema` below
//!   the root;
//! - any keyword outside the supported set below, or one whose value could
//!   fail the draft's metaschema (wrong JSON type, a negative or fractional
//!   length, an empty `allOf`, a duplicate in `enum`, `required` or `type`,
//!   a `multipleOf` not above zero...): a schema we accept must be valid
//!   against its metaschema, or Helm would fail to compile it;
//! - `$ref` other than `#` or `#/...` with plain characters, pointing at a
//!   place we compiled as a subschema (no `$id`, anchors, remote or `urn:`
//!   references, so the fast path never has warnings to log);
//! - in draft-07, `$ref` beside `const`, `propertyNames` or `if`/`then`/
//!   `else` (boon still applies those there); the other siblings are
//!   checked and then ignored, as boon ignores them;
//! - a `pattern` or `patternProperties` key that uses `\d \D \w \W \s \S \a
//!   \c` (the escapes boon rewrites for ECMA-262) or that the `regex` crate
//!   rejects: any other pattern reaches boon's `Regex::new` unchanged, so
//!   both sides run the very same regex.
//!
//! Supported keywords: `type`, `enum`, `const`, `properties`,
//! `patternProperties`, `additionalProperties`, `required`,
//! `propertyNames`, `minProperties`, `maxProperties`, `items` (a single
//! schema), `minItems`, `maxItems`, `uniqueItems`, `minLength`,
//! `maxLength`, `pattern`, `minimum`, `maximum`, `exclusiveMinimum`,
//! `exclusiveMaximum`, `multipleOf`, `allOf`, `anyOf`, `oneOf`, `not`,
//! `if`/`then`/`else`, `$ref`, `definitions` (and `$defs` from 2019-09),
//! with the annotations `title`, `description`, `$comment`, `default`,
//! `examples`, `readOnly`, `writeOnly`, `deprecated`.
//!
//! Instances are read as `map_to_json` converts them: `Int`/`Int64` are
//! JSON integers, a finite `Float` a number (an integer when it has no
//! fraction, as boon counts it), a non-finite one `null`, `Bytes` an array
//! of numbers; numbers compare as boon compares them (as `f64` for bounds
//! and `multipleOf`, exactly when both are integers for equality). Values
//! holding a host object, or nested deeper than [`MAX_NESTING`], are "don't
//! know" (boon's path reports the first; the second bounds our recursion on
//! the caller's stack), as are evaluations deeper than [`MAX_FRAMES`]
//! (a `$ref` cycle, which boon reports as an error) or costlier than
//! [`FUEL`], and `uniqueItems` on more than 20 items (boon switches to
//! hashing there).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use capstan_gotmpl::MapRef;

use crate::memo::ByFrozenMap;

use capstan_gotmpl::{Map, Value};
use regex::Regex;
use serde_json::Value as Json;

/// Values nested deeper than this are left to boon.
const MAX_NESTING: usize = 100;
/// Schema frames on one evaluation path before we give up.
const MAX_FRAMES: usize = 200;
/// Schema nodes visited in one validation before we give up.
const FUEL: usize = 1_000_000;

/// The drafts whose semantics we implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Draft {
    V7,
    V2019,
    V2020,
}

/// JSON types as bits of a set.
const NULL: u8 = 1;
const BOOLEAN: u8 = 2;
const OBJECT: u8 = 4;
const ARRAY: u8 = 8;
const NUMBER: u8 = 16;
const STRING: u8 = 32;
const INTEGER: u8 = 64;

/// A schema document compiled for the fast path.
#[derive(Debug)]
pub(crate) struct FastSchema {
    nodes: Vec<Node>,
    /// Frozen maps already found valid against a node (tagged by the
    /// node), or convertible at up to some depth (tagged [`PLAIN`]): renders
    /// share a chart's defaults as frozen maps, and the same sections are
    /// validated again render after render.
    known: Mutex<ByFrozenMap<usize>>,
}

/// The tag of "convertible by `map_to_json`" answers in
/// [`FastSchema::known`] (node indexes are the other tags).
const PLAIN: usize = usize::MAX;

/// Answers kept per schema.
const KNOWN_MAX: usize = 4096;

/// The root is node 0.
const ROOT: usize = 0;

#[derive(Debug)]
enum Node {
    Bool(bool),
    Rules(Box<Rules>),
}

/// One schema object's assertions; subschemas are node indexes.
#[derive(Debug, Default)]
struct Rules {
    types: u8,
    enumeration: Option<Vec<Json>>,
    constant: Option<Json>,
    reference: Option<usize>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: Option<f64>,
    exclusive_maximum: Option<f64>,
    multiple_of: Option<f64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<Arc<Regex>>,
    items: Option<usize>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique_items: bool,
    /// Sorted by name for binary search.
    properties: Vec<(String, usize)>,
    pattern_properties: Vec<(Arc<Regex>, usize)>,
    additional_properties: Option<usize>,
    required: Vec<String>,
    property_names: Option<usize>,
    min_properties: Option<u64>,
    max_properties: Option<u64>,
    all_of: Vec<usize>,
    any_of: Vec<usize>,
    one_of: Vec<usize>,
    not: Option<usize>,
    if_: Option<usize>,
    then: Option<usize>,
    else_: Option<usize>,
}

impl FastSchema {
    /// Compiles `bytes`, or `None` when the fast path cannot vouch for the
    /// document (see the module doc).
    pub(crate) fn compile(bytes: &[u8]) -> Option<FastSchema> {
        let text = std::str::from_utf8(bytes).ok()?;
        // The boon path first runs Go's decoder for its error texts.
        crate::json::parse_json(text).ok()?;
        let doc: Json = serde_json::from_str(text).ok()?;
        let draft = match doc.get("$schema") {
            None => Draft::V2020,
            Some(Json::String(url)) => draft_of(url)?,
            Some(_) => return None,
        };
        let mut c = Compiler {
            draft,
            nodes: Vec::new(),
            track: text.contains("$ref"),
            at: HashMap::new(),
            refs: Vec::new(),
        };
        c.schema(&doc, true)?;
        let Compiler {
            mut nodes,
            at,
            refs,
            ..
        } = c;
        for (node, pointer) in refs {
            let target = *at.get(&std::ptr::from_ref(doc.pointer(&pointer)?))?;
            if let Node::Rules(r) = &mut nodes[node] {
                r.reference = Some(target);
            }
        }
        Some(FastSchema {
            nodes,
            known: Mutex::new(ByFrozenMap::new(KNOWN_MAX)),
        })
    }

    /// Whether boon would certainly accept `values`; `false` is "don't know".
    pub(crate) fn is_valid(&self, values: &Map) -> bool {
        // Another thread validating against this schema holds the memory:
        // this validation goes without it rather than wait.
        let mut own = None;
        let mut held = self.known.try_lock().ok();
        let known = match held.as_deref_mut() {
            Some(known) => known,
            None => own.insert(ByFrozenMap::new(0)),
        };
        if !values.values().all(|v| plain(v, 1, known)) {
            return false;
        }
        let mut eval = Eval {
            nodes: &self.nodes,
            frames: 0,
            fuel: FUEL,
            known,
        };
        let root = Inst::Obj(Obj::Borrowed(values));
        matches!(eval.node(ROOT, &root), Ok(true))
    }
}

/// The draft a canonical `$schema` URL names (with or without the empty
/// fragment), as boon reads it.
fn draft_of(url: &str) -> Option<Draft> {
    let url = url.strip_suffix('#').unwrap_or(url);
    match url {
        "http://json-schema.org/draft-07/schema" => Some(Draft::V7),
        "https://json-schema.org/draft/2019-09/schema" => Some(Draft::V2019),
        "https://json-schema.org/draft/2020-12/schema" => Some(Draft::V2020),
        _ => None,
    }
}

/// Whether `map_to_json` converts `v` (at `depth`) without error and within
/// our nesting bound; a frozen map found so before at this depth or deeper
/// is not walked again.
fn plain(v: &Value, depth: usize, known: &mut ByFrozenMap<usize>) -> bool {
    if depth > MAX_NESTING {
        return false;
    }
    if let Value::Map(m) = v
        && m.frozen_contents().is_some()
    {
        if known.get(m, PLAIN).is_some_and(|&at| at >= depth) {
            return true;
        }
        let checked = capstan_gotmpl::thaws();
        let ok = v
            .as_map()
            .is_some_and(|c| c.values().all(|x| plain(x, depth + 1, known)));
        if ok {
            known.keep(m, PLAIN, checked, depth);
        }
        return ok;
    }
    match v {
        Value::Nil
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Int64(_)
        | Value::Float(_)
        | Value::String(_)
        | Value::Bytes(_) => true,
        Value::List(l) => l.iter().all(|x| plain(x, depth + 1, known)),
        Value::Map(_) => v
            .as_map()
            .is_some_and(|m| m.values().all(|x| plain(x, depth + 1, known))),
        _ => false,
    }
}

struct Compiler {
    draft: Draft,
    nodes: Vec<Node>,
    /// Whether the document may hold a `$ref` (else `at` stays empty).
    track: bool,
    /// Node of each subschema by the address of its JSON value: a `$ref`
    /// resolves only to a place compiled as a subschema.
    at: HashMap<*const Json, usize>,
    /// `$ref`s to resolve once every node is known: (node, pointer).
    refs: Vec<(usize, String)>,
}

impl Compiler {
    /// Compiles one subschema; `None` declines the document.
    fn schema(&mut self, json: &Json, root: bool) -> Option<usize> {
        let idx = self.nodes.len();
        self.nodes.push(Node::Bool(true));
        if self.track {
            self.at.insert(std::ptr::from_ref(json), idx);
        }
        let obj = match json {
            Json::Bool(b) => {
                self.nodes[idx] = Node::Bool(*b);
                return Some(idx);
            }
            Json::Object(obj) => obj,
            _ => return None,
        };
        let mut r = Rules::default();
        for (key, value) in obj {
            self.keyword(&mut r, idx, key, value, root)?;
        }
        if obj.contains_key("$ref") && self.draft < Draft::V2019 {
            // boon ignores the draft-04 keywords beside `$ref` but still
            // applies the later ones: decline those, drop the rest.
            if r.constant.is_some()
                || r.property_names.is_some()
                || ["if", "then", "else"].iter().any(|k| obj.contains_key(*k))
            {
                return None;
            }
            r = Rules::default();
            if let Some(Json::String(target)) = obj.get("$ref") {
                self.refs.push((idx, local_pointer(target)?));
            }
        }
        self.nodes[idx] = Node::Rules(Box::new(r));
        Some(idx)
    }

    fn child(&mut self, json: &Json) -> Option<usize> {
        self.schema(json, false)
    }

    fn schema_array(&mut self, json: &Json) -> Option<Vec<usize>> {
        let list = json.as_array().filter(|l| !l.is_empty())?;
        let mut out = Vec::with_capacity(list.len());
        for s in list {
            out.push(self.child(s)?);
        }
        Some(out)
    }

    fn schema_map(&mut self, json: &Json) -> Option<Vec<(String, usize)>> {
        let map = json.as_object()?;
        let mut out = Vec::with_capacity(map.len());
        for (name, s) in map {
            out.push((name.clone(), self.child(s)?));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Some(out)
    }

    fn keyword(
        &mut self,
        r: &mut Rules,
        idx: usize,
        key: &str,
        v: &Json,
        root: bool,
    ) -> Option<()> {
        let later = self.draft >= Draft::V2019;
        match key {
            "$schema" if root => {}
            "title" | "description" | "$comment" => {
                v.as_str()?;
            }
            "default" => {}
            "examples" => {
                v.as_array()?;
            }
            "readOnly" | "writeOnly" | "deprecated" => {
                v.as_bool()?;
            }
            "$ref" => {
                let target = local_pointer(v.as_str()?)?;
                // Draft-07 references are recorded after the siblings.
                if later {
                    self.refs.push((idx, target));
                }
            }
            "definitions" => {
                self.schema_map(v)?;
            }
            "$defs" if later => {
                self.schema_map(v)?;
            }
            "type" => r.types = types(v)?,
            "enum" => {
                let list = v.as_array().filter(|l| !l.is_empty())?;
                for (i, a) in list.iter().enumerate() {
                    if list[i + 1..].iter().any(|b| json_eq(a, b)) {
                        return None;
                    }
                }
                r.enumeration = Some(list.clone());
            }
            "const" => r.constant = Some(v.clone()),
            "minimum" => r.minimum = Some(v.as_number()?.as_f64()?),
            "maximum" => r.maximum = Some(v.as_number()?.as_f64()?),
            "exclusiveMinimum" => r.exclusive_minimum = Some(v.as_number()?.as_f64()?),
            "exclusiveMaximum" => r.exclusive_maximum = Some(v.as_number()?.as_f64()?),
            "multipleOf" => {
                let m = v.as_number()?.as_f64().filter(|m| *m > 0.0)?;
                r.multiple_of = Some(m);
            }
            "minLength" => r.min_length = Some(v.as_u64()?),
            "maxLength" => r.max_length = Some(v.as_u64()?),
            "minItems" => r.min_items = Some(v.as_u64()?),
            "maxItems" => r.max_items = Some(v.as_u64()?),
            "minProperties" => r.min_properties = Some(v.as_u64()?),
            "maxProperties" => r.max_properties = Some(v.as_u64()?),
            "uniqueItems" => r.unique_items = v.as_bool()?,
            "pattern" => r.pattern = Some(shared_regex(v.as_str()?)?),
            "items" if !v.is_array() => r.items = Some(self.child(v)?),
            "properties" => r.properties = self.schema_map(v)?,
            "patternProperties" => {
                for (name, node) in self.schema_map(v)? {
                    r.pattern_properties.push((shared_regex(&name)?, node));
                }
            }
            "additionalProperties" => {
                r.additional_properties = Some(self.child(v)?);
            }
            "propertyNames" => r.property_names = Some(self.child(v)?),
            "required" => {
                let list = v.as_array()?;
                let mut names = Vec::with_capacity(list.len());
                for name in list {
                    let name = name.as_str()?;
                    if names.iter().any(|n: &String| n == name) {
                        return None;
                    }
                    names.push(name.to_string());
                }
                r.required = names;
            }
            "allOf" => r.all_of = self.schema_array(v)?,
            "anyOf" => r.any_of = self.schema_array(v)?,
            "oneOf" => r.one_of = self.schema_array(v)?,
            "not" => r.not = Some(self.child(v)?),
            "if" => r.if_ = Some(self.child(v)?),
            "then" => r.then = Some(self.child(v)?),
            "else" => r.else_ = Some(self.child(v)?),
            _ => return None,
        }
        Some(())
    }
}

/// The pointer a local `$ref` names: `#` or `#/a/b` with characters that
/// need neither percent-decoding nor `~` escapes.
fn local_pointer(target: &str) -> Option<String> {
    let frag = target.strip_prefix('#')?;
    if !frag.is_empty() && !frag.starts_with('/') {
        return None;
    }
    let plain = frag
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'.' | b'$'));
    plain.then(|| frag.to_string())
}

fn types(v: &Json) -> Option<u8> {
    let one = |t: &Json| -> Option<u8> {
        Some(match t.as_str()? {
            "null" => NULL,
            "boolean" => BOOLEAN,
            "object" => OBJECT,
            "array" => ARRAY,
            "number" => NUMBER,
            "string" => STRING,
            "integer" => INTEGER,
            _ => return None,
        })
    };
    match v {
        Json::Array(list) if !list.is_empty() => {
            let mut set = 0;
            for t in list {
                let bit = one(t)?;
                if set & bit != 0 {
                    return None;
                }
                set |= bit;
            }
            Some(set)
        }
        _ => one(v),
    }
}

/// [`regex`], compiled once per process: the charts of one repository
/// repeat their patterns across schemas (the deploy/ charts hold 25
/// distinct patterns in 103 places), and compiling is most of the cost
/// of compiling a schema. A compiled regex is a pure function of its text.
/// Shared, not cloned: each clone of a `Regex` makes its own match caches.
fn shared_regex(pattern: &str) -> Option<Arc<Regex>> {
    static SHARED: Mutex<Option<HashMap<String, Option<Arc<Regex>>>>> = Mutex::new(None);
    /// Distinct patterns kept before the map is emptied.
    const CAPACITY: usize = 4096;
    if let Ok(guard) = SHARED.lock()
        && let Some(found) = guard.as_ref().and_then(|m| m.get(pattern))
    {
        return found.clone();
    }
    let re = regex(pattern).map(Arc::new);
    if let Ok(mut guard) = SHARED.lock() {
        let map = guard.get_or_insert_with(HashMap::new);
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(pattern.to_string(), re.clone());
    }
    re
}

/// A regex boon would compile from the very same text: no escape it
/// rewrites for ECMA-262, and valid for the `regex` crate.
fn regex(pattern: &str) -> Option<Regex> {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\'
            && matches!(
                chars.next(),
                Some('d' | 'D' | 'w' | 'W' | 's' | 'S' | 'a' | 'c')
            )
        {
            return None;
        }
    }
    Regex::new(pattern).ok()
}

/// Two schema literals equal as boon compares JSON.
fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Null, Json::Null) => true,
        (Json::Bool(x), Json::Bool(y)) => x == y,
        (Json::Number(x), Json::Number(y)) => num_eq(number(x), number(y)),
        (Json::String(x), Json::String(y)) => x == y,
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| json_eq(p, q)))
        }
        _ => false,
    }
}

/// A JSON number: an integer (serde_json's `u64`/`i64`) or a float.
#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

fn number(n: &serde_json::Number) -> Num {
    if let Some(u) = n.as_u64() {
        Num::Int(i128::from(u))
    } else if let Some(i) = n.as_i64() {
        Num::Int(i128::from(i))
    } else {
        Num::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// Integers compare exactly, anything else as `f64` (boon's `equals`).
fn num_eq(a: Num, b: Num) -> bool {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x == y,
        _ => as_f64(a) == as_f64(b),
    }
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Float(f) => f,
    }
}

/// An instance value as `map_to_json` would present it.
enum Inst<'a> {
    Null,
    Bool(bool),
    Num(Num),
    Str(&'a str),
    Bytes(&'a [u8]),
    List(&'a [Value]),
    Obj(Obj<'a>),
}

/// An object instance: the caller's values, or a snapshot of a nested map
/// (and the map).
enum Obj<'a> {
    Borrowed(&'a Map),
    Shared(Arc<Map>, MapRef),
}

impl std::ops::Deref for Obj<'_> {
    type Target = Map;

    fn deref(&self) -> &Map {
        match self {
            Obj::Borrowed(m) => m,
            Obj::Shared(m, _) => m,
        }
    }
}

impl<'a> Inst<'a> {
    fn of(v: &'a Value) -> Inst<'a> {
        match v {
            Value::Bool(b) => Inst::Bool(*b),
            Value::Int(i) | Value::Int64(i) => Inst::Num(Num::Int(i128::from(*i))),
            Value::Float(f) if f.is_finite() => Inst::Num(Num::Float(*f)),
            Value::String(s) => Inst::Str(s),
            Value::Bytes(b) => Inst::Bytes(b),
            Value::List(l) => Inst::List(l),
            Value::Map(r) => v
                .as_map()
                .map_or(Inst::Null, |m| Inst::Obj(Obj::Shared(m, r.clone()))),
            // Nil, non-finite floats; host objects were refused before.
            _ => Inst::Null,
        }
    }

    fn kind(&self) -> u8 {
        match self {
            Inst::Null => NULL,
            Inst::Bool(_) => BOOLEAN,
            Inst::Num(_) => NUMBER,
            Inst::Str(_) => STRING,
            Inst::Bytes(_) | Inst::List(_) => ARRAY,
            Inst::Obj(_) => OBJECT,
        }
    }

    fn len(&self) -> usize {
        match self {
            Inst::Bytes(b) => b.len(),
            Inst::List(l) => l.len(),
            _ => 0,
        }
    }

    /// Item `i` of an array instance.
    fn item(&self, i: usize) -> Inst<'a> {
        match self {
            Inst::Bytes(b) => Inst::Num(Num::Int(i128::from(b[i]))),
            Inst::List(l) => Inst::of(&l[i]),
            _ => Inst::Null,
        }
    }
}

/// An instance equals a schema literal (boon's `equals`).
fn inst_eq_json(a: &Inst<'_>, b: &Json) -> bool {
    match (a, b) {
        (Inst::Null, Json::Null) => true,
        (Inst::Bool(x), Json::Bool(y)) => x == y,
        (Inst::Num(x), Json::Number(y)) => num_eq(*x, number(y)),
        (Inst::Str(x), Json::String(y)) => *x == y,
        (Inst::Bytes(_) | Inst::List(_), Json::Array(y)) => {
            a.len() == y.len()
                && y.iter()
                    .enumerate()
                    .all(|(i, q)| inst_eq_json(&a.item(i), q))
        }
        (Inst::Obj(x), Json::Object(y)) => {
            x.len() == y.len()
                && y.iter()
                    .all(|(k, q)| x.get(k).is_some_and(|p| inst_eq_json(&Inst::of(p), q)))
        }
        _ => false,
    }
}

/// Two instances equal (boon's `equals`, for `uniqueItems`).
fn inst_eq(a: &Inst<'_>, b: &Inst<'_>) -> bool {
    match (a, b) {
        (Inst::Null, Inst::Null) => true,
        (Inst::Bool(x), Inst::Bool(y)) => x == y,
        (Inst::Num(x), Inst::Num(y)) => num_eq(*x, *y),
        (Inst::Str(x), Inst::Str(y)) => x == y,
        (Inst::Bytes(_) | Inst::List(_), Inst::Bytes(_) | Inst::List(_)) => {
            a.len() == b.len() && (0..a.len()).all(|i| inst_eq(&a.item(i), &b.item(i)))
        }
        (Inst::Obj(x), Inst::Obj(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, p)| {
                    y.get(k)
                        .is_some_and(|q| inst_eq(&Inst::of(p), &Inst::of(q)))
                })
        }
        _ => false,
    }
}

/// The evaluation gave up: the caller falls back to boon.
struct Unknown;

type Verdict = Result<bool, Unknown>;

struct Eval<'s> {
    nodes: &'s [Node],
    frames: usize,
    fuel: usize,
    known: &'s mut ByFrozenMap<usize>,
}

impl Eval<'_> {
    fn node(&mut self, idx: usize, v: &Inst<'_>) -> Verdict {
        // A frozen map found valid against this node before still is (a
        // "valid" answer holds whatever fuel is left now).
        if let Inst::Obj(Obj::Shared(_, map)) = v
            && map.frozen_contents().is_some()
        {
            if self.known.get(map, idx).is_some() {
                return Ok(true);
            }
            let checked = capstan_gotmpl::thaws();
            let verdict = self.evaluate(idx, v);
            if matches!(verdict, Ok(true)) {
                self.known.keep(map, idx, checked, 0);
            }
            return verdict;
        }
        self.evaluate(idx, v)
    }

    fn evaluate(&mut self, idx: usize, v: &Inst<'_>) -> Verdict {
        if self.frames >= MAX_FRAMES || self.fuel == 0 {
            return Err(Unknown);
        }
        self.fuel -= 1;
        self.frames += 1;
        let verdict = match &self.nodes[idx] {
            Node::Bool(b) => Ok(*b),
            Node::Rules(r) => self.rules(r, v),
        };
        self.frames -= 1;
        verdict
    }

    fn rules(&mut self, r: &Rules, v: &Inst<'_>) -> Verdict {
        if r.types != 0 && !has_type(r.types, v) {
            return Ok(false);
        }
        if let Some(c) = &r.constant
            && !inst_eq_json(v, c)
        {
            return Ok(false);
        }
        if let Some(list) = &r.enumeration
            && !list.iter().any(|e| inst_eq_json(v, e))
        {
            return Ok(false);
        }
        if let Some(target) = r.reference
            && !self.node(target, v)?
        {
            return Ok(false);
        }
        let own = match v {
            Inst::Num(n) => number_ok(r, *n),
            Inst::Str(s) => string_ok(r, s),
            Inst::Bytes(_) | Inst::List(_) => self.array(r, v)?,
            Inst::Obj(m) => self.object(r, m)?,
            Inst::Null | Inst::Bool(_) => true,
        };
        if !own {
            return Ok(false);
        }
        self.applicators(r, v)
    }

    fn applicators(&mut self, r: &Rules, v: &Inst<'_>) -> Verdict {
        if let Some(not) = r.not
            && self.node(not, v)?
        {
            return Ok(false);
        }
        for &s in &r.all_of {
            if !self.node(s, v)? {
                return Ok(false);
            }
        }
        if !r.any_of.is_empty() {
            let mut any = false;
            for &s in &r.any_of {
                if self.node(s, v)? {
                    any = true;
                    break;
                }
            }
            if !any {
                return Ok(false);
            }
        }
        if !r.one_of.is_empty() {
            let mut matched = 0;
            for &s in &r.one_of {
                if self.node(s, v)? {
                    matched += 1;
                    if matched > 1 {
                        return Ok(false);
                    }
                }
            }
            if matched != 1 {
                return Ok(false);
            }
        }
        if let Some(cond) = r.if_ {
            let branch = if self.node(cond, v)? { r.then } else { r.else_ };
            if let Some(b) = branch
                && !self.node(b, v)?
            {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn array(&mut self, r: &Rules, v: &Inst<'_>) -> Verdict {
        let len = v.len();
        let n = len as u64;
        if r.min_items.is_some_and(|m| n < m) || r.max_items.is_some_and(|m| n > m) {
            return Ok(false);
        }
        if r.unique_items && len > 1 {
            if len > 20 {
                return Err(Unknown);
            }
            for i in 0..len {
                for j in i + 1..len {
                    if inst_eq(&v.item(i), &v.item(j)) {
                        return Ok(false);
                    }
                }
            }
        }
        if let Some(items) = r.items {
            for i in 0..len {
                if !self.node(items, &v.item(i))? {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    fn object(&mut self, r: &Rules, m: &Map) -> Verdict {
        let n = m.len() as u64;
        if r.min_properties.is_some_and(|x| n < x) || r.max_properties.is_some_and(|x| n > x) {
            return Ok(false);
        }
        if !r.required.iter().all(|k| m.contains_key(k)) {
            return Ok(false);
        }
        for (key, value) in m {
            let value = Inst::of(value);
            let mut evaluated = false;
            if let Ok(i) = r.properties.binary_search_by(|(p, _)| p.as_str().cmp(key)) {
                evaluated = true;
                if !self.node(r.properties[i].1, &value)? {
                    return Ok(false);
                }
            }
            for (re, s) in &r.pattern_properties {
                if re.is_match(key) {
                    evaluated = true;
                    if !self.node(*s, &value)? {
                        return Ok(false);
                    }
                }
            }
            if !evaluated
                && let Some(s) = r.additional_properties
                && !self.node(s, &value)?
            {
                return Ok(false);
            }
            if let Some(s) = r.property_names
                && !self.node(s, &Inst::Str(key))?
            {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

fn has_type(types: u8, v: &Inst<'_>) -> bool {
    if types & v.kind() != 0 {
        return true;
    }
    types & INTEGER != 0
        && match v {
            Inst::Num(Num::Int(_)) => true,
            Inst::Num(Num::Float(f)) => f.fract() == 0.0,
            _ => false,
        }
}

/// Bounds and `multipleOf`, compared as `f64` as boon compares them.
fn number_ok(r: &Rules, n: Num) -> bool {
    let x = as_f64(n);
    !(r.minimum.is_some_and(|m| x < m)
        || r.maximum.is_some_and(|m| x > m)
        || r.exclusive_minimum.is_some_and(|m| x <= m)
        || r.exclusive_maximum.is_some_and(|m| x >= m)
        || r.multiple_of.is_some_and(|m| (x / m).fract() != 0.0))
}

/// Lengths in Unicode scalar values, and the pattern.
fn string_ok(r: &Rules, s: &str) -> bool {
    if r.min_length.is_some() || r.max_length.is_some() {
        let n = s.chars().count() as u64;
        if r.min_length.is_some_and(|m| n < m) || r.max_length.is_some_and(|m| n > m) {
            return false;
        }
    }
    r.pattern.as_ref().is_none_or(|re| re.is_match(s))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use capstan_gotmpl::Value;

    #[test]
    fn frozen_sections_are_validated_once_and_again_after_a_write() {
        let schema = br#"{"type": "object", "properties": {"cfg": {"type": "object",
            "properties": {"n": {"type": "integer", "maximum": 5}}}}}"#;
        let fast = FastSchema::compile(schema).unwrap();
        let cfg = MapRef::new(Map::from([("n".to_string(), Value::Int(3))]));
        cfg.freeze();
        let values = Map::from([("cfg".to_string(), Value::Map(cfg.clone()))]);
        assert!(fast.is_valid(&values));
        let cfg_node = 1;
        assert!(fast.known.lock().unwrap().get(&cfg, cfg_node).is_some());
        assert!(fast.known.lock().unwrap().get(&cfg, PLAIN).is_some());
        assert!(fast.is_valid(&values));
        // A write changes the section: it is validated again, and fails.
        cfg.update(|m| m.insert("n".into(), Value::Int(9)));
        assert!(!fast.is_valid(&values));
        // Maps that are not frozen are never remembered.
        let open = MapRef::new(Map::from([("n".to_string(), Value::Int(1))]));
        let values = Map::from([("cfg".to_string(), Value::Map(open.clone()))]);
        assert!(fast.is_valid(&values));
        assert!(fast.known.lock().unwrap().get(&open, cfg_node).is_none());
    }
}
