//! Test fixtures for chart repositories: a tiny chart packed as Helm
//! packages it, and a local HTTP server (std::net, one thread) serving
//! fixed responses by path — an `index.yaml` with archives, or the parts of
//! the OCI distribution API a Helm pull uses (`/v2/`, manifests by tag,
//! blobs by digest, `tags/list`). Used by capstan-source's and the CLI's
//! tests; it never listens beyond 127.0.0.1.
#![allow(dead_code)] // each test crate uses its own subset

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

/// sha256 of `data`, lower-case hex.
pub(crate) fn sha256(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The files of a small chart `name` at `version` (chart-relative paths).
pub(crate) fn chart_files(name: &str, version: &str) -> Vec<(String, String)> {
    vec![
        (
            "Chart.yaml".into(),
            format!("apiVersion: v2\nname: {name}\nversion: {version}\nappVersion: \"{version}\"\n"),
        ),
        (
            "values.yaml".into(),
            "greeting: hello\nreplicas: 2\n".into(),
        ),
        (".helmignore".into(), "*.bak\n".into()),
        ("notes.bak".into(), "ignored by .helmignore\n".into()),
        (
            "templates/configmap.yaml".into(),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\n  namespace: {{ .Release.Namespace }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n  version: {{ .Chart.Version | quote }}\n  replicas: {{ .Values.replicas | quote }}\n".into(),
        ),
    ]
}

/// Writes the chart's files under `dir` (a chart folder).
pub(crate) fn write_chart(dir: &std::path::Path, name: &str, version: &str) {
    for (path, text) in chart_files(name, version) {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}

/// The chart as a `.tgz` (entries under `name/`, as `helm package` writes).
pub(crate) fn chart_tgz(name: &str, version: &str) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (path, text) in chart_files(name, version) {
        if path.ends_with(".bak") {
            continue; // helm package applies .helmignore
        }
        let mut h = tar::Header::new_ustar();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_cksum();
        tar.append_data(&mut h, format!("{name}/{path}"), text.as_bytes())
            .expect("append");
    }
    let raw = tar.into_inner().expect("tar");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&raw).expect("gzip");
    gz.finish().expect("gzip")
}

/// One index entry: version, url as written in the index, digest (None:
/// the true digest of `data`; Some(""): no digest field).
pub(crate) struct IndexEntry<'a> {
    pub(crate) version: &'a str,
    pub(crate) url: String,
    pub(crate) data: &'a [u8],
    pub(crate) digest: Option<&'a str>,
}

/// An `index.yaml` for chart `name`.
pub(crate) fn index_yaml(name: &str, entries: &[IndexEntry<'_>]) -> String {
    let mut s = format!("apiVersion: v1\nentries:\n  {name}:\n");
    for e in entries {
        s.push_str(&format!(
            "  - apiVersion: v2\n    name: {name}\n    version: {}\n    created: \"2026-01-01T00:00:00Z\"\n    urls:\n    - {}\n",
            e.version, e.url
        ));
        match e.digest {
            None => s.push_str(&format!("    digest: {}\n", sha256(e.data))),
            Some("") => {}
            Some(d) => s.push_str(&format!("    digest: {d}\n")),
        }
    }
    s.push_str("generated: \"2026-01-01T00:00:00Z\"\n");
    s
}

/// A fixed response.
#[derive(Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }
}

