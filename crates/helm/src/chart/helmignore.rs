//! `.helmignore`: which files of a chart directory Helm leaves out.
//!
//! The rules are Helm's own (`pkg/ignore`), not Git's: each line is a Go
//! `filepath.Match` glob (so `*` never crosses `/` and `**` is refused), a
//! trailing `/` limits a rule to directories, a leading `/` anchors it at the
//! chart root, a pattern without `/` is matched against the base name only,
//! and the first rule that decides wins. Negation is Helm's peculiar one: a
//! `!pat` rule *ignores everything that does not match* `pat` and lets
//! matching paths fall through to later rules. The default rule
//! `templates/.?*` (dot files directly in `templates/`) is always added
//! last. Archives are never filtered: rules apply to directories only.

use std::fmt;

/// The file Helm reads the rules from, at the chart root.
pub const HELMIGNORE: &str = ".helmignore";

/// A bad line in `.helmignore`: Helm's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError(pub String);

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleError {}

#[derive(Debug, Clone)]
enum Scope {
    /// Leading `/`: the whole relative path must match.
    Rooted,
    /// Contains `/`: the whole relative path must match.
    Structural,
    /// No `/`: only the base name is matched.
    BaseName,
}

#[derive(Debug, Clone)]
struct Rule {
    glob: String,
    scope: Scope,
    negate: bool,
    dir_only: bool,
}

/// A parsed rule set.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    rules: Vec<Rule>,
}

impl Rules {
    /// Parses `.helmignore` text (a UTF-8 BOM at the start is dropped).
    pub fn parse(text: &str) -> Result<Rules, RuleError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rules = Rules::default();
        // bufio.Scanner lines: split on \n, a trailing \r is dropped.
        for line in text.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            rules.add(line)?;
        }
        Ok(rules)
    }

    /// Adds Helm's default rule: dot files directly under `templates/`.
    pub fn add_defaults(&mut self) {
        // The default rule is valid by construction.
        let _ = self.add("templates/.?*");
    }

    fn add(&mut self, line: &str) -> Result<(), RuleError> {
        let rule = line.trim_matches(|c: char| c.is_whitespace());
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(RuleError(
                "double-star (**) syntax is not supported".to_string(),
            ));
        }
        // Helm checks the raw rule (with any `!` or `/`) against "abc".
        glob_match(rule, "abc").map_err(|_| RuleError("syntax error in pattern".to_string()))?;
        let mut rest = rule;
        let negate = if let Some(r) = rest.strip_prefix('!') {
            rest = r;
            true
        } else {
            false
        };
        let dir_only = if let Some(r) = rest.strip_suffix('/') {
            rest = r;
            true
        } else {
            false
        };
        let (glob, scope) = if let Some(r) = rest.strip_prefix('/') {
            (r, Scope::Rooted)
        } else if rest.contains('/') {
            (rest, Scope::Structural)
        } else {
            (rest, Scope::BaseName)
        };
        self.rules.push(Rule {
            glob: glob.to_string(),
            scope,
            negate,
            dir_only,
        });
        Ok(())
    }

    /// Whether the chart-relative, `/`-separated `path` is ignored.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for r in &self.rules {
            if r.negate {
                if r.dir_only && !is_dir {
                    return true;
                }
                if !r.matches(path) {
                    return true;
                }
                continue;
            }
            if r.dir_only && !is_dir {
                continue;
            }
            if r.matches(path) {
                return true;
            }
        }
        false
    }
}

impl Rule {
    fn matches(&self, path: &str) -> bool {
        let subject = match self.scope {
            Scope::Rooted | Scope::Structural => path,
            Scope::BaseName => go_base(path),
        };
        glob_match(&self.glob, subject).unwrap_or(false)
    }
}

