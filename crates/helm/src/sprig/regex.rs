//! Sprig's regular expressions with Go `regexp` (RE2) semantics on top of
//! the `regex` crate.
//!
//! The two engines share a syntax family; the differences bridged here:
//! - Go's `\d \w \s \b` are ASCII-only (`\s` has no `\v`), Rust's are
//!   Unicode: the pattern is rewritten with explicit ASCII classes;
//! - a `{` that does not start a valid repeat is a literal in Go;
//! - `\Q...\E` literal spans;
//! - Go's error texts (`error parsing regexp: missing closing ): ...`) for
//!   the syntax errors templates commonly hit;
//! - Go's rules for successive matches (an empty match right after a match
//!   is skipped), `Split`, `QuoteMeta` and `$1`/`${name}` expansion.

use capstan_gotmpl::{FuncError, Value};
use regex::Regex;

use super::{INT, Registry, STR, arg_int, arg_str, fail, str_list};

pub(super) fn register(r: &mut Registry) {
    r.fixed("regexMatch", &[STR, STR], |a| {
        Ok(Value::Bool(
            compile(arg_str(a, 0)).is_ok_and(|re| re.is_match(arg_str(a, 1))),
        ))
    });
    r.fixed("mustRegexMatch", &[STR, STR], |a| {
        Ok(Value::Bool(
            compile(arg_str(a, 0))
                .map_err(fail)?
                .is_match(arg_str(a, 1)),
        ))
    });
    r.fixed("regexFindAll", &[STR, STR, INT], |a| {
        find_all(must_compile(a)?, a)
    });
    r.fixed("mustRegexFindAll", &[STR, STR, INT], |a| {
        find_all(compile(arg_str(a, 0)).map_err(fail)?, a)
    });
    r.fixed("regexFind", &[STR, STR], |a| {
        Ok(find(&must_compile(a)?, arg_str(a, 1)))
    });
    r.fixed("mustRegexFind", &[STR, STR], |a| {
        Ok(find(&compile(arg_str(a, 0)).map_err(fail)?, arg_str(a, 1)))
    });
    r.fixed("regexReplaceAll", &[STR, STR, STR], |a| {
        Ok(Value::from(replace_all(
            &must_compile(a)?,
            arg_str(a, 1),
            arg_str(a, 2),
            true,
        )))
    });
    r.fixed("mustRegexReplaceAll", &[STR, STR, STR], |a| {
        let re = compile(arg_str(a, 0)).map_err(fail)?;
        Ok(Value::from(replace_all(
            &re,
            arg_str(a, 1),
            arg_str(a, 2),
            true,
        )))
    });
    r.fixed("regexReplaceAllLiteral", &[STR, STR, STR], |a| {
        Ok(Value::from(replace_all(
            &must_compile(a)?,
            arg_str(a, 1),
            arg_str(a, 2),
            false,
        )))
    });
    r.fixed("mustRegexReplaceAllLiteral", &[STR, STR, STR], |a| {
        let re = compile(arg_str(a, 0)).map_err(fail)?;
        Ok(Value::from(replace_all(
            &re,
            arg_str(a, 1),
            arg_str(a, 2),
            false,
        )))
    });
    r.fixed("regexSplit", &[STR, STR, INT], |a| {
        split(&must_compile(a)?, a)
    });
    r.fixed("mustRegexSplit", &[STR, STR, INT], |a| {
        split(&compile(arg_str(a, 0)).map_err(fail)?, a)
    });
    r.fixed("regexQuoteMeta", &[STR], |a| {
        Ok(Value::from(quote_meta(arg_str(a, 0))))
    });
}

/// `regexp.MustCompile`: the panic text names the pattern.
fn must_compile(a: &[Value]) -> Result<Regex, FuncError> {
    let pattern = arg_str(a, 0);
    compile(pattern).map_err(|e| fail(format!("regexp: Compile({}): {e}", backquote(pattern))))
}

/// Go's `quote` helper of package regexp: backquotes when possible.
fn backquote(s: &str) -> String {
    let can = s
        .chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !c.is_control()));
    if can {
        format!("`{s}`")
    } else {
        super::strings::go_quote(s)
    }
}

