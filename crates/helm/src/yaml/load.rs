//! Reading one YAML document as go-yaml v2 decodes it into `interface{}`.
//!
//! The node graph (anchors, aliases) comes from [`super::graph`]; this module
//! decodes it with go-yaml v2's rules: YAML 1.1
//! scalar resolution, merge keys applied in document order, timestamps kept
//! as strings, aliases expanded with the same "excessive aliasing" guard, and
//! a depth limit of our own so hostile input cannot exhaust the stack.

use std::collections::HashMap;

use super::error::{YamlError, control_char_error, stream_start_error};
use super::graph::{Node, build_lenient};
use super::scalar::{Resolved, Schema, resolve};

/// A decoded value with go-yaml's Go types (before the JSON round trip).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum GoYaml {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<GoYaml>),
    /// `map[interface{}]interface{}`; keys are unique (Go map semantics).
    Map(Vec<(GoYaml, GoYaml)>),
}

/// Limits that keep hostile input bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of collections (after alias expansion).
    pub max_depth: usize,
    /// Most nodes one document may decode to (after alias expansion).
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 << 20,
            max_depth: 1000,
            max_nodes: 20_000_000,
        }
    }
}

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// Parses the first document of `text` (go-yaml's `Unmarshal` reads only the
/// first one) and decodes it. `Ok(None)` for an empty stream.
pub(crate) fn decode_first(text: &str, limits: &Limits) -> Result<Option<GoYaml>, YamlError> {
    if text.len() > limits.max_bytes {
        return Err(YamlError::limit(format!(
            "yaml: input of {} bytes exceeds the limit of {} bytes",
            text.len(),
            limits.max_bytes
        )));
    }
    if let Some(e) = control_char_error(text).or_else(|| stream_start_error(text)) {
        return Err(e);
    }
    let graph = build_lenient(text)?;
    let Some(root) = graph.root else {
        return Ok(None);
    };
    let mut d = Decoder {
        nodes: &graph.nodes,
        limits,
        decode_count: 1,
        alias_count: 0,
        alias_depth: 0,
        active_aliases: Vec::new(),
        depth: 0,
    };
    d.unmarshal(root).map(Some)
}

struct Decoder<'a> {
    nodes: &'a [Node],
    limits: &'a Limits,
    decode_count: u64,
    alias_count: u64,
    alias_depth: usize,
    active_aliases: Vec<usize>,
    depth: usize,
}

