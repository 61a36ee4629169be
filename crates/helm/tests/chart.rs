//! Chart fixtures judged by real Helm (`tests/charts/regen`).
//!
//! Each `tests/charts/<case>/` holds a chart, optional `helm template`
//! arguments and what real Helm printed. Every fixture template prints
//! `.Values` and `.Chart` as JSON, so until the renderer exists the
//! structures are compared directly: the set of templates Helm rendered
//! (pruned subcharts, aliases, .helmignore), each template's scoped
//! `.Values` and its `.Chart`, or the error line. Every mismatch of every
//! case is reported in one run.

use capstan_gotmpl::{Map, Value};
use capstan_helm::chart;
use capstan_helm::values::{self, Options, PrepareError, ValueSources};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

struct CaseFiles(PathBuf);

impl ValueSources for CaseFiles {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| format!("open {path}: {e}"))
    }
}

fn options(dir: &Path) -> Options {
    let mut o = Options::default();
    let Ok(text) = std::fs::read_to_string(dir.join("args")) else {
        return o;
    };
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    for pair in lines.chunks(2) {
        let v = pair[1].to_string();
        match pair[0] {
            "-f" | "--values" => o.value_files.push(v),
            "--set" => o.values.push(v),
            "--set-string" => o.string_values.push(v),
            "--set-json" => o.json_values.push(v),
            "--set-file" => o.file_values.push(v),
            "--set-literal" => o.literal_values.push(v),
            other => panic!("unknown flag {other} in {}", dir.display()),
        }
    }
    o
}

/// What our pipeline says `helm template` prints, as (stdout docs) or error.
enum Outcome {
    Rendered(Box<values::Prepared>),
    Error(String),
}

fn run(dir: &Path) -> Outcome {
    let user = match options(dir).merge_values(&mut CaseFiles(dir.to_path_buf())) {
        Ok(u) => u,
        Err(e) => return Outcome::Error(format!("Error: {e}")),
    };
    let path = if dir.join("chart.tgz").is_file() {
        dir.join("chart.tgz")
    } else {
        dir.join("chart")
    };
    let c = match chart::load(&path) {
        Ok(c) => c,
        Err(e) => return Outcome::Error(format!("Error: {e}")),
    };
    match values::prepare(c, &user) {
        Ok(p) => Outcome::Rendered(Box::new(p)),
        Err(PrepareError::MissingDependencies(m)) => Outcome::Error(format!(
            "Error: chart dependencies are missing; run dependency update/build first: {m}"
        )),
        Err(e) => Outcome::Error(format!("Error: {e}")),
    }
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Nil => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) | Value::Int64(i) => num(*i as f64),
        Value::Float(f) => num(*f),
        Value::String(s) => Json::String(s.to_string()),
        Value::List(l) => Json::Array(l.iter().map(to_json).collect()),
        Value::Map(m) => Json::Object(
            m.snapshot()
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
        other => Json::String(format!("{other:?}")),
    }
}

fn num(f: f64) -> Json {
    serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
}

