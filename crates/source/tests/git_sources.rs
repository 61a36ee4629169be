//! Sources read from Git repositories the tests build: revisions without a
//! checkout, every value-file rule, parameters, multi-source refs,
//! directory sources, app-of-apps recursion and cycles, and the errors for
//! what capstan cannot reach or does not support.

mod support;

use capstan_source::{ErrorKind, Revision};
use support::{Repo, URL, app, chart, resolve, stream};

fn helm_app(name: &str, helm: &str) -> String {
    app(
        name,
        &format!(
            "  source:\n    repoURL: {URL}\n    targetRevision: main\n    path: charts/demo\n    helm:\n{helm}"
        ),
    )
}

fn base_repo() -> Repo {
    let r = Repo::new();
    r.write("capstan.yaml", &format!("repoURL: {URL}\n"));
    chart(&r, "charts/demo");
    r
}

#[test]
fn revisions_are_read_without_a_checkout() {
    let r = base_repo();
    r.write("env/v.yaml", "v: one\n");
    r.write(
        "apps/a.yaml",
        &helm_app("a", "      valueFiles: [../../env/v.yaml]\n"),
    );
    let first = r.commit("one");
    r.git(&["tag", "v1"]);
    r.write("env/v.yaml", "v: two\n");
    let second = r.commit("two");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("env/v.yaml", "v: three\n");
    r.commit("three");
    r.git(&["checkout", "-q", "main"]);
    r.write("env/v.yaml", "v: uncommitted\n");

    let cases = [
        (Revision::WorkTree, "uncommitted", "worktree".to_string()),
        (Revision::Git("v1".into()), "one", first.clone()),
        (Revision::Git("main".into()), "two", second.clone()),
        (Revision::Git("HEAD".into()), "two", second.clone()),
        (Revision::Git("feature".into()), "three", String::new()),
        (Revision::Git(first.clone()), "one", first.clone()),
        (Revision::Git(first[..10].to_string()), "one", first.clone()),
    ];
    for (rev, want, id) in cases {
        let (_, tree) = resolve(r.path(), "apps/a.yaml", rev.clone(), vec![]);
        let s = stream(&tree, "a").expect("renders");
        assert!(s.contains(&format!("v: \"{want}\"")), "{rev:?}: {s}");
        if !id.is_empty() {
            assert_eq!(tree.revision, id, "{rev:?}");
        }
    }
    // An app file that exists only at an older revision is read from it.
    r.git(&["rm", "-q", "apps/a.yaml"]);
    r.commit("drop app");
    std::fs::remove_dir_all(r.file("apps")).ok();
    let (_, tree) = resolve(r.path(), "apps/a.yaml", Revision::Git("v1".into()), vec![]);
    assert!(stream(&tree, "a").expect("renders").contains("v: \"one\""));
    let mut engine = capstan_source::Engine::new(r.path(), &Default::default()).expect("engine");
    assert!(engine.load_input(&r.file("apps/a.yaml")).is_err());
    let bad = capstan_source::Engine::new(
        r.path(),
        &capstan_source::Settings {
            revision: Revision::Git("no-such-branch".into()),
            repos: vec![],
        },
    );
    assert!(
        bad.expect_err("unknown revision")
            .to_string()
            .contains("no-such-branch")
    );
}

/// App name, its `helm:` block, and the lines it must render or the error part.
type Case = (
    &'static str,
    &'static str,
    Result<&'static [&'static str], &'static str>,
);

