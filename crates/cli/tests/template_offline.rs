//! `capstan template` renders offline: the flags and chart references that
//! need a cluster or the network fail with a message saying so (exit status
//! 1, Helm's `Error: ` form), instead of being ignored or reported as a
//! missing path.

mod support;

use support::{capstan, small_chart, text};

/// Runs `capstan template ARGS` and returns (status, stdout, stderr).
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let work = tempfile::tempdir().expect("tempdir");
    small_chart(work.path());
    let mut all = vec!["template"];
    all.extend_from_slice(args);
    let out = capstan(&all, work.path());
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn cluster_flags_are_refused_with_a_reason() {
    for (args, message) in [
        (
            &["r", "./chart", "--validate"][..],
            "Error: --validate needs a Kubernetes cluster; capstan template renders offline (use --dry-run=client)\n",
        ),
        (
            &["r", "./chart", "--dry-run=server"][..],
            "Error: --dry-run=server needs a Kubernetes cluster; capstan template renders offline (use --dry-run=client)\n",
        ),
    ] {
        assert_eq!(
            run(args),
            (Some(1), String::new(), message.to_string()),
            "{args:?}"
        );
    }
}

#[test]
fn client_dry_run_renders() {
    for flag in ["--dry-run=client", "--dry-run"] {
        let (status, stdout, stderr) = run(&["r", "./chart", flag]);
        assert_eq!(status, Some(0), "{flag}: {stderr}");
        assert!(
            stdout.contains("# Source: c/templates/cm.yaml\n"),
            "{flag}: {stdout}"
        );
    }
}

#[test]
fn network_chart_references_are_refused_with_a_reason() {
    for (args, message) in [
        (
            &["r", "c", "--repo", "https://charts.example.com"][..],
            "Error: --repo https://charts.example.com: chart repositories need the network; vendor the chart and pass its directory or .tgz\n",
        ),
        (
            &["r", "./chart", "--version", "1.2.3"][..],
            "Error: --version selects a chart from a repository, which needs the network\n",
        ),
        (
            &["r", "https://example.com/c-0.1.0.tgz"][..],
            "Error: https://example.com/c-0.1.0.tgz: charts from a URL or an OCI registry need the network; vendor the chart and pass its directory or .tgz\n",
        ),
        (
            &["r", "oci://registry.example.com/charts/c"][..],
            "Error: oci://registry.example.com/charts/c: charts from a URL or an OCI registry need the network; vendor the chart and pass its directory or .tgz\n",
        ),
        (
            &["r", "./chart", "--dependency-update"][..],
            "Error: --dependency-update needs the network; vendor dependencies under charts/\n",
        ),
    ] {
        assert_eq!(
            run(args),
            (Some(1), String::new(), message.to_string()),
            "{args:?}"
        );
    }
}

#[test]
fn dry_run_values_are_checked_as_helm_template_checks_them() {
    for (value, message) in [
        (
            "maybe",
            "Error: invalid dry-run value (\"maybe\"). Must be \"none\", \"server\", or \"client\"\n",
        ),
        // helm template always dry-runs: "none" and false are refused.
        (
            "none",
            "Error: invalid dry-run value (\"none\"). Must be \"server\" or \"client\"\n",
        ),
        (
            "false",
            "Error: invalid dry-run value (\"false\"). Must be \"server\" or \"client\"\n",
        ),
    ] {
        let flag = format!("--dry-run={value}");
        let (status, _, stderr) = run(&["r", "./chart", &flag]);
        assert_eq!((status, stderr.as_str()), (Some(1), message), "{flag}");
    }
    let (status, _, stderr) = run(&["r", "./chart", "--dry-run=true"]);
    assert_eq!(status, Some(0), "{stderr}");
}
