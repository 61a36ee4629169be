"""Helm's linter (real Helm through helm-python-sdk) over every chart of deploy/charts.

Runs under the Helm oracle's own interpreter (it has helm_python). Each chart is linted
strictly with its ci/lint-values.yaml (a complete configuration; the chart defaults alone
leave required values empty on purpose). Prints one line per chart; exit 1 on any finding
above INFO.
"""

from __future__ import annotations

import sys
from pathlib import Path

import helm_python
import yaml

SEVERITY = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


def main(charts_dir: Path) -> int:
    helm_python.disable_logging()
    failed = 0
    for chart in sorted(p.parent for p in charts_dir.glob("*/Chart.yaml")):
        values_file = chart / "ci" / "lint-values.yaml"
        values = yaml.safe_load(values_file.read_text()) if values_file.exists() else None
        report = helm_python.lint(str(chart), values, strict=True, namespace="lint")
        bad = [m for m in report["messages"] if m["severity"] >= 2] + [{"severity": 3, "path": "", "error": e} for e in report["errors"]]
        if bad:
            failed += 1
            print("FAIL lint %s" % chart.name)
            for m in bad:
                print("    [%s] %s: %s" % (SEVERITY.get(m["severity"], "?"), m["path"], m["error"]))
        else:
            print("ok   lint %s" % chart.name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
