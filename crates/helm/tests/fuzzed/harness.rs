//! What each capstan-helm fuzz target does with one input: shared by the
//! fuzz targets (fuzz/fuzz_targets/helm_*.rs include this file) and by the
//! replay test (tests/fuzzed.rs), so a committed crash input replays exactly
//! the calls that found it.
//!
//! Every function must return without panicking for any input; the only
//! assertions are invariants Go itself guarantees (e.g. `json.Marshal`
//! output is valid JSON).

use std::io::Write;

use capstan_gotmpl::{Map, Value};
use capstan_helm::chart::{self, File};
use capstan_helm::render::{self, RenderOptions, SideBySide, manifest};
use capstan_helm::values::strvals::{self, FileReader, Mode};
use capstan_helm::{json, values, yaml};

/// `helm_values`: Helm's YAML readers, the writers over what they read, and
/// the JSON reader on the same text.
pub(crate) fn values(input: &[u8]) {
    let _ = yaml::parse_values_bytes(input);
    let _ = yaml::unmarshal_bytes(input);
    let text = String::from_utf8_lossy(input);
    if let Ok(m) = yaml::parse_values(&text) {
        write_back(&Value::map(m), true);
    }
    if let Ok(v) = yaml::unmarshal(&text) {
        write_back(&v, true);
    }
    let _ = yaml::parse_yaml_list(&text);
    let _ = yaml::from_yaml(&text);
    let _ = json::from_json(&text);
    let _ = json::from_json_array(&text);
    if let Ok(v) = json::parse_json(&text) {
        write_back(&v, true);
    }
}

/// The writers over a decoded value. When every number is a float64 (what
/// the YAML and JSON readers produce), `json.Marshal` of the decoded output
/// must give the same text again.
fn write_back(v: &Value, floats_only: bool) {
    // toYaml is written straight from the value; the node tree it replaced
    // is the reference, bytes and errors.
    let direct = yaml::marshal(v).map_err(|e| (e.kind(), e.message().to_string()));
    let tree = yaml::marshal_via_tree(v).map_err(|e| (e.kind(), e.message().to_string()));
    assert_eq!(
        direct, tree,
        "toYaml direct and via the tree differ on {v:?}"
    );
    let _ = yaml::to_yaml_pretty(v);
    if let Ok(text) = json::to_json(v) {
        let reread = json::parse_json(&text);
        assert!(
            reread.is_ok(),
            "to_json wrote invalid JSON {text:?}: {reread:?}"
        );
        if floats_only && let Ok(again) = reread {
            assert_eq!(json::to_json(&again).ok().as_deref(), Some(text.as_str()));
        }
    }
}

/// `helm_set`: the `--set` family. The first byte picks the flag; the rest
/// is split at the first newline into two flag values parsed into the same
/// map, as repeated flags are (so a later key can meet an earlier value of
/// another kind).
pub(crate) fn set(input: &[u8]) {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let (first, second) = text.split_once('\n').unwrap_or((&text, ""));
    let mut dest = Map::new();
    for part in [first, second] {
        let mut read = |name: &str| -> Result<String, String> {
            // A file's text is its name reversed; names with `!` are missing.
            if name.contains('!') {
                Err(format!("open {name}: no such file or directory"))
            } else {
                Ok(name.chars().rev().collect())
            }
        };
        let reader: &mut FileReader<'_> = &mut read;
        let mode = match mode % 5 {
            0 => Mode::Typed,
            1 => Mode::Strings,
            2 => Mode::Json,
            3 => Mode::File(reader),
            _ => Mode::Literal,
        };
        if strvals::parse_into(part, &mut dest, mode).is_err() {
            break;
        }
    }
    let _ = strvals::parse(first, Mode::Typed);
    write_back(&Value::map(dest), false);
}

/// `helm_chart`: the first byte picks the loader: a `.tgz` from raw bytes,
/// a tar stream (the rest gzipped here, so the tar reader sees the fuzzed
/// bytes), or a file list (the rest split at NUL bytes into name, content,
/// name, content...).
pub(crate) fn chart(input: &[u8]) {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
            let _ = chart::load_archive(rest);
        }
        1 => {
            let _ = chart::load_archive(&gzip(rest));
        }
        _ => {
            if let Ok(c) = chart::load_files(file_list(rest)) {
                let _ = c.templates();
                let _ = c.crds();
                let _ = c.chart_value(true);
                let _ = values::prepare(c, &Map::new());
            }
        }
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

fn file_list(data: &[u8]) -> Vec<File> {
    let mut parts = data.split(|&b| b == 0);
    let mut files = Vec::new();
    while let Some(name) = parts.next() {
        let content = parts.next().unwrap_or_default();
        files.push(File::new(
            String::from_utf8_lossy(name).into_owned(),
            content.to_vec(),
        ));
    }
    files
}

const CHART_YAML: &str = "apiVersion: v2\nname: fz\nversion: 0.1.0\nappVersion: \"1.0\"\n";
const VALUES_YAML: &str = "\
name: demo
replicas: 2
enabled: true
ratio: 0.5
list: [a, b, {c: d}]
map: {k: v, n: 1, nested: {x: [1, 2]}}
empty: {}
nothing: null
sub:
  local: 1
