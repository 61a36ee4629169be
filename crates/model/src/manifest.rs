//! Reading Argo CD objects out of YAML streams: documents split with the
//! line each starts on (so errors point into the whole file), the type of
//! each document read first, then Applications and AppProjects parsed into
//! their typed structs.

use serde::Deserialize;

use crate::{AppProject, Application, ManifestError};

/// One YAML document of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    pub text: &'a str,
    /// 1-based line of the stream where the document's text starts.
    pub line: u64,
}

fn push_document<'a>(
    stream: &'a str,
    from: usize,
    to: usize,
    line: u64,
    out: &mut Vec<Document<'a>>,
) {
    let text = &stream[from..to];
    let meaningful = text.lines().any(|l| {
        let t = l.trim_start();
        !t.is_empty() && !t.starts_with('#')
    });
    if meaningful {
        out.push(Document { text, line });
    }
}

/// Splits a YAML stream at `---` lines (and ends documents at `...`),
/// dropping documents that hold only blank lines and comments.
pub fn split_documents(stream: &str) -> Vec<Document<'_>> {
    let mut out = Vec::new();
    let mut start: Option<(usize, u64)> = None;
    let mut offset = 0usize;
    let mut line_no = 0u64;
    for line in stream.split_inclusive('\n') {
        line_no += 1;
        let bare = line.trim_end_matches(['\n', '\r']);
        let is_marker = |m: &str| {
            bare == m || (bare.starts_with(m) && bare[m.len()..].starts_with([' ', '\t']))
        };
        if is_marker("---") || is_marker("...") {
            if let Some((from, l)) = start.take() {
                push_document(stream, from, offset, l, &mut out);
            }
            if is_marker("---") {
                // Text after `--- ` on the same line belongs to the next document.
                let rest = bare[3..].trim();
                if !rest.is_empty() && !rest.starts_with('#') {
                    start = Some((offset + 4, line_no));
                }
            }
        } else if start.is_none() {
            start = Some((offset, line_no));
        }
        offset += line.len();
    }
    if let Some((from, l)) = start {
        push_document(stream, from, stream.len(), l, &mut out);
    }
    out
}

/// An object of a stream as far as capstan cares.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgoObject {
    Application(Box<Application>),
    AppProject(Box<AppProject>),
    /// Anything else, with its type and name.
    Other {
        api_version: String,
        kind: String,
        name: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Head {
    #[serde(default)]
    api_version: Option<serde_json::Value>,
    #[serde(default)]
    kind: Option<serde_json::Value>,
    #[serde(default)]
    metadata: Option<HeadMeta>,
}

#[derive(Deserialize)]
struct HeadMeta {
    #[serde(default)]
    name: Option<serde_json::Value>,
}

fn text(v: Option<serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn error(origin: &str, doc: &Document<'_>, e: &serde_saphyr::Error) -> ManifestError {
    let (line, column) = match e.location() {
        Some(loc) if loc.line() > 0 => (loc.line() + doc.line - 1, loc.column()),
        _ => (doc.line, 0),
    };
    // The rendered error carries a snippet of the document; the first line is the message.
    let message = e.to_string();
    let mut message = message.lines().next().unwrap_or("").trim();
    // serde-saphyr prefixes a position relative to the document; ours is absolute.
    message = message
        .strip_prefix("error:")
        .unwrap_or(message)
        .trim_start();
    if let Some(rest) = message.strip_prefix("line ")
        && let Some((_, after)) = rest.split_once(": ")
    {
        message = after;
    }
    let message = message.to_string();
    ManifestError {
        origin: origin.to_string(),
        line,
        column,
        message,
    }
}

/// Whether an `apiVersion` belongs to Argo CD's API group.
fn is_argo(api_version: &str) -> bool {
    api_version.split('/').next() == Some("argoproj.io")
}

/// Parses one document: Applications and AppProjects into their structs,
/// anything else into [`ArgoObject::Other`].
pub fn parse_document(origin: &str, doc: &Document<'_>) -> Result<ArgoObject, ManifestError> {
    if let Some(object) = parse_direct(doc.text) {
        return Ok(object);
    }
    parse_in_two_steps(origin, doc)
}

/// The line a document of `kind` spells at its top level, the only way
/// (short of escapes or aliases, which take the two-step path) it can be one.
fn declares_kind(text: &str, kind: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix("kind:")
            .is_some_and(|rest| rest.trim().trim_matches(['"', '\'']) == kind)
    })
}

/// One parse instead of two for the documents that are what they say: an
/// Application or AppProject read straight into its struct, kept only when
/// its `kind`, `apiVersion` (and an Application's name) are what
/// [`parse_in_two_steps`] requires. Then that path would give the same
/// object: its head parse reads a subset of the same fields, with more
/// permissive types, from the same parser, so it succeeds with these
/// values, and its second parse is this very call. Anything else (an
/// error, another kind or version) is left to that path, which words it.
fn parse_direct(text: &str) -> Option<ArgoObject> {
    if declares_kind(text, "Application") {
        return accept_application(serde_saphyr::from_str(text).ok()?);
    }
    if declares_kind(text, "AppProject") {
        return accept_project(serde_saphyr::from_str(text).ok()?);
    }
    None
}

