//! `capstan check` over deploy/: every environment passes as committed; a
//! seeded copy with a committed secret, an over-committed SGX node and a
//! removed API fails with exactly those three findings.

mod support;

use std::process::Output;

use support::{capstan, copy_dir, repo, text};

/// (rule, severity, app) of every finding but notes, from `-o json`.
fn findings(out: &Output) -> Vec<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let mut got: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
                f["app"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    got.sort();
    got
}

#[test]
fn every_environment_of_deploy_passes() {
    for root in [
        "deploy/environments/nonprod/root.yaml",
        "deploy/environments/prod/root.yaml",
    ] {
        let out = capstan(
            &["check", root, "-o", "json", "--fail-on", "warning"],
            &repo(),
        );
        assert!(
            out.status.success(),
            "{root}: {}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        assert_eq!(findings(&out), vec![], "{root}");
    }
}

#[test]
fn a_seeded_copy_fails_with_exactly_the_seeded_findings() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    copy_dir(&repo().join("deploy"), &root.join("deploy"));
    std::fs::write(
        root.join("capstan.yaml"),
        "repoURL: https://github.com/capstan-gitops/capstan.git\n",
    )
    .expect("capstan.yaml");
    let env = root.join("deploy/environments/sepolia");
    // 1. A committed secret.
    std::fs::write(
        env.join("apps/leak.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: faucet\nstringData:\n  FAUCET_KEY: s3cr3t-v4lue\n",
    )
    .expect("secret");
    // 2. A removed API.
    std::fs::write(
        env.join("apps/pdb.yaml"),
        "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: old\nspec:\n  maxUnavailable: 0\n",
    )
    .expect("pdb");
    // 3. Both validators pinned to one SGX node whose EPC holds only one of them.
    let v2 = env.join("values/validator-02.yaml");
    let t = std::fs::read_to_string(&v2).expect("validator-02");
    std::fs::write(
        &v2,
        t.replace(
            "aks-sgxpool-54727109-vmss00000l",
            "aks-sgxpool-54727109-vmss00000k",
        ),
    )
    .expect("validator-02");
    let nodes = env.join("nodes.yaml");
    let t = std::fs::read_to_string(&nodes).expect("nodes");
    let at = t
        .find("name: aks-sgxpool-54727109-vmss00000k")
        .expect("node k");
    let (head, tail) = t.split_at(at);
    std::fs::write(
        &nodes,
        format!(
            "{head}{}",
            tail.replacen("sgx.intel.com/epc: 32Gi", "sgx.intel.com/epc: 12Gi", 1)
        ),
    )
    .expect("nodes");

    let out = capstan(
        &[
            "check",
            "deploy/environments/nonprod/root.yaml",
            "-o",
            "json",
        ],
        root,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        findings(&out),
        vec![
            (
                "api-removed".into(),
                "error".into(),
                "ten-sepolia-apps".into()
            ),
            ("capacity".into(), "error".into(), String::new()),
            (
                "secret-data".into(),
                "error".into(),
                "ten-sepolia-apps".into()
            ),
        ],
        "{}",
        text(&out.stdout)
    );
    let human = capstan(&["check", "deploy/environments/nonprod/root.yaml"], root);
    let h = text(&human.stdout);
    assert!(h.contains("node aks-sgxpool-54727109-vmss00000k is over-committed: sgx.intel.com/epc requests 16Gi of 12Gi"), "{h}");
    assert!(!h.contains("s3cr3t"), "the secret is masked: {h}");
    assert!(
        h.contains("at: deploy/environments/sepolia/apps/leak.yaml:6"),
        "{h}"
    );
    assert!(
        h.contains("at: deploy/environments/sepolia/apps/pdb.yaml:1"),
        "{h}"
    );
}

#[test]
fn capstan_yaml_switches_rules_off_with_a_reason_and_schema_dirs_add_crds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    copy_dir(&repo().join("deploy"), &root.join("deploy"));
    std::fs::write(
        root.join("capstan.yaml"),
        "repoURL: https://github.com/capstan-gitops/capstan.git\ncheck:\n  prodEnvironments: [mainnet]\n  skip:\n    - rule: api-removed\n      apps: [ten-mainnet-*]\n      reason: migrated by the platform team in Q3\n",
    )
    .expect("capstan.yaml");
    std::fs::write(
        root.join("deploy/environments/mainnet/apps/pdb.yaml"),
        "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: old\n",
    )
    .expect("pdb");
    let crds = root.join("crds");
    std::fs::create_dir_all(&crds).expect("crds");
    std::fs::write(
        crds.join("ingressroute.yaml"),
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ingressroutes.traefik.io}\nspec:\n  group: traefik.io\n  names: {kind: IngressRoute}\n  versions:\n    - name: v1alpha1\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              required: [routes]\n              properties:\n                entryPoints: {type: array, items: {type: string}}\n                routes: {type: array, items: {type: object, x-kubernetes-preserve-unknown-fields: true}}\n                tls: {type: object, x-kubernetes-preserve-unknown-fields: true}\n",
    )
    .expect("crd");
    let out = capstan(
        &[
            "check",
            "deploy/environments/prod/root.yaml",
            "-o",
            "json",
            "--schema-dir",
            "crds",
        ],
        root,
    );
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let f = v["findings"].as_array().expect("findings");
    let removed: Vec<_> = f.iter().filter(|x| x["rule"] == "api-removed").collect();
    assert_eq!(removed.len(), 1);
    assert!(
        removed[0]["skipped"].as_str().is_some_and(
            |s| s.contains("migrated by the platform team") && s.contains("capstan.yaml")
        ),
        "{}",
        removed[0]
    );
    // IngressRoutes are now validated (and valid); ExternalSecrets still are not.
    let notes: Vec<String> = f
        .iter()
        .filter(|x| x["rule"] == "not-validated")
        .map(|x| x["message"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        notes.iter().all(|m| !m.contains("IngressRoute")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|m| m.contains("ExternalSecret")),
        "{notes:?}"
    );
}
