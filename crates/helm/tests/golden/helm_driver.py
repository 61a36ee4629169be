#!/usr/bin/env python3
"""`helm template` with the flags the shared oracle (../shared/tools/helm-template) lacks.

    helm_driver.py template RELEASE CHART [oracle flags...] [--include-crds] [--no-hooks]
                   [--skip-tests] [--is-upgrade] [--kube-version V] [--api-versions A[,B]]...
                   [--show-only PATH]... [--output-dir DIR [--release-name]]

Real Helm v4.2.3 still does all rendering, in-process through helm_python (the SDK the shared
oracle uses). This driver only adds what the SDK exposes or what pkg/cmd/template.go does
after the install action returns:

* --kube-version, --api-versions: passed to the SDK's install action (`kube_version`,
  `api_versions` options, which it accepts) and to its engine render (used for the hook
  section, as the shared oracle does);
* --is-upgrade: the install action has no such option, so the whole output is built from the
  SDK's engine render (`is_upgrade` option) with the shared oracle's port of
  releaseutil.SortManifests. The port is first cross-checked on the same chart in install mode
  against Helm's own install manifest; any difference is an oracle failure, never a guess;
* --include-crds: the SDK's chart.crds (Helm's Chart.CRDObjects) printed before the manifest as
  renderResources does. CRDObjects runs on the chart after dependency processing, which the SDK
  does not expose: charts whose dependencies declare condition, tags or alias are refused;
* --no-hooks, --skip-tests, --show-only: template.go's own post-processing of the output;
* --output-dir, --release-name: the SDK's install action has no OutputDir option, so Helm
  itself cannot write the files here. The documents, their paths and their order are real
  Helm's (the install manifest, cross-checked against the SortManifests port as for
  --is-upgrade, the hooks, the CRDs); the files are written by a port of template.go's and
  action.renderResources' writeToFile (path = DIR + "/" + name; CRDs and manifests create the
  file on first write and append after; hooks append when the file exists on disk; CRDs are
  written under DIR even with --release-name), with its `wrote PATH` lines on stdout;
* runInstall and the CLI's chart loader word a few errors differently from the SDK: a declared
  but missing dependency, and a top-level archive that cannot be unpacked or has no Chart.yaml
  (see cli_message); a chart folder without Chart.yaml is refused (the real message holds the
  absolute path);
* -f files: read by Helm's loader.LoadValues (see user_values), where the shared oracle uses
  another SDK entry point with other error messages and no multi-document files; --set-json
  errors in options.go's wording. Without any of the flags above, rendering is the shared
  oracle's own path (oracle.render_values).

Exit status and streams are the shared oracle's: manifest on stdout, "Error: ..." and 1.
"""
from __future__ import annotations

import json
import os
import re
import sys

TOOLS = os.environ.get("CAPSTAN_HELM_TOOLS") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "../../../../../shared/tools")
sys.path.insert(0, os.path.join(TOOLS, "helm_oracle"))

import cli  # noqa: E402  (the shared oracle's value handling)
import oracle  # noqa: E402

os.environ["TZ"] = "UTC"


class OracleFailure(Exception):
    """The driver cannot reproduce real Helm for this input."""


def parse(argv: list[str]) -> dict:
    o = {"pos": [], "ns": "default", "files": [], "sets": {k: [] for k in cli.SET_FLAGS},
         "crds": False, "no_hooks": False, "skip_tests": False, "upgrade": False,
         "kube": None, "apis": [], "show": [], "outdir": None, "relname": False}
    i = 0
    while i < len(argv):
        a = argv[i]
        key, eq, inline = a.partition("=") if a.startswith("--") else (a, "", "")

        def val() -> str:
            nonlocal i
            if eq:
                i += 1
                return inline
            i += 2
            return argv[i - 1]

        if key in ("-n", "--namespace"):
            o["ns"] = val()
        elif key in ("-f", "--values"):
            o["files"].append(val())
        elif key in cli.SET_FLAGS:
            o["sets"][key].append(val())
        elif key == "--kube-version":
            o["kube"] = val()
        elif key in ("-a", "--api-versions"):
            o["apis"] += [x for x in val().split(",") if x != ""]
        elif key in ("-s", "--show-only"):
            o["show"].append(val())
        elif key == "--output-dir":
            o["outdir"] = val()
        elif key == "--release-name":
            o["relname"] = True
            i += 1
        elif key in ("--include-crds", "--no-hooks", "--skip-tests", "--is-upgrade"):
            o[{"--include-crds": "crds", "--no-hooks": "no_hooks", "--skip-tests": "skip_tests",
               "--is-upgrade": "upgrade"}[key]] = True
            i += 1
        elif a.startswith("-"):
            raise OracleFailure("unsupported flag %s" % a)
        else:
            o["pos"].append(a)
            i += 1
    if len(o["pos"]) != 2:
        raise OracleFailure("expected RELEASE and CHART")
    return o


