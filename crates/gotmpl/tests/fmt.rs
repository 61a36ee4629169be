//! Go `fmt` compatibility: every case in `tests/fmt/cases.json` is formatted
//! and compared with the output real Go produced (`tests/fmt/expected.json`),
//! and a seeded set of floats is compared with `strconv.FormatFloat`
//! (`tests/fmt/floats.json`). Both golden files come from `tests/fmt/regen`.
//! Every mismatch is reported in one run.

use capstan_gotmpl::Value;
use capstan_gotmpl::format::{FloatFormat, format_float, sprint, sprintf, sprintln};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

fn read_json(name: &str) -> Json {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fmt")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// Decodes the typed JSON convention shared with the template corpus (see
/// `tests/fmt/oracle/main.go`).
pub(crate) fn decode(j: &Json) -> Value {
    match j {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Float(n.as_f64().expect("number")),
        Json::String(s) => Value::str(s.as_str()),
        Json::Array(items) => Value::list(items.iter().map(decode).collect()),
        Json::Object(map) => {
            if map.len() == 1 {
                let (key, inner) = map.iter().next().expect("one entry");
                if let Some(v) = decode_typed(key, inner) {
                    return v;
                }
            }
            Value::map(map.iter().map(|(k, v)| (k.clone(), decode(v))).collect())
        }
    }
}

fn decode_typed(key: &str, inner: &Json) -> Option<Value> {
    Some(match key {
        "__int__" => Value::Int(inner.as_i64().expect("__int__")),
        "__int64__" => Value::Int64(inner.as_i64().expect("__int64__")),
        "__bytes__" => Value::Bytes(Arc::from(inner.as_str().expect("__bytes__").as_bytes())),
        "__bytes_hex__" => {
            let hex = inner.as_str().expect("__bytes_hex__");
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                .collect();
            Value::Bytes(Arc::from(bytes))
        }
        "__float__" => Value::Float(match inner.as_str().expect("__float__") {
            "NaN" => f64::NAN,
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            "-0" => -0.0,
            s => s.parse().expect("__float__ decimal"),
        }),
        _ => return None,
    })
}

#[test]
fn fmt_matches_go() {
    let cases = read_json("cases.json");
    let expected = read_json("expected.json");
    let expected: BTreeMap<&str, &str> = expected
        .as_array()
        .expect("expected.json is a list")
        .iter()
        .map(|r| {
            (
                r["name"].as_str().expect("name"),
                r["output"].as_str().expect("output"),
            )
        })
        .collect();
    let cases = cases.as_array().expect("cases.json is a list");
    assert!(
        cases.len() >= 250,
        "the suite shrank to {} cases",
        cases.len()
    );
    let mut failures = String::new();
    let mut failed = 0;
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let args: Vec<Value> = case["args"]
            .as_array()
            .expect("args")
            .iter()
            .map(decode)
            .collect();
        let format = case["format"].as_str().unwrap_or_default();
        let got = match case["func"].as_str().expect("func") {
            "sprintf" => sprintf(format, &args),
            "sprint" => sprint(&args),
            "sprintln" => sprintln(&args),
            other => panic!("{name}: unknown func {other}"),
        };
        let Some(&want) = expected.get(name) else {
            panic!("{name} has no expected output: run tests/fmt/regen write");
        };
        if got != want {
            failed += 1;
            let _ = writeln!(
                failures,
                "{name}: Sprintf({format:?}, {args:?})\n   want {want:?}\n    got {got:?}"
            );
        }
    }
    assert!(
        failed == 0,
        "{failed} of {} fmt cases differ from Go:\n{failures}",
        cases.len()
    );
}

