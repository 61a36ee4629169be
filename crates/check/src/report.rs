//! The result of a run and its three renderings: human text (grouped by
//! environment and app, by severity, with file and line), JSON, and SARIF
//! 2.1.0 for code-scanning tools.

use serde::Serialize;
use serde_json::json;

use crate::finding::{Finding, RULES, Severity};

/// Every finding of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub kube_version: String,
    pub apps: usize,
    pub documents: usize,
    pub findings: Vec<Finding>,
}

impl Report {
    /// Findings that count (not switched off) at or above `level`.
    pub fn count_at_least(&self, level: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.skipped.is_none() && f.severity >= level)
            .count()
    }

    fn count(&self, level: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.skipped.is_none() && f.severity == level)
            .count()
    }
}

/// Human text: one block per environment and app, errors first.
pub fn render_human(r: &Report) -> String {
    let mut s = String::new();
    let mut current: Option<(&str, &str)> = None;
    for f in &r.findings {
        let group = (f.environment.as_str(), f.app.as_str());
        if current != Some(group) {
            current = Some(group);
            let env = if f.environment.is_empty() {
                "(no environment)"
            } else {
                &f.environment
            };
            let app = if f.app.is_empty() {
                "(environment)"
            } else {
                &f.app
            };
            s.push_str(&format!("\n{env} / {app}\n"));
        }
        let sev = if f.skipped.is_some() {
            "skipped"
        } else {
            f.severity.as_str()
        };
        s.push_str(&format!("  {sev:<7} [{}] {}\n", f.rule, f.message));
        if let Some(res) = &f.resource {
            s.push_str(&format!("          resource: {res}\n"));
        }
        if let Some(loc) = &f.location {
            s.push_str(&format!("          at: {loc}\n"));
        }
        if let Some(reason) = &f.skipped {
            s.push_str(&format!("          switched off: {reason}\n"));
        }
    }
    let skipped = r.findings.iter().filter(|f| f.skipped.is_some()).count();
    s.push_str(&format!(
        "\n{} apps, {} documents checked against Kubernetes {}: {} errors, {} warnings, {} notes, {} switched off\n",
        r.apps,
        r.documents,
        r.kube_version,
        r.count(Severity::Error),
        r.count(Severity::Warning),
        r.count(Severity::Info),
        skipped
    ));
    s
}

/// Pretty JSON of the report.
pub fn render_json(r: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// SARIF 2.1.0: one run, the rule catalogue, one result per finding
/// (switched-off findings carry a suppression with their reason).
pub fn render_sarif(r: &Report) -> String {
    let rules: Vec<_> = RULES
        .iter()
        .map(|ri| {
            json!({
                "id": ri.id,
                "shortDescription": {"text": ri.summary},
                "defaultConfiguration": {"level": level(ri.severity)},
            })
        })
        .collect();
    let results: Vec<_> = r
        .findings
        .iter()
        .map(|f| {
            let mut res = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": format!("{}{}", if f.app.is_empty() { String::new() } else { format!("{}: ", f.app) }, f.message)},
                "properties": {"environment": f.environment, "app": f.app, "resource": f.resource},
            });
            if let Some(loc) = &f.location {
                let mut phys = json!({"artifactLocation": {"uri": loc.file}});
                if let (Some(line), false) = (loc.line, loc.rendered) {
                    phys["region"] = json!({"startLine": line});
                }
                res["locations"] = json!([{"physicalLocation": phys}]);
            }
            if let Some(reason) = &f.skipped {
                res["suppressions"] = json!([{"kind": "external", "justification": reason}]);
            }
            res
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "capstan check",
                "informationUri": "https://github.com/capstan-gitops/capstan",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
