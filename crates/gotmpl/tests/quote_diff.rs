//! Go's `strconv.Quote` and `QuoteToASCII` (what Sprig's `quote` and `%q`
//! use) against a plain character-by-character reading of Go's rules kept
//! here: the library copies runs eight bytes at a time through a stack
//! buffer, and must write the same bytes for every text, including long
//! texts dense with quotes and backslashes (a quoted JSON document) that
//! cross the buffer's flushes.

use capstan_gotmpl::format::{append_quote, is_print, quote, quote_to_ascii};
use capstan_gotmpl::test_inputs::{Xorshift, sampled_chars};
use proptest::prelude::*;

/// `strconv.Quote` one character at a time (Go's `appendEscapedRune`).
fn reference(s: &str, ascii_only: bool) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_print(c) && (c.is_ascii() || !ascii_only) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9 .:={}\\[\\],-]{0,12}",
        3 => prop::sample::select(vec!["\"", "\\", "\\\"", "\\\\n", "{\"k\":\"v\"}"]).prop_map(String::from),
        1 => prop::sample::select(vec![
            "\n", "\t", "\r", "\u{0}", "\u{7}", "\u{b}", "\u{1b}", "\u{7f}", "\u{80}", "\u{a0}",
            "\u{ad}", "é", "世", "\u{2028}", "\u{feff}", "😀", "\u{e000}", "\u{e0001}",
            "\u{10ffff}", "\u{870}", "\u{2ffc}", "'", "`",
        ]).prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    #[test]
    fn quote_matches_the_reference(s in text()) {
        prop_assert_eq!(quote(&s), reference(&s, false));
        prop_assert_eq!(quote_to_ascii(&s), reference(&s, true));
    }

    /// Long texts: many stack-buffer flushes, the result appended after
    /// what the buffer already held.
    #[test]
    fn long_texts_match_the_reference(s in text(), times in 1usize..80) {
        let long = s.repeat(times);
        let mut out = b"prefix ".to_vec();
        append_quote(&mut out, &long);
        prop_assert_eq!(String::from_utf8(out).unwrap_or_default(), format!("prefix {}", reference(&long, false)));
        prop_assert_eq!(quote_to_ascii(&long), reference(&long, true));
    }
}

/// Every character below U+3000 and samples above, alone and between
/// plain runs that put it at each offset of a word.
#[test]
fn every_character_at_every_offset() {
    for c in sampled_chars() {
        for pad in 0..9 {
            let s = format!("{}{c}\"{}", "x".repeat(pad), "y".repeat(9 - pad));
            assert_eq!(quote(&s), reference(&s, false), "{s:?}");
            assert_eq!(quote_to_ascii(&s), reference(&s, true), "{s:?}");
        }
    }
}

/// A special character at every position of the words the quoting reads,
/// with another after it; and a long text dense with escapes.
#[test]
fn runs_break_at_every_position_of_a_word() {
    let specials = [
        "\"",
        "\\",
        "\u{7f}",
        "\0",
        "\n",
        "\u{1f}",
        "é",
        "\u{a0}",
        "\u{ad}",
        "世",
        "\u{2028}",
        "\u{feff}",
        "😀",
        "\u{e000}",
        "\u{e0001}",
        "\u{10ffff}",
        "'",
    ];
    for len in 0..=19 {
        for at in 0..=len {
            for a in specials {
                for b in ["", "\"", "é", "\u{7f}", "😀"] {
                    let s = format!("{}{a}{}{b}", "x".repeat(at), "y".repeat(len - at));
                    assert_eq!(quote(&s), reference(&s, false), "{s:?}");
                    assert_eq!(quote_to_ascii(&s), reference(&s, true), "{s:?}");
                }
            }
        }
    }
    // A long text with quotes and backslashes throughout, as a quoted
    // JSON document is, takes the reserved-capacity path.
    let doc = "{\"k\":\"a\\nb\",\"é\":[1,\"\u{7f}\"]}".repeat(20);
    assert_eq!(quote(&doc), reference(&doc, false));
    let mut out = b"x ".to_vec();
    append_quote(&mut out, &doc);
    assert_eq!(out, format!("x {}", reference(&doc, false)).into_bytes());
}

#[test]
fn dense_escapes_match_the_reference() {
    // Seeded strings where most words hold several quotes, backslashes,
    // controls and multi-byte characters.
    let alphabet = [
        "\"", "\\", "a", "b", " ", "\n", "\u{7f}", "é", "😀", "\u{2028}", "'",
    ];
    let mut rng = Xorshift(0x2545_f491_4f6c_dd1d);
    for _ in 0..2_000 {
        let seed = rng.next();
        let len = (seed % 40) as usize;
        let s: String = (0..len)
            .map(|k| alphabet[((seed >> (k % 60)) as usize + k * 7) % alphabet.len()])
            .collect();
        assert_eq!(quote(&s), reference(&s, false), "{s:?}");
        assert_eq!(quote_to_ascii(&s), reference(&s, true), "{s:?}");
    }
}
