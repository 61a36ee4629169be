//! YAML as the checks read it: a tree whose every node remembers the line
//! it starts on (findings point at lines), scalars kept as written (text
//! and whether they were plain, so `1.1155111e+07` or an empty value are
//! visible), and a conversion to JSON with the YAML 1.1 resolution rules
//! Kubernetes' `sigs.k8s.io/yaml` (go-yaml v2) applies.

use granit_parser::{Event, Parser, ScalarStyle};

/// Nodes built per stream at most (aliases expanded): a bound on alias bombs.
const MAX_NODES: usize = 2_000_000;
/// Nesting followed at most.
const MAX_DEPTH: usize = 256;

/// One YAML node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// 1-based line where the node starts.
    pub(crate) line: u64,
    pub(crate) kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// A scalar: its text and whether it was plain (untagged, unquoted).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Keys as text (non-scalar keys are written as `?`).
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The value at `key` of a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The node at a path of mapping keys.
    pub(crate) fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The text of a scalar that is not null.
    pub(crate) fn str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, plain } if !(*plain && is_null(text)) => Some(text),
            _ => None,
        }
    }

    /// The text at a path, when it is a non-null scalar.
    pub(crate) fn str_at(&self, path: &[&str]) -> Option<&str> {
        self.at(path).and_then(Node::str)
    }

    /// The items of a sequence (empty for anything else).
    pub(crate) fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(v) => v,
            _ => &[],
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub(crate) fn entries(&self) -> &[(String, Node)] {
        match &self.kind {
            Kind::Map(v) => v,
            _ => &[],
        }
    }

    /// A mapping of scalars as `(key, text)` pairs (null values skipped).
    pub(crate) fn string_map(&self) -> Vec<(&str, &str)> {
        self.entries()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.str()?)))
            .collect()
    }

    /// The node as JSON, scalars resolved as go-yaml v2 does (the form
    /// schema validation reads).
    pub(crate) fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Scalar { text, plain } => {
                if *plain {
                    resolve_plain(text)
                } else {
                    Value::String(text.clone())
                }
            }
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => {
                let mut m = serde_json::Map::new();
                for (k, v) in entries {
                    m.insert(k.clone(), v.to_json());
                }
                Value::Object(m)
            }
        }
    }
}

/// Whether a plain scalar means null.
pub(crate) fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// go-yaml v2's resolution of a plain scalar.
fn resolve_plain(text: &str) -> serde_json::Value {
    use serde_json::Value;
    if is_null(text) {
        return Value::Null;
    }
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    if let Some(i) = parse_int(text) {
        return Value::from(i);
    }
    if let Some(f) = parse_float(text)
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}

fn parse_int(text: &str) -> Option<i64> {
    let (neg, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    let v = if let Some(h) = clean.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(b) = clean.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()?
    } else if clean.len() > 1 && clean.starts_with('0') {
        i64::from_str_radix(&clean[1..], 8).ok()?
    } else if clean.bytes().all(|b| b.is_ascii_digit()) {
        clean.parse::<i64>().ok()?
    } else {
        return None;
    };
    Some(if neg { -v } else { v })
}

fn parse_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return None, // not representable in JSON
        _ => {}
    }
    let t = text.trim_start_matches(['-', '+']);
    let first = t.chars().next()?;
    if !(first.is_ascii_digit() || first == '.') {
        return None;
    }
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+' | '_'))
    {
        return None;
    }
    text.replace('_', "").parse::<f64>().ok()
}

/// Why a stream could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub(crate) struct YamlError {
    pub(crate) line: u64,
    pub(crate) message: String,
}

enum Open {
    Seq(Vec<Node>, u64, Option<usize>),
    Map(
        Vec<(String, Node)>,
        Option<(String, u64)>,
        u64,
        Option<usize>,
    ),
}

