//! The schema fast path against boon, which stays the judge: whenever the
//! fast path says "valid", boon (`validate_with_boon`) must accept the same
//! values, and a schema the fast path accepts must compile in boon. Checked
//! on every `values.schema.json` in the repository with the real values of
//! every deploy/ app and thousands of mutations of them, on per-keyword
//! cases boon rejects, and on random schemas and instances (proptest).
//! The fast path must also actually be taken for every deploy/ app.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use capstan_gotmpl::{Map, MapRef, Value};
use capstan_helm::chart;
use capstan_helm::schema::{fast_verdict, validate_with_boon};
use capstan_helm::values::{self, LocalFiles, Options};
use proptest::prelude::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Boon's verdict; panics when a schema the fast path accepted fails to
/// compile (compile errors are the texts without a final newline).
fn boon_accepts(values: &Map, schema: &[u8], what: &str) -> bool {
    match validate_with_boon(values, schema, &mut Vec::new()) {
        Ok(()) => true,
        Err(text) => {
            if fast_verdict(values, schema).is_some() {
                assert!(
                    text.ends_with('\n'),
                    "{what}: the fast path accepted a schema boon cannot compile: {text}"
                );
            }
            false
        }
    }
}

/// Checks one instance; returns (fast said valid, boon accepted).
fn check(values: &Map, schema: &[u8], what: &str, failures: &mut Vec<String>) -> (bool, bool) {
    let fast = fast_verdict(values, schema) == Some(true);
    let boon = boon_accepts(values, schema, what);
    if fast && !boon {
        failures.push(format!("{what}: fast path said valid, boon rejects"));
    }
    (fast, boon)
}

/// (release, chart dir, value files) of every deploy/ app with a chart.
fn deploy_apps() -> Vec<(String, PathBuf, Vec<PathBuf>)> {
    let mut files = Vec::new();
    support::walk(&repo().join("deploy/environments"), &mut files);
    let mut apps = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.to_string_lossy().contains("/apps/"))
    {
        let text = std::fs::read_to_string(f).expect("app manifest");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(chart) = line.trim().strip_prefix("path: deploy/charts/") else {
                continue;
            };
            let dir = repo().join("deploy/charts").join(chart.trim());
            let mut value_files = Vec::new();
            let mut j = i + 1;
            while j < lines.len() && !lines[j].trim().starts_with("valueFiles:") {
                if lines[j].trim().starts_with("path:") {
                    break;
                }
                j += 1;
            }
            if j < lines.len() && lines[j].trim().starts_with("valueFiles:") {
                j += 1;
                while let Some(item) = lines.get(j).and_then(|l| l.trim().strip_prefix("- ")) {
                    value_files.push(dir.join(item.trim()));
                    j += 1;
                }
            }
            let name = format!("{}#{}", f.display(), i);
            apps.push((name, dir, value_files));
        }
    }
    apps
}

/// The coalesced values and schema of one app, as a render validates them.
fn prepared(dir: &Path, value_files: &[PathBuf]) -> (Map, Arc<[u8]>) {
    let opts = Options {
        value_files: value_files
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        ..Options::default()
    };
    let user = opts.merge_values(&mut LocalFiles).expect("user values");
    let loaded = chart::load(dir).expect("chart loads");
    let p = values::prepare(loaded, &user).expect("prepare");
    let schema = p.chart.schema.clone().expect("deploy charts have schemas");
    (p.values, schema)
}

/// Replacement values used by the mutations: each breaks some schema rule.
fn replacements() -> Vec<Value> {
    let s = |t: &str| Value::String(t.into());
    let mut extra = Map::new();
    extra.insert("unexpectedKey".to_string(), Value::Int(1));
    vec![
        Value::Nil,
        Value::Bool(true),
        Value::Int(0),
        Value::Int(-1),
        Value::Int64(70000),
        Value::Float(1.5),
        Value::Float(2.0),
        Value::Float(f64::NAN),
        s(""),
        s("latest"),
        s("repo:latest"),
        s("https://x"),
        s("not a url"),
        s("äöü"),
        s(&"x".repeat(200)),
        Value::List(Arc::new(vec![])),
        Value::List(Arc::new(vec![s("a"), s("a")])),
        Value::Bytes(Arc::from(&b"ab"[..])),
        Value::Map(MapRef::new(Map::new())),
        Value::Map(MapRef::new(extra)),
    ]
}

