//! `capstan render` of Applications whose Helm chart comes from an HTTP
//! chart repository, an OCI registry or a mirror folder: each renders byte
//! for byte as the same chart read from Git; a second run is served by the
//! cache with the server stopped; offline without a cache names the app,
//! the repository, the chart and the version, and the other apps still
//! render. Everything runs against a local server with a temporary cache.

#[path = "../../source/tests/chart_server/mod.rs"]
mod chart_server;

use std::path::Path;
use std::process::{Command, Output};

use chart_server::{IndexEntry, Reply, Server, chart_tgz, index_yaml, write_chart};

const FLEET: &str = "https://git.example.com/fleet.git";

fn app(name: &str, source: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n{source}    helm:\n      releaseName: demo\n      valuesObject:\n        greeting: hi\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: team\n"
    )
}

fn chart_source(repo_url: &str, version: &str) -> String {
    format!("    repoURL: {repo_url}\n    chart: demo\n    targetRevision: {version:?}\n")
}

/// Runs `capstan` in `dir` with `cache` as its cache folder.
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

/// A fleet repository: the chart in Git, Applications reading it from Git,
/// from the HTTP repository, from the registry and from two mirrors.
fn fleet(dir: &Path, server: &Server) {
    let http = format!("{}/charts", server.url());
    let oci = format!("localhost:{}/charts", server.port);
    write_chart(&dir.join("charts/demo"), "demo", "1.0.0");
    write_chart(&dir.join("mirror/demo"), "demo", "1.0.0");
    std::fs::write(
        dir.join("capstan.yaml"),
        format!(
            "repoURL: {FLEET}\nrepositories:\n- url: https://mirror.example.com/charts\n  path: mirror\n"
        ),
    )
    .expect("capstan.yaml");
    let apps = [
        (
            "from-git",
            format!("    repoURL: {FLEET}\n    targetRevision: main\n    path: charts/demo\n"),
        ),
        ("from-http", chart_source(&http, "^1.0")),
        ("from-oci", chart_source(&oci, "1.0.0")),
        (
            "from-config-mirror",
            chart_source("https://mirror.example.com/charts", "1.0.0"),
        ),
        (
            "from-flag-mirror",
            chart_source("https://flag.example.com/charts", ""),
        ),
    ];
    std::fs::create_dir_all(dir.join("apps")).expect("mkdir");
    for (name, source) in apps {
        std::fs::write(dir.join(format!("apps/{name}.yaml")), app(name, &source)).expect("app");
    }
}

fn serve_charts(server: &Server) {
    let v100 = chart_tgz("demo", "1.0.0");
    let v090 = chart_tgz("demo", "0.9.0");
    let rc = chart_tgz("demo", "1.1.0-rc.1");
    let index = index_yaml(
        "demo",
        &[
            IndexEntry {
                version: "1.1.0-rc.1",
                url: "demo-1.1.0-rc.1.tgz".into(),
                data: &rc,
                digest: None,
            },
            IndexEntry {
                version: "1.0.0",
                url: "demo-1.0.0.tgz".into(),
                data: &v100,
                digest: None,
            },
            IndexEntry {
                version: "0.9.0",
                url: "demo-0.9.0.tgz".into(),
                data: &v090,
                digest: None,
            },
        ],
    );
    server.route("/charts/index.yaml", Reply::ok("text/yaml", index));
    server.route(
        "/charts/demo-1.0.0.tgz",
        Reply::ok("application/gzip", v100.clone()),
    );
    server.route(
        "/charts/demo-0.9.0.tgz",
        Reply::ok("application/gzip", v090),
    );
    server.route(
        "/charts/demo-1.1.0-rc.1.tgz",
        Reply::ok("application/gzip", rc),
    );
    server.oci_chart("charts/demo", "1.0.0", &v100);
}

fn render_app(dir: &Path, cache: &Path, name: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "render",
        "apps",
        "--app",
        name,
        "--repo",
        "https://flag.example.com/charts=mirror",
    ];
    args.extend_from_slice(extra);
    capstan(dir, cache, &args)
}

#[test]
fn charts_from_repositories_render_as_the_same_chart_from_git() {
    let mut server = Server::start();
    serve_charts(&server);
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = tempfile::tempdir().expect("cache");
    fleet(dir.path(), &server);

    let git = render_app(dir.path(), cache.path(), "from-git", &[]);
    assert!(git.status.success(), "{}", text(&git.stderr));
    let expected = text(&git.stdout);
    assert!(expected.contains("greeting: \"hi\""), "{expected}");
    assert!(expected.contains("version: \"1.0.0\""), "{expected}");
    assert!(expected.contains("name: demo-demo"), "{expected}");
    for name in [
        "from-http",
        "from-oci",
        "from-config-mirror",
        "from-flag-mirror",
    ] {
        let out = render_app(dir.path(), cache.path(), name, &[]);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), expected, "{name}");
    }

    // The whole tree renders in one run too.
    let all = capstan(
        dir.path(),
        cache.path(),
        &[
            "render",
            "apps",
            "--repo",
            "https://flag.example.com/charts=mirror",
        ],
    );
    assert!(all.status.success(), "{}", text(&all.stderr));

    // Server gone: the cache serves the range and the tag, online or offline.
    server.stop();
    for extra in [&[][..], &["--offline"][..]] {
        for name in ["from-http", "from-oci"] {
            let out = render_app(dir.path(), cache.path(), name, extra);
            assert!(
                out.status.success(),
                "{name} {extra:?}: {}",
                text(&out.stderr)
            );
            assert_eq!(text(&out.stdout), expected, "{name} {extra:?}");
        }
    }
}

#[test]
fn offline_without_cache_names_the_app_and_the_rest_renders() {
    let server = Server::start();
    serve_charts(&server);
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = tempfile::tempdir().expect("empty cache");
    fleet(dir.path(), &server);
    let out = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .args([
            "render",
            "apps",
            "--output-dir",
            "out",
            "--repo",
            "https://flag.example.com/charts=mirror",
        ])
        .current_dir(dir.path())
        .env("CAPSTAN_CACHE_DIR", cache.path())
        .env("CAPSTAN_OFFLINE", "1")
        .output()
        .expect("capstan runs");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    let http = format!("{}/charts", server.url());
    assert!(
        err.contains(&format!(
            "application from-http: chart demo ^1.0 from {http}: offline (--offline or CAPSTAN_OFFLINE), and {http}/index.yaml is not in the cache"
        )),
        "{err}"
    );
    assert!(
        err.contains("application from-oci: chart demo 1.0.0 from localhost:"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "oci://localhost:{}/charts/demo:1.0.0 is not in the cache",
            server.port
        )),
        "{err}"
    );
    assert_eq!(server.hits(), 0, "offline never connects");
    // Git and mirrors need no network: those apps were written.
    for name in ["from-git", "from-config-mirror", "from-flag-mirror"] {
        let files = std::fs::read_dir(dir.path().join("out").join(name))
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(files, 1, "{name}");
    }
    assert!(!dir.path().join("out/from-http").exists());
}
