//! Schema validation of every rendered resource against the Kubernetes JSON
//! schemas of the target version (shipped in `data/k8s-schemas.json.gz`,
//! produced by `scripts/update-k8s-schemas` from PyPI kubernetes-validate),
//! or, for kinds a CustomResourceDefinition of the input defines, against
//! the CRD's own `openAPIV3Schema`. Type and required-field errors come from
//! the plain schema; unknown fields from the strict one (every object that
//! lists its properties refuses others, as `kubectl --validate=strict`).
//! Anything without a schema is reported as not validated, never passed.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use boon::{Compiler, Draft, ErrorKind, InstanceToken, SchemaIndex, Schemas, ValidationError};
use serde_json::{Map, Value, json};

use crate::finding::{Finding, Severity, rule};
use crate::object::{LoadedApp, Object};
use crate::yaml::Node;

/// The compressed schema data: `{versions, defs: {name: [[[version index], schema]]}}`.
static DATA: &[u8] = include_bytes!("../../data/k8s-schemas.json.gz");
const DEFS_URL: &str = "https://kubernetes.io/api/_definitions.json";
const STRICT_URL: &str = "https://kubernetes.io/api-strict/_definitions.json";
/// Findings per document at most (a wrong indentation can fail everything).
const MAX_PER_DOC: usize = 8;

/// Kubernetes versions whose schemas capstan ships.
pub fn supported_versions() -> Vec<String> {
    load_data()
        .ok()
        .and_then(|d| {
            d.get("versions")?.as_array().map(|v| {
                v.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
        })
        .unwrap_or_default()
}

fn load_data() -> Result<&'static Value, String> {
    static PARSED: std::sync::OnceLock<Result<Value, String>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(parse_data)
        .as_ref()
        .map_err(Clone::clone)
}

fn parse_data() -> Result<Value, String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(DATA)
        .read_to_string(&mut text)
        .map_err(|e| format!("reading the shipped schemas: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("reading the shipped schemas: {e}"))
}

type Gvk = (String, String, String);

/// Compiled schemas, compiled on first use per kind.
struct Validator {
    compiler: Compiler,
    schemas: Schemas,
    /// (group, version, kind) → definition name, from the built-in data.
    builtin: HashMap<Gvk, String>,
    /// (group, version, kind) → CRD schema URLs (plain, strict).
    crds: HashMap<Gvk, (String, String)>,
    compiled: HashMap<Gvk, Result<(SchemaIndex, SchemaIndex), String>>,
}

impl Validator {
    fn new(
        kube: (u32, u32),
        apps: &[LoadedApp<'_>],
        extra: &[crate::input::Document],
    ) -> Result<Validator, String> {
        let data = load_data()?;
        let wanted = format!("{}.{}", kube.0, kube.1);
        let versions: Vec<&str> = data["versions"]
            .as_array()
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut compiler = Compiler::new();
        compiler.set_default_draft(Draft::V2020_12);
        let mut builtin = HashMap::new();
        if let Some(vi) = versions.iter().position(|v| *v == wanted) {
            let mut defs = Map::new();
            for (name, variants) in data["defs"].as_object().into_iter().flatten() {
                let found = variants.as_array().into_iter().flatten().find(|e| {
                    e[0].as_array()
                        .is_some_and(|l| l.iter().any(|x| x.as_u64() == Some(vi as u64)))
                });
                if let Some(e) = found {
                    let schema = e[1].clone();
                    for g in schema["x-kubernetes-group-version-kind"]
                        .as_array()
                        .into_iter()
                        .flatten()
                    {
                        let gvk = (
                            g["group"].as_str().unwrap_or("").to_string(),
                            g["version"].as_str().unwrap_or("").to_string(),
                            g["kind"].as_str().unwrap_or("").to_string(),
                        );
                        builtin.insert(gvk, name.clone());
                    }
                    defs.insert(name.clone(), schema);
                }
            }
            let plain = json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": Value::Object(defs)});
            let strict = strictify(&plain);
            compiler
                .add_resource(DEFS_URL, plain)
                .map_err(|e| e.to_string())?;
            compiler
                .add_resource(STRICT_URL, strict)
                .map_err(|e| e.to_string())?;
        }
        let mut v = Validator {
            compiler,
            schemas: Schemas::new(),
            builtin,
            crds: HashMap::new(),
            compiled: HashMap::new(),
        };
        for app in apps {
            for o in &app.objects {
                if o.kind == "CustomResourceDefinition" {
                    v.add_crd(&o.root);
                }
            }
        }
        for d in extra {
            for n in crate::yaml::load_all(&d.text)
                .unwrap_or_default()
                .into_iter()
                .flatten()
            {
                if n.str_at(&["kind"]) == Some("CustomResourceDefinition") {
                    v.add_crd(&n);
                }
            }
        }
        Ok(v)
    }

    fn add_crd(&mut self, crd: &Node) {
        let spec = crd.to_json();
        let spec = &spec["spec"];
        let group = spec["group"].as_str().unwrap_or("");
        let kind = spec["names"]["kind"].as_str().unwrap_or("");
        for ver in spec["versions"].as_array().into_iter().flatten() {
            let name = ver["name"].as_str().unwrap_or("");
            let Some(schema) = ver["schema"]["openAPIV3Schema"].as_object() else {
                continue;
            };
            let mut s = openapi_to_json_schema(&Value::Object(schema.clone()));
            // Every object has apiVersion, kind and metadata, listed or not.
            if let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut) {
                for k in ["apiVersion", "kind", "metadata"] {
                    props.entry(k).or_insert(json!({}));
                }
            }
            s["$schema"] = json!("http://json-schema.org/draft-04/schema#");
            let strict = strictify(&s);
            let base = format!("https://capstan.dev/crd/{group}/{name}/{kind}");
            let (p, st) = (format!("{base}.json"), format!("{base}-strict.json"));
            if self.compiler.add_resource(&p, s).is_ok()
                && self.compiler.add_resource(&st, strict).is_ok()
            {
                self.crds
                    .insert((group.into(), name.into(), kind.into()), (p, st));
            }
        }
    }

    /// The compiled (plain, strict) schemas of a kind; `None`: no schema.
    fn get(&mut self, gvk: &Gvk) -> Option<Result<(SchemaIndex, SchemaIndex), String>> {
        if let Some(r) = self.compiled.get(gvk) {
            return Some(r.clone());
        }
        let (plain, strict) = if let Some(urls) = self.crds.get(gvk) {
            urls.clone()
        } else {
            let name = self.builtin.get(gvk)?;
            (
                format!("{DEFS_URL}#/$defs/{name}"),
                format!("{STRICT_URL}#/$defs/{name}"),
            )
        };
        let mut compile = |url: &str| {
            self.compiler
                .compile(url, &mut self.schemas)
                .map_err(|e| e.to_string())
        };
        let r = compile(&plain).and_then(|p| Ok((p, compile(&strict)?)));
        self.compiled.insert(gvk.clone(), r.clone());
        Some(r)
    }
}

/// Adds `additionalProperties: false` to every object schema listing its
/// properties (kubernetes-validate's strict variant is exactly that),
/// except where Kubernetes keeps unknown fields.
fn strictify(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let preserve = m.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true));
            let mut out: Map<String, Value> =
                m.iter().map(|(k, x)| (k.clone(), strictify(x))).collect();
            if m.contains_key("properties") && !m.contains_key("additionalProperties") && !preserve
            {
                out.insert("additionalProperties".into(), json!(false));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(strictify).collect()),
        other => other.clone(),
    }
}

