//! Sprig's dictionary functions: `dict`, `get`, `set`, `unset`, `hasKey`,
//! `pluck`, `dig`, `keys`, `values`, `pick`, `omit`, and `merge` /
//! `mergeOverwrite` with dario.cat/mergo v1.0.1's rules.
//!
//! Go maps are references, so Sprig's `set`, `unset` and `merge` change the
//! map they are given, in place, and return it: every variable and field
//! that holds the same map sees the change (`capstan_gotmpl::MapRef`).

use std::sync::Arc;

use std::collections::HashSet;

use capstan_gotmpl::{FuncError, Map, MapRef, Value};

use super::conv::strval;
use super::defaults::empty;
use super::{ANY, MAP, Registry, STR, arg, arg_str, fail, str_list};

pub(super) fn register(r: &mut Registry) {
    r.variadic("dict", &[], ANY, |a| {
        let mut m = Map::new();
        for pair in a.chunks(2) {
            let value = pair.get(1).cloned().unwrap_or_else(|| Value::str(""));
            // A key is printed with %v: measure a map or list key first.
            if matches!(&pair[0], Value::Map(_) | Value::List(_)) {
                crate::budget::check_printed(&pair[0], crate::budget::default_cap(), "dict")
                    .map_err(|e| fail(e.message("dict")))?;
            }
            m.insert(strval(&pair[0]), value);
        }
        Ok(Value::map(m))
    });
    r.fixed("get", &[MAP, STR], |a| {
        Ok(map_of(arg(a, 0))
            .get(arg_str(a, 1))
            .cloned()
            .unwrap_or_else(|| Value::str("")))
    });
    r.fixed("set", &[MAP, STR, ANY], |a| {
        let Some(m) = arg(a, 0).as_map_ref() else {
            return Err(fail("assignment to entry in nil map"));
        };
        let value = arg(a, 2).clone();
        m.try_update(|m| m.insert(arg_str(a, 1).to_string(), value))
            .map_err(shared_write)?;
        Ok(arg(a, 0).clone())
    });
    r.fixed("unset", &[MAP, STR], |a| {
        if let Some(m) = arg(a, 0).as_map_ref() {
            m.try_update(|m| m.remove(arg_str(a, 1)))
                .map_err(shared_write)?;
            return Ok(arg(a, 0).clone());
        }
        Ok(Value::map(Map::new()))
    });
    r.fixed("hasKey", &[MAP, STR], |a| {
        Ok(Value::Bool(map_of(arg(a, 0)).contains_key(arg_str(a, 1))))
    });
    r.variadic("pluck", &[STR], MAP, |a| {
        let key = arg_str(a, 0);
        let found = a.iter().skip(1).filter_map(|d| map_of(d).get(key).cloned());
        Ok(Value::list(found.collect()))
    });
    // Go iterates maps in random order; ours are sorted, which is one of
    // the orders Go may produce.
    r.variadic("keys", &[], MAP, |a| {
        Ok(str_list(a.iter().flat_map(|d| {
            map_of(d).keys().cloned().collect::<Vec<_>>()
        })))
    });
    r.fixed("values", &[MAP], |a| {
        Ok(Value::list(map_of(arg(a, 0)).values().cloned().collect()))
    });
    r.variadic("pick", &[MAP], STR, |a| {
        let src = map_of(arg(a, 0));
        let mut m = Map::new();
        for k in a.iter().skip(1).filter_map(Value::as_str) {
            if let Some(v) = src.get(k) {
                m.insert(k.to_string(), v.clone());
            }
        }
        Ok(Value::map(m))
    });
    r.variadic("omit", &[MAP], STR, |a| {
        let omit: Vec<&str> = a.iter().skip(1).filter_map(Value::as_str).collect();
        let src = map_of(arg(a, 0));
        let kept = src.iter().filter(|(k, _)| !omit.contains(&k.as_str()));
        Ok(Value::map(
            kept.map(|(k, v)| (k.clone(), v.clone())).collect(),
        ))
    });
    for name in ["merge", "mustMerge"] {
        r.variadic(name, &[MAP], MAP, |a| merge_all(a, false));
    }
    for name in ["mergeOverwrite", "mustMergeOverwrite"] {
        r.variadic(name, &[MAP], MAP, |a| merge_all(a, true));
    }
    r.variadic("dig", &[], ANY, dig);
}

