//! Times `capstan template` in-process (load the chart, merge values,
//! render, sort, print to a string) on each input given as
//! `RELEASE NAMESPACE CHART [VALUES_FILE...]` lines on stdin, and prints one
//! JSON object per line: median nanoseconds over `--runs` renders and the
//! output size. scripts/bench compares these with Helm measured in the
//! same run. With `--print`, prints the first input's output instead.

use std::io::{BufRead, Write};
use std::time::Instant;

use capstan_helm::template::{TemplateOptions, template};
use capstan_helm::values::{LocalFiles, Options};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(50);
    let print = args.iter().any(|a| a == "--print");
    let mut stdout = std::io::stdout().lock();
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
        let mut times: Vec<u128> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let _ = template(&opts, &mut LocalFiles);
                t.elapsed().as_nanos()
            })
            .collect();
        times.sort_unstable();
        writeln!(
            stdout,
            "{{\"chart\": \"{chart}\", \"median_ns\": {}, \"output_bytes\": {}}}",
            times[times.len() / 2],
            first.stdout.len()
        )?;
    }
    Ok(())
}
