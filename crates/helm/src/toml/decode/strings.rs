//! Strings: basic and literal, single- and multi-line, with the
//! decoder's escapes and its error texts.

use super::{Parser, Result};

impl Parser<'_> {
    pub(super) fn basic_string(&mut self, multi: bool) -> Result<String> {
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

    pub(super) fn literal_string(&mut self, multi: bool) -> Result<String> {
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
