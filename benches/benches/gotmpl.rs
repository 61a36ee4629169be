//! capstan-gotmpl on a realistic Helm-style workload: parsing a helper file
//! and a StatefulSet template, and executing the template over 20 enclaves.
//! `cargo bench -p capstan-benches --bench gotmpl`; the ratio against Go's
//! text/template is measured by scripts/bench and written to BENCHMARKS.md.

use capstan_benches::gotmpl_workload as w;

fn main() {
    divan::main();
}

#[divan::bench]
fn parse(bencher: divan::Bencher<'_, '_>) {
    let templates = w::templates();
    bencher.bench(|| w::parse(divan::black_box(&templates)).is_ok());
}

#[divan::bench]
fn execute(bencher: divan::Bencher<'_, '_>) {
    let templates = w::templates();
    let data = w::data();
    let set = w::parse(&templates).ok();
    bencher.bench(|| {
        set.as_ref()
            .map(|s| w::execute(s, divan::black_box(&data)).map(|o| o.len()))
    });
}