impl Decoder<'_> {
    fn allowed_alias_ratio(&self) -> f64 {
        const LOW: u64 = 400_000;
        const HIGH: u64 = 4_000_000;
        match self.decode_count {
            c if c <= LOW => 0.99,
            c if c >= HIGH => 0.10,
            c => 0.99 - 0.89 * ((c - LOW) as f64 / (HIGH - LOW) as f64),
        }
    }

    fn count(&mut self) -> Result<(), YamlError> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64 > self.allowed_alias_ratio()
        {
            return Err(YamlError::limit(
                "yaml: document contains excessive aliasing".into(),
            ));
        }
        if self.decode_count > self.limits.max_nodes as u64 {
            return Err(YamlError::limit(format!(
                "yaml: document decodes to more than {} nodes",
                self.limits.max_nodes
            )));
        }
        Ok(())
    }

    fn unmarshal(&mut self, id: usize) -> Result<GoYaml, YamlError> {
        self.count()?;
        match &self.nodes[id] {
            Node::Alias { target, name } => {
                if self.active_aliases.contains(&id) {
                    return Err(YamlError::syntax(format!(
                        "yaml: anchor '{name}' value contains itself"
                    )));
                }
                let target = *target;
                self.active_aliases.push(id);
                self.alias_depth += 1;
                let r = self.unmarshal(target);
                self.alias_depth -= 1;
                self.active_aliases.pop();
                r
            }
            Node::Scalar { value, plain, tag } => scalar(value, *plain, tag.as_deref()),
            Node::Seq(items) => {
                self.enter()?;
                let mut out = Vec::with_capacity(items.len());
                for &item in items {
                    out.push(self.unmarshal(item)?);
                }
                self.depth -= 1;
                Ok(GoYaml::Seq(out))
            }
            Node::Map(_) => {
                self.enter()?;
                let mut out = GoMap::default();
                self.mapping_into(id, &mut out)?;
                self.depth -= 1;
                Ok(GoYaml::Map(out.pairs))
            }
        }
    }

    fn enter(&mut self) -> Result<(), YamlError> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(YamlError::limit(format!(
                "yaml: document nested deeper than {} levels",
                self.limits.max_depth
            )));
        }
        Ok(())
    }

    /// Decodes the mapping `id` into `out`, the way go-yaml fills an existing
    /// Go map: later keys replace earlier ones, merges write in place.
    fn mapping_into(&mut self, id: usize, out: &mut GoMap) -> Result<(), YamlError> {
        let Node::Map(pairs) = &self.nodes[id] else {
            return Ok(());
        };
        for &(k, v) in pairs {
            if self.is_merge(k) {
                self.merge(v, out)?;
                continue;
            }
            let key = self.unmarshal(k)?;
            if matches!(key, GoYaml::Seq(_) | GoYaml::Map(_)) {
                return Err(YamlError::syntax(format!(
                    "yaml: invalid map key: {}",
                    go_sharp(&key)
                )));
            }
            let value = self.unmarshal(v)?;
            set(out, key, value);
        }
        Ok(())
    }

    fn is_merge(&self, id: usize) -> bool {
        match &self.nodes[id] {
            Node::Scalar { value, plain, tag } => {
                value == "<<"
                    && (tag.as_deref() == Some("tag:yaml.org,2002:merge")
                        || (*plain && tag.is_none()))
            }
            _ => false,
        }
    }

    fn target_kind(&self, id: usize) -> &Node {
        match &self.nodes[id] {
            Node::Alias { target, .. } => &self.nodes[*target],
            n => n,
        }
    }

    fn merge(&mut self, id: usize, out: &mut GoMap) -> Result<(), YamlError> {
        let want_map = || {
            YamlError::syntax(
                "yaml: map merge requires map or sequence of maps as the value".into(),
            )
        };
        match &self.nodes[id] {
            Node::Map(_) => self.merge_one(id, out),
            Node::Alias { .. } => {
                if !matches!(self.target_kind(id), Node::Map(_)) {
                    return Err(want_map());
                }
                self.merge_one(id, out)
            }
            Node::Seq(items) => {
                for &item in items.iter().rev() {
                    if !matches!(self.target_kind(item), Node::Map(_)) {
                        return Err(want_map());
                    }
                    self.merge_one(item, out)?;
                }
                Ok(())
            }
            Node::Scalar { .. } => Err(want_map()),
        }
    }

    /// `d.unmarshal(n, out)` with `out` the map being filled.
    fn merge_one(&mut self, id: usize, out: &mut GoMap) -> Result<(), YamlError> {
        self.count()?;
        if let Node::Alias { target, name } = &self.nodes[id] {
            if self.active_aliases.contains(&id) {
                return Err(YamlError::syntax(format!(
                    "yaml: anchor '{name}' value contains itself"
                )));
            }
            let target = *target;
            self.active_aliases.push(id);
            self.alias_depth += 1;
            let r = self.merge_one(target, out);
            self.alias_depth -= 1;
            self.active_aliases.pop();
            return r;
        }
        self.enter()?;
        let r = self.mapping_into(id, out);
        self.depth -= 1;
        r
    }
}

/// A Go `map[interface{}]interface{}` being filled: pairs in first-insertion
/// order plus an index so that each write costs O(1), not a scan.
#[derive(Default)]
struct GoMap {
    pairs: Vec<(GoYaml, GoYaml)>,
    index: HashMap<KeyId, usize>,
}

/// Go's equality for scalar map keys (same dynamic type and value; +0 and
/// -0 are one key; NaN never equals itself, so it has no id).
#[derive(Hash, PartialEq, Eq)]
enum KeyId {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(u64),
    Str(String),
}

fn key_id(k: &GoYaml) -> Option<KeyId> {
    Some(match k {
        GoYaml::Null => KeyId::Null,
        GoYaml::Bool(b) => KeyId::Bool(*b),
        GoYaml::Int(i) => KeyId::Int(*i),
        GoYaml::Uint(u) => KeyId::Uint(*u),
        GoYaml::Float(x) if x.is_nan() => return None,
        GoYaml::Float(x) => KeyId::Float(if *x == 0.0 { 0 } else { x.to_bits() }),
        GoYaml::Str(s) => KeyId::Str(s.clone()),
        GoYaml::Seq(_) | GoYaml::Map(_) => return None,
    })
}

