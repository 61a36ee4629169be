//! [`ChartFetcher`]: charts from HTTP chart repositories, OCI registries and
//! local mirror folders, through the content-addressed cache.
//!
//! Order of work for one request: a local mirror mapped to the repository
//! URL answers alone (no network, no cache); otherwise an exact version
//! whose archive is cached is served without the network; otherwise the
//! version list (the repository's `index.yaml`, or the registry's tags) is
//! read — from the network, or from the cache when the repository cannot
//! be reached or capstan is offline — the version chosen as Helm chooses,
//! and the archive taken from the cache by digest or downloaded, checked
//! against the index's `digest`, and stored. Cached versions are taken to
//! be immutable, as Helm and Argo CD take them. Authentication is not
//! supported: repositories and registries are read anonymously.

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

use capstan_helm::chart::archive::MAX_DECOMPRESSED_CHART_SIZE;

use super::cache::{Cache, CachedIndex, sha256_hex};
use super::index::{Entry, Index, MAX_INDEX_BYTES, is_exact, resolve_url, select, summarize};
use super::mirror::{self, archive_files, list_names, no_match};
use super::oci::OciChart;
use super::transport::{Fetched, Transport, Validators};
use super::{ChartFiles, ChartRepository, ChartRequest, FetchError};
use crate::repos::normalize_url;
use crate::repos::redact;

/// Why the network was not used, in messages.
const OFFLINE: &str = "offline (--offline or CAPSTAN_OFFLINE)";

/// How a [`ChartFetcher`] works.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// The cache root (see [`super::default_cache_dir`]); `None`: no cache.
    pub cache_dir: Option<PathBuf>,
    /// Never use the network: only mirrors and the cache.
    pub offline: bool,
    /// Repository URL → local mirror folder (`--repo URL=PATH`,
    /// `capstan.yaml` `repositories:`).
    pub mirrors: Vec<(String, PathBuf)>,
}

/// Charts from chart repositories, registries and mirrors, cached.
#[derive(Debug)]
pub struct ChartFetcher {
    cache: Option<Cache>,
    offline: bool,
    mirrors: Vec<(String, PathBuf)>,
    net: Transport,
    /// Version lists read in this run, by repository (and chart for OCI).
    lists: HashMap<String, Rc<Listing>>,
    /// Charts fetched in this run.
    fetched: HashMap<(String, String, String), ChartFiles>,
}

/// The versions a repository offers, and where that list came from.
#[derive(Debug)]
struct Listing {
    index: Index,
    /// The URL or cached file it was read from (for messages).
    origin: String,
}

impl ChartFetcher {
    pub fn new(options: FetchOptions) -> ChartFetcher {
        ChartFetcher {
            cache: options.cache_dir.map(Cache::new),
            offline: options.offline,
            mirrors: options
                .mirrors
                .into_iter()
                .map(|(u, p)| (normalize_url(&u), p))
                .collect(),
            net: Transport::default(),
            lists: HashMap::new(),
            fetched: HashMap::new(),
        }
    }

    fn fetch_inner(&mut self, r: &ChartRequest<'_>) -> Result<ChartFiles, String> {
        let norm = normalize_url(r.repo_url);
        if let Some((_, dir)) = self.mirrors.iter().find(|(u, _)| *u == norm) {
            return mirror::fetch(dir, r.chart, r.version);
        }
        match scheme(r.repo_url).as_deref() {
            Some("http" | "https") => self.fetch_http(r, &norm),
            _ => self.fetch_oci(r, &norm),
        }
    }

    /// An exact version whose archive is already cached.
    fn cached_exact(&self, norm: &str, chart: &str, request: &str) -> Option<ChartFiles> {
        if !is_exact(request) {
            return None;
        }
        let cache = self.cache.as_ref()?;
        let hex = cache.reference(norm, chart, request.trim())?;
        let data = cache.blob(&hex)?;
        archive_files(&data, &format!("cached archive sha256:{hex}")).ok()
    }

