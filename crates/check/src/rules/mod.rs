//! The rules, one module per family.

pub(crate) mod apis;
pub(crate) mod fleet;
pub(crate) mod pitfalls;
pub(crate) mod placement;
pub(crate) mod schema;
pub(crate) mod secrets;
pub(crate) mod waves;
