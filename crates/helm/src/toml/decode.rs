//! Helm's `fromToml`: BurntSushi/toml (v1.6) decoding a document into
//! `map[string]interface{}`, or `{"Error": <message>}` when it fails.
//!
//! Types are Go's after that decoder: integers int64, floats float64,
//! date-times `time.Time` (see [`super::time`]), arrays `[]interface{}`,
//! tables maps. Its key rules are kept, including the lenient ones (a
//! table header may reopen a table that dotted keys created). Errors are
//! `toml: line N (last key "k"): message` with the decoder's messages for
//! the common mistakes. Tables, keys and arrays are parsed here; scalars
//! in [`scalar`], strings in [`strings`].
//!
//! Known differences: `[[x]]` sections are `[]interface {}` here, not Go's
//! `[]map[string]interface {}` (only `printf "%T"` shows it); date-times
//! print and compare like Go's but have no `time.Time` methods.

use std::collections::{BTreeMap, HashSet};

use capstan_gotmpl::{Map, Value};

mod scalar;
mod strings;

/// Nesting of arrays and inline tables accepted (guards the recursion).
const MAX_DEPTH: usize = 500;

/// Helm's `fromToml`.
pub fn from_toml(text: &str) -> Value {
    match parse_toml(text) {
        Ok(m) => Value::map(m),
        Err(e) => {
            let mut m = Map::new();
            m.insert("Error".to_string(), Value::from(e));
            Value::map(m)
        }
    }
}

/// Decodes a TOML document; the error is BurntSushi's message.
pub fn parse_toml(text: &str) -> Result<Map, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.as_bytes().iter().take(6).any(|b| *b == 0) {
        return Err("toml: line 1: files cannot contain NULL bytes; probably using UTF-16; TOML files must be UTF-8".into());
    }
    let mut p = Parser {
        s: text,
        pos: 0,
        root: Table::new(),
        context: Vec::new(),
        current_key: String::new(),
        implicit: HashSet::new(),
    };
    p.document().map_err(|e| e.text())?;
    Ok(table_value(p.root))
}

enum Node {
    Val(Value),
    Table(Table),
    /// `[[name]]` sections.
    Tables(Vec<Table>),
}

type Table = BTreeMap<String, Node>;

fn table_value(t: Table) -> Map {
    t.into_iter().map(|(k, v)| (k, node_value(v))).collect()
}

fn node_value(n: Node) -> Value {
    match n {
        Node::Val(v) => v,
        Node::Table(t) => Value::map(table_value(t)),
        Node::Tables(ts) => {
            Value::list(ts.into_iter().map(|t| Value::map(table_value(t))).collect())
        }
    }
}

struct Error {
    line: usize,
    last_key: String,
    message: String,
}

impl Error {
    fn text(&self) -> String {
        if self.last_key.is_empty() {
            format!("toml: line {}: {}", self.line, self.message)
        } else {
            format!(
                "toml: line {} (last key {}): {}",
                self.line,
                crate::json::go_quote(&self.last_key),
                self.message
            )
        }
    }
}

type Result<T, E = Error> = std::result::Result<T, E>;

struct Parser<'a> {
    s: &'a str,
    pos: usize,
    root: Table,
    context: Vec<String>,
    current_key: String,
    implicit: HashSet<Vec<String>>,
}

/// Go's `%q` of a rune.
fn rune_q(c: char) -> String {
    match c {
        '\'' => "'\\''".to_string(),
        _ => {
            let q = crate::json::go_quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1].replace("\\\"", "\""))
        }
    }
}

fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.s[self.pos..].chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn line_at(&self, pos: usize) -> usize {
        let pos = pos.min(self.s.len());
        let mut line = 1 + self.s.as_bytes()[..pos]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        // At the end of input the decoder stays on the last line.
        if pos == self.s.len() && self.s.ends_with('\n') {
            line -= 1;
        }
        line
    }

    /// An error about the character at the cursor: the decoder's lexer has
    /// consumed it (a newline counts on the next line).
    fn err_char(&self, message: impl Into<String>) -> Error {
        let next = self.peek().map_or(0, char::len_utf8);
        let end = (self.pos + next).min(self.s.len());
        let line = 1 + self.s.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        Error {
            line,
            last_key: self.last_key(),
            message: message.into(),
        }
    }

    fn last_key(&self) -> String {
        let ctx = key_string(&self.context);
        let cur = quote_part(&self.current_key);
        match (self.current_key.is_empty(), ctx.is_empty()) {
            (true, _) => ctx,
            (false, true) => cur,
            (false, false) => format!("{ctx}.{cur}"),
        }
    }

    fn err_at(&self, pos: usize, message: impl Into<String>) -> Error {
        Error {
            line: self.line_at(pos),
            last_key: self.last_key(),
            message: message.into(),
        }
    }

    fn err(&self, message: impl Into<String>) -> Error {
        self.err_at(self.pos, message)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    fn skip_comment(&mut self) -> Result<()> {
        if self.peek() == Some('#') {
            while let Some(c) = self.peek() {
                if c == '\n' || (c == '\r' && self.peek_at(1) == Some('\n')) {
                    break;
                }
                if (c < ' ' && c != '\t') || c == '\u{7f}' {
                    return Err(self.err(format!(
                        "TOML files cannot contain control characters: '0x{:02x}'",
                        c as u32
                    )));
                }
                self.bump();
            }
        }
        Ok(())
    }

    /// Whitespace, comments and newlines (inside arrays).
    fn skip_space(&mut self) -> Result<()> {
        loop {
            self.skip_ws();
            self.skip_comment()?;
            match self.peek() {
                Some('\n') => self.pos += 1,
                Some('\r') if self.peek_at(1) == Some('\n') => self.pos += 2,
                _ => return Ok(()),
            }
        }
    }

    fn document(&mut self) -> Result<()> {
        loop {
            self.skip_space()?;
            let Some(c) = self.peek() else { return Ok(()) };
            if c == '[' {
                self.table_header()?;
            } else {
                self.key_value_line()?;
            }
            self.skip_ws();
            self.skip_comment()?;
            match self.peek() {
                None | Some('\n') => {}
                Some('\r') if self.peek_at(1) == Some('\n') => {}
                Some(c) => {
                    return Err(self.err_char(format!(
                        "expected a top-level item to end with a newline, comment, or EOF, but got {} instead",
                        rune_q(c)
                    )));
                }
            }
        }
    }

    fn table_header(&mut self) -> Result<()> {
        self.bump();
        let array = self.peek() == Some('[');
        if array {
            self.bump();
        }
        self.skip_ws();
        let start = self.pos;
        if self.peek() == Some(']') {
            return Err(self.err("unexpected end of table name (table names cannot be empty)"));
        }
        if self.peek() == Some('.') {
            return Err(self.err("unexpected table separator (table names cannot be empty)"));
        }
        let mut key = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(c) if is_bare(c) || c == '"' || c == '\'' => {}
                Some(c) => {
                    return Err(self.err_char(format!(
                        "expected '.' or ']' to end table name, but got {} instead",
                        rune_q(c)
                    )));
                }
                None => {
                    return Err(
                        self.err("expected '.' or ']' to end table name, but got '\\x00' instead")
                    );
                }
            }
            key.push(self.simple_key()?);
            self.skip_ws();
            match self.peek() {
                Some('.') => {
                    self.bump();
                }
                Some(']') => break,
                Some(c) => {
                    return Err(self.err_char(format!(
                        "expected '.' or ']' to end table name, but got {} instead",
                        rune_q(c)
                    )));
                }
                None => {
                    return Err(
                        self.err("expected '.' or ']' to end table name, but got '\\x00' instead")
                    );
                }
            }
        }
        self.bump();
        if array {
            match self.peek() {
                Some(']') => {
                    self.bump();
                }
                Some(c) => {
                    return Err(self.err_char(format!(
                        "expected end of table array name delimiter ']', but got {} instead",
                        rune_q(c)
                    )));
                }
                None => return Err(self.err("unexpected EOF")),
            }
        }
        self.current_key.clear();
        self.add_context(&key, array, start)
    }

    /// One bare or quoted key part.
    fn simple_key(&mut self) -> Result<String> {
        match self.peek() {
            Some('"') => {
                self.bump();
                self.basic_string(false)
            }
            Some('\'') => {
                self.bump();
                self.literal_string(false)
            }
            Some(c) if is_bare(c) => {
                let start = self.pos;
                while self.peek().is_some_and(is_bare) {
                    self.bump();
                }
                Ok(self.s[start..self.pos].to_string())
            }
            Some('=') => Err(self.err("unexpected '=': key name appears blank")),
            Some('.') => Err(self.err("unexpected '.': keys cannot start with a '.'")),
            Some(c) => Err(self.err(format!(
                "expected '.' or '=', but got {} instead",
                rune_q(c)
            ))),
            None => Err(self.err("unexpected EOF; expected key separator '='")),
        }
    }

    /// `a.b."c" = ` up to the separator.
    fn dotted_key(&mut self) -> Result<Vec<String>> {
        let mut key = vec![self.simple_key()?];
        loop {
            self.skip_ws();
            match self.peek() {
                Some('.') => {
                    self.bump();
                    self.skip_ws();
                    match self.peek() {
                        Some('=') => return Err(self.err("unexpected '='")),
                        Some('.') => return Err(self.err("unexpected '.'")),
                        _ => key.push(self.simple_key()?),
                    }
                }
                Some('=') => {
                    self.bump();
                    return Ok(key);
                }
                None => return Err(self.err("unexpected EOF; expected key separator '='")),
                Some(c) => {
                    return Err(self.err(format!(
                        "expected '.' or '=', but got {} instead",
                        rune_q(c)
                    )));
                }
            }
        }
    }

    fn key_value_line(&mut self) -> Result<()> {
        let key_pos = self.pos;
        let key = self.dotted_key()?;
        let outer = self.context.clone();
        let (last, parents) = key
            .split_last()
            .map(|(l, p)| (l.clone(), p.to_vec()))
            .unwrap_or_default();
        self.current_key = last.clone();
        for part in &parents {
            let mut path = self.context.clone();
            path.push(part.clone());
            self.implicit.insert(path.clone());
            let saved = std::mem::take(&mut self.current_key);
            self.add_context(&path_rel(&path), false, key_pos)?;
            self.current_key = saved;
        }
        self.skip_ws();
        let value = self.value(0)?;
        self.set_value(&last, value, key_pos)?;
        self.context = outer;
        self.current_key.clear();
        Ok(())
    }

    /// The table `path` (from the root) for writing, following the last
    /// table of `[[arrays]]`.
    fn table_mut(&mut self, path: &[String], pos: usize) -> Result<&mut Table> {
        let line = self.line_at(pos);
        let last_key = self.last_key();
        let mut t = &mut self.root;
        for (i, k) in path.iter().enumerate() {
            t = match t.get_mut(k) {
                Some(Node::Table(next)) => next,
                Some(Node::Tables(list)) if !list.is_empty() => {
                    let n = list.len() - 1;
                    &mut list[n]
                }
                _ => {
                    return Err(Error {
                        line,
                        last_key,
                        message: format!(
                            "Key '{}' has already been defined.",
                            key_string(&path[..=i])
                        ),
                    });
                }
            };
        }
        Ok(t)
    }

    fn set_value(&mut self, key: &str, value: Node, pos: usize) -> Result<()> {
        let mut full = self.context.clone();
        full.push(key.to_string());
        let implicit = self.implicit.contains(&full);
        let ctx = self.context.clone();
        let err = self.err_at(
            pos,
            format!("Key '{}' has already been defined.", key_string(&full)),
        );
        let t = self.table_mut(&ctx, pos)?;
        match t.get(key) {
            None => {
                t.insert(key.to_string(), value);
                Ok(())
            }
            Some(_) if implicit => {
                self.implicit.remove(&full);
                Ok(())
            }
            Some(_) => Err(err),
        }
    }

    /// A `[table]` or `[[table]]` header (or a dotted key's parent) becomes
    /// the context.
    fn add_context(&mut self, key: &[String], array: bool, pos: usize) -> Result<()> {
        let Some((last, parents)) = key.split_last() else {
            return Ok(());
        };
        let mut path: Vec<String> = Vec::new();
        for k in parents {
            path.push(k.clone());
            let line = self.line_at(pos);
            let last_key = self.last_key();
            let mut implicit_new = false;
            {
                let t = self.table_mut(&path[..path.len() - 1], pos)?;
                match t.get(k) {
                    None => {
                        t.insert(k.clone(), Node::Table(Table::new()));
                        implicit_new = true;
                    }
                    Some(Node::Table(_)) | Some(Node::Tables(_)) => {}
                    Some(Node::Val(_)) => {
                        return Err(Error {
                            line,
                            last_key,
                            message: format!(
                                "Key '{}' was already created as a hash.",
                                key_string(&path)
                            ),
                        });
                    }
                }
            }
            if implicit_new {
                self.implicit.insert(path.clone());
            }
        }
        self.context = path.clone();
        if array {
            let err = self.err_at(
                pos,
                format!(
                    "Key '{}' was already created and cannot be used as an array.",
                    key_string(key)
                ),
            );
            let t = self.table_mut(&path, pos)?;
            match t.get_mut(last) {
                None => {
                    t.insert(last.clone(), Node::Tables(vec![Table::new()]));
                }
                Some(Node::Tables(list)) => list.push(Table::new()),
                Some(_) => return Err(err),
            }
        } else {
            self.set_value(last, Node::Table(Table::new()), pos)?;
        }
        self.context.push(last.clone());
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Node> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        let start = self.pos;
        match self.peek() {
            None => Err(self.err("unexpected EOF; expected value")),
            Some('"') => {
                self.bump();
                let multi = self.s[self.pos..].starts_with("\"\"");
                if multi {
                    self.pos += 2;
                }
                Ok(Node::Val(Value::from(self.basic_string(multi)?)))
            }
            Some('\'') => {
                self.bump();
                let multi = self.s[self.pos..].starts_with("''");
                if multi {
                    self.pos += 2;
                }
                Ok(Node::Val(Value::from(self.literal_string(multi)?)))
            }
            Some('[') => {
                self.bump();
                self.array(depth)
            }
            Some('{') => {
                self.bump();
                self.inline_table(depth)
            }
            Some('.') => Err(self.err("floats must start with a digit, not '.'")),
            Some(c) if c.is_ascii_alphabetic() => {
                // true, false, inf, nan: the decoder reads letters only.
                while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.bump();
                }
                let word = &self.s[start..self.pos];
                self.scalar(word, start)
            }
            Some(c) if c == '+' || c == '-' => {
                self.bump();
                match self.peek() {
                    Some(d) if d.is_ascii_digit() => {
                        self.number_chars();
                    }
                    Some('i' | 'n') => {
                        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                            self.bump();
                        }
                    }
                    Some(other) => {
                        return Err(
                            self.err_char(format!("expected a digit but got {}", rune_q(other)))
                        );
                    }
                    None => return Err(self.err("expected a digit but got end of file")),
                }
                let word = &self.s[start..self.pos];
                self.scalar(word, start)
            }
            Some(c) if c.is_ascii_digit() => {
                self.number_chars();
                let word = &self.s[start..self.pos];
                self.scalar(word, start)
            }
            Some(c) => Err(self.err(format!("expected value but found {} instead", rune_q(c)))),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node> {
        let mut items = Vec::new();
        loop {
            self.skip_space()?;
            match self.peek() {
                Some(']') => {
                    self.bump();
                    return Ok(Node::Val(Value::list(items)));
                }
                Some(',') => return Err(self.err("unexpected comma")),
                _ => {}
            }
            items.push(node_value(self.value(depth + 1)?));
            self.skip_space()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(']') => {}
                Some(c) => {
                    return Err(self.err_char(format!(
                        "expected a comma (',') or array terminator (']'), but got {}",
                        rune_q(c)
                    )));
                }
                None => {
                    return Err(self.err(
                        "expected a comma (',') or array terminator (']'), but got end of file",
                    ));
                }
            }
        }
    }

    fn inline_table(&mut self, depth: usize) -> Result<Node> {
        // Errors inside name the inline table's key and the inner key.
        let saved_context = self.context.clone();
        let saved_key = std::mem::take(&mut self.current_key);
        if !saved_key.is_empty() {
            self.context.push(saved_key.clone());
        }
        let result = self.inline_body(depth);
        self.context = saved_context;
        self.current_key = saved_key;
        result
    }

    fn inline_body(&mut self, depth: usize) -> Result<Node> {
        let mut t = Table::new();
        let mut first = true;
        loop {
            self.skip_space()?;
            match self.peek() {
                Some('}') => {
                    self.bump();
                    return Ok(Node::Table(t));
                }
                Some(',') if first => return Err(self.err("unexpected comma")),
                _ => {}
            }
            let pos = self.pos;
            let key = self.dotted_key()?;
            self.current_key = key.join(".");
            self.skip_ws();
            let value = self.value(depth + 1)?;
            insert_dotted(&mut t, &key, value).map_err(|k| {
                let mut full = self.context.clone();
                full.push(k);
                self.err_at(
                    pos,
                    format!("Key '{}' has already been defined.", key_string(&full)),
                )
            })?;
            first = false;
            self.skip_space()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {}
                Some(c) => {
                    return Err(self.err_char(format!(
                        "expected a comma or an inline table terminator '}}', but got {} instead",
                        rune_q(c)
                    )));
                }
                None => {
                    return Err(self.err(
                        "expected a comma or an inline table terminator '}', but got end of file instead",
                    ));
                }
            }
        }
    }
}

