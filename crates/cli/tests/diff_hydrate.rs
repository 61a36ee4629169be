//! `capstan diff` over Git repositories built here from a copy of deploy/:
//! a single image tag bump reports exactly that field of exactly that app
//! (text, Markdown, JSON), removed apps, exit statuses 0/1/2. (`capstan
//! hydrate` is tested in hydrate.rs.)

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{copy_dir, repo as repo_root, text};

/// A scratch repository holding deploy/ and capstan.yaml, committed on main and tagged v1.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = repo_root();
        copy_dir(&root.join("deploy"), &dir.path().join("deploy"));
        std::fs::copy(root.join("capstan.yaml"), dir.path().join("capstan.yaml")).expect("copy");
        let r = Repo { dir };
        r.git(&["init", "-q", "-b", "main"]);
        r.git(&["config", "user.email", "t@example.com"]);
        r.git(&["config", "user.name", "t"]);
        r.git(&["config", "commit.gpgsign", "false"]);
        r.commit("deploy");
        r.git(&["tag", "v1"]);
        r
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
        text(&out.stdout).trim().to_string()
    }

    fn commit(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Replaces the first `from` in a file.
    fn edit(&self, file: &str, from: &str, to: &str) {
        let p = self.path().join(file);
        let s = std::fs::read_to_string(&p).expect("read");
        assert!(s.contains(from), "{file} has no {from}");
        std::fs::write(&p, s.replacen(from, to, 1)).expect("write");
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
}

const TOOLS: &str = "deploy/environments/uat/values/tools.yaml";
const API_TAG: &str =
    "    image:\n      repository: api_obscuro_scan_uat_testnet\n      tag: \"2d27f2e\"";
const IMAGE: &str = "testnetobscuronet.azurecr.io/obscuronet/api_obscuro_scan_uat_testnet";

/// Branch `bump` moves one image tag of uat-tools.
fn bumped() -> Repo {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "bump"]);
    r.edit(TOOLS, API_TAG, &API_TAG.replace("2d27f2e", "3e38f3f"));
    r.commit("bump the uat tenscan api");
    r.git(&["checkout", "-q", "main"]);
    r
}

#[test]
fn one_image_tag_is_exactly_one_field_of_one_app() {
    let r = bumped();
    let path = "spec.template.spec.containers[name=tenscan-api].image";

    let out = r.capstan(&["diff", "v1", "bump", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["apps_compared"], 40);
    let apps = v["apps"].as_array().expect("apps");
    assert_eq!(apps.len(), 1, "{v:#}");
    assert_eq!(apps[0]["name"], "uat-tools");
    assert_eq!(apps[0]["parent"], "ten-uat-apps");
    assert_eq!(apps[0]["change"], "changed");
    let res = apps[0]["resources"].as_array().expect("resources");
    assert_eq!(res.len(), 1);
    assert_eq!(res[0]["key"]["kind"], "Deployment");
    assert_eq!(res[0]["key"]["name"], "uat-tools-tenscan-api");
    let fields = res[0]["fields"].as_array().expect("fields");
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert_eq!(fields[0]["path"], path);
    assert_eq!(fields[0]["old"], format!("{IMAGE}:2d27f2e"));
    assert_eq!(fields[0]["new"], format!("{IMAGE}:3e38f3f"));

    let out = r.capstan(&["diff", "v1", "bump"]);
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out.stdout);
    assert!(
        t.contains("1 apps changed, 0 added, 0 removed (of 40 compared)"),
        "{t}"
    );
    assert!(
        t.contains("uat-tools  ten-uat-apps  changed  0  0  1"),
        "{t}"
    );
    assert!(
        t.contains(&format!(
            "  ~ apps/Deployment uat/uat-tools-tenscan-api\n      {path}: \"{IMAGE}:2d27f2e\" → \"{IMAGE}:3e38f3f\"\n"
        )),
        "{t}"
    );

    let out = r.capstan(&["diff", "v1", "bump", "-o", "markdown"]);
    assert_eq!(out.status.code(), Some(1));
    let m = text(&out.stdout);
    assert!(m.starts_with("### capstan diff `"), "{m}");
    assert!(
        m.contains("| App | Parent | Status | Added | Removed | Changed |\n|---|---|---|---:|---:|---:|\n| `uat-tools` | ten-uat-apps | changed | 0 | 0 | 1 |\n"),
        "{m}"
    );
    assert!(
        m.contains("<details><summary><code>uat-tools</code> (changed)</summary>\n\n```diff\n~ apps/Deployment uat/uat-tools-tenscan-api\n!     spec.template"),
        "{m}"
    );
    assert_eq!(m.matches("<details>").count(), 1);

    // The other way round, and from the working tree.
    let out = r.capstan(&["diff", "bump", "v1", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["apps"][0]["resources"][0]["fields"][0]["new"],
        format!("{IMAGE}:2d27f2e")
    );
    r.git(&["checkout", "-q", "bump"]);
    let out = r.capstan(&["diff", "main", "WORKTREE", "deploy/environments/nonprod"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("worktree: 1 apps changed"));
}

#[test]
fn no_change_is_status_0_and_spelling_is_not_change() {
    let r = Repo::new();
    let out = r.capstan(&["diff", "v1", "main"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 apps changed"));
    // Different YAML spelling of the same values renders the same resources.
    r.edit(TOOLS, "tag: \"2d27f2e\"", "\"tag\": '2d27f2e'");
    let out = r.capstan(&["diff", "HEAD", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = r.capstan(&["diff", "HEAD", ".", "-o", "markdown"]);
    assert!(text(&out.stdout).contains("No change to any rendered manifest."));
}

#[test]
fn removed_apps_and_errors() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "drop"]);
    r.git(&["rm", "-q", "deploy/environments/uat/apps/tools.yaml"]);
    r.commit("drop uat-tools");
    let out = r.capstan(&["diff", "main", "drop", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let apps = v["apps"].as_array().expect("apps");
    let names: Vec<(&str, &str)> = apps
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap_or(""),
                a["change"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        names,
        [("ten-uat-apps", "changed"), ("uat-tools", "removed")]
    );
    // The parent lost exactly its Application resource.
    assert_eq!(apps[0]["resources"][0]["key"]["kind"], "Application");
    assert_eq!(apps[0]["resources"][0]["change"], "removed");

    // An unknown revision, and an app that does not render: status 2.
    let out = r.capstan(&["diff", "main", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no-such-branch"));
    r.git(&["checkout", "-q", "main"]);
    r.edit(TOOLS, "environment: uat", "environment: [uat");
    let out = r.capstan(&["diff", "main", "WORKTREE"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("application uat-tools"));
}
