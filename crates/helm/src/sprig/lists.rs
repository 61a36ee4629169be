//! Sprig's list functions (`list`, `append`, `first`, `uniq`, `slice`,
//! `chunk`, `until`, `seq`...) and their `must*` twins.
//!
//! Sprig accepts any Go slice or array through reflection and reports
//! anything else as `Cannot <verb> on type <kind>`; the plain variants panic
//! with that error and the `must*` variants return it, which a template
//! shows identically (`error calling NAME: ...`), so both share one body.
//! A nil list makes Sprig call a method on a nil `reflect.Type`, a nil
//! pointer dereference in Go.

use capstan_gotmpl::{FuncError, Value};

use super::conv::{float_to_int, to_int64};
use super::defaults::empty;
use super::reflect::{deep_equal, kind_name};
use super::{ANY, INT, NIL_DEREF, Registry, arg, arg_int, fail};

/// Most generated lists are bounded by this many items: Go would try to
/// allocate and die; we refuse with an error instead.
const MAX_ITEMS: i64 = 1 << 20;

pub(super) fn register(r: &mut Registry) {
    r.variadic("list", &[], ANY, |a| Ok(Value::list(a.to_vec())));
    r.variadic("tuple", &[], ANY, |a| Ok(Value::list(a.to_vec())));
    for name in ["append", "push", "mustAppend", "mustPush"] {
        r.fixed(name, &[ANY, ANY], |a| {
            let mut items = items_of(arg(a, 0), "Cannot push on type")?;
            items.push(arg(a, 1).clone());
            Ok(Value::list(items))
        });
    }
    for name in ["prepend", "mustPrepend"] {
        r.fixed(name, &[ANY, ANY], |a| {
            let mut items = items_of(arg(a, 0), "Cannot prepend on type")?;
            items.insert(0, arg(a, 1).clone());
            Ok(Value::list(items))
        });
    }
    for name in ["first", "mustFirst"] {
        r.fixed(name, &[ANY], |a| {
            let items = items_of(arg(a, 0), "Cannot find first on type")?;
            Ok(items.into_iter().next().unwrap_or(Value::Nil))
        });
    }
    for name in ["last", "mustLast"] {
        r.fixed(name, &[ANY], |a| {
            let items = items_of(arg(a, 0), "Cannot find last on type")?;
            Ok(items.into_iter().next_back().unwrap_or(Value::Nil))
        });
    }
    for name in ["rest", "mustRest"] {
        r.fixed(name, &[ANY], |a| {
            let items = items_of(arg(a, 0), "Cannot find rest on type")?;
            // Sprig returns a nil slice (not an empty one) for an empty list.
            if items.is_empty() {
                return Ok(nil_slice());
            }
            Ok(Value::list(items.into_iter().skip(1).collect()))
        });
    }
    for name in ["initial", "mustInitial"] {
        r.fixed(name, &[ANY], |a| {
            let mut items = items_of(arg(a, 0), "Cannot find initial on type")?;
            if items.is_empty() {
                return Ok(nil_slice());
            }
            items.pop();
            Ok(Value::list(items))
        });
    }
    for name in ["reverse", "mustReverse"] {
        r.fixed(name, &[ANY], |a| {
            let mut items = items_of(arg(a, 0), "Cannot find reverse on type")?;
            items.reverse();
            Ok(Value::list(items))
        });
    }
    for name in ["compact", "mustCompact"] {
        r.fixed(name, &[ANY], |a| {
            let items = items_of(arg(a, 0), "Cannot compact on type")?;
            Ok(Value::list(
                items.into_iter().filter(|v| !empty(v)).collect(),
            ))
        });
    }
    for name in ["uniq", "mustUniq"] {
        r.fixed(name, &[ANY], |a| {
            let items = items_of(arg(a, 0), "Cannot find uniq on type")?;
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                if !out.iter().any(|o| deep_equal(&item, o)) {
                    out.push(item);
                }
            }
            Ok(Value::list(out))
        });
    }
    for name in ["without", "mustWithout"] {
        r.variadic(name, &[ANY], ANY, |a| {
            let items = items_of(arg(a, 0), "Cannot find without on type")?;
            let omit = a.get(1..).unwrap_or(&[]);
            let kept = items
                .into_iter()
                .filter(|v| !omit.iter().any(|o| deep_equal(v, o)));
            Ok(Value::list(kept.collect()))
        });
    }
    for name in ["has", "mustHas"] {
        r.fixed(name, &[ANY, ANY], |a| {
            let haystack = arg(a, 1);
            if haystack.is_nil() {
                return Ok(Value::Bool(false));
            }
            let items = items_of(haystack, "Cannot find has on type")?;
            Ok(Value::Bool(items.iter().any(|v| deep_equal(arg(a, 0), v))))
        });
    }
    for name in ["slice", "mustSlice"] {
        r.variadic(name, &[ANY], ANY, slice);
    }
    r.variadic("concat", &[], ANY, |a| {
        check_concat_size(a)?;
        let mut out = Vec::new();
        for list in a {
            match list {
                Value::Nil => return Err(fail(NIL_DEREF)),
                Value::List(_) | Value::Bytes(_) => out.extend(items_of(list, "")?),
                other => {
                    return Err(fail(format!(
                        "Cannot concat type {} as list",
                        kind_name(other)
                    )));
                }
            }
        }
        Ok(Value::list(out))
    });
    for name in ["chunk", "mustChunk"] {
        r.fixed(name, &[INT, ANY], |a| chunk(arg_int(a, 0), arg(a, 1)));
    }
    r.fixed("until", &[INT], |a| {
        let count = arg_int(a, 0);
        let step = if count < 0 { -1 } else { 1 };
        ints(until_step(0, count, step)?)
    });
    r.fixed("untilStep", &[INT, INT, INT], |a| {
        ints(until_step(arg_int(a, 0), arg_int(a, 1), arg_int(a, 2))?)
    });
    r.variadic("seq", &[], INT, |a| {
        let p: Vec<i64> = (0..a.len()).map(|i| arg_int(a, i)).collect();
        let numbers = match p.as_slice() {
            [end] => {
                let inc = if *end < 1 { -1 } else { 1 };
                until_step(1, end.wrapping_add(inc), inc)?
            }
            [start, end] => {
                let step = if end < start { -1 } else { 1 };
                until_step(*start, end.wrapping_add(step), step)?
            }
            [start, step, end] => {
                let mut inc = 1;
                if end < start {
                    inc = -1;
                    if *step > 0 {
                        return Ok(Value::str(""));
                    }
                }
                until_step(*start, end.wrapping_add(inc), *step)?
            }
            _ => Vec::new(),
        };
        let text: Vec<String> = numbers.iter().map(i64::to_string).collect();
        Ok(Value::from(text.join(" ")))
    });
}

