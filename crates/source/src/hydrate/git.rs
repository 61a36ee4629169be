//! The Git side of hydration, straight on the object database with gix:
//! reading the hydrated branch (its tip, the source commit it records),
//! walking the first-parent history of the source, writing the rendered
//! files as blobs and trees, committing, moving the branch with a
//! compare-and-swap, and the `refs/notes/capstan-hydrate` note that records
//! source commits which changed nothing. No working tree, index or `HEAD`
//! is read or written.

use std::collections::BTreeMap;
use std::path::Path;

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::{FullName, Target};

use super::{HydrateError, SOURCE_TRAILER};

/// The notes reference recording, on a hydrated commit, the newest source
/// commit hydrated onto it without a change.
pub const NOTES_REF: &str = "refs/notes/capstan-hydrate";

/// App folder → file name → blob id: a hydrated tree, as the message needs it.
pub(super) type Listing = BTreeMap<String, BTreeMap<String, ObjectId>>;

fn git_err(context: &str, e: impl std::fmt::Display) -> HydrateError {
    HydrateError::Git(format!("{context}: {e}"))
}

/// Opens the repository at or above `dir`.
pub(super) fn open(dir: &Path) -> Result<gix::Repository, HydrateError> {
    gix::discover(dir).map_err(|e| git_err(&dir.display().to_string(), e))
}

/// `refs/heads/<branch>`, refused when it is not a valid branch name.
pub(super) fn branch_ref(branch: &str) -> Result<FullName, HydrateError> {
    let full = format!("refs/heads/{branch}");
    FullName::try_from(full.as_str())
        .map_err(|e| HydrateError::Refused(format!("{branch:?} is not a valid branch name: {e}")))
}

/// A signature as Git stores it: the time kept as written (seconds and
/// zone), so copying it loses nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sig {
    pub name: BString,
    pub email: BString,
    pub time: String,
}

impl Sig {
    fn from_ref(s: gix::actor::SignatureRef<'_>) -> Sig {
        Sig {
            name: s.name.to_owned(),
            email: s.email.to_owned(),
            time: s.time.to_string(),
        }
    }

    fn as_ref(&self) -> gix::actor::SignatureRef<'_> {
        gix::actor::SignatureRef {
            name: self.name.as_ref(),
            email: self.email.as_ref(),
            time: &self.time,
        }
    }
}

/// A source commit: id, subject and the signatures hydrated commits copy.
#[derive(Debug, Clone)]
pub(super) struct SourceCommit {
    pub id: ObjectId,
    pub subject: String,
    pub author: Sig,
    pub committer: Sig,
}

/// The commit `rev` names (branch, tag, commit id, `HEAD~2`...).
pub(super) fn resolve(repo: &gix::Repository, rev: &str) -> Result<ObjectId, HydrateError> {
    let id = repo
        .rev_parse_single(rev)
        .map_err(|e| HydrateError::Refused(format!("revision {rev:?} not found: {e}")))?;
    let commit = id
        .object()
        .map_err(|e| git_err(rev, e))?
        .peel_to_commit()
        .map_err(|e| HydrateError::Refused(format!("revision {rev:?} is not a commit: {e}")))?;
    Ok(commit.id)
}

/// Reads a source commit's subject and signatures.
pub(super) fn source_commit(
    repo: &gix::Repository,
    id: ObjectId,
) -> Result<SourceCommit, HydrateError> {
    let context = id.to_string();
    let commit = repo.find_commit(id).map_err(|e| git_err(&context, e))?;
    let subject = commit
        .message()
        .map(|m| m.summary().to_str_lossy().trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "(no subject)".to_string());
    let author = commit.author().map_err(|e| git_err(&context, e))?;
    let committer = commit.committer().map_err(|e| git_err(&context, e))?;
    Ok(SourceCommit {
        id,
        subject,
        author: Sig::from_ref(author),
        committer: Sig::from_ref(committer),
    })
}

/// The first parent of `id`, `None` for a root commit or a shallow boundary.
fn first_parent(repo: &gix::Repository, id: ObjectId) -> Option<ObjectId> {
    let commit = repo.find_commit(id).ok()?;
    let parent = commit.parent_ids().next().map(|p| p.detach());
    parent.filter(|p| repo.find_commit(*p).is_ok())
}

/// Walks the first-parent history from `from` (included), newest first,
/// until `stop` says so: the commits before the stop, and the stopping
/// commit (`None` when the history ended first).
pub(super) fn first_parents_until(
    repo: &gix::Repository,
    from: ObjectId,
    mut stop: impl FnMut(&ObjectId) -> bool,
) -> (Vec<ObjectId>, Option<ObjectId>) {
    let mut out = Vec::new();
    let mut next = Some(from);
    while let Some(id) = next {
        if stop(&id) {
            return (out, Some(id));
        }
        out.push(id);
        next = first_parent(repo, id);
    }
    (out, None)
}