/// Every document of a stream (empty documents are `None`).
pub(crate) fn load_all(text: &str) -> Result<Vec<Option<Node>>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, Node> = std::collections::HashMap::new();
    let mut current: Option<Node> = None;
    let mut count = 0usize;
    loop {
        let (event, span) = match parser.next() {
            None => break,
            Some(Ok(e)) => e,
            Some(Err(e)) => {
                return Err(YamlError {
                    line: e.marker().line() as u64,
                    message: e.info().to_string(),
                });
            }
        };
        let line = span.start.line() as u64;
        let (node, anchor) = match event {
            Event::StreamStart | Event::StreamEnd => continue,
            Event::DocumentStart(..) => {
                current = None;
                continue;
            }
            Event::DocumentEnd => {
                docs.push(current.take());
                continue;
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) => {
                    count += size(n);
                    (n.clone(), None)
                }
                None => {
                    return Err(YamlError {
                        line,
                        message: "unknown anchor referenced".into(),
                    });
                }
            },
            Event::Scalar(value, style, anchor, tag) => {
                let plain = style == ScalarStyle::Plain && tag.is_none();
                // The parser reports an empty plain scalar as `~`; the
                // difference matters (a template that printed nothing).
                let empty = plain
                    && matches!((span.start.byte_offset(), span.end.byte_offset()), (Some(a), Some(b)) if a == b);
                let text = if empty {
                    String::new()
                } else {
                    value.into_owned()
                };
                let kind = Kind::Scalar { text, plain };
                (Node { line, kind }, (anchor > 0).then_some(anchor))
            }
            Event::SequenceStart(_, anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        line,
                        message: format!("nested deeper than {MAX_DEPTH} levels"),
                    });
                }
                stack.push(Open::Seq(Vec::new(), line, (anchor > 0).then_some(anchor)));
                continue;
            }
            Event::MappingStart(_, anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        line,
                        message: format!("nested deeper than {MAX_DEPTH} levels"),
                    });
                }
                stack.push(Open::Map(
                    Vec::new(),
                    None,
                    line,
                    (anchor > 0).then_some(anchor),
                ));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(items, l, anchor)) => (
                    Node {
                        line: l,
                        kind: Kind::Seq(items),
                    },
                    anchor,
                ),
                _ => continue,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(entries, _, l, anchor)) => (
                    Node {
                        line: l,
                        kind: Kind::Map(merge_keys(entries)),
                    },
                    anchor,
                ),
                _ => continue,
            },
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        count += 1;
        if count > MAX_NODES {
            return Err(YamlError {
                line,
                message: format!("more than {MAX_NODES} nodes (aliases expanded)"),
            });
        }
        if let Some(a) = anchor {
            anchors.insert(a, node.clone());
        }
        match stack.last_mut() {
            None => current = Some(node),
            Some(Open::Seq(items, ..)) => items.push(node),
            Some(Open::Map(entries, key, ..)) => match key.take() {
                None => {
                    let k = match &node.kind {
                        Kind::Scalar { text, .. } => text.clone(),
                        _ => "?".to_string(),
                    };
                    *key = Some((k, node.line));
                }
                Some((k, key_line)) => {
                    let mut node = node;
                    // An empty value is positioned at the next token; it belongs to its key's line.
                    if matches!(&node.kind, Kind::Scalar { text, plain: true } if text.is_empty()) {
                        node.line = key_line;
                    }
                    entries.push((k, node))
                }
            },
        }
    }
    Ok(docs)
}

/// The first document of a stream (`None` when it is empty).
pub(crate) fn load(text: &str) -> Result<Option<Node>, YamlError> {
    Ok(load_all(text)?.into_iter().flatten().next())
}

/// YAML 1.1 merge keys (`<<: *base`): entries of the merged maps that the
/// map does not set itself.
fn merge_keys(entries: Vec<(String, Node)>) -> Vec<(String, Node)> {
    if !entries.iter().any(|(k, _)| k == "<<") {
        return entries;
    }
    let mut own: Vec<(String, Node)> = Vec::new();
    let mut merged: Vec<(String, Node)> = Vec::new();
    for (k, v) in entries {
        if k != "<<" {
            own.push((k, v));
            continue;
        }
        let sources: Vec<Node> = match v.kind {
            Kind::Seq(items) => items,
            other => vec![Node {
                line: v.line,
                kind: other,
            }],
        };
        for s in sources {
            if let Kind::Map(e) = s.kind {
                for (mk, mv) in e {
                    if !merged.iter().any(|(x, _)| *x == mk) {
                        merged.push((mk, mv));
                    }
                }
            }
        }
    }
    for (k, v) in merged {
        if !own.iter().any(|(x, _)| *x == k) {
            own.push((k, v));
        }
    }
    own
}

fn size(n: &Node) -> usize {
    match &n.kind {
        Kind::Scalar { .. } => 1,
        Kind::Seq(v) => 1 + v.iter().map(size).sum::<usize>(),
        Kind::Map(v) => 1 + v.iter().map(|(_, x)| size(x)).sum::<usize>(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_resolution() {
        let n = load("a: 1\nb:\n  - x\n  - \"y\"\nc:\nd: 1.1155111e+07\ne: yes\n")
            .unwrap()
            .unwrap();
        assert_eq!(n.get("b").unwrap().line, 3);
        assert_eq!(n.get("b").unwrap().items()[1].line, 4);
        assert_eq!(n.get("c").unwrap().str(), None);
        assert_eq!(n.to_json()["a"], serde_json::json!(1));
        assert_eq!(n.to_json()["d"], serde_json::json!(11155111.0));
        assert_eq!(n.to_json()["e"], serde_json::json!(true));
    }

    #[test]
    fn anchors_and_merges() {
        let n = load("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n")
            .unwrap()
            .unwrap();
        assert_eq!(n.to_json()["m"], serde_json::json!({"x": 1, "y": 3}));
    }

    #[test]
    fn bad_yaml_is_an_error() {
        assert!(load("a: [1, 2\n").is_err());
    }
}
