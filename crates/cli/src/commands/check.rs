//! `capstan check`: renders the app-of-apps tree (capstan-source) and runs
//! capstan-check over it: every app with its rendered documents and values
//! files, grouped into environments (the `environments/<env>/` folder the
//! app's manifest lives in), each with its node inventory
//! (`environments/<env>/nodes.yaml` beside the apps, or `--inventory`).
//! Prints the findings as text, JSON or SARIF; exits 1 when a finding is at
//! or above `--fail-on` or an app cannot be rendered.
//!
//! Rule switches, always with a reason the output shows: the annotation
//! `check.capstan.dev/skip-<rule>: <reason>` on the Application (every
//! finding of the app) or on a rendered resource (that resource only), or
//! in capstan.yaml
//!
//! ```yaml
//! check:
//!   prodEnvironments: [mainnet]   # default: judged from environment and project names
//!   skip:
//!     - rule: wave-deadlock
//!       apps: ["mainnet-*"]       # `*` globs; omitted: every app
//!       reason: argocd-cm's PVC health check treats Pending claims as healthy
//!     - rule: image-tag
//!       resource: {kind: Deployment, namespace: dev, name: "faucet-*"}
//!       reason: the faucet follows its chart's moving tag on purpose
//! ```
//!
//! A switch without a reason is an error finding; one naming no rule, a warning.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Context, bail};
use capstan_check::{
    App, Document, Environment, Input, Inventory, ResourceSelector, Severity, Skip, ValuesFile,
};
use capstan_source::AppTree;
use capstan_source::tree::{FileTree, GitTree, WorkTree};
use clap::{Args, ValueEnum};

use super::tree::{TreeSource, report_errors, resolve};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Warning,
    Error,
}

/// Check the rendered tree: capacity and placement, secrets, fleet rules, APIs.
#[derive(Debug, Args)]
#[command(
    after_help = "Switching a rule off, always with a reason the output shows:\n  \
    annotation check.capstan.dev/skip-<rule>: <reason> on an Application (its findings)\n  \
    or on a rendered resource (that resource's findings);\n  \
    capstan.yaml check.skip: [{rule, reason, apps: [globs], resource: {kind, namespace, name}}].\n\
    A switch without a reason is an error finding; one naming no rule, a warning."
)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    source: TreeSource,
    /// Target Kubernetes version (`1.33`); default: capstan.yaml's kubeVersion, else 1.33.
    #[arg(long = "kube-version", value_name = "V")]
    kube_version: Option<String>,
    /// A node inventory (`kind: NodeInventory`; its metadata.name is the
    /// environment). Repeatable; replaces environments/<env>/nodes.yaml.
    #[arg(long = "inventory", value_name = "FILE")]
    inventories: Vec<PathBuf>,
    /// A folder of CustomResourceDefinitions (YAML or JSON, searched
    /// recursively) whose schemas validate the kinds they define. Repeatable.
    #[arg(long = "schema-dir", value_name = "DIR")]
    schema_dirs: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "human")]
    output: Output,
    /// Fail (exit 1) on findings of this severity or worse.
    #[arg(long = "fail-on", value_enum, default_value = "error")]
    fail_on: FailOn,
}

