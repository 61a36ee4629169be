//! `capstan template` against real Helm v4.2.3, fixture by fixture.
//!
//! Every folder under `crates/helm/tests/golden/` with a `cmd` file is one fixture: `cmd` holds
//! the `helm template` arguments (shell words, paths relative to the folder) and the goldens
//! `expected.stdout`, `expected.stderr` (Helm's `Error: ...` text) and `expected.status` were
//! written by real Helm through that folder's `regen` script. This test runs the built binary as
//! `capstan template <cmd>` in the fixture folder, compares the three, reports every mismatch
//! in one run, and fails when a mismatch is not listed in `divergences.json` (fixture → reason,
//! each explained in docs/decisions/0004-helm-parity.md).
//!
//! Two normalisations, both documented in the golden README:
//! - stderr is compared from its first line starting with `Error: ` on (Helm's time-stamped log
//!   lines are not part of the goldens);
//! - real `helm template` appends "\n\nUse --debug flag to render out invalid YAML" to render
//!   errors; the oracle that wrote the goldens does not, so exactly that suffix is removed from
//!   capstan's stderr before comparing.
//!
//! `GOLDEN_FILTER=substring` runs only the fixtures whose folder name contains it.

#![allow(
    clippy::print_stderr,
    reason = "the suite reports its pass rate and every mismatch"
)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MIN_FIXTURES: usize = 150;
const DEBUG_SUFFIX: &str = "\n\nUse --debug flag to render out invalid YAML";
const TIMEOUT: Duration = Duration::from_secs(60);

fn golden_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../helm/tests/golden")
}

/// The fixture folders, sorted by name.
fn fixtures(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(root)
        .expect("golden folder is readable")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.join("cmd").is_file())
        .collect();
    out.sort();
    out
}

