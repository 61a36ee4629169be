//! Charts from HTTP chart repositories, OCI registries and mirror folders,
//! fetched by `ChartFetcher` from a local server the test starts, with a
//! temporary cache folder: version selection, URLs, digests, the cache
//! (with the server stopped), offline errors and mirrors.

mod chart_server;

use std::path::Path;

use capstan_source::charts::{ChartFetcher, ChartFiles, FetchOptions};
use capstan_source::{ChartRepository, ChartRequest, FetchError};
use chart_server::{IndexEntry, Reply, Server, chart_tgz, index_yaml, write_chart};

fn fetcher(cache: &Path, offline: bool) -> ChartFetcher {
    ChartFetcher::new(FetchOptions {
        cache_dir: Some(cache.to_path_buf()),
        offline,
        mirrors: Vec::new(),
    })
}

fn request<'a>(repo_url: &'a str, chart: &'a str, version: &'a str) -> ChartRequest<'a> {
    ChartRequest {
        app: "web",
        repo_url,
        chart,
        version,
    }
}

/// The `version:` of the fetched chart's Chart.yaml.
fn version_of(files: &ChartFiles) -> String {
    let (_, data) = files
        .iter()
        .find(|(n, _)| n == "Chart.yaml")
        .expect("Chart.yaml in the chart");
    let text = String::from_utf8_lossy(data);
    text.lines()
        .find_map(|l| l.strip_prefix("version: "))
        .expect("version line")
        .to_string()
}

fn message(e: FetchError) -> String {
    match e {
        FetchError::Failed(m) | FetchError::Unsupported(m) => m,
    }
}

/// A repository at `/charts` with demo 1.0.0 (relative url), 1.1.0
/// (absolute url elsewhere on the server), 1.2.0-rc.1 (relative, in a
/// subfolder) and 2.0.0 (no digest field).
fn http_repo() -> Server {
    let server = Server::start();
    let v100 = chart_tgz("demo", "1.0.0");
    let v110 = chart_tgz("demo", "1.1.0");
    let v120rc = chart_tgz("demo", "1.2.0-rc.1");
    let v200 = chart_tgz("demo", "2.0.0");
    let index = index_yaml(
        "demo",
        &[
            IndexEntry {
                version: "2.0.0",
                url: "demo-2.0.0.tgz".into(),
                data: &v200,
                digest: Some(""),
            },
            IndexEntry {
                version: "1.2.0-rc.1",
                url: "pre/demo-1.2.0-rc.1.tgz".into(),
                data: &v120rc,
                digest: None,
            },
            IndexEntry {
                version: "1.1.0",
                url: format!("{}/elsewhere/demo-1.1.0.tgz", server.url()),
                data: &v110,
                digest: None,
            },
            IndexEntry {
                version: "1.0.0",
                url: "demo-1.0.0.tgz".into(),
                data: &v100,
                digest: None,
            },
        ],
    );
    server.route("/charts/index.yaml", Reply::ok("text/yaml", index));
    let tgz = "application/gzip";
    server.route("/charts/demo-1.0.0.tgz", Reply::ok(tgz, v100));
    server.route("/elsewhere/demo-1.1.0.tgz", Reply::ok(tgz, v110));
    server.route("/charts/pre/demo-1.2.0-rc.1.tgz", Reply::ok(tgz, v120rc));
    server.route("/charts/demo-2.0.0.tgz", Reply::ok(tgz, v200));
    server
}

#[test]
fn versions_are_chosen_as_helm_chooses() {
    let server = http_repo();
    let cache = tempfile::tempdir().expect("tempdir");
    let mut f = fetcher(cache.path(), false);
    let repo = format!("{}/charts", server.url());
    let pick =
        |f: &mut ChartFetcher, v: &str| version_of(&f.fetch(&request(&repo, "demo", v)).expect(v));
    // Exact, relative URL.
    assert_eq!(pick(&mut f, "1.0.0"), "1.0.0");
    // Ranges (Masterminds): the highest match, prereleases only when asked.
    assert_eq!(pick(&mut f, "^1.0.0"), "1.1.0"); // absolute URL
    assert_eq!(pick(&mut f, "~1.0"), "1.0.0");
    assert_eq!(pick(&mut f, ">=1.2.0-0 <2.0.0"), "1.2.0-rc.1"); // relative, subfolder
    // Latest stable: empty and `*`; 2.0.0 has no digest in the index.
    assert_eq!(pick(&mut f, ""), "2.0.0");
    assert_eq!(pick(&mut f, "*"), "2.0.0");
    // A trailing slash on the repository URL changes nothing.
    let slash = format!("{repo}/");
    let files = f.fetch(&request(&slash, "demo", "1.0.0")).expect("slash");
    assert_eq!(version_of(&files), "1.0.0");
    // The archive went through Helm's reader: the top folder is gone.
    assert!(files.iter().any(|(n, _)| n == "templates/configmap.yaml"));
}

