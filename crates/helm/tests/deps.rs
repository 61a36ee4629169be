//! Dependency processing on in-memory charts: what `ProcessDependencies`
//! does to the chart tree and metadata for given values.

use capstan_gotmpl::{Map, Value};
use capstan_helm::chart::{self, Chart, File};
use capstan_helm::deps::{check_dependencies, is_compatible_range, process_dependencies};

fn chart(yaml: &str, values: &str, subs: Vec<Chart>) -> Chart {
    let mut c = chart::load_files(vec![
        File::new("Chart.yaml", yaml.as_bytes().to_vec()),
        File::new("values.yaml", values.as_bytes().to_vec()),
    ])
    .expect("chart");
    c.dependencies = subs;
    c
}

fn leaf(name: &str, version: &str) -> Chart {
    chart(
        &format!("apiVersion: v2\nname: {name}\nversion: {version}\n"),
        "",
        vec![],
    )
}

fn names(c: &Chart) -> Vec<&str> {
    c.dependencies.iter().map(Chart::name).collect()
}

fn user(text: &str) -> Map {
    capstan_helm::yaml::parse_values(text).expect("yaml")
}

#[test]
fn missing_declared_dependencies_are_listed() {
    let c = chart(
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: a\n- name: b\n- name: c\n",
        "",
        vec![leaf("b", "1.0.0")],
    );
    let e = check_dependencies(&c).expect_err("missing");
    assert_eq!(
        e.0,
        "found in Chart.yaml, but missing in charts/ directory: a, c"
    );
}

#[test]
fn conditions_win_over_tags_and_first_resolvable_path_counts() {
    let mut c = chart(
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n\
         - name: a\n  version: 1.0.0\n  tags: [t]\n  condition: nope,a.on\n\
         - name: b\n  version: 1.0.0\n  tags: [t]\n\
         - name: c\n  version: 1.0.0\n  condition: c.flag\n",
        "tags: {t: false}\na: {on: true}\nc: {flag: notbool}\n",
        vec![leaf("a", "1.0.0"), leaf("b", "1.0.0"), leaf("c", "1.0.0")],
    );
    let mut w = Vec::new();
    process_dependencies(&mut c, &Map::new(), &mut w).expect("processes");
    // `on` is a YAML 1.1 boolean key, so `a.on` never resolves: the tag decides.
    assert_eq!(names(&c), ["c"]);
    assert!(
        w.contains(&"WARN returned non-bool value path=c.flag chart=c".to_string()),
        "{w:?}"
    );
    let mut c2 = chart(
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n\
         - name: a\n  version: 1.0.0\n  tags: [t]\n  condition: a.enabled\n",
        "tags: {t: false}\n",
        vec![leaf("a", "1.0.0")],
    );
    process_dependencies(&mut c2, &user("a: {enabled: true}\n"), &mut Vec::new()).expect("ok");
    assert_eq!(names(&c2), ["a"]);
    let md = c2.metadata.dependencies[0].as_ref().expect("dep");
    assert!(md.enabled);
}

#[test]
fn aliases_copy_the_chart_and_rename_the_declaration() {
    let mut c = chart(
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n\
         - name: db\n  version: ~1.2.0\n  alias: one\n- name: db\n  version: ~1.2.0\n  alias: two\n",
        "",
        vec![leaf("db", "1.2.3")],
    );
    process_dependencies(&mut c, &Map::new(), &mut Vec::new()).expect("ok");
    assert_eq!(names(&c), ["one", "two"]);
    let declared: Vec<&str> = c
        .metadata
        .dependencies
        .iter()
        .flatten()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(declared, ["one", "two"]);
}

#[test]
fn import_values_fill_the_parent_without_overriding_it() {
    let child = chart(
        "apiVersion: v2\nname: child\nversion: 1.0.0\n",
        "exports:\n  data: {a: child, b: child}\nnested: {x: {y: 1}}\n",
        vec![],
    );
    let mut c = chart(
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n\
         - name: child\n  version: 1.0.0\n  import-values:\n  - data\n  - child: nested.x\n    parent: here.there\n",
        "a: parent\n",
        vec![child],
    );
    process_dependencies(&mut c, &Map::new(), &mut Vec::new()).expect("ok");
    assert_eq!(c.values["a"], Value::str("parent"));
    assert_eq!(c.values["b"], Value::str("child"));
    assert_eq!(c.values["here"], Value::map(user("there: {y: 1}\n")));
    let iv = &c.metadata.dependencies[0]
        .as_ref()
        .expect("dep")
        .import_values;
    assert_eq!(iv.len(), 2);
    assert_eq!(iv[0], Value::map(user("child: exports.data\nparent: .\n")));
}

#[test]
fn version_ranges_follow_masterminds() {
    for (c, v, want) in [
        ("", "1.0.0", false),
        ("*", "1.0.0", true),
        ("*", "1.0.0-rc.1", false),
        ("1.2", "1.2.9", true),
        ("1.2", "1.3.0", false),
        ("^0.2.0", "0.3.0", false),
        ("^0.2.0", "0.2.5", true),
        ("~1.2.3", "1.2.9", true),
        (">= 1.0.0, < 1.5.0 || 3.x", "3.4.0", true),
        (">= 1.0.0, < 1.5.0 || 3.x", "2.0.0", false),
        ("1.0.0 - 2.0.0", "1.5.0", true),
        ("!=1.0.0", "1.0.0", false),
        ("1.0.0", "not-a-version", false),
    ] {
        assert_eq!(is_compatible_range(c, v), want, "{c:?} {v:?}");
    }
}

#[test]
fn unsupported_api_version_is_refused_like_the_cli_loader() {
    // `helm template` loads through pkg/chart/loader, which picks the chart
    // format from apiVersion first (the oracle's SDK skips that step).
    let dir = std::env::temp_dir().join(format!("capstan-apiv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v9\nname: x\nversion: 1.0.0\n",
    )
    .expect("w");
    let e = chart::load(&dir).expect_err("refused");
    assert_eq!(e.message, "unsupported chart version");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_import_tables_are_logged_like_helm() {
    let child = chart("apiVersion: v2\nname: lib\nversion: 1.0.0\n", "", vec![]);
    let mut c = chart(
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n\
         - name: lib\n  version: 1.0.0\n  import-values:\n  - child: missing\n    parent: x\n  - gone\n",
        "",
        vec![child],
    );
    let mut w = Vec::new();
    process_dependencies(&mut c, &Map::new(), &mut w).expect("ok");
    // Text checked against the oracle's stderr.
    assert!(
        w.contains(
            &r#"WARN ImportValues missing table from chart chart=lib error="\"missing\" is not a table""#
                .to_string()
        ),
        "{w:?}"
    );
    assert!(
        w.contains(
            &r#"WARN ImportValues missing table error="\"exports\" is not a table""#.to_string()
        ),
        "{w:?}"
    );
}
