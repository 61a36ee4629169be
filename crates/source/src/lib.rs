//! Argo CD's repo-server role, offline.
//!
//! Owns reading repositories ([`tree`]: the working tree or any Git
//! revision, without a checkout; [`repos`]: which local repository serves a
//! `repoURL`; [`git`]: remote repositories cloned into a cache, and
//! `targetRevision` resolved as Argo CD resolves it), generating manifests
//! per Application source (Helm charts in Git through capstan-helm, plain
//! directories, multi-source `$ref` value files), and resolving the
//! app-of-apps tree of an environment ([`Engine`]). Charts named by
//! `repoURL` + `chart` come from HTTP chart repositories, OCI registries or
//! local mirrors through a content-addressed cache ([`charts`]); with Git
//! fetches, the only network access here. Does not talk to a cluster;
//! Kustomize and jsonnet are reported as not supported yet, naming the app.

mod apps;
pub mod charts;
pub mod diff;
mod directory;
mod envsubst;
pub mod git;
pub mod glob;
mod helm;
pub mod hydrate;
mod output;
mod overrides;
pub mod repos;
pub mod tree;

pub use apps::{AppError, AppNode, AppTree, Engine, ErrorKind, InputError, Settings};
pub use charts::{ChartRepository, ChartRequest, FetchError, MemoryTree, NoChartRepositories};
pub use output::{AppOutput, Manifest, RenderedDoc, ValueFile};
pub use repos::{RepoError, Revision};
