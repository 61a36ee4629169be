//! The glob syntax of `.Files.Glob` (gobwas/glob compiled with `/` as the
//! separator): `*` and `?` never cross `/`, `**` crosses it, `[abc]`, `[!a]`,
//! `[a-z]` classes, `{a,b}` alternatives, `\` escapes. A pattern that does
//! not compile matches everything, as Helm falls back to `**`.

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Glob {
    tokens: Vec<Token>,
}

#[derive(Debug, Clone)]
enum Token {
    Literal(char),
    /// `?`: one character other than the separator.
    Any,
    /// `*`: any run without the separator.
    Star,
    /// `**`: any run.
    SuperStar,
    /// `[...]`: ranges, negated or not (never matches the separator).
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    /// `{a,b}`: alternatives, each a token list.
    Alt(Vec<Vec<Token>>),
}

/// Deepest `{}` nesting accepted.
const MAX_NESTING: usize = 32;

impl Glob {
    /// Compiles a pattern; `None` if it is malformed (unclosed `[` or `{`,
    /// trailing `\`).
    pub fn compile(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let tokens = parse_seq(&chars, &mut pos, false, 0)?;
        (pos == chars.len()).then_some(Glob { tokens })
    }

    /// Whether `name` matches the whole pattern.
    pub fn matches(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        let mut budget = 1_000_000u32;
        match_seq(&self.tokens, &chars, &mut budget)
    }
}

fn parse_seq(chars: &[char], pos: &mut usize, in_alt: bool, depth: usize) -> Option<Vec<Token>> {
    if depth > MAX_NESTING {
        return None;
    }
    let mut out = Vec::new();
    while let Some(&c) = chars.get(*pos) {
        match c {
            ',' | '}' if in_alt => return Some(out),
            '\\' => {
                *pos += 1;
                out.push(Token::Literal(*chars.get(*pos)?));
                *pos += 1;
            }
            '?' => {
                out.push(Token::Any);
                *pos += 1;
            }
            '*' => {
                if chars.get(*pos + 1) == Some(&'*') {
                    out.push(Token::SuperStar);
                    *pos += 2;
                } else {
                    out.push(Token::Star);
                    *pos += 1;
                }
            }
            '[' => {
                *pos += 1;
                let negated = chars.get(*pos) == Some(&'!');
                if negated {
                    *pos += 1;
                }
                let mut ranges = Vec::new();
                loop {
                    let lo = *chars.get(*pos)?;
                    if lo == ']' {
                        *pos += 1;
                        break;
                    }
                    *pos += 1;
                    if chars.get(*pos) == Some(&'-')
                        && chars.get(*pos + 1).is_some_and(|c| *c != ']')
                    {
                        let hi = *chars.get(*pos + 1)?;
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
                    alts.push(parse_seq(chars, pos, true, depth + 1)?);
                    match chars.get(*pos)? {
                        ',' => *pos += 1,
                        '}' => {
                            *pos += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                out.push(Token::Alt(alts));
            }
            _ => {
                out.push(Token::Literal(c));
                *pos += 1;
            }
        }
    }
    if in_alt { None } else { Some(out) }
}

fn match_seq(tokens: &[Token], name: &[char], budget: &mut u32) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let Some((first, rest)) = tokens.split_first() else {
        return name.is_empty();
    };
    match first {
        Token::Literal(c) => name.first() == Some(c) && match_seq(rest, &name[1..], budget),
        Token::Any => {
            name.first().is_some_and(|c| *c != '/') && match_seq(rest, &name[1..], budget)
        }
        Token::Class { negated, ranges } => {
            name.first().is_some_and(|c| {
                *c != '/' && ranges.iter().any(|(lo, hi)| lo <= c && c <= hi) != *negated
            }) && match_seq(rest, &name[1..], budget)
        }
        Token::Star => {
            for i in 0..=name.len() {
                if match_seq(rest, &name[i..], budget) {
                    return true;
                }
                if name.get(i) == Some(&'/') {
                    return false;
                }
            }
            false
        }
        Token::SuperStar => (0..=name.len()).any(|i| match_seq(rest, &name[i..], budget)),
        Token::Alt(alts) => alts.iter().any(|alt| {
            let mut joined = alt.clone();
            joined.extend_from_slice(rest);
            match_seq(&joined, name, budget)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    fn m(p: &str, n: &str) -> bool {
        Glob::compile(p).map(|g| g.matches(n)).unwrap_or(true)
    }

    #[test]
    fn separators() {
        assert!(m("*.txt", "a.txt"));
        assert!(!m("*.txt", "d/a.txt"));
        assert!(m("**.txt", "d/a.txt"));
        assert!(m("files/*", "files/a"));
        assert!(!m("files/*", "files/a/b"));
        assert!(m("files/**", "files/a/b"));
        assert!(m("{a,b}/*.yaml", "b/x.yaml"));
        assert!(m("[!a]?", "bc"));
        assert!(!m("[!a]?", "ac"));
        assert!(m("f[0-9].txt", "f7.txt"));
    }

    #[test]
    fn malformed_is_none() {
        assert!(Glob::compile("[abc").is_none());
        assert!(Glob::compile("{a,b").is_none());
        assert!(Glob::compile("a\\").is_none());
    }
}
