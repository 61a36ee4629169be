//! Removed and deprecated API versions for the target Kubernetes version,
//! with the version to use instead (Kubernetes' deprecated API migration
//! guide).

use crate::finding::{Finding, rule};
use crate::object::LoadedApp;

/// One API version of one kind going away.
#[derive(Debug, Clone, Copy)]
pub struct Deprecation {
    pub api_version: &'static str,
    /// `*`: every kind of that API version.
    pub kind: &'static str,
    pub deprecated_in: (u32, u32),
    /// `None`: still served.
    pub removed_in: Option<(u32, u32)>,
    /// `None`: no replacement.
    pub replacement: Option<&'static str>,
}

const fn d(
    api_version: &'static str,
    kind: &'static str,
    deprecated_in: (u32, u32),
    removed_in: Option<(u32, u32)>,
    replacement: Option<&'static str>,
) -> Deprecation {
    Deprecation {
        api_version,
        kind,
        deprecated_in,
        removed_in,
        replacement,
    }
}

/// The table, oldest first.
pub const DEPRECATIONS: &[Deprecation] = &[
    d(
        "extensions/v1beta1",
        "Deployment",
        (1, 9),
        Some((1, 16)),
        Some("apps/v1"),
    ),
    d(
        "extensions/v1beta1",
        "DaemonSet",
        (1, 9),
        Some((1, 16)),
        Some("apps/v1"),
    ),
    d(
        "extensions/v1beta1",
        "ReplicaSet",
        (1, 9),
        Some((1, 16)),
        Some("apps/v1"),
    ),
    d(
        "extensions/v1beta1",
        "NetworkPolicy",
        (1, 9),
        Some((1, 16)),
        Some("networking.k8s.io/v1"),
    ),
    d(
        "extensions/v1beta1",
        "PodSecurityPolicy",
        (1, 10),
        Some((1, 16)),
        Some("policy/v1beta1"),
    ),
    d(
        "extensions/v1beta1",
        "Ingress",
        (1, 14),
        Some((1, 22)),
        Some("networking.k8s.io/v1"),
    ),
    d("apps/v1beta1", "*", (1, 9), Some((1, 16)), Some("apps/v1")),
    d("apps/v1beta2", "*", (1, 9), Some((1, 16)), Some("apps/v1")),
    d(
        "networking.k8s.io/v1beta1",
        "Ingress",
        (1, 19),
        Some((1, 22)),
        Some("networking.k8s.io/v1"),
    ),
    d(
        "networking.k8s.io/v1beta1",
        "IngressClass",
        (1, 19),
        Some((1, 22)),
        Some("networking.k8s.io/v1"),
    ),
    d(
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
        (1, 16),
        Some((1, 22)),
        Some("admissionregistration.k8s.io/v1"),
    ),
    d(
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
        (1, 16),
        Some((1, 22)),
        Some("admissionregistration.k8s.io/v1"),
    ),
    d(
        "apiextensions.k8s.io/v1beta1",
        "CustomResourceDefinition",
        (1, 16),
        Some((1, 22)),
        Some("apiextensions.k8s.io/v1"),
    ),
    d(
        "apiregistration.k8s.io/v1beta1",
        "APIService",
        (1, 19),
        Some((1, 22)),
        Some("apiregistration.k8s.io/v1"),
    ),
    d(
        "authentication.k8s.io/v1beta1",
        "TokenReview",
        (1, 19),
        Some((1, 22)),
        Some("authentication.k8s.io/v1"),
    ),
    d(
        "authorization.k8s.io/v1beta1",
        "*",
        (1, 19),
        Some((1, 22)),
        Some("authorization.k8s.io/v1"),
    ),
    d(
        "certificates.k8s.io/v1beta1",
        "CertificateSigningRequest",
        (1, 19),
        Some((1, 22)),
        Some("certificates.k8s.io/v1"),
    ),
    d(
        "coordination.k8s.io/v1beta1",
        "Lease",
        (1, 19),
        Some((1, 22)),
        Some("coordination.k8s.io/v1"),
    ),
    d(
        "rbac.authorization.k8s.io/v1beta1",
        "*",
        (1, 17),
        Some((1, 22)),
        Some("rbac.authorization.k8s.io/v1"),
    ),
    d(
        "scheduling.k8s.io/v1beta1",
        "PriorityClass",
        (1, 14),
        Some((1, 22)),
        Some("scheduling.k8s.io/v1"),
    ),
    d(
        "storage.k8s.io/v1beta1",
        "CSIDriver",
        (1, 19),
        Some((1, 22)),
        Some("storage.k8s.io/v1"),
    ),
    d(
        "storage.k8s.io/v1beta1",
        "CSINode",
        (1, 17),
        Some((1, 22)),
        Some("storage.k8s.io/v1"),
    ),
    d(
        "storage.k8s.io/v1beta1",
        "StorageClass",
        (1, 19),
        Some((1, 22)),
        Some("storage.k8s.io/v1"),
    ),
    d(
        "storage.k8s.io/v1beta1",
        "VolumeAttachment",
        (1, 19),
        Some((1, 22)),
        Some("storage.k8s.io/v1"),
    ),
    d(
        "batch/v1beta1",
        "CronJob",
        (1, 21),
        Some((1, 25)),
        Some("batch/v1"),
    ),
    d(
        "discovery.k8s.io/v1beta1",
        "EndpointSlice",
        (1, 21),
        Some((1, 25)),
        Some("discovery.k8s.io/v1"),
    ),
    d(
        "events.k8s.io/v1beta1",
        "Event",
        (1, 19),
        Some((1, 25)),
        Some("events.k8s.io/v1"),
    ),
    d(
        "autoscaling/v2beta1",
        "HorizontalPodAutoscaler",
        (1, 19),
        Some((1, 25)),
        Some("autoscaling/v2"),
    ),
    d(
        "policy/v1beta1",
        "PodDisruptionBudget",
        (1, 21),
        Some((1, 25)),
        Some("policy/v1"),
    ),
    d(
        "policy/v1beta1",
        "PodSecurityPolicy",
        (1, 21),
        Some((1, 25)),
        None,
    ),
    d(
        "node.k8s.io/v1beta1",
        "RuntimeClass",
        (1, 20),
        Some((1, 25)),
        Some("node.k8s.io/v1"),
    ),
    d(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "*",
        (1, 23),
        Some((1, 26)),
        Some("flowcontrol.apiserver.k8s.io/v1"),
    ),
    d(
        "autoscaling/v2beta2",
        "HorizontalPodAutoscaler",
        (1, 23),
        Some((1, 26)),
        Some("autoscaling/v2"),
    ),
    d(
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        (1, 24),
        Some((1, 27)),
        Some("storage.k8s.io/v1"),
    ),
    d(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "*",
        (1, 26),
        Some((1, 29)),
        Some("flowcontrol.apiserver.k8s.io/v1"),
    ),
    d(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "*",
        (1, 29),
        Some((1, 32)),
        Some("flowcontrol.apiserver.k8s.io/v1"),
    ),
    d(
        "v1",
        "Endpoints",
        (1, 33),
        None,
        Some("discovery.k8s.io/v1 EndpointSlice"),
    ),
];