    fn fetch_http(&mut self, r: &ChartRequest<'_>, norm: &str) -> Result<ChartFiles, String> {
        if let Some(files) = self.cached_exact(norm, r.chart, r.version) {
            return Ok(files);
        }
        let listing = self.http_index(r.repo_url, norm)?;
        let Some(entries) = listing.index.versions(r.chart) else {
            return Err(format!(
                "chart {:?} not found in {} (it lists: {})",
                r.chart,
                listing.origin,
                list_names(&listing.index.chart_names())
            ));
        };
        let versions: Vec<&str> = entries.iter().map(|e| e.version.as_str()).collect();
        let Some(version) = select(&versions, r.version)? else {
            return Err(no_match(r.chart, r.version, &listing.origin, &versions));
        };
        let Some(entry) = entries.iter().find(|e| e.version == version) else {
            return Err(format!("{}: version {version} vanished", listing.origin));
        };
        let digest = entry.sha256().unwrap_or_default();
        let known = if !digest.is_empty() {
            Some(digest.clone())
        } else {
            self.cache
                .as_ref()
                .and_then(|c| c.reference(norm, r.chart, version))
        };
        let cached = known
            .as_ref()
            .and_then(|hex| self.cache.as_ref()?.blob(hex));
        let data = match cached {
            Some(d) => d,
            None => {
                let Some(url) = entry.urls.first() else {
                    return Err(format!(
                        "{}: chart {} version {version} has no urls",
                        listing.origin, r.chart
                    ));
                };
                let fetch_url = resolve_url(r.repo_url, url)?;
                let url = redact(&fetch_url);
                if self.offline {
                    return Err(self.missing(OFFLINE, &format!("the archive {url}")));
                }
                let data = self
                    .net
                    .get(&fetch_url, MAX_DECOMPRESSED_CHART_SIZE)
                    .map_err(|e| {
                        if e.unreachable {
                            self.missing(
                                &format!("cannot download {url} ({})", e.message),
                                "the archive",
                            )
                        } else {
                            e.message
                        }
                    })?;
                let actual = sha256_hex(&data);
                if !digest.is_empty() && digest != actual {
                    return Err(format!(
                        "digest mismatch for {url}: the index says sha256 {}, the download has {actual}",
                        entry.digest
                    ));
                }
                data
            }
        };
        let version = version.to_string();
        let files = archive_files(&data, &format!("chart archive of {} {version}", r.chart))?;
        self.remember(norm, r, &version, &data);
        Ok(files)
    }

    /// Stores the archive and which version (and exact request) it answers.
    fn remember(&self, norm: &str, r: &ChartRequest<'_>, version: &str, data: &[u8]) {
        let Some(cache) = &self.cache else {
            return;
        };
        let hex = cache.put_blob(data);
        cache.put_reference(norm, r.chart, version, &hex);
        let request = r.version.trim();
        if is_exact(request) && request != version {
            cache.put_reference(norm, r.chart, request, &hex);
        }
    }

    /// "<why>, and <what> is not in the cache <folder>".
    fn missing(&self, why: &str, what: &str) -> String {
        match &self.cache {
            Some(c) => format!(
                "{why}, and {what} is not in the cache {}",
                c.root().join("charts").display()
            ),
            None => format!("{why}, and no cache folder is set (CAPSTAN_CACHE_DIR)"),
        }
    }