/// The items of a Go slice, or Sprig's error for anything else.
pub(crate) fn items_of(v: &Value, verb_on_type: &str) -> Result<Vec<Value>, FuncError> {
    match v {
        Value::List(items) => Ok(items.to_vec()),
        // A []byte is a slice of uint8 numbers.
        Value::Bytes(b) => Ok(b.iter().map(|x| Value::Int(i64::from(*x))).collect()),
        Value::Nil => Err(fail(NIL_DEREF)),
        // A named slice type (`.Capabilities.APIVersions`) is still a slice.
        Value::Object(o) => match o.to_value() {
            Some(plain @ Value::List(_)) => items_of(&plain, verb_on_type),
            _ => Err(fail(format!("{verb_on_type} {}", kind_name(v)))),
        },
        other => Err(fail(format!("{verb_on_type} {}", kind_name(other)))),
    }
}

fn ints(v: Vec<i64>) -> Result<Value, FuncError> {
    Ok(Value::list(v.into_iter().map(Value::Int).collect()))
}

/// `concat $l $l` in a loop doubles a list per step: the list it would
/// build is refused, before it is built, when its items alone would take
/// more memory than the template output cap.
fn check_concat_size(lists: &[Value]) -> Result<(), FuncError> {
    let items: usize = lists
        .iter()
        .map(|l| match l {
            Value::List(items) => items.len(),
            Value::Bytes(b) => b.len(),
            _ => 0,
        })
        .fold(0, usize::saturating_add);
    let cap = crate::budget::default_cap();
    if items.saturating_mul(std::mem::size_of::<Value>()) > cap {
        return Err(fail(format!(
            "concat: a list of {items} items exceeds the maximum output size ({cap} bytes)"
        )));
    }
    Ok(())
}

