//! `values.schema.json` validation exactly as Helm v4.2.3 performs it
//! (`pkg/chart/common/util/jsonschema.go`): the coalesced values against the
//! chart's schema, then each subchart's schema against its scoped values,
//! errors gathered into per-chart sections under Helm's heading.
//!
//! Validation runs on boon; [`message`] words its error tree as the Go
//! validator Helm uses, [`compile`] reads schemas as Go does and replaces
//! Helm's network and disk loaders with clear offline errors. Before boon,
//! [`fast`] tries our own validator for the keywords chart schemas use: when
//! it vouches for the values, boon is neither compiled nor run.
//!
//! Known differences from Helm: `http(s)` references (and an unknown
//! `$schema` URL) fail with our own reason after `HTTP request failed for
//! <url>:` instead of being fetched; `file:` references are never read
//! (Helm's text for a missing file is given); where Go iterates a map (the
//! values' keys, so the order of errors from sibling properties and the
//! names in one `additional properties` error) Helm's order is random and
//! ours is sorted; `format` checks other than `regex` word their reasons
//! as boon does.

mod compile;
mod fast;
mod literals;
mod message;
mod text;

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use capstan_gotmpl::{Map, Value};

use crate::chart::Chart;
use crate::memo::ByContent;

/// Helm's heading for every schema failure.
pub const HEADING: &str =
    "values don't meet the specifications of the schema(s) in the following chart(s):\n";

/// Values nested deeper than this are refused rather than walked.
const MAX_DEPTH: usize = 500;

/// Schema validation failed. Display is what Helm prints after `Error: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The per-chart sections (`<chart>:\n<validator output>`), concatenated.
    pub details: String,
    /// Lines Helm logs while validating (unresolved `urn:` references).
    pub warnings: Vec<String>,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{HEADING}{}", self.details)
    }
}

impl std::error::Error for SchemaError {}

/// What a successful validation logged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validated {
    /// Lines Helm logs while validating (unresolved `urn:` references).
    pub warnings: Vec<String>,
}

/// Helm's `ValidateAgainstSchema` with its caller's heading: `values` are
/// the coalesced top-level values, `chart` the tree after dependency
/// processing (disabled subcharts removed, aliases applied).
pub fn validate_chart_tree(chart: &Chart, values: &Map) -> Result<Validated, SchemaError> {
    let mut warnings = Vec::new();
    let details = chart_sections(chart, values, &mut warnings, 0);
    if details.is_empty() {
        Ok(Validated { warnings })
    } else {
        Err(SchemaError { details, warnings })
    }
}

/// Validates `values` against one schema document. `Err` is the text Helm
/// prints under the chart's name: the validator's lines ending in a
/// newline, or a compile error without one.
pub fn validate_single(
    values: &Map,
    schema: &[u8],
    warnings: &mut Vec<String>,
) -> Result<(), String> {
    // Most values pass a schema our own validator reads exactly: then boon
    // is neither compiled nor run (see `fast`).
    if fast_valid(values, schema) {
        return Ok(());
    }
    validate_with_boon(values, schema, warnings)
}

/// Whether the fast path vouches for `values` against `schema`.
fn fast_valid(values: &Map, schema: &[u8]) -> bool {
    fast_verdict(values, schema) == Some(true)
}

/// What the fast path says: `None` when it declines the schema, else
/// whether it vouches for `values`. For differential tests.
#[doc(hidden)]
pub fn fast_verdict(values: &Map, schema: &[u8]) -> Option<bool> {
    let slots = cached_slots(schema);
    let fast = match &slots {
        Some(s) => s.fast.get_or_init(|| fast::FastSchema::compile(schema)),
        None => &fast::FastSchema::compile(schema),
    };
    fast.as_ref().map(|f| f.is_valid(values))
}

/// [`validate_single`] without the fast path: boon decides. For
/// differential tests.
#[doc(hidden)]
pub fn validate_with_boon(
    values: &Map,
    schema: &[u8],
    warnings: &mut Vec<String>,
) -> Result<(), String> {
    // The validator and the schema reader recurse once per nesting level
    // of the schema and the values: they run on a worker thread with a
    // deep stack (see `crate::worker`).
    let (owned_values, owned_schema) = (values.clone(), schema.to_vec());
    let outcome = crate::worker::run(move || {
        let mut logged = Vec::new();
        let result = validate_here(&owned_values, &owned_schema, &mut logged);
        (result, logged)
    });
    match outcome {
        Ok((result, logged)) => {
            for line in logged {
                if !warnings.contains(&line) {
                    warnings.push(line);
                }
            }
            result
        }
        // Helm recovers from a validator panic into this message.
        Err(crate::worker::Failure::Panicked) => {
            Err("unable to validate schema: validator panicked".to_string())
        }
        Err(crate::worker::Failure::Spawn(e)) => Err(format!("unable to validate schema: {e}")),
    }
}

/// A compiled schema with the lines Helm logs while compiling it.
type CachedCompile = Arc<(Result<compile::Compiled, String>, Vec<String>)>;

/// What is cached for one schema: boon's compile and the fast path's
/// (`None` when the fast path declines the document).
#[derive(Default)]
struct Slots {
    boon: OnceLock<CachedCompile>,
    fast: OnceLock<Option<fast::FastSchema>>,
}