#[test]
fn index_problems_are_named() {
    let server = http_repo();
    let cache = tempfile::tempdir().expect("tempdir");
    let mut f = fetcher(cache.path(), false);
    let repo = format!("{}/charts", server.url());
    let e = message(
        f.fetch(&request(&repo, "nope", "1.0.0"))
            .expect_err("no chart"),
    );
    assert!(e.contains("chart \"nope\" not found in"), "{e}");
    assert!(
        e.contains("index.yaml") && e.contains("it lists: demo"),
        "{e}"
    );
    assert!(
        e.starts_with(&format!("chart nope 1.0.0 from {repo}:")),
        "{e}"
    );

    let e = message(
        f.fetch(&request(&repo, "demo", "^3.0"))
            .expect_err("no match"),
    );
    assert!(e.contains("no version of chart \"demo\""), "{e}");
    assert!(e.contains("matches \"^3.0\""), "{e}");
    assert!(e.contains("2.0.0, 1.2.0-rc.1, 1.1.0, 1.0.0"), "{e}");

    server.route(
        "/bad/index.yaml",
        Reply::ok(
            "text/yaml",
            "apiVersion: v1\nentries:\n  demo: [\n    {name: demo\n",
        ),
    );
    let bad = format!("{}/bad", server.url());
    let e = message(
        f.fetch(&request(&bad, "demo", "1.0.0"))
            .expect_err("bad index"),
    );
    assert!(
        e.contains(&format!("{bad}/index.yaml: invalid index:")),
        "{e}"
    );
    assert!(e.contains("line "), "{e}");

    let gone = format!("{}/missing", server.url());
    let e = message(f.fetch(&request(&gone, "demo", "1.0.0")).expect_err("404"));
    assert!(e.contains("HTTP 404"), "{e}");
    assert!(e.contains("it has no index.yaml"), "{e}");
}

#[test]
fn an_unchanged_index_is_not_downloaded_again() {
    let server = http_repo();
    let repo = format!("{}/charts", server.url());
    let data = chart_tgz("demo", "1.0.0");
    let index = index_yaml(
        "demo",
        &[IndexEntry {
            version: "1.0.0",
            url: "demo-1.0.0.tgz".into(),
            data: &data,
            digest: None,
        }],
    );
    let mut reply = Reply::ok("text/yaml", index);
    reply.headers.push(("ETag".into(), "\"v1\"".into()));
    server.route("/charts/index.yaml", reply);
    let cache = tempfile::tempdir().expect("tempdir");
    for _ in 0..2 {
        let files = fetcher(cache.path(), false)
            .fetch(&request(&repo, "demo", "^1.0"))
            .expect("range");
        assert_eq!(version_of(&files), "1.0.0");
    }
    assert_eq!(server.not_modified(), 1, "the second run got a 304");
}

#[test]
fn a_digest_mismatch_is_refused_and_not_cached() {
    let server = Server::start();
    let data = chart_tgz("demo", "1.0.0");
    let wrong = "0".repeat(64);
    let index = index_yaml(
        "demo",
        &[IndexEntry {
            version: "1.0.0",
            url: "demo-1.0.0.tgz".into(),
            data: &data,
            digest: Some(&wrong),
        }],
    );
    server.route("/index.yaml", Reply::ok("text/yaml", index));
    server.route("/demo-1.0.0.tgz", Reply::ok("application/gzip", data));
    let cache = tempfile::tempdir().expect("tempdir");
    let mut f = fetcher(cache.path(), false);
    let e = message(
        f.fetch(&request(&server.url(), "demo", "1.0.0"))
            .expect_err("mismatch"),
    );
    assert!(e.contains("digest mismatch"), "{e}");
    assert!(e.contains(&wrong), "{e}");
    let blobs = cache.path().join("charts/blobs/sha256");
    let stored = std::fs::read_dir(&blobs).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "a refused archive is not cached");
}

