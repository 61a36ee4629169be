//! Argo CD's repo-server role, offline.
//!
//! Owns reading repositories ([`tree`]: the working tree or any Git
//! revision, without a checkout), generating manifests per Application
//! source (Helm charts in Git, plain directories, multi-source `$ref`
//! value files), and resolving the app-of-apps tree of an environment.
//! Does not talk to a cluster, and does not fetch: repositories are local
//! paths (chart repositories and remote Git are future work).

pub mod glob;
pub mod tree;
