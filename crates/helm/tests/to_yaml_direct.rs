//! `toYaml` written straight from the value (`yaml::marshal`) against the
//! node tree it used to build (`yaml::marshal_via_tree`): the same bytes or
//! the same error, over generated values (nasty strings and keys, special
//! floats, nested and empty collections), over every YAML document in the
//! repository and each of its parts, and over the edges the walk handles
//! itself (sharing, cycles, depth, the output cap, unsupported values).

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use capstan_gotmpl::{Map, MapRef, Object, Value};
use capstan_helm::yaml::{self, YamlError};
use proptest::prelude::*;
use support::walk;

fn outcome(r: Result<String, YamlError>) -> Result<String, String> {
    r.map_err(|e| format!("{:?}: {}", e.kind(), e.message()))
}

/// Both ways, compared; the difference, if any, for the report.
fn differs(v: &Value) -> Option<String> {
    let direct = outcome(yaml::marshal(v));
    let tree = outcome(yaml::marshal_via_tree(v));
    (direct != tree).then(|| format!("direct: {direct:?}\ntree:   {tree:?}"))
}

#[track_caller]
fn assert_same(v: &Value) -> Result<String, String> {
    if let Some(diff) = differs(v) {
        panic!("toYaml of {v:?} differs:\n{diff}");
    }
    outcome(yaml::marshal(v))
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// Pieces of text that decide quoting, style, folding and key order.
const PIECES: &[&str] = &[
    "",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r",
    "\r\n",
    "\t",
    ":",
    ": ",
    " #",
    "#",
    "-",
    "- ",
    "?",
    "? ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&",
    "*",
    "!",
    "|",
    ">",
    "'",
    "\"",
    "%",
    "@",
    "`",
    "\\",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "N",
    "null",
    "Null",
    "~",
    "true",
    "False",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1e3",
    "1e+06",
    "1_000",
    "3.14",
    "-0",
    ".5",
    ".inf",
    "-.Inf",
    ".NaN",
    "1:20",
    "190:20:30",
    "2001-12-14",
    "<<",
    "=",
    "é",
    "日本",
    "😀",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{a0}",
    "\u{7f}",
    "\u{1}",
    "\u{1b}",
    "a",
    "b",
    "Z",
    "_",
    "0",
    "1",
    "9",
    "10",
    "---",
    "...",
    "word ",
    "x",
    "name",
    "Value",
    "-1",
    "+1",
];

/// Pieces of keys that decide go-yaml's natural order (digit runs,
/// letters against punctuation, case) besides the quoting ones.
const KEY_PIECES: &[&str] = &[
    "a", "b", "A", "B", "z", "Z", "_", "-", ".", "/", "1", "2", "9", "10", "01", "0", "00", "x9",
    "é", "ß", "~", "{", "[", "^", "`", " ", ":", "@", "yes", "null", "\n", "٣",
];

fn text_from(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|p| p.concat())
}

fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => text_from(PIECES, 8),
        // Long text: folding at 80 columns, keys past 128 and 1024 bytes.
        1 => (text_from(PIECES, 6), 10usize..300).prop_map(|(s, n)| s.repeat(n)),
        1 => (1usize..40).prop_map(|n| "word ".repeat(n)),
        1 => any::<String>(),
    ]
}

fn nasty_key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => text_from(KEY_PIECES, 5),
        2 => text_from(PIECES, 4),
        1 => "[a-z]{1,8}",
        1 => "[A-Za-z_]{1,6}",
        1 => (text_from(KEY_PIECES, 3), 100usize..400).prop_map(|(s, n)| s.repeat(n)),
    ]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<f64>(),
        2 => prop::sample::select(vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            0.0,
            1e21,
            1e20,
            1e6,
            1e-7,
            0.1,
            123_456_789.0,
            9_007_199_254_740_993.0,
            9.223_372_036_854_776e18,
            1.844_674_407_370_955_2e19,
            -1.5e300,
            5e-324,
        ]),
        2 => (-1_000_000i64..1_000_000).prop_map(|i| i as f64),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Nil),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => any::<i64>().prop_map(Value::Int),
        1 => (-100i64..100).prop_map(Value::Int64),
        3 => float().prop_map(Value::Float),
        8 => nasty_string().prop_map(Value::from),
        1 => prop::collection::vec(any::<u8>(), 0..70).prop_map(|b| Value::Bytes(b.into())),
        1 => Just(Value::list(Vec::new())),
        1 => Just(Value::map(Map::new())),
        1 => Just(Value::Map(MapRef::nil_map())),
        1 => Just(Value::list(vec![Value::Map(MapRef::nil_map())])),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::list),
            prop::collection::btree_map(nasty_key(), inner.clone(), 0..8)
                .prop_map(|m| Value::map(m.into_iter().collect())),
            // The same map (or list) twice: shared, not copied.
            inner.prop_map(|v| Value::list(vec![v.clone(), v])),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_values_write_as_the_tree_writes_them(v in value()) {
        if let Some(diff) = differs(&v) {
            prop_assert!(false, "toYaml of {:?} differs:\n{}", v, diff);
        }
    }

    #[test]
    fn maps_of_many_keys_sort_as_the_tree_sorts_them(
        keys in prop::collection::vec(nasty_key(), 0..40),
        wrap in any::<bool>(),
    ) {
        let m: Map = keys.iter().map(|k| (k.clone(), Value::Int(k.len() as i64))).collect();
        let v = if wrap { map(vec![("k", Value::map(m))]) } else { Value::map(m) };
        if let Some(diff) = differs(&v) {
            prop_assert!(false, "toYaml of {:?} differs:\n{}", v, diff);
        }
    }
}