static EMPTY: std::sync::LazyLock<Arc<Map>> = std::sync::LazyLock::new(Arc::default);

/// A `map[string]interface{}` argument's contents; nil is Go's nil map (empty).
fn map_of(v: &Value) -> Arc<Map> {
    v.as_map().unwrap_or_else(|| Arc::clone(&EMPTY))
}

/// Deepest nesting `merge` follows (a map merged into itself through a
/// cycle stops here instead of overflowing the stack).
const MAX_MERGE_DEPTH: usize = 256;

/// `merge`/`mergeOverwrite`: the destination map is changed in place and
/// returned, as mergo does with Go's map references.
fn merge_all(a: &[Value], overwrite: bool) -> Result<Value, FuncError> {
    let dst = match arg(a, 0) {
        Value::Map(m) => m.clone(),
        _ => MapRef::new(Map::new()),
    };
    let mut merged = HashSet::new();
    for src in a.iter().skip(1) {
        merge_into(&dst, &map_of(src), overwrite, 0, &mut merged).map_err(shared_write)?;
    }
    Ok(Value::Map(dst))
}

/// A write refused while templates execute side by side: the embedder
/// executes them again one after the other (see `capstan_gotmpl::guard`).
fn shared_write(e: capstan_gotmpl::SharedWrite) -> FuncError {
    FuncError::msg(e.to_string())
}

/// mergo's map merge. Without `overwrite` a source value only fills a
/// missing or empty destination value (0, "", false, nil, empty list or
/// map); nested maps merge recursively, in place. With `overwrite` every
/// source value wins, nil and empty ones included, except that nested maps
/// still merge.
///
/// `merged` holds the (destination, source) map pairs already merged in this
/// call: maps shared many times over (`dict "a" $d "b" $d` in a loop) meet
/// the same pair once per path, and merging a pair again changes nothing,
/// so each pair is merged once instead of exponentially often.
fn merge_into(
    dst: &MapRef,
    src: &Map,
    overwrite: bool,
    depth: usize,
    merged: &mut HashSet<(usize, usize)>,
) -> Result<(), capstan_gotmpl::SharedWrite> {
    let current = dst.snapshot();
    let mut updates: Vec<(String, Value)> = Vec::new();
    for (key, sv) in src {
        let dv = current.get(key);
        match sv {
            Value::Nil => {
                if overwrite {
                    updates.push((key.clone(), Value::Nil));
                }
                continue;
            }
            Value::Map(sm) => {
                if let Some(Value::Map(dm)) = dv
                    && !dm.is_empty()
                {
                    if depth < MAX_MERGE_DEPTH
                        && !dm.ptr_eq(sm)
                        && merged.insert((dm.addr(), sm.addr()))
                    {
                        merge_into(dm, &sm.snapshot(), overwrite, depth + 1, merged)?;
                    }
                    continue;
                }
            }
            _ => {}
        }
        let replace = match dv {
            None => true,
            Some(d) => overwrite || empty(d),
        };
        if replace {
            updates.push((key.clone(), sv.clone()));
        }
    }
    if !updates.is_empty() {
        dst.try_update(|m| m.extend(updates))?;
    }
    Ok(())
}

/// `dig KEY... DEFAULT DICT`, with the type-assertion panics of Sprig's
/// code for a non-string key or a non-map value on the way.
fn dig(ps: &[Value]) -> Result<Value, FuncError> {
    if ps.len() < 3 {
        return Err(fail("dig needs at least three arguments"));
    }
    let assert_map = |v: &Value| -> Result<Map, FuncError> {
        match v {
            Value::Map(m) => Ok(Map::clone(&m.snapshot())),
            other => Err(fail(format!(
                "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                type_for_assertion(other)
            ))),
        }
    };
    let mut dict = assert_map(&ps[ps.len() - 1])?;
    let default = ps[ps.len() - 2].clone();
    let mut keys = Vec::new();
    for k in &ps[..ps.len() - 2] {
        match k {
            Value::String(s) => keys.push(s.clone()),
            other => {
                return Err(fail(format!(
                    "interface conversion: interface {{}} is {}, not string",
                    type_for_assertion(other)
                )));
            }
        }
    }
    for (i, k) in keys.iter().enumerate() {
        let Some(step) = dict.get(&**k).cloned() else {
            return Ok(default);
        };
        if i == keys.len() - 1 {
            return Ok(step);
        }
        dict = assert_map(&step)?;
    }
    Ok(default)
}

