//! Render errors in Helm's words: `parse error at (FILE:LINE): MSG`,
//! `execution error at (FILE:LINE:COL): MSG` for `required`/`fail`, and the
//! multi-line trace Helm 4 prints for execution errors whose whole chain is
//! template errors (nested `include`s).

use capstan_gotmpl::{Error, ErrorKind};

use super::functions::{WARN_END, WARN_START};

/// A render failure, with the exact message `helm template` prints after
/// `Error: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RenderError {
    /// The template that failed.
    pub template: String,
    pub message: String,
}

/// Helm's `cleanupParseError`.
pub(crate) fn parse_error(template: &str, err: &Error) -> RenderError {
    let text = err.text();
    let tokens: Vec<&str> = text.split(": ").collect();
    let message = if tokens.len() == 1 {
        format!("parse error in ({template}): {text}")
    } else {
        format!(
            "parse error at ({}): {}",
            tokens[1],
            tokens[tokens.len() - 1]
        )
    };
    RenderError {
        template: template.to_string(),
        message,
    }
}

/// Helm's `reformatExecErrorMsg`.
pub(crate) fn exec_error(template: &str, err: &Error) -> RenderError {
    let text = err.text();
    let out = |message: String| RenderError {
        template: template.to_string(),
        message,
    };
    if !matches!(
        err.kind(),
        ErrorKind::Exec | ErrorKind::NoSuchTemplate | ErrorKind::Limit
    ) {
        return out(text.to_string());
    }
    let tokens: Vec<&str> = text.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return out(format!("execution error in ({template}): {text}"));
    }
    if let Some(start) = tokens[2].find(WARN_START)
        && let Some(end) = tokens[2].rfind(WARN_END)
        && end >= start + WARN_START.len()
    {
        let msg = &tokens[2][start + WARN_START.len()..end];
        return out(format!("execution error at ({}): {msg}", tokens[1]));
    }
    let mut traces: Vec<Trace> = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let Some(trace) = Trace::parse(e.text()) else {
            return out(text.to_string());
        };
        if traces.last() != Some(&trace) {
            traces.push(trace);
        }
        current = e.cause();
    }
    let joined: String = traces.iter().map(Trace::render).collect();
    out(joined.trim().to_string())
}

/// One parsed `template: ...` error (Helm's `TraceableError`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Trace {
    location: String,
    message: String,
    executed: String,
}

impl Trace {
    fn parse(s: &str) -> Option<Trace> {
        let rest = s.strip_prefix("template: ")?;
        if rest.starts_with("no template ") {
            return Some(Trace {
                location: String::new(),
                message: s.to_string(),
                executed: String::new(),
            });
        }
        if let Some((location, after)) = rest.split_once(": executing ") {
            let after = after.strip_prefix('"')?;
            let end = after.find('"')?;
            let function = &after[..end];
            let after_at = after[end + 1..].strip_prefix(" at <")?;
            let (node, msg) = after_at.split_once(">: ")?;
            let msg = msg.find(" template:").map_or(msg, |cut| &msg[..cut]);
            return Some(Trace {
                location: location.to_string(),
                message: msg.to_string(),
                executed: format!("executing \"{function}\" at <{node}>:"),
            });
        }
        let sep = rest.rfind(": ")?;
        let msg = &rest[sep + 2..];
        let msg = msg.find(" template:").map_or(msg, |cut| &msg[..cut]);
        Some(Trace {
            location: rest[..sep].to_string(),
            message: msg.to_string(),
            executed: String::new(),
        })
    }

    fn render(&self) -> String {
        let mut s = String::new();
        if !self.location.is_empty() {
            s.push_str(&self.location);
            s.push_str("\n  ");
        }
        if !self.executed.is_empty() {
            s.push_str(&self.executed);
            s.push_str("\n    ");
        }
        if !self.message.is_empty() {
            s.push_str(&self.message);
            s.push('\n');
        }
        s
    }
}
