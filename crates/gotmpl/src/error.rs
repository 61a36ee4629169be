//! Errors in Go's wording.
//!
//! `Display` prints exactly what Go's `text/template` prints (parse errors as
//! `template: NAME:LINE: MSG`, execution errors as
//! `template: NAME:LINE:COL: executing "NAME" at <NODE>: MSG`), because Helm
//! prints those texts and users search for them. The alternate form (`{:#}`)
//! adds a source snippet pointing at the offending action, for humans.

use std::fmt;

/// What went wrong, broadly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The template text does not parse.
    Parse,
    /// Execution failed (a function error, a type error, a missing key...).
    Exec,
    /// A configured limit was reached (recursion depth, fuel, output size).
    Limit,
    /// A template name that does not exist was executed.
    NoSuchTemplate,
    /// A plain error returned by a registered function (the cause of an
    /// `error calling NAME: ...` execution error). Its text has no
    /// `template:` prefix.
    Function,
}

/// A template error.
///
/// Boxed: every step of the evaluator returns `Result<_, Error>`, and a
/// pointer-sized error keeps those results small (`Result<(), Error>` is
/// one register) on the path where nothing fails.
#[derive(Clone)]
pub struct Error(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    kind: ErrorKind,
    /// The complete message in Go's wording.
    text: String,
    /// Human context: the source line and a caret, if known.
    snippet: Option<String>,
    /// The error this one wraps, as Go's `%w` does for
    /// `error calling NAME: %w`: Helm walks this chain to print its
    /// multi-line trace of nested `include` failures.
    cause: Option<Error>,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("text", &self.0.text)
            .field("snippet", &self.0.snippet)
            .field("cause", &self.0.cause)
            .finish()
    }
}

impl Error {
    /// An error with its complete Go-worded text.
    pub fn new(kind: ErrorKind, text: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            text: text.into(),
            snippet: None,
            cause: None,
        }))
    }

    /// Records the error this one wraps (see [`Error::cause`]).
    pub fn with_cause(mut self, cause: Error) -> Error {
        self.0.cause = Some(cause);
        self
    }

    /// The wrapped error: for `error calling NAME: ...` the function's own
    /// error (a nested template error for Helm's `include`, otherwise an
    /// error of kind [`ErrorKind::Function`]). Go's `errors.Unwrap` chain.
    pub fn cause(&self) -> Option<&Error> {
        self.0.cause.as_ref()
    }

    /// Attaches a human-readable source snippet.
    pub fn with_snippet(mut self, snippet: impl Into<String>) -> Error {
        self.0.snippet = Some(snippet.into());
        self
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The Go-worded message.
    pub fn text(&self) -> &str {
        &self.0.text
    }

    /// The source snippet, if any.
    pub fn snippet(&self) -> Option<&str> {
        self.0.snippet.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.text)?;
        if f.alternate()
            && let Some(snippet) = &self.0.snippet
        {
            write!(f, "\n{snippet}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .cause
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
