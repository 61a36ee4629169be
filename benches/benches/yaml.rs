//! Helm's YAML reading: the fast reader for the common subset against the
//! full reader, on values files and on every document of the large chart's
//! rendered manifests (what `sort_manifests` reads), with and without the
//! conversion to template values.
//! `cargo bench -p capstan-benches --bench yaml`.

use capstan_helm::template::{TemplateOptions, template};
use capstan_helm::values::LocalFiles;
use capstan_helm::yaml::{Via, unmarshal_via};

fn main() {
    divan::main();
}

fn repo_file(rel: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const VALUES: &[&str] = &[
    "benches/inputs/helm/large/values.yaml",
    "deploy/charts/ten-node/values.yaml",
    "deploy/environments/dev/values/ten-node.yaml",
];

/// The large chart rendered, split into its documents.
fn manifests() -> Vec<String> {
    let chart = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/helm/large");
    let opts = TemplateOptions {
        args: vec!["bench".into(), chart.to_string_lossy().into_owned()],
        namespace: Some("default".into()),
        ..TemplateOptions::default()
    };
    let out = template(&opts, &mut LocalFiles).expect("large chart renders");
    out.stdout
        .split("\n---\n")
        .map(|d| format!("---\n{d}\n"))
        .collect()
}

fn read_all(texts: &[String], via: Via, convert: bool) -> usize {
    texts
        .iter()
        .filter(|t| unmarshal_via(divan::black_box(t), via, convert) == Ok(true))
        .count()
}

#[divan::bench(args = [Via::Fast, Via::Full])]
fn values_files(bencher: divan::Bencher<'_, '_>, via: Via) {
    let texts: Vec<String> = VALUES.iter().map(|p| repo_file(p)).collect();
    assert_eq!(
        read_all(&texts, Via::Fast, true),
        texts.len(),
        "fast reader accepts"
    );
    bencher.bench(|| read_all(&texts, via, true));
}

#[divan::bench(args = [Via::Fast, Via::Full])]
fn manifest_documents(bencher: divan::Bencher<'_, '_>, via: Via) {
    let texts = manifests();
    bencher.bench(|| read_all(&texts, via, true));
}

#[divan::bench(args = [Via::Fast, Via::Full])]
fn manifest_documents_no_convert(bencher: divan::Bencher<'_, '_>, via: Via) {
    let texts = manifests();
    bencher.bench(|| read_all(&texts, via, false));
}
