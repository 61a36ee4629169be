//! The call context given to registered functions (Helm's `include` and
//! `tpl`), and the template set.

use super::*;

// ---- the call context: Helm's include and tpl ----

pub(crate) fn helm_like() -> TemplateSet {
    use ParamType::*;
    let mut set = set_with("-");
    set.add_function(
        "include",
        Function::new(Signature::fixed(&[String, Any]), |ctx, a| {
            let name = a[0].as_str().unwrap_or_default();
            ctx.execute_template(name, a[1].clone())
                .map(Value::str)
                .map_err(FuncError::from_template_error)
        }),
    );
    set.add_function(
        "tpl",
        Function::new(Signature::fixed(&[String, Any]), |ctx, a| {
            let text = a[0].as_str().unwrap_or_default();
            ctx.execute_text("gotpl", text, a[1].clone())
                .map(Value::str)
                .map_err(FuncError::from_template_error)
        }),
    );
    set.add_function(
        "tname",
        Function::new(Signature::fixed(&[]), |ctx, _| {
            Ok(Value::str(ctx.template_name()))
        }),
    );
    set
}

fn helm_run(template: &str) -> Result<String, capstan_gotmpl::Error> {
    let mut set = helm_like();
    set.parse("t", template)?;
    set.execute("t", &data())
}

