//! Coalescing a chart's default values with the user's, as Helm's
//! `CoalesceValues` / `MergeValues` (`pkg/chart/common/util/coalesce.go`).
//!
//! The user's values win; maps merge key by key; lists and scalars replace;
//! a user `null` deletes the default (coalesce) or stays `null` (merge, the
//! mode import-values uses); each subchart's values are coalesced under its
//! name, after the parent's `global` map has been copied into the
//! subchart's (parent entries win). Helm logs some conflicts instead of
//! failing; those lines are collected in order as warnings, with Helm's
//! text. Map keys are visited in sorted order (Go's order is random, which
//! only changes the order of warnings).
//!
//! Go shares the maps at `global.K.K2` between a parent and its subcharts
//! while merging (see [`share_up`]); that visible side effect is reproduced.

use crate::chart::Chart;
use capstan_gotmpl::format::sprint;
use capstan_gotmpl::{Map, Value};

/// Helm's `GlobalKey`.
pub const GLOBAL_KEY: &str = "global";

/// Deepest chart nesting coalesced (charts deeper than this are refused at
/// load time already; this guards hand-built trees).
const MAX_DEPTH: usize = 64;

/// A chart value tree that cannot be coalesced: Helm's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CoalesceError(pub String);

/// Helm's `CoalesceValues`: the values the templates see, user values over
/// chart defaults, subcharts included. Warnings Helm would log are added
/// to `warnings`.
pub fn coalesce_values(
    chart: &Chart,
    user: &Map,
    warnings: &mut Vec<String>,
) -> Result<Map, CoalesceError> {
    coalesce_top(chart, user, false, false, warnings)
}

/// [`coalesce_values`], but what is taken unchanged from the chart's
/// defaults or the user's values is shared with them instead of copied:
/// the same values, without copying (and later dropping) a tree as large
/// as the chart's `values.yaml` on every render.
///
/// Every map so shared is [frozen](capstan_gotmpl::MapRef::freeze)
/// first. Frozen maps read as before, but a template executing under
/// [`capstan_gotmpl::guard`] cannot change them (the write is refused and
/// recorded): a render of these values must execute its templates guarded
/// and, when a write was refused, render again from [`coalesce_values`]'
/// copies, where the write happens as in Helm. Nothing else ever writes to
/// a map in place.
pub(crate) fn coalesce_values_shared(
    chart: &Chart,
    user: &Map,
    warnings: &mut Vec<String>,
) -> Result<Map, CoalesceError> {
    coalesce_top(chart, user, false, true, warnings)
}

/// Helm's `MergeValues`: like [`coalesce_values`] but `null` values are
/// kept instead of deleting defaults.
pub fn merge_values(
    chart: &Chart,
    user: &Map,
    warnings: &mut Vec<String>,
) -> Result<Map, CoalesceError> {
    coalesce_top(chart, user, true, false, warnings)
}

/// The user's values taken (see [`taken_entries`]), then the chart's
/// defaults and its subcharts' coalesced into them.
fn coalesce_top(
    chart: &Chart,
    user: &Map,
    merge: bool,
    share: bool,
    warnings: &mut Vec<String>,
) -> Result<Map, CoalesceError> {
    let mut dest = taken_entries(user, share);
    coalesce(chart, &mut dest, "", merge, warnings, 0, share)?;
    Ok(dest)
}

/// A copy that shares no map with the original (Go's
/// `copystructure.Copy`). Maps are shared references in the value model,
/// as in Go; Helm copies the user's values and each chart's defaults before
/// coalescing, so a template's `set` on `.Values` can never reach the
/// loaded chart or the caller's map.
pub fn deep_copy_map(m: &Map) -> Map {
    taken_entries(m, false)
}

