//! Git repositories read at an Application's `targetRevision`: remote
//! ones cloned into the cache and fetched ([`GitRemotes`]), and the
//! revision resolved to a commit as Argo CD resolves it (`revision`).
//! [`crate::repos`] decides which repository serves a `repoURL`.

mod cache;
mod revision;

pub use cache::GitRemotes;
pub(crate) use revision::resolve as resolve_target_revision;
