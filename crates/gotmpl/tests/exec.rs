//! Behaviour tests of the evaluator, the template set and Go's built-in
//! functions. Expected texts were produced by real Go (`text/template`,
//! Go 1.19) and, for what changed since, by real Helm v4 (Go 1.24): range
//! over an integer, `{{else with}}`, range assignment, the comparison and
//! `call` error wordings.

use std::sync::Arc;

use capstan_gotmpl::{
    CallContext, ErrorKind, FuncError, Function, Map, MissingKey, Object, ParamType, Signature,
    TemplateSet, Value,
};

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Map>(),
    )
}

/// The data every table case runs with (the Go programs used the same).
fn data() -> Value {
    map(vec![
        ("s", Value::str("str")),
        ("n", Value::Nil),
        ("f", Value::Float(3.0)),
        ("z", Value::Float(0.0)),
        ("i", Value::Int(1)),
        ("i64", Value::Int64(1)),
        ("t", Value::Bool(true)),
        ("fa", Value::Bool(false)),
        ("e", Value::list(vec![])),
        ("em", map(vec![])),
        (
            "l",
            Value::list(vec![Value::Float(1.0), Value::str("a"), Value::Nil]),
        ),
        (
            "m",
            map(vec![
                ("b", Value::Float(2.0)),
                ("a", Value::Float(1.0)),
                ("c", Value::Float(3.0)),
            ]),
        ),
        (
            "nested",
            map(vec![(
                "a",
                Value::list(vec![Value::str("x"), map(vec![("k", Value::str("v"))])]),
            )]),
        ),
        ("b", Value::Bytes(Arc::from(&b"hi"[..]))),
        ("html", Value::str("<a href='x'>&\"")),
    ])
}

fn func(
    params: &[ParamType],
    variadic: Option<ParamType>,
    body: impl Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
) -> Function {
    let sig = match variadic {
        Some(rest) => Signature::variadic(params, rest),
        None => Signature::fixed(params),
    };
    Function::new(sig, move |_ctx: &mut dyn CallContext, args: &[Value]| {
        body(args)
    })
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        Value::Int(i) | Value::Int64(i) => *i as f64,
        _ => f64::NAN,
    }
}

/// The functions the Go programs registered, with the same Go signatures.
fn add_test_functions(set: &mut TemplateSet) {
    use ParamType::*;
    set.add_function(
        "up",
        func(&[String], None, |a| {
            Ok(Value::str(a[0].as_str().unwrap_or("").to_uppercase()))
        }),
    );
    set.add_function(
        "tf",
        func(&[Float], None, |a| Ok(Value::Float(num(&a[0]) * 2.0))),
    );
    set.add_function(
        "ti",
        func(&[Int64], None, |a| Ok(Value::Int64(num(&a[0]) as i64 * 2))),
    );
    set.add_function(
        "ti2",
        func(&[Int], None, |a| Ok(Value::Int(num(&a[0]) as i64 * 2))),
    );
    set.add_function(
        "anyf",
        func(&[Any], None, |a| {
            Ok(Value::str(capstan_gotmpl::format::sprint(&a[..1])))
        }),
    );
    set.add_function(
        "join",
        func(&[String], Some(String), |a| {
            let parts: Vec<&str> = a[1..].iter().filter_map(Value::as_str).collect();
            Ok(Value::str(parts.join(a[0].as_str().unwrap_or(""))))
        }),
    );
    set.add_function(
        "fail",
        func(&[String], None, |a| {
            Err(FuncError::msg(a[0].as_str().unwrap_or("")))
        }),
    );
    set.add_function("nilf", func(&[], None, |_| Ok(Value::Nil)));
    set.add_function(
        "lst",
        func(&[List], None, |a| {
            Ok(Value::Int(a[0].as_list().map_or(0, <[Value]>::len) as i64))
        }),
    );
    set.add_function(
        "mp",
        func(&[Map], None, |a| {
            Ok(Value::Int(a[0].as_map().map_or(0, |m| m.len()) as i64))
        }),
    );
    set.add_function(
        "bl",
        func(&[Bool], None, |a| {
            Ok(Value::Bool(!matches!(a[0], Value::Bool(true))))
        }),
    );
}

