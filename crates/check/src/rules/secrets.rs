//! Plaintext secrets in values files and rendered manifests: the value
//! files the Helm sources read (as capstan-source resolved them), the
//! inline `values`/`valuesObject` of the Application (located in the
//! Application's own file), and every rendered document. Secrets with
//! literal data, private keys, keys and tokens found by pattern (cloud
//! keys, JWTs, URLs with credentials, connection strings) or by entropy
//! under a secret-like name, and literal values under names such as KEY,
//! SECRET, PASSWORD, PRIVATE, TOKEN. Values are always masked.

use std::sync::LazyLock;

use base64::Engine as _;
use regex::Regex;

use crate::finding::{Finding, Location, rule};
use crate::object::{LoadedApp, Object};
use crate::yaml::{Kind, Node};

static PRIVATE_KEY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----").ok());

/// Token formats recognisable on their own, anywhere.
static TOKENS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        (
            "GitHub token",
            r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})",
        ),
        ("Slack token", r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
        ("Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
        ("Stripe live key", r"\b[sr]k_live_[0-9a-zA-Z]{20,}"),
        (
            "JWT",
            r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
        ),
        (
            "URL with credentials",
            r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:([^/\s@]+)@",
        ),
        (
            "connection string secret",
            r"(?i)\b(?:AccountKey|SharedAccessKey|Password|Pwd)=([^;\s]{4,})",
        ),
    ]
    .into_iter()
    .filter_map(|(n, r)| Some((n, Regex::new(r).ok()?)))
    .collect()
});

/// Names that hold a secret when their value is literal.
fn secret_name(name: &str) -> bool {
    let u = name.to_ascii_uppercase();
    let suspicious = [
        "KEY",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "PRIVATE",
        "TOKEN",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| u.contains(w))
        || u == "PK"
        || u.ends_with("_PK");
    // Names that point at a secret rather than hold one, or are public.
    let benign = [
        "PUBLIC", "HASH", "NAME", "REF", "PATH", "FILE", "VAULT", "SELECTOR", "ENABLED", "FORMAT",
        "KEYS", "ID", "CHECKSUM", "LENGTH", "SIZE", "STORE", "SOURCE", "TYPE", "MODE",
    ]
    .iter()
    .any(|w| u.ends_with(w) || u.starts_with(w) && *w != "ID")
        || u.contains("PUBLIC")
        || u.contains("KEYVAULT")
        || u.contains("SECRETREF")
        || u.contains("KEYREF");
    suspicious && !benign && !matches!(name, "key" | "secretName" | "secretKey")
}

/// A value that names or points at a secret instead of being one.
fn is_reference(v: &str) -> bool {
    let v = v.trim();
    v.is_empty()
        || v.contains("$(")
        || v.contains("${")
        || v.contains("{{")
        || v.starts_with("vault:")
        || v.starts_with("ref+")
        || ((v.starts_with("https://") || v.starts_with("http://")) && !v.contains('@'))
        || v.contains("-----BEGIN PUBLIC KEY-----")
        || v.contains("-----BEGIN CERTIFICATE-----")
        || matches!(v.to_ascii_lowercase().as_str(), "true" | "false" | "null")
        || looks_like_identifier(v)
}

/// `mainnet-seq-db-connstring`, `NODE-PRIVATEKEY`: dashed words (a Key Vault
/// or Secret name), low in entropy.
fn looks_like_identifier(v: &str) -> bool {
    let segments: Vec<&str> = v.split(['-', '_', '.', '/']).collect();
    segments.len() >= 2
        && segments
            .iter()
            .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()))
        && segments
            .iter()
            .filter(|s| s.chars().any(|c| c.is_ascii_alphabetic()))
            .count()
            * 2
            >= segments.len()
        && entropy(v) < 4.0
}

/// Shannon entropy in bits per character.
pub(crate) fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let n = s.chars().count() as f64;
    if n == 0.0 {
        return 0.0;
    }
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether a literal looks like key material: 64 hex digits (an Ethereum
/// or AES key), or a long high-entropy token.
fn looks_like_key(v: &str) -> bool {
    let hex = v.strip_prefix("0x").unwrap_or(v);
    if hex.len() >= 32 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        // All zeros is a placeholder, not a key.
        return hex.chars().any(|c| c != '0');
    }
    v.len() >= 20
        && !v.contains(' ')
        && entropy(v) >= 4.0
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
}

