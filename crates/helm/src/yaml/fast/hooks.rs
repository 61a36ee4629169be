//! Test, fuzz and benchmark hooks of the fast reader: each runs it next to
//! the full reader and says whether they agree, or runs one reader alone.

use crate::render::manifest::Head;
use crate::yaml::load::{self, Limits};
use crate::yaml::{YamlError, convert};

use super::head::{fast_head, read_head};
use super::sink::SkipSink;
use super::{decode_first, unmarshal};

/// Test and fuzz hook: runs the fast reader and, when it answers, the full
/// reader, and compares, both the decoded YAML and the template values.
/// `Ok(true)`: they agree; `Ok(false)`: the fast reader bailed; `Err`: they
/// differ (both results described).
pub fn fast_agrees(text: &str, limits: &Limits) -> Result<bool, String> {
    let Some(fast) = decode_first(text, limits) else {
        if let Some(v) = unmarshal(text, limits) {
            return Err(format!("only the value reader answered: {v:?}"));
        }
        return Ok(false);
    };
    let full = load::decode_first(text, limits);
    let same = matches!(&full, Ok(Some(full)) if format!("{full:?}") == format!("{fast:?}"));
    if !same {
        return Err(format!("fast: {fast:?}\nfull: {full:?}"));
    }
    // The full reader's values are its decoded YAML converted; the value
    // reader may bail where the YAML reader did not (it never must agree
    // to answer), but when it answers it must give the same.
    let full_value = convert::to_value(fast);
    match unmarshal(text, limits) {
        None => Ok(true),
        Some(v) if full_value.as_ref() == Ok(&v) => Ok(true),
        Some(v) => Err(format!("fast value: {v:?}\nfull value: {full_value:?}")),
    }
}

/// Test and fuzz hook for the head reader ([`super::read_head`]): it, and
/// the reader that builds nothing at all (what the head reader reads
/// skipped subtrees with), must bail exactly where the value reader
/// bails, and when it answers give what [`Head::from_document`] reads
/// from the full reader's values. Its
/// answer with the full reader behind it must match, errors included, the
/// head read from `unmarshal_with` (as manifests were sorted before).
/// `Ok(true)`: the fast reader answered and agrees; `Ok(false)`: it
/// bailed; `Err`: a difference, described.
pub fn head_agrees(text: &str, limits: &Limits) -> Result<bool, String> {
    let fast = fast_head(text, limits);
    let answered = unmarshal(text, limits).is_some();
    // What skipped subtrees are read with, here over the whole document.
    let checked = super::read::<SkipSink>(text, limits).is_some();
    for (reader, ok) in [("head", fast.is_some()), ("check-only", checked)] {
        if ok != answered {
            return Err(format!(
                "the {reader} reader {} where the value reader {}",
                if ok { "answered" } else { "bailed" },
                if answered { "answered" } else { "bailed" },
            ));
        }
    }
    let before = crate::yaml::unmarshal_with(text, limits)
        .map(|v| Head::from_document(&v))
        .map_err(|e| e.to_string());
    let now = read_head(text, limits).map_err(|e| e.to_string());
    if now != before {
        return Err(format!("head: {now:?}\nbefore: {before:?}"));
    }
    let Some(fast) = fast else {
        return Ok(false);
    };
    // The full reader alone, without the fast value reader in front.
    let full = match load::decode_first(text, limits) {
        Ok(Some(v)) => convert::to_value(v).map(|v| Head::from_document(&v)),
        Ok(None) => Ok(Head::from_document(&capstan_gotmpl::Value::Nil)),
        Err(e) => Err(e),
    };
    match full {
        Ok(full) if full == fast => Ok(true),
        full => Err(format!("fast head: {fast:?}\nfull: {full:?}")),
    }
}

/// Which reader [`unmarshal_via`] uses.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Fast,
    Full,
}

/// Benchmark hook: one reader alone on `text` with default limits, and
/// when `convert`, up to template values. `Ok(false)` when the fast
/// reader bails or the document is empty.
pub fn unmarshal_via(text: &str, via: Via, convert: bool) -> Result<bool, YamlError> {
    let limits = Limits::default();
    match (via, convert) {
        (Via::Fast, true) => Ok(unmarshal(text, &limits).is_some()),
        (Via::Fast, false) => Ok(decode_first(text, &limits).is_some()),
        (Via::Full, _) => {
            let Some(v) = load::decode_first(text, &limits)? else {
                return Ok(false);
            };
            if convert {
                convert::to_value(v)?;
            }
            Ok(true)
        }
    }
}