/// `regexp.Compile` with Go's syntax and error texts.
pub(crate) fn compile(pattern: &str) -> Result<Regex, String> {
    let translated = translate(pattern).map_err(|e| format!("error parsing regexp: {e}"))?;
    regex::RegexBuilder::new(&translated)
        .octal(true)
        .size_limit(32 << 20)
        .build()
        .map_err(|e| {
            let msg = e.to_string();
            let last = msg
                .lines()
                .rev()
                .find(|l| l.starts_with("error:"))
                .unwrap_or(&msg);
            format!(
                "error parsing regexp: {}",
                last.trim_start_matches("error: ")
            )
        })
}

const WORD: &str = "0-9A-Za-z_";
const SPACE: &str = "\\t\\n\\f\\r ";

/// Rewrites a Go pattern for the `regex` crate, reporting Go's errors for
/// unbalanced parentheses and brackets and misplaced repetitions.
fn translate(p: &str) -> Result<String, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 16);
    let mut depth = 0usize;
    let mut i = 0;
    // Whether the previous item can take a repetition, and whether it was one.
    let mut can_repeat = false;
    let mut last_repeat: Option<usize> = None;
    while i < chars.len() {
        let c = chars[i];
        let repeat_len = repeat_at(&chars, i);
        if let Some(len) = repeat_len {
            let mut end = i + len;
            if chars.get(end) == Some(&'?') {
                end += 1;
            }
            if let Some(start) = last_repeat {
                let text: String = chars[start..end].iter().collect();
                return Err(format!("invalid nested repetition operator: `{text}`"));
            }
            if !can_repeat {
                let text: String = chars[i..i + len].iter().collect();
                return Err(format!("missing argument to repetition operator: `{text}`"));
            }
            out.extend(&chars[i..end]);
            last_repeat = Some(i);
            i = end;
            continue;
        }
        last_repeat = None;
        can_repeat = true;
        match c {
            '(' => {
                depth += 1;
                can_repeat = false;
                out.push(c);
                // Copy a group prefix such as `?:` or `?P<name>` verbatim.
                if chars.get(i + 1) == Some(&'?') {
                    let mut j = i + 1;
                    while j < chars.len() && chars[j] != ')' && chars[j] != ':' && chars[j] != '>' {
                        j += 1;
                    }
                    if j < chars.len() {
                        out.extend(&chars[i + 1..=j]);
                        if chars[j] == ')' {
                            // A flag group such as `(?i)` opens nothing.
                            depth -= 1;
                        }
                        i = j + 1;
                        continue;
                    }
                }
            }
            ')' => {
                if depth == 0 {
                    return Err(format!("unexpected ): `{p}`"));
                }
                depth -= 1;
                out.push(c);
            }
            '|' => {
                can_repeat = false;
                out.push(c);
            }
            '^' | '$' => out.push(c),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '[' => {
                let end = class_end(&chars, i).ok_or_else(|| {
                    let rest: String = chars[i..].iter().collect();
                    format!("missing closing ]: `{rest}`")
                })?;
                translate_class(&chars[i..=end], &mut out);
                i = end + 1;
                continue;
            }
            '\\' => {
                let Some(&e) = chars.get(i + 1) else {
                    return Err("trailing backslash at end of expression: ``".to_string());
                };
                i += 2;
                match e {
                    'd' => out.push_str("[0-9]"),
                    'D' => out.push_str("[^0-9]"),
                    'w' => out.push_str(&format!("[{WORD}]")),
                    'W' => out.push_str(&format!("[^{WORD}]")),
                    's' => out.push_str(&format!("[{SPACE}]")),
                    'S' => out.push_str(&format!("[^{SPACE}]")),
                    'b' => out.push_str("(?-u:\\b)"),
                    'B' => out.push_str("(?-u:\\B)"),
                    'Q' => {
                        let rest: String = chars[i..].iter().collect();
                        let (lit, consumed) = match rest.find("\\E") {
                            Some(k) => (&rest[..k], rest[..k].chars().count() + 2),
                            None => (rest.as_str(), rest.chars().count()),
                        };
                        out.push_str(&regex::escape(lit));
                        i += consumed;
                    }
                    '1'..='9' if !chars.get(i).is_some_and(|d| ('0'..='7').contains(d)) => {
                        return Err(format!("invalid escape sequence: `\\{e}`"));
                    }
                    e if e.is_ascii_alphanumeric()
                        && !"abfnrtvxpPAzdDwWsSbB01234567".contains(e) =>
                    {
                        return Err(format!("invalid escape sequence: `\\{e}`"));
                    }
                    'p' | 'P' | 'x' if chars.get(i) == Some(&'{') => {
                        // `\p{Greek}`, `\x{263a}`: copy the braces whole.
                        let close = chars[i..].iter().position(|c| *c == '}').map(|k| i + k);
                        let end = close.unwrap_or(chars.len() - 1);
                        out.push('\\');
                        out.push(e);
                        out.extend(&chars[i..=end]);
                        i = end + 1;
                    }
                    e => {
                        out.push('\\');
                        out.push(e);
                    }
                }
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    if depth > 0 {
        return Err(format!("missing closing ): `{p}`"));
    }
    Ok(out)
}

/// The length of a repetition operator at `i` (`*`, `+`, `?`, or a valid
/// `{n}`, `{n,}`, `{n,m}`), if there is one.
fn repeat_at(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i)? {
        '*' | '+' | '?' => Some(1),
        '{' => {
            let mut j = i + 1;
            let digits = |j: &mut usize| {
                let start = *j;
                while chars.get(*j).is_some_and(char::is_ascii_digit) {
                    *j += 1;
                }
                *j > start
            };
            if !digits(&mut j) {
                return None;
            }
            if chars.get(j) == Some(&',') {
                j += 1;
                digits(&mut j);
            }
            (chars.get(j) == Some(&'}')).then_some(j + 1 - i)
        }
        _ => None,
    }
}

/// The index of the `]` closing the class opened at `start`.
fn class_end(chars: &[char], start: usize) -> Option<usize> {
    let mut j = start + 1;
    if chars.get(j) == Some(&'^') {
        j += 1;
    }
    // A `]` right after `[` or `[^` is a literal.
    if chars.get(j) == Some(&']') {
        j += 1;
    }
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 2,
            '[' if chars.get(j + 1) == Some(&':') => {
                let rest: String = chars[j..].iter().collect();
                j += rest.find(":]").map_or(1, |k| rest[..k].chars().count() + 2);
            }
            ']' => return Some(j),
            _ => j += 1,
        }
    }
    None
}

