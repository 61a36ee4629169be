//! YAML as Helm v4 reads and writes it.
//!
//! Reading goes the way of sigs.k8s.io/yaml over go-yaml v2: YAML 1.1 scalars
//! (`yes`/`on` are booleans, `0123` is octal), then a JSON round trip, so
//! every number becomes a float64 and map keys become strings. Values files
//! are split into documents as Kubernetes' YAML reader splits them and the
//! documents are merged ([`parse_values`]).
//!
//! Writing reproduces `toYaml` (JSON, then go-yaml v2's emitter: sorted keys,
//! lists at their parent's indentation, folding at 80 columns) and
//! `toYamlPretty` (go-yaml v3 with two-space indentation, no folding).
//!
//! Not here: TOML (see [`crate::toml`]), and the manifest stream, which
//! templates print as text without re-serialisation.
//!
//! Known difference: go-yaml reads the raw line separators U+2028 and
//! U+2029 as line breaks kept in scalar content (the spaces that follow
//! are dropped, and one starts a new line in block context); capstan reads
//! them as ordinary characters. NEL (U+0085) is read as go-yaml reads it.
//!
//! ```
//! use capstan_helm::{json, yaml};
//!
//! let values = yaml::parse_values("replicas: 3\nenabled: yes\nmode: 0755\n")?;
//! let v = capstan_gotmpl::Value::map(values);
//! assert_eq!(json::to_json(&v).as_deref(), Ok(r#"{"enabled":true,"mode":493,"replicas":3}"#));
//! assert_eq!(yaml::to_yaml(&v), "enabled: true\nmode: 493\nreplicas: 3");
//! assert_eq!(yaml::to_yaml_pretty(&v), "enabled: true\nmode: 493\nreplicas: 3");
//! # Ok::<(), yaml::YamlError>(())
//! ```

mod convert;
mod direct;
mod emit;
mod error;
mod fast;
mod graph;
mod keysort;
mod load;
mod scalar;

use capstan_gotmpl::{Map, Value};

pub use error::{YamlError, YamlErrorKind};
pub use load::Limits;

pub(crate) use fast::read_head;
#[doc(hidden)]
pub use fast::{Via, fast_agrees, head_agrees, unmarshal_via};
pub use fast::{read_json, resource_fields};

/// sigs.k8s.io/yaml's `Unmarshal` into `interface{}` with default limits:
/// the first document only; `Nil` for an empty document. Errors read
/// `error converting YAML to JSON: yaml: line 3: ...` as in Helm.
pub fn unmarshal(text: &str) -> Result<Value, YamlError> {
    unmarshal_with(text, &Limits::default())
}

/// [`unmarshal`] with explicit limits.
pub fn unmarshal_with(text: &str, limits: &Limits) -> Result<Value, YamlError> {
    // Common text takes the fast reader, which answers only when it agrees
    // with the full one.
    if let Some(v) = fast::unmarshal(text, limits) {
        return Ok(v);
    }
    let decoded =
        load::decode_first(text, limits).map_err(|e| e.wrap("error converting YAML to JSON: "))?;
    match decoded {
        None => Ok(Value::Nil),
        Some(v) => convert::to_value(v).map_err(|e| e.wrap("error converting YAML to JSON: ")),
    }
}

fn type_error(v: &Value, target: &str) -> YamlError {
    let kind = match v {
        Value::Map(_) => "object",
        Value::List(_) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    };
    YamlError::type_error(format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type {target}"
    ))
}

/// `yaml.Unmarshal(text, &map[string]interface{})`: Helm's `ReadValues` for a
/// single document, and `fromYaml` before its error handling.
pub fn parse_yaml_map(text: &str) -> Result<Map, YamlError> {
    parse_yaml_map_with(text, &Limits::default())
}

/// [`parse_yaml_map`] with explicit limits.
pub fn parse_yaml_map_with(text: &str, limits: &Limits) -> Result<Map, YamlError> {
    match unmarshal_with(text, limits)? {
        Value::Nil => Ok(Map::new()),
        Value::Map(m) => Ok(std::sync::Arc::unwrap_or_clone(m.snapshot())),
        other => Err(type_error(&other, "map[string]interface {}")),
    }
}

/// `yaml.Unmarshal(text, &[]interface{})`.
pub fn parse_yaml_list(text: &str) -> Result<Vec<Value>, YamlError> {
    match unmarshal(text)? {
        Value::Nil => Ok(Vec::new()),
        Value::List(l) => Ok(std::sync::Arc::unwrap_or_clone(l)),
        other => Err(type_error(&other, "[]interface {}")),
    }
}

/// Helm's `fromYaml`: the map, or `{"Error": message}` when reading fails.
pub fn from_yaml(text: &str) -> Value {
    match parse_yaml_map(text) {
        Ok(m) => Value::map(m),
        Err(e) => crate::json::error_map(e.message()),
    }
}

/// Helm's `fromYamlArray`: the list, or `[message]` when reading fails.
pub fn from_yaml_array(text: &str) -> Value {
    match parse_yaml_list(text) {
        Ok(l) => Value::list(l),
        Err(e) => Value::list(vec![Value::str(e.message())]),
    }
}

