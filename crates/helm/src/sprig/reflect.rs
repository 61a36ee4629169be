//! Go reflection as templates see it: `typeOf` (`%T`), `kindOf`
//! (`reflect.Kind`), `typeIs`, `typeIsLike`, `kindIs`, and
//! `reflect.DeepEqual`, which Sprig also uses inside `has`, `uniq` and
//! `without`.

use capstan_gotmpl::Value;

use super::{ANY, Registry, STR, arg, arg_str};

pub(super) fn register(r: &mut Registry) {
    r.fixed("typeOf", &[ANY], |a| {
        Ok(Value::from(arg(a, 0).go_type_name()))
    });
    r.fixed("kindOf", &[ANY], |a| Ok(Value::str(kind_name(arg(a, 0)))));
    r.fixed("typeIs", &[STR, ANY], |a| {
        Ok(Value::Bool(arg_str(a, 0) == arg(a, 1).go_type_name()))
    });
    r.fixed("typeIsLike", &[STR, ANY], |a| {
        let (target, t) = (arg_str(a, 0), arg(a, 1).go_type_name());
        Ok(Value::Bool(target == t || format!("*{target}") == t))
    });
    r.fixed("kindIs", &[STR, ANY], |a| {
        Ok(Value::Bool(arg_str(a, 0) == kind_name(arg(a, 1))))
    });
    r.fixed("deepEqual", &[ANY, ANY], |a| {
        Ok(Value::Bool(deep_equal(arg(a, 0), arg(a, 1))))
    });
}

/// `reflect.ValueOf(v).Kind().String()`; nil is `invalid`.
pub(crate) fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Nil => "invalid",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) => "int64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Bytes(_) | Value::List(_) => "slice",
        Value::Map(_) => "map",
        Value::Object(o) => {
            let t = o.type_name();
            if t.starts_with('*') {
                "ptr"
            } else if t.starts_with("map[") {
                "map"
            } else if t.starts_with("[]") {
                "slice"
            } else {
                "struct"
            }
        }
        _ => "invalid",
    }
}

/// `reflect.DeepEqual`: same dynamic type and deeply equal contents; an
/// `int` never equals an `int64` or a `float64` with the same value.
///
/// As in Go, the same map (or list) compared with itself is equal without a
/// look inside, and a pair of maps or lists met again during one comparison
/// counts as equal: values sharing maps many times over (or containing
/// themselves) compare in time proportional to their distinct parts.
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    Visits::default().equal(a, b)
}

#[derive(Default)]
struct Visits {
    seen: std::collections::HashSet<(usize, usize)>,
}

impl Visits {
    fn equal(&mut self, a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
            // DeepEqual compares floats with ==, so NaN is never equal.
            (Value::Float(x), Value::Float(y)) => x == y,
            (Value::String(x), Value::String(y)) => x == y,
            (Value::Bytes(x), Value::Bytes(y)) => x == y,
            (Value::List(x), Value::List(y)) => {
                if x.len() != y.len() {
                    return false;
                }
                let pair = (
                    std::sync::Arc::as_ptr(x) as usize,
                    std::sync::Arc::as_ptr(y) as usize,
                );
                if pair.0 == pair.1 || !self.seen.insert(pair) {
                    return true;
                }
                x.iter().zip(y.iter()).all(|(p, q)| self.equal(p, q))
            }
            (Value::Map(x), Value::Map(y)) => {
                if x.len() != y.len() {
                    return false;
                }
                let pair = (x.addr(), y.addr());
                if pair.0 == pair.1 || !self.seen.insert(pair) {
                    return true;
                }
                let ys = y.snapshot();
                x.snapshot()
                    .iter()
                    .all(|(k, v)| ys.get(k).is_some_and(|w| self.equal(v, w)))
            }
            (Value::Object(_), Value::Object(_)) => a == b,
            _ => false,
        }
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
    use super::super::testing::{call, call_str, i, s};
    use super::*;

    #[test]
    fn types_and_kinds() {
        assert_eq!(call_str("typeOf", &[i(1)]), "int");
        assert_eq!(call_str("typeOf", &[Value::Float(1.0)]), "float64");
        assert_eq!(call_str("kindOf", &[Value::list(vec![])]), "slice");
        assert_eq!(call_str("kindOf", &[Value::Nil]), "invalid");
        assert_eq!(
            call("kindIs", &[s("map"), Value::map(Default::default())]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call("typeIs", &[s("string"), s("x")]).unwrap(),
            Value::Bool(true)
        );
    }

    #[test]
    fn deep_equal_is_type_strict() {
        assert!(!deep_equal(&Value::Int(1), &Value::Int64(1)));
        assert!(!deep_equal(&Value::Int(1), &Value::Float(1.0)));
        assert!(deep_equal(
            &Value::list(vec![s("a")]),
            &Value::list(vec![s("a")])
        ));
        assert!(!deep_equal(
            &Value::Float(f64::NAN),
            &Value::Float(f64::NAN)
        ));
    }
}
