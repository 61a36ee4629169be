//! [`FileTree`]: a repository's files at one revision, read the same way
//! whether they come from the working tree (uncommitted changes included)
//! or straight from Git's object database at a branch, tag or commit (no
//! checkout). Paths are `/`-separated and relative to the repository root;
//! symbolic links are followed only while they stay inside the repository.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Symbolic links followed in a row before giving up (a loop).
const MAX_LINK_HOPS: usize = 16;

/// What a directory entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
}

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub kind: EntryKind,
}

/// A failure reading a tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct TreeError {
    pub path: String,
    pub message: String,
}

impl TreeError {
    pub(crate) fn new(path: &str, message: impl Into<String>) -> TreeError {
        TreeError {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

/// A repository's files at one revision.
pub trait FileTree: std::fmt::Debug {
    /// The bytes of a file, `None` when there is no file at `path`.
    fn read(&self, path: &str) -> Result<Option<Arc<[u8]>>, TreeError>;
    /// A directory's entries sorted by name, `None` when `path` is not a directory.
    fn list(&self, path: &str) -> Result<Option<Vec<DirEntry>>, TreeError>;
    /// What the tree is: `worktree` or the commit id it was read at. Caches key on it.
    fn revision(&self) -> &str;
}

/// Joins `rel` onto the directory `base` (both repository-relative) and
/// resolves `.` and `..`; `None` when the result leaves the repository.
/// A leading `/` in `rel` means the repository root, as Argo CD reads it.
pub fn join(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let start = if rel.starts_with('/') { "" } else { base };
    for p in start.split('/').chain(rel.split('/')) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The parent directory of a repository path (`""` for top-level entries).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The working tree of a directory on disk.
#[derive(Debug, Clone)]
pub struct WorkTree {
    root: PathBuf,
    canonical_root: PathBuf,
    /// Directories (repository paths) found to be real directories, not
    /// links, all the way from the root: files under them need no
    /// `canonicalize` (a system call per path component) to be known
    /// inside the repository. Shared by clones: they read the same tree.
    real_dirs: Arc<Mutex<HashSet<String>>>,
    /// Files read, by repository path: one tree is one reading of the
    /// working tree (a command, a resolve), and the apps of a tree read the
    /// same values files and app folders many times over (five system
    /// calls each). Shared by clones. A new `WorkTree` reads afresh.
    read_files: Arc<Mutex<HashMap<String, Arc<[u8]>>>>,
    /// Directories listed, likewise.
    listed_dirs: Arc<Mutex<HashMap<String, Vec<DirEntry>>>>,
}

impl WorkTree {
    /// The files under `root`.
    pub fn new(root: &Path) -> Result<WorkTree, TreeError> {
        let canonical_root = root
            .canonicalize()
            .map_err(|e| TreeError::new(&root.display().to_string(), e.to_string()))?;
        Ok(WorkTree {
            root: root.to_path_buf(),
            canonical_root,
            real_dirs: Arc::default(),
            read_files: Arc::default(),
            listed_dirs: Arc::default(),
        })
    }

    /// The directory on disk.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The on-disk path of `path` and what is there (links followed),
    /// refusing links that lead outside the root.
    fn locate(&self, path: &str) -> Result<Option<(PathBuf, std::fs::Metadata)>, TreeError> {
        let p = self.root.join(path);
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            return Ok(None);
        };
        let link = meta.file_type().is_symlink();
        if !link && self.dirs_are_real(path) {
            // No link on the way: the path is where it says, inside.
            return Ok(Some((p, meta)));
        }
        if link || path.contains('/') {
            match p.canonicalize() {
                Ok(c) if c.starts_with(&self.canonical_root) => {}
                Ok(_) => {
                    return Err(TreeError::new(
                        path,
                        "symbolic link leads outside the repository",
                    ));
                }
                Err(_) => return Ok(None),
            }
        }
        match std::fs::metadata(&p) {
            Ok(followed) => Ok(Some((p, followed))),
            Err(_) => Ok(None),
        }
    }

    /// Whether every directory on the way to `path` is a real directory
    /// (no link, no `.` or `..`), each looked at once per tree.
    fn dirs_are_real(&self, path: &str) -> bool {
        let Some((parent, _)) = path.rsplit_once('/') else {
            return true;
        };
        if parent
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
        {
            return false;
        }
        if self
            .real_dirs
            .lock()
            .is_ok_and(|known| known.contains(parent))
        {
            return true;
        }
        if !self.dirs_are_real(parent) {
            return false;
        }
        let real =
            std::fs::symlink_metadata(self.root.join(parent)).is_ok_and(|m| m.file_type().is_dir());
        if real && let Ok(mut known) = self.real_dirs.lock() {
            known.insert(parent.to_string());
        }
        real
    }
}

/// What a [`WorkTree`] already read at `path`.
fn recall<T: Clone>(memory: &Mutex<HashMap<String, T>>, path: &str) -> Option<T> {
    memory.lock().ok().and_then(|m| m.get(path).cloned())
}

fn keep<T: Clone>(memory: &Mutex<HashMap<String, T>>, path: &str, what: &T) {
    if let Ok(mut m) = memory.lock() {
        m.insert(path.to_string(), what.clone());
    }
}

impl FileTree for WorkTree {
    fn read(&self, path: &str) -> Result<Option<Arc<[u8]>>, TreeError> {
        if let Some(known) = recall(&self.read_files, path) {
            return Ok(Some(known));
        }
        let Some((p, meta)) = self.locate(path)? else {
            return Ok(None);
        };
        if !meta.is_file() {
            return Ok(None);
        }
        let data: Arc<[u8]> = std::fs::read(&p)
            .map_err(|e| TreeError::new(path, e.to_string()))?
            .into();
        keep(&self.read_files, path, &data);
        Ok(Some(data))
    }

    fn list(&self, path: &str) -> Result<Option<Vec<DirEntry>>, TreeError> {
        if let Some(known) = recall(&self.listed_dirs, path) {
            return Ok(Some(known));
        }
        let Some((p, meta)) = self.locate(path)? else {
            return Ok(None);
        };
        if !meta.is_dir() {
            return Ok(None);
        }
        let rd = std::fs::read_dir(&p).map_err(|e| TreeError::new(path, e.to_string()))?;
        let mut out = Vec::new();
        for e in rd {
            let e = e.map_err(|e| TreeError::new(path, e.to_string()))?;
            let name = e.file_name().to_string_lossy().into_owned();
            if name == ".git" {
                continue;
            }
            // The listing tells the kind; a link is followed for it, as a
            // checkout would present it.
            let kind = match e.file_type() {
                Ok(t) if t.is_dir() => EntryKind::Dir,
                Ok(t) if t.is_file() => EntryKind::File,
                Ok(t) if t.is_symlink() => match std::fs::metadata(e.path()) {
                    Ok(m) if m.is_dir() => EntryKind::Dir,
                    Ok(m) if m.is_file() => EntryKind::File,
                    _ => continue,
                },
                _ => continue,
            };
            out.push(DirEntry { name, kind });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        keep(&self.listed_dirs, path, &out);
        Ok(Some(out))
    }

    fn revision(&self) -> &str {
        "worktree"
    }
}

/// A Git repository's tree at one commit, read from the object database.
pub struct GitTree {
    repo: gix::Repository,
    tree: gix::ObjectId,
    commit: String,
}

impl std::fmt::Debug for GitTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitTree")
            .field("commit", &self.commit)
            .finish()
    }
}

/// A failure opening a repository or resolving a revision.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct GitError {
    pub message: String,
}

impl GitTree {
    /// The tree of `revision` (a branch, tag, commit id or `HEAD`; anything
    /// `git rev-parse` takes) in the repository at or above `dir`.
    pub fn open(dir: &Path, revision: &str) -> Result<GitTree, GitError> {
        let repo = gix::discover(dir).map_err(|e| GitError {
            message: format!("{}: not a Git repository: {e}", dir.display()),
        })?;
        GitTree::at(repo, revision)
    }