/// The hydrated branch as found.
#[derive(Debug, Clone)]
pub(super) struct Branch {
    pub name: FullName,
    /// Its tip commit and that commit's tree.
    pub tip: Option<(ObjectId, ObjectId)>,
    /// The newest source commit the tip holds: its note if any, else its trailer.
    pub recorded: Option<ObjectId>,
}

/// The source commit a hydrated commit's message names in its trailer.
fn trailer_source(message: &str) -> Option<ObjectId> {
    let prefix = format!("{SOURCE_TRAILER}:");
    message.lines().rev().find_map(|l| {
        let rest = l.trim().strip_prefix(&prefix)?;
        ObjectId::from_hex(rest.trim().as_bytes()).ok()
    })
}

/// Reads `branch`, refusing the checked-out branch (hydrate never touches a
/// working tree) and a branch that was not written by hydrate (its tree
/// would be replaced by manifests).
pub(super) fn read_branch(repo: &gix::Repository, branch: &str) -> Result<Branch, HydrateError> {
    let name = branch_ref(branch)?;
    if let Ok(Some(head)) = repo.head_name()
        && head == name
    {
        return Err(HydrateError::Refused(format!(
            "branch {branch} is checked out: hydrate writes a branch nobody works on"
        )));
    }
    let Some(mut r) = repo
        .try_find_reference(name.as_bstr())
        .map_err(|e| git_err(branch, e))?
    else {
        return Ok(Branch {
            name,
            tip: None,
            recorded: None,
        });
    };
    let commit = r.peel_to_commit().map_err(|e| git_err(branch, e))?;
    let tree = commit.tree_id().map_err(|e| git_err(branch, e))?.detach();
    let message = commit.message_raw_sloppy().to_str_lossy().into_owned();
    let recorded = read_note(repo, commit.id)
        .as_deref()
        .and_then(trailer_source)
        .or_else(|| trailer_source(&message));
    if recorded.is_none() {
        return Err(HydrateError::Refused(format!(
            "branch {branch} exists and its tip {} names no source commit ({SOURCE_TRAILER}:): \
             it was not written by capstan hydrate; choose another branch",
            short(&commit.id)
        )));
    }
    Ok(Branch {
        name,
        tip: Some((commit.id, tree)),
        recorded,
    })
}

/// The first 12 hex digits of an id.
pub(super) fn short(id: &ObjectId) -> String {
    let mut s = id.to_string();
    s.truncate(12);
    s
}

fn write_tree(
    repo: &gix::Repository,
    entries: Vec<(String, gix::objs::tree::EntryKind, ObjectId)>,
) -> Result<ObjectId, HydrateError> {
    let mut tree = gix::objs::Tree::empty();
    for (name, kind, oid) in entries {
        tree.entries.push(gix::objs::tree::Entry {
            mode: kind.into(),
            filename: name.into(),
            oid,
        });
    }
    // Git's order (folders sort as if their name ended in '/').
    tree.entries.sort();
    Ok(repo
        .write_object(&tree)
        .map_err(|e| git_err("writing a tree", e))?
        .detach())
}

/// Writes the files (app folder → file name → bytes) as blobs and trees:
/// the root tree's id and its listing.
pub(super) fn write_files(
    repo: &gix::Repository,
    files: &BTreeMap<String, BTreeMap<String, Vec<u8>>>,
) -> Result<(ObjectId, Listing), HydrateError> {
    use gix::objs::tree::EntryKind;
    let mut root = Vec::new();
    let mut listing = Listing::new();
    for (app, docs) in files {
        let mut entries = Vec::new();
        let listed = listing.entry(app.clone()).or_default();
        for (name, bytes) in docs {
            let blob = repo
                .write_blob(bytes)
                .map_err(|e| git_err("writing a blob", e))?
                .detach();
            listed.insert(name.clone(), blob);
            entries.push((name.clone(), EntryKind::Blob, blob));
        }
        let id = write_tree(repo, entries)?;
        root.push((app.clone(), EntryKind::Tree, id));
    }
    Ok((write_tree(repo, root)?, listing))
}

/// The listing of a hydrated tree (files outside app folders are ignored).
pub(super) fn read_listing(repo: &gix::Repository, tree: ObjectId) -> Listing {
    let mut out = Listing::new();
    let Ok(root) = repo.find_tree(tree) else {
        return out;
    };
    for e in root.iter().flatten() {
        if !e.mode().is_tree() {
            continue;
        }
        let files = out.entry(e.filename().to_string()).or_default();
        if let Ok(t) = repo.find_tree(e.object_id()) {
            for f in t.iter().flatten() {
                files.insert(f.filename().to_string(), f.object_id());
            }
        }
    }
    out
}

