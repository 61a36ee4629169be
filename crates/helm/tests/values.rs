//! Coalescing and the value flags, on in-memory charts: the rules of Helm's
//! `coalesce.go` and `values.Options.MergeValues` that the fixture suite
//! (`tests/chart.rs`) cannot isolate, including the warnings Helm logs.

use capstan_gotmpl::{Map, Value};
use capstan_helm::chart::{self, Chart, File};
use capstan_helm::values::{
    self, Options, OptionsError, ValueSources, coalesce_values, merge_values, scoped_values,
};
use std::collections::HashMap;

fn yaml(text: &str) -> Map {
    capstan_helm::yaml::parse_values(text).expect("yaml")
}

fn chart_with(name: &str, values: &str, subs: Vec<Chart>) -> Chart {
    let mut c = chart::load_files(vec![
        File::new(
            "Chart.yaml",
            format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\n").into_bytes(),
        ),
        File::new("values.yaml", values.as_bytes().to_vec()),
    ])
    .expect("chart");
    c.dependencies = subs;
    c
}

#[test]
fn user_null_deletes_a_default_but_merge_keeps_it() {
    let c = chart_with("c", "a: 1\nb: {x: 1, y: 2}\n", vec![]);
    let user = yaml("a: null\nb: {x: null}\nnew: null\n");
    let mut w = Vec::new();
    let got = coalesce_values(&c, &user, &mut w).expect("coalesces");
    assert_eq!(got, yaml("b: {y: 2}\nnew: null\n"));
    let merged = merge_values(&c, &user, &mut w).expect("merges");
    assert_eq!(merged, yaml("a: null\nb: {x: null, y: 2}\nnew: null\n"));
}

#[test]
fn lists_replace_and_maps_merge() {
    let c = chart_with("c", "l: [1, 2]\nm: {a: 1, n: {b: 2}}\n", vec![]);
    let got =
        coalesce_values(&c, &yaml("l: [3]\nm: {n: {c: 3}}\n"), &mut Vec::new()).expect("coalesces");
    assert_eq!(got, yaml("l: [3]\nm: {a: 1, n: {b: 2, c: 3}}\n"));
}

#[test]
fn kind_conflicts_are_warnings_with_helms_text() {
    let c = chart_with("c", "t: {a: 1}\ns: 5\nd: {x: {q: 1}}\n", vec![]);
    let mut w = Vec::new();
    let got = coalesce_values(&c, &yaml("t: 7\ns: {k: v}\nd: {x: 3}\n"), &mut w).expect("ok");
    assert_eq!(got, yaml("t: 7\ns: {k: v}\nd: {x: 3}\n"));
    assert_eq!(
        w,
        [
            "warning: cannot overwrite table with non table for c.d.x (map[q:1])",
            "warning: skipped value for c.s: Not a table.",
        ]
    );
}

#[test]
fn subchart_values_are_scoped_and_globals_flow_down() {
    let sub = chart_with("sub", "own: 1\nglobal: {g: sub, only: sub}\n", vec![]);
    let c = chart_with("top", "global: {g: top}\nsub: {fromParent: 2}\n", vec![sub]);
    let got = coalesce_values(&c, &Map::new(), &mut Vec::new()).expect("ok");
    let sub_vals = scoped_values(&got, &["top", "sub"]);
    assert_eq!(
        sub_vals,
        yaml("own: 1\nfromParent: 2\nglobal: {g: top, only: sub}\n")
    );
    // The parent's own globals do not receive the subchart's top-level keys.
    assert_eq!(got["global"], Value::map(yaml("g: top\n")));
}

#[test]
fn a_scalar_where_subchart_values_belong_is_an_error() {
    let sub = chart_with("sub", "", vec![]);
    let c = chart_with("top", "", vec![sub]);
    let mut user = Map::new();
    user.insert("sub".into(), Value::Int64(1));
    let e = coalesce_values(&c, &user, &mut Vec::new()).expect_err("mismatch");
    assert_eq!(e.0, "type mismatch on sub: %!t(int64=1)");
}

struct Mem(HashMap<&'static str, &'static str>);

impl ValueSources for Mem {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        self.0
            .get(path)
            .map(|s| s.as_bytes().to_vec())
            .ok_or_else(|| format!("open {path}: no such file or directory"))
    }
}

