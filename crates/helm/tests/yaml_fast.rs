//! The fast YAML reader (`yaml/fast.rs`) against the full reader: wherever
//! the fast one answers, both must decode the same value, and its head-only
//! mode (what sorting manifests reads) must bail where it bails and give
//! the head and errors the full values give. Over every YAML file and
//! rendered document in the repository (which the fast reader must mostly
//! accept, or it is useless), over generated documents and their
//! single-byte mutations, and over inputs the fuzzer found
//! (`tests/fuzzed/helm_yaml_fast/`).

mod support;

use std::path::{Path, PathBuf};

use support::walk;

use capstan_helm::yaml::{Limits, fast_agrees, head_agrees};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Documents of a stream split at `---` lines, as Helm splits rendered
/// manifests (the separator line stays with the document after it).
fn documents(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") && !current.is_empty() {
            docs.push(std::mem::take(&mut current));
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        docs.push(current);
    }
    docs
}

/// Runs one text; returns whether the fast reader answered.
fn check(text: &str, what: &str, failures: &mut Vec<String>) -> bool {
    let kind = if what.contains("expected.stdout") {
        "rendered"
    } else if what.contains("/deploy/") || what.contains("/benches/") {
        "real"
    } else {
        "fixture"
    };
    if let Err(diff) = head_agrees(text, &Limits::default()) {
        failures.push(format!("{what} (head):\n{text}\n{diff}"));
    }
    match fast_agrees(text, &Limits::default()) {
        Ok(accepted) => {
            // FAST_YAML_REJECTS=DIR keeps what the fast reader turned down,
            // to see which constructs are worth adding.
            if !accepted && let Some(dir) = std::env::var_os("FAST_YAML_REJECTS") {
                let n = std::fs::read_dir(&dir).map_or(0, Iterator::count);
                let _ = std::fs::write(Path::new(&dir).join(format!("{kind}-{n:05}.yaml")), text);
            }
            accepted
        }
        Err(diff) => {
            failures.push(format!("{what}:\n{text}\n{diff}"));
            false
        }
    }
}

/// Counts per kind of text: (seen, accepted).
#[derive(Default)]
struct Tally {
    seen: usize,
    accepted: usize,
}

impl Tally {
    fn add(&mut self, accepted: bool) {
        self.seen += 1;
        self.accepted += usize::from(accepted);
    }
}

