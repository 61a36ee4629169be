//! What rendering an Application yields: its documents (each with the
//! template or file it came from and its resource key) and the byte-exact
//! stream (`helm template`'s for Helm sources), and the value files Helm
//! sources read.

use std::sync::Arc;

use capstan_model::{ResourceKey, SourceKind};

/// One rendered document, before it is keyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedDoc {
    /// The template path (`chart/templates/x.yaml`) or repository file.
    pub source: String,
    /// The document text, as printed after its `# Source:` line.
    pub text: String,
    /// `apiVersion`, `kind`, `metadata.namespace`, `metadata.name`, when
    /// whoever produced the document already read them (Helm reads every
    /// head to sort); `None`: read from `text` when keyed.
    pub key: Option<[String; 4]>,
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
    /// Every value file the Helm sources read, in the order Helm merged
    /// them: globs expanded, `$ref/...` and build variables resolved.
    /// Inline `values`/`valuesObject` are not here: they are in the
    /// Application itself.
    pub value_files: Vec<ValueFile>,
}

/// A value file a Helm source read, as resolved for the render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueFile {
    /// The path inside its repository (or inside the fetched chart).
    pub path: String,
    /// The `repoURL` of the source that holds it (the `$ref` source's for
    /// `$ref/...` files).
    pub repo_url: String,
    /// That source's `targetRevision`, as written.
    pub target_revision: String,
    /// What was read: the tree's revision (`worktree`, a commit id).
    pub revision: String,
    /// The bytes Helm read.
    pub bytes: Arc<[u8]>,
}
