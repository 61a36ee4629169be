//! Rendering a loaded chart: the engine wiring (built-in objects, Helm functions), and the `helm template` output stream.

pub mod glob;
pub mod manifest;
pub mod objects;