/// The expected text is what Helm v4.2.3 prints for `{{ toYaml .Values }}`
/// over the same values written as a values file (floats from YAML).
#[test]
fn layout_edges_write_as_helm_does() {
    let list = |items: Vec<Value>| Value::list(items);
    let s = |t: &str| Value::from(t.to_string());
    let v = map(vec![
        ("empty_map", Value::map(Map::new())),
        ("empty_list", list(vec![])),
        (
            "nested",
            list(vec![list(vec![s("a"), list(vec![])]), map(vec![])]),
        ),
        (
            "items",
            list(vec![map(vec![("b", s("x")), ("a", list(vec![s("y")]))])]),
        ),
        ("block", s("line one\n  two\n")),
        ("keep", s("x\n\n")),
        ("lead", s("  indented\nnext")),
        (
            "quoted",
            list(vec![
                s("yes"),
                s("on"),
                s("~"),
                s("0x10"),
                s("1e3"),
                s(" a"),
            ]),
        ),
        (
            "floats",
            list(vec![
                Value::Float(1e6),
                Value::Float(1e21),
                Value::Float(-0.0),
            ]),
        ),
        ("a10", list(vec![Value::Nil])),
        ("a9", Value::Bool(true)),
    ]);
    let text = assert_same(&v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        text,
        "a9: true\na10:\n- null\nblock: |\n  line one\n    two\nempty_list: []\nempty_map: {}\n\
         floats:\n- 1000000\n- 1e+21\n- 0\nitems:\n- a:\n  - \"y\"\n  b: x\nkeep: |+\n  x\n\n\
         lead: |2-\n    indented\n  next\nnested:\n- - a\n  - []\n- {}\nquoted:\n- \"yes\"\n\
         - \"on\"\n- \"~\"\n- \"0x10\"\n- \"1e3\"\n- ' a'\n"
    );
}

#[test]
fn unsupported_and_bad_values_fail_alike() {
    #[derive(Debug)]
    struct Thing;
    impl Object for Thing {
        fn type_name(&self) -> &str {
            "*chart.Thing"
        }
    }
    let thing = Value::Object(Arc::new(Thing));
    let cases = [
        Value::Float(f64::NAN),
        map(vec![
            ("a", Value::Float(1.0)),
            ("b", Value::Float(f64::INFINITY)),
        ]),
        map(vec![("z", thing.clone()), ("a", Value::Float(f64::NAN))]),
        list(vec![Value::from("ok"), thing]),
        map(vec![
            ("bad\u{7f}key", Value::Nil),
            ("b", Value::Float(f64::NAN)),
        ]),
        map(vec![("a\u{85}b", Value::Nil)]),
        map(vec![(&"k".repeat(1100), Value::Nil)]),
        Value::from("del \u{7f}"),
        Value::from("nel \u{85} folded  \u{85}\u{85} x"),
    ];
    for v in &cases {
        let _ = assert_same(v);
    }
    assert!(assert_same(&cases[0]).is_err());
}

