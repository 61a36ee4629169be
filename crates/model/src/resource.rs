//! [`ResourceKey`]: the identity of a Kubernetes object (group, kind,
//! namespace, name), the key render output, diffs and sync plans agree on.

use serde::Serialize;

/// The identity of one Kubernetes object. `namespace` is empty for
/// cluster-scoped objects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ResourceKey {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ResourceKey {
    /// A key from an `apiVersion` (`apps/v1`, `v1`), kind, namespace and name.
    pub fn new(api_version: &str, kind: &str, namespace: &str, name: &str) -> ResourceKey {
        ResourceKey {
            group: group_of(api_version).to_string(),
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// The key of an object as Argo CD applies it: a namespaced object
    /// without `metadata.namespace` lands in `default_namespace` (the
    /// destination's); cluster-scoped kinds (see [`is_cluster_scoped`]) keep
    /// no namespace.
    pub fn for_object(
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        default_namespace: &str,
    ) -> ResourceKey {
        let group = group_of(api_version);
        let ns = if is_cluster_scoped(group, kind) {
            ""
        } else {
            match namespace {
                Some(n) if !n.is_empty() => n,
                _ => default_namespace,
            }
        };
        ResourceKey::new(api_version, kind, ns, name)
    }
}

impl std::fmt::Display for ResourceKey {
    /// `group/Kind namespace/name`, Argo CD's way of naming a resource.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.group.is_empty() {
            write!(f, "{}/", self.group)?;
        }
        write!(f, "{} ", self.kind)?;
        if !self.namespace.is_empty() {
            write!(f, "{}/", self.namespace)?;
        }
        f.write_str(&self.name)
    }
}

/// The group of an `apiVersion` (`""` for the core group).
pub fn group_of(api_version: &str) -> &str {
    match api_version.rsplit_once('/') {
        Some((g, _)) => g,
        None => "",
    }
}

/// Cluster-scoped kinds of Kubernetes' built-in API groups. Without a
/// cluster there is no discovery, so custom resources are assumed
/// namespaced (as most are).
const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("", "ComponentStatus"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("networking.k8s.io", "IngressClass"),
    ("node.k8s.io", "RuntimeClass"),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
    ),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("policy", "PodSecurityPolicy"),
];

/// Whether `group`/`kind` is a built-in cluster-scoped kind.
pub fn is_cluster_scoped(group: &str, kind: &str) -> bool {
    CLUSTER_SCOPED
        .iter()
        .any(|(g, k)| *g == group && *k == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_follow_scope() {
        let k = ResourceKey::for_object("apps/v1", "Deployment", None, "web", "dev");
        assert_eq!(k.namespace, "dev");
        assert_eq!(k.group, "apps");
        assert_eq!(k.to_string(), "apps/Deployment dev/web");
        let ns = ResourceKey::for_object("v1", "Namespace", Some("x"), "dev", "dev");
        assert_eq!(ns.namespace, "");
        assert_eq!(ns.to_string(), "Namespace dev");
    }
}
