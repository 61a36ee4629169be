//! Sprig against real Helm: every case of `tests/sprig/cases.json` is
//! rendered with capstan-gotmpl and `capstan_helm::sprig::functions()` and
//! compared with the output real Helm v4 produced for it
//! (`tests/sprig/expected.json`, written by `tests/sprig/regen`).
//!
//! Failing cases are all reported in one run. Cases whose difference is
//! understood and accepted are listed with their reason in
//! `tests/sprig/known_divergences.txt`; any other mismatch fails the test,
//! and so does a listed case that starts to pass (so the list stays true).

#![allow(clippy::print_stderr, reason = "the suite reports its pass rate")]

use std::collections::BTreeMap;
use std::path::PathBuf;

use capstan_gotmpl::{Map, MissingKey, TemplateSet, Value};

fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("sprig")
}

fn read_json(name: &str) -> serde_json::Value {
    let path = suite_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Values as Helm hands them to templates: every number a float64.
fn to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => Value::list(items.iter().map(to_value).collect()),
        // Helm's coalescing deletes keys whose value is null.
        serde_json::Value::Object(m) => Value::map(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), to_value(v)))
                .collect(),
        ),
    }
}

/// The part of an execution error after `executing "NAME" at `: the node
/// and the message, which do not depend on how the case was wrapped. Helm
/// prints some errors over several indented lines; they are joined.
fn error_tail(text: &str, template: &str) -> String {
    let marker = format!("executing \"{template}\" at ");
    let tail = match text.rfind(&marker) {
        Some(i) => &text[i + marker.len()..],
        None => text,
    };
    let mut out = String::with_capacity(tail.len());
    let mut lines = tail.split('\n');
    if let Some(first) = lines.next() {
        out.push_str(first);
    }
    for line in lines {
        out.push(' ');
        out.push_str(line.trim_start());
    }
    out
}

#[derive(Debug)]
enum Outcome {
    Output(String),
    Error(String),
}

fn render(name: &str, tpl: &str, root: &Value) -> Outcome {
    let mut set = TemplateSet::new();
    set.set_missing_key(MissingKey::Zero);
    for (fname, f) in capstan_helm::sprig::functions() {
        set.add_function(fname, f);
    }
    if let Err(e) = set.parse(name, tpl) {
        return Outcome::Error(e.text().to_string());
    }
    match set.execute(name, root) {
        Ok(out) => Outcome::Output(out),
        Err(e) => Outcome::Error(error_tail(e.text(), name)),
    }
}

fn known_divergences() -> BTreeMap<String, String> {
    let text =
        std::fs::read_to_string(suite_dir().join("known_divergences.txt")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((name, why)) => (name.to_string(), why.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

#[test]
fn sprig_matches_real_helm() {
    let cases = read_json("cases.json");
    let expected = read_json("expected.json");
    let mut root = Map::new();
    root.insert("Values".to_string(), to_value(&read_json("values.json")));
    let root = Value::map(root);
    let known = known_divergences();

    let cases = cases.as_array().expect("cases.json is a list");
    let (mut passed, mut failures, mut fixed) = (0usize, Vec::new(), Vec::new());
    for case in cases {
        let name = case["name"].as_str().expect("case name");
        let tpl = case["tpl"].as_str().expect("case tpl");
        let want = &expected[name];
        let got = render(name, tpl, &root);
        let ok = match (&got, want.get("output"), want.get("error")) {
            (Outcome::Output(out), Some(w), _) => w.as_str() == Some(out.as_str()),
            (Outcome::Error(err), _, Some(w)) => w
                .as_str()
                .is_some_and(|w| error_tail(w, &format!("case.{name}")) == *err),
            _ => false,
        };
        match (ok, known.contains_key(name)) {
            (true, false) => passed += 1,
            (true, true) => fixed.push(name.to_string()),
            (false, true) => {}
            (false, false) => failures.push(format!(
                "{name}\n  template: {tpl}\n  helm:     {want}\n  capstan:  {got:?}"
            )),
        }
    }
    let total = cases.len();
    eprintln!(
        "sprig golden suite: {passed} passed, {} failed, {} known divergences, of {total}",
        failures.len(),
        known.len()
    );
    assert!(
        failures.is_empty() && fixed.is_empty(),
        "{} cases differ from Helm:\n{}\n\nlisted as divergent but now passing: {fixed:?}",
        failures.len(),
        failures.join("\n")
    );
}