    /// The tree of `revision` in an opened repository (anything `git
    /// rev-parse` takes: the primary repository's `--revision`).
    pub fn at(repo: gix::Repository, revision: &str) -> Result<GitTree, GitError> {
        let spec = if revision.is_empty() {
            "HEAD"
        } else {
            revision
        };
        let id = repo
            .rev_parse_single(spec)
            .map_err(|e| GitError {
                message: format!("revision {spec:?} not found: {e}"),
            })?
            .detach();
        GitTree::at_object(repo, id, spec)
    }

    /// The tree of an Application's `targetRevision`, resolved as Argo CD
    /// resolves it (branches, tags, SemVer constraints over tags, commit
    /// ids; see `crate::git`).
    pub fn at_target_revision(
        repo: gix::Repository,
        target_revision: &str,
    ) -> Result<GitTree, GitError> {
        let id = crate::git::resolve_target_revision(&repo, target_revision)
            .map_err(|message| GitError { message })?;
        GitTree::at_object(repo, id, target_revision)
    }

    /// The tree of the commit `id` leads to (`spec` names it in messages).
    fn at_object(
        repo: gix::Repository,
        id: gix::ObjectId,
        spec: &str,
    ) -> Result<GitTree, GitError> {
        let (tree, commit) = {
            let commit = repo
                .find_object(id)
                .map_err(|e| GitError {
                    message: format!("revision {spec:?}: {e}"),
                })?
                .peel_to_commit()
                .map_err(|e| GitError {
                    message: format!("revision {spec:?} is not a commit: {e}"),
                })?;
            let tree = commit
                .tree_id()
                .map_err(|e| GitError {
                    message: format!("revision {spec:?} has no tree: {e}"),
                })?
                .detach();
            (tree, commit.id.to_string())
        };
        Ok(GitTree { repo, tree, commit })
    }

