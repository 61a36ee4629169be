//! Functions registered by the embedder (Sprig, Helm's `include`, `tpl`...).
//!
//! Go's evaluator type-checks every argument against the function's declared
//! parameter types before the call, and its error messages depend on those
//! types ("wrong type for value; expected string; got int"). A function
//! therefore declares a [`Signature`] with Go parameter types, and the
//! evaluator performs Go's conversions (untyped constants, nil to a
//! nilable type, int to float for constants) before the Rust closure runs.

use std::fmt;
use std::sync::Arc;

use crate::value::Value;

/// The Go type of one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamType {
    /// `interface{}`: anything, `nil` included.
    Any,
    /// `string`.
    String,
    /// `int`.
    Int,
    /// `int64`.
    Int64,
    /// `float64`.
    Float,
    /// `bool`.
    Bool,
    /// `[]interface{}`.
    List,
    /// `map[string]interface{}`.
    Map,
    /// `[]byte`.
    Bytes,
    /// `[]string`.
    StringList,
}

impl ParamType {
    /// The type's name as Go prints it in error messages.
    pub fn go_name(self) -> &'static str {
        match self {
            ParamType::Any => "interface {}",
            ParamType::String => "string",
            ParamType::Int => "int",
            ParamType::Int64 => "int64",
            ParamType::Float => "float64",
            ParamType::Bool => "bool",
            ParamType::List => "[]interface {}",
            ParamType::Map => "map[string]interface {}",
            ParamType::Bytes => "[]uint8",
            ParamType::StringList => "[]string",
        }
    }
}

/// A function's Go signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Fixed parameters.
    pub params: Vec<ParamType>,
    /// Type of the trailing `...T` parameter, if the function is variadic.
    pub variadic: Option<ParamType>,
}

impl Signature {
    /// A fixed-arity signature.
    pub fn fixed(params: &[ParamType]) -> Signature {
        Signature {
            params: params.to_vec(),
            variadic: None,
        }
    }

    /// A variadic signature: `params` then `...rest`.
    pub fn variadic(params: &[ParamType], rest: ParamType) -> Signature {
        Signature {
            params: params.to_vec(),
            variadic: Some(rest),
        }
    }
}

/// An error returned by a function. The evaluator wraps it as Go does:
/// `error calling NAME: MESSAGE`.
#[derive(Debug, Clone)]
pub struct FuncError {
    message: String,
    /// Set when the function failed because a template it executed failed
    /// (Helm's `include`, `tpl`): Go keeps that error in the chain.
    template: Option<Box<crate::Error>>,
}

impl FuncError {
    /// An error with a message.
    pub fn msg(message: impl Into<String>) -> FuncError {
        FuncError {
            message: message.into(),
            template: None,
        }
    }

    /// A function error that is a template error (returned unchanged by
    /// `include`): its text is the template error's text.
    pub fn from_template_error(err: crate::Error) -> FuncError {
        FuncError {
            message: err.to_string(),
            template: Some(Box::new(err)),
        }
    }

    /// The template error this function error carries, if any.
    pub fn template_error(&self) -> Option<&crate::Error> {
        self.template.as_deref()
    }

    /// The error to keep as the cause of `error calling NAME: ...`.
    pub fn into_cause(self) -> crate::Error {
        match self.template {
            Some(err) => *err,
            None => crate::Error::new(crate::ErrorKind::Function, self.message),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FuncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FuncError {}

/// What a function sees of the running template besides its arguments:
/// Helm's `include` executes another template, `tpl` parses and executes a
/// string with the current set of definitions.
pub trait CallContext {
    /// Executes the named template of the set with `data` as dot and returns
    /// its output (`include`). Depth limits apply.
    fn execute_template(&mut self, name: &str, data: Value) -> Result<String, crate::Error>;

    /// [`CallContext::execute_template`] with the output as a string
    /// [`Value`], which the evaluator builds without an intermediate
    /// `String` (Helm's `include` returns it as is).
    fn execute_template_value(&mut self, name: &str, data: Value) -> Result<Value, crate::Error> {
        self.execute_template(name, data).map(Value::from)
    }

    /// Parses `text` as a template named `name` that can use (and add)
    /// definitions of a copy of the current set, executes it with `data`
    /// and returns its output (`tpl`).
    fn execute_text(&mut self, name: &str, text: &str, data: Value)
    -> Result<String, crate::Error>;

    /// The name of the template being executed (`.Template.Name` in Helm is
    /// computed by the embedder; this is the `define` name).
    fn template_name(&self) -> &str;

    /// The state the embedder attached to the set with
    /// [`crate::TemplateSet::set_state`] (Helm keeps its per-render
    /// `include` counts and its `lookup` client there), so one table of
    /// functions serves every render.
    fn state(&self) -> Option<&(dyn std::any::Any + Send + Sync)> {
        None
    }
}

/// The Rust body of a function.
pub type FuncBody =
    Arc<dyn Fn(&mut dyn CallContext, &[Value]) -> Result<Value, FuncError> + Send + Sync>;

/// A registered function: its Go signature and its body.
#[derive(Clone)]
pub struct Function {
    pub sig: Signature,
    pub body: FuncBody,
}

impl Function {
    /// A function from a signature and a closure.
    pub fn new(
        sig: Signature,
        body: impl Fn(&mut dyn CallContext, &[Value]) -> Result<Value, FuncError>
        + Send
        + Sync
        + 'static,
    ) -> Function {
        Function {
            sig,
            body: Arc::new(body),
        }
    }
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Function")
            .field("sig", &self.sig)
            .finish_non_exhaustive()
    }
}
