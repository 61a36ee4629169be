//! Behaviour tests of the lexer, parser and printer against Go's
//! `text/template/parse`.
//!
//! The expected texts in the tables below were produced by real Go (Go's
//! parser with `ParseComments`, fed the same inputs, printing errors,
//! `Tree.Root.String()` and node positions); where Go 1.19 and the Go 1.24+
//! that Helm 4 is built with differ, the expectation is Go 1.24's, checked
//! through the Helm oracle (`else with`, `unexpected right paren`, line
//! numbers after multi-line comments).

use capstan_gotmpl::ErrorKind;
use capstan_gotmpl::ast::{self, Arg, Branch, BranchKind, List, Node, Pipe, Tree};

/// Go's built-in functions plus a few Helm-style ones.
const FUNCS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne", "include",
];

fn parse(text: &str) -> Result<Vec<Tree>, capstan_gotmpl::Error> {
    ast::parse("t", text, &|name: &str| FUNCS.contains(&name))
}

fn parse_err(text: &str) -> String {
    match parse(text) {
        Ok(trees) => panic!("{text:?} parsed: {:?}", printed(&trees)),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Parse);
            e.to_string()
        }
    }
}

/// Each tree as (name, Go's String()), sorted by name.
fn printed(trees: &[Tree]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = trees
        .iter()
        .map(|t| (t.name.to_string(), t.root.to_string()))
        .collect();
    out.sort();
    out
}

fn main_tree(text: &str) -> Tree {
    let trees = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    trees
        .into_iter()
        .find(|t| &*t.name == "t")
        .expect("main tree")
}

/// The operand of a one-command action template like `{{X}}`.
fn operand(text: &str) -> Arg {
    let tree = main_tree(text);
    match tree.root.nodes.first() {
        Some(Node::Action { pipe, .. }) => pipe.cmds[0].args[0].clone(),
        other => panic!("{text:?}: not an action: {other:?}"),
    }
}

fn number(text: &str) -> ast::Number {
    match operand(text) {
        Arg::Number(n) => *n,
        other => panic!("{text:?}: not a number: {other:?}"),
    }
}

fn string_value(text: &str) -> String {
    match operand(text) {
        Arg::String { value, .. } => value.to_string(),
        other => panic!("{text:?}: not a string: {other:?}"),
    }
}

