//! `capstan template`: `helm template` with Helm's flags, stdout, stderr and
//! exit status. Flags that need a cluster or the network fail with a clear
//! message instead of being ignored.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use capstan_helm::template::{DEBUG_HINT, OutputFile, TemplateOptions, WriteMode, template};
use capstan_helm::values::{LocalFiles, Options};
use clap::Args;

/// Locally render chart templates, exactly as `helm template` does.
#[derive(Debug, Args)]
#[command(
    after_help = "Renders offline: no cluster is contacted. Output, errors and exit status are those of Helm v4's `helm template`."
)]
pub(crate) struct TemplateArgs {
    /// `[NAME] CHART`: the release name (default `release-name`) and a chart
    /// directory or `.tgz` archive.
    #[arg(num_args = 1.., required = true, value_name = "NAME] [CHART")]
    args: Vec<String>,
    /// Namespace scope for this request.
    #[arg(short = 'n', long)]
    namespace: Option<String>,
    /// Specify values in a YAML file (can specify multiple).
    #[arg(short = 'f', long = "values", value_delimiter = ',')]
    values: Vec<String>,
    /// Set values on the command line (`key1=val1,key2=val2`).
    #[arg(long = "set")]
    set: Vec<String>,
    /// Set STRING values on the command line.
    #[arg(long = "set-string")]
    set_string: Vec<String>,
    /// Set JSON values on the command line.
    #[arg(long = "set-json")]
    set_json: Vec<String>,
    /// Set values from files (`key=path`).
    #[arg(long = "set-file")]
    set_file: Vec<String>,
    /// Set a literal STRING value on the command line.
    #[arg(long = "set-literal")]
    set_literal: Vec<String>,
    /// Kubernetes version used for Capabilities.KubeVersion.
    #[arg(long = "kube-version")]
    kube_version: Option<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions.
    #[arg(short = 'a', long = "api-versions", value_delimiter = ',')]
    api_versions: Vec<String>,
    /// Include CRDs in the templated output.
    #[arg(long = "include-crds")]
    include_crds: bool,
    /// If set, no CRDs will be installed (no effect on template output).
    #[arg(long = "skip-crds")]
    skip_crds: bool,
    /// Prevent hooks from running (leaves them out of the output).
    #[arg(long = "no-hooks")]
    no_hooks: bool,
    /// Skip tests from templated output.
    #[arg(long = "skip-tests")]
    skip_tests: bool,
    /// Set .Release.IsUpgrade instead of .Release.IsInstall.
    #[arg(long = "is-upgrade")]
    is_upgrade: bool,
    /// Only show manifests rendered from the given templates.
    #[arg(short = 's', long = "show-only")]
    show_only: Vec<String>,
    /// Writes the executed templates to files in output-dir instead of stdout.
    #[arg(long = "output-dir", value_parser = clap::builder::OsStringValueParser::new())]
    output_dir: Option<std::ffi::OsString>,
    /// Use release name in the output-dir path.
    #[arg(long = "release-name")]
    release_name: bool,
    /// Generate the name (and omit the NAME parameter).
    #[arg(short = 'g', long = "generate-name")]
    generate_name: bool,
    /// Specify template used to name the release.
    #[arg(long = "name-template")]
    name_template: Option<String>,
    /// Simulate client-side (the default) or server-side (needs a cluster).
    #[arg(long = "dry-run", num_args = 0..=1, default_missing_value = "client")]
    dry_run: Option<String>,
    /// Deprecated: validate against a cluster (needs a cluster).
    #[arg(long)]
    validate: bool,
    /// Chart repository URL (needs the network).
    #[arg(long)]
    repo: Option<String>,
    /// Chart version constraint (charts from repositories need the network).
    #[arg(long)]
    version: Option<String>,
    /// Update dependencies before installing (needs the network).
    #[arg(long = "dependency-update")]
    dependency_update: bool,
    /// Post-renderer binary (not supported).
    #[arg(long = "post-renderer")]
    post_renderer: Option<String>,
    /// Enable DNS lookups when rendering templates (needs the network).
    #[arg(long = "enable-dns")]
    enable_dns: bool,
    /// Disable the OpenAPI validation (no effect offline).
    #[arg(long = "disable-openapi-validation")]
    disable_openapi_validation: bool,
    /// Skip values.schema.json validation.
    #[arg(long = "skip-schema-validation")]
    skip_schema_validation: bool,
    /// Create the release namespace if not present (no effect on output).
    #[arg(long = "create-namespace")]
    create_namespace: bool,
}

