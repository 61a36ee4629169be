//! `Chart.yaml` (and the `dependencies` of a v1 chart's `requirements.yaml`):
//! the typed metadata and its validation, as Helm reads them.
//!
//! Helm decodes these files with `sigs.k8s.io/yaml` into Go structs, and its
//! quirks are visible to chart authors, so they are reproduced on purpose:
//! field names match case-insensitively (encoding/json), a number or bool
//! read into a string field is printed from its YAML type (`appVersion: 1.10`
//! is `"1.1"`, floats are printed with 32-bit precision), `null` leaves the
//! zero value, and a wrong kind fails with encoding/json's message. After
//! decoding, `Metadata.Validate` cleans strings and checks the fields in
//! Helm's order with Helm's `validation: ...` messages.

use crate::chart::yaml_input::{format_float_g, json_kind, json_round_trip};
use crate::deps::version::is_valid_version;
use capstan_gotmpl::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `apiVersion: v1`: dependencies live in `requirements.yaml`.
pub const API_VERSION_V1: &str = "v1";
/// `apiVersion: v2`.
pub const API_VERSION_V2: &str = "v2";

/// A chart maintainer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Maintainer {
    /// `name`.
    pub name: String,
    /// `email`.
    pub email: String,
    /// `url`.
    pub url: String,
}

/// One entry of `dependencies:`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    /// `name` (replaced by the alias once dependencies are processed, as Helm does).
    pub name: String,
    /// `version`: a Masterminds semver constraint.
    pub version: String,
    /// `repository`.
    pub repository: String,
    /// `condition`: comma-separated values paths.
    pub condition: String,
    /// `tags`.
    pub tags: Vec<String>,
    /// `enabled` (set by dependency processing).
    pub enabled: bool,
    /// `import-values`: strings or `{child, parent}` maps, as written (numbers
    /// as float64, the JSON round trip's result).
    pub import_values: Vec<Value>,
    /// `alias`.
    pub alias: String,
}

/// The `Chart.yaml` metadata (Helm's `chart.Metadata`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// `name`.
    pub name: String,
    /// `home`.
    pub home: String,
    /// `sources`.
    pub sources: Vec<String>,
    /// `version`.
    pub version: String,
    /// `description`.
    pub description: String,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `maintainers`; `None` entries are `null` items (a validation error).
    pub maintainers: Vec<Option<Maintainer>>,
    /// `icon`.
    pub icon: String,
    /// `apiVersion`.
    pub api_version: String,
    /// `condition` (unused by Helm 3+, kept for `.Chart`).
    pub condition: String,
    /// `tags` (a string here, unlike a dependency's tags).
    pub tags: String,
    /// `appVersion`.
    pub app_version: String,
    /// `deprecated`.
    pub deprecated: bool,
    /// `annotations`; `None` when absent (Go's nil map).
    pub annotations: Option<BTreeMap<String, String>>,
    /// `kubeVersion`.
    pub kube_version: String,
    /// `dependencies`; `None` entries are `null` items.
    pub dependencies: Vec<Option<Dependency>>,
    /// Whether `dependencies` was present at all (Go's nil vs empty slice
    /// decides whether dependency processing runs).
    pub has_dependencies: bool,
    /// `type`: "", "application" or "library".
    pub chart_type: String,
}

