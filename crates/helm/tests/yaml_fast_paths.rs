//! The fast YAML reader's shortcuts against the full reader, on seeded
//! generated manifests built to reach them: subtrees the head reader skips
//! (read by a reader that builds nothing, which must bail exactly where
//! the value reader bails: infinities and NaN, bad escapes, non-string
//! keys), texts with and without tabs (without any, plain scalars are
//! scanned for spaces only and quoted ones skip their tab search), keys
//! that look like YAML 1.1 booleans, nulls and numbers (string keys skip
//! resolution), and long double-quoted scalars whose backslash runs cross
//! the scanner's 64-byte blocks. Every document goes through
//! `head_agrees` (head reader, check-only reader and value reader against
//! the full reader) and `fast_agrees`.

use capstan_gotmpl::test_inputs::Xorshift as Rng;
use capstan_helm::yaml::{Limits, fast_agrees, head_agrees};

/// Keys that resolve to strings, some of which look like other things.
const KEYS: &[&str] = &[
    "name",
    "namespace",
    "nodeSelector",
    "targetPort",
    "offset",
    "yellow",
    "onion",
    "falsey",
    "nullable",
    "yes_no",
    "Off-1",
    "2001-12-14",
    "\"quoted\"",
    "\"q\\u00e9\"",
    "'single'",
    "a b",
    "a:b",
    "key#x",
    "\"1\"",
];

/// Keys the fast reader leaves to the full one: booleans, nulls, numbers
/// and the merge key.
const ODD_KEYS: &[&str] = &[
    "no", "No", "on", "OFF", "y", "n", "true", "False", "null", "~", "1", "0x1f", "1e3", "-.inf",
    ".nan", "<<",
];

/// Plain scalar values.
const PLAIN: &[&str] = &[
    "v",
    "ten-tools-gateway",
    "8080",
    "-1",
    "0o17",
    ".5",
    "-.5",
    "+.nan",
    "true",
    "yes",
    "~",
    "null",
    "http://x.y/z",
    "a#b",
    "a:b",
    "x y z",
    "é ü",
    "2001-12-14t21:59:43.10-05:00",
    "1e999",
    "[a, b]",
    "{a: 1}",
    "[]",
    "'it''s'",
    "'a b'",
    "''",
    "a # comment",
];

/// Values the fast reader bails on (or the value reader refuses).
const ODD_PLAIN: &[&str] = &[
    ".inf", "-.Inf", "+.inf", ".nan", ".NaN", "a: b", "a:", "a\tb", "[.inf]", "{1: x}", "'x\ty'",
    "\"\\q\"", "\"\\/\"", "\"a\tb\"",
];

/// Pieces of double-quoted scalars.
const QUOTED_PIECES: &[&str] = &[
    "a", "bcdefgh", "\\\"", "\\\\", "\\\\n", "\\\\\\\"", "\\n", "\\t", "\\u00e9", "\\x41", "é",
    "{", ":", " ", "#", "'",
];

/// Pieces that make a double-quoted scalar bail.
const ODD_QUOTED_PIECES: &[&str] = &["\\q", "\\x4", "\t", "\\/", "\\ud800"];

fn quoted(rng: &mut Rng) -> String {
    let mut s = String::from("\"");
    // Long enough to cross a 64-byte block or two, often.
    for _ in 0..rng.below(60) {
        let pool = if rng.below(400) == 0 {
            ODD_QUOTED_PIECES
        } else {
            QUOTED_PIECES
        };
        s.push_str(rng.pick(pool));
    }
    s.push('"');
    s
}

fn scalar(rng: &mut Rng) -> String {
    if rng.below(60) == 0 {
        return rng.pick(ODD_PLAIN).to_string();
    }
    if rng.below(3) == 0 {
        quoted(rng)
    } else {
        rng.pick(PLAIN).to_string()
    }
}

fn key(rng: &mut Rng) -> &'static str {
    if rng.below(60) == 0 {
        rng.pick(ODD_KEYS)
    } else {
        rng.pick(KEYS)
    }
}

/// A block mapping at `indent`, `depth` levels deep at most.
fn mapping(rng: &mut Rng, out: &mut String, indent: usize, depth: usize) {
    let pad = " ".repeat(indent);
    for _ in 0..1 + rng.below(4) {
        let k = key(rng);
        match rng.below(if depth == 0 { 3 } else { 5 }) {
            0..=2 => out.push_str(&format!("{pad}{k}: {}\n", scalar(rng))),
            3 => {
                out.push_str(&format!("{pad}{k}:\n"));
                mapping(rng, out, indent + 2, depth - 1);
            }
            _ => {
                out.push_str(&format!("{pad}{k}:\n"));
                for _ in 0..1 + rng.below(3) {
                    out.push_str(&format!("{pad}- {}\n", scalar(rng)));
                }
            }
        }
        if rng.below(12) == 0 {
            let comment = if rng.below(2) == 0 { "#\tx" } else { "# c" };
            out.push_str(&format!("{pad}{comment}\n"));
        }
    }
}

/// A manifest: head fields (kept) and skipped parts around them.
fn document(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.below(3) == 0 {
        out.push_str("# Source: chart/templates/x.yaml\n");
    }
    out.push_str(&format!("apiVersion: {}\n", scalar(rng)));
    out.push_str(&format!(
        "kind: {}\n",
        rng.pick(&["ConfigMap", "Job", "\"Secret\""])
    ));
    out.push_str("metadata:\n");
    out.push_str(&format!("  name: {}\n", scalar(rng)));
    if rng.below(2) == 0 {
        out.push_str("  annotations:\n");
        mapping(rng, &mut out, 4, 0);
    }
    if rng.below(2) == 0 {
        out.push_str("  labels:\n");
        mapping(rng, &mut out, 4, 1);
    }
    out.push_str("spec:\n");
    mapping(rng, &mut out, 2, 3);
    out.push_str("data:\n");
    mapping(rng, &mut out, 2, 1);
    out
}

#[test]
fn generated_manifests_agree() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let tiny = Limits {
        max_bytes: 4096,
        max_depth: 3,
        max_nodes: 24,
    };
    let mut failures = Vec::new();
    // Documents seen and read, without and with tabs.
    let mut seen = [0usize; 2];
    let mut read = [0usize; 2];
    for _ in 0..4000 {
        let doc = document(&mut rng);
        let tabs = usize::from(doc.contains('\t'));
        seen[tabs] += 1;
        for limits in [Limits::default(), tiny] {
            match head_agrees(&doc, &limits) {
                Ok(answered) => {
                    if limits == Limits::default() {
                        read[tabs] += usize::from(answered);
                    }
                }
                Err(diff) => failures.push(format!("head ({limits:?}):\n{doc}\n{diff}")),
            }
            if let Err(diff) = fast_agrees(&doc, &limits) {
                failures.push(format!("values ({limits:?}):\n{doc}\n{diff}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} documents differ; the first:\n{}",
        failures.len(),
        failures[0]
    );
    // The generator is useful only if the fast reader reads many of its
    // documents, with and without tabs.
    for tabs in 0..2 {
        assert!(
            read[tabs] * 3 > seen[tabs],
            "tabs {tabs}: only {} of {} documents read",
            read[tabs],
            seen[tabs]
        );
    }
}
