//! Remote Git repositories: an Application whose `repoURL` is neither the
//! primary repository nor mapped to a path is cloned (bare) into the cache,
//! fetched once per `GitRemotes`, read as last fetched when offline or when
//! the remote is gone, and `targetRevision` is resolved as Argo CD resolves
//! it. Every remote is a `file://` URL (or a plain path) to a bare
//! repository the test builds; nothing touches the network.

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use capstan_source::git::GitRemotes;
use capstan_source::tree::{FileTree, GitTree};
use capstan_source::{AppTree, Engine, Revision, Settings};
use support::{Repo, URL, app, stream};

/// A source repository with history, its bare copy (the remote) and the
/// commit of each label.
struct Remote {
    src: Repo,
    bare: PathBuf,
    commits: HashMap<&'static str, String>,
    _dir: tempfile::TempDir,
}

impl Remote {
    fn url(&self) -> String {
        format!("file://{}", self.bare.display())
    }

    /// Pushes `main` and tags of the source repository to the remote.
    fn push(&self) {
        let bare = self.bare.display().to_string();
        self.src.git(&[
            "push",
            "-q",
            "--force",
            &bare,
            "refs/heads/main",
            "refs/heads/feature",
        ]);
        self.src.git(&["push", "-q", "--force", "--tags", &bare]);
    }
}

/// Writes the ConfigMap whose `v` is `label` and commits it.
fn commit(r: &Repo, label: &str) -> String {
    r.write(
        "m/cm.yaml",
        &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  v: {label:?}\n"),
    );
    r.commit(label)
}

/// main: c1 (v1.0.0) - c2 (v1.2.3, annotated) - c3 (1.3.0, no v) -
/// c4 (v2.0.0-rc.1) - c5; feature: c2 - f1.
fn remote() -> Remote {
    let src = Repo::new();
    let mut commits = HashMap::new();
    commits.insert("c1", commit(&src, "c1"));
    src.git(&["tag", "v1.0.0"]);
    commits.insert("c2", commit(&src, "c2"));
    src.git(&["tag", "-a", "v1.2.3", "-m", "release 1.2.3"]);
    commits.insert("c3", commit(&src, "c3"));
    src.git(&["tag", "1.3.0"]);
    commits.insert("c4", commit(&src, "c4"));
    src.git(&["tag", "v2.0.0-rc.1"]);
    commits.insert("c5", commit(&src, "c5"));
    src.git(&["checkout", "-q", "-b", "feature", "v1.2.3"]);
    commits.insert("f1", commit(&src, "f1"));
    src.git(&["checkout", "-q", "main"]);
    let dir = tempfile::tempdir().expect("tmp");
    let bare = dir.path().join("remote.git");
    src.git(&["clone", "-q", "--bare", ".", &bare.display().to_string()]);
    Remote {
        src,
        bare,
        commits,
        _dir: dir,
    }
}

/// A directory source of `repo_url` at `revision`.
fn source(repo_url: &str, revision: &str) -> String {
    format!("  source:\n    repoURL: {repo_url}\n    targetRevision: {revision:?}\n    path: m\n")
}

/// The primary repository, holding `apps`.
fn primary(apps: &[(&str, String)], config: &str) -> Repo {
    let r = Repo::new();
    r.write("capstan.yaml", &format!("repoURL: {URL}\n{config}"));
    r.write(
        "local/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\n",
    );
    r.write(
        "apps/local.yaml",
        &app(
            "local",
            &format!("  source:\n    repoURL: {URL}\n    path: local\n"),
        ),
    );
    for (name, src) in apps {
        r.write(&format!("apps/{name}.yaml"), &app(name, src));
    }
    r.commit("apps");
    r
}

