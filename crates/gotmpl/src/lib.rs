//! Go's `text/template`, in Rust, with Go's exact output and error messages.
//!
//! This crate owns the template language Helm charts are written in: a lexer
//! and parser producing a syntax tree with positions ([`ast`]), an evaluator
//! with Go's value semantics, Go's built-in functions, Go's `fmt` formatting
//! of values ([`format`]), and errors worded as Go words them ([`Error`]).
//!
//! It deliberately knows nothing of Helm, YAML, Kubernetes or Git: Sprig and
//! Helm's own functions are registered by the embedder as [`Function`]s, and
//! Helm's objects (`.Chart`, `.Files`...) are host values implementing
//! [`Object`].
//!
//! Compatibility with Go is proved by a baseline corpus whose expected
//! results are produced by real Go (see `tests/baseline/`), not by reading
//! Go's documentation.

pub mod ast;
mod builtins;
mod cache;
mod error;
mod escape;
mod exec;
pub mod format;
mod func;
mod functable;
pub mod guard;
mod lex;
mod namehash;
mod parse;
mod print;
mod set;
#[doc(hidden)]
pub mod test_inputs;
mod value;

pub use cache::{ParseCache, sample_hash};
pub use error::{Error, ErrorKind};
pub use func::{CallContext, FuncBody, FuncError, Function, ParamType, Signature};
pub use set::{Limits, MissingKey, TemplateSet};
pub use value::{Map, MapRef, Object, SharedWrite, Value, WeakMapRef, thaws};