#[test]
#[allow(clippy::print_stderr)] // the acceptance counts are the report
fn repository_yaml_agrees_and_is_accepted() {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in ["deploy", "crates/helm/tests", "benches/inputs"] {
        walk(&root.join(dir), &mut files);
    }
    let mut failures = Vec::new();
    // Chart and values files of real charts; documents of rendered
    // manifests; the test fixtures (edge cases on purpose, no floor).
    let (mut real, mut rendered, mut fixtures) =
        (Tally::default(), Tally::default(), Tally::default());
    for path in &files {
        let name = path.to_string_lossy().into_owned();
        let golden = name.ends_with("expected.stdout") || name.ends_with(".out");
        if !(golden || name.ends_with(".yaml") || name.ends_with(".yml")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let is_template = name.contains("/templates/") || text.contains("{{");
        let is_real =
            (name.contains("/deploy/") || name.contains("/benches/inputs/")) && !is_template;
        let whole = check(&text, &name, &mut failures);
        if is_real {
            real.add(whole);
        } else if !golden {
            fixtures.add(whole);
        }
        let docs = documents(&text);
        if docs.len() > 1 || golden {
            for (i, doc) in docs.iter().enumerate() {
                let ok = check(doc, &format!("{name} document {i}"), &mut failures);
                if name.ends_with("expected.stdout") && doc.starts_with("---") {
                    rendered.add(ok);
                } else if !is_real {
                    fixtures.add(ok);
                }
            }
        }
    }
    eprintln!(
        "fast YAML reader accepted: chart and values files {}/{}, rendered documents {}/{}, test fixtures {}/{}",
        real.accepted,
        real.seen,
        rendered.accepted,
        rendered.seen,
        fixtures.accepted,
        fixtures.seen
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(real.seen > 50 && rendered.seen > 300, "corpus not found");
    assert!(
        real.accepted * 100 >= real.seen * 90,
        "chart and values files: only {}/{}",
        real.accepted,
        real.seen
    );
    assert!(
        rendered.accepted * 100 >= rendered.seen * 90,
        "rendered documents: only {}/{}",
        rendered.accepted,
        rendered.seen
    );
}

/// Inputs the fuzzer found (kept so the disagreement stays fixed).
#[test]
fn fuzzed_inputs_agree() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzzed/helm_yaml_fast");
    let mut files = Vec::new();
    walk(&dir, &mut files);
    let tiny = Limits {
        max_bytes: 512,
        max_depth: 3,
        max_nodes: 12,
    };
    let mut failures = Vec::new();
    for path in files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
    {
        let bytes = std::fs::read(path).expect("readable input");
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        for limits in [Limits::default(), tiny] {
            if let Err(diff) = fast_agrees(text, &limits) {
                failures.push(format!("{}: {diff}", path.display()));
            }
            if let Err(diff) = head_agrees(text, &limits) {
                failures.push(format!("{} (head): {diff}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

mod generated {
    //! Generated YAML-ish documents: random nesting and indentation, every
    //! flavour of scalar the resolver knows, quoted strings with escapes,
    //! block scalars, comments and blank lines; then single-byte mutations.

    use capstan_helm::yaml::{Limits, fast_agrees, head_agrees};
    use proptest::prelude::*;

    const PLAIN: &[&str] = &[
        "foo",
        "a b",
        "http://x.y/z?q=1",
        "a:b",
        "a#b",
        "x-y_z.w/v",
        "-x",
        "+x",
        ".x",
        "?x",
        ":x",
        "<<",
        "=",
        "0",
        "12",
        "-3",
        "+5",
        "0777",
        "0o17",
        "0x1F",
        "0b101",
        "-0b11",
        "1_000",
        "09",
        "1.5",
        "-2.5e3",
        "1e3",
        ".5",
        "1.",
        "6.8523015e+5",
        "685_230.15",
        "190:20:30",
        ".inf",
        "-.Inf",
        "+.INF",
        ".nan",
        ".NaN",
        "+.nan",
        "-.nan",
        "-.5",
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "N",
        "True",
        "FALSE",
        "~",
        "null",
        "Null",
        "NULL",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551616",
        "-9223372036854775809",
        "0x_1",
        "1__0",
        "é ü",
        "日本",
        "a, b",
        "a]b",
        "a}b",
        "x  y",
        "tab",
        "--",
        "---x",
        "...x",
        "a'b",
        "a\"b",
    ];

    const DOUBLE: &[&str] = &[
        r#""plain""#,
        r#""a # b""#,
        r#""a: b""#,
        r#""\n\t\"\\""#,
        r#""\x41\u00e9\U0001F600""#,
        r#""\0\a\b\v\f\r\e\ \N\_\L\P""#,
        r#""\/""#,
        r#""\'""#,
        r#""\q""#,
        r#""\ud800""#,
        r#""\x4""#,
        r#""""#,
        r#""'""#,
        r##""#""##,
        r#""yes""#,
        r#""12""#,
        r#""a\""#,
    ];

    const SINGLE: &[&str] = &[
        "'plain'", "'a # b'", "'a: b'", "'it''s'", "''", "'\\n'", "'\"'", "'''", "'no'",
    ];

    const FLOW: &[&str] = &[
        "[]",
        "{}",
        "[ ]",
        "{ }",
        "[a, b]",
        "[1, \"two\", 'three', yes]",
        "[a,b]",
        "{a: 1, b: x}",
        "{a: 1,b: 2}",
        "{\"k\": v}",
        "[a, [b]]",
        "{a: {b: c}}",
        "[a,]",
        "[a b, c]",
        "{a: }",
        "{a:1}",
        "[-1, -x]",
        "[a: b]",
        "{a: 1, a: 2}",
        "[ 1 , 2 ]",
        "[~, null]",
        "{\"a\": [1, {\"b\": null}], \"c\": {}}",
        "[\n  1,\n  \"x\"\n]",
        "{\n      \"k\": \"v\",\n      \"n\": [true, 1.5]\n    }",
        "[a,\n b\n c]",
        "[\n]",
        "{\"a\":1}",
        "[ [ ], { } ]",
        "{\n\"a\": 1\n}",
        "[1, # c\n 2]",
    ];

    const KEYS: &[&str] = &[
        "a",
        "b",
        "name",
        "a b",
        "a.b/c",
        "app.kubernetes.io/name",
        "\"q\"",
        "'s'",
        "\"a: b\"",
        "n",
        "y",
        "1",
        "true",
        "~",
        "null",
        "<<",
        "2001-12-14",
        "-k",
        "k-",
        "x y z",
        "\"\"",
        "'it''s'",
        "\"\\t\"",
        "é",
        // The head's fields, so generated documents have heads to read.
        "apiVersion",
        "kind",
        "metadata",
        "metadata",
        "annotations",
        "annotations",
        "\"kind\"",
        "'name'",
    ];

    const HEADERS: &[&str] = &[
        "|", "|-", "|+", ">", ">-", ">+", "|2", "|-2", "|2-", ">1", ">+1", "|  # c", "| x", "|0",
        "|10",
    ];

    const BLOCK_LINES: &[&str] = &[
        "text",
        "more text",
        "  indented",
        "",
        "",
        "   ",
        "# not a comment",
        "a: b",
        "- x",
        "\ttab",
        "end",
        "    deeper",
    ];

    #[derive(Debug, Clone)]
    enum Node {
        Scalar(String),
        Block(String, Vec<String>),
        Map(Vec<(String, u8, Node)>, usize),
        Seq(Vec<(u8, Node)>, usize, bool),
    }

    fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
        proptest::sample::select(pool).prop_map(str::to_string)
    }

    fn scalar() -> impl Strategy<Value = Node> {
        prop_oneof![
            4 => pick(PLAIN),
            2 => pick(DOUBLE),
            1 => pick(SINGLE),
            1 => pick(FLOW),
        ]
        .prop_map(Node::Scalar)
    }

    fn block() -> impl Strategy<Value = Node> {
        (
            pick(HEADERS),
            proptest::collection::vec(pick(BLOCK_LINES), 0..6),
        )
            .prop_map(|(h, lines)| Node::Block(h, lines))
    }

    fn node() -> impl Strategy<Value = Node> {
        let leaf = prop_oneof![4 => scalar(), 1 => block()];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                (
                    proptest::collection::vec((pick(KEYS), 0u8..12, inner.clone()), 1..6),
                    1usize..5
                )
                    .prop_map(|(pairs, step)| Node::Map(pairs, step)),
                (
                    proptest::collection::vec((0u8..12, inner), 1..5),
                    1usize..5,
                    any::<bool>()
                )
                    .prop_map(|(items, step, indentless)| Node::Seq(items, step, indentless)),
            ]
        })
    }

    /// Writes `node` as the value after `prefix` (a key and its colon, or
    /// a dash) on a line of the collection indented by `indent`. `noise`
    /// adds comments and blank lines.
    fn value(out: &mut String, prefix: &str, node: &Node, indent: usize, noise: u8, key: bool) {
        let comment = if noise == 4 { " # trailing" } else { "" };
        match node {
            Node::Scalar(s) => {
                let gap = if noise == 5 { "  " } else { " " };
                out.push_str(&format!("{prefix}{gap}{s}{comment}\n"));
            }
            Node::Block(header, lines) => {
                out.push_str(&format!("{prefix} {header}\n"));
                let step = if noise == 6 { 4 } else { 2 };
                for l in lines {
                    if l.is_empty() {
                        out.push('\n');
                    } else {
                        out.push_str(&format!("{}{l}\n", " ".repeat(indent + step)));
                    }
                }
            }
            Node::Map(pairs, step) => {
                if noise == 7 && !key {
                    // The first pair on the dash's line.
                    map(out, pairs, indent + 2, Some(prefix));
                } else {
                    out.push_str(&format!("{prefix}{comment}\n"));
                    map(out, pairs, indent + step, None);
                }
            }
            Node::Seq(items, step, indentless) => {
                out.push_str(&format!("{prefix}{comment}\n"));
                let at = if *indentless && key {
                    indent
                } else {
                    indent + step
                };
                seq(out, items, at);
            }
        }
    }

    fn noise_line(out: &mut String, noise: u8, indent: usize) {
        match noise {
            1 => out.push('\n'),
            2 => out.push_str(&format!("{}# comment: x\n", " ".repeat(indent))),
            3 => out.push_str("#top\n"),
            8 => out.push_str("   \n"),
            _ => {}
        }
    }

    fn map(out: &mut String, pairs: &[(String, u8, Node)], indent: usize, first: Option<&str>) {
        for (i, (k, noise, v)) in pairs.iter().enumerate() {
            let lead = match (i, first) {
                (0, Some(dash)) => format!("{dash} "),
                _ => {
                    noise_line(out, *noise, indent);
                    " ".repeat(indent)
                }
            };
            value(out, &format!("{lead}{k}:"), v, indent, *noise, true);
        }
    }

    fn seq(out: &mut String, items: &[(u8, Node)], indent: usize) {
        for (noise, v) in items {
            noise_line(out, *noise, indent);
            value(
                out,
                &format!("{}-", " ".repeat(indent)),
                v,
                indent,
                *noise,
                false,
            );
        }
    }

    fn document(root: &Node, start: u8) -> String {
        let mut out = String::new();
        match start % 4 {
            1 => out.push_str("---\n"),
            2 => out.push_str("# head\n---\n# Source: x\n"),
            _ => {}
        }
        match root {
            Node::Map(pairs, _) => map(&mut out, pairs, 0, None),
            Node::Seq(items, _, _) => seq(&mut out, items, 0),
            Node::Scalar(s) => out.push_str(&format!("{s}\n")),
            Node::Block(..) => value(&mut out, "k:", root, 0, 0, true),
        }
        if start % 4 == 3 {
            out.pop();
        }
        out
    }

    const MUTATIONS: &[u8] = b" \n\t:-#\"'|>[]{},&*!?%@a0\r.~\\";

    fn check(text: &str) -> Result<bool, TestCaseError> {
        let tiny = Limits {
            max_bytes: 400,
            max_depth: 3,
            max_nodes: 15,
        };
        let mut accepted = false;
        for limits in [Limits::default(), tiny] {
            match fast_agrees(text, &limits) {
                Ok(a) => accepted |= a,
                Err(diff) => {
                    return Err(TestCaseError::fail(format!("on {text:?}:\n{diff}")));
                }
            }
            if let Err(diff) = head_agrees(text, &limits) {
                return Err(TestCaseError::fail(format!("head on {text:?}:\n{diff}")));
            }
        }
        Ok(accepted)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn generated_documents_agree(root in node(), start in 0u8..8) {
            check(&document(&root, start))?;
        }

        #[test]
        fn mutated_documents_agree(
            root in node(),
            start in 0u8..8,
            at in any::<prop::sample::Index>(),
            byte in proptest::sample::select(MUTATIONS),
            how in 0u8..3,
        ) {
            let doc = document(&root, start);
            let mut bytes = doc.into_bytes();
            if bytes.is_empty() {
                return Ok(());
            }
            let i = at.index(bytes.len());
            match how {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => {
                    bytes.remove(i);
                }
            }
            if let Ok(text) = String::from_utf8(bytes) {
                check(&text)?;
            }
        }
    }

    /// The generator is useful only if plenty of its documents are in the
    /// fast reader's subset.
    #[test]
    #[allow(clippy::print_stderr)] // the acceptance count is the report
    fn generated_documents_are_often_accepted() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        let strategy = (node(), 0u8..8);
        let (mut seen, mut accepted) = (0, 0);
        for _ in 0..500 {
            let (root, start) = strategy.new_tree(&mut runner).expect("generate").current();
            seen += 1;
            if check(&document(&root, start)).expect("agree") {
                accepted += 1;
            }
        }
        eprintln!("generated documents accepted by the fast reader: {accepted} of {seen}");
        assert!(
            accepted * 100 >= seen * 15,
            "only {accepted} of {seen} accepted"
        );
    }
}
