//! The YAML codec against real Helm: every case in tests/codec/cases/{yaml,values}
//! is read and printed by our code and compared with what Helm printed
//! (tests/codec/expected, made by tests/codec/regen).

mod codec_golden;

use std::sync::Arc;

use capstan_gotmpl::{Map, Value};
use capstan_helm::{json, yaml};
use codec_golden::{Report, cases, cases_bytes, sections};

/// Helm's coalescing drops null values from chart defaults; the `values`
/// probe prints `.Values` after it.
fn drop_nulls(m: Map) -> Map {
    m.into_iter()
        .filter(|(_, v)| !v.is_nil())
        .map(|(k, v)| match v {
            Value::Map(inner) => (k, Value::map(drop_nulls(Arc::unwrap_or_clone(inner)))),
            v => (k, v),
        })
        .collect()
}

fn values_probe(input: &[u8]) -> String {
    match yaml::parse_values_bytes(input) {
        Ok(m) => {
            json::to_json(&Value::map(drop_nulls(m))).unwrap_or_else(|e| format!("json error: {e}"))
        }
        Err(e) => format!("ERROR: cannot load values.yaml: {e}"),
    }
}

fn check_values(report: &mut Report, name: &str, input: &[u8], expected: &str) {
    let s = sections(expected);
    if let Some(want) = s.get("values") {
        report.check(
            name,
            "values",
            want.trim_end_matches('\n'),
            &values_probe(input),
        );
    }
}

#[test]
fn yaml_cases_match_helm() {
    let mut report = Report::default();
    for (name, input, expected) in cases_bytes("yaml", "yaml") {
        check_values(&mut report, &name, &input, &expected);
        let s = sections(&expected);
        let v = match yaml::unmarshal_bytes(&input) {
            Err(e) => json::error_map(e.message()),
            Ok(_) => yaml::from_yaml(&String::from_utf8_lossy(&input)),
        };
        if let Some(want) = s.get("toYaml") {
            report.check(&name, "toYaml", want, &yaml::to_yaml(&v));
        }
        if let Some(want) = s.get("toJson") {
            report.check(&name, "toJson", want, &json::to_json_lossy(&v));
        }
        if let Some(want) = s.get("toYamlPretty") {
            report.check(&name, "toYamlPretty", want, &yaml::to_yaml_pretty(&v));
        }
        if let Some(want) = s.get("fromYamlArray") {
            let list = match yaml::unmarshal_bytes(&input) {
                Err(e) => capstan_gotmpl::Value::list(vec![e.message().into()]),
                Ok(_) => yaml::from_yaml_array(&String::from_utf8_lossy(&input)),
            };
            report.check(&name, "fromYamlArray", want, &json::to_json_lossy(&list));
        }
    }
    report.finish();
}

#[test]
fn values_cases_match_helm() {
    let mut report = Report::default();
    for (name, input, expected) in cases("values", "yaml") {
        let input = input.into_bytes();
        check_values(&mut report, &name, &input, &expected);
    }
    report.finish();
}