    /// The index of an HTTP repository: read once per run, through the
    /// cache (a conditional GET: an unchanged index is not downloaded or
    /// parsed again); the cached copy stands in when offline or unreachable.
    fn http_index(&mut self, repo_url: &str, norm: &str) -> Result<Rc<Listing>, String> {
        if let Some(l) = self.lists.get(norm) {
            return Ok(l.clone());
        }
        let fetch_url = resolve_url(repo_url, "index.yaml")?;
        let index_url = redact(&fetch_url);
        let listing = if self.offline {
            self.cached_index(norm, OFFLINE, &index_url)?
        } else {
            let cached = self.cache.as_ref().and_then(|c| c.index(norm));
            let known = cached
                .as_ref()
                .map(|c| Validators {
                    etag: c.etag.clone(),
                    last_modified: c.last_modified.clone(),
                })
                .unwrap_or_default();
            match self.net.get_if_changed(&fetch_url, MAX_INDEX_BYTES, &known) {
                Ok(Fetched::Body(data, validators)) => {
                    let index = Index::parse(&data, &index_url)?;
                    let entry = CachedIndex {
                        url: index_url.clone(),
                        etag: validators.etag,
                        last_modified: validators.last_modified,
                        index,
                    };
                    if let Some(c) = &self.cache {
                        c.put_index(norm, &entry);
                    }
                    Listing {
                        index: entry.index,
                        origin: index_url,
                    }
                }
                Ok(Fetched::NotModified) => match cached {
                    Some(c) => Listing {
                        index: c.index,
                        origin: index_url,
                    },
                    None => return Err(format!("GET {index_url}: unexpected 304")),
                },
                Err(e) if e.unreachable => self.cached_index(
                    norm,
                    &format!("cannot reach {index_url} ({})", e.message),
                    "its index",
                )?,
                Err(e) if e.not_found => {
                    return Err(format!(
                        "{} (is {} a Helm chart repository? it has no index.yaml)",
                        e.message,
                        redact(repo_url)
                    ));
                }
                Err(e) => return Err(e.message),
            }
        };
        let listing = Rc::new(listing);
        self.lists.insert(norm.to_string(), listing.clone());
        Ok(listing)
    }

    fn cached_index(&self, key: &str, why: &str, what: &str) -> Result<Listing, String> {
        let Some(cached) = self.cache.as_ref().and_then(|c| c.index(key)) else {
            return Err(self.missing(why, what));
        };
        Ok(Listing {
            index: cached.index,
            origin: format!("{} (cached)", cached.url),
        })
    }

    fn fetch_oci(&mut self, r: &ChartRequest<'_>, norm: &str) -> Result<ChartFiles, String> {
        if let Some(files) = self.cached_exact(norm, r.chart, r.version) {
            return Ok(files);
        }
        let loc = OciChart::locate(r.repo_url, r.chart)?;
        let version = if is_exact(r.version) {
            r.version.trim().to_string()
        } else {
            let listing = self.oci_tags(&loc, norm, r.chart)?;
            let versions: Vec<&str> = listing
                .index
                .versions(r.chart)
                .unwrap_or_default()
                .iter()
                .map(|e| e.version.as_str())
                .collect();
            let Some(v) = select(&versions, r.version)? else {
                return Err(no_match(r.chart, r.version, &listing.origin, &versions));
            };
            v.to_string()
        };
        let shown = loc.shown(&version);
        let cached = self
            .cache
            .as_ref()
            .and_then(|c| Some((c, c.reference(norm, r.chart, &version)?)))
            .and_then(|(c, hex)| c.blob(&hex));
        let data = match cached {
            Some(d) => d,
            None if self.offline => {
                return Err(self.missing(OFFLINE, &shown));
            }
            None => {
                let unreachable = |s: &Self, e: super::transport::NetError| {
                    if e.unreachable {
                        s.missing(&format!("cannot pull {shown} ({})", e.message), "the chart")
                    } else {
                        format!("{shown}: {}", e.message)
                    }
                };
                let (hex, size) = match loc.chart_layer(&mut self.net, &version) {
                    Ok(found) => found,
                    Err(e) if e.not_found => {
                        // Name what the registry has instead (best effort).
                        let have = match loc.tags(&mut self.net) {
                            Ok(tags) => {
                                let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
                                format!(" (available: {})", summarize(&tags))
                            }
                            Err(_) => String::new(),
                        };
                        return Err(format!("{shown}: no such tag in the registry{have}"));
                    }
                    Err(e) => return Err(unreachable(self, e)),
                };
                match self.cache.as_ref().and_then(|c| c.blob(&hex)) {
                    Some(d) => d,
                    None => {
                        if size < 0 || size as u64 > MAX_DECOMPRESSED_CHART_SIZE {
                            return Err(format!(
                                "{shown}: chart layer of {size} bytes is over the {MAX_DECOMPRESSED_CHART_SIZE}-byte limit"
                            ));
                        }
                        let data = loc
                            .pull_layer(&mut self.net, &version, &hex, size)
                            .map_err(|e| unreachable(self, e))?;
                        let actual = sha256_hex(&data);
                        if actual != hex {
                            return Err(format!(
                                "digest mismatch for {shown}: the manifest says sha256 {hex}, the layer has {actual}"
                            ));
                        }
                        data
                    }
                }
            }
        };
        let files = archive_files(&data, &shown)?;
        self.remember(norm, r, &version, &data);
        Ok(files)
    }

