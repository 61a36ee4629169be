//! What the evaluator holds while it walks: a [`Value`] plus the two facts
//! Go's `reflect.Value` carries and our value model erases.
//!
//! Go distinguishes "no value at all" (an invalid `reflect.Value`: a missing
//! map key under `missingkey=default`, nil data) from a nil `interface{}`,
//! and a value read out of an `interface{}` slot (a map or list element) from
//! the same value held concretely. Both show in Go's output and errors:
//! `<no value>` versus `<nil>`, `can't evaluate field x in type interface {}`
//! versus `... in type string`, `nil pointer evaluating interface {}.x`.

use std::borrow::Cow;

use crate::value::Value;

/// A value during evaluation.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    /// Go's invalid `reflect.Value`: "no value".
    Missing,
    /// A value whose static type is its own concrete type (literals,
    /// function results, pipeline results).
    Con(Value),
    /// A value read from an `interface{}`-typed slot: a map or list
    /// element. `Iface(Value::Nil)` is a nil interface.
    Iface(Value),
}

impl Val {
    /// Wraps a value produced by a registered function or a host object:
    /// a nil result is a nil interface, anything else is concrete.
    pub(crate) fn from_result(value: Value) -> Val {
        match value {
            Value::Nil => Val::Iface(Value::Nil),
            value => Val::Con(value),
        }
    }

    /// The dot of an execution started with `data` (Go's
    /// `reflect.ValueOf(data)`: nil data is no value).
    pub(crate) fn from_data(data: Value) -> Val {
        match data {
            Value::Nil => Val::Missing,
            value => Val::Con(value),
        }
    }

    /// What a pipeline stage leaves behind: Go digs one level into an
    /// `interface{}` result, so a nil interface becomes "no value".
    pub(crate) fn unwrap_iface(self) -> Val {
        match self {
            Val::Iface(Value::Nil) | Val::Con(Value::Nil) => Val::Missing,
            Val::Iface(v) => Val::Con(v),
            other => other,
        }
    }

    /// The concrete value inside, if any (Go's `indirectInterface`): `None`
    /// for no value and for a nil interface.
    pub(crate) fn concrete(&self) -> Option<&Value> {
        match self {
            Val::Missing | Val::Con(Value::Nil) | Val::Iface(Value::Nil) => None,
            Val::Con(v) | Val::Iface(v) => Some(v),
        }
    }

    /// The value handed to a function parameter of type `interface{}`.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Val::Missing => Value::Nil,
            Val::Con(v) | Val::Iface(v) => v,
        }
    }

    /// Go's static type name of the value, as field-evaluation errors
    /// print it (`receiver.Type()` before indirection).
    pub(crate) fn static_type(&self) -> String {
        match self {
            Val::Missing => "<invalid>".to_string(),
            Val::Iface(_) => "interface {}".to_string(),
            Val::Con(v) => v.go_type_name(),
        }
    }

    /// Go's `template.IsTrue` of the value (after `indirectInterface`).
    pub(crate) fn truth(&self) -> bool {
        self.concrete().is_some_and(is_true)
    }
}

/// The value `len`, `index`, `slice` and `range` work on: a host object of
/// a named map or slice type (Helm's `.Files`, `.Capabilities.APIVersions`)
/// offers its contents through [`Object::to_value`](crate::Object).
pub(crate) fn collection(value: &Value) -> Cow<'_, Value> {
    match value {
        Value::Object(o) => match o.to_value() {
            Some(contents) => Cow::Owned(contents),
            None => Cow::Borrowed(value),
        },
        other => Cow::Borrowed(other),
    }
}

/// Go's truth: false, 0, 0.0, "", empty list/map/bytes and nil are false;
/// host objects decide (structs and non-nil pointers are true).
pub(crate) fn is_true(value: &Value) -> bool {
    match value {
        Value::Nil => false,
        Value::Bool(b) => *b,
        Value::Int(i) | Value::Int64(i) => *i != 0,
        Value::Float(x) => *x != 0.0,
        Value::String(s) => !s.is_empty(),
        Value::Bytes(b) => !b.is_empty(),
        Value::List(l) => !l.is_empty(),
        Value::Map(m) => !m.is_empty(),
        Value::Object(o) => o.is_true(),
    }
}
