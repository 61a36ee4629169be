//! The fast reader's double-quoted scalar scanner (`yaml/fast/quoted.rs`,
//! which finds the closing quote eight bytes at a time) against the full
//! YAML reader, on generated double-quoted scalars: every escape, runs of
//! backslashes that pair up across word boundaries, escaped and plain
//! quotes at every offset, invalid escapes, tabs, line folding, multi-line
//! and unterminated scalars, in block and flow context and in the head
//! fields that sorting manifests reads.

use capstan_helm::yaml::{Limits, fast_agrees, head_agrees};
use proptest::prelude::*;

/// Pieces of a scalar's text between its quotes.
const PIECES: &[&str] = &[
    "a",
    "bcdefgh",
    "{",
    ":",
    " ",
    "é",
    "世",
    "😀",
    "\\\"",
    "\\\\",
    "\\\\\\\\",
    "\\\\\\\"",
    "\\0",
    "\\a",
    "\\b",
    "\\t",
    "\\n",
    "\\v",
    "\\f",
    "\\r",
    "\\e",
    "\\ ",
    "\\N",
    "\\_",
    "\\L",
    "\\P",
    "\\/",
    "\\'",
    "\\x41",
    "\\xe9",
    "\\u00e9",
    "\\u2028",
    "\\U0001F600",
    // Invalid or unusual: unknown letters, short and bad hex codes,
    // surrogates, a backslash before a tab or at the end of a line.
    "\\q",
    "\\x4",
    "\\xg1",
    "\\ud800",
    "\\U00110000",
    "\\\t",
    "\t",
    "\\\n  ",
    "\n  ",
    "\n\n  ",
    "'",
    "#",
    "\"",
];

/// A scalar's text: pieces with plain padding so that escapes fall at
/// every offset of an eight-byte word.
fn body() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (0usize..PIECES.len(), 0usize..10).prop_map(|(piece, pad)| {
            // Mostly the JSON-like escapes, so long scalars stay valid.
            format!("{}{}", "x".repeat(pad), PIECES[piece])
        }),
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

/// Documents with the scalar in different places.
fn document(body: &str, shape: u8, closed: bool) -> String {
    let q = if closed {
        format!("\"{body}\"")
    } else {
        format!("\"{body}")
    };
    match shape {
        0 => format!("data:\n  config.json: {q}\n  other: x\n"),
        1 => format!("kind: ConfigMap\nmetadata:\n  name: {q}\ndata:\n  a: b\n"),
        2 => format!("kind: {q}\napiVersion: v1\n"),
        3 => format!("list: [{q}, \"b\"]\nmap: {{k: {q}}}\n"),
        4 => format!("- {q}\n- {q} # comment\n"),
        5 => format!("{q}: value\n"),
        _ => format!("key: {q} trailing\n"),
    }
}

fn agrees(text: &str) -> Result<bool, TestCaseError> {
    let accepted = fast_agrees(text, &Limits::default())
        .map_err(|diff| TestCaseError::fail(format!("on {text:?}:\n{diff}")))?;
    head_agrees(text, &Limits::default())
        .map_err(|diff| TestCaseError::fail(format!("head on {text:?}:\n{diff}")))?;
    Ok(accepted)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn double_quoted_scalars_agree(body in body(), shape in 0u8..7, closed in prop::bool::weighted(0.9)) {
        agrees(&document(&body, shape, closed))?;
    }
}

/// Long scalars as a quoted `toJson` document is: `\"` every few bytes,
/// `\\n` runs, with one change (an invalid escape, a tab, a quote, a cut)
/// at every position of the last words.
#[test]
fn long_json_like_scalars_agree_with_one_change_anywhere() {
    let json = r#"{\"svc\":{\"config\":{\"k.properties\":\"a=1\\nb=2\\nc\"},\"on\":true,\"x\":\"\\u003c\"}}"#;
    let base = json.repeat(3);
    let changes = ["", "\\q", "\t", "\"", "\\", "\\x4", "\\u00e9", "\n  ", "é"];
    let mut accepted = 0;
    let mut n = 0;
    for at in 0..base.len() {
        if !base.is_char_boundary(at) {
            continue;
        }
        for change in changes {
            let body = format!("{}{change}{}", &base[..at], &base[at..]);
            for shape in [0, 1, 3] {
                let doc = document(&body, shape, true);
                accepted += usize::from(
                    agrees(&doc)
                        .map_err(|e| e.to_string())
                        .unwrap_or_else(|e| panic!("{e}")),
                );
                n += 1;
            }
        }
        let cut = document(&base[..at], 0, false);
        agrees(&cut).unwrap_or_else(|e| panic!("{e}"));
    }
    // The fast reader must take most of them, or this tests nothing.
    assert!(accepted * 3 > n, "{accepted} of {n}");
}
