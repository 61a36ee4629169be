//! `capstan hydrate PATH --branch B`: the manifests a source commit renders
//! to, committed to branch B (the rendered-manifests pattern; layout and
//! guarantees in capstan-source's `hydrate` module), pushed only with
//! `--push`. The user's working tree, index and `HEAD` are never touched.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};
use capstan_source::hydrate::{Outcome, hydrate};
use clap::Args;

use super::tree::{TreeSource, resolve};

/// Commit the rendered manifests of a source commit to a branch.
#[derive(Debug, Args)]
pub(crate) struct HydrateArgs {
    /// An Application manifest, or a folder of them.
    path: PathBuf,
    /// The branch the rendered manifests are committed to.
    #[arg(long)]
    branch: String,
    /// The source commit to render (branch, tag, commit); default HEAD.
    #[arg(long, default_value = "HEAD")]
    revision: String,
    /// Serve another repository from a local path (`URL=PATH`; repeatable).
    #[arg(long = "repo", value_name = "URL=PATH")]
    repos: Vec<String>,
    /// Push the branch afterwards (with the git CLI).
    #[arg(long)]
    push: bool,
    /// The remote to push to.
    #[arg(long, default_value = "origin")]
    remote: String,
}

/// Runs the command; 0 when the branch holds the source commit's manifests.
pub(crate) fn run(a: HydrateArgs) -> anyhow::Result<u8> {
    let src = TreeSource {
        path: a.path.clone(),
        revision: Some(a.revision.clone()),
        repos: a.repos.clone(),
    };
    let (engine, tree) = resolve(&src)?;
    let root = engine.repositories().root().to_path_buf();
    let outcome = hydrate(&root, &a.branch, &tree)?;
    let short = &tree.revision[..tree.revision.len().min(12)];
    let line = match &outcome {
        Outcome::Committed {
            commit,
            apps_changed,
        } => format!(
            "{}: {short} hydrated as {} ({} apps changed: {})\n",
            a.branch,
            &commit[..commit.len().min(12)],
            apps_changed.len(),
            apps_changed.join(", ")
        ),
        Outcome::UpToDate { commit } => format!(
            "{}: up to date with {short} at {}\n",
            a.branch,
            &commit[..commit.len().min(12)]
        ),
        _ => format!("{}: done\n", a.branch),
    };
    crate::write_stdout(&line)?;
    if a.push {
        let refspec = format!("refs/heads/{b}:refs/heads/{b}", b = a.branch);
        let status = Command::new("git")
            .args(["push", &a.remote, &refspec])
            .current_dir(&root)
            .status()
            .context("running git push")?;
        if !status.success() {
            bail!("git push {} {refspec} failed ({status})", a.remote);
        }
    }
    Ok(0)
}
