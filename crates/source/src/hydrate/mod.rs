//! The rendered-manifests pattern (Argo CD's source hydrator, offline):
//! the manifests each source commit renders to, committed to a branch of
//! the same repository, one hydrated commit per source commit.
//!
//! Which source commits: the first-parent history of the source revision
//! that is newer than the source commit the branch tip records, oldest
//! first; on a new branch only the source revision itself, unless a range
//! is asked for ([`Range`]). Only commits are hydrated: uncommitted
//! changes have no commit to name, so the working tree is never read.
//!
//! Each hydrated commit names its source in a trailer,
//! `Capstan-Source-Commit: <sha>`, its subject repeats the source's
//! (`Hydrate <short sha>: <subject>`) and its body lists the apps added,
//! removed and changed with their files. Author and committer are the
//! source commit's (or a fixed [`Identity`] with the source's times), so
//! hydrating the same history twice gives the same commit ids.
//!
//! A source commit whose manifests equal the branch tip's makes no commit,
//! as Argo CD's hydrator does since 3.3 ("don't push commits if manifests
//! don't change"): an empty commit would tell deployers something changed
//! and trigger syncs and promotions for nothing. Like Argo CD, the source
//! commit is still recorded, in a Git note on the tip under
//! `refs/notes/capstan-hydrate` ([`NOTES_REF`]), so the next run resumes
//! after it.
//!
//! A source commit that does not render (an app with an error, a missing
//! input) stops the run with an error naming the commit and the apps; the
//! branch stays at the last good hydrated commit (it is moved commit by
//! commit, with a compare-and-swap), never at a tree missing the failed
//! apps' manifests.
//!
//! Objects are written straight into Git's object database and only the
//! branch (and notes) references move: the user's working tree, index and
//! `HEAD` are never touched (hydrating the checked-out branch is refused).

mod git;
mod layout;
mod message;

use std::path::Path;

use gix::ObjectId;
use gix::bstr::BString;

use crate::apps::{AppError, AppTree};

pub use git::NOTES_REF;
pub use layout::{Files, file_name, layout, safe};
pub use message::AppChange;

/// The trailer naming the source commit of a hydrated commit.
pub const SOURCE_TRAILER: &str = "Capstan-Source-Commit";

/// Why hydrating failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HydrateError {
    /// The request cannot be carried out (bad revision, wrong branch).
    #[error("{0}")]
    Refused(String),
    /// Reading or writing the repository failed.
    #[error("{0}")]
    Git(String),
    /// A source commit does not render; nothing from it was written.
    #[error("{0}")]
    Render(Box<RenderFailure>),
}

/// A source commit that does not render, and where the branch was left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderFailure {
    pub commit: String,
    pub subject: String,
    /// The apps that failed, when it was apps.
    pub errors: Vec<AppError>,
    /// What failed otherwise (reading the input, the layout).
    pub message: String,
    /// Where the branch was left.
    pub kept: String,
}

impl std::fmt::Display for RenderFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short = &self.commit[..self.commit.len().min(12)];
        write!(
            f,
            "source commit {short} ({:?}) does not render: ",
            self.subject
        )?;
        if self.errors.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            let list: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
            write!(f, "{}", list.join("; "))?;
        }
        if !self.kept.is_empty() {
            write!(f, "\n{}", self.kept)?;
        }
        Ok(())
    }
}

/// A fixed author and committer for hydrated commits (`--author`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

impl Identity {
    /// `Name <email>`, as Git writes an identity.
    pub fn parse(text: &str) -> Result<Identity, HydrateError> {
        let bad = || HydrateError::Refused(format!("author {text:?}: expected \"Name <email>\""));
        let (name, rest) = text.split_once('<').ok_or_else(bad)?;
        let email = rest.strip_suffix('>').ok_or_else(bad)?;
        let name = name.trim();
        if name.is_empty() || email.contains(['<', '>', '\n']) || name.contains(['>', '\n']) {
            return Err(bad());
        }
        Ok(Identity {
            name: name.to_string(),
            email: email.trim().to_string(),
        })
    }

    fn sig(&self, time: &str) -> git::Sig {
        git::Sig {
            name: BString::from(self.name.as_str()),
            email: BString::from(self.email.as_str()),
            time: time.to_string(),
        }
    }
}

/// Which source commits to hydrate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Range {
    /// The first-parent commits of the revision newer than the one the
    /// branch records; only the revision itself on a new branch.
    Tip(String),
    /// `--from FROM`: the first-parent commits from FROM (included) to TO.
    From { from: String, to: String },
    /// `BASE..TO`: the first-parent commits after BASE up to TO.
    After { base: String, to: String },
}

