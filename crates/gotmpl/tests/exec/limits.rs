//! Limits: clear errors, never a hang or a stack overflow.

use super::*;

use crate::context::helm_like;

// ---- limits: clear errors, never a hang or a stack overflow ----

/// Runs `f` on a thread with the stack the default limits are documented
/// to need: 2 MiB optimised, four times as much (with margin) in debug.
fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    let stack = if cfg!(debug_assertions) {
        16 << 20
    } else {
        2 << 20
    };
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic");
}

#[test]
fn recursive_templates_hit_the_depth_limit() {
    on_big_stack(recursive_templates);
}

fn recursive_templates() {
    let mut set = TemplateSet::new();
    set.parse(
        "t",
        r#"{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}"#,
    )
    .unwrap();
    let err = set.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert_eq!(
        err.to_string(),
        r#"template: t:1:25: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (1000)"#
    );
    set.limits_mut().max_depth = 3;
    let err = set.execute("t", &Value::Nil).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("exceeded maximum template depth (3)")
    );
}

#[test]
fn recursive_include_is_a_limit_error_not_a_function_error() {
    on_big_stack(recursive_include);
}

fn recursive_include() {
    let mut set = helm_like();
    set.parse(
        "t",
        r#"{{define "r"}}{{include "r" .}}{{end}}{{include "r" .}}"#,
    )
    .unwrap();
    let err = set.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    // Each level costs more stack than a `template` call: the nesting
    // limit stops it first.
    assert!(
        err.to_string()
            .ends_with(": exceeded maximum nesting of the evaluator (2000)"),
        "{err}"
    );
    assert!(err.to_string().starts_with(r#"template: t:1:"#), "{err}");
    set.limits_mut().max_depth = 10;
    let err = set.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(
        err.to_string()
            .ends_with(": exceeded maximum template depth (10)"),
        "{err}"
    );
    // tpl re-parsing its own text: every level parses and runs a copy.
    let mut set = helm_like();
    set.parse("t", "{{tpl .t .}}").unwrap();
    let err = set
        .execute("t", &map(vec![("t", Value::str("{{tpl .t .}}"))]))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    // A limit error surfaces as itself, where the limit was reached.
    assert!(
        err.to_string().starts_with(r#"template: gotpl:1:"#),
        "{err}"
    );
}

#[test]
fn fuel_bounds_the_work_of_one_execution() {
    let mut set = TemplateSet::new();
    set.limits_mut().fuel = 1000;
    set.parse("t", "{{range 1000000000}}{{end}}").unwrap();
    let err = set.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(
        err.to_string()
            .ends_with("execution budget exhausted (1000 steps)"),
        "{err}"
    );
    // The budget is per execution, not per set.
    set.parse("small", "{{range 10}}{{.}}{{end}}").unwrap();
    for _ in 0..3 {
        assert_eq!(set.execute("small", &Value::Nil).unwrap(), "0123456789");
    }
}

#[test]
fn output_size_is_capped() {
    let mut set = TemplateSet::new();
    set.limits_mut().max_output = 100;
    set.parse("t", "{{range 1000}}0123456789{{end}}").unwrap();
    let err = set.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(
        err.to_string()
            .ends_with("output exceeds the maximum size (100 bytes)"),
        "{err}"
    );
}

#[test]
fn evaluator_nesting_is_bounded() {
    let mut set = TemplateSet::new();
    set.limits_mut().max_nesting = 5;
    let text = format!("{}x{}", "{{if 1}}".repeat(10), "{{end}}".repeat(10));
    set.parse("t", &text).unwrap();
    let err = set.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(
        err.to_string()
            .ends_with("exceeded maximum nesting of the evaluator (5)"),
        "{err}"
    );
    set.limits_mut().max_nesting = 100;
    assert_eq!(set.execute("t", &Value::Nil).unwrap(), "x");
}

#[test]
fn deep_data_does_not_recurse() {
    // (Building and dropping a deeply nested value recurses in the value
    // model, hence the big stack; walking a field chain does not.)
    on_big_stack(|| {
        let mut deep = Value::str("bottom");
        for _ in 0..2_000 {
            deep = map(vec![("a", deep)]);
        }
        let path = format!("{{{{.{}}}}}", vec!["a"; 2_000].join("."));
        let mut set = TemplateSet::new();
        set.parse("t", &path).unwrap();
        assert_eq!(set.execute("t", &deep).unwrap(), "bottom");
    });
}

#[test]
fn hostile_recursion_stops_at_a_limit() {
    on_big_stack(hostile_recursion);
}

fn hostile_recursion() {
    let deep = format!(
        "{}(include \"r\" .){}",
        "(print ".repeat(70),
        ")".repeat(70)
    );
    let cases = [
        r#"{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}"#.to_string(),
        r#"{{define "r"}}{{if 1}}{{with 2}}{{range 1}}{{template "r" .}}{{end}}{{end}}{{end}}{{end}}{{template "r" .}}"#.to_string(),
        r#"{{define "r"}}{{include "r" .}}{{end}}{{include "r" .}}"#.to_string(),
        format!(r#"{{{{define "r"}}}}{{{{{deep}}}}}{{{{end}}}}{{{{include "r" .}}}}"#),
        format!(r#"{{{{define "r"}}}}{{{{template "r" {deep}}}}}{{{{end}}}}{{{{template "r" .}}}}"#),
        r#"{{tpl "{{tpl \"{{include \\\"r\\\" .}}\" .}}" .}}{{define "r"}}{{tpl "{{include \"r\" .}}" .}}{{end}}"#.to_string(),
    ];
    for text in cases {
        let mut set = helm_like();
        set.parse("t", &text).unwrap();
        let err = set.execute("t", &Value::Nil).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Limit, "{text}: {err}");
    }
}

#[test]
fn output_held_by_callers_counts_towards_the_cap() {
    // Each level writes 60 bytes, then includes the next: no single buffer
    // exceeds the cap, all of them together do.
    let mut set = helm_like();
    set.limits_mut().max_output = 1000;
    let text = format!(
        r#"{{{{define "r"}}}}{}{{{{include "r" .}}}}{{{{end}}}}{{{{include "r" .}}}}"#,
        "x".repeat(60)
    );
    set.parse("t", &text).unwrap();
    let err = set.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(
        err.to_string()
            .ends_with("output exceeds the maximum size (1000 bytes)"),
        "{err}"
    );
}

#[test]
fn fuel_is_charged_for_the_size_of_built_values() {
    let mut set = set_with("-");
    set.limits_mut().fuel = 10_000;
    let big = Value::list((0..10_000).map(Value::Int).collect());
    set.parse("t", "{{range 100}}{{$s := print $}}{{end}}")
        .unwrap();
    let err = set.execute("t", &big).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit, "{err}");
    // Looking into a big value is free.
    set.parse("u", "{{range 100}}{{$s := index $ 5}}{{end}}ok")
        .unwrap();
    assert_eq!(set.execute("u", &big).unwrap(), "ok");
}
