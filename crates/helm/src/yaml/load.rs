//! Reading one YAML document as go-yaml v2 decodes it into `interface{}`.
//!
//! The event stream comes from `granit-parser`; this module builds the node
//! graph (anchors, aliases), then decodes it with go-yaml v2's rules: YAML 1.1
//! scalar resolution, merge keys applied in document order, timestamps kept
//! as strings, aliases expanded with the same "excessive aliasing" guard, and
//! a depth limit of our own so hostile input cannot exhaust the stack.

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, ScanError};

use super::error::{YamlError, control_char_error, directive_error, scan_error};
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

#[derive(Debug)]
enum Node {
    Scalar {
        value: String,
        /// Plain (unquoted, untagged or `!`-less) scalars are resolved.
        plain: bool,
        tag: Option<String>,
    },
    Seq(Vec<usize>),
    Map(Vec<(usize, usize)>),
    Alias {
        target: usize,
        name: String,
    },
}

/// Nesting the parser accepts (go-yaml allows 10000; the decoder's
/// recursion and [`Limits::max_depth`] stay far below stack limits).
pub(crate) const MAX_PARSE_NESTING: usize = 1000;

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
    if let Some(e) = control_char_error(text).or_else(|| directive_error(text)) {
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

/// Where libyaml (go-yaml) is more lenient than granit, the text is adjusted
/// to a form both read the same way and parsed again, a bounded number of
/// times: a comment right after a quoted scalar (`"a"#c`) gets the space
/// granit wants, and the `\'` escape libyaml allows in double quotes
/// becomes a plain `'`.
fn build_lenient(text: &str) -> Result<Graph, YamlError> {
    let mut owned: Option<String> = None;
    for _ in 0..64 {
        let current = owned.as_deref().unwrap_or(text);
        let e = match build_raw(current) {
            Ok(g) => return Ok(g),
            Err(BuildError::Yaml(e)) => return Err(e),
            Err(BuildError::Scan(e)) => e,
        };
        let at = e.marker().index();
        let mut chars: Vec<char> = current.chars().collect();
        let fixed = match e.kind() {
            granit_parser::ErrorKind::CommentNotSeparated
                if at > 0
                    && chars.get(at) == Some(&'#')
                    && matches!(chars.get(at - 1), Some('"' | '\'')) =>
            {
                chars.insert(at, ' ');
                true
            }
            granit_parser::ErrorKind::UnknownQuotedScalarEscape => {
                match first_bad_escape(&chars, at) {
                    Some(i) if chars.get(i + 1) == Some(&'\'') => {
                        chars.remove(i);
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        if !fixed {
            return Err(scan_err(text, &e));
        }
        owned = Some(chars.into_iter().collect());
    }
    match build_raw(owned.as_deref().unwrap_or(text)) {
        Ok(g) => Ok(g),
        Err(BuildError::Yaml(e)) => Err(e),
        Err(BuildError::Scan(e)) => Err(scan_err(text, &e)),
    }
}

/// The index of the backslash of the first escape YAML 1.2 does not know
/// (or whose hex digits are wrong), in the double-quoted scalar opening at
/// `open`.
pub(crate) fn first_bad_escape(chars: &[char], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => return None,
            '\\' => {
                let known = matches!(
                    chars.get(i + 1),
                    Some(
                        '0' | 'a'
                            | 'b'
                            | 't'
                            | '\t'
                            | 'n'
                            | 'v'
                            | 'f'
                            | 'r'
                            | 'e'
                            | ' '
                            | '"'
                            | '/'
                            | '\\'
                            | 'N'
                            | '_'
                            | 'L'
                            | 'P'
                            | 'x'
                            | 'u'
                            | 'U'
                            | '\n'
                            | '\r'
                    )
                );
                if !known {
                    return Some(i);
                }
                let digits = match chars.get(i + 1) {
                    Some('x') => 2,
                    Some('u') => 4,
                    Some('U') => 8,
                    _ => 0,
                };
                let hex_ok =
                    (0..digits).all(|k| chars.get(i + 2 + k).is_some_and(char::is_ascii_hexdigit));
                if !hex_ok {
                    return Some(i);
                }
                i += 2 + digits;
            }
            _ => i += 1,
        }
    }
    None
}

/// A failure while building the node graph.
enum BuildError {
    Scan(ScanError),
    Yaml(YamlError),
}

struct Graph {
    nodes: Vec<Node>,
    root: Option<usize>,
}

enum Open {
    Seq(usize),
    Map(usize, Option<usize>),
}

fn build_raw(text: &str) -> Result<Graph, BuildError> {
    let options = granit_parser::options! {
        emit_anchor_events: true,
        emit_unresolved_aliases: true,
        emit_comments: false,
        flow_nesting_limit: MAX_PARSE_NESTING,
        block_nesting_limit: MAX_PARSE_NESTING,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut nodes: Vec<Node> = Vec::new();
    let mut anchors: HashMap<usize, usize> = HashMap::new();
    let mut names: HashMap<usize, String> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<usize> = None;
    let mut in_doc = false;
    let mut last_node: Option<usize> = None;
    loop {
        let (event, span) = match parser.next() {
            None => break,
            Some(Ok(e)) => e,
            Some(Err(e)) => return Err(BuildError::Scan(e)),
        };
        let new_node = match event {
            Event::StreamStart => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_, version) => {
                if root.is_some() {
                    // go-yaml's Unmarshal stops after the first document.
                    break;
                }
                if let Some(v) = version
                    && (v.major, v.minor) != (1, 1)
                {
                    // go-yaml (libyaml 0.1) reads YAML 1.1 documents only.
                    return Err(BuildError::Yaml(parser_error_at(
                        text,
                        text.find("%YAML").unwrap_or(0),
                        "found incompatible YAML document",
                    )));
                }
                in_doc = true;
                continue;
            }
            Event::DocumentEnd => {
                if in_doc {
                    break;
                }
                continue;
            }
            Event::Anchor(id, name) => {
                check_anchor_name(text, &span, &name)?;
                if let Some(n) = last_node {
                    anchors.insert(id, n);
                    names.insert(id, name.into_owned());
                }
                continue;
            }
            Event::Alias(id) => {
                if let Some(name) = span.slice(text) {
                    check_anchor_name(text, &span, name.trim_start_matches('*'))?;
                }
                let Some(&target) = anchors.get(&id) else {
                    return Err(BuildError::Yaml(YamlError::syntax(
                        "yaml: unknown anchor referenced".into(),
                    )));
                };
                let name = names.get(&id).cloned().unwrap_or_default();
                nodes.push(Node::Alias { target, name });
                nodes.len() - 1
            }
            Event::UnresolvedAlias(name) => {
                return Err(BuildError::Yaml(YamlError::syntax(format!(
                    "yaml: unknown anchor '{name}' referenced"
                ))));
            }
            Event::Scalar(value, style, _anchor, tag) => {
                if style == ScalarStyle::DoubleQuoted {
                    check_escapes(text, &span)?;
                }
                let tag = tag.map(|t| format!("{}{}", t.handle(), t.suffix()));
                let plain = match (&tag, style) {
                    (None, ScalarStyle::Plain) => true,
                    // `!` alone forces a string; other tags resolve.
                    (Some(t), _) => t != "!",
                    _ => false,
                };
                nodes.push(Node::Scalar {
                    value: value.into_owned(),
                    plain,
                    tag,
                });
                nodes.len() - 1
            }
            Event::SequenceStart(..) => {
                nodes.push(Node::Seq(Vec::new()));
                let id = nodes.len() - 1;
                attach(&mut nodes, &mut stack, &mut root, id);
                stack.push(Open::Seq(id));
                last_node = Some(id);
                continue;
            }
            Event::MappingStart(..) => {
                nodes.push(Node::Map(Vec::new()));
                let id = nodes.len() - 1;
                attach(&mut nodes, &mut stack, &mut root, id);
                stack.push(Open::Map(id, None));
                last_node = Some(id);
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                continue;
            }
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        attach(&mut nodes, &mut stack, &mut root, new_node);
        last_node = Some(new_node);
    }
    Ok(Graph { nodes, root })
}

/// go-yaml (libyaml 0.1) does not know YAML 1.2's `\/` escape, which the
/// parser accepts: refuse it as libyaml does.
fn check_escapes(text: &str, span: &granit_parser::Span) -> Result<(), BuildError> {
    let (Some(start), Some(end)) = (span.start.byte_offset(), span.end.byte_offset()) else {
        return Ok(());
    };
    let Some(source) = text.get(start..end) else {
        return Ok(());
    };
    let mut chars = source.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        if let Some((_, '/')) = chars.next() {
            let index = text[..start + i].matches('\n').count();
            let message = if index == 0 {
                "yaml: found unknown escape character".to_string()
            } else {
                format!("yaml: line {}: found unknown escape character", index + 1)
            };
            return Err(BuildError::Yaml(YamlError::syntax(message)));
        }
    }
    Ok(())
}

/// A libyaml parser error at byte `at`: the line is its 0-based index,
/// omitted when 0.
fn parser_error_at(text: &str, at: usize, problem: &str) -> YamlError {
    let index = text.get(..at).map_or(0, |t| t.matches('\n').count());
    if index == 0 {
        YamlError::syntax(format!("yaml: {problem}"))
    } else {
        YamlError::syntax(format!("yaml: line {index}: {problem}"))
    }
}

/// libyaml's anchor and alias names are `[0-9A-Za-z_-]+`, ended by a blank
/// or one of `?:,]}%@` and a backquote; YAML 1.2 (and granit) allow more.
/// The first character libyaml would stop at and refuse makes the same
/// error; names cut short by an allowed terminator are left to the parser
/// (a known divergence).
fn check_anchor_name(text: &str, span: &granit_parser::Span, name: &str) -> Result<(), BuildError> {
    let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    else {
        return Ok(());
    };
    if matches!(bad, '?' | ':' | ',' | ']' | '}' | '%' | '@' | '`') {
        return Ok(());
    }
    let at = span.start.byte_offset().unwrap_or(0);
    let index = text.get(..at).map_or(0, |t| t.matches('\n').count());
    let problem = "did not find expected alphabetic or numeric character";
    Err(BuildError::Yaml(YamlError::syntax(if index == 0 {
        format!("yaml: {problem}")
    } else {
        format!("yaml: line {}: {problem}", index + 1)
    })))
}

/// Adds a finished or just-opened node to its parent.
fn attach(nodes: &mut [Node], stack: &mut [Open], root: &mut Option<usize>, id: usize) {
    match stack.last_mut() {
        None => {
            if root.is_none() {
                *root = Some(id);
            }
        }
        Some(Open::Seq(s)) => {
            if let Some(Node::Seq(items)) = nodes.get_mut(*s) {
                items.push(id);
            }
        }
        Some(Open::Map(m, pending)) => match pending.take() {
            None => *pending = Some(id),
            Some(key) => {
                if let Some(Node::Map(pairs)) = nodes.get_mut(*m) {
                    pairs.push((key, id));
                }
            }
        },
    }
}

fn scan_err(text: &str, e: &ScanError) -> YamlError {
    scan_error(text, e)
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
