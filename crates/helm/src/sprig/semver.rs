//! Semantic versions and constraints as Masterminds/semver v3 (v3.5) reads
//! them: Sprig's `semver` and `semverCompare`, and, outside Sprig, Helm's
//! `kubeVersion` and dependency version ranges.
//!
//! Parsing is Masterminds' "coerced" `NewVersion`: an optional `v`, one to
//! three numeric segments (`1.2` is `1.2.0`, leading zeros allowed), an
//! optional prerelease and build metadata, the original text kept.
//! Constraints: `||` alternatives of space- or comma-separated conditions,
//! operators `= != > < >= <= => =< ~ ~> ^`, hyphen ranges (`1.2 - 1.4.5`),
//! `x`/`X`/`*` wildcards; prereleases only match a group that names one.
//! The grammar is Masterminds' own regular expressions, compiled with Go's
//! regexp semantics (see `super::regex`).

use std::cmp::Ordering;
use std::fmt;
use std::sync::{Arc, LazyLock};

use capstan_gotmpl::{FuncError, Object, ParamType, Signature, Value};
use regex::Regex;

use super::{Registry, STR, arg_str, fail};

pub(super) fn register(r: &mut Registry) {
    r.fixed("semverCompare", &[STR, STR], |a| {
        let c = Constraints::parse(arg_str(a, 0)).map_err(|e| fail(e.to_string()))?;
        let v = Version::parse(arg_str(a, 1)).map_err(|e| fail(e.to_string()))?;
        Ok(Value::Bool(c.check(&v)))
    });
    r.fixed("semver", &[STR], |a| {
        let v = Version::parse(arg_str(a, 0)).map_err(|e| fail(e.to_string()))?;
        Ok(Value::Object(Arc::new(v)))
    });
}

/// Why a version or a constraint does not parse, in Masterminds' words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SemverError {
    #[error("invalid semantic version")]
    InvalidSemVer,
    #[error("invalid prerelease string")]
    InvalidPrerelease,
    #[error("invalid metadata string")]
    InvalidMetadata,
    #[error("version segment starts with 0")]
    SegmentStartsZero,
    #[error("error parsing version segment: strconv.ParseUint: parsing {0}: value out of range")]
    SegmentRange(String),
    #[error("improper constraint: {0}")]
    ImproperConstraint(String),
    #[error("constraint parser error")]
    ConstraintParser,
}

/// A version: `major.minor.patch[-pre][+metadata]`, with its original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

const LOOSE: &str = r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

fn go_regex(pattern: String) -> Option<Regex> {
    super::regex::compile(&pattern).ok()
}

static LOOSE_RE: LazyLock<Option<Regex>> = LazyLock::new(|| go_regex(format!("^{LOOSE}$")));
static CONSTRAINT_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| go_regex(format!(r"^\s*({OPS})\s*({CV})\s*$")));
static RANGE_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| go_regex(format!(r"\s*({CV})\s+-\s+({CV})\s*")));
static FIND_RE: LazyLock<Option<Regex>> = LazyLock::new(|| go_regex(format!(r"({OPS})\s*({CV})")));
static VALID_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    go_regex(format!(
        r"^(\s*({OPS})\s*({CV})\s*)((?:\s+|,\s*)({OPS})\s*({CV})\s*)*$"
    ))
});

const ALLOWED: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

impl Version {
    /// Masterminds' `NewVersion` (coercing mode).
    pub fn parse(text: &str) -> Result<Version, SemverError> {
        let re = LOOSE_RE.as_ref().ok_or(SemverError::InvalidSemVer)?;
        let m = re.captures(text).ok_or(SemverError::InvalidSemVer)?;
        let group = |i: usize| m.get(i).map_or("", |g| g.as_str());
        let segment = |s: &str| -> Result<u64, SemverError> {
            let s = s.trim_start_matches('.');
            if s.is_empty() {
                return Ok(0);
            }
            s.parse()
                .map_err(|_| SemverError::SegmentRange(super::strings::go_quote(s)))
        };
        let v = Version {
            major: segment(group(1))?,
            minor: segment(group(2))?,
            patch: segment(group(3))?,
            pre: group(5).to_string(),
            metadata: group(8).to_string(),
            original: text.to_string(),
        };
        if !v.pre.is_empty() {
            validate_prerelease(&v.pre)?;
        }
        if !v.metadata.is_empty()
            && v.metadata
                .split('.')
                .any(|p| p.is_empty() || !only(p, ALLOWED))
        {
            return Err(SemverError::InvalidMetadata);
        }
        Ok(v)
    }

