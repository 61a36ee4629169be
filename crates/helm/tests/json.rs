//! The JSON codec against real Helm: every case in tests/codec/cases/json is
//! read with our `fromJson`/`fromJsonArray` and printed with `toJson`,
//! `toYaml` and `toYamlPretty`, and compared with what Helm printed.

#[allow(dead_code)] // shared helpers: each suite uses a subset
#[path = "codec/golden.rs"]
mod codec_golden;

use capstan_helm::{json, yaml};
use codec_golden::{Report, cases, sections};

#[test]
fn json_cases_match_helm() {
    let mut report = Report::default();
    for (name, input, expected) in cases("json", "json") {
        let s = sections(&expected);
        let v = json::from_json(&input);
        if let Some(want) = s.get("toJson") {
            report.check(&name, "toJson", want, &json::to_json_lossy(&v));
        }
        if let Some(want) = s.get("toYaml") {
            report.check(&name, "toYaml", want, &yaml::to_yaml(&v));
        }
        if let Some(want) = s.get("toYamlPretty") {
            report.check(&name, "toYamlPretty", want, &yaml::to_yaml_pretty(&v));
        }
        let list = json::from_json_array(&input);
        if let Some(want) = s.get("fromJsonArray") {
            report.check(&name, "fromJsonArray", want, &json::to_json_lossy(&list));
        }
        if let Some(want) = s.get("fromJsonArray toYaml") {
            report.check(&name, "fromJsonArray toYaml", want, &yaml::to_yaml(&list));
        }
    }
    report.finish();
}