#[test]
fn the_cache_serves_a_second_run_with_the_server_stopped() {
    let mut server = http_repo();
    let cache = tempfile::tempdir().expect("tempdir");
    let repo = format!("{}/charts", server.url());
    {
        let mut f = fetcher(cache.path(), false);
        f.fetch(&request(&repo, "demo", "1.0.0")).expect("exact");
        f.fetch(&request(&repo, "demo", "^1.0")).expect("range");
    }
    // Online, an exact cached version needs no request at all.
    let before = server.hits();
    let mut f = fetcher(cache.path(), false);
    let files = f.fetch(&request(&repo, "demo", "1.0.0")).expect("cached");
    assert_eq!(version_of(&files), "1.0.0");
    assert_eq!(
        server.hits(),
        before,
        "no network for a cached exact version"
    );

    // An outage (HTTP 5xx) falls back to the cached index; a 404 would not.
    server.route(
        "/charts/index.yaml",
        Reply {
            status: 503,
            headers: Vec::new(),
            body: b"down".to_vec(),
        },
    );
    let mut f = fetcher(cache.path(), false);
    assert_eq!(
        version_of(&f.fetch(&request(&repo, "demo", "^1.0")).expect("503")),
        "1.1.0"
    );

    server.stop();
    // Unreachable: the exact version and the range resolve from the cache.
    let mut f = fetcher(cache.path(), false);
    assert_eq!(
        version_of(&f.fetch(&request(&repo, "demo", "1.0.0")).expect("exact")),
        "1.0.0"
    );
    assert_eq!(
        version_of(&f.fetch(&request(&repo, "demo", "^1.0")).expect("range")),
        "1.1.0"
    );
    // A version never downloaded: a clear error naming what is missing.
    let e = message(
        f.fetch(&request(&repo, "demo", "2.0.0"))
            .expect_err("not cached"),
    );
    assert!(
        e.starts_with(&format!("chart demo 2.0.0 from {repo}:")),
        "{e}"
    );
    assert!(e.contains("cannot download"), "{e}");
    assert!(e.contains("demo-2.0.0.tgz"), "{e}");
    assert!(e.contains("the archive is not in the cache"), "{e}");

    // Offline mode behaves the same without trying the network.
    let mut f = fetcher(cache.path(), true);
    assert_eq!(
        version_of(&f.fetch(&request(&repo, "demo", "~1.1")).expect("offline")),
        "1.1.0"
    );
}

#[test]
fn a_corrupt_cache_entry_is_fetched_again() {
    let server = http_repo();
    let cache = tempfile::tempdir().expect("tempdir");
    let repo = format!("{}/charts", server.url());
    fetcher(cache.path(), false)
        .fetch(&request(&repo, "demo", "1.0.0"))
        .expect("first");
    let blobs = cache.path().join("charts/blobs/sha256");
    for e in std::fs::read_dir(&blobs).expect("blobs") {
        std::fs::write(e.expect("entry").path(), b"garbage").expect("corrupt");
    }
    let files = fetcher(cache.path(), false)
        .fetch(&request(&repo, "demo", "1.0.0"))
        .expect("refetched");
    assert_eq!(version_of(&files), "1.0.0");
}

#[test]
fn offline_without_a_cache_entry_says_what_is_missing() {
    let mut server = http_repo();
    let repo = format!("{}/charts", server.url());
    let cache = tempfile::tempdir().expect("tempdir");
    let e = message(
        fetcher(cache.path(), true)
            .fetch(&request(&repo, "demo", "^1.0"))
            .expect_err("offline"),
    );
    assert!(
        e.starts_with(&format!("chart demo ^1.0 from {repo}:")),
        "{e}"
    );
    assert!(e.contains("offline"), "{e}");
    assert!(
        e.contains(&format!(
            "offline (--offline or CAPSTAN_OFFLINE), and {repo}/index.yaml is not in the cache"
        )),
        "{e}"
    );
    assert!(e.contains(&cache.path().display().to_string()), "{e}");
    assert_eq!(server.hits(), 0);

    server.stop();
    let e = message(
        fetcher(cache.path(), false)
            .fetch(&request(&repo, "demo", "1.0.0"))
            .expect_err("unreachable"),
    );
    assert!(
        e.contains(&format!("cannot reach {repo}/index.yaml (")),
        "{e}"
    );
    assert!(e.contains("its index is not in the cache"), "{e}");
}

