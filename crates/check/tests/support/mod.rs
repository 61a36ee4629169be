//! What the rule tests share: a node inventory, apps of rendered
//! documents, and the rules a run reports.
#![allow(dead_code)] // each test crate uses its own subset

use capstan_check::{App, Document, Environment, Input, Inventory, check, rule};

pub(crate) const INVENTORY: &str = r#"
apiVersion: capstan.dev/v1alpha1
kind: NodeInventory
metadata: {name: env, cluster: c}
nodes:
  - name: sgx-a
    labels: {kubernetes.io/hostname: sgx-a, ten.xyz/sgx: "true", pool: sgx1}
    taints: [{key: ten.xyz/sgx, value: "true", effect: NoSchedule}]
    allocatable: {cpu: "8", memory: 56Gi, pods: "110", sgx.intel.com/epc: 10Gi, sgx.intel.com/enclave: "110", sgx.intel.com/provision: "110"}
  - name: sgx-b
    labels: {kubernetes.io/hostname: sgx-b, ten.xyz/sgx: "true", pool: sgx2}
    taints: [{key: ten.xyz/sgx, value: "true", effect: NoSchedule}]
    allocatable: {cpu: "8", memory: 56Gi, pods: "110", sgx.intel.com/epc: 10Gi, sgx.intel.com/enclave: "110", sgx.intel.com/provision: "110"}
  - name: general
    labels: {kubernetes.io/hostname: general, pool: general}
    taints: []
    allocatable: {cpu: "4", memory: 12Gi, pods: "110"}
"#;

pub(crate) fn doc(text: &str) -> Document {
    Document {
        template: "chart/templates/x.yaml".into(),
        file: None,
        line: None,
        text: text.into(),
    }
}

pub(crate) fn app(name: &str, docs: &[&str]) -> App {
    App {
        name: name.into(),
        environment: "env".into(),
        cluster: "c".into(),
        namespace: "ns".into(),
        project: "p".into(),
        documents: docs.iter().map(|d| doc(d)).collect(),
        ..App::default()
    }
}

pub(crate) fn input(apps: Vec<App>, prod: bool) -> Input {
    Input {
        apps,
        environments: vec![Environment {
            name: "env".into(),
            prod,
            inventory: Some(Inventory::parse("nodes.yaml", INVENTORY).unwrap()),
        }],
        ..Input::default()
    }
}

/// Rules of the findings that count (not switched off).
pub(crate) fn rules(i: &Input) -> Vec<&'static str> {
    let r = check(i);
    let mut v: Vec<&'static str> = r
        .findings
        .iter()
        .filter(|f| f.skipped.is_none() && f.rule != rule::NOT_VALIDATED)
        .map(|f| f.rule)
        .collect();
    v.sort();
    v
}

pub(crate) const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  nodeSelector: {pool: general}\n  containers:\n    - name: web\n      image: IMAGE\n      resources: {requests: {cpu: 100m, memory: 64Mi}}\n";