#[test]
fn value_files_follow_argo_cd_path_rules() {
    let r = base_repo();
    r.write("env/a.yaml", "v: a\nw: a\n");
    r.write("env/b.yaml", "v: b\n");
    r.write("env/c.yaml", "w: c\n");
    r.write("charts/demo/local.yaml", "extra: local\n");
    r.write("byapp/env.yaml", "v: from-env\n");
    let cases: &[Case] = &[
        // relative to the chart; later files win
        (
            "rel",
            "      valueFiles: [../../env/a.yaml, ../../env/b.yaml]\n",
            Ok(&["v: \"b\"", "w: \"a\""]),
        ),
        // a leading / is the repository root
        (
            "abs",
            "      valueFiles: [/env/b.yaml, local.yaml]\n",
            Ok(&["v: \"b\"", "extra: \"local\""]),
        ),
        // missing files: an error, or skipped with ignoreMissingValueFiles
        (
            "missing",
            "      valueFiles: [../../env/nope.yaml]\n",
            Err("open env/nope.yaml: no such file or directory"),
        ),
        (
            "ignored",
            "      ignoreMissingValueFiles: true\n      valueFiles: [../../env/nope.yaml, ../../env/b.yaml]\n",
            Ok(&["v: \"b\""]),
        ),
        // never outside the repository
        (
            "outside",
            "      valueFiles: [../../../etc/passwd]\n",
            Err("resolved to outside repository root"),
        ),
        // globs: lexical order, an explicit entry keeps its own later position
        (
            "glob",
            "      valueFiles: ['../../env/*.yaml', ../../env/a.yaml]\n",
            Ok(&["v: \"a\"", "w: \"a\""]),
        ),
        (
            "glob-order",
            "      valueFiles: ['../../env/*.yaml']\n",
            Ok(&["v: \"b\"", "w: \"c\""]),
        ),
        (
            "glob-none",
            "      valueFiles: ['../../env/*.json']\n",
            Err("values file glob \"../../env/*.json\" matched no files"),
        ),
        // inline values come last and win; valuesObject wins over values
        (
            "inline",
            "      valueFiles: [../../env/a.yaml]\n      values: |\n        v: inline\n",
            Ok(&["v: \"inline\"", "w: \"a\""]),
        ),
        (
            "object",
            "      values: 'v: text'\n      valuesObject:\n        v: object\n",
            Ok(&["v: \"object\""]),
        ),
        // parameters are --set (commas escaped) / --set-string, after every file
        (
            "params",
            "      valueFiles: [../../env/a.yaml]\n      values: 'v: inline'\n      parameters:\n        - {name: v, value: 'x,y'}\n        - {name: w, value: '2', forceString: true}\n",
            Ok(&["v: \"x,y\"", "w: \"2\""]),
        ),
        // fileParameters are --set-file, relative to the chart
        (
            "file",
            "      fileParameters:\n        - {name: extra, path: ../../env/c.yaml}\n",
            Ok(&["extra: \"w: c\\n\""]),
        ),
        // release name and namespace overrides
        (
            "names",
            "      releaseName: other\n      namespace: elsewhere\n",
            Ok(&["name: other", "namespace: elsewhere"]),
        ),
        // Argo CD's build environment in paths and parameter values
        (
            "env",
            "      valueFiles: [../../byapp/$ARGOCD_APP_NAME.yaml]\n      parameters: [{name: w, value: '${ARGOCD_APP_NAMESPACE}-$ARGOCD_APP_SOURCE_TARGET_REVISION'}]\n",
            Ok(&["v: \"from-env\"", "w: \"ns1-main\""]),
        ),
        (
            "remote",
            "      valueFiles: [https://example.com/v.yaml]\n",
            Err("remote value file https://example.com/v.yaml is not supported yet"),
        ),
    ];
    for (name, helm, _) in cases {
        r.write(&format!("apps/{name}.yaml"), &helm_app(name, helm));
    }
    r.commit("apps");
    let (_, tree) = resolve(r.path(), "apps", Revision::WorkTree, vec![]);
    for (name, _, want) in cases {
        match (stream(&tree, name), want) {
            (Ok(s), Ok(lines)) => {
                for l in *lines {
                    assert!(s.contains(l), "{name}: want {l:?} in\n{s}");
                }
            }
            (Err(e), Err(part)) => assert!(e.contains(part), "{name}: {e}"),
            (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
        }
    }
    // Default namespace and release name come from the app.
    let s = stream(&tree, "rel").expect("rel");
    assert!(
        s.contains("name: rel") && s.contains("namespace: ns1"),
        "{s}"
    );
}

#[test]
fn multi_source_refs_read_the_other_repository_at_its_revision() {
    let r = base_repo();
    let values = Repo::new();
    values.write("envs/prod.yaml", "v: pinned\n");
    values.commit("v1");
    values.git(&["tag", "v1"]);
    values.write("envs/prod.yaml", "v: moved\n");
    values.commit("v2");
    let other = "git@example.com:org/values.git";
    r.write(
        "apps/multi.yaml",
        &app(
            "multi",
            &format!(
                "  sources:\n    - repoURL: {URL}\n      path: charts/demo\n      helm:\n        valueFiles: [$vals/envs/prod.yaml, $vals/envs/missing.yaml]\n        ignoreMissingValueFiles: true\n    - repoURL: {other}\n      targetRevision: v1\n      ref: vals\n"
            ),
        ),
    );
    r.write(
        "apps/unmapped.yaml",
        &app("unmapped", "  sources:\n    - repoURL: https://example.com/org/primary.git\n      path: charts/demo\n      helm:\n        valueFiles: [$vals/x.yaml]\n    - repoURL: https://example.com/org/unknown.git\n      ref: vals\n"),
    );
    r.commit("apps");
    let mapping = vec![(
        "https://example.com/org/values".to_string(),
        values.path().to_path_buf(),
    )];
    let (_, tree) = resolve(r.path(), "apps", Revision::WorkTree, mapping);
    let s = stream(&tree, "multi").expect("multi renders");
    assert!(s.contains("v: \"pinned\""), "{s}");
    let n = tree.find("unmapped").expect("unmapped");
    let e = n.output.as_ref().expect_err("unreachable");
    assert_eq!(e.kind, ErrorKind::Unreachable);
    assert!(
        e.message.contains("https://example.com/org/unknown.git"),
        "{e}"
    );
    assert!(e.to_string().starts_with("application unmapped:"), "{e}");
}

#[test]
fn directory_sources_follow_argo_cd() {
    let r = base_repo();
    let cm = |n: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {n}\n");
    r.write(
        "m/a.yaml",
        &format!("{}---\n# just a comment\n---\n{}", cm("a1"), cm("a2")),
    );
    r.write("m/b.yml", &cm("b"));
    r.write(
        "m/c.json",
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}}",
    );
    r.write("m/d.json", "[{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"d1\"}}, {\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"d2\", \"namespace\": \"x\"}}]");
    r.write("m/list.yaml", "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ServiceAccount\n    metadata: {name: l1}\n");
    r.write("m/values.yaml", "replicas: 3\nimage: nginx\n");
    r.write(
        "m/skip.yaml",
        &format!("# +argocd:skip-file-rendering\n{}", cm("skipped")),
    );
    r.write("m/README.md", "not a manifest");
    r.write("m/sub/e.yaml", &cm("e"));
    r.write("m/sub/deeper/f.yaml", &cm("f"));
    let dir_app = |name: &str, directory: &str| {
        app(
            name,
            &format!("  source:\n    repoURL: {URL}\n    path: m\n{directory}"),
        )
    };
    r.write("apps/flat.yaml", &dir_app("flat", ""));
    r.write(
        "apps/rec.yaml",
        &dir_app(
            "rec",
            "    directory:\n      recurse: true\n      exclude: '{d.json,sub/deeper/*}'\n",
        ),
    );
    r.write(
        "apps/inc.yaml",
        &dir_app(
            "inc",
            "    directory:\n      recurse: true\n      include: '*.yml'\n",
        ),
    );
    r.write(
        "m2/bad.yaml",
        &format!("{}---\nkind: [unclosed\n", cm("ok")),
    );
    r.write(
        "apps/bad.yaml",
        &app(
            "bad",
            &format!("  source:\n    repoURL: {URL}\n    path: m2\n"),
        ),
    );
    r.commit("dirs");
    let (_, tree) = resolve(r.path(), "apps", Revision::Git("main".into()), vec![]);
    let names = |app: &str| -> Vec<String> {
        let n = tree.find(app).expect("app");
        let o = n.output.as_ref().unwrap_or_else(|e| panic!("{e}"));
        o.manifests.iter().map(|m| m.key.to_string()).collect()
    };
    assert_eq!(
        names("flat"),
        [
            "ConfigMap ns1/a1",
            "ConfigMap ns1/a2",
            "ConfigMap ns1/b",
            "ConfigMap ns1/c",
            "Secret ns1/d1",
            "Secret x/d2",
            "ServiceAccount ns1/l1",
        ]
    );
    assert_eq!(
        names("rec"),
        [
            "ConfigMap ns1/a1",
            "ConfigMap ns1/a2",
            "ConfigMap ns1/b",
            "ConfigMap ns1/c",
            "ServiceAccount ns1/l1",
            "ConfigMap ns1/e"
        ]
    );
    assert_eq!(names("inc"), ["ConfigMap ns1/b"]);
    let s = stream(&tree, "flat").expect("flat");
    assert!(
        s.starts_with("---\n# Source: m/a.yaml\napiVersion: v1\n"),
        "{s}"
    );
    let e = tree
        .find("bad")
        .expect("bad")
        .output
        .as_ref()
        .expect_err("bad yaml");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(e.message.contains("m2/bad.yaml"), "{e}");
}

