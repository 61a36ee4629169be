//! Go's built-in template functions: `and`, `or`, `not`, `len`, `index`,
//! `slice`, `print`, `printf`, `println`, `html`, `js`, `urlquery`, `eq`,
//! `ne`, `lt`, `le`, `gt`, `ge` and `call`, with Go's semantics and error
//! texts (Go 1.24 wording).
//!
//! Most of them take Go `reflect.Value` parameters, so they see the
//! evaluator's [`Val`] (no value, nil interface, concrete) rather than a
//! plain [`Value`]. `and` and `or` short-circuit and are evaluated by the
//! evaluator itself; this module only declares their signatures.

use crate::escape;
use crate::exec::val::{Val, collection};
use crate::format;
use crate::func::ParamType;
use crate::value::Value;

/// A parameter type of a built-in or registered function, as the evaluator
/// checks arguments against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Param {
    /// Go's `reflect.Value`: anything, passed without conversion.
    Reflect,
    /// A Go type.
    Go(ParamType),
}

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Print,
    Printf,
    Println,
    Html,
    Js,
    UrlQuery,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Call,
}

const ANY: Param = Param::Go(ParamType::Any);
const STRING: Param = Param::Go(ParamType::String);

impl Builtin {
    /// Every built-in, in declaration order: `ALL[b as usize] == b`.
    const ALL: [Builtin; 19] = {
        use Builtin::*;
        [
            And, Or, Not, Len, Index, Slice, Print, Printf, Println, Html, Js, UrlQuery, Eq, Ne,
            Lt, Le, Gt, Ge, Call,
        ]
    };

    /// The built-in whose discriminant is `index` (see [`crate::functable`]).
    pub(crate) fn from_index(index: u32) -> Option<Builtin> {
        Builtin::ALL.get(index as usize).copied()
    }

    /// The built-in called `name`.
    pub(crate) fn lookup(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "or" => Builtin::Or,
            "not" => Builtin::Not,
            "len" => Builtin::Len,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "html" => Builtin::Html,
            "js" => Builtin::Js,
            "urlquery" => Builtin::UrlQuery,
            "eq" => Builtin::Eq,
            "ne" => Builtin::Ne,
            "lt" => Builtin::Lt,
            "le" => Builtin::Le,
            "gt" => Builtin::Gt,
            "ge" => Builtin::Ge,
            "call" => Builtin::Call,
            _ => return None,
        })
    }

    /// Go's signature: fixed parameters and the variadic element type.
    pub(crate) fn signature(self) -> (&'static [Param], Option<Param>) {
        use Builtin::*;
        match self {
            And | Or | Index | Slice | Eq | Call => (&[Param::Reflect], Some(Param::Reflect)),
            Not | Len => (&[Param::Reflect], None),
            Ne | Lt | Le | Gt | Ge => (&[Param::Reflect, Param::Reflect], None),
            Print | Println | Html | Js | UrlQuery => (&[], Some(ANY)),
            Printf => (&[STRING], Some(ANY)),
        }
    }

    /// Runs the built-in on checked arguments. The error is the message Go
    /// wraps as `error calling NAME: ...`. `callee` gives the source text of
    /// the first argument, which `call` names in its errors (Go 1.24).
    pub(crate) fn call(self, args: &[Val], callee: impl FnOnce() -> String) -> Result<Val, String> {
        use Builtin::*;
        let con = |v: Value| Ok(Val::Con(v));
        match self {
            // Evaluated with short-circuit by the evaluator.
            And | Or => Ok(args.last().cloned().unwrap_or(Val::Missing)),
            Not => con(Value::Bool(!args.first().is_some_and(Val::truth))),
            Len => length(args.first().unwrap_or(&Val::Missing)).map(|n| Val::Con(Value::Int(n))),
            Index => {
                let (item, rest) = split(args);
                index(item, rest)
            }
            Slice => {
                let (item, rest) = split(args);
                slice(item, rest)
            }
            // The evaluator calls `print_values` directly.
            Print | Println | Printf => {
                let values: Vec<Value> = args.iter().cloned().map(Val::into_value).collect();
                Ok(self.print_values(&values))
            }
            Html => con(Value::str(escape::html_escape(&eval_args(args)))),
            Js => con(Value::str(escape::js_escape(&eval_args(args)))),
            UrlQuery => con(Value::str(escape::query_escape(&eval_args(args)))),
            Eq => {
                let (first, rest) = split(args);
                eq(&first, rest).map(|b| Val::Con(Value::Bool(b)))
            }
            Ne => pair(args, |a, b| eq(a, std::slice::from_ref(b)).map(|e| !e)),
            Lt => pair(args, lt),
            Le => pair(args, le),
            Gt => pair(args, |a, b| le(a, b).map(|r| !r)),
            Ge => pair(args, |a, b| lt(a, b).map(|r| !r)),
            Call => {
                let (func, _) = split(args);
                match func.concrete() {
                    None => Err("call of nil".to_string()),
                    // Values never hold Go functions.
                    Some(v) => Err(format!(
                        "non-function {} of type {}",
                        callee(),
                        v.go_type_name()
                    )),
                }
            }
        }
    }
}

