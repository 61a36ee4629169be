//! An execution remembers the templates it called by name (see
//! `exec/memo.rs`): each call must still run the template of its own name,
//! for names that share a memo slot, names built at run time, and the
//! definitions a `tpl` text lays over the set for its own execution only.

use capstan_gotmpl::{CallContext, FuncError, Function, ParamType, Signature, TemplateSet, Value};

fn name_arg(args: &[Value]) -> &str {
    args[0].as_str().unwrap_or_default()
}

/// A set with Helm's `include NAME DATA` and `tpl TEXT DATA`.
fn set_with_include_and_tpl() -> TemplateSet {
    let mut set = TemplateSet::new();
    let sig = || Signature::fixed(&[ParamType::String, ParamType::Any]);
    set.add_function(
        "include",
        Function::new(sig(), |ctx: &mut dyn CallContext, args| {
            ctx.execute_template_value(name_arg(args), args[1].clone())
                .map_err(FuncError::from_template_error)
        }),
    );
    set.add_function(
        "tpl",
        Function::new(sig(), |ctx: &mut dyn CallContext, args| {
            ctx.execute_text("gotpl", name_arg(args), args[1].clone())
                .map(Value::from)
                .map_err(FuncError::from_template_error)
        }),
    );
    set
}

#[test]
fn names_sharing_a_slot_each_call_their_own_template() {
    let mut set = set_with_include_and_tpl();
    // Same length, same middle and last byte: the memo's slot is the same
    // for all of them.
    let names: Vec<String> = "abcdefghij".chars().map(|c| format!("{c}-x-1")).collect();
    let mut helpers = String::new();
    for n in &names {
        helpers.push_str(&format!("{{{{define \"{n}\"}}}}<{n}>{{{{end}}}}"));
    }
    set.parse("helpers", &helpers)
        .unwrap_or_else(|e| panic!("{e}"));
    // Each name twice, interleaved, by literal and by a name built at run
    // time; and with `template` as well as `include`.
    let mut body = String::new();
    let mut expected = String::new();
    for n in names.iter().chain(names.iter().rev()) {
        let first = &n[..1];
        body.push_str(&format!(
            "{{{{include \"{n}\" .}}}}{{{{include (printf \"%s-x-1\" \"{first}\") .}}}}{{{{template \"{n}\"}}}}"
        ));
        expected.push_str(&format!("<{n}><{n}><{n}>"));
    }
    set.parse("main", &body).unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..2 {
        assert_eq!(
            set.execute("main", &Value::Nil).ok(),
            Some(expected.clone())
        );
    }
}

#[test]
fn a_tpl_definition_is_seen_by_its_text_only() {
    let mut set = set_with_include_and_tpl();
    set.parse("helpers", r#"{{define "t"}}set{{end}}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    set.parse(
        "main",
        r#"{{include "t" .}} {{tpl "{{define \"t\"}}overlay{{end}}{{include \"t\" .}} {{template \"t\"}}" .}} {{include "t" .}} {{template "t"}}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        set.execute("main", &Value::Nil).ok().as_deref(),
        Some("set overlay overlay set set")
    );
}

#[test]
fn a_missing_template_stays_missing() {
    let mut set = set_with_include_and_tpl();
    set.parse("helpers", r#"{{define "here"}}h{{end}}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    set.parse("main", r#"{{include "here" .}}{{include "gone" .}}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let err = set
        .execute("main", &Value::Nil)
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains(r#"no template "gone" associated"#)),
        "{err:?}"
    );
}
