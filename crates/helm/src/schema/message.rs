//! Validation failures in the layout and words of the Go validator Helm
//! prints (santhosh-tekuri/jsonschema v6.0.2): one `- at '<pointer>':
//! <message>` line per error, causes indented two spaces per level, a
//! `$ref` with a single cause replaced by that cause.
//!
//! boon (the Rust validator we run) builds the same error tree as the Go
//! library (same author, same algorithm); only its wording differs, so the
//! tree is walked here and each kind is worded as Go words it.

use boon::{ErrorKind, InstanceToken, ValidationError};
use serde_json::Value;

use super::literals::Literals;
use super::text::{join_quoted, localized_float, localized_int, quote};

/// The whole tree as Go's `ValidationError.Error()` prints it, starting
/// with `jsonschema validation failed with '<url>'`.
pub(crate) fn render(err: &ValidationError<'_, '_>) -> String {
    render_with(err, None)
}

/// As [`render`], with the spellings of the chart schema's numbers for
/// `enum` and `const` members.
pub(crate) fn render_with(err: &ValidationError<'_, '_>, lits: Option<&Literals>) -> String {
    let mut out = String::new();
    walk(err, 0, &mut out, None, 0, lits);
    out
}

fn skip(err: &ValidationError<'_, '_>) -> bool {
    err.causes.len() == 1 && matches!(err.kind, ErrorKind::Reference { .. })
}

/// A combinator error boon dropped because a single subschema failed (the
/// Go validator keeps an `'allOf' failed` line above that cause).
struct Dropped {
    /// Instance tokens of the validator that held the combinator.
    at_len: usize,
    message: &'static str,
}

