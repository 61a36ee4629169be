//! Reading maps: field chains that the evaluator reads in place through
//! nested maps, and the lock-free reads of frozen maps.
//!
//! The expected texts of the template cases are what Go 1.19's
//! text/template prints for the same data (a map containing itself, a nil
//! entry, missing keys under each `missingkey` option).

use capstan_gotmpl::{Function, Map, MapRef, MissingKey, ParamType, Signature, TemplateSet, Value};

fn map(entries: &[(&str, Value)]) -> Value {
    Value::map(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

/// `{"d": d (with d.self = d, d.x = 1), "a": {"b": {"c": "deep"}, "n": nil}}`
fn data() -> Value {
    let d = MapRef::new(Map::new());
    d.update(|m| {
        m.insert("self".into(), Value::Map(d.clone()));
        m.insert("x".into(), Value::Int(1));
    });
    map(&[
        ("d", Value::Map(d)),
        (
            "a",
            map(&[("b", map(&[("c", Value::str("deep"))])), ("n", Value::Nil)]),
        ),
    ])
}

/// `set MAP KEY VALUE`, as Sprig's (through `try_update`, like it).
fn with_set(set: &mut TemplateSet) {
    set.add_function(
        "set",
        Function::new(
            Signature::fixed(&[ParamType::Map, ParamType::String, ParamType::Any]),
            |_, args| {
                let (Some(m), Some(k)) = (args[0].as_map_ref(), args[1].as_str()) else {
                    return Err(capstan_gotmpl::FuncError::msg("bad arguments"));
                };
                m.try_update(|c| c.insert(k.to_string(), args[2].clone()))
                    .map_err(|e| capstan_gotmpl::FuncError::msg(e.to_string()))?;
                Ok(args[0].clone())
            },
        ),
    );
}

fn run(missing: MissingKey, text: &str, data: &Value) -> String {
    let mut set = TemplateSet::new();
    set.set_missing_key(missing);
    with_set(&mut set);
    if let Err(e) = set.parse("t", text) {
        return format!("PARSE {e}");
    }
    match set.execute("t", data) {
        Ok(out) => out,
        Err(e) => format!("ERR {}", e.to_string().lines().next().unwrap_or("")),
    }
}

#[test]
fn field_chains_read_through_maps_as_go_does() {
    let data = data();
    let modes = [
        (
            MissingKey::Default,
            [
                "1|deep|<no value>|<no value>|<no value>",
                "<no value>",
                "ERR template: t:1:4: executing \"t\" at <.a.n.c>: nil pointer evaluating interface {}.c",
            ],
        ),
        (
            MissingKey::Zero,
            [
                "1|deep|ERR template: t:1:34: executing \"t\" at <.a.zz.c>: nil pointer evaluating interface {}.c",
                "ERR template: t:1:4: executing \"t\" at <.a.zz.c>: nil pointer evaluating interface {}.c",
                "ERR template: t:1:4: executing \"t\" at <.a.n.c>: nil pointer evaluating interface {}.c",
            ],
        ),
        (
            MissingKey::Error,
            [
                "1|deep|ERR template: t:1:34: executing \"t\" at <.a.zz.c>: map has no entry for key \"zz\"",
                "ERR template: t:1:4: executing \"t\" at <.a.zz.c>: map has no entry for key \"zz\"",
                "ERR template: t:1:4: executing \"t\" at <.a.n.c>: nil pointer evaluating interface {}.c",
            ],
        ),
    ];
    for (mode, [first, second, third]) in modes {
        // Go writes the output made before an error; the harness here
        // returns the error alone, so the first case is split at it.
        let whole = run(
            mode,
            "{{.d.self.self.x}}|{{.a.b.c}}|{{.a.zz.c}}|{{.a.b.zz}}|{{.a.n}}",
            &data,
        );
        let prefix = run(mode, "{{.d.self.self.x}}|{{.a.b.c}}|", &data);
        assert_eq!(
            if whole.starts_with("ERR") {
                format!("{prefix}{whole}")
            } else {
                whole
            },
            first,
            "{mode:?}"
        );
        assert_eq!(run(mode, "{{.a.zz.c}}", &data), second, "{mode:?}");
        assert_eq!(run(mode, "{{.a.n.c}}", &data), third, "{mode:?}");
        assert_eq!(
            run(mode, "{{.a.b.c 1}}", &data),
            "ERR template: t:1:4: executing \"t\" at <.a.b.c>: c is not a method but has arguments"
        );
        assert_eq!(
            run(mode, "{{1 | .a.b.c}}", &data),
            "ERR template: t:1:8: executing \"t\" at <.a.b.c>: c is not a method but has arguments"
        );
        assert_eq!(
            run(
                mode,
                "{{$v := .a}}{{$v.b.c}}|{{(.a).b.c}}|{{with .a}}{{.b.c}}{{end}}",
                &data
            ),
            "deep|deep|deep"
        );
    }
}

#[test]
fn long_chains_and_maps_met_twice_on_the_way() {
    // Longer than what one in-place read covers.
    let mut deep = map(&[("v", Value::str("bottom"))]);
    for _ in 0..40 {
        deep = map(&[("k", deep)]);
    }
    let text = format!("{{{{.{}v}}}}", "k.".repeat(40));
    assert_eq!(run(MissingKey::Default, &text, &deep), "bottom");
    // A map reached again inside itself (read without locking it twice).
    let data = data();
    let text = format!("{{{{.d.{}x}}}}", "self.".repeat(40));
    assert_eq!(run(MissingKey::Default, &text, &data), "1");
}

#[test]
fn a_set_is_seen_through_every_alias_in_chains() {
    let data = data();
    let out = run(
        MissingKey::Default,
        "{{$b := .a.b}}{{$_ := set $b \"c\" \"changed\"}}{{.a.b.c}}|{{$b.c}}|{{.d.self.x}}{{$_ := set .d.self \"x\" 2}}|{{.d.x}}",
        &data,
    );
    assert_eq!(out, "changed|changed|1|2");
}

#[test]
fn frozen_maps_read_what_was_written_before_freezing() {
    let m = MapRef::new(Map::new());
    m.update(|c| c.insert("k".into(), Value::str("before")));
    let alias = m.clone();
    m.freeze();
    assert_eq!(alias.get("k"), Some(Value::str("before")));
    assert_eq!(
        m.frozen_contents().and_then(|c| c.get("k")).cloned(),
        Some(Value::str("before"))
    );
    assert_eq!(m.read(|c| c.len()), 1);
    // Freezing again changes nothing.
    m.freeze();
    assert_eq!(m.snapshot().get("k"), Some(&Value::str("before")));
}

#[test]
fn a_write_to_a_frozen_map_thaws_it_and_every_alias_sees_it() {
    let m = MapRef::new(Map::new());
    m.update(|c| c.insert("k".into(), Value::str("before")));
    m.freeze();
    let kept = m.frozen_contents().cloned();
    let alias = m.clone();
    // Outside `guarded`, a frozen map is still written (Helm's order).
    assert!(
        m.try_update(|c| c.insert("k".into(), Value::str("after")))
            .is_ok()
    );
    assert_eq!(alias.get("k"), Some(Value::str("after")));
    assert_eq!(alias.snapshot().get("k"), Some(&Value::str("after")));
    assert!(alias.frozen_contents().is_none());
    assert_eq!(
        kept.and_then(|c| c.get("k").cloned()),
        Some(Value::str("before"))
    );
    // Freezing a thawed map keeps reads on the current contents, and the
    // guard still refuses writes to it.
    m.freeze();
    assert_eq!(m.get("k"), Some(Value::str("after")));
    let (result, refused) =
        capstan_gotmpl::guard::guarded(|| m.try_update(|c| c.insert("k".into(), Value::Nil)));
    assert!(result.is_err() && refused);
    assert_eq!(alias.get("k"), Some(Value::str("after")));
    m.update(|c| c.insert("k".into(), Value::str("again")));
    assert_eq!(alias.get("k"), Some(Value::str("again")));
}

#[test]
fn guarded_writes_to_frozen_maps_are_refused_and_change_nothing() {
    let data = data();
    if let Value::Map(m) = &data {
        m.freeze();
    }
    let (out, refused) = capstan_gotmpl::guard::guarded(|| {
        run(
            MissingKey::Default,
            "{{$_ := set . \"new\" 1}}{{.new}}",
            &data,
        )
    });
    assert!(refused);
    assert!(out.starts_with("ERR "), "{out}");
    assert_eq!(data.as_map_ref().and_then(|m| m.get("new")), None);
    // Maps inside that were not frozen are the template's to change.
    let (out, refused) = capstan_gotmpl::guard::guarded(|| {
        run(
            MissingKey::Default,
            "{{$_ := set .a.b \"c\" \"mine\"}}{{.a.b.c}}",
            &data,
        )
    });
    assert!(!refused);
    assert_eq!(out, "mine");
}

/// Keys (and variables) that share a length and a first or last byte are
/// told apart: lookups compare those bytes inline before the whole name.
#[test]
fn keys_and_variables_alike_in_length_and_ends_are_told_apart() {
    // Small maps (scanned) and a large one (searched by the tree).
    for extra in [0, 20] {
        let mut entries: Vec<(String, Value)> = ["ab", "ac", "bb", "bc", "", "a", "abc", "cbc"]
            .iter()
            .enumerate()
            .map(|(i, k)| (k.to_string(), Value::Int(i as i64)))
            .collect();
        for i in 0..extra {
            entries.push((format!("z{i:02}"), Value::Int(100 + i)));
        }
        let data = Value::map(entries.iter().cloned().collect());
        let mut set = TemplateSet::new();
        set.parse(
            "t",
            r#"{{.ab}} {{.ac}} {{.bb}} {{.bc}} {{index . ""}} {{.a}} {{.abc}} {{.cbc}} {{.ad}} {{.b}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            set.execute("t", &data).ok().as_deref(),
            Some("0 1 2 3 4 5 6 7 <no value> <no value>"),
            "{extra} extra keys"
        );
    }
    let mut set = TemplateSet::new();
    set.parse(
        "v",
        r#"{{$ab := 1}}{{$cb := 2}}{{$b := 3}}{{$abc := 4}}{{$ab}}{{$cb}}{{$b}}{{$abc}}{{$cb = 5}}{{$ab}}{{$cb}}{{range $xa, $ya := .}}{{$xa}}{{$ya}}{{end}}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let list = Value::list(vec![Value::str("p"), Value::str("q")]);
    assert_eq!(set.execute("v", &list).ok().as_deref(), Some("1234150p1q"));
}
