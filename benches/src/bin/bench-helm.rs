//! Times capstan's Helm rendering in-process on each input given as
//! `RELEASE NAMESPACE CHART [VALUES_FILE...]` lines on stdin, and prints one
//! JSON object per line with medians over `--runs` renders and the output
//! size. scripts/bench compares these with Helm measured in the same run.
//!
//! Two timings per input:
//! - `median_ns`: what the Helm side times (helm-python-sdk's
//!   `Chart.render`): the chart loaded once and the values files merged
//!   once, then dependency processing, coalescing, schema validation,
//!   rendering, sorting and printing the stream, per run. Parsed templates
//!   stay cached between runs, as they do in any capstan process that
//!   renders a chart more than once, and so do answers about the chart's
//!   unchanged default values (docs/decisions/0013); the user's values are
//!   new maps in every run, as when the files are read again. The runs of
//!   each input are spread over five rounds through all inputs.
//! - `cold_ns`: the whole `helm template` path from disk (load the chart,
//!   read the values files, render, sort, print) with the template cache
//!   emptied before every run: what one `capstan template` process does.
//!   Cold runs are made after every input's warm runs.
//!
//! With `--print`, prints the first input's output instead; `--warm-only`
//! skips the cold runs (one is still made), for profilers.

use std::io::{BufRead, Write};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;

use capstan_helm::render::parse_cache;
use capstan_helm::template::{ChartRequest, TemplateOptions, render_chart, template};
use capstan_helm::values::coalesce::deep_copy_map;
use capstan_helm::values::{LocalFiles, Options};

fn median(mut times: Vec<u128>) -> u128 {
    times.sort_unstable();
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // As the `capstan` binary runs its command: on a thread with a deep
    // stack, where renders need no hand-over to a worker.
    capstan_helm::worker::on_deep_stack(bench)
        .map_err(|e| format!("{e:?}"))?
        .map_err(|e| e.to_string().into())
}

/// One input, loaded and checked, ready to be timed.
struct Input {
    chart: String,
    opts: TemplateOptions,
    loaded: capstan_helm::chart::Chart,
    user: capstan_gotmpl::Map,
    request: ChartRequest,
    output_bytes: usize,
    warm: Vec<u128>,
}

impl Input {
    fn render(&self, user: &capstan_gotmpl::Map) -> Result<String, String> {
        let rendered =
            render_chart(self.loaded.clone(), user, &self.request).map_err(|e| e.message)?;
        Ok(rendered.stream(false, false, false))
    }
}

/// Rounds the warm runs of every input are spread over.
const ROUNDS: usize = 5;

fn bench() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args: Vec<String> = std::env::args().collect();
    let runs = capstan_benches::runs_arg(&args, 50);
    let print = args.iter().any(|a| a == "--print");
    // For profilers: time only the warm renders.
    let warm_only = args.iter().any(|a| a == "--warm-only");
    let mut stdout = std::io::stdout().lock();
    let mut inputs = Vec::new();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let words: Vec<&str> = line.split_whitespace().collect();
        let [release, namespace, chart, values @ ..] = words.as_slice() else {
            continue;
        };
        let opts = TemplateOptions {
            args: vec![release.to_string(), chart.to_string()],
            namespace: Some(namespace.to_string()),
            values: Options {
                value_files: values.iter().map(|s| s.to_string()).collect(),
                ..Options::default()
            },
            ..TemplateOptions::default()
        };
        let first = template(&opts, &mut LocalFiles).map_err(|e| format!("{chart}: {e}"))?;
        if print {
            stdout.write_all(first.stdout.as_bytes())?;
            return Ok(());
        }
        let loaded = capstan_helm::chart::load(std::path::Path::new(chart))
            .map_err(|e| format!("{chart}: {}", e.message))?;
        let user = opts
            .values
            .merge_values(&mut LocalFiles)
            .map_err(|e| format!("{chart}: {}", e.0))?;
        let request = ChartRequest {
            release: release.to_string(),
            namespace: namespace.to_string(),
            ..ChartRequest::default()
        };
        let input = Input {
            chart: chart.to_string(),
            opts,
            loaded,
            user,
            request,
            output_bytes: first.stdout.len(),
            warm: Vec::new(),
        };
        // The in-process path must print what `capstan template` prints.
        let again = input
            .render(&input.user)
            .map_err(|e| format!("{chart}: {e}"))?;
        if again != first.stdout {
            return Err(
                format!("{chart}: in-process render differs from `capstan template`").into(),
            );
        }
        inputs.push(input);
    }
    // The warm runs of each input are spread over rounds that go through
    // every input, so a stretch of time when the machine is disturbed
    // touches a part of each input's runs rather than all of one input's.
    for round in 0..ROUNDS {
        for input in &mut inputs {
            let share = runs / ROUNDS + usize::from(round < runs % ROUNDS);
            for _ in 0..share {
                // The user's values as a process that reads the values
                // files again has them: maps of their own, so answers kept
                // by map identity are found for the chart's defaults only.
                // Copied before the clock starts.
                let fresh = deep_copy_map(&input.user);
                let t = Instant::now();
                let _ = input.render(&fresh);
                input.warm.push(t.elapsed().as_nanos());
            }
        }
    }
    // Every input's warm runs come before any cold run: a cold run empties
    // the template cache and loads its chart afresh, as a new process
    // would, but in this process it leaves a heap churned by the charts it
    // loaded and dropped, which no real process that renders a chart again
    // and again has, and which made the next input's warm runs slower.
    for input in inputs {
        let cold = median(
            (0..if warm_only { 1 } else { runs })
                .map(|_| {
                    parse_cache().clear();
                    let t = Instant::now();
                    let _ = template(&input.opts, &mut LocalFiles);
                    t.elapsed().as_nanos()
                })
                .collect(),
        );
        writeln!(
            stdout,
            "{{\"chart\": \"{}\", \"median_ns\": {}, \"cold_ns\": {cold}, \"output_bytes\": {}}}",
            input.chart,
            median(input.warm),
            input.output_bytes,
        )?;
    }
    Ok(())
}
