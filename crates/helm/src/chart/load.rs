//! Loading a chart from a directory, a `.tgz` archive or a list of files,
//! as Helm's v2 loader (`pkg/chart/v2/loader`) does, errors worded as Helm
//! prints them.
//!
//! Directories are walked in sorted order, following symbolic links, with
//! the chart's `.helmignore` (plus Helm's default rule) applied; irregular
//! files and files over 5 MiB are refused. Subcharts come from `charts/`:
//! directories and `.tgz` archives, skipping names that start with `_` or
//! `.`. A subchart directory is loaded from the files already read with the
//! parent's ignore rules (its own `.helmignore` is just a file), as Helm does.

use super::archive::{self, ArchiveError, MAX_DECOMPRESSED_FILE_SIZE};
use super::helmignore::{HELMIGNORE, Rules};
use super::metadata::{API_VERSION_V1, Metadata};
use super::{Chart, File, Files};
use capstan_gotmpl::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use crate::memo::ByContent;

/// Directory nesting (symbolic links followed) beyond which loading stops,
/// so a link cycle cannot recurse forever.
const MAX_DIR_DEPTH: usize = 64;
/// Subchart nesting beyond which loading stops.
const MAX_CHART_DEPTH: usize = 32;
/// Files read from one chart directory at most.
const MAX_DIR_FILES: usize = 100_000;

/// Why a chart could not be loaded. The text is what Helm prints after
/// `Error: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LoadError {
    /// Helm's message.
    pub message: String,
}

impl LoadError {
    fn new(message: impl Into<String>) -> LoadError {
        LoadError {
            message: message.into(),
        }
    }
}

/// Loads a chart directory or archive file, as `helm template` does
/// (`pkg/chart/loader.Load`).
pub fn load(path: &Path) -> Result<Chart, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| LoadError::new(os_error("stat", path, &e)))?;
    if meta.is_dir() {
        return load_dir(path);
    }
    let data = std::fs::read(path).map_err(|e| LoadError::new(os_error("open", path, &e)))?;
    let name = path.display().to_string();
    if !archive::looks_gzipped(&data) {
        if name.ends_with(".yml") || name.ends_with(".yaml") {
            return Err(LoadError::new(format!(
                "file '{name}' seems to be a YAML file, but expected a gzipped archive"
            )));
        }
        return Err(LoadError::new(format!(
            "file '{name}' does not appear to be a gzipped archive; got '{}'",
            sniff_content_type(&data)
        )));
    }
    let files = archive::read_archive(&data).map_err(|e| {
        if e.bad_gzip_header {
            LoadError::new(format!(
                "file '{name}' does not appear to be a valid chart file (details: {e})"
            ))
        } else {
            // pkg/chart/loader hides the detail for archive files.
            LoadError::new("unable to load chart archive")
        }
    })?;
    dispatch_version(&files)?;
    load_files(files)
}

/// Loads a chart from the bytes of a `.tgz` (`LoadArchive`).
pub fn load_archive(data: &[u8]) -> Result<Chart, LoadError> {
    let files = archive::read_archive(data).map_err(|e| archive_error(&e))?;
    load_files(files)
}

fn archive_error(e: &ArchiveError) -> LoadError {
    LoadError::new(e.message.clone())
}

/// The apiVersion check `pkg/chart/loader` makes before choosing a loader.
fn dispatch_version(files: &[File]) -> Result<(), LoadError> {
    let Some(f) = files.iter().find(|f| f.name == "Chart.yaml") else {
        return Err(LoadError::new(
            "unable to detect chart version, no Chart.yaml found",
        ));
    };
    check_api_version(&f.data)
}

fn check_api_version(data: &[u8]) -> Result<(), LoadError> {
    let text = String::from_utf8_lossy(data);
    let api = super::metadata::api_version_of(&text)
        .map_err(|e| LoadError::new(format!("cannot load Chart.yaml: {}", e.0)))?;
    match api.as_str() {
        "" | "v1" | "v2" | "v3" => Ok(()),
        _ => Err(LoadError::new("unsupported chart version")),
    }
}

/// Loads a chart directory (`LoadDir`).
pub fn load_dir(dir: &Path) -> Result<Chart, LoadError> {
    // Helm works from the absolute path, and its messages show it.
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let dir = abs.as_path();
    let chart_yaml = dir.join("Chart.yaml");
    let data = std::fs::read(&chart_yaml).map_err(|e| {
        LoadError::new(format!(
            "unable to detect chart at {}: {}",
            chart_yaml.display(),
            os_error("open", &chart_yaml, &e)
        ))
    })?;
    check_api_version(&data)?;
    let mut rules = Rules::default();
    let ignore_file = dir.join(HELMIGNORE);
    if ignore_file.exists() {
        let text = std::fs::read(&ignore_file)
            .map_err(|e| LoadError::new(os_error("open", &ignore_file, &e)))?;
        rules = Rules::parse(&String::from_utf8_lossy(&text)).map_err(|e| LoadError::new(e.0))?;
    }
    rules.add_defaults();
    let mut files = Vec::new();
    walk(dir, "", &rules, 0, &mut files)?;
    load_files(files)
}

