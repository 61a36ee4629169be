"""Writes cases/generated.json: seeded random templates that combine features.

    python3 generate_cases.py            # rewrite cases/generated.json, then run ./regen write

The hand-written groups test one behaviour per case; these mix them (trim
markers around control structures, variables assigned in nested scopes,
functions applied to every kind of operand, errors deep inside pipelines) to
find interactions nobody thought of. The seed is fixed, so the file is
reproducible; change SEED or COUNT only deliberately (every expected result
changes). Like every case file, the result is judged by the Go oracle.
"""
from __future__ import annotations

import json
import os
import random

SEED = 20261125
COUNT = 400

DATA = {
    "s": "str", "e": "", "n": 3, "f": 2.5, "z": 0, "t": True, "no": False, "nil": None,
    "l": [1, "two", 3.5, None, [4], {"k": "v"}], "el": [],
    "m": {"a": 1, "b": "bee", "c": [1, 2], "d": {"x": "y"}, "nil": None}, "em": {},
    "words": ["alpha", "beta", "gamma"],
}

# Operands by kind, so that most generated calls are well-typed (an error
# ends a case early and teaches little). Comparisons only pair one kind with
# itself: the wording of "incompatible types" errors changed after Go 1.19
# (helm-changed.json covers it).
STRINGS = [".s", ".e", ".m.b", ".m.d.x", '"str"', '""', '"a b"', "`raw`", "(print .n)"]
FLOATS = [".n", ".f", ".z", ".m.a", "3.5", "1e3", "0.0"]
INTS = ["0", "1", "2", "-2", "0x10", "(len .words)", "(len .s)"]
LISTS = [".l", ".el", ".words", ".m.c"]
MAPS = [".m", ".em", ".m.d"]
OTHERS = [".t", ".no", ".nil", ".missing", ".m.missing", ".m.nil", "true", "false", ".", "$",
          "$.s", "$.m.d"]
ANY = STRINGS + FLOATS + INTS + LISTS + MAPS + OTHERS
VARS = ["$x", "$y"]


class Gen:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.vars: list[str] = []
        self.inner = 0  # inside range/with, where dot is an element

    def pick(self, xs):
        return self.rng.choice(xs)

    def operand(self, depth: int, pool=None) -> str:
        pool = pool or ANY
        r = self.rng.random()
        if r < 0.08 and self.vars and pool is ANY:
            return self.pick(self.vars)
        if r < 0.16 and depth > 0 and pool is ANY:
            return "(" + self.command(depth - 1) + ")"
        op = self.pick(pool)
        if self.inner and op.startswith(".") and len(op) > 1 and self.rng.random() < 0.75:
            op = "$" + op
        return op

    def command(self, depth: int) -> str:
        a = lambda pool=None: self.operand(depth, pool)  # noqa: E731
        fn = self.pick(["", "", "len", "index", "index", "print", "printf", "cmp", "cmp", "and",
                        "or", "not", "html", "js", "urlquery", "slice", "println"])
        if fn == "":
            return a()
        if fn == "len":
            return "len " + a(self.pick([STRINGS, LISTS, MAPS]))
        if fn == "index":
            if self.rng.random() < 0.5:
                return "index %s %s" % (a(LISTS), self.pick(["0", "1", "2", "(len .words | print | len)"]))
            return "index %s %s" % (a(MAPS), self.pick(['"a"', '"b"', '"d"', '"x"', '"nope"']))
        if fn == "slice":
            return "slice %s %s" % (self.pick([".l", ".words"]), self.pick(["0", "1", "1 2", "0 3"]))
        if fn == "printf":
            return 'printf "%s" %s' % (self.pick(["%v", "%d", "%s", "%q", "%T", "%v-%v", "%5.1f", "%x", "%+v"]),
                                       a() + (" " + a() if self.rng.random() < 0.3 else ""))
        if fn == "cmp":
            op = self.pick(["eq", "ne", "lt", "le", "gt", "ge"])
            pool = self.pick([STRINGS, FLOATS, INTS])
            return "%s %s %s" % (op, a(pool), a(pool))
        if fn in ("and", "or"):
            return "%s %s %s" % (fn, a(), a())
        if fn in ("not", "html", "js", "urlquery"):
            return "%s %s" % (fn, a())
        return "%s %s %s" % (fn, a(), a())

    def pipeline(self, depth: int = 2) -> str:
        p = self.command(depth)
        if self.rng.random() < 0.25:
            p += " | " + self.pick(["print", "html", "printf \"%v\"", "not", "urlquery",
                                    "print 1", "js", "println"])
        return p

    def action(self, body: str) -> str:
        left = self.pick(["{{", "{{", "{{- "])
        right = self.pick(["}}", "}}", " -}}"])
        return left + body + right

    def text(self) -> str:
        return self.pick(["", "", "a", " ", "\n", "  x\n", "[", "]", ", ", "\t"])

    def block(self, depth: int) -> str:
        out = []
        for _ in range(self.rng.randint(1, 3)):
            out.append(self.text())
            r = self.rng.random()
            if depth <= 0 or r < 0.35:
                out.append(self.action(self.pipeline()))
            elif r < 0.45:
                v = self.pick(VARS)
                if v in self.vars:
                    out.append(self.action("%s = %s" % (v, self.pipeline())))
                else:
                    out.append(self.action("%s := %s" % (v, self.pipeline())))
                    self.vars.append(v)
            elif r < 0.6:
                out.append(self.control("if", depth))
            elif r < 0.75:
                out.append(self.control("range", depth))
            elif r < 0.85:
                out.append(self.control("with", depth))
            elif r < 0.9:
                out.append(self.action("/* c */"))
            else:
                out.append(self.action(self.pipeline()))
        return "".join(out)

    def control(self, kind: str, depth: int) -> str:
        saved = list(self.vars)
        head = kind + " "
        declared = []
        if kind == "range" and self.rng.random() < 0.5:
            head += self.pick(["$i, $v := ", "$v := "])
            declared = ["$v"] + (["$i"] if "$i" in head else [])
        if kind == "range":
            head += self.operand(1, self.pick([LISTS, MAPS, LISTS]))
        else:
            head += self.pipeline(1)
        self.vars += declared
        changes_dot = kind != "if"
        self.inner += changes_dot
        s = self.action(head) + self.block(depth - 1)
        if kind == "range" and self.rng.random() < 0.2:
            s += self.action(self.pick(["break", "continue"]))
        if self.rng.random() < 0.4:
            s += self.action("else") + self.block(depth - 1)
        s += self.action("end")
        self.inner -= changes_dot
        self.vars = saved
        return s


def main() -> None:
    rng = random.Random(SEED)
    cases = []
    seen = set()
    while len(cases) < COUNT:
        g = Gen(rng)
        tmpl = g.block(3)
        if tmpl in seen or not tmpl:
            continue
        seen.add(tmpl)
        case = {"name": "gen-%03d" % len(cases), "template": tmpl, "data": DATA}
        mk = rng.random()
        if mk < 0.15:
            case["missingkey"] = "zero"
        elif mk < 0.25:
            case["missingkey"] = "error"
        cases.append(case)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "cases", "generated.json"), "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases))
        f.write("\n]\n")


if __name__ == "__main__":
    main()
