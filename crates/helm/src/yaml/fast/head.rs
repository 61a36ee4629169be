//! A rendered manifest's head — `apiVersion`, `kind`, `metadata.name`,
//! `metadata.annotations` — read by the fast reader without building the
//! rest of the document.
//!
//! Helm reads every rendered document into its `SimpleHead` struct to sort
//! it; that used to mean the whole document as template values, dropped
//! after four lookups. [`HeadSink`] tells the reader, level by level, what
//! is kept: the head's fields whole (as [`ValueSink`] builds them, so a
//! field holding a list or a number prints as before), the mappings on the
//! way to them as lists of the pairs that matter, and nothing at all of the
//! rest. The reader still reads and checks every node (the skipped
//! subtrees by [`super::skip`]'s loop, which takes the generic reader's
//! decisions on [`super::sink::SkipSink`] without its recursion and builds
//! nothing), so it bails on exactly the documents it bails on when it
//! builds everything, and the full reader decides those (errors included).

use std::borrow::Cow;
use std::collections::BTreeMap;

use capstan_gotmpl::{Map, Value};

use super::sink::{Sink, ValueSink, non_finite, plain_value};
use crate::render::manifest::{Head, key_strings, resource_fields_of, scalar_text};
use crate::yaml::YamlError;
use crate::yaml::load::Limits;

/// A document's head, or the JSON type of its top-level value when that
/// is neither a mapping nor null (`yaml.Unmarshal` into a struct fails).
pub(crate) type HeadResult = Result<Head, &'static str>;

/// The head of the first document of `text`, by the fast reader when it
/// can, else from the full reader's values; `Err` when the YAML does not
/// decode (the message sigs.k8s.io/yaml gives).
pub(crate) fn read_head(text: &str, limits: &Limits) -> Result<HeadResult, YamlError> {
    if let Some(head) = fast_head(text, limits) {
        return Ok(head);
    }
    Ok(Head::from_document(&crate::yaml::unmarshal_with(
        text, limits,
    )?))
}

/// A document's `apiVersion`, `kind`, `metadata.namespace` and
/// `metadata.name` as go-yaml through sigs.k8s.io/yaml reads them (what a
/// resource is keyed by), without building the rest of the document;
/// `None` when the document is not a mapping (or is empty); `Err` when it
/// does not decode.
pub fn resource_fields(text: &str) -> Result<Option<[Option<Value>; 4]>, YamlError> {
    let limits = Limits::default();
    match super::read::<HeadSink>(text, &limits) {
        Some(HeadNode::Fields(root)) => Ok(Some(root_fields(&root))),
        Some(HeadNode::Whole(v)) => Ok(resource_fields_of(&v)),
        Some(HeadNode::Seq | HeadNode::Skipped) => Ok(None),
        None => Ok(resource_fields_of(&crate::yaml::unmarshal_with(
            text, &limits,
        )?)),
    }
}

/// The resource fields under a root the reader kept as fields.
fn root_fields(root: &[(Key, HeadNode)]) -> [Option<Value>; 4] {
    let whole = |node: Option<&HeadNode>| match node {
        Some(HeadNode::Whole(v)) => Some(v.clone()),
        _ => None,
    };
    let metadata = match last(root, "metadata") {
        Some(HeadNode::Fields(m)) => m.as_slice(),
        _ => &[],
    };
    [
        whole(last(root, "apiVersion")),
        whole(last(root, "kind")),
        whole(last(metadata, "namespace")),
        whole(last(metadata, "name")),
    ]
}

/// The fast reader's answer alone: `None` exactly when
/// [`super::unmarshal`] is `None`.
pub(super) fn fast_head(text: &str, limits: &Limits) -> Option<HeadResult> {
    super::read::<HeadSink>(text, limits).map(into_head)
}

/// What is kept of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    /// The document: its `apiVersion`, `kind` and `metadata`.
    Root,
    /// `metadata`: its `name` and `annotations`.
    Metadata,
    /// `metadata.annotations`: every pair, whole.
    Annotations,
    /// Everything, as template values.
    Whole,
    /// Nothing.
    Skip,
}

/// A kept key: the head's own keys need no copy.
pub(super) type Key = Cow<'static, str>;

