//! Remote Git repositories, cloned into the cache and fetched once per
//! [`GitRemotes`] (the CLI keeps one per process).
//!
//! Layout under the cache root (the chart cache's root, see
//! [`crate::charts::default_cache_dir`]):
//!
//! ```text
//! git/<sha256 of the normalized URL>/   a bare repository: refs/heads/* and
//!                                      refs/tags/* mirror the remote's,
//!                                      HEAD is the remote's HEAD
//! ```
//!
//! A first clone is made in a temporary folder beside its final place and
//! renamed into it, so a reader never sees half a clone and two processes
//! cloning the same URL both succeed (the loser's copy is dropped). Later
//! runs fetch into the clone (gix writes packs, then refs under locks).
//! Offline, or when the fetch fails, the clone is read as last fetched and
//! a note says so; without a clone, the error says what is missing.
//! Branches deleted on the remote stay in the clone (no pruning).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use gix::bstr::ByteSlice;
use gix::protocol::handshake::Ref;
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::{FullName, Target};

use crate::charts::error_chain;
use crate::charts::sha256_hex;
use crate::repos::{mask_password, normalize_url};

/// Why the network was not used, in messages.
const OFFLINE: &str = "offline (--offline or CAPSTAN_OFFLINE)";

/// Age after which a temporary clone is taken to be abandoned.
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// What a fetch maps: the remote's branches and tags onto the same names.
const REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/// Clones of remote Git repositories in the cache, each fetched at most
/// once per value (clones share the record of what was fetched).
#[derive(Debug, Clone)]
pub struct GitRemotes {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    cache_dir: Option<PathBuf>,
    offline: bool,
    /// Clone folder → the outcome of making it current (an error text).
    done: Mutex<HashMap<PathBuf, Result<(), String>>>,
}

/// A clone ready to read, and what to tell the user about it (once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ready {
    pub(crate) dir: PathBuf,
    pub(crate) note: Option<String>,
}

