//! What the checks read, as plain data: the rendered apps of one or more
//! environments (documents with the template or file they came from, the
//! values files with their text), the node inventory of each environment,
//! the target Kubernetes version and the rule switches. Callers (the CLI,
//! from capstan-source) fill it; nothing here reads files or Git.

use std::collections::BTreeMap;

use crate::inventory::Inventory;

/// Everything one `check` run looks at.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub apps: Vec<App>,
    pub environments: Vec<Environment>,
    /// Target Kubernetes version as `(major, minor)`; `None`: [`DEFAULT_KUBE_VERSION`].
    pub kube_version: Option<(u32, u32)>,
    /// Rule switches from configuration (`capstan.yaml`).
    pub skips: Vec<Skip>,
    /// Extra schema sources (a schema folder): CustomResourceDefinition
    /// documents whose `openAPIV3Schema` validates the kinds they define.
    pub schema_documents: Vec<Document>,
}

/// The Kubernetes version checked against when none is given.
pub const DEFAULT_KUBE_VERSION: (u32, u32) = (1, 33);

/// One rendered Application.
#[derive(Debug, Clone, Default)]
pub struct App {
    pub name: String,
    /// The environment the app belongs to (`dev`, `mainnet`).
    pub environment: String,
    /// The cluster it deploys to: apps of one cluster share cluster-scoped
    /// objects and namespaces, so duplicates are looked for per cluster.
    pub cluster: String,
    /// `spec.destination.namespace`.
    pub namespace: String,
    pub project: String,
    /// The Application's own annotations (rule switches live there).
    pub annotations: BTreeMap<String, String>,
    /// The repository file holding the Application manifest, when known.
    pub manifest_file: Option<String>,
    /// The Application manifest as written (a parent's rendered document,
    /// or the file of a root app): its inline Helm `values`/`valuesObject`
    /// are scanned there, with its file and line. The text may hold several
    /// documents; the Application named [`App::name`] is the one read.
    pub application: Option<Document>,
    pub documents: Vec<Document>,
    /// The value files the app's Helm sources read, exactly as rendered.
    pub values_files: Vec<ValuesFile>,
}

/// One rendered document.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The template (`chart/templates/x.yaml`) or file it was rendered from.
    pub template: String,
    /// The repository file holding the document verbatim, when there is
    /// one (plain directory sources), with the line its text starts on.
    pub file: Option<String>,
    pub line: Option<u64>,
    pub text: String,
}

/// A values file as the app reads it.
#[derive(Debug, Clone, Default)]
pub struct ValuesFile {
    /// Where it is, as the user knows it: a repository path (prefixed by
    /// the repository when it is not the one checked).
    pub path: String,
    pub text: String,
}

/// One environment: whether it is production and its nodes.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub name: String,
    pub prod: bool,
    pub inventory: Option<Inventory>,
}

/// A rule switched off for the apps matching `apps` (and, with
/// `resource`, only for the resources it selects), with the reason shown.
#[derive(Debug, Clone, Default)]
pub struct Skip {
    pub rule: String,
    /// App names; `*` matches any run of characters. Empty: every app.
    pub apps: Vec<String>,
    /// Only findings about the resources this selects; `None`: every
    /// finding of the apps.
    pub resource: Option<ResourceSelector>,
    pub reason: String,
    /// Where the switch was written (shown with the reason).
    pub origin: String,
}

/// Selects rendered resources; an empty field matches anything, `*`
/// globs in `namespace` and `name`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceSelector {
    /// The kind exactly as written (`Deployment`).
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ResourceSelector {
    /// Whether it selects the resource `kind namespace/name`.
    pub(crate) fn matches(&self, kind: &str, namespace: &str, name: &str) -> bool {
        (self.kind.is_empty() || self.kind == kind)
            && (self.namespace.is_empty() || glob_match(&self.namespace, namespace))
            && (self.name.is_empty() || glob_match(&self.name, name))
    }

    /// Whether it selects nothing in particular (every resource).
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty() && self.namespace.is_empty() && self.name.is_empty()
    }
}

/// Whether an environment looks like production when nothing says so:
/// its name or its apps' project names production, not non-production.
pub fn looks_prod(environment: &str, projects: &[&str]) -> bool {
    let prodlike = |s: &str| {
        let s = s.to_ascii_lowercase();
        let words: Vec<&str> = s.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        words
            .iter()
            .any(|w| matches!(*w, "prod" | "production" | "mainnet" | "live"))
    };
    prodlike(environment) || projects.iter().any(|p| prodlike(p))
}

/// Matches `*` globs of app names.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let mut rest = name;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(p) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            match rest.find(p) {
                Some(at) => rest = &rest[at + p.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn prod_and_globs() {
        assert!(looks_prod("mainnet", &[]));
        assert!(looks_prod("x", &["ten-prod"]));
        assert!(!looks_prod("dev", &["ten-nonprod"]));
        assert!(glob_match("mainnet-*", "mainnet-sequencer"));
        assert!(glob_match("*-gateway*", "testnet-gateway-dexynth"));
        assert!(!glob_match("dev-*", "uat-tools"));
        assert!(glob_match("a", "a"));
    }
}
