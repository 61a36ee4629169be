//! `capstan check` reads secrets from exactly the value files the render
//! read (globs, `$ref/...` of another repository or of this one, build
//! variables) and from the Application's inline values, and honours
//! per-resource rule switches from annotations and capstan.yaml.

mod support;

use std::path::Path;
use std::process::Output;

use support::{capstan, text};

const URL: &str = "https://example.com/org/primary.git";
const VALUES_URL: &str = "https://example.com/org/values.git";
const TOKEN: &str = "ghp_0123456789abcdefghijABCDEFGHIJ0123456789";

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// An Application of this repository named `name` with `source` (indented
/// two spaces under `spec:`).
fn app(name: &str, source: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\nspec:\n  project: default\n{source}  destination:\n    server: https://kubernetes.default.svc\n    namespace: dev\n"
    )
}

/// A repository with one chart, value files in and out of reach, and a
/// second repository of values (a plain folder, mapped with --repo).
fn fixture(root: &Path) {
    write(root, "capstan.yaml", &format!("repoURL: {URL}\n"));
    write(
        root,
        "charts/demo/Chart.yaml",
        "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
    );
    write(
        root,
        "charts/demo/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  v: {{ .Values.v | default \"x\" | quote }}\n",
    );
    // Read through a glob: a.yaml is clean, b.yaml holds a password.
    write(root, "values/glob/a.yaml", "v: a\n");
    write(
        root,
        "values/glob/b.yaml",
        "# database\ndb:\n  password: Tr0ub4dor&3\n",
    );
    // Near misses: beside the glob's files but not matched, never referenced.
    write(root, "values/glob/notes.txt", &format!("token: {TOKEN}\n"));
    write(root, "values/unused.yaml", &format!("token: {TOKEN}\n"));
    write(root, "values/env-other.yaml", &format!("token: {TOKEN}\n"));
    // Read through a build variable.
    write(
        root,
        "values/env-envapp.yaml",
        "smtp:\n  host: mail\n  password: Zx9!kq7\n",
    );
    // Read through `$self/...` (a ref to this repository).
    write(
        root,
        "values/self.yaml",
        "aws:\n  region: eu\n  id: AKIAABCDEFGHIJKLMNOP\n",
    );
    // The other repository.
    write(
        root,
        "../values-repo/prod/values.yaml",
        &format!("api:\n  token: {TOKEN}\n  tokenSecretName: api-token\n"),
    );
    let apps = "environments/dev/apps";
    write(
        root,
        &format!("{apps}/glob.yaml"),
        &app(
            "glob",
            &format!(
                "  source:\n    repoURL: {URL}\n    path: charts/demo\n    helm:\n      valueFiles: [../../values/glob/*.yaml]\n"
            ),
        ),
    );
    write(
        root,
        &format!("{apps}/envapp.yaml"),
        &app(
            "envapp",
            &format!(
                "  source:\n    repoURL: {URL}\n    path: charts/demo\n    helm:\n      valueFiles: [../../values/env-$ARGOCD_APP_NAME.yaml]\n"
            ),
        ),
    );
    write(
        root,
        &format!("{apps}/refapp.yaml"),
        &app(
            "refapp",
            &format!(
                "  sources:\n    - repoURL: {URL}\n      path: charts/demo\n      helm:\n        valueFiles: [$vals/prod/values.yaml, $self/values/self.yaml]\n    - repoURL: {VALUES_URL}\n      targetRevision: v1\n      ref: vals\n    - repoURL: {URL}\n      ref: self\n"
            ),
        ),
    );
    write(
        root,
        &format!("{apps}/inline.yaml"),
        &app(
            "inline",
            &format!(
                "  source:\n    repoURL: {URL}\n    path: charts/demo\n    helm:\n      values: |\n        v: inline\n        admin:\n          password: s3cr3t-Pa55!\n          passwordSecret: admin-credentials\n      valuesObject:\n        api:\n          key: \"{TOKEN}\"\n          url: postgresql://u:$(DB_PASSWORD)@db/x\n"
            ),
        ),
    );
}

/// (rule, app, file:line) of every finding that counts, from `-o json`.
fn findings(out: &Output) -> Vec<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let mut got: Vec<_> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] != "info" && f["skipped"].is_null())
        .map(|f| {
            let loc = &f["location"];
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["app"].as_str().unwrap_or("").to_string(),
                format!(
                    "{}:{}",
                    loc["file"].as_str().unwrap_or(""),
                    loc["line"].as_u64().unwrap_or(0)
                ),
            )
        })
        .collect();
    got.sort();
    got
}

fn check(root: &Path, args: &[&str]) -> Output {
    let repo = format!("{VALUES_URL}={}", root.join("../values-repo").display());
    let mut all = vec!["check", "--repo", repo.as_str(), "-o", "json"];
    all.extend_from_slice(args);
    capstan(&all, root)
}

