//! `values.schema.json` validation against real Helm v4.2.3: every case in
//! `tests/schema/` (goldens made by `tests/schema/regen`) runs through
//! loading, dependency processing, coalescing and
//! `capstan_helm::schema::validate_chart_tree`; a failure must print
//! exactly Helm's `Error: ...` text, a success must log Helm's warnings.
//! Every mismatch is reported in one run.

use std::path::{Path, PathBuf};

use capstan_gotmpl::Map;
use capstan_helm::chart;
use capstan_helm::schema::{self, validate_chart_tree};
use capstan_helm::values::{self, LocalFiles, Options};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/schema")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("cmd").is_file())
        .collect();
    out.sort();
    out
}

/// The values `helm template` would build from the case's `cmd`.
fn user_values(dir: &Path) -> Map {
    let cmd = std::fs::read_to_string(dir.join("cmd")).expect("cmd");
    let words: Vec<&str> = cmd.split_whitespace().collect();
    let mut opts = Options::default();
    let mut i = 2;
    while i < words.len() {
        match words[i] {
            "-f" => opts
                .value_files
                .push(dir.join(words[i + 1]).display().to_string()),
            "--set" => opts.values.push(words[i + 1].to_string()),
            other => panic!("unsupported flag {other} in {}", dir.display()),
        }
        i += 2;
    }
    opts.merge_values(&mut LocalFiles).expect("user values")
}

/// What our pipeline prints up to schema validation: (stderr, status).
fn run(dir: &Path) -> (String, i32) {
    let user = user_values(dir);
    let loaded = chart::load(&dir.join("chart")).expect("chart loads");
    let prepared = match values::prepare(loaded, &user) {
        Ok(p) => p,
        Err(e) => return (format!("Error: {e}\n"), 1),
    };
    match validate_chart_tree(&prepared.chart, &prepared.values) {
        Ok(v) => (v.warnings.iter().map(|w| format!("{w}\n")).collect(), 0),
        Err(e) => {
            let mut s: String = e.warnings.iter().map(|w| format!("{w}\n")).collect();
            s.push_str(&format!("Error: {e}\n"));
            (s, 1)
        }
    }
}

