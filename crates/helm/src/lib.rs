//! Helm charts rendered exactly as `helm template` renders them.
//!
//! Owns charts (`Chart.yaml`, archives, `.helmignore`, dependencies), values
//! (Helm's YAML reading, coalescing, the `--set` family), Sprig and Helm's
//! own template functions, and the `helm template` output stream. Template
//! execution itself is `capstan-gotmpl`'s; nothing here talks to a cluster
//! or to Git.

mod budget;
pub mod chart;
pub mod deps;
pub mod json;
mod memo;
pub mod render;
pub mod schema;
pub mod sprig;
pub mod template;
pub mod toml;
pub mod values;
pub mod worker;
pub mod yaml;
