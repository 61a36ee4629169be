//! From rendered template files to `helm template`'s manifest stream.
//!
//! Helm splits every rendered file into YAML documents with a regular
//! expression (not a YAML parser), reads each document's head (kind, name,
//! annotations), separates hooks from ordinary manifests, orders both by
//! kind, and prints each document under a `# Source:` header. Every step has
//! quirks users' output depends on — the separator regex eats whitespace
//! greedily, document text keeps its trailing whitespace, unknown hook
//! events drop the document silently — so each is reproduced here and
//! checked against real Helm by the golden chart suite.

use std::borrow::Cow;
use std::sync::LazyLock;

use capstan_gotmpl::Value;
use memchr::memmem::Finder;

/// What every document separator but one at the very start contains (see
/// [`split_documents`]); building the searcher costs more than most
/// searches, so it is built once.
static SEPARATOR_CORE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\n---"));

/// Kinds in the order Helm installs them; unknown kinds come after these, in
/// alphabetical order of kind.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// The hook events Helm knows (`test-success` is Helm 2's name for `test`).
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// The part of a document Helm reads to sort it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// `metadata.annotations`, values as strings; `None` when absent or empty.
    pub annotations: Option<Vec<(String, String)>>,
    /// What a resource is keyed by, read with the rest of the head so
    /// nobody reads the document again for it: `apiVersion`, `kind`,
    /// `metadata.namespace` and `metadata.name` as [`key_strings`] spells
    /// them; `None` when the document is not a mapping.
    pub key: Option<[String; 4]>,
}

/// A resource's `apiVersion`, `kind`, `metadata.namespace` and
/// `metadata.name` in a decoded document (as go-yaml through
/// sigs.k8s.io/yaml reads them); `None` when the document is not a mapping.
pub fn resource_fields_of(doc: &Value) -> Option<[Option<Value>; 4]> {
    let map = doc.as_map()?;
    let meta = map.get("metadata").and_then(|m| m.as_map());
    let meta_field = |k: &str| meta.as_ref().and_then(|m| m.get(k)).cloned();
    Some([
        map.get("apiVersion").cloned(),
        map.get("kind").cloned(),
        meta_field("namespace"),
        meta_field("name"),
    ])
}

/// Resource fields as strings, the way the tools that key resources spell
/// them: a string as it is, absent or null as empty, anything else as JSON.
pub fn key_strings(fields: [Option<Value>; 4]) -> [String; 4] {
    fields.map(|v| match v {
        None | Some(Value::Nil) => String::new(),
        Some(Value::String(s)) => s.to_string(),
        Some(other) => crate::json::to_json(&other).unwrap_or_default(),
    })
}

impl Head {
    /// Reads the head from a parsed document, converting scalars to strings
    /// the way `sigs.k8s.io/yaml` does for string-typed fields.
    pub fn from_value(doc: &Value) -> Head {
        let Some(map) = doc.as_map() else {
            return Head::default();
        };
        let text = |v: Option<&Value>| v.map(scalar_text).unwrap_or_default();
        let metadata = map.get("metadata").and_then(Value::as_map);
        let annotations = metadata
            .as_ref()
            .and_then(|m| m.get("annotations"))
            .and_then(Value::as_map)
            .filter(|a| !a.is_empty())
            .map(|a| a.iter().map(|(k, v)| (k.clone(), scalar_text(v))).collect());
        Head {
            api_version: text(map.get("apiVersion")),
            kind: text(map.get("kind")),
            name: text(metadata.as_ref().and_then(|m| m.get("name"))),
            annotations,
            key: resource_fields_of(doc).map(key_strings),
        }
    }

    /// The head as `yaml.Unmarshal` into Helm's `SimpleHead` reads a
    /// document: a mapping's fields, nothing for null, and for any other
    /// top-level value the JSON type that cannot be read into a struct
    /// (`array`, `string`, `bool`, `number`).
    pub fn from_document(doc: &Value) -> Result<Head, &'static str> {
        match doc {
            Value::Map(_) | Value::Nil => Ok(Head::from_value(doc)),
            Value::List(_) => Err("array"),
            Value::String(_) => Err("string"),
            Value::Bool(_) => Err("bool"),
            _ => Err("number"),
        }
    }

    /// The value of one annotation.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations
            .as_ref()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A head field's text: strings as they are, null as nothing, anything
/// else as `fmt` prints it.
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        // Not `to_string`, which goes through `Display` for an `Arc<str>`.
        Value::String(s) => String::from(&**s),
        Value::Nil => String::new(),
        other => capstan_gotmpl::format::format_value(other),
    }
}

