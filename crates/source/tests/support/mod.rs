//! Git repositories built by the tests themselves with the `git` CLI.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use capstan_source::{AppTree, Engine, Revision, Settings};

/// A scratch Git repository.
pub(crate) struct Repo {
    pub(crate) dir: tempfile::TempDir,
}

impl Repo {
    pub(crate) fn new() -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = Repo { dir };
        r.git(&["init", "-q", "-b", "main"]);
        r.git(&["config", "user.email", "t@example.com"]);
        r.git(&["config", "user.name", "t"]);
        r.git(&["config", "commit.gpgsign", "false"]);
        r
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub(crate) fn write(&self, path: &str, text: &str) -> &Repo {
        let p = self.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
        self
    }

    pub(crate) fn remove(&self, path: &str) {
        std::fs::remove_file(self.path().join(path)).expect("remove");
    }

    /// Commits everything; returns the commit id.
    pub(crate) fn commit(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }

    pub(crate) fn file(&self, path: &str) -> PathBuf {
        self.path().join(path)
    }
}

pub(crate) const URL: &str = "https://example.com/org/primary.git";

/// A chart printing `.Values` keys into one ConfigMap.
pub(crate) fn chart(repo: &Repo, dir: &str) {
    repo.write(
        &format!("{dir}/Chart.yaml"),
        "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
    );
    repo.write(&format!("{dir}/values.yaml"), "v: default\nw: default\n");
    repo.write(
        &format!("{dir}/templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\ndata:\n  v: {{ .Values.v | quote }}\n  w: {{ .Values.w | quote }}\n{{- with .Values.extra }}\n  extra: {{ . | quote }}\n{{- end }}\n",
    );
}

/// An Application manifest.
pub(crate) fn app(name: &str, source: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ns1\n{source}"
    )
}

pub(crate) fn resolve(
    root: &Path,
    input: &str,
    revision: Revision,
    repos: Vec<(String, PathBuf)>,
) -> (Engine, AppTree) {
    let mut engine = Engine::new(root, &Settings { revision, repos }).expect("engine");
    let apps = engine.load_input(&root.join(input)).expect("input");
    let tree = engine.resolve(apps);
    (engine, tree)
}

/// The rendered stream of `name`, or its error text.
pub(crate) fn stream(tree: &AppTree, name: &str) -> Result<String, String> {
    let n = tree.find(name).unwrap_or_else(|| panic!("no app {name}"));
    n.output
        .clone()
        .map(|o| o.stream)
        .map_err(|e| e.to_string())
}
