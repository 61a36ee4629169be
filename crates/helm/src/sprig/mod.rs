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
        self.funcs
            .push((name, Function::new(sig, move |_ctx, args| body(args))));
    }
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
