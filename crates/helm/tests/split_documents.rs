//! `split_documents` (memchr's searcher and a hand-taken whitespace run)
//! against the regular expression Helm splits rendered files with, Go's
//! `(?:^|\s*\n)---\s*` matched leftmost-first (the regex crate matches it
//! as Go does): the same pieces, each left-trimmed, empty ones dropped.

mod support;

use std::path::Path;
use std::sync::LazyLock;

use capstan_helm::render::manifest::split_documents;
use proptest::prelude::*;
use regex::Regex;
use support::walk;

static SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\t\n\x0C\r ]*\n)---[\t\n\x0C\r ]*").expect("regex"));

fn by_regex(file: &str) -> Vec<&str> {
    SEPARATOR
        .split(file.trim_start())
        .filter(|d| !d.is_empty())
        .map(str::trim_start)
        .collect()
}

#[test]
fn edges() {
    for text in [
        "",
        "---",
        "---\n---",
        "--- \n---\n",
        "a\n---",
        "a\n---b\n---\n\n---c",
        "a \t\r\n\x0C\n---\n \nb",
        "a\n\n--- x\n----\n---",
        "\n\n---\n\n",
        "a\r\n---\r\nb\r\n",
        "a\n ---\nb",
        "a\u{85}\n---\u{a0}b",
        "x:\n  - ---\n---\n# c\n",
    ] {
        assert_eq!(split_documents(text), by_regex(text), "{text:?}");
    }
}

#[test]
fn every_rendered_file_of_the_suites() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("tests"), &mut files);
    walk(&root.join("../../deploy"), &mut files);
    let mut seen = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        seen += 1;
        assert_eq!(
            split_documents(&text),
            by_regex(&text),
            "{}",
            path.display()
        );
    }
    assert!(seen > 1000, "only {seen} files read");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn generated_text(parts in prop::collection::vec(
        prop_oneof![
            Just("-"), Just("---"), Just("\n"), Just(" "), Just("\t"), Just("\r"),
            Just("\x0C"), Just("a"), Just("#"), Just("\u{85}"), Just("\u{a0}"), Just("\n---\n"),
        ],
        0..40,
    )) {
        let text: String = parts.concat();
        prop_assert_eq!(split_documents(&text), by_regex(&text), "{:?}", text);
    }
}
