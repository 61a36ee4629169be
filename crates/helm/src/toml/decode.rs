//! Helm's `fromToml`: BurntSushi/toml (v1.6) decoding a document into
//! `map[string]interface{}`, or `{"Error": <message>}` when it fails.
//!
//! Types are Go's after that decoder: integers int64, floats float64,
//! date-times `time.Time` (see [`super::time`]), arrays `[]interface{}`,
//! tables maps. Its key rules are kept, including the lenient ones (a
//! table header may reopen a table that dotted keys created). Errors are
//! `toml: line N (last key "k"): message` with the decoder's messages for
//! the common mistakes.
//!
//! Known differences: `[[x]]` sections are `[]interface {}` here, not Go's
//! `[]map[string]interface {}` (only `printf "%T"` shows it); date-times
//! print and compare like Go's but have no `time.Time` methods.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use capstan_gotmpl::{Map, Value};

use super::time::parse_datetime;

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

    /// The rest of a number or date-time, as far as the decoder's lexer
    /// takes it: non-decimal digits after `0x`/`0o`/`0b`, date and time
    /// characters after `YYYY-` or `HH:`, else digits, `_`, `.` and an
    /// exponent.
    fn number_chars(&mut self) {
        let start = self.pos;
        let rest = &self.s[self.pos..];
        let b = rest.as_bytes();
        if b.len() >= 2 && b[0] == b'0' && matches!(b[1], b'x' | b'o' | b'b') {
            self.pos += 2;
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_hexdigit() || c == '_')
            {
                self.bump();
            }
            return;
        }
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        // Digits then `-` or `:` make the decoder read a date-time.
        let datetime = match b.get(digits) {
            Some(b'-') => true,
            Some(b':') => digits == 2,
            _ => false,
        };
        if datetime {
            while self.peek().is_some_and(|c| {
                c.is_ascii_digit() || matches!(c, '-' | ':' | '.' | '+' | 'T' | 't' | 'Z' | 'z')
            }) {
                self.bump();
            }
            // A date followed by ` HH:` is one date-time.
            if self.pos - start == 10
                && self.peek() == Some(' ')
                && self.peek_at(1).is_some_and(|c| c.is_ascii_digit())
                && self.peek_at(3) == Some(':')
            {
                self.bump();
                while self.peek().is_some_and(|c| {
                    c.is_ascii_digit() || matches!(c, '-' | ':' | '.' | '+' | 'Z' | 'z')
                }) {
                    self.bump();
                }
            }
            return;
        }
        while let Some(c) = self.peek() {
            match c {
                '0'..='9' | '_' | '.' => {
                    self.bump();
                }
                'e' | 'E' => {
                    self.bump();
                    if matches!(self.peek(), Some('+' | '-')) {
                        self.bump();
                    }
                }
                _ => break,
            }
        }
    }

    fn scalar(&self, word: &str, pos: usize) -> Result<Node> {
        match word {
            "true" => return Ok(Node::Val(Value::Bool(true))),
            "false" => return Ok(Node::Val(Value::Bool(false))),
            "inf" | "+inf" => return Ok(Node::Val(Value::Float(f64::INFINITY))),
            "-inf" => return Ok(Node::Val(Value::Float(f64::NEG_INFINITY))),
            "nan" | "+nan" | "-nan" => return Ok(Node::Val(Value::Float(f64::NAN))),
            _ => {}
        }
        let b = word.as_bytes();
        let dt = b
            .iter()
            .enumerate()
            .skip(1)
            .any(|(i, c)| *c == b':' || (*c == b'-' && !matches!(b[i - 1], b'e' | b'E')));
        if dt {
            return match parse_datetime(word) {
                Some(t) => Ok(Node::Val(Value::Object(Arc::new(t)))),
                None => Err(self.err_at(
                    pos,
                    format!("invalid datetime: {}", crate::json::go_quote(word)),
                )),
            };
        }
        let unsigned = word.trim_start_matches(['+', '-']);
        if let Some(body) = unsigned
            .strip_prefix("0x")
            .or(unsigned.strip_prefix("0o"))
            .or(unsigned.strip_prefix("0b"))
        {
            let radix = match &unsigned[..2] {
                "0x" => 16,
                "0o" => 8,
                _ => 2,
            };
            if unsigned.len() != word.len() {
                return Err(self.err_at(
                    pos,
                    format!(
                        "cannot use sign with non-decimal numbers: '{}{}'",
                        &word[..1],
                        &unsigned[..2]
                    ),
                ));
            }
            if !body.starts_with(|c: char| c.is_digit(radix)) {
                let name = match radix {
                    16 => "hexadecimal",
                    8 => "octal",
                    _ => "binary",
                };
                // The first character that is not a digit (NUL at the end).
                let after = self.s.get(pos + word.len()..).unwrap_or("");
                let bad = body
                    .chars()
                    .next()
                    .or_else(|| after.chars().next())
                    .unwrap_or('\0');
                return Err(self.err_at(
                    pos,
                    format!("not a {name} number: '{}{bad}'", &unsigned[..2]),
                ));
            }
            return self.integer(word, body, radix, pos);
        }
        if !word.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-') {
            return Err(self.err_at(
                pos,
                format!(
                    "expected value but found {} instead",
                    crate::json::go_quote(word)
                ),
            ));
        }
        let is_float = unsigned.contains(['.', 'e', 'E']);
        if !is_float {
            if unsigned.len() > 1 && unsigned.starts_with('0') {
                return Err(self.err_at(
                    pos,
                    format!(
                        "Invalid integer {}: cannot have leading zeroes",
                        crate::json::go_quote(word)
                    ),
                ));
            }
            return self.integer(word, word, 10, pos);
        }
        let q = crate::json::go_quote(word);
        if bad_underscores(unsigned) {
            return Err(self.err_at(
                pos,
                format!("Invalid float {q}: underscores must be surrounded by digits"),
            ));
        }
        let int_part = unsigned.split(['.', 'e', 'E']).next().unwrap_or("");
        if int_part.len() > 1 && int_part.starts_with('0') {
            return Err(self.err_at(
                pos,
                format!("Invalid float {q}: cannot have leading zeroes"),
            ));
        }
        if let Some(i) = unsigned.find('.')
            && !unsigned[i + 1..].starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(self.err_at(
                pos,
                format!("Invalid float {q}: '.' must be followed by one or more digits"),
            ));
        }
        let clean: String = word.chars().filter(|c| *c != '_').collect();
        match clean.parse::<f64>() {
            Ok(f) if f.is_infinite() => {
                Err(self.err_at(pos, format!("{word} is out of range for float64")))
            }
            Ok(f) => Ok(Node::Val(Value::Float(f))),
            Err(_) => Err(self.err_at(pos, format!("Invalid float value: {q}"))),
        }
    }

    fn integer(&self, word: &str, digits: &str, radix: u32, pos: usize) -> Result<Node> {
        let q = crate::json::go_quote(word);
        if bad_underscores(digits) || digits.is_empty() {
            return Err(self.err_at(
                pos,
                format!("Invalid integer {q}: underscores must be surrounded by digits"),
            ));
        }
        let clean: String = digits.chars().filter(|c| *c != '_').collect();
        if !clean
            .trim_start_matches(['+', '-'])
            .chars()
            .all(|c| c.is_digit(radix))
        {
            return Err(self.err_at(pos, format!("expected value but found {q} instead")));
        }
        match i64::from_str_radix(&clean, radix) {
            Ok(i) => Ok(Node::Val(Value::Int64(i))),
            Err(_) => Err(self.err_at(pos, format!("{word} is out of range for int64"))),
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

    fn basic_string(&mut self, multi: bool) -> Result<String> {
        let mut out = String::new();
        if multi {
            self.skip_first_newline();
        }
        loop {
            let Some(c) = self.bump() else {
                return Err(self.err(if multi {
                    "unexpected EOF; expected '\"\"\"'"
                } else {
                    "unexpected EOF; expected '\"'"
                }));
            };
            match c {
                '"' if !multi => return Ok(out),
                '"' if self.s[self.pos..].starts_with("\"\"") => {
                    // Up to two more quotes may belong to the content.
                    let extra = self.s[self.pos + 2..]
                        .chars()
                        .take_while(|c| *c == '"')
                        .count()
                        .min(2);
                    for _ in 0..extra {
                        out.push('"');
                    }
                    self.pos += 2 + extra;
                    return Ok(out);
                }
                '\\' => {
                    if multi && self.line_ending_backslash() {
                        continue;
                    }
                    out.push(self.escape()?);
                }
                '\n' if !multi => {
                    return Err(self.err_at(self.pos - 1, "strings cannot contain newlines"));
                }
                c if (c < ' ' && c != '\t' && !(multi && (c == '\n' || c == '\r')))
                    || c == '\u{7f}' =>
                {
                    return Err(self.err(format!(
                        "TOML files cannot contain control characters: '0x{:02x}'",
                        c as u32
                    )));
                }
                c => out.push(c),
            }
        }
    }

    fn skip_first_newline(&mut self) {
        if self.s[self.pos..].starts_with('\n') {
            self.pos += 1;
        } else if self.s[self.pos..].starts_with("\r\n") {
            self.pos += 2;
        }
    }

    /// A `\` ending a line of a multi-line basic string swallows the
    /// newline and the whitespace after it.
    fn line_ending_backslash(&mut self) -> bool {
        let rest = &self.s[self.pos..];
        let ws = rest.chars().take_while(|c| *c == ' ' || *c == '\t').count();
        let after = &rest[ws..];
        if !(after.starts_with('\n') || after.starts_with("\r\n")) {
            return false;
        }
        let skip = rest
            .char_indices()
            .find(|(_, c)| !matches!(c, ' ' | '\t' | '\n' | '\r'))
            .map_or(rest.len(), |(i, _)| i);
        self.pos += skip;
        true
    }

    fn escape(&mut self) -> Result<char> {
        let Some(c) = self.bump() else {
            return Err(self.err("unexpected EOF; expected '\"'"));
        };
        Ok(match c {
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            '"' => '"',
            '\\' => '\\',
            'x' => self.hex_escape(2, "two", 'x')?,
            'u' => self.hex_escape(4, "four", 'u')?,
            'U' => self.hex_escape(8, "eight", 'U')?,
            other => return Err(self.err(format!("invalid escape in string '\\{other}'"))),
        })
    }

    fn hex_escape(&mut self, n: usize, words: &str, which: char) -> Result<char> {
        let rest = &self.s[self.pos..];
        let hex: String = rest.chars().take(n).collect();
        if hex.chars().count() != n || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            // The decoder shows the escape up to and including the first
            // character that is not a hex digit.
            let mut seen = format!("\\{which}");
            for c in rest.chars().take(n) {
                seen.push(c);
                if !c.is_ascii_hexdigit() {
                    break;
                }
            }
            return Err(self.err(format!(
                "expected {words} hexadecimal digits after '\\{which}', but got {} instead",
                crate::json::go_quote(&seen)
            )));
        }
        self.pos += n;
        let v = u32::from_str_radix(&hex, 16).unwrap_or(0xfffd);
        char::from_u32(v)
            .ok_or_else(|| self.err(format!("invalid escape in string '\\{which}{hex}'")))
    }

    fn literal_string(&mut self, multi: bool) -> Result<String> {
        if multi {
            self.skip_first_newline();
        }
        let start = self.pos;
        loop {
            let Some(c) = self.bump() else {
                return Err(self.err(if multi {
                    "unexpected EOF; expected \"'''\""
                } else {
                    "unexpected EOF; expected \"'\""
                }));
            };
            match c {
                '\'' if !multi => return Ok(self.s[start..self.pos - 1].to_string()),
                '\'' if self.s[self.pos..].starts_with("''") => {
                    let extra = self.s[self.pos + 2..]
                        .chars()
                        .take_while(|c| *c == '\'')
                        .count()
                        .min(2);
                    let end = self.pos - 1 + extra;
                    self.pos += 2 + extra;
                    return Ok(self.s[start..end].to_string());
                }
                '\n' if !multi => {
                    return Err(self.err_at(self.pos - 1, "strings cannot contain newlines"));
                }
                c if (c < ' ' && c != '\t' && !(multi && (c == '\n' || c == '\r')))
                    || c == '\u{7f}' =>
                {
                    return Err(self.err(format!(
                        "TOML files cannot contain control characters: '0x{:02x}'",
                        c as u32
                    )));
                }
                _ => {}
            }
        }
    }
}

fn path_rel(path: &[String]) -> Vec<String> {
    path.to_vec()
}

fn bad_underscores(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, c)| {
        *c == b'_'
            && (i == 0
                || i + 1 == b.len()
                || !b[i - 1].is_ascii_alphanumeric()
                || !b[i + 1].is_ascii_alphanumeric())
    })
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
