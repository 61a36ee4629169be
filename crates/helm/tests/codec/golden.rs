//! Shared helpers for the codec golden suites (tests/yaml.rs, tests/json.rs,
//! tests/codec_robust.rs), included with `#[path]` so it is not a test target itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The folder holding `cases/` and `expected/`.
pub(crate) fn codec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/codec")
}

/// Every case of one kind: (name, input text, expected output text).
pub(crate) fn cases(kind: &str, ext: &str) -> Vec<(String, String, String)> {
    cases_bytes(kind, ext)
        .into_iter()
        .map(|(n, i, e)| (n, String::from_utf8_lossy(&i).into_owned(), e))
        .collect()
}

/// Like [`cases`], with the input as raw bytes.
pub(crate) fn cases_bytes(kind: &str, ext: &str) -> Vec<(String, Vec<u8>, String)> {
    let dir = codec_dir();
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("cases").join(kind))
        .expect("cases dir")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    for path in names {
        let stem = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        if path.extension().and_then(|e| e.to_str()) != Some(ext) {
            continue;
        }
        let input = std::fs::read(&path).expect("case");
        let expected_path = dir.join("expected").join(kind).join(format!("{stem}.out"));
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!(
                "missing {}: run tests/codec/regen write",
                expected_path.display()
            )
        });
        out.push((stem, input, expected));
    }
    out
}

/// Splits an oracle output into its `### name` sections. Each section holds
/// the text printed by its template line, without the line's own newline.
pub(crate) fn sections(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("### ") {
            if let Some((n, body)) = current.take() {
                out.insert(n, body);
            }
            current = Some((name.trim_end_matches('\n').to_string(), String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
        }
    }
    if let Some((n, body)) = current.take() {
        out.insert(n, body);
    }
    for body in out.values_mut() {
        if body.ends_with('\n') {
            body.pop();
        }
    }
    out
}

/// Collects mismatches so that one run reports all of them.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub(crate) checked: usize,
    pub(crate) failures: Vec<String>,
}

/// Probes where we knowingly differ from Helm, with the reason.
/// A probe of `*` covers every probe of the case.
const KNOWN_DIVERGENCES: &[(&str, &str, &str)] = &[
    (
        "anchor_name_colon",
        "*",
        "libyaml ends an anchor name at ':' and then fails to parse the rest; \
         granit reads the whole name (YAML 1.2)",
    ),
    (
        "ls_in_plain",
        "*",
        "libyaml treats raw U+2028/U+2029/U+0085 in the source as line breaks; \
         granit reads them as content (YAML 1.2)",
    ),
    (
        "null",
        "toYamlPretty",
        "fromJson of `null` is a nil Go map (v3 prints {}); our Value has no typed nil map",
    ),
];

impl Report {
    pub(crate) fn check(&mut self, case: &str, probe: &str, expected: &str, actual: &str) {
        if KNOWN_DIVERGENCES
            .iter()
            .any(|(c, p, _)| *c == case && (*p == probe || *p == "*"))
        {
            return;
        }
        self.checked += 1;
        if expected != actual {
            self.failures.push(format!(
                "{case} [{probe}]\n--- helm\n{expected}\n--- ours\n{actual}\n"
            ));
        }
    }

    pub(crate) fn finish(self) {
        assert!(self.checked > 0, "no golden case was checked");
        if !self.failures.is_empty() {
            panic!(
                "{} of {} golden probes differ from Helm:\n{}",
                self.failures.len(),
                self.checked,
                self.failures.join("\n")
            );
        }
    }
}