/// The combinator errors boon dropped between the validator at `scope`
/// (looking at `at_len` instance tokens) and `err`. Single errors travel up
/// unwrapped through subschemas, so `err`'s keyword path from `scope`
/// names every `allOf/N` (anyOf, oneOf) it passed; an error boon kept for a
/// combinator sits at the combinator's parent and never shows `allOf/N`.
fn dropped(err: &ValidationError<'_, '_>, scope: &str, at_len: usize) -> Vec<Dropped> {
    let mut out = Vec::new();
    let Some(rel) = err.schema_url.strip_prefix(scope) else {
        return out;
    };
    let segs: Vec<&str> = rel.split('/').skip(1).collect();
    let is_index = |s: Option<&&str>| {
        s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut consumed = 0;
    let mut i = 0;
    while i < segs.len() {
        match segs[i] {
            // Keywords that step into a named member of the instance.
            "properties" | "patternProperties" => {
                consumed += 1;
                i += 2;
            }
            "prefixItems" => {
                consumed += 1;
                i += 2;
            }
            "items" => {
                consumed += 1;
                i += if is_index(segs.get(i + 1)) { 2 } else { 1 };
            }
            "additionalProperties"
            | "additionalItems"
            | "contains"
            | "unevaluatedProperties"
            | "unevaluatedItems" => {
                consumed += 1;
                i += 1;
            }
            "dependentSchemas" | "dependencies" | "$defs" | "definitions" => i += 2,
            kw @ ("allOf" | "anyOf" | "oneOf") if is_index(segs.get(i + 1)) => {
                let message = match kw {
                    "allOf" => "'allOf' failed",
                    "anyOf" => "'anyOf' failed",
                    _ => "'oneOf' failed, none matched",
                };
                out.push(Dropped {
                    at_len: at_len + consumed,
                    message,
                });
                i += 2;
            }
            _ => i += 1,
        }
    }
    out
}

fn line(out: &mut String, indent: usize, text: &str) {
    if indent > 0 {
        out.push('\n');
        for _ in 1..indent {
            out.push_str("  ");
        }
        out.push_str("- ");
    }
    out.push_str(text);
}

/// Prints `err` and its causes. `scope` is the location of the schema whose
/// validator produced `err` (when known) and `at_len` the length of the
/// instance location that validator was looking at.
fn walk(
    err: &ValidationError<'_, '_>,
    mut indent: usize,
    out: &mut String,
    scope: Option<&str>,
    at_len: usize,
    lits: Option<&Literals>,
) {
    let tokens = &err.instance_location.tokens;
    if let Some(scope) = scope {
        for d in dropped(err, scope, at_len) {
            let at = pointer(&tokens[..d.at_len.min(tokens.len())]);
            line(out, indent, &format!("at {}: {}", quote(&at), d.message));
            indent += 1;
        }
    }
    if !skip(err) {
        if let ErrorKind::Schema { url } = &err.kind {
            line(
                out,
                indent,
                &format!(
                    "jsonschema validation failed with {}",
                    quote(&with_fragment(url))
                ),
            );
        } else {
            let here = pointer(tokens);
            line(
                out,
                indent,
                &format!("at {}: {}", quote(&here), kind_message(err, lits)),
            );
        }
        indent += 1;
    }
    let child_scope: Option<String> = match &err.kind {
        ErrorKind::Schema { url } | ErrorKind::Reference { url, .. } => Some(with_fragment(url)),
        ErrorKind::Group => Some(err.schema_url.to_string()),
        // Causes of a kept combinator come from its subschemas: their
        // paths start with `allOf/N`, which must not count as dropped.
        ErrorKind::AllOf | ErrorKind::AnyOf | ErrorKind::OneOf(_) => None,
        _ => None,
    };
    for cause in &err.causes {
        let scope = match (&err.kind, &child_scope) {
            (ErrorKind::AllOf | ErrorKind::AnyOf | ErrorKind::OneOf(_), _) => {
                subschema_scope(err.schema_url, cause.schema_url)
            }
            (_, s) => s.clone(),
        };
        walk(cause, indent, out, scope.as_deref(), tokens.len(), lits);
    }
}

/// `<parent>/allOf/N` (anyOf, oneOf) when `child` lies under it.
fn subschema_scope(parent: &str, child: &str) -> Option<String> {
    let rel = child.strip_prefix(parent)?;
    let mut segs = rel.split('/').skip(1);
    let kw = segs.next()?;
    let idx = segs.next()?;
    let ok = matches!(kw, "allOf" | "anyOf" | "oneOf")
        && !idx.is_empty()
        && idx.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("{parent}/{kw}/{idx}"))
}

/// Go's locations always carry a fragment (`file:///values.schema.json#`).
fn with_fragment(url: &str) -> String {
    if url.contains('#') {
        url.to_string()
    } else {
        format!("{url}#")
    }
}

/// A JSON pointer with `~` and `/` escaped.
fn pointer(tokens: &[InstanceToken<'_>]) -> String {
    let mut s = String::new();
    for t in tokens {
        s.push('/');
        match t {
            InstanceToken::Prop(p) => s.push_str(&p.replace('~', "~0").replace('/', "~1")),
            InstanceToken::Item(i) => s.push_str(&i.to_string()),
        }
    }
    s
}

/// Go's `%v` of a primitive schema value, the way the validator's
/// `display` shows `enum` and `const` members.
fn display(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::Array(_) | Value::Object(_) => "value".to_string(),
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        // Go keeps the schema's own spelling (json.Number); serde_json keeps
        // integers exactly and floats as their shortest round trip.
        Value::Number(n) => match n.as_f64() {
            Some(f) if !n.is_i64() && !n.is_u64() => crate::json::go_format_g(f),
            _ => n.to_string(),
        },
    }
}

