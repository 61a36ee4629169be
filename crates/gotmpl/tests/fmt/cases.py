#!/usr/bin/env python3
"""Writes cases.json, the inputs of the fmt golden suite (edit the cases here, then run
`tests/fmt/cases.py && tests/fmt/regen write` from crates/gotmpl).

Each case is a name, a function (sprintf, sprint, sprintln), a format and arguments in the
typed JSON convention (see oracle/main.go): plain numbers are float64; I() is a Go int,
I64() an int64, B() a []byte of UTF-8 text, BH() a []byte from hex, F() a float64 from a
decimal string (exact, unlike JSON numbers in some parsers) or NaN/+Inf/-Inf/-0.
"""
import json
import os
def I(n): return {"__int__": n}
def I64(n): return {"__int64__": n}
def B(s): return {"__bytes__": s}
def BH(h): return {"__bytes_hex__": h}
def F(s): return {"__float__": s}
cases = []
def add(group, fmt, *args, func="sprintf"):
    n = len([c for c in cases if c["name"].startswith(group + "/")])
    name = f"{group}/{n:02d}"
    c = {"name": name, "func": func}
    if func == "sprintf": c["format"] = fmt
    c["args"] = list(args)
    cases.append(c)
def sp(group, *args): add(group, None, *args, func="sprint")
def spl(group, *args): add(group, None, *args, func="sprintln")

# --- Sprint / Sprintln
sp("sprint"); sp("sprint", "a", "b"); sp("sprint", I(1), I(2)); sp("sprint", "a", I(1), I(2), "b", "c")
sp("sprint", None, None); sp("sprint", I(1), "x", 2.5); sp("sprint", True, False); sp("sprint", 1e6, 1e21, 100000.0)
sp("sprint", [1, "a", None, [True]]); sp("sprint", {"b": I(2), "a": 1.5, "c": None}); sp("sprint", B("hi"), B("")); sp("sprint", F("NaN"), F("+Inf"), F("-Inf"), F("-0"))
sp("sprint", I64(-7), I(-9223372036854775808)); sp("sprint", [], {}); sp("sprint", "", ""); sp("sprint", "a", None, "b")
sp("sprint", [B("ab"), {"k": [1, 2]}]); sp("sprint", F("0.1"), F("0.30000000000000004"), 1.5e-05, 0.0001)
spl("sprintln"); spl("sprintln", "a", "b"); spl("sprintln", I(1), "x", None, [1, 2]); spl("sprintln", {"z": "y"}, B("q"))
spl("sprintln", "", "")

# --- %v of every kind
for v in [None, True, I(42), I64(-42), 3.14, 1e6, 1e-7, 123456789.0, 100000.0, 1.5e-05, F("-0"), F("NaN"), F("+Inf"), F("-Inf"),
          "héllo", B("hi"), [1, "two", None, [3.5]], {"b": 1, "a": [I(2)], "c": {"d": None}}, [], {}, F("5e-324"), F("1.7976931348623157e308"), 0.000123]:
    add("v", "%v", v)
# %+v and %#v
for v in [I(3), -2.5, "q\"s", True, None, [1, "a", None, B("x"), {"k": I(1)}], {"a": 1, "b": "x", "n": None}, B("hi"), B(""), [], {}, [[]], 1e6, F("NaN"), F("-0"), I64(5)]:
    add("v_plus", "%+v", v)
    add("v_sharp", "%#v", v)
add("v_width", "%8v|%-8v|", I(5), "ab")
add("v_width", "%6v", None)
add("v_width", "%2v", [I(1), I(22), None])
add("v_width", "%.2v", "hello")
add("v_width", "%.2v", None)
add("v_width", "%010v", -1.5)
add("v_width", "%5v", B("ab"))
add("v_width", "% v", [1.5, -2.5])

