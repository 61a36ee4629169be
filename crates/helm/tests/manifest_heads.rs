//! The head reader that sorts rendered manifests (`yaml::read_head`, the
//! fast reader's head-only mode with the full reader behind it) against
//! reading whole documents: for every document Helm printed in the golden
//! suites, split as `helm template` splits rendered files, the head-only
//! path must bail where the value reader bails and otherwise give exactly
//! the head (and the error text) the whole document gives.

mod support;

use std::path::Path;

use support::walk;

use capstan_gotmpl::Value;
use capstan_helm::render::manifest::{resource_fields_of, split_documents};
use capstan_helm::yaml::{Limits, head_agrees, resource_fields, unmarshal};

/// `resource_fields` (what capstan-source keys rendered resources by) gives
/// the fields of the whole document, and fails where reading it fails.
/// (The heads compared below hold the same fields as `Head::key`, which
/// capstan-source takes instead of reading Helm's documents again.)
fn fields_agree(doc: &str) -> Result<(), String> {
    let whole = unmarshal(doc).map(|v| resource_fields_of(&v));
    let fields: Result<Option<[Option<Value>; 4]>, _> = resource_fields(doc);
    match (&whole, &fields) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Err(a), Err(b)) if a.to_string() == b.to_string() => Ok(()),
        _ => Err(format!(
            "resource fields {fields:?}, whole document {whole:?}"
        )),
    }
}

#[test]
#[allow(clippy::print_stderr)] // the acceptance count is the report
fn golden_documents_have_the_same_heads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("tests"), &mut files);
    walk(&root.join("../cli/tests"), &mut files);
    let tiny = Limits {
        max_bytes: 512,
        max_depth: 3,
        max_nodes: 12,
    };
    let (mut seen, mut answered) = (0usize, 0usize);
    let mut failures = Vec::new();
    for path in &files {
        let name = path.to_string_lossy();
        if !name.ends_with("expected.stdout") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for (i, doc) in split_documents(&text).into_iter().enumerate() {
            seen += 1;
            match head_agrees(doc, &Limits::default()) {
                Ok(a) => answered += usize::from(a),
                Err(diff) => failures.push(format!("{name} document {i}:\n{doc}\n{diff}")),
            }
            if let Err(diff) = fields_agree(doc) {
                failures.push(format!(
                    "{name} document {i} (resource fields):\n{doc}\n{diff}"
                ));
            }
            if let Err(diff) = head_agrees(doc, &tiny) {
                failures.push(format!("{name} document {i} (tiny limits):\n{doc}\n{diff}"));
            }
        }
    }
    eprintln!("head reader answered for {answered} of {seen} golden documents");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(seen > 300, "corpus not found ({seen} documents)");
    assert!(
        answered * 100 >= seen * 85,
        "the head reader answered for only {answered} of {seen}"
    );
}

