//! Checks over rendered manifests and values, before anything reaches a
//! cluster.
//!
//! Input is plain data ([`Input`]): the rendered apps of one or more
//! environments, each document with the template or file it came from,
//! the values files, and each environment's node inventory. [`check`]
//! returns a [`Report`] of [`Finding`]s: capacity and placement against the
//! inventory (SGX included), secrets in values and manifests, fleet rules
//! (image tags in production, requests, enclave PVC protection, duplicate
//! owners, namespaces, sync-wave dead-locks, Helm output pitfalls) and
//! removed or deprecated APIs. A rule is switched off per app by the
//! Application annotation `check.capstan.dev/skip-<rule>: <reason>`, per
//! resource by the same annotation on the rendered resource, or by a
//! [`Skip`] from configuration (apps, optionally a [`ResourceSelector`]);
//! the reason is mandatory and shown.
//!
//! Deliberately pure: no file, Git or cluster access. The CLI renders the
//! tree (capstan-source) and reads the inventories; this crate judges.

mod finding;
mod input;
mod inventory;
mod object;
mod quantity;
mod report;
mod rules;
mod switches;
mod yaml;

pub use finding::{Finding, Location, RULES, RuleInfo, Severity, rule, rule_info};
pub use input::{
    App, DEFAULT_KUBE_VERSION, Document, Environment, Input, ResourceSelector, Skip, ValuesFile,
    looks_prod,
};
pub use inventory::{Inventory, InventoryError, InventoryNode, StorageClass, Taint};
pub use quantity::Quantity;
pub use report::{Report, render_human, render_json, render_sarif};
pub use rules::apis::{DEPRECATIONS, Deprecation, lookup as api_deprecation};
pub use rules::schema::supported_versions as schema_versions;
pub use switches::SKIP_ANNOTATION_PREFIX;

use std::collections::BTreeMap;

/// Runs every rule over the input.
pub fn check(input: &Input) -> Report {
    let mut findings = Vec::new();
    let kube = input.kube_version.unwrap_or(DEFAULT_KUBE_VERSION);
    let loaded: Vec<object::LoadedApp<'_>> = input
        .apps
        .iter()
        .map(|a| object::load(a, &mut findings))
        .collect();
    let prod: BTreeMap<&str, bool> = input
        .environments
        .iter()
        .map(|e| (e.name.as_str(), e.prod))
        .collect();
    let (binding, default_class) = rules::waves::storage_classes(&loaded);
    for app in &loaded {
        let is_prod = prod
            .get(app.app.environment.as_str())
            .copied()
            .unwrap_or_else(|| looks_prod(&app.app.environment, &[&app.app.project]));
        rules::secrets::check(app, &mut findings);
        rules::fleet::check(app, is_prod, &mut findings);
        // The environment's inventory may name the cluster's own classes.
        let inv = input
            .environments
            .iter()
            .find(|e| e.name == app.app.environment)
            .and_then(|e| e.inventory.as_ref());
        let mut binding = binding.clone();
        let mut default_class = default_class.clone();
        for c in inv
            .map(|i| i.storage_classes.as_slice())
            .unwrap_or_default()
        {
            binding
                .entry(c.name.clone())
                .or_insert_with(|| c.volume_binding_mode.clone());
            if c.default && default_class.is_none() {
                default_class = Some(c.name.clone());
            }
        }
        rules::waves::check(app, &binding, default_class.as_deref(), &mut findings);
        rules::pitfalls::check(app, &mut findings);
        rules::apis::check(app, kube, &mut findings);
    }
    rules::fleet::duplicates(&loaded, &mut findings);
    rules::schema::check(&loaded, &input.schema_documents, kube, &mut findings);
    // Capacity per environment, across its apps.
    let mut envs: BTreeMap<&str, Vec<&object::LoadedApp<'_>>> = BTreeMap::new();
    for app in &loaded {
        envs.entry(app.app.environment.as_str())
            .or_default()
            .push(app);
    }
    for (env, apps) in &envs {
        let inventory = input
            .environments
            .iter()
            .find(|e| e.name == *env)
            .and_then(|e| e.inventory.as_ref());
        rules::placement::check(env, inventory, apps, &mut findings);
    }
    switches::apply(input, &loaded, &mut findings);
    findings.sort_by(|a, b| {
        (
            &a.environment,
            &a.app,
            std::cmp::Reverse(a.severity),
            a.rule,
        )
            .cmp(&(
                &b.environment,
                &b.app,
                std::cmp::Reverse(b.severity),
                b.rule,
            ))
    });
    Report {
        kube_version: format!("{}.{}", kube.0, kube.1),
        apps: input.apps.len(),
        documents: input.apps.iter().map(|a| a.documents.len()).sum(),
        findings,
    }
}