/// `m` with each entry [`taken`] (nothing cleaned): a deep copy, or with
/// `share` the entries shared where they can be. A clone keeps the tree's
/// shape (no sorting, no rebuilding); only the entries holding maps or
/// lists are then replaced.
fn taken_entries(m: &Map, share: bool) -> Map {
    let mut out = m.clone();
    for v in out.values_mut() {
        if matches!(v, Value::Map(_) | Value::List(_)) {
            *v = taken(v, false, share);
        }
    }
    out
}

/// [`deep_copy_map`] followed by [`clean_nil_values`], in one pass: `null`
/// entries dropped from every map reached through maps (maps inside lists
/// are copied as they are, as `clean_nil_values` leaves them).
fn deep_copy_clean_map(m: &Map) -> Map {
    let mut out = m.clone();
    out.retain(|_, v| !v.is_nil());
    for v in out.values_mut() {
        if matches!(v, Value::Map(_) | Value::List(_)) {
            *v = deep_copy_clean(v);
        }
    }
    out
}

/// A copy of one value as [`deep_copy_clean_map`] copies map entries.
fn deep_copy_clean(v: &Value) -> Value {
    match v {
        Value::Map(r) => Value::map(deep_copy_clean_map(&r.snapshot())),
        other => other.deep_copy(),
    }
}

/// What is taken from a source: `v` itself when `share` and [`shareable`],
/// else a copy ([`deep_copy_clean`] when `clean`).
fn taken(v: &Value, clean: bool, share: bool) -> Value {
    if share && shareable(v, clean) {
        v.clone()
    } else if clean {
        deep_copy_clean(v)
    } else {
        v.deep_copy()
    }
}

/// Whether `v` can stand for its copy ([`deep_copy_clean`]'s when
/// `clean`): it holds no `null` a clean copy would drop (in maps reached
/// through maps), and every map in it is frozen — by this call, if it was
/// not — so that only a guarded template can reach it, and is refused.
fn shareable(v: &Value, clean: bool) -> bool {
    match v {
        Value::Map(m) => {
            m.freeze();
            m.read(|contents| {
                contents
                    .values()
                    .all(|v| !(clean && v.is_nil()) && shareable(v, clean))
            })
        }
        // Maps in lists are copied as they are, never cleaned.
        Value::List(items) => items.iter().all(|v| shareable(v, false)),
        _ => true,
    }
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

fn coalesce(
    chart: &Chart,
    dest: &mut Map,
    prefix: &str,
    merge: bool,
    w: &mut Vec<String>,
    depth: usize,
    share: bool,
) -> Result<(), CoalesceError> {
    if depth > MAX_DEPTH {
        return Err(CoalesceError(format!(
            "subcharts nested deeper than {MAX_DEPTH} levels"
        )));
    }
    coalesce_chart_defaults(chart, dest, prefix, merge, w, share);
    coalesce_deps(chart, dest, prefix, merge, w, depth, share)
}

fn coalesce_deps(
    chart: &Chart,
    dest: &mut Map,
    prefix: &str,
    merge: bool,
    w: &mut Vec<String>,
    depth: usize,
    share: bool,
) -> Result<(), CoalesceError> {
    for sub in &chart.dependencies {
        let name = sub.name();
        let mut dv = match dest.remove(name) {
            None => Map::new(),
            Some(Value::Map(m)) => Map::clone(&m.snapshot()),
            Some(other) => {
                let shown = go_bad_verb_t(&other);
                dest.insert(name.to_string(), other);
                return Err(CoalesceError(format!("type mismatch on {name}: {shown}")));
            }
        };
        let sub_prefix = concat_prefix(prefix, chart.name());
        coalesce_globals(&mut dv, dest, &sub_prefix, w);
        let res = coalesce(sub, &mut dv, &sub_prefix, merge, w, depth + 1, share);
        share_up(dest, &dv);
        dest.insert(name.to_string(), Value::map(dv));
        res?;
    }
    let parent = dest.clone();
    for sub in &chart.dependencies {
        if let Some(Value::Map(m)) = dest.get(sub.name()) {
            let mut m = Map::clone(&m.snapshot());
            share_down(sub, &mut m, &parent, 0);
            dest.insert(sub.name().to_string(), Value::map(m));
        }
    }
    Ok(())
}

/// Go's `%t` applied to a value that is not a bool.
fn go_bad_verb_t(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Nil => "%!t(<nil>)".to_string(),
        other => format!(
            "%!t({}={})",
            other.go_type_name(),
            sprint(std::slice::from_ref(other))
        ),
    }
}