/// Heads whose fields are not plain strings, repeated, quoted or hidden in
/// flow collections; documents that are not mappings; documents the fast
/// reader leaves to the full one.
#[test]
fn odd_heads_agree() {
    let docs = [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        "apiVersion: 1\nkind: true\nmetadata:\n  name: 1e3\n",
        "apiVersion: [a, 1]\nkind: {b: [c]}\nmetadata:\n  name: ~\n",
        "apiVersion:\n  - a\n  - b: c\nkind:\n  x: 1\n  y: 2.5\nmetadata: {name: n, annotations: {b: 2, a: [1]}}\n",
        "kind: A\nkind: B\nmetadata:\n  name: a\n  annotations:\n    z: 1\n    a: '2'\n    z: 3\nmetadata:\n  name: b\n",
        "metadata:\n  annotations: {}\n",
        "metadata:\n  annotations:\n    \"helm.sh/hook\": \"pre-install,\\tpost-install\"\n    'helm.sh/hook-weight': '-5'\n",
        "metadata: []\n",
        "kind: K\nmetadata:\n  namespace: ns\n  name: n\n  namespace: other\n",
        "kind: K\nmetadata:\n  namespace: [a]\n  name: 7\n",
        "kind: K\nmetadata:\n  namespace: ~\n",
        "metadata: 3\n",
        "metadata:\n  annotations: [a]\n",
        "metadata:\n  annotations: x\n",
        "- a\n- b\n",
        "[a]\n",
        "\"str\"\n",
        "yes\n",
        "12\n",
        "~\n",
        "{}\n",
        "{\"apiVersion\": \"v1\", \"kind\": \"K\", \"metadata\": {\"name\": \"n\", \"x\": [1, {\"y\": \"\\u00e9\"}]}}\n",
        "kind: K\nspec:\n  a: .inf\n",
        "kind: K\nspec:\n  - -.Inf\n",
        "kind: K\nspec: {a: .nan}\n",
        "kind: K\nspec: {a: +.nan, b: -.5, c: \"\\q\"}\n",
        "kind: K\nspec:\n  \"\\ud800\": 1\n",
        "kind: K\nspec:\n  s: |\n    text\n    more\n",
        "kind: K\nspec:\n  s: >-\n    folded\n    text\n\n",
        "kind: K\nmetadata:\n  name: |\n    block name\n",
        "kind: K\nspec: &a\n  x: 1\n",
        "kind: [unclosed\n",
        "kind: K\n\tbad: tab\n",
        "a: b\n---\nc: d\n",
        "",
        "# only a comment\n",
    ];
    let mut failures = Vec::new();
    for doc in docs {
        if let Err(diff) = head_agrees(doc, &Limits::default()) {
            failures.push(format!("{doc:?}:\n{diff}"));
        }
        if let Err(diff) = fields_agree(doc) {
            failures.push(format!("{doc:?} (resource fields):\n{diff}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Line shapes a skipped subtree is made of: the ones the head reader's
/// skipping loop decides itself, and the ones next to them it must leave
/// to the generic reader (or bail on, as that reader does).
const SHAPES: &[&str] = &[
    "a: b",
    "a:",
    "- a: b",
    "- a",
    "-",
    "- a:",
    "- - a",
    "-  a: b",
    "a: \"x y\"",
    "- a: \"x\"",
    "a: \"x\\q\"",
    "a: \"x\" z",
    "# c",
    "",
    "a:b",
    "a: b:",
    "a: b #c",
    "a: b#c",
    "a: b  # c: d",
    "a: .inf",
    "- -.Inf",
    "a: .nan",
    "1: x",
    "true: x",
    "null: x",
    "~: x",
    "\"q\": x",
    "'q': x",
    "a: [b, c]",
    "a: {b: c}",
    "a: |",
    "text",
    "a: >-",
    "---",
    "...",
    "a:\tb",
    "\ta: b",
    "a b: c",
    "a: b c",
    "yes: x",
    "a: 'x'",
    "<<: x",
    "a: /p",
    "a: 1",
    "a: &x b",
    "? a",
];

/// A document whose skipped part is `lines`, in one of the places the head
/// reader skips: under a root key, a metadata key, or as items of
/// sequences where a mapping was wanted.
fn skip_document(template: usize, lines: &str) -> String {
    match template {
        0 => format!("kind: K\nspec:\n{lines}metadata:\n  name: n\n"),
        1 => format!("metadata:\n  labels:\n{lines}  name: n\nkind: K\n"),
        2 => format!("- x\n{lines}"),
        3 => format!("kind: K\nmetadata:\n- a\n{lines}"),
        _ => format!("apiVersion: v1\nspec:\n  x: 1\n{lines}"),
    }
}

fn skip_agrees(doc: &str) -> Result<bool, String> {
    let tiny = Limits {
        max_bytes: 512,
        max_depth: 3,
        max_nodes: 12,
    };
    head_agrees(doc, &tiny).map_err(|diff| format!("{doc:?} (tiny limits):\n{diff}"))?;
    head_agrees(doc, &Limits::default()).map_err(|diff| format!("{doc:?}:\n{diff}"))
}

/// Every pair of line shapes at indentations around the skipped key's
/// (sequences at the parent key's indentation, over- and under-indented
/// continuations, comments and blank lines anywhere), in every place a
/// subtree is skipped: the head reader bails where the value reader bails
/// and otherwise reads what the full reader reads.
#[test]
#[allow(clippy::print_stderr)] // the acceptance count is the report
fn skipped_line_pairs_agree() {
    let indents = [0usize, 1, 2, 3, 4];
    let lines: Vec<String> = SHAPES
        .iter()
        .flat_map(|shape| {
            indents
                .iter()
                .map(move |&i| format!("{}{shape}\n", " ".repeat(i)))
        })
        .collect();
    let (mut seen, mut answered) = (0usize, 0usize);
    let mut failures = Vec::new();
    for (i, first) in lines.iter().enumerate() {
        for (j, second) in lines.iter().enumerate() {
            let doc = skip_document((i + j) % 5, &format!("{first}{second}"));
            seen += 1;
            match skip_agrees(&doc) {
                Ok(a) => answered += usize::from(a),
                Err(diff) => failures.push(diff),
            }
            if failures.len() > 20 {
                break;
            }
        }
    }
    eprintln!("head reader answered for {answered} of {seen} skipped pairs");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Most pairs are not YAML at all, or not in the fast reader's subset.
    assert!(answered * 100 >= seen * 3, "only {answered} of {seen}");
}

mod generated {
    use proptest::prelude::*;

    use super::{SHAPES, skip_agrees, skip_document};

    fn line() -> impl Strategy<Value = String> {
        (0usize..9, proptest::sample::select(SHAPES))
            .prop_map(|(indent, shape)| format!("{}{shape}\n", " ".repeat(indent)))
    }

    /// Common shapes more often, so that long runs of them (deep nesting,
    /// sequences in mappings in sequences) are generated.
    fn common_line() -> impl Strategy<Value = String> {
        let common = &SHAPES[..10];
        prop_oneof![
            3 => (0usize..5, proptest::sample::select(common)).prop_map(|(indent, shape)| {
                format!("{}{shape}\n", " ".repeat(indent * 2))
            }),
            1 => line(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

        #[test]
        fn skipped_subtrees_agree(
            template in 0usize..5,
            lines in proptest::collection::vec(common_line(), 1..12),
        ) {
            let doc = skip_document(template, &lines.concat());
            skip_agrees(&doc).map_err(TestCaseError::fail)?;
        }
    }
}
