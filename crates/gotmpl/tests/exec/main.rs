//! Behaviour tests of the evaluator, the template set and Go's built-in
//! functions. Expected texts were produced by real Go (`text/template`,
//! Go 1.19) and, for what changed since, by real Helm v4 (Go 1.24): range
//! over an integer, `{{else with}}`, range assignment, the comparison and
//! `call` error wordings.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod context;
mod go_cases;
mod limits;
mod newer_go;
mod robust;

use std::sync::Arc;

use capstan_gotmpl::{
    CallContext, ErrorKind, FuncError, Function, Map, MissingKey, Object, ParamType, Signature,
    TemplateSet, Value,
};

pub(crate) fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Map>(),
    )
}

/// The data every table case runs with (the Go programs used the same).
pub(crate) fn data() -> Value {
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

pub(crate) fn func(
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

pub(crate) fn num(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        Value::Int(i) | Value::Int64(i) => *i as f64,
        _ => f64::NAN,
    }
}

/// The functions the Go programs registered, with the same Go signatures.
pub(crate) fn add_test_functions(set: &mut TemplateSet) {
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

pub(crate) fn set_with(missing_key: &str) -> TemplateSet {
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
pub(crate) fn run(missing_key: &str, template: &str, data: &Value) -> Result<String, String> {
    let mut set = set_with(missing_key);
    set.parse("t", template).map_err(|e| e.to_string())?;
    set.execute("t", data).map_err(|e| e.to_string())
}

pub(crate) fn render(template: &str) -> Result<String, String> {
    run("-", template, &data())
}
