//! Rule switches: turning a rule off where a team has decided its finding
//! does not apply, always with a reason that every output shows.
//!
//! Three places switch a rule off:
//! - the Application annotation `check.capstan.dev/skip-<rule>: <reason>`:
//!   every finding of that rule about the app;
//! - the same annotation on a rendered resource: the findings of that rule
//!   about that resource only (in the app that renders it);
//! - a [`Skip`] from configuration: by app glob, optionally narrowed to
//!   the resources a [`ResourceSelector`](crate::ResourceSelector) picks.
//!
//! A switch without a reason switches nothing and is an error finding (a
//! silent opt-out is what the reason exists to prevent); a switch naming
//! a rule that does not exist is a warning (a typo would otherwise leave
//! the finding on with nobody noticing why the switch "does not work").

use std::collections::{BTreeSet, HashMap};

use crate::finding::{Finding, Location, RULES, Severity, rule, rule_info};
use crate::input::{self, Input, ResourceSelector};
use crate::object::{LoadedApp, Object};

/// Annotation prefix of rule switches, on an Application or a resource.
pub const SKIP_ANNOTATION_PREFIX: &str = "check.capstan.dev/skip-";

/// What a switch applies to.
#[derive(Debug)]
enum Target {
    /// Apps by glob, optionally only some of their resources.
    Apps {
        globs: Vec<String>,
        resource: Option<ResourceSelector>,
    },
    /// One rendered resource of one app.
    Object {
        environment: String,
        app: String,
        resource: String,
    },
}

/// One switch that is in force.
#[derive(Debug)]
struct Switch {
    rule: String,
    target: Target,
    /// Shown with the finding: the reason and where it was written.
    shown: String,
}

