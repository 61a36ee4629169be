//! Where a `repoURL` is read from.
//!
//! The repository being rendered (the *primary* one) serves its own URLs:
//! the ones `capstan.yaml` lists under `repoURL`, else the URL of its `origin`
//! remote. It is read at the revision the user asked for (the working tree
//! by default), whatever `targetRevision` its Applications name: capstan
//! shows what a revision of this repository would deploy. Other
//! repositories are mapped to local paths (`capstan.yaml` `repositories:`,
//! or `--repo URL=PATH`) and read at the Application's `targetRevision`
//! when they are Git repositories, as they are on disk otherwise; or mapped
//! to another Git URL (a mirror: `--repo URL=URL2`, `path: URL2`). A Git
//! URL that is neither primary nor mapped to a path is cloned into the
//! cache and fetched ([`GitRemotes`], when the caller enables it), then read
//! at `targetRevision` from the clone's object database. `targetRevision`
//! is resolved as Argo CD resolves it ([`crate::git`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::Deserialize;

use crate::git::GitRemotes;
use crate::tree::{FileTree, GitTree, WorkTree};

/// Which revision of the primary repository to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revision {
    /// Files on disk, uncommitted changes included.
    WorkTree,
    /// A branch, tag, commit or anything `git rev-parse` takes.
    Git(String),
}

/// `capstan.yaml` at the root of the primary repository.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// The URLs this repository is known by in Applications.
    #[serde(default, rename = "repoURL")]
    pub repo_url: OneOrMany,
    /// Other repositories: URL and local path (relative to the config file).
    #[serde(default)]
    pub repositories: Vec<RepoMapping>,
    /// `--kube-version` for Helm sources that do not set `helm.kubeVersion`
    /// (Argo CD uses the destination cluster's version).
    #[serde(default)]
    pub kube_version: Option<String>,
    /// `--api-versions` for Helm sources that do not set `helm.apiVersions`.
    #[serde(default)]
    pub api_versions: Vec<String>,
    /// `capstan check` settings (rule switches, production environments),
    /// kept raw: capstan-check's CLI reads them.
    #[serde(default)]
    pub check: Option<serde_json::Value>,
}

/// A string or a list of strings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// One `repositories:` entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoMapping {
    pub url: String,
    /// A local folder (relative to the config file), or another Git URL
    /// to fetch the repository from (a mirror).
    pub path: PathBuf,
}

/// Where a mapped repository is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mapped {
    /// A folder or Git repository on disk.
    Local(PathBuf),
    /// Another Git URL, cloned into the cache.
    Remote(String),
}

/// Whether `s` is a Git URL rather than a file path: `scheme://…`, or
/// scp-like `[user@]host:path`.
pub fn is_git_url(s: &str) -> bool {
    if s.contains("://") {
        return true;
    }
    match s.split_once(':') {
        Some((host, path)) => {
            !host.is_empty() && !host.contains('/') && !path.is_empty() && !host.contains('\\')
        }
        None => false,
    }
}

/// The name of the configuration file at the repository root.
pub const CONFIG_FILE: &str = "capstan.yaml";

/// `url` with the password of its `user:password@` part (if any) shown as
/// `***`, for messages; the rest of the URL exactly as written.
pub(crate) fn redact(url: &str) -> String {
    match password_span(url) {
        Some((start, end)) => format!("{}***{}", &url[..start], &url[end..]),
        None => url.to_string(),
    }
}

/// `text` (a message that may quote `url`, or its password alone) with
/// `url`'s password shown as `***` wherever it appears.
pub(crate) fn mask_password(text: &str, url: &str) -> String {
    match password_span(url) {
        Some((start, end)) => text
            .replace(url, &redact(url))
            .replace(&url[start..end], "***"),
        None => text.to_string(),
    }
}

