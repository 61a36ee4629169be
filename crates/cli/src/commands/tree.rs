//! `capstan tree`: the app-of-apps tree of an Application manifest or of
//! every Application in a folder, with project, sources, destination, sync
//! policy and wave per app, as text or JSON. Also owns opening a
//! repository for the commands that render trees (`render`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use capstan_model::Application;
use capstan_source::charts::{ChartFetcher, FetchOptions, default_cache_dir};
use capstan_source::git::GitRemotes;
use capstan_source::{AppNode, AppTree, Engine, Revision, Settings};
use clap::{Args, ValueEnum};
use serde_json::{Value, json};

/// `--offline` / `CAPSTAN_OFFLINE`: chart repositories are read from
/// mirrors and the cache only (a global flag, set once in `main`).
static OFFLINE: AtomicBool = AtomicBool::new(false);

/// Sets `--offline` for every tree this process resolves.
pub(crate) fn set_offline(offline: bool) {
    OFFLINE.store(offline, Ordering::Relaxed);
}

/// The clones of remote Git repositories, shared by every tree of this
/// process (`capstan diff` resolves two), so each URL is fetched once.
fn git_remotes() -> GitRemotes {
    static REMOTES: std::sync::OnceLock<GitRemotes> = std::sync::OnceLock::new();
    REMOTES
        .get_or_init(|| GitRemotes::new(default_cache_dir(), OFFLINE.load(Ordering::Relaxed)))
        .clone()
}

/// Where the Applications come from and which revision to render.
#[derive(Debug, Args)]
pub(crate) struct TreeSource {
    /// An Application manifest, or a folder: every Application manifest in
    /// it (recursively) whose app is not a child of another one is a root.
    pub(crate) path: PathBuf,
    /// Render this revision of the repository (branch, tag, commit) read
    /// from Git without a checkout; default: the working tree.
    #[arg(long)]
    pub(crate) revision: Option<String>,
    /// Serve another repository from a local path, or fetch it from
    /// another Git URL (`URL=PATH` or `URL=URL2`; repeatable).
    #[arg(long = "repo", value_name = "URL=PATH")]
    pub(crate) repos: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// Show the app-of-apps tree of Argo CD Applications.
#[derive(Debug, Args)]
pub(crate) struct TreeArgs {
    #[command(flatten)]
    pub(crate) source: TreeSource,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "text")]
    output: Format,
}

/// The repository root of `path`: its Git working tree, else the nearest
/// folder above it holding `capstan.yaml`, else its own folder.
fn repository_root(path: &Path) -> anyhow::Result<PathBuf> {
    let abs = std::path::absolute(path).context("resolving the input path")?;
    let start = if abs.is_dir() {
        abs.clone()
    } else {
        abs.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    if let Some(root) = capstan_source::repos::git_root(&start) {
        return Ok(root);
    }
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        if d.join(capstan_source::repos::CONFIG_FILE).is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Ok(start)
}

/// Gives `engine` the repositories beyond the primary one: other Git
/// repositories cloned into the cache (fetched once per process), and chart
/// repositories — mirrors first (the same URL=PATH mappings as Git
/// repositories), then the network through the cache.
pub(crate) fn connect(engine: &mut Engine, root: &Path, settings: &Settings) {
    engine.repositories_mut().set_git_remotes(git_remotes());
    let mut mirrors = settings.repos.clone();
    for m in &engine.repositories().config().repositories {
        mirrors.push((m.url.clone(), root.join(&m.path)));
    }
    engine.set_chart_repository(Box::new(ChartFetcher::new(FetchOptions {
        cache_dir: default_cache_dir(),
        offline: OFFLINE.load(Ordering::Relaxed),
        mirrors,
    })));
}

/// Opens the repository of `src.path` and resolves its tree.
pub(crate) fn resolve(src: &TreeSource) -> anyhow::Result<(Engine, AppTree)> {
    resolve_with(src, |_| {})
}

/// [`resolve`], keeping each chart render by its inputs, and reusing those
/// of `previous` (the engine of another revision, resolved this way) whose
/// inputs are the same here.
pub(crate) fn resolve_reusing(
    src: &TreeSource,
    previous: Option<&mut Engine>,
) -> anyhow::Result<(Engine, AppTree)> {
    resolve_with(src, |engine| engine.reuse_renders(previous))
}

fn resolve_with(
    src: &TreeSource,
    prepare: impl FnOnce(&mut Engine),
) -> anyhow::Result<(Engine, AppTree)> {
    let mut repos = Vec::new();
    for r in &src.repos {
        let Some((url, path)) = r.split_once('=') else {
            bail!("--repo {r}: expected URL=PATH");
        };
        repos.push((url.to_string(), PathBuf::from(path)));
    }
    let settings = Settings {
        revision: match &src.revision {
            Some(r) => Revision::Git(r.clone()),
            None => Revision::WorkTree,
        },
        repos,
    };
    let root = repository_root(&src.path)?;
    let mut engine = Engine::new(&root, &settings)?;
    connect(&mut engine, &root, &settings);
    prepare(&mut engine);
    let apps = engine.load_input(&src.path)?;
    let tree = engine.resolve(apps);
    for note in engine.repositories().notes() {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "{note}");
    }
    if let Some(url) = engine.repositories().assumed_url() {
        use std::io::Write;
        let note = format!(
            "note: no repoURL is configured for {} ({} repoURL:, git remote origin): taking {url} from the first root app\n",
            root.display(),
            capstan_source::repos::CONFIG_FILE
        );
        let _ = std::io::stderr().write_all(note.as_bytes());
    }
    Ok((engine, tree))
}