/// Copies a class, making Perl classes inside it ASCII.
fn translate_class(class: &[char], out: &mut String) {
    let mut i = 0;
    out.push('[');
    i += 1;
    if class.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    if class.get(i) == Some(&']') {
        out.push_str("\\]");
        i += 1;
    }
    while i < class.len() - 1 {
        let c = class[i];
        if c == '\\' && i + 1 < class.len() - 1 {
            let e = class[i + 1];
            match e {
                'd' => out.push_str("0-9"),
                'D' => out.push_str("[^0-9]"),
                'w' => out.push_str(WORD),
                'W' => out.push_str(&format!("[^{WORD}]")),
                's' => out.push_str(SPACE),
                'S' => out.push_str(&format!("[^{SPACE}]")),
                e => {
                    out.push('\\');
                    out.push(e);
                    i += 2;
                    continue;
                }
            }
            i += 2;
            literal_dash_after_class(class, &mut i, out);
            continue;
        }
        if c == '[' && class.get(i + 1) != Some(&':') {
            // A literal `[` inside a class (Rust would read a nested class).
            out.push_str("\\[");
        } else if c == '[' {
            let rest: String = class[i..].iter().collect();
            let len = rest.find(":]").map_or(1, |k| rest[..k].chars().count() + 2);
            out.extend(&class[i..i + len]);
            i += len;
            literal_dash_after_class(class, &mut i, out);
            continue;
        } else if c == '&' || c == '~' || (c == '-' && class.get(i + 1) == Some(&'-')) {
            // Rust's class set operators (`&&`, `--`, `~~`) are literals in Go.
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
        i += 1;
    }
    out.push(']');
}

/// In Go a `-` right after a Perl or POSIX class inside a class cannot start
/// a range, so it is a literal (`[\w-.]` is word characters, `-` and `.`).
/// The expansion written for the class ends in a character (`_` for `\w`),
/// which the `regex` crate would read as the start of a range: escape it.
fn literal_dash_after_class(class: &[char], i: &mut usize, out: &mut String) {
    if class.get(*i) == Some(&'-') && *i + 1 < class.len() - 1 {
        out.push_str("\\-");
        *i += 1;
    }
}

/// Go's match iteration: successive non-overlapping matches, skipping an
/// empty match that abuts the previous match, at most `n` (`n < 0`: all).
fn matches(re: &Regex, s: &str, n: i64) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut pos = 0;
    let mut prev_end: Option<usize> = None;
    while out.len() < limit && pos <= s.len() {
        let Some(m) = re.find_at(s, pos) else { break };
        let mut accept = true;
        if m.end() == m.start() {
            if Some(m.start()) == prev_end {
                accept = false;
            }
            pos = m.end() + s[m.end()..].chars().next().map_or(1, char::len_utf8);
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            out.push((m.start(), m.end()));
        }
    }
    out
}