/// Masks a value: at most its first 3 characters, and its length.
pub(crate) fn mask(v: &str) -> String {
    let n = v.chars().count();
    if n >= 16 {
        let head: String = v.chars().take(3).collect();
        format!("{head}****** ({n} chars)")
    } else {
        format!("****** ({n} chars)")
    }
}

/// What a scan of one string found: (rule, message).
fn classify(name: &str, value: &str) -> Option<(&'static str, String)> {
    if PRIVATE_KEY.as_ref().is_some_and(|r| r.is_match(value)) {
        return Some((
            rule::PRIVATE_KEY,
            format!("{name}: a PEM private key ({})", mask(value)),
        ));
    }
    for (what, re) in TOKENS.iter() {
        if let Some(c) = re.captures(value) {
            // For credentials inside a URL or string, only real values count.
            if let Some(secret) = c.get(1)
                && is_reference(secret.as_str())
            {
                continue;
            }
            return Some((
                rule::SECRET_TOKEN,
                format!("{name}: looks like a {what} ({})", mask(value)),
            ));
        }
    }
    if !secret_name(name) || is_reference(value) {
        return None;
    }
    if looks_like_key(value) {
        return Some((
            rule::SECRET_TOKEN,
            format!(
                "{name}: holds key material (hex or high-entropy, {})",
                mask(value)
            ),
        ));
    }
    Some((
        rule::SECRET_NAME,
        format!(
            "{name}: a literal value under a secret-like name ({}); keep the secret out of Git (ExternalSecret, Key Vault name)",
            mask(value)
        ),
    ))
}

/// Scans every values file, the inline values and every rendered document
/// of an app.
pub(crate) fn check(app: &LoadedApp<'_>, out: &mut Vec<Finding>) {
    let scope = app.scope();
    inline_values(app, out);
    for (vf, root) in &app.values {
        walk(root, "", &mut |name, value, line| {
            if let Some((r, msg)) = classify(name, value) {
                out.push(scope.finding(
                    r,
                    None,
                    Some(Location {
                        file: vf.path.clone(),
                        line: Some(line),
                        rendered: false,
                    }),
                    msg,
                ));
            }
        });
    }
    for obj in &app.objects {
        if obj.kind == "Secret" && obj.key.group.is_empty() {
            secret_object(app, obj, out);
            continue;
        }
        // A child Application's inline values are reported with the child
        // (inline_values), once, where they are written.
        let stripped;
        let root = if obj.kind == "Application" && obj.key.group == "argoproj.io" {
            let mut r = obj.root.clone();
            strip_inline_values(&mut r);
            stripped = r;
            &stripped
        } else {
            &obj.root
        };
        walk(root, "", &mut |name, value, line| {
            if let Some((r, msg)) = classify(name, value) {
                out.push(scope.finding(r, Some(obj.resource()), Some(obj.location(line)), msg));
            }
        });
    }
}

/// The Helm sources of an Application: (field path, `helm` node).
fn helm_sources(root: &Node) -> Vec<(String, &Node)> {
    let mut out = Vec::new();
    if let Some(h) = root.at(&["spec", "source", "helm"]) {
        out.push(("spec.source.helm".to_string(), h));
    }
    if let Some(list) = root.at(&["spec", "sources"]) {
        for (i, s) in list.items().iter().enumerate() {
            if let Some(h) = s.get("helm") {
                out.push((format!("spec.sources[{i}].helm"), h));
            }
        }
    }
    out
}

