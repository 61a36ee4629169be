//! Every Application of deploy/ renders without error, each environment
//! has exactly the apps deploy/README.md lists (with their chart, namespace
//! and value files), and each app's output is byte for byte what
//! `capstan template` (itself checked against real Helm by
//! scripts/check-deploy) prints for the README's `helm template` command.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use capstan_helm::template::{TemplateOptions, template};
use capstan_helm::values::{LocalFiles, Options};
use capstan_source::{Engine, Settings};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// One row of the README's "Apps per environment" table.
#[derive(Debug)]
struct Row {
    env: String,
    app: String,
    chart: String,
    namespace: String,
    value_files: Vec<String>,
}

fn readme_rows() -> Vec<Row> {
    let text = std::fs::read_to_string(repo().join("deploy/README.md")).expect("README");
    let strip = |s: &str| s.trim().trim_matches('`').to_string();
    let mut rows = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').collect();
        if cells.len() != 7 || !cells[2].contains('`') {
            continue;
        }
        let env = cells[1].split_whitespace().next().unwrap_or("").to_string();
        rows.push(Row {
            env,
            app: strip(cells[2]),
            chart: strip(cells[3]),
            namespace: strip(cells[4]),
            value_files: cells[5].split(',').map(strip).collect(),
        });
    }
    rows
}

#[test]
fn every_deploy_app_renders_like_helm_template() {
    let root = repo();
    let rows = readme_rows();
    assert_eq!(rows.len(), 33, "README table rows: {rows:?}");
    let mut engine = Engine::new(&root, &Settings::default()).expect("engine");
    let input = engine
        .load_input(&root.join("deploy/environments"))
        .expect("input");
    let tree = engine.resolve(input);
    let errors: Vec<String> = tree.errors().iter().map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let roots: Vec<&str> = tree
        .roots
        .iter()
        .map(|r| tree.nodes[*r].app.metadata.name.as_str())
        .collect();
    assert_eq!(roots, ["ten-nonprod-root", "ten-prod-root"]);

    // Apps per environment, as the environment app-of-apps yields them.
    let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &rows {
        expected
            .entry(r.env.clone())
            .or_default()
            .push(r.app.clone());
    }
    for (env, mut apps) in expected {
        let env_app = tree.find(&format!("ten-{env}-apps")).expect("env app");
        let mut children: Vec<String> = env_app
            .children
            .iter()
            .map(|c| tree.nodes[*c].app.metadata.name.clone())
            .collect();
        children.sort();
        apps.sort();
        assert_eq!(children, apps, "apps of {env}");
    }

    for r in &rows {
        let node = tree.find(&r.app).expect("app in tree");
        let src = node.app.sources()[0].clone();
        assert_eq!(src.path, format!("deploy/charts/{}", r.chart), "{}", r.app);
        assert_eq!(
            node.app.spec.destination.namespace, r.namespace,
            "{}",
            r.app
        );
        let helm = src.helm.clone().expect("helm source");
        let files: Vec<String> = helm
            .value_files
            .iter()
            .map(|f| f.rsplit('/').next().unwrap_or("").to_string())
            .collect();
        assert_eq!(files, r.value_files, "{}", r.app);

        let chart_dir = root.join(&src.path);
        let opts = TemplateOptions {
            args: vec![r.app.clone(), chart_dir.display().to_string()],
            namespace: Some(r.namespace.clone()),
            values: Options {
                value_files: helm
                    .value_files
                    .iter()
                    .map(|f| chart_dir.join(f).display().to_string())
                    .collect(),
                ..Options::default()
            },
            include_crds: true,
            ..TemplateOptions::default()
        };
        let want = template(&opts, &mut LocalFiles).expect("capstan template");
        let got = &node.output.as_ref().expect("rendered").stream;
        assert!(
            got == &want.stdout,
            "{}: capstan render differs from helm template",
            r.app
        );
    }
    // One parse per chart at this revision, however many apps use it.
    assert_eq!(engine.chart_loads(), 4);
}

#[test]
fn mainnet_is_rendered_at_the_requested_revision_and_records_its_pin() {
    let root = repo();
    let mut engine = Engine::new(&root, &Settings::default()).expect("engine");
    let input = engine
        .load_input(&root.join("deploy/environments/prod/root.yaml"))
        .expect("input");
    let tree = engine.resolve(input);
    assert!(tree.errors().is_empty(), "{:?}", tree.errors());
    assert_eq!(tree.revision, "worktree");
    let seq = tree.find("mainnet-sequencer").expect("mainnet-sequencer");
    assert_eq!(seq.app.sources()[0].target_revision, "deploy-mainnet-v1");
    assert!(
        seq.app
            .spec
            .sync_policy
            .as_ref()
            .is_some_and(|p| !p.is_automated())
    );
    let root_node = &tree.nodes[tree.roots[0]];
    assert_eq!(root_node.projects[0].metadata.name, "ten-prod");
}
