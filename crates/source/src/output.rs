//! What rendering an Application yields: its documents (each with the
//! template or file it came from and its resource key) and the byte-exact
//! stream (`helm template`'s for Helm sources).

use capstan_model::{ResourceKey, SourceKind};

/// One rendered document, before it is keyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedDoc {
    /// The template path (`chart/templates/x.yaml`) or repository file.
    pub source: String,
    /// The document text, as printed after its `# Source:` line.
    pub text: String,
}

/// One manifest of an app's output.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub source: String,
    pub text: String,
    pub key: ResourceKey,
    pub api_version: String,
}

/// Everything one Application renders to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppOutput {
    pub manifests: Vec<Manifest>,
    /// The documents as one stream, deterministic byte for byte.
    pub stream: String,
    /// The type of each rendered source (`Helm`, `Directory`), in order.
    pub source_kinds: Vec<SourceKind>,
}