/// Runs the command; returns the exit status.
pub(crate) fn run(a: CheckArgs) -> anyhow::Result<u8> {
    let (engine, tree) = resolve(&a.source)?;
    let root = engine.repositories().root().to_path_buf();
    let files: Rc<dyn FileTree> = match &a.source.revision {
        Some(rev) => Rc::new(GitTree::open(&root, rev).map_err(|e| anyhow::anyhow!(e.message))?),
        None => Rc::new(WorkTree::new(&root)?),
    };
    let kube_version = match a
        .kube_version
        .clone()
        .or_else(|| engine.repositories().config().kube_version.clone())
    {
        Some(v) => Some(parse_kube_version(&v)?),
        None => None,
    };
    let settings = engine.repositories().config().check.clone();
    let (skips, prod_envs) = check_settings(settings.as_ref())?;
    let mut input = Input {
        kube_version,
        skips,
        ..Input::default()
    };
    for dir in &a.schema_dirs {
        read_schema_dir(dir, &mut input.schema_documents, 0)?;
    }
    let mut env_dirs: BTreeMap<String, String> = BTreeMap::new();
    let mut file_cache: BTreeMap<String, Option<String>> = BTreeMap::new();
    let primary_urls = engine.repositories().primary_urls().to_vec();
    let mut seen_defaults: std::collections::BTreeSet<String> = Default::default();
    for (i, node) in tree.nodes.iter().enumerate() {
        let manifest_file = manifest_file(&node.found_in);
        let (environment, env_dir) =
            environment_of(&manifest_file, &node.app.spec.destination.namespace);
        if let Some(d) = env_dir {
            env_dirs.entry(environment.clone()).or_insert(d);
        }
        let application = application_document(&tree, i, files.as_ref(), &mut file_cache);
        // An app that failed to render (reported below) still has its
        // Application, whose inline values are checked.
        let output = node.output.as_ref().ok();
        let documents = output
            .map(|o| o.manifests.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|m| {
                let (file, line) = locate(files.as_ref(), &mut file_cache, &m.source, &m.text);
                Document {
                    template: m.source.clone(),
                    file,
                    line,
                    text: m.text.clone(),
                }
            })
            .collect();
        // Exactly the value files the Helm sources read, as rendered.
        let mut values_files: Vec<ValuesFile> = output
            .map(|o| o.value_files.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|vf| ValuesFile {
                path: values_path(vf, &primary_urls),
                text: String::from_utf8_lossy(&vf.bytes).into_owned(),
            })
            .collect();
        // And the defaults of the charts of this repository they render,
        // each file under the first app that uses it (one finding per
        // committed secret, not one per app of the chart).
        for source in node.app.sources() {
            if source.path.is_empty()
                || !source.chart.is_empty()
                || !primary_urls.contains(&capstan_source::repos::normalize_url(&source.repo_url))
            {
                continue;
            }
            for vf in chart_defaults(files.as_ref(), &source.path)? {
                if seen_defaults.insert(vf.path.clone()) {
                    values_files.push(vf);
                }
            }
        }
        input.apps.push(App {
            name: node.app.metadata.name.clone(),
            environment,
            cluster: cluster_of(&tree, i),
            namespace: node.app.spec.destination.namespace.clone(),
            project: node.app.project().to_string(),
            annotations: node.app.metadata.annotations.clone(),
            manifest_file: Some(manifest_file),
            application,
            documents,
            values_files,
        });
    }
    // Environments, their inventories and whether they are production.
    let mut given: BTreeMap<String, Inventory> = BTreeMap::new();
    for f in &a.inventories {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        let inv = Inventory::parse(&f.display().to_string(), &text)?;
        given.insert(inv.name.clone(), inv);
    }
    let mut envs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for app in &input.apps {
        envs.entry(app.environment.clone())
            .or_default()
            .push(app.project.clone());
    }
    for (name, projects) in envs {
        let inventory = match given.remove(&name) {
            Some(i) => Some(i),
            None => match env_dirs.get(&name) {
                Some(dir) => {
                    let path = format!("{dir}/nodes.yaml");
                    match files.read(&path)? {
                        Some(bytes) => {
                            Some(Inventory::parse(&path, &String::from_utf8_lossy(&bytes))?)
                        }
                        None => None,
                    }
                }
                None => None,
            },
        };
        let refs: Vec<&str> = projects.iter().map(String::as_str).collect();
        input.environments.push(Environment {
            prod: match &prod_envs {
                Some(list) => list.contains(&name),
                None => capstan_check::looks_prod(&name, &refs),
            },
            name,
            inventory,
        });
    }
    if let Some(unused) = given.keys().next() {
        bail!("--inventory names environment {unused}, which has no app in the tree");
    }
    let report = capstan_check::check(&input);
    let text = match a.output {
        Output::Human => capstan_check::render_human(&report),
        Output::Json => capstan_check::render_json(&report),
        Output::Sarif => capstan_check::render_sarif(&report),
    };
    crate::write_stdout(&text)?;
    let level = match a.fail_on {
        FailOn::Warning => Severity::Warning,
        FailOn::Error => Severity::Error,
    };
    let render_failed = report_errors(&tree);
    Ok(u8::from(
        report.count_at_least(level) > 0 || render_failed != 0,
    ))
}

