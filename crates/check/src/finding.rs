//! Findings: what a rule found, where (environment, app, resource, file and
//! line), how bad, and whether a switch turned the rule off (with its
//! reason). Also the catalogue of rules with their default severity.

use serde::Serialize;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Shown, never fails a run (a document no schema covers).
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Where a finding points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// A repository file, or the template a document was rendered from.
    pub file: String,
    pub line: Option<u64>,
    /// Whether `line` counts lines of the rendered document (the template's
    /// own lines are unknown), not of `file`.
    pub rendered: bool,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        match (self.line, self.rendered) {
            (Some(l), false) => write!(f, ":{l}"),
            (Some(l), true) => write!(f, " (rendered line {l})"),
            (None, _) => Ok(()),
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub environment: String,
    /// Empty for findings about an environment as a whole (a node).
    pub app: String,
    /// `group/Kind namespace/name`, when about one resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    pub message: String,
    /// Set when a switch turned the rule off here: the reason and where it was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// A rule of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $sev:ident, $summary:literal;)*) => {
        /// Rule identifiers.
        pub mod rule {
            $(pub const $name: &str = $id;)*
        }
        /// Every rule with its default severity.
        pub const RULES: &[RuleInfo] = &[
            $(RuleInfo { id: $id, severity: Severity::$sev, summary: $summary },)*
        ];
    };
}

rules! {
    PARSE = "parse", Error, "a rendered document or values file is not valid YAML";
    SCHEMA = "schema", Error, "a resource does not match the Kubernetes schema of the target version";
    UNKNOWN_FIELD = "unknown-field", Warning, "a field the schema does not know (strict validation)";
    NOT_VALIDATED = "not-validated", Info, "no schema for the kind: the document was not validated";
    API_REMOVED = "api-removed", Error, "an API version removed in the target Kubernetes version";
    API_DEPRECATED = "api-deprecated", Warning, "an API version deprecated in the target Kubernetes version";
    CAPACITY = "capacity", Error, "requests of the pods that can only land on a node exceed what it has";
    UNSCHEDULABLE = "unschedulable", Error, "a pod fits no node of the inventory";
    UNKNOWN_NODE = "unknown-node", Error, "a pod is pinned to a node the inventory does not have";
    SGX_REQUESTS = "sgx-requests", Error, "an enclave container without SGX resource requests";
    HA_SAME_NODE = "ha-same-node", Error, "the two enclaves of one node can land on the same machine";
    BAD_QUANTITY = "bad-quantity", Error, "a resource quantity that is not a Kubernetes quantity";
    SECRET_DATA = "secret-data", Error, "a Secret with literal data in Git";
    PRIVATE_KEY = "private-key", Error, "a private key in Git";
    SECRET_TOKEN = "secret-token", Error, "a key, token or credential found by pattern or entropy";
    SECRET_NAME = "secret-name", Warning, "a literal value under a secret-like name";
    IMAGE_TAG = "image-tag", Error, "a mutable image tag (latest or none) in production";
    NO_REQUESTS = "no-requests", Warning, "a container without CPU or memory requests";
    PVC_KEEP = "pvc-keep", Error, "a PVC holding enclave data that a deletion or prune would remove";
    DUPLICATE = "duplicate-resource", Error, "the same resource rendered by two apps (or twice by one)";
    NAMESPACE = "namespace-mismatch", Warning, "a resource outside its app's destination namespace";
    WAVE_DEADLOCK = "wave-deadlock", Error, "sync waves that wait on each other forever";
    EXPONENT = "exponent-number", Warning, "an integer printed in exponent form by a template";
    EMPTY_VALUE = "empty-value", Warning, "a value a template left empty (a misspelled field?)";
    SKIP_REASON = "skip-without-reason", Error, "a rule switched off without a reason";
    UNKNOWN_RULE = "unknown-rule", Warning, "a rule switch names no rule of the catalogue";
    INVENTORY = "inventory", Warning, "an environment without a node inventory: capacity not checked";
}

/// The catalogue entry of a rule.
pub fn rule_info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

/// Builds findings with the context of one app.
#[derive(Debug, Clone)]
pub(crate) struct Scope<'a> {
    pub(crate) environment: &'a str,
    pub(crate) app: &'a str,
}

impl Scope<'_> {
    pub(crate) fn finding(
        &self,
        rule: &'static str,
        resource: Option<String>,
        location: Option<Location>,
        message: String,
    ) -> Finding {
        let severity = rule_info(rule).map_or(Severity::Error, |r| r.severity);
        Finding {
            rule,
            severity,
            environment: self.environment.to_string(),
            app: self.app.to_string(),
            resource,
            location,
            message,
            skipped: None,
        }
    }
}
