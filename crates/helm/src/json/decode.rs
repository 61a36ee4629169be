//! `fromJson`: Go's `json.Unmarshal` into `interface{}` values.
//!
//! Go validates the whole input before decoding, and its syntax errors name
//! the offending byte and what the scanner was looking for (`invalid
//! character '}' looking for beginning of object key string`); this parser
//! reports the same texts. Numbers become float64, duplicate keys keep the
//! last value, lone surrogate escapes become U+FFFD.

use capstan_gotmpl::{Map, Value};

use super::JsonError;

/// Nesting accepted before "exceeded max depth" (Go allows 10000; deeper
/// values would make later recursive walks, even dropping them, risky).
const MAX_DEPTH: usize = 1_000;

/// An open container while parsing.
enum Frame {
    Array(Vec<Value>),
    /// The map so far and the key whose value is being parsed.
    Object(Map, String),
}

/// Parses one JSON text (with surrounding whitespace) into a value. Like Go,
/// a number too large for float64 does not stop decoding: it becomes nil and
/// the first such error is returned beside the value.
pub(super) fn parse(text: &str) -> Result<(Value, Option<JsonError>), JsonError> {
    let mut p = Parser {
        b: text.as_bytes(),
        s: text,
        i: 0,
        type_error: None,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if let Some(c) = p.peek() {
        return Err(p.bad(c, "after top-level value"));
    }
    Ok((v, p.type_error))
}

struct Parser<'a> {
    b: &'a [u8],
    s: &'a str,
    i: usize,
    type_error: Option<JsonError>,
}

fn eof() -> JsonError {
    JsonError::new("unexpected end of JSON input".into())
}

/// Go's `quoteChar` of a scanner byte.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        c => {
            let q = super::float::go_quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Result<u8, JsonError> {
        let c = self.peek().ok_or_else(eof)?;
        self.i += 1;
        Ok(c)
    }

    fn bad(&self, c: u8, context: &str) -> JsonError {
        JsonError::new(format!("invalid character {} {context}", quote_char(c)))
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// Parses one value without recursion: open containers live on an
    /// explicit stack, so nesting depth costs heap, not call stack.
    fn value(&mut self) -> Result<Value, JsonError> {
        let mut stack: Vec<Frame> = Vec::new();
        'parse: loop {
            // Parse the start of a value.
            let c = self.peek().ok_or_else(eof)?;
            let mut done = match c {
                b'{' | b'[' => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.bad(c, "exceeded max depth"));
                    }
                    self.i += 1;
                    self.ws();
                    if c == b'{' {
                        if self.peek() == Some(b'}') {
                            self.i += 1;
                            Value::map(Map::new())
                        } else {
                            let key = self.key()?;
                            stack.push(Frame::Object(Map::new(), key));
                            continue 'parse;
                        }
                    } else if self.peek() == Some(b']') {
                        self.i += 1;
                        Value::list(Vec::new())
                    } else {
                        stack.push(Frame::Array(Vec::new()));
                        continue 'parse;
                    }
                }
                b'"' => Value::String(self.string()?.into()),
                b'-' | b'0'..=b'9' => self.number()?,
                b't' => self.literal("true", Value::Bool(true))?,
                b'f' => self.literal("false", Value::Bool(false))?,
                b'n' => self.literal("null", Value::Nil)?,
                c => return Err(self.bad(c, "looking for beginning of value")),
            };
            // Hand finished values to their containers.
            loop {
                let Some(top) = stack.last_mut() else {
                    return Ok(done);
                };
                self.ws();
                match top {
                    Frame::Array(items) => {
                        items.push(done);
                        match self.next()? {
                            b',' => {
                                self.ws();
                                continue 'parse;
                            }
                            b']' => {}
                            c => return Err(self.bad(c, "after array element")),
                        }
                    }
                    Frame::Object(map, key) => {
                        map.insert(std::mem::take(key), done);
                        match self.next()? {
                            b',' => {
                                self.ws();
                                *key = self.key()?;
                                continue 'parse;
                            }
                            b'}' => {}
                            c => return Err(self.bad(c, "after object key:value pair")),
                        }
                    }
                }
                // The frame just filled is on top; close it.
                done = match stack.pop() {
                    Some(Frame::Array(items)) => Value::list(items),
                    Some(Frame::Object(map, _)) => Value::map(map),
                    None => Value::Nil,
                };
            }
        }
    }

    /// An object key and its colon, leaving the parser at the value.
    fn key(&mut self) -> Result<String, JsonError> {
        let c = self.peek().ok_or_else(eof)?;
        if c != b'"' {
            return Err(self.bad(c, "looking for beginning of object key string"));
        }
        let key = self.string()?;
        self.ws();
        let c = self.next()?;
        if c != b':' {
            return Err(self.bad(c, "after object key"));
        }
        self.ws();
        Ok(key)
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, JsonError> {
        self.i += 1;
        for expected in word.bytes().skip(1) {
            let c = self.next()?;
            if c != expected {
                return Err(self.bad(
                    c,
                    &format!("in literal {word} (expecting {})", quote_char(expected)),
                ));
            }
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            Some(c) => return Err(self.bad(c, "in numeric literal")),
            None => return Err(eof()),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    self.digits();
                }
                Some(c) => return Err(self.bad(c, "after decimal point in numeric literal")),
                None => return Err(eof()),
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    self.digits();
                }
                Some(c) => return Err(self.bad(c, "in exponent of numeric literal")),
                None => return Err(eof()),
            }
        }
        let text = &self.s[start..self.i];
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Value::Float(x)),
            _ => {
                if self.type_error.is_none() {
                    self.type_error = Some(JsonError::new(format!(
                        "json: cannot unmarshal number {text} into Go value of type float64"
                    )));
                }
                Ok(Value::Nil)
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let c = self.next()?;
            let d = char::from(c)
                .to_digit(16)
                .ok_or_else(|| self.bad(c, "in \\u hexadecimal character escape"))?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while self
                .peek()
                .is_some_and(|c| c != b'"' && c != b'\\' && c >= 0x20)
            {
                self.i += 1;
            }
            out.push_str(&self.s[start..self.i]);
            match self.next()? {
                b'"' => return Ok(out),
                b'\\' => {
                    let c = self.next()?;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            out.push(self.surrogate(hi)?);
                        }
                        c => return Err(self.bad(c, "in string escape code")),
                    }
                }
                c => return Err(self.bad(c, "in string literal")),
            }
        }
    }

    /// Combines a `\uD8xx\uDCxx` pair; anything unpaired is U+FFFD.
    fn surrogate(&mut self, hi: u32) -> Result<char, JsonError> {
        if !(0xd800..0xe000).contains(&hi) {
            return Ok(char::from_u32(hi).unwrap_or('\u{fffd}'));
        }
        if hi < 0xdc00
            && self.b.get(self.i) == Some(&b'\\')
            && self.b.get(self.i + 1) == Some(&b'u')
        {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xdc00..0xe000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                return Ok(char::from_u32(c).unwrap_or('\u{fffd}'));
            }
            // Not a low surrogate: decode it on its own next time.
            self.i = save;
        }
        Ok('\u{fffd}')
    }
}