/// A local HTTP server answering GET/HEAD by path (query ignored).
pub(crate) struct Server {
    pub(crate) port: u16,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    /// Path → the `Authorization` header it requires.
    guards: Arc<Mutex<HashMap<String, String>>>,
    hits: Arc<AtomicUsize>,
    /// 304 answers given (a request's If-None-Match equal to the ETag).
    not_modified: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub(crate) fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let guards: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let hits = Arc::new(AtomicUsize::new(0));
        let not_modified = Arc::new(AtomicUsize::new(0));
        let nm = not_modified.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let (r, g, h, s) = (routes.clone(), guards.clone(), hits.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                h.fetch_add(1, Ordering::SeqCst);
                let (routes, guards, nm) = (r.clone(), g.clone(), nm.clone());
                std::thread::spawn(move || serve(conn, &routes, &guards, &nm));
            }
        });
        Server {
            port,
            routes,
            guards,
            hits,
            not_modified,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub(crate) fn route(&self, path: &str, reply: Reply) {
        self.routes
            .lock()
            .expect("lock")
            .insert(path.to_string(), reply);
    }

    /// Makes `path` answer 401 unless the request carries `authorization`.
    pub(crate) fn guard(&self, path: &str, authorization: &str) {
        self.guards
            .lock()
            .expect("lock")
            .insert(path.to_string(), authorization.to_string());
    }

    /// 304 Not Modified answers so far.
    pub(crate) fn not_modified(&self) -> usize {
        self.not_modified.load(Ordering::SeqCst)
    }

    /// Connections accepted so far.
    pub(crate) fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// Stops listening: later connections are refused.
    pub(crate) fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Serves a Helm chart as an OCI artifact at `repository:tag`.
    pub(crate) fn oci_chart(&self, repository: &str, tag: &str, tgz: &[u8]) {
        let config = br#"{"name":"demo","version":"0"}"#.to_vec();
        let (cd, ld) = (sha256(&config), sha256(tgz));
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"sha256:{cd}","size":{}}},"layers":[{{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","digest":"sha256:{ld}","size":{}}}]}}"#,
            config.len(),
            tgz.len()
        );
        let md = sha256(manifest.as_bytes());
        self.route("/v2/", Reply::ok("application/json", "{}"));
        let mut reply = Reply::ok(
            "application/vnd.oci.image.manifest.v1+json",
            manifest.into_bytes(),
        );
        reply
            .headers
            .push(("Docker-Content-Digest".into(), format!("sha256:{md}")));
        self.route(
            &format!("/v2/{repository}/manifests/{}", tag.replace('+', "_")),
            reply,
        );
        self.route(
            &format!("/v2/{repository}/blobs/sha256:{cd}"),
            Reply::ok("application/octet-stream", config),
        );
        self.route(
            &format!("/v2/{repository}/blobs/sha256:{ld}"),
            Reply::ok("application/octet-stream", tgz.to_vec()),
        );
    }

    /// Serves `tags` as the tag list of `repository`.
    pub(crate) fn oci_tags(&self, repository: &str, tags: &[&str]) {
        let tags: Vec<String> = tags
            .iter()
            .map(|t| format!("{:?}", t.replace('+', "_")))
            .collect();
        self.route(
            &format!("/v2/{repository}/tags/list"),
            Reply::ok(
                "application/json",
                format!(r#"{{"name":"{repository}","tags":[{}]}}"#, tags.join(",")),
            ),
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(
    mut conn: TcpStream,
    routes: &Mutex<HashMap<String, Reply>>,
    guards: &Mutex<HashMap<String, String>>,
    not_modified: &AtomicUsize,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 1 << 20 {
            return;
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut parts = head.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("");
    let path = target.split('?').next().unwrap_or("").to_string();
    let mut reply = routes.lock().expect("lock").get(&path).cloned();
    if let Some(want) = guards.lock().expect("lock").get(&path) {
        let sent = head.lines().any(|l| {
            l.split_once(':')
                .is_some_and(|(k, v)| k.eq_ignore_ascii_case("authorization") && v.trim() == want)
        });
        if !sent {
            reply = Some(Reply {
                status: 401,
                headers: Vec::new(),
                body: b"unauthorized".to_vec(),
            });
        }
    }
    let mut reply = reply.unwrap_or(Reply {
        status: 404,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: b"not found".to_vec(),
    });
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    let etag = reply
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("etag"))
        .map(|(_, v)| v.clone());
    if reply.status == 200 && etag.is_some() && header("if-none-match") == etag {
        not_modified.fetch_add(1, Ordering::SeqCst);
        reply = Reply {
            status: 304,
            headers: Vec::new(),
            body: Vec::new(),
        };
    }
    let reason = match reply.status {
        200 => "OK",
        304 => "Not Modified",
        404 => "Not Found",
        _ => "Error",
    };
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", reply.status);
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    let mut bytes = out.into_bytes();
    if method != "HEAD" {
        bytes.extend_from_slice(&reply.body);
    }
    let _ = conn.write_all(&bytes);
    let _ = conn.flush();
}