/// OpenAPI v3 (as CRDs write it) to JSON Schema: `nullable`, and
/// `x-kubernetes-int-or-string`.
fn openapi_to_json_schema(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out: Map<String, Value> = Map::new();
            for (k, x) in m {
                let conv = match k.as_str() {
                    // Maps of schemas.
                    "properties" | "patternProperties" | "definitions" => match x {
                        Value::Object(p) => Value::Object(
                            p.iter()
                                .map(|(n, s)| (n.clone(), openapi_to_json_schema(s)))
                                .collect(),
                        ),
                        other => other.clone(),
                    },
                    "enum" | "default" | "example" | "required" => x.clone(),
                    _ => openapi_to_json_schema(x),
                };
                out.insert(k.clone(), conv);
            }
            if m.get("nullable") == Some(&json!(true))
                && let Some(Value::String(t)) = out.get("type").cloned()
            {
                out.insert("type".into(), json!([t, "null"]));
            }
            if m.get("x-kubernetes-int-or-string") == Some(&json!(true)) {
                out.remove("type");
                out.insert(
                    "anyOf".into(),
                    json!([{"type": "integer"}, {"type": "string"}]),
                );
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(openapi_to_json_schema).collect()),
        other => other.clone(),
    }
}

/// The node at a boon instance location (the deepest one found).
fn node_at<'n>(root: &'n Node, tokens: &[InstanceToken<'_>]) -> &'n Node {
    let mut n = root;
    for t in tokens {
        let next = match t {
            InstanceToken::Prop(p) => n.get(p),
            InstanceToken::Item(i) => n.items().get(*i),
        };
        match next {
            Some(x) => n = x,
            None => break,
        }
    }
    n
}

fn pointer(tokens: &[InstanceToken<'_>]) -> String {
    let mut s = String::new();
    for t in tokens {
        match t {
            InstanceToken::Prop(p) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(p);
            }
            InstanceToken::Item(i) => s.push_str(&format!("[{i}]")),
        }
    }
    if s.is_empty() { "(document)".into() } else { s }
}

/// The innermost errors of a validation error tree.
fn leaves<'a, 's, 'v>(e: &'a ValidationError<'s, 'v>, out: &mut Vec<&'a ValidationError<'s, 'v>>) {
    if e.causes.is_empty() {
        out.push(e);
    } else {
        for c in &e.causes {
            leaves(c, out);
        }
    }
}

