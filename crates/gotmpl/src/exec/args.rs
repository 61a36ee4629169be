//! Arguments: Go's conversion of operands to a callee's parameter types
//! (`evalArg`, `validateType`): untyped literals take the parameter's type,
//! `nil` goes only to types that can be nil, evaluated values must already
//! have the parameter's type.

use std::sync::Arc;

use super::val::Val;
use super::{At, Exec};
use crate::ast::Arg;
use crate::builtins::Param;
use crate::error::Error;
use crate::func::ParamType;
use crate::value::Value;

impl<'s> Exec<'s> {
    /// Go's `validateType`: checks that an evaluated value fits the
    /// parameter, converting "no value" to the parameter's zero value when
    /// it can be nil.
    #[inline]
    pub(super) fn validate_type(&self, value: Val, param: Param) -> Result<Val, Error> {
        // Most parameters take anything: no call for them.
        match param {
            Param::Reflect | Param::Go(ParamType::Any) => Ok(value),
            Param::Go(ty) => self.validate_typed(value, ty),
        }
    }

    /// [`Exec::validate_type`] for a parameter of a concrete type.
    #[inline(never)]
    fn validate_typed(&self, value: Val, ty: ParamType) -> Result<Val, Error> {
        match &value {
            Val::Missing => match zero(ty) {
                Some(z) => Ok(Val::Con(z)),
                None => Err(self.fail(|| format!("invalid value; expected {}", ty.go_name()))),
            },
            Val::Con(Value::Nil) | Val::Iface(Value::Nil) => Err(self.fail(|| {
                format!(
                    "wrong type for value; expected {}; got interface {{}}",
                    ty.go_name()
                )
            })),
            Val::Con(v) | Val::Iface(v) => {
                if assignable(v, ty) {
                    // The value moves: a clone would update a shared
                    // reference count only for the original to drop it.
                    Ok(Val::Con(value.into_value()))
                } else {
                    Err(self.fail(|| {
                        format!(
                            "wrong type for value; expected {}; got {}",
                            ty.go_name(),
                            v.go_type_name()
                        )
                    }))
                }
            }
        }
    }

    /// Go's `evalArg`: evaluates one argument for a parameter, with Go's
    /// conversions of untyped literals.
    pub(super) fn eval_arg(&mut self, dot: &Val, param: Param, arg: &'s Arg) -> Result<Val, Error> {
        self.at = At::Arg(arg);
        let value = match arg {
            Arg::Dot { .. } => dot.clone(),
            Arg::Nil { .. } => {
                return match param {
                    Param::Reflect | Param::Go(ParamType::Any) => Ok(Val::Missing),
                    Param::Go(ty) => match zero(ty) {
                        Some(z) => Ok(Val::Con(z)),
                        None => Err(self.fail(|| format!("cannot assign nil to {}", ty.go_name()))),
                    },
                };
            }
            Arg::Field { fields, .. } => self.eval_field_node(dot, arg, fields, &[], None)?,
            Arg::Variable { name, fields, .. } => {
                self.eval_variable_node(dot, arg, name, fields, &[], None)?
            }
            Arg::Pipe(pipe) => self.eval_pipe(dot, pipe)?,
            Arg::Identifier { name, .. } => {
                self.eval_function(dot, arg, name, At::Arg(arg), &[], None)?
            }
            Arg::Chain { node, fields, .. } => {
                self.eval_chain_node(dot, arg, node, fields, &[], None)?
            }
            Arg::Bool { .. } | Arg::Number(_) | Arg::String { .. } => {
                return self.eval_literal(param, arg);
            }
        };
        self.validate_type(value, param)
    }

    /// A literal argument converted to the parameter's type.
    fn eval_literal(&mut self, param: Param, arg: &'s Arg) -> Result<Val, Error> {
        let ty = match param {
            Param::Reflect | Param::Go(ParamType::Any) => {
                return match arg {
                    Arg::Bool { value, .. } => Ok(Val::Con(Value::Bool(*value))),
                    Arg::Number(n) => self.ideal_constant(n),
                    Arg::String { value, .. } => Ok(Val::Con(Value::String(value.clone()))),
                    _ => Err(self.fail(|| {
                        format!("can't handle assignment of {arg} to empty interface argument")
                    })),
                };
            }
            Param::Go(ty) => ty,
        };
        let converted = match (ty, arg) {
            (ParamType::Bool, Arg::Bool { value, .. }) => Some(Value::Bool(*value)),
            (ParamType::Bool, _) => {
                return Err(self.fail(|| format!("expected bool; found {arg}")));
            }
            (ParamType::String, Arg::String { value, .. }) => Some(Value::String(value.clone())),
            (ParamType::String, _) => {
                return Err(self.fail(|| format!("expected string; found {arg}")));
            }
            (ParamType::Int | ParamType::Int64, Arg::Number(n)) if n.int.is_some() => {
                n.int.map(|i| {
                    if ty == ParamType::Int {
                        Value::Int(i)
                    } else {
                        Value::Int64(i)
                    }
                })
            }
            (ParamType::Int | ParamType::Int64, _) => {
                return Err(self.fail(|| format!("expected integer; found {arg}")));
            }
            (ParamType::Float, Arg::Number(n)) if n.float.is_some() => n.float.map(Value::Float),
            (ParamType::Float, _) => {
                return Err(self.fail(|| format!("expected float; found {arg}")));
            }
            _ => None,
        };
        match converted {
            Some(v) => Ok(Val::Con(v)),
            None => {
                Err(self.fail(|| format!("can't handle {arg} for arg of type {}", ty.go_name())))
            }
        }
    }
}

/// The zero value of a parameter type that can be nil (`nil` slices and maps
/// print and behave as empty ones), or `None` if nil is not assignable.
fn zero(ty: ParamType) -> Option<Value> {
    match ty {
        ParamType::Any => Some(Value::Nil),
        ParamType::List | ParamType::StringList => Some(Value::list(Vec::new())),
        ParamType::Map => Some(Value::map(Default::default())),
        ParamType::Bytes => Some(Value::Bytes(Arc::from(&[][..]))),
        _ => None,
    }
}

/// Whether a value of this kind is assignable to a parameter of type `ty`.
/// Our lists are `[]interface{}`; a list of strings is accepted for
/// `[]string` because Sprig functions that return `[]string` produce lists.
fn assignable(value: &Value, ty: ParamType) -> bool {
    match (ty, value) {
        (ParamType::Any, _) => true,
        (ParamType::String, Value::String(_))
        | (ParamType::Int, Value::Int(_))
        | (ParamType::Int64, Value::Int64(_))
        | (ParamType::Float, Value::Float(_))
        | (ParamType::Bool, Value::Bool(_))
        | (ParamType::List, Value::List(_))
        | (ParamType::Map, Value::Map(_))
        | (ParamType::Bytes, Value::Bytes(_)) => true,
        (ParamType::StringList, Value::List(items)) => {
            items.iter().all(|v| matches!(v, Value::String(_)))
        }
        _ => false,
    }
}
