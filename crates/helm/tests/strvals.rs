//! The `--set` family parser against real Helm (`tests/strvals/regen`), plus
//! the in-place behaviours the oracle cannot show (parsing into existing
//! values, the Go panic texts, `--set-file`).

use capstan_gotmpl::{Map, Value};
use capstan_helm::values::strvals::{Mode, parse, parse_into};
use serde_json::Value as Json;

fn to_json(v: &Value) -> Json {
    match v {
        Value::Nil => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) | Value::Int64(i) => Json::from(*i as f64),
        Value::Float(f) => Json::from(*f),
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

fn normalize(j: Json) -> Json {
    match j {
        Json::Number(n) => Json::from(n.as_f64().unwrap_or(f64::NAN)),
        Json::Array(a) => Json::Array(a.into_iter().map(normalize).collect()),
        Json::Object(o) => Json::Object(o.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        other => other,
    }
}

#[test]
fn strvals_match_helm() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/strvals");
    let cases = std::fs::read_to_string(dir.join("cases.tsv")).expect("cases");
    let expected = std::fs::read_to_string(dir.join("expected.jsonl")).expect("golden");
    let mut errs = Vec::new();
    let lines: Vec<&str> = cases.lines().filter(|l| !l.is_empty()).collect();
    let want: Vec<&str> = expected.lines().collect();
    assert_eq!(lines.len(), want.len());
    for (line, want) in lines.iter().zip(want) {
        let (flag, expr) = line.split_once('\t').expect("tab");
        let mode = match flag {
            "set" => Mode::Typed,
            "string" => Mode::Strings,
            "json" => Mode::Json,
            _ => Mode::Literal,
        };
        let want: Json = serde_json::from_str(want).expect("json");
        let got = match parse(expr, mode) {
            Ok(m) => serde_json::json!({ "ok": normalize(to_json(&Value::map(m))) }),
            Err(e) => serde_json::json!({ "err": e.0 }),
        };
        let want = normalize(want);
        // --set-json errors are hidden by Helm's MergeValues: only failure matters.
        let same = if flag == "json" && want.get("err").is_some() {
            got.get("err").is_some()
        } else {
            got == want
        };
        if !same {
            errs.push(format!("{flag} {expr}\n  got:  {got}\n  want: {want}"));
        }
    }
    assert!(
        errs.is_empty(),
        "{} mismatches:\n{}",
        errs.len(),
        errs.join("\n")
    );
}

#[test]
fn integers_from_set_are_int64() {
    let m = parse("a=5,b=-3,c=0,d=05", Mode::Typed).expect("parses");
    assert_eq!(m["a"], Value::Int64(5));
    assert_eq!(m["b"], Value::Int64(-3));
    assert_eq!(m["c"], Value::Int64(0));
    assert_eq!(m["d"], Value::str("05"));
}

#[test]
fn wrong_kind_under_a_key_is_helms_recovered_panic() {
    let mut base = Map::new();
    base.insert("a".into(), Value::Float(1.0));
    let e = parse_into("a.b=2", &mut base, Mode::Typed).expect_err("fails");
    assert_eq!(
        e.0,
        "unable to parse key: interface conversion: interface {} is float64, not map[string]interface {}"
    );
    let e = parse_into("a[0]=2", &mut base, Mode::Typed).expect_err("fails");
    assert_eq!(
        e.0,
        "unable to parse key: interface conversion: interface {} is float64, not []interface {}"
    );
}

#[test]
fn indexes_patch_existing_lists() {
    let mut base = Map::new();
    base.insert(
        "l".into(),
        Value::list(vec![Value::str("a"), Value::str("b"), Value::str("c")]),
    );
    parse_into("l[1]=x", &mut base, Mode::Typed).expect("parses");
    assert_eq!(
        base["l"],
        Value::list(vec![Value::str("a"), Value::str("x"), Value::str("c")])
    );
}

#[test]
fn nesting_and_index_limits() {
    let deep = (0..32)
        .map(|i| format!("k{i}"))
        .collect::<Vec<_>>()
        .join(".")
        + "=1";
    let e = parse(&deep, Mode::Typed).expect_err("too deep");
    assert_eq!(
        e.0,
        "value name nested level is greater than maximum supported nested level of 30"
    );
}

#[test]
fn set_file_reads_through_the_callback() {
    let mut reader = |p: &str| -> Result<String, String> {
        if p == "f.txt" {
            Ok("body".into())
        } else {
            Err(format!("open {p}: no such file or directory"))
        }
    };
    let m = parse("a=f.txt", Mode::File(&mut reader)).expect("reads");
    assert_eq!(m["a"], Value::str("body"));
    let mut reader2 =
        |p: &str| -> Result<String, String> { Err(format!("open {p}: no such file or directory")) };
    let e = parse("a=missing", Mode::File(&mut reader2)).expect_err("fails");
    assert_eq!(e.0, "open missing: no such file or directory");
}

#[test]
fn hostile_input_never_panics() {
    for s in [
        "[",
        "]",
        "a[",
        "a[]",
        "a[0",
        "a[0]=",
        "a[0].",
        "={",
        "a={",
        "\\",
        "a=\\",
        ".",
        ",",
        "a[99999999999999999999]=1",
        "a[0][",
        "a[0].b[",
        "a=}{",
        "{,}",
    ] {
        for mode in 0..4 {
            let m = match mode {
                0 => Mode::Typed,
                1 => Mode::Strings,
                2 => Mode::Json,
                _ => Mode::Literal,
            };
            let _ = parse(s, m);
        }
    }
    let deep_lists = format!("a{}=1", "[0]".repeat(5000));
    assert!(parse(&deep_lists, Mode::Typed).is_err());
    let deep_mixed = format!("a{}=1", "[0].b".repeat(5000));
    assert!(parse(&deep_mixed, Mode::Typed).is_err());
    let ok_lists = format!("a{}=1", "[0]".repeat(50));
    assert!(parse(&ok_lists, Mode::Typed).is_ok());
}
