//! Shared helpers for the benchmarks: loading the inputs under
//! `benches/inputs/` and turning JSON into template values, the same way
//! for every benchmark and for the Go reference program.

use std::path::{Path, PathBuf};

use capstan_gotmpl::{Map, Value};

/// The folder holding benchmark inputs.
pub fn inputs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs")
}

/// Reads an input file, panicking with the path if it is missing (benchmarks
/// are not product code; a missing input is a broken checkout).
#[allow(clippy::panic)]
pub fn read_input(rel: &str) -> String {
    let path = inputs_dir().join(rel);
    match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => panic!("cannot read benchmark input {}: {err}", path.display()),
    }
}

/// The value of `--runs N` among the program's arguments (at least 1),
/// `default` when absent.
pub fn runs_arg(args: &[String], default: usize) -> usize {
    args.iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
        .max(1)
}

/// JSON to a template value as Go's `encoding/json` decodes into
/// `interface{}`: every number is a float64.
pub fn json_to_value(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::str(s.as_str()),
        serde_json::Value::Array(items) => Value::list(items.iter().map(json_to_value).collect()),
        serde_json::Value::Object(fields) => {
            let map: Map = fields
                .iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect();
            Value::map(map)
        }
    }
}

/// The gotmpl benchmark workload: a Helm-style helper file and a StatefulSet
/// template ranging over 20 enclaves, with 100 KB of values.
pub mod gotmpl_workload {
    use capstan_gotmpl::{Error, TemplateSet, Value};

    /// Template files, in parse order.
    pub fn templates() -> Vec<(&'static str, String)> {
        vec![
            ("helpers.tmpl", super::read_input("gotmpl/helpers.tmpl")),
            (
                "statefulset.tmpl",
                super::read_input("gotmpl/statefulset.tmpl"),
            ),
        ]
    }

    /// The data (dot) for the StatefulSet template.
    pub fn data() -> Value {
        let text = super::read_input("gotmpl/values.json");
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        super::json_to_value(&json)
    }

    /// Parses every template into a new set.
    pub fn parse(templates: &[(&'static str, String)]) -> Result<TemplateSet, Error> {
        let mut set = TemplateSet::new();
        for (name, text) in templates {
            set.parse(name, text)?;
        }
        Ok(set)
    }

    /// Executes the StatefulSet template.
    pub fn execute(set: &TemplateSet, data: &Value) -> Result<String, Error> {
        set.execute("statefulset.tmpl", data)
    }
}