#[test]
fn flags_apply_in_helms_order_whatever_the_command_line() {
    let mut src = Mem(HashMap::from([
        ("a.yaml", "x: file\nlist: [1, 2, 3]\nm: {k: 1}\n"),
        ("b.yaml", "m: {j: 2}\n"),
        ("note", "text"),
    ]));
    let opts = Options {
        value_files: vec!["a.yaml".into(), "b.yaml".into()],
        json_values: vec!["x=\"json\"".into(), "{\"obj\": {\"num\": 1}}".into()],
        values: vec!["x=set,list[1]=9".into()],
        string_values: vec!["s=1".into()],
        file_values: vec!["f=note".into()],
        literal_values: vec!["x=lit,eral".into()],
    };
    let got = opts.merge_values(&mut src).expect("merges");
    assert_eq!(got["x"], Value::str("lit,eral"));
    // --set patches the list read from the -f file in place.
    assert_eq!(
        got["list"],
        Value::list(vec![Value::Float(1.0), Value::Int64(9), Value::Float(3.0)])
    );
    assert_eq!(got["m"], Value::map(yaml("k: 1\nj: 2\n")));
    assert_eq!(got["s"], Value::str("1"));
    assert_eq!(got["f"], Value::str("text"));
    assert_eq!(got["obj"], Value::map(yaml("num: 1\n")));
}

#[test]
fn flag_errors_read_as_helms() {
    let mut src = Mem(HashMap::from([("bad.yaml", "a: [\n")]));
    let e = |o: Options, src: &mut Mem| o.merge_values(src).expect_err("fails");
    let OptionsError(m) = e(
        Options {
            value_files: vec!["missing.yaml".into()],
            ..Options::default()
        },
        &mut src,
    );
    assert_eq!(m, "open missing.yaml: no such file or directory");
    let OptionsError(m) = e(
        Options {
            values: vec!["a".into()],
            ..Options::default()
        },
        &mut src,
    );
    assert_eq!(m, "failed parsing --set data: key \"a\" has no value");
    let OptionsError(m) = e(
        Options {
            json_values: vec!["{nope".into()],
            ..Options::default()
        },
        &mut src,
    );
    assert_eq!(m, "failed parsing --set-json data JSON: {nope");
    let OptionsError(m) = e(
        Options {
            json_values: vec!["a=nope".into()],
            ..Options::default()
        },
        &mut src,
    );
    assert_eq!(m, "failed parsing --set-json data a=nope");
    let OptionsError(m) = e(
        Options {
            file_values: vec!["a=nowhere".into()],
            ..Options::default()
        },
        &mut src,
    );
    assert_eq!(
        m,
        "failed parsing --set-file data: open nowhere: no such file or directory"
    );
    let OptionsError(m) = e(
        Options {
            value_files: vec!["bad.yaml".into()],
            ..Options::default()
        },
        &mut src,
    );
    assert!(m.starts_with("failed to parse bad.yaml: "), "{m}");
}

#[test]
fn library_charts_are_refused_for_rendering() {
    let mut c = chart_with("lib", "", vec![]);
    c.metadata.chart_type = "library".into();
    let e = values::prepare(c, &Map::new()).expect_err("refused");
    assert_eq!(e.to_string(), "library charts are not installable");
}

#[test]
fn coalesced_values_share_no_map_with_the_chart_or_the_user() {
    let c = chart_with("c", "d: {k: {x: 1}}\n", vec![]);
    let user = yaml("u: {k: {y: 2}}\n");
    let got = coalesce_values(&c, &user, &mut Vec::new()).expect("ok");
    // A template's `set` changes the rendered values in place...
    let Some(Value::Map(d)) = got.get("d") else {
        panic!("map")
    };
    let Some(Value::Map(n)) = d.get("k") else {
        panic!("map")
    };
    n.update(|m| m.insert("x".into(), Value::str("changed")));
    let Some(Value::Map(u)) = got.get("u") else {
        panic!("map")
    };
    u.update(|m| m.insert("z".into(), Value::Bool(true)));
    // ...but never the chart's defaults nor the caller's map (Helm copies both).
    assert_eq!(c.values, yaml("d: {k: {x: 1}}\n"));
    assert_eq!(user, yaml("u: {k: {y: 2}}\n"));
}