/// An Application or AppProject from a document some other reader has
/// already turned into JSON that means what the YAML means to this
/// crate's reader (capstan-source's fast path: go-yaml and YAML 1.2 agree
/// on every scalar of it), kept under the same conditions as
/// [`parse_direct`]'s; `None` leaves the document to [`parse_document`].
pub fn argo_object_from_json(doc: serde_json::Value) -> Option<ArgoObject> {
    match doc.get("kind")?.as_str()? {
        "Application" => accept_application(serde_json::from_value(doc).ok()?),
        "AppProject" => accept_project(serde_json::from_value(doc).ok()?),
        _ => None,
    }
}

/// What [`parse_in_two_steps`] would also return for this Application.
fn accept_application(app: Application) -> Option<ArgoObject> {
    let valid = app.kind == "Application"
        && app.api_version == crate::ARGO_API_VERSION
        && !app.metadata.name.is_empty();
    valid.then(|| ArgoObject::Application(Box::new(app)))
}

/// What [`parse_in_two_steps`] would also return for this AppProject.
fn accept_project(p: AppProject) -> Option<ArgoObject> {
    let valid = p.kind == "AppProject" && p.api_version == crate::ARGO_API_VERSION;
    valid.then(|| ArgoObject::AppProject(Box::new(p)))
}

/// The document's head first (its kind decides what it is), then, for
/// Argo CD's objects, the whole document into its struct.
fn parse_in_two_steps(origin: &str, doc: &Document<'_>) -> Result<ArgoObject, ManifestError> {
    let head: Head = serde_saphyr::from_str(doc.text).map_err(|e| error(origin, doc, &e))?;
    let api_version = text(head.api_version);
    let kind = text(head.kind);
    let name = text(head.metadata.and_then(|m| m.name));
    if !is_argo(&api_version) {
        return Ok(ArgoObject::Other {
            api_version,
            kind,
            name,
        });
    }
    let check_version = || {
        if api_version != crate::ARGO_API_VERSION {
            return Err(ManifestError {
                origin: origin.to_string(),
                line: doc.line,
                column: 0,
                message: format!(
                    "{kind} {name}: apiVersion {api_version} is not supported (capstan reads {})",
                    crate::ARGO_API_VERSION
                ),
            });
        }
        Ok(())
    };
    match kind.as_str() {
        "Application" => {
            check_version()?;
            let app: Application =
                serde_saphyr::from_str(doc.text).map_err(|e| error(origin, doc, &e))?;
            if app.metadata.name.is_empty() {
                return Err(ManifestError {
                    origin: origin.to_string(),
                    line: doc.line,
                    column: 0,
                    message: "Application without metadata.name".into(),
                });
            }
            Ok(ArgoObject::Application(Box::new(app)))
        }
        "AppProject" => {
            check_version()?;
            let p: AppProject =
                serde_saphyr::from_str(doc.text).map_err(|e| error(origin, doc, &e))?;
            Ok(ArgoObject::AppProject(Box::new(p)))
        }
        _ => Ok(ArgoObject::Other {
            api_version,
            kind,
            name,
        }),
    }
}

/// Splits a stream and parses every document, stopping at the first
/// invalid Argo CD object.
pub fn parse_argo_documents(origin: &str, stream: &str) -> Result<Vec<ArgoObject>, ManifestError> {
    split_documents(stream)
        .iter()
        .map(|d| parse_document(origin, d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_their_lines() {
        let docs = split_documents("# c\n---\na: 1\n---\n# only\n---\nb: 2\nc: 3\n...\n");
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0],
            Document {
                text: "a: 1\n",
                line: 3
            }
        );
        assert_eq!(docs[1].line, 7);
    }

    /// The one-parse path gives what the two-step path gives, and leaves
    /// every other case (errors included) to it.
    #[test]
    fn direct_parse_agrees_with_two_steps() {
        let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/r.git\n    path: p\n  destination:\n    namespace: x\n";
        let project = "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: p\nspec:\n  description: d\n";
        let doc = |text| Document { text, line: 4 };
        for text in [app, project] {
            let direct = parse_direct(text).expect("taken by the direct path");
            assert_eq!(Ok(direct), parse_in_two_steps("f.yaml", &doc(text)));
        }
        let fallbacks = [
            // Wrong version, no name, a typo in spec, another kind, bad YAML.
            app.replace("v1alpha1", "v1beta1"),
            app.replace("  name: a\n", ""),
            app.replace("    path: p", "    paht: p"),
            app.replace("kind: Application", "kind: ApplicationSet"),
            app.replace("  project: default", "  project: [default"),
            project.replace("  description: d", "  descriptoin: d"),
        ];
        for text in &fallbacks {
            assert_eq!(parse_direct(text), None, "{text}");
            assert_eq!(
                parse_document("f.yaml", &doc(text)),
                parse_in_two_steps("f.yaml", &doc(text))
            );
        }
        let typo = parse_document("f.yaml", &doc(&fallbacks[2])).expect_err("unknown field");
        assert_eq!((typo.origin.as_str(), typo.line), ("f.yaml", 13));
        assert!(typo.message.contains("paht"), "{}", typo.message);
    }
}