/// The maps at `global.K.K2` of a values tree.
fn nested_global(vals: &Map, key: &str, k2: &str) -> Option<Value> {
    let Some(Value::Map(g)) = vals.get(GLOBAL_KEY) else {
        return None;
    };
    let Some(Value::Map(m)) = g.get(key) else {
        return None;
    };
    match m.get(k2) {
        Some(v @ Value::Map(_)) => Some(v.clone()),
        _ => None,
    }
}

/// Replaces the map at `global.K.K2` (which must exist).
fn set_nested_global(vals: &mut Map, key: &str, k2: &str, v: Value) {
    let Some(Value::Map(g)) = vals.get(GLOBAL_KEY) else {
        return;
    };
    let mut g = Map::clone(&g.snapshot());
    let Some(Value::Map(m)) = g.get(key) else {
        return;
    };
    let mut m = Map::clone(&m.snapshot());
    m.insert(k2.to_string(), v);
    g.insert(key.to_string(), Value::map(m));
    vals.insert(GLOBAL_KEY.to_string(), Value::map(g));
}

/// The `(K, K2)` pairs where `global.K.K2` is a map.
fn nested_global_keys(vals: &Map) -> Vec<(String, String)> {
    let Some(Value::Map(g)) = vals.get(GLOBAL_KEY) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in g.snapshot().iter() {
        if let Value::Map(m) = v {
            for (k2, v2) in m.snapshot().iter() {
                if matches!(v2, Value::Map(_)) {
                    out.push((k.clone(), k2.clone()));
                }
            }
        }
    }
    out
}

/// Go's `coalesceGlobals` copies the parent's `global.K` maps only one
/// level deep, so every map at `global.K.K2` is one object shared by the
/// parent and all its subcharts: whatever any of them merges into it shows
/// up in all of them (a subchart's `global.a.b.x` default appears in the
/// parent's and the siblings' `.Values`). Values are never aliased here,
/// so the effect is applied explicitly: [`share_up`] after each subchart,
/// [`share_down`] once all are done.
fn share_up(parent: &mut Map, sub: &Map) {
    for (key, k2) in nested_global_keys(parent) {
        if let Some(v) = nested_global(sub, &key, &k2) {
            set_nested_global(parent, &key, &k2, v);
        }
    }
}

/// Writes the parent's final shared `global.K.K2` maps into a subchart's
/// values and, recursively, its subcharts'.
fn share_down(chart: &Chart, vals: &mut Map, parent: &Map, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for (key, k2) in nested_global_keys(parent) {
        if nested_global(vals, &key, &k2).is_some()
            && let Some(v) = nested_global(parent, &key, &k2)
        {
            set_nested_global(vals, &key, &k2, v);
        }
    }
    for sub in &chart.dependencies {
        if let Some(Value::Map(m)) = vals.get(sub.name()) {
            let mut m = Map::clone(&m.snapshot());
            share_down(sub, &mut m, parent, depth + 1);
            vals.insert(sub.name().to_string(), Value::map(m));
        }
    }
}