/// One document of the output.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The template path, as printed after `# Source:`.
    pub path: String,
    /// The document text, leading whitespace removed, trailing kept.
    pub content: String,
    pub head: Head,
}

/// A hook document with its parsed hook annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct Hook {
    pub manifest: Manifest,
    /// Lower-cased events, `test-success` kept as written.
    pub events: Vec<String>,
    /// `helm.sh/hook-weight`, 0 when absent or not an integer.
    pub weight: i64,
    pub delete_policies: Vec<String>,
}

impl Hook {
    /// Whether this is a test hook (`--skip-tests` drops it).
    pub fn is_test(&self) -> bool {
        self.events
            .iter()
            .any(|e| e == "test" || e == "test-success")
    }
}

/// The sorted result: ordinary manifests and hooks, each in Helm's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sorted {
    pub manifests: Vec<Manifest>,
    pub hooks: Vec<Hook>,
}

/// Splits a rendered file into documents exactly as Helm's
/// `SplitManifests`: leading whitespace of the file and of each document is
/// dropped, empty pieces are skipped, trailing whitespace is kept.
///
/// The separator is Go's regular expression `(?:^|\s*\n)---\s*` (`\s`
/// being ASCII `[\t\n\f\r ]`), matched leftmost-first as Go's
/// `regexp.Split` does. Every match but one at the very start contains
/// `\n---`, and the leftmost match around an occurrence of it starts where
/// the whitespace before that newline starts (no earlier than the end of
/// the previous match). So the occurrences are found with memchr's
/// searcher and the whitespace around them taken by hand;
/// `tests/split_documents.rs` holds this to the regular expression.
pub fn split_documents(file: &str) -> Vec<&str> {
    let text = file.trim_start();
    let bytes = text.as_bytes();
    let is_space = |b: u8| matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ');
    let spaces_from = |mut at: usize| {
        while at < bytes.len() && is_space(bytes[at]) {
            at += 1;
        }
        at
    };
    let mut docs = Vec::new();
    let mut piece = |from: usize, to: usize| {
        if to > from {
            docs.push(text[from..to].trim_start());
        }
    };
    // The start of the text's current piece, and where the next
    // separator may start.
    let mut from = 0;
    if bytes.starts_with(b"---") {
        from = spaces_from(3);
    }
    let mut search = from;
    while let Some(found) = SEPARATOR_CORE.find(&bytes[search..]) {
        let newline = search + found;
        let mut start = newline;
        while start > from && is_space(bytes[start - 1]) {
            start -= 1;
        }
        piece(from, start);
        from = spaces_from(newline + 4);
        search = from;
    }
    piece(from, bytes.len());
    docs
}

/// A document whose YAML does not parse: Helm's `YAML parse error on PATH: ERR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "YAML parse error on {}: {}", self.path, self.message)
    }
}

impl std::error::Error for ParseFailure {}

/// Sorts rendered files (path → text) as Helm's `SortManifests`: files in
/// path order, partials (`_*`) and blank files skipped, documents split,
/// heads parsed with `parse` (a YAML loader returning the document or the
/// error text Helm prints), hooks separated (documents with an unknown
/// hook event dropped), both lists stably ordered by kind.
///
/// [`sort_manifest_heads`] does the same with a loader that reads only the
/// head, which is what `helm template` uses.
pub fn sort_manifests<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    parse: &dyn Fn(&str) -> Result<Value, String>,
) -> Result<Sorted, ParseFailure> {
    sort_manifest_heads(files, &mut |doc| parse(doc).map(|v| Head::from_value(&v)))
}

/// [`sort_manifests`] with `read_head` reading each document's head (or
/// returning the error text Helm prints), so that no document has to be
/// built whole.
pub fn sort_manifest_heads<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    read_head: &mut dyn FnMut(&str) -> Result<Head, String>,
) -> Result<Sorted, ParseFailure> {
    let mut files: Vec<(&str, &str)> = files
        .into_iter()
        .filter(|(path, _)| !is_partial(path))
        .collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    // Lazily: documents after the first that fails are never read.
    sort_documents(
        files
            .into_iter()
            .map(|(path, text)| (path.to_string(), documents(Cow::Borrowed(text), read_head))),
    )
}

/// A partial (`_helpers.tpl`): parsed, never printed.
fn is_partial(path: &str) -> bool {
    path.rsplit('/').next().unwrap_or(path).starts_with('_')
}

