//! The user's values as `helm template` assembles them from its flags
//! (Helm's `values.Options.MergeValues`): `-f` files merged in order, then
//! every `--set-json`, `--set`, `--set-string`, `--set-file` and
//! `--set-literal` expression, each flag kind after the previous one
//! whatever the order on the command line. Errors are worded as Helm's.
//!
//! Reading files is the caller's: [`ValueSources`] gets the bytes of `-f`
//! files and `--set-file` targets, so this module stays free of IO and the
//! CLI decides about `-` (stdin) and URLs.

use super::strvals::{self, Mode};
use crate::chart::load::{load_values, merge_maps};
use capstan_gotmpl::Map;

/// The value flags of one `helm template` call, in command-line order
/// within each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `-f/--values` paths.
    pub value_files: Vec<String>,
    /// `--set-json`.
    pub json_values: Vec<String>,
    /// `--set`.
    pub values: Vec<String>,
    /// `--set-string`.
    pub string_values: Vec<String>,
    /// `--set-file`.
    pub file_values: Vec<String>,
    /// `--set-literal`.
    pub literal_values: Vec<String>,
}

/// Where the bytes of named files come from.
pub trait ValueSources {
    /// The contents of `path` (a `-f` file or a `--set-file` target), or
    /// the error text Helm would print for it.
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String>;
}

/// Reads files from the local file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalFiles;

impl ValueSources for LocalFiles {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("open {path}: no such file or directory"),
            std::io::ErrorKind::PermissionDenied => format!("open {path}: permission denied"),
            _ => format!("open {path}: {e}"),
        })
    }
}

/// A failure while assembling user values: Helm's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OptionsError(pub String);

impl Options {
    /// Helm's `MergeValues`: the user values map the chart is rendered with.
    pub fn merge_values(&self, src: &mut dyn ValueSources) -> Result<Map, OptionsError> {
        let mut base = Map::new();
        for path in &self.value_files {
            let raw = src.read(path).map_err(OptionsError)?;
            let current = load_values(&raw)
                .map_err(|e| OptionsError(format!("failed to parse {path}: {e}")))?;
            base = merge_maps(base, &current);
        }
        for value in &self.json_values {
            let trimmed = value.trim();
            if trimmed.starts_with('{') {
                let m = strvals::json_object(trimmed).ok_or_else(|| {
                    OptionsError(format!("failed parsing --set-json data JSON: {value}"))
                })?;
                base = merge_maps(base, &m);
            } else {
                strvals::parse_into(value, &mut base, Mode::Json)
                    .map_err(|_| OptionsError(format!("failed parsing --set-json data {value}")))?;
            }
        }
        for value in &self.values {
            strvals::parse_into(value, &mut base, Mode::Typed)
                .map_err(|e| OptionsError(format!("failed parsing --set data: {e}")))?;
        }
        for value in &self.string_values {
            strvals::parse_into(value, &mut base, Mode::Strings)
                .map_err(|e| OptionsError(format!("failed parsing --set-string data: {e}")))?;
        }
        for value in &self.file_values {
            let mut reader = |p: &str| -> Result<String, String> {
                src.read(p)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            };
            strvals::parse_into(value, &mut base, Mode::File(&mut reader))
                .map_err(|e| OptionsError(format!("failed parsing --set-file data: {e}")))?;
        }
        for value in &self.literal_values {
            strvals::parse_into(value, &mut base, Mode::Literal)
                .map_err(|e| OptionsError(format!("failed parsing --set-literal data: {e}")))?;
        }
        Ok(base)
    }
}