/// Why a metadata file could not be decoded: encoding/json's wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl Metadata {
    /// Whether this is a library chart.
    pub fn is_library(&self) -> bool {
        self.chart_type == "library"
    }

    /// Decodes `Chart.yaml` text. The error text is the part after
    /// `cannot load Chart.yaml: `.
    pub fn from_yaml(text: &str) -> Result<Metadata, DecodeError> {
        let mut md = Metadata::default();
        md.merge_yaml(text)?;
        Ok(md)
    }

    /// Decodes `text` over the existing fields, as Helm unmarshals
    /// `requirements.yaml` into the already decoded `Chart.yaml` struct.
    pub fn merge_yaml(&mut self, text: &str) -> Result<(), DecodeError> {
        let Some(map) = top_map(text, "v2.Metadata")? else {
            return Ok(());
        };
        let mut first_err = None;
        for (key, v) in map.iter() {
            if let Err(e) = self.set_field(key, v) {
                first_err.get_or_insert(e);
            }
        }
        first_err.map_or(Ok(()), Err)
    }

    fn set_field(&mut self, key: &str, v: &Value) -> Result<(), DecodeError> {
        let f = |name: &str| Some(format!("Metadata.{name}"));
        match key.to_ascii_lowercase().as_str() {
            "name" => set_string(&mut self.name, v, f("name")),
            "home" => set_string(&mut self.home, v, f("home")),
            "sources" => set_strings(&mut self.sources, v, f("sources")),
            "version" => set_string(&mut self.version, v, f("version")),
            "description" => set_string(&mut self.description, v, f("description")),
            "keywords" => set_strings(&mut self.keywords, v, f("keywords")),
            "maintainers" => self.set_maintainers(v),
            "icon" => set_string(&mut self.icon, v, f("icon")),
            "apiversion" => set_string(&mut self.api_version, v, f("apiVersion")),
            "condition" => set_string(&mut self.condition, v, f("condition")),
            "tags" => set_string(&mut self.tags, v, f("tags")),
            "appversion" => set_string(&mut self.app_version, v, f("appVersion")),
            "deprecated" => set_bool(&mut self.deprecated, v, f("deprecated")),
            "annotations" => self.set_annotations(v),
            "kubeversion" => set_string(&mut self.kube_version, v, f("kubeVersion")),
            "dependencies" => self.set_dependencies(v),
            "type" => set_string(&mut self.chart_type, v, f("type")),
            _ => Ok(()),
        }
    }

    fn set_maintainers(&mut self, v: &Value) -> Result<(), DecodeError> {
        let field = Some("Metadata.maintainers".to_string());
        let items = match v {
            Value::Nil => {
                self.maintainers.clear();
                return Ok(());
            }
            Value::List(l) => l,
            other => return Err(type_error(other, field, "[]*v2.Maintainer")),
        };
        self.maintainers.clear();
        for item in items.iter() {
            match item {
                Value::Nil => self.maintainers.push(None),
                Value::Map(m) => {
                    let mut mt = Maintainer::default();
                    for (k, v) in m.snapshot().iter() {
                        let f = |n: &str| Some(format!("Maintainer.maintainers.{n}"));
                        match k.to_ascii_lowercase().as_str() {
                            "name" => set_string(&mut mt.name, v, f("name"))?,
                            "email" => set_string(&mut mt.email, v, f("email"))?,
                            "url" => set_string(&mut mt.url, v, f("url"))?,
                            _ => {}
                        }
                    }
                    self.maintainers.push(Some(mt));
                }
                other => return Err(type_error(other, field, "v2.Maintainer")),
            }
        }
        Ok(())
    }

    fn set_annotations(&mut self, v: &Value) -> Result<(), DecodeError> {
        match v {
            Value::Nil => {
                self.annotations = None;
                Ok(())
            }
            Value::Map(m) => {
                let mut out = self.annotations.take().unwrap_or_default();
                let mut res = Ok(());
                for (k, v) in m.snapshot().iter() {
                    let mut s = String::new();
                    if let Err(e) = set_string(&mut s, v, Some("Metadata.annotations".into())) {
                        res = res.and(Err(e));
                    }
                    out.insert(k.clone(), s);
                }
                self.annotations = Some(out);
                res
            }
            other => Err(type_error(
                other,
                Some("Metadata.annotations".into()),
                "map[string]string",
            )),
        }
    }

    fn set_dependencies(&mut self, v: &Value) -> Result<(), DecodeError> {
        let field = Some("Metadata.dependencies".to_string());
        let items = match v {
            Value::Nil => {
                self.dependencies.clear();
                self.has_dependencies = false;
                return Ok(());
            }
            Value::List(l) => l,
            other => return Err(type_error(other, field, "[]*v2.Dependency")),
        };
        self.dependencies.clear();
        self.has_dependencies = true;
        for item in items.iter() {
            match item {
                Value::Nil => self.dependencies.push(None),
                Value::Map(m) => self
                    .dependencies
                    .push(Some(Dependency::decode(&m.snapshot())?)),
                other => return Err(type_error(other, field, "v2.Dependency")),
            }
        }
        Ok(())
    }

    /// Helm's `Metadata.Validate`: cleans the free-text fields and checks
    /// them in Helm's order. The message is Helm's, `validation: ` included.
    pub fn validate(&mut self) -> Result<(), String> {
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            *s = sanitize(s);
        }
        for s in self.sources.iter_mut().chain(self.keywords.iter_mut()) {
            *s = sanitize(s);
        }
        let fail = |m: String| Err(format!("validation: {m}"));
        if self.api_version.is_empty() {
            return fail("chart.metadata.apiVersion is required".into());
        }
        if self.name.is_empty() {
            return fail("chart.metadata.name is required".into());
        }
        if self.name == "." || self.name == ".." {
            return fail(format!(
                "chart.metadata.name {:?} is not allowed",
                self.name
            ));
        }
        if self.name != go_base(&self.name) {
            return fail(format!("chart.metadata.name {:?} is invalid", self.name));
        }
        if self.version.is_empty() {
            return fail("chart.metadata.version is required".into());
        }
        if !is_valid_version(&self.version) {
            return fail(format!(
                "chart.metadata.version {:?} is invalid",
                self.version
            ));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return fail("chart.metadata.type must be application or library".into());
        }
        for m in &mut self.maintainers {
            let Some(m) = m else {
                return fail("maintainers must not contain empty or null nodes".into());
            };
            m.name = sanitize(&m.name);
            m.email = sanitize(&m.email);
            m.url = sanitize(&m.url);
        }
        let mut seen = std::collections::HashSet::new();
        for d in &mut self.dependencies {
            let Some(d) = d else {
                return fail("dependencies must not contain empty or null nodes".into());
            };
            d.name = sanitize(&d.name);
            d.version = sanitize(&d.version);
            d.repository = sanitize(&d.repository);
            d.condition = sanitize(&d.condition);
            for t in &mut d.tags {
                *t = sanitize(t);
            }
            let alias_ok = d
                .alias
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !d.alias.is_empty() && !alias_ok {
                return fail(format!(
                    "dependency {:?} has disallowed characters in the alias",
                    d.name
                ));
            }
            let key = if d.alias.is_empty() {
                &d.name
            } else {
                &d.alias
            };
            if !seen.insert(key.clone()) {
                return fail(format!(
                    "more than one dependency with name or alias {key:?}"
                ));
            }
        }
        Ok(())
    }

    /// `.Chart` as Helm 4 exposes it: the struct turned into a map with Go's
    /// field names (`structToMap`), plus `IsRoot`.
    pub fn to_value(&self, is_root: bool) -> Value {
        let strs = |v: &[String]| Value::list(v.iter().map(|s| Value::str(s.as_str())).collect());
        let mut m = Map::new();
        m.insert("Name".into(), Value::str(self.name.as_str()));
        m.insert("Home".into(), Value::str(self.home.as_str()));
        m.insert("Sources".into(), strs(&self.sources));
        m.insert("Version".into(), Value::str(self.version.as_str()));
        m.insert("Description".into(), Value::str(self.description.as_str()));
        m.insert("Keywords".into(), strs(&self.keywords));
        let maint = self
            .maintainers
            .iter()
            .map(|mt| match mt {
                None => Value::Nil,
                Some(mt) => {
                    let mut mm = Map::new();
                    mm.insert("Name".into(), Value::str(mt.name.as_str()));
                    mm.insert("Email".into(), Value::str(mt.email.as_str()));
                    mm.insert("URL".into(), Value::str(mt.url.as_str()));
                    Value::map(mm)
                }
            })
            .collect();
        m.insert("Maintainers".into(), Value::list(maint));
        m.insert("Icon".into(), Value::str(self.icon.as_str()));
        m.insert("APIVersion".into(), Value::str(self.api_version.as_str()));
        m.insert("Condition".into(), Value::str(self.condition.as_str()));
        m.insert("Tags".into(), Value::str(self.tags.as_str()));
        m.insert("AppVersion".into(), Value::str(self.app_version.as_str()));
        m.insert("Deprecated".into(), Value::Bool(self.deprecated));
        // Absent annotations are Go's nil map[string]string (`toJson`
        // prints `null`, `{{ . }}` prints `map[]`).
        let ann = match &self.annotations {
            None => Value::Map(capstan_gotmpl::MapRef::nil_map()),
            Some(a) => Value::map(
                a.iter()
                    .map(|(k, v)| (k.clone(), Value::str(v.as_str())))
                    .collect(),
            ),
        };
        m.insert("Annotations".into(), ann);
        m.insert("KubeVersion".into(), Value::str(self.kube_version.as_str()));
        let deps = self
            .dependencies
            .iter()
            .map(|d| d.as_ref().map_or(Value::Nil, Dependency::to_value))
            .collect();
        m.insert("Dependencies".into(), Value::list(deps));
        m.insert("Type".into(), Value::str(self.chart_type.as_str()));
        m.insert("IsRoot".into(), Value::Bool(is_root));
        Value::map(m)
    }
}

