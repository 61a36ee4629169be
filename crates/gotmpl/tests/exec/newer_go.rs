//! Behaviour added or changed after Go 1.19 (judged by real Helm v4), and
//! host objects.

use super::*;

// ---- Go 1.22-1.24 behaviour (judged by Helm v4) ----

#[test]
fn range_over_integer() {
    assert_eq!(render("{{range 3}}{{.}}{{end}}").unwrap(), "012");
    assert_eq!(
        render(r#"{{range $i := 3}}{{$i}}{{printf "%T" $i}}{{end}}"#).unwrap(),
        "0int1int2int"
    );
    assert_eq!(
        render(r#"{{range .i64}}{{printf "%T" .}}{{end}}"#).unwrap(),
        "int64"
    );
    assert_eq!(
        render("{{range -2}}x{{else}}empty{{end}}").unwrap(),
        "empty"
    );
    assert_eq!(
        render("{{range $i, $e := 3}}{{$i}}{{end}}").unwrap_err(),
        r#"template: t:1:18: executing "t" at <3>: can't use 3 to iterate over more than one variable"#
    );
    assert_eq!(
        render("{{range 2.5}}x{{end}}").unwrap_err(),
        r#"template: t:1:8: executing "t" at <2.5>: range can't iterate over 2.5"#
    );
    assert_eq!(
        render("{{range 5}}{{if eq . 3}}{{break}}{{end}}{{.}}{{end}}").unwrap(),
        "012"
    );
}

#[test]
fn else_with_chain() {
    assert_eq!(
        render("{{with .missing}}a{{else with .l}}{{len .}}{{end}}").unwrap(),
        "3"
    );
    assert_eq!(
        render("{{with .missing}}a{{else with .e}}b{{else}}c{{end}}").unwrap(),
        "c"
    );
}

#[test]
fn range_assigns_outer_variables() {
    let strs = map(vec![(
        "l",
        Value::list(vec![Value::str("a"), Value::str("b")]),
    )]);
    let out = run(
        "-",
        "{{$i := 0}}{{$e := 0}}{{range $i, $e = .l}}{{end}}{{$i}}{{$e}}",
        &strs,
    );
    assert_eq!(out.unwrap(), "1b");
    let out = run("-", "{{$e := 0}}{{range $e = .l}}{{end}}{{$e}}", &strs);
    assert_eq!(out.unwrap(), "b");
}

#[test]
fn comparison_errors_name_the_types() {
    assert_eq!(
        render(r#"{{eq 1 "a"}}"#).unwrap_err(),
        r#"template: t:1:2: executing "t" at <eq 1 "a">: error calling eq: incompatible types for comparison: int and string"#
    );
    assert_eq!(
        render("{{lt .f 1}}").unwrap_err(),
        r#"template: t:1:2: executing "t" at <lt .f 1>: error calling lt: incompatible types for comparison: float64 and int"#
    );
    // nil against anything is false, never an error.
    assert_eq!(
        render("{{eq .missing 1}}|{{ne .n 1}}").unwrap(),
        "false|true"
    );
}

// ---- host objects ----

#[derive(Debug)]
struct Meta {
    name: String,
    get: Signature,
}

impl Object for Meta {
    fn type_name(&self) -> &str {
        "*chart.Metadata"
    }
    fn field(&self, name: &str) -> Option<Value> {
        (name == "Name").then(|| Value::str(self.name.as_str()))
    }
    fn method(&self, name: &str) -> Option<&Signature> {
        (name == "Get").then_some(&self.get)
    }
    fn call_method(&self, _name: &str, args: &[Value]) -> Result<Value, FuncError> {
        match args[0].as_str() {
            Some("bad") => Err(FuncError::msg("no such file")),
            Some(s) => Ok(Value::str(format!("got:{s}"))),
            None => Err(FuncError::msg("not a string")),
        }
    }
    fn go_format(&self) -> String {
        format!("&{{{}}}", self.name)
    }
}

fn meta() -> Value {
    Value::Object(Arc::new(Meta {
        name: "app".to_string(),
        get: Signature::fixed(&[ParamType::String]),
    }))
}

#[test]
fn object_fields_and_methods() {
    let data = map(vec![("Obj", meta())]);
    let go = |t: &str| run("-", t, &data);
    assert_eq!(go("{{.Obj.Name}}").unwrap(), "app");
    assert_eq!(
        go(r#"{{.Obj.Get "x"}}|{{"y" | .Obj.Get}}"#).unwrap(),
        "got:x|got:y"
    );
    assert_eq!(
        go("{{if .Obj}}T{{end}}|{{eq .Obj .Obj}}").unwrap(),
        "T|true"
    );
    assert_eq!(
        go("{{.Obj.Get}}").unwrap_err(),
        r#"template: t:1:6: executing "t" at <.Obj.Get>: wrong number of args for Get: want 1 got 0"#
    );
    assert_eq!(
        go(r#"{{.Obj.Get "bad"}}"#).unwrap_err(),
        r#"template: t:1:6: executing "t" at <.Obj.Get>: error calling Get: no such file"#
    );
    assert_eq!(
        go("{{.Obj.Missing}}").unwrap_err(),
        r#"template: t:1:6: executing "t" at <.Obj.Missing>: can't evaluate field Missing in type interface {}"#
    );
    assert_eq!(
        go("{{.Obj.Name 1}}").unwrap_err(),
        r#"template: t:1:6: executing "t" at <.Obj.Name>: Name has arguments but cannot be invoked as function"#
    );
    // As dot itself, the object's own type is named.
    assert_eq!(
        run("-", "{{.Name}}|{{.Missing}}", &meta()).unwrap_err(),
        r#"template: t:1:12: executing "t" at <.Missing>: can't evaluate field Missing in type *chart.Metadata"#
    );
}

/// A host value of a named Go map type, as Helm's `.Files` is.
#[derive(Debug)]
struct Files;

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn to_value(&self) -> Option<Value> {
        Some(map(vec![
            ("a.txt", Value::Bytes(Arc::from(&b"A"[..]))),
            ("b.txt", Value::Bytes(Arc::from(&b"BB"[..]))),
        ]))
    }
}

/// A host value of a named Go slice type, as `.Capabilities.APIVersions`.
#[derive(Debug)]
struct VersionSet;

impl Object for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn to_value(&self) -> Option<Value> {
        Some(Value::list(vec![Value::str("v1"), Value::str("apps/v1")]))
    }
}

#[test]
fn named_map_and_slice_objects_work_as_collections() {
    let data = map(vec![
        ("Files", Value::Object(Arc::new(Files))),
        ("APIVersions", Value::Object(Arc::new(VersionSet))),
        ("Obj", meta()),
    ]);
    let go = |t: &str| run("-", t, &data);
    assert_eq!(go("{{len .Files}}|{{len .APIVersions}}").unwrap(), "2|2");
    assert_eq!(
        go("{{range $k, $v := .Files}}{{$k}}={{printf \"%s\" $v}};{{end}}").unwrap(),
        "a.txt=A;b.txt=BB;"
    );
    assert_eq!(
        go("{{range .APIVersions}}{{.}},{{end}}").unwrap(),
        "v1,apps/v1,"
    );
    assert_eq!(
        go(r#"{{index .APIVersions 1}}|{{printf "%s" (index .Files "b.txt")}}|{{slice .APIVersions 1}}"#)
            .unwrap(),
        "apps/v1|BB|[apps/v1]"
    );
    // An opaque object is no collection.
    assert_eq!(
        go("{{len .Obj}}").unwrap_err(),
        r#"template: t:1:2: executing "t" at <len .Obj>: error calling len: len of type *chart.Metadata"#
    );
}
