//! Sprig's string functions: trimming, case, quoting, padding, splitting and
//! joining, abbreviation and wrapping (Masterminds/goutils), with Go's
//! `strings` package semantics (byte offsets, Unicode `IsSpace`, per-rune
//! case mapping).

use capstan_gotmpl::format::append_quote;
use capstan_gotmpl::{FuncError, Value};

use super::conv::{sprint_v, strslice, strval};
use super::{ANY, INT, Registry, STR, arg, arg_int, arg_str, fail, str_list};

pub(super) fn register(r: &mut Registry) {
    r.fixed("hello", &[], |_| Ok(Value::str("Hello!")));
    r.fixed("abbrev", &[INT, STR], |a| {
        Ok(text(abbrev(arg_str(a, 1), arg_int(a, 0))))
    });
    r.fixed("abbrevboth", &[INT, INT, STR], |a| {
        let (left, right, s) = (arg_int(a, 0), arg_int(a, 1), arg_str(a, 2));
        if right < 4 || left > 0 && right < 7 {
            return Ok(text(s.to_string()));
        }
        Ok(text(abbreviate_full(s, left, right)))
    });
    r.fixed("trunc", &[INT, STR], |a| {
        Ok(text(trunc(arg_int(a, 0), arg_str(a, 1))))
    });
    r.fixed("trim", &[STR], |a| Ok(Value::str(arg_str(a, 0).trim())));
    r.fixed("upper", &[STR], |a| Ok(text(to_upper(arg_str(a, 0)))));
    r.fixed("lower", &[STR], |a| Ok(text(to_lower(arg_str(a, 0)))));
    r.fixed("title", &[STR], |a| Ok(text(title(arg_str(a, 0)))));
    r.fixed("untitle", &[STR], |a| Ok(text(untitle(arg_str(a, 0)))));
    r.fixed("substr", &[INT, INT, STR], |a| {
        substr(arg_int(a, 0), arg_int(a, 1), arg_str(a, 2)).map(text)
    });
    r.fixed("repeat", &[INT, STR], |a| {
        repeat(arg_str(a, 1), arg_int(a, 0)).map(text)
    });
    r.fixed("trimall", &[STR, STR], |a| {
        Ok(Value::str(trim_cutset(arg_str(a, 1), arg_str(a, 0))))
    });
    r.fixed("trimAll", &[STR, STR], |a| {
        Ok(Value::str(trim_cutset(arg_str(a, 1), arg_str(a, 0))))
    });
    r.fixed("trimSuffix", &[STR, STR], |a| {
        let (suffix, s) = (arg_str(a, 0), arg_str(a, 1));
        Ok(Value::str(s.strip_suffix(suffix).unwrap_or(s)))
    });
    r.fixed("trimPrefix", &[STR, STR], |a| {
        let (prefix, s) = (arg_str(a, 0), arg_str(a, 1));
        Ok(Value::str(s.strip_prefix(prefix).unwrap_or(s)))
    });
    r.fixed("nospace", &[STR], |a| {
        Ok(text(delete_white_space(arg_str(a, 0))))
    });
    r.fixed("initials", &[STR], |a| Ok(text(initials(arg_str(a, 0)))));
    r.fixed("swapcase", &[STR], |a| Ok(text(swap_case(arg_str(a, 0)))));
    r.fixed("snakecase", &[STR], |a| {
        Ok(text(super::wordcase::to_lower_words(arg_str(a, 0), '_')))
    });
    r.fixed("kebabcase", &[STR], |a| {
        Ok(text(super::wordcase::to_lower_words(arg_str(a, 0), '-')))
    });
    r.fixed("camelcase", &[STR], |a| {
        Ok(text(super::wordcase::to_pascal_case(arg_str(a, 0))))
    });
    r.fixed("wrap", &[INT, STR], |a| {
        Ok(text(wrap_custom(arg_str(a, 1), arg_int(a, 0), "", false)))
    });
    r.fixed("wrapWith", &[INT, STR, STR], |a| {
        Ok(text(wrap_custom(
            arg_str(a, 2),
            arg_int(a, 0),
            arg_str(a, 1),
            true,
        )))
    });
    r.fixed("contains", &[STR, STR], |a| {
        Ok(Value::Bool(arg_str(a, 1).contains(arg_str(a, 0))))
    });
    r.fixed("hasPrefix", &[STR, STR], |a| {
        Ok(Value::Bool(arg_str(a, 1).starts_with(arg_str(a, 0))))
    });
    r.fixed("hasSuffix", &[STR, STR], |a| {
        Ok(Value::Bool(arg_str(a, 1).ends_with(arg_str(a, 0))))
    });
    r.variadic("quote", &[], ANY, |a| {
        // Quoted straight into the result: a string argument (often a whole
        // `toJson` document) is neither copied first nor joined after.
        let mut out = Vec::new();
        for (i, v) in a.iter().filter(|v| !v.is_nil()).enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            match v {
                Value::String(s) => append_quote(&mut out, s),
                other => append_quote(&mut out, &strval(other)),
            }
        }
        // Quoting writes whole characters and ASCII escapes only.
        Ok(text(String::from_utf8(out).unwrap_or_else(|e| {
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        })))
    });
    r.variadic("squote", &[], ANY, |a| {
        // Sprig prints each argument between single quotes, unescaped.
        let mut out = String::new();
        for (i, v) in a.iter().filter(|v| !v.is_nil()).enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push('\'');
            match v {
                Value::String(s) => out.push_str(s),
                other => out.push_str(&sprint_v(other)),
            }
            out.push('\'');
        }
        Ok(text(out))
    });
    r.variadic("cat", &[], ANY, |a| {
        let parts: Vec<String> = a.iter().filter(|v| !v.is_nil()).map(sprint_v).collect();
        Ok(text(parts.join(" ")))
    });
    r.fixed("indent", &[INT, STR], |a| {
        indent("", arg_int(a, 0), arg_str(a, 1)).map(text)
    });
    r.fixed("nindent", &[INT, STR], |a| {
        indent("\n", arg_int(a, 0), arg_str(a, 1)).map(text)
    });
    r.fixed("replace", &[STR, STR, STR], |a| {
        Ok(text(go_replace(
            arg_str(a, 2),
            arg_str(a, 0),
            arg_str(a, 1),
        )))
    });
    r.fixed("plural", &[STR, STR, INT], |a| {
        Ok(Value::str(if arg_int(a, 2) == 1 {
            arg_str(a, 0)
        } else {
            arg_str(a, 1)
        }))
    });
    r.fixed("join", &[STR, ANY], |a| {
        Ok(text(strslice(arg(a, 1)).join(arg_str(a, 0))))
    });
    r.fixed("split", &[STR, STR], |a| {
        Ok(indexed_map(go_split(arg_str(a, 1), arg_str(a, 0), -1)))
    });
    r.fixed("splitn", &[STR, INT, STR], |a| {
        Ok(indexed_map(go_split(
            arg_str(a, 2),
            arg_str(a, 0),
            arg_int(a, 1),
        )))
    });
    r.fixed("splitList", &[STR, STR], |a| {
        Ok(str_list(go_split(arg_str(a, 1), arg_str(a, 0), -1)))
    });
    r.fixed("sortAlpha", &[ANY], |a| {
        let v = arg(a, 0);
        let mut items = match v {
            Value::List(_) | Value::Bytes(_) => strslice(v),
            other => vec![strval(other)],
        };
        items.sort();
        Ok(str_list(items))
    });
}