#[test]
fn include_executes_a_template_of_the_set() {
    let out = helm_run(r#"{{define "d"}}[{{.}}|{{tname}}]{{end}}{{include "d" .s | up}}{{tname}}"#);
    assert_eq!(out.unwrap(), "[STR|D]t");
    let err = helm_run(r#"{{define "d"}}{{.x.y}}{{end}}{{include "d" .s}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:31: executing "t" at <include "d" .s>: error calling include: template: t:1:18: executing "d" at <.x.y>: can't evaluate field x in type string"#
    );
    // The cause chain keeps the nested template error, as Go's %w does.
    let cause = err.cause().expect("a cause");
    assert_eq!(cause.kind(), ErrorKind::Exec);
    assert!(
        cause
            .to_string()
            .starts_with(r#"template: t:1:18: executing "d""#)
    );
    assert_eq!(
        helm_run(r#"{{include "nope" .}}"#).unwrap_err().to_string(),
        r#"template: t:1:2: executing "t" at <include "nope" .>: error calling include: template: no template "nope" associated with template "t""#
    );
}

#[test]
fn tpl_parses_text_in_a_copy_of_the_set() {
    let out = helm_run(
        r#"{{define "d"}}D{{end}}{{tpl "{{.s}}-{{include \"d\" .}}{{define \"e\"}}E{{end}}{{include \"e\" .}}-{{tname}}" .}}"#,
    );
    assert_eq!(out.unwrap(), "str-DE-gotpl");
    // Definitions made by tpl stay in its copy.
    let err = helm_run(r#"{{tpl "{{define \"e\"}}E{{end}}" .}}{{include "e" .}}"#).unwrap_err();
    assert!(
        err.to_string()
            .ends_with(r#"no template "e" associated with template "t""#),
        "{err}"
    );
    let err = helm_run(r#"{{tpl "{{.s.x}}" .}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:2: executing "t" at <tpl "{{.s.x}}" .>: error calling tpl: template: gotpl:1:4: executing "gotpl" at <.s.x>: can't evaluate field x in type interface {}"#
    );
    let err = helm_run(r#"{{tpl "{{" .}}"#).unwrap_err();
    assert_eq!(err.cause().map(|c| c.kind()), Some(ErrorKind::Parse));
}

// ---- the set ----

#[test]
fn later_definitions_replace_earlier_ones_unless_empty() {
    let mut set = TemplateSet::new();
    set.parse("a", r#"{{define "x"}}one{{end}}"#).unwrap();
    set.parse("b", r#"{{define "x"}}two{{end}}"#).unwrap();
    set.parse("c", "{{define \"x\"}} {{/* nothing */}}\n{{end}}")
        .unwrap();
    set.parse("t", r#"{{template "x"}}"#).unwrap();
    assert_eq!(set.execute("t", &Value::Nil).unwrap(), "two");
    // The file names are templates too; a helpers-only file is whitespace.
    assert_eq!(set.execute("a", &Value::Nil).unwrap(), "");
    assert_eq!(set.template_names(), ["a", "b", "c", "t", "x"]);
}

#[test]
fn executing_an_unknown_template() {
    let mut set = TemplateSet::new();
    set.parse("t", "x").unwrap();
    let err = set.execute("zz", &Value::Nil).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoSuchTemplate);
    assert_eq!(
        err.to_string(),
        r#"template: no template "zz" associated with template "t""#
    );
    set.set_name("gotpl");
    let err = set.execute("zz", &Value::Nil).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: no template "zz" associated with template "gotpl""#
    );
}

#[test]
fn errors_carry_a_snippet_for_humans() {
    let err = run("-", "a: 1\nb: {{ .s.x }}\n", &data()).unwrap_err();
    assert_eq!(
        err,
        r#"template: t:2:8: executing "t" at <.s.x>: can't evaluate field x in type interface {}"#
    );
    let mut set = TemplateSet::new();
    set.parse("t", "a: 1\nb: {{ .s.x }}\n").unwrap();
    let err = set.execute("t", &data()).unwrap_err();
    let human = format!("{err:#}");
    assert!(human.contains("2 | b: {{ .s.x }}"), "{human}");
    assert!(human.contains("  |         ^"), "{human}");
}

#[test]
fn template_sets_are_shared_across_threads() {
    fn send_sync<T: Send + Sync + Clone>() {}
    send_sync::<TemplateSet>();
    let mut set = set_with("-");
    set.parse("t", "{{range .l}}{{.}}{{end}}{{up .s}}").unwrap();
    let set = Arc::new(set);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let set = Arc::clone(&set);
            std::thread::spawn(move || {
                (0..100)
                    .map(|_| set.execute("t", &data()).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap().iter().all(|o| o == "1a<no value>STR"));
    }
}

#[test]
fn tpl_runs_its_own_text_even_when_empty() {
    // The inner texts are empty (or only a comment): Go's `t.New(name).Parse`
    // keeps the outer "gotpl" in the set but executes the new, empty tree
    // (judged by Helm v4).
    let out = helm_run(r#"{{ tpl "a{{ tpl \"\" . }}b{{ tpl \" {{/* c */}} \" . }}c" . }}"#);
    assert_eq!(out.unwrap(), "ab  c");
}

/// Runs `main` with the texts `outer` and `inner` in the data.
fn tpl_run(main: &str, outer: &str, inner: &str) -> Result<String, capstan_gotmpl::Error> {
    let mut set = helm_like();
    set.parse("t", main)?;
    let mut data = Map::new();
    data.insert("outer".into(), Value::str(outer));
    data.insert("inner".into(), Value::str(inner));
    set.execute("t", &Value::map(data))
}

#[test]
fn tpl_definitions_nest_and_hide_outer_ones() {
    // The inner text sees the outer text's templates, an include made
    // inside it sees the inner definitions, and each text's definitions end
    // with its execution.
    let out = tpl_run(
        r#"{{define "a"}}A0{{end}}{{tpl .outer .}}|{{include "a" .}}"#,
        r#"{{define "a"}}A1{{end}}{{define "b"}}B{{include "a" .}}{{end}}{{tpl .inner .}}|{{include "b" .}}"#,
        r#"{{define "a"}}A2{{end}}{{include "b" .}}"#,
    );
    assert_eq!(out.unwrap(), "BA2|BA1|A0");
    // An empty definition in a text does not replace an existing template.
    let out = tpl_run(
        r#"{{define "a"}}A0{{end}}{{tpl .outer .}}"#,
        r#"{{define "a"}} {{end}}{{include "a" .}}"#,
        "",
    );
    assert_eq!(out.unwrap(), "A0");
    let err = tpl_run(r#"{{tpl .outer .}}"#, r#"{{include "nope" .}}"#, "").unwrap_err();
    assert!(
        err.to_string()
            .ends_with(r#"no template "nope" associated with template "gotpl""#),
        "{err}"
    );
}

#[test]
fn tpl_texts_defining_many_templates() {
    // Past a few definitions the text is parsed into a copy of the set,
    // which must hold the definitions of the enclosing texts too.
    let many: String = (0..20)
        .map(|i| format!(r#"{{{{define "d{i}"}}}}{i}{{{{end}}}}"#))
        .collect();
    let inner =
        format!(r#"{many}{{{{include "d19" .}}}}{{{{include "x" .}}}}{{{{include "d0" .}}}}"#);
    let out = tpl_run(
        r#"{{tpl .outer .}}"#,
        r#"{{define "x"}}X{{end}}{{tpl .inner .}}"#,
        &inner,
    );
    assert_eq!(out.unwrap(), "19X0");
}