/// `key` as kept: one of the head's own keys borrowed, any other copied.
fn kept_key(key: Cow<'_, str>) -> Key {
    match &*key {
        "apiVersion" => Cow::Borrowed("apiVersion"),
        "kind" => Cow::Borrowed("kind"),
        "metadata" => Cow::Borrowed("metadata"),
        "name" => Cow::Borrowed("name"),
        "namespace" => Cow::Borrowed("namespace"),
        "annotations" => Cow::Borrowed("annotations"),
        _ => Cow::Owned(key.into_owned()),
    }
}

/// What the reader gives back under [`HeadSink`].
#[derive(Debug)]
pub(super) enum HeadNode {
    /// A node the head does not read.
    Skipped,
    /// A sequence where a mapping was wanted (its items are skipped).
    Seq,
    /// A node kept whole.
    Whole(Value),
    /// A mapping on the way to the head's fields: the pairs that matter,
    /// repeats included (the last one counts, as in a Go map).
    Fields(Vec<(Key, HeadNode)>),
}

/// Keeps the head and skips the rest.
#[derive(Debug)]
pub(super) struct HeadSink;

impl Sink for HeadSink {
    type Node = HeadNode;
    type Seq = Vec<Value>;
    type Map = Vec<(Key, HeadNode)>;
    type Want = Want;
    const ROOT: Want = Want::Root;

    fn value_want(want: Want, key: &str) -> Want {
        match (want, key) {
            (Want::Root, "apiVersion" | "kind")
            | (Want::Metadata, "name")
            | (Want::Annotations | Want::Whole, _) => Want::Whole,
            // The namespace is not Helm's (its `SimpleHead` has none):
            // it is kept for `resource_fields`.
            (Want::Metadata, "namespace") => Want::Whole,
            (Want::Root, "metadata") => Want::Metadata,
            (Want::Metadata, "annotations") => Want::Annotations,
            _ => Want::Skip,
        }
    }

    fn item_want(want: Want) -> Want {
        match want {
            Want::Whole => Want::Whole,
            _ => Want::Skip,
        }
    }

    fn keeps_text(want: Want) -> bool {
        want != Want::Skip
    }

    fn skips(want: Want) -> bool {
        want == Want::Skip
    }

    fn skipped(_want: Want) -> HeadNode {
        HeadNode::Skipped
    }

    fn null(want: Want) -> HeadNode {
        match want {
            Want::Skip => HeadNode::Skipped,
            _ => HeadNode::Whole(Value::Nil),
        }
    }

    fn plain(want: Want, text: &str) -> Option<HeadNode> {
        match want {
            Want::Skip => (!non_finite(text)).then_some(HeadNode::Skipped),
            _ => plain_value(text).map(HeadNode::Whole),
        }
    }

    fn string(want: Want, s: Cow<'_, str>) -> HeadNode {
        match want {
            Want::Skip => HeadNode::Skipped,
            _ => HeadNode::Whole(ValueSink::string((), s)),
        }
    }

    fn push(_want: Want, seq: &mut Vec<Value>, item: HeadNode) {
        // Items are kept whole only in a sequence kept whole.
        if let HeadNode::Whole(v) = item {
            seq.push(v);
        }
    }

    fn seq(want: Want, items: Vec<Value>) -> HeadNode {
        match want {
            Want::Whole => HeadNode::Whole(Value::list(items)),
            Want::Skip => HeadNode::Skipped,
            Want::Root | Want::Metadata | Want::Annotations => HeadNode::Seq,
        }
    }

    fn insert(want: Want, map: &mut Vec<(Key, HeadNode)>, key: Cow<'_, str>, value: HeadNode) {
        if want != Want::Skip && Self::value_want(want, &key) != Want::Skip {
            map.push((kept_key(key), value));
        }
    }

    fn map(want: Want, pairs: Vec<(Key, HeadNode)>) -> HeadNode {
        match want {
            Want::Skip => HeadNode::Skipped,
            Want::Whole => {
                // Later repeats replace earlier ones, as `Map::insert` does.
                let map: Map = pairs
                    .into_iter()
                    .filter_map(|(k, v)| match v {
                        HeadNode::Whole(v) => Some((k.into_owned(), v)),
                        _ => None,
                    })
                    .collect();
                HeadNode::Whole(Value::map(map))
            }
            Want::Root | Want::Metadata | Want::Annotations => HeadNode::Fields(pairs),
        }
    }
}

