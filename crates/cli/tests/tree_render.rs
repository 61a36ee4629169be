//! `capstan tree` and `capstan render` over deploy/: the JSON tree, one
//! app's stream equal to `capstan template`'s, `--output-dir` files that
//! are the same bytes run after run, and exit status 1 with the other apps
//! still rendered when one app fails.

mod support;

use std::path::Path;

use support::{capstan, repo, text};

#[test]
fn tree_json_lists_every_environment_app() {
    let out = capstan(&["tree", "deploy/environments", "-o", "json"], &repo());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["revision"], "worktree");
    let roots = v["apps"].as_array().expect("apps");
    assert_eq!(roots.len(), 2);
    let mut leaves = Vec::new();
    fn walk(n: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
        let kids = n["children"].as_array().cloned().unwrap_or_default();
        if kids.is_empty() {
            out.push(n.clone());
        }
        for k in &kids {
            walk(k, out);
        }
    }
    for r in roots {
        walk(r, &mut leaves);
    }
    assert_eq!(leaves.len(), 33);
    let seq = leaves
        .iter()
        .find(|n| n["name"] == "mainnet-sequencer")
        .expect("mainnet-sequencer");
    assert_eq!(seq["sources"][0]["targetRevision"], "deploy-mainnet-v1");
    assert_eq!(seq["sources"][0]["kind"], "Helm");
    assert_eq!(seq["syncPolicy"]["automated"], false);
    assert_eq!(seq["wave"], 2);
    assert_eq!(seq["project"], "ten-prod");
    assert_eq!(roots[0]["appProjects"][0], "ten-nonprod");
}

#[test]
fn one_app_prints_exactly_what_helm_template_prints() {
    let root = repo();
    let render = capstan(
        &[
            "render",
            "deploy/environments/nonprod",
            "--app",
            "uat-validator-02",
        ],
        &root,
    );
    assert!(render.status.success(), "{}", text(&render.stderr));
    let values = ["ten-node.yaml", "validator-02.yaml", "l1.yaml"];
    let mut args = vec![
        "template",
        "uat-validator-02",
        "deploy/charts/ten-node",
        "-n",
        "uat",
        "--include-crds",
    ];
    let paths: Vec<String> = values
        .iter()
        .map(|v| format!("deploy/environments/uat/values/{v}"))
        .collect();
    for p in &paths {
        args.push("-f");
        args.push(p);
    }
    let template = capstan(&args, &root);
    assert!(template.status.success(), "{}", text(&template.stderr));
    assert!(
        render.stdout == template.stdout,
        "render and template differ"
    );
    let unknown = capstan(
        &["render", "deploy/environments/nonprod", "--app", "nope"],
        &root,
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("no application nope in the tree"));
}

#[test]
fn output_dir_is_deterministic() {
    let root = repo();
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    for d in [&a, &b] {
        let out = capstan(
            &[
                "render",
                "deploy/environments/prod",
                "--output-dir",
                &d.path().display().to_string(),
            ],
            &root,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let file = "mainnet-sequencer/statefulset-mainnet-mainnet-sequencer-ten-node-enclave.yaml";
    let first = std::fs::read(a.path().join(file)).expect("file written");
    assert!(
        text(&first).starts_with("---\n# Source: ten-node/templates/"),
        "{}",
        text(&first)
    );
    let list = |d: &Path| {
        let mut v: Vec<(String, Vec<u8>)> = Vec::new();
        for app in std::fs::read_dir(d).expect("dir") {
            let app = app.expect("entry").path();
            for f in std::fs::read_dir(&app).expect("app dir") {
                let f = f.expect("entry").path();
                v.push((
                    f.strip_prefix(d).expect("prefix").display().to_string(),
                    std::fs::read(&f).expect("read"),
                ));
            }
        }
        v.sort();
        v
    };
    let (la, lb) = (list(a.path()), list(b.path()));
    assert!(la.len() > 30, "{}", la.len());
    assert!(la == lb, "two runs differ");
    assert!(
        la.iter()
            .any(|(n, _)| n == "ten-prod-root/appproject-argocd-ten-prod.yaml"),
        "{:?}",
        la.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
}

#[test]
fn a_failing_app_exits_1_and_the_rest_still_renders() {
    let root = repo();
    let tmp = tempfile::tempdir().expect("tmp");
    let ok =
        std::fs::read_to_string(root.join("deploy/environments/dev/apps/tools.yaml")).expect("app");
    std::fs::write(tmp.path().join("tools.yaml"), ok).expect("write");
    std::fs::write(
        tmp.path().join("broken.yaml"),
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: broken\nspec:\n  source:\n    repoURL: https://nowhere.invalid/nowhere.git\n    path: x\n  destination:\n    namespace: dev\n",
    )
    .expect("write");
    std::fs::write(
        tmp.path().join("capstan.yaml"),
        "repoURL: https://example.com/apps.git\n",
    )
    .expect("write");
    let dir = tmp.path().display().to_string();
    // The folder (with its capstan.yaml) is the repository; deploy/ is mapped in.
    let out = capstan(
        &[
            "render",
            &dir,
            "--repo",
            &format!(
                "https://github.com/capstan-gitops/capstan.git={}",
                root.display()
            ),
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("application broken: repository https://nowhere.invalid/nowhere.git"),
        "{stderr}"
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("# Application: dev-tools\n---\n# Source: ten-tools/"),
        "{stdout}"
    );
}
