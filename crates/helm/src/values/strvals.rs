//! Helm's `--set` syntax (`pkg/strvals`): `a.b=c,d[0]=e,f={x,y}`, parsed
//! into an existing values map in place, as the `--set` family does.
//!
//! One parser serves the five flags through [`Mode`]: `--set` (typed
//! scalars: `true`/`false`/`null` any case, integers as int64 unless they
//! start with `0`), `--set-string` (all strings), `--set-json` (each value
//! is one JSON document), `--set-file` (each value names a file whose text
//! becomes the value) and `--set-literal` (no escapes, no commas, the
//! value is the rest of the text).
//!
//! Helm's parser has quirks that are part of its behaviour and reproduced
//! here: running out of input in most places ends parsing *successfully*
//! (`a[0]` and `a[1` set nothing), a backslash escapes any character,
//! a key over an existing value of the wrong kind fails with the Go panic
//! text Helm recovers (`unable to parse key: interface conversion: ...`),
//! list indexes above 65536 and names nested deeper than 30 are refused.

use capstan_gotmpl::{Map, Value};

/// Go's `%q` of a `[]rune`: each rune quoted, in brackets (`['b' 'c']`).
fn quote_runes(s: &str) -> String {
    let parts: Vec<String> = s
        .chars()
        .map(|c| match c {
            '\'' => "'\\''".to_string(),
            '\\' => "'\\\\'".to_string(),
            c => {
                let q = quote(&c.to_string());
                format!("'{}'", &q[1..q.len() - 1])
            }
        })
        .collect();
    format!("[{}]", parts.join(" "))
}

/// Go's `strconv.Quote` (`%q`) for the key names in error messages.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Helm's `MaxIndex`.
pub const MAX_INDEX: i64 = 65536;
/// Helm's `MaxNestedNameLevel`.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// Reads the file named by a `--set-file` value.
pub type FileReader<'a> = dyn FnMut(&str) -> Result<String, String> + 'a;

/// Which flag's rules to parse with.
pub enum Mode<'a> {
    /// `--set`.
    Typed,
    /// `--set-string`.
    Strings,
    /// `--set-json` (after Helm's check for a whole `{...}` object).
    Json,
    /// `--set-file`, reading files through the callback.
    File(&'a mut FileReader<'a>),
    /// `--set-literal`.
    Literal,
}

impl std::fmt::Debug for Mode<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mode::Typed => "Typed",
            Mode::Strings => "Strings",
            Mode::Json => "Json",
            Mode::File(_) => "File",
            Mode::Literal => "Literal",
        })
    }
}

/// A parse failure: Helm's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrvalsError(pub String);

impl std::fmt::Display for StrvalsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StrvalsError {}

/// An internal error: Helm treats any error that wraps `io.EOF` as the
/// normal end of input, so that is tracked beside the message.
#[derive(Debug)]
struct Fail {
    msg: String,
    eof: bool,
}

impl Fail {
    fn eof() -> Fail {
        Fail {
            msg: "EOF".to_string(),
            eof: true,
        }
    }
    fn msg(m: impl Into<String>) -> Fail {
        Fail {
            msg: m.into(),
            eof: false,
        }
    }
    /// `fmt.Errorf("...: %w", err)`: keeps the EOF identity.
    fn wrap(self, prefix: &str) -> Fail {
        Fail {
            msg: format!("{prefix}: {}", self.msg),
            eof: self.eof,
        }
    }
}

type R<T> = Result<T, Fail>;

/// Parses `s` into `dest` with the rules of `mode` (Helm's `ParseInto`,
/// `ParseIntoString`, `ParseJSON`, `ParseIntoFile`, `ParseLiteralInto`).
pub fn parse_into(s: &str, dest: &mut Map, mode: Mode<'_>) -> Result<(), StrvalsError> {
    let mut p = Parser {
        s,
        pos: 0,
        mode,
        depth: 0,
    };
    loop {
        match p.key(dest, 0) {
            Ok(()) => {}
            Err(e) if e.eof => return Ok(()),
            Err(e) => return Err(StrvalsError(e.msg)),
        }
    }
}