# --- integers
for f in ["%d", "%5d", "%-5d|", "%05d", "%+d", "% d", "%+05d", "%.3d", "%6.3d", "%-8.3d|", "%x", "%X", "%#x", "%#X", "%o", "%#o", "%O", "%#O", "%b", "%#b", "%08b", "%#08x", "%+x", "% x", "%.0d", "%5.0d|", "%c", "%q", "%+q", "%U", "%#U", "%.6U", "%e", "%s", "%t", "%f"]:
    add("int", f, I(255))
for v in [I(0), I(-255), I(-9223372036854775808), I64(9223372036854775807), I(-1)]:
    for f in ["%d", "%x", "%o", "%b", "%08d", "%+d", "%#x", "%.0d", "%c", "%U"]:
        add("int_edge", f, v)
for f in ["%c", "%q", "%+q", "%U", "%#U", "%5c|", "%-4q|", "%05c"]:
    for r in [0x41, 0x4E16, 0x1F600, 0x0A, 0x27, 0x22, 0x7F, 0xD800, 0x110000, 0xAD, 0x200B, 0xE9]:
        add("rune", f, I(r))
add("rune", "%#q", I(0x41))
add("rune", "%#.8U", I(0x1F600))
add("rune", "%08U", I(0x41))

# --- floats
for f in ["%v", "%f", "%.2f", "%8.3f", "%-8.3f|", "%08.3f", "%+.2f", "% .2f", "%e", "%.3e", "%E", "%g", "%.3g", "%G", "%F", "%#g", "%#.3g", "%#e", "%#.0f", "%#.0e", "%#v", "%10.4g|", "%-+10.2e|", "%+v", "%b", "%d", "%s", "%x", "%X", "%.3x", "%#x"]:
    add("float", f, 1234.5678)
for v in [0.0, F("-0"), 1.0, -1.0, 0.5, 2.5, 1e21, 1e20, 1e-5, 123456789.0, F("NaN"), F("+Inf"), F("-Inf"), F("0.1"), 100000.0, 1e6]:
    for f in ["%v", "%.0f", "%e", "%g", "%08.2f", "%+v", "% f", "%#g", "%.1f", "%5.1v"]:
        add("float_edge", f, v)
add("float_big", "%.30f", F("0.1"))
add("float_big", "%.40e", F("0.1"))
add("float_big", "%.25g", F("0.1"))
add("float_big", "%f", F("1e300"))
add("float_big", "%.3f", F("1.7976931348623157e308"))
add("float_big", "%g", F("2.2250738585072014e-308"))
add("float_big", "%.1f", 0.25)
add("float_big", "%.1f", 0.35)
add("float_big", "%.2f", 1.005)
add("float_big", "%.0f", 0.5)
add("float_big", "%.0f", 1.5)
add("float_big", "%.0e", 2.5)
add("float_big", "%.3g", 2.0005)
add("float_big", "%.17g", 0.1)
add("float_big", "%x", F("5e-324"))
add("float_big", "%.1x", 1.96875)
add("float_big", "%#.3x", 1.0)
add("float_big", "%#X", 1.0)
add("float_big", "%.1074f", F("5e-324"))
add("float_big", "%.800e", F("0.1"))
add("float_big", "%.780g", F("2.2250738585072014e-308"))
add("float_big", "%#.20g", 1.0)
add("float_big", "%.20e", F("1e23"))
add("float_big", "%v %v", F("1062023229912698.25"), F("9007199254740993"))

# --- strings
for f in ["%s", "%10s|", "%-10s|", "%.3s", "%10.3s|", "%q", "%+q", "%#q", "%x", "%X", "% x", "%#x", "%# x", "%# X", "%.2x", "%8x|", "%-8x|", "%010x", "%d", "%c", "%t", "%v", "%#v", "%T", "%5T|", "%.2q"]:
    add("string", f, "héllo")
for s in ["", "a\"b", "tab\there", "nl\nx", "back`tick", "ctl\x01\x7f", "bell\a\b\f\r\v", "uni\u2028\u00a0\u00ad", "emoji😀", "cjk世界", "bom\ufeff", "\\slash", "tag\U000E0001", "zero\x00"]:
    for f in ["%q", "%+q", "%#q", "%x", "%s|%5.1s|"]:
        if f == "%s|%5.1s|":
            add("quote", f, s, s)
        else:
            add("quote", f, s)