fn set(out: &mut GoMap, key: GoYaml, value: GoYaml) {
    match key_id(&key) {
        Some(id) => match out.index.get(&id) {
            Some(&slot) => out.pairs[slot].1 = value,
            None => {
                out.index.insert(id, out.pairs.len());
                out.pairs.push((key, value));
            }
        },
        None => out.pairs.push((key, value)),
    }
}

fn scalar(value: &str, plain: bool, tag: Option<&str>) -> Result<GoYaml, YamlError> {
    if !plain {
        return Ok(GoYaml::Str(value.to_string()));
    }
    let short = tag.map(|t| {
        t.strip_prefix(TAG_PREFIX)
            .map_or(t.to_string(), |s| format!("!!{s}"))
    });
    let resolved = match short.as_deref() {
        None => resolve(value, Schema::V2),
        Some("!!str") => return Ok(GoYaml::Str(value.to_string())),
        Some("!!binary") => return binary(value),
        Some(t @ ("!!int" | "!!float" | "!!bool" | "!!null" | "!!timestamp")) => {
            let r = resolve(value, Schema::V2);
            let ok = matches!(
                (t, &r),
                ("!!int", Resolved::Int(_) | Resolved::Uint(_))
                    | ("!!float", Resolved::Float(_))
                    | ("!!bool", Resolved::Bool(_))
                    | ("!!null", Resolved::Null)
                    | ("!!timestamp", Resolved::Timestamp)
            );
            match (t, r) {
                ("!!float", Resolved::Int(i)) => Resolved::Float(i as f64),
                (_, r) if ok => r,
                (_, r) => {
                    return Err(YamlError::syntax(format!(
                        "yaml: cannot decode {} `{value}` as a {t}",
                        short_tag_of(&r)
                    )));
                }
            }
        }
        // Unknown tags (and !!seq/!!map on scalars) leave the text as is.
        Some(_) => return Ok(GoYaml::Str(value.to_string())),
    };
    Ok(match resolved {
        Resolved::Null => GoYaml::Null,
        Resolved::Bool(b) => GoYaml::Bool(b),
        Resolved::Int(i) => GoYaml::Int(i),
        Resolved::Uint(u) => GoYaml::Uint(u),
        Resolved::Float(x) => GoYaml::Float(x),
        Resolved::Timestamp | Resolved::Merge | Resolved::Str => GoYaml::Str(value.to_string()),
    })
}

fn short_tag_of(r: &Resolved) -> &'static str {
    match r {
        Resolved::Null => "!!null",
        Resolved::Bool(_) => "!!bool",
        Resolved::Int(_) | Resolved::Uint(_) => "!!int",
        Resolved::Float(_) => "!!float",
        Resolved::Timestamp => "!!timestamp",
        Resolved::Merge => "!!merge",
        Resolved::Str => "!!str",
    }
}

fn binary(value: &str) -> Result<GoYaml, YamlError> {
    use base64::Engine as _;
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
        Ok(bytes) => Ok(GoYaml::Str(String::from_utf8_lossy(&bytes).into_owned())),
        Err(_) => Err(YamlError::syntax(
            "yaml: !!binary value contains invalid base64 data".into(),
        )),
    }
}

/// Go's `%#v` of a decoded value, as go-yaml and sigs.k8s.io/yaml print keys.
pub(crate) fn go_sharp(v: &GoYaml) -> String {
    match v {
        GoYaml::Null => "<nil>".into(),
        GoYaml::Bool(b) => b.to_string(),
        GoYaml::Int(i) => i.to_string(),
        GoYaml::Uint(u) => format!("0x{u:x}"),
        GoYaml::Float(x) => crate::json::go_format_g(*x),
        GoYaml::Str(s) => crate::json::go_quote(s),
        GoYaml::Seq(items) => {
            let inner: Vec<String> = items.iter().map(go_sharp).collect();
            format!("[]interface {{}}{{{}}}", inner.join(", "))
        }
        GoYaml::Map(pairs) => {
            let inner: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}:{}", go_sharp(k), go_sharp(v)))
                .collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", inner.join(", "))
        }
    }
}
