//! Fleet rules over one app's resources: mutable image tags in production,
//! containers without requests, enclave PVCs a deletion or prune would
//! remove, resources outside the app's destination namespace; and, across
//! the apps of one cluster, the same resource owned twice.

use std::collections::BTreeMap;

use crate::finding::{Finding, Severity, rule};
use crate::object::{LoadedApp, Object};
use crate::rules::placement::{container_requests, is_enclave_container};
use crate::yaml::Node;

/// Every container of a pod spec (init containers included).
pub(crate) fn containers(spec: &Node) -> impl Iterator<Item = &Node> {
    ["initContainers", "containers", "ephemeralContainers"]
        .into_iter()
        .flat_map(move |k| spec.get(k).map(Node::items).unwrap_or_default())
}

/// The tag of an image reference (`None`: no tag), and whether it is pinned by digest.
fn image_tag(image: &str) -> (Option<&str>, bool) {
    if image.contains("@sha256:") || image.contains("@sha512:") {
        return (None, true);
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    (last.split_once(':').map(|(_, t)| t), false)
}

/// Checks one app.
pub(crate) fn check(app: &LoadedApp<'_>, prod: bool, out: &mut Vec<Finding>) {
    let scope = app.scope();
    let mut enclave_claims: BTreeMap<String, String> = BTreeMap::new();
    for obj in &app.objects {
        namespace(app, obj, out);
        let Some(spec) = obj.pod_spec() else { continue };
        let mut enclave = false;
        for c in containers(spec) {
            let cname = c.str_at(&["name"]).unwrap_or("?");
            enclave |= is_enclave_container(c);
            if prod && let Some(image) = c.str_at(&["image"]) {
                let (tag, digest) = image_tag(image);
                let why = match tag {
                    _ if digest => None,
                    None => Some("has no tag (pulls latest)"),
                    Some("latest") => Some("uses the mutable tag latest"),
                    Some(_) => None,
                };
                if let Some(why) = why {
                    out.push(scope.finding(
                        rule::IMAGE_TAG,
                        Some(obj.resource()),
                        Some(obj.location(c.get("image").map_or(c.line, |n| n.line))),
                        format!(
                            "container {cname}: image {image} {why}: production must pin a version or digest"
                        ),
                    ));
                }
            }
            let in_containers = spec
                .get("containers")
                .is_some_and(|l| l.items().iter().any(|x| std::ptr::eq(x, c)));
            if in_containers {
                let (req, _) = container_requests(c);
                let missing: Vec<&str> = ["cpu", "memory"]
                    .into_iter()
                    .filter(|r| !req.contains_key(*r))
                    .collect();
                if !missing.is_empty() {
                    out.push(scope.finding(
                        rule::NO_REQUESTS,
                        Some(obj.resource()),
                        Some(obj.location(c.line)),
                        format!(
                            "container {cname} requests no {}: the scheduler cannot reserve room for it",
                            missing.join(" or ")
                        ),
                    ));
                }
            }
        }
        if enclave {
            for v in spec.get("volumes").map(Node::items).unwrap_or_default() {
                if let Some(claim) = v.str_at(&["persistentVolumeClaim", "claimName"]) {
                    enclave_claims.insert(claim.to_string(), obj.resource());
                }
            }
            if obj.kind == "StatefulSet" {
                sts_retention(app, obj, out);
            }
        }
    }
    for obj in &app.objects {
        if obj.kind != "PersistentVolumeClaim" {
            continue;
        }
        let labelled = obj
            .root
            .str_at(&["metadata", "labels", "app.kubernetes.io/component"])
            == Some("enclave");
        let Some(user) = enclave_claims
            .get(&obj.name)
            .cloned()
            .or_else(|| labelled.then(|| "its enclave component label".to_string()))
        else {
            continue;
        };
        let opts = &obj.annotations.sync_options;
        let mut missing = Vec::new();
        if opts.value("Delete") != Some("false") {
            missing.push("Delete=false (deleting the app would delete the claim)");
        }
        if opts.value("Prune") != Some("false") {
            missing.push("Prune=false (removing it from Git would delete the claim)");
        }
        if !missing.is_empty() {
            let helm_only =
                obj.root
                    .str_at(&["metadata", "annotations", "helm.sh/resource-policy"])
                    == Some("keep");
            out.push(scope.finding(
                rule::PVC_KEEP,
                Some(obj.resource()),
                Some(obj.location(obj.root.line)),
                format!(
                    "PVC {} holds enclave data (used by {user}) but lacks argocd.argoproj.io/sync-options {}{}",
                    obj.name,
                    missing.join(", "),
                    if helm_only {
                        "; helm.sh/resource-policy: keep protects it from helm uninstall only, Argo CD ignores it"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
}

/// StatefulSet claims of enclaves deleted with the StatefulSet.
fn sts_retention(app: &LoadedApp<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let policy = obj
        .root
        .at(&["spec", "persistentVolumeClaimRetentionPolicy"]);
    for when in ["whenDeleted", "whenScaled"] {
        if let Some(p) = policy.and_then(|p| p.get(when))
            && p.str() == Some("Delete")
        {
            out.push(app.scope().finding(
                rule::PVC_KEEP,
                Some(obj.resource()),
                Some(obj.location(p.line)),
                format!(
                    "enclave StatefulSet {}: persistentVolumeClaimRetentionPolicy.{when}: Delete removes the enclave's data with it",
                    obj.name
                ),
            ));
        }
    }
}

fn namespace(app: &LoadedApp<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let dest = app.app.namespace.as_str();
    if obj.namespace.is_empty() || dest.is_empty() || obj.key.namespace.is_empty() {
        return;
    }
    if obj.namespace != dest {
        let line = obj
            .root
            .at(&["metadata", "namespace"])
            .map_or(obj.root.line, |n| n.line);
        out.push(app.scope().finding(
            rule::NAMESPACE,
            Some(obj.resource()),
            Some(obj.location(line)),
            format!(
                "{} {} is in namespace {} but its app deploys to {dest}",
                obj.kind, obj.name, obj.namespace
            ),
        ));
    }
}

/// The same (group, kind, namespace, name) rendered by two apps of one
/// cluster, or twice by one app.
pub(crate) fn duplicates(apps: &[LoadedApp<'_>], out: &mut Vec<Finding>) {
    let mut owners: BTreeMap<(String, String), Vec<(usize, usize)>> = BTreeMap::new();
    for (ai, a) in apps.iter().enumerate() {
        for (oi, o) in a.objects.iter().enumerate() {
            if o.kind.is_empty() || o.name.is_empty() {
                continue;
            }
            owners
                .entry((a.app.cluster.clone(), o.resource()))
                .or_default()
                .push((ai, oi));
        }
    }
    for ((cluster, resource), list) in owners {
        if list.len() < 2 {
            continue;
        }
        let names: Vec<String> = list
            .iter()
            .map(|(ai, oi)| {
                let o = &apps[*ai].objects[*oi];
                format!("{} ({})", apps[*ai].app.name, o.doc.template)
            })
            .collect();
        let (ai, oi) = list[1];
        let app = &apps[ai];
        let obj = &app.objects[oi];
        let mut f = app.scope().finding(
            rule::DUPLICATE,
            Some(resource.clone()),
            Some(obj.location(obj.root.line)),
            format!(
                "{resource} is rendered {} times in cluster {}: {}; Argo CD lets one app own it and the others fight over it",
                list.len(),
                if cluster.is_empty() { "(default)" } else { &cluster },
                names.join(", ")
            ),
        );
        f.severity = Severity::Error;
        out.push(f);
    }
}
