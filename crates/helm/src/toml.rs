//! Helm's `toToml`/`mustToToml`: BurntSushi/toml's encoder (v1.6) over
//! template values.
//!
//! The layout follows that encoder: in every table, plain keys first and
//! sub-tables after, each group sorted by bytes; sub-tables as `[a.b]`
//! headers indented two spaces per level below the top, lists whose items
//! are all maps as `[[a]]` sections, any other list inline (`[1, "x"]`,
//! maps inside as `{k = v}`), nil values skipped, floats always with a
//! decimal point or exponent (`1.0`, `1e+06`). Errors are BurntSushi's texts.
//! `fromToml` (reading TOML) is [`decode`]'s.

mod decode;
mod time;

pub use decode::{from_toml, parse_toml};

use std::fmt;

use capstan_gotmpl::{Map, Value};

use crate::json::go_format_g;

/// An encoding error, worded as BurntSushi/toml words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlError {
    message: String,
}

impl TomlError {
    fn new(message: impl Into<String>) -> Self {
        TomlError {
            message: message.into(),
        }
    }

    /// The error text.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TomlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TomlError {}

/// Deepest value encoded (guards the recursion).
const MAX_DEPTH: usize = 500;

/// Helm's `mustToToml`: the TOML text or the encoder's error.
pub fn must_to_toml(v: &Value) -> Result<String, TomlError> {
    let mut e = Encoder {
        out: String::new(),
        written: false,
    };
    e.encode(&mut Vec::new(), v, 0)?;
    Ok(e.out)
}

/// Helm's `toToml`: the TOML text, or the error message itself on failure.
pub fn to_toml(v: &Value) -> String {
    match must_to_toml(v) {
        Ok(s) => s,
        Err(e) => e.message,
    }
}

struct Encoder {
    out: String,
    /// Whether anything was written (the encoder's first newline is skipped).
    written: bool,
}

#[derive(PartialEq, Eq)]
enum Kind {
    Nil,
    Plain,
    Table,
    TableArray,
}

/// BurntSushi's `tomlTypeOfGo`, reduced to what decides the layout. Lists
/// with a nil item are an error as soon as their type is asked for.
fn kind_of(v: &Value) -> Result<Kind, TomlError> {
    Ok(match v {
        Value::Nil => Kind::Nil,
        Value::Map(_) => Kind::Table,
        Value::List(items) => {
            if items.is_empty() {
                return Ok(Kind::Plain);
            }
            let mut all_tables = true;
            for item in items.iter() {
                match kind_of(item)? {
                    Kind::Nil => {
                        return Err(TomlError::new("toml: cannot encode array with nil element"));
                    }
                    Kind::Table => {}
                    _ => all_tables = false,
                }
            }
            if all_tables {
                Kind::TableArray
            } else {
                Kind::Plain
            }
        }
        _ => Kind::Plain,
    })
}

fn bare(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|r| r.is_ascii_alphanumeric() || r == '_' || r == '-')
}

fn quoted_key(k: &str) -> String {
    if k.is_empty() {
        "\"\"".to_string()
    } else if bare(k) {
        k.to_string()
    } else {
        let mut s = String::new();
        quote_into(k, &mut s);
        s
    }
}

fn dotted(key: &[String]) -> String {
    key.iter()
        .map(|k| quoted_key(k))
        .collect::<Vec<_>>()
        .join(".")
}

