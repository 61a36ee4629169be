//! A set of named templates sharing functions and options: Go's
//! `*template.Template` with its associated templates.
//!
//! (API fixed; bodies in progress.)

use crate::error::{Error, ErrorKind};
use crate::func::Function;
use crate::value::Value;

/// What a missing map key evaluates to (Go's `missingkey=` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default` (also `invalid`): "no value".
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the map's element type (a nil
    /// interface for Helm's maps). Helm's default.
    Zero,
    /// `missingkey=error`: execution stops with an error.
    Error,
}

/// Execution limits: each reached limit is a clear error, never a hang or a
/// stack overflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting of `template` calls (and of embedder calls such as
    /// Helm's `include`).
    pub max_depth: usize,
    /// Execution budget: the number of evaluation steps one `execute` call
    /// may take.
    pub fuel: u64,
    /// Maximum size in bytes of one execution's output.
    pub max_output: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_depth: 1000, fuel: 100_000_000, max_output: 256 << 20 }
    }
}

/// A set of named templates.
#[derive(Debug, Default, Clone)]
pub struct TemplateSet {
    missing_key: MissingKey,
    limits: Limits,
}

impl TemplateSet {
    /// An empty set with Go's built-in functions.
    pub fn new() -> TemplateSet {
        TemplateSet::default()
    }

    /// Sets the `missingkey` option.
    pub fn set_missing_key(&mut self, missing_key: MissingKey) {
        self.missing_key = missing_key;
    }

    /// The execution limits, to change them.
    pub fn limits_mut(&mut self) -> &mut Limits {
        &mut self.limits
    }

    /// Registers a function; must happen before parsing templates that call it.
    pub fn add_function(&mut self, name: &str, function: Function) {
        let _ = (name, function);
    }

    /// Parses `text` as the template `name`, adding the templates it defines.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), Error> {
        let _ = (name, text);
        Err(Error::new(ErrorKind::Parse, "not implemented"))
    }

    /// Executes the template `name` with `data` as dot.
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, Error> {
        let _ = (name, data);
        Err(Error::new(ErrorKind::Exec, "not implemented"))
    }
}
