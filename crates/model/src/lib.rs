//! Capstan's shared vocabulary.
//!
//! Owns the Argo CD resources capstan reads ([`Application`], [`AppProject`],
//! `argoproj.io/v1alpha1`) as typed structs parsed from YAML with file and
//! line context in every error, the annotations capstan acts on
//! ([`annotations`]: sync waves, hooks, hook delete policies, sync and
//! compare options, parsed once into types), and [`ResourceKey`], the
//! identity of a Kubernetes object across render, diff and sync.
//!
//! Deliberately pure data: no IO, no Kubernetes client, no Git. Callers read
//! the bytes; this crate tells them what they mean.

pub mod annotations;
mod application;
mod error;
mod manifest;
mod project;
mod resource;

pub use application::{
    Application, ApplicationDestination, ApplicationSource, ApplicationSpec, Backoff,
    DirectorySource, HelmFileParameter, HelmParameter, HelmSource, IgnoreDifference, Info,
    ObjectMeta, RetryStrategy, SourceKind, SyncPolicy, SyncPolicyAutomated,
};
pub use error::ManifestError;
pub use manifest::{
    ArgoObject, Document, argo_object_from_json, parse_argo_documents, parse_document,
    split_documents,
};
pub use project::{AppProject, AppProjectSpec, GroupKind, ProjectDestination};
pub use resource::{ResourceKey, group_of, is_cluster_scoped};

/// The API group and version of Argo CD's resources.
pub const ARGO_API_VERSION: &str = "argoproj.io/v1alpha1";
