//! Reading and compiling one `values.schema.json` as Helm does: Go's
//! streaming JSON decoder (its error texts), the compiler's default draft
//! (2020-12 unless `$schema` says otherwise) and Helm's loaders per URL
//! scheme, with compile errors worded as the Go validator words them.
//!
//! Loaders are where we differ on purpose: rendering never does IO. Helm
//! fetches `http(s)` references; we fail with a message naming the URL.
//! Helm reads `file` references from the local disk (resolved against
//! `file:///values.schema.json`, so from `/`); we read nothing and answer
//! as Helm does when the file is absent. `urn:` references become the
//! permissive `true` schema with Helm's warning, as in Helm.

use std::cell::RefCell;
use std::error::Error;
use std::rc::Rc;

use boon::{CompileError, Compiler, Draft, SchemaIndex, Schemas, UrlLoader};
use serde_json::Value;

use crate::json::go_quote;

/// Where Helm registers the chart's schema.
pub(crate) const SCHEMA_URL: &str = "file:///values.schema.json";

/// A compiled schema.
pub(crate) struct Compiled {
    pub(crate) schemas: Schemas,
    pub(crate) index: SchemaIndex,
}

/// Parses and compiles `bytes`; `warnings` receives Helm's log lines.
/// The error is the text Helm prints for this chart's section.
pub(crate) fn compile(bytes: &[u8], warnings: &mut Vec<String>) -> Result<Compiled, String> {
    let doc = parse(bytes)?;
    let urns = Rc::new(RefCell::new(Vec::new()));
    let mut compiler = Compiler::new();
    compiler.set_default_draft(Draft::V2020_12);
    compiler.use_loader(Box::new(OfflineLoader {
        urns: Rc::clone(&urns),
    }));
    compiler
        .add_resource(SCHEMA_URL, doc)
        .map_err(|e| compile_error(&e))?;
    let mut schemas = Schemas::new();
    let result = compiler.compile(SCHEMA_URL, &mut schemas);
    for urn in urns.borrow().iter() {
        let line =
            format!("WARN unresolved URN reference ignored; using permissive schema urn={urn}");
        if !warnings.contains(&line) {
            warnings.push(line);
        }
    }
    let index = result.map_err(|e| compile_error(&e))?;
    Ok(Compiled { schemas, index })
}

/// The schema document, or the error Go's `json.Decoder` (as the
/// validator's `UnmarshalJSON` drives it) reports.
fn parse(bytes: &[u8]) -> Result<Value, String> {
    let text = String::from_utf8_lossy(bytes);
    if let Err(e) = crate::json::parse_json(&text) {
        let msg = e.message();
        // `json.Unmarshal` and a `Decoder` word the same scanner errors,
        // except at the end of input and after the first value.
        if msg == "unexpected end of JSON input" {
            let blank = text.trim_matches([' ', '\t', '\n', '\r']).is_empty();
            return Err(if blank { "EOF" } else { "unexpected EOF" }.to_string());
        }
        if msg.ends_with("after top-level value") {
            return Err("invalid character after top-level value".to_string());
        }
        if msg.starts_with("invalid character") || msg.contains("max depth") {
            return Err(msg.to_string());
        }
        // Number range errors: Go keeps numbers as text (UseNumber), so
        // these documents parse there; let serde_json decide below.
    }
    serde_json::from_str(&text).map_err(|e| format!("unable to read schema: {e}"))
}

/// Helm's loaders, without IO.
struct OfflineLoader {
    urns: Rc<RefCell<Vec<String>>>,
}

impl UrlLoader for OfflineLoader {
    fn load(&self, url: &str) -> Result<Value, Box<dyn Error>> {
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("file") => {
                let path = file_path(url);
                Err(format!("open {path}: no such file or directory").into())
            }
            Some("http" | "https") => Err(format!(
                "HTTP request failed for {url}: Get {}: remote schema references are not fetched (rendering is offline)",
                go_quote(url)
            )
            .into()),
            Some("urn") => {
                self.urns.borrow_mut().push(url.to_string());
                Ok(Value::Bool(true))
            }
            _ => Err(format!("no URLLoader registered for {}", go_quote(url)).into()),
        }
    }
}

