#!/usr/bin/env python3
"""The Helm side of scripts/bench: real Helm v4 in-process (helm-python-sdk's Chart.render),
timed like benches/src/bin/bench-helm.rs: each input is a line `RELEASE NAMESPACE CHART
[VALUES_FILE...]` on stdin; the chart is loaded once, the values files are merged as -f does
(maps merge, later wins), then Chart.render runs --runs times; prints one JSON line per input
with the median nanoseconds. Run with the Helm oracle's python (it has helm_python)."""
import json, os, sys, time

os.environ["TZ"] = "UTC"
import helm_python as helm  # noqa: E402


def merge(dst, src):
    out = dict(dst)
    for k, v in src.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def main():
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 50
    for line in sys.stdin:
        words = line.split()
        if len(words) < 3:
            continue
        release, namespace, chart_dir, *value_files = words
        values = {}
        for f in value_files:
            values = merge(values, helm.values_from_yaml(open(f, encoding="utf-8").read()) or {})
        chart = helm.Chart.load(chart_dir)
        chart.render(values, name=release, namespace=namespace, is_install=True)
        times = []
        for _ in range(runs):
            t = time.perf_counter_ns()
            chart.render(values, name=release, namespace=namespace, is_install=True)
            times.append(time.perf_counter_ns() - t)
        chart.close()
        times.sort()
        print(json.dumps({"chart": chart_dir, "median_ns": times[len(times) // 2]}), flush=True)


if __name__ == "__main__":
    main()
