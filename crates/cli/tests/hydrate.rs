//! `capstan hydrate` over Git repositories built here: one hydrated commit
//! per source commit with messages naming the source and the apps changed,
//! resuming from the branch's recorded source commit, a source commit that
//! changes nothing (recorded in a note, no commit), a failing source commit
//! (clear error, branch left at the last good commit), explicit ranges,
//! deterministic commits, refusals, push to a bare remote; and over a copy
//! of deploy/: the branch holds exactly what `render --output-dir` writes,
//! and the user's working tree, index and HEAD are left alone.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{copy_dir, repo as repo_root, text};

/// A scratch Git repository. Commits get their identity from the
/// environment, so the repository has no configured identity: hydrate must
/// not need one.
struct Repo {
    dir: tempfile::TempDir,
}

const NOTES: &str = "refs/notes/capstan-hydrate";

impl Repo {
    fn empty() -> Repo {
        let r = Repo {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r.git(&["config", "commit.gpgsign", "false"]);
        r
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git_in(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .env("GIT_AUTHOR_NAME", "Ada Author")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Cy Committer")
            .env("GIT_COMMITTER_EMAIL", "cy@example.com")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
        text(&out.stdout).trim().to_string()
    }

    fn git(&self, args: &[&str]) -> String {
        Repo::git_in(self.path(), args)
    }

    fn write(&self, file: &str, content: &str) {
        let p = self.path().join(file);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
    }

    fn commit(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn capstan(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_capstan"))
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            .output()
            .expect("capstan runs")
    }

    /// `capstan hydrate apps --branch rendered` plus `extra`, which must succeed.
    fn hydrate(&self, extra: &[&str]) -> String {
        self.hydrate_on("rendered", extra)
    }

    /// `capstan hydrate apps --branch BRANCH` plus `extra`, which must succeed.
    fn hydrate_on(&self, branch: &str, extra: &[&str]) -> String {
        let mut args = vec!["hydrate", "apps", "--branch", branch];
        args.extend_from_slice(extra);
        let out = self.capstan(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// The source commits of the branch's commits, oldest first.
    fn hydrated_sources(&self, branch: &str) -> Vec<String> {
        self.git(&[
            "log",
            "--reverse",
            "--format=%(trailers:key=Capstan-Source-Commit,valueonly)",
            branch,
        ])
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect()
    }
}

const CHART: &str = "apiVersion: v2\nname: web\nversion: 0.1.0\n";
const TEMPLATE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  image: {{ .Values.image | quote }}\n";

fn app(name: &str, path: &str, values: Option<&str>) -> String {
    let helm = values
        .map(|v| format!("    helm:\n      valueFiles:\n        - {v}\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/fleet.git\n    targetRevision: main\n    path: {path}\n{helm}  destination:\n    server: https://kubernetes.default.svc\n    namespace: {name}\n"
    )
}

/// A fleet of two Helm apps sharing a chart, on its first commit.
fn fleet() -> (Repo, String) {
    let r = Repo::empty();
    r.write("capstan.yaml", "repoURL: https://example.com/fleet.git\n");
    r.write("charts/web/Chart.yaml", CHART);
    r.write("charts/web/templates/cm.yaml", TEMPLATE);
    r.write("charts/web/values.yaml", "image: none\n");
    r.write("values/alpha.yaml", "image: alpha:1\n");
    r.write("values/beta.yaml", "image: beta:1\n");
    r.write(
        "apps/alpha.yaml",
        &app("alpha", "charts/web", Some("../../values/alpha.yaml")),
    );
    r.write(
        "apps/beta.yaml",
        &app("beta", "charts/web", Some("../../values/beta.yaml")),
    );
    r.write("README.md", "fleet\n");
    let c1 = r.commit("initial fleet");
    (r, c1)
}

/// The commits after the first: a bump, a docs-only commit, a new app.
fn history(r: &Repo) -> [String; 3] {
    r.write("values/alpha.yaml", "image: alpha:2\n");
    let bump = r.commit("bump alpha to 2");
    r.write("README.md", "fleet, documented\n");
    let docs = r.commit("docs only");
    r.write(
        "manifests/gamma/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gamma\ndata:\n  x: \"1\"\n",
    );
    r.write("apps/gamma.yaml", &app("gamma", "manifests/gamma", None));
    let gamma = r.commit("add gamma");
    [bump, docs, gamma]
}

fn short(id: &str) -> &str {
    &id[..12]
}

#[test]
fn resumes_from_the_recorded_source_commit_one_commit_each() {
    let (r, c1) = fleet();
    // A new branch: just the tip.
    let out = r.hydrate(&[]);
    assert!(
        out.contains(&format!(
            "rendered: {} \"initial fleet\" hydrated as",
            short(&c1)
        )),
        "{out}"
    );
    assert!(out.contains("(2 apps changed: alpha, beta)"), "{out}");
    assert_eq!(r.hydrated_sources("rendered"), std::slice::from_ref(&c1));
    assert_eq!(
        r.git(&["ls-tree", "-r", "--name-only", "rendered"]),
        "alpha/configmap-alpha-alpha.yaml\nbeta/configmap-beta-beta.yaml"
    );
    assert_eq!(
        r.git(&["show", "rendered:alpha/configmap-alpha-alpha.yaml"]),
        "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alpha\ndata:\n  image: \"alpha:1\""
    );

    // Three new source commits: one hydrated commit each, except the one
    // that changes no manifest, which is recorded in a note instead.
    let [bump, docs, gamma] = history(&r);
    let out = r.hydrate(&[]);
    assert!(
        out.contains(&format!(
            "rendered: {} \"bump alpha to 2\" hydrated as",
            short(&bump)
        )),
        "{out}"
    );
    assert!(out.contains("(1 app changed: alpha)"), "{out}");
    assert!(
        out.contains(&format!(
            "rendered: {} \"docs only\": no manifest changed (recorded in {NOTES})",
            short(&docs)
        )),
        "{out}"
    );
    assert!(out.contains("(1 app changed: gamma)"), "{out}");
    assert!(
        out.contains("3 source commits hydrated, 2 commits written"),
        "{out}"
    );
    // The run's first commit renders both charts; after it, nothing is
    // rendered again: the docs and gamma commits change no chart input.
    assert!(
        out.contains("rendered: 2 chart renders, 4 reused from the commit before"),
        "{out}"
    );
    assert_eq!(
        r.hydrated_sources("rendered"),
        [c1.clone(), bump.clone(), gamma.clone()]
    );
    assert_eq!(
        r.git(&["log", "-1", "--format=%B", "rendered~1"]),
        format!(
            "Hydrate {}: bump alpha to 2\n\n\
             1 app changed: 0 added, 0 removed, 1 changed (of 2 on the branch)\n\n\
             ~ alpha: 0 added, 0 removed, 1 changed\n    ~ configmap-alpha-alpha.yaml\n\n\
             Capstan-Source-Commit: {bump}",
            short(&bump)
        )
    );
    assert_eq!(
        r.git(&["log", "-1", "--format=%B", "rendered"]),
        format!(
            "Hydrate {}: add gamma\n\n\
             1 app changed: 1 added, 0 removed, 0 changed (of 3 on the branch)\n\n\
             + gamma: 1 resource\n\n\
             Capstan-Source-Commit: {gamma}",
            short(&gamma)
        )
    );
    assert_eq!(
        r.git(&["diff", "--name-only", "rendered~2", "rendered~1"]),
        "alpha/configmap-alpha-alpha.yaml"
    );
    // Author and committer are the source commit's, times included.
    for (hydrated, source) in [("rendered", &gamma), ("rendered~1", &bump)] {
        assert_eq!(
            r.git(&[
                "log",
                "-1",
                "--format=%an <%ae> %at|%cn <%ce> %ct",
                hydrated
            ]),
            r.git(&["log", "-1", "--format=%an <%ae> %at|%cn <%ce> %ct", source])
        );
    }

    // Nothing new: no commit, a clear message.
    let tip = r.git(&["rev-parse", "rendered"]);
    let out = r.hydrate(&[]);
    assert!(
        out.contains(&format!(
            "rendered: up to date at {} (source {}): no new source commit",
            short(&tip),
            short(&gamma)
        )),
        "{out}"
    );
    assert_eq!(r.git(&["rev-parse", "rendered"]), tip);

    // A docs-only commit on top of the tip: recorded as a note on the tip.
    r.write("README.md", "fleet, documented again\n");
    let docs2 = r.commit("more docs");
    let out = r.hydrate(&[]);
    assert!(out.contains("no manifest changed"), "{out}");
    assert_eq!(r.git(&["rev-parse", "rendered"]), tip);
    assert_eq!(
        r.git(&["notes", "--ref", NOTES, "show", "rendered"]),
        format!("Capstan-Source-Commit: {docs2}")
    );
    let out = r.hydrate(&[]);
    assert!(
        out.contains(&format!(
            "up to date at {} (source {})",
            short(&tip),
            short(&docs2)
        )),
        "{out}"
    );

    // The user's HEAD and working tree were never touched.
    assert_eq!(r.git(&["rev-parse", "--abbrev-ref", "HEAD"]), "main");
    assert_eq!(r.git(&["status", "--porcelain"]), "");
}

#[test]
fn a_failing_source_commit_stops_at_the_last_good_commit() {
    let (r, _) = fleet();
    let [bump, _, _] = history(&r);
    r.write("values/beta.yaml", "image: [beta\n");
    let broken = r.commit("break beta");
    r.write("values/beta.yaml", "image: beta:1\n");
    r.write("values/alpha.yaml", "image: alpha:3\n");
    let after = r.commit("fix beta, bump alpha to 3");

    let out = r.capstan(&["hydrate", "apps", "--branch", "rendered", "--from", &bump]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "source commit {} (\"break beta\") does not render: application beta:",
            short(&broken)
        )),
        "{err}"
    );
    // The good commits before it were hydrated and are kept; nothing after.
    let tip = r.git(&["rev-parse", "rendered"]);
    assert!(
        err.contains(&format!("branch rendered left at {}", short(&tip))),
        "{err}"
    );
    let sources = r.hydrated_sources("rendered");
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert_eq!(sources[0], bump);
    assert!(!sources.contains(&broken) && !sources.contains(&after));
    assert!(
        r.git(&["ls-tree", "-r", "--name-only", "rendered"])
            .contains("beta/configmap-beta-beta.yaml")
    );

    // Running again stops at the same commit and writes nothing.
    let out = r.capstan(&["hydrate", "apps", "--branch", "rendered"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains(short(&broken)));
    assert_eq!(r.git(&["rev-parse", "rendered"]), tip);

    // Skipping it explicitly with a range: the commit after it is hydrated.
    let out = r.hydrate(&["--revision", &format!("{broken}..main")]);
    assert!(out.contains(short(&after)), "{out}");
    assert_eq!(r.hydrated_sources("rendered").last(), Some(&after));
    assert_eq!(
        r.git(&["show", "rendered:alpha/configmap-alpha-alpha.yaml"])
            .lines()
            .last(),
        Some("  image: \"alpha:3\"")
    );
}

#[test]
fn ranges_identities_and_determinism() {
    let (r, c1) = fleet();
    let [bump, docs, gamma] = history(&r);

    // --from on a new branch: every first-parent commit from it.
    let out = r.hydrate(&["--from", &c1]);
    assert!(
        out.contains("4 source commits hydrated, 3 commits written"),
        "{out}"
    );
    assert_eq!(
        r.hydrated_sources("rendered"),
        [c1.clone(), bump.clone(), gamma.clone()]
    );
    // A..B: the commits after A.
    let out = r.capstan(&[
        "hydrate",
        "apps",
        "--branch",
        "other",
        "--revision",
        &format!("{bump}..{gamma}"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The first commit on a new branch is always written.
    assert_eq!(r.hydrated_sources("other"), [docs.clone(), gamma.clone()]);

    // The same history hydrated twice gives the same commits.
    r.hydrate_on("again", &["--from", &c1]);
    assert_eq!(
        r.git(&["rev-parse", "rendered"]),
        r.git(&["rev-parse", "again"])
    );

    // A fixed identity for author and committer, times still the source's.
    r.hydrate_on(
        "bot",
        &["--from", &c1, "--author", "Capstan Bot <bot@example.com>"],
    );
    assert_eq!(
        r.git(&["log", "-1", "--format=%an <%ae> %at|%cn <%ce> %ct", "bot"]),
        format!(
            "Capstan Bot <bot@example.com> {}|Capstan Bot <bot@example.com> {}",
            r.git(&["log", "-1", "--format=%at", &gamma]),
            r.git(&["log", "-1", "--format=%ct", &gamma])
        )
    );

    // Asking for commits the branch already holds, or older: up to date.
    let out = r.hydrate(&["--revision", &bump]);
    assert!(out.contains("up to date"), "{out}");
    assert!(out.contains("comes after"), "{out}");

    // Errors: a start that is not in the history, a bad author, a branch
    // not written by hydrate, the checked-out branch.
    r.git(&["checkout", "-q", "-b", "side", &c1]);
    r.write("README.md", "side\n");
    let side = r.commit("side");
    r.git(&["checkout", "-q", "main"]);
    // A branch hydrated from another history: the new source is hydrated
    // alone on top, with a note saying why.
    r.hydrate_on("fromside", &["--revision", &side]);
    let out = r.hydrate_on("fromside", &[]);
    assert!(
        out.contains(&format!(
            "note: the source commit the branch records ({}) is not in the first-parent history of {}: hydrating {} alone",
            short(&side),
            short(&gamma),
            short(&gamma)
        )),
        "{out}"
    );
    assert_eq!(
        r.hydrated_sources("fromside"),
        [side.clone(), gamma.clone()]
    );

    let out = r.capstan(&["hydrate", "apps", "--branch", "x", "--from", &side]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is not in the first-parent history of"),
        "{}",
        text(&out.stderr)
    );
    let out = r.capstan(&["hydrate", "apps", "--branch", "x", "--author", "nobody"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("expected \"Name <email>\""));
    let out = r.capstan(&["hydrate", "apps", "--branch", "side"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("it was not written by capstan hydrate"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(r.git(&["rev-parse", "side"]), side);
    let out = r.capstan(&["hydrate", "apps", "--branch", "main"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("checked out"));
}

#[test]
fn pushes_only_when_asked_to_the_named_remote() {
    let (r, _) = fleet();
    let remote = tempfile::tempdir().expect("tmp");
    let bare = remote.path().join("fleet.git");
    let bare_s = bare.display().to_string();
    Repo::git_in(remote.path(), &["init", "-q", "--bare", &bare_s]);
    r.git(&["remote", "add", "upstream", &bare_s]);
    let remote_ref = |name: &str| {
        Command::new("git")
            .args(["rev-parse", "--verify", "-q", name])
            .current_dir(&bare)
            .output()
            .map(|o| text(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };

    r.hydrate(&[]);
    assert_eq!(remote_ref("refs/heads/rendered"), "");
    let [_, _, _] = history(&r);
    r.write("README.md", "docs on top\n");
    r.commit("docs on top");
    let out = r.hydrate(&["--push", "--remote", "upstream"]);
    assert!(out.contains("rendered: pushed to upstream"), "{out}");
    assert_eq!(
        remote_ref("refs/heads/rendered"),
        r.git(&["rev-parse", "rendered"])
    );
    assert_eq!(remote_ref(NOTES), r.git(&["rev-parse", NOTES]));

    // The default remote is origin; a missing remote is an error.
    let out = r.capstan(&["hydrate", "apps", "--branch", "rendered", "--push"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("git push origin"),
        "{}",
        text(&out.stderr)
    );
}

/// A scratch repository holding deploy/ and capstan.yaml.
fn deploy_repo() -> Repo {
    let r = Repo::empty();
    let root = repo_root();
    copy_dir(&root.join("deploy"), &r.path().join("deploy"));
    std::fs::copy(root.join("capstan.yaml"), r.path().join("capstan.yaml")).expect("copy");
    r.commit("deploy");
    r
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for app in std::fs::read_dir(dir).expect("dir") {
        let app = app.expect("entry").path();
        for f in std::fs::read_dir(&app).expect("app dir") {
            let f = f.expect("entry").path();
            let rel = f.strip_prefix(dir).expect("prefix").display().to_string();
            v.push((rel, std::fs::read(&f).expect("read")));
        }
    }
    v.sort();
    v
}

#[test]
fn the_deploy_fleet_branch_is_render_output_dir_and_the_worktree_is_untouched() {
    let r = deploy_repo();
    const TOOLS: &str = "deploy/environments/uat/values/tools.yaml";
    let tools = std::fs::read_to_string(r.path().join(TOOLS)).expect("read");
    std::fs::write(
        r.path().join(TOOLS),
        tools.replacen("tag: \"2d27f2e\"", "tag: \"3e38f3f\"", 1),
    )
    .expect("write");
    let bump = r.commit("bump the uat tenscan api");
    // Uncommitted and staged changes must survive untouched.
    let local = std::fs::read_to_string(r.path().join(TOOLS)).expect("read");
    std::fs::write(
        r.path().join(TOOLS),
        local.replacen("environment: uat", "environment: uat # local", 1),
    )
    .expect("write");
    r.git(&["add", TOOLS]);
    std::fs::write(r.path().join("deploy/README.md"), "local\n").expect("write");
    let status = r.git(&["status", "--porcelain"]);
    let index = std::fs::read(r.path().join(".git/index")).expect("index");

    let out = r.capstan(&[
        "hydrate",
        "deploy/environments",
        "--branch",
        "rendered",
        "--from",
        "HEAD~1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    assert!(t.contains("(40 apps changed:"), "{t}");
    assert!(t.contains("(1 app changed: uat-tools)"), "{t}");
    // The second commit re-renders only uat-tools; the rest is reused, and
    // the branch still equals a fresh render (below).
    assert!(
        t.contains("rendered: 34 chart renders, 32 reused from the commit before"),
        "{t}"
    );
    assert!(
        r.git(&["log", "-1", "--format=%B", "rendered"])
            .starts_with(&format!(
                "Hydrate {}: bump the uat tenscan api\n\n\
             1 app changed: 0 added, 0 removed, 1 changed (of 40 on the branch)\n\n\
             ~ uat-tools: 0 added, 0 removed, 1 changed\n    \
             ~ deployment-uat-uat-tools-tenscan-api.yaml\n",
                short(&bump)
            ))
    );

    // The branch holds exactly what render --output-dir writes.
    let dir = tempfile::tempdir().expect("tmp");
    let out = r.capstan(&[
        "render",
        "deploy/environments",
        "--revision",
        "HEAD",
        "--output-dir",
        &dir.path().display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rendered = files(dir.path());
    let listed = r.git(&["ls-tree", "-r", "--name-only", "rendered"]);
    assert_eq!(listed.lines().count(), rendered.len());
    for (name, bytes) in &rendered {
        let blob = Command::new("git")
            .args(["show", &format!("rendered:{name}")])
            .current_dir(r.path())
            .output()
            .expect("git show");
        assert!(blob.stdout == *bytes, "{name} differs");
    }

    // The user's working tree, index and HEAD are as they were.
    assert_eq!(r.git(&["status", "--porcelain"]), status);
    assert_eq!(
        std::fs::read(r.path().join(".git/index")).expect("index"),
        index
    );
    assert_eq!(r.git(&["rev-parse", "HEAD"]), bump);
}