/// Copies the parent's `global` entries into the subchart's values.
fn coalesce_globals(dest: &mut Map, src: &Map, prefix: &str, w: &mut Vec<String>) {
    let mut dg = match dest.get(GLOBAL_KEY) {
        None => Map::new(),
        Some(Value::Map(m)) => Map::clone(&m.snapshot()),
        Some(_) => {
            w.push(format!(
                "warning: skipping globals because destination {GLOBAL_KEY} is not a table."
            ));
            return;
        }
    };
    let sg = match src.get(GLOBAL_KEY) {
        None => Map::new(),
        Some(Value::Map(m)) => Map::clone(&m.snapshot()),
        Some(_) => {
            w.push(format!(
                "warning: skipping globals because source {GLOBAL_KEY} is not a table."
            ));
            return;
        }
    };
    for (key, val) in sg {
        if let Value::Map(vm) = &val {
            let mut vv = Map::clone(&vm.snapshot());
            match dg.get(&key) {
                None => {
                    dg.insert(key, Value::map(vv));
                }
                Some(Value::Map(destv)) => {
                    let sub_prefix = concat_prefix(prefix, &key);
                    coalesce_tables(&mut vv, Map::clone(&destv.snapshot()), &sub_prefix, true, w);
                    dg.insert(key, Value::map(vv));
                }
                Some(_) => w.push(format!(
                    "Conflict: cannot merge map onto non-map for {key:?}. Skipping."
                )),
            }
        } else if matches!(dg.get(&key), Some(Value::Map(_))) {
            w.push(format!("key {key} is table. Skipping"));
        } else {
            dg.insert(key, val);
        }
    }
    dest.insert(GLOBAL_KEY.to_string(), Value::map(dg));
}

/// Fills `v` (user values for `chart`) from the chart's defaults.
fn coalesce_chart_defaults(
    chart: &Chart,
    v: &mut Map,
    prefix: &str,
    merge: bool,
    w: &mut Vec<String>,
    share: bool,
) {
    let sub_prefix = concat_prefix(prefix, chart.name());
    // The defaults are read in place; what is taken from them is copied as
    // it is taken (Helm copies them all first: the same values result, and
    // nothing the templates get aliases the loaded chart).
    for (key, val) in chart.values.iter() {
        match v.get(key) {
            Some(Value::Nil) if !merge => {
                v.remove(key);
            }
            Some(Value::Map(dest)) => match val {
                Value::Map(src) => {
                    let is_subchart = chart.dependencies.iter().any(|d| d.name() == key);
                    let merge = merge || is_subchart;
                    let mut dest = Map::clone(&dest.snapshot());
                    let from = Defaults {
                        prefix: &concat_prefix(&sub_prefix, key),
                        merge,
                        clean: !merge,
                        share,
                    };
                    from.fill(&mut dest, &src.snapshot(), w);
                    v.insert(key.clone(), Value::map(dest));
                }
                Value::Nil => {}
                _ => w.push(format!(
                    "warning: skipped value for {sub_prefix}.{key}: Not a table."
                )),
            },
            Some(_) => {}
            None => {
                let val = if merge {
                    taken(val, false, share)
                } else if val.is_nil() {
                    continue;
                } else {
                    taken(val, true, share)
                };
                v.insert(key.clone(), val);
            }
        }
    }
}

/// [`coalesce_tables`] with a chart's defaults as the source, read where
/// they are and copied only where taken: the result (warnings included, in
/// the same order) is that of `coalesce_tables(dst, copy, ..)` where `copy`
/// is a deep copy of the defaults, without `null`s when `clean`.
struct Defaults<'a> {
    prefix: &'a str,
    merge: bool,
    /// The source counts as cleaned of `null`s ([`clean_nil_values`]).
    clean: bool,
    /// What is taken is shared where it can be (see [`taken`]).
    share: bool,
}

