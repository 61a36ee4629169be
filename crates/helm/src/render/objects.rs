//! Helm's built-in objects that are Go types with methods rather than plain
//! maps: `.Files` (`engine.files`), `.Capabilities` (`*common.Capabilities`)
//! with `KubeVersion`, `APIVersions` and `HelmVersion`.
//!
//! `.Release`, `.Chart`, `.Template` and `.Subcharts` are plain maps in Helm
//! 4 and are built as maps by the renderer.

use std::sync::Arc;

use capstan_gotmpl::{FuncError, Map, Object, ParamType, Signature, Value};

use super::glob::Glob;
use crate::chart::File;

/// `.Files`: the chart's non-template files by chart-relative name.
#[derive(Debug, Clone, Default)]
pub struct FilesObject {
    /// Sorted by name, as Go's map iteration in templates and encoders is.
    files: Vec<(String, Arc<[u8]>)>,
}

static SIG_STRING: std::sync::LazyLock<Signature> =
    std::sync::LazyLock::new(|| Signature::fixed(&[ParamType::String]));
static SIG_NONE: std::sync::LazyLock<Signature> =
    std::sync::LazyLock::new(|| Signature::fixed(&[]));

impl FilesObject {
    /// The object over a chart's files.
    pub fn new<'a>(files: impl IntoIterator<Item = &'a File>) -> FilesObject {
        let mut files: Vec<(String, Arc<[u8]>)> = files
            .into_iter()
            .map(|f| (f.name.clone(), f.data.clone()))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        FilesObject { files }
    }

    fn get(&self, name: &str) -> Option<&Arc<[u8]>> {
        self.files.iter().find(|(n, _)| n == name).map(|(_, d)| d)
    }

    fn base_map(&self, encode: impl Fn(&[u8]) -> String) -> Value {
        let map: Map = self
            .files
            .iter()
            .map(|(name, data)| {
                let base = name.rsplit('/').next().unwrap_or(name).to_string();
                (base, Value::str(encode(data)))
            })
            .collect();
        Value::map(map)
    }
}

impl Object for FilesObject {
    fn type_name(&self) -> &str {
        "engine.files"
    }

