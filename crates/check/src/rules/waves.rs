//! Sync-wave dead-locks inside one app. Argo CD applies phase by phase
//! (PreSync, Sync, PostSync) and, inside a phase, wave by wave, waiting for
//! each wave to be healthy before the next. Two shapes never finish:
//! a pod-bearing resource (a hook or a workload) that needs an object the
//! app creates only in a later step (its pod never starts, the wave never
//! gets healthy), and a PVC on a `WaitForFirstConsumer` storage class in an
//! earlier wave than its consumer (the claim stays Pending, which Argo CD's
//! built-in health calls Progressing).

use std::collections::BTreeMap;

use capstan_model::annotations::HookType;

use crate::finding::{Finding, rule};
use crate::object::{LoadedApp, Object};
use crate::rules::fleet::containers;
use crate::yaml::Node;

/// The step of a sync in which an object is applied: (phase, wave).
fn step(obj: &Object<'_>) -> (u8, i64) {
    let a = &obj.annotations;
    let phase = if a.hooks.contains(&HookType::PreSync) {
        0
    } else if a.hooks.contains(&HookType::PostSync) {
        2
    } else if a.hooks.is_empty() || a.hooks.contains(&HookType::Sync) {
        1
    } else {
        3 // SyncFail, PostDelete, Skip: outside the ordinary run
    };
    (phase, a.sync_wave)
}

fn step_text(s: (u8, i64)) -> String {
    let phase = ["PreSync", "Sync", "PostSync", "other"][s.0 as usize];
    format!("{phase} wave {}", s.1)
}

/// Objects a pod spec cannot start without: (kind, name).
fn needs(spec: &Node) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for v in spec.get("volumes").map(Node::items).unwrap_or_default() {
        if let Some(n) = v.str_at(&["configMap", "name"])
            && v.str_at(&["configMap", "optional"]) != Some("true")
        {
            out.push(("ConfigMap", n.to_string()));
        }
        if let Some(n) = v.str_at(&["secret", "secretName"])
            && v.str_at(&["secret", "optional"]) != Some("true")
        {
            out.push(("Secret", n.to_string()));
        }
        if let Some(n) = v.str_at(&["persistentVolumeClaim", "claimName"]) {
            out.push(("PersistentVolumeClaim", n.to_string()));
        }
    }
    for c in containers(spec) {
        for e in c.get("envFrom").map(Node::items).unwrap_or_default() {
            for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                if let Some(n) = e.str_at(&[field, "name"])
                    && e.str_at(&[field, "optional"]) != Some("true")
                {
                    out.push((kind, n.to_string()));
                }
            }
        }
        for e in c.get("env").map(Node::items).unwrap_or_default() {
            for (field, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
                if let Some(r) = e.at(&["valueFrom", field])
                    && let Some(n) = r.str_at(&["name"])
                    && r.str_at(&["optional"]) != Some("true")
                {
                    out.push((kind, n.to_string()));
                }
            }
        }
    }
    if let Some(sa) = spec.str_at(&["serviceAccountName"]) {
        out.push(("ServiceAccount", sa.to_string()));
    }
    out
}

/// Checks one app; `binding` maps storage class names to their binding mode.
pub(crate) fn check(
    app: &LoadedApp<'_>,
    binding: &BTreeMap<String, String>,
    default_class: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let scope = app.scope();
    let mut by_name: BTreeMap<(&str, &str), &Object<'_>> = BTreeMap::new();
    for o in &app.objects {
        if o.key.group.is_empty() {
            by_name.insert((o.kind.as_str(), o.name.as_str()), o);
        }
    }
    for o in &app.objects {
        let Some(spec) = o.pod_spec() else { continue };
        let at = step(o);
        if at.0 == 3 {
            continue;
        }
        for (kind, name) in needs(spec) {
            let Some(dep) = by_name.get(&(kind, name.as_str())) else {
                continue;
            };
            let dep_at = step(dep);
            if dep_at > at && dep_at.0 != 3 {
                out.push(scope.finding(
                    rule::WAVE_DEADLOCK,
                    Some(o.resource()),
                    Some(o.location(spec.line)),
                    format!(
                        "{} {} ({}) needs {kind} {name}, which the app creates later ({}): its pod cannot start and the sync waits forever",
                        o.kind,
                        o.name,
                        step_text(at),
                        step_text(dep_at)
                    ),
                ));
            }
            if kind == "PersistentVolumeClaim" && dep_at < at {
                let class = dep
                    .root
                    .str_at(&["spec", "storageClassName"])
                    .or(default_class);
                if let Some(class) = class
                    && binding.get(class).map(String::as_str) == Some("WaitForFirstConsumer")
                {
                    out.push(scope.finding(
                        rule::WAVE_DEADLOCK,
                        Some(dep.resource()),
                        Some(dep.location(dep.root.line)),
                        format!(
                            "PVC {name} ({}) binds only when its consumer {} {} ({}) is scheduled (storage class {class} is WaitForFirstConsumer), but Argo CD waits for the claim to be healthy before that wave: dead-lock unless a PVC health customization treats Pending as healthy",
                            step_text(dep_at),
                            o.kind,
                            o.name,
                            step_text(at)
                        ),
                    ));
                }
            }
        }
    }
}

/// Binding modes of the StorageClasses rendered anywhere in the input.
pub(crate) fn storage_classes(
    apps: &[LoadedApp<'_>],
) -> (BTreeMap<String, String>, Option<String>) {
    let mut modes = BTreeMap::new();
    let mut default = None;
    for a in apps {
        for o in &a.objects {
            if o.kind != "StorageClass" {
                continue;
            }
            let mode = o.root.str_at(&["volumeBindingMode"]).unwrap_or("Immediate");
            modes.insert(o.name.clone(), mode.to_string());
            if o.root.str_at(&[
                "metadata",
                "annotations",
                "storageclass.kubernetes.io/is-default-class",
            ]) == Some("true")
            {
                default = Some(o.name.clone());
            }
        }
    }
    (modes, default)
}