fn text(s: String) -> Value {
    Value::from(s)
}

/// `split`/`splitn` results: `map[string]string{"_0": ..., "_1": ...}`.
fn indexed_map(parts: Vec<String>) -> Value {
    let map = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::from(p)));
    Value::map(map.collect())
}

/// Go's `strings.SplitN(s, sep, n)` (`n < 0`: all parts; `n == 0`: none;
/// an empty separator splits after each UTF-8 sequence).
pub(crate) fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let chars: Vec<&str> = s
            .char_indices()
            .map(|(i, c)| &s[i..i + c.len_utf8()])
            .collect();
        if n > 0 && chars.len() as i64 > n {
            let keep = (n - 1) as usize;
            let cut: usize = chars[..keep].iter().map(|c| c.len()).sum();
            let mut out: Vec<String> = chars[..keep].iter().map(|c| c.to_string()).collect();
            out.push(s[cut..].to_string());
            return out;
        }
        return chars.into_iter().map(str::to_string).collect();
    }
    if n < 0 {
        s.split(sep).map(str::to_string).collect()
    } else {
        s.splitn(n as usize, sep).map(str::to_string).collect()
    }
}

/// Go's `strings.Replace(s, old, new, -1)`: an empty `old` inserts `new`
/// before every rune and at the end.
pub(crate) fn go_replace(s: &str, old: &str, new: &str) -> String {
    if !old.is_empty() {
        return s.replace(old, new);
    }
    let mut out = String::with_capacity(s.len() + new.len() * (s.len() + 1));
    out.push_str(new);
    for c in s.chars() {
        out.push(c);
        out.push_str(new);
    }
    out
}