#[test]
fn app_of_apps_recurse_and_cycles_are_reported() {
    let r = base_repo();
    let dir_app = |name: &str, path: &str| {
        app(
            name,
            &format!(
                "  source:\n    repoURL: {URL}\n    path: {path}\n    directory:\n      recurse: true\n"
            ),
        )
    };
    r.write("root.yaml", &dir_app("root", "level1"));
    r.write("level1/child.yaml", &dir_app("child", "level2"));
    r.write(
        "level1/helm.yaml",
        &helm_app("leaf", "      releaseName: leaf\n"),
    );
    r.write("level2/loop.yaml", &dir_app("loop", "level3"));
    r.write("level3/back.yaml", &dir_app("child", "level2"));
    r.write("level2/bad.yaml", "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: typo\nspec:\n  sauce: {}\n");
    r.commit("tree");
    let (_, tree) = resolve(r.path(), "root.yaml", Revision::WorkTree, vec![]);
    let names: Vec<&str> = tree
        .nodes
        .iter()
        .map(|n| n.app.metadata.name.as_str())
        .collect();
    assert_eq!(names, ["root", "child", "loop", "child", "leaf"]);
    let cycle = tree.nodes[3].output.as_ref().expect_err("cycle");
    assert_eq!(cycle.kind, ErrorKind::Cycle);
    assert!(
        cycle
            .message
            .contains("argocd/child -> argocd/loop -> argocd/child"),
        "{cycle}"
    );
    // The invalid child manifest is reported on its parent with file and line.
    let child = tree.find("child").expect("child");
    assert_eq!(child.problems.len(), 1, "{:?}", child.problems);
    assert!(
        child.problems[0].message.contains("sauce"),
        "{:?}",
        child.problems
    );
    assert!(
        child.problems[0].message.contains("level2/bad.yaml:6"),
        "{:?}",
        child.problems
    );
    assert!(stream(&tree, "leaf").expect("leaf").contains("name: leaf"));
    // A folder input keeps only the top of the tree as root (an invalid
    // Application in it is an input error).
    let mut engine = capstan_source::Engine::new(r.path(), &Default::default()).expect("engine");
    let err = engine.load_input(r.path()).expect_err("invalid manifest");
    assert!(
        err.to_string()
            .starts_with("level2/bad.yaml:6:3: unknown field `sauce`"),
        "{err}"
    );
    r.remove("level2/bad.yaml");
    let (_, tree) = resolve(r.path(), ".", Revision::WorkTree, vec![]);
    let roots: Vec<&str> = tree
        .roots
        .iter()
        .map(|i| tree.nodes[*i].app.metadata.name.as_str())
        .collect();
    assert_eq!(roots, ["root"]);
}