/// Sprig's `untilStep`: `start` towards `stop` (exclusive) by `step`;
/// an empty list when the step points the other way or is zero.
fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    let count = if stop < start {
        if step >= 0 {
            return Ok(Vec::new());
        }
        (i128::from(start) - i128::from(stop) - i128::from(step) - 1) / -i128::from(step)
    } else {
        if step <= 0 {
            return Ok(Vec::new());
        }
        (i128::from(stop) - i128::from(start) + i128::from(step) - 1) / i128::from(step)
    };
    if count > i128::from(MAX_ITEMS) {
        return Err(fail(format!(
            "untilStep: refusing to build a list of {count} items"
        )));
    }
    Ok((0..count as i64).map(|i| start + i * step).collect())
}

/// `slice LIST [START [END]]`, with reflect's panic for bad bounds.
fn slice(a: &[Value]) -> Result<Value, FuncError> {
    let list = arg(a, 0);
    let items = match list {
        Value::Nil => return Err(fail(NIL_DEREF)),
        Value::List(_) | Value::Bytes(_) => items_of(list, "")?,
        other => {
            return Err(fail(format!(
                "list should be type of slice or array but {}",
                kind_name(other)
            )));
        }
    };
    if items.is_empty() {
        return Ok(Value::Nil);
    }
    let len = items.len() as i64;
    let start = a.get(1).map_or(0, to_int64);
    let end = a.get(2).map_or(len, to_int64);
    if start < 0 || end < start || end > len {
        return Err(fail("reflect.Value.Slice: slice index out of bounds"));
    }
    let part = &items[start as usize..end as usize];
    if let Value::Bytes(b) = list {
        return Ok(Value::Bytes(b[start as usize..end as usize].into()));
    }
    Ok(Value::list(part.to_vec()))
}