impl Builtin {
    /// Whether the built-in formats its operands with `fmt` (`print`,
    /// `printf`, `println`): it takes them as plain values, which the
    /// evaluator hands over without building a `Vec<Val>` first.
    pub(crate) fn prints_values(self) -> bool {
        matches!(self, Builtin::Print | Builtin::Printf | Builtin::Println)
    }

    /// Runs `print`, `printf` or `println` on checked operands.
    pub(crate) fn print_values(self, args: &[Value]) -> Val {
        let text = match self {
            Builtin::Println => format::sprintln(args),
            Builtin::Printf => {
                let (fmt, rest) = args.split_first().map_or(("", &[][..]), |(f, rest)| {
                    (f.as_str().unwrap_or_default(), rest)
                });
                format::sprintf(fmt, rest)
            }
            _ => format::sprint(args),
        };
        Val::Con(Value::str(text))
    }
}

fn split(args: &[Val]) -> (Val, &[Val]) {
    match args.split_first() {
        Some((first, rest)) => (first.clone(), rest),
        None => (Val::Missing, &[]),
    }
}

fn pair(args: &[Val], f: impl Fn(&Val, &Val) -> Result<bool, String>) -> Result<Val, String> {
    let missing = Val::Missing;
    let a = args.first().unwrap_or(&missing);
    let b = args.get(1).unwrap_or(&missing);
    f(a, b).map(|r| Val::Con(Value::Bool(r)))
}

/// Go's `evalArgs` for the escapers: `fmt.Sprint` of the arguments, where a
/// nil argument prints as `<no value>`.
fn eval_args(args: &[Val]) -> String {
    if let [Val::Con(Value::String(s)) | Val::Iface(Value::String(s))] = args {
        return s.to_string();
    }
    let args: Vec<Value> = args
        .iter()
        .map(|a| match a.clone().into_value() {
            Value::Nil => Value::str("<no value>"),
            v => v,
        })
        .collect();
    format::sprint(&args)
}

/// Go's type name of a value after indirection, for messages.
fn type_of(v: &Value) -> String {
    v.go_type_name()
}