/// Values encoding/json writes as something else: a typed nil map and a
/// nil slice (an object whose JSON is `null`) are `null`, an object made of
/// a map is that map. Helm v4.2.3 prints, for
/// `toYaml (dict "x" (list | rest) "y" .Chart.Annotations)` in a chart
/// without annotations, `x: null` and `"y": null`, and for
/// `toYaml .Capabilities.KubeVersion` its `Major`, `Minor` and `Version`.
#[test]
fn nil_maps_and_host_objects_write_as_their_json() {
    #[derive(Debug)]
    struct NilSlice;
    impl Object for NilSlice {
        fn type_name(&self) -> &str {
            "[]interface {}"
        }
        fn json(&self) -> Option<String> {
            Some("null".into())
        }
    }
    #[derive(Debug)]
    struct Version;
    impl Object for Version {
        fn type_name(&self) -> &str {
            "*chartutil.KubeVersion"
        }
        fn to_value(&self) -> Option<Value> {
            Some(map(vec![
                ("Version", Value::from("v1.36.0")),
                ("Major", Value::from("1")),
                ("Minor", Value::from("36")),
            ]))
        }
    }
    let v = map(vec![
        ("x", Value::Object(Arc::new(NilSlice))),
        ("y", Value::Map(MapRef::nil_map())),
    ]);
    assert_eq!(assert_same(&v).as_deref(), Ok("x: null\n\"y\": null\n"));
    assert_eq!(
        assert_same(&Value::Map(MapRef::nil_map())).as_deref(),
        Ok("null\n")
    );
    assert_eq!(
        assert_same(&Value::Object(Arc::new(Version))).as_deref(),
        Ok("Major: \"1\"\nMinor: \"36\"\nVersion: v1.36.0\n")
    );
}

fn list(items: Vec<Value>) -> Value {
    Value::list(items)
}

#[test]
fn cycles_depth_and_sharing_fail_or_write_alike() {
    // A map containing itself.
    let m = MapRef::new(Map::new());
    let this = Value::Map(m.clone());
    m.update(|inner| inner.insert("self".into(), this.clone()));
    let err = assert_same(&this).expect_err("a cycle");
    assert!(err.contains("encountered a cycle"), "{err}");
    m.update(|inner| inner.clear());

    // Nesting at and past the depth limit.
    for depth in [499, 500, 501, 600] {
        let mut v = Value::from("leaf");
        for i in 0..depth {
            v = if i % 2 == 0 {
                list(vec![v])
            } else {
                map(vec![("k", v)])
            };
        }
        let r = assert_same(&v);
        assert_eq!(r.is_ok(), depth <= 500, "{depth}");
    }

    // Exponential sharing is refused by the budget before anything is written.
    let mut v = map(vec![("a", Value::Int(1))]);
    for _ in 0..40 {
        v = map(vec![("a", v.clone()), ("b", v)]);
    }
    let err = assert_same(&v).expect_err("an error");
    assert!(err.starts_with("Limit"), "{err}");
}

/// 300 levels of maps over lists of 1,000 items shared 400 times: an
/// unshared copy is small, the text (600 spaces of indentation a line)
/// passes the 256 MiB output cap. Then a conversion error after the point
/// where the cap is passed still wins, as it does in the tree.
#[test]
fn the_output_cap_and_late_errors_fail_alike() {
    let leaves = list(vec![Value::from("x"); 1_000]);
    let keys: Map = (0..450)
        .map(|i| (format!("k{i:03}"), leaves.clone()))
        .collect();
    let mut v = Value::map(keys);
    for _ in 0..300 {
        v = map(vec![("k", v)]);
    }
    let err = assert_same(&v).expect_err("an error");
    assert!(err.contains("exceeds the maximum output size"), "{err}");

    let mut keys: Map = (0..450)
        .map(|i| (format!("k{i:03}"), leaves.clone()))
        .collect();
    keys.insert("z".into(), Value::Float(f64::NAN));
    let mut v = Value::map(keys);
    for _ in 0..300 {
        v = map(vec![("k", v)]);
    }
    let err = assert_same(&v).expect_err("an error");
    assert!(err.contains("unsupported value: NaN"), "{err}");
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every map and list inside `v`, `v` included.
fn parts(v: &Value, out: &mut Vec<Value>) {
    out.push(v.clone());
    match v {
        Value::List(items) => items.iter().for_each(|i| parts(i, out)),
        Value::Map(m) => m.snapshot().values().for_each(|i| parts(i, out)),
        _ => {}
    }
}

/// Every YAML document in the repository's deploy tree and the helm
/// crate's fixtures (values files, charts, rendered goldens), each read as
/// Helm reads values and written both ways, and so is each of its parts.
#[test]
fn every_yaml_document_in_the_repository_writes_alike() {
    let root = repo_root();
    let mut files = Vec::new();
    walk(&root.join("deploy"), &mut files);
    walk(&root.join("crates/helm/tests"), &mut files);
    let (mut documents, mut values, mut failures) = (0, 0, Vec::new());
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if text.len() > 1 << 20 {
            continue;
        }
        for doc in text.split("\n---") {
            let Ok(v) = yaml::unmarshal(doc) else {
                continue;
            };
            documents += 1;
            let mut all = Vec::new();
            parts(&v, &mut all);
            for part in &all {
                values += 1;
                if let Some(diff) = differs(part) {
                    failures.push(format!("{}: {diff}", path.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(documents > 1_000 && values > 10_000, "{documents} {values}");
}
