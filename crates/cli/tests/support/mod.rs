//! Helpers the CLI integration tests share: the repository root, running the
//! built `capstan` binary, and copying a folder tree.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where deploy/ and capstan.yaml are).
pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// Runs the built `capstan` with `args` in `dir`. Its download cache is a
/// folder of this test process, never the user's.
pub(crate) fn capstan(args: &[&str], dir: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_capstan"));
    if std::env::var_os("CAPSTAN_CACHE_DIR").is_none() {
        let cache = std::env::temp_dir().join(format!("capstan-test-cache-{}", std::process::id()));
        cmd.env("CAPSTAN_CACHE_DIR", cache);
    }
    cmd.args(args)
        .current_dir(dir)
        .output()
        .expect("capstan runs")
}

/// Output bytes as text.
pub(crate) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Copies the tree at `from` to `to`.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// A one-ConfigMap chart at `root/chart` (name `c`).
pub(crate) fn small_chart(root: &Path) {
    let chart = root.join("chart");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    )
    .expect("write");
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    )
    .expect("write");
}