impl Range {
    /// From `--revision` (a revision or `A..B`) and `--from`.
    pub fn parse(revision: &str, from: Option<&str>) -> Result<Range, HydrateError> {
        let or_head = |s: &str| if s.is_empty() { "HEAD" } else { s }.to_string();
        match (revision.split_once(".."), from) {
            (Some(_), Some(_)) => Err(HydrateError::Refused(
                "--from and a range A..B cannot be combined".into(),
            )),
            (Some((base, to)), None) => {
                if base.is_empty() || to.starts_with('.') {
                    return Err(HydrateError::Refused(format!(
                        "range {revision:?}: expected BASE..TO"
                    )));
                }
                Ok(Range::After {
                    base: base.to_string(),
                    to: or_head(to),
                })
            }
            (None, Some(from)) => Ok(Range::From {
                from: from.to_string(),
                to: or_head(revision),
            }),
            (None, None) => Ok(Range::Tip(or_head(revision))),
        }
    }
}

/// What to hydrate where.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The repository (any folder inside it).
    pub repo_dir: &'a Path,
    /// The branch written (`refs/heads/<branch>`).
    pub branch: &'a str,
    pub range: Range,
    /// Author and committer instead of the source commit's.
    pub identity: Option<Identity>,
}

/// One source commit hydrated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The source commit and its subject.
    pub source: String,
    pub subject: String,
    /// The hydrated commit written; `None` when the manifests did not
    /// change (the source commit is recorded in a note instead).
    pub hydrated: Option<String>,
    /// Apps added, removed or changed.
    pub apps: Vec<AppChange>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Every source commit hydrated, oldest first (empty: up to date).
    pub steps: Vec<Step>,
    /// The branch tip afterwards and the newest source commit it records.
    pub tip: Option<String>,
    pub recorded: Option<String>,
    /// Something the user should know (a history that does not continue
    /// the branch's).
    pub notes: Vec<String>,
}

/// Hydrates the source commits `request.range` names onto the branch,
/// rendering each with `render` (the tree at a commit id), reporting each
/// step to `progress` as it is written.
pub fn hydrate(
    request: &Request<'_>,
    render: &mut dyn FnMut(&str) -> Result<AppTree, String>,
    progress: &mut dyn FnMut(&Step),
) -> Result<Report, HydrateError> {
    let repo = git::open(request.repo_dir)?;
    let branch = git::read_branch(&repo, request.branch)?;
    let mut report = Report::default();
    let todo = plan(&repo, &branch, &request.range, &mut report.notes)?;

    let mut tip = branch.tip;
    let mut listing = tip
        .map(|(_, tree)| git::read_listing(&repo, tree))
        .unwrap_or_default();
    // The newest source commit processed without a change, to note on the tip.
    let mut unnoted: Option<git::SourceCommit> = None;
    let mut result = Ok(());
    for id in todo {
        let source = git::source_commit(&repo, id)?;
        match hydrate_one(&repo, request, &branch.name, tip, &listing, &source, render) {
            Ok((step, new_tip)) => {
                if let Some((commit, tree, new_listing)) = new_tip {
                    tip = Some((commit, tree));
                    listing = new_listing;
                    unnoted = None;
                } else {
                    unnoted = Some(source);
                }
                progress(&step);
                report.steps.push(step);
            }
            Err(failure) => {
                result = Err(failure);
                break;
            }
        }
    }
    // Record the source commits that changed nothing (also before an error:
    // they were hydrated, and the next run resumes after them).
    if let (Some(source), Some((commit, _))) = (&unnoted, tip) {
        let who = match &request.identity {
            Some(i) => i.sig(&source.committer.time),
            None => source.committer.clone(),
        };
        git::write_note(
            &repo,
            commit,
            &format!("{SOURCE_TRAILER}: {}\n", source.id),
            &who,
        )?;
    }
    let recorded = match (&unnoted, report.steps.last()) {
        (Some(s), _) => Some(s.id.to_string()),
        (None, Some(step)) => Some(step.source.clone()),
        (None, None) => branch.recorded.map(|r| r.to_string()),
    };
    if let Err(failure) = result {
        let kept = match tip {
            Some((commit, _)) => format!(
                "branch {} left at {} (hydrated from {}); nothing after it was written",
                request.branch,
                git::short(&commit),
                recorded.as_deref().map_or("?", |r| &r[..r.len().min(12)])
            ),
            None => format!("branch {} was not created", request.branch),
        };
        return Err(match failure {
            HydrateError::Render(mut f) => {
                f.kept = kept;
                HydrateError::Render(f)
            }
            other => other,
        });
    }
    report.tip = tip.map(|(c, _)| c.to_string());
    report.recorded = recorded;
    Ok(report)
}

/// A hydrated commit written: its id, tree and listing.
type Written = (ObjectId, ObjectId, git::Listing);

