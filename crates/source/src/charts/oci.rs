//! Helm charts in OCI registries, pulled anonymously with oci-client.
//!
//! Argo CD takes a `repoURL` without a scheme (`registry.example.com/charts`)
//! or with `oci://` as an OCI registry; the chart lives in the repository
//! `<path>/<chart>` and its versions are tags, with SemVer's `+` written
//! `_` (tags cannot hold `+`), as Helm pushes them. A chart manifest has a
//! config of Helm's media type and one layer holding the `.tgz`; only that
//! layer is pulled, by digest, and the cache is consulted before the
//! download. Registries on localhost are spoken to over plain HTTP.

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};

use super::transport::{NetError, Transport, error_chain};

/// Helm's config media type.
pub(crate) const CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
/// Helm's chart layer media type.
pub(crate) const CHART_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// Tags asked for per page of `tags/list`.
const TAG_PAGE: usize = 1000;
/// Pages of tags read at most.
const MAX_TAG_PAGES: usize = 100;

/// An OCI chart location: registry host and repository path of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OciChart {
    pub(crate) registry: String,
    pub(crate) repository: String,
}

impl OciChart {
    /// Where `chart` lives for `repo_url` (`oci://host/path` or `host/path`).
    pub(crate) fn locate(repo_url: &str, chart: &str) -> Result<OciChart, String> {
        let rest = repo_url.trim();
        let rest = rest.strip_prefix("oci://").unwrap_or(rest);
        let rest = rest.trim_end_matches('/');
        let (registry, path) = rest.split_once('/').unwrap_or((rest, ""));
        if registry.is_empty() || chart.is_empty() || chart.contains("..") {
            return Err(format!(
                "invalid OCI chart reference {repo_url} with chart {chart:?}"
            ));
        }
        let repository = if path.is_empty() {
            chart.to_string()
        } else {
            format!("{path}/{chart}")
        };
        Ok(OciChart {
            registry: registry.to_string(),
            repository,
        })
    }

    fn reference(&self, tag: &str) -> Reference {
        Reference::with_tag(
            self.registry.clone(),
            self.repository.clone(),
            tag.replace('+', "_"),
        )
    }

    fn client(&self) -> Client {
        // oci-client builds its reqwest client at once, and reqwest without
        // a provider panics: install ours first.
        super::transport::install_crypto_provider();
        let host = self.registry.split(':').next().unwrap_or("");
        let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
        let protocol = if local {
            ClientProtocol::HttpsExcept(vec![self.registry.clone()])
        } else {
            ClientProtocol::Https
        };
        Client::new(ClientConfig {
            protocol,
            connect_timeout: Some(std::time::Duration::from_secs(15)),
            read_timeout: Some(std::time::Duration::from_secs(120)),
            ..ClientConfig::default()
        })
    }

    /// The chart's versions: its tags, `_` read back as `+`.
    pub(crate) fn tags(&self, net: &mut Transport) -> Result<Vec<String>, NetError> {
        let client = self.client();
        let reference = self.reference("latest");
        net.block_on(async move {
            let mut all: Vec<String> = Vec::new();
            let mut last: Option<String> = None;
            for _ in 0..MAX_TAG_PAGES {
                let page = client
                    .list_tags(
                        &reference,
                        &RegistryAuth::Anonymous,
                        Some(TAG_PAGE),
                        last.as_deref(),
                    )
                    .await
                    .map_err(oci_error)?;
                let n = page.tags.len();
                last = page.tags.last().cloned();
                all.extend(page.tags);
                // A registry that ignores `n` returns everything at once.
                if n < TAG_PAGE || last.is_none() {
                    break;
                }
            }
            all.sort();
            all.dedup();
            Ok(all.into_iter().map(|t| t.replace('_', "+")).collect())
        })?
    }

    /// The digest (`sha256` hex) and size of the chart layer of `version`.
    pub(crate) fn chart_layer(
        &self,
        net: &mut Transport,
        version: &str,
    ) -> Result<(String, i64), NetError> {
        let client = self.client();
        let reference = self.reference(version);
        let shown = self.shown(version);
        net.block_on(async move {
            let (manifest, _) = client
                .pull_image_manifest(&reference, &RegistryAuth::Anonymous)
                .await
                .map_err(oci_error)?;
            let not_chart = |why: String| NetError {
                unreachable: false,
                not_found: false,
                message: format!("{shown} is not a Helm chart: {why}"),
            };
            if manifest.config.media_type != CONFIG_MEDIA_TYPE {
                return Err(not_chart(format!(
                    "its config has media type {:?}, not {CONFIG_MEDIA_TYPE}",
                    manifest.config.media_type
                )));
            }
            let layers: Vec<_> = manifest
                .layers
                .iter()
                .filter(|l| l.media_type == CHART_MEDIA_TYPE)
                .collect();
            let [layer] = layers.as_slice() else {
                return Err(not_chart(format!(
                    "it has {} layers of media type {CHART_MEDIA_TYPE}, expected one",
                    layers.len()
                )));
            };
            let Some(hex) = layer.digest.strip_prefix("sha256:") else {
                return Err(not_chart(format!(
                    "unsupported layer digest {}",
                    layer.digest
                )));
            };
            Ok((hex.to_string(), layer.size))
        })?
    }

    /// Downloads the chart layer `sha256:<hex>` of `version` (oci-client
    /// checks the bytes against the digest).
    pub(crate) fn pull_layer(
        &self,
        net: &mut Transport,
        version: &str,
        hex: &str,
        size: i64,
    ) -> Result<Vec<u8>, NetError> {
        let client = self.client();
        let reference = self.reference(version);
        let descriptor = oci_client::manifest::OciDescriptor {
            media_type: CHART_MEDIA_TYPE.to_string(),
            digest: format!("sha256:{hex}"),
            size,
            ..Default::default()
        };
        net.block_on(async move {
            let mut out: Vec<u8> = Vec::new();
            client
                .pull_blob(&reference, &descriptor, &mut out)
                .await
                .map_err(oci_error)?;
            Ok(out)
        })?
    }

    /// `oci://registry/repository:version`, for messages.
    pub(crate) fn shown(&self, version: &str) -> String {
        format!("oci://{}/{}:{version}", self.registry, self.repository)
    }
}

fn oci_error(e: oci_client::errors::OciDistributionError) -> NetError {
    use oci_client::errors::OciDistributionError as E;
    let (unreachable, not_found) = match &e {
        E::RequestError(r) => (r.is_connect() || r.is_timeout() || r.is_request(), false),
        E::ServerError { code, .. } => (*code >= 500, *code == 404),
        E::ImageManifestNotFoundError(_) => (false, true),
        _ => (false, false),
    };
    let message = if not_found {
        "not found in the registry (HTTP 404)".to_string()
    } else {
        error_chain(&e)
    };
    NetError {
        unreachable,
        not_found,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_follow_argo() {
        let a = OciChart::locate("registry.example.com/charts", "app").expect("ok");
        assert_eq!(a.registry, "registry.example.com");
        assert_eq!(a.repository, "charts/app");
        let b = OciChart::locate("oci://localhost:5000/a/b/", "app").expect("ok");
        assert_eq!(b.registry, "localhost:5000");
        assert_eq!(b.repository, "a/b/app");
        assert_eq!(b.shown("1.0.0+x"), "oci://localhost:5000/a/b/app:1.0.0+x");
        assert_eq!(b.reference("1.0.0+x").tag(), Some("1.0.0_x"));
        assert!(OciChart::locate("oci://", "app").is_err());
    }
}