/// [`parse_values`] over raw file bytes: invalid UTF-8 is reported as
/// go-yaml's reader reports it.
pub fn parse_values_bytes(bytes: &[u8]) -> Result<Map, YamlError> {
    let text = utf8_text(bytes)
        .map_err(|e| e.wrap("cannot unmarshal yaml document: error converting YAML to JSON: "))?;
    parse_values(text)
}

/// [`unmarshal`] over raw bytes.
pub fn unmarshal_bytes(bytes: &[u8]) -> Result<Value, YamlError> {
    let text = utf8_text(bytes).map_err(|e| e.wrap("error converting YAML to JSON: "))?;
    unmarshal(text)
}

fn utf8_text(bytes: &[u8]) -> Result<&str, YamlError> {
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t),
        Err(_) => Err(error::utf8_error(bytes)
            .unwrap_or_else(|| YamlError::syntax("yaml: invalid leading UTF-8 octet".into()))),
    }
}

/// Helm's `loader.LoadValues`: a values file (chart `values.yaml` or `-f`),
/// split into documents at `---` lines and merged deeply, later documents
/// winning. The error text is what Helm prints after `failed to parse FILE: `
/// (or `cannot load values.yaml: `).
pub fn parse_values(text: &str) -> Result<Map, YamlError> {
    parse_values_with(text, &Limits::default())
}

/// [`parse_values`] with explicit limits (applied to each document).
pub fn parse_values_with(text: &str, limits: &Limits) -> Result<Map, YamlError> {
    let mut values = Map::new();
    for doc in split_documents(text)? {
        let current = parse_yaml_map_with(&doc, limits)
            .map_err(|e| e.wrap("cannot unmarshal yaml document: "))?;
        values = merge_maps(values, current);
    }
    Ok(values)
}

/// Kubernetes' `YAMLReader`: lines are read one by one (CRLF becomes LF); a
/// line starting with `---` ends the current document, and may be followed
/// only by spaces or a comment.
fn split_documents(text: &str) -> Result<Vec<String>, YamlError> {
    let mut docs = Vec::new();
    let mut buffer = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        // bufio's ReadLine drops "\n" or "\r\n"; a final line without a
        // newline keeps a trailing "\r".
        let (line, next) = match rest.find('\n') {
            Some(i) => {
                let l = &rest[..i];
                (l.strip_suffix('\r').unwrap_or(l), &rest[i + 1..])
            }
            None => (rest, ""),
        };
        rest = next;
        if let Some(after) = line.strip_prefix("---") {
            let trimmed = after.trim_matches(|c: char| c.is_whitespace());
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(YamlError::syntax(format!(
                    "error reading yaml document: invalid Yaml document separator: {trimmed}"
                )));
            }
            if !buffer.is_empty() {
                docs.push(std::mem::take(&mut buffer));
                continue;
            }
        }
        buffer.push_str(line);
        buffer.push('\n');
    }
    if !buffer.is_empty() {
        docs.push(buffer);
    }
    Ok(docs)
}

/// Helm's `loader.MergeMaps`: maps merge recursively, anything else in `b`
/// replaces what `a` has.
fn merge_maps(mut a: Map, b: Map) -> Map {
    for (k, v) in b {
        let merged = match (a.remove(&k), v) {
            (Some(Value::Map(old)), Value::Map(new)) => Value::map(merge_maps(
                std::sync::Arc::unwrap_or_clone(old.snapshot()),
                std::sync::Arc::unwrap_or_clone(new.snapshot()),
            )),
            (_, v) => v,
        };
        a.insert(k, merged);
    }
    a
}

/// `yaml.Marshal` from sigs.k8s.io/yaml: the YAML text with its final
/// newline, or the error `mustToYaml` reports.
pub fn marshal(v: &Value) -> Result<String, YamlError> {
    direct::marshal_v2(v)
}

/// [`marshal`] by way of a node tree, as it was written before it wrote
/// straight from the value: the reference the differential tests compare
/// [`marshal`] with.
#[doc(hidden)]
pub fn marshal_via_tree(v: &Value) -> Result<String, YamlError> {
    let node = convert::v2_node(v, 0)?;
    emit::emit(&node, emit::Flavor::V2)
}

/// Helm's `toYaml`: [`marshal`] without the final newline; `""` on error.
pub fn to_yaml(v: &Value) -> String {
    must_to_yaml(v).unwrap_or_default()
}

/// Helm's `mustToYaml`: [`marshal`] without the final newline.
pub fn must_to_yaml(v: &Value) -> Result<String, YamlError> {
    let mut s = marshal(v)?;
    if s.ends_with('\n') {
        s.pop();
    }
    Ok(s)
}

/// Helm's `toYamlPretty`: go-yaml v3 with two-space indentation (lists
/// indented under their key), without the final newline; `""` on error.
pub fn to_yaml_pretty(v: &Value) -> String {
    match convert::v3_node(v, 0) {
        Ok(node) => {
            let Ok(mut s) = emit::emit(&node, emit::Flavor::V3) else {
                return String::new();
            };
            if s.ends_with('\n') {
                s.pop();
            }
            s
        }
        Err(_) => String::new(),
    }
}
