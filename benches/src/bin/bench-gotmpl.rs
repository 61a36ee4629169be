//! Times capstan-gotmpl on the benchmark workload and prints one JSON line
//! (median nanoseconds per parse and per execution, output size), for
//! scripts/bench to compare with Go's text/template measured in the same run.
//! With `--print`, writes the rendered output instead (to compare bytes with Go).

use std::io::Write;
use std::time::Instant;

use capstan_benches::gotmpl_workload as w;

fn median_ns(runs: usize, mut f: impl FnMut()) -> u128 {
    let mut times: Vec<u128> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_nanos()
        })
        .collect();
    times.sort_unstable();
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let templates = w::templates();
    let data = w::data();
    let set = w::parse(&templates)?;
    let output = w::execute(&set, &data)?;
    let mut stdout = std::io::stdout().lock();
    if std::env::args().any(|a| a == "--print") {
        stdout.write_all(output.as_bytes())?;
        return Ok(());
    }
    let parse_ns = median_ns(200, || {
        let _ = w::parse(&templates);
    });
    let execute_ns = median_ns(200, || {
        let _ = w::execute(&set, &data);
    });
    writeln!(
        stdout,
        "{{\"parse_ns\": {parse_ns}, \"execute_ns\": {execute_ns}, \"output_bytes\": {}}}",
        output.len()
    )?;
    Ok(())
}