/// The path of a `file:` URL, percent-decoded as Go's `url.Parse` does.
fn file_path(url: &str) -> String {
    let rest = url.split_once(':').map_or(url, |(_, r)| r);
    let rest = rest
        .strip_prefix("//")
        .map_or(rest, |r| r.find('/').map_or("", |i| &r[i..]));
    let rest = rest.split(['#', '?']).next().unwrap_or("");
    let b = rest.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = rest.get(i + 1..i + 3).filter(|_| b[i] == b'%');
        if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A compile error as the Go validator's `Error()` prints it.
fn compile_error(e: &CompileError) -> String {
    let q = |s: &str| go_quote(s);
    match e {
        CompileError::ParseUrlError { url, src } => format!("error in parsing {}: {src}", q(url)),
        CompileError::LoadUrlError { url, src } => {
            // boon reports an unknown scheme through the loader's error.
            format!("failing loading {}: {src}", q(url))
        }
        CompileError::UnsupportedUrlScheme { url } => {
            format!("no URLLoader registered for {}", q(url))
        }
        CompileError::InvalidMetaSchemaUrl { url, src } => {
            format!("invalid $schema in {}: {src}", q(url))
        }
        CompileError::UnsupportedDraft { url } => format!("draft {} is not supported", q(url)),
        CompileError::MetaSchemaCycle { url } => {
            format!("cycle in resolving $schema in {}", q(url))
        }
        CompileError::ValidationError { url, src } => format!(
            "{} is not valid against metaschema: {}",
            q(&with_fragment(url)),
            super::message::render(src)
        ),
        CompileError::ParseIdError { loc } => format!("error in parsing id at {}", q(loc)),
        CompileError::ParseAnchorError { loc } => format!("error in parsing anchor at {}", q(loc)),
        CompileError::DuplicateId {
            url,
            id,
            ptr1,
            ptr2,
        } => format!(
            "duplicate id {} in {} at {} and {}",
            q(id),
            q(url),
            q(ptr1),
            q(ptr2)
        ),
        CompileError::DuplicateAnchor {
            anchor,
            url,
            ptr1,
            ptr2,
        } => format!(
            "duplicate anchor {} in {} at {} and {}",
            q(anchor),
            q(url),
            q(ptr1),
            q(ptr2)
        ),
        CompileError::InvalidJsonPointer(loc) => format!("invalid json-pointer {}", q(loc)),
        CompileError::JsonPointerNotFound(loc) => format!("json-pointer in {} not found", q(loc)),
        CompileError::AnchorNotFound { url, reference } => {
            format!("anchor in {} not found in schema {}", q(reference), q(url))
        }
        CompileError::UnsupportedVocabulary { url, vocabulary } => {
            format!("unsupported vocabulary {} in {}", q(vocabulary), q(url))
        }
        CompileError::InvalidRegex { url, regex, src } => {
            format!("invalid regex {} at {}: {src}", q(regex), q(url))
        }
        other => format!("unable to validate schema: {other}"),
    }
}

fn with_fragment(url: &str) -> String {
    if url.contains('#') {
        url.to_string()
    } else {
        format!("{url}#")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_messages() {
        assert_eq!(parse(b"").err().as_deref(), Some("EOF"));
        assert_eq!(parse(b"  \n").err().as_deref(), Some("EOF"));
        assert_eq!(
            parse(b"{\"type\": \"object\",").err().as_deref(),
            Some("unexpected EOF")
        );
        assert_eq!(
            parse(b"{\"type\": \"object\"} x").err().as_deref(),
            Some("invalid character after top-level value")
        );
        assert_eq!(
            parse(b"{\"a\" 1}").err().as_deref(),
            Some("invalid character '1' after object key")
        );
    }

    #[test]
    fn file_paths() {
        assert_eq!(file_path("file:///other.json"), "/other.json");
        assert_eq!(file_path("file:///a%20b.json#/x"), "/a b.json");
        assert_eq!(file_path("file:///bad%2"), "/bad%2");
    }
}
