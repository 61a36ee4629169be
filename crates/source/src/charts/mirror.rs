//! Chart repositories mirrored in a local folder (`--repo URL=PATH`,
//! `capstan.yaml` `repositories:`), read without any network.
//!
//! The folder is either a copy of an HTTP repository (it holds an
//! `index.yaml`: versions are chosen from it and archives read from the
//! folder, relative `urls` inside it and absolute ones by their file name,
//! digests checked), or a plain folder of charts: chart folders
//! (`NAME/Chart.yaml`) and archives (`NAME-VERSION.tgz`), each one's name
//! and version read from its `Chart.yaml`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use capstan_helm::chart::Metadata;
use capstan_helm::chart::archive::{MAX_DECOMPRESSED_CHART_SIZE, read_archive};

use super::ChartFiles;
use super::cache::sha256_hex;
use super::index::{Index, select, summarize};

/// Files read from one chart folder at most.
const MAX_FOLDER_FILES: usize = 100_000;
/// Folder nesting inside a chart at most.
const MAX_FOLDER_DEPTH: usize = 64;

/// Looks `chart` up in the mirror folder `dir` and picks `request`'s version.
pub(crate) fn fetch(dir: &Path, chart: &str, request: &str) -> Result<ChartFiles, String> {
    if !dir.is_dir() {
        return Err(format!(
            "the mirror folder {} does not exist",
            dir.display()
        ));
    }
    let index_path = dir.join("index.yaml");
    if index_path.is_file() {
        return from_index(dir, &index_path, chart, request);
    }
    from_folder(dir, chart, request)
}

fn from_index(
    dir: &Path,
    index_path: &Path,
    chart: &str,
    request: &str,
) -> Result<ChartFiles, String> {
    let data = std::fs::read(index_path)
        .map_err(|e| format!("cannot read {}: {e}", index_path.display()))?;
    let shown = index_path.display().to_string();
    let index = Index::parse(&data, &shown)?;
    let Some(entries) = index.versions(chart) else {
        return Err(format!(
            "chart {chart:?} not found in {shown} (it lists: {})",
            list_names(&index.chart_names())
        ));
    };
    let versions: Vec<&str> = entries.iter().map(|e| e.version.as_str()).collect();
    let Some(version) = select(&versions, request)? else {
        return Err(no_match(chart, request, &shown, &versions));
    };
    let Some(entry) = entries.iter().find(|e| e.version == version) else {
        return Err(format!("{shown}: version {version} vanished"));
    };
    let Some(url) = entry.urls.first() else {
        return Err(format!(
            "{shown}: chart {chart} version {version} has no urls"
        ));
    };
    let path = archive_in_folder(dir, url)?;
    let data = read_capped(&path)?;
    let digest = sha256_hex(&data);
    if entry.sha256().is_some_and(|want| want != digest) {
        return Err(format!(
            "digest mismatch for {}: the index says sha256 {}, the file has {digest}",
            path.display(),
            entry.digest
        ));
    }
    archive_files(&data, &path.display().to_string())
}

/// The file an index `url` names inside the mirror folder.
fn archive_in_folder(dir: &Path, url: &str) -> Result<PathBuf, String> {
    let rel = match url::Url::parse(url) {
        // An absolute URL: the archive is expected beside the index.
        Ok(u) => u
            .path_segments()
            .and_then(|mut s| s.next_back())
            .unwrap_or("")
            .to_string(),
        Err(_) => url.split(['?', '#']).next().unwrap_or("").to_string(),
    };
    let clean = crate::tree::join("", &rel)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            format!(
                "chart url {url:?} leaves the mirror folder {}",
                dir.display()
            )
        })?;
    Ok(dir.join(clean))
}