#[test]
fn schema_goldens_match_helm() {
    let mut failures = Vec::new();
    let all = cases();
    assert!(
        all.len() >= 50,
        "expected the schema cases, found {}",
        all.len()
    );
    for dir in &all {
        let name = dir.file_name().expect("name").to_string_lossy().to_string();
        let want_err = std::fs::read_to_string(dir.join("expected.stderr")).expect("stderr");
        let want_status: i32 = std::fs::read_to_string(dir.join("expected.status"))
            .expect("status")
            .trim()
            .parse()
            .expect("status number");
        let (got_err, got_status) = run(dir);
        if got_err != want_err || got_status != want_status {
            failures.push(format!(
                "{name}: status {got_status} (want {want_status})\n--- got\n{got_err}--- want\n{want_err}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

fn schema_of(json: &str) -> chart::Chart {
    let mut c = chart::Chart::default();
    c.metadata.name = "demo".to_string();
    c.schema = Some(json.as_bytes().into());
    c
}

fn values_of(yaml: &str) -> Map {
    let v = capstan_helm::yaml::unmarshal(yaml).expect("yaml");
    match v.as_map() {
        Some(m) => Map::clone(&m),
        None => panic!("not a map: {v:?}"),
    }
}

#[test]
fn remote_references_fail_clearly_without_network() {
    let c = schema_of(r#"{"properties":{"a":{"$ref":"https://example.com/s.json"}}}"#);
    let err = validate_chart_tree(&c, &values_of("a: 1")).expect_err("remote ref must fail");
    assert_eq!(
        err.to_string(),
        format!(
            "{}demo:\nfailing loading \"https://example.com/s.json\": HTTP request failed for https://example.com/s.json: Get \"https://example.com/s.json\": remote schema references are not fetched (rendering is offline)",
            schema::HEADING
        )
    );
    // An unknown `$schema` is a remote document too.
    let c = schema_of(r#"{"$schema":"http://example.com/meta#","type":"object"}"#);
    let err = validate_chart_tree(&c, &Map::new()).expect_err("unknown $schema must fail");
    assert!(
        err.details
            .starts_with("demo:\nfailing loading \"http://example.com/meta\""),
        "{}",
        err.details
    );
}

#[test]
fn subchart_values_that_are_not_maps_are_reported() {
    let mut parent = chart::Chart::default();
    parent.metadata.name = "demo".to_string();
    let mut sub = schema_of("{}");
    sub.metadata.name = "sub".to_string();
    parent.dependencies.push(sub);
    let err = validate_chart_tree(&parent, &values_of("sub: text")).expect_err("not a map");
    assert_eq!(
        err.details,
        "sub:\ninvalid type for values: expected object (map), got string\n"
    );
    // nil or missing subchart values are not validated at all.
    assert!(validate_chart_tree(&parent, &values_of("sub: null")).is_ok());
    assert!(validate_chart_tree(&parent, &Map::new()).is_ok());
}

#[test]
fn int64_values_are_numbers_and_integers() {
    let c = schema_of(r#"{"properties":{"a":{"type":"integer","maximum":10}}}"#);
    let mut v = Map::new();
    v.insert("a".into(), capstan_gotmpl::Value::Int64(12000));
    let err = validate_chart_tree(&c, &v).expect_err("over maximum");
    assert_eq!(
        err.details,
        "demo:\n- at '/a': maximum: got 12,000, want 10\n"
    );
}

#[test]
fn hostile_input_is_an_error_not_a_crash() {
    // Deep values, deep schemas, garbage bytes: errors, never panics.
    let mut deep = capstan_gotmpl::Value::from("x");
    for _ in 0..1500 {
        let mut m = Map::new();
        m.insert("a".into(), deep);
        deep = capstan_gotmpl::Value::map(m);
    }
    let mut v = Map::new();
    v.insert("a".into(), deep);
    let c = schema_of(r#"{"type":"object"}"#);
    assert!(validate_chart_tree(&c, &v).is_err());
    let nested = format!(
        "{}{}",
        "{\"items\":".repeat(3000),
        "{}".to_string() + &"}".repeat(3000)
    );
    assert!(validate_chart_tree(&schema_of(&nested), &Map::new()).is_err());
    let c = chart::Chart {
        schema: Some(vec![0xff, 0xfe, 0x00].into()),
        ..Default::default()
    };
    assert!(validate_chart_tree(&c, &Map::new()).is_err());
    // A $ref cycle.
    let c = schema_of(
        r##"{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}"##,
    );
    let _ = validate_chart_tree(&c, &Map::new());
}

#[test]
fn deep_values_against_a_recursive_schema() {
    // The validator recurses once per level; values at the depth limit must
    // validate without exhausting a test thread's stack.
    let mut deep = capstan_gotmpl::Value::from(1.5);
    for _ in 0..499 {
        let mut m = Map::new();
        m.insert("a".into(), deep);
        deep = capstan_gotmpl::Value::map(m);
    }
    let mut v = Map::new();
    v.insert("a".into(), deep);
    let c = schema_of(
        r##"{"type":"object","additionalProperties":{"anyOf":[{"$ref":"#"},{"type":"string"}]}}"##,
    );
    let err = validate_chart_tree(&c, &v).expect_err("the leaf is a number");
    assert!(err.details.contains("'anyOf' failed"), "{}", err.details);
}

/// Compiled schemas are cached per process: a second validation against the
/// same bytes must give the same outcome, errors and URN warnings as the first.
#[test]
fn repeated_validation_replays_the_compile() {
    let c = schema_of(
        r#"{"properties":{"a":{"type":"string","pattern":"^x"},"b":{"$ref":"urn:example:b"}}}"#,
    );
    let bad = values_of("a: yes-no\nb: 1");
    let first = validate_chart_tree(&c, &bad).expect_err("pattern must fail");
    let second = validate_chart_tree(&c, &bad).expect_err("pattern must fail again");
    assert_eq!(first, second);
    assert!(first.details.contains("a"), "{}", first.details);
    assert_eq!(first.warnings.len(), 1, "{:?}", first.warnings);
    let good = values_of("a: xyz\nb: 1");
    let ok1 = validate_chart_tree(&c, &good).expect("valid");
    let ok2 = validate_chart_tree(&c, &good).expect("valid again");
    assert_eq!(ok1, ok2);
    assert_eq!(ok1.warnings, first.warnings);
    // A broken schema's compile error is replayed too.
    let broken = schema_of(r#"{"type": 12}"#);
    let e1 = validate_chart_tree(&broken, &Map::new()).expect_err("bad schema");
    let e2 = validate_chart_tree(&broken, &Map::new()).expect_err("bad schema again");
    assert_eq!(e1, e2);
}