/// Numbers compared as float64, as Helm's JSON output cannot tell them apart.
fn normalize(j: Json) -> Json {
    match j {
        Json::Number(n) => num(n.as_f64().unwrap_or(f64::NAN)),
        Json::Array(a) => Json::Array(a.into_iter().map(normalize).collect()),
        Json::Object(o) => Json::Object(o.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        other => other,
    }
}

/// `# Source: path` → (values, chart) from the golden stdout.
fn golden_docs(text: &str) -> BTreeMap<String, (Option<Json>, Option<Json>)> {
    let mut out = BTreeMap::new();
    for doc in text.split("---\n# Source: ").skip(1) {
        let (path, body) = doc.split_once('\n').expect("source line");
        let mut vals = None;
        let mut chart = None;
        for line in body.lines() {
            if let Some(v) = line.strip_prefix("values: ") {
                vals = Some(normalize(serde_json::from_str(v).expect("values json")));
            }
            if let Some(c) = line.strip_prefix("chart: ") {
                chart = Some(normalize(serde_json::from_str(c).expect("chart json")));
            }
        }
        out.insert(path.to_string(), (vals, chart));
    }
    out
}

fn check_case(dir: &Path) -> Vec<String> {
    let case = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut errs = Vec::new();
    let want_err = std::fs::read_to_string(dir.join("expected.err")).ok();
    let want_out = std::fs::read_to_string(dir.join("expected")).ok();
    match (run(dir), want_err, want_out) {
        (Outcome::Error(got), Some(want), _) => {
            // Helm prints paths as given; the oracle ran inside the case folder.
            let got = got.replace(&format!("{}/", dir.display()), "");
            if got.trim() != want.trim() {
                errs.push(format!(
                    "{case}: error\n  got:  {got}\n  want: {}",
                    want.trim()
                ));
            }
        }
        (Outcome::Error(got), None, _) => errs.push(format!("{case}: unexpected error {got}")),
        (Outcome::Rendered(_), Some(want), _) => {
            errs.push(format!("{case}: expected error {}", want.trim()));
        }
        (Outcome::Rendered(p), None, Some(out)) => {
            let golden = golden_docs(&out);
            let templates = p.chart.templates();
            // Partials (`_*`) are rendered but never printed, nor are
            // templates that render to nothing.
            let ours: Vec<&str> = templates
                .iter()
                .filter(|t| !t.file.data.iter().all(u8::is_ascii_whitespace))
                .map(|t| t.name.as_str())
                .filter(|n| !n.rsplit('/').next().is_some_and(|b| b.starts_with('_')))
                .collect();
            let theirs: Vec<&str> = golden.keys().map(String::as_str).collect();
            let mut ours_sorted = ours.clone();
            ours_sorted.sort_unstable();
            if ours_sorted != theirs {
                errs.push(format!(
                    "{case}: templates\n  got:  {ours_sorted:?}\n  want: {theirs:?}"
                ));
            }
            for t in &templates {
                let Some((want_vals, want_chart)) = golden.get(&t.name) else {
                    continue;
                };
                let got_vals = normalize(to_json(&Value::map(values::scoped_values(
                    &p.values,
                    &t.chart_path,
                ))));
                if let Some(want_vals) = want_vals
                    && &got_vals != want_vals
                {
                    errs.push(format!(
                        "{case}: {} .Values\n  got:  {got_vals}\n  want: {want_vals}",
                        t.name
                    ));
                }
                let is_root = t.chart_path.len() == 1;
                let mut got_chart = normalize(to_json(&t.chart.chart_value(is_root)));
                // Go prints a nil annotations map as null; the value model
                // has no typed nil map.
                let Some(want_chart) = want_chart else {
                    continue;
                };
                if want_chart.get("Annotations") == Some(&Json::Null)
                    && got_chart.get("Annotations") == Some(&Json::Object(Default::default()))
                    && let Some(o) = got_chart.as_object_mut()
                {
                    o.insert("Annotations".into(), Json::Null);
                }
                if &got_chart != want_chart {
                    errs.push(format!(
                        "{case}: {} .Chart\n  got:  {got_chart}\n  want: {want_chart}",
                        t.name
                    ));
                }
            }
        }
        (Outcome::Rendered(_), None, None) => errs.push(format!("{case}: no golden file")),
    }
    errs
}

#[test]
fn chart_fixtures_match_helm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("chart").is_dir() || p.join("chart.tgz").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 15, "fixtures missing");
    let errs: Vec<String> = dirs.iter().flat_map(|d| check_case(d)).collect();
    assert!(
        errs.is_empty(),
        "{} mismatches:\n{}",
        errs.len(),
        errs.join("\n")
    );
}