/// One document of a rendered file, split as Helm splits it, with its head
/// as read (or the error text Helm prints).
#[derive(Debug)]
pub(crate) struct Document {
    /// The document text, leading whitespace removed, trailing kept.
    pub(crate) content: String,
    pub(crate) head: Result<Head, String>,
}

/// The documents of one rendered file as sorting takes them (none for a
/// blank file), each head read with `read_head`. A file that is one
/// document ending where the file ends (most templates) is moved into it
/// when owned, its leading whitespace removed in place: no copy.
pub(crate) fn documents(
    text: Cow<'_, str>,
    read_head: &mut dyn FnMut(&str) -> Result<Head, String>,
) -> Vec<Document> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let base = text.as_ptr() as usize;
    let ranges: Vec<(usize, usize)> = split_documents(&text)
        .into_iter()
        .map(|doc| {
            let start = doc.as_ptr() as usize - base;
            (start, start + doc.len())
        })
        .collect();
    match (ranges.as_slice(), text) {
        ([(start, end)], Cow::Owned(mut text)) if *end == text.len() => {
            let head = read_head(&text[*start..]);
            text.drain(..*start);
            vec![Document {
                content: text,
                head,
            }]
        }
        (_, text) => ranges
            .iter()
            .map(|&(start, end)| {
                let doc = &text[start..end];
                Document {
                    content: doc.to_string(),
                    head: read_head(doc),
                }
            })
            .collect(),
    }
}

