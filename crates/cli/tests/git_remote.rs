//! `capstan render` of an app-of-apps whose children read a Helm chart
//! from a remote Git repository (a `file://` URL to a bare repository the
//! test builds, and the same repository behind a `--repo URL=URL2`
//! mirror): cloned into the cache, the SemVer range resolved over tags,
//! served from the cache offline once the remote is gone, and offline
//! without a clone a per-app error while the root still renders.

use std::path::Path;
use std::process::{Command, Output};

const FLEET: &str = "https://git.example.com/fleet.git";
const CHARTS: &str = "https://git.example.com/charts.git";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn init(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
}

fn commit_all(dir: &Path, msg: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", msg]);
}

/// A chart repository in Git with one commit per release, tagged v1.0.0,
/// v1.2.3 and v2.0.0; its bare copy is the remote.
fn chart_remote(dir: &Path) -> String {
    let src = dir.join("charts-src");
    init(&src);
    write(
        &src.join("charts/demo/templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\ndata:\n  release: {{ .Values.release | quote }}\n  greeting: {{ .Values.greeting | quote }}\n",
    );
    for version in ["1.0.0", "1.2.3", "2.0.0"] {
        write(
            &src.join("charts/demo/Chart.yaml"),
            &format!("apiVersion: v2\nname: demo\nversion: {version}\n"),
        );
        write(
            &src.join("charts/demo/values.yaml"),
            &format!("release: {version}\ngreeting: hello\n"),
        );
        commit_all(&src, version);
        git(&src, &["tag", &format!("v{version}")]);
    }
    let bare = dir.join("charts.git");
    git(
        &src,
        &["clone", "-q", "--bare", ".", &bare.display().to_string()],
    );
    format!("file://{}", bare.display())
}

fn application(name: &str, source: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n{source}  destination:\n    server: https://kubernetes.default.svc\n    namespace: team\n"
    )
}

/// The fleet repository: a root app whose children (in `children/`) read
/// the chart from the remote directly and through the mirror name.
fn fleet(dir: &Path, remote: &str) -> std::path::PathBuf {
    let fleet = dir.join("fleet");
    init(&fleet);
    write(&fleet.join("capstan.yaml"), &format!("repoURL: {FLEET}\n"));
    write(
        &fleet.join("apps/root.yaml"),
        &application(
            "root",
            &format!("    repoURL: {FLEET}\n    targetRevision: main\n    path: children\n"),
        ),
    );
    let chart = |url: &str, rev: &str| {
        format!(
            "    repoURL: {url}\n    targetRevision: {rev:?}\n    path: charts/demo\n    helm:\n      valuesObject:\n        greeting: hi\n"
        )
    };
    write(
        &fleet.join("children/direct.yaml"),
        &application("direct", &chart(remote, "~1.2")),
    );
    write(
        &fleet.join("children/mirrored.yaml"),
        &application("mirrored", &chart(CHARTS, "v1.0.0")),
    );
    commit_all(&fleet, "fleet");
    fleet
}

fn capstan(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capstan"))
        .args(args)
        .current_dir(dir)
        .env("CAPSTAN_CACHE_DIR", cache)
        .env_remove("CAPSTAN_OFFLINE")
        .output()
        .expect("capstan runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// What `capstan render` prints for a child reading chart `release`.
fn child_stream(app: &str, release: &str) -> String {
    format!(
        "# Application: {app}\n---\n# Source: demo/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {app}\n  namespace: team\ndata:\n  release: \"{release}\"\n  greeting: \"hi\"\n"
    )
}

#[test]
fn an_app_of_apps_renders_a_chart_from_a_remote_git_repository() {
    let tmp = tempfile::tempdir().expect("tmp");
    let remote = chart_remote(tmp.path());
    let fleet = fleet(tmp.path(), &remote);
    let cache = tmp.path().join("cache");
    let mirror = format!("{CHARTS}={remote}");
    let args = ["render", "apps/root.yaml", "--repo", &mirror];

    let first = capstan(&fleet, &cache, &args);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(text(&first.stderr), "");
    let stdout = text(&first.stdout);
    assert!(stdout.starts_with("# Application: root\n"), "{stdout}");
    assert!(
        stdout.contains(&child_stream("direct", "1.2.3")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&child_stream("mirrored", "1.0.0")),
        "{stdout}"
    );
    // One clone: the mirror and the direct URL are the same remote.
    let clones = std::fs::read_dir(cache.join("git")).expect("git/").count();
    assert_eq!(clones, 1);

    // The remote is gone: the clone serves the same bytes, with a note.
    std::fs::remove_dir_all(remote.trim_start_matches("file://")).expect("rm");
    let offline = capstan(&fleet, &cache, &[&["--offline"][..], &args[..]].concat());
    assert!(offline.status.success(), "{}", text(&offline.stderr));
    assert_eq!(text(&offline.stdout), stdout);
    let note = text(&offline.stderr);
    assert!(
        note.starts_with(&format!(
            "note: offline (--offline or CAPSTAN_OFFLINE): {remote} is read from its clone in the cache ("
        )),
        "{note}"
    );
    let online = capstan(&fleet, &cache, &args);
    assert!(online.status.success(), "{}", text(&online.stderr));
    assert_eq!(text(&online.stdout), stdout);
    assert!(
        text(&online.stderr).starts_with(&format!("warning: cannot fetch {remote} (")),
        "{}",
        text(&online.stderr)
    );

    // Offline with an empty cache: each child fails, naming app, URL and
    // revision; the root still renders; exit status 1.
    let empty = tmp.path().join("empty-cache");
    let out = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .args(args)
        .current_dir(&fleet)
        .env("CAPSTAN_CACHE_DIR", &empty)
        .env("CAPSTAN_OFFLINE", "1")
        .output()
        .expect("capstan runs");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "application direct: repository {remote} at revision ~1.2: offline (--offline or CAPSTAN_OFFLINE), and {remote} has never been cloned into the cache"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "application mirrored: repository {CHARTS} (from {remote}) at revision v1.0.0: offline"
        )),
        "{stderr}"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("# Application: root\n"), "{stdout}");
    assert!(!stdout.contains("# Application: direct"), "{stdout}");
}
