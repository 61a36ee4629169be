//! Sprig (Masterminds/sprig v3.3.0) as Helm v4 registers it.
//!
//! Helm starts from `sprig.TxtFuncMap()`, deletes `env` and `expandenv`, and
//! then adds its own functions (`include`, `tpl`, `required`, `lookup`,
//! `toYaml`/`fromYaml`, `toJson`/`fromJson`, `toToml`). This module owns the
//! Sprig part only: every function keeps its Go signature (so the evaluator
//! converts and type-checks arguments exactly as Go does) and its Go result
//! type (`add` returns `int64`, `len`-like functions `int`, `splitList` a list
//! of strings, `split` a map).
//!
//! Not here, on purpose:
//! - `toJson`, `mustToJson` and `fromJson`, which Helm replaces with its
//!   own (the render layer registers them; the other Sprig JSON functions
//!   are in `jsonfmt`, on top of `crate::json`);
//! - `fail` is registered by Helm's engine (it changes it in lint mode);
//! - `env` and `expandenv`, which Helm deletes.
//!
//! Errors use Sprig's and Go's words: a Go function that panics inside a
//! template surfaces as `error calling NAME: <panic message>`, so the
//! messages returned here are the panic or error texts Go would produce.

mod certs;
mod conv;
mod crypto;
mod dates;
mod defaults;
mod dicts;
mod encoding;
mod goext;
mod golayout;
mod hash;
mod jsonfmt;
mod lists;
mod math;
mod network;
mod path;
mod random;
mod reflect;
mod regex;
pub mod semver;
mod strings;
mod url;
mod wordcase;

use capstan_gotmpl::{FuncError, Function, ParamType, Signature, Value};

pub use conv::{go_float_string, strval};

/// Every Sprig function Helm keeps, with its Go signature.
pub fn functions() -> Vec<(&'static str, Function)> {
    let mut r = Registry::default();
    strings::register(&mut r);
    conv::register(&mut r);
    lists::register(&mut r);
    dicts::register(&mut r);
    math::register(&mut r);
    defaults::register(&mut r);
    encoding::register(&mut r);
    jsonfmt::register(&mut r);
    hash::register(&mut r);
    regex::register(&mut r);
    semver::register(&mut r);
    dates::register(&mut r);
    random::register(&mut r);
    crypto::register(&mut r);
    certs::register(&mut r);
    reflect::register(&mut r);
    path::register(&mut r);
    url::register(&mut r);
    network::register(&mut r);
    r.funcs
}

/// Collects functions while the submodules register them.
#[derive(Default)]
pub(crate) struct Registry {
    funcs: Vec<(&'static str, Function)>,
}

/// The body of a Sprig function: Sprig never needs the template context.
pub(crate) type Body = fn(&[Value]) -> Result<Value, FuncError>;

impl Registry {
    /// A function with fixed parameters.
    pub(crate) fn fixed(&mut self, name: &'static str, params: &[ParamType], body: Body) {
        self.push(name, Signature::fixed(params), body);
    }

    /// A function whose last parameter is `...rest`.
    pub(crate) fn variadic(
        &mut self,
        name: &'static str,
        params: &[ParamType],
        rest: ParamType,
        body: Body,
    ) {
        self.push(name, Signature::variadic(params, rest), body);
    }

    fn push(&mut self, name: &'static str, sig: Signature, body: Body) {
        let function = if PRINTS_ARGS.contains(&name) {
            Function::new(sig, move |_ctx, args| {
                check_printable(name, args)?;
                body(args)
            })
        } else {
            Function::new(sig, move |_ctx, args| body(args))
        };
        self.funcs.push((name, function));
    }
}

/// Functions that print any argument with `%v` (`fmt.Sprint`), which walks
/// a map once per path to it: their map and list arguments are measured
/// first (see `crate::budget`), so a value shared many times over is a
/// clear error instead of hours of formatting. Other functions never print
/// a whole value, and measuring every argument of every call (`.Values`
/// passed to `dict` or `merge`) would cost a walk per call.
const PRINTS_ARGS: &[&str] = &[
    "toString",
    "toStrings",
    "toDecimal",
    "cat",
    "quote",
    "squote",
    "join",
    "sortAlpha",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
];

fn check_printable(name: &str, args: &[Value]) -> Result<(), FuncError> {
    let cap = crate::budget::default_cap();
    for v in args {
        if matches!(v, Value::Map(_) | Value::List(_)) {
            crate::budget::check_printed(v, cap, name).map_err(|e| fail(e.message(name)))?;
        }
    }
    Ok(())
}

// Short names for Go parameter types, used by every registration table.
pub(crate) const ANY: ParamType = ParamType::Any;
pub(crate) const STR: ParamType = ParamType::String;
pub(crate) const INT: ParamType = ParamType::Int;
pub(crate) const F64: ParamType = ParamType::Float;
pub(crate) const BOOL: ParamType = ParamType::Bool;
pub(crate) const MAP: ParamType = ParamType::Map;

static NIL: Value = Value::Nil;

/// Argument `i` (the evaluator guarantees the count; a missing one reads as nil).
pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&NIL)
}

/// A `string` argument.
pub(crate) fn arg_str(args: &[Value], i: usize) -> &str {
    arg(args, i).as_str().unwrap_or("")
}

