//! Version checks of chart loading and dependency matching, on top of the
//! Masterminds semver v3 implementation the Sprig functions use
//! (`crate::sprig::semver`), so `Chart.yaml` validation, dependency ranges
//! and `semverCompare` agree on every edge case.

use crate::sprig::semver::{Constraints, Version};

/// Whether `version` is valid for `Chart.yaml` (Masterminds `NewVersion`).
pub fn is_valid_version(version: &str) -> bool {
    Version::parse(version).is_ok()
}

/// Helm's `IsCompatibleRange`: whether `version` parses and satisfies the
/// constraint (false when either fails to parse).
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
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
    fn versions() {
        assert!(is_valid_version("1.0.0"));
        assert!(is_valid_version("v1.0"));
        assert!(is_valid_version("1"));
        assert!(!is_valid_version("1.0.0.0"));
        assert!(!is_valid_version("latest"));
    }
}
