//! Templates executed on two threads print exactly what one thread prints:
//! writes to maps the templates share send the render back to one thread
//! (where later templates see them, as in Helm), and the first error in
//! Helm's order is the one reported. One test per binary, so no other test
//! keeps the second worker busy.

use capstan_gotmpl::Map;
use capstan_helm::chart::{File, load_files};
use capstan_helm::render::{
    RenderOptions, SideBySide, kept_texts_given, render, side_by_side_renders,
};

/// `big` encodes to more than the few hundred bytes a render keeps the
/// `toJson`/`toYaml` texts of.
const VALUES: &str = "shared:\n  n: 1\nlist: [a, b]\nbig:\n  inner:\n    k: original\n  text: \"\
    a long text that makes the section worth keeping, a long text that makes the section worth keeping, \
    a long text that makes the section worth keeping, a long text that makes the section worth keeping, \
    and more: the section encodes to well over the few hundred bytes that are kept\"\n";

fn chart(templates: &[(&str, String)]) -> capstan_helm::chart::Chart {
    let mut files = vec![
        File::new(
            "Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\n".to_vec(),
        ),
        File::new("values.yaml", VALUES.as_bytes().to_vec()),
    ];
    for (name, text) in templates {
        files.push(File::new(
            format!("templates/{name}"),
            text.as_bytes().to_vec(),
        ));
    }
    load_files(files).expect("chart loads")
}

type Rendered = Result<std::collections::BTreeMap<String, String>, String>;

/// Renders on one thread and on two; returns both results and whether the
/// two-thread path finished (it may fall back to one thread).
fn both(templates: &[(&str, String)]) -> (Rendered, Rendered, bool) {
    let c = chart(templates);
    // Values of their own for each render, as every render coalesces
    // afresh: a template's write into a nested map must not reach the
    // next render.
    let values = || {
        capstan_helm::values::coalesce::coalesce_values(&c, &Map::new(), &mut Vec::new())
            .expect("coalesces")
    };
    let mut one = RenderOptions::new("r", "ns");
    one.side_by_side = SideBySide::Never;
    let sequential = render(&c, &values(), &one).map_err(|e| e.message);
    let before = side_by_side_renders();
    let mut two = RenderOptions::new("r", "ns");
    two.side_by_side = SideBySide::Always;
    let two = render(&c, &values(), &two).map_err(|e| e.message);
    (sequential, two, side_by_side_renders() > before)
}

fn readers(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            (
                format!("r{i:02}.yaml"),
                format!(
                    "{{{{- $own := dict \"i\" {i} }}}}{{{{- $_ := set $own \"seen\" .Values.shared.n }}}}\
                     {{{{- range $k := until 200 }}}}{{{{ $k }}}}{{{{ end }}}}\nname: r{i} {{{{ $own.seen }}}} {{{{ .Values.extra | default \"none\" }}}}\n"
                ),
            )
        })
        .collect()
}

fn refs(v: &[(String, String)]) -> Vec<(&str, String)> {
    v.iter().map(|(n, t)| (n.as_str(), t.clone())).collect()
}

