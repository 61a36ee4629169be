//! Masterminds semver v3, as far as chart loading needs it: `NewVersion`
//! (validating `version:` in `Chart.yaml`) and `NewConstraint(..).Check`
//! (matching a dependency's `version:` range against a vendored chart).
//!
//! Interim: the Sprig module owns the full Masterminds implementation
//! (`crate::sprig::semver`, for `semver`/`semverCompare`). When it lands this
//! file should delegate to it so both agree on every edge case.

use std::cmp::Ordering;

/// A parsed semantic version (Masterminds' lenient form: `v` prefix and
/// missing minor/patch allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
}

impl Version {
    /// Masterminds `NewVersion`: `v?MAJOR(.MINOR)?(.PATCH)?(-PRE)?(+META)?`.
    pub fn parse(s: &str) -> Result<Version, String> {
        let invalid = || "Invalid Semantic Version".to_string();
        let body = s.strip_prefix('v').unwrap_or(s);
        let (body, meta) = match body.split_once('+') {
            Some((b, m)) => (b, Some(m)),
            None => (body, None),
        };
        let (core, pre) = match body.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (body, None),
        };
        let ident_ok = |x: &str| {
            !x.is_empty()
                && x.split('.').all(|p| {
                    !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        };
        if let Some(m) = meta
            && !ident_ok(m)
        {
            return Err(invalid());
        }
        if let Some(p) = pre {
            if !ident_ok(p) {
                return Err(invalid());
            }
            for part in p.split('.') {
                if part.len() > 1
                    && part.starts_with('0')
                    && part.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err("Version segment starts with 0".to_string());
                }
            }
        }
        let nums: Vec<&str> = core.split('.').collect();
        if nums.is_empty() || nums.len() > 3 {
            return Err(invalid());
        }
        let mut parsed = [0u64; 3];
        for (i, n) in nums.iter().enumerate() {
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            parsed[i] = n
                .parse()
                .map_err(|_| format!("Error parsing version segment: {n}"))?;
        }
        Ok(Version {
            major: parsed[0],
            minor: parsed[1],
            patch: parsed[2],
            pre: pre.unwrap_or("").to_string(),
        })
    }

    fn cmp_version(&self, o: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| cmp_pre(&self.pre, &o.pre))
    }
}

/// SemVer precedence of prerelease strings (no prerelease sorts last).
fn cmp_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let mut ai = a.split('.');
    let mut bi = b.split('.');
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(p), Ok(q)) => p.cmp(&q),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    _ => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

#[derive(Debug, Clone)]
struct Constraint {
    op: Op,
    con: Version,
    /// Which of major/minor/patch was a wildcard or left out.
    dirty: u8,
}

/// Helm's `IsCompatibleRange`: whether `version` parses and satisfies the
/// constraint (false when either fails to parse).
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Ok(v) = Version::parse(version) else {
        return false;
    };
    let Some(groups) = parse_constraints(constraint) else {
        return false;
    };
    groups.iter().any(|g| g.iter().all(|c| c.check(&v)))
}

fn parse_constraints(s: &str) -> Option<Vec<Vec<Constraint>>> {
    let mut out = Vec::new();
    for group in s.split("||") {
        let mut cs = Vec::new();
        // Hyphen ranges first: "A - B" is ">= A, <= B".
        let tokens = tokenize(group)?;
        let mut i = 0;
        while i < tokens.len() {
            if i + 2 < tokens.len() && tokens[i + 1] == "-" {
                cs.push(parse_one(&format!(">={}", tokens[i]))?);
                cs.push(parse_one(&format!("<={}", tokens[i + 2]))?);
                i += 3;
            } else {
                cs.push(parse_one(&tokens[i])?);
                i += 1;
            }
        }
        if cs.is_empty() {
            return None;
        }
        out.push(cs);
    }
    Some(out)
}

/// Splits one AND group on commas and spaces, gluing an operator written
/// apart from its version (`>= 1.2`).
fn tokenize(group: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let mut pending_op = String::new();
    for raw in group.split([',', ' ', '\t']) {
        if raw.is_empty() {
            continue;
        }
        if raw.bytes().all(|b| b"=<>!~^".contains(&b)) {
            pending_op.push_str(raw);
            continue;
        }
        out.push(format!("{pending_op}{raw}"));
        pending_op.clear();
    }
    if !pending_op.is_empty() {
        return None;
    }
    Some(out)
}