fn primitive(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn num(n: &serde_json::Number) -> String {
    localized_float(n.as_f64().unwrap_or(0.0))
}

fn indexes(list: &[usize]) -> String {
    list.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn kind_message(err: &ValidationError<'_, '_>, lits: Option<&Literals>) -> String {
    // Where this schema sits in the chart's schema document, if it does.
    let here = err
        .schema_url
        .strip_prefix(super::compile::SCHEMA_URL)
        .and_then(|r| r.strip_prefix('#'));
    let spelled = |v: &Value, ptr: String| match (v, lits) {
        (Value::Number(_), Some(l)) if here.is_some() => {
            l.get(&ptr).map_or_else(|| display(v), str::to_string)
        }
        _ => display(v),
    };
    let here = here.unwrap_or("");
    match &err.kind {
        ErrorKind::Group | ErrorKind::Reference { .. } => "validation failed".to_string(),
        ErrorKind::Schema { url } => {
            format!(
                "jsonschema validation failed with {}",
                quote(&with_fragment(url))
            )
        }
        ErrorKind::ContentSchema => "'contentSchema' failed".to_string(),
        ErrorKind::PropertyName { prop } => format!("invalid propertyName {}", quote(prop)),
        ErrorKind::RefCycle {
            url,
            kw_loc1,
            kw_loc2,
        } => format!(
            "both {kw_loc1} and {kw_loc2} resolve to {} causing reference cycle",
            crate::json::go_quote(url)
        ),
        ErrorKind::FalseSchema => "false schema".to_string(),
        ErrorKind::Type { got, want } => {
            let want: Vec<String> = want.iter().map(|t| t.to_string()).collect();
            format!("got {got}, want {}", want.join(" or "))
        }
        ErrorKind::Enum { want } => {
            if want.iter().all(primitive) {
                if want.len() == 1 {
                    format!(
                        "value must be {}",
                        spelled(&want[0], format!("{here}/enum/0"))
                    )
                } else {
                    let items: Vec<String> = want
                        .iter()
                        .enumerate()
                        .map(|(i, v)| spelled(v, format!("{here}/enum/{i}")))
                        .collect();
                    format!("value must be one of {}", items.join(", "))
                }
            } else {
                "'enum' failed".to_string()
            }
        }
        ErrorKind::Const { want } => {
            if primitive(want) {
                format!("value must be {}", spelled(want, format!("{here}/const")))
            } else {
                "'const' failed".to_string()
            }
        }
        ErrorKind::Format { got, want, err } => match (got.as_ref(), *want) {
            // Go checks `format: regex` with its own regexp package.
            (Value::String(pattern), "regex") => {
                format!(
                    "{} is not valid regex: {}",
                    quote(pattern),
                    go_regexp_error(pattern, &err.to_string())
                )
            }
            _ => format!("{} is not valid {want}: {err}", display(got)),
        },
        ErrorKind::MinProperties { got, want } => format!(
            "minProperties: got {}, want {}",
            localized_int(*got),
            localized_int(*want)
        ),
        ErrorKind::MaxProperties { got, want } => format!(
            "maxProperties: got {}, want {}",
            localized_int(*got),
            localized_int(*want)
        ),
        ErrorKind::AdditionalProperties { got } => {
            format!(
                "additional properties {} not allowed",
                join_quoted(got, ", ")
            )
        }
        ErrorKind::Required { want } => {
            if want.len() == 1 {
                format!("missing property {}", quote(want[0]))
            } else {
                format!("missing properties {}", join_quoted(want, ", "))
            }
        }
        ErrorKind::Dependency { prop, missing }
        | ErrorKind::DependentRequired { prop, missing } => {
            format!(
                "properties {} required, if {} exists",
                join_quoted(missing, ", "),
                quote(prop)
            )
        }
        ErrorKind::MinItems { got, want } => {
            format!(
                "minItems: got {}, want {}",
                localized_int(*got),
                localized_int(*want)
            )
        }
        ErrorKind::MaxItems { got, want } => {
            format!(
                "maxItems: got {}, want {}",
                localized_int(*got),
                localized_int(*want)
            )
        }
        ErrorKind::Contains => "no items match contains schema".to_string(),
        ErrorKind::MinContains { got, want } => {
            if got.is_empty() {
                format!(
                    "min {} items required to match contains schema, but none matched",
                    localized_int(*want)
                )
            } else {
                format!(
                    "min {} items required to match contains schema, but matched {} items at {}",
                    localized_int(*want),
                    localized_int(got.len()),
                    indexes(got)
                )
            }
        }
        ErrorKind::MaxContains { got, want } => format!(
            "max {} items required to match contains schema, but matched {} items at {}",
            localized_int(*want),
            localized_int(got.len()),
            indexes(got)
        ),
        ErrorKind::UniqueItems { got: [i, j] } => {
            format!(
                "items at {} and {} are equal",
                localized_int(*i),
                localized_int(*j)
            )
        }
        ErrorKind::AdditionalItems { got } => {
            format!("last {} additionalItem(s) not allowed", localized_int(*got))
        }
        ErrorKind::MinLength { got, want } => {
            format!(
                "minLength: got {}, want {}",
                localized_int(*got),
                localized_int(*want)
            )
        }
        ErrorKind::MaxLength { got, want } => {
            format!(
                "maxLength: got {}, want {}",
                localized_int(*got),
                localized_int(*want)
            )
        }
        ErrorKind::Pattern { got, want } => {
            format!("{} does not match pattern {}", quote(got), quote(want))
        }
        ErrorKind::ContentEncoding { want, err } => {
            format!("value is not {} encoded: {err}", quote(want))
        }
        ErrorKind::ContentMediaType { want, err, .. } => {
            format!("value if not of mediatype {}: {err}", quote(want))
        }
        ErrorKind::Minimum { got, want } => {
            format!("minimum: got {}, want {}", num(got), num(want))
        }
        ErrorKind::Maximum { got, want } => {
            format!("maximum: got {}, want {}", num(got), num(want))
        }
        ErrorKind::ExclusiveMinimum { got, want } => {
            format!("exclusiveMinimum: got {}, want {}", num(got), num(want))
        }
        ErrorKind::ExclusiveMaximum { got, want } => {
            format!("exclusiveMaximum: got {}, want {}", num(got), num(want))
        }
        ErrorKind::MultipleOf { got, want } => {
            format!("multipleOf: got {}, want {}", num(got), num(want))
        }
        ErrorKind::Not => "'not' failed".to_string(),
        ErrorKind::AllOf => "'allOf' failed".to_string(),
        ErrorKind::AnyOf => "'anyOf' failed".to_string(),
        ErrorKind::OneOf(None) => "'oneOf' failed, none matched".to_string(),
        ErrorKind::OneOf(Some((i, j))) => format!(
            "'oneOf' failed, subschemas {}, {} matched",
            localized_int(*i),
            localized_int(*j)
        ),
    }
}

/// Go's `regexp` error for an invalid pattern, from the `regex` crate's
/// reason, for the mistakes patterns commonly have; other reasons are
/// passed through.
fn go_regexp_error(pattern: &str, reason: &str) -> String {
    let go = |code: &str, expr: &str| format!("error parsing regexp: {code}: `{expr}`");
    if reason.contains("unclosed group") {
        return go("missing closing )", pattern);
    }
    if reason.contains("unopened group") {
        return go("unexpected )", pattern);
    }
    if reason.contains("unclosed character class") {
        let from = pattern.find('[').map_or(pattern, |i| &pattern[i..]);
        return go("missing closing ]", from);
    }
    if reason.contains("repetition operator missing expression") {
        let op = pattern
            .char_indices()
            .find(|(i, c)| {
                matches!(c, '*' | '+' | '?')
                    && (*i == 0 || matches!(pattern[..*i].chars().last(), Some('(' | '|')))
            })
            .map_or("", |(i, c)| &pattern[i..i + c.len_utf8()]);
        return go("missing argument to repetition operator", op);
    }
    if reason.contains("incomplete escape sequence") {
        return go("trailing backslash at end of expression", "");
    }
    reason.to_string()
}