/// Splits one line into words as a POSIX shell does for plain words and quotes
/// ('...' literal; "..." with \" \\ \$ \` escapes; a bare backslash escapes the next character).
fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(q) => cur.push(q),
                        None => return Err("unterminated single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(e @ ('"' | '\\' | '$' | '`')) => cur.push(e),
                            Some(e) => {
                                cur.push('\\');
                                cur.push(e);
                            }
                            None => return Err("unterminated double quote".into()),
                        },
                        Some(q) => cur.push(q),
                        None => return Err("unterminated double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(e) = chars.next() {
                    cur.push(e);
                }
            }
            _ => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// The `"fixture": "reason"` pairs of divergences.json (a flat JSON object of strings).
fn divergences(root: &Path) -> BTreeMap<String, String> {
    let text = fs::read_to_string(root.join("divergences.json")).expect("divergences.json");
    let value: serde_json::Value = serde_json::from_str(&text).expect("divergences.json is JSON");
    let obj = value.as_object().expect("divergences.json is an object");
    obj.iter()
        .map(|(k, v)| {
            let reason = v.as_str().expect("each divergence reason is a string");
            (k.clone(), reason.to_owned())
        })
        .collect()
}

struct Outcome {
    stdout: String,
    stderr: String,
    status: String,
}

fn run_capstan(dir: &Path, args: &[String]) -> Result<Outcome, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .arg("template")
        .args(args)
        .current_dir(dir)
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start capstan: {e}"))?;
    // Read both pipes on threads so a large output cannot block the child.
    let mut out_pipe = child.stdout.take().expect("stdout piped");
    let mut err_pipe = child.stderr.take().expect("stderr piped");
    let out_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {}s", TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = out_thread.join().map_err(|_| "stdout reader panicked")?;
    let stderr = err_thread.join().map_err(|_| "stderr reader panicked")?;
    let status = match status.code() {
        Some(c) => c.to_string(),
        None => "killed by a signal".to_owned(),
    };
    Ok(Outcome {
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: normalise_stderr(&String::from_utf8_lossy(&stderr)),
        status,
    })
}

/// capstan's stderr from its first `Error: ` line on, without Helm's `--debug` hint.
fn normalise_stderr(raw: &str) -> String {
    let from_error = match raw.find("Error: ") {
        Some(0) => raw,
        Some(_) => match raw.find("\nError: ") {
            Some(i) => &raw[i + 1..],
            None => raw,
        },
        None => "",
    };
    let mut s = from_error.to_owned();
    for tail in ["\n", ""] {
        let with_suffix = format!("{DEBUG_SUFFIX}{tail}");
        if s.ends_with(&with_suffix) {
            s.truncate(s.len() - with_suffix.len());
            s.push_str(tail);
            break;
        }
    }
    s
}

/// A short description of where two texts first differ.
fn first_difference(expected: &str, actual: &str) -> String {
    let (mut e, mut a) = (expected.lines(), actual.lines());
    let mut line = 1;
    loop {
        match (e.next(), a.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (None, None) => return "only line endings or trailing newline differ".to_owned(),
            (x, y) => {
                return format!(
                    "line {line}:\n      expected: {}\n      actual:   {}",
                    clip(x.unwrap_or("<end>")),
                    clip(y.unwrap_or("<end>"))
                );
            }
        }
    }
}

fn clip(s: &str) -> String {
    const MAX: usize = 200;
    if s.chars().count() <= MAX {
        return s.to_owned();
    }
    let cut: String = s.chars().take(MAX).collect();
    format!("{cut}…")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn capstan_template_matches_helm() {
    let root = golden_root();
    let all = fixtures(&root);
    assert!(
        all.len() >= MIN_FIXTURES,
        "expected at least {MIN_FIXTURES} golden fixtures, found {}",
        all.len()
    );
    let known = divergences(&root);
    let filter = std::env::var("GOLDEN_FILTER").unwrap_or_default();

    let mut mismatches: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut ran = 0usize;
    for dir in &all {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if !name.contains(&filter) {
            continue;
        }
        ran += 1;
        let cmd = read(&dir.join("cmd"));
        let args = match shell_words(cmd.lines().next().unwrap_or("")) {
            Ok(a) => a,
            Err(e) => {
                mismatches.insert(name, vec![format!("bad cmd file: {e}")]);
                continue;
            }
        };
        let got = match run_capstan(dir, &args) {
            Ok(o) => o,
            Err(e) => {
                mismatches.insert(name, vec![e]);
                continue;
            }
        };
        let mut problems = Vec::new();
        let status = read(&dir.join("expected.status"));
        if got.status != status.trim() {
            problems.push(format!(
                "status: expected {}, got {}",
                status.trim(),
                got.status
            ));
        }
        let stdout = read(&dir.join("expected.stdout"));
        if got.stdout != stdout {
            problems.push(format!("stdout {}", first_difference(&stdout, &got.stdout)));
        }
        let stderr = read(&dir.join("expected.stderr"));
        if got.stderr != stderr {
            problems.push(format!("stderr {}", first_difference(&stderr, &got.stderr)));
        }
        if !problems.is_empty() {
            mismatches.insert(name, problems);
        }
    }

    let passed = ran - mismatches.len();
    eprintln!("helm golden: {passed}/{ran} fixtures match real Helm");
    let mut unexpected = 0usize;
    for (name, problems) in &mismatches {
        let tag = match known.get(name) {
            Some(reason) => format!("known divergence: {reason}"),
            None => {
                unexpected += 1;
                "MISMATCH".to_owned()
            }
        };
        eprintln!("\n{name}: {tag}");
        for p in problems {
            eprintln!("    {p}");
        }
    }
    for name in known.keys() {
        if !all.iter().any(|d| d.ends_with(name)) {
            eprintln!("note: divergences.json names {name}, which is not a fixture");
        } else if name.contains(&filter) && !mismatches.contains_key(name) {
            eprintln!("note: {name} is listed in divergences.json but now matches Helm");
        }
    }
    assert_eq!(
        unexpected, 0,
        "{unexpected} fixture(s) differ from real Helm (see above)"
    );
}

#[test]
fn shell_words_follow_posix_quoting() {
    let words = shell_words(r#"rel ./chart --set 'a\.b=x,y' --set-json "k=\"v\"" a\ b"#);
    assert_eq!(
        words.expect("valid line"),
        vec![
            "rel",
            "./chart",
            "--set",
            r"a\.b=x,y",
            "--set-json",
            r#"k="v""#,
            "a b"
        ]
    );
    assert!(shell_words("'open").is_err());
}

#[test]
fn debug_hint_is_removed_only_at_the_end() {
    let raw = format!("warn\nError: boom{DEBUG_SUFFIX}\n");
    assert_eq!(normalise_stderr(&raw), "Error: boom\n");
    assert_eq!(normalise_stderr("Error: x\n"), "Error: x\n");
    assert_eq!(normalise_stderr("no error here\n"), "");
}