impl Defaults<'_> {
    fn copy(&self, v: &Value) -> Value {
        taken(v, self.clean, self.share)
    }

    fn fill(&self, dst: &mut Map, src: &Map, w: &mut Vec<String>) {
        // A `null` in dst stays, unless (coalescing) src has a value there:
        // then the key goes. Either way src's value is not taken, and it
        // never warns.
        let settled: Vec<String> = if self.merge {
            Vec::new()
        } else {
            dst.iter()
                .filter(|(k, v)| v.is_nil() && src.get(*k).is_some_and(|s| !s.is_nil()))
                .map(|(k, _)| k.clone())
                .collect()
        };
        self.take(dst, src, w);
        for k in settled {
            dst.remove(&k);
        }
    }

    /// Every entry of src that dst lacks, recursing where both hold maps.
    fn take(&self, dst: &mut Map, src: &Map, w: &mut Vec<String>) {
        for (key, val) in src.iter() {
            if self.clean && val.is_nil() {
                continue;
            }
            match dst.get(key) {
                // Settled by the caller.
                Some(Value::Nil) => {}
                None => {
                    dst.insert(key.clone(), self.copy(val));
                }
                Some(dv) => {
                    let full_key = || concat_prefix(self.prefix, key);
                    if let Value::Map(sm) = val {
                        if let Value::Map(dm) = dv {
                            let mut dm = Map::clone(&dm.snapshot());
                            let inner = Defaults {
                                prefix: &full_key(),
                                ..*self
                            };
                            inner.fill(&mut dm, &sm.snapshot(), w);
                            dst.insert(key.clone(), Value::map(dm));
                        } else {
                            w.push(format!(
                                "warning: cannot overwrite table with non table for {} ({})",
                                full_key(),
                                sprint(std::slice::from_ref(&self.copy(val)))
                            ));
                        }
                    } else if matches!(dv, Value::Map(_)) && !val.is_nil() {
                        w.push(format!(
                            "warning: destination for {} is a table. Ignoring non-table value ({})",
                            full_key(),
                            sprint(std::slice::from_ref(val))
                        ));
                    }
                }
            }
        }
    }
}

/// Helm's `coalesceTablesFullKey`: fills `dst` from `src` (dst wins).
pub fn coalesce_tables(
    dst: &mut Map,
    mut src: Map,
    prefix: &str,
    merge: bool,
    w: &mut Vec<String>,
) {
    // A `null` in dst is met by src's key (a null of its own when src has
    // none); whether src had a non-null value there decides what happens.
    // Nulls in dst are rare: only their keys are remembered.
    let mut dst_nil_over_value: Vec<String> = Vec::new();
    for (k, v) in dst.iter() {
        if v.is_nil() {
            if src.get(k).is_some_and(|s| !s.is_nil()) {
                dst_nil_over_value.push(k.clone());
            }
            src.insert(k.clone(), Value::Nil);
        }
    }
    for (key, val) in src {
        match dst.get(&key) {
            Some(Value::Nil) if !merge && dst_nil_over_value.contains(&key) => {
                dst.remove(&key);
            }
            None => {
                dst.insert(key, val);
            }
            Some(dv) => {
                // Only recursion and warnings need the full key.
                let full_key = || concat_prefix(prefix, &key);
                if let Value::Map(sm) = &val {
                    if let Value::Map(dm) = dv {
                        let mut dm = Map::clone(&dm.snapshot());
                        coalesce_tables(&mut dm, Map::clone(&sm.snapshot()), &full_key(), merge, w);
                        dst.insert(key, Value::map(dm));
                    } else {
                        w.push(format!(
                            "warning: cannot overwrite table with non table for {} ({})",
                            full_key(),
                            sprint(std::slice::from_ref(&val))
                        ));
                    }
                } else if matches!(dv, Value::Map(_)) && !val.is_nil() {
                    w.push(format!(
                        "warning: destination for {} is a table. Ignoring non-table value ({})",
                        full_key(),
                        sprint(std::slice::from_ref(&val))
                    ));
                }
            }
        }
    }
}

