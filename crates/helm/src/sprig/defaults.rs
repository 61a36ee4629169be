//! Sprig's "defaults" functions: `default`, `empty`, `coalesce`, `all`,
//! `any`, `ternary`, and `deepCopy` (a copy sharing no map with the original,
//! since maps are shared references).

use capstan_gotmpl::{FuncError, Value};

use super::{ANY, BOOL, Registry, arg};

pub(super) fn register(r: &mut Registry) {
    r.variadic("default", &[ANY], ANY, |a| {
        // `default D` with no given value, or an empty given value, is D.
        match a.get(1) {
            Some(given) if !empty(given) => Ok(given.clone()),
            _ => Ok(arg(a, 0).clone()),
        }
    });
    r.fixed("empty", &[ANY], |a| Ok(Value::Bool(empty(arg(a, 0)))));
    r.variadic("coalesce", &[], ANY, |a| {
        Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))
    });
    r.variadic("all", &[], ANY, |a| {
        Ok(Value::Bool(a.iter().all(|v| !empty(v))))
    });
    r.variadic("any", &[], ANY, |a| {
        Ok(Value::Bool(a.iter().any(|v| !empty(v))))
    });
    r.fixed("ternary", &[ANY, ANY, BOOL], |a| {
        let chosen = if matches!(arg(a, 2), Value::Bool(true)) {
            arg(a, 0)
        } else {
            arg(a, 1)
        };
        Ok(chosen.clone())
    });
    r.fixed("deepCopy", &[ANY], |a| deep_copy(arg(a, 0), "deepCopy"));
    r.fixed("mustDeepCopy", &[ANY], |a| {
        deep_copy(arg(a, 0), "mustDeepCopy")
    });
}

/// A copy sharing no map with `v`. A map shared many times over is copied
/// once per path (as copystructure does in Go), so a value whose copy would
/// pass the template output cap is refused before anything is copied.
fn deep_copy(v: &Value, name: &str) -> Result<Value, FuncError> {
    crate::budget::check_copy(v, crate::budget::default_cap(), name)
        .map_err(|e| FuncError::msg(e.message(name)))?;
    Ok(v.deep_copy())
}

/// Sprig's `empty`: nil, zero numbers, `false`, and empty strings, lists and
/// maps. Structs (host objects) are never empty.
pub(crate) fn empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(n) | Value::Int64(n) => *n == 0,
        Value::Float(x) => *x == 0.0,
        Value::String(s) => s.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::cloned_ref_to_slice_refs,
    clippy::too_many_arguments,
    reason = "a failed unwrap is a failed test"
)]
mod tests {
    use super::super::testing::{call, i, s};
    use super::*;

    #[test]
    fn default_uses_sprig_emptiness() {
        assert_eq!(call("default", &[s("d")]).unwrap(), s("d"));
        assert_eq!(call("default", &[s("d"), s("")]).unwrap(), s("d"));
        assert_eq!(call("default", &[s("d"), i(0)]).unwrap(), s("d"));
        assert_eq!(
            call("default", &[s("d"), Value::Bool(false)]).unwrap(),
            s("d")
        );
        assert_eq!(call("default", &[s("d"), s("x")]).unwrap(), s("x"));
        assert_eq!(
            call("default", &[s("d"), Value::list(vec![])]).unwrap(),
            s("d")
        );
    }

    #[test]
    fn coalesce_all_any_ternary() {
        assert_eq!(call("coalesce", &[Value::Nil, s(""), i(3)]).unwrap(), i(3));
        assert_eq!(call("coalesce", &[Value::Nil]).unwrap(), Value::Nil);
        assert_eq!(call("all", &[i(1), s("")]).unwrap(), Value::Bool(false));
        assert_eq!(call("all", &[]).unwrap(), Value::Bool(true));
        assert_eq!(call("any", &[i(0), s("x")]).unwrap(), Value::Bool(true));
        assert_eq!(
            call("ternary", &[s("a"), s("b"), Value::Bool(false)]).unwrap(),
            s("b")
        );
    }
}