/// `filepath.Base` for `/`-separated paths.
fn go_base(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() { "." } else { "/" };
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// The pattern is malformed (Go's `filepath.ErrBadPattern`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPattern;

/// Go's `filepath.Match` on Unix: `*` and `?` never match `/`, `[...]`
/// classes with `^` negation and ranges, `\` escapes. Like Go, a syntax
/// error is only reported when matching reaches the broken part.
pub fn glob_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let mut pattern = pattern;
    let mut name = name;
    'outer: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.contains('/'));
        }
        let first = match_chunk(chunk, name);
        if let Ok(Some(t)) = first
            && (t.is_empty() || !pattern.is_empty())
        {
            name = t;
            continue;
        }
        first?;
        if star {
            for (i, b) in name.bytes().enumerate() {
                if b == b'/' {
                    break;
                }
                match match_chunk(chunk, &name[i + 1..]) {
                    Ok(Some(t)) => {
                        if pattern.is_empty() && !t.is_empty() {
                            continue;
                        }
                        name = t;
                        continue 'outer;
                    }
                    Ok(None) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off leading stars and the chunk up to the next unbracketed star.
fn scan_chunk(pattern: &str) -> (bool, &str, &str) {
    let trimmed = pattern.trim_start_matches('*');
    let star = trimmed.len() != pattern.len();
    let b = trimmed.as_bytes();
    let mut in_range = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &trimmed[..i], &trimmed[i..])
}

/// Matches one chunk at the start of `s`: `Ok(Some(rest))` on a match,
/// `Ok(None)` on a mismatch, `Err` on a malformed chunk (checked to its end
/// even after a mismatch, as Go does).
fn match_chunk<'a>(chunk: &str, s: &'a str) -> Result<Option<&'a str>, BadPattern> {
    let mut chunk = chunk;
    let mut s = s;
    let mut failed = false;
    while let Some(c) = chunk.chars().next() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match c {
            '[' => {
                let mut r = '\0';
                if !failed && let Some(sc) = s.chars().next() {
                    r = sc;
                    s = &s[sc.len_utf8()..];
                }
                chunk = &chunk[1..];
                let negated = chunk.starts_with('^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.starts_with(']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.starts_with('-') {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed && let Some(sc) = s.chars().next() {
                    if sc == '/' {
                        failed = true;
                    }
                    s = &s[sc.len_utf8()..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                let lit = if c == '\\' {
                    chunk = &chunk[1..];
                    chunk.chars().next().ok_or(BadPattern)?
                } else {
                    c
                };
                if !failed {
                    match s.chars().next() {
                        Some(sc) if sc == lit => s = &s[sc.len_utf8()..],
                        Some(sc) => {
                            failed = true;
                            s = &s[sc.len_utf8()..];
                        }
                        None => failed = true,
                    }
                }
                chunk = &chunk[lit.len_utf8()..];
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

/// One possibly escaped character of a class; Go refuses `-` and `]` here
/// and a class that ends right after it.
fn get_esc(chunk: &str) -> Result<(char, &str), BadPattern> {
    let mut chunk = chunk;
    if chunk.is_empty() || chunk.starts_with('-') || chunk.starts_with(']') {
        return Err(BadPattern);
    }
    if let Some(rest) = chunk.strip_prefix('\\') {
        chunk = rest;
    }
    let c = chunk.chars().next().ok_or(BadPattern)?;
    let rest = &chunk[c.len_utf8()..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((c, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match() {
        assert_eq!(glob_match("*.txt", "a.txt"), Ok(true));
        assert_eq!(glob_match("*.txt", "d/a.txt"), Ok(false));
        assert_eq!(glob_match("a/*", "a/b"), Ok(true));
        assert_eq!(glob_match("a?c", "abc"), Ok(true));
        assert_eq!(glob_match("[a-c]x", "bx"), Ok(true));
        assert_eq!(glob_match("[^a-c]x", "bx"), Ok(false));
        assert_eq!(glob_match("\\*", "*"), Ok(true));
        assert_eq!(glob_match("[", "abc"), Err(BadPattern));
        assert_eq!(glob_match("a[", "abc"), Err(BadPattern));
        assert_eq!(glob_match("x*[", "abc"), Ok(false));
        assert_eq!(glob_match("templates/.?*", "templates/.x"), Ok(true));
        assert_eq!(glob_match("templates/.?*", "templates/."), Ok(false));
    }

    #[test]
    fn helm_rules() {
        let mut r = Rules::parse("# c\n*.bak\nsecret/\n/top.txt\n").expect("parses");
        r.add_defaults();
        assert!(r.ignore("a/b.bak", false));
        assert!(r.ignore("secret", true));
        assert!(!r.ignore("secret", false));
        assert!(r.ignore("top.txt", false));
        assert!(!r.ignore("sub/top.txt", false));
        assert!(r.ignore("templates/.hidden", false));
        assert!(!r.ignore("charts/x/templates/.hidden", false));
        let neg = Rules::parse("!keep.txt").expect("parses");
        assert!(neg.ignore("other.txt", false));
        assert!(!neg.ignore("keep.txt", false));
        assert!(Rules::parse("a/**/b").is_err());
    }
}