/// Parses `s` into a new map (Helm's `Parse` family).
pub fn parse(s: &str, mode: Mode<'_>) -> Result<Map, StrvalsError> {
    let mut m = Map::new();
    parse_into(s, &mut m, mode)?;
    Ok(m)
}

struct Parser<'s, 'm> {
    s: &'s str,
    pos: usize,
    mode: Mode<'m>,
    /// Nesting of `key`/`list_item` calls. Helm bounds dotted names only
    /// (30 levels) and relies on Go's growable stacks for `a[0][0]...` and
    /// `a[0].b[0].c...`; here that nesting is capped instead.
    depth: usize,
}

/// Deepest nesting of keys and list indexes accepted in one expression.
const MAX_PARSE_DEPTH: usize = 200;

/// The Go panic Helm recovers when a key meets a value of the wrong kind.
fn conversion_panic(found: &Value, want: &str) -> Fail {
    let found = match found {
        Value::Nil => "nil".to_string(),
        other => other.go_type_name(),
    };
    Fail::msg(format!(
        "unable to parse key: interface conversion: interface {{}} is {found}, not {want}"
    ))
}

const MAP_T: &str = "map[string]interface {}";
const LIST_T: &str = "[]interface {}";

impl Parser<'_, '_> {
    fn literal(&self) -> bool {
        matches!(self.mode, Mode::Literal)
    }