fn walk(
    dir: &Path,
    rel: &str,
    rules: &Rules,
    depth: usize,
    out: &mut Vec<File>,
) -> Result<(), LoadError> {
    if depth > MAX_DIR_DEPTH {
        return Err(LoadError::new(format!(
            "chart directory nested deeper than {MAX_DIR_DEPTH} levels at {}",
            dir.display()
        )));
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| LoadError::new(os_error("open", dir, &e)))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let n = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        // Symbolic links are followed, as Helm's sympath walk does.
        let meta = std::fs::metadata(&path).map_err(|e| {
            LoadError::new(format!(
                "error evaluating symlink {}: {}",
                path.display(),
                os_error("lstat", &path, &e)
            ))
        })?;
        if meta.is_dir() {
            if rules.ignore(&n, true) {
                continue;
            }
            walk(&path, &n, rules, depth + 1, out)?;
            continue;
        }
        if rules.ignore(&n, false) {
            continue;
        }
        if !meta.is_file() {
            return Err(LoadError::new(format!(
                "cannot load irregular file {} as it has file mode type bits set",
                path.display()
            )));
        }
        if meta.len() > MAX_DECOMPRESSED_FILE_SIZE {
            return Err(LoadError::new(format!(
                "chart file {name:?} is larger than the maximum file size {MAX_DECOMPRESSED_FILE_SIZE}"
            )));
        }
        if out.len() >= MAX_DIR_FILES {
            return Err(LoadError::new(format!(
                "chart directory has more than {MAX_DIR_FILES} files"
            )));
        }
        let data = std::fs::read(&path).map_err(|e| {
            LoadError::new(format!(
                "error reading {n}: {}",
                os_error("read", &path, &e)
            ))
        })?;
        let data = data
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(&data);
        out.push(File::new(n, data.to_vec()));
    }
    Ok(())
}

/// Builds a chart from its files (`LoadFiles`).
pub fn load_files(files: Vec<File>) -> Result<Chart, LoadError> {
    load_files_at(files, 0)
}

fn load_files_at(files: Vec<File>, depth: usize) -> Result<Chart, LoadError> {
    if depth > MAX_CHART_DEPTH {
        return Err(LoadError::new(format!(
            "subcharts nested deeper than {MAX_CHART_DEPTH} levels"
        )));
    }
    let mut c = Chart::default();
    let mut metadata: Option<Metadata> = None;
    for f in files.iter().filter(|f| f.name == "Chart.yaml") {
        let mut md = metadata.take().unwrap_or_default();
        md.merge_yaml(&String::from_utf8_lossy(&f.data))
            .map_err(|e| LoadError::new(format!("cannot load Chart.yaml: {}", e.0)))?;
        if md.api_version.is_empty() {
            md.api_version = API_VERSION_V1.to_string();
        }
        metadata = Some(md);
    }
    let mut subcharts: BTreeMap<String, Vec<File>> = BTreeMap::new();
    let mut files_out = Files::default();
    for f in files {
        let is_v1 =
            |m: &Option<Metadata>| m.as_ref().is_some_and(|m| m.api_version == API_VERSION_V1);
        match f.name.as_str() {
            "Chart.yaml" => {}
            "Chart.lock" | "requirements.lock" => {
                if f.name == "requirements.lock" && is_v1(&metadata) {
                    files_out.push(f);
                }
            }
            "values.yaml" => {
                c.values = load_values(&f.data)
                    .map_err(|e| LoadError::new(format!("cannot load values.yaml: {e}")))?;
            }
            "values.schema.json" => c.schema = Some(f.data.clone()),
            "requirements.yaml" => {
                let md = metadata.get_or_insert_with(Metadata::default);
                md.merge_yaml(&String::from_utf8_lossy(&f.data))
                    .map_err(|e| {
                        LoadError::new(format!("cannot load requirements.yaml: {}", e.0))
                    })?;
                if is_v1(&metadata) {
                    files_out.push(f);
                }
            }
            n if n.starts_with("templates/") => c.templates.push(f),
            n if n.starts_with("charts/") => {
                if n.ends_with(".prov") {
                    files_out.push(f);
                    continue;
                }
                let rest = &n["charts/".len()..];
                let cname = rest.split('/').next().unwrap_or("").to_string();
                subcharts.entry(cname).or_default().push(File {
                    name: rest.to_string(),
                    data: f.data,
                });
            }
            _ => files_out.push(f),
        }
    }
    c.files = files_out;
    let Some(mut md) = metadata else {
        return Err(LoadError::new("Chart.yaml file is missing"));
    };
    md.validate().map_err(LoadError::new)?;
    c.metadata = md;
    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let sc = if n.ends_with(".tgz") {
            let first = &files[0];
            if first.name != n {
                return Err(LoadError::new(format!(
                    "error unpacking subchart tar in {}: expected {n}, got {}",
                    c.name(),
                    first.name
                )));
            }
            archive::read_archive(&first.data)
                .map_err(|e| archive_error(&e))
                .and_then(|fs| load_files_at(fs, depth + 1))
        } else {
            let buff = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(File::new(rest, f.data))
                })
                .collect();
            load_files_at(buff, depth + 1)
        };
        let sc = sc.map_err(|e| {
            LoadError::new(format!("error unpacking subchart {n} in {}: {e}", c.name()))
        })?;
        c.dependencies.push(sc);
    }
    Ok(c)
}

