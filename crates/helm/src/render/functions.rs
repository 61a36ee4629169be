//! The template functions Helm adds to Sprig's (`pkg/engine/funcs.go` and
//! the late-bound ones of `engine.go`): `include`, `tpl`, `required`,
//! `fail`, the YAML/JSON/TOML codecs, `lookup`, and the DNS override of
//! `getHostByName`. Sprig's `env` and `expandenv` are removed, as Helm does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use capstan_gotmpl::{CallContext, FuncError, Function, Map, ParamType as P, Signature, Value};

use super::encoded::Encoder;
use crate::{json, yaml};

/// Helm's limit on nested `include`s of one template name.
const INCLUDE_RECURSION_MAX: usize = 1000;

/// Wraps a message the way Helm marks `required`/`fail` errors, so the
/// error formatter can print them as `execution error at (LOCATION): MSG`.
pub(crate) const WARN_START: &str = "HELM_ERR_START";
pub(crate) const WARN_END: &str = "HELM_ERR_END";

/// Answers `lookup` (apiVersion, kind, namespace, name). Offline rendering
/// answers an empty map, as `helm template` does; the sync engine can answer
/// from a cluster.
pub trait Lookup: Send + Sync + std::fmt::Debug {
    /// The object (or list) found, or an error message.
    fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Map, String>;
}

/// The offline `lookup`: always an empty map.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoCluster;

impl Lookup for NoCluster {
    fn lookup(&self, _: &str, _: &str, _: &str, _: &str) -> Result<Map, String> {
        Ok(Map::new())
    }
}

fn warn_wrap(msg: &str) -> FuncError {
    FuncError::msg(format!("{WARN_START}{msg}{WARN_END}"))
}

fn arg_str(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Nil)
}

/// What one render's functions share: Helm's per-render `include` counts
/// and the `lookup` client. The render attaches it to its template set
/// ([`capstan_gotmpl::TemplateSet::set_state`]); the functions read it
/// from their call context, so one table of functions serves every render.
#[derive(Debug)]
pub struct RenderState {
    /// Nested `include`s in progress, by template name: only names with
    /// calls in progress are listed (a few, as deep as includes nest), so a
    /// scan finds one faster than a hash would. A name is the template's
    /// own string, shared: listing it copies nothing.
    included: Mutex<Vec<(Arc<str>, usize)>>,
    lookup: Arc<dyn Lookup>,
    /// What `fromYaml` and `fromYamlArray` read, by text (see [`Decoded`]).
    decoded: Mutex<Decoded>,
}

impl RenderState {
    /// A fresh state for one render answering `lookup` with `lookup`.
    pub fn new(lookup: Arc<dyn Lookup>) -> RenderState {
        RenderState {
            included: Mutex::default(),
            lookup,
            decoded: Mutex::default(),
        }
    }

    /// `decode(text)`, or a copy of what it gave for the same text earlier
    /// in this render.
    fn decode(&self, kind: Decoder, text: &str, decode: impl FnOnce(&str) -> Value) -> Value {
        let known = self
            .decoded
            .lock()
            .ok()
            .and_then(|memo| memo.of(kind).get(text).map(Value::deep_copy));
        if let Some(v) = known {
            return v;
        }
        let v = decode(text);
        if let Ok(mut memo) = self.decoded.lock()
            && memo.bytes + text.len() <= Decoded::MAX_BYTES
        {
            memo.bytes += text.len();
            let copy = v.deep_copy();
            memo.of_mut(kind).insert(text.to_string(), copy);
        }
        v
    }
}

/// The functions whose answers [`Decoded`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decoder {
    Yaml,
    YamlArray,
}

/// Charts decode the same text many times in one render (the common
/// `include "x.list" . | fromYamlArray` in every template that needs the
/// list), and reading YAML costs far more than copying what it gave. The
/// answer depends on the text alone; each call still gets maps of its own
/// (a deep copy), since templates may change them with `set`.
#[derive(Debug, Default)]
struct Decoded {
    /// By text, for `fromYaml` and for `fromYamlArray`.
    yaml: HashMap<String, Value>,
    yaml_array: HashMap<String, Value>,
    /// Bytes of text kept, bounded by [`Decoded::MAX_BYTES`].
    bytes: usize,
}

impl Decoded {
    const MAX_BYTES: usize = 1 << 20;

    fn of(&self, kind: Decoder) -> &HashMap<String, Value> {
        match kind {
            Decoder::Yaml => &self.yaml,
            Decoder::YamlArray => &self.yaml_array,
        }
    }