/// Resolves `apps/` of `root` with remote Git read through `remotes`.
fn resolve(root: &Path, repos: Vec<(String, PathBuf)>, remotes: &GitRemotes) -> (Engine, AppTree) {
    let settings = Settings {
        revision: Revision::WorkTree,
        repos,
    };
    let mut engine = Engine::new(root, &settings).expect("engine");
    engine.repositories_mut().set_git_remotes(remotes.clone());
    let apps = engine.load_input(&root.join("apps")).expect("input");
    let tree = engine.resolve(apps);
    (engine, tree)
}

fn label_of(tree: &AppTree, app: &str) -> String {
    let s = stream(tree, app).unwrap_or_else(|e| panic!("{app}: {e}"));
    let line = s
        .lines()
        .find_map(|l| l.trim().strip_prefix("v: "))
        .unwrap_or_else(|| panic!("no v in {s}"));
    line.trim_matches('"').to_string()
}

fn error_of(tree: &AppTree, app: &str) -> String {
    stream(tree, app).expect_err("an error")
}

/// The commit `revision` resolves to in the repository at `dir`.
fn resolved(dir: &Path, revision: &str) -> Result<String, String> {
    let repo = gix::open(dir).expect("open");
    GitTree::at_target_revision(repo, revision)
        .map(|t| t.commit().to_string())
        .map_err(|e| e.to_string())
}

#[test]
fn a_remote_is_cloned_then_read_from_the_cache_when_gone() {
    let remote = remote();
    let url = remote.url();
    let p = primary(&[("remote", source(&url, "main"))], "");
    let cache = tempfile::tempdir().expect("cache");

    let remotes = GitRemotes::new(Some(cache.path().to_path_buf()), false);
    // In the way: a folder that is not a repository where the clone goes,
    // and a temporary clone abandoned two hours ago by a killed process.
    let clone = remotes.clone_dir(&url).expect("clone dir");
    std::fs::create_dir_all(&clone).expect("mkdir");
    std::fs::write(clone.join("junk"), "x").expect("junk");
    let key = clone
        .file_name()
        .expect("key")
        .to_string_lossy()
        .into_owned();
    let abandoned = cache.path().join(format!("git/.{key}.tmp-1-0"));
    std::fs::create_dir_all(&abandoned).expect("mkdir");
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::open(&abandoned)
        .and_then(|f| f.set_modified(two_hours_ago))
        .expect("age the folder");

    let (engine, tree) = resolve(p.path(), vec![], &remotes);
    assert_eq!(label_of(&tree, "remote"), "c5");
    assert!(engine.repositories().notes().is_empty());
    assert!(clone.starts_with(cache.path().join("git")));
    let opened = gix::open(&clone).expect("a repository");
    assert!(opened.is_bare());
    // Only the clone is left in the cache folder (no temporary folder).
    let entries: Vec<_> = std::fs::read_dir(cache.path().join("git"))
        .expect("git/")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(entries, [clone.file_name().expect("name").to_owned()]);

    std::fs::remove_dir_all(&remote.bare).expect("remove the remote");
    // Online, the failed fetch falls back to the clone, with a warning.
    let remotes = GitRemotes::new(Some(cache.path().to_path_buf()), false);
    let (engine, tree) = resolve(p.path(), vec![], &remotes);
    assert_eq!(label_of(&tree, "remote"), "c5");
    let notes = engine.repositories().notes();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with(&format!("warning: cannot fetch {url} (")),
        "{notes:?}"
    );
    assert!(notes[0].ends_with("as last fetched"), "{notes:?}");
    // Offline: the clone, with a note, and no fetch attempted.
    let remotes = GitRemotes::new(Some(cache.path().to_path_buf()), true);
    let (engine, tree) = resolve(p.path(), vec![], &remotes);
    assert_eq!(label_of(&tree, "remote"), "c5");
    assert_eq!(
        engine.repositories().notes(),
        [format!(
            "note: offline (--offline or CAPSTAN_OFFLINE): {url} is read from its clone in the cache ({}), as last fetched",
            clone.display()
        )]
    );
    assert!(stream(&tree, "local").is_ok());
}

