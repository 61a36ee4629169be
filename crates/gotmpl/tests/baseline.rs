//! Baseline: proves that capstan-gotmpl behaves exactly like Go's
//! `text/template`, case by case, against results produced by the real thing.
//!
//! Inputs are `tests/baseline/cases/<group>.json`; expected results are
//! `tests/baseline/expected/<group>.json`, written by real Go 1.19 (the Go
//! groups) or real Helm v4 (the `helm-*` groups) through
//! `tests/baseline/regen`, never by hand. Every case is run, every mismatch is
//! collected, and the test fails once, listing them all, unless a mismatch is
//! recorded in `tests/baseline/divergences.json` with its reason (each reason
//! is explained in docs/decisions/0003-baselines.md).
//!
//! Each case runs in its own thread with a timeout, so a hang or a panic in the
//! engine is reported as that case's failure instead of stopping the run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use capstan_gotmpl::{Map, MissingKey, TemplateSet, Value};
use serde_json::Value as Json;

/// The corpus may grow, never silently shrink.
const MIN_CASES: usize = 1850;

/// The name of every case's main template (the oracles use the same name, and
/// error messages carry it).
const MAIN: &str = "t";

/// A case that takes longer than this is reported as hanging.
const CASE_TIMEOUT: Duration = Duration::from_secs(10);

/// One case, as written in `cases/<group>.json`.
#[derive(Debug, Clone)]
struct Case {
    group: String,
    name: String,
    template: String,
    data: Option<Json>,
    missing_key: MissingKey,
    /// Other templates parsed into the set before the main one, in sorted
    /// name order (as the Go oracle does).
    extra: BTreeMap<String, String>,
    exec: Option<String>,
}

/// What the oracle recorded for one case.
#[derive(Debug, Clone, PartialEq)]
enum Expected {
    Output(String),
    /// Go's `err.Error()`; only the text is compared, not the partial output.
    Error(String),
    /// Helm reduced a parse error to `parse error at (LOC): LAST` (see
    /// [`helm_parse_error`]); the engine's error is reduced the same way.
    HelmParseError(String),
}

/// What the engine did with one case.
#[derive(Debug, Clone)]
enum Outcome {
    Output(String),
    Error(String),
    Panic(String),
    Timeout,
}

impl Outcome {
    fn describe(&self) -> String {
        match self {
            Outcome::Output(s) => format!("output {s:?}"),
            Outcome::Error(s) => format!("error {s:?}"),
            Outcome::Panic(s) => format!("PANIC {s:?}"),
            Outcome::Timeout => format!("TIMEOUT (> {CASE_TIMEOUT:?})"),
        }
    }
}

impl Expected {
    fn describe(&self) -> String {
        match self {
            Expected::Output(s) => format!("output {s:?}"),
            Expected::Error(s) => format!("error {s:?}"),
            Expected::HelmParseError(s) => format!("helm parse error {s:?}"),
        }
    }
}

fn baseline_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/baseline")
}

