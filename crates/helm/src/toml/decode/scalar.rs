//! Numbers, booleans and date-times: how far the decoder's lexer reads
//! one, and what it becomes (or the decoder's error for it).

use std::sync::Arc;

use capstan_gotmpl::Value;

use super::{Node, Parser, Result};
use crate::toml::time::parse_datetime;

impl Parser<'_> {
    /// The rest of a number or date-time, as far as the decoder's lexer
    /// takes it: non-decimal digits after `0x`/`0o`/`0b`, date and time
    /// characters after `YYYY-` or `HH:`, else digits, `_`, `.` and an
    /// exponent.
    pub(super) fn number_chars(&mut self) {
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

    pub(super) fn scalar(&self, word: &str, pos: usize) -> Result<Node> {
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