#[test]
fn format_float_matches_strconv() {
    let floats = read_json("floats.json");
    let floats = floats.as_array().expect("floats.json is a list");
    let mut failures = String::new();
    let mut failed = 0;
    let mut checked = 0;
    for entry in floats {
        let bits =
            u64::from_str_radix(entry["bits"].as_str().expect("bits"), 16).expect("hex bits");
        let x = f64::from_bits(bits);
        for (key, want) in entry["out"].as_object().expect("out") {
            let (format, prec) = parse_key(key);
            let got = format_float(x, format, prec);
            checked += 1;
            if got != want.as_str().expect("string") {
                failed += 1;
                if failed <= 50 {
                    let _ = writeln!(failures, "{x:e} ({bits:016x}) {key}: want {want} got {got}");
                }
            }
        }
    }
    assert!(checked > 10_000, "only {checked} float formats checked");
    assert!(
        failed == 0,
        "{failed} of {checked} float formats differ from Go:\n{failures}"
    );
}

/// `g-1`, `e17`, `X0`: strconv's format byte and precision (-1 = shortest).
fn parse_key(key: &str) -> (FloatFormat, Option<usize>) {
    let format = match &key[..1] {
        "b" => FloatFormat::Binary,
        "e" => FloatFormat::Exp,
        "E" => FloatFormat::ExpUpper,
        "f" => FloatFormat::Fixed,
        "g" => FloatFormat::General,
        "G" => FloatFormat::GeneralUpper,
        "x" => FloatFormat::Hex,
        "X" => FloatFormat::HexUpper,
        other => panic!("unknown float format {other}"),
    };
    let prec: i64 = key[1..].parse().expect("precision");
    (format, usize::try_from(prec).ok())
}

#[test]
fn deep_values_print_without_overflowing_the_stack() {
    let mut v = Value::Int(1);
    for _ in 0..5000 {
        v = Value::list(vec![v]);
    }
    let out = sprintf("%v %#v", &[v.clone(), v]);
    assert!(
        out.starts_with("[[[[") && out.contains("..."),
        "{}",
        &out[..40]
    );
    assert!(out.len() < 20_000, "{} bytes", out.len());
}

mod no_panics {
    //! Arbitrary format strings and operands never panic and never print
    //! more than the widths and precisions asked for allow.
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Nil),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            any::<i64>().prop_map(Value::Int64),
            any::<f64>().prop_map(Value::Float),
            "\\PC{0,8}".prop_map(|s| Value::str(s.as_str())),
            proptest::collection::vec(any::<u8>(), 0..6).prop_map(|b| Value::Bytes(Arc::from(b))),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::list),
                proptest::collection::btree_map("[a-c]{0,2}", inner, 0..3).prop_map(Value::map),
            ]
        })
    }

    fn directive() -> impl Strategy<Value = String> {
        (
            "[-+# 0]{0,3}",
            "(\\[[0-9]{0,2}\\])?",
            "([0-9]{0,3}|\\*)",
            "(\\.([0-9]{0,3}|\\*)?)?",
            "(\\[[0-9]{0,2}\\])?",
            "[vdsqxXeEfFgGtcUTpboO%!zé]?",
        )
            .prop_map(|(a, b, c, d, e, f)| format!("%{a}{b}{c}{d}{e}{f}"))
    }

    fn format() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::collection::vec(prop_oneof![directive(), "[a-z ]{0,3}"], 0..6)
                .prop_map(|parts| parts.concat()),
            "\\PC{0,12}",
        ]
    }

    proptest! {
        #[test]
        fn sprintf_never_panics(format in format(), args in proptest::collection::vec(value(), 0..4)) {
            let out = sprintf(&format, &args);
            // Widths and precisions here are at most 999, operands are small.
            prop_assert!(out.len() < 200_000, "{} bytes", out.len());
            let _ = sprint(&args);
            let _ = sprintln(&args);
        }

        #[test]
        fn floats_never_panic(x in any::<f64>(), p in proptest::option::of(0usize..2000)) {
            for format in [FloatFormat::Binary, FloatFormat::Exp, FloatFormat::Fixed,
                           FloatFormat::General, FloatFormat::Hex, FloatFormat::GeneralUpper] {
                let _ = format_float(x, format, p);
            }
        }
    }
}