    fn read(&mut self) -> Option<char> {
        let c = self.s[self.pos..].chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn unread(&mut self, c: char) {
        self.pos -= c.len_utf8();
    }

    /// Reads until one of `stop`; backslash escapes the next character
    /// (not in literal mode). `None` as the stop character means the input
    /// ran out.
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            let Some(c) = self.read() else {
                return (v, None);
            };
            if stop.contains(&c) {
                return (v, Some(c));
            }
            if c == '\\' && !self.literal() {
                match self.read() {
                    Some(n) => v.push(n),
                    None => return (v, None),
                }
                continue;
            }
            v.push(c);
        }
    }

    fn key(&mut self, data: &mut Map, level: usize) -> R<()> {
        if self.depth >= MAX_PARSE_DEPTH {
            return Err(too_deep());
        }
        self.depth += 1;
        let r = self.key_inner(data, level);
        self.depth -= 1;
        r
    }

    fn key_inner(&mut self, data: &mut Map, level: usize) -> R<()> {
        let stop: &[char] = if self.literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = self.until(stop);
        let Some(last) = last else {
            if k.is_empty() {
                return Err(Fail::eof());
            }
            return Err(Fail::msg(format!("key {} has no value", quote(&k))));
        };
        match last {
            '[' => {
                let i = self
                    .key_index()
                    .map_err(|e| e.wrap("error parsing index"))?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(Value::List(l)) => l.to_vec(),
                    Some(other) => return Err(conversion_panic(other, LIST_T)),
                };
                let (list, res) = self.list_item(list, i, level);
                set(data, &k, Value::list(list));
                res
            }
            '=' => {
                if self.literal() {
                    let rest = self.s[self.pos..].to_string();
                    self.pos = self.s.len();
                    set(data, &k, Value::str(rest));
                    return Ok(());
                }
                if matches!(self.mode, Mode::Json) {
                    let v = self.json_value()?;
                    set(data, &k, v);
                    return self.after_json();
                }
                match self.val_list() {
                    Ok(vl) => {
                        set(data, &k, Value::list(vl));
                        Ok(())
                    }
                    Err(ListEnd::Eof) => {
                        set(data, &k, Value::str(""));
                        Err(Fail::eof())
                    }
                    Err(ListEnd::NotList) => {
                        let rs = self.val();
                        let v = self.typed(&rs)?;
                        set(data, &k, v);
                        Ok(())
                    }
                    Err(ListEnd::Fail(e)) => Err(e),
                }
            }
            ',' => {
                set(data, &k, Value::str(""));
                Err(Fail::msg(format!(
                    "key {} has no value (cannot end with ,)",
                    quote(&k)
                )))
            }
            _ => {
                // '.'
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(Fail::msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let mut inner = match data.get(&k) {
                    None => Map::new(),
                    Some(Value::Map(m)) => Map::clone(&m.snapshot()),
                    Some(other) => return Err(conversion_panic(other, MAP_T)),
                };
                let res = self.key(&mut inner, level);
                if res.is_ok() && inner.is_empty() {
                    return Err(Fail::msg(format!("key map {} has no value", quote(&k))));
                }
                if !inner.is_empty() {
                    set(data, &k, Value::map(inner));
                }
                res
            }
        }
    }

    fn key_index(&mut self) -> R<i64> {
        let (v, last) = self.until(&[']']);
        if last.is_none() {
            return Err(Fail::eof());
        }
        go_atoi(&v).map_err(Fail::msg)
    }

    /// Go returns the (possibly updated) list together with the error.
    fn list_item(&mut self, list: Vec<Value>, i: i64, level: usize) -> (Vec<Value>, R<()>) {
        if self.depth >= MAX_PARSE_DEPTH {
            return (list, Err(too_deep()));
        }
        self.depth += 1;
        let r = self.list_item_inner(list, i, level);
        self.depth -= 1;
        r
    }

    fn list_item_inner(
        &mut self,
        mut list: Vec<Value>,
        i: i64,
        level: usize,
    ) -> (Vec<Value>, R<()>) {
        if i < 0 {
            return (
                list,
                Err(Fail::msg(format!("negative {i} index not allowed"))),
            );
        }
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return (
                list,
                Err(Fail::msg(format!(
                    "unexpected data at end of array index: {}",
                    quote_runes(&k)
                ))),
            );
        }
        let Some(last) = last else {
            return (list, Err(Fail::eof()));
        };
        match last {
            '=' => {
                let v = if self.literal() {
                    let rest = self.s[self.pos..].to_string();
                    self.pos = self.s.len();
                    Value::str(rest)
                } else if matches!(self.mode, Mode::Json) {
                    let v = match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return (list, Err(e)),
                    };
                    if let Err(e) = set_index(&mut list, i, v) {
                        return (list, Err(e));
                    }
                    let r = self.after_json();
                    return (list, r);
                } else {
                    match self.val_list() {
                        Ok(vl) => Value::list(vl),
                        Err(ListEnd::Eof) => Value::str(""),
                        Err(ListEnd::NotList) => {
                            let rs = self.val();
                            match self.typed(&rs) {
                                Ok(v) => v,
                                Err(e) => return (list, Err(e)),
                            }
                        }
                        Err(ListEnd::Fail(e)) => return (list, Err(e)),
                    }
                };
                let r = set_index(&mut list, i, v);
                (list, r)
            }
            '[' => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e.wrap("error parsing index"))),
                };
                let existing = usize::try_from(i).ok().and_then(|i| list.get(i)).cloned();
                let current = match existing {
                    None | Some(Value::Nil) => Vec::new(),
                    Some(Value::List(l)) => l.to_vec(),
                    Some(other) => return (list, Err(conversion_panic(&other, LIST_T))),
                };
                let (inner, res) = self.list_item(current, next, level);
                if let Err(e) = res {
                    return (list, Err(e));
                }
                let r = set_index(&mut list, i, Value::list(inner));
                (list, r)
            }
            _ => {
                // '.'
                let mut inner = match usize::try_from(i).ok().and_then(|i| list.get(i)) {
                    Some(Value::Map(m)) => Map::clone(&m.snapshot()),
                    _ => Map::new(),
                };
                if let Err(e) = self.key(&mut inner, level) {
                    return (list, Err(e));
                }
                let r = set_index(&mut list, i, Value::map(inner));
                (list, r)
            }
        }
    }

    fn val(&mut self) -> String {
        self.until(&[',']).0
    }

    fn val_list(&mut self) -> Result<Vec<Value>, ListEnd> {
        let Some(c) = self.read() else {
            return Err(ListEnd::Eof);
        };
        if c != '{' {
            self.unread(c);
            return Err(ListEnd::NotList);
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.until(&[',', '}']);
            match last {
                None => {
                    return Err(ListEnd::Fail(Fail::msg("list must terminate with '}'")));
                }
                Some('}') => {
                    if let Some(n) = self.read()
                        && n != ','
                    {
                        self.unread(n);
                    }
                    list.push(self.typed(&rs).map_err(ListEnd::Fail)?);
                    return Ok(list);
                }
                Some(_) => list.push(self.typed(&rs).map_err(ListEnd::Fail)?),
            }
        }
    }

    /// The value read by the mode's reader.
    fn typed(&mut self, rs: &str) -> R<Value> {
        match &mut self.mode {
            Mode::Typed => Ok(typed_val(rs)),
            Mode::File(reader) => reader(rs).map(Value::str).map_err(Fail::msg),
            _ => Ok(Value::str(rs)),
        }
    }

    /// `emptyVal`: the rest up to the next `,` is blank.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(c) => {
                    self.unread(c);
                    return false;
                }
            }
        }
    }

    /// One JSON value (numbers as float64), or `null` when the value is
    /// blank.
    fn json_value(&mut self) -> R<Value> {
        let save = self.pos;
        if self.empty_val() {
            return Ok(Value::Nil);
        }
        let _ = save;
        let rest = &self.s[self.pos..];
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(v)) => {
                self.pos += stream.byte_offset();
                Ok(json_to_value(v, 0)?)
            }
            Some(Err(e)) => Err(Fail::msg(e.to_string())),
            None => Err(Fail::eof()),
        }
    }

    fn after_json(&mut self) -> R<()> {
        self.empty_val();
        Ok(())
    }
}