#[test]
fn unreachable_and_unsupported_sources_name_the_app_and_the_rest_renders() {
    let r = base_repo();
    r.write("kust/kustomization.yaml", "resources: []\n");
    r.write("apps/ok.yaml", &helm_app("ok", "      releaseName: ok\n"));
    r.write(
        "apps/gone.yaml",
        &app(
            "gone",
            "  source:\n    repoURL: https://example.com/other.git\n    path: x\n",
        ),
    );
    r.write(
        "apps/chart.yaml",
        &app("chartapp", "  source:\n    repoURL: https://charts.example.com\n    chart: redis\n    targetRevision: 1.2.3\n"),
    );
    r.write(
        "apps/kust.yaml",
        &app(
            "kust",
            &format!("  source:\n    repoURL: {URL}\n    path: kust\n"),
        ),
    );
    r.write(
        "apps/nopath.yaml",
        &app(
            "nopath",
            &format!("  source:\n    repoURL: {URL}\n    path: nowhere\n"),
        ),
    );
    r.commit("apps");
    let (_, tree) = resolve(r.path(), "apps", Revision::WorkTree, vec![]);
    assert!(stream(&tree, "ok").is_ok());
    let err = |n: &str| {
        tree.find(n)
            .expect("app")
            .output
            .clone()
            .expect_err("error")
    };
    let gone = err("gone");
    assert_eq!(gone.kind, ErrorKind::Unreachable);
    assert!(
        gone.to_string()
            .contains("application gone: repository https://example.com/other.git"),
        "{gone}"
    );
    let chart = err("chartapp");
    assert_eq!(chart.kind, ErrorKind::Unsupported);
    assert_eq!(
        chart.message,
        "chart repositories are not supported yet: chartapp wants https://charts.example.com redis@1.2.3"
    );
    assert_eq!(err("kust").kind, ErrorKind::Unsupported);
    assert!(err("kust").message.contains("Kustomize"));
    assert!(
        err("nopath")
            .message
            .contains("app path does not exist: nowhere"),
        "{}",
        err("nopath")
    );
}