/// Go's `strings.Trim(s, cutset)`.
fn trim_cutset<'a>(s: &'a str, cutset: &str) -> &'a str {
    s.trim_matches(|c| cutset.contains(c))
}

/// Go's `strings.Repeat`, with its panics, and a 64 MiB cap so a template
/// cannot exhaust memory (Go would try and die).
fn repeat(s: &str, count: i64) -> Result<String, FuncError> {
    if count < 0 {
        return Err(fail("strings: negative Repeat count"));
    }
    let total = (s.len() as u128) * (count as u128);
    if total > (1 << 26) {
        return Err(fail("strings: Repeat output length overflow"));
    }
    Ok(s.repeat(count as usize))
}

/// `lead`, then `v` with `spaces` spaces before every line (Sprig's
/// `indent`; `nindent` leads with a newline), built in one pass.
fn indent(lead: &str, spaces: i64, v: &str) -> Result<String, FuncError> {
    // Charts indent by a few spaces: cut from a constant, not allocated.
    const SPACES: &str = "                                                                ";
    let repeated;
    let pad = match usize::try_from(spaces) {
        Ok(n) if n <= SPACES.len() => &SPACES[..n],
        _ => {
            repeated = repeat(" ", spaces)?;
            repeated.as_str()
        }
    };
    let breaks = memchr::memchr_iter(b'\n', v.as_bytes());
    let lines = 1 + breaks.count();
    let mut out = String::with_capacity(lead.len() + v.len() + pad.len().saturating_mul(lines));
    out.push_str(lead);
    out.push_str(pad);
    // Each line is copied with its line break, then the next line's pad.
    let mut start = 0;
    for at in memchr::memchr_iter(b'\n', v.as_bytes()) {
        out.push_str(&v[start..=at]);
        out.push_str(pad);
        start = at + 1;
    }
    out.push_str(&v[start..]);
    Ok(out)
}

/// A Go string slice `s[a:b]` over bytes; a cut inside a UTF-8 sequence is
/// kept as replacement characters (Go would emit the raw bytes).
fn byte_slice(s: &str, from: usize, to: usize) -> String {
    String::from_utf8_lossy(&s.as_bytes()[from..to]).into_owned()
}

fn trunc(c: i64, s: &str) -> String {
    let len = s.len() as i64;
    if c < 0 && len + c > 0 {
        return byte_slice(s, (len + c) as usize, s.len());
    }
    if c >= 0 && len > c {
        return byte_slice(s, 0, c as usize);
    }
    s.to_string()
}

fn slice_error(detail: String) -> FuncError {
    fail(format!("runtime error: slice bounds out of range {detail}"))
}

/// Sprig's `substring`, with Go's slice-bounds panics.
fn substr(start: i64, end: i64, s: &str) -> Result<String, FuncError> {
    let len = s.len() as i64;
    if start < 0 {
        if end < 0 {
            return Err(slice_error(format!("[:{end}]")));
        }
        if end > len {
            return Err(slice_error(format!("[:{end}] with length {len}")));
        }
        return Ok(byte_slice(s, 0, end as usize));
    }
    if end < 0 || end > len {
        if start > len {
            return Err(slice_error(format!("[{start}:{len}]")));
        }
        return Ok(byte_slice(s, start as usize, s.len()));
    }
    if start > end {
        return Err(slice_error(format!("[{start}:{end}]")));
    }
    Ok(byte_slice(s, start as usize, end as usize))
}

/// goutils `Abbreviate(s, width)` as Sprig's `abbrev` calls it.
fn abbrev(s: &str, width: i64) -> String {
    if width < 4 {
        return s.to_string();
    }
    abbreviate_full(s, 0, width)
}

/// goutils `AbbreviateFull`; its errors become "" as Sprig ignores them.
fn abbreviate_full(s: &str, offset: i64, max_width: i64) -> String {
    let len = s.len() as i64;
    if s.is_empty() || max_width < 4 {
        return String::new();
    }
    if len <= max_width {
        return s.to_string();
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        return format!("{}...", byte_slice(s, 0, (max_width - 3) as usize));
    }
    if max_width < 7 {
        return String::new();
    }
    if offset + max_width - 3 < len {
        let rest = byte_slice(s, offset as usize, s.len());
        return format!("...{}", abbrev(&rest, max_width - 3));
    }
    format!(
        "...{}",
        byte_slice(s, (len - (max_width - 3)) as usize, s.len())
    )
}

