//! The output buffers of templates executed by a function (Helm's
//! `include`) are reused by later calls and later executions on the same
//! thread: each call's output must be its own, whatever the buffer held.

use capstan_gotmpl::{Function, ParamType, Signature, TemplateSet, Value};

/// A set with Helm's `include NAME DATA` (output returned as a string).
fn set_with_include() -> TemplateSet {
    let mut set = TemplateSet::new();
    set.add_function(
        "include",
        Function::new(
            Signature::fixed(&[ParamType::String, ParamType::Any]),
            |ctx, args| {
                let name = args[0].as_str().unwrap_or_default();
                ctx.execute_template_value(name, args[1].clone())
                    .map_err(capstan_gotmpl::FuncError::from_template_error)
            },
        ),
    );
    set
}

#[test]
fn included_outputs_are_their_own_across_calls_and_executions() {
    let mut set = set_with_include();
    let long = "x".repeat(5000);
    set.parse(
        "helpers",
        &format!(
            r#"{{{{define "long"}}}}{long}{{{{end}}}}{{{{define "short"}}}}s{{{{.}}}}{{{{end}}}}{{{{define "nest"}}}}[{{{{include "short" .}}}}|{{{{include "long" .}}}}]{{{{end}}}}"#
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    set.parse(
        "a",
        r#"{{ include "long" . | len }} {{ include "short" 1 }} {{ include "short" 2 }}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    set.parse(
        "b",
        r#"{{ include "short" 3 }}{{ include "nest" 4 | len }}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    set.parse("c", r#"<{{ include "short" "" }}>"#)
        .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..3 {
        assert_eq!(
            set.execute("a", &Value::Nil).as_deref().ok(),
            Some("5000 s1 s2")
        );
        // "[s4|" + 5000 + "]"
        assert_eq!(
            set.execute("b", &Value::Nil).as_deref().ok(),
            Some("s35005")
        );
        assert_eq!(set.execute("c", &Value::Nil).as_deref().ok(), Some("<s>"));
    }
    // A failing include leaves nothing behind for the next execution.
    set.parse(
        "bad",
        r#"{{define "broken"}}partial output{{ index 1 2 }}{{end}}{{ include "broken" . }}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(set.execute("bad", &Value::Nil).is_err());
    assert_eq!(set.execute("c", &Value::Nil).as_deref().ok(), Some("<s>"));
}

#[test]
fn outputs_of_any_length_follow_each_other() {
    // The buffer of an execution is sized from the template's last output
    // (a hint): longer, shorter and longer again, each output is whole.
    let mut set = TemplateSet::new();
    set.parse("t", "{{ range . }}{{ . }},{{ end }}")
        .unwrap_or_else(|e| panic!("{e}"));
    for n in [3usize, 20_000, 1, 0, 50_000, 7] {
        let items: Vec<Value> = (0..n).map(|i| Value::Int(i as i64 % 10)).collect();
        let want: String = (0..n).map(|i| format!("{},", i % 10)).collect();
        let got = set
            .execute("t", &Value::list(items))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, want, "{n} items");
    }
}