#[test]
fn the_primary_url_comes_from_the_origin_remote() {
    let r = Repo::new();
    chart(&r, "charts/demo");
    r.git(&["remote", "add", "origin", "git@example.com:Org/Primary.git"]);
    r.write("apps/a.yaml", &helm_app("a", "      releaseName: a\n"));
    r.write("apps/b.yaml", &app("b", "  source:\n    repoURL: https://example.com/org/elsewhere.git\n    path: charts/demo\n"));
    r.commit("apps");
    let (engine, tree) = resolve(r.path(), "apps", Revision::WorkTree, vec![]);
    assert_eq!(
        engine.repositories().primary_urls(),
        ["example.com/org/primary"]
    );
    assert!(stream(&tree, "a").is_ok());
    assert!(stream(&tree, "b").is_err());
}

#[test]
fn charts_are_parsed_once_per_revision() {
    let r = base_repo();
    for i in 0..5 {
        r.write(
            &format!("apps/a{i}.yaml"),
            &helm_app(
                &format!("a{i}"),
                &format!("      parameters: [{{name: v, value: '{i}'}}]\n"),
            ),
        );
    }
    r.commit("apps");
    let (engine, tree) = resolve(r.path(), "apps", Revision::WorkTree, vec![]);
    assert!(tree.errors().is_empty(), "{:?}", tree.errors());
    assert_eq!(engine.chart_loads(), 1);
    assert!(stream(&tree, "a3").expect("a3").contains("v: \"3\""));
}

