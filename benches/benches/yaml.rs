//! Helm's YAML reading: the fast reader for the common subset against the
//! full reader, on values files and on every document of the large chart's
//! rendered manifests (what `sort_manifests` reads), with and without the
//! conversion to template values.
//! `cargo bench -p capstan-benches --bench yaml`.

use capstan_helm::template::{TemplateOptions, template};
use capstan_helm::values::{LocalFiles, Options};
use capstan_helm::yaml::{Via, unmarshal_via};

// The allocator the capstan binary and bench-helm use: allocation is a
// large part of reading YAML into values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// A chart rendered as `helm template` renders it, split into documents.
fn rendered(chart: &str, values: &[&str]) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = |rel: &str| root.join(rel).to_string_lossy().into_owned();
    let opts = TemplateOptions {
        args: vec!["bench".into(), path(chart)],
        namespace: Some("default".into()),
        values: Options {
            value_files: values.iter().map(|v| path(v)).collect(),
            ..Options::default()
        },
        ..TemplateOptions::default()
    };
    let out = template(&opts, &mut LocalFiles).expect("chart renders");
    let stream = out.stdout.strip_prefix("---\n").unwrap_or(&out.stdout);
    stream
        .split("\n---\n")
        .map(|d| format!("---\n{d}\n"))
        .collect()
}

/// The large benchmark chart: few documents, some with 80 KB strings.
fn manifests() -> Vec<String> {
    rendered("benches/inputs/helm/large", &[])
}

/// The Ten node chart for the dev sequencer: typical Kubernetes objects.
fn ten_node() -> Vec<String> {
    rendered(
        "deploy/charts/ten-node",
        &[
            "deploy/environments/dev/values/ten-node.yaml",
            "deploy/environments/dev/values/sequencer.yaml",
            "deploy/environments/dev/values/l1.yaml",
        ],
    )
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
    assert_eq!(
        read_all(&texts, Via::Fast, true),
        texts.len(),
        "fast reader accepts"
    );
    bencher.bench(|| read_all(&texts, via, true));
}

#[divan::bench(args = [Via::Fast, Via::Full])]
fn manifest_documents_no_convert(bencher: divan::Bencher<'_, '_>, via: Via) {
    let texts = manifests();
    bencher.bench(|| read_all(&texts, via, false));
}

#[divan::bench(args = [Via::Fast, Via::Full])]
fn ten_node_documents(bencher: divan::Bencher<'_, '_>, via: Via) {
    let texts = ten_node();
    assert_eq!(
        read_all(&texts, Via::Fast, true),
        texts.len(),
        "fast reader accepts"
    );
    bencher.bench(|| read_all(&texts, via, true));
}

#[divan::bench(args = [Via::Fast, Via::Full])]
fn ten_node_documents_no_convert(bencher: divan::Bencher<'_, '_>, via: Via) {
    let texts = ten_node();
    bencher.bench(|| read_all(&texts, via, false));
}