    fn method(&self, name: &str) -> Option<&Signature> {
        match name {
            "Get" | "GetBytes" | "Glob" | "Lines" => Some(&SIG_STRING),
            "AsConfig" | "AsSecrets" => Some(&SIG_NONE),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let arg = args.first().and_then(Value::as_str).unwrap_or("");
        match name {
            "Get" => Ok(Value::str(
                self.get(arg)
                    .map(|d| String::from_utf8_lossy(d).into_owned())
                    .unwrap_or_default(),
            )),
            "GetBytes" => Ok(Value::Bytes(
                self.get(arg).cloned().unwrap_or_else(|| Arc::from(&[][..])),
            )),
            "Glob" => {
                let glob = Glob::compile(arg);
                let files = self
                    .files
                    .iter()
                    .filter(|(n, _)| glob.as_ref().is_none_or(|g| g.matches(n)))
                    .cloned()
                    .collect();
                Ok(Value::Object(Arc::new(FilesObject { files })))
            }
            "Lines" => {
                let Some(data) = self.get(arg) else {
                    return Ok(Value::list(Vec::new()));
                };
                let text = String::from_utf8_lossy(data);
                let text = text.strip_suffix('\n').unwrap_or(&text);
                Ok(Value::list(text.split('\n').map(Value::from).collect()))
            }
            "AsConfig" => Ok(Value::str(crate::yaml::to_yaml(
                &self.base_map(|d| String::from_utf8_lossy(d).into_owned()),
            ))),
            "AsSecrets" => {
                use base64::Engine as _;
                Ok(Value::str(crate::yaml::to_yaml(&self.base_map(|d| {
                    base64::engine::general_purpose::STANDARD.encode(d)
                }))))
            }
            _ => Err(FuncError::msg(format!(
                "can't call method/function {name:?}"
            ))),
        }
    }

    fn go_format(&self) -> String {
        capstan_gotmpl::format::format_value(&self.to_value().unwrap_or(Value::Nil))
    }

    fn is_true(&self) -> bool {
        !self.files.is_empty()
    }

    fn to_value(&self) -> Option<Value> {
        let map: Map = self
            .files
            .iter()
            .map(|(n, d)| (n.clone(), Value::Bytes(d.clone())))
            .collect();
        Some(Value::map(map))
    }
}

/// `.Capabilities.KubeVersion` (`common.KubeVersion`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// As given, with a `v` prefix (`GitVersion`).
    pub version: String,
    /// `v` + major.minor.patch, what `String()` prints.
    pub normalized: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// Helm's `ParseKubeVersion`: `1.33`, `v1.33.4`, `v1.33.4-gke.1245000`.
    pub fn parse(text: &str) -> Option<KubeVersion> {
        let t = text.strip_prefix('v').unwrap_or(text);
        let core_end = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let core = &t[..core_end];
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
            return None;
        }
        let nums: Option<Vec<u64>> = parts.iter().map(|p| p.parse().ok()).collect();
        let nums = nums?;
        let patch = nums.get(2).copied().unwrap_or(0);
        let version = if text.starts_with('v') {
            text.to_string()
        } else {
            format!("v{text}")
        };
        Some(KubeVersion {
            version,
            normalized: format!("v{}.{}.{}", nums[0], nums[1], patch),
            major: nums[0].to_string(),
            minor: nums[1].to_string(),
        })
    }

    /// The default of Helm v4.2.3: Kubernetes v1.36.0.
    pub fn helm_default() -> KubeVersion {
        KubeVersion {
            version: "v1.36.0".into(),
            normalized: "v1.36.0".into(),
            major: "1".into(),
            minor: "36".into(),
        }
    }

    fn struct_form(&self) -> String {
        format!(
            "{{{} {} {} {}}}",
            self.version, self.normalized, self.major, self.minor
        )
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(Value::str(self.version.as_str())),
            "Major" => Some(Value::str(self.major.as_str())),
            "Minor" => Some(Value::str(self.minor.as_str())),
            _ => None,
        }
    }

    fn method(&self, name: &str) -> Option<&Signature> {
        matches!(name, "GitVersion" | "String").then(|| &*SIG_NONE)
    }

    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, FuncError> {
        match name {
            "GitVersion" => Ok(Value::str(self.version.as_str())),
            _ => Ok(Value::str(self.normalized.as_str())),
        }
    }

    /// `fmt` of a copy prints the struct, unexported field included.
    fn go_format(&self) -> String {
        self.struct_form()
    }

    /// `{{ .Capabilities.KubeVersion }}` goes through `String()` (the field
    /// is addressable behind the `*Capabilities` pointer).
    fn template_text(&self) -> Option<String> {
        Some(self.normalized.clone())
    }

    fn to_value(&self) -> Option<Value> {
        let mut m = Map::new();
        m.insert("Version".into(), Value::str(self.version.as_str()));
        m.insert("Major".into(), Value::str(self.major.as_str()));
        m.insert("Minor".into(), Value::str(self.minor.as_str()));
        Some(Value::map(m))
    }
}

/// `.Capabilities.APIVersions` (`common.VersionSet`, a `[]string` with `Has`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSet(pub Vec<String>);

impl Object for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }

    fn method(&self, name: &str) -> Option<&Signature> {
        (name == "Has").then(|| &*SIG_STRING)
    }

    fn call_method(&self, _name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let want = args.first().and_then(Value::as_str).unwrap_or("");
        Ok(Value::Bool(self.0.iter().any(|v| v == want)))
    }

    fn go_format(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }

    fn is_true(&self) -> bool {
        !self.0.is_empty()
    }

    fn to_value(&self) -> Option<Value> {
        Some(Value::list(
            self.0.iter().map(|s| Value::str(s.as_str())).collect(),
        ))
    }
}

/// `.Capabilities.HelmVersion` (`version.BuildInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmVersion {
    pub version: String,
    pub git_commit: String,
    pub git_tree_state: String,
    pub go_version: String,
    pub kube_client_version: String,
}

impl HelmVersion {
    /// What Helm v4.2.3 (as the oracle runs it) reports.
    pub fn helm_default() -> HelmVersion {
        HelmVersion {
            version: "v4.2".into(),
            git_commit: String::new(),
            git_tree_state: String::new(),
            go_version: "go1.26.6".into(),
            kube_client_version: "v1.36".into(),
        }
    }