#[test]
fn secrets_come_from_exactly_the_value_files_the_render_read() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("primary");
    fixture(&root);
    let out = check(&root, &["environments/dev/apps"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let t = |rule: &str, app: &str, at: &str| (rule.to_string(), app.to_string(), at.to_string());
    assert_eq!(
        findings(&out),
        vec![
            t("secret-name", "envapp", "values/env-envapp.yaml:3"),
            t("secret-name", "glob", "values/glob/b.yaml:3"),
            t(
                "secret-name",
                "inline",
                "environments/dev/apps/inline.yaml:15"
            ),
            t(
                "secret-token",
                "inline",
                "environments/dev/apps/inline.yaml:19"
            ),
            t(
                "secret-token",
                "refapp",
                "https://example.com/org/values.git@v1:prod/values.yaml:2"
            ),
            t("secret-token", "refapp", "values/self.yaml:3"),
        ],
        "{}",
        text(&out.stdout)
    );
    let all = text(&out.stdout);
    for secret in [
        "Tr0ub4dor",
        "Zx9!kq7",
        "s3cr3t",
        TOKEN,
        "AKIAABCDEFGHIJKLMNOP",
    ] {
        assert!(!all.contains(secret), "{secret} is masked: {all}");
    }
}

#[test]
fn the_same_apps_without_secrets_pass() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("primary");
    fixture(&root);
    // The read files cleaned; the unread ones keep their secrets.
    write(
        &root,
        "values/glob/b.yaml",
        "db:\n  passwordSecretName: db\n",
    );
    write(&root, "values/env-envapp.yaml", "smtp:\n  password: \"\"\n");
    write(&root, "values/self.yaml", "aws:\n  region: eu\n");
    write(
        &root,
        "../values-repo/prod/values.yaml",
        "api:\n  tokenSecretName: api-token\n",
    );
    let inline = root.join("environments/dev/apps/inline.yaml");
    let t = std::fs::read_to_string(&inline).expect("inline");
    std::fs::write(
        &inline,
        t.replace("password: s3cr3t-Pa55!", "password: $(ADMIN_PASSWORD)")
            .replace(&format!("key: \"{TOKEN}\""), "keyRef: api-key"),
    )
    .expect("inline");
    let out = check(&root, &["environments/dev/apps", "--fail-on", "warning"]);
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(findings(&out), vec![]);
}

/// A directory app of Secrets and a ConfigMap with switches.
fn switches_fixture(root: &Path, config: &str) {
    write(root, "capstan.yaml", &format!("repoURL: {URL}\n{config}"));
    let secret = |name: &str, annotations: &str| {
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  annotations:\n    {annotations}\nstringData:\n  TOKEN: Tr0ub4dor&3\n"
        )
    };
    write(root, "manifests/plain/a.yaml", &secret("a", "team: x"));
    write(
        root,
        "manifests/plain/b.yaml",
        &secret(
            "b",
            "check.capstan.dev/skip-secret-data: a test fixture, not a credential",
        ),
    );
    write(root, "manifests/plain/c.yaml", &secret("c", "team: x"));
    write(
        root,
        "manifests/plain/d.yaml",
        &secret("d", "check.capstan.dev/skip-secret-data: \" \""),
    );
    write(
        root,
        "manifests/plain/e.yaml",
        &secret("e", "check.capstan.dev/skip-secret-date: typo"),
    );
    write(
        root,
        "environments/dev/apps/plain.yaml",
        &app(
            "plain",
            &format!("  source:\n    repoURL: {URL}\n    path: manifests/plain\n"),
        ),
    );
}

