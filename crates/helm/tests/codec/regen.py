"""Golden generator for the YAML/JSON codecs: runs real Helm v4 in-process.

Usage: regen.py CASES_DIR OUT_DIR  (called by ./regen, which sets up the environment)

Every case is rendered through generated minimal charts in a temp dir:
- cases/yaml/NAME.yaml  -> expected/yaml/NAME.out
    "### values": the file as the chart's values.yaml, printed with `.Values | toJson`
                  (or "ERROR: <chart load error>"); nulls are dropped by Helm's coalescing.
    "### toYaml", "### toJson", "### toYamlPretty", "### toToml", "### types",
    "### fromYamlArray":
                  the file read with `.Files.Get | fromYaml` (no coalescing) and printed.
- cases/json/NAME.json  -> expected/json/NAME.out: fromJson/fromJsonArray probes.
- cases/values/NAME.yaml -> expected/values/NAME.out: only the "### values" probe (load
  errors, multi-document files).
- cases/tmpl/NAME.tpl -> expected/tmpl/NAME.out: a template expression (typed Go values:
  int, int64, float64 literals...) printed with toYaml/toJson/toYamlPretty; the Rust test
  builds the same value by name.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile

os.environ["TZ"] = "UTC"
import helm_python as helm  # noqa: E402

CHART_YAML = "apiVersion: v2\nname: codec\nversion: 0.1.0\n"

VALUES_TPL = "{{ .Values | toJson }}\n"

TYPES = (
    "{{ range $k, $x := $v }}{{ $k | quote }}: {{ kindOf $x }} {{ typeOf $x }} "
    "{{ printf \"%v\" $x | quote }}\n{{ end }}"
)

YAML_TPL = (
    "{{- $v := .Files.Get \"case.yaml\" | fromYaml }}\n"
    "### toYaml\n{{ $v | toYaml }}\n"
    "### toJson\n{{ $v | toJson }}\n"
    "### toYamlPretty\n{{ $v | toYamlPretty }}\n"
    "### toToml\n{{ $v | toToml }}\n"
    "### types\n" + TYPES + "\n"
    "### fromYamlArray\n{{ .Files.Get \"case.yaml\" | fromYamlArray | toJson }}\n"
)

JSON_TPL = (
    "{{- $v := .Files.Get \"case.json\" | fromJson }}\n"
    "### toJson\n{{ $v | toJson }}\n"
    "### toYaml\n{{ $v | toYaml }}\n"
    "### toYamlPretty\n{{ $v | toYamlPretty }}\n"
    "### types\n" + TYPES + "\n"
    "### fromJsonArray\n{{ .Files.Get \"case.json\" | fromJsonArray | toJson }}\n"
    "### fromJsonArray toYaml\n{{ .Files.Get \"case.json\" | fromJsonArray | toYaml }}\n"
)

TMPL_TPL = (
    "{{- $v := %s }}\n"
    "### toYaml\n{{ toYaml $v }}\n"
    "### toJson\n{{ toJson $v }}\n"
    "### toYamlPretty\n{{ toYamlPretty $v }}\n"
    "### toToml\n{{ toToml $v }}\n"
)

# A file the tmpl cases can read with .Files.GetBytes (bytes values).
TMPL_DATA = b"hi\n\x00\xffz"


def err_text(e: BaseException) -> str:
    return getattr(e, "detail", None) or str(e)


def render(tmp: str, files: dict[str, bytes]) -> str:
    chart = os.path.join(tmp, "chart")
    shutil.rmtree(chart, ignore_errors=True)
    for name, data in files.items():
        path = os.path.join(chart, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    try:
        c = helm.Chart.load(chart)
    except Exception as e:  # noqa: BLE001
        return "ERROR: " + err_text(e) + "\n"
    try:
        out = c.render({}, name="r", namespace="default", is_install=True)
    except Exception as e:  # noqa: BLE001
        return "ERROR: " + err_text(e) + "\n"
    finally:
        c.close()
    return out["codec/templates/t.yaml"]


def values_probe(tmp: str, data: bytes) -> str:
    return "### values\n" + render(tmp, {
        "Chart.yaml": CHART_YAML.encode(),
        "values.yaml": data,
        "templates/t.yaml": VALUES_TPL.encode(),
    })


def main() -> int:
    cases, out = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    try:
        for kind in ("yaml", "json", "values", "tmpl"):
            src = os.path.join(cases, kind)
            dst = os.path.join(out, kind)
            shutil.rmtree(dst, ignore_errors=True)  # outputs of removed cases go too
            os.makedirs(dst, exist_ok=True)
            for name in sorted(os.listdir(src)):
                with open(os.path.join(src, name), "rb") as f:
                    data = f.read()
                if kind == "yaml":
                    text = values_probe(tmp, data) + render(tmp, {
                        "Chart.yaml": CHART_YAML.encode(),
                        "case.yaml": data,
                        "templates/t.yaml": YAML_TPL.encode(),
                    })
                elif kind == "json":
                    text = render(tmp, {
                        "Chart.yaml": CHART_YAML.encode(),
                        "case.json": data,
                        "templates/t.yaml": JSON_TPL.encode(),
                    })
                elif kind == "tmpl":
                    expr = data.decode().strip()
                    text = render(tmp, {
                        "Chart.yaml": CHART_YAML.encode(),
                        "data.bin": TMPL_DATA,
                        "templates/t.yaml": (TMPL_TPL % expr).encode(),
                    })
                else:
                    text = values_probe(tmp, data)
                stem = os.path.splitext(name)[0]
                with open(os.path.join(dst, stem + ".out"), "w", encoding="utf-8") as f:
                    f.write(text)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