/// goutils `DeleteWhiteSpace`: works on bytes, each taken as a Latin-1 rune,
/// so non-ASCII text is re-encoded when anything is removed (as in Go).
fn delete_white_space(s: &str) -> String {
    let kept: Vec<char> = s
        .bytes()
        .map(char::from)
        .filter(|c| !c.is_whitespace())
        .collect();
    if kept.len() == s.len() {
        return s.to_string();
    }
    kept.into_iter().collect()
}

/// goutils `Initials` (bytes taken as Latin-1 runes, like Go's code).
fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut last_was_gap = true;
    for c in s.bytes().map(char::from) {
        if c.is_whitespace() {
            last_was_gap = true;
        } else if last_was_gap {
            out.push(c);
            last_was_gap = false;
        }
    }
    out
}

/// goutils `WrapCustom`: wraps at spaces; byte offsets as in Go.
fn wrap_custom(s: &str, wrap_length: i64, newline: &str, wrap_long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = wrap_length.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len + len / width * newline.len());
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        if let Some(space) = b[offset..end].iter().rposition(|c| *c == b' ') {
            let at = space + offset;
            out.extend_from_slice(&b[offset..at]);
            out.extend_from_slice(newline.as_bytes());
            offset = at + 1;
        } else if wrap_long_words {
            out.extend_from_slice(&b[offset..width + offset]);
            out.extend_from_slice(newline.as_bytes());
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|c| *c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
                Some(i) => {
                    let at = i + end;
                    out.extend_from_slice(&b[offset..at]);
                    out.extend_from_slice(newline.as_bytes());
                    offset = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `unicode.ToUpper` for one rune: the simple (one-to-one) mapping.
pub(crate) fn upper_rune(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToLower` for one rune.
pub(crate) fn lower_rune(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `unicode.ToTitle` for one rune (upper case but for the digraphs).
pub(crate) fn title_rune(c: char) -> char {
    match c {
        '\u{1C4}'..='\u{1C6}' => '\u{1C5}',
        '\u{1C7}'..='\u{1C9}' => '\u{1C8}',
        '\u{1CA}'..='\u{1CC}' => '\u{1CB}',
        '\u{1F1}'..='\u{1F3}' => '\u{1F2}',
        _ => upper_rune(c),
    }
}

pub(crate) fn to_upper(s: &str) -> String {
    s.chars().map(upper_rune).collect()
}

pub(crate) fn to_lower(s: &str) -> String {
    s.chars().map(lower_rune).collect()
}

/// Go's `strings.Title`: title-cases the first letter of each word, words
/// being separated by anything but letters, digits and `_`.
fn title(s: &str) -> String {
    let is_separator = |c: char| {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if c.is_alphabetic() || c.is_numeric() {
            return false;
        }
        c.is_whitespace()
    };
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_separator(prev) { title_rune(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

/// goutils `Uncapitalize`: lower-cases the first rune of each
/// whitespace-separated word.
fn untitle(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if c.is_whitespace() {
                next = true;
                c
            } else if next {
                next = false;
                lower_rune(c)
            } else {
                c
            }
        })
        .collect()
}

/// goutils `SwapCase`: upper to lower, lower to upper, and a lower-case
/// letter after whitespace (or at the start) to title case.
fn swap_case(s: &str) -> String {
    let mut whitespace = true;
    s.chars()
        .map(|c| {
            if c.is_uppercase() {
                whitespace = false;
                lower_rune(c)
            } else if c.is_lowercase() {
                let out = if whitespace {
                    title_rune(c)
                } else {
                    upper_rune(c)
                };
                whitespace = false;
                out
            } else {
                whitespace = c.is_whitespace();
                c
            }
        })
        .collect()
}

/// Go's `strconv.Quote` (the `%q` verb on a string), for the quoted values
/// in Sprig's error messages.
pub(crate) fn go_quote(s: &str) -> String {
    capstan_gotmpl::format::quote(s)
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

    #[test]
    fn trunc_and_substr_follow_byte_offsets() {
        assert_eq!(call_str("trunc", &[i(5), s("hello world")]), "hello");
        assert_eq!(call_str("trunc", &[i(-5), s("hello world")]), "world");
        assert_eq!(call_str("trunc", &[i(50), s("hello")]), "hello");
        assert_eq!(call_str("substr", &[i(0), i(5), s("hello world")]), "hello");
        assert_eq!(
            call_str("substr", &[i(6), i(-1), s("hello world")]),
            "world"
        );
        let err = call("substr", &[i(-1), i(50), s("hello")]).unwrap_err();
        assert_eq!(
            err.message(),
            "runtime error: slice bounds out of range [:50] with length 5"
        );
    }

    #[test]
    fn quoting_is_go_percent_q() {
        assert_eq!(
            call_str("quote", &[s("a\"b\n"), Value::Nil, i(3)]),
            r#""a\"b\n" "3""#
        );
        assert_eq!(go_quote("é\u{0}\u{200b}"), "\"é\\x00\\u200b\"");
        // Go's printable table, not an approximation: U+0378 is unassigned
        // and U+0890 a format character (escaped), U+E0100 a mark (kept), as
        // Go's strconv.Quote prints them.
        let want = "\"a\\u0378b\u{e0100}c\\u0890d\"";
        assert_eq!(go_quote("a\u{378}b\u{e0100}c\u{890}d"), want);
        assert_eq!(crate::json::go_quote("a\u{378}b\u{e0100}c\u{890}d"), want);
        // Runs of plain ASCII around escapes, non-ASCII and astral characters.
        assert_eq!(
            go_quote("ab\\cd\"ef\u{7f}gh\té🙂\u{e000}z"),
            "\"ab\\\\cd\\\"ef\\x7fgh\\té🙂\\ue000z\""
        );
        assert_eq!(go_quote(""), "\"\"");
        // Quotes and backslashes back to back, at both ends.
        assert_eq!(go_quote("\"\\\"x\\"), r#""\"\\\"x\\""#);
        assert_eq!(
            call_str("squote", &[s("x"), Value::Bool(true)]),
            "'x' 'true'"
        );
        assert_eq!(
            call_str("cat", &[s("a"), Value::Nil, i(1), Value::Float(1.5)]),
            "a 1 1.5"
        );
    }

    #[test]
    fn indentation_and_replacement() {
        assert_eq!(call_str("indent", &[i(2), s("a\nb")]), "  a\n  b");
        assert_eq!(call_str("nindent", &[i(2), s("a")]), "\n  a");
        assert_eq!(call_str("nindent", &[i(1), s("")]), "\n ");
        assert_eq!(call_str("indent", &[i(1), s("\na\n")]), " \n a\n ");
        assert_eq!(call_str("nindent", &[i(0), s("a\nb")]), "\na\nb");
        // Pads up to 64 spaces are cut from a constant, longer ones built.
        for n in [63, 64, 65, 200] {
            let pad = " ".repeat(n);
            assert_eq!(
                call_str("nindent", &[i(n as i64), s("a\nb")]),
                format!("\n{pad}a\n{pad}b")
            );
        }
        assert_eq!(call_str("replace", &[s(""), s("-"), s("ab")]), "-a-b-");
        assert!(call("indent", &[i(-1), s("a")]).is_err());
    }

    #[test]
    fn case_functions() {
        assert_eq!(
            call_str("title", &[s("hello wORLD foo_bar x-y")]),
            "Hello WORLD Foo_bar X-Y"
        );
        assert_eq!(call_str("untitle", &[s("Hello World")]), "hello world");
        assert_eq!(call_str("swapcase", &[s("This Is")]), "tHIS iS");
        assert_eq!(call_str("upper", &[s("straße")]), "STRAßE");
        assert_eq!(call_str("initials", &[s("foo bar  baz")]), "fbb");
        assert_eq!(call_str("nospace", &[s(" a b\tc ")]), "abc");
    }

    #[test]
    fn abbreviation_and_wrapping() {
        assert_eq!(call_str("abbrev", &[i(5), s("hello world")]), "he...");
        assert_eq!(
            call_str("abbrevboth", &[i(5), i(10), s("1234 5678 9123")]),
            "...5678..."
        );
        assert_eq!(call_str("wrap", &[i(5), s("Hello World")]), "Hello\nWorld");
        assert_eq!(
            call_str("wrapWith", &[i(5), s("\t"), s("Hello World")]),
            "Hello\tWorld"
        );
    }

    #[test]
    fn splitting() {
        let m = call("split", &[s("$"), s("foo$bar$baz")]).unwrap();
        let m = m.as_map().unwrap();
        assert_eq!(m.get("_2"), Some(&s("baz")));
        let l = call("splitList", &[s(","), s("")]).unwrap();
        assert_eq!(l.as_list().unwrap(), &[s("")]);
        assert_eq!(go_split("abc", "", 2), vec!["a", "bc"]);
        let m = call("splitn", &[s("$"), i(2), s("a$b$c")]).unwrap();
        assert_eq!(m.as_map().unwrap().get("_1"), Some(&s("b$c")));
    }
}