/// Sorts the documents of rendered files given in path order: partials
/// (`_*`) skipped, the first document whose head failed reported, hooks
/// separated (documents with an unknown hook event dropped), both lists
/// stably ordered by kind. Files are taken one at a time, so the
/// documents of files after a failure are never made.
pub(crate) fn sort_documents(
    files: impl IntoIterator<Item = (String, Vec<Document>)>,
) -> Result<Sorted, ParseFailure> {
    let mut out = Sorted::default();
    for (path, docs) in files {
        if is_partial(&path) {
            continue;
        }
        for doc in docs {
            let head = doc.head.map_err(|message| ParseFailure {
                path: path.clone(),
                message,
            })?;
            let manifest = Manifest {
                path: path.clone(),
                content: doc.content,
                head,
            };
            let Some(hook_spec) = manifest.head.annotation("helm.sh/hook").map(str::to_string)
            else {
                out.manifests.push(manifest);
                continue;
            };
            let mut events = Vec::new();
            let mut unknown = false;
            for event in hook_spec.split(',') {
                let event = event.trim().to_lowercase();
                if !HOOK_EVENTS.contains(&event.as_str()) {
                    unknown = true;
                    break;
                }
                events.push(event);
            }
            if unknown {
                continue;
            }
            let weight = manifest
                .head
                .annotation("helm.sh/hook-weight")
                .and_then(go_atoi)
                .unwrap_or(0);
            let delete_policies = manifest
                .head
                .annotation("helm.sh/hook-delete-policy")
                .map(|p| p.split(',').map(|s| s.trim().to_lowercase()).collect())
                .unwrap_or_default();
            out.hooks.push(Hook {
                manifest,
                events,
                weight,
                delete_policies,
            });
        }
    }
    // Each kind is ranked once (not at every comparison); the sorts are
    // stable, as Helm's.
    out.manifests = sort_by_kind(std::mem::take(&mut out.manifests), |m| &m.head.kind);
    out.hooks = sort_by_kind(std::mem::take(&mut out.hooks), |h| &h.manifest.head.kind);
    Ok(out)
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, no spaces.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Helm's stable sort by `lessByKind`: known kinds in install order, then
/// unknown kinds alphabetically, equal kinds in their given order. Each
/// kind is ranked once and the items dealt into one bucket per rank (a
/// chart's documents are a few kinds, many times over); only unknown kinds
/// are compared.
fn sort_by_kind<T>(items: Vec<T>, kind: impl Fn(&T) -> &str) -> Vec<T> {
    let unknown = INSTALL_ORDER.len();
    let mut buckets: Vec<Vec<T>> = Vec::new();
    buckets.resize_with(unknown + 1, Vec::new);
    let total = items.len();
    for item in items {
        let rank = INSTALL_ORDER
            .iter()
            .position(|o| *o == kind(&item))
            .unwrap_or(unknown);
        buckets[rank].push(item);
    }
    // Stable: unknown kinds of one name keep their order.
    buckets[unknown].sort_by(|a, b| kind(a).cmp(kind(b)));
    let mut sorted = Vec::with_capacity(total);
    for bucket in buckets {
        sorted.extend(bucket);
    }
    sorted
}

/// Appends one document as Helm prints it.
pub fn write_document(out: &mut String, path: &str, content: &str) {
    out.push_str("---\n# Source: ");
    out.push_str(path);
    out.push('\n');
    out.push_str(content);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_is_greedy_like_go() {
        assert_eq!(
            split_documents("a: 1\n---\n   \n---\nb: 2\n---\n"),
            vec!["a: 1", "---\nb: 2"]
        );
        assert_eq!(split_documents("\n\n---\n# c\n"), vec!["# c\n"]);
        assert_eq!(
            split_documents("kind: A\n---\n---\nkind: B\n"),
            vec!["kind: A", "---\nkind: B\n"]
        );
    }

    #[test]
    fn unknown_kinds_sort_after_known_ones_alphabetically() {
        let kinds = vec!["B", "Deployment", "A", "Namespace", "", "Service", "B"];
        assert_eq!(
            sort_by_kind(kinds, |k| k),
            vec!["Namespace", "Service", "Deployment", "", "A", "B", "B"]
        );
        // Stable within a kind, known or not.
        let items = vec![
            ("Z", 1),
            ("Service", 1),
            ("Z", 2),
            ("Deployment", 1),
            ("Service", 2),
            ("Y", 1),
            ("Z", 3),
            ("Service", 3),
        ];
        assert_eq!(
            sort_by_kind(items, |(k, _)| k),
            vec![
                ("Service", 1),
                ("Service", 2),
                ("Service", 3),
                ("Deployment", 1),
                ("Y", 1),
                ("Z", 1),
                ("Z", 2),
                ("Z", 3)
            ]
        );
    }

    #[test]
    fn documents_are_split_and_read_as_sorting_reads_them() {
        let seen = std::cell::RefCell::new(Vec::new());
        let mut read = |doc: &str| {
            seen.borrow_mut().push(doc.to_string());
            if doc.contains("bad") {
                Err(format!("cannot read {doc:?}"))
            } else {
                Ok(Head::default())
            }
        };
        let texts = [
            "\n\nkind: A\n",
            "kind: A\n---\nkind: B\n",
            "---\nkind: A",
            "kind: A\n---\n",
            "  \n\t\n",
            "bad: 1\n---\nkind: B",
        ];
        for text in texts {
            let want: Vec<&str> = split_documents(text);
            for owned in [false, true] {
                seen.borrow_mut().clear();
                let cow = if owned {
                    Cow::Owned(text.to_string())
                } else {
                    Cow::Borrowed(text)
                };
                let docs = documents(cow, &mut read);
                let got: Vec<&str> = docs.iter().map(|d| d.content.as_str()).collect();
                let want = if text.trim().is_empty() {
                    vec![]
                } else {
                    want.clone()
                };
                assert_eq!(got, want, "{text:?}");
                assert_eq!(
                    *seen.borrow(),
                    want,
                    "every document read once, in order: {text:?}"
                );
                for d in &docs {
                    assert_eq!(d.head.is_err(), d.content.contains("bad"));
                }
            }
        }
    }

    #[test]
    fn a_file_that_is_one_document_moves_into_it() {
        let text = String::from("\n  \nkind: A\nmetadata:\n  name: x\n");
        let buffer = text.as_ptr();
        let docs = documents(Cow::Owned(text), &mut |_| Ok(Head::default()));
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].content, "kind: A\nmetadata:\n  name: x\n");
        assert_eq!(docs[0].content.as_ptr(), buffer, "the text's own buffer");
    }

    #[test]
    fn sorting_reports_the_first_failing_document_in_path_order() {
        let doc = |content: &str, head: Result<Head, String>| Document {
            content: content.to_string(),
            head,
        };
        let files = vec![
            (
                "c/_helpers.tpl".to_string(),
                vec![doc("x", Err("partials are never read".into()))],
            ),
            (
                "c/a.yaml".to_string(),
                vec![doc("kind: A", Ok(Head::default()))],
            ),
            (
                "c/b.yaml".to_string(),
                vec![doc("oops", Err("first".into()))],
            ),
            (
                "c/c.yaml".to_string(),
                vec![doc("oops", Err("second".into()))],
            ),
        ];
        match sort_documents(files) {
            Err(err) => assert_eq!(
                (err.path.as_str(), err.message.as_str()),
                ("c/b.yaml", "first")
            ),
            Ok(sorted) => panic!("sorted despite a failing document: {sorted:?}"),
        }
    }

    #[test]
    fn atoi_is_strict() {
        assert_eq!(go_atoi("-5"), Some(-5));
        assert_eq!(go_atoi(" 5"), None);
        assert_eq!(go_atoi("5x"), None);
    }
}