#[test]
fn fetches_pick_up_new_commits_once_per_git_remotes() {
    let remote = remote();
    let url = remote.url();
    let p = primary(&[("remote", source(&url, "main"))], "");
    let cache = tempfile::tempdir().expect("cache");
    let remotes = GitRemotes::new(Some(cache.path().to_path_buf()), false);
    let (_, tree) = resolve(p.path(), vec![], &remotes);
    assert_eq!(label_of(&tree, "remote"), "c5");

    commit(&remote.src, "c6");
    remote.src.git(&["tag", "v1.4.0"]);
    remote.push();
    // The same GitRemotes (one process) fetched this URL already.
    let (_, tree) = resolve(p.path(), vec![], &remotes);
    assert_eq!(label_of(&tree, "remote"), "c5");
    // A new one (the next run) fetches: the new commit and the new tag.
    let remotes = GitRemotes::new(Some(cache.path().to_path_buf()), false);
    let (engine, tree) = resolve(p.path(), vec![], &remotes);
    assert_eq!(label_of(&tree, "remote"), "c6");
    assert!(engine.repositories().notes().is_empty());
    let clone = remotes.clone_dir(&url).expect("dir");
    assert_eq!(
        resolved(&clone, "^1").expect("^1"),
        remote.src.git(&["rev-parse", "v1.4.0"])
    );
    // A moved branch is followed too (forced updates are taken).
    remote.src.git(&["checkout", "-q", "feature"]);
    remote.src.git(&["reset", "-q", "--hard", "v1.0.0"]);
    remote.src.git(&["checkout", "-q", "main"]);
    remote.push();
    let remotes = GitRemotes::new(Some(cache.path().to_path_buf()), false);
    let p2 = primary(&[("remote", source(&url, "feature"))], "");
    let (_, tree) = resolve(p2.path(), vec![], &remotes);
    assert_eq!(label_of(&tree, "remote"), "c1");
}

#[test]
fn semver_constraints_pick_the_highest_matching_tag() {
    let remote = remote();
    let c = &remote.commits;
    for (constraint, want) in [
        ("1.2.*", "c2"),
        (">=1.0.0 <2.0.0", "c3"),
        ("~1.2", "c2"),
        ("^1.0", "c3"),
        (">= 1.0", "c3"),
        ("1.0.0", "c1"),
        ("v1.2.3", "c2"),
        ("1.3.0", "c3"),
        ("*", "c3"),
        // Prereleases only when the constraint names one.
        (">=2.0.0-0", "c4"),
        ("^2.0.0-rc.0", "c4"),
    ] {
        assert_eq!(
            resolved(&remote.bare, constraint).as_deref(),
            Ok(c[want].as_str()),
            "{constraint}"
        );
    }
    let e = resolved(&remote.bare, "^3.0").expect_err("no match");
    assert_eq!(
        e,
        "no tag matches the version constraint \"^3.0\" (version tags: v2.0.0-rc.1, 1.3.0, v1.2.3, v1.0.0), and no branch or tag is named so"
    );
}

