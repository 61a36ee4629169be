//! Expressions: pipelines, commands, operands, field chains and calls, with
//! Go's argument checking and conversion against the callee's signature
//! (Go's `evalPipeline`, `evalCommand`, `evalField`, `evalCall`,
//! `evalArg`, `validateType`).
//!
//! Argument lists follow Go's convention: `args[0]` is the callee's own node
//! and an empty slice means "no argument list at all".

use std::borrow::Cow;
use std::sync::Arc;

use super::val::Val;
use super::{At, Exec, weight};
use crate::ast::{Arg, Command, Number, Pipe};
use crate::builtins::{Builtin, Param};
use crate::error::{Error, ErrorKind};
use crate::escape::go_quote;
use crate::func::{FuncError, Function, Signature};
use crate::functable::Named;
use crate::set::MissingKey;
use crate::value::{Object, Value};

/// The parameters of a callee: a built-in's, or a Go signature (borrowed
/// from a registered function, copied out of a host object for a method).
enum Params<'s> {
    Builtin(&'static [Param], Option<Param>),
    Go(Cow<'s, Signature>),
}

impl Params<'_> {
    fn fixed_len(&self) -> usize {
        match self {
            Params::Builtin(p, _) => p.len(),
            Params::Go(sig) => sig.params.len(),
        }
    }

    fn fixed(&self, i: usize) -> Param {
        match self {
            Params::Builtin(p, _) => p.get(i).copied().unwrap_or(Param::Reflect),
            Params::Go(sig) => sig.params.get(i).map_or(Param::Reflect, |p| Param::Go(*p)),
        }
    }

    fn variadic(&self) -> Option<Param> {
        match self {
            Params::Builtin(_, v) => *v,
            Params::Go(sig) => sig.variadic.map(Param::Go),
        }
    }
}

/// Fields one [`descend`] reads at most: its recursion stays shallow
/// whatever the chain's length (the rest is read by the next call).
const MAX_HOPS: usize = 16;

/// How far [`descend`] got along a chain of fields: a pair of small
/// numbers, returned in registers (the value reached is written to the
/// caller's slot once, by the innermost call).
#[derive(Clone, Copy)]
struct Hops {
    /// Fields read.
    read: usize,
    /// The next field is a key the map reached does not have.
    missing: bool,
}

impl Hops {
    const NONE: Hops = Hops {
        read: 0,
        missing: false,
    };
}

/// The maps whose read locks [`descend`] holds, innermost first.
struct Held<'a> {
    addr: usize,
    up: Option<&'a Held<'a>>,
}

/// Reads `fields` one after the other through nested maps, borrowing each
/// map under its read lock (none for a frozen map) and cloning only the
/// value reached, into `reached` (left alone when no field is read). Stops
/// at anything else (objects, nil, a map already held on the way, which is
/// not locked twice) for `eval_field` to handle.
fn descend(
    value: &Value,
    fields: &[Arc<str>],
    held: Option<&Held<'_>>,
    reached: &mut Value,
) -> Hops {
    let (Some((first, rest)), Value::Map(map)) = (fields.split_first(), value) else {
        return Hops::NONE;
    };
    let addr = map.addr();
    let mut up = held;
    while let Some(h) = up {
        if h.addr == addr {
            return Hops::NONE;
        }
        up = h.up;
    }
    map.read(|contents| match crate::value::find(contents, first) {
        None => Hops {
            read: 0,
            missing: true,
        },
        Some(child) => {
            let mut hops = descend(child, rest, Some(&Held { addr, up: held }), reached);
            if hops.read == 0 {
                *reached = child.clone();
            }
            hops.read += 1;
            hops
        }
    })
}

/// What a call invokes.
enum Callee<'s> {
    Builtin(Builtin),
    Func(&'s Function),
    Method(Arc<dyn Object>),
}

