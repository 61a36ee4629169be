//! YAML errors worded as go-yaml (libyaml) and sigs.k8s.io/yaml word them.
//!
//! Helm prints these texts verbatim (`error converting YAML to JSON: yaml:
//! line 3: mapping values are not allowed in this context`), so the parser's
//! own error kinds are translated into libyaml's problem strings, and the
//! line is reported the way go-yaml reports it: scanner problems with their
//! 1-based line, parser problems with libyaml's 0-based mark, and no line at
//! all when that number is 0.

use std::fmt;

use granit_parser::{ErrorKind, ScanError};

/// What went wrong, for callers that branch on it; the message is the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum YamlErrorKind {
    /// Malformed YAML or a value go-yaml refuses (bad alias, bad merge).
    Syntax,
    /// The YAML is fine but cannot become JSON (NaN, null keys...).
    Convert,
    /// The document is not the type asked for (a list where a map is needed).
    Type,
    /// A size, depth or alias-expansion limit was hit.
    Limit,
}

/// A YAML reading error whose `Display` is the text Helm prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    kind: YamlErrorKind,
    message: String,
}

impl YamlError {
    pub(crate) fn syntax(message: String) -> Self {
        YamlError {
            kind: YamlErrorKind::Syntax,
            message,
        }
    }

    pub(crate) fn convert(message: String) -> Self {
        YamlError {
            kind: YamlErrorKind::Convert,
            message,
        }
    }

    pub(crate) fn type_error(message: String) -> Self {
        YamlError {
            kind: YamlErrorKind::Type,
            message,
        }
    }

    pub(crate) fn limit(message: String) -> Self {
        YamlError {
            kind: YamlErrorKind::Limit,
            message,
        }
    }

    /// The category of the error.
    pub fn kind(&self) -> YamlErrorKind {
        self.kind
    }

    /// The message exactly as Helm words it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error with `prefix` in front of the message (Go's `%w` wrapping).
    pub(crate) fn wrap(mut self, prefix: &str) -> Self {
        self.message = format!("{prefix}{}", self.message);
        self
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// Whether libyaml raises the problem from its scanner (line reported
/// 1-based) or its parser (line reported as the 0-based mark).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Scanner,
    Parser,
    /// Reader problems carry no line.
    Reader,
}

pub(crate) fn scan_error(text: &str, e: &ScanError) -> YamlError {
    let (stage, problem) = translate(e.kind());
    let before: String = text.chars().take(e.marker().index()).collect();
    let problem = refine_problem(text, &before, e.kind(), problem);
    let index = problem_line(text, &before, e);
    let line = match stage {
        _ if index == 0 => 0,
        Stage::Scanner => index + 1,
        Stage::Parser => index,
        Stage::Reader => 0,
    };
    if line > 0 {
        YamlError::syntax(format!("yaml: line {line}: {problem}"))
    } else {
        YamlError::syntax(format!("yaml: {problem}"))
    }
}

fn at_eof(kind: &ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::UnclosedQuotedScalar
            | ErrorKind::UnexpectedEof
            | ErrorKind::UnexpectedEofBlockMapping
            | ErrorKind::UnexpectedEofBlockSequence
            | ErrorKind::UnexpectedEofFlowMapping
            | ErrorKind::UnexpectedEofFlowSequence
            | ErrorKind::UnexpectedEofImplicitFlowMapping
            | ErrorKind::UnclosedFlowCollection { .. }
    )
}

/// Where granit and libyaml disagree on the problem, decide from the text.
fn refine_problem(text: &str, before: &str, kind: &ErrorKind, problem: String) -> String {
    // At the end of input, libyaml still wanted a node after `[`, `{` or `,`.
    if at_eof(kind)
        && text.trim_end().ends_with(['[', '{', ','])
        && problem.starts_with("did not find expected ','")
    {
        return "did not find expected node content".to_string();
    }
    if matches!(kind, ErrorKind::MisplacedFlowCollectionEnd)
        && before.trim_end().ends_with([':', '-'])
    {
        return "did not find expected node content".to_string();
    }
    // Inside `[...]`, a flow pair's problem is reported against the sequence.
    if matches!(
        kind,
        ErrorKind::ExpectedFlowMappingSeparator | ErrorKind::UnexpectedEofImplicitFlowMapping
    ) && innermost_open_bracket(before) == Some('[')
    {
        return "did not find expected ',' or ']'".to_string();
    }
    problem
}

/// The innermost unclosed `[` or `{` in `text`, skipping quoted scalars.
fn innermost_open_bracket(text: &str) -> Option<char> {
    let mut stack = Vec::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => stack.push(c),
            (None, ']' | '}') => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.last().copied()
}

