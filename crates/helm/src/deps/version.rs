//! Version checks of chart loading and dependency matching, on top of the
//! Masterminds semver v3 implementation the Sprig functions use
//! (`crate::sprig::semver`), so `Chart.yaml` validation, dependency ranges
//! and `semverCompare` agree on every edge case.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use crate::sprig::semver::{Constraints, Version};

/// Whether `version` is valid for `Chart.yaml` (Masterminds `NewVersion`).
pub fn is_valid_version(version: &str) -> bool {
    Version::parse(version).is_ok()
}

/// Helm's `IsCompatibleRange`: whether `version` parses and satisfies the
/// constraint (false when either fails to parse).
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    // Every render of a chart with `kubeVersion` asks this again, with the
    // same two strings; parsing a constraint costs more than a whole small
    // template. The answer depends on nothing else, so it is remembered.
    static ANSWERS: LazyLock<Mutex<HashMap<(String, String), bool>>> =
        LazyLock::new(Mutex::default);
    const REMEMBERED: usize = 256;
    let key = (constraint.to_string(), version.to_string());
    if let Some(&known) = ANSWERS.lock().ok().as_ref().and_then(|m| m.get(&key)) {
        return known;
    }
    let answer = check_range(constraint, version);
    if let Ok(mut m) = ANSWERS.lock() {
        if m.len() >= REMEMBERED {
            m.clear();
        }
        m.insert(key, answer);
    }
    answer
}

fn check_range(constraint: &str, version: &str) -> bool {
    let Ok(v) = Version::parse(version) else {
        return false;
    };
    let Ok(c) = Constraints::parse(constraint) else {
        return false;
    };
    c.check(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_answers_are_the_computed_ones() {
        for (c, v) in [
            (">= 1.20.0-0", "v1.31.0"),
            ("< 1.19", "1.31.0"),
            ("bad", "1.0.0"),
            ("^1", "x"),
        ] {
            for _ in 0..3 {
                assert_eq!(is_compatible_range(c, v), check_range(c, v), "{c} {v}");
            }
        }
        assert!(is_compatible_range(">= 1.20.0-0", "v1.31.0"));
        assert!(!is_compatible_range("< 1.19", "1.31.0"));
    }

    #[test]
    fn versions() {
        assert!(is_valid_version("1.0.0"));
        assert!(is_valid_version("v1.0"));
        assert!(is_valid_version("1"));
        assert!(!is_valid_version("1.0.0.0"));
        assert!(!is_valid_version("latest"));
    }
}