# Quoting copies runs eight bytes at a time: specials at and around word
# boundaries, multi-byte characters straddling them, long quoted documents.
for s in ["1234567\"", "12345678\"", "123456789\\", "1234567\x7f8", "12345678\x1f", "1234567é", "123456789\u2028",
          "1234567😀x", "123456\ufeffxy", "\"\\\"\\", "abcdefgh\u00ad", "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f",
          '{"k":"a\\nb","é":[1,"\x7f"],"x":"<&>"}' * 4, "\U000E0001" * 9 + "z"]:
    for f in ["%q", "%+q"]:
        add("quote_runs", f, s)
add("string", "%05s", "ab")
add("string", "%-05s|", "ab")
add("string", "%6s|", "日本語")
add("string", "%-6q|", "日本")
add("string", "%.1s", "日本語")
add("string", "% 8x|", "")
add("string", "%x|%5x|", "", "")

# --- bytes
for f in ["%v", "%d", "%s", "%q", "%x", "%X", "% x", "%#v", "%5v", "%c", "%o", "%t", "%T", "%10s|", "%.1s", "%#x", "%+q", "%#q", "%U", "%e", "%08b"]:
    add("bytes", f, B("hi"))
add("bytes", "%s", BH("61ff62"))
add("bytes", "%q", BH("61ff62e282"))
add("bytes", "%+q", BH("c3a9ff"))
add("bytes", "%#q", BH("61ff"))
add("bytes", "%x", BH("00ff10"))
add("bytes", "%v", BH(""))
add("bytes", "%#v", BH(""))
add("bytes", "%s", BH(""))
add("bytes", "%v|%s", [B("ab"), B("c")], [B("ab")])
add("bytes", "%#v", [B("ab")])
add("bytes", "%x", [B("ab"), "cd", I(255)])
add("bytes", "%q", [B("ab")])

# --- lists and maps element-wise
lst = [1, 2.5, -3]
for f in ["%d", "%v", "%5.2f", "%x", "%s", "%q", "%e", "%+v", "%#v", "%T", "%6v", "%-4v|", "%08.3f", "%t"]:
    add("list", f, lst)
ilst = [I(1), I(2), I(255)]
for f in ["%d", "%x", "%#x", "%5d", "%c", "%q", "%s", "%o", "%U", "%.3d", "%#v", "%T"]:
    add("list_int", f, ilst)
slst = ["a", "bc", "", None]
for f in ["%s", "%q", "%x", "%d", "%5s", "%-3s|", "%#v", "%v", "%.1s"]:
    add("list_str", f, slst)
m = {"b": I(2), "a": "x", "c": None, "d": [1.5, True]}
for f in ["%v", "%d", "%s", "%q", "%x", "%#v", "%+v", "%T", "%5v", "%t"]:
    add("map", f, m)
add("map", "%v", {"z": {"y": {"x": [I(1), {}]}}})
add("map", "%#v", {"z": {"y": {"x": [I(1), {}]}}})
add("map", "%v", {"é": 1, "a b": 2, "": 3, "B": 4, "a": 5})
add("list", "%v", [[], [[]], [None, [None]]])
add("list", "%#v", [None, [None], {}])
add("list", "%d", [True, "s", 1.5, B("x")])

# --- nil
for f in ["%v", "%d", "%s", "%q", "%x", "%T", "%#v", "%+v", "%t", "%f", "%10v|", "%-10v|", "%p", "%c"]:
    add("nil", f, None)

# --- bool
for f in ["%t", "%v", "%6t|", "%-6t|", "%06t", "%d", "%s", "%q", "%#v", "%T"]:
    add("bool", f, True)

# --- %T
for v in [I(1), I64(1), 1.0, "s", True, B("b"), [1], {"a": 1}]:
    add("type", "%T", v)
add("type", "%T %T", None, [None])

