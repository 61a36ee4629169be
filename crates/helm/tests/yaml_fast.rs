//! The fast YAML reader (`yaml/fast.rs`) against the full reader: wherever
//! the fast one answers, both must decode the same value. Over every YAML
//! file and rendered document in the repository (which the fast reader must
//! mostly accept, or it is useless), over generated documents and their
//! single-byte mutations, and over inputs the fuzzer found
//! (`tests/fuzzed/helm_yaml_fast/`).

use std::path::{Path, PathBuf};

use capstan_helm::yaml::{Limits, fast_agrees};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Documents of a stream split at `---` lines, as Helm splits rendered
/// manifests (the separator line stays with the document after it).
fn documents(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") && !current.is_empty() {
            docs.push(std::mem::take(&mut current));
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        docs.push(current);
    }
    docs
}

/// Runs one text; returns whether the fast reader answered.
fn check(text: &str, what: &str, failures: &mut Vec<String>) -> bool {
    let kind = if what.contains("expected.stdout") {
        "rendered"
    } else if what.contains("/deploy/") || what.contains("/benches/") {
        "real"
    } else {
        "fixture"
    };
    match fast_agrees(text, &Limits::default()) {
        Ok(accepted) => {
            // FAST_YAML_REJECTS=DIR keeps what the fast reader turned down,
            // to see which constructs are worth adding.
            if !accepted && let Some(dir) = std::env::var_os("FAST_YAML_REJECTS") {
                let n = std::fs::read_dir(&dir).map_or(0, Iterator::count);
                let _ = std::fs::write(Path::new(&dir).join(format!("{kind}-{n:05}.yaml")), text);
            }
            accepted
        }
        Err(diff) => {
            failures.push(format!("{what}:\n{text}\n{diff}"));
            false
        }
    }
}

/// Counts per kind of text: (seen, accepted).
#[derive(Default)]
struct Tally {
    seen: usize,
    accepted: usize,
}

impl Tally {
    fn add(&mut self, accepted: bool) {
        self.seen += 1;
        self.accepted += usize::from(accepted);
    }
}

#[test]
#[allow(clippy::print_stderr)] // the acceptance counts are the report
fn repository_yaml_agrees_and_is_accepted() {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in ["deploy", "crates/helm/tests", "benches/inputs"] {
        walk(&root.join(dir), &mut files);
    }
    let mut failures = Vec::new();
    // Chart and values files of real charts; documents of rendered
    // manifests; the test fixtures (edge cases on purpose, no floor).
    let (mut real, mut rendered, mut fixtures) =
        (Tally::default(), Tally::default(), Tally::default());
    for path in &files {
        let name = path.to_string_lossy().into_owned();
        let golden = name.ends_with("expected.stdout") || name.ends_with(".out");
        if !(golden || name.ends_with(".yaml") || name.ends_with(".yml")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let is_template = name.contains("/templates/") || text.contains("{{");
        let is_real =
            (name.contains("/deploy/") || name.contains("/benches/inputs/")) && !is_template;
        let whole = check(&text, &name, &mut failures);
        if is_real {
            real.add(whole);
        } else if !golden {
            fixtures.add(whole);
        }
        let docs = documents(&text);
        if docs.len() > 1 || golden {
            for (i, doc) in docs.iter().enumerate() {
                let ok = check(doc, &format!("{name} document {i}"), &mut failures);
                if name.ends_with("expected.stdout") && doc.starts_with("---") {
                    rendered.add(ok);
                } else if !is_real {
                    fixtures.add(ok);
                }
            }
        }
    }
    eprintln!(
        "fast YAML reader accepted: chart and values files {}/{}, rendered documents {}/{}, test fixtures {}/{}",
        real.accepted,
        real.seen,
        rendered.accepted,
        rendered.seen,
        fixtures.accepted,
        fixtures.seen
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(real.seen > 50 && rendered.seen > 300, "corpus not found");
    assert!(
        real.accepted * 100 >= real.seen * 90,
        "chart and values files: only {}/{}",
        real.accepted,
        real.seen
    );
    assert!(
        rendered.accepted * 100 >= rendered.seen * 90,
        "rendered documents: only {}/{}",
        rendered.accepted,
        rendered.seen
    );
}