/// The entry for an object, if its API version is on the way out.
pub fn lookup(api_version: &str, kind: &str) -> Option<&'static Deprecation> {
    DEPRECATIONS
        .iter()
        .find(|d| d.api_version == api_version && (d.kind == "*" || d.kind == kind))
}

fn v(x: (u32, u32)) -> String {
    format!("{}.{}", x.0, x.1)
}

/// Checks one app against `kube` (major, minor).
pub(crate) fn check(app: &LoadedApp<'_>, kube: (u32, u32), out: &mut Vec<Finding>) {
    for o in &app.objects {
        let Some(dep) = lookup(&o.api_version, &o.kind) else {
            continue;
        };
        let instead = match dep.replacement {
            Some(r) => format!("use {r}"),
            None => "no replacement: remove it".to_string(),
        };
        let line = o.root.get("apiVersion").map_or(o.root.line, |n| n.line);
        let (r, msg) = match dep.removed_in {
            Some(rm) if kube >= rm => (
                rule::API_REMOVED,
                format!(
                    "{} {} is not served since Kubernetes {} (target {}): {instead}",
                    o.api_version,
                    o.kind,
                    v(rm),
                    v(kube)
                ),
            ),
            _ if kube >= dep.deprecated_in => (
                rule::API_DEPRECATED,
                format!(
                    "{} {} is deprecated since Kubernetes {}{}: {instead}",
                    o.api_version,
                    o.kind,
                    v(dep.deprecated_in),
                    dep.removed_in
                        .map(|r| format!(" and removed in {}", v(r)))
                        .unwrap_or_default()
                ),
            ),
            _ => continue,
        };
        out.push(
            app.scope()
                .finding(r, Some(o.resource()), Some(o.location(line)), msg),
        );
    }
}