#[test]
fn resources_switch_rules_off_by_annotation_and_capstan_yaml() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("primary");
    switches_fixture(
        &root,
        "check:\n  skip:\n    - rule: secret-data\n      apps: plain\n      resource: {kind: Secret, namespace: dev, name: a}\n      reason: rotated test value\n",
    );
    let out = check(&root, &["environments/dev/apps/plain.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let t = |rule: &str, at: &str| (rule.to_string(), "plain".to_string(), at.to_string());
    // a and b are switched off; c (near miss of the selector), d (no
    // reason) and e (unknown rule) are not.
    assert_eq!(
        findings(&out),
        vec![
            t("secret-data", "manifests/plain/c.yaml:8"),
            t("secret-data", "manifests/plain/d.yaml:8"),
            t("secret-data", "manifests/plain/e.yaml:8"),
            t("skip-without-reason", "manifests/plain/d.yaml:6"),
            t("unknown-rule", "manifests/plain/e.yaml:6"),
        ],
        "{}",
        text(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let skipped: Vec<(String, String)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| {
            Some((
                f["resource"].as_str()?.to_string(),
                f["skipped"].as_str()?.to_string(),
            ))
        })
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].0 == "Secret dev/a"
            && skipped[0].1.contains("rotated test value")
            && skipped[0].1.contains("capstan.yaml check.skip[0]"),
        "{skipped:?}"
    );
    assert!(
        skipped[1].0 == "Secret dev/b"
            && skipped[1].1.contains("a test fixture, not a credential")
            && skipped[1].1.contains("manifests/plain/b.yaml:6"),
        "{skipped:?}"
    );
    // Human output and SARIF show the reasons too.
    let human = capstan(&["check", "environments/dev/apps/plain.yaml"], &root);
    let h = text(&human.stdout);
    assert!(h.contains("switched off: rotated test value"), "{h}");
    assert!(h.contains("switched off: a test fixture"), "{h}");
    let sarif = capstan(
        &["check", "environments/dev/apps/plain.yaml", "-o", "sarif"],
        &root,
    );
    let s: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    let justifications: Vec<&str> = s["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["suppressions"][0]["justification"].as_str())
        .collect();
    assert_eq!(justifications.len(), 2, "{justifications:?}");
}

#[test]
fn bad_skip_entries_in_capstan_yaml_are_refused() {
    for (config, want) in [
        (
            "check:\n  skip:\n    - rule: secret-data\n      resource: {kind: Secret, nmae: a}\n      reason: r\n",
            "check.skip[0]: resource.nmae: unknown field",
        ),
        (
            "check:\n  skip:\n    - rule: secret-data\n      resource: {}\n      reason: r\n",
            "name at least one of kind, namespace, name",
        ),
        (
            "check:\n  skip:\n    - rule: secret-data\n      kind: Secret\n      reason: r\n",
            "check.skip[0]: kind: unknown field",
        ),
        (
            "check:\n  skip:\n    - rule: secret-data\n      reason: [r]\n",
            "reason: expected a string",
        ),
    ] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("primary");
        switches_fixture(&root, config);
        let out = check(&root, &["environments/dev/apps/plain.yaml"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{config}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(want),
            "{config}: {}",
            text(&out.stderr)
        );
    }
    // A reason-less or unknown-rule entry is a finding, not a refusal.
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("primary");
    switches_fixture(
        &root,
        "check:\n  skip:\n    - rule: secret-data\n      resource: {name: a}\n    - rule: secrets\n      reason: r\n",
    );
    let out = check(&root, &["environments/dev/apps/plain.yaml"]);
    let got: Vec<String> = findings(&out).into_iter().map(|f| f.0).collect();
    assert_eq!(
        got.iter().filter(|r| *r == "skip-without-reason").count(),
        2,
        "{got:?}"
    );
    assert_eq!(
        got.iter().filter(|r| *r == "unknown-rule").count(),
        2,
        "{got:?}"
    );
    assert_eq!(
        got.iter().filter(|r| *r == "secret-data").count(),
        4,
        "{got:?}"
    );
}

#[test]
fn warnings_fail_the_run_only_with_fail_on_warning() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("primary");
    fixture(&root);
    // envapp's only finding is a secret-name warning.
    let app = "environments/dev/apps/envapp.yaml";
    let out = check(&root, &[app]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(findings(&out).len(), 1);
    let out = check(&root, &[app, "--fail-on", "warning"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
}

#[test]
fn chart_defaults_are_scanned_once_per_file_whatever_the_number_of_apps() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("primary");
    write(&root, "capstan.yaml", &format!("repoURL: {URL}\n"));
    write(
        &root,
        "charts/demo/Chart.yaml",
        "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
    );
    write(
        &root,
        "charts/demo/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
    );
    // The chart's defaults and a subchart vendored as a folder hold secrets.
    write(
        &root,
        "charts/demo/values.yaml",
        "image: demo\nadmin:\n  password: Zq8!mW3#pL\n",
    );
    write(
        &root,
        "charts/demo/charts/sub/Chart.yaml",
        "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    );
    write(
        &root,
        "charts/demo/charts/sub/values.yaml",
        &format!("api:\n  token: {TOKEN}\n"),
    );
    // Near misses: a values.yaml that is not a chart's, and a chart no app uses.
    write(
        &root,
        "charts/demo/files/values.yaml",
        &format!("token: {TOKEN}\n"),
    );
    write(
        &root,
        "charts/unused/Chart.yaml",
        "apiVersion: v2\nname: unused\nversion: 0.1.0\n",
    );
    write(
        &root,
        "charts/unused/values.yaml",
        &format!("token: {TOKEN}\n"),
    );
    for name in ["a", "b", "c"] {
        write(
            &root,
            &format!("environments/dev/apps/{name}.yaml"),
            &app(
                name,
                &format!("  source:\n    repoURL: {URL}\n    path: charts/demo\n"),
            ),
        );
    }
    let out = check(&root, &["environments/dev/apps"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let t = |rule: &str, app: &str, at: &str| (rule.to_string(), app.to_string(), at.to_string());
    assert_eq!(
        findings(&out),
        vec![
            t("secret-name", "a", "charts/demo/values.yaml:3"),
            t("secret-token", "a", "charts/demo/charts/sub/values.yaml:2"),
        ],
        "{}",
        text(&out.stdout)
    );
    assert!(!text(&out.stdout).contains("Zq8!mW3"));
}
