//! The emitter's own tests: the fast analyses and writers against the
//! general ones, and the output cap.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use super::*;

fn deep_list(depth: usize, leaves: usize) -> Node {
    let mut node = Node::Seq(vec![Node::Scalar("x".into(), Style::Plain); leaves]);
    for _ in 0..depth {
        node = Node::Map(vec![("k".into(), Style::Plain, node)]);
    }
    node
}

fn emitter(flavor: Flavor, column: usize) -> Emitter {
    Emitter {
        out: " ".repeat(column),
        cap: usize::MAX,
        over: false,
        column,
        indent: 2,
        whitespace: false,
        indention: false,
        flavor,
        best_width: 80,
    }
}

/// Short texts over the characters that decide the analysis and the
/// layout, every combination up to four characters.
fn texts() -> Vec<String> {
    let alphabet = [
        "a", "-", "?", ":", "#", ",", "[", "}", "&", "'", "\"", "\\", ".", " ", "\t", "\n", "é",
    ];
    capstan_gotmpl::test_inputs::every_string(&alphabet, 4)
}

#[test]
fn the_word_analysis_agrees_with_the_full_one() {
    let mut checked = 0;
    for text in texts() {
        let Some(fast) = analyze_word(&text) else {
            continue;
        };
        for flavor in [Flavor::V2, Flavor::V3] {
            let full = analyze_chars(&text, text.chars(), text.chars().count(), flavor, false);
            assert_eq!(fast, full, "{text:?}");
        }
        checked += 1;
    }
    assert!(checked > 10_000, "{checked}");
    for text in [
        "---", "...x", "a:", "a:b", "-", "-a", "#a", "a#", "?", "?a", "x?", "a,b", "%",
    ] {
        let full = analyze_chars(text, text.chars(), text.len(), Flavor::V2, false);
        assert_eq!(analyze_word(text), Some(full), "{text}");
    }
}

#[test]
fn the_shortcut_changes_no_analysis() {
    let mut samples = texts();
    samples.extend(["a b", "a #b", "a: b", "x\ty", "line\n next", "k:", "--- x"].map(String::from));
    for text in &samples {
        for flavor in [Flavor::V2, Flavor::V3] {
            let n = text.chars().count();
            let slow = analyze_chars(text, text.chars(), n, flavor, false);
            assert_eq!(
                analyze_chars(text, text.chars(), n, flavor, true),
                slow,
                "{text:?}"
            );
            if text.is_ascii() {
                let bytes = text.bytes().map(char::from);
                assert_eq!(
                    analyze_chars(text, bytes, n, flavor, true),
                    slow,
                    "{text:?}"
                );
            }
        }
    }
}

#[test]
fn whole_scalars_are_written_as_the_folding_writers_write_them() {
    let long = "word ".repeat(20);
    let mut samples = texts();
    samples.extend([long.clone(), format!("{long}x"), long.replace(' ', "  ")]);
    for text in &samples {
        for column in [0, 10, 79, 81] {
            for allow_breaks in [true, false] {
                let (mut a, mut b) = (emitter(Flavor::V2, column), emitter(Flavor::V2, column));
                a.write_double(text, allow_breaks);
                b.write_indicator("\"", true, false, false);
                b.write_double_escaped(text, allow_breaks);
                b.write_indicator("\"", false, false, false);
                assert_eq!(
                    (a.out, a.column),
                    (b.out, b.column),
                    "double {text:?} {column}"
                );
                let (mut a, mut b) = (emitter(Flavor::V2, column), emitter(Flavor::V2, column));
                a.write_single(text, allow_breaks);
                b.write_indicator("'", true, false, false);
                b.write_single_folded(text, allow_breaks);
                b.write_indicator("'", false, false, false);
                assert_eq!(
                    (a.out, a.column),
                    (b.out, b.column),
                    "single {text:?} {column}"
                );
            }
        }
    }
    // A plain scalar folds only at a space past the width.
    let mut e = emitter(Flavor::V2, 70);
    e.write_plain(&long, true);
    assert!(e.out.contains('\n'), "{:?}", e.out);
    let mut e = emitter(Flavor::V2, 70);
    e.write_plain(&long, false);
    assert!(!e.out.contains('\n'));
    assert_eq!(e.column, 71 + long.len());
}

#[test]
fn plain_word_keys_are_written_as_any_key_is() {
    let mut samples = texts();
    samples.extend(["k".repeat(128), "k".repeat(129), "a:b".into(), "-x".into()]);
    let mut fast = 0;
    for text in &samples {
        for style in [Style::Plain, Style::DoubleQuoted] {
            let (mut a, mut b) = (emitter(Flavor::V2, 4), emitter(Flavor::V2, 4));
            a.map_key(text, style);
            b.write_indent();
            b.any_key(text, style);
            assert_eq!((&a.out, a.column), (&b.out, b.column), "{text:?}");
            assert_eq!((a.whitespace, a.indention), (b.whitespace, b.indention));
            fast += usize::from(is_plain_word_key(text, style));
        }
    }
    assert!(fast > 1_000, "{fast}");
}

#[test]
fn indentation_past_the_cap_is_a_limit_error() {
    // 100 levels of indentation on each of 1,000 items: ~200 KB.
    let node = deep_list(100, 1_000);
    let err = emit_within(&node, Flavor::V3, 10_000).unwrap_err();
    assert_eq!(err.kind(), super::super::error::YamlErrorKind::Limit);
    assert_eq!(
        err.message(),
        "yaml: the text exceeds the maximum output size (10000 bytes)"
    );
    let text = emit_within(&node, Flavor::V3, 1 << 20).unwrap();
    assert!(
        text.len() > 10_000 && text.ends_with("- x\n"),
        "{}",
        text.len()
    );
}
