//! The two glob dialects Argo CD applies to repository paths.
//!
//! - [`Dialect::Gobwas`]: `directory.include`/`exclude`, matched with
//!   gobwas/glob compiled without separators, so `*` also crosses `/`;
//!   `?`, `[abc]`, `[!a-z]`, `{a,b}` and `\` escapes.
//! - [`Dialect::Doublestar`]: glob value files (doublestar's
//!   `FilepathGlob`): `*`, `?` and classes stay within one path segment,
//!   `**` spans segments (`a/**/b` also matches `a/b`), `{a,b}` alternates.
//!
//! Matching is a memoised walk over (pattern position, text position), so
//! hostile patterns cannot blow up.

use std::collections::HashMap;

/// Which rules a pattern follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Gobwas,
    Doublestar,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Char(char),
    Any,
    Star,
    /// `**` (in doublestar, `**/` as one token: zero or more whole segments).
    Globstar {
        slash: bool,
    },
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Alt(Vec<Vec<Token>>),
}

/// A pattern that cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad glob pattern {pattern:?}: {reason}")]
pub struct GlobError {
    pub pattern: String,
    pub reason: String,
}

/// A compiled glob.
#[derive(Debug, Clone)]
pub struct Glob {
    tokens: Vec<Token>,
    dialect: Dialect,
}

/// Whether a path holds glob metacharacters (Argo CD's `isGlobPath`).
pub fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

impl Glob {
    pub fn new(pattern: &str, dialect: Dialect) -> Result<Glob, GlobError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let tokens = parse(&chars, &mut pos, dialect, false, 0).map_err(|reason| GlobError {
            pattern: pattern.to_string(),
            reason,
        })?;
        if pos != chars.len() {
            return Err(GlobError {
                pattern: pattern.to_string(),
                reason: "unexpected '}'".into(),
            });
        }
        Ok(Glob { tokens, dialect })
    }

    /// Whether the whole of `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let mut memo = HashMap::new();
        let seq = Seq {
            tokens: &self.tokens,
            next: None,
        };
        match_seq(&seq, 0, &chars, 0, self.dialect, &mut memo)
    }
}

const MAX_NESTING: usize = 16;

fn parse(
    chars: &[char],
    pos: &mut usize,
    dialect: Dialect,
    in_alt: bool,
    depth: usize,
) -> Result<Vec<Token>, String> {
    if depth > MAX_NESTING {
        return Err("braces nested too deeply".into());
    }
    let mut out = Vec::new();
    while *pos < chars.len() {
        let c = chars[*pos];
        match c {
            '}' | ',' if in_alt => return Ok(out),
            '\\' => {
                *pos += 1;
                let Some(&e) = chars.get(*pos) else {
                    return Err("trailing '\\'".into());
                };
                out.push(Token::Char(e));
                *pos += 1;
            }
            '?' => {
                out.push(Token::Any);
                *pos += 1;
            }
            '*' => {
                if chars.get(*pos + 1) == Some(&'*') {
                    *pos += 2;
                    let slash = dialect == Dialect::Doublestar && chars.get(*pos) == Some(&'/');
                    if slash {
                        *pos += 1;
                    }
                    out.push(Token::Globstar { slash });
                } else {
                    out.push(Token::Star);
                    *pos += 1;
                }
            }
            '[' => {
                *pos += 1;
                let negated = matches!(chars.get(*pos), Some('!') | Some('^'));
                if negated {
                    *pos += 1;
                }
                let mut ranges = Vec::new();
                let mut first = true;
                loop {
                    let Some(&c) = chars.get(*pos) else {
                        return Err("unclosed '['".into());
                    };
                    if c == ']' && !first {
                        *pos += 1;
                        break;
                    }
                    first = false;
                    let lo = if c == '\\' {
                        *pos += 1;
                        *chars.get(*pos).ok_or("unclosed '['")?
                    } else {
                        c
                    };
                    *pos += 1;
                    if chars.get(*pos) == Some(&'-')
                        && chars.get(*pos + 1).is_some_and(|c| *c != ']')
                    {
                        let hi = chars[*pos + 1];
                        *pos += 2;
                        ranges.push((lo, hi));
                    } else {
                        ranges.push((lo, lo));
                    }
                }
                out.push(Token::Class { negated, ranges });
            }
            '{' => {
                *pos += 1;
                let mut alts = Vec::new();
                loop {
                    alts.push(parse(chars, pos, dialect, true, depth + 1)?);
                    match chars.get(*pos) {
                        Some(',') => *pos += 1,
                        Some('}') => {
                            *pos += 1;
                            break;
                        }
                        _ => return Err("unclosed '{'".into()),
                    }
                }
                out.push(Token::Alt(alts));
            }
            other => {
                out.push(Token::Char(other));
                *pos += 1;
            }
        }
    }
    if in_alt {
        return Err("unclosed '{'".into());
    }
    Ok(out)
}