fn set_with(missing_key: &str) -> TemplateSet {
    let mut set = TemplateSet::new();
    set.set_missing_key(match missing_key {
        "zero" => MissingKey::Zero,
        "error" => MissingKey::Error,
        _ => MissingKey::Default,
    });
    add_test_functions(&mut set);
    set
}

/// Parses `template` as "t" and runs it with [`data`].
fn run(missing_key: &str, template: &str, data: &Value) -> Result<String, String> {
    let mut set = set_with(missing_key);
    set.parse("t", template).map_err(|e| e.to_string())?;
    set.execute("t", data).map_err(|e| e.to_string())
}

fn render(template: &str) -> Result<String, String> {
    run("-", template, &data())
}

/// (missingkey, template, what real Go did).
const GO_CASES: &[(&str, &str, Result<&str, &str>)] = &[
    (
        "-",
        "{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}",
        Ok("2"),
    ),
    (
        "-",
        "{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}",
        Ok("21"),
    ),
    (
        "-",
        "{{$x := 1}}{{range .l}}{{$x = .}}{{end}}{{$x}}",
        Ok("<no value>"),
    ),
    (
        "-",
        "{{range $i, $v := .l}}{{$i}}={{$v}};{{end}}",
        Ok("0=1;1=a;2=<no value>;"),
    ),
    ("-", "{{range $v := .m}}{{$v}};{{end}}", Ok("1;2;3;")),
    (
        "-",
        "{{range $k, $v := .m}}{{$k}}:{{$v}},{{end}}",
        Ok("a:1,b:2,c:3,"),
    ),
    ("-", "{{with $x := .s}}{{$x}}{{.}}{{end}}", Ok("strstr")),
    ("-", "{{if $x := .s}}{{$x}}{{else}}{{$x}}{{end}}", Ok("str")),
    ("-", "{{range .l}}{{$.s}}{{end}}", Ok("strstrstr")),
    (
        "-",
        "{{define \"x\"}}[{{$}}|{{.}}]{{end}}{{template \"x\" .s}}{{template \"x\"}}",
        Ok("[str|str][<no value>|<no value>]"),
    ),
    ("-", "{{range .e}}x{{else}}empty{{end}}", Ok("empty")),
    ("-", "{{range .n}}x{{else}}empty{{end}}", Ok("empty")),
    ("-", "{{range .missing}}x{{else}}empty{{end}}", Ok("empty")),
    ("-", "{{range .em}}x{{else}}empty{{end}}", Ok("empty")),
    (
        "-",
        "{{range .s}}x{{end}}",
        Err("template: t:1:8: executing \"t\" at <.s>: range can't iterate over str"),
    ),
    (
        "-",
        "{{range .f}}x{{end}}",
        Err("template: t:1:8: executing \"t\" at <.f>: range can't iterate over 3"),
    ),
    ("-", "{{range .b}}{{.}},{{end}}", Ok("104,105,")),
    ("-", "{{range .l}}{{.}},{{end}}", Ok("1,a,<no value>,")),
    (
        "-",
        "{{range $i, $e := .l}}{{if eq $i 1}}{{continue}}{{end}}{{$e}}{{if eq $i 1}}{{break}}{{end}};{{end}}",
        Ok("1;<no value>;"),
    ),
    (
        "-",
        "{{range .l}}{{if eq . \"a\"}}{{break}}{{end}}{{.}}{{end}}",
        Err(
            "template: t:1:17: executing \"t\" at <eq . \"a\">: error calling eq: incompatible types for comparison: float64 and string",
        ),
    ),
    (
        "-",
        "{{range .l}}{{range $.l}}{{if eq . \"a\"}}{{break}}{{end}}{{.}}{{end}}|{{end}}",
        Err(
            "template: t:1:30: executing \"t\" at <eq . \"a\">: error calling eq: incompatible types for comparison: float64 and string",
        ),
    ),
    (
        "-",
        "{{if 0}}T{{else}}F{{end}}{{if 0.0}}T{{else}}F{{end}}{{if \"\"}}T{{else}}F{{end}}{{if .e}}T{{else}}F{{end}}{{if .em}}T{{else}}F{{end}}{{if .n}}T{{else}}F{{end}}{{if .missing}}T{{else}}F{{end}}{{if .fa}}T{{else}}F{{end}}{{if nilf}}T{{else}}F{{end}}",
        Ok("FFFFFFFFF"),
    ),
    (
        "-",
        "{{if 1}}T{{else}}F{{end}}{{if .z}}T{{else}}F{{end}}{{if \"0\"}}T{{else}}F{{end}}{{if .l}}T{{else}}F{{end}}{{if .m}}T{{else}}F{{end}}{{if .t}}T{{else}}F{{end}}{{if .b}}T{{else}}F{{end}}{{if .i64}}T{{else}}F{{end}}",
        Ok("TFTTTTTT"),
    ),
    (
        "-",
        "{{if eq .s \"a\"}}a{{else if eq .s \"str\"}}str{{else}}other{{end}}",
        Ok("str"),
    ),
    (
        "-",
        "{{with .missing}}a{{else}}b{{end}}{{with .s}}{{.}}{{end}}",
        Ok("bstr"),
    ),
    (
        "-",
        "{{.missing}}|{{.n}}|{{.m}}|{{.l}}|{{.b}}|{{.f}}|{{.z}}|{{.i64}}|{{.t}}",
        Ok("<no value>|<no value>|map[a:1 b:2 c:3]|[1 a <nil>]|[104 105]|3|0|1|true"),
    ),
    ("-", "{{.missing.x}}", Ok("<no value>")),
    (
        "zero",
        "{{.missing}}|{{.missing.x}}",
        Err(
            "template: t:1:23: executing \"t\" at <.missing.x>: nil pointer evaluating interface {}.x",
        ),
    ),
    (
        "error",
        "{{.missing}}",
        Err("template: t:1:2: executing \"t\" at <.missing>: map has no entry for key \"missing\""),
    ),
    (
        "error",
        "{{.n.x}}",
        Err("template: t:1:4: executing \"t\" at <.n.x>: nil pointer evaluating interface {}.x"),
    ),
    (
        "-",
        "{{.s.x}}",
        Err(
            "template: t:1:4: executing \"t\" at <.s.x>: can't evaluate field x in type interface {}",
        ),
    ),
    (
        "-",
        "{{$x := .s}}{{$x.x}}",
        Err("template: t:1:16: executing \"t\" at <$x.x>: can't evaluate field x in type string"),
    ),
    (
        "-",
        "{{.m.a.b}}",
        Err(
            "template: t:1:4: executing \"t\" at <.m.a.b>: can't evaluate field b in type interface {}",
        ),
    ),
    (
        "-",
        "{{.m.a 1}}",
        Err("template: t:1:4: executing \"t\" at <.m.a>: a is not a method but has arguments"),
    ),
    ("-", "{{nilf}}|{{(nilf).x}}", Ok("<no value>|<no value>")),
    (
        "error",
        "{{(nilf).x}}",
        Err("template: t:1:3: executing \"t\" at <nilf>: nil data; no entry for key \"x\""),
    ),
    (
        "-",
        "{{up 1}}",
        Err("template: t:1:5: executing \"t\" at <1>: expected string; found 1"),
    ),
    (
        "-",
        "{{up .f}}",
        Err(
            "template: t:1:5: executing \"t\" at <.f>: wrong type for value; expected string; got float64",
        ),
    ),
    (
        "-",
        "{{up .missing}}",
        Err("template: t:1:5: executing \"t\" at <.missing>: invalid value; expected string"),
    ),
    (
        "-",
        "{{up .n}}",
        Err(
            "template: t:1:5: executing \"t\" at <.n>: wrong type for value; expected string; got interface {}",
        ),
    ),
    (
        "-",
        "{{up nil}}",
        Err("template: t:1:5: executing \"t\" at <nil>: cannot assign nil to string"),
    ),
    ("-", "{{.s | up}}", Ok("STR")),
    (
        "-",
        "{{up \"a\" \"b\"}}",
        Err("template: t:1:2: executing \"t\" at <up>: wrong number of args for up: want 1 got 2"),
    ),
    (
        "-",
        "{{\"a\" | up \"b\"}}",
        Err("template: t:1:8: executing \"t\" at <up>: wrong number of args for up: want 1 got 2"),
    ),
    ("-", "{{tf 1}}|{{tf 1.5}}|{{ti 3}}|{{ti2 4}}", Ok("2|3|6|8")),
    (
        "-",
        "{{tf .i}}",
        Err(
            "template: t:1:5: executing \"t\" at <.i>: wrong type for value; expected float64; got int",
        ),
    ),
    (
        "-",
        "{{ti .i}}",
        Err(
            "template: t:1:5: executing \"t\" at <.i>: wrong type for value; expected int64; got int",
        ),
    ),
    (
        "-",
        "{{ti 1.5}}",
        Err("template: t:1:5: executing \"t\" at <1.5>: expected integer; found 1.5"),
    ),
    (
        "-",
        "{{bl 1}}",
        Err("template: t:1:5: executing \"t\" at <1>: expected bool; found 1"),
    ),
    (
        "-",
        "{{lst .l}}|{{lst nil}}|{{mp .m}}|{{mp .missing}}",
        Ok("3|0|3|0"),
    ),
    (
        "-",
        "{{lst .s}}",
        Err(
            "template: t:1:6: executing \"t\" at <.s>: wrong type for value; expected []interface {}; got string",
        ),
    ),
    (
        "-",
        "{{lst \"x\"}}",
        Err(
            "template: t:1:6: executing \"t\" at <\"x\">: can't handle \"x\" for arg of type []interface {}",
        ),
    ),
    (
        "-",
        "{{anyf nil}}|{{anyf .missing}}|{{anyf 1}}|{{anyf .l}}",
        Ok("<nil>|<nil>|1|[1 a <nil>]"),
    ),
    (
        "-",
        "{{join \",\" \"a\" \"b\"}}|{{join \",\"}}|{{\"c\" | join \",\" \"a\"}}",
        Ok("a,b||a,c"),
    ),
    (
        "-",
        "{{join}}",
        Err(
            "template: t:1:2: executing \"t\" at <join>: wrong number of args for join: want at least 1 got 0",
        ),
    ),
    (
        "-",
        "{{join \",\" 1}}",
        Err("template: t:1:11: executing \"t\" at <1>: expected string; found 1"),
    ),
    (
        "-",
        "{{fail \"boom\"}}",
        Err("template: t:1:2: executing \"t\" at <fail \"boom\">: error calling fail: boom"),
    ),
    ("-", "{{\"x\" | printf \"%s-%s\" \"a\"}}", Ok("a-x")),
    (
        "-",
        "{{and 1 0 2}}|{{or 0 \"\" \"x\"}}|{{and 1 2}}|{{or 0 \"\"}}|{{and .missing 1}}|{{or .missing}}",
        Ok("0|x|2||<no value>|<no value>"),
    ),
    (
        "-",
        "{{or 1 (fail \"x\")}}|{{and 0 (fail \"x\")}}|{{0 | and 1}}|{{1 | or 0}}",
        Ok("1|0|0|1"),
    ),
    (
        "-",
        "{{and}}",
        Err(
            "template: t:1:2: executing \"t\" at <and>: wrong number of args for and: want at least 1 got 0",
        ),
    ),
    (
        "-",
        "{{not 0}}|{{not .l}}|{{not .missing}}",
        Ok("true|false|true"),
    ),
    (
        "-",
        "{{not 1 2}}",
        Err(
            "template: t:1:2: executing \"t\" at <not>: wrong number of args for not: want 1 got 2",
        ),
    ),
    (
        "-",
        "{{len \"abc\"}}|{{len .l}}|{{len .m}}|{{len .b}}|{{len .e}}",
        Ok("3|3|3|2|0"),
    ),
    (
        "-",
        "{{len 3}}",
        Err("template: t:1:2: executing \"t\" at <len 3>: error calling len: len of type int"),
    ),
    (
        "-",
        "{{len .missing}}",
        Err(
            "template: t:1:2: executing \"t\" at <len .missing>: error calling len: reflect: call of reflect.Value.Type on zero Value",
        ),
    ),
    (
        "-",
        "{{len .n}}",
        Err("template: t:1:2: executing \"t\" at <len .n>: error calling len: len of nil pointer"),
    ),
    (
        "-",
        "{{index .nested \"a\" 1 \"k\"}}|{{index .l 1}}|{{index \"abc\" 1}}|{{index .m \"zz\"}}|{{index .b 0}}|{{index .l}}",
        Ok("v|a|98|<no value>|104|[1 a <nil>]"),
    ),
    (
        "-",
        "{{index .l 3}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .l 3>: error calling index: reflect: slice index out of range",
        ),
    ),
    (
        "-",
        "{{index .l 4}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .l 4>: error calling index: index out of range: 4",
        ),
    ),
    (
        "-",
        "{{index .l -1}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .l -1>: error calling index: index out of range: -1",
        ),
    ),
    (
        "-",
        "{{index .m 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .m 1>: error calling index: value has type int; should be string",
        ),
    ),
    (
        "-",
        "{{index .m nil}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .m nil>: error calling index: value is nil; should be of type string",
        ),
    ),
    (
        "-",
        "{{index .l \"a\"}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .l \"a\">: error calling index: cannot index slice/array with type string",
        ),
    ),
    (
        "-",
        "{{index .l nil}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .l nil>: error calling index: cannot index slice/array with nil",
        ),
    ),
    (
        "-",
        "{{index 3 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <index 3 1>: error calling index: can't index item of type int",
        ),
    ),
    (
        "-",
        "{{index nil 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <index nil 1>: error calling index: index of untyped nil",
        ),
    ),
    (
        "-",
        "{{index .missing 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .missing 1>: error calling index: index of untyped nil",
        ),
    ),
    (
        "-",
        "{{index .m \"zz\" \"b\"}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .m \"zz\" \"b\">: error calling index: index of nil pointer",
        ),
    ),
    (
        "-",
        "{{slice \"abcdef\" 1 3}}|{{slice .l 1}}|{{slice .l}}|{{slice .l 1 2 3}}|{{slice .b 1}}|{{slice \"abc\" 3}}",
        Ok("bc|[a <nil>]|[1 a <nil>]|[a]|[105]|"),
    ),
    (
        "-",
        "{{slice \"abc\" 2 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice \"abc\" 2 1>: error calling slice: invalid slice index: 2 > 1",
        ),
    ),
    (
        "-",
        "{{slice \"abc\" 1 2 3}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice \"abc\" 1 2 3>: error calling slice: cannot 3-index slice a string",
        ),
    ),
    (
        "-",
        "{{slice .l 1 2 3 4}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice .l 1 2 3 4>: error calling slice: too many slice indexes: 4",
        ),
    ),
    (
        "-",
        "{{slice 3}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice 3>: error calling slice: can't slice item of type int",
        ),
    ),
    (
        "-",
        "{{slice .l 0 4}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice .l 0 4>: error calling slice: index out of range: 4",
        ),
    ),
    (
        "-",
        "{{slice .l 2 3 2}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice .l 2 3 2>: error calling slice: invalid slice index: 3 > 2",
        ),
    ),
    (
        "-",
        "{{slice nil}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice nil>: error calling slice: slice of untyped nil",
        ),
    ),
    (
        "-",
        "{{print 1 2 \"a\" 3 .missing}}|{{println 1 \"a\"}}|{{printf \"%d-%s\" 1 \"x\"}}|{{printf \"%v\" .missing}}",
        Ok("1 2a3 <nil>|1 a\n|1-x|<nil>"),
    ),
    (
        "-",
        "{{printf 1}}",
        Err("template: t:1:9: executing \"t\" at <1>: expected string; found 1"),
    ),
    (
        "-",
        "{{printf .f}}",
        Err(
            "template: t:1:9: executing \"t\" at <.f>: wrong type for value; expected string; got float64",
        ),
    ),
    (
        "-",
        "{{html .html}}|{{html .missing}}|{{html 1 \"<\"}}|{{js .html}}|{{js \"a\\u0001é\"}}|{{urlquery \"a b&c=é\"}}|{{urlquery .missing}}",
        Ok(
            "&lt;a href=&#39;x&#39;&gt;&amp;&#34;|&lt;no value&gt;|1&lt;|\\u003Ca href\\u003D\\'x\\'\\u003E\\u0026\\\"|a\\u0001é|a+b%26c%3D%C3%A9|%3Cno+value%3E",
        ),
    ),
    (
        "-",
        "{{eq 2 1 2}}|{{eq .i 1}}|{{eq .f 3.0}}|{{eq .i .i64}}|{{eq nil nil}}|{{eq .missing nil}}|{{eq .n nil}}|{{eq .s \"str\"}}|{{eq 1 nil}}|{{eq .l nil}}|{{eq .t true}}",
        Ok("true|true|true|true|true|true|true|true|false|false|true"),
    ),
    (
        "-",
        "{{eq .l .l}}",
        Err(
            "template: t:1:2: executing \"t\" at <eq .l .l>: error calling eq: non-comparable type [%!s(float64=1) a <nil>]: []interface {}",
        ),
    ),
    (
        "-",
        "{{eq .l .m}}",
        Err(
            "template: t:1:2: executing \"t\" at <eq .l .m>: error calling eq: non-comparable types [%!s(float64=1) a <nil>]: []interface {}, map[string]interface {}: map[a:1 b:2 c:3]",
        ),
    ),
    (
        "-",
        "{{eq}}",
        Err(
            "template: t:1:2: executing \"t\" at <eq>: wrong number of args for eq: want at least 1 got 0",
        ),
    ),
    (
        "-",
        "{{eq 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <eq 1>: error calling eq: missing argument for comparison",
        ),
    ),
    (
        "-",
        "{{ne 1 2}}|{{ne \"a\" \"a\"}}|{{lt 1 2}}|{{lt \"a\" \"b\"}}|{{lt 2.5 1.5}}|{{le 2 2}}|{{gt .i64 0}}|{{ge .f 3.0}}|{{gt \"b\" \"a\"}}",
        Ok("true|false|true|true|false|true|true|true|true"),
    ),
    (
        "-",
        "{{lt true false}}",
        Err(
            "template: t:1:2: executing \"t\" at <lt true false>: error calling lt: invalid type for comparison",
        ),
    ),
    (
        "-",
        "{{lt .l 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <lt .l 1>: error calling lt: invalid type for comparison",
        ),
    ),
    (
        "-",
        "{{lt .missing 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <lt .missing 1>: error calling lt: invalid type for comparison",
        ),
    ),
    (
        "-",
        "{{lt 1}}",
        Err("template: t:1:2: executing \"t\" at <lt>: wrong number of args for lt: want 2 got 1"),
    ),
    (
        "-",
        "{{call .s}}",
        Err(
            "template: t:1:2: executing \"t\" at <call .s>: error calling call: non-function .s of type string",
        ),
    ),
    (
        "-",
        "{{call .missing}}",
        Err("template: t:1:2: executing \"t\" at <call .missing>: error calling call: call of nil"),
    ),
    (
        "-",
        "{{1.5}}|{{0x10}}|{{'a'}}|{{1e3}}|{{printf \"%T\" 1.0}}|{{printf \"%T\" 1}}|{{-0x10}}|{{0b101}}|{{0o17}}|{{1_000}}|{{0x1p4}}|{{printf \"%T\" 'a'}}",
        Ok("1.5|16|97|1000|float64|int|-16|5|15|1000|16|int"),
    ),
    (
        "-",
        "{{9223372036854775808}}",
        Err(
            "template: t:1:2: executing \"t\" at <9223372036854775808>: 9223372036854775808 overflows int",
        ),
    ),
    (
        "-",
        "\n  {{.s.x}}",
        Err(
            "template: t:2:6: executing \"t\" at <.s.x>: can't evaluate field x in type interface {}",
        ),
    ),
    (
        "-",
        "{{define \"x\"}}\n {{.y}}{{end}}{{template \"x\" .s}}",
        Err("template: t:2:3: executing \"x\" at <.y>: can't evaluate field y in type string"),
    ),
    (
        "-",
        "{{template \"nope\"}}",
        Err(
            "template: t:1:11: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined",
        ),
    ),
    (
        "-",
        "{{nil}}",
        Err("template: t:1:2: executing \"t\" at <nil>: nil is not a command"),
    ),
    (
        "-",
        "{{1 2}}",
        Err("template: t:1:2: executing \"t\" at <1>: can't give argument to non-function 1"),
    ),
    (
        "-",
        "{{.s 1}}",
        Err("template: t:1:2: executing \"t\" at <.s>: s is not a method but has arguments"),
    ),
    (
        "-",
        "{{$x := 1}}{{$x 2}}",
        Err("template: t:1:13: executing \"t\" at <$x>: can't give argument to non-function $x"),
    ),
    (
        "-",
        "{{(.s) 1}}",
        Err("template: t:1:2: executing \"t\" at <(.s) 1>: can't give argument to non-function .s"),
    ),
    (
        "-",
        "{{.l.x}}",
        Err(
            "template: t:1:4: executing \"t\" at <.l.x>: can't evaluate field x in type interface {}",
        ),
    ),
    (
        "-",
        "{{with .m}}{{.a}}{{end}}{{with .l}}{{index . 0}}{{end}}",
        Ok("11"),
    ),
    ("-", "{{$x := 1}}{{$y := 2}}{{$x}}{{$y}}", Ok("12")),
    ("-", "{{block \"b\" .s}}[{{.}}]{{end}}", Ok("[str]")),
];

#[test]
fn go_cases() {
    let mut failures = Vec::new();
    for (missing_key, template, want) in GO_CASES {
        let got = run(missing_key, template, &data());
        let want = want.map(str::to_string).map_err(str::to_string);
        if got != want {
            failures.push(format!(
                "[{missing_key}] {template:?}\n  want {want:?}\n  got  {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        GO_CASES.len(),
        failures.join("\n")
    );
}

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

// ---- the call context: Helm's include and tpl ----

fn helm_like() -> TemplateSet {
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
    let mut deep = Value::str("bottom");
    // (Dropping a value nested much deeper recurses in the value model.)
    for _ in 0..2_000 {
        deep = map(vec![("a", deep)]);
    }
    let path = format!("{{{{.{}}}}}", vec!["a"; 50].join("."));
    let mut set = TemplateSet::new();
    set.parse("t", &path).unwrap();
    assert!(set.execute("t", &deep).is_ok());
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