/// Byte range of the non-empty password in `scheme://user:password@host/…`.
fn password_span(url: &str) -> Option<(usize, usize)> {
    let start = url.find("://")? + 3;
    let rest = &url[start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    let colon = userinfo.find(':')?;
    (colon + 1 < userinfo.len()).then_some((start + colon + 1, start + userinfo.len()))
}

/// A repository URL in the form used for comparisons: no scheme, no user,
/// no `.git`, no trailing `/`, lower case, `host:path` as `host/path`.
pub fn normalize_url(url: &str) -> String {
    let mut s = url.trim().to_lowercase();
    let had_scheme = match s.find("://") {
        Some(i) => {
            s = s[i + 3..].to_string();
            true
        }
        None => false,
    };
    let slash = s.find('/').unwrap_or(s.len());
    if let Some(at) = s[..slash].find('@') {
        s = s[at + 1..].to_string();
    }
    if !had_scheme {
        let slash = s.find('/').unwrap_or(s.len());
        if let Some(colon) = s[..slash].find(':') {
            s.replace_range(colon..colon + 1, "/");
        }
    }
    while s.ends_with('/') {
        s.pop();
    }
    if let Some(stripped) = s.strip_suffix(".git") {
        s = stripped.to_string();
    }
    s
}

/// Why a repository cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RepoError(pub String);

/// The repositories a render can read, with their trees cached by revision.
#[derive(Debug)]
pub struct Repositories {
    root: PathBuf,
    urls: Vec<String>,
    revision: Revision,
    primary: Option<Rc<dyn FileTree>>,
    mapped: Vec<(String, Mapped)>,
    trees: HashMap<(PathBuf, String), Rc<dyn FileTree>>,
    config: Config,
    /// Set when the primary URL was taken from a root Application.
    assumed_url: Option<String>,
    /// Clones of remote repositories; `None`: remote Git is not read.
    remotes: Option<GitRemotes>,
    /// Things the user should know (a stale clone read offline).
    notes: Vec<String>,
}

impl Repositories {
    /// The primary repository at `root`, read at `revision`, with its
    /// `capstan.yaml` (read from the same revision) and `extra` mappings
    /// (`--repo URL=PATH`, which win over the file's).
    pub fn open(
        root: &Path,
        revision: Revision,
        extra: &[(String, PathBuf)],
    ) -> Result<Repositories, RepoError> {
        let mut repos = Repositories {
            root: root.to_path_buf(),
            urls: Vec::new(),
            revision,
            primary: None,
            mapped: Vec::new(),
            trees: HashMap::new(),
            config: Config::default(),
            assumed_url: None,
            remotes: None,
            notes: Vec::new(),
        };
        let primary = repos.primary_tree()?;
        if let Some(bytes) = primary
            .read(CONFIG_FILE)
            .map_err(|e| RepoError(e.to_string()))?
        {
            let text = String::from_utf8_lossy(&bytes);
            repos.config = serde_saphyr::from_str(&text).map_err(|e| {
                RepoError(format!(
                    "{}: {}",
                    root.join(CONFIG_FILE).display(),
                    first_line(&e.to_string())
                ))
            })?;
        }
        repos.urls = repos
            .config
            .repo_url
            .to_vec()
            .iter()
            .map(|u| normalize_url(u))
            .collect();
        if repos.urls.is_empty()
            && let Some(url) = origin_url(root)
        {
            repos.urls.push(normalize_url(&url));
        }
        for (url, path) in extra {
            repos.mapped.push((normalize_url(url), mapped(path, None)));
        }
        for m in &repos.config.repositories {
            repos
                .mapped
                .push((normalize_url(&m.url), mapped(&m.path, Some(root))));
        }
        Ok(repos)
    }

    /// Reads Git URLs that are neither primary nor mapped to a path (and
    /// those mapped to another URL) from clones in `remotes`' cache.
    pub fn set_git_remotes(&mut self, remotes: GitRemotes) {
        self.remotes = Some(remotes);
    }

    /// Notes and warnings gathered while reading repositories (a clone read
    /// as last fetched because capstan is offline or the fetch failed).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The repository root on disk.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The configuration read from `capstan.yaml`.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The URLs the primary repository serves (normalized).
    pub fn primary_urls(&self) -> &[String] {
        &self.urls
    }

    /// When nothing names the primary repository's URL, the repoURL of the
    /// first root Application is taken as it (the root's manifest lives in
    /// this repository, so its source most likely is this repository).
    pub fn assume_primary_url(&mut self, url: &str) {
        if self.urls.is_empty() {
            self.urls.push(normalize_url(url));
            self.assumed_url = Some(url.to_string());
        }
    }

    /// The URL taken from a root Application, if any.
    pub fn assumed_url(&self) -> Option<&str> {
        self.assumed_url.as_deref()
    }

    /// The primary repository at the requested revision.
    pub fn primary_tree(&mut self) -> Result<Rc<dyn FileTree>, RepoError> {
        if let Some(t) = &self.primary {
            return Ok(t.clone());
        }
        let tree: Rc<dyn FileTree> = match &self.revision {
            Revision::WorkTree => {
                Rc::new(WorkTree::new(&self.root).map_err(|e| RepoError(e.to_string()))?)
            }
            Revision::Git(rev) => Rc::new(
                GitTree::open(&self.root, rev)
                    .map_err(|e| RepoError(format!("{}: {}", self.root.display(), e)))?,
            ),
        };
        self.primary = Some(tree.clone());
        Ok(tree)
    }

    /// The tree a source with `repo_url` and `target_revision` reads.
    pub fn tree_for(
        &mut self,
        repo_url: &str,
        target_revision: &str,
    ) -> Result<Rc<dyn FileTree>, RepoError> {
        let norm = normalize_url(repo_url);
        if self.urls.contains(&norm) {
            return self.primary_tree();
        }
        let rev = if target_revision.is_empty() {
            "HEAD"
        } else {
            target_revision
        };
        let mapping = self
            .mapped
            .iter()
            .find(|(u, _)| *u == norm)
            .map(|(_, m)| m.clone());
        match mapping {
            Some(Mapped::Local(path)) => self.local_tree(repo_url, &path, rev),
            Some(Mapped::Remote(url)) => self.remote_tree(repo_url, &url, rev),
            None if self.remotes.is_some()
                && (is_git_url(repo_url) || Path::new(repo_url).is_absolute()) =>
            {
                self.remote_tree(repo_url, repo_url, rev)
            }
            None => Err(RepoError(format!(
                "repository {repo_url} is not available locally: map it with --repo {repo_url}=PATH or in {CONFIG_FILE} (repositories:)"
            ))),
        }
    }

    /// A repository mapped to a path: Git at `rev`, else the folder as is.
    fn local_tree(
        &mut self,
        repo_url: &str,
        path: &Path,
        rev: &str,
    ) -> Result<Rc<dyn FileTree>, RepoError> {
        let key = (path.to_path_buf(), rev.to_string());
        if let Some(t) = self.trees.get(&key) {
            return Ok(t.clone());
        }
        if !path.exists() {
            return Err(RepoError(format!(
                "repository {repo_url} is mapped to {}, which does not exist",
                path.display()
            )));
        }
        let tree: Rc<dyn FileTree> = match gix::open(path) {
            Ok(repo) => {
                let t = GitTree::at_target_revision(repo, rev).map_err(|e| {
                    RepoError(format!(
                        "repository {repo_url} ({}) at revision {rev}: {e}",
                        path.display()
                    ))
                })?;
                Rc::new(t)
            }
            Err(_) => Rc::new(WorkTree::new(path).map_err(|e| RepoError(e.to_string()))?),
        };
        self.trees.insert(key, tree.clone());
        Ok(tree)
    }

    /// A remote repository (`fetch_url`, which may be a mirror of
    /// `repo_url`) read at `rev` from its clone in the cache.
    fn remote_tree(
        &mut self,
        repo_url: &str,
        fetch_url: &str,
        rev: &str,
    ) -> Result<Rc<dyn FileTree>, RepoError> {
        let mirror = if normalize_url(fetch_url) == normalize_url(repo_url) {
            String::new()
        } else {
            format!(" (from {})", redact(fetch_url))
        };
        let context = format!("repository {}{mirror} at revision {rev}", redact(repo_url));
        let Some(remotes) = self.remotes.clone() else {
            return Err(RepoError(format!(
                "{context}: remote Git repositories are not read here: map it to a local path"
            )));
        };
        let ready = remotes
            .ready(fetch_url)
            .map_err(|e| RepoError(format!("{context}: {e}")))?;
        if let Some(note) = ready.note {
            self.notes.push(note);
        }
        let key = (ready.dir.clone(), rev.to_string());
        if let Some(t) = self.trees.get(&key) {
            return Ok(t.clone());
        }
        let repo = gix::open(&ready.dir).map_err(|e| {
            RepoError(format!(
                "{context}: the clone in {} cannot be opened: {e}",
                ready.dir.display()
            ))
        })?;
        let tree: Rc<dyn FileTree> = Rc::new(
            GitTree::at_target_revision(repo, rev)
                .map_err(|e| RepoError(format!("{context}: {e}")))?,
        );
        self.trees.insert(key, tree.clone());
        Ok(tree)
    }
}

/// A mapping's target: a Git URL, or a path (relative to `base`).
fn mapped(path: &Path, base: Option<&Path>) -> Mapped {
    match path.to_str() {
        Some(s) if is_git_url(s) => Mapped::Remote(s.to_string()),
        _ => Mapped::Local(base.map_or_else(|| path.to_path_buf(), |b| b.join(path))),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// The URL of the `origin` remote of the repository at `root`.
fn origin_url(root: &Path) -> Option<String> {
    let repo = gix::discover(root).ok()?;
    let remote = repo.find_remote("origin").ok()?;
    let url = remote.url(gix::remote::Direction::Fetch)?;
    Some(url.to_bstring().to_string())
}

/// The root of the Git working tree holding `path`, if any.
pub fn git_root(path: &Path) -> Option<PathBuf> {
    let repo = gix::discover(path).ok()?;
    repo.workdir().map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            redact("https://me:secret@h/charts"),
            "https://me:***@h/charts"
        );
        assert_eq!(redact("https://h/charts"), "https://h/charts");
        assert_eq!(redact("h/charts"), "h/charts");
        assert_eq!(redact("https://me@h/a:b@c"), "https://me@h/a:b@c");
        // Only the password: a short one elsewhere in the URL stays.
        assert_eq!(redact("https://u:x@host/x.git"), "https://u:***@host/x.git");
        let url = "https://bot:s3cret@git.example.com/r.git";
        assert_eq!(
            mask_password(&format!("fetching {url}: auth s3cret refused"), url),
            "fetching https://bot:***@git.example.com/r.git: auth *** refused"
        );
    }

    #[test]
    fn urls_compare_like_argo() {
        let a = normalize_url("https://github.com/capstan-gitops/capstan.git");
        assert_eq!(a, "github.com/capstan-gitops/capstan");
        assert_eq!(
            normalize_url("git@github.com:Capstan-GitOps/capstan.git"),
            a
        );
        assert_eq!(
            normalize_url("ssh://git@github.com/capstan-gitops/capstan/"),
            a
        );
    }

    #[test]
    fn git_urls_and_paths() {
        for url in [
            "https://github.com/o/r.git",
            "file:///srv/r.git",
            "ssh://git@host/r",
            "git@github.com:o/r.git",
            "host:r",
        ] {
            assert!(is_git_url(url), "{url}");
        }
        for path in ["/srv/r.git", "../vendor/r", "r", "a/b:c", ""] {
            assert!(!is_git_url(path), "{path}");
        }
    }
}
