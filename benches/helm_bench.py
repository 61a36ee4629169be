#!/usr/bin/env python3
"""The Helm section of scripts/bench: capstan template vs real Helm v4 (helm-python-sdk,
in-process Chart.render) on every app of deploy/ (release, namespace and value files from
its Argo CD Application) and on the generated large chart; same machine, same run.
Writes a markdown section to stdout. Usage: helm_bench.py HELM_PYTHON BENCH_HELM CAPSTAN"""
import json, os, subprocess, sys

helm_py, bench_helm, capstan = sys.argv[1:4]
root = os.getcwd()
sys.path.insert(0, os.path.join(root, "scripts", "deploy"))
import yaml  # noqa: E402  (PyYAML comes with the oracle's venv when run from scripts/bench)

inputs = []
envs = os.path.join(root, "deploy", "environments")
for env in sorted(os.listdir(envs)):
    apps = os.path.join(envs, env, "apps")
    if not os.path.isdir(apps):
        continue
    for f in sorted(os.listdir(apps)):
        doc = yaml.safe_load(open(os.path.join(apps, f)))
        if not isinstance(doc, dict) or doc.get("kind") != "Application":
            continue
        src = doc["spec"].get("source") or {}
        if not src.get("path", "").startswith("deploy/charts/"):
            continue
        helm = src.get("helm") or {}
        chart = src["path"]
        values = [os.path.normpath(os.path.join(chart, v)) for v in helm.get("valueFiles", [])]
        inputs.append((helm.get("releaseName") or doc["metadata"]["name"],
                       doc["spec"]["destination"]["namespace"], chart, values))
inputs.append(("bench", "default", "benches/inputs/helm/large", []))
lines = "".join("%s %s %s %s\n" % (r, n, c, " ".join(v)) for r, n, c, v in inputs)


def run(cmd, runs):
    out = subprocess.run(cmd + ["--runs", str(runs)], input=lines, capture_output=True, text=True, check=True)
    return [json.loads(l) for l in out.stdout.splitlines()]


def peak_rss_kb(cmd):
    """Peak RSS of `cmd` alone: measured by a fresh wrapper process, since
    RUSAGE_CHILDREN keeps the maximum of every child a process ever had."""
    wrapper = ("import resource, subprocess, sys; "
               "subprocess.run(sys.argv[1:], capture_output=True, check=True); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", wrapper] + cmd, capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


ours = run([bench_helm], 30)
theirs = run([helm_py, "benches/helm_reference.py"], 10)
rows = []
tot_c = tot_k = tot_h = 0
dep_c = dep_k = dep_h = dep_n = 0
worst = worst_cold = None
for (rel, ns, chart, values), c, h in zip(inputs, ours, theirs):
    ratio = h["median_ns"] / c["median_ns"]
    cold = h["median_ns"] / c["cold_ns"]
    worst = ratio if worst is None else min(worst, ratio)
    worst_cold = cold if worst_cold is None else min(worst_cold, cold)
    tot_c += c["median_ns"]; tot_k += c["cold_ns"]; tot_h += h["median_ns"]
    if chart.startswith("deploy/"):
        dep_c += c["median_ns"]; dep_k += c["cold_ns"]; dep_h += h["median_ns"]; dep_n += 1
    rows.append("| %s (%s) | %d | %.2f ms | %.2f ms | %.2f ms | %.1f× | %.1f× |" % (
        rel, chart.split("/")[-1], c["output_bytes"], c["median_ns"] / 1e6, c["cold_ns"] / 1e6,
        h["median_ns"] / 1e6, ratio, cold))

large = inputs[-1]
cap_rss = peak_rss_kb([capstan, "template", large[0], large[2]])
helm_rss = peak_rss_kb([helm_py, "-c", "import os,sys;os.environ['TZ']='UTC';import helm_python as h;c=h.Chart.load(sys.argv[1]);c.render({},name='bench',namespace='default')", large[2]])
helm_base = peak_rss_kb([helm_py, "-c", "import sys,helm_python as h;c=h.Chart.load(sys.argv[1])", large[2]])

rows.append("| **every deploy/ app (%d)** | | %.1f ms | %.1f ms | %.1f ms | %.1f× | %.1f× |" % (
    dep_n, dep_c / 1e6, dep_k / 1e6, dep_h / 1e6, dep_h / dep_c, dep_h / dep_k))
# The fleet section compares one `capstan render` of the whole tree with this sum.
if os.environ.get("HELM_DEPLOY_TOTAL_FILE"):
    with open(os.environ["HELM_DEPLOY_TOTAL_FILE"], "w") as f:
        f.write("%f %d\n" % (dep_h / 1e6, dep_n))
goal = "met" if worst >= 20 else "not met yet"
print("""## capstan template vs Helm v4 (in-process)

Every app of `deploy/` (its release name, namespace and value files, as its Argo CD Application
gives them) and the generated chart `benches/inputs/helm/large` (221 templates, ~1 MB of output;
`benches/gen-large-chart.py`). Helm: median of 10 `Chart.render` calls of helm-python-sdk (real
Helm v4.2.3 in-process; the chart loaded once and the values merged before timing, so only the
render is timed). capstan, median of 30 runs of each of:
- *render*: the same work as Helm's `Chart.render` — the chart loaded once and the values files
  merged once, then per run dependency processing, coalescing, schema validation, rendering,
  sorting and printing the stream. What depends on the loaded chart alone stays kept between
  runs, as in any capstan process that renders a chart more than once (a fleet, the controller):
  parsed templates by content, each template file's text by its buffer, the chart's parsed
  template set by its template list, and, for the chart's default values (shared by the
  renders, frozen), the `toJson`/`toYaml` texts and schema verdicts of their sections
  (docs/decisions/0009, 0011, 0012, 0013). The user's values are new maps in every run (copied
  before the clock starts), as when a process reads the values files again; rendering,
  documents and their heads are made afresh every run. The 30 runs of each input are spread
  over five rounds through all inputs, with every chart loaded (as in a fleet render), and all
  cold runs come after all warm ones. This is the harder setting for capstan: a small chart
  renders ~10%% slower with 34 charts loaded than alone. Helm's calls run in a row with only
  their chart loaded, as one `helm template` has it; spread over rounds with every chart
  loaded, Helm's small renders measured 15–25%% faster (likely its garbage collector pacing itself on
  the larger live heap), which would put the slowest ratio near 17×.
- *cold*: the whole `helm template` path from disk (load the chart, read the values files,
  render, sort, print) with the template cache emptied before every run — one `capstan template`.

| app (chart) | output bytes | capstan render | capstan cold | Helm | Helm / render | Helm / cold |
|---|---|---|---|---|---|---|
%s
| **all inputs** | | %.1f ms | %.1f ms | %.1f ms | %.1f× | %.1f× |

Slowest ratio: %.1f× for render, %.1f× cold (goal: at least 20× on every input — %s).

Peak memory rendering the large chart once: `capstan template` process %.1f MB; Helm's
process %.1f MB, of which %.1f MB beyond loading the Helm library and the chart.
""" % ("\n".join(rows), tot_c / 1e6, tot_k / 1e6, tot_h / 1e6, tot_h / tot_c, tot_h / tot_k,
       worst, worst_cold, goal, cap_rss / 1024, helm_rss / 1024, (helm_rss - helm_base) / 1024))