#[test]
fn argocd_source_override_files_patch_the_source() {
    let r = base_repo();
    r.write(
        "charts/demo/.argocd-source.yaml",
        "helm:\n  parameters:\n    - {name: v, value: general}\n  valuesObject:\n    w: patched\npath: elsewhere\n",
    );
    r.write(
        "charts/demo/.argocd-source-special.yaml",
        "helm:\n  parameters:\n    - {name: v, value: special}\n",
    );
    r.write(
        "apps/plain.yaml",
        &helm_app("plain", "      releaseName: plain\n"),
    );
    r.write(
        "apps/special.yaml",
        &helm_app("special", "      releaseName: special\n"),
    );
    r.write(
        "apps/auto.yaml",
        &app(
            "auto",
            &format!("  source:\n    repoURL: {URL}\n    path: charts/demo\n"),
        ),
    );
    r.commit("overrides");
    let (_, tree) = resolve(r.path(), "apps", Revision::Git("main".into()), vec![]);
    let plain = stream(&tree, "plain").expect("plain");
    assert!(
        plain.contains("v: \"general\"") && plain.contains("w: \"patched\""),
        "{plain}"
    );
    // The app's own file is applied last; lists are replaced, maps merged.
    let special = stream(&tree, "special").expect("special");
    assert!(
        special.contains("v: \"special\"") && special.contains("w: \"patched\""),
        "{special}"
    );
    assert!(
        stream(&tree, "auto")
            .expect("auto")
            .contains("v: \"general\"")
    );
    r.write(
        "charts/demo/.argocd-source.yaml",
        "helm:\n  valueFiles: oops\n",
    );
    let (_, tree) = resolve(r.path(), "apps/plain.yaml", Revision::WorkTree, vec![]);
    let e = stream(&tree, "plain").expect_err("bad override");
    assert!(
        e.contains("error while parsing source parameters: charts/demo/.argocd-source.yaml"),
        "{e}"
    );
}

/// Serves one chart from memory and counts requests.
#[derive(Debug, Default)]
struct FakeCharts {
    requests: std::rc::Rc<std::cell::Cell<usize>>,
}

impl capstan_source::ChartRepository for FakeCharts {
    fn fetch(
        &mut self,
        r: &capstan_source::ChartRequest<'_>,
    ) -> Result<capstan_source::charts::ChartFiles, capstan_source::FetchError> {
        self.requests.set(self.requests.get() + 1);
        if r.chart != "demo" {
            return Err(capstan_source::FetchError::Failed(format!(
                "chart {} not found in {}",
                r.chart, r.repo_url
            )));
        }
        let f = |p: &str, t: &str| (p.to_string(), std::sync::Arc::from(t.as_bytes()));
        Ok(vec![
            f("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 1.0.0\n"),
            f("values.yaml", "v: chart\nw: chart\n"),
            f("values-prod.yaml", "w: prod\n"),
            f(
                "templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  v: {{ .Values.v | quote }}\n  w: {{ .Values.w | quote }}\n",
            ),
        ])
    }
}

#[test]
fn chart_repository_sources_go_through_the_chart_repository_trait() {
    let r = base_repo();
    r.write("env/prod.yaml", "v: from-git\n");
    let chart_app = |name: &str, chart: &str, helm: &str| {
        app(
            name,
            &format!(
                "  sources:\n    - repoURL: https://charts.example.com\n      chart: {chart}\n      targetRevision: 1.0.0\n      helm:\n{helm}    - repoURL: {URL}\n      ref: git\n"
            ),
        )
    };
    r.write(
        "apps/c1.yaml",
        &chart_app(
            "c1",
            "demo",
            "        valueFiles: [values-prod.yaml, $git/env/prod.yaml]\n",
        ),
    );
    r.write(
        "apps/c2.yaml",
        &chart_app("c2", "demo", "        releaseName: c2\n"),
    );
    r.write(
        "apps/c3.yaml",
        &chart_app("c3", "missing", "        releaseName: c3\n"),
    );
    r.commit("charts");
    // Without a chart repository: the clear "not supported yet".
    let (_, tree) = resolve(r.path(), "apps", Revision::WorkTree, vec![]);
    let e = tree
        .find("c2")
        .expect("c2")
        .output
        .clone()
        .expect_err("unsupported");
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert_eq!(
        e.message,
        "chart repositories are not supported yet: c2 wants https://charts.example.com demo@1.0.0"
    );

    let fake = FakeCharts::default();
    let count = fake.requests.clone();
    let mut engine = capstan_source::Engine::new(r.path(), &Default::default()).expect("engine");
    engine.set_chart_repository(Box::new(fake));
    let apps = engine.load_input(&r.file("apps")).expect("apps");
    let tree = engine.resolve(apps);
    let c1 = stream(&tree, "c1").expect("c1");
    assert!(
        c1.contains("v: \"from-git\"") && c1.contains("w: \"prod\""),
        "{c1}"
    );
    assert!(stream(&tree, "c2").expect("c2").contains("w: \"chart\""));
    let e3 = tree
        .find("c3")
        .expect("c3")
        .output
        .clone()
        .expect_err("missing chart");
    assert_eq!(e3.kind, ErrorKind::Unreachable);
    assert_eq!(count.get(), 3);
    assert_eq!(engine.chart_loads(), 1);
}