/// Runs the command; returns the exit status.
pub(crate) fn run(a: TemplateArgs) -> anyhow::Result<u8> {
    if let Some(reason) = unsupported(&a) {
        return Ok(fail(&reason, false));
    }
    let opts = TemplateOptions {
        args: a.args,
        namespace: a.namespace,
        values: Options {
            value_files: a.values,
            json_values: a.set_json,
            values: a.set,
            string_values: a.set_string,
            file_values: a.set_file,
            literal_values: a.set_literal,
        },
        kube_version: a.kube_version,
        api_versions: a.api_versions,
        include_crds: a.include_crds,
        no_hooks: a.no_hooks,
        skip_tests: a.skip_tests,
        is_upgrade: a.is_upgrade,
        show_only: a.show_only,
        // Helm treats an empty --output-dir as none (stdout), never as "/".
        output_dir: a.output_dir.filter(|d| !d.is_empty()).map(PathBuf::from),
        release_name_dir: a.release_name,
        generate_name: a.generate_name,
        name_template: a.name_template,
        skip_schema_validation: a.skip_schema_validation,
    };
    match template(&opts, &mut LocalFiles) {
        Ok(out) => {
            let (log, failed) = write_files(&out.files);
            crate::write_stdout(&log)?;
            if let Some(message) = failed {
                return Ok(fail(&message, true));
            }
            crate::write_stdout(&out.stdout)?;
            Ok(0)
        }
        Err(err) => {
            // Helm writes the files before --show-only can fail.
            let (log, failed) = write_files(&err.files);
            crate::write_stdout(&log)?;
            Ok(fail(
                failed.as_deref().unwrap_or(&err.message),
                err.rendered,
            ))
        }
    }
}

/// Performs `--output-dir`'s writes with Helm's result (each document
/// created or appended as Helm's `writeToFile` does, a `wrote PATH` line per
/// document) but never a half-written file: each file's final text is put
/// together in memory (a hook appended to a file from an earlier run reads
/// it first), written to a temporary file beside it and renamed over it.
/// Returns the `wrote` lines of the files written and the error that
/// stopped the rest, if any.
fn write_files(files: &[OutputFile]) -> (String, Option<String>) {
    // Final text per file, in the order Helm first touches them.
    let mut order: Vec<&str> = Vec::new();
    let mut texts: HashMap<&str, String> = HashMap::new();
    for f in files {
        let path = f.path.as_str();
        let earlier = match texts.remove(path) {
            Some(text) => Some(text),
            None => {
                order.push(path);
                None
            }
        };
        let mut text = match (f.mode, earlier) {
            (WriteMode::Create, _) => String::new(),
            (_, Some(text)) => text,
            (WriteMode::Append, None) => String::new(),
            (WriteMode::AppendIfExists, None) if is_link(path) => String::new(),
            (WriteMode::AppendIfExists, None) => match std::fs::read(path) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(e) => return (String::new(), Some(format!("open {path}: {e}"))),
            },
        };
        text.push_str(&f.text);
        texts.insert(path, text);
    }
    let mut written: HashSet<&str> = HashSet::new();
    let mut failed = None;
    for f in files {
        if written.contains(f.path.as_str()) {
            continue;
        }
        if let Err(e) = write_one(f, texts.get(f.path.as_str()).map_or("", String::as_str)) {
            failed = Some(e);
            break;
        }
        written.insert(f.path.as_str());
    }
    let log = files
        .iter()
        .filter(|f| written.contains(f.path.as_str()))
        .map(|f| format!("wrote {}\n", f.path))
        .collect();
    (log, failed)
}

