"""Oracle B: judges cases/helm-*.json with real Helm v4 (Go 1.24+).

    python helm_oracle.py write      HELM_ORACLE_DIR CASES_DIR EXPECTED_DIR
    python helm_oracle.py crosscheck HELM_ORACLE_DIR CASES_DIR EXPECTED_DIR

Run by ../regen with the Python of the shared Helm oracle's virtual
environment; HELM_ORACLE_DIR is ../shared/tools/helm_oracle (its oracle.py
loads real Helm in-process through helm-python-sdk). `write` judges the
helm-* groups; `crosscheck` runs the Go groups through Helm too and lists
every case where Helm (Go 1.24+) disagrees with the Go 1.19 expectation, to
find behaviour that changed after Go 1.19 (a diagnostic, not part of CI).

Each case becomes a minimal chart in a temporary directory:

    Chart.yaml            apiVersion v2, name "c"
    templates/_t.tpl      the case template, byte for byte
    templates/x.yaml      {{template "c/templates/_t.tpl" .Values.d}}

and is rendered with the values {"d": DATA} (absent data: no values).
Executing the case template through `template` makes both `.` and `$` the
case data, as the Go oracle's data is. The raw engine output of templates/x.yaml is recorded (no
YAML parsing, no whitespace trimming: `Chart.render` is Helm's engine.Render).
Helm's own transformations, which the Rust harness re-applies to the engine's
result before comparing:
  * missingkey=zero (the harness runs helm groups with MissingKey::Zero);
  * every "<no value>" in the output replaced by "";
  * the template name is "c/templates/_t.tpl": replaced here by "t", the main
    template name of every case;
  * Helm rewrites execution errors as "LOC\\n  executing \\"NAME\\" at <NODE>:\\n    MSG"
    (a TraceableError); this is turned back into Go's one-line form;
  * Helm reduces parse errors to "parse error at (LOC): LAST" where LAST is
    the last ": "-separated part of Go's message; recorded as
    {"helm_parse_error": ...}, and the harness reduces the engine's error the
    same way.

Restrictions (checked): data is plain JSON (values reach Helm as JSON, so
numbers are float64) without typed values; no "extra", no "exec", no
"missingkey" other than "zero".
"""
from __future__ import annotations

import glob
import json
import os
import re
import sys
import tempfile

CHART_NAME = "c"
CASE_FILE = "templates/_t.tpl"
CASE_TEMPLATE = CHART_NAME + "/" + CASE_FILE
DRIVER_FILE = CHART_NAME + "/templates/x.yaml"
MAIN = "t"

TRACE = re.compile(
    r'\A(?P<loc>[^\n]*:\d+:\d+)\n  executing "(?P<name>(?:[^"\\\n]|\\.)*)" at <(?P<node>.*?)>:\n    (?P<msg>.*)\Z',
    re.S,
)
PARSE = re.compile(r"\Aparse error at \((?P<loc>[^)\n]*)\): (?P<msg>.*)\Z", re.S)


def fail(msg: str) -> None:
    sys.stderr.write("helm_oracle: %s\n" % msg)
    sys.exit(1)


def typed(v) -> bool:
    """Whether v holds a typed value of the typed-JSON convention."""
    if isinstance(v, dict):
        if len(v) == 1:
            k = next(iter(v))
            if k.startswith("__") and k.endswith("__") and len(k) > 4:
                return True
        return any(typed(x) for x in v.values())
    if isinstance(v, list):
        return any(typed(x) for x in v)
    return False


def go_error(text: str) -> dict | None:
    """Turns Helm's error text back into what the harness compares."""
    m = TRACE.match(text)
    if m:
        text = 'template: %s: executing "%s" at <%s>: %s' % (
            m["loc"], m["name"], m["node"], m["msg"])
    if text.startswith("template: "):
        return {"error": text.replace(CASE_TEMPLATE, MAIN)}
    m = PARSE.match(text)
    if m:
        return {"helm_parse_error": text.replace(CASE_TEMPLATE, MAIN)}
    return None


def helm_problem(case: dict) -> str | None:
    """Why a case cannot be given to Helm, or None."""
    for key in case:
        if key not in ("name", "template", "data", "missingkey"):
            return "field %r is not supported in helm cases" % key
    if case.get("missingkey", "zero") != "zero":
        return "Helm always runs with missingkey=zero"
    if typed(case.get("data")):
        return "typed values cannot be given to Helm"
    return None


# Sprig functions that replace a Go built-in of the same name in Helm: a helm
# case calling one would judge Sprig, not Go.
SPRIG_OVERRIDES = re.compile(r"\bslice\b")