/// Inputs Go rejects, with Go's exact message.
const GO_ERRORS: &[(&str, &str)] = &[
    ("a {{-.x}}", "template: t:1: bad number syntax: \"-.x\""),
    ("{{3 - }}", "template: t:1: illegal number syntax: \"-\""),
    (
        "{{/*c*/ }}",
        "template: t:1: comment ends before closing delimiter",
    ),
    ("{{/* unclosed", "template: t:1: unclosed comment"),
    (
        "{{ /* c */ }}",
        "template: t:1: unexpected \"/\" in command",
    ),
    (
        "{{range .x}}a{{else if .y}}b{{end}}",
        "template: t:1: unexpected <if> in input",
    ),
    (
        "{{range $i, $v, $w := .x}}{{end}}",
        "template: t:1: too many declarations in range",
    ),
    (
        "{{range $i, 3}}{{end}}",
        "template: t:1: range can only initialize variables",
    ),
    (
        "{{with $x := .x}}{{$x}}{{end}}{{$x}}",
        "template: t:1: undefined variable \"$x\"",
    ),
    ("{{$x}}", "template: t:1: undefined variable \"$x\""),
    (
        "{{\"s\".a}}",
        "template: t:1: unexpected . after term \"\\\"s\\\"\"",
    ),
    (
        "{{nil.a}}",
        "template: t:1: unexpected . after term \"nil\"",
    ),
    (
        "{{true.a}}",
        "template: t:1: unexpected . after term \"true\"",
    ),
    ("{{..a}}", "template: t:1: unexpected . after term \".\""),
    (
        "{{.a | 3}}",
        "template: t:1: non executable command in pipeline stage 2",
    ),
    (
        "{{.a | \"x\"}}",
        "template: t:1: non executable command in pipeline stage 2",
    ),
    (
        "{{.a | nil}}",
        "template: t:1: non executable command in pipeline stage 2",
    ),
    (
        "{{.a | .}}",
        "template: t:1: non executable command in pipeline stage 2",
    ),
    (
        "{{.a | true}}",
        "template: t:1: non executable command in pipeline stage 2",
    ),
    ("{{nope}}", "template: t:1: function \"nope\" not defined"),
    ("{{if}}", "template: t:1: missing value for if"),
    ("{{if .x}}", "template: t:1: unexpected EOF"),
    (
        "{{if .x}}{{end}}{{end}}",
        "template: t:1: unexpected {{end}}",
    ),
    ("{{else}}", "template: t:1: unexpected {{else}}"),
    ("{{end}}", "template: t:1: unexpected {{end}}"),
    ("{{break}}", "template: t:1: {{break}} outside {{range}}"),
    (
        "{{continue}}",
        "template: t:1: {{continue}} outside {{range}}",
    ),
    (
        "{{range .}}{{else}}{{break}}{{end}}",
        "template: t:1: {{break}} outside {{range}}",
    ),
    (
        "{{range .}}{{break 1}}{{end}}",
        "template: t:1: unexpected \"1\" in {{break}}",
    ),
    (
        "{{define \"x\"}}X{{end}}{{define \"x\"}}Y{{end}}",
        "template: t:1: template: multiple definition of template \"x\"",
    ),
    (
        "{{define \"t\"}}T{{end}}body",
        "template: t:1: template: multiple definition of template \"t\"",
    ),
    (
        "{{define x}}{{end}}",
        "template: t:1: unexpected \"x\" in define clause",
    ),
    (
        "{{define \"x\" .}}{{end}}",
        "template: t:1: unexpected <.> in define clause",
    ),
    (
        "{{define \"x\"}}{{else}}{{end}}",
        "template: t:1: unexpected {{else}} in define clause",
    ),
    ("{{define \"x\"}}", "template: t:1: unexpected EOF"),
    (
        "{{block \"b\"}}B{{end}}",
        "template: t:1: missing value for block clause",
    ),
    (
        "{{block \"b\" .}}B{{else}}C{{end}}",
        "template: t:1: unexpected {{else}} in block clause",
    ),
    (
        "{{block \"b\" .}}{{$x}}{{end}}",
        "template: t:1: undefined variable \"$x\"",
    ),
    (
        "{{$y := 1}}{{block \"b\" .}}{{$y}}{{end}}",
        "template: t:1: undefined variable \"$y\"",
    ),
    (
        "{{range .}}{{block \"b\" .}}{{break}}{{end}}{{end}}",
        "template: t:1: {{break}} outside {{range}}",
    ),
    (
        "{{template x}}",
        "template: t:1: unexpected \"x\" in template clause",
    ),
    (
        "{{template}}",
        "template: t:1: unexpected \"}}\" in template clause",
    ),
    (
        "{{template \"x\" | printf}}",
        "template: t:1: unexpected \"|\" in template clause",
    ),
    ("{{\"\\q\"}}", "template: t:1: invalid syntax"),
    ("{{\"\\x4\"}}", "template: t:1: invalid syntax"),
    ("{{\"\\400\"}}", "template: t:1: invalid syntax"),
    ("{{\"\\uD800\"}}", "template: t:1: invalid syntax"),
    ("{{\"\\'\"}}", "template: t:1: invalid syntax"),
    ("{{'\\\"'}}", "template: t:1: invalid syntax"),
    ("{{''}}", "template: t:1: invalid syntax"),
    (
        "{{'ab'}}",
        "template: t:1: malformed character constant: 'ab'",
    ),
    ("{{'\\400'}}", "template: t:1: invalid syntax"),
    ("{{`raw", "template: t:1: unterminated raw quoted string"),
    (
        "{{\"unterminated}}",
        "template: t:1: unterminated quoted string",
    ),
    (
        "{{`unterminated}}",
        "template: t:1: unterminated raw quoted string",
    ),
    ("{{'a}}", "template: t:1: unterminated character constant"),
    ("{{089}}", "template: t:1: integer overflow: \"089\""),
    ("{{1__0}}", "template: t:1: illegal number syntax: \"1__0\""),
    ("{{_1}}", "template: t:1: function \"_1\" not defined"),
    ("{{1_}}", "template: t:1: illegal number syntax: \"1_\""),
    ("{{0x1.}}", "template: t:1: illegal number syntax: \"0x1.\""),
    ("{{1+2}}", "template: t:1: bad number syntax: \"1+2\""),
    (
        "{{18446744073709551616}}",
        "template: t:1: integer overflow: \"18446744073709551616\"",
    ),
    (
        "{{-9223372036854775809}}",
        "template: t:1: integer overflow: \"-9223372036854775809\"",
    ),
    (
        "{{1e400}}",
        "template: t:1: illegal number syntax: \"1e400\"",
    ),
    ("{{3a}}", "template: t:1: bad number syntax: \"3a\""),
    ("{{0x}}", "template: t:1: illegal number syntax: \"0x\""),
    ("{{0x }}", "template: t:1: illegal number syntax: \"0x\""),
    ("{{1.a}}", "template: t:1: bad number syntax: \"1.a\""),
    ("{{", "template: t:1: unclosed action"),
    ("{{.x", "template: t:1: unclosed action"),
    ("{{|.x}}", "template: t:1: unexpected \"|\" in command"),
    (
        "{{.x | | len}}",
        "template: t:1: unexpected \"|\" in command",
    ),
    ("{{.x,}}", "template: t:1: unexpected \",\" in operand"),
    ("{{.x =}}", "template: t:1: unexpected \"=\" in operand"),
    ("{{.x := 1}}", "template: t:1: unexpected \":=\" in operand"),
    ("{{$x=1}}", "template: t:1: bad character U+003D '='"),
    (
        "{{$x, $y := 1}}",
        "template: t:1: too many declarations in command",
    ),
    ("{{$x", "template: t:1: undefined variable \"$x\""),
    (":= 1}}{{$x}}", "template: t:1: undefined variable \"$x\""),
    ("{{(.x}}", "template: t:1: unclosed left paren"),
    (
        "{{()}}",
        "template: t:1: missing value for parenthesized pipeline",
    ),
    (
        "{{( )}}",
        "template: t:1: missing value for parenthesized pipeline",
    ),
    ("{{(.x | len}}", "template: t:1: unclosed left paren"),
    ("{{.x+1}}", "template: t:1: bad character U+002B '+'"),
    ("{{.x@}}", "template: t:1: bad character U+0040 '@'"),
    ("{{@}}", "template: t:1: unexpected \"@\" in command"),
    ("{{.x#y}}", "template: t:1: bad character U+0023 '#'"),
    ("{{x€}}", "template: t:1: bad character U+20AC '€'"),
    (
        "{{€}}",
        "template: t:1: unrecognized character in action: U+20AC '€'",
    ),
    ("{{a:b}}", "template: t:1: function \"a\" not defined"),
    ("{{.x:}}", "template: t:1: expected :="),
    ("{{:}}", "template: t:1: expected :="),
    ("{{=}}", "template: t:1: unexpected \"=\" in command"),
    ("{{ =}}", "template: t:1: unexpected \"=\" in command"),
    ("{{$x := }}", "template: t:1: missing value for command"),
    ("{{.x", "template: t:1: unclosed action"),
    ("{{.x}", "template: t:1: bad character U+007D '}'"),
    ("{{.x}}{{", "template: t:1: unclosed action"),
    ("{{", "template: t:1: unclosed action"),
    ("{{}}", "template: t:1: missing value for command"),
    ("{{ }}", "template: t:1: missing value for command"),
    ("{{- }}", "template: t:1: missing value for command"),
    ("{{ -}}", "template: t:1: missing value for command"),
    ("{{-}}", "template: t:1: illegal number syntax: \"-\""),
    ("{{- -}}", "template: t:1: illegal number syntax: \"-\""),
    ("{{if .x}}{{.y", "template: t:1: unclosed action"),
    ("{{if .x}}", "template: t:1: unexpected EOF"),
    (
        "{{if .x}}{{\"unterminated}}",
        "template: t:1: unterminated quoted string",
    ),
    ("{{.x", "template: t:1: unclosed action"),
    ("{{if .a}}", "template: t:1: unexpected EOF"),
    ("{{else}}", "template: t:1: unexpected {{else}}"),
    ("{{end}}", "template: t:1: unexpected {{end}}"),
    (
        "{{with .a}}{{else if .b}}{{end}}",
        "template: t:1: unexpected <if> in input",
    ),
    ("{{else if .x}}", "template: t:1: unexpected {{else}}"),
    (
        "{{if .x}}{{else}}{{else}}{{end}}",
        "template: t:1: expected end; found {{else}}",
    ),
    (
        "{{if .x}}{{else if}}{{end}}",
        "template: t:1: missing value for if",
    ),
    (
        "{{if .x}}{{else .y}}{{end}}",
        "template: t:1: unexpected \".y\" in else",
    ),
    (
        "{{if .x}}{{end .y}}",
        "template: t:1: unexpected \".y\" in end",
    ),
    ("{{range}}{{end}}", "template: t:1: missing value for range"),
    (
        "{{range $i, $j := .}}{{$i}}{{$j}}{{end}}{{$i}}",
        "template: t:1: undefined variable \"$i\"",
    ),
    ("{{if.x}}", "template: t:1: unexpected EOF"),
    ("{{end.x}}", "template: t:1: unexpected \".x\" in end"),
    (
        "{{/* a */ }}",
        "template: t:1: comment ends before closing delimiter",
    ),
    ("{{ /* a */}}", "template: t:1: unexpected \"/\" in command"),
    (
        "{{/* a */ /* b */}}",
        "template: t:1: comment ends before closing delimiter",
    ),
    (
        "{{/* nested /* */ */}}",
        "template: t:1: comment ends before closing delimiter",
    ),
    (
        "{{/* a */}",
        "template: t:1: comment ends before closing delimiter",
    ),
    (
        "{{-/* a */}}",
        "template: t:1: illegal number syntax: \"-\"",
    ),
    (
        "{{- /* a */-}}",
        "template: t:1: comment ends before closing delimiter",
    ),
    ("{{.x - }}", "template: t:1: illegal number syntax: \"-\""),
    ("{{.x", "template: t:1: unclosed action"),
    ("{{.x -", "template: t:1: illegal number syntax: \"-\""),
    ("{{if .x -}}", "template: t:1: unexpected EOF"),
    ("{{- else -}}", "template: t:1: unexpected {{else}}"),
    ("{{- end}}", "template: t:1: unexpected {{end}}"),
    (
        "{{define \"a\"}}{{define \"b\"}}{{end}}{{end}}",
        "template: t:1: unexpected <define> in command",
    ),
    (
        "{{if .x}}{{define \"b\"}}{{end}}{{end}}",
        "template: t:1: unexpected <define> in command",
    ),
    (
        "{{define \"a\"}}{{$x := 1}}{{end}}{{$x}}",
        "template: t:1: undefined variable \"$x\"",
    ),
    (
        "{{$x := 1}}{{define \"a\"}}{{$x}}{{end}}",
        "template: t:1: undefined variable \"$x\"",
    ),
    (
        "{{range .}}{{define \"a\"}}{{end}}{{end}}",
        "template: t:1: unexpected <define> in command",
    ),
    (
        "{{define \"\\q\"}}A{{end}}",
        "template: t:1: invalid syntax",
    ),
    ("{{template \"\\q\"}}", "template: t:1: invalid syntax"),
    (
        "{{printf | 1}}",
        "template: t:1: non executable command in pipeline stage 2",
    ),
    (
        "{{if 1}}{{$y := 2}}{{end}}{{$y}}",
        "template: t:1: undefined variable \"$y\"",
    ),
    (
        "{{range $x := .}}{{end}}{{$x}}",
        "template: t:1: undefined variable \"$x\"",
    ),
    ("{{break}}", "template: t:1: {{break}} outside {{range}}"),
    (
        "{{range .}}{{continue .x}}{{end}}",
        "template: t:1: unexpected \".x\" in {{continue}}",
    ),
    (
        "{{if .x}}\n{{.y\n",
        "template: t:3: unclosed action started at t:2",
    ),
    (
        "{{if .x}}\n\n{{/* unclosed",
        "template: t:3: unclosed comment in action started at t:1",
    ),
    (
        "{{\n\"unterminated\n}}",
        "template: t:2: unterminated quoted string in action started at t:1",
    ),
    (
        "{{.x\n}}\n{{.y}}{{end}}",
        "template: t:3: unexpected {{end}}",
    ),
    (
        "{{define \"a\"}}\n{{.x}}\n{{end}}\n{{define \"a\"}}\nY\n{{end}}",
        "template: t:6: template: multiple definition of template \"a\"",
    ),
    (
        "{{block \"b\" .}}\n\n{{else}}{{end}}",
        "template: t:1: unexpected {{else}} in block clause",
    ),
    (
        "{{block \"b\"\n.}}\n\nx\n{{else}}{{end}}",
        "template: t:2: unexpected {{else}} in block clause",
    ),
    (
        "{{range .}}\n{{break\n.x}}{{end}}",
        "template: t:3: unexpected \".x\" in {{break}}",
    ),
    (
        "{{.x\n(\n}}",
        "template: t:3: unclosed left paren in action started at t:1",
    ),
    (
        "{{(\n.x\n}}",
        "template: t:3: unclosed left paren in action started at t:1",
    ),
    (
        "{{.x |\n\n 3}}",
        "template: t:3: non executable command in pipeline stage 2",
    ),
    ("\n\n{{if}}", "template: t:3: missing value for if"),
    ("{{if\n}}", "template: t:2: missing value for if"),
    (
        "{{if .x}}\n{{end}}\n{{end}}",
        "template: t:3: unexpected {{end}}",
    ),
    ("{{.x\u{1}}}", "template: t:1: bad character U+0001"),
    (
        "{{\u{7f}}}",
        "template: t:1: unrecognized character in action: U+007F",
    ),
    (
        "{{\u{a0}}}",
        "template: t:1: unrecognized character in action: U+00A0",
    ),
    ("{{.x\u{a0}}}", "template: t:1: bad character U+00A0"),
    (
        "{{define \"a\" \"bcdefghijklmnopq\"}}{{end}}",
        "template: t:1: unexpected \"\\\"bcdefghij\"... in define clause",
    ),
    (
        "{{define \"a\" \"ééééééééééééé\"}}{{end}}",
        "template: t:1: unexpected \"\\\"ééééééééé\"... in define clause",
    ),
    (
        "{{define \"a\" `raw string long`}}{{end}}",
        "template: t:1: unexpected \"`raw strin\"... in define clause",
    ),
    (
        "{{template \"a\" \"x\" | \"bcdefghijklmnopq\"}}",
        "template: t:1: non executable command in pipeline stage 2",
    ),
    (
        "{{.x | \"bcdefghijklmnopq\"}}",
        "template: t:1: non executable command in pipeline stage 2",
    ),
    (
        "{{if .x}}{{else \"bcdefghijklmnopq\"}}{{end}}",
        "template: t:1: unexpected \"\\\"bcdefghij\"... in else",
    ),
    (
        "{{end \"bcdefghijklmnopq\"}}",
        "template: t:1: unexpected \"\\\"bcdefghij\"... in end",
    ),
    ("{{.x 1+2}}", "template: t:1: bad number syntax: \"1+2\""),
    ("{{.x 1+2j}}", "template: t:1: bad number syntax: \"1+2j\""),
    (
        "{{.x 1+i}}",
        "template: t:1: syntax error scanning complex number",
    ),
    (
        "{{.x 0x10i}}",
        "template: t:1: illegal number syntax: \"0x10i\"",
    ),
    (
        "{{.x 0b1i}}",
        "template: t:1: illegal number syntax: \"0b1i\"",
    ),
    (
        "{{.x 1_e10}}",
        "template: t:1: illegal number syntax: \"1_e10\"",
    ),
    ("{{.x 0_8}}", "template: t:1: integer overflow: \"0_8\""),
    (
        "{{.x 0x1_p4}}",
        "template: t:1: illegal number syntax: \"0x1_p4\"",
    ),
    ("{{.x 0o}}", "template: t:1: illegal number syntax: \"0o\""),
    ("{{.x 0b}}", "template: t:1: illegal number syntax: \"0b\""),
    ("{{.x 0o8}}", "template: t:1: bad number syntax: \"0o8\""),
    ("{{.x 0b2}}", "template: t:1: bad number syntax: \"0b2\""),
    (
        "{{.x 0xp0}}",
        "template: t:1: illegal number syntax: \"0xp0\"",
    ),
    ("{{.x 1e}}", "template: t:1: illegal number syntax: \"1e\""),
    (
        "{{.x 1e+}}",
        "template: t:1: illegal number syntax: \"1e+\"",
    ),
    (
        "{{.x 1.2.3}}",
        "template: t:1: unexpected \".3\" in operand",
    ),
    ("{{.x ..5}}", "template: t:1: unexpected \".5\" in operand"),
    (
        "{{.x 123456789012345678901234567890}}",
        "template: t:1: integer overflow: \"123456789012345678901234567890\"",
    ),
    (
        "{{.x 0x10000000000000000}}",
        "template: t:1: illegal number syntax: \"0x10000000000000000\"",
    ),
    ("{{.x '\\777'}}", "template: t:1: invalid syntax"),
    ("{{.x '\\z'}}", "template: t:1: invalid syntax"),
    (
        "{{.x '\\'}}",
        "template: t:1: unterminated character constant",
    ),
    ("{{.x \"\\U00110000\"}}", "template: t:1: invalid syntax"),
    ("{{.x \"\\u12\"}}", "template: t:1: invalid syntax"),
    (
        "{{.x \"a\\\nb\"}}",
        "template: t:1: unterminated quoted string",
    ),
    ("{{.x \"\\0\"}}", "template: t:1: invalid syntax"),
    ("{{.x \"\\08\"}}", "template: t:1: invalid syntax"),
    (
        "{{.x\n\"unterminated",
        "template: t:2: unterminated quoted string in action started at t:1",
    ),
    (
        "{{.x\n`unterminated",
        "template: t:2: unterminated raw quoted string in action started at t:1",
    ),
    (
        "{{.x\n'u",
        "template: t:2: unterminated character constant in action started at t:1",
    ),
    ("{{.x\n@", "template: t:2: unexpected \"@\" in operand"),
    (
        "{{\n.x\n(\n.y}}",
        "template: t:4: unclosed left paren in action started at t:1",
    ),
    (
        "{{if .x}}\n{{.y}}\n{{.z\n",
        "template: t:4: unclosed action started at t:3",
    ),
    (
        "{{if .x}}\n{{.y}}\n{{/* u",
        "template: t:3: unclosed comment",
    ),
    (
        "{{if .x}}\n{{.y}}\nabc{{\"u",
        "template: t:3: unterminated quoted string",
    ),
    (
        "{{with .x}}\n{{.y\n| bad}}",
        "template: t:3: function \"bad\" not defined",
    ),
    (
        "{{range .x}}\n{{break}}\n{{else}}\n{{continue}}{{end}}",
        "template: t:4: {{continue}} outside {{range}}",
    ),
    (
        "{{ $x, $y := . }}",
        "template: t:1: too many declarations in command",
    ),
    (
        "{{ with $x, $y := . }}{{ end }}",
        "template: t:1: too many declarations in with",
    ),
    (
        "{{ if $x, $y := . }}{{ end }}",
        "template: t:1: too many declarations in if",
    ),
    (
        "{{ (range $x := .) }}",
        "template: t:1: unexpected <range> in parenthesized pipeline",
    ),
    (
        "{{ ($x, $y := 1) }}",
        "template: t:1: too many declarations in parenthesized pipeline",
    ),
    (
        "{{ range $i, $v := . }}{{ $v }}{{ end }}{{ $v }}",
        "template: t:1: undefined variable \"$v\"",
    ),
    (
        "{{ range $i, }}{{ end }}",
        "template: t:1: missing value for range",
    ),
    (
        "{{ range $i, 1 }}{{ end }}",
        "template: t:1: range can only initialize variables",
    ),
    (
        "{{ range $i, $j, }}{{ end }}",
        "template: t:1: too many declarations in range",
    ),
    (
        "{{ $x, }}",
        "template: t:1: too many declarations in command",
    ),
    ("{{ $x 1 }}", "template: t:1: undefined variable \"$x\""),
    ("{{ $$ }}", "template: t:1: bad character U+0024 '$'"),
    ("{{ $1 }}", "template: t:1: undefined variable \"$1\""),
    ("{{ $x.1 }}", "template: t:1: undefined variable \"$x\""),
    ("{{ .x.1 }}", "template: t:1: unexpected \".1\" in operand"),
    (
        "{{ (.x)(.y) }}",
        "template: t:1: unexpected \"(\" in operand",
    ),
    ("{{ .x(.y) }}", "template: t:1: unexpected \"(\" in operand"),
    (
        "{{ .x.y(.z) }}",
        "template: t:1: unexpected \"(\" in operand",
    ),
    (
        "{{ printf(.z) }}",
        "template: t:1: unexpected \"(\" in operand",
    ),
    ("{{ $(.z) }}", "template: t:1: unexpected \"(\" in operand"),
    (
        "{{ \"a\"(.z) }}",
        "template: t:1: unexpected \"(\" in operand",
    ),
    ("{{ 1(.z) }}", "template: t:1: unexpected \"(\" in operand"),
    (
        "{{ nil(.z) }}",
        "template: t:1: unexpected \"(\" in operand",
    ),
    (
        "{{ true(.z) }}",
        "template: t:1: unexpected \"(\" in operand",
    ),
    ("{{ .(.z) }}", "template: t:1: unexpected \"(\" in operand"),
    ("{{ .x, .y }}", "template: t:1: unexpected \",\" in operand"),
    ("{{ .x; .y }}", "template: t:1: bad character U+003B ';'"),
    ("{{ .x ; }}", "template: t:1: unexpected \";\" in operand"),
    ("{{ ! }}", "template: t:1: unexpected \"!\" in command"),
    ("{{ .x ! }}", "template: t:1: unexpected \"!\" in operand"),
    ("{{ .x.y! }}", "template: t:1: bad character U+0021 '!'"),
    ("{{ .x! }}", "template: t:1: bad character U+0021 '!'"),
    ("{{ printf! }}", "template: t:1: bad character U+0021 '!'"),
    ("{{ $x! }}", "template: t:1: bad character U+0021 '!'"),
    ("{{ true! }}", "template: t:1: bad character U+0021 '!'"),
    (
        "{{ printf | nil }}",
        "template: t:1: non executable command in pipeline stage 2",
    ),
    (
        "{{ block \"x\" . }}{{ define \"y\" }}{{ end }}{{ end }}",
        "template: t:1: unexpected <define> in command",
    ),
    (
        "{{ block \"x\" . }}X{{ end }}{{ block \"x\" . }}X{{ end }}",
        "template: t:1: template: multiple definition of template \"x\"",
    ),
    (
        "body{{ define \"t\" }}T{{ end }}",
        "template: t:1: template: multiple definition of template \"t\"",
    ),
    (
        "{{ define \"t\" }}{{ if 1 }}{{ end }}{{ end }}{{ define \"t\" }}x{{ end }}",
        "template: t:1: template: multiple definition of template \"t\"",
    ),
    (
        "\n\n{{ define \"a\" }}A{{ end }}\n{{ define \"a\" }}B{{ end }}\n",
        "template: t:4: template: multiple definition of template \"a\"",
    ),
    (
        "{{ define \"a\" }}A{{ end }}\n\n\n{{ define \"a\" }}B\n\n{{ end }}\n",
        "template: t:6: template: multiple definition of template \"a\"",
    ),
    (
        "{{ define \"a\" }}\n{{ block \"a\" . }}\nx\n{{ end }}\n{{ end }}",
        "template: t:5: template: multiple definition of template \"a\"",
    ),
];

