//! `capstan template --output-dir` against real Helm: the fixtures under
//! crates/helm/tests/output_dir/ (goldens written by its `regen` script) are
//! run in a scratch copy each (with `before/` copied over it: files already
//! in the output directory), and capstan's stdout (the `wrote PATH` lines),
//! error, exit status and the whole tree under `out/` must equal Helm's.
//! Then the safety rules capstan adds: no temporary file left behind, no
//! write through a symbolic link, a failed write leaves the old file whole.

mod support;

use std::path::{Path, PathBuf};

use support::{capstan, copy_dir, small_chart, text};

const DEBUG_SUFFIX: &str = "\n\nUse --debug flag to render out invalid YAML";

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../helm/tests/output_dir")
}

/// A scratch copy of `fixture` as regen prepares it.
fn scratch(fixture: &Path) -> tempfile::TempDir {
    let work = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture.join("chart"), &work.path().join("chart"));
    if fixture.join("before").is_dir() {
        copy_dir(&fixture.join("before"), work.path());
    }
    work
}

/// The tree under `root/out` in regen's format.
fn list_tree(root: &Path) -> String {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root.join("out"), &mut files);
    let mut rel: Vec<String> = files
        .iter()
        .map(|p| {
            p.strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    rel.sort();
    rel.iter()
        .map(|p| {
            let data = std::fs::read(root.join(p)).expect("readable");
            format!("==> {p} <==\n{}\n", text(&data))
        })
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn output_dir_matches_helm() {
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(suite())
        .expect("suite folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("cmd").is_file())
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 9, "fixtures: {}", fixtures.len());
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let name = fixture.file_name().unwrap_or_default().to_string_lossy();
        let work = scratch(fixture);
        // The cmd lines of this suite need no quoting.
        let cmd = read(&fixture.join("cmd"));
        let mut args = vec!["template"];
        args.extend(cmd.split_whitespace());
        let out = capstan(&args, work.path());
        let stderr = text(&out.stderr);
        let stderr = match stderr.find("Error: ") {
            Some(i) => stderr[i..].replace(DEBUG_SUFFIX, ""),
            None => String::new(),
        };
        let status = out.status.code().map_or("signal".into(), |c| c.to_string());
        for (what, expected, actual) in [
            (
                "stdout",
                read(&fixture.join("expected.stdout")),
                text(&out.stdout),
            ),
            ("stderr", read(&fixture.join("expected.stderr")), stderr),
            (
                "status",
                read(&fixture.join("expected.status")).trim().to_string(),
                status,
            ),
            (
                "files",
                read(&fixture.join("expected.files")),
                list_tree(work.path()),
            ),
        ] {
            if expected != actual {
                failures.push(format!(
                    "{name}: {what} differs\n--- helm\n{expected}\n--- capstan\n{actual}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn no_temporary_file_is_left_behind() {
    let work = tempfile::tempdir().expect("tempdir");
    small_chart(work.path());
    let out = capstan(
        &["template", "r", "./chart", "--output-dir", "out"],
        work.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let names: Vec<String> = std::fs::read_dir(work.path().join("out/c/templates"))
        .expect("written")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["cm.yaml"]);
}

#[test]
fn a_symbolic_link_inside_the_output_dir_is_not_followed() {
    let work = tempfile::tempdir().expect("tempdir");
    small_chart(work.path());
    let elsewhere = work.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    std::fs::create_dir_all(work.path().join("out/c")).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, work.path().join("out/c/templates")).expect("symlink");
    let out = capstan(
        &["template", "r", "./chart", "--output-dir", "out"],
        work.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "Error: refusing to write out/c/templates/cm.yaml: out/c/templates is a symbolic link\n\nUse --debug flag to render out invalid YAML\n"
    );
    assert_eq!(std::fs::read_dir(&elsewhere).expect("dir").count(), 0);
}

#[test]
fn a_failed_write_leaves_the_old_file_and_no_partial_one() {
    let work = tempfile::tempdir().expect("tempdir");
    small_chart(work.path());
    // A directory where the file goes: the rename over it fails.
    let target = work.path().join("out/c/templates/cm.yaml");
    std::fs::create_dir_all(target.join("keep")).expect("mkdir");
    let out = capstan(
        &["template", "r", "./chart", "--output-dir", "out"],
        work.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("Error: open out/c/templates/cm.yaml: "),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).is_empty(), "{}", text(&out.stdout));
    assert!(target.join("keep").is_dir());
    let left: Vec<_> = std::fs::read_dir(work.path().join("out/c/templates"))
        .expect("dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn an_empty_output_dir_prints_the_stream() {
    let work = tempfile::tempdir().expect("tempdir");
    small_chart(work.path());
    let out = capstan(
        &["template", "r", "./chart", "--output-dir", ""],
        work.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
    );
}

#[test]
fn a_symbolic_link_in_place_of_a_file_is_not_followed() {
    let work = tempfile::tempdir().expect("tempdir");
    small_chart(work.path());
    let secret = work.path().join("secret.txt");
    std::fs::write(&secret, "not for the output\n").expect("write");
    std::fs::create_dir_all(work.path().join("out/c/templates")).expect("mkdir");
    std::os::unix::fs::symlink(&secret, work.path().join("out/c/templates/cm.yaml"))
        .expect("symlink");
    let out = capstan(
        &["template", "r", "./chart", "--output-dir", "out"],
        work.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "Error: refusing to write out/c/templates/cm.yaml: out/c/templates/cm.yaml is a symbolic link\n\nUse --debug flag to render out invalid YAML\n"
    );
    assert_eq!(
        std::fs::read_to_string(&secret).expect("read"),
        "not for the output\n"
    );
}