fn read_json(path: &Path) -> Json {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The groups (file stems of `cases/*.json`), sorted.
fn groups() -> Vec<String> {
    let dir = baseline_dir().join("cases");
    let mut groups: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            p.file_stem()
                .expect("file stem")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    groups.sort();
    groups
}

fn is_helm_group(group: &str) -> bool {
    group.starts_with("helm-")
}

fn load_cases(group: &str) -> Vec<Case> {
    let path = baseline_dir().join("cases").join(format!("{group}.json"));
    let Json::Array(items) = read_json(&path) else {
        panic!("{} must hold a JSON array", path.display());
    };
    items
        .into_iter()
        .map(|item| {
            let Json::Object(obj) = item else {
                panic!("{}: every case must be an object", path.display());
            };
            for key in obj.keys() {
                assert!(
                    ["name", "template", "data", "missingkey", "extra", "exec"]
                        .contains(&key.as_str()),
                    "{}: unknown case field {key:?}",
                    path.display()
                );
            }
            let name = obj["name"].as_str().expect("case name").to_string();
            let template = obj["template"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: template must be a string"))
                .to_string();
            let missing_key = match obj.get("missingkey").and_then(Json::as_str) {
                None if is_helm_group(group) => MissingKey::Zero,
                None | Some("default") => MissingKey::Default,
                Some("zero") => MissingKey::Zero,
                Some("error") => MissingKey::Error,
                Some(other) => panic!("{name}: bad missingkey {other:?}"),
            };
            let extra = obj
                .get("extra")
                .and_then(Json::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                v.as_str().expect("extra template text").to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            Case {
                group: group.to_string(),
                name,
                template,
                data: obj.get("data").cloned(),
                missing_key,
                extra,
                exec: obj.get("exec").and_then(Json::as_str).map(str::to_string),
            }
        })
        .collect()
}

fn load_expected(group: &str) -> BTreeMap<String, Expected> {
    let path = baseline_dir()
        .join("expected")
        .join(format!("{group}.json"));
    if !path.exists() {
        return BTreeMap::new();
    }
    let Json::Object(obj) = read_json(&path) else {
        panic!("{} must hold a JSON object", path.display());
    };
    obj.into_iter()
        .map(|(name, v)| {
            let text = |key: &str| v.get(key).and_then(Json::as_str).map(str::to_string);
            let expected = if let Some(out) = text("output") {
                Expected::Output(out)
            } else if let Some(err) = text("error") {
                Expected::Error(err)
            } else if let Some(err) = text("helm_parse_error") {
                Expected::HelmParseError(err)
            } else {
                panic!("{}: {name}: no output or error recorded", path.display())
            };
            (name, expected)
        })
        .collect()
}

/// The typed-JSON convention shared with the oracles: plain numbers are
/// float64, `{"__int__": n}` an int, `{"__int64__": n}` an int64,
/// `{"__bytes__": "s"}` a []byte, `{"__float__": "NaN"|"+Inf"|"-Inf"|"-0"}` a
/// special float64.
fn to_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Float(n.as_f64().expect("a JSON number is an f64")),
        Json::String(s) => Value::str(s.as_str()),
        Json::Array(items) => Value::list(items.iter().map(to_value).collect()),
        Json::Object(obj) => {
            if obj.len() == 1 {
                let (key, inner) = obj.iter().next().expect("one entry");
                if key.starts_with("__") && key.ends_with("__") && key.len() > 4 {
                    return typed_value(key, inner);
                }
            }
            let map: Map = obj.iter().map(|(k, v)| (k.clone(), to_value(v))).collect();
            Value::map(map)
        }
    }
}

fn typed_value(kind: &str, inner: &Json) -> Value {
    match kind {
        "__int__" => Value::Int(inner.as_i64().expect("__int__ needs an integer")),
        "__int64__" => Value::Int64(inner.as_i64().expect("__int64__ needs an integer")),
        "__bytes__" => {
            let s = inner.as_str().expect("__bytes__ needs a string");
            Value::Bytes(Arc::from(s.as_bytes()))
        }
        "__float__" => Value::Float(match inner.as_str() {
            Some("NaN") => f64::NAN,
            Some("+Inf") => f64::INFINITY,
            Some("-Inf") => f64::NEG_INFINITY,
            Some("-0") => -0.0,
            other => panic!("bad __float__ {other:?}"),
        }),
        other => panic!("unknown typed value {other}"),
    }
}

/// Runs one case in the engine: extra templates (sorted), then the main one,
/// then executes `exec` or the main template. The first error ends the case.
fn run_case(case: &Case) -> Result<String, String> {
    let mut set = TemplateSet::new();
    set.set_missing_key(case.missing_key);
    for (name, text) in &case.extra {
        set.parse(name, text).map_err(|e| e.to_string())?;
    }
    set.parse(MAIN, &case.template).map_err(|e| e.to_string())?;
    let data = case.data.as_ref().map(to_value).unwrap_or(Value::Nil);
    set.execute(case.exec.as_deref().unwrap_or(MAIN), &data)
        .map_err(|e| e.to_string())
}

/// Runs a case on its own thread, turning panics and hangs into outcomes.
fn run_isolated(case: &Case) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let owned = case.clone();
    let spawned = std::thread::Builder::new()
        .name(case.name.clone())
        .stack_size(64 << 20)
        .spawn(move || {
            let result = std::panic::catch_unwind(|| run_case(&owned));
            let outcome = match result {
                Ok(Ok(out)) => Outcome::Output(out),
                Ok(Err(err)) => Outcome::Error(err),
                Err(payload) => Outcome::Panic(
                    payload
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
                        .unwrap_or_else(|| "non-string panic payload".to_string()),
                ),
            };
            let _ = tx.send(outcome);
        });
    if let Err(e) = spawned {
        return Outcome::Panic(format!("cannot spawn a thread: {e}"));
    }
    // A timed-out thread is left running: Rust cannot kill it, and the
    // process ends with the test anyway.
    rx.recv_timeout(CASE_TIMEOUT).unwrap_or(Outcome::Timeout)
}

/// Helm's `cleanupParseError`: keeps the location (second `": "` token) and
/// the last `": "` token of a Go parse error.
fn helm_parse_error(go_error: &str) -> String {
    let tokens: Vec<&str> = go_error.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({MAIN}): {go_error}");
    }
    format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    )
}

/// Compares an outcome with the oracle's result, the Helm way for Helm
/// groups: Helm replaces every "<no value>" in the output with "".
fn agrees(case: &Case, expected: &Expected, outcome: &Outcome) -> bool {
    match (expected, outcome) {
        (Expected::Output(want), Outcome::Output(got)) => {
            if is_helm_group(&case.group) {
                got.replace("<no value>", "") == *want
            } else {
                got == want
            }
        }
        (Expected::Error(want), Outcome::Error(got)) => got == want,
        (Expected::HelmParseError(want), Outcome::Error(got)) => helm_parse_error(got) == *want,
        _ => false,
    }
}

struct Mismatch {
    case: Case,
    expected: Expected,
    outcome: Outcome,
}

