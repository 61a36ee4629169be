//! Sprig's JSON functions that Helm does not replace: `toPrettyJson`,
//! `mustToPrettyJson`, `toRawJson`, `mustToRawJson` and `mustFromJson`.
//! (`toJson`, `mustToJson` and `fromJson` are Helm's own, registered by the
//! render layer.) Encoding and decoding are the JSON codec's
//! (`crate::json`); this module adds Go's `json.Indent` layout and the
//! encoder without HTML escaping.

use capstan_gotmpl::{FuncError, Value};

use super::{ANY, Registry, STR, arg, arg_str, fail};
use crate::json;

pub(super) fn register(r: &mut Registry) {
    r.fixed("toPrettyJson", &[ANY], |a| {
        Ok(Value::from(
            json::to_json(arg(a, 0))
                .map(|j| indent(&j))
                .unwrap_or_default(),
        ))
    });
    r.fixed("mustToPrettyJson", &[ANY], |a| {
        json::to_json(arg(a, 0))
            .map(|j| Value::from(indent(&j)))
            .map_err(json_error)
    });
    // Sprig's toRawJson panics on an encoding error, so both forms fail.
    for name in ["toRawJson", "mustToRawJson"] {
        r.fixed(name, &[ANY], |a| {
            json::to_json(arg(a, 0))
                .map(|j| Value::from(unescape_html(&j)))
                .map_err(json_error)
        });
    }
    r.fixed("mustFromJson", &[STR], |a| {
        json::parse_json(arg_str(a, 0)).map_err(json_error)
    });
}

fn json_error(e: json::JsonError) -> FuncError {
    fail(e.message())
}

/// Go's `json.MarshalIndent(v, "", "  ")` layout applied to compact JSON:
/// a newline and two spaces per level after `{`, `[` and `,`, a space after
/// `:`, and empty objects and arrays kept as `{}` and `[]`.
fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut need_indent = false;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    for c in compact.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if need_indent && c != '}' && c != ']' {
            need_indent = false;
            depth += 1;
            newline(&mut out, depth);
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                need_indent = true;
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            '}' | ']' => {
                if need_indent {
                    need_indent = false;
                } else {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The encoder with `SetEscapeHTML(false)`: `\u003c`, `\u003e` and
/// `\u0026` inside strings become `<`, `>` and `&` again.
fn unescape_html(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len());
    let mut rest = compact;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let esc = &rest[i..];
        let (replacement, len) = match esc.get(..6) {
            Some("\\u003c") => ("<", 6),
            Some("\\u003e") => (">", 6),
            Some("\\u0026") => ("&", 6),
            // Any other escape is copied whole (two bytes: `\\`, `\"`...).
            _ => (
                esc.get(..2).unwrap_or(esc),
                esc.get(..2).map_or(esc.len(), str::len),
            ),
        };
        out.push_str(replacement);
        rest = &esc[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn indents_like_go() {
        assert_eq!(
            indent(r#"{"a":[1,2],"b":{},"c":[],"d":"x,{y}"}"#),
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": [],\n  \"d\": \"x,{y}\"\n}"
        );
        assert_eq!(indent("null"), "null");
    }

    #[test]
    fn raw_keeps_html() {
        assert_eq!(
            unescape_html(r#"{"a":"\u003cb\u003e \u0026 \\u003c \""}"#),
            r#"{"a":"<b> & \\u003c \""}"#
        );
    }
}
