//! The error for a manifest that is not what it claims to be: the file, the
//! line and column where the YAML goes wrong, and what is wrong in the
//! deserializer's words (which names the offending field).

/// An invalid Argo CD manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}:{column}: {message}")]
pub struct ManifestError {
    /// Where the text came from (a path, or `<app>: path` for rendered output).
    pub origin: String,
    /// 1-based line in the whole file (0 when unknown).
    pub line: u64,
    /// 1-based column (0 when unknown).
    pub column: u64,
    /// What is wrong, naming the field.
    pub message: String,
}