/// Renders one source commit and commits it unless nothing changed.
fn hydrate_one(
    repo: &gix::Repository,
    request: &Request<'_>,
    branch: &gix::refs::FullName,
    tip: Option<(ObjectId, ObjectId)>,
    listing: &git::Listing,
    source: &git::SourceCommit,
    render: &mut dyn FnMut(&str) -> Result<AppTree, String>,
) -> Result<(Step, Option<Written>), HydrateError> {
    let fail = |errors: Vec<AppError>, message: String| {
        HydrateError::Render(Box::new(RenderFailure {
            commit: source.id.to_string(),
            subject: source.subject.clone(),
            errors,
            message,
            kept: String::new(),
        }))
    };
    let tree = render(&source.id.to_string()).map_err(|m| fail(Vec::new(), m))?;
    let errors: Vec<AppError> = tree.errors().into_iter().cloned().collect();
    if !errors.is_empty() {
        return Err(fail(errors, String::new()));
    }
    let files = layout(&tree).map_err(|m| fail(Vec::new(), m))?;
    let (root, new_listing) = git::write_files(repo, &files)?;
    let mut step = Step {
        source: source.id.to_string(),
        subject: source.subject.clone(),
        hydrated: None,
        apps: Vec::new(),
    };
    if tip.is_some_and(|(_, tree)| tree == root) {
        return Ok((step, None));
    }
    step.apps = message::compare(listing, &new_listing);
    let text = message::message(source, &step.apps, new_listing.len());
    let (author, committer) = match &request.identity {
        Some(i) => (i.sig(&source.author.time), i.sig(&source.committer.time)),
        None => (source.author.clone(), source.committer.clone()),
    };
    let commit = git::commit(
        repo,
        branch,
        tip.map(|(c, _)| c),
        root,
        &text,
        &author,
        &committer,
    )?;
    step.hydrated = Some(commit.to_string());
    Ok((step, Some((commit, root, new_listing))))
}

/// The source commits to hydrate, oldest first.
fn plan(
    repo: &gix::Repository,
    branch: &git::Branch,
    range: &Range,
    notes: &mut Vec<String>,
) -> Result<Vec<ObjectId>, HydrateError> {
    let recorded = branch.recorded;
    let (to, mut chain) = match range {
        Range::Tip(rev) => {
            let to = git::resolve(repo, rev)?;
            let Some(r) = recorded else {
                return Ok(vec![to]);
            };
            let (chain, found) = git::first_parents_until(repo, to, |c| *c == r);
            if found.is_some() {
                return Ok(chain.into_iter().rev().collect());
            }
            (to, vec![to])
        }
        Range::From { from, to } => {
            let to = git::resolve(repo, to)?;
            let from = git::resolve(repo, from)?;
            let (mut chain, found) = git::first_parents_until(repo, to, |c| *c == from);
            if found.is_none() {
                return Err(not_first_parent(&from, &to));
            }
            chain.push(from);
            (to, chain)
        }
        Range::After { base, to } => {
            let to = git::resolve(repo, to)?;
            let base = git::resolve(repo, base)?;
            let (chain, found) = git::first_parents_until(repo, to, |c| *c == base);
            if found.is_none() {
                return Err(not_first_parent(&base, &to));
            }
            (to, chain)
        }
    };
    let Some(r) = recorded else {
        return Ok(chain.into_iter().rev().collect());
    };
    // Commits the branch already holds are not hydrated again.
    if let Some(i) = chain.iter().position(|c| *c == r) {
        chain.truncate(i);
        return Ok(chain.into_iter().rev().collect());
    }
    // The branch is already past `to` (it records a descendant of it).
    let (_, found) = git::first_parents_until(repo, r, |c| *c == to);
    if found.is_some() {
        notes.push(format!(
            "the branch already records {}, which comes after {}",
            git::short(&r),
            git::short(&to)
        ));
        return Ok(Vec::new());
    }
    if matches!(range, Range::Tip(_)) {
        notes.push(format!(
            "the source commit the branch records ({}) is not in the first-parent history of {}: hydrating {} alone",
            git::short(&r),
            git::short(&to),
            git::short(&to)
        ));
    }
    Ok(chain.into_iter().rev().collect())
}

/// Whether the repository at or above `dir` has hydrate notes to push.
pub fn notes_present(dir: &Path) -> bool {
    git::open(dir).is_ok_and(|r| r.try_find_reference(NOTES_REF).ok().flatten().is_some())
}

fn not_first_parent(start: &ObjectId, to: &ObjectId) -> HydrateError {
    HydrateError::Refused(format!(
        "{} is not in the first-parent history of {}",
        git::short(start),
        git::short(to)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_identities_parse() {
        assert_eq!(Range::parse("", None), Ok(Range::Tip("HEAD".into())));
        assert_eq!(
            Range::parse("v1..main", None),
            Ok(Range::After {
                base: "v1".into(),
                to: "main".into()
            })
        );
        assert_eq!(
            Range::parse("v1..", None),
            Ok(Range::After {
                base: "v1".into(),
                to: "HEAD".into()
            })
        );
        assert_eq!(
            Range::parse("main", Some("v1")),
            Ok(Range::From {
                from: "v1".into(),
                to: "main".into()
            })
        );
        assert!(Range::parse("a..b", Some("c")).is_err());
        assert!(Range::parse("a...b", None).is_err());
        assert!(Range::parse("..b", None).is_err());
        assert_eq!(
            Identity::parse("Capstan Bot <bot@example.com>"),
            Ok(Identity {
                name: "Capstan Bot".into(),
                email: "bot@example.com".into()
            })
        );
        assert!(Identity::parse("nobody").is_err());
        assert!(Identity::parse("<a@b>").is_err());
    }
}