impl<'s> Exec<'s> {
    /// Go's `evalPipeline`: runs the commands, each receiving the previous
    /// result as its final argument, then declares or assigns variables.
    pub(super) fn eval_pipe(&mut self, dot: &Val, pipe: &'s Pipe) -> Result<Val, Error> {
        self.enter(weight::PIPE)?;
        self.at = At::Pipe(pipe);
        let mut value: Option<Val> = None;
        for cmd in &pipe.cmds {
            let result = self.eval_command(dot, cmd, value.take())?;
            value = Some(result.unwrap_iface());
        }
        let value = value.unwrap_or(Val::Missing);
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(&var.name, value.clone())?;
            } else {
                self.push_var(&var.name, value.clone());
            }
        }
        self.leave(weight::PIPE);
        Ok(value)
    }

    fn not_a_function(&self, args: &'s [Arg], final_: &Option<Val>) -> Result<(), Error> {
        if args.len() > 1 || final_.is_some() {
            let first = args
                .first()
                .map(|a| At::Arg(a).to_string())
                .unwrap_or_default();
            return Err(self.fail(|| format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command(
        &mut self,
        dot: &Val,
        cmd: &'s Command,
        final_: Option<Val>,
    ) -> Result<Val, Error> {
        self.tick()?;
        let Some(first) = cmd.args.first() else {
            self.at = At::Command(cmd);
            return Err(self.fail(|| "empty command".to_string()));
        };
        let args = cmd.args.as_slice();
        match first {
            Arg::Field { fields, .. } => self.eval_field_node(dot, first, fields, args, final_),
            Arg::Chain { node, fields, .. } => {
                self.eval_chain_node(dot, first, node, fields, args, final_)
            }
            Arg::Identifier { name, .. } => {
                self.eval_function(dot, first, name, At::Command(cmd), args, final_)
            }
            Arg::Pipe(pipe) => {
                self.not_a_function(args, &final_)?;
                self.eval_pipe(dot, pipe)
            }
            Arg::Variable { name, fields, .. } => {
                self.eval_variable_node(dot, first, name, fields, args, final_)
            }
            _ => {
                self.at = At::Arg(first);
                self.not_a_function(args, &final_)?;
                match first {
                    Arg::Bool { value, .. } => Ok(Val::Con(Value::Bool(*value))),
                    Arg::Dot { .. } => Ok(dot.clone()),
                    Arg::Nil { .. } => Err(self.fail(|| "nil is not a command".to_string())),
                    Arg::Number(n) => self.ideal_constant(n),
                    Arg::String { value, .. } => Ok(Val::Con(Value::String(value.clone()))),
                    _ => Err(self.fail(|| format!("can't evaluate command {first}"))),
                }
            }
        }
    }

    /// Go's `idealConstant`: a number literal where no type is expected.
    pub(super) fn ideal_constant(&mut self, n: &Number) -> Result<Val, Error> {
        if n.is_complex {
            return Err(self.fail(|| format!("complex constant {} is not supported", n.text)));
        }
        let text = &*n.text;
        let is_hex_int = text.len() > 2
            && (text.starts_with("0x") || text.starts_with("0X"))
            && !text.contains(['p', 'P']);
        let float_syntax = text.contains(['.', 'e', 'E', 'p', 'P']);
        if let Some(f) = n.float
            && !is_hex_int
            && !n.is_char
            && !text.starts_with('\'')
            && float_syntax
        {
            return Ok(Val::Con(Value::Float(f)));
        }
        if let Some(i) = n.int {
            return Ok(Val::Con(Value::Int(i)));
        }
        if n.uint.is_some() {
            return Err(self.fail(|| format!("{text} overflows int")));
        }
        Ok(Val::Missing)
    }

    pub(super) fn eval_field_node(
        &mut self,
        dot: &Val,
        arg: &'s Arg,
        fields: &'s [Arc<str>],
        args: &'s [Arg],
        final_: Option<Val>,
    ) -> Result<Val, Error> {
        self.at = At::Arg(arg);
        self.eval_field_chain(dot, dot, At::Arg(arg), fields, args, final_)
    }

    pub(super) fn eval_chain_node(
        &mut self,
        dot: &Val,
        arg: &'s Arg,
        inner: &'s Arg,
        fields: &'s [Arc<str>],
        args: &'s [Arg],
        final_: Option<Val>,
    ) -> Result<Val, Error> {
        self.at = At::Arg(arg);
        if fields.is_empty() {
            return Err(self.fail(|| "internal error: no fields in evalChainNode".to_string()));
        }
        if matches!(inner, Arg::Nil { .. }) {
            return Err(self.fail(|| format!("indirection through explicit nil in {arg}")));
        }
        let receiver = self.eval_arg(dot, Param::Reflect, inner)?;
        self.eval_field_chain(dot, &receiver, At::Arg(arg), fields, args, final_)
    }

    pub(super) fn eval_variable_node(
        &mut self,
        dot: &Val,
        arg: &'s Arg,
        name: &str,
        fields: &'s [Arc<str>],
        args: &'s [Arg],
        final_: Option<Val>,
    ) -> Result<Val, Error> {
        self.at = At::Arg(arg);
        let value = self.var_value(name)?;
        if fields.is_empty() {
            self.not_a_function(args, &final_)?;
            return Ok(value);
        }
        self.eval_field_chain(dot, &value, At::Arg(arg), fields, args, final_)
    }

    /// Go's field chain `.a.b.c` on `receiver`. Runs of fields that are
    /// plain map lookups are read in place (see [`descend`]): only the
    /// value reached is cloned, not every map on the way.
    fn eval_field_chain(
        &mut self,
        dot: &Val,
        receiver: &Val,
        node: At<'s>,
        fields: &'s [Arc<str>],
        args: &'s [Arg],
        mut final_: Option<Val>,
    ) -> Result<Val, Error> {
        let has_args = args.len() > 1 || final_.is_some();
        // The last field of a call (`.a.b arg`) must reach `eval_field`,
        // which reports a map's field given arguments.
        let plain = if has_args {
            fields.len().saturating_sub(1)
        } else {
            fields.len()
        };
        let mut current = Cow::Borrowed(receiver);
        let mut i = 0;
        while i < fields.len() {
            if i < plain {
                let end = plain.min(i + MAX_HOPS);
                let mut reached = Value::Nil;
                let hops = match &*current {
                    Val::Con(v) | Val::Iface(v) => descend(v, &fields[i..end], None, &mut reached),
                    Val::Missing => Hops::NONE,
                };
                if hops.read > 0 {
                    current = Cow::Owned(Val::Iface(reached));
                    i += hops.read;
                }
                if hops.missing {
                    current = Cow::Owned(self.missing_entry(&fields[i])?);
                    i += 1;
                    continue;
                }
                if hops.read > 0 {
                    continue;
                }
            }
            let (args, final_) = if i + 1 == fields.len() {
                (args, final_.take())
            } else {
                (&[][..], None)
            };
            let receiver = current.into_owned();
            current = Cow::Owned(self.eval_field(dot, &fields[i], node, args, final_, receiver)?);
            i += 1;
        }
        Ok(current.into_owned())
    }

    pub(super) fn eval_function(
        &mut self,
        dot: &Val,
        ident: &'s Arg,
        name: &'s str,
        node: At<'s>,
        args: &'s [Arg],
        final_: Option<Val>,
    ) -> Result<Val, Error> {
        self.at = At::Arg(ident);
        let table = self.set.functions();
        let named = match ident {
            Arg::Identifier { name, hint, .. } => table.hinted(*hint, name),
            _ => None,
        };
        let callee = match named.or_else(|| table.lookup(name)) {
            Some(Named::Func(f)) => Callee::Func(f),
            Some(Named::Builtin(b)) => Callee::Builtin(b),
            None => {
                return Err(self.fail(|| format!("{} is not a defined function", go_quote(name))));
            }
        };
        self.eval_call(dot, callee, node, name, args, final_)
    }

    /// Go's `evalField`: `.Name` on the receiver, possibly a method call.
    fn eval_field(
        &mut self,
        dot: &Val,
        name: &'s str,
        node: At<'s>,
        args: &'s [Arg],
        final_: Option<Val>,
        receiver: Val,
    ) -> Result<Val, Error> {
        let value = match &receiver {
            Val::Missing => {
                if self.set.missing_key() == MissingKey::Error {
                    return Err(
                        self.fail(|| format!("nil data; no entry for key {}", go_quote(name)))
                    );
                }
                return Ok(Val::Missing);
            }
            Val::Con(Value::Nil) | Val::Iface(Value::Nil) => {
                return Err(self.fail(|| format!("nil pointer evaluating interface {{}}.{name}")));
            }
            Val::Con(v) | Val::Iface(v) => v,
        };
        let has_args = args.len() > 1 || final_.is_some();
        match value {
            Value::Object(object) => {
                if object.method(name).is_some() {
                    let callee = Callee::Method(Arc::clone(object));
                    return self.eval_call(dot, callee, node, name, args, final_);
                }
                if let Some(field) = object.field(name) {
                    if has_args {
                        return Err(self.fail(|| {
                            format!("{name} has arguments but cannot be invoked as function")
                        }));
                    }
                    return Ok(Val::from_result(field));
                }
            }
            Value::Map(map) => {
                if has_args {
                    return Err(self.fail(|| format!("{name} is not a method but has arguments")));
                }
                return match map.get(name) {
                    Some(v) => Ok(Val::Iface(v)),
                    None => self.missing_entry(name),
                };
            }
            _ => {}
        }
        Err(self.fail(|| {
            format!(
                "can't evaluate field {name} in type {}",
                receiver.static_type()
            )
        }))
    }

    /// What reading the absent key `name` of a map gives, by the set's
    /// `missingkey` option.
    fn missing_entry(&self, name: &str) -> Result<Val, Error> {
        match self.set.missing_key() {
            MissingKey::Default => Ok(Val::Missing),
            MissingKey::Zero => Ok(Val::Iface(Value::Nil)),
            MissingKey::Error => {
                Err(self.fail(|| format!("map has no entry for key {}", go_quote(name))))
            }
        }
    }

    /// Go's `evalCall`: checks the argument count, evaluates and converts
    /// the arguments against the signature, and calls. Split in steps so
    /// that the frame staying on the stack during a call (which may execute
    /// a nested template: Helm's `include`) is small.
    fn eval_call(
        &mut self,
        dot: &Val,
        callee: Callee<'s>,
        node: At<'s>,
        name: &'s str,
        args: &'s [Arg],
        final_: Option<Val>,
    ) -> Result<Val, Error> {
        let args = args.get(1..).unwrap_or(&[]);
        match callee {
            Callee::Builtin(b) => {
                let (fixed, variadic) = b.signature();
                let sig = Params::Builtin(fixed, variadic);
                self.check_arity(&sig, name, args.len(), final_.is_some())?;
                if matches!(b, Builtin::And | Builtin::Or) {
                    return self.eval_and_or(dot, b == Builtin::Or, args, final_);
                }
                if b.prints_values() {
                    let values = self.eval_values(dot, &sig, args, final_)?;
                    let result = self.invoke_printing(b, node, name, &values);
                    self.recycle(values);
                    return result;
                }
                let mut argv = self.val_pool.pop().unwrap_or_default();
                let result = match self.eval_args(dot, &sig, args, final_, &mut argv, |v| v) {
                    Ok(()) => self.invoke_builtin(b, node, name, args, &argv),
                    Err(err) => Err(err),
                };
                argv.clear();
                if argv.capacity() <= 64 {
                    self.val_pool.push(argv);
                }
                result
            }
            Callee::Func(f) => {
                let sig = Params::Go(Cow::Borrowed(&f.sig));
                self.check_arity(&sig, name, args.len(), final_.is_some())?;
                let values = self.eval_values(dot, &sig, args, final_)?;
                let result = (f.body)(self, &values);
                self.recycle(values);
                self.finish_call(node, name, result)
            }
            Callee::Method(o) => {
                let sig = Params::Go(Cow::Owned(
                    o.method(name)
                        .cloned()
                        .unwrap_or_else(|| Signature::fixed(&[])),
                ));
                self.check_arity(&sig, name, args.len(), final_.is_some())?;
                let values = self.eval_values(dot, &sig, args, final_)?;
                let result = o.call_method(name, &values);
                self.recycle(values);
                self.finish_call(node, name, result)
            }
        }
    }

    #[inline]
    fn check_arity(
        &self,
        sig: &Params<'_>,
        name: &str,
        given: usize,
        has_final: bool,
    ) -> Result<(), Error> {
        let num_in = given + usize::from(has_final);
        let fixed = sig.fixed_len();
        let fits = if sig.variadic().is_some() {
            num_in >= fixed
        } else {
            num_in == fixed
        };
        if fits {
            return Ok(());
        }
        self.arity_error(sig, name, given, has_final)
    }

    #[cold]
    #[inline(never)]
    fn arity_error(
        &self,
        sig: &Params<'_>,
        name: &str,
        given: usize,
        has_final: bool,
    ) -> Result<(), Error> {
        let num_in = given + usize::from(has_final);
        let fixed = sig.fixed_len();
        if sig.variadic().is_some() {
            if num_in < fixed {
                return Err(self.fail(|| {
                    format!("wrong number of args for {name}: want at least {fixed} got {given}")
                }));
            }
        } else if num_in != fixed {
            return Err(
                self.fail(|| format!("wrong number of args for {name}: want {fixed} got {num_in}"))
            );
        }
        Ok(())
    }

    /// `and` / `or`: evaluate operands until one decides, and return it.
    #[inline(never)]
    fn eval_and_or(
        &mut self,
        dot: &Val,
        is_or: bool,
        args: &'s [Arg],
        final_: Option<Val>,
    ) -> Result<Val, Error> {
        let mut value = Val::Missing;
        for arg in args {
            value = self.eval_arg(dot, Param::Reflect, arg)?;
            if value.truth() == is_or {
                return Ok(value);
            }
        }
        Ok(final_.unwrap_or(value))
    }

    /// Evaluates the arguments of a registered function or method into a
    /// vector taken from the pool of argument vectors (see
    /// [`Exec::recycle`]): a call allocates nothing for its arguments once
    /// the pool is warm.
    #[inline(never)]
    fn eval_values(
        &mut self,
        dot: &Val,
        sig: &Params<'_>,
        args: &'s [Arg],
        final_: Option<Val>,
    ) -> Result<Vec<Value>, Error> {
        let mut values = self.arg_pool.pop().unwrap_or_default();
        match self.eval_args(dot, sig, args, final_, &mut values, Val::into_value) {
            Ok(()) => Ok(values),
            Err(err) => {
                self.recycle(values);
                Err(err)
            }
        }
    }

    /// Returns an argument vector to the pool, emptied.
    fn recycle(&mut self, mut values: Vec<Value>) {
        values.clear();
        // A call with very many arguments does not pin its vector.
        if values.capacity() <= 64 {
            self.arg_pool.push(values);
        }
    }

    #[inline(never)]
    fn eval_args<T>(
        &mut self,
        dot: &Val,
        sig: &Params<'_>,
        args: &'s [Arg],
        final_: Option<Val>,
        argv: &mut Vec<T>,
        convert: fn(Val) -> T,
    ) -> Result<(), Error> {
        let num_in = args.len() + usize::from(final_.is_some());
        let variadic = sig.variadic();
        let num_fixed = if variadic.is_some() {
            sig.fixed_len()
        } else {
            args.len()
        };
        argv.reserve(num_in);
        for (i, arg) in args.iter().enumerate() {
            let param = if i < num_fixed {
                sig.fixed(i)
            } else {
                variadic.unwrap_or(Param::Reflect)
            };
            argv.push(convert(self.eval_arg(dot, param, arg)?));
        }
        if let Some(final_) = final_ {
            let param = match variadic {
                Some(rest) if num_in > num_fixed => rest,
                _ => sig.fixed(num_in - 1),
            };
            argv.push(convert(self.validate_type(final_, param)?));
        }
        Ok(())
    }

    /// `print`, `printf` and `println`. They format whole values: a map
    /// shared many times over would print once per path, so measure first
    /// (as printing an action's value does).
    #[inline(never)]
    fn invoke_printing(
        &mut self,
        b: Builtin,
        node: At<'s>,
        name: &'s str,
        values: &[Value],
    ) -> Result<Val, Error> {
        let max = self.limits().max_output;
        let too_big = values.iter().any(|v| {
            matches!(v, Value::Map(_) | Value::List(_)) && super::printed_size_exceeds(v, max)
        });
        if too_big {
            self.at = node;
            return Err(
                self.fail_limit(|| format!("output exceeds the maximum size ({max} bytes)"))
            );
        }
        let result = b.print_values(values);
        self.finish(node, name, Ok(result), true)
    }

    #[inline(never)]
    fn invoke_builtin(
        &mut self,
        b: Builtin,
        node: At<'s>,
        name: &'s str,
        args: &'s [Arg],
        argv: &[Val],
    ) -> Result<Val, Error> {
        // The escapers format whole values: a map shared many times over
        // would print once per path, so measure first (as printing an
        // action's value does).
        if matches!(b, Builtin::Html | Builtin::Js | Builtin::UrlQuery) {
            let max = self.limits().max_output;
            let too_big = argv.iter().any(|a| {
                matches!(a.concrete(), Some(v @ (Value::Map(_) | Value::List(_)))
                    if super::printed_size_exceeds(v, max))
            });
            if too_big {
                self.at = node;
                return Err(
                    self.fail_limit(|| format!("output exceeds the maximum size ({max} bytes)"))
                );
            }
        }
        let callee = || {
            args.first()
                .map(|a| At::Arg(a).to_string())
                .unwrap_or_default()
        };
        let result = b
            .call(argv, callee)
            .map_err(|msg| Error::new(ErrorKind::Function, msg));
        // `index` hands out a part of its operand; everything else may have
        // built its result.
        self.finish(node, name, result, b != Builtin::Index)
    }

    /// The result of a registered function or method.
    fn finish_call(
        &mut self,
        node: At<'s>,
        name: &'s str,
        result: Result<Value, FuncError>,
    ) -> Result<Val, Error> {
        let result = result.map(Val::from_result).map_err(FuncError::into_cause);
        self.finish(node, name, result, true)
    }

    #[inline]
    fn finish(
        &mut self,
        node: At<'s>,
        name: &'s str,
        result: Result<Val, Error>,
        built: bool,
    ) -> Result<Val, Error> {
        match result {
            Ok(v) => {
                // A limit a function ran into and recovered from is over.
                if self.limit_error.is_some() {
                    self.limit_error = None;
                }
                if built {
                    self.charge(&v)?;
                }
                Ok(v)
            }
            Err(cause) => Err(self.call_failed(node, name, cause)),
        }
    }

    /// The error of a call that failed: a limit it ran into, or Go's
    /// `error calling NAME: ...` wrapping its cause.
    #[cold]
    #[inline(never)]
    fn call_failed(&mut self, node: At<'s>, name: &'s str, cause: Error) -> Error {
        if let Some(limit) = self.limit_error.take() {
            return limit;
        }
        self.at = node;
        self.fail(|| format!("error calling {name}: {}", cause.text()))
            .with_cause(cause)
    }
}
