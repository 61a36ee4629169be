pub(crate) mod template;
