//! Network access for chart repositories: one small tokio runtime driving
//! reqwest (HTTP indexes and archives) and oci-client (registries), behind
//! blocking calls, because rendering is synchronous.
//!
//! TLS is rustls with ring's provider, installed once per process (reqwest
//! and oci-client are built without a provider of their own). Downloads are
//! read chunk by chunk against a size cap, so a hostile server cannot make
//! capstan buffer without bound. Failures say whether the server was
//! reachable at all (or answered with a server error): only then does a
//! cached copy stand in.

use std::sync::Once;
use std::time::Duration;

/// Time allowed to connect to a repository.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Time allowed for one whole request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// Why a download failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NetError {
    /// The server could not be reached (connection refused, DNS, timeout):
    /// a cached copy may stand in.
    pub(crate) unreachable: bool,
    /// The server answered that the thing asked for does not exist.
    pub(crate) not_found: bool,
    pub(crate) message: String,
}

/// Installs ring as rustls's process-wide crypto provider (once; a provider
/// installed earlier by someone else is kept).
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The runtime and HTTP client, created on first use.
#[derive(Debug, Default)]
pub(crate) struct Transport {
    state: Option<(tokio::runtime::Runtime, reqwest::Client)>,
}

impl Transport {
    fn state(&mut self) -> Result<&(tokio::runtime::Runtime, reqwest::Client), NetError> {
        // block_on inside a runtime would panic: say so instead.
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(NetError {
                unreachable: false,
                not_found: false,
                message: "chart fetching blocks; call it outside an async runtime (spawn_blocking)"
                    .into(),
            });
        }
        if self.state.is_none() {
            install_crypto_provider();
            let fail = |m: String| NetError {
                unreachable: false,
                not_found: false,
                message: m,
            };
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| fail(format!("cannot start the network runtime: {e}")))?;
            let client = reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(REQUEST_TIMEOUT)
                .user_agent(concat!("capstan/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| fail(format!("cannot build the HTTP client: {e}")))?;
            self.state = Some((rt, client));
        }
        self.state.as_ref().ok_or_else(|| NetError {
            unreachable: false,
            not_found: false,
            message: "network runtime missing".into(),
        })
    }

    /// Runs a future to completion on the runtime.
    pub(crate) fn block_on<F: Future>(&mut self, f: F) -> Result<F::Output, NetError> {
        let (rt, _) = self.state()?;
        Ok(rt.block_on(f))
    }

    /// GETs `url`, refusing bodies larger than `cap` bytes.
    pub(crate) fn get(&mut self, url: &str, cap: u64) -> Result<Vec<u8>, NetError> {
        match self.get_if_changed(url, cap, &Validators::default())? {
            Fetched::Body(body, _) => Ok(body),
            Fetched::NotModified => Err(NetError {
                unreachable: false,
                not_found: false,
                message: format!("GET {}: unexpected 304", crate::repos::redact(url)),
            }),
        }
    }

    /// GETs `url` unless it still matches `known` (a conditional GET with
    /// `If-None-Match` / `If-Modified-Since`; a 304 is `NotModified`).
    pub(crate) fn get_if_changed(
        &mut self,
        url: &str,
        cap: u64,
        known: &Validators,
    ) -> Result<Fetched, NetError> {
        let (rt, client) = self.state()?;
        let mut request = client.get(url);
        if let Some(etag) = &known.etag {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(date) = &known.last_modified {
            request = request.header(reqwest::header::IF_MODIFIED_SINCE, date);
        }
        rt.block_on(async move {
            let mut resp = request.send().await.map_err(request_error)?;
            let status = resp.status();
            if status == reqwest::StatusCode::NOT_MODIFIED
                && (known.etag.is_some() || known.last_modified.is_some())
            {
                return Ok(Fetched::NotModified);
            }
            let header = |name: reqwest::header::HeaderName| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let validators = Validators {
                etag: header(reqwest::header::ETAG),
                last_modified: header(reqwest::header::LAST_MODIFIED),
            };
            if !status.is_success() {
                // A server error is an outage (a cached copy may stand in);
                // a client error (404, 401) is an answer, reported as is.
                return Err(NetError {
                    unreachable: status.is_server_error(),
                    not_found: status == reqwest::StatusCode::NOT_FOUND,
                    message: format!("GET {}: HTTP {status}", crate::repos::redact(url)),
                });
            }
            if resp.content_length().is_some_and(|n| n > cap) {
                return Err(too_large(url, cap));
            }
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(request_error)? {
                if body.len() as u64 + chunk.len() as u64 > cap {
                    return Err(too_large(url, cap));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Fetched::Body(body, validators))
        })
    }
}

/// What identifies a version of a resource for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Validators {
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
}

/// The answer to a conditional GET.
#[derive(Debug)]
pub(crate) enum Fetched {
    Body(Vec<u8>, Validators),
    NotModified,
}

fn too_large(url: &str, cap: u64) -> NetError {
    NetError {
        unreachable: false,
        not_found: false,
        message: format!(
            "GET {}: response larger than {cap} bytes",
            crate::repos::redact(url)
        ),
    }
}

/// A reqwest error, with the whole chain of causes (reqwest's own text
/// says only "error sending request").
fn request_error(e: reqwest::Error) -> NetError {
    let unreachable = e.is_connect() || e.is_timeout() || e.is_request();
    // reqwest's own text only repeats the URL the caller names already.
    let message = match std::error::Error::source(&e) {
        Some(cause) if e.url().is_some() => error_chain(cause),
        _ => error_chain(&e),
    };
    NetError {
        unreachable,
        not_found: false,
        message,
    }
}

/// An error and its sources, `: `-separated.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_a_runtime_is_an_error_not_a_panic() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let r = rt.block_on(async { Transport::default().get("http://127.0.0.1:1/", 10) });
        let e = r.expect_err("refused");
        assert!(e.message.contains("outside an async runtime"), "{e:?}");
    }
}