#[test]
fn two_threads_print_what_one_thread_prints() {
    // Templates that only read shared maps (and write their own) run on
    // two threads when a worker is free; retried, since "free" depends on
    // the machine.
    let templates = readers(12);
    let mut went_side_by_side = false;
    for _ in 0..50 {
        let (one, two, side) = both(&refs(&templates));
        assert!(one.is_ok(), "{one:?}");
        assert_eq!(one, two);
        if side {
            went_side_by_side = true;
            break;
        }
    }
    assert!(went_side_by_side, "the two-thread path was never taken");

    // A template that writes to a shared map (Helm executes `zz` first:
    // reverse alphabetical order) is seen by every template after it.
    let mut writers = readers(12);
    writers.push((
        "zz-writes.yaml".into(),
        "{{- $_ := set .Values \"extra\" \"from-zz\" }}{{- $_ := set .Values.shared \"n\" 2 }}\nname: zz\n".into(),
    ));
    for _ in 0..10 {
        let (one, two, side) = both(&refs(&writers));
        let one = one.expect("renders");
        assert!(
            !side,
            "a shared write must send the render back to one thread"
        );
        assert_eq!(Ok(one.clone()), two);
        assert!(
            one["c/templates/r00.yaml"].ends_with("name: r0 2 from-zz\n"),
            "{one:?}"
        );
    }

    // The templates of a chart share its top-level map: a write to dot is
    // a shared write too.
    let mut dot_writer = readers(12);
    dot_writer.push((
        "zz-dot.yaml".into(),
        "{{- $_ := set . \"fromDot\" \"yes\" }}\nname: zz\n".into(),
    ));
    dot_writer.push((
        "a-reads-dot.yaml".into(),
        "dot: {{ .fromDot | default \"unset\" }}\n".into(),
    ));
    for _ in 0..10 {
        let (one, two, side) = both(&refs(&dot_writer));
        let one = one.expect("renders");
        assert!(!side);
        assert_eq!(Ok(one.clone()), two);
        assert_eq!(one["c/templates/a-reads-dot.yaml"], "dot: yes\n");
    }

    // Sections encoded by every template: the texts of unchanged frozen
    // maps are given back (on two threads), and after a write (which
    // sends the render back to one thread) the new contents are encoded.
    let encoders: Vec<(String, String)> = (0..12)
        .map(|i| {
            (
                format!("e{i:02}.yaml"),
                "json: {{ toJson .Values.big | quote }}\nyaml: {{ toYaml .Values | quote }}\n\
                 inner: {{ mustToJson .Values.big.inner }}\n"
                    .to_string(),
            )
        })
        .collect();
    let mut given = false;
    for _ in 0..50 {
        let before = kept_texts_given();
        let (one, two, side) = both(&refs(&encoders));
        assert!(one.is_ok(), "{one:?}");
        assert_eq!(one, two);
        if side && kept_texts_given() > before {
            given = true;
            break;
        }
    }
    assert!(given, "no kept text was ever given back");
    let mut written = encoders.clone();
    written.push((
        "m-writes.yaml".into(),
        "{{- $_ := set .Values.big.inner \"k\" \"changed\" }}\nname: m\n".into(),
    ));
    for _ in 0..10 {
        let (one, two, side) = both(&refs(&written));
        let one = one.expect("renders");
        assert!(!side);
        assert_eq!(Ok(one.clone()), two);
        // Helm executes in reverse name order: m-writes before every eNN,
        // which all see the change.
        assert!(one["c/templates/e00.yaml"].contains("changed"), "{one:?}");
    }
    let mut late_write = encoders.clone();
    late_write.push((
        "a-writes.yaml".into(),
        "{{- $_ := set .Values.big.inner \"k\" \"changed\" }}\n\
         after: {{ toJson .Values.big | quote }}\n"
            .into(),
    ));
    late_write.push((
        "0-reads.yaml".into(),
        "last: {{ toJson .Values.big }}\n".into(),
    ));
    for _ in 0..10 {
        let (one, two, _) = both(&refs(&late_write));
        let one = one.expect("renders");
        assert_eq!(Ok(one.clone()), two);
        assert!(one["c/templates/e00.yaml"].contains("original"), "{one:?}");
        assert!(
            one["c/templates/a-writes.yaml"].contains("changed"),
            "{one:?}"
        );
        assert!(
            one["c/templates/0-reads.yaml"].contains("changed"),
            "{one:?}"
        );
    }

    // Errors: the first in Helm's order, whichever thread met it first.
    let mut failing = readers(12);
    failing.push(("f05.yaml".into(), "{{ fail \"f05\" }}".into()));
    failing.push(("f09.yaml".into(), "{{ fail \"f09 comes first\" }}".into()));
    for _ in 0..10 {
        let (one, two, _) = both(&refs(&failing));
        let err = one.expect_err("fails");
        assert!(err.contains("f09 comes first"), "{err}");
        assert_eq!(Err(err), two);
    }
}