/// Removes `helm.values`/`helm.valuesObject` from an Application's sources.
fn strip_inline_values(root: &mut Node) {
    fn strip(source: &mut Node) {
        if let Kind::Map(entries) = &mut source.kind {
            for (k, h) in entries.iter_mut() {
                if let (true, Kind::Map(helm)) = (k == "helm", &mut h.kind) {
                    helm.retain(|(k, _)| k != "values" && k != "valuesObject");
                }
            }
        }
    }
    let Kind::Map(top) = &mut root.kind else {
        return;
    };
    for (k, spec) in top.iter_mut() {
        let (true, Kind::Map(spec)) = (k == "spec", &mut spec.kind) else {
            continue;
        };
        for (k, v) in spec.iter_mut() {
            match (k.as_str(), &mut v.kind) {
                ("source", _) => strip(v),
                ("sources", Kind::Seq(items)) => items.iter_mut().for_each(strip),
                _ => {}
            }
        }
    }
}

/// The Application manifest of the app among the documents of `text`.
fn application_of<'a>(docs: &'a [Option<Node>], name: &str) -> Option<&'a Node> {
    let apps: Vec<&Node> = docs
        .iter()
        .flatten()
        .filter(|n| n.str_at(&["kind"]) == Some("Application"))
        .collect();
    apps.iter()
        .find(|n| n.str_at(&["metadata", "name"]) == Some(name))
        .or(if apps.len() == 1 { apps.first() } else { None })
        .copied()
}

/// The line of `text` where the content of a literal block scalar (`|`)
/// whose node is placed on `line` begins; `None` for other styles, whose
/// lines do not map one to one. The parser places a block scalar on its
/// indicator's line or on its first content line: both are accepted.
fn literal_block_start(text: &str, line: u64) -> Option<u64> {
    let indicator_on = |n: u64| {
        let Some(l) = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| text.lines().nth(i))
        else {
            return false;
        };
        let after = l.split_once(':').map_or(l, |(_, v)| v);
        let indicator = after.split(" #").next().unwrap_or("").trim();
        indicator.starts_with('|')
            && indicator[1..]
                .chars()
                .all(|c| matches!(c, '-' | '+') || c.is_ascii_digit())
    };
    if indicator_on(line) {
        Some(line + 1)
    } else if line > 1 && indicator_on(line - 1) {
        Some(line)
    } else {
        None
    }
}

/// Inline Helm values of the app's Application, located in its manifest.
fn inline_values(app: &LoadedApp<'_>, out: &mut Vec<Finding>) {
    let Some(doc) = &app.app.application else {
        return;
    };
    let Ok(docs) = crate::yaml::load_all(&doc.text) else {
        return;
    };
    let Some(root) = application_of(&docs, &app.app.name) else {
        return;
    };
    let scope = app.scope();
    let at = |line: u64| match &doc.file {
        Some(f) => Location {
            file: f.clone(),
            line: Some(doc.line.unwrap_or(1) + line - 1),
            rendered: false,
        },
        None => Location {
            file: doc.template.clone(),
            line: Some(line),
            rendered: true,
        },
    };
    for (path, helm) in helm_sources(root) {
        let mut report = |field: &str, name: &str, value: &str, line: u64| {
            if let Some((r, msg)) = classify(name, value) {
                out.push(scope.finding(
                    r,
                    None,
                    Some(at(line)),
                    format!("inline {path}.{field}: {msg}"),
                ));
            }
        };
        if let Some(obj) = helm.get("valuesObject") {
            walk(obj, "", &mut |n, v, l| report("valuesObject", n, v, l));
        }
        let Some(values) = helm.get("values") else {
            continue;
        };
        match &values.kind {
            Kind::Scalar { text, .. } => {
                let Ok(Some(parsed)) = crate::yaml::load(text) else {
                    continue;
                };
                let start = literal_block_start(&doc.text, values.line);
                walk(&parsed, "", &mut |n, v, l| {
                    report("values", n, v, start.map_or(values.line, |s| s + l - 1))
                });
            }
            _ => walk(values, "", &mut |n, v, l| report("values", n, v, l)),
        }
    }
}

