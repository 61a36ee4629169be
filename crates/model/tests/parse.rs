//! Parsing Argo CD manifests: every field of the deploy/ manifests, and
//! errors that name the file, the line and the field.

use capstan_model::{ArgoObject, parse_argo_documents};

const APP: &str = r#"# leading comment
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: dev-sequencer
  namespace: argocd
  annotations:
    argocd.argoproj.io/sync-wave: "2"
spec:
  project: ten-nonprod
  source:
    repoURL: https://github.com/capstan-gitops/capstan.git
    targetRevision: main
    path: deploy/charts/ten-node
    helm:
      releaseName: dev-sequencer
      valueFiles: [a.yaml, b.yaml]
      parameters:
        - name: image.tag
          value: "1.2"
          forceString: true
      fileParameters:
        - name: config
          path: files/config.toml
      valuesObject:
        replicas: 2
      ignoreMissingValueFiles: true
      skipCrds: true
      namespace: other
      kubeVersion: "1.33.0"
      apiVersions: [monitoring.coreos.com/v1]
  destination:
    server: https://kubernetes.default.svc
    namespace: dev
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
      allowEmpty: false
    syncOptions: [CreateNamespace=true]
    retry:
      limit: 5
      backoff: {duration: 5s, factor: 2, maxDuration: 3m}
  ignoreDifferences:
    - group: apps
      kind: Deployment
      jsonPointers: [/spec/replicas]
  info:
    - name: owner
      value: ten
  revisionHistoryLimit: 3
"#;

#[test]
fn every_spec_field_is_read() {
    let objs = parse_argo_documents("app.yaml", APP).expect("parses");
    let [ArgoObject::Application(app)] = objs.as_slice() else {
        panic!("{objs:?}")
    };
    assert_eq!(app.metadata.name, "dev-sequencer");
    assert_eq!(app.project(), "ten-nonprod");
    let src = app.sources()[0];
    assert_eq!(
        src.repo_url,
        "https://github.com/capstan-gitops/capstan.git"
    );
    let helm = src.helm.as_ref().expect("helm");
    assert_eq!(helm.value_files, ["a.yaml", "b.yaml"]);
    assert!(helm.parameters[0].force_string);
    assert_eq!(helm.file_parameters[0].path, "files/config.toml");
    assert_eq!(helm.values_object.as_ref().expect("obj")["replicas"], 2);
    assert!(helm.ignore_missing_value_files && helm.skip_crds);
    assert_eq!(helm.kube_version, "1.33.0");
    let sp = app.spec.sync_policy.as_ref().expect("policy");
    assert!(sp.is_automated());
    assert_eq!(sp.automated.as_ref().and_then(|a| a.self_heal), Some(true));
    assert_eq!(
        sp.retry
            .as_ref()
            .expect("retry")
            .backoff
            .as_ref()
            .expect("b")
            .factor,
        Some(2)
    );
    assert_eq!(
        app.spec.ignore_differences[0].json_pointers,
        ["/spec/replicas"]
    );
    assert_eq!(app.spec.info[0].value, "ten");
    assert_eq!(app.spec.revision_history_limit, Some(3));
    assert_eq!(app.annotations().sync_wave, 2);
}

#[test]
fn a_misspelt_field_is_an_error_with_file_line_and_field() {
    let bad = APP.replace("      valueFiles:", "      valuesFiles:");
    let err = parse_argo_documents("apps/seq.yaml", &bad).expect_err("must fail");
    assert_eq!(err.origin, "apps/seq.yaml");
    assert_eq!(err.line, 17, "{err}");
    assert!(err.message.contains("valuesFiles"), "{err}");
    assert!(err.to_string().starts_with("apps/seq.yaml:17:"), "{err}");
}

#[test]
fn a_wrong_type_is_an_error_on_its_line_in_later_documents() {
    let stream = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\n---\n{}",
        APP.replace("revisionHistoryLimit: 3", "revisionHistoryLimit: lots")
    );
    let err = parse_argo_documents("s.yaml", &stream).expect_err("must fail");
    assert_eq!(err.line, 4 + 51, "{err}");
    assert!(err.message.contains("invalid i64"), "{err}");
    assert!(
        !err.message.contains("line 51"),
        "relative position leaked: {err}"
    );
}

#[test]
fn other_kinds_and_projects() {
    let s = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: p\nspec:\n  sourceRepos: ['*']\n  destinations:\n    - {server: '*', namespace: dev}\n  clusterResourceWhitelist:\n    - {group: '', kind: Namespace}\n";
    let objs = parse_argo_documents("s.yaml", s).expect("parses");
    assert!(
        matches!(&objs[0], ArgoObject::Other { kind, name, .. } if kind == "ConfigMap" && name == "c")
    );
    let ArgoObject::AppProject(p) = &objs[1] else {
        panic!()
    };
    assert_eq!(p.spec.destinations[0].namespace, "dev");
    assert_eq!(p.spec.cluster_resource_whitelist[0].kind, "Namespace");
}

#[test]
fn every_deploy_manifest_parses() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/environments");
    let mut apps = 0;
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.components().any(|c| c.as_os_str() == "apps") || p.ends_with("root.yaml") {
                let text = std::fs::read_to_string(&p).expect("read");
                for o in parse_argo_documents(&p.display().to_string(), &text).expect("valid") {
                    if matches!(o, ArgoObject::Application(_)) {
                        apps += 1;
                    }
                }
            }
        }
    }
    assert_eq!(apps, 33 + 5 + 2);
}