/// The top-level mapping of a metadata file, read with go-yaml v2's
/// native scalar types. The crate's YAML codec judges the syntax first, so
/// syntax errors read exactly as Helm prints them; the native tree (which
/// keeps integers apart from floats for string fields) comes from
/// `yaml_input`, with the codec's float-only tree as a fallback.
fn top_map(text: &str, go_type: &str) -> Result<Option<Arc<Map>>, DecodeError> {
    let codec = crate::yaml::unmarshal(text).map_err(|e| DecodeError(e.message().to_string()))?;
    let doc = match crate::chart::yaml_input::decode_native(text) {
        Ok(docs) => docs.into_iter().next().unwrap_or(Value::Nil),
        Err(_) => codec,
    };
    match doc {
        Value::Nil => Ok(None),
        Value::Map(m) => Ok(Some(m.snapshot())),
        other => Err(type_error(&other, None, go_type)),
    }
}

/// Only `apiVersion`, as Helm's loader reads it to pick the chart format
/// (other fields' errors surface later).
pub(crate) fn api_version_of(text: &str) -> Result<String, DecodeError> {
    let Some(map) = top_map(text, "loader.chartBase")? else {
        return Ok(String::new());
    };
    let mut out = String::new();
    for (k, v) in map.iter() {
        if k.eq_ignore_ascii_case("apiversion") {
            set_string(&mut out, v, Some("chartBase.apiVersion".into()))?;
        }
    }
    Ok(out)
}