    /// The commit id the tree was read at.
    pub fn commit(&self) -> &str {
        &self.commit
    }

    fn git_error(path: &str, e: impl std::fmt::Display) -> TreeError {
        TreeError::new(path, format!("reading Git objects: {e}"))
    }

    /// The entry at `path` with links resolved: (mode, object id).
    fn entry(
        &self,
        path: &str,
    ) -> Result<Option<(gix::object::tree::EntryMode, gix::ObjectId)>, TreeError> {
        let mut current = path.to_string();
        for _ in 0..MAX_LINK_HOPS {
            if current.is_empty() {
                let mode = gix::object::tree::EntryKind::Tree.into();
                return Ok(Some((mode, self.tree)));
            }
            let root = self
                .repo
                .find_tree(self.tree)
                .map_err(|e| Self::git_error(path, e))?;
            let Some(e) = root
                .lookup_entry_by_path(&current)
                .map_err(|e| Self::git_error(path, e))?
            else {
                return Ok(None);
            };
            let mode = e.mode();
            if !mode.is_link() {
                return Ok(Some((mode, e.object_id())));
            }
            let blob = self
                .repo
                .find_blob(e.object_id())
                .map_err(|e| Self::git_error(path, e))?;
            let target = String::from_utf8_lossy(&blob.data).into_owned();
            current = join(parent(&current), &target).ok_or_else(|| {
                TreeError::new(path, "symbolic link leads outside the repository")
            })?;
        }
        Err(TreeError::new(path, "too many levels of symbolic links"))
    }
}

impl FileTree for GitTree {
    fn read(&self, path: &str) -> Result<Option<Arc<[u8]>>, TreeError> {
        match self.entry(path)? {
            Some((mode, id)) if mode.is_blob() => {
                let blob = self
                    .repo
                    .find_blob(id)
                    .map_err(|e| Self::git_error(path, e))?;
                Ok(Some(Arc::from(blob.data.as_slice())))
            }
            _ => Ok(None),
        }
    }

    fn list(&self, path: &str) -> Result<Option<Vec<DirEntry>>, TreeError> {
        let Some((mode, id)) = self.entry(path)? else {
            return Ok(None);
        };
        if !mode.is_tree() {
            return Ok(None);
        }
        let tree = self
            .repo
            .find_tree(id)
            .map_err(|e| Self::git_error(path, e))?;
        let mut out = Vec::new();
        for e in tree.iter() {
            let e = e.map_err(|e| Self::git_error(path, e))?;
            let name = e.filename().to_string();
            let mode = e.mode();
            let kind = if mode.is_tree() {
                EntryKind::Dir
            } else if mode.is_blob() {
                EntryKind::File
            } else if mode.is_link() {
                let full = join(path, &name).unwrap_or_default();
                match self.entry(&full)? {
                    Some((m, _)) if m.is_tree() => EntryKind::Dir,
                    Some((m, _)) if m.is_blob() => EntryKind::File,
                    _ => continue,
                }
            } else {
                continue; // submodules
            };
            out.push(DirEntry { name, kind });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Some(out))
    }