def user_values(o: dict, helm) -> dict:
    """Values as values.Options.MergeValues builds them.

    -f files are read by Helm's own loader.LoadValues (multi-document files included): the SDK
    has no direct entry point for it, so each file is loaded as the values.yaml of a throw-away
    chart and its message prefix swapped for the CLI's ("failed to parse FILE: ..."). The --set
    family is parsed by the SDK's strvals entry points, as in the shared oracle."""
    import tempfile

    values: dict = {}
    for f in o["files"]:
        try:
            with open(f, "rb") as fh:
                raw = fh.read()
        except FileNotFoundError:
            raise UserError("open %s: no such file or directory" % f)
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "Chart.yaml"), "w") as fh:
                fh.write("apiVersion: v2\nname: values\nversion: 0.1.0\n")
            with open(os.path.join(tmp, "values.yaml"), "wb") as fh:
                fh.write(raw)
            try:
                chart = helm.Chart.load(tmp)
            except Exception as e:  # noqa: BLE001
                msg = oracle._err(e)
                prefix = "cannot load values.yaml: "
                if not msg.startswith(prefix):
                    raise OracleFailure("unexpected values loading error: %s" % msg)
                raise UserError("failed to parse %s: %s" % (f, msg[len(prefix):]))
            try:
                values = cli.merge(values, chart.values or {})
            finally:
                chart.close()
    for flag in cli.SET_ORDER:
        for expr in o["sets"][flag]:
            if flag == "--set-json" and expr.strip().startswith("{"):
                raise OracleFailure("--set-json with a whole JSON object is not supported")
            try:
                values = cli.merge(values, getattr(helm, cli.SET_FLAGS[flag])(expr))
            except Exception as e:  # noqa: BLE001
                if flag == "--set-json":
                    # options.go drops the cause for --set-json
                    raise UserError("failed parsing --set-json data %s" % expr)
                raise UserError("failed parsing %s data: %s" % (flag, oracle._err(e)))
    return values


class UserError(Exception):
    """What real Helm reports as `Error: ...`."""


def caps_opts(o: dict) -> dict:
    out: dict = {}
    if o["kube"]:
        out["kube_version"] = o["kube"]
    if o["apis"]:
        out["api_versions"] = o["apis"]
    return out


def install_manifest(helm, chart_dir: str, o: dict, vals: dict) -> str:
    from helm_python import _native
    from helm_python.config import _NONE

    chart = helm.Chart.load(chart_dir)
    try:
        ctype = chart.metadata.get("type") or ""
        if ctype not in ("", "application"):
            raise UserError("%s charts are not installable" % ctype)
        opts = {"namespace": o["ns"], "dry_run": "client", **caps_opts(o)}
        payload = _native.call_string(
            "helm_install", oracle._config()._raw(), _native.HANDLE(_NONE), chart._raw(), None,
            o["pos"][0], json.dumps(vals), json.dumps(opts))
    except UserError:
        raise
    except Exception as e:  # noqa: BLE001
        raise UserError(cli_message(chart_dir, oracle._err(e)))
    finally:
        chart.close()
    return json.loads(payload).get("manifest", "") or ""