impl Dependency {
    fn decode(m: &Map) -> Result<Dependency, DecodeError> {
        let mut d = Dependency::default();
        let f = |n: &str| Some(format!("Dependency.dependencies.{n}"));
        let mut first = None;
        for (k, v) in m.iter() {
            let r = match k.to_ascii_lowercase().as_str() {
                "name" => set_string(&mut d.name, v, f("name")),
                "version" => set_string(&mut d.version, v, f("version")),
                "repository" => set_string(&mut d.repository, v, f("repository")),
                "condition" => set_string(&mut d.condition, v, f("condition")),
                "tags" => set_strings(&mut d.tags, v, f("tags")),
                "enabled" => set_bool(&mut d.enabled, v, f("enabled")),
                "alias" => set_string(&mut d.alias, v, f("alias")),
                "import-values" => match v {
                    Value::Nil => {
                        d.import_values.clear();
                        Ok(())
                    }
                    Value::List(l) => {
                        d.import_values = l.iter().cloned().map(json_round_trip).collect();
                        Ok(())
                    }
                    other => Err(type_error(other, f("import-values"), "[]interface {}")),
                },
                _ => Ok(()),
            };
            if let Err(e) = r {
                first.get_or_insert(e);
            }
        }
        first.map_or(Ok(d), Err)
    }

    /// The dependency as `.Chart.Dependencies` shows it.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("Name".into(), Value::str(self.name.as_str()));
        m.insert("Version".into(), Value::str(self.version.as_str()));
        m.insert("Repository".into(), Value::str(self.repository.as_str()));
        m.insert("Condition".into(), Value::str(self.condition.as_str()));
        m.insert(
            "Tags".into(),
            Value::list(self.tags.iter().map(|t| Value::str(t.as_str())).collect()),
        );
        m.insert("Enabled".into(), Value::Bool(self.enabled));
        m.insert(
            "ImportValues".into(),
            Value::list(self.import_values.clone()),
        );
        m.insert("Alias".into(), Value::str(self.alias.as_str()));
        Value::map(m)
    }
}

fn type_error(v: &Value, field: Option<String>, go_type: &str) -> DecodeError {
    let kind = json_kind(v);
    DecodeError(match field {
        Some(f) => format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go struct field {f} of type {go_type}"
        ),
        None => format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type {go_type}"
        ),
    })
}

/// A scalar read into a Go string field, as `sigs.k8s.io/yaml` converts it.
fn set_string(dst: &mut String, v: &Value, field: Option<String>) -> Result<(), DecodeError> {
    *dst = match v {
        Value::Nil => return Ok(()),
        Value::String(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int64(i) | Value::Int(i) => i.to_string(),
        Value::Float(f) => format_float_g(*f, true),
        other => return Err(type_error(other, field, "string")),
    };
    Ok(())
}

fn set_bool(dst: &mut bool, v: &Value, field: Option<String>) -> Result<(), DecodeError> {
    match v {
        Value::Nil => Ok(()),
        Value::Bool(b) => {
            *dst = *b;
            Ok(())
        }
        other => Err(type_error(other, field, "bool")),
    }
}

fn set_strings(dst: &mut Vec<String>, v: &Value, field: Option<String>) -> Result<(), DecodeError> {
    match v {
        Value::Nil => {
            dst.clear();
            Ok(())
        }
        Value::List(l) => {
            let mut out = Vec::with_capacity(l.len());
            for item in l.iter() {
                let mut s = String::new();
                set_string(&mut s, item, field.clone())?;
                out.push(s);
            }
            *dst = out;
            Ok(())
        }
        other => Err(type_error(other, field, "[]string")),
    }
}

/// Helm's `sanitizeString`: white space becomes a space, unprintable runes go.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if capstan_gotmpl::format::is_print(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// `filepath.Base` on a Unix path.
fn go_base(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() { "." } else { "/" };
    }
    t.rsplit('/').next().unwrap_or(t)
}
