//! Size limits of rendering, each a clear error instead of exhausted memory
//! or hours of CPU:
//! - values that expand exponentially (a map shared twice at each of 40
//!   levels, a list doubled by `concat` in a loop, a map containing itself)
//!   end with an error naming the function and the limit (fuzzer findings,
//!   see tests/fuzzed/helm_render/);
//! - a template's output past the output cap (256 MiB);
//! - `tpl` recursing into itself (real Helm dies of a Go stack overflow);
//! - a chart directory file larger than Helm's 5 MiB file cap (the archive
//!   caps are fixtures under tests/charts/err_archive_*).

use std::time::{Duration, Instant};

use capstan_gotmpl::Map;
use capstan_helm::chart::{self, File};
use capstan_helm::render::{self, RenderOptions};
use capstan_helm::values;

/// Renders `template` as the only template of a tiny chart: its output, or
/// the error text.
fn render(template: &str) -> Result<String, String> {
    render_with_values(template, "")
}

fn render_with_values(template: &str, values: &str) -> Result<String, String> {
    let files = vec![
        File::new(
            "Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\n".to_vec(),
        ),
        File::new("values.yaml", values.as_bytes().to_vec()),
        File::new("templates/t.yaml", template.as_bytes().to_vec()),
    ];
    let c = chart::load_files(files).map_err(|e| e.to_string())?;
    let prepared = values::prepare(c, &Map::new()).map_err(|e| e.to_string())?;
    let opts = RenderOptions::new("rel", "ns");
    let out =
        render::render(&prepared.chart, &prepared.values, &opts).map_err(|e| e.to_string())?;
    Ok(out.get("c/templates/t.yaml").cloned().unwrap_or_default())
}

const SHARED: &str =
    r#"{{ $d := dict "a" 1 }}{{ range until 40 }}{{ $d = dict "a" $d "b" $d }}{{ end }}"#;
const SELF: &str = r#"{{ $d := dict }}{{ $_ := set $d "self" $d }}"#;

/// The error of `{{ CALL }}` after `prelude`, checked to come fast.
fn error_of(prelude: &str, call: &str) -> String {
    let start = Instant::now();
    let result = render(&format!("{prelude}{{{{ {call} }}}}"));
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{call} took {:?}",
        start.elapsed()
    );
    match result {
        Ok(out) => panic!("{call} rendered {} bytes", out.len()),
        Err(e) => e,
    }
}

#[test]
fn encoders_refuse_a_shared_map_expanding_past_the_output_cap() {
    for (call, name, what) in [
        ("toJson $d", "toJson", "json: the value expands to at least"),
        (
            "mustToJson $d",
            "mustToJson",
            "json: the value expands to at least",
        ),
        (
            "toYaml $d",
            "toYaml",
            "toYaml: an unshared copy of the value takes at least",
        ),
        ("mustToYaml $d", "mustToYaml", "toYaml: an unshared copy"),
        (
            "toYamlPretty $d",
            "toYamlPretty",
            "toYamlPretty: an unshared copy",
        ),
        (
            "toToml $d",
            "toToml",
            "toToml: the value expands to at least",
        ),
        (
            "deepCopy $d",
            "deepCopy",
            "deepCopy: an unshared copy of the value takes",
        ),
        ("toString $d", "toString", "toString: the value expands"),
        ("cat 1 $d", "cat", "cat: the value expands"),
        ("quote $d", "quote", "quote: the value expands"),
        ("dict $d 1", "dict", "dict: the value expands"),
    ] {
        let err = error_of(SHARED, call);
        assert!(
            err.contains(&format!("error calling {name}: {what}")),
            "{call}: {err}"
        );
        assert!(
            err.contains("the maximum output size (268435456 bytes)"),
            "{call}: {err}"
        );
    }
}

#[test]
fn printing_a_shared_map_expanding_past_the_output_cap_is_a_limit_error() {
    // The action's own printing and the printing built-ins.
    for call in [
        "$d",
        "print $d",
        "printf \"%v\" $d",
        "println 1 $d",
        "html $d",
    ] {
        let err = error_of(SHARED, call);
        assert!(
            err.ends_with("output exceeds the maximum size (268435456 bytes)"),
            "{call}: {err}"
        );
    }
}