    pub fn major(&self) -> u64 {
        self.major
    }
    pub fn minor(&self) -> u64 {
        self.minor
    }
    pub fn patch(&self) -> u64 {
        self.patch
    }
    pub fn prerelease(&self) -> &str {
        &self.pre
    }
    pub fn metadata(&self) -> &str {
        &self.metadata
    }
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Precedence: numbers, then a release above its prereleases, then the
    /// prerelease identifiers; metadata is ignored.
    pub fn compare(&self, o: &Version) -> Ordering {
        let nums = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if nums != Ordering::Equal {
            return nums;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_prerelease(&self.pre, &o.pre),
        }
    }

    fn incremented(&self, part: u8) -> Version {
        let mut v = self.clone();
        v.metadata.clear();
        let was_pre = !v.pre.is_empty();
        v.pre.clear();
        match part {
            0 => {
                v.major = v.major.saturating_add(1);
                v.minor = 0;
                v.patch = 0;
            }
            1 => {
                v.minor = v.minor.saturating_add(1);
                v.patch = 0;
            }
            _ if !was_pre => v.patch = v.patch.saturating_add(1),
            _ => {}
        }
        let prefix = if self.original.starts_with('v') {
            "v"
        } else {
            ""
        };
        v.original = format!("{prefix}{v}");
        v
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

fn only(s: &str, set: &str) -> bool {
    s.chars().all(|c| set.contains(c))
}

fn validate_prerelease(pre: &str) -> Result<(), SemverError> {
    for p in pre.split('.') {
        if p.is_empty() {
            return Err(SemverError::InvalidPrerelease);
        }
        if only(p, "0123456789") {
            if p.len() > 1 && p.starts_with('0') {
                return Err(SemverError::SegmentStartsZero);
            }
        } else if !only(p, ALLOWED) {
            return Err(SemverError::InvalidPrerelease);
        }
    }
    Ok(())
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (
            pa.get(i).copied().unwrap_or(""),
            pb.get(i).copied().unwrap_or(""),
        );
        let d = compare_pre_part(x, y);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

/// One prerelease identifier against another: a missing one is lower,
/// numbers are lower than words, numbers compare numerically.
fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(si), Ok(oi)) => {
            if si > oi {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Debug, Clone)]
struct Constraint {
    op: Op,
    con: Version,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

/// A parsed constraint expression.
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<Vec<Constraint>>,
    contains_pre: Vec<bool>,
    /// Lets prerelease versions satisfy every group.
    pub include_prerelease: bool,
}

impl Constraints {
    /// Masterminds' `NewConstraint`.
    pub fn parse(text: &str) -> Result<Constraints, SemverError> {
        let rewritten = rewrite_range(text);
        let (Some(valid), Some(find)) = (VALID_RE.as_ref(), FIND_RE.as_ref()) else {
            return Err(SemverError::ConstraintParser);
        };
        let mut groups = Vec::new();
        let mut contains_pre = Vec::new();
        for alt in rewritten.split("||") {
            if !valid.is_match(alt) {
                return Err(SemverError::ImproperConstraint(super::strings::go_quote(
                    alt,
                )));
            }
            let mut found: Vec<&str> = find.find_iter(alt).map(|m| m.as_str()).collect();
            if found.is_empty() {
                found.push(alt);
            }
            let mut group = Vec::new();
            let mut has_pre = false;
            for s in found {
                let c = parse_constraint(s)?;
                has_pre |= !c.con.pre.is_empty();
                group.push(c);
            }
            groups.push(group);
            contains_pre.push(has_pre);
        }
        Ok(Constraints {
            groups,
            contains_pre,
            include_prerelease: false,
        })
    }

    /// Whether `v` satisfies any `||` group.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .zip(&self.contains_pre)
            .any(|(group, pre)| {
                group
                    .iter()
                    .all(|c| c.check(v, self.include_prerelease || *pre))
            })
    }
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_constraint(s: &str) -> Result<Constraint, SemverError> {
    if s.is_empty() {
        return Ok(Constraint {
            op: Op::TildeOrEqual,
            con: Version::parse("0.0.0").map_err(|_| SemverError::ConstraintParser)?,
            minor_dirty: false,
            patch_dirty: false,
            dirty: true,
        });
    }
    let re = CONSTRAINT_RE
        .as_ref()
        .ok_or(SemverError::ConstraintParser)?;
    let m = re
        .captures(s)
        .ok_or_else(|| SemverError::ImproperConstraint(super::strings::go_quote(s)))?;
    let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
    let op = match g(1) {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        _ => Op::Caret,
    };
    let (major, minor, patch, pre) = (g(3), g(4), g(5), g(6));
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let text = if is_x(major) || major.is_empty() {
        dirty = true;
        format!("0.0.0{pre}")
    } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{major}.0.0{pre}")
    } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{major}{minor}.0{pre}")
    } else {
        g(2).to_string()
    };
    let con = Version::parse(&text).map_err(|_| SemverError::ConstraintParser)?;
    Ok(Constraint {
        op,
        con,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

/// Rewrites each hyphen range `A - B` as `>= A, <= B `.
fn rewrite_range(text: &str) -> String {
    let Some(re) = RANGE_RE.as_ref() else {
        return text.to_string();
    };
    let mut out = text.to_string();
    for m in re.captures_iter(text) {
        let (whole, a, b) = (
            &m[0],
            m.get(1).map_or("", |x| x.as_str()),
            m.get(11).map_or("", |x| x.as_str()),
        );
        out = out.replacen(whole, &format!(">= {a}, <= {b} "), 1);
    }
    out
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op {
            Op::NotEqual => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Ordering::Equal
            }
            Op::Greater => {
                if !self.dirty {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major != c.major {
                    return v.major > c.major;
                }
                if self.minor_dirty {
                    return false;
                }
                if self.patch_dirty {
                    return v.minor > c.minor;
                }
                v.compare(c) == Ordering::Greater
            }
            Op::Less => v.compare(c) == Ordering::Less,
            Op::GreaterEqual => v.compare(c) != Ordering::Less,
            Op::LessEqual => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                if v.major > c.major {
                    return false;
                }
                !(v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            Op::Tilde => self.tilde(v),
            Op::TildeOrEqual => {
                if self.dirty {
                    return self.tilde(v);
                }
                v.compare(c) == Ordering::Equal
            }
            Op::Caret => {
                if v.compare(c) == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }
}

// The template view of a version: `*semver.Version` with its methods.

static SIG_NONE: LazyLock<Signature> = LazyLock::new(|| Signature::fixed(&[]));
static SIG_OTHER: LazyLock<Signature> = LazyLock::new(|| Signature::fixed(&[ParamType::Any]));

impl Object for Version {
    fn type_name(&self) -> &str {
        "*semver.Version"
    }

    fn method(&self, name: &str) -> Option<&Signature> {
        match name {
            "Major" | "Minor" | "Patch" | "Prerelease" | "Metadata" | "Original" | "String"
            | "IncMajor" | "IncMinor" | "IncPatch" => Some(&SIG_NONE),
            "Compare" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual"
            | "Equal" => Some(&SIG_OTHER),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let other = || -> Result<Version, FuncError> {
            match args.first() {
                Some(Value::Object(o)) if o.type_name() == "*semver.Version" => {
                    Version::parse(&o.go_format()).map_err(|e| fail(e.to_string()))
                }
                _ => Err(fail(NIL_VERSION)),
            }
        };
        Ok(match name {
            "Major" => Value::Int64(self.major as i64),
            "Minor" => Value::Int64(self.minor as i64),
            "Patch" => Value::Int64(self.patch as i64),
            "Prerelease" => Value::str(self.pre.as_str()),
            "Metadata" => Value::str(self.metadata.as_str()),
            "Original" => Value::str(self.original.as_str()),
            "String" => Value::from(self.to_string()),
            "IncMajor" => Value::Object(Arc::new(self.incremented(0))),
            "IncMinor" => Value::Object(Arc::new(self.incremented(1))),
            "IncPatch" => Value::Object(Arc::new(self.incremented(2))),
            "Compare" => Value::Int(match self.compare(&other()?) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }),
            "LessThan" => Value::Bool(self.compare(&other()?) == Ordering::Less),
            "LessThanEqual" => Value::Bool(self.compare(&other()?) != Ordering::Greater),
            "GreaterThan" => Value::Bool(self.compare(&other()?) == Ordering::Greater),
            "GreaterThanEqual" => Value::Bool(self.compare(&other()?) != Ordering::Less),
            "Equal" => Value::Bool(self.compare(&other()?) == Ordering::Equal),
            _ => return Err(fail(format!("can't call method/function {name:?}"))),
        })
    }

    fn go_format(&self) -> String {
        self.to_string()
    }

    /// Masterminds' `MarshalJSON`: the version's string, as a JSON string
    /// (so `toJson`, `toYaml` and the rest print it; `len` and `range`
    /// still refuse the struct).
    fn json(&self) -> Option<String> {
        let mut out = String::new();
        crate::json::quote_json(&self.to_string(), &mut out);
        Some(out)
    }
}

const NIL_VERSION: &str = "runtime error: invalid memory address or nil pointer dereference";

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::cloned_ref_to_slice_refs,
    clippy::too_many_arguments,
    reason = "a failed unwrap is a failed test"
)]
mod tests {
    use super::*;

    fn check(c: &str, v: &str) -> bool {
        Constraints::parse(c)
            .unwrap()
            .check(&Version::parse(v).unwrap())
    }

    #[test]
    fn parses_loosely() {
        let v = Version::parse("v1.2").unwrap();
        assert_eq!((v.major(), v.minor(), v.patch()), (1, 2, 0));
        assert_eq!(v.original(), "v1.2");
        assert_eq!(
            Version::parse("1.27.3-gke.100").unwrap().prerelease(),
            "gke.100"
        );
        assert_eq!(Version::parse("1.2.3.4"), Err(SemverError::InvalidSemVer));
        assert_eq!(
            Version::parse("1.2.3-01"),
            Err(SemverError::SegmentStartsZero)
        );
        assert_eq!(Version::parse("01.2.3").unwrap().to_string(), "1.2.3");
    }

    #[test]
    fn constraints_follow_masterminds() {
        assert!(check(">=1.20.0-0", "1.27.3-gke.100"));
        assert!(!check(">=1.20.0", "1.27.3-gke.100"));
        assert!(check(">=1.20", "1.27.3"));
        assert!(check("^1.2.3", "1.9.0"));
        assert!(!check("^1.2.3", "2.0.0"));
        assert!(check("^0.2.3", "0.2.9"));
        assert!(!check("^0.2.3", "0.3.0"));
        assert!(check("~1.2.3", "1.2.9"));
        assert!(!check("~1.2.3", "1.3.0"));
        assert!(check("~1", "1.9.0"));
        assert!(check("1.2.x", "1.2.7"));
        assert!(check("*", "4.0.0"));
        assert!(check("1.2 - 1.4.5", "1.4.5"));
        assert!(!check("1.2 - 1.4.5", "1.4.6"));
        assert!(check("<1.0 || >=2.1, <3", "2.5.0"));
        assert!(check(">= 1.2, < 2", "1.5.0"));
        assert!(check("!=1.2.3", "1.2.4"));
        assert!(!check("!=1.2.x", "1.2.4"));
        assert!(check("<=1.2.x", "1.2.9"));
        assert!(!check(">1.2.x", "1.2.9"));
        assert!(check(">1.2.x", "1.3.0"));
    }

    #[test]
    fn constraint_errors() {
        assert_eq!(
            Constraints::parse("foo").unwrap_err().to_string(),
            "improper constraint: \"foo\""
        );
        assert!(Constraints::parse(">= 1.2.3 <").is_err());
    }
}