fn path_rel(path: &[String]) -> Vec<String> {
    path.to_vec()
}

/// Sets `a.b.c = v` inside an inline table; `Err` names the clashing key.
fn insert_dotted(t: &mut Table, key: &[String], value: Node) -> std::result::Result<(), String> {
    let Some((last, parents)) = key.split_last() else {
        return Ok(());
    };
    let mut cur = t;
    for (i, k) in parents.iter().enumerate() {
        let entry = cur
            .entry(k.clone())
            .or_insert_with(|| Node::Table(Table::new()));
        cur = match entry {
            Node::Table(next) => next,
            _ => return Err(key[..=i].join(".")),
        };
    }
    if cur.contains_key(last) {
        return Err(key.join("."));
    }
    cur.insert(last.clone(), value);
    Ok(())
}

/// A key part as Go's `Key.String` writes it: quoted unless bare.
fn quote_part(k: &str) -> String {
    if !k.is_empty() && k.chars().all(is_bare) {
        k.to_string()
    } else {
        format!("\"{}\"", k.replace('"', "\\\""))
    }
}

/// A dotted key as Go's `Key.String` writes it.
fn key_string(parts: &[String]) -> String {
    parts
        .iter()
        .map(|p| quote_part(p))
        .collect::<Vec<_>>()
        .join(".")
}
