//! The spelling of every number in a schema document, by JSON pointer.
//!
//! The Go validator keeps schema numbers as `json.Number` text, so an
//! `enum` or `const` member prints as written (`1.0`, `2.50`, `1e3`);
//! serde_json keeps only the value. This index gives the text back.

use std::collections::HashMap;

/// Nesting walked (the document already parsed, so this only bounds work).
const MAX_DEPTH: usize = 1_000;

/// Number literals of a JSON text keyed by JSON pointer (`/enum/0`).
#[derive(Debug, Default)]
pub(crate) struct Literals(HashMap<String, String>);

impl Literals {
    /// Indexes `text`, a document serde_json accepted.
    pub(crate) fn scan(text: &str) -> Literals {
        let mut out = Literals::default();
        let mut s = Scanner {
            b: text.as_bytes(),
            text,
            i: 0,
        };
        s.value(&mut String::new(), &mut out, 0);
        out
    }

    /// The spelling of the number at `pointer`.
    pub(crate) fn get(&self, pointer: &str) -> Option<&str> {
        self.0.get(pointer).map(String::as_str)
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Skips a string, returning its decoded contents.
    fn string(&mut self) -> String {
        let start = self.i;
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'\\' => self.i += 1,
                b'"' => break,
                _ => {}
            }
        }
        let raw = self
            .text
            .get(start..self.i.min(self.b.len()))
            .unwrap_or("\"\"");
        serde_json::from_str(raw).unwrap_or_default()
    }

    fn value(&mut self, ptr: &mut String, out: &mut Literals, depth: usize) {
        self.ws();
        if depth > MAX_DEPTH {
            return;
        }
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                loop {
                    self.ws();
                    match self.peek() {
                        Some(b'"') => {}
                        Some(b',') => {
                            self.i += 1;
                            continue;
                        }
                        _ => {
                            self.i += 1;
                            return;
                        }
                    }
                    let key = self.string();
                    self.ws();
                    if self.peek() == Some(b':') {
                        self.i += 1;
                    }
                    let len = ptr.len();
                    ptr.push('/');
                    ptr.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    self.value(ptr, out, depth + 1);
                    ptr.truncate(len);
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut index = 0;
                loop {
                    self.ws();
                    match self.peek() {
                        Some(b']') | None => {
                            self.i += 1;
                            return;
                        }
                        Some(b',') => {
                            self.i += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let len = ptr.len();
                    ptr.push('/');
                    ptr.push_str(&index.to_string());
                    self.value(ptr, out, depth + 1);
                    ptr.truncate(len);
                    index += 1;
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| matches!(c, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                {
                    self.i += 1;
                }
                if let Some(t) = self.text.get(start..self.i) {
                    out.0.insert(ptr.clone(), t.to_string());
                }
            }
            Some(_) => {
                while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.i += 1;
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_by_pointer() {
        let l = Literals::scan(
            r#"{"properties":{"a/b":{"enum":[1.0, "x", 2.50, {"k": 1e3}]}}, "n": -0}"#,
        );
        assert_eq!(l.get("/properties/a~1b/enum/0"), Some("1.0"));
        assert_eq!(l.get("/properties/a~1b/enum/2"), Some("2.50"));
        assert_eq!(l.get("/properties/a~1b/enum/3/k"), Some("1e3"));
        assert_eq!(l.get("/n"), Some("-0"));
        assert_eq!(l.get("/properties/a~1b/enum/1"), None);
    }
}
