//! The node graph of one YAML document, built from granit-parser's events.
//!
//! Owns the places where granit (YAML 1.2) and libyaml 0.1 (go-yaml) read
//! the same text differently: text libyaml accepts is adjusted and parsed
//! again (a comment right after a quoted scalar, the `\'` escape), text it
//! refuses is refused with its words (the `\/` escape, anchor names outside
//! `[0-9A-Za-z_-]`, `%YAML` other than 1.1). Decoding the graph is
//! [`super::load`]'s.

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, ScanError};

use super::error::{YamlError, scan_error};

/// A node of the document; children are indexes into [`Graph::nodes`].
#[derive(Debug)]
pub(crate) enum Node {
    Scalar {
        value: String,
        /// Plain (unquoted, untagged or `!`-less) scalars are resolved.
        plain: bool,
        tag: Option<String>,
    },
    Seq(Vec<usize>),
    Map(Vec<(usize, usize)>),
    Alias {
        target: usize,
        name: String,
    },
}

/// Nesting the parser accepts (go-yaml allows 10000; the decoder's
/// recursion and [`Limits::max_depth`] stay far below stack limits).
pub(crate) const MAX_PARSE_NESTING: usize = 1000;

/// Where libyaml (go-yaml) is more lenient than granit, the text is adjusted
/// to a form both read the same way and parsed again, a bounded number of
/// times: a comment right after a quoted scalar (`"a"#c`) gets the space
/// granit wants, and the `\'` escape libyaml allows in double quotes
/// becomes a plain `'`.
pub(crate) fn build_lenient(text: &str) -> Result<Graph, YamlError> {
    // libyaml (YAML 1.1) reads NEL as a line break everywhere, exactly as
    // it reads LF (normalised to `\n` in content); granit (YAML 1.2) reads
    // it as an ordinary character. One character for one: positions hold.
    let nel;
    let text = if text.contains('\u{85}') {
        nel = text.replace('\u{85}', "\n");
        nel.as_str()
    } else {
        text
    };
    let mut owned: Option<String> = None;
    for _ in 0..64 {
        let current = owned.as_deref().unwrap_or(text);
        let e = match build_raw(current) {
            Ok(g) => return Ok(g),
            Err(BuildError::Yaml(e)) => return Err(e),
            Err(BuildError::Scan(e)) => e,
        };
        let at = e.marker().index();
        let mut chars: Vec<char> = current.chars().collect();
        let fixed = match e.kind() {
            granit_parser::ErrorKind::CommentNotSeparated
                if at > 0
                    && chars.get(at) == Some(&'#')
                    && matches!(chars.get(at - 1), Some('"' | '\'')) =>
            {
                chars.insert(at, ' ');
                true
            }
            granit_parser::ErrorKind::UnknownQuotedScalarEscape => {
                match first_bad_escape(&chars, at) {
                    Some(i) if chars.get(i + 1) == Some(&'\'') => {
                        chars.remove(i);
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        if !fixed {
            return Err(scan_err(text, &e));
        }
        owned = Some(chars.into_iter().collect());
    }
    match build_raw(owned.as_deref().unwrap_or(text)) {
        Ok(g) => Ok(g),
        Err(BuildError::Yaml(e)) => Err(e),
        Err(BuildError::Scan(e)) => Err(scan_err(text, &e)),
    }
}

/// The index of the backslash of the first escape YAML 1.2 does not know
/// (or whose hex digits are wrong), in the double-quoted scalar opening at
/// `open`.
pub(crate) fn first_bad_escape(chars: &[char], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => return None,
            '\\' => {
                let known = matches!(
                    chars.get(i + 1),
                    Some(
                        '0' | 'a'
                            | 'b'
                            | 't'
                            | '\t'
                            | 'n'
                            | 'v'
                            | 'f'
                            | 'r'
                            | 'e'
                            | ' '
                            | '"'
                            | '/'
                            | '\\'
                            | 'N'
                            | '_'
                            | 'L'
                            | 'P'
                            | 'x'
                            | 'u'
                            | 'U'
                            | '\n'
                            | '\r'
                    )
                );
                if !known {
                    return Some(i);
                }
                let digits = match chars.get(i + 1) {
                    Some('x') => 2,
                    Some('u') => 4,
                    Some('U') => 8,
                    _ => 0,
                };
                let hex_ok =
                    (0..digits).all(|k| chars.get(i + 2 + k).is_some_and(char::is_ascii_hexdigit));
                if !hex_ok {
                    return Some(i);
                }
                i += 2 + digits;
            }
            _ => i += 1,
        }
    }
    None
}

/// A failure while building the node graph.
enum BuildError {
    Scan(ScanError),
    Yaml(YamlError),
}

/// The nodes of the first document and its root (none for an empty stream).
pub(crate) struct Graph {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Option<usize>,
}

enum Open {
    Seq(usize),
    Map(usize, Option<usize>),
}

fn build_raw(text: &str) -> Result<Graph, BuildError> {
    let options = granit_parser::options! {
        emit_anchor_events: true,
        emit_unresolved_aliases: true,
        emit_comments: false,
        flow_nesting_limit: MAX_PARSE_NESTING,
        block_nesting_limit: MAX_PARSE_NESTING,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut nodes: Vec<Node> = Vec::new();
    let mut anchors: HashMap<usize, usize> = HashMap::new();
    let mut names: HashMap<usize, String> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<usize> = None;
    let mut in_doc = false;
    let mut last_node: Option<usize> = None;
    loop {
        let (event, span) = match parser.next() {
            None => break,
            Some(Ok(e)) => e,
            Some(Err(e)) => return Err(BuildError::Scan(e)),
        };
        let new_node = match event {
            Event::StreamStart => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_, version) => {
                if root.is_some() {
                    // go-yaml's Unmarshal stops after the first document.
                    break;
                }
                if let Some(v) = version
                    && (v.major, v.minor) != (1, 1)
                {
                    // go-yaml (libyaml 0.1) reads YAML 1.1 documents only.
                    return Err(BuildError::Yaml(parser_error_at(
                        text,
                        text.find("%YAML").unwrap_or(0),
                        "found incompatible YAML document",
                    )));
                }
                in_doc = true;
                continue;
            }
            Event::DocumentEnd => {
                if in_doc {
                    break;
                }
                continue;
            }
            Event::Anchor(id, name) => {
                check_anchor_name(text, &span, &name)?;
                if let Some(n) = last_node {
                    anchors.insert(id, n);
                    names.insert(id, name.into_owned());
                }
                continue;
            }
            Event::Alias(id) => {
                if let Some(name) = span.slice(text) {
                    check_anchor_name(text, &span, name.trim_start_matches('*'))?;
                }
                let Some(&target) = anchors.get(&id) else {
                    return Err(BuildError::Yaml(YamlError::syntax(
                        "yaml: unknown anchor referenced".into(),
                    )));
                };
                let name = names.get(&id).cloned().unwrap_or_default();
                nodes.push(Node::Alias { target, name });
                nodes.len() - 1
            }
            Event::UnresolvedAlias(name) => {
                return Err(BuildError::Yaml(YamlError::syntax(format!(
                    "yaml: unknown anchor '{name}' referenced"
                ))));
            }
            Event::Scalar(value, style, _anchor, tag) => {
                if style == ScalarStyle::DoubleQuoted {
                    check_escapes(text, &span)?;
                }
                let tag = tag.map(|t| format!("{}{}", t.handle(), t.suffix()));
                let plain = match (&tag, style) {
                    (None, ScalarStyle::Plain) => true,
                    // `!` alone forces a string; other tags resolve.
                    (Some(t), _) => t != "!",
                    _ => false,
                };
                let mut value = value.into_owned();
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                    && ends_without_break(text, &span)
                    && value.ends_with('\n')
                {
                    // go-yaml ends a block scalar with a line break only when
                    // its last line has one: at the end of input there is none
                    // (`fromYaml "a: |\n  t"` gives "t"), whatever the chomping.
                    value.pop();
                }
                nodes.push(Node::Scalar { value, plain, tag });
                nodes.len() - 1
            }
            Event::SequenceStart(..) => {
                nodes.push(Node::Seq(Vec::new()));
                let id = nodes.len() - 1;
                attach(&mut nodes, &mut stack, &mut root, id);
                stack.push(Open::Seq(id));
                last_node = Some(id);
                continue;
            }
            Event::MappingStart(..) => {
                nodes.push(Node::Map(Vec::new()));
                let id = nodes.len() - 1;
                attach(&mut nodes, &mut stack, &mut root, id);
                stack.push(Open::Map(id, None));
                last_node = Some(id);
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                continue;
            }
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        attach(&mut nodes, &mut stack, &mut root, new_node);
        last_node = Some(new_node);
    }
    Ok(Graph { nodes, root })
}

/// go-yaml (libyaml 0.1) does not know YAML 1.2's `\/` escape, which the
/// parser accepts: refuse it as libyaml does.
/// Whether the node at `span` runs to the end of `text` and the last line
/// of `text` holds content but no line break.
fn ends_without_break(text: &str, span: &granit_parser::Span) -> bool {
    if text.ends_with(['\n', '\r']) || span.end.byte_offset() != Some(text.len()) {
        return false;
    }
    let last_line = text.rsplit(['\n', '\r']).next().unwrap_or(text);
    !last_line.trim_matches([' ', '\t']).is_empty()
}

fn check_escapes(text: &str, span: &granit_parser::Span) -> Result<(), BuildError> {
    let (Some(start), Some(end)) = (span.start.byte_offset(), span.end.byte_offset()) else {
        return Ok(());
    };
    let Some(source) = text.get(start..end) else {
        return Ok(());
    };
    let mut chars = source.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        if let Some((_, '/')) = chars.next() {
            let index = text[..start + i].matches('\n').count();
            let message = if index == 0 {
                "yaml: found unknown escape character".to_string()
            } else {
                format!("yaml: line {}: found unknown escape character", index + 1)
            };
            return Err(BuildError::Yaml(YamlError::syntax(message)));
        }
    }
    Ok(())
}

/// A libyaml parser error at byte `at`: the line is its 0-based index,
/// omitted when 0.
fn parser_error_at(text: &str, at: usize, problem: &str) -> YamlError {
    let index = text.get(..at).map_or(0, |t| t.matches('\n').count());
    if index == 0 {
        YamlError::syntax(format!("yaml: {problem}"))
    } else {
        YamlError::syntax(format!("yaml: line {index}: {problem}"))
    }
}

/// libyaml's anchor and alias names are `[0-9A-Za-z_-]+`, ended by a blank
/// or one of `?:,]}%@` and a backquote; YAML 1.2 (and granit) allow more.
/// The first character libyaml would stop at and refuse makes the same
/// error; names cut short by an allowed terminator are left to the parser
/// (a known divergence).
fn check_anchor_name(text: &str, span: &granit_parser::Span, name: &str) -> Result<(), BuildError> {
    let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    else {
        return Ok(());
    };
    if matches!(bad, '?' | ':' | ',' | ']' | '}' | '%' | '@' | '`') {
        return Ok(());
    }
    let at = span.start.byte_offset().unwrap_or(0);
    let index = text.get(..at).map_or(0, |t| t.matches('\n').count());
    let problem = "did not find expected alphabetic or numeric character";
    Err(BuildError::Yaml(YamlError::syntax(if index == 0 {
        format!("yaml: {problem}")
    } else {
        format!("yaml: line {}: {problem}", index + 1)
    })))
}

/// Adds a finished or just-opened node to its parent.
fn attach(nodes: &mut [Node], stack: &mut [Open], root: &mut Option<usize>, id: usize) {
    match stack.last_mut() {
        None => {
            if root.is_none() {
                *root = Some(id);
            }
        }
        Some(Open::Seq(s)) => {
            if let Some(Node::Seq(items)) = nodes.get_mut(*s) {
                items.push(id);
            }
        }
        Some(Open::Map(m, pending)) => match pending.take() {
            None => *pending = Some(id),
            Some(key) => {
                if let Some(Node::Map(pairs)) = nodes.get_mut(*m) {
                    pairs.push((key, id));
                }
            }
        },
    }
}

fn scan_err(text: &str, e: &ScanError) -> YamlError {
    scan_error(text, e)
}
