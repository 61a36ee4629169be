//! The fast path for Argo CD documents (Helm's fast YAML reader to JSON,
//! then the model's types) must give exactly what the model's own reader
//! gives, and must be the path the deploy/ fleet takes.

use std::path::{Path, PathBuf};

use capstan_model::{ArgoObject, Document, argo_object_from_json, parse_document, split_documents};

fn fast(doc: &Document<'_>) -> Option<ArgoObject> {
    capstan_helm::yaml::read_json(doc.text).and_then(argo_object_from_json)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if !p.ends_with("target") && !p.ends_with(".git") {
                yaml_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every document of every YAML file of the repository that mentions an
/// Argo CD kind: where the fast path answers, it answers what the model's
/// reader does. Returns (documents the fast path took, documents checked).
fn check_tree(dir: &Path) -> (usize, usize) {
    let mut files = Vec::new();
    yaml_files(dir, &mut files);
    let (mut taken, mut checked) = (0, 0);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        if !text.contains("argoproj.io") {
            continue;
        }
        for d in split_documents(&text) {
            checked += 1;
            if let Some(object) = fast(&d) {
                taken += 1;
                let full = parse_document("t", &d);
                assert_eq!(full.as_ref(), Ok(&object), "{}:{}", f.display(), d.line);
            }
        }
    }
    (taken, checked)
}

#[test]
fn the_fast_path_agrees_on_every_document_of_the_repository() {
    let (taken, checked) = check_tree(&repo());
    assert!(taken > 40 && checked >= taken, "{taken} of {checked}");
}

#[test]
fn every_application_of_deploy_takes_the_fast_path() {
    let (taken, checked) = check_tree(&repo().join("deploy/environments"));
    assert!(checked >= 40, "{checked}");
    assert_eq!(
        taken, checked,
        "documents of deploy/ left to the slow reader"
    );
}

const TEMPLATE: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app
  namespace: argocd
  annotations:
    argocd.argoproj.io/sync-wave: ANNOTATION
spec:
  project: default
  revisionHistoryLimit: LIMIT
  source:
    repoURL: https://example.com/repo.git
    targetRevision: REVISION
    path: charts/x
    helm:
      valuesObject:
        key: VALUE
        list: [VALUE, 2]
  destination:
    server: https://kubernetes.default.svc
    namespace: ns
  syncPolicy:
    automated:
      prune: PRUNE
";

/// Scalars whose meaning differs between YAML readers, or between a
/// string field and an untyped one, in every typed position.
#[test]
fn nasty_scalars_are_read_alike_or_left_to_the_model() {
    let scalars = [
        "main",
        "\"main\"",
        "'1'",
        "1",
        "01",
        "1.10",
        "1.0",
        "-1",
        "+1",
        "1e3",
        "0x10",
        "0o7",
        "1_000",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "true",
        "false",
        "True",
        "FALSE",
        "null",
        "Null",
        "~",
        "\"\"",
        ".inf",
        ".nan",
        "-.inf",
        ".5",
        "2001-12-14",
        "12:30",
        "<<",
        "a b",
        "\"yes\"",
        "'on'",
        "[]",
        "{}",
        "[1, 2]",
        "{a: 1}",
        "|\n        text",
        "9223372036854775808",
        "-9223372036854775809",
        "1.7976931348623157e309",
    ];
    let mut taken = 0;
    for field in ["ANNOTATION", "LIMIT", "REVISION", "VALUE", "PRUNE"] {
        for s in scalars {
            let mut text = TEMPLATE.to_string();
            for other in ["ANNOTATION", "LIMIT", "REVISION", "VALUE", "PRUNE"] {
                let fill = if other == field {
                    s
                } else {
                    match other {
                        "ANNOTATION" => "\"1\"",
                        "LIMIT" => "10",
                        "PRUNE" => "true",
                        _ => "x",
                    }
                };
                text = text.replace(other, fill);
            }
            let d = Document {
                text: &text,
                line: 1,
            };
            let full = parse_document("t", &d);
            if let Some(object) = fast(&d) {
                taken += 1;
                assert_eq!(full.as_ref(), Ok(&object), "{field} = {s}");
            }
        }
    }
    assert!(taken > 20, "{taken}");
}