#[test]
fn branches_tags_and_commit_ids_resolve_as_argo_cd_resolves_them() {
    let remote = remote();
    let c = &remote.commits;
    for (rev, want) in [
        ("", "c5"),
        ("HEAD", "c5"),
        ("main", "c5"),
        ("refs/heads/main", "c5"),
        ("feature", "f1"),
        ("v1.0.0", "c1"),
        ("refs/tags/v1.2.3", "c2"),
        ("v2.0.0-rc.1", "c4"),
    ] {
        assert_eq!(
            resolved(&remote.bare, rev).as_deref(),
            Ok(c[want].as_str()),
            "{rev:?}"
        );
    }
    let c3 = c["c3"].as_str();
    assert_eq!(resolved(&remote.bare, c3).as_deref(), Ok(c3));
    assert_eq!(resolved(&remote.bare, &c3[..7]).as_deref(), Ok(c3));
    assert_eq!(
        resolved(&remote.bare, &c3[..12].to_uppercase()).as_deref(),
        Ok(c3)
    );

    let missing = "0123456789abcdef0123456789abcdef01234567";
    let e = resolved(&remote.bare, missing).expect_err("missing");
    assert!(
        e.starts_with(&format!("commit {missing} is not in the repository")),
        "{e}"
    );
    let e = resolved(&remote.bare, "nope").expect_err("nope");
    assert_eq!(
        e,
        "unable to resolve \"nope\" to a commit: no branch or tag of that name"
    );
    // Rev-parse expressions are not revisions Argo CD takes.
    assert!(resolved(&remote.bare, "main~1").is_err());

    // A branch and a tag of the same name: the branch wins (ref order).
    remote.src.git(&["tag", "feature", "v1.0.0"]);
    remote.push();
    assert_eq!(
        resolved(&remote.bare, "feature").as_deref(),
        Ok(c["f1"].as_str())
    );
    assert_eq!(
        resolved(&remote.bare, "refs/tags/feature").as_deref(),
        Ok(c["c1"].as_str())
    );
}

#[test]
fn a_mapped_local_clone_serves_remote_tracking_branches() {
    let remote = remote();
    let c = &remote.commits;
    let dir = tempfile::tempdir().expect("tmp");
    let clone = dir.path().join("clone");
    remote
        .src
        .git(&["clone", "-q", &remote.url(), &clone.display().to_string()]);
    // Only main is a local branch of the clone; feature is origin/feature.
    assert_eq!(resolved(&clone, "feature").as_deref(), Ok(c["f1"].as_str()));
    assert_eq!(
        resolved(&clone, "origin/feature").as_deref(),
        Ok(c["f1"].as_str())
    );
    assert_eq!(resolved(&clone, "~1.2").as_deref(), Ok(c["c2"].as_str()));

    let other = "https://git.example.com/org/values.git";
    let p = primary(
        &[
            ("tracking", source(other, "feature")),
            ("tagged", source(other, "1.2.*")),
        ],
        "",
    );
    let remotes = GitRemotes::new(None, true);
    let (_, tree) = resolve(p.path(), vec![(other.to_string(), clone.clone())], &remotes);
    assert_eq!(label_of(&tree, "tracking"), "f1");
    assert_eq!(label_of(&tree, "tagged"), "c2");
}

#[test]
fn mirrors_and_plain_path_urls_are_cloned() {
    let remote = remote();
    let cache = tempfile::tempdir().expect("cache");
    let flag = "https://git.example.com/org/flag.git";
    let config = "git@git.example.com:org/config.git";
    let path_url = remote.bare.display().to_string();
    let p = primary(
        &[
            ("by-flag", source(flag, "v1.0.0")),
            ("by-config", source(config, "~1.2")),
            ("by-path", source(&path_url, "feature")),
        ],
        &format!("repositories:\n- url: {config}\n  path: {}\n", remote.url()),
    );
    let remotes = GitRemotes::new(Some(cache.path().to_path_buf()), false);
    let (_, tree) = resolve(
        p.path(),
        vec![(flag.to_string(), PathBuf::from(remote.url()))],
        &remotes,
    );
    assert_eq!(label_of(&tree, "by-flag"), "c1");
    assert_eq!(label_of(&tree, "by-config"), "c2");
    assert_eq!(label_of(&tree, "by-path"), "f1");
    // The mirror is what is cloned (keyed by its URL), not the mapped name.
    assert!(remotes.clone_dir(&remote.url()).expect("dir").is_dir());
    assert!(!remotes.clone_dir(flag).expect("dir").exists());
    assert!(remotes.clone_dir(&path_url).expect("dir").is_dir());
}