fn is_link(path: &str) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Writes one file's final text through a temporary file and a rename,
/// refusing a path whose directories under the output directory, or the
/// file itself, are symbolic links (they could lead outside it).
fn write_one(f: &OutputFile, text: &str) -> Result<(), String> {
    let path = Path::new(&f.path);
    let root = f
        .path
        .strip_suffix(&f.name)
        .map_or(Path::new("."), |dir| Path::new(dir.trim_end_matches('/')));
    let mut dir = root.to_path_buf();
    let parts: Vec<&str> = f.name.split('/').filter(|p| !p.is_empty()).collect();
    // The file itself too: a hook appended to a link would copy the link's
    // target into the output.
    for part in &parts {
        dir.push(part);
        if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "refusing to write {}: {} is a symbolic link",
                f.path,
                dir.display()
            ));
        }
    }
    let io = |e: std::io::Error| format!("open {}: {e}", f.path);
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent.join(format!(".{file_name}.capstan-{}.tmp", std::process::id()));
    let result = (|| {
        let mut out = std::fs::File::create(&tmp)?;
        out.write_all(text.as_bytes())?;
        out.sync_all()?;
        // os.Create and appending both keep an existing file's mode.
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

fn unsupported(a: &TemplateArgs) -> Option<String> {
    let needs_cluster = |flag: &str| {
        format!(
            "{flag} needs a Kubernetes cluster; capstan template renders offline (use --dry-run=client)"
        )
    };
    if a.validate {
        return Some(needs_cluster("--validate"));
    }
    // Helm's cmdGetDryRunFlagStrategy for `helm template`: client, server or
    // a Go boolean; "none" and false are refused (template always dry-runs).
    match a.dry_run.as_deref() {
        None | Some("client") => {}
        Some("server") => return Some(needs_cluster("--dry-run=server")),
        Some(v @ ("none" | "0" | "f" | "F" | "false" | "FALSE" | "False")) => {
            return Some(format!(
                "invalid dry-run value ({}). Must be \"server\" or \"client\"",
                go_quote(v)
            ));
        }
        Some("1" | "t" | "T" | "true" | "TRUE" | "True") => {}
        Some(other) => {
            return Some(format!(
                "invalid dry-run value ({}). Must be \"none\", \"server\", or \"client\"",
                go_quote(other)
            ));
        }
    }
    // A chart given as a URL (Helm downloads it, or pulls it from an OCI
    // registry) would otherwise read as a missing local path.
    if let Some(url) = a.args.iter().find(|x| {
        let lower = x.to_ascii_lowercase();
        ["oci://", "http://", "https://"]
            .iter()
            .any(|scheme| lower.starts_with(scheme))
    }) {
        return Some(format!(
            "{url}: charts from a URL or an OCI registry need the network; vendor the chart and pass its directory or .tgz"
        ));
    }
    if let Some(repo) = &a.repo {
        return Some(format!(
            "--repo {repo}: chart repositories need the network; vendor the chart and pass its directory or .tgz"
        ));
    }
    if a.dependency_update {
        return Some(
            "--dependency-update needs the network; vendor dependencies under charts/".into(),
        );
    }
    if a.post_renderer.is_some() {
        return Some("--post-renderer is not supported by capstan template".into());
    }
    if a.enable_dns {
        return Some("--enable-dns needs the network; capstan renders getHostByName as \"\" like Helm's default".into());
    }
    if a.version.is_some() {
        return Some("--version selects a chart from a repository, which needs the network".into());
    }
    let _ = (
        a.skip_crds,
        a.disable_openapi_validation,
        a.create_namespace,
    );
    None
}

/// Go's `%q` of a flag value.
fn go_quote(s: &str) -> String {
    capstan_helm::json::go_quote(s)
}

/// Prints Helm's error form and returns exit status 1.
fn fail(message: &str, rendered: bool) -> u8 {
    let hint = if rendered { DEBUG_HINT } else { "" };
    let _ = std::io::stderr().write_all(format!("Error: {message}{hint}\n").as_bytes());
    1
}