/// Chart folders and archives directly inside `dir`.
fn from_folder(dir: &Path, chart: &str, request: &str) -> Result<ChartFiles, String> {
    let mut candidates: Vec<(String, Candidate)> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            let Ok(text) = std::fs::read_to_string(path.join("Chart.yaml")) else {
                continue;
            };
            let Ok(meta) = Metadata::from_yaml(&text) else {
                continue;
            };
            if meta.name == chart {
                candidates.push((meta.version.clone(), Candidate::Folder(path)));
            }
        } else if name.ends_with(".tgz") && name.starts_with(&format!("{chart}-")) {
            let data = read_capped(&path)?;
            let files = archive_files(&data, &path.display().to_string())?;
            let Some((_, chart_yaml)) = files.iter().find(|(n, _)| n == "Chart.yaml") else {
                continue;
            };
            let Ok(meta) = Metadata::from_yaml(&String::from_utf8_lossy(chart_yaml)) else {
                continue;
            };
            if meta.name == chart {
                candidates.push((meta.version.clone(), Candidate::Archive(files)));
            }
        }
    }
    let versions: Vec<&str> = candidates.iter().map(|(v, _)| v.as_str()).collect();
    let shown = dir.display().to_string();
    if versions.is_empty() {
        return Err(format!(
            "chart {chart:?} not found in the mirror folder {shown} (no chart folder or {chart}-VERSION.tgz named {chart})"
        ));
    }
    let Some(version) = select(&versions, request)?.map(str::to_string) else {
        return Err(no_match(chart, request, &shown, &versions));
    };
    let Some((_, candidate)) = candidates.into_iter().find(|(v, _)| *v == version) else {
        return Err(format!("{shown}: version {version} vanished"));
    };
    match candidate {
        Candidate::Folder(p) => read_folder(&p),
        Candidate::Archive(files) => Ok(files),
    }
}

enum Candidate {
    Folder(PathBuf),
    Archive(ChartFiles),
}

/// "no version of chart X matches R in S (available: …)".
pub(crate) fn no_match(chart: &str, request: &str, shown: &str, versions: &[&str]) -> String {
    let wanted = if request.trim().is_empty() {
        "the latest stable version (no version matches \"*\")".to_string()
    } else {
        format!("{request:?}")
    };
    format!(
        "no version of chart {chart:?} in {shown} matches {wanted} (available: {})",
        summarize(versions)
    )
}

/// Chart names for a "not found" message.
pub(crate) fn list_names(names: &[&str]) -> String {
    if names.is_empty() {
        return "no charts".into();
    }
    let shown: Vec<&str> = names.iter().take(10).copied().collect();
    if names.len() > shown.len() {
        format!("{}, … {} in all", shown.join(", "), names.len())
    } else {
        shown.join(", ")
    }
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.len() > MAX_DECOMPRESSED_CHART_SIZE {
        return Err(format!(
            "{} is larger than {MAX_DECOMPRESSED_CHART_SIZE} bytes",
            path.display()
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The files of a chart archive, read by capstan-helm (Helm's path and size
/// rules); `shown` names the archive in errors.
pub(crate) fn archive_files(data: &[u8], shown: &str) -> Result<ChartFiles, String> {
    let files = read_archive(data).map_err(|e| format!("{shown}: {}", e.message))?;
    Ok(files.into_iter().map(|f| (f.name, f.data)).collect())
}

/// Every file of a chart folder (ignore rules are applied when the chart is
/// loaded, as for a chart in Git).
fn read_folder(dir: &Path) -> Result<ChartFiles, String> {
    let mut out = Vec::new();
    walk(dir, "", 0, &mut out)?;
    Ok(out)
}

fn walk(base: &Path, rel: &str, depth: usize, out: &mut ChartFiles) -> Result<(), String> {
    if depth > MAX_FOLDER_DEPTH {
        return Err(format!(
            "{} nests folders deeper than {MAX_FOLDER_DEPTH} levels",
            base.display()
        ));
    }
    let dir = base.join(rel);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let child = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let path = e.path();
        if path.is_dir() {
            walk(base, &child, depth + 1, out)?;
        } else if path.is_file() {
            if out.len() >= MAX_FOLDER_FILES {
                return Err(format!(
                    "{} has more than {MAX_FOLDER_FILES} files",
                    base.display()
                ));
            }
            let data =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            out.push((child, Arc::from(data)));
        }
    }
    Ok(())
}