#[test]
fn unreachable_remotes_and_unknown_revisions_name_the_app_url_and_revision() {
    let remote = remote();
    let url = remote.url();
    let gone = format!("file://{}/nowhere.git", remote.bare.display());
    let p = primary(
        &[
            ("good", source(&url, "v1.2.3")),
            ("bad-revision", source(&url, "release-9")),
            ("bad-range", source(&url, ">=5.0.0")),
            ("gone", source(&gone, "main")),
        ],
        "",
    );
    let cache = tempfile::tempdir().expect("cache");

    // Offline with nothing cached: each remote app fails on its own.
    let remotes = GitRemotes::new(Some(cache.path().to_path_buf()), true);
    let (_, tree) = resolve(p.path(), vec![], &remotes);
    let dir = remotes.clone_dir(&url).expect("dir");
    assert_eq!(
        error_of(&tree, "good"),
        format!(
            "application good: repository {url} at revision v1.2.3: offline (--offline or CAPSTAN_OFFLINE), and {url} has never been cloned into the cache ({} is missing)",
            dir.display()
        )
    );
    assert!(stream(&tree, "local").is_ok());

    let remotes = GitRemotes::new(Some(cache.path().to_path_buf()), false);
    let (_, tree) = resolve(p.path(), vec![], &remotes);
    assert_eq!(label_of(&tree, "good"), "c2");
    assert_eq!(
        error_of(&tree, "bad-revision"),
        format!(
            "application bad-revision: repository {url} at revision release-9: unable to resolve \"release-9\" to a commit: no branch or tag of that name"
        )
    );
    let e = error_of(&tree, "bad-range");
    assert!(
        e.starts_with(&format!(
            "application bad-range: repository {url} at revision >=5.0.0: no tag matches the version constraint \">=5.0.0\""
        )),
        "{e}"
    );
    let e = error_of(&tree, "gone");
    assert!(
        e.starts_with(&format!(
            "application gone: repository {gone} at revision main: "
        )),
        "{e}"
    );
    assert!(e.contains("nowhere.git"), "{e}");
    // A failed clone leaves nothing behind in the cache.
    assert!(!remotes.clone_dir(&gone).expect("dir").exists());
    let names: Vec<_> = std::fs::read_dir(cache.path().join("git"))
        .expect("git/")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");

    // Without GitRemotes (a library default), an unmapped URL is refused.
    let settings = Settings {
        revision: Revision::WorkTree,
        repos: vec![],
    };
    let mut engine = Engine::new(p.path(), &settings).expect("engine");
    let apps = engine.load_input(&p.path().join("apps")).expect("input");
    let tree = engine.resolve(apps);
    assert_eq!(
        error_of(&tree, "good"),
        format!(
            "application good: repository {url} is not available locally: map it with --repo {url}=PATH or in capstan.yaml (repositories:)"
        )
    );
}

#[test]
fn the_clone_head_follows_the_remote_default_branch() {
    let remote = remote();
    let url = remote.url();
    let cache = tempfile::tempdir().expect("cache");
    let remotes = GitRemotes::new(Some(cache.path().to_path_buf()), false);
    let p = primary(&[("head", source(&url, "HEAD"))], "");
    let (_, tree) = resolve(p.path(), vec![], &remotes);
    assert_eq!(label_of(&tree, "head"), "c5");
    let bare = remote.bare.display().to_string();
    remote.src.git(&[
        "--git-dir",
        &bare,
        "symbolic-ref",
        "HEAD",
        "refs/heads/feature",
    ]);
    let remotes = GitRemotes::new(Some(cache.path().to_path_buf()), false);
    let (_, tree) = resolve(p.path(), vec![], &remotes);
    assert_eq!(label_of(&tree, "head"), "f1");
    let clone = remotes.clone_dir(&url).expect("dir");
    let t = GitTree::at_target_revision(gix::open(&clone).expect("open"), "").expect("tree");
    assert!(t.read("m/cm.yaml").expect("read").is_some());
}