fn secret_object(app: &LoadedApp<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let scope = app.scope();
    for field in ["data", "stringData"] {
        let Some(data) = obj.root.get(field) else {
            continue;
        };
        for (k, v) in data.entries() {
            let Some(raw) = v.str() else { continue };
            let value = if field == "data" {
                base64::engine::general_purpose::STANDARD
                    .decode(raw.trim())
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_else(|| raw.to_string())
            } else {
                raw.to_string()
            };
            if value.trim().is_empty() || is_placeholder(&value) {
                continue;
            }
            let (r, what) = match classify(k, &value) {
                Some((r, _)) if r == rule::PRIVATE_KEY => (r, "a private key"),
                _ => (rule::SECRET_DATA, "a literal value"),
            };
            out.push(scope.finding(
                r,
                Some(obj.resource()),
                Some(obj.location(v.line)),
                format!(
                    "Secret {} {field}.{k} holds {what} ({}): committed to Git in clear; use an ExternalSecret or a sealed secret",
                    obj.name,
                    mask(&value)
                ),
            ));
        }
    }
}

/// Values that stand for a secret to be filled in later.
fn is_placeholder(v: &str) -> bool {
    let t = v.trim();
    (t.starts_with('<') && t.ends_with('>'))
        || t.contains("${")
        || matches!(
            t.to_ascii_lowercase().as_str(),
            "changeme" | "change-me" | "replace-me" | "replaceme" | "todo" | "xxx" | "placeholder"
        )
}

/// Calls `f(name, value, line)` for every string scalar, `name` being its
/// key, or for `{name: X, value: V}` items (env vars, parameters) `X`.
fn walk(node: &Node, name: &str, f: &mut dyn FnMut(&str, &str, u64)) {
    match &node.kind {
        Kind::Scalar { text, plain } => {
            if !(*plain && crate::yaml::is_null(text)) {
                f(name, text, node.line);
            }
        }
        Kind::Seq(items) => {
            for i in items {
                walk(i, name, f);
            }
        }
        Kind::Map(entries) => {
            let item_name = node.str_at(&["name"]);
            for (k, v) in entries {
                // References to secrets, not secrets.
                if matches!(
                    k.as_str(),
                    "secretKeyRef" | "secretRef" | "remoteRef" | "secretStoreRef" | "valueFrom"
                ) {
                    continue;
                }
                let n = match (k.as_str(), item_name) {
                    ("value", Some(n)) => n,
                    ("name", Some(_)) => "name",
                    _ => k.as_str(),
                };
                walk(v, n, f);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let hit = |n: &str, v: &str| classify(n, v).map(|(r, _)| r);
        assert_eq!(hit("password", "hunter2"), Some(rule::SECRET_NAME));
        assert_eq!(
            hit("NODE_PRIVATEKEY", &"ab".repeat(32)),
            Some(rule::SECRET_TOKEN)
        );
        assert_eq!(
            hit("NODE_PRIVATEKEY", "MAINNET-SEQUENCER-NODE-PRIVATEKEY"),
            None
        );
        assert_eq!(hit("startHash", &format!("0x{}", "ab".repeat(32))), None);
        assert_eq!(
            hit("url", "postgresql://u:p4ss@h:5432/db"),
            Some(rule::SECRET_TOKEN)
        );
        assert_eq!(hit("url", "postgresql://u:$(DB_PASSWORD)@h:5432/db"), None);
        assert_eq!(
            hit("x", "-----BEGIN RSA PRIVATE KEY-----\nMII"),
            Some(rule::PRIVATE_KEY)
        );
        assert_eq!(hit("cert", "-----BEGIN CERTIFICATE-----\nMII"), None);
        assert_eq!(hit("checksum/env", &"ab".repeat(32)), None);
        assert_eq!(hit("secretName", "db-credentials"), None);
        assert_eq!(hit("API_KEY", "$(API_KEY)"), None);
        assert!(mask("0xabcdef0123456789abcdef").starts_with("0xa******"));
        assert!(!mask("hunter2").contains("hun"));
    }

    #[test]
    fn literal_blocks_map_lines() {
        let t = "a:\n  values: |-\n    x: 1\n  other: >\n    y\n  q: \"z\"\n";
        assert_eq!(literal_block_start(t, 2), Some(3));
        assert_eq!(literal_block_start(t, 3), Some(3));
        assert_eq!(literal_block_start(t, 5), None);
        assert_eq!(literal_block_start(t, 6), None);
        assert_eq!(literal_block_start(t, 99), None);
        assert_eq!(literal_block_start(t, 0), None);
    }
}
