//! Rendered documents parsed once into [`Object`]s: the YAML tree with
//! lines, the resource identity, the annotations Argo CD acts on, and the
//! pod template of workload kinds.

use capstan_model::ResourceKey;
use capstan_model::annotations::Annotations;

use crate::finding::{Finding, Location, Scope, rule};
use crate::input::{App, Document, ValuesFile};
use crate::yaml::{self, Node};

/// One rendered resource.
#[derive(Debug)]
pub(crate) struct Object<'a> {
    pub(crate) doc: &'a Document,
    pub(crate) root: Node,
    pub(crate) api_version: String,
    pub(crate) kind: String,
    pub(crate) name: String,
    /// `metadata.namespace` as written (empty when absent).
    pub(crate) namespace: String,
    pub(crate) key: ResourceKey,
    pub(crate) annotations: Annotations,
}

impl Object<'_> {
    /// Where line `line` of the rendered document is.
    pub(crate) fn location(&self, line: u64) -> Location {
        match (&self.doc.file, self.doc.line) {
            (Some(f), Some(start)) => Location {
                file: f.clone(),
                line: Some(start + line - 1),
                rendered: false,
            },
            _ => Location {
                file: self.doc.template.clone(),
                line: Some(line),
                rendered: true,
            },
        }
    }

    /// The resource as `group/Kind namespace/name`.
    pub(crate) fn resource(&self) -> String {
        self.key.to_string()
    }

    /// The pod spec of a Pod or of a workload's template.
    pub(crate) fn pod_spec(&self) -> Option<&Node> {
        match self.kind.as_str() {
            "Pod" => self.root.get("spec"),
            "Deployment"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicaSet"
            | "ReplicationController"
            | "Job" => self.root.at(&["spec", "template", "spec"]),
            "CronJob" => self
                .root
                .at(&["spec", "jobTemplate", "spec", "template", "spec"]),
            _ => None,
        }
    }

    /// The labels of the pods it creates.
    pub(crate) fn pod_labels(&self) -> Vec<(String, String)> {
        let labels = match self.kind.as_str() {
            "Pod" => self.root.at(&["metadata", "labels"]),
            "CronJob" => self.root.at(&[
                "spec",
                "jobTemplate",
                "spec",
                "template",
                "metadata",
                "labels",
            ]),
            _ => self.root.at(&["spec", "template", "metadata", "labels"]),
        };
        labels
            .map(|l| {
                l.string_map()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many pods it keeps running (0 for run-to-completion kinds).
    pub(crate) fn replicas(&self) -> u64 {
        match self.kind.as_str() {
            "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController" => self
                .root
                .str_at(&["spec", "replicas"])
                .and_then(|r| r.parse().ok())
                .unwrap_or(1),
            "Pod" => 1,
            _ => 0,
        }
    }
}

/// An app with its documents parsed.
#[derive(Debug)]
pub(crate) struct LoadedApp<'a> {
    pub(crate) app: &'a App,
    pub(crate) objects: Vec<Object<'a>>,
    pub(crate) values: Vec<(&'a ValuesFile, Node)>,
}

impl<'a> LoadedApp<'a> {
    pub(crate) fn scope(&self) -> Scope<'a> {
        Scope {
            environment: &self.app.environment,
            app: &self.app.name,
        }
    }
}

/// Parses every document and values file of an app; what cannot be read
/// becomes a `parse` finding.
pub(crate) fn load<'a>(app: &'a App, out: &mut Vec<Finding>) -> LoadedApp<'a> {
    let scope = Scope {
        environment: &app.environment,
        app: &app.name,
    };
    let mut objects = Vec::new();
    for doc in &app.documents {
        let root = match yaml::load(&doc.text) {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(e) => {
                let loc = Location {
                    file: doc.file.clone().unwrap_or_else(|| doc.template.clone()),
                    line: Some(doc.line.unwrap_or(1) + e.line.saturating_sub(1)),
                    rendered: doc.file.is_none(),
                };
                out.push(scope.finding(rule::PARSE, None, Some(loc), e.message));
                continue;
            }
        };
        let api_version = root.str_at(&["apiVersion"]).unwrap_or("").to_string();
        let kind = root.str_at(&["kind"]).unwrap_or("").to_string();
        let name = root.str_at(&["metadata", "name"]).unwrap_or("").to_string();
        let namespace = root
            .str_at(&["metadata", "namespace"])
            .unwrap_or("")
            .to_string();
        let key = ResourceKey::for_object(
            &api_version,
            &kind,
            Some(namespace.as_str()),
            &name,
            &app.namespace,
        );
        let annotations = root
            .at(&["metadata", "annotations"])
            .map(|a| Annotations::parse(a.string_map()))
            .unwrap_or_default();
        objects.push(Object {
            doc,
            root,
            api_version,
            kind,
            name,
            namespace,
            key,
            annotations,
        });
    }
    let mut values = Vec::new();
    for vf in &app.values_files {
        match yaml::load(&vf.text) {
            Ok(Some(n)) => values.push((vf, n)),
            Ok(None) => {}
            Err(e) => out.push(scope.finding(
                rule::PARSE,
                None,
                Some(Location {
                    file: vf.path.clone(),
                    line: Some(e.line),
                    rendered: false,
                }),
                e.message,
            )),
        }
    }
    LoadedApp {
        app,
        objects,
        values,
    }
}