    /// A registry's tags for one chart, as an index with one entry per tag
    /// (cached like an index, so ranges resolve offline too).
    fn oci_tags(&mut self, loc: &OciChart, norm: &str, chart: &str) -> Result<Rc<Listing>, String> {
        let key = format!("oci-tags:{norm}/{chart}");
        if let Some(l) = self.lists.get(&key) {
            return Ok(l.clone());
        }
        let shown = format!("the tag list of oci://{}/{}", loc.registry, loc.repository);
        let listing = if self.offline {
            self.cached_index(&key, OFFLINE, &shown)?
        } else {
            match loc.tags(&mut self.net) {
                Ok(tags) => {
                    let index = tags_index(chart, &tags);
                    if let Some(c) = &self.cache {
                        c.put_index(
                            &key,
                            &CachedIndex {
                                url: shown.clone(),
                                index: index.clone(),
                                ..CachedIndex::default()
                            },
                        );
                    }
                    Listing {
                        index,
                        origin: shown,
                    }
                }
                Err(e) if e.unreachable => {
                    let why = format!("cannot list {shown} ({})", e.message);
                    self.cached_index(&key, &why, "the tag list")?
                }
                Err(e) => return Err(format!("listing {shown}: {}", e.message)),
            }
        };
        let listing = Rc::new(listing);
        self.lists.insert(key, listing.clone());
        Ok(listing)
    }
}

/// Tags as an index with one entry per tag, so one selection and one cache
/// format serve both kinds of repository.
fn tags_index(chart: &str, tags: &[String]) -> Index {
    let entries = tags
        .iter()
        .map(|t| {
            Some(Entry {
                name: chart.to_string(),
                version: t.clone(),
                ..Entry::default()
            })
        })
        .collect();
    Index {
        api_version: "v1".into(),
        entries: [(chart.to_string(), entries)].into_iter().collect(),
    }
}

/// The lower-case scheme of a URL, if it has one.
fn scheme(url: &str) -> Option<String> {
    let (s, _) = url.trim().split_once("://")?;
    let ok = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then(|| s.to_ascii_lowercase())
}

impl ChartRepository for ChartFetcher {
    fn fetch(&mut self, r: &ChartRequest<'_>) -> Result<ChartFiles, FetchError> {
        let key = (
            r.repo_url.to_string(),
            r.chart.to_string(),
            r.version.to_string(),
        );
        if let Some(files) = self.fetched.get(&key) {
            return Ok(files.clone());
        }
        let wanted = if r.version.trim().is_empty() {
            "(latest)".to_string()
        } else {
            r.version.trim().to_string()
        };
        let mirrored = self
            .mirrors
            .iter()
            .any(|(u, _)| *u == normalize_url(r.repo_url));
        if let Some(other) =
            scheme(r.repo_url).filter(|s| !matches!(s.as_str(), "http" | "https" | "oci"))
            && !mirrored
        {
            return Err(FetchError::Unsupported(format!(
                "chart {} {wanted} from {}: the URL scheme {other:?} is not a chart repository (use https://, oci:// or a registry host/path, or map it to a folder with --repo URL=PATH)",
                r.chart,
                redact(r.repo_url)
            )));
        }
        let files = self.fetch_inner(r).map_err(|m| {
            FetchError::Failed(format!(
                "chart {} {wanted} from {}: {m}",
                r.chart,
                redact(r.repo_url)
            ))
        })?;
        self.fetched.insert(key, files.clone());
        Ok(files)
    }
}