fn report(m: &Mismatch, reason: Option<&str>) -> String {
    let mut s = format!("--- {} [{}]", m.case.name, m.case.group);
    if let Some(reason) = reason {
        let _ = write!(s, " (known divergence: {reason})");
    }
    let _ = write!(s, "\n  template: {:?}", m.case.template);
    if let Some(data) = &m.case.data {
        let _ = write!(s, "\n  data:     {data}");
    }
    for (name, text) in &m.case.extra {
        let _ = write!(s, "\n  extra {name:?}: {text:?}");
    }
    let _ = write!(
        s,
        "\n  expected: {}\n  got:      {}\n",
        m.expected.describe(),
        m.outcome.describe()
    );
    s
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "the per-group summary is the point of a baseline run"
)]
fn baseline() {
    let divergences: BTreeMap<String, String> =
        match read_json(&baseline_dir().join("divergences.json")) {
            Json::Object(obj) => obj
                .into_iter()
                .map(|(k, v)| {
                    (
                        k,
                        v.as_str()
                            .expect("a divergence reason is a string")
                            .to_string(),
                    )
                })
                .collect(),
            _ => panic!("divergences.json must hold an object"),
        };

    let mut total = 0;
    let mut passed = 0;
    let mut problems = Vec::new(); // corpus inconsistencies: always fatal
    let mut unexpected = Vec::new();
    let mut known = Vec::new();
    let mut stale = Vec::new();
    let mut summary = String::new();
    let mut all_names = std::collections::BTreeSet::new();

    for group in groups() {
        let cases = load_cases(&group);
        let expected = load_expected(&group);
        let names: std::collections::BTreeSet<&str> =
            cases.iter().map(|c| c.name.as_str()).collect();
        for name in expected.keys() {
            if !names.contains(name.as_str()) {
                problems.push(format!(
                    "{group}: expected result for unknown case {name:?} (run regen write)"
                ));
            }
        }
        let mut group_passed = 0;
        for case in &cases {
            total += 1;
            if !all_names.insert(case.name.clone()) {
                problems.push(format!("{group}: duplicate case name {:?}", case.name));
            }
            let Some(want) = expected.get(&case.name) else {
                problems.push(format!(
                    "{group}: no expected result for {:?} (run regen write)",
                    case.name
                ));
                continue;
            };
            let outcome = run_isolated(case);
            if agrees(case, want, &outcome) {
                group_passed += 1;
                if divergences.contains_key(&case.name) {
                    stale.push(case.name.clone());
                }
                continue;
            }
            let mismatch = Mismatch {
                case: case.clone(),
                expected: want.clone(),
                outcome,
            };
            match divergences.get(&case.name) {
                Some(reason) => known.push(report(&mismatch, Some(reason))),
                None => unexpected.push(report(&mismatch, None)),
            }
        }
        passed += group_passed;
        let _ = writeln!(
            summary,
            "  {group:<16} {group_passed:>4}/{:<4}",
            cases.len()
        );
    }
    for name in divergences.keys() {
        if !all_names.contains(name) {
            problems.push(format!("divergences.json names unknown case {name:?}"));
        }
    }

    eprintln!(
        "baseline: {passed}/{total} cases match the oracles ({} known divergences)\n{summary}",
        known.len()
    );
    for k in &known {
        eprintln!("{k}");
    }

    let mut failure = String::new();
    if total < MIN_CASES {
        let _ = writeln!(
            failure,
            "the corpus shrank: {total} cases, at least {MIN_CASES} expected"
        );
    }
    for p in &problems {
        let _ = writeln!(failure, "corpus: {p}");
    }
    for name in &stale {
        let _ = writeln!(
            failure,
            "divergences.json lists {name:?} but it now matches the oracle: remove the entry"
        );
    }
    if !unexpected.is_empty() {
        let _ = writeln!(
            failure,
            "{} cases differ from the oracle:\n",
            unexpected.len()
        );
        for u in &unexpected {
            failure.push_str(u);
        }
    }
    assert!(
        failure.is_empty(),
        "baseline: {passed}/{total} match\n{summary}\n{failure}"
    );
}

#[test]
fn helm_parse_error_keeps_location_and_last_token() {
    assert_eq!(
        helm_parse_error("template: t:1: bad number syntax: \"0x\""),
        "parse error at (t:1): \"0x\""
    );
    assert_eq!(
        helm_parse_error("template: t:3: unexpected EOF"),
        "parse error at (t:3): unexpected EOF"
    );
}

#[test]
fn typed_json_values_follow_the_convention() {
    let v: Json = serde_json::from_str(
        r#"[1, {"__int__": 2}, {"__int64__": 3}, {"__bytes__": "ab"}, {"__float__": "-0"}, null]"#,
    )
    .expect("json");
    let items = match to_value(&v) {
        Value::List(items) => items,
        other => panic!("not a list: {other:?}"),
    };
    assert!(matches!(items[0], Value::Float(x) if x == 1.0));
    assert!(matches!(items[1], Value::Int(2)));
    assert!(matches!(items[2], Value::Int64(3)));
    assert!(matches!(&items[3], Value::Bytes(b) if &b[..] == b"ab"));
    assert!(matches!(items[4], Value::Float(x) if x == 0.0 && x.is_sign_negative()));
    assert!(matches!(items[5], Value::Nil));
}
