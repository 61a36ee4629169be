//! `capstan render`: every Application of a tree rendered as Argo CD's
//! repo-server would, to stdout as one stream (an app alone prints exactly
//! its `helm template` output; several apps are each introduced by a
//! `# Application: NAME` comment), or with `--output-dir` one file per
//! resource: `DIR/<app>/<kind>-<namespace>-<name>.yaml` (`<kind>-<name>.yaml`
//! for cluster-scoped kinds). Output is deterministic byte for byte.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use capstan_helm::render::manifest::write_document;
use capstan_source::{AppOutput, AppTree};
use clap::Args;

use super::tree::{TreeSource, report_errors, resolve};

/// Render the manifests of Argo CD Applications (app-of-apps resolved).
#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    #[command(flatten)]
    source: TreeSource,
    /// Only these apps (repeatable; default: every app of the tree).
    #[arg(long = "app", value_name = "NAME")]
    apps: Vec<String>,
    /// Write one file per resource under DIR/<app>/ instead of stdout.
    #[arg(long = "output-dir", value_name = "DIR")]
    output_dir: Option<PathBuf>,
}

/// Runs the command; returns the exit status (1 when an app has errors).
pub(crate) fn run(a: RenderArgs) -> anyhow::Result<u8> {
    let (_engine, tree) = resolve(&a.source)?;
    let selected = select(&tree, &a.apps)?;
    match &a.output_dir {
        None => {
            // Sized once: growing a fleet's stream by doubling costs more
            // in fresh pages than writing it.
            let size: usize = selected
                .iter()
                .map(|i| &tree.nodes[*i])
                .filter_map(|n| {
                    Some(n.output.as_ref().ok()?.stream.len() + n.app.metadata.name.len())
                })
                .map(|len| len + "# Application: \n".len())
                .sum();
            let mut out = String::with_capacity(size);
            let several = selected.len() > 1;
            for idx in &selected {
                let n = &tree.nodes[*idx];
                let Ok(o) = &n.output else { continue };
                if several {
                    out.push_str("# Application: ");
                    out.push_str(&n.app.metadata.name);
                    out.push('\n');
                }
                out.push_str(&o.stream);
            }
            crate::write_stdout(&out)?;
        }
        Some(dir) => {
            for idx in &selected {
                let n = &tree.nodes[*idx];
                let Ok(o) = &n.output else { continue };
                write_app(dir, &n.app.metadata.name, o)?;
            }
        }
    }
    Ok(report_errors(&tree))
}

/// The nodes to print, in tree order; unknown names are an error.
fn select(tree: &AppTree, names: &[String]) -> anyhow::Result<Vec<usize>> {
    if names.is_empty() {
        return Ok((0..tree.nodes.len()).collect());
    }
    for name in names {
        if tree.find(name).is_none() {
            let known: Vec<&str> = tree
                .nodes
                .iter()
                .map(|n| n.app.metadata.name.as_str())
                .collect();
            bail!(
                "no application {name} in the tree (apps: {})",
                known.join(", ")
            );
        }
    }
    Ok((0..tree.nodes.len())
        .filter(|i| names.contains(&tree.nodes[*i].app.metadata.name))
        .collect())
}

fn write_app(dir: &Path, app: &str, o: &AppOutput) -> anyhow::Result<()> {
    let app_dir = dir.join(capstan_source::hydrate::safe(app));
    std::fs::create_dir_all(&app_dir).with_context(|| format!("creating {}", app_dir.display()))?;
    let mut names = BTreeSet::new();
    for m in &o.manifests {
        let k = &m.key;
        // The same file names as a hydrated branch.
        let name = capstan_source::hydrate::file_name(k);
        if !names.insert(name.clone()) {
            bail!("application {app}: {} is rendered twice ({name})", k);
        }
        let mut doc = String::new();
        write_document(&mut doc, &m.source, &m.text);
        let path = app_dir.join(&name);
        // Written beside and renamed, so a failure never leaves half a file.
        let tmp = app_dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, doc.as_bytes())
            .with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