/// Schemas compiled in this process, by their bytes. Compiling (the
/// metaschema check, every `pattern` regex) costs far more than validating,
/// and the same chart is rendered for many apps; a compile is a pure
/// function of the bytes, so its outcome and log lines are replayed. Each
/// entry is compiled once even when several threads ask at the same time
/// (the others wait for it).
type CompileSlot = Arc<Slots>;

/// The compiled schemas, at most 64 (found by a sampled hash and their
/// whole bytes: hashing every byte of a large schema on each validation
/// cost a tenth of compiling it).
static COMPILED: Mutex<ByContent<CompileSlot>> = Mutex::new(ByContent::new(64, 64 << 20));

/// The cache entry for `schema` (`None` if the cache lock is poisoned).
fn cached_slots(schema: &[u8]) -> Option<CompileSlot> {
    COMPILED
        .lock()
        .ok()
        .map(|mut cache| match cache.get(schema) {
            Some(slot) => Arc::clone(slot),
            None => Arc::clone(cache.insert(schema, CompileSlot::default())),
        })
}

fn compile_cached(schema: &[u8]) -> CachedCompile {
    match cached_slots(schema) {
        Some(slot) => Arc::clone(slot.boon.get_or_init(|| compile_boon(schema))),
        None => compile_boon(schema),
    }
}

/// boon's compile of `schema` with the lines Helm logs meanwhile.
fn compile_boon(schema: &[u8]) -> CachedCompile {
    let mut logged = Vec::new();
    let result = compile::compile(schema, &mut logged);
    Arc::new((result, logged))
}

/// Compiles `schema` into this process's cache on a worker thread and
/// returns at once: a later validation against the same bytes finds it
/// compiled (or waits for the compile under way). For callers that load a
/// chart well before rendering it; compiling has no effect but the cache.
/// Only the fast path's reading is prepared when it accepts the document:
/// boon is then compiled only if some values fail it.
pub fn compile_ahead(schema: &[u8]) {
    if let Ok(cache) = COMPILED.lock()
        && cache.get(schema).is_some()
    {
        return;
    }
    let bytes = schema.to_vec();
    // Nobody waits for it: the result is in the cache.
    drop(crate::worker::submit(Box::new(move || {
        let Some(slots) = cached_slots(&bytes) else {
            return;
        };
        let fast = slots.fast.get_or_init(|| fast::FastSchema::compile(&bytes));
        if fast.is_none() {
            slots.boon.get_or_init(|| compile_boon(&bytes));
        }
    })));
}

fn validate_here(values: &Map, schema: &[u8], warnings: &mut Vec<String>) -> Result<(), String> {
    let entry = compile_cached(schema);
    let (result, logged) = &*entry;
    warnings.extend(logged.iter().cloned());
    let compiled = result.as_ref().map_err(Clone::clone)?;
    let instance = map_to_json(values, 0)?;
    match compiled.schemas.validate(&instance, compiled.index) {
        Ok(()) => Ok(()),
        Err(e) => {
            let lits = literals::Literals::scan(&String::from_utf8_lossy(schema));
            let text = message::render_with(&e, Some(&lits));
            // Helm drops the validator's first line and adds a newline.
            let root = format!(
                "jsonschema validation failed with '{}#'\n",
                compile::SCHEMA_URL
            );
            let body = text.strip_prefix(&root).unwrap_or(&text);
            Err(format!("{body}\n"))
        }
    }
}

fn chart_sections(chart: &Chart, values: &Map, warnings: &mut Vec<String>, depth: usize) -> String {
    let mut out = String::new();
    if depth > MAX_DEPTH {
        return out;
    }
    if let Some(schema) = &chart.schema
        && let Err(text) = validate_single(values, schema, warnings)
    {
        out.push_str(chart.name());
        out.push_str(":\n");
        out.push_str(&text);
    }
    for sub in &chart.dependencies {
        let Some(raw) = values.get(sub.name()) else {
            continue;
        };
        if raw.is_nil() {
            continue;
        }
        match raw.as_map() {
            Some(m) => out.push_str(&chart_sections(sub, &m, warnings, depth + 1)),
            None => out.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                go_type(raw)
            )),
        }
    }
    out
}

/// Go's `%T` of a value as it sits in Helm's values.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Nil => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) => "int64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Bytes(_) => "[]uint8",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
        _ => "object",
    }
}

fn map_to_json(m: &Map, depth: usize) -> Result<serde_json::Value, String> {
    let mut out = serde_json::Map::new();
    for (k, v) in m {
        out.insert(k.clone(), to_json(v, depth + 1)?);
    }
    Ok(serde_json::Value::Object(out))
}

/// The instance the validator sees: Go passes the values as they are
/// (float64 numbers, int64 from `--set`), all of which it treats as JSON
/// numbers.
fn to_json(v: &Value, depth: usize) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Err("unable to validate schema: values nested too deeply".to_string());
    }
    Ok(match v {
        Value::Nil => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) | Value::Int64(i) => J::Number((*i).into()),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::String(s) => J::String(s.to_string()),
        Value::Bytes(b) => J::Array(b.iter().map(|x| J::Number((*x).into())).collect()),
        Value::List(l) => J::Array(
            l.iter()
                .map(|x| to_json(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(_) => match v.as_map() {
            Some(m) => map_to_json(&m, depth)?,
            None => J::Null,
        },
        _ => {
            return Err("unable to validate schema: values hold a non-data object".to_string());
        }
    })
}