/// Marks the findings switched off; adds findings for broken switches.
pub(crate) fn apply(input: &Input, loaded: &[LoadedApp<'_>], findings: &mut Vec<Finding>) {
    let mut switches = Vec::new();
    let mut problems = Vec::new();
    let app_names: BTreeSet<(&str, &str)> = input
        .apps
        .iter()
        .map(|a| (a.environment.as_str(), a.name.as_str()))
        .collect();
    for app in &input.apps {
        for (k, v) in &app.annotations {
            let Some(rule) = k.strip_prefix(SKIP_ANNOTATION_PREFIX) else {
                continue;
            };
            let origin = format!(
                "annotation {k} on Application {}{}",
                app.name,
                app.manifest_file
                    .as_deref()
                    .map(|f| format!(" ({f})"))
                    .unwrap_or_default()
            );
            let broken = Broken {
                environment: &app.environment,
                app: &app.name,
                resource: None,
                location: None,
            };
            if let Some(p) = broken.check(rule, v, &origin) {
                problems.push(p);
                continue;
            }
            switches.push(Switch {
                rule: rule.to_string(),
                target: Target::Apps {
                    globs: vec![app.name.clone()],
                    resource: None,
                },
                shown: format!("{} ({origin})", v.trim()),
            });
        }
    }
    for app in loaded {
        for obj in &app.objects {
            let Some(annotations) = obj.root.at(&["metadata", "annotations"]) else {
                continue;
            };
            for (k, v) in annotations.entries() {
                let Some(rule) = k.strip_prefix(SKIP_ANNOTATION_PREFIX) else {
                    continue;
                };
                let value = v.str().unwrap_or("");
                let location = obj.location(v.line);
                let origin = format!("annotation {k} on {} ({location})", obj.resource());
                // The child app reports its own annotations' problems.
                let child = is_application(obj)
                    && app_names.contains(&(app.app.environment.as_str(), obj.name.as_str()));
                let broken = Broken {
                    environment: &app.app.environment,
                    app: &app.app.name,
                    resource: Some(obj.resource()),
                    location: Some(location),
                };
                if let Some(p) = broken.check(rule, value, &origin) {
                    if !child {
                        problems.push(p);
                    }
                    continue;
                }
                switches.push(Switch {
                    rule: rule.to_string(),
                    target: Target::Object {
                        environment: app.app.environment.clone(),
                        app: app.app.name.clone(),
                        resource: obj.resource(),
                    },
                    shown: format!("{} ({origin})", value.trim()),
                });
            }
        }
    }
    for s in &input.skips {
        let broken = Broken {
            environment: "",
            app: "",
            resource: None,
            location: None,
        };
        if let Some(p) = broken.check(&s.rule, &s.reason, &s.origin) {
            problems.push(p);
            continue;
        }
        let globs = if s.apps.is_empty() {
            vec!["*".to_string()]
        } else {
            s.apps.clone()
        };
        switches.push(Switch {
            rule: s.rule.clone(),
            target: Target::Apps {
                globs,
                resource: s.resource.clone(),
            },
            shown: format!("{} ({})", s.reason.trim(), s.origin),
        });
    }
    if switches.is_empty() {
        findings.extend(problems);
        return;
    }
    // The object each finding is about, to match resource selectors.
    let mut objects: HashMap<(&str, &str, String), &Object<'_>> = HashMap::new();
    for app in loaded {
        for obj in &app.objects {
            objects
                .entry((
                    app.app.environment.as_str(),
                    app.app.name.as_str(),
                    obj.resource(),
                ))
                .or_insert(obj);
        }
    }
    for f in findings.iter_mut() {
        let obj = f.resource.as_ref().and_then(|r| {
            objects
                .get(&(f.environment.as_str(), f.app.as_str(), r.clone()))
                .copied()
        });
        if let Some(s) = switches
            .iter()
            .find(|s| s.rule == f.rule && s.applies_to(f, obj))
        {
            f.skipped = Some(s.shown.clone());
        }
    }
    findings.extend(problems);
}

impl Switch {
    fn applies_to(&self, f: &Finding, obj: Option<&Object<'_>>) -> bool {
        match &self.target {
            Target::Apps { globs, resource } => {
                globs.iter().any(|g| input::glob_match(g, &f.app))
                    && match (resource, obj) {
                        (None, _) => true,
                        (Some(sel), Some(o)) => {
                            sel.matches(&o.key.kind, &o.key.namespace, &o.key.name)
                        }
                        (Some(_), None) => false,
                    }
            }
            Target::Object {
                environment,
                app,
                resource,
            } => {
                *environment == f.environment
                    && *app == f.app
                    && f.resource.as_deref() == Some(resource.as_str())
            }
        }
    }
}

fn is_application(obj: &Object<'_>) -> bool {
    obj.kind == "Application" && obj.key.group == "argoproj.io"
}

/// Where a switch was written, for the finding about it being broken.
#[derive(Debug)]
struct Broken<'a> {
    environment: &'a str,
    app: &'a str,
    resource: Option<String>,
    location: Option<Location>,
}

impl Broken<'_> {
    /// The finding about a switch that cannot be honoured, if it cannot.
    fn check(&self, rule: &str, reason: &str, origin: &str) -> Option<Finding> {
        let (id, severity, message) = if reason.trim().is_empty() {
            (
                rule::SKIP_REASON,
                Severity::Error,
                format!(
                    "{origin}: switching rule {rule} off needs a reason; the switch is ignored"
                ),
            )
        } else if rule_info(rule).is_none() {
            (
                rule::UNKNOWN_RULE,
                Severity::Warning,
                format!(
                    "{origin}: no rule named {rule:?}; the switch does nothing (rules: {})",
                    RULES.iter().map(|r| r.id).collect::<Vec<_>>().join(", ")
                ),
            )
        } else {
            return None;
        };
        Some(Finding {
            rule: id,
            severity,
            environment: self.environment.to_string(),
            app: self.app.to_string(),
            resource: self.resource.clone(),
            location: self.location.clone(),
            message,
            skipped: None,
        })
    }
}