    fn of_mut(&mut self, kind: Decoder) -> &mut HashMap<String, Value> {
        match kind {
            Decoder::Yaml => &mut self.yaml,
            Decoder::YamlArray => &mut self.yaml_array,
        }
    }
}

/// The render's state; a set without one (a caller that registered the
/// functions without attaching it) gets an offline state of its own per
/// call, which still bounds `include` through the engine's depth limit.
/// `encode(v)`, or the text it gave for the same unchanged map before (see
/// [`super::encoded`]).
fn encode_kept(
    encoder: Encoder,
    v: &Value,
    encode: impl FnOnce(&Value) -> Result<Value, FuncError>,
) -> Result<Value, FuncError> {
    if !super::encoded::may_be_kept(v) {
        return encode(v);
    }
    if let Some(text) = super::encoded::get(encoder, v) {
        return Ok(text);
    }
    // Read before encoding: a thaw meanwhile moves it.
    let checked = capstan_gotmpl::thaws();
    let text = encode(v)?;
    super::encoded::keep(encoder, v, &text, checked);
    Ok(text)
}

fn with_state<R>(ctx: &dyn CallContext, f: impl FnOnce(&RenderState) -> R) -> R {
    match ctx.state().and_then(|s| s.downcast_ref::<RenderState>()) {
        Some(state) => f(state),
        None => f(&RenderState::new(Arc::new(NoCluster))),
    }
}