/// Inputs Go accepts, with every resulting tree printed by Go.
const GO_TREES: &[(&str, &[(&str, &str)])] = &[
    ("{{.a.b}}", &[("t", "{{.a.b}}")]),
    ("a {{- .x.y -}} b", &[("t", "a{{.x.y}}b")]),
    ("a {{- 3}}", &[("t", "a{{3}}")]),
    ("{{-3}}", &[("t", "{{-3}}")]),
    ("{{3 -}} x", &[("t", "{{3}}x")]),
    ("{{3 -}}   ", &[("t", "{{3}}")]),
    ("  x  {{- /* c */ -}}  y", &[("t", "  x{{/* c */}}y")]),
    ("x {{/* c */ -}} y", &[("t", "x {{/* c */}}y")]),
    ("{{/* c */}}", &[("t", "{{/* c */}}")]),
    ("{{- /* c */}}", &[("t", "{{/* c */}}")]),
    (
        "{{if .x}}a{{else if .y}}b{{else}}c{{end}}",
        &[("t", "{{if .x}}a{{else}}{{if .y}}b{{else}}c{{end}}{{end}}")],
    ),
    (
        "{{if .x}}a{{else if .y}}b{{end}}",
        &[("t", "{{if .x}}a{{else}}{{if .y}}b{{end}}{{end}}")],
    ),
    (
        "{{range .x}}a{{else}}b{{end}}",
        &[("t", "{{range .x}}a{{else}}b{{end}}")],
    ),
    (
        "{{range $i, $v := .x}}{{$i}}{{$v}}{{end}}",
        &[("t", "{{range $i, $v := .x}}{{$i}}{{$v}}{{end}}")],
    ),
    (
        "{{range $v := .x}}{{$v}}{{end}}",
        &[("t", "{{range $v := .x}}{{$v}}{{end}}")],
    ),
    (
        "{{$x := 1}}{{$x = 2}}{{$x}}",
        &[("t", "{{$x := 1}}{{$x := 2}}{{$x}}")],
    ),
    ("{{$x = 2}}", &[("t", "{{$x := 2}}")]),
    ("{{$}}", &[("t", "{{$}}")]),
    ("{{$.a}}", &[("t", "{{$.a}}")]),
    ("{{$x := .}}{{$x.a.b}}", &[("t", "{{$x := .}}{{$x.a.b}}")]),
    ("{{(.x).y}}", &[("t", "{{(.x).y}}")]),
    ("{{(index . 1).a.b}}", &[("t", "{{(index . 1).a.b}}")]),
    ("{{(1).a}}", &[("t", "{{(1).a}}")]),
    (
        "{{.a .b | printf \"%s\" | len}}",
        &[("t", "{{.a .b | printf \"%s\" | len}}")],
    ),
    ("{{nil}}", &[("t", "{{nil}}")]),
    ("{{3}}", &[("t", "{{3}}")]),
    ("{{printf}}", &[("t", "{{printf}}")]),
    ("{{printf.a}}", &[("t", "{{printf.a}}")]),
    (
        "{{range .}}{{break}}{{continue}}{{end}}",
        &[("t", "{{range .}}{{break}}{{continue}}{{end}}")],
    ),
    (
        "{{range .}}{{if .}}{{break}}{{end}}{{end}}",
        &[("t", "{{range .}}{{if .}}{{break}}{{end}}{{end}}")],
    ),
    (
        "{{define \"x\"}}X{{end}}{{template \"x\" .}}",
        &[("t", "{{template \"x\" .}}"), ("x", "X")],
    ),
    (
        "{{define \"x\"}}X{{end}}{{define \"x\"}} {{end}}",
        &[("t", ""), ("x", "X")],
    ),
    (
        "{{define \"x\"}} {{end}}{{define \"x\"}}Y{{end}}",
        &[("t", ""), ("x", "Y")],
    ),
    ("{{define \"t\"}}T{{end}}", &[("t", "T")]),
    (
        "{{block \"b\" .}}B{{end}}",
        &[("b", "B"), ("t", "{{template \"b\" .}}")],
    ),
    ("{{template \"x\"}}", &[("t", "{{template \"x\"}}")]),
    (
        "{{template \"x\" .a .b}}",
        &[("t", "{{template \"x\" .a .b}}")],
    ),
    (
        "{{\"\\x41\\u00e9\\U0001F600\\101\\n\\t\\\\\\\"\"}}",
        &[("t", "{{\"\\x41\\u00e9\\U0001F600\\101\\n\\t\\\\\\\"\"}}")],
    ),
    ("{{'a'}}", &[("t", "{{'a'}}")]),
    ("{{'\\n'}}", &[("t", "{{'\\n'}}")]),
    ("{{'\\''}}", &[("t", "{{'\\''}}")]),
    ("{{'\\x41'}}", &[("t", "{{'\\x41'}}")]),
    ("{{'é'}}", &[("t", "{{'é'}}")]),
    ("string`}}", &[("t", "string`}}")]),
    ("{{`raw`}}", &[("t", "{{`raw`}}")]),
    ("{{0x1F}}", &[("t", "{{0x1F}}")]),
    ("{{0X1f}}", &[("t", "{{0X1f}}")]),
    ("{{0o17}}", &[("t", "{{0o17}}")]),
    ("{{017}}", &[("t", "{{017}}")]),
    ("{{0b101}}", &[("t", "{{0b101}}")]),
    ("{{1_000}}", &[("t", "{{1_000}}")]),
    ("{{0x_1F}}", &[("t", "{{0x_1F}}")]),
    ("{{1e3}}", &[("t", "{{1e3}}")]),
    ("{{1E+3}}", &[("t", "{{1E+3}}")]),
    ("{{1.5e-3}}", &[("t", "{{1.5e-3}}")]),
    ("{{.5}}", &[("t", "{{.5}}")]),
    ("{{1.}}", &[("t", "{{1.}}")]),
    ("{{0x1p4}}", &[("t", "{{0x1p4}}")]),
    ("{{0x1.8p1}}", &[("t", "{{0x1.8p1}}")]),
    ("{{0x1p-2}}", &[("t", "{{0x1p-2}}")]),
    ("{{1i}}", &[("t", "{{1i}}")]),
    ("{{0i}}", &[("t", "{{0i}}")]),
    ("{{1+2i}}", &[("t", "{{1+2i}}")]),
    ("{{1-0i}}", &[("t", "{{1-0i}}")]),
    ("{{-0}}", &[("t", "{{-0}}")]),
    ("{{+5}}", &[("t", "{{+5}}")]),
    ("{{-5}}", &[("t", "{{-5}}")]),
    (
        "{{18446744073709551615}}",
        &[("t", "{{18446744073709551615}}")],
    ),
    (
        "{{9223372036854775807}}",
        &[("t", "{{9223372036854775807}}")],
    ),
    (
        "{{9223372036854775808}}",
        &[("t", "{{9223372036854775808}}")],
    ),
    (
        "{{-9223372036854775808}}",
        &[("t", "{{-9223372036854775808}}")],
    ),
    ("{{1e100}}", &[("t", "{{1e100}}")]),
    ("{{1e-400}}", &[("t", "{{1e-400}}")]),
    (
        "{{9.223372036854775807e18}}",
        &[("t", "{{9.223372036854775807e18}}")],
    ),
    ("{{1.0}}", &[("t", "{{1.0}}")]),
    ("{{-1.0}}", &[("t", "{{-1.0}}")]),
    ("{{.}}", &[("t", "{{.}}")]),
    ("{{.x}}", &[("t", "{{.x}}")]),
    ("{{.x_y.Z9}}", &[("t", "{{.x_y.Z9}}")]),
    ("{{ .x }}", &[("t", "{{.x}}")]),
    ("{{\t.x\t}}", &[("t", "{{.x}}")]),
    (".x", &[("t", ".x")]),
    ("}}", &[("t", "}}")]),
    ("| printf \"%v\"}}", &[("t", "| printf \"%v\"}}")]),
    ("{{.x|printf \"%v\"}}", &[("t", "{{.x | printf \"%v\"}}")]),
    ("{{.x|}}", &[("t", "{{.x}}")]),
    ("{{$x:=1}}", &[("t", "{{$x := 1}}")]),
    ("{{$x := 1}}{{$x}}", &[("t", "{{$x := 1}}{{$x}}")]),
    ("{{(.x) (.y)}}", &[("t", "{{(.x) (.y)}}")]),
    (
        "{{printf \"%d\" (len .x)}}",
        &[("t", "{{printf \"%d\" (len .x)}}")],
    ),
    ("{{.x.y.z}}", &[("t", "{{.x.y.z}}")]),
    ("{{$.x.y}}", &[("t", "{{$.x.y}}")]),
    ("{{.x (.y).z}}", &[("t", "{{.x (.y).z}}")]),
    ("}}", &[("t", "}}")]),
    ("x}}", &[("t", "x}}")]),
    ("{{/* a */}}", &[("t", "{{/* a */}}")]),
    ("line1", &[("t", "line1")]),
    ("}}", &[("t", "}}")]),
    ("{{if .x}}{{end}}}}", &[("t", "{{if .x}}{{end}}}}")]),
    ("{{range .x .y}}{{end}}", &[("t", "{{range .x .y}}{{end}}")]),
    (
        "{{range $i := .}}{{end}}",
        &[("t", "{{range $i := .}}{{end}}")],
    ),
    (
        "{{if $x := 1}}{{$x}}{{else}}{{$x}}{{end}}",
        &[("t", "{{if $x := 1}}{{$x}}{{else}}{{$x}}{{end}}")],
    ),
    (
        "{{if $x := 1}}{{else if $y := 2}}{{$x}}{{$y}}{{end}}",
        &[(
            "t",
            "{{if $x := 1}}{{else}}{{if $y := 2}}{{$x}}{{$y}}{{end}}{{end}}",
        )],
    ),
    (
        "{{index .x 1 | printf \"%v\"}}",
        &[("t", "{{index .x 1 | printf \"%v\"}}")],
    ),
    (
        "{{and .x .y}}{{or .x .y}}{{not .x}}{{eq 1 2}}",
        &[("t", "{{and .x .y}}{{or .x .y}}{{not .x}}{{eq 1 2}}")],
    ),
    (
        "{{html}}{{js}}{{call}}{{slice}}{{println}}{{urlquery}}",
        &[(
            "t",
            "{{html}}{{js}}{{call}}{{slice}}{{println}}{{urlquery}}",
        )],
    ),
    ("{{true}}{{false}}", &[("t", "{{true}}{{false}}")]),
    ("{{ true }}", &[("t", "{{true}}")]),
    ("{{.true}}", &[("t", "{{.true}}")]),
    ("{{range.x}}{{end}}", &[("t", "{{range .x}}{{end}}")]),
    ("{{nil nil}}", &[("t", "{{nil nil}}")]),
    ("{{. .}}", &[("t", "{{. .}}")]),
    ("{{\"a\" \"b\"}}", &[("t", "{{\"a\" \"b\"}}")]),
    ("{{1 2}}", &[("t", "{{1 2}}")]),
    (
        "{{.x \"a\" 1 nil true}}",
        &[("t", "{{.x \"a\" 1 nil true}}")],
    ),
    (
        "{{printf \"%s\" .x | printf \"%s\"}}",
        &[("t", "{{printf \"%s\" .x | printf \"%s\"}}")],
    ),
    (
        "{{.x | printf \"%s\" | printf \"%s\" .y}}",
        &[("t", "{{.x | printf \"%s\" | printf \"%s\" .y}}")],
    ),
    (
        "{{$x := 1}}{{$x := 2}}{{$x}}",
        &[("t", "{{$x := 1}}{{$x := 2}}{{$x}}")],
    ),
    (
        "{{$x := 1 | printf \"%d\"}}",
        &[("t", "{{$x := 1 | printf \"%d\"}}")],
    ),
    ("{{$x = 1}}", &[("t", "{{$x := 1}}")]),
    ("a{{if .x}}b{{end}}c", &[("t", "a{{if .x}}b{{end}}c")]),
    ("{{/**/}}", &[("t", "{{/**/}}")]),
    ("{{/* */ -}}", &[("t", "{{/* */}}")]),
    ("{{- /**/ -}}", &[("t", "{{/**/}}")]),
    ("{{.x -}}x", &[("t", "{{.x}}x")]),
    ("{{.x  -}}", &[("t", "{{.x}}")]),
    ("{{.x\t-}}", &[("t", "{{.x}}")]),
    ("-}}", &[("t", "-}}")]),
    ("}}", &[("t", "}}")]),
    ("  {{- .x -}}  ", &[("t", "{{.x}}")]),
    ("{{- .x}}", &[("t", "{{.x}}")]),
    ("{{.x -}}", &[("t", "{{.x}}")]),
    ("{{.x -}} ", &[("t", "{{.x}}")]),
    (" a ", &[("t", " a ")]),
    ("  yes", &[("t", "  yes")]),
    ("  no", &[("t", "  no")]),
    (
        "{{range .x}}{{.}}{{end}}",
        &[("t", "{{range .x}}{{.}}{{end}}")],
    ),
    (
        "{{template \"a\"}}{{template \"b\" .}}",
        &[("t", "{{template \"a\"}}{{template \"b\" .}}")],
    ),
    (
        "{{define \"a\"}}{{template \"b\"}}{{end}}{{define \"b\"}}B{{end}}",
        &[("a", "{{template \"b\"}}"), ("b", "B"), ("t", "")],
    ),
    ("x{{define \"a\"}}A{{end}}y", &[("a", "A"), ("t", "xy")]),
    (
        "{{- define \"a\" -}} A {{- end -}}",
        &[("a", "A"), ("t", "")],
    ),
    (
        "{{define \"\"}}empty name{{end}}",
        &[("", "empty name"), ("t", "")],
    ),
    ("{{define `raw`}}R{{end}}", &[("raw", "R"), ("t", "")]),
    ("{{define \"\\x41\"}}A{{end}}", &[("A", "A"), ("t", "")]),
    ("{{template `a` .}}", &[("t", "{{template \"a\" .}}")]),
    (
        "{{block `b` .}}{{end}}",
        &[("b", ""), ("t", "{{template \"b\" .}}")],
    ),
    (
        "{{block \"b\" . | printf \"%v\"}}{{.}}{{end}}",
        &[
            ("b", "{{.}}"),
            ("t", "{{template \"b\" . | printf \"%v\"}}"),
        ],
    ),
    (
        "{{block \"b\" $x := .}}{{end}}",
        &[("b", ""), ("t", "{{template \"b\" $x := .}}")],
    ),
    ("{{\"a\" | printf}}", &[("t", "{{\"a\" | printf}}")]),
    ("{{'a' | printf}}", &[("t", "{{'a' | printf}}")]),
    ("{{(1) | printf}}", &[("t", "{{(1) | printf}}")]),
    ("{{.x | (printf)}}", &[("t", "{{.x | (printf)}}")]),
    ("{{.x | (\"a\")}}", &[("t", "{{.x | (\"a\")}}")]),
    ("{{(printf \"a\").b.c}}", &[("t", "{{(printf \"a\").b.c}}")]),
    ("{{$x := (1)}}{{$x.y}}", &[("t", "{{$x := (1)}}{{$x.y}}")]),
    ("{{.a.b | .c.d}}", &[("t", "{{.a.b | .c.d}}")]),
    (
        "{{.a}}{{/* c */}}{{.b}}",
        &[("t", "{{.a}}{{/* c */}}{{.b}}")],
    ),
    ("a{{/* c */}}b", &[("t", "a{{/* c */}}b")]),
    ("{{$x := 1}}", &[("t", "{{$x := 1}}")]),
    (
        "{{with $x := .}}{{else}}{{$x}}{{end}}",
        &[("t", "{{with $x := .}}{{else}}{{$x}}{{end}}")],
    ),
    ("{{template \"x\" $}}", &[("t", "{{template \"x\" $}}")]),
    (
        "{{range .}}{{with .}}{{continue}}{{end}}{{end}}",
        &[("t", "{{range .}}{{with .}}{{continue}}{{end}}{{end}}")],
    ),
    (
        "{{range .}}{{template \"x\"}}{{break}}{{end}}",
        &[("t", "{{range .}}{{template \"x\"}}{{break}}{{end}}")],
    ),
    (
        "{{range .}}{{break}}x{{else}}y{{end}}",
        &[("t", "{{range .}}{{break}}x{{else}}y{{end}}")],
    ),
    (
        "{{range .}}{{ break }}{{end}}",
        &[("t", "{{range .}}{{break}}{{end}}")],
    ),
    (
        "{{range .}}{{- break -}}{{end}}",
        &[("t", "{{range .}}{{break}}{{end}}")],
    ),
    ("line1\n{{.x\n}}", &[("t", "line1\n{{.x}}")]),
    (
        "a\n{{if .x}}\nb\n{{else}}\nc\n{{end}}\n",
        &[("t", "a\n{{if .x}}\nb\n{{else}}\nc\n{{end}}\n")],
    ),
    (
        "{{.x\n\n| printf \"%v\" }}",
        &[("t", "{{.x | printf \"%v\"}}")],
    ),
    (
        "a\n\n{{ .x.y.z }}\n{{ $x := 1 }}\n{{ $x.a.b }}",
        &[("t", "a\n\n{{.x.y.z}}\n{{$x := 1}}\n{{$x.a.b}}")],
    ),
    ("{{$x :=\n\n1}}{{$x}}", &[("t", "{{$x := 1}}{{$x}}")]),
    (
        "{{with\n$x := .}}\n{{$x}}{{end}}",
        &[("t", "{{with $x := .}}\n{{$x}}{{end}}")],
    ),
    ("{{ .x\t-}}\n\n a", &[("t", "{{.x}}a")]),
    ("a \n\t {{- .x -}} \n\t b", &[("t", "a{{.x}}b")]),
    ("a \r\n {{- .x -}} \r\n b", &[("t", "a{{.x}}b")]),
    ("{{.x -}}\u{a0}b", &[("t", "{{.x}}\u{a0}b")]),
    ("a\u{a0}{{- .x}}", &[("t", "a\u{a0}{{.x}}")]),
    ("{{`a\r\nb`}}", &[("t", "{{`a\r\nb`}}")]),
    ("{{\"aé\"}}", &[("t", "{{\"aé\"}}")]),
    ("{{.é}}{{.名前}}", &[("t", "{{.é}}{{.名前}}")]),
    ("{{.x}}\u{0}{{.y}}", &[("t", "{{.x}}\u{0}{{.y}}")]),
    ("{{\"\u{0}\"}}", &[("t", "{{\"\u{0}\"}}")]),
    ("{{.a.b.c.d.e.f}}", &[("t", "{{.a.b.c.d.e.f}}")]),
    ("{{(((.x)))}}", &[("t", "{{(((.x)))}}")]),
    (
        "{{if .a}}{{if .b}}{{if .c}}x{{end}}{{end}}{{end}}",
        &[("t", "{{if .a}}{{if .b}}{{if .c}}x{{end}}{{end}}{{end}}")],
    ),
    ("{{.x 1+2i}}", &[("t", "{{.x 1+2i}}")]),
    ("{{.x 1e3+2i}}", &[("t", "{{.x 1e3+2i}}")]),
    ("{{.x 1-2i}}", &[("t", "{{.x 1-2i}}")]),
    ("{{.x 1+0i}}", &[("t", "{{.x 1+0i}}")]),
    ("{{.x 0x1p4+1i}}", &[("t", "{{.x 0x1p4+1i}}")]),
    ("{{.x 1_0+2_0i}}", &[("t", "{{.x 1_0+2_0i}}")]),
    ("{{.x 2i}}", &[("t", "{{.x 2i}}")]),
    ("{{.x 1.5i}}", &[("t", "{{.x 1.5i}}")]),
    ("{{.x 0i}}", &[("t", "{{.x 0i}}")]),
    ("{{.x -0i}}", &[("t", "{{.x -0i}}")]),
    ("{{.x .5e1}}", &[("t", "{{.x .5e1}}")]),
    ("{{.x 1e1_0}}", &[("t", "{{.x 1e1_0}}")]),
    ("{{.x 0_1}}", &[("t", "{{.x 0_1}}")]),
    ("{{.x 0x_1p4}}", &[("t", "{{.x 0x_1p4}}")]),
    ("{{.x 00}}", &[("t", "{{.x 00}}")]),
    ("{{.x 08.5}}", &[("t", "{{.x 08.5}}")]),
    ("{{.x 0x1.p0}}", &[("t", "{{.x 0x1.p0}}")]),
    ("{{.x 0x.8p0}}", &[("t", "{{.x 0x.8p0}}")]),
    ("{{.x +.5}}", &[("t", "{{.x +.5}}")]),
    ("{{.x -.5e-5}}", &[("t", "{{.x -.5e-5}}")]),
    ("{{.x 5.}}", &[("t", "{{.x 5.}}")]),
    ("{{.x 0.0}}", &[("t", "{{.x 0.0}}")]),
    ("{{.x -0.0}}", &[("t", "{{.x -0.0}}")]),
    (
        "{{.x 0xFFFFFFFFFFFFFFFF}}",
        &[("t", "{{.x 0xFFFFFFFFFFFFFFFF}}")],
    ),
    (
        "{{.x -0x8000000000000000}}",
        &[("t", "{{.x -0x8000000000000000}}")],
    ),
    (
        "{{.x 1.8446744073709551616e19}}",
        &[("t", "{{.x 1.8446744073709551616e19}}")],
    ),
    (
        "{{.x 9223372036854775807.0}}",
        &[("t", "{{.x 9223372036854775807.0}}")],
    ),
    ("{{.x 1e19}}", &[("t", "{{.x 1e19}}")]),
    ("{{.x 1e20}}", &[("t", "{{.x 1e20}}")]),
    ("{{.x -1e19}}", &[("t", "{{.x -1e19}}")]),
    ("{{.x '\\x41'}}", &[("t", "{{.x '\\x41'}}")]),
    ("{{.x '\\u00e9'}}", &[("t", "{{.x '\\u00e9'}}")]),
    ("{{.x '\\U0001F600'}}", &[("t", "{{.x '\\U0001F600'}}")]),
    ("{{.x 'é'}}", &[("t", "{{.x 'é'}}")]),
    ("{{.x '😀'}}", &[("t", "{{.x '😀'}}")]),
    (
        "{{.x \"\\a\\b\\f\\n\\r\\t\\v\"}}",
        &[("t", "{{.x \"\\a\\b\\f\\n\\r\\t\\v\"}}")],
    ),
    ("{{.x \"\\xc3\\xa9\"}}", &[("t", "{{.x \"\\xc3\\xa9\"}}")]),
    ("{{.x \"\\177\"}}", &[("t", "{{.x \"\\177\"}}")]),
    (
        "{{ $x := 1 }}{{ range $x := . }}{{ $x }}{{ end }}{{ $x }}",
        &[("t", "{{$x := 1}}{{range $x := .}}{{$x}}{{end}}{{$x}}")],
    ),
    (
        "{{ range $x, $y := . }}{{ end }}",
        &[("t", "{{range $x, $y := .}}{{end}}")],
    ),
    (
        "{{ range $x, $y = . }}{{ end }}",
        &[("t", "{{range $x, $y := .}}{{end}}")],
    ),
    (
        "{{ range $x = . }}{{ end }}",
        &[("t", "{{range $x := .}}{{end}}")],
    ),
    ("{{ ($x := 1) }}{{ $x }}", &[("t", "{{($x := 1)}}{{$x}}")]),
    (
        "{{ $x := ($y := 1) }}{{$y}}",
        &[("t", "{{$x := ($y := 1)}}{{$y}}")],
    ),
    ("{{ $x := 1 2 }}", &[("t", "{{$x := 1 2}}")]),
    ("{{ $ }}", &[("t", "{{$}}")]),
    ("{{ $ := 1 }}", &[("t", "{{$ := 1}}")]),
    ("{{ .1 }}", &[("t", "{{.1}}")]),
    ("{{ $x := 1 }}{{ $x .y }}", &[("t", "{{$x := 1}}{{$x .y}}")]),
    ("{{ $x := 1 }}{{ $x}}", &[("t", "{{$x := 1}}{{$x}}")]),
    ("{{ $x := 1 }}{{$x}}", &[("t", "{{$x := 1}}{{$x}}")]),
    (
        "{{.x}}{{- /* c */ -}}{{.y}}",
        &[("t", "{{.x}}{{/* c */}}{{.y}}")],
    ),
    (
        "{{.x}} {{- /* c */ -}} {{.y}}",
        &[("t", "{{.x}}{{/* c */}}{{.y}}")],
    ),
    ("{{ (.x).y.z }}", &[("t", "{{(.x).y.z}}")]),
    ("{{ (.x) .y }}", &[("t", "{{(.x) .y}}")]),
    ("{{ printf.x }}", &[("t", "{{printf.x}}")]),
    ("{{ printf .x.y }}", &[("t", "{{printf .x.y}}")]),
    ("{{ nil }}", &[("t", "{{nil}}")]),
    ("{{ nil | printf }}", &[("t", "{{nil | printf}}")]),
    (
        "{{ define \"x\" }}{{ block \"y\" . }}Y{{ end }}{{ end }}",
        &[("t", ""), ("x", "{{template \"y\" .}}"), ("y", "Y")],
    ),
    (
        "{{ block \"x\" . }} {{ end }}{{ block \"x\" . }}X{{ end }}",
        &[
            ("t", "{{template \"x\" .}}{{template \"x\" .}}"),
            ("x", "X"),
        ],
    ),
    (
        "{{ define \"x\" }}X{{ end }}{{ block \"x\" . }}{{ end }}",
        &[("t", "{{template \"x\" .}}"), ("x", "X")],
    ),
    (
        "{{ template \"x\" . }}{{ template \"x\" }}{{ template \"x\" $ }}",
        &[(
            "t",
            "{{template \"x\" .}}{{template \"x\"}}{{template \"x\" $}}",
        )],
    ),
    (" {{ define \"t\" }}T{{ end }} ", &[("t", "T")]),
    ("{{/* c */}}{{ define \"t\" }}T{{ end }}", &[("t", "T")]),
    ("{{ define \"t\" }}{{/* c */}}{{ end }}", &[("t", "")]),
    (
        "{{ define \"t\" }}T{{ end }}{{ define \"t\" }}{{/* c */}} {{ end }}",
        &[("t", "T")],
    ),
];