global:
  g: 1
";
const HELPERS: &str = "\
{{- define \"fz.name\" -}}{{ .Chart.Name | trunc 63 | trimSuffix \"-\" }}{{- end -}}
{{- define \"fz.labels\" -}}
app: {{ include \"fz.name\" . }}
release: {{ .Release.Name }}
{{- end -}}
";
const SUB_CHART: &str = "apiVersion: v2\nname: sub\nversion: 0.2.0\n";
const SUB_TEMPLATE: &str = "sub: {{ .Values.local }} {{ .Values.global.g }}\n";

/// `helm_render`: a fixed chart (helpers, values, a subchart, a data file)
/// whose `templates/fz.yaml` is the input, loaded in memory, prepared and
/// rendered with Sprig and Helm's functions, then split and sorted into
/// manifests as `helm template` does.
///
/// `render::render` takes no execution limits: it runs under
/// `capstan_gotmpl::Limits::default()` (fuel 100M, output 256 MiB, nesting
/// 2000), so slow inputs show up as timeouts, not as errors.
pub(crate) fn render(input: &[u8]) {
    let start = std::time::Instant::now();
    let _ = render_text(input);
    // The check renders the input eight times over: not for inputs that
    // take long once (values doubled in a loop until a limit stops them).
    if start.elapsed() < std::time::Duration::from_millis(100) {
        side_by_side_agrees(input);
    }
}

/// Functions whose output differs from one call to the next (random,
/// clock): a template using one may print differently on two renders.
const UNREPEATABLE: [&str; 9] = [
    "rand", "uuid", "gen", "now", "date", "ago", "shuffle", "htpasswd", "encrypt",
];

/// The input as four templates of a chart (so that they can execute on two
/// threads), rendered on one thread and on two: the outputs, or the errors,
/// must be the same.
fn side_by_side_agrees(input: &[u8]) {
    let text = String::from_utf8_lossy(input).to_lowercase();
    if UNREPEATABLE.iter().any(|f| text.contains(f)) {
        return;
    }
    let mut files = vec![
        File::new("Chart.yaml", CHART_YAML.as_bytes().to_vec()),
        File::new("values.yaml", VALUES_YAML.as_bytes().to_vec()),
        File::new("templates/_helpers.tpl", HELPERS.as_bytes().to_vec()),
    ];
    for name in ["a", "b", "c", "d"] {
        files.push(File::new(format!("templates/{name}.yaml"), input.to_vec()));
    }
    let Ok(c) = chart::load_files(files) else {
        return;
    };
    // Each render coalesces its own values: a render may write to them.
    let (Ok(first), Ok(prepared)) = (
        values::prepare(c.clone(), &Map::new()),
        values::prepare(c, &Map::new()),
    ) else {
        return;
    };
    let mut one = RenderOptions::new("rel", "ns");
    one.side_by_side = SideBySide::Never;
    let sequential = render::render(&first.chart, &first.values, &one).map_err(|e| e.message);
    let mut two = RenderOptions::new("rel", "ns");
    two.side_by_side = SideBySide::Always;
    let parallel = render::render(&prepared.chart, &prepared.values, &two).map_err(|e| e.message);
    assert_eq!(sequential, parallel, "one thread and two threads disagree");
}

/// [`render`], returning the rendered `templates/fz.yaml` when every step
/// succeeded (so the replay test can check the fixed chart is sound).
pub(crate) fn render_text(input: &[u8]) -> Option<String> {
    let files = vec![
        File::new("Chart.yaml", CHART_YAML.as_bytes().to_vec()),
        File::new("values.yaml", VALUES_YAML.as_bytes().to_vec()),
        File::new("templates/_helpers.tpl", HELPERS.as_bytes().to_vec()),
        File::new("templates/fz.yaml", input.to_vec()),
        File::new("files/data.txt", b"line one\nline two\n".to_vec()),
        File::new("files/conf.yaml", b"a: 1\nb: [x]\n".to_vec()),
        File::new("charts/sub/Chart.yaml", SUB_CHART.as_bytes().to_vec()),
        File::new(
            "charts/sub/templates/s.yaml",
            SUB_TEMPLATE.as_bytes().to_vec(),
        ),
    ];
    let c = chart::load_files(files).ok()?;
    let prepared = values::prepare(c, &Map::new()).ok()?;
    let opts = RenderOptions::new("rel", "ns");
    let out = render::render(&prepared.chart, &prepared.values, &opts).ok()?;
    let parse = |doc: &str| yaml::unmarshal(doc).map_err(|e| e.to_string());
    let rendered = out.iter().filter(|(k, _)| !k.ends_with("NOTES.txt"));
    manifest::sort_manifests(rendered.map(|(k, v)| (k.as_str(), v.as_str())), &parse).ok()?;
    out.get("fz/templates/fz.yaml").cloned()
}
