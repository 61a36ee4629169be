//! Rendering a loaded chart: the engine wiring (built-in objects, Helm's
//! functions, Helm's error texts) and the `helm template` output stream.

mod encoded;
mod engine;
mod errors;
mod functions;
pub mod glob;
pub mod manifest;
pub mod objects;

#[doc(hidden)]
pub use encoded::kept_texts_given;
pub use engine::{Release, RenderOptions, SideBySide, parse_cache, render, side_by_side_renders};
pub(crate) use engine::{render_outputs, render_outputs_guarded};
pub use errors::RenderError;
pub use functions::{Lookup, NoCluster, RenderState, helm_functions};
