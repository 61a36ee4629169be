//! Replays every input the capstan-helm fuzz targets found (crashes, hangs,
//! out-of-memory), kept under `tests/fuzzed/<target>/`: each runs through
//! the same calls as its target (`tests/fuzzed/harness.rs`, which the fuzz
//! targets include) and must finish without panicking and within a time
//! budget. Inputs under `tests/fuzzed/<target>/pending/` are known failures
//! not yet fixed and are skipped.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

#[path = "fuzzed/harness.rs"]
mod harness;

/// Generous for an unoptimised test build; the fuzzers flag anything over
/// 10 s of an optimised build as a hang.
const BUDGET: Duration = Duration::from_secs(30);

/// The debug-build evaluator needs about 8 MiB of stack at the default
/// nesting limit (see `capstan_gotmpl::Limits::max_nesting`).
const STACK: usize = 64 << 20;

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzzed")
        .join(target);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    out.sort();
    out
}

fn replay(target: &str, run: fn(&[u8])) {
    for path in inputs(target) {
        let input = std::fs::read(&path).expect("readable fuzz input");
        let (done, finished) = mpsc::channel();
        let start = Instant::now();
        // A hang must fail the test, not stall it: the replay runs on its
        // own thread, abandoned if it outlives the budget.
        std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || {
                run(&input);
                let _ = done.send(());
            })
            .expect("spawn replay thread");
        match finished.recv_timeout(BUDGET) {
            Ok(()) => {}
            Err(RecvTimeoutError::Disconnected) => panic!("{} panicked", path.display()),
            Err(RecvTimeoutError::Timeout) => panic!(
                "{} still running after {:?} (budget {BUDGET:?})",
                path.display(),
                start.elapsed()
            ),
        }
    }
}

#[test]
fn helm_values_inputs() {
    replay("helm_values", harness::values);
}

#[test]
fn helm_set_inputs() {
    replay("helm_set", harness::set);
}

#[test]
fn helm_chart_inputs() {
    replay("helm_chart", harness::chart);
}

#[test]
fn helm_render_inputs() {
    replay("helm_render", harness::render);
}

/// The render target's fixed chart must render, or every input would stop
/// at loading and the target would fuzz nothing.
#[test]
fn render_harness_renders_its_seed() {
    let seed = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzzed/helm_render/seed-configmap"),
    )
    .expect("seed");
    let text = harness::render_text(&seed).expect("the seed renders");
    assert!(text.contains("name: fz\n"), "{text}");
    assert!(text.contains("    app: fz\n    release: rel\n"), "{text}");
    assert!(text.contains("f: bGluZSBvbmUKbGluZSB0d28K"), "{text}");
}