/// A value file as the user knows it: its repository path, prefixed by
/// `repoURL@targetRevision:` when it lives in another repository (a
/// multi-source `$ref`) or a fetched chart.
/// `values.yaml` of the chart at `path` and of the subcharts vendored as
/// folders under its `charts/` (archives are someone else's release), when
/// `path` holds a chart.
fn chart_defaults(files: &dyn FileTree, path: &str) -> anyhow::Result<Vec<ValuesFile>> {
    let path = path.trim_end_matches('/');
    let mut out = Vec::new();
    if files.read(&format!("{path}/Chart.yaml"))?.is_none() {
        return Ok(out);
    }
    let mut dirs = vec![path.to_string()];
    if let Some(entries) = files.list(&format!("{path}/charts"))? {
        for e in entries {
            if e.kind == capstan_source::tree::EntryKind::Dir {
                dirs.push(format!("{path}/charts/{}", e.name));
            }
        }
    }
    for dir in dirs {
        let file = format!("{dir}/values.yaml");
        if let Some(bytes) = files.read(&file)? {
            out.push(ValuesFile {
                path: file,
                text: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
    }
    Ok(out)
}

fn values_path(vf: &capstan_source::ValueFile, primary_urls: &[String]) -> String {
    if primary_urls.contains(&capstan_source::repos::normalize_url(&vf.repo_url)) {
        return vf.path.clone();
    }
    if vf.target_revision.is_empty() {
        format!("{}:{}", vf.repo_url, vf.path)
    } else {
        format!("{}@{}:{}", vf.repo_url, vf.target_revision, vf.path)
    }
}

/// The Application manifest of node `idx` as written: the document of its
/// parent's render that defines it, or the file a root app was read from.
fn application_document(
    tree: &AppTree,
    idx: usize,
    files: &dyn FileTree,
    cache: &mut BTreeMap<String, Option<String>>,
) -> Option<Document> {
    let node = &tree.nodes[idx];
    match node.parent {
        Some(p) => {
            let parent = tree.nodes[p].output.as_ref().ok()?;
            let m = parent.manifests.iter().find(|m| {
                m.key.kind == "Application"
                    && m.key.group == "argoproj.io"
                    && m.key.name == node.app.metadata.name
            })?;
            let (file, line) = locate(files, cache, &m.source, &m.text);
            Some(Document {
                template: m.source.clone(),
                file,
                line,
                text: m.text.clone(),
            })
        }
        None => {
            let path = manifest_file(&node.found_in);
            let text = cache
                .entry(path.clone())
                .or_insert_with(|| {
                    files
                        .read(&path)
                        .ok()
                        .flatten()
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                })
                .clone()?;
            Some(Document {
                template: path.clone(),
                file: Some(path),
                line: Some(1),
                text,
            })
        }
    }
}

/// `1.33`, `v1.33.2` → (1, 33).
fn parse_kube_version(v: &str) -> anyhow::Result<(u32, u32)> {
    let t = v.trim().trim_start_matches('v');
    let mut parts = t.split('.');
    let (Some(major), Some(minor)) = (parts.next(), parts.next()) else {
        bail!("--kube-version {v}: expected MAJOR.MINOR");
    };
    let minor: String = minor.chars().take_while(char::is_ascii_digit).collect();
    Ok((
        major
            .parse()
            .with_context(|| format!("--kube-version {v}"))?,
        minor
            .parse()
            .with_context(|| format!("--kube-version {v}"))?,
    ))
}

/// The repository file of an app's manifest: `found_in` is a file, or
/// `parent-app: file` for apps found in a parent's render.
fn manifest_file(found_in: &str) -> String {
    match found_in.rsplit_once(": ") {
        Some((_, f)) => f.to_string(),
        None => found_in.to_string(),
    }
}

/// The environment of an app: the folder after `environments/` in its
/// manifest's path (with that folder), else its destination namespace.
fn environment_of(file: &str, namespace: &str) -> (String, Option<String>) {
    let parts: Vec<&str> = file.split('/').collect();
    if let Some(i) = parts.iter().position(|p| *p == "environments")
        && i + 2 < parts.len()
    {
        return (parts[i + 1].to_string(), Some(parts[..i + 2].join("/")));
    }
    let env = if namespace.is_empty() {
        "default"
    } else {
        namespace
    };
    (env.to_string(), None)
}

/// The cluster an app deploys to: its destination, qualified by its root
/// app for in-cluster destinations (each root is one Argo CD).
fn cluster_of(tree: &AppTree, mut idx: usize) -> String {
    let d = &tree.nodes[idx].app.spec.destination;
    let dest = if !d.server.is_empty() {
        d.server.clone()
    } else {
        d.name.clone()
    };
    while let Some(p) = tree.nodes[idx].parent {
        idx = p;
    }
    if dest.is_empty() || dest == "https://kubernetes.default.svc" || dest == "in-cluster" {
        format!("in-cluster of {}", tree.nodes[idx].app.metadata.name)
    } else {
        dest
    }
}

/// `check:` of capstan.yaml: `skip: [{rule, apps, reason}]` and
/// `prodEnvironments: [names]` (default: judged from names and projects).
fn check_settings(
    v: Option<&serde_json::Value>,
) -> anyhow::Result<(Vec<Skip>, Option<Vec<String>>)> {
    let Some(v) = v else {
        return Ok((Vec::new(), None));
    };
    let origin = capstan_source::repos::CONFIG_FILE;
    let Some(m) = v.as_object() else {
        bail!("{origin}: check: must be a mapping");
    };
    let mut skips = Vec::new();
    let mut prod = None;
    for (k, x) in m {
        match k.as_str() {
            "skip" => {
                let Some(list) = x.as_array() else {
                    bail!("{origin}: check.skip: must be a list");
                };
                for (i, s) in list.iter().enumerate() {
                    skips.push(skip_entry(s, &format!("{origin} check.skip[{i}]"))?);
                }
            }
            "prodEnvironments" => {
                prod = Some(
                    x.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|e| e.as_str().map(str::to_string))
                        .collect(),
                )
            }
            other => bail!("{origin}: check.{other}: unknown setting (skip, prodEnvironments)"),
        }
    }
    Ok((skips, prod))
}

/// One `check.skip` entry: `rule`, `reason`, `apps` (a glob or a list),
/// `resource: {kind, namespace, name}` (globs in namespace and name).
fn skip_entry(v: &serde_json::Value, origin: &str) -> anyhow::Result<Skip> {
    let Some(m) = v.as_object() else {
        bail!("{origin}: must be a mapping (rule, reason, apps, resource)");
    };
    let text =
        |m: &serde_json::Map<String, serde_json::Value>, f: &str| -> anyhow::Result<String> {
            match m.get(f) {
                None | Some(serde_json::Value::Null) => Ok(String::new()),
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                Some(other) => bail!("{origin}: {f}: expected a string, got {other}"),
            }
        };
    let mut skip = Skip {
        rule: text(m, "rule")?,
        reason: text(m, "reason")?,
        origin: origin.to_string(),
        ..Skip::default()
    };
    for (k, x) in m {
        match k.as_str() {
            "rule" | "reason" => {}
            "apps" => {
                skip.apps = match x {
                    serde_json::Value::String(one) => vec![one.clone()],
                    serde_json::Value::Array(a) => a
                        .iter()
                        .map(|x| match x.as_str() {
                            Some(s) => Ok(s.to_string()),
                            None => bail!("{origin}: apps: expected app names, got {x}"),
                        })
                        .collect::<anyhow::Result<_>>()?,
                    other => bail!("{origin}: apps: expected a name or a list, got {other}"),
                }
            }
            "resource" => {
                let Some(r) = x.as_object() else {
                    bail!("{origin}: resource: must be a mapping (kind, namespace, name)");
                };
                if let Some(unknown) = r
                    .keys()
                    .find(|k| !matches!(k.as_str(), "kind" | "namespace" | "name"))
                {
                    bail!("{origin}: resource.{unknown}: unknown field (kind, namespace, name)");
                }
                let sel = ResourceSelector {
                    kind: text(r, "kind")?,
                    namespace: text(r, "namespace")?,
                    name: text(r, "name")?,
                };
                if sel.is_empty() {
                    bail!("{origin}: resource: name at least one of kind, namespace, name");
                }
                skip.resource = Some(sel);
            }
            other => bail!("{origin}: {other}: unknown field (rule, reason, apps, resource)"),
        }
    }
    Ok(skip)
}

/// Reads every YAML or JSON file under `dir` as a schema source.
fn read_schema_dir(dir: &Path, out: &mut Vec<Document>, depth: usize) -> anyhow::Result<()> {
    if depth > 32 {
        bail!("{}: folders nested too deeply", dir.display());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading --schema-dir {}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            read_schema_dir(&p, out, depth + 1)?;
        } else if p
            .extension()
            .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
        {
            let text =
                std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
            out.push(Document {
                template: p.display().to_string(),
                file: Some(p.display().to_string()),
                line: Some(1),
                text,
            });
        }
    }
    Ok(())
}

/// The repository file and line of a document rendered verbatim from a
/// file (plain directory sources); `None` for templates.
fn locate(
    files: &dyn FileTree,
    cache: &mut BTreeMap<String, Option<String>>,
    source: &str,
    text: &str,
) -> (Option<String>, Option<u64>) {
    let content = cache.entry(source.to_string()).or_insert_with(|| {
        files
            .read(source)
            .ok()
            .flatten()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    });
    match content
        .as_deref()
        .and_then(|c| Some((c, c.find(text.trim_end())?)))
    {
        Some((c, at)) if !text.trim().is_empty() => {
            let line = c[..at].matches('\n').count() as u64 + 1;
            (Some(source.to_string()), Some(line))
        }
        _ => (None, None),
    }
}