fn too_deep() -> Fail {
    Fail::msg(format!(
        "value nested level is greater than maximum supported nested level of {MAX_PARSE_DEPTH}"
    ))
}

enum ListEnd {
    Eof,
    NotList,
    Fail(Fail),
}

fn set(data: &mut Map, key: &str, v: Value) {
    if !key.is_empty() {
        data.insert(key.to_string(), v);
    }
}

fn set_index(list: &mut Vec<Value>, index: i64, v: Value) -> R<()> {
    if index < 0 {
        return Err(Fail::msg(format!("negative {index} index not allowed")));
    }
    if index > MAX_INDEX {
        return Err(Fail::msg(format!(
            "index of {index} is greater than maximum supported index of {MAX_INDEX}"
        )));
    }
    let i = index as usize;
    if list.len() <= i {
        list.resize(i + 1, Value::Nil);
    }
    list[i] = v;
    Ok(())
}

/// `strconv.Atoi` with Go's error text.
fn go_atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            quote(s)
        ));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", quote(s)))
}

/// `typedVal` of `--set`.
pub fn typed_val(v: &str) -> Value {
    if v.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if v.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if v.eq_ignore_ascii_case("null") {
        return Value::Nil;
    }
    if v == "0" {
        return Value::Int64(0);
    }
    if !v.is_empty() && !v.starts_with('0') {
        let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(i) = v.parse::<i64>()
        {
            return Value::Int64(i);
        }
    }
    Value::str(v)
}

/// Nesting accepted in a `--set-json` value.
const MAX_JSON_DEPTH: usize = 512;

/// A decoded JSON value as Go's `encoding/json` gives it to `interface{}`.
fn json_to_value(v: serde_json::Value, depth: usize) -> R<Value> {
    if depth > MAX_JSON_DEPTH {
        return Err(Fail::msg("exceeded max depth"));
    }
    Ok(match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(a) => Value::list(
            a.into_iter()
                .map(|x| json_to_value(x, depth + 1))
                .collect::<R<Vec<_>>>()?,
        ),
        serde_json::Value::Object(o) => {
            let mut m = Map::new();
            for (k, x) in o {
                m.insert(k, json_to_value(x, depth + 1)?);
            }
            Value::map(m)
        }
    })
}

/// Decodes a whole JSON object (the `{...}` form of `--set-json`).
pub(crate) fn json_object(s: &str) -> Option<Map> {
    let v: serde_json::Value = serde_json::from_str(s).ok()?;
    match json_to_value(v, 0).ok()? {
        Value::Map(m) => Some(Map::clone(&m.snapshot())),
        Value::Nil => Some(Map::new()),
        _ => None,
    }
}