fn parse_one(s: &str) -> Option<Constraint> {
    let ops: [(&str, Op); 12] = [
        ("!=", Op::Ne),
        (">=", Op::Ge),
        ("=>", Op::Ge),
        ("<=", Op::Le),
        ("=<", Op::Le),
        ("~>", Op::Tilde),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("=", Op::Eq),
        ("~", Op::Tilde),
        ("^", Op::Caret),
        ("", Op::Eq),
    ];
    let (op, rest) = ops
        .iter()
        .find_map(|(p, op)| s.strip_prefix(p).map(|r| (*op, r)))?;
    let rest = rest.strip_prefix('v').unwrap_or(rest);
    let (core, tail) = match rest.find(['-', '+']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let is_x = |p: &str| matches!(p, "x" | "X" | "*");
    let mut nums = [0u64; 3];
    let mut dirty = 0u8;
    for (i, slot) in nums.iter_mut().enumerate() {
        match parts.get(i) {
            None => dirty = dirty.max(3 - i as u8),
            Some(p) if is_x(p) => {
                dirty = dirty.max(3 - i as u8);
            }
            Some(p) => {
                if dirty > 0 || p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                *slot = p.parse().ok()?;
            }
        }
    }
    let pre = if tail.is_empty() {
        String::new()
    } else {
        Version::parse(&format!("0.0.0{tail}")).ok()?.pre
    };
    Some(Constraint {
        op,
        con: Version {
            major: nums[0],
            minor: nums[1],
            patch: nums[2],
            pre,
        },
        dirty,
    })
}

impl Constraint {
    fn check(&self, v: &Version) -> bool {
        // A prerelease only satisfies constraints that mention one.
        if !v.pre.is_empty() && self.con.pre.is_empty() {
            return false;
        }
        let c = &self.con;
        let cmp = v.cmp_version(c);
        match self.op {
            Op::Eq if self.dirty > 0 => self.tilde(v),
            Op::Eq => cmp == Ordering::Equal,
            Op::Ne if self.dirty > 0 => !self.tilde(v),
            Op::Ne => cmp != Ordering::Equal,
            Op::Gt => match self.dirty {
                0 => cmp == Ordering::Greater,
                3 => false,
                2 => v.major > c.major,
                _ => (v.major, v.minor) > (c.major, c.minor),
            },
            Op::Lt => cmp == Ordering::Less,
            Op::Ge => cmp != Ordering::Less,
            Op::Le => match self.dirty {
                0 => cmp != Ordering::Greater,
                3 => true,
                2 => v.major <= c.major,
                _ => (v.major, v.minor) <= (c.major, c.minor),
            },
            Op::Tilde => self.tilde(v),
            Op::Caret => {
                if cmp == Ordering::Less {
                    return false;
                }
                if self.dirty == 3 {
                    return true;
                }
                if c.major > 0 || self.dirty == 2 {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.dirty == 1 {
                    return v.minor == c.minor;
                }
                v.minor == 0 && v.patch == c.patch
            }
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.cmp_version(c) == Ordering::Less {
            return false;
        }
        if self.dirty == 3 {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        if self.dirty == 2 {
            return true;
        }
        v.minor == c.minor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(Version::parse("1.0.0").is_ok());
        assert!(Version::parse("v1.0").is_ok());
        assert!(Version::parse("1").is_ok());
        assert!(Version::parse("1.0.0-01").is_err());
        assert!(Version::parse("1.0.0.0").is_err());
        assert!(Version::parse("latest").is_err());
    }

    #[test]
    fn ranges() {
        assert!(is_compatible_range("*", "1.2.3"));
        assert!(!is_compatible_range("*", "1.2.3-beta"));
        assert!(is_compatible_range("^1.2", "1.9.0"));
        assert!(!is_compatible_range("^1.2", "2.0.0"));
        assert!(is_compatible_range("~1.2.3", "1.2.9"));
        assert!(!is_compatible_range("~1.2.3", "1.3.0"));
        assert!(is_compatible_range(">=1.0.0 <2.0.0", "1.5.0"));
        assert!(is_compatible_range(">= 1.0.0, < 2.0.0", "1.5.0"));
        assert!(is_compatible_range("1.x", "1.5.0"));
        assert!(is_compatible_range("1.0.0 - 1.4.0", "1.2.0"));
        assert!(is_compatible_range("<1.0 || >=2.0", "2.1.0"));
        assert!(!is_compatible_range("1.2.3", "1.2.4"));
        assert!(!is_compatible_range("nonsense", "1.2.4"));
    }
}