#[test]
fn values_files_read_again_are_fresh_copies_of_the_same_values() {
    use capstan_helm::chart::load::load_values;
    let text = b"a:\n  b: 1\n  c: [x, {d: 2}]\ne: yes\n";
    let first = load_values(text).expect("values");
    // Change the first answer in place, as merging and `set` do.
    if let Some(Value::Map(a)) = first.get("a") {
        a.update(|m| m.insert("b".into(), Value::from("changed")));
    }
    let again = load_values(text).expect("values");
    assert_eq!(again, yaml("a:\n  b: 1\n  c: [x, {d: 2}]\ne: yes\n"));
    let (Some(Value::Map(x)), Some(Value::Map(y))) = (first.get("a"), again.get("a")) else {
        panic!("maps expected");
    };
    assert!(!x.ptr_eq(y), "a second read shares a map with the first");
    // Errors are not remembered as values: each read reports them.
    for _ in 0..2 {
        assert!(load_values(b"a: [").is_err());
    }
}

/// Renders `c` with `user` as `helm template` does; the documents' texts.
fn render_texts(c: &Chart, user: &Map) -> Vec<String> {
    let req = capstan_helm::template::ChartRequest {
        release: "r".into(),
        namespace: "ns".into(),
        ..Default::default()
    };
    let out = capstan_helm::template::render_chart(c.clone(), user, &req).expect("renders");
    out.sorted
        .manifests
        .iter()
        .map(|m| m.content.clone())
        .collect()
}

fn chart_with_templates(values: &str, templates: &[(&str, &str)]) -> Chart {
    let mut files = vec![
        File::new(
            "Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 1.0.0\n".to_vec(),
        ),
        File::new("values.yaml", values.as_bytes().to_vec()),
    ];
    for (name, text) in templates {
        files.push(File::new(
            format!("templates/{name}"),
            text.as_bytes().to_vec(),
        ));
    }
    chart::load_files(files).expect("chart")
}

#[test]
fn renders_share_the_defaults_and_a_write_renders_again_from_copies() {
    use capstan_helm::template::renders_from_copies;
    let defaults = "cfg: {a: 1, nested: {b: 2}}\nlist: [{m: 1}]\ngone: {x: null, z: 1}\n";
    let user_text = "u: {x: 1}\n";
    // Reads only: the values share the chart's maps, nothing is copied
    // again, and what prints is what copies print.
    let reader = chart_with_templates(
        defaults,
        &[(
            "r.yaml",
            "kind: A\nmetadata:\n  name: r\ndata: {{ toJson .Values }}\ncleaned: {{ hasKey .Values.gone \"x\" }}\n",
        )],
    );
    let user = yaml(user_text);
    let before = renders_from_copies();
    let first = render_texts(&reader, &user);
    assert_eq!(render_texts(&reader, &user), first);
    assert_eq!(
        renders_from_copies(),
        before,
        "a reading chart rendered from copies"
    );
    assert_eq!(
        first,
        vec![
            "kind: A\nmetadata:\n  name: r\ndata: {\"cfg\":{\"a\":1,\"nested\":{\"b\":2}},\"gone\":{\"z\":1},\"list\":[{\"m\":1}],\"u\":{\"x\":1}}\ncleaned: false\n".to_string()
        ]
    );

    // Writes into a default's map, a map in a default's list and the
    // user's map: each render writes as Helm does, into values of its own
    // (rendered again from copies), and the loaded chart and the caller's
    // map keep what they held.
    let writer = chart_with_templates(
        defaults,
        &[(
            "w.yaml",
            "{{- $_ := set .Values.cfg.nested \"w\" \"written\" }}\
             {{- $_ := set (index .Values.list 0) \"k\" \"v\" }}\
             {{- $_ := set .Values.u \"y\" 2 }}\
             kind: W\nmetadata:\n  name: w\ndata: {{ toJson .Values }}\n",
        )],
    );
    let before = renders_from_copies();
    let expected = vec![
        "kind: W\nmetadata:\n  name: w\ndata: {\"cfg\":{\"a\":1,\"nested\":{\"b\":2,\"w\":\"written\"}},\"gone\":{\"z\":1},\"list\":[{\"k\":\"v\",\"m\":1}],\"u\":{\"x\":1,\"y\":2}}\n".to_string(),
    ];
    for _ in 0..2 {
        assert_eq!(render_texts(&writer, &user), expected);
    }
    assert_eq!(renders_from_copies(), before + 2);
    assert_eq!(writer.values, yaml(defaults));
    assert_eq!(user, yaml(user_text));
    // The reading chart, rendered after, still sees its own defaults.
    assert_eq!(render_texts(&reader, &user), first);
}
