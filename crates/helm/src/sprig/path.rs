//! Path functions: `base`, `dir`, `clean`, `ext`, `isAbs` (Go's `path`)
//! and their `os*` twins (Go's `path/filepath`, which on Linux, where Helm
//! runs in CI and here, behaves the same).

use capstan_gotmpl::Value;

use super::{Registry, STR, arg_str};

pub(super) fn register(r: &mut Registry) {
    for name in ["base", "osBase"] {
        r.fixed(name, &[STR], |a| Ok(Value::from(base(arg_str(a, 0)))));
    }
    for name in ["dir", "osDir"] {
        r.fixed(name, &[STR], |a| Ok(Value::from(dir(arg_str(a, 0)))));
    }
    for name in ["clean", "osClean"] {
        r.fixed(name, &[STR], |a| Ok(Value::from(clean(arg_str(a, 0)))));
    }
    for name in ["ext", "osExt"] {
        r.fixed(name, &[STR], |a| {
            Ok(Value::from(ext(arg_str(a, 0)).to_string()))
        });
    }
    for name in ["isAbs", "osIsAbs"] {
        r.fixed(name, &[STR], |a| {
            Ok(Value::Bool(arg_str(a, 0).starts_with('/')))
        });
    }
}

/// Go's `path.Clean`: the shortest equivalent path by lexical processing.
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Go's `path.Base`: the last element, trailing slashes removed.
pub(crate) fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `path.Dir`: everything but the last element, cleaned.
pub(crate) fn dir(p: &str) -> String {
    let cut = p.rfind('/').map_or(0, |i| i + 1);
    clean(&p[..cut])
}

/// Go's `path.Ext`: the suffix from the last `.` of the last element.
pub(crate) fn ext(p: &str) -> &str {
    for (i, c) in p.char_indices().rev() {
        match c {
            '/' => return "",
            '.' => return &p[i..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::cloned_ref_to_slice_refs,
    clippy::too_many_arguments,
    reason = "a failed unwrap is a failed test"
)]
mod tests {
    use super::*;

    #[test]
    fn go_path_semantics() {
        for (p, want) in [
            ("", "."),
            ("a/b/../c/./d/", "a/c/d"),
            ("/../a", "/a"),
            ("../../a/..", "../.."),
            ("//a//b", "/a/b"),
        ] {
            assert_eq!(clean(p), want, "{p}");
        }
        assert_eq!(base("/a/b.txt/"), "b.txt");
        assert_eq!(base("///"), "/");
        assert_eq!(dir("/a/b/c"), "/a/b");
        assert_eq!(dir("c"), ".");
        assert_eq!(ext("a/b.tar.gz"), ".gz");
        assert_eq!(ext("a.b/c"), "");
    }
}