/// Moves `name` from `expected` (`None`: must not exist) to `new`; fails if
/// someone else moved it meanwhile.
fn move_ref(
    repo: &gix::Repository,
    name: &FullName,
    expected: Option<ObjectId>,
    new: ObjectId,
    log: &str,
    who: &Sig,
) -> Result<(), HydrateError> {
    let expected = match expected {
        Some(id) => PreviousValue::MustExistAndMatch(Target::Object(id)),
        None => PreviousValue::MustNotExist,
    };
    let edit = RefEdit {
        change: Change::Update {
            log: LogChange {
                mode: RefLog::AndReference,
                force_create_reflog: false,
                message: BString::from(log),
            },
            expected,
            new: Target::Object(new),
        },
        name: name.clone(),
        deref: false,
    };
    repo.edit_references_as(Some(edit), Some(who.as_ref()))
        .map_err(|e| git_err(&format!("moving {}", name.as_bstr()), e))?;
    Ok(())
}

/// Writes a hydrated commit and moves the branch onto it.
#[allow(clippy::too_many_arguments)]
pub(super) fn commit(
    repo: &gix::Repository,
    branch: &FullName,
    parent: Option<ObjectId>,
    tree: ObjectId,
    message: &str,
    author: &Sig,
    committer: &Sig,
) -> Result<ObjectId, HydrateError> {
    let id = repo
        .new_commit_as(committer.as_ref(), author.as_ref(), message, tree, parent)
        .map_err(|e| git_err("writing a commit", e))?
        .id;
    let subject = message.lines().next().unwrap_or_default();
    move_ref(
        repo,
        branch,
        parent,
        id,
        &format!("capstan hydrate: {subject}"),
        committer,
    )?;
    Ok(id)
}

/// The note attached to `target` under [`NOTES_REF`] (flat or with Git's
/// two-character fan-out).
pub(super) fn read_note(repo: &gix::Repository, target: ObjectId) -> Option<String> {
    let mut r = repo.try_find_reference(NOTES_REF).ok()??;
    let tree = r.peel_to_commit().ok()?.tree().ok()?;
    let hex = target.to_string();
    let entry = tree
        .lookup_entry_by_path(hex.as_str())
        .ok()
        .flatten()
        .or_else(|| {
            let fanned = format!("{}/{}", &hex[..2], &hex[2..]);
            tree.lookup_entry_by_path(fanned.as_str()).ok().flatten()
        })?;
    let blob = repo.find_blob(entry.object_id()).ok()?;
    Some(blob.data.to_str_lossy().into_owned())
}

/// Attaches `text` to `target` under [`NOTES_REF`], replacing its note.
pub(super) fn write_note(
    repo: &gix::Repository,
    target: ObjectId,
    text: &str,
    who: &Sig,
) -> Result<(), HydrateError> {
    use gix::objs::tree::EntryKind;
    let name = FullName::try_from(NOTES_REF).map_err(|e| git_err(NOTES_REF, e))?;
    let previous = match repo
        .try_find_reference(NOTES_REF)
        .map_err(|e| git_err(NOTES_REF, e))?
    {
        Some(mut r) => Some(r.peel_to_commit().map_err(|e| git_err(NOTES_REF, e))?),
        None => None,
    };
    let hex = target.to_string();
    let mut entries = Vec::new();
    if let Some(c) = &previous {
        let tree = c.tree().map_err(|e| git_err(NOTES_REF, e))?;
        for e in tree.iter() {
            let e = e.map_err(|e| git_err(NOTES_REF, e))?;
            let filename = e.filename().to_string();
            if filename == hex {
                continue;
            }
            entries.push((filename, e.mode().kind(), e.object_id()));
        }
    }
    let blob = repo
        .write_blob(text.as_bytes())
        .map_err(|e| git_err("writing a note", e))?
        .detach();
    entries.push((hex, EntryKind::Blob, blob));
    let tree = write_tree(repo, entries)?;
    let parent = previous.as_ref().map(|c| c.id);
    let id = repo
        .new_commit_as(
            who.as_ref(),
            who.as_ref(),
            "Notes added by 'capstan hydrate'\n",
            tree,
            parent,
        )
        .map_err(|e| git_err("writing a notes commit", e))?
        .id;
    move_ref(repo, &name, parent, id, "capstan hydrate: note", who)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailer_is_read_from_the_last_lines() {
        let a = "a".repeat(40);
        let m = format!("Hydrate x\n\nbody\n\n{SOURCE_TRAILER}: {a}\n");
        assert_eq!(trailer_source(&m).map(|i| i.to_string()), Some(a));
        assert_eq!(trailer_source("no trailer"), None);
        assert_eq!(trailer_source(&format!("{SOURCE_TRAILER}: nothex")), None);
    }
}