/// Node positions (byte offsets), lines and number classifications as Go
/// records them; execution errors print `NAME:LINE:COL` from these.
const GO_DUMPS: &[(&str, &[&str])] = &[
    (
        "{{.a.b}}",
        &[
            "TREE \"t\" = {{.a.b}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "field 4 .a.b",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{if .x}}a{{else if .y}}b{{else}}c{{end}}",
        &[
            "TREE \"t\" = {{if .x}}a{{else}}{{if .y}}b{{else}}c{{end}}{{end}}",
            "list 0",
            "if 5 1",
            "pipe 5 1 assign=false decl=[]",
            "cmd 5",
            "field 5 .x",
            "/pipe",
            "list 9",
            "text 9 \"a\"",
            "/list",
            "else",
            "list 17",
            "if 20 1",
            "pipe 20 1 assign=false decl=[]",
            "cmd 20",
            "field 20 .y",
            "/pipe",
            "list 24",
            "text 24 \"b\"",
            "/list",
            "else",
            "list 33",
            "text 33 \"c\"",
            "/list",
            "/if",
            "/list",
            "/if",
            "/list",
        ],
    ),
    (
        "{{$x := .}}{{$x.a.b}}",
        &[
            "TREE \"t\" = {{$x := .}}{{$x.a.b}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[$x@2]",
            "cmd 8",
            "dot 8",
            "/pipe",
            "action 13 1",
            "pipe 13 1 assign=false decl=[]",
            "cmd 13",
            "variable 15 $x.a.b",
            "/pipe",
            "/list",
        ],
    ),
    (
        "a\n\n{{ .x.y.z }}\n{{ $x := 1 }}\n{{ $x.a.b }}",
        &[
            "TREE \"t\" = a\n\n{{.x.y.z}}\n{{$x := 1}}\n{{$x.a.b}}",
            "list 0",
            "text 0 \"a\\n\\n\"",
            "action 6 3",
            "pipe 6 3 assign=false decl=[]",
            "cmd 6",
            "field 8 .x.y.z",
            "/pipe",
            "text 15 \"\\n\"",
            "action 19 4",
            "pipe 19 4 assign=false decl=[$x@19]",
            "cmd 25",
            "number 25 1 i=1 u=1 f=3ff0000000000000",
            "/pipe",
            "text 29 \"\\n\"",
            "action 33 5",
            "pipe 33 5 assign=false decl=[]",
            "cmd 33",
            "variable 35 $x.a.b",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{(index . 1).a.b}}",
        &[
            "TREE \"t\" = {{(index . 1).a.b}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "chain 13 (index . 1).a.b",
            "pipe 3 1 assign=false decl=[]",
            "cmd 3",
            "identifier 3 index",
            "dot 9",
            "number 11 1 i=1 u=1 f=3ff0000000000000",
            "/pipe",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{range $i, $v := .x}}{{$i}}{{$v}}{{end}}",
        &[
            "TREE \"t\" = {{range $i, $v := .x}}{{$i}}{{$v}}{{end}}",
            "list 0",
            "range 8 1",
            "pipe 8 1 assign=false decl=[$i@8,$v@12]",
            "cmd 18",
            "field 18 .x",
            "/pipe",
            "list 22",
            "action 24 1",
            "pipe 24 1 assign=false decl=[]",
            "cmd 24",
            "variable 24 $i",
            "/pipe",
            "action 30 1",
            "pipe 30 1 assign=false decl=[]",
            "cmd 30",
            "variable 30 $v",
            "/pipe",
            "/list",
            "/range",
            "/list",
        ],
    ),
    (
        "{{define \"x\"}}X{{end}}{{template \"x\" .}}",
        &[
            "TREE \"t\" = {{template \"x\" .}}",
            "list 0",
            "template 33 1 \"x\"",
            "pipe 37 1 assign=false decl=[]",
            "cmd 37",
            "dot 37",
            "/pipe",
            "/list",
            "TREE \"x\" = X",
            "list 14",
            "text 14 \"X\"",
            "/list",
        ],
    ),
    (
        "{{block \"b\" .}}B{{end}}",
        &[
            "TREE \"b\" = B",
            "list 15",
            "text 15 \"B\"",
            "/list",
            "TREE \"t\" = {{template \"b\" .}}",
            "list 0",
            "template 8 1 \"b\"",
            "pipe 12 1 assign=false decl=[]",
            "cmd 12",
            "dot 12",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{range .}}{{break}}{{continue}}{{end}}",
        &[
            "TREE \"t\" = {{range .}}{{break}}{{continue}}{{end}}",
            "list 0",
            "range 8 1",
            "pipe 8 1 assign=false decl=[]",
            "cmd 8",
            "dot 8",
            "/pipe",
            "list 11",
            "break 13 1",
            "continue 22 1",
            "/list",
            "/range",
            "/list",
        ],
    ),
    (
        "{{printf \"%d\" (len .x)}}",
        &[
            "TREE \"t\" = {{printf \"%d\" (len .x)}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "identifier 2 printf",
            "string 9 \"%d\" \"%d\"",
            "pipe 15 1 assign=false decl=[]",
            "cmd 15",
            "identifier 15 len",
            "field 19 .x",
            "/pipe",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{.x}}{{- /* c */ -}}{{.y}}",
        &[
            "TREE \"t\" = {{.x}}{{/* c */}}{{.y}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "field 2 .x",
            "/pipe",
            "comment 10 \"/* c */\"",
            "action 23 1",
            "pipe 23 1 assign=false decl=[]",
            "cmd 23",
            "field 23 .y",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{'a'}}",
        &[
            "TREE \"t\" = {{'a'}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "number 2 'a' i=97 u=97 f=4058400000000000",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{0x1F}}",
        &[
            "TREE \"t\" = {{0x1F}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "number 2 0x1F i=31 u=31 f=403f000000000000",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{1_000}}",
        &[
            "TREE \"t\" = {{1_000}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "number 2 1_000 i=1000 u=1000 f=408f400000000000",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{1e3}}",
        &[
            "TREE \"t\" = {{1e3}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "number 2 1e3 i=1000 u=1000 f=408f400000000000",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{-3}}",
        &[
            "TREE \"t\" = {{-3}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "number 2 -3 i=-3 f=c008000000000000",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{.x 1+2i}}",
        &[
            "TREE \"t\" = {{.x 1+2i}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "field 2 .x",
            "number 5 1+2i c",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{1.0}}",
        &[
            "TREE \"t\" = {{1.0}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "number 2 1.0 i=1 u=1 f=3ff0000000000000",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{.x 0i}}",
        &[
            "TREE \"t\" = {{.x 0i}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "field 2 .x",
            "number 5 0i i=0 u=0 f=0 c",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{.x 1e19}}",
        &[
            "TREE \"t\" = {{.x 1e19}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "field 2 .x",
            "number 5 1e19 u=10000000000000000000 f=43e158e460913d00",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{-0}}",
        &[
            "TREE \"t\" = {{-0}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "number 2 -0 i=0 u=0 f=0",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{9223372036854775808}}",
        &[
            "TREE \"t\" = {{9223372036854775808}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "number 2 9223372036854775808 u=9223372036854775808 f=43e0000000000000",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{$x := 1}}{{$x = 2}}{{$x}}",
        &[
            "TREE \"t\" = {{$x := 1}}{{$x := 2}}{{$x}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[$x@2]",
            "cmd 8",
            "number 8 1 i=1 u=1 f=3ff0000000000000",
            "/pipe",
            "action 13 1",
            "pipe 13 1 assign=true decl=[$x@13]",
            "cmd 18",
            "number 18 2 i=2 u=2 f=4000000000000000",
            "/pipe",
            "action 23 1",
            "pipe 23 1 assign=false decl=[]",
            "cmd 23",
            "variable 23 $x",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{1e100}}",
        &[
            "TREE \"t\" = {{1e100}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "number 2 1e100 f=54b249ad2594c37d",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{0x1p-2}}",
        &[
            "TREE \"t\" = {{0x1p-2}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "number 2 0x1p-2 f=3fd0000000000000",
            "/pipe",
            "/list",
        ],
    ),
    (
        "{{-9223372036854775808}}",
        &[
            "TREE \"t\" = {{-9223372036854775808}}",
            "list 0",
            "action 2 1",
            "pipe 2 1 assign=false decl=[]",
            "cmd 2",
            "number 2 -9223372036854775808 i=-9223372036854775808 f=c3e0000000000000",
            "/pipe",
            "/list",
        ],
    ),
];

#[test]
fn errors_match_go() {
    let mut failures = Vec::new();
    for (text, want) in GO_ERRORS {
        match parse(text) {
            Ok(trees) => failures.push(format!(
                "{text:?}: parsed as {:?}, Go: {want}",
                printed(&trees)
            )),
            Err(e) if e.to_string() != *want => {
                failures.push(format!("{text:?}:\n   got {e}\n  want {want}"))
            }
            Err(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn trees_print_as_go() {
    let mut failures = Vec::new();
    for (text, want) in GO_TREES {
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        match parse(text) {
            Ok(trees) if printed(&trees) == want => {}
            Ok(trees) => failures.push(format!(
                "{text:?}:\n   got {:?}\n  want {want:?}",
                printed(&trees)
            )),
            Err(e) => failures.push(format!("{text:?}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn positions_match_go() {
    for (text, want) in GO_DUMPS {
        let trees = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let got = dump_trees(&trees);
        assert_eq!(got, *want, "{text:?}");
    }
}

// ---- Go 1.23+ and Go 1.24 behaviour (checked with the Helm oracle) -------

#[test]
fn else_with_chains() {
    let tree = main_tree("{{with .a}}1{{else with .b}}2{{else}}3{{end}}");
    assert_eq!(
        tree.root.to_string(),
        "{{with .a}}1{{else}}{{with .b}}2{{else}}3{{end}}{{end}}"
    );
    let Some(Node::Branch(b)) = tree.root.nodes.first() else {
        panic!("not a branch")
    };
    let else_list = b.else_list.as_ref().expect("else");
    assert_eq!(
        else_list.pos, 19,
        "the else list starts at the nested `with`"
    );
    assert!(
        matches!(&else_list.nodes[..], [Node::Branch(inner)] if inner.kind == BranchKind::With)
    );
    // `else with` belongs to `with` only.
    assert_eq!(
        parse_err("{{if .a}}{{else with .b}}{{end}}"),
        "template: t:1: unexpected <with> in input"
    );
    assert_eq!(
        parse_err("{{range .a}}{{else with .b}}{{end}}"),
        "template: t:1: unexpected <with> in input"
    );
    assert_eq!(
        parse_err("{{with .a}}{{else if .b}}{{end}}"),
        "template: t:1: unexpected <if> in input"
    );
}

#[test]
fn lexer_errors_as_go_1_24() {
    assert_eq!(
        parse_err("{{.x)}}"),
        "template: t:1: unexpected right paren"
    );
    assert_eq!(
        parse_err("{{.x\n)}}"),
        "template: t:2: unexpected right paren in action started at t:1"
    );
    // Newlines inside comments count.
    assert_eq!(
        parse_err("{{/* a\nb */}}{{.x\n}}{{nope}}"),
        "template: t:3: function \"nope\" not defined"
    );
    assert_eq!(
        parse_err("{{/* a\nb */}}\n{{nope}}"),
        "template: t:3: function \"nope\" not defined"
    );
    assert_eq!(
        parse_err("{{if .x}}\n\n{{/* unclosed"),
        "template: t:3: unclosed comment in action started at t:1"
    );
}

// ---- lexing ---------------------------------------------------------------

#[test]
fn trim_markers_need_a_space() {
    assert_eq!(main_tree("a  {{- .x -}}  b").root.to_string(), "a{{.x}}b");
    assert_eq!(
        main_tree("a \t\r\n {{- .x -}} \n\t b").root.to_string(),
        "a{{.x}}b"
    );
    // Only ASCII whitespace is trimmed.
    assert_eq!(
        main_tree("a\u{a0}{{- .x}}").root.to_string(),
        "a\u{a0}{{.x}}"
    );
    // `{{-3}}` is the number -3, `{{3 -}}` trims.
    assert_eq!(number("{{-3}}").int, Some(-3));
    assert_eq!(main_tree("{{3 -}}  x").root.to_string(), "{{3}}x");
    // The marker may be followed by a newline or a tab.
    assert_eq!(main_tree("a\n{{-\n.x\n-}}\nb").root.to_string(), "a{{.x}}b");
    assert_eq!(main_tree("a {{-\t.x\t-}} b").root.to_string(), "a{{.x}}b");
    assert_eq!(
        parse_err("a {{-.x}}"),
        "template: t:1: bad number syntax: \"-.x\""
    );
    assert_eq!(
        parse_err("{{.x -}"),
        "template: t:1: illegal number syntax: \"-\""
    );
}

#[test]
fn trimming_on_both_sides_of_comments() {
    assert_eq!(
        main_tree("x  {{- /* c */ -}}  y").root.to_string(),
        "x{{/* c */}}y"
    );
    assert_eq!(
        main_tree("x {{/* c */ -}}  y").root.to_string(),
        "x {{/* c */}}y"
    );
    let tree = main_tree("a{{/* c */}}b");
    assert!(
        matches!(&tree.root.nodes[..], [Node::Text { .. }, Node::Comment { text, .. }, Node::Text { .. }] if &**text == "/* c */")
    );
    assert_eq!(
        parse_err("{{/* c */ }}"),
        "template: t:1: comment ends before closing delimiter"
    );
    assert_eq!(parse_err("{{/* c"), "template: t:1: unclosed comment");
}

#[test]
fn string_escapes_follow_strconv_unquote() {
    assert_eq!(
        string_value(r#"{{"\x41\u00e9\U0001F600\101\n\t\\\""}}"#),
        "A\u{e9}\u{1F600}A\n\t\\\""
    );
    assert_eq!(
        string_value(r#"{{"\a\b\f\v\r"}}"#),
        "\u{7}\u{8}\u{c}\u{b}\r"
    );
    // Byte escapes that together form UTF-8.
    assert_eq!(string_value(r#"{{"\xc3\xa9\303\251"}}"#), "\u{e9}\u{e9}");
    assert_eq!(
        string_value("{{`a\\n\r\nb`}}"),
        "a\\n\nb",
        "raw strings drop CR"
    );
    for bad in [
        r#"{{"\q"}}"#,
        r#"{{"\x4"}}"#,
        r#"{{"\400"}}"#,
        r#"{{"\uD800"}}"#,
        r#"{{"\'"}}"#,
        r#"{{"\U00110000"}}"#,
    ] {
        assert_eq!(parse_err(bad), "template: t:1: invalid syntax", "{bad}");
    }
    // The printer keeps the source spelling.
    assert_eq!(
        main_tree(r#"{{"\x41"}}{{`b`}}"#).root.to_string(),
        r#"{{"\x41"}}{{`b`}}"#
    );
}

#[test]
fn character_constants_are_numbers() {
    let n = number("{{'a'}}");
    assert!(n.is_char);
    assert_eq!((n.int, n.uint, n.float), (Some(97), Some(97), Some(97.0)));
    assert_eq!(number(r"{{'\n'}}").int, Some(10));
    assert_eq!(number(r"{{'\''}}").int, Some(39));
    assert_eq!(number(r"{{'\x41'}}").int, Some(65));
    assert_eq!(number("{{'\u{e9}'}}").int, Some(0xe9));
    assert_eq!(parse_err("{{''}}"), "template: t:1: invalid syntax");
    assert_eq!(
        parse_err("{{'ab'}}"),
        "template: t:1: malformed character constant: 'ab'"
    );
    assert_eq!(parse_err(r#"{{'\"'}}"#), "template: t:1: invalid syntax");
    assert_eq!(
        parse_err("{{'a}}"),
        "template: t:1: unterminated character constant"
    );
}

#[test]
fn numbers_are_classified_as_go_does() {
    let n = number("{{0x1F}}");
    assert_eq!(
        (n.int, n.uint, n.float, n.is_complex),
        (Some(31), Some(31), Some(31.0), false)
    );
    assert_eq!(number("{{0o17}}").int, Some(15));
    assert_eq!(number("{{017}}").int, Some(15));
    assert_eq!(number("{{0b101}}").int, Some(5));
    assert_eq!(number("{{1_000}}").int, Some(1000));
    let n = number("{{1.5}}");
    assert_eq!((n.int, n.uint, n.float), (None, None, Some(1.5)));
    let n = number("{{1e3}}");
    assert_eq!(
        (n.int, n.uint, n.float),
        (Some(1000), Some(1000), Some(1000.0))
    );
    assert_eq!(number("{{0x1p-2}}").float, Some(0.25));
    assert_eq!(number("{{0x1.8p1}}").float, Some(3.0));
    let n = number("{{-5}}");
    assert_eq!((n.int, n.uint), (Some(-5), None));
    let n = number("{{18446744073709551615}}");
    assert_eq!((n.int, n.uint), (None, Some(u64::MAX)));
    let n = number("{{1e19}}");
    assert_eq!((n.int, n.uint), (None, Some(10_000_000_000_000_000_000)));
    let n = number("{{9.223372036854775807e18}}");
    assert_eq!(
        (n.int, n.uint),
        (None, Some(1 << 63)),
        "2^63 is not an int64"
    );
    let n = number("{{1+2i}}");
    assert!(n.is_complex);
    assert_eq!((n.int, n.float), (None, None));
    let n = number("{{1-0i}}");
    assert_eq!((n.int, n.float, n.is_complex), (Some(1), Some(1.0), true));
    assert_eq!(number("{{0i}}").int, Some(0));
    assert_eq!(
        parse_err("{{18446744073709551616}}"),
        "template: t:1: integer overflow: \"18446744073709551616\""
    );
    assert_eq!(
        parse_err("{{1e400}}"),
        "template: t:1: illegal number syntax: \"1e400\""
    );
    assert_eq!(
        parse_err("{{0x}}"),
        "template: t:1: illegal number syntax: \"0x\""
    );
    assert_eq!(
        parse_err("{{3a}}"),
        "template: t:1: bad number syntax: \"3a\""
    );
    assert_eq!(
        parse_err("{{.x 1+i}}"),
        "template: t:1: syntax error scanning complex number"
    );
    assert_eq!(
        main_tree("{{0x1F}} {{1_0}} {{1e3}} {{'a'}}")
            .root
            .to_string(),
        "{{0x1F}} {{1_0}} {{1e3}} {{'a'}}"
    );
}

// ---- parsing ----------------------------------------------------------------

#[test]
fn field_chains_on_any_operand() {
    assert!(matches!(operand("{{.a.b.c}}"), Arg::Field { pos: 4, fields } if fields.len() == 3));
    let tree = main_tree("{{$x := .}}{{$x.a.b}}");
    let Some(Node::Action { pipe, .. }) = tree.root.nodes.get(1) else {
        panic!()
    };
    assert!(
        matches!(&pipe.cmds[0].args[0], Arg::Variable { name, fields, pos: 15 } if &**name == "$x" && fields.len() == 2)
    );
    match operand("{{(index . 1).a.b}}") {
        Arg::Chain { node, fields, pos } => {
            assert!(matches!(*node, Arg::Pipe(_)));
            assert_eq!((fields.len(), pos), (2, 13));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(operand("{{printf.a}}"), Arg::Chain { .. }));
    assert_eq!(
        parse_err("{{nil.a}}"),
        "template: t:1: unexpected . after term \"nil\""
    );
    assert_eq!(
        parse_err("{{..a}}"),
        "template: t:1: unexpected . after term \".\""
    );
    assert!(
        matches!(operand("{{(1).a}}"), Arg::Chain { .. }),
        "literals in parentheses chain"
    );
}

#[test]
fn variables_are_scoped_as_in_go() {
    assert!(parse("{{$x := 1}}{{$x}}").is_ok());
    assert!(parse("{{range $i, $v := .}}{{$i}}{{$v}}{{end}}").is_ok());
    assert_eq!(
        parse_err("{{range $i, $v := .}}{{end}}{{$v}}"),
        "template: t:1: undefined variable \"$v\""
    );
    assert_eq!(
        parse_err("{{with $x := .}}{{end}}{{$x}}"),
        "template: t:1: undefined variable \"$x\""
    );
    // Pipeline declarations of `if` are visible in `else if` branches.
    assert!(parse("{{if $x := 1}}{{else if $y := 2}}{{$x}}{{$y}}{{end}}").is_ok());
    // define and block bodies start a fresh scope.
    assert_eq!(
        parse_err("{{$x := 1}}{{define \"a\"}}{{$x}}{{end}}"),
        "template: t:1: undefined variable \"$x\""
    );
    assert_eq!(
        parse_err("{{$y := 1}}{{block \"b\" .}}{{$y}}{{end}}"),
        "template: t:1: undefined variable \"$y\""
    );
    // The main scope survives a define.
    assert!(parse("{{$x := 1}}{{define \"a\"}}{{end}}{{$x}}").is_ok());
    // Assignment does not check the variable at parse time (Go checks at run time).
    assert!(parse("{{$x = 2}}").is_ok());
    let tree = main_tree("{{$x := 1}}{{$x = 2}}");
    let Some(Node::Action { pipe, .. }) = tree.root.nodes.get(1) else {
        panic!()
    };
    assert!(pipe.is_assign);
    assert_eq!(
        tree.root.to_string(),
        "{{$x := 1}}{{$x := 2}}",
        "Go prints assignments with :="
    );
}

#[test]
fn break_and_continue_only_in_range() {
    assert!(parse("{{range .}}{{if .}}{{break}}{{else}}{{continue}}{{end}}{{end}}").is_ok());
    assert_eq!(
        parse_err("{{break}}"),
        "template: t:1: {{break}} outside {{range}}"
    );
    assert_eq!(
        parse_err("{{continue}}"),
        "template: t:1: {{continue}} outside {{range}}"
    );
    assert_eq!(
        parse_err("{{range .}}{{else}}{{break}}{{end}}"),
        "template: t:1: {{break}} outside {{range}}"
    );
    assert_eq!(
        parse_err("{{range .}}{{break 1}}{{end}}"),
        "template: t:1: unexpected \"1\" in {{break}}"
    );
    assert_eq!(
        parse_err("{{range .}}{{block \"b\" .}}{{break}}{{end}}{{end}}"),
        "template: t:1: {{break}} outside {{range}}"
    );
    // When a function is named `break`, the word is that function.
    let trees = ast::parse("t", "{{break}}", &|n: &str| n == "break").expect("parses");
    assert!(matches!(&trees[0].root.nodes[..], [Node::Action { .. }]));
}

#[test]
fn definitions_and_the_empty_template_rule() {
    let trees = parse("{{define \"x\"}}X{{end}}{{template \"x\" .}}").expect("parses");
    assert_eq!(
        printed(&trees),
        [
            ("t".into(), "{{template \"x\" .}}".into()),
            ("x".into(), "X".into())
        ]
    );
    // The main tree named like a definition: the empty one yields.
    let trees = parse("{{define \"t\"}}T{{end}}  ").expect("parses");
    assert_eq!(printed(&trees), [("t".into(), "T".into())]);
    let trees =
        parse("{{define \"x\"}}X{{end}}{{define \"x\"}} {{/* c */}} {{end}}").expect("parses");
    assert_eq!(
        printed(&trees),
        [("t".into(), String::new()), ("x".into(), "X".into())]
    );
    assert_eq!(
        parse_err("{{define \"x\"}}X{{end}}{{define \"x\"}}Y{{end}}"),
        "template: t:1: template: multiple definition of template \"x\""
    );
    assert_eq!(
        parse_err("{{define \"t\"}}T{{end}}body"),
        "template: t:1: template: multiple definition of template \"t\""
    );
    // Emptiness for the evaluator's redefinition rule.
    let trees =
        parse("{{define \"e\"}} \n{{/* c */}}\t{{end}}{{define \"f\"}}{{if 1}}{{end}}{{end}}")
            .expect("parses");
    let by_name = |n: &str| trees.iter().find(|t| &*t.name == n).expect("tree");
    assert!(by_name("e").is_empty());
    assert!(!by_name("f").is_empty());
    assert!(by_name("t").is_empty());
}

#[test]
fn block_is_define_plus_template() {
    let trees = parse("{{block \"b\" .x}}B{{.}}{{end}}").expect("parses");
    assert_eq!(
        printed(&trees),
        [
            ("b".into(), "B{{.}}".into()),
            ("t".into(), "{{template \"b\" .x}}".into())
        ]
    );
    assert_eq!(
        parse_err("{{block \"b\"}}B{{end}}"),
        "template: t:1: missing value for block clause"
    );
    // Go reports a bad block ending with the line of the block's `}}`.
    assert_eq!(
        parse_err("{{block \"b\"\n.}}\n\nx\n{{else}}{{end}}"),
        "template: t:2: unexpected {{else}} in block clause"
    );
}

#[test]
fn trees_share_one_source_named_after_the_parse() {
    let trees = ast::parse("file.yaml", "{{define \"a\"}}A{{end}}B", &|_| false).expect("parses");
    assert_eq!(trees.len(), 2);
    assert!(std::sync::Arc::ptr_eq(&trees[0].source, &trees[1].source));
    assert_eq!(&*trees[0].source.name, "file.yaml");
    assert_eq!(
        parse_err_named("file.yaml", "x\n{{.a | 3}}"),
        "template: file.yaml:2: non executable command in pipeline stage 2"
    );
}

fn parse_err_named(name: &str, text: &str) -> String {
    ast::parse(name, text, &|_| false)
        .expect_err("fails")
        .to_string()
}

#[test]
fn error_lines_follow_the_last_token_read() {
    assert_eq!(
        parse_err("\n\n{{if}}"),
        "template: t:3: missing value for if"
    );
    assert_eq!(parse_err("{{if\n}}"), "template: t:2: missing value for if");
    assert_eq!(
        parse_err("{{.x\n\"unterminated"),
        "template: t:2: unterminated quoted string in action started at t:1"
    );
    assert_eq!(
        parse_err("{{.x\n"),
        "template: t:2: unclosed action started at t:1"
    );
    assert_eq!(
        parse_err("{{if .x}}\n{{.y}}\n"),
        "template: t:3: unexpected EOF"
    );
}

#[test]
fn errors_carry_a_source_snippet() {
    let e = parse("a\n{{if}}\nb").expect_err("fails");
    assert_eq!(e.snippet(), Some("2 | {{if}}"));
    assert_eq!(
        format!("{e:#}"),
        "template: t:2: missing value for if\n2 | {{if}}"
    );
}

// ---- limits and robustness --------------------------------------------------

#[test]
fn nesting_is_limited_with_a_clear_error() {
    let parens = |n: usize| format!("{{{{{}1{}}}}}", "(".repeat(n), ")".repeat(n));
    assert!(parse(&parens(50)).is_ok());
    assert_eq!(
        parse_err(&parens(5000)),
        "template: t:1: max expression depth exceeded"
    );
    let ifs = |n: usize| format!("{}{}", "{{if 1}}".repeat(n), "{{end}}".repeat(n));
    assert!(parse(&ifs(50)).is_ok());
    assert_eq!(
        parse_err(&ifs(100_000)),
        "template: t:1: max control nesting depth exceeded"
    );
    let chain = format!("{{{{if 1}}}}{}{{{{end}}}}", "{{else if 1}}".repeat(100_000));
    assert_eq!(
        parse_err(&chain),
        "template: t:1: max control nesting depth exceeded"
    );
    let blocks = format!(
        "{}{}",
        "{{block \"x\" 1}}".repeat(100_000),
        "{{end}}".repeat(100_000)
    );
    assert_eq!(
        parse_err(&blocks),
        "template: t:1: max control nesting depth exceeded"
    );
}

#[test]
fn every_prefix_of_every_case_parses_or_fails_cleanly() {
    // Truncated input is the commonest malformed input; none may panic.
    let texts = GO_ERRORS
        .iter()
        .map(|(t, _)| *t)
        .chain(GO_TREES.iter().map(|(t, _)| *t));
    for text in texts {
        for (i, _) in text.char_indices() {
            let _ = parse(&text[..i]);
            let _ = parse(&text[i..]);
        }
    }
}

#[test]
fn large_inputs_parse_in_linear_time() {
    // Quadratic behaviour would make these take minutes.
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!(
            "{{{{$v{i} := {i}}}}}{{{{$v{i}}}}} text {{{{- /* c */ -}}}}\n"
        ));
    }
    for i in 0..2_000 {
        text.push_str(&format!("{{{{define \"d{i}\"}}}}x{{{{end}}}}"));
    }
    assert!(parse(&text).is_ok());
    let text = "a".repeat(1 << 20) + &"{{.x}}".repeat(50_000);
    assert!(parse(&text).is_ok());
}

// ---- a position dump in the format the Go side printed ----------------------

fn q(s: &str) -> String {
    // Go's %q for test purposes (ASCII-printable focus).
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn dump_trees(trees: &[Tree]) -> Vec<String> {
    let mut sorted: Vec<&Tree> = trees.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = Vec::new();
    for t in sorted {
        out.push(format!("TREE {} = {}", q(&t.name), t.root));
        list(&mut out, &t.root);
    }
    out
}

fn list(out: &mut Vec<String>, l: &List) {
    out.push(format!("list {}", l.pos));
    for n in &l.nodes {
        node(out, n);
    }
    out.push("/list".into());
}

fn node(out: &mut Vec<String>, n: &Node) {
    match n {
        Node::Text { pos, text } => out.push(format!("text {pos} {}", q(text))),
        Node::Comment { pos, text } => out.push(format!("comment {pos} {}", q(text))),
        Node::Action { pos, line, pipe: p } => {
            out.push(format!("action {pos} {line}"));
            pipe(out, p);
        }
        Node::Branch(b) => branch(out, b),
        Node::Template {
            pos,
            line,
            name,
            pipe: p,
        } => {
            out.push(format!("template {pos} {line} {}", q(name)));
            if let Some(p) = p {
                pipe(out, p);
            }
        }
        Node::Break { pos, line } => out.push(format!("break {pos} {line}")),
        Node::Continue { pos, line } => out.push(format!("continue {pos} {line}")),
    }
}

fn branch(out: &mut Vec<String>, b: &Branch) {
    let kind = match b.kind {
        BranchKind::If => "if",
        BranchKind::Range => "range",
        BranchKind::With => "with",
    };
    out.push(format!("{kind} {} {}", b.pos, b.line));
    pipe(out, &b.pipe);
    list(out, &b.list);
    if let Some(e) = &b.else_list {
        out.push("else".into());
        list(out, e);
    }
    out.push(format!("/{kind}"));
}

fn pipe(out: &mut Vec<String>, p: &Pipe) {
    let decl: Vec<String> = p
        .decl
        .iter()
        .map(|d| format!("{}@{}", d.name, d.pos))
        .collect();
    out.push(format!(
        "pipe {} {} assign={} decl=[{}]",
        p.pos,
        p.line,
        p.is_assign,
        decl.join(",")
    ));
    for c in &p.cmds {
        out.push(format!("cmd {}", c.pos));
        for a in &c.args {
            arg(out, a);
        }
    }
    out.push("/pipe".into());
}

fn arg(out: &mut Vec<String>, a: &Arg) {
    match a {
        Arg::Dot { pos } => out.push(format!("dot {pos}")),
        Arg::Nil { pos } => out.push(format!("nil {pos}")),
        Arg::Bool { pos, value } => out.push(format!("bool {pos} {value}")),
        Arg::Number(n) => {
            let mut s = format!("number {} {}", n.pos, n.text);
            if let Some(i) = n.int {
                s += &format!(" i={i}");
            }
            if let Some(u) = n.uint {
                s += &format!(" u={u}");
            }
            if let Some(f) = n.float {
                s += &format!(" f={:x}", f.to_bits());
            }
            if n.is_complex {
                s += " c";
            }
            out.push(s);
        }
        Arg::String { pos, text, value } => out.push(format!("string {pos} {text} {}", q(value))),
        Arg::Field { pos, .. } => out.push(format!("field {pos} {a}")),
        Arg::Variable { pos, .. } => out.push(format!("variable {pos} {a}")),
        Arg::Identifier { pos, name } => out.push(format!("identifier {pos} {name}")),
        Arg::Pipe(p) => pipe(out, p),
        Arg::Chain { pos, node, .. } => {
            out.push(format!("chain {pos} {a}"));
            arg(out, node);
        }
    }
}
