//! `toJson`'s string quoting (encoding/json with HTML escaping) against a
//! plain character-by-character reading of Go's rules kept here: the
//! encoder finds plain runs a word at a time and writes escapes from a
//! table, and must give the same bytes for every string, short (most map
//! keys and values) or long, in lists and as map keys.

use capstan_gotmpl::Value;
use capstan_gotmpl::test_inputs::{Xorshift, sampled_chars};
use capstan_helm::json::to_json;
use proptest::prelude::*;

/// encoding/json's `appendString` with `escapeHTML`, one character at a
/// time.
fn reference(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 ._=:/-]{0,12}",
        2 => prop::sample::select(vec!["\"", "\\", "\n", "<", ">", "&", "\t", "\r"]).prop_map(String::from),
        1 => prop::sample::select(vec![
            "\u{0}", "\u{1}", "\u{8}", "\u{c}", "\u{1f}", "\u{7f}", "é", "€", "\u{2027}",
            "\u{2028}", "\u{2029}", "\u{202a}", "\u{20ac}", "\u{e2}", "😀", "\u{feff}",
        ]).prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..20).prop_map(|p| p.concat())
}

fn json(v: &Value) -> String {
    to_json(v).unwrap_or_else(|e| panic!("{e:?}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    #[test]
    fn strings_match_the_reference(s in text(), times in 1usize..4) {
        let s = s.repeat(times);
        prop_assert_eq!(json(&Value::str(s.as_str())), reference(&s));
    }

    #[test]
    fn lists_of_strings_match_the_reference(items in prop::collection::vec(text(), 0..6)) {
        let list = Value::List(items.iter().map(|s| Value::str(s.as_str())).collect::<Vec<_>>().into());
        let want = format!("[{}]", items.iter().map(|s| reference(s)).collect::<Vec<_>>().join(","));
        prop_assert_eq!(json(&list), want);
    }
}

/// Every character below U+3000 and samples above, at each offset of the
/// words of strings of 1 to 24 bytes.
#[test]
fn every_character_at_every_offset() {
    for c in sampled_chars() {
        for len in 0..12 {
            for at in [0, len / 2, len] {
                let s = format!("{}{c}{}", "x".repeat(at), "y".repeat(len - at));
                assert_eq!(json(&Value::str(s.as_str())), reference(&s), "{s:?}");
            }
        }
    }
}

/// Seeded strings where most words hold several escapes and multi-byte
/// characters, U+2028 among them.
#[test]
fn dense_escapes_match_the_reference() {
    let alphabet = [
        "\"", "\\", "a", "<", "&", "\n", "\u{1}", "é", "\u{2028}", "€", "😀", " ",
    ];
    let mut rng = Xorshift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..2_000 {
        let seed = rng.next();
        let len = (seed % 40) as usize;
        let s: String = (0..len)
            .map(|k| alphabet[((seed >> (k % 60)) as usize + k * 5) % alphabet.len()])
            .collect();
        assert_eq!(json(&Value::str(s.as_str())), reference(&s), "{s:?}");
    }
}

/// A special character at every position of the words the encoder reads,
/// with another after it.
#[test]
fn runs_break_at_every_position_of_a_word() {
    let specials = [
        "\"", "\\", "<", ">", "&", "=", "\0", "\u{1f}", "\u{7f}", "\u{8}", "\u{c}", "é",
        "\u{2028}", "\u{2029}", "\u{2027}", "\u{202a}", "\u{20ac}", "\u{e2}", "😀", "'",
    ];
    for len in 0..=19 {
        for at in 0..=len {
            for a in specials {
                for b in ["", "<", "\u{2029}", "é"] {
                    let s = format!("{}{a}{}{b}", "x".repeat(at), "y".repeat(len - at));
                    assert_eq!(json(&Value::str(s.as_str())), reference(&s), "{s:?}");
                }
            }
        }
    }
}