# --- argument handling
add("args", "%d %d", I(1))
add("args", "%d", I(1), I(2))
add("args", "%d", I(1), "a", None, [1], B("b"), 2.5)
add("args", "no verbs", I(1), "a")
add("args", "%")
add("args", "abc%")
add("args", "%!", I(1))
add("args", "%5", I(1))
add("args", "%-", I(1))
add("args", "%.", I(1))
add("args", "%5.", I(1))
add("args", "%.*", I(1))
add("args", "%z", I(1))
add("args", "%z", "s")
add("args", "%5z", I(1))
add("args", "%#z", 1.0)
add("args", "%-08z|", "ab")
add("args", "%☺", I(1))
add("args", "%%")
add("args", "%5%|%-5%|%05%")
add("args", "%v%%%v", I(1), I(2))
add("args", "%[2]d %[1]d", I(1), I(2))
add("args", "%[2]d %d", I(1), I(2), I(3))
add("args", "%[3]d", I(1), I(2))
add("args", "%[0]d", I(1))
add("args", "%[x]d", I(1))
add("args", "%[1]d", I(1), I(2))
add("args", "%[2]*[1]d", I(12), I(5))
add("args", "%[3]*.[2]*[1]f", 12.0, I(2), I(6))
add("args", "%.[2]d", I(1), I(2))
add("args", "%[1]2d", I(1))
add("args", "%[1].2d", I(1))
add("args", "%[1", I(1))
add("args", "%[]d", I(1))
add("args", "%[-1]d", I(1))
add("args", "%[1]", I(1))
add("args", "%[5]d %d", I(1), I(2))
add("args", "%d %[1]d %d", I(1), I(2))
add("args", "%*d", I(5), I(1))
add("args", "%-*d|", I(5), I(1))
add("args", "%*d|", I(-5), I(1))
add("args", "%0*d", I(-5), I(1))
add("args", "%*d", 5.0, I(1))
add("args", "%*d", "x", I(1))
add("args", "%*d", I(1))
add("args", "%*d")
add("args", "%.*f", I(2), 3.14159)
add("args", "%.*f", I(-2), 3.14159)
add("args", "%.*f", 2.0, 3.14159)
add("args", "%*.*f|", I(10), I(3), 3.14159)
add("args", "%*d", I(10000000), I(1))
add("args", "%*d", I64(-10000000), I(1))
add("args", "%.*d", I(10000000), I(1))
add("args", "%999999999d", I(1))
add("args", "%.999999999d|after", I(1))
add("args", "%[999999999]d", I(1))
add("args", "%[99999999999999999999]d", I(1))
add("args", "%[1000001]d", I(1))
add("args", "%!(EXTRA)", I(1))
add("args", "%d%d%d", I(1), None, "x")
add("args", "%s %s", "a")
add("args", "%v", None, None)
add("args", "%2147483648d", I(1))
add("args", "%-+# 0d", I(5))
add("args", "%+-5d|", I(5))
add("args", "%0-5d|", I(5))
add("args", "%-05d|", I(5))
add("args", "%x %X", "hi", B("hi"))
add("args", "%[2]s %[2]s", "a", "b")
add("args", "%[2]d", I(1), "b")
add("args", "a%sb%sc", "1", "2")
add("args", "%é", I(1))
add("args", "%d\u00e9%s", I(1), "ü")
add("args", "%10.3v|", "abcdef")
add("args", "%-10.3q|", "abcdef")
add("args", "%.0s|", "abc")
add("args", "%.3q", "a\nbcd")
add("args", "%U", "x")
add("args", "%p", I(1))
add("args", "%p", "s")
add("args", "%v %v %v %v", I(1), 2.0, "3", [I(4)])
add("args", "%6.2f%%", 99.5)
add("args", "%s", [I(1), "a"])
add("args", "%v", [I(1), I(2), I(3)], "extra")
add("args", "%#v %+v", {"a": I(1)}, [I(1)])

json_text = "[\n" + ",\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n]\n"
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.json"), "w", encoding="utf-8").write(json_text)
print(len(cases))