def engine_render(helm, chart_dir: str, o: dict, vals: dict, upgrade: bool) -> dict:
    from helm_python import _native

    chart = helm.Chart.load(chart_dir)
    try:
        opts = {"name": o["pos"][0], "namespace": o["ns"], "is_install": not upgrade,
                "is_upgrade": upgrade, **caps_opts(o)}
        raw = json.loads(_native.call_string("helm_render", chart._raw(), json.dumps(vals),
                                              json.dumps(opts)))
    finally:
        chart.close()
    return {k: v for k, v in raw.items() if not k.endswith("NOTES.txt")}


def generic_text(generic: list) -> str:
    return "".join("---\n# Source: %s\n%s\n" % (g["path"], g["content"]) for g in generic)


def extended(o: dict) -> bool:
    return bool(o["crds"] or o["no_hooks"] or o["skip_tests"] or o["upgrade"] or o["kube"]
                or o["apis"] or o["show"] or o["outdir"] is not None)


def render(o: dict) -> str:
    helm = oracle._helm()
    release, chart_dir = o["pos"]
    vals = user_values(o, helm)
    check_chart_path(chart_dir)
    if not extended(o):
        r = oracle.render_values(chart_dir, release, o["ns"], vals)
        if not r["ok"]:
            raise UserError(cli_message(chart_dir, r["error"]))
        return r["stdout"]
    manifest = install_manifest(helm, chart_dir, o, vals)
    try:
        hooks, generic = oracle.sort_manifests(engine_render(helm, chart_dir, o, vals, False))
    except Exception as e:  # noqa: BLE001
        raise OracleFailure("engine render failed where install succeeded: %s" % oracle._err(e))
    if generic_text(generic) != manifest:
        raise OracleFailure("the SortManifests port disagrees with Helm's install manifest")
    if o["upgrade"]:
        try:
            hooks, generic = oracle.sort_manifests(engine_render(helm, chart_dir, o, vals, True))
        except Exception as e:  # noqa: BLE001
            raise OracleFailure("upgrade render failed: %s" % oracle._err(e))
        manifest = generic_text(generic)
    if o["outdir"] is not None:
        return write_output_dir(o, crd_list(helm, chart_dir) if o["crds"] else [], generic, hooks)
    if o["crds"]:
        manifest = crd_text(helm, chart_dir) + manifest
    out = oracle.go_trim_space(manifest) + "\n"
    if not o["no_hooks"]:
        for h in hooks:
            if o["skip_tests"] and is_test_hook(h["content"]):
                continue
            out += "---\n# Source: %s\n%s\n" % (h["path"], h["content"])
    if o["show"]:
        out = show_only(out, o["show"])
    return out


# archive.LoadArchiveFiles messages: pkg/chart/loader.LoadFile (the CLI's loader) replaces them
# with one sentence for a top-level archive (subchart archives keep them, wrapped by the v2 loader).
_ARCHIVE_ERRORS = (
    "chart illegally contains absolute paths",
    "chart illegally contains content outside the base directory",
    "chart illegally references parent directory",
    "chart contains illegally named files",
    "chart yaml not in base directory",
    "decompressed chart is larger than the maximum size",
    "decompressed chart file ",
    "no files in chart archive",
)
_DEPS_SDK = "chart dependencies are missing; run dependency update/build first: "
_DEPS_CLI = ("an error occurred while checking for chart dependencies. You may need to run "
             "'helm dependency build' to fetch missing dependencies: ")


def check_chart_path(chart_dir: str) -> None:
    """Inputs whose real message names the chart's absolute path (LocateChart makes it
    absolute) cannot have a portable golden."""
    if not os.path.exists(chart_dir):
        raise OracleFailure("missing chart path: Helm's message depends on repositories")
    if os.path.isdir(chart_dir) and not os.path.isfile(os.path.join(chart_dir, "Chart.yaml")):
        raise OracleFailure("no Chart.yaml: Helm's message names the absolute path")


def cli_message(chart_dir: str, msg: str) -> str:
    """The SDK's message as the CLI prints it, where the CLI's code path differs from the SDK's
    (pkg/cmd/install.go runInstall, pkg/chart/loader/load.go LoadFile)."""
    if msg.startswith(_DEPS_SDK):
        return _DEPS_CLI + msg[len(_DEPS_SDK):]
    if os.path.isfile(chart_dir):
        if msg.startswith(_ARCHIVE_ERRORS):
            return "unable to load chart archive"
        if msg == "Chart.yaml file is missing":
            return "unable to detect chart version, no Chart.yaml found"
    return msg


