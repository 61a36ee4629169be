pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod hydrate;
pub(crate) mod render;
pub(crate) mod template;
pub(crate) mod tree;