/// libyaml's 0-based problem line for the error.
fn problem_line(text: &str, before: &str, e: &ScanError) -> usize {
    let marker_index = e.marker().line().saturating_sub(1);
    match e.kind() {
        // libyaml forces a line break at the end of the stream, so text
        // without a final newline ends one line further.
        kind if at_eof(kind) => {
            text.matches('\n').count() + usize::from(!text.is_empty() && !text.ends_with('\n'))
        }
        ErrorKind::TabInPlainScalar => {
            // libyaml stops at the tab itself, granit at the scalar.
            let tab = text
                .char_indices()
                .skip(e.marker().index())
                .find(|(_, c)| *c == '\t')
                .map_or(text.len(), |(i, _)| i);
            text[..tab].matches('\n').count()
        }
        ErrorKind::UnknownQuotedScalarEscape | ErrorKind::InvalidQuotedScalarHexEscape => {
            // granit marks the opening quote, libyaml the escape itself.
            let chars: Vec<char> = text.chars().collect();
            match super::graph::first_bad_escape(&chars, e.marker().index()) {
                Some(i) => chars[..i].iter().filter(|c| **c == '\n').count(),
                None => marker_index,
            }
        }
        ErrorKind::DocumentIndicatorInQuotedScalar => {
            // libyaml points at the `---`/`...` line inside the scalar.
            let rest = &text[before.len().min(text.len())..];
            let mut line = before.matches('\n').count();
            for l in rest.split('\n').skip(1) {
                line += 1;
                if l.starts_with("---") || l.starts_with("...") {
                    return line;
                }
            }
            marker_index
        }
        ErrorKind::SimpleKeyExpected => {
            // libyaml notices the stale key at the next token: the next line
            // with content, or the end of input.
            text.split('\n')
                .enumerate()
                .skip(marker_index + 1)
                .find(|(_, l)| {
                    let t = l.trim();
                    !t.is_empty() && !t.starts_with('#')
                })
                .map_or(text.matches('\n').count(), |(i, _)| i)
        }
        _ => marker_index,
    }
}

/// libyaml's reader refuses invalid UTF-8 before anything else.
pub(crate) fn utf8_error(bytes: &[u8]) -> Option<YamlError> {
    let e = std::str::from_utf8(bytes).err()?;
    let at = e.valid_up_to();
    let lead = bytes.get(at).copied().unwrap_or(0);
    let problem = if e.error_len().is_none() {
        "incomplete UTF-8 octet sequence"
    } else if (lead & 0x80 == 0)
        || (lead & 0xE0 == 0xC0)
        || (lead & 0xF0 == 0xE0)
        || (lead & 0xF8 == 0xF0)
    {
        "invalid trailing UTF-8 octet"
    } else {
        "invalid leading UTF-8 octet"
    };
    Some(YamlError::syntax(format!("yaml: {problem}")))
}

/// libyaml's reader: only these characters may appear in a YAML stream.
pub(crate) fn allowed_char(c: char) -> bool {
    let v = c as u32;
    matches!(v, 0x09 | 0x0a | 0x0d | 0x85)
        || (0x20..=0x7e).contains(&v)
        || (0xa0..=0xd7ff).contains(&v)
        || (0xe000..=0xfffd).contains(&v)
        || (0x10000..=0x10ffff).contains(&v)
}

/// Problems libyaml finds before the first document's content that granit
/// does not: directives other than `%YAML 1.1` and `%TAG`, and a `...`
/// before any content.
pub(crate) fn stream_start_error(text: &str) -> Option<YamlError> {
    for (index, line) in text.lines().enumerate() {
        let t = line.trim_start_matches('\u{feff}');
        if let Some(rest) = t.strip_prefix('%') {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if name == "YAML" {
                let version = rest[4..].trim();
                let version = version.split(['#', ' ', '\t']).next().unwrap_or("");
                if version != "1.1" && version.split('.').count() == 2 {
                    // libyaml 0.1 accepts YAML 1.1 documents only (a parser
                    // problem: the 0-based line, omitted when 0).
                    return Some(YamlError::syntax(if index == 0 {
                        "yaml: found incompatible YAML document".to_string()
                    } else {
                        format!("yaml: line {index}: found incompatible YAML document")
                    }));
                }
                continue;
            }
            if name != "YAML" && name != "TAG" {
                let problem = if name.is_empty() {
                    "did not find expected directive name"
                } else {
                    "found unknown directive name"
                };
                return Some(YamlError::syntax(if index == 0 {
                    format!("yaml: {problem}")
                } else {
                    format!("yaml: line {}: {problem}", index + 1)
                }));
            }
            continue;
        }
        let content = t.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        // libyaml's first document is implicit: a `...` before any content
        // leaves it without a node (a parser problem).
        if let Some(after) = t.strip_prefix("...")
            && (after.is_empty() || after.starts_with([' ', '\t', '#']))
        {
            let problem = "did not find expected node content";
            return Some(YamlError::syntax(if index == 0 {
                format!("yaml: {problem}")
            } else {
                format!("yaml: line {index}: {problem}")
            }));
        }
        break;
    }
    None
}