fn find_all(re: Regex, a: &[Value]) -> Result<Value, FuncError> {
    let s = arg_str(a, 1);
    Ok(str_list(
        matches(&re, s, arg_int(a, 2))
            .into_iter()
            .map(|(x, y)| &s[x..y]),
    ))
}

fn find(re: &Regex, s: &str) -> Value {
    Value::str(re.find(s).map_or("", |m| m.as_str()))
}

/// `Regexp.Split(s, n)`.
fn split(re: &Regex, a: &[Value]) -> Result<Value, FuncError> {
    let (s, n) = (arg_str(a, 1), arg_int(a, 2));
    if n == 0 {
        return Ok(Value::list(Vec::new()));
    }
    if !re.as_str().is_empty() && s.is_empty() {
        return Ok(str_list([""]));
    }
    let mut parts: Vec<&str> = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for (x, y) in matches(re, s, n) {
        if n > 0 && parts.len() as i64 == n - 1 {
            break;
        }
        end = x;
        if y != 0 {
            parts.push(&s[beg..end]);
        }
        beg = y;
    }
    if end != s.len() {
        parts.push(&s[beg..]);
    }
    Ok(str_list(parts))
}

/// Go's `ReplaceAllString` (`expand`) and `ReplaceAllLiteralString`.
fn replace_all(re: &Regex, s: &str, repl: &str, expand: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_end = 0;
    let mut search = 0;
    while search <= s.len() {
        let Some(caps) = re.captures_at(s, search) else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        out.push_str(&s[last_end..m.start()]);
        // No replacement for an empty match right after the previous one.
        if m.end() > last_end || m.start() == 0 {
            if expand {
                expand_template(re, &caps, repl, &mut out);
            } else {
                out.push_str(repl);
            }
        }
        last_end = m.end();
        let width = s[search..].chars().next().map_or(1, char::len_utf8);
        search = if search + width > m.end() {
            search + width
        } else {
            m.end()
        };
    }
    out.push_str(&s[last_end.min(s.len())..]);
    out
}