/// Removes `null` entries at every depth of nested maps.
pub fn clean_nil_values(m: &mut Map) {
    m.retain(|_, v| !v.is_nil());
    for v in m.values_mut() {
        if let Value::Map(sub) = v {
            let mut owned = Map::clone(&sub.snapshot());
            clean_nil_values(&mut owned);
            *v = Value::map(owned);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// How the defaults were taken before [`Defaults`]: all of them
    /// deep-copied first, `null`s cleaned from a copy, then
    /// [`coalesce_tables`]. The new way must give the same values and the
    /// same warnings in the same order.
    fn reference_defaults(
        chart: &Chart,
        v: &mut Map,
        prefix: &str,
        merge: bool,
        w: &mut Vec<String>,
    ) {
        let sub_prefix = concat_prefix(prefix, chart.name());
        let defaults = deep_copy_map(&chart.values);
        for (key, val) in &defaults {
            match v.get(key) {
                Some(Value::Nil) if !merge => {
                    v.remove(key);
                }
                Some(Value::Map(dest)) => match val {
                    Value::Map(src) => {
                        let is_subchart = chart.dependencies.iter().any(|d| d.name() == key);
                        let merge = merge || is_subchart;
                        let mut src = Map::clone(&src.snapshot());
                        if !merge {
                            clean_nil_values(&mut src);
                        }
                        let mut dest = Map::clone(&dest.snapshot());
                        coalesce_tables(&mut dest, src, &concat_prefix(&sub_prefix, key), merge, w);
                        v.insert(key.clone(), Value::map(dest));
                    }
                    Value::Nil => {}
                    _ => w.push(format!(
                        "warning: skipped value for {sub_prefix}.{key}: Not a table."
                    )),
                },
                Some(_) => {}
                None => {
                    let mut val = val.clone();
                    if !merge {
                        if val.is_nil() {
                            continue;
                        }
                        if let Value::Map(m) = &val {
                            let mut m = Map::clone(&m.snapshot());
                            clean_nil_values(&mut m);
                            val = Value::map(m);
                        }
                    }
                    v.insert(key.clone(), val);
                }
            }
        }
    }

    fn value(depth: u32) -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Nil),
            (0i64..3).prop_map(|i| Value::Float(i as f64)),
            "[xy]{0,2}".prop_map(Value::from),
            Just(Value::Bool(true)),
        ];
        leaf.prop_recursive(depth, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::list),
                map(inner).prop_map(Value::map),
            ]
        })
    }

    fn map(v: impl Strategy<Value = Value>) -> impl Strategy<Value = Map> {
        prop::collection::btree_map(prop_oneof!["[abcd]", Just("sub".to_string())], v, 0..5)
    }

    /// Maps still aliased to the chart's defaults (there must be none).
    fn shares_a_map(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Map(x), Value::Map(y)) => {
                x.ptr_eq(y)
                    || y.snapshot().values().any(|bv| shares_a_map(a, bv))
                    || x.snapshot().values().any(|av| shares_a_map(av, b))
            }
            (Value::List(l), _) => l.iter().any(|av| shares_a_map(av, b)),
            (_, Value::List(l)) => l.iter().any(|bv| shares_a_map(a, bv)),
            _ => false,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn taking_defaults_in_place_equals_copying_them_first(
            defaults in map(value(3)),
            user in map(value(3)),
            merge in any::<bool>(),
            with_sub in any::<bool>(),
        ) {
            let mut chart = Chart::default();
            chart.metadata.name = "top".into();
            chart.values = defaults;
            if with_sub {
                let mut sub = Chart::default();
                sub.metadata.name = "sub".into();
                chart.dependencies.push(sub);
            }
            let (mut want, mut want_w) = (deep_copy_map(&user), Vec::new());
            reference_defaults(&chart, &mut want, "", merge, &mut want_w);
            let (mut got, mut got_w) = (deep_copy_map(&user), Vec::new());
            coalesce_chart_defaults(&chart, &mut got, "", merge, &mut got_w, false);
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(got_w, want_w);
            let (got, defaults) = (Value::map(got), Value::map(chart.values.clone()));
            prop_assert!(!shares_a_map(&got, &defaults));
        }
    }
}
