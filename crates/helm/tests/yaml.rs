//! The YAML codec against real Helm: every case in tests/codec/cases/{yaml,values}
//! is read and printed by our code and compared with what Helm printed
//! (tests/codec/expected, made by tests/codec/regen).

#[allow(dead_code)] // shared helpers: each suite uses a subset
#[path = "codec/golden.rs"]
mod codec_golden;

use std::sync::Arc;

use capstan_gotmpl::{Map, Value};
use capstan_helm::{json, toml, yaml};
use codec_golden::{Report, cases, cases_bytes, sections};

/// Helm's coalescing drops null values from chart defaults; the `values`
/// probe prints `.Values` after it.
fn drop_nulls(m: Map) -> Map {
    m.into_iter()
        .filter(|(_, v)| !v.is_nil())
        .map(|(k, v)| match v {
            Value::Map(inner) => (
                k,
                Value::map(drop_nulls(Arc::unwrap_or_clone(inner.snapshot()))),
            ),
            v => (k, v),
        })
        .collect()
}

/// The `types` probe: for each top-level key, Sprig's `kindOf` and `typeOf`
/// and the `%v` text of the value read by `fromYaml` (cross-checks the value
/// kinds the loader produces, and gotmpl's formatting of them).
fn types_probe(v: &Value) -> String {
    let mut out = String::new();
    if let Some(m) = v.as_map() {
        for (k, x) in m.iter() {
            let kind = match x {
                Value::Nil => "invalid",
                Value::Bool(_) => "bool",
                Value::Float(_) => "float64",
                Value::String(_) => "string",
                Value::List(_) => "slice",
                Value::Map(_) => "map",
                _ => "other",
            };
            out.push_str(&format!(
                "{}: {kind} {} {}\n",
                json::go_quote(k),
                x.go_type_name(),
                json::go_quote(&capstan_gotmpl::format::format_value(x))
            ));
        }
    }
    out
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
        if let Some(want) = s.get("types") {
            report.check(&name, "types", want, &types_probe(&v));
        }
        if let Some(want) = s.get("toToml") {
            report.check(&name, "toToml", want, &toml::to_toml(&v));
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

/// The values that tests/codec/cases/tmpl/NAME.tpl builds in a template,
/// with Go's types (template integers are `int`, `int64` comes from Sprig).
fn typed_value(name: &str) -> Option<Value> {
    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }
    let long = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss";
    Some(match name {
        "ints" => map(&[
            ("a", Value::Int(1)),
            ("b", Value::Int(-7)),
            ("c", Value::Int(0)),
        ]),
        "int64s" => map(&[
            ("a", Value::Int64(5)),
            ("b", Value::Int64(-9_223_372_036_854_775_807)),
        ]),
        "floats" => map(&[
            ("a", Value::Float(1.5)),
            ("b", Value::Float(1e6)),
            ("c", Value::Float(1e21)),
            ("d", Value::Float(1e-7)),
            ("e", Value::Float(100.0)),
            ("f", Value::Float(0.1)),
            ("g", Value::Float(123_456_789.0)),
            ("h", Value::Float(0.00001)),
        ]),
        "mixed_list" => Value::list(vec![
            Value::Int(1),
            "two".into(),
            Value::Float(3.5),
            Value::Bool(true),
        ]),
        "nested" => map(&[(
            "outer",
            map(&[(
                "inner",
                Value::list(vec![
                    Value::Int(1),
                    Value::Int(2),
                    map(&[("k", "v".into())]),
                ]),
            )]),
        )]),
        "root_string" => "hello world".into(),
        "root_multiline" => "line1\nline2".into(),
        "root_int" => Value::Int(42),
        "root_float" => Value::Float(1e6),
        "root_bool" => Value::Bool(true),
        "quoted_list" => Value::list(
            ["yes", "no", "1.0", "", "~", "on", "2001-12-14", "12:30"]
                .iter()
                .map(|s| Value::from(*s))
                .collect(),
        ),
        "empty_dict" => Value::map(Map::new()),
        "empty_list" => Value::list(vec![]),
        "neg_zero" => map(&[("z", Value::Float(-0.0))]),
        "long_in_list" => Value::list(vec![long.into()]),
        "emoji" => map(&[("e", "😀".into()), ("k", "é".into()), ("j", "日本".into())]),
        "key_sort" => map(&[
            ("b", Value::Int(1)),
            ("a", Value::Int(2)),
            ("10", Value::Int(3)),
            ("9", Value::Int(4)),
            ("B", Value::Int(5)),
        ]),
        "list_of_lists" => Value::list(vec![
            Value::list(vec![Value::Int(1), Value::Int(2)]),
            Value::list(vec![]),
            Value::list(vec![Value::list(vec![Value::Int(3)])]),
        ]),
        "big_float" => map(&[
            ("a", Value::Float(12_345_678_901_234_567_890.0)),
            ("b", Value::Float(1e20)),
            ("c", Value::Float(9_007_199_254_740_993.0)),
        ]),
        "root_long_string" => format!("{long} tttt").into(),
        "map_in_list_in_map" => map(&[(
            "a",
            Value::list(vec![map(&[
                ("b", Value::list(vec!["c".into(), "d".into()])),
                ("e", Value::map(Map::new())),
            ])]),
        )]),
        "html_chars" => map(&[("h", "<b>&</b>".into())]),
        "line_separators" => map(&[
            ("nel", "x\u{85}y".into()),
            ("ls", "x\u{2028}y".into()),
            ("ps", "x\u{2029}y".into()),
            ("k\u{85}ey", "a  \u{85}\u{85}  b".into()),
        ]),
        "long_key_1021" | "long_key_1022" | "long_key_1023" | "long_key_1100" => {
            let n: usize = name["long_key_".len()..].parse().ok()?;
            let mut pairs = vec![("k".repeat(n), Value::Int(1))];
            if n == 1100 {
                pairs.push(("short".to_string(), Value::Int(2)));
            }
            Value::map(pairs.into_iter().collect())
        }
        "long_key_escaped" => map(&[(&format!("{}<", "k".repeat(1016)), Value::Int(1))]),
        "nel_runs" => map(&[
            ("v", "a  \u{85}\u{85}  b".into()),
            ("w", " \u{85}x\u{85} ".into()),
            ("z", "\u{85}\u{85}\u{85}".into()),
        ]),
        "str_bom" => map(&[("bom", "a\u{feff}b".into())]),
        "str_c1" => map(&[("c1", "a\u{81}b".into())]),
        "str_del" => map(&[("del", "a\u{7f}b".into())]),
        "str_fffe" => map(&[("nc", "a\u{fffe}b".into())]),
        "str_ctl" => map(&[("ctl", "a\u{1}b\u{1b}c\tb".into())]),
        "toml_tables" => map(&[
            (
                "a",
                map(&[("b", map(&[("c", Value::Int(1))])), ("d", Value::Int(2))]),
            ),
            (
                "e",
                Value::list(vec![
                    map(&[("f", Value::Int(1)), ("g", map(&[("h", Value::Int(2))]))]),
                    map(&[("f", Value::Int(3))]),
                ]),
            ),
            ("z", "top".into()),
        ]),
        "toml_keys" => map(&[
            ("a.b", Value::Int(1)),
            ("sp ace", Value::Int(2)),
            ("ünï", Value::Int(3)),
            ("", Value::Int(4)),
            ("ok-key_1", Value::Int(5)),
            ("q\"t", Value::Int(6)),
        ]),
        "toml_mixed_list" => map(&[
            (
                "m",
                Value::list(vec![
                    Value::Int(1),
                    map(&[("a", Value::Int(1))]),
                    "x".into(),
                ]),
            ),
            (
                "n",
                Value::list(vec![Value::list(vec![map(&[("b", Value::Int(2))])])]),
            ),
        ]),
        "toml_empty" => map(&[
            ("e", Value::map(Map::new())),
            ("l", Value::list(vec![])),
            ("t", map(&[("inner", Value::map(Map::new()))])),
        ]),
        "toml_nil_skip" => map(&[
            ("a", Value::Nil),
            ("b", Value::Int(1)),
            ("c", map(&[("d", Value::Nil), ("e", Value::Int(2))])),
        ]),
        "toml_nil_in_list" => map(&[("a", Value::list(vec![Value::Int(1), Value::Nil]))]),
        "toml_top_list" => Value::list(vec![
            map(&[("a", Value::Int(1))]),
            map(&[("b", Value::Int(2))]),
        ]),
        "toml_inline_nil" => map(&[(
            "a",
            Value::list(vec![
                map(&[("x", Value::Int(1)), ("y", Value::Nil)]),
                Value::Int(5),
            ]),
        )]),
        "toml_strings" => map(&[
            ("s", "line1\nline2\ttab \"q\" \\ back".into()),
            ("u", "\u{7f}\u{1}é".into()),
        ]),
        "bytes" => {
            // tests/codec/regen ships this file as data.bin.
            let b = Value::Bytes(std::sync::Arc::from(&b"hi\n\x00\xffz"[..]));
            map(&[("b", b.clone()), ("s", Value::list(vec![b]))])
        }
        _ => return None,
    })
}

#[test]
fn typed_template_values_match_helm() {
    let mut report = Report::default();
    for (name, _, expected) in cases("tmpl", "tpl") {
        let v = typed_value(&name)
            .unwrap_or_else(|| panic!("tests/yaml.rs has no value for tmpl case {name}"));
        let s = sections(&expected);
        for (probe, actual) in [
            ("toYaml", yaml::to_yaml(&v)),
            ("toJson", json::to_json_lossy(&v)),
            ("toYamlPretty", yaml::to_yaml_pretty(&v)),
            ("toToml", toml::to_toml(&v)),
        ] {
            let want = s
                .get(probe)
                .unwrap_or_else(|| panic!("{name}: no {probe} section"));
            report.check(&name, probe, want, &actual);
        }
    }
    report.finish();
}