/// An `int` (or `int64`) argument.
pub(crate) fn arg_int(args: &[Value], i: usize) -> i64 {
    match arg(args, i) {
        Value::Int(n) | Value::Int64(n) => *n,
        other => conv::to_int64(other),
    }
}

/// Go's `[]string` result.
pub(crate) fn str_list<I, S>(items: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<std::sync::Arc<str>>,
{
    Value::list(items.into_iter().map(|s| Value::String(s.into())).collect())
}

/// A function error with Go's message.
pub(crate) fn fail(msg: impl Into<String>) -> FuncError {
    FuncError::msg(msg)
}

/// The message Go prints when Sprig calls a method on `reflect.TypeOf(nil)`.
pub(crate) const NIL_DEREF: &str =
    "runtime error: invalid memory address or nil pointer dereference";

#[cfg(test)]
pub(crate) mod testing {
    //! Calls registered functions directly, without a template engine.
    use super::*;

    /// A context that supports nothing: Sprig never uses it.
    pub(crate) struct NoContext;

    impl capstan_gotmpl::CallContext for NoContext {
        fn execute_template(
            &mut self,
            _name: &str,
            _data: Value,
        ) -> Result<String, capstan_gotmpl::Error> {
            Err(capstan_gotmpl::Error::new(
                capstan_gotmpl::ErrorKind::Exec,
                "no templates",
            ))
        }
        fn execute_text(
            &mut self,
            _name: &str,
            _text: &str,
            _data: Value,
        ) -> Result<String, capstan_gotmpl::Error> {
            Err(capstan_gotmpl::Error::new(
                capstan_gotmpl::ErrorKind::Exec,
                "no templates",
            ))
        }
        fn template_name(&self) -> &str {
            "test"
        }
    }

    /// Calls the Sprig function `name` with `args`.
    pub(crate) fn call(name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let funcs = functions();
        let (_, f) = funcs
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no function {name}"));
        (f.body)(&mut NoContext, args)
    }

    /// Calls `name` and returns its string result.
    pub(crate) fn call_str(name: &str, args: &[Value]) -> String {
        match call(name, args) {
            Ok(Value::String(s)) => s.to_string(),
            other => panic!("{name}: expected a string, got {other:?}"),
        }
    }

    pub(crate) fn s(x: &str) -> Value {
        Value::str(x)
    }
    pub(crate) fn i(x: i64) -> Value {
        Value::Int(x)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod robustness {
    //! Every function, called with hostile arguments of its declared types,
    //! returns a value or an error: never a panic, never a hang.
    use super::testing::NoContext;
    use super::*;

    fn pool(t: ParamType, n: usize) -> Value {
        let strings = [
            "",
            "é%z{",
            "a,b,,c",
            "(x",
            "[",
            "1.2.3-0",
            "-1",
            "0x7f",
            "\u{200b}\n\t",
        ];
        let ints = [0, -1, 1, 3, 70, i64::MAX, i64::MIN, -64];
        let floats = [0.0, -0.5, 1e300, f64::NAN, f64::INFINITY, 2.5];
        let any = || -> Value {
            match n % 9 {
                0 => Value::Nil,
                1 => Value::Int(ints[n % ints.len()]),
                2 => Value::Int64(ints[(n / 3) % ints.len()]),
                3 => Value::Float(floats[n % floats.len()]),
                4 => Value::str(strings[n % strings.len()]),
                5 => Value::Bool(n.is_multiple_of(2)),
                6 => Value::list(vec![Value::Int(1), Value::Nil, Value::str("x")]),
                7 => Value::map([("a".to_string(), Value::Int(1))].into_iter().collect()),
                _ => Value::Bytes(vec![0xff, 0x00].into()),
            }
        };
        match t {
            ParamType::String => Value::str(strings[n % strings.len()]),
            ParamType::Int | ParamType::Int64 => Value::Int(ints[n % ints.len()]),
            ParamType::Float => Value::Float(floats[n % floats.len()]),
            ParamType::Bool => Value::Bool(n % 2 == 1),
            ParamType::Map if n.is_multiple_of(3) => Value::Nil,
            ParamType::Map => {
                Value::map([("k".to_string(), Value::str("v"))].into_iter().collect())
            }
            ParamType::List if n.is_multiple_of(3) => Value::Nil,
            ParamType::List => Value::list(vec![Value::str("x"), Value::Int(2)]),
            _ => any(),
        }
    }

    #[test]
    fn no_function_panics_on_hostile_arguments() {
        // Slow by design (key generation, bcrypt, scrypt) or random sizes.
        let skip = [
            "genPrivateKey",
            "genCA",
            "genCAWithKey",
            "genSelfSignedCert",
            "genSelfSignedCertWithKey",
            "genSignedCert",
            "genSignedCertWithKey",
            "bcrypt",
            "htpasswd",
            "derivePassword",
        ];
        let mut seed = 7usize;
        for (name, f) in functions() {
            if skip.contains(&name) {
                continue;
            }
            for round in 0..40 {
                let extra = round % 3;
                let mut args = Vec::new();
                for p in &f.sig.params {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    args.push(pool(*p, seed >> 33));
                }
                if let Some(v) = f.sig.variadic {
                    for _ in 0..extra {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        args.push(pool(v, seed >> 33));
                    }
                }
                let _ = (f.body)(&mut NoContext, &args);
            }
        }
    }
}