/// A token sequence with what follows it (the rest after an alternation).
struct Seq<'a> {
    tokens: &'a [Token],
    next: Option<(&'a Seq<'a>, usize)>,
}

fn match_seq(
    seq: &Seq<'_>,
    ti: usize,
    text: &[char],
    xi: usize,
    d: Dialect,
    memo: &mut HashMap<(usize, usize, usize), bool>,
) -> bool {
    let key = (seq as *const Seq<'_> as usize, ti, xi);
    if let Some(r) = memo.get(&key) {
        return *r;
    }
    let r = match_inner(seq, ti, text, xi, d, memo);
    memo.insert(key, r);
    r
}

fn match_inner(
    seq: &Seq<'_>,
    ti: usize,
    text: &[char],
    xi: usize,
    d: Dialect,
    memo: &mut HashMap<(usize, usize, usize), bool>,
) -> bool {
    let Some(tok) = seq.tokens.get(ti) else {
        return match seq.next {
            Some((outer, oti)) => match_seq(outer, oti, text, xi, d, memo),
            None => xi == text.len(),
        };
    };
    let sep = |c: char| d == Dialect::Doublestar && c == '/';
    match tok {
        Token::Char(c) => text.get(xi) == Some(c) && match_seq(seq, ti + 1, text, xi + 1, d, memo),
        Token::Any => {
            text.get(xi).is_some_and(|c| !sep(*c)) && match_seq(seq, ti + 1, text, xi + 1, d, memo)
        }
        Token::Class { negated, ranges } => {
            let Some(&c) = text.get(xi) else { return false };
            let inside = ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi);
            inside != *negated && !sep(c) && match_seq(seq, ti + 1, text, xi + 1, d, memo)
        }
        Token::Star => {
            let mut end = xi;
            loop {
                if match_seq(seq, ti + 1, text, end, d, memo) {
                    return true;
                }
                match text.get(end) {
                    Some(c) if !sep(*c) => end += 1,
                    _ => return false,
                }
            }
        }
        Token::Globstar { slash } => {
            for end in xi..=text.len() {
                // `**/` consumes whole segments: nothing, or up to and including a '/'.
                let ok = !*slash || end == xi || text[end - 1] == '/';
                if ok && match_seq(seq, ti + 1, text, end, d, memo) {
                    return true;
                }
            }
            false
        }
        Token::Alt(alts) => alts.iter().any(|alt| {
            let inner = Seq {
                tokens: alt,
                next: Some((seq, ti + 1)),
            };
            // Inner sequences live on this stack frame: no memo across them.
            match_inner(&inner, 0, text, xi, d, &mut HashMap::new())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, d: Dialect, t: &str) -> bool {
        Glob::new(p, d).expect("pattern").matches(t)
    }

    #[test]
    fn gobwas_star_crosses_slashes() {
        assert!(m("*.yaml", Dialect::Gobwas, "sub/dir/a.yaml"));
        assert!(m(
            "{config.json,env-usw2/*}",
            Dialect::Gobwas,
            "env-usw2/x/y.yaml"
        ));
        assert!(m(
            "{config.json,env-usw2/*}",
            Dialect::Gobwas,
            "config.json"
        ));
        assert!(!m(
            "{config.json,env-usw2/*}",
            Dialect::Gobwas,
            "other.json"
        ));
        assert!(m("[!a]*.yaml", Dialect::Gobwas, "b.yaml"));
        assert!(!m("[!a]*.yaml", Dialect::Gobwas, "a.yaml"));
        assert!(m("**/README.md", Dialect::Gobwas, "x/README.md"));
    }

    #[test]
    fn doublestar_keeps_segments() {
        assert!(m("env/*.yaml", Dialect::Doublestar, "env/a.yaml"));
        assert!(!m("env/*.yaml", Dialect::Doublestar, "env/sub/a.yaml"));
        assert!(m("env/**/*.yaml", Dialect::Doublestar, "env/a.yaml"));
        assert!(m(
            "env/**/*.yaml",
            Dialect::Doublestar,
            "env/sub/deeper/a.yaml"
        ));
        assert!(m(
            "env/values-{a,b}.yaml",
            Dialect::Doublestar,
            "env/values-b.yaml"
        ));
    }

    #[test]
    fn bad_patterns_are_errors() {
        assert!(Glob::new("[abc", Dialect::Gobwas).is_err());
        assert!(Glob::new("{a,b", Dialect::Gobwas).is_err());
        assert!(Glob::new(&"{".repeat(40), Dialect::Gobwas).is_err());
    }
}
