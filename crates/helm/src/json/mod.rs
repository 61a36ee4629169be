//! JSON as Go's encoding/json reads and writes it, for Helm's `toJson`,
//! `mustToJson`, `fromJson` and `fromJsonArray`.
//!
//! Owns the Go spellings of numbers (`1e+21`, `1e-7`, `-0`) and strings (HTML
//! escaping), Go's syntax-error texts, and the template-facing wrappers that
//! put an error message into the result instead of failing, as Helm does.
//! Not here: YAML (see [`crate::yaml`]), which reuses the float spellings.

mod decode;
mod encode;
mod float;

use std::fmt;
use std::sync::Arc;

use capstan_gotmpl::{Map, Value};

pub(crate) use encode::quote_into as quote_json;
pub(crate) use float::json_float;
pub use float::{go_format_g, go_quote};

/// A JSON error whose `Display` is Go's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    message: String,
    /// A Capstan size limit, not a Go error: `toJson` must report it rather
    /// than print `""` as it does for Go's errors.
    limit: bool,
}

impl JsonError {
    pub(crate) fn new(message: String) -> Self {
        JsonError {
            message,
            limit: false,
        }
    }

    /// Whether this is Capstan's output-size limit (the value would expand
    /// past the template output cap) rather than an error Go reports.
    pub fn is_limit(&self) -> bool {
        self.limit
    }

    /// Go's error text.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsonError {}

/// `json.Marshal(v)`: what `mustToJson` prints, or its error.
///
/// Host objects (`.Chart`, `.Capabilities`...) are refused: their Go field
/// layout is not known here. `toJson` prints `""` for any error but the
/// size limit ([`JsonError::is_limit`]): a value whose text would pass the
/// template output cap (maps shared many times over expand once per path)
/// is refused before any text is written.
pub fn to_json(v: &Value) -> Result<String, JsonError> {
    to_json_within(v, crate::budget::default_cap())
}

/// [`to_json`] with an explicit cap on the text's size in bytes.
pub fn to_json_within(v: &Value, cap: usize) -> Result<String, JsonError> {
    let at_least = match crate::budget::printed_at_least(v, cap, "json") {
        Ok(n) => n,
        // Go's encoder detects the cycle (after 1,000 levels) and fails.
        Err(crate::budget::TooBig::Cycle(c)) => {
            return Err(JsonError::new(format!(
                "json: unsupported value: encountered a cycle via {}",
                c.type_name
            )));
        }
        Err(too_big) => {
            return Err(JsonError {
                message: too_big.message("json"),
                limit: true,
            });
        }
    };
    // The measure counts every string's bytes and one byte per value; JSON
    // adds quotes, colons and commas, about a third more on values files.
    let mut out = Vec::with_capacity(at_least.saturating_add(at_least / 3));
    encode::encode(v, &mut out, 0)?;
    // The encoder writes whole characters and ASCII only: always UTF-8.
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// Helm's `toJson`: `json.Marshal`, with errors swallowed into `""` (the
/// size limit included; the template function reports that one).
pub fn to_json_lossy(v: &Value) -> String {
    to_json(v).unwrap_or_default()
}

/// `json.Unmarshal` into `interface{}`: numbers are float64.
pub fn parse_json(text: &str) -> Result<Value, JsonError> {
    match decode::parse(text)? {
        (v, None) => Ok(v),
        (_, Some(e)) => Err(e),
    }
}

/// Go's name for the JSON kind of a decoded value, as in "cannot unmarshal
/// array into ...".
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Map(_) => "object",
        Value::List(_) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    }
}

/// `json.Unmarshal` into a `map[string]interface{}`: `null` leaves it empty,
/// anything but an object is a type error.
pub fn parse_json_map(text: &str) -> Result<Map, JsonError> {
    match decode::parse(text)? {
        (Value::Map(_) | Value::Nil, Some(e)) => Err(e),
        (Value::Map(m), _) => Ok(Arc::unwrap_or_clone(m.snapshot())),
        (Value::Nil, _) => Ok(Map::new()),
        (other, _) => Err(JsonError::new(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        ))),
    }
}

/// `json.Unmarshal` into a `[]interface{}`.
pub fn parse_json_list(text: &str) -> Result<Vec<Value>, JsonError> {
    match decode::parse(text)? {
        (Value::List(_) | Value::Nil, Some(e)) => Err(e),
        (Value::List(l), None) => Ok(Arc::unwrap_or_clone(l)),
        (Value::Nil, None) => Ok(Vec::new()),
        (other, _) => Err(JsonError::new(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ))),
    }
}

/// Helm's `fromJson`: the decoded map, or `{"Error": message}`. A JSON
/// `null` leaves Go's map nil, which prints as `null`.
pub fn from_json(text: &str) -> Value {
    match decode::parse(text) {
        Ok((Value::Nil, None)) => return Value::Nil,
        // Go keeps what it decoded and the caller adds the error.
        Ok((Value::Map(m), Some(e))) => {
            m.update(|m| m.insert("Error".to_string(), Value::str(e.message())));
            return Value::Map(m);
        }
        _ => {}
    }
    match parse_json_map(text) {
        Ok(m) => Value::map(m),
        Err(e) => error_map(e.message()),
    }
}

/// Helm's `fromJsonArray`: the decoded list, or `[message]`.
pub fn from_json_array(text: &str) -> Value {
    if matches!(parse_json(text), Ok(Value::Nil)) {
        return Value::Nil;
    }
    match parse_json_list(text) {
        Ok(l) => Value::list(l),
        Err(e) => Value::list(vec![Value::str(e.message())]),
    }
}

/// `{"Error": message}`, the map Helm's `fromJson`/`fromYaml` return on failure.
pub fn error_map(message: &str) -> Value {
    let mut m = Map::new();
    m.insert("Error".to_string(), Value::str(message));
    Value::map(m)
}