/// How Go names a dynamic type in a failed type assertion.
fn type_for_assertion(v: &Value) -> String {
    match v {
        Value::Nil => "nil".to_string(),
        other => other.go_type_name(),
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

    fn m(pairs: &[(&str, Value)]) -> Value {
        Value::map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn dict_get_set() {
        let d = call("dict", &[s("a"), i(1), i(2), s("b"), s("odd")]).unwrap();
        assert_eq!(d, m(&[("a", i(1)), ("2", s("b")), ("odd", s(""))]));
        assert_eq!(call("get", &[d.clone(), s("zz")]).unwrap(), s(""));
        assert_eq!(
            call("hasKey", &[d.clone(), s("a")]).unwrap(),
            Value::Bool(true)
        );
        let d2 = call("set", &[d.clone(), s("c"), i(3)]).unwrap();
        assert_eq!(call("get", &[d2.clone(), s("c")]).unwrap(), i(3));
        let d3 = call("unset", &[d2, s("a")]).unwrap();
        assert_eq!(call("hasKey", &[d3, s("a")]).unwrap(), Value::Bool(false));
    }

    #[test]
    fn merge_fills_empty_values_only() {
        let dst = m(&[("a", i(1)), ("z", i(0)), ("n", m(&[("x", s("dst"))]))]);
        let src = m(&[
            ("a", i(2)),
            ("z", i(5)),
            ("b", s("new")),
            ("n", m(&[("x", s("src")), ("y", s("y"))])),
        ]);
        let got = call("merge", &[dst.clone(), src.clone()]).unwrap();
        let want = m(&[
            ("a", i(1)),
            ("b", s("new")),
            ("n", m(&[("x", s("dst")), ("y", s("y"))])),
            ("z", i(5)),
        ]);
        assert_eq!(got, want);
        let got = call("mergeOverwrite", &[dst, src]).unwrap();
        let want = m(&[
            ("a", i(2)),
            ("b", s("new")),
            ("n", m(&[("x", s("src")), ("y", s("y"))])),
            ("z", i(5)),
        ]);
        assert_eq!(got, want);
    }

    #[test]
    fn dig_walks_nested_maps() {
        let d = m(&[("a", m(&[("b", s("c"))]))]);
        assert_eq!(
            call("dig", &[s("a"), s("b"), s("def"), d.clone()]).unwrap(),
            s("c")
        );
        assert_eq!(
            call("dig", &[s("a"), s("x"), s("def"), d.clone()]).unwrap(),
            s("def")
        );
        let err = call("dig", &[s("a"), s("b"), s("c"), s("def"), d]).unwrap_err();
        assert_eq!(
            err.message(),
            "interface conversion: interface {} is string, not map[string]interface {}"
        );
    }

    #[test]
    fn pick_omit_pluck_keys() {
        let d = m(&[("a", i(1)), ("b", i(2)), ("c", i(3))]);
        assert_eq!(
            call("pick", &[d.clone(), s("a"), s("c"), s("q")]).unwrap(),
            m(&[("a", i(1)), ("c", i(3))])
        );
        assert_eq!(
            call("omit", &[d.clone(), s("a")]).unwrap(),
            m(&[("b", i(2)), ("c", i(3))])
        );
        assert_eq!(
            call("pluck", &[s("b"), d.clone(), m(&[]), d.clone()]).unwrap(),
            Value::list(vec![i(2), i(2)])
        );
        assert_eq!(
            call("keys", &[d]).unwrap(),
            Value::list(vec![s("a"), s("b"), s("c")])
        );
    }
}
