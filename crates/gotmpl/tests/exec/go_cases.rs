//! The table of cases whose expected results real Go 1.19 produced
//! (reworded where Go 1.24, which Helm v4 uses, words the error
//! differently: comparison and `call` errors).

use super::*;

/// (missingkey, template, what real Go did).
const GO_CASES: &[(&str, &str, Result<&str, &str>)] = &[
    (
        "-",
        "{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}",
        Ok("2"),
    ),
    (
        "-",
        "{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}",
        Ok("21"),
    ),
    (
        "-",
        "{{$x := 1}}{{range .l}}{{$x = .}}{{end}}{{$x}}",
        Ok("<no value>"),
    ),
    (
        "-",
        "{{range $i, $v := .l}}{{$i}}={{$v}};{{end}}",
        Ok("0=1;1=a;2=<no value>;"),
    ),
    ("-", "{{range $v := .m}}{{$v}};{{end}}", Ok("1;2;3;")),
    (
        "-",
        "{{range $k, $v := .m}}{{$k}}:{{$v}},{{end}}",
        Ok("a:1,b:2,c:3,"),
    ),
    ("-", "{{with $x := .s}}{{$x}}{{.}}{{end}}", Ok("strstr")),
    ("-", "{{if $x := .s}}{{$x}}{{else}}{{$x}}{{end}}", Ok("str")),
    ("-", "{{range .l}}{{$.s}}{{end}}", Ok("strstrstr")),
    (
        "-",
        "{{define \"x\"}}[{{$}}|{{.}}]{{end}}{{template \"x\" .s}}{{template \"x\"}}",
        Ok("[str|str][<no value>|<no value>]"),
    ),
    ("-", "{{range .e}}x{{else}}empty{{end}}", Ok("empty")),
    ("-", "{{range .n}}x{{else}}empty{{end}}", Ok("empty")),
    ("-", "{{range .missing}}x{{else}}empty{{end}}", Ok("empty")),
    ("-", "{{range .em}}x{{else}}empty{{end}}", Ok("empty")),
    (
        "-",
        "{{range .s}}x{{end}}",
        Err("template: t:1:8: executing \"t\" at <.s>: range can't iterate over str"),
    ),
    (
        "-",
        "{{range .f}}x{{end}}",
        Err("template: t:1:8: executing \"t\" at <.f>: range can't iterate over 3"),
    ),
    ("-", "{{range .b}}{{.}},{{end}}", Ok("104,105,")),
    ("-", "{{range .l}}{{.}},{{end}}", Ok("1,a,<no value>,")),
    (
        "-",
        "{{range $i, $e := .l}}{{if eq $i 1}}{{continue}}{{end}}{{$e}}{{if eq $i 1}}{{break}}{{end}};{{end}}",
        Ok("1;<no value>;"),
    ),
    (
        "-",
        "{{range .l}}{{if eq . \"a\"}}{{break}}{{end}}{{.}}{{end}}",
        Err(
            "template: t:1:17: executing \"t\" at <eq . \"a\">: error calling eq: incompatible types for comparison: float64 and string",
        ),
    ),
    (
        "-",
        "{{range .l}}{{range $.l}}{{if eq . \"a\"}}{{break}}{{end}}{{.}}{{end}}|{{end}}",
        Err(
            "template: t:1:30: executing \"t\" at <eq . \"a\">: error calling eq: incompatible types for comparison: float64 and string",
        ),
    ),
    (
        "-",
        "{{if 0}}T{{else}}F{{end}}{{if 0.0}}T{{else}}F{{end}}{{if \"\"}}T{{else}}F{{end}}{{if .e}}T{{else}}F{{end}}{{if .em}}T{{else}}F{{end}}{{if .n}}T{{else}}F{{end}}{{if .missing}}T{{else}}F{{end}}{{if .fa}}T{{else}}F{{end}}{{if nilf}}T{{else}}F{{end}}",
        Ok("FFFFFFFFF"),
    ),
    (
        "-",
        "{{if 1}}T{{else}}F{{end}}{{if .z}}T{{else}}F{{end}}{{if \"0\"}}T{{else}}F{{end}}{{if .l}}T{{else}}F{{end}}{{if .m}}T{{else}}F{{end}}{{if .t}}T{{else}}F{{end}}{{if .b}}T{{else}}F{{end}}{{if .i64}}T{{else}}F{{end}}",
        Ok("TFTTTTTT"),
    ),
    (
        "-",
        "{{if eq .s \"a\"}}a{{else if eq .s \"str\"}}str{{else}}other{{end}}",
        Ok("str"),
    ),
    (
        "-",
        "{{with .missing}}a{{else}}b{{end}}{{with .s}}{{.}}{{end}}",
        Ok("bstr"),
    ),
    (
        "-",
        "{{.missing}}|{{.n}}|{{.m}}|{{.l}}|{{.b}}|{{.f}}|{{.z}}|{{.i64}}|{{.t}}",
        Ok("<no value>|<no value>|map[a:1 b:2 c:3]|[1 a <nil>]|[104 105]|3|0|1|true"),
    ),
    ("-", "{{.missing.x}}", Ok("<no value>")),
    (
        "zero",
        "{{.missing}}|{{.missing.x}}",
        Err(
            "template: t:1:23: executing \"t\" at <.missing.x>: nil pointer evaluating interface {}.x",
        ),
    ),
    (
        "error",
        "{{.missing}}",
        Err("template: t:1:2: executing \"t\" at <.missing>: map has no entry for key \"missing\""),
    ),
    (
        "error",
        "{{.n.x}}",
        Err("template: t:1:4: executing \"t\" at <.n.x>: nil pointer evaluating interface {}.x"),
    ),
    (
        "-",
        "{{.s.x}}",
        Err(
            "template: t:1:4: executing \"t\" at <.s.x>: can't evaluate field x in type interface {}",
        ),
    ),
    (
        "-",
        "{{$x := .s}}{{$x.x}}",
        Err("template: t:1:16: executing \"t\" at <$x.x>: can't evaluate field x in type string"),
    ),
    (
        "-",
        "{{.m.a.b}}",
        Err(
            "template: t:1:4: executing \"t\" at <.m.a.b>: can't evaluate field b in type interface {}",
        ),
    ),
    (
        "-",
        "{{.m.a 1}}",
        Err("template: t:1:4: executing \"t\" at <.m.a>: a is not a method but has arguments"),
    ),
    ("-", "{{nilf}}|{{(nilf).x}}", Ok("<no value>|<no value>")),
    (
        "error",
        "{{(nilf).x}}",
        Err("template: t:1:3: executing \"t\" at <nilf>: nil data; no entry for key \"x\""),
    ),
    (
        "-",
        "{{up 1}}",
        Err("template: t:1:5: executing \"t\" at <1>: expected string; found 1"),
    ),
    (
        "-",
        "{{up .f}}",
        Err(
            "template: t:1:5: executing \"t\" at <.f>: wrong type for value; expected string; got float64",
        ),
    ),
    (
        "-",
        "{{up .missing}}",
        Err("template: t:1:5: executing \"t\" at <.missing>: invalid value; expected string"),
    ),
    (
        "-",
        "{{up .n}}",
        Err(
            "template: t:1:5: executing \"t\" at <.n>: wrong type for value; expected string; got interface {}",
        ),
    ),
    (
        "-",
        "{{up nil}}",
        Err("template: t:1:5: executing \"t\" at <nil>: cannot assign nil to string"),
    ),
    ("-", "{{.s | up}}", Ok("STR")),
    (
        "-",
        "{{up \"a\" \"b\"}}",
        Err("template: t:1:2: executing \"t\" at <up>: wrong number of args for up: want 1 got 2"),
    ),
    (
        "-",
        "{{\"a\" | up \"b\"}}",
        Err("template: t:1:8: executing \"t\" at <up>: wrong number of args for up: want 1 got 2"),
    ),
    ("-", "{{tf 1}}|{{tf 1.5}}|{{ti 3}}|{{ti2 4}}", Ok("2|3|6|8")),
    (
        "-",
        "{{tf .i}}",
        Err(
            "template: t:1:5: executing \"t\" at <.i>: wrong type for value; expected float64; got int",
        ),
    ),
    (
        "-",
        "{{ti .i}}",
        Err(
            "template: t:1:5: executing \"t\" at <.i>: wrong type for value; expected int64; got int",
        ),
    ),
    (
        "-",
        "{{ti 1.5}}",
        Err("template: t:1:5: executing \"t\" at <1.5>: expected integer; found 1.5"),
    ),
    (
        "-",
        "{{bl 1}}",
        Err("template: t:1:5: executing \"t\" at <1>: expected bool; found 1"),
    ),
    (
        "-",
        "{{lst .l}}|{{lst nil}}|{{mp .m}}|{{mp .missing}}",
        Ok("3|0|3|0"),
    ),
    (
        "-",
        "{{lst .s}}",
        Err(
            "template: t:1:6: executing \"t\" at <.s>: wrong type for value; expected []interface {}; got string",
        ),
    ),
    (
        "-",
        "{{lst \"x\"}}",
        Err(
            "template: t:1:6: executing \"t\" at <\"x\">: can't handle \"x\" for arg of type []interface {}",
        ),
    ),
    (
        "-",
        "{{anyf nil}}|{{anyf .missing}}|{{anyf 1}}|{{anyf .l}}",
        Ok("<nil>|<nil>|1|[1 a <nil>]"),
    ),
    (
        "-",
        "{{join \",\" \"a\" \"b\"}}|{{join \",\"}}|{{\"c\" | join \",\" \"a\"}}",
        Ok("a,b||a,c"),
    ),
    (
        "-",
        "{{join}}",
        Err(
            "template: t:1:2: executing \"t\" at <join>: wrong number of args for join: want at least 1 got 0",
        ),
    ),
    (
        "-",
        "{{join \",\" 1}}",
        Err("template: t:1:11: executing \"t\" at <1>: expected string; found 1"),
    ),
    (
        "-",
        "{{fail \"boom\"}}",
        Err("template: t:1:2: executing \"t\" at <fail \"boom\">: error calling fail: boom"),
    ),
    ("-", "{{\"x\" | printf \"%s-%s\" \"a\"}}", Ok("a-x")),
    (
        "-",
        "{{and 1 0 2}}|{{or 0 \"\" \"x\"}}|{{and 1 2}}|{{or 0 \"\"}}|{{and .missing 1}}|{{or .missing}}",
        Ok("0|x|2||<no value>|<no value>"),
    ),
    (
        "-",
        "{{or 1 (fail \"x\")}}|{{and 0 (fail \"x\")}}|{{0 | and 1}}|{{1 | or 0}}",
        Ok("1|0|0|1"),
    ),
    (
        "-",
        "{{and}}",
        Err(
            "template: t:1:2: executing \"t\" at <and>: wrong number of args for and: want at least 1 got 0",
        ),
    ),
    (
        "-",
        "{{not 0}}|{{not .l}}|{{not .missing}}",
        Ok("true|false|true"),
    ),
    (
        "-",
        "{{not 1 2}}",
        Err(
            "template: t:1:2: executing \"t\" at <not>: wrong number of args for not: want 1 got 2",
        ),
    ),
    (
        "-",
        "{{len \"abc\"}}|{{len .l}}|{{len .m}}|{{len .b}}|{{len .e}}",
        Ok("3|3|3|2|0"),
    ),
    (
        "-",
        "{{len 3}}",
        Err("template: t:1:2: executing \"t\" at <len 3>: error calling len: len of type int"),
    ),
    (
        "-",
        "{{len .missing}}",
        Err(
            "template: t:1:2: executing \"t\" at <len .missing>: error calling len: reflect: call of reflect.Value.Type on zero Value",
        ),
    ),
    (
        "-",
        "{{len .n}}",
        Err("template: t:1:2: executing \"t\" at <len .n>: error calling len: len of nil pointer"),
    ),
    (
        "-",
        "{{index .nested \"a\" 1 \"k\"}}|{{index .l 1}}|{{index \"abc\" 1}}|{{index .m \"zz\"}}|{{index .b 0}}|{{index .l}}",
        Ok("v|a|98|<no value>|104|[1 a <nil>]"),
    ),
    (
        "-",
        "{{index .l 3}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .l 3>: error calling index: reflect: slice index out of range",
        ),
    ),
    (
        "-",
        "{{index .l 4}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .l 4>: error calling index: index out of range: 4",
        ),
    ),
    (
        "-",
        "{{index .l -1}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .l -1>: error calling index: index out of range: -1",
        ),
    ),
    (
        "-",
        "{{index .m 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .m 1>: error calling index: value has type int; should be string",
        ),
    ),
    (
        "-",
        "{{index .m nil}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .m nil>: error calling index: value is nil; should be of type string",
        ),
    ),
    (
        "-",
        "{{index .l \"a\"}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .l \"a\">: error calling index: cannot index slice/array with type string",
        ),
    ),
    (
        "-",
        "{{index .l nil}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .l nil>: error calling index: cannot index slice/array with nil",
        ),
    ),
    (
        "-",
        "{{index 3 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <index 3 1>: error calling index: can't index item of type int",
        ),
    ),
    (
        "-",
        "{{index nil 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <index nil 1>: error calling index: index of untyped nil",
        ),
    ),
    (
        "-",
        "{{index .missing 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .missing 1>: error calling index: index of untyped nil",
        ),
    ),
    (
        "-",
        "{{index .m \"zz\" \"b\"}}",
        Err(
            "template: t:1:2: executing \"t\" at <index .m \"zz\" \"b\">: error calling index: index of nil pointer",
        ),
    ),
    (
        "-",
        "{{slice \"abcdef\" 1 3}}|{{slice .l 1}}|{{slice .l}}|{{slice .l 1 2 3}}|{{slice .b 1}}|{{slice \"abc\" 3}}",
        Ok("bc|[a <nil>]|[1 a <nil>]|[a]|[105]|"),
    ),
    (
        "-",
        "{{slice \"abc\" 2 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice \"abc\" 2 1>: error calling slice: invalid slice index: 2 > 1",
        ),
    ),
    (
        "-",
        "{{slice \"abc\" 1 2 3}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice \"abc\" 1 2 3>: error calling slice: cannot 3-index slice a string",
        ),
    ),
    (
        "-",
        "{{slice .l 1 2 3 4}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice .l 1 2 3 4>: error calling slice: too many slice indexes: 4",
        ),
    ),
    (
        "-",
        "{{slice 3}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice 3>: error calling slice: can't slice item of type int",
        ),
    ),
    (
        "-",
        "{{slice .l 0 4}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice .l 0 4>: error calling slice: index out of range: 4",
        ),
    ),
    (
        "-",
        "{{slice .l 2 3 2}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice .l 2 3 2>: error calling slice: invalid slice index: 3 > 2",
        ),
    ),
    (
        "-",
        "{{slice nil}}",
        Err(
            "template: t:1:2: executing \"t\" at <slice nil>: error calling slice: slice of untyped nil",
        ),
    ),
    (
        "-",
        "{{print 1 2 \"a\" 3 .missing}}|{{println 1 \"a\"}}|{{printf \"%d-%s\" 1 \"x\"}}|{{printf \"%v\" .missing}}",
        Ok("1 2a3 <nil>|1 a\n|1-x|<nil>"),
    ),
    (
        "-",
        "{{printf 1}}",
        Err("template: t:1:9: executing \"t\" at <1>: expected string; found 1"),
    ),
    (
        "-",
        "{{printf .f}}",
        Err(
            "template: t:1:9: executing \"t\" at <.f>: wrong type for value; expected string; got float64",
        ),
    ),
    (
        "-",
        "{{html .html}}|{{html .missing}}|{{html 1 \"<\"}}|{{js .html}}|{{js \"a\\u0001é\"}}|{{urlquery \"a b&c=é\"}}|{{urlquery .missing}}",
        Ok(
            "&lt;a href=&#39;x&#39;&gt;&amp;&#34;|&lt;no value&gt;|1&lt;|\\u003Ca href\\u003D\\'x\\'\\u003E\\u0026\\\"|a\\u0001é|a+b%26c%3D%C3%A9|%3Cno+value%3E",
        ),
    ),
    (
        "-",
        "{{eq 2 1 2}}|{{eq .i 1}}|{{eq .f 3.0}}|{{eq .i .i64}}|{{eq nil nil}}|{{eq .missing nil}}|{{eq .n nil}}|{{eq .s \"str\"}}|{{eq 1 nil}}|{{eq .l nil}}|{{eq .t true}}",
        Ok("true|true|true|true|true|true|true|true|false|false|true"),
    ),
    (
        "-",
        "{{eq .l .l}}",
        Err(
            "template: t:1:2: executing \"t\" at <eq .l .l>: error calling eq: non-comparable type [%!s(float64=1) a <nil>]: []interface {}",
        ),
    ),
    (
        "-",
        "{{eq .l .m}}",
        Err(
            "template: t:1:2: executing \"t\" at <eq .l .m>: error calling eq: non-comparable types [%!s(float64=1) a <nil>]: []interface {}, map[string]interface {}: map[a:1 b:2 c:3]",
        ),
    ),
    (
        "-",
        "{{eq}}",
        Err(
            "template: t:1:2: executing \"t\" at <eq>: wrong number of args for eq: want at least 1 got 0",
        ),
    ),
    (
        "-",
        "{{eq 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <eq 1>: error calling eq: missing argument for comparison",
        ),
    ),
    (
        "-",
        "{{ne 1 2}}|{{ne \"a\" \"a\"}}|{{lt 1 2}}|{{lt \"a\" \"b\"}}|{{lt 2.5 1.5}}|{{le 2 2}}|{{gt .i64 0}}|{{ge .f 3.0}}|{{gt \"b\" \"a\"}}",
        Ok("true|false|true|true|false|true|true|true|true"),
    ),
    (
        "-",
        "{{lt true false}}",
        Err(
            "template: t:1:2: executing \"t\" at <lt true false>: error calling lt: invalid type for comparison",
        ),
    ),
    (
        "-",
        "{{lt .l 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <lt .l 1>: error calling lt: invalid type for comparison",
        ),
    ),
    (
        "-",
        "{{lt .missing 1}}",
        Err(
            "template: t:1:2: executing \"t\" at <lt .missing 1>: error calling lt: invalid type for comparison",
        ),
    ),
    (
        "-",
        "{{lt 1}}",
        Err("template: t:1:2: executing \"t\" at <lt>: wrong number of args for lt: want 2 got 1"),
    ),
    (
        "-",
        "{{call .s}}",
        Err(
            "template: t:1:2: executing \"t\" at <call .s>: error calling call: non-function .s of type string",
        ),
    ),
    (
        "-",
        "{{call .missing}}",
        Err("template: t:1:2: executing \"t\" at <call .missing>: error calling call: call of nil"),
    ),
    (
        "-",
        "{{1.5}}|{{0x10}}|{{'a'}}|{{1e3}}|{{printf \"%T\" 1.0}}|{{printf \"%T\" 1}}|{{-0x10}}|{{0b101}}|{{0o17}}|{{1_000}}|{{0x1p4}}|{{printf \"%T\" 'a'}}",
        Ok("1.5|16|97|1000|float64|int|-16|5|15|1000|16|int"),
    ),
    (
        "-",
        "{{9223372036854775808}}",
        Err(
            "template: t:1:2: executing \"t\" at <9223372036854775808>: 9223372036854775808 overflows int",
        ),
    ),
    (
        "-",
        "\n  {{.s.x}}",
        Err(
            "template: t:2:6: executing \"t\" at <.s.x>: can't evaluate field x in type interface {}",
        ),
    ),
    (
        "-",
        "{{define \"x\"}}\n {{.y}}{{end}}{{template \"x\" .s}}",
        Err("template: t:2:3: executing \"x\" at <.y>: can't evaluate field y in type string"),
    ),
    (
        "-",
        "{{template \"nope\"}}",
        Err(
            "template: t:1:11: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined",
        ),
    ),
    (
        "-",
        "{{nil}}",
        Err("template: t:1:2: executing \"t\" at <nil>: nil is not a command"),
    ),
    (
        "-",
        "{{1 2}}",
        Err("template: t:1:2: executing \"t\" at <1>: can't give argument to non-function 1"),
    ),
    (
        "-",
        "{{.s 1}}",
        Err("template: t:1:2: executing \"t\" at <.s>: s is not a method but has arguments"),
    ),
    (
        "-",
        "{{$x := 1}}{{$x 2}}",
        Err("template: t:1:13: executing \"t\" at <$x>: can't give argument to non-function $x"),
    ),
    (
        "-",
        "{{(.s) 1}}",
        Err("template: t:1:2: executing \"t\" at <(.s) 1>: can't give argument to non-function .s"),
    ),
    (
        "-",
        "{{.l.x}}",
        Err(
            "template: t:1:4: executing \"t\" at <.l.x>: can't evaluate field x in type interface {}",
        ),
    ),
    (
        "-",
        "{{with .m}}{{.a}}{{end}}{{with .l}}{{index . 0}}{{end}}",
        Ok("11"),
    ),
    ("-", "{{$x := 1}}{{$y := 2}}{{$x}}{{$y}}", Ok("12")),
    ("-", "{{block \"b\" .s}}[{{.}}]{{end}}", Ok("[str]")),
    ("-", "{{with $x := 0}}a{{else}}{{$x}}{{end}}", Ok("0")),
    (
        "-",
        "{{$x := .l}}{{range $x}}{{.}}{{end}}",
        Ok("1a<no value>"),
    ),
    ("-", "{{ .m.a | printf \"%v-%v\" 1 }}", Ok("1-1")),
    (
        "-",
        "{{ and (eq 1 1) .missing }}|{{ or .missing .n }}|{{ and .s .l }}",
        Ok("<no value>|<no value>|[1 a <nil>]"),
    ),
    (
        "-",
        "{{ (index .nested \"a\").x }}",
        Err(
            "template: t:1:18: executing \"t\" at <\"a\">: can't evaluate field x in type []interface {}",
        ),
    ),
    (
        "-",
        "{{ index .m \"a\" | printf \"%T\" }}|{{ len (index .nested \"a\") }}",
        Ok("float64|2"),
    ),
    (
        "-",
        "{{range $i, $e := .l}}{{printf \"%T\" $i}}{{end}}|{{range $k, $v := .m}}{{printf \"%T\" $k}}{{end}}|{{range .l}}{{printf \"%T\" .}}{{end}}",
        Ok("intintint|stringstringstring|float64string<nil>"),
    ),
    (
        "-",
        "{{ lt .i .i64 }}|{{ le .i64 .i }}|{{ eq .i64 1 }}|{{ gt .z -1.5 }}",
        Ok("false|true|true|true"),
    ),
    (
        "-",
        "{{ eq .f .i }}",
        Err(
            "template: t:1:3: executing \"t\" at <eq .f .i>: error calling eq: incompatible types for comparison: float64 and int",
        ),
    ),
    (
        "-",
        "{{ print nil }}|{{ 1 | print 2 }}|{{ \"a\" | printf }}|{{ .s | len }}|{{ print }}|{{ println }}",
        Ok("<nil>|2 1|a|3||\n"),
    ),
    (
        "-",
        "{{ nil | print }}",
        Err("template: t:1:3: executing \"t\" at <nil>: nil is not a command"),
    ),
    (
        "-",
        "{{ .missing | len }}",
        Err(
            "template: t:1:14: executing \"t\" at <len>: error calling len: reflect: call of reflect.Value.Type on zero Value",
        ),
    ),
    (
        "zero",
        "{{ .missing | printf \"%v\" }}|{{ .missing }}",
        Ok("<nil>|<no value>"),
    ),
    (
        "zero",
        "{{ index .missing \"x\" }}",
        Err(
            "template: t:1:3: executing \"t\" at <index .missing \"x\">: error calling index: index of untyped nil",
        ),
    ),
    (
        "-",
        "{{ html .b }}|{{ js 1 }}|{{ urlquery \"a\" \"b\" 1 2 }}|{{ html \"a\" 1 }}|{{ js .missing 2 }}",
        Ok("[104 105]|1|ab1+2|a1|\\u003Cno value\\u003E2"),
    ),
    ("-", "{{ slice .s 1 }}|{{ index .s 0 }}", Ok("tr|115")),
    (
        "-",
        "{{ not }}",
        Err(
            "template: t:1:3: executing \"t\" at <not>: wrong number of args for not: want 1 got 0",
        ),
    ),
    (
        "-",
        "{{ call }}",
        Err(
            "template: t:1:3: executing \"t\" at <call>: wrong number of args for call: want at least 1 got 0",
        ),
    ),
    (
        "-",
        "{{ .l | index 1 }}",
        Err(
            "template: t:1:8: executing \"t\" at <index 1>: error calling index: can't index item of type int",
        ),
    ),
    (
        "-",
        "{{ printf \"%d %s %v %q\" 1 \"a\" .l .s }}|{{ printf \"%v\" .m }}|{{ printf \"%s\" .b }}",
        Ok("1 a [1 a <nil>] \"str\"|map[a:1 b:2 c:3]|hi"),
    ),
    (
        "-",
        "{{ $x := 5 }}{{ $x = \"s\" }}{{ $x }}{{ $y := $x | printf \"%s!\" }}{{ $y }}",
        Ok("ss!"),
    ),
    (
        "-",
        "{{ template \"t2\" }}{{ define \"t2\" }}T2{{ end }}",
        Ok("T2"),
    ),
    (
        "-",
        "{{ .m.a.b.c }}",
        Err(
            "template: t:1:5: executing \"t\" at <.m.a.b.c>: can't evaluate field b in type interface {}",
        ),
    ),
    (
        "zero",
        "{{ .m.zz.b }}",
        Err("template: t:1:5: executing \"t\" at <.m.zz.b>: nil pointer evaluating interface {}.b"),
    ),
    (
        "-",
        "{{ .i.x }}",
        Err(
            "template: t:1:5: executing \"t\" at <.i.x>: can't evaluate field x in type interface {}",
        ),
    ),
    (
        "-",
        "{{ .t.x }}",
        Err(
            "template: t:1:5: executing \"t\" at <.t.x>: can't evaluate field x in type interface {}",
        ),
    ),
    (
        "-",
        "{{ .b.x }}",
        Err(
            "template: t:1:5: executing \"t\" at <.b.x>: can't evaluate field x in type interface {}",
        ),
    ),
    (
        "-",
        "{{ (1).x }}",
        Err("template: t:1:4: executing \"t\" at <1>: can't evaluate field x in type int"),
    ),
    (
        "-",
        "{{ $x := 1 }}{{ $x.y }}",
        Err("template: t:1:18: executing \"t\" at <$x.y>: can't evaluate field y in type int"),
    ),
    (
        "-",
        "{{ printf \"%v\" (.s) }}|{{ (.s) }}|{{ (print 1) }}",
        Ok("str|str|1"),
    ),
    (
        "-",
        "{{ index .m }}|{{ slice .b }}",
        Ok("map[a:1 b:2 c:3]|[104 105]"),
    ),
    ("-", "{{ if and .l (index .l 1) }}yes{{ end }}", Ok("yes")),
    (
        "-",
        "{{ range $i, $c := \"ab\" }}{{ $c }}{{ end }}",
        Err("template: t:1:19: executing \"t\" at <\"ab\">: range can't iterate over ab"),
    ),
    (
        "-",
        "{{ range .m }}{{ . }}{{ else }}none{{ end }}",
        Ok("123"),
    ),
    (
        "-",
        "{{ eq .s .s .s }}|{{ eq \"x\" .s \"str\" }}|{{ ne .n .missing }}",
        Ok("true|false|false"),
    ),
    (
        "-",
        "{{ eq .b .b }}",
        Err(
            "template: t:1:3: executing \"t\" at <eq .b .b>: error calling eq: non-comparable type hi: []uint8",
        ),
    ),
    (
        "-",
        "{{ eq .t 1 }}",
        Err(
            "template: t:1:3: executing \"t\" at <eq .t 1>: error calling eq: incompatible types for comparison: bool and int",
        ),
    ),
    (
        "-",
        "{{ lt \"a\" \"b\" \"c\" }}",
        Err("template: t:1:3: executing \"t\" at <lt>: wrong number of args for lt: want 2 got 3"),
    ),
    (
        "-",
        "{{ eq .l 1 }}",
        Err(
            "template: t:1:3: executing \"t\" at <eq .l 1>: error calling eq: incompatible types for comparison: []interface {} and int",
        ),
    ),
    ("-", "{{ len .html }}|{{ len \"é\" }}", Ok("14|2")),
    (
        "-",
        "{{ printf \"%5.2f|%-4d|%x\" 3.14159 7 255 }}",
        Ok(" 3.14|7   |ff"),
    ),
    (
        "-",
        "{{ 1.0 }}|{{ 1e100 }}|{{ 0.1 }}|{{ -0.0 }}|{{ 1e6 }}|{{ 1e21 }}|{{ 123456789.0 }}",
        Ok("1|1e+100|0.1|-0|1e+06|1e+21|1.23456789e+08"),
    ),
    (
        "-",
        "{{ .f }}|{{ printf \"%v\" 1e21 }}|{{ 100000000.0 }}",
        Ok("3|1e+21|1e+08"),
    ),
];

#[test]
fn go_cases() {
    let mut failures = Vec::new();
    for (missing_key, template, want) in GO_CASES {
        let got = run(missing_key, template, &data());
        let want = want.map(str::to_string).map_err(str::to_string);
        if got != want {
            failures.push(format!(
                "[{missing_key}] {template:?}\n  want {want:?}\n  got  {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        GO_CASES.len(),
        failures.join("\n")
    );
}