#[test]
fn cluster_capabilities_come_from_the_source_or_capstan_yaml() {
    let r = base_repo();
    r.write(
        "capstan.yaml",
        &format!("repoURL: {URL}\nkubeVersion: v1.31.4\napiVersions: [monitoring.coreos.com/v1]\n"),
    );
    r.write(
        "charts/demo/templates/caps.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caps\ndata:\n  kube: {{ .Capabilities.KubeVersion.Version | quote }}\n  monitoring: {{ .Capabilities.APIVersions.Has \"monitoring.coreos.com/v1\" | quote }}\n  custom: {{ .Capabilities.APIVersions.Has \"example.com/v9\" | quote }}\n",
    );
    r.write(
        "apps/cfg.yaml",
        &helm_app("cfg", "      releaseName: cfg\n"),
    );
    r.write(
        "apps/own.yaml",
        &helm_app(
            "own",
            "      kubeVersion: 1.29.0\n      apiVersions: [example.com/v9]\n",
        ),
    );
    r.commit("caps");
    let (_, tree) = resolve(r.path(), "apps", Revision::WorkTree, vec![]);
    let cfg = stream(&tree, "cfg").expect("cfg");
    assert!(
        cfg.contains("kube: \"v1.31.4\"")
            && cfg.contains("monitoring: \"true\"")
            && cfg.contains("custom: \"false\""),
        "{cfg}"
    );
    let own = stream(&tree, "own").expect("own");
    assert!(
        own.contains("kube: \"v1.29.0\"")
            && own.contains("monitoring: \"false\"")
            && own.contains("custom: \"true\""),
        "{own}"
    );
}

#[test]
fn a_cycle_without_a_root_is_still_shown() {
    let r = base_repo();
    let dir_app = |name: &str, path: &str| {
        app(
            name,
            &format!("  source:\n    repoURL: {URL}\n    path: {path}\n"),
        )
    };
    r.write("a/b.yaml", &dir_app("b", "b"));
    r.write("b/a.yaml", &dir_app("a", "a"));
    r.commit("cycle");
    let (_, tree) = resolve(r.path(), ".", Revision::WorkTree, vec![]);
    let names: Vec<&str> = tree
        .nodes
        .iter()
        .map(|n| n.app.metadata.name.as_str())
        .collect();
    assert_eq!(names, ["b", "a", "b"]);
    assert_eq!(
        tree.nodes[2].output.as_ref().expect_err("cycle").kind,
        ErrorKind::Cycle
    );
}

#[test]
fn an_app_defined_twice_in_one_tree_is_a_duplicate() {
    let r = base_repo();
    let dir_app = |name: &str, path: &str| {
        app(
            name,
            &format!("  source:\n    repoURL: {URL}\n    path: {path}\n"),
        )
    };
    r.write("root.yaml", &dir_app("root", "envs"));
    r.write("envs/one.yaml", &dir_app("one", "one"));
    r.write("envs/two.yaml", &dir_app("two", "two"));
    r.write("one/x.yaml", &helm_app("x", "      releaseName: x\n"));
    r.write("two/x.yaml", &helm_app("x", "      releaseName: x\n"));
    r.commit("dup");
    let (_, tree) = resolve(r.path(), "root.yaml", Revision::WorkTree, vec![]);
    let xs: Vec<_> = tree
        .nodes
        .iter()
        .filter(|n| n.app.metadata.name == "x")
        .collect();
    assert_eq!(xs.len(), 2);
    assert!(xs[0].output.is_ok());
    let e = xs[1].output.as_ref().expect_err("duplicate");
    assert_eq!(e.kind, ErrorKind::Duplicate);
    assert_eq!(tree.errors().len(), 1);
}