#[test]
fn archive_chart_loads_like_its_directory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts/undeclared/chart/charts");
    let data = std::fs::read(root.join("packed-0.2.0.tgz")).expect("fixture archive");
    let c = chart::load_archive(&data).expect("loads");
    assert_eq!(c.name(), "packed");
    assert_eq!(c.metadata.version, "0.2.0");
    let mut want = Map::new();
    want.insert("p".into(), Value::Float(1.0));
    assert_eq!(c.values, want);
    assert_eq!(c.templates.len(), 1);
    // Truncated archives fail cleanly, except when only the gzip trailer is
    // cut: Go's tar reader stops at the end-of-archive blocks and Helm never
    // reads the trailer (checked with the oracle).
    for cut in [10, data.len() / 2] {
        assert!(chart::load_archive(&data[..cut]).is_err(), "cut at {cut}");
    }
    for cut in [1, 4, 8] {
        assert!(
            chart::load_archive(&data[..data.len() - cut]).is_ok(),
            "trailer cut {cut}"
        );
    }
}

/// xorshift: deterministic pseudo-random bytes without a dependency.
fn rng(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn mutated_archives_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts");
    let mut seeds = Vec::new();
    for case in [
        "undeclared/chart/charts/packed-0.2.0.tgz",
        "archive_symlink/chart/charts/evil-1.0.0.tgz",
    ] {
        seeds.push(std::fs::read(root.join(case)).expect("fixture"));
    }
    // Mutate the decompressed tar too, so the tar reader sees damage the
    // gzip checksum would otherwise catch first.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for base in &seeds {
        let mut tar = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(base.as_slice()), &mut tar)
            .expect("gunzip");
        for _ in 0..400 {
            let mut t = tar.clone();
            for _ in 0..(1 + rng(&mut seed) % 8) {
                let i = (rng(&mut seed) as usize) % t.len();
                t[i] = rng(&mut seed) as u8;
            }
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut gz, &t).expect("gzip");
            let _ = chart::load_archive(&gz.finish().expect("gzip"));
            let mut raw = base.clone();
            let i = (rng(&mut seed) as usize) % raw.len();
            raw[i] = rng(&mut seed) as u8;
            let _ = chart::load_archive(&raw);
        }
    }
}

#[test]
fn hostile_chart_files_never_panic() {
    let inputs = [
        "",
        "~",
        "[]",
        "- a",
        "name: {a: [",
        "apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies: [~]\n",
        "apiVersion: v2\nname: x\nversion: 1.0.0\nmaintainers: {a: 1}\n",
        "&a [*a]",
        "a: &x {b: *x}",
        "apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n- import-values: 5\n",
    ];
    for text in inputs {
        let files = vec![
            chart::File::new("Chart.yaml", text.as_bytes().to_vec()),
            chart::File::new("values.yaml", text.as_bytes().to_vec()),
            chart::File::new("requirements.yaml", text.as_bytes().to_vec()),
        ];
        let _ = chart::load_files(files);
    }
    for rules in [
        "[", "\\", "!", "/", "!/", "a/**", "[]a]", "[^", "*[a-", "\u{0}",
    ] {
        let _ = capstan_helm::chart::helmignore::Rules::parse(rules);
    }
}

#[test]
fn chart_files_exclude_special_files() {
    let files = vec![
        chart::File::new(
            "Chart.yaml",
            b"apiVersion: v2\nname: f\nversion: 1.0.0\n".to_vec(),
        ),
        chart::File::new("values.yaml", b"a: 1\n".to_vec()),
        chart::File::new("values.schema.json", b"{}".to_vec()),
        chart::File::new("templates/a.yaml", b"x".to_vec()),
        chart::File::new("crds/crd.yaml", b"kind: CRD".to_vec()),
        chart::File::new("files/conf.txt", b"conf".to_vec()),
        chart::File::new("Chart.lock", b"generated: x".to_vec()),
        chart::File::new("charts/x-1.0.0.tgz.prov", b"sig".to_vec()),
    ];
    let c = chart::load_files(files).expect("loads");
    let names: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["crds/crd.yaml", "files/conf.txt", "charts/x-1.0.0.tgz.prov"]
    );
    assert_eq!(c.schema.as_deref(), Some(b"{}".as_slice()));
    assert_eq!(c.crds().len(), 1);
    assert_eq!(c.crds()[0].0, "f/crds/crd.yaml");
}
