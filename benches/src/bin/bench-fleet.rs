//! Times capstan resolving and rendering a whole app-of-apps tree in one
//! process, as many times as `--runs` says, each time with a new engine (no
//! render kept from the run before), and prints one JSON object: the median
//! wall time, the number of apps and the bytes of their streams.
//!
//! The in-process counterpart of Helm's side of the benchmark, which times
//! `Chart.render` with the chart already loaded: what is left out here is
//! what is left out there — starting the process. Process-wide caches stay
//! warm between runs as they do in a capstan process that renders a tree
//! more than once (the controller): parsed templates by their text, and
//! compiled schemas by their bytes. A `capstan render` process is measured
//! separately (benches/fleet_bench.py).
//!
//! Usage: `bench-fleet [--runs N] PATH` (an Application file or a folder
//! of them, in a Git repository or a folder with a `capstan.yaml`).

use std::path::Path;
use std::time::Instant;

use capstan_source::{Engine, Settings};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // As the `capstan` binary runs its command.
    capstan_helm::worker::on_deep_stack(bench)
        .map_err(|e| format!("{e:?}"))?
        .map_err(|e| e.into())
}

fn bench() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let runs = capstan_benches::runs_arg(&args, 30);
    let Some(input) = args
        .iter()
        .skip(1)
        .rfind(|a| !a.starts_with("--") && a.parse::<usize>().is_err())
    else {
        return Err("usage: bench-fleet [--runs N] PATH".into());
    };
    let input = std::path::absolute(input).map_err(|e| format!("{input}: {e}"))?;
    let root = repository_root(&input);
    let once = || -> Result<(usize, usize), String> {
        let mut engine = Engine::new(&root, &Settings::default()).map_err(|e| e.to_string())?;
        let apps = engine.load_input(&input).map_err(|e| e.to_string())?;
        let tree = engine.resolve(apps);
        let mut bytes = 0;
        for node in &tree.nodes {
            match &node.output {
                Ok(o) => bytes += o.stream.len(),
                Err(e) => return Err(format!("{}: {e}", node.app.metadata.name)),
            }
        }
        Ok((tree.nodes.len(), bytes))
    };
    let (apps, bytes) = once()?;
    let mut times: Vec<u128> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let again = once()?;
        times.push(t.elapsed().as_nanos());
        if again != (apps, bytes) {
            return Err("a run rendered something else".into());
        }
    }
    times.sort_unstable();
    let line = format!(
        "{{\"median_ns\": {}, \"apps\": {apps}, \"output_bytes\": {bytes}}}\n",
        times[times.len() / 2]
    );
    std::io::Write::write_all(&mut std::io::stdout().lock(), line.as_bytes())
        .map_err(|e| e.to_string())
}

/// The Git repository holding `path` (or `path`'s folder itself).
fn repository_root(path: &Path) -> std::path::PathBuf {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    capstan_source::repos::git_root(&start).unwrap_or(start)
}