def crd_list(helm, chart_dir: str) -> list:
    chart = helm.Chart.load(chart_dir)
    try:
        for dep in chart.metadata.get("dependencies") or []:
            if dep.get("condition") or dep.get("tags") or dep.get("alias"):
                raise OracleFailure("--include-crds with conditional or aliased dependencies")
        return [(c["filename"], c["data"]) for c in chart.crds]
    finally:
        chart.close()


def crd_text(helm, chart_dir: str) -> str:
    return "".join("---\n# Source: %s\n%s\n" % c for c in crd_list(helm, chart_dir))


def write_output_dir(o: dict, crds: list, generic: list, hooks: list) -> str:
    """--output-dir: real Helm's documents written as writeToFile writes them (a port of
    pkg/cmd/template.go and action.renderResources); returns what Helm prints on stdout."""
    base = o["outdir"]
    # filepath.Join(outputDir, releaseName) cleans the path; writeToFile joins with "/".
    newdir = os.path.normpath(os.path.join(base, o["pos"][0])) if o["relname"] else base
    log: list[str] = []

    def write(d: str, name: str, data: str, append: bool) -> None:
        path = d + "/" + name
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a" if append else "w", encoding="utf-8", newline="") as fh:
            fh.write("---\n# Source: %s\n%s\n" % (name, data))
        log.append("wrote %s\n" % path)

    written: set = set()
    for name, data in crds:
        write(base, name, data, name in written)
        written.add(name)
    for g in generic:
        write(newdir, g["path"], g["content"], g["path"] in written)
        written.add(g["path"])
    if not o["no_hooks"]:
        for h in hooks:
            if o["skip_tests"] and is_test_hook(h["content"]):
                continue
            exists = os.path.exists(os.path.join(newdir, h["path"]))
            write(newdir, h["path"], h["content"], exists)
    # The release manifest is empty (its documents went to files): Fprintln of "".
    rest = "\n"
    if o["show"]:
        # The wrote lines are out before --show-only can fail.
        sys.stdout.write("".join(log))
        sys.stdout.flush()
        return show_only(rest, o["show"])
    return "".join(log) + rest


def is_test_hook(doc: str) -> bool:
    import yaml

    try:
        y = yaml.safe_load(doc)
        hook = y["metadata"]["annotations"]["helm.sh/hook"]
    except Exception:  # noqa: BLE001
        return False
    return any(e.strip().lower() in ("test", "test-success") for e in str(hook).split(","))


_SOURCE = re.compile(r"# Source: [^/]+/(.+)")


def show_only(stream: str, patterns: list[str]) -> str:
    docs = oracle.split_manifests(stream)
    picked: list[str] = []
    for pat in patterns:
        missing = True
        for d in docs:
            m = _SOURCE.search(d)
            if m is None:
                continue
            if go_match(pat, m.group(1)):
                picked.append(d)
                missing = False
        if missing:
            raise UserError("could not find template %s in chart" % pat)
    return "".join("---\n%s\n" % d for d in picked)


def go_match(pattern: str, name: str) -> bool:
    """path/filepath.Match on '/'-separated names: '*' and '?' never cross '/'."""
    rx = ""
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            rx += "[^/]*"
        elif c == "?":
            rx += "[^/]"
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            rx += re.escape(pattern[i])
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                return False  # ErrBadPattern: Helm ignores the error and treats it as no match
            body = pattern[i + 1:j]
            if body.startswith("^"):
                body = "^" + body[1:]
            rx += "(?!/)[" + body.replace("\\", "\\\\") + "]"
            i = j
        else:
            rx += re.escape(c)
        i += 1
    return re.fullmatch(rx, name) is not None


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "template":
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    try:
        out = render(parse(argv[1:]))
    except UserError as e:
        sys.stderr.write("Error: %s\n" % e)
        return 1
    except OracleFailure as e:
        sys.stderr.write("oracle failure: %s\n" % e)
        return 3
    sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
