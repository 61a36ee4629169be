//! `capstan hydrate PATH --branch B`: the rendered manifests of every new
//! source commit committed to branch B, one hydrated commit per source
//! commit (the rendered-manifests pattern; which commits, the layout, the
//! messages and the guarantees are in capstan-source's `hydrate` module),
//! pushed only with `--push`. The user's working tree, index and `HEAD`
//! are never touched, and uncommitted changes are not hydrated (they have
//! no source commit to name).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use capstan_source::hydrate::{self, Identity, NOTES_REF, Range, Request, Step};
use capstan_source::{AppTree, Engine, Revision, Settings};
use clap::Args;

/// Commit the rendered manifests of each source commit to a branch.
#[derive(Debug, Args)]
pub(crate) struct HydrateArgs {
    /// An Application manifest, or a folder of them.
    path: PathBuf,
    /// The branch the rendered manifests are committed to.
    #[arg(long)]
    branch: String,
    /// The source revision (branch, tag, commit): its first-parent commits
    /// newer than the one the branch records are hydrated, oldest first
    /// (only the revision itself on a new branch). `A..B` hydrates the
    /// first-parent commits after A up to B.
    #[arg(long, default_value = "HEAD")]
    revision: String,
    /// Hydrate from this commit (included) up to --revision.
    #[arg(long, value_name = "REV")]
    from: Option<String>,
    /// Author and committer of the hydrated commits, `"Name <email>"`
    /// (default: the source commit's); times are the source commit's.
    #[arg(long, value_name = "NAME <EMAIL>")]
    author: Option<String>,
    /// Serve another repository from a local path, or fetch it from
    /// another Git URL (`URL=PATH` or `URL=URL2`; repeatable).
    #[arg(long = "repo", value_name = "URL=PATH")]
    repos: Vec<String>,
    /// Push the branch (and the hydrate notes) afterwards, with the git CLI.
    #[arg(long)]
    push: bool,
    /// The remote to push to.
    #[arg(long, default_value = "origin")]
    remote: String,
}

/// The Git working tree holding `path`.
fn git_root(path: &Path) -> anyhow::Result<PathBuf> {
    let abs = std::path::absolute(path).context("resolving the input path")?;
    let mut start = abs.as_path();
    // The input may exist only at some revisions: start from a folder that exists.
    while !start.is_dir() {
        start = start.parent().unwrap_or(Path::new("/"));
    }
    capstan_source::repos::git_root(start).with_context(|| {
        format!(
            "{} is not inside a Git repository: hydrate writes a branch of the repository it renders",
            path.display()
        )
    })
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

fn step_line(branch: &str, step: &Step) -> String {
    let subject = format!("{} {:?}", short(&step.source), step.subject);
    match &step.hydrated {
        None => format!("{branch}: {subject}: no manifest changed (recorded in {NOTES_REF})\n"),
        Some(commit) => {
            let apps: Vec<&str> = step.apps.iter().map(|a| a.app.as_str()).collect();
            format!(
                "{branch}: {subject} hydrated as {} ({} app{} changed: {})\n",
                short(commit),
                apps.len(),
                if apps.len() == 1 { "" } else { "s" },
                apps.join(", ")
            )
        }
    }
}

/// Runs the command; 0 when the branch holds every requested source commit.
pub(crate) fn run(a: HydrateArgs) -> anyhow::Result<u8> {
    let root = git_root(&a.path)?;
    let mut repos = Vec::new();
    for r in &a.repos {
        let Some((url, path)) = r.split_once('=') else {
            bail!("--repo {r}: expected URL=PATH");
        };
        repos.push((url.to_string(), PathBuf::from(path)));
    }
    let identity = a.author.as_deref().map(Identity::parse).transpose()?;
    let request = Request {
        repo_dir: &root,
        branch: &a.branch,
        range: Range::parse(&a.revision, a.from.as_deref())?,
        identity,
    };
    // The engine of the commit before: charts whose inputs did not change
    // are not rendered again.
    let mut previous: Option<Engine> = None;
    let mut counts = (0, 0);
    let mut render = |commit: &str| -> Result<AppTree, String> {
        let settings = Settings {
            revision: Revision::Git(commit.to_string()),
            repos: repos.clone(),
        };
        let mut engine = Engine::new(&root, &settings).map_err(|e| e.to_string())?;
        super::tree::connect(&mut engine, &root, &settings);
        engine.reuse_renders(previous.as_mut());
        let apps = engine.load_input(&a.path).map_err(|e| e.to_string())?;
        let tree = engine.resolve(apps);
        counts = engine.render_counts();
        previous = Some(engine);
        Ok(tree)
    };
    let mut progress = |step: &Step| {
        let _ = crate::write_stdout(&step_line(&a.branch, step));
    };
    let report = hydrate::hydrate(&request, &mut render, &mut progress)?;

    let mut text = String::new();
    for n in &report.notes {
        text.push_str(&format!("note: {n}\n"));
    }
    let recorded = report.recorded.as_deref().map_or("-", short);
    let tip = report.tip.as_deref().map_or("-", short);
    if report.steps.is_empty() {
        text.push_str(&format!(
            "{}: up to date at {tip} (source {recorded}): no new source commit\n",
            a.branch
        ));
    } else {
        let written = report.steps.iter().filter(|s| s.hydrated.is_some()).count();
        text.push_str(&format!(
            "{}: {} source commit{} hydrated, {written} commit{} written; tip {tip} (source {recorded})\n",
            a.branch,
            report.steps.len(),
            if report.steps.len() == 1 { "" } else { "s" },
            if written == 1 { "" } else { "s" },
        ));
    }
    if counts.0 + counts.1 > 0 {
        text.push_str(&format!(
            "{}: {} chart render{}, {} reused from the commit before\n",
            a.branch,
            counts.0,
            if counts.0 == 1 { "" } else { "s" },
            counts.1
        ));
    }
    crate::write_stdout(&text)?;
    if a.push {
        push(&root, &a.remote, &a.branch)?;
    }
    Ok(0)
}

/// Pushes the branch and the hydrate notes (never forced: a remote that
/// moved on is an error to resolve, not to overwrite).
fn push(root: &Path, remote: &str, branch: &str) -> anyhow::Result<()> {
    let mut refspecs = vec![format!("refs/heads/{branch}:refs/heads/{branch}")];
    if hydrate::notes_present(root) {
        refspecs.push(format!("{NOTES_REF}:{NOTES_REF}"));
    }
    let status = Command::new("git")
        .arg("push")
        .arg("--quiet")
        .arg(remote)
        .args(&refspecs)
        .current_dir(root)
        .status()
        .context("running git push")?;
    if !status.success() {
        bail!("git push {remote} {} failed ({status})", refspecs.join(" "));
    }
    crate::write_stdout(&format!("{branch}: pushed to {remote}\n"))
}