def run_case(helm, oracle, root: str, case: dict, judge: bool = True) -> dict:
    name = case["name"]
    problem = helm_problem(case)
    if judge and not problem and SPRIG_OVERRIDES.search(case["template"]):
        problem = "Sprig's slice replaces Go's built-in slice in Helm"
    if problem:
        fail("%s: %s" % (name, problem))
    values = {"d": case["data"]} if "data" in case else {}
    chart = os.path.join(root, name)
    os.makedirs(os.path.join(chart, "templates"))
    with open(os.path.join(chart, "Chart.yaml"), "w", encoding="utf-8") as f:
        f.write("apiVersion: v2\nname: %s\nversion: 0.1.0\n" % CHART_NAME)
    with open(os.path.join(chart, CASE_FILE), "w", encoding="utf-8", newline="") as f:
        f.write(case["template"])
    with open(os.path.join(chart, "templates", "x.yaml"), "w", encoding="utf-8") as f:
        f.write('{{template "%s" .Values.d}}' % CASE_TEMPLATE)
    ch = helm.Chart.load(chart)
    try:
        files = ch.render(values, name="r", namespace="default", is_install=True)
    except Exception as e:  # noqa: BLE001 - Helm's errors are the result
        text = oracle._err(e)
        result = go_error(text)
        if result is None:
            if not judge:
                return {"unrecognised_helm_error": text}
            fail("%s: unrecognised Helm error form: %r" % (name, text))
        return result
    finally:
        ch.close()
    if DRIVER_FILE not in files:
        fail("%s: Helm rendered no %s (got %s)" % (name, DRIVER_FILE, sorted(files)))
    return {"output": files[DRIVER_FILE]}


def write_expected(path: str, results: dict) -> None:
    lines = []
    for name in sorted(results):
        k = json.dumps(name, ensure_ascii=False)
        v = json.dumps(results[name], ensure_ascii=False, separators=(",", ":"))
        lines.append("  %s: %s" % (k, v))
    with open(path, "w", encoding="utf-8") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


def helm_view(case: dict, go: dict) -> dict:
    """What Helm would show for a Go-oracle result: "<no value>" removed from
    outputs, parse errors reduced as Helm's cleanupParseError does."""
    if "output" in go:
        return {"output": go["output"].replace("<no value>", "")}
    err = go["error"]
    tokens = err.split(": ")
    if err.startswith("template: ") and "executing" not in err and len(tokens) >= 3:
        if re.match(r"\A[^:]*:\d+\Z", tokens[1]):
            return {"helm_parse_error": "parse error at (%s): %s" % (tokens[1], tokens[-1])}
    return {"error": err}


def crosscheck(helm, oracle, root: str, cases_dir: str, expected_dir: str) -> int:
    differ = skipped = same = 0
    for path in sorted(glob.glob(os.path.join(cases_dir, "*.json"))):
        group = os.path.basename(path)[: -len(".json")]
        if group.startswith("helm-"):
            continue
        with open(path, encoding="utf-8") as f:
            cases = json.load(f)
        with open(os.path.join(expected_dir, group + ".json"), encoding="utf-8") as f:
            expected = json.load(f)
        for case in cases:
            probe = {k: v for k, v in case.items() if k != "missingkey"}
            if helm_problem(probe) or case.get("missingkey") == "error":
                skipped += 1
                continue
            got = run_case(helm, oracle, root, probe, judge=False)
            want = helm_view(case, expected[case["name"]])
            if got == want:
                same += 1
                continue
            differ += 1
            mk = case.get("missingkey", "default")
            print("--- %s [%s] missingkey=%s\n  template: %r\n  go1.19:   %r\n  helm:     %r"
                  % (case["name"], group, mk, case["template"], want, got))
    print("crosscheck: %d same, %d differ, %d not runnable in Helm" % (same, differ, skipped))
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] not in ("write", "crosscheck"):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    mode, oracle_dir, cases_dir, out_dir = argv
    sys.path.insert(0, oracle_dir)
    import oracle  # the shared Helm oracle (sets TZ, loads helm_python)

    helm = oracle._helm()
    seen = set()
    with tempfile.TemporaryDirectory() as root:
        if mode == "crosscheck":
            return crosscheck(helm, oracle, root, cases_dir, out_dir)
        for path in sorted(glob.glob(os.path.join(cases_dir, "helm-*.json"))):
            group = os.path.basename(path)[: -len(".json")]
            with open(path, encoding="utf-8") as f:
                cases = json.load(f)
            results = {}
            for case in cases:
                name = case["name"]
                if name in seen:
                    fail("duplicate case name %r" % name)
                seen.add(name)
                results[name] = run_case(helm, oracle, root, case)
            write_expected(os.path.join(out_dir, group + ".json"), results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