/// The head from the reader's root node, as [`Head::from_document`] reads
/// it from the whole document.
fn into_head(root: HeadNode) -> HeadResult {
    match root {
        HeadNode::Fields(pairs) => Ok(fields_head(&pairs)),
        HeadNode::Whole(v) => Head::from_document(&v),
        HeadNode::Seq => Err("array"),
        // The root is never skipped.
        HeadNode::Skipped => Ok(Head::default()),
    }
}

fn last<'p>(pairs: &'p [(Key, HeadNode)], key: &str) -> Option<&'p HeadNode> {
    pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn text(node: Option<&HeadNode>) -> String {
    match node {
        Some(HeadNode::Whole(v)) => scalar_text(v),
        _ => String::new(),
    }
}

/// [`key_strings`] of the resource fields; strings (nearly always) are
/// copied directly rather than through `Display`.
fn key_texts(fields: [Option<Value>; 4]) -> [String; 4] {
    let simple = fields
        .iter()
        .all(|f| matches!(f, None | Some(Value::Nil | Value::String(_))));
    if !simple {
        return key_strings(fields);
    }
    fields.map(|f| match f {
        Some(Value::String(s)) => String::from(&*s),
        _ => String::new(),
    })
}

fn fields_head(root: &[(Key, HeadNode)]) -> Head {
    let metadata = match last(root, "metadata") {
        Some(HeadNode::Fields(m)) => m.as_slice(),
        _ => &[],
    };
    let annotations = match last(metadata, "annotations") {
        Some(HeadNode::Fields(a)) if !a.is_empty() => {
            // In key order, the last of repeated keys, as the map holds them.
            let unique: BTreeMap<&str, &HeadNode> = a.iter().map(|(k, v)| (&**k, v)).collect();
            Some(
                unique
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), text(Some(v))))
                    .collect(),
            )
        }
        _ => None,
    };
    Head {
        api_version: text(last(root, "apiVersion")),
        kind: text(last(root, "kind")),
        name: text(last(metadata, "name")),
        annotations,
        key: Some(key_texts(root_fields(root))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::scalar::{Resolved, Schema, resolve};

    fn head(text: &str) -> Option<HeadResult> {
        fast_head(text, &Limits::default())
    }

    #[test]
    fn reads_the_head_and_skips_the_rest() {
        let doc = "# Source: x\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: \"j\\u00e9\"\n  labels: {a: b}\n  annotations:\n    helm.sh/hook: pre-install\n    b: 2\n    a: [x]\nspec:\n  template: {metadata: {name: other}}\n  data: \"{\\\"k\\\": \\\"v\\\"}\"\n";
        let expected = Head {
            api_version: "batch/v1".into(),
            kind: "Job".into(),
            name: "j\u{e9}".into(),
            annotations: Some(vec![
                ("a".into(), "[x]".into()),
                ("b".into(), "2".into()),
                ("helm.sh/hook".into(), "pre-install".into()),
            ]),
            key: Some([
                "batch/v1".into(),
                "Job".into(),
                String::new(),
                "j\u{e9}".into(),
            ]),
        };
        assert_eq!(head(doc), Some(Ok(expected)));
    }

    #[test]
    fn top_level_types_and_bails() {
        assert_eq!(head("- a\n"), Some(Err("array")));
        assert_eq!(head("'s'\n"), Some(Err("string")));
        assert_eq!(head("on\n"), Some(Err("bool")));
        assert_eq!(head("0x10\n"), Some(Err("number")));
        assert_eq!(head("null\n"), Some(Ok(Head::default())));
        // Skipped parts still bail where building them would.
        assert_eq!(head("kind: K\nspec: [.inf]\n"), None);
        assert_eq!(head("kind: K\nspec:\n  a: \"\\q\"\n"), None);
        assert_eq!(
            head("kind: K\nspec:\n  a: -.5\n  b: +.nan\n").map(|h| h.is_ok()),
            Some(true)
        );
    }

    #[test]
    fn non_finite_matches_the_resolver() {
        for text in [
            ".inf",
            "-.Inf",
            "+.INF",
            ".nan",
            ".NaN",
            ".NAN",
            "+.nan",
            "-.NaN",
            ".5",
            "-.5",
            "+.5",
            ".",
            "-.",
            "1e999",
            "-1e999",
            ".infinity",
            "inf",
            "nan",
            "-",
            "",
        ] {
            let expected =
                matches!(resolve(text, Schema::V2), Resolved::Float(x) if !x.is_finite());
            assert_eq!(non_finite(text), expected, "{text}");
        }
    }
}