/// Go's `Regexp.expand`: `$1`, `$name`, `${name}`, `$$`; a name is the
/// longest run of letters, digits and `_`; unknown groups expand to "".
fn expand_template(re: &Regex, caps: &regex::Captures<'_>, template: &str, out: &mut String) {
    let mut rest = template;
    while let Some(k) = rest.find('$') {
        out.push_str(&rest[..k]);
        rest = &rest[k + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let (braced, body) = match rest.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let len: usize = body
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        let closed = !braced || body[len..].starts_with('}');
        if len == 0 || !closed {
            out.push('$');
            continue;
        }
        let name = &body[..len];
        rest = &body[len + usize::from(braced)..];
        let group = if name.bytes().all(|b| b.is_ascii_digit()) {
            name.parse::<usize>()
                .ok()
                .filter(|n| *n < 100_000_000)
                .and_then(|n| caps.get(n))
        } else {
            re.capture_names()
                .position(|n| n == Some(name))
                .and_then(|i| caps.get(i))
        };
        if let Some(g) = group {
            out.push_str(g.as_str());
        }
    }
    out.push_str(rest);
}

/// Go's `regexp.QuoteMeta`: escapes exactly `\.+*?()|[]{}^$`.
pub(crate) fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::cloned_ref_to_slice_refs,
    clippy::too_many_arguments,
    reason = "a failed unwrap is a failed test"
)]
mod tests {
    use super::super::testing::{call, call_str, i, s};
    use super::*;

    fn strs(v: Value) -> Vec<String> {
        v.as_list()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn perl_classes_are_ascii() {
        assert_eq!(
            call("regexMatch", &[s("^\\d+$"), s("١٢")]).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(
            call("regexMatch", &[s("^\\w+$"), s("é")]).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(
            call("regexMatch", &[s("^\\s$"), s("\u{b}")]).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(
            call("regexMatch", &[s("^[\\d\\s]+$"), s("1 2")]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call("regexMatch", &[s("a{,5}"), s("a{,5}")]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call("regexMatch", &[s("(?i)^AB(?:c)$"), s("abC")]).unwrap(),
            Value::Bool(true)
        );
    }

    #[test]
    fn iteration_follows_go() {
        assert_eq!(
            call_str("regexReplaceAll", &[s("a*"), s("baaac"), s("X")]),
            "XbXcX"
        );
        assert_eq!(
            strs(call("regexFindAll", &[s("a*"), s("baaac"), i(-1)]).unwrap()),
            ["", "aaa", ""]
        );
        assert_eq!(
            strs(call("regexSplit", &[s("a*"), s("baaac"), i(-1)]).unwrap()),
            ["b", "c"]
        );
        assert_eq!(
            strs(call("regexSplit", &[s("\\s+"), s("a b  c"), i(2)]).unwrap()),
            ["a", "b  c"]
        );
    }

    #[test]
    fn expansion_follows_go() {
        let got = call_str(
            "regexReplaceAll",
            &[
                s("(?P<first>\\w+) (\\w+)"),
                s("hello world"),
                s("$2 ${first} $1x $$ $ $3 ${9}"),
            ],
        );
        assert_eq!(got, "world hello  $ $  ");
        let lit = call_str("regexReplaceAllLiteral", &[s("o"), s("foo"), s("$1")]);
        assert_eq!(lit, "f$1$1");
    }

    #[test]
    fn errors_use_go_text() {
        for (p, want) in [
            ("(abc", "missing closing ): `(abc`"),
            ("abc)", "unexpected ): `abc)`"),
            ("[a-z", "missing closing ]: `[a-z`"),
            ("*a", "missing argument to repetition operator: `*`"),
            ("a**", "invalid nested repetition operator: `**`"),
            ("\\q", "invalid escape sequence: `\\q`"),
        ] {
            assert_eq!(
                compile(p).unwrap_err(),
                format!("error parsing regexp: {want}"),
                "{p}"
            );
        }
        let err = call("regexFind", &[s("(x"), s("x")]).unwrap_err();
        assert_eq!(
            err.message(),
            "regexp: Compile(`(x`): error parsing regexp: missing closing ): `(x`"
        );
        assert_eq!(
            call("regexMatch", &[s("(x"), s("x")]).unwrap(),
            Value::Bool(false)
        );
        assert!(call("mustRegexMatch", &[s("(x"), s("x")]).is_err());
    }

    #[test]
    fn quote_meta_is_go() {
        assert_eq!(quote_meta("a.b*c#d-e~f"), "a\\.b\\*c#d-e~f");
    }
}