fn length(item: &Val) -> Result<i64, String> {
    let Some(v) = item.concrete() else {
        return Err(match item {
            // A nil interface is a nil pointer to Go's `indirect`; no value
            // at all makes reflect panic, and Go reports the panic.
            Val::Missing => "reflect: call of reflect.Value.Type on zero Value".to_string(),
            _ => "len of nil pointer".to_string(),
        });
    };
    let n = match &*collection(v) {
        Value::String(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::List(l) => l.len(),
        Value::Map(m) => m.len(),
        other => return Err(format!("len of type {}", type_of(other))),
    };
    Ok(n as i64)
}

/// Go's `indexArg`: an integer index within `0..=cap`.
fn index_arg(index: &Val, cap: usize) -> Result<usize, String> {
    let x = match index.concrete() {
        Some(Value::Int(i) | Value::Int64(i)) => *i,
        Some(other) => {
            return Err(format!(
                "cannot index slice/array with type {}",
                type_of(other)
            ));
        }
        None => return Err("cannot index slice/array with nil".to_string()),
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(item: Val, indexes: &[Val]) -> Result<Val, String> {
    let mut item = match item.concrete() {
        Some(_) => item,
        None => return Err("index of untyped nil".to_string()),
    };
    for ix in indexes {
        let Some(cur) = item.concrete() else {
            return Err("index of nil pointer".to_string());
        };
        let next = match &*collection(cur) {
            Value::List(l) => {
                let x = index_arg(ix, l.len())?;
                match l.get(x) {
                    Some(v) => Val::Iface(v.clone()),
                    None => return Err("reflect: slice index out of range".to_string()),
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(ix, b.len())?;
                match b.get(x) {
                    Some(v) => Val::Con(Value::Int(i64::from(*v))),
                    None => return Err("reflect: slice index out of range".to_string()),
                }
            }
            Value::String(s) => {
                let x = index_arg(ix, s.len())?;
                match s.as_bytes().get(x) {
                    Some(v) => Val::Con(Value::Int(i64::from(*v))),
                    None => return Err("reflect: string index out of range".to_string()),
                }
            }
            Value::Map(m) => match ix.concrete() {
                Some(Value::String(k)) => Val::Iface(m.get(k).unwrap_or(Value::Nil)),
                Some(other) => {
                    return Err(format!(
                        "value has type {}; should be string",
                        type_of(other)
                    ));
                }
                None => return Err("value is nil; should be of type string".to_string()),
            },
            other => return Err(format!("can't index item of type {}", type_of(other))),
        };
        item = next;
    }
    Ok(item)
}

fn slice(item: Val, indexes: &[Val]) -> Result<Val, String> {
    let Some(v) = item.concrete() else {
        return Err("slice of untyped nil".to_string());
    };
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let v = &*collection(v);
    let len = match v {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".to_string());
            }
            s.len()
        }
        Value::List(l) => l.len(),
        Value::Bytes(b) => b.len(),
        other => return Err(format!("can't slice item of type {}", type_of(other))),
    };
    // Our lists carry no spare capacity, so cap == len.
    let mut idx = [0, len, len];
    for (i, ix) in indexes.iter().enumerate() {
        idx[i] = index_arg(ix, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    let (i, j) = (idx[0], idx[1]);
    Ok(Val::Con(match v {
        Value::String(s) => match s.get(i..j) {
            Some(sub) => Value::str(sub),
            // Go slices bytes; a cut inside a UTF-8 sequence cannot be a
            // Rust string, so the broken bytes are replaced.
            None => Value::str(String::from_utf8_lossy(&s.as_bytes()[i..j]).into_owned()),
        },
        Value::List(l) => Value::list(l[i..j].to_vec()),
        Value::Bytes(b) => Value::Bytes(b[i..j].into()),
        _ => Value::Nil,
    }))
}

/// Go's comparison classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
}

fn basic_kind(v: Option<&Value>) -> Kind {
    match v {
        Some(Value::Bool(_)) => Kind::Bool,
        Some(Value::Int(_) | Value::Int64(_)) => Kind::Int,
        Some(Value::Float(_)) => Kind::Float,
        Some(Value::String(_)) => Kind::String,
        _ => Kind::Invalid,
    }
}

/// `reflect.Kind` of a non-basic value, for Go's `canCompare`.
fn reflect_kind(v: Option<&Value>) -> &'static str {
    match v {
        None => "invalid",
        Some(Value::List(_) | Value::Bytes(_)) => "slice",
        Some(Value::Map(_)) => "map",
        Some(Value::Object(_)) => "ptr",
        Some(_) => "basic",
    }
}

fn incompatible(a: &Value, b: &Value) -> String {
    format!(
        "incompatible types for comparison: {} and {}",
        type_of(a),
        type_of(b)
    )
}

/// `%s` / `%v` of a value, as Go's comparison errors format their operands.
fn show(verb: &str, v: &Value) -> String {
    format::sprintf(verb, std::slice::from_ref(v))
}

fn eq(first: &Val, others: &[Val]) -> Result<bool, String> {
    if others.is_empty() {
        return Err("missing argument for comparison".to_string());
    }
    let a = first.concrete();
    let k1 = basic_kind(a);
    for other in others {
        let b = other.concrete();
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            match (a, b) {
                (Some(a), Some(b)) => return Err(incompatible(a, b)),
                _ => false,
            }
        } else {
            match (k1, a, b) {
                (Kind::Bool, Some(Value::Bool(x)), Some(Value::Bool(y))) => x == y,
                (
                    Kind::Int,
                    Some(Value::Int(x) | Value::Int64(x)),
                    Some(Value::Int(y) | Value::Int64(y)),
                ) => x == y,
                (Kind::Float, Some(Value::Float(x)), Some(Value::Float(y))) => x == y,
                (Kind::String, Some(Value::String(x)), Some(Value::String(y))) => x == y,
                _ => {
                    let (ka, kb) = (reflect_kind(a), reflect_kind(b));
                    match (a, b) {
                        (None, _) | (_, None) => a.is_none() && b.is_none(),
                        (Some(x), Some(y)) => {
                            if ka != kb {
                                return Err(format!(
                                    "non-comparable types {}: {}, {}: {}",
                                    show("%s", x),
                                    type_of(x),
                                    type_of(y),
                                    show("%v", y)
                                ));
                            }
                            match (x, y) {
                                (Value::Object(p), Value::Object(q)) => {
                                    std::sync::Arc::ptr_eq(p, q)
                                }
                                _ => {
                                    return Err(format!(
                                        "non-comparable type {}: {}",
                                        show("%s", y),
                                        type_of(y)
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(a: &Val, b: &Val) -> Result<bool, String> {
    let (a, b) = (a.concrete(), b.concrete());
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    if k1 == Kind::Invalid || k2 == Kind::Invalid {
        return Err("invalid type for comparison".to_string());
    }
    match (a, b) {
        (Some(x), Some(y)) if k1 != k2 => Err(incompatible(x, y)),
        (Some(Value::Int(x) | Value::Int64(x)), Some(Value::Int(y) | Value::Int64(y))) => Ok(x < y),
        (Some(Value::Float(x)), Some(Value::Float(y))) => Ok(x < y),
        (Some(Value::String(x)), Some(Value::String(y))) => Ok(x.as_bytes() < y.as_bytes()),
        _ => Err("invalid type for comparison".to_string()),
    }
}

fn le(a: &Val, b: &Val) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}

#[cfg(test)]
mod tests {
    use super::Builtin;

    #[test]
    fn every_builtin_is_found_by_its_index() {
        for (i, b) in Builtin::ALL.iter().enumerate() {
            assert_eq!(*b as usize, i);
            assert_eq!(Builtin::from_index(i as u32), Some(*b));
        }
        assert_eq!(Builtin::from_index(Builtin::ALL.len() as u32), None);
    }
}