/// Every function a Helm template can call: Sprig without `env` and
/// `expandenv`, then Helm's own (which replace Sprig's of the same name).
/// `include` and `lookup` read the [`RenderState`] attached to the set.
pub fn helm_functions() -> Vec<(&'static str, Function)> {
    let mut out: Vec<(&'static str, Function)> = crate::sprig::functions()
        .into_iter()
        .filter(|(name, _)| !matches!(*name, "env" | "expandenv"))
        .collect();

    out.push((
        "include",
        Function::new(Signature::fixed(&[P::String, P::Any]), |ctx, args| {
            let name = arg_str(args, 0);
            with_state(ctx, |state| {
                let mut counts = state
                    .included
                    .lock()
                    .map_err(|_| FuncError::msg("include: poisoned"))?;
                if let Some((_, count)) = counts.iter_mut().find(|(n, _)| &**n == name) {
                    if *count > INCLUDE_RECURSION_MAX {
                        return Err(FuncError::msg(format!(
                            "rendering template has a nested reference name: {name}: unable to execute template"
                        )));
                    }
                    *count += 1;
                } else {
                    let shared = match args.first() {
                        Some(Value::String(s)) => Arc::clone(s),
                        _ => Arc::from(name),
                    };
                    counts.push((shared, 1));
                }
                Ok(())
            })?;
            let result = ctx.execute_template_value(name, arg(args, 1));
            with_state(ctx, |state| {
                if let Ok(mut counts) = state.included.lock()
                    && let Some(at) = counts.iter().position(|(n, _)| &**n == name)
                {
                    counts[at].1 -= 1;
                    if counts[at].1 == 0 {
                        counts.swap_remove(at);
                    }
                }
            });
            result.map_err(FuncError::from_template_error)
        }),
    ));
    out.push((
        "tpl",
        Function::new(
            Signature::fixed(&[P::String, P::Any]),
            |ctx: &mut dyn CallContext, args| {
                let text = arg_str(args, 0);
                let quoted = capstan_gotmpl::format::quote(text);
                match ctx.execute_text("gotpl", text, arg(args, 1)) {
                    Ok(out) => Ok(Value::from(out.replace("<no value>", ""))),
                    Err(err) if err.kind() == capstan_gotmpl::ErrorKind::Parse => Err(
                        FuncError::msg(format!("cannot parse template {quoted}: {err}")),
                    ),
                    Err(err) => Err(FuncError::msg(format!(
                        "error during tpl function execution for {quoted}: {err}"
                    ))),
                }
            },
        ),
    ));
    out.push((
        "required",
        Function::new(Signature::fixed(&[P::String, P::Any]), |_, args| {
            let val = arg(args, 1);
            match &val {
                Value::Nil => Err(warn_wrap(arg_str(args, 0))),
                Value::String(s) if s.is_empty() => Err(warn_wrap(arg_str(args, 0))),
                _ => Ok(val),
            }
        }),
    ));
    out.push((
        "fail",
        Function::new(Signature::fixed(&[P::String]), |_, args| {
            Err(warn_wrap(arg_str(args, 0)))
        }),
    ));
    let one = || Signature::fixed(&[P::Any]);
    let text = || Signature::fixed(&[P::String]);
    // Helm's encoders print "" for their errors; a value too big to encode
    // (Capstan's size limit, see crate::budget) is reported instead.
    out.push((
        "toYaml",
        Function::new(one(), |_, a| {
            encode_kept(Encoder::Yaml, &arg(a, 0), |v| match yaml::must_to_yaml(v) {
                Ok(text) => Ok(Value::from(text)),
                Err(e) if e.kind() == yaml::YamlErrorKind::Limit => {
                    Err(FuncError::msg(e.message()))
                }
                Err(_) => Ok(Value::from("")),
            })
        }),
    ));
    out.push((
        "mustToYaml",
        Function::new(one(), |_, a| {
            encode_kept(Encoder::Yaml, &arg(a, 0), |v| {
                yaml::must_to_yaml(v)
                    .map(Value::from)
                    .map_err(|e| FuncError::msg(e.to_string()))
            })
        }),
    ));
    out.push((
        "toYamlPretty",
        Function::new(one(), |_, a| {
            let v = arg(a, 0);
            crate::budget::check_copy(&v, crate::budget::default_cap(), "toYamlPretty")
                .map_err(|e| FuncError::msg(e.message("toYamlPretty")))?;
            Ok(Value::from(yaml::to_yaml_pretty(&v)))
        }),
    ));
    out.push((
        "fromYaml",
        Function::new(text(), |ctx, a| {
            Ok(with_state(ctx, |state| {
                state.decode(Decoder::Yaml, arg_str(a, 0), yaml::from_yaml)
            }))
        }),
    ));
    out.push((
        "fromYamlArray",
        Function::new(text(), |ctx, a| {
            Ok(with_state(ctx, |state| {
                state.decode(Decoder::YamlArray, arg_str(a, 0), yaml::from_yaml_array)
            }))
        }),
    ));
    out.push((
        "toJson",
        Function::new(one(), |_, a| {
            encode_kept(Encoder::Json, &arg(a, 0), |v| match json::to_json(v) {
                Ok(text) => Ok(Value::from(text)),
                Err(e) if e.is_limit() => Err(FuncError::msg(e.message())),
                Err(_) => Ok(Value::from("")),
            })
        }),
    ));
    out.push((
        "mustToJson",
        Function::new(one(), |_, a| {
            encode_kept(Encoder::Json, &arg(a, 0), |v| {
                json::to_json(v)
                    .map(Value::from)
                    .map_err(|e| FuncError::msg(e.message()))
            })
        }),
    ));
    out.push((
        "fromJson",
        Function::new(text(), |_, a| Ok(json::from_json(arg_str(a, 0)))),
    ));
    out.push((
        "fromJsonArray",
        Function::new(text(), |_, a| Ok(json::from_json_array(arg_str(a, 0)))),
    ));
    out.push((
        "toToml",
        Function::new(one(), |_, a| {
            let v = arg(a, 0);
            crate::budget::check_printed(&v, crate::budget::default_cap(), "toToml")
                .map_err(|e| FuncError::msg(e.message("toToml")))?;
            Ok(Value::from(crate::toml::to_toml(&v)))
        }),
    ));
    out.push((
        "mustToToml",
        Function::new(one(), |_, a| {
            let v = arg(a, 0);
            crate::budget::check_printed(&v, crate::budget::default_cap(), "mustToToml")
                .map_err(|e| FuncError::msg(e.message("mustToToml")))?;
            crate::toml::must_to_toml(&v)
                .map(Value::from)
                .map_err(|e| FuncError::msg(e.to_string()))
        }),
    ));
    out.push((
        "fromToml",
        Function::new(text(), |_, a| Ok(crate::toml::from_toml(arg_str(a, 0)))),
    ));
    out.push((
        "lookup",
        Function::new(
            Signature::fixed(&[P::String, P::String, P::String, P::String]),
            |ctx, a| {
                with_state(ctx, |state| {
                    state
                        .lookup
                        .lookup(arg_str(a, 0), arg_str(a, 1), arg_str(a, 2), arg_str(a, 3))
                        .map(Value::map)
                        .map_err(FuncError::msg)
                })
            },
        ),
    ));
    out.push((
        "getHostByName",
        Function::new(text(), |_, _| Ok(Value::from(""))),
    ));
    out
}