fn quote_into(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl Encoder {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        self.written = true;
    }

    fn newline(&mut self) {
        if self.written {
            self.write("\n");
        }
    }

    fn indent(key: &[String]) -> String {
        "  ".repeat(key.len().saturating_sub(1))
    }

    fn encode(&mut self, key: &mut Vec<String>, v: &Value, depth: usize) -> Result<(), TomlError> {
        if depth > MAX_DEPTH {
            return Err(TomlError::new("toml: value nested too deeply"));
        }
        match v {
            Value::Nil => Ok(()),
            Value::Map(m) => self.table(key, &m.snapshot(), depth),
            Value::List(items) if kind_of(v)? == Kind::TableArray => {
                if key.is_empty() {
                    return Err(TomlError::new(
                        "toml: top-level values must be Go maps or structs",
                    ));
                }
                for item in items.iter() {
                    if let Value::Map(m) = item {
                        self.newline();
                        let header = format!("{}[[{}]]", Self::indent(key), dotted(key));
                        self.write(&header);
                        self.newline();
                        self.map_body(key, &m.snapshot(), false, depth)?;
                    }
                }
                Ok(())
            }
            Value::Object(o) => Err(TomlError::new(format!(
                "toml: unsupported type for key '{}': {}",
                dotted(key),
                o.type_name()
            ))),
            _ => self.key_value(key, v, false, depth),
        }
    }

    fn table(&mut self, key: &mut Vec<String>, m: &Map, depth: usize) -> Result<(), TomlError> {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            let header = format!("{}[{}]", Self::indent(key), dotted(key));
            self.write(&header);
            self.newline();
        }
        self.map_body(key, m, false, depth)
    }

    fn key_value(
        &mut self,
        key: &[String],
        v: &Value,
        inline: bool,
        depth: usize,
    ) -> Result<(), TomlError> {
        if let Some(last) = key.last() {
            let prefix = format!("{}{} = ", Self::indent(key), quoted_key(last));
            self.write(&prefix);
        }
        self.element(v, depth)?;
        if !inline && !key.is_empty() {
            self.newline();
        }
        Ok(())
    }

    fn map_body(
        &mut self,
        key: &mut Vec<String>,
        m: &Map,
        inline: bool,
        depth: usize,
    ) -> Result<(), TomlError> {
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for (k, v) in m.iter() {
            match kind_of(v)? {
                Kind::Table | Kind::TableArray => sub.push((k, v)),
                _ => direct.push((k, v)),
            }
        }
        if inline {
            self.write("{");
        }
        let trail = !sub.is_empty();
        for (group, trail_comma) in [(direct, trail), (sub, false)] {
            let n = group.len();
            for (i, (k, v)) in group.into_iter().enumerate() {
                if v.is_nil() {
                    continue;
                }
                if inline {
                    self.key_value(std::slice::from_ref(k), v, true, depth + 1)?;
                    if trail_comma || i + 1 != n {
                        self.write(", ");
                    }
                } else {
                    key.push(k.clone());
                    let r = self.encode(key, v, depth + 1);
                    key.pop();
                    r?;
                }
            }
        }
        if inline {
            self.write("}");
        }
        Ok(())
    }

    fn element(&mut self, v: &Value, depth: usize) -> Result<(), TomlError> {
        if depth > MAX_DEPTH {
            return Err(TomlError::new("toml: value nested too deeply"));
        }
        match v {
            Value::String(s) => {
                let mut q = String::new();
                quote_into(s, &mut q);
                self.write(&q);
            }
            Value::Bool(b) => self.write(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.write(&i.to_string()),
            Value::Float(x) => {
                let s = if x.is_nan() {
                    if x.is_sign_negative() { "-nan" } else { "nan" }.to_string()
                } else if x.is_infinite() {
                    if *x < 0.0 { "-inf" } else { "inf" }.to_string()
                } else {
                    let g = go_format_g(*x);
                    if g.contains(['e', '.']) {
                        g
                    } else {
                        format!("{g}.0")
                    }
                };
                self.write(&s);
            }
            Value::Bytes(b) => {
                let items: Vec<String> = b.iter().map(u8::to_string).collect();
                self.write(&format!("[{}]", items.join(", ")));
            }
            Value::List(items) => {
                self.write("[");
                let n = items.len();
                for (i, item) in items.iter().enumerate() {
                    self.element(item, depth + 1)?;
                    if i + 1 != n {
                        self.write(", ");
                    }
                }
                self.write("]");
            }
            Value::Map(m) => self.map_body(&mut Vec::new(), &m.snapshot(), true, depth + 1)?,
            Value::Nil => {
                return Err(TomlError::new("toml: cannot encode a nil value"));
            }
            other => {
                return Err(TomlError::new(format!(
                    "unexpected type: {}",
                    other.go_type_name()
                )));
            }
        }
        Ok(())
    }
}