impl GitRemotes {
    /// Clones under `cache_dir/git` (`None`: remote repositories cannot be
    /// read); `offline`: never fetch, read the clones as they are.
    pub fn new(cache_dir: Option<PathBuf>, offline: bool) -> GitRemotes {
        GitRemotes {
            inner: Arc::new(Inner {
                cache_dir,
                offline,
                done: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The folder holding the clone of `url`.
    pub fn clone_dir(&self, url: &str) -> Option<PathBuf> {
        let key = sha256_hex(normalize_url(url).as_bytes());
        Some(self.inner.cache_dir.as_ref()?.join("git").join(key))
    }

    /// The clone of `url`, cloned or fetched unless that was done already.
    pub(crate) fn ready(&self, url: &str) -> Result<Ready, String> {
        let dir = self.clone_dir(url).ok_or_else(|| {
            "no cache folder to clone it into (set CAPSTAN_CACHE_DIR, XDG_CACHE_HOME or HOME)"
                .to_string()
        })?;
        // Held for the whole fetch: one clone of a URL at a time.
        let mut done = self
            .inner
            .done
            .lock()
            .map_err(|_| "the Git cache lock is poisoned".to_string())?;
        if let Some(outcome) = done.get(&dir) {
            return outcome.clone().map(|()| Ready {
                dir: dir.clone(),
                note: None,
            });
        }
        let outcome = self.refresh(url, &dir);
        done.insert(
            dir.clone(),
            outcome.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        outcome
    }

    fn refresh(&self, url: &str, dir: &Path) -> Result<Ready, String> {
        let result = self.refresh_unmasked(url, dir);
        let masked = |text: String| mask_password(&text, url);
        match result {
            Ok(r) => Ok(Ready {
                dir: r.dir,
                note: r.note.map(masked),
            }),
            Err(e) => Err(masked(e)),
        }
    }

    fn refresh_unmasked(&self, url: &str, dir: &Path) -> Result<Ready, String> {
        let cached = gix::open(dir).is_ok();
        let shown = dir.display();
        if self.inner.offline {
            if cached {
                return Ok(Ready {
                    dir: dir.to_path_buf(),
                    note: Some(format!(
                        "note: {OFFLINE}: {url} is read from its clone in the cache ({shown}), as last fetched"
                    )),
                });
            }
            return Err(format!(
                "{OFFLINE}, and {url} has never been cloned into the cache ({shown} is missing)"
            ));
        }
        crate::charts::install_crypto_provider();
        if cached {
            return match fetch(dir, url) {
                Ok(()) => Ok(Ready {
                    dir: dir.to_path_buf(),
                    note: None,
                }),
                Err(e) => Ok(Ready {
                    dir: dir.to_path_buf(),
                    note: Some(format!(
                        "warning: cannot fetch {url} ({e}); reading its clone in the cache ({shown}), as last fetched"
                    )),
                }),
            };
        }
        clone_into(dir, url).map(|()| Ready {
            dir: dir.to_path_buf(),
            note: None,
        })
    }
}

/// A first clone: a bare repository in a temporary folder, fetched, then
/// renamed to `dir`.
fn clone_into(dir: &Path, url: &str) -> Result<(), String> {
    let parent = dir
        .parent()
        .ok_or_else(|| format!("{}: no parent folder", dir.display()))?;
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    remove_abandoned(dir);
    let tmp = temp_dir(dir);
    let result = gix::init_bare(&tmp)
        .map_err(|e| format!("cannot create a repository in {}: {e}", tmp.display()))
        .and_then(|_| fetch(&tmp, url));
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // Something that is not a repository (an interrupted copy, a stray
    // file) is in the way: it goes, the fresh clone takes its place.
    if dir.exists() && gix::open(dir).is_err() {
        let _ = std::fs::remove_dir_all(dir).or_else(|_| std::fs::remove_file(dir));
    }
    if let Err(e) = std::fs::rename(&tmp, dir) {
        let _ = std::fs::remove_dir_all(&tmp);
        // Another process finished the same clone first: use it.
        if gix::open(dir).is_err() {
            return Err(format!("cannot move the clone to {}: {e}", dir.display()));
        }
    }
    Ok(())
}

/// The prefix of `dir`'s temporary clones: `.<key>.tmp-`.
fn temp_prefix(dir: &Path) -> String {
    let name = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.tmp-")
}

/// A fresh name beside `dir` (same file system, so the rename is atomic).
fn temp_dir(dir: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.with_file_name(format!("{}{}-{n}", temp_prefix(dir), std::process::id()))
}

/// Removes temporary clones of `dir` left by processes that were killed
/// mid-clone (untouched for an hour: a live clone writes all the time).
fn remove_abandoned(dir: &Path) {
    let (Some(parent), prefix) = (dir.parent(), temp_prefix(dir)) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > ABANDONED_AFTER);
        if stale && e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Fetches `url`'s branches and tags into the bare repository `dir` and
/// points its HEAD where the remote's points.
fn fetch(dir: &Path, url: &str) -> Result<(), String> {
    let mut repo = gix::open(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // Ref logs need a committer; a machine without user.name still fetches.
    repo.committer_or_set_generic_fallback()
        .map_err(|e| e.to_string())?;
    let remote = repo
        .remote_at(url)
        .map_err(|e| format!("invalid Git URL: {e}"))?
        .with_refspecs(REFSPECS, gix::remote::Direction::Fetch)
        .map_err(|e| e.to_string())?
        .with_fetch_tags(gix::remote::fetch::Tags::None);
    let connection = remote
        .connect(gix::remote::Direction::Fetch)
        .map_err(|e| error_chain(&e))?;
    // HEAD is asked for too, so the clone's HEAD can follow the remote's.
    let head = gix::refspec::parse("HEAD".into(), gix::refspec::parse::Operation::Fetch)
        .map_err(|e| e.to_string())?
        .to_owned();
    let options = gix::remote::ref_map::Options {
        extra_refspecs: vec![head],
        ..Default::default()
    };
    let interrupt = AtomicBool::new(false);
    let outcome = connection
        .prepare_fetch(gix::progress::Discard, options)
        .map_err(|e| error_chain(&e))?
        .with_write_packed_refs_only(true)
        .receive(gix::progress::Discard, &interrupt)
        .map_err(|e| error_chain(&e))?;
    set_head(&repo, &outcome.ref_map.remote_refs)
}

/// Points HEAD of the clone where the remote's HEAD points.
fn set_head(repo: &gix::Repository, remote_refs: &[Ref]) -> Result<(), String> {
    let new = remote_refs.iter().find_map(|r| match r {
        Ref::Symbolic {
            full_ref_name,
            target,
            ..
        }
        | Ref::Unborn {
            full_ref_name,
            target,
        } if full_ref_name == "HEAD" => FullName::try_from(target.as_bstr())
            .ok()
            .map(Target::Symbolic),
        Ref::Direct {
            full_ref_name,
            object,
        } if full_ref_name == "HEAD" => Some(Target::Object(*object)),
        _ => None,
    });
    let Some(new) = new else {
        return Ok(());
    };
    let current = repo
        .find_reference("HEAD")
        .ok()
        .map(|r| r.target().into_owned());
    if current.as_ref() == Some(&new) {
        return Ok(());
    }
    let name = FullName::try_from("HEAD").map_err(|e| e.to_string())?;
    let edit = RefEdit {
        change: Change::Update {
            log: LogChange {
                mode: RefLog::AndReference,
                force_create_reflog: false,
                message: "capstan: follow the remote's HEAD".into(),
            },
            expected: PreviousValue::Any,
            new,
        },
        name,
        deref: false,
    };
    repo.edit_reference(edit)
        .map(|_| ())
        .map_err(|e| format!("setting HEAD: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repos::redact;

    #[test]
    fn clone_folders_are_keyed_by_the_normalized_url() {
        let r = GitRemotes::new(Some(PathBuf::from("/c")), false);
        let a = r
            .clone_dir("https://Example.com/org/repo.git")
            .expect("dir");
        let b = r.clone_dir("git@example.com:org/repo").expect("dir");
        assert_eq!(a, b);
        assert!(a.starts_with("/c/git"));
        assert_eq!(a.file_name().map(|n| n.len()), Some(64));
        assert!(GitRemotes::new(None, false).clone_dir("x").is_none());
    }

    #[test]
    fn passwords_are_masked() {
        let url = "https://bot:s3cret@git.example.com/org/r.git";
        assert_eq!(redact(url), "https://bot:***@git.example.com/org/r.git");
        assert_eq!(
            redact("https://git.example.com/r"),
            "https://git.example.com/r"
        );
        let r = GitRemotes::new(Some(PathBuf::from("/nonexistent/cache")), true);
        let e = r.ready(url).expect_err("offline, nothing cached");
        assert!(!e.contains("s3cret") && e.contains("bot:***@"), "{e}");
    }
}