/// Control characters libyaml's reader rejects.
pub(crate) fn control_char_error(text: &str) -> Option<YamlError> {
    // Plain ASCII text is the common case: check bytes, and decode
    // characters only when something outside printable ASCII shows up.
    let clean_ascii = text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'));
    (!clean_ascii && text.chars().any(|c| !allowed_char(c)))
        .then(|| YamlError::syntax("yaml: control characters are not allowed".into()))
}

fn translate(kind: &ErrorKind) -> (Stage, String) {
    use ErrorKind as K;
    let (stage, text) = match kind {
        K::InputDecoding { .. } => (Stage::Reader, "invalid leading UTF-8 octet"),
        K::UnexpectedEofFlowSequence => (Stage::Parser, "did not find expected ',' or ']'"),
        K::UnexpectedEofFlowMapping | K::UnexpectedEofImplicitFlowMapping => {
            (Stage::Parser, "did not find expected ',' or '}'")
        }
        K::UnexpectedEofBlockSequence | K::UnexpectedEofBlockMapping | K::UnexpectedEof => {
            (Stage::Scanner, "found unexpected end of stream")
        }
        K::ExpectedNodeContent => (Stage::Parser, "did not find expected node content"),
        K::ExpectedBlockMappingKey => (Stage::Parser, "did not find expected key"),
        K::ExpectedFlowMappingSeparator => (Stage::Parser, "did not find expected ',' or '}'"),
        K::ExpectedFlowSequenceSeparator => (Stage::Parser, "did not find expected ',' or ']'"),
        K::ExpectedBlockSequenceEntry => (Stage::Parser, "did not find expected '-' indicator"),
        K::UndeclaredTagHandle => (Stage::Parser, "found undefined tag handle"),
        K::ExpectedDocumentStart | K::MissingDocumentEndBeforeDirective => {
            (Stage::Parser, "did not find expected <document start>")
        }
        K::DuplicateVersionDirective => (Stage::Parser, "found duplicate %YAML directive"),
        K::UnsupportedYamlMajorVersion => (Stage::Parser, "found incompatible YAML document"),
        K::DuplicateTagDirective => (Stage::Parser, "found duplicate %TAG directive"),
        K::InvalidSimpleKey => (
            Stage::Scanner,
            "mapping values are not allowed in this context",
        ),
        K::SimpleKeyExpected => (Stage::Scanner, "could not find expected ':'"),
        K::UnexpectedCharacter { .. } | K::BomInsideDocument => (
            Stage::Scanner,
            "found character that cannot start any token",
        ),
        K::TabNotAllowed | K::TabInBlockIndentation | K::TabInIndentation => (
            Stage::Scanner,
            "found character that cannot start any token",
        ),
        K::InvalidDirectiveName | K::MissingDirectiveName => {
            (Stage::Scanner, "found unknown directive name")
        }
        K::MissingAnchorOrAliasName => (
            Stage::Scanner,
            "did not find expected alphabetic or numeric character",
        ),
        K::MisplacedFlowCollectionEnd
        | K::InvalidTrailingDoubleQuotedScalar
        | K::InvalidTrailingSingleQuotedScalar => (Stage::Parser, "did not find expected key"),
        K::MismatchedFlowCollectionEnd { .. } => {
            (Stage::Parser, "did not find expected node content")
        }
        K::TabInPlainScalar => (
            Stage::Scanner,
            "found a tab character that violates indentation",
        ),
        K::UnclosedFlowCollection { open: '[' } => {
            (Stage::Parser, "did not find expected ',' or ']'")
        }
        K::UnclosedFlowCollection { .. } => (Stage::Parser, "did not find expected ',' or '}'"),
        // libyaml leaves a `-` inside a flow collection to its parser.
        K::BlockEntryInFlowCollection => (Stage::Parser, "did not find expected node content"),
        K::BlockSequenceEntryNotAllowed => (
            Stage::Scanner,
            "block sequence entries are not allowed in this context",
        ),
        K::UnclosedQuotedScalar => (Stage::Scanner, "found unexpected end of stream"),
        K::UnknownQuotedScalarEscape => (Stage::Scanner, "found unknown escape character"),
        K::InvalidQuotedScalarHexEscape | K::InvalidLowSurrogateHexEscape => {
            (Stage::Scanner, "did not find expected hexdecimal number")
        }
        K::DocumentIndicatorInQuotedScalar => {
            (Stage::Scanner, "found unexpected document indicator")
        }
        K::InvalidBlockScalarHeader | K::ZeroBlockScalarIndent => (
            Stage::Scanner,
            "did not find expected comment or line break",
        ),
        K::InvalidIndentation | K::InvalidBlockScalarIndent | K::InvalidQuotedScalarIndent => (
            Stage::Scanner,
            "found a tab character that violates indentation",
        ),
        K::UnclosedVerbatimTag => (Stage::Scanner, "did not find the expected '>'"),
        K::RecursionLimitExceeded => {
            return (
                Stage::Reader,
                format!("exceeded max depth of {}", super::graph::MAX_PARSE_NESTING),
            );
        }
        other => return (Stage::Scanner, other.to_string()),
    };
    (stage, text.to_string())
}
