//! Argo CD's `Application` (`argoproj.io/v1alpha1`) with every spec field
//! capstan reads. Field names follow the CRD exactly; unknown spec fields
//! are refused so a typo (`valuesFiles`) is an error with its line, not a
//! silently ignored setting. `metadata` accepts anything else Kubernetes puts
//! there. Kustomize, plugin and jsonnet settings are kept as raw values:
//! capstan does not render those sources yet.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The parts of `metadata` capstan reads.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
}

/// An Argo CD Application.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub api_version: String,
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    pub spec: ApplicationSpec,
    /// Status and operation are the controller's; kept raw, never interpreted here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<serde_json::Value>,
}

/// `spec` of an Application.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ApplicationSource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<ApplicationSource>,
    #[serde(default)]
    pub destination: ApplicationDestination,
    #[serde(default)]
    pub project: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_policy: Option<SyncPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_differences: Vec<IgnoreDifference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub info: Vec<Info>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i64>,
    /// Source hydrator settings, kept raw (not interpreted by capstan yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_hydrator: Option<serde_json::Value>,
}

/// One source of an Application.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationSource {
    #[serde(rename = "repoURL", default)]
    pub repo_url: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target_revision: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm: Option<HelmSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kustomize: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<DirectorySource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin: Option<serde_json::Value>,
    /// A chart name in a Helm repository (instead of `path` in Git).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub chart: String,
    /// The name other sources use as `$ref` in value files.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub r#ref: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tag_prefix: String,
}

/// The kind of a source as its fields declare it (Argo CD's `ExplicitType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum SourceKind {
    Helm,
    Directory,
    Kustomize,
    Plugin,
}

impl SourceKind {
    /// The name Argo CD uses.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Helm => "Helm",
            SourceKind::Directory => "Directory",
            SourceKind::Kustomize => "Kustomize",
            SourceKind::Plugin => "Plugin",
        }
    }
}

impl ApplicationSource {
    /// The type the source's fields declare, `None` when none is set (Argo
    /// CD then looks at the files), or an error naming every type set.
    pub fn explicit_kind(&self) -> Result<Option<SourceKind>, String> {
        let mut kinds = Vec::new();
        if self.kustomize.is_some() {
            kinds.push(SourceKind::Kustomize);
        }
        if self.helm.is_some() {
            kinds.push(SourceKind::Helm);
        }
        if self.directory.is_some() {
            kinds.push(SourceKind::Directory);
        }
        if self.plugin.is_some() {
            kinds.push(SourceKind::Plugin);
        }
        match kinds.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            many => Err(format!(
                "multiple application sources defined: {}",
                many.iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            )),
        }
    }

    /// Whether this source is a chart from a Helm repository or OCI registry.
    pub fn is_chart_repository(&self) -> bool {
        !self.chart.is_empty()
    }

    /// Whether the source only lends its files to others (`ref` without a
    /// path or chart), producing no manifests itself.
    pub fn is_ref_only(&self) -> bool {
        !self.r#ref.is_empty() && self.path.is_empty() && self.chart.is_empty()
    }
}

/// `source.helm`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HelmSource {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value_files: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<HelmParameter>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub release_name: String,
    /// Inline values as one YAML string.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub values: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_parameters: Vec<HelmFileParameter>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default)]
    pub pass_credentials: bool,
    #[serde(default)]
    pub ignore_missing_value_files: bool,
    #[serde(default)]
    pub skip_crds: bool,
    /// Inline values as a structured object (wins over `values`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values_object: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kube_version: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_versions: Vec<String>,
    #[serde(default)]
    pub skip_tests: bool,
    #[serde(default)]
    pub skip_schema_validation: bool,
}

impl HelmSource {
    /// Whether inline values are set (`valuesObject` or a non-blank `values`).
    pub fn has_inline_values(&self) -> bool {
        self.values_object.as_ref().is_some_and(|v| !v.is_null()) || !self.values.trim().is_empty()
    }
}

/// `helm.parameters[]`: a `--set` (or `--set-string` with `forceString`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HelmParameter {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub force_string: bool,
}

/// `helm.fileParameters[]`: a `--set-file`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HelmFileParameter {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub path: String,
}

/// `source.directory`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectorySource {
    #[serde(default)]
    pub recurse: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jsonnet: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub exclude: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub include: String,
    #[serde(default)]
    pub disable_extension_filter: bool,
}

impl DirectorySource {
    /// Whether jsonnet settings are present (capstan cannot evaluate jsonnet).
    pub fn uses_jsonnet(&self) -> bool {
        self.jsonnet
            .as_ref()
            .is_some_and(|j| j.as_object().is_some_and(|o| !o.is_empty()))
    }
}

/// `spec.destination`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationDestination {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub server: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// `spec.syncPolicy`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SyncPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automated: Option<SyncPolicyAutomated>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sync_options: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryStrategy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_namespace_metadata: Option<serde_json::Value>,
}

impl SyncPolicy {
    /// Whether automated sync is on (`automated` present and not `enabled: false`).
    pub fn is_automated(&self) -> bool {
        self.automated
            .as_ref()
            .is_some_and(|a| a.enabled != Some(false))
    }
}

/// `syncPolicy.automated`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SyncPolicyAutomated {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prune: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_heal: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_empty: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// `syncPolicy.retry`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RetryStrategy {
    #[serde(default)]
    pub limit: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Backoff>,
    #[serde(default)]
    pub refresh: bool,
}

/// `retry.backoff`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Backoff {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub duration: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<i64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub max_duration: String,
}

/// `spec.ignoreDifferences[]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IgnoreDifference {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub json_pointers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jq_path_expressions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_fields_managers: Vec<String>,
}

/// `spec.info[]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Info {
    pub name: String,
    pub value: String,
}

impl Application {
    /// The sources in order: `sources` when set, else the single `source`.
    pub fn sources(&self) -> Vec<&ApplicationSource> {
        if !self.spec.sources.is_empty() {
            self.spec.sources.iter().collect()
        } else {
            self.spec.source.iter().collect()
        }
    }

    /// Whether the app uses `sources` (multi-source semantics, `$ref`).
    pub fn is_multi_source(&self) -> bool {
        !self.spec.sources.is_empty()
    }

    /// The project, `default` when empty (Argo CD's `GetProject`).
    pub fn project(&self) -> &str {
        if self.spec.project.is_empty() {
            "default"
        } else {
            &self.spec.project
        }
    }

    /// The parsed capstan-relevant annotations of the Application itself
    /// (its sync wave in the parent app-of-apps, for one).
    pub fn annotations(&self) -> crate::annotations::Annotations {
        crate::annotations::Annotations::parse(
            self.metadata
                .annotations
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }
}
