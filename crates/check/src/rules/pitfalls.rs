//! Helm pitfalls visible in the output: integers printed in exponent form
//! (a large number passed through `{{ .Values.x }}` is a float64 and prints
//! as `1.1155111e+07`), values a template left empty (a misspelled field
//! such as `.Release.namespace` prints nothing), and Go `fmt` errors
//! (`%!d(string=…)`) printed into a manifest.

use crate::finding::{Finding, rule};
use crate::object::{LoadedApp, Object};
use crate::yaml::{Kind, Node};

/// `1.1155111e+07`, `1e+06`: Go's `%v` of a float64 of 21 digits or more,
/// or of exponent ≥ 21 … and every float printed with `%g`-style exponent.
fn exponent_integer(text: &str) -> Option<String> {
    let t = text.trim();
    let (mantissa, exp) = t.split_once(['e', 'E'])?;
    let exp: i32 = exp.parse().ok()?;
    let m = mantissa.trim_start_matches(['-', '+']);
    // One dot at most: `1.2.3e4` is a version string, not a number.
    if m.is_empty()
        || !m.chars().all(|c| c.is_ascii_digit() || c == '.')
        || m.matches('.').count() > 1
        || exp < 0
    {
        return None;
    }
    let frac = m.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
    if frac > exp {
        return None; // not a whole number
    }
    let digits: String = m.chars().filter(|c| *c != '.').collect();
    let zeros = (exp - frac) as usize;
    if zeros > 30 {
        return None;
    }
    let sign = if mantissa.starts_with('-') { "-" } else { "" };
    Some(format!(
        "{sign}{}{}",
        digits.trim_start_matches('0'),
        "0".repeat(zeros)
    ))
}

/// Checks one app's documents.
pub(crate) fn check(app: &LoadedApp<'_>, out: &mut Vec<Finding>) {
    for obj in &app.objects {
        walk(app, obj, &obj.root, "", out);
    }
}

/// Keys whose empty value is a template that printed nothing.
fn must_not_be_empty(path: &str) -> bool {
    matches!(
        path.rsplit('.').next().unwrap_or(""),
        "namespace"
            | "name"
            | "image"
            | "claimName"
            | "secretName"
            | "serviceName"
            | "storageClassName"
            | "serviceAccountName"
            | "host"
            | "hostname"
    ) || path.starts_with("metadata.labels.")
        || path.starts_with("metadata.annotations.")
}

fn walk(app: &LoadedApp<'_>, obj: &Object<'_>, node: &Node, path: &str, out: &mut Vec<Finding>) {
    let scope = app.scope();
    match &node.kind {
        Kind::Scalar { text, plain } => {
            if let Some(int) = exponent_integer(text) {
                out.push(scope.finding(
                    rule::EXPONENT,
                    Some(obj.resource()),
                    Some(obj.location(node.line)),
                    format!(
                        "{path}: {text} is the integer {int} printed in exponent form (a float64 from values); use {{{{ int .Values.x }}}} or quote the value in the values file"
                    ),
                ));
            } else if text.contains("%!")
                && (text.contains("(MISSING)")
                    || text.contains("(string=")
                    || text.contains("(int")
                    || text.contains("(float64=")
                    || text.contains("(<nil>)"))
            {
                out.push(scope.finding(
                    rule::EMPTY_VALUE,
                    Some(obj.resource()),
                    Some(obj.location(node.line)),
                    format!(
                        "{path}: {text:?} holds a Go fmt error (wrong printf verb or argument)"
                    ),
                ));
            } else if text.contains("<no value>") {
                out.push(scope.finding(
                    rule::EMPTY_VALUE,
                    Some(obj.resource()),
                    Some(obj.location(node.line)),
                    format!("{path}: {text:?} holds <no value>: a template read a field that does not exist"),
                ));
            } else if text.is_empty()
                && (*plain || must_not_be_empty(path))
                && must_not_be_empty(path)
            {
                out.push(scope.finding(
                    rule::EMPTY_VALUE,
                    Some(obj.resource()),
                    Some(obj.location(node.line)),
                    format!(
                        "{path} is empty: a template printed nothing here (a misspelled field such as .Release.namespace, or a value missing from the values files?)"
                    ),
                ));
            }
        }
        Kind::Seq(items) => {
            for i in items {
                walk(app, obj, i, path, out);
            }
        }
        Kind::Map(entries) => {
            for (k, v) in entries {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(app, obj, v, &p, out);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn exponent_forms() {
        assert_eq!(
            exponent_integer("1.1155111e+07").as_deref(),
            Some("11155111")
        );
        assert_eq!(exponent_integer("1e+06").as_deref(), Some("1000000"));
        assert_eq!(exponent_integer("1.5e-3"), None);
        assert_eq!(exponent_integer("1.23456e+02"), None);
        assert_eq!(exponent_integer("1e3x"), None);
        assert_eq!(exponent_integer("sha256e3"), None);
        assert_eq!(exponent_integer("12"), None);
    }
}