    fn struct_form(&self) -> String {
        format!(
            "{{{} {} {} {} {}}}",
            self.version,
            self.git_commit,
            self.git_tree_state,
            self.go_version,
            self.kube_client_version
        )
    }
}

impl Object for HelmVersion {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let v = match name {
            "Version" => &self.version,
            "GitCommit" => &self.git_commit,
            "GitTreeState" => &self.git_tree_state,
            "GoVersion" => &self.go_version,
            "KubeClientVersion" => &self.kube_client_version,
            _ => return None,
        };
        Some(Value::str(v.as_str()))
    }

    fn go_format(&self) -> String {
        self.struct_form()
    }

    /// encoding/json with the struct's tags, in field order (`git_commit`
    /// and `git_tree_state` are omitempty).
    fn json(&self) -> Option<String> {
        let mut out = format!("{{\"version\":{}", json_str(&self.version));
        if !self.git_commit.is_empty() {
            out.push_str(&format!(",\"git_commit\":{}", json_str(&self.git_commit)));
        }
        if !self.git_tree_state.is_empty() {
            out.push_str(&format!(
                ",\"git_tree_state\":{}",
                json_str(&self.git_tree_state)
            ));
        }
        out.push_str(&format!(
            ",\"go_version\":{},\"kube_client_version\":{}}}",
            json_str(&self.go_version),
            json_str(&self.kube_client_version)
        ));
        Some(out)
    }

    fn to_value(&self) -> Option<Value> {
        let mut m = Map::new();
        m.insert("version".into(), Value::str(self.version.as_str()));
        if !self.git_commit.is_empty() {
            m.insert("git_commit".into(), Value::str(self.git_commit.as_str()));
        }
        if !self.git_tree_state.is_empty() {
            m.insert(
                "git_tree_state".into(),
                Value::str(self.git_tree_state.as_str()),
            );
        }
        m.insert("go_version".into(), Value::str(self.go_version.as_str()));
        m.insert(
            "kube_client_version".into(),
            Value::str(self.kube_client_version.as_str()),
        );
        Some(Value::map(m))
    }
}

/// `.Capabilities`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    pub api_versions: VersionSet,
    pub helm_version: HelmVersion,
}

/// The API versions Helm v4.2.3 reports by default (client-go's scheme).
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

impl Default for Capabilities {
    fn default() -> Capabilities {
        Capabilities {
            kube_version: KubeVersion::helm_default(),
            api_versions: VersionSet(DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect()),
            helm_version: HelmVersion::helm_default(),
        }
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Object(Arc::new(self.kube_version.clone()))),
            "APIVersions" => Some(Value::Object(Arc::new(self.api_versions.clone()))),
            "HelmVersion" => Some(Value::Object(Arc::new(self.helm_version.clone()))),
            _ => None,
        }
    }

    /// A pointer to a struct prints as `&{...}` at top level in Go, but the
    /// template engine dereferences it first, giving `{...}`.
    fn go_format(&self) -> String {
        format!(
            "{{{} {} {}}}",
            self.kube_version.struct_form(),
            self.api_versions.go_format(),
            self.helm_version.struct_form()
        )
    }

    fn to_value(&self) -> Option<Value> {
        let mut m = Map::new();
        m.insert("KubeVersion".into(), self.kube_version.to_value()?);
        m.insert("APIVersions".into(), self.api_versions.to_value()?);
        m.insert("HelmVersion".into(), self.helm_version.to_value()?);
        Some(Value::map(m))
    }
}

/// A JSON string literal as encoding/json writes it.
fn json_str(s: &str) -> String {
    crate::json::to_json_lossy(&Value::str(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_version_parsing() {
        let v = KubeVersion::parse("1.33").expect("parses");
        assert_eq!(
            (v.version.as_str(), v.normalized.as_str()),
            ("v1.33", "v1.33.0")
        );
        let v = KubeVersion::parse("v1.33.4-gke.1245000").expect("parses");
        assert_eq!(v.normalized, "v1.33.4");
        assert_eq!(v.version, "v1.33.4-gke.1245000");
        assert!(KubeVersion::parse("x").is_none());
    }
}