/// Reads a values file: every YAML document is decoded as a map (numbers
/// as float64) and later documents merged over earlier ones (Helm's
/// `LoadValues` with `MergeMaps`). The error is the part Helm prints after
/// `cannot load values.yaml: `.
///
/// A process reads the same values files again and again (every app of an
/// environment names its shared files; a controller re-reads a revision on
/// every pass), so what each text decoded to is kept, by content, and
/// handed out as a deep copy: the caller may merge into it.
pub fn load_values(data: &[u8]) -> Result<Map, String> {
    if let Some(known) = PARSED_VALUES.lock().ok().and_then(|c| c.get(data)) {
        return Ok(known);
    }
    let text = String::from_utf8_lossy(data);
    let parsed = crate::yaml::parse_values(&text).map_err(|e| e.message().to_string())?;
    if let Ok(mut cache) = PARSED_VALUES.lock() {
        cache.keep(data, &parsed);
    }
    Ok(parsed)
}

/// Decoded values files by content: [`load_values`]'s memory (private
/// copies; texts over 256 KiB are decoded every time).
static PARSED_VALUES: Mutex<ParsedValues> = Mutex::new(ParsedValues(ByContent::new(256, 4 << 20)));

struct ParsedValues(ByContent<Map>);

impl ParsedValues {
    const MAX_TEXT: usize = 256 << 10;

    fn get(&self, data: &[u8]) -> Option<Map> {
        if data.len() > Self::MAX_TEXT {
            return None;
        }
        self.0.get(data).map(crate::values::coalesce::deep_copy_map)
    }

    fn keep(&mut self, data: &[u8], parsed: &Map) {
        if data.len() <= Self::MAX_TEXT {
            self.0
                .insert(data, crate::values::coalesce::deep_copy_map(parsed));
        }
    }
}

/// Helm's `MergeMaps`: maps merge recursively, anything else in `b` wins.
pub fn merge_maps(mut a: Map, b: &Map) -> Map {
    for (k, v) in b {
        if let Value::Map(bm) = v
            && let Some(Value::Map(am)) = a.get(k)
        {
            let merged = merge_maps(Map::clone(&am.snapshot()), &bm.snapshot());
            a.insert(k.clone(), Value::map(merged));
            continue;
        }
        a.insert(k.clone(), v.clone());
    }
    a
}

/// Go's `*PathError` text for a failed file operation.
fn os_error(op: &str, path: &Path, e: &std::io::Error) -> String {
    let what = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    };
    format!("{op} {}: {what}", path.display())
}

/// Go's `http.DetectContentType` as Helm's `EnsureArchive` calls it: on a
/// 512-byte buffer, zero-padded when the file is shorter (so short files
/// sniff as binary). Only the signatures a mistaken chart path is likely to
/// hit are recognised; everything else is text or binary by Go's rule.
fn sniff_content_type(data: &[u8]) -> &'static str {
    let mut buf = [0u8; 512];
    let n = data.len().min(512);
    buf[..n].copy_from_slice(&data[..n]);
    let sigs: [(&[u8], &'static str); 5] = [
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\x0D\x0A\x1A\x0A", "image/png"),
        (b"PK\x03\x04", "application/zip"),
        (b"BZh", "application/x-bzip2"),
        (b"\xFD7zXZ\x00", "application/x-xz"),
    ];
    for (sig, ct) in sigs {
        if buf.starts_with(sig) {
            return ct;
        }
    }
    let binary = buf.iter().any(|&b| {
        b <= 0x08 || b == 0x0B || (0x0E..=0x1A).contains(&b) || (0x1C..=0x1F).contains(&b)
    });
    if binary {
        "application/octet-stream"
    } else {
        "text/plain; charset=utf-8"
    }
}