/// Validates every document of every app.
pub(crate) fn check(
    apps: &[LoadedApp<'_>],
    extra: &[crate::input::Document],
    kube: (u32, u32),
    out: &mut Vec<Finding>,
) {
    let mut v = match Validator::new(kube, apps, extra) {
        Ok(v) => v,
        Err(e) => {
            out.push(Finding {
                rule: rule::NOT_VALIDATED,
                severity: Severity::Warning,
                environment: String::new(),
                app: String::new(),
                resource: None,
                location: None,
                message: format!("schemas unavailable: {e}"),
                skipped: None,
            });
            return;
        }
    };
    let wanted = format!("{}.{}", kube.0, kube.1);
    let shipped = supported_versions();
    if !shipped.contains(&wanted) && !apps.is_empty() {
        out.push(Finding {
            rule: rule::NOT_VALIDATED,
            severity: Severity::Warning,
            environment: String::new(),
            app: String::new(),
            resource: None,
            location: None,
            message: format!(
                "capstan ships Kubernetes schemas for {} only: built-in kinds are not validated for {wanted} (--kube-version)",
                shipped.join(", ")
            ),
            skipped: None,
        });
    }
    for app in apps {
        let mut unvalidated: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for o in &app.objects {
            if o.kind.is_empty() || o.api_version.is_empty() {
                continue;
            }
            let (group, version) = match o.api_version.rsplit_once('/') {
                Some((g, v)) => (g.to_string(), v.to_string()),
                None => (String::new(), o.api_version.clone()),
            };
            let gvk = (group, version, o.kind.clone());
            match v.get(&gvk) {
                None => unvalidated
                    .entry(format!("{} {}", o.api_version, o.kind))
                    .or_default()
                    .push(o.name.clone()),
                Some(Err(e)) => unvalidated
                    .entry(format!("{} {} (schema error: {e})", o.api_version, o.kind))
                    .or_default()
                    .push(o.name.clone()),
                Some(Ok((plain, strict))) => validate(app, o, &v.schemas, plain, strict, out),
            }
        }
        for (what, names) in unvalidated {
            out.push(app.scope().finding(
                rule::NOT_VALIDATED,
                None,
                None,
                format!(
                    "{what}: {} document(s) not validated ({}): no schema for Kubernetes {}.{} and no CustomResourceDefinition in the input or a schema folder",
                    names.len(),
                    names.join(", "),
                    kube.0,
                    kube.1
                ),
            ));
        }
    }
}

fn validate(
    app: &LoadedApp<'_>,
    o: &Object<'_>,
    schemas: &Schemas,
    plain: SchemaIndex,
    strict: SchemaIndex,
    out: &mut Vec<Finding>,
) {
    let instance = o.root.to_json();
    let mut emitted = 0usize;
    let mut seen: Vec<String> = Vec::new();
    if let Err(e) = schemas.validate(&instance, plain) {
        let mut ls = Vec::new();
        leaves(&e, &mut ls);
        for l in ls {
            let at = pointer(&l.instance_location.tokens);
            if seen.contains(&at) || emitted >= MAX_PER_DOC {
                continue;
            }
            seen.push(at.clone());
            emitted += 1;
            let node = node_at(&o.root, &l.instance_location.tokens);
            out.push(app.scope().finding(
                rule::SCHEMA,
                Some(o.resource()),
                Some(o.location(node.line)),
                format!("{at}: {}", l.kind),
            ));
        }
    }
    if let Err(e) = schemas.validate(&instance, strict) {
        let mut ls = Vec::new();
        leaves(&e, &mut ls);
        for l in ls {
            let ErrorKind::AdditionalProperties { got } = &l.kind else {
                continue;
            };
            if emitted >= MAX_PER_DOC {
                break;
            }
            let at = pointer(&l.instance_location.tokens);
            let parent = node_at(&o.root, &l.instance_location.tokens);
            for field in got {
                let line = parent.get(field).map_or(parent.line, |n| n.line);
                let key = format!("{at}.{field}");
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                emitted += 1;
                out.push(app.scope().finding(
                    rule::UNKNOWN_FIELD,
                    Some(o.resource()),
                    Some(o.location(line)),
                    format!(
                        "{at}: unknown field {field:?} (not in the {} {} schema; the API server drops or refuses it)",
                        o.api_version, o.kind
                    ),
                ));
            }
        }
    }
}