/// Runs the command; returns the exit status (1 when an app has errors).
pub(crate) fn run(a: TreeArgs) -> anyhow::Result<u8> {
    let (_engine, tree) = resolve(&a.source)?;
    let text = match a.output {
        Format::Json => {
            let roots: Vec<Value> = tree.roots.iter().map(|r| node_json(&tree, *r)).collect();
            let mut s =
                serde_json::to_string_pretty(&json!({ "revision": tree.revision, "apps": roots }))?;
            s.push('\n');
            s
        }
        Format::Text => {
            let mut s = format!("revision: {}\n", tree.revision);
            for r in &tree.roots {
                text_node(&tree, *r, "", "", &mut s);
            }
            s
        }
    };
    crate::write_stdout(&text)?;
    Ok(report_errors(&tree))
}

/// Prints every app error on stderr; 1 when there was one.
pub(crate) fn report_errors(tree: &AppTree) -> u8 {
    use std::io::Write;
    let errors = tree.errors();
    let mut msg = String::new();
    for e in &errors {
        msg.push_str(&format!("Error: {e}\n"));
    }
    let _ = std::io::stderr().write_all(msg.as_bytes());
    u8::from(!errors.is_empty())
}

fn sync_summary(app: &Application) -> String {
    let Some(p) = &app.spec.sync_policy else {
        return "manual".into();
    };
    let mut s = if p.is_automated() {
        let a = p.automated.clone().unwrap_or_default();
        let flags: Vec<&str> = [
            (a.prune == Some(true), "prune"),
            (a.self_heal == Some(true), "selfHeal"),
            (a.allow_empty == Some(true), "allowEmpty"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect();
        if flags.is_empty() {
            "auto".to_string()
        } else {
            format!("auto({})", flags.join(","))
        }
    } else {
        "manual".to_string()
    };
    if !p.sync_options.is_empty() {
        s.push_str(&format!(" [{}]", p.sync_options.join(",")));
    }
    s
}

fn destination(app: &Application) -> String {
    let d = &app.spec.destination;
    let cluster = if !d.name.is_empty() {
        d.name.as_str()
    } else {
        d.server.as_str()
    };
    format!(
        "{cluster} ns={}",
        if d.namespace.is_empty() {
            "-"
        } else {
            &d.namespace
        }
    )
}

fn kind_of(node: &AppNode, i: usize) -> String {
    match &node.output {
        Ok(o) => o
            .source_kinds
            .get(i)
            .map_or("ref", |k| k.as_str())
            .to_string(),
        Err(_) => "?".to_string(),
    }
}

fn sources_summary(node: &AppNode) -> Vec<String> {
    let mut out = Vec::new();
    let mut rendered = 0;
    for s in node.app.sources() {
        let what = if !s.chart.is_empty() {
            format!("chart {}", s.chart)
        } else {
            s.path.clone()
        };
        let rev = if s.target_revision.is_empty() {
            "HEAD"
        } else {
            &s.target_revision
        };
        let kind = if s.is_ref_only() {
            format!("ref ${}", s.r#ref)
        } else {
            rendered += 1;
            kind_of(node, rendered - 1)
        };
        out.push(format!("{kind} {} {what}@{rev}", s.repo_url));
    }
    out
}

fn text_node(tree: &AppTree, idx: usize, prefix: &str, branch: &str, out: &mut String) {
    let n = &tree.nodes[idx];
    let wave = n.app.annotations().sync_wave;
    out.push_str(&format!(
        "{prefix}{branch}{}  wave={wave}  project={}  dest={}  sync={}\n",
        n.app.metadata.name,
        n.app.project(),
        destination(&n.app),
        sync_summary(&n.app)
    ));
    let child_prefix = format!(
        "{prefix}{}",
        match branch {
            "" => "",
            "└── " => "    ",
            _ => "│   ",
        }
    );
    let detail = if n.children.is_empty() {
        "    "
    } else {
        "│   "
    };
    for s in sources_summary(n) {
        out.push_str(&format!("{child_prefix}{detail}source: {s}\n"));
    }
    match &n.output {
        Ok(o) => {
            let projects: Vec<&str> = n
                .projects
                .iter()
                .map(|p| p.metadata.name.as_str())
                .collect();
            let mut line = format!("{} resources", o.manifests.len());
            if !projects.is_empty() {
                line.push_str(&format!(", AppProject {}", projects.join(", ")));
            }
            out.push_str(&format!("{child_prefix}{detail}{line}\n"));
        }
        Err(e) => out.push_str(&format!("{child_prefix}{detail}ERROR: {}\n", e.message)),
    }
    for p in &n.problems {
        out.push_str(&format!("{child_prefix}{detail}ERROR: {}\n", p.message));
    }
    for (i, c) in n.children.iter().enumerate() {
        let last = i + 1 == n.children.len();
        text_node(
            tree,
            *c,
            &child_prefix,
            if last { "└── " } else { "├── " },
            out,
        );
    }
}

fn node_json(tree: &AppTree, idx: usize) -> Value {
    let n = &tree.nodes[idx];
    let app = &n.app;
    let mut rendered = 0;
    let sources: Vec<Value> = app
        .sources()
        .iter()
        .map(|s| {
            let kind = if s.is_ref_only() {
                Value::Null
            } else {
                rendered += 1;
                Value::String(kind_of(n, rendered - 1))
            };
            json!({
                "repoURL": s.repo_url,
                "path": s.path,
                "chart": s.chart,
                "targetRevision": s.target_revision,
                "ref": s.r#ref,
                "kind": kind,
            })
        })
        .collect();
    let sp = app.spec.sync_policy.clone().unwrap_or_default();
    let auto = sp.automated.clone().unwrap_or_default();
    let (resources, error) = match &n.output {
        Ok(o) => (json!(o.manifests.len()), Value::Null),
        Err(e) => (Value::Null, json!({ "kind": e.kind, "message": e.message })),
    };
    json!({
        "name": app.metadata.name,
        "namespace": app.metadata.namespace,
        "foundIn": n.found_in,
        "project": app.project(),
        "wave": app.annotations().sync_wave,
        "sources": sources,
        "destination": {
            "server": app.spec.destination.server,
            "name": app.spec.destination.name,
            "namespace": app.spec.destination.namespace,
        },
        "syncPolicy": {
            "automated": sp.is_automated(),
            "prune": auto.prune.unwrap_or(false),
            "selfHeal": auto.self_heal.unwrap_or(false),
            "allowEmpty": auto.allow_empty.unwrap_or(false),
            "syncOptions": sp.sync_options,
        },
        "resources": resources,
        "appProjects": n.projects.iter().map(|p| p.metadata.name.clone()).collect::<Vec<_>>(),
        "error": error,
        "problems": n.problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>(),
        "children": n.children.iter().map(|c| node_json(tree, *c)).collect::<Vec<_>>(),
    })
}