#[test]
fn oci_charts_are_pulled_by_tag_and_range() {
    let mut server = Server::start();
    let host = format!("localhost:{}", server.port);
    server.oci_chart("charts/demo", "1.0.0", &chart_tgz("demo", "1.0.0"));
    server.oci_chart(
        "charts/demo",
        "1.1.0+build.1",
        &chart_tgz("demo", "1.1.0+build.1"),
    );
    server.oci_chart(
        "charts/demo",
        "2.0.0-rc.1",
        &chart_tgz("demo", "2.0.0-rc.1"),
    );
    server.oci_tags(
        "charts/demo",
        &["1.0.0", "1.1.0+build.1", "2.0.0-rc.1", "latest"],
    );
    let cache = tempfile::tempdir().expect("tempdir");
    let mut f = fetcher(cache.path(), false);
    for (url, v, want) in [
        (format!("{host}/charts"), "1.0.0", "1.0.0"),
        (format!("oci://{host}/charts"), "^1.0", "1.1.0+build.1"),
        (format!("oci://{host}/charts/"), "", "1.1.0+build.1"),
        (format!("{host}/charts"), ">=2.0.0-0", "2.0.0-rc.1"),
    ] {
        let files = f.fetch(&request(&url, "demo", v)).expect(v);
        assert_eq!(version_of(&files), want, "{url} {v}");
    }
    let e = message(
        f.fetch(&request(&format!("{host}/charts"), "demo", "3.0.0"))
            .expect_err("no such tag"),
    );
    assert!(e.contains("chart demo 3.0.0 from"), "{e}");
    assert!(e.contains("demo:3.0.0: no such tag in the registry"), "{e}");
    assert!(
        e.contains("available: 2.0.0-rc.1, 1.1.0+build.1, 1.0.0"),
        "{e}"
    );

    // Registry gone: exact and range from the cache (tags are cached too).
    server.stop();
    let mut f = fetcher(cache.path(), false);
    let files = f
        .fetch(&request(&format!("oci://{host}/charts"), "demo", "^1.0"))
        .expect("cached range");
    assert_eq!(version_of(&files), "1.1.0+build.1");
    let files = f
        .fetch(&request(&format!("{host}/charts"), "demo", "1.0.0"))
        .expect("cached exact");
    assert_eq!(version_of(&files), "1.0.0");
}