    fn revision(&self) -> &str {
        &self.commit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_stays_inside() {
        assert_eq!(
            join("deploy/charts/x", "../../env/a.yaml").as_deref(),
            Some("deploy/env/a.yaml")
        );
        assert_eq!(join("a", "/b/c").as_deref(), Some("b/c"));
        assert_eq!(join("a", "../../b"), None);
        assert_eq!(join("", "./x/./y/").as_deref(), Some("x/y"));
    }

    #[test]
    #[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
    fn work_tree_follows_links_only_inside() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/f.yaml"), "f").unwrap();
        std::fs::write(root.join("top"), "t").unwrap();
        symlink(root.join("a"), root.join("inside-dir")).unwrap();
        symlink(root.join("a/b/f.yaml"), root.join("a/inside-file")).unwrap();
        symlink(outside.path(), root.join("a/out-dir")).unwrap();
        symlink(outside.path().join("secret"), root.join("a/b/out-file")).unwrap();
        let tree = WorkTree::new(root).unwrap();
        let read = |p: &str| tree.read(p).map(|b| b.map(|b| b.to_vec()));
        for _ in 0..2 {
            // Twice: the second time from the directories known real.
            assert_eq!(read("a/b/f.yaml"), Ok(Some(b"f".to_vec())));
            assert_eq!(read("top"), Ok(Some(b"t".to_vec())));
            assert_eq!(read("inside-dir/b/f.yaml"), Ok(Some(b"f".to_vec())));
            assert_eq!(read("a/inside-file"), Ok(Some(b"f".to_vec())));
            assert!(read("a/out-dir/secret").is_err());
            assert!(read("a/b/out-file").is_err());
            assert_eq!(read("a/b/missing"), Ok(None));
            assert_eq!(read("a/b"), Ok(None));
            assert_eq!(tree.list("a/b/f.yaml"), Ok(None));
        }
        let names: Vec<(String, EntryKind)> = tree
            .list("a")
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.kind))
            .collect();
        assert_eq!(
            names,
            vec![
                ("b".to_string(), EntryKind::Dir),
                ("inside-file".to_string(), EntryKind::File),
                ("out-dir".to_string(), EntryKind::Dir),
            ]
        );
        assert!(tree.list("a/out-dir").is_err());
        assert!(tree.list("inside-dir").unwrap().is_some());
    }

    #[test]
    #[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
    fn a_work_tree_is_one_reading_of_the_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("v.yaml"), "a: 1").unwrap();
        let tree = WorkTree::new(dir.path()).unwrap();
        let clone = tree.clone();
        let first = tree.read("v.yaml").unwrap().unwrap();
        std::fs::write(dir.path().join("v.yaml"), "a: 2").unwrap();
        // The same tree (and its clones) answer as they first read it...
        assert_eq!(&*tree.read("v.yaml").unwrap().unwrap(), b"a: 1");
        assert!(Arc::ptr_eq(&first, &clone.read("v.yaml").unwrap().unwrap()));
        let names = |t: &WorkTree| -> Vec<String> {
            t.list("")
                .unwrap()
                .unwrap()
                .into_iter()
                .map(|e| e.name)
                .collect()
        };
        assert_eq!(names(&tree), ["v.yaml"]);
        std::fs::write(dir.path().join("w.yaml"), "b: 1").unwrap();
        assert_eq!(names(&clone), ["v.yaml"]);
        // ...a new tree reads the files again.
        let fresh = WorkTree::new(dir.path()).unwrap();
        assert_eq!(&*fresh.read("v.yaml").unwrap().unwrap(), b"a: 2");
        assert_eq!(names(&fresh), ["v.yaml", "w.yaml"]);
    }
}