#[test]
fn sharing_that_expands_to_little_is_fine() {
    let small =
        r#"{{ $d := dict "a" 1 }}{{ range until 3 }}{{ $d = dict "a" $d "b" $d }}{{ end }}"#;
    let out = render(&format!("{small}{{{{ toJson $d }}}}")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.matches(r#"{"a":1}"#).count(), 8, "{out}");
    let out =
        render(&format!("{small}{{{{ deepCopy $d | toYaml }}}}")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.matches("a: 1").count(), 8, "{out}");
}

#[test]
fn concat_doubling_stops_at_the_output_cap() {
    let err = error_of(
        "{{ $l := list 1 }}{{ range until 30 }}{{ $l = concat $l $l }}{{ end }}",
        "len $l",
    );
    assert!(
        err.contains(
            "error calling concat: concat: a list of 16777216 items exceeds the maximum output size (268435456 bytes)"
        ),
        "{err}"
    );
}

#[test]
fn a_map_containing_itself() {
    // Go's encoding/json reports the cycle (and toJson prints "").
    let err = error_of(SELF, "mustToJson $d");
    assert!(
        err.ends_with(
            "error calling mustToJson: json: unsupported value: encountered a cycle via map[string]interface {}"
        ),
        "{err}"
    );
    let out =
        render(&format!("{SELF}x: {{{{ toJson $d | quote }}}}")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, "x: \"\"");
    // Go's deepCopy and toYamlPretty overflow the stack; capstan says why.
    let err = error_of(SELF, "deepCopy $d");
    assert!(
        err.ends_with(
            "deepCopy: the value contains itself (a map[string]interface {} reachable from itself)"
        ),
        "{err}"
    );
    let err = error_of(SELF, "toYamlPretty $d");
    assert!(
        err.contains("toYamlPretty: the value contains itself"),
        "{err}"
    );
}

#[test]
fn output_past_the_cap_is_a_limit_error() {
    // 1 MiB printed 300 times.
    let err = error_of(
        r#"{{ $s := "x" }}{{ range until 20 }}{{ $s = print $s $s }}{{ end }}"#,
        "range until 300 }}{{ $s }}{{ end",
    );
    assert!(
        err.ends_with("output exceeds the maximum size (268435456 bytes)"),
        "{err}"
    );
    // A string doubled in a loop is refused once it passes the cap.
    let err = error_of(
        r#"{{ $s := "x" }}{{ range until 40 }}{{ $s = print $s $s }}{{ end }}"#,
        "len $s",
    );
    assert!(
        err.contains(
            "a value of 536870912 bytes or items exceeds the maximum output size (268435456 bytes)"
        ),
        "{err}"
    );
}

#[test]
fn a_chart_file_over_helms_file_cap_is_refused() {
    let dir = std::env::temp_dir().join(format!("capstan-limits-{}", std::process::id()));
    let chart = dir.join("big");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: big\nversion: 0.1.0\n",
    )
    .expect("write");
    std::fs::write(chart.join("big.bin"), vec![0u8; 5 * 1024 * 1024 + 1]).expect("write");
    let err = chart::load(&chart).map(|_| ()).map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    // Helm v4.2.3 (checked with the oracle on a 6,000,000-byte file).
    assert_eq!(
        err,
        Err("chart file \"big.bin\" is larger than the maximum file size 5242880".to_string())
    );
}

#[test]
fn tpl_recursing_into_itself_stops_with_an_error() {
    let start = Instant::now();
    let err = render_with_values(
        "x: {{ tpl .Values.x . }}\n",
        "x: \"{{ tpl .Values.x . }}\"\n",
    )
    .expect_err("endless tpl recursion must fail");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert!(
        err.contains("exceeded maximum nesting of the evaluator")
            || err.contains("exceeded maximum template depth"),
        "{err}"
    );
    // Through include, Helm's own guard names the template.
    let err = render(
        "{{- define \"r\" }}{{ tpl \"{{ include \\\"r\\\" . }}\" . }}{{ end }}x: {{ include \"r\" . }}\n",
    )
    .expect_err("endless include/tpl recursion must fail");
    assert!(
        err.contains(
            "rendering template has a nested reference name: r: unable to execute template"
        ),
        "{err}"
    );
}

#[test]
fn merging_shared_maps_merges_each_pair_once() {
    let start = Instant::now();
    let out = render(concat!(
        r#"{{ $a := dict "x" 1 }}{{ $b := dict "y" 2 }}{{ range until 40 }}"#,
        r#"{{ $a = dict "a" $a "b" $a }}{{ $b = dict "a" $b "b" $b }}{{ end }}"#,
        r#"{{ $_ := mergeOverwrite $a $b }}{{ $_ := merge $a $b }}"#,
        r#"{{ range until 40 }}{{ $a = $a.a }}{{ end }}{{ toJson $a }}"#,
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(out, r#"{"x":1,"y":2}"#);
}

#[test]
fn comparing_shared_maps_visits_each_pair_once() {
    // reflect.DeepEqual remembers the pairs it visited, so Go is fast here too.
    let start = Instant::now();
    let out = render(concat!(
        r#"{{ $a := dict "x" 1 }}{{ $b := dict "x" 1 }}{{ $c := dict "x" 2 }}{{ range until 40 }}"#,
        r#"{{ $a = dict "a" $a "b" $a }}{{ $b = dict "a" $b "b" $b }}{{ $c = dict "a" $c "b" $c }}{{ end }}"#,
        r#"{{ has $a (list $b) }} {{ has $a (list $c) }} {{ uniq (list $a $b $c) | len }}"#,
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(out, "true false 2");
}