#[test]
fn mirror_folders_serve_chart_folders_archives_and_indexes() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A folder of chart folders and archives.
    let plain = dir.path().join("plain");
    write_chart(&plain.join("demo"), "demo", "1.0.0");
    write_chart(&plain.join("other"), "other", "9.9.9");
    std::fs::write(plain.join("demo-1.5.0.tgz"), chart_tgz("demo", "1.5.0")).expect("tgz");
    std::fs::write(
        plain.join("demo-2.0.0-rc.1.tgz"),
        chart_tgz("demo", "2.0.0-rc.1"),
    )
    .expect("tgz");
    // A copy of a repository: index.yaml and archives beside it.
    let copy = dir.path().join("copy");
    std::fs::create_dir_all(copy.join("sub")).expect("mkdir");
    let a = chart_tgz("demo", "3.0.0");
    let b = chart_tgz("demo", "3.1.0");
    std::fs::write(copy.join("sub/demo-3.0.0.tgz"), &a).expect("write");
    std::fs::write(copy.join("demo-3.1.0.tgz"), &b).expect("write");
    let index = index_yaml(
        "demo",
        &[
            IndexEntry {
                version: "3.0.0",
                url: "sub/demo-3.0.0.tgz".into(),
                data: &a,
                digest: None,
            },
            IndexEntry {
                version: "3.1.0",
                url: "https://charts.example.com/x/demo-3.1.0.tgz".into(),
                data: &b,
                digest: None,
            },
        ],
    );
    std::fs::write(copy.join("index.yaml"), index).expect("index");

    let cache = tempfile::tempdir().expect("tempdir");
    let mut f = ChartFetcher::new(FetchOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        offline: true,
        mirrors: vec![
            ("https://charts.example.com/plain".into(), plain.clone()),
            ("oci://registry.example.com/copy".into(), copy.clone()),
        ],
    });
    let plain_url = "https://charts.example.com/plain/";
    let copy_url = "registry.example.com/copy";
    let pick = |f: &mut ChartFetcher, url: &str, v: &str| {
        version_of(&f.fetch(&request(url, "demo", v)).expect(v))
    };
    assert_eq!(pick(&mut f, plain_url, "1.0.0"), "1.0.0"); // folder
    assert_eq!(pick(&mut f, plain_url, "^1.0"), "1.5.0"); // archive
    assert_eq!(pick(&mut f, plain_url, ""), "1.5.0"); // no prerelease
    assert_eq!(pick(&mut f, copy_url, "3.0.0"), "3.0.0"); // relative url
    assert_eq!(pick(&mut f, copy_url, "*"), "3.1.0"); // absolute url, by name
    // A chart folder is served whole; .helmignore applies when it loads.
    let files = f
        .fetch(&request(plain_url, "demo", "1.0.0"))
        .expect("folder");
    assert!(files.iter().any(|(n, _)| n == ".helmignore"));
    let e = message(
        f.fetch(&request(plain_url, "missing", "1.0.0"))
            .expect_err("missing"),
    );
    assert!(e.contains("not found in the mirror folder"), "{e}");
    let e = message(
        f.fetch(&request(copy_url, "demo", "^4"))
            .expect_err("no match"),
    );
    assert!(e.contains("no version of chart \"demo\""), "{e}");
    assert!(e.contains("index.yaml"), "{e}");
    // A mirror's index digests are checked too.
    let tampered = dir.path().join("tampered");
    std::fs::create_dir_all(&tampered).expect("mkdir");
    std::fs::write(tampered.join("demo-3.0.0.tgz"), &a).expect("write");
    let wrong = "f".repeat(64);
    let index = index_yaml(
        "demo",
        &[IndexEntry {
            version: "3.0.0",
            url: "demo-3.0.0.tgz".into(),
            data: &a,
            digest: Some(&wrong),
        }],
    );
    std::fs::write(tampered.join("index.yaml"), index).expect("index");
    let mut t = ChartFetcher::new(FetchOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        offline: true,
        mirrors: vec![("https://t.example.com".into(), tampered)],
    });
    let e = message(
        t.fetch(&request("https://t.example.com", "demo", "3.0.0"))
            .expect_err("tampered"),
    );
    assert!(e.contains("digest mismatch"), "{e}");
    // Nothing was written to the cache for mirrors.
    assert!(!cache.path().join("charts").exists());
}

#[test]
fn credentials_in_the_url_are_basic_auth_and_never_shown() {
    let server = http_repo();
    // base64("me:secret")
    server.guard("/charts/index.yaml", "Basic bWU6c2VjcmV0");
    server.guard("/charts/demo-1.0.0.tgz", "Basic bWU6c2VjcmV0");
    let cache = tempfile::tempdir().expect("tempdir");
    let mut f = fetcher(cache.path(), false);
    let with = format!("http://me:secret@127.0.0.1:{}/charts", server.port);
    let files = f
        .fetch(&request(&with, "demo", "~1.0"))
        .expect("authorized");
    assert_eq!(version_of(&files), "1.0.0");
    let wrong = format!("http://me:guess@127.0.0.1:{}/charts", server.port);
    let e = message(
        fetcher(cache.path(), false)
            .fetch(&request(&wrong, "demo", "^1.0"))
            .expect_err("401"),
    );
    assert!(e.contains("HTTP 401"), "{e}");
    assert!(e.contains("me:***@"), "{e}");
    assert!(!e.contains("guess"), "{e}");
}

#[test]
fn other_url_schemes_are_unsupported() {
    let cache = tempfile::tempdir().expect("tempdir");
    let e = fetcher(cache.path(), false)
        .fetch(&request("s3://bucket/charts", "demo", "1.0.0"))
        .expect_err("s3");
    assert!(matches!(e, FetchError::Unsupported(_)), "{e:?}");
}