/// Sprig's `chunk`, including Go's behaviour for a zero or negative size
/// (float arithmetic, then a `makeslice` panic).
fn chunk(size: i64, list: &Value) -> Result<Value, FuncError> {
    let items = items_of(list, "Cannot chunk type")?;
    let len = items.len() as i64;
    let makeslice = || fail("runtime error: makeslice: len out of range");
    let chunks = float_to_int(((len - 1) as f64 / size as f64).floor() + 1.0);
    if chunks < 0 {
        return Err(makeslice());
    }
    let mut out = Vec::new();
    for i in 0..chunks {
        let mut clen = size;
        if i == chunks - 1 {
            clen = float_to_int((len as f64 % size as f64).floor());
            if clen == 0 {
                clen = size;
            }
        }
        if clen < 0 {
            return Err(makeslice());
        }
        let from = (i * size) as usize;
        let to = from + clen as usize;
        let part = items.get(from..to).ok_or_else(|| {
            fail(format!(
                "runtime error: index out of range [{}] with length {len}",
                len.min(to as i64)
            ))
        })?;
        out.push(Value::list(part.to_vec()));
    }
    Ok(Value::list(out))
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

    fn l(items: &[Value]) -> Value {
        Value::list(items.to_vec())
    }

    #[test]
    fn list_basics() {
        let abc = l(&[s("a"), s("b"), s("c")]);
        assert_eq!(call("first", &[abc.clone()]).unwrap(), s("a"));
        assert_eq!(call("last", &[abc.clone()]).unwrap(), s("c"));
        assert_eq!(call("rest", &[abc.clone()]).unwrap(), l(&[s("b"), s("c")]));
        assert_eq!(
            call("initial", &[abc.clone()]).unwrap(),
            l(&[s("a"), s("b")])
        );
        assert_eq!(
            call("reverse", &[abc.clone()]).unwrap(),
            l(&[s("c"), s("b"), s("a")])
        );
        assert_eq!(
            call("append", &[abc.clone(), s("d")])
                .unwrap()
                .as_list()
                .unwrap()
                .len(),
            4
        );
        assert_eq!(call("first", &[l(&[])]).unwrap(), Value::Nil);
    }

    #[test]
    fn list_errors_use_sprig_words() {
        assert_eq!(
            call("first", &[s("x")]).unwrap_err().message(),
            "Cannot find first on type string"
        );
        assert_eq!(
            call("mustPush", &[i(1), i(2)]).unwrap_err().message(),
            "Cannot push on type int"
        );
        assert_eq!(
            call("first", &[Value::Nil]).unwrap_err().message(),
            NIL_DEREF
        );
        assert_eq!(
            call("has", &[i(1), Value::Nil]).unwrap(),
            Value::Bool(false)
        );
    }

    #[test]
    fn uniq_without_has_compare_deeply() {
        let v = l(&[i(1), i(1), Value::Int64(1), s("1")]);
        assert_eq!(
            call("uniq", &[v.clone()]).unwrap(),
            l(&[i(1), Value::Int64(1), s("1")])
        );
        assert_eq!(
            call("without", &[v.clone(), i(1)]).unwrap(),
            l(&[Value::Int64(1), s("1")])
        );
        assert_eq!(call("has", &[s("1"), v]).unwrap(), Value::Bool(true));
        assert_eq!(
            call("compact", &[l(&[s(""), i(0), s("a"), Value::Nil])]).unwrap(),
            l(&[s("a")])
        );
    }

    #[test]
    fn ranges_and_sequences() {
        assert_eq!(call("until", &[i(3)]).unwrap(), l(&[i(0), i(1), i(2)]));
        assert_eq!(call("until", &[i(-2)]).unwrap(), l(&[i(0), i(-1)]));
        assert_eq!(
            call("untilStep", &[i(0), i(10), i(4)]).unwrap(),
            l(&[i(0), i(4), i(8)])
        );
        assert_eq!(call("untilStep", &[i(0), i(10), i(0)]).unwrap(), l(&[]));
        assert_eq!(call_str("seq", &[i(3)]), "1 2 3");
        assert_eq!(call_str("seq", &[i(0)]), "1 0");
        assert_eq!(call_str("seq", &[i(2), i(-2)]), "2 1 0 -1 -2");
        assert_eq!(call_str("seq", &[i(0), i(3), i(9)]), "0 3 6 9");
        assert_eq!(call_str("seq", &[]), "");
        assert!(call("until", &[i(1 << 40)]).is_err());
    }

    #[test]
    fn slicing_and_chunking() {
        let v = l(&[i(1), i(2), i(3), i(4), i(5)]);
        assert_eq!(
            call("slice", &[v.clone(), i(1), i(3)]).unwrap(),
            l(&[i(2), i(3)])
        );
        assert_eq!(call("slice", &[v.clone(), i(3)]).unwrap(), l(&[i(4), i(5)]));
        assert!(call("slice", &[v.clone(), i(3), i(9)]).is_err());
        let c = call("chunk", &[i(2), v]).unwrap();
        assert_eq!(c, l(&[l(&[i(1), i(2)]), l(&[i(3), i(4)]), l(&[i(5)])]));
        assert!(call("chunk", &[i(0), l(&[i(1)])]).is_err());
        assert_eq!(
            call("concat", &[l(&[i(1)]), l(&[i(2)])]).unwrap(),
            l(&[i(1), i(2)])
        );
    }
}

/// Go's nil `[]interface{}`: prints `[]`, is empty to `len`/`range`, and is
/// `null` to encoding/json (so to `toJson` and `toYaml`).
#[derive(Debug)]
struct NilSlice;

impl capstan_gotmpl::Object for NilSlice {
    fn type_name(&self) -> &str {
        "[]interface {}"
    }

    fn go_format(&self) -> String {
        "[]".to_string()
    }

    fn is_true(&self) -> bool {
        false
    }

    fn to_value(&self) -> Option<Value> {
        Some(Value::list(Vec::new()))
    }

    fn json(&self) -> Option<String> {
        Some("null".to_string())
    }
}

fn nil_slice() -> Value {
    Value::Object(std::sync::Arc::new(NilSlice))
}
