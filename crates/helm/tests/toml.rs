//! Helm's TOML functions against real Helm v4.2.3: every case in
//! `tests/toml/` (goldens made by `tests/toml/regen`) renders through
//! `capstan_helm::template::template` and must print exactly what
//! `helm template` printed. The cases read documents with `fromToml`
//! (values, types, date-times, and the decoder's error texts), write them
//! back with `toToml`, and fail with `mustToToml`.

use std::path::{Path, PathBuf};

use capstan_helm::template::{TemplateOptions, template};
use capstan_helm::values::LocalFiles;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/toml");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/toml")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("cmd").is_file())
        .collect();
    out.sort();
    out
}

/// (stdout, stderr, status) as the oracle prints them: no `--debug` hint.
fn run(dir: &Path) -> (String, String, i32) {
    let opts = TemplateOptions {
        args: vec!["r".to_string(), dir.join("chart").display().to_string()],
        ..Default::default()
    };
    match template(&opts, &mut LocalFiles) {
        Ok(out) => (out.stdout, String::new(), 0),
        Err(e) => (String::new(), format!("Error: {}\n", e.message), 1),
    }
}

#[test]
fn toml_goldens_match_helm() {
    let mut failures = Vec::new();
    let all = cases();
    assert!(
        all.len() >= 5,
        "expected the TOML cases, found {}",
        all.len()
    );
    for dir in &all {
        let name = dir.file_name().expect("name").to_string_lossy().to_string();
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect(f);
        let want = (
            read("expected.stdout"),
            read("expected.stderr"),
            read("expected.status")
                .trim()
                .parse::<i32>()
                .expect("status"),
        );
        let got = run(dir);
        if got != want {
            let diff: Vec<String> = got
                .0
                .lines()
                .zip(want.0.lines())
                .filter(|(g, w)| g != w)
                .take(40)
                .map(|(g, w)| format!("  got:  {g}\n  want: {w}"))
                .collect();
            failures.push(format!(
                "{name}: status {} (want {}), stderr {:?} (want {:?})\n{}",
                got.2,
                want.2,
                got.1,
                want.1,
                diff.join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn from_toml_errors_and_limits() {
    use capstan_helm::toml::{from_toml, parse_toml};
    // Deep nesting is refused, not a stack overflow.
    let deep = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_toml(&deep).is_err());
    let deep = format!("a = {}", "{b = ".repeat(100_000));
    assert!(parse_toml(&deep).is_err());
    // Garbage never panics.
    for s in [
        "\u{0}",
        "[[",
        "a = \"\\u",
        "a = '''",
        "a = 1e",
        "a = -",
        "[a.]",
        "a.=1",
        "\"",
        "a = 0x",
        "a = +0b1",
    ] {
        let _ = from_toml(s);
    }
    assert_eq!(
        parse_toml("\u{0}abc").expect_err("NUL"),
        "toml: line 1: files cannot contain NULL bytes; probably using UTF-16; TOML files must be UTF-8"
    );
}

#[test]
fn from_toml_never_panics_on_noise() {
    // TOML-shaped noise from a fixed LCG: every input must decode or give
    // an error map, never panic.
    let alphabet: Vec<char> = "ab1_.-+=[]{}\"'#,\n \t\\ux0eE:Tz\u{e9}\r".chars().collect();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..20_000 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let len = (state >> 58) as usize;
        let mut s = String::new();
        for _ in 0..len {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            s.push(alphabet[(state >> 33) as usize % alphabet.len()]);
        }
        let v = capstan_helm::toml::from_toml(&s);
        assert!(v.as_map().is_some(), "{s:?}");
    }
}