/// Paths to every value in the tree (map keys and list indexes).
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn paths(m: &Map, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    for (k, v) in m {
        prefix.push(Step::Key(k.clone()));
        out.push(prefix.clone());
        value_paths(v, prefix, out);
        prefix.pop();
    }
}

fn value_paths(v: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Map(_) => {
            if let Some(m) = v.as_map() {
                paths(&m, prefix, out);
            }
        }
        Value::List(l) => {
            for (i, x) in l.iter().enumerate() {
                prefix.push(Step::Index(i));
                out.push(prefix.clone());
                value_paths(x, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// A deep copy of `m` with the value at `path` replaced (`None` deletes a
/// map entry, or empties a list element to null).
fn mutated(m: &Map, path: &[Step], with: Option<&Value>) -> Map {
    let mut out = Map::new();
    for (k, v) in m {
        out.insert(k.clone(), deep(v));
    }
    let Some((first, rest)) = path.split_first() else {
        return out;
    };
    let Step::Key(k) = first else { return out };
    if rest.is_empty() {
        match with {
            Some(w) => _ = out.insert(k.clone(), w.clone()),
            None => _ = out.remove(k),
        }
    } else if let Some(v) = out.get(k).cloned() {
        out.insert(k.clone(), mutated_value(&v, rest, with));
    }
    out
}

fn mutated_value(v: &Value, path: &[Step], with: Option<&Value>) -> Value {
    match (v, path.first()) {
        (Value::Map(_), Some(Step::Key(_))) => match v.as_map() {
            Some(m) => Value::Map(MapRef::new(mutated(&m, path, with))),
            None => v.clone(),
        },
        (Value::List(l), Some(Step::Index(i))) => {
            let mut items: Vec<Value> = l.iter().map(deep).collect();
            if *i < items.len() {
                items[*i] = if path.len() == 1 {
                    with.cloned().unwrap_or(Value::Nil)
                } else {
                    mutated_value(&items[*i], &path[1..], with)
                };
            }
            Value::List(Arc::new(items))
        }
        _ => v.clone(),
    }
}

/// A copy sharing no map with the original (maps are shared references).
fn deep(v: &Value) -> Value {
    match v {
        Value::Map(_) => match v.as_map() {
            Some(m) => Value::Map(MapRef::new(
                m.iter().map(|(k, x)| (k.clone(), deep(x))).collect(),
            )),
            None => v.clone(),
        },
        Value::List(l) => Value::List(Arc::new(l.iter().map(deep).collect())),
        _ => v.clone(),
    }
}

#[test]
fn every_deploy_app_takes_the_fast_path_and_boon_agrees() {
    let apps = deploy_apps();
    assert!(
        apps.len() >= 30,
        "expected the deploy apps, found {}",
        apps.len()
    );
    let mut failures = Vec::new();
    for (name, dir, files) in &apps {
        let (values, schema) = prepared(dir, files);
        assert_eq!(
            fast_verdict(&values, &schema),
            Some(true),
            "{name}: the fast path is not taken"
        );
        check(&values, &schema, name, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mutated_deploy_values_never_pass_fast_when_boon_rejects() {
    let reps = replacements();
    let mut failures = Vec::new();
    let (mut total, mut rejected, mut fast_valid) = (0usize, 0usize, 0usize);
    let mut seen = std::collections::HashSet::new();
    for (name, dir, files) in deploy_apps() {
        // Apps sharing all their value files give the same instances.
        if !seen.insert((dir.clone(), files.clone())) {
            continue;
        }
        let (values, schema) = prepared(&dir, &files);
        let mut all = Vec::new();
        paths(&values, &mut Vec::new(), &mut all);
        for (n, path) in all.iter().enumerate() {
            // Deletion, and three replacements per path, rotating.
            let mut edits: Vec<Option<&Value>> = vec![None];
            edits.extend((0..3).map(|j| Some(&reps[(n * 3 + j) % reps.len()])));
            for with in edits {
                let inst = mutated(&values, path, with);
                let what = format!("{name}: {path:?} -> {with:?}");
                let (fast, boon) = check(&inst, &schema, &what, &mut failures);
                total += 1;
                rejected += usize::from(!boon);
                fast_valid += usize::from(fast);
            }
        }
        // Extra top-level property.
        let mut inst = values.clone();
        inst.insert("notInSchema".to_string(), Value::Int(1));
        check(&inst, &schema, &format!("{name}: extra key"), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The mutations must exercise both answers.
    assert!(total > 1000, "only {total} instances");
    assert!(
        rejected > total / 10,
        "boon rejected only {rejected} of {total}"
    );
    assert!(
        fast_valid > total / 10,
        "fast path valid for only {fast_valid} of {total}"
    );
}

/// Every schema under tests/ (goldens and fixtures), against the values of
/// its own case, their sub-maps and mutations.
#[test]
fn fixture_schemas_agree_with_boon() {
    let mut files = Vec::new();
    support::walk(&repo().join("crates/helm/tests"), &mut files);
    let schemas: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.file_name().is_some_and(|n| n == "values.schema.json"))
        .collect();
    assert!(schemas.len() >= 50, "found {} schemas", schemas.len());
    let reps = replacements();
    let mut failures = Vec::new();
    let mut accepted = 0;
    for path in schemas {
        let schema = std::fs::read(path).expect("schema");
        let mut instances = vec![Map::new()];
        // The chart's own values.yaml, and the case's value files.
        let chart_dir = path.parent().expect("chart dir");
        let mut sources = vec![chart_dir.join("values.yaml")];
        if let Some(case) = chart_dir.parent() {
            for f in std::fs::read_dir(case).into_iter().flatten().flatten() {
                let p = f.path();
                if p.extension().is_some_and(|e| e == "yaml") {
                    sources.push(p);
                }
            }
        }
        for s in sources {
            let Ok(text) = std::fs::read_to_string(&s) else {
                continue;
            };
            let Ok(v) = capstan_helm::yaml::unmarshal(&text) else {
                continue;
            };
            if let Some(m) = v.as_map() {
                instances.push(Map::clone(&m));
            }
        }
        let mut more = Vec::new();
        for inst in &instances {
            let mut all = Vec::new();
            paths(inst, &mut Vec::new(), &mut all);
            for (n, p) in all.iter().enumerate() {
                more.push(mutated(inst, p, None));
                for j in 0..4 {
                    more.push(mutated(inst, p, Some(&reps[(n + j * 5) % reps.len()])));
                }
            }
        }
        instances.extend(more);
        if fast_verdict(&Map::new(), &schema).is_some() {
            accepted += 1;
        }
        for (i, inst) in instances.iter().enumerate() {
            let what = format!("{} instance {i}", path.display());
            check(inst, &schema, &what, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        accepted >= 20,
        "the fast path accepted only {accepted} fixture schemas"
    );
}

/// One keyword case: `values` (JSON) against `schema`; boon's verdict is
/// `boon_ok`, and the fast path must vouch for it exactly when `fast_ok`.
fn case(schema: &str, values: &str, boon_ok: bool, fast_ok: bool) {
    let m = match capstan_helm::json::parse_json(values)
        .expect("json")
        .as_map()
    {
        Some(m) => Map::clone(&m),
        None => panic!("not an object: {values}"),
    };
    case_map(schema, &m, boon_ok, fast_ok);
}

fn case_map(schema: &str, m: &Map, boon_ok: bool, fast_ok: bool) {
    let what = format!("{schema} / {m:?}");
    assert_eq!(
        boon_accepts(m, schema.as_bytes(), &what),
        boon_ok,
        "boon: {what}"
    );
    let fast = fast_verdict(m, schema.as_bytes()) == Some(true);
    assert_eq!(fast, fast_ok, "fast path: {what}");
}

const D7: &str = r#""$schema":"http://json-schema.org/draft-07/schema#""#;

#[test]
fn keyword_cases() {
    let p = |body: &str| format!(r#"{{{D7},"properties":{{"a":{body}}}}}"#);
    // Each (property schema, value of "a", boon accepts).
    let table: &[(&str, &str, bool)] = &[
        (r#"{"type":"string"}"#, r#""x""#, true),
        (r#"{"type":"string"}"#, "1", false),
        (r#"{"type":"integer"}"#, "2", true),
        (r#"{"type":"integer"}"#, "2.5", false),
        (r#"{"type":["integer","null"]}"#, "null", true),
        (r#"{"type":"number"}"#, "true", false),
        (r#"{"enum":["a",1]}"#, "1.0", true),
        (r#"{"enum":["a",1]}"#, r#""b""#, false),
        (r#"{"const":{"x":[1,2]}}"#, r#"{"x":[1,2.0]}"#, true),
        (r#"{"const":{"x":[1,2]}}"#, r#"{"x":[2,1]}"#, false),
        (r#"{"pattern":"^a+$"}"#, r#""aaa""#, true),
        (r#"{"pattern":"^a+$"}"#, r#""ab""#, false),
        (r#"{"pattern":"^a+$"}"#, "5", true),
        (r#"{"minLength":2}"#, r#""é""#, false),
        (r#"{"maxLength":1}"#, r#""é""#, true),
        (r#"{"minimum":1}"#, "0.5", false),
        (r#"{"maximum":65535}"#, "65536", false),
        (r#"{"exclusiveMinimum":0}"#, "0", false),
        (r#"{"exclusiveMaximum":3}"#, "2.9", true),
        (r#"{"multipleOf":0.5}"#, "1.5", true),
        (r#"{"multipleOf":2}"#, "3", false),
        (r#"{"items":{"type":"string"}}"#, r#"["a",1]"#, false),
        (r#"{"minItems":1}"#, "[]", false),
        (r#"{"maxItems":1}"#, "[1,2]", false),
        (r#"{"uniqueItems":true}"#, "[1,1.0]", false),
        (r#"{"uniqueItems":true}"#, r#"[{"a":1},{"a":2}]"#, true),
        (r#"{"required":["x"]}"#, "{}", false),
        (r#"{"required":["x"]}"#, "5", true),
        (r#"{"additionalProperties":false}"#, r#"{"x":1}"#, false),
        (
            r#"{"additionalProperties":{"type":"string"},"properties":{"x":{}}}"#,
            r#"{"x":1,"y":"s"}"#,
            true,
        ),
        (
            r#"{"patternProperties":{"^x":{"type":"string"}}}"#,
            r#"{"xy":1}"#,
            false,
        ),
        (
            r#"{"patternProperties":{"^x":true},"additionalProperties":false}"#,
            r#"{"xy":1}"#,
            true,
        ),
        (
            r#"{"propertyNames":{"maxLength":2}}"#,
            r#"{"abc":1}"#,
            false,
        ),
        (r#"{"minProperties":1}"#, "{}", false),
        (r#"{"maxProperties":1}"#, r#"{"a":1,"b":2}"#, false),
        (r#"{"allOf":[{"type":"number"},{"minimum":3}]}"#, "2", false),
        (r#"{"anyOf":[{"type":"string"},{"minimum":3}]}"#, "2", false),
        (r#"{"anyOf":[{"type":"string"},{"minimum":3}]}"#, "4", true),
        (r#"{"oneOf":[{"type":"number"},{"minimum":3}]}"#, "4", false),
        (r#"{"oneOf":[{"type":"number"},{"minimum":3}]}"#, "2", true),
        (r#"{"not":{"const":"latest"}}"#, r#""latest""#, false),
        (
            r#"{"if":{"type":"string"},"then":{"minLength":3},"else":{"minimum":5}}"#,
            r#""ab""#,
            false,
        ),
        (
            r#"{"if":{"type":"string"},"then":{"minLength":3},"else":{"minimum":5}}"#,
            "4",
            false,
        ),
        (
            r#"{"if":{"type":"string"},"then":{"minLength":3},"else":{"minimum":5}}"#,
            "6",
            true,
        ),
        (r#"false"#, "1", false),
    ];
    for (schema, value, boon_ok) in table {
        case(
            &p(schema),
            &format!(r#"{{"a":{value}}}"#),
            *boon_ok,
            *boon_ok,
        );
    }
}

#[test]
fn references_and_drafts() {
    let defs = r#""definitions":{"s":{"type":"string"}}"#;
    // Draft-07 ignores `minimum` beside `$ref`.
    let s = format!(
        r##"{{{D7},{defs},"properties":{{"a":{{"$ref":"#/definitions/s","minimum":5}}}}}}"##
    );
    case(&s, r#"{"a":"x"}"#, true, true);
    case(&s, r#"{"a":1}"#, false, false);
    // 2020-12 (the default) applies both.
    let s = r##"{"$defs":{"n":{"type":"number"}},"properties":{"a":{"$ref":"#/$defs/n","minimum":5}}}"##;
    case(s, r#"{"a":6}"#, true, true);
    case(s, r#"{"a":4}"#, false, false);
    // A recursive schema through `#`.
    let s =
        r##"{"type":"object","additionalProperties":{"anyOf":[{"type":"string"},{"$ref":"#"}]}}"##;
    case(s, r#"{"a":{"b":{"c":"x"}}}"#, true, true);
    case(s, r#"{"a":{"b":{"c":1}}}"#, false, false);
    // A reference cycle on one instance: boon reports it, we fall back.
    let s = r##"{"$defs":{"x":{"$ref":"#/$defs/x"}},"properties":{"a":{"$ref":"#/$defs/x"}}}"##;
    case(s, r#"{"a":1}"#, false, false);
}

#[test]
fn declined_schemas_fall_back() {
    let m = Map::new();
    for s in [
        r#"{"format":"email"}"#,
        r#"{"$id":"http://x/y","type":"object"}"#,
        r#"{"properties":{"a":{"$ref":"https://example.com/s.json"}}}"#,
        r#"{"properties":{"a":{"pattern":"\\d+"}}}"#,
        r#"{"properties":{"a":{"pattern":"(a"}}}"#,
        r#"{"properties":{"a":{"minLength":-1}}}"#,
        r#"{"properties":{"a":{"minLength":1.5}}}"#,
        r#"{"type":"object","x-custom":1}"#,
        r#"{"enum":[]}"#,
        r#"{"enum":[1,1.0]}"#,
        r#"{"required":["a","a"]}"#,
        r#"{"type":["string","string"]}"#,
        r#"{"allOf":[]}"#,
        r#"{"multipleOf":0}"#,
        r#"{"$schema":"http://json-schema.org/draft-04/schema#"}"#,
        r#"{"$schema":"http://json-schema.org/schema#"}"#,
        r#"{"$defs":{},"$schema":"http://json-schema.org/draft-07/schema#"}"#,
        r##"{"$ref":"#/definitions/missing"}"##,
        r#"{"unevaluatedProperties":false}"#,
        r#"{"items":[{"type":"string"}]}"#,
        "[1]",
        "{",
    ] {
        assert_eq!(fast_verdict(&m, s.as_bytes()), None, "{s}");
    }
}

#[test]
fn values_as_map_to_json_sees_them() {
    let s = r#"{"properties":{"a":{"type":"integer"},"b":{"type":"null"},"c":{"type":"array","items":{"maximum":255}}}}"#;
    let mut m = Map::new();
    m.insert("a".into(), Value::Int64(3));
    m.insert("b".into(), Value::Float(f64::INFINITY));
    m.insert("c".into(), Value::Bytes(Arc::from(&b"\x00\xff"[..])));
    case_map(s, &m, true, true);
    m.insert("a".into(), Value::Float(3.0));
    case_map(s, &m, true, true);
    m.insert("a".into(), Value::Float(3.25));
    case_map(s, &m, false, false);
    // Values nested deeper than the fast path walks are left to boon.
    let mut deep = Value::Nil;
    for _ in 0..150 {
        let mut inner = Map::new();
        inner.insert("x".into(), deep);
        deep = Value::Map(MapRef::new(inner));
    }
    let mut m = Map::new();
    m.insert("d".into(), deep);
    case_map("{}", &m, true, false);
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..300).prop_map(Value::Int),
        (-3i64..300).prop_map(Value::Int64),
        prop_oneof![
            Just(1.0),
            Just(2.5),
            Just(-0.0),
            Just(f64::NAN),
            Just(1e300),
            Just(3.0)
        ]
        .prop_map(Value::Float),
        prop_oneof![
            Just(""),
            Just("a"),
            Just("ab"),
            Just("latest"),
            Just("é1"),
            Just("b9")
        ]
        .prop_map(|s| Value::String(s.into())),
        Just(Value::Bytes(Arc::from(&b"\x01\x01"[..]))),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| Value::List(Arc::new(v))),
            prop::collection::btree_map(arb_key(), inner, 0..4)
                .prop_map(|m| Value::Map(MapRef::new(m))),
        ]
    })
}

fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![Just("a"), Just("b"), Just("ab"), Just("c")].prop_map(String::from)
}

fn arb_schema() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("true".to_string()),
        Just("false".to_string()),
        prop_oneof![
            Just("\"string\""),
            Just("\"integer\""),
            Just("\"number\""),
            Just("\"object\""),
            Just("\"array\""),
            Just("\"null\""),
            Just("[\"integer\",\"string\"]"),
        ]
        .prop_map(|t| format!(r#"{{"type":{t}}}"#)),
        prop_oneof![
            Just(r#"{"enum":[1,"a",null,[1,1]]}"#),
            Just(r#"{"const":2.5}"#),
            Just(r#"{"minimum":1,"maximum":200}"#),
            Just(r#"{"exclusiveMinimum":1}"#),
            Just(r#"{"exclusiveMaximum":2.5}"#),
            Just(r#"{"multipleOf":1.5}"#),
            Just(r#"{"minLength":2}"#),
            Just(r#"{"maxLength":1}"#),
            Just(r#"{"pattern":"^a"}"#),
            Just(r#"{"pattern":"\\d"}"#),
            Just(r#"{"minItems":2}"#),
            Just(r#"{"maxItems":1}"#),
            Just(r#"{"uniqueItems":true}"#),
            Just(r#"{"required":["a"]}"#),
            Just(r#"{"minProperties":2}"#),
            Just(r#"{"maxProperties":1}"#),
            Just(r##"{"$ref":"#"}"##),
            Just(r##"{"$ref":"#/definitions/d"}"##),
            Just(r#"{"format":"ipv4"}"#),
        ]
        .prop_map(String::from),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::btree_map(arb_key(), inner.clone(), 1..3).prop_map(|m| {
                let body: Vec<String> = m.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!(r#"{{"properties":{{{}}}}}"#, body.join(","))
            }),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!(
                r#"{{"patternProperties":{{"^a":{a}}},"additionalProperties":{b}}}"#
            )),
            inner.clone().prop_map(|a| format!(r#"{{"items":{a}}}"#)),
            inner
                .clone()
                .prop_map(|a| format!(r#"{{"propertyNames":{a}}}"#)),
            inner.clone().prop_map(|a| format!(r#"{{"not":{a}}}"#)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!(r#"{{"allOf":[{a},{b}]}}"#)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!(r#"{{"anyOf":[{a},{b}]}}"#)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!(r#"{{"oneOf":[{a},{b}]}}"#)),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(a, b, c)| format!(r#"{{"if":{a},"then":{b},"else":{c}}}"#)),
        ]
    })
}

/// A whole document: a draft, a root schema and a definition `d`.
fn arb_document() -> impl Strategy<Value = String> {
    let draft = prop_oneof![
        Just(""),
        Just(r#""$schema":"http://json-schema.org/draft-07/schema#","#),
        Just(r#""$schema":"https://json-schema.org/draft/2019-09/schema","#),
        Just(r#""$schema":"https://json-schema.org/draft/2020-12/schema","#),
    ];
    (draft, arb_schema(), arb_schema()).prop_map(|(d, root, def)| {
        format!(r#"{{{d}"definitions":{{"d":{def}}},"allOf":[{root}]}}"#)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_schemas_and_values(
        doc in arb_document(),
        instances in prop::collection::vec(
            prop::collection::btree_map(arb_key(), arb_value(), 0..4), 12),
    ) {
        for m in &instances {
            let fast = fast_verdict(m, doc.as_bytes()) == Some(true);
            let boon = boon_accepts(m, doc.as_bytes(), &doc);
            prop_assert!(!fast || boon, "fast valid, boon rejects: {} / {:?}", doc, m);
        }
    }
}
